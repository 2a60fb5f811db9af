//! Biased reference counting.
//!
//! Algorithm: Choi, Shull and Torrellas, "Biased Reference Counting: Minimizing Atomic
//! Operations in Garbage Collection" (PACT 2018), in the form CPython's free-threaded
//! build uses (PEP 703; Include/internal/pycore_object.h, Objects/object.c,
//! Python/brc.c).
//!
//! Every object is *biased* towards the thread that allocated it (`ob_tid`). That
//! thread, the owner, counts its references in `ob_ref_local` with plain loads and
//! stores; every other thread counts in `ob_ref_shared` with atomic read-modify-writes.
//! The true count is `ob_ref_local + (ob_ref_shared >> 2)`, minus one while a merge is
//! queued (below). The two low bits of `ob_ref_shared` are a state:
//!
//! | bits | state            | meaning                                                   |
//! |------|------------------|-----------------------------------------------------------|
//! | 0    | `REF_SHARED_INIT`| no other thread's decrement has been seen yet             |
//! | 1    | `REF_MAYBE_WEAKREF` | published for lock-free readers ([`mark_shared`])      |
//! | 2    | `REF_QUEUED`     | queued to the owner for a merge; one decrement is pending |
//! | 3    | `REF_MERGED`     | counts merged into the shared field; `ob_tid` is 0        |
//!
//! * When the owner's local count reaches zero, the counts are merged (the object
//!   becomes unowned and is counted in the shared field from then on), or the object is
//!   freed if nobody else ever referenced it, or, if a merge is already queued to the
//!   owner, nothing happens until that merge runs.
//! * When another thread's decrement finds the shared count at zero in state INIT or
//!   MAYBE_WEAKREF, the decrement cannot be applied without knowing the owner's local
//!   count, so the object is put in the owner's merge queue instead ([`crate::brc`]) and
//!   the queue holds the reference. The owner merges it at its next safe point; if the
//!   owner has exited, whoever next drains the orphan queue does.
//!
//! Immortal objects have `ob_ref_local == u32::MAX`; all counting on them is a no-op.
//! Deferred objects carry [`DEFERRED_BIAS`] in their shared count; those that every
//! thread counts all the time may be counted per thread instead ([`enable_local_refs`],
//! `crate::local_refs`): their `ob_tid` then holds [`TID_LOCAL_REFS`] and an id.
//!
//! The functions named `*_core` implement the state machine against an explicit
//! thread id and return what the caller must do next; they are what the loom models
//! in `tests/loom.rs` exercise. The public functions apply them for the current thread.

use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};

use crate::sync::fence;

use crate::header::ObjectHeader;
#[cfg(not(loom))]
use crate::header::{ObFlags, ObjPtr};

/// `ob_ref_local` of an immortal object.
pub const IMMORTAL_LOCAL: u32 = u32::MAX;
/// The shared count is stored shifted left by this many bits.
pub const SHARED_SHIFT: u32 = 2;
/// Mask of the state bits in `ob_ref_shared`.
pub const SHARED_FLAG_MASK: isize = 0b11;
/// State: no decrement by another thread has been seen.
pub const REF_SHARED_INIT: isize = 0;
/// State: the object may be read lock-free, so `try_incref` may act on it.
pub const REF_MAYBE_WEAKREF: isize = 1;
/// State: queued to the owner for merging; one decrement is pending.
pub const REF_QUEUED: isize = 2;
/// State: merged; the shared field holds the whole count.
pub const REF_MERGED: isize = 3;
/// Added to the shared count of deferred objects so that counting alone never frees
/// them (CPython's `_Py_REF_DEFERRED`).
pub const DEFERRED_BIAS: isize = (isize::MAX / 8) >> SHARED_SHIFT;
/// `ob_tid` value of an object whose counts have been merged.
pub const TID_MERGED: usize = 0;
/// Tag bit of an `ob_tid` that holds a per-thread reference-count id instead of an
/// owner (`crate::local_refs`); no thread id has it.
pub const TID_LOCAL_REFS: usize = 1 << (usize::BITS - 1);

/// One unit of the shared count in the encoded `ob_ref_shared` field.
const ONE_SHARED: isize = 1 << SHARED_SHIFT;

/// What the caller of a decrement must do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum DecrefOutcome {
    /// Nothing: the object is still referenced.
    Alive,
    /// The count reached zero: deallocate the object.
    Dealloc,
    /// Queue the object to its owner's merge queue; the queue now holds the reference.
    Queue,
}

/// Increments the count as thread `tid`.
///
/// Like CPython, an owner's local count that would reach `u32::MAX` saturates into
/// the immortal value instead of overflowing: the object is then never freed (a leak,
/// never a premature free). Four billion references from one thread to one object
/// need more memory than the references' storage can occupy on today's machines.
#[inline(always)]
pub fn incref_core(h: &ObjectHeader, tid: usize) {
    let new = h.ob_ref_local.load(Relaxed).wrapping_add(1);
    if new == 0 {
        return; // immortal
    }
    let owner = h.ob_tid.load(Relaxed);
    if owner == tid {
        h.ob_ref_local.store(new, Relaxed);
    } else {
        #[cfg(not(loom))]
        if owner & TID_LOCAL_REFS != 0 {
            crate::local_refs::incref(h, owner);
            return;
        }
        h.ob_ref_shared.fetch_add(ONE_SHARED, Relaxed);
    }
}

/// Decrements the count as thread `tid`.
///
/// An owned object's local count is at least 1: when it reaches 0 the object stops
/// being owned (it is merged, freed, or left unowned for a queued merge).
#[inline(always)]
pub fn decref_core(h: &ObjectHeader, tid: usize) -> DecrefOutcome {
    let local = h.ob_ref_local.load(Relaxed);
    if local == IMMORTAL_LOCAL {
        return DecrefOutcome::Alive;
    }
    let owner = h.ob_tid.load(Relaxed);
    if owner == tid {
        let new = local - 1;
        h.ob_ref_local.store(new, Relaxed);
        if new == 0 {
            // The common end of a thread-private object's life: no other thread ever
            // counted it, so free it without further ado.
            if h.ob_ref_shared.load(Acquire) == REF_SHARED_INIT {
                return DecrefOutcome::Dealloc;
            }
            return merge_zero_local_core(h);
        }
        DecrefOutcome::Alive
    } else {
        #[cfg(not(loom))]
        if owner & TID_LOCAL_REFS != 0 {
            // Deferred: counting alone never frees it.
            crate::local_refs::decref(h, owner);
            return DecrefOutcome::Alive;
        }
        decref_shared_core(h)
    }
}

/// The owner's local count just reached zero: free the object if no other thread ever
/// counted it, else merge the counts into the shared field (CPython's
/// `_Py_MergeZeroLocalRefcount`).
#[inline(never)]
pub fn merge_zero_local_core(h: &ObjectHeader) -> DecrefOutcome {
    let mut shared = h.ob_ref_shared.load(Acquire);
    if shared == REF_SHARED_INIT {
        // No other thread has a reference and none can get one: try_incref refuses
        // INIT with count zero, and every other path needs a reference to start from.
        return DecrefOutcome::Dealloc;
    }
    if shared & SHARED_FLAG_MASK == REF_QUEUED {
        // Another thread's decrement is queued to us and will be merged at our next safe
        // point; that merge reads our (now zero) local count and applies the pending
        // decrement. Until then the object is unowned (everyone counts in the shared
        // field, which cannot free it while it is QUEUED) but not yet merged: merging
        // here would lose the `QUEUED` mark that makes `refcount_core` exact. The true
        // count is `shared count - 1`, at least 0.
        h.ob_tid.store(TID_MERGED, Relaxed);
        return DecrefOutcome::Alive;
    }
    // From here on the object is unowned: every thread counts in the shared field.
    h.ob_tid.store(TID_MERGED, Relaxed);
    loop {
        let new = (shared & !SHARED_FLAG_MASK) | REF_MERGED;
        match h
            .ob_ref_shared
            .compare_exchange_weak(shared, new, AcqRel, Acquire)
        {
            Ok(_) if new == REF_MERGED => return DecrefOutcome::Dealloc,
            Ok(_) => return DecrefOutcome::Alive,
            Err(actual) => shared = actual,
        }
    }
}

/// A decrement by a thread that does not own the object (CPython's `_Py_DecRefShared`).
#[inline]
pub fn decref_shared_core(h: &ObjectHeader) -> DecrefOutcome {
    let mut shared = h.ob_ref_shared.load(Relaxed);
    loop {
        let queue = shared == REF_SHARED_INIT || shared == REF_MAYBE_WEAKREF;
        // Queueing does not subtract: the queue entry holds the reference until the
        // owner merges. Otherwise subtract; the count may go negative while the owner
        // still holds local references.
        let new = if queue {
            REF_QUEUED
        } else {
            shared - ONE_SHARED
        };
        match h
            .ob_ref_shared
            .compare_exchange_weak(shared, new, Release, Relaxed)
        {
            Ok(_) if queue => return DecrefOutcome::Queue,
            Ok(_) if new == REF_MERGED => {
                // Pair with every other thread's Release decrement before freeing.
                fence(Acquire);
                return DecrefOutcome::Dealloc;
            }
            Ok(_) => return DecrefOutcome::Alive,
            Err(actual) => shared = actual,
        }
    }
}

/// Merges the local count into the shared field, adds `extra` (−1 to apply the
/// decrement a queue entry held), and makes the object unowned. Returns the merged
/// total (CPython's `_Py_ExplicitMergeRefcount`).
///
/// Must run where no thread can concurrently write `ob_ref_local`: on the owner, with
/// the owner stopped, or after the owner exited.
pub fn explicit_merge_core(h: &ObjectHeader, extra: isize) -> isize {
    let mut shared = h.ob_ref_shared.load(Acquire);
    loop {
        let local = h.ob_ref_local.load(Relaxed) as isize;
        let total = (shared >> SHARED_SHIFT) + local + extra;
        let new = (total << SHARED_SHIFT) | REF_MERGED;
        match h
            .ob_ref_shared
            .compare_exchange_weak(shared, new, AcqRel, Acquire)
        {
            Ok(_) => {
                h.ob_ref_local.store(0, Relaxed);
                h.ob_tid.store(TID_MERGED, Relaxed);
                return total;
            }
            Err(actual) => shared = actual,
        }
    }
}

/// Tries to take a new reference as thread `tid` without holding one; fails if the
/// object is, or may be, being freed (CPython's `_Py_TryIncrefFast` and
/// `_Py_TryIncRefShared`).
#[inline]
pub fn try_incref_core(h: &ObjectHeader, tid: usize) -> bool {
    let local = h.ob_ref_local.load(Relaxed);
    if local == IMMORTAL_LOCAL {
        return true;
    }
    if h.ob_tid.load(Relaxed) == tid {
        // Owned with a nonzero local count: alive. (Zero only while its owner is
        // deallocating it, which must not be undone.)
        if local == 0 {
            return false;
        }
        incref_core(h, tid);
        return true;
    }
    let mut shared = h.ob_ref_shared.load(Relaxed);
    loop {
        // INIT with count zero: the owner may free it without a CAS. MERGED with count
        // zero: it is being freed. Either way the memory may be about to go.
        if shared == REF_SHARED_INIT || shared == REF_MERGED {
            return false;
        }
        match h
            .ob_ref_shared
            .compare_exchange_weak(shared, shared + ONE_SHARED, Relaxed, Relaxed)
        {
            Ok(_) => return true,
            Err(actual) => shared = actual,
        }
    }
}

/// Sets state MAYBE_WEAKREF on an object in state INIT with shared count zero, so that
/// lock-free readers can `try_incref` it and its owner's final decrement goes through a
/// CAS that races safely with them (CPython's `_PyObject_SetMaybeWeakref`).
pub fn set_maybe_weakref_core(h: &ObjectHeader) {
    let mut shared = h.ob_ref_shared.load(Relaxed);
    while shared & SHARED_FLAG_MASK == REF_SHARED_INIT {
        match h.ob_ref_shared.compare_exchange_weak(
            shared,
            shared | REF_MAYBE_WEAKREF,
            Relaxed,
            Relaxed,
        ) {
            Ok(_) => return,
            Err(actual) => shared = actual,
        }
    }
}

/// The true reference count: local plus shared, less the decrement a queued merge
/// holds. Exact only when no thread is changing the count concurrently.
pub fn refcount_core(h: &ObjectHeader) -> isize {
    let local = h.ob_ref_local.load(Relaxed);
    if local == IMMORTAL_LOCAL {
        return IMMORTAL_LOCAL as isize;
    }
    let shared = h.ob_ref_shared.load(Acquire);
    let pending = isize::from(shared & SHARED_FLAG_MASK == REF_QUEUED);
    local as isize + (shared >> SHARED_SHIFT) - pending
}

/// The state bits of `ob_ref_shared`.
pub fn shared_state_core(h: &ObjectHeader) -> isize {
    h.ob_ref_shared.load(Relaxed) & SHARED_FLAG_MASK
}

// ---------------------------------------------------------------------------------
// The public API for the current thread.
// ---------------------------------------------------------------------------------

/// Takes a new reference to `obj`.
///
/// The owner thread's increment (the common case) is inline: one load of the local
/// count, one comparison of `ob_tid` with the thread's id, one store (CPython's
/// `Py_INCREF` in the free-threaded build). Other threads' increments (an atomic add, or
/// a per-thread count) are out of line.
///
/// # Safety
/// `obj` must be alive and the caller must hold a reference to it (or otherwise know it
/// stays alive, e.g. the world is stopped). The calling OS thread must have an
/// attached [`crate::ThreadState`] unless `obj` is immortal.
#[cfg(not(loom))]
#[inline(always)]
pub unsafe fn incref(obj: ObjPtr) {
    // SAFETY: obj is alive by the caller's contract.
    let h = unsafe { obj.header() };
    let new = h.ob_ref_local.load(Relaxed).wrapping_add(1);
    if new == 0 {
        return; // immortal
    }
    // A count that reaches u32::MAX saturates into immortality (see `incref_core`).
    if h.ob_tid.load(Relaxed) == crate::thread::current_tid() {
        h.ob_ref_local.store(new, Relaxed);
    } else {
        incref_not_owner(h);
    }
}

/// [`incref`] by a thread that does not own the object: a per-thread count, or an
/// atomic add to the shared field.
#[cfg(not(loom))]
#[inline(never)]
fn incref_not_owner(h: &ObjectHeader) {
    incref_core(h, crate::thread::current_tid());
}

/// Drops a reference to `obj`, deallocating it (through its vtable's `dealloc`) when
/// this was the last one, or queueing it to its owner when that cannot be known yet.
///
/// The owner thread's decrement that leaves the count above zero (the common case) is
/// inline: a load of the local count, the immortality check, the owner check and a
/// store (CPython's `Py_DECREF` in the free-threaded build). The owner's last
/// reference, and every other thread's decrement, are out of line
/// ([`decref_slow`]).
///
/// # Safety
/// The caller must own the reference it gives up, and the calling OS thread must have
/// an attached [`crate::ThreadState`]. `obj` must not be used afterwards unless the
/// caller holds another reference.
#[cfg(not(loom))]
#[inline(always)]
pub unsafe fn decref(obj: ObjPtr) {
    // SAFETY: the caller owns a reference, so the header is alive.
    let h = unsafe { obj.header() };
    let local = h.ob_ref_local.load(Relaxed);
    if local == IMMORTAL_LOCAL {
        return;
    }
    // An owned live object's local count is at least 1; at 1 this is the last local
    // reference, which the slow path handles.
    if h.ob_tid.load(Relaxed) == crate::thread::current_tid() && local != 1 {
        h.ob_ref_local.store(local - 1, Relaxed);
        return;
    }
    // SAFETY: forwarded.
    unsafe { decref_slow(obj) }
}

/// The rest of [`decref`]: the owner's last local reference (free the object, or
/// merge its counts), or a decrement by another thread (shared count, per-thread
/// count, or queueing to the owner). Out of line so that every call site of
/// [`decref`] stays small; not `#[cold]`, since the owner freeing a temporary (a
/// float, a bound method) goes through here.
///
/// # Safety
/// As [`decref`].
#[cfg(not(loom))]
#[inline(never)]
pub unsafe fn decref_slow(obj: ObjPtr) {
    // SAFETY: the caller owns a reference, so the header is alive.
    match decref_core(unsafe { obj.header() }, crate::thread::current_tid()) {
        DecrefOutcome::Alive => {}
        // SAFETY: the count reached zero: this thread now owns the object exclusively.
        DecrefOutcome::Dealloc => unsafe { crate::dealloc::dealloc_inline(obj) },
        // SAFETY: the reference we gave up now belongs to the queue entry.
        DecrefOutcome::Queue => unsafe { crate::brc::queue_object(obj) },
    }
}

/// Tries to take a reference to an object the caller reached without holding one
/// (a lock-free read of a container slot). Returns `false` if the object is being or
/// may be about to be freed; the caller then falls back to a locked read.
///
/// Objects that lock-free readers may reach must have been published with
/// [`mark_shared`]; for those, `try_incref` succeeds exactly while the merged count is
/// above zero. Success can still race with the last reference being dropped, so
/// readers confirm that the slot still holds `obj` afterwards (see
/// [`try_incref_compare`]).
///
/// # Safety
/// `obj`'s memory must not be freed while this runs: it was read from a slot whose
/// objects are freed only after a QSBR grace period ([`crate::free_object`] does this
/// for shared objects) and the calling thread is attached.
#[cfg(not(loom))]
#[inline(always)]
pub unsafe fn try_incref(obj: ObjPtr) -> bool {
    // SAFETY: forwarded.
    if unsafe { try_incref_fast(obj) } {
        return true;
    }
    // SAFETY: the memory stays allocated by the caller's contract.
    try_incref_not_owner(unsafe { obj.header() })
}

/// The first half of [`try_incref`] (CPython's `_Py_TryIncrefFast`): takes a reference
/// with plain loads and a store when `obj` is immortal, or owned by this thread with a
/// live local count, and returns `true`. Such an object cannot be freed while this
/// thread is here: only its owner frees an owned object, and it is not freeing it now.
/// `false` means nothing was done: another thread owns the object (or it is dying).
///
/// # Safety
/// As [`try_incref`].
#[cfg(not(loom))]
#[inline(always)]
pub unsafe fn try_incref_fast(obj: ObjPtr) -> bool {
    // SAFETY: the memory stays allocated by the caller's contract.
    let h = unsafe { obj.header() };
    let local = h.ob_ref_local.load(Relaxed);
    let new = local.wrapping_add(1);
    if new == 0 {
        return true; // immortal
    }
    // Zero only while this thread is deallocating it, which must not be undone.
    if local != 0 && h.ob_tid.load(Relaxed) == crate::thread::current_tid() {
        h.ob_ref_local.store(new, Relaxed);
        return true;
    }
    false
}

/// How a lock-free reader holds an object after [`take_loaded_fast`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LoadedRef {
    /// Immortal or deferred: used without a count (nothing frees it before the
    /// reader's next safe point).
    Uncounted,
    /// Owned by this thread: a count was added to its local field.
    Counted,
    /// Another thread owns it (or it is dying): nothing was done; the caller takes
    /// the slow path ([`try_incref_shared`] and a recheck of the slot).
    NotTaken,
}

/// The fast half of a lock-free read of a container slot that may keep deferred and
/// immortal values uncounted (specialized `LOAD_GLOBAL`/`LOAD_ATTR`, CPython's
/// `_Py_TryXGetStackRef`): one load of the local count serves the immortality check
/// and the increment, and the owner check is made once. Equivalent to testing
/// `DEFERRED` or [`is_immortal`] and then calling [`try_incref_fast`].
///
/// # Safety
/// As [`try_incref`]: `obj`'s memory stays allocated while this runs.
#[cfg(not(loom))]
#[inline(always)]
pub unsafe fn take_loaded_fast(obj: ObjPtr) -> LoadedRef {
    // SAFETY: the memory stays allocated by the caller's contract.
    let h = unsafe { obj.header() };
    let local = h.ob_ref_local.load(Relaxed);
    if local == IMMORTAL_LOCAL
        || ObFlags::from_bits_retain(h.ob_flags.load(Relaxed)).contains(ObFlags::DEFERRED)
    {
        return LoadedRef::Uncounted;
    }
    // Zero only while this thread is deallocating it, which must not be undone.
    if local != 0 && h.ob_tid.load(Relaxed) == crate::thread::current_tid() {
        h.ob_ref_local.store(local + 1, Relaxed);
        return LoadedRef::Counted;
    }
    LoadedRef::NotTaken
}

/// [`try_incref`] by a thread that does not own the object: a compare-and-swap on the
/// shared field that refuses a count that may be about to be freed (CPython's
/// `_Py_TryIncRefShared`).
#[cfg(not(loom))]
#[inline(never)]
fn try_incref_not_owner(h: &ObjectHeader) -> bool {
    try_incref_core(h, crate::thread::current_tid())
}

/// The rest of [`try_incref`] after [`try_incref_fast`] returned `false`: the
/// compare-and-swap on the shared field, out of line (CPython's `_Py_TryIncRefShared`).
/// For lock-free readers that treat the two outcomes differently: a reference taken by
/// [`try_incref_fast`] needs no recheck of the slot it was read from, this one does.
///
/// # Safety
/// As [`try_incref`].
#[cfg(not(loom))]
#[inline(always)]
pub unsafe fn try_incref_shared(obj: ObjPtr) -> bool {
    // SAFETY: the memory stays allocated by the caller's contract.
    try_incref_not_owner(unsafe { obj.header() })
}

/// The lock-free read protocol of CPython's `_Py_TryXGetRef` / `_Py_TryIncrefCompare`:
/// take a reference to the object `slot` points to. An immortal object, or one this
/// thread owns, is taken with [`try_incref_fast`] and returned at once: it was in the
/// slot when loaded and cannot have been freed since. Any other object is taken with a
/// compare-and-swap and returned only if the slot still points to it afterwards.
/// Returns `None` if the slot is empty, or the object is being freed, or the slot
/// changed meanwhile.
///
/// # Safety
/// The memory of every object the slot can hold must stay allocated while the calling
/// (attached) thread is between two quiescent states after loading it: objects that
/// other threads may free are published with [`mark_shared`] (so that their memory
/// waits out a QSBR grace period). The slot's writers must drop their references only
/// after clearing or replacing the slot.
#[cfg(not(loom))]
#[inline(always)]
pub unsafe fn try_incref_compare(
    slot: &std::sync::atomic::AtomicPtr<ObjectHeader>,
) -> Option<ObjPtr> {
    let obj = ObjPtr::from_raw(slot.load(Acquire))?;
    // SAFETY: the object's memory is valid by the caller's contract.
    if unsafe { try_incref_fast(obj) } {
        return Some(obj);
    }
    // SAFETY: as above.
    unsafe { try_incref_compare_shared(slot, obj) }
}

/// The compare-and-swap half of [`try_incref_compare`], out of line.
///
/// # Safety
/// As [`try_incref_compare`]; `obj` was loaded from `slot`.
#[cfg(not(loom))]
#[inline(never)]
unsafe fn try_incref_compare_shared(
    slot: &std::sync::atomic::AtomicPtr<ObjectHeader>,
    obj: ObjPtr,
) -> Option<ObjPtr> {
    // SAFETY: the object's memory is valid by the caller's contract.
    if !try_incref_not_owner(unsafe { obj.header() }) {
        return None;
    }
    if slot.load(Acquire) != obj.as_ptr() {
        // SAFETY: we took a reference above and give it back.
        unsafe { decref(obj) };
        return None;
    }
    Some(obj)
}

/// The true reference count of `obj` (merged total, pending queued decrements applied,
/// deferred bias removed; `u32::MAX` for immortals). For tests and `sys.getrefcount`;
/// exact only while no other thread changes the count.
///
/// # Safety
/// `obj`'s memory must be allocated.
#[cfg(not(loom))]
pub unsafe fn refcount(obj: ObjPtr) -> isize {
    // SAFETY: forwarded to the caller.
    let h = unsafe { obj.header() };
    let rc = refcount_core(h);
    // SAFETY: as above.
    if unsafe { obj.flags() }.contains(ObFlags::DEFERRED) && rc != IMMORTAL_LOCAL as isize {
        rc - DEFERRED_BIAS
    } else {
        rc
    }
}

/// `true` if the caller's reference is the only reference to `obj`, so that the caller
/// may change an object that is immutable to everyone else (reuse a result tuple,
/// update a float in place): the current thread owns it, its local count is 1, and no
/// other thread has ever counted it (the shared field is zero, state INIT). A deferred,
/// immortal, merged or published object is never unique. CPython's
/// `_PyObject_IsUniquelyReferenced` (Include/internal/pycore_object.h, free-threaded
/// build).
///
/// No other thread can take a reference meanwhile: it would need one to copy, and
/// the caller holds the only one.
///
/// # Safety
/// The caller holds a reference to `obj`, and the calling OS thread has an attached
/// [`crate::ThreadState`].
#[cfg(not(loom))]
#[inline(always)]
pub unsafe fn is_uniquely_referenced(obj: ObjPtr) -> bool {
    // SAFETY: obj is alive by the caller's contract.
    let h = unsafe { obj.header() };
    h.ob_ref_local.load(Relaxed) == 1
        && h.ob_ref_shared.load(Relaxed) == 0
        && h.ob_tid.load(Relaxed) == crate::thread::current_tid()
}

/// `true` if `obj` is immortal.
///
/// # Safety
/// `obj`'s memory must be allocated.
#[cfg(not(loom))]
#[inline]
pub unsafe fn is_immortal(obj: ObjPtr) -> bool {
    // SAFETY: forwarded to the caller.
    unsafe { obj.header() }.ob_ref_local.load(Relaxed) == IMMORTAL_LOCAL
}

/// Makes `obj` immortal: from now on reference counting on it is a no-op and it is
/// never freed by counting (None, True, small ints, interned strings, static types).
///
/// # Safety
/// `obj` must be alive and not yet visible to other threads (call it while
/// initialising), because the local count is written without synchronisation.
#[cfg(not(loom))]
pub unsafe fn set_immortal(obj: ObjPtr) {
    // SAFETY: the caller has exclusive access to a live object.
    let h = unsafe { obj.header() };
    h.ob_ref_local.store(IMMORTAL_LOCAL, Relaxed);
    h.ob_ref_shared.store(0, Relaxed);
    // SAFETY: as above.
    unsafe { obj.set_flags(ObFlags::IMMORTAL) };
}

/// Makes `obj` a GC-only object (the JIT's executors): reference counting on it becomes
/// a no-op, as on an immortal, and it lives exactly as long as the cycle collector finds
/// it reachable from counted objects or roots; the collector frees it otherwise.
///
/// # Safety
/// `obj` must be alive, tracked by the collector (a GC heap kind), and not yet visible
/// to other threads.
#[cfg(not(loom))]
pub unsafe fn set_gc_only(obj: ObjPtr) {
    // SAFETY: the caller has exclusive access to a live object.
    let (h, kind) = unsafe { (obj.header(), obj.kind()) };
    debug_assert!(kind.is_gc());
    h.ob_ref_local.store(IMMORTAL_LOCAL, Relaxed);
    h.ob_ref_shared.store(0, Relaxed);
    // SAFETY: as above.
    unsafe { obj.set_flags(ObFlags::GC_ONLY) };
}

/// `true` if `obj` is a GC-only object ([`set_gc_only`]).
///
/// # Safety
/// `obj`'s memory must be allocated.
#[cfg(not(loom))]
#[inline]
pub unsafe fn is_gc_only(obj: ObjPtr) -> bool {
    // SAFETY: forwarded to the caller.
    unsafe { obj.flags() }.contains(ObFlags::GC_ONLY)
}

/// Merges `obj`'s counts and adds `extra`, with the world stopped (the collector
/// takes and gives back its own references to unreachable objects this way, so that
/// every later count on them is a shared one). Returns the new total.
///
/// # Safety
/// The world must be stopped by the caller (or `obj` otherwise unreachable by other
/// threads), `obj` alive, and the result must stay above zero or the caller must
/// deallocate.
#[cfg(not(loom))]
pub unsafe fn merge_stopped(obj: ObjPtr, extra: isize) -> isize {
    // SAFETY: forwarded to the caller; no other thread writes the counts.
    let h = unsafe { obj.header() };
    let owner = h.ob_tid.load(Relaxed);
    if owner & TID_LOCAL_REFS != 0 {
        // SAFETY: the world is stopped and the collector folded the threads' counts
        // in when it stopped it (`local_refs::merge_all`).
        unsafe { crate::local_refs::release(owner) };
    }
    explicit_merge_core(h, extra)
}

/// Makes every thread count `obj` in a per-thread array instead of its shared field
/// ([`crate::local_refs`], CPython 3.14's unique ids): for deferred objects that all
/// threads reference all the time (classes, code objects, module dicts, functions).
/// `obj`'s true count is then known only after the collector's fold
/// ([`crate::local_refs::merge_all`]); [`refcount`] omits the per-thread parts.
/// Does nothing for an object owned by another thread.
///
/// # Safety
/// `obj` must be alive and deferred ([`set_deferred`]), and the caller must hold a
/// reference.
#[cfg(not(loom))]
pub unsafe fn enable_local_refs(obj: ObjPtr) {
    // SAFETY: forwarded.
    unsafe {
        debug_assert!(obj.flags().contains(ObFlags::DEFERRED));
        crate::local_refs::enable(obj);
    }
}

/// Gives a dying object (count zero, inside its `dealloc`) one reference again so
/// that a finalizer (`__del__`) can run on it (CPython's
/// `PyObject_CallFinalizerFromDealloc`). The counts are merged, so every later count
/// operation on the object is a shared one. Pair with [`resurrect_end`].
///
/// # Safety
/// `obj`'s count is zero and the caller is its dealloc.
#[cfg(not(loom))]
pub unsafe fn resurrect_begin(obj: ObjPtr) {
    // SAFETY: the dying object is exclusively ours.
    let h = unsafe { obj.header() };
    h.ob_tid.store(TID_MERGED, Relaxed);
    h.ob_ref_local.store(0, Relaxed);
    h.ob_ref_shared.store(ONE_SHARED | REF_MERGED, Release);
}

/// Drops the reference [`resurrect_begin`] gave. Returns `true` if it was the last
/// one (continue deallocating: no decref-triggered dealloc happens), `false` if the
/// finalizer stored a new reference somewhere (the object lives on).
///
/// # Safety
/// Paired with a preceding [`resurrect_begin`] on the same object by the same thread.
#[cfg(not(loom))]
pub unsafe fn resurrect_end(obj: ObjPtr) -> bool {
    // SAFETY: the caller still holds the reference it was given.
    let h = unsafe { obj.header() };
    let mut shared = h.ob_ref_shared.load(Acquire);
    loop {
        if shared == ONE_SHARED | REF_MERGED {
            match h
                .ob_ref_shared
                .compare_exchange(shared, REF_MERGED, AcqRel, Acquire)
            {
                Ok(_) => return true,
                Err(s) => {
                    shared = s;
                    continue;
                }
            }
        }
        // Resurrected: give back only our reference.
        match h
            .ob_ref_shared
            .compare_exchange(shared, shared - ONE_SHARED, AcqRel, Acquire)
        {
            Ok(_) => return false,
            Err(s) => shared = s,
        }
    }
}

/// Enables deferred reference counting on `obj` (CPython's
/// `_PyObject_SetDeferredRefcount`): adds [`DEFERRED_BIAS`] to its shared count so that
/// uncounted references from interpreter stacks cannot let it be freed by counting.
/// Such objects are freed only by the cycle collector, which subtracts the bias and
/// counts the references reported by [`crate::RootSource`]s.
///
/// # Safety
/// `obj` must be alive and the caller must hold a reference.
#[cfg(not(loom))]
pub unsafe fn set_deferred(obj: ObjPtr) {
    // SAFETY: alive by the caller's contract.
    unsafe {
        if is_immortal(obj) || obj.flags().contains(ObFlags::DEFERRED) {
            return;
        }
        obj.set_flags(ObFlags::DEFERRED);
        obj.header()
            .ob_ref_shared
            .fetch_add(DEFERRED_BIAS << SHARED_SHIFT, Relaxed);
    }
}

/// Removes the deferred bias (the collector does this before freeing a deferred
/// object it found unreachable). Returns the count without the bias.
///
/// # Safety
/// `obj` must be alive and deferred, and the world must be stopped or the caller must
/// otherwise be the only thread that can reach it.
#[cfg(not(loom))]
pub unsafe fn clear_deferred(obj: ObjPtr) -> isize {
    // SAFETY: alive and exclusive by the caller's contract.
    unsafe {
        debug_assert!(obj.flags().contains(ObFlags::DEFERRED));
        obj.header()
            .ob_flags
            .fetch_and(!ObFlags::DEFERRED.bits(), Relaxed);
        obj.header()
            .ob_ref_shared
            .fetch_sub(DEFERRED_BIAS << SHARED_SHIFT, Relaxed);
        refcount_core(obj.header())
    }
}

/// Publishes `obj` for lock-free readers: lets [`try_incref`] succeed on it from any
/// thread while it is alive, and makes [`crate::free_object`] release its memory only
/// after a QSBR grace period. Containers call this on objects they store.
///
/// # Safety
/// `obj` must be alive and the caller must hold a reference.
#[cfg(not(loom))]
pub unsafe fn mark_shared(obj: ObjPtr) {
    // SAFETY: alive by the caller's contract.
    unsafe {
        if obj.flags().contains(ObFlags::SHARED) || is_immortal(obj) {
            return;
        }
        obj.set_flags(ObFlags::SHARED);
        set_maybe_weakref_core(obj.header());
    }
}

/// Lets [`try_incref`] succeed on `obj` from threads other than its owner while it is
/// alive, without making its memory wait out a QSBR grace period (CPython's
/// `_PyObject_SetMaybeWeakref`). For objects that other threads find through a side
/// table whose lock the object's dealloc also takes (weak references in their
/// target's list): the lock, not QSBR, keeps the memory valid while the finder
/// tries, and this state makes the owner's last decrement go through a CAS that the
/// finder's `try_incref` races with safely. Without it a non-owner cannot tell a
/// live object whose owner holds every reference from one its owner is freeing, and
/// `try_incref` refuses both.
///
/// # Safety
/// `obj` must be alive and the caller must hold a reference.
#[cfg(not(loom))]
pub unsafe fn set_maybe_weakref(obj: ObjPtr) {
    // SAFETY: alive by the caller's contract.
    unsafe {
        if is_immortal(obj) {
            return;
        }
        set_maybe_weakref_core(obj.header());
    }
}

/// The state bits of `obj`'s shared count (one of the `REF_*` constants).
///
/// # Safety
/// `obj`'s memory must be allocated.
#[cfg(not(loom))]
pub unsafe fn shared_state(obj: ObjPtr) -> isize {
    // SAFETY: forwarded to the caller.
    shared_state_core(unsafe { obj.header() })
}
