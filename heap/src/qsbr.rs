//! Quiescent-state-based reclamation (QSBR) on top of crossbeam-epoch.
//!
//! The problem: a thread removes an item array from a list, or a key table from a
//! dict, while another thread is reading it without a lock. The remover cannot free
//! the memory until every reader that might have loaded the old pointer is done.
//!
//! The mechanism (after CPython's Python/qsbr.c, InternalDocs/qsbr.md): each attached
//! thread is permanently *pinned* in crossbeam-epoch's sense, and at each safe point
//! it announces a *quiescent state* by re-pinning ([`QsbrThread::quiescent`]), which
//! means "I hold no pointers obtained before this point". A detached thread is unpinned
//! (an extended quiescent state). Memory retired with [`QsbrThread::defer`] is freed
//! once the global epoch has advanced past it, which requires every pinned thread to
//! have re-pinned since, i.e. to have passed a quiescent state. Readers pay nothing per
//! read: pinning happens at attach and re-pinning at safe points, never per access.
//!
//! **Reclaiming promptly under load.** crossbeam-epoch frees a retired batch only when
//! some thread *collects*, and one collection frees at most eight batches (512
//! retirements). A thread that retires a burst (the collector freeing a hundred
//! thousand objects) and then reaches safe points without retiring more would leave
//! its burst waiting for the next burst (issue 18: delayed frees piled up to 291k
//! while live objects stayed at 721). So:
//!
//! * [`QsbrThread::flush`] collects repeatedly, while each round frees something, up
//!   to a bound per call ([`FLUSH_ROUNDS`]), and reports whether more may be ready;
//! * every thread that announces a quiescent state at a safe point also collects a
//!   little ([`SAFEPOINT_ROUNDS`]) while retirements are pending anywhere, so busy
//!   threads advance the epoch and reclaim whoever retired the memory;
//! * when the retirements pending in the domain pass [`PENDING_LIMIT`], the heap asks
//!   every thread to announce a quiescent state and flush at its next safe point (a
//!   forced quiescence point, [`crate::EvalBreaker::QSBR_FLUSH`]), instead of at one
//!   safe point in 32.
//!
//! The counts (pending, peak, forced points) are in [`crate::stats()`].
//!
//! This module only wraps crossbeam-epoch; [`crate::free_delayed`] and
//! [`crate::free_object_delayed`] apply it to heap memory.

use crossbeam_epoch::{Collector, Guard, LocalHandle};

use std::sync::atomic::Ordering::Relaxed;
#[cfg(not(loom))]
use std::sync::atomic::{AtomicBool, AtomicUsize};

#[cfg(loom)]
use loom::sync::atomic::{AtomicBool, AtomicUsize};

/// Retirements per thread after which the thread pushes its local batch to the global
/// queue and tries to reclaim ([`QsbrThread::wants_flush`]).
pub const FLUSH_THRESHOLD: usize = 64;

/// Collection rounds one [`QsbrThread::flush`] runs at most (each frees up to 512
/// retirements).
pub const FLUSH_ROUNDS: usize = 64;

/// Collection rounds a thread runs at a quiescent state announced from a safe point
/// while retirements are pending ([`QsbrThread::quiescent_sometimes`]).
pub const SAFEPOINT_ROUNDS: usize = 2;

/// Pending retirements in a domain above which every thread is asked to pass a
/// quiescent state and flush at once ([`Qsbr::over_limit`]).
pub const PENDING_LIMIT: usize = 1 << 16;

/// A QSBR domain: one crossbeam-epoch collector plus a count of pending deferrals.
/// The heap uses one process-wide domain; loom models create their own.
pub struct Qsbr {
    collector: Collector,
    counts: &'static Counts,
}

/// A domain's counts. Leaked, so that deferred closures can count themselves and
/// threads can read them without reference-counting (crossbeam may run closures after
/// the domain is gone); four words per domain.
struct Counts {
    /// Deferred frees retired and not yet run.
    pending: AtomicUsize,
    /// The most retirements pending at once (sampled when a retirement passes the
    /// previous peak and at each flush).
    peak: AtomicUsize,
    /// Forced quiescence points started ([`Qsbr::over_limit`]).
    forced: AtomicUsize,
    /// Set while a forced quiescence point is in progress: cleared once pending falls
    /// below half the limit.
    forcing: AtomicBool,
}

impl Counts {
    fn note_pending(&self, pending: usize) {
        if pending > self.peak.load(Relaxed) {
            self.peak.fetch_max(pending, Relaxed);
        }
    }

    fn after_flush(&self) {
        if self.pending.load(Relaxed) < PENDING_LIMIT / 2 && self.forcing.load(Relaxed) {
            self.forcing.store(false, Relaxed);
        }
    }
}

impl Default for Qsbr {
    fn default() -> Self {
        Self::new()
    }
}

impl Qsbr {
    /// A new domain with no threads.
    pub fn new() -> Qsbr {
        Qsbr {
            collector: Collector::new(),
            counts: Box::leak(Box::new(Counts {
                pending: AtomicUsize::new(0),
                peak: AtomicUsize::new(0),
                forced: AtomicUsize::new(0),
                forcing: AtomicBool::new(false),
            })),
        }
    }

    /// Registers a thread; it starts offline (unpinned).
    pub fn register(&self) -> QsbrThread {
        QsbrThread {
            handle: self.collector.register(),
            guard: None,
            counts: self.counts,
            since_flush: 0,
            ticks: 0,
        }
    }

    /// Deferred frees retired but not yet run.
    pub fn pending(&self) -> usize {
        self.counts.pending.load(Relaxed)
    }

    /// The most deferred frees pending at once so far.
    pub fn peak(&self) -> usize {
        self.counts.peak.load(Relaxed).max(self.pending())
    }

    /// Forced quiescence points started so far.
    pub fn forced(&self) -> usize {
        self.counts.forced.load(Relaxed)
    }

    /// `true` exactly once per excursion of the pending count above
    /// [`PENDING_LIMIT`]: the caller then asks every thread for a quiescent state (a
    /// forced quiescence point). The excursion ends when a flush sees the count below
    /// half the limit.
    pub fn over_limit(&self) -> bool {
        let c = self.counts;
        let pending = c.pending.load(Relaxed);
        c.note_pending(pending);
        if pending <= PENDING_LIMIT || c.forcing.load(Relaxed) || c.forcing.swap(true, Relaxed) {
            return false;
        }
        c.forced.fetch_add(1, Relaxed);
        true
    }
}

/// One thread's participation in a [`Qsbr`] domain. Not `Send`: it belongs to the OS
/// thread that registered it.
pub struct QsbrThread {
    // Field order matters: the guard must be dropped before the handle.
    guard: Option<Guard>,
    handle: LocalHandle,
    counts: &'static Counts,
    since_flush: usize,
    /// Quiescent states announced since the last re-pin.
    ticks: u32,
}

/// A thread re-pins at one quiescent state in this many: announcing less often is
/// always safe (it only delays reclamation), and interpreters announce one at every
/// call and backward jump.
const REPIN_INTERVAL: u32 = 32;

impl QsbrThread {
    /// Goes online (pins). Pointers loaded from now on stay valid until the next
    /// quiescent state.
    #[inline]
    pub fn online(&mut self) {
        if self.guard.is_none() {
            self.guard = Some(self.handle.pin());
        }
    }

    /// Goes offline (unpins): an extended quiescent state, as when a thread detaches.
    /// Pushes pending retirements to the global queue first so that they are not held
    /// back by a thread that may stay offline for long.
    pub fn offline(&mut self) {
        if self.since_flush > 0 {
            self.flush();
        }
        self.guard = None;
    }

    /// `true` while pinned.
    #[inline]
    pub fn is_online(&self) -> bool {
        self.guard.is_some()
    }

    /// Announces a quiescent state: the thread holds no pointer loaded before this
    /// call. Cheap (a few relaxed loads; a store when the global epoch moved).
    #[inline]
    pub fn quiescent(&mut self) {
        if let Some(guard) = &mut self.guard {
            guard.repin();
        }
    }

    /// [`quiescent`](Self::quiescent) once in every `REPIN_INTERVAL` (32) calls: for safe
    /// points an interpreter reaches at every call and backward jump. While
    /// retirements are pending in the domain, each such quiescent state also runs a
    /// few collection rounds ([`SAFEPOINT_ROUNDS`]): busy threads advance the epoch
    /// and free what any thread retired.
    #[inline]
    pub fn quiescent_sometimes(&mut self) {
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks % REPIN_INTERVAL == 0 {
            self.quiescent();
            if self.counts.pending.load(Relaxed) != 0 {
                self.collect_rounds(SAFEPOINT_ROUNDS);
            }
        }
    }

    /// Retires `free`: it runs once every thread has passed a quiescent state after this
    /// call (on whichever thread then reclaims).
    ///
    /// # Safety
    /// The thread must be online, and `free` must be safe to run on any thread at any
    /// later time (it typically frees memory no thread can newly reach).
    pub unsafe fn defer<F: FnOnce() + Send + 'static>(&mut self, free: F) {
        let guard = self
            .guard
            .as_ref()
            .expect("QsbrThread::defer called while offline");
        let counts = self.counts;
        counts.pending.fetch_add(1, Relaxed);
        // SAFETY: crossbeam requires that the closure may run on another thread after
        // all current pins end; `free` is Send + 'static and the caller guarantees it is
        // safe to run then.
        unsafe {
            guard.defer_unchecked(move || {
                free();
                counts.pending.fetch_sub(1, Relaxed);
            });
        }
        self.since_flush += 1;
    }

    /// `true` once enough retirements have accumulated that a flush is worthwhile.
    #[inline]
    pub fn wants_flush(&self) -> bool {
        self.since_flush >= FLUSH_THRESHOLD
    }

    /// Pushes this thread's retirements to the global queue, tries to advance the
    /// epoch and runs the retirements whose grace period is over, round after round
    /// while rounds free something, up to [`FLUSH_ROUNDS`]. Returns `true` if the last
    /// round still freed something (more may be ready: flush again soon).
    pub fn flush(&mut self) -> bool {
        self.since_flush = 0;
        self.collect_rounds(FLUSH_ROUNDS)
    }

    /// Up to `rounds` rounds of crossbeam's flush (push the local batch, try to advance
    /// the epoch, free up to eight expired batches), stopping at the first round that
    /// frees nothing. Returns whether the last round freed something.
    fn collect_rounds(&mut self, rounds: usize) -> bool {
        let temporary;
        let guard = match &self.guard {
            Some(guard) => guard,
            None => {
                temporary = self.handle.pin();
                &temporary
            }
        };
        let mut before = self.counts.pending.load(Relaxed);
        self.counts.note_pending(before);
        let mut progress = false;
        for _ in 0..rounds {
            guard.flush();
            let now = self.counts.pending.load(Relaxed);
            // Other threads' retirements may raise the count meanwhile; a round that
            // does not lower it is taken as having freed nothing.
            progress = now < before;
            if !progress || now == 0 {
                break;
            }
            before = now;
        }
        self.counts.after_flush();
        progress && before != 0
    }
}
