//! The methods `bytes` and `bytearray` share (Objects/bytes_methods.c, bytesobject.c,
//! bytearrayobject.c): decoding, searching and counting, splitting and joining,
//! stripping, partitioning, replacing, ASCII case mapping and predicates, padding, tab
//! expansion, translation tables, `hex` and `fromhex`, and `%` formatting. Bytes are
//! ASCII-minded: only ASCII letters have case and only ` \t\n\r\x0b\x0c` are
//! whitespace.
//!
//! Each method is written once and installed on both types. It works on its
//! receiver's bytes ([`Recv`]): borrowed from an immutable `bytes`, a snapshot of a
//! `bytearray` (taken under its critical section, so another thread's changes are
//! seen whole or not at all, and an argument may be the receiver itself). Results are
//! of the receiver's kind: `bytearray.split` gives bytearrays, and a bytearray method
//! always gives a new object where a `bytes` one may give back its receiver. Arguments
//! that are "bytes-like" take any buffer (`bytearray`, `memoryview`, `array.array`).

use std::borrow::Cow;

use crate::args::Args;
use crate::buffer::bytes_like_cow;
use crate::bytes::{as_bytes, is_bytes, BYTES_TYPE};
use crate::descr::MethodDef;
use crate::exceptions::{type_error, value_error};
use crate::object::PyObj;
use crate::singletons::{bool_obj, is_none};
use crate::{abstract_ as ab, PyResult};

/// Whitespace for bytes methods.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Which of the two byte-string types an object is (or a method's results are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `bytes` (or a subclass).
    Bytes,
    /// `bytearray` (or a subclass).
    ByteArray,
}

impl Kind {
    /// The kind of `o`, if it is either.
    pub(crate) fn of(o: &PyObj) -> Option<Kind> {
        if is_bytes(o) {
            Some(Kind::Bytes)
        } else if crate::bytearray::is_bytearray(o) {
            Some(Kind::ByteArray)
        } else {
            None
        }
    }

    /// The type's name, as CPython's messages spell it (`bytes.zfill()`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Bytes => "bytes",
            Kind::ByteArray => "bytearray",
        }
    }

    /// A new object of this kind holding `data`.
    pub(crate) fn make(self, data: &[u8]) -> PyObj {
        match self {
            Kind::Bytes => crate::bytes::new(data),
            Kind::ByteArray => crate::bytearray::new(data),
        }
    }

    /// [`Kind::make`], or `MemoryError` (for sizes the program chose).
    pub(crate) fn try_make(self, data: &[u8]) -> PyResult<PyObj> {
        match self {
            Kind::Bytes => crate::bytes::try_new(data),
            Kind::ByteArray => Ok(crate::bytearray::new(data)),
        }
    }
}

/// The receiver of a shared method: its kind and its bytes.
pub(crate) struct Recv<'a> {
    obj: &'a PyObj,
    kind: Kind,
    data: Cow<'a, [u8]>,
}

impl<'a> Recv<'a> {
    /// The receiver `args[0]` (method descriptors have checked its type).
    fn new(args: &'a [PyObj], name: &str) -> PyResult<Recv<'a>> {
        let obj = args.first().ok_or_else(|| {
            type_error(format!("unbound method bytes.{name}() needs an argument"))
        })?;
        match Kind::of(obj) {
            Some(Kind::Bytes) => Ok(Recv {
                obj,
                kind: Kind::Bytes,
                data: Cow::Borrowed(as_bytes(obj)),
            }),
            Some(Kind::ByteArray) => Ok(Recv {
                obj,
                kind: Kind::ByteArray,
                data: Cow::Owned(crate::bytearray::to_vec(obj)),
            }),
            None => Err(type_error(format!(
                "descriptor '{name}' requires a 'bytes' object but received a '{}'",
                obj.ty().name()
            ))),
        }
    }

    fn data(&self) -> &[u8] {
        &self.data
    }

    /// `type.name`, for argument-count messages.
    fn qual(&self, name: &str) -> String {
        format!("{}.{name}", self.kind.name())
    }

    fn make(&self, data: &[u8]) -> PyObj {
        self.kind.make(data)
    }

    /// The result of a method that changed nothing: an exact `bytes` is its own
    /// result, anything else a new object of its kind.
    fn unchanged(&self) -> PyObj {
        if self.kind == Kind::Bytes && self.obj.is_exact(&BYTES_TYPE) {
            self.obj.clone()
        } else {
            self.make(&self.data)
        }
    }
}

fn index_arg(o: &PyObj) -> PyResult<isize> {
    crate::int::to_isize(&ab::index(o)?)
}

/// A byte given as an int (`b.find(97)`, `97 in b`): CPython's
/// `_getbytevalue` wording, `byte must be in range(0, 256)`.
pub(crate) fn byte_arg(o: &PyObj) -> PyResult<u8> {
    let i = ab::index(o)?;
    match crate::int::as_i64(&i) {
        Some(b @ 0..=255) => Ok(b as u8),
        _ => Err(value_error("byte must be in range(0, 256)")),
    }
}

/// The needle of `find`/`count`/`index`/`in`: a bytes-like object or an int in
/// `0..256`.
pub(crate) fn needle_arg(o: &PyObj) -> PyResult<Cow<'_, [u8]>> {
    if crate::buffer::has_buffer(o) {
        return bytes_like_cow(o);
    }
    if crate::int::is_int(o) || o.ty().slots().number.index.is_some() {
        return Ok(Cow::Owned(vec![byte_arg(o)?]));
    }
    Err(type_error(format!(
        "argument should be integer or bytes-like object, not '{}'",
        o.ty().name()
    )))
}

/// `x in data` for bytes and bytearray: an int is a byte, anything else a bytes-like
/// substring (`_Py_bytes_contains`).
pub(crate) fn contains(data: &[u8], x: &PyObj) -> PyResult<bool> {
    if crate::int::is_int(x) || x.ty().slots().number.index.is_some() {
        let b = byte_arg(x)?;
        return Ok(data.contains(&b));
    }
    let needle = bytes_like_cow(x)?;
    Ok(find(data, &needle, 0, data.len()).is_some())
}

fn list_of(r: &Recv, parts: Vec<&[u8]>) -> PyObj {
    crate::list::new(parts.into_iter().map(|p| r.make(p)).collect())
}

/// The first position of `needle` in `hay[start..end]` (memchr's SIMD substring
/// search, where CPython uses its fastsearch).
pub fn find(hay: &[u8], needle: &[u8], start: usize, end: usize) -> Option<usize> {
    if start > end || end > hay.len() {
        return None;
    }
    memchr::memmem::find(&hay[start..end], needle).map(|i| i + start)
}

/// The last position of `needle` in `hay[start..end]`.
fn rfind(hay: &[u8], needle: &[u8], start: usize, end: usize) -> Option<usize> {
    if start > end || end > hay.len() {
        return None;
    }
    memchr::memmem::rfind(&hay[start..end], needle).map(|i| i + start)
}

/// The receiver, needle and `(start, end)` of `find`, `rfind`, `index`, `rindex` and
/// `count`. An impossible range (start past the end or past `end`) finds nothing,
/// not even an empty needle: `find` and `rfind` reject `start > end`.
fn search<'a>(
    args: &'a [PyObj],
    kw: Option<&PyObj>,
    name: &str,
) -> PyResult<(Recv<'a>, Cow<'a, [u8]>, usize, usize)> {
    Args::new(args, kw).range(name, 2, 4)?;
    let r = Recv::new(args, name)?;
    let n = needle_arg(&args[1])?;
    let len = r.data().len();
    let (s, e) =
        crate::slice::search_range(args.get(2), args.get(3), len)?.unwrap_or((len + 1, len));
    Ok((r, n, s, e))
}

fn m_find(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let (r, n, s, e) = search(args, kw, "find")?;
    Ok(crate::int::from_i64(
        find(r.data(), &n, s, e).map_or(-1, |i| i as i64),
    ))
}

fn m_rfind(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let (r, n, s, e) = search(args, kw, "rfind")?;
    Ok(crate::int::from_i64(
        rfind(r.data(), &n, s, e).map_or(-1, |i| i as i64),
    ))
}

fn m_index(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let (r, n, s, e) = search(args, kw, "index")?;
    match find(r.data(), &n, s, e) {
        Some(i) => Ok(crate::int::from_usize(i)),
        None => Err(value_error("subsection not found")),
    }
}

fn m_rindex(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let (r, n, s, e) = search(args, kw, "rindex")?;
    match rfind(r.data(), &n, s, e) {
        Some(i) => Ok(crate::int::from_usize(i)),
        None => Err(value_error("subsection not found")),
    }
}

fn m_count(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let (r, n, s, e) = search(args, kw, "count")?;
    let data = r.data();
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

fn m_decode(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("decode", 1, &["encoding", "errors"], 0)?;
    let r = Recv::new(args, "decode")?;
    let enc = b[0]
        .map(|e| str_arg(e, "decode", "encoding"))
        .transpose()?
        .unwrap_or("utf-8");
    let errs = b[1]
        .map(|e| str_arg(e, "decode", "errors"))
        .transpose()?
        .unwrap_or("strict");
    // Decoding errors name a bytes object, whatever the receiver was.
    let obj = match r.kind {
        Kind::Bytes => r.obj.clone(),
        Kind::ByteArray => crate::bytes::new(r.data()),
    };
    Ok(crate::str::from_string(crate::bytes::decode(
        &obj,
        r.data(),
        enc,
        errs,
    )?))
}

/// The bytes `fromhex(string)` stands for.
fn parse_hex(s: &str) -> PyResult<Vec<u8>> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let bad = |at: usize| {
        value_error(format!(
            "non-hexadecimal number found in fromhex() arg at position {at}"
        ))
    };
    while i < chars.len() {
        // ASCII whitespace only (CPython's Py_ISSPACE: vertical tab included).
        if matches!(chars[i], ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r') {
            i += 1;
            continue;
        }
        let hi = chars[i].to_digit(16).ok_or_else(|| bad(i))?;
        let lo = chars
            .get(i + 1)
            .and_then(|c| c.to_digit(16))
            .ok_or_else(|| bad(i + 1))?;
        out.push((hi * 16 + lo) as u8);
        i += 2;
    }
    Ok(out)
}

/// `bytes.fromhex(string)` / `bytearray.fromhex(string)`: a subclass gets
/// `cls(result)`.
fn m_fromhex(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let cls = &args[0];
    let kind = match crate::typeobj::expect_type(cls, "fromhex") {
        Ok(t) if t.is_subtype(&crate::bytearray::BYTEARRAY_TYPE) => Kind::ByteArray,
        _ => Kind::Bytes,
    };
    Args::new(args, kw).exact(&format!("{}.fromhex", kind.name()), 2)?;
    if !crate::str::is_str(&args[1]) {
        return Err(type_error(format!(
            "fromhex() argument must be str, not {}",
            args[1].ty().name()
        )));
    }
    let r = kind.make(&parse_hex(crate::str::as_str(&args[1]))?);
    let exact = match kind {
        Kind::Bytes => cls.is(&BYTES_TYPE.to_obj()),
        Kind::ByteArray => cls.is(&crate::bytearray::BYTEARRAY_TYPE.to_obj()),
    };
    if exact {
        Ok(r)
    } else {
        ab::call1(cls, r)
    }
}

fn m_join(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let r = Recv::new(args, "join")?;
    Args::new(args, kw).exact(&r.qual("join"), 2)?;
    let items = ab::collect_iter(&args[1])?;
    let mut out = Vec::new();
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(r.data());
        }
        let part = bytes_like_cow(x).map_err(|_| {
            type_error(format!(
                "sequence item {i}: expected a bytes-like object, {} found",
                x.ty().name()
            ))
        })?;
        out.extend_from_slice(&part);
    }
    r.kind.try_make(&out)
}

fn split_whitespace(data: &[u8], maxsplit: isize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = data.len();
    let mut splits = 0;
    while i < n {
        while i < n && is_space(data[i]) {
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
        while i < n && !is_space(data[i]) {
            i += 1;
        }
        out.push(&data[start..i]);
        splits += 1;
    }
    out
}

fn m_split(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("split", 1, &["sep", "maxsplit"], 0)?;
    let r = Recv::new(args, "split")?;
    let data = r.data();
    let maxsplit = b[1].map(index_arg).transpose()?.unwrap_or(-1);
    let parts: Vec<&[u8]> = match b[0].filter(|s| !is_none(s)) {
        None => split_whitespace(data, maxsplit),
        Some(sep) => {
            let sep = bytes_like_cow(sep)?;
            if sep.is_empty() {
                return Err(value_error("empty separator"));
            }
            let mut out = Vec::new();
            let mut start = 0;
            while maxsplit < 0 || (out.len() as isize) < maxsplit {
                match find(data, &sep, start, data.len()) {
                    Some(i) => {
                        out.push(&data[start..i]);
                        start = i + sep.len();
                    }
                    None => break,
                }
            }
            out.push(&data[start..]);
            out
        }
    };
    Ok(list_of(&r, parts))
}

/// `rsplit(sep=None, maxsplit=-1)`.
fn m_rsplit(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("rsplit", 1, &["sep", "maxsplit"], 0)?;
    let r = Recv::new(args, "rsplit")?;
    let data = r.data();
    let maxsplit = b[1].map(index_arg).transpose()?.unwrap_or(-1);
    let mut out: Vec<&[u8]> = Vec::new();
    match b[0].filter(|s| !is_none(s)) {
        None => {
            let mut end = data.len();
            loop {
                while end > 0 && is_space(data[end - 1]) {
                    end -= 1;
                }
                if end == 0 {
                    break;
                }
                if maxsplit >= 0 && out.len() as isize >= maxsplit {
                    out.push(&data[..end]);
                    break;
                }
                let mut start = end;
                while start > 0 && !is_space(data[start - 1]) {
                    start -= 1;
                }
                out.push(&data[start..end]);
                end = start;
            }
        }
        Some(sep) => {
            let sep = bytes_like_cow(sep)?;
            if sep.is_empty() {
                return Err(value_error("empty separator"));
            }
            let mut end = data.len();
            while maxsplit < 0 || (out.len() as isize) < maxsplit {
                match memchr::memmem::rfind(&data[..end], &sep) {
                    Some(i) => {
                        out.push(&data[i + sep.len()..end]);
                        end = i;
                    }
                    None => break,
                }
            }
            out.push(&data[..end]);
        }
    }
    out.reverse();
    Ok(list_of(&r, out))
}

/// `splitlines(keepends=False)`: only `\n`, `\r` and `\r\n` break lines.
fn m_splitlines(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("splitlines", 1, &["keepends"], 0)?;
    let keep = b[0]
        .map(crate::str_methods::keepends_arg)
        .transpose()?
        .unwrap_or(false);
    let r = Recv::new(args, "splitlines")?;
    let data = r.data();
    let mut out: Vec<&[u8]> = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < data.len() {
        if data[i] == b'\n' || data[i] == b'\r' {
            let mut end = i + 1;
            if data[i] == b'\r' && data.get(i + 1) == Some(&b'\n') {
                end += 1;
            }
            out.push(if keep {
                &data[start..end]
            } else {
                &data[start..i]
            });
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < data.len() {
        out.push(&data[start..]);
    }
    Ok(list_of(&r, out))
}

fn do_strip(
    args: &[PyObj],
    kw: Option<&PyObj>,
    name: &str,
    left: bool,
    right: bool,
) -> PyResult<PyObj> {
    Args::new(args, kw).expect(name, 1, 2)?;
    let r = Recv::new(args, name)?;
    let set: Cow<[u8]> = match args.get(1) {
        Some(o) if !is_none(o) => bytes_like_cow(o)?,
        _ => Cow::Borrowed(b" \t\n\r\x0b\x0c"),
    };
    let data = r.data();
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
    if s == 0 && e == data.len() {
        return Ok(r.unchanged());
    }
    Ok(r.make(&data[s..e]))
}

fn affix(args: &[PyObj], kw: Option<&PyObj>, name: &str, prefix: bool) -> PyResult<PyObj> {
    Args::new(args, kw).range(name, 2, 4)?;
    let r = Recv::new(args, name)?;
    let data = r.data();
    let range = crate::slice::search_range(args.get(2), args.get(3), data.len())?;
    let window = range.map(|(s, e)| &data[s..e]);
    let wrong = |o: &PyObj| {
        type_error(format!(
            "{name} first arg must be bytes or a tuple of bytes, not {}",
            o.ty().name()
        ))
    };
    let candidates: Vec<Cow<[u8]>> = if crate::tuple::is_tuple(&args[1]) {
        crate::tuple::items(&args[1])
            .iter()
            .map(|c| bytes_like_cow(c).map_err(|_| wrong(c)))
            .collect::<PyResult<_>>()?
    } else {
        vec![bytes_like_cow(&args[1]).map_err(|_| wrong(&args[1]))?]
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

fn m_replace(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).expect("replace", 3, 4)?;
    let r = Recv::new(args, "replace")?;
    let (old, newb) = (bytes_like_cow(&args[1])?, bytes_like_cow(&args[2])?);
    let count = match args.get(3) {
        Some(c) => index_arg(c)?,
        None => -1,
    };
    let data = r.data();
    let mut out = Vec::with_capacity(data.len());
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
        return r.kind.try_make(&out);
    }
    let mut i = 0;
    let mut n = 0;
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
    if n == 0 {
        return Ok(r.unchanged());
    }
    out.extend_from_slice(&data[i..]);
    r.kind.try_make(&out)
}

fn partition(args: &[PyObj], kw: Option<&PyObj>, name: &str, reverse: bool) -> PyResult<PyObj> {
    let r = Recv::new(args, name)?;
    Args::new(args, kw).exact(&r.qual(name), 2)?;
    let data = r.data();
    let sep = bytes_like_cow(&args[1])?;
    if sep.is_empty() {
        return Err(value_error("empty separator"));
    }
    let found = if reverse {
        memchr::memmem::rfind(data, &sep)
    } else {
        memchr::memmem::find(data, &sep)
    };
    let parts = match found {
        Some(i) => [
            r.make(&data[..i]),
            r.make(&sep),
            r.make(&data[i + sep.len()..]),
        ],
        None if reverse => [r.make(b""), r.make(b""), r.unchanged()],
        None => [r.unchanged(), r.make(b""), r.make(b"")],
    };
    Ok(crate::tuple::from_vec(parts.into()))
}

fn map_bytes(
    args: &[PyObj],
    kw: Option<&PyObj>,
    name: &str,
    f: fn(&[u8]) -> Vec<u8>,
) -> PyResult<PyObj> {
    let r = Recv::new(args, name)?;
    Args::new(args, kw).exact(&r.qual(name), 1)?;
    Ok(r.make(&f(r.data())))
}

fn title(data: &[u8]) -> Vec<u8> {
    let mut prev_cased = false;
    data.iter()
        .map(|&c| {
            let r = if prev_cased {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            };
            prev_cased = c.is_ascii_alphabetic();
            r
        })
        .collect()
}

fn capitalize(data: &[u8]) -> Vec<u8> {
    data.iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

fn swapcase(data: &[u8]) -> Vec<u8> {
    data.iter()
        .map(|&c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

fn predicate(
    args: &[PyObj],
    kw: Option<&PyObj>,
    name: &str,
    f: fn(&[u8]) -> bool,
) -> PyResult<PyObj> {
    let r = Recv::new(args, name)?;
    Args::new(args, kw).exact(&r.qual(name), 1)?;
    Ok(bool_obj(f(r.data())))
}

fn is_all(d: &[u8], f: fn(&u8) -> bool) -> bool {
    !d.is_empty() && d.iter().all(f)
}

fn istitle(data: &[u8]) -> bool {
    let (mut cased, mut prev_cased) = (false, false);
    for &c in data {
        if c.is_ascii_uppercase() {
            if prev_cased {
                return false;
            }
            prev_cased = true;
            cased = true;
        } else if c.is_ascii_lowercase() {
            if !prev_cased {
                return false;
            }
            prev_cased = true;
            cased = true;
        } else {
            prev_cased = false;
        }
    }
    cased
}

fn pad(args: &[PyObj], kw: Option<&PyObj>, name: &str, align: char) -> PyResult<PyObj> {
    let r = Recv::new(args, name)?;
    Args::new(args, kw).expect(&r.qual(name), 2, 3)?;
    let width = index_arg(&args[1])?;
    let fill = match args.get(2) {
        None => b' ',
        Some(f) => match Kind::of(f).map(|_| bytes_like_cow(f)) {
            Some(Ok(c)) if c.len() == 1 => c[0],
            _ => {
                return Err(type_error(format!(
                    "{name}() argument 2 must be a byte string of length 1, not {}",
                    f.ty().name()
                )))
            }
        },
    };
    let data = r.data();
    let n = data.len() as isize;
    if width <= n {
        return Ok(r.unchanged());
    }
    let total = (width - n) as usize;
    let (l, rt) = crate::str_methods::padding_split(total, width as usize, align);
    let mut out = crate::alloc::try_vec(width as usize)?;
    out.extend(std::iter::repeat_n(fill, l));
    out.extend_from_slice(data);
    out.extend(std::iter::repeat_n(fill, rt));
    r.kind.try_make(&out)
}

fn zfill(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let r = Recv::new(args, "zfill")?;
    Args::new(args, kw).exact(&r.qual("zfill"), 2)?;
    let data = r.data();
    let width = index_arg(&args[1])?;
    if width <= data.len() as isize {
        return Ok(r.unchanged());
    }
    let fill = width as usize - data.len();
    let mut out = crate::alloc::try_vec(width as usize)?;
    let rest = match data.first() {
        Some(&c @ (b'+' | b'-')) => {
            out.push(c);
            &data[1..]
        }
        _ => data,
    };
    out.extend(std::iter::repeat_n(b'0', fill));
    out.extend_from_slice(rest);
    r.kind.try_make(&out)
}

fn expandtabs(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("expandtabs", 1, &["tabsize"], 0)?;
    let size = b[0]
        .map(crate::str_methods::tab_size)
        .transpose()?
        .unwrap_or(8);
    let r = Recv::new(args, "expandtabs")?;
    let data = r.data();
    let expanded = crate::str_methods::expanded_len(data.iter().map(|&b| u32::from(b)), size);
    let mut out = crate::alloc::try_vec(expanded)?;
    let mut col = 0isize;
    for &c in data {
        match c {
            b'\t' => {
                if size > 0 {
                    let n = size - col % size;
                    out.extend(std::iter::repeat_n(b' ', n as usize));
                    col += n;
                }
            }
            b'\n' | b'\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    r.kind.try_make(&out)
}

fn affix_remove(args: &[PyObj], kw: Option<&PyObj>, name: &str, prefix: bool) -> PyResult<PyObj> {
    let r = Recv::new(args, name)?;
    Args::new(args, kw).exact(&r.qual(name), 2)?;
    let data = r.data();
    let a = bytes_like_cow(&args[1])?;
    let rest = if prefix {
        data.strip_prefix(&*a)
    } else {
        data.strip_suffix(&*a)
    };
    Ok(match rest {
        Some(rest) if !a.is_empty() => r.make(rest),
        _ => r.unchanged(),
    })
}

/// `translate(table, /, delete=b'')`.
fn translate(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("translate", 1, &["table", "delete"], 1)?;
    let r = Recv::new(args, "translate")?;
    let table = match b[0] {
        Some(t) if !is_none(t) => {
            let t = bytes_like_cow(t)?;
            if t.len() != 256 {
                return Err(value_error("translation table must be 256 characters long"));
            }
            Some(t)
        }
        _ => None,
    };
    let delete = b[1]
        .map(bytes_like_cow)
        .transpose()?
        .unwrap_or(Cow::Borrowed(b""));
    let out: Vec<u8> = r
        .data()
        .iter()
        .filter(|c| !delete.contains(c))
        .map(|&c| table.as_ref().map_or(c, |t| t[c as usize]))
        .collect();
    Ok(r.make(&out))
}

/// `maketrans(frm, to)`: a 256-byte table (always `bytes`) mapping `frm[i]` to `to[i]`.
fn maketrans(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).expect("maketrans", 2, 2)?;
    let (frm, to) = (bytes_like_cow(&args[0])?, bytes_like_cow(&args[1])?);
    if frm.len() != to.len() {
        return Err(value_error("maketrans arguments must have same length"));
    }
    let mut table: Vec<u8> = (0..=255).collect();
    for (&f, &t) in frm.iter().zip(to.iter()) {
        table[f as usize] = t;
    }
    Ok(crate::bytes::new(&table))
}

/// The text of `hex(sep=<none>, bytes_per_sep=1)` of `data` (shared with
/// `memoryview.hex`): groups of `bytes_per_sep` bytes counted from the right (from
/// the left when negative), joined by `sep` (a one-character str or bytes-like).
pub(crate) fn hex_text(data: &[u8], sep: Option<&PyObj>, per: Option<&PyObj>) -> PyResult<PyObj> {
    let sep = match sep {
        None => None,
        Some(s) => {
            let text: Vec<u8> = if crate::str::is_str(s) {
                crate::str::as_str(s).as_bytes().to_vec()
            } else {
                bytes_like_cow(s)?.into_owned()
            };
            if crate::str::is_str(s) && crate::str::as_str(s).chars().count() != 1
                || !crate::str::is_str(s) && text.len() != 1
            {
                return Err(value_error("sep must be length 1."));
            }
            if !text[0].is_ascii() {
                return Err(value_error("sep must be ASCII."));
            }
            Some(text[0] as char)
        }
    };
    let per = per.map(index_arg).transpose()?.unwrap_or(1);
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(data.len() * 3);
    let group = per.unsigned_abs();
    let n = data.len();
    for (i, x) in data.iter().enumerate() {
        if let Some(sep) = sep.filter(|_| per != 0) {
            let boundary = if per > 0 {
                i > 0 && (n - i) % group == 0
            } else {
                i > 0 && i % group == 0
            };
            if boundary {
                out.push(sep);
            }
        }
        out.push(DIGITS[(x >> 4) as usize] as char);
        out.push(DIGITS[(x & 15) as usize] as char);
    }
    Ok(crate::str::from_string(out))
}

fn m_hex(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("hex", 1, &["sep", "bytes_per_sep"], 0)?;
    let r = Recv::new(args, "hex")?;
    hex_text(r.data(), b[0], b[1])
}

/// `bytes % values` and `bytearray % values`: printf-style formatting with bytes
/// semantics (`%s`/`%b` take bytes-like objects or `__bytes__`, `%r`/`%a` give
/// `ascii()`, `%c` one byte); the result is of the left operand's kind.
pub(crate) fn bytes_mod(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let Some(kind) = Kind::of(a) else {
        return Ok(crate::singletons::not_implemented());
    };
    let data = match kind {
        Kind::Bytes => Cow::Borrowed(as_bytes(a)),
        Kind::ByteArray => Cow::Owned(crate::bytearray::to_vec(a)),
    };
    // Formatting runs over a Latin-1 view of the bytes, so every byte is one char
    // and every char of the result (each below U+0100) is one byte again.
    let fmt: String = data.iter().map(|&c| c as char).collect();
    let out = crate::format::percent_format_mode(&fmt, b, true)?;
    kind.try_make(&out.chars().map(|c| c as u32 as u8).collect::<Vec<u8>>())
}

/// The byte string `%s`/`%b` formats `v` as, as a Latin-1 string.
pub(crate) fn percent_bytes_arg(v: &PyObj) -> PyResult<String> {
    if crate::buffer::has_buffer(v) {
        let b = bytes_like_cow(v)?;
        return Ok(b.iter().map(|&c| c as char).collect());
    }
    if let Some(m) = v.ty().lookup(&crate::str::intern("__bytes__")) {
        let r = ab::call_descr(&m, v, &[])?;
        if is_bytes(&r) {
            return Ok(as_bytes(&r).iter().map(|&c| c as char).collect());
        }
        return Err(type_error(format!(
            "__bytes__ returned non-bytes (type {})",
            r.ty().name()
        )));
    }
    Err(type_error(format!(
        "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
        v.ty().name()
    )))
}

/// The methods `bytes` and `bytearray` share.
pub(crate) fn shared_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("decode", m_decode),
        MethodDef::class("fromhex", m_fromhex),
        MethodDef::new("join", m_join),
        MethodDef::new("split", m_split),
        MethodDef::new("rsplit", m_rsplit),
        MethodDef::new("splitlines", m_splitlines),
        MethodDef::new("strip", |a, k| do_strip(a, k, "strip", true, true)),
        MethodDef::new("lstrip", |a, k| do_strip(a, k, "lstrip", true, false)),
        MethodDef::new("rstrip", |a, k| do_strip(a, k, "rstrip", false, true)),
        MethodDef::new("startswith", |a, k| affix(a, k, "startswith", true)),
        MethodDef::new("endswith", |a, k| affix(a, k, "endswith", false)),
        MethodDef::new("find", m_find),
        MethodDef::new("rfind", m_rfind),
        MethodDef::new("index", m_index),
        MethodDef::new("rindex", m_rindex),
        MethodDef::new("count", m_count),
        MethodDef::new("replace", m_replace),
        MethodDef::new("partition", |a, k| partition(a, k, "partition", false)),
        MethodDef::new("rpartition", |a, k| partition(a, k, "rpartition", true)),
        MethodDef::new("upper", |a, k| {
            map_bytes(a, k, "upper", <[u8]>::to_ascii_uppercase)
        }),
        MethodDef::new("lower", |a, k| {
            map_bytes(a, k, "lower", <[u8]>::to_ascii_lowercase)
        }),
        MethodDef::new("title", |a, k| map_bytes(a, k, "title", title)),
        MethodDef::new("capitalize", |a, k| {
            map_bytes(a, k, "capitalize", capitalize)
        }),
        MethodDef::new("swapcase", |a, k| map_bytes(a, k, "swapcase", swapcase)),
        MethodDef::new("isdigit", |a, k| {
            predicate(a, k, "isdigit", |d| is_all(d, u8::is_ascii_digit))
        }),
        MethodDef::new("isalpha", |a, k| {
            predicate(a, k, "isalpha", |d| is_all(d, u8::is_ascii_alphabetic))
        }),
        MethodDef::new("isalnum", |a, k| {
            predicate(a, k, "isalnum", |d| is_all(d, u8::is_ascii_alphanumeric))
        }),
        MethodDef::new("isspace", |a, k| {
            predicate(a, k, "isspace", |d| is_all(d, |c| is_space(*c)))
        }),
        MethodDef::new("istitle", |a, k| predicate(a, k, "istitle", istitle)),
        MethodDef::new("isupper", |a, k| {
            predicate(a, k, "isupper", |d| {
                d.iter().any(u8::is_ascii_uppercase) && !d.iter().any(u8::is_ascii_lowercase)
            })
        }),
        MethodDef::new("islower", |a, k| {
            predicate(a, k, "islower", |d| {
                d.iter().any(u8::is_ascii_lowercase) && !d.iter().any(u8::is_ascii_uppercase)
            })
        }),
        MethodDef::new("isascii", |a, k| {
            predicate(a, k, "isascii", |d| d.is_ascii())
        }),
        MethodDef::new("center", |a, k| pad(a, k, "center", '^')),
        MethodDef::new("ljust", |a, k| pad(a, k, "ljust", '<')),
        MethodDef::new("rjust", |a, k| pad(a, k, "rjust", '>')),
        MethodDef::new("zfill", zfill),
        MethodDef::new("expandtabs", expandtabs),
        MethodDef::new("removeprefix", |a, k| {
            affix_remove(a, k, "removeprefix", true)
        }),
        MethodDef::new("removesuffix", |a, k| {
            affix_remove(a, k, "removesuffix", false)
        }),
        MethodDef::new("translate", translate),
        MethodDef::static_("maketrans", maketrans),
        MethodDef::new("hex", m_hex),
    ]
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

    #[test]
    fn fromhex_positions() {
        assert_eq!(parse_hex("de ad").ok(), Some(vec![0xde, 0xad]));
        assert_eq!(parse_hex(" 0a\t0B ").ok(), Some(vec![0x0a, 0x0b]));
    }
}
