//! One collection. The phases and what each must guarantee follow CPython's
//! `gc_collect_internal` (Python/gc_free_threading.c); the crate docs summarise them.
//!
//! Scratch state lives in the objects themselves while the world is stopped: the
//! `ob_tid` word holds `gc_refs` (its owner id is saved in a side vector and restored
//! before the world restarts), [`IN_SET`] marks the objects of the collection and
//! [`GcBits::ALIVE`] the ones found reachable, so visiting an edge is a couple of loads
//! and a store, with no hashing.

use std::cell::Cell;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};
use strand_heap::refcount::{
    clear_deferred, decref, is_gc_only, is_immortal, merge_stopped, refcount,
};
use strand_heap::{GcBits, ObFlags, ObjPtr, StwGuard};

use crate::binding::binding;
use crate::schedule::{install, COLLECTING, LONG_LIVED_TOTAL};
use crate::stats::{record, run_callbacks, CollectionStats, Phase};

/// Marks the objects a phase works on: all candidates while finding the unreachable
/// set (phase 1), then the unreachable set itself is marked by
/// [`GcBits::UNREACHABLE`].
const IN_SET: GcBits = GcBits::SCRATCH;

/// Serialises collections.
static COLLECT_LOCK: Mutex<()> = Mutex::new(());

/// Uncollectable objects (with the collector's reference), for `gc.garbage`.
static GARBAGE: Mutex<Vec<ObjPtr>> = Mutex::new(Vec::new());

thread_local! {
    static IN_COLLECTION: Cell<bool> = const { Cell::new(false) };
    /// The collection (by its [`FINISHED`] number) this thread last gave up waiting
    /// for because it made no progress: it does not wait for that one again.
    static STALLED_ON: Cell<u64> = const { Cell::new(u64::MAX) };
}

/// Runs a full collection now and returns what it did. If another thread is
/// collecting, waits for it (detached) and then collects. A call from inside a
/// collection on the same thread (a finalizer calling `gc.collect()`) returns at once
/// with empty statistics, as in CPython.
///
/// # Panics
/// If the calling thread has no attached [`strand_heap::ThreadState`].
pub fn collect() -> CollectionStats {
    install();
    if IN_COLLECTION.with(Cell::get) {
        return CollectionStats::default();
    }
    let lock = match COLLECT_LOCK.try_lock() {
        Some(lock) => lock,
        None => strand_heap::with_detached(|| COLLECT_LOCK.lock()),
    };
    let _collecting = Collecting::enter(lock);
    run()
}

/// The automatic collection run at a safe point when one is due; skipped if another
/// thread is already collecting. Returns whether it ran one (or this thread is the
/// one collecting).
pub(crate) fn collect_automatic() -> bool {
    if IN_COLLECTION.with(Cell::get) {
        return true;
    }
    match COLLECT_LOCK.try_lock() {
        Some(lock) => {
            let _collecting = Collecting::enter(lock);
            run();
            true
        }
        None => false,
    }
}

/// Collections finished so far; bumped at the end of each, before [`DONE`] is
/// notified under [`DONE_LOCK`].
static FINISHED: AtomicU64 = AtomicU64::new(0);
static DONE_LOCK: Mutex<()> = Mutex::new(());
static DONE: Condvar = Condvar::new();

/// Work units the running collection has completed (objects freed, finalizers and
/// callbacks run, phases ended): waiters watch it to tell a collection that is busy
/// from one that is stuck in user code.
static PROGRESS: AtomicU64 = AtomicU64::new(0);

/// Counts `n` units of collection work done.
#[inline]
fn progress(n: u64) {
    PROGRESS.fetch_add(n, Relaxed);
}

/// The longest an allocating thread waits for one collection in all, however busy
/// it stays.
const WAIT_CAP: Duration = Duration::from_millis(500);

/// Waits, detached, until the collection running on another thread ends (see the
/// scheduling docs: allocating threads are held back this way). The wait gives up
/// when the collection completes no work for `stall` (it may be running a finalizer
/// that waits for something this thread holds: the wait must not deadlock) or after
/// [`WAIT_CAP`]; after giving up on a stalled collection the thread does not wait for
/// it again (the stall may be this thread's doing). Does nothing on the collecting
/// thread itself or when no collection is running.
pub(crate) fn wait_for_running_collection(stall: Duration) {
    if IN_COLLECTION.with(Cell::get) {
        return;
    }
    let seen = FINISHED.load(SeqCst);
    if !COLLECTING.load(SeqCst) || STALLED_ON.with(Cell::get) == seen {
        return;
    }
    let start = Instant::now();
    strand_heap::with_detached(|| {
        let cap = start + WAIT_CAP;
        let mut done = DONE_LOCK.lock();
        let mut last = PROGRESS.load(Relaxed);
        let mut deadline = start + stall;
        while FINISHED.load(SeqCst) == seen && COLLECTING.load(SeqCst) {
            if DONE.wait_until(&mut done, deadline.min(cap)).timed_out() {
                let now = PROGRESS.load(Relaxed);
                if now == last {
                    STALLED_ON.with(|s| s.set(seen));
                    break;
                }
                if Instant::now() >= cap {
                    break;
                }
                last = now;
                deadline = Instant::now() + stall;
            }
        }
    });
    crate::stats::record_wait(start.elapsed());
}

/// Wakes the threads waiting in [`wait_for_running_collection`].
fn announce_finished() {
    FINISHED.fetch_add(1, SeqCst);
    // Taking the lock orders the increment before any waiter's next check.
    drop(DONE_LOCK.lock());
    DONE.notify_all();
}

/// `true` while `obj` is in the unreachable set of the collection in progress (for
/// [`crate::GcBinding::clear_weakrefs`], to skip callbacks of weak references that are
/// garbage themselves).
///
/// # Safety
/// `obj`'s memory must be allocated.
pub unsafe fn is_unreachable(obj: ObjPtr) -> bool {
    // SAFETY: forwarded to the caller.
    unsafe { obj.gc_bits() }.contains(GcBits::UNREACHABLE)
}

/// The uncollectable objects found so far (Python's `gc.garbage`). The collector keeps
/// a reference to each; the pointers stay valid until [`take_garbage`].
pub fn garbage() -> Vec<ObjPtr> {
    GARBAGE.lock().clone()
}

/// Removes and returns the uncollectable objects, handing the collector's reference
/// to each to the caller.
pub fn take_garbage() -> Vec<ObjPtr> {
    std::mem::take(&mut *GARBAGE.lock())
}

/// Removes and returns the uncollectable objects that are Python objects (not GC-only),
/// handing the collector's reference to each to the caller; GC-only ones stay.
pub fn take_object_garbage() -> Vec<ObjPtr> {
    let mut g = GARBAGE.lock();
    let (objs, rest): (Vec<ObjPtr>, Vec<ObjPtr>) = std::mem::take(&mut *g)
        .into_iter()
        .partition(|&o| !gc_only(o));
    *g = rest;
    objs
}

/// Whether collections save their unreachable objects instead of freeing them
/// (`gc.DEBUG_SAVEALL`).
static SAVE_ALL: AtomicBool = AtomicBool::new(false);

/// Turns `gc.DEBUG_SAVEALL` behaviour on or off: while on, phase 4 neither clears nor
/// frees the unreachable objects (weak references to them are still cleared and
/// finalizers still run, as in CPython's `delete_garbage`) but moves the collector's
/// reference to each Python object into [`garbage`]. GC-only objects are left alive
/// where they are, for a later collection to find again.
pub fn set_save_all(on: bool) {
    SAVE_ALL.store(on, SeqCst);
}

/// Whether [`set_save_all`] is on.
pub fn save_all() -> bool {
    SAVE_ALL.load(SeqCst)
}

/// A collection in progress on this thread: holds the collection lock, with the
/// in-collection flags set for exactly as long as it is held (callbacks included), so
/// that allocating threads never see the lock taken and no collection running; at the
/// end clears the flags, releases the lock, then wakes waiting threads, even if user
/// code panics mid-collection.
struct Collecting {
    lock: Option<parking_lot::MutexGuard<'static, ()>>,
}

impl Collecting {
    fn enter(lock: parking_lot::MutexGuard<'static, ()>) -> Collecting {
        COLLECTING.store(true, SeqCst);
        IN_COLLECTION.with(|c| c.set(true));
        Collecting { lock: Some(lock) }
    }
}

impl Drop for Collecting {
    fn drop(&mut self) {
        IN_COLLECTION.with(|c| c.set(false));
        COLLECTING.store(false, SeqCst);
        drop(self.lock.take());
        // Wake the waiters only now: one of them may start the next collection at once
        // instead of finding the lock still held (by this thread, perhaps descheduled)
        // and allocating on unchecked.
        announce_finished();
    }
}

fn run() -> CollectionStats {
    let start = Instant::now();
    let mut stats = CollectionStats::default();
    run_callbacks(Phase::Start, &stats);

    // Phase 1, world stopped: find the unreachable set, clear weak references to it.
    let pause = Instant::now();
    let world = strand_heap::stop_the_world();
    strand_heap::local_refs::merge_all(&world);
    strand_heap::gc_count::reset_gc_young_count();
    let mut unreachable = find_unreachable(&world, &mut stats);
    let mut callbacks = Vec::new();
    if let Some(b) = binding() {
        for &obj in &unreachable {
            // SAFETY: the collector holds a reference to every unreachable object (or
            // it is GC-only, which only the collector frees); the world is stopped.
            unsafe {
                if !b.counts_as_object(obj) {
                    stats.hidden += 1;
                }
                b.clear_weakrefs(obj, &mut callbacks);
            }
        }
    }
    drop(world);
    stats.pause += pause.elapsed();
    progress(1);

    // Phase 2, world running: user code (weak-reference callbacks, finalizers).
    if let Some(b) = binding() {
        for wr in callbacks {
            // SAFETY: clear_weakrefs handed us a counted reference to `wr`.
            unsafe {
                b.call_weakref_callback(wr);
                decref(wr);
            }
            stats.weakref_callbacks += 1;
            progress(1);
        }
    }
    finalize(&unreachable, &mut stats);

    // Phase 3, world stopped: keep whatever the finalizers resurrected.
    let pause = Instant::now();
    let world = strand_heap::stop_the_world();
    let untracked = handle_resurrected(&world, &mut unreachable, &mut stats);
    drop(world);
    stats.pause += pause.elapsed();
    progress(1);
    for obj in untracked {
        // SAFETY: the collector's own reference, from phase 1.
        unsafe { decref(obj) };
    }

    // Phase 4, world running: break the cycles and free. These objects predate the
    // collection, so their frees do not count against the next one (gc_count docs).
    strand_heap::gc_count::with_uncounted_frees(|| delete_garbage(unreachable, &mut stats));

    stats.total = start.elapsed();
    record(&stats);
    run_callbacks(Phase::Stop, &stats);
    stats
}

#[inline]
pub(crate) fn in_set(obj: ObjPtr) -> bool {
    // SAFETY: every object reported by a traverse function or a root source is alive
    // (or, for GC-only objects, not yet freed), so its header is readable.
    unsafe { obj.gc_bits() }.contains(IN_SET)
}

#[inline]
fn gc_refs(obj: ObjPtr) -> isize {
    // SAFETY: called only on set members, whose ob_tid word holds gc_refs while the
    // world is stopped.
    unsafe { obj.ob_tid_word() }.load(Relaxed) as isize
}

#[inline]
fn add_gc_refs(obj: ObjPtr, delta: isize) {
    // SAFETY: as in gc_refs; the world is stopped, so this thread is the only writer.
    let word = unsafe { obj.ob_tid_word() };
    word.store((word.load(Relaxed) as isize + delta) as usize, Relaxed);
}

#[inline]
pub(crate) fn set_bits(obj: ObjPtr, bits: GcBits) {
    // SAFETY: the object is alive; the collector is the GC bits' writer during a
    // collection (world stopped, or the object unreachable by other threads).
    unsafe { obj.set_gc_bits(bits) }
}

#[inline]
pub(crate) fn bits(obj: ObjPtr) -> GcBits {
    // SAFETY: the object is alive.
    unsafe { obj.gc_bits() }
}

#[inline]
pub(crate) fn traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: the object is alive and tracked; traverse only reads it.
    unsafe {
        if let Some(traverse) = obj.vtable().traverse {
            traverse(obj, visit);
        }
    }
}

#[inline]
pub(crate) fn gc_only(obj: ObjPtr) -> bool {
    // SAFETY: the object is alive.
    unsafe { is_gc_only(obj) }
}

/// Phase 1. Returns the unreachable objects, each with a reference held for the
/// collector (merged, so later counting on them is all shared), marked UNREACHABLE.
fn find_unreachable(world: &StwGuard, stats: &mut CollectionStats) -> Vec<ObjPtr> {
    strand_heap::merge_all_queues(world);

    // Every tracked, non-frozen, mortal GC object, with its owner id saved; gc_refs
    // starts as its reference count (deferred bias removed; 0 for GC-only objects).
    let mut objs: Vec<(ObjPtr, usize)> =
        Vec::with_capacity(LONG_LIVED_TOTAL.load(Relaxed).max(0) as usize + 1024);
    strand_heap::visit_gc_objects(world, &mut |obj| {
        let b = bits(obj);
        if !b.contains(GcBits::TRACKED) || b.contains(GcBits::FROZEN) {
            return;
        }
        let only = gc_only(obj);
        // SAFETY: the walk only reports live objects.
        if !only && unsafe { is_immortal(obj) } {
            return;
        }
        // SAFETY: as above; counts are exact (queues merged, world stopped).
        let refs = if only { 0 } else { unsafe { refcount(obj) } };
        debug_assert!(refs >= 0, "negative reference count");
        // SAFETY: world stopped; the word is restored in the scan below.
        let word = unsafe { obj.ob_tid_word() };
        objs.push((obj, word.load(Relaxed)));
        word.store(refs as usize, Relaxed);
        set_bits(obj, b | IN_SET);
    });
    stats.visited = objs.len();

    // Subtract the references that come from other candidates.
    for &(obj, _) in &objs {
        traverse(obj, &mut |target| {
            if in_set(target) {
                add_gc_refs(target, -1);
            }
        });
    }

    // References that higher layers hold without counting them are external too.
    strand_heap::visit_roots(world, &mut |_, root| {
        if in_set(root) {
            add_gc_refs(root, 1);
        }
    });

    // Mark everything reachable from an object with external references.
    let mut stack = Vec::new();
    for &(obj, _) in &objs {
        if gc_refs(obj) > 0 && !bits(obj).contains(GcBits::ALIVE) {
            set_bits(obj, bits(obj) | GcBits::ALIVE);
            stack.push(obj);
            while let Some(o) = stack.pop() {
                traverse(o, &mut |target| {
                    if in_set(target) && !bits(target).contains(GcBits::ALIVE) {
                        set_bits(target, bits(target) | GcBits::ALIVE);
                        stack.push(target);
                    }
                });
            }
        }
    }

    // Restore owner ids; take a reference to each unreachable object.
    let mut unreachable = Vec::new();
    let mut long_lived = 0isize;
    for (obj, tid) in objs {
        // SAFETY: world stopped; restoring the saved owner id.
        unsafe { obj.ob_tid_word() }.store(tid, Relaxed);
        let b = bits(obj) - IN_SET;
        if b.contains(GcBits::ALIVE) {
            set_bits(obj, b - GcBits::ALIVE);
            long_lived += 1;
            continue;
        }
        set_bits(obj, b | GcBits::UNREACHABLE);
        if !gc_only(obj) {
            // SAFETY: world stopped, object alive. Deferred garbage loses its bias so
            // that it is freed as soon as its count reaches zero.
            unsafe {
                if obj.flags().contains(ObFlags::DEFERRED) {
                    clear_deferred(obj);
                }
                merge_stopped(obj, 1);
            }
        }
        unreachable.push(obj);
    }
    LONG_LIVED_TOTAL.store(long_lived, Relaxed);
    stats.unreachable = unreachable.len();
    unreachable
}

/// Phase 2: each finalizer at most once per object's life.
fn finalize(unreachable: &[ObjPtr], stats: &mut CollectionStats) {
    for &obj in unreachable {
        let b = bits(obj);
        if b.contains(GcBits::FINALIZED) {
            continue;
        }
        // SAFETY: the collector's reference keeps the object alive.
        if let Some(finalize) = unsafe { obj.vtable() }.finalize {
            set_bits(obj, b | GcBits::FINALIZED);
            // SAFETY: as above; finalizers run with the world running.
            unsafe { finalize(obj) };
            stats.finalized += 1;
            progress(1);
        }
    }
}

/// Phase 3: recompute gc_refs within the unreachable set; whatever has references
/// from outside it (a finalizer stored one somewhere) is resurrected with everything
/// it reaches. Removes those (and objects a finalizer untracked) from the set; returns
/// the untracked refcounted ones, whose reference the caller drops after restart.
fn handle_resurrected(
    world: &StwGuard,
    unreachable: &mut Vec<ObjPtr>,
    stats: &mut CollectionStats,
) -> Vec<ObjPtr> {
    strand_heap::merge_all_queues(world);
    let mut untracked = Vec::new();
    unreachable.retain(|&obj| {
        let b = bits(obj);
        if b.contains(GcBits::TRACKED) {
            return true;
        }
        set_bits(obj, b - GcBits::UNREACHABLE);
        if !gc_only(obj) {
            untracked.push(obj);
        }
        false
    });

    // gc_refs = refcount - the collector's reference - references from the set.
    let saved: Vec<usize> = unreachable
        .iter()
        .map(|&obj| {
            // SAFETY: world stopped; restored below.
            let word = unsafe { obj.ob_tid_word() };
            let tid = word.load(Relaxed);
            let refs: isize = if gc_only(obj) {
                0
            } else {
                // SAFETY: alive (the collector's reference).
                (unsafe { refcount(obj) }) - 1
            };
            word.store(refs as usize, Relaxed);
            tid
        })
        .collect();
    let member = |o: ObjPtr| bits(o).contains(GcBits::UNREACHABLE);
    for &obj in unreachable.iter() {
        traverse(obj, &mut |target| {
            if member(target) {
                add_gc_refs(target, -1);
            }
        });
    }
    let mut stack = Vec::new();
    for &obj in unreachable.iter() {
        if member(obj) && gc_refs(obj) > 0 {
            set_bits(obj, bits(obj) - GcBits::UNREACHABLE);
            stack.push(obj);
            while let Some(o) = stack.pop() {
                traverse(o, &mut |target| {
                    if member(target) {
                        set_bits(target, bits(target) - GcBits::UNREACHABLE);
                        stack.push(target);
                    }
                });
            }
        }
    }
    for (&obj, &tid) in unreachable.iter().zip(&saved) {
        // SAFETY: world stopped; restoring the saved word.
        unsafe { obj.ob_tid_word() }.store(tid, Relaxed);
    }
    unreachable.retain(|&obj| {
        if member(obj) {
            return true;
        }
        stats.resurrected += 1;
        // SAFETY: the object is alive (resurrected, or GC-only and unfreed).
        if binding().is_some_and(|b| unsafe { !b.counts_as_object(obj) }) {
            stats.resurrected_hidden += 1;
        }
        if !gc_only(obj) {
            // SAFETY: world stopped; a resurrected object has another reference, so
            // dropping the collector's leaves it alive.
            let left = unsafe { merge_stopped(obj, -1) };
            debug_assert!(left > 0);
        }
        false
    });
    untracked
}

/// Phase 4: clear every object of the set to break its cycles, then drop the
/// collector's references. What is still alive after that is uncollectable.
fn delete_garbage(unreachable: Vec<ObjPtr>, stats: &mut CollectionStats) {
    if save_all() {
        let mut garbage = GARBAGE.lock();
        for obj in unreachable {
            set_bits(obj, bits(obj) - GcBits::UNREACHABLE);
            if !gc_only(obj) {
                garbage.push(obj);
                stats.uncollectable += 1;
            }
        }
        return;
    }
    for &obj in &unreachable {
        let b = bits(obj) - GcBits::UNREACHABLE;
        set_bits(obj, b);
        if b.contains(GcBits::TRACKED) {
            // SAFETY: alive (the collector's reference, or GC-only); clear leaves it
            // valid to traverse and deallocate.
            if let Some(clear) = unsafe { obj.vtable() }.clear {
                // SAFETY: as above.
                unsafe { clear(obj) };
                progress(1);
            }
        }
    }
    let (mut pending, executors): (Vec<ObjPtr>, Vec<ObjPtr>) =
        unreachable.into_iter().partition(|&o| !gc_only(o));
    // Dropping one object's reference may release references it still held to
    // others, so repeat until nothing more falls to zero.
    loop {
        let before = pending.len();
        pending.retain(|&obj| {
            // SAFETY: the collector's reference keeps the object alive until the decref.
            unsafe {
                if refcount(obj) == 1 {
                    decref(obj);
                    stats.collected += 1;
                    progress(1);
                    false
                } else {
                    true
                }
            }
        });
        if pending.is_empty() || pending.len() == before {
            break;
        }
    }
    // GC-only objects still referenced by uncollectable ones stay with them.
    for &e in &executors {
        set_bits(e, bits(e) | IN_SET);
    }
    for &obj in &pending {
        traverse(obj, &mut |target| {
            if in_set(target) {
                set_bits(target, bits(target) - IN_SET);
            }
        });
    }
    let mut kept = Vec::new();
    for e in executors {
        if bits(e).contains(IN_SET) {
            set_bits(e, bits(e) - IN_SET);
            // SAFETY: unreachable, cleared, and only the collector frees GC-only
            // objects.
            unsafe { strand_heap::dealloc::dealloc(e) };
            stats.collected += 1;
        } else {
            kept.push(e);
        }
    }
    stats.uncollectable = pending.len() + kept.len();
    let mut garbage = GARBAGE.lock();
    garbage.extend(pending);
    garbage.extend(kept);
}
