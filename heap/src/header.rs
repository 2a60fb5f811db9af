//! The object header every heap object begins with, and the type vtable it points to.
//!
//! Layout (64-bit, 32 bytes, `#[repr(C)]`, offsets in [`offsets`]), after CPython's
//! free-threaded `PyObject` (Include/object.h, PEP 703):
//!
//! | offset | field          | type          | written by                                  |
//! |-------:|----------------|---------------|---------------------------------------------|
//! | 0      | `ob_tid`       | `usize`       | allocating thread; 0 on merge; or a per-thread count id ([`crate::local_refs`]) |
//! | 8      | `ob_flags`     | `u16`         | [`ObFlags`], any thread (atomic or)         |
//! | 10     | `ob_mutex`     | `u8`          | the per-object mutex ([`crate::mutex`])     |
//! | 11     | `ob_gc_bits`   | `u8`          | [`GcBits`], owner or the collector          |
//! | 12     | `ob_ref_local` | `u32`         | owner thread only (plain loads and stores)  |
//! | 16     | `ob_ref_shared`| `isize`       | any thread, atomic; low 2 bits are a state  |
//! | 24     | `ob_type`      | `*const TypeVTable` | once at allocation; nulled when freed |
//!
//! Word 0 is the word mimalloc overwrites with its free-list link when a block is
//! freed, which is why nothing a heap walk relies on lives there: the walk tells live
//! objects from freelisted or QSBR-pending blocks by `ob_type` (offset 24), which
//! [`crate::free_object`] nulls before a block leaves the object's hands.

use std::fmt;
use std::ptr::NonNull;
#[cfg(not(loom))]
use std::sync::atomic::AtomicPtr;
use std::sync::atomic::Ordering::Relaxed;

#[cfg(loom)]
use loom::sync::atomic::AtomicPtr;

use bitflags::bitflags;

use crate::sync::{AtomicIsize, AtomicU16, AtomicU32, AtomicU8, AtomicUsize};

/// The common header of every object in the strand heap. See the module docs for the
/// layout; fields are private to the crate and reached through [`ObjPtr`]'s methods
/// and the refcount functions.
#[repr(C)]
pub struct ObjectHeader {
    pub(crate) ob_tid: AtomicUsize,
    pub(crate) ob_flags: AtomicU16,
    pub(crate) ob_mutex: AtomicU8,
    pub(crate) ob_gc_bits: AtomicU8,
    pub(crate) ob_ref_local: AtomicU32,
    pub(crate) ob_ref_shared: AtomicIsize,
    pub(crate) ob_type: AtomicPtr<TypeVTable>,
}

/// Byte offsets of the header fields, for generated code (the JIT) that must agree
/// with Rust on the layout. Computed with `memoffset`, checked by unit tests.
#[cfg(not(loom))]
pub mod offsets {
    use super::ObjectHeader;
    use memoffset::offset_of;

    /// Offset of `ob_tid` (owning thread id, `usize`).
    pub const OB_TID: usize = offset_of!(ObjectHeader, ob_tid);
    /// Offset of `ob_flags` (`u16`, [`super::ObFlags`]).
    pub const OB_FLAGS: usize = offset_of!(ObjectHeader, ob_flags);
    /// Offset of `ob_mutex` (`u8`).
    pub const OB_MUTEX: usize = offset_of!(ObjectHeader, ob_mutex);
    /// Offset of `ob_gc_bits` (`u8`, [`super::GcBits`]).
    pub const OB_GC_BITS: usize = offset_of!(ObjectHeader, ob_gc_bits);
    /// Offset of `ob_ref_local` (`u32`).
    pub const OB_REF_LOCAL: usize = offset_of!(ObjectHeader, ob_ref_local);
    /// Offset of `ob_ref_shared` (`isize`).
    pub const OB_REF_SHARED: usize = offset_of!(ObjectHeader, ob_ref_shared);
    /// Offset of `ob_type` (`*const TypeVTable`).
    pub const OB_TYPE: usize = offset_of!(ObjectHeader, ob_type);
    /// Size of the header in bytes; an object's own fields start here.
    pub const HEADER_SIZE: usize = std::mem::size_of::<ObjectHeader>();
}

bitflags! {
    /// Per-object flags (`ob_flags`). Bits 0-1 hold the object's [`HeapKind`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct ObFlags: u16 {
        /// Low bit of the heap-kind field.
        const KIND_LO = 1 << 0;
        /// High bit of the heap-kind field.
        const KIND_HI = 1 << 1;
        /// References from interpreter stacks are not counted; the collector finds
        /// them through [`crate::RootSource`]s instead (CPython's deferred refcounting,
        /// `_PyObject_SetDeferredRefcount`). The shared count carries
        /// [`crate::refcount::DEFERRED_BIAS`] so it never reaches zero by counting alone.
        const DEFERRED = 1 << 2;
        /// Never reference counted (the JIT's executors): the local count is saturated
        /// like an immortal's, and only the cycle collector frees the object.
        const GC_ONLY = 1 << 3;
        /// The object may be read lock-free by threads that hold no reference (it was
        /// published through [`crate::refcount::mark_shared`]); its memory is therefore
        /// freed only after a QSBR grace period and never recycled through a freelist.
        const SHARED = 1 << 4;
        /// Immortal: set together with the saturated local count.
        const IMMORTAL = 1 << 5;
        /// Weak references to the object exist (the object model clears them when the
        /// object dies).
        const WEAKREFS = 1 << 6;
    }
}

bitflags! {
    /// Collector state bits (`ob_gc_bits`), after CPython's `_PyGC_BITS_*`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct GcBits: u8 {
        /// The object is fully initialised and visible to the cycle collector.
        const TRACKED = 1 << 0;
        /// Its finalizer has run; it is never run again (PEP 442).
        const FINALIZED = 1 << 1;
        /// Found unreachable by the collection in progress.
        const UNREACHABLE = 1 << 2;
        /// Excluded from collection (like `gc.freeze()`).
        const FROZEN = 1 << 3;
        /// Reachable mark used during a collection.
        const ALIVE = 1 << 4;
        /// Free for the collector's private use during a collection.
        const SCRATCH = 1 << 5;
    }
}

/// Which mimalloc heap a block lives in. GC heaps are the ones a heap walk visits.
///
/// The discriminants are stored in the two low bits of [`ObFlags`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[repr(u8)]
pub enum HeapKind {
    /// Objects that can be part of reference cycles; the header starts the block.
    Gc = 0,
    /// GC objects preceded by a [`crate::PREHEADER_SIZE`]-byte pre-header (two words:
    /// the slots CPython uses for a managed `__dict__` and weakref list).
    GcPreheader = 1,
    /// Objects that cannot reference other objects (ints, floats, strings).
    NonGc = 2,
    /// Untyped memory without a header (item arrays, string bytes).
    Raw = 3,
}

impl HeapKind {
    /// All kinds, in discriminant order.
    pub const ALL: [HeapKind; 4] = [
        HeapKind::Gc,
        HeapKind::GcPreheader,
        HeapKind::NonGc,
        HeapKind::Raw,
    ];

    /// `true` for the kinds the cycle collector walks.
    #[inline]
    pub const fn is_gc(self) -> bool {
        matches!(self, HeapKind::Gc | HeapKind::GcPreheader)
    }

    #[inline]
    pub(crate) const fn from_bits(bits: u16) -> HeapKind {
        match bits & 3 {
            0 => HeapKind::Gc,
            1 => HeapKind::GcPreheader,
            2 => HeapKind::NonGc,
            _ => HeapKind::Raw,
        }
    }
}

/// The function a type uses to report its outgoing references: it calls `visit` once
/// per strong reference it holds (CPython's `tp_traverse`).
///
/// # Safety
/// Called with a live object of the vtable's type, by the collector with the world
/// stopped; it must not allocate, free, or change reference counts.
pub type TraverseFn = unsafe fn(ObjPtr, &mut dyn FnMut(ObjPtr));

/// A type's behaviour as the heap and the collector see it. The header's `ob_type`
/// points to one of these; higher layers may embed it as the first field of a larger
/// `#[repr(C)]` type object so that the same pointer reaches both.
#[repr(C)]
pub struct TypeVTable {
    /// The type's name, for diagnostics.
    pub name: &'static str,
    /// The heap the type's instances are allocated in.
    pub kind: HeapKind,
    /// The allocation size in bytes of a given instance, header included and
    /// pre-header excluded (CPython's `tp_basicsize + n * tp_itemsize`).
    pub size: unsafe fn(ObjPtr) -> usize,
    /// Reports outgoing references; `None` for types that hold none.
    pub traverse: Option<TraverseFn>,
    /// Drops the object's outgoing references to break a cycle (CPython's `tp_clear`);
    /// the object must stay valid to traverse and deallocate afterwards.
    pub clear: Option<unsafe fn(ObjPtr)>,
    /// Runs the object's finalizer (PEP 442 `tp_finalize`); the collector runs it at
    /// most once per object, recorded in [`GcBits::FINALIZED`].
    pub finalize: Option<unsafe fn(ObjPtr)>,
    /// Releases the object's contents and then its memory, normally by ending with
    /// [`crate::free_object`]. Called once, when the reference count reaches zero (or,
    /// for GC-only objects, by the collector).
    pub dealloc: unsafe fn(ObjPtr),
}

impl fmt::Debug for TypeVTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypeVTable")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// A raw pointer to an object header: the currency of the unsafe core.
///
/// Copying an `ObjPtr` does not change the object's reference count; whoever holds one
/// must know by other means that the object is alive (a counted reference, a borrow of
/// one, or a stopped world). It is `Send` and `Sync` because biased reference counting
/// makes counted references transferable between threads.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct ObjPtr(NonNull<ObjectHeader>);

// SAFETY: an ObjPtr is an address; every operation that dereferences it is unsafe and
// states its own preconditions, and all header fields are atomics.
unsafe impl Send for ObjPtr {}
// SAFETY: as above.
unsafe impl Sync for ObjPtr {}

impl fmt::Debug for ObjPtr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjPtr({:p})", self.0.as_ptr())
    }
}

impl ObjPtr {
    /// Wraps a non-null header pointer.
    #[inline]
    pub const fn new(ptr: NonNull<ObjectHeader>) -> ObjPtr {
        ObjPtr(ptr)
    }

    /// Wraps a possibly null pointer.
    #[inline]
    pub fn from_raw(ptr: *mut ObjectHeader) -> Option<ObjPtr> {
        NonNull::new(ptr).map(ObjPtr)
    }

    /// The header pointer.
    #[inline]
    pub const fn as_ptr(self) -> *mut ObjectHeader {
        self.0.as_ptr()
    }

    /// The header pointer as a `NonNull`.
    #[inline]
    pub const fn as_non_null(self) -> NonNull<ObjectHeader> {
        self.0
    }

    /// The address as an integer, for hashing and `id()`.
    #[inline]
    pub fn addr(self) -> usize {
        self.0.as_ptr() as usize
    }

    /// Borrows the header.
    ///
    /// # Safety
    /// The object must be alive (or its memory otherwise still allocated) for `'a`.
    #[inline]
    pub unsafe fn header<'a>(self) -> &'a ObjectHeader {
        // SAFETY: the caller guarantees the memory is valid for 'a; all fields are
        // atomics, so a shared reference is sound even under concurrent access.
        unsafe { &*self.0.as_ptr() }
    }

    /// The object's type vtable.
    ///
    /// # Safety
    /// The object must be alive.
    #[inline]
    pub unsafe fn vtable<'a>(self) -> &'a TypeVTable {
        // SAFETY: a live object's ob_type was set at allocation to a 'static vtable
        // (alloc_object takes &'static TypeVTable) and is nulled only when freed.
        unsafe { &*self.header().ob_type.load(Relaxed) }
    }

    /// The object's type vtable, or `None` if the object was deallocated: its
    /// `ob_type` is nulled then, while its memory may still wait out a QSBR grace
    /// period for lock-free readers (which may so meet a dead object, and must not use
    /// its type). One load, so the answer is consistent.
    ///
    /// # Safety
    /// The object's memory must be allocated.
    #[inline]
    pub unsafe fn vtable_if_live<'a>(self) -> Option<&'a TypeVTable> {
        // SAFETY: forwarded to the caller; a non-null ob_type is a 'static vtable.
        unsafe { self.header().ob_type.load(Relaxed).as_ref() }
    }

    /// Replaces the object's type vtable (Python's `obj.__class__ = C`), returning
    /// the previous one. Readers see either the old or the new vtable.
    ///
    /// # Safety
    /// The object must be alive, and `vtable` must describe a layout compatible with
    /// the object's (same size, same traverse/clear/dealloc contract).
    #[inline]
    pub unsafe fn swap_vtable(self, vtable: &'static TypeVTable) -> *const TypeVTable {
        // SAFETY: the object is alive (caller).
        unsafe { self.header() }.ob_type.swap(
            vtable as *const TypeVTable as *mut TypeVTable,
            std::sync::atomic::Ordering::AcqRel,
        )
    }

    /// The object's flags.
    ///
    /// # Safety
    /// The object's memory must be allocated.
    #[inline]
    pub unsafe fn flags(self) -> ObFlags {
        // SAFETY: forwarded to the caller.
        ObFlags::from_bits_retain(unsafe { self.header() }.ob_flags.load(Relaxed))
    }

    /// Sets `flags` (atomic or); safe to call from any thread.
    ///
    /// # Safety
    /// The object's memory must be allocated; the kind bits must not be passed.
    #[inline]
    pub unsafe fn set_flags(self, flags: ObFlags) {
        debug_assert!(!flags.intersects(ObFlags::KIND_LO | ObFlags::KIND_HI));
        // SAFETY: forwarded to the caller.
        unsafe { self.header() }
            .ob_flags
            .fetch_or(flags.bits(), Relaxed);
    }

    /// The heap the object was allocated in.
    ///
    /// # Safety
    /// The object's memory must be allocated.
    #[inline]
    pub unsafe fn kind(self) -> HeapKind {
        // SAFETY: forwarded to the caller.
        HeapKind::from_bits(unsafe { self.flags() }.bits())
    }

    /// The collector bits.
    ///
    /// # Safety
    /// The object's memory must be allocated.
    #[inline]
    pub unsafe fn gc_bits(self) -> GcBits {
        // SAFETY: forwarded to the caller.
        GcBits::from_bits_retain(unsafe { self.header() }.ob_gc_bits.load(Relaxed))
    }

    /// Replaces the collector bits. The GC bits have one writer at a time by protocol
    /// (the owner while initialising or deallocating, the collector with the world
    /// stopped), so this is a plain store, not a read-modify-write.
    ///
    /// # Safety
    /// The object's memory must be allocated and the caller must be the bits' current
    /// writer in the sense above.
    #[inline]
    pub unsafe fn set_gc_bits(self, bits: GcBits) {
        // SAFETY: forwarded to the caller.
        unsafe { self.header() }
            .ob_gc_bits
            .store(bits.bits(), Relaxed);
    }

    /// Marks a fully initialised object as visible to the cycle collector.
    ///
    /// # Safety
    /// As [`ObjPtr::set_gc_bits`]; every field `traverse` reads must be initialised.
    #[inline]
    pub unsafe fn track(self) {
        // SAFETY: forwarded to the caller.
        unsafe { self.set_gc_bits(self.gc_bits() | GcBits::TRACKED) }
    }

    /// Hides the object from the cycle collector.
    ///
    /// # Safety
    /// As [`ObjPtr::set_gc_bits`].
    #[inline]
    pub unsafe fn untrack(self) {
        // SAFETY: forwarded to the caller.
        unsafe { self.set_gc_bits(self.gc_bits() - GcBits::TRACKED) }
    }

    /// `true` if the object is tracked by the collector.
    ///
    /// # Safety
    /// The object's memory must be allocated.
    #[inline]
    pub unsafe fn is_tracked(self) -> bool {
        // SAFETY: forwarded to the caller.
        unsafe { self.gc_bits() }.contains(GcBits::TRACKED)
    }

    /// The id of the owning thread (0 once the counts were merged).
    ///
    /// # Safety
    /// The object's memory must be allocated.
    #[inline]
    pub unsafe fn owner_tid(self) -> usize {
        // SAFETY: forwarded to the caller.
        unsafe { self.header() }.ob_tid.load(Relaxed)
    }

    /// The `ob_tid` word itself. The cycle collector repurposes it as scratch space
    /// (the `gc_refs` of CPython's free-threaded collector) while the world is stopped,
    /// and restores it before anything else can look at the object.
    ///
    /// # Safety
    /// The object's memory must be allocated for `'a`. Storing into it is only sound
    /// with the world stopped, and the owner id must be restored before the world
    /// restarts.
    #[inline]
    pub unsafe fn ob_tid_word<'a>(self) -> &'a AtomicUsize {
        // SAFETY: forwarded to the caller.
        &unsafe { self.header() }.ob_tid
    }

    /// A pointer to the object's first byte after the header.
    #[inline]
    pub fn body(self) -> *mut u8 {
        // The header is followed by the body in the same allocation; wrapping_add never
        // dereferences.
        (self.0.as_ptr() as *mut u8).wrapping_add(std::mem::size_of::<ObjectHeader>())
    }

    /// A pointer to the object's mutex byte, for [`crate::mutex`].
    #[cfg(not(loom))]
    #[inline]
    pub(crate) fn mutex_byte(self) -> *const AtomicU8 {
        // SAFETY: addr_of! computes the field's address without creating a reference or
        // reading memory; the pointer is non-null and in bounds of the header.
        unsafe { std::ptr::addr_of!((*self.0.as_ptr()).ob_mutex) }
    }
}

impl ObjectHeader {
    /// A header for a fresh object owned by thread `tid` with one local reference and
    /// mutex byte `mutex` (free, or reserved for the owner: [`crate::biased_lock`]).
    #[cfg(not(loom))]
    pub(crate) const fn new(
        tid: usize,
        vtable: *const TypeVTable,
        kind: HeapKind,
        mutex: u8,
    ) -> Self {
        ObjectHeader {
            ob_tid: AtomicUsize::new(tid),
            ob_flags: AtomicU16::new(kind as u16),
            ob_mutex: AtomicU8::new(mutex),
            ob_gc_bits: AtomicU8::new(0),
            ob_ref_local: AtomicU32::new(1),
            ob_ref_shared: AtomicIsize::new(0),
            ob_type: AtomicPtr::new(vtable as *mut TypeVTable),
        }
    }

    /// The header of a statically allocated immortal object (a builtin type object,
    /// `None`, a small int): no owner, immortal count, not tracked, type `vtable`.
    /// Usable in `static` initialisers.
    #[cfg(not(loom))]
    pub const fn new_static(vtable: *const TypeVTable, kind: HeapKind) -> Self {
        ObjectHeader {
            ob_tid: AtomicUsize::new(0),
            ob_flags: AtomicU16::new(kind as u16 | ObFlags::IMMORTAL.bits()),
            ob_mutex: AtomicU8::new(0),
            ob_gc_bits: AtomicU8::new(0),
            ob_ref_local: AtomicU32::new(crate::refcount::IMMORTAL_LOCAL),
            ob_ref_shared: AtomicIsize::new(0),
            ob_type: AtomicPtr::new(vtable as *mut TypeVTable),
        }
    }

    /// A header for loom models: owned by `tid`, one local reference, no type.
    #[cfg(loom)]
    pub fn new_for_model(tid: usize) -> Self {
        ObjectHeader {
            ob_tid: AtomicUsize::new(tid),
            ob_flags: AtomicU16::new(0),
            ob_mutex: AtomicU8::new(0),
            ob_gc_bits: AtomicU8::new(0),
            ob_ref_local: AtomicU32::new(1),
            ob_ref_shared: AtomicIsize::new(0),
            ob_type: AtomicPtr::new(std::ptr::null_mut()),
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::offsets::*;
    use super::*;

    #[test]
    fn header_layout_matches_cpython_free_threaded_pyobject() {
        assert_eq!(OB_TID, 0);
        assert_eq!(OB_FLAGS, 8);
        assert_eq!(OB_MUTEX, 10);
        assert_eq!(OB_GC_BITS, 11);
        assert_eq!(OB_REF_LOCAL, 12);
        assert_eq!(OB_REF_SHARED, 16);
        assert_eq!(OB_TYPE, 24);
        assert_eq!(HEADER_SIZE, 32);
        assert_eq!(std::mem::align_of::<ObjectHeader>(), 8);
    }

    #[test]
    fn heap_kind_round_trips_through_flag_bits() {
        for kind in HeapKind::ALL {
            assert_eq!(
                HeapKind::from_bits(kind as u16 | ObFlags::SHARED.bits()),
                kind
            );
        }
    }
}
