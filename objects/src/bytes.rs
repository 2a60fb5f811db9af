//! `bytes`: immutable byte strings stored inline after the header, with a cached hash
//! (SipHash-1-3 like str), Python's repr (`b'...'` with `\x..` escapes), the sequence
//! protocol (items are ints), and the common methods. Also the codecs shared with
//! `str.encode`/`bytes.decode`: UTF-8, ASCII and Latin-1 with the `strict`, `ignore`
//! and `replace` error handlers.

use std::sync::atomic::AtomicIsize;
use std::sync::atomic::Ordering::Relaxed;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::args::Args;
use crate::descr::MethodDef;
use crate::exceptions::{index_error, type_error, value_error};
use crate::object::{PyObj, PyPayload};
use crate::singletons::{bool_obj, is_none, not_implemented};
use crate::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use crate::PyResult;

/// `repr(bytes)` lives in strand-literal (the compiler prints bytes constants too).
pub use strand_literal::bytes::repr_bytes;

/// The layout of `bytes`.
#[repr(C)]
pub struct PyBytes {
    header: ObjectHeader,
    len: usize,
    hash: AtomicIsize,
    data: [u8; 0],
}

const DATA_OFFSET: usize = std::mem::offset_of!(PyBytes, data);

// SAFETY: repr(C), header first; subclasses extend it.
unsafe impl PyPayload for PyBytes {
    fn type_object() -> &'static PyType {
        &BYTES_TYPE
    }
}

unsafe fn bytes_size(obj: ObjPtr) -> usize {
    // SAFETY: installed on bytes only.
    let b = unsafe { &*(obj.as_ptr() as *const PyBytes) };
    DATA_OFFSET + b.len + 1
}

unsafe fn bytes_dealloc(obj: ObjPtr) {
    // SAFETY: count zero; bytes hold no references.
    unsafe { crate::heaptype::dealloc_instance_memory(obj) }
}

crate::builtin_type! {
    /// The `bytes` type.
    pub static BYTES_TYPE = {
        name: "bytes",
        layout: PyBytes,
        itemsize: 1,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::BYTES_SUBCLASS),
        traverse: None,
        clear: None,
        dealloc: bytes_dealloc,
        size: Some(bytes_size),
        slots: Slots {
            repr: Some(bytes_repr),
            str: Some(bytes_repr),
            hash: Some(bytes_hash),
            richcompare: Some(bytes_richcompare),
            iter: Some(crate::iterators::bytes_iter),
            new: Some(bytes_new),
            len: Some(|b| Ok(as_bytes(b).len())),
            contains: Some(bytes_contains),
            getitem: Some(bytes_getitem),
            number: crate::typeobj::NumberSlots {
                add: Some(bytes_concat),
                mul: Some(bytes_repeat),
                rem: Some(crate::bytes_methods::bytes_mod),
                ..crate::typeobj::NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

impl PyBytes {
    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: `len` bytes written at creation, immutable.
        unsafe {
            std::slice::from_raw_parts(
                (self as *const PyBytes as *const u8).add(DATA_OFFSET),
                self.len,
            )
        }
    }
}

fn new_of_type(ty: &PyType, data: &[u8]) -> PyObj {
    let size = DATA_OFFSET + data.len() + 1;
    fill(ty, data, crate::alloc::alloc_instance(ty, size))
}

/// A new `bytes`, or `MemoryError` (for contents whose size the program chose).
pub fn try_new(data: &[u8]) -> PyResult<PyObj> {
    let size = DATA_OFFSET + data.len() + 1;
    Ok(fill(
        &BYTES_TYPE,
        data,
        crate::alloc::try_alloc_instance(&BYTES_TYPE, size)?,
    ))
}

/// Fills a fresh bytes allocation of `DATA_OFFSET + data.len() + 1` bytes.
fn fill(ty: &PyType, data: &[u8], obj: PyObj) -> PyObj {
    // SAFETY: fresh allocation of `size` bytes.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyBytes;
        std::ptr::addr_of_mut!((*p).len).write(data.len());
        std::ptr::addr_of_mut!((*p).hash).write(AtomicIsize::new(-1));
        let d = (p as *mut u8).add(DATA_OFFSET);
        std::ptr::copy_nonoverlapping(data.as_ptr(), d, data.len());
        *d.add(data.len()) = 0;
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// A new `bytes`.
pub fn new(data: &[u8]) -> PyObj {
    new_of_type(&BYTES_TYPE, data)
}

/// `true` for bytes and subclasses.
pub fn is_bytes(obj: &PyObj) -> bool {
    obj.ty().flags().contains(TypeFlags::BYTES_SUBCLASS)
}

/// The contents of a bytes object, or `None` for other types.
pub fn as_bytes_opt(obj: &PyObj) -> Option<&[u8]> {
    if is_bytes(obj) {
        Some(as_bytes(obj))
    } else {
        None
    }
}

/// The contents of a bytes object (which callers have checked).
pub fn as_bytes(obj: &PyObj) -> &[u8] {
    debug_assert!(is_bytes(obj));
    // SAFETY: callers pass bytes.
    unsafe { obj.payload_unchecked::<PyBytes>() }.as_slice()
}

/// The bytes of `bytes(x)` for a bytes object or an iterable of ints in `0..256`.
pub fn bytes_from_object(x: &PyObj) -> PyResult<Vec<u8>> {
    if let Some(b) = as_bytes_opt(x) {
        return Ok(b.to_vec());
    }
    if crate::str::is_str(x) {
        return Err(type_error("cannot convert 'str' object to bytes"));
    }
    let it = ab::iter(x).map_err(|_| {
        type_error(format!(
            "cannot convert '{}' object to bytes",
            x.ty().name()
        ))
    })?;
    let mut out = Vec::new();
    while let Some(v) = ab::next(&it)? {
        out.push(byte_value(&v)?);
    }
    Ok(out)
}

fn byte_value(v: &PyObj) -> PyResult<u8> {
    if !crate::int::is_int(v) && v.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.ty().name()
        )));
    }
    let i = ab::index(v)?;
    match crate::int::as_i64(&i) {
        Some(b @ 0..=255) => Ok(b as u8),
        _ => Err(value_error("bytes must be in range(0, 256)")),
    }
}

fn bytes_repr(obj: &PyObj) -> PyResult<PyObj> {
    Ok(crate::str::from_string(repr_bytes(as_bytes(obj))))
}

fn bytes_hash(obj: &PyObj) -> PyResult<isize> {
    // SAFETY: installed on bytes.
    let p = unsafe { obj.payload_unchecked::<PyBytes>() };
    let h = p.hash.load(Relaxed);
    if h != -1 {
        return Ok(h);
    }
    let h = crate::hash::hash_bytes(p.as_slice());
    p.hash.store(h, Relaxed);
    Ok(h)
}

fn bytes_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    match as_bytes_opt(b) {
        Some(bb) => Ok(bool_obj(op.test(as_bytes(a).cmp(bb)))),
        None => Ok(not_implemented()),
    }
}

fn bytes_contains(obj: &PyObj, x: &PyObj) -> PyResult<bool> {
    let hay = as_bytes(obj);
    if let Some(needle) = as_bytes_opt(x) {
        return Ok(find(hay, needle, 0, hay.len()).is_some());
    }
    let b = byte_value(x).map_err(|e| {
        if e.is_instance(&crate::exceptions::TYPE_ERROR_TYPE) {
            type_error(format!(
                "a bytes-like object is required, not '{}'",
                x.ty().name()
            ))
        } else {
            e
        }
    })?;
    Ok(hay.contains(&b))
}

fn bytes_getitem(obj: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    let data = as_bytes(obj);
    if let Some(slice) = key.downcast::<crate::slice::PySlice>() {
        let idx = slice.indices(data.len())?;
        let v: Vec<u8> = idx.iter().map(|i| data[i]).collect();
        return Ok(new(&v));
    }
    let i = ab::index_for(key, "byte")?;
    match crate::slice::normalize_index(i, data.len()) {
        Some(i) => Ok(crate::int::from_i64(data[i] as i64)),
        None => Err(index_error("index out of range")),
    }
}

fn bytes_concat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let (Some(x), Some(y)) = (as_bytes_opt(a), as_bytes_opt(b)) else {
        if as_bytes_opt(a).is_some() {
            return Err(type_error(format!(
                "can't concat {} to {}",
                b.ty().name(),
                a.ty().name()
            )));
        }
        return Ok(not_implemented());
    };
    let mut v = crate::alloc::try_vec(x.len() + y.len())?;
    v.extend_from_slice(x);
    v.extend_from_slice(y);
    try_new(&v)
}

fn bytes_repeat(a: &PyObj, n: &PyObj) -> PyResult<PyObj> {
    let (seq, count) = if is_bytes(a) { (a, n) } else { (n, a) };
    let Some(count) = ab::repeat_count(count)? else {
        return Ok(not_implemented());
    };
    let data = as_bytes(seq);
    let Some(total) = data
        .len()
        .checked_mul(count)
        .filter(|&n| n <= isize::MAX as usize)
    else {
        return Err(crate::exceptions::overflow_error(
            "repeated bytes are too long",
        ));
    };
    let mut out = crate::alloc::try_vec(total)?;
    // An empty sequence repeats to nothing however large the count.
    if total > 0 {
        for _ in 0..count {
            out.extend_from_slice(data);
        }
    }
    try_new(&out)
}

fn bytes_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "bytes.__new__(X)")?;
    let a = Args::new(args, kwnames);
    let b = a.bind("bytes", 0, &["source", "encoding", "errors"], 0)?;
    let data = match (b[0], b[1], b[2]) {
        (None, None, None) => Vec::new(),
        (None, _, _) => return Err(type_error("encoding or errors without sequence argument")),
        (Some(src), enc, errs) if enc.is_some() || errs.is_some() => {
            if !crate::str::is_str(src) {
                return Err(type_error(if enc.is_some() {
                    "encoding without a string argument"
                } else {
                    "errors without a string argument"
                }));
            }
            let enc = enc
                .map(|e| str_arg(e, "bytes", "encoding"))
                .transpose()?
                .unwrap_or("utf-8");
            let errs = errs
                .map(|e| str_arg(e, "bytes", "errors"))
                .transpose()?
                .unwrap_or("strict");
            encode(src, enc, errs)?
        }
        (Some(src), _, _) => {
            if crate::str::is_str(src) {
                return Err(type_error("string argument without an encoding"));
            }
            if crate::int::is_int(src)
                || (src.ty().slots().number.index.is_some() && !is_bytes(src))
            {
                let n = crate::int::to_isize(&ab::index(src)?)?;
                if n < 0 {
                    return Err(value_error("negative count"));
                }
                let mut zeros = crate::alloc::try_vec(n as usize)?;
                zeros.resize(n as usize, 0u8);
                zeros
            } else {
                if let Some(f) = src.ty().lookup_str("__bytes__") {
                    let r = ab::call_descr(&f, src, &[])?;
                    if !is_bytes(&r) {
                        return Err(type_error(format!(
                            "__bytes__ returned non-bytes (type {})",
                            r.ty().name()
                        )));
                    }
                    if std::ptr::eq(ty, &BYTES_TYPE) {
                        return Ok(r);
                    }
                    as_bytes(&r).to_vec()
                } else {
                    bytes_from_object(src)?
                }
            }
        }
    };
    Ok(new_of_type(ty, &data))
}

fn str_arg<'a>(o: &'a PyObj, f: &str, what: &str) -> PyResult<&'a str> {
    if crate::str::is_str(o) {
        Ok(crate::str::as_str(o))
    } else {
        Err(type_error(format!(
            "{f}() argument '{what}' must be str, not {}",
            o.ty().name()
        )))
    }
}

fn normalize_encoding(enc: &str) -> String {
    enc.to_ascii_lowercase().replace(['-', ' '], "_")
}

/// `str.encode(encoding, errors)` for the codecs built into the object model:
/// UTF-8, ASCII and Latin-1.
///
/// Characters the codec cannot encode (for UTF-8, lone surrogates: see
/// `strand_literal::str::surrogate_char`) are handled a run at a time, as CPython's
/// encoders do: `strict` raises for the whole run, `surrogateescape` turns
/// U+DC80..U+DCFF back into the bytes they escape, `surrogatepass` gives UTF-8's
/// three bytes of each surrogate, and `ignore`, `replace`, `backslashreplace`,
/// `xmlcharrefreplace` replace them.
///
/// # Errors
/// `LookupError: unknown encoding: X`; `UnicodeEncodeError` under `strict`, or
/// when `surrogateescape`/`surrogatepass` cannot handle a run.
pub fn encode(s: &PyObj, encoding: &str, errors: &str) -> PyResult<Vec<u8>> {
    use strand_literal::str::{as_surrogate, code_point, escaped_bytes, surrogates_utf8};
    let text = crate::str::as_str(s);
    // The codec's name, its reason for failing, and its limit (None: UTF-8).
    let (name, reason, limit) = match normalize_encoding(encoding).as_str() {
        "utf_8" | "utf8" => {
            if !strand_literal::str::has_surrogates(text) {
                return Ok(text.as_bytes().to_vec());
            }
            ("utf-8", "surrogates not allowed", None)
        }
        "ascii" | "us_ascii" => ("ascii", "ordinal not in range(128)", Some(0x80u32)),
        "latin_1" | "latin1" | "iso_8859_1" | "iso8859_1" | "l1" => {
            ("latin-1", "ordinal not in range(256)", Some(0x100u32))
        }
        _ => {
            return Err(crate::exceptions::lookup_error(format!(
                "unknown encoding: {encoding}"
            )))
        }
    };
    if text.is_ascii() {
        return Ok(text.as_bytes().to_vec());
    }
    let encodable = |c: char| match limit {
        None => as_surrogate(c).is_none(),
        Some(l) => (c as u32) < l,
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if encodable(c) {
            match limit {
                Some(_) => out.push(c as u32 as u8),
                None => out.extend_from_slice(c.encode_utf8(&mut [0u8; 4]).as_bytes()),
            }
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < chars.len() && !encodable(chars[end]) {
            end += 1;
        }
        let run = &chars[i..end];
        let fixed = match errors {
            "ignore" => Some(Vec::new()),
            "replace" => Some(vec![b'?'; run.len()]),
            "backslashreplace" => Some(
                run.iter()
                    .map(|&c| char_escape(c))
                    .collect::<String>()
                    .into_bytes(),
            ),
            "xmlcharrefreplace" => Some(
                run.iter()
                    .map(|&c| format!("&#{};", code_point(c)))
                    .collect::<String>()
                    .into_bytes(),
            ),
            "surrogateescape" => escaped_bytes(run),
            "surrogatepass" if limit.is_none() => surrogates_utf8(run),
            "strict" | "surrogatepass" => None,
            other => {
                return Err(crate::exceptions::lookup_error(format!(
                    "unknown error handler name '{other}'"
                )))
            }
        };
        match fixed {
            Some(b) => out.extend_from_slice(&b),
            None => {
                return Err(crate::exceptions::unicode_encode_error(
                    name,
                    s.clone(),
                    i,
                    end,
                    reason,
                ))
            }
        }
        i = end;
    }
    Ok(out)
}

/// The `backslashreplace` escape of a character that cannot be encoded.
fn char_escape(c: char) -> String {
    match strand_literal::str::code_point(c) {
        v @ 0..=0xff => format!("\\x{v:02x}"),
        v @ 0x100..=0xffff => format!("\\u{v:04x}"),
        v => format!("\\U{v:08x}"),
    }
}

/// `bytes.decode(encoding, errors)` for the codecs built into the object model:
/// UTF-8, ASCII and Latin-1. `surrogateescape` decodes each undecodable byte to a
/// lone surrogate U+DC80..U+DCFF, `surrogatepass` decodes UTF-8's three-byte forms
/// of surrogates to lone surrogates.
///
/// # Errors
/// `LookupError: unknown encoding: X`; `UnicodeDecodeError` under `strict`.
pub fn decode(obj: &PyObj, data: &[u8], encoding: &str, errors: &str) -> PyResult<String> {
    use strand_literal::str::{escape_bytes, utf8_surrogate};
    let unknown_handler = |other: &str| {
        crate::exceptions::lookup_error(format!("unknown error handler name '{other}'"))
    };
    match normalize_encoding(encoding).as_str() {
        "utf_8" | "utf8" => {
            let mut out = String::with_capacity(data.len());
            let mut rest = data;
            loop {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        return Ok(out);
                    }
                    Err(e) => {
                        let good = e.valid_up_to();
                        // SAFETY: from_utf8 validated rest[..good].
                        out.push_str(unsafe { std::str::from_utf8_unchecked(&rest[..good]) });
                        let bad = e.error_len().unwrap_or(rest.len() - good);
                        let pos = data.len() - rest.len() + good;
                        let strict = || {
                            let reason = if e.error_len().is_none() {
                                "unexpected end of data"
                            } else if rest[good] >= 0x80 && rest[good] < 0xc2 || rest[good] > 0xf4 {
                                "invalid start byte"
                            } else {
                                "invalid continuation byte"
                            };
                            crate::exceptions::unicode_decode_error(
                                "utf-8",
                                obj.clone(),
                                pos,
                                pos + bad,
                                reason,
                            )
                        };
                        // How many bytes the handler consumed.
                        let used = match errors {
                            "ignore" => bad,
                            "replace" => {
                                out.push('\u{fffd}');
                                bad
                            }
                            "surrogateescape" => {
                                let (text, n) = escape_bytes(&rest[good..good + bad]);
                                out.push_str(&text);
                                n
                            }
                            "surrogatepass" => match utf8_surrogate(&rest[good..]) {
                                Some(c) => {
                                    out.push(c);
                                    3
                                }
                                None => 0,
                            },
                            "backslashreplace" => {
                                for b in &rest[good..good + bad] {
                                    out.push_str(&format!("\\x{b:02x}"));
                                }
                                bad
                            }
                            "strict" => 0,
                            other => return Err(unknown_handler(other)),
                        };
                        if used == 0 {
                            return Err(strict());
                        }
                        rest = &rest[good + used..];
                    }
                }
            }
        }
        "ascii" | "us_ascii" => {
            let mut out = String::with_capacity(data.len());
            for (i, &b) in data.iter().enumerate() {
                if b < 0x80 {
                    out.push(b as char);
                    continue;
                }
                match errors {
                    "ignore" => {}
                    "replace" => out.push('\u{fffd}'),
                    "backslashreplace" => out.push_str(&format!("\\x{b:02x}")),
                    "surrogateescape" => out.push_str(&escape_bytes(&[b]).0),
                    "strict" | "surrogatepass" => {
                        return Err(crate::exceptions::unicode_decode_error(
                            "ascii",
                            obj.clone(),
                            i,
                            i + 1,
                            "ordinal not in range(128)",
                        ))
                    }
                    other => return Err(unknown_handler(other)),
                }
            }
            Ok(out)
        }
        "latin_1" | "latin1" | "iso_8859_1" | "iso8859_1" | "l1" => {
            Ok(data.iter().map(|&b| b as char).collect())
        }
        _ => Err(crate::exceptions::lookup_error(format!(
            "unknown encoding: {encoding}"
        ))),
    }
}

/// Naive substring search in `hay[start..end]`.
pub fn find(hay: &[u8], needle: &[u8], start: usize, end: usize) -> Option<usize> {
    if start > end || end > hay.len() {
        return None;
    }
    let h = &hay[start..end];
    if needle.is_empty() {
        return Some(start);
    }
    h.windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + start)
}

fn rfind(hay: &[u8], needle: &[u8], start: usize, end: usize) -> Option<usize> {
    if start > end || end > hay.len() {
        return None;
    }
    let h = &hay[start..end];
    if needle.is_empty() {
        return Some(end);
    }
    h.windows(needle.len())
        .rposition(|w| w == needle)
        .map(|i| i + start)
}

fn this(args: &[PyObj], name: &str) -> PyResult<PyObj> {
    match args.first() {
        Some(b) if is_bytes(b) => Ok(b.clone()),
        _ => Err(type_error(format!(
            "descriptor '{name}' requires a 'bytes' object"
        ))),
    }
}

fn bytes_arg(o: &PyObj) -> PyResult<Vec<u8>> {
    match as_bytes_opt(o) {
        Some(b) => Ok(b.to_vec()),
        None => Err(type_error(format!(
            "a bytes-like object is required, not '{}'",
            o.ty().name()
        ))),
    }
}

fn needle_arg(o: &PyObj) -> PyResult<Vec<u8>> {
    if crate::int::is_int(o) {
        return Ok(vec![byte_value(o)?]);
    }
    match as_bytes_opt(o) {
        Some(b) => Ok(b.to_vec()),
        None => Err(type_error(format!(
            "argument should be integer or bytes-like object, not '{}'",
            o.ty().name()
        ))),
    }
}

fn search(
    args: &[PyObj],
    kw: Option<&PyObj>,
    name: &str,
) -> PyResult<(PyObj, Vec<u8>, usize, usize)> {
    Args::new(args, kw).range(name, 2, 4)?;
    let b = this(args, name)?;
    let n = needle_arg(&args[1])?;
    let len = as_bytes(&b).len();
    // An impossible range (start past the end or past `end`) finds nothing, not
    // even an empty needle: `find` and `rfind` reject `start > end`.
    let (s, e) =
        crate::slice::search_range(args.get(2), args.get(3), len)?.unwrap_or((len + 1, len));
    Ok((b, n, s, e))
}

fn strip_set(args: &[PyObj]) -> PyResult<Vec<u8>> {
    match args.get(1) {
        Some(o) if !is_none(o) => bytes_arg(o),
        _ => Ok(b" \t\n\r\x0b\x0c".to_vec()),
    }
}

fn do_strip(
    args: &[PyObj],
    kw: Option<&PyObj>,
    name: &str,
    left: bool,
    right: bool,
) -> PyResult<PyObj> {
    Args::new(args, kw).range(name, 1, 2)?;
    let b = this(args, name)?;
    let set = strip_set(args)?;
    let data = as_bytes(&b);
    let mut s = 0;
    let mut e = data.len();
    if left {
        while s < e && set.contains(&data[s]) {
            s += 1;
        }
    }
    if right {
        while e > s && set.contains(&data[e - 1]) {
            e -= 1;
        }
    }
    Ok(new(&data[s..e]))
}

fn split_whitespace(data: &[u8], maxsplit: isize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = data.len();
    let mut splits = 0;
    while i < n {
        while i < n && (data[i].is_ascii_whitespace() || data[i] == 0x0b) {
            i += 1;
        }
        if i >= n {
            break;
        }
        if maxsplit >= 0 && splits >= maxsplit {
            // The unsplit remainder keeps its trailing whitespace.
            out.push(&data[i..]);
            return out;
        }
        let start = i;
        while i < n && !(data[i].is_ascii_whitespace() || data[i] == 0x0b) {
            i += 1;
        }
        out.push(&data[start..i]);
        splits += 1;
    }
    out
}

fn is_all(args: &[PyObj], kw: Option<&PyObj>, name: &str, f: fn(&u8) -> bool) -> PyResult<PyObj> {
    Args::new(args, kw).exact(name, 1)?;
    let b = this(args, name)?;
    let d = as_bytes(&b);
    Ok(bool_obj(!d.is_empty() && d.iter().all(f)))
}

/// Methods of `bytes`.
pub(crate) fn methods() -> Vec<MethodDef> {
    let mut v = base_methods();
    v.extend(crate::bytes_methods::methods());
    v
}

fn base_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("decode", |args, kw| {
            let a = Args::new(args, kw);
            let b = a.bind("decode", 1, &["encoding", "errors"], 0)?;
            let this = this(args, "decode")?;
            let enc = b[0]
                .map(|e| str_arg(e, "decode", "encoding"))
                .transpose()?
                .unwrap_or("utf-8");
            let errs = b[1]
                .map(|e| str_arg(e, "decode", "errors"))
                .transpose()?
                .unwrap_or("strict");
            Ok(crate::str::from_string(decode(
                &this,
                as_bytes(&this),
                enc,
                errs,
            )?))
        }),
        MethodDef::class("fromhex", |args, kw| {
            Args::new(args, kw).exact("fromhex", 2)?;
            if !crate::str::is_str(&args[1]) {
                return Err(type_error(format!(
                    "fromhex() argument must be str, not {}",
                    args[1].ty().name()
                )));
            }
            let s = crate::str::as_str(&args[1]);
            let mut out = Vec::new();
            let chars: Vec<char> = s.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                if chars[i].is_whitespace() {
                    i += 1;
                    continue;
                }
                let hi = chars[i].to_digit(16);
                let lo = chars.get(i + 1).and_then(|c| c.to_digit(16));
                match (hi, lo) {
                    (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                    (Some(_), None) if i + 1 >= chars.len() => {
                        return Err(value_error(format!(
                            "non-hexadecimal number found in fromhex() arg at position {}",
                            i + 1
                        )))
                    }
                    (Some(_), None) => {
                        return Err(value_error(format!(
                            "non-hexadecimal number found in fromhex() arg at position {}",
                            i + 1
                        )))
                    }
                    (None, _) => {
                        return Err(value_error(format!(
                            "non-hexadecimal number found in fromhex() arg at position {i}"
                        )))
                    }
                }
                i += 2;
            }
            let r = new(&out);
            if args[0].is(&BYTES_TYPE.to_obj()) {
                Ok(r)
            } else {
                ab::call1(&args[0], r)
            }
        }),
        MethodDef::new("join", |args, kw| {
            Args::new(args, kw).exact("join", 2)?;
            let sep = this(args, "join")?;
            let items = ab::collect_iter(&args[1])?;
            let mut out = Vec::new();
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(as_bytes(&sep));
                }
                match as_bytes_opt(x) {
                    Some(b) => out.extend_from_slice(b),
                    None => {
                        return Err(type_error(format!(
                            "sequence item {i}: expected a bytes-like object, {} found",
                            x.ty().name()
                        )))
                    }
                }
            }
            Ok(new(&out))
        }),
        MethodDef::new("split", |args, kw| {
            let a = Args::new(args, kw);
            let b = a.bind("split", 1, &["sep", "maxsplit"], 0)?;
            let this = this(args, "split")?;
            let data = as_bytes(&this);
            let maxsplit = match b[1] {
                Some(m) => crate::int::to_isize(&ab::index(m)?)?,
                None => -1,
            };
            let parts: Vec<PyObj> = match b[0].filter(|s| !is_none(s)) {
                None => split_whitespace(data, maxsplit)
                    .into_iter()
                    .map(new)
                    .collect(),
                Some(sep) => {
                    let sep = bytes_arg(sep)?;
                    if sep.is_empty() {
                        return Err(value_error("empty separator"));
                    }
                    let mut out = Vec::new();
                    let mut start = 0;
                    let mut n = 0;
                    while maxsplit < 0 || n < maxsplit {
                        match find(data, &sep, start, data.len()) {
                            Some(i) => {
                                out.push(new(&data[start..i]));
                                start = i + sep.len();
                                n += 1;
                            }
                            None => break,
                        }
                    }
                    out.push(new(&data[start..]));
                    out
                }
            };
            Ok(crate::list::new(parts))
        }),
        MethodDef::new("strip", |a, k| do_strip(a, k, "strip", true, true)),
        MethodDef::new("lstrip", |a, k| do_strip(a, k, "lstrip", true, false)),
        MethodDef::new("rstrip", |a, k| do_strip(a, k, "rstrip", false, true)),
        MethodDef::new("startswith", |args, kw| affix(args, kw, "startswith", true)),
        MethodDef::new("endswith", |args, kw| affix(args, kw, "endswith", false)),
        MethodDef::new("find", |args, kw| {
            let (b, n, s, e) = search(args, kw, "find")?;
            Ok(crate::int::from_i64(
                find(as_bytes(&b), &n, s, e).map_or(-1, |i| i as i64),
            ))
        }),
        MethodDef::new("rfind", |args, kw| {
            let (b, n, s, e) = search(args, kw, "rfind")?;
            Ok(crate::int::from_i64(
                rfind(as_bytes(&b), &n, s, e).map_or(-1, |i| i as i64),
            ))
        }),
        MethodDef::new("index", |args, kw| {
            let (b, n, s, e) = search(args, kw, "index")?;
            match find(as_bytes(&b), &n, s, e) {
                Some(i) => Ok(crate::int::from_usize(i)),
                None => Err(value_error("subsection not found")),
            }
        }),
        MethodDef::new("count", |args, kw| {
            let (b, n, s, e) = search(args, kw, "count")?;
            let data = as_bytes(&b);
            if s > e {
                return Ok(crate::int::from_usize(0));
            }
            if n.is_empty() {
                return Ok(crate::int::from_usize(e.saturating_sub(s) + 1));
            }
            let mut count = 0;
            let mut i = s;
            while let Some(j) = find(data, &n, i, e) {
                count += 1;
                i = j + n.len();
            }
            Ok(crate::int::from_usize(count))
        }),
        MethodDef::new("replace", |args, kw| {
            Args::new(args, kw).range("replace", 3, 4)?;
            let b = this(args, "replace")?;
            let (old, newb) = (bytes_arg(&args[1])?, bytes_arg(&args[2])?);
            let count = match args.get(3) {
                Some(c) => crate::int::to_isize(&ab::index(c)?)?,
                None => -1,
            };
            let data = as_bytes(&b);
            let mut out = Vec::with_capacity(data.len());
            let mut i = 0;
            let mut n = 0;
            if old.is_empty() {
                for (k, &x) in data.iter().enumerate() {
                    if count < 0 || (k as isize) < count {
                        out.extend_from_slice(&newb);
                    }
                    out.push(x);
                }
                if count < 0 || (data.len() as isize) < count {
                    out.extend_from_slice(&newb);
                }
                return Ok(new(&out));
            }
            while count < 0 || n < count {
                match find(data, &old, i, data.len()) {
                    Some(j) => {
                        out.extend_from_slice(&data[i..j]);
                        out.extend_from_slice(&newb);
                        i = j + old.len();
                        n += 1;
                    }
                    None => break,
                }
            }
            out.extend_from_slice(&data[i..]);
            Ok(new(&out))
        }),
        MethodDef::new("upper", |args, kw| {
            Args::new(args, kw).exact("upper", 1)?;
            Ok(new(&as_bytes(&this(args, "upper")?).to_ascii_uppercase()))
        }),
        MethodDef::new("lower", |args, kw| {
            Args::new(args, kw).exact("lower", 1)?;
            Ok(new(&as_bytes(&this(args, "lower")?).to_ascii_lowercase()))
        }),
        MethodDef::new("isdigit", |a, k| {
            is_all(a, k, "isdigit", u8::is_ascii_digit)
        }),
        MethodDef::new("isalpha", |a, k| {
            is_all(a, k, "isalpha", u8::is_ascii_alphabetic)
        }),
        MethodDef::new("isalnum", |a, k| {
            is_all(a, k, "isalnum", u8::is_ascii_alphanumeric)
        }),
        MethodDef::new("isspace", |a, k| {
            is_all(a, k, "isspace", |c| c.is_ascii_whitespace() || *c == 0x0b)
        }),
        MethodDef::new("__getnewargs__", |args, kw| {
            Args::new(args, kw).exact("__getnewargs__", 1)?;
            let b = this(args, "__getnewargs__")?;
            Ok(crate::tuple::from_vec(vec![new(as_bytes(&b))]))
        }),
    ]
}

fn affix(args: &[PyObj], kw: Option<&PyObj>, name: &str, prefix: bool) -> PyResult<PyObj> {
    Args::new(args, kw).range(name, 2, 4)?;
    let b = this(args, name)?;
    let data = as_bytes(&b);
    let range = crate::slice::search_range(args.get(2), args.get(3), data.len())?;
    let window = range.map(|(s, e)| &data[s..e]);
    let candidates: Vec<Vec<u8>> = if crate::tuple::is_tuple(&args[1]) {
        crate::tuple::items(&args[1])
            .iter()
            .map(bytes_arg)
            .collect::<PyResult<_>>()?
    } else {
        vec![bytes_arg(&args[1]).map_err(|_| {
            type_error(format!(
                "{name} first arg must be bytes or a tuple of bytes, not {}",
                args[1].ty().name()
            ))
        })?]
    };
    let hit = window.is_some_and(|w| {
        candidates.iter().any(|c| {
            if prefix {
                w.starts_with(c)
            } else {
                w.ends_with(c)
            }
        })
    });
    Ok(bool_obj(hit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_split() {
        let parts = split_whitespace(b"  a b\t\tc  ", -1);
        assert_eq!(parts, vec![&b"a"[..], b"b", b"c"]);
        let parts = split_whitespace(b"a b c", 1);
        assert_eq!(parts, vec![&b"a"[..], b"b c"]);
    }
}
