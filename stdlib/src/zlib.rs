//! The `zlib` module (CPython's Modules/zlibmodule.c): `compress`, `decompress`,
//! `compressobj`, `decompressobj` (the `zlib.Compress` and `zlib.Decompress`
//! types: streaming, `flush` modes, `copy`, preset dictionaries, `max_length`,
//! `unused_data`, `unconsumed_tail`, `eof`), `crc32`, `adler32`, the constants and
//! `error`.
//!
//! The engine is zlib-rs through its zlib-compatible API (`libz-rs-sys`), so every
//! `wbits` form zlib accepts works as in CPython: 9..15 with a zlib header, -9..-15
//! raw, 25..31 gzip, 40..47 automatic header detection; `memLevel` and `strategy`
//! too. The loops and their error messages follow zlibmodule.c. zlib-rs may choose
//! different (equally valid) compressed encodings than the C zlib CPython links
//! with, so compressed bytes can differ from CPython's; what they decompress to
//! does not.
//!
//! Each stream lives in a `Box` (zlib's state points back at its `z_stream`) behind
//! the object's mutex; input is copied out of Python objects before it is taken.

use std::ffi::{c_int, CStr};
use std::sync::Mutex;

use libz_rs_sys as z;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{Slots, TypeFlags};
use strand_objects::{bytes, dict, int, module, str as pystr, PyErr, PyObj, PyResult};

use crate::modsupport::{self, add_int, Leaked};
use strand_interp::native_module::add_functions;

const DEF_BUF_SIZE: usize = 16 * 1024;
const MAX_WBITS: c_int = 15;
const DEFLATED: c_int = 8;
const DEF_MEM_LEVEL: c_int = 8;

fn error_class() -> PyObj {
    static E: Leaked = Leaked::new();
    E.get_or_init(|| {
        modsupport::new_exception_class("zlib", "error", &[exc::EXCEPTION_TYPE.to_obj()])
    })
}

fn zlib_msg(err: c_int, msg: Option<String>, what: &str) -> PyErr {
    let zmsg = if err == z::Z_VERSION_ERROR {
        Some("library version mismatch".to_string())
    } else {
        msg.or_else(|| {
            match err {
                z::Z_BUF_ERROR => Some("incomplete or truncated stream"),
                z::Z_STREAM_ERROR => Some("inconsistent stream state"),
                z::Z_DATA_ERROR => Some("invalid input data"),
                _ => None,
            }
            .map(str::to_string)
        })
    };
    modsupport::raise(
        &error_class(),
        match zmsg {
            Some(m) => format!("Error {err} {what}: {m}"),
            None => format!("Error {err} {what}"),
        },
    )
}

/// One zlib stream, pinned in a box for the life of its state.
struct Stream {
    strm: Box<z::z_stream>,
    /// `deflateEnd`/`inflateEnd` is still to be called.
    live: bool,
    deflate: bool,
}

// SAFETY: the stream's raw pointers refer to its own boxed state (and, only during
// one call made under the owner's lock, to buffers of that call); nothing ties it to
// the thread that made it.
unsafe impl Send for Stream {}

impl Stream {
    fn new(deflate: bool) -> Stream {
        let mut strm: Box<z::z_stream> = Box::default();
        strm.next_out = std::ptr::NonNull::dangling().as_ptr();
        Stream {
            strm,
            live: false,
            deflate,
        }
    }

    fn msg(&self) -> Option<String> {
        let p = self.strm.msg;
        // SAFETY: zlib sets msg to null or a static NUL-terminated string.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }

    fn deflate_init(&mut self, level: c_int, wbits: c_int, mem: c_int, strategy: c_int) -> c_int {
        // SAFETY: a fresh boxed z_stream; the version and size are the library's own.
        let err = unsafe {
            z::deflateInit2_(
                &mut *self.strm,
                level,
                DEFLATED,
                wbits,
                mem,
                strategy,
                z::zlibVersion(),
                std::mem::size_of::<z::z_stream>() as c_int,
            )
        };
        self.live = err == z::Z_OK;
        err
    }

    fn inflate_init(&mut self, wbits: c_int) -> c_int {
        // SAFETY: as in deflate_init.
        let err = unsafe {
            z::inflateInit2_(
                &mut *self.strm,
                wbits,
                z::zlibVersion(),
                std::mem::size_of::<z::z_stream>() as c_int,
            )
        };
        self.live = err == z::Z_OK;
        err
    }

    fn end(&mut self) -> c_int {
        if !self.live {
            return z::Z_OK;
        }
        self.live = false;
        // SAFETY: an initialised stream, ended once.
        unsafe {
            if self.deflate {
                z::deflateEnd(&mut *self.strm)
            } else {
                z::inflateEnd(&mut *self.strm)
            }
        }
    }

    /// One `deflate`/`inflate` call over `input[*pos..]`, appending up to `room`
    /// bytes to `out`; advances `*pos` by what was consumed.
    fn step(
        &mut self,
        input: &[u8],
        pos: &mut usize,
        out: &mut Vec<u8>,
        room: usize,
        flush: c_int,
    ) -> c_int {
        let avail_in = (input.len() - *pos).min(u32::MAX as usize);
        let room = room.min(u32::MAX as usize);
        out.reserve(room);
        let start = out.len();
        self.strm.next_in = input[*pos..].as_ptr();
        self.strm.avail_in = avail_in as u32;
        // SAFETY: `room` bytes of spare capacity were reserved after `start`.
        self.strm.next_out = unsafe { out.as_mut_ptr().add(start) };
        self.strm.avail_out = room as u32;
        // SAFETY: the stream is initialised (or ended, which zlib reports as
        // Z_STREAM_ERROR); next_in/avail_in and next_out/avail_out describe live
        // buffers for the duration of the call.
        let err = unsafe {
            if self.deflate {
                z::deflate(&mut *self.strm, flush)
            } else {
                z::inflate(&mut *self.strm, flush)
            }
        };
        let produced = room - self.strm.avail_out as usize;
        // SAFETY: zlib wrote `produced` bytes at the start of the spare capacity.
        unsafe { out.set_len(start + produced) };
        *pos += avail_in - self.strm.avail_in as usize;
        // No buffer of this call outlives it. zlib-rs's copy functions insist on a
        // non-null output pointer (zlib leaves a stale one there), so a dangling
        // one stands in; nothing writes through it while avail_out is not reset.
        self.strm.next_in = std::ptr::null();
        self.strm.next_out = std::ptr::NonNull::dangling().as_ptr();
        err
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.end();
    }
}

/// A buffer size to grow output by: CPython doubles its output buffer.
fn grow(out: &[u8], min: usize) -> usize {
    out.len().max(min)
}

fn data_arg(o: &PyObj) -> PyResult<Vec<u8>> {
    crate::buffer::bytes_like(o)
}

fn int_arg(o: Option<&PyObj>, default: i64) -> PyResult<i64> {
    match o {
        None => Ok(default),
        Some(v) => {
            if !int::is_int(v) && v.ty().slots().number.index.is_none() {
                return Err(type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    v.ty().name()
                )));
            }
            let i = ab::index(v)?;
            int::as_i64(&i)
                .ok_or_else(|| exc::overflow_error("Python int too large to convert to C long"))
        }
    }
}

fn c_int_arg(o: Option<&PyObj>, default: i64) -> PyResult<c_int> {
    let v = int_arg(o, default)?;
    c_int::try_from(v).map_err(|_| {
        exc::overflow_error(if v > 0 {
            "signed integer is greater than maximum"
        } else {
            "signed integer is less than minimum"
        })
    })
}

fn size_arg(o: Option<&PyObj>, default: usize) -> PyResult<isize> {
    match o {
        None => Ok(default as isize),
        Some(v) => int::to_isize(&ab::index(v)?),
    }
}

// ---------------------------------------------------------------------------------
// One-shot functions
// ---------------------------------------------------------------------------------

fn compress(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let data = args
        .positional(0)
        .ok_or_else(|| type_error("compress() missing required argument 'data' (pos 1)"))?;
    for (name, _) in args.kwargs() {
        if name == "data" {
            return Err(type_error(
                "compress() got some positional-only arguments passed as keyword arguments: 'data'",
            ));
        }
    }
    let b = args.bind("compress", 1, &["level", "wbits"], 0)?;
    let input = data_arg(data)?;
    let level = c_int_arg(b[0], -1)?;
    let wbits = c_int_arg(b[1], i64::from(MAX_WBITS))?;
    let mut s = Stream::new(true);
    match s.deflate_init(level, wbits, DEF_MEM_LEVEL, 0) {
        z::Z_OK => {}
        z::Z_MEM_ERROR => return Err(exc::memory_error()),
        z::Z_STREAM_ERROR => {
            return Err(modsupport::raise(&error_class(), "Bad compression level"))
        }
        err => return Err(zlib_msg(err, s.msg(), "while compressing data")),
    }
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let room = grow(&out, DEF_BUF_SIZE);
        let err = s.step(&input, &mut pos, &mut out, room, z::Z_FINISH);
        if err == z::Z_STREAM_ERROR {
            return Err(zlib_msg(err, s.msg(), "while compressing data"));
        }
        if err == z::Z_STREAM_END {
            break;
        }
    }
    let err = s.end();
    if err != z::Z_OK {
        return Err(zlib_msg(err, s.msg(), "while finishing compression"));
    }
    Ok(bytes::new(&out))
}

fn decompress(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let data = args
        .positional(0)
        .ok_or_else(|| type_error("decompress() missing required argument 'data' (pos 1)"))?;
    let b = args.bind("decompress", 1, &["wbits", "bufsize"], 0)?;
    let input = data_arg(data)?;
    let wbits = c_int_arg(b[0], i64::from(MAX_WBITS))?;
    let bufsize = size_arg(b[1], DEF_BUF_SIZE)?;
    if bufsize < 0 {
        return Err(value_error("bufsize must be non-negative"));
    }
    let bufsize = (bufsize as usize).max(1);
    let mut s = Stream::new(false);
    match s.inflate_init(wbits) {
        z::Z_OK => {}
        z::Z_MEM_ERROR => return Err(exc::memory_error()),
        err => return Err(zlib_msg(err, s.msg(), "while preparing to decompress data")),
    }
    let mut out = Vec::new();
    let mut pos = 0;
    let mut first = true;
    let err = loop {
        // The last call that can take the rest of the input finishes the stream.
        let flush = if input.len() - pos <= u32::MAX as usize {
            z::Z_FINISH
        } else {
            z::Z_NO_FLUSH
        };
        let room = if first { bufsize } else { grow(&out, bufsize) };
        first = false;
        let before = pos;
        let err = s.step(&input, &mut pos, &mut out, room, flush);
        match err {
            z::Z_OK | z::Z_BUF_ERROR => {}
            z::Z_STREAM_END => break err,
            z::Z_MEM_ERROR => return Err(exc::memory_error()),
            _ => return Err(zlib_msg(err, s.msg(), "while decompressing data")),
        }
        let full = s.strm.avail_out == 0;
        if !full && (pos == input.len() || before == pos) {
            break err;
        }
    };
    if err != z::Z_STREAM_END {
        return Err(zlib_msg(err, s.msg(), "while decompressing data"));
    }
    Ok(bytes::new(&out))
}

fn checksum_value(o: Option<&PyObj>, default: u32) -> PyResult<u32> {
    let Some(v) = o else { return Ok(default) };
    if !int::is_int(v) && v.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.ty().name()
        )));
    }
    let i = ab::index(v)?;
    Ok(match int::value(&i) {
        int::Int::Small(x) => x as u32,
        int::Int::Big(b) => {
            let low = b.to_u32_digits().1.first().copied().unwrap_or(0);
            if b.sign() == num_bigint::Sign::Minus {
                low.wrapping_neg()
            } else {
                low
            }
        }
    })
}

fn crc32(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("crc32", 1, 2)?;
    let data = data_arg(&a[0])?;
    let v = checksum_value(a.get(1), 0)?;
    Ok(int::from_i64(i64::from(crate::binascii::crc32_update(
        v, &data,
    ))))
}

fn adler32(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("adler32", 1, 2)?;
    let data = data_arg(&a[0])?;
    let v = checksum_value(a.get(1), 1)?;
    let (mut s1, mut s2) = (v & 0xffff, v >> 16);
    for chunk in data.chunks(5552) {
        for &b in chunk {
            s1 += u32::from(b);
            s2 += s1;
        }
        s1 %= 65521;
        s2 %= 65521;
    }
    Ok(int::from_i64(i64::from((s2 << 16) | s1)))
}

// ---------------------------------------------------------------------------------
// Compress and Decompress objects
// ---------------------------------------------------------------------------------

/// A streaming object's state.
struct ZState {
    stream: Stream,
    zdict: Option<Vec<u8>>,
    unused_data: Vec<u8>,
    unconsumed_tail: Vec<u8>,
    eof: bool,
}

/// The layout of `zlib.Compress` and `zlib.Decompress`.
#[repr(C)]
pub struct PyZStream {
    header: ObjectHeader,
    state: Mutex<ZState>,
}

unsafe fn zstream_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the state was initialised by `new_zobj`.
    unsafe {
        let p = obj.as_ptr() as *mut PyZStream;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `zlib.Compress`.
    pub static COMPRESS_TYPE = {
        name: "zlib.Compress",
        layout: PyZStream,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: zstream_dealloc,
        size: None,
        slots: Slots {
            new: Some(|_, _, _| Err(type_error("cannot create 'zlib.Compress' instances"))),
            ..Slots::EMPTY
        },
    }
}

strand_objects::builtin_type! {
    /// `zlib.Decompress`.
    pub static DECOMPRESS_TYPE = {
        name: "zlib.Decompress",
        layout: PyZStream,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: zstream_dealloc,
        size: None,
        slots: Slots {
            new: Some(|_, _, _| Err(type_error("cannot create 'zlib.Decompress' instances"))),
            ..Slots::EMPTY
        },
    }
}

fn new_zobj(ty: &'static strand_objects::PyType, state: ZState) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyZStream layout; the state is written
    // before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyZStream;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(state));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn zstate(o: &PyObj) -> std::sync::MutexGuard<'_, ZState> {
    // SAFETY: the methods are installed on the two zlib types only (not base types),
    // whose instances have the PyZStream layout.
    let p = unsafe { o.payload_unchecked::<PyZStream>() };
    modsupport::lock(&p.state)
}

fn compressobj(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind(
        "compressobj",
        0,
        &["level", "method", "wbits", "memLevel", "strategy", "zdict"],
        0,
    )?;
    let level = c_int_arg(b[0], -1)?;
    let method = c_int_arg(b[1], i64::from(DEFLATED))?;
    let wbits = c_int_arg(b[2], i64::from(MAX_WBITS))?;
    let mem = c_int_arg(b[3], i64::from(DEF_MEM_LEVEL))?;
    let strategy = c_int_arg(b[4], 0)?;
    let zdict = match b[5] {
        Some(d) if !strand_objects::singletons::is_none(d) => Some(data_arg(d)?),
        _ => None,
    };
    let mut s = Stream::new(true);
    let err = if method == DEFLATED {
        s.deflate_init(level, wbits, mem, strategy)
    } else {
        z::Z_STREAM_ERROR
    };
    match err {
        z::Z_OK => {}
        z::Z_MEM_ERROR => return Err(exc::memory_error()),
        z::Z_STREAM_ERROR => return Err(value_error("Invalid initialization option")),
        err => return Err(zlib_msg(err, s.msg(), "while creating compression object")),
    }
    if let Some(d) = &zdict {
        // SAFETY: an initialised deflate stream; the dictionary is a live slice.
        let err = unsafe { z::deflateSetDictionary(&mut *s.strm, d.as_ptr(), d.len() as u32) };
        match err {
            z::Z_OK => {}
            z::Z_STREAM_ERROR => return Err(value_error("Invalid dictionary")),
            err => return Err(value_error(format!("deflateSetDictionary() failed: {err}"))),
        }
    }
    Ok(new_zobj(
        &COMPRESS_TYPE,
        ZState {
            stream: s,
            zdict,
            unused_data: Vec::new(),
            unconsumed_tail: Vec::new(),
            eof: false,
        },
    ))
}

fn set_inflate_zdict(st: &mut ZState) -> PyResult<()> {
    let d = st.zdict.clone().unwrap_or_default();
    // SAFETY: an initialised inflate stream; the dictionary is a live slice.
    let err = unsafe { z::inflateSetDictionary(&mut *st.stream.strm, d.as_ptr(), d.len() as u32) };
    if err != z::Z_OK {
        return Err(zlib_msg(err, st.stream.msg(), "while setting zdict"));
    }
    Ok(())
}

fn decompressobj(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("decompressobj", 0, &["wbits", "zdict"], 0)?;
    let wbits = c_int_arg(b[0], i64::from(MAX_WBITS))?;
    let zdict = match b[1] {
        Some(d) => Some(
            crate::buffer::bytes_like(d)
                .map_err(|_| type_error("zdict argument must support the buffer protocol"))?,
        ),
        None => None,
    };
    let mut s = Stream::new(false);
    match s.inflate_init(wbits) {
        z::Z_OK => {}
        z::Z_MEM_ERROR => return Err(exc::memory_error()),
        z::Z_STREAM_ERROR => return Err(value_error("Invalid initialization option")),
        err => {
            return Err(zlib_msg(
                err,
                s.msg(),
                "while creating decompression object",
            ))
        }
    }
    let mut st = ZState {
        stream: s,
        zdict,
        unused_data: Vec::new(),
        unconsumed_tail: Vec::new(),
        eof: false,
    };
    if st.zdict.is_some() && wbits < 0 {
        set_inflate_zdict(&mut st)?;
    }
    Ok(new_zobj(&DECOMPRESS_TYPE, st))
}

fn c_compress(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("compress", 2)?;
    let input = data_arg(&a[1])?;
    let mut st = zstate(&a[0]);
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let room = grow(&out, DEF_BUF_SIZE);
        let err = st
            .stream
            .step(&input, &mut pos, &mut out, room, z::Z_NO_FLUSH);
        if err == z::Z_STREAM_ERROR {
            return Err(zlib_msg(err, st.stream.msg(), "while compressing data"));
        }
        if st.stream.strm.avail_out != 0 && pos == input.len() {
            break;
        }
    }
    Ok(bytes::new(&out))
}

fn c_flush(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect("Compress.flush", 1, 2)?;
    let mode = c_int_arg(a.get(1), i64::from(z::Z_FINISH))?;
    if mode == z::Z_NO_FLUSH {
        return Ok(bytes::new(&[]));
    }
    let mut st = zstate(&a[0]);
    let mut out = Vec::new();
    let mut pos = 0;
    let err = loop {
        let room = grow(&out, DEF_BUF_SIZE);
        let err = st.stream.step(&[], &mut pos, &mut out, room, mode);
        if err == z::Z_STREAM_ERROR {
            return Err(zlib_msg(err, st.stream.msg(), "while flushing"));
        }
        if st.stream.strm.avail_out != 0 {
            break err;
        }
    };
    if err == z::Z_STREAM_END && mode == z::Z_FINISH {
        let e = st.stream.end();
        if e != z::Z_OK {
            return Err(zlib_msg(e, st.stream.msg(), "while finishing compression"));
        }
    } else if err != z::Z_OK && err != z::Z_BUF_ERROR {
        return Err(zlib_msg(err, st.stream.msg(), "while flushing"));
    }
    Ok(bytes::new(&out))
}

/// Records what an inflate call left: unused data after the end of the stream, or
/// the input a `max_length` limit left unconsumed (CPython's
/// `save_unconsumed_input`).
fn save_unconsumed(st: &mut ZState, input: &[u8], pos: usize, err: c_int) {
    if err == z::Z_STREAM_END && pos < input.len() {
        st.unused_data.extend_from_slice(&input[pos..]);
        if st.unconsumed_tail.is_empty() {
            return;
        }
    }
    if pos < input.len() || !st.unconsumed_tail.is_empty() {
        st.unconsumed_tail = input[pos..].to_vec();
    }
}

/// Inflates `input` (up to `limit` bytes of output, 0 for none), with CPython's
/// retry on a needed dictionary. Returns the output and the last zlib code.
fn inflate_loop(
    st: &mut ZState,
    input: &[u8],
    limit: usize,
    finish: bool,
) -> PyResult<(Vec<u8>, usize, c_int)> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut err;
    loop {
        let flush = if finish && input.len() - pos <= u32::MAX as usize {
            z::Z_FINISH
        } else {
            z::Z_SYNC_FLUSH
        };
        let mut room = grow(&out, DEF_BUF_SIZE);
        if limit > 0 {
            room = room.min(limit - out.len());
            if room == 0 {
                err = z::Z_OK;
                break;
            }
        }
        let before = (pos, out.len());
        err = st.stream.step(input, &mut pos, &mut out, room, flush);
        match err {
            z::Z_OK | z::Z_BUF_ERROR | z::Z_STREAM_END => {}
            z::Z_NEED_DICT if st.zdict.is_some() => {
                set_inflate_zdict(st)?;
                continue;
            }
            _ => break,
        }
        if err == z::Z_STREAM_END {
            break;
        }
        let full = st.stream.strm.avail_out == 0;
        if !full && (pos == input.len() || before == (pos, out.len())) {
            break;
        }
    }
    Ok((out, pos, err))
}

fn d_decompress(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let data = args
        .positional(1)
        .ok_or_else(|| type_error("decompress() missing required argument 'data' (pos 1)"))?;
    let b = args.bind("decompress", 2, &["max_length"], 0)?;
    let input = data_arg(data)?;
    let max_length = size_arg(b[0], 0)?;
    if max_length < 0 {
        return Err(value_error("max_length must be non-negative"));
    }
    let mut st = zstate(&a[0]);
    let (out, pos, err) = inflate_loop(&mut st, &input, max_length as usize, false)?;
    save_unconsumed(&mut st, &input, pos, err);
    if err == z::Z_STREAM_END {
        st.eof = true;
    } else if err != z::Z_OK && err != z::Z_BUF_ERROR {
        return Err(zlib_msg(err, st.stream.msg(), "while decompressing data"));
    }
    Ok(bytes::new(&out))
}

fn d_flush(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect("Decompress.flush", 1, 2)?;
    let length = size_arg(a.get(1), DEF_BUF_SIZE)?;
    if length <= 0 {
        return Err(value_error("length must be greater than zero"));
    }
    let mut st = zstate(&a[0]);
    let input = st.unconsumed_tail.clone();
    let (out, pos, err) = inflate_loop(&mut st, &input, 0, true)?;
    save_unconsumed(&mut st, &input, pos, err);
    if err == z::Z_STREAM_END {
        st.eof = true;
        let e = st.stream.end();
        if e != z::Z_OK {
            return Err(zlib_msg(
                e,
                st.stream.msg(),
                "while finishing decompression",
            ));
        }
    }
    Ok(bytes::new(&out))
}

fn z_copy(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("copy", 1)?;
    let st = zstate(&a[0]);
    if !st.stream.live {
        return Err(value_error("Inconsistent stream state"));
    }
    let deflate = st.stream.deflate;
    let mut s = Stream::new(deflate);
    // SAFETY: the source is an initialised stream of the same kind; the destination
    // a fresh boxed z_stream.
    let err = unsafe {
        if deflate {
            z::deflateCopy(&mut *s.strm, &*st.stream.strm as *const _ as *mut _)
        } else {
            z::inflateCopy(&mut *s.strm, &*st.stream.strm)
        }
    };
    match err {
        z::Z_OK => s.live = true,
        z::Z_STREAM_ERROR => return Err(value_error("Inconsistent stream state")),
        z::Z_MEM_ERROR => return Err(exc::memory_error()),
        err => {
            return Err(zlib_msg(
                err,
                st.stream.msg(),
                "while copying compression object",
            ))
        }
    }
    let copy = ZState {
        stream: s,
        zdict: st.zdict.clone(),
        unused_data: st.unused_data.clone(),
        unconsumed_tail: st.unconsumed_tail.clone(),
        eof: st.eof,
    };
    drop(st);
    let ty = if deflate {
        &COMPRESS_TYPE
    } else {
        &DECOMPRESS_TYPE
    };
    Ok(new_zobj(ty, copy))
}

fn z_deepcopy(a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    z_copy(&a[..1], None)
}

/// The `zlib` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        let copies = [
            MethodDef::new("copy", z_copy),
            MethodDef::new("__copy__", z_copy),
            MethodDef::new("__deepcopy__", z_deepcopy),
        ];
        let mut cm = vec![
            MethodDef::new("compress", c_compress),
            MethodDef::new("flush", c_flush),
        ];
        cm.extend(copies);
        COMPRESS_TYPE.ready_static(Some(object), &cm, &[]);
        let mut dm = vec![
            MethodDef::new("decompress", d_decompress),
            MethodDef::new("flush", d_flush),
        ];
        dm.extend(copies);
        DECOMPRESS_TYPE.ready_static(
            Some(object),
            &dm,
            &[
                GetSetDef::new("eof", |o| Ok(int::bool_obj(zstate(o).eof)), None),
                GetSetDef::new(
                    "unused_data",
                    |o| Ok(bytes::new(&zstate(o).unused_data)),
                    None,
                ),
                GetSetDef::new(
                    "unconsumed_tail",
                    |o| Ok(bytes::new(&zstate(o).unconsumed_tail)),
                    None,
                ),
            ],
        );
    });
    let m = module::new_native_module("zlib");
    add_functions(
        &m,
        "zlib",
        &[
            ("compress", compress),
            ("decompress", decompress),
            ("compressobj", compressobj),
            ("decompressobj", decompressobj),
            ("crc32", crc32),
            ("adler32", adler32),
        ],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "error", error_class());
    for (name, v) in [
        ("MAX_WBITS", 15),
        ("DEFLATED", 8),
        ("DEF_MEM_LEVEL", 8),
        ("DEF_BUF_SIZE", DEF_BUF_SIZE as i64),
        ("Z_NO_COMPRESSION", 0),
        ("Z_BEST_SPEED", 1),
        ("Z_BEST_COMPRESSION", 9),
        ("Z_DEFAULT_COMPRESSION", -1),
        ("Z_FILTERED", 1),
        ("Z_HUFFMAN_ONLY", 2),
        ("Z_RLE", 3),
        ("Z_FIXED", 4),
        ("Z_DEFAULT_STRATEGY", 0),
        ("Z_NO_FLUSH", 0),
        ("Z_PARTIAL_FLUSH", 1),
        ("Z_SYNC_FLUSH", 2),
        ("Z_FULL_FLUSH", 3),
        ("Z_FINISH", 4),
        ("Z_BLOCK", 5),
        ("Z_TREES", 6),
    ] {
        add_int(&d, name, v);
    }
    // SAFETY: zlibVersion returns a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(z::zlibVersion()) }
        .to_string_lossy()
        .into_owned();
    dict::set_item_str(&d, "ZLIB_VERSION", pystr::new(&version));
    dict::set_item_str(&d, "ZLIB_RUNTIME_VERSION", pystr::new(&version));
    m
}
