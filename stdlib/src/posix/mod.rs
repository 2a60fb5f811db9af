//! The `posix` module (CPython's Modules/posixmodule.c): the operating-system calls
//! CPython's `os`, `posixpath`, `shutil`, `tempfile`, `glob` and `pathlib` are
//! written on — process facts and control, the environment, descriptors, files and
//! directories (with `dir_fd` and `follow_symlinks` through the C library's `*at`
//! calls), `stat` and `statvfs`, `scandir`, wait-status decoding, the terminal size,
//! random bytes, and `_have_functions` (which `os` turns into `supports_dir_fd`,
//! `supports_fd` and `supports_follow_symlinks`).
//!
//! Paths are `str` (or `bytes`, or objects with `__fspath__`); failures raise the
//! `OSError` subclass for the errno with CPython's message and the path(s), e.g.
//! `FileNotFoundError: [Errno 2] No such file or directory: 'x'`. Calls that may
//! block run detached from the thread state. File names are decoded as UTF-8
//! (invalid bytes replaced: CPython's `surrogateescape` is not implemented).

use std::ffi::{CStr, CString};
use std::os::unix::ffi::OsStrExt;

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::NativeFn;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{
    bytes, dict, float, int, list, module, singletons, str as pystr, tuple, PyErr, PyObj, PyResult,
};

use crate::_io::fspath;
use crate::modsupport::add_int;

pub mod results;
pub mod scandir;

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

/// The `OSError` for `errno` after a failed C call, naming `path` if given.
pub(crate) fn errno_err(path: Option<&PyObj>) -> PyErr {
    let e = std::io::Error::last_os_error();
    match path {
        Some(p) => os_err(&e, p, None),
        None => exc::from_io_error(&e, None),
    }
}

/// A C call's `-1` as the `errno` error.
fn cvt(r: libc::c_int) -> std::io::Result<libc::c_int> {
    if r == -1 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// Runs a blocking C call detached, again while it fails with `EINTR` and no Python
/// signal handler raised (PEP 475).
fn retry(mut f: impl FnMut() -> libc::c_int) -> PyResult<std::io::Result<libc::c_int>> {
    loop {
        match blocking(|| cvt(f())) {
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => {
                strand_interp::signals::check_interrupt()?;
            }
            r => return Ok(r),
        }
    }
}

/// A path as the C library takes it: the `fspath`'d object (for messages and to
/// choose `str` or `bytes` results) and its bytes.
pub(crate) struct CPath {
    pub obj: PyObj,
    pub c: CString,
}

impl CPath {
    /// Whether results derived from this path are `bytes`.
    pub fn is_bytes(&self) -> bool {
        bytes::is_bytes(&self.obj)
    }
}

/// Converts a path argument of `func` (`str`, `bytes` or `os.PathLike`).
pub(crate) fn path_arg(o: &PyObj, func: &str, arg: &str) -> PyResult<CPath> {
    path_or_fd_inner(o, func, arg, false).map(|p| match p {
        PathOrFd::Path(p) => p,
        PathOrFd::Fd(_) => unreachable!("fds refused"),
    })
}

/// A path argument that may also be an open descriptor (CPython's `allow_fd`).
pub(crate) enum PathOrFd {
    Path(CPath),
    Fd(i32),
}

fn path_or_fd(o: &PyObj, func: &str, arg: &str) -> PyResult<PathOrFd> {
    path_or_fd_inner(o, func, arg, true)
}

/// A path, descriptor or `None` argument (`listdir`, `scandir`): `None` is `"."`.
pub(crate) fn path_fd_or_none(o: Option<&PyObj>, func: &str) -> PyResult<PathOrFd> {
    match o {
        Some(o) if !singletons::is_none(o) => path_or_fd(o, func, "path").map_err(|e| {
            if e.is_instance(&exc::TYPE_ERROR_TYPE) && !int::is_int(o) {
                type_error(format!(
                    "{func}: path should be string, bytes, os.PathLike, integer or None, not {}",
                    o.ty().name()
                ))
            } else {
                e
            }
        }),
        _ => Ok(PathOrFd::Path(CPath {
            obj: pystr::new("."),
            c: CString::new(".").expect("no NUL"),
        })),
    }
}

fn path_or_fd_inner(o: &PyObj, func: &str, arg: &str, allow_fd: bool) -> PyResult<PathOrFd> {
    if allow_fd && int::is_int(o) {
        return Ok(PathOrFd::Fd(fd_arg(o)?));
    }
    let what = if allow_fd {
        "string, bytes, os.PathLike or integer"
    } else {
        "string, bytes or os.PathLike"
    };
    let p = fspath(o).map_err(|e| {
        if e.is_instance(&exc::TYPE_ERROR_TYPE) {
            type_error(format!(
                "{func}: {arg} should be {what}, not {}",
                o.ty().name()
            ))
        } else {
            e
        }
    })?;
    let raw: &[u8] = if pystr::is_str(&p) {
        pystr::as_str(&p).as_bytes()
    } else {
        bytes::as_bytes(&p)
    };
    // CPython: str paths go through the file-system encoder ("embedded null byte"),
    // bytes paths through path_converter's own check.
    let c = CString::new(raw.to_vec()).map_err(|_| {
        if pystr::is_str(&p) {
            value_error("embedded null byte")
        } else {
            value_error(format!("{func}: embedded null character in {arg}"))
        }
    })?;
    Ok(PathOrFd::Path(CPath { obj: p, c }))
}

/// A file name from the C library, as `bytes` or `str` like the path it came from.
pub(crate) fn name_obj(raw: &[u8], as_bytes: bool) -> PyObj {
    if as_bytes {
        bytes::new(raw)
    } else {
        pystr::from_string(String::from_utf8_lossy(raw).into_owned())
    }
}

fn none() -> PyObj {
    singletons::none()
}

pub(crate) fn fd_arg(o: &PyObj) -> PyResult<i32> {
    if float::is_float(o) {
        return Err(type_error("integer argument expected, got float"));
    }
    let fd = int::to_isize(&ab::index(o)?)?;
    i32::try_from(fd).map_err(|_| exc::overflow_error("fd is greater than maximum"))
}

/// `dir_fd=None` as the C library's `AT_FDCWD`.
fn dir_fd_arg(o: Option<&PyObj>) -> PyResult<libc::c_int> {
    match o {
        None => Ok(libc::AT_FDCWD),
        Some(v) if singletons::is_none(v) => Ok(libc::AT_FDCWD),
        Some(v) => fd_arg(v),
    }
}

fn bool_arg(o: Option<&PyObj>, default: bool) -> PyResult<bool> {
    o.map_or(Ok(default), ab::is_true)
}

fn int_arg(o: &PyObj) -> PyResult<i64> {
    if float::is_float(o) {
        return Err(type_error(
            "'float' object cannot be interpreted as an integer",
        ));
    }
    int::as_i64(&ab::index(o)?)
        .ok_or_else(|| exc::overflow_error("signed integer is greater than maximum"))
}

/// Binds `names` (the first `npos` positional-or-keyword, the rest keyword-only),
/// the first `required` mandatory.
fn bind<'a>(
    a: &'a [PyObj],
    k: Option<&'a PyObj>,
    func: &str,
    names: &[&str],
    npos: usize,
    required: usize,
) -> PyResult<Vec<Option<&'a PyObj>>> {
    let args = Args::new(a, k);
    if args.nargs() > npos {
        return Err(type_error(format!(
            "{func}() takes at most {npos} positional argument{} ({} given)",
            if npos == 1 { "" } else { "s" },
            args.nargs()
        )));
    }
    args.bind(func, 0, names, required)
}

// ---------------------------------------------------------------------------------
// Files and directories
// ---------------------------------------------------------------------------------

fn os_listdir(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(a, k, "listdir", &["path"], 1, 0)?;
    let entries = scandir::read_dir(path_fd_or_none(b[0], "listdir")?)?;
    let (as_bytes, raws) = entries;
    Ok(list::new(
        raws.into_iter()
            .map(|e| name_obj(&e.name, as_bytes))
            .collect(),
    ))
}

fn os_unlink(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    let b = bind(a, k, name, &["path", "dir_fd"], 1, 1)?;
    let p = path_arg(b[0].expect("required"), name, "path")?;
    let dfd = dir_fd_arg(b[1])?;
    // SAFETY: a valid C string; the call reads it only.
    blocking(|| cvt(unsafe { libc::unlinkat(dfd, p.c.as_ptr(), 0) }))
        .map_err(|e| os_err(&e, &p.obj, None))?;
    Ok(none())
}

fn os_rmdir(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(a, k, "rmdir", &["path", "dir_fd"], 1, 1)?;
    let p = path_arg(b[0].expect("required"), "rmdir", "path")?;
    let dfd = dir_fd_arg(b[1])?;
    // SAFETY: a valid C string; the call reads it only.
    blocking(|| cvt(unsafe { libc::unlinkat(dfd, p.c.as_ptr(), libc::AT_REMOVEDIR) }))
        .map_err(|e| os_err(&e, &p.obj, None))?;
    Ok(none())
}

fn os_mkdir(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(a, k, "mkdir", &["path", "mode", "dir_fd"], 2, 1)?;
    let p = path_arg(b[0].expect("required"), "mkdir", "path")?;
    let mode = b[1].map_or(Ok(0o777), int_arg)? as libc::mode_t;
    let dfd = dir_fd_arg(b[2])?;
    // SAFETY: a valid C string; the call reads it only.
    blocking(|| cvt(unsafe { libc::mkdirat(dfd, p.c.as_ptr(), mode) }))
        .map_err(|e| os_err(&e, &p.obj, None))?;
    Ok(none())
}

fn os_rename(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    let b = bind(
        a,
        k,
        name,
        &["src", "dst", "src_dir_fd", "dst_dir_fd"],
        2,
        2,
    )?;
    let src = path_arg(b[0].expect("required"), name, "src")?;
    let dst = path_arg(b[1].expect("required"), name, "dst")?;
    let (sfd, dfd) = (dir_fd_arg(b[2])?, dir_fd_arg(b[3])?);
    // SAFETY: valid C strings; the call reads them only.
    blocking(|| cvt(unsafe { libc::renameat(sfd, src.c.as_ptr(), dfd, dst.c.as_ptr()) }))
        .map_err(|e| os_err(&e, &src.obj, Some(&dst.obj)))?;
    Ok(none())
}

fn os_link(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(
        a,
        k,
        "link",
        &["src", "dst", "src_dir_fd", "dst_dir_fd", "follow_symlinks"],
        2,
        2,
    )?;
    let src = path_arg(b[0].expect("required"), "link", "src")?;
    let dst = path_arg(b[1].expect("required"), "link", "dst")?;
    let (sfd, dfd) = (dir_fd_arg(b[2])?, dir_fd_arg(b[3])?);
    let flags = if bool_arg(b[4], true)? {
        libc::AT_SYMLINK_FOLLOW
    } else {
        0
    };
    // SAFETY: valid C strings; the call reads them only.
    blocking(|| cvt(unsafe { libc::linkat(sfd, src.c.as_ptr(), dfd, dst.c.as_ptr(), flags) }))
        .map_err(|e| os_err(&e, &src.obj, Some(&dst.obj)))?;
    Ok(none())
}

fn os_symlink(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(
        a,
        k,
        "symlink",
        &["src", "dst", "target_is_directory", "dir_fd"],
        3,
        2,
    )?;
    let src = path_arg(b[0].expect("required"), "symlink", "src")?;
    let dst = path_arg(b[1].expect("required"), "symlink", "dst")?;
    let dfd = dir_fd_arg(b[3])?;
    // SAFETY: valid C strings; the call reads them only.
    blocking(|| cvt(unsafe { libc::symlinkat(src.c.as_ptr(), dfd, dst.c.as_ptr()) }))
        .map_err(|e| os_err(&e, &src.obj, Some(&dst.obj)))?;
    Ok(none())
}

fn os_readlink(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(a, k, "readlink", &["path", "dir_fd"], 1, 1)?;
    let p = path_arg(b[0].expect("required"), "readlink", "path")?;
    let dfd = dir_fd_arg(b[1])?;
    let mut buf = vec![0u8; libc::PATH_MAX as usize + 1];
    // SAFETY: a valid C string and a buffer of the length passed.
    let n = blocking(|| unsafe {
        libc::readlinkat(dfd, p.c.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
    });
    if n < 0 {
        return Err(errno_err(Some(&p.obj)));
    }
    buf.truncate(n as usize);
    Ok(name_obj(&buf, p.is_bytes()))
}

fn os_access(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(
        a,
        k,
        "access",
        &["path", "mode", "dir_fd", "effective_ids", "follow_symlinks"],
        2,
        2,
    )?;
    let p = path_arg(b[0].expect("required"), "access", "path")?;
    let mode = int_arg(b[1].expect("required"))? as libc::c_int;
    let dfd = dir_fd_arg(b[2])?;
    let mut flags = 0;
    if bool_arg(b[3], false)? {
        flags |= libc::AT_EACCESS;
    }
    if !bool_arg(b[4], true)? {
        flags |= libc::AT_SYMLINK_NOFOLLOW;
    }
    // SAFETY: a valid C string; the call reads it only.
    let r = blocking(|| unsafe { libc::faccessat(dfd, p.c.as_ptr(), mode, flags) });
    Ok(int::bool_obj(r == 0))
}

fn os_chmod(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(
        a,
        k,
        "chmod",
        &["path", "mode", "dir_fd", "follow_symlinks"],
        2,
        2,
    )?;
    let target = path_or_fd(b[0].expect("required"), "chmod", "path")?;
    let mode = int_arg(b[1].expect("required"))? as libc::mode_t;
    let dfd = dir_fd_arg(b[2])?;
    let follow = bool_arg(b[3], true)?;
    match target {
        // SAFETY: a plain descriptor call.
        PathOrFd::Fd(fd) => blocking(|| cvt(unsafe { libc::fchmod(fd, mode) }))
            .map_err(|e| exc::from_io_error(&e, None))?,
        PathOrFd::Path(p) => {
            if !follow {
                // Linux cannot change a symbolic link's mode (CPython raises
                // NotImplementedError when fchmodat refuses AT_SYMLINK_NOFOLLOW).
                let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
                // SAFETY: a valid C string and a stat buffer to fill.
                let r = unsafe {
                    libc::fstatat(
                        dfd,
                        p.c.as_ptr(),
                        st.as_mut_ptr(),
                        libc::AT_SYMLINK_NOFOLLOW,
                    )
                };
                if r == -1 {
                    return Err(errno_err(Some(&p.obj)));
                }
                // SAFETY: filled by the successful fstatat.
                if unsafe { st.assume_init() }.st_mode & libc::S_IFMT == libc::S_IFLNK {
                    return Err(exc::not_implemented_error(
                        "chmod: follow_symlinks unavailable on this platform",
                    ));
                }
            }
            // SAFETY: a valid C string; the call reads it only.
            blocking(|| cvt(unsafe { libc::fchmodat(dfd, p.c.as_ptr(), mode, 0) }))
                .map_err(|e| os_err(&e, &p.obj, None))?
        }
    };
    Ok(none())
}

fn id_arg(o: &PyObj) -> PyResult<u32> {
    let v = int_arg(o)?;
    if v == -1 {
        return Ok(u32::MAX);
    }
    u32::try_from(v).map_err(|_| exc::overflow_error("uid is greater than maximum"))
}

fn os_chown(a: &[PyObj], k: Option<&PyObj>, name: &str, lchown: bool) -> PyResult<PyObj> {
    let b = bind(
        a,
        k,
        name,
        &["path", "uid", "gid", "dir_fd", "follow_symlinks"],
        3,
        3,
    )?;
    let target = if lchown {
        PathOrFd::Path(path_arg(b[0].expect("required"), name, "path")?)
    } else {
        path_or_fd(b[0].expect("required"), name, "path")?
    };
    let uid = id_arg(b[1].expect("required"))?;
    let gid = id_arg(b[2].expect("required"))?;
    let dfd = dir_fd_arg(b[3])?;
    let flags = if lchown || !bool_arg(b[4], true)? {
        libc::AT_SYMLINK_NOFOLLOW
    } else {
        0
    };
    match target {
        // SAFETY: a plain descriptor call.
        PathOrFd::Fd(fd) => blocking(|| cvt(unsafe { libc::fchown(fd, uid, gid) }))
            .map_err(|e| exc::from_io_error(&e, None))?,
        PathOrFd::Path(p) => {
            // SAFETY: a valid C string; the call reads it only.
            blocking(|| cvt(unsafe { libc::fchownat(dfd, p.c.as_ptr(), uid, gid, flags) }))
                .map_err(|e| os_err(&e, &p.obj, None))?
        }
    };
    Ok(none())
}

/// A `utime` time (seconds as int or float) as a `timespec`.
fn timespec_of(o: &PyObj) -> PyResult<libc::timespec> {
    if float::is_float(o) {
        let f = float::value(o);
        if !f.is_finite() {
            return Err(value_error("Invalid value NaN (not a number)"));
        }
        let s = f.floor();
        let ns = ((f - s) * 1e9).round() as i64;
        let (s, ns) = if ns >= 1_000_000_000 {
            (s as i64 + 1, ns - 1_000_000_000)
        } else {
            (s as i64, ns)
        };
        return Ok(libc::timespec {
            tv_sec: s,
            tv_nsec: ns,
        });
    }
    Ok(libc::timespec {
        tv_sec: int_arg(o)?,
        tv_nsec: 0,
    })
}

fn os_utime(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(
        a,
        k,
        "utime",
        &["path", "times", "ns", "dir_fd", "follow_symlinks"],
        2,
        1,
    )?;
    let target = path_or_fd(b[0].expect("required"), "utime", "path")?;
    let times = b[1].filter(|t| !singletons::is_none(t));
    let ns = b[2];
    if times.is_some() && ns.is_some() {
        return Err(value_error(
            "utime: you may specify either 'times' or 'ns' but not both",
        ));
    }
    let spec: Option<[libc::timespec; 2]> = if let Some(t) = times {
        if !tuple::is_tuple(t) || tuple::items(t).len() != 2 {
            return Err(type_error(
                "utime: 'times' must be either a tuple of two ints or None",
            ));
        }
        let it = tuple::items(t);
        Some([timespec_of(&it[0])?, timespec_of(&it[1])?])
    } else if let Some(n) = ns {
        if !tuple::is_tuple(n) || tuple::items(n).len() != 2 {
            return Err(type_error("utime: 'ns' must be a tuple of two ints"));
        }
        let mut out = [libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        }; 2];
        for (slot, v) in out.iter_mut().zip(tuple::items(n)) {
            let total = int::to_bigint(&ab::index(v)?);
            let total: i128 = total.try_into().map_err(|_| {
                exc::overflow_error("timestamp too large to convert to C _PyTime_t")
            })?;
            *slot = libc::timespec {
                tv_sec: total.div_euclid(1_000_000_000) as i64,
                tv_nsec: total.rem_euclid(1_000_000_000) as i64,
            };
        }
        Some(out)
    } else {
        None
    };
    let dfd = dir_fd_arg(b[3])?;
    let flags = if bool_arg(b[4], true)? {
        0
    } else {
        libc::AT_SYMLINK_NOFOLLOW
    };
    let ptr = spec.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
    match target {
        // SAFETY: `ptr` is null or points at two timespecs that outlive the call.
        PathOrFd::Fd(fd) => blocking(|| cvt(unsafe { libc::futimens(fd, ptr) }))
            .map_err(|e| exc::from_io_error(&e, None))?,
        PathOrFd::Path(p) => {
            // SAFETY: as above, and a valid C string.
            blocking(|| cvt(unsafe { libc::utimensat(dfd, p.c.as_ptr(), ptr, flags) }))
                .map_err(|e| os_err(&e, &p.obj, None))?
        }
    };
    Ok(none())
}

fn os_chdir(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(a, k, "chdir", &["path"], 1, 1)?;
    match path_or_fd(b[0].expect("required"), "chdir", "path")? {
        PathOrFd::Fd(fd) => {
            // SAFETY: a plain descriptor call.
            cvt(unsafe { libc::fchdir(fd) }).map_err(|e| exc::from_io_error(&e, None))?
        }
        PathOrFd::Path(p) => {
            // SAFETY: a valid C string.
            cvt(unsafe { libc::chdir(p.c.as_ptr()) }).map_err(|e| os_err(&e, &p.obj, None))?
        }
    };
    Ok(none())
}

fn os_truncate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(a, k, "truncate", &["path", "length"], 2, 2)?;
    let target = path_or_fd(b[0].expect("required"), "truncate", "path")?;
    let len = int_arg(b[1].expect("required"))?;
    match target {
        // SAFETY: a plain descriptor call.
        PathOrFd::Fd(fd) => blocking(|| cvt(unsafe { libc::ftruncate(fd, len) }))
            .map_err(|e| exc::from_io_error(&e, None))?,
        // SAFETY: a valid C string.
        PathOrFd::Path(p) => blocking(|| cvt(unsafe { libc::truncate(p.c.as_ptr(), len) }))
            .map_err(|e| os_err(&e, &p.obj, None))?,
    };
    Ok(none())
}

fn os_statvfs(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    let b = bind(a, k, name, &["path"], 1, 1)?;
    let target = if name == "fstatvfs" {
        PathOrFd::Fd(fd_arg(b[0].expect("required"))?)
    } else {
        path_or_fd(b[0].expect("required"), name, "path")?
    };
    let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    let r = match &target {
        // SAFETY: a buffer the call fills.
        PathOrFd::Fd(fd) => blocking(|| unsafe { libc::fstatvfs(*fd, st.as_mut_ptr()) }),
        // SAFETY: a valid C string and a buffer the call fills.
        PathOrFd::Path(p) => blocking(|| unsafe { libc::statvfs(p.c.as_ptr(), st.as_mut_ptr()) }),
    };
    if r == -1 {
        return Err(match &target {
            PathOrFd::Path(p) => errno_err(Some(&p.obj)),
            PathOrFd::Fd(_) => errno_err(None),
        });
    }
    // SAFETY: filled by the successful call.
    results::statvfs_result(&unsafe { st.assume_init() })
}

// ---------------------------------------------------------------------------------
// stat
// ---------------------------------------------------------------------------------

/// `fstatat(dir_fd, path, flags)` or `fstat(fd)`: the raw C structure.
pub(crate) fn raw_stat(
    target: &PathOrFd,
    dir_fd: libc::c_int,
    follow: bool,
) -> PyResult<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    let r = match target {
        // SAFETY: a buffer the call fills.
        PathOrFd::Fd(fd) => blocking(|| unsafe { libc::fstat(*fd, st.as_mut_ptr()) }),
        PathOrFd::Path(p) => {
            let flags = if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
            // SAFETY: a valid C string and a buffer the call fills.
            blocking(|| unsafe { libc::fstatat(dir_fd, p.c.as_ptr(), st.as_mut_ptr(), flags) })
        }
    };
    if r == -1 {
        return Err(match target {
            PathOrFd::Path(p) => errno_err(Some(&p.obj)),
            PathOrFd::Fd(_) => errno_err(None),
        });
    }
    // SAFETY: filled by the successful call.
    Ok(unsafe { st.assume_init() })
}

fn os_stat(a: &[PyObj], k: Option<&PyObj>, name: &str, lstat: bool) -> PyResult<PyObj> {
    let names: &[&str] = if lstat {
        &["path", "dir_fd"]
    } else {
        &["path", "dir_fd", "follow_symlinks"]
    };
    let b = bind(a, k, name, names, 1, 1)?;
    let target = if lstat {
        PathOrFd::Path(path_arg(b[0].expect("required"), name, "path")?)
    } else {
        path_or_fd(b[0].expect("required"), name, "path")?
    };
    let dfd = dir_fd_arg(b[1])?;
    let follow = !lstat && bool_arg(b.get(2).copied().flatten(), true)?;
    results::stat_result(&raw_stat(&target, dfd, follow)?)
}

// ---------------------------------------------------------------------------------
// Descriptors
// ---------------------------------------------------------------------------------

fn os_open(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(a, k, "open", &["path", "flags", "mode", "dir_fd"], 3, 2)?;
    let p = path_arg(b[0].expect("required"), "open", "path")?;
    let flags = int_arg(b[1].expect("required"))? as libc::c_int | libc::O_CLOEXEC;
    let mode = b[2].map_or(Ok(0o777), int_arg)? as libc::c_uint;
    let dfd = dir_fd_arg(b[3])?;
    // SAFETY: a valid C string; the call reads it only.
    let fd = retry(|| unsafe { libc::openat(dfd, p.c.as_ptr(), flags, mode) })?
        .map_err(|e| os_err(&e, &p.obj, None))?;
    Ok(int::from_i64(i64::from(fd)))
}

fn one_fd(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<i32> {
    let b = bind(a, k, name, &["fd"], 1, 1)?;
    fd_arg(b[0].expect("required"))
}

fn os_close(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let fd = one_fd(a, k, "close")?;
    // SAFETY: closing a descriptor the caller names; EBADF is reported.
    cvt(unsafe { libc::close(fd) }).map_err(|e| exc::from_io_error(&e, None))?;
    Ok(none())
}

fn os_closerange(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("closerange", 2)?;
    let lo = fd_arg(&a[0])?.max(0);
    let hi = fd_arg(&a[1])?;
    for fd in lo..hi {
        // SAFETY: as CPython's closerange, errors are ignored.
        unsafe { libc::close(fd) };
    }
    Ok(none())
}

fn os_write(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("write", 2)?;
    let fd = fd_arg(&a[0])?;
    let data = crate::buffer::bytes_like(&a[1])?;
    // SAFETY: the buffer is valid for its length for the whole call.
    let n = retry(|| unsafe {
        libc::write(fd, data.as_ptr().cast(), data.len().min(i32::MAX as usize)) as libc::c_int
    })?
    .map_err(|e| exc::from_io_error(&e, None))?;
    Ok(int::from_i64(i64::from(n)))
}

fn os_read(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("read", 2)?;
    let fd = fd_arg(&a[0])?;
    let n = int::to_isize(&ab::index(&a[1])?)?;
    if n < 0 {
        return Err(exc::os_error_for(22, "Invalid argument", None));
    }
    let mut buf = Vec::new();
    buf.try_reserve_exact(n as usize)
        .map_err(|_| exc::memory_error())?;
    buf.resize(n as usize, 0u8);
    // SAFETY: the buffer is valid for its length for the whole call.
    let got = retry(|| unsafe {
        libc::read(
            fd,
            buf.as_mut_ptr().cast(),
            buf.len().min(i32::MAX as usize),
        ) as libc::c_int
    })?
    .map_err(|e| exc::from_io_error(&e, None))?;
    buf.truncate(got as usize);
    Ok(bytes::new(&buf))
}

fn os_lseek(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("lseek", 3)?;
    let fd = fd_arg(&a[0])?;
    let pos = int_arg(&a[1])?;
    let how = int_arg(&a[2])? as libc::c_int;
    // SAFETY: a plain descriptor call.
    let r = blocking(|| unsafe { libc::lseek(fd, pos, how) });
    if r < 0 {
        return Err(errno_err(None));
    }
    Ok(int::from_i64(r))
}

fn os_dup2(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = bind(a, k, "dup2", &["fd", "fd2", "inheritable"], 3, 2)?;
    let fd = fd_arg(b[0].expect("required"))?;
    let fd2 = fd_arg(b[1].expect("required"))?;
    let flags = if bool_arg(b[2], true)? {
        0
    } else {
        libc::O_CLOEXEC
    };
    let r = if fd == fd2 {
        // dup3 refuses equal descriptors; CPython checks the descriptor instead.
        // SAFETY: a plain descriptor call.
        cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })
    } else {
        // SAFETY: a plain descriptor call.
        cvt(unsafe { libc::dup3(fd, fd2, flags) })
    };
    r.map_err(|e| exc::from_io_error(&e, None))?;
    Ok(int::from_i64(i64::from(fd2)))
}

fn os_pipe(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    let flags = if name == "pipe2" {
        Args::new(a, k).exact("pipe2", 1)?;
        int_arg(&a[0])? as libc::c_int
    } else {
        Args::new(a, k).exact("pipe", 0)?;
        libc::O_CLOEXEC
    };
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: an array of the two descriptors the call fills.
    cvt(unsafe { libc::pipe2(fds.as_mut_ptr(), flags) })
        .map_err(|e| exc::from_io_error(&e, None))?;
    Ok(tuple::from_vec(vec![
        int::from_i64(i64::from(fds[0])),
        int::from_i64(i64::from(fds[1])),
    ]))
}

/// `os.openpty()`: a new pseudo-terminal pair `(master, slave)`, both
/// non-inheritable (CPython's `os_openpty_impl`, by its `posix_openpt` route:
/// `posix_openpt`, `grantpt`, `unlockpt`, then the slave opened by `ptsname_r`'s name).
fn os_openpty(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("openpty", 0)?;
    let err = || exc::from_io_error(&std::io::Error::last_os_error(), None);
    // SAFETY: a plain call that returns a new descriptor or -1.
    let master = unsafe { libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC) };
    if master < 0 {
        return Err(err());
    }
    let close_master = |e: strand_objects::PyErr| {
        // SAFETY: `master` is ours and not yet handed out.
        unsafe { libc::close(master) };
        e
    };
    // SAFETY: plain calls on the descriptor just opened.
    if unsafe { libc::grantpt(master) } != 0 || unsafe { libc::unlockpt(master) } != 0 {
        return Err(close_master(err()));
    }
    let mut name = [0 as libc::c_char; 128];
    // SAFETY: the buffer is live and its length is passed.
    let r = unsafe { libc::ptsname_r(master, name.as_mut_ptr(), name.len()) };
    if r != 0 {
        return Err(close_master(exc::from_io_error(
            &std::io::Error::from_raw_os_error(r),
            None,
        )));
    }
    // SAFETY: ptsname_r wrote a NUL-terminated path into `name`.
    let slave = unsafe {
        libc::open(
            name.as_ptr(),
            libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
        )
    };
    if slave < 0 {
        return Err(close_master(err()));
    }
    Ok(tuple::from_vec(vec![
        int::from_i64(i64::from(master)),
        int::from_i64(i64::from(slave)),
    ]))
}

fn fd_flag(fd: i32, get: libc::c_int) -> PyResult<libc::c_int> {
    // SAFETY: a plain descriptor call.
    cvt(unsafe { libc::fcntl(fd, get) }).map_err(|e| exc::from_io_error(&e, None))
}

fn set_fd_flag(
    fd: i32,
    get: libc::c_int,
    set: libc::c_int,
    bit: libc::c_int,
    on: bool,
) -> PyResult<()> {
    let old = fd_flag(fd, get)?;
    let new = if on { old | bit } else { old & !bit };
    if new != old {
        // SAFETY: a plain descriptor call.
        cvt(unsafe { libc::fcntl(fd, set, new) }).map_err(|e| exc::from_io_error(&e, None))?;
    }
    Ok(())
}

fn os_get_terminal_size(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("get_terminal_size", 0, 1)?;
    let fd = a.first().map_or(Ok(1), fd_arg)?;
    let mut ws = std::mem::MaybeUninit::<libc::winsize>::zeroed();
    // SAFETY: TIOCGWINSZ fills a winsize.
    cvt(unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, ws.as_mut_ptr()) })
        .map_err(|e| exc::from_io_error(&e, None))?;
    // SAFETY: zero-initialised and filled by the successful call.
    let ws = unsafe { ws.assume_init() };
    results::terminal_size(i64::from(ws.ws_col), i64::from(ws.ws_row))
}

// ---------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------

fn os_kill(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    Args::new(a, k).exact(name, 2)?;
    let pid = int_arg(&a[0])? as libc::pid_t;
    let sig = int_arg(&a[1])? as libc::c_int;
    let r = if name == "killpg" {
        // SAFETY: a plain system call; bad arguments are reported through errno.
        unsafe { libc::killpg(pid, sig) }
    } else {
        // SAFETY: as above.
        unsafe { libc::kill(pid, sig) }
    };
    cvt(r).map_err(|e| exc::from_io_error(&e, None))?;
    // A signal sent to this process is handled before returning, as in CPython.
    // SAFETY: getpid and getpgrp cannot fail.
    let (me, group) = unsafe { (libc::getpid(), libc::getpgrp()) };
    let to_self = if name == "killpg" {
        pid == 0 || pid == group
    } else {
        pid == me || pid == 0 || pid == -1 || pid == -group
    };
    if to_self && sig != 0 {
        crate::_signal::await_own_signal(sig);
    }
    strand_interp::signals::check_interrupt()?;
    Ok(none())
}

fn os_waitpid(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("waitpid", 2)?;
    let pid = int_arg(&a[0])? as libc::pid_t;
    let options = int_arg(&a[1])? as libc::c_int;
    let mut status: libc::c_int = 0;
    // SAFETY: a status word the call fills.
    let r = retry(|| unsafe { libc::waitpid(pid, &mut status, options) })?
        .map_err(|e| exc::from_io_error(&e, None))?;
    Ok(tuple::from_vec(vec![
        int::from_i64(i64::from(r)),
        int::from_i64(i64::from(status)),
    ]))
}

fn status_arg(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<libc::c_int> {
    let b = bind(a, k, name, &["status"], 1, 1)?;
    Ok(int_arg(b[0].expect("required"))? as libc::c_int)
}

/// `os.pidfd_open(pid, flags=0)`: a descriptor referring to process `pid` (Linux's
/// `pidfd_open(2)`; close-on-exec, readable once the process exits).
fn os_pidfd_open(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("pidfd_open", 0, &["pid", "flags"], 1)?;
    let pid = int_arg(b[0].expect("required"))? as libc::pid_t;
    let flags = match b[1] {
        Some(f) => int_arg(f)? as libc::c_uint,
        None => 0,
    };
    // SAFETY: the raw system call takes a pid and flags and returns a descriptor or -1.
    let r = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, flags) };
    if r < 0 {
        return Err(exc::from_io_error(&std::io::Error::last_os_error(), None));
    }
    Ok(int::from_i64(r))
}

/// `os.sendfile(out_fd, in_fd, offset, count)`: copies up to `count` bytes of
/// `in_fd` from `offset` (None: its current position, which advances) to `out_fd` in
/// the kernel (Linux's `sendfile(2)`); returns the bytes sent. Retried on `EINTR`,
/// detached while it blocks.
fn os_sendfile(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("sendfile", 0, &["out_fd", "in_fd", "offset", "count"], 4)?;
    let out_fd = int_arg(b[0].expect("required"))? as libc::c_int;
    let in_fd = int_arg(b[1].expect("required"))? as libc::c_int;
    let offset_arg = b[2].expect("required");
    let mut offset: Option<libc::off_t> = if offset_arg.is(&none()) {
        None
    } else {
        // Passed on as given: the kernel refuses a negative offset (EINVAL).
        Some(int_arg(offset_arg)? as libc::off_t)
    };
    let count = int_arg(b[3].expect("required"))?;
    loop {
        let r = strand_heap::with_detached(|| {
            let p = offset
                .as_mut()
                .map_or(std::ptr::null_mut(), |o| o as *mut libc::off_t);
            // SAFETY: `p` is null or points at a live offset the call updates.
            unsafe { libc::sendfile(out_fd, in_fd, p, count as usize) }
        });
        if r >= 0 {
            return Ok(int::from_i64(r as i64));
        }
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINTR) {
            return Err(exc::from_io_error(&e, None));
        }
        strand_interp::signals::check_interrupt()?;
    }
}

fn os_waitstatus_to_exitcode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let st = status_arg(a, k, "waitstatus_to_exitcode")?;
    if libc::WIFEXITED(st) {
        return Ok(int::from_i64(i64::from(libc::WEXITSTATUS(st))));
    }
    if libc::WIFSIGNALED(st) {
        return Ok(int::from_i64(-i64::from(libc::WTERMSIG(st))));
    }
    if libc::WIFSTOPPED(st) {
        return Err(value_error(format!(
            "process stopped by delivery of signal {}",
            libc::WSTOPSIG(st)
        )));
    }
    Err(value_error(format!("invalid wait status: {st}")))
}

fn os_uname(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("uname", 0)?;
    let mut u = std::mem::MaybeUninit::<libc::utsname>::zeroed();
    // SAFETY: a buffer the call fills.
    cvt(unsafe { libc::uname(u.as_mut_ptr()) }).map_err(|e| exc::from_io_error(&e, None))?;
    // SAFETY: zeroed and filled by the successful call.
    let u = unsafe { u.assume_init() };
    let field = |f: &[libc::c_char]| {
        // SAFETY: uname's fields are NUL-terminated within their arrays (zeroed first).
        let s = unsafe { CStr::from_ptr(f.as_ptr()) };
        pystr::from_string(s.to_string_lossy().into_owned())
    };
    results::uname_result(vec![
        field(&u.sysname),
        field(&u.nodename),
        field(&u.release),
        field(&u.version),
        field(&u.machine),
    ])
}

fn os_times(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("times", 0)?;
    let mut t = std::mem::MaybeUninit::<libc::tms>::zeroed();
    // SAFETY: a buffer the call fills.
    let elapsed = unsafe { libc::times(t.as_mut_ptr()) };
    if elapsed == (-1i64) as libc::clock_t {
        return Err(errno_err(None));
    }
    // SAFETY: zeroed and filled by the successful call.
    let t = unsafe { t.assume_init() };
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let f = |v: libc::clock_t| float::from_f64(v as f64 / ticks);
    results::times_result(vec![
        f(t.tms_utime),
        f(t.tms_stime),
        f(t.tms_cutime),
        f(t.tms_cstime),
        f(elapsed),
    ])
}

fn os_umask(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("umask", 1)?;
    let mask = int_arg(&a[0])? as libc::mode_t;
    // SAFETY: umask has no preconditions.
    Ok(int::from_i64(i64::from(unsafe { libc::umask(mask) })))
}

fn os_sysconf(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("sysconf", 1)?;
    let name = if pystr::is_str(&a[0]) {
        let s = pystr::as_str(&a[0]);
        SYSCONF_NAMES
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, v)| *v)
            .ok_or_else(|| value_error("unrecognized configuration name"))?
    } else {
        int_arg(&a[0])? as libc::c_int
    };
    // SAFETY: sysconf reports unknown names through errno.
    let r = unsafe {
        *libc::__errno_location() = 0;
        libc::sysconf(name)
    };
    // SAFETY: reading this thread's errno.
    if r == -1 && unsafe { *libc::__errno_location() } != 0 {
        return Err(errno_err(None));
    }
    Ok(int::from_i64(r as i64))
}

/// The `sysconf` names strand knows (`os.sysconf_names`).
const SYSCONF_NAMES: &[(&str, libc::c_int)] = &[
    ("SC_ARG_MAX", libc::_SC_ARG_MAX),
    ("SC_CHILD_MAX", libc::_SC_CHILD_MAX),
    ("SC_CLK_TCK", libc::_SC_CLK_TCK),
    ("SC_NGROUPS_MAX", libc::_SC_NGROUPS_MAX),
    ("SC_OPEN_MAX", libc::_SC_OPEN_MAX),
    ("SC_PAGESIZE", libc::_SC_PAGESIZE),
    ("SC_PAGE_SIZE", libc::_SC_PAGESIZE),
    ("SC_NPROCESSORS_CONF", libc::_SC_NPROCESSORS_CONF),
    ("SC_NPROCESSORS_ONLN", libc::_SC_NPROCESSORS_ONLN),
    ("SC_PHYS_PAGES", libc::_SC_PHYS_PAGES),
    ("SC_IOV_MAX", libc::_SC_IOV_MAX),
    ("SC_LINE_MAX", libc::_SC_LINE_MAX),
    ("SC_HOST_NAME_MAX", libc::_SC_HOST_NAME_MAX),
    ("SC_LOGIN_NAME_MAX", libc::_SC_LOGIN_NAME_MAX),
];

// ---------------------------------------------------------------------------------
// Process facts, the environment, random bytes
// ---------------------------------------------------------------------------------

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

/// An environment key or value: `str` or bytes-like (CPython's `FSConverter`).
fn env_bytes(o: &PyObj, func: &str) -> PyResult<Vec<u8>> {
    let p = fspath(o).map_err(|e| {
        if e.is_instance(&exc::TYPE_ERROR_TYPE) {
            type_error(format!(
                "{func}: expected str, bytes or os.PathLike object, not {}",
                o.ty().name()
            ))
        } else {
            e
        }
    })?;
    let raw = if pystr::is_str(&p) {
        pystr::as_str(&p).as_bytes().to_vec()
    } else {
        bytes::as_bytes(&p).to_vec()
    };
    if raw.contains(&0) {
        return Err(value_error("embedded null byte"));
    }
    Ok(raw)
}

fn os_putenv(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("putenv", 2)?;
    let key = env_bytes(&a[0], "putenv")?;
    let value = env_bytes(&a[1], "putenv")?;
    if key.is_empty() || key.contains(&b'=') {
        return Err(value_error("illegal environment variable name"));
    }
    // Like CPython's putenv: the process environment is shared with every thread
    // (the caller's responsibility, as in C).
    std::env::set_var(
        std::ffi::OsStr::from_bytes(&key),
        std::ffi::OsStr::from_bytes(&value),
    );
    Ok(none())
}

fn os_unsetenv(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("unsetenv", 1)?;
    let key = env_bytes(&a[0], "unsetenv")?;
    if key.is_empty() || key.contains(&b'=') {
        return Err(value_error("illegal environment variable name"));
    }
    std::env::remove_var(std::ffi::OsStr::from_bytes(&key));
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

fn os_strerror(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("strerror", 1)?;
    let code = int::to_isize(&ab::index(&a[0])?)?;
    let code = i32::try_from(code).unwrap_or(-1);
    let msg = std::io::Error::from_raw_os_error(code).to_string();
    let msg = msg.split(" (os error").next().unwrap_or(&msg).to_string();
    Ok(pystr::from_string(msg))
}

fn os_getcwd(bytes_result: bool) -> PyResult<PyObj> {
    let d = std::env::current_dir().map_err(|e| exc::from_io_error(&e, None))?;
    Ok(name_obj(d.as_os_str().as_bytes(), bytes_result))
}

/// `posix.environ`: the process environment at start-up as a dict of `bytes` (CPython
/// on POSIX; `os.environ` decodes it).
fn environ() -> PyObj {
    let environ = dict::new();
    for (k, v) in std::env::vars_os() {
        dict::set_item(&environ, bytes::new(k.as_bytes()), bytes::new(v.as_bytes()))
            .expect("bytes keys hash");
    }
    environ
}

/// What `os` turns into `supports_dir_fd`, `supports_fd` and
/// `supports_follow_symlinks`: the C functions this module calls (CPython's
/// `HAVE_*` configuration names), only those it really uses.
const HAVE_FUNCTIONS: &[&str] = &[
    "HAVE_FACCESSAT",
    "HAVE_FCHDIR",
    "HAVE_FCHMOD",
    "HAVE_FCHMODAT",
    "HAVE_FCHOWN",
    "HAVE_FCHOWNAT",
    "HAVE_FDOPENDIR",
    "HAVE_FSTATAT",
    "HAVE_FSTATVFS",
    "HAVE_FTRUNCATE",
    "HAVE_FUTIMENS",
    "HAVE_LINKAT",
    "HAVE_MKDIRAT",
    "HAVE_OPENAT",
    "HAVE_READLINKAT",
    "HAVE_RENAMEAT",
    "HAVE_SYMLINKAT",
    "HAVE_UNLINKAT",
    "HAVE_UTIMENSAT",
];

fn add_constants(d: &PyObj) {
    let consts: &[(&str, libc::c_int)] = &[
        ("F_OK", libc::F_OK),
        ("R_OK", libc::R_OK),
        ("W_OK", libc::W_OK),
        ("X_OK", libc::X_OK),
        ("O_RDONLY", libc::O_RDONLY),
        ("O_WRONLY", libc::O_WRONLY),
        ("O_RDWR", libc::O_RDWR),
        ("O_ACCMODE", libc::O_ACCMODE),
        ("O_APPEND", libc::O_APPEND),
        ("O_CREAT", libc::O_CREAT),
        ("O_EXCL", libc::O_EXCL),
        ("O_TRUNC", libc::O_TRUNC),
        ("O_NONBLOCK", libc::O_NONBLOCK),
        ("O_NDELAY", libc::O_NDELAY),
        ("O_SYNC", libc::O_SYNC),
        ("O_DSYNC", libc::O_DSYNC),
        ("O_RSYNC", libc::O_RSYNC),
        ("O_NOCTTY", libc::O_NOCTTY),
        ("O_CLOEXEC", libc::O_CLOEXEC),
        ("O_DIRECTORY", libc::O_DIRECTORY),
        ("O_NOFOLLOW", libc::O_NOFOLLOW),
        ("O_ASYNC", libc::O_ASYNC),
        ("O_DIRECT", libc::O_DIRECT),
        ("O_LARGEFILE", libc::O_LARGEFILE),
        ("O_NOATIME", libc::O_NOATIME),
        ("O_PATH", libc::O_PATH),
        ("O_TMPFILE", libc::O_TMPFILE),
        ("SEEK_SET", libc::SEEK_SET),
        ("SEEK_CUR", libc::SEEK_CUR),
        ("SEEK_END", libc::SEEK_END),
        ("SEEK_DATA", libc::SEEK_DATA),
        ("SEEK_HOLE", libc::SEEK_HOLE),
        ("WNOHANG", libc::WNOHANG),
        ("WUNTRACED", libc::WUNTRACED),
        ("WCONTINUED", libc::WCONTINUED),
        ("F_LOCK", libc::F_LOCK),
        ("F_TLOCK", libc::F_TLOCK),
        ("F_ULOCK", libc::F_ULOCK),
        ("F_TEST", libc::F_TEST),
        ("EX_OK", libc::EXIT_SUCCESS),
        ("EX_USAGE", 64),
        ("EX_DATAERR", 65),
        ("EX_NOINPUT", 66),
        ("EX_NOUSER", 67),
        ("EX_NOHOST", 68),
        ("EX_UNAVAILABLE", 69),
        ("EX_SOFTWARE", 70),
        ("EX_OSERR", 71),
        ("EX_OSFILE", 72),
        ("EX_CANTCREAT", 73),
        ("EX_IOERR", 74),
        ("EX_TEMPFAIL", 75),
        ("EX_PROTOCOL", 76),
        ("EX_NOPERM", 77),
        ("EX_CONFIG", 78),
        ("ST_RDONLY", libc::ST_RDONLY as libc::c_int),
        ("ST_NOSUID", libc::ST_NOSUID as libc::c_int),
        ("NGROUPS_MAX", 65536),
        ("TMP_MAX", 238_328),
    ];
    for (name, v) in consts {
        add_int(d, name, i64::from(*v));
    }
}

fn no_args(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<()> {
    Args::new(a, k).exact(name, 0)
}

fn id_obj(v: u32) -> PyResult<PyObj> {
    Ok(int::from_i64(i64::from(v)))
}

/// The `posix` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("posix");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "environ", environ());
    dict::set_item_str(&d, "error", exc::OS_ERROR_TYPE.to_obj());
    dict::set_item_str(
        &d,
        "_have_functions",
        list::new(HAVE_FUNCTIONS.iter().map(|n| pystr::intern(n)).collect()),
    );
    let names = dict::new();
    for (n, v) in SYSCONF_NAMES {
        dict::set_item_str(&names, n, int::from_i64(i64::from(*v)));
    }
    dict::set_item_str(&d, "sysconf_names", names);
    add_constants(&d);
    results::add_types(&d);
    dict::set_item_str(&d, "DirEntry", scandir::dir_entry_type());
    let funcs: &[(&'static str, NativeFn)] = &[
        ("getpid", |a, k| {
            no_args(a, k, "getpid")?;
            Ok(int::from_i64(i64::from(std::process::id())))
        }),
        ("getppid", |a, k| {
            no_args(a, k, "getppid")?;
            Ok(int::from_i64(
                i64::from(std::os::unix::process::parent_id()),
            ))
        }),
        ("getuid", |a, k| {
            no_args(a, k, "getuid")?;
            // SAFETY: no preconditions; cannot fail.
            id_obj(unsafe { libc::getuid() })
        }),
        ("geteuid", |a, k| {
            no_args(a, k, "geteuid")?;
            // SAFETY: no preconditions; cannot fail.
            id_obj(unsafe { libc::geteuid() })
        }),
        ("getgid", |a, k| {
            no_args(a, k, "getgid")?;
            // SAFETY: no preconditions; cannot fail.
            id_obj(unsafe { libc::getgid() })
        }),
        ("getegid", |a, k| {
            no_args(a, k, "getegid")?;
            // SAFETY: no preconditions; cannot fail.
            id_obj(unsafe { libc::getegid() })
        }),
        ("getpgrp", |a, k| {
            no_args(a, k, "getpgrp")?;
            // SAFETY: no preconditions; cannot fail.
            Ok(int::from_i64(i64::from(unsafe { libc::getpgrp() })))
        }),
        ("cpu_count", |a, k| {
            no_args(a, k, "cpu_count")?;
            Ok(cpu_count().map_or_else(none, int::from_usize))
        }),
        ("getcwd", |a, k| {
            no_args(a, k, "getcwd")?;
            os_getcwd(false)
        }),
        ("getcwdb", |a, k| {
            no_args(a, k, "getcwdb")?;
            os_getcwd(true)
        }),
        ("chdir", os_chdir),
        ("fchdir", |a, k| {
            let fd = one_fd(a, k, "fchdir")?;
            // SAFETY: a plain descriptor call.
            cvt(unsafe { libc::fchdir(fd) }).map_err(|e| exc::from_io_error(&e, None))?;
            Ok(none())
        }),
        ("listdir", os_listdir),
        ("scandir", scandir::os_scandir),
        ("remove", |a, k| os_unlink(a, k, "remove")),
        ("unlink", |a, k| os_unlink(a, k, "unlink")),
        ("mkdir", os_mkdir),
        ("rmdir", os_rmdir),
        ("rename", |a, k| os_rename(a, k, "rename")),
        ("replace", |a, k| os_rename(a, k, "replace")),
        ("link", os_link),
        ("symlink", os_symlink),
        ("readlink", os_readlink),
        ("access", os_access),
        ("chmod", os_chmod),
        ("fchmod", |a, k| {
            let b = bind(a, k, "fchmod", &["fd", "mode"], 2, 2)?;
            let fd = fd_arg(b[0].expect("required"))?;
            let mode = int_arg(b[1].expect("required"))? as libc::mode_t;
            // SAFETY: a plain descriptor call.
            cvt(unsafe { libc::fchmod(fd, mode) }).map_err(|e| exc::from_io_error(&e, None))?;
            Ok(none())
        }),
        ("chown", |a, k| os_chown(a, k, "chown", false)),
        ("lchown", |a, k| os_chown(a, k, "lchown", true)),
        ("fchown", |a, k| {
            let b = bind(a, k, "fchown", &["fd", "uid", "gid"], 3, 3)?;
            let fd = fd_arg(b[0].expect("required"))?;
            let (uid, gid) = (
                id_arg(b[1].expect("required"))?,
                id_arg(b[2].expect("required"))?,
            );
            // SAFETY: a plain descriptor call.
            cvt(unsafe { libc::fchown(fd, uid, gid) }).map_err(|e| exc::from_io_error(&e, None))?;
            Ok(none())
        }),
        ("utime", os_utime),
        ("truncate", os_truncate),
        ("ftruncate", |a, k| {
            Args::new(a, k).exact("ftruncate", 2)?;
            let fd = fd_arg(&a[0])?;
            let len = int_arg(&a[1])?;
            // SAFETY: a plain descriptor call.
            blocking(|| cvt(unsafe { libc::ftruncate(fd, len) }))
                .map_err(|e| exc::from_io_error(&e, None))?;
            Ok(none())
        }),
        ("stat", |a, k| os_stat(a, k, "stat", false)),
        ("lstat", |a, k| os_stat(a, k, "lstat", true)),
        ("fstat", |a, k| {
            let fd = one_fd(a, k, "fstat")?;
            results::stat_result(&raw_stat(&PathOrFd::Fd(fd), libc::AT_FDCWD, true)?)
        }),
        ("statvfs", |a, k| os_statvfs(a, k, "statvfs")),
        ("fstatvfs", |a, k| os_statvfs(a, k, "fstatvfs")),
        ("open", os_open),
        ("close", os_close),
        ("closerange", os_closerange),
        ("read", os_read),
        ("write", os_write),
        ("lseek", os_lseek),
        ("fsync", |a, k| {
            let fd = match a.first() {
                Some(o) if !int::is_int(o) => fd_arg(&ab::call_method(o, "fileno", &[])?)?,
                _ => one_fd(a, k, "fsync")?,
            };
            // SAFETY: a plain descriptor call.
            blocking(|| cvt(unsafe { libc::fsync(fd) }))
                .map_err(|e| exc::from_io_error(&e, None))?;
            Ok(none())
        }),
        ("isatty", |a, k| {
            Args::new(a, k).exact("isatty", 1)?;
            let fd = fd_arg(&a[0])?;
            // SAFETY: a plain descriptor call.
            Ok(int::bool_obj(unsafe { libc::isatty(fd) } == 1))
        }),
        ("dup", |a, k| {
            Args::new(a, k).exact("dup", 1)?;
            let fd = fd_arg(&a[0])?;
            // SAFETY: a plain descriptor call; the new descriptor is non-inheritable.
            let r = cvt(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) })
                .map_err(|e| exc::from_io_error(&e, None))?;
            Ok(int::from_i64(i64::from(r)))
        }),
        ("dup2", os_dup2),
        ("openpty", os_openpty),
        ("pipe", |a, k| os_pipe(a, k, "pipe")),
        ("pipe2", |a, k| os_pipe(a, k, "pipe2")),
        ("get_inheritable", |a, k| {
            Args::new(a, k).exact("get_inheritable", 1)?;
            let fl = fd_flag(fd_arg(&a[0])?, libc::F_GETFD)?;
            Ok(int::bool_obj(fl & libc::FD_CLOEXEC == 0))
        }),
        ("set_inheritable", |a, k| {
            Args::new(a, k).exact("set_inheritable", 2)?;
            let on = !ab::is_true(&a[1])?;
            set_fd_flag(
                fd_arg(&a[0])?,
                libc::F_GETFD,
                libc::F_SETFD,
                libc::FD_CLOEXEC,
                on,
            )?;
            Ok(none())
        }),
        ("get_blocking", |a, k| {
            Args::new(a, k).exact("get_blocking", 1)?;
            let fl = fd_flag(fd_arg(&a[0])?, libc::F_GETFL)?;
            Ok(int::bool_obj(fl & libc::O_NONBLOCK == 0))
        }),
        ("set_blocking", |a, k| {
            Args::new(a, k).exact("set_blocking", 2)?;
            let on = !ab::is_true(&a[1])?;
            set_fd_flag(
                fd_arg(&a[0])?,
                libc::F_GETFL,
                libc::F_SETFL,
                libc::O_NONBLOCK,
                on,
            )?;
            Ok(none())
        }),
        ("device_encoding", |a, k| {
            let b = bind(a, k, "device_encoding", &["fd"], 1, 1)?;
            let fd = fd_arg(b[0].expect("required"))?;
            // SAFETY: a plain descriptor call.
            Ok(if unsafe { libc::isatty(fd) } == 1 {
                pystr::new("utf-8")
            } else {
                none()
            })
        }),
        ("get_terminal_size", os_get_terminal_size),
        ("umask", os_umask),
        ("uname", os_uname),
        ("times", os_times),
        ("sysconf", os_sysconf),
        ("kill", |a, k| os_kill(a, k, "kill")),
        ("killpg", |a, k| os_kill(a, k, "killpg")),
        ("waitpid", os_waitpid),
        ("pidfd_open", os_pidfd_open),
        ("sendfile", os_sendfile),
        ("waitstatus_to_exitcode", os_waitstatus_to_exitcode),
        ("WIFEXITED", |a, k| {
            Ok(int::bool_obj(libc::WIFEXITED(status_arg(
                a,
                k,
                "WIFEXITED",
            )?)))
        }),
        ("WEXITSTATUS", |a, k| {
            Ok(int::from_i64(i64::from(libc::WEXITSTATUS(status_arg(
                a,
                k,
                "WEXITSTATUS",
            )?))))
        }),
        ("WIFSIGNALED", |a, k| {
            Ok(int::bool_obj(libc::WIFSIGNALED(status_arg(
                a,
                k,
                "WIFSIGNALED",
            )?)))
        }),
        ("WTERMSIG", |a, k| {
            Ok(int::from_i64(i64::from(libc::WTERMSIG(status_arg(
                a, k, "WTERMSIG",
            )?))))
        }),
        ("WIFSTOPPED", |a, k| {
            Ok(int::bool_obj(libc::WIFSTOPPED(status_arg(
                a,
                k,
                "WIFSTOPPED",
            )?)))
        }),
        ("WSTOPSIG", |a, k| {
            Ok(int::from_i64(i64::from(libc::WSTOPSIG(status_arg(
                a, k, "WSTOPSIG",
            )?))))
        }),
        ("WIFCONTINUED", |a, k| {
            Ok(int::bool_obj(libc::WIFCONTINUED(status_arg(
                a,
                k,
                "WIFCONTINUED",
            )?)))
        }),
        ("WCOREDUMP", |a, k| {
            Ok(int::bool_obj(libc::WCOREDUMP(status_arg(
                a,
                k,
                "WCOREDUMP",
            )?)))
        }),
        ("putenv", os_putenv),
        ("unsetenv", os_unsetenv),
        ("urandom", os_urandom),
        ("strerror", os_strerror),
        ("fspath", |a, k| {
            let b = Args::new(a, k).bind("fspath", 0, &["path"], 1)?;
            fspath(b[0].expect("required"))
        }),
        ("_exit", |a, k| {
            Args::new(a, k).exact("_exit", 1)?;
            let code = int_arg(&a[0])?;
            // SAFETY: ends the process at once, as C's _exit (no Rust destructors run;
            // CPython's os._exit skips its cleanup the same way).
            unsafe { libc::_exit(code as libc::c_int) }
        }),
        ("abort", |a, k| {
            no_args(a, k, "abort")?;
            std::process::abort()
        }),
    ];
    strand_interp::native_module::add_functions(&m, "posix", funcs);
    m
}
