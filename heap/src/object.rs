//! The safe Rust API over the unsafe core: Rust values stored as heap objects, an
//! owned reference type ([`Owned`], whose `Drop` decrements) and a borrowed one
//! ([`Borrowed`]).
//!
//! ```
//! use strand_heap::{HeapObject, Owned, ThreadState};
//!
//! struct Point { x: f64, y: f64 }
//! // SAFETY: Point holds no references to heap objects, so the default (empty)
//! // traverse is exact.
//! unsafe impl HeapObject for Point {
//!     const NAME: &'static str = "Point";
//! }
//!
//! let _ts = ThreadState::attach_new();
//! let p = Owned::new(Point { x: 1.0, y: 2.0 });
//! let q = p.clone();                     // a second reference (owner: no atomics)
//! assert_eq!(Owned::refcount(&p), 2);
//! drop(q);
//! assert_eq!(p.x + p.y, 3.0);
//! ```

use std::marker::PhantomData;
use std::ops::Deref;
use std::ptr::NonNull;

use crate::header::{HeapKind, ObjPtr, ObjectHeader, TypeVTable};

/// A Rust type that can live in the strand heap.
///
/// # Safety
/// `traverse` must report every [`Owned`] (or other counted reference to a heap object)
/// the value holds, exactly once each, and nothing else: the cycle collector frees
/// objects based on it. `clear` must leave the value safe to traverse and drop.
/// `KIND` must not be [`HeapKind::Raw`], and a value that holds heap references must
/// use a GC kind so that cycles through it can be collected.
pub unsafe trait HeapObject: Send + Sync + Sized + 'static {
    /// The type's name, for diagnostics.
    const NAME: &'static str;
    /// The heap instances live in.
    const KIND: HeapKind = HeapKind::NonGc;
    /// Whether [`HeapObject::finalize`] does anything (the collector skips the
    /// finalizer phase for types without one).
    const HAS_FINALIZER: bool = false;

    /// Reports each counted heap reference this value holds.
    fn traverse(&self, visit: &mut dyn FnMut(ObjPtr)) {
        let _ = visit;
    }

    /// Drops the references this value holds, to break a reference cycle. Needs
    /// interior mutability in practice.
    fn clear(&self) {}

    /// Runs the finalizer (at most once per object, by the collector).
    fn finalize(&self) {}
}

/// The memory layout of a Rust value in the heap: the header, then the value.
#[repr(C)]
pub struct HeapCell<T> {
    header: ObjectHeader,
    value: T,
}

impl<T: HeapObject> HeapCell<T> {
    /// The object whose value `value` is.
    ///
    /// # Safety
    /// `value` must be the value of a heap object (reached through [`Owned`] or
    /// [`Borrowed`], or the `&self` of a [`HeapObject`] method the heap calls), not a
    /// `T` living elsewhere.
    pub unsafe fn obj_of(value: &T) -> ObjPtr {
        let offset = std::mem::offset_of!(HeapCell<T>, value);
        let header = (value as *const T as *const u8).wrapping_sub(offset) as *mut ObjectHeader;
        // SAFETY: a value inside a HeapCell has its header `offset` bytes before it.
        ObjPtr::new(unsafe { NonNull::new_unchecked(header) })
    }
}

struct VTableOf<T>(PhantomData<T>);

impl<T: HeapObject> VTableOf<T> {
    const VTABLE: &'static TypeVTable = &TypeVTable {
        name: T::NAME,
        kind: T::KIND,
        size: size_of_cell::<T>,
        traverse: Some(traverse_cell::<T>),
        clear: Some(clear_cell::<T>),
        finalize: if T::HAS_FINALIZER {
            Some(finalize_cell::<T>)
        } else {
            None
        },
        dealloc: dealloc_cell::<T>,
    };
}

/// The vtable the heap uses for values of `T`.
pub fn vtable_of<T: HeapObject>() -> &'static TypeVTable {
    VTableOf::<T>::VTABLE
}

#[inline]
unsafe fn value_of<'a, T>(obj: ObjPtr) -> &'a T {
    // SAFETY: callers pass objects allocated by Owned::<T>::new, i.e. HeapCell<T>s,
    // that are alive for 'a.
    unsafe { &(*(obj.as_ptr() as *const HeapCell<T>)).value }
}

unsafe fn size_of_cell<T>(_: ObjPtr) -> usize {
    std::mem::size_of::<HeapCell<T>>()
}

unsafe fn traverse_cell<T: HeapObject>(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: the vtable is only installed on HeapCell<T>s; the collector passes live ones.
    unsafe { value_of::<T>(obj) }.traverse(visit);
}

unsafe fn clear_cell<T: HeapObject>(obj: ObjPtr) {
    // SAFETY: as in traverse_cell.
    unsafe { value_of::<T>(obj) }.clear();
}

unsafe fn finalize_cell<T: HeapObject>(obj: ObjPtr) {
    // SAFETY: as in traverse_cell.
    unsafe { value_of::<T>(obj) }.finalize();
}

unsafe fn dealloc_cell<T: HeapObject>(obj: ObjPtr) {
    // SAFETY: the count is zero and we are the only user; drop the value in place,
    // then give the memory back.
    unsafe {
        std::ptr::drop_in_place(&mut (*(obj.as_ptr() as *mut HeapCell<T>)).value);
        crate::alloc::free_object_sized(obj, T::KIND, std::mem::size_of::<HeapCell<T>>());
    }
}

/// A counted reference to a `T` in the heap. Cloning increments the count (a plain
/// store on the owning thread, an atomic add elsewhere); dropping decrements it.
/// `Owned` is `Send`: references may move between threads freely, which is what biased
/// reference counting makes cheap.
///
/// Creating, cloning and dropping need an attached [`crate::ThreadState`].
pub struct Owned<T: HeapObject> {
    ptr: NonNull<HeapCell<T>>,
    _marker: PhantomData<T>,
}

// SAFETY: the count is thread-safe (biased RC) and T: Send + Sync.
unsafe impl<T: HeapObject> Send for Owned<T> {}
// SAFETY: as above; &Owned<T> only gives &T.
unsafe impl<T: HeapObject> Sync for Owned<T> {}

impl<T: HeapObject> Owned<T> {
    /// Allocates `value` in `T::KIND`'s heap, owned by the current thread, with count 1.
    /// GC-kind objects are tracked by the collector at once.
    ///
    /// # Panics
    /// If no thread state is attached.
    pub fn new(value: T) -> Owned<T> {
        const {
            assert!(
                std::mem::align_of::<T>() <= 16,
                "heap objects are 16-byte aligned at most"
            )
        };
        let obj = crate::alloc::alloc_object_static(
            vtable_of::<T>(),
            T::KIND,
            std::mem::size_of::<HeapCell<T>>(),
        );
        let cell = obj.as_ptr() as *mut HeapCell<T>;
        // SAFETY: the allocation is large enough and aligned for HeapCell<T>; the header
        // is initialised, the value field is not, and we write it before anything can
        // read it.
        unsafe {
            std::ptr::addr_of_mut!((*cell).value).write(value);
            if T::KIND.is_gc() {
                obj.track();
            }
            Owned {
                ptr: NonNull::new_unchecked(cell),
                _marker: PhantomData,
            }
        }
    }

    /// The object pointer (no count change).
    #[inline]
    pub fn as_obj(this: &Self) -> ObjPtr {
        ObjPtr::new(this.ptr.cast())
    }

    /// Gives up this reference without decrementing; the caller now owns it.
    #[inline]
    pub fn into_obj(this: Self) -> ObjPtr {
        let obj = Owned::as_obj(&this);
        std::mem::forget(this);
        obj
    }

    /// Takes over a counted reference.
    ///
    /// # Safety
    /// `obj` must be a live `T` allocated by [`Owned::new`], and the caller must own the
    /// reference it hands over.
    #[inline]
    pub unsafe fn from_obj(obj: ObjPtr) -> Owned<T> {
        Owned {
            ptr: obj.as_non_null().cast(),
            _marker: PhantomData,
        }
    }

    /// Borrows without changing the count.
    #[inline]
    pub fn borrow(this: &Self) -> Borrowed<'_, T> {
        Borrowed {
            ptr: this.ptr,
            _marker: PhantomData,
        }
    }

    /// The object's true reference count (see [`crate::refcount::refcount`]).
    pub fn refcount(this: &Self) -> isize {
        // SAFETY: we hold a reference, so the object is alive.
        unsafe { crate::refcount::refcount(Owned::as_obj(this)) }
    }

    /// `true` if both references point to the same object.
    #[inline]
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        a.ptr == b.ptr
    }
}

impl<T: HeapObject> Clone for Owned<T> {
    #[inline]
    fn clone(&self) -> Self {
        // SAFETY: we hold a reference, so the object is alive.
        unsafe { crate::refcount::incref(Owned::as_obj(self)) };
        Owned {
            ptr: self.ptr,
            _marker: PhantomData,
        }
    }
}

impl<T: HeapObject> Drop for Owned<T> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: we own the reference we give up here.
        unsafe { crate::refcount::decref(Owned::as_obj(self)) };
    }
}

impl<T: HeapObject> Deref for Owned<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: the object is alive while we hold a reference.
        unsafe { &self.ptr.as_ref().value }
    }
}

impl<T: HeapObject + std::fmt::Debug> std::fmt::Debug for Owned<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// A reference to a `T` in the heap, borrowed from a counted one for `'a`. Copying it
/// costs nothing; [`Borrowed::to_owned`] takes a counted reference.
pub struct Borrowed<'a, T: HeapObject> {
    ptr: NonNull<HeapCell<T>>,
    _marker: PhantomData<&'a T>,
}

impl<T: HeapObject> Clone for Borrowed<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: HeapObject> Copy for Borrowed<'_, T> {}

impl<'a, T: HeapObject> Borrowed<'a, T> {
    /// Borrows an object the caller knows to be alive for `'a`.
    ///
    /// # Safety
    /// `obj` must be a `T` allocated by [`Owned::new`] that stays alive for `'a`.
    pub unsafe fn from_obj(obj: ObjPtr) -> Borrowed<'a, T> {
        Borrowed {
            ptr: obj.as_non_null().cast(),
            _marker: PhantomData,
        }
    }

    /// Takes a counted reference.
    pub fn to_owned(self) -> Owned<T> {
        // SAFETY: the borrow guarantees the object is alive.
        unsafe { crate::refcount::incref(self.as_obj()) };
        Owned {
            ptr: self.ptr,
            _marker: PhantomData,
        }
    }

    /// The object pointer.
    pub fn as_obj(self) -> ObjPtr {
        ObjPtr::new(self.ptr.cast())
    }

    /// The value, for the whole borrow.
    pub fn get(self) -> &'a T {
        // SAFETY: alive for 'a by construction.
        unsafe { &self.ptr.as_ref().value }
    }
}

impl<T: HeapObject> Deref for Borrowed<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.get()
    }
}
