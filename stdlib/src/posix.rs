//! The `posix` module (CPython's Modules/posixmodule.c): the operating-system calls
//! the frozen `os` and `posixpath` modules are written on — process facts, the
//! environment, directories, files, `stat`, random bytes.
//!
//! Paths are `str` (or `bytes`, or objects with `__fspath__`); failures raise the
//! `OSError` subclass for the errno with CPython's message and the path(s), e.g.
//! `FileNotFoundError: [Errno 2] No such file or directory: 'x'`. Calls that touch
//! the file system run detached from the thread state.

use std::os::unix::fs::{DirBuilderExt, MetadataExt};

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{new_builtin_function, set_builtin_module, NativeFn};
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{
    bytes, dict, float, int, list, module, singletons, str as pystr, tuple, PyErr, PyObj, PyResult,
};

use crate::_io::{fspath, path_of};

fn blocking<R>(f: impl FnOnce() -> R) -> R {
    strand_heap::with_detached(f)
}

/// The `OSError` for a failed call on `path` (and `path2`, for two-path calls).
fn os_err(e: &std::io::Error, path: &PyObj, path2: Option<&PyObj>) -> PyErr {
    match (e.raw_os_error(), path2) {
        (Some(code), Some(p2)) => {
            let msg = e.to_string();
            let msg = msg.split(" (os error").next().unwrap_or(&msg).to_string();
            let args = [
                int::from_i64(i64::from(code)),
                pystr::from_string(msg),
                path.clone(),
                singletons::none(),
                p2.clone(),
            ];
            match ab::call(&exc::OS_ERROR_TYPE.to_obj(), &args, None) {
                Ok(v) => PyErr::from_value(v),
                Err(e) => e,
            }
        }
        _ => exc::from_io_error(e, Some(path.clone())),
    }
}

/// A path argument: the fspath'd object (for messages) and the OS path.
fn path_arg(o: &PyObj, func: &str) -> PyResult<(PyObj, std::path::PathBuf)> {
    let p = fspath(o).map_err(|e| {
        if e.is_instance(&exc::TYPE_ERROR_TYPE) {
            type_error(format!(
                "{func}: path should be string, bytes or os.PathLike, not {}",
                o.ty().name()
            ))
        } else {
            e
        }
    })?;
    let path = path_of(&p);
    Ok((p, path))
}

fn one_path(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<(PyObj, std::path::PathBuf)> {
    let b = Args::new(a, k).bind(name, 0, &["path"], 1)?;
    path_arg(b[0].expect("required"), name)
}

fn none() -> PyObj {
    singletons::none()
}

fn os_listdir(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("listdir", 0, &["path"], 0)?;
    let (p, path) = match b[0] {
        Some(o) if !singletons::is_none(o) => path_arg(o, "listdir")?,
        _ => (pystr::new("."), std::path::PathBuf::from(".")),
    };
    let as_bytes = bytes::is_bytes(&p);
    let names = blocking(|| -> std::io::Result<Vec<std::ffi::OsString>> {
        std::fs::read_dir(&path)?
            .map(|e| e.map(|e| e.file_name()))
            .collect()
    })
    .map_err(|e| os_err(&e, &p, None))?;
    let items = names
        .into_iter()
        .map(|n| {
            use std::os::unix::ffi::OsStrExt;
            if as_bytes {
                bytes::new(n.as_bytes())
            } else {
                pystr::from_string(n.to_string_lossy().into_owned())
            }
        })
        .collect();
    Ok(list::new(items))
}

fn os_remove(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    let (p, path) = one_path(a, k, name)?;
    blocking(|| std::fs::remove_file(&path)).map_err(|e| os_err(&e, &p, None))?;
    Ok(none())
}

fn os_mkdir(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("mkdir", 0, &["path", "mode"], 1)?;
    let (p, path) = path_arg(b[0].expect("required"), "mkdir")?;
    let mode = match b[1] {
        Some(m) => int::to_isize(&ab::index(m)?)? as u32,
        None => 0o777,
    };
    blocking(|| std::fs::DirBuilder::new().mode(mode).create(&path))
        .map_err(|e| os_err(&e, &p, None))?;
    Ok(none())
}

fn os_rmdir(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (p, path) = one_path(a, k, "rmdir")?;
    blocking(|| std::fs::remove_dir(&path)).map_err(|e| os_err(&e, &p, None))?;
    Ok(none())
}

fn os_rename(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind(name, 0, &["src", "dst"], 2)?;
    let (p1, src) = path_arg(b[0].expect("required"), name)?;
    let (p2, dst) = path_arg(b[1].expect("required"), name)?;
    blocking(|| std::fs::rename(&src, &dst)).map_err(|e| os_err(&e, &p1, Some(&p2)))?;
    Ok(none())
}

fn os_stat(a: &[PyObj], k: Option<&PyObj>, name: &str, follow: bool) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind(name, 0, &["path"], 1)?;
    let arg = b[0].expect("required");
    let md = if int::is_int(arg) {
        let fd = int::to_isize(arg)?;
        let fd =
            i32::try_from(fd).map_err(|_| exc::overflow_error("fd is greater than maximum"))?;
        // SAFETY: the descriptor is only borrowed for the fstat.
        let bfd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
        let owned = bfd
            .try_clone_to_owned()
            .map_err(|e| exc::from_io_error(&e, None))?;
        std::fs::File::from(owned)
            .metadata()
            .map_err(|e| exc::from_io_error(&e, None))?
    } else {
        let (p, path) = path_arg(arg, name)?;
        blocking(|| {
            if follow {
                std::fs::metadata(&path)
            } else {
                std::fs::symlink_metadata(&path)
            }
        })
        .map_err(|e| os_err(&e, &p, None))?
    };
    let t = |s: i64, ns: i64| float::from_f64(s as f64 + ns as f64 * 1e-9);
    let tns = |s: i64, ns: i64| int::from_i128(i128::from(s) * 1_000_000_000 + i128::from(ns));
    Ok(tuple::from_vec(vec![
        int::from_i64(i64::from(md.mode())),
        int::from_i128(i128::from(md.ino())),
        int::from_i128(i128::from(md.dev())),
        int::from_i128(i128::from(md.nlink())),
        int::from_i64(i64::from(md.uid())),
        int::from_i64(i64::from(md.gid())),
        int::from_i128(i128::from(md.size())),
        t(md.atime(), md.atime_nsec()),
        t(md.mtime(), md.mtime_nsec()),
        t(md.ctime(), md.ctime_nsec()),
        tns(md.atime(), md.atime_nsec()),
        tns(md.mtime(), md.mtime_nsec()),
        tns(md.ctime(), md.ctime_nsec()),
    ]))
}

/// The number of online CPUs, as glibc's `sysconf(_SC_NPROCESSORS_ONLN)` counts them
/// (the ranges in `/sys/devices/system/cpu/online`).
fn cpu_count() -> Option<usize> {
    let text = std::fs::read_to_string("/sys/devices/system/cpu/online").ok();
    let parsed = text.and_then(|t| {
        let mut n = 0usize;
        for part in t.trim().split(',').filter(|p| !p.is_empty()) {
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
                    n += b.checked_sub(a)? + 1;
                }
                None => {
                    part.parse::<usize>().ok()?;
                    n += 1;
                }
            }
        }
        (n > 0).then_some(n)
    });
    parsed.or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
}

fn env_str(o: &PyObj, what: &str) -> PyResult<String> {
    if pystr::is_str(o) {
        Ok(pystr::as_str(o).to_string())
    } else {
        Err(type_error(format!(
            "{what}: str expected, not {}",
            o.ty().name()
        )))
    }
}

fn os_putenv(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("putenv", 2)?;
    let key = env_str(&a[0], "putenv")?;
    let value = env_str(&a[1], "putenv")?;
    if key.is_empty() || key.contains('=') {
        return Err(value_error("illegal environment variable name"));
    }
    if key.contains('\0') || value.contains('\0') {
        return Err(value_error("embedded null byte"));
    }
    // Like CPython's putenv: the process environment is shared with every thread
    // (the caller's responsibility, as in C).
    std::env::set_var(&key, &value);
    Ok(none())
}

fn os_unsetenv(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("unsetenv", 1)?;
    let key = env_str(&a[0], "unsetenv")?;
    if key.is_empty() || key.contains('=') {
        return Err(value_error("illegal environment variable name"));
    }
    if key.contains('\0') {
        return Err(value_error("embedded null byte"));
    }
    std::env::remove_var(&key);
    Ok(none())
}

fn os_urandom(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("urandom", 1)?;
    let n = int::to_isize(&ab::index(&a[0])?)?;
    if n < 0 {
        return Err(value_error("negative argument not allowed"));
    }
    let mut buf = vec![0u8; n as usize];
    blocking(|| getrandom::fill(&mut buf)).map_err(|e| {
        exc::os_error_for(
            i64::from(e.raw_os_error().unwrap_or(5)),
            &e.to_string(),
            None,
        )
    })?;
    Ok(bytes::new(&buf))
}

fn fd_arg(o: &PyObj) -> PyResult<i32> {
    let fd = int::to_isize(&ab::index(o)?)?;
    i32::try_from(fd).map_err(|_| exc::overflow_error("fd is greater than maximum"))
}

/// Runs `f` on a borrowed descriptor wrapped as a `File` that is never closed here.
fn with_fd<R>(fd: i32, f: impl FnOnce(&std::fs::File) -> std::io::Result<R>) -> PyResult<R> {
    use std::os::fd::FromRawFd;
    if fd < 0 {
        return Err(exc::os_error_for(9, "Bad file descriptor", None));
    }
    // SAFETY: the File is wrapped in ManuallyDrop, so the caller's descriptor is only
    // borrowed (never closed here); an invalid descriptor makes the call fail with
    // EBADF, nothing worse.
    let file = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(fd) });
    blocking(|| f(&file)).map_err(|e| exc::from_io_error(&e, None))
}

fn os_write(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("write", 2)?;
    let fd = fd_arg(&a[0])?;
    let data = crate::buffer::bytes_like(&a[1])?;
    let n = with_fd(fd, |f| std::io::Write::write(&mut &*f, &data))?;
    Ok(int::from_usize(n))
}

fn os_read(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("read", 2)?;
    let fd = fd_arg(&a[0])?;
    let n = int::to_isize(&ab::index(&a[1])?)?;
    if n < 0 {
        return Err(exc::os_error_for(22, "Invalid argument", None));
    }
    let mut buf = vec![0u8; n as usize];
    let got = with_fd(fd, |f| std::io::Read::read(&mut &*f, &mut buf))?;
    buf.truncate(got);
    Ok(bytes::new(&buf))
}

fn os_strerror(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("strerror", 1)?;
    let code = int::to_isize(&ab::index(&a[0])?)?;
    let code = i32::try_from(code).unwrap_or(-1);
    let msg = std::io::Error::from_raw_os_error(code).to_string();
    let msg = msg.split(" (os error").next().unwrap_or(&msg).to_string();
    Ok(pystr::from_string(msg))
}

/// The `posix` module.
pub fn make_module() -> PyObj {
    let m = module::new_module("posix");
    let d = module::module_dict(&m);
    let environ = dict::new();
    for (k, v) in std::env::vars_os() {
        dict::set_item(
            &environ,
            pystr::from_string(k.to_string_lossy().into_owned()),
            pystr::from_string(v.to_string_lossy().into_owned()),
        )
        .expect("str keys hash");
    }
    dict::set_item_str(&d, "environ", environ);
    let funcs: &[(&'static str, NativeFn)] = &[
        ("getpid", |a, k| {
            Args::new(a, k).exact("getpid", 0)?;
            Ok(int::from_i64(i64::from(std::process::id())))
        }),
        ("getppid", |a, k| {
            Args::new(a, k).exact("getppid", 0)?;
            Ok(int::from_i64(
                i64::from(std::os::unix::process::parent_id()),
            ))
        }),
        ("cpu_count", |a, k| {
            Args::new(a, k).exact("cpu_count", 0)?;
            Ok(cpu_count().map_or_else(none, int::from_usize))
        }),
        ("getcwd", |a, k| {
            Args::new(a, k).exact("getcwd", 0)?;
            let d = std::env::current_dir().map_err(|e| exc::from_io_error(&e, None))?;
            Ok(pystr::from_string(d.to_string_lossy().into_owned()))
        }),
        ("chdir", |a, k| {
            let (p, path) = one_path(a, k, "chdir")?;
            std::env::set_current_dir(&path).map_err(|e| os_err(&e, &p, None))?;
            Ok(none())
        }),
        ("listdir", os_listdir),
        ("remove", |a, k| os_remove(a, k, "remove")),
        ("unlink", |a, k| os_remove(a, k, "unlink")),
        ("mkdir", os_mkdir),
        ("rmdir", os_rmdir),
        ("rename", |a, k| os_rename(a, k, "rename")),
        ("replace", |a, k| os_rename(a, k, "replace")),
        ("stat", |a, k| os_stat(a, k, "stat", true)),
        ("lstat", |a, k| os_stat(a, k, "lstat", false)),
        ("readlink", |a, k| {
            let (p, path) = one_path(a, k, "readlink")?;
            let target =
                blocking(|| std::fs::read_link(&path)).map_err(|e| os_err(&e, &p, None))?;
            use std::os::unix::ffi::OsStrExt;
            Ok(if bytes::is_bytes(&p) {
                bytes::new(target.as_os_str().as_bytes())
            } else {
                pystr::from_string(target.to_string_lossy().into_owned())
            })
        }),
        ("putenv", os_putenv),
        ("unsetenv", os_unsetenv),
        ("urandom", os_urandom),
        ("write", os_write),
        ("read", os_read),
        ("strerror", os_strerror),
        ("fspath", |a, k| {
            let b = Args::new(a, k).bind("fspath", 0, &["path"], 1)?;
            fspath(b[0].expect("required"))
        }),
        ("_exit", |a, k| {
            Args::new(a, k).exact("_exit", 1)?;
            let code = int::to_isize(&ab::index(&a[0])?)?;
            std::process::exit(code as i32)
        }),
    ];
    for (name, f) in funcs {
        let o = new_builtin_function(name, *f, None);
        set_builtin_module(&o, pystr::intern("posix"));
        dict::set_item_str(&d, name, o);
    }
    m
}
