//! `list`: a growable array of references (Objects/listobject.c).
//!
//! The items live in a separately allocated array (raw heap) whose header records its
//! capacity. Every modification happens in the list's critical section. Reading an
//! item is lock-free: load the array, bounds-check against its capacity, load the
//! item and take it with `try_incref`, then confirm the slot still holds it. That is
//! safe because once a list has been touched by a second thread it is *shared*: its
//! replaced arrays are freed after a QSBR grace period and the objects stored in it are
//! published for lock-free reads (CPython's `_PyObject_GC_SET_SHARED` on lists).
//! Vacated slots are nulled so that a racing reader falls back to the locked path,
//! which sees the current length.
//!
//! `sort()` is a stable natural merge sort that only uses `<` and tolerates
//! inconsistent comparisons and exceptions (the list is emptied while sorting, as in
//! CPython, and "list modified during sort" is detected).

use std::ptr::NonNull;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicPtr, AtomicUsize};

use strand_heap::refcount::{mark_shared, try_incref_compare};
use strand_heap::{HeapKind, ObFlags, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::{index_error, type_error, value_error};
use crate::object::{PyObj, PyPayload};
use crate::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use crate::PyResult;

#[repr(C)]
struct ItemArray {
    capacity: usize,
    items: [AtomicPtr<ObjectHeader>; 0],
}

impl ItemArray {
    /// A new array of `capacity` empty slots, or `None` when memory is exhausted or
    /// the size impossible.
    fn try_alloc(capacity: usize) -> Option<NonNull<ItemArray>> {
        let bytes = capacity
            .checked_add(1)?
            .checked_mul(std::mem::size_of::<usize>())
            .filter(|&b| b <= crate::alloc::memory_limit())?;
        let p = strand_heap::alloc_raw(bytes)?;
        // SAFETY: fresh allocation of `bytes`; we initialise capacity and every slot.
        unsafe {
            let a = p.as_ptr() as *mut ItemArray;
            std::ptr::addr_of_mut!((*a).capacity).write(capacity);
            let items = std::ptr::addr_of_mut!((*a).items) as *mut AtomicPtr<ObjectHeader>;
            for i in 0..capacity {
                items.add(i).write(AtomicPtr::new(std::ptr::null_mut()));
            }
            Some(NonNull::new_unchecked(a))
        }
    }

    /// [`ItemArray::try_alloc`] for items already in memory (a list made from a
    /// vector): failing there aborts, as any allocation in Rust does.
    fn alloc(capacity: usize) -> NonNull<ItemArray> {
        Self::try_alloc(capacity).unwrap_or_else(|| {
            std::alloc::handle_alloc_error(
                std::alloc::Layout::from_size_align(capacity.saturating_mul(8).max(8), 16)
                    .unwrap_or(std::alloc::Layout::new::<usize>()),
            )
        })
    }

    #[inline(always)]
    fn slots(&self) -> &[AtomicPtr<ObjectHeader>] {
        // SAFETY: `capacity` slots follow the header.
        unsafe {
            std::slice::from_raw_parts(
                std::ptr::addr_of!(self.items) as *const AtomicPtr<ObjectHeader>,
                self.capacity,
            )
        }
    }
}

/// The layout of a `list`.
#[repr(C)]
pub struct PyList {
    header: ObjectHeader,
    size: AtomicUsize,
    items: AtomicPtr<ItemArray>,
}

/// Byte offset of the length (for generated code).
pub const SIZE_OFFSET: usize = std::mem::offset_of!(PyList, size);
/// Byte offset of the item-array pointer (for generated code).
pub const ITEMS_OFFSET: usize = std::mem::offset_of!(PyList, items);

// SAFETY: repr(C), header first; list subclasses extend it.
unsafe impl PyPayload for PyList {
    fn type_object() -> &'static PyType {
        &LIST_TYPE
    }
}

unsafe fn list_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on lists; world stopped.
    let l = unsafe { &*(obj.as_ptr() as *const PyList) };
    if let Some(arr) = l.array() {
        for s in &arr.slots()[..l.size.load(Relaxed)] {
            if let Some(p) = ObjPtr::from_raw(s.load(Relaxed)) {
                visit(p);
            }
        }
    }
}

unsafe fn list_clear_slot(obj: ObjPtr) {
    // SAFETY: the collector holds a reference.
    let l = unsafe { PyObj::from_borrowed(obj) };
    clear(&l);
}

unsafe fn list_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access.
    unsafe {
        let l = &*(obj.as_ptr() as *const PyList);
        let n = l.size.load(Relaxed);
        let arr = l.items.swap(std::ptr::null_mut(), AcqRel);
        if let Some(arr) = NonNull::new(arr) {
            // Last item first, as CPython's list_dealloc (visible in `__del__` order).
            for s in arr.as_ref().slots()[..n].iter().rev() {
                if let Some(p) = ObjPtr::from_raw(s.load(Relaxed)) {
                    drop(PyObj::from_owned(p));
                }
            }
            free_array(arr, l.is_shared());
        }
        if std::ptr::eq(PyType::of_ptr(obj), &LIST_TYPE) {
            // An exact list holds no type reference and has a constant size.
            strand_heap::free_object_sized(obj, HeapKind::Gc, std::mem::size_of::<PyList>());
        } else {
            crate::heaptype::dealloc_instance_memory(obj);
        }
    }
}

fn free_array(arr: NonNull<ItemArray>, delayed: bool) {
    // SAFETY: the array came from alloc_raw and is unlinked; readers of a shared list
    // may still hold it, hence the delay.
    unsafe {
        if delayed {
            strand_heap::free_delayed(arr.cast());
        } else {
            strand_heap::free_raw(arr.cast());
        }
    }
}

crate::builtin_type! {
    /// The `list` type.
    pub static LIST_TYPE = {
        name: "list",
        layout: PyList,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::LIST_SUBCLASS),
        traverse: Some(list_traverse),
        clear: Some(list_clear_slot),
        dealloc: list_dealloc,
        size: None,
        slots: Slots {
            repr: Some(list_repr),
            hash: Some(crate::baseobject::unhashable),
            richcompare: Some(list_richcompare),
            iter: Some(crate::iterators::list_iter),
            new: Some(list_new),
            init: Some(list_init),
            len: Some(|l| Ok(len(l))),
            contains: Some(list_contains),
            getitem: Some(list_subscript),
            setitem: Some(list_ass_subscript),
            number: crate::typeobj::NumberSlots {
                add: Some(list_concat),
                mul: Some(list_repeat),
                inplace_add: Some(list_inplace_concat),
                inplace_mul: Some(list_inplace_repeat),
                ..crate::typeobj::NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

#[inline(always)]
fn payload(obj: &PyObj) -> &PyList {
    debug_assert!(obj.ty().flags().contains(TypeFlags::LIST_SUBCLASS));
    // SAFETY: callers pass lists.
    unsafe { obj.payload_unchecked::<PyList>() }
}

/// `true` if `obj` is a list or subclass.
#[inline(always)]
pub fn is_list(obj: &PyObj) -> bool {
    obj.ty().flags().contains(TypeFlags::LIST_SUBCLASS)
}

impl PyList {
    #[inline(always)]
    fn array(&self) -> Option<&ItemArray> {
        // SAFETY: the array outlives this read (lock held, or QSBR for shared lists).
        unsafe { self.items.load(Acquire).as_ref() }
    }

    fn is_shared(&self) -> bool {
        // SAFETY: self is alive.
        unsafe { ObjPtr::new(NonNull::from(&self.header)).flags() }.contains(ObFlags::SHARED)
    }

    /// Number of items.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.size.load(Relaxed)
    }

    /// `true` if empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A new list owning `items`.
pub fn new(items: Vec<PyObj>) -> PyObj {
    new_of_type(&LIST_TYPE, items)
}

pub(crate) fn new_of_type(ty: &PyType, items: Vec<PyObj>) -> PyObj {
    from_exact_iter(ty, items.into_iter())
}

/// A list of type `ty` holding the items of `items`, written straight into its item
/// array (sized from the iterator's length: no intermediate vector).
fn from_exact_iter(ty: &PyType, items: impl ExactSizeIterator<Item = PyObj>) -> PyObj {
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    let cap = items.len();
    let arr = if cap == 0 {
        std::ptr::null_mut()
    } else {
        ItemArray::alloc(cap).as_ptr()
    };
    let mut n = 0;
    // SAFETY: fresh list layout; the array has room for `cap` items, and the size is
    // the number actually written (an iterator that claims more than it gives leaves
    // the rest of the array unused).
    unsafe {
        if let Some(a) = arr.as_ref() {
            for (slot, item) in a.slots().iter().zip(items) {
                slot.store(item.into_ptr().as_ptr(), Relaxed);
                n += 1;
            }
        }
        let p = obj.as_ptr().as_ptr() as *mut PyList;
        std::ptr::addr_of_mut!((*p).size).write(AtomicUsize::new(n));
        std::ptr::addr_of_mut!((*p).items).write(AtomicPtr::new(arr));
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// Number of items.
#[inline(always)]
pub fn len(list: &PyObj) -> usize {
    payload(list).len()
}

/// Publishes the list for lock-free readers and writers on other threads (its lock is
/// held): marks every item and the list itself shared, so that from now on replaced
/// arrays and removed items are freed after a QSBR grace period, and items stored
/// later are published as they are stored.
#[cold]
#[inline(never)]
fn share_locked(list: &PyObj, l: &PyList) {
    if l.is_shared() {
        return;
    }
    if let Some(arr) = l.array() {
        for s in &arr.slots()[..l.len()] {
            if let Some(p) = ObjPtr::from_raw(s.load(Relaxed)) {
                // SAFETY: live item under the lock.
                unsafe { mark_shared(p) };
            }
        }
    }
    // SAFETY: alive.
    unsafe { mark_shared(list.as_ptr()) };
}

/// Called with the lock held by every operation that changes the list: a thread
/// other than the owner shares the list first (CPython's `ensure_shared_on_resize`,
/// applied to every change), because the owner may be reading it lock-free and
/// must not see an array or an item freed at once.
#[inline(always)]
fn ensure_shared_on_write(list: &PyObj, l: &PyList) {
    if !crate::alloc::owned_by_current_thread(list) && !l.is_shared() {
        share_locked(list, l);
    }
}

/// `list[i]` for `0 <= i`, lock-free when possible; `None` if out of range (CPython
/// 3.13t's `list_get_item_ref`).
///
/// The lock-free read: load the item array, check `i` against its capacity, load the
/// slot and take a reference with [`try_incref_compare`]. For an item this thread owns
/// (or an immortal one) that is a plain increment with no recheck; other items take a
/// compare-and-swap and a recheck of the slot. It is sound because whatever the reader
/// loads stays allocated while it is here:
///
/// * a *shared* list frees replaced arrays and removed items after a QSBR grace period
///   (its items are all published, and items stored later are published first);
/// * a list that is not shared is read lock-free only by its owner, and changed only
///   by its owner: any other thread shares it first, under the lock
///   (`ensure_shared_on_write`, and the locked read for other threads' reads).
///
/// The array is not rechecked: an array replaced after it was loaded is never written
/// again, so what its slot held was the list's item `i` at the moment of replacement.
#[inline]
pub fn get(list: &PyObj, i: usize) -> Option<PyObj> {
    let l = payload(list);
    if !crate::alloc::owned_by_current_thread(list) && !l.is_shared() {
        return get_locked(list, i);
    }
    if let Some(arr) = l.array() {
        if i < arr.capacity {
            // SAFETY: the item's memory outlives this read (above); the list's writers
            // drop a reference only after replacing or clearing its slot.
            if let Some(p) = unsafe { try_incref_compare(&arr.slots()[i]) } {
                // SAFETY: we took the reference.
                return Some(unsafe { PyObj::from_owned(p) });
            }
        }
    }
    get_locked(list, i)
}

/// `list[i]` under the lock: a slot that was empty or changing, an index past the
/// array, or a first read by a thread other than the owner (which shares the list,
/// CPython's `list_item_impl`).
#[inline(never)]
fn get_locked(list: &PyObj, i: usize) -> Option<PyObj> {
    let l = payload(list);
    strand_heap::critical_section!(list);
    if !crate::alloc::owned_by_current_thread(list) {
        share_locked(list, l);
    }
    if i >= l.len() {
        return None;
    }
    let p = l.array()?.slots()[i].load(Acquire);
    // SAFETY: under the lock the slot's reference keeps the item alive.
    ObjPtr::from_raw(p).map(|p| unsafe { PyObj::from_borrowed(p) })
}

/// A snapshot of the items.
pub fn to_vec(list: &PyObj) -> Vec<PyObj> {
    let l = payload(list);
    strand_heap::critical_section!(list);
    let n = l.len();
    match l.array() {
        None => Vec::new(),
        Some(arr) => {
            // SAFETY: under the lock, slots [0, n) hold non-null owned references;
            // AtomicPtr<ObjectHeader> and PyObj share the pointer layout.
            unsafe { std::slice::from_raw_parts(arr.slots().as_ptr() as *const PyObj, n) }.to_vec()
        }
    }
}

/// Runs `f` on the items under the list's lock (no Python code may run in `f`).
pub fn with_items<R>(list: &PyObj, f: impl FnOnce(&[PyObj]) -> R) -> R {
    let l = payload(list);
    strand_heap::critical_section!(list);
    let n = l.len();
    match l.array() {
        None => f(&[]),
        Some(arr) => {
            // SAFETY: under the lock, slots [0, n) hold non-null owned references;
            // AtomicPtr<ObjectHeader> and PyObj share the pointer layout.
            let items =
                unsafe { std::slice::from_raw_parts(arr.slots().as_ptr() as *const PyObj, n) };
            f(items)
        }
    }
}

/// `list[index] = item` under the list's lock, `index` counting from the end when
/// negative (the interpreter's STORE_SUBSCR_LIST_INT): `Ok` with the item it replaced,
/// for the caller to drop once it no longer holds anything a `__del__` could disturb,
/// or `Err` giving `item` back when the index is out of range.
pub fn replace_at(list: &PyObj, index: i64, item: PyObj) -> Result<PyObj, PyObj> {
    let l = payload(list);
    strand_heap::critical_section!(list);
    let n = l.len();
    let i = if index < 0 {
        index.wrapping_add(n as i64)
    } else {
        index
    };
    let Some(arr) = l.array().filter(|_| (0..n as i64).contains(&i)) else {
        return Err(item);
    };
    ensure_shared_on_write(list, l);
    publish(l, &item);
    let slot = &arr.slots()[i as usize];
    let old = slot.load(Relaxed);
    slot.store(item.into_ptr().as_ptr(), Release);
    // SAFETY: slots below the length hold owned, non-null references; the slot's
    // reference moves to the caller.
    Ok(unsafe { PyObj::from_owned(ObjPtr::from_raw(old).expect("list slot below len")) })
}

fn publish(l: &PyList, item: &PyObj) {
    if l.is_shared() {
        // SAFETY: we hold a reference.
        unsafe { mark_shared(item.as_ptr()) };
    }
}

/// Room for `needed` items (the lock held), or `MemoryError` with the list unchanged.
fn grow(l: &PyList, needed: usize) -> PyResult<&ItemArray> {
    let cap = l.array().map_or(0, |a| a.capacity);
    if needed <= cap {
        return Ok(l.array().expect("capacity > 0"));
    }
    // CPython's over-allocation: newsize + newsize/8 + 6, rounded to a multiple of 4.
    let new_cap = needed
        .checked_add((needed >> 3) + 6)
        .map_or(needed, |c| c & !3)
        .max(needed);
    let new = ItemArray::try_alloc(new_cap).ok_or_else(crate::exceptions::memory_error)?;
    // SAFETY: private until published.
    let na = unsafe { new.as_ref() };
    if let Some(old) = l.array() {
        for (d, s) in na.slots().iter().zip(&old.slots()[..l.len()]) {
            d.store(s.load(Relaxed), Relaxed);
        }
    }
    let old = l.items.swap(new.as_ptr(), AcqRel);
    if let Some(old) = NonNull::new(old) {
        free_array(old, l.is_shared());
    }
    // SAFETY: just published; we hold the lock.
    Ok(unsafe { &*new.as_ptr() })
}

/// `list.append(item)`.
pub fn append(list: &PyObj, item: PyObj) -> PyResult<()> {
    let l = payload(list);
    strand_heap::critical_section!(list);
    ensure_shared_on_write(list, l);
    let n = l.len();
    let arr = grow(l, n + 1)?;
    publish(l, &item);
    arr.slots()[n].store(item.into_ptr().as_ptr(), Release);
    l.size.store(n + 1, Release);
    Ok(())
}

/// Replaces the whole contents with `items` (used by sort and slice assignment), or
/// `MemoryError` with the list unchanged.
fn replace_all(list: &PyObj, items: Vec<PyObj>) -> PyResult<Vec<PyObj>> {
    let l = payload(list);
    strand_heap::critical_section!(list);
    ensure_shared_on_write(list, l);
    let n = items.len();
    if n > 0 {
        grow(l, n)?;
    }
    let old = take_all_locked(l);
    for it in &items {
        publish(l, it);
    }
    if n > 0 {
        let arr = grow(l, n)?;
        for (slot, it) in arr.slots().iter().zip(items) {
            slot.store(it.into_ptr().as_ptr(), Release);
        }
    }
    l.size.store(n, Release);
    Ok(old)
}

/// Empties the list (lock held), returning the old items.
fn take_all_locked(l: &PyList) -> Vec<PyObj> {
    let n = l.len();
    l.size.store(0, Release);
    let mut out = Vec::with_capacity(n);
    if let Some(arr) = l.array() {
        for s in &arr.slots()[..n] {
            if let Some(p) = ObjPtr::from_raw(s.swap(std::ptr::null_mut(), AcqRel)) {
                // SAFETY: the slot owned the reference.
                out.push(unsafe { PyObj::from_owned(p) });
            }
        }
    }
    out
}

/// Removes every item.
pub fn clear(list: &PyObj) {
    let old = {
        let l = payload(list);
        strand_heap::critical_section!(list);
        ensure_shared_on_write(list, l);
        take_all_locked(l)
    };
    drop(old);
}

/// `list.extend(iterable)`.
pub fn extend(list: &PyObj, iterable: &PyObj) -> PyResult<()> {
    // Exact lists and tuples only, as CPython's `list_extend`: a subclass may
    // override `__iter__`.
    let items = if iterable.is_exact(&LIST_TYPE)
        || iterable.is_exact(&crate::tuple::TUPLE_TYPE)
        || iterable.is(list)
    {
        ab::seq_items(iterable)
    } else {
        ab::collect_iter(iterable)?
    };
    let l = payload(list);
    strand_heap::critical_section!(list);
    ensure_shared_on_write(list, l);
    let n = l.len();
    if items.is_empty() {
        return Ok(());
    }
    let arr = grow(l, n + items.len())?;
    let count = items.len();
    for (i, it) in items.into_iter().enumerate() {
        publish(l, &it);
        arr.slots()[n + i].store(it.into_ptr().as_ptr(), Release);
    }
    l.size.store(n + count, Release);
    Ok(())
}

/// `list.insert(i, item)` with Python's index clamping; `MemoryError` leaves the list
/// unchanged.
pub fn insert(list: &PyObj, index: isize, item: PyObj) -> PyResult<()> {
    let l = payload(list);
    strand_heap::critical_section!(list);
    ensure_shared_on_write(list, l);
    let n = l.len();
    let i = if index < 0 {
        (index + n as isize).max(0) as usize
    } else {
        (index as usize).min(n)
    };
    let arr = grow(l, n + 1)?;
    publish(l, &item);
    let slots = arr.slots();
    let mut j = n;
    while j > i {
        slots[j].store(slots[j - 1].load(Relaxed), Release);
        j -= 1;
    }
    slots[i].store(item.into_ptr().as_ptr(), Release);
    l.size.store(n + 1, Release);
    Ok(())
}

/// `list.pop(i)`.
pub fn pop(list: &PyObj, index: isize) -> PyResult<PyObj> {
    let l = payload(list);
    strand_heap::critical_section!(list);
    ensure_shared_on_write(list, l);
    let n = l.len();
    if n == 0 {
        return Err(index_error("pop from empty list"));
    }
    let i = crate::slice::normalize_index(index, n)
        .ok_or_else(|| index_error("pop index out of range"))?;
    let arr = l.array().expect("non-empty");
    let slots = arr.slots();
    let p = slots[i].load(Acquire);
    for j in i..n - 1 {
        slots[j].store(slots[j + 1].load(Relaxed), Release);
    }
    slots[n - 1].store(std::ptr::null_mut(), Release);
    l.size.store(n - 1, Release);
    // SAFETY: the slot owned the reference; the caller gets it.
    Ok(unsafe { PyObj::from_owned(ObjPtr::from_raw(p).expect("item")) })
}

/// `list[i] = item` for a normalized index; `false` if out of range (CPython's
/// `list_ass_item`): under the lock, a plain load of the old item and a release store
/// of the new one (lock-free readers load the slot with acquire); the old item is
/// released after the lock.
pub fn set(list: &PyObj, i: usize, item: PyObj) -> bool {
    match i64::try_from(i).map(|i| replace_at(list, i, item)) {
        Ok(Ok(old)) => {
            drop(old);
            true
        }
        _ => false,
    }
}

fn list_repr(obj: &PyObj) -> PyResult<PyObj> {
    let items = to_vec(obj);
    if items.is_empty() {
        return Ok(crate::str::new("[]"));
    }
    let Some(_g) = ab::ReprGuard::enter(obj) else {
        return Ok(crate::str::new("[...]"));
    };
    let mut s = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&ab::repr_string(item)?);
    }
    s.push(']');
    Ok(crate::str::from_string(s))
}

fn list_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_list(b) {
        return Ok(crate::singletons::not_implemented());
    }
    crate::tuple::sequence_richcompare_live(
        (|| len(a), |i| get(a, i)),
        (|| len(b), |i| get(b, i)),
        op,
    )
}

fn list_contains(obj: &PyObj, item: &PyObj) -> PyResult<bool> {
    let mut i = 0;
    while let Some(x) = get(obj, i) {
        if ab::richcompare_bool(&x, item, CompareOp::Eq)? {
            return Ok(true);
        }
        i += 1;
    }
    Ok(false)
}

fn list_subscript(obj: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    if let Some(slice) = key.downcast::<crate::slice::PySlice>() {
        // The bounds' `__index__` calls first; then one copy of the selected items,
        // under the lock, into the new list.
        let bounds = slice.unpacked()?;
        return Ok(with_items(obj, |items| {
            let idx = bounds.resolve(items.len());
            from_exact_iter(&LIST_TYPE, idx.iter().map(|i| items[i].clone()))
        }));
    }
    let i = ab::index_for(key, "list")?;
    let n = len(obj);
    match crate::slice::normalize_index(i, n).and_then(|i| get(obj, i)) {
        Some(v) => Ok(v),
        None => Err(index_error("list index out of range")),
    }
}

fn list_ass_subscript(obj: &PyObj, key: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    if let Some(slice) = key.downcast::<crate::slice::PySlice>() {
        return assign_slice(obj, slice, value);
    }
    let i = ab::index_for(key, "list")?;
    let n = len(obj);
    let Some(i) = crate::slice::normalize_index(i, n) else {
        return Err(index_error("list assignment index out of range"));
    };
    match value {
        Some(v) => {
            if !set(obj, i, v.clone()) {
                return Err(index_error("list assignment index out of range"));
            }
        }
        None => {
            pop(obj, i as isize)?;
        }
    }
    Ok(())
}

fn assign_slice(obj: &PyObj, slice: &crate::slice::PySlice, value: Option<&PyObj>) -> PyResult<()> {
    // Materialise the new items first (this may run Python code, and the value may be
    // the list itself); the slice's bounds are evaluated before locking too.
    let new_items = match value {
        Some(v) => Some(if v.is(obj) {
            to_vec(obj)
        } else {
            ab::collect_iter(v)?
        }),
        None => None,
    };
    let n0 = len(obj);
    let idx0 = slice.indices(n0)?;
    if idx0.step == 1 {
        let new_items = new_items.unwrap_or_default();
        let old = replace_range(obj, slice, n0, idx0.start, idx0.len, new_items)?;
        drop(old);
        return Ok(());
    }
    let mut items = to_vec(obj);
    let idx = slice.indices(items.len())?;
    match new_items {
        None => {
            let remove: std::collections::HashSet<usize> = idx.iter().collect();
            let mut i = 0;
            items.retain(|_| {
                let keep = !remove.contains(&i);
                i += 1;
                keep
            });
        }
        Some(new_items) => {
            if new_items.len() != idx.len {
                return Err(value_error(format!(
                    "attempt to assign sequence of size {} to extended slice of size {}",
                    new_items.len(),
                    idx.len
                )));
            }
            for (i, v) in idx.iter().zip(new_items) {
                items[i] = v;
            }
        }
    }
    drop(replace_all(obj, items)?);
    Ok(())
}

/// `list[start:start + count] = items` in place, under the list's lock (CPython's
/// `list_ass_slice`). The bounds were computed for length `n0`; if another thread
/// changed the length meanwhile they are computed again. Returns the removed items,
/// to be released after the lock.
fn replace_range(
    obj: &PyObj,
    slice: &crate::slice::PySlice,
    n0: usize,
    start0: usize,
    count0: usize,
    items: Vec<PyObj>,
) -> PyResult<Vec<PyObj>> {
    let (mut n_expected, mut start, mut count) = (n0, start0, count0);
    loop {
        let l = payload(obj);
        {
            strand_heap::critical_section!(obj);
            ensure_shared_on_write(obj, l);
            let n = l.len();
            if n == n_expected {
                let m = items.len();
                let new_len = n - count + m;
                // Room first, so that MemoryError leaves the list as it was.
                if new_len > 0 {
                    grow(l, new_len.max(n))?;
                }
                for it in &items {
                    publish(l, it);
                }
                let mut old = Vec::with_capacity(count);
                if let Some(arr) = l.array() {
                    for s in &arr.slots()[start..start + count] {
                        if let Some(p) = ObjPtr::from_raw(s.swap(std::ptr::null_mut(), AcqRel)) {
                            // SAFETY: the slot owned the reference.
                            old.push(unsafe { PyObj::from_owned(p) });
                        }
                    }
                }
                if new_len > 0 {
                    let arr = grow(l, new_len.max(n))?;
                    let slots = arr.slots();
                    // Move the tail [start + count, n) to start at start + m.
                    if m < count {
                        for i in start + count..n {
                            let v = slots[i].swap(std::ptr::null_mut(), AcqRel);
                            slots[i - count + m].store(v, Release);
                        }
                    } else if m > count {
                        for i in (start + count..n).rev() {
                            let v = slots[i].swap(std::ptr::null_mut(), AcqRel);
                            slots[i - count + m].store(v, Release);
                        }
                    }
                    for (k, it) in items.into_iter().enumerate() {
                        slots[start + k].store(it.into_ptr().as_ptr(), Release);
                    }
                }
                l.size.store(new_len, Release);
                return Ok(old);
            }
        }
        // The list changed size before we locked it: bounds again.
        n_expected = len(obj);
        let idx = slice.indices(n_expected)?;
        start = idx.start;
        count = idx.len;
    }
}

fn list_concat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !is_list(a) {
        return Ok(crate::singletons::not_implemented());
    }
    if !is_list(b) {
        return Err(type_error(format!(
            "can only concatenate list (not \"{}\") to list",
            b.ty().name()
        )));
    }
    let mut v = to_vec(a);
    v.extend(to_vec(b));
    Ok(new(v))
}

fn list_inplace_concat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    extend(a, b)?;
    Ok(a.clone())
}

fn list_repeat(a: &PyObj, n: &PyObj) -> PyResult<PyObj> {
    let (seq, count) = if is_list(a) { (a, n) } else { (n, a) };
    let Some(count) = ab::repeat_count(count)? else {
        return Ok(crate::singletons::not_implemented());
    };
    let items = to_vec(seq);
    let total = items
        .len()
        .checked_mul(count)
        .ok_or_else(crate::exceptions::memory_error)?;
    let mut v = crate::alloc::try_vec(total)?;
    // An empty sequence repeats to nothing however large the count.
    if total > 0 {
        for _ in 0..count {
            v.extend_from_slice(&items);
        }
    }
    Ok(new(v))
}

fn list_inplace_repeat(a: &PyObj, n: &PyObj) -> PyResult<PyObj> {
    let Some(count) = ab::repeat_count(n)? else {
        return Ok(crate::singletons::not_implemented());
    };
    let items = to_vec(a);
    let total = items
        .len()
        .checked_mul(count)
        .ok_or_else(crate::exceptions::memory_error)?;
    let mut v = crate::alloc::try_vec(total)?;
    // An empty sequence repeats to nothing however large the count.
    if total > 0 {
        for _ in 0..count {
            v.extend_from_slice(&items);
        }
    }
    drop(replace_all(a, v)?);
    Ok(a.clone())
}

fn list_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "list.__new__(X)")?;
    Ok(new_of_type(ty, Vec::new()))
}

fn list_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    let a = crate::args::Args::new(args, kwnames);
    // As CPython's list___init__: keywords are refused unless a subclass overrides
    // `__new__` (which may take them; they reach `__init__` too).
    if a.has_kwargs() && !crate::typeobj::overrides(obj.ty(), &LIST_TYPE, "__new__") {
        a.no_kwargs("list")?;
    }
    a.max_positional("list", 1)?;
    let items = match a.positional(0) {
        Some(it) => ab::collect_iter(it)?,
        None => Vec::new(),
    };
    drop(replace_all(obj, items)?);
    Ok(())
}

/// Stable sort by `lt`, tolerant of inconsistent comparisons: a natural merge sort.
/// Stops comparing (and returns the error) on the first exception.
pub fn merge_sort<T: Clone>(
    v: &mut [T],
    lt: &mut dyn FnMut(&T, &T) -> PyResult<bool>,
) -> PyResult<()> {
    let n = v.len();
    if n < 2 {
        return Ok(());
    }
    // Natural runs: maximal non-descending runs; strictly descending runs reversed.
    // Each adjacent pair is compared once, as in CPython's count_run.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let min_run = compute_min_run(n);
    let mut i = 0;
    while i < n {
        let start = i;
        i += 1;
        if i < n {
            if lt(&v[i], &v[i - 1])? {
                i += 1;
                while i < n && lt(&v[i], &v[i - 1])? {
                    i += 1;
                }
                v[start..i].reverse();
            } else {
                i += 1;
                while i < n && !lt(&v[i], &v[i - 1])? {
                    i += 1;
                }
            }
        }
        // Extend short runs to a minimum length with binary insertion.
        let min_run = min_run.min(n - start);
        while i - start < min_run {
            let x = v[i].clone();
            let (mut lo, mut hi) = (start, i);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if lt(&x, &v[mid])? {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            v[lo..=i].rotate_right(1);
            i += 1;
        }
        runs.push((start, i));
    }
    let mut buf: Vec<T> = Vec::with_capacity(n);
    while runs.len() > 1 {
        let mut merged = Vec::with_capacity(runs.len().div_ceil(2));
        for pair in runs.chunks(2) {
            if pair.len() == 1 {
                merged.push(pair[0]);
                continue;
            }
            let (a0, a1) = pair[0];
            let (_, b1) = pair[1];
            buf.clear();
            let (mut x, mut y) = (a0, a1);
            while x < a1 && y < b1 {
                // Take from the right run only when strictly smaller (stability).
                if lt(&v[y], &v[x])? {
                    buf.push(v[y].clone());
                    y += 1;
                } else {
                    buf.push(v[x].clone());
                    x += 1;
                }
            }
            buf.extend_from_slice(&v[x..a1]);
            buf.extend_from_slice(&v[y..b1]);
            v[a0..b1].clone_from_slice(&buf);
            merged.push((a0, b1));
        }
        runs = merged;
    }
    Ok(())
}

/// The minimum run length for `n` items (CPython's `merge_compute_minrun`): `n`
/// itself below 64, else between 32 and 64 so that `n / min_run` is close to, and
/// at most, a power of two.
fn compute_min_run(mut n: usize) -> usize {
    let mut r = 0;
    while n >= 64 {
        r |= n & 1;
        n >>= 1;
    }
    n + r
}

/// `list.sort(key=None, reverse=False)`.
pub fn sort(list: &PyObj, key: Option<&PyObj>, reverse: bool) -> PyResult<()> {
    // Empty the list while sorting and detach its item array, as CPython does
    // (`allocated = -1`), to detect modification: anything that stores an item
    // during the sort must allocate a new array.
    let l = payload(list);
    let (items, saved) = {
        strand_heap::critical_section!(list);
        ensure_shared_on_write(list, l);
        let items = take_all_locked(l);
        (items, l.items.swap(std::ptr::null_mut(), AcqRel))
    };
    let (sorted, err) = match sort_items(items, key, reverse) {
        Ok(v) => (v, None),
        Err((v, e)) => (v, Some(e)),
    };
    let (modified, leftovers) = finish_sort(list, saved, sorted)?;
    // Dropped outside the lock: their finalizers may run Python code.
    drop(leftovers);
    match err {
        // The sort's own error wins over the modification (CPython checks
        // `allocated != -1` only when the sort succeeded).
        Some(e) => Err(e),
        None if modified => Err(value_error("list modified during sort")),
        None => Ok(()),
    }
}

/// Reattaches the item array [`sort`] detached and stores the sorted items in it.
/// Returns whether the list was modified during the sort (it holds a new array, or
/// items) and whatever the modification stored, which the caller drops; the list
/// ends up holding `sorted` either way, as CPython's.
fn finish_sort(
    list: &PyObj,
    saved: *mut ItemArray,
    sorted: Vec<PyObj>,
) -> PyResult<(bool, Vec<PyObj>)> {
    let l = payload(list);
    strand_heap::critical_section!(list);
    ensure_shared_on_write(list, l);
    let modified = !l.items.load(Acquire).is_null() || !l.is_empty();
    let leftovers = take_all_locked(l);
    let replaced = l.items.swap(saved, AcqRel);
    if let Some(arr) = NonNull::new(replaced) {
        free_array(arr, l.is_shared());
    }
    let n = sorted.len();
    if n > 0 {
        // The saved array held these items before; it grows only if the key
        // function's error path returned more than it took.
        let arr = grow(l, n)?;
        for (slot, it) in arr.slots().iter().zip(sorted) {
            publish(l, &it);
            slot.store(it.into_ptr().as_ptr(), Release);
        }
    }
    l.size.store(n, Release);
    Ok((modified, leftovers))
}

/// Sorts a vector of objects like `sorted()`; on error returns the items (in some
/// order) with the exception.
pub fn sort_items(
    items: Vec<PyObj>,
    key: Option<&PyObj>,
    reverse: bool,
) -> Result<Vec<PyObj>, (Vec<PyObj>, crate::PyErr)> {
    let mut keyed: Vec<(PyObj, PyObj)> = Vec::with_capacity(items.len());
    match key {
        Some(k) if !crate::singletons::is_none(k) => {
            for it in &items {
                match ab::call(k, std::slice::from_ref(it), None) {
                    Ok(kv) => keyed.push((kv, it.clone())),
                    Err(e) => return Err((items, e)),
                }
            }
        }
        _ => keyed.extend(items.iter().map(|it| (it.clone(), it.clone()))),
    }
    drop(items);
    if reverse {
        keyed.reverse();
    }
    let mut lt = make_lt(&keyed);
    let res = merge_sort(&mut keyed, &mut |a, b| lt(&a.0, &b.0));
    if reverse {
        keyed.reverse();
    }
    let out: Vec<PyObj> = keyed.into_iter().map(|(_, v)| v).collect();
    match res {
        Ok(()) => Ok(out),
        Err(e) => Err((out, e)),
    }
}

/// A `<` on keys.
type LessThan = dyn FnMut(&PyObj, &PyObj) -> PyResult<bool>;

/// A `<` for the keys: specialised when all keys are ints, floats or strs.
fn make_lt(keyed: &[(PyObj, PyObj)]) -> Box<LessThan> {
    let all = |f: fn(&PyObj) -> bool| keyed.iter().all(|(k, _)| f(k));
    if all(crate::int::is_exact_int) {
        Box::new(|a, b| Ok(crate::int::cmp(a, b).is_lt()))
    } else if all(|o| o.is_exact(&crate::float::FLOAT_TYPE)) {
        Box::new(|a, b| Ok(crate::float::value(a) < crate::float::value(b)))
    } else if all(crate::str::is_exact_str) {
        Box::new(|a, b| Ok(crate::str_methods::str_lt(a, b)))
    } else {
        Box::new(|a, b| ab::richcompare_bool(a, b, CompareOp::Lt))
    }
}

/// Methods of `list`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    use crate::args::Args;
    use crate::descr::MethodDef;
    use crate::singletons::none;
    vec![
        MethodDef::new("append", |args, kw| {
            Args::new(args, kw).exact("list.append", 2)?;
            append(&args[0], args[1].clone())?;
            Ok(none())
        }),
        MethodDef::new("extend", |args, kw| {
            Args::new(args, kw).exact("list.extend", 2)?;
            extend(&args[0], &args[1])?;
            Ok(none())
        }),
        MethodDef::new("insert", |args, kw| {
            Args::new(args, kw).expect("list.insert", 3, 3)?;
            let i = crate::int::to_isize(&ab::index(&args[1])?)?;
            insert(&args[0], i, args[2].clone())?;
            Ok(none())
        }),
        MethodDef::new("pop", |args, kw| {
            Args::new(args, kw).expect("list.pop", 1, 2)?;
            let i = match args.get(1) {
                Some(i) => crate::int::to_isize(&ab::index(i)?)?,
                None => -1,
            };
            pop(&args[0], i)
        }),
        MethodDef::new("remove", |args, kw| {
            Args::new(args, kw).exact("list.remove", 2)?;
            let mut i = 0;
            while let Some(x) = get(&args[0], i) {
                if ab::richcompare_bool(&x, &args[1], CompareOp::Eq)? {
                    pop(&args[0], i as isize)?;
                    return Ok(none());
                }
                i += 1;
            }
            Err(value_error("list.remove(x): x not in list"))
        }),
        MethodDef::new("index", |args, kw| {
            Args::new(args, kw).expect("list.index", 2, 4)?;
            let n = len(&args[0]);
            let (start, stop) = crate::slice::search_bounds(args.get(2), args.get(3), n)?;
            let mut i = start;
            while i < stop {
                let Some(x) = get(&args[0], i) else { break };
                if ab::richcompare_bool(&x, &args[1], CompareOp::Eq)? {
                    return Ok(crate::int::from_usize(i));
                }
                i += 1;
            }
            Err(value_error(format!(
                "{} is not in list",
                ab::repr_string(&args[1])?
            )))
        }),
        MethodDef::new("count", |args, kw| {
            Args::new(args, kw).exact("list.count", 2)?;
            let mut n = 0;
            for x in to_vec(&args[0]) {
                if ab::richcompare_bool(&x, &args[1], CompareOp::Eq)? {
                    n += 1;
                }
            }
            Ok(crate::int::from_usize(n))
        }),
        MethodDef::new("clear", |args, kw| {
            Args::new(args, kw).exact("list.clear", 1)?;
            clear(&args[0]);
            Ok(none())
        }),
        MethodDef::new("copy", |args, kw| {
            Args::new(args, kw).exact("list.copy", 1)?;
            Ok(new(to_vec(&args[0])))
        }),
        MethodDef::new("reverse", |args, kw| {
            Args::new(args, kw).exact("list.reverse", 1)?;
            let mut v = to_vec(&args[0]);
            v.reverse();
            drop(replace_all(&args[0], v)?);
            Ok(none())
        }),
        MethodDef::new("sort", |args, kw| {
            let a = Args::new(args, kw);
            if a.nargs() > 1 {
                return Err(type_error("sort() takes no positional arguments"));
            }
            let mut key = None;
            let mut reverse = false;
            for (k, v) in a.kwargs() {
                match k {
                    "key" => key = Some(v),
                    "reverse" => reverse = ab::is_true(v)?,
                    _ => {
                        return Err(type_error(format!(
                            "'{k}' is an invalid keyword argument for sort()"
                        )))
                    }
                }
            }
            sort(&args[0], key, reverse)?;
            Ok(none())
        }),
        MethodDef::new("__reversed__", |args, kw| {
            Args::new(args, kw).exact("list.__reversed__", 1)?;
            Ok(crate::iterators::list_reverse_iter(&args[0]))
        }),
        MethodDef::new("__getitem__", |args, kw| {
            Args::new(args, kw).exact("list.__getitem__", 2)?;
            list_subscript(&args[0], &args[1])
        }),
        MethodDef::new("__sizeof__", |args, _| {
            Ok(crate::int::from_usize(40 + 8 * len(&args[0])))
        }),
    ]
}
