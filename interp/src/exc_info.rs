//! The exception being handled, per thread (CPython's `exc_info` stack in the thread
//! state): what `sys.exc_info()` returns and what a bare `raise` re-raises. The
//! PUSH_EXC_INFO / POP_EXCEPT instructions set and restore the top entry; a resumed
//! generator pushes an entry of its own (its handled exception, often none) and pops
//! it when it stops. The exception being handled is the topmost entry that holds
//! one, so a generator that handles nothing itself sees its caller's (CPython's
//! `_PyErr_GetTopmostException`).

use std::cell::RefCell;

use strand_objects::PyObj;

thread_local! {
    /// The top entry: the running code's exception being handled (set by
    /// PUSH_EXC_INFO).
    pub(crate) static CURRENT_EXC: RefCell<Option<PyObj>> = const { RefCell::new(None) };
    /// The entries below the top, one per generator being resumed (innermost last).
    static OUTER: RefCell<Vec<Option<PyObj>>> = const { RefCell::new(Vec::new()) };
}

/// Replaces the top entry, returning the previous one.
pub fn swap_current_exception(new: Option<PyObj>) -> Option<PyObj> {
    CURRENT_EXC.with(|c| std::mem::replace(&mut *c.borrow_mut(), new))
}

/// The exception currently being handled on this thread, if any: the topmost entry
/// that holds one.
pub fn current_exception() -> Option<PyObj> {
    CURRENT_EXC
        .with(|c| c.borrow().clone())
        .or_else(|| OUTER.with(|o| o.borrow().iter().rev().find_map(Clone::clone)))
}

/// A generator resumes: its own entry `own` goes on top.
pub(crate) fn push_entry(own: Option<PyObj>) {
    let below = swap_current_exception(own);
    OUTER.with(|o| o.borrow_mut().push(below));
}

/// The generator stops: its entry comes off the top and is returned (to keep while
/// it is suspended).
pub(crate) fn pop_entry() -> Option<PyObj> {
    let below = OUTER.with(|o| o.borrow_mut().pop()).flatten();
    swap_current_exception(below)
}

/// Where another thread's exception state lives, for `sys._current_exceptions()`:
/// pointers to that thread's [`CURRENT_EXC`] and [`OUTER`], listed while the thread
/// lives (its [`Listed`] guard takes the entry out before those thread-locals are
/// destroyed).
struct ThreadExcState {
    ident: u64,
    current: *const RefCell<Option<PyObj>>,
    outer: *const RefCell<Vec<Option<PyObj>>>,
}

// SAFETY: the pointers are only dereferenced by `current_exceptions`, with the world
// stopped and the list locked, while the owning thread cannot touch them and cannot
// destroy them (its `Listed` guard needs the list's lock first).
unsafe impl Send for ThreadExcState {}

/// Every thread that has run Python code, with its exception state.
static THREADS: std::sync::Mutex<Vec<ThreadExcState>> = std::sync::Mutex::new(Vec::new());

/// Locks [`THREADS`] (a panic while it was held leaves the list usable).
fn threads() -> std::sync::MutexGuard<'static, Vec<ThreadExcState>> {
    THREADS.lock().unwrap_or_else(|e| e.into_inner())
}

/// A thread's entry in [`THREADS`], removed when the thread's locals are destroyed.
struct Listed(u64);

impl Drop for Listed {
    fn drop(&mut self) {
        threads().retain(|t| t.ident != self.0);
    }
}

thread_local! {
    static LISTED: RefCell<Option<Listed>> = const { RefCell::new(None) };
}

/// Lists this thread's exception state for `sys._current_exceptions()` under
/// `ident`; once per thread, when it first links a frame (its first exception can
/// only come later). [`CURRENT_EXC`] and [`OUTER`] are touched first so that their
/// destructors, registered before [`LISTED`]'s, run after it (thread-local
/// destructors run in reverse order of registration).
pub(crate) fn list_thread(ident: u64) {
    let current = CURRENT_EXC.with(|c| c as *const RefCell<Option<PyObj>>);
    let outer = OUTER.with(|o| o as *const RefCell<Vec<Option<PyObj>>>);
    let _ = LISTED.try_with(|l| {
        let mut l = l.borrow_mut();
        if l.is_none() {
            threads().push(ThreadExcState {
                ident,
                current,
                outer,
            });
            *l = Some(Listed(ident));
        }
    });
}

/// For `sys._current_exceptions()`: the exception each thread is handling (what
/// `sys.exception()` returns on that thread, `None` for none), by thread ident
/// (CPython 3.11's `_PyThread_CurrentExceptions`), for the threads running Python
/// code. Read with the world stopped.
pub(crate) fn current_exceptions() -> Vec<(u64, Option<PyObj>)> {
    let me = crate::thread_ident::get_ident();
    let _world =
        (!strand_heap::stw::is_world_stopped_by_me()).then(strand_heap::stw::stop_the_world);
    // The threads running Python code, as `sys._current_frames()` lists them: a
    // thread that has finished may still be listed here until its locals go.
    let running: Vec<u64> = crate::frame::all_chain_tops()
        .into_iter()
        .map(|(ident, _)| ident)
        .collect();
    let threads = threads();
    threads
        .iter()
        .filter(|t| running.contains(&t.ident))
        .map(|t| {
            let exc = if t.ident == me {
                current_exception()
            } else {
                // SAFETY: see `ThreadExcState`: the world is stopped, so the owning
                // thread is parked at a safe point (no borrow of these cells is live
                // there) or detached outside Python code, and its entry still being
                // listed means its thread-locals are alive.
                unsafe {
                    (*t.current)
                        .borrow()
                        .clone()
                        .or_else(|| (*t.outer).borrow().iter().rev().find_map(Clone::clone))
                }
            };
            (t.ident, exc)
        })
        .collect()
}
