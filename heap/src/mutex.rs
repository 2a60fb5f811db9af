//! The one-byte per-object mutex in the header's `ob_mutex` (CPython's `PyMutex`,
//! Python/lock.c).
//!
//! Uncontended locking is one compare-and-swap on the byte. A contended locker spins
//! briefly, then parks in parking_lot's global parking lot keyed by the byte's address
//! and, like `PyMutex`, *detaches its thread state while parked*, so a thread blocked on
//! an object lock never holds up a stop-the-world or QSBR reclamation. The algorithm is
//! parking_lot's `RawMutex` (a LOCKED bit and a PARKED bit).

use std::sync::atomic::AtomicU8;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use parking_lot_core::{SpinWait, DEFAULT_PARK_TOKEN, DEFAULT_UNPARK_TOKEN};

use crate::header::ObjPtr;

const LOCKED: u8 = 1;
const PARKED: u8 = 2;

/// Locks `obj`'s mutex, blocking (detached) while another thread holds it.
///
/// # Safety
/// `obj` must stay allocated until the matching [`unlock`]. The mutex is not
/// re-entrant: locking it twice on one thread deadlocks.
#[inline]
pub unsafe fn lock(obj: ObjPtr) {
    // SAFETY: the byte lives in the object's header, allocated per the contract.
    let m = unsafe { &*obj.mutex_byte() };
    if m.compare_exchange_weak(0, LOCKED, Acquire, Relaxed)
        .is_err()
    {
        lock_slow(m);
    }
}

/// Locks `obj`'s mutex if it is free and nobody is parked on it: one strong
/// compare-and-swap, no spinning (CPython's `PyMutex_LockFast`). `false` means the
/// caller must take a slow path (the byte may even be free by then).
///
/// # Safety
/// As [`lock`].
#[inline(always)]
pub unsafe fn lock_fast(obj: ObjPtr) -> bool {
    // SAFETY: as in `lock`.
    let m = unsafe { &*obj.mutex_byte() };
    m.compare_exchange(0, LOCKED, Acquire, Relaxed).is_ok()
}

/// Tries to lock `obj`'s mutex without blocking.
///
/// # Safety
/// As [`lock`].
#[inline]
pub unsafe fn try_lock(obj: ObjPtr) -> bool {
    // SAFETY: as in `lock`.
    let m = unsafe { &*obj.mutex_byte() };
    let mut state = m.load(Relaxed);
    while state & LOCKED == 0 {
        match m.compare_exchange_weak(state, state | LOCKED, Acquire, Relaxed) {
            Ok(_) => return true,
            Err(s) => state = s,
        }
    }
    false
}

/// Unlocks `obj`'s mutex, waking one parked waiter if there is one.
///
/// # Safety
/// The calling thread must hold the lock.
#[inline(always)]
pub unsafe fn unlock(obj: ObjPtr) {
    // SAFETY: as in `lock`.
    let m = unsafe { &*obj.mutex_byte() };
    if m.compare_exchange(LOCKED, 0, Release, Relaxed).is_err() {
        unlock_slow(m);
    }
}

/// `true` if some thread holds `obj`'s mutex (for assertions).
///
/// # Safety
/// `obj` must be allocated.
pub unsafe fn is_locked(obj: ObjPtr) -> bool {
    // SAFETY: as in `lock`.
    unsafe { &*obj.mutex_byte() }.load(Relaxed) & LOCKED != 0
}

#[cold]
fn lock_slow(m: &AtomicU8) {
    let mut spin = SpinWait::new();
    let mut state = m.load(Relaxed);
    loop {
        if state & LOCKED == 0 {
            match m.compare_exchange_weak(state, state | LOCKED, Acquire, Relaxed) {
                Ok(_) => return,
                Err(s) => state = s,
            }
            continue;
        }
        if state & PARKED == 0 && spin.spin() {
            state = m.load(Relaxed);
            continue;
        }
        if state & PARKED == 0 {
            if let Err(s) = m.compare_exchange_weak(state, state | PARKED, Relaxed, Relaxed) {
                state = s;
                continue;
            }
        }
        let key = m as *const AtomicU8 as usize;
        crate::thread::with_detached(|| {
            // SAFETY: the key is the mutex's address, used only by this module; the
            // validate closure only reads the byte; the callbacks do nothing that could
            // panic or call back into the parking lot.
            unsafe {
                parking_lot_core::park(
                    key,
                    || m.load(Relaxed) == LOCKED | PARKED,
                    || {},
                    |_, _| {},
                    DEFAULT_PARK_TOKEN,
                    None,
                );
            }
        });
        spin.reset();
        state = m.load(Relaxed);
    }
}

#[cold]
fn unlock_slow(m: &AtomicU8) {
    let key = m as *const AtomicU8 as usize;
    // SAFETY: same key discipline as lock_slow; the callback runs under the parking
    // lot's bucket lock and only stores the new state.
    unsafe {
        parking_lot_core::unpark_one(key, |result| {
            if result.have_more_threads {
                m.store(PARKED, Release);
            } else {
                m.store(0, Release);
            }
            DEFAULT_UNPARK_TOKEN
        });
    }
}
