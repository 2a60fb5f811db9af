//! Memory: the four mimalloc heaps, allocation through per-thread theaps, freeing
//! (immediate, freelisted, or QSBR-delayed) and heap walking.
//!
//! strand uses mimalloc v3's first-class heaps (through libmimalloc-sys's `extended`
//! feature): one process-wide `mi_heap_t` per [`HeapKind`]. A heap can be allocated
//! from by every thread; each OS thread allocates through its own *theap* of that heap
//! (`mi_heap_theap`), cached in its thread states, so allocation never synchronizes.
//! Pages belong to the heap, not to the thread, which is what makes a heap walk
//! (`mi_heap_visit_blocks`) find every block, including those of threads that have
//! exited (their pages are abandoned to the heap, not freed).
//!
//! A walk is only sound when no thread mutates the pages it visits: mimalloc collects
//! each page's thread-free list while visiting, which races with the page owner's own
//! allocations and frees. Three rules make that hold:
//!
//! * walks run with the world stopped, so attached threads are parked;
//! * detached threads never allocate or free heap memory (that is part of being
//!   detached);
//! * an OS thread's mimalloc state is torn down (its pages abandoned to the heaps) when
//!   the OS thread ends, which no stop-the-world can stop because the thread no longer
//!   has a thread state. strand does that teardown itself, from a thread-local
//!   destructor that runs before mimalloc's own, under a lock that walks hold
//!   exclusively.

use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::LazyLock;

use libmimalloc_sys as mi;

use crate::freelist::{class_size, size_class};
use crate::header::{GcBits, HeapKind, ObFlags, ObjPtr, ObjectHeader, TypeVTable};
use crate::stw::StwGuard;
use crate::thread::{expect_current, ThreadInner};

/// Bytes before the object header in [`HeapKind::GcPreheader`] blocks: two words, the
/// slots CPython's managed-dict objects keep their `__dict__` and weakref list in.
pub const PREHEADER_SIZE: usize = 2 * std::mem::size_of::<usize>();

const HEADER_SIZE: usize = std::mem::size_of::<ObjectHeader>();

#[allow(non_camel_case_types)]
type mi_theap_t = mi::mi_theap_t;

// Parts of mimalloc v3's API that libmimalloc-sys does not declare.
extern "C" {
    fn mi_heap_theap(heap: *mut mi::mi_heap_t) -> *mut mi_theap_t;
    fn mi_theap_malloc(theap: *mut mi_theap_t, size: usize) -> *mut c_void;
    fn mi_theap_realloc(theap: *mut mi_theap_t, p: *mut c_void, newsize: usize) -> *mut c_void;
    fn mi_thread_done();
    /// mimalloc-internal (src/prim/unix/prim.c in the pinned mimalloc 3.3.2): sets the
    /// pthread-specific value whose destructor runs `_mi_thread_done` at thread exit.
    fn _mi_prim_thread_associate_default_theap(theap: *mut mi_theap_t);
}

/// Held shared while an ending OS thread tears down its mimalloc state, exclusively
/// while a heap walk visits pages.
static WALK_LOCK: parking_lot::RwLock<()> = parking_lot::RwLock::new(());

/// Tears down the OS thread's mimalloc state when the OS thread ends; see the module
/// docs. Rust's thread-local destructors run before pthread key destructors, so this
/// runs before mimalloc's own thread-exit hook, which it then disarms.
struct OsThreadTeardown;

impl Drop for OsThreadTeardown {
    fn drop(&mut self) {
        // A ThreadState still alive here (kept in another thread-local) may yet use
        // mimalloc; leave the teardown to mimalloc's own hook in that case. The main
        // thread ends with the process, when walks no longer matter.
        if crate::thread::os_thread_state_count() != 0
            || std::thread::current().name() == Some("main")
        {
            return;
        }
        let _no_walk = WALK_LOCK.read();
        // SAFETY: the OS thread is ending and has no thread state left, so nothing on it
        // uses its theaps again. Clearing the pthread-specific value afterwards keeps
        // mimalloc's own hook from running on the theap mi_thread_done just freed.
        unsafe {
            mi_thread_done();
            _mi_prim_thread_associate_default_theap(std::ptr::null_mut());
        }
    }
}

thread_local! {
    static TEARDOWN: OsThreadTeardown = const { OsThreadTeardown };
}

struct Heaps([*mut mi::mi_heap_t; 4]);

// SAFETY: mimalloc v3 heaps are first-class and may be used from any thread (allocation
// goes through each thread's own theap); the pointers are never freed.
unsafe impl Send for Heaps {}
// SAFETY: as above.
unsafe impl Sync for Heaps {}

static HEAPS: LazyLock<Heaps> = LazyLock::new(|| {
    Heaps(HeapKind::ALL.map(|_| {
        // SAFETY: mi_heap_new has no preconditions.
        let heap = unsafe { mi::mi_heap_new() };
        assert!(!heap.is_null(), "mimalloc could not create a heap");
        heap
    }))
});

/// One OS thread's theaps, one per heap kind.
pub(crate) struct Theaps([*mut mi_theap_t; 4]);

impl Theaps {
    /// The calling OS thread's theaps (created on first use by mimalloc).
    pub(crate) fn for_current_os_thread() -> Theaps {
        let heaps = &HEAPS.0;
        // SAFETY: the heaps are valid for the life of the process; mi_heap_theap returns
        // the calling thread's theap of a heap, creating it if needed.
        Theaps([0, 1, 2, 3].map(|k| unsafe { mi_heap_theap(heaps[k]) }))
    }
}

/// Arranges for the calling OS thread's mimalloc state to be torn down safely when the
/// OS thread ends (see the module docs). Called when a thread state is created.
pub(crate) fn register_os_thread() {
    TEARDOWN.with(|_| {});
}

/// Turns transparent huge pages off for the process (`prctl(PR_SET_THP_DISABLE)`),
/// once, when the first thread state is made (the few pages touched before that may
/// stay huge: 4 MiB for the `strand` command, as much as when called first thing in
/// `main`); `MIMALLOC_ALLOW_THP=1` in the environment keeps them.
///
/// mimalloc advises its arenas `MADV_HUGEPAGE`, and on a kernel in THP "madvise" mode
/// every 2 MiB of an arena that an allocation touches then becomes resident at once:
/// an empty program's resident set grows from 7.5 MiB to 20 MiB, deltablue's from 22
/// to 46 MiB, with no measurable gain in speed on strand's benchmarks. The setting is
/// inherited by child processes.
pub(crate) fn configure_os_memory() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_some_and(|v| v == "1") {
            return;
        }
        // SAFETY: PR_SET_THP_DISABLE takes one integer argument (the rest must be
        // zero) and changes only how the kernel backs this process's future page
        // faults; a failure (an old kernel) leaves THP as it was, which is harmless.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    });
}

#[inline]
fn theap_malloc(inner: &ThreadInner, kind: HeapKind, size: usize) -> *mut u8 {
    // SAFETY: owning OS thread; the borrow ends in this expression.
    let theap = unsafe { inner.local() }.theaps.0[kind as usize];
    // SAFETY: `theap` belongs to the calling OS thread (thread states never move
    // between OS threads) and is valid until its last thread state exits.
    unsafe { mi_theap_malloc(theap, size) }.cast()
}

#[cold]
#[inline(never)]
fn alloc_failed(size: usize) -> ! {
    std::alloc::handle_alloc_error(
        std::alloc::Layout::from_size_align(size.max(1), 16).expect("valid layout"),
    )
}

#[inline]
fn preheader_of(kind: HeapKind) -> usize {
    if kind == HeapKind::GcPreheader {
        PREHEADER_SIZE
    } else {
        0
    }
}

/// Allocates an object of `size` bytes (header included, pre-header excluded) of type
/// `vtable` in the vtable's heap. The header is initialised: owned by the current
/// thread, reference count 1, not tracked; the pre-header (if any) is zeroed. The body
/// after the header is uninitialised. Returns `None` if memory is exhausted.
///
/// # Panics
/// If no thread state is attached, or `vtable.kind` is [`HeapKind::Raw`].
#[inline]
pub fn try_alloc_object(vtable: &'static TypeVTable, size: usize) -> Option<ObjPtr> {
    let inner = expect_current("alloc_object");
    assert!(
        vtable.kind != HeapKind::Raw,
        "objects cannot live in the raw heap"
    );
    alloc_object_in(inner, vtable, vtable.kind, size)
}

/// [`try_alloc_object`], aborting through `handle_alloc_error` when memory is exhausted.
#[inline]
pub fn alloc_object(vtable: &'static TypeVTable, size: usize) -> ObjPtr {
    match try_alloc_object(vtable, size) {
        Some(obj) => obj,
        None => alloc_failed(size),
    }
}

/// The allocation path; `kind` is `vtable.kind`, passed separately so that callers that
/// know it statically get the size-class arithmetic folded away.
#[inline(always)]
fn alloc_object_in(
    inner: &ThreadInner,
    vtable: &'static TypeVTable,
    kind: HeapKind,
    size: usize,
) -> Option<ObjPtr> {
    debug_assert_eq!(kind, vtable.kind);
    let pre = preheader_of(kind);
    let size = size.max(HEADER_SIZE) + pre;
    let counters = &inner.shared.counters;
    let block = match size_class(size) {
        Some(class) => {
            // SAFETY: owning OS thread; the borrow ends in this expression.
            match unsafe { inner.local() }.freelists.pop(kind, class) {
                Some(block) => {
                    counters.freelist_hits[kind as usize][class].bump();
                    block
                }
                None => {
                    counters.freelist_misses[kind as usize][class].bump();
                    theap_malloc(inner, kind, class_size(class))
                }
            }
        }
        None => theap_malloc(inner, kind, size),
    };
    if block.is_null() {
        return None;
    }
    counters.allocs[kind as usize].bump();
    if kind.is_gc() {
        crate::gc_count::record_alloc(inner);
    }
    // SAFETY: `block` is a fresh allocation of at least `size` bytes, 16-aligned.
    unsafe {
        if pre != 0 {
            std::ptr::write_bytes(block, 0, pre);
        }
        let header = block.add(pre) as *mut ObjectHeader;
        header.write(ObjectHeader::new(
            inner.shared.tid,
            vtable,
            kind,
            crate::biased_lock::initial_state(),
        ));
        Some(ObjPtr::new(NonNull::new_unchecked(header)))
    }
}

/// [`alloc_object`] for callers that know the object's heap kind and size statically
/// (a runtime's hottest types, such as floats): the size-class arithmetic folds away.
/// `kind` must be `vtable.kind`.
#[inline(always)]
pub fn alloc_object_sized(vtable: &'static TypeVTable, kind: HeapKind, size: usize) -> ObjPtr {
    alloc_object_static(vtable, kind, size)
}

/// Allocates a `T`-sized object for the safe API, where the vtable's kind is a constant.
#[inline(always)]
pub(crate) fn alloc_object_static(
    vtable: &'static TypeVTable,
    kind: HeapKind,
    size: usize,
) -> ObjPtr {
    let inner = expect_current("alloc_object");
    match alloc_object_in(inner, vtable, kind, size) {
        Some(obj) => obj,
        None => alloc_failed(size),
    }
}

/// Gives up an object's memory. The end of every vtable `dealloc`.
///
/// The block is marked dead (null `ob_type`, GC bits cleared) at once. Objects
/// published to lock-free readers ([`ObFlags::SHARED`]) are freed after a QSBR grace
/// period; others go to the thread's freelist for their size class, or back to
/// mimalloc when it is full.
///
/// # Safety
/// `obj` was allocated by [`alloc_object`], its count is zero, its contents have been
/// released, and nothing references it. The calling thread must be attached.
#[inline]
pub unsafe fn free_object(obj: ObjPtr) {
    let inner = expect_current("free_object");
    // SAFETY: obj is allocated and exclusively ours (the caller's contract).
    let (kind, size) = unsafe { (obj.kind(), (obj.vtable().size)(obj)) };
    // SAFETY: forwarded to the caller.
    unsafe { free_object_in(inner, obj, kind, size, false) }
}

/// Like [`free_object`], but always waits out a QSBR grace period before the memory is
/// reused, for objects that lock-free readers may still be reading.
///
/// # Safety
/// As [`free_object`].
pub unsafe fn free_object_delayed(obj: ObjPtr) {
    let inner = expect_current("free_object_delayed");
    // SAFETY: obj is allocated and exclusively ours (the caller's contract).
    let (kind, size) = unsafe { (obj.kind(), (obj.vtable().size)(obj)) };
    // SAFETY: forwarded to the caller.
    unsafe { free_object_in(inner, obj, kind, size, true) }
}

/// [`free_object`] for callers that know the object's heap kind and size (the
/// `(vtable.size)(obj)` value) statically, as the safe API's vtables do.
///
/// # Safety
/// As [`free_object`]; `kind` and `size` must be the object's.
#[inline(always)]
pub unsafe fn free_object_sized(obj: ObjPtr, kind: HeapKind, size: usize) {
    let inner = expect_current("free_object");
    // SAFETY: forwarded to the caller.
    unsafe { free_object_in(inner, obj, kind, size, false) }
}

#[inline(always)]
unsafe fn free_object_in(
    inner: &ThreadInner,
    obj: ObjPtr,
    kind: HeapKind,
    size: usize,
    delayed: bool,
) {
    // SAFETY: obj is allocated and exclusively ours (the caller's contract).
    let flags = unsafe { obj.flags() };
    // SAFETY: as above.
    unsafe {
        obj.header()
            .ob_type
            .store(std::ptr::null_mut(), std::sync::atomic::Ordering::Relaxed);
        obj.set_gc_bits(GcBits::empty());
    }
    inner.shared.counters.frees[kind as usize].bump();
    if kind.is_gc() {
        crate::gc_count::record_free(inner);
    }
    let pre = preheader_of(kind);
    let block = (obj.as_ptr() as *mut u8).wrapping_sub(pre);
    if delayed || flags.contains(ObFlags::SHARED) {
        // SAFETY: `block` is unreachable except by lock-free readers, which are done
        // with it once every thread has passed a quiescent state.
        unsafe { defer_mi_free(inner, block) };
        return;
    }
    if let Some(class) = size_class(size.max(HEADER_SIZE) + pre) {
        // SAFETY: owning OS thread; the borrow ends in this expression.
        if unsafe { inner.local() }.freelists.push(kind, class, block) {
            return;
        }
    }
    // SAFETY: `block` came from mimalloc and nothing references it.
    unsafe { mi::mi_free(block.cast()) };
}

/// Retires `block` to QSBR.
///
/// # Safety
/// `block` was allocated by mimalloc and may be freed once every thread has passed a
/// quiescent state.
unsafe fn defer_mi_free(inner: &ThreadInner, block: *mut u8) {
    struct Block(*mut u8);
    // SAFETY: the block is memory, not shared state; whoever runs the deferred free is
    // its only user.
    unsafe impl Send for Block {}
    let b = Block(block);
    // SAFETY: owning OS thread; the borrow ends in this block.
    let local = unsafe { inner.local() };
    let qsbr = local
        .qsbr
        .as_mut()
        .expect("strand-heap: delayed free during thread exit");
    // SAFETY: the thread is attached, hence online; mi_free may run on any thread.
    unsafe {
        qsbr.defer(move || {
            let b = b;
            mi::mi_free(b.0.cast());
        });
    }
    inner.shared.counters.delayed.bump();
    if qsbr.wants_flush() {
        inner
            .shared
            .request(crate::eval_breaker::EvalBreaker::QSBR_FLUSH);
        if crate::qsbr_domain().over_limit() {
            // A forced quiescence point: every thread announces a quiescent state and
            // reclaims at its next safe point (qsbr module docs).
            crate::eval_breaker::request_pending_all(crate::eval_breaker::EvalBreaker::QSBR_FLUSH);
        }
    }
}

/// Allocates `size` bytes of raw memory (no header; 16-byte aligned) from the current
/// thread's raw heap. Returns `None` if memory is exhausted.
///
/// # Panics
/// If no thread state is attached.
pub fn alloc_raw(size: usize) -> Option<NonNull<u8>> {
    let inner = expect_current("alloc_raw");
    let p = theap_malloc(inner, HeapKind::Raw, size.max(1));
    let p = NonNull::new(p)?;
    inner.shared.counters.allocs[HeapKind::Raw as usize].bump();
    Some(p)
}

/// Resizes raw memory from [`alloc_raw`], like `realloc`. On failure returns `None` and
/// leaves `ptr` allocated.
///
/// # Safety
/// `ptr` came from [`alloc_raw`] or [`realloc_raw`] and is not used after a successful
/// call. No lock-free reader may be reading it (use [`alloc_raw`] plus
/// [`free_delayed`] for arrays that are read lock-free).
pub unsafe fn realloc_raw(ptr: NonNull<u8>, new_size: usize) -> Option<NonNull<u8>> {
    let inner = expect_current("realloc_raw");
    // SAFETY: owning OS thread; the borrow ends in this expression.
    let theap = unsafe { inner.local() }.theaps.0[HeapKind::Raw as usize];
    // SAFETY: ptr is a live mimalloc block (the caller's contract); the theap is ours.
    let p = unsafe { mi_theap_realloc(theap, ptr.as_ptr().cast(), new_size.max(1)) };
    NonNull::new(p.cast())
}

/// Frees raw memory from [`alloc_raw`] immediately.
///
/// # Safety
/// `ptr` came from [`alloc_raw`] and nothing reads it any more.
pub unsafe fn free_raw(ptr: NonNull<u8>) {
    let inner = expect_current("free_raw");
    inner.shared.counters.frees[HeapKind::Raw as usize].bump();
    // SAFETY: forwarded to the caller.
    unsafe { mi::mi_free(ptr.as_ptr().cast()) };
}

/// Frees raw memory from [`alloc_raw`] once every thread has passed a quiescent state,
/// so that lock-free readers that loaded `ptr` before it was unlinked can finish (list
/// item arrays after a resize, dict key tables).
///
/// # Safety
/// `ptr` came from [`alloc_raw`] and is no longer reachable from any shared location;
/// only readers that loaded it earlier may still use it.
pub unsafe fn free_delayed(ptr: NonNull<u8>) {
    let inner = expect_current("free_delayed");
    inner.shared.counters.frees[HeapKind::Raw as usize].bump();
    // SAFETY: forwarded to the caller.
    unsafe { defer_mi_free(inner, ptr.as_ptr()) };
}

/// Visits every live object allocated in the heap of `kind` (any kind but
/// [`HeapKind::Raw`]), by every thread, including threads that have exited. Freelisted
/// blocks and blocks waiting for a QSBR grace period are skipped.
///
/// The world must be stopped (hence the guard). `f` must not allocate or free heap
/// objects (collect them first, then act).
///
/// # Panics
/// If `kind` is [`HeapKind::Raw`]. A panic in `f` stops the walk and is resumed after it.
pub fn visit_objects(_world: &StwGuard, kind: HeapKind, f: &mut dyn FnMut(ObjPtr)) {
    assert!(kind != HeapKind::Raw, "raw blocks are not objects");
    struct Ctx<'a> {
        f: &'a mut dyn FnMut(ObjPtr),
        pre: usize,
        panic: Option<Box<dyn std::any::Any + Send>>,
    }
    unsafe extern "C" fn visitor(
        _heap: *const mi::mi_heap_t,
        _area: *const mi::mi_heap_area_t,
        block: *mut c_void,
        _block_size: usize,
        arg: *mut c_void,
    ) -> bool {
        if block.is_null() {
            return true;
        }
        // SAFETY: `arg` is the &mut Ctx passed to mi_heap_visit_blocks below, alive for
        // the whole walk and not otherwise borrowed during it.
        let ctx = unsafe { &mut *(arg as *mut Ctx<'_>) };
        let header = (block as *mut u8).wrapping_add(ctx.pre) as *mut ObjectHeader;
        // SAFETY: `block` is an allocated block of this heap, at least header-sized:
        // every block of an object heap starts (after the pre-header) with an object
        // header, live or dead; with the world stopped nobody writes it concurrently.
        let ty = unsafe { (*header).ob_type.load(std::sync::atomic::Ordering::Relaxed) };
        if ty.is_null() {
            return true;
        }
        // SAFETY: non-null block pointer.
        let obj = ObjPtr::new(unsafe { NonNull::new_unchecked(header) });
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (ctx.f)(obj))) {
            Ok(()) => true,
            Err(payload) => {
                ctx.panic = Some(payload);
                false
            }
        }
    }
    let mut ctx = Ctx {
        f,
        pre: preheader_of(kind),
        panic: None,
    };
    let _exclusive = WALK_LOCK.write();
    // SAFETY: the heap is valid; the world is stopped so no thread mutates its pages;
    // the visitor only reads headers and calls `f`, which must not (de)allocate.
    unsafe {
        mi::mi_heap_visit_blocks(
            HEAPS.0[kind as usize],
            true,
            Some(visitor),
            &mut ctx as *mut Ctx<'_> as *mut c_void,
        );
    }
    if let Some(payload) = ctx.panic {
        std::panic::resume_unwind(payload);
    }
}

/// Visits every live object in both GC heaps (see [`visit_objects`]).
pub fn visit_gc_objects(world: &StwGuard, f: &mut dyn FnMut(ObjPtr)) {
    visit_objects(world, HeapKind::Gc, f);
    visit_objects(world, HeapKind::GcPreheader, f);
}

/// A pointer to the pre-header of an object in the [`HeapKind::GcPreheader`] heap:
/// [`PREHEADER_SIZE`] bytes, zeroed at allocation.
///
/// # Safety
/// `obj` must be allocated in the pre-header heap.
pub unsafe fn preheader(obj: ObjPtr) -> *mut u8 {
    // SAFETY: forwarded to the caller.
    debug_assert_eq!(unsafe { obj.kind() }, HeapKind::GcPreheader);
    (obj.as_ptr() as *mut u8).wrapping_sub(PREHEADER_SIZE)
}

/// Number of blocks the calling thread's freelists hold for `kind`.
pub fn freelist_len(kind: HeapKind) -> usize {
    let inner = expect_current("freelist_len");
    // SAFETY: owning OS thread; the borrow ends in this expression.
    unsafe { inner.local() }.freelists.held(kind)
}

/// Forces QSBR reclamation on the calling thread: pushes its retirements to the global
/// queue and reclaims whatever every thread has passed a quiescent state for.
pub fn qsbr_flush() {
    let inner = expect_current("qsbr_flush");
    // SAFETY: owning OS thread; the borrow ends in this expression.
    if let Some(q) = unsafe { inner.local() }.qsbr.as_mut() {
        q.flush();
    }
}
