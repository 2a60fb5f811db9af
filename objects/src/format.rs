//! String formatting: the format-spec mini-language (`format(x, spec)`, PEP 3101 and
//! Python/formatter_unicode.c) for int, float and str; `str.format`/`format_map`
//! (Objects/stringlib/unicode_format.h); and printf-style `str % args`
//! (Objects/unicodeobject.c, `PyUnicode_Format`). Float digits come from Rust's
//! correctly rounded formatting, so they agree with CPython's `PyOS_double_to_string`.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use crate::abstract_ as ab;
use crate::args::Args;
use crate::exceptions::{key_error, type_error, value_error, PyErr};
use crate::object::PyObj;
use crate::str::{as_str, is_str};
use crate::PyResult;

/// A parsed format spec: `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    /// Fill character.
    pub fill: char,
    /// `<`, `>`, `=`, `^` or `None` (type default).
    pub align: Option<char>,
    /// `+`, `-` or space.
    pub sign: char,
    /// `z`: negative zero becomes zero.
    pub z: bool,
    /// `#`: alternate form.
    pub alternate: bool,
    /// Minimum width.
    pub width: Option<usize>,
    /// `,` or `_`.
    pub grouping: Option<char>,
    /// Precision.
    pub precision: Option<usize>,
    /// The presentation type.
    pub ty: Option<char>,
}

/// Parses a format spec.
///
/// # Errors
/// `ValueError` with CPython's messages for malformed specs.
pub fn parse_spec(spec: &str) -> PyResult<FormatSpec> {
    parse_spec_for(spec, None)
}

/// [`parse_spec`] for a value of type `type_name`, which CPython 3.11 names in the
/// "Invalid format specifier" message.
pub fn parse_spec_for(spec: &str, type_name: Option<&str>) -> PyResult<FormatSpec> {
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let mut out = FormatSpec {
        fill: ' ',
        align: None,
        sign: '-',
        z: false,
        alternate: false,
        width: None,
        grouping: None,
        precision: None,
        ty: None,
    };
    let is_align = |c: char| matches!(c, '<' | '>' | '=' | '^');
    let mut fill_given = false;
    if chars.len() >= 2 && is_align(chars[1]) {
        fill_given = true;
        out.fill = chars[0];
        out.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        out.align = Some(chars[0]);
        i = 1;
    }
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        out.sign = chars[i];
        i += 1;
    }
    if i < chars.len() && chars[i] == 'z' {
        out.z = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '#' {
        out.alternate = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        // CPython: `0` means fill '0' unless a fill was given, and '=' alignment for
        // types aligned right by default (not strings).
        if !fill_given {
            out.fill = '0';
            if out.align.is_none() && type_name != Some("str") {
                out.align = Some('=');
            }
        }
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        let w: String = chars[start..i].iter().collect();
        out.width = Some(
            w.parse()
                .map_err(|_| value_error("Too many decimal digits in format string"))?,
        );
    }
    if i < chars.len() && matches!(chars[i], ',' | '_') {
        out.grouping = Some(chars[i]);
        i += 1;
        if i < chars.len() && matches!(chars[i], ',' | '_') {
            return Err(value_error("Cannot specify both ',' and '_'."));
        }
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(value_error("Format specifier missing precision"));
        }
        let p: String = chars[start..i].iter().collect();
        out.precision = Some(
            p.parse()
                .map_err(|_| value_error("Too many decimal digits in format string"))?,
        );
    }
    if chars.len() - i > 1 {
        return Err(value_error(match type_name {
            Some(t) => format!("Invalid format specifier '{spec}' for object of type '{t}'"),
            None => "Invalid format specifier".to_string(),
        }));
    }
    if i < chars.len() {
        out.ty = Some(chars[i]);
    }
    if let Some(g) = out.grouping {
        match out.ty {
            None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'F' | 'G' | '%') => {}
            Some('b' | 'o' | 'x' | 'X') if g == '_' => {}
            Some(t) => return Err(value_error(format!("Cannot specify '{g}' with '{t}'."))),
        }
    }
    Ok(out)
}

fn unknown_code(ty: char, type_name: &str) -> PyErr {
    value_error(format!(
        "Unknown format code '{ty}' for object of type '{type_name}'"
    ))
}

/// Pads `body` (a sign/prefix already split off as `prefix`) to the spec's width.
fn pad(prefix: &str, body: &str, spec: &FormatSpec, default_align: char) -> PyResult<String> {
    let len = prefix.chars().count() + body.chars().count();
    let width = spec.width.unwrap_or(0);
    if len >= width {
        return Ok(format!("{prefix}{body}"));
    }
    let n = width - len;
    let mut out = crate::alloc::try_string(
        n.saturating_mul(spec.fill.len_utf8())
            .saturating_add(prefix.len() + body.len()),
    )?;
    let fill = |out: &mut String, k: usize| out.extend(std::iter::repeat_n(spec.fill, k));
    match spec.align.unwrap_or(default_align) {
        '<' => {
            out.push_str(prefix);
            out.push_str(body);
            fill(&mut out, n);
        }
        '>' => {
            fill(&mut out, n);
            out.push_str(prefix);
            out.push_str(body);
        }
        '=' => {
            out.push_str(prefix);
            fill(&mut out, n);
            out.push_str(body);
        }
        _ => {
            let left = n / 2;
            fill(&mut out, left);
            out.push_str(prefix);
            out.push_str(body);
            fill(&mut out, n - left);
        }
    }
    Ok(out)
}

/// Inserts `sep` every `every` digits from the right; with `min_width`, pads with
/// zeros first so that the grouped result is at least that wide (CPython's zero
/// padding with grouping).
fn group(digits: &str, sep: char, every: usize, min_width: usize) -> PyResult<String> {
    // Digits needed so that digits plus separators reach `min_width`: a group of
    // `every` digits takes `every + 1` characters with its separator.
    let grouped_len = |n: usize| n + n.saturating_sub(1) / every;
    let mut n = digits.len().max(1);
    if grouped_len(n) < min_width {
        n = (min_width + 1) * every / (every + 1);
        while grouped_len(n) < min_width {
            n += 1;
        }
        while n > digits.len() && grouped_len(n - 1) >= min_width {
            n -= 1;
        }
    }
    let n = n.max(digits.len());
    let mut out = crate::alloc::try_string(grouped_len(n).saturating_mul(sep.len_utf8()))?;
    for i in 0..n {
        if i > 0 && (n - i) % every == 0 {
            out.push(sep);
        }
        let c = if i < n - digits.len() {
            '0'
        } else {
            char::from(digits.as_bytes()[i - (n - digits.len())])
        };
        out.push(c);
    }
    Ok(out)
}

fn sign_str(negative: bool, sign: char) -> &'static str {
    match (negative, sign) {
        (true, _) => "-",
        (false, '+') => "+",
        (false, ' ') => " ",
        _ => "",
    }
}

/// Formats `body` digits with the spec's sign, zero padding and grouping.
fn finish_number(
    negative: bool,
    prefix: &str,
    digits: &str,
    frac: &str,
    spec: &FormatSpec,
    every: usize,
) -> PyResult<String> {
    let sign = sign_str(negative, spec.sign);
    let head = format!("{sign}{prefix}");
    let zero_pad = spec.fill == '0' && spec.align == Some('=');
    let int_part = match spec.grouping {
        Some(sep) => {
            let min = if zero_pad {
                spec.width
                    .unwrap_or(0)
                    .saturating_sub(head.chars().count() + frac.chars().count())
            } else {
                0
            };
            group(digits, sep, every, min)?
        }
        None => digits.to_string(),
    };
    pad(&head, &format!("{int_part}{frac}"), spec, '>')
}

/// `format(int, spec)`.
///
/// # Errors
/// `ValueError` for invalid specs or codes.
pub fn format_int(v: &BigInt, spec_text: &str) -> PyResult<String> {
    format_int_of_type(v, spec_text, "int")
}

/// [`format_int`] for a value of the int subclass named `type_name` (`bool`, an `IntEnum`):
/// the name errors give, as CPython's `format_obj` takes it from the object's type.
pub fn format_int_of_type(v: &BigInt, spec_text: &str, type_name: &str) -> PyResult<String> {
    let spec = parse_spec_for(spec_text, Some(type_name))?;
    if let Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') = spec.ty {
        let f = crate::int::big_to_f64(v)?;
        return format_float(f, &spec);
    }
    if spec.precision.is_some() {
        return Err(value_error(
            "Precision not allowed in integer format specifier",
        ));
    }
    if spec.z {
        return Err(value_error(
            "Negative zero coercion (z) not allowed in integer format specifier",
        ));
    }
    let neg = v.is_negative();
    let mag = v.abs();
    let (digits, prefix, every) = match spec.ty {
        None | Some('d') | Some('n') => (crate::int::decimal_digits(&mag)?, "", 3),
        Some('b') => (mag.to_str_radix(2), "0b", 4),
        Some('o') => (mag.to_str_radix(8), "0o", 4),
        Some('x') => (mag.to_str_radix(16), "0x", 4),
        Some('X') => (mag.to_str_radix(16).to_uppercase(), "0X", 4),
        Some('c') => {
            if spec.sign != '-' {
                return Err(value_error(
                    "Sign not allowed with integer format specifier 'c'",
                ));
            }
            if spec.alternate {
                return Err(value_error(
                    "Alternate form (#) not allowed with integer format specifier 'c'",
                ));
            }
            // The code is read as a C long first, as CPython's format_obj does.
            if num_traits::ToPrimitive::to_i64(v).is_none() {
                return Err(crate::exceptions::overflow_error(
                    "Python int too large to convert to C long",
                ));
            }
            let code = num_traits::ToPrimitive::to_u32(v)
                .and_then(strand_literal::str::from_code_point)
                .ok_or_else(|| {
                    crate::exceptions::overflow_error("%c arg not in range(0x110000)")
                })?;
            return pad("", &code.to_string(), &spec, '<');
        }
        Some(t) => return Err(unknown_code(t, type_name)),
    };
    let prefix = if spec.alternate { prefix } else { "" };
    finish_number(neg, prefix, &digits, "", &spec, every)
}

/// Rust's `{:.p$e}` output turned into C's `%.pe` (`1.5e3` → `1.5e+03`).
fn c_exponent(s: &str) -> String {
    match s.find('e') {
        Some(i) => {
            let (m, e) = (&s[..i], &s[i + 1..]);
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            format!("{m}e{sign}{digits:0>2}")
        }
        None => s.to_string(),
    }
}

/// A `*` width or precision of `%` formatting: a C `int`, as in CPython.
fn c_int(v: &PyObj) -> PyResult<i32> {
    i32::try_from(crate::int::to_isize(v).unwrap_or(isize::MAX))
        .map_err(|_| crate::exceptions::overflow_error("Python int too large to convert to C int"))
}

/// Decimal places past which a double's exact expansion has only zeros (its smallest
/// step, 2**-1074, has 1074 of them): longer precisions are padded, not formatted.
const EXACT_PLACES: usize = 1100;

/// The most precision a float format takes (CPython's C `int` limit).
const MAX_PRECISION: usize = i32::MAX as usize;

/// `s` followed by `n` zeros, or `MemoryError`.
fn zeros_after(mut s: String, n: usize) -> PyResult<String> {
    s.try_reserve(n)
        .map_err(|_| crate::exceptions::memory_error())?;
    s.extend(std::iter::repeat_n('0', n));
    Ok(s)
}

/// `x` (finite, non-negative) with `p` decimal places, for any `p`.
fn fixed(x: f64, p: usize) -> PyResult<String> {
    if p <= EXACT_PLACES {
        return Ok(format!("{x:.p$}"));
    }
    zeros_after(format!("{x:.EXACT_PLACES$}"), p - EXACT_PLACES)
}

/// `x` (finite, non-negative) in Rust's `e` notation with `p` digits after the point,
/// for any `p`.
fn sci(x: f64, p: usize) -> PyResult<String> {
    if p <= EXACT_PLACES {
        return Ok(format!("{x:.p$e}"));
    }
    let s = format!("{x:.EXACT_PLACES$e}");
    let i = s.find('e').unwrap_or(s.len());
    let (mant, exp) = s.split_at(i);
    let mut out = zeros_after(mant.to_string(), p - EXACT_PLACES)?;
    out.push_str(exp);
    Ok(out)
}

/// Formats a finite non-negative `x` in `g` style with `p` significant digits.
fn general(x: f64, p: usize, alternate: bool, upper: bool, repr_mode: bool) -> PyResult<String> {
    let p = p.max(1);
    let exp = if x == 0.0 {
        0
    } else {
        let e = sci(x, (p - 1).min(EXACT_PLACES))?;
        e[e.find('e').map_or(e.len(), |i| i + 1)..]
            .parse::<i32>()
            .unwrap_or(0)
    };
    // Without a type code (`repr_mode`), CPython keeps a digit after the point, so it
    // switches to exponent notation one digit earlier (Py_DTSF_ADD_DOT_0).
    let limit = p as i64 - i64::from(repr_mode);
    let mut s = if -4 <= exp && (exp as i64) < limit {
        fixed(x, (p as i64 - 1 - exp as i64).max(0) as usize)?
    } else {
        c_exponent(&sci(x, p - 1)?)
    };
    if !alternate {
        // Strip trailing zeros (and a bare point) from the mantissa.
        let (mant, rest) = match s.find('e') {
            Some(i) => (s[..i].to_string(), s[i..].to_string()),
            None => (s.clone(), String::new()),
        };
        let mant = if mant.contains('.') {
            mant.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            mant
        };
        s = format!("{mant}{rest}");
        if repr_mode && !s.contains(['.', 'e']) {
            s.push_str(".0");
        }
    } else if !s.contains('.') {
        match s.find('e') {
            Some(i) => s.insert(i, '.'),
            None => s.push('.'),
        }
    }
    if upper {
        s = s.to_uppercase();
    }
    Ok(s)
}

/// `format(float, spec)` for a parsed spec.
///
/// # Errors
/// `ValueError` for codes floats do not support.
pub fn format_float(x: f64, spec: &FormatSpec) -> PyResult<String> {
    let mut x = x;
    if spec.z && x == 0.0 {
        x = 0.0;
    }
    let neg = x.is_sign_negative() && !x.is_nan();
    let a = x.abs();
    let upper = matches!(spec.ty, Some('E' | 'F' | 'G'));
    match spec.ty {
        None | Some('f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'n' | '%') => {}
        Some(t) => return Err(unknown_code(t, "float")),
    }
    if spec.precision.is_some_and(|p| p > MAX_PRECISION) {
        return Err(value_error("precision too big"));
    }
    let body: String = if !a.is_finite() {
        let t = if a.is_nan() { "nan" } else { "inf" };
        let t = if upper {
            t.to_uppercase()
        } else {
            t.to_string()
        };
        let t = if spec.ty == Some('%') {
            format!("{t}%")
        } else {
            t
        };
        // No zero padding of inf/nan digits, but '=' alignment still applies.
        let sign = sign_str(neg, spec.sign);
        return pad(sign, &t, spec, '>');
    } else {
        match spec.ty {
            Some('f' | 'F') => fixed(a, spec.precision.unwrap_or(6))?,
            Some('e' | 'E') => {
                let s = c_exponent(&sci(a, spec.precision.unwrap_or(6))?);
                if upper {
                    s.to_uppercase()
                } else {
                    s
                }
            }
            Some('g' | 'G' | 'n') => {
                general(a, spec.precision.unwrap_or(6), spec.alternate, upper, false)?
            }
            Some('%') => fixed(a * 100.0, spec.precision.unwrap_or(6))? + "%",
            None => match spec.precision {
                None => crate::float::repr_f64(a),
                Some(p) => general(a, p, spec.alternate, false, true)?,
            },
            Some(t) => return Err(unknown_code(t, "float")),
        }
    };
    let mut body = body;
    if spec.alternate && matches!(spec.ty, Some('f' | 'F' | 'e' | 'E' | '%')) && !body.contains('.')
    {
        let i = body.find(['e', 'E', '%']).unwrap_or(body.len());
        body.insert(i, '.');
    }
    // Split into integer digits and the rest for grouping and zero padding.
    let split = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let (int_digits, frac) = body.split_at(split);
    finish_number(neg, "", int_digits, frac, spec, 3)
}

/// `format(str, spec)`.
///
/// # Errors
/// `ValueError` for specs strings do not accept.
pub fn format_str(s: &str, spec_text: &str) -> PyResult<String> {
    let spec = parse_spec_for(spec_text, Some("str"))?;
    match spec.ty {
        None | Some('s') => {}
        Some(t) => return Err(unknown_code(t, "str")),
    }
    if spec.sign != '-' {
        return Err(value_error("Sign not allowed in string format specifier"));
    }
    if spec.alternate {
        return Err(value_error(
            "Alternate form (#) not allowed in string format specifier",
        ));
    }
    if spec.align == Some('=') {
        return Err(value_error(
            "'=' alignment not allowed in string format specifier",
        ));
    }
    if spec.grouping.is_some() {
        return Err(value_error(format!(
            "Cannot specify '{}' with 's'.",
            spec.grouping.unwrap_or(',')
        )));
    }
    let body: String = match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    pad("", &body, &spec, '<')
}

fn spec_arg<'a>(args: &'a [PyObj], kw: Option<&PyObj>, name: &str) -> PyResult<&'a str> {
    Args::new(args, kw).exact(name, 2)?;
    if !is_str(&args[1]) {
        return Err(type_error(format!(
            "{name}() argument must be str, not {}",
            args[1].ty().name()
        )));
    }
    Ok(as_str(&args[1]))
}

/// `int.__format__(spec)`.
pub(crate) fn int_format_method(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let spec = spec_arg(args, kw, "__format__")?;
    if spec.is_empty() {
        return ab::str_(&args[0]);
    }
    // Errors name the value's own type (`bool`, an int subclass), as CPython's do.
    Ok(crate::str::from_string(format_int_of_type(
        &crate::int::to_bigint(&args[0]),
        spec,
        args[0].ty().name(),
    )?))
}

/// `float.__format__(spec)`.
pub(crate) fn float_format_method(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let spec = spec_arg(args, kw, "__format__")?;
    if spec.is_empty() {
        return ab::str_(&args[0]);
    }
    let parsed = parse_spec_for(spec, Some("float"))?;
    Ok(crate::str::from_string(format_float(
        crate::float::value(&args[0]),
        &parsed,
    )?))
}

/// `str.__format__(spec)`.
pub(crate) fn str_format_spec_method(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let spec = spec_arg(args, kw, "__format__")?;
    if spec.is_empty() {
        // An empty spec formats a subclass through its __str__, as CPython does.
        return ab::str_(&args[0]);
    }
    Ok(crate::str::from_string(format_str(as_str(&args[0]), spec)?))
}

// ---------------------------------------------------------------------------------
// str.format
// ---------------------------------------------------------------------------------

/// `str.format(*args, **kwargs)`.
pub(crate) fn str_format_method(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    let fmt = match args.first() {
        Some(s) if is_str(s) => as_str(s),
        _ => return Err(type_error("descriptor 'format' requires a 'str' object")),
    };
    let kwargs = if a.has_kwargs() {
        let d = crate::dict::new();
        for (k, v) in a.kwargs() {
            crate::dict::set_item(&d, crate::str::new(k), v.clone())?;
        }
        Some(d)
    } else {
        None
    };
    format_with(fmt, &a.positionals()[1..], kwargs.as_ref())
}

struct Formatter<'a> {
    args: &'a [PyObj],
    kwargs: Option<&'a PyObj>,
    auto: Option<usize>,
    manual: bool,
}

impl Formatter<'_> {
    fn next_auto(&mut self) -> PyResult<usize> {
        if self.manual {
            return Err(value_error(
                "cannot switch from manual field specification to automatic field numbering",
            ));
        }
        let n = self.auto.unwrap_or(0);
        self.auto = Some(n + 1);
        Ok(n)
    }

    fn positional(&self, i: usize) -> PyResult<PyObj> {
        self.args.get(i).cloned().ok_or_else(|| {
            PyErr::new(
                &crate::exceptions::INDEX_ERROR_TYPE,
                format!("Replacement index {i} out of range for positional args tuple"),
            )
        })
    }

    fn resolve(&mut self, field: &str) -> PyResult<PyObj> {
        let end = field.find(['.', '[']).unwrap_or(field.len());
        let (first, mut rest) = field.split_at(end);
        let mut obj = if first.is_empty() {
            let i = self.next_auto()?;
            self.positional(i)?
        } else if first.bytes().all(|b| b.is_ascii_digit()) {
            if self.auto.is_some() {
                return Err(value_error(
                    "cannot switch from automatic field numbering to manual field specification",
                ));
            }
            self.manual = true;
            let i: usize = first
                .parse()
                .map_err(|_| value_error("Too many decimal digits in format string"))?;
            self.positional(i)?
        } else {
            let key = crate::str::new(first);
            match self.kwargs {
                Some(m) => ab::getitem(m, &key)?,
                None => return Err(key_error(key)),
            }
        };
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('.') {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                if end == 0 {
                    return Err(value_error("Empty attribute in format string"));
                }
                obj = ab::getattr_str(&obj, &r[..end])?;
                rest = &r[end..];
            } else if let Some(r) = rest.strip_prefix('[') {
                let close = r
                    .find(']')
                    .ok_or_else(|| value_error("Missing ']' in format string"))?;
                let k = &r[..close];
                if k.is_empty() {
                    return Err(value_error("Empty attribute in format string"));
                }
                let key = if k.bytes().all(|b| b.is_ascii_digit()) {
                    crate::int::from_i128(
                        k.parse::<i128>()
                            .map_err(|_| value_error("Too many decimal digits"))?,
                    )
                } else {
                    crate::str::new(k)
                };
                obj = ab::getitem(&obj, &key)?;
                rest = &r[close + 1..];
                if !rest.is_empty() && !rest.starts_with(['.', '[']) {
                    return Err(value_error(
                        "Only '.' or '[' may follow ']' in format field specifier",
                    ));
                }
            } else {
                return Err(value_error(
                    "Only '.' or '[' may follow ']' in format field specifier",
                ));
            }
        }
        Ok(obj)
    }

    fn render(&mut self, fmt: &str, depth: usize) -> PyResult<String> {
        if depth > 2 {
            return Err(value_error("Max string recursion exceeded"));
        }
        let mut out = String::with_capacity(fmt.len());
        let chars: Vec<char> = fmt.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '}' {
                if chars.get(i + 1) == Some(&'}') {
                    out.push('}');
                    i += 2;
                    continue;
                }
                return Err(value_error("Single '}' encountered in format string"));
            }
            if c != '{' {
                out.push(c);
                i += 1;
                continue;
            }
            if chars.get(i + 1) == Some(&'{') {
                out.push('{');
                i += 2;
                continue;
            }
            // Find the matching '}' (nested braces allowed in the spec).
            let mut level = 1;
            let mut j = i + 1;
            while j < chars.len() {
                match chars[j] {
                    '{' => level += 1,
                    '}' => {
                        level -= 1;
                        if level == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err(value_error(if level > 1 {
                    "expected '}' before end of string"
                } else {
                    "Single '{' encountered in format string"
                }));
            }
            let inner: String = chars[i + 1..j].iter().collect();
            out.push_str(&self.field(&inner, depth)?);
            i = j + 1;
        }
        Ok(out)
    }

    fn field(&mut self, inner: &str, depth: usize) -> PyResult<String> {
        // field_name [! conversion] [: spec], where '[' ... ']' may contain ':' or '!'.
        let mut k = 0;
        let bytes: Vec<char> = inner.chars().collect();
        let mut in_bracket = false;
        while k < bytes.len() {
            match bytes[k] {
                '[' => in_bracket = true,
                ']' => in_bracket = false,
                '!' | ':' if !in_bracket => break,
                _ => {}
            }
            k += 1;
        }
        let name: String = bytes[..k].iter().collect();
        let mut conversion = None;
        let mut spec = String::new();
        if k < bytes.len() && bytes[k] == '!' {
            let c = bytes.get(k + 1).copied();
            match c {
                None => {
                    return Err(value_error(
                        "end of string while looking for conversion specifier",
                    ))
                }
                Some(c) => conversion = Some(c),
            }
            k += 2;
            if k < bytes.len() && bytes[k] != ':' {
                return Err(value_error("expected ':' after conversion specifier"));
            }
        }
        if k < bytes.len() && bytes[k] == ':' {
            spec = bytes[k + 1..].iter().collect();
        }
        let obj = self.resolve(&name)?;
        let obj = match conversion {
            None => obj,
            Some('r') => ab::repr(&obj)?,
            Some('s') => ab::str_(&obj)?,
            Some('a') => ab::ascii(&obj)?,
            Some(c) => return Err(value_error(format!("Unknown conversion specifier {c}"))),
        };
        let spec = if spec.contains('{') {
            self.render(&spec, depth + 1)?
        } else {
            spec
        };
        let r = ab::format(&obj, &crate::str::new(&spec))?;
        Ok(as_str(&r).to_string())
    }
}

/// Formats `fmt` with positional `args` and an optional mapping (`str.format`,
/// `str.format_map`).
pub fn format_with(fmt: &str, args: &[PyObj], kwargs: Option<&PyObj>) -> PyResult<PyObj> {
    let mut f = Formatter {
        args,
        kwargs,
        auto: None,
        manual: false,
    };
    Ok(crate::str::from_string(f.render(fmt, 0)?))
}

// ---------------------------------------------------------------------------------
// printf-style formatting
// ---------------------------------------------------------------------------------

/// `str % args`.
pub(crate) fn str_mod(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !is_str(a) {
        return Ok(crate::singletons::not_implemented());
    }
    Ok(crate::str::from_string(percent_format(as_str(a), b)?))
}

/// printf-style formatting of `fmt` with `values` (a tuple, a mapping or one object).
///
/// # Errors
/// `TypeError`/`ValueError` with CPython's messages.
pub fn percent_format(fmt: &str, values: &PyObj) -> PyResult<String> {
    percent_format_mode(fmt, values, false)
}

/// printf-style formatting for `str % values`, or for `bytes % values` when
/// `bytes_mode` (then `fmt` and the result are Latin-1 views of bytes: `%s`/`%b`
/// insert bytes, `%r`/`%a` insert `ascii()`, `%c` one byte, mapping keys are bytes).
pub(crate) fn percent_format_mode(fmt: &str, values: &PyObj, bytes_mode: bool) -> PyResult<String> {
    let is_tuple = crate::tuple::is_tuple(values);
    let items: Vec<PyObj> = if is_tuple {
        crate::tuple::items(values).to_vec()
    } else {
        vec![values.clone()]
    };
    let is_mapping = !is_tuple
        && !(if bytes_mode {
            crate::bytes::is_bytes(values)
        } else {
            is_str(values)
        })
        && values.ty().slots().getitem.is_some()
        && !crate::list::is_list(values);
    let mut next = 0usize;
    let mut used_mapping = false;
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut i = 0;
    let take = |next: &mut usize| -> PyResult<PyObj> {
        let v = items
            .get(*next)
            .cloned()
            .ok_or_else(|| type_error("not enough arguments for format string"))?;
        *next += 1;
        Ok(v)
    };
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        if i >= chars.len() {
            return Err(value_error("incomplete format"));
        }
        // Mapping key.
        let mut arg: Option<PyObj> = None;
        if chars[i] == '(' {
            if !is_mapping {
                return Err(type_error("format requires a mapping"));
            }
            let mut depth = 1;
            let kstart = i + 1;
            i += 1;
            while i < chars.len() && depth > 0 {
                match chars[i] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            if depth > 0 {
                return Err(value_error("incomplete format key"));
            }
            let key: String = chars[kstart..i - 1].iter().collect();
            let key = if bytes_mode {
                crate::bytes::new(&key.chars().map(|c| c as u32 as u8).collect::<Vec<u8>>())
            } else {
                crate::str::new(&key)
            };
            arg = Some(ab::getitem(values, &key)?);
            used_mapping = true;
        }
        let mut flags = String::new();
        while i < chars.len() && matches!(chars[i], '-' | '+' | ' ' | '#' | '0') {
            flags.push(chars[i]);
            i += 1;
        }
        let mut width: Option<usize> = None;
        let mut left = flags.contains('-');
        if i < chars.len() && chars[i] == '*' {
            let w = take(&mut next)?;
            if !crate::int::is_int(&w) {
                return Err(type_error("* wants int"));
            }
            let w = crate::int::to_isize(&w)?;
            if w < 0 {
                left = true;
            }
            width = Some(w.unsigned_abs());
            i += 1;
        } else {
            let s = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i > s {
                width = Some(
                    chars[s..i]
                        .iter()
                        .collect::<String>()
                        .parse::<i32>()
                        .map_err(|_| value_error("width too big"))? as usize,
                );
            }
        }
        let mut precision: Option<usize> = None;
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            if i < chars.len() && chars[i] == '*' {
                let p = take(&mut next)?;
                if !crate::int::is_int(&p) {
                    return Err(type_error("* wants int"));
                }
                precision = Some(c_int(&p)?.max(0) as usize);
                i += 1;
            } else {
                let s = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let digits: String = chars[s..i].iter().collect();
                precision = Some(if digits.is_empty() {
                    0
                } else {
                    digits
                        .parse::<i32>()
                        .map_err(|_| value_error("precision too big"))? as usize
                });
            }
        }
        // Length modifiers are accepted and ignored, as in CPython.
        while i < chars.len() && matches!(chars[i], 'h' | 'l' | 'L') {
            i += 1;
        }
        if i >= chars.len() {
            return Err(value_error("incomplete format"));
        }
        let conv = chars[i];
        i += 1;
        if conv == '%' {
            out.push('%');
            continue;
        }
        let v = match arg.take() {
            Some(v) => v,
            None => {
                if is_mapping && !is_tuple && used_mapping {
                    return Err(type_error("not enough arguments for format string"));
                }
                take(&mut next)?
            }
        };
        let sign_flag = if flags.contains('+') {
            '+'
        } else if flags.contains(' ') {
            ' '
        } else {
            '-'
        };
        let zero = flags.contains('0') && !left;
        let alt = flags.contains('#');
        let (sign_part, body): (String, String) = match conv {
            's' | 'b' if bytes_mode => {
                let s = crate::bytes_methods::percent_bytes_arg(&v)?;
                let s: String = match precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                };
                (String::new(), s)
            }
            's' | 'r' | 'a' => {
                let s = match conv {
                    's' => ab::str_(&v)?,
                    'r' if !bytes_mode => ab::repr(&v)?,
                    _ => ab::ascii(&v)?,
                };
                let s = as_str(&s);
                let s: String = match precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s.to_string(),
                };
                (String::new(), s)
            }
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                // A machine-word int in decimal: its digits without a BigInt (the
                // digit limit is far above 19 digits).
                let small = if matches!(conv, 'd' | 'i' | 'u') && crate::int::is_int(&v) {
                    match crate::int::value(&v) {
                        crate::int::Int::Small(i) => Some(i),
                        crate::int::Int::Big(_) => None,
                    }
                } else {
                    None
                };
                let (negative, mut digits) = if let Some(i) = small {
                    (i < 0, i.unsigned_abs().to_string())
                } else {
                    let n = if matches!(conv, 'd' | 'i' | 'u') {
                        if crate::int::is_int(&v) {
                            crate::int::to_bigint(&v)
                        } else if v.is_instance_of(&crate::float::FLOAT_TYPE)
                            || v.ty().slots().number.int.is_some()
                        {
                            let f = crate::int::to_bigint(&match v.ty().slots().number.int {
                                Some(f) => f(&v)?,
                                None => ab::index(&v)?,
                            });
                            f
                        } else if v.ty().slots().number.index.is_some() {
                            crate::int::to_bigint(&ab::index(&v)?)
                        } else {
                            return Err(type_error(format!(
                                "%{conv} format: a real number is required, not {}",
                                v.ty().name()
                            )));
                        }
                    } else {
                        if !crate::int::is_int(&v) && v.ty().slots().number.index.is_none() {
                            return Err(type_error(format!(
                                "%{conv} format: an integer is required, not {}",
                                v.ty().name()
                            )));
                        }
                        crate::int::to_bigint(&ab::index(&v)?)
                    };
                    let mag = n.abs();
                    let digits = match conv {
                        'x' => mag.to_str_radix(16),
                        'X' => mag.to_str_radix(16).to_uppercase(),
                        'o' => mag.to_str_radix(8),
                        _ => crate::int::decimal_digits(&mag)?,
                    };
                    (n.is_negative() && !n.is_zero(), digits)
                };
                if let Some(p) = precision {
                    if digits.len() < p {
                        digits = format!("{}{digits}", "0".repeat(p - digits.len()));
                    }
                }
                let prefix = match (alt, conv) {
                    (true, 'x') => "0x",
                    (true, 'X') => "0X",
                    (true, 'o') => "0o",
                    _ => "",
                };
                (format!("{}{prefix}", sign_str(negative, sign_flag)), digits)
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let f = if v.is_instance_of(&crate::float::FLOAT_TYPE) {
                    crate::float::value(&v)
                } else {
                    ab::as_f64(&v).map_err(|_| {
                        type_error(if bytes_mode {
                            format!("float argument required, not {}", v.ty().name())
                        } else {
                            format!("must be real number, not {}", v.ty().name())
                        })
                    })?
                };
                let spec = FormatSpec {
                    fill: ' ',
                    align: None,
                    sign: '-',
                    z: false,
                    alternate: alt,
                    width: None,
                    grouping: None,
                    precision: Some(precision.unwrap_or(6)),
                    ty: Some(conv),
                };
                let s = format_float(f.abs(), &spec)?;
                let neg = f.is_sign_negative() && !f.is_nan();
                (sign_str(neg, sign_flag).to_string(), s)
            }
            'c' if bytes_mode => {
                let bytearray_byte = crate::bytearray::is_bytearray(&v)
                    .then(|| crate::bytearray::to_vec(&v))
                    .filter(|b| b.len() == 1);
                let byte = match crate::bytes::as_bytes_opt(&v) {
                    Some([b]) => Some(*b),
                    Some(_) => None,
                    None if bytearray_byte.is_some() => bytearray_byte.map(|b| b[0]),
                    None if crate::int::is_int(&v) => {
                        let n = crate::int::to_isize(&v)?;
                        Some(u8::try_from(n).map_err(|_| {
                            crate::exceptions::overflow_error("%c arg not in range(256)")
                        })?)
                    }
                    None => None,
                };
                let b = byte.ok_or_else(|| {
                    type_error("%c requires an integer in range(256) or a single byte")
                })?;
                (String::new(), (b as char).to_string())
            }
            'c' => {
                let ch = if is_str(&v) {
                    let s = as_str(&v);
                    let mut it = s.chars();
                    match (it.next(), it.next()) {
                        (Some(c), None) => c,
                        _ => return Err(type_error("%c requires int or char")),
                    }
                } else if crate::int::is_int(&v) {
                    // Any int out of range, however big, is this OverflowError.
                    crate::int::to_isize(&v)
                        .ok()
                        .and_then(|n| u32::try_from(n).ok())
                        .and_then(strand_literal::str::from_code_point)
                        .ok_or_else(|| {
                            crate::exceptions::overflow_error("%c arg not in range(0x110000)")
                        })?
                } else {
                    return Err(type_error("%c requires int or char"));
                };
                (String::new(), ch.to_string())
            }
            other => {
                return Err(value_error(format!(
                    "unsupported format character '{other}' ({:#x}) at index {}",
                    other as u32,
                    i - 1
                )))
            }
        };
        let _ = start;
        let len = sign_part.chars().count() + body.chars().count();
        let w = width.unwrap_or(0);
        if w > len {
            let need = out.len().saturating_add(w);
            crate::alloc::check_bytes(need)?;
            out.try_reserve(w)
                .map_err(|_| crate::exceptions::memory_error())?;
        }
        if len >= w {
            out.push_str(&sign_part);
            out.push_str(&body);
        } else if left {
            out.push_str(&sign_part);
            out.push_str(&body);
            out.extend(std::iter::repeat_n(' ', w - len));
        } else if zero && !matches!(conv, 's' | 'r' | 'a' | 'c' | 'b') {
            out.push_str(&sign_part);
            out.extend(std::iter::repeat_n('0', w - len));
            out.push_str(&body);
        } else {
            out.extend(std::iter::repeat_n(' ', w - len));
            out.push_str(&sign_part);
            out.push_str(&body);
        }
    }
    if next < items.len() && !used_mapping && !(is_mapping && items.len() == 1) {
        return Err(type_error(if bytes_mode {
            "not all arguments converted during bytes formatting"
        } else {
            "not all arguments converted during string formatting"
        }));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fint(v: i64, spec: &str) -> String {
        format_int(&BigInt::from(v), spec).expect("format")
    }

    fn ff(v: f64, spec: &str) -> String {
        format_float(v, &parse_spec(spec).expect("spec")).expect("format")
    }

    #[test]
    fn ints_like_python() {
        assert_eq!(fint(1234567, ","), "1,234,567");
        assert_eq!(fint(1234, "09,"), "0,001,234");
        assert_eq!(fint(-42, "+05d"), "-0042");
        assert_eq!(fint(42, "+d"), "+42");
        assert_eq!(fint(255, "#x"), "0xff");
        assert_eq!(fint(255, "#010b"), "0b11111111");
        assert_eq!(fint(65535, "_x"), "ffff");
        assert_eq!(fint(1 << 20, "_x"), "10_0000");
        assert_eq!(fint(42, "*^8"), "***42***");
        assert_eq!(fint(42, "<5"), "42   ");
        assert_eq!(fint(97, "c"), "a");
        assert_eq!(fint(3, ".2f"), "3.00");
    }

    #[test]
    fn floats_like_python() {
        assert_eq!(ff(2.675, ".2f"), "2.67");
        assert_eq!(ff(1.125, ".2f"), "1.12");
        assert_eq!(ff(2.5, ".0f"), "2");
        assert_eq!(ff(1234.5678, ",.2f"), "1,234.57");
        assert_eq!(ff(1e-5, "e"), "1.000000e-05");
        assert_eq!(ff(12345.678, ".3e"), "1.235e+04");
        assert_eq!(ff(0.0001, "g"), "0.0001");
        assert_eq!(ff(0.00001, "g"), "1e-05");
        assert_eq!(ff(123456789.0, "g"), "1.23457e+08");
        assert_eq!(ff(1.0, ".3"), "1.0");
        assert_eq!(ff(1234.5, ".2"), "1.2e+03");
        assert_eq!(ff(0.25, ".1%"), "25.0%");
        assert_eq!(ff(-1.5, "08.2f"), "-0001.50");
        assert_eq!(ff(f64::INFINITY, "f"), "inf");
        assert_eq!(ff(f64::NAN, "F"), "NAN");
        assert_eq!(ff(-0.0, "z.1f"), "0.0");
        assert_eq!(ff(2.0, "#g"), "2.00000");
        assert_eq!(ff(1e16, ""), "1e+16");
    }

    #[test]
    fn strings_like_python() {
        let _ts = crate::test_env();
        assert_eq!(format_str("ab", ">4").expect("fmt"), "  ab");
        assert_eq!(format_str("abcdef", ".3").expect("fmt"), "abc");
        assert_eq!(format_str("ab", "^5").expect("fmt"), " ab  ");
        assert!(format_str("ab", "+").is_err());
    }

    #[test]
    fn spec_errors() {
        let _ts = crate::test_env();
        assert!(parse_spec(".").is_err());
        assert!(parse_spec(",_").is_err());
        assert!(parse_spec("xx").is_err());
        assert!(parse_spec(",x").is_err());
    }
}
