//! The item formats `memoryview` reads and writes: the struct module's native
//! single-character codes `B b c h H i I l L q Q n N f d ? P`, optionally prefixed
//! with `@` (CPython's `get_native_fmtchar`, `unpack_single`, `pack_single` and
//! `unpack_cmp` in Objects/memoryobject.c), with memoryview's own error messages
//! (`memoryview: invalid value for format 'B'`), which differ from the struct
//! module's. Sizes are those of the C types on this machine.

use std::ffi::{c_long, c_ulong};
use std::mem::size_of;

use crate::exceptions::{not_implemented_error, type_error, value_error, PyErr};
use crate::object::PyObj;
use crate::{abstract_ as ab, PyResult};

/// The size of an item of native format `code`, or `None` for any other code.
pub(crate) fn code_size(code: char) -> Option<usize> {
    Some(match code {
        'B' | 'b' | 'c' | '?' => 1,
        'h' | 'H' => 2,
        'i' | 'I' => 4,
        'l' | 'L' => size_of::<c_long>(),
        'q' | 'Q' => 8,
        'n' | 'N' => size_of::<isize>(),
        'f' => 4,
        'd' => 8,
        'P' => size_of::<*const u8>(),
        _ => return None,
    })
}

/// The code and item size of a native single-character format (`"i"`, `"@i"`), or
/// `None` for anything else (`"<i"`, `"ii"`, `"e"`).
pub(crate) fn native(format: &str) -> Option<(char, usize)> {
    let f = format.strip_prefix('@').unwrap_or(format);
    let mut chars = f.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return None;
    };
    code_size(c).map(|n| (c, n))
}

/// The format string a cast gives its view, as a static string (the format with its
/// `@`, if it had one).
pub(crate) fn static_format(format: &str) -> Option<&'static str> {
    const PLAIN: [&str; 17] = [
        "B", "b", "c", "?", "h", "H", "i", "I", "l", "L", "q", "Q", "n", "N", "f", "d", "P",
    ];
    const AT: [&str; 17] = [
        "@B", "@b", "@c", "@?", "@h", "@H", "@i", "@I", "@l", "@L", "@q", "@Q", "@n", "@N", "@f",
        "@d", "@P",
    ];
    native(format)?;
    PLAIN
        .iter()
        .chain(AT.iter())
        .find(|f| **f == format)
        .copied()
}

/// `true` for the formats whose items are bytes (`B`, `b`, `c`).
pub(crate) fn is_byte_code(code: char) -> bool {
    matches!(code, 'B' | 'b' | 'c')
}

/// The one character of a view's format, `@` dropped (CPython's `adjust_fmt`).
///
/// # Errors
/// `NotImplementedError: memoryview: unsupported format F` for longer formats.
pub(crate) fn item_code(format: &str) -> PyResult<char> {
    let f = format.strip_prefix('@').unwrap_or(format);
    let mut chars = f.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(not_implemented_error(format!(
            "memoryview: unsupported format {format}"
        ))),
    }
}

fn unsupported(code: char) -> PyErr {
    not_implemented_error(format!("memoryview: format {code} not supported"))
}

/// One item of format `code` from its bytes (machine order).
///
/// # Errors
/// `NotImplementedError: memoryview: format X not supported` for other codes.
pub(crate) fn unpack(code: char, b: &[u8]) -> PyResult<PyObj> {
    Ok(match scalar(code, b).ok_or_else(|| unsupported(code))? {
        Scalar::Int(v) if code == '?' => crate::int::bool_obj(v != 0),
        Scalar::Int(v) => crate::int::from_i128(v),
        Scalar::Float(f) => crate::float::from_f64(f),
        Scalar::Byte(c) => crate::bytes::new(&[c]),
    })
}

/// An item's value, for comparisons.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Scalar {
    /// Integer codes, `?` (0 or 1) and `P`.
    Int(i128),
    /// `f` and `d`.
    Float(f64),
    /// `c`: a bytes object of length one.
    Byte(u8),
}

impl Scalar {
    /// Python's `==` between the items' values (`1 == 1.0`, `True == 1`, NaN unequal
    /// to itself, bytes equal only to bytes).
    pub(crate) fn py_eq(self, other: Scalar) -> bool {
        match (self, other) {
            (Scalar::Int(a), Scalar::Int(b)) => a == b,
            (Scalar::Float(a), Scalar::Float(b)) => a == b,
            (Scalar::Int(i), Scalar::Float(f)) | (Scalar::Float(f), Scalar::Int(i)) => {
                f.is_finite() && f.trunc() == f && f.abs() < 1.7e38 && f as i128 == i
            }
            (Scalar::Byte(a), Scalar::Byte(b)) => a == b,
            _ => false,
        }
    }
}

/// The value of an item of format `code`, or `None` for an unsupported code.
pub(crate) fn scalar(code: char, b: &[u8]) -> Option<Scalar> {
    fn arr<const N: usize>(b: &[u8]) -> [u8; N] {
        let mut a = [0u8; N];
        a.copy_from_slice(&b[..N]);
        a
    }
    Some(match code {
        'B' => Scalar::Int(i128::from(b[0])),
        'b' => Scalar::Int(i128::from(b[0] as i8)),
        'c' => Scalar::Byte(b[0]),
        '?' => Scalar::Int(i128::from(b[0] != 0)),
        'h' => Scalar::Int(i128::from(i16::from_ne_bytes(arr(b)))),
        'H' => Scalar::Int(i128::from(u16::from_ne_bytes(arr(b)))),
        'i' => Scalar::Int(i128::from(i32::from_ne_bytes(arr(b)))),
        'I' => Scalar::Int(i128::from(u32::from_ne_bytes(arr(b)))),
        'l' => Scalar::Int(i128::from(c_long::from_ne_bytes(arr(b)))),
        'L' => Scalar::Int(i128::from(c_ulong::from_ne_bytes(arr(b)))),
        'q' => Scalar::Int(i128::from(i64::from_ne_bytes(arr(b)))),
        'Q' => Scalar::Int(i128::from(u64::from_ne_bytes(arr(b)))),
        'n' => Scalar::Int(isize::from_ne_bytes(arr(b)) as i128),
        'N' | 'P' => Scalar::Int(usize::from_ne_bytes(arr(b)) as i128),
        'f' => Scalar::Float(f64::from(f32::from_ne_bytes(arr(b)))),
        'd' => Scalar::Float(f64::from_ne_bytes(arr(b))),
        _ => return None,
    })
}

fn invalid_type(format: &str) -> PyErr {
    type_error(format!("memoryview: invalid type for format '{format}'"))
}

fn invalid_value(format: &str) -> PyErr {
    value_error(format!("memoryview: invalid value for format '{format}'"))
}

/// CPython's `fix_error_int`: a conversion's `TypeError` becomes "invalid type", its
/// `ValueError` or `OverflowError` "invalid value"; anything else passes.
fn fix_error(e: PyErr, format: &str) -> PyErr {
    if e.is_instance(&crate::exceptions::TYPE_ERROR_TYPE) {
        invalid_type(format)
    } else if e.is_instance(&crate::exceptions::VALUE_ERROR_TYPE)
        || e.is_instance(&crate::exceptions::OVERFLOW_ERROR_TYPE)
    {
        invalid_value(format)
    } else {
        e
    }
}

/// The low `n` bytes of `v` in machine order (two's complement).
fn low_bytes(v: i128, n: usize) -> Vec<u8> {
    let mut out = v.to_le_bytes()[..n].to_vec();
    if cfg!(target_endian = "big") {
        out.reverse();
    }
    out
}

/// The bytes of `value` as an item of format `code` (the view's format is
/// `format`, for messages). May run Python code (`__index__`, `__float__`,
/// `__bool__`): call it before taking any lock.
///
/// # Errors
/// `TypeError: memoryview: invalid type for format 'F'`, `ValueError: memoryview:
/// invalid value for format 'F'`; `NotImplementedError` for unsupported codes.
pub(crate) fn pack(code: char, format: &str, value: &PyObj) -> PyResult<Vec<u8>> {
    let int_in = |lo: i128, hi: i128| -> PyResult<i128> {
        let i = ab::index(value).map_err(|e| fix_error(e, format))?;
        match i128::try_from(&crate::int::to_bigint(&i)) {
            Ok(v) if v >= lo && v <= hi => Ok(v),
            _ => Err(invalid_value(format)),
        }
    };
    let signed =
        |bits: u32| -> (i128, i128) { (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1) };
    let unsigned = |bits: u32| -> (i128, i128) { (0, (1i128 << bits) - 1) };
    let bits = |code: char| (code_size(code).unwrap_or(1) * 8) as u32;
    Ok(match code {
        'B' | 'H' | 'I' | 'L' | 'Q' | 'N' => {
            let (lo, hi) = unsigned(bits(code));
            low_bytes(int_in(lo, hi)?, code_size(code).unwrap_or(1))
        }
        'b' | 'h' | 'i' | 'l' | 'q' | 'n' => {
            let (lo, hi) = signed(bits(code));
            low_bytes(int_in(lo, hi)?, code_size(code).unwrap_or(1))
        }
        'P' => {
            // PyLong_AsVoidPtr: ints only (no `__index__`), negative ones as C longs.
            if !crate::int::is_int(value) {
                return Err(invalid_type(format));
            }
            let v = match i128::try_from(&crate::int::to_bigint(value)) {
                Ok(v) if (-(1i128 << 63)..(1i128 << 64)).contains(&v) => v,
                _ => return Err(invalid_value(format)),
            };
            (v as usize).to_ne_bytes().to_vec()
        }
        'f' => {
            let d = ab::as_f64(value).map_err(|e| fix_error(e, format))?;
            (d as f32).to_ne_bytes().to_vec()
        }
        'd' => {
            let d = ab::as_f64(value).map_err(|e| fix_error(e, format))?;
            d.to_ne_bytes().to_vec()
        }
        '?' => vec![u8::from(ab::is_true(value)?)],
        'c' => match crate::bytes::as_bytes_opt(value) {
            Some([b]) => vec![*b],
            Some(_) => return Err(invalid_value(format)),
            None => return Err(invalid_type(format)),
        },
        _ => return Err(unsupported(code)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_formats() {
        assert_eq!(native("B"), Some(('B', 1)));
        assert_eq!(native("@d"), Some(('d', 8)));
        assert_eq!(native("<i"), None);
        assert_eq!(native("ii"), None);
        assert_eq!(native("e"), None);
        assert_eq!(static_format("@P"), Some("@P"));
        assert_eq!(static_format("x"), None);
    }

    #[test]
    fn scalars_compare_as_python_values() {
        assert!(Scalar::Int(1).py_eq(Scalar::Float(1.0)));
        assert!(!Scalar::Float(f64::NAN).py_eq(Scalar::Float(f64::NAN)));
        assert!(!Scalar::Byte(97).py_eq(Scalar::Int(97)));
        assert_eq!(scalar('h', &(-2i16).to_ne_bytes()), Some(Scalar::Int(-2)));
        assert_eq!(scalar('?', &[2]), Some(Scalar::Int(1)));
        assert_eq!(scalar('w', &[0; 4]), None);
    }
}
