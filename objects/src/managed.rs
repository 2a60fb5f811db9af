//! The two-word pre-header of objects whose type keeps instance attributes outside the
//! object (CPython 3.12's "managed dict"): word 0 is the instance `__dict__`, filled
//! lazily; word 1 is reserved for a weak-reference list (weak references live in a
//! side table today: see `weakref.rs`).
//!
//! The dict pointer is published with a compare-and-swap so that two threads that
//! create it at once agree on one dict; it is replaced only by `obj.__dict__ = d`
//! (under the object's critical section, old dict freed after a QSBR grace period
//! through its own reference count).
//!
//! Instances of plain heap types keep their attributes inline instead
//! (`inline_values.rs`) and have no dict until one is asked for: [`get_dict`] and
//! [`ensure_dict`] materialize it (the dict takes the inline values over), and
//! [`set_dict`] drops the inline values. [`dict_borrowed`] never materializes: while
//! the inline values are valid it gives `None`, and callers that read attributes
//! check the inline values first ([`instance_attr`], `inline_values::lookup`).

use std::sync::atomic::AtomicPtr;
use std::sync::atomic::Ordering::{AcqRel, Acquire};

use strand_heap::{ObjPtr, ObjectHeader};

use crate::object::PyObj;
use crate::typeobj::TypeFlags;

/// `true` if `obj`'s type keeps a managed dict.
#[inline(always)]
pub fn has_managed_dict(obj: &PyObj) -> bool {
    obj.ty().flags().contains(TypeFlags::MANAGED_DICT)
}

/// The dict word of `obj`'s pre-header.
///
/// # Safety
/// `obj`'s type must have a pre-header.
#[inline(always)]
pub unsafe fn dict_slot(obj: &PyObj) -> &AtomicPtr<ObjectHeader> {
    // SAFETY: pre-header objects have PREHEADER_SIZE bytes before the header, word 0
    // of which is the dict pointer.
    unsafe { &*(strand_heap::preheader(obj.as_ptr()) as *const AtomicPtr<ObjectHeader>) }
}

/// The weak-reference list word of `obj`'s pre-header.
///
/// # Safety
/// `obj`'s type must have a pre-header.
#[inline(always)]
pub unsafe fn weaklist_slot(obj: &PyObj) -> &AtomicPtr<ObjectHeader> {
    // SAFETY: word 1 of the pre-header.
    unsafe { &*((strand_heap::preheader(obj.as_ptr()) as *const AtomicPtr<ObjectHeader>).add(1)) }
}

/// The instance dict without taking a reference, for a specialized attribute access
/// that uses it before the thread's next safe point.
///
/// A dict replaced meanwhile (`obj.__dict__ = ...`, another thread) stays allocated
/// until this thread passes a quiescent state, because `set_dict` publishes it before
/// letting it go; reading its tables is then safe, and values are taken with
/// `try_incref` (see `dict::get_cached`).
#[inline(always)]
pub fn dict_borrowed(obj: &PyObj) -> Option<std::mem::ManuallyDrop<PyObj>> {
    if !has_managed_dict(obj) {
        return None;
    }
    // SAFETY: the type has a managed dict, so a pre-header.
    let p = ObjPtr::from_raw(unsafe { dict_slot(obj) }.load(Acquire))?;
    // SAFETY: as argued above; ManuallyDrop: no count is owned.
    Some(std::mem::ManuallyDrop::new(unsafe { PyObj::from_owned(p) }))
}

/// The instance dict, if it has been created. An object with inline values
/// (`inline_values.rs`) that has attributes gets its dict materialized here, since
/// the caller wants the attributes as a dict; one with none gives `None`.
#[inline]
pub fn get_dict(obj: &PyObj) -> Option<PyObj> {
    if !has_managed_dict(obj) {
        return None;
    }
    match crate::inline_values::valid_and_empty(obj) {
        Some(true) => return None,
        Some(false) => crate::inline_values::materialize(obj),
        None => {}
    }
    // SAFETY: checked the flag above.
    let slot = unsafe { dict_slot(obj) };
    let p = ObjPtr::from_raw(slot.load(Acquire))?;
    // Lock-free read: a replaced dict is published with mark_shared before its
    // reference is dropped (set_dict), so its memory outlives this attached thread's
    // read, and try_incref refuses it once its count reached zero.
    // SAFETY: as argued above.
    if unsafe { strand_heap::refcount::try_incref(p) } {
        if slot.load(Acquire) == p.as_ptr() {
            // SAFETY: we took a reference.
            return Some(unsafe { PyObj::from_owned(p) });
        }
        // SAFETY: give back the reference we took.
        unsafe { strand_heap::refcount::decref(p) };
    }
    // Slow path: the object's lock excludes set_dict.
    strand_heap::critical_section!(obj);
    let p = ObjPtr::from_raw(slot.load(Acquire))?;
    // SAFETY: the slot's reference keeps it alive while we hold the lock.
    Some(unsafe { PyObj::from_borrowed(p) })
}

/// The instance attribute `name` of `obj` (inline values or the managed dict), without
/// materializing a dict; `None` if the instance does not have it.
///
/// # Errors
/// As `dict::get_item` (a key's `__eq__` raising).
pub fn instance_attr(obj: &PyObj, name: &PyObj) -> crate::PyResult<Option<PyObj>> {
    match crate::inline_values::lookup(obj, name) {
        crate::inline_values::Lookup::Found(v) => Ok(Some(v)),
        crate::inline_values::Lookup::Missing => Ok(None),
        crate::inline_values::Lookup::NotInline => match get_dict(obj) {
            Some(d) => crate::dict::get_item(&d, name),
            None => Ok(None),
        },
    }
}

/// The instance dict, creating an empty one if needed (materializing inline values).
pub fn ensure_dict(obj: &PyObj) -> PyObj {
    // Publishes a dict (possibly empty) while the inline values are valid, so that
    // the one below never races with them.
    crate::inline_values::materialize(obj);
    if let Some(d) = get_dict(obj) {
        return d;
    }
    let d = crate::dict::new_for_instance(obj.ty());
    // SAFETY: callers only ask objects with managed dicts.
    let slot = unsafe { dict_slot(obj) };
    let raw = d.clone().into_ptr();
    match slot.compare_exchange(std::ptr::null_mut(), raw.as_ptr(), AcqRel, Acquire) {
        Ok(_) => d,
        Err(existing) => {
            // Another thread won; give back our reference and use theirs.
            // SAFETY: we own `raw`'s reference.
            drop(unsafe { PyObj::from_owned(raw) });
            // SAFETY: the winner's dict is alive (held by the slot).
            unsafe { PyObj::from_borrowed(ObjPtr::from_raw(existing).expect("non-null")) }
        }
    }
}

/// The instance dict as the program sees it (`obj.__dict__`, `vars(obj)`): created if
/// needed and from then on counted as an object of its own by the collector's reports.
pub fn expose_dict(obj: &PyObj) -> PyObj {
    let d = ensure_dict(obj);
    crate::dict::mark_exposed(&d);
    d
}

/// The `__dict__` setter of built-in types with an instance dict
/// (CPython's `PyObject_GenericSetDict`): `v` must be a dict (subclasses
/// included), and deleting is refused.
///
/// # Errors
/// `TypeError: cannot delete __dict__`; `TypeError: __dict__ must be set to a
/// dictionary, not a 'X'`.
pub fn generic_set_dict(obj: &PyObj, v: Option<&PyObj>) -> crate::PyResult<()> {
    match v {
        None => Err(crate::exceptions::type_error("cannot delete __dict__")),
        Some(d) if crate::dict::is_dict(d) => {
            set_dict(obj, d.clone());
            Ok(())
        }
        Some(d) => Err(crate::exceptions::type_error(format!(
            "__dict__ must be set to a dictionary, not a '{}'",
            d.ty().name()
        ))),
    }
}

/// Replaces the instance dict (`obj.__dict__ = d`). Valid inline values are dropped:
/// the new dict is published first, then the values are marked invalid, and their
/// references are released after the lock (published values wait out a QSBR grace
/// period before their memory is reused, as `inline_values.rs` describes).
pub fn set_dict(obj: &PyObj, d: PyObj) {
    let inline = crate::inline_values::type_has_inline_values(obj.ty());
    let taken = {
        // The critical section orders us with other writers.
        strand_heap::critical_section!(obj);
        // SAFETY: callers only pass objects with managed dicts.
        let slot = unsafe { dict_slot(obj) };
        let old = slot.swap(d.into_ptr().as_ptr(), AcqRel);
        if let Some(old) = ObjPtr::from_raw(old) {
            // SAFETY: the slot owned that reference; publishing it first keeps its
            // memory valid for lock-free readers of the slot (get_dict).
            unsafe {
                strand_heap::refcount::mark_shared(old);
                drop(PyObj::from_owned(old));
            }
        }
        if inline {
            // SAFETY: the type has inline values; the lock is held.
            unsafe { crate::inline_values::take_all_locked(obj.as_ptr()) }
        } else {
            Vec::new()
        }
    };
    for p in taken {
        // SAFETY: each inline word owned a reference.
        drop(unsafe { PyObj::from_owned(p) });
    }
}

/// Reports the pre-header references to the collector.
///
/// # Safety
/// `obj` has a pre-header and the world is stopped (called from traverse).
pub unsafe fn traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: forwarded; word 0 holds an owned dict reference or null.
    let d = unsafe { *(strand_heap::preheader(obj) as *const *mut ObjectHeader) };
    if let Some(d) = ObjPtr::from_raw(d) {
        visit(d);
    }
}

/// Drops the instance dict (tp_clear and dealloc).
///
/// # Safety
/// `obj` has a pre-header and the caller has exclusive access (dealloc) or holds
/// the object alive (clear).
pub unsafe fn clear(obj: ObjPtr) {
    // SAFETY: forwarded.
    let slot = unsafe { &*(strand_heap::preheader(obj) as *const AtomicPtr<ObjectHeader>) };
    let old = slot.swap(std::ptr::null_mut(), AcqRel);
    if let Some(old) = ObjPtr::from_raw(old) {
        // SAFETY: the slot owned that reference.
        drop(unsafe { PyObj::from_owned(old) });
    }
}
