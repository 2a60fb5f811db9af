//! `datetime.timedelta`: a duration held as normalised `days` (|days| <=
//! 999999999), `seconds` (0..86400) and `microseconds` (0..1000000), as CPython's
//! `PyDateTime_Delta`. The constructor accumulates its seven components exactly in
//! big integers, with float fractions rounded half-to-even once at the end
//! (CPython's `accum` and `delta_new`); arithmetic works on totals of
//! microseconds.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{overflow_error, type_error, zero_division_error};
use strand_objects::typeobj::{CompareOp, NumberSlots, PyType, Slots, TypeFlags};
use strand_objects::{dict, float, int, singletons, str as pystr, tuple, PyObj, PyResult};

use super::{py_int, US_PER_DAY, US_PER_SECOND};

/// Largest magnitude of `days`.
pub const MAX_DELTA_DAYS: i64 = 999_999_999;

/// The layout of `datetime.timedelta` (and subclasses, which extend it).
#[repr(C)]
pub struct PyDelta {
    header: ObjectHeader,
    days: i32,
    seconds: i32,
    us: i32,
}

unsafe fn delta_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields are plain data.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `datetime.timedelta`.
    pub static DELTA_TYPE = {
        name: "datetime.timedelta",
        layout: PyDelta,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(|_, _| {}),
        clear: None,
        dealloc: delta_dealloc,
        size: None,
        slots: Slots {
            new: Some(delta_new),
            repr: Some(delta_repr),
            str: Some(delta_str),
            hash: Some(delta_hash),
            richcompare: Some(delta_richcompare),
            bool: Some(|o| Ok(parts(o) != (0, 0, 0))),
            number: NumberSlots {
                add: Some(delta_add),
                sub: Some(delta_sub),
                mul: Some(delta_mul),
                truediv: Some(delta_truediv),
                floordiv: Some(delta_floordiv),
                rem: Some(delta_rem),
                divmod: Some(delta_divmod),
                neg: Some(|o| from_us(-total_us(o))),
                pos: Some(|o| from_us(total_us(o))),
                abs: Some(|o| from_us(total_us(o).abs())),
                ..NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

/// `(days, seconds, microseconds)` of a timedelta (checked by the caller).
pub fn parts(o: &PyObj) -> (i32, i32, i32) {
    debug_assert!(super::is_delta(o));
    // SAFETY: callers pass timedeltas (or subclasses, which extend the layout).
    let d = unsafe { o.payload_unchecked::<PyDelta>() };
    (d.days, d.seconds, d.us)
}

/// The duration in microseconds.
pub fn total_us(o: &PyObj) -> i128 {
    let (d, s, us) = parts(o);
    i128::from(d) * US_PER_DAY + i128::from(s) * US_PER_SECOND + i128::from(us)
}

fn alloc(ty: &PyType, days: i32, seconds: i32, us: i32) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyDelta layout, written before it is
    // finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyDelta;
        std::ptr::addr_of_mut!((*p).days).write(days);
        std::ptr::addr_of_mut!((*p).seconds).write(seconds);
        std::ptr::addr_of_mut!((*p).us).write(us);
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// A timedelta of type `ty` lasting `total` microseconds, or CPython's
/// `OverflowError` when its days leave the range (`days=N; must have magnitude <=
/// 999999999`, or the C int conversion's message beyond that).
pub fn from_us_typed(ty: &PyType, total: i128) -> PyResult<PyObj> {
    let days = total.div_euclid(US_PER_DAY);
    let rest = total.rem_euclid(US_PER_DAY);
    let Ok(d32) = i32::try_from(days) else {
        return Err(overflow_error("Python int too large to convert to C int"));
    };
    if i64::from(d32).abs() > MAX_DELTA_DAYS {
        return Err(overflow_error(format!(
            "days={d32}; must have magnitude <= {MAX_DELTA_DAYS}"
        )));
    }
    Ok(alloc(
        ty,
        d32,
        (rest / US_PER_SECOND) as i32,
        (rest % US_PER_SECOND) as i32,
    ))
}

/// A `timedelta` lasting `total` microseconds.
pub fn from_us(total: i128) -> PyResult<PyObj> {
    from_us_typed(&DELTA_TYPE, total)
}

/// A `timedelta` of a big number of microseconds.
pub fn from_big(total: &BigInt) -> PyResult<PyObj> {
    match total.to_i128() {
        Some(v) if v.unsigned_abs() < (1u128 << 100) => from_us(v),
        _ => Err(overflow_error("Python int too large to convert to C int")),
    }
}

/// A timedelta from days/seconds/microseconds that may be out of normal form.
pub fn from_parts(days: i64, seconds: i64, us: i64) -> PyResult<PyObj> {
    from_us(i128::from(days) * US_PER_DAY + i128::from(seconds) * US_PER_SECOND + i128::from(us))
}

/// Rounds `a / b` to the nearest integer, ties to even (`_PyLong_DivmodNear`).
pub fn divide_nearest(a: &BigInt, b: &BigInt) -> PyResult<BigInt> {
    if b.is_zero() {
        return Err(zero_division_error("integer division or modulo by zero"));
    }
    let (mut q, r) = a.div_mod_floor(b);
    let twice: BigInt = &r * 2;
    let greater = if b.sign() == num_bigint::Sign::Minus {
        twice < *b
    } else {
        twice > *b
    };
    if greater || (twice == *b && q.is_odd()) {
        q += 1;
    }
    Ok(q)
}

// ---------------------------------------------------------------------------------
// Construction
// ---------------------------------------------------------------------------------

/// Adds `num * factor` microseconds to `sum`; a float's fraction goes to
/// `leftover` (CPython's `accum`).
fn accum(
    tag: &str,
    sum: &mut BigInt,
    num: &PyObj,
    factor: i64,
    leftover: &mut f64,
) -> PyResult<()> {
    if int::is_int(num) {
        *sum += int::to_bigint(num) * factor;
        return Ok(());
    }
    if float::is_float(num) {
        let dnum = float::value(num);
        let intpart = dnum.trunc();
        let frac = dnum - intpart;
        *sum += int::to_bigint(&int::from_float(intpart)?) * factor;
        if frac == 0.0 {
            return Ok(());
        }
        let dnum = factor as f64 * frac;
        let ip = dnum.trunc();
        *sum += int::bigint_from_f64(ip);
        *leftover += dnum - ip;
        return Ok(());
    }
    Err(type_error(format!(
        "unsupported type for timedelta {tag} component: {}",
        num.ty().name()
    )))
}

fn delta_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = super::cls_type(cls)?;
    let names = [
        "days",
        "seconds",
        "microseconds",
        "milliseconds",
        "minutes",
        "hours",
        "weeks",
    ];
    let v = Args::new(a, k).bind("__new__", 0, &names, 0)?;
    let mut sum = BigInt::zero();
    let mut leftover = 0.0f64;
    let order: [(usize, &str, i64); 7] = [
        (2, "microseconds", 1),
        (3, "milliseconds", 1000),
        (1, "seconds", 1_000_000),
        (4, "minutes", 60_000_000),
        (5, "hours", 3_600_000_000),
        (0, "days", 86_400_000_000),
        (6, "weeks", 604_800_000_000),
    ];
    for (i, tag, factor) in order {
        if let Some(x) = v[i] {
            accum(tag, &mut sum, x, factor, &mut leftover)?;
        }
    }
    if leftover != 0.0 {
        let mut whole = leftover.round();
        if (whole - leftover).abs() == 0.5 {
            // Exactly halfway: round so that the total is even.
            let odd = if sum.is_odd() { 1.0 } else { 0.0 };
            whole = 2.0 * ((leftover + odd) * 0.5).round() - odd;
        }
        sum += whole as i64;
    }
    match sum.to_i128() {
        Some(v) if v.unsigned_abs() < (1u128 << 100) => from_us_typed(ty, v),
        _ => Err(overflow_error("Python int too large to convert to C int")),
    }
}

// ---------------------------------------------------------------------------------
// Protocols
// ---------------------------------------------------------------------------------

fn delta_repr(o: &PyObj) -> PyResult<PyObj> {
    let (d, s, us) = parts(o);
    let mut fields = Vec::new();
    if d != 0 {
        fields.push(format!("days={d}"));
    }
    if s != 0 {
        fields.push(format!("seconds={s}"));
    }
    if us != 0 {
        fields.push(format!("microseconds={us}"));
    }
    let body = if fields.is_empty() {
        "0".to_string()
    } else {
        fields.join(", ")
    };
    Ok(pystr::from_string(format!(
        "{}({body})",
        super::type_name(o)
    )))
}

fn delta_str(o: &PyObj) -> PyResult<PyObj> {
    let (d, s, us) = parts(o);
    let mut out = String::new();
    if d != 0 {
        out.push_str(&format!("{d} day{}, ", if d.abs() != 1 { "s" } else { "" }));
    }
    out.push_str(&format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60));
    if us != 0 {
        out.push_str(&format!(".{us:06}"));
    }
    Ok(pystr::from_string(out))
}

fn delta_hash(o: &PyObj) -> PyResult<isize> {
    let (d, s, us) = parts(o);
    ab::hash(&tuple::from_vec(vec![py_int(d), py_int(s), py_int(us)]))
}

/// The result of comparing two orderable values as `op` asks.
pub fn cmp_result(ord: std::cmp::Ordering, op: CompareOp) -> PyObj {
    use std::cmp::Ordering::*;
    singletons::bool_obj(match op {
        CompareOp::Lt => ord == Less,
        CompareOp::Le => ord != Greater,
        CompareOp::Eq => ord == Equal,
        CompareOp::Ne => ord != Equal,
        CompareOp::Gt => ord == Greater,
        CompareOp::Ge => ord != Less,
    })
}

fn delta_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !super::is_delta(b) {
        return Ok(singletons::not_implemented());
    }
    Ok(cmp_result(total_us(a).cmp(&total_us(b)), op))
}

fn delta_add(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if super::is_delta(a) && super::is_delta(b) {
        return from_us(total_us(a) + total_us(b));
    }
    Ok(singletons::not_implemented())
}

fn delta_sub(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if super::is_delta(a) && super::is_delta(b) {
        return from_us(total_us(a) - total_us(b));
    }
    Ok(singletons::not_implemented())
}

/// `float.as_integer_ratio()` of `f` as big integers.
fn ratio(f: &PyObj) -> PyResult<(BigInt, BigInt)> {
    let r = ab::call_method(f, "as_integer_ratio", &[])?;
    if !r.ty().flags().contains(TypeFlags::TUPLE_SUBCLASS) {
        return Err(type_error(format!(
            "unexpected return type from as_integer_ratio(): expected tuple, got '{}'",
            r.ty().name()
        )));
    }
    let items = tuple::items(&r);
    if items.len() != 2 {
        return Err(strand_objects::exceptions::value_error(
            "as_integer_ratio() must return a 2-tuple",
        ));
    }
    let as_int = |o: &PyObj| -> PyResult<BigInt> {
        if int::is_int(o) {
            Ok(int::to_bigint(o))
        } else {
            Err(type_error(format!(
                "unsupported operand type(s): '{}'",
                o.ty().name()
            )))
        }
    };
    Ok((as_int(&items[0])?, as_int(&items[1])?))
}

/// `delta * f` (or `/ f` when `divide`) rounded half-to-even
/// (`multiply_truedivide_timedelta_float`).
fn scale_by_float(delta: &PyObj, f: &PyObj, divide: bool) -> PyResult<PyObj> {
    let (n, d) = ratio(f)?;
    let us = BigInt::from(total_us(delta));
    let q = if divide {
        divide_nearest(&(us * d), &n)?
    } else {
        divide_nearest(&(us * n), &d)?
    };
    from_big(&q)
}

fn delta_mul(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let (delta, other) = if super::is_delta(a) { (a, b) } else { (b, a) };
    if !super::is_delta(delta) {
        return Ok(singletons::not_implemented());
    }
    if int::is_int(other) {
        return from_big(&(BigInt::from(total_us(delta)) * int::to_bigint(other)));
    }
    if float::is_float(other) {
        return scale_by_float(delta, other, false);
    }
    Ok(singletons::not_implemented())
}

fn delta_truediv(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !super::is_delta(a) {
        return Ok(singletons::not_implemented());
    }
    if super::is_delta(b) {
        let (x, y) = (total_us(a), total_us(b));
        if y == 0 {
            return Err(zero_division_error("division by zero"));
        }
        return ab::binary_op(&int::from_i128(x), &int::from_i128(y), ab::BinOp::TrueDiv);
    }
    if int::is_int(b) {
        return from_big(&divide_nearest(
            &BigInt::from(total_us(a)),
            &int::to_bigint(b),
        )?);
    }
    if float::is_float(b) {
        return scale_by_float(a, b, true);
    }
    Ok(singletons::not_implemented())
}

fn floor_div(a: i128, b: &BigInt) -> PyResult<BigInt> {
    if b.is_zero() {
        return Err(zero_division_error("integer division or modulo by zero"));
    }
    Ok(BigInt::from(a).div_floor(b))
}

fn delta_floordiv(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !super::is_delta(a) {
        return Ok(singletons::not_implemented());
    }
    if super::is_delta(b) {
        return Ok(int::from_bigint(floor_div(
            total_us(a),
            &BigInt::from(total_us(b)),
        )?));
    }
    if int::is_int(b) {
        return from_big(&floor_div(total_us(a), &int::to_bigint(b))?);
    }
    Ok(singletons::not_implemented())
}

fn delta_rem(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !(super::is_delta(a) && super::is_delta(b)) {
        return Ok(singletons::not_implemented());
    }
    let y = total_us(b);
    if y == 0 {
        return Err(zero_division_error("integer modulo by zero"));
    }
    from_us(
        total_us(a).rem_euclid(y)
            + if y < 0 && total_us(a).rem_euclid(y) != 0 {
                y
            } else {
                0
            },
    )
}

fn delta_divmod(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !(super::is_delta(a) && super::is_delta(b)) {
        return Ok(singletons::not_implemented());
    }
    let (x, y) = (BigInt::from(total_us(a)), BigInt::from(total_us(b)));
    if y.is_zero() {
        return Err(zero_division_error("integer division or modulo by zero"));
    }
    let (q, r) = x.div_mod_floor(&y);
    Ok(tuple::pair(int::from_bigint(q), from_big(&r)?))
}

fn expect_delta<'a>(o: &'a PyObj, what: &str) -> PyResult<&'a PyObj> {
    if !super::is_delta(o) {
        return Err(type_error(format!(
            "descriptor '{what}' for 'datetime.timedelta' objects doesn't apply to a '{}' object",
            o.ty().name()
        )));
    }
    Ok(o)
}

fn total_seconds(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("total_seconds", 1)?;
    let o = expect_delta(&a[0], "total_seconds")?;
    ab::binary_op(
        &int::from_i128(total_us(o)),
        &int::from_i64(1_000_000),
        ab::BinOp::TrueDiv,
    )
}

fn reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    let o = expect_delta(&a[0], "__reduce__")?;
    let (d, s, us) = parts(o);
    Ok(tuple::pair(
        o.ty().to_obj(),
        tuple::from_vec(vec![py_int(d), py_int(s), py_int(us)]),
    ))
}

fn getter(o: &PyObj, which: usize) -> PyResult<PyObj> {
    let o = expect_delta(o, ["days", "seconds", "microseconds"][which])?;
    let (d, s, us) = parts(o);
    Ok(py_int([d, s, us][which]))
}

pub(super) fn ready() {
    DELTA_TYPE.ready_static(
        Some(&strand_objects::baseobject::OBJECT_TYPE),
        &[
            MethodDef::new("total_seconds", total_seconds),
            MethodDef::new("__reduce__", reduce),
        ],
        &[
            GetSetDef::new("days", |o| getter(o, 0), None),
            GetSetDef::new("seconds", |o| getter(o, 1), None),
            GetSetDef::new("microseconds", |o| getter(o, 2), None),
        ],
    );
    let d = DELTA_TYPE.dict();
    dict::set_item_str(d, "min", alloc(&DELTA_TYPE, -999_999_999, 0, 0));
    dict::set_item_str(d, "max", alloc(&DELTA_TYPE, 999_999_999, 86_399, 999_999));
    dict::set_item_str(d, "resolution", alloc(&DELTA_TYPE, 0, 0, 1));
    dict::set_item_str(
        d,
        "__doc__",
        pystr::new("Difference between two datetime values.\n\ntimedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0)\n\nAll arguments are optional and default to 0.\nArguments may be integers or floats, and may be positive or negative."),
    );
}
