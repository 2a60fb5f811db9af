//! When collections run: on demand ([`crate::collect`]) and automatically, when the
//! net number of GC objects allocated since the last collection passes a threshold
//! that scales with the live GC heap.
//!
//! The heap counts allocations per thread and flushes them into a shared young count
//! (strand-heap's `gc_count`); at each flush it asks [`should_collect`]. The rule is
//! CPython 3.13t's `gc_should_collect`: more than `threshold` net allocations *and*
//! more than a quarter of the objects that survived the last collection, so that a big
//! heap is not collected quadratically often. A due collection is flagged on the
//! allocating thread's eval breaker and runs at its next safe point.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize};
use std::sync::Once;

use strand_heap::EvalBreaker;

/// CPython's default young-generation threshold.
pub const DEFAULT_THRESHOLD: usize = 2000;

static ENABLED: AtomicBool = AtomicBool::new(true);
static THRESHOLD: AtomicUsize = AtomicUsize::new(DEFAULT_THRESHOLD);
/// GC objects that survived the last collection.
pub(crate) static LONG_LIVED_TOTAL: AtomicIsize = AtomicIsize::new(0);
/// A collection is in progress on some thread.
pub(crate) static COLLECTING: AtomicBool = AtomicBool::new(false);

static INSTALL: Once = Once::new();

/// Connects the collector to the heap: installs the allocation trigger and the safe
/// point handler for [`EvalBreaker::GC_SCHEDULED`]. Idempotent; [`crate::collect`],
/// [`enable`] and [`set_threshold`] call it too.
pub fn install() {
    INSTALL.call_once(|| {
        strand_heap::gc_count::set_gc_trigger(Some(should_collect));
        strand_heap::set_pending_handler(EvalBreaker::GC_SCHEDULED, Some(run_scheduled));
    });
}

/// Whether a collection is due at young count `count` (see the module docs).
pub fn should_collect(count: isize) -> bool {
    let threshold = THRESHOLD.load(Relaxed) as isize;
    ENABLED.load(Relaxed)
        && threshold != 0
        && count > threshold
        && count > LONG_LIVED_TOTAL.load(Relaxed) / 4
        && !COLLECTING.load(Relaxed)
}

fn run_scheduled() {
    if should_collect(strand_heap::gc_count::gc_young_count()) {
        crate::collect::collect_automatic();
    }
}

/// Enables automatic collection (the default).
pub fn enable() {
    install();
    ENABLED.store(true, Relaxed);
}

/// Disables automatic collection; [`crate::collect`] still works.
pub fn disable() {
    ENABLED.store(false, Relaxed);
}

/// Whether automatic collection is enabled.
pub fn is_enabled() -> bool {
    ENABLED.load(Relaxed)
}

/// The young-count threshold (Python's `gc.get_threshold()[0]`).
pub fn threshold() -> usize {
    THRESHOLD.load(Relaxed)
}

/// Sets the threshold; 0 disables automatic collection like in CPython.
pub fn set_threshold(threshold: usize) {
    install();
    THRESHOLD.store(threshold, Relaxed);
}

/// Net GC-object allocations since the last collection (Python's `gc.get_count()[0]`).
pub fn count() -> isize {
    strand_heap::gc_count::gc_young_count()
}
