//! Owned references to Python objects ([`PyObj`]) and the basic operations on them
//! that need no dispatch: identity, type, downcasting to a builtin layout.

use std::fmt;
use std::ptr::NonNull;

use strand_heap::refcount;
use strand_heap::{ObjPtr, ObjectHeader};

use crate::typeobj::PyType;

/// A counted reference to a Python object: cloning increments the reference count,
/// dropping decrements it (CPython's `PyObject *` owned reference).
///
/// `PyObj` is `Send` and `Sync`: strand has no GIL, and biased reference counting
/// makes references cheap to move between threads. Creating, cloning and dropping one
/// needs an attached [`strand_heap::ThreadState`] (immortal objects excepted).
#[repr(transparent)]
pub struct PyObj(NonNull<ObjectHeader>);

// SAFETY: counts are thread-safe (biased RC) and every Python object's mutable state
// is behind atomics or its per-object lock.
unsafe impl Send for PyObj {}
// SAFETY: as above.
unsafe impl Sync for PyObj {}

impl PyObj {
    /// Takes over an owned reference.
    ///
    /// # Safety
    /// `ptr` is a live Python object and the caller owns the reference it hands over.
    #[inline(always)]
    pub unsafe fn from_owned(ptr: ObjPtr) -> PyObj {
        PyObj(ptr.as_non_null())
    }

    /// Takes a new reference to a borrowed object.
    ///
    /// # Safety
    /// `ptr` is a live Python object.
    #[inline(always)]
    pub unsafe fn from_borrowed(ptr: ObjPtr) -> PyObj {
        // SAFETY: alive by contract.
        unsafe { refcount::incref(ptr) };
        PyObj(ptr.as_non_null())
    }

    /// The object pointer (no count change).
    #[inline(always)]
    pub fn as_ptr(&self) -> ObjPtr {
        ObjPtr::new(self.0)
    }

    /// Gives up the reference without decrementing.
    #[inline(always)]
    pub fn into_ptr(self) -> ObjPtr {
        let p = self.as_ptr();
        std::mem::forget(self);
        p
    }

    /// Enables deferred reference counting on this object (PEP 703; CPython's
    /// `_PyObject_SetDeferredRefcount`): interpreter frames may then refer to it
    /// without counting, and only the cycle collector frees it. For objects that many
    /// threads reference briefly and that live long: modules and their dicts, code
    /// objects, top-level functions, classes. Only GC objects may be deferred (nothing
    /// else would ever free them).
    ///
    /// Such objects are also counted per thread (`strand_heap::local_refs`, CPython
    /// 3.14's unique ids): a thread's references to them are plain adds to its own
    /// array, so that threads creating instances of one class or functions over one
    /// code object do not all write the same count.
    pub fn set_deferred(&self) {
        debug_assert!(self.ty().vtable.kind.is_gc(), "deferring a non-GC object");
        // SAFETY: `self` is a live object and we hold a reference; it is deferred
        // before it is counted per thread.
        unsafe {
            refcount::set_deferred(self.as_ptr());
            refcount::enable_local_refs(self.as_ptr());
        }
    }

    /// `true` if this reference is the only one to the object
    /// ([`strand_heap::is_uniquely_referenced`]): the holder may then reuse an object
    /// that is immutable to everyone else.
    #[inline(always)]
    pub fn is_uniquely_referenced(&self) -> bool {
        // SAFETY: `self` is a reference we hold; a PyObj exists only on threads with
        // an attached thread state.
        unsafe { strand_heap::is_uniquely_referenced(self.as_ptr()) }
    }

    /// The address, for `id()` and identity hashing.
    #[inline(always)]
    pub fn addr(&self) -> usize {
        self.0.as_ptr() as usize
    }

    /// The object's type.
    #[inline(always)]
    pub fn ty(&self) -> &PyType {
        // SAFETY: every Python object's ob_type points at the vtable embedded in its
        // type object, which outlives the object (instances hold their heap type).
        unsafe { PyType::of_ptr(self.as_ptr()) }
    }

    /// `true` if `self` and `other` are the same object (`is`).
    #[inline(always)]
    pub fn is(&self, other: &PyObj) -> bool {
        self.0 == other.0
    }

    /// `true` if the object's type is exactly `ty`.
    #[inline(always)]
    pub fn is_exact(&self, ty: &PyType) -> bool {
        std::ptr::eq(self.ty(), ty)
    }

    /// `true` if the object is an instance of `ty` or a subclass (`isinstance` without
    /// `__instancecheck__`).
    #[inline]
    pub fn is_instance_of(&self, ty: &PyType) -> bool {
        self.is_exact(ty) || self.ty().is_subtype(ty)
    }

    /// The object as its builtin layout `T`, if it is an instance of `T`'s type or a
    /// subclass.
    #[inline]
    pub fn downcast<T: PyPayload>(&self) -> Option<&T> {
        if self.is_instance_of(T::type_object()) {
            // SAFETY: instances of T's type and its subclasses start with T's layout.
            Some(unsafe { self.payload_unchecked() })
        } else {
            None
        }
    }

    /// The object as `T` if its type is exactly `T`'s.
    #[inline(always)]
    pub fn downcast_exact<T: PyPayload>(&self) -> Option<&T> {
        if self.is_exact(T::type_object()) {
            // SAFETY: exact type.
            Some(unsafe { self.payload_unchecked() })
        } else {
            None
        }
    }

    /// The object as `T` without checking.
    ///
    /// # Safety
    /// The object must be an instance of `T`'s type (or a subclass, whose layout
    /// extends `T`'s).
    #[inline(always)]
    pub unsafe fn payload_unchecked<T>(&self) -> &T {
        // SAFETY: forwarded to the caller.
        unsafe { &*(self.0.as_ptr() as *const T) }
    }
}

impl Clone for PyObj {
    #[inline(always)]
    fn clone(&self) -> Self {
        // SAFETY: we hold a reference, so the object is alive.
        unsafe { refcount::incref(self.as_ptr()) };
        PyObj(self.0)
    }
}

impl Drop for PyObj {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: we own the reference we give up.
        unsafe { refcount::decref(self.as_ptr()) };
    }
}

// SAFETY: a `PyObj` holds a counted reference for as long as it exists, and `&PyObj`
// cannot replace the object it points to.
unsafe impl strand_heap::critical_section::ObjRef for PyObj {
    #[inline(always)]
    fn obj_ptr(&self) -> ObjPtr {
        self.as_ptr()
    }
}

impl PartialEq for PyObj {
    /// Identity (`is`), not Python equality.
    fn eq(&self, other: &Self) -> bool {
        self.is(other)
    }
}

impl Eq for PyObj {}

impl std::hash::Hash for PyObj {
    /// Identity hash.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.addr().hash(state)
    }
}

impl fmt::Debug for PyObj {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match crate::abstract_::repr_string(self) {
            Ok(s) => write!(f, "{s}"),
            Err(_) => write!(f, "<{} object at {:#x}>", self.ty().name(), self.addr()),
        }
    }
}

/// A builtin object layout with a static type (`PyList`, `PyInt`, ...).
///
/// # Safety
/// `Self` must be `#[repr(C)]` and begin with an [`ObjectHeader`], and every instance
/// of `type_object()` (and of its subclasses) must start with `Self`'s layout.
pub unsafe trait PyPayload: Sized {
    /// The builtin type whose instances have this layout.
    fn type_object() -> &'static PyType;
}

/// Borrows the object behind a raw pointer as a `&PyObj` for the duration of a call.
///
/// # Safety
/// `ptr` must stay alive for `'a`.
#[inline(always)]
pub unsafe fn borrow_ptr(ptr: &ObjPtr) -> &PyObj {
    // SAFETY: PyObj is a transparent wrapper around the same pointer; the returned
    // reference does not own a count and cannot be dropped through `&`.
    unsafe { &*(ptr as *const ObjPtr as *const PyObj) }
}
