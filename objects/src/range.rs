//! `range` and its iterators (Objects/rangeobject.c). A range stores `start`, `stop`,
//! `step` and its length as ints of any size; ranges whose values fit an `i64` iterate
//! through `range_iterator` with machine arithmetic, others through
//! `longrange_iterator` with big integers.

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};
use parking_lot::Mutex;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::args::Args;
use crate::exceptions::{index_error, overflow_error, type_error, value_error};
use crate::object::{PyObj, PyPayload};
use crate::singletons::{bool_obj, none, not_implemented};
use crate::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use crate::PyResult;

/// The layout of a `range`.
#[repr(C)]
pub struct PyRange {
    header: ObjectHeader,
    start: PyObj,
    stop: PyObj,
    step: PyObj,
    length: PyObj,
}

// SAFETY: repr(C), header first; range is final.
unsafe impl PyPayload for PyRange {
    fn type_object() -> &'static PyType {
        &RANGE_TYPE
    }
}

unsafe fn range_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; fields initialised.
    unsafe {
        let p = obj.as_ptr() as *mut PyRange;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).start));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).stop));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).step));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).length));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// The `range` type.
    pub static RANGE_TYPE = {
        name: "range",
        layout: PyRange,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: range_dealloc,
        size: None,
        slots: Slots {
            repr: Some(range_repr),
            hash: Some(range_hash),
            richcompare: Some(range_richcompare),
            iter: Some(range_iter),
            new: Some(range_new),
            bool: Some(|r| Ok(!big(&payload(r).length).is_zero())),
            len: Some(range_len),
            contains: Some(range_contains),
            getitem: Some(range_getitem),
            ..Slots::EMPTY
        },
    }
}

fn payload(obj: &PyObj) -> &PyRange {
    // SAFETY: the slots of this module are installed on ranges only.
    unsafe { obj.payload_unchecked::<PyRange>() }
}

fn big(obj: &PyObj) -> BigInt {
    crate::int::to_bigint(obj)
}

fn compute_length(start: &BigInt, stop: &BigInt, step: &BigInt) -> BigInt {
    let one = BigInt::one();
    if step.is_positive() {
        if start < stop {
            (stop - start - &one) / step + one
        } else {
            BigInt::zero()
        }
    } else if start > stop {
        (start - stop - &one) / (-step) + one
    } else {
        BigInt::zero()
    }
}

/// The length of a range of machine-word bounds (CPython's `get_len_of_range`),
/// computed in 128 bits so that no operand overflows; `step` must be non-zero.
fn small_length(start: i64, stop: i64, step: i64) -> i128 {
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    if step == 1 {
        (stop - start).max(0)
    } else if step > 0 && start < stop {
        (stop - start - 1) / step + 1
    } else if step < 0 && start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    }
}

/// A new range (`step` must be non-zero).
pub fn new(start: BigInt, stop: BigInt, step: BigInt) -> PyObj {
    debug_assert!(!step.is_zero());
    let length = compute_length(&start, &stop, &step);
    alloc_range(
        crate::int::from_bigint(start),
        crate::int::from_bigint(stop),
        crate::int::from_bigint(step),
        crate::int::from_bigint(length),
    )
}

/// A new range of machine-word bounds (`step` must be non-zero): the same object as
/// [`new`] makes, without big-integer arithmetic.
fn new_small(start: i64, stop: i64, step: i64) -> PyObj {
    debug_assert!(step != 0);
    let length = small_length(start, stop, step);
    let length = match i64::try_from(length) {
        Ok(n) => crate::int::from_i64(n),
        Err(_) => crate::int::from_bigint(BigInt::from(length)),
    };
    alloc_range(
        crate::int::from_i64(start),
        crate::int::from_i64(stop),
        crate::int::from_i64(step),
        length,
    )
}

/// Allocates a range from its four ints.
fn alloc_range(start: PyObj, stop: PyObj, step: PyObj, length: PyObj) -> PyObj {
    let ty = &RANGE_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the range layout; every field written.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyRange;
        std::ptr::addr_of_mut!((*p).start).write(start);
        std::ptr::addr_of_mut!((*p).stop).write(stop);
        std::ptr::addr_of_mut!((*p).step).write(step);
        std::ptr::addr_of_mut!((*p).length).write(length);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn range_new(_cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kwnames);
    a.no_kwargs("range")?;
    let p = a.positionals();
    // Ints that fit a machine word (the common case) take no big-integer arithmetic.
    let small = |o: &PyObj| {
        crate::int::is_int(o)
            .then(|| crate::int::as_i64(o))
            .flatten()
    };
    let parts = match p {
        [stop] => small(stop).map(|stop| (0, stop, 1)),
        [start, stop] => small(start).zip(small(stop)).map(|(a, b)| (a, b, 1)),
        [start, stop, step] => small(start)
            .zip(small(stop))
            .zip(small(step))
            .map(|((a, b), c)| (a, b, c)),
        _ => None,
    };
    if let Some((start, stop, step)) = parts.filter(|&(_, _, step)| step != 0) {
        return Ok(new_small(start, stop, step));
    }
    let int_of = |o: &PyObj| -> PyResult<BigInt> { Ok(big(&ab::index(o)?)) };
    let (start, stop, step) = match p.len() {
        0 => return Err(type_error("range expected at least 1 argument, got 0")),
        1 => (BigInt::zero(), int_of(&p[0])?, BigInt::one()),
        2 => (int_of(&p[0])?, int_of(&p[1])?, BigInt::one()),
        3 => (int_of(&p[0])?, int_of(&p[1])?, int_of(&p[2])?),
        n => {
            return Err(type_error(format!(
                "range expected at most 3 arguments, got {n}"
            )))
        }
    };
    if step.is_zero() {
        return Err(value_error("range() arg 3 must not be zero"));
    }
    Ok(new(start, stop, step))
}

fn range_repr(obj: &PyObj) -> PyResult<PyObj> {
    let r = payload(obj);
    let s = if crate::int::as_i64(&r.step) == Some(1) {
        format!(
            "range({}, {})",
            ab::repr_string(&r.start)?,
            ab::repr_string(&r.stop)?
        )
    } else {
        format!(
            "range({}, {}, {})",
            ab::repr_string(&r.start)?,
            ab::repr_string(&r.stop)?,
            ab::repr_string(&r.step)?
        )
    };
    Ok(crate::str::from_string(s))
}

fn range_len(obj: &PyObj) -> PyResult<usize> {
    if let Some(n) = crate::int::as_i64(&payload(obj).length) {
        // A length is never negative.
        return Ok(n as usize);
    }
    let n = big(&payload(obj).length);
    n.to_usize()
        .filter(|n| *n <= isize::MAX as usize)
        .ok_or_else(|| overflow_error("Python int too large to convert to C ssize_t"))
}

/// The `i`-th element (`0 <= i < len`).
fn item(r: &PyRange, i: &BigInt) -> BigInt {
    big(&r.start) + i * big(&r.step)
}

fn range_getitem(obj: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    let r = payload(obj);
    if let Some(slice) = key.downcast::<crate::slice::PySlice>() {
        let (s0, s1, sstep) = slice.long_bounds(&big(&r.length))?;
        return Ok(new(item(r, &s0), item(r, &s1), big(&r.step) * sstep));
    }
    if !crate::int::is_int(key) && key.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "range indices must be integers or slices, not {}",
            key.ty().name()
        )));
    }
    let mut i = big(&ab::index(key)?);
    let len = big(&r.length);
    if i.is_negative() {
        i += &len;
    }
    if i.is_negative() || i >= len {
        return Err(index_error("range object index out of range"));
    }
    Ok(crate::int::from_bigint(item(r, &i)))
}

/// `Some(index)` of `v` in the range when `v` is an int in it.
fn int_position(r: &PyRange, v: &BigInt) -> Option<BigInt> {
    let (start, stop, step) = (big(&r.start), big(&r.stop), big(&r.step));
    let inside = if step.is_positive() {
        &start <= v && v < &stop
    } else {
        &stop < v && v <= &start
    };
    if !inside {
        return None;
    }
    let off = v - &start;
    if (&off % &step).is_zero() {
        Some(off / step)
    } else {
        None
    }
}

fn is_exact_int_like(v: &PyObj) -> bool {
    v.is_exact(&crate::int::INT_TYPE) || v.is_exact(&crate::int::BOOL_TYPE)
}

fn range_contains(obj: &PyObj, v: &PyObj) -> PyResult<bool> {
    let r = payload(obj);
    if is_exact_int_like(v) {
        return Ok(int_position(r, &big(v)).is_some());
    }
    let it = range_iter(obj)?;
    while let Some(x) = ab::next(&it)? {
        if ab::eq(&x, v)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn range_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !b.is_exact(&RANGE_TYPE) || !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(not_implemented());
    }
    let (ra, rb) = (payload(a), payload(b));
    let eq = a.is(b) || {
        let (la, lb) = (big(&ra.length), big(&rb.length));
        la == lb
            && (la.is_zero()
                || (big(&ra.start) == big(&rb.start)
                    && (la.is_one() || big(&ra.step) == big(&rb.step))))
    };
    Ok(bool_obj(eq == (op == CompareOp::Eq)))
}

fn range_hash(obj: &PyObj) -> PyResult<isize> {
    let r = payload(obj);
    let len = big(&r.length);
    let t = if len.is_zero() {
        crate::tuple::from_vec(vec![r.length.clone(), none(), none()])
    } else if len.is_one() {
        crate::tuple::from_vec(vec![r.length.clone(), r.start.clone(), none()])
    } else {
        crate::tuple::from_vec(vec![r.length.clone(), r.start.clone(), r.step.clone()])
    };
    ab::hash(&t)
}

// ---------------------------------------------------------------------------------
// Iterators
// ---------------------------------------------------------------------------------

/// The layout of `range_iterator`: machine-word state. Threads sharing one iterator
/// claim indices with a compare-and-swap on `index`, so each value is produced once and
/// none past the end (CPython 3.14's free-threaded `rangeiter_next` makes the same
/// guarantee).
#[repr(C)]
pub struct PyRangeIter {
    header: ObjectHeader,
    start: i64,
    step: i64,
    len: u64,
    /// Values produced so far (claimed by a successful compare-and-swap).
    index: AtomicU64,
}

/// The layout of `longrange_iterator`: big-integer state.
#[repr(C)]
pub struct PyLongRangeIter {
    header: ObjectHeader,
    state: Mutex<LongRangeState>,
}

/// What a `longrange_iterator` holds (CPython's `longrangeiterobject`): it produces
/// `start + index * step` while `index < len`. `index` is an object, not a number,
/// because `__setstate__` stores whatever it is given once clipped, as CPython's does.
struct LongRangeState {
    start: BigInt,
    step: BigInt,
    len: BigInt,
    index: PyObj,
}

unsafe fn rangeiter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero; no owned fields.
    unsafe { crate::heaptype::dealloc_instance_memory(obj) }
}

unsafe fn longrangeiter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access.
    unsafe {
        let p = obj.as_ptr() as *mut PyLongRangeIter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `range_iterator`.
    pub static RANGE_ITER_TYPE = {
        name: "range_iterator",
        layout: PyRangeIter,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: rangeiter_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(rangeiter_next),
            ..Slots::EMPTY
        },
    }
}

crate::builtin_type! {
    /// `longrange_iterator`.
    pub static LONGRANGE_ITER_TYPE = {
        name: "longrange_iterator",
        layout: PyLongRangeIter,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: longrangeiter_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(longrangeiter_next),
            ..Slots::EMPTY
        },
    }
}

/// An iterator over `start, start + step, ...` (`len` values).
fn make_iter(start: BigInt, step: BigInt, len: BigInt) -> PyObj {
    if let (Some(s), Some(st), Some(n)) = (start.to_i64(), step.to_i64(), len.to_u64()) {
        if let Some(it) = small_iter(s, st, n) {
            return it;
        }
    }
    let ty = &LONGRANGE_ITER_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the iterator layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyLongRangeIter;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(LongRangeState {
            start,
            step,
            len,
            index: crate::int::from_i64(0),
        }));
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// The machine-word iterator over `start, start + step, ...` (`n` values), or `None`
/// when a produced value, or the value one step past the end, would not fit an i64
/// (then the big-integer iterator of [`make_iter`] runs it).
fn small_iter(s: i64, st: i64, n: u64) -> Option<PyObj> {
    let past_end = i128::from(s) + i128::from(st) * i128::from(n);
    if i64::try_from(past_end).is_err() {
        return None;
    }
    {
        let ty = &RANGE_ITER_TYPE;
        let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
        // SAFETY: fresh allocation with the iterator layout.
        unsafe {
            let p = obj.as_ptr().as_ptr() as *mut PyRangeIter;
            std::ptr::addr_of_mut!((*p).start).write(s);
            std::ptr::addr_of_mut!((*p).step).write(st);
            std::ptr::addr_of_mut!((*p).len).write(n);
            std::ptr::addr_of_mut!((*p).index).write(AtomicU64::new(0));
            crate::alloc::finish_instance(ty, &obj);
        }
        Some(obj)
    }
}

/// A range's start, step and length, when all three fit machine words.
fn small_parts(r: &PyRange) -> Option<(i64, i64, u64)> {
    let n = crate::int::as_i64(&r.length).and_then(|n| u64::try_from(n).ok())?;
    Some((
        crate::int::as_i64(&r.start)?,
        crate::int::as_i64(&r.step)?,
        n,
    ))
}

fn range_iter(obj: &PyObj) -> PyResult<PyObj> {
    let r = payload(obj);
    if let Some(it) = small_parts(r).and_then(|(s, st, n)| small_iter(s, st, n)) {
        return Ok(it);
    }
    Ok(make_iter(big(&r.start), big(&r.step), big(&r.length)))
}

/// `range.__reversed__` of an exact range `r`: the iterator from its last value back to
/// its first (what `reversed(r)` returns).
pub(crate) fn reversed(r: &PyObj) -> PyObj {
    let r = payload(r);
    if let Some((start, step, n)) = small_parts(r) {
        // The last value (the start when empty), stepping back.
        let last = i128::from(start) + (i128::from(n) - 1).max(0) * i128::from(step);
        let it = i64::try_from(last)
            .ok()
            .zip(step.checked_neg())
            .and_then(|(last, back)| small_iter(last, back, n));
        if let Some(it) = it {
            return it;
        }
    }
    let len = big(&r.length);
    let step = big(&r.step);
    let last = big(&r.start) + (&len - BigInt::one()) * &step;
    make_iter(if len.is_zero() { big(&r.start) } else { last }, -step, len)
}

fn rangeiter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    Ok(range_iter_step(obj))
}

/// The next value of a `range_iterator`, or `None` once it is exhausted (its
/// `__next__` without the result wrapping: the interpreter's FOR_ITER_RANGE step).
/// Threads sharing the iterator each take a different index. `obj` must be a
/// [`RANGE_ITER_TYPE`] (not a long range iterator).
#[inline]
pub fn range_iter_step(obj: &PyObj) -> Option<PyObj> {
    debug_assert!(obj.is_exact(&RANGE_ITER_TYPE));
    // SAFETY: the caller passes a range iterator.
    let it = unsafe { obj.payload_unchecked::<PyRangeIter>() };
    let mut i = it.index.load(Relaxed);
    loop {
        if i >= it.len {
            return None;
        }
        match it.index.compare_exchange_weak(i, i + 1, Relaxed, Relaxed) {
            Ok(_) => break,
            Err(now) => i = now,
        }
    }
    // Every value of the range, and the one past its end, fits an i64 (make_iter), so
    // this cannot overflow.
    let v = it.start.wrapping_add((i as i64).wrapping_mul(it.step));
    Some(crate::int::from_i64(v))
}

fn longrangeiter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    // SAFETY: installed on long range iterators.
    let it = unsafe { obj.payload_unchecked::<PyLongRangeIter>() };
    let mut st = it.state.lock();
    if crate::int::is_exact_int(&st.index) {
        // The usual case: plain integer arithmetic under the lock, so threads sharing
        // the iterator each take a different index.
        let i = big(&st.index);
        if i >= st.len {
            return Ok(None);
        }
        let v = &st.start + &i * &st.step;
        let old = std::mem::replace(&mut st.index, crate::int::from_bigint(i + 1));
        drop(st);
        drop(old);
        return Ok(Some(crate::int::from_bigint(v)));
    }
    // An index `__setstate__` stored that is not an int: CPython's generic
    // arithmetic, outside the lock (it may run Python code).
    let (index, start, step, len) = (
        st.index.clone(),
        crate::int::from_bigint(st.start.clone()),
        crate::int::from_bigint(st.step.clone()),
        crate::int::from_bigint(st.len.clone()),
    );
    drop(st);
    if !ab::richcompare_bool(&index, &len, CompareOp::Lt)? {
        return Ok(None);
    }
    let next = ab::binary_op(&index, &crate::int::from_i64(1), ab::BinOp::Add)?;
    let product = ab::binary_op(&index, &step, ab::BinOp::Mul)?;
    let v = ab::binary_op(&start, &product, ab::BinOp::Add)?;
    let old = std::mem::replace(&mut it.state.lock().index, next);
    drop(old);
    Ok(Some(v))
}

fn this<'a>(args: &'a [PyObj], name: &str) -> PyResult<&'a PyRange> {
    match args.first() {
        Some(r) if r.is_exact(&RANGE_TYPE) => Ok(payload(r)),
        _ => Err(type_error(format!(
            "descriptor '{name}' requires a 'range' object"
        ))),
    }
}

/// Methods of `range`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("__reversed__", |args, kw| {
            Args::new(args, kw).exact("__reversed__", 1)?;
            this(args, "__reversed__")?;
            Ok(reversed(&args[0]))
        }),
        MethodDef::new("__reduce__", |args, kw| {
            Args::new(args, kw).exact("range.__reduce__", 1)?;
            let r = this(args, "__reduce__")?;
            Ok(crate::tuple::pair(
                args[0].ty().to_obj(),
                crate::tuple::from_vec(vec![r.start.clone(), r.stop.clone(), r.step.clone()]),
            ))
        }),
        MethodDef::new("count", |args, kw| {
            Args::new(args, kw).exact("count", 2)?;
            let r = this(args, "count")?;
            if is_exact_int_like(&args[1]) {
                return Ok(crate::int::from_i64(
                    int_position(r, &big(&args[1])).is_some() as i64,
                ));
            }
            let mut n = 0usize;
            let it = range_iter(&args[0])?;
            while let Some(x) = ab::next(&it)? {
                if ab::eq(&x, &args[1])? {
                    n += 1;
                }
            }
            Ok(crate::int::from_usize(n))
        }),
        MethodDef::new("index", |args, kw| {
            Args::new(args, kw).exact("index", 2)?;
            let r = this(args, "index")?;
            if is_exact_int_like(&args[1]) {
                return match int_position(r, &big(&args[1])) {
                    Some(i) => Ok(crate::int::from_bigint(i)),
                    None => Err(value_error(format!(
                        "{} is not in range",
                        ab::repr_string(&args[1])?
                    ))),
                };
            }
            let it = range_iter(&args[0])?;
            let mut i = 0usize;
            while let Some(x) = ab::next(&it)? {
                if ab::eq(&x, &args[1])? {
                    return Ok(crate::int::from_usize(i));
                }
                i += 1;
            }
            Err(value_error("sequence.index(x): x not in sequence"))
        }),
    ]
}

/// Attributes of `range`.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![
        GetSetDef::new("start", |o| Ok(payload(o).start.clone()), None),
        GetSetDef::new("stop", |o| Ok(payload(o).stop.clone()), None),
        GetSetDef::new("step", |o| Ok(payload(o).step.clone()), None),
    ]
}

/// Methods of the range iterators.
pub(crate) fn iter_methods() -> Vec<crate::descr::MethodDef> {
    vec![
        crate::descr::MethodDef::new("__length_hint__", |args, kw| {
            Args::new(args, kw).exact("__length_hint__", 1)?;
            let o = &args[0];
            if o.is_exact(&RANGE_ITER_TYPE) {
                // SAFETY: checked type.
                let it = unsafe { o.payload_unchecked::<PyRangeIter>() };
                let left = it.len.saturating_sub(it.index.load(Relaxed));
                return Ok(crate::int::from_i128(left as i128));
            }
            // SAFETY: the method is only installed on the two range iterator types.
            let it = unsafe { o.payload_unchecked::<PyLongRangeIter>() };
            let (len, index) = {
                let st = it.state.lock();
                (crate::int::from_bigint(st.len.clone()), st.index.clone())
            };
            ab::binary_op(&len, &index, ab::BinOp::Sub)
        }),
        crate::descr::MethodDef::new("__reduce__", rangeiter_reduce),
        crate::descr::MethodDef::new("__setstate__", rangeiter_setstate),
    ]
}

/// `__reduce__` of the range iterators (CPython's `rangeiter_reduce` and
/// `longrangeiter_reduce`): `(iter, (range(start, start + len * step, step),), index)`.
fn rangeiter_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let o = &args[0];
    Args::new(args, kw).exact(&format!("{}.__reduce__", o.ty().name()), 1)?;
    let (start, step, len, index) = if o.is_exact(&RANGE_ITER_TYPE) {
        // SAFETY: checked type.
        let it = unsafe { o.payload_unchecked::<PyRangeIter>() };
        (
            BigInt::from(it.start),
            BigInt::from(it.step),
            BigInt::from(it.len),
            crate::int::from_i128(it.index.load(Relaxed) as i128),
        )
    } else {
        // SAFETY: the method is only installed on the two range iterator types.
        let it = unsafe { o.payload_unchecked::<PyLongRangeIter>() };
        let st = it.state.lock();
        (
            st.start.clone(),
            st.step.clone(),
            st.len.clone(),
            st.index.clone(),
        )
    };
    let stop = &start + &len * &step;
    let range = new(start, stop, step);
    Ok(crate::tuple::from_vec(vec![
        crate::function::get_builtin("iter")?,
        crate::tuple::from_vec(vec![range]),
        index,
    ]))
}

/// `__setstate__` of the range iterators: the number of values already produced,
/// clipped to `0..=len` (an int for `range_iterator`; for `longrange_iterator` any
/// object that compares with ints, as in CPython).
fn rangeiter_setstate(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let o = &args[0];
    Args::new(args, kw).exact(&format!("{}.__setstate__", o.ty().name()), 2)?;
    let state = &args[1];
    if o.is_exact(&RANGE_ITER_TYPE) {
        // SAFETY: checked type.
        let it = unsafe { o.payload_unchecked::<PyRangeIter>() };
        // PyLong_AsLong: an int or an object with __index__.
        let i = ab::index(state)?;
        let v = crate::int::as_i64(&i)
            .ok_or_else(|| overflow_error("Python int too large to convert to C long"))?;
        let v = if v < 0 { 0 } else { (v as u64).min(it.len) };
        it.index.store(v, Relaxed);
        return Ok(none());
    }
    // SAFETY: the method is only installed on the two range iterator types.
    let it = unsafe { o.payload_unchecked::<PyLongRangeIter>() };
    let zero = crate::int::from_i64(0);
    let len = crate::int::from_bigint(it.state.lock().len.clone());
    let clipped = if ab::richcompare_bool(state, &zero, CompareOp::Lt)? {
        zero
    } else if ab::richcompare_bool(&len, state, CompareOp::Lt)? {
        len
    } else {
        state.clone()
    };
    let old = std::mem::replace(&mut it.state.lock().index, clipped);
    drop(old);
    Ok(none())
}
