//! Thread states: the registry of threads that use the heap, attach and detach, and
//! thread exit.
//!
//! Every OS thread that touches the heap does so through an attached [`ThreadState`]
//! (CPython's `PyThreadState`). A thread state carries a unique id (the `ob_tid` of
//! the objects it allocates), its eval-breaker word, its biased-refcount merge queue,
//! its QSBR registration, its freelists, its cached mimalloc theaps and its counters.
//!
//! An OS thread may own several thread states over its life and switch between them,
//! one attached at a time ([`ThreadState::attach`] swaps, like `PyThreadState_Swap`),
//! which lets tests and fuzzers drive several logical threads deterministically from
//! one OS thread. A thread state never moves to another OS thread (`ThreadState` is not
//! `Send`).
//!
//! States (after CPython's `_Py_THREAD_*`):
//!
//! * `DETACHED`: not using the heap; may block; does not hold up stop-the-world.
//! * `ATTACHED`: using the heap; must reach [`crate::safepoint`] regularly.
//! * `SUSPENDED`: stopped by a stop-the-world request (parked at a safe point, or
//!   detached while the world is stopped); cannot attach until the world restarts.
//! * `EXITED`: gone; kept only by `Arc`s that still point at it.
//!
//! Thread ids are never reused, so an object owned by an exited thread can never be
//! mistaken for one owned by a live thread: every count on it goes to the shared field
//! and its queued merges go to the orphan queue ([`crate::brc`]).

use std::cell::{Cell, UnsafeCell};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize};
use std::sync::{Arc, LazyLock};

use parking_lot::{Mutex, RwLock};

use crate::alloc::Theaps;
use crate::eval_breaker::EvalBreaker;
use crate::freelist::FreeLists;
use crate::header::ObjPtr;
use crate::qsbr::QsbrThread;
use crate::roots::RootList;
use crate::stats::Counters;

pub(crate) const DETACHED: u8 = 0;
pub(crate) const ATTACHED: u8 = 1;
pub(crate) const SUSPENDED: u8 = 2;
pub(crate) const EXITED: u8 = 3;

/// The value `current_tid` has on an OS thread with no attached thread state. No
/// object has it as its owner, so counting from such a thread is always "shared".
pub(crate) const NO_THREAD: usize = usize::MAX;

/// A thread state's unique id: the value stored in `ob_tid` of the objects it owns.
/// Ids start at 1 (0 marks merged objects) and are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThreadId(pub(crate) usize);

impl ThreadId {
    /// The id as stored in `ob_tid`.
    pub fn as_usize(self) -> usize {
        self.0
    }
}

/// A thread's merge queue (CPython's `_brc_thread_state.objects_to_merge`).
pub(crate) struct MergeQueue {
    pub(crate) objects: Vec<ObjPtr>,
    /// Set when the owner stops accepting entries during exit; later entries go to the
    /// orphan queue.
    pub(crate) closed: bool,
}

/// The part of a thread state that other threads reach: through the registry, for
/// stop-the-world, merge queueing and statistics.
pub(crate) struct ThreadShared {
    pub(crate) tid: usize,
    pub(crate) state: AtomicU8,
    pub(crate) eval_breaker: AtomicUsize,
    /// Counted in the current stop-the-world's countdown and not yet parked. Written
    /// only under the stop-the-world park lock.
    pub(crate) stw_pending: AtomicBool,
    pub(crate) merge_queue: Mutex<MergeQueue>,
    pub(crate) counters: Counters,
    pub(crate) roots: RootList,
    /// Per-thread reference counts of objects with ids ([`crate::local_refs`]).
    pub(crate) local_refs: crate::local_refs::LocalRefs,
    /// The objects this thread holds through biased locking ([`crate::biased_lock`]).
    pub(crate) biased: crate::biased_lock::BiasedHolds,
}

impl ThreadShared {
    /// Sets `bits` in this thread's eval breaker.
    #[inline]
    pub(crate) fn request(&self, bits: EvalBreaker) {
        self.eval_breaker.fetch_or(bits.bits(), SeqCst);
    }
}

/// The part of a thread state only its own OS thread touches, and only while attached
/// (or while creating or exiting it).
pub(crate) struct ThreadLocal {
    pub(crate) qsbr: Option<QsbrThread>,
    pub(crate) freelists: FreeLists,
    pub(crate) theaps: Theaps,
    /// GC-heap allocations minus frees not yet added to the shared young count.
    pub(crate) gc_alloc_delta: isize,
    /// Set while the collector deletes garbage on this thread
    /// ([`crate::gc_count::with_uncounted_frees`]).
    pub(crate) gc_frees_uncounted: bool,
    /// The critical-section chain while detached, and the resumption guard.
    pub(crate) critical_sections: crate::critical_section::Sections,
}

/// A thread state, boxed so that its address is stable while it is current.
pub(crate) struct ThreadInner {
    pub(crate) shared: Arc<ThreadShared>,
    local: UnsafeCell<ThreadLocal>,
}

impl ThreadInner {
    /// The thread-local part.
    ///
    /// # Safety
    /// Only the OS thread that owns this thread state may call this, and the returned
    /// reference must not overlap another one from this function (keep uses short and
    /// do not call back into the heap while holding it, except where noted).
    #[inline]
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn local(&self) -> &mut ThreadLocal {
        // SAFETY: forwarded to the caller: single OS thread, no overlapping borrows.
        unsafe { &mut *self.local.get() }
    }
}

thread_local! {
    static CURRENT: Cell<*const ThreadInner> = const { Cell::new(std::ptr::null()) };
    static CURRENT_TID: Cell<usize> = const { Cell::new(NO_THREAD) };
    /// Thread states that exist on this OS thread (mimalloc's per-OS-thread state may
    /// be torn down only when none is left).
    static OS_THREAD_STATES: Cell<usize> = const { Cell::new(0) };
}

/// Thread states that exist on the calling OS thread.
pub(crate) fn os_thread_state_count() -> usize {
    OS_THREAD_STATES.with(Cell::get)
}

/// The id `ob_tid` comparisons use on this OS thread: the attached thread state's id,
/// or [`NO_THREAD`].
#[inline(always)]
pub(crate) fn current_tid() -> usize {
    CURRENT_TID.with(Cell::get)
}

/// The attached thread state of this OS thread, if any.
#[inline]
pub(crate) fn current_inner() -> Option<&'static ThreadInner> {
    let p = CURRENT.with(Cell::get);
    // SAFETY: CURRENT is set only to the boxed ThreadInner of a ThreadState owned by
    // this OS thread, and reset before that ThreadState is dropped; the box's address
    // is stable. The 'static is a lie bounded by that protocol: callers use the
    // reference only within the current heap operation.
    unsafe { p.as_ref() }
}

/// The attached thread state, or a panic naming the operation that needed one.
#[inline]
#[track_caller]
pub(crate) fn expect_current(what: &str) -> &'static ThreadInner {
    match current_inner() {
        Some(inner) => inner,
        None => no_thread_state(what),
    }
}

#[cold]
#[track_caller]
fn no_thread_state(what: &str) -> ! {
    panic!("strand-heap: {what} needs an attached ThreadState on this OS thread")
}

/// The process-wide registry of live thread states.
pub(crate) struct Registry {
    pub(crate) threads: HashMap<usize, Arc<ThreadShared>>,
}

pub(crate) static REGISTRY: LazyLock<RwLock<Registry>> = LazyLock::new(|| {
    RwLock::new(Registry {
        threads: HashMap::new(),
    })
});

static NEXT_TID: AtomicUsize = AtomicUsize::new(1);

/// As [`with_registry`], or `None` without waiting when the registry's lock is not
/// free for reading at once.
pub(crate) fn try_with_registry<R>(
    f: impl FnOnce(&mut dyn Iterator<Item = &Arc<ThreadShared>>) -> R,
) -> Option<R> {
    let reg = REGISTRY.try_read()?;
    Some(f(&mut reg.threads.values()))
}

/// Runs `f` over every registered thread state, under the registry's read lock.
pub(crate) fn with_registry<R>(
    f: impl FnOnce(&mut dyn Iterator<Item = &Arc<ThreadShared>>) -> R,
) -> R {
    let reg = REGISTRY.read();
    f(&mut reg.threads.values())
}

/// A thread's registration with the heap. See the module docs.
///
/// Created detached; [`attach`](ThreadState::attach) it before using the heap.
/// Dropping it is thread exit: it drains its merge queue, releases its freelists and
/// QSBR registration and leaves the registry. Objects it allocated stay alive as long
/// as they are referenced.
pub struct ThreadState {
    inner: Box<ThreadInner>,
    _not_send: PhantomData<*const ()>,
}

impl Default for ThreadState {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for ThreadState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadState")
            .field("id", &self.inner.shared.tid)
            .field("state", &self.inner.shared.state.load(Relaxed))
            .finish()
    }
}

impl ThreadState {
    /// Registers a new, detached thread state for the calling OS thread.
    ///
    /// If the world is stopped it starts suspended, and attaching it waits for the
    /// world to restart.
    pub fn new() -> ThreadState {
        crate::alloc::configure_os_memory();
        crate::biased_lock::init();
        let tid = NEXT_TID.fetch_add(1, Relaxed);
        let shared = Arc::new(ThreadShared {
            tid,
            state: AtomicU8::new(DETACHED),
            eval_breaker: AtomicUsize::new(0),
            stw_pending: AtomicBool::new(false),
            merge_queue: Mutex::new(MergeQueue {
                objects: Vec::new(),
                closed: false,
            }),
            counters: Counters::default(),
            roots: RootList::default(),
            local_refs: Default::default(),
            biased: Default::default(),
        });
        let inner = Box::new(ThreadInner {
            shared: shared.clone(),
            local: UnsafeCell::new(ThreadLocal {
                qsbr: Some(crate::qsbr_domain().register()),
                freelists: FreeLists::default(),
                theaps: Theaps::for_current_os_thread(),
                gc_alloc_delta: 0,
                gc_frees_uncounted: false,
                critical_sections: Default::default(),
            }),
        });
        {
            let mut reg = REGISTRY.write();
            // Under the registry lock, so a concurrent stop-the-world either saw this
            // thread in its scan or had already set `active` before we read it.
            if crate::stw::is_active() {
                shared.state.store(SUSPENDED, SeqCst);
            }
            reg.threads.insert(tid, shared);
        }
        OS_THREAD_STATES.with(|n| n.set(n.get() + 1));
        crate::alloc::register_os_thread();
        ThreadState {
            inner,
            _not_send: PhantomData,
        }
    }

    /// Registers a new thread state and attaches it: the usual first line of a thread
    /// that will use the heap.
    pub fn attach_new() -> ThreadState {
        let ts = ThreadState::new();
        ts.attach();
        ts
    }

    /// This thread state's id.
    pub fn id(&self) -> ThreadId {
        ThreadId(self.inner.shared.tid)
    }

    /// `true` if this thread state is the one attached on its OS thread.
    pub fn is_attached(&self) -> bool {
        std::ptr::eq(CURRENT.with(Cell::get), &*self.inner)
    }

    /// Makes this thread state the attached one on the calling OS thread, detaching
    /// whichever was attached before (CPython's `PyThreadState_Swap`). Waits while the
    /// world is stopped by another thread.
    pub fn attach(&self) {
        if self.is_attached() {
            return;
        }
        if let Some(prev) = current_inner() {
            detach_inner(prev);
        }
        attach_inner(&self.inner);
    }

    /// Detaches this thread state if it is attached. A detached thread must not touch
    /// the heap; it may block for as long as it likes without holding up
    /// stop-the-world or QSBR reclamation.
    pub fn detach(&self) {
        if self.is_attached() {
            detach_inner(&self.inner);
        }
    }

    /// Ends the thread state (the same as dropping it).
    pub fn exit(self) {}

    /// Registers a source of uncounted references to deferred objects (an interpreter's
    /// frame stack, for instance) that the collector scans as roots; see
    /// [`crate::RootSource`]. Returns a key for [`ThreadState::remove_root_source`].
    pub fn add_root_source(&self, source: Arc<dyn crate::RootSource>) -> crate::RootSourceId {
        self.inner.shared.roots.add(source)
    }

    /// Unregisters a root source.
    pub fn remove_root_source(&self, id: crate::RootSourceId) -> bool {
        self.inner.shared.roots.remove(id)
    }

    /// Bounds each of this thread state's freelists (one per heap kind and size class)
    /// to `limit` blocks, returning any excess to mimalloc; 0 disables them.
    ///
    /// # Panics
    /// If this thread state is not attached.
    pub fn set_freelist_limit(&self, limit: u32) {
        assert!(
            self.is_attached(),
            "set_freelist_limit needs the thread state attached"
        );
        // SAFETY: owning OS thread; the borrow ends in this statement.
        unsafe { self.inner.local() }.freelists.set_limit(limit);
    }

    /// Sets `bits` in this thread's eval breaker; the thread sees them at its next
    /// [`crate::safepoint`].
    pub fn request(&self, bits: EvalBreaker) {
        self.inner.shared.request(bits);
    }

    /// A handle that sets bits in this thread's eval breaker from any thread (a signal
    /// watcher asking the main thread to run signal handlers, as CPython's
    /// `_PyEval_SignalReceived` does). It stays valid after the thread exits; requests
    /// then have no effect.
    pub fn eval_breaker_handle(&self) -> EvalBreakerHandle {
        EvalBreakerHandle {
            shared: self.inner.shared.clone(),
        }
    }
}

/// Registers a root source with the thread state attached on the calling OS thread
/// (for layers that do not hold the [`ThreadState`] itself, such as an interpreter
/// registering its frame chain the first time a thread runs code). `None` if no thread
/// state is attached.
pub fn add_current_root_source(source: Arc<dyn crate::RootSource>) -> Option<crate::RootSourceId> {
    current_inner().map(|inner| inner.shared.roots.add(source))
}

/// Sets bits in one thread's eval breaker from any thread; see
/// [`ThreadState::eval_breaker_handle`].
#[derive(Clone)]
pub struct EvalBreakerHandle {
    shared: Arc<ThreadShared>,
}

impl EvalBreakerHandle {
    /// Sets `bits`; the thread sees them at its next [`crate::safepoint`].
    pub fn request(&self, bits: EvalBreaker) {
        self.shared.request(bits);
    }
}

impl std::fmt::Debug for EvalBreakerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvalBreakerHandle")
            .field("thread", &self.shared.tid)
            .finish()
    }
}

impl Drop for ThreadState {
    fn drop(&mut self) {
        exit_inner(&self.inner);
    }
}

/// Attaches `inner` on the calling OS thread (which has none attached).
pub(crate) fn attach_inner(inner: &ThreadInner) {
    crate::stw::acquire_attached(&inner.shared);
    CURRENT.with(|c| c.set(inner));
    CURRENT_TID.with(|c| c.set(inner.shared.tid));
    crate::critical_section::restore_on_attach(inner);
    crate::local_refs::set_current(Some(&inner.shared.local_refs));
    crate::biased_lock::set_current(Some(&inner.shared.biased));
    // SAFETY: we are on the owning OS thread and hold no other borrow of `local`.
    if let Some(q) = unsafe { inner.local() }.qsbr.as_mut() {
        q.online();
    }
    crate::critical_section::resume_top(inner);
}

/// Detaches `inner`, the attached thread state of the calling OS thread.
pub(crate) fn detach_inner(inner: &ThreadInner) {
    // A detached thread may block: it must not hold object locks.
    crate::critical_section::save_on_detach(inner);
    // Going offline may run reclamation (QSBR flush), which frees memory and so needs
    // the thread still attached: do it first.
    // SAFETY: owning OS thread, no other borrow of `local` alive.
    if let Some(q) = unsafe { inner.local() }.qsbr.as_mut() {
        q.offline();
    }
    CURRENT.with(|c| c.set(std::ptr::null()));
    CURRENT_TID.with(|c| c.set(NO_THREAD));
    crate::local_refs::set_current(None);
    crate::biased_lock::set_current(None);
    crate::stw::release_attached(&inner.shared, DETACHED);
}

/// Thread exit. See [`ThreadState`]'s docs for what it does; the order of the steps is
/// what makes it safe against concurrent merges and stop-the-world.
fn exit_inner(inner: &ThreadInner) {
    let me: *const ThreadInner = inner;
    if current_inner().map(|c| c as *const ThreadInner) != Some(me) {
        if let Some(prev) = current_inner() {
            detach_inner(prev);
        }
        attach_inner(inner);
    }
    let shared = &inner.shared;

    // 1. Merge what other threads queued to us while we still count locally.
    crate::brc::drain_own_queue(inner);

    // 2. Stop counting locally: from now on our own objects are counted in their shared
    //    fields, so orphan drains on other threads can merge them without racing with us.
    CURRENT_TID.with(|c| c.set(NO_THREAD));
    //    Likewise our per-thread counts: fold them into the shared fields.
    crate::local_refs::set_current(None);
    crate::local_refs::merge_exiting(shared);

    // 3. Close the queue (later entries become orphans) and merge what is left.
    let rest = {
        let mut q = shared.merge_queue.lock();
        q.closed = true;
        std::mem::take(&mut q.objects)
    };
    crate::brc::merge_objects(rest);

    // 4. Give back cached memory and leave QSBR; hand the collector our unflushed
    //    allocation count.
    crate::gc_count::flush_exiting(inner);
    // SAFETY: owning OS thread; the borrow ends before anything else touches `local`.
    unsafe { inner.local() }.freelists.release_all();
    // SAFETY: as above.
    let qsbr = unsafe { inner.local() }.qsbr.take();
    if let Some(mut q) = qsbr {
        q.offline();
        drop(q);
    }

    OS_THREAD_STATES.with(|n| n.set(n.get() - 1));

    // 5. Leave the registry, cooperating with any stop-the-world that wants us parked
    //    while we wait for the write lock. Only parking: a full safe point could merge
    //    orphans, whose frees need the QSBR state we have just left (other threads
    //    drain them instead).
    loop {
        if let Some(mut reg) = REGISTRY.try_write() {
            reg.threads.remove(&shared.tid);
            crate::stats::GLOBAL.absorb(&shared.counters);
            break;
        }
        if shared.eval_breaker.load(SeqCst) & EvalBreaker::STOP_THE_WORLD.bits() != 0 {
            crate::stw::park_at_safepoint(inner);
        }
        std::thread::yield_now();
    }
    CURRENT.with(|c| c.set(std::ptr::null()));
    crate::critical_section::clear_on_exit();
    crate::biased_lock::set_current(None);
    crate::stw::release_attached(shared, EXITED);
}

/// `true` if the calling OS thread has an attached thread state.
#[inline]
pub fn is_attached() -> bool {
    !CURRENT.with(Cell::get).is_null()
}

/// The id of the calling OS thread's attached thread state.
pub fn current_thread_id() -> Option<ThreadId> {
    current_inner().map(|i| ThreadId(i.shared.tid))
}

/// Whether the attached thread state of this OS thread owns `obj`'s local count (the
/// biased-refcounting owner, CPython's `_Py_IsOwnedByCurrentThread`): one load and one
/// comparison with a constant-initialised thread-local.
///
/// # Safety
/// `obj`'s memory must be allocated.
#[inline(always)]
pub unsafe fn is_owned_by_current_thread(obj: crate::ObjPtr) -> bool {
    // SAFETY: forwarded to the caller.
    unsafe { obj.owner_tid() == current_tid() }
}

/// Runs `f` with the calling thread detached, then re-attaches it (CPython's
/// `Py_BEGIN_ALLOW_THREADS` / `Py_END_ALLOW_THREADS`). Use it around anything that may
/// block: sleeping, I/O, waiting for a lock or another thread. `f` must not touch the
/// heap. If no thread state is attached, just runs `f`.
pub fn with_detached<R>(f: impl FnOnce() -> R) -> R {
    match current_inner() {
        None => f(),
        Some(inner) => {
            detach_inner(inner);
            struct Reattach<'a>(&'a ThreadInner);
            impl Drop for Reattach<'_> {
                fn drop(&mut self) {
                    attach_inner(self.0);
                }
            }
            let _reattach = Reattach(inner);
            f()
        }
    }
}
