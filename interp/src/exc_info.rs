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
