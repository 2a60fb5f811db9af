//! SIGINT becomes `KeyboardInterrupt` in the main thread (Modules/signalmodule.c).
//!
//! The `_signal` module (in the standard library crate) may take over: it installs a
//! [`Dispatcher`] that runs Python-level handlers, and [`trip`]s the other signals it
//! watches; from then on SIGINT and those signals reach the dispatcher on the main
//! thread, at the same points where `KeyboardInterrupt` would have been raised.
//!
//! A signal handler may do almost nothing safely, so the signal is received by a
//! watcher thread (signal-hook's iterator), which records it and sets the
//! [`EvalBreaker::SIGNALS`] bit of the main thread's eval breaker. The main thread
//! raises `KeyboardInterrupt` at its next safe point ([`handle_breaker`]); its blocking
//! waits (sleep, lock acquisition, `input()`) wake up periodically to look
//! ([`check_interrupt`], [`sleep`]), as CPython's are interrupted by `EINTR`. Other
//! threads never see the interrupt, as in CPython.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use strand_heap::EvalBreaker;
use strand_objects::exceptions::{self as exc, PyErr};
use strand_objects::PyResult;

/// A SIGINT arrived and the main thread has not raised it yet.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The interpreter's main thread, and a handle on its eval breaker.
static MAIN: OnceLock<(std::thread::ThreadId, strand_heap::EvalBreakerHandle)> = OnceLock::new();

/// Runs the Python-level handler of signal `signum` on the main thread (installed by
/// the `_signal` module); its error propagates from the safe point or wait that ran
/// it.
pub type Dispatcher = fn(i32) -> PyResult<()>;

static DISPATCHER: OnceLock<Dispatcher> = OnceLock::new();

/// Signals [`trip`]ped and not yet dispatched, by number.
static TRIPPED: [AtomicBool; 65] = [const { AtomicBool::new(false) }; 65];

/// Whether any signal is tripped (a fast check before scanning [`TRIPPED`]).
static ANY_TRIPPED: AtomicBool = AtomicBool::new(false);

/// Installs the dispatcher (once per process; later calls do nothing).
pub fn set_dispatcher(f: Dispatcher) {
    let _ = DISPATCHER.set(f);
}

/// Records that signal `signum` arrived and wakes the main thread, which hands it to
/// the dispatcher at its next safe point. Called from a thread that watches signals,
/// never from a signal handler.
pub fn trip(signum: i32) {
    if let Some(slot) = usize::try_from(signum).ok().and_then(|i| TRIPPED.get(i)) {
        slot.store(true, Ordering::SeqCst);
        ANY_TRIPPED.store(true, Ordering::SeqCst);
        if let Some((_, handle)) = MAIN.get() {
            handle.request(EvalBreaker::SIGNALS);
        }
    }
}

/// Whether the calling thread is the interpreter's main thread (where Python signal
/// handlers run and `signal.signal` may be called).
pub fn is_main_thread() -> bool {
    on_main_thread()
}

/// How often a blocked main thread looks for an interrupt.
const POLL: Duration = Duration::from_millis(20);

/// Makes SIGINT raise `KeyboardInterrupt` in the thread of `main` (the calling
/// thread). Once per process; later calls do nothing. If the watcher cannot be set
/// up, SIGINT keeps its default action (ending the process).
pub fn install(main: &strand_heap::ThreadState) {
    if MAIN
        .set((std::thread::current().id(), main.eval_breaker_handle()))
        .is_err()
    {
        return;
    }
    if sigint_ignored() {
        // Like CPython: a SIGINT ignored by whoever started us stays ignored.
        return;
    }
    let Ok(mut signals) = signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("strand-signals".into())
        .spawn(move || {
            for _ in signals.forever() {
                INTERRUPTED.store(true, Ordering::SeqCst);
                if let Some((_, handle)) = MAIN.get() {
                    handle.request(EvalBreaker::SIGNALS);
                }
            }
        });
}

/// Whether SIGINT's disposition is "ignore" (as for background jobs of a
/// non-interactive shell).
fn sigint_ignored() -> bool {
    // SAFETY: `sigaction` with a null new action only reads the current disposition
    // into `old`, a properly sized, zero-initialised `libc::sigaction`.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGINT, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

fn on_main_thread() -> bool {
    MAIN.get()
        .is_some_and(|(id, _)| *id == std::thread::current().id())
}

fn keyboard_interrupt() -> PyErr {
    PyErr::new(&exc::KEYBOARD_INTERRUPT_TYPE, "")
}

/// `Err(KeyboardInterrupt)` if an interrupt is pending and this is the main thread
/// (the interrupt is consumed). With a [`Dispatcher`] installed, pending signals
/// (SIGINT included) go to it instead, and its error is returned.
pub fn check_interrupt() -> PyResult<()> {
    if !on_main_thread() {
        return Ok(());
    }
    let dispatcher = DISPATCHER.get();
    if INTERRUPTED.swap(false, Ordering::SeqCst) {
        match dispatcher {
            Some(d) => d(signal_hook::consts::SIGINT)?,
            None => return Err(keyboard_interrupt()),
        }
    }
    if ANY_TRIPPED.swap(false, Ordering::SeqCst) {
        for (signum, slot) in TRIPPED.iter().enumerate() {
            if slot.swap(false, Ordering::SeqCst) {
                if let Some(d) = dispatcher {
                    if let Err(e) = d(signum as i32) {
                        // Signals after this one stay pending for the next check.
                        if TRIPPED.iter().any(|t| t.load(Ordering::SeqCst)) {
                            ANY_TRIPPED.store(true, Ordering::SeqCst);
                        }
                        return Err(e);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Acts on the eval-breaker bits a safe point left to the interpreter.
///
/// # Errors
/// `KeyboardInterrupt` when SIGINT arrived.
#[cold]
pub fn handle_breaker(bits: EvalBreaker) -> PyResult<()> {
    if bits.contains(EvalBreaker::SIGNALS) {
        strand_heap::clear_pending(EvalBreaker::SIGNALS);
        check_interrupt()?;
    }
    Ok(())
}

/// `time.sleep`: sleeps detached (stop-the-world never waits for a sleeper); on the
/// main thread it wakes for interrupts.
///
/// # Errors
/// `KeyboardInterrupt` if SIGINT arrives while the main thread sleeps.
pub fn sleep(duration: Duration) -> PyResult<()> {
    if !on_main_thread() {
        strand_heap::with_detached(|| std::thread::sleep(duration));
        return Ok(());
    }
    let deadline = Instant::now() + duration;
    loop {
        check_interrupt()?;
        let now = Instant::now();
        if now >= deadline {
            return Ok(());
        }
        let slice = (deadline - now).min(POLL);
        strand_heap::with_detached(|| std::thread::sleep(slice));
    }
}

/// How long a blocking wait may block before it must look for interrupts: `None`
/// (as long as it likes) off the main thread.
pub fn wait_slice() -> Option<Duration> {
    on_main_thread().then_some(POLL)
}

/// Whether an interrupt is pending for the main thread (without consuming it), for
/// waits running detached that must return early so that [`check_interrupt`] can
/// raise.
pub fn interrupt_pending() -> bool {
    on_main_thread() && (INTERRUPTED.load(Ordering::SeqCst) || ANY_TRIPPED.load(Ordering::SeqCst))
}

/// After an uncaught `KeyboardInterrupt`: ends the process the way the default SIGINT
/// action does, so that the parent sees death by SIGINT (CPython does the same, which
/// shells report as status 130).
pub fn exit_by_sigint() -> ! {
    let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGINT);
    std::process::exit(130)
}
