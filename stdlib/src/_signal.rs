//! The `_signal` module (CPython's Modules/signalmodule.c): Python-level signal
//! handlers (`signal`, `getsignal`, `default_int_handler`, `SIG_DFL`, `SIG_IGN`),
//! `raise_signal`, `alarm`, `pause`, `setitimer`/`getitimer` (`ItimerError`),
//! `pthread_sigmask`, `pthread_kill`, `sigpending`, `sigwait`, `siginterrupt`,
//! `set_wakeup_fd`, `strsignal`, `valid_signals` and the `SIG*`/`ITIMER_*`
//! constants.
//!
//! A signal with a Python handler is caught by a watcher thread (signal-hook), which
//! writes its number to the wakeup descriptor if one is set and hands it to the
//! interpreter ([`strand_interp::signals::trip`]); the interpreter runs this
//! module's dispatcher on the main thread at its next safe point or blocking wait,
//! which calls the handler with `(signum, None)` (strand has no frame objects yet).
//! SIGINT keeps the interpreter's own watcher and reaches the same dispatcher, so
//! `default_int_handler` raises `KeyboardInterrupt` as before. `SIG_IGN`/`SIG_DFL`
//! set the C disposition of a signal no handler was ever given; for a caught one
//! the dispatcher ignores it or performs the default action.
//!
//! Not provided: `sigwaitinfo`, `sigtimedwait`, `struct_siginfo` and
//! `pidfd_send_signal`.

use std::sync::atomic::{AtomicI32, AtomicU8, Ordering::SeqCst};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{
    dict, float, int, module, set, singletons, str as pystr, tuple, PyObj, PyResult,
};

use crate::modsupport::{self, add_int, Leaked};
use strand_interp::native_module::add_functions;
use strand_interp::signals;

/// Signal numbers run from 1 to `NSIG - 1`.
const NSIG: i32 = 65;

/// The Python-level handler of each signal (`None`: not yet looked at).
static HANDLERS: Mutex<Vec<Option<PyObj>>> = Mutex::new(Vec::new());

/// The signals the watcher thread catches.
static HOOKED: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// The watcher's handle, for adding signals.
static WATCHER: OnceLock<signal_hook::iterator::Handle> = OnceLock::new();

/// `set_wakeup_fd`'s descriptor (-1: none).
static WAKEUP_FD: AtomicI32 = AtomicI32::new(-1);

/// What the watcher does with each hooked signal when it arrives, as the Python-level
/// handler is now: [`ARRIVAL_DEFAULT`], [`ARRIVAL_IGNORE`] or [`ARRIVAL_PYTHON`]
/// (the handler table itself is Python objects, which the watcher thread, not
/// attached to the runtime, does not read).
static ARRIVAL: [AtomicU8; NSIG as usize] =
    [const { AtomicU8::new(ARRIVAL_DEFAULT) }; NSIG as usize];
/// `SIG_DFL`: the default action, taken by the watcher (the C disposition stays
/// hooked once signal-hook caught the signal).
const ARRIVAL_DEFAULT: u8 = 0;
/// `SIG_IGN`.
const ARRIVAL_IGNORE: u8 = 1;
/// A Python handler: tripped for the main thread.
const ARRIVAL_PYTHON: u8 = 2;

fn os_error() -> strand_objects::PyErr {
    exc::from_io_error(&std::io::Error::last_os_error(), None)
}

fn default_int_handler_fn(a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let _ = a;
    Err(strand_objects::PyErr::with_args(
        &exc::KEYBOARD_INTERRUPT_TYPE,
        Vec::new(),
    ))
}

fn default_int_handler() -> PyObj {
    static H: Leaked = Leaked::new();
    H.get_or_init(|| {
        let f = strand_objects::descr::new_builtin_function(
            "default_int_handler",
            default_int_handler_fn,
            None,
        );
        strand_objects::descr::set_builtin_module(&f, pystr::intern("_signal"));
        f
    })
}

fn itimer_error() -> PyObj {
    static E: Leaked = Leaked::new();
    E.get_or_init(|| {
        modsupport::new_exception_class("signal", "itimer_error", &[exc::OS_ERROR_TYPE.to_obj()])
    })
}

/// The C disposition of `signum`: 0 default, 1 ignored, 2 caught.
fn disposition(signum: i32) -> i64 {
    // SAFETY: sigaction with a null new action only reads the current one into a
    // zeroed, properly sized struct.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(signum, std::ptr::null(), &mut old) != 0 {
            return 0;
        }
        match old.sa_sigaction {
            libc::SIG_IGN => 1,
            libc::SIG_DFL => 0,
            _ => 2,
        }
    }
}

/// The handler recorded for `signum`, initialised from the C disposition as
/// CPython does at start-up (SIGINT: `default_int_handler` unless ignored).
fn handler_of(signum: i32) -> PyObj {
    let mut h = modsupport::lock(&HANDLERS);
    if h.is_empty() {
        h.resize(NSIG as usize, None);
    }
    h[signum as usize]
        .get_or_insert_with(|| match disposition(signum) {
            1 => int::from_i64(1),
            _ if signum == libc::SIGINT => default_int_handler(),
            _ => int::from_i64(0),
        })
        .clone()
}

fn signum_arg(o: &PyObj) -> PyResult<i32> {
    if !int::is_int(o) && o.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            o.ty().name()
        )));
    }
    let v = int::as_i64(&ab::index(o)?).unwrap_or(-1);
    if !(1..i64::from(NSIG)).contains(&v) {
        return Err(value_error("signal number out of range"));
    }
    Ok(v as i32)
}

/// Runs the Python-level handler of `signum` (the interpreter calls this on the
/// main thread). A signal that arrived while a Python handler was installed and finds
/// `SIG_DFL` or `SIG_IGN` now (the handler was replaced in between) is reported as
/// CPython reports it: an unraisable `OSError: Signal N ignored due to race
/// condition`, never the default action. SIGINT reaching the interpreter's own
/// watcher with `SIG_DFL` ends the process as SIGINT does.
fn dispatch(signum: i32) -> PyResult<()> {
    let h = handler_of(signum);
    if int::is_int(&h) {
        if signum == libc::SIGINT && int::as_i64(&h) == Some(0) {
            signals::exit_by_sigint();
        }
        let e = strand_objects::PyErr::new(
            &exc::OS_ERROR_TYPE,
            format!("Signal {signum} ignored due to race condition"),
        );
        strand_objects::unraisable::write_unraisable(&e, &singletons::none());
        return Ok(());
    }
    ab::call(
        &h,
        &[int::from_i64(i64::from(signum)), singletons::none()],
        None,
    )?;
    Ok(())
}

/// Whether `signum` has a Python handler (neither `SIG_DFL` nor `SIG_IGN`); if so,
/// makes sure the interpreter hands tripped signals to it, as `_thread.interrupt_main`
/// needs before it simulates the signal.
pub fn prepare_simulated(signum: i32) -> bool {
    if int::is_int(&handler_of(signum)) {
        return false;
    }
    signals::set_dispatcher(dispatch);
    true
}

/// Starts the watcher thread (once) and makes it catch `signum`.
fn hook(signum: i32) -> PyResult<()> {
    if modsupport::lock(&HOOKED).contains(&signum) {
        return Ok(());
    }
    if WATCHER.get().is_none() {
        let mut sigs = signal_hook::iterator::Signals::new(std::iter::empty::<i32>())
            .map_err(|e| exc::from_io_error(&e, None))?;
        let handle = sigs.handle();
        if WATCHER.set(handle).is_ok() {
            signals::set_dispatcher(dispatch);
            std::thread::Builder::new()
                .name("strand-signal-watcher".into())
                .spawn(move || {
                    for sig in sigs.forever() {
                        match ARRIVAL[sig as usize].load(SeqCst) {
                            ARRIVAL_IGNORE => continue,
                            ARRIVAL_DEFAULT => {
                                let _ = signal_hook::low_level::emulate_default_handler(sig);
                                continue;
                            }
                            _ => {}
                        }
                        // Tripped before the wakeup byte is written, as CPython's
                        // trip_signal: whoever wakes up on the descriptor finds the
                        // signal pending.
                        signals::trip(sig);
                        let fd = WAKEUP_FD.load(SeqCst);
                        if fd >= 0 {
                            let b = [sig as u8];
                            // SAFETY: writing one byte from a live buffer; errors
                            // (a full pipe) are ignored, as CPython can warn only.
                            unsafe { libc::write(fd, b.as_ptr().cast(), 1) };
                        }
                    }
                })
                .map_err(|e| exc::from_io_error(&e, None))?;
        }
    }
    let handle = WATCHER.get().expect("the watcher was just started");
    handle
        .add_signal(signum)
        .map_err(|_| exc::os_error_for(i64::from(libc::EINVAL), "Invalid argument", None))?;
    modsupport::lock(&HOOKED).push(signum);
    Ok(())
}

fn f_signal(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("signal", 2, 2)?;
    let signum = signum_arg(&a[0])?;
    let handler = &a[1];
    if !signals::is_main_thread() {
        return Err(value_error(
            "signal only works in main thread of the main interpreter",
        ));
    }
    let special = if int::is_int(handler) {
        match int::as_i64(handler) {
            Some(v @ (0 | 1)) => Some(v),
            _ => None,
        }
    } else {
        None
    };
    if special.is_none() && handler.ty().slots().call.is_none() {
        return Err(type_error(
            "signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object",
        ));
    }
    signals::set_dispatcher(dispatch);
    let caught_by_us = modsupport::lock(&HOOKED).contains(&signum);
    let interp_watches = signum == libc::SIGINT && disposition(libc::SIGINT) == 2;
    // Before the watcher may see the signal.
    ARRIVAL[signum as usize].store(
        match special {
            Some(1) => ARRIVAL_IGNORE,
            Some(_) => ARRIVAL_DEFAULT,
            None => ARRIVAL_PYTHON,
        },
        SeqCst,
    );
    match special {
        Some(v) if !caught_by_us && !interp_watches => {
            let action = if v == 1 { libc::SIG_IGN } else { libc::SIG_DFL };
            // SAFETY: setting a standard disposition.
            if unsafe { libc::signal(signum, action) } == libc::SIG_ERR {
                return Err(os_error());
            }
        }
        Some(_) => {}
        None => {
            if matches!(signum, libc::SIGKILL | libc::SIGSTOP) {
                return Err(exc::os_error_for(
                    i64::from(libc::EINVAL),
                    "Invalid argument",
                    None,
                ));
            }
            if !interp_watches {
                hook(signum)?;
            }
        }
    }
    let old = handler_of(signum);
    modsupport::lock(&HANDLERS)[signum as usize] = Some(handler.clone());
    Ok(old)
}

fn f_getsignal(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getsignal", 1, 1)?;
    Ok(handler_of(signum_arg(&a[0])?))
}

/// Waits (detached, in slices) until a signal is pending for the main thread, at
/// most `limit`.
fn wait_for_signal(limit: Option<Duration>) {
    let deadline = limit.map(|l| Instant::now() + l);
    while !signals::interrupt_pending() {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return;
        }
        strand_heap::with_detached(|| std::thread::sleep(Duration::from_millis(1)));
    }
}

fn f_raise_signal(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("raise_signal", 1, 1)?;
    let signum = signum_arg(&a[0])?;
    // SAFETY: raise takes a signal number checked to be in range.
    if unsafe { libc::raise(signum) } != 0 {
        return Err(os_error());
    }
    await_own_signal(signum);
    signals::check_interrupt()?;
    Ok(singletons::none())
}

/// After this process sent itself `signum` (`raise_signal`, `os.kill(os.getpid(),
/// ...)`): the watcher thread delivers a caught signal asynchronously, so on the main
/// thread this waits (up to a second) until it has reached the interpreter, and the
/// caller's `check_interrupt` runs the handler before the call returns, as CPython's
/// `PyErr_CheckSignals` does there. A signal with no Python handler returns at once.
pub(crate) fn await_own_signal(signum: i32) {
    let caught = modsupport::lock(&HOOKED).contains(&signum)
        || (signum == libc::SIGINT && disposition(signum) == 2);
    if caught && signals::is_main_thread() {
        wait_for_signal(Some(Duration::from_secs(1)));
    }
}

fn f_pause(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("pause", 0, 0)?;
    wait_for_signal(None);
    signals::check_interrupt()?;
    Ok(singletons::none())
}

fn f_alarm(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("alarm", 1, 1)?;
    let secs = int::to_isize(&ab::index(&a[0])?)?;
    // SAFETY: alarm takes a plain count.
    let old = unsafe { libc::alarm(secs.max(0) as libc::c_uint) };
    Ok(int::from_i64(i64::from(old)))
}

fn f_strsignal(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("strsignal", 1, 1)?;
    let signum = signum_arg(&a[0])?;
    // SAFETY: strsignal returns a string valid until the next call; copied at once.
    let p = unsafe { libc::strsignal(signum) };
    if p.is_null() {
        return Ok(singletons::none());
    }
    // SAFETY: a NUL-terminated string from the C library.
    let s = unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned();
    if s.contains("Unknown signal") {
        return Ok(singletons::none());
    }
    Ok(pystr::from_string(s))
}

fn sigset_to_py(set: &libc::sigset_t) -> PyResult<PyObj> {
    let out = set::new_set();
    for sig in 1..NSIG {
        // SAFETY: `set` is an initialised sigset.
        if unsafe { libc::sigismember(set, sig) } == 1 {
            set::add(&out, int::from_i64(i64::from(sig)))?;
        }
    }
    Ok(out)
}

fn sigset_from_py(o: &PyObj) -> PyResult<libc::sigset_t> {
    // SAFETY: sigemptyset initialises the set.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::sigemptyset(&mut set) };
    for x in ab::collect_iter(o)? {
        let v = int::as_i64(&ab::index(&x)?).unwrap_or(-1);
        if !(1..i64::from(NSIG)).contains(&v) {
            return Err(value_error(format!(
                "signal number {v} out of range [1; {}]",
                NSIG - 1
            )));
        }
        // SAFETY: an initialised set and an in-range signal.
        unsafe { libc::sigaddset(&mut set, v as i32) };
    }
    Ok(set)
}

fn f_valid_signals(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("valid_signals", 0, 0)?;
    // SAFETY: sigfillset initialises the set.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::sigfillset(&mut set) };
    sigset_to_py(&set)
}

fn f_pthread_sigmask(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("pthread_sigmask", 2, 2)?;
    let how = int::to_isize(&ab::index(&a[0])?)? as libc::c_int;
    let set = sigset_from_py(&a[1])?;
    // SAFETY: `old` is filled by the call.
    let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: valid sets for the call.
    let rc = unsafe { libc::pthread_sigmask(how, &set, &mut old) };
    if rc != 0 {
        return Err(exc::from_io_error(
            &std::io::Error::from_raw_os_error(rc),
            None,
        ));
    }
    sigset_to_py(&old)
}

fn f_sigpending(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("sigpending", 0, 0)?;
    // SAFETY: `set` is filled by the call.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::sigpending(&mut set) } != 0 {
        return Err(os_error());
    }
    sigset_to_py(&set)
}

fn f_sigwait(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("sigwait", 1, 1)?;
    let set = sigset_from_py(&a[0])?;
    let mut sig: libc::c_int = 0;
    let (sp, gp) = (
        &set as *const libc::sigset_t as usize,
        &mut sig as *mut libc::c_int as usize,
    );
    // SAFETY: the set and result live across the call.
    let rc = strand_heap::with_detached(|| unsafe {
        libc::sigwait(sp as *const libc::sigset_t, gp as *mut libc::c_int)
    });
    if rc != 0 {
        return Err(exc::from_io_error(
            &std::io::Error::from_raw_os_error(rc),
            None,
        ));
    }
    Ok(int::from_i64(i64::from(sig)))
}

fn f_pthread_kill(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("pthread_kill", 2, 2)?;
    let tid = int::to_bigint(&ab::index(&a[0])?);
    let tid = u64::try_from(&tid)
        .map_err(|_| exc::overflow_error("Python int too large to convert to C unsigned long"))?;
    let sig = int::to_isize(&ab::index(&a[1])?)? as libc::c_int;
    // SAFETY: pthread_kill validates the thread id and signal.
    let rc = unsafe { libc::pthread_kill(tid as libc::pthread_t, sig) };
    if rc != 0 {
        return Err(exc::from_io_error(
            &std::io::Error::from_raw_os_error(rc),
            None,
        ));
    }
    signals::check_interrupt()?;
    Ok(singletons::none())
}

fn f_siginterrupt(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("siginterrupt", 2, 2)?;
    let signum = signum_arg(&a[0])?;
    let flag = ab::is_true(&a[1])?;
    extern "C" {
        fn siginterrupt(sig: libc::c_int, flag: libc::c_int) -> libc::c_int;
    }
    // SAFETY: an in-range signal and a flag.
    if unsafe { siginterrupt(signum, libc::c_int::from(flag)) } != 0 {
        return Err(os_error());
    }
    Ok(singletons::none())
}

fn f_set_wakeup_fd(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let b = args.bind("set_wakeup_fd", 0, &["fd", "warn_on_full_buffer"], 1)?;
    let fd = int::to_isize(&ab::index(b[0].expect("required"))?)? as libc::c_int;
    if !signals::is_main_thread() {
        return Err(value_error(
            "set_wakeup_fd only works in main thread of the main interpreter",
        ));
    }
    if fd != -1 {
        // SAFETY: F_GETFL reads the descriptor's flags.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if flags < 0 {
            return Err(os_error());
        }
        if flags & libc::O_NONBLOCK == 0 {
            return Err(value_error(format!(
                "the fd {fd} must be in non-blocking mode"
            )));
        }
    }
    Ok(int::from_i64(i64::from(WAKEUP_FD.swap(fd, SeqCst))))
}

fn timer_pair(v: &libc::itimerval) -> PyObj {
    let f = |t: libc::timeval| float::from_f64(t.tv_sec as f64 + t.tv_usec as f64 / 1e6);
    tuple::pair(f(v.it_value), f(v.it_interval))
}

fn to_timeval(s: f64) -> libc::timeval {
    let secs = s.trunc();
    libc::timeval {
        tv_sec: secs as libc::time_t,
        tv_usec: ((s - secs) * 1e6).round() as libc::suseconds_t,
    }
}

fn f_setitimer(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("setitimer", 2, 3)?;
    let which = int::to_isize(&ab::index(&a[0])?)? as libc::c_int;
    let delay = ab::as_f64(&a[1])?;
    let interval = match a.get(2) {
        Some(i) => ab::as_f64(i)?,
        None => 0.0,
    };
    let new = libc::itimerval {
        it_value: to_timeval(delay),
        it_interval: to_timeval(interval),
    };
    // SAFETY: `old` is filled by the call.
    let mut old: libc::itimerval = unsafe { std::mem::zeroed() };
    // SAFETY: valid timer values.
    if unsafe { libc::setitimer(which, &new, &mut old) } != 0 {
        return Err(modsupport::raise(
            &itimer_error(),
            std::io::Error::last_os_error().to_string(),
        ));
    }
    Ok(timer_pair(&old))
}

fn f_getitimer(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getitimer", 1, 1)?;
    let which = int::to_isize(&ab::index(&a[0])?)? as libc::c_int;
    // SAFETY: `v` is filled by the call.
    let mut v: libc::itimerval = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::getitimer(which, &mut v) } != 0 {
        let e = std::io::Error::last_os_error();
        let errno = e.raw_os_error().unwrap_or(0);
        let cls = itimer_error();
        return Err(strand_objects::exceptions::call_exception_class(
            &cls,
            &[
                int::from_i64(i64::from(errno)),
                pystr::from_string(strerror(errno)),
            ],
        ));
    }
    Ok(timer_pair(&v))
}

fn strerror(errno: i32) -> String {
    let s = std::io::Error::from_raw_os_error(errno).to_string();
    s.split(" (os error").next().unwrap_or(&s).to_string()
}

/// The `_signal` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("_signal");
    add_functions(
        &m,
        "_signal",
        &[
            ("signal", f_signal),
            ("getsignal", f_getsignal),
            ("raise_signal", f_raise_signal),
            ("pause", f_pause),
            ("alarm", f_alarm),
            ("strsignal", f_strsignal),
            ("valid_signals", f_valid_signals),
            ("pthread_sigmask", f_pthread_sigmask),
            ("pthread_kill", f_pthread_kill),
            ("sigpending", f_sigpending),
            ("sigwait", f_sigwait),
            ("siginterrupt", f_siginterrupt),
            ("set_wakeup_fd", f_set_wakeup_fd),
            ("setitimer", f_setitimer),
            ("getitimer", f_getitimer),
        ],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "default_int_handler", default_int_handler());
    dict::set_item_str(&d, "ItimerError", itimer_error());
    let consts: &[(&str, i64)] = &[
        ("SIG_DFL", 0),
        ("SIG_IGN", 1),
        ("NSIG", i64::from(NSIG)),
        ("SIG_BLOCK", i64::from(libc::SIG_BLOCK)),
        ("SIG_UNBLOCK", i64::from(libc::SIG_UNBLOCK)),
        ("SIG_SETMASK", i64::from(libc::SIG_SETMASK)),
        ("ITIMER_REAL", i64::from(libc::ITIMER_REAL)),
        ("ITIMER_VIRTUAL", i64::from(libc::ITIMER_VIRTUAL)),
        ("ITIMER_PROF", i64::from(libc::ITIMER_PROF)),
        ("SIGHUP", i64::from(libc::SIGHUP)),
        ("SIGINT", i64::from(libc::SIGINT)),
        ("SIGQUIT", i64::from(libc::SIGQUIT)),
        ("SIGILL", i64::from(libc::SIGILL)),
        ("SIGTRAP", i64::from(libc::SIGTRAP)),
        ("SIGABRT", i64::from(libc::SIGABRT)),
        ("SIGIOT", i64::from(libc::SIGIOT)),
        ("SIGBUS", i64::from(libc::SIGBUS)),
        ("SIGFPE", i64::from(libc::SIGFPE)),
        ("SIGKILL", i64::from(libc::SIGKILL)),
        ("SIGUSR1", i64::from(libc::SIGUSR1)),
        ("SIGSEGV", i64::from(libc::SIGSEGV)),
        ("SIGUSR2", i64::from(libc::SIGUSR2)),
        ("SIGPIPE", i64::from(libc::SIGPIPE)),
        ("SIGALRM", i64::from(libc::SIGALRM)),
        ("SIGTERM", i64::from(libc::SIGTERM)),
        ("SIGSTKFLT", i64::from(libc::SIGSTKFLT)),
        ("SIGCHLD", i64::from(libc::SIGCHLD)),
        ("SIGCLD", i64::from(libc::SIGCHLD)),
        ("SIGCONT", i64::from(libc::SIGCONT)),
        ("SIGSTOP", i64::from(libc::SIGSTOP)),
        ("SIGTSTP", i64::from(libc::SIGTSTP)),
        ("SIGTTIN", i64::from(libc::SIGTTIN)),
        ("SIGTTOU", i64::from(libc::SIGTTOU)),
        ("SIGURG", i64::from(libc::SIGURG)),
        ("SIGXCPU", i64::from(libc::SIGXCPU)),
        ("SIGXFSZ", i64::from(libc::SIGXFSZ)),
        ("SIGVTALRM", i64::from(libc::SIGVTALRM)),
        ("SIGPROF", i64::from(libc::SIGPROF)),
        ("SIGWINCH", i64::from(libc::SIGWINCH)),
        ("SIGIO", i64::from(libc::SIGIO)),
        ("SIGPOLL", i64::from(libc::SIGPOLL)),
        ("SIGPWR", i64::from(libc::SIGPWR)),
        ("SIGSYS", i64::from(libc::SIGSYS)),
        ("SIGRTMIN", 34),
        ("SIGRTMAX", 64),
    ];
    for &(name, v) in consts {
        add_int(&d, name, v);
    }
    m
}
