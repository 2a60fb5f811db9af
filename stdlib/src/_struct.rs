//! The `_struct` module (CPython's Modules/_struct.c): packing Python values into
//! C structs held in `bytes` and back: `pack`, `pack_into`, `unpack`,
//! `unpack_from`, `iter_unpack`, `calcsize`, `_clearcache`, the `Struct` type and
//! `error`.
//!
//! A format parses into a [`Layout`] (plain Rust data: runs of one format code,
//! their offsets and sizes), cached by format text for the module-level functions,
//! as CPython caches `Struct` objects. Every byte order is supported: `@` (native
//! sizes and alignment, the default), `=` (native order, standard sizes), `<`, `>`
//! and `!`; every code: `x c b B ? h H i I l L q Q n N e f d s p P`.
//!
//! Errors follow CPython 3.11 bug for bug, including the messages that differ by
//! byte order (CPython uses the native routines for little-endian standard sizes
//! that match the machine's, and `_PyLong_AsByteArray` for big-endian 8-byte
//! integers), and the rule that an `OverflowError` met while packing an `int`
//! becomes `struct.error: int too large to convert`.
//!
//! `pack_into` writes into any writable buffer (`bytearray`, a writable
//! `memoryview`, `array.array`); the others read any bytes-like object.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use num_traits::ToPrimitive;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{
    bytes, dict, float, int, module, singletons, str as pystr, tuple, PyErr, PyObj, PyResult,
};

use crate::modsupport::{self, Leaked};
use strand_interp::native_module::add_functions;

// ---------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------

/// The byte order and size convention a format's first character selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    /// `@` or none: native order, native sizes and alignment.
    Native,
    /// `=` native order, `<`: standard sizes, little-endian.
    Little,
    /// `>` and `!`: standard sizes, big-endian.
    Big,
}

/// One run of a format code: `count` items of `size` bytes each from `offset`
/// (`s` and `p` are one item of `size` bytes).
#[derive(Clone, Copy, Debug)]
struct Run {
    code: u8,
    offset: usize,
    size: usize,
    count: usize,
}

/// A parsed format.
#[derive(Debug)]
pub struct Layout {
    order: Order,
    /// Bytes packed.
    size: usize,
    /// Values packed or unpacked.
    len: usize,
    runs: Vec<Run>,
}

impl Layout {
    fn empty() -> Layout {
        Layout {
            order: Order::Native,
            size: 0,
            len: 0,
            runs: Vec::new(),
        }
    }
}

/// `(size, alignment)` of `code` in `order`, or `None` if the code is not one.
fn entry(order: Order, code: u8) -> Option<(usize, usize)> {
    let native = order == Order::Native;
    Some(match code {
        b'x' | b'c' | b'b' | b'B' | b'?' | b's' | b'p' => (1, 1),
        b'h' | b'H' | b'e' => (2, 2),
        b'i' | b'I' | b'f' => (4, 4),
        b'l' | b'L' if native => (8, 8),
        b'l' | b'L' => (4, 4),
        b'q' | b'Q' | b'd' => (8, 8),
        b'n' | b'N' | b'P' if native => (8, 8),
        _ => return None,
    })
}

fn error_class() -> PyObj {
    static E: Leaked = Leaked::new();
    E.get_or_init(|| {
        modsupport::new_exception_class("struct", "error", &[exc::EXCEPTION_TYPE.to_obj()])
    })
}

fn struct_error(msg: impl AsRef<str>) -> PyErr {
    modsupport::raise(&error_class(), msg)
}

fn too_long() -> PyErr {
    struct_error("total struct size too long")
}

/// Parses a format (CPython's `prepare_s`).
fn parse(fmt: &[u8]) -> PyResult<Layout> {
    if fmt.contains(&0) {
        return Err(struct_error("embedded null character"));
    }
    let (order, body) = match fmt.first() {
        Some(b'@') => (Order::Native, &fmt[1..]),
        Some(b'=') => (
            if cfg!(target_endian = "little") {
                Order::Little
            } else {
                Order::Big
            },
            &fmt[1..],
        ),
        Some(b'<') => (Order::Little, &fmt[1..]),
        Some(b'>' | b'!') => (Order::Big, &fmt[1..]),
        _ => (Order::Native, fmt),
    };
    let mut runs = Vec::new();
    let (mut size, mut len) = (0usize, 0usize);
    let max = isize::MAX as usize;
    let mut i = 0;
    while i < body.len() {
        let mut c = body[i];
        i += 1;
        if c.is_ascii_whitespace() || c == b'\x0b' {
            continue;
        }
        let num = if c.is_ascii_digit() {
            let mut num = usize::from(c - b'0');
            loop {
                match body.get(i) {
                    Some(&d) if d.is_ascii_digit() => {
                        i += 1;
                        num = num
                            .checked_mul(10)
                            .and_then(|n| n.checked_add(usize::from(d - b'0')))
                            .filter(|&n| n <= max)
                            .ok_or_else(too_long)?;
                    }
                    Some(&d) => {
                        i += 1;
                        c = d;
                        break;
                    }
                    None => {
                        return Err(struct_error("repeat count given without format specifier"))
                    }
                }
            }
            num
        } else {
            1
        };
        let (itemsize, align) =
            entry(order, c).ok_or_else(|| struct_error("bad char in struct format"))?;
        if order == Order::Native && size > 0 {
            size = (size - 1)
                .checked_div(align)
                .and_then(|q| (q + 1).checked_mul(align))
                .filter(|&n| n <= max)
                .ok_or_else(too_long)?;
        }
        if num > (max - size) / itemsize {
            return Err(too_long());
        }
        match c {
            b's' | b'p' => {
                len += 1;
                runs.push(Run {
                    code: c,
                    offset: size,
                    size: num,
                    count: 1,
                });
            }
            b'x' => {}
            _ => {
                len += num;
                if num > 0 {
                    runs.push(Run {
                        code: c,
                        offset: size,
                        size: itemsize,
                        count: num,
                    });
                }
            }
        }
        size += num * itemsize;
    }
    Ok(Layout {
        order,
        size,
        len,
        runs,
    })
}

/// The format's text: a `str` (which must be ASCII) or `bytes`.
fn format_bytes(fmt: &PyObj, who: &str) -> PyResult<Vec<u8>> {
    if pystr::is_str(fmt) {
        let s = pystr::as_str(fmt);
        if let Some(pos) = s.find(|ch: char| !ch.is_ascii()) {
            let index = s[..pos].chars().count();
            return Err(exc::unicode_encode_error(
                "ascii",
                fmt.clone(),
                index,
                index + 1,
                "ordinal not in range(128)",
            ));
        }
        return Ok(s.as_bytes().to_vec());
    }
    if let Some(b) = bytes::as_bytes_opt(fmt) {
        return Ok(b.to_vec());
    }
    Err(type_error(format!(
        "{who}() argument 1 must be a str or bytes object, not {}",
        fmt.ty().name()
    )))
}

/// The cache of parsed formats behind the module-level functions.
static CACHE: Mutex<Option<HashMap<Vec<u8>, Arc<Layout>>>> = Mutex::new(None);

/// CPython keeps at most this many cached formats.
const MAXCACHE: usize = 100;

fn cached(fmt: &PyObj) -> PyResult<Arc<Layout>> {
    let key = format_bytes(fmt, "Struct")?;
    if let Some(l) = modsupport::lock(&CACHE)
        .as_ref()
        .and_then(|c| c.get(&key).cloned())
    {
        return Ok(l);
    }
    let layout = Arc::new(parse(&key)?);
    let mut g = modsupport::lock(&CACHE);
    let cache = g.get_or_insert_with(HashMap::new);
    if cache.len() >= MAXCACHE {
        cache.clear();
    }
    cache.insert(key, layout.clone());
    Ok(layout)
}

// ---------------------------------------------------------------------------------
// Packing
// ---------------------------------------------------------------------------------

/// `v` as an int, through `__index__` (CPython's `get_pylong`).
fn get_pylong(v: &PyObj) -> PyResult<PyObj> {
    if int::is_int(v) {
        return Ok(v.clone());
    }
    if v.ty().slots().number.index.is_some() {
        return ab::index(v);
    }
    Err(struct_error("required argument is not an integer"))
}

fn out_of_range() -> PyErr {
    struct_error("argument out of range")
}

/// Writes the low `out.len()` bytes of `x` (two's complement) in `order`.
fn put_int(out: &mut [u8], x: i128, order: Order) {
    let le = x.to_le_bytes();
    let n = out.len();
    let big = match order {
        Order::Big => true,
        Order::Little => false,
        Order::Native => cfg!(target_endian = "big"),
    };
    for (k, b) in out.iter_mut().enumerate() {
        *b = if big { le[n - 1 - k] } else { le[k] };
    }
}

fn read_uint(p: &[u8], order: Order) -> u64 {
    let big = match order {
        Order::Big => true,
        Order::Little => false,
        Order::Native => cfg!(target_endian = "big"),
    };
    let mut x = 0u64;
    if big {
        for &b in p {
            x = (x << 8) | u64::from(b);
        }
    } else {
        for &b in p.iter().rev() {
            x = (x << 8) | u64::from(b);
        }
    }
    x
}

/// Packs an integer code, with CPython 3.11's conversions and messages.
fn pack_int(code: u8, order: Order, v: &PyObj, out: &mut [u8]) -> PyResult<()> {
    let n = get_pylong(v)?;
    let x: Option<i128> = match int::value(&n) {
        int::Int::Small(x) => Some(i128::from(x)),
        int::Int::Big(b) => b.to_i128(),
    };
    let size = out.len();
    let signed = code.is_ascii_lowercase();
    let in_i64 = |x: Option<i128>| x.filter(|&x| i64::try_from(x).is_ok());
    let in_u64 = |x: Option<i128>| x.filter(|&x| u64::try_from(x).is_ok());
    let too_large = || struct_error("int too large to convert");
    if code == b'P' {
        let x = x
            .filter(|&x| i64::try_from(x).is_ok() || u64::try_from(x).is_ok())
            .ok_or_else(too_large)?;
        put_int(out, x, order);
        return Ok(());
    }
    if size == 8 && order == Order::Big {
        let x = if signed { in_i64(x) } else { in_u64(x) }.ok_or_else(too_large)?;
        put_int(out, x, order);
        return Ok(());
    }
    // get_ulong for the unsigned codes of 4 and 8 bytes (and big-endian 'H'),
    // get_long for the rest.
    let unsigned_conv = !signed && (size >= 4 || (code == b'H' && order == Order::Big));
    let x = if unsigned_conv { in_u64(x) } else { in_i64(x) }.ok_or_else(out_of_range)?;
    let fail = |msg: String| Err(struct_error(msg));
    match (size, code) {
        (1, b'b') if !(-128..=127).contains(&x) => {
            return fail("byte format requires -128 <= number <= 127".into())
        }
        (1, b'B') if !(0..=255).contains(&x) => {
            return fail("ubyte format requires 0 <= number <= 255".into())
        }
        (2, b'h') if !(-32768..=32767).contains(&x) => {
            return fail(if order == Order::Big {
                "'h' format requires -32768 <= number <= 32767".into()
            } else {
                "short format requires -32768 <= number <= 32767".into()
            })
        }
        (2, b'H') if !(0..=65535).contains(&x) => {
            return fail(if order == Order::Big {
                "'H' format requires 0 <= number <= 65535".into()
            } else {
                "ushort format requires 0 <= number <= 65535".into()
            })
        }
        (4, _) if signed && !(-2147483648..=2147483647).contains(&x) => {
            return fail(format!(
                "'{}' format requires -2147483648 <= number <= 2147483647",
                code as char
            ))
        }
        (4, _) if !signed && x > 4294967295 => {
            return fail(format!(
                "'{}' format requires 0 <= number <= 4294967295",
                code as char
            ))
        }
        _ => {}
    }
    put_int(out, x, order);
    Ok(())
}

fn get_double(v: &PyObj) -> PyResult<f64> {
    ab::as_f64(v).map_err(|_| struct_error("required argument is not a float"))
}

fn float_overflow(code: u8) -> PyErr {
    exc::overflow_error(format!(
        "float too large to pack with {} format",
        code as char
    ))
}

/// IEEE 754 half precision, rounding half to even (CPython's `PyFloat_Pack2`).
fn pack_half(x: f64) -> Option<u16> {
    let sign = u16::from(x.is_sign_negative());
    if x.is_nan() {
        return Some((sign << 15) | (0x1f << 10) | 512);
    }
    if x.is_infinite() {
        return Some((sign << 15) | (0x1f << 10));
    }
    if x == 0.0 {
        return Some(sign << 15);
    }
    let (mut f, mut e) = strand_objects::hash::frexp(x.abs());
    f *= 2.0;
    e -= 1;
    if e >= 16 {
        return None;
    } else if e < -25 {
        f = 0.0;
        e = 0;
    } else if e < -14 {
        f = int::libm_ldexp(f, 14 + e);
        e = 0;
    } else {
        e += 15;
        f -= 1.0;
    }
    f *= 1024.0;
    let mut bits = f as u16;
    let rest = f - f64::from(bits);
    if rest > 0.5 || (rest == 0.5 && bits % 2 == 1) {
        bits += 1;
        if bits == 1024 {
            bits = 0;
            e += 1;
            if e == 31 {
                return None;
            }
        }
    }
    Some(bits | ((e as u16) << 10) | (sign << 15))
}

fn unpack_half(h: u16) -> f64 {
    let sign = h >> 15;
    let e = i32::from((h >> 10) & 0x1f);
    let f = h & 0x3ff;
    if e == 0x1f {
        let v = if f == 0 { f64::INFINITY } else { f64::NAN };
        return if sign == 1 { -v } else { v };
    }
    let mut x = f64::from(f) / 1024.0;
    let e = if e == 0 {
        -14
    } else {
        x += 1.0;
        e - 15
    };
    let x = int::libm_ldexp(x, e);
    if sign == 1 {
        -x
    } else {
        x
    }
}

fn put_bytes(out: &mut [u8], le: &[u8], order: Order) {
    let big = match order {
        Order::Big => true,
        Order::Little => false,
        Order::Native => cfg!(target_endian = "big"),
    };
    let n = out.len();
    for (k, b) in out.iter_mut().enumerate() {
        *b = if big { le[n - 1 - k] } else { le[k] };
    }
}

fn pack_one(code: u8, order: Order, v: &PyObj, out: &mut [u8]) -> PyResult<()> {
    match code {
        b'?' => out[0] = u8::from(ab::is_true(v)?),
        b'c' => match bytes::as_bytes_opt(v) {
            Some([b]) => out[0] = *b,
            _ => {
                return Err(struct_error(
                    "char format requires a bytes object of length 1",
                ))
            }
        },
        b'e' => {
            let h = pack_half(get_double(v)?).ok_or_else(|| float_overflow(code))?;
            put_bytes(out, &h.to_le_bytes(), order);
        }
        b'f' => {
            let x = get_double(v)?;
            let y = x as f32;
            if order != Order::Native && y.is_infinite() && !x.is_infinite() {
                return Err(float_overflow(code));
            }
            put_bytes(out, &y.to_le_bytes(), order);
        }
        b'd' => put_bytes(out, &get_double(v)?.to_le_bytes(), order),
        _ => pack_int(code, order, v, out)?,
    }
    Ok(())
}

/// Packs `values` by `layout` into `out` (zeroed, `layout.size` bytes).
fn pack_into_buf(layout: &Layout, values: &[PyObj], out: &mut [u8]) -> PyResult<()> {
    let mut vals = values.iter();
    for run in &layout.runs {
        match run.code {
            b's' | b'p' => {
                let v = vals.next().expect("count checked");
                let Some(data) = bytes::as_bytes_opt(v) else {
                    return Err(struct_error(format!(
                        "argument for '{}' must be a bytes object",
                        run.code as char
                    )));
                };
                let dst = &mut out[run.offset..run.offset + run.size];
                if run.code == b's' {
                    let n = data.len().min(run.size);
                    dst[..n].copy_from_slice(&data[..n]);
                } else if run.size > 0 {
                    let n = data.len().min(run.size - 1);
                    dst[1..1 + n].copy_from_slice(&data[..n]);
                    dst[0] = n.min(255) as u8;
                }
            }
            code => {
                for k in 0..run.count {
                    let v = vals.next().expect("count checked");
                    let start = run.offset + k * run.size;
                    let dst = &mut out[start..start + run.size];
                    if let Err(e) = pack_one(code, layout.order, v, dst) {
                        if int::is_int(v) && e.is_instance(&exc::OVERFLOW_ERROR_TYPE) {
                            return Err(struct_error("int too large to convert"));
                        }
                        return Err(e);
                    }
                }
            }
        }
    }
    Ok(())
}

fn pack_values(layout: &Layout, values: &[PyObj]) -> PyResult<PyObj> {
    if values.len() != layout.len {
        return Err(struct_error(format!(
            "pack expected {} items for packing (got {})",
            layout.len,
            values.len()
        )));
    }
    let mut out = vec![0u8; layout.size];
    pack_into_buf(layout, values, &mut out)?;
    Ok(bytes::new(&out))
}

/// `pack_into(buffer, offset, *values)` after the layout is known: packs into the
/// writable buffer at `offset` (negative: from the end). As in CPython, the target
/// bytes are zeroed first and a value that fails to pack leaves the ones before it
/// written.
fn pack_into_values(layout: &Layout, args: &[PyObj]) -> PyResult<PyObj> {
    if args.len() != layout.len + 2 {
        return Err(match args.len() {
            0 => struct_error("pack_into expected buffer argument"),
            1 => struct_error("pack_into expected offset argument"),
            n => struct_error(format!(
                "pack_into expected {} items for packing (got {})",
                layout.len,
                n - 2
            )),
        });
    }
    let buffer = strand_objects::buffer::writable_buffer(&args[0], None)?;
    let len = buffer.len() as isize;
    let size = layout.size as isize;
    let mut offset = int::to_isize(&ab::index(&args[1])?).map_err(|_| {
        exc::index_error(format!(
            "cannot fit '{}' into an index-sized integer",
            args[1].ty().name()
        ))
    })?;
    if offset < 0 {
        if offset + size > 0 {
            return Err(struct_error(format!(
                "no space to pack {size} bytes at offset {offset}"
            )));
        }
        if offset + len < 0 {
            return Err(struct_error(format!(
                "offset {offset} out of range for {len}-byte buffer"
            )));
        }
        offset += len;
    }
    if len - offset < size {
        return Err(struct_error(format!(
            "pack_into requires a buffer of at least {} bytes for packing {size} bytes at offset {offset} (actual buffer size is {len})",
            size as usize + offset as usize
        )));
    }
    // Values are converted (Python code may run) before the buffer is locked.
    let mut out = vec![0u8; layout.size];
    let r = pack_into_buf(layout, &args[2..], &mut out);
    let at = offset as usize;
    buffer.with_bytes_mut(|b| b[at..at + out.len()].copy_from_slice(&out));
    r.map(|()| strand_objects::singletons::none())
}

// ---------------------------------------------------------------------------------
// Unpacking
// ---------------------------------------------------------------------------------

fn unpack_one(code: u8, order: Order, p: &[u8]) -> PyObj {
    let size = p.len();
    match code {
        b'?' => int::bool_obj(p[0] != 0),
        b'c' => bytes::new(p),
        b'e' => float::from_f64(unpack_half(read_uint(p, order) as u16)),
        b'f' => float::from_f64(f64::from(f32::from_bits(read_uint(p, order) as u32))),
        b'd' => float::from_f64(f64::from_bits(read_uint(p, order))),
        c if c.is_ascii_lowercase() => {
            let u = read_uint(p, order);
            let shift = 64 - 8 * size as u32;
            int::from_i64(((u << shift) as i64) >> shift)
        }
        _ => int::from_i128(i128::from(read_uint(p, order))),
    }
}

/// Unpacks `layout.size` bytes of `data` into a tuple.
fn unpack_buf(layout: &Layout, data: &[u8]) -> PyObj {
    let mut out = Vec::with_capacity(layout.len);
    for run in &layout.runs {
        let p = &data[run.offset..];
        match run.code {
            b's' => out.push(bytes::new(&p[..run.size])),
            b'p' => {
                let n = if run.size == 0 {
                    0
                } else {
                    usize::from(p[0]).min(run.size - 1)
                };
                out.push(bytes::new(if run.size == 0 { &[] } else { &p[1..1 + n] }));
            }
            code => {
                for k in 0..run.count {
                    let q = &p[k * run.size..(k + 1) * run.size];
                    out.push(unpack_one(code, layout.order, q));
                }
            }
        }
    }
    tuple::from_vec(out)
}

fn unpack_values(layout: &Layout, buffer: &PyObj) -> PyResult<PyObj> {
    let data = crate::buffer::bytes_like(buffer)?;
    if data.len() != layout.size {
        return Err(struct_error(format!(
            "unpack requires a buffer of {} bytes",
            layout.size
        )));
    }
    Ok(unpack_buf(layout, &data))
}

fn unpack_from_values(layout: &Layout, buffer: &PyObj, offset: Option<&PyObj>) -> PyResult<PyObj> {
    let data = crate::buffer::bytes_like(buffer)?;
    let orig = match offset {
        Some(o) => int::to_isize(&ab::index(o)?)?,
        None => 0,
    };
    let len = data.len() as isize;
    let size = layout.size as isize;
    let mut off = orig;
    if orig < 0 {
        if off + len < 0 {
            return Err(struct_error(format!(
                "offset {orig} out of range for {len}-byte buffer"
            )));
        }
        off += len;
        if len - off < size {
            return Err(struct_error(format!(
                "not enough data to unpack {size} bytes at offset {orig}"
            )));
        }
    } else if len - off < size {
        return Err(struct_error(format!(
            "unpack_from requires a buffer of at least {} bytes for unpacking {size} bytes at offset {off} (actual buffer size is {len})",
            size as usize + off as usize
        )));
    }
    Ok(unpack_buf(layout, &data[off as usize..]))
}

// ---------------------------------------------------------------------------------
// unpack_iterator
// ---------------------------------------------------------------------------------

/// The layout of `_struct.unpack_iterator`.
#[repr(C)]
pub struct PyUnpackIter {
    header: ObjectHeader,
    layout: Arc<Layout>,
    data: Vec<u8>,
    pos: std::sync::atomic::AtomicUsize,
}

unsafe fn unpackiter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `iter_unpack`.
    unsafe {
        let p = obj.as_ptr() as *mut PyUnpackIter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).layout));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).data));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_struct.unpack_iterator`.
    pub static UNPACK_ITER_TYPE = {
        name: "_struct.unpack_iterator",
        layout: PyUnpackIter,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: unpackiter_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(unpackiter_next),
            new: Some(|_, _, _| Err(type_error("Cannot create 'unpack_iterator objects"))),
            ..Slots::EMPTY
        },
    }
}

fn iter_payload(o: &PyObj) -> &PyUnpackIter {
    // SAFETY: installed on UNPACK_ITER_TYPE only (not a base type).
    unsafe { o.payload_unchecked::<PyUnpackIter>() }
}

fn unpackiter_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let it = iter_payload(o);
    let size = it.layout.size;
    let start = it.pos.fetch_add(size, std::sync::atomic::Ordering::Relaxed);
    if start + size > it.data.len() {
        it.pos
            .store(it.data.len(), std::sync::atomic::Ordering::Relaxed);
        return Ok(None);
    }
    Ok(Some(unpack_buf(&it.layout, &it.data[start..])))
}

fn unpackiter_length_hint(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__length_hint__", 1)?;
    let it = iter_payload(&a[0]);
    let pos = it.pos.load(std::sync::atomic::Ordering::Relaxed);
    Ok(int::from_usize(
        it.data.len().saturating_sub(pos) / it.layout.size,
    ))
}

fn iter_unpack_values(layout: Arc<Layout>, buffer: &PyObj) -> PyResult<PyObj> {
    if layout.size == 0 {
        return Err(struct_error(
            "cannot iteratively unpack with a struct of length 0",
        ));
    }
    let data = crate::buffer::bytes_like(buffer)?;
    if !data.len().is_multiple_of(layout.size) {
        return Err(struct_error(format!(
            "iterative unpacking requires a buffer of a multiple of {} bytes",
            layout.size
        )));
    }
    let ty = &UNPACK_ITER_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyUnpackIter layout; every field is written
    // before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyUnpackIter;
        std::ptr::addr_of_mut!((*p).layout).write(layout);
        std::ptr::addr_of_mut!((*p).data).write(data);
        std::ptr::addr_of_mut!((*p).pos).write(std::sync::atomic::AtomicUsize::new(0));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

// ---------------------------------------------------------------------------------
// Struct
// ---------------------------------------------------------------------------------

/// The state of a `Struct`: its format (as `Struct.format` gives it) and layout,
/// replaced together by `__init__`.
struct StructState {
    format: String,
    layout: Arc<Layout>,
}

/// The layout of `_struct.Struct`.
#[repr(C)]
pub struct PyStruct {
    header: ObjectHeader,
    state: Mutex<StructState>,
}

unsafe fn struct_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the field was initialised by `struct_new`.
    unsafe {
        let p = obj.as_ptr() as *mut PyStruct;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_struct.Struct`.
    pub static STRUCT_TYPE = {
        name: "_struct.Struct",
        layout: PyStruct,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE,
        traverse: None,
        clear: None,
        dealloc: struct_dealloc,
        size: None,
        slots: Slots {
            new: Some(struct_new),
            init: Some(struct_init),
            ..Slots::EMPTY
        },
    }
}

fn struct_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty: &PyType = strand_objects::typeobj::expect_type(cls, "Struct.__new__(X)")?;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyStruct layout; the field is written and
    // the slots region zeroed before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyStruct;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(StructState {
            format: String::new(),
            layout: Arc::new(Layout::empty()),
        }));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn struct_payload(o: &PyObj) -> PyResult<&PyStruct> {
    if !o.is_instance_of(&STRUCT_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a '_struct.Struct' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a Struct (or a subclass, which extends the layout).
    Ok(unsafe { o.payload_unchecked::<PyStruct>() })
}

fn layout_of(o: &PyObj) -> PyResult<Arc<Layout>> {
    Ok(modsupport::lock(&struct_payload(o)?.state).layout.clone())
}

fn struct_init(o: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let a = Args::new(args, kw);
    let bound = a.bind("Struct", 0, &["format"], 1)?;
    let fmt = bound[0].expect("required");
    let raw = format_bytes(fmt, "Struct")?;
    let layout = Arc::new(parse(&raw)?);
    let format = String::from_utf8_lossy(&raw).into_owned();
    let mut st = modsupport::lock(&struct_payload(o)?.state);
    st.format = format;
    st.layout = layout;
    Ok(())
}

fn s_pack(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("pack")?;
    pack_values(&*layout_of(&a[0])?, &a[1..])
}

fn s_pack_into(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("pack_into")?;
    pack_into_values(&*layout_of(&a[0])?, &a[1..])
}

fn s_unpack(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("unpack", 2)?;
    unpack_values(&*layout_of(&a[0])?, &a[1])
}

fn s_unpack_from(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("unpack_from", 1, &["buffer", "offset"], 1)?;
    unpack_from_values(&*layout_of(&a[0])?, b[0].expect("required"), b[1])
}

fn s_iter_unpack(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("iter_unpack", 2)?;
    iter_unpack_values(layout_of(&a[0])?, &a[1])
}

fn s_sizeof(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__sizeof__", 1)?;
    let l = layout_of(&a[0])?;
    Ok(int::from_usize(
        std::mem::size_of::<PyStruct>() + (l.len + 1) * 24,
    ))
}

fn struct_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("pack", s_pack),
        MethodDef::new("pack_into", s_pack_into),
        MethodDef::new("unpack", s_unpack),
        MethodDef::new("unpack_from", s_unpack_from),
        MethodDef::new("iter_unpack", s_iter_unpack),
        MethodDef::new("__sizeof__", s_sizeof),
    ]
}

fn struct_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new(
            "format",
            |o| {
                Ok(pystr::from_string(
                    modsupport::lock(&struct_payload(o)?.state).format.clone(),
                ))
            },
            None,
        ),
        GetSetDef::new("size", |o| Ok(int::from_usize(layout_of(o)?.size)), None),
    ]
}

// ---------------------------------------------------------------------------------
// Module functions
// ---------------------------------------------------------------------------------

fn f_pack(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("_struct.pack")?;
    let fmt = a
        .first()
        .ok_or_else(|| type_error("missing format argument"))?;
    pack_values(&*cached(fmt)?, &a[1..])
}

fn f_pack_into(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("_struct.pack_into")?;
    let fmt = a
        .first()
        .ok_or_else(|| type_error("missing format argument"))?;
    pack_into_values(&*cached(fmt)?, &a[1..])
}

fn f_unpack(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("unpack", 2, 2)?;
    unpack_values(&*cached(&a[0])?, &a[1])
}

fn f_unpack_from(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let fmt = args
        .positional(0)
        .ok_or_else(|| type_error("unpack_from() missing required argument 'format' (pos 1)"))?;
    let b = args.bind("unpack_from", 1, &["buffer", "offset"], 0)?;
    let buffer =
        b[0].ok_or_else(|| type_error("unpack_from() missing required argument 'buffer' (pos 2)"))?;
    unpack_from_values(&*cached(fmt)?, buffer, b[1])
}

fn f_iter_unpack(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("iter_unpack", 2, 2)?;
    iter_unpack_values(cached(&a[0])?, &a[1])
}

fn f_calcsize(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    args.no_kwargs("_struct.calcsize")?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "_struct.calcsize() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    Ok(int::from_usize(cached(&a[0])?.size))
}

fn f_clearcache(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("_clearcache", 0, 0)?;
    *modsupport::lock(&CACHE) = None;
    Ok(singletons::none())
}

/// The `_struct` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        STRUCT_TYPE.ready_static(Some(object), &struct_methods(), &struct_getsets());
        UNPACK_ITER_TYPE.ready_static(
            Some(object),
            &[MethodDef::new("__length_hint__", unpackiter_length_hint)],
            &[],
        );
    });
    let m = module::new_native_module("_struct");
    add_functions(
        &m,
        "_struct",
        &[
            ("pack", f_pack),
            ("pack_into", f_pack_into),
            ("unpack", f_unpack),
            ("unpack_from", f_unpack_from),
            ("iter_unpack", f_iter_unpack),
            ("calcsize", f_calcsize),
            ("_clearcache", f_clearcache),
        ],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "Struct", STRUCT_TYPE.to_obj());
    dict::set_item_str(&d, "error", error_class());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_precision_round_trips_and_rounds_half_even() {
        for x in [
            0.0,
            1.0,
            -2.5,
            65504.0,
            6.103515625e-05,
            5.960464477539063e-08,
        ] {
            assert_eq!(unpack_half(pack_half(x).unwrap()), x);
        }
        assert_eq!(pack_half(65520.0), None);
        assert_eq!(pack_half(1.0 + 1.0 / 2048.0), Some(0x3c00));
        assert_eq!(pack_half(1.0 + 3.0 / 2048.0), Some(0x3c02));
    }
}
