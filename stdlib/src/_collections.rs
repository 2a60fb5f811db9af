//! The `_collections` module (CPython's Modules/_collectionsmodule.c): `deque`
//! (with `maxlen`, its iterators `_deque_iterator` and `_deque_reverse_iterator`),
//! `defaultdict` (a `dict` subclass in layout, as in CPython), `_count_elements`
//! and `_tuplegetter` (the field descriptors of `namedtuple` classes).
//!
//! Thread safety follows the free-threaded build: a deque's items are guarded by
//! its per-object lock, taken through a critical section for each operation. No
//! Python code runs while the items are borrowed: comparisons (`count`, `index`,
//! `remove`, `in`, ordering) read one item at a time and check the deque's
//! mutation stamp afterwards (`RuntimeError: deque mutated during iteration`), and
//! items removed from a deque are dropped after the borrow ends.
//!
//! Not here: the C `OrderedDict` (`collections` keeps its pure-Python one, as
//! CPython does when `_collections.OrderedDict` is missing).

use std::cell::UnsafeCell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, index_error, type_error, value_error};
use strand_objects::typeobj::{CompareOp, NumberSlots, PyType, Slots, TypeFlags};
use strand_objects::{
    dict, int, managed, module, singletons, slice, str as pystr, tuple, PyObj, PyResult,
};

use crate::modsupport::{self, Fields};
use strand_interp::native_module::add_functions;

// ---------------------------------------------------------------------------------
// deque
// ---------------------------------------------------------------------------------

/// The guarded part of a deque.
struct DequeState {
    items: VecDeque<PyObj>,
    /// `None`: unbounded.
    maxlen: Option<usize>,
    /// Bumped by every mutation (iterators and comparisons check it).
    stamp: usize,
}

/// The layout of `collections.deque`.
#[repr(C)]
pub struct PyDeque {
    header: ObjectHeader,
    state: UnsafeCell<DequeState>,
}

unsafe fn deque_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on deques; the world is stopped, so no thread is inside a
    // borrow of the items (borrows never span a safe point).
    let d = unsafe { &*(*(obj.as_ptr() as *const PyDeque)).state.get() };
    for x in &d.items {
        visit(x.as_ptr());
    }
}

unsafe fn deque_clear_slot(obj: ObjPtr) {
    // SAFETY: the collector holds a reference.
    let o = unsafe { PyObj::from_borrowed(obj) };
    let taken = with_state(&o, |s| {
        s.stamp += 1;
        std::mem::take(&mut s.items)
    });
    drop(taken);
}

unsafe fn deque_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the state was initialised by `deque_new`.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyDeque;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `collections.deque`.
    pub static DEQUE_TYPE = {
        name: "collections.deque",
        layout: PyDeque,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::MANAGED_WEAKREF),
        traverse: Some(deque_traverse),
        clear: Some(deque_clear_slot),
        dealloc: deque_dealloc,
        size: None,
        slots: Slots {
            new: Some(deque_new),
            init: Some(deque_init),
            repr: Some(deque_repr),
            hash: Some(strand_objects::baseobject::unhashable),
            richcompare: Some(deque_richcompare),
            iter: Some(|o| Ok(new_deque_iter(o, false))),
            len: Some(|o| Ok(with_state(o, |s| s.items.len()))),
            bool: Some(|o| Ok(with_state(o, |s| !s.items.is_empty()))),
            contains: Some(deque_contains),
            getitem: Some(deque_getitem),
            setitem: Some(deque_setitem),
            number: NumberSlots {
                add: Some(deque_concat),
                mul: Some(deque_repeat),
                inplace_add: Some(deque_inplace_concat),
                inplace_mul: Some(deque_inplace_repeat),
                ..NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

fn is_deque(o: &PyObj) -> bool {
    o.is_instance_of(&DEQUE_TYPE)
}

/// Runs `f` on the deque's state inside its critical section. `f` must not run
/// Python code or drop arbitrary objects (return them instead).
fn with_state<R>(o: &PyObj, f: impl FnOnce(&mut DequeState) -> R) -> R {
    debug_assert!(is_deque(o));
    strand_heap::critical_section!(o);
    // SAFETY: deques (and subclasses) start with PyDeque; the critical section
    // excludes other threads and `f` cannot re-enter (it runs no Python code).
    let s = unsafe { &mut *o.payload_unchecked::<PyDeque>().state.get() };
    f(s)
}

fn deque_arg(o: &PyObj, what: &str) -> PyResult<()> {
    if !is_deque(o) {
        return Err(type_error(format!(
            "descriptor '{what}' requires a 'collections.deque' object but received a '{}'",
            o.ty().name()
        )));
    }
    Ok(())
}

fn deque_new(cls: &PyObj, _a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "deque.__new__(X)")?;
    Ok(alloc_deque(ty, None))
}

fn alloc_deque(ty: &PyType, maxlen: Option<usize>) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyDeque layout; the state is written and
    // the slots region zeroed before the object is finished (and tracked).
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyDeque;
        std::ptr::addr_of_mut!((*p).state).write(UnsafeCell::new(DequeState {
            items: VecDeque::new(),
            maxlen,
            stamp: 0,
        }));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn parse_maxlen(v: Option<&PyObj>) -> PyResult<Option<usize>> {
    match v {
        None => Ok(None),
        Some(m) if singletons::is_none(m) => Ok(None),
        Some(m) => {
            if !int::is_int(m) {
                return Err(type_error("an integer is required"));
            }
            let n = int::to_isize(&ab::index(m)?)?;
            if n < 0 {
                return Err(value_error("maxlen must be non-negative"));
            }
            Ok(Some(n as usize))
        }
    }
}

fn deque_init(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<()> {
    let b = Args::new(a, k).bind("deque", 0, &["iterable", "maxlen"], 0)?;
    let maxlen = parse_maxlen(b[1])?;
    let old = with_state(o, |s| {
        s.maxlen = maxlen;
        s.stamp += 1;
        std::mem::take(&mut s.items)
    });
    drop(old);
    if let Some(it) = b[0] {
        extend(o, it, false)?;
    }
    Ok(())
}

/// Appends `x` on one side, dropping from the other past `maxlen`; returns what
/// fell off (to be dropped outside the borrow).
fn push(s: &mut DequeState, x: PyObj, left: bool) -> Option<PyObj> {
    s.stamp += 1;
    if s.maxlen == Some(0) {
        return Some(x);
    }
    if left {
        s.items.push_front(x);
    } else {
        s.items.push_back(x);
    }
    match s.maxlen {
        Some(m) if s.items.len() > m => {
            if left {
                s.items.pop_back()
            } else {
                s.items.pop_front()
            }
        }
        _ => None,
    }
}

fn extend(o: &PyObj, iterable: &PyObj, left: bool) -> PyResult<()> {
    // Extending a deque with itself iterates over a snapshot.
    let src = if iterable.is(o) {
        strand_objects::list::new(with_state(o, |s| s.items.iter().cloned().collect()))
    } else {
        iterable.clone()
    };
    let it = ab::iter(&src)?;
    while let Some(x) = ab::next(&it)? {
        let gone = with_state(o, |s| push(s, x, left));
        drop(gone);
    }
    Ok(())
}

fn none() -> PyObj {
    singletons::none()
}

fn d_append(a: &[PyObj], k: Option<&PyObj>, left: bool) -> PyResult<PyObj> {
    Args::new(a, k).exact(
        if left {
            "deque.appendleft"
        } else {
            "deque.append"
        },
        2,
    )?;
    deque_arg(&a[0], "append")?;
    let gone = with_state(&a[0], |s| push(s, a[1].clone(), left));
    drop(gone);
    Ok(none())
}

fn d_extend(a: &[PyObj], k: Option<&PyObj>, left: bool) -> PyResult<PyObj> {
    Args::new(a, k).exact(
        if left {
            "deque.extendleft"
        } else {
            "deque.extend"
        },
        2,
    )?;
    deque_arg(&a[0], "extend")?;
    extend(&a[0], &a[1], left)?;
    Ok(none())
}

fn d_pop(a: &[PyObj], k: Option<&PyObj>, left: bool) -> PyResult<PyObj> {
    Args::new(a, k).exact(if left { "deque.popleft" } else { "deque.pop" }, 1)?;
    deque_arg(&a[0], "pop")?;
    with_state(&a[0], |s| {
        s.stamp += 1;
        if left {
            s.items.pop_front()
        } else {
            s.items.pop_back()
        }
    })
    .ok_or_else(|| index_error("pop from an empty deque"))
}

fn d_clear(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("deque.clear", 1)?;
    deque_arg(&a[0], "clear")?;
    let old = with_state(&a[0], |s| {
        s.stamp += 1;
        std::mem::take(&mut s.items)
    });
    drop(old);
    Ok(none())
}

/// A new deque of `o`'s type with `o`'s items and maxlen (CPython's
/// `deque_copy`: subclasses are called as `type(d)(d, maxlen)`).
fn copy_deque(o: &PyObj) -> PyResult<PyObj> {
    let (items, maxlen) = with_state(o, |s| (s.items.clone(), s.maxlen));
    if o.is_exact(&DEQUE_TYPE) {
        let d = alloc_deque(&DEQUE_TYPE, maxlen);
        with_state(&d, |s| s.items = items);
        return Ok(d);
    }
    let ty = o.ty().to_obj();
    match maxlen {
        None => ab::call(&ty, std::slice::from_ref(o), None),
        Some(m) => ab::call(&ty, &[o.clone(), int::from_usize(m)], None),
    }
}

fn d_copy(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("deque.copy", 1)?;
    deque_arg(&a[0], "copy")?;
    copy_deque(&a[0])
}

/// The item at `i` with the stamp it was read under, or `None` past the end.
fn item_at(o: &PyObj, i: usize) -> (Option<PyObj>, usize) {
    with_state(o, |s| (s.items.get(i).cloned(), s.stamp))
}

fn mutated() -> strand_objects::PyErr {
    exc::runtime_error("deque mutated during iteration")
}

/// The first position in `start..stop` whose item equals `x`, checking after each
/// comparison that the deque was not changed.
fn find(o: &PyObj, x: &PyObj, start: usize, stop: usize) -> PyResult<Option<usize>> {
    let stamp0 = with_state(o, |s| s.stamp);
    let mut i = start;
    while i < stop {
        let (item, stamp) = item_at(o, i);
        let Some(item) = item else { break };
        if stamp != stamp0 {
            return Err(mutated());
        }
        let eq = item.is(x) || ab::eq(&item, x)?;
        if with_state(o, |s| s.stamp) != stamp0 {
            return Err(mutated());
        }
        if eq {
            return Ok(Some(i));
        }
        i += 1;
    }
    Ok(None)
}

fn d_count(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("deque.count", 2)?;
    deque_arg(&a[0], "count")?;
    let o = &a[0];
    let stamp0 = with_state(o, |s| s.stamp);
    let (mut i, mut n) = (0, 0);
    loop {
        let (item, stamp) = item_at(o, i);
        let Some(item) = item else { break };
        if stamp != stamp0 {
            return Err(mutated());
        }
        if item.is(&a[1]) || ab::eq(&item, &a[1])? {
            n += 1;
        }
        if with_state(o, |s| s.stamp) != stamp0 {
            return Err(mutated());
        }
        i += 1;
    }
    Ok(int::from_usize(n))
}

fn d_index(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect("index", 2, 4)?;
    deque_arg(&a[0], "index")?;
    for bound in a.iter().skip(2) {
        if !int::is_int(bound) && bound.ty().slots().number.index.is_none() {
            return Err(type_error(
                "slice indices must be integers or have an __index__ method",
            ));
        }
    }
    let n = with_state(&a[0], |s| s.items.len());
    let (start, stop) = slice::search_bounds(a.get(2), a.get(3), n)?;
    match find(&a[0], &a[1], start, stop)? {
        Some(i) => Ok(int::from_usize(i)),
        None => Err(value_error(format!(
            "{} is not in deque",
            ab::repr_string(&a[1])?
        ))),
    }
}

fn d_remove(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("deque.remove", 2)?;
    deque_arg(&a[0], "remove")?;
    let n = with_state(&a[0], |s| s.items.len());
    let found = find(&a[0], &a[1], 0, n).map_err(|e| {
        if e.is_instance(&exc::RUNTIME_ERROR_TYPE) {
            index_error("deque mutated during iteration")
        } else {
            e
        }
    })?;
    match found {
        Some(i) => {
            let gone = with_state(&a[0], |s| {
                s.stamp += 1;
                s.items.remove(i)
            });
            drop(gone);
            Ok(none())
        }
        None => Err(value_error(format!(
            "{} is not in deque",
            ab::repr_string(&a[1])?
        ))),
    }
}

fn d_insert(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect("insert", 3, 3)?;
    deque_arg(&a[0], "insert")?;
    let i = int::to_isize(&ab::index(&a[1])?)?;
    with_state(&a[0], |s| {
        let n = s.items.len() as isize;
        if s.maxlen == Some(s.items.len()) {
            return Err(index_error("deque already at its maximum size"));
        }
        let j = if i < 0 { (i + n).max(0) } else { i.min(n) };
        s.stamp += 1;
        s.items.insert(j as usize, a[2].clone());
        Ok(())
    })?;
    Ok(none())
}

fn d_reverse(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("deque.reverse", 1)?;
    deque_arg(&a[0], "reverse")?;
    with_state(&a[0], |s| {
        s.stamp += 1;
        s.items.make_contiguous().reverse();
    });
    Ok(none())
}

fn d_rotate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect("rotate", 1, 2)?;
    deque_arg(&a[0], "rotate")?;
    let n = match a.get(1) {
        Some(v) => int::to_isize(&ab::index(v)?)?,
        None => 1,
    };
    with_state(&a[0], |s| {
        let len = s.items.len() as isize;
        if len <= 1 {
            return;
        }
        s.stamp += 1;
        let r = n.rem_euclid(len) as usize;
        s.items.rotate_right(r);
    });
    Ok(none())
}

fn deque_repr(o: &PyObj) -> PyResult<PyObj> {
    let name = if o.is_exact(&DEQUE_TYPE) {
        "deque".to_string()
    } else {
        o.ty().short_name().to_string()
    };
    let Some(_guard) = ab::ReprGuard::enter(o) else {
        return Ok(pystr::new("[...]"));
    };
    let (items, maxlen) = with_state(o, |s| {
        (s.items.iter().cloned().collect::<Vec<_>>(), s.maxlen)
    });
    let body = ab::repr_string(&strand_objects::list::new(items))?;
    Ok(pystr::from_string(match maxlen {
        Some(m) => format!("{name}({body}, maxlen={m})"),
        None => format!("{name}({body})"),
    }))
}

fn deque_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_deque(b) {
        return Ok(singletons::not_implemented());
    }
    let x = strand_objects::list::new(with_state(a, |s| s.items.iter().cloned().collect()));
    let y = strand_objects::list::new(with_state(b, |s| s.items.iter().cloned().collect()));
    ab::richcompare(&x, &y, op)
}

fn deque_contains(o: &PyObj, x: &PyObj) -> PyResult<bool> {
    let n = with_state(o, |s| s.items.len());
    Ok(find(o, x, 0, n)?.is_some())
}

fn deque_index_arg(key: &PyObj) -> PyResult<isize> {
    if !int::is_int(key) && key.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "sequence index must be integer, not '{}'",
            key.ty().name()
        )));
    }
    int::to_isize(&ab::index(key)?)
}

fn deque_getitem(o: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    let i = deque_index_arg(key)?;
    with_state(o, |s| {
        slice::normalize_index(i, s.items.len()).map(|j| s.items[j].clone())
    })
    .ok_or_else(|| index_error("deque index out of range"))
}

fn deque_setitem(o: &PyObj, key: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    let i = deque_index_arg(key)?;
    let gone = with_state(o, |s| {
        let j = slice::normalize_index(i, s.items.len())?;
        Some(match value {
            Some(v) => std::mem::replace(&mut s.items[j], v.clone()),
            None => {
                s.stamp += 1;
                s.items.remove(j).expect("index checked")
            }
        })
    });
    match gone {
        Some(old) => {
            drop(old);
            Ok(())
        }
        None => Err(index_error("deque index out of range")),
    }
}

fn deque_concat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !is_deque(a) {
        return Ok(singletons::not_implemented());
    }
    if !is_deque(b) {
        return Err(type_error(format!(
            "can only concatenate deque (not \"{}\") to deque",
            b.ty().name()
        )));
    }
    let out = copy_deque(a)?;
    extend(&out, b, false)?;
    Ok(out)
}

fn deque_inplace_concat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    extend(a, b, false)?;
    Ok(a.clone())
}

fn repeat_in_place(o: &PyObj, n: usize) {
    let gone = with_state(o, |s| {
        s.stamp += 1;
        if n == 0 || s.items.is_empty() {
            return std::mem::take(&mut s.items).into_iter().collect::<Vec<_>>();
        }
        let base: Vec<PyObj> = s.items.iter().cloned().collect();
        let mut gone = Vec::new();
        for _ in 1..n {
            for x in &base {
                if let Some(g) = push(s, x.clone(), false) {
                    gone.push(g);
                }
            }
            if s.maxlen.is_some_and(|m| gone.len() > m + base.len()) {
                // Everything older has fallen off already; the rest is periodic.
                break;
            }
        }
        gone
    });
    drop(gone);
}

fn deque_repeat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let (d, n) = if is_deque(a) { (a, b) } else { (b, a) };
    let Some(n) = ab::repeat_count(n)? else {
        return Ok(singletons::not_implemented());
    };
    let out = copy_deque(d)?;
    repeat_in_place(&out, n);
    Ok(out)
}

fn deque_inplace_repeat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let Some(n) = ab::repeat_count(b)? else {
        return Ok(singletons::not_implemented());
    };
    repeat_in_place(a, n);
    Ok(a.clone())
}

fn d_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    let o = &a[0];
    let maxlen = with_state(o, |s| s.maxlen);
    let args = match maxlen {
        None => tuple::empty(),
        Some(m) => tuple::pair(tuple::empty(), int::from_usize(m)),
    };
    let state = managed::get_dict(o).unwrap_or_else(none);
    Ok(tuple::from_vec(vec![
        o.ty().to_obj(),
        args,
        state,
        new_deque_iter(o, false),
    ]))
}

fn deque_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("append", |a, k| d_append(a, k, false)),
        MethodDef::new("appendleft", |a, k| d_append(a, k, true)),
        MethodDef::new("extend", |a, k| d_extend(a, k, false)),
        MethodDef::new("extendleft", |a, k| d_extend(a, k, true)),
        MethodDef::new("pop", |a, k| d_pop(a, k, false)),
        MethodDef::new("popleft", |a, k| d_pop(a, k, true)),
        MethodDef::new("clear", d_clear),
        MethodDef::new("copy", d_copy),
        MethodDef::new("__copy__", d_copy),
        MethodDef::new("count", d_count),
        MethodDef::new("index", d_index),
        MethodDef::new("insert", d_insert),
        MethodDef::new("remove", d_remove),
        MethodDef::new("reverse", d_reverse),
        MethodDef::new("rotate", d_rotate),
        MethodDef::new("__reduce__", d_reduce),
        MethodDef::new("__reversed__", |a, k| {
            Args::new(a, k).exact("__reversed__", 1)?;
            deque_arg(&a[0], "__reversed__")?;
            Ok(new_deque_iter(&a[0], true))
        }),
        MethodDef::class("__class_getitem__", |a, k| {
            Args::new(a, k).exact("__class_getitem__", 2)?;
            Ok(strand_objects::genericalias::new_generic_alias(
                a[0].clone(),
                a[1].clone(),
            ))
        }),
    ]
}

// ---------------------------------------------------------------------------------
// Deque iterators
// ---------------------------------------------------------------------------------

/// The layout of both deque iterators.
#[repr(C)]
pub struct PyDequeIter {
    header: ObjectHeader,
    deque: Fields<PyObj>,
    /// Items already produced.
    index: AtomicUsize,
    /// The deque's stamp when the iterator was made.
    stamp: usize,
    /// -1 while running, otherwise done.
    done: AtomicIsize,
}

unsafe fn dequeiter_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyDequeIter; world stopped.
    let it = unsafe { &*(obj.as_ptr() as *const PyDequeIter) };
    if let Some(d) = it.deque.get() {
        visit(d.as_ptr());
    }
}

unsafe fn dequeiter_clear(obj: ObjPtr) {
    // SAFETY: installed on PyDequeIter; unreachable when the collector clears it.
    let it = unsafe { &*(obj.as_ptr() as *const PyDequeIter) };
    // SAFETY: as above.
    drop(unsafe { it.deque.take() });
}

unsafe fn dequeiter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PyDequeIter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).deque));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

macro_rules! deque_iter_type {
    ($(#[$m:meta])* $ident:ident, $name:literal, $reverse:expr) => {
        strand_objects::builtin_type! {
            $(#[$m])*
            pub static $ident = {
                name: $name,
                layout: PyDequeIter,
                itemsize: 0,
                kind: HeapKind::Gc,
                flags: TypeFlags::empty(),
                traverse: Some(dequeiter_traverse),
                clear: Some(dequeiter_clear),
                dealloc: dequeiter_dealloc,
                size: None,
                slots: Slots {
                    iter: Some(|o| Ok(o.clone())),
                    iternext: Some(|o| dequeiter_next(o, $reverse)),
                    new: Some(|cls, a, k| dequeiter_new(cls, a, k, $reverse)),
                    ..Slots::EMPTY
                },
            }
        }
    };
}

deque_iter_type!(
    /// `_collections._deque_iterator`.
    DEQUE_ITER_TYPE,
    "_collections._deque_iterator",
    false
);
deque_iter_type!(
    /// `_collections._deque_reverse_iterator`.
    DEQUE_REVITER_TYPE,
    "_collections._deque_reverse_iterator",
    true
);

fn new_deque_iter(d: &PyObj, reverse: bool) -> PyObj {
    let ty = if reverse {
        &DEQUE_REVITER_TYPE
    } else {
        &DEQUE_ITER_TYPE
    };
    let stamp = with_state(d, |s| s.stamp);
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyDequeIter layout, written before it is
    // finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyDequeIter;
        std::ptr::addr_of_mut!((*p).deque).write(Fields::new(d.clone()));
        std::ptr::addr_of_mut!((*p).index).write(AtomicUsize::new(0));
        std::ptr::addr_of_mut!((*p).stamp).write(stamp);
        std::ptr::addr_of_mut!((*p).done).write(AtomicIsize::new(-1));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn dequeiter_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>, reverse: bool) -> PyResult<PyObj> {
    let name = if reverse {
        "_deque_reverse_iterator"
    } else {
        "_deque_iterator"
    };
    Args::new(a, k).expect_fn(name, 1, 2)?;
    if !is_deque(&a[0]) {
        return Err(type_error(format!(
            "{name}() argument 1 must be collections.deque, not {}",
            a[0].ty().name()
        )));
    }
    let it = new_deque_iter(&a[0], reverse);
    if let Some(n) = a.get(1) {
        let n = int::to_isize(&ab::index(n)?)?.max(0) as usize;
        for _ in 0..n {
            if dequeiter_next(&it, reverse)?.is_none() {
                break;
            }
        }
    }
    Ok(it)
}

fn iter_payload(o: &PyObj) -> &PyDequeIter {
    // SAFETY: installed on the two deque iterator types only.
    unsafe { o.payload_unchecked::<PyDequeIter>() }
}

fn dequeiter_next(o: &PyObj, reverse: bool) -> PyResult<Option<PyObj>> {
    let it = iter_payload(o);
    if it.done.load(Relaxed) >= 0 {
        return Ok(None);
    }
    let Some(d) = it.deque.get() else {
        return Ok(None);
    };
    let i = it.index.fetch_add(1, Relaxed);
    let r = with_state(d, |s| {
        if s.stamp != it.stamp {
            return Err(());
        }
        let n = s.items.len();
        Ok(if i >= n {
            None
        } else if reverse {
            Some(s.items[n - 1 - i].clone())
        } else {
            Some(s.items[i].clone())
        })
    });
    match r {
        Err(()) => Err(mutated()),
        Ok(None) => {
            it.done.store(0, Relaxed);
            Ok(None)
        }
        Ok(x) => Ok(x),
    }
}

fn dequeiter_length_hint(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__length_hint__", 1)?;
    let it = iter_payload(&a[0]);
    let n = match (it.deque.get(), it.done.load(Relaxed)) {
        (Some(d), -1) => with_state(d, |s| s.items.len()).saturating_sub(it.index.load(Relaxed)),
        _ => 0,
    };
    Ok(int::from_usize(n))
}

fn dequeiter_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    let it = iter_payload(&a[0]);
    let d = it.deque.get().cloned().unwrap_or_else(none);
    Ok(tuple::pair(
        a[0].ty().to_obj(),
        tuple::pair(d, int::from_usize(it.index.load(Relaxed))),
    ))
}

// ---------------------------------------------------------------------------------
// defaultdict
// ---------------------------------------------------------------------------------

/// The layout of `collections.defaultdict`: a dict, then the factory.
#[repr(C)]
pub struct PyDefaultDict {
    dict: dict::PyDict,
    factory: Mutex<Option<PyObj>>,
}

unsafe fn dd_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on defaultdicts; world stopped.
    let d = unsafe { &*(obj.as_ptr() as *const PyDefaultDict) };
    if let Ok(g) = d.factory.try_lock() {
        if let Some(f) = &*g {
            visit(f.as_ptr());
        }
    }
    if let Some(tr) = dict::DICT_TYPE.vtable.traverse {
        // SAFETY: the dict part is a dict.
        unsafe { tr(obj, visit) };
    }
}

unsafe fn dd_clear(obj: ObjPtr) {
    // SAFETY: installed on defaultdicts; the collector keeps it alive.
    let d = unsafe { &*(obj.as_ptr() as *const PyDefaultDict) };
    let f = modsupport::lock(&d.factory).take();
    drop(f);
    if let Some(cl) = dict::DICT_TYPE.vtable.clear {
        // SAFETY: the dict part is a dict.
        unsafe { cl(obj) };
    }
}

unsafe fn dd_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the factory was initialised by `dd_new`, and
    // dict's dealloc frees the dict part and the memory.
    unsafe {
        let p = obj.as_ptr() as *mut PyDefaultDict;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).factory));
        (dict::DICT_TYPE.vtable.dealloc)(obj);
    }
}

strand_objects::builtin_type! {
    /// `collections.defaultdict`.
    pub static DEFAULTDICT_TYPE = {
        name: "collections.defaultdict",
        layout: PyDefaultDict,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::DICT_SUBCLASS),
        traverse: Some(dd_traverse),
        clear: Some(dd_clear),
        dealloc: dd_dealloc,
        size: None,
        slots: Slots {
            new: Some(dd_new),
            init: Some(dd_init),
            repr: Some(dd_repr),
            number: NumberSlots {
                or: Some(dd_or),
                inplace_or: Some(dd_ior),
                ..NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

fn dd_payload(o: &PyObj) -> PyResult<&PyDefaultDict> {
    if !o.is_instance_of(&DEFAULTDICT_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a 'collections.defaultdict' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a defaultdict (or a subclass, which extends the layout).
    Ok(unsafe { o.payload_unchecked::<PyDefaultDict>() })
}

fn factory_of(o: &PyObj) -> PyResult<Option<PyObj>> {
    Ok(modsupport::lock(&dd_payload(o)?.factory).clone())
}

fn dd_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let new = dict::DICT_TYPE
        .slots()
        .new
        .ok_or_else(|| type_error("dict has no __new__"))?;
    let obj = new(cls, a, k)?;
    // SAFETY: dict's __new__ allocated `cls`'s basic size, which for defaultdict and
    // its subclasses covers the factory field; it is written before anything can
    // read it (no safe point since the allocation).
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyDefaultDict;
        std::ptr::addr_of_mut!((*p).factory).write(Mutex::new(None));
    }
    Ok(obj)
}

fn dd_init(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<()> {
    let args = Args::new(a, k);
    let pos = args.positionals();
    let (factory, rest) = match pos.split_first() {
        Some((f, rest)) => (Some(f), rest),
        None => (None, pos),
    };
    let factory = match factory {
        Some(f) if singletons::is_none(f) => None,
        Some(f) if f.ty().slots().call.is_none() => {
            return Err(type_error("first argument must be callable or None"))
        }
        f => f.cloned(),
    };
    let old = std::mem::replace(&mut *modsupport::lock(&dd_payload(o)?.factory), factory);
    drop(old);
    let mut all: Vec<PyObj> = rest.to_vec();
    all.extend_from_slice(&a[args.nargs()..]);
    let init = dict::DICT_TYPE
        .slots()
        .init
        .ok_or_else(|| type_error("dict has no __init__"))?;
    init(o, &all, k)
}

fn dd_missing(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__missing__", 2)?;
    let Some(f) = factory_of(&a[0])? else {
        return Err(exc::key_error(a[1].clone()));
    };
    let v = ab::call(&f, &[], None)?;
    ab::setitem(&a[0], &a[1], &v)?;
    Ok(v)
}

fn dd_repr(o: &PyObj) -> PyResult<PyObj> {
    let base = {
        let r = dict::DICT_TYPE
            .slots()
            .repr
            .ok_or_else(|| type_error("dict has no __repr__"))?;
        r(o)?
    };
    let f = factory_of(o)?;
    let frepr = match f {
        None => "None".to_string(),
        Some(f) => match ab::ReprGuard::enter(&f) {
            None => "...".to_string(),
            Some(_g) => ab::repr_string(&f)?,
        },
    };
    Ok(pystr::from_string(format!(
        "{}({frepr}, {})",
        o.ty().short_name(),
        pystr::as_str(&base)
    )))
}

fn dd_copy_of(o: &PyObj) -> PyResult<PyObj> {
    let f = factory_of(o)?.unwrap_or_else(none);
    ab::call(&o.ty().to_obj(), &[f, o.clone()], None)
}

fn dd_copy(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("deque.copy", 1)?;
    dd_copy_of(&a[0])
}

fn dd_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    let args = match factory_of(&a[0])? {
        None => tuple::empty(),
        Some(f) => tuple::from_vec(vec![f]),
    };
    let items = ab::call_method(&a[0], "items", &[])?;
    Ok(tuple::from_vec(vec![
        a[0].ty().to_obj(),
        args,
        none(),
        none(),
        ab::iter(&items)?,
    ]))
}

fn dd_or(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let (this, other, left) = if a.is_instance_of(&DEFAULTDICT_TYPE) {
        (a, b, true)
    } else {
        (b, a, false)
    };
    if !dict::is_dict(other) {
        return Ok(singletons::not_implemented());
    }
    let out = dd_copy_of(this)?;
    if left {
        dict::update(&out, other)?;
    } else {
        // `dict | defaultdict`: the dict's items first, then the defaultdict's.
        let mine = dict::items(this);
        dict::clear(&out);
        dict::update(&out, other)?;
        for (key, v) in mine {
            dict::set_item(&out, key, v)?;
        }
    }
    Ok(out)
}

fn dd_ior(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    dict::update(a, b)?;
    Ok(a.clone())
}

fn dd_getsets() -> Vec<GetSetDef> {
    vec![GetSetDef::new(
        "default_factory",
        |o| Ok(factory_of(o)?.unwrap_or_else(none)),
        Some(|o, v| {
            let v = v.filter(|v| !singletons::is_none(v)).cloned();
            let old = std::mem::replace(&mut *modsupport::lock(&dd_payload(o)?.factory), v);
            drop(old);
            Ok(())
        }),
    )]
}

// ---------------------------------------------------------------------------------
// _count_elements, _tuplegetter
// ---------------------------------------------------------------------------------

fn count_elements(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("_count_elements", 2, 2)?;
    let (mapping, it) = (&a[0], ab::iter(&a[1])?);
    let one = int::from_i64(1);
    let zero = int::from_i64(0);
    let exact_dict = mapping.is_exact(&dict::DICT_TYPE);
    let get = if exact_dict {
        None
    } else {
        Some(ab::getattr_str(mapping, "get")?)
    };
    while let Some(x) = ab::next(&it)? {
        let cur = match &get {
            None => dict::get_item(mapping, &x)?.unwrap_or_else(|| zero.clone()),
            Some(g) => ab::call(g, &[x.clone(), zero.clone()], None)?,
        };
        let new = ab::binary_op(&cur, &one, ab::BinOp::Add)?;
        ab::setitem(mapping, &x, &new)?;
    }
    Ok(none())
}

/// The layout of `_collections._tuplegetter`.
#[repr(C)]
pub struct PyTupleGetter {
    header: ObjectHeader,
    index: usize,
    doc: Mutex<PyObj>,
}

unsafe fn tg_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on tuple getters; world stopped.
    let t = unsafe { &*(obj.as_ptr() as *const PyTupleGetter) };
    if let Ok(d) = t.doc.try_lock() {
        visit(d.as_ptr());
    }
}

unsafe fn tg_clear(obj: ObjPtr) {
    // SAFETY: installed on tuple getters; the collector keeps it alive.
    let t = unsafe { &*(obj.as_ptr() as *const PyTupleGetter) };
    let old = std::mem::replace(&mut *modsupport::lock(&t.doc), none());
    drop(old);
}

unsafe fn tg_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PyTupleGetter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).doc));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_collections._tuplegetter`.
    pub static TUPLEGETTER_TYPE = {
        name: "_collections._tuplegetter",
        layout: PyTupleGetter,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(tg_traverse),
        clear: Some(tg_clear),
        dealloc: tg_dealloc,
        size: None,
        slots: Slots {
            new: Some(tg_new),
            descr_get: Some(tg_get),
            descr_set: Some(|_, _, v| Err(exc::attribute_error(if v.is_some() {
                "can't set attribute"
            } else {
                "can't delete attribute"
            }))),
            repr: Some(|o| {
                let t = tg(o);
                let doc = modsupport::lock(&t.doc).clone();
                Ok(pystr::from_string(format!(
                    "{}({}, {})",
                    o.ty().short_name(),
                    t.index,
                    ab::repr_string(&doc)?
                )))
            }),
            ..Slots::EMPTY
        },
    }
}

fn tg(o: &PyObj) -> &PyTupleGetter {
    // SAFETY: installed on TUPLEGETTER_TYPE only (not subclassable).
    unsafe { o.payload_unchecked::<PyTupleGetter>() }
}

fn tg_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let _ = cls;
    Args::new(a, k).expect_fn("_tuplegetter", 2, 2)?;
    let index = int::to_isize(&ab::index(&a[0])?)?;
    let ty = &TUPLEGETTER_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyTupleGetter layout, written before it is
    // finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyTupleGetter;
        std::ptr::addr_of_mut!((*p).index).write(index.max(0) as usize);
        std::ptr::addr_of_mut!((*p).doc).write(Mutex::new(a[1].clone()));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn tg_get(o: &PyObj, obj: Option<&PyObj>, _owner: &PyObj) -> PyResult<PyObj> {
    let t = tg(o);
    let Some(obj) = obj.filter(|x| !singletons::is_none(x)) else {
        return Ok(o.clone());
    };
    if !tuple::is_tuple(obj) {
        return Err(type_error(format!(
            "descriptor for index '{}' for tuple subclasses doesn't apply to '{}' object",
            t.index,
            obj.ty().name()
        )));
    }
    tuple::items(obj)
        .get(t.index)
        .cloned()
        .ok_or_else(|| index_error("tuple index out of range"))
}

// ---------------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------------

/// The `_collections` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        DEQUE_TYPE.ready_static(
            Some(object),
            &deque_methods(),
            &[GetSetDef::new(
                "maxlen",
                |o| {
                    deque_arg(o, "maxlen")?;
                    Ok(with_state(o, |s| s.maxlen).map_or_else(none, int::from_usize))
                },
                None,
            )],
        );
        let iter_methods = [
            MethodDef::new("__length_hint__", dequeiter_length_hint),
            MethodDef::new("__reduce__", dequeiter_reduce),
        ];
        DEQUE_ITER_TYPE.ready_static(Some(object), &iter_methods, &[]);
        DEQUE_REVITER_TYPE.ready_static(Some(object), &iter_methods, &[]);
        DEFAULTDICT_TYPE.ready_static(
            Some(&dict::DICT_TYPE),
            &[
                MethodDef::new("__missing__", dd_missing),
                MethodDef::new("copy", dd_copy),
                MethodDef::new("__copy__", dd_copy),
                MethodDef::new("__reduce__", dd_reduce),
                MethodDef::class("__class_getitem__", |a, k| {
                    Args::new(a, k).exact("__class_getitem__", 2)?;
                    Ok(strand_objects::genericalias::new_generic_alias(
                        a[0].clone(),
                        a[1].clone(),
                    ))
                }),
            ],
            &dd_getsets(),
        );
        TUPLEGETTER_TYPE.ready_static(
            Some(object),
            &[MethodDef::new("__reduce__", |a, k| {
                Args::new(a, k).exact("__reduce__", 1)?;
                let t = tg(&a[0]);
                let doc = modsupport::lock(&t.doc).clone();
                Ok(tuple::pair(
                    a[0].ty().to_obj(),
                    tuple::pair(int::from_usize(t.index), doc),
                ))
            })],
            &[GetSetDef::new(
                "__doc__",
                |o| Ok(modsupport::lock(&tg(o).doc).clone()),
                Some(|o, v| {
                    let old = std::mem::replace(
                        &mut *modsupport::lock(&tg(o).doc),
                        v.cloned().unwrap_or_else(none),
                    );
                    drop(old);
                    Ok(())
                }),
            )],
        );
    });
    let m = module::new_native_module("_collections");
    add_functions(&m, "_collections", &[("_count_elements", count_elements)]);
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "deque", DEQUE_TYPE.to_obj());
    dict::set_item_str(&d, "defaultdict", DEFAULTDICT_TYPE.to_obj());
    dict::set_item_str(&d, "_deque_iterator", DEQUE_ITER_TYPE.to_obj());
    dict::set_item_str(&d, "_deque_reverse_iterator", DEQUE_REVITER_TYPE.to_obj());
    dict::set_item_str(&d, "_tuplegetter", TUPLEGETTER_TYPE.to_obj());
    m
}
