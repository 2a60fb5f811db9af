//! Heap statistics: allocations, frees and live objects per heap kind, biased-refcount
//! merges, delayed frees, freelist hits and misses.
//!
//! Counting must not become a point of contention between threads, so each thread
//! counts in its own [`Counters`] (one writer, plain relaxed loads and stores) and
//! [`stats`] sums the counters of all registered threads plus the totals folded in from
//! threads that have exited. The sum is exact whenever no thread is allocating or
//! freeing concurrently (e.g. with the world stopped, or at the end of a test).

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

use crate::header::HeapKind;

/// Number of freelist size classes per object heap kind (16-byte steps up to 256 B).
pub const FREELIST_CLASSES: usize = 16;
/// Heap kinds that have freelists (every object kind; raw memory has none).
pub const FREELIST_KINDS: usize = 3;

/// A counter with a single writer: increments are a relaxed load and store, not a
/// locked read-modify-write; readers on other threads see a recent value.
#[derive(Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    #[inline]
    pub(crate) fn bump(&self) {
        self.0.store(self.0.load(Relaxed).wrapping_add(1), Relaxed);
    }

    #[inline]
    pub(crate) fn get(&self) -> u64 {
        self.0.load(Relaxed)
    }

    /// Adds from a thread that may not be the single writer (for global totals).
    pub(crate) fn add_atomic(&self, n: u64) {
        self.0.fetch_add(n, Relaxed);
    }
}

/// One thread's counters (or the process-wide totals of exited threads).
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) allocs: [Counter; 4],
    pub(crate) frees: [Counter; 4],
    pub(crate) merges: Counter,
    pub(crate) queued: Counter,
    pub(crate) delayed: Counter,
    pub(crate) revocations: Counter,
    pub(crate) revocation_waits: Counter,
    pub(crate) freelist_hits: [[Counter; FREELIST_CLASSES]; FREELIST_KINDS],
    pub(crate) freelist_misses: [[Counter; FREELIST_CLASSES]; FREELIST_KINDS],
}

impl Counters {
    /// Adds `other` into `self` with atomic adds (used when folding in an exited thread).
    pub(crate) fn absorb(&self, other: &Counters) {
        for k in 0..4 {
            self.allocs[k].add_atomic(other.allocs[k].get());
            self.frees[k].add_atomic(other.frees[k].get());
        }
        self.merges.add_atomic(other.merges.get());
        self.queued.add_atomic(other.queued.get());
        self.delayed.add_atomic(other.delayed.get());
        self.revocations.add_atomic(other.revocations.get());
        self.revocation_waits
            .add_atomic(other.revocation_waits.get());
        for k in 0..FREELIST_KINDS {
            for c in 0..FREELIST_CLASSES {
                self.freelist_hits[k][c].add_atomic(other.freelist_hits[k][c].get());
                self.freelist_misses[k][c].add_atomic(other.freelist_misses[k][c].get());
            }
        }
    }

    fn add_into(&self, s: &mut HeapStats) {
        for k in 0..4 {
            s.allocations[k] += self.allocs[k].get();
            s.frees[k] += self.frees[k].get();
        }
        s.merges += self.merges.get();
        s.queued_merges += self.queued.get();
        s.delayed_frees += self.delayed.get();
        s.biased_revocations += self.revocations.get();
        s.biased_revocation_waits += self.revocation_waits.get();
        for k in 0..FREELIST_KINDS {
            for c in 0..FREELIST_CLASSES {
                s.freelist_hits[k][c] += self.freelist_hits[k][c].get();
                s.freelist_misses[k][c] += self.freelist_misses[k][c].get();
            }
        }
    }
}

/// A snapshot of the heap's counters, summed over all threads that ever attached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeapStats {
    /// Allocations per [`HeapKind`] (index by `kind as usize`). Object allocations
    /// served from a freelist count too.
    pub allocations: [u64; 4],
    /// Frees per heap kind, counted when the object is given up (to a freelist, to
    /// mimalloc, or to a QSBR-delayed free).
    pub frees: [u64; 4],
    /// Explicit merges of biased counts (queue drains and orphan drains).
    pub merges: u64,
    /// Objects queued to an owner's (or the orphan) merge queue.
    pub queued_merges: u64,
    /// Objects or blocks retired to QSBR so far (freed after a grace period).
    pub delayed_frees: u64,
    /// Objects or blocks retired to QSBR whose grace period has not ended yet.
    pub delayed_frees_pending: u64,
    /// The most retirements pending at once so far.
    pub delayed_frees_peak: u64,
    /// Forced quiescence points so far: times the pending retirements passed
    /// [`crate::qsbr::PENDING_LIMIT`] and every thread was asked to announce a
    /// quiescent state and reclaim at its next safe point.
    pub qsbr_forced: u64,
    /// Object locks whose reservation for their owner thread another thread revoked
    /// ([`crate::biased_lock`]): one process-wide memory barrier each.
    pub biased_revocations: u64,
    /// Revocations that had to wait for the owner's current biased hold to end.
    pub biased_revocation_waits: u64,
    /// Freelist hits per object kind and size class.
    pub freelist_hits: [[u64; FREELIST_CLASSES]; FREELIST_KINDS],
    /// Freelist misses per object kind and size class.
    pub freelist_misses: [[u64; FREELIST_CLASSES]; FREELIST_KINDS],
    /// Registered (not exited) thread states.
    pub threads: usize,
}

impl HeapStats {
    /// Allocations minus frees for one heap kind.
    pub fn live(&self, kind: HeapKind) -> i64 {
        self.allocations[kind as usize] as i64 - self.frees[kind as usize] as i64
    }

    /// Live objects over the three object kinds (raw blocks excluded).
    pub fn live_objects(&self) -> i64 {
        self.live(HeapKind::Gc) + self.live(HeapKind::GcPreheader) + self.live(HeapKind::NonGc)
    }

    /// Total freelist hits over all kinds and classes.
    pub fn total_freelist_hits(&self) -> u64 {
        self.freelist_hits.iter().flatten().sum()
    }

    /// Total freelist misses over all kinds and classes.
    pub fn total_freelist_misses(&self) -> u64 {
        self.freelist_misses.iter().flatten().sum()
    }
}

/// Counters for work done while no thread state was attached (QSBR reclamation running
/// during a thread's exit, for instance) and the folded totals of exited threads.
pub(crate) static GLOBAL: std::sync::LazyLock<Counters> =
    std::sync::LazyLock::new(Counters::default);

/// Takes a snapshot of the heap counters.
pub fn stats() -> HeapStats {
    let mut s = HeapStats::default();
    crate::thread::with_registry(|threads| {
        for t in threads {
            t.counters.add_into(&mut s);
            s.threads += 1;
        }
        GLOBAL.add_into(&mut s);
    });
    let domain = crate::qsbr_domain();
    s.delayed_frees_pending = domain.pending() as u64;
    s.delayed_frees_peak = domain.peak() as u64;
    s.qsbr_forced = domain.forced() as u64;
    s
}

/// The difference between the expected and the observed number of live objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeakError {
    /// Live objects the caller expected.
    pub expected: i64,
    /// Live objects counted.
    pub actual: i64,
    /// The snapshot the count came from.
    pub stats: Box<HeapStats>,
}

impl std::fmt::Display for LeakError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "heap leak check failed: expected {} live objects, found {} (gc {}, gc+preheader {}, non-gc {}; {} delayed frees pending)",
            self.expected,
            self.actual,
            self.stats.live(HeapKind::Gc),
            self.stats.live(HeapKind::GcPreheader),
            self.stats.live(HeapKind::NonGc),
            self.stats.delayed_frees_pending,
        )
    }
}

impl std::error::Error for LeakError {}

/// The leak check for tests: `Ok` if exactly `expected` objects are live (over the
/// three object kinds). Counts are exact only when no other thread is allocating, so
/// call it after joining the threads of the test.
pub fn check_live_objects(expected: i64) -> Result<(), LeakError> {
    let stats = stats();
    let actual = stats.live_objects();
    if actual == expected {
        Ok(())
    } else {
        Err(LeakError {
            expected,
            actual,
            stats: Box::new(stats),
        })
    }
}
