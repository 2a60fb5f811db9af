//! The `_json` module's string functions (CPython's Modules/_json.c): `scanstring`,
//! `encode_basestring_ascii` and `encode_basestring`, the accelerators `json`
//! uses when present. The scanner and encoder objects (`make_scanner`,
//! `make_encoder`) are left out: `json` imports each accelerator on its own and
//! falls back to its pure-Python code for what `_json` lacks, exactly as it does
//! when CPython is built without them.
//!
//! A JSON `\u` escape of a lone surrogate decodes to that surrogate, as in CPython
//! (strand's `str` holds it as a stand-in character). Decoding errors
//! are `json.decoder.JSONDecodeError`, looked up in `json.decoder` as CPython does.

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{dict, int, module, str as pystr, tuple, PyErr, PyObj, PyResult};

use strand_interp::native_module::add_functions;

/// `json.decoder.JSONDecodeError(msg, doc, pos)`.
fn decode_error(msg: &str, doc: &PyObj, pos: usize) -> PyErr {
    let found = strand_interp::import::import(
        &pystr::new("json.decoder"),
        &dict::new(),
        &tuple::from_vec(vec![pystr::new("JSONDecodeError")]),
        &int::from_i64(0),
    )
    .and_then(|m| ab::getattr_str(&m, "JSONDecodeError"));
    match found {
        Ok(cls) => {
            exc::call_exception_class(&cls, &[pystr::new(msg), doc.clone(), int::from_usize(pos)])
        }
        // CPython 3.11 reports a failed lookup this way.
        Err(_) => exc::system_error(
            "<built-in function scanstring> returned NULL without setting an exception",
        ),
    }
}

/// Parses the JSON string whose contents start at character `end` (after the
/// opening quote). Returns the text and the index after the closing quote.
fn scan(doc: &PyObj, chars: &[char], end: usize, strict: bool) -> PyResult<(String, usize)> {
    let begin = end.saturating_sub(1);
    let mut out = String::new();
    let mut i = end;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(decode_error("Unterminated string starting at", doc, begin));
        };
        i += 1;
        match c {
            '"' => return Ok((out, i)),
            '\\' => {}
            c if strict && u32::from(c) < 0x20 => {
                return Err(decode_error("Invalid control character at", doc, i - 1));
            }
            c => {
                out.push(c);
                continue;
            }
        }
        let Some(&e) = chars.get(i) else {
            return Err(decode_error("Unterminated string starting at", doc, begin));
        };
        let simple = match e {
            '"' => Some('"'),
            '\\' => Some('\\'),
            '/' => Some('/'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            i += 1;
            continue;
        }
        if e != 'u' {
            return Err(decode_error("Invalid \\escape", doc, i - 1));
        }
        let hex4 = |at: usize| -> Option<u32> {
            let s: String = chars.get(at..at + 4)?.iter().collect();
            if s.chars().all(|h| h.is_ascii_hexdigit()) {
                u32::from_str_radix(&s, 16).ok()
            } else {
                None
            }
        };
        let Some(u) = hex4(i + 1) else {
            return Err(decode_error("Invalid \\uXXXX escape", doc, i - 1));
        };
        i += 5;
        if (0xD800..0xDC00).contains(&u)
            && chars.get(i) == Some(&'\\')
            && chars.get(i + 1) == Some(&'u')
        {
            if let Some(lo) = hex4(i + 2).filter(|lo| (0xDC00..0xE000).contains(lo)) {
                let cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                i += 6;
                continue;
            }
        }
        out.push(strand_literal::str::from_code_point(u).unwrap_or('\u{fffd}'));
    }
}

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
    if !pystr::is_str(&a[0]) {
        return Err(type_error(format!(
            "first argument must be a string, not {}",
            a[0].ty().name()
        )));
    }
    let end = int::to_isize(&ab::index(&a[1])?)?;
    let strict = match a.get(2) {
        Some(s) => ab::is_true(s)?,
        None => true,
    };
    let chars: Vec<char> = pystr::as_str(&a[0]).chars().collect();
    if end < 0 || end as usize > chars.len() {
        return Err(value_error("end is out of bounds"));
    }
    let (s, next) = scan(&a[0], &chars, end as usize, strict)?;
    Ok(tuple::pair(pystr::from_string(s), int::from_usize(next)))
}

fn encode(a: &[PyObj], k: Option<&PyObj>, fname: &str, ascii: bool) -> PyResult<PyObj> {
    let qual = format!("_json.{fname}");
    Args::new(a, k).no_kwargs(&qual)?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "{qual}() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    if !pystr::is_str(&a[0]) {
        return Err(type_error(format!(
            "first argument must be a string, not {}",
            a[0].ty().name()
        )));
    }
    let s = pystr::as_str(&a[0]);
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if strand_literal::str::as_surrogate(c).is_some() && ascii => {
                let u = strand_literal::str::code_point(c);
                out.push_str(&format!("\\u{u:04x}"));
            }
            c if u32::from(c) < 0x20 || (ascii && u32::from(c) >= 0x7f) => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(pystr::from_string(out))
}

/// The `_json` module.
pub fn make_module() -> PyObj {
    let m = module::new_module("_json");
    add_functions(
        &m,
        "_json",
        &[
            ("scanstring", scanstring),
            ("encode_basestring_ascii", |a, k| {
                encode(a, k, "encode_basestring_ascii", true)
            }),
            ("encode_basestring", |a, k| {
                encode(a, k, "encode_basestring", false)
            }),
        ],
    );
    m
}
