//! Counting GC-heap allocations for the collector's scheduler.
//!
//! The collector runs when enough GC objects have been allocated (net of frees) since
//! the last collection. Counting every allocation in one shared atomic would make all
//! allocating threads contend on it, so, like CPython's `record_allocation`
//! (Python/gc_free_threading.c), each thread counts in a private delta and adds it to
//! the shared *young count* once it reaches ±[`LOCAL_ALLOC_COUNT_THRESHOLD`]. At each
//! such flush the heap asks the collector's trigger (installed with
//! [`set_gc_trigger`]) whether a collection is due; if so it sets
//! [`crate::EvalBreaker::GC_SCHEDULED`] on the allocating thread, which collects at its
//! next safe point. The policy lives in strand-gc; the heap only counts.

use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::sync::atomic::{AtomicIsize, AtomicPtr};

use crate::thread::ThreadInner;

/// A thread's private delta is flushed to the shared count at this magnitude.
pub const LOCAL_ALLOC_COUNT_THRESHOLD: isize = 512;

static YOUNG_COUNT: AtomicIsize = AtomicIsize::new(0);
static TRIGGER: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());

/// Net GC-object allocations flushed since the last [`reset_gc_young_count`].
pub fn gc_young_count() -> isize {
    YOUNG_COUNT.load(Relaxed)
}

/// Resets the shared count (the collector does this when a collection starts).
/// Threads' unflushed deltas are kept.
pub fn reset_gc_young_count() {
    YOUNG_COUNT.store(0, Relaxed);
}

/// Installs (or with `None` removes) the function asked, at each flush of a thread's
/// delta, whether a collection is due given the young count. It runs on the allocating
/// thread in the middle of an allocation, so it must be cheap and must not touch the
/// heap.
pub fn set_gc_trigger(trigger: Option<fn(isize) -> bool>) {
    let ptr = trigger.map_or(std::ptr::null_mut(), |f| f as *mut ());
    TRIGGER.store(ptr, SeqCst);
}

#[inline]
pub(crate) fn record_alloc(inner: &ThreadInner) {
    // SAFETY: owning OS thread; the borrow ends in this statement.
    let local = unsafe { inner.local() };
    local.gc_alloc_delta += 1;
    if local.gc_alloc_delta >= LOCAL_ALLOC_COUNT_THRESHOLD {
        flush(inner);
    }
}

#[inline]
pub(crate) fn record_free(inner: &ThreadInner) {
    // SAFETY: owning OS thread; the borrow ends in this statement.
    let local = unsafe { inner.local() };
    local.gc_alloc_delta -= 1;
    if local.gc_alloc_delta <= -LOCAL_ALLOC_COUNT_THRESHOLD {
        flush(inner);
    }
}

#[cold]
fn flush(inner: &ThreadInner) {
    // SAFETY: owning OS thread; the borrow ends in this statement.
    let delta = std::mem::take(&mut unsafe { inner.local() }.gc_alloc_delta);
    let count = YOUNG_COUNT.fetch_add(delta, Relaxed) + delta;
    if delta <= 0 {
        return;
    }
    let trigger = TRIGGER.load(Relaxed);
    if trigger.is_null() {
        return;
    }
    // SAFETY: TRIGGER holds null or a `fn(isize) -> bool` stored by set_gc_trigger.
    let trigger: fn(isize) -> bool =
        unsafe { std::mem::transmute::<*mut (), fn(isize) -> bool>(trigger) };
    if trigger(count) {
        inner.shared.request(crate::EvalBreaker::GC_SCHEDULED);
    }
}

/// Adds an exiting thread's delta to the shared count (no trigger: the thread is going).
pub(crate) fn flush_exiting(inner: &ThreadInner) {
    // SAFETY: owning OS thread; the borrow ends in this statement.
    let delta = std::mem::take(&mut unsafe { inner.local() }.gc_alloc_delta);
    YOUNG_COUNT.fetch_add(delta, Relaxed);
}
