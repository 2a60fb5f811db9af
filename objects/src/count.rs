//! `itertools.count(start=0, step=1)`, safe to share between threads: each value is
//! handed out once, so `next(counter)` gives unique ids to many threads at once
//! (Modules/itertoolsmodule.c; CPython 3.14t makes the same guarantee with an atomic
//! compare-and-swap in `count_next`).
//!
//! Two modes, as in CPython:
//!
//! * **fast**, while `start` and `step` are ints and every value so far fits an `i64`:
//!   the next value lives in an atomic word and a thread claims it with one
//!   compare-and-swap; the first value whose successor would overflow switches the
//!   iterator to slow mode (no thread can move the word past it meanwhile, since its
//!   successor cannot be computed in a word);
//! * **slow**, for floats, big ints, other number types and what follows an
//!   overflow: the current value and the step are objects, and `value + step` (which
//!   may run a user `__add__`) is computed under the iterator's critical section, so
//!   threads take turns.
//!
//! The type lives here, beside the built-in iterators, so that the interpreter's
//! `itertools` module can expose it.

use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicBool, AtomicI64};

use parking_lot::Mutex;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::args::Args;
use crate::exceptions::type_error;
use crate::object::PyObj;
use crate::typeobj::{PyType, Slots, TypeFlags};
use crate::PyResult;

/// The layout of `itertools.count`.
#[repr(C)]
pub struct PyCount {
    header: ObjectHeader,
    /// Set once the iterator is in slow mode (never cleared).
    slow: AtomicBool,
    /// Fast mode: the next value.
    next: AtomicI64,
    /// Fast mode: the step.
    step: i64,
    /// Slow mode: `(next value, step)`; written only under the iterator's critical
    /// section, read under this lock (never held across user code).
    objs: Mutex<Option<(PyObj, PyObj)>>,
}

unsafe fn count_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on counts only.
    let c = unsafe { &*(obj.as_ptr() as *const PyCount) };
    if let Some(g) = c.objs.try_lock() {
        if let Some((v, s)) = &*g {
            visit(v.as_ptr());
            visit(s.as_ptr());
        }
    }
}

unsafe fn count_clear(obj: ObjPtr) {
    // SAFETY: installed on counts; the collector holds a reference.
    let c = unsafe { &*(obj.as_ptr() as *const PyCount) };
    let taken = c.objs.lock().take();
    drop(taken);
}

unsafe fn count_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; every field is initialised.
    unsafe {
        let p = obj.as_ptr() as *mut PyCount;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).objs));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `itertools.count`.
    pub static COUNT_TYPE = {
        name: "itertools.count",
        layout: PyCount,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(count_traverse),
        clear: Some(count_clear),
        dealloc: count_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(count_next),
            repr: Some(count_repr),
            new: Some(count_new),
            ..Slots::EMPTY
        },
    }
}

fn payload(obj: &PyObj) -> &PyCount {
    // SAFETY: the slots of COUNT_TYPE are installed on counts and their subclasses,
    // which extend the layout.
    unsafe { obj.payload_unchecked::<PyCount>() }
}

/// What CPython's `PyNumber_Check` accepts.
fn is_number(x: &PyObj) -> bool {
    let n = &x.ty().slots().number;
    n.index.is_some()
        || n.int.is_some()
        || n.float.is_some()
        || x.is_instance_of(&crate::complex::COMPLEX_TYPE)
}

fn count_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "count.__new__(X)")?;
    let a = Args::new(args, kwnames);
    for (k, _) in a.kwargs() {
        if k != "start" && k != "step" {
            return Err(type_error(format!(
                "'{k}' is an invalid keyword argument for count()"
            )));
        }
    }
    let b = a.bind("count", 0, &["start", "step"], 0)?;
    let start = b[0].cloned().unwrap_or_else(|| crate::int::from_i64(0));
    let step = b[1].cloned().unwrap_or_else(|| crate::int::from_i64(1));
    if !is_number(&start) || !is_number(&step) {
        return Err(type_error("a number is required"));
    }
    Ok(new_count(ty, start, step))
}

/// A new `count` of type `ty` (`itertools.count` or a subclass) from `start` by
/// `step`, both numbers.
pub fn new_count(ty: &PyType, start: PyObj, step: PyObj) -> PyObj {
    let fast = if crate::int::is_int(&start) && crate::int::is_int(&step) {
        crate::int::as_i64(&start).zip(crate::int::as_i64(&step))
    } else {
        None
    };
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the PyCount layout; every field written.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyCount;
        let (s, st) = fast.unwrap_or((0, 0));
        std::ptr::addr_of_mut!((*p).slow).write(AtomicBool::new(fast.is_none()));
        std::ptr::addr_of_mut!((*p).next).write(AtomicI64::new(s));
        std::ptr::addr_of_mut!((*p).step).write(st);
        std::ptr::addr_of_mut!((*p).objs)
            .write(Mutex::new(fast.is_none().then_some((start, step))));
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn count_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let c = payload(obj);
    if !c.slow.load(Acquire) {
        let mut v = c.next.load(Relaxed);
        while let Some(n) = v.checked_add(c.step) {
            match c.next.compare_exchange_weak(v, n, Relaxed, Relaxed) {
                Ok(_) => return Ok(Some(crate::int::from_i64(v))),
                Err(now) => v = now,
            }
        }
    }
    // Slow mode (or the switch to it): one thread at a time.
    // SAFETY: `obj` outlives the section (the caller holds it).
    let _cs = unsafe { strand_heap::critical_section::begin(obj.as_ptr()) };
    if !c.slow.load(Acquire) {
        // The word is stuck at the value whose successor overflows: go on from it
        // with objects.
        let v = c.next.load(Relaxed);
        *c.objs.lock() = Some((crate::int::from_i64(v), crate::int::from_i64(c.step)));
        c.slow.store(true, Release);
    }
    let (v, step) = c.objs.lock().clone().expect("slow mode has objects");
    let n = ab::binary_op(&v, &step, ab::BinOp::Add)?;
    *c.objs.lock() = Some((n, step));
    Ok(Some(v))
}

/// The next value and the step, as objects.
fn state(c: &PyCount) -> (PyObj, PyObj) {
    if !c.slow.load(Acquire) {
        return (
            crate::int::from_i64(c.next.load(Relaxed)),
            crate::int::from_i64(c.step),
        );
    }
    c.objs.lock().clone().expect("slow mode has objects")
}

fn count_repr(obj: &PyObj) -> PyResult<PyObj> {
    let (v, step) = state(payload(obj));
    let name = obj.ty().short_name().to_string();
    let step_is_one = crate::int::is_int(&step) && crate::int::as_i64(&step) == Some(1);
    let text = if step_is_one {
        format!("{name}({})", ab::repr_string(&v)?)
    } else {
        format!(
            "{name}({}, {})",
            ab::repr_string(&v)?,
            ab::repr_string(&step)?
        )
    };
    Ok(crate::str::from_string(text))
}
