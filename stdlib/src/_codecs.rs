//! The `_codecs` module (CPython's Modules/_codecsmodule.c and Python/codecs.c):
//! the codec registry (`register`, `unregister`, `lookup`, `encode`, `decode`), the error handler registry (`register_error`,
//! `lookup_error`, with `strict`, `ignore`, `replace`, `backslashreplace`,
//! `xmlcharrefreplace`, `namereplace`, `surrogateescape`, `surrogatepass`), and
//! the codec functions `codecs.py` and the `encodings` package call: UTF-8, UTF-7,
//! UTF-16 and UTF-32 (with and without byte order marks, `_ex_decode`), ASCII,
//! Latin-1, `unicode_escape`, `raw_unicode_escape`, `escape_encode`/`escape_decode`,
//! `charmap_encode`/`charmap_decode`/`charmap_build` and `readbuffer_encode`.
//!
//! Errors run through the named handler as in CPython: built-in handlers take a
//! fast path, any other is called with the `UnicodeEncodeError`/`UnicodeDecodeError`
//! and must return `(replacement, position)`. The encoders hand a handler the whole
//! run of characters they cannot encode, the decoders one malformed sequence.
//!
//! Lone surrogates are held in strand's `str` as stand-in characters
//! (`strand_literal::str::surrogate_char`): the UTF-8 encoder refuses them
//! (`surrogates not allowed`), `surrogateescape` and `surrogatepass` make and take
//! them, for UTF-16 and UTF-32 too. UTF-7 encodes lone surrogates as UTF-16 units,
//! as CPython's does.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{
    bytes, dict, int, module, singletons, str as pystr, tuple, PyErr, PyObj, PyResult,
};

use crate::modsupport;
use strand_interp::native_module::add_functions;

// ---------------------------------------------------------------------------------
// Registries
// ---------------------------------------------------------------------------------

static SEARCH: Mutex<Vec<PyObj>> = Mutex::new(Vec::new());
static CACHE: Mutex<Option<HashMap<String, PyObj>>> = Mutex::new(None);
static HANDLERS: Mutex<Option<HashMap<String, PyObj>>> = Mutex::new(None);

/// CPython's `normalizestring` (`_Py_normalize_encoding`): ASCII letters and
/// digits lower-cased and `.` kept; every run of other characters (punctuation,
/// spaces, non-ASCII) becomes one `_`, dropped at either end.
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut punct = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            if punct && !out.is_empty() {
                out.push('_');
            }
            punct = false;
            out.push(c.to_ascii_lowercase());
        } else {
            punct = true;
        }
    }
    out
}

/// Whether the `encodings` package has been imported for the registry.
static REGISTRY_READY: AtomicBool = AtomicBool::new(false);

/// Imports the `encodings` package once, which registers its search function, as
/// CPython's `_PyCodecRegistry_Init` does before the first lookup (CPython imports
/// it at startup; strand waits for the first codec the object model does not do
/// itself). The import inside `encodings` that calls `register` finds the module
/// already in `sys.modules`, so this does not recurse.
fn init_registry() -> PyResult<()> {
    if REGISTRY_READY.load(Ordering::Acquire) {
        return Ok(());
    }
    strand_interp::import::import(
        &pystr::new("encodings"),
        &dict::new(),
        &tuple::from_vec(Vec::new()),
        &int::from_i64(0),
    )?;
    REGISTRY_READY.store(true, Ordering::Release);
    Ok(())
}

/// `codecs.lookup(encoding)`.
pub fn lookup(encoding: &str) -> PyResult<PyObj> {
    init_registry()?;
    let key = normalize(encoding);
    if let Some(hit) = modsupport::lock(&CACHE)
        .as_ref()
        .and_then(|c| c.get(&key).cloned())
    {
        return Ok(hit);
    }
    let funcs = modsupport::lock(&SEARCH).clone();
    let name = pystr::new(&key);
    for f in funcs {
        let r = ab::call(&f, std::slice::from_ref(&name), None)?;
        if singletons::is_none(&r) {
            continue;
        }
        if !tuple::is_tuple(&r) || tuple::items(&r).len() != 4 {
            return Err(type_error("codec search functions must return 4-tuples"));
        }
        let old = modsupport::lock(&CACHE)
            .get_or_insert_with(HashMap::new)
            .insert(key, r.clone());
        drop(old);
        return Ok(r);
    }
    Err(exc::lookup_error(format!("unknown encoding: {encoding}")))
}

fn str_arg<'a>(o: &'a PyObj, fname: &str, n: usize) -> PyResult<&'a str> {
    if !pystr::is_str(o) {
        return Err(type_error(format!(
            "{fname}() argument {n} must be str, not {}",
            o.ty().name()
        )));
    }
    Ok(pystr::as_str(o))
}

fn c_register(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let f = one(a, k, "register")?;
    if f.ty().slots().call.is_none() {
        return Err(type_error("argument must be callable"));
    }
    init_registry()?;
    modsupport::lock(&SEARCH).push(f.clone());
    Ok(singletons::none())
}

fn c_unregister(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let f = one(a, k, "unregister")?;
    let removed = {
        let mut s = modsupport::lock(&SEARCH);
        s.iter().position(|x| x.is(f)).map(|i| s.remove(i))
    };
    if removed.is_some() {
        let old = modsupport::lock(&CACHE).take();
        drop(old);
    }
    drop(removed);
    Ok(singletons::none())
}

fn one<'a>(a: &'a [PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<&'a PyObj> {
    let qual = format!("_codecs.{fname}");
    Args::new(a, k).no_kwargs(&qual)?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "{qual}() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    Ok(&a[0])
}

/// The str argument of a one-argument function (`lookup() argument must be str`).
fn only_str<'a>(o: &'a PyObj, fname: &str) -> PyResult<&'a str> {
    if !pystr::is_str(o) {
        return Err(type_error(format!(
            "{fname}() argument must be str, not {}",
            o.ty().name()
        )));
    }
    Ok(pystr::as_str(o))
}

fn c_lookup(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let e = one(a, k, "lookup")?;
    lookup(only_str(e, "lookup")?)
}

fn named_str(o: &PyObj, fname: &str, what: &str) -> PyResult<String> {
    if !pystr::is_str(o) {
        return Err(type_error(format!(
            "{fname}() argument '{what}' must be str, not {}",
            o.ty().name()
        )));
    }
    Ok(pystr::as_str(o).to_string())
}

/// Whether an exception type holds nothing but `BaseException`'s state and is made
/// by `BaseException`'s `__new__`/`__init__` (CPython's test in
/// `_PyErr_TrySetFromCause`): the builtin types with extra fields are out, and so
/// are classes defining `__init__`, `__new__` or non-empty `__slots__`.
fn plain_exception_type(ty: &strand_objects::typeobj::PyType) -> bool {
    let mut t = ty;
    while t.is_heap_type() {
        let d = t.dict();
        let slots_extend = dict::get_item_str(d, "__slots__").is_some_and(|s| {
            let names: Vec<String> = ab::iter(&s)
                .ok()
                .map(|it| {
                    std::iter::from_fn(|| ab::next(&it).ok().flatten())
                        .map(|n| ab::str_string(&n).unwrap_or_default())
                        .collect()
                })
                .unwrap_or_default();
            names.iter().any(|n| n != "__weakref__")
        });
        if dict::get_item_str(d, "__init__").is_some()
            || dict::get_item_str(d, "__new__").is_some()
            || slots_extend
        {
            return false;
        }
        match t.base() {
            Some(b) => t = b,
            None => return false,
        }
    }
    let with_fields = [
        &exc::UNICODE_ERROR_TYPE,
        &exc::OS_ERROR_TYPE,
        &exc::STOP_ITERATION_TYPE,
        &exc::SYNTAX_ERROR_TYPE,
        &exc::IMPORT_ERROR_TYPE,
        &exc::SYSTEM_EXIT_TYPE,
        &exc::NAME_ERROR_TYPE,
        &exc::ATTRIBUTE_ERROR_TYPE,
        &exc::BASE_EXCEPTION_GROUP_TYPE,
    ];
    t.is_subtype(&exc::BASE_EXCEPTION_TYPE) && !with_fields.iter().any(|f| t.is_subtype(f))
}

/// Re-raises an error from inside a codec as CPython's `_PyErr_TrySetFromCause`
/// does: exceptions of the plain built-in types carrying at most a message become
/// `T("encoding with 'X' codec failed (T: message)")` caused by the original.
fn wrap_codec_error(e: PyErr, op: &str, encoding: &str) -> PyErr {
    let v = e.value().clone();
    let ty = v.ty();
    let args = exc::payload(&v).state().args.clone();
    let items = tuple::items(&args);
    let plain = plain_exception_type(ty)
        && (items.is_empty() || (items.len() == 1 && pystr::is_str(&items[0])))
        && strand_objects::managed::get_dict(&v).is_none_or(|d| dict::len(&d) == 0);
    if !plain {
        return e;
    }
    let msg = match ab::str_string(&v) {
        Ok(m) => m,
        Err(_) => return e,
    };
    let new = exc::new_exception(
        ty,
        vec![pystr::from_string(format!(
            "{op} with '{encoding}' codec failed ({}: {msg})",
            ty.name()
        ))],
    );
    {
        let mut st = exc::payload(&new).state();
        st.cause = Some(v);
        st.suppress_context = true;
    }
    PyErr::from_value(new)
}

fn coder(a: &[PyObj], k: Option<&PyObj>, fname: &str, which: usize) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind(fname, 0, &["obj", "encoding", "errors"], 1)?;
    let encoding = match b[1] {
        Some(e) => named_str(e, fname, "encoding")?,
        None => "utf-8".to_string(),
    };
    let errors = match b[2] {
        Some(e) => named_str(e, fname, "errors")?,
        None => "strict".to_string(),
    };
    let info = lookup(&encoding)?;
    call_codec(
        &info,
        which,
        b[0].expect("required"),
        &encoding,
        &errors,
        true,
    )
}

/// The codec of a text encoding (CPython's `_PyCodec_LookupTextEncoding`): a
/// codec marked `_is_text_encoding = False` (`rot13`, `base64`, ...) is refused.
fn text_codec(encoding: &str, alternative: &str) -> PyResult<PyObj> {
    let info = lookup(encoding)?;
    if !tuple::is_tuple(&info) || tuple::items(&info).len() != 4 {
        return Err(type_error("codec search functions must return 4-tuples"));
    }
    if let Ok(flag) = ab::getattr_str(&info, "_is_text_encoding") {
        if !ab::is_true(&flag)? {
            return Err(exc::lookup_error(format!(
                "'{encoding}' is not a text encoding; use {alternative} to handle arbitrary codecs"
            )));
        }
    }
    Ok(info)
}

/// Whether `str.encode`/`bytes.decode` call this codec's C function directly in
/// CPython (`PyUnicode_AsEncodedString`'s and `PyUnicode_Decode`'s fast paths:
/// UTF-8, UTF-16, UTF-32, ASCII, Latin-1), so that its errors are not wrapped.
fn is_fast_path(encoding: &str) -> bool {
    let n = encoding.to_ascii_lowercase().replace(['-', ' '], "_");
    matches!(
        n.as_str(),
        "utf_8"
            | "utf8"
            | "utf_16"
            | "utf16"
            | "utf_32"
            | "utf32"
            | "ascii"
            | "us_ascii"
            | "latin1"
            | "latin_1"
            | "iso_8859_1"
            | "iso8859_1"
    )
}

/// Calls a codec's encoder or decoder (`which` 0 or 1) and returns the first item
/// of the `(object, length)` it must return; `wrap` re-raises its plain errors
/// naming the codec ([`wrap_codec_error`]).
fn call_codec(
    info: &PyObj,
    which: usize,
    obj: &PyObj,
    encoding: &str,
    errors: &str,
    wrap: bool,
) -> PyResult<PyObj> {
    let f = tuple::items(info)[which].clone();
    let op = if which == 0 { "encoding" } else { "decoding" };
    let r = ab::call(&f, &[obj.clone(), pystr::new(errors)], None).map_err(|e| {
        if wrap {
            wrap_codec_error(e, op, encoding)
        } else {
            e
        }
    })?;
    if !tuple::is_tuple(&r) || tuple::items(&r).len() != 2 {
        return Err(type_error(if which == 0 {
            "encoder must return a tuple (object, integer)"
        } else {
            "decoder must return a tuple (object, integer)"
        }));
    }
    Ok(tuple::items(&r)[0].clone())
}

/// `text.encode(encoding, errors)` through the registry (CPython's
/// `PyUnicode_AsEncodedString` past its fast paths): the `str.encode` hook.
fn encode_text(text: &PyObj, encoding: &str, errors: &str) -> PyResult<Vec<u8>> {
    let info = text_codec(encoding, "codecs.encode()")?;
    let v = call_codec(&info, 0, text, encoding, errors, !is_fast_path(encoding))?;
    if bytes::is_bytes(&v) {
        return Ok(bytes::as_bytes(&v).to_vec());
    }
    if strand_objects::bytearray::is_bytearray(&v) {
        return crate::buffer::bytes_like(&v);
    }
    Err(type_error(format!(
        "'{encoding}' encoder returned '{}' instead of 'bytes'; use codecs.encode() to encode to arbitrary types",
        v.ty().name()
    )))
}

/// `data.decode(encoding, errors)` through the registry (CPython's
/// `PyUnicode_Decode` past its fast paths): the `bytes.decode` hook.
fn decode_text(data: &PyObj, encoding: &str, errors: &str) -> PyResult<String> {
    let info = text_codec(encoding, "codecs.decode()")?;
    let v = call_codec(&info, 1, data, encoding, errors, !is_fast_path(encoding))?;
    if !pystr::is_str(&v) {
        return Err(type_error(format!(
            "'{encoding}' decoder returned '{}' instead of 'str'; use codecs.decode() to decode to arbitrary types",
            v.ty().name()
        )));
    }
    Ok(pystr::as_str(&v).to_string())
}

/// Connects `str.encode`, `bytes.decode` and their kin to the registry for the
/// encodings and error handlers the object model does not do itself.
pub fn install() {
    bytes::set_codec_hooks(bytes::CodecHooks {
        encode: encode_text,
        decode: decode_text,
        check: check_names,
    });
}

/// The development mode's check of `str.encode`/`bytes.decode` arguments
/// (CPython's `unicode_check_encoding_errors`): the codec is looked up unless it
/// is UTF-8, the error handler unless it is `strict`.
fn check_names(encoding: &str, errors: &str) -> PyResult<()> {
    if !matches!(normalize(encoding).as_str(), "utf_8" | "utf8") {
        lookup(encoding)?;
    }
    if errors != "strict" {
        lookup_error(errors)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Error handlers
// ---------------------------------------------------------------------------------

const BUILTIN_HANDLERS: &[&str] = &[
    "strict",
    "ignore",
    "replace",
    "backslashreplace",
    "xmlcharrefreplace",
    "namereplace",
    "surrogateescape",
    "surrogatepass",
];

fn handler_function(name: &str) -> PyObj {
    let (fname, f): (&'static str, strand_objects::descr::NativeFn) = match name {
        "strict" => ("strict_errors", |a, k| builtin_handler(a, k, "strict")),
        "ignore" => ("ignore_errors", |a, k| builtin_handler(a, k, "ignore")),
        "replace" => ("replace_errors", |a, k| builtin_handler(a, k, "replace")),
        "backslashreplace" => ("backslashreplace_errors", |a, k| {
            builtin_handler(a, k, "backslashreplace")
        }),
        "xmlcharrefreplace" => ("xmlcharrefreplace_errors", |a, k| {
            builtin_handler(a, k, "xmlcharrefreplace")
        }),
        "namereplace" => ("namereplace_errors", |a, k| {
            builtin_handler(a, k, "namereplace")
        }),
        "surrogateescape" => ("surrogateescape", |a, k| {
            builtin_handler(a, k, "surrogateescape")
        }),
        _ => ("surrogatepass", |a, k| {
            builtin_handler(a, k, "surrogatepass")
        }),
    };
    let o = strand_objects::descr::new_builtin_function(fname, f, None);
    strand_objects::descr::set_builtin_module(&o, pystr::intern("_codecs"));
    o
}

/// `codecs.lookup_error(name)`.
pub fn lookup_error(name: &str) -> PyResult<PyObj> {
    let mut g = modsupport::lock(&HANDLERS);
    let map = g.get_or_insert_with(|| {
        BUILTIN_HANDLERS
            .iter()
            .map(|n| (n.to_string(), handler_function(n)))
            .collect()
    });
    map.get(name)
        .cloned()
        .ok_or_else(|| exc::lookup_error(format!("unknown error handler name '{name}'")))
}

fn c_register_error(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("register_error", 2, 2)?;
    let name = str_arg(&a[0], "register_error", 1)?.to_string();
    if a[1].ty().slots().call.is_none() {
        return Err(type_error("handler must be callable"));
    }
    lookup_error("strict")?;
    let old = modsupport::lock(&HANDLERS)
        .get_or_insert_with(HashMap::new)
        .insert(name, a[1].clone());
    drop(old);
    Ok(singletons::none())
}

fn c_lookup_error(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let n = one(a, k, "lookup_error")?;
    lookup_error(only_str(n, "lookup_error")?)
}

fn escape_char(c: char) -> String {
    match strand_literal::str::code_point(c) {
        v @ 0..=0xff => format!("\\x{v:02x}"),
        v @ 0x100..=0xffff => format!("\\u{v:04x}"),
        v => format!("\\U{v:08x}"),
    }
}

/// The replacement a built-in handler gives for `object[start:end]` of an encode
/// error (`None`: the handler raises).
fn encode_replacement(handler: &str, chars: &[char]) -> Option<String> {
    Some(match handler {
        "ignore" => String::new(),
        "replace" => "?".repeat(chars.len()),
        "backslashreplace" => chars.iter().map(|&c| escape_char(c)).collect(),
        "xmlcharrefreplace" => chars
            .iter()
            .map(|&c| format!("&#{};", strand_literal::str::code_point(c)))
            .collect(),
        "namereplace" => chars
            .iter()
            .map(|&c| match crate::unicodedata::name_of(c) {
                Some(n) => format!("\\N{{{n}}}"),
                None => escape_char(c),
            })
            .collect(),
        _ => return None,
    })
}

/// The replacement a built-in handler gives for the bytes of a decode error.
fn decode_replacement(handler: &str, data: &[u8]) -> Option<String> {
    Some(match handler {
        "ignore" => String::new(),
        "replace" => "\u{fffd}".to_string(),
        "backslashreplace" => data.iter().map(|b| format!("\\x{b:02x}")).collect(),
        _ => return None,
    })
}

/// Reads a `UnicodeError`'s `object`, `start` and `end`.
fn error_parts(e: &PyObj) -> PyResult<(PyObj, usize, usize)> {
    let object = ab::getattr_str(e, "object")?;
    let start = int::to_isize(&ab::getattr_str(e, "start")?)?.max(0) as usize;
    let end = int::to_isize(&ab::getattr_str(e, "end")?)?.max(0) as usize;
    Ok((object, start, end))
}

/// A `UnicodeError`'s str attribute (`encoding`), or "" if it is not a str.
fn pystr_attr(e: &PyObj, name: &str) -> PyResult<String> {
    let v = ab::getattr_str(e, name)?;
    Ok(if pystr::is_str(&v) {
        pystr::as_str(&v).to_string()
    } else {
        String::new()
    })
}

fn builtin_handler(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    let e = one(a, k, &format!("{name}_errors"))?;
    let wrong = || {
        type_error(format!(
            "don't know how to handle {} in error callback",
            e.ty().name()
        ))
    };
    if name == "strict" {
        if exc::is_exception_instance(e) {
            return Err(PyErr::from_value(e.clone()));
        }
        return Err(type_error("codec must pass exception instance"));
    }
    let encode = e.is_instance_of(&exc::UNICODE_ENCODE_ERROR_TYPE);
    let decode = e.is_instance_of(&exc::UNICODE_DECODE_ERROR_TYPE);
    let translate = e.is_instance_of(&exc::UNICODE_TRANSLATE_ERROR_TYPE);
    if !(encode || decode || translate) {
        return Err(wrong());
    }
    let (object, start, end) = error_parts(e)?;
    let result = |s: String| Ok(tuple::pair(pystr::from_string(s), int::from_usize(end)));
    if encode || translate {
        if !pystr::is_str(&object) {
            return Err(type_error("object attribute must be unicode"));
        }
        let chars: Vec<char> = pystr::as_str(&object).chars().collect();
        let hi = end.min(chars.len());
        let slice = &chars[start.min(hi)..hi];
        if translate && name == "replace" {
            return result("\u{fffd}".repeat(slice.len()));
        }
        if translate && !matches!(name, "ignore" | "backslashreplace") {
            return Err(wrong());
        }
        if matches!(name, "surrogateescape" | "surrogatepass") {
            let encoding = pystr_attr(e, "encoding")?;
            return match surrogate_encode(name, &encoding, slice) {
                Some(b) => Ok(tuple::pair(bytes::new(&b), int::from_usize(end))),
                None => Err(PyErr::from_value(e.clone())),
            };
        }
        return match encode_replacement(name, slice) {
            Some(s) => result(s),
            None => Err(PyErr::from_value(e.clone())),
        };
    }
    let data = crate::buffer::bytes_like(&object)?;
    if matches!(name, "surrogateescape" | "surrogatepass") {
        let encoding = pystr_attr(e, "encoding")?;
        return match surrogate_decode(name, &encoding, &data, start, end) {
            Some((s, pos)) => Ok(tuple::pair(pystr::from_string(s), int::from_usize(pos))),
            None => Err(PyErr::from_value(e.clone())),
        };
    }
    let hi = end.min(data.len());
    let slice = &data[start.min(hi)..hi];
    match decode_replacement(name, slice) {
        Some(s) => result(s),
        None if matches!(name, "xmlcharrefreplace" | "namereplace") => Err(wrong()),
        None => Err(PyErr::from_value(e.clone())),
    }
}

/// `surrogateescape` or `surrogatepass` on an encode error over `chars`: the bytes
/// to write, or `None` where the handler raises the error.
fn surrogate_encode(handler: &str, encoding: &str, chars: &[char]) -> Option<Vec<u8>> {
    if handler == "surrogateescape" {
        return strand_literal::str::escaped_bytes(chars);
    }
    match standard_encoding(encoding)? {
        (1, _) => strand_literal::str::surrogates_utf8(chars),
        (width, big) => {
            let mut out = Vec::with_capacity(chars.len() * width);
            for &c in chars {
                put_unit(&mut out, strand_literal::str::as_surrogate(c)?, width, big);
            }
            Some(out)
        }
    }
}

/// The codecs `surrogatepass` knows (CPython's `get_standard_encoding`): the width
/// of their code unit (1 for UTF-8, 2 for UTF-16, 4 for UTF-32) and whether it is
/// big-endian (without a suffix, the native order: little-endian here).
fn standard_encoding(encoding: &str) -> Option<(usize, bool)> {
    let name = normalize(encoding).replace('_', "-");
    let rest = name
        .strip_prefix("utf-")
        .or_else(|| name.strip_prefix("utf"))?;
    if rest == "8" {
        return Some((1, false));
    }
    let (width, order) = match rest.get(..2)? {
        "16" => (2, &rest[2..]),
        "32" => (4, &rest[2..]),
        _ => return None,
    };
    match order.trim_start_matches('-') {
        "" | "le" => Some((width, false)),
        "be" => Some((width, true)),
        _ => None,
    }
}

/// Writes one UTF-16 or UTF-32 code unit (`width` 2 or 4) in the byte order given.
fn put_unit(out: &mut Vec<u8>, u: u32, width: usize, big: bool) {
    if width == 2 {
        let b = (u as u16).to_le_bytes();
        out.extend(if big { [b[1], b[0]] } else { b });
    } else {
        let b = u.to_le_bytes();
        out.extend(if big { [b[3], b[2], b[1], b[0]] } else { b });
    }
}

/// `surrogateescape` or `surrogatepass` on a decode error over `raw[start..end]`:
/// the text to insert and where decoding continues, or `None` where the handler
/// raises the error.
fn surrogate_decode(
    handler: &str,
    encoding: &str,
    raw: &[u8],
    start: usize,
    end: usize,
) -> Option<(String, usize)> {
    let hi = end.min(raw.len());
    let lo = start.min(hi);
    if handler == "surrogateescape" {
        let (text, n) = strand_literal::str::escape_bytes(&raw[lo..hi]);
        return (n > 0).then_some((text, lo + n));
    }
    let (width, big) = standard_encoding(encoding)?;
    if width == 1 {
        return strand_literal::str::utf8_surrogate(&raw[lo..]).map(|c| (c.to_string(), lo + 3));
    }
    let unit = raw.get(lo..lo + width)?;
    let mut v = 0u32;
    for i in 0..width {
        let b = if big { unit[i] } else { unit[width - 1 - i] };
        v = (v << 8) | u32::from(b);
    }
    let c = strand_literal::str::surrogate_char(v)?;
    Some((c.to_string(), lo + width))
}

/// What an encoder does with characters it cannot encode: a replacement to
/// encode (or raw bytes) and where to continue.
enum EncodeFix {
    Text(String),
    Bytes(Vec<u8>),
}

/// How many characters at the start of `chars` `surrogateescape` turns back into
/// bytes (the stand-ins of U+DC80..U+DCFF).
fn escapable_prefix(chars: &[char]) -> usize {
    chars
        .iter()
        .take_while(|&&c| strand_literal::str::escaped_bytes(&[c]).is_some())
        .count()
}

/// Runs the `errors` handler for an encode error over characters `start..end`.
fn encode_error(
    encoding: &str,
    errors: &str,
    text: &PyObj,
    chars: &[char],
    start: usize,
    end: usize,
    reason: &str,
) -> PyResult<(EncodeFix, usize)> {
    let raise = || exc::unicode_encode_error(encoding, text.clone(), start, end, reason);
    if errors == "strict" {
        return Err(raise());
    }
    if BUILTIN_HANDLERS.contains(&errors) && !matches!(errors, "surrogateescape" | "surrogatepass")
    {
        if let Some(s) = encode_replacement(errors, &chars[start..end]) {
            return Ok((EncodeFix::Text(s), end));
        }
    }
    if matches!(errors, "surrogateescape" | "surrogatepass") {
        return match surrogate_encode(errors, encoding, &chars[start..end]) {
            Some(b) => Ok((EncodeFix::Bytes(b), end)),
            // CPython's encoders write the escapable prefix of the run and report
            // the error from the first character surrogateescape cannot take.
            None if errors == "surrogateescape" => {
                let k = escapable_prefix(&chars[start..end]);
                Err(exc::unicode_encode_error(
                    encoding,
                    text.clone(),
                    start + k,
                    end,
                    reason,
                ))
            }
            None => Err(raise()),
        };
    }
    let h = lookup_error(errors)?;
    let e = raise().into_value();
    let r = ab::call(&h, &[e], None)?;
    let bad = || type_error("encoding error handler must return (str/bytes, int) tuple");
    if !tuple::is_tuple(&r) || tuple::items(&r).len() != 2 {
        return Err(bad());
    }
    let (rep, pos) = (&tuple::items(&r)[0], &tuple::items(&r)[1]);
    if !int::is_int(pos) {
        return Err(bad());
    }
    let fix = if pystr::is_str(rep) {
        EncodeFix::Text(pystr::as_str(rep).to_string())
    } else if let Some(b) = bytes::as_bytes_opt(rep) {
        EncodeFix::Bytes(b.to_vec())
    } else {
        return Err(bad());
    };
    Ok((fix, new_position(pos, chars.len())?))
}

fn new_position(pos: &PyObj, len: usize) -> PyResult<usize> {
    let mut p = int::to_isize(pos)?;
    if p < 0 {
        p += len as isize;
    }
    if p < 0 || p as usize > len {
        return Err(exc::index_error(format!(
            "position {p} from error handler out of bounds"
        )));
    }
    Ok(p as usize)
}

/// Runs the `errors` handler for a decode error over bytes `start..end`.
fn decode_error(
    encoding: &str,
    errors: &str,
    data: &PyObj,
    raw: &[u8],
    start: usize,
    end: usize,
    reason: &str,
) -> PyResult<(String, usize)> {
    let raise = || exc::unicode_decode_error(encoding, data.clone(), start, end, reason);
    if errors == "strict" {
        return Err(raise());
    }
    if matches!(errors, "surrogateescape" | "surrogatepass") {
        return surrogate_decode(errors, encoding, raw, start, end).ok_or_else(raise);
    }
    if let Some(s) = decode_replacement(errors, &raw[start..end]) {
        return Ok((s, end));
    }
    let h = lookup_error(errors)?;
    let e = raise().into_value();
    let r = ab::call(&h, &[e], None)?;
    let bad = || type_error("decoding error handler must return (str, int) tuple");
    if !tuple::is_tuple(&r) || tuple::items(&r).len() != 2 {
        return Err(bad());
    }
    let (rep, pos) = (&tuple::items(&r)[0], &tuple::items(&r)[1]);
    if !pystr::is_str(rep) || !int::is_int(pos) {
        return Err(bad());
    }
    Ok((
        pystr::as_str(rep).to_string(),
        new_position(pos, raw.len())?,
    ))
}

// ---------------------------------------------------------------------------------
// Argument helpers
// ---------------------------------------------------------------------------------

/// `(str, errors=None)` of an encoder.
fn enc_args<'a>(
    a: &'a [PyObj],
    k: Option<&PyObj>,
    fname: &str,
    max: usize,
) -> PyResult<(&'a PyObj, String)> {
    Args::new(a, k).expect_fn(fname, 1, max)?;
    str_arg(&a[0], fname, 1)?;
    Ok((&a[0], errors_arg(a.get(1), fname, 2)?))
}

fn errors_arg(o: Option<&PyObj>, fname: &str, n: usize) -> PyResult<String> {
    match o {
        None => Ok("strict".into()),
        Some(e) if singletons::is_none(e) => Ok("strict".into()),
        Some(e) => Ok(str_arg(e, fname, n)?.to_string()),
    }
}

/// `(data, errors=None, final=False)` of a decoder: the data as bytes (the escape
/// decoders also take a str as its UTF-8 encoding, CPython's `s*` converter).
fn dec_args(
    a: &[PyObj],
    k: Option<&PyObj>,
    fname: &str,
    max: usize,
) -> PyResult<(PyObj, Vec<u8>, String, bool)> {
    Args::new(a, k).expect_fn(fname, 1, max)?;
    let takes_str = fname.contains("escape_decode");
    let data = if takes_str && pystr::is_str(&a[0]) {
        pystr::as_str(&a[0]).as_bytes().to_vec()
    } else {
        crate::buffer::bytes_like(&a[0])?
    };
    let errors = errors_arg(a.get(1), fname, 2)?;
    let finalize = match a.get(2) {
        Some(f) => ab::is_true(f)?,
        None => false,
    };
    let obj = if bytes::is_bytes(&a[0]) {
        a[0].clone()
    } else {
        bytes::new(&data)
    };
    Ok((obj, data, errors, finalize))
}

fn enc_result(out: Vec<u8>, consumed: usize) -> PyObj {
    tuple::pair(bytes::new(&out), int::from_usize(consumed))
}

fn dec_result(out: String, consumed: usize) -> PyObj {
    tuple::pair(pystr::from_string(out), int::from_usize(consumed))
}

// ---------------------------------------------------------------------------------
// Single-byte and UTF-8 codecs
// ---------------------------------------------------------------------------------

/// Encodes to a single-byte charset whose characters are those below `limit`.
fn encode_limited(
    text: &PyObj,
    errors: &str,
    limit: u32,
    encoding: &str,
    reason: &str,
) -> PyResult<Vec<u8>> {
    let chars: Vec<char> = pystr::as_str(text).chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if u32::from(c) < limit {
            out.push(u32::from(c) as u8);
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < chars.len() && u32::from(chars[end]) >= limit {
            end += 1;
        }
        let (fix, next) = encode_error(encoding, errors, text, &chars, i, end, reason)?;
        match fix {
            EncodeFix::Bytes(b) => out.extend_from_slice(&b),
            EncodeFix::Text(s) => {
                // A replacement the codec cannot encode fails as the original did.
                if s.chars().any(|rc| u32::from(rc) >= limit) {
                    return Err(exc::unicode_encode_error(
                        encoding,
                        text.clone(),
                        i,
                        end,
                        reason,
                    ));
                }
                out.extend(s.chars().map(|rc| u32::from(rc) as u8));
            }
        }
        i = next;
    }
    Ok(out)
}

fn utf_8_encode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (s, errors) = enc_args(a, k, "utf_8_encode", 2)?;
    let text = pystr::as_str(s);
    if !strand_literal::str::has_surrogates(text) {
        return Ok(enc_result(text.as_bytes().to_vec(), text.chars().count()));
    }
    let is_sur = |c: char| strand_literal::str::as_surrogate(c).is_some();
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !is_sur(chars[i]) {
            out.extend_from_slice(chars[i].encode_utf8(&mut [0u8; 4]).as_bytes());
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < chars.len() && is_sur(chars[end]) {
            end += 1;
        }
        let reason = "surrogates not allowed";
        let (fix, next) = encode_error("utf-8", &errors, s, &chars, i, end, reason)?;
        match fix {
            EncodeFix::Bytes(b) => out.extend_from_slice(&b),
            // A replacement holding surrogates fails as the original did.
            EncodeFix::Text(r) if strand_literal::str::has_surrogates(&r) => {
                return Err(exc::unicode_encode_error(
                    "utf-8",
                    s.clone(),
                    i,
                    end,
                    reason,
                ));
            }
            EncodeFix::Text(r) => out.extend_from_slice(r.as_bytes()),
        }
        i = next;
    }
    Ok(enc_result(out, chars.len()))
}

fn ascii_encode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (s, errors) = enc_args(a, k, "ascii_encode", 2)?;
    let out = encode_limited(s, &errors, 0x80, "ascii", "ordinal not in range(128)")?;
    Ok(enc_result(out, pystr::as_str(s).chars().count()))
}

fn latin_1_encode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (s, errors) = enc_args(a, k, "latin_1_encode", 2)?;
    let out = encode_limited(s, &errors, 0x100, "latin-1", "ordinal not in range(256)")?;
    Ok(enc_result(out, pystr::as_str(s).chars().count()))
}

/// Decodes UTF-8 (CPython's error ranges and reasons); with `final` false a
/// truncated sequence at the end is left unconsumed.
fn decode_utf8(
    obj: &PyObj,
    data: &[u8],
    errors: &str,
    finalize: bool,
) -> PyResult<(String, usize)> {
    let mut out = String::with_capacity(data.len());
    let mut pos = 0;
    while pos < data.len() {
        match std::str::from_utf8(&data[pos..]) {
            Ok(s) => {
                out.push_str(s);
                pos = data.len();
            }
            Err(e) => {
                let good = pos + e.valid_up_to();
                // The prefix was validated by from_utf8.
                out.push_str(std::str::from_utf8(&data[pos..good]).unwrap_or(""));
                let (end, reason) = match e.error_len() {
                    None => {
                        if !finalize {
                            return Ok((out, good));
                        }
                        (data.len(), "unexpected end of data")
                    }
                    // A truncated surrogate (ED A0..BF) may still be completed
                    // (for surrogatepass): CPython leaves it unconsumed.
                    Some(_)
                        if !finalize
                            && data.len() - good == 2
                            && data[good] == 0xED
                            && (0xA0..=0xBF).contains(&data[good + 1]) =>
                    {
                        return Ok((out, good));
                    }
                    Some(n) => {
                        let b = data[good];
                        let reason = if (0x80..0xc2).contains(&b) || b > 0xf4 {
                            "invalid start byte"
                        } else {
                            "invalid continuation byte"
                        };
                        (good + n, reason)
                    }
                };
                let (rep, next) = decode_error("utf-8", errors, obj, data, good, end, reason)?;
                out.push_str(&rep);
                pos = next;
            }
        }
    }
    Ok((out, pos))
}

fn utf_8_decode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (obj, data, errors, finalize) = dec_args(a, k, "utf_8_decode", 3)?;
    let (s, n) = decode_utf8(&obj, &data, &errors, finalize)?;
    Ok(dec_result(s, n))
}

fn ascii_decode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (obj, data, errors, _) = dec_args(a, k, "ascii_decode", 3)?;
    let mut out = String::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i] < 0x80 {
            out.push(char::from(data[i]));
            i += 1;
            continue;
        }
        let (rep, next) = decode_error(
            "ascii",
            &errors,
            &obj,
            &data,
            i,
            i + 1,
            "ordinal not in range(128)",
        )?;
        out.push_str(&rep);
        i = next;
    }
    Ok(dec_result(out, data.len()))
}

fn latin_1_decode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (_, data, _, _) = dec_args(a, k, "latin_1_decode", 3)?;
    Ok(dec_result(
        data.iter().map(|&b| char::from(b)).collect(),
        data.len(),
    ))
}

// ---------------------------------------------------------------------------------
// UTF-16 and UTF-32
// ---------------------------------------------------------------------------------

/// Encodes UTF-16 or UTF-32 (`width` 2 or 4) in one byte order, with a BOM first
/// if asked.
fn encode_wide(
    s: &PyObj,
    errors: &str,
    encoding: &str,
    width: usize,
    big: bool,
    bom: bool,
) -> PyResult<Vec<u8>> {
    let text = pystr::as_str(s);
    let mut out = Vec::with_capacity((text.len() + 1) * width);
    if bom {
        put_unit(&mut out, 0xFEFF, width, big);
    }
    let put_char = |out: &mut Vec<u8>, c: char| {
        if width == 2 {
            let mut buf = [0u16; 2];
            for u in c.encode_utf16(&mut buf) {
                put_unit(out, u32::from(*u), width, big);
            }
        } else {
            put_unit(out, u32::from(c), width, big);
        }
    };
    if !strand_literal::str::has_surrogates(text) {
        for c in text.chars() {
            put_char(&mut out, c);
        }
        return Ok(out);
    }
    // Lone surrogates cannot be encoded: each goes to the handler on its own (as in
    // CPython's UTF-16/32 encoders), whose bytes must be whole code units and whose
    // text must be ASCII.
    let chars: Vec<char> = text.chars().collect();
    let reason = "surrogates not allowed";
    let mut i = 0;
    while i < chars.len() {
        if strand_literal::str::as_surrogate(chars[i]).is_none() {
            put_char(&mut out, chars[i]);
            i += 1;
            continue;
        }
        let end = i + 1;
        let refuse = || exc::unicode_encode_error(encoding, s.clone(), i, end, reason);
        match encode_error(encoding, errors, s, &chars, i, end, reason)? {
            (EncodeFix::Bytes(b), _) if b.len() % width != 0 => return Err(refuse()),
            (EncodeFix::Bytes(b), next) => {
                out.extend_from_slice(&b);
                i = next;
            }
            (EncodeFix::Text(r), _) if !r.is_ascii() => return Err(refuse()),
            (EncodeFix::Text(r), next) => {
                r.chars().for_each(|c| put_char(&mut out, c));
                i = next;
            }
        }
    }
    Ok(out)
}

/// Decodes UTF-16/UTF-32 from `data`: `order` is -1 little, 1 big, 0 detect from
/// a BOM (default little-endian, as the native order here). Returns the text, the
/// bytes consumed and the byte order found.
fn decode_wide(
    obj: &PyObj,
    data: &[u8],
    errors: &str,
    finalize: bool,
    width: usize,
    mut order: i32,
    name: &str,
) -> PyResult<(String, usize, i32)> {
    let mut pos = 0;
    let read = |at: usize, big: bool| -> u32 {
        let b = &data[at..at + width];
        if width == 2 {
            let v = [b[0], b[1]];
            u32::from(if big {
                u16::from_be_bytes(v)
            } else {
                u16::from_le_bytes(v)
            })
        } else {
            let v = [b[0], b[1], b[2], b[3]];
            if big {
                u32::from_be_bytes(v)
            } else {
                u32::from_le_bytes(v)
            }
        }
    };
    if order == 0 && data.len() >= width {
        if read(0, false) == 0xFEFF {
            order = -1;
            pos = width;
        } else if read(0, true) == 0xFEFF {
            order = 1;
            pos = width;
        }
    }
    let big = order == 1;
    // Without a byte order mark the native order (little-endian here) applies.
    let enc = match (order, width) {
        (1, 2) => "utf-16-be",
        (_, 2) => "utf-16-le",
        (1, _) => "utf-32-be",
        _ => "utf-32-le",
    };
    let _ = name;
    let mut out = String::with_capacity(data.len() / width);
    while pos < data.len() {
        if data.len() - pos < width {
            if !finalize {
                break;
            }
            let (rep, next) =
                decode_error(enc, errors, obj, data, pos, data.len(), "truncated data")?;
            out.push_str(&rep);
            pos = next;
            continue;
        }
        let u = read(pos, big);
        if width == 4 {
            match char::from_u32(u) {
                Some(c) => {
                    out.push(c);
                    pos += 4;
                }
                None => {
                    let reason = if (0xD800..0xE000).contains(&u) {
                        "code point in surrogate code point range(0xd800, 0xe000)"
                    } else {
                        "code point not in range(0x110000)"
                    };
                    let (rep, next) = decode_error(enc, errors, obj, data, pos, pos + 4, reason)?;
                    out.push_str(&rep);
                    pos = next;
                }
            }
            continue;
        }
        if !(0xD800..0xE000).contains(&u) {
            out.push(char::from_u32(u).unwrap_or('\u{fffd}'));
            pos += 2;
            continue;
        }
        if u >= 0xDC00 {
            let (rep, next) =
                decode_error(enc, errors, obj, data, pos, pos + 2, "illegal encoding")?;
            out.push_str(&rep);
            pos = next;
            continue;
        }
        if data.len() - pos < 4 {
            if !finalize {
                break;
            }
            let reason = if data.len() - pos == 2 {
                "unexpected end of data"
            } else {
                "truncated data"
            };
            let (rep, next) = decode_error(enc, errors, obj, data, pos, data.len(), reason)?;
            out.push_str(&rep);
            pos = next;
            continue;
        }
        let lo = read(pos + 2, big);
        if (0xDC00..0xE000).contains(&lo) {
            let c = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
            pos += 4;
        } else {
            let (rep, next) = decode_error(
                enc,
                errors,
                obj,
                data,
                pos,
                pos + 2,
                "illegal UTF-16 surrogate",
            )?;
            out.push_str(&rep);
            pos = next;
        }
    }
    Ok((out, pos, order))
}

fn wide_encode(
    a: &[PyObj],
    k: Option<&PyObj>,
    fname: &str,
    width: usize,
    order: i32,
) -> PyResult<PyObj> {
    let (s, errors) = enc_args(a, k, fname, 3)?;
    let order = if order == 0 {
        match a.get(2) {
            Some(b) => int::to_isize(&ab::index(b)?)?.signum() as i32,
            None => 0,
        }
    } else {
        order
    };
    // The codec's name as its errors give it: utf-16, utf-16-le, utf-32-be, ...
    let encoding = format!(
        "utf-{}{}",
        width * 8,
        match order {
            1 => "-be",
            -1 => "-le",
            _ => "",
        }
    );
    let out = encode_wide(s, &errors, &encoding, width, order == 1, order == 0)?;
    Ok(enc_result(out, pystr::as_str(s).chars().count()))
}

fn wide_decode(
    a: &[PyObj],
    k: Option<&PyObj>,
    fname: &str,
    width: usize,
    order: i32,
) -> PyResult<PyObj> {
    let (obj, data, errors, finalize) = dec_args(a, k, fname, 3)?;
    let name = if width == 2 { "utf-16" } else { "utf-32" };
    let (s, n, _) = decode_wide(&obj, &data, &errors, finalize, width, order, name)?;
    Ok(dec_result(s, n))
}

fn wide_ex_decode(a: &[PyObj], k: Option<&PyObj>, fname: &str, width: usize) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn(fname, 1, 4)?;
    let (obj, data, errors, _) = dec_args(&a[..a.len().min(2)], None, fname, 2)?;
    let order = match a.get(2) {
        Some(b) => int::to_isize(&ab::index(b)?)?.signum() as i32,
        None => 0,
    };
    let finalize = match a.get(3) {
        Some(f) => ab::is_true(f)?,
        None => false,
    };
    let name = if width == 2 { "utf-16" } else { "utf-32" };
    let (s, n, order) = decode_wide(&obj, &data, &errors, finalize, width, order, name)?;
    Ok(tuple::from_vec(vec![
        pystr::from_string(s),
        int::from_usize(n),
        int::from_i64(i64::from(order)),
    ]))
}

// ---------------------------------------------------------------------------------
// UTF-7 (RFC 2152; CPython's PyUnicode_DecodeUTF7Stateful and _PyUnicode_EncodeUTF7)
// ---------------------------------------------------------------------------------

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Whether UTF-7 writes `c` as itself: RFC 2152's sets D and O and the white space
/// the encoder keeps (`\t`, `\n`, `\r`, space); `+`, `\\`, `~`, NUL and the other
/// control characters go into a base-64 section.
fn utf7_direct(c: u32) -> bool {
    c > 0
        && c < 128
        && !matches!(c, 1..=8 | 11 | 12 | 14..=31 | 127)
        && !matches!(char::from_u32(c), Some('+' | '\\' | '~'))
}

fn utf7_base64_value(b: u8) -> Option<u32> {
    BASE64.iter().position(|&x| x == b).map(|v| v as u32)
}

/// Encodes UTF-7 the way CPython does (sets O and white space direct): a
/// base-64 section ends with `-` only when the next character could be read as
/// part of it. Lone surrogates are encoded as UTF-16 units, so nothing fails.
fn encode_utf7(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut in_shift = false;
    let mut bits = 0u32;
    let mut buf = 0u64;
    let push_unit = |out: &mut Vec<u8>, bits: &mut u32, buf: &mut u64, unit: u32| {
        *bits += 16;
        *buf = (*buf << 16) | u64::from(unit);
        while *bits >= 6 {
            out.push(BASE64[((*buf >> (*bits - 6)) & 0x3f) as usize]);
            *bits -= 6;
        }
        *buf &= (1u64 << *bits) - 1;
    };
    for c in text.chars() {
        let cp = strand_literal::str::code_point(c);
        if in_shift {
            if utf7_direct(cp) {
                if bits > 0 {
                    out.push(BASE64[((buf << (6 - bits)) & 0x3f) as usize]);
                    buf = 0;
                    bits = 0;
                }
                in_shift = false;
                if c == '-' || utf7_base64_value(cp as u8).is_some() {
                    out.push(b'-');
                }
                out.push(cp as u8);
                continue;
            }
        } else if c == '+' {
            out.extend_from_slice(b"+-");
            continue;
        } else if utf7_direct(cp) {
            out.push(cp as u8);
            continue;
        } else {
            out.push(b'+');
            in_shift = true;
        }
        if cp >= 0x10000 {
            let v = cp - 0x10000;
            push_unit(&mut out, &mut bits, &mut buf, 0xD800 | (v >> 10));
            push_unit(&mut out, &mut bits, &mut buf, 0xDC00 | (v & 0x3ff));
        } else {
            push_unit(&mut out, &mut bits, &mut buf, cp);
        }
    }
    if bits > 0 {
        out.push(BASE64[((buf << (6 - bits)) & 0x3f) as usize]);
    }
    if in_shift {
        out.push(b'-');
    }
    out
}

fn push_code_point(out: &mut String, cp: u32) {
    out.push(strand_literal::str::from_code_point(cp).unwrap_or('\u{fffd}'));
}

/// Decodes UTF-7 with CPython's error positions and reasons. With `final` false,
/// an unfinished base-64 section is left unconsumed (from its `+`).
fn decode_utf7(
    obj: &PyObj,
    data: &[u8],
    errors: &str,
    finalize: bool,
) -> PyResult<(String, usize)> {
    let mut out = String::with_capacity(data.len());
    let mut in_shift = false;
    let mut bits = 0u32;
    let mut buf = 0u64;
    let mut surrogate = 0u32;
    let mut shift_out_start = 0usize;
    let mut start = 0usize;
    let mut s = 0usize;
    let e = data.len();
    loop {
        while s < e {
            let ch = data[s];
            let reason;
            if in_shift {
                if let Some(v) = utf7_base64_value(ch) {
                    buf = (buf << 6) | u64::from(v);
                    bits += 6;
                    s += 1;
                    if bits >= 16 {
                        let unit = (buf >> (bits - 16)) as u32;
                        bits -= 16;
                        buf &= (1u64 << bits) - 1;
                        if surrogate != 0 {
                            if (0xDC00..0xE000).contains(&unit) {
                                let joined =
                                    0x10000 + ((surrogate - 0xD800) << 10) + (unit - 0xDC00);
                                push_code_point(&mut out, joined);
                                surrogate = 0;
                                continue;
                            }
                            push_code_point(&mut out, surrogate);
                            surrogate = 0;
                        }
                        if (0xD800..0xDC00).contains(&unit) {
                            surrogate = unit;
                        } else {
                            push_code_point(&mut out, unit);
                        }
                    }
                    continue;
                }
                in_shift = false;
                if bits > 0 {
                    if bits >= 6 {
                        s += 1;
                        reason = "partial character in shift sequence";
                    } else if buf != 0 {
                        s += 1;
                        reason = "non-zero padding bits in shift sequence";
                    } else {
                        reason = "";
                    }
                } else {
                    reason = "";
                }
                if reason.is_empty() {
                    if surrogate != 0 && ch <= 127 && ch != b'+' {
                        push_code_point(&mut out, surrogate);
                    }
                    surrogate = 0;
                    if ch == b'-' {
                        s += 1;
                    }
                    continue;
                }
            } else if ch == b'+' {
                start = s;
                s += 1;
                if s < e && data[s] == b'-' {
                    s += 1;
                    out.push('+');
                    continue;
                }
                if s < e && utf7_base64_value(data[s]).is_none() {
                    s += 1;
                    reason = "ill-formed sequence";
                } else {
                    in_shift = true;
                    surrogate = 0;
                    shift_out_start = out.len();
                    bits = 0;
                    buf = 0;
                    continue;
                }
            } else if ch <= 127 {
                s += 1;
                out.push(char::from(ch));
                continue;
            } else {
                start = s;
                s += 1;
                reason = "unexpected special character";
            }
            let (rep, next) = decode_error("utf7", errors, obj, data, start, s, reason)?;
            out.push_str(&rep);
            s = next;
        }
        if in_shift && finalize {
            in_shift = false;
            if surrogate != 0 || bits >= 6 || (bits > 0 && buf != 0) {
                let reason = "unterminated shift sequence";
                let (rep, next) = decode_error("utf7", errors, obj, data, start, e, reason)?;
                out.push_str(&rep);
                s = next;
                if s < e {
                    continue;
                }
            }
        }
        break;
    }
    if !finalize && in_shift {
        out.truncate(shift_out_start);
        return Ok((out, start));
    }
    Ok((out, s))
}

fn utf_7_encode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (s, _errors) = enc_args(a, k, "utf_7_encode", 2)?;
    let text = pystr::as_str(s);
    Ok(enc_result(encode_utf7(text), text.chars().count()))
}

fn utf_7_decode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (obj, data, errors, finalize) = dec_args(a, k, "utf_7_decode", 3)?;
    let (s, n) = decode_utf7(&obj, &data, &errors, finalize)?;
    Ok(dec_result(s, n))
}

// ---------------------------------------------------------------------------------
// Escape codecs
// ---------------------------------------------------------------------------------

fn escape_encode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("escape_encode", 1, 2)?;
    let Some(data) = bytes::as_bytes_opt(&a[0]) else {
        return Err(type_error(format!(
            "escape_encode() argument 1 must be bytes, not {}",
            a[0].ty().name()
        )));
    };
    let mut out = Vec::with_capacity(data.len());
    for &b in data {
        match b {
            b'\\' | b'\'' => out.extend_from_slice(&[b'\\', b]),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0x20..=0x7e => out.push(b),
            _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    Ok(enc_result(out, data.len()))
}

fn escape_decode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (_, data, errors, _) = dec_args(a, k, "escape_decode", 2)?;
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        if i >= data.len() {
            return Err(value_error("Trailing \\ in string"));
        }
        let c = data[i];
        i += 1;
        match c {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(c),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b't' => out.push(b'\t'),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b'v' => out.push(11),
            b'a' => out.push(7),
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                for _ in 0..2 {
                    match data.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(v as u8);
            }
            b'x' => {
                let hex = data.get(i..i + 2).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|s| u8::from_str_radix(s, 16).ok())
                });
                match (hex, errors.as_str()) {
                    (Some(v), _) => {
                        out.push(v);
                        i += 2;
                    }
                    (None, "ignore" | "replace") => {
                        if errors == "replace" {
                            out.push(b'?');
                        }
                        if data.get(i).is_some_and(u8::is_ascii_hexdigit) {
                            i += 1;
                        }
                    }
                    (None, "strict") => {
                        return Err(value_error(format!(
                            "invalid \\x escape at position {}",
                            i - 2
                        )))
                    }
                    (None, other) => {
                        return Err(value_error(format!(
                            "decoding error; unknown error handling code: {other}"
                        )))
                    }
                }
            }
            _ => {
                out.push(b'\\');
                out.push(c);
            }
        }
    }
    Ok(tuple::pair(bytes::new(&out), int::from_usize(data.len())))
}

fn unicode_escape_encode_text(text: &str, raw: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        // A lone surrogate's stand-in escapes as the surrogate it stands for.
        let v = strand_literal::str::code_point(c);
        if raw {
            if v < 0x100 {
                out.push(v as u8);
            } else if v < 0x10000 {
                out.extend_from_slice(format!("\\u{v:04x}").as_bytes());
            } else {
                out.extend_from_slice(format!("\\U{v:08x}").as_bytes());
            }
            continue;
        }
        match c {
            '\\' => out.extend_from_slice(b"\\\\"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            ' '..='~' => out.push(v as u8),
            _ => out.extend_from_slice(escape_char(c).as_bytes()),
        }
    }
    out
}

fn unicode_escape_encode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (s, _) = enc_args(a, k, "unicode_escape_encode", 2)?;
    let text = pystr::as_str(s);
    Ok(enc_result(
        unicode_escape_encode_text(text, false),
        text.chars().count(),
    ))
}

fn raw_unicode_escape_encode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (s, _) = enc_args(a, k, "raw_unicode_escape_encode", 2)?;
    let text = pystr::as_str(s);
    Ok(enc_result(
        unicode_escape_encode_text(text, true),
        text.chars().count(),
    ))
}

/// Decodes `unicode_escape` (all escapes) or `raw_unicode_escape` (only `\u` and
/// `\U`); the rest of the bytes are Latin-1.
fn decode_escapes(
    obj: &PyObj,
    data: &[u8],
    errors: &str,
    raw: bool,
    finalize: bool,
) -> PyResult<(String, usize)> {
    let enc = if raw {
        "rawunicodeescape"
    } else {
        "unicodeescape"
    };
    let mut out = String::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if b != b'\\' {
            out.push(char::from(b));
            i += 1;
            continue;
        }
        let start = i;
        if i + 1 >= data.len() {
            if !finalize {
                return Ok((out, start));
            }
            if raw {
                out.push('\\');
                i += 1;
                continue;
            }
            let (rep, next) = decode_error(
                enc,
                errors,
                obj,
                data,
                start,
                data.len(),
                "\\ at end of string",
            )?;
            out.push_str(&rep);
            i = next;
            continue;
        }
        let c = data[i + 1];
        if raw && c != b'u' && c != b'U' {
            out.push('\\');
            i += 1;
            continue;
        }
        i += 2;
        let simple = match c {
            b'\n' if !raw => Some(None),
            b'\\' => Some(Some('\\')),
            b'\'' => Some(Some('\'')),
            b'"' => Some(Some('"')),
            b'b' => Some(Some('\u{8}')),
            b'f' => Some(Some('\u{c}')),
            b't' => Some(Some('\t')),
            b'n' => Some(Some('\n')),
            b'r' => Some(Some('\r')),
            b'v' => Some(Some('\u{b}')),
            b'a' => Some(Some('\u{7}')),
            _ => None,
        };
        if !raw {
            if let Some(ch) = simple {
                out.extend(ch);
                continue;
            }
            if (b'0'..=b'7').contains(&c) {
                let mut v = u32::from(c - b'0');
                for _ in 0..2 {
                    match data.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.extend(char::from_u32(v));
                continue;
            }
        }
        let (digits, what) = match c {
            b'x' if !raw => (2, "truncated \\xXX escape"),
            b'u' => (4, "truncated \\uXXXX escape"),
            b'U' => (8, "truncated \\UXXXXXXXX escape"),
            b'N' if !raw => {
                let close = data[i..].iter().position(|&x| x == b'}');
                let named = if data.get(i) == Some(&b'{') {
                    close.filter(|&p| p > 1).map(|p| &data[i + 1..i + p])
                } else {
                    None
                };
                match named {
                    Some(name) => {
                        let end = i + name.len() + 2;
                        let found = std::str::from_utf8(name)
                            .ok()
                            .and_then(unicode_names2::character)
                            .filter(|&ch| crate::unicodedata::category(ch) != "Cn");
                        match found {
                            Some(ch) => {
                                out.push(ch);
                                i = end;
                            }
                            None => {
                                let (rep, next) = decode_error(
                                    enc,
                                    errors,
                                    obj,
                                    data,
                                    start,
                                    end,
                                    "unknown Unicode character name",
                                )?;
                                out.push_str(&rep);
                                i = next;
                            }
                        }
                    }
                    None => {
                        if !finalize && close.is_none() {
                            return Ok((out, start));
                        }
                        let end = match close {
                            Some(p) => i + p + 1,
                            None => data.len(),
                        };
                        let (rep, next) = decode_error(
                            enc,
                            errors,
                            obj,
                            data,
                            start,
                            end,
                            "malformed \\N character escape",
                        )?;
                        out.push_str(&rep);
                        i = next;
                    }
                }
                continue;
            }
            _ => {
                // An unknown escape is kept as it is.
                out.push('\\');
                out.push(char::from(c));
                continue;
            }
        };
        let hex: Vec<u8> = data[i..]
            .iter()
            .take(digits)
            .copied()
            .take_while(u8::is_ascii_hexdigit)
            .collect();
        if hex.len() < digits {
            if !finalize && i + hex.len() == data.len() {
                return Ok((out, start));
            }
            let end = i + hex.len();
            let (rep, next) = decode_error(enc, errors, obj, data, start, end, what)?;
            out.push_str(&rep);
            i = next;
            continue;
        }
        let v = u32::from_str_radix(std::str::from_utf8(&hex).unwrap_or("0"), 16).unwrap_or(0);
        match strand_literal::str::from_code_point(v) {
            Some(ch) => {
                out.push(ch);
                i += digits;
            }
            None => {
                let end = i + digits;
                let reason = if raw {
                    "\\Uxxxxxxxx out of range"
                } else {
                    "illegal Unicode character"
                };
                let (rep, next) = decode_error(enc, errors, obj, data, start, end, reason)?;
                out.push_str(&rep);
                i = next;
            }
        }
    }
    Ok((out, data.len()))
}

fn unicode_escape_decode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (obj, data, errors, _) = dec_args(a, k, "unicode_escape_decode", 3)?;
    let finalize = match a.get(2) {
        Some(f) => ab::is_true(f)?,
        None => true,
    };
    let (s, n) = decode_escapes(&obj, &data, &errors, false, finalize)?;
    Ok(dec_result(s, n))
}

fn raw_unicode_escape_decode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (obj, data, errors, _) = dec_args(a, k, "raw_unicode_escape_decode", 3)?;
    let finalize = match a.get(2) {
        Some(f) => ab::is_true(f)?,
        None => true,
    };
    let (s, n) = decode_escapes(&obj, &data, &errors, true, finalize)?;
    Ok(dec_result(s, n))
}

// ---------------------------------------------------------------------------------
// charmap
// ---------------------------------------------------------------------------------

fn charmap_decode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("charmap_decode", 1, 3)?;
    let (obj, data, errors, _) = dec_args(&a[..a.len().min(2)], None, "charmap_decode", 2)?;
    let mapping = a.get(2).filter(|m| !singletons::is_none(m));
    let Some(mapping) = mapping else {
        return Ok(dec_result(
            data.iter().map(|&b| char::from(b)).collect(),
            data.len(),
        ));
    };
    let table: Option<Vec<char>> =
        pystr::is_str(mapping).then(|| pystr::as_str(mapping).chars().collect());
    let mut out = String::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        let mapped: Option<String> = match &table {
            Some(t) => t
                .get(usize::from(b))
                .filter(|&&c| c != '\u{fffe}')
                .map(|c| c.to_string()),
            None => match ab::getitem(mapping, &int::from_i64(i64::from(b))) {
                Ok(v) if singletons::is_none(&v) => None,
                Ok(v) if int::is_int(&v) => {
                    let n = int::as_i64(&v).unwrap_or(-1);
                    match u32::try_from(n)
                        .ok()
                        .and_then(strand_literal::str::from_code_point)
                    {
                        Some(c) if n != 0xFFFE => Some(c.to_string()),
                        Some(_) => None,
                        None => {
                            return Err(type_error("character mapping must be in range(0x110000)"))
                        }
                    }
                }
                Ok(v) if pystr::is_str(&v) => {
                    let s = pystr::as_str(&v);
                    (s != "\u{fffe}").then(|| s.to_string())
                }
                Ok(_) => {
                    return Err(type_error(
                        "character mapping must return integer, None or str",
                    ))
                }
                Err(e) if e.is_instance(&exc::LOOKUP_ERROR_TYPE) => None,
                Err(e) => return Err(e),
            },
        };
        match mapped {
            Some(s) => {
                out.push_str(&s);
                i += 1;
            }
            None => {
                let (rep, next) = decode_error(
                    "charmap",
                    &errors,
                    &obj,
                    &data,
                    i,
                    i + 1,
                    "character maps to <undefined>",
                )?;
                out.push_str(&rep);
                i = next;
            }
        }
    }
    Ok(dec_result(out, data.len()))
}

/// The bytes one character encodes to under a charmap (`None`: undefined).
fn charmap_lookup(mapping: &PyObj, c: char) -> PyResult<Option<Vec<u8>>> {
    match ab::getitem(mapping, &int::from_i64(i64::from(u32::from(c)))) {
        Ok(v) if singletons::is_none(&v) => Ok(None),
        Ok(v) if int::is_int(&v) => match int::as_i64(&v).and_then(|n| u8::try_from(n).ok()) {
            Some(b) => Ok(Some(vec![b])),
            None => Err(type_error("character mapping must be in range(256)")),
        },
        Ok(v) => match bytes::as_bytes_opt(&v) {
            Some(b) => Ok(Some(b.to_vec())),
            None => Err(type_error(
                "character mapping must return integer, bytes or None, not str",
            )),
        },
        Err(e) if e.is_instance(&exc::LOOKUP_ERROR_TYPE) => Ok(None),
        Err(e) => Err(e),
    }
}

fn charmap_encode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("charmap_encode", 1, 3)?;
    let text = str_arg(&a[0], "charmap_encode", 1)?;
    let errors = errors_arg(a.get(1), "charmap_encode", 2)?;
    let mapping = a.get(2).filter(|m| !singletons::is_none(m));
    let Some(mapping) = mapping else {
        let out = encode_limited(
            &a[0],
            &errors,
            0x100,
            "latin-1",
            "ordinal not in range(256)",
        )?;
        return Ok(enc_result(out, text.chars().count()));
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(b) = charmap_lookup(mapping, chars[i])? {
            out.extend_from_slice(&b);
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < chars.len() && charmap_lookup(mapping, chars[end])?.is_none() {
            end += 1;
        }
        let reason = "character maps to <undefined>";
        let (fix, next) = encode_error("charmap", &errors, &a[0], &chars, i, end, reason)?;
        match fix {
            EncodeFix::Bytes(b) => out.extend_from_slice(&b),
            EncodeFix::Text(s) => {
                for rc in s.chars() {
                    match charmap_lookup(mapping, rc)? {
                        Some(b) => out.extend_from_slice(&b),
                        None => {
                            return Err(exc::unicode_encode_error(
                                "charmap",
                                a[0].clone(),
                                i,
                                end,
                                reason,
                            ))
                        }
                    }
                }
            }
        }
        i = next;
    }
    Ok(enc_result(out, chars.len()))
}

fn charmap_build(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let t = one(a, k, "charmap_build")?;
    let table = only_str(t, "charmap_build")?;
    let d = dict::new();
    for (i, c) in table.chars().enumerate() {
        dict::set_item(
            &d,
            int::from_i64(i64::from(u32::from(c))),
            int::from_usize(i),
        )?;
    }
    Ok(d)
}

fn readbuffer_encode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("readbuffer_encode", 1, 2)?;
    let data = if pystr::is_str(&a[0]) {
        pystr::as_str(&a[0]).as_bytes().to_vec()
    } else {
        crate::buffer::bytes_like(&a[0])?
    };
    let n = data.len();
    Ok(enc_result(data, n))
}

/// The `_codecs` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("_codecs");
    add_functions(
        &m,
        "_codecs",
        &[
            ("register", c_register),
            ("unregister", c_unregister),
            ("lookup", c_lookup),
            ("encode", |a, k| coder(a, k, "encode", 0)),
            ("decode", |a, k| coder(a, k, "decode", 1)),
            ("register_error", c_register_error),
            ("lookup_error", c_lookup_error),
            ("utf_8_encode", utf_8_encode),
            ("utf_8_decode", utf_8_decode),
            ("ascii_encode", ascii_encode),
            ("ascii_decode", ascii_decode),
            ("latin_1_encode", latin_1_encode),
            ("latin_1_decode", latin_1_decode),
            ("utf_16_encode", |a, k| {
                wide_encode(a, k, "utf_16_encode", 2, 0)
            }),
            ("utf_16_le_encode", |a, k| {
                wide_encode(a, k, "utf_16_le_encode", 2, -1)
            }),
            ("utf_16_be_encode", |a, k| {
                wide_encode(a, k, "utf_16_be_encode", 2, 1)
            }),
            ("utf_16_decode", |a, k| {
                wide_decode(a, k, "utf_16_decode", 2, 0)
            }),
            ("utf_16_le_decode", |a, k| {
                wide_decode(a, k, "utf_16_le_decode", 2, -1)
            }),
            ("utf_16_be_decode", |a, k| {
                wide_decode(a, k, "utf_16_be_decode", 2, 1)
            }),
            ("utf_16_ex_decode", |a, k| {
                wide_ex_decode(a, k, "utf_16_ex_decode", 2)
            }),
            ("utf_32_encode", |a, k| {
                wide_encode(a, k, "utf_32_encode", 4, 0)
            }),
            ("utf_32_le_encode", |a, k| {
                wide_encode(a, k, "utf_32_le_encode", 4, -1)
            }),
            ("utf_32_be_encode", |a, k| {
                wide_encode(a, k, "utf_32_be_encode", 4, 1)
            }),
            ("utf_32_decode", |a, k| {
                wide_decode(a, k, "utf_32_decode", 4, 0)
            }),
            ("utf_32_le_decode", |a, k| {
                wide_decode(a, k, "utf_32_le_decode", 4, -1)
            }),
            ("utf_32_be_decode", |a, k| {
                wide_decode(a, k, "utf_32_be_decode", 4, 1)
            }),
            ("utf_32_ex_decode", |a, k| {
                wide_ex_decode(a, k, "utf_32_ex_decode", 4)
            }),
            ("utf_7_encode", utf_7_encode),
            ("utf_7_decode", utf_7_decode),
            ("escape_encode", escape_encode),
            ("escape_decode", escape_decode),
            ("unicode_escape_encode", unicode_escape_encode),
            ("unicode_escape_decode", unicode_escape_decode),
            ("raw_unicode_escape_encode", raw_unicode_escape_encode),
            ("raw_unicode_escape_decode", raw_unicode_escape_decode),
            ("charmap_encode", charmap_encode),
            ("charmap_decode", charmap_decode),
            ("charmap_build", charmap_build),
            ("readbuffer_encode", readbuffer_encode),
        ],
    );
    m
}
