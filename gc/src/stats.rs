//! Collection statistics and the start/stop callbacks (`gc.callbacks`).

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

/// What one collection did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectionStats {
    /// Tracked GC objects examined.
    pub visited: usize,
    /// Objects found unreachable (before finalizers; resurrected ones included).
    pub unreachable: usize,
    /// Of the unreachable objects, those the binding does not count as objects of
    /// their own ([`crate::GcBinding::counts_as_object`]); reports to programs
    /// subtract them.
    pub hidden: usize,
    /// Objects kept because a finalizer resurrected them (or something they reach).
    pub resurrected: usize,
    /// Of the resurrected objects, those the binding does not count as objects of
    /// their own (as for `hidden`).
    pub resurrected_hidden: usize,
    /// Unreachable objects freed.
    pub collected: usize,
    /// Unreachable objects whose cycles `clear` could not break; kept in
    /// [`crate::garbage`] instead of being freed.
    pub uncollectable: usize,
    /// Finalizers run.
    pub finalized: usize,
    /// Weak-reference callbacks run.
    pub weakref_callbacks: usize,
    /// Time the world was stopped (both pauses together).
    pub pause: Duration,
    /// Time from start to end of the collection.
    pub total: Duration,
}

/// Totals over all collections since the process started.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GcStats {
    /// Collections run.
    pub collections: u64,
    /// Objects freed.
    pub collected: u64,
    /// Objects found uncollectable.
    pub uncollectable: u64,
    /// Unreachable objects the binding does not count as objects of their own.
    pub hidden: u64,
    /// Of the `hidden` ones, those a finalizer resurrected (not freed).
    pub hidden_resurrected: u64,
    /// Total time the world was stopped by the collector.
    pub pause: Duration,
    /// Longest single collection pause.
    pub max_pause: Duration,
    /// Total collection time.
    pub total: Duration,
    /// Times an allocating thread waited for a running collection to catch up
    /// (the scheduling docs explain why).
    pub allocation_waits: u64,
    /// Total time threads spent in those waits.
    pub allocation_wait_time: Duration,
    /// The most recent collection.
    pub last: Option<CollectionStats>,
}

pub(crate) static TOTALS: Mutex<GcStats> = Mutex::new(GcStats {
    collections: 0,
    collected: 0,
    uncollectable: 0,
    hidden: 0,
    hidden_resurrected: 0,
    pause: Duration::ZERO,
    max_pause: Duration::ZERO,
    total: Duration::ZERO,
    allocation_waits: 0,
    allocation_wait_time: Duration::ZERO,
    last: None,
});

/// Counts one wait of an allocating thread for a running collection.
pub(crate) fn record_wait(time: Duration) {
    let mut t = TOTALS.lock();
    t.allocation_waits += 1;
    t.allocation_wait_time += time;
}

pub(crate) fn record(stats: &CollectionStats) {
    let mut t = TOTALS.lock();
    t.collections += 1;
    t.collected += stats.collected as u64;
    t.uncollectable += stats.uncollectable as u64;
    t.hidden += stats.hidden as u64;
    t.hidden_resurrected += stats.resurrected_hidden as u64;
    t.pause += stats.pause;
    t.max_pause = t.max_pause.max(stats.pause);
    t.total += stats.total;
    t.last = Some(stats.clone());
}

/// Cumulative statistics.
pub fn stats() -> GcStats {
    TOTALS.lock().clone()
}

/// Number of collections run so far.
pub fn collections() -> u64 {
    TOTALS.lock().collections
}

/// When a callback is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before the collection (the stats are all zero).
    Start,
    /// After it.
    Stop,
}

/// A function called before and after every collection, with the world running, on
/// the collecting thread (Python's `gc.callbacks`).
pub type Callback = Arc<dyn Fn(Phase, &CollectionStats) + Send + Sync>;

static CALLBACKS: Mutex<Vec<(u64, Callback)>> = Mutex::new(Vec::new());
static NEXT_CALLBACK: Mutex<u64> = Mutex::new(1);

/// The key of a registered callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CallbackId(u64);

/// Registers a callback.
pub fn add_callback(callback: Callback) -> CallbackId {
    let mut next = NEXT_CALLBACK.lock();
    let id = *next;
    *next += 1;
    CALLBACKS.lock().push((id, callback));
    CallbackId(id)
}

/// Unregisters a callback; `false` if it was not registered.
pub fn remove_callback(id: CallbackId) -> bool {
    let mut cbs = CALLBACKS.lock();
    let before = cbs.len();
    cbs.retain(|(i, _)| *i != id.0);
    cbs.len() != before
}

pub(crate) fn run_callbacks(phase: Phase, stats: &CollectionStats) {
    // Clone the list so that callbacks may add or remove callbacks.
    let cbs: Vec<Callback> = CALLBACKS.lock().iter().map(|(_, c)| c.clone()).collect();
    for cb in cbs {
        cb(phase, stats);
    }
}
