//! The `fcntl` module (CPython's Modules/fcntlmodule.c): `fcntl`, `ioctl`, `flock`,
//! `lockf` and the Linux constants. Descriptors are ints or objects with a
//! `fileno()` method; an integer argument is passed as is, a bytes argument (at
//! most 1024 bytes) is copied into a buffer the call may fill and returned. Calls
//! that can wait for a lock run detached and are retried on `EINTR`.
//!
//! Not supported: `ioctl` writing into a mutable buffer (strand has no writable
//! bytes-like objects yet).

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{bytes, int, module, singletons, str as pystr, PyObj, PyResult};

use crate::modsupport::add_int;
use strand_interp::native_module::add_functions;

/// CPython's `PyObject_AsFileDescriptor`.
pub fn fd_of(o: &PyObj) -> PyResult<libc::c_int> {
    let v = if int::is_int(o) {
        o.clone()
    } else {
        match ab::getattr_opt(o, &pystr::intern("fileno"))? {
            Some(f) => {
                let r = ab::call(&f, &[], None)?;
                if !int::is_int(&r) {
                    return Err(type_error("fileno() returned a non-integer"));
                }
                r
            }
            None => {
                return Err(type_error(
                    "argument must be an int, or have a fileno() method.",
                ))
            }
        }
    };
    let fd = int::as_i64(&v)
        .filter(|x| i32::try_from(*x).is_ok())
        .ok_or_else(|| exc::overflow_error("Python int too large to convert to C int"))?;
    if fd < 0 {
        return Err(value_error(format!(
            "file descriptor cannot be a negative integer ({fd})"
        )));
    }
    Ok(fd as libc::c_int)
}

fn os_error() -> strand_objects::PyErr {
    exc::from_io_error(&std::io::Error::last_os_error(), None)
}

/// Runs a system call detached, retrying on `EINTR`.
fn retry(call: impl Fn() -> libc::c_int) -> PyResult<libc::c_int> {
    loop {
        let r = strand_heap::with_detached(&call);
        if r != -1 {
            return Ok(r);
        }
        if std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return Err(os_error());
        }
    }
}

fn c_int_arg(o: &PyObj) -> PyResult<libc::c_int> {
    if !int::is_int(o) && o.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            o.ty().name()
        )));
    }
    let v = int::to_bigint(&ab::index(o)?);
    i32::try_from(&v).map_err(|_| exc::overflow_error("signed integer is greater than maximum"))
}

/// The third argument: an integer, or bytes to copy into a buffer.
enum Arg {
    Int(libc::c_long),
    Buf(Vec<u8>),
}

fn third(o: Option<&PyObj>, what: &str) -> PyResult<Arg> {
    let Some(o) = o else {
        return Ok(Arg::Int(0));
    };
    if pystr::is_str(o) || bytes::is_bytes(o) {
        let data = if pystr::is_str(o) {
            pystr::as_str(o).as_bytes().to_vec()
        } else {
            bytes::as_bytes(o).to_vec()
        };
        if data.len() > 1024 {
            return Err(value_error(format!("{what} string arg too long")));
        }
        return Ok(Arg::Buf(data));
    }
    if !int::is_int(o) && o.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            o.ty().name()
        )));
    }
    let v = int::to_bigint(&ab::index(o)?);
    Ok(Arg::Int(
        i64::try_from(&v)
            .map_err(|_| exc::overflow_error("Python int too large to convert to C long"))?
            as libc::c_long,
    ))
}

fn f_fcntl(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("fcntl", 2, 3)?;
    let fd = fd_of(&a[0])?;
    let cmd = c_int_arg(&a[1])?;
    match third(a.get(2), "fcntl")? {
        Arg::Int(v) => {
            // SAFETY: an integer argument; the kernel validates fd and cmd.
            let r = retry(|| unsafe { libc::fcntl(fd, cmd, v) })?;
            Ok(int::from_i64(i64::from(r)))
        }
        Arg::Buf(data) => {
            let mut buf = [0u8; 1024];
            buf[..data.len()].copy_from_slice(&data);
            let p = buf.as_mut_ptr() as usize;
            // SAFETY: the buffer is 1024 bytes, as CPython passes, and outlives the
            // call.
            retry(|| unsafe { libc::fcntl(fd, cmd, p as *mut u8) })?;
            Ok(bytes::new(&buf[..data.len()]))
        }
    }
}

fn f_ioctl(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("ioctl", 0, &["fd", "request", "arg", "mutate_flag"], 2)?;
    let fd = fd_of(b[0].expect("required"))?;
    let req = int::to_bigint(&ab::index(b[1].expect("required"))?);
    let req = u64::try_from(&req)
        .or_else(|_| i64::try_from(&req).map(|x| x as u64))
        .map_err(|_| exc::overflow_error("Python int too large to convert to C unsigned long"))?
        as libc::c_ulong;
    match third(b[2], "ioctl")? {
        Arg::Int(v) => {
            // SAFETY: an integer argument; the kernel validates fd and request.
            let r = retry(|| unsafe { libc::ioctl(fd, req as _, v) })?;
            Ok(int::from_i64(i64::from(r)))
        }
        Arg::Buf(data) => {
            let mut buf = [0u8; 1024];
            buf[..data.len()].copy_from_slice(&data);
            let p = buf.as_mut_ptr() as usize;
            // SAFETY: a 1024-byte buffer that outlives the call.
            retry(|| unsafe { libc::ioctl(fd, req as _, p as *mut u8) })?;
            Ok(bytes::new(&buf[..data.len()]))
        }
    }
}

fn f_flock(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("flock", 2, 2)?;
    let fd = fd_of(&a[0])?;
    let op = c_int_arg(&a[1])?;
    // SAFETY: flock takes plain integers.
    retry(|| unsafe { libc::flock(fd, op) })?;
    Ok(singletons::none())
}

fn f_lockf(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("lockf", 2, 5)?;
    let fd = fd_of(&a[0])?;
    let code = c_int_arg(&a[1])?;
    let l_type = if code == libc::LOCK_UN {
        libc::F_UNLCK
    } else if code & libc::LOCK_SH != 0 {
        libc::F_RDLCK
    } else if code & libc::LOCK_EX != 0 {
        libc::F_WRLCK
    } else {
        return Err(value_error("unrecognized lockf argument"));
    };
    let num = |i: usize| -> PyResult<i64> {
        match a.get(i) {
            Some(v) => int::as_i64(&ab::index(v)?)
                .ok_or_else(|| exc::overflow_error("Python int too large to convert to C long")),
            None => Ok(0),
        }
    };
    let (len, start, whence) = (num(2)?, num(3)?, num(4)?);
    // SAFETY: `flock` is plain old data; all zero is valid.
    let mut l: libc::flock = unsafe { std::mem::zeroed() };
    l.l_type = l_type as _;
    l.l_whence = whence as _;
    l.l_start = start as _;
    l.l_len = len as _;
    let cmd = if code & libc::LOCK_NB != 0 {
        libc::F_SETLK
    } else {
        libc::F_SETLKW
    };
    let p = &l as *const libc::flock as usize;
    // SAFETY: `l` is a valid flock that outlives the call.
    retry(|| unsafe { libc::fcntl(fd, cmd, p as *const libc::flock) })?;
    Ok(singletons::none())
}

/// The `fcntl` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("fcntl");
    add_functions(
        &m,
        "fcntl",
        &[
            ("fcntl", f_fcntl),
            ("ioctl", f_ioctl),
            ("flock", f_flock),
            ("lockf", f_lockf),
        ],
    );
    let d = module::module_dict(&m);
    let constants: &[(&str, i64)] = &[
        ("DN_ACCESS", 1),
        ("DN_ATTRIB", 32),
        ("DN_CREATE", 4),
        ("DN_DELETE", 8),
        ("DN_MODIFY", 2),
        ("DN_MULTISHOT", 2147483648),
        ("DN_RENAME", 16),
        ("FASYNC", i64::from(libc::O_ASYNC)),
        ("FD_CLOEXEC", i64::from(libc::FD_CLOEXEC)),
        ("F_ADD_SEALS", i64::from(libc::F_ADD_SEALS)),
        ("F_DUPFD", i64::from(libc::F_DUPFD)),
        ("F_DUPFD_CLOEXEC", i64::from(libc::F_DUPFD_CLOEXEC)),
        ("F_EXLCK", 4),
        ("F_GETFD", i64::from(libc::F_GETFD)),
        ("F_GETFL", i64::from(libc::F_GETFL)),
        ("F_GETLEASE", i64::from(libc::F_GETLEASE)),
        ("F_GETLK", i64::from(libc::F_GETLK)),
        ("F_GETLK64", i64::from(libc::F_GETLK)),
        ("F_GETOWN", i64::from(libc::F_GETOWN)),
        ("F_GETPIPE_SZ", i64::from(libc::F_GETPIPE_SZ)),
        ("F_GETSIG", 11),
        ("F_GET_SEALS", i64::from(libc::F_GET_SEALS)),
        ("F_NOTIFY", i64::from(libc::F_NOTIFY)),
        ("F_OFD_GETLK", i64::from(libc::F_OFD_GETLK)),
        ("F_OFD_SETLK", i64::from(libc::F_OFD_SETLK)),
        ("F_OFD_SETLKW", i64::from(libc::F_OFD_SETLKW)),
        ("F_RDLCK", i64::from(libc::F_RDLCK)),
        ("F_SEAL_GROW", i64::from(libc::F_SEAL_GROW)),
        ("F_SEAL_SEAL", i64::from(libc::F_SEAL_SEAL)),
        ("F_SEAL_SHRINK", i64::from(libc::F_SEAL_SHRINK)),
        ("F_SEAL_WRITE", i64::from(libc::F_SEAL_WRITE)),
        ("F_SETFD", i64::from(libc::F_SETFD)),
        ("F_SETFL", i64::from(libc::F_SETFL)),
        ("F_SETLEASE", i64::from(libc::F_SETLEASE)),
        ("F_SETLK", i64::from(libc::F_SETLK)),
        ("F_SETLK64", i64::from(libc::F_SETLK)),
        ("F_SETLKW", i64::from(libc::F_SETLKW)),
        ("F_SETLKW64", i64::from(libc::F_SETLKW)),
        ("F_SETOWN", i64::from(libc::F_SETOWN)),
        ("F_SETPIPE_SZ", i64::from(libc::F_SETPIPE_SZ)),
        ("F_SETSIG", 10),
        ("F_SHLCK", 8),
        ("F_UNLCK", i64::from(libc::F_UNLCK)),
        ("F_WRLCK", i64::from(libc::F_WRLCK)),
        ("LOCK_EX", i64::from(libc::LOCK_EX)),
        ("LOCK_MAND", 32),
        ("LOCK_NB", i64::from(libc::LOCK_NB)),
        ("LOCK_READ", 64),
        ("LOCK_RW", 192),
        ("LOCK_SH", i64::from(libc::LOCK_SH)),
        ("LOCK_UN", i64::from(libc::LOCK_UN)),
        ("LOCK_WRITE", 128),
    ];
    for &(name, v) in constants {
        add_int(&d, name, v);
    }
    m
}
