//! Owner-biased holds of the per-object mutex: the thread that allocated an object
//! takes and releases its lock without an atomic read-modify-write, until another
//! thread first locks it.
//!
//! # Why
//!
//! An uncontended [`crate::mutex`] lock and unlock are two `lock cmpxchg`s. Each is a
//! full barrier that waits for the store buffer to drain, and in code that stores a lot
//! (a JIT-compiled loop boxing floats into a list) the pair cost more than the rest of
//! a `list[i] = x`: a fifth of nbody's time under the JIT. Most objects are only ever
//! locked by the thread that made them. CPython 3.13t (`LOCK_OBJECT`) pays the two
//! atomics every time; biased locking (Kawachiya, Koseki and Onodera, "Lock
//! Reservation", OOPSLA 2002; HotSpot's biased locking) removes them for the owner.
//!
//! # The protocol (an asymmetric Dekker handshake)
//!
//! A fresh object's mutex byte is `BIASED` (see `initial_state`): *reserved* for the
//! thread in its `ob_tid`. That thread holds the lock by publishing the object in one of
//! its `BiasedHolds` slots (a plain store), then checking that the byte is still
//! exactly `BIASED`; it releases by clearing the slot (a release store). Another thread
//! that wants the lock *revokes* the reservation: it replaces `BIASED` by `LOCKED` with a
//! compare-and-swap (so it holds the lock from then on, and every later locker waits
//! for it as for any holder), issues a process-wide memory barrier (Linux's
//! `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)`), and waits until no thread's slots
//! name the object. The barrier is what makes the owner's plain stores sufficient: it
//! runs a full fence on every running thread of the process, so an owner either
//! published its slot before the fence (the revoker sees it and waits for its release)
//! or checks the byte after it (and sees the revocation, so it takes the ordinary path).
//! Userspace RCU and Folly's `asymmetricHeavyBarrier` use the same split: a cheap side
//! that runs often, and an expensive side that runs once per object.
//!
//! Revocation is permanent: the byte never becomes `BIASED` again. An object revoked by
//! a thread that later exits, or whose `ob_tid` changed (merged counts, the collector's
//! scratch use), is simply an ordinary mutex from then on. Holds never span a point
//! where the owner blocks: detaching suspends every critical section
//! ([`crate::critical_section`](mod@crate::critical_section)), which releases biased holds like any other, so a
//! revoker waits at most for the rest of a section that is running.
//!
//! Where `membarrier` is not available, objects are created unbiased and everything is
//! the ordinary mutex.

use std::cell::Cell;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{compiler_fence, AtomicBool, AtomicPtr, AtomicU8, Ordering};
use std::sync::Once;

use crate::header::{ObjPtr, ObjectHeader};

/// The mutex byte of an object reserved for its owner thread (no one holds the lock
/// through the byte; the owner may hold it through a [`BiasedHolds`] slot).
pub(crate) const BIASED: u8 = 4;

/// How many objects a thread can hold biased at once; a thread that holds this many
/// takes further locks the ordinary way.
pub const SLOTS: usize = 8;

/// The objects a thread holds biased: what revokers read. A slot is written only by
/// the owning OS thread (while attached): set to an object to hold it, cleared to
/// release it; any thread reads the slots through the registry.
pub(crate) struct BiasedHolds {
    slots: [AtomicPtr<ObjectHeader>; SLOTS],
}

impl Default for BiasedHolds {
    fn default() -> Self {
        BiasedHolds {
            slots: std::array::from_fn(|_| AtomicPtr::new(std::ptr::null_mut())),
        }
    }
}

impl BiasedHolds {
    /// Whether a slot names `obj` (acquire: a revoker that sees it cleared also sees
    /// what the holder wrote under the lock).
    fn holds(&self, obj: *mut ObjectHeader) -> bool {
        self.slots.iter().any(|s| s.load(Acquire) == obj)
    }
}

/// The slot of one biased hold, to release it with [`release_slot`] (a reference
/// into the holding thread's slots).
pub type Slot = &'static AtomicPtr<ObjectHeader>;

thread_local! {
    /// The attached thread state's [`BiasedHolds`] (null while detached).
    static HOLDS: Cell<*const BiasedHolds> = const { Cell::new(std::ptr::null()) };
    /// How many biased holds this OS thread has, so that an unlock that is not one
    /// (the usual case for objects that other threads made) skips the slot scan.
    static COUNT: Cell<u32> = const { Cell::new(0) };
}

/// Whether objects are created [`BIASED`] (set once, before the first thread state
/// exists, by [`init`]).
static ENABLED: AtomicBool = AtomicBool::new(false);
static INIT: Once = Once::new();

/// Registers the process for expedited `membarrier` and enables biasing if that
/// works; called when a thread state is created (before any object is allocated). A
/// `STRAND_BIASED_LOCKS=0` environment variable leaves biasing off.
pub(crate) fn init() {
    INIT.call_once(|| {
        let wanted = std::env::var_os("STRAND_BIASED_LOCKS").is_none_or(|v| v != "0");
        ENABLED.store(wanted && register_membarrier(), Relaxed);
    });
}

/// Whether biased holds are in use in this process.
pub fn enabled() -> bool {
    ENABLED.load(Relaxed)
}

/// The mutex byte of a new object: [`BIASED`] when biasing is on.
#[inline(always)]
pub(crate) fn initial_state() -> u8 {
    if ENABLED.load(Relaxed) {
        BIASED
    } else {
        0
    }
}

#[cfg(target_os = "linux")]
fn register_membarrier() -> bool {
    const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: libc::c_long = 1 << 4;
    // SAFETY: membarrier's registration takes no pointers.
    unsafe {
        libc::syscall(
            libc::SYS_membarrier,
            MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
            0,
            0,
        ) == 0
    }
}

#[cfg(not(target_os = "linux"))]
fn register_membarrier() -> bool {
    false
}

/// A full memory barrier on every running thread of the process.
#[cfg(target_os = "linux")]
fn process_wide_barrier() {
    const MEMBARRIER_CMD_PRIVATE_EXPEDITED: libc::c_long = 1 << 3;
    // SAFETY: as in `register_membarrier`.
    let barrier =
        || unsafe { libc::syscall(libc::SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) };
    // The registration is inherited by `fork`ed children; should a kernel not carry it
    // over, registering again makes the command available.
    if barrier() != 0 && !(register_membarrier() && barrier() == 0) {
        // Registered at start-up, so this cannot fail short of a kernel bug; going on
        // without the barrier could let two threads into one critical section.
        eprintln!("strand-heap: membarrier failed after registration");
        std::process::abort();
    }
}

#[cfg(not(target_os = "linux"))]
fn process_wide_barrier() {
    unreachable!("biasing is never enabled without membarrier");
}

/// Attaching a thread state on this OS thread: its slots become the current ones.
/// (Critical sections release their holds when the thread detaches; a raw
/// [`crate::mutex::lock`] may stay held across a detach, biased or not.)
pub(crate) fn set_current(holds: Option<&BiasedHolds>) {
    HOLDS.with(|h| h.set(holds.map_or(std::ptr::null(), |h| h as *const BiasedHolds)));
}

/// Takes `obj`'s lock as its owner without an atomic read-modify-write, if its byte
/// `m` is [`BIASED`], the calling thread is the owner, and a slot is free: the slot
/// that now names `obj`, for [`release_slot`]; `None` (holding nothing) otherwise.
///
/// # Safety
/// `obj` is allocated; `m` is its mutex byte. The slot must be released before this
/// thread state is dropped.
#[inline(always)]
pub(crate) unsafe fn try_acquire(obj: ObjPtr, m: &AtomicU8) -> Option<Slot> {
    // SAFETY: `obj` is allocated (the caller's contract).
    if unsafe { obj.owner_tid() } != crate::thread::current_tid() {
        return None;
    }
    // SAFETY: forwarded.
    unsafe { claim_slot(obj, m) }
}

/// Takes one more biased hold of `obj` for a thread that holds it biased already but
/// is no longer named by its `ob_tid` (the counts were merged meanwhile, or the
/// collector borrowed the word): a nested section on an object an enclosing one
/// holds. `false` when this thread holds no biased hold of `obj`, or the reservation
/// is being revoked.
///
/// # Safety
/// As [`try_acquire`].
pub(crate) unsafe fn try_acquire_nested(obj: ObjPtr, m: &AtomicU8) -> bool {
    // SAFETY: forwarded.
    held_by_current(obj) && unsafe { claim_slot(obj, m) }.is_some()
}

/// The second half of [`try_acquire`], once the caller may hold `obj` biased.
///
/// # Safety
/// As [`try_acquire`].
#[inline(always)]
unsafe fn claim_slot(obj: ObjPtr, m: &AtomicU8) -> Option<Slot> {
    let holds = HOLDS.with(Cell::get);
    if holds.is_null() {
        return None;
    }
    // SAFETY: HOLDS points at the attached thread state's slots, which live (in its
    // `Arc`ed shared part) at least until it exits, and the caller releases the
    // slot before that.
    let holds: &'static BiasedHolds = unsafe { &*holds };
    let slot = holds.slots.iter().find(|s| s.load(Relaxed).is_null())?;
    slot.store(obj.as_ptr(), Relaxed);
    // The slot must be published before the byte is checked. A compiler fence is
    // enough on this side: the revoker's `membarrier` supplies the hardware fence.
    compiler_fence(Ordering::SeqCst);
    if m.load(Relaxed) != BIASED {
        slot.store(std::ptr::null_mut(), Relaxed);
        return None;
    }
    compiler_fence(Ordering::SeqCst);
    COUNT.with(|c| c.set(c.get() + 1));
    Some(slot)
}

/// Releases the biased hold in `slot`.
#[inline(always)]
pub fn release_slot(slot: Slot) {
    // Release: a revoker that sees the slot cleared sees the section's writes.
    slot.store(std::ptr::null_mut(), Release);
    COUNT.with(|c| c.set(c.get() - 1));
}

/// Releases this thread's biased hold of `obj` (taken by [`try_acquire`]) if it has
/// one; `false` if it holds `obj` some other way.
#[inline(always)]
pub(crate) fn release_if_held(obj: ObjPtr) -> bool {
    COUNT.with(Cell::get) != 0 && release_held(obj)
}

#[inline(never)]
fn release_held(obj: ObjPtr) -> bool {
    let holds = HOLDS.with(Cell::get);
    if holds.is_null() {
        return false;
    }
    // SAFETY: as in `try_acquire`.
    let holds: &'static BiasedHolds = unsafe { &*holds };
    match holds.slots.iter().find(|s| s.load(Relaxed) == obj.as_ptr()) {
        Some(slot) => {
            release_slot(slot);
            true
        }
        None => false,
    }
}

/// Whether the calling thread holds `obj` biased.
pub(crate) fn held_by_current(obj: ObjPtr) -> bool {
    let holds = HOLDS.with(Cell::get);
    // SAFETY: as in `try_acquire`.
    !holds.is_null() && unsafe { &*holds }.holds(obj.as_ptr())
}

/// Whether any thread holds `obj` biased.
pub(crate) fn held_by_any(obj: ObjPtr) -> bool {
    crate::thread::with_registry(|threads| any_holds(threads, obj))
}

fn any_holds(
    threads: &mut dyn Iterator<Item = &std::sync::Arc<crate::thread::ThreadShared>>,
    obj: ObjPtr,
) -> bool {
    for t in threads {
        if t.biased.holds(obj.as_ptr()) {
            return true;
        }
    }
    false
}

/// The caller has just taken `obj`'s lock by turning its byte from [`BIASED`] into
/// `LOCKED`: waits until no thread still holds it biased. Usually no one does, which
/// one look at the registry shows without blocking. Otherwise (or when the registry is
/// busy) it waits detached, since the owner may be on its way to a stop-the-world and
/// a stop-the-world requester may hold the registry; detaching suspends the caller's
/// enclosing critical sections, as any wait does. Holds never block, so the wait ends
/// when the owner's current critical section ends or is suspended.
#[cold]
pub(crate) fn finish_revocation(obj: ObjPtr) {
    process_wide_barrier();
    let counters = crate::thread::current_inner().map(|inner| &inner.shared.counters);
    if let Some(c) = counters {
        c.revocations.bump();
    }
    if crate::thread::try_with_registry(|threads| any_holds(threads, obj)) == Some(false) {
        return;
    }
    if let Some(c) = counters {
        c.revocation_waits.bump();
    }
    crate::thread::with_detached(|| {
        let mut spins = 0u32;
        while held_by_any(obj) {
            spins += 1;
            if spins < 64 {
                std::hint::spin_loop();
            } else if spins < 128 {
                std::thread::yield_now();
            } else {
                std::thread::sleep(std::time::Duration::from_micros(20));
            }
        }
    });
}
