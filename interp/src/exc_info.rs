//! The exception being handled, per thread (CPython's `exc_info` stack in the thread
//! state): what `sys.exc_info()` returns and what a bare `raise` re-raises. The
//! PUSH_EXC_INFO / POP_EXCEPT instructions set and restore the top entry; a resumed
//! generator pushes an entry of its own (its handled exception, often none) and pops
//! it when it stops. The exception being handled is the topmost entry that holds
//! one, so a generator that handles nothing itself sees its caller's (CPython's
//! `_PyErr_GetTopmostException`).

use std::cell::RefCell;

use strand_objects::PyObj;

/// A thread's entries: the top one and those below it. One thread-local for both, so
/// that a generator's resumption and suspension ([`push_entry`], [`pop_entry`]) reach
/// them with one thread-local access and one borrow.
pub(crate) struct ExcStack {
    /// The top entry: the running code's exception being handled (set by
    /// PUSH_EXC_INFO).
    current: Option<PyObj>,
    /// The entries below the top, one per generator being resumed (innermost last).
    outer: Vec<Option<PyObj>>,
}

impl ExcStack {
    /// The topmost entry that holds an exception.
    fn topmost(&self) -> Option<PyObj> {
        self.current
            .clone()
            .or_else(|| self.outer.iter().rev().find_map(Clone::clone))
    }
}

thread_local! {
    /// This thread's entries.
    static EXC: RefCell<ExcStack> = const {
        RefCell::new(ExcStack {
            current: None,
            outer: Vec::new(),
        })
    };
}

/// Replaces the top entry, returning the previous one.
#[inline]
pub fn swap_current_exception(new: Option<PyObj>) -> Option<PyObj> {
    EXC.with(|e| std::mem::replace(&mut e.borrow_mut().current, new))
}

/// The exception currently being handled on this thread, if any: the topmost entry
/// that holds one.
pub fn current_exception() -> Option<PyObj> {
    EXC.with(|e| e.borrow().topmost())
}

/// A generator resumes: its own entry `own` goes on top.
#[inline]
pub(crate) fn push_entry(own: Option<PyObj>) {
    EXC.with(|e| {
        let mut e = e.borrow_mut();
        let below = std::mem::replace(&mut e.current, own);
        e.outer.push(below);
    });
}

/// The generator stops: its entry comes off the top and is returned (to keep while
/// it is suspended).
#[inline]
pub(crate) fn pop_entry() -> Option<PyObj> {
    EXC.with(|e| {
        let mut e = e.borrow_mut();
        let below = e.outer.pop().flatten();
        std::mem::replace(&mut e.current, below)
    })
}

/// Where another thread's exception state lives, for `sys._current_exceptions()`:
/// a pointer to that thread's [`EXC`], listed while the thread lives (its [`Listed`]
/// guard takes the entry out before that thread-local is destroyed).
struct ThreadExcState {
    ident: u64,
    entries: *const RefCell<ExcStack>,
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
/// only come later). [`EXC`] is touched first so that its destructor, registered
/// before [`LISTED`]'s, runs after it (thread-local destructors run in reverse order
/// of registration).
pub(crate) fn list_thread(ident: u64) {
    let entries = EXC.with(|e| e as *const RefCell<ExcStack>);
    let _ = LISTED.try_with(|l| {
        let mut l = l.borrow_mut();
        if l.is_none() {
            threads().push(ThreadExcState { ident, entries });
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
                unsafe { (*t.entries).borrow().topmost() }
            };
            (t.ident, exc)
        })
        .collect()
}
