//! `float`: an IEEE 754 double. `repr()` is the shortest string that round-trips (ryu
//! for the digits), laid out as CPython does (`1e+16`, `1e-05`, `0.1`, `inf`, `nan`,
//! `-0.0`); arithmetic, floor division, modulo and comparisons with ints (exact, even
//! for big ints) follow Objects/floatobject.c. Floats are recycled through the heap's
//! per-thread freelists (the 40-byte object lands in the 48-byte size class).

use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::exceptions::{overflow_error, type_error, value_error, zero_division_error};
use crate::object::{PyObj, PyPayload};
use crate::singletons::not_implemented;
use crate::typeobj::{CompareOp, NumberSlots, PyType, Slots, TypeFlags};
use crate::PyResult;

/// `repr(float)` and its digits live in strand-literal (the compiler prints them too).
pub use strand_literal::float::{repr_f64, shortest_digits};

/// The layout of a `float`.
#[repr(C)]
pub struct PyFloat {
    header: ObjectHeader,
    value: f64,
}

/// Byte offset of the value (for generated code).
pub const VALUE_OFFSET: usize = std::mem::offset_of!(PyFloat, value);

// SAFETY: repr(C), header first; subclasses extend it.
unsafe impl PyPayload for PyFloat {
    fn type_object() -> &'static PyType {
        &FLOAT_TYPE
    }
}

/// A float's dealloc. An exact float (the hot case: every temporary of float
/// arithmetic) has a static type and a fixed size, so it goes straight to the heap's
/// free path, which puts the block on the thread's freelist (or, if the float was
/// published to other threads, retires it to QSBR). Subclass instances hold a
/// reference to their type and are freed out of line, so that the exact case needs no
/// stack frame.
unsafe fn float_dealloc(obj: ObjPtr) {
    // SAFETY: obj is alive until freed below.
    let exact = std::ptr::eq(unsafe { PyType::of_ptr(obj) }, &FLOAT_TYPE);
    if !exact {
        // SAFETY: forwarded.
        return unsafe { float_subclass_dealloc(obj) };
    }
    // SAFETY: count zero, exclusive; an exact float is a NonGc PyFloat.
    unsafe { strand_heap::free_object_sized(obj, HeapKind::NonGc, std::mem::size_of::<PyFloat>()) };
}

#[inline(never)]
unsafe fn float_subclass_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; no references held but the type's.
    unsafe { crate::heaptype::dealloc_instance_memory(obj) }
}

crate::builtin_type! {
    /// The `float` type.
    pub static FLOAT_TYPE = {
        name: "float",
        layout: PyFloat,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE,
        traverse: None,
        clear: None,
        dealloc: float_dealloc,
        size: None,
        slots: Slots {
            repr: Some(float_repr),
            hash: Some(float_hash),
            richcompare: Some(float_richcompare),
            new: Some(float_new),
            bool: Some(|o| Ok(value(o) != 0.0)),
            number: NumberSlots {
                add: Some(float_add),
                sub: Some(float_sub),
                mul: Some(float_mul),
                truediv: Some(float_truediv),
                floordiv: Some(float_floordiv),
                rem: Some(float_rem),
                divmod: Some(float_divmod),
                pow: Some(float_pow),
                neg: Some(|o| Ok(from_f64(-value(o)))),
                pos: Some(float_pos),
                abs: Some(|o| Ok(from_f64(value(o).abs()))),
                int: Some(|o| crate::int::from_float(value(o))),
                float: Some(float_pos),
                ..NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

/// A new float.
#[inline]
pub fn from_f64(v: f64) -> PyObj {
    let ty = &FLOAT_TYPE;
    let obj = crate::alloc::alloc_static_sized(ty, HeapKind::NonGc, std::mem::size_of::<PyFloat>());
    // SAFETY: a fresh allocation of a float layout: the value is its only field, and
    // an exact float needs no slots region, no type reference and no GC tracking.
    unsafe {
        let p = obj.as_ptr() as *mut PyFloat;
        std::ptr::addr_of_mut!((*p).value).write(v);
        PyObj::from_owned(obj)
    }
}

pub(crate) fn new_of_type(ty: &PyType, v: f64) -> PyObj {
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of a float layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyFloat;
        std::ptr::addr_of_mut!((*p).value).write(v);
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// `true` if `obj` is a float (or subclass).
#[inline(always)]
pub fn is_float(obj: &PyObj) -> bool {
    obj.is_instance_of(&FLOAT_TYPE)
}

/// The value of a float (unchecked in release builds).
#[inline(always)]
pub fn value(obj: &PyObj) -> f64 {
    debug_assert!(is_float(obj));
    // SAFETY: callers pass floats.
    unsafe { obj.payload_unchecked::<PyFloat>() }.value
}

/// The value if `obj` is a float (or subclass).
#[inline]
pub fn as_f64_exact_float(obj: &PyObj) -> Option<f64> {
    if is_float(obj) {
        Some(value(obj))
    } else {
        None
    }
}

/// A float or int operand as `f64`, or `None` for other types (slot returns
/// NotImplemented). Ints too large for a float raise `OverflowError`.
#[inline]
fn operand(obj: &PyObj) -> PyResult<Option<f64>> {
    if is_float(obj) {
        Ok(Some(value(obj)))
    } else if crate::int::is_int(obj) {
        crate::int::to_f64(obj).map(Some)
    } else {
        Ok(None)
    }
}

macro_rules! float_binop {
    ($name:ident, |$x:ident, $y:ident| $body:expr) => {
        fn $name(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
            let (Some($x), Some($y)) = (operand(a)?, operand(b)?) else {
                return Ok(not_implemented());
            };
            $body
        }
    };
}

float_binop!(float_add, |x, y| Ok(from_f64(x + y)));
float_binop!(float_sub, |x, y| Ok(from_f64(x - y)));
float_binop!(float_mul, |x, y| Ok(from_f64(x * y)));
float_binop!(float_truediv, |x, y| {
    if y == 0.0 {
        return Err(zero_division_error("float division by zero"));
    }
    Ok(from_f64(x / y))
});
float_binop!(float_floordiv, |x, y| {
    if y == 0.0 {
        return Err(zero_division_error("float floor division by zero"));
    }
    Ok(from_f64(divmod(x, y).0))
});
float_binop!(float_rem, |x, y| {
    if y == 0.0 {
        return Err(zero_division_error("float modulo"));
    }
    Ok(from_f64(divmod(x, y).1))
});
float_binop!(float_divmod, |x, y| {
    if y == 0.0 {
        return Err(zero_division_error("float divmod()"));
    }
    let (q, r) = divmod(x, y);
    Ok(crate::tuple::pair(from_f64(q), from_f64(r)))
});

/// Python's float floor division and modulo (CPython's `float_divmod`).
pub fn divmod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(vx / wx)
    };
    (floordiv, m)
}

/// Public float floor division for the interpreter's fast path.
pub fn floordiv_values(x: f64, y: f64) -> PyResult<f64> {
    if y == 0.0 {
        return Err(zero_division_error("float floor division by zero"));
    }
    Ok(divmod(x, y).0)
}

/// Public float modulo for the interpreter's fast path.
pub fn rem_values(x: f64, y: f64) -> PyResult<f64> {
    if y == 0.0 {
        return Err(zero_division_error("float modulo"));
    }
    Ok(divmod(x, y).1)
}

fn float_pow(a: &PyObj, b: &PyObj, m: &PyObj) -> PyResult<PyObj> {
    if !crate::singletons::is_none(m) {
        return Err(type_error(
            "pow() 3rd argument not allowed unless all arguments are integers",
        ));
    }
    let (Some(x), Some(y)) = (operand(a)?, operand(b)?) else {
        return Ok(not_implemented());
    };
    float_pow_values(x, y)
}

/// `x ** y` for floats with CPython's special cases and errors.
pub fn float_pow_values(x: f64, y: f64) -> PyResult<PyObj> {
    if y == 0.0 {
        return Ok(from_f64(1.0));
    }
    if x.is_nan() {
        return Ok(from_f64(if y == 0.0 { 1.0 } else { x }));
    }
    if y.is_nan() {
        return Ok(from_f64(if x == 1.0 { 1.0 } else { y }));
    }
    if x == 0.0 && y < 0.0 && y.is_finite() {
        return Err(zero_division_error(
            "0.0 cannot be raised to a negative power",
        ));
    }
    if x < 0.0 && x.is_finite() && y.is_finite() && y != y.floor() {
        // A negative number to a fractional power is complex (-inf's powers are C99
        // pow's, checked first in CPython).
        return crate::complex::pow_values((x, 0.0), (y, 0.0));
    }
    let r = x.powf(y);
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(overflow_error("(34, 'Numerical result out of range')"));
    }
    Ok(from_f64(r))
}

fn float_pos(a: &PyObj) -> PyResult<PyObj> {
    if a.is_exact(&FLOAT_TYPE) {
        Ok(a.clone())
    } else {
        Ok(from_f64(value(a)))
    }
}

fn float_hash(a: &PyObj) -> PyResult<isize> {
    Ok(crate::hash::hash_f64(value(a), a.addr()))
}

/// Compares a float with an int exactly (CPython's `float_richcompare`).
pub fn compare_with_int(x: f64, i: &PyObj) -> Option<std::cmp::Ordering> {
    if x.is_nan() {
        return None;
    }
    if let Some(v) = crate::int::as_i64(i) {
        if v.unsigned_abs() < (1u64 << 53) {
            return x.partial_cmp(&(v as f64));
        }
    }
    if x.is_infinite() {
        return Some(if x > 0.0 {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Less
        });
    }
    let iv = crate::int::to_bigint(i);
    let fl = x.floor();
    let floor_big = crate::int::bigint_from_f64(fl);
    Some(if fl == x {
        floor_big.cmp(&iv)
    } else if iv <= floor_big {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Less
    })
}

fn float_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    let x = value(a);
    let ord = if is_float(b) {
        x.partial_cmp(&value(b))
    } else if crate::int::is_int(b) {
        compare_with_int(x, b)
    } else {
        return Ok(not_implemented());
    };
    Ok(crate::singletons::bool_obj(match ord {
        Some(o) => op.test(o),
        None => op == CompareOp::Ne,
    }))
}

fn float_repr(a: &PyObj) -> PyResult<PyObj> {
    Ok(crate::str::from_string(repr_f64(value(a))))
}

/// Parses `float(str)` text: decimal or exponent notation with underscores between
/// digits, `inf`/`infinity`/`nan` in any case, surrounding whitespace.
pub fn parse(text: &str) -> Option<f64> {
    let t = text.trim();
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, &t[1..]),
        Some(b'+') => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    let lower = body.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(f64::NAN.copysign(sign)),
        _ => {}
    }
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return None;
    }
    // Underscores only between digits.
    let b = body.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'_'
            && !(i > 0 && b[i - 1].is_ascii_digit() && i + 1 < b.len() && b[i + 1].is_ascii_digit())
        {
            return None;
        }
        if !(c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-' | b'_')) {
            return None;
        }
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    clean.parse::<f64>().ok().map(|v| sign * v)
}

fn float_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kwnames);
    a.no_kwargs("float")?;
    a.max_positional("float", 1)?;
    let ty = crate::typeobj::expect_type(cls, "float.__new__(X)")?;
    let v = match a.positional(0) {
        None => 0.0,
        Some(x) => to_f64_conversion(x)?,
    };
    Ok(new_of_type(ty, v))
}

/// `float(x)` conversion.
pub fn to_f64_conversion(x: &PyObj) -> PyResult<f64> {
    if is_float(x) {
        return Ok(value(x));
    }
    if crate::str::is_str(x) {
        let s = crate::str::as_str(x);
        return parse(s).ok_or_else(|| {
            value_error(format!(
                "could not convert string to float: {}",
                crate::abstract_::repr_string(x).unwrap_or_default()
            ))
        });
    }
    if crate::buffer::has_buffer(x) {
        let bytes = crate::buffer::bytes_like(x)?;
        let s = String::from_utf8_lossy(&bytes);
        return parse(&s).ok_or_else(|| {
            value_error(format!(
                "could not convert string to float: {}",
                crate::abstract_::repr_string(x).unwrap_or_default()
            ))
        });
    }
    if !crate::int::is_int(x)
        && x.ty().slots().number.float.is_none()
        && x.ty().slots().number.index.is_none()
    {
        return Err(crate::exceptions::type_error(format!(
            "float() argument must be a string or a real number, not '{}'",
            x.ty().name()
        )));
    }
    crate::abstract_::as_f64(x)
}

/// Methods of `float`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("is_integer", |args, kw| {
            crate::args::Args::new(args, kw).exact("is_integer", 1)?;
            let v = value(&args[0]);
            Ok(crate::singletons::bool_obj(v.is_finite() && v == v.floor()))
        }),
        MethodDef::new("conjugate", |args, _| float_pos(&args[0])),
        MethodDef::new("__trunc__", |args, _| {
            crate::int::from_float(value(&args[0]))
        }),
        MethodDef::new("__int__", |args, _| crate::int::from_float(value(&args[0]))),
        MethodDef::new("__floor__", |args, _| {
            crate::int::from_float(value(&args[0]).floor())
        }),
        MethodDef::new("__ceil__", |args, _| {
            crate::int::from_float(value(&args[0]).ceil())
        }),
        MethodDef::new("__round__", float_round),
        MethodDef::new("__format__", crate::format::float_format_method),
        MethodDef::new("__getnewargs__", |args, _| {
            Ok(crate::tuple::from_vec(vec![from_f64(value(&args[0]))]))
        }),
        MethodDef::new("as_integer_ratio", |args, kw| {
            crate::args::Args::new(args, kw).exact("as_integer_ratio", 1)?;
            let v = value(&args[0]);
            if v.is_nan() {
                return Err(value_error("cannot convert NaN to integer ratio"));
            }
            if v.is_infinite() {
                return Err(overflow_error("cannot convert Infinity to integer ratio"));
            }
            let (m, e) = crate::hash::frexp(v);
            let mut mant = m;
            let mut exp = e;
            let mut i = 0;
            while mant != mant.floor() && i < 300 {
                mant *= 2.0;
                exp -= 1;
                i += 1;
            }
            let mut num = crate::int::bigint_from_f64(mant);
            let mut den = BigInt::from(1);
            if exp > 0 {
                num <<= exp as usize;
            } else {
                den <<= (-exp) as usize;
            }
            Ok(crate::tuple::pair(
                crate::int::from_bigint(num),
                crate::int::from_bigint(den),
            ))
        }),
        MethodDef::new("hex", |args, kw| {
            crate::args::Args::new(args, kw).exact("hex", 1)?;
            Ok(crate::str::from_string(float_hex(value(&args[0]))))
        }),
        MethodDef::class("__getformat__", |args, kw| {
            // CPython's float_getformat: how C doubles and floats are stored; strand
            // runs only on IEEE 754 machines, so the answer is the byte order.
            crate::args::Args::new(args, kw).exact("__getformat__", 2)?;
            if !crate::str::is_str(&args[1]) {
                return Err(crate::exceptions::type_error(format!(
                    "__getformat__() argument must be str, not {}",
                    args[1].ty().name()
                )));
            }
            match crate::str::as_str(&args[1]) {
                "double" | "float" => Ok(crate::str::from_string(
                    if cfg!(target_endian = "little") {
                        "IEEE, little-endian"
                    } else {
                        "IEEE, big-endian"
                    }
                    .to_string(),
                )),
                _ => Err(value_error(
                    "__getformat__() argument 1 must be 'double' or 'float'",
                )),
            }
        }),
        MethodDef::class("fromhex", |args, kw| {
            crate::args::Args::new(args, kw).exact("fromhex", 2)?;
            if !crate::str::is_str(&args[1]) {
                return Err(crate::exceptions::type_error(format!(
                    "fromhex() argument must be str, not {}",
                    args[1].ty().name()
                )));
            }
            let v = from_hex(crate::str::as_str(&args[1])).map_err(|e| match e {
                FromHexError::Invalid => value_error("invalid hexadecimal floating-point string"),
                FromHexError::Overflow => crate::exceptions::overflow_error(
                    "hexadecimal value too large to represent as a float",
                ),
            })?;
            let v = from_f64(v);
            if args[0].is(&FLOAT_TYPE.to_obj()) {
                Ok(v)
            } else {
                crate::abstract_::call1(&args[0], v)
            }
        }),
    ]
}

/// `real`, `imag`.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![
        GetSetDef::new("real", float_pos, None),
        GetSetDef::new("imag", |_| Ok(from_f64(0.0)), None),
    ]
}

fn float_round(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kw);
    a.range("__round__", 1, 2)?;
    let x = value(&args[0]);
    match a.positional(1).filter(|n| !crate::singletons::is_none(n)) {
        None => {
            let r = round_half_even(x);
            crate::int::from_float(r)
        }
        Some(nd) => {
            let nd = crate::int::to_isize(&crate::abstract_::index(nd)?)?;
            Ok(from_f64(round_ndigits(x, nd)))
        }
    }
}

/// Rounds to the nearest integer, ties to even.
pub fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

/// `round(x, ndigits)` with correct decimal rounding (through the shortest repr
/// digits, then exact decimal rounding half-to-even, like CPython's dtoa-based one).
pub fn round_ndigits(x: f64, nd: isize) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    if nd > 308 {
        return x;
    }
    if nd < -308 {
        return 0.0f64.copysign(x);
    }
    // Exact decimal expansion of x, then round at position nd.
    let s = format!("{:.*e}", 800, x.abs());
    let (mant, exp) = s.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("int");
    let digits: Vec<u8> = mant
        .bytes()
        .filter(|b| b.is_ascii_digit())
        .map(|b| b - b'0')
        .collect();
    // Value = 0.d1d2... * 10^(exp+1); keep digits up to position nd after the point.
    let point = exp + 1;
    let keep = point as isize + nd;
    if keep < 0 {
        return 0.0f64.copysign(x);
    }
    let keep = keep as usize;
    if keep >= digits.len() {
        return x;
    }
    let mut kept: Vec<u8> = digits[..keep].to_vec();
    let rest = &digits[keep..];
    let round_up = match rest.first() {
        Some(&d) if d > 5 => true,
        Some(&5) => rest[1..].iter().any(|&d| d != 0) || kept.last().is_some_and(|&d| d % 2 == 1),
        _ => false,
    };
    let mut value_digits = String::new();
    if round_up {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let extra = kept.len() as isize - keep as isize;
    for d in &kept {
        value_digits.push((b'0' + d) as char);
    }
    if value_digits.is_empty() {
        return 0.0f64.copysign(x);
    }
    let text = format!("0.{value_digits}e{}", point as isize + extra);
    let v: f64 = text.parse().unwrap_or(x);
    v.copysign(x)
}

/// `float.hex()`.
pub fn float_hex(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0x0.0p+0");
    }
    let bits = x.abs().to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1u64 << 52) - 1);
    let (lead, e) = if exp == 0 {
        (0, -1022)
    } else {
        (1, exp - 1023)
    };
    // CPython always prints all 13 hex digits of the fraction.
    let hex = format!("{mant:013x}");
    format!(
        "{sign}0x{lead}.{hex}p{}{}",
        if e < 0 { "-" } else { "+" },
        e.abs()
    )
}

/// Why `float.fromhex` refused its text.
enum FromHexError {
    Invalid,
    Overflow,
}

/// `float.fromhex(s)`: hex digits with an optional point and binary exponent,
/// rounded once to the nearest double (ties to even), subnormals included.
fn from_hex(s: &str) -> Result<f64, FromHexError> {
    let t = s
        .trim_matches(crate::str_methods::is_py_space)
        .to_ascii_lowercase();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    let signed = |v: f64| if neg { -v } else { v };
    if t == "inf" || t == "infinity" {
        return Ok(signed(f64::INFINITY));
    }
    if t == "nan" {
        return Ok(signed(f64::NAN));
    }
    let t = t.strip_prefix("0x").unwrap_or(t);
    let (mant, exp) = match t.split_once('p') {
        Some((m, e)) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(FromHexError::Invalid);
            }
            // Saturate: anything this large overflows or underflows anyway.
            let v = digits
                .parse::<i64>()
                .unwrap_or(i64::MAX / 4)
                .min(i64::MAX / 4);
            (m, if e.starts_with('-') { -v } else { v })
        }
        None => (t, 0),
    };
    let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
    if ip.is_empty() && fp.is_empty() {
        return Err(FromHexError::Invalid);
    }
    let mut v = BigInt::zero();
    for c in ip.chars().chain(fp.chars()) {
        v = v * 16 + c.to_digit(16).ok_or(FromHexError::Invalid)?;
    }
    if v.is_zero() {
        return Ok(signed(0.0));
    }
    let e = exp - 4 * fp.len() as i64;
    // x = v * 2^e; its leading bit has weight 2^top.
    let len = v.bits() as i64;
    let top = len - 1 + e;
    if top > 1023 {
        return Err(FromHexError::Overflow);
    }
    if top < -1075 {
        // Below half the smallest subnormal (2^-1075): rounds to zero. (Going on
        // would shift by about -top bits: a huge allocation for `0x1p-99999999`.)
        return Ok(signed(0.0));
    }
    // Bits the double can hold below and including the leading one: 53 for normal
    // numbers, fewer for subnormals (the last bit has weight 2^-1074).
    let prec = (top + 1075).min(53);
    let shift = len - prec;
    let (q, scale) = if shift > 0 {
        let shift_u = shift as u64;
        let mut q: BigInt = &v >> shift_u;
        let rem: BigInt = &v - (&q << shift_u);
        let half = BigInt::from(1) << (shift_u - 1);
        if rem > half || (rem == half && (&q & BigInt::from(1)) == BigInt::from(1)) {
            q += 1;
        }
        (q, e + shift)
    } else {
        (v, e)
    };
    let qf = q.to_f64().ok_or(FromHexError::Overflow)?;
    let r = crate::int::libm_ldexp(qf, scale.clamp(-2200, 2200) as i32);
    if r.is_infinite() {
        return Err(FromHexError::Overflow);
    }
    Ok(signed(r))
}
