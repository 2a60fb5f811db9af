//! `int` (and `bool`, its subclass): arbitrary precision with a machine-word fast
//! path. A `PyInt` holds an `i64` when the value fits and a pointer to a `BigInt`
//! (num-bigint) otherwise; results are normalised back to the word form whenever they
//! fit, so the fast path is the common one. Integers -5..=256 are immortal statics,
//! like CPython's small-int cache. Semantics follow Objects/longobject.c: floor
//! division and modulo round toward negative infinity, shifts and bitwise operations
//! act on the infinite two's complement representation, `int ** negative` is a float,
//! and string conversions above 4300 digits raise `ValueError` (the CPython 3.11 limit,
//! `sys.set_int_max_str_digits`).

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{One, Pow, Signed, ToPrimitive, Zero};
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::exceptions::{overflow_error, type_error, value_error, zero_division_error};
use crate::object::{PyObj, PyPayload};
use crate::singletons::not_implemented;
use crate::typeobj::{CompareOp, NumberSlots, PyType, Slots, TypeFlags};
use crate::PyResult;

/// The layout of an `int` (and `bool`).
#[repr(C)]
pub struct PyInt {
    header: ObjectHeader,
    /// The value when `big` is null.
    value: i64,
    /// The value when it does not fit an `i64` (owned, never shared).
    big: *mut BigInt,
}

// SAFETY: repr(C), header first; int subclasses (bool, user classes) extend it.
unsafe impl PyPayload for PyInt {
    fn type_object() -> &'static PyType {
        &INT_TYPE
    }
}

/// Byte offset of the machine value (for generated code).
pub const VALUE_OFFSET: usize = std::mem::offset_of!(PyInt, value);
/// Byte offset of the big-value pointer (null for machine values).
pub const BIG_OFFSET: usize = std::mem::offset_of!(PyInt, big);

unsafe fn int_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; `big` is owned.
    unsafe {
        let p = obj.as_ptr() as *mut PyInt;
        if !(*p).big.is_null() {
            drop(Box::from_raw((*p).big));
        }
        if std::ptr::eq(PyType::of_ptr(obj), &INT_TYPE) {
            // An exact int is a NonGc `PyInt` holding no type reference (the static
            // type is immortal): the size-class arithmetic folds away, as for floats.
            strand_heap::free_object_sized(obj, HeapKind::NonGc, std::mem::size_of::<PyInt>());
        } else {
            crate::heaptype::dealloc_instance_memory(obj);
        }
    }
}

const INT_NUMBER: NumberSlots = NumberSlots {
    add: Some(int_add),
    sub: Some(int_sub),
    mul: Some(int_mul),
    truediv: Some(int_truediv),
    floordiv: Some(int_floordiv),
    rem: Some(int_rem),
    divmod: Some(int_divmod),
    pow: Some(int_pow),
    lshift: Some(int_lshift),
    rshift: Some(int_rshift),
    and: Some(int_and),
    xor: Some(int_xor),
    or: Some(int_or),
    neg: Some(int_neg),
    pos: Some(int_pos),
    abs: Some(int_abs),
    invert: Some(int_invert),
    int: Some(int_pos),
    float: Some(int_float),
    index: Some(int_pos),
    ..NumberSlots::EMPTY
};

crate::builtin_type! {
    /// The `int` type.
    pub static INT_TYPE = {
        name: "int",
        layout: PyInt,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::LONG_SUBCLASS),
        traverse: None,
        clear: None,
        dealloc: int_dealloc,
        size: None,
        slots: Slots {
            repr: Some(int_repr),
            hash: Some(int_hash),
            richcompare: Some(int_richcompare),
            new: Some(int_new),
            bool: Some(int_bool),
            number: INT_NUMBER,
            ..Slots::EMPTY
        },
    }
}

crate::builtin_type! {
    /// The `bool` type.
    pub static BOOL_TYPE = {
        name: "bool",
        layout: PyInt,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::LONG_SUBCLASS,
        traverse: None,
        clear: None,
        dealloc: int_dealloc,
        size: None,
        slots: Slots {
            repr: Some(bool_repr),
            new: Some(bool_new),
            number: NumberSlots {
                and: Some(bool_and),
                or: Some(bool_or),
                xor: Some(bool_xor),
                ..INT_NUMBER
            },
            ..Slots::EMPTY
        },
    }
}

const fn static_int(ty: &'static PyType, value: i64) -> PyInt {
    PyInt {
        header: crate::typeobj::static_header(&ty.vtable, HeapKind::NonGc),
        value,
        big: std::ptr::null_mut(),
    }
}

/// Wrapper so the statics below can hold raw pointers.
#[repr(transparent)]
pub struct StaticInt(pub PyInt);
// SAFETY: static ints are immortal and immutable (their `big` is null).
unsafe impl Sync for StaticInt {}

/// `True`.
pub static TRUE: StaticInt = StaticInt(static_int(&BOOL_TYPE, 1));
/// `False`.
pub static FALSE: StaticInt = StaticInt(static_int(&BOOL_TYPE, 0));

const SMALL_MIN: i64 = -5;
const SMALL_MAX: i64 = 256;
const SMALL_COUNT: usize = (SMALL_MAX - SMALL_MIN + 1) as usize;

const fn small_ints() -> [StaticInt; SMALL_COUNT] {
    let mut arr = [const { StaticInt(static_int(&INT_TYPE, 0)) }; SMALL_COUNT];
    let mut i = 0;
    while i < SMALL_COUNT {
        arr[i] = StaticInt(static_int(&INT_TYPE, SMALL_MIN + i as i64));
        i += 1;
    }
    arr
}

/// The immortal ints -5..=256.
static SMALL_INTS: [StaticInt; SMALL_COUNT] = small_ints();

#[inline(always)]
fn static_obj(s: &'static StaticInt) -> PyObj {
    // SAFETY: statics are immortal Python objects; counting on them is a no-op.
    unsafe { PyObj::from_owned(ObjPtr::new(std::ptr::NonNull::from(&s.0.header))) }
}

/// `True` or `False`.
#[inline(always)]
pub fn bool_obj(b: bool) -> PyObj {
    static_obj(if b { &TRUE } else { &FALSE })
}

/// An int from a machine integer.
#[inline]
pub fn from_i64(v: i64) -> PyObj {
    if (SMALL_MIN..=SMALL_MAX).contains(&v) {
        return static_obj(&SMALL_INTS[(v - SMALL_MIN) as usize]);
    }
    alloc_exact_int(v, std::ptr::null_mut())
}

/// An int from a `usize`.
#[inline]
pub fn from_usize(v: usize) -> PyObj {
    match i64::try_from(v) {
        Ok(v) => from_i64(v),
        Err(_) => from_bigint(BigInt::from(v)),
    }
}

/// An int from an `i128`.
pub fn from_i128(v: i128) -> PyObj {
    match i64::try_from(v) {
        Ok(v) => from_i64(v),
        Err(_) => from_bigint(BigInt::from(v)),
    }
}

/// An int from a big integer (stored as a machine value when it fits).
pub fn from_bigint(v: BigInt) -> PyObj {
    match v.to_i64() {
        Some(small) => from_i64(small),
        None => alloc_exact_int(0, Box::into_raw(Box::new(v))),
    }
}

/// An exact `int` (the hot path of every arithmetic result): its kind and size are
/// constants, and an exact int has no slots region, no type reference and no GC
/// tracking, so only the two fields are written (as `float::from_f64`).
#[inline(always)]
fn alloc_exact_int(value: i64, big: *mut BigInt) -> PyObj {
    let obj =
        crate::alloc::alloc_static_sized(&INT_TYPE, HeapKind::NonGc, std::mem::size_of::<PyInt>());
    // SAFETY: a fresh allocation of an int layout; both fields are written.
    unsafe {
        let p = obj.as_ptr() as *mut PyInt;
        std::ptr::addr_of_mut!((*p).value).write(value);
        std::ptr::addr_of_mut!((*p).big).write(big);
        PyObj::from_owned(obj)
    }
}

fn alloc_int(ty: &PyType, value: i64, big: *mut BigInt) -> PyObj {
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of an int layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyInt;
        std::ptr::addr_of_mut!((*p).value).write(value);
        std::ptr::addr_of_mut!((*p).big).write(big);
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// An instance of `ty` (int or a subclass) with value `v`.
pub(crate) fn new_of_type(ty: &PyType, v: &Int) -> PyObj {
    match v {
        Int::Small(s) => alloc_int(ty, *s, std::ptr::null_mut()),
        Int::Big(b) => match b.to_i64() {
            Some(s) => alloc_int(ty, s, std::ptr::null_mut()),
            None => alloc_int(ty, 0, Box::into_raw(Box::new(b.clone().into_owned()))),
        },
    }
}

/// `true` if `obj` is an int (bools included).
#[inline(always)]
pub fn is_int(obj: &PyObj) -> bool {
    obj.ty().flags().contains(TypeFlags::LONG_SUBCLASS)
}

/// `true` if `obj` is exactly an int (not a bool or subclass).
#[inline(always)]
pub fn is_exact_int(obj: &PyObj) -> bool {
    obj.is_exact(&INT_TYPE)
}

#[inline(always)]
fn payload(obj: &PyObj) -> &PyInt {
    debug_assert!(is_int(obj));
    // SAFETY: callers pass ints.
    unsafe { obj.payload_unchecked::<PyInt>() }
}

/// The machine value of an int, if it fits an `i64`.
#[inline(always)]
pub fn as_i64(obj: &PyObj) -> Option<i64> {
    let p = payload(obj);
    if p.big.is_null() {
        Some(p.value)
    } else {
        None
    }
}

/// An int's value in either representation (borrowed for big values).
pub enum Int<'a> {
    /// Fits an `i64`.
    Small(i64),
    /// Does not.
    Big(std::borrow::Cow<'a, BigInt>),
}

impl Int<'_> {
    /// As a `BigInt`.
    pub fn to_big(&self) -> BigInt {
        match self {
            Int::Small(v) => BigInt::from(*v),
            Int::Big(b) => (**b).clone(),
        }
    }

    /// The sign.
    pub fn is_negative(&self) -> bool {
        match self {
            Int::Small(v) => *v < 0,
            Int::Big(b) => b.is_negative(),
        }
    }

    /// Whether it is zero.
    pub fn is_zero(&self) -> bool {
        match self {
            Int::Small(v) => *v == 0,
            Int::Big(b) => b.is_zero(),
        }
    }
}

/// The value of an int.
#[inline]
pub fn value(obj: &PyObj) -> Int<'_> {
    let p = payload(obj);
    if p.big.is_null() {
        Int::Small(p.value)
    } else {
        // SAFETY: `big` is owned by the int and immutable.
        Int::Big(std::borrow::Cow::Borrowed(unsafe { &*p.big }))
    }
}

/// The value as a `BigInt`.
pub fn to_bigint(obj: &PyObj) -> BigInt {
    value(obj).to_big()
}

/// The value as an `f64` (`OverflowError` if too large).
pub fn to_f64(obj: &PyObj) -> PyResult<f64> {
    match value(obj) {
        Int::Small(v) => Ok(v as f64),
        Int::Big(b) => big_to_f64(&b),
    }
}

/// A big integer as the nearest `f64` (`OverflowError` if too large).
pub fn big_to_f64(b: &BigInt) -> PyResult<f64> {
    match b.to_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => Err(overflow_error("int too large to convert to float")),
    }
}

/// The value as an `isize`, or `OverflowError` with CPython's message.
pub fn to_isize(obj: &PyObj) -> PyResult<isize> {
    match value(obj) {
        Int::Small(v) => isize::try_from(v)
            .map_err(|_| overflow_error("Python int too large to convert to C ssize_t")),
        Int::Big(_) => Err(overflow_error(
            "Python int too large to convert to C ssize_t",
        )),
    }
}

#[inline]
fn result(v: BigInt) -> PyResult<PyObj> {
    Ok(from_bigint(v))
}

/// Both operands as ints, or None (the slot then returns `NotImplemented`).
#[inline(always)]
fn both<'a>(a: &'a PyObj, b: &'a PyObj) -> Option<(Int<'a>, Int<'a>)> {
    if is_int(a) && is_int(b) {
        Some((value(a), value(b)))
    } else {
        None
    }
}

macro_rules! arith {
    ($name:ident, $checked:ident, $op:tt) => {
        fn $name(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
            match both(a, b) {
                Some((Int::Small(x), Int::Small(y))) => match x.$checked(y) {
                    Some(r) => Ok(from_i64(r)),
                    None => result(BigInt::from(x) $op BigInt::from(y)),
                },
                Some((x, y)) => result(x.to_big() $op y.to_big()),
                None => Ok(not_implemented()),
            }
        }
    };
}

arith!(int_add, checked_add, +);
arith!(int_sub, checked_sub, -);
arith!(int_mul, checked_mul, *);

/// `a + b` for two ints (the interpreter's fast path).
pub fn add(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    int_add(a, b)
}

/// `a - b` for two ints.
pub fn sub(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    int_sub(a, b)
}

/// `a * b` for two ints.
pub fn mul(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    int_mul(a, b)
}

fn zero_div() -> crate::PyErr {
    zero_division_error("integer division or modulo by zero")
}

/// Floor division and modulo with Python's signs.
fn divmod_small(x: i64, y: i64) -> Option<(i64, i64)> {
    if y == 0 || (x == i64::MIN && y == -1) {
        return None;
    }
    let (q, r) = (x / y, x % y);
    if r != 0 && ((r < 0) != (y < 0)) {
        Some((q - 1, r + y))
    } else {
        Some((q, r))
    }
}

fn divmod_big(x: &BigInt, y: &BigInt) -> (BigInt, BigInt) {
    x.div_mod_floor(y)
}

fn int_floordiv(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let Some((x, y)) = both(a, b) else {
        return Ok(not_implemented());
    };
    if y.is_zero() {
        return Err(zero_div());
    }
    match (&x, &y) {
        (Int::Small(x), Int::Small(y)) if divmod_small(*x, *y).is_some() => {
            Ok(from_i64(divmod_small(*x, *y).expect("checked").0))
        }
        _ => result(divmod_big(&x.to_big(), &y.to_big()).0),
    }
}

fn int_rem(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let Some((x, y)) = both(a, b) else {
        return Ok(not_implemented());
    };
    if y.is_zero() {
        return Err(zero_division_error("integer modulo by zero"));
    }
    match (&x, &y) {
        (Int::Small(x), Int::Small(y)) if divmod_small(*x, *y).is_some() => {
            Ok(from_i64(divmod_small(*x, *y).expect("checked").1))
        }
        _ => result(divmod_big(&x.to_big(), &y.to_big()).1),
    }
}

fn int_divmod(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let Some((x, y)) = both(a, b) else {
        return Ok(not_implemented());
    };
    if y.is_zero() {
        return Err(zero_div());
    }
    let (q, r) = match (&x, &y) {
        (Int::Small(x), Int::Small(y)) if divmod_small(*x, *y).is_some() => {
            let (q, r) = divmod_small(*x, *y).expect("checked");
            (from_i64(q), from_i64(r))
        }
        _ => {
            let (q, r) = divmod_big(&x.to_big(), &y.to_big());
            (from_bigint(q), from_bigint(r))
        }
    };
    Ok(crate::tuple::pair(q, r))
}

/// True division of two integers, correctly rounded like CPython's `long_true_divide`.
pub fn true_divide(x: &Int, y: &Int) -> PyResult<f64> {
    if y.is_zero() {
        return Err(zero_division_error("division by zero"));
    }
    if let (Int::Small(a), Int::Small(b)) = (x, y) {
        const EXACT: i64 = 1 << 53;
        if a.unsigned_abs() <= EXACT as u64 && b.unsigned_abs() <= EXACT as u64 {
            return Ok(*a as f64 / *b as f64);
        }
    }
    let (a, b) = (x.to_big(), y.to_big());
    let negative = a.is_negative() != b.is_negative();
    let (a, b) = (a.abs(), b.abs());
    // Scale so that the quotient has 55 significant bits, divide exactly, then round
    // half-to-even through the sticky remainder bit.
    let shift = b.bits() as i64 - a.bits() as i64 + 55;
    let (num, den) = if shift >= 0 {
        (a << shift as usize, b)
    } else {
        (a, b << (-shift) as usize)
    };
    let (mut q, r) = num.div_rem(&den);
    if !r.is_zero() {
        q = (q << 1usize) | BigInt::one();
    } else {
        q <<= 1usize;
    }
    // q now has 56 or 57 bits; to_f64 rounds half-to-even, and the sticky bit makes
    // ties exact.
    let qf = q.to_f64().expect("bounded");
    let exp = -(shift as i32) - 1;
    let value = if exp > 1023 {
        f64::INFINITY
    } else {
        libm_ldexp(qf, exp)
    };
    if value.is_infinite() {
        return Err(overflow_error(
            "integer division result too large for a float",
        ));
    }
    Ok(if negative { -value } else { value })
}

/// `x * 2**exp` (C's `ldexp`), exact where representable.
pub fn libm_ldexp(x: f64, exp: i32) -> f64 {
    let mut x = x;
    let mut e = exp;
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e)
}

fn int_truediv(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let Some((x, y)) = both(a, b) else {
        return Ok(not_implemented());
    };
    Ok(crate::float::from_f64(true_divide(&x, &y)?))
}

fn int_pow(a: &PyObj, b: &PyObj, m: &PyObj) -> PyResult<PyObj> {
    let Some((base, exp)) = both(a, b) else {
        return Ok(not_implemented());
    };
    if !crate::singletons::is_none(m) {
        if !is_int(m) {
            return Ok(not_implemented());
        }
        return modpow(&base.to_big(), &exp.to_big(), &to_bigint(m));
    }
    if exp.is_negative() {
        return crate::float::float_pow_values(to_f64(a)?, to_f64(b)?);
    }
    if let (Int::Small(x), Int::Small(y)) = (&base, &exp) {
        if let Ok(e) = u32::try_from(*y) {
            if let Some(r) = x.checked_pow(e) {
                return Ok(from_i64(r));
            }
        }
    }
    let e = exp
        .to_big()
        .to_u64()
        .ok_or_else(|| overflow_error("exponent too large"))?;
    let base = base.to_big();
    if base.is_zero() || base.is_one() || (-base.clone()).is_one() {
        let r = if base.is_zero() {
            if e == 0 {
                BigInt::one()
            } else {
                BigInt::zero()
            }
        } else if base.is_one() || e % 2 == 0 {
            BigInt::one()
        } else {
            base
        };
        return result(r);
    }
    if e > u32::MAX as u64 {
        return Err(crate::exceptions::memory_error());
    }
    result(Pow::pow(&base, e as u32))
}

fn modpow(base: &BigInt, exp: &BigInt, m: &BigInt) -> PyResult<PyObj> {
    if m.is_zero() {
        return Err(value_error("pow() 3rd argument cannot be 0"));
    }
    let modulus = m.abs();
    let mut base = base.mod_floor(&modulus);
    let mut exp = exp.clone();
    if exp.is_negative() {
        base = mod_inverse(&base, &modulus)
            .ok_or_else(|| value_error("base is not invertible for the given modulus"))?;
        exp = -exp;
    }
    let mut r = base.modpow(&exp, &modulus);
    if m.is_negative() && !r.is_zero() {
        r += m;
    }
    result(r)
}

fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let e = a.extended_gcd(m);
    if e.gcd.is_one() {
        Some(e.x.mod_floor(m))
    } else {
        None
    }
}

fn shift_count(b: &Int) -> PyResult<Option<u64>> {
    if b.is_negative() {
        return Err(value_error("negative shift count"));
    }
    Ok(match b {
        Int::Small(v) => Some(*v as u64),
        Int::Big(_) => None,
    })
}

fn int_lshift(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let Some((x, y)) = both(a, b) else {
        return Ok(not_implemented());
    };
    let n = shift_count(&y)?;
    if x.is_zero() {
        return Ok(from_i64(0));
    }
    let n = n.ok_or_else(|| overflow_error("too many digits in integer"))?;
    if let Int::Small(v) = x {
        if n < 63 && (v.unsigned_abs() >> (63 - n)) == 0 {
            return Ok(from_i64(v << n));
        }
    }
    if n > (1 << 32) {
        return Err(crate::exceptions::memory_error());
    }
    result(x.to_big() << n as usize)
}

fn int_rshift(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let Some((x, y)) = both(a, b) else {
        return Ok(not_implemented());
    };
    let n = shift_count(&y)?;
    match (x, n) {
        (Int::Small(v), Some(n)) => Ok(from_i64(if n >= 64 {
            if v < 0 {
                -1
            } else {
                0
            }
        } else {
            v >> n
        })),
        (x, None) => Ok(from_i64(if x.is_negative() { -1 } else { 0 })),
        (x, Some(n)) => result(x.to_big() >> n as usize),
    }
}

macro_rules! bitop {
    ($name:ident, $op:tt) => {
        fn $name(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
            match both(a, b) {
                Some((Int::Small(x), Int::Small(y))) => Ok(from_i64(x $op y)),
                Some((x, y)) => result(x.to_big() $op y.to_big()),
                None => Ok(not_implemented()),
            }
        }
    };
}

bitop!(int_and, &);
bitop!(int_or, |);
bitop!(int_xor, ^);

fn int_neg(a: &PyObj) -> PyResult<PyObj> {
    match value(a) {
        Int::Small(v) => match v.checked_neg() {
            Some(r) => Ok(from_i64(r)),
            None => result(-BigInt::from(v)),
        },
        Int::Big(b) => result(-(*b).clone()),
    }
}

fn int_pos(a: &PyObj) -> PyResult<PyObj> {
    if a.is_exact(&INT_TYPE) {
        return Ok(a.clone());
    }
    Ok(match value(a) {
        Int::Small(v) => from_i64(v),
        Int::Big(b) => from_bigint((*b).clone()),
    })
}

fn int_abs(a: &PyObj) -> PyResult<PyObj> {
    if value(a).is_negative() {
        int_neg(a)
    } else {
        int_pos(a)
    }
}

fn int_invert(a: &PyObj) -> PyResult<PyObj> {
    match value(a) {
        Int::Small(v) => Ok(from_i64(!v)),
        Int::Big(b) => result(!(*b).clone()),
    }
}

fn int_float(a: &PyObj) -> PyResult<PyObj> {
    Ok(crate::float::from_f64(to_f64(a)?))
}

fn int_bool(a: &PyObj) -> PyResult<bool> {
    Ok(!value(a).is_zero())
}

fn int_hash(a: &PyObj) -> PyResult<isize> {
    Ok(match value(a) {
        Int::Small(v) => crate::hash::hash_i64(v),
        Int::Big(b) => crate::hash::hash_bigint(&b),
    })
}

/// Compares two ints.
pub fn cmp(a: &PyObj, b: &PyObj) -> std::cmp::Ordering {
    match (value(a), value(b)) {
        (Int::Small(x), Int::Small(y)) => x.cmp(&y),
        (x, y) => x.to_big().cmp(&y.to_big()),
    }
}

fn int_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_int(b) {
        return Ok(not_implemented());
    }
    Ok(bool_obj(op.test(cmp(a, b))))
}

/// Maximum digits for str/int conversion (`sys.set_int_max_str_digits`; 0 = no limit).
pub static MAX_STR_DIGITS: AtomicUsize = AtomicUsize::new(4300);

fn digits_error(limit: usize) -> crate::PyErr {
    value_error(format!(
        "Exceeds the limit ({limit} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"
    ))
}

/// The decimal digits of `b` (no sign), or `ValueError` beyond the digit limit.
pub fn decimal_digits(b: &BigInt) -> PyResult<String> {
    let limit = MAX_STR_DIGITS.load(Relaxed);
    // A cheap bound first: bits * log10(2) digits.
    if limit > 0 && (b.bits() as f64 * std::f64::consts::LOG10_2) as usize > limit + 1 {
        return Err(digits_error(limit));
    }
    let s = b.magnitude().to_string();
    if limit > 0 && s.len() > limit {
        return Err(digits_error(limit));
    }
    Ok(s)
}

/// The decimal text of an int (`ValueError` beyond the digit limit).
pub fn to_decimal_string(obj: &PyObj) -> PyResult<String> {
    match value(obj) {
        Int::Small(v) => Ok(v.to_string()),
        Int::Big(b) => {
            let digits = decimal_digits(&b)?;
            Ok(if b.is_negative() {
                format!("-{digits}")
            } else {
                digits
            })
        }
    }
}

fn int_repr(a: &PyObj) -> PyResult<PyObj> {
    Ok(crate::str::from_string(to_decimal_string(a)?))
}

fn bool_repr(a: &PyObj) -> PyResult<PyObj> {
    Ok(crate::str::intern(if value(a).is_zero() {
        "False"
    } else {
        "True"
    }))
}

fn bool_and(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if a.is_exact(&BOOL_TYPE) && b.is_exact(&BOOL_TYPE) {
        return Ok(bool_obj(!value(a).is_zero() & !value(b).is_zero()));
    }
    int_and(a, b)
}

fn bool_or(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if a.is_exact(&BOOL_TYPE) && b.is_exact(&BOOL_TYPE) {
        return Ok(bool_obj(!value(a).is_zero() | !value(b).is_zero()));
    }
    int_or(a, b)
}

fn bool_xor(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if a.is_exact(&BOOL_TYPE) && b.is_exact(&BOOL_TYPE) {
        return Ok(bool_obj(!value(a).is_zero() ^ !value(b).is_zero()));
    }
    int_xor(a, b)
}

fn bool_new(_cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kwnames);
    a.no_kwargs("bool")?;
    a.max_positional("bool", 1)?;
    Ok(bool_obj(match a.positional(0) {
        Some(x) => crate::abstract_::is_true(x)?,
        None => false,
    }))
}

/// Parses Python integer literal text in `base` (0 = auto-detect from a prefix), with
/// underscores between digits and surrounding whitespace, like `int(str, base)`.
pub fn parse(text: &str, base: u32) -> Option<BigInt> {
    let t = text.trim_matches(crate::str_methods::is_py_space);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = t.to_ascii_lowercase();
    let (base, digits) = {
        let prefixed = |p: &str| lower.starts_with(p);
        if (base == 0 || base == 16) && prefixed("0x") {
            (16, &t[2..])
        } else if (base == 0 || base == 8) && prefixed("0o") {
            (8, &t[2..])
        } else if (base == 0 || base == 2) && prefixed("0b") {
            (2, &t[2..])
        } else if base == 0 {
            // No prefix: decimal, and leading zeros only for zero itself.
            if t.len() > 1 && t.starts_with('0') && !t.trim_start_matches(['0', '_']).is_empty() {
                return None;
            }
            (10, t)
        } else {
            (base, t)
        }
    };
    let digits = digits
        .strip_prefix('_')
        .filter(|_| digits.len() != t.len())
        .unwrap_or(digits);
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    // Unicode decimal digits (e.g. Arabic-Indic) count like CPython's int().
    let clean: String = clean
        .chars()
        .map(|c| match c.to_digit(36) {
            Some(_) => Some(c),
            None => unicode_decimal(c).map(|d| char::from_digit(d, 10).expect("0-9")),
        })
        .collect::<Option<String>>()?;
    let v = BigInt::parse_bytes(clean.as_bytes(), base)?;
    Some(if neg { -v } else { v })
}

fn unicode_decimal(c: char) -> Option<u32> {
    use unicode_general_category::{get_general_category, GeneralCategory};
    if get_general_category(c) != GeneralCategory::DecimalNumber {
        return None;
    }
    // Decimal digits come in contiguous runs of ten starting at a multiple of 16 or so;
    // find the run's zero by walking back while still a decimal digit.
    let mut zero = c as u32;
    while zero > 0 {
        match char::from_u32(zero - 1) {
            Some(p)
                if get_general_category(p) == GeneralCategory::DecimalNumber
                    && (c as u32 - (zero - 1)) < 10 =>
            {
                zero -= 1
            }
            _ => break,
        }
    }
    Some(c as u32 - zero)
}

/// `int(x)` / `int(x, base)`.
fn int_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kwnames);
    let bound = a.bind("int", 0, &["x", "base"], 0)?;
    let ty = crate::typeobj::expect_type(cls, "int.__new__(X)")?;
    let v = match (bound[0], bound[1]) {
        (None, None) => BigInt::zero(),
        (None, Some(_)) => return Err(type_error("int() missing string argument")),
        (Some(x), None) => return int_from_object(ty, x),
        (Some(x), Some(b)) => {
            let base = crate::abstract_::index(b)?;
            let base = as_i64(&base).unwrap_or(-1);
            if !(base == 0 || (2..=36).contains(&base)) {
                return Err(value_error("int() base must be >= 2 and <= 36, or 0"));
            }
            let text = if crate::str::is_str(x) {
                crate::str::as_str(x).to_string()
            } else if let Some(bytes) = crate::bytes::as_bytes_opt(x) {
                String::from_utf8_lossy(bytes).into_owned()
            } else if crate::bytearray::is_bytearray(x) {
                // Errors show the bytes, as CPython's do.
                let b = crate::bytes::new(&crate::bytearray::to_vec(x));
                let text = String::from_utf8_lossy(crate::bytes::as_bytes(&b)).into_owned();
                return Ok(new_of_type(
                    ty,
                    &Int::Big(std::borrow::Cow::Owned(parse_checked(
                        &text,
                        base as u32,
                        &b,
                    )?)),
                ));
            } else {
                return Err(type_error(
                    "int() can't convert non-string with explicit base",
                ));
            };
            parse_checked(&text, base as u32, x)?
        }
    };
    Ok(new_of_type(ty, &Int::Big(std::borrow::Cow::Owned(v))))
}

/// The value of `text` when it is 1 to 18 ASCII decimal digits and nothing else (no
/// sign, space or underscore): what `int(text)` gives, without a `BigInt`; `None`
/// for any other text, which [`parse_checked`] reads.
#[inline]
fn small_decimal(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.is_empty() || b.len() > 18 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
}

fn parse_checked(text: &str, base: u32, orig: &PyObj) -> PyResult<BigInt> {
    let limit = MAX_STR_DIGITS.load(Relaxed);
    // The limit applies to bases that are not powers of two (base 0: decimal text).
    let body = text
        .trim_matches(crate::str_methods::is_py_space)
        .trim_start_matches(['-', '+']);
    let lower = body.get(..2).map(str::to_ascii_lowercase);
    let prefixed = matches!(lower.as_deref(), Some("0x" | "0o" | "0b"));
    let binary_base = base.is_power_of_two() || (base == 0 && prefixed);
    if limit > 0 && !binary_base {
        let digits = body.chars().filter(|c| c.is_alphanumeric()).count();
        if digits > limit {
            return Err(value_error(format!(
                "Exceeds the limit ({limit} digits) for integer string conversion: value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
            )));
        }
    }
    parse(text, base).ok_or_else(|| {
        value_error(format!(
            "invalid literal for int() with base {base}: {}",
            crate::abstract_::repr_string(orig).unwrap_or_default()
        ))
    })
}

fn int_from_object(ty: &PyType, x: &PyObj) -> PyResult<PyObj> {
    let v: PyObj = if is_int(x) {
        x.clone()
    } else if crate::str::is_str(x) {
        let text = crate::str::as_str(x);
        match small_decimal(text) {
            Some(i) => from_i64(i),
            None => from_bigint(parse_checked(text, 10, x)?),
        }
    } else if let Some(bytes) = crate::bytes::as_bytes_opt(x) {
        from_bigint(parse_checked(&String::from_utf8_lossy(bytes), 10, x)?)
    } else if let Some(f) = crate::float::as_f64_exact_float(x) {
        from_float(f)?
    } else if let Some(f) = x.ty().slots().number.int {
        let r = f(x)?;
        if !is_int(&r) {
            return Err(type_error(format!(
                "__int__ returned non-int (type {})",
                r.ty().name()
            )));
        }
        r
    } else if let Some(f) = x.ty().slots().number.index {
        f(x)?
    } else if let Some(trunc) = x.ty().lookup_str("__trunc__") {
        let r = crate::abstract_::call_descr(&trunc, x, &[])?;
        crate::abstract_::index(&r)?
    } else if crate::buffer::has_buffer(x) {
        // Any other bytes-like object is read as text; errors show its bytes.
        let b = crate::bytes::new(&crate::buffer::bytes_like(x)?);
        from_bigint(parse_checked(
            &String::from_utf8_lossy(crate::bytes::as_bytes(&b)),
            10,
            &b,
        )?)
    } else {
        return Err(type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            x.ty().name()
        )));
    };
    if std::ptr::eq(ty, &INT_TYPE) {
        if v.is_exact(&INT_TYPE) {
            return Ok(v);
        }
        return Ok(new_of_type(&INT_TYPE, &value(&v)));
    }
    Ok(new_of_type(ty, &value(&v)))
}

/// `int(f)` for a float: truncation toward zero.
pub fn from_float(f: f64) -> PyResult<PyObj> {
    if f.is_nan() {
        return Err(value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(overflow_error("cannot convert float infinity to integer"));
    }
    let t = f.trunc();
    if t.abs() < 9.2e18 {
        return Ok(from_i64(t as i64));
    }
    Ok(from_bigint(bigint_from_f64(t)))
}

/// The exact integer value of an integral float.
pub fn bigint_from_f64(f: f64) -> BigInt {
    let (m, e) = crate::hash::frexp(f);
    // m * 2**53 is an exact integer.
    let mant = (m * (1u64 << 53) as f64) as i64;
    let shift = e - 53;
    let b = BigInt::from(mant);
    if shift >= 0 {
        b << shift as usize
    } else {
        b >> (-shift) as usize
    }
}

/// Methods of `int`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("bit_length", |args, kw| {
            crate::args::Args::new(args, kw).exact("bit_length", 1)?;
            Ok(from_usize(match value(&args[0]) {
                Int::Small(v) => (64 - v.unsigned_abs().leading_zeros()) as usize,
                Int::Big(b) => b.bits() as usize,
            }))
        }),
        MethodDef::new("bit_count", |args, kw| {
            crate::args::Args::new(args, kw).exact("bit_count", 1)?;
            Ok(from_usize(match value(&args[0]) {
                Int::Small(v) => v.unsigned_abs().count_ones() as usize,
                Int::Big(b) => b.magnitude().count_ones() as usize,
            }))
        }),
        MethodDef::new("conjugate", |args, kw| {
            crate::args::Args::new(args, kw).exact("conjugate", 1)?;
            int_pos(&args[0])
        }),
        MethodDef::new("__index__", |args, _| int_pos(&args[0])),
        MethodDef::new("__trunc__", |args, _| int_pos(&args[0])),
        MethodDef::new("__floor__", |args, _| int_pos(&args[0])),
        MethodDef::new("__ceil__", |args, _| int_pos(&args[0])),
        MethodDef::new("__round__", int_round),
        MethodDef::new("__getnewargs__", |args, _| {
            Ok(crate::tuple::from_vec(vec![int_pos(&args[0])?]))
        }),
        MethodDef::new("as_integer_ratio", |args, kw| {
            crate::args::Args::new(args, kw).exact("as_integer_ratio", 1)?;
            Ok(crate::tuple::pair(int_pos(&args[0])?, from_i64(1)))
        }),
        MethodDef::new("to_bytes", int_to_bytes),
        MethodDef::class("from_bytes", int_from_bytes),
        MethodDef::new("__format__", crate::format::int_format_method),
        MethodDef::new("__sizeof__", |args, _| {
            Ok(from_usize(match value(&args[0]) {
                Int::Small(_) => 28,
                Int::Big(b) => 24 + 4 * b.bits().div_ceil(30) as usize,
            }))
        }),
    ]
}

/// `real`, `imag`, `numerator`, `denominator`.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![
        GetSetDef::new("real", int_pos, None),
        GetSetDef::new("imag", |_| Ok(from_i64(0)), None),
        GetSetDef::new("numerator", int_pos, None),
        GetSetDef::new("denominator", |_| Ok(from_i64(1)), None),
    ]
}

fn int_round(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kw);
    a.range("__round__", 1, 2)?;
    let x = &args[0];
    let Some(nd) = a.positional(1).filter(|n| !crate::singletons::is_none(n)) else {
        return int_pos(x);
    };
    let nd = crate::abstract_::index(nd)?;
    let nd = to_bigint(&nd);
    if !nd.is_negative() {
        return int_pos(x);
    }
    // Round to 10**(-nd) with ties to even.
    let p = nd
        .abs()
        .to_u32()
        .ok_or_else(|| overflow_error("ndigits too large"))?;
    let pow10: BigInt = Pow::pow(BigInt::from(10), p);
    let v = to_bigint(x);
    let (q, r) = v.div_mod_floor(&pow10);
    let twice: BigInt = &r * 2;
    let q = match twice.cmp(&pow10) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal if q.is_odd() => q + 1,
        _ => q,
    };
    result(q * pow10)
}

fn int_to_bytes(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kw);
    let b = a.bind("to_bytes", 1, &["length", "byteorder", "signed"], 0)?;
    let length = match b[0] {
        Some(l) => to_isize(&crate::abstract_::index(l)?)?,
        None => 1,
    };
    if length < 0 {
        return Err(value_error("length argument must be non-negative"));
    }
    let little = byteorder_arg("to_bytes", b[1])?;
    let signed = match b[2] {
        Some(s) => crate::abstract_::is_true(s)?,
        None => false,
    };
    let v = to_bigint(&args[0]);
    if !signed && v.is_negative() {
        return Err(overflow_error("can't convert negative int to unsigned"));
    }
    let mut bytes = if signed {
        v.to_signed_bytes_le()
    } else {
        v.to_bytes_le().1
    };
    // CPython's _PyLong_AsByteArray fits 0 and also -1 (all sign bits) in no bytes.
    if v.is_zero() || (signed && length == 0 && v == BigInt::from(-1)) {
        bytes.clear();
    }
    if bytes.len() > length as usize {
        return Err(overflow_error("int too big to convert"));
    }
    let fill = if signed && v.is_negative() { 0xff } else { 0 };
    let extra = length as usize - bytes.len();
    crate::alloc::check_bytes(length as usize)?;
    bytes
        .try_reserve_exact(extra)
        .map_err(|_| crate::exceptions::memory_error())?;
    bytes.resize(length as usize, fill);
    if !little {
        bytes.reverse();
    }
    crate::bytes::try_new(&bytes)
}

/// The `byteorder` argument of `to_bytes`/`from_bytes`: `true` for `'little'`.
fn byteorder_arg(func: &str, o: Option<&PyObj>) -> PyResult<bool> {
    let Some(o) = o else {
        return Ok(false);
    };
    if !crate::str::is_str(o) {
        return Err(type_error(format!(
            "{func}() argument 'byteorder' must be str, not {}",
            o.ty().name()
        )));
    }
    match crate::str::as_str(o) {
        "little" => Ok(true),
        "big" => Ok(false),
        _ => Err(value_error("byteorder must be either 'little' or 'big'")),
    }
}

fn int_from_bytes(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kw);
    let b = a.bind("from_bytes", 1, &["bytes", "byteorder", "signed"], 1)?;
    let data = crate::bytes::bytes_from_object(b[0].expect("required"))?;
    let little = byteorder_arg("from_bytes", b[1])?;
    let signed = match b[2] {
        Some(s) => crate::abstract_::is_true(s)?,
        None => false,
    };
    let v = match (little, signed) {
        (true, true) => BigInt::from_signed_bytes_le(&data),
        (true, false) => BigInt::from_bytes_le(Sign::Plus, &data),
        (false, true) => BigInt::from_signed_bytes_be(&data),
        (false, false) => BigInt::from_bytes_be(Sign::Plus, &data),
    };
    let cls = crate::typeobj::expect_type(&args[0], "from_bytes")?;
    if std::ptr::eq(cls, &INT_TYPE) {
        Ok(from_bigint(v))
    } else {
        crate::abstract_::call(&args[0], &[from_bigint(v)], None)
    }
}
