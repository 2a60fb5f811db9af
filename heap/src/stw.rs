//! Stop-the-world: one thread parks every other attached thread at its next safe point
//! and keeps detached ones from attaching until it restarts the world.
//!
//! After CPython's `_PyEval_StopTheWorld` (Python/pystate.c). The protocol:
//!
//! 1. The requester takes the requester lock (detaching while it waits, so that a
//!    concurrent requester can count it as parked: two requests serialize and never
//!    deadlock), sets `active`, and scans the registry under the park lock: each
//!    `DETACHED` thread is switched to `SUSPENDED` on the spot; each `ATTACHED` one is
//!    marked pending, counted, and has its eval-breaker bit set.
//! 2. A pending thread parks when it next reaches [`crate::safepoint`], or when it
//!    detaches: either way it becomes `SUSPENDED` and decrements the countdown under the
//!    park lock. Attaching waits while the state is `SUSPENDED`.
//! 3. When the countdown reaches zero the world is stopped. Dropping the
//!    [`StwGuard`] switches every `SUSPENDED` thread back to `DETACHED`, wakes them, and
//!    releases the requester lock; parked threads then re-attach.
//!
//! State changes that decide whether a thread is counted use `SeqCst` on both sides
//! (`active` and the thread's `state`), so a detaching thread and a scanning requester
//! always agree on which of them accounts for the thread.
//!
//! Requests nest: a thread that already holds the world stopped gets a nested guard.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::sync::LazyLock;

use parking_lot::lock_api::RawMutex as _;
use parking_lot::{Condvar, Mutex, RawMutex};

use crate::eval_breaker::EvalBreaker;
use crate::header::ObjPtr;
use crate::thread::{self, ThreadShared, ATTACHED, DETACHED, REGISTRY, SUSPENDED};

struct Stw {
    /// Held by the thread that has the world stopped; serializes requests.
    requester: RawMutex,
    /// A stop-the-world is in progress (being established or established).
    active: AtomicBool,
    park: Mutex<Park>,
    /// Signalled when the countdown reaches zero.
    all_parked: Condvar,
    /// Signalled when the world restarts.
    restarted: Condvar,
}

struct Park {
    /// Attached threads that have not parked yet.
    countdown: usize,
}

static STW: LazyLock<Stw> = LazyLock::new(|| Stw {
    requester: RawMutex::INIT,
    active: AtomicBool::new(false),
    park: Mutex::new(Park { countdown: 0 }),
    all_parked: Condvar::new(),
    restarted: Condvar::new(),
});

thread_local! {
    /// Nesting depth of stop-the-world guards held by this OS thread.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// Objects whose count reached zero while this thread had the world stopped; they
    /// are deallocated after the world restarts (see [`defer_dealloc_until_restart`]).
    static DEFERRED: RefCell<Vec<ObjPtr>> = const { RefCell::new(Vec::new()) };
}

/// Deallocates `obj`, whose count reached zero while the calling thread had the world
/// stopped, once the world restarts, unless a reference to it was taken in the
/// meantime. Deallocation can run arbitrary code (finalizers, `Drop` impls), which must
/// not run while other threads are parked (they may hold locks it needs); and the
/// cycle collector, when it is the one that stopped the world, takes over zero-count
/// GC objects as garbage of the collection in progress (CPython's
/// `queue_untracked_obj_decref` does the same split).
///
/// # Safety
/// The calling thread has the world stopped, `obj`'s count is zero and its memory is
/// still allocated; only the collector may still take a reference to it.
pub unsafe fn defer_dealloc_until_restart(obj: ObjPtr) {
    debug_assert!(is_world_stopped_by_me());
    DEFERRED.with(|d| d.borrow_mut().push(obj));
}

/// `true` while a stop-the-world is being established or is in effect.
#[inline]
pub(crate) fn is_active() -> bool {
    STW.active.load(SeqCst)
}

/// `true` if the calling thread has the world stopped.
pub fn is_world_stopped_by_me() -> bool {
    DEPTH.with(Cell::get) > 0
}

/// Proof that the world is stopped by the current thread; restarts it when the
/// outermost guard is dropped. Not `Send`: the world is restarted by the thread that
/// stopped it.
#[must_use = "the world restarts when the guard is dropped"]
pub struct StwGuard {
    _not_send: PhantomData<*const ()>,
}

impl std::fmt::Debug for StwGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StwGuard")
            .field("depth", &DEPTH.with(Cell::get))
            .finish()
    }
}

/// Stops the world: returns once every other attached thread is parked at a safe point
/// and no detached thread can attach. The merge queue of exited threads (the orphan
/// queue) is drained before returning. Dropping the guard restarts the world; objects
/// whose count reached zero while it was stopped are deallocated then, on this thread.
///
/// The calling thread must be attached. If it already holds the world stopped, the
/// request nests. If another thread is stopping the world concurrently, this waits
/// (detached, so it counts as parked for the other request) and then stops it again.
///
/// # Panics
/// If the calling OS thread has no attached [`crate::ThreadState`].
pub fn stop_the_world() -> StwGuard {
    let depth = DEPTH.with(Cell::get);
    if depth > 0 {
        DEPTH.with(|d| d.set(depth + 1));
        return StwGuard {
            _not_send: PhantomData,
        };
    }
    let me = thread::expect_current("stop_the_world");
    if !STW.requester.try_lock() {
        thread::detach_inner(me);
        STW.requester.lock();
        thread::attach_inner(me);
    }
    {
        let reg = REGISTRY.read();
        STW.active.store(true, SeqCst);
        let mut park = STW.park.lock();
        park.countdown = 0;
        for t in reg.threads.values() {
            if t.tid == me.shared.tid {
                continue;
            }
            loop {
                match t.state.load(SeqCst) {
                    DETACHED => {
                        if t.state
                            .compare_exchange(DETACHED, SUSPENDED, SeqCst, SeqCst)
                            .is_ok()
                        {
                            break;
                        }
                    }
                    ATTACHED => {
                        t.stw_pending.store(true, Relaxed);
                        park.countdown += 1;
                        t.request(EvalBreaker::STOP_THE_WORLD);
                        break;
                    }
                    _ => break,
                }
            }
        }
        drop(reg);
        while park.countdown > 0 {
            STW.all_parked.wait(&mut park);
        }
    }
    DEPTH.with(|d| d.set(1));
    crate::brc::drain_orphans();
    StwGuard {
        _not_send: PhantomData,
    }
}

impl Drop for StwGuard {
    fn drop(&mut self) {
        let depth = DEPTH.with(Cell::get);
        DEPTH.with(|d| d.set(depth - 1));
        if depth > 1 {
            return;
        }
        {
            let reg = REGISTRY.read();
            let _park = STW.park.lock();
            for t in reg.threads.values() {
                let _ = t
                    .state
                    .compare_exchange(SUSPENDED, DETACHED, SeqCst, SeqCst);
            }
            STW.active.store(false, SeqCst);
            STW.restarted.notify_all();
        }
        // SAFETY: this thread locked `requester` in stop_the_world (depth went 0 -> 1
        // there and is back to 0 here), and parking_lot's RawMutex may be unlocked by
        // the thread that locked it.
        unsafe { STW.requester.unlock() };
        // Now that other threads run again, free what died during the pause (unless
        // the collector adopted it).
        loop {
            let objects = DEFERRED.with(|d| std::mem::take(&mut *d.borrow_mut()));
            if objects.is_empty() {
                break;
            }
            for obj in objects {
                // SAFETY: entries are allocated objects whose count was zero; nobody but
                // the collector can have taken a reference since.
                unsafe {
                    if crate::refcount::refcount(obj) == 0 {
                        crate::dealloc::dealloc(obj);
                    }
                }
            }
        }
    }
}

/// Called at a safe point when the STOP_THE_WORLD bit is set: parks until restart.
/// A parked thread holds no object locks (its critical sections are suspended), so
/// the thread that stopped the world can take any of them.
#[cold]
pub(crate) fn park_at_safepoint(inner: &crate::thread::ThreadInner) {
    let shared = &*inner.shared;
    crate::critical_section::suspend_all();
    {
        let mut park = STW.park.lock();
        shared
            .eval_breaker
            .fetch_and(!EvalBreaker::STOP_THE_WORLD.bits(), SeqCst);
        if !shared.stw_pending.load(Relaxed) {
            // A stale request: this thread was accounted for when it detached.
            drop(park);
            crate::critical_section::resume_top(inner);
            return;
        }
        shared.stw_pending.store(false, Relaxed);
        shared.state.store(SUSPENDED, SeqCst);
        park.countdown -= 1;
        if park.countdown == 0 {
            STW.all_parked.notify_one();
        }
        while shared.state.load(SeqCst) == SUSPENDED {
            STW.restarted.wait(&mut park);
        }
    }
    acquire_attached(shared);
    crate::critical_section::resume_top(inner);
}

/// Moves `shared` from DETACHED to ATTACHED, waiting while it is SUSPENDED.
pub(crate) fn acquire_attached(shared: &ThreadShared) {
    loop {
        match shared
            .state
            .compare_exchange(DETACHED, ATTACHED, SeqCst, SeqCst)
        {
            Ok(_) => return,
            Err(SUSPENDED) => {
                let mut park = STW.park.lock();
                while shared.state.load(SeqCst) == SUSPENDED {
                    STW.restarted.wait(&mut park);
                }
            }
            Err(state) => panic!(
                "strand-heap: cannot attach thread state {} in state {state}",
                shared.tid
            ),
        }
    }
}

/// Moves `shared` from ATTACHED to `new_state` (DETACHED or EXITED), accounting for it
/// in a stop-the-world that counted it as attached.
pub(crate) fn release_attached(shared: &ThreadShared, new_state: u8) {
    shared.state.swap(new_state, SeqCst);
    if STW.active.load(SeqCst) {
        let mut park = STW.park.lock();
        if shared.stw_pending.load(Relaxed) {
            shared.stw_pending.store(false, Relaxed);
            if new_state == DETACHED {
                shared.state.store(SUSPENDED, SeqCst);
            }
            park.countdown -= 1;
            if park.countdown == 0 {
                STW.all_parked.notify_one();
            }
        }
    }
}
