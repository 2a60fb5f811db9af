//! Per-thread reference counts for long-lived shared objects (CPython 3.14's
//! "unique ids": Python/uniqueid.c, `_Py_THREAD_INCREF_OBJECT` in
//! Include/internal/pycore_object.h).
//!
//! Biased reference counting makes counting cheap for the thread that owns an object;
//! every other thread counts in `ob_ref_shared` with atomic read-modify-writes. For an
//! object that all threads count all the time (a class, whose every instance holds a
//! reference; a code object or a module's dict, which every new function refers to; a
//! method looked up on every call) those atomics all hit one cache line, and threads
//! stop scaling. Such objects get a *unique id* instead: an index into an array of
//! counts that every thread keeps for itself. A count on such an object is a plain add
//! to the calling thread's array; the object's true count is `ob_ref_shared` plus
//! every thread's entry for its id.
//!
//! Only deferred objects ([`crate::refcount::set_deferred`]) use this: counting never
//! frees them (their shared count carries the deferred bias), only the cycle
//! collector does, and it first folds every thread's counts into the objects'
//! shared counts with the world stopped ([`merge_all`]). A thread that exits folds in
//! its own counts, atomically, while still attached.
//!
//! Encoding: an object with an id is *merged* (its owner's local count moved into the
//! shared field, `ob_ref_local == 0`) and its `ob_tid` holds [`TID_LOCAL_REFS`]` | id`,
//! a value no thread id has, so every thread takes the non-owner path of
//! [`crate::refcount::incref_core`], which recognises the tag. When the collector
//! merges an object's counts for good ([`crate::refcount::merge_stopped`], before
//! freeing it or after it resurrects) the tag goes and the id returns to the pool.

use std::cell::{Cell, UnsafeCell};
use std::sync::atomic::Ordering::Relaxed;

use parking_lot::Mutex;

use crate::header::{ObjPtr, ObjectHeader};
use crate::refcount::{SHARED_SHIFT, TID_LOCAL_REFS};
use crate::stw::StwGuard;
use crate::thread::ThreadShared;

/// The objects that hold ids: `objects[id]` is the object's address, 0 for a free id.
struct Pool {
    objects: Vec<usize>,
    free: Vec<usize>,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    objects: Vec::new(),
    free: Vec::new(),
});

/// One thread's counts, indexed by id. Written by its thread while attached; read and
/// zeroed by the thread that stopped the world while the owner is parked, and by the
/// owner when it exits.
#[derive(Default)]
pub(crate) struct LocalRefs(UnsafeCell<Vec<isize>>);

// SAFETY: the vector is touched by its owning OS thread while attached, or by the
// thread that stopped the world (the owner is then parked at a safe point or
// detached, and neither counts), never by two threads at once.
unsafe impl Sync for LocalRefs {}

thread_local! {
    /// The attached thread state's counts (null while detached).
    static CURRENT: Cell<*mut Vec<isize>> = const { Cell::new(std::ptr::null_mut()) };
}

/// Makes `refs` the calling thread's counts (on attach) or none (on detach).
pub(crate) fn set_current(refs: Option<&LocalRefs>) {
    CURRENT.with(|c| c.set(refs.map_or(std::ptr::null_mut(), |r| r.0.get())));
}

/// Counts one reference to the object with the tagged id `tid_word` in the calling
/// thread's array; atomically in its shared field if the thread has no thread state.
#[inline]
pub(crate) fn incref(h: &ObjectHeader, tid_word: usize) {
    add(h, tid_word & !TID_LOCAL_REFS, 1);
}

/// Drops one reference counted by [`incref`] (on any thread: entries may go negative).
#[inline]
pub(crate) fn decref(h: &ObjectHeader, tid_word: usize) {
    add(h, tid_word & !TID_LOCAL_REFS, -1);
}

#[inline(always)]
fn add(h: &ObjectHeader, id: usize, delta: isize) {
    let p = CURRENT.with(Cell::get);
    // SAFETY: CURRENT points to the attached thread state's vector, which only this
    // thread touches while attached (see `LocalRefs`).
    match unsafe { p.as_mut() } {
        Some(v) if id < v.len() => v[id] += delta,
        Some(v) => {
            v.resize(id + 1, 0);
            v[id] += delta;
        }
        None => {
            // No thread state (teardown paths): the shared field, which the deferred
            // bias keeps far above zero.
            h.ob_ref_shared.fetch_add(delta << SHARED_SHIFT, Relaxed);
        }
    }
}

/// Gives `obj` an id, so that every thread counts it in its own array from now on.
/// Does nothing if it has one, or if it is owned by another thread (its local count
/// could not be folded in safely).
///
/// # Safety
/// `obj` must be alive, deferred, and the caller must hold a reference.
pub(crate) unsafe fn enable(obj: ObjPtr) {
    // SAFETY: alive by the caller's contract.
    let h = unsafe { obj.header() };
    let owner = h.ob_tid.load(Relaxed);
    if owner & TID_LOCAL_REFS != 0 {
        return;
    }
    if owner != crate::refcount::TID_MERGED && owner != crate::thread::current_tid() {
        return;
    }
    // Fold our local count into the shared field (we are the owner, or it is merged
    // and nobody counts locally), then tag it.
    crate::refcount::explicit_merge_core(h, 0);
    let id = {
        let mut pool = POOL.lock();
        let addr = obj.as_ptr() as usize;
        match pool.free.pop() {
            Some(id) => {
                pool.objects[id] = addr;
                id
            }
            None => {
                pool.objects.push(addr);
                pool.objects.len() - 1
            }
        }
    };
    h.ob_tid.store(TID_LOCAL_REFS | id, Relaxed);
}

/// Takes `obj`'s id back (the collector is about to merge its counts for good). The
/// threads' entries for it are zero: [`merge_all`] ran in this stop-the-world and no
/// thread has counted since.
///
/// # Safety
/// The world must be stopped, [`merge_all`] must have run since it stopped, and
/// `tid_word` must be `obj`'s tagged `ob_tid`.
pub(crate) unsafe fn release(tid_word: usize) {
    let id = tid_word & !TID_LOCAL_REFS;
    let mut pool = POOL.lock();
    pool.objects[id] = 0;
    pool.free.push(id);
}

/// Folds one thread's counts into the objects' shared fields and zeroes them.
///
/// # Safety
/// `refs` must not be in use by another thread (see `LocalRefs`), and every object
/// with a nonzero entry must be alive: true when its thread is parked or is the
/// caller, because a live entry holds, or is balanced by, a reference.
unsafe fn fold(pool: &Pool, refs: &LocalRefs) {
    // SAFETY: exclusive by the caller's contract.
    let v = unsafe { &mut *refs.0.get() };
    for (id, c) in v.iter_mut().enumerate() {
        if *c == 0 {
            continue;
        }
        let addr = pool.objects[id];
        debug_assert!(addr != 0, "a count for a released id");
        if addr != 0 {
            // SAFETY: a registered id belongs to a live object (ids are released
            // only when the collector frees or resurrects the object, after a fold).
            let h = unsafe { &*(addr as *const ObjectHeader) };
            h.ob_ref_shared.fetch_add(*c << SHARED_SHIFT, Relaxed);
        }
        *c = 0;
    }
}

/// Folds every thread's counts into the shared fields, so that
/// [`crate::refcount::refcount`] is exact for the collector.
pub fn merge_all(_world: &StwGuard) {
    let pool = POOL.lock();
    crate::thread::with_registry(|threads| {
        for t in threads {
            // SAFETY: the world is stopped by us: every other thread is parked or
            // detached and not counting; our own array is ours.
            unsafe { fold(&pool, &t.local_refs) };
        }
    });
}

/// Folds the exiting thread's own counts (it is still attached, so no collection can
/// be looking at the shared fields).
pub(crate) fn merge_exiting(me: &ThreadShared) {
    let pool = POOL.lock();
    // SAFETY: our own array, on our thread.
    unsafe { fold(&pool, &me.local_refs) };
}

/// The number of ids in use (for statistics and tests).
pub fn ids_in_use() -> usize {
    let pool = POOL.lock();
    pool.objects.len() - pool.free.len()
}
