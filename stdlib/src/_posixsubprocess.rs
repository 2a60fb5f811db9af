//! The `_posixsubprocess` module (CPython 3.11's Modules/_posixsubprocess.c):
//! `fork_exec`, which CPython's `subprocess.Popen` starts every child with on
//! POSIX.
//!
//! strand runs several threads (other Python threads, the collector's helpers), so
//! the child of `fork` may only do async-signal-safe work until it execs: every
//! argument is converted in the parent first (argv, the executables and envp as
//! NUL-terminated C arrays, the descriptors to keep, the groups), and the child runs
//! only system calls on that memory, allocating nothing and taking no lock. A
//! failure in the child is reported through `errpipe_write` as
//! `OSError:<hex errno>:` (with `noexec` when it happened before the exec step,
//! e.g. `chdir(cwd)`), which `subprocess.py` turns into the `OSError` subclass.
//!
//! `preexec_fn` is refused with `RuntimeError`: running Python code in the child of
//! a multithreaded process can deadlock on a lock another thread held at the fork
//! (CPython warns of the same), and strand's thread states and heap are not usable
//! there. `allow_vfork` is accepted and ignored (strand always forks).

use std::ffi::CString;

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{bytes, int, list, module, singletons, str as pystr, tuple, PyObj, PyResult};

/// A path-like argument's bytes (CPython's `PyUnicode_FSConverter`).
fn fs_bytes(o: &PyObj) -> PyResult<CString> {
    let p = crate::_io::fspath(o)?;
    let data = if pystr::is_str(&p) {
        pystr::as_str(&p).as_bytes().to_vec()
    } else {
        bytes::as_bytes(&p).to_vec()
    };
    CString::new(data).map_err(|_| value_error("embedded null byte"))
}

/// The items of a list or tuple argument.
fn seq_items(o: &PyObj, what: &str) -> PyResult<Vec<PyObj>> {
    if list::is_list(o) || tuple::is_tuple(o) {
        return ab::collect_iter(o);
    }
    if o.ty().slots().getitem.is_some() && o.ty().slots().len.is_some() {
        return ab::collect_iter(o);
    }
    Err(type_error(what))
}

/// A NULL-terminated array of C string pointers over `strings` (which must outlive
/// it).
fn c_array(strings: &[CString]) -> Vec<*const libc::c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect()
}

/// An id argument: `None` (-1, unchanged) or an int.
fn id_arg(o: &PyObj) -> PyResult<Option<u32>> {
    if singletons::is_none(o) {
        return Ok(None);
    }
    let v = int::to_bigint(&ab::index(o)?);
    u32::try_from(&v)
        .map(Some)
        .map_err(|_| exc::overflow_error("gid is greater than maximum"))
}

fn bool_arg(o: &PyObj) -> PyResult<bool> {
    ab::is_true(o)
}

fn fd_arg(o: &PyObj) -> PyResult<libc::c_int> {
    crate::modsupport::c_int(o)
}

/// Everything the child needs, prepared before the fork.
struct Child<'a> {
    argv: &'a [*const libc::c_char],
    exec: &'a [*const libc::c_char],
    envp: Option<&'a [*const libc::c_char]>,
    cwd: Option<&'a CString>,
    keep: &'a [libc::c_int],
    close_fds: bool,
    max_fd: libc::c_int,
    p2cread: libc::c_int,
    p2cwrite: libc::c_int,
    c2pread: libc::c_int,
    c2pwrite: libc::c_int,
    errread: libc::c_int,
    errwrite: libc::c_int,
    errpipe_read: libc::c_int,
    errpipe_write: libc::c_int,
    restore_signals: bool,
    call_setsid: bool,
    pgid: libc::c_int,
    groups: Option<&'a [libc::gid_t]>,
    gid: Option<u32>,
    uid: Option<u32>,
    umask: libc::c_int,
}

fn errno() -> libc::c_int {
    // SAFETY: reading this thread's errno is async-signal-safe.
    unsafe { *libc::__errno_location() }
}

/// Clears `FD_CLOEXEC` on `fd` (async-signal-safe).
fn set_inheritable(fd: libc::c_int) -> Result<(), libc::c_int> {
    // SAFETY: plain descriptor calls.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFD);
        if flags < 0 {
            return Err(errno());
        }
        if flags & libc::FD_CLOEXEC != 0
            && libc::fcntl(fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC) < 0
        {
            return Err(errno());
        }
    }
    Ok(())
}

/// Closes every descriptor from 3 up except those in `keep` (sorted).
fn close_fds(keep: &[libc::c_int], max_fd: libc::c_int) {
    let mut start: libc::c_int = 3;
    let close_range = |lo: libc::c_int, hi: libc::c_int| {
        if lo > hi {
            return;
        }
        // SAFETY: close_range takes two descriptor bounds and flags.
        let r = unsafe {
            libc::syscall(
                libc::SYS_close_range,
                lo as libc::c_uint,
                hi as libc::c_uint,
                0 as libc::c_uint,
            )
        };
        if r < 0 {
            for fd in lo..=hi.min(max_fd) {
                // SAFETY: closing descriptors in the child; errors are ignored.
                unsafe { libc::close(fd) };
            }
        }
    };
    for &k in keep {
        if k >= start {
            close_range(start, k - 1);
            start = k + 1;
        }
    }
    close_range(start, libc::c_int::MAX);
}

/// Writes all of `data` to `fd`, retrying on `EINTR`, ignoring other errors.
fn write_all(fd: libc::c_int, data: &[u8]) {
    let mut off = 0;
    while off < data.len() {
        // SAFETY: the unwritten rest of `data`.
        let r = unsafe { libc::write(fd, data[off..].as_ptr().cast(), data.len() - off) };
        if r < 0 {
            if errno() == libc::EINTR {
                continue;
            }
            return;
        }
        off += r as usize;
    }
}

/// The child's side, after `fork` (CPython's `child_exec`): only async-signal-safe
/// calls on memory prepared before the fork. Never returns.
fn child_exec(c: &Child) -> ! {
    let mut reached_exec_step = false;
    let err = (|| -> Result<(), libc::c_int> {
        let check = |r: libc::c_int| if r == -1 { Err(errno()) } else { Ok(()) };
        for &fd in c.keep {
            if fd != c.errpipe_write {
                set_inheritable(fd)?;
            }
        }
        // SAFETY: descriptor and process calls of the child, on values
        // and memory prepared before the fork.
        unsafe {
            for fd in [c.p2cwrite, c.c2pread, c.errread] {
                if fd != -1 {
                    libc::close(fd);
                }
            }
            libc::close(c.errpipe_read);
            let mut c2pwrite = c.c2pwrite;
            let mut errwrite = c.errwrite;
            // Standard descriptors the pipes landed on must survive the dup2s below.
            if c2pwrite == 0 {
                c2pwrite = libc::dup(c2pwrite);
                check(c2pwrite)?;
            }
            while errwrite == 0 || errwrite == 1 {
                errwrite = libc::dup(errwrite);
                check(errwrite)?;
            }
            for (fd, target) in [(c.p2cread, 0), (c2pwrite, 1), (errwrite, 2)] {
                if fd == target {
                    set_inheritable(fd)?;
                } else if fd != -1 {
                    check(libc::dup2(fd, target))?;
                }
            }
            if let Some(cwd) = c.cwd {
                check(libc::chdir(cwd.as_ptr()))?;
            }
            if c.umask >= 0 {
                libc::umask(c.umask as libc::mode_t);
            }
            if c.restore_signals {
                for sig in [libc::SIGPIPE, libc::SIGXFSZ] {
                    libc::signal(sig, libc::SIG_DFL);
                }
            }
            if c.call_setsid {
                check(libc::setsid())?;
            }
            if c.pgid >= 0 {
                check(libc::setpgid(0, c.pgid))?;
            }
            if let Some(g) = c.groups {
                check(libc::setgroups(g.len(), g.as_ptr()))?;
            }
            if let Some(gid) = c.gid {
                check(libc::setregid(gid, gid))?;
            }
            if let Some(uid) = c.uid {
                check(libc::setreuid(uid, uid))?;
            }
        }
        reached_exec_step = true;
        if c.close_fds {
            close_fds(c.keep, c.max_fd);
        }
        let mut saved = 0;
        for &exe in &c.exec[..c.exec.len() - 1] {
            // SAFETY: NULL-terminated arrays of C strings prepared before the fork.
            unsafe {
                match c.envp {
                    Some(envp) => libc::execve(exe, c.argv.as_ptr(), envp.as_ptr()),
                    None => libc::execv(exe, c.argv.as_ptr()),
                };
            }
            let e = errno();
            if e != libc::ENOENT && e != libc::ENOTDIR && saved == 0 {
                saved = e;
            }
        }
        Err(if saved != 0 { saved } else { errno() })
    })();
    let code = match err {
        Err(e) => e,
        Ok(()) => 0,
    };
    // "OSError:<hex errno>:" and "noexec" if the exec step was not reached.
    let mut msg = [0u8; 40];
    let mut n = 0;
    for &b in b"OSError:" {
        msg[n] = b;
        n += 1;
    }
    let mut digits = [0u8; 16];
    let mut d = 0;
    let mut v = code as u32;
    while v != 0 {
        digits[d] = b"0123456789abcdef"[(v % 16) as usize];
        v /= 16;
        d += 1;
    }
    while d > 0 {
        d -= 1;
        msg[n] = digits[d];
        n += 1;
    }
    msg[n] = b':';
    n += 1;
    if !reached_exec_step {
        for &b in b"noexec" {
            msg[n] = b;
            n += 1;
        }
    }
    write_all(c.errpipe_write, &msg[..n]);
    // SAFETY: ends the child without running the parent's exit handlers.
    unsafe { libc::_exit(255) }
}

/// `fork_exec(args, executable_list, close_fds, pass_fds, cwd, env, p2cread,
/// p2cwrite, c2pread, c2pwrite, errread, errwrite, errpipe_read, errpipe_write,
/// restore_signals, call_setsid, pgid_to_set, gid, extra_groups, uid, child_umask,
/// preexec_fn[, allow_vfork])`: the child's pid.
fn f_fork_exec(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    args.no_kwargs("fork_exec")?;
    if !(22..=23).contains(&args.nargs()) {
        return Err(type_error(format!(
            "fork_exec() takes exactly 23 arguments ({} given)",
            args.nargs()
        )));
    }
    let process_args = &a[0];
    let close = bool_arg(&a[2])?;
    if !tuple::is_tuple(&a[3]) {
        return Err(type_error(format!(
            "fork_exec() argument 4 must be tuple, not {}",
            a[3].ty().name()
        )));
    }
    let mut keep = Vec::new();
    for fd in tuple::items(&a[3]) {
        let v = int::is_int(fd).then(|| int::as_i64(fd)).flatten();
        match v {
            Some(v)
                if v >= 0
                    && v <= i64::from(i32::MAX)
                    && keep.last().is_none_or(|&l| l < v as i32) =>
            {
                keep.push(v as libc::c_int)
            }
            _ => return Err(value_error("bad value(s) in fds_to_keep")),
        }
    }
    let cwd = if singletons::is_none(&a[4]) {
        None
    } else {
        Some(fs_bytes(&a[4])?)
    };
    let env: Option<Vec<CString>> = if singletons::is_none(&a[5]) {
        None
    } else {
        Some(
            seq_items(&a[5], "env must be a sequence")?
                .iter()
                .map(|e| {
                    let b = crate::buffer::bytes_like(e)?;
                    CString::new(b).map_err(|_| value_error("embedded null byte"))
                })
                .collect::<PyResult<_>>()?,
        )
    };
    let ints: Vec<libc::c_int> = a[6..14].iter().map(fd_arg).collect::<PyResult<_>>()?;
    let [p2cread, p2cwrite, c2pread, c2pwrite, errread, errwrite, errpipe_read, errpipe_write] =
        ints[..]
    else {
        unreachable!("eight descriptors")
    };
    let restore_signals = bool_arg(&a[14])?;
    let call_setsid = bool_arg(&a[15])?;
    let pgid = fd_arg(&a[16])?;
    let gid = id_arg(&a[17])?;
    let groups: Option<Vec<libc::gid_t>> = if singletons::is_none(&a[18]) {
        None
    } else {
        if !list::is_list(&a[18]) {
            return Err(type_error("setgroups argument must be a list"));
        }
        Some(
            ab::collect_iter(&a[18])?
                .iter()
                .map(|g| id_arg(g).map(|v| v.unwrap_or(u32::MAX)))
                .collect::<PyResult<_>>()?,
        )
    };
    let uid = id_arg(&a[19])?;
    let umask = fd_arg(&a[20])?;
    if !singletons::is_none(&a[21]) {
        return Err(exc::runtime_error(
            "preexec_fn is not supported by strand: the child of a multithreaded process may only exec",
        ));
    }
    if close && errpipe_write < 3 {
        return Err(value_error("errpipe_write must be >= 3"));
    }
    let argv: Vec<CString> = if singletons::is_none(process_args) {
        Vec::new()
    } else {
        seq_items(process_args, "argv must be a tuple")?
            .iter()
            .map(fs_bytes)
            .collect::<PyResult<_>>()?
    };
    let exec: Vec<CString> = seq_items(&a[1], "executable_list must be a sequence")?
        .iter()
        .map(fs_bytes)
        .collect::<PyResult<_>>()?;
    let argv_c = c_array(&argv);
    let exec_c = c_array(&exec);
    let env_c = env.as_deref().map(c_array);
    // SAFETY: sysconf takes a name only.
    let max_fd =
        unsafe { libc::sysconf(libc::_SC_OPEN_MAX) }.clamp(256, i64::from(i32::MAX)) as libc::c_int;
    let child = Child {
        argv: &argv_c,
        exec: &exec_c,
        envp: env_c.as_deref(),
        cwd: cwd.as_ref(),
        keep: &keep,
        close_fds: close,
        max_fd,
        p2cread,
        p2cwrite,
        c2pread,
        c2pwrite,
        errread,
        errwrite,
        errpipe_read,
        errpipe_write,
        restore_signals,
        call_setsid,
        pgid,
        groups: groups.as_deref(),
        gid,
        uid,
        umask,
    };
    // SAFETY: the child runs only `child_exec`, which is async-signal-safe and
    // ends in exec or _exit; the parent goes on as after any system call.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        child_exec(&child);
    }
    if pid < 0 {
        return Err(exc::from_io_error(&std::io::Error::last_os_error(), None));
    }
    Ok(int::from_i64(i64::from(pid)))
}

/// The `_posixsubprocess` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("_posixsubprocess");
    strand_interp::native_module::add_functions(
        &m,
        "_posixsubprocess",
        &[("fork_exec", f_fork_exec)],
    );
    m
}
