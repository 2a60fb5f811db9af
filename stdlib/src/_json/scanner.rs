//! `_json.make_scanner` (`_json.Scanner`, CPython 3.11's `scan_once_unicode` and
//! its helpers in Modules/_json.c): made from a `JSONDecoder`-like context (its
//! `strict`, `object_hook`, `object_pairs_hook`, `parse_float`, `parse_int` and
//! `parse_constant`), called as `scanner(string, idx)` it returns `(value, end)` for
//! the one JSON value at `idx`, or raises `StopIteration(idx)` when no value starts
//! there (the decoder reports "Expecting value") and `JSONDecodeError` for malformed
//! text inside a value.
//!
//! Object keys are memoized per call (CPython's `memo` dict, cleared after each
//! call), so equal keys in one document share one str.

use strand_heap::{HeapKind, ObjPtr};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::GetSetDef;
use strand_objects::exceptions::{self as exc, value_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{dict, float, int, list, singletons, str as pystr, tuple, PyObj, PyResult};

use super::{decode_error, not_a_string};
use crate::modsupport::{fields_clear, fields_dealloc, fields_traverse, FieldRefs, FieldsObject};

/// A str's text as the scanners read it: indexed by code point. [`Ascii`] reads
/// the bytes of an ASCII str in place; [`Wide`] holds the chars of any other.
pub trait Text {
    /// The number of code points.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The character at `i < len()` as a number (a lone surrogate's stand-in reads
    /// as the stand-in, which the scanner only compares with ASCII).
    fn at(&self, i: usize) -> u32;
    /// Appends the characters `a..b` to `out`.
    fn push_range(&self, out: &mut String, a: usize, b: usize);
    /// The characters `a..b` as a new str.
    fn substr(&self, a: usize, b: usize) -> PyObj;
}

/// An ASCII str's text (byte `i` is character `i`).
pub struct Ascii<'a>(pub &'a str);

impl Text for Ascii<'_> {
    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }
    #[inline]
    fn at(&self, i: usize) -> u32 {
        u32::from(self.0.as_bytes()[i])
    }
    fn push_range(&self, out: &mut String, a: usize, b: usize) {
        out.push_str(&self.0[a..b]);
    }
    fn substr(&self, a: usize, b: usize) -> PyObj {
        pystr::new(&self.0[a..b])
    }
}

/// The chars of a str holding non-ASCII text.
pub struct Wide(pub Vec<char>);

impl Text for Wide {
    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }
    #[inline]
    fn at(&self, i: usize) -> u32 {
        u32::from(self.0[i])
    }
    fn push_range(&self, out: &mut String, a: usize, b: usize) {
        out.extend(&self.0[a..b]);
    }
    fn substr(&self, a: usize, b: usize) -> PyObj {
        pystr::from_string(self.0[a..b].iter().collect())
    }
}

/// Runs `f` on the text of str `s` (bytes in place when it is ASCII).
pub fn with_text<R>(s: &PyObj, f: impl FnOnce(&dyn TextDispatch) -> R) -> R {
    let text = pystr::as_str(s);
    if pystr::payload(s).is_ascii() {
        f(&Ascii(text))
    } else {
        f(&Wide(text.chars().collect()))
    }
}

/// [`Text`] behind a reference whose concrete kind the callee picks up again
/// ([`TextDispatch::scan_string`] and [`TextDispatch::scan_once`] run the generic
/// code monomorphized for it).
pub trait TextDispatch {
    /// [`scan_string`] on this text.
    fn scan_string(&self, doc: &PyObj, end: isize, strict: bool) -> PyResult<(PyObj, usize)>;
    /// One value of `s` at `idx` (with a fresh key memo).
    fn scan_once(&self, s: &ScannerFields, doc: &PyObj, idx: isize) -> PyResult<(PyObj, usize)>;
}

impl<T: Text> TextDispatch for T {
    fn scan_string(&self, doc: &PyObj, end: isize, strict: bool) -> PyResult<(PyObj, usize)> {
        scan_string_in(doc, self, end, strict)
    }
    fn scan_once(&self, s: &ScannerFields, doc: &PyObj, idx: isize) -> PyResult<(PyObj, usize)> {
        let cx = Cx {
            s,
            doc,
            t: self,
            memo: dict::new(),
            builtin_float: s.parse_float.is(&float::FLOAT_TYPE.to_obj()),
            builtin_int: s.parse_int.is(&int::INT_TYPE.to_obj()),
        };
        cx.scan_once(idx)
    }
}

/// Scans the JSON string whose body starts at `end` of `doc` (whose text `t` is).
pub fn scan_string(
    doc: &PyObj,
    t: &dyn TextDispatch,
    end: isize,
    strict: bool,
) -> PyResult<(PyObj, usize)> {
    t.scan_string(doc, end, strict)
}

/// The value of hex digit `d`.
#[inline]
fn hex_value(d: u32) -> Option<u32> {
    char::from_u32(d).and_then(|c| c.to_digit(16))
}

/// The four hex digits at `at..at + 4` (the caller checked they exist).
fn hex4<T: Text>(t: &T, at: usize) -> Option<u32> {
    (at..at + 4).try_fold(0u32, |acc, i| Some((acc << 4) | hex_value(t.at(i))?))
}

/// CPython's `scanstring_unicode`: the JSON string whose body starts at `end`,
/// unescaped, and the index after its closing quote. With `strict`, control
/// characters below U+0020 are errors. Errors and their positions are CPython's,
/// quirks included (a `\u` escape needs a character after its four digits).
fn scan_string_in<T: Text>(
    doc: &PyObj,
    t: &T,
    end: isize,
    strict: bool,
) -> PyResult<(PyObj, usize)> {
    let len = t.len();
    let begin = end - 1;
    if end < 0 || end as usize > len {
        return Err(value_error("end is out of bounds"));
    }
    let mut end = end as usize;
    let mut out: Option<String> = None;
    loop {
        // Find the end of the string or the next escape.
        let mut next = end;
        let mut c = 0u32;
        while next < len {
            c = t.at(next);
            if c == u32::from(b'"') || c == u32::from(b'\\') {
                break;
            }
            if c <= 0x1f && strict {
                return Err(decode_error(
                    "Invalid control character at",
                    doc,
                    next as isize,
                ));
            }
            next += 1;
        }
        if c == u32::from(b'"') {
            if out.is_none() {
                return Ok((t.substr(end, next), next + 1));
            }
        } else if c != u32::from(b'\\') {
            return Err(decode_error("Unterminated string starting at", doc, begin));
        }
        let buf = out.get_or_insert_with(String::new);
        t.push_range(buf, end, next);
        next += 1;
        if c == u32::from(b'"') {
            end = next;
            break;
        }
        if next == len {
            return Err(decode_error("Unterminated string starting at", doc, begin));
        }
        let e = t.at(next);
        let ch = if e != u32::from(b'u') {
            end = next + 1;
            let simple = match char::from_u32(e) {
                Some('"') => '"',
                Some('\\') => '\\',
                Some('/') => '/',
                Some('b') => '\u{8}',
                Some('f') => '\u{c}',
                Some('n') => '\n',
                Some('r') => '\r',
                Some('t') => '\t',
                _ => {
                    return Err(decode_error("Invalid \\escape", doc, end as isize - 2));
                }
            };
            u32::from(simple)
        } else {
            next += 1;
            end = next + 4;
            if end >= len {
                return Err(decode_error(
                    "Invalid \\uXXXX escape",
                    doc,
                    next as isize - 1,
                ));
            }
            let Some(mut u) = hex4(t, next) else {
                return Err(decode_error(
                    "Invalid \\uXXXX escape",
                    doc,
                    end as isize - 5,
                ));
            };
            next = end;
            if (0xD800..0xDC00).contains(&u)
                && end + 6 < len
                && t.at(next) == u32::from(b'\\')
                && t.at(next + 1) == u32::from(b'u')
            {
                end += 6;
                let Some(lo) = hex4(t, next + 2) else {
                    return Err(decode_error(
                        "Invalid \\uXXXX escape",
                        doc,
                        end as isize - 5,
                    ));
                };
                if (0xDC00..0xE000).contains(&lo) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                } else {
                    end -= 6;
                }
            }
            u
        };
        // Every value here is a code point (at most U+10FFFF).
        buf.push(strand_literal::str::from_code_point(ch).unwrap_or('\u{fffd}'));
    }
    let s = out.unwrap_or_default();
    Ok((pystr::from_string(s), end))
}

// ---------------------------------------------------------------------------------
// The scanner type
// ---------------------------------------------------------------------------------

/// What a scanner took from its context when it was made.
pub struct ScannerFields {
    /// Control characters in strings are errors.
    strict: bool,
    object_hook: PyObj,
    object_pairs_hook: PyObj,
    parse_float: PyObj,
    parse_int: PyObj,
    parse_constant: PyObj,
}

impl FieldRefs for ScannerFields {
    fn visit_refs(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for o in [
            &self.object_hook,
            &self.object_pairs_hook,
            &self.parse_float,
            &self.parse_int,
            &self.parse_constant,
        ] {
            visit(o.as_ptr());
        }
    }
}

/// The layout of `_json.Scanner`.
pub type PyScanner = FieldsObject<ScannerFields>;

strand_objects::builtin_type! {
    /// `_json.Scanner` (the module's `make_scanner`): not subclassable, as in
    /// CPython.
    pub static SCANNER_TYPE = {
        name: "_json.Scanner",
        layout: PyScanner,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(fields_traverse::<ScannerFields>),
        clear: Some(fields_clear::<ScannerFields>),
        dealloc: fields_dealloc::<ScannerFields>,
        size: None,
        slots: Slots {
            new: Some(scanner_new),
            call: Some(scanner_call),
            ..Slots::EMPTY
        },
    }
}

/// `make_scanner(context)`: reads the context's six attributes
/// (`AttributeError` for a missing one, the error of `bool(context.strict)`).
fn scanner_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty: &PyType = strand_objects::typeobj::expect_type(cls, "make_scanner.__new__(X)")?;
    let b = Args::new(a, k).bind("make_scanner", 0, &["context"], 1)?;
    let ctx = b[0].expect("required");
    let strict = ab::is_true(&ab::getattr_str(ctx, "strict")?)?;
    let fields = ScannerFields {
        strict,
        object_hook: ab::getattr_str(ctx, "object_hook")?,
        object_pairs_hook: ab::getattr_str(ctx, "object_pairs_hook")?,
        parse_float: ab::getattr_str(ctx, "parse_float")?,
        parse_int: ab::getattr_str(ctx, "parse_int")?,
        parse_constant: ab::getattr_str(ctx, "parse_constant")?,
    };
    Ok(FieldsObject::new_instance(ty, fields))
}

fn scanner_fields(o: &PyObj) -> PyResult<&ScannerFields> {
    if !o.is_exact(&SCANNER_TYPE) {
        return Err(exc::type_error(format!(
            "descriptor requires a '_json.Scanner' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a Scanner (the type has no subclasses).
    let s = unsafe { o.payload_unchecked::<PyScanner>() };
    s.fields
        .get()
        .ok_or_else(|| exc::runtime_error("scanner used after it was cleared"))
}

/// `scanner(string, idx)` (CPython's `scanner_call`, `"On:scan_once"`).
fn scanner_call(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("scan_once", 0, &["string", "idx"], 2)?;
    let (doc, idx) = (b[0].expect("required"), b[1].expect("required"));
    let idx = int::to_isize(&ab::index(idx)?)?;
    if !pystr::is_str(doc) {
        return Err(not_a_string(doc));
    }
    let f = scanner_fields(o)?;
    let (v, end) = with_text(doc, |t| t.scan_once(f, doc, idx))?;
    Ok(tuple::pair(v, int::from_usize(end)))
}

/// A read-only member of the scanner.
fn member(name: &'static str, get: fn(&PyObj) -> PyResult<PyObj>) -> GetSetDef {
    GetSetDef::new(
        name,
        get,
        Some(|_, _| Err(exc::attribute_error("readonly attribute"))),
    )
}

/// Readies the type (its members and doc).
pub(super) fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        SCANNER_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &[],
            &[
                member("strict", |o| {
                    Ok(singletons::bool_obj(scanner_fields(o)?.strict))
                }),
                member("object_hook", |o| {
                    Ok(scanner_fields(o)?.object_hook.clone())
                }),
                member("object_pairs_hook", |o| {
                    Ok(scanner_fields(o)?.object_pairs_hook.clone())
                }),
                member("parse_float", |o| {
                    Ok(scanner_fields(o)?.parse_float.clone())
                }),
                member("parse_int", |o| Ok(scanner_fields(o)?.parse_int.clone())),
                member("parse_constant", |o| {
                    Ok(scanner_fields(o)?.parse_constant.clone())
                }),
            ],
        );
        dict::set_item_str(
            SCANNER_TYPE.dict(),
            "__doc__",
            pystr::new("JSON scanner object"),
        );
    });
}

// ---------------------------------------------------------------------------------
// Scanning
// ---------------------------------------------------------------------------------

/// One call's state: the scanner, the document and its text, the key memo.
struct Cx<'a, T> {
    s: &'a ScannerFields,
    doc: &'a PyObj,
    t: &'a T,
    memo: PyObj,
    /// `parse_float` is `float` itself (numbers are converted here).
    builtin_float: bool,
    /// `parse_int` is `int` itself.
    builtin_int: bool,
}

/// JSON whitespace (CPython's `IS_WHITESPACE`).
#[inline]
fn is_ws(c: u32) -> bool {
    c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d
}

impl<T: Text> Cx<'_, T> {
    /// The character at `i` is `c`.
    #[inline]
    fn is(&self, i: usize, c: u8) -> bool {
        i < self.t.len() && self.t.at(i) == u32::from(c)
    }

    #[inline]
    fn skip_ws(&self, mut i: usize) -> usize {
        while i < self.t.len() && is_ws(self.t.at(i)) {
            i += 1;
        }
        i
    }

    /// The text at `i` is `word`.
    fn matches(&self, i: usize, word: &str) -> bool {
        i + word.len() <= self.t.len()
            && word
                .bytes()
                .enumerate()
                .all(|(k, b)| self.t.at(i + k) == u32::from(b))
    }

    fn err<R>(&self, msg: &str, pos: usize) -> PyResult<R> {
        Err(decode_error(msg, self.doc, pos as isize))
    }

    /// CPython's `scan_once_unicode`: the value at `idx` and the index after it.
    fn scan_once(&self, idx: isize) -> PyResult<(PyObj, usize)> {
        if idx < 0 {
            return Err(value_error("idx cannot be negative"));
        }
        let idx = idx as usize;
        if idx >= self.t.len() {
            return Err(exc::stop_iteration(Some(int::from_usize(idx))));
        }
        match char::from_u32(self.t.at(idx)).unwrap_or('\0') {
            '"' => return scan_string_in(self.doc, self.t, idx as isize + 1, self.s.strict),
            '{' => {
                let _g = ab::enter_recursive_call(
                    " while decoding a JSON object from a unicode string",
                )?;
                return self.parse_object(idx + 1);
            }
            '[' => {
                let _g =
                    ab::enter_recursive_call(" while decoding a JSON array from a unicode string")?;
                return self.parse_array(idx + 1);
            }
            'n' if self.matches(idx, "null") => return Ok((singletons::none(), idx + 4)),
            't' if self.matches(idx, "true") => return Ok((singletons::true_(), idx + 4)),
            'f' if self.matches(idx, "false") => return Ok((singletons::false_(), idx + 5)),
            'N' if self.matches(idx, "NaN") => return self.constant("NaN", idx),
            'I' if self.matches(idx, "Infinity") => return self.constant("Infinity", idx),
            '-' if self.matches(idx, "-Infinity") => return self.constant("-Infinity", idx),
            _ => {}
        }
        self.match_number(idx)
    }

    /// `parse_constant(name)` for `NaN`, `Infinity` and `-Infinity`.
    fn constant(&self, name: &str, idx: usize) -> PyResult<(PyObj, usize)> {
        let v = ab::call1(&self.s.parse_constant, pystr::intern(name))?;
        Ok((v, idx + name.len()))
    }

    /// CPython's `_parse_object_unicode`; `idx` is after the `{`.
    fn parse_object(&self, idx: usize) -> PyResult<(PyObj, usize)> {
        let pairs_hook = !singletons::is_none(&self.s.object_pairs_hook);
        let mut pairs: Vec<PyObj> = Vec::new();
        let d = if pairs_hook { None } else { Some(dict::new()) };
        let mut idx = self.skip_ws(idx);
        if !self.is(idx, b'}') {
            loop {
                if !self.is(idx, b'"') {
                    return self.err("Expecting property name enclosed in double quotes", idx);
                }
                let (key, next) =
                    scan_string_in(self.doc, self.t, idx as isize + 1, self.s.strict)?;
                let key = match dict::get_item(&self.memo, &key)? {
                    Some(k) => k,
                    None => {
                        dict::set_item(&self.memo, key.clone(), key.clone())?;
                        key
                    }
                };
                idx = self.skip_ws(next);
                if !self.is(idx, b':') {
                    return self.err("Expecting ':' delimiter", idx);
                }
                idx = self.skip_ws(idx + 1);
                let (val, next) = self.scan_once(idx as isize)?;
                match &d {
                    Some(d) => dict::set_item(d, key, val)?,
                    None => pairs.push(tuple::pair(key, val)),
                }
                idx = self.skip_ws(next);
                if self.is(idx, b'}') {
                    break;
                }
                if !self.is(idx, b',') {
                    return self.err("Expecting ',' delimiter", idx);
                }
                idx = self.skip_ws(idx + 1);
            }
        }
        let end = idx + 1;
        let v = match d {
            None => ab::call1(&self.s.object_pairs_hook, list::new(pairs))?,
            Some(d) if !singletons::is_none(&self.s.object_hook) => {
                ab::call1(&self.s.object_hook, d)?
            }
            Some(d) => d,
        };
        Ok((v, end))
    }

    /// CPython's `_parse_array_unicode`; `idx` is after the `[`.
    fn parse_array(&self, idx: usize) -> PyResult<(PyObj, usize)> {
        let mut items = Vec::new();
        let mut idx = self.skip_ws(idx);
        if !self.is(idx, b']') {
            loop {
                let (val, next) = self.scan_once(idx as isize)?;
                items.push(val);
                idx = self.skip_ws(next);
                if self.is(idx, b']') {
                    break;
                }
                if !self.is(idx, b',') {
                    return self.err("Expecting ',' delimiter", idx);
                }
                idx = self.skip_ws(idx + 1);
            }
        }
        Ok((list::new(items), idx + 1))
    }

    #[inline]
    fn is_digit(&self, i: usize) -> bool {
        i < self.t.len() && (u32::from(b'0')..=u32::from(b'9')).contains(&self.t.at(i))
    }

    /// CPython's `_match_number_unicode`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`
    /// at `start`, converted by `parse_int`/`parse_float` (or directly when those are
    /// `int`/`float`); `StopIteration(start)` when no number starts there.
    fn match_number(&self, start: usize) -> PyResult<(PyObj, usize)> {
        let len = self.t.len();
        let stop = || exc::stop_iteration(Some(int::from_usize(start)));
        let mut idx = start;
        if self.is(idx, b'-') {
            idx += 1;
            if idx >= len {
                return Err(stop());
            }
        }
        if (u32::from(b'1')..=u32::from(b'9')).contains(&self.t.at(idx)) {
            idx += 1;
            while self.is_digit(idx) {
                idx += 1;
            }
        } else if self.is(idx, b'0') {
            idx += 1;
        } else {
            return Err(stop());
        }
        let mut is_float = false;
        if idx + 1 < len && self.is(idx, b'.') && self.is_digit(idx + 1) {
            is_float = true;
            idx += 2;
            while self.is_digit(idx) {
                idx += 1;
            }
        }
        if idx + 1 < len && (self.is(idx, b'e') || self.is(idx, b'E')) {
            let e_start = idx;
            idx += 1;
            if idx + 1 < len && (self.is(idx, b'-') || self.is(idx, b'+')) {
                idx += 1;
            }
            while self.is_digit(idx) {
                idx += 1;
            }
            if self.is_digit(idx - 1) {
                is_float = true;
            } else {
                idx = e_start;
            }
        }
        let custom = if is_float && !self.builtin_float {
            Some(&self.s.parse_float)
        } else if !is_float && !self.builtin_int {
            Some(&self.s.parse_int)
        } else {
            None
        };
        let text = self.t.substr(start, idx);
        let v = match custom {
            Some(f) => ab::call1(f, text)?,
            None if is_float => {
                let x: f64 = pystr::as_str(&text)
                    .parse()
                    .map_err(|_| value_error("could not convert string to float"))?;
                float::from_f64(x)
            }
            None => match pystr::as_str(&text).parse::<i64>() {
                Ok(v) => int::from_i64(v),
                // Past i64: `int(text)`, which applies the digit limit.
                Err(_) => ab::call1(&int::INT_TYPE.to_obj(), text)?,
            },
        };
        Ok((v, idx))
    }
}
