//! The `faulthandler` module (Modules/faulthandler.c's behaviour): Python tracebacks
//! on demand, after a timeout, and a report when the process dies of a fatal signal.
//!
//! - `dump_traceback(file=sys.stderr, all_threads=True)` writes the traceback of the
//!   calling thread, or of every thread, in CPython's format (`Current thread 0x...
//!   (most recent call first):` then `  File "f.py", line 3 in func` lines, innermost
//!   first, at most 100 frames, strings cut at 500 characters). It walks the frames
//!   the way `sys._current_frames()` does, with the world stopped.
//! - `dump_traceback_later(timeout, repeat=False, file=sys.stderr, exit=False)` starts
//!   a watchdog thread (a Python thread that waits detached, so it never holds up a
//!   stop-the-world pause) which, after `timeout` seconds, writes `Timeout
//!   (H:MM:SS)!` and every other thread's traceback, then calls `_exit(1)` if `exit`,
//!   and starts over if `repeat`. `cancel_dump_traceback_later()` stops it.
//! - `enable(file=sys.stderr, all_threads=True)` installs handlers for SIGSEGV,
//!   SIGFPE, SIGABRT, SIGBUS and SIGILL that write `Fatal Python error: Segmentation
//!   fault` (and so on) to the file's descriptor, restore the previous handler and
//!   raise the signal again, as CPython does. The report has the traceback of the
//!   thread the signal hit (`strand_interp::fatal_traceback`: only `write(2)` and
//!   reads of that thread's own frame chain, as safe as CPython's dump and no safer).
//!   **Limits:** other threads' frames are not written (`all_threads` only changes
//!   the header from "Stack" to "Current thread 0x..."): their chains may be changing
//!   under the handler. No alternate signal stack is set up, so a crash from a stack
//!   overflow dies without the report.
//!
//! The test helpers `_sigsegv(release_gil=False)`, `_sigabrt()` and `_sigfpe()` raise
//! the signal in the calling thread (core dumps off first, as CPython does).
//!
//! Left out: `register`/`unregister` (tracebacks on user signals, which CPython also
//! writes from the signal handler), `_read_null`, `_fatal_error` and the other crash
//! helpers.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{overflow_error, runtime_error, type_error, value_error};
use strand_objects::{dict, float, int, module, singletons, str as pystr, tuple, PyObj, PyResult};

use strand_interp::native_module::add_functions;

/// The most frames written per thread (CPython's `MAX_FRAME_DEPTH`).
const MAX_FRAME_DEPTH: usize = 100;
/// The longest string written (CPython's `MAX_STRING_LENGTH`); longer ones end "...".
const MAX_STRING_LENGTH: usize = 500;

/// The fatal signals `enable` handles, with the names the report gives them (in
/// CPython's order).
const FATAL_SIGNALS: [(libc::c_int, &str); 5] = [
    (libc::SIGBUS, "Bus error"),
    (libc::SIGILL, "Illegal instruction"),
    (libc::SIGFPE, "Floating point exception"),
    (libc::SIGABRT, "Aborted"),
    (libc::SIGSEGV, "Segmentation fault"),
];

/// The descriptor the fatal-signal report goes to; -1 while disabled.
static FATAL_FD: AtomicI32 = AtomicI32::new(-1);
/// `enable`'s `all_threads`: the report's header names the thread ("Current thread
/// 0x...") instead of "Stack".
static FATAL_ALL_THREADS: AtomicBool = AtomicBool::new(true);
/// Whether the fatal-signal handlers are installed.
static ENABLED: AtomicBool = AtomicBool::new(false);
/// Serialises `enable`/`disable` and owns the file object the report goes to (kept
/// alive while enabled, as CPython keeps it).
static FATAL_FILE: Mutex<Option<PyObj>> = Mutex::new(None);

/// The handlers `enable` replaced, restored by `disable` and by the handler itself.
struct PreviousHandlers(UnsafeCell<[Option<libc::sigaction>; 5]>);

// SAFETY: written only by `enable` while holding FATAL_FILE's lock and before the
// corresponding handler is installed; read by `disable` (same lock) and by the
// handler, which only runs after the write completed.
unsafe impl Sync for PreviousHandlers {}

static PREVIOUS: PreviousHandlers = PreviousHandlers(UnsafeCell::new([None; 5]));

/// Writes all of `bytes` to `fd` with `write(2)` (async-signal-safe).
fn write_fd(fd: libc::c_int, bytes: &[u8]) {
    let mut rest = bytes;
    while !rest.is_empty() {
        // SAFETY: `rest` is a valid buffer of `rest.len()` bytes.
        let n = unsafe { libc::write(fd, rest.as_ptr().cast(), rest.len()) };
        if n <= 0 {
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        rest = &rest[n as usize..];
    }
}

/// `value` as 16 lower-case hex digits after "0x", without allocating.
fn hex16(value: u64) -> [u8; 18] {
    let mut out = [b'0'; 18];
    out[1] = b'x';
    for i in 0..16 {
        let nibble = ((value >> ((15 - i) * 4)) & 0xf) as u8;
        out[2 + i] = if nibble < 10 {
            b'0' + nibble
        } else {
            b'a' + nibble - 10
        };
    }
    out
}

/// The fatal-signal handler: writes the report, puts the previous handler back and
/// raises the signal again so that it does what it would have done (CPython's
/// `faulthandler_fatal_error`). Only async-signal-safe calls.
extern "C" fn fatal_handler(signum: libc::c_int) {
    let Some(i) = FATAL_SIGNALS.iter().position(|&(s, _)| s == signum) else {
        return;
    };
    // SAFETY: errno is thread-local; reading it is async-signal-safe.
    let saved_errno = unsafe { *libc::__errno_location() };
    let fd = FATAL_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        write_fd(fd, b"Fatal Python error: ");
        write_fd(fd, FATAL_SIGNALS[i].1.as_bytes());
        if FATAL_ALL_THREADS.load(Ordering::SeqCst) {
            write_fd(fd, b"\n\nCurrent thread ");
            // SAFETY: pthread_self is async-signal-safe in practice (reads the thread
            // pointer).
            write_fd(fd, &hex16(unsafe { libc::pthread_self() } as u64));
            write_fd(fd, b" (most recent call first):\n");
        } else {
            write_fd(fd, b"\n\nStack (most recent call first):\n");
        }
        strand_interp::fatal_traceback::write_current_thread(fd);
    }
    // SAFETY: the slot was written before this handler was installed (see
    // PreviousHandlers); sigaction and raise are async-signal-safe.
    unsafe {
        match &(*PREVIOUS.0.get())[i] {
            Some(prev) => {
                libc::sigaction(signum, prev, std::ptr::null_mut());
            }
            None => {
                libc::signal(signum, libc::SIG_DFL);
            }
        }
        *libc::__errno_location() = saved_errno;
        libc::raise(signum);
        // A previous handler that only resets the default action and returns (the
        // Rust runtime's stack-guard handler does, expecting the faulting instruction
        // to fault again) leaves a raised signal handled: raise it once more.
        let mut now: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(signum, std::ptr::null(), &mut now) == 0
            && now.sa_sigaction == libc::SIG_DFL
        {
            libc::raise(signum);
        }
    }
}

/// The `file` argument as a descriptor, CPython's `faulthandler_get_fileno`: `None`
/// or absent means `sys.stderr`; an int is a descriptor; anything else must have
/// `fileno()` (and is flushed). Also returns the file object to keep alive.
fn file_fd(file: Option<&PyObj>) -> PyResult<(libc::c_int, Option<PyObj>)> {
    let file = match file.filter(|f| !singletons::is_none(f)) {
        Some(f) => f.clone(),
        None => {
            let sys = import("sys")?;
            let err = ab::getattr_str(&sys, "stderr")
                .map_err(|_| runtime_error("unable to get sys.stderr"))?;
            if singletons::is_none(&err) {
                return Err(runtime_error("sys.stderr is None"));
            }
            err
        }
    };
    if int::is_int(&file) {
        let fd = int::to_isize(&file).unwrap_or(-1);
        if fd < 0 || fd > i32::MAX as isize {
            return Err(value_error("file is not a valid file descripter"));
        }
        return Ok((fd as libc::c_int, None));
    }
    let n = ab::call_method(&file, "fileno", &[])?;
    if !int::is_int(&n) {
        return Err(runtime_error(
            "file.fileno() is not a valid file descriptor",
        ));
    }
    let fd = int::to_isize(&n).unwrap_or(-1);
    if fd < 0 || fd > i32::MAX as isize {
        return Err(runtime_error(
            "file.fileno() is not a valid file descriptor",
        ));
    }
    // Errors of flush() are ignored, as in CPython.
    let _ = ab::call_method(&file, "flush", &[]);
    Ok((fd as libc::c_int, Some(file)))
}

fn import(name: &str) -> PyResult<PyObj> {
    strand_interp::import::import(
        &pystr::new(name),
        &dict::new(),
        &tuple::empty(),
        &int::from_i64(0),
    )
}

/// `s` as CPython's `_Py_DumpASCII` writes it: ASCII printable characters as they
/// are, others as `\xNN`, `\uNNNN` or `\UNNNNNNNN`, cut at 500 characters with "...".
fn push_ascii(out: &mut String, s: &str) {
    for (n, c) in s.chars().enumerate() {
        if n == MAX_STRING_LENGTH {
            out.push_str("...");
            return;
        }
        let v = c as u32;
        if (0x20..0x7f).contains(&v) {
            out.push(c);
        } else if v < 0x100 {
            out.push_str(&format!("\\x{v:02x}"));
        } else if v < 0x10000 {
            out.push_str(&format!("\\u{v:04x}"));
        } else {
            out.push_str(&format!("\\U{v:08x}"));
        }
    }
}

/// The frame lines of a thread whose innermost frame is `frame` (`None`: no frame),
/// innermost first (CPython's `dump_traceback`).
fn dump_frames(out: &mut String, frame: Option<PyObj>) -> PyResult<()> {
    let Some(mut f) = frame.filter(|f| !singletons::is_none(f)) else {
        out.push_str("  <no Python frame>\n");
        return Ok(());
    };
    let mut depth = 0;
    loop {
        if depth >= MAX_FRAME_DEPTH {
            out.push_str("  ...\n");
            break;
        }
        let code = ab::getattr_str(&f, "f_code")?;
        let filename = ab::getattr_str(&code, "co_filename")?;
        let name = ab::getattr_str(&code, "co_name")?;
        let line = ab::getattr_str(&f, "f_lineno")?;
        out.push_str("  File \"");
        if pystr::is_str(&filename) {
            push_ascii(out, pystr::as_str(&filename));
        } else {
            out.push_str("???");
        }
        out.push_str("\", line ");
        match int::is_int(&line)
            .then(|| int::to_isize(&line).ok())
            .flatten()
        {
            Some(n) if n >= 0 => out.push_str(&n.to_string()),
            _ => out.push_str("???"),
        }
        out.push_str(" in ");
        if pystr::is_str(&name) {
            push_ascii(out, pystr::as_str(&name));
        } else {
            out.push_str("???");
        }
        out.push('\n');
        depth += 1;
        let back = ab::getattr_str(&f, "f_back")?;
        if singletons::is_none(&back) {
            break;
        }
        f = back;
    }
    Ok(())
}

/// The traceback text: every thread (the calling one marked "Current thread") when
/// `all_threads`, else the calling thread's "Stack". `skip` is a thread ident left out
/// (the watchdog's own); `current` false labels every thread "Thread" (the watchdog
/// is nobody's current thread).
fn traceback_text(all_threads: bool, skip: Option<u64>, current: bool) -> PyResult<String> {
    let sys = import("sys")?;
    let me = strand_interp::thread_ident::get_ident();
    let mut out = String::new();
    if !all_threads {
        out.push_str("Stack (most recent call first):\n");
        let f = ab::call(&ab::getattr_str(&sys, "_getframe")?, &[], None)?;
        dump_frames(&mut out, Some(f))?;
        return Ok(out);
    }
    let frames = ab::call(&ab::getattr_str(&sys, "_current_frames")?, &[], None)?;
    let mut threads: Vec<(u64, PyObj)> = Vec::new();
    for (k, v) in dict::items(&frames) {
        let ident = int::to_isize(&k).map_or(0, |v| v as u64);
        if Some(ident) != skip && ident != me {
            threads.push((ident, v));
        }
    }
    // Newest thread first and the caller's (usually the main thread, the oldest)
    // last, as CPython's thread list has them.
    threads.sort_by_key(|t| std::cmp::Reverse(t.0));
    let mut first = true;
    for (ident, frame) in threads {
        if !first {
            out.push('\n');
        }
        first = false;
        out.push_str("Thread ");
        out.push_str(std::str::from_utf8(&hex16(ident)).unwrap_or("0x?"));
        out.push_str(" (most recent call first):\n");
        dump_frames(&mut out, Some(frame))?;
    }
    if Some(me) != skip {
        if !first {
            out.push('\n');
        }
        out.push_str(if current {
            "Current thread "
        } else {
            "Thread "
        });
        out.push_str(std::str::from_utf8(&hex16(me)).unwrap_or("0x?"));
        out.push_str(" (most recent call first):\n");
        let f = ab::call(&ab::getattr_str(&sys, "_getframe")?, &[], None)?;
        dump_frames(&mut out, Some(f))?;
    }
    Ok(out)
}

/// `all_threads`-style flag arguments: any object's truth value.
fn flag(x: Option<&PyObj>, default: bool) -> PyResult<bool> {
    match x {
        Some(x) => ab::is_true(x),
        None => Ok(default),
    }
}

fn dump_traceback(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("dump_traceback", 0, &["file", "all_threads"], 0)?;
    let (fd, _file) = file_fd(b[0])?;
    let all = flag(b[1], true)?;
    let text = traceback_text(all, None, true)?;
    write_fd(fd, text.as_bytes());
    Ok(singletons::none())
}

fn enable(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("enable", 0, &["file", "all_threads"], 0)?;
    let (fd, file) = file_fd(b[0])?;
    FATAL_ALL_THREADS.store(flag(b[1], true)?, Ordering::SeqCst);
    let mut keep = FATAL_FILE.lock().unwrap_or_else(|e| e.into_inner());
    *keep = file;
    FATAL_FD.store(fd, Ordering::SeqCst);
    if !ENABLED.swap(true, Ordering::SeqCst) {
        for (i, &(signum, _)) in FATAL_SIGNALS.iter().enumerate() {
            // SAFETY: a zeroed sigaction is a valid value to fill in; the handler is an
            // `extern "C" fn(c_int)`; PREVIOUS[i] is written before the new handler is
            // installed and while FATAL_FILE's lock is held (see PreviousHandlers).
            unsafe {
                let mut act: libc::sigaction = std::mem::zeroed();
                act.sa_sigaction = fatal_handler as extern "C" fn(libc::c_int) as usize;
                act.sa_flags = libc::SA_NODEFER;
                libc::sigemptyset(&mut act.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signum, std::ptr::null(), &mut old) == 0 {
                    (*PREVIOUS.0.get())[i] = Some(old);
                    libc::sigaction(signum, &act, std::ptr::null_mut());
                }
            }
        }
    }
    Ok(singletons::none())
}

/// Puts the replaced fatal-signal handlers back; whether they were installed.
fn disable_handlers() -> bool {
    let mut keep = FATAL_FILE.lock().unwrap_or_else(|e| e.into_inner());
    if !ENABLED.swap(false, Ordering::SeqCst) {
        return false;
    }
    for (i, &(signum, _)) in FATAL_SIGNALS.iter().enumerate() {
        // SAFETY: the lock is held; the saved action came from sigaction itself.
        unsafe {
            if let Some(prev) = (*PREVIOUS.0.get())[i].take() {
                libc::sigaction(signum, &prev, std::ptr::null_mut());
            }
        }
    }
    FATAL_FD.store(-1, Ordering::SeqCst);
    *keep = None;
    true
}

/// The pending `dump_traceback_later`, if any.
struct Watchdog {
    /// Bumped by every (re)start and cancel: a watchdog whose number is stale exits.
    generation: u64,
    timeout: Duration,
    repeat: bool,
    exit: bool,
    fd: libc::c_int,
    /// The file object, kept alive while the watchdog may write to it.
    _file: Option<PyObj>,
}

static WATCHDOG: Mutex<Option<Watchdog>> = Mutex::new(None);
static WATCHDOG_CV: Condvar = Condvar::new();
static WATCHDOG_GENERATION: AtomicU64 = AtomicU64::new(0);

/// "Timeout (H:MM:SS)!" or with microseconds, CPython's `format_timeout`.
fn timeout_header(t: Duration) -> String {
    let secs = t.as_secs();
    let us = t.subsec_micros();
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if us != 0 {
        format!("Timeout ({h}:{m:02}:{s:02}.{us:06})!\n")
    } else {
        format!("Timeout ({h}:{m:02}:{s:02})!\n")
    }
}

/// The watchdog thread's body (started through `_thread.start_new_thread`).
fn watchdog_main(a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let generation = a
        .first()
        .and_then(|g| int::to_isize(g).ok())
        .map_or(0, |v| v as u64);
    let me = strand_interp::thread_ident::get_ident();
    loop {
        // Wait detached, so a stop-the-world pause never waits for this thread.
        let fire = strand_heap::with_detached(|| {
            let mut w = WATCHDOG.lock().unwrap_or_else(|e| e.into_inner());
            let timeout = w
                .as_ref()
                .filter(|w| w.generation == generation)
                .map(|w| w.timeout)?;
            let deadline = Instant::now() + timeout;
            loop {
                let current = w.as_ref().filter(|w| w.generation == generation)?;
                let now = Instant::now();
                if now >= deadline {
                    return Some((current.fd, current.repeat, current.exit, current.timeout));
                }
                w = WATCHDOG_CV
                    .wait_timeout(w, deadline - now)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        });
        let Some((fd, repeat, exit, timeout)) = fire else {
            return Ok(singletons::none());
        };
        let mut text = timeout_header(timeout);
        match traceback_text(true, Some(me), false) {
            Ok(t) => text.push_str(&t),
            Err(_) => text.push_str("<failed to read the tracebacks>\n"),
        }
        write_fd(fd, text.as_bytes());
        if exit {
            // SAFETY: _exit ends the process at once, as CPython's watchdog does.
            unsafe { libc::_exit(1) };
        }
        if !repeat {
            let mut w = WATCHDOG.lock().unwrap_or_else(|e| e.into_inner());
            if w.as_ref().is_some_and(|w| w.generation == generation) {
                *w = None;
            }
            return Ok(singletons::none());
        }
    }
}

fn cancel_watchdog() {
    let old = {
        let mut w = WATCHDOG.lock().unwrap_or_else(|e| e.into_inner());
        w.take()
    };
    WATCHDOG_CV.notify_all();
    drop(old);
}

fn dump_traceback_later(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind(
        "dump_traceback_later",
        0,
        &["timeout", "repeat", "file", "exit"],
        1,
    )?;
    let t = b[0].expect("timeout is required");
    if !int::is_int(t) && !t.is_instance_of(&float::FLOAT_TYPE) {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer or float",
            t.ty().name()
        )));
    }
    let secs = ab::as_f64(t)?;
    if secs.is_nan() {
        return Err(value_error("Invalid value NaN (not a number)"));
    }
    let us = (secs * 1e6).round();
    if us > i64::MAX as f64 / 1000.0 || us.is_infinite() {
        return Err(overflow_error("timeout value is too large"));
    }
    if us <= 0.0 {
        return Err(value_error("timeout must be greater than 0"));
    }
    let repeat = flag(b[1], false)?;
    let (fd, file) = file_fd(b[2])?;
    let exit = flag(b[3], false)?;
    let generation = WATCHDOG_GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
    cancel_watchdog();
    *WATCHDOG.lock().unwrap_or_else(|e| e.into_inner()) = Some(Watchdog {
        generation,
        timeout: Duration::from_micros(us as u64),
        repeat,
        exit,
        fd,
        _file: file,
    });
    let thread = import("_thread")?;
    let body =
        strand_objects::descr::new_builtin_function("faulthandler_watchdog", watchdog_main, None);
    let started = ab::call(
        &ab::getattr_str(&thread, "start_new_thread")?,
        &[
            body,
            tuple::from_vec(vec![int::from_i128(i128::from(generation))]),
        ],
        None,
    );
    if let Err(e) = started {
        cancel_watchdog();
        return Err(e);
    }
    Ok(singletons::none())
}

/// Turns core dumps off before a deliberate crash (CPython's
/// `faulthandler_suppress_crash_report`).
fn suppress_crash_report() {
    let mut rl = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `rl` is a valid rlimit for getrlimit to fill and setrlimit to read.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_CORE, &mut rl) == 0 {
            rl.rlim_cur = 0;
            libc::setrlimit(libc::RLIMIT_CORE, &rl);
        }
    }
}

/// `_sigsegv`/`_sigabrt`/`_sigfpe`: raises `signum` in the calling thread.
fn crash_with(signum: libc::c_int) -> PyResult<PyObj> {
    suppress_crash_report();
    // SAFETY: raising a signal in this thread; what it does is the point. A previous
    // handler that only resets the default action and returns (the Rust runtime's
    // stack-guard handler) leaves the process alive: raise once more then.
    unsafe {
        libc::raise(signum);
        let mut now: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(signum, std::ptr::null(), &mut now) == 0
            && now.sa_sigaction == libc::SIG_DFL
        {
            libc::raise(signum);
        }
    }
    Ok(singletons::none())
}

/// Whether `-X faulthandler`, `-X dev`, or (without `-E`) a non-empty
/// PYTHONFAULTHANDLER or PYTHONDEVMODE asks for the fatal-signal handlers. CPython
/// installs them at startup; strand does when the module is first imported.
fn enabled_at_startup() -> bool {
    let Ok(sys) = import("sys") else {
        return false;
    };
    if let Ok(x) = ab::getattr_str(&sys, "_xoptions") {
        if dict::is_dict(&x)
            && (dict::get_item_str(&x, "faulthandler").is_some()
                || dict::get_item_str(&x, "dev").is_some())
        {
            return true;
        }
    }
    let ignore_env = ab::getattr_str(&sys, "flags")
        .and_then(|f| ab::getattr_str(&f, "ignore_environment"))
        .and_then(|v| ab::is_true(&v))
        .unwrap_or(false);
    !ignore_env
        && ["PYTHONFAULTHANDLER", "PYTHONDEVMODE"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// Builds the `faulthandler` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("faulthandler");
    if enabled_at_startup() && !ENABLED.load(Ordering::SeqCst) {
        // As `python -X faulthandler` / PYTHONFAULTHANDLER do; an unusable
        // sys.stderr leaves it off.
        let _ = enable(&[], None);
    }
    add_functions(
        &m,
        "faulthandler",
        &[
            ("dump_traceback", dump_traceback),
            ("enable", enable),
            ("disable", |a, k| {
                Args::new(a, k).no_kwargs("disable")?;
                if !a.is_empty() {
                    return Err(type_error(format!(
                        "faulthandler.disable() takes no arguments ({} given)",
                        a.len()
                    )));
                }
                Ok(int::bool_obj(disable_handlers()))
            }),
            ("is_enabled", |a, k| {
                Args::new(a, k).no_kwargs("is_enabled")?;
                if !a.is_empty() {
                    return Err(type_error(format!(
                        "faulthandler.is_enabled() takes no arguments ({} given)",
                        a.len()
                    )));
                }
                Ok(int::bool_obj(ENABLED.load(Ordering::SeqCst)))
            }),
            ("dump_traceback_later", dump_traceback_later),
            ("_sigsegv", |a, k| {
                let b = Args::new(a, k).bind("_sigsegv", 0, &["release_gil"], 0)?;
                flag(b[0], false)?;
                crash_with(libc::SIGSEGV)
            }),
            ("_sigabrt", |a, k| {
                Args::new(a, k).expect_fn("_sigabrt", 0, 0)?;
                suppress_crash_report();
                // SAFETY: aborting the process is this helper's purpose.
                unsafe { libc::abort() }
            }),
            ("_sigfpe", |a, k| {
                Args::new(a, k).expect_fn("_sigfpe", 0, 0)?;
                crash_with(libc::SIGFPE)
            }),
            ("cancel_dump_traceback_later", |a, k| {
                Args::new(a, k).no_kwargs("cancel_dump_traceback_later")?;
                if !a.is_empty() {
                    return Err(type_error(format!(
                        "faulthandler.cancel_dump_traceback_later() takes no arguments ({} given)",
                        a.len()
                    )));
                }
                WATCHDOG_GENERATION.fetch_add(1, Ordering::SeqCst);
                cancel_watchdog();
                Ok(singletons::none())
            }),
        ],
    );
    m
}
