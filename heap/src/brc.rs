//! Biased reference counting's merge queues (CPython's Python/brc.c).
//!
//! When a thread's decrement finds an object's shared count at zero, the object is
//! queued to its owner ([`crate::refcount`] explains why). Each thread state has a queue;
//! queueing sets the owner's [`EvalBreaker::EXPLICIT_MERGE`] bit, and the owner merges
//! the queued objects at its next safe point. An object whose owner has exited (or is
//! exiting and has closed its queue) goes to the process-wide *orphan* queue, which is
//! drained at the next safe point of the thread that queued it and by every
//! stop-the-world. Merging an orphan is safe on any thread because thread ids are never
//! reused: nobody writes the local count of an object whose owner is gone.

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{Acquire, Relaxed, SeqCst};
use std::sync::LazyLock;

use parking_lot::Mutex;

use crate::eval_breaker::EvalBreaker;
use crate::header::ObjPtr;
use crate::refcount::{explicit_merge_core, TID_MERGED};
use crate::stw::StwGuard;
use crate::thread::{current_inner, ThreadInner, REGISTRY};

static ORPHANS: LazyLock<Mutex<Vec<ObjPtr>>> = LazyLock::new(|| Mutex::new(Vec::new()));
static ORPHAN_COUNT: AtomicUsize = AtomicUsize::new(0);

fn count_queued() {
    match current_inner() {
        Some(inner) => inner.shared.counters.queued.bump(),
        None => crate::stats::GLOBAL.queued.add_atomic(1),
    }
}

/// Queues `obj` to its owner's merge queue; the queue entry holds the reference whose
/// decrement was deferred.
///
/// # Safety
/// `decref_shared_core` just returned `Queue` for `obj` on this thread.
#[cold]
pub(crate) unsafe fn queue_object(obj: ObjPtr) {
    // SAFETY: the queue entry's reference keeps the object alive.
    let tid = unsafe { obj.header() }.ob_tid.load(Acquire);
    if tid == TID_MERGED {
        // The owner merged concurrently; the shared count is authoritative now, so
        // apply the deferred decrement to it (CPython does the same).
        // SAFETY: we own the reference being dropped.
        unsafe { crate::refcount::decref(obj) };
        return;
    }
    count_queued();
    {
        let reg = REGISTRY.read();
        if let Some(owner) = reg.threads.get(&tid) {
            let mut q = owner.merge_queue.lock();
            if !q.closed {
                q.objects.push(obj);
                owner.request(EvalBreaker::EXPLICIT_MERGE);
                return;
            }
        }
    }
    ORPHANS.lock().push(obj);
    ORPHAN_COUNT.fetch_add(1, SeqCst);
    if let Some(me) = current_inner() {
        me.shared.request(EvalBreaker::EXPLICIT_MERGE);
    }
}

/// Merges each object (applying the decrement its queue entry held) and deallocates
/// those whose count reaches zero; with the world stopped by this thread, their
/// deallocation waits until it restarts.
pub(crate) fn merge_objects(objects: Vec<ObjPtr>) {
    let stopped = crate::stw::is_world_stopped_by_me();
    for obj in objects {
        // SAFETY: a queued object is alive: its queue entry holds a reference. The
        // caller is the owner, or the owner has exited, or the world is stopped: no
        // thread writes the local count concurrently.
        let total = unsafe { explicit_merge_core(obj.header(), -1) };
        match current_inner() {
            Some(inner) => inner.shared.counters.merges.bump(),
            None => crate::stats::GLOBAL.merges.add_atomic(1),
        }
        if total == 0 {
            if stopped {
                // SAFETY: the world is stopped by us; the count is zero.
                unsafe { crate::stw::defer_dealloc_until_restart(obj) };
            } else {
                // SAFETY: the merged count is zero and no reference is left.
                unsafe { crate::dealloc::dealloc(obj) };
            }
        }
    }
}

/// Merges the objects queued to `inner` (its owner's thread, at a safe point).
pub(crate) fn drain_own_queue(inner: &ThreadInner) {
    loop {
        let objects = std::mem::take(&mut inner.shared.merge_queue.lock().objects);
        if objects.is_empty() {
            return;
        }
        merge_objects(objects);
    }
}

/// Merges the orphan queue.
pub(crate) fn drain_orphans() {
    while ORPHAN_COUNT.load(Relaxed) != 0 {
        let objects = std::mem::take(&mut *ORPHANS.lock());
        ORPHAN_COUNT.fetch_sub(objects.len(), SeqCst);
        if objects.is_empty() {
            return;
        }
        merge_objects(objects);
    }
}

/// Merges every thread's queue and the orphan queue, so that every reference count in
/// the heap is exact (the collector does this first thing in a collection).
pub fn merge_all_queues(_world: &StwGuard) {
    loop {
        let mut objects = Vec::new();
        {
            let reg = REGISTRY.read();
            for t in reg.threads.values() {
                objects.append(&mut t.merge_queue.lock().objects);
            }
        }
        objects.append(&mut ORPHANS.lock());
        ORPHAN_COUNT.store(0, SeqCst);
        if objects.is_empty() {
            return;
        }
        // Merging may deallocate, which may queue more objects: loop until empty.
        merge_objects(objects);
    }
}

/// The objects queued to thread `tid` (for invariant checks in tests and fuzzers).
pub fn queued_objects(tid: crate::ThreadId) -> Vec<ObjPtr> {
    REGISTRY
        .read()
        .threads
        .get(&tid.as_usize())
        .map(|t| t.merge_queue.lock().objects.clone())
        .unwrap_or_default()
}

/// The objects in the orphan queue (for invariant checks in tests and fuzzers).
pub fn orphaned_objects() -> Vec<ObjPtr> {
    ORPHANS.lock().clone()
}
