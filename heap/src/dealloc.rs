//! Running a type's `dealloc` when a count reaches zero, without unbounded recursion.
//!
//! Deallocating the head of a long chain (a linked list of a million nodes) drops the
//! next node's last reference from inside the first node's `dealloc`, and so on: naive
//! recursion overflows the stack. Like CPython's "trashcan" (Include/cpython/object.h,
//! `Py_TRASHCAN_BEGIN`), objects whose count reaches zero beyond a nesting depth are
//! put on a per-thread list and deallocated by the outermost call, iteratively.

use std::cell::{Cell, RefCell};

use crate::header::ObjPtr;

/// Nesting depth beyond which deallocations are deferred to the outermost one.
pub const TRASHCAN_DEPTH: u32 = 50;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    static PENDING: RefCell<Vec<ObjPtr>> = const { RefCell::new(Vec::new()) };
    /// Whether PENDING may be non-empty (so the common case never touches it).
    static ANY_PENDING: Cell<bool> = const { Cell::new(false) };
}

/// Deallocates `obj`, whose count has reached zero: hides it from the collector, then
/// calls its vtable's `dealloc` now or, when deeply nested, from the outermost call.
///
/// # Safety
/// `obj` is alive, its reference count is zero, and no other thread can reach it
/// (except lock-free readers, whose `try_incref` now fails).
#[inline(never)]
pub unsafe fn dealloc(obj: ObjPtr) {
    // SAFETY: forwarded.
    unsafe { dealloc_inline(obj) }
}

/// [`dealloc`] inlined into the decrement's slow path
/// ([`crate::refcount::decref_slow`]), where a thread frees its own temporaries: the
/// common case (not deeply nested, nothing deferred) is a depth counter around the
/// vtable call; deferring and draining are out of line.
///
/// # Safety
/// As [`dealloc`].
#[inline(always)]
pub(crate) unsafe fn dealloc_inline(obj: ObjPtr) {
    // SAFETY: exclusive access to a dying object (the caller's contract).
    unsafe { obj.untrack() };
    let depth = DEPTH.with(Cell::get);
    if depth >= TRASHCAN_DEPTH {
        return defer(obj);
    }
    DEPTH.with(|d| d.set(depth + 1));
    // SAFETY: the object is alive with count zero; its dealloc takes ownership.
    unsafe { (obj.vtable().dealloc)(obj) };
    DEPTH.with(|d| d.set(depth));
    if depth == 0 && ANY_PENDING.with(Cell::get) {
        drain_deferred();
    }
}

/// Too deep: the outermost [`dealloc`] will deallocate `obj`.
#[cold]
#[inline(never)]
fn defer(obj: ObjPtr) {
    PENDING.with(|p| p.borrow_mut().push(obj));
    ANY_PENDING.with(|a| a.set(true));
}

/// The outermost [`dealloc`]: finish what deeper levels deferred, one at a time.
#[cold]
#[inline(never)]
fn drain_deferred() {
    while let Some(next) = PENDING.with(|p| p.borrow_mut().pop()) {
        DEPTH.with(|d| d.set(1));
        // SAFETY: `next` was deferred by `defer` under dealloc's contract: alive, count
        // zero, exclusively ours.
        unsafe { (next.vtable().dealloc)(next) };
        DEPTH.with(|d| d.set(0));
    }
    ANY_PENDING.with(|a| a.set(false));
}
