//! The `binascii` module (CPython's Modules/binascii.c): conversions between binary
//! data and ASCII encodings: base64 (`a2b_base64`, `b2a_base64`, with
//! `strict_mode`), hexadecimal (`a2b_hex`/`unhexlify`, `b2a_hex`/`hexlify` with a
//! separator), uuencode (`a2b_uu`, `b2a_uu`), quoted-printable (`a2b_qp`,
//! `b2a_qp`), the CRCs (`crc32`, `crc_hqx`), and the exceptions `Error` (a
//! `ValueError`) and `Incomplete`.
//!
//! The decoders take bytes-like objects or ASCII strs, the encoders bytes-like
//! objects only, as CPython's argument converters do. The decoders' leniency (and
//! its quirks: `a2b_uu(b'')` gives 32 zero bytes) is CPython's.

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{bytes, dict, int, module, str as pystr, PyErr, PyObj, PyResult};

use crate::modsupport::{self, Leaked};
use strand_interp::native_module::add_functions;

fn error_class() -> PyObj {
    static E: Leaked = Leaked::new();
    E.get_or_init(|| {
        modsupport::new_exception_class("binascii", "Error", &[exc::VALUE_ERROR_TYPE.to_obj()])
    })
}

fn incomplete_class() -> PyObj {
    static E: Leaked = Leaked::new();
    E.get_or_init(|| {
        modsupport::new_exception_class("binascii", "Incomplete", &[exc::EXCEPTION_TYPE.to_obj()])
    })
}

fn error(msg: impl AsRef<str>) -> PyErr {
    modsupport::raise(&error_class(), msg)
}

/// CPython's `ascii_buffer_converter`: a bytes-like object or an ASCII str.
fn ascii_data(o: &PyObj) -> PyResult<Vec<u8>> {
    if pystr::is_str(o) {
        let s = pystr::as_str(o);
        if !s.is_ascii() {
            return Err(value_error(
                "string argument should contain only ASCII characters",
            ));
        }
        return Ok(s.as_bytes().to_vec());
    }
    crate::buffer::bytes_like(o).map_err(|_| {
        type_error(format!(
            "argument should be bytes, buffer or ASCII string, not '{}'",
            o.ty().name()
        ))
    })
}

/// Binds one positional-only argument and keyword-only flags (`f(data, /, *, k=..)`).
fn data_and_flags<'a>(
    a: &'a [PyObj],
    k: Option<&'a PyObj>,
    fname: &str,
    flags: &[&str],
) -> PyResult<(&'a PyObj, Vec<Option<&'a PyObj>>)> {
    let args = Args::new(a, k);
    if args.nargs() != 1 {
        return Err(type_error(format!(
            "{fname}() takes exactly 1 positional argument ({} given)",
            args.nargs()
        )));
    }
    let mut out = vec![None; flags.len()];
    for (name, v) in args.kwargs() {
        match flags.iter().position(|f| *f == name) {
            Some(i) => out[i] = Some(v),
            None => {
                return Err(type_error(format!(
                    "'{name}' is an invalid keyword argument for {fname}()"
                )))
            }
        }
    }
    Ok((&a[0], out))
}

fn flag(v: Option<&PyObj>, default: bool) -> PyResult<bool> {
    v.map_or(Ok(default), ab::is_true)
}

// ---------------------------------------------------------------------------------
// base64
// ---------------------------------------------------------------------------------

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn b64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes base64 as CPython's `binascii_a2b_base64_impl` does.
fn a2b_base64_bytes(data: &[u8], strict: bool) -> PyResult<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 3);
    if strict && data.first() == Some(&b'=') {
        return Err(error("Leading padding not allowed"));
    }
    let (mut quad_pos, mut pads, mut left) = (0u8, 0usize, 0u8);
    let mut padding_started = false;
    for (i, &c) in data.iter().enumerate() {
        if c == b'=' {
            padding_started = true;
            if quad_pos >= 2 {
                pads += 1;
                if usize::from(quad_pos) + pads >= 4 {
                    if strict && i + 1 < data.len() {
                        return Err(error("Excess data after padding"));
                    }
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = b64_value(c) else {
            if strict {
                return Err(error("Only base64 data is allowed"));
            }
            continue;
        };
        if strict && padding_started {
            return Err(error("Discontinuous padding not allowed"));
        }
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                left = v;
            }
            1 => {
                quad_pos = 2;
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push((left << 6) | v);
                left = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(error(format!(
            "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more than a multiple of 4",
            out.len() / 3 * 4 + 1
        ))),
        _ => Err(error("Incorrect padding")),
    }
}

fn b2a_base64_bytes(data: &[u8], newline: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4 + 1);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * k)) & 0x3f) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    if newline {
        out.push(b'\n');
    }
    out
}

fn a2b_base64(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (data, flags) = data_and_flags(a, k, "a2b_base64", &["strict_mode"])?;
    let data = ascii_data(data)?;
    Ok(bytes::new(&a2b_base64_bytes(
        &data,
        flag(flags[0], false)?,
    )?))
}

fn b2a_base64(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (data, flags) = data_and_flags(a, k, "b2a_base64", &["newline"])?;
    let data = crate::buffer::bytes_like(data)?;
    Ok(bytes::new(&b2a_base64_bytes(&data, flag(flags[0], true)?)))
}

// ---------------------------------------------------------------------------------
// hex
// ---------------------------------------------------------------------------------

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn a2b_hex_bytes(data: &[u8]) -> PyResult<Vec<u8>> {
    if !data.len().is_multiple_of(2) {
        return Err(error("Odd-length string"));
    }
    data.chunks(2)
        .map(|p| match (hex_value(p[0]), hex_value(p[1])) {
            (Some(h), Some(l)) => Ok((h << 4) | l),
            _ => Err(error("Non-hexadecimal digit found")),
        })
        .collect()
}

/// CPython's `_Py_strhex_bytes_with_sep`: lowercase hex digits, with `sep` between
/// groups of `per_sep` bytes counted from the right (from the left if negative).
pub fn hex_with_sep(data: &[u8], sep: Option<u8>, per_sep: isize) -> Vec<u8> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let group = per_sep.unsigned_abs();
    let mut out = Vec::with_capacity(data.len() * 3);
    for (i, &b) in data.iter().enumerate() {
        if let Some(s) = sep {
            if group > 0 && i > 0 {
                let boundary = if per_sep > 0 {
                    (data.len() - i).is_multiple_of(group)
                } else {
                    i.is_multiple_of(group)
                };
                if boundary {
                    out.push(s);
                }
            }
        }
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 0xf)]);
    }
    out
}

/// The separator argument of `hex()`-like functions: a str or bytes of length 1.
pub fn hex_sep(sep: Option<&PyObj>) -> PyResult<Option<u8>> {
    let Some(sep) = sep else { return Ok(None) };
    let unit: Vec<u32> = if pystr::is_str(sep) {
        pystr::as_str(sep).chars().map(u32::from).collect()
    } else if let Some(b) = bytes::as_bytes_opt(sep) {
        b.iter().map(|&x| u32::from(x)).collect()
    } else {
        return Err(type_error(format!(
            "object of type '{}' has no len()",
            sep.ty().name()
        )));
    };
    match unit[..] {
        [c] => Ok(Some(c as u8)),
        _ => Err(value_error("sep must be length 1.")),
    }
}

fn b2a_hex_impl(a: &[PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind(fname, 0, &["data", "sep", "bytes_per_sep"], 1)?;
    let data = crate::buffer::bytes_like(b[0].expect("required"))?;
    let sep = hex_sep(b[1])?;
    let per = match b[2] {
        Some(v) => int::to_isize(&ab::index(v)?)?,
        None => 1,
    };
    Ok(bytes::new(&hex_with_sep(&data, sep, per)))
}

fn b2a_hex(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    b2a_hex_impl(a, k, "b2a_hex")
}

fn hexlify(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    b2a_hex_impl(a, k, "hexlify")
}

/// CPython's `METH_O` checks with the module-qualified name.
fn one_arg<'a>(a: &'a [PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<&'a PyObj> {
    let qual = format!("binascii.{fname}");
    Args::new(a, k).no_kwargs(&qual)?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "{qual}() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    Ok(&a[0])
}

fn a2b_hex_impl(a: &[PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<PyObj> {
    let data = ascii_data(one_arg(a, k, fname)?)?;
    Ok(bytes::new(&a2b_hex_bytes(&data)?))
}

fn a2b_hex(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    a2b_hex_impl(a, k, "a2b_hex")
}

fn unhexlify(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    a2b_hex_impl(a, k, "unhexlify")
}

// ---------------------------------------------------------------------------------
// uuencode
// ---------------------------------------------------------------------------------

fn a2b_uu_bytes(data: &[u8]) -> PyResult<Vec<u8>> {
    // An empty line reads as its terminating NUL, as in CPython.
    let first = data.first().copied().unwrap_or(0);
    let mut bin_len = usize::from(first.wrapping_sub(b' ') & 0o77);
    let rest = data.get(1..).unwrap_or(&[]);
    let mut out = Vec::with_capacity(bin_len);
    let (mut left, mut leftbits) = (0u32, 0u32);
    let mut i = 0;
    while bin_len > 0 {
        let c = rest.get(i).copied();
        let v = match c {
            None | Some(b'\n' | b'\r') => 0,
            Some(c) if !(b' '..=b' ' + 64).contains(&c) => return Err(error("Illegal char")),
            Some(c) => u32::from((c - b' ') & 0o77),
        };
        left = (left << 6) | v;
        leftbits += 6;
        if leftbits >= 8 {
            leftbits -= 8;
            out.push((left >> leftbits) as u8);
            left &= (1 << leftbits) - 1;
            bin_len -= 1;
        }
        i += 1;
    }
    for &c in rest.get(i..).unwrap_or(&[]) {
        if !matches!(c, b' ' | b'`' | b'\n' | b'\r') {
            return Err(error("Trailing garbage"));
        }
    }
    Ok(out)
}

fn b2a_uu_bytes(data: &[u8], backtick: bool) -> PyResult<Vec<u8>> {
    if data.len() > 45 {
        return Err(error("At most 45 bytes at once"));
    }
    let enc = |v: u32| {
        if backtick && v == 0 {
            b'`'
        } else {
            b' ' + v as u8
        }
    };
    let mut out = vec![enc(data.len() as u32)];
    for chunk in data.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        for k in 0..4 {
            out.push(enc((n >> (18 - 6 * k)) & 0x3f));
        }
    }
    out.push(b'\n');
    Ok(out)
}

fn a2b_uu(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(bytes::new(&a2b_uu_bytes(&ascii_data(one_arg(
        a, k, "a2b_uu",
    )?)?)?))
}

fn b2a_uu(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (data, flags) = data_and_flags(a, k, "b2a_uu", &["backtick"])?;
    let data = crate::buffer::bytes_like(data)?;
    Ok(bytes::new(&b2a_uu_bytes(&data, flag(flags[0], false)?)?))
}

// ---------------------------------------------------------------------------------
// quoted-printable
// ---------------------------------------------------------------------------------

fn a2b_qp_bytes(data: &[u8], header: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let n = data.len();
    let mut i = 0;
    while i < n {
        let c = data[i];
        if c == b'=' {
            i += 1;
            if i >= n {
                break;
            }
            if data[i] == b'\n' || data[i] == b'\r' {
                // A soft line break.
                if data[i] != b'\n' {
                    while i < n && data[i] != b'\n' {
                        i += 1;
                    }
                }
                if i < n {
                    i += 1;
                }
            } else if data[i] == b'=' {
                out.push(b'=');
                i += 1;
            } else if i + 1 < n {
                match (hex_value(data[i]), hex_value(data[i + 1])) {
                    (Some(h), Some(l)) => {
                        out.push((h << 4) | l);
                        i += 2;
                    }
                    _ => out.push(b'='),
                }
            } else {
                out.push(b'=');
            }
        } else if header && c == b'_' {
            out.push(b' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn b2a_qp_bytes(data: &[u8], quotetabs: bool, istext: bool, header: bool) -> Vec<u8> {
    const MAXLINESIZE: usize = 76;
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let n = data.len();
    let crlf = match data.iter().position(|&c| c == b'\n') {
        Some(p) => p > 0 && data[p - 1] == b'\r',
        None => false,
    };
    let mut out: Vec<u8> = Vec::with_capacity(n * 2);
    let soft_break = |out: &mut Vec<u8>| {
        out.push(b'=');
        if crlf {
            out.push(b'\r');
        }
        out.push(b'\n');
    };
    let (mut i, mut linelen) = (0usize, 0usize);
    while i < n {
        let c = data[i];
        let next = data.get(i + 1).copied();
        let encode = c > 126
            || c == b'='
            || (header && c == b'_')
            || (c == b'.' && linelen == 0 && matches!(next, None | Some(b'\n' | b'\r' | 0)))
            || (!istext && (c == b'\r' || c == b'\n'))
            || ((c == b'\t' || c == b' ') && i + 1 == n)
            || (c < 33 && c != b'\r' && c != b'\n' && (quotetabs || (c != b'\t' && c != b' ')));
        if encode {
            if linelen + 3 >= MAXLINESIZE {
                soft_break(&mut out);
                linelen = 0;
            }
            out.extend_from_slice(&[b'=', HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]]);
            i += 1;
            linelen += 3;
        } else if istext && (c == b'\n' || (c == b'\r' && next == Some(b'\n'))) {
            linelen = 0;
            // Whitespace at the end of a line is protected.
            if let Some(&last) = out.last() {
                if last == b' ' || last == b'\t' {
                    let at = out.len() - 1;
                    out[at] = b'=';
                    out.extend_from_slice(&[
                        HEX[usize::from(last >> 4)],
                        HEX[usize::from(last & 15)],
                    ]);
                }
            }
            if crlf {
                out.push(b'\r');
            }
            out.push(b'\n');
            i += if c == b'\r' { 2 } else { 1 };
        } else {
            if i + 1 != n && next != Some(b'\n') && linelen + 1 >= MAXLINESIZE {
                soft_break(&mut out);
                linelen = 0;
            }
            linelen += 1;
            out.push(if header && c == b' ' { b'_' } else { c });
            i += 1;
        }
    }
    out
}

fn a2b_qp(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("a2b_qp", 0, &["data", "header"], 1)?;
    let data = ascii_data(b[0].expect("required"))?;
    Ok(bytes::new(&a2b_qp_bytes(&data, flag(b[1], false)?)))
}

fn b2a_qp(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("b2a_qp", 0, &["data", "quotetabs", "istext", "header"], 1)?;
    let data = crate::buffer::bytes_like(b[0].expect("required"))?;
    Ok(bytes::new(&b2a_qp_bytes(
        &data,
        flag(b[1], false)?,
        flag(b[2], true)?,
        flag(b[3], false)?,
    )))
}

// ---------------------------------------------------------------------------------
// CRCs
// ---------------------------------------------------------------------------------

/// An `unsigned int` argument converted with wrap-around (`bitwise=True`).
fn u32_mask(o: &PyObj) -> PyResult<u32> {
    if !int::is_int(o) && o.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            o.ty().name()
        )));
    }
    let v = ab::index(o)?;
    Ok(match int::value(&v) {
        int::Int::Small(x) => x as u32,
        int::Int::Big(b) => {
            let (_, digits) = b.to_u32_digits();
            let low = digits.first().copied().unwrap_or(0);
            if b.sign() == num_bigint::Sign::Minus {
                low.wrapping_neg()
            } else {
                low
            }
        }
    })
}

/// The CRC-32 table for the reflected polynomial 0xEDB88320, a byte at a time.
const CRC32_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// CRC-32 (ISO 3309 / ITU-T V.42, as zlib computes it) continuing from `crc`.
pub fn crc32_update(crc: u32, data: &[u8]) -> u32 {
    let mut c = !crc;
    for &b in data {
        c = CRC32_TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

fn crc32(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("crc32", 1, 2)?;
    let data = crate::buffer::bytes_like(&a[0])?;
    let crc = match a.get(1) {
        Some(c) => u32_mask(c)?,
        None => 0,
    };
    Ok(int::from_i64(i64::from(crc32_update(crc, &data))))
}

fn crc_hqx(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("crc_hqx", 2, 2)?;
    let data = crate::buffer::bytes_like(&a[0])?;
    let mut crc = (u32_mask(&a[1])? & 0xffff) as u16;
    for &b in &data {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    Ok(int::from_i64(i64::from(crc)))
}

/// The `binascii` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("binascii");
    add_functions(
        &m,
        "binascii",
        &[
            ("a2b_base64", a2b_base64),
            ("b2a_base64", b2a_base64),
            ("a2b_hex", a2b_hex),
            ("b2a_hex", b2a_hex),
            ("hexlify", hexlify),
            ("unhexlify", unhexlify),
            ("a2b_uu", a2b_uu),
            ("b2a_uu", b2a_uu),
            ("a2b_qp", a2b_qp),
            ("b2a_qp", b2a_qp),
            ("crc32", crc32),
            ("crc_hqx", crc_hqx),
        ],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "Error", error_class());
    dict::set_item_str(&d, "Incomplete", incomplete_class());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_check_value() {
        assert_eq!(crc32_update(0, b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn base64_round_trips() {
        for data in [&b""[..], b"a", b"ab", b"abc", b"abcd\xff\x00"] {
            let enc = b2a_base64_bytes(data, false);
            assert_eq!(a2b_base64_bytes(&enc, true).ok().as_deref(), Some(data));
        }
    }

    #[test]
    fn hex_groups_count_from_the_right_or_left() {
        assert_eq!(hex_with_sep(b"\x01\x02\x03", Some(b'-'), 2), b"01-0203");
        assert_eq!(hex_with_sep(b"\x01\x02\x03", Some(b'-'), -2), b"0102-03");
    }
}
