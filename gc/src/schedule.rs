//! When collections run: on demand ([`crate::collect`]) and automatically, when the
//! net number of GC objects allocated by all threads since the last collection passes
//! a threshold that scales with the live GC heap; and how threads that allocate
//! faster than a running collection frees are held back.
//!
//! The heap counts allocations per thread and flushes them into a shared young count
//! (strand-heap's `gc_count`, CPython 3.13t's per-thread buffered counts); at each
//! flush it asks this module's trigger. The rule for a collection being *due* is
//! CPython 3.13t's `gc_should_collect`: more than `threshold` net allocations *and*
//! more than a quarter of the objects that survived the last collection, so that a
//! big heap is not collected quadratically often. A due collection is flagged on the
//! allocating thread's eval breaker and runs at its next safe point.
//!
//! **Keeping pace.** Only one collection runs at a time, while the other threads keep
//! running between its two short pauses. If they make garbage faster than one thread
//! can free it, every collection finds more than the last and memory grows without
//! bound (issue 18: three threads making cycles grew to 6 GB). So when a collection is
//! in progress and the young count has grown past [`ASSIST_FACTOR`] times the due
//! threshold since it started (and past [`ASSIST_MIN`]), an allocating thread waits
//! at its next safe point, detached, until that collection ends. It gives up early if
//! the collection completes no work (frees nothing, runs no finalizer to its end) for
//! [`ASSIST_WAIT`], so that a finalizer waiting for something the thread holds delays
//! it but cannot deadlock it, and after half a second in any case. Garbage made
//! during one collection is then bounded, and so are the heap and the pauses. Go's
//! collector paces allocation the same way (mutator assists), with work instead of
//! waiting.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize};
use std::sync::Once;
use std::time::Duration;

use strand_heap::EvalBreaker;

/// CPython's default young-generation threshold.
pub const DEFAULT_THRESHOLD: usize = 2000;

/// While a collection runs, a thread that allocates waits for it once the young count
/// exceeds this many times the count at which collections are due (and at least
/// [`ASSIST_MIN`]).
pub const ASSIST_FACTOR: isize = 4;

/// The least young count at which allocating threads wait for a running collection,
/// whatever the threshold: with `gc.set_threshold(1)` collections run back to back,
/// and threads must not wait at every flush of their allocation count.
pub const ASSIST_MIN: isize = 8 * strand_heap::gc_count::LOCAL_ALLOC_COUNT_THRESHOLD;

/// An allocating thread waiting for a running collection gives up once the collection
/// has completed no work for this long (it may be stuck in a finalizer that waits for
/// the thread).
pub const ASSIST_WAIT: Duration = Duration::from_millis(20);

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
        strand_heap::gc_count::set_gc_trigger(Some(trigger));
        strand_heap::set_pending_handler(EvalBreaker::GC_SCHEDULED, Some(run_scheduled));
    });
}

/// The young count above which a collection is due (0 when automatic collection is
/// off).
fn due_at() -> isize {
    let threshold = THRESHOLD.load(Relaxed) as isize;
    if !ENABLED.load(Relaxed) || threshold == 0 {
        return 0;
    }
    threshold.max(LONG_LIVED_TOTAL.load(Relaxed) / 4)
}

/// Whether a collection is due at young count `count` and none is running (see the
/// module docs).
pub fn should_collect(count: isize) -> bool {
    let due = due_at();
    due != 0 && count > due && !COLLECTING.load(Relaxed)
}

/// Whether allocating threads should wait for the running collection at young count
/// `count` (see the module docs).
pub fn should_wait(count: isize) -> bool {
    let due = due_at();
    due != 0
        && count > due.saturating_mul(ASSIST_FACTOR).max(ASSIST_MIN)
        && COLLECTING.load(Relaxed)
}

/// The heap's trigger, asked at each flush of a thread's allocation count.
fn trigger(count: isize) -> bool {
    should_collect(count) || should_wait(count)
}

/// The safe-point handler of [`EvalBreaker::GC_SCHEDULED`]: collect if a collection
/// is due and none is running; wait for the running one if this thread allocated too
/// far ahead of it.
fn run_scheduled() {
    let count = strand_heap::gc_count::gc_young_count();
    if should_collect(count) && crate::collect::collect_automatic() {
        return;
    }
    if should_wait(count) {
        crate::collect::wait_for_running_collection(ASSIST_WAIT);
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
