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
use crate::singletons::{bool_obj, not_implemented};
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
            buffer: Some(&BYTES_BUFFER),
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

/// `bytes` exports its immutable contents: no export count, no lock.
static BYTES_BUFFER: crate::buffer::BufferProcs = crate::buffer::BufferProcs {
    get: bytes_getbuffer,
    release: crate::buffer::release_nothing,
    lock: crate::buffer::lock_immutable,
};

fn bytes_getbuffer(
    obj: &PyObj,
    request: crate::buffer::BufferRequest,
) -> PyResult<crate::buffer::PyBuffer> {
    let data = as_bytes(obj);
    // SAFETY: a bytes object's contents never change and live as long as the object,
    // which the buffer keeps alive.
    unsafe {
        crate::buffer::export_contiguous(
            obj,
            &BYTES_BUFFER,
            request,
            data.as_ptr() as *mut u8,
            data.len(),
            1,
            "B",
            true,
        )
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

/// The bytes of `bytes(x)` for a bytes-like object (any buffer, strided views
/// included) or an iterable of ints in `0..256` (CPython's `PyBytes_FromObject`).
///
/// # Errors
/// `TypeError: cannot convert 'T' object to bytes`; `ValueError: bytes must be in
/// range(0, 256)`; a released memoryview's `ValueError`.
pub fn bytes_from_object(x: &PyObj) -> PyResult<Vec<u8>> {
    if let Some(b) = crate::buffer::copy_any(x)? {
        return Ok(b);
    }
    if crate::str::is_str(x) {
        return Err(type_error("cannot convert 'str' object to bytes"));
    }
    // Only a TypeError becomes "cannot convert" (Issue #34974); others propagate.
    let it = ab::iter(x).map_err(|e| {
        if e.is_instance(&crate::exceptions::TYPE_ERROR_TYPE) {
            type_error(format!(
                "cannot convert '{}' object to bytes",
                x.ty().name()
            ))
        } else {
            e
        }
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
    crate::bytes_methods::contains(as_bytes(obj), x)
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

/// `bytes + other`: any bytes-like right operand (CPython's `bytes_concat`); a left
/// operand that is not bytes leaves the operation to the other type.
fn bytes_concat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let Some(x) = as_bytes_opt(a) else {
        return Ok(not_implemented());
    };
    let y = crate::buffer::bytes_like_cow(b).map_err(|_| {
        type_error(format!(
            "can't concat {} to {}",
            b.ty().name(),
            a.ty().name()
        ))
    })?;
    let mut v = crate::alloc::try_vec(x.len() + y.len())?;
    v.extend_from_slice(x);
    v.extend_from_slice(&y);
    try_new(&v)
}

fn bytes_repeat(a: &PyObj, n: &PyObj) -> PyResult<PyObj> {
    let (seq, count) = if is_bytes(a) { (a, n) } else { (n, a) };
    let Some(count) = ab::repeat_count(count)? else {
        return Ok(not_implemented());
    };
    let data = as_bytes(seq);
    // `b * 1` is `b` itself for exact bytes (CPython's bytes_repeat).
    if count == 1 && seq.is_exact(&BYTES_TYPE) {
        return Ok(seq.clone());
    }
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
    // CPython's bytes_new, in its order: arguments, the codec, `__bytes__`, str,
    // integers, then buffers and iterables.
    let (src, enc, errs) = (b[0], b[1], b[2]);
    let Some(src) = src else {
        return match (enc, errs) {
            (None, None) => Ok(new_of_type(ty, &[])),
            (Some(_), _) => Err(type_error("encoding without a string argument")),
            (None, Some(_)) => Err(type_error("errors without a string argument")),
        };
    };
    let data = if let Some(enc) = enc {
        if !crate::str::is_str(src) {
            return Err(type_error("encoding without a string argument"));
        }
        let enc = str_arg(enc, "bytes", "encoding")?;
        let errs = errs
            .map(|e| str_arg(e, "bytes", "errors"))
            .transpose()?
            .unwrap_or("strict");
        encode(src, enc, errs)?
    } else if errs.is_some() {
        return Err(type_error(if crate::str::is_str(src) {
            "string argument without an encoding"
        } else {
            "errors without a string argument"
        }));
    } else if let Some(f) = src.ty().lookup_str("__bytes__") {
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
    } else if crate::str::is_str(src) {
        return Err(type_error("string argument without an encoding"));
    } else if let Some(n) = count_argument(src)? {
        let mut zeros = crate::alloc::try_vec(n)?;
        zeros.resize(n, 0u8);
        zeros
    } else {
        bytes_from_object(src)?
    };
    Ok(new_of_type(ty, &data))
}

/// The size of `bytes(n)`/`bytearray(n)` when `src` is an integer (has
/// `__index__`): `None` for other objects, and for objects whose `__index__` raises
/// TypeError (they are tried as buffers and iterables next, as CPython does).
///
/// # Errors
/// `ValueError: negative count`; `OverflowError` past `isize`; other errors of
/// `__index__`.
pub(crate) fn count_argument(src: &PyObj) -> PyResult<Option<usize>> {
    if !crate::int::is_int(src) && src.ty().slots().number.index.is_none() {
        return Ok(None);
    }
    let n = match ab::index(src) {
        Ok(i) => crate::int::to_isize(&i).map_err(|_| {
            crate::exceptions::overflow_error(format!(
                "cannot fit '{}' into an index-sized integer",
                i.ty().name()
            ))
        })?,
        Err(e) if e.is_instance(&crate::exceptions::TYPE_ERROR_TYPE) => return Ok(None),
        Err(e) => return Err(e),
    };
    if n < 0 {
        return Err(value_error("negative count"));
    }
    Ok(Some(n as usize))
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

/// The codec machinery behind `str.encode` and `bytes.decode` for what this module
/// does not do itself (CPython's `_PyCodec_EncodeText`/`_PyCodec_DecodeText`): the
/// codec registry's lookup of any other encoding, and error handlers other than
/// the built-in ones, run by name through `codecs.lookup_error`.
pub struct CodecHooks {
    /// `(text, encoding, errors)` to the encoded bytes.
    pub encode: fn(&PyObj, &str, &str) -> PyResult<Vec<u8>>,
    /// `(bytes object, encoding, errors)` to the decoded text.
    pub decode: fn(&PyObj, &str, &str) -> PyResult<String>,
    /// `(encoding, errors)`: looks both up in the registry (the codec, unless it is
    /// UTF-8; the error handler, unless it is `strict`), for the development mode's
    /// checks (see [`set_check_codec_args`]).
    pub check: fn(&str, &str) -> PyResult<()>,
}

static CODEC_HOOKS: std::sync::OnceLock<CodecHooks> = std::sync::OnceLock::new();

/// Whether `str.encode`, `bytes.decode`, `bytes(str, ...)` and `str(bytes, ...)`
/// check their encoding and error handler names even where no character needs
/// them (`''.encode(errors='bogus')`): CPython's `unicode_check_encoding_errors`,
/// on in the development mode only (`-X dev`), off by default for speed.
static CHECK_CODEC_ARGS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns the development mode's encoding/errors checks on or off (set at start-up
/// from `-X dev` / `PYTHONDEVMODE`).
pub fn set_check_codec_args(on: bool) {
    CHECK_CODEC_ARGS.store(on, Relaxed);
}

/// The development mode's check of an encoding and error handler name.
#[inline]
fn check_codec_args(encoding: &str, errors: &str) -> PyResult<()> {
    if !CHECK_CODEC_ARGS.load(Relaxed) {
        return Ok(());
    }
    match CODEC_HOOKS.get() {
        Some(h) => (h.check)(encoding, errors),
        None => Ok(()),
    }
}

/// Installs the codec registry's hooks (the standard library's `_codecs`; once
/// per process, later calls do nothing).
pub fn set_codec_hooks(hooks: CodecHooks) {
    let _ = CODEC_HOOKS.set(hooks);
}

/// `text.encode(encoding, errors)` through the codec registry, or the LookupError
/// for an unknown encoding when none is installed.
#[cold]
fn encode_by_registry(s: &PyObj, encoding: &str, errors: &str) -> PyResult<Vec<u8>> {
    match CODEC_HOOKS.get() {
        Some(h) => (h.encode)(s, encoding, errors),
        None => Err(crate::exceptions::lookup_error(format!(
            "unknown encoding: {encoding}"
        ))),
    }
}

/// `obj.decode(encoding, errors)` through the codec registry (see
/// [`encode_by_registry`]).
#[cold]
fn decode_by_registry(obj: &PyObj, data: &[u8], encoding: &str, errors: &str) -> PyResult<String> {
    match CODEC_HOOKS.get() {
        Some(h) if is_bytes(obj) => (h.decode)(obj, encoding, errors),
        Some(h) => (h.decode)(&new(data), encoding, errors),
        None => Err(crate::exceptions::lookup_error(format!(
            "unknown encoding: {encoding}"
        ))),
    }
}

fn normalize_encoding(enc: &str) -> String {
    enc.to_ascii_lowercase().replace(['-', ' '], "_")
}

/// `str.encode(encoding, errors)`: the codecs built into the object model (UTF-8,
/// ASCII and Latin-1) here, any other encoding, and any handler not built in here,
/// through the codec registry ([`set_codec_hooks`]).
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
    check_codec_args(encoding, errors)?;
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
        _ => return encode_by_registry(s, encoding, errors),
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
            _ => return encode_by_registry(s, encoding, errors),
        };
        match fixed {
            Some(b) => out.extend_from_slice(&b),
            None => {
                // surrogateescape takes what it can of the run (as CPython's
                // encoders do); the error starts where it stopped.
                let taken = if errors == "surrogateescape" {
                    run.iter()
                        .take_while(|&&c| escaped_bytes(&[c]).is_some())
                        .count()
                } else {
                    0
                };
                return Err(crate::exceptions::unicode_encode_error(
                    name,
                    s.clone(),
                    i + taken,
                    end,
                    reason,
                ));
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

/// `bytes.decode(encoding, errors)`: UTF-8, ASCII and Latin-1 here, the rest
/// through the codec registry ([`set_codec_hooks`]). `surrogateescape` decodes each undecodable byte to a
/// lone surrogate U+DC80..U+DCFF, `surrogatepass` decodes UTF-8's three-byte forms
/// of surrogates to lone surrogates.
///
/// # Errors
/// `LookupError: unknown encoding: X`; `UnicodeDecodeError` under `strict`.
pub fn decode(obj: &PyObj, data: &[u8], encoding: &str, errors: &str) -> PyResult<String> {
    use strand_literal::str::{escape_bytes, utf8_surrogate};
    check_codec_args(encoding, errors)?;
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
                            _ => return decode_by_registry(obj, data, encoding, errors),
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
                    _ => return decode_by_registry(obj, data, encoding, errors),
                }
            }
            Ok(out)
        }
        "latin_1" | "latin1" | "iso_8859_1" | "iso8859_1" | "l1" => {
            Ok(data.iter().map(|&b| b as char).collect())
        }
        _ => decode_by_registry(obj, data, encoding, errors),
    }
}

/// Methods of `bytes`: the ones it shares with `bytearray` and `__getnewargs__`.
pub(crate) fn methods() -> Vec<MethodDef> {
    let mut v = crate::bytes_methods::shared_methods();
    v.push(MethodDef::new("__getnewargs__", |args, kw| {
        Args::new(args, kw).exact("__getnewargs__", 1)?;
        Ok(crate::tuple::from_vec(vec![new(as_bytes(&args[0]))]))
    }));
    // `bytes(x)` of a subclass instance gives a plain copy; an exact bytes, itself.
    v.push(MethodDef::new("__bytes__", |args, kw| {
        Args::new(args, kw).exact("bytes.__bytes__", 1)?;
        if args[0].is_exact(&BYTES_TYPE) {
            return Ok(args[0].clone());
        }
        Ok(new(as_bytes(&args[0])))
    }));
    v
}
