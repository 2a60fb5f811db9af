//! Inline values: the attributes of an instance of a plain heap type kept in the
//! object itself, with no dict object until a program asks for `__dict__` (CPython
//! 3.12/3.13's `_PyObject_InlineValues`, Objects/dictobject.c and typeobject.c).
//!
//! **Which types.** Heap types whose instances have a managed `__dict__`, whose
//! solid base is `object`, with no `__slots__` members and no items
//! ([`TypeFlags::INLINE_VALUES`], set by `type_new`). Every other type keeps today's
//! managed dict (`managed.rs`).
//!
//! **Layout.** After the type's basic size (the object header) comes an 8-byte
//! [`InlineHeader`] (capacity, valid flag, count, shared flag), then `capacity`
//! value words indexed like the type's shared keys (`dict::new_shared_keys`: an
//! attribute name has the same index for every instance, forever, because shared
//! keys only grow), then `capacity` order bytes listing the indices present in
//! insertion order. The capacity is [`CAPACITY`], as many values as shared keys take
//! ([`crate::dict::SHARED_KEYS_MAX`]), for every instance of every such type: CPython
//! 3.13 sizes each object by the keys its type has plus a headroom that shrinks per
//! instance, but here objects of different sizes land in different size classes, and
//! the collector finalizes unreachable objects in heap order, which is allocation
//! order only within one size class (CPython's order is its allocation order). One
//! size for all instances of plain classes keeps that property from before, when each
//! was a bare header; it costs no more memory than the split dict it replaces (a dict
//! object plus a values table of the same capacity). The capacity is still recorded
//! in each object's header, which the heap reads back ([`instance_size`], the type's
//! vtable `size`) and accesses check.
//!
//! **Materialization: the dict takes the values over.** When `__dict__` is needed
//! (`obj.__dict__`, `vars(obj)`, a key that is not an exact str, an attribute whose
//! shared index does not fit the object's capacity, `__class__` assignment, or any
//! caller of `managed::get_dict`/`ensure_dict` that wants a dict) the values move,
//! with their references, into a new split dict over the same shared keys; the dict
//! is published in the managed-dict word, then the inline values are marked invalid
//! for good. From then on the object behaves exactly as a managed-dict object
//! (`__dict__` identity is the dict's). `obj.__dict__ = d` on an object with valid
//! inline values drops them the same way. Invariant: while the values are valid the
//! managed-dict word is null; once invalid they are never read again (their words
//! are stale: the dict owns what they point to).
//!
//! **Free threading (CPython 3.13t).** Writers (stores, deletions, materialization,
//! `__dict__` assignment) hold the object's critical section. Readers are lock-free:
//! they load the valid flag, then the value word, and take the value with
//! `take_loaded_fast` (immortal, deferred or owned by the reader: no recheck) or
//! `try_incref_shared` followed by a recheck that the word and the valid flag are
//! unchanged (CPython's `_Py_TryXGetRef` and the dict's `get_cached`). Values that
//! a reader of another thread may hold borrowed are *published* (`mark_shared`: their
//! memory is freed only after a QSBR grace period): the first read by a thread other
//! than the object's owner publishes every value and sets the header's shared flag
//! (under the lock), after which every value stored is published before it is
//! stored; a writer other than the owner publishes first too. The flag is the
//! object's own, not the header's `SHARED` bit: an object stored in a shared
//! container has that bit without its values having been published.
//!
//! The collector traverses valid inline values (`traverse`); tp_clear and dealloc
//! drop them (`take_all_locked`).

use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicPtr, AtomicU8};

use strand_heap::refcount::{mark_shared, take_loaded_fast, try_incref_shared, LoadedRef};
use strand_heap::{ObjPtr, ObjectHeader};

use crate::object::PyObj;
use crate::typeobj::{PyType, TypeFlags};

/// The word before an object's inline values.
#[repr(C)]
pub struct InlineHeader {
    /// Number of value words (and order bytes) this object has; fixed at allocation.
    capacity: u8,
    /// 1 while the inline values hold the object's attributes; 0 once a dict took
    /// them over (never 1 again).
    valid: AtomicU8,
    /// Number of valid entries in the order bytes.
    len: AtomicU8,
    /// 1 once the values have been published for other threads' lock-free reads.
    shared: AtomicU8,
    _pad: [u8; 4],
}

const HEADER: usize = std::mem::size_of::<InlineHeader>();

/// Value words per object (module docs).
pub const CAPACITY: usize = crate::dict::SHARED_KEYS_MAX;

/// `true` if instances of `ty` keep inline values.
#[inline(always)]
pub fn type_has_inline_values(ty: &PyType) -> bool {
    ty.flags().contains(TypeFlags::INLINE_VALUES)
}

/// The inline header of `obj`, whose type has [`TypeFlags::INLINE_VALUES`].
///
/// # Safety
/// `obj` is a live instance of a type with inline values (allocated by
/// [`alloc_instance`]).
#[inline(always)]
unsafe fn header_of(obj: ObjPtr, ty: &PyType) -> &InlineHeader {
    // SAFETY: the area follows the basic size (module docs).
    unsafe { &*((obj.as_ptr() as *const u8).add(ty.basicsize()) as *const InlineHeader) }
}

/// The value words and order bytes after a header.
#[inline(always)]
fn arrays(h: &InlineHeader) -> (&[AtomicPtr<ObjectHeader>], &[AtomicU8]) {
    let cap = usize::from(h.capacity);
    // SAFETY: `cap` value words then `cap` order bytes follow the header (module
    // docs); the header is 8-aligned, so the words are aligned.
    unsafe {
        let base = (h as *const InlineHeader as *const u8).add(HEADER);
        (
            std::slice::from_raw_parts(base as *const AtomicPtr<ObjectHeader>, cap),
            std::slice::from_raw_parts(base.add(cap * 8) as *const AtomicU8, cap),
        )
    }
}

/// Bytes of the inline area for `cap` values.
fn area_size(cap: usize) -> usize {
    HEADER + cap * 8 + cap.div_ceil(8) * 8
}

/// The heap size of an instance of a type with inline values (its vtable's `size`).
///
/// # Safety
/// `obj` is such an instance (its memory still allocated).
pub unsafe fn instance_size(obj: ObjPtr) -> usize {
    // SAFETY: forwarded.
    unsafe {
        let ty = PyType::of_ptr(obj);
        ty.basicsize() + area_size(usize::from(header_of(obj, ty).capacity))
    }
}

/// A new instance of `ty` (a type with inline values) with no attributes: the
/// object header, zeroed, then an empty valid inline area of [`CAPACITY`] values.
/// The caller finishes it (`alloc::finish_instance`).
pub(crate) fn alloc_instance(ty: &PyType) -> PyObj {
    debug_assert!(!ty.inner().cached_keys.is_null());
    let cap = CAPACITY;
    let base = ty.basicsize();
    let obj = crate::alloc::alloc_instance(ty, base + area_size(cap));
    // SAFETY: fresh allocation of `base + area_size(cap)` bytes.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut u8;
        let hdr = std::mem::size_of::<ObjectHeader>();
        std::ptr::write_bytes(p.add(hdr), 0, base + area_size(cap) - hdr);
        (p.add(base) as *mut InlineHeader).write(InlineHeader {
            capacity: cap as u8,
            valid: AtomicU8::new(1),
            len: AtomicU8::new(0),
            shared: AtomicU8::new(0),
            _pad: [0; 4],
        });
    }
    obj
}

/// `true` if `obj` has inline values that still hold its attributes.
#[inline(always)]
pub fn is_valid(obj: &PyObj) -> bool {
    let ty = obj.ty();
    // SAFETY: checked the flag first.
    type_has_inline_values(ty) && unsafe { header_of(obj.as_ptr(), ty) }.valid.load(Acquire) == 1
}

/// The type's shared keys (types with inline values always have them).
#[inline(always)]
fn keys_of(ty: &PyType) -> &crate::dict::DictKeys {
    // SAFETY: types with inline values have shared keys, alive while the type is.
    unsafe { &*ty.inner().cached_keys }
}

/// Publishes the values for lock-free readers of other threads (module docs), the
/// first time a thread other than the owner reads them.
#[inline(always)]
fn ensure_shared_on_read(obj: &PyObj, h: &InlineHeader) {
    if h.shared.load(Acquire) == 1 || crate::alloc::owned_by_current_thread(obj) {
        return;
    }
    share_on_first_read(obj);
}

#[cold]
#[inline(never)]
fn share_on_first_read(obj: &PyObj) {
    strand_heap::critical_section!(obj);
    let ty = obj.ty();
    // SAFETY: callers checked the type has inline values; the layout type cannot
    // change to one without (`__class__` assignment requires the same flag).
    share_locked(unsafe { header_of(obj.as_ptr(), ty) });
}

/// Publishes every value (lock held).
fn share_locked(h: &InlineHeader) {
    if h.shared.load(Relaxed) == 1 {
        return;
    }
    if h.valid.load(Relaxed) == 1 {
        let (vals, order) = arrays(h);
        for o in &order[..usize::from(h.len.load(Relaxed))] {
            if let Some(v) = ObjPtr::from_raw(vals[usize::from(o.load(Relaxed))].load(Relaxed)) {
                // SAFETY: the word holds a reference to a live object.
                unsafe { mark_shared(v) };
            }
        }
    }
    h.shared.store(1, Release);
}

/// The value at shared-key index `index` of `obj`'s inline values, lock-free (module
/// docs), for the specialized `LOAD_ATTR_INSTANCE_VALUE`: `None` if the values are
/// not valid, the index is beyond the object's capacity, or the attribute is unset.
/// The reference is uncounted (`false`) for deferred and immortal values, as in
/// `dict::get_cached`.
///
/// The caller has checked that `obj`'s type has inline values (its type version
/// guard).
#[inline(always)]
pub fn get_cached(obj: &PyObj, index: usize) -> Option<(ObjPtr, bool)> {
    let ty = obj.ty();
    debug_assert!(type_has_inline_values(ty));
    // SAFETY: the caller's guard: the type has inline values.
    let h = unsafe { header_of(obj.as_ptr(), ty) };
    ensure_shared_on_read(obj, h);
    if h.valid.load(Acquire) != 1 {
        return None;
    }
    let (vals, _) = arrays(h);
    let slot = vals.get(index)?;
    let v = ObjPtr::from_raw(slot.load(Acquire))?;
    // SAFETY: values another thread may write are published (QSBR-freed), so the
    // header is readable.
    match unsafe { take_loaded_fast(v) } {
        LoadedRef::Uncounted => Some((v, false)),
        LoadedRef::Counted => Some((v, true)),
        LoadedRef::NotTaken => get_cached_shared(h, slot, v),
    }
}

/// [`get_cached`] for a value another thread owns: taken with a compare-and-swap
/// and kept only if the word still holds it and the values are still valid.
#[cold]
#[inline(never)]
fn get_cached_shared(
    h: &InlineHeader,
    slot: &AtomicPtr<ObjectHeader>,
    v: ObjPtr,
) -> Option<(ObjPtr, bool)> {
    // SAFETY: as in `get_cached`; try_incref_shared refuses an object whose count
    // reached zero.
    if !unsafe { try_incref_shared(v) } {
        return None;
    }
    if slot.load(Acquire) != v.as_ptr() || h.valid.load(Acquire) != 1 {
        // SAFETY: give back the reference we took.
        unsafe { strand_heap::refcount::decref(v) };
        return None;
    }
    Some((v, true))
}

/// What a generic attribute lookup found in the inline values.
pub enum Lookup {
    /// The attribute's value.
    Found(PyObj),
    /// The values are valid and do not hold the name.
    Missing,
    /// The object has no valid inline values (or the name is not an exact str):
    /// look in the managed dict.
    NotInline,
}

/// Looks `name` up in `obj`'s inline values (generic `__getattribute__`).
pub fn lookup(obj: &PyObj, name: &PyObj) -> Lookup {
    let ty = obj.ty();
    if !type_has_inline_values(ty) || !crate::str::is_exact_str(name) {
        return Lookup::NotInline;
    }
    // SAFETY: checked the flag.
    let h = unsafe { header_of(obj.as_ptr(), ty) };
    if h.valid.load(Acquire) != 1 {
        return Lookup::NotInline;
    }
    let hash = crate::str::payload(name).hash();
    let Some(ix) = crate::dict::shared_index(keys_of(ty), name, hash) else {
        return if h.valid.load(Acquire) == 1 {
            Lookup::Missing
        } else {
            Lookup::NotInline
        };
    };
    for _ in 0..4 {
        if let Some((v, counted)) = get_cached(obj, ix) {
            // SAFETY: a counted reference is ours; an uncounted one is deferred or
            // immortal and alive until our next safe point, so counting it is sound.
            return Lookup::Found(unsafe {
                if counted {
                    PyObj::from_owned(v)
                } else {
                    PyObj::from_borrowed(v)
                }
            });
        }
        if h.valid.load(Acquire) != 1 {
            return Lookup::NotInline;
        }
        let (vals, _) = arrays(h);
        if vals.get(ix).is_none_or(|s| s.load(Acquire).is_null()) {
            return if h.valid.load(Acquire) == 1 {
                Lookup::Missing
            } else {
                Lookup::NotInline
            };
        }
        // A value another thread replaced while we took it: try again.
    }
    // Contended: read under the lock.
    strand_heap::critical_section!(obj);
    if h.valid.load(Relaxed) != 1 {
        return Lookup::NotInline;
    }
    let (vals, _) = arrays(h);
    match vals.get(ix).and_then(|s| ObjPtr::from_raw(s.load(Relaxed))) {
        // SAFETY: under the lock the word's reference keeps the value alive.
        Some(v) => Lookup::Found(unsafe { PyObj::from_borrowed(v) }),
        None => Lookup::Missing,
    }
}

/// Stores `value` at shared-key index `ix` (lock held, values valid, `ix` within
/// capacity): the value it replaced, or null for a new attribute.
fn store_locked(obj: &PyObj, h: &InlineHeader, ix: usize, value: PyObj) -> *mut ObjectHeader {
    if h.shared.load(Relaxed) == 0 && !crate::alloc::owned_by_current_thread(obj) {
        share_locked(h);
    }
    if h.shared.load(Relaxed) == 1 {
        // SAFETY: we hold a reference to the value.
        unsafe { mark_shared(value.as_ptr()) };
    }
    let (vals, order) = arrays(h);
    let slot = &vals[ix];
    let old = slot.load(Relaxed);
    if old.is_null() {
        let n = h.len.load(Relaxed);
        order[usize::from(n)].store(ix as u8, Relaxed);
        h.len.store(n + 1, Release);
    }
    slot.store(value.into_ptr().as_ptr(), Release);
    old
}

/// Drops a replaced value outside the lock (its `__del__` may run).
#[inline(always)]
fn drop_old(old: *mut ObjectHeader) {
    if let Some(old) = ObjPtr::from_raw(old) {
        // SAFETY: the word owned the old value and no longer refers to it.
        drop(unsafe { PyObj::from_owned(old) });
    }
}

/// The specialized `STORE_ATTR_INSTANCE_VALUE`: `obj.<name at index> = value` if
/// the values are valid and `index` is within the object's capacity; gives `value`
/// back otherwise. The caller's type-version guard proved the type has inline values
/// and that `index` is the name's shared-key index.
///
/// The common case takes the object's mutex with one compare-and-swap, as
/// `dict::replace_cached` does (CPython 3.13t's `LOCK_OBJECT`).
#[inline(always)]
pub fn store_cached(obj: &PyObj, index: usize, value: PyObj) -> Result<(), PyObj> {
    let ty = obj.ty();
    // SAFETY: the caller's guard.
    let h = unsafe { header_of(obj.as_ptr(), ty) };
    if index >= usize::from(h.capacity) {
        return Err(value);
    }
    // SAFETY: `obj` is alive for the call.
    if !unsafe { strand_heap::mutex::lock_fast(obj.as_ptr()) } {
        return store_cached_in_section(obj, h, index, value);
    }
    let r = if h.valid.load(Relaxed) == 1 {
        Ok(store_locked(obj, h, index, value))
    } else {
        Err(value)
    };
    // SAFETY: we took the lock above and nothing in between released it.
    unsafe { strand_heap::mutex::unlock(obj.as_ptr()) };
    drop_old(r?);
    Ok(())
}

#[cold]
#[inline(never)]
fn store_cached_in_section(
    obj: &PyObj,
    h: &InlineHeader,
    index: usize,
    value: PyObj,
) -> Result<(), PyObj> {
    let old = {
        strand_heap::critical_section!(obj);
        if h.valid.load(Relaxed) != 1 {
            return Err(value);
        }
        store_locked(obj, h, index, value)
    };
    drop_old(old);
    Ok(())
}

/// What a generic store or deletion did with the inline values.
pub enum Stored {
    /// Done.
    Done,
    /// Deletion of an attribute the object does not have.
    Missing,
    /// Not in the inline values (none, or just materialized into a dict): use the
    /// managed dict.
    NotInline,
}

/// `obj.name = value` (or `del obj.name` for `None`) in the inline values (generic
/// `__setattr__`/`__delattr__`). An exact-str name that the shared keys hold (or
/// take) at an index within the object's capacity is stored inline; any other name
/// materializes the dict and gives [`Stored::NotInline`].
pub fn store(obj: &PyObj, name: &PyObj, value: Option<&PyObj>) -> Stored {
    let ty = obj.ty();
    if !type_has_inline_values(ty) {
        return Stored::NotInline;
    }
    // SAFETY: checked the flag.
    let h = unsafe { header_of(obj.as_ptr(), ty) };
    if h.valid.load(Acquire) != 1 {
        return Stored::NotInline;
    }
    let ix = if crate::str::is_exact_str(name) {
        let hash = crate::str::payload(name).hash();
        let keys = keys_of(ty);
        match value {
            Some(_) => crate::dict::append_shared_key(keys, name, hash),
            None => crate::dict::shared_index(keys, name, hash),
        }
    } else {
        None
    };
    let old = {
        strand_heap::critical_section!(obj);
        if h.valid.load(Relaxed) != 1 {
            return Stored::NotInline;
        }
        match (ix, value) {
            (Some(ix), Some(v)) if ix < usize::from(h.capacity) => {
                store_locked(obj, h, ix, v.clone())
            }
            (Some(ix), None) if ix < usize::from(h.capacity) => {
                let (vals, order) = arrays(h);
                let old = vals[ix].load(Relaxed);
                if old.is_null() {
                    return Stored::Missing;
                }
                let n = usize::from(h.len.load(Relaxed));
                let pos = (0..n)
                    .find(|&i| usize::from(order[i].load(Relaxed)) == ix)
                    .expect("a set value is in the order");
                for i in pos..n - 1 {
                    order[i].store(order[i + 1].load(Relaxed), Relaxed);
                }
                h.len.store((n - 1) as u8, Release);
                vals[ix].store(std::ptr::null_mut(), Release);
                old
            }
            (None, None) if crate::str::is_exact_str(name) => return Stored::Missing,
            _ => {
                materialize_locked(obj, ty, h);
                return Stored::NotInline;
            }
        }
    };
    drop_old(old);
    Stored::Done
}

/// Moves valid inline values into a new split dict published in the managed-dict
/// word (lock held): see the module docs.
fn materialize_locked(obj: &PyObj, ty: &PyType, h: &InlineHeader) {
    if h.valid.load(Relaxed) != 1 {
        return;
    }
    let (vals, order) = arrays(h);
    let n = usize::from(h.len.load(Relaxed));
    let order: Vec<u8> = order[..n].iter().map(|o| o.load(Relaxed)).collect();
    let values: Vec<*mut ObjectHeader> = vals.iter().map(|v| v.load(Relaxed)).collect();
    let d = crate::dict::new_split_from(ty, &order, &values);
    // SAFETY: types with inline values have a managed-dict word, null while the
    // values are valid; the dict's reference moves into it.
    let prev = unsafe { crate::managed::dict_slot(obj) }.swap(d.into_ptr().as_ptr(), Release);
    debug_assert!(prev.is_null());
    h.valid.store(0, Release);
}

/// Materializes the dict if `obj` has valid inline values (no-op otherwise).
pub fn materialize(obj: &PyObj) {
    let ty = obj.ty();
    if !type_has_inline_values(ty) {
        return;
    }
    strand_heap::critical_section!(obj);
    // SAFETY: checked the flag.
    materialize_locked(obj, ty, unsafe { header_of(obj.as_ptr(), ty) });
}

/// Whether `obj` has valid inline values with no attribute set: `Some(true)` empty,
/// `Some(false)` some, `None` not valid (see the managed dict).
pub fn valid_and_empty(obj: &PyObj) -> Option<bool> {
    let ty = obj.ty();
    if !type_has_inline_values(ty) {
        return None;
    }
    // SAFETY: checked the flag.
    let h = unsafe { header_of(obj.as_ptr(), ty) };
    (h.valid.load(Acquire) == 1).then(|| h.len.load(Acquire) == 0)
}

/// A snapshot of the attributes in insertion order, if the values are valid.
pub fn items(obj: &PyObj) -> Option<Vec<(PyObj, PyObj)>> {
    let ty = obj.ty();
    if !type_has_inline_values(ty) {
        return None;
    }
    strand_heap::critical_section!(obj);
    // SAFETY: checked the flag.
    let h = unsafe { header_of(obj.as_ptr(), ty) };
    if h.valid.load(Relaxed) != 1 {
        return None;
    }
    let (vals, order) = arrays(h);
    let keys = keys_of(ty);
    let mut out = Vec::new();
    for o in &order[..usize::from(h.len.load(Relaxed))] {
        let ix = usize::from(o.load(Relaxed));
        if let (Some(k), Some(v)) = (
            crate::dict::shared_key_at(keys, ix),
            ObjPtr::from_raw(vals[ix].load(Relaxed)),
        ) {
            // SAFETY: keys are immortal strs; under the lock the word's reference
            // keeps the value alive.
            out.push(unsafe { (PyObj::from_borrowed(k), PyObj::from_borrowed(v)) });
        }
    }
    Some(out)
}

/// Marks the values invalid and gives their references to the caller (lock held, or
/// exclusive access: dealloc, tp_clear, `__dict__` assignment).
///
/// # Safety
/// `obj`'s type has inline values.
pub(crate) unsafe fn take_all_locked(obj: ObjPtr) -> Vec<ObjPtr> {
    // SAFETY: forwarded.
    let ty = unsafe { PyType::of_ptr(obj) };
    // SAFETY: forwarded.
    let h = unsafe { header_of(obj, ty) };
    if h.valid.load(Relaxed) != 1 {
        return Vec::new();
    }
    let (vals, order) = arrays(h);
    let out = order[..usize::from(h.len.load(Relaxed))]
        .iter()
        .filter_map(|o| ObjPtr::from_raw(vals[usize::from(o.load(Relaxed))].load(Relaxed)))
        .collect();
    h.valid.store(0, Release);
    out
}

/// Drops the inline values (tp_clear and dealloc). No lock: the caller has exclusive
/// access (dealloc: the count is zero; tp_clear: the collector clears only objects no
/// thread can reach). No reference to `obj` is taken, so that a dealloc is not
/// re-entered.
///
/// # Safety
/// `obj`'s type has inline values; access is exclusive as above.
pub(crate) unsafe fn clear(obj: ObjPtr) {
    // SAFETY: forwarded; exclusive access stands in for the lock.
    let taken = unsafe { take_all_locked(obj) };
    for p in taken {
        // SAFETY: each word owned a reference.
        drop(unsafe { PyObj::from_owned(p) });
    }
}

/// Reports the valid inline values to the collector.
///
/// # Safety
/// `obj`'s type has inline values; the world is stopped.
pub(crate) unsafe fn traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: forwarded.
    let ty = unsafe { PyType::of_ptr(obj) };
    // SAFETY: forwarded.
    let h = unsafe { header_of(obj, ty) };
    if h.valid.load(Relaxed) != 1 {
        return;
    }
    let (vals, order) = arrays(h);
    for o in &order[..usize::from(h.len.load(Relaxed))] {
        if let Some(v) = ObjPtr::from_raw(vals[usize::from(o.load(Relaxed))].load(Relaxed)) {
            visit(v);
        }
    }
}

/// The version of the shared keys of `ty` (a type with inline values): what a
/// specialized method load checks to prove that no instance attribute shadows the
/// method (the name is not among the keys any inline value can have).
pub fn shared_keys_version(ty: &PyType) -> u32 {
    crate::dict::shared_keys_version(keys_of(ty))
}

/// Whether the shared keys of `ty` (a type with inline values) are still at
/// `version` (no key added since a specialized method load proved its name absent).
#[inline(always)]
pub fn shared_keys_version_is(ty: &PyType, version: u32) -> bool {
    crate::dict::shared_keys_version_is(keys_of(ty), version)
}

/// Whether `ty`'s shared keys hold `name` (exact str names only; `true` for others,
/// conservatively).
pub fn shared_keys_contain(ty: &PyType, name: &PyObj) -> bool {
    if !crate::str::is_exact_str(name) {
        return true;
    }
    crate::dict::shared_index(keys_of(ty), name, crate::str::payload(name).hash()).is_some()
}

/// The shared-key index of `name` for a specialized access to instances of `ty`:
/// appended to the keys if `append` and there is room. `None` for names that are not
/// exact strs or do not fit.
pub fn shared_key_index(ty: &PyType, name: &PyObj, append: bool) -> Option<usize> {
    if !crate::str::is_exact_str(name) {
        return None;
    }
    let hash = crate::str::payload(name).hash();
    let keys = keys_of(ty);
    if append {
        crate::dict::append_shared_key(keys, name, hash)
    } else {
        crate::dict::shared_index(keys, name, hash)
    }
}

/// The capacity of `obj`'s inline values (0 if it has none).
pub fn capacity(obj: &PyObj) -> usize {
    let ty = obj.ty();
    if !type_has_inline_values(ty) {
        return 0;
    }
    // SAFETY: checked the flag.
    usize::from(unsafe { header_of(obj.as_ptr(), ty) }.capacity)
}
