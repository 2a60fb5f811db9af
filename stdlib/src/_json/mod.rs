//! The `_json` module (CPython 3.11's Modules/_json.c), the accelerators `json`
//! picks up when present: the string functions `scanstring`,
//! `encode_basestring_ascii` and `encode_basestring`, and the two callable types
//! `make_scanner` (`_json.Scanner`, [`scanner`]: one JSON value from a str at an
//! index) and `make_encoder` (`_json.Encoder`, [`encoder`]: a value to JSON text in
//! one piece).
//!
//! Both engines follow CPython's C code step for step, so that the positions of
//! their errors, the order in which they call hooks and the exceptions they raise
//! are CPython's; they read a str as code points, bytes for an ASCII str and chars
//! otherwise ([`scanner::Text`]).
//!
//! A JSON `\u` escape of a lone surrogate decodes to that surrogate, as in CPython
//! (strand's `str` holds it as a stand-in character). Decoding errors are
//! `json.decoder.JSONDecodeError`, looked up in `json.decoder` as CPython does.

pub mod encoder;
pub mod scanner;

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::{dict, int, module, str as pystr, tuple, PyErr, PyObj, PyResult};

use strand_interp::native_module::add_functions;

use crate::modsupport;

/// `json.decoder.JSONDecodeError(msg, doc, pos)` (CPython's `raise_errmsg`). The
/// position may be -1: `scanstring(s, 0)` reports the string as starting before
/// the text.
fn decode_error(msg: &str, doc: &PyObj, pos: isize) -> PyErr {
    let found = strand_interp::import::import(
        &pystr::new("json.decoder"),
        &dict::new(),
        &tuple::from_vec(vec![pystr::new("JSONDecodeError")]),
        &int::from_i64(0),
    )
    .and_then(|m| ab::getattr_str(&m, "JSONDecodeError"));
    match found {
        Ok(cls) => exc::call_exception_class(
            &cls,
            &[pystr::new(msg), doc.clone(), int::from_i64(pos as i64)],
        ),
        Err(e) => e,
    }
}

/// `TypeError: first argument must be a string, not T`.
fn not_a_string(o: &PyObj) -> PyErr {
    type_error(format!(
        "first argument must be a string, not {}",
        o.ty().name()
    ))
}

/// `scanstring(string, end, strict=True) -> (str, end)`: the JSON string whose
/// body starts at `end` (after its opening quote), unescaped, and the index after
/// its closing quote. Arguments are parsed as CPython's `"On|i"`: `end` first
/// (`OverflowError` past a C `ssize_t`), then `strict` as a C int, then the type of
/// `string`.
fn scanstring(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("scanstring")?;
    if !(2..=3).contains(&a.len()) {
        let (bound, n) = if a.len() < 2 {
            ("least", 2)
        } else {
            ("most", 3)
        };
        return Err(type_error(format!(
            "scanstring() takes at {bound} {n} arguments ({} given)",
            a.len()
        )));
    }
    let end = int::to_isize(&ab::index(&a[1])?)?;
    let strict = match a.get(2) {
        Some(s) => modsupport::c_int(s)? != 0,
        None => true,
    };
    if !pystr::is_str(&a[0]) {
        return Err(not_a_string(&a[0]));
    }
    let (s, next) = scanner::with_text(&a[0], |t| scanner::scan_string(&a[0], t, end, strict))?;
    Ok(tuple::pair(s, int::from_usize(next)))
}

/// The hex digits of CPython's `Py_hexdigits`.
const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `\uXXXX` for the 16-bit unit `u`.
fn push_u_escape(out: &mut String, u: u32) {
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[((u >> shift) & 0xf) as usize] as char);
    }
}

/// Appends the JSON string literal of `s` (quotes included) to `out`: CPython's
/// `ascii_escape_unicode` when `ascii` (everything outside `' '..='~'` escaped,
/// astral characters as surrogate pairs, lone surrogates as themselves), else
/// `escape_unicode` (only `"`, `\` and the C0 controls escaped).
pub(crate) fn escape_into(out: &mut String, s: &str, ascii: bool) {
    out.reserve(s.len() + 2);
    out.push('"');
    let plain = |b: u8| (b' '..=b'~').contains(&b) && b != b'\\' && b != b'"';
    if s.bytes().all(plain) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => push_u_escape(out, u32::from(c)),
            c if !ascii || u32::from(c) < 0x7f => out.push(c),
            c => match strand_literal::str::as_surrogate(c) {
                Some(u) => push_u_escape(out, u),
                None => {
                    let mut buf = [0u16; 2];
                    for &u in c.encode_utf16(&mut buf).iter() {
                        push_u_escape(out, u32::from(u));
                    }
                }
            },
        }
    }
    out.push('"');
}

/// The one-argument check of a `METH_O` function and the type check of its str.
fn one_str<'a>(a: &'a [PyObj], k: Option<&PyObj>, qual: &str) -> PyResult<&'a PyObj> {
    Args::new(a, k).no_kwargs(qual)?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "{qual}() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    if !pystr::is_str(&a[0]) {
        return Err(not_a_string(&a[0]));
    }
    Ok(&a[0])
}

/// `encode_basestring_ascii(string)`: an ASCII-only JSON string literal.
fn encode_basestring_ascii(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let s = one_str(a, k, "_json.encode_basestring_ascii")?;
    let mut out = String::new();
    escape_into(&mut out, pystr::as_str(s), true);
    Ok(pystr::from_string(out))
}

/// `encode_basestring(string)`: a JSON string literal, non-ASCII kept.
fn encode_basestring(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let s = one_str(a, k, "_json.encode_basestring")?;
    let mut out = String::new();
    escape_into(&mut out, pystr::as_str(s), false);
    Ok(pystr::from_string(out))
}

/// Which of this module's escaping functions `f` is, if it is one: the encoder
/// then escapes strings itself instead of calling it (CPython's `fast_encode`).
/// `Some(true)` for `encode_basestring_ascii`.
pub(crate) fn fast_escape_kind(f: &PyObj) -> Option<bool> {
    use strand_objects::descr::{PyBuiltinFunction, BUILTIN_FUNCTION_TYPE};
    if !f.is_exact(&BUILTIN_FUNCTION_TYPE) {
        return None;
    }
    // SAFETY: checked to be a builtin function, whose layout this is.
    let bf = unsafe { f.payload_unchecked::<PyBuiltinFunction>() };
    let func = bf.func;
    if std::ptr::fn_addr_eq(
        func,
        encode_basestring_ascii as strand_objects::descr::NativeFn,
    ) {
        Some(true)
    } else if std::ptr::fn_addr_eq(func, encode_basestring as strand_objects::descr::NativeFn) {
        Some(false)
    } else {
        None
    }
}

/// The `_json` module.
pub fn make_module() -> PyObj {
    scanner::ready();
    encoder::ready();
    let m = module::new_native_module("_json");
    add_functions(
        &m,
        "_json",
        &[
            ("scanstring", scanstring),
            ("encode_basestring_ascii", encode_basestring_ascii),
            ("encode_basestring", encode_basestring),
        ],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "make_scanner", scanner::SCANNER_TYPE.to_obj());
    dict::set_item_str(&d, "make_encoder", encoder::ENCODER_TYPE.to_obj());
    modsupport::add_str(&d, "__doc__", "json speedups\n");
    m
}

#[cfg(test)]
mod tests {
    use super::escape_into;

    fn esc(s: &str, ascii: bool) -> String {
        let mut out = String::new();
        escape_into(&mut out, s, ascii);
        out
    }

    #[test]
    fn plain_text_is_quoted_as_is() {
        assert_eq!(esc("abc ~", true), "\"abc ~\"");
        assert_eq!(esc("", false), "\"\"");
    }

    #[test]
    fn short_escapes_and_controls() {
        assert_eq!(
            esc("\"\\\u{8}\u{c}\n\r\t\u{1}\u{1f}", false),
            "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\""
        );
    }

    #[test]
    fn ascii_mode_escapes_del_non_ascii_and_astral_as_pairs() {
        assert_eq!(esc("\u{7f}é\u{20ac}", true), "\"\\u007f\\u00e9\\u20ac\"");
        assert_eq!(esc("\u{1f600}", true), "\"\\ud83d\\ude00\"");
        assert_eq!(esc("\u{7f}é\u{1f600}", false), "\"\u{7f}é\u{1f600}\"");
    }

    #[test]
    fn lone_surrogates_escape_as_themselves() {
        let lone = strand_literal::str::from_code_point(0xD800).expect("stand-in");
        assert_eq!(esc(&lone.to_string(), true), "\"\\ud800\"");
        assert_eq!(esc(&lone.to_string(), false), format!("\"{lone}\""));
    }
}
