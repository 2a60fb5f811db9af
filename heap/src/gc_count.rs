//! Counting GC-heap allocations for the collector's scheduler.
//!
//! The collector runs when enough GC objects have been allocated (net of frees) since
//! the last collection, by all threads together. Counting every allocation in one
//! shared atomic would make all allocating threads contend on it, so, like CPython's
//! `record_allocation` (Python/gc_free_threading.c), each thread counts in a private
//! delta and adds it to the shared *young count* once it reaches
//! ±[`LOCAL_ALLOC_COUNT_THRESHOLD`]. At each positive flush the heap asks the
//! collector's trigger (installed with [`set_gc_trigger`]) whether it should act; if
//! so it sets [`crate::EvalBreaker::GC_SCHEDULED`] on the allocating thread, which
//! handles it at its next safe point. The policy lives in strand-gc; the heap only
//! counts.
//!
//! Two rules keep the count meaning "garbage that may have accumulated since the last
//! collection", which is what makes collections keep pace with garbage made on any
//! number of threads:
//!
//! * the young count never goes below zero (as in CPython's default build, where a
//!   deallocation decrements the count only while it is positive): freeing old
//!   objects does not earn credit for future allocations;
//! * frees made by the collector while it deletes the garbage it found
//!   ([`with_uncounted_frees`]) are not counted at all: those objects were allocated
//!   before the collection started, and the count restarted from zero then. Counting
//!   them made each collection wait for as many new allocations as the previous one
//!   freed, so collections grew without bound (issue 18).

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

/// Resets the shared count (the collector does this when a collection starts, with
/// the world stopped). Threads' unflushed deltas are kept.
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
    if local.gc_frees_uncounted {
        return;
    }
    local.gc_alloc_delta -= 1;
    if local.gc_alloc_delta <= -LOCAL_ALLOC_COUNT_THRESHOLD {
        flush(inner);
    }
}

/// Adds `delta` to the shared count, never letting it go below zero; returns the new
/// count.
fn add_to_young_count(delta: isize) -> isize {
    if delta >= 0 {
        return YOUNG_COUNT.fetch_add(delta, Relaxed) + delta;
    }
    let prev = YOUNG_COUNT
        .fetch_update(Relaxed, Relaxed, |c| Some((c + delta).max(0)))
        .unwrap_or_else(|c| c);
    (prev + delta).max(0)
}

#[cold]
fn flush(inner: &ThreadInner) {
    // SAFETY: owning OS thread; the borrow ends in this statement.
    let delta = std::mem::take(&mut unsafe { inner.local() }.gc_alloc_delta);
    let count = add_to_young_count(delta);
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
    add_to_young_count(delta);
}

/// Runs `f` with the calling thread's GC-object frees left out of the young count: the
/// collector deletes its garbage inside this (see the module docs). Allocations in
/// `f` (by finalizers that run on deallocation) still count. Nests.
///
/// # Panics
/// If no thread state is attached.
pub fn with_uncounted_frees<R>(f: impl FnOnce() -> R) -> R {
    let inner = crate::thread::expect_current("with_uncounted_frees");
    // SAFETY: owning OS thread; the borrow ends in this statement.
    let was = std::mem::replace(&mut unsafe { inner.local() }.gc_frees_uncounted, true);
    struct Restore(&'static ThreadInner, bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: the same thread state, still attached to this OS thread (it
            // cannot move between OS threads); the borrow ends in this statement.
            unsafe { self.0.local() }.gc_frees_uncounted = self.1;
        }
    }
    let _restore = Restore(inner, was);
    f()
}
