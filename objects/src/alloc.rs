//! Allocating instances of Python types on the strand heap.

use strand_heap::refcount;

use crate::object::PyObj;
use crate::typeobj::{PyType, TypeFlags};

/// Allocates `size` bytes (header included, pre-header excluded) for an instance of
/// `ty`, with the header initialised (owned by this thread, count 1, untracked). The
/// body is uninitialised: fill it, then call [`finish_instance`].
#[inline]
pub fn alloc_instance(ty: &PyType, size: usize) -> PyObj {
    let obj = strand_heap::alloc_object(ty_vtable(ty), size);
    // SAFETY: a fresh object with one reference, ours.
    unsafe { PyObj::from_owned(obj) }
}

#[inline(always)]
fn ty_vtable(ty: &PyType) -> &'static strand_heap::TypeVTable {
    // SAFETY: instances keep their type alive (heap types are referenced by each
    // instance, static types are immortal), so the vtable outlives every object that
    // points at it; the heap API wants 'static for that reason.
    unsafe { &*(&ty.vtable as *const strand_heap::TypeVTable) }
}

/// Completes an instance: heap types gain a reference from it (dropped when it is
/// freed), and GC objects become visible to the collector.
///
/// # Safety
/// Every field `traverse` reads must be initialised.
#[inline]
pub unsafe fn finish_instance(ty: &PyType, obj: &PyObj) {
    if ty.flags().contains(TypeFlags::HEAPTYPE) {
        std::mem::forget(ty.to_obj());
    }
    if ty.vtable.kind.is_gc() {
        // SAFETY: the caller initialised the object.
        unsafe { obj.as_ptr().track() };
    }
}

/// `true` if the current thread owns `obj`'s local count.
#[inline(always)]
pub fn owned_by_current_thread(obj: &PyObj) -> bool {
    // SAFETY: obj is alive.
    unsafe { strand_heap::is_owned_by_current_thread(obj.as_ptr()) }
}

/// Makes a fresh object immortal (singletons, interned strings, constants).
///
/// # Safety
/// `obj` must not yet be visible to other threads.
pub unsafe fn make_immortal(obj: &PyObj) {
    // SAFETY: forwarded.
    unsafe { refcount::set_immortal(obj.as_ptr()) };
}
