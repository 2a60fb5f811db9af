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
//! This module only wraps crossbeam-epoch; [`crate::free_delayed`] and
//! [`crate::free_object_delayed`] apply it to heap memory.

use crossbeam_epoch::{Collector, Guard, LocalHandle};

#[cfg(not(loom))]
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

#[cfg(loom)]
use loom::sync::atomic::AtomicUsize;

/// Retirements per thread after which the thread pushes its local batch to the global
/// queue and tries to reclaim ([`QsbrThread::wants_flush`]).
pub const FLUSH_THRESHOLD: usize = 64;

/// A QSBR domain: one crossbeam-epoch collector plus a count of pending deferrals.
/// The heap uses one process-wide domain; loom models create their own.
pub struct Qsbr {
    collector: Collector,
    /// Leaked so that deferred closures can count themselves without reference-counting
    /// the counter (crossbeam may run them after the domain is gone); one word per domain.
    pending: &'static AtomicUsize,
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
            pending: Box::leak(Box::new(AtomicUsize::new(0))),
        }
    }

    /// Registers a thread; it starts offline (unpinned).
    pub fn register(&self) -> QsbrThread {
        QsbrThread {
            handle: self.collector.register(),
            guard: None,
            pending: self.pending,
            since_flush: 0,
            ticks: 0,
        }
    }

    /// Deferred frees retired but not yet run.
    pub fn pending(&self) -> usize {
        self.pending.load(Relaxed)
    }
}

/// One thread's participation in a [`Qsbr`] domain. Not `Send`: it belongs to the OS
/// thread that registered it.
pub struct QsbrThread {
    // Field order matters: the guard must be dropped before the handle.
    guard: Option<Guard>,
    handle: LocalHandle,
    pending: &'static AtomicUsize,
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
    /// points an interpreter reaches at every call and backward jump.
    #[inline]
    pub fn quiescent_sometimes(&mut self) {
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks % REPIN_INTERVAL == 0 {
            self.quiescent();
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
        self.pending.fetch_add(1, Relaxed);
        let pending = self.pending;
        // SAFETY: crossbeam requires that the closure may run on another thread after
        // all current pins end; `free` is Send + 'static and the caller guarantees it is
        // safe to run then.
        unsafe {
            guard.defer_unchecked(move || {
                free();
                pending.fetch_sub(1, Relaxed);
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
    /// epoch and runs the retirements whose grace period is over.
    pub fn flush(&mut self) {
        self.since_flush = 0;
        match &self.guard {
            Some(guard) => guard.flush(),
            None => self.handle.pin().flush(),
        }
    }
}
