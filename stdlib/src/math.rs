//! The `math` module (Modules/mathmodule.c's behaviour).
//!
//! Most functions call the platform libm through Rust's `f64` methods, as CPython
//! does, so results agree bit for bit on the same machine. CPython's error rules
//! apply on top: a NaN result from a non-NaN argument is `ValueError: math domain
//! error`; an infinite result from finite arguments is `OverflowError: math range
//! error` for the functions that can overflow (`exp`, `cosh`, ...) and a domain error
//! for the others (`log(0)`, `atanh(1)`).
//!
//! `gamma` and `lgamma` use the Lanczos approximation with Boost's `lanczos13m53`
//! coefficients (g ≈ 6.0247, 13 terms as a rational function), evaluated the way
//! Boost's documentation and Pugh's thesis describe, which is also what CPython
//! does; glibc's `tgamma`/`lgamma` round differently. `fsum` is Shewchuk's exact
//! summation with partials; `hypot`/`dist` scale by a power of two and sum the
//! squares exactly before one square root.

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use strand_objects::abstract_::{self as ab, BinOp};
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{dict, float, int, module, tuple, PyObj, PyResult};

use strand_interp::native_module::add_functions;

fn domain_error() -> strand_objects::PyErr {
    value_error("math domain error")
}

fn range_error() -> strand_objects::PyErr {
    exc::overflow_error("math range error")
}

/// CPython's `math_1`: apply `f`, then turn NaN/inf results into errors.
fn checked1(x: f64, r: f64, can_overflow: bool) -> PyResult<PyObj> {
    if r.is_nan() && !x.is_nan() {
        return Err(domain_error());
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow {
            range_error()
        } else {
            domain_error()
        });
    }
    Ok(float::from_f64(r))
}

/// `float(x)` for a math argument (`TypeError: must be real number, not str`).
fn real(x: &PyObj) -> PyResult<f64> {
    ab::as_f64(x)
}

fn one_arg<'a>(a: &'a [PyObj], k: Option<&PyObj>, name: &str) -> PyResult<&'a PyObj> {
    // The common call needs no checking; the name (an allocation) only for the error.
    if let ([x], None) = (a, k) {
        return Ok(x);
    }
    Args::new(a, k).exact(&format!("math.{name}"), 1)?;
    Ok(&a[0])
}

fn two_args<'a>(a: &'a [PyObj], k: Option<&PyObj>, name: &str) -> PyResult<(&'a PyObj, &'a PyObj)> {
    Args::new(a, k).expect_fn(name, 2, 2)?;
    Ok((&a[0], &a[1]))
}

extern "C" {
    fn erf(x: f64) -> f64;
    fn erfc(x: f64) -> f64;
    // compiler-builtins defines its own `cbrt`, which the linker would pick over the C
    // library's; glibc's `_Float64` alias reaches the C library's (glibc >= 2.27).
    #[link_name = "cbrtf64"]
    fn cbrt(x: f64) -> f64;
    fn exp2(x: f64) -> f64;
    fn expm1(x: f64) -> f64;
    fn log1p(x: f64) -> f64;
}

/// Calls a libm function of one double. Rust's own `cbrt`/`exp2`/... may be
/// computed differently from the C library's, which is what CPython calls.
fn libm1(f: unsafe extern "C" fn(f64) -> f64, x: f64) -> f64 {
    // SAFETY: the functions passed here (erf, erfc, cbrt, exp2, expm1, log1p) are
    // pure functions of one double from the C math library, defined for every input.
    unsafe { f(x) }
}

// ---------------------------------------------------------------------------------
// Gamma
// ---------------------------------------------------------------------------------

// The constants are kept with all the digits Boost publishes; the compiler rounds
// each to the nearest double, which is what the algorithm expects.
#[allow(clippy::excessive_precision)]
const LANCZOS_G: f64 = 6.024_680_040_776_729_583_740_234_375;
#[allow(clippy::excessive_precision)]
const LANCZOS_G_MINUS_HALF: f64 = 5.524_680_040_776_729_583_740_234_375;
#[allow(clippy::excessive_precision)]
const LANCZOS_NUM: [f64; 13] = [
    23_531_376_880.410_759_688_572_007_674_451_636_754_734_846_804_940,
    42_919_803_642.649_098_768_957_899_047_001_988_850_926_355_848_959,
    35_711_959_237.355_668_049_440_185_451_547_166_705_960_488_635_843,
    17_921_034_426.037_209_699_919_755_754_458_931_112_671_403_265_390,
    6_039_542_586.352_028_005_064_291_644_307_297_921_069_938_842_070_8,
    1_439_720_407.311_721_673_663_223_072_794_912_393_971_548_578_677_2,
    248_874_557.862_054_156_511_460_386_413_229_423_216_321_251_278_01,
    31_426_415.585_400_194_380_614_231_628_318_205_362_874_684_987_640,
    2_876_370.628_935_372_441_225_409_051_620_849_613_599_114_537_876_8,
    186_056.265_395_223_495_040_294_989_716_045_699_282_207_842_363_28,
    8_071.672_002_365_816_210_638_002_902_272_250_613_821_851_632_502_4,
    210.824_277_751_579_345_872_509_733_920_713_362_711_669_695_802_91,
    2.506_628_274_631_000_270_164_908_177_133_837_338_626_431_079_340_8,
];
const LANCZOS_DEN: [f64; 13] = [
    0.0,
    39_916_800.0,
    120_543_840.0,
    150_917_976.0,
    105_258_076.0,
    45_995_730.0,
    13_339_535.0,
    2_637_558.0,
    357_423.0,
    32_670.0,
    1_925.0,
    66.0,
    1.0,
];

/// The Lanczos rational sum for `x > 0`, evaluated in `x` for small `x` and in `1/x`
/// for large `x` (so that neither polynomial overflows).
fn lanczos_sum(x: f64) -> f64 {
    let (mut num, mut den) = (0.0f64, 0.0f64);
    if x < 5.0 {
        for i in (0..13).rev() {
            num = num * x + LANCZOS_NUM[i];
            den = den * x + LANCZOS_DEN[i];
        }
    } else {
        for i in 0..13 {
            num = num / x + LANCZOS_NUM[i];
            den = den / x + LANCZOS_DEN[i];
        }
    }
    num / den
}

/// `sin(pi * x)`, exact at the integers and half-integers.
fn sin_pi(x: f64) -> f64 {
    let y = x.abs() % 2.0;
    let r = match (2.0 * y).round() as i64 {
        0 => (std::f64::consts::PI * y).sin(),
        1 => (std::f64::consts::PI * (y - 0.5)).cos(),
        2 => (std::f64::consts::PI * (1.0 - y)).sin(),
        3 => -(std::f64::consts::PI * (y - 1.5)).cos(),
        _ => (std::f64::consts::PI * (y - 2.0)).sin(),
    };
    1.0f64.copysign(x) * r
}

/// The factorials `(n-1)!` for `n` in `1..=23`, exact in a double.
fn gamma_integral(n: usize) -> f64 {
    (1..n).fold(1.0f64, |acc, k| acc * k as f64)
}

/// The Python result of [`gamma`] or [`lgamma`]: a float, ValueError ("math domain
/// error") or OverflowError ("math range error").
fn gamma_result(r: Result<f64, bool>) -> PyResult<PyObj> {
    match r {
        Ok(r) => Ok(float::from_f64(r)),
        Err(true) => Err(domain_error()),
        Err(false) => Err(range_error()),
    }
}

/// `math.gamma(x)`: `Err(true)` for a domain error, `Err(false)` for overflow.
fn gamma(x: f64) -> Result<f64, bool> {
    if !x.is_finite() {
        if x.is_nan() || x > 0.0 {
            return Ok(x);
        }
        return Err(true);
    }
    if x == 0.0 {
        return Err(true);
    }
    if x == x.floor() {
        if x < 0.0 {
            return Err(true);
        }
        if x <= 23.0 {
            return Ok(gamma_integral(x as usize));
        }
    }
    let absx = x.abs();
    if absx < 1e-20 {
        let r = 1.0 / x;
        return if r.is_infinite() { Err(false) } else { Ok(r) };
    }
    if absx > 200.0 {
        if x < 0.0 {
            return Ok(0.0 / sin_pi(x));
        }
        return Err(false);
    }
    let y = absx + LANCZOS_G_MINUS_HALF;
    // z: the rounding error of y = absx + (g - 1/2), to correct the power below.
    let z = if absx > LANCZOS_G_MINUS_HALF {
        let q = y - absx;
        q - LANCZOS_G_MINUS_HALF
    } else {
        let q = y - LANCZOS_G_MINUS_HALF;
        q - absx
    };
    let z = z * LANCZOS_G / y;
    let mut r;
    if x < 0.0 {
        r = -std::f64::consts::PI / sin_pi(absx) / absx * y.exp() / lanczos_sum(absx);
        r -= z * r;
        if absx < 140.0 {
            r /= y.powf(absx - 0.5);
        } else {
            let half = y.powf(absx / 2.0 - 0.25);
            r /= half;
            r /= half;
        }
    } else {
        r = lanczos_sum(absx) / y.exp();
        r += z * r;
        if absx < 140.0 {
            r *= y.powf(absx - 0.5);
        } else {
            let half = y.powf(absx / 2.0 - 0.25);
            r *= half;
            r *= half;
        }
    }
    if r.is_infinite() {
        return Err(false);
    }
    Ok(r)
}

/// `math.lgamma(x)`: `Err(true)` for a domain error, `Err(false)` for overflow.
fn lgamma(x: f64) -> Result<f64, bool> {
    if !x.is_finite() {
        return Ok(if x.is_nan() { x } else { f64::INFINITY });
    }
    if x == x.floor() && x <= 2.0 {
        return if x <= 0.0 { Err(true) } else { Ok(0.0) };
    }
    let absx = x.abs();
    if absx < 1e-20 {
        return Ok(-absx.ln());
    }
    let mut r = lanczos_sum(absx).ln() - LANCZOS_G;
    r += (absx - 0.5) * ((absx + LANCZOS_G - 0.5).ln() - 1.0);
    if x < 0.0 {
        // Reflection: lgamma(x) = log(pi / |sin(pi x)|) - log|x| - lgamma(|x|).
        r = std::f64::consts::PI.ln() - sin_pi(absx).abs().ln() - absx.ln() - r;
    }
    if r.is_infinite() {
        return Err(false);
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------
// Exact sums
// ---------------------------------------------------------------------------------

/// Shewchuk's partials: `values` summed without intermediate rounding, then rounded
/// once (half-even), as `math.fsum`.
struct Partials {
    parts: Vec<f64>,
    special: f64,
    inf_sum: f64,
}

impl Partials {
    fn new() -> Partials {
        Partials {
            parts: Vec::new(),
            special: 0.0,
            inf_sum: 0.0,
        }
    }

    fn add(&mut self, mut x: f64) -> PyResult<()> {
        if !x.is_finite() {
            if x.is_infinite() {
                self.inf_sum += x;
            }
            self.special += x;
            return Ok(());
        }
        let xsave = x;
        let mut kept = 0;
        for j in 0..self.parts.len() {
            let mut y = self.parts[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.parts[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        if !x.is_finite() {
            // Finite inputs overflowed: an error unless an infinity came in.
            if xsave.is_finite() {
                return Err(exc::overflow_error("intermediate overflow in fsum"));
            }
            self.inf_sum += xsave;
            self.special += xsave;
        }
        self.parts.truncate(kept);
        self.parts.push(x);
        Ok(())
    }

    fn total(&self) -> PyResult<f64> {
        if self.special != 0.0 {
            if self.inf_sum.is_nan() {
                return Err(value_error("-inf + inf in fsum"));
            }
            return Ok(self.special);
        }
        let p = &self.parts;
        let mut n = p.len();
        if n == 0 {
            return Ok(0.0);
        }
        n -= 1;
        let mut hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        // Half-way cases: round towards the sign of the next partial.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
        Ok(hi)
    }
}

/// The Euclidean norm of `v` (`hypot`, `dist`): scaled by a power of two so that
/// squaring cannot overflow or underflow, the squares summed exactly (each split into
/// its rounded value and its error with a fused multiply-add), one square root.
fn vector_norm(v: &[f64]) -> f64 {
    let mut max = 0.0f64;
    let mut found_nan = false;
    for &x in v {
        let a = x.abs();
        found_nan |= a.is_nan();
        if a > max {
            max = a;
        }
    }
    if max.is_infinite() {
        return max;
    }
    if found_nan {
        return f64::NAN;
    }
    if max == 0.0 || v.len() <= 1 {
        return max;
    }
    let (_, e) = frexp(max);
    let scale = |x: f64, k: i32| strand_objects::int::libm_ldexp(x, k);
    let mut sum = Partials::new();
    for &x in v {
        let s = scale(x.abs(), -e);
        let h = s * s;
        let l = s.mul_add(s, -h);
        // Cannot fail: the scaled squares are below 1.
        let _ = sum.add(h);
        let _ = sum.add(l);
    }
    let total = sum.total().unwrap_or(f64::NAN);
    let mut h = total.sqrt();
    // One Newton correction against the exact sum of squares: h*h - total.
    let hh = h * h;
    let hl = h.mul_add(h, -hh);
    let mut resid = Partials::new();
    for t in sum.parts.iter().copied() {
        let _ = resid.add(t);
    }
    let _ = resid.add(-hh);
    let _ = resid.add(-hl);
    let r = resid.total().unwrap_or(0.0);
    h += r / (2.0 * h);
    scale(h, e)
}

fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: normalise first.
        let (m, e) = frexp(x * f64::from_bits(0x4350_0000_0000_0000)); // 2^54
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// A big positive int as `m * 2**e` with `m` in `[0.5, 1)` rounded half-even to 53
/// bits (CPython's `_PyLong_Frexp`), for logarithms of ints beyond the float range.
fn int_frexp(v: &BigInt) -> (f64, i64) {
    let bits = v.bits() as i64;
    if bits <= 53 {
        let f = v.to_f64().unwrap_or(0.0);
        let (m, e) = frexp(f);
        return (m, i64::from(e));
    }
    let shift = (bits - 53) as u64;
    let mut q: BigInt = v >> shift;
    let rem: BigInt = v - (&q << shift);
    let half = BigInt::one() << (shift - 1);
    if rem > half || (rem == half && q.is_odd()) {
        q += 1;
    }
    let qf = q.to_f64().unwrap_or(0.0);
    // qf is in [2^52, 2^53]: m = qf / 2^53.
    let m = qf / 9_007_199_254_740_992.0;
    if m >= 1.0 {
        return (m / 2.0, bits + 1);
    }
    (m, bits)
}

/// CPython's `loghelper`: logarithms of ints too large for a float go through
/// `int_frexp`; other arguments through `float()`.
fn log_of(x: &PyObj, f: fn(f64) -> f64) -> PyResult<f64> {
    if int::is_int(x) {
        let b = int::to_bigint(x);
        if b.sign() != Sign::Plus {
            return Err(domain_error());
        }
        if let Ok(v) = int::big_to_f64(&b) {
            return Ok(f(v));
        }
        let (m, e) = int_frexp(&b);
        return Ok(f(m) + f(2.0) * e as f64);
    }
    let v = real(x)?;
    if v.is_nan() {
        return Ok(v);
    }
    if v <= 0.0 {
        return Err(domain_error());
    }
    Ok(f(v))
}

fn index_int(x: &PyObj) -> PyResult<BigInt> {
    Ok(int::to_bigint(&ab::index(x)?))
}

fn factorial_big(n: u64) -> BigInt {
    // Binary splitting keeps the multiplications balanced for large n.
    fn product(lo: u64, hi: u64) -> BigInt {
        if hi - lo < 16 {
            let mut acc = BigInt::one();
            for k in lo..=hi {
                acc *= k;
            }
            return acc;
        }
        let mid = lo + (hi - lo) / 2;
        product(lo, mid) * product(mid + 1, hi)
    }
    if n < 2 {
        return BigInt::one();
    }
    product(2, n)
}

fn small_nonneg(v: &BigInt, what: &str) -> PyResult<u64> {
    v.to_u64()
        .ok_or_else(|| exc::overflow_error(format!("{what} must not exceed {}", i64::MAX)))
}

/// `n! / (n-k)!`.
fn falling(n: &BigInt, k: u64) -> BigInt {
    let mut acc = BigInt::one();
    let mut f = n.clone();
    for _ in 0..k {
        acc *= &f;
        f -= 1;
    }
    acc
}

fn reals(a: &[PyObj]) -> PyResult<Vec<f64>> {
    a.iter().map(real).collect()
}

fn points(p: &PyObj) -> PyResult<Vec<f64>> {
    let items = if tuple::is_tuple(p) {
        tuple::items(p).to_vec()
    } else {
        ab::collect_iter(p)?
    };
    items.iter().map(real).collect()
}

fn nextafter(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        return x + y;
    }
    if x == y {
        return y;
    }
    if x == 0.0 {
        return f64::from_bits(1).copysign(y);
    }
    let bits = x.to_bits();
    let up = (y > x) == (x > 0.0);
    f64::from_bits(if up { bits + 1 } else { bits - 1 })
}

fn int_rounding(a: &[PyObj], k: Option<&PyObj>, name: &str, f: fn(f64) -> f64) -> PyResult<PyObj> {
    let x = one_arg(a, k, name)?;
    if x.is_exact(&int::INT_TYPE) {
        return Ok(x.clone());
    }
    if !x.is_exact(&float::FLOAT_TYPE) {
        if let Some(m) = x.ty().lookup_str(&format!("__{name}__")) {
            return ab::call_descr(&m, x, &[]);
        }
    }
    int::from_float(f(real(x)?))
}

/// Builds the `math` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("math");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "pi", float::from_f64(std::f64::consts::PI));
    dict::set_item_str(&d, "e", float::from_f64(std::f64::consts::E));
    dict::set_item_str(&d, "tau", float::from_f64(std::f64::consts::TAU));
    dict::set_item_str(&d, "inf", float::from_f64(f64::INFINITY));
    dict::set_item_str(&d, "nan", float::from_f64(f64::NAN));
    macro_rules! f1 {
        ($name:literal, $f:expr, $overflow:expr) => {
            ($name, |a: &[PyObj], k: Option<&PyObj>| {
                let x = real(one_arg(a, k, $name)?)?;
                let f: fn(f64) -> f64 = $f;
                checked1(x, f(x), $overflow)
            })
        };
    }
    macro_rules! flog {
        ($name:literal, $f:expr) => {
            ($name, |a: &[PyObj], k: Option<&PyObj>| {
                Ok(float::from_f64(log_of(one_arg(a, k, $name)?, $f)?))
            })
        };
    }
    add_functions(
        &m,
        "math",
        &[
            f1!("sqrt", f64::sqrt, false),
            f1!("cbrt", |x| libm1(cbrt, x), false),
            f1!("exp", f64::exp, true),
            f1!("exp2", |x| libm1(exp2, x), true),
            f1!("expm1", |x| libm1(expm1, x), true),
            f1!("log1p", |x| libm1(log1p, x), false),
            f1!("sin", f64::sin, false),
            f1!("cos", f64::cos, false),
            f1!("tan", f64::tan, false),
            f1!("asin", f64::asin, false),
            f1!("acos", f64::acos, false),
            f1!("atan", f64::atan, false),
            f1!("sinh", f64::sinh, true),
            f1!("cosh", f64::cosh, true),
            f1!("tanh", f64::tanh, false),
            f1!("asinh", f64::asinh, false),
            f1!("acosh", f64::acosh, false),
            f1!("atanh", f64::atanh, false),
            f1!("fabs", f64::abs, false),
            f1!("erf", |x| libm1(erf, x), false),
            f1!("erfc", |x| libm1(erfc, x), false),
            f1!("degrees", f64::to_degrees, true),
            f1!("radians", f64::to_radians, true),
            flog!("log2", f64::log2),
            flog!("log10", f64::log10),
            ("gamma", |a, k| {
                gamma_result(gamma(real(one_arg(a, k, "gamma")?)?))
            }),
            ("lgamma", |a, k| {
                gamma_result(lgamma(real(one_arg(a, k, "lgamma")?)?))
            }),
            ("log", |a, k| {
                Args::new(a, k).expect_fn("log", 1, 2)?;
                let v = log_of(&a[0], f64::ln)?;
                match a.get(1) {
                    Some(base) => {
                        let lb = log_of(base, f64::ln)?;
                        if lb == 0.0 {
                            return Err(exc::zero_division_error("float division by zero"));
                        }
                        Ok(float::from_f64(v / lb))
                    }
                    None => Ok(float::from_f64(v)),
                }
            }),
            ("pow", |a, k| {
                let (x, y) = two_args(a, k, "pow")?;
                let (x, y) = (real(x)?, real(y)?);
                let r = if x.is_nan() || y.is_nan() {
                    if y == 0.0 || x == 1.0 {
                        1.0
                    } else {
                        f64::NAN
                    }
                } else {
                    x.powf(y)
                };
                if x.is_finite() && y.is_finite() {
                    if r.is_nan() {
                        return Err(domain_error());
                    }
                    if r.is_infinite() {
                        // 0 ** negative is a pole: a domain error, as in C99 Annex F.
                        return Err(if x == 0.0 {
                            domain_error()
                        } else {
                            range_error()
                        });
                    }
                }
                Ok(float::from_f64(r))
            }),
            ("atan2", |a, k| {
                let (y, x) = two_args(a, k, "atan2")?;
                Ok(float::from_f64(real(y)?.atan2(real(x)?)))
            }),
            ("hypot", |a, k| {
                Args::new(a, k).no_kwargs("hypot")?;
                Ok(float::from_f64(vector_norm(&reals(a)?)))
            }),
            ("dist", |a, k| {
                let (p, q) = two_args(a, k, "dist")?;
                let (p, q) = (points(p)?, points(q)?);
                if p.len() != q.len() {
                    return Err(value_error(
                        "both points must have the same number of dimensions",
                    ));
                }
                let diffs: Vec<f64> = p.iter().zip(&q).map(|(x, y)| (x - y).abs()).collect();
                Ok(float::from_f64(vector_norm(&diffs)))
            }),
            ("copysign", |a, k| {
                let (x, y) = two_args(a, k, "copysign")?;
                Ok(float::from_f64(real(x)?.copysign(real(y)?)))
            }),
            ("fmod", |a, k| {
                let (x, y) = two_args(a, k, "fmod")?;
                let (x, y) = (real(x)?, real(y)?);
                if y.is_infinite() && x.is_finite() {
                    return Ok(float::from_f64(x));
                }
                let r = x % y;
                if r.is_nan() && !x.is_nan() && !y.is_nan() {
                    return Err(domain_error());
                }
                Ok(float::from_f64(r))
            }),
            ("remainder", |a, k| {
                let (x, y) = two_args(a, k, "remainder")?;
                let (x, y) = (real(x)?, real(y)?);
                if x.is_nan() || y.is_nan() {
                    return Ok(float::from_f64(x + y));
                }
                if x.is_infinite() || y == 0.0 {
                    return Err(domain_error());
                }
                if y.is_infinite() {
                    return Ok(float::from_f64(x));
                }
                // x - n*y with n the integer nearest x/y, ties to even; exact.
                let (ax, ay) = (x.abs(), y.abs());
                let m = ax % ay;
                let c = ay - m;
                let r = if m < c {
                    m
                } else if m > c {
                    -c
                } else {
                    // A tie: pick the even multiple.
                    m - 2.0 * ((0.5 * (ax - m)) % ay)
                };
                Ok(float::from_f64(1.0f64.copysign(x) * r))
            }),
            ("modf", |a, k| {
                let x = real(one_arg(a, k, "modf")?)?;
                let (fr, ip) = if x.is_infinite() {
                    (0.0f64.copysign(x), x)
                } else {
                    let ip = x.trunc();
                    ((x - ip).copysign(x), ip)
                };
                Ok(tuple::from_vec(vec![
                    float::from_f64(fr),
                    float::from_f64(ip),
                ]))
            }),
            ("frexp", |a, k| {
                let x = real(one_arg(a, k, "frexp")?)?;
                let (m, e) = frexp(x);
                Ok(tuple::from_vec(vec![
                    float::from_f64(m),
                    int::from_i64(i64::from(e)),
                ]))
            }),
            ("ldexp", |a, k| {
                let (x, i) = two_args(a, k, "ldexp")?;
                let x = real(x)?;
                if !int::is_int(i) {
                    return Err(type_error("Expected an int as second argument to ldexp."));
                }
                let e = int::to_bigint(i).clamp(BigInt::from(-100_000), BigInt::from(100_000));
                let e = e.to_i32().unwrap_or(0);
                let r = strand_objects::int::libm_ldexp(x, e);
                if r.is_infinite() && x.is_finite() {
                    return Err(range_error());
                }
                Ok(float::from_f64(r))
            }),
            ("nextafter", |a, k| {
                let (x, y) = two_args(a, k, "nextafter")?;
                Ok(float::from_f64(nextafter(real(x)?, real(y)?)))
            }),
            ("ulp", |a, k| {
                let x = real(one_arg(a, k, "ulp")?)?;
                if x.is_nan() {
                    return Ok(float::from_f64(x));
                }
                let x = x.abs();
                if x.is_infinite() {
                    return Ok(float::from_f64(x));
                }
                let up = nextafter(x, f64::INFINITY);
                Ok(float::from_f64(if up.is_infinite() {
                    x - nextafter(x, f64::NEG_INFINITY)
                } else {
                    up - x
                }))
            }),
            ("isnan", |a, k| {
                Ok(int::bool_obj(real(one_arg(a, k, "isnan")?)?.is_nan()))
            }),
            ("isinf", |a, k| {
                Ok(int::bool_obj(real(one_arg(a, k, "isinf")?)?.is_infinite()))
            }),
            ("isfinite", |a, k| {
                Ok(int::bool_obj(real(one_arg(a, k, "isfinite")?)?.is_finite()))
            }),
            ("isclose", |a, k| {
                let b = Args::new(a, k).bind("isclose", 0, &["a", "b", "rel_tol", "abs_tol"], 2)?;
                let (x, y) = (
                    real(b[0].expect("required"))?,
                    real(b[1].expect("required"))?,
                );
                let rel = b[2].map(real).transpose()?.unwrap_or(1e-9);
                let abs = b[3].map(real).transpose()?.unwrap_or(0.0);
                if rel < 0.0 || abs < 0.0 {
                    return Err(value_error("tolerances must be non-negative"));
                }
                if x == y {
                    return Ok(int::bool_obj(true));
                }
                if x.is_infinite() || y.is_infinite() {
                    return Ok(int::bool_obj(false));
                }
                let diff = (y - x).abs();
                Ok(int::bool_obj(
                    diff <= (rel * y).abs() || diff <= (rel * x).abs() || diff <= abs,
                ))
            }),
            ("floor", |a, k| int_rounding(a, k, "floor", f64::floor)),
            ("ceil", |a, k| int_rounding(a, k, "ceil", f64::ceil)),
            ("trunc", |a, k| {
                let x = one_arg(a, k, "trunc")?;
                if x.is_exact(&float::FLOAT_TYPE) {
                    return int::from_float(float::value(x).trunc());
                }
                match x.ty().lookup_str("__trunc__") {
                    Some(m) => ab::call_descr(&m, x, &[]),
                    None => Err(type_error(format!(
                        "type {} doesn't define __trunc__ method",
                        x.ty().name()
                    ))),
                }
            }),
            ("gcd", |a, k| {
                Args::new(a, k).no_kwargs("gcd")?;
                let mut g = BigInt::zero();
                for x in a {
                    g = g.gcd(&index_int(x)?);
                }
                Ok(int::from_bigint(g))
            }),
            ("lcm", |a, k| {
                Args::new(a, k).no_kwargs("lcm")?;
                let mut l = BigInt::one();
                for x in a {
                    let v = index_int(x)?;
                    if v.is_zero() || l.is_zero() {
                        l = BigInt::zero();
                        continue;
                    }
                    l = (&l / l.gcd(&v) * &v).abs();
                }
                Ok(int::from_bigint(l))
            }),
            ("factorial", |a, k| {
                let n = index_int(one_arg(a, k, "factorial")?)?;
                if n.is_negative() {
                    return Err(value_error("factorial() not defined for negative values"));
                }
                let n = n
                    .to_u64()
                    .filter(|&n| n <= i64::MAX as u64)
                    .ok_or_else(|| {
                        exc::overflow_error(format!(
                            "factorial() argument should not exceed {}",
                            i64::MAX
                        ))
                    })?;
                Ok(int::from_bigint(factorial_big(n)))
            }),
            ("comb", |a, k| {
                let (n, kk) = two_args(a, k, "comb")?;
                let (n, kk) = (index_int(n)?, index_int(kk)?);
                if n.is_negative() {
                    return Err(value_error("n must be a non-negative integer"));
                }
                if kk.is_negative() {
                    return Err(value_error("k must be a non-negative integer"));
                }
                if kk > n {
                    return Ok(int::from_i64(0));
                }
                let kk = (&n - &kk).min(kk);
                let kk = small_nonneg(&kk, "min(n - k, k)")?;
                Ok(int::from_bigint(falling(&n, kk) / factorial_big(kk)))
            }),
            ("perm", |a, k| {
                Args::new(a, k).expect_fn("perm", 1, 2)?;
                let n = index_int(&a[0])?;
                let kk = match a.get(1).filter(|x| !strand_objects::singletons::is_none(x)) {
                    None => {
                        if n.is_negative() {
                            return Err(value_error("factorial() not defined for negative values"));
                        }
                        let n = small_nonneg(&n, "n")?;
                        return Ok(int::from_bigint(factorial_big(n)));
                    }
                    Some(x) => index_int(x)?,
                };
                if n.is_negative() {
                    return Err(value_error("n must be a non-negative integer"));
                }
                if kk.is_negative() {
                    return Err(value_error("k must be a non-negative integer"));
                }
                if kk > n {
                    return Ok(int::from_i64(0));
                }
                let kk = small_nonneg(&kk, "k")?;
                Ok(int::from_bigint(falling(&n, kk)))
            }),
            ("isqrt", |a, k| {
                let v = index_int(one_arg(a, k, "isqrt")?)?;
                if v.is_negative() {
                    return Err(value_error("isqrt() argument must be nonnegative"));
                }
                Ok(int::from_bigint(v.sqrt()))
            }),
            ("fsum", |a, k| {
                let it = ab::iter(one_arg(a, k, "fsum")?)?;
                let mut p = Partials::new();
                while let Some(x) = ab::next(&it)? {
                    p.add(real(&x)?)?;
                }
                Ok(float::from_f64(p.total()?))
            }),
            ("prod", |a, k| {
                let args = Args::new(a, k);
                if args.nargs() != 1 {
                    return Err(type_error(format!(
                        "prod() takes exactly 1 positional argument ({} given)",
                        args.nargs()
                    )));
                }
                let mut acc = int::from_i64(1);
                for (name, v) in args.kwargs() {
                    if name != "start" {
                        return Err(type_error(format!(
                            "'{name}' is an invalid keyword argument for prod()"
                        )));
                    }
                    acc = v.clone();
                }
                let it = ab::iter(&a[0])?;
                while let Some(x) = ab::next(&it)? {
                    acc = ab::binary_op(&acc, &x, BinOp::Mul)?;
                }
                Ok(acc)
            }),
        ],
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_matches_definition() {
        assert_eq!(frexp(8.0), (0.5, 4));
        assert_eq!(frexp(0.3), (0.6, -1));
        assert_eq!(frexp(5e-324), (0.5, -1073));
        assert_eq!(frexp(-1.0), (-0.5, 1));
    }

    #[test]
    fn gamma_of_integers_is_exact() {
        assert_eq!(gamma(5.0), Ok(24.0));
        assert_eq!(gamma(1.0), Ok(1.0));
        assert_eq!(gamma(0.0), Err(true));
        assert_eq!(lgamma(1.0), Ok(0.0));
    }

    #[test]
    fn partials_are_exact() {
        let mut p = Partials::new();
        for x in [1e100, 1.0, -1e100] {
            p.add(x).expect("finite");
        }
        assert_eq!(p.total().expect("sum"), 1.0);
    }

    #[test]
    fn int_frexp_rounds_half_even() {
        let v = BigInt::from(1u64 << 60) + BigInt::from(1u64 << 6);
        let (m, e) = int_frexp(&v);
        assert_eq!(e, 61);
        assert_eq!(m, 0.5);
    }
}
