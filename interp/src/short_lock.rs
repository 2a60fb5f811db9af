//! A lock for state that is held for a few instructions at a time and never across
//! Python code (a generator's resumption state, `generator.rs`).
//!
//! Taking it is one compare-and-swap; releasing it is a plain release store. An
//! uncontended lock and unlock therefore cost one atomic read-modify-write, where
//! `parking_lot::Mutex` needs two (its unlock is a compare-and-swap that looks for
//! parked waiters). On x86 each locked instruction costs about 20 cycles. A generator
//! resumed by a `for` loop takes its lock twice per item (resume, suspend), and
//! perf showed these atomics as most of that path's time.
//!
//! Waiters do not park. They spin briefly, then yield the CPU until the holder
//! releases. That is only sound for a lock whose holders never block or run Python
//! code while holding it. Such a holder reaches no safe point, so a stop-the-world
//! pause waits for it to release like any other thread between safe points.

use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

/// The raw lock (see the module docs); use it as [`ShortLock`].
pub(crate) struct RawShortLock(AtomicBool);

/// Spins before a waiter starts yielding the CPU.
const SPINS: u32 = 64;

// SAFETY: `lock` returns only after this thread set the flag from false to true
// (Acquire), and only the holder clears it (Release), so at most one thread holds the
// lock and the holder's writes are visible to the next holder.
unsafe impl lock_api::RawMutex for RawShortLock {
    // A `const` item is the trait's requirement (lock_api's INIT): each use makes a
    // fresh, unlocked lock.
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: RawShortLock = RawShortLock(AtomicBool::new(false));
    type GuardMarker = lock_api::GuardSend;

    #[inline]
    fn lock(&self) {
        if !self.try_lock() {
            self.lock_contended();
        }
    }

    #[inline]
    fn try_lock(&self) -> bool {
        self.0
            .compare_exchange(false, true, Acquire, Relaxed)
            .is_ok()
    }

    #[inline]
    unsafe fn unlock(&self) {
        self.0.store(false, Release);
    }

    #[inline]
    fn is_locked(&self) -> bool {
        self.0.load(Relaxed)
    }
}

impl RawShortLock {
    /// Waits for the holder to release (see the module docs), then takes the lock.
    #[cold]
    fn lock_contended(&self) {
        use lock_api::RawMutex;
        let mut spins = 0;
        loop {
            if !self.0.load(Relaxed) && self.try_lock() {
                return;
            }
            if spins < SPINS {
                spins += 1;
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }
}

/// A mutex over [`RawShortLock`].
pub(crate) type ShortLock<T> = lock_api::Mutex<RawShortLock, T>;

/// The guard of a [`ShortLock`].
pub(crate) type ShortLockGuard<'a, T> = lock_api::MutexGuard<'a, RawShortLock, T>;

#[cfg(test)]
mod tests {
    use super::ShortLock;
    use std::sync::Arc;

    /// Many threads incrementing a counter under the lock: no increment is lost.
    #[test]
    fn contended_increments_are_not_lost() {
        const THREADS: usize = 8;
        const EACH: usize = 20_000;
        let counter = Arc::new(ShortLock::new(0usize));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let c = counter.clone();
                std::thread::spawn(move || {
                    for _ in 0..EACH {
                        let mut g = c.lock();
                        // A read-modify-write split over two steps: a second holder
                        // would lose updates.
                        let v = *g;
                        std::hint::black_box(&v);
                        *g = v + 1;
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(*counter.lock(), THREADS * EACH);
    }

    #[test]
    fn try_lock_fails_while_held() {
        let l = ShortLock::new(());
        let g = l.lock();
        assert!(l.try_lock().is_none());
        drop(g);
        assert!(l.try_lock().is_some());
    }
}
