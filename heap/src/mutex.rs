//! The one-byte per-object mutex in the header's `ob_mutex` (CPython's `PyMutex`,
//! Python/lock.c).
//!
//! Uncontended locking is one compare-and-swap on the byte. A contended locker spins
//! briefly, then parks in parking_lot's global parking lot keyed by the byte's address
//! and, like `PyMutex`, *detaches its thread state while parked*, so a thread blocked on
//! an object lock never holds up a stop-the-world or QSBR reclamation. The algorithm is
//! parking_lot's `RawMutex` (a LOCKED bit and a PARKED bit).
//!
//! A third bit, [`BIASED`](crate::biased_lock), reserves a fresh object's lock for the
//! thread that allocated it: that thread locks and unlocks with plain stores until
//! another thread first locks the object and revokes the reservation
//! ([`crate::biased_lock`] has the protocol). The functions here take both kinds of
//! hold into account; callers see one mutex.

use std::sync::atomic::AtomicU8;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use parking_lot_core::{SpinWait, DEFAULT_PARK_TOKEN, DEFAULT_UNPARK_TOKEN};

use crate::biased_lock::{self, BIASED};
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
    if !unsafe { lock_fast(obj) } {
        // SAFETY: as above.
        lock_slow(obj, unsafe { &*obj.mutex_byte() });
    }
}

/// Locks `obj`'s mutex if it is free and nobody is parked on it: one strong
/// compare-and-swap, no spinning (CPython's `PyMutex_LockFast`), or, for the owner of
/// an object whose lock is still reserved for it, a biased hold with no atomic
/// read-modify-write at all. `false` means the caller must take a slow path (the byte
/// may even be free by then).
///
/// # Safety
/// As [`lock`].
#[inline(always)]
pub unsafe fn lock_fast(obj: ObjPtr) -> bool {
    // SAFETY: forwarded.
    unsafe { lock_fast_hold(obj) }.is_some()
}

/// How a fast-path lock is held.
pub(crate) enum Hold {
    /// Through the mutex byte (LOCKED): [`unlock`] releases it.
    Byte,
    /// Through this thread's biased-lock slot: [`biased_lock::release_slot`]
    /// releases it without looking for the slot.
    Slot(biased_lock::Slot),
}

/// [`lock_fast`], telling how the lock is held (for critical sections, which keep the
/// slot so that their end is one store).
///
/// # Safety
/// As [`lock`].
#[inline(always)]
pub(crate) unsafe fn lock_fast_hold(obj: ObjPtr) -> Option<Hold> {
    // SAFETY: as in `lock`.
    let m = unsafe { &*obj.mutex_byte() };
    match m.load(Relaxed) {
        // SAFETY: forwarded.
        BIASED => unsafe { biased_lock::try_acquire(obj, m) }.map(Hold::Slot),
        0 => m
            .compare_exchange(0, LOCKED, Acquire, Relaxed)
            .ok()
            .map(|_| Hold::Byte),
        _ => None,
    }
}

/// Tries to lock `obj`'s mutex without blocking.
///
/// # Safety
/// As [`lock`].
#[inline]
pub unsafe fn try_lock(obj: ObjPtr) -> bool {
    // SAFETY: as in `lock`.
    if unsafe { lock_fast(obj) } {
        return true;
    }
    // SAFETY: as in `lock`.
    let m = unsafe { &*obj.mutex_byte() };
    let mut state = m.load(Relaxed);
    while state & LOCKED == 0 {
        if state & BIASED != 0 {
            // Reserved for another thread (or this one, with its slots full).
            return take_reserved(obj, m, state, is_owner(obj));
        }
        match m.compare_exchange_weak(state, state | LOCKED, Acquire, Relaxed) {
            Ok(_) => return true,
            Err(s) => state = s,
        }
    }
    false
}

/// Takes `obj`'s lock if it is reserved for another thread and free through its byte
/// (the first lock of an object by a thread that did not allocate it): revokes the
/// reservation and waits for the owner's biased hold, if it has one, to end. `false`
/// (holding nothing) when the lock is not in that state.
///
/// # Safety
/// As [`lock`].
pub(crate) unsafe fn take_reservation(obj: ObjPtr) -> bool {
    // SAFETY: as in `lock`.
    let m = unsafe { &*obj.mutex_byte() };
    let state = m.load(Relaxed);
    if state != BIASED {
        return false;
    }
    // SAFETY: as in `lock`.
    if unsafe { biased_lock::try_acquire_nested(obj, m) } {
        return true;
    }
    !is_owner(obj) && take_reserved(obj, m, state, false)
}

/// Whether the calling thread is named by `obj`'s `ob_tid` (its reservation's owner).
fn is_owner(obj: ObjPtr) -> bool {
    // SAFETY: callers' objects are allocated (lock's contract).
    (unsafe { obj.owner_tid() }) == crate::thread::current_tid()
}

/// The byte is `state`, with [`BIASED`] set and LOCKED clear: takes the lock by
/// turning it into LOCKED (the owner, whose slots are full, keeps the reservation and
/// sets LOCKED beside it). A revoker then waits for biased holders to finish. `false`
/// when the byte changed meanwhile (the caller looks again).
#[cold]
fn take_reserved(obj: ObjPtr, m: &AtomicU8, state: u8, owner: bool) -> bool {
    // A thread must not revoke a reservation it holds biased itself (it would wait
    // for itself): that is a re-entrant lock of a held mutex.
    debug_assert!(
        owner || !biased_lock::held_by_current(obj),
        "re-entrant lock"
    );
    let new = if owner { state | LOCKED } else { LOCKED };
    if m.compare_exchange(state, new, Acquire, Relaxed).is_err() {
        return false;
    }
    if !owner {
        biased_lock::finish_revocation(obj);
    }
    true
}

/// Unlocks `obj`'s mutex, waking one parked waiter if there is one.
///
/// # Safety
/// The calling thread must hold the lock.
#[inline(always)]
pub unsafe fn unlock(obj: ObjPtr) {
    // SAFETY: as in `lock`.
    let m = unsafe { &*obj.mutex_byte() };
    // A biased hold is one of this thread's slots (the byte may say LOCKED meanwhile:
    // a revoker that waits for the slot to clear). The owner never holds an object
    // both ways at once, so the slot, if there is one, is this hold.
    if biased_lock::release_if_held(obj) {
        return;
    }
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
    unsafe { &*obj.mutex_byte() }.load(Relaxed) & LOCKED != 0 || biased_lock::held_by_any(obj)
}

#[cold]
fn lock_slow(obj: ObjPtr, m: &AtomicU8) {
    let mut spin = SpinWait::new();
    let mut state = m.load(Relaxed);
    loop {
        if state & BIASED != 0 {
            if state & LOCKED == 0 {
                // SAFETY: `obj` is allocated (lock's contract).
                if unsafe { biased_lock::try_acquire_nested(obj, m) }
                    || take_reserved(obj, m, state, is_owner(obj))
                {
                    return;
                }
            } else {
                // The owner holds it through the byte (its slots were full). Nobody
                // holds it biased now, and nobody can start to: the byte is not
                // exactly BIASED. Drop the reservation and wait as for any holder.
                m.fetch_and(!BIASED, Relaxed);
            }
            state = m.load(Relaxed);
            continue;
        }
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
    // No waiter: clear LOCKED, keeping a reservation (the owner's hold through the
    // byte) or seeing one dropped by a thread about to wait.
    let mut state = m.load(Relaxed);
    while state & PARKED == 0 {
        match m.compare_exchange_weak(state, state & !LOCKED, Release, Relaxed) {
            Ok(_) => return,
            Err(s) => state = s,
        }
    }
    // Waiters park only once the reservation is gone, so the byte is LOCKED | PARKED.
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
