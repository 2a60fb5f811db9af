//! The builtin iterators and dict views: `list_iterator`, `list_reverseiterator`,
//! `tuple_iterator`, `str_ascii_iterator`, `bytes_iterator`, `iterator` (the
//! `__getitem__` protocol),
//! `callable_iterator`, the dict key/value/item iterators and views, `enumerate`,
//! `zip`, `map`, `filter` and `reversed` (Objects/iterobject.c, listobject.c,
//! dictobject.c, enumobject.c, bltinmodule.c).
//!
//! All of them share one layout, [`PyIter`]: up to two immutable references, a
//! position, a stamp for change detection and one mutable slot.
//!
//! Iterators may be shared between threads (four threads draining one `iter(list)`),
//! and then each item is handed out once and none past the end, as in CPython 3.13t
//! and 3.14t:
//!
//! * the sequence iterators (list, tuple, str, the `__getitem__` protocol, `reversed`)
//!   claim a position with a compare-and-swap on `pos` (`claim`): the thread whose
//!   swap succeeds owns the item at the old position, the others retry at the new one;
//! * the dict iterators advance under the dict's critical section, which serialises
//!   them with each other and with writers (CPython's `dictiter_iternextkey`);
//! * `enumerate`, `zip` and `map` take the next item of each underlying iterator and
//!   (for `enumerate`) the count under the iterator's own critical section, so that
//!   an item and its index, or the items of one tuple, belong together. The section is
//!   suspended if the underlying iterator blocks, like every critical section.
//! * `filter` and `callable_iterator` need nothing more than their underlying
//!   iterator or callable gives.
//!
//! They pickle as CPython 3.11's do (`__reduce__`, `__setstate__`; see "Pickling"
//! below): an exhausted sequence iterator is marked `DONE` (CPython drops its
//! sequence), which is what makes it reduce to `(iter, (empty,))`.

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

use parking_lot::Mutex;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::args::Args;
use crate::exceptions::{runtime_error, type_error, value_error};
use crate::object::PyObj;
use crate::singletons::{bool_obj, is_none, not_implemented};
use crate::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use crate::PyResult;

/// Position value meaning "exhausted for good".
const DONE: usize = usize::MAX;

/// The layout shared by the iterators and views of this module.
#[repr(C)]
pub struct PyIter {
    header: ObjectHeader,
    /// The iterated object (a sequence, a dict, a tuple of iterators, a callable).
    a: PyObj,
    /// A second reference (the function of `map`/`filter`, the sentinel).
    b: Option<PyObj>,
    /// The position (meaning depends on the type); [`DONE`] once exhausted.
    pos: AtomicUsize,
    /// A second word (the dict size at creation, `zip(strict=True)`).
    extra: AtomicUsize,
    /// A stamp for change detection (the dict keys version). Exact `enumerate` and
    /// `zip` keep their last result tuple here instead (an owned reference stored as
    /// its address, 0 for none; [`reuse_result`]).
    stamp: AtomicUsize,
    /// A mutable reference (`enumerate`'s count once it no longer fits a word).
    slot: Mutex<Option<PyObj>>,
}

unsafe fn iter_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyIter layouts only.
    let it = unsafe { &*(obj.as_ptr() as *const PyIter) };
    visit(it.a.as_ptr());
    // SAFETY: `obj` is alive (being traversed).
    if let Some(r) = cached_result(unsafe { PyType::of_ptr(obj) }, it) {
        visit(r);
    }
    if let Some(b) = &it.b {
        visit(b.as_ptr());
    }
    if let Some(g) = it.slot.try_lock() {
        if let Some(s) = &*g {
            visit(s.as_ptr());
        }
    }
}

unsafe fn iter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; every field is initialised.
    unsafe {
        let p = obj.as_ptr() as *mut PyIter;
        if let Some(r) = cached_result(PyType::of_ptr(obj), &*p) {
            drop(PyObj::from_owned(r));
        }
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).a));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).b));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).slot));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

/// The result tuple an exact `enumerate` or `zip` keeps for reuse, if any.
#[inline]
fn cached_result(ty: &PyType, s: &PyIter) -> Option<ObjPtr> {
    if !std::ptr::eq(ty, &ENUMERATE_TYPE) && !std::ptr::eq(ty, &ZIP_TYPE) {
        return None;
    }
    ObjPtr::from_raw(s.stamp.load(Relaxed) as *mut ObjectHeader)
}

/// The next result of an exact `enumerate` or `zip` (which the caller checked): the
/// tuple it returned last time, with `items` written into it, when the consumer has
/// dropped that tuple (the iterator holds the only reference); otherwise a new tuple,
/// kept for later calls if none is kept yet (CPython's `en_result` and `ittuple`
/// reuse). The
/// caller holds the iterator's critical section, which serialises it with other
/// callers; the collector reads the kept tuple only with the world stopped.
fn reuse_result<I: AsMut<[PyObj]>>(s: &PyIter, mut items: I, fresh: fn(I) -> PyObj) -> PyObj {
    let kept = s.stamp.load(Relaxed);
    // SAFETY: a non-zero stamp is the owned reference the iterator keeps (the field's
    // contract for exact enumerate and zip); it is alive while the iterator is.
    let old = ObjPtr::from_raw(kept as *mut ObjectHeader)
        .map(|p| std::mem::ManuallyDrop::new(unsafe { PyObj::from_owned(p) }));
    if let Some(t) = &old {
        let new = items.as_mut();
        // Swap the new items in; the old ones (now in `items`) are dropped, which may
        // run `__del__`, only once the tuple is whole again.
        // SAFETY: the swap leaves every item initialised and runs no code.
        let swapped = unsafe {
            crate::tuple::with_unique_items(t, new.len(), |slot| {
                for (dst, v) in slot.iter_mut().zip(new.iter_mut()) {
                    std::mem::swap(dst, v);
                }
            })
        };
        if swapped.is_some() {
            let result = PyObj::clone(t);
            drop(items);
            return result;
        }
    }
    let fresh = fresh(items);
    if old.is_none() {
        // The first result is the one kept; a kept tuple that its consumer still holds
        // is not replaced (a consumer that keeps every result, `list(enumerate(x))`,
        // then costs nothing more than a new tuple each time).
        s.stamp.store(fresh.clone().into_ptr().addr(), Relaxed);
    }
    fresh
}

fn self_iter(obj: &PyObj) -> PyResult<PyObj> {
    Ok(obj.clone())
}

/// Moves `pos` from `from` to `to` if no other thread moved it first: the caller then
/// owns the item at `from`. A thread whose swap fails re-reads the position and
/// retries, so with several threads on one iterator each position is claimed once.
#[inline]
fn claim(pos: &AtomicUsize, from: usize, to: usize) -> bool {
    pos.compare_exchange(from, to, Relaxed, Relaxed).is_ok()
}

/// Marks the iterator exhausted, unless another thread moved it on from `at` (the
/// sequence may have grown meanwhile; that thread decides).
#[inline]
fn finish_at(pos: &AtomicUsize, at: usize) {
    let _ = pos.compare_exchange(at, DONE, Relaxed, Relaxed);
}

macro_rules! iter_type {
    ($(#[$m:meta])* $ident:ident, $name:literal, $flags:expr, { $($slot:ident : $val:expr),* $(,)? }) => {
        crate::builtin_type! {
            $(#[$m])*
            pub static $ident = {
                name: $name,
                layout: PyIter,
                itemsize: 0,
                kind: HeapKind::Gc,
                flags: $flags,
                traverse: Some(iter_traverse),
                clear: None,
                dealloc: iter_dealloc,
                size: None,
                slots: Slots {
                    $($slot: $val,)*
                    ..Slots::EMPTY
                },
            }
        }
    };
}

iter_type!(/// `list_iterator`.
    LIST_ITER_TYPE, "list_iterator", TypeFlags::empty(), { iter: Some(self_iter), iternext: Some(list_iter_next) });
iter_type!(/// `list_reverseiterator`.
    LIST_REVERSE_ITER_TYPE, "list_reverseiterator", TypeFlags::empty(),
    { iter: Some(self_iter), iternext: Some(list_reverse_iter_next) });
iter_type!(/// `tuple_iterator`.
    TUPLE_ITER_TYPE, "tuple_iterator", TypeFlags::empty(), { iter: Some(self_iter), iternext: Some(tuple_iter_next) });
iter_type!(/// `str_ascii_iterator` (positions are byte offsets, so non-ASCII text iterates
    /// in O(1) per character too).
    STR_ITER_TYPE, "str_ascii_iterator", TypeFlags::empty(), { iter: Some(self_iter), iternext: Some(str_iter_next) });
iter_type!(/// `bytes_iterator`.
    BYTES_ITER_TYPE, "bytes_iterator", TypeFlags::empty(), { iter: Some(self_iter), iternext: Some(bytes_iter_next) });
iter_type!(/// `iterator`: the `__getitem__` protocol for sequences without `__iter__`.
    SEQ_ITER_TYPE, "iterator", TypeFlags::empty(), { iter: Some(self_iter), iternext: Some(seq_iter_next) });
iter_type!(/// `callable_iterator`: `iter(callable, sentinel)`.
    CALLABLE_ITER_TYPE, "callable_iterator", TypeFlags::empty(),
    { iter: Some(self_iter), iternext: Some(callable_iter_next) });
iter_type!(/// `dict_keyiterator`.
    DICT_KEY_ITER_TYPE, "dict_keyiterator", TypeFlags::empty(), { iter: Some(self_iter), iternext: Some(dict_iter_next) });
iter_type!(/// `dict_valueiterator`.
    DICT_VALUE_ITER_TYPE, "dict_valueiterator", TypeFlags::empty(),
    { iter: Some(self_iter), iternext: Some(dict_iter_next) });
iter_type!(/// `dict_itemiterator`.
    DICT_ITEM_ITER_TYPE, "dict_itemiterator", TypeFlags::empty(), { iter: Some(self_iter), iternext: Some(dict_iter_next) });
iter_type!(/// `dict_keys`.
DICT_KEYS_TYPE, "dict_keys", TypeFlags::empty(), {
    iter: Some(view_iter), len: Some(view_len), contains: Some(view_contains), repr: Some(view_repr),
    richcompare: Some(view_richcompare), hash: Some(crate::baseobject::unhashable),
    number: crate::typeobj::NumberSlots {
        and: Some(view_and), or: Some(view_or), sub: Some(view_sub), xor: Some(view_xor),
        ..crate::typeobj::NumberSlots::EMPTY
    }
});
iter_type!(/// `dict_values`.
DICT_VALUES_TYPE, "dict_values", TypeFlags::empty(), {
    iter: Some(view_iter), len: Some(view_len), contains: Some(view_contains), repr: Some(view_repr)
});
iter_type!(/// `dict_items`.
DICT_ITEMS_TYPE, "dict_items", TypeFlags::empty(), {
    iter: Some(view_iter), len: Some(view_len), contains: Some(view_contains), repr: Some(view_repr),
    richcompare: Some(view_richcompare), hash: Some(crate::baseobject::unhashable),
    number: crate::typeobj::NumberSlots {
        and: Some(view_and), or: Some(view_or), sub: Some(view_sub), xor: Some(view_xor),
        ..crate::typeobj::NumberSlots::EMPTY
    }
});
iter_type!(/// `enumerate`.
    ENUMERATE_TYPE, "enumerate", TypeFlags::BASETYPE,
    { iter: Some(self_iter), iternext: Some(enumerate_next), new: Some(enumerate_new) });
iter_type!(/// `zip`.
    ZIP_TYPE, "zip", TypeFlags::BASETYPE, { iter: Some(self_iter), iternext: Some(zip_next), new: Some(zip_new) });
iter_type!(/// `map`.
    MAP_TYPE, "map", TypeFlags::BASETYPE, { iter: Some(self_iter), iternext: Some(map_next), new: Some(map_new) });
iter_type!(/// `filter`.
    FILTER_TYPE, "filter", TypeFlags::BASETYPE,
    { iter: Some(self_iter), iternext: Some(filter_next), new: Some(filter_new) });
iter_type!(/// `reversed`.
    REVERSED_TYPE, "reversed", TypeFlags::BASETYPE,
    { iter: Some(self_iter), iternext: Some(reversed_next), new: Some(reversed_new) });

/// Allocates an iterator of type `ty`.
fn new_iter(ty: &PyType, a: PyObj, b: Option<PyObj>, pos: usize, extra: usize) -> PyObj {
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the PyIter layout; every field written.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyIter;
        std::ptr::addr_of_mut!((*p).a).write(a);
        std::ptr::addr_of_mut!((*p).b).write(b);
        std::ptr::addr_of_mut!((*p).pos).write(AtomicUsize::new(pos));
        std::ptr::addr_of_mut!((*p).extra).write(AtomicUsize::new(extra));
        std::ptr::addr_of_mut!((*p).stamp).write(AtomicUsize::new(0));
        std::ptr::addr_of_mut!((*p).slot).write(Mutex::new(None));
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

#[inline(always)]
fn it(obj: &PyObj) -> &PyIter {
    // SAFETY: the slot functions of this module are installed on PyIter layouts only
    // (and their subclasses, which extend the layout).
    unsafe { obj.payload_unchecked::<PyIter>() }
}

// ---------------------------------------------------------------------------------
// Sequence iterators
// ---------------------------------------------------------------------------------

/// `iter(list)`.
pub fn list_iter(list: &PyObj) -> PyResult<PyObj> {
    Ok(new_iter(&LIST_ITER_TYPE, list.clone(), None, 0, 0))
}

fn list_iter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    Ok(list_iter_step(obj))
}

/// The next item of a list iterator, or `None` once it is exhausted (its `__next__`
/// without the result wrapping: the interpreter's FOR_ITER_LIST step). Threads sharing
/// the iterator each take a different position. `obj` must be a list iterator
/// ([`LIST_ITER_TYPE`]).
#[inline]
pub fn list_iter_step(obj: &PyObj) -> Option<PyObj> {
    debug_assert!(obj.is_exact(&LIST_ITER_TYPE));
    let s = it(obj);
    loop {
        let i = s.pos.load(Relaxed);
        if i == DONE {
            return None;
        }
        match crate::list::get(&s.a, i) {
            Some(v) => {
                if claim(&s.pos, i, i + 1) {
                    return Some(v);
                }
            }
            None => {
                finish_at(&s.pos, i);
                return None;
            }
        }
    }
}

/// `reversed(list)`: positions count the items still to produce.
pub fn list_reverse_iter(list: &PyObj) -> PyObj {
    let n = crate::list::len(list);
    new_iter(&LIST_REVERSE_ITER_TYPE, list.clone(), None, n, 0)
}

fn list_reverse_iter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let s = it(obj);
    loop {
        let left = s.pos.load(Relaxed);
        if left == DONE {
            return Ok(None);
        }
        if left == 0 {
            // Past the front: exhausted for good (what `__reduce__` reports).
            finish_at(&s.pos, 0);
            return Ok(None);
        }
        match crate::list::get(&s.a, left - 1) {
            Some(v) => {
                if claim(&s.pos, left, left - 1) {
                    return Ok(Some(v));
                }
            }
            None => {
                finish_at(&s.pos, left);
                return Ok(None);
            }
        }
    }
}

/// `iter(tuple)`.
pub fn tuple_iter(t: &PyObj) -> PyResult<PyObj> {
    Ok(new_iter(&TUPLE_ITER_TYPE, t.clone(), None, 0, 0))
}

fn tuple_iter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    Ok(tuple_iter_step(obj))
}

/// The next item of a tuple iterator, or `None` once it is exhausted (the
/// interpreter's FOR_ITER_TUPLE step). `obj` must be a tuple iterator
/// ([`TUPLE_ITER_TYPE`]).
#[inline]
pub fn tuple_iter_step(obj: &PyObj) -> Option<PyObj> {
    debug_assert!(obj.is_exact(&TUPLE_ITER_TYPE));
    let s = it(obj);
    let items = crate::tuple::items(&s.a);
    loop {
        let i = s.pos.load(Relaxed);
        // Past the end (a tuple never grows): exhausted for good.
        let Some(v) = items.get(i) else {
            finish_at(&s.pos, i);
            return None;
        };
        if claim(&s.pos, i, i + 1) {
            return Some(v.clone());
        }
    }
}

/// An iterator over a snapshot of items.
pub fn seq_iter_from_vec(items: Vec<PyObj>) -> PyObj {
    new_iter(&TUPLE_ITER_TYPE, crate::tuple::from_vec(items), None, 0, 0)
}

/// `iter(str)`: yields one-character strings.
pub fn str_iter(s: &PyObj) -> PyResult<PyObj> {
    Ok(new_iter(&STR_ITER_TYPE, s.clone(), None, 0, 0))
}

fn str_iter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let s = it(obj);
    let text = crate::str::as_str(&s.a);
    loop {
        let off = s.pos.load(Relaxed);
        // Offsets only ever land on character boundaries (each claim adds one
        // character's length), so `get` fails only past the end.
        let Some(c) = text.get(off..).and_then(|rest| rest.chars().next()) else {
            finish_at(&s.pos, off);
            return Ok(None);
        };
        if claim(&s.pos, off, off + c.len_utf8()) {
            let mut buf = [0u8; 4];
            return Ok(Some(crate::str::new(c.encode_utf8(&mut buf))));
        }
    }
}

/// `iter(bytes)`: yields the byte values as ints.
pub fn bytes_iter(b: &PyObj) -> PyResult<PyObj> {
    Ok(new_iter(&BYTES_ITER_TYPE, b.clone(), None, 0, 0))
}

fn bytes_iter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let s = it(obj);
    let data = crate::bytes::as_bytes(&s.a);
    loop {
        let i = s.pos.load(Relaxed);
        let Some(&b) = data.get(i) else {
            finish_at(&s.pos, i);
            return Ok(None);
        };
        if claim(&s.pos, i, i + 1) {
            return Ok(Some(crate::int::from_i64(b as i64)));
        }
    }
}

/// `iter(obj)` for objects with `__getitem__` but no `__iter__`.
pub fn seq_iter(obj: &PyObj) -> PyObj {
    new_iter(&SEQ_ITER_TYPE, obj.clone(), None, 0, 0)
}

fn seq_iter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let s = it(obj);
    // Claim the index before calling `__getitem__` (Python code, which may take any
    // time): two threads never ask for the same index.
    let i = loop {
        let i = s.pos.load(Relaxed);
        if i == DONE {
            return Ok(None);
        }
        if claim(&s.pos, i, i + 1) {
            break i;
        }
    };
    match ab::getitem(&s.a, &crate::int::from_usize(i)) {
        Ok(v) => Ok(Some(v)),
        Err(e)
            if e.is_instance(&crate::exceptions::INDEX_ERROR_TYPE)
                || e.is_instance(&crate::exceptions::STOP_ITERATION_TYPE) =>
        {
            s.pos.store(DONE, Relaxed);
            Ok(None)
        }
        Err(e) => {
            // The item was not produced: give the index back, so that a retry asks
            // for it again (unless another thread has moved on meanwhile).
            let _ = s.pos.compare_exchange(i + 1, i, Relaxed, Relaxed);
            Err(e)
        }
    }
}

/// `iter(callable, sentinel)`: calls `callable()` until it returns `sentinel`.
pub fn callable_iter(callable: PyObj, sentinel: PyObj) -> PyObj {
    new_iter(&CALLABLE_ITER_TYPE, callable, Some(sentinel), 0, 0)
}

fn callable_iter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let s = it(obj);
    if s.pos.load(Relaxed) == DONE {
        return Ok(None);
    }
    let v = match ab::call0(&s.a) {
        Ok(v) => v,
        Err(e) if e.is_instance(&crate::exceptions::STOP_ITERATION_TYPE) => {
            s.pos.store(DONE, Relaxed);
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let sentinel = s.b.as_ref().expect("callable_iterator has a sentinel");
    if ab::eq(&v, sentinel)? {
        s.pos.store(DONE, Relaxed);
        return Ok(None);
    }
    Ok(Some(v))
}

// ---------------------------------------------------------------------------------
// Dict iterators and views
// ---------------------------------------------------------------------------------

/// Which part of a dict's items an iterator or view yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictIterKind {
    /// Keys.
    Keys,
    /// Values.
    Values,
    /// `(key, value)` tuples.
    Items,
}

fn kind_of(obj: &PyObj) -> DictIterKind {
    let ty = obj.ty();
    if std::ptr::eq(ty, &DICT_VALUE_ITER_TYPE) || std::ptr::eq(ty, &DICT_VALUES_TYPE) {
        DictIterKind::Values
    } else if std::ptr::eq(ty, &DICT_ITEM_ITER_TYPE) || std::ptr::eq(ty, &DICT_ITEMS_TYPE) {
        DictIterKind::Items
    } else {
        DictIterKind::Keys
    }
}

/// An iterator over a dict's keys, values or items.
pub fn dict_iter(dict: &PyObj, kind: DictIterKind) -> PyResult<PyObj> {
    let ty = match kind {
        DictIterKind::Keys => &DICT_KEY_ITER_TYPE,
        DictIterKind::Values => &DICT_VALUE_ITER_TYPE,
        DictIterKind::Items => &DICT_ITEM_ITER_TYPE,
    };
    let (len, _) = crate::dict::change_stamp(dict);
    let obj = new_iter(ty, dict.clone(), None, 0, len);
    it(&obj)
        .stamp
        .store(crate::dict::keys_version(dict) as usize, Relaxed);
    Ok(obj)
}

fn dict_iter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let s = it(obj);
    // Every step runs under the dict's critical section: threads sharing the iterator
    // take turns, and each entry is handed out once.
    strand_heap::critical_section!(&s.a);
    let pos = s.pos.load(Relaxed);
    if pos == DONE {
        return Ok(None);
    }
    let (len, _) = crate::dict::change_stamp(&s.a);
    if len != s.extra.load(Relaxed) {
        s.pos.store(DONE, Relaxed);
        return Err(runtime_error("dictionary changed size during iteration"));
    }
    if crate::dict::keys_version(&s.a) as usize != s.stamp.load(Relaxed) {
        s.pos.store(DONE, Relaxed);
        return Err(runtime_error("dictionary keys changed during iteration"));
    }
    match crate::dict::item_at(&s.a, pos) {
        None => {
            s.pos.store(DONE, Relaxed);
            Ok(None)
        }
        Some((next, k, v)) => {
            s.pos.store(next, Relaxed);
            Ok(Some(match kind_of(obj) {
                DictIterKind::Keys => k,
                DictIterKind::Values => v,
                DictIterKind::Items => crate::tuple::pair(k, v),
            }))
        }
    }
}

/// `dict.keys()`, `dict.values()`, `dict.items()`: live views of `dict`.
pub fn dict_view(dict: &PyObj, kind: DictIterKind) -> PyObj {
    let ty = match kind {
        DictIterKind::Keys => &DICT_KEYS_TYPE,
        DictIterKind::Values => &DICT_VALUES_TYPE,
        DictIterKind::Items => &DICT_ITEMS_TYPE,
    };
    new_iter(ty, dict.clone(), None, 0, 0)
}

fn view_iter(obj: &PyObj) -> PyResult<PyObj> {
    dict_iter(&it(obj).a, kind_of(obj))
}

fn view_len(obj: &PyObj) -> PyResult<usize> {
    Ok(crate::dict::len(&it(obj).a))
}

fn view_contains(obj: &PyObj, x: &PyObj) -> PyResult<bool> {
    let d = &it(obj).a;
    match kind_of(obj) {
        DictIterKind::Keys => Ok(crate::dict::get_item(d, x)?.is_some()),
        DictIterKind::Items => {
            if !crate::tuple::is_tuple(x) || crate::tuple::items(x).len() != 2 {
                return Ok(false);
            }
            let kv = crate::tuple::items(x);
            match crate::dict::get_item(d, &kv[0])? {
                Some(v) => ab::eq(&v, &kv[1]),
                None => Ok(false),
            }
        }
        DictIterKind::Values => {
            for v in crate::dict::values(d) {
                if ab::eq(&v, x)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

fn view_repr(obj: &PyObj) -> PyResult<PyObj> {
    let Some(_guard) = ab::ReprGuard::enter(obj) else {
        return Ok(crate::str::new("..."));
    };
    let items = view_items(obj);
    let mut s = format!("{}([", obj.ty().name());
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&ab::repr_string(x)?);
    }
    s.push_str("])");
    Ok(crate::str::from_string(s))
}

/// A snapshot of what iterating `obj` would produce, taken under the dict's critical
/// section, if `obj` is a dict view (`keys()`, `values()`, `items()`); `None`
/// otherwise. For `list(d.items())` and the like: another thread's insertions cannot
/// make it raise (see `abstract_::collect_iter`).
pub(crate) fn view_snapshot(obj: &PyObj) -> Option<Vec<PyObj>> {
    let ty = obj.ty();
    let is_view = std::ptr::eq(ty, &DICT_KEYS_TYPE)
        || std::ptr::eq(ty, &DICT_VALUES_TYPE)
        || std::ptr::eq(ty, &DICT_ITEMS_TYPE);
    is_view.then(|| view_items(obj))
}

fn view_items(obj: &PyObj) -> Vec<PyObj> {
    let d = &it(obj).a;
    match kind_of(obj) {
        DictIterKind::Keys => crate::dict::keys(d),
        DictIterKind::Values => crate::dict::values(d),
        DictIterKind::Items => crate::dict::items(d)
            .into_iter()
            .map(|(k, v)| crate::tuple::pair(k, v))
            .collect(),
    }
}

fn is_set_like(obj: &PyObj) -> bool {
    obj.is_instance_of(&crate::set::SET_TYPE)
        || obj.is_instance_of(&crate::set::FROZENSET_TYPE)
        || obj.is_exact(&DICT_KEYS_TYPE)
        || obj.is_exact(&DICT_ITEMS_TYPE)
}

fn view_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_set_like(b) {
        return Ok(not_implemented());
    }
    let sa = crate::set::new_set_from(&crate::tuple::from_vec(view_items(a)))?;
    let sb = if is_set_like(b) && !crate::set::is_anyset(b) {
        crate::set::new_set_from(&crate::tuple::from_vec(view_items(b)))?
    } else {
        b.clone()
    };
    ab::richcompare(&sa, &sb, op)
}

fn view_setop(a: &PyObj, b: &PyObj, method: &str) -> PyResult<PyObj> {
    // As dictviews_sub & co.: a set built from the left operand (the view, or the
    // other operand when reflected), updated in place with the right one.
    let s = crate::set::new_set_from(a)?;
    ab::call_method(&s, method, std::slice::from_ref(b))?;
    Ok(s)
}

fn view_and(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    view_setop(a, b, "intersection_update")
}

fn view_or(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    view_setop(a, b, "update")
}

fn view_sub(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    view_setop(a, b, "difference_update")
}

fn view_xor(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    view_setop(a, b, "symmetric_difference_update")
}

/// `reversed(view)`: the view's items, newest first (a snapshot, like the
/// iterator CPython returns, which also refuses to continue after a resize).
fn view_reversed_method() -> crate::descr::MethodDef {
    crate::descr::MethodDef::new("__reversed__", |args, kw| {
        Args::new(args, kw).exact("__reversed__", 1)?;
        let mut items = view_items(&args[0]);
        items.reverse();
        Ok(seq_iter_from_vec(items))
    })
}

/// Methods of `dict_keys` and `dict_items`.
pub(crate) fn view_methods() -> Vec<crate::descr::MethodDef> {
    vec![
        view_reversed_method(),
        crate::descr::MethodDef::new("isdisjoint", |args, kw| {
            Args::new(args, kw).exact("isdisjoint", 2)?;
            let it_ = ab::iter(&args[1])?;
            while let Some(x) = ab::next(&it_)? {
                if view_contains(&args[0], &x)? {
                    return Ok(bool_obj(false));
                }
            }
            Ok(bool_obj(true))
        }),
    ]
}

/// Attributes of the views: `mapping` (a read-only proxy of the dict).
pub(crate) fn view_getsets() -> Vec<crate::descr::GetSetDef> {
    vec![crate::descr::GetSetDef::new(
        "mapping",
        |o| Ok(crate::typetype::new_mappingproxy(it(o).a.clone())),
        None,
    )]
}

// ---------------------------------------------------------------------------------
// enumerate, zip, map, filter, reversed
// ---------------------------------------------------------------------------------

fn type_arg(cls: &PyObj) -> PyResult<&PyType> {
    crate::typeobj::expect_type(cls, "__new__(X)")
}

fn enumerate_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kwnames);
    if args.is_empty() {
        // CPython's vectorcall path for enumerate words it without the position.
        return Err(crate::exceptions::type_error(
            "enumerate() missing required argument 'iterable'",
        ));
    }
    let b = a.bind("enumerate", 0, &["iterable", "start"], 1)?;
    let iterable = ab::iter(b[0].expect("required"))?;
    let obj = new_iter(type_arg(cls)?, iterable, None, 0, 0);
    if let Some(start) = b[1] {
        let start = ab::index(start)?;
        match crate::int::as_i64(&start).filter(|v| *v >= 0) {
            Some(v) if (v as u64) < (DONE as u64) => it(&obj).pos.store(v as usize, Relaxed),
            _ => {
                *it(&obj).slot.lock() = Some(start);
                it(&obj).pos.store(DONE, Relaxed);
            }
        }
    }
    Ok(obj)
}

fn enumerate_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let s = it(obj);
    // The item and its count are taken together, in the iterator's own critical
    // section.
    strand_heap::critical_section!(obj);
    let Some(item) = ab::next(&s.a)? else {
        return Ok(None);
    };
    // The count is `pos` while it fits below DONE; from then on (or from a start
    // that does not fit) it is an int in `slot`, and `pos` is DONE.
    let i = s.pos.load(Relaxed);
    let index = if i == DONE {
        let mut slot = s.slot.lock();
        let count = slot.clone().expect("enumerate's count is in its slot");
        *slot = Some(crate::int::add(&count, &crate::int::from_i64(1))?);
        count
    } else {
        if i == DONE - 1 {
            *s.slot.lock() = Some(crate::int::from_usize(i + 1));
        }
        s.pos.store(i + 1, Relaxed);
        crate::int::from_usize(i)
    };
    if obj.is_exact(&ENUMERATE_TYPE) {
        return Ok(Some(reuse_result(
            s,
            [index, item],
            crate::tuple::from_array,
        )));
    }
    Ok(Some(crate::tuple::pair(index, item)))
}

fn zip_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kwnames);
    let mut strict = false;
    for (k, v) in a.kwargs() {
        if k == "strict" {
            strict = ab::is_true(v)?;
        } else {
            return Err(type_error(format!(
                "'{k}' is an invalid keyword argument for zip()"
            )));
        }
    }
    let mut iters = Vec::with_capacity(a.nargs());
    for x in a.positionals() {
        iters.push(ab::iter(x)?);
    }
    Ok(new_iter(
        type_arg(cls)?,
        crate::tuple::from_vec(iters),
        None,
        0,
        strict as usize,
    ))
}

fn zip_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let s = it(obj);
    if s.pos.load(Relaxed) == DONE {
        return Ok(None);
    }
    let iters = crate::tuple::items(&s.a);
    if iters.is_empty() {
        return Ok(None);
    }
    let strict = s.extra.load(Relaxed) != 0;
    // One tuple's items are taken together, in the iterator's own critical section.
    strand_heap::critical_section!(obj);
    let mut out = Vec::with_capacity(iters.len());
    for (i, x) in iters.iter().enumerate() {
        match ab::next(x)? {
            Some(v) => out.push(v),
            None => {
                s.pos.store(DONE, Relaxed);
                if strict {
                    if i > 0 {
                        let plural = if i == 1 { " " } else { "s 1-" };
                        return Err(value_error(format!(
                            "zip() argument {} is shorter than argument{plural}{}",
                            i + 1,
                            i
                        )));
                    }
                    for (j, y) in iters.iter().enumerate().skip(1) {
                        if ab::next(y)?.is_some() {
                            let plural = if j == 1 { " " } else { "s 1-" };
                            return Err(value_error(format!(
                                "zip() argument {} is longer than argument{plural}{}",
                                j + 1,
                                j
                            )));
                        }
                    }
                }
                return Ok(None);
            }
        }
    }
    if obj.is_exact(&ZIP_TYPE) {
        return Ok(Some(reuse_result(s, out, crate::tuple::from_vec)));
    }
    Ok(Some(crate::tuple::from_vec(out)))
}

fn map_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kwnames);
    if a.has_kwargs() && type_arg(cls)?.refuses_keywords_of(&MAP_TYPE) {
        return Err(type_error("map() takes no keyword arguments"));
    }
    if a.nargs() < 2 {
        return Err(type_error("map() must have at least two arguments."));
    }
    let mut iters = Vec::with_capacity(a.nargs() - 1);
    for x in &a.positionals()[1..] {
        iters.push(ab::iter(x)?);
    }
    Ok(new_iter(
        type_arg(cls)?,
        crate::tuple::from_vec(iters),
        Some(args[0].clone()),
        0,
        0,
    ))
}

fn map_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let s = it(obj);
    let iters = crate::tuple::items(&s.a);
    let mut argv = Vec::with_capacity(iters.len());
    {
        // One call's arguments are taken together (with one iterable, its own
        // iterator's guarantee suffices); the function runs outside the section.
        let cs = std::pin::pin!(strand_heap::critical_section::CriticalSection::new());
        if iters.len() > 1 {
            cs.as_ref().enter(obj);
        }
        for x in iters {
            match ab::next(x)? {
                Some(v) => argv.push(v),
                None => return Ok(None),
            }
        }
    }
    let f = s.b.as_ref().expect("map has a function");
    ab::call(f, &argv, None).map(Some)
}

fn filter_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kwnames);
    if type_arg(cls)?.refuses_keywords_of(&FILTER_TYPE) {
        a.no_kwargs("filter")?;
    }
    // A subclass's keywords are for its `__init__`.
    Args::new(a.positionals(), None).expect_fn("filter", 2, 2)?;
    let iterable = ab::iter(&args[1])?;
    Ok(new_iter(
        type_arg(cls)?,
        iterable,
        Some(args[0].clone()),
        0,
        0,
    ))
}

fn filter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let s = it(obj);
    let f = s.b.as_ref().expect("filter has a predicate");
    let identity = is_none(f) || f.is(&crate::int::BOOL_TYPE.to_obj());
    while let Some(x) = ab::next(&s.a)? {
        let ok = if identity {
            ab::is_true(&x)?
        } else {
            ab::is_true(&ab::call1(f, x.clone())?)?
        };
        if ok {
            return Ok(Some(x));
        }
    }
    Ok(None)
}

fn reversed_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kwnames);
    if cls.is(&REVERSED_TYPE.to_obj()) {
        a.no_kwargs("reversed")?;
    }
    a.exact("reversed", 1)?;
    let seq = &args[0];
    if seq.is_exact(&crate::range::RANGE_TYPE) {
        // `range.__reversed__` (the type is final and immutable), without the method
        // call.
        return Ok(crate::range::reversed(seq));
    }
    if let Some(m) = seq.ty().lookup(&crate::names::NAMES.__reversed__) {
        if is_none(&m) {
            return Err(type_error(format!(
                "'{}' object is not reversible",
                seq.ty().name()
            )));
        }
        return ab::call_descr(&m, seq, &[]);
    }
    if seq.ty().slots().getitem.is_none() || crate::dict::is_dict(seq) {
        return Err(type_error(format!(
            "'{}' object is not reversible",
            seq.ty().name()
        )));
    }
    let n = ab::len(seq)?;
    Ok(new_iter(type_arg(cls)?, seq.clone(), None, n, 0))
}

fn reversed_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let s = it(obj);
    // As in seq_iter_next: claim the index before running `__getitem__`.
    let left = loop {
        let left = s.pos.load(Relaxed);
        if left == DONE {
            return Ok(None);
        }
        if left == 0 {
            finish_at(&s.pos, 0);
            return Ok(None);
        }
        if claim(&s.pos, left, left - 1) {
            break left;
        }
    };
    match ab::getitem(&s.a, &crate::int::from_usize(left - 1)) {
        Ok(v) => Ok(Some(v)),
        Err(e)
            if e.is_instance(&crate::exceptions::INDEX_ERROR_TYPE)
                || e.is_instance(&crate::exceptions::STOP_ITERATION_TYPE) =>
        {
            s.pos.store(DONE, Relaxed);
            Ok(None)
        }
        Err(e) => {
            let _ = s.pos.compare_exchange(left - 1, left, Relaxed, Relaxed);
            Err(e)
        }
    }
}

// ---------------------------------------------------------------------------------
// Pickling: __reduce__ and __setstate__
// ---------------------------------------------------------------------------------
//
// What CPython 3.11's `*_reduce` and `*_setstate` methods return and accept
// (Objects/listobject.c, tupleobject.c, unicodeobject.c, bytesobject.c,
// iterobject.c, enumobject.c, dictobject.c, bltinmodule.c): a sequence iterator
// reduces to `(iter, (seq,), index)`, or to `(iter, (empty,))` once exhausted; a dict
// iterator to `(iter, (list of what it has left,))`; `enumerate`, `zip`, `map`,
// `filter` and `reversed` to their type and what rebuilds them. `iter` and
// `reversed` are looked up in the running code's builtins, as CPython's
// `_PyEval_GetBuiltin` does.

/// `(f, args)`.
fn reduce2(f: PyObj, args: PyObj) -> PyObj {
    crate::tuple::pair(f, args)
}

/// `(f, args, state)`.
fn reduce3(f: PyObj, args: PyObj, state: PyObj) -> PyObj {
    crate::tuple::from_vec(vec![f, args, state])
}

/// `(x,)`.
fn single(x: PyObj) -> PyObj {
    crate::tuple::from_vec(vec![x])
}

/// The builtin `iter` of the running code.
fn builtin_iter() -> PyResult<PyObj> {
    crate::function::get_builtin("iter")
}

/// A `__setstate__` argument as a `Py_ssize_t` (CPython's `PyLong_AsSsize_t`: an int
/// and nothing else).
pub(crate) fn ssize_state(state: &PyObj) -> PyResult<isize> {
    if !crate::int::is_int(state) {
        return Err(type_error("an integer is required"));
    }
    crate::int::to_isize(state)
}

/// Sets `pos` to `to` unless the iterator is exhausted for good (CPython's setstate
/// methods do nothing once the iterator dropped its sequence).
fn set_pos_unless_done(pos: &AtomicUsize, to: usize) {
    let _ = pos.fetch_update(Relaxed, Relaxed, |p| (p != DONE).then_some(to));
}

/// `__reduce__` of the sequence iterators that start from the front: `list_iterator`,
/// `tuple_iterator`, `str_ascii_iterator`, `bytes_iterator` and `iterator`.
fn seq_iter_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let obj = &args[0];
    let ty = obj.ty();
    Args::new(args, kw).exact(&format!("{}.__reduce__", ty.name()), 1)?;
    let s = it(obj);
    let pos = s.pos.load(Relaxed);
    let iter = builtin_iter()?;
    if pos == DONE {
        let empty = if std::ptr::eq(ty, &LIST_ITER_TYPE) {
            crate::list::new(Vec::new())
        } else if std::ptr::eq(ty, &STR_ITER_TYPE) {
            crate::str::new("")
        } else {
            crate::tuple::empty()
        };
        return Ok(reduce2(iter, single(empty)));
    }
    let index = if std::ptr::eq(ty, &STR_ITER_TYPE) {
        // Positions are byte offsets; the state counts characters.
        let text = crate::str::as_str(&s.a);
        text.get(..pos).map_or(0, |t| t.chars().count())
    } else {
        pos
    };
    Ok(reduce3(
        iter,
        single(s.a.clone()),
        crate::int::from_usize(index),
    ))
}

/// `__setstate__` of the same iterators: the index of the next item, clipped to
/// `0..=len` (`iterator`, over any sequence, is clipped below only).
fn seq_iter_setstate(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let obj = &args[0];
    let ty = obj.ty();
    Args::new(args, kw).exact(&format!("{}.__setstate__", ty.name()), 2)?;
    let index = ssize_state(&args[1])?.max(0) as usize;
    let s = it(obj);
    let to = if std::ptr::eq(ty, &LIST_ITER_TYPE) {
        index.min(crate::list::len(&s.a))
    } else if std::ptr::eq(ty, &TUPLE_ITER_TYPE) {
        index.min(crate::tuple::items(&s.a).len())
    } else if std::ptr::eq(ty, &BYTES_ITER_TYPE) {
        index.min(crate::bytes::as_bytes(&s.a).len())
    } else if std::ptr::eq(ty, &STR_ITER_TYPE) {
        // Characters to a byte offset; past the end is the end.
        let text = crate::str::as_str(&s.a);
        text.char_indices()
            .nth(index)
            .map_or(text.len(), |(o, _)| o)
    } else {
        index
    };
    set_pos_unless_done(&s.pos, to);
    Ok(crate::singletons::none())
}

/// `__reduce__` of `list_reverseiterator`: `(reversed, (list,), index)`, or
/// `(iter, ([],))` once exhausted.
fn list_reverse_iter_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("list_reverseiterator.__reduce__", 1)?;
    let s = it(&args[0]);
    let left = s.pos.load(Relaxed);
    if left == DONE {
        return Ok(reduce2(
            builtin_iter()?,
            single(crate::list::new(Vec::new())),
        ));
    }
    Ok(reduce3(
        crate::function::get_builtin("reversed")?,
        single(s.a.clone()),
        crate::int::from_i64(left as i64 - 1),
    ))
}

/// `__setstate__` of `list_reverseiterator` and `reversed`: the index of the next
/// item, clipped to `-1..len` (positions count the items left, one more).
fn reverse_iter_setstate(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let obj = &args[0];
    let fname = if obj.is_instance_of(&REVERSED_TYPE) {
        "reversed.__setstate__"
    } else {
        "list_reverseiterator.__setstate__"
    };
    Args::new(args, kw).exact(fname, 2)?;
    let index = ssize_state(&args[1])?;
    let s = it(obj);
    if s.pos.load(Relaxed) == DONE {
        return Ok(crate::singletons::none());
    }
    let n = if obj.is_instance_of(&REVERSED_TYPE) {
        ab::len(&s.a)?
    } else {
        crate::list::len(&s.a)
    };
    let index = index.clamp(-1, n as isize - 1);
    set_pos_unless_done(&s.pos, (index + 1) as usize);
    Ok(crate::singletons::none())
}

/// `__reduce__` of `reversed`: `(type(self), (seq,), index)`, or `(type(self), ((),))`
/// once exhausted.
fn reversed_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("reversed.__reduce__", 1)?;
    let obj = &args[0];
    let s = it(obj);
    let left = s.pos.load(Relaxed);
    let ty = obj.ty().to_obj();
    if left == DONE {
        return Ok(reduce2(ty, single(crate::tuple::empty())));
    }
    Ok(reduce3(
        ty,
        single(s.a.clone()),
        crate::int::from_i64(left as i64 - 1),
    ))
}

/// `__reduce__` of `callable_iterator`: `(iter, (callable, sentinel))`, or
/// `(iter, ((),))` once exhausted.
fn callable_iter_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("callable_iterator.__reduce__", 1)?;
    let s = it(&args[0]);
    let iter = builtin_iter()?;
    if s.pos.load(Relaxed) == DONE {
        return Ok(reduce2(iter, single(crate::tuple::empty())));
    }
    let sentinel = s.b.clone().expect("callable_iterator has a sentinel");
    Ok(reduce2(iter, crate::tuple::pair(s.a.clone(), sentinel)))
}

/// `__reduce__` of the dict iterators: `(iter, (list,))` with what a copy of the
/// iterator would still produce (the iterator itself does not move; a dict changed
/// under it raises as iterating would).
fn dict_iter_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let obj = &args[0];
    let ty = obj.ty();
    Args::new(args, kw).exact(&format!("{}.__reduce__", ty.name()), 1)?;
    let s = it(obj);
    let copy = new_iter(
        ty,
        s.a.clone(),
        None,
        s.pos.load(Relaxed),
        s.extra.load(Relaxed),
    );
    it(&copy).stamp.store(s.stamp.load(Relaxed), Relaxed);
    let mut rest = Vec::new();
    while let Some(x) = dict_iter_next(&copy)? {
        rest.push(x);
    }
    Ok(reduce2(builtin_iter()?, single(crate::list::new(rest))))
}

/// `__reduce__` of `enumerate`: `(type(self), (iterator, count))`.
fn enumerate_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("enumerate.__reduce__", 1)?;
    let obj = &args[0];
    let s = it(obj);
    let count = {
        strand_heap::critical_section!(obj);
        let big = s.slot.lock().clone();
        big.unwrap_or_else(|| crate::int::from_usize(s.pos.load(Relaxed)))
    };
    Ok(reduce2(
        obj.ty().to_obj(),
        crate::tuple::pair(s.a.clone(), count),
    ))
}

/// `__reduce__` of `zip`: `(type(self), iterators)`, with `True` as the state when
/// strict.
fn zip_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("zip.__reduce__", 1)?;
    let obj = &args[0];
    let s = it(obj);
    let ty = obj.ty().to_obj();
    Ok(if s.extra.load(Relaxed) != 0 {
        reduce3(ty, s.a.clone(), bool_obj(true))
    } else {
        reduce2(ty, s.a.clone())
    })
}

/// `__setstate__` of `zip`: whether it is strict.
fn zip_setstate(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("zip.__setstate__", 2)?;
    let strict = ab::is_true(&args[1])?;
    it(&args[0]).extra.store(strict as usize, Relaxed);
    Ok(crate::singletons::none())
}

/// `__reduce__` of `map`: `(type(self), (function, *iterators))`.
fn map_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("map.__reduce__", 1)?;
    let obj = &args[0];
    let s = it(obj);
    let mut parts = vec![s.b.clone().expect("map has a function")];
    parts.extend(crate::tuple::items(&s.a).iter().cloned());
    Ok(reduce2(obj.ty().to_obj(), crate::tuple::from_vec(parts)))
}

/// `__reduce__` of `filter`: `(type(self), (function, iterator))`.
fn filter_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("filter.__reduce__", 1)?;
    let obj = &args[0];
    let s = it(obj);
    let f = s.b.clone().expect("filter has a predicate");
    Ok(reduce2(
        obj.ty().to_obj(),
        crate::tuple::pair(f, s.a.clone()),
    ))
}

fn with_methods(
    mut base: Vec<crate::descr::MethodDef>,
    more: &[(&'static str, crate::descr::NativeFn)],
) -> Vec<crate::descr::MethodDef> {
    base.extend(
        more.iter()
            .map(|&(n, f)| crate::descr::MethodDef::new(n, f)),
    );
    base
}

/// `__length_hint__` for the sized iterators.
pub(crate) fn length_hint_methods() -> Vec<crate::descr::MethodDef> {
    vec![crate::descr::MethodDef::new(
        "__length_hint__",
        |args, kw| {
            Args::new(args, kw).exact("__length_hint__", 1)?;
            let obj = &args[0];
            let s = it(obj);
            let pos = s.pos.load(Relaxed);
            let ty = obj.ty();
            let n = if pos == DONE {
                0
            } else if std::ptr::eq(ty, &LIST_ITER_TYPE) {
                crate::list::len(&s.a).saturating_sub(pos)
            } else if std::ptr::eq(ty, &TUPLE_ITER_TYPE) {
                crate::tuple::items(&s.a).len().saturating_sub(pos)
            } else if std::ptr::eq(ty, &BYTES_ITER_TYPE) {
                crate::bytes::as_bytes(&s.a).len().saturating_sub(pos)
            } else if std::ptr::eq(ty, &STR_ITER_TYPE) {
                let text = crate::str::as_str(&s.a);
                text.get(pos..).map_or(0, |t| t.chars().count())
            } else {
                pos
            };
            Ok(crate::int::from_usize(n))
        },
    )]
}

/// The iterator and view types with their methods, for [`crate::init`].
pub(crate) fn types() -> Vec<(
    &'static PyType,
    Vec<crate::descr::MethodDef>,
    Vec<crate::descr::GetSetDef>,
)> {
    let seq_pickling: &[(&'static str, crate::descr::NativeFn)] = &[
        ("__reduce__", seq_iter_reduce),
        ("__setstate__", seq_iter_setstate),
    ];
    let dict_pickling: &[(&'static str, crate::descr::NativeFn)] =
        &[("__reduce__", dict_iter_reduce)];
    vec![
        (
            &LIST_ITER_TYPE,
            with_methods(length_hint_methods(), seq_pickling),
            vec![],
        ),
        (
            &LIST_REVERSE_ITER_TYPE,
            with_methods(
                length_hint_methods(),
                &[
                    ("__reduce__", list_reverse_iter_reduce),
                    ("__setstate__", reverse_iter_setstate),
                ],
            ),
            vec![],
        ),
        (
            &TUPLE_ITER_TYPE,
            with_methods(length_hint_methods(), seq_pickling),
            vec![],
        ),
        (
            &STR_ITER_TYPE,
            with_methods(length_hint_methods(), seq_pickling),
            vec![],
        ),
        (
            &BYTES_ITER_TYPE,
            with_methods(length_hint_methods(), seq_pickling),
            vec![],
        ),
        (&SEQ_ITER_TYPE, with_methods(vec![], seq_pickling), vec![]),
        (
            &CALLABLE_ITER_TYPE,
            with_methods(vec![], &[("__reduce__", callable_iter_reduce)]),
            vec![],
        ),
        (
            &DICT_KEY_ITER_TYPE,
            with_methods(vec![], dict_pickling),
            vec![],
        ),
        (
            &DICT_VALUE_ITER_TYPE,
            with_methods(vec![], dict_pickling),
            vec![],
        ),
        (
            &DICT_ITEM_ITER_TYPE,
            with_methods(vec![], dict_pickling),
            vec![],
        ),
        (&DICT_KEYS_TYPE, view_methods(), view_getsets()),
        (
            &DICT_VALUES_TYPE,
            vec![view_reversed_method()],
            view_getsets(),
        ),
        (&DICT_ITEMS_TYPE, view_methods(), view_getsets()),
        (
            &ENUMERATE_TYPE,
            with_methods(vec![], &[("__reduce__", enumerate_reduce)]),
            vec![],
        ),
        (
            &ZIP_TYPE,
            with_methods(
                vec![],
                &[("__reduce__", zip_reduce), ("__setstate__", zip_setstate)],
            ),
            vec![],
        ),
        (
            &MAP_TYPE,
            with_methods(vec![], &[("__reduce__", map_reduce)]),
            vec![],
        ),
        (
            &FILTER_TYPE,
            with_methods(vec![], &[("__reduce__", filter_reduce)]),
            vec![],
        ),
        (
            &REVERSED_TYPE,
            with_methods(
                length_hint_methods(),
                &[
                    ("__reduce__", reversed_reduce),
                    ("__setstate__", reverse_iter_setstate),
                ],
            ),
            vec![],
        ),
    ]
}
