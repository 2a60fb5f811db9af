//! In-memory streams: `io.StringIO` (text, positions in code points) and `io.BytesIO`
//! (bytes), native because programs write to them in loops (`print(..., file=buf)`,
//! redirected `sys.stdout`).
//!
//! A StringIO keeps its text as one UTF-8 `String` plus the position both in code
//! points (what Python sees) and in bytes (where the next read or write starts), so
//! the common patterns — appending, then `getvalue()`; reading forward — cost no
//! scans. Each stream's state sits behind its own mutex, taken like a file's (see
//! [`super::core`]): no Python code runs while it is held.
//!
//! `BytesIO.getbuffer()` lends the stream's bytes to a memoryview through a
//! `_io._BytesIOBuffer` exporter; while any such view lives, writing, truncating and
//! closing raise `BufferError`, so the bytes never move under it.

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::{Mutex, MutexGuard, TryLockError};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::buffer::{BufferProcs, BufferRequest, PyBuffer};
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{type_error, value_error};
use strand_objects::typeobj::{Slots, TypeFlags};
use strand_objects::{bytes, int, list, singletons, str as pystr, PyErr, PyObj, PyResult};

use super::core::{find_line_end, Newline, Term};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.try_lock() {
        Ok(g) => g,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => {
            strand_heap::with_detached(|| m.lock().unwrap_or_else(|p| p.into_inner()))
        }
    }
}

fn closed_err(dot: bool) -> PyErr {
    value_error(if dot {
        "I/O operation on closed file."
    } else {
        "I/O operation on closed file"
    })
}

/// A size argument: `None` or negative mean "all".
fn size_arg(a: Option<&PyObj>) -> PyResult<Option<usize>> {
    match a {
        None => Ok(None),
        Some(v) if singletons::is_none(v) => Ok(None),
        Some(v) => {
            if !int::is_int(v) && v.ty().slots().number.index.is_none() {
                return Err(type_error(format!(
                    "argument should be integer or None, not '{}'",
                    v.ty().name()
                )));
            }
            let n = int::to_isize(&ab::index(v)?)?;
            Ok(if n < 0 { None } else { Some(n as usize) })
        }
    }
}

// ---------------------------------------------------------------------------------
// StringIO
// ---------------------------------------------------------------------------------

struct StrBuf {
    text: String,
    /// Length in code points.
    chars: usize,
    /// Position in code points (may be past the end).
    pos: usize,
    /// Byte offset of `min(pos, chars)`.
    byte_pos: usize,
    closed: bool,
    /// `None`: the `newline=None` mode (translate on write, universal lines).
    newline: Option<Newline>,
}

impl StrBuf {
    fn byte_offset(&self, char_pos: usize) -> usize {
        if char_pos >= self.chars {
            return self.text.len();
        }
        if self.text.len() == self.chars {
            return char_pos;
        }
        self.text
            .char_indices()
            .nth(char_pos)
            .map_or(self.text.len(), |(i, _)| i)
    }

    fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
        self.byte_pos = self.byte_offset(pos);
    }

    fn write(&mut self, s: &str) {
        let n = s.chars().count();
        if self.pos > self.chars {
            let pad = self.pos - self.chars;
            self.text.extend(std::iter::repeat_n('\0', pad));
            self.chars += pad;
            self.byte_pos = self.text.len();
        }
        if self.pos == self.chars {
            self.text.push_str(s);
            self.chars += n;
        } else {
            // Overwrite the next `n` characters (or up to the end).
            let start = self.byte_pos;
            let end = self.text[start..]
                .char_indices()
                .nth(n)
                .map_or(self.text.len(), |(i, _)| start + i);
            let replaced = self.text[start..end].chars().count();
            self.text.replace_range(start..end, s);
            self.chars = self.chars - replaced + n;
        }
        self.pos += n;
        self.byte_pos += s.len();
    }

    fn read(&mut self, n: Option<usize>) -> String {
        if self.pos >= self.chars {
            return String::new();
        }
        let rest = &self.text[self.byte_pos..];
        let (taken, bytes) = match n {
            None => (self.chars - self.pos, rest.len()),
            Some(n) => {
                let b = rest.char_indices().nth(n).map_or(rest.len(), |(i, _)| i);
                (n.min(self.chars - self.pos), b)
            }
        };
        let out = rest[..bytes].to_string();
        self.pos += taken;
        self.byte_pos += bytes;
        out
    }

    fn readline(&mut self, limit: Option<usize>) -> String {
        if self.pos >= self.chars {
            return String::new();
        }
        let rest = &self.text.as_bytes()[self.byte_pos..];
        let term = match self.newline {
            None => Term::Any,
            Some(nl) => nl.term(),
        };
        let end = find_line_end(rest, 0, term, true).unwrap_or(rest.len());
        let mut line = &self.text[self.byte_pos..self.byte_pos + end];
        if let Some(l) = limit {
            if let Some((i, _)) = line.char_indices().nth(l) {
                line = &line[..i];
            }
        }
        let out = line.to_string();
        self.pos += out.chars().count();
        self.byte_pos += out.len();
        out
    }
}

/// The layout of `io.StringIO`.
#[repr(C)]
pub struct PyStringIO {
    header: ObjectHeader,
    buf: Mutex<StrBuf>,
}

unsafe fn stringio_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the field was initialised by the constructor.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyStringIO;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).buf));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `io.StringIO`.
    pub static STRINGIO_TYPE = {
        name: "_io.StringIO",
        layout: PyStringIO,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::MANAGED_WEAKREF),
        traverse: None,
        clear: None,
        dealloc: stringio_dealloc,
        size: None,
        slots: Slots {
            new: Some(stringio_new),
            init: Some(stringio_init),
            iter: Some(|o| {
                check_str_open(o, true)?;
                Ok(o.clone())
            }),
            iternext: Some(|o| {
                let line = {
                    let mut b = sbuf(o);
                    if b.closed {
                        return Err(closed_err(false));
                    }
                    b.readline(None)
                };
                Ok((!line.is_empty()).then(|| pystr::from_string(line)))
            }),
            ..Slots::EMPTY
        },
    }
}

fn sbuf(o: &PyObj) -> MutexGuard<'_, StrBuf> {
    // SAFETY: the StringIO methods and slots are installed on STRINGIO_TYPE, whose
    // instances (and subclasses') start with PyStringIO.
    let p = unsafe { o.payload_unchecked::<PyStringIO>() };
    lock(&p.buf)
}

fn check_str_open(o: &PyObj, dot: bool) -> PyResult<()> {
    if sbuf(o).closed {
        return Err(closed_err(dot));
    }
    Ok(())
}

fn stringio_new(cls: &PyObj, _a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "StringIO.__new__(X)")?;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyStringIO layout; the field is written
    // before the object is finished, and the slots region is zeroed.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyStringIO;
        std::ptr::addr_of_mut!((*p).buf).write(Mutex::new(StrBuf {
            text: String::new(),
            chars: 0,
            pos: 0,
            byte_pos: 0,
            closed: false,
            newline: Some(Newline::Lf),
        }));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

/// Translates written text for a StringIO's newline mode.
fn translate_in(newline: Option<Newline>, s: &str) -> String {
    match newline {
        None if s.contains('\r') => s.replace("\r\n", "\n").replace('\r', "\n"),
        Some(Newline::Cr) if s.contains('\n') => s.replace('\n', "\r"),
        Some(Newline::CrLf) if s.contains('\n') => s.replace('\n', "\r\n"),
        _ => s.to_string(),
    }
}

/// Parses a `newline` argument (`None`, `''`, `'\n'`, `'\r'`, `'\r\n'`): `Ok(None)`
/// for `None`.
pub fn parse_newline(v: Option<&PyObj>, quote: bool) -> PyResult<Option<Newline>> {
    let v = match v {
        None => return Ok(Some(Newline::Lf)),
        Some(v) if singletons::is_none(v) => return Ok(None),
        Some(v) => v,
    };
    if !pystr::is_str(v) {
        return Err(type_error(format!(
            "newline must be str or None, not {}",
            v.ty().name()
        )));
    }
    Ok(Some(match pystr::as_str(v) {
        "" => Newline::UniversalRaw,
        "\n" => Newline::Lf,
        "\r" => Newline::Cr,
        "\r\n" => Newline::CrLf,
        other => {
            return Err(value_error(if quote {
                format!("illegal newline value: {}", ab::repr_string(v)?)
            } else {
                format!("illegal newline value: {other}")
            }))
        }
    }))
}

fn stringio_init(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<()> {
    let args = Args::new(a, k);
    let b = args.bind("StringIO", 0, &["initial_value", "newline"], 0)?;
    let newline = parse_newline(b[1], true)?;
    let init = match b[0] {
        None => String::new(),
        Some(v) if singletons::is_none(v) => String::new(),
        Some(v) if pystr::is_str(v) => pystr::as_str(v).to_string(),
        Some(v) => {
            return Err(type_error(format!(
                "initial_value must be str or None, not {}",
                v.ty().name()
            )))
        }
    };
    let mut buf = sbuf(o);
    buf.newline = newline;
    buf.text.clear();
    buf.chars = 0;
    buf.pos = 0;
    buf.byte_pos = 0;
    buf.closed = false;
    let init = translate_in(newline, &init);
    buf.write(&init);
    buf.set_pos(0);
    Ok(())
}

/// Appends `s` to a StringIO at its position (`print`'s fast path and `write`).
pub fn stringio_write_str(o: &PyObj, s: &str) -> PyResult<()> {
    let mut b = sbuf(o);
    if b.closed {
        return Err(closed_err(false));
    }
    if b.newline.is_none() || matches!(b.newline, Some(Newline::Cr | Newline::CrLf)) {
        let t = translate_in(b.newline, s);
        b.write(&t);
    } else {
        b.write(s);
    }
    Ok(())
}

fn s_write(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("write", 2)?;
    if !pystr::is_str(&a[1]) {
        return Err(type_error(format!(
            "string argument expected, got '{}'",
            a[1].ty().name()
        )));
    }
    stringio_write_str(&a[0], pystr::as_str(&a[1]))?;
    Ok(int::from_usize(pystr::payload(&a[1]).char_len()))
}

fn s_read(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("read", 1, &["size"], 0)?;
    let n = size_arg(b[0])?;
    let mut buf = sbuf(&a[0]);
    if buf.closed {
        return Err(closed_err(false));
    }
    Ok(pystr::from_string(buf.read(n)))
}

fn s_readline(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("readline", 1, &["size"], 0)?;
    let n = size_arg(b[0])?;
    let mut buf = sbuf(&a[0]);
    if buf.closed {
        return Err(closed_err(false));
    }
    Ok(pystr::from_string(buf.readline(n)))
}

fn s_getvalue(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("getvalue", 1)?;
    let buf = sbuf(&a[0]);
    if buf.closed {
        return Err(closed_err(false));
    }
    Ok(pystr::new(&buf.text))
}

fn s_tell(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("tell", 1)?;
    let buf = sbuf(&a[0]);
    if buf.closed {
        return Err(closed_err(false));
    }
    Ok(int::from_usize(buf.pos))
}

fn whence_arg(a: &[PyObj]) -> PyResult<isize> {
    match a.get(2) {
        Some(w) => int::to_isize(&ab::index(w)?),
        None => Ok(0),
    }
}

fn s_seek(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("seek", 2, 3)?;
    let pos = int::to_isize(&ab::index(&a[1])?)?;
    let whence = whence_arg(a)?;
    let mut buf = sbuf(&a[0]);
    if buf.closed {
        return Err(closed_err(false));
    }
    match whence {
        0 if pos < 0 => Err(value_error(format!("Negative seek position {pos}"))),
        0 => {
            buf.set_pos(pos as usize);
            Ok(int::from_usize(buf.pos))
        }
        // CPython says "cur-relative" for both whences.
        1 | 2 if pos != 0 => Err(PyErr::new(
            &strand_objects::exceptions::OS_ERROR_TYPE,
            "Can't do nonzero cur-relative seeks",
        )),
        1 => Ok(int::from_usize(buf.pos)),
        2 => {
            let end = buf.chars;
            buf.set_pos(end);
            Ok(int::from_usize(end))
        }
        w => Err(value_error(format!(
            "Invalid whence ({w}, should be 0, 1 or 2)"
        ))),
    }
}

fn s_truncate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("truncate", 1, &["pos"], 0)?;
    let mut buf = sbuf(&a[0]);
    if buf.closed {
        return Err(closed_err(false));
    }
    let size = match b[0] {
        Some(v) if !singletons::is_none(v) => {
            drop(buf);
            let n = int::to_isize(&ab::index(v)?)?;
            if n < 0 {
                return Err(value_error(format!("Negative size value {n}")));
            }
            buf = sbuf(&a[0]);
            n as usize
        }
        _ => buf.pos,
    };
    if size < buf.chars {
        let cut = buf.byte_offset(size);
        buf.text.truncate(cut);
        buf.chars = size;
        let p = buf.pos;
        buf.set_pos(p);
    }
    Ok(int::from_usize(size))
}

fn s_readlines(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("readlines", 1, &["hint"], 0)?;
    let hint = size_arg(b[0])?.filter(|&h| h > 0);
    let mut buf = sbuf(&a[0]);
    if buf.closed {
        return Err(closed_err(false));
    }
    let mut out = Vec::new();
    let mut total = 0;
    loop {
        let line = buf.readline(None);
        if line.is_empty() {
            break;
        }
        total += line.chars().count();
        out.push(pystr::from_string(line));
        if hint.is_some_and(|h| total >= h) {
            break;
        }
    }
    drop(buf);
    Ok(list::new(out))
}

fn s_close(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("close", 1)?;
    let mut buf = sbuf(&a[0]);
    buf.closed = true;
    buf.text = String::new();
    buf.chars = 0;
    Ok(singletons::none())
}

fn s_closed(o: &PyObj) -> PyResult<PyObj> {
    Ok(int::bool_obj(sbuf(o).closed))
}

// ---------------------------------------------------------------------------------
// BytesIO
// ---------------------------------------------------------------------------------

struct ByteBuf {
    data: Vec<u8>,
    pos: usize,
    closed: bool,
}

/// The layout of `io.BytesIO`.
#[repr(C)]
pub struct PyBytesIO {
    header: ObjectHeader,
    buf: Mutex<ByteBuf>,
    /// Buffers exported through `getbuffer()` and not yet released: while any is,
    /// nothing may write, truncate or close the stream (its bytes must not move).
    /// Changed and checked under `buf`'s lock.
    exports: AtomicUsize,
}

unsafe fn bytesio_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the field was initialised by the constructor.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyBytesIO;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).buf));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `io.BytesIO`.
    pub static BYTESIO_TYPE = {
        name: "_io.BytesIO",
        layout: PyBytesIO,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::MANAGED_WEAKREF),
        traverse: None,
        clear: None,
        dealloc: bytesio_dealloc,
        size: None,
        slots: Slots {
            new: Some(bytesio_new),
            init: Some(bytesio_init),
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(|o| {
                let line = {
                    let mut b = bbuf(o);
                    if b.closed {
                        return Err(closed_err(true));
                    }
                    b_line(&mut b, None)
                };
                Ok((!line.is_empty()).then(|| bytes::new(&line)))
            }),
            ..Slots::EMPTY
        },
    }
}

fn bytesio(o: &PyObj) -> &PyBytesIO {
    // SAFETY: the BytesIO methods and slots are installed on BYTESIO_TYPE, whose
    // instances (and subclasses') start with PyBytesIO.
    unsafe { o.payload_unchecked::<PyBytesIO>() }
}

fn bbuf(o: &PyObj) -> MutexGuard<'_, ByteBuf> {
    lock(&bytesio(o).buf)
}

/// `BufferError` while `getbuffer()` views exist (CPython's `CHECK_EXPORTS`); call
/// it with the stream's lock held.
fn check_exports(o: &PyObj) -> PyResult<()> {
    if bytesio(o).exports.load(Acquire) > 0 {
        return Err(strand_objects::exceptions::buffer_error(
            "Existing exports of data: object cannot be re-sized",
        ));
    }
    Ok(())
}

fn bytesio_new(cls: &PyObj, _a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "BytesIO.__new__(X)")?;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyBytesIO layout; the field is written
    // before the object is finished, and the slots region is zeroed.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyBytesIO;
        std::ptr::addr_of_mut!((*p).buf).write(Mutex::new(ByteBuf {
            data: Vec::new(),
            pos: 0,
            closed: false,
        }));
        std::ptr::addr_of_mut!((*p).exports).write(AtomicUsize::new(0));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn bytesio_init(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<()> {
    let args = Args::new(a, k);
    if args.nargs() > 1 {
        return Err(type_error(format!(
            "BytesIO() takes at most 1 argument ({} given)",
            args.nargs()
        )));
    }
    let b = args.bind("BytesIO", 0, &["initial_bytes"], 0)?;
    let data = match b[0] {
        None => Vec::new(),
        Some(v) if singletons::is_none(v) => Vec::new(),
        Some(v) => crate::buffer::bytes_like(v)?,
    };
    let mut buf = bbuf(o);
    if bytesio(o).exports.load(Acquire) > 0 {
        // As CPython: the size and position are reset before the refusal. The
        // exported bytes stay allocated (truncation keeps the vector's memory).
        buf.data.truncate(0);
        buf.pos = 0;
        return check_exports(o);
    }
    buf.data = data;
    buf.pos = 0;
    buf.closed = false;
    Ok(())
}

fn b_line(b: &mut ByteBuf, limit: Option<usize>) -> Vec<u8> {
    if b.pos >= b.data.len() {
        return Vec::new();
    }
    let rest = &b.data[b.pos..];
    let mut end = find_line_end(rest, 0, Term::Lf, true).unwrap_or(rest.len());
    if let Some(l) = limit {
        end = end.min(l);
    }
    let out = rest[..end].to_vec();
    b.pos += end;
    out
}

fn open_bbuf(o: &PyObj) -> PyResult<MutexGuard<'_, ByteBuf>> {
    let b = bbuf(o);
    if b.closed {
        return Err(closed_err(true));
    }
    Ok(b)
}

fn b_write_m(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("write", 2)?;
    check_bytes_open(&a[0])?;
    let data = crate::buffer::bytes_like(&a[1])?;
    let mut b = open_bbuf(&a[0])?;
    check_exports(&a[0])?;
    let pos = b.pos;
    if pos > b.data.len() {
        b.data.resize(pos, 0);
    }
    let end = pos + data.len();
    if end > b.data.len() {
        b.data.resize(end, 0);
    }
    b.data[pos..end].copy_from_slice(&data);
    b.pos = end;
    Ok(int::from_usize(data.len()))
}

fn check_bytes_open(o: &PyObj) -> PyResult<()> {
    open_bbuf(o).map(drop)
}

fn b_read_m(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let b = args.bind("read", 1, &["size"], 0)?;
    let n = size_arg(b[0])?;
    let mut buf = open_bbuf(&a[0])?;
    let start = buf.pos.min(buf.data.len());
    let end = n.map_or(buf.data.len(), |n| (start + n).min(buf.data.len()));
    let out = buf.data[start..end].to_vec();
    buf.pos = end.max(buf.pos);
    drop(buf);
    Ok(bytes::new(&out))
}

/// `BytesIO.readinto(b)`: copies up to `len(b)` bytes from the position into a
/// writable buffer (after the stream's lock is released) and returns the count.
fn b_readinto_m(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("readinto", 2)?;
    let dest = strand_objects::buffer::writable_buffer(&a[1], Some("readinto"))?;
    let out = {
        let mut buf = open_bbuf(&a[0])?;
        let start = buf.pos.min(buf.data.len());
        let end = (start + dest.len()).min(buf.data.len());
        let out = buf.data[start..end].to_vec();
        buf.pos += out.len();
        out
    };
    dest.with_bytes_mut(|b| b[..out.len()].copy_from_slice(&out));
    Ok(int::from_usize(out.len()))
}

fn b_readline_m(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("readline", 1, &["size"], 0)?;
    let n = size_arg(b[0])?;
    let mut buf = open_bbuf(&a[0])?;
    let line = b_line(&mut buf, n);
    drop(buf);
    Ok(bytes::new(&line))
}

fn b_readlines_m(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("readlines", 1, &["hint"], 0)?;
    let hint = size_arg(b[0])?.filter(|&h| h > 0);
    let mut buf = open_bbuf(&a[0])?;
    let mut out = Vec::new();
    let mut total = 0;
    loop {
        let line = b_line(&mut buf, None);
        if line.is_empty() {
            break;
        }
        total += line.len();
        out.push(bytes::new(&line));
        if hint.is_some_and(|h| total >= h) {
            break;
        }
    }
    drop(buf);
    Ok(list::new(out))
}

fn b_getvalue_m(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("getvalue", 1)?;
    let buf = open_bbuf(&a[0])?;
    Ok(bytes::new(&buf.data))
}

fn b_tell_m(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("tell", 1)?;
    let buf = open_bbuf(&a[0])?;
    Ok(int::from_usize(buf.pos))
}

fn b_seek_m(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("seek", 2, 3)?;
    let pos = int::to_isize(&ab::index(&a[1])?)?;
    let whence = whence_arg(a)?;
    let mut buf = open_bbuf(&a[0])?;
    let new = match whence {
        0 if pos < 0 => return Err(value_error(format!("negative seek value {pos}"))),
        0 => pos,
        1 => (buf.pos as isize + pos).max(0),
        2 => (buf.data.len() as isize + pos).max(0),
        w => {
            return Err(value_error(format!(
                "invalid whence ({w}, should be 0, 1 or 2)"
            )))
        }
    };
    buf.pos = new as usize;
    Ok(int::from_usize(buf.pos))
}

fn b_truncate_m(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("truncate", 1, &["size"], 0)?;
    check_bytes_open(&a[0])?;
    let size = match b[0] {
        Some(v) if !singletons::is_none(v) => {
            let n = int::to_isize(&ab::index(v)?)?;
            if n < 0 {
                return Err(value_error(format!("negative size value {n}")));
            }
            Some(n as usize)
        }
        _ => None,
    };
    let mut buf = open_bbuf(&a[0])?;
    check_exports(&a[0])?;
    let size = size.unwrap_or(buf.pos);
    if size < buf.data.len() {
        buf.data.truncate(size);
    }
    Ok(int::from_usize(size))
}

fn b_close_m(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("close", 1)?;
    let mut buf = bbuf(&a[0]);
    check_exports(&a[0])?;
    buf.closed = true;
    buf.data = Vec::new();
    Ok(singletons::none())
}

/// `BytesIO.getbuffer()`: a writable memoryview of the stream's bytes, through a
/// `_io._BytesIOBuffer` that exports them (CPython's `bytesiobuf`).
fn b_getbuffer_m(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("getbuffer", 1)?;
    check_bytes_open(&a[0])?;
    let ty = &BYTESIO_BUFFER_TYPE;
    let exporter = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation of the layout, its field written before the object
    // is finished (and tracked).
    unsafe {
        let p = exporter.as_ptr().as_ptr() as *mut PyBytesIOBuffer;
        std::ptr::addr_of_mut!((*p).source).write(a[0].clone());
        strand_objects::alloc::finish_instance(ty, &exporter);
    }
    strand_objects::memoryview::from_object(&exporter)
}

/// The layout of `_io._BytesIOBuffer`: the exporter of a BytesIO's bytes.
#[repr(C)]
pub struct PyBytesIOBuffer {
    header: ObjectHeader,
    source: PyObj,
}

unsafe fn bytesiobuf_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on _BytesIOBuffer only.
    let b = unsafe { &*(obj.as_ptr() as *const PyBytesIOBuffer) };
    visit(b.source.as_ptr());
}

unsafe fn bytesiobuf_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the field was initialised by `b_getbuffer_m`.
    unsafe {
        let p = obj.as_ptr() as *mut PyBytesIOBuffer;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).source));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_io._BytesIOBuffer`.
    pub static BYTESIO_BUFFER_TYPE = {
        name: "_io._BytesIOBuffer",
        layout: PyBytesIOBuffer,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(bytesiobuf_traverse),
        clear: None,
        dealloc: bytesiobuf_dealloc,
        size: None,
        slots: Slots {
            buffer: Some(&BYTESIO_BUFFER),
            ..Slots::EMPTY
        },
    }
}

/// The BytesIO behind a `_BytesIOBuffer`.
fn source(o: &PyObj) -> &PyObj {
    // SAFETY: the buffer procs are installed on _BytesIOBuffer only.
    &unsafe { o.payload_unchecked::<PyBytesIOBuffer>() }.source
}

static BYTESIO_BUFFER: BufferProcs = BufferProcs {
    get: bytesiobuf_getbuffer,
    release: |o| {
        bytesio(source(o)).exports.fetch_sub(1, Release);
    },
    lock: |o, f| {
        let _held = bbuf(source(o));
        f()
    },
};

fn bytesiobuf_getbuffer(o: &PyObj, request: BufferRequest) -> PyResult<PyBuffer> {
    let src = source(o);
    let mut buf = bbuf(src);
    let (ptr, len) = (buf.data.as_mut_ptr(), buf.data.len());
    // Counted under the stream's lock: a write or close that follows sees it.
    bytesio(src).exports.fetch_add(1, Relaxed);
    // SAFETY: while the export is counted nothing writes, truncates, closes or
    // re-initialises the stream except `__init__`'s truncation, which keeps the
    // vector's memory; its bytes change only under the stream's lock, the buffer's.
    unsafe {
        strand_objects::buffer::export_contiguous(
            o,
            &BYTESIO_BUFFER,
            request,
            ptr,
            len,
            1,
            "B",
            false,
        )
    }
}

fn b_closed(o: &PyObj) -> PyResult<PyObj> {
    Ok(int::bool_obj(bbuf(o).closed))
}

// ---------------------------------------------------------------------------------
// Methods both share
// ---------------------------------------------------------------------------------

fn is_closed(o: &PyObj) -> bool {
    if o.is_instance_of(&STRINGIO_TYPE) {
        sbuf(o).closed
    } else {
        bbuf(o).closed
    }
}

/// CPython's messages differ between the two types and between methods: StringIO
/// reports most closed-file errors without the final dot, BytesIO with it.
fn check_open_for(o: &PyObj, dot_for_stringio: bool) -> PyResult<()> {
    if is_closed(o) {
        let dot = !o.is_instance_of(&STRINGIO_TYPE) || dot_for_stringio;
        return Err(closed_err(dot));
    }
    Ok(())
}

fn shared_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("readable", |a, k| {
            Args::new(a, k).exact("readable", 1)?;
            check_open_for(&a[0], false)?;
            Ok(int::bool_obj(true))
        }),
        MethodDef::new("writable", |a, k| {
            Args::new(a, k).exact("writable", 1)?;
            check_open_for(&a[0], false)?;
            Ok(int::bool_obj(true))
        }),
        MethodDef::new("seekable", |a, k| {
            Args::new(a, k).exact("seekable", 1)?;
            check_open_for(&a[0], false)?;
            Ok(int::bool_obj(true))
        }),
        MethodDef::new("isatty", |a, k| {
            Args::new(a, k).exact("isatty", 1)?;
            check_open_for(&a[0], true)?;
            Ok(int::bool_obj(false))
        }),
        MethodDef::new("flush", |a, k| {
            Args::new(a, k).exact("flush", 1)?;
            if !a[0].is_instance_of(&STRINGIO_TYPE) {
                check_open_for(&a[0], true)?;
            }
            Ok(singletons::none())
        }),
        MethodDef::new("fileno", |a, k| {
            Args::new(a, k).exact("fileno", 1)?;
            Err(super::unsupported("fileno"))
        }),
        MethodDef::new("__enter__", |a, _k| {
            check_open_for(&a[0], true)?;
            Ok(a[0].clone())
        }),
        MethodDef::new("__exit__", |a, _k| {
            ab::call_method(&a[0], "close", &[])?;
            Ok(singletons::none())
        }),
        MethodDef::new("writelines", |a, k| {
            Args::new(a, k).exact("writelines", 2)?;
            check_open_for(&a[0], false)?;
            let it = ab::iter(&a[1])?;
            let write = ab::getattr_str(&a[0], "write")?;
            while let Some(line) = ab::next(&it)? {
                ab::call1(&write, line)?;
            }
            Ok(singletons::none())
        }),
    ]
}

/// Readies StringIO and BytesIO.
pub fn ready_types() {
    let mut s = shared_methods();
    s.extend([
        MethodDef::new("write", s_write),
        MethodDef::new("read", s_read),
        MethodDef::new("readline", s_readline),
        MethodDef::new("readlines", s_readlines),
        MethodDef::new("getvalue", s_getvalue),
        MethodDef::new("tell", s_tell),
        MethodDef::new("seek", s_seek),
        MethodDef::new("truncate", s_truncate),
        MethodDef::new("close", s_close),
    ]);
    let sgs = vec![
        GetSetDef::new("closed", s_closed, None),
        GetSetDef::new("line_buffering", |_| Ok(int::bool_obj(false)), None),
        GetSetDef::new("newlines", |_| Ok(singletons::none()), None),
    ];
    STRINGIO_TYPE.ready_static(Some(&super::TEXTIOBASE_TYPE), &s, &sgs);
    let mut b = shared_methods();
    b.extend([
        MethodDef::new("write", b_write_m),
        MethodDef::new("read", b_read_m),
        MethodDef::new("read1", b_read_m),
        MethodDef::new("readinto", b_readinto_m),
        MethodDef::new("readline", b_readline_m),
        MethodDef::new("readlines", b_readlines_m),
        MethodDef::new("getvalue", b_getvalue_m),
        MethodDef::new("tell", b_tell_m),
        MethodDef::new("seek", b_seek_m),
        MethodDef::new("truncate", b_truncate_m),
        MethodDef::new("close", b_close_m),
        MethodDef::new("getbuffer", b_getbuffer_m),
    ]);
    let bgs = vec![GetSetDef::new("closed", b_closed, None)];
    BYTESIO_TYPE.ready_static(Some(&super::BUFFEREDIOBASE_TYPE), &b, &bgs);
    BYTESIO_BUFFER_TYPE.ready_static(Some(&strand_objects::baseobject::OBJECT_TYPE), &[], &[]);
}
