//! `complex`: a pair of IEEE 754 doubles (Objects/complexobject.c). Arithmetic mixes
//! with ints and floats (they are converted to the real part), division uses
//! Smith's method as CPython's `_Py_c_quot` does, integral powers up to 100 use
//! repeated squaring (`c_powi`) and others the polar form (`_Py_c_pow`), and reprs,
//! hashing, equality with numbers, `complex()` parsing and formatting follow
//! CPython 3.11. Complex numbers are not ordered.

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::{overflow_error, type_error, value_error, zero_division_error};
use crate::object::{PyObj, PyPayload};
use crate::singletons::{bool_obj, not_implemented};
use crate::typeobj::{CompareOp, NumberSlots, PyType, Slots, TypeFlags};
use crate::PyResult;

/// `repr(complex)` lives in strand-literal (the compiler prints complex constants too).
pub use strand_literal::complex::repr_parts;

/// The layout of a `complex`.
#[repr(C)]
pub struct PyComplex {
    header: ObjectHeader,
    real: f64,
    imag: f64,
}

// SAFETY: repr(C), header first; subclasses extend it.
unsafe impl PyPayload for PyComplex {
    fn type_object() -> &'static PyType {
        &COMPLEX_TYPE
    }
}

unsafe fn complex_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; no references held.
    unsafe { crate::heaptype::dealloc_instance_memory(obj) }
}

crate::builtin_type! {
    /// The `complex` type.
    pub static COMPLEX_TYPE = {
        name: "complex",
        layout: PyComplex,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE,
        traverse: None,
        clear: None,
        dealloc: complex_dealloc,
        size: None,
        slots: Slots {
            repr: Some(complex_repr),
            hash: Some(complex_hash),
            richcompare: Some(complex_richcompare),
            new: Some(complex_new),
            bool: Some(|o| {
                let (re, im) = parts(o);
                Ok(re != 0.0 || im != 0.0)
            }),
            number: NumberSlots {
                add: Some(complex_add),
                sub: Some(complex_sub),
                mul: Some(complex_mul),
                truediv: Some(complex_truediv),
                pow: Some(complex_pow),
                neg: Some(|o| {
                    let (re, im) = parts(o);
                    Ok(from_parts(-re, -im))
                }),
                pos: Some(complex_pos),
                abs: Some(complex_abs),
                ..NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

/// A complex number as `(real, imag)`.
type C = (f64, f64);

/// A new complex number.
pub fn from_parts(real: f64, imag: f64) -> PyObj {
    new_of_type(&COMPLEX_TYPE, real, imag)
}

fn new_of_type(ty: &PyType, real: f64, imag: f64) -> PyObj {
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of a complex layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyComplex;
        std::ptr::addr_of_mut!((*p).real).write(real);
        std::ptr::addr_of_mut!((*p).imag).write(imag);
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// `true` if `obj` is a complex number (or subclass).
#[inline]
pub fn is_complex(obj: &PyObj) -> bool {
    obj.is_instance_of(&COMPLEX_TYPE)
}

/// The parts of a complex number (callers check the type).
pub fn parts(obj: &PyObj) -> C {
    debug_assert!(is_complex(obj));
    // SAFETY: callers pass complex numbers.
    let c = unsafe { obj.payload_unchecked::<PyComplex>() };
    (c.real, c.imag)
}

/// A complex, float or int operand, or `None` (the slot returns NotImplemented).
fn operand(obj: &PyObj) -> PyResult<Option<C>> {
    if is_complex(obj) {
        Ok(Some(parts(obj)))
    } else if crate::float::is_float(obj) {
        Ok(Some((crate::float::value(obj), 0.0)))
    } else if crate::int::is_int(obj) {
        Ok(Some((crate::int::to_f64(obj)?, 0.0)))
    } else {
        Ok(None)
    }
}

macro_rules! complex_binop {
    ($name:ident, |$x:ident, $y:ident| $body:expr) => {
        fn $name(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
            let (Some($x), Some($y)) = (operand(a)?, operand(b)?) else {
                return Ok(not_implemented());
            };
            $body
        }
    };
}

complex_binop!(complex_add, |x, y| Ok(from_parts(x.0 + y.0, x.1 + y.1)));
complex_binop!(complex_sub, |x, y| Ok(from_parts(x.0 - y.0, x.1 - y.1)));
complex_binop!(complex_mul, |x, y| {
    let (re, im) = mul(x, y);
    Ok(from_parts(re, im))
});
complex_binop!(complex_truediv, |x, y| match quot(x, y) {
    Some((re, im)) => Ok(from_parts(re, im)),
    None => Err(zero_division_error("complex division by zero")),
});

fn mul(a: C, b: C) -> C {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

/// `a / b` by Smith's method; `None` when `b` is zero.
fn quot(a: C, b: C) -> Option<C> {
    let (abs_re, abs_im) = (b.0.abs(), b.1.abs());
    if abs_re >= abs_im {
        if abs_re == 0.0 {
            return None;
        }
        let ratio = b.1 / b.0;
        let denom = b.0 + b.1 * ratio;
        Some(((a.0 + a.1 * ratio) / denom, (a.1 - a.0 * ratio) / denom))
    } else if abs_im >= abs_re {
        let ratio = b.0 / b.1;
        let denom = b.0 * ratio + b.1;
        Some(((a.0 * ratio + a.1) / denom, (a.1 * ratio - a.0) / denom))
    } else {
        // A NaN in the divisor.
        Some((f64::NAN, f64::NAN))
    }
}

/// How a power failed (CPython's errno values).
enum PowError {
    /// `EDOM`: zero to a negative or complex power.
    Domain,
}

/// `a ** b` in polar form (`_Py_c_pow`).
fn pow_general(a: C, b: C) -> Result<C, PowError> {
    if b.0 == 0.0 && b.1 == 0.0 {
        return Ok((1.0, 0.0));
    }
    if a.0 == 0.0 && a.1 == 0.0 {
        if b.1 != 0.0 || b.0 < 0.0 {
            return Err(PowError::Domain);
        }
        return Ok((0.0, 0.0));
    }
    let vabs = a.0.hypot(a.1);
    let mut len = vabs.powf(b.0);
    let at = a.1.atan2(a.0);
    let mut phase = at * b.0;
    if b.1 != 0.0 {
        len /= (at * b.1).exp();
        phase += b.1 * vabs.ln();
    }
    Ok((len * phase.cos(), len * phase.sin()))
}

/// `a ** n` for a small integer `n` by repeated squaring (`c_powi`).
fn pow_int(a: C, n: i64) -> Result<C, PowError> {
    if !(-100..=100).contains(&n) {
        return pow_general(a, (n as f64, 0.0));
    }
    let powu = |mut n: u64| {
        let (mut r, mut p) = ((1.0, 0.0), a);
        while n > 0 {
            if n & 1 == 1 {
                r = mul(r, p);
            }
            p = mul(p, p);
            n >>= 1;
        }
        r
    };
    if n >= 0 {
        Ok(powu(n as u64))
    } else {
        quot((1.0, 0.0), powu(n.unsigned_abs())).ok_or(PowError::Domain)
    }
}

/// `a ** b` for complex values, with CPython's errors.
pub fn pow_values(a: C, b: C) -> PyResult<PyObj> {
    let n = b.0 as i64;
    let r = if b.1 == 0.0 && b.0 == n as f64 {
        pow_int(a, n)
    } else {
        pow_general(a, b)
    };
    match r {
        Err(PowError::Domain) => Err(zero_division_error("0.0 to a negative or complex power")),
        Ok((re, im)) => {
            let finite_in =
                a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite();
            if finite_in && (re.is_infinite() || im.is_infinite()) {
                return Err(overflow_error("complex exponentiation"));
            }
            Ok(from_parts(re, im))
        }
    }
}

fn complex_pow(a: &PyObj, b: &PyObj, z: &PyObj) -> PyResult<PyObj> {
    let (Some(x), Some(y)) = (operand(a)?, operand(b)?) else {
        return Ok(not_implemented());
    };
    if !crate::singletons::is_none(z) {
        return Err(value_error("complex modulo"));
    }
    pow_values(x, y)
}

fn complex_pos(a: &PyObj) -> PyResult<PyObj> {
    if a.is_exact(&COMPLEX_TYPE) {
        return Ok(a.clone());
    }
    let (re, im) = parts(a);
    Ok(from_parts(re, im))
}

fn complex_abs(a: &PyObj) -> PyResult<PyObj> {
    let (re, im) = parts(a);
    let r = re.hypot(im);
    if r.is_infinite() && re.is_finite() && im.is_finite() {
        return Err(overflow_error("absolute value too large"));
    }
    Ok(crate::float::from_f64(r))
}

fn complex_repr(a: &PyObj) -> PyResult<PyObj> {
    let (re, im) = parts(a);
    Ok(crate::str::from_string(repr_parts(re, im)))
}

fn complex_hash(a: &PyObj) -> PyResult<isize> {
    let (re, im) = parts(a);
    let hr = crate::hash::hash_f64(re, a.addr()) as usize;
    let hi = crate::hash::hash_f64(im, a.addr()) as usize;
    let h = hr.wrapping_add(1_000_003usize.wrapping_mul(hi)) as isize;
    Ok(if h == -1 { -2 } else { h })
}

fn complex_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(not_implemented());
    }
    let (re, im) = parts(a);
    let equal = if is_complex(b) {
        let (bre, bim) = parts(b);
        re == bre && im == bim
    } else if crate::float::is_float(b) {
        im == 0.0 && re == crate::float::value(b)
    } else if crate::int::is_int(b) {
        // Exact, even for ints too large for a float.
        im == 0.0 && crate::float::compare_with_int(re, b) == Some(std::cmp::Ordering::Equal)
    } else {
        return Ok(not_implemented());
    };
    Ok(bool_obj(equal == (op == CompareOp::Eq)))
}

/// Parses `complex(str)`: `re`, `imj`, `re±imj` (`j` or `J`; `±j` alone is `±1j`),
/// optionally in parentheses, surrounding whitespace allowed, none inside.
pub fn parse(text: &str) -> Option<C> {
    let mut s = text.trim();
    if let Some(inner) = s.strip_prefix('(') {
        s = inner.strip_suffix(')')?.trim();
    }
    if s.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    let number = |t: &str| -> Option<f64> {
        if t.is_empty() || t.starts_with(['+', '-']) && t.len() == 1 {
            return None;
        }
        crate::float::parse(t)
    };
    let Some(body) = s.strip_suffix(['j', 'J']) else {
        return number(s).map(|re| (re, 0.0));
    };
    let unit = |sign: &str| -> Option<f64> {
        match sign {
            "" | "+" => Some(1.0),
            "-" => Some(-1.0),
            _ => None,
        }
    };
    // The imaginary part starts at the last sign that does not begin an exponent.
    let bytes = body.as_bytes();
    let split = (1..bytes.len())
        .rev()
        .find(|&i| matches!(bytes[i], b'+' | b'-') && !matches!(bytes[i - 1], b'e' | b'E'));
    match split {
        Some(k) => {
            let re = number(&body[..k])?;
            let im_text = &body[k..];
            let im = unit(im_text).or_else(|| number(im_text))?;
            Some((re, im))
        }
        None => {
            let im = unit(body).or_else(|| number(body))?;
            Some((0.0, im))
        }
    }
}

/// A `complex()` argument as a complex value: complex numbers, `__complex__`,
/// then real numbers (`__float__` / `__index__`).
fn as_complex(x: &PyObj, which: &str) -> PyResult<C> {
    if is_complex(x) {
        return Ok(parts(x));
    }
    if let Some(f) = x.ty().lookup_str("__complex__") {
        let r = ab::call_descr(&f, x, &[])?;
        if !is_complex(&r) {
            return Err(type_error(format!(
                "__complex__ returned non-complex (type {})",
                r.ty().name()
            )));
        }
        return Ok(parts(&r));
    }
    let real = crate::float::is_float(x)
        || crate::int::is_int(x)
        || x.ty().slots().number.float.is_some()
        || x.ty().slots().number.index.is_some();
    if !real {
        return Err(type_error(format!(
            "complex() {which} must be a string or a number, not '{}'",
            x.ty().name()
        )));
    }
    Ok((ab::as_f64(x)?, 0.0))
}

fn complex_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "complex.__new__(X)")?;
    let a = crate::args::Args::new(args, kwnames);
    let slots = a.bind("complex", 0, &["real", "imag"], 0)?;
    let (real, imag) = (slots[0], slots[1]);
    if let Some(r) = real.filter(|r| crate::str::is_str(r)) {
        if imag.is_some() {
            return Err(type_error(
                "complex() can't take second arg if first is a string",
            ));
        }
        let (re, im) = parse(crate::str::as_str(r))
            .ok_or_else(|| value_error("complex() arg is a malformed string"))?;
        return Ok(new_of_type(ty, re, im));
    }
    if imag.is_some_and(crate::str::is_str) {
        return Err(type_error("complex() second arg can't be a string"));
    }
    // complex(c) of an exact complex is c itself.
    if let (Some(r), None) = (real, imag) {
        if r.is_exact(&COMPLEX_TYPE) && std::ptr::eq(ty, &COMPLEX_TYPE) {
            return Ok(r.clone());
        }
    }
    // real + imag * 1j, touching only the parts that complex arguments bring (so
    // the signs of zeros survive), as CPython's complex_new does.
    let (mut re, real_imag) = match real {
        Some(r) => as_complex(r, "first argument")?,
        None => (0.0, 0.0),
    };
    let real_is_complex =
        real.is_some_and(|r| is_complex(r) || r.ty().lookup_str("__complex__").is_some());
    let mut im = 0.0;
    if let Some(i) = imag {
        let (ir, ii) = as_complex(i, "second argument")?;
        im = ir;
        if is_complex(i) {
            re -= ii;
        }
        if real_is_complex {
            im += real_imag;
        }
    } else if real_is_complex {
        im = real_imag;
    }
    Ok(new_of_type(ty, re, im))
}

/// `format(complex, spec)`: an empty spec is `str()`; otherwise each part is
/// formatted as a float (the imaginary part always signed) and the pair is padded
/// as a whole.
fn format_complex(z: C, spec: &str) -> PyResult<String> {
    if spec.is_empty() {
        return Ok(repr_parts(z.0, z.1));
    }
    let parsed = crate::format::parse_spec_for(spec, Some("complex"))?;
    if let Some(t) = parsed.ty {
        if !matches!(t, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n') {
            return Err(value_error(format!(
                "Unknown format code '{t}' for object of type 'complex'"
            )));
        }
    }
    if parsed.fill == '0' {
        return Err(value_error(
            "Zero padding is not allowed in complex format specifier",
        ));
    }
    if parsed.align == Some('=') {
        return Err(value_error(
            "'=' alignment flag is not allowed in complex format specifier",
        ));
    }
    let mut part = parsed.clone();
    part.width = None;
    part.align = None;
    let body = if parsed.ty.is_none() && parsed.precision.is_none() {
        let mut s = repr_parts(z.0, z.1);
        if parsed.sign == '+' && !s.starts_with(['-', '(']) {
            s.insert(0, '+');
        }
        s
    } else {
        if part.ty.is_none() {
            part.ty = Some('g');
        }
        let re = crate::format::format_float(z.0, &part)?;
        let mut im_spec = part.clone();
        im_spec.sign = '+';
        let im = crate::format::format_float(z.1, &im_spec)?;
        if parsed.ty.is_some() {
            format!("{re}{im}j")
        } else if z.0 == 0.0 && z.0.is_sign_positive() {
            format!("{}j", crate::format::format_float(z.1, &part)?)
        } else {
            // No presentation type: like repr, in parentheses.
            format!("({re}{im}j)")
        }
    };
    let width = parsed.width.unwrap_or(0);
    let len = body.chars().count();
    if len >= width {
        return Ok(body);
    }
    let pad = width - len;
    let fill = |n: usize| parsed.fill.to_string().repeat(n);
    Ok(match parsed.align.unwrap_or('>') {
        '<' => format!("{body}{}", fill(pad)),
        '^' => format!("{}{body}{}", fill(pad / 2), fill(pad - pad / 2)),
        _ => format!("{}{body}", fill(pad)),
    })
}

/// Methods of `complex`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("conjugate", |args, kw| {
            crate::args::Args::new(args, kw).exact("conjugate", 1)?;
            let (re, im) = parts(&args[0]);
            Ok(from_parts(re, -im))
        }),
        MethodDef::new("__complex__", |args, kw| {
            crate::args::Args::new(args, kw).exact("__complex__", 1)?;
            complex_pos(&args[0])
        }),
        MethodDef::new("__getnewargs__", |args, kw| {
            crate::args::Args::new(args, kw).exact("__getnewargs__", 1)?;
            let (re, im) = parts(&args[0]);
            Ok(crate::tuple::pair(
                crate::float::from_f64(re),
                crate::float::from_f64(im),
            ))
        }),
        MethodDef::new("__format__", |args, kw| {
            crate::args::Args::new(args, kw).exact("__format__", 2)?;
            if !crate::str::is_str(&args[1]) {
                return Err(type_error(format!(
                    "__format__() argument must be str, not {}",
                    args[1].ty().name()
                )));
            }
            let s = format_complex(parts(&args[0]), crate::str::as_str(&args[1]))?;
            Ok(crate::str::from_string(s))
        }),
    ]
}

/// Attributes of `complex`.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![
        GetSetDef::new("real", |o| Ok(crate::float::from_f64(parts(o).0)), None),
        GetSetDef::new("imag", |o| Ok(crate::float::from_f64(parts(o).1)), None),
    ]
}
