//! The exception being handled, per thread (CPython's `exc_info` in the thread
//! state): what `sys.exc_info()` returns and what a bare `raise` re-raises. The
//! PUSH_EXC_INFO / POP_EXCEPT instructions set and restore it; a generator swaps in
//! its own while it runs.

use std::cell::RefCell;

use strand_objects::PyObj;

thread_local! {
    /// The exception being handled (`sys.exc_info()`), set by PUSH_EXC_INFO.
    pub(crate) static CURRENT_EXC: RefCell<Option<PyObj>> = const { RefCell::new(None) };
}

/// Replaces the exception being handled on this thread, returning the previous one
/// (generators swap in their own while they run).
pub fn swap_current_exception(new: Option<PyObj>) -> Option<PyObj> {
    CURRENT_EXC.with(|c| std::mem::replace(&mut *c.borrow_mut(), new))
}

/// The exception currently being handled on this thread, if any.
pub fn current_exception() -> Option<PyObj> {
    CURRENT_EXC.with(|c| c.borrow().clone())
}
