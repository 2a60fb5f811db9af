//! The `array` module (CPython's Modules/arraymodule.c): `array.array`, a sequence
//! of machine numbers stored unboxed, one C type per typecode (`b B u h H i I l L q
//! Q f d`).
//!
//! Items live in a `Vec` of the typecode's Rust type behind the array's mutex (taken
//! like the io buffers: a contended lock is waited for detached). Python values are
//! converted — which may run `__index__`/`__float__` — before the lock is taken, so
//! no Python code ever runs while it is held. Conversion errors carry CPython's
//! messages (`OverflowError: signed char is greater than maximum`, `TypeError: must
//! be real number, not str`...).
//!
//! An array exports its items through the buffer protocol (`memoryview(a)`,
//! `bytes(a)`, `file.write(a)`, `f.readinto(a)`): in the typecode's format, guarded by
//! the same lock, and pinned: while an export lasts, an operation that would change
//! the number of items raises `BufferError: cannot resize an array that is exporting
//! buffers`, so the vector never moves under a view.

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::{Mutex, MutexGuard, TryLockError};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::buffer::{BufferProcs, BufferRequest, PyBuffer};
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{CompareOp, NumberSlots, Slots, TypeFlags};
use strand_objects::{
    bytes, dict, float, int, list, module, singletons, slice, str as pystr, tuple, PyObj, PyResult,
};

/// The typecodes, in CPython's order (`array.typecodes`).
pub const TYPECODES: &str = "bBuhHiIlLqQfd";

/// The items of an array, by C type.
#[derive(Clone, Debug, PartialEq)]
enum Data {
    I8(Vec<i8>),
    U8(Vec<u8>),
    I16(Vec<i16>),
    U16(Vec<u16>),
    I32(Vec<i32>),
    U32(Vec<u32>),
    I64(Vec<i64>),
    U64(Vec<u64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    /// `u`: code points as C's `wchar_t` holds them (any value can be written through
    /// a memoryview; reading an invalid one fails).
    Char(Vec<u32>),
}

/// One item, converted from Python and ready to store.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Item {
    Int(i128),
    Float(f64),
    Char(u32),
}

/// Applies `$body` to the vector inside `$data`, whatever its element type.
macro_rules! each {
    ($data:expr, $v:ident => $body:expr) => {
        match $data {
            Data::I8($v) => $body,
            Data::U8($v) => $body,
            Data::I16($v) => $body,
            Data::U16($v) => $body,
            Data::I32($v) => $body,
            Data::U32($v) => $body,
            Data::I64($v) => $body,
            Data::U64($v) => $body,
            Data::F32($v) => $body,
            Data::F64($v) => $body,
            Data::Char($v) => $body,
        }
    };
}

impl Data {
    fn empty(tc: char) -> Data {
        match tc {
            'b' => Data::I8(Vec::new()),
            'B' => Data::U8(Vec::new()),
            'u' => Data::Char(Vec::new()),
            'h' => Data::I16(Vec::new()),
            'H' => Data::U16(Vec::new()),
            'i' => Data::I32(Vec::new()),
            'I' => Data::U32(Vec::new()),
            'l' | 'q' => Data::I64(Vec::new()),
            'L' | 'Q' => Data::U64(Vec::new()),
            'f' => Data::F32(Vec::new()),
            _ => Data::F64(Vec::new()),
        }
    }

    fn len(&self) -> usize {
        each!(self, v => v.len())
    }

    fn itemsize(&self) -> usize {
        match self {
            Data::I8(_) | Data::U8(_) => 1,
            Data::I16(_) | Data::U16(_) => 2,
            Data::I32(_) | Data::U32(_) | Data::F32(_) | Data::Char(_) => 4,
            Data::I64(_) | Data::U64(_) | Data::F64(_) => 8,
        }
    }

    fn get(&self, i: usize) -> Item {
        match self {
            Data::I8(v) => Item::Int(i128::from(v[i])),
            Data::U8(v) => Item::Int(i128::from(v[i])),
            Data::I16(v) => Item::Int(i128::from(v[i])),
            Data::U16(v) => Item::Int(i128::from(v[i])),
            Data::I32(v) => Item::Int(i128::from(v[i])),
            Data::U32(v) => Item::Int(i128::from(v[i])),
            Data::I64(v) => Item::Int(i128::from(v[i])),
            Data::U64(v) => Item::Int(i128::from(v[i])),
            Data::F32(v) => Item::Float(f64::from(v[i])),
            Data::F64(v) => Item::Float(v[i]),
            Data::Char(v) => Item::Char(v[i]),
        }
    }

    /// Stores an item already range-checked for this type by [`convert`].
    fn set(&mut self, i: usize, x: Item) {
        match (self, x) {
            (Data::I8(v), Item::Int(n)) => v[i] = n as i8,
            (Data::U8(v), Item::Int(n)) => v[i] = n as u8,
            (Data::I16(v), Item::Int(n)) => v[i] = n as i16,
            (Data::U16(v), Item::Int(n)) => v[i] = n as u16,
            (Data::I32(v), Item::Int(n)) => v[i] = n as i32,
            (Data::U32(v), Item::Int(n)) => v[i] = n as u32,
            (Data::I64(v), Item::Int(n)) => v[i] = n as i64,
            (Data::U64(v), Item::Int(n)) => v[i] = n as u64,
            (Data::F32(v), Item::Float(f)) => v[i] = f as f32,
            (Data::F64(v), Item::Float(f)) => v[i] = f,
            (Data::Char(v), Item::Char(c)) => v[i] = c,
            _ => {}
        }
    }

    fn push(&mut self, x: Item) {
        let n = self.len();
        each!(&mut *self, v => v.push(Default::default()));
        self.set(n, x);
    }

    fn insert(&mut self, i: usize, x: Item) {
        each!(&mut *self, v => v.insert(i, Default::default()));
        self.set(i, x);
    }

    fn remove(&mut self, i: usize) -> Item {
        let x = self.get(i);
        each!(&mut *self, v => { v.remove(i); });
        x
    }

    /// The items at `idx`, in order, as a new vector of the same type.
    fn select(&self, idx: impl Iterator<Item = usize>) -> Data {
        let idx: Vec<usize> = idx.collect();
        match self {
            Data::I8(v) => Data::I8(idx.iter().map(|&i| v[i]).collect()),
            Data::U8(v) => Data::U8(idx.iter().map(|&i| v[i]).collect()),
            Data::I16(v) => Data::I16(idx.iter().map(|&i| v[i]).collect()),
            Data::U16(v) => Data::U16(idx.iter().map(|&i| v[i]).collect()),
            Data::I32(v) => Data::I32(idx.iter().map(|&i| v[i]).collect()),
            Data::U32(v) => Data::U32(idx.iter().map(|&i| v[i]).collect()),
            Data::I64(v) => Data::I64(idx.iter().map(|&i| v[i]).collect()),
            Data::U64(v) => Data::U64(idx.iter().map(|&i| v[i]).collect()),
            Data::F32(v) => Data::F32(idx.iter().map(|&i| v[i]).collect()),
            Data::F64(v) => Data::F64(idx.iter().map(|&i| v[i]).collect()),
            Data::Char(v) => Data::Char(idx.iter().map(|&i| v[i]).collect()),
        }
    }

    /// Appends `other`'s items (same element type).
    fn extend(&mut self, other: &Data) {
        match (self, other) {
            (Data::I8(a), Data::I8(b)) => a.extend_from_slice(b),
            (Data::U8(a), Data::U8(b)) => a.extend_from_slice(b),
            (Data::I16(a), Data::I16(b)) => a.extend_from_slice(b),
            (Data::U16(a), Data::U16(b)) => a.extend_from_slice(b),
            (Data::I32(a), Data::I32(b)) => a.extend_from_slice(b),
            (Data::U32(a), Data::U32(b)) => a.extend_from_slice(b),
            (Data::I64(a), Data::I64(b)) => a.extend_from_slice(b),
            (Data::U64(a), Data::U64(b)) => a.extend_from_slice(b),
            (Data::F32(a), Data::F32(b)) => a.extend_from_slice(b),
            (Data::F64(a), Data::F64(b)) => a.extend_from_slice(b),
            (Data::Char(a), Data::Char(b)) => a.extend_from_slice(b),
            _ => {}
        }
    }

    /// Replaces `start..end` with `other`'s items (same element type).
    fn splice(&mut self, start: usize, end: usize, other: &Data) {
        match (self, other) {
            (Data::I8(a), Data::I8(b)) => drop(a.splice(start..end, b.iter().copied())),
            (Data::U8(a), Data::U8(b)) => drop(a.splice(start..end, b.iter().copied())),
            (Data::I16(a), Data::I16(b)) => drop(a.splice(start..end, b.iter().copied())),
            (Data::U16(a), Data::U16(b)) => drop(a.splice(start..end, b.iter().copied())),
            (Data::I32(a), Data::I32(b)) => drop(a.splice(start..end, b.iter().copied())),
            (Data::U32(a), Data::U32(b)) => drop(a.splice(start..end, b.iter().copied())),
            (Data::I64(a), Data::I64(b)) => drop(a.splice(start..end, b.iter().copied())),
            (Data::U64(a), Data::U64(b)) => drop(a.splice(start..end, b.iter().copied())),
            (Data::F32(a), Data::F32(b)) => drop(a.splice(start..end, b.iter().copied())),
            (Data::F64(a), Data::F64(b)) => drop(a.splice(start..end, b.iter().copied())),
            (Data::Char(a), Data::Char(b)) => drop(a.splice(start..end, b.iter().copied())),
            _ => {}
        }
    }

    /// The items' bytes in machine order.
    fn to_bytes(&self) -> Vec<u8> {
        match self {
            Data::I8(v) => v.iter().map(|x| *x as u8).collect(),
            Data::U8(v) => v.clone(),
            Data::I16(v) => v.iter().flat_map(|x| x.to_ne_bytes()).collect(),
            Data::U16(v) => v.iter().flat_map(|x| x.to_ne_bytes()).collect(),
            Data::I32(v) => v.iter().flat_map(|x| x.to_ne_bytes()).collect(),
            Data::U32(v) => v.iter().flat_map(|x| x.to_ne_bytes()).collect(),
            Data::I64(v) => v.iter().flat_map(|x| x.to_ne_bytes()).collect(),
            Data::U64(v) => v.iter().flat_map(|x| x.to_ne_bytes()).collect(),
            Data::F32(v) => v.iter().flat_map(|x| x.to_ne_bytes()).collect(),
            Data::F64(v) => v.iter().flat_map(|x| x.to_ne_bytes()).collect(),
            Data::Char(v) => v.iter().flat_map(|c| c.to_ne_bytes()).collect(),
        }
    }

    /// Appends items decoded from machine-order bytes (`b.len()` a multiple of the
    /// item size).
    fn extend_bytes(&mut self, b: &[u8]) {
        macro_rules! ext {
            ($v:expr, $t:ty, $n:literal) => {
                $v.extend(b.chunks_exact($n).map(|c| {
                    <$t>::from_ne_bytes(c.try_into().expect("chunks_exact yields $n bytes"))
                }))
            };
        }
        match self {
            Data::I8(v) => v.extend(b.iter().map(|&x| x as i8)),
            Data::U8(v) => v.extend_from_slice(b),
            Data::I16(v) => ext!(v, i16, 2),
            Data::U16(v) => ext!(v, u16, 2),
            Data::I32(v) => ext!(v, i32, 4),
            Data::U32(v) => ext!(v, u32, 4),
            Data::I64(v) => ext!(v, i64, 8),
            Data::U64(v) => ext!(v, u64, 8),
            Data::F32(v) => ext!(v, f32, 4),
            Data::F64(v) => ext!(v, f64, 8),
            Data::Char(v) => ext!(v, u32, 4),
        }
    }

    /// Reverses the byte order of every item, in place.
    fn byteswap(&mut self) {
        match self {
            Data::I8(_) | Data::U8(_) => {}
            Data::I16(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
            Data::U16(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
            Data::I32(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
            Data::U32(v) | Data::Char(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
            Data::I64(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
            Data::U64(v) => v.iter_mut().for_each(|x| *x = x.swap_bytes()),
            Data::F32(v) => v
                .iter_mut()
                .for_each(|x| *x = f32::from_bits(x.to_bits().swap_bytes())),
            Data::F64(v) => v
                .iter_mut()
                .for_each(|x| *x = f64::from_bits(x.to_bits().swap_bytes())),
        }
    }

    /// The address of the first item, for the buffer protocol.
    fn as_mut_ptr(&mut self) -> *mut u8 {
        each!(self, v => v.as_mut_ptr().cast::<u8>())
    }
}

/// A `u` item as a character: a lone surrogate as its stand-in, anything past
/// U+10FFFF (written through a memoryview) `None`.
fn wchar(u: u32) -> Option<char> {
    char::from_u32(u).or_else(|| strand_literal::str::surrogate_char(u))
}

fn item_to_py(x: Item) -> PyResult<PyObj> {
    Ok(match x {
        Item::Int(n) => int::from_i128(n),
        Item::Float(f) => float::from_f64(f),
        Item::Char(c) => pystr::from_string(
            wchar(c)
                .ok_or_else(|| value_error("chr() arg not in range(0x110000)"))?
                .to_string(),
        ),
    })
}

/// The text of a `u` array, or CPython's error for an item that is no character.
fn chars_text(v: &[u32]) -> PyResult<String> {
    v.iter()
        .map(|&u| {
            wchar(u).ok_or_else(|| {
                value_error(format!(
                    "character U+{u:x} is not in range [U+0000; U+10ffff]"
                ))
            })
        })
        .collect()
}

/// Converts a Python value for an array of typecode `tc`, with CPython's errors.
fn convert(tc: char, o: &PyObj) -> PyResult<Item> {
    match tc {
        'f' | 'd' => Ok(Item::Float(ab::as_f64(o)?)),
        'u' => {
            if pystr::is_str(o) {
                let s = pystr::as_str(o);
                let mut it = s.chars();
                if let (Some(c), None) = (it.next(), it.next()) {
                    return Ok(Item::Char(strand_literal::str::code_point(c)));
                }
            }
            Err(type_error("array item must be unicode character"))
        }
        _ => {
            let i = ab::index(o)?;
            let big = int::to_bigint(&i);
            let n: Option<i128> = i128::try_from(&big).ok();
            let (lo, hi): (i128, i128) = match tc {
                'b' => (i128::from(i8::MIN), i128::from(i8::MAX)),
                'B' => (0, i128::from(u8::MAX)),
                'h' => (i128::from(i16::MIN), i128::from(i16::MAX)),
                'H' => (0, i128::from(u16::MAX)),
                'i' => (i128::from(i32::MIN), i128::from(i32::MAX)),
                'I' => (0, i128::from(u32::MAX)),
                'l' | 'q' => (i128::from(i64::MIN), i128::from(i64::MAX)),
                _ => (0, i128::from(u64::MAX)),
            };
            match n {
                Some(n) if n >= lo && n <= hi => Ok(Item::Int(n)),
                _ => {
                    let negative = big.sign() == num_bigint::Sign::Minus;
                    Err(exc::overflow_error(overflow_message(tc, negative)))
                }
            }
        }
    }
}

fn overflow_message(tc: char, negative: bool) -> &'static str {
    match (tc, negative) {
        ('b', false) => "signed char is greater than maximum",
        ('b', true) => "signed char is less than minimum",
        ('B', false) => "unsigned byte integer is greater than maximum",
        ('B', true) => "unsigned byte integer is less than minimum",
        ('h', false) => "signed short integer is greater than maximum",
        ('h', true) => "signed short integer is less than minimum",
        ('H', false) => "unsigned short is greater than maximum",
        ('H', true) => "unsigned short is less than minimum",
        ('i', false) => "signed integer is greater than maximum",
        ('i', true) => "signed integer is less than minimum",
        ('I', false) => "unsigned int is greater than maximum",
        ('I' | 'L', true) => "can't convert negative value to unsigned int",
        ('l', _) => "Python int too large to convert to C long",
        ('L', false) => "Python int too large to convert to C unsigned long",
        ('q', _) | ('Q', false) => "int too big to convert",
        _ => "can't convert negative int to unsigned",
    }
}

/// The layout of `array.array`.
#[repr(C)]
pub struct PyArray {
    header: ObjectHeader,
    typecode: char,
    data: Mutex<Data>,
    /// Buffers exported and not yet released; while any is, the items' storage may
    /// not change size (so never moves). Changed and checked under `data`'s lock.
    exports: AtomicUsize,
}

unsafe fn array_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `new_array`.
    unsafe {
        let p = obj.as_ptr() as *mut PyArray;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).data));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `array.array`.
    pub static ARRAY_TYPE = {
        name: "array.array",
        layout: PyArray,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE,
        traverse: None,
        clear: None,
        dealloc: array_dealloc,
        size: None,
        slots: Slots {
            buffer: Some(&ARRAY_BUFFER),
            new: Some(array_new),
            repr: Some(array_repr),
            hash: Some(strand_objects::baseobject::unhashable),
            richcompare: Some(array_richcompare),
            iter: Some(array_iter),
            len: Some(|o| Ok(lock(o).len())),
            contains: Some(array_contains),
            getitem: Some(array_getitem),
            setitem: Some(array_setitem),
            bool: Some(|o| Ok(lock(o).len() > 0)),
            number: NumberSlots {
                add: Some(array_concat),
                mul: Some(array_repeat),
                inplace_add: Some(array_inplace_concat),
                inplace_mul: Some(array_inplace_repeat),
                ..NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

fn payload(o: &PyObj) -> &PyArray {
    debug_assert!(o.is_instance_of(&ARRAY_TYPE));
    // SAFETY: the array slots and methods are installed on ARRAY_TYPE, whose
    // instances (and subclasses') start with PyArray.
    unsafe { o.payload_unchecked::<PyArray>() }
}

fn lock(o: &PyObj) -> MutexGuard<'_, Data> {
    let m = &payload(o).data;
    match m.try_lock() {
        Ok(g) => g,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => {
            strand_heap::with_detached(|| m.lock().unwrap_or_else(|p| p.into_inner()))
        }
    }
}

fn tc_of(o: &PyObj) -> char {
    payload(o).typecode
}

fn is_array(o: &PyObj) -> bool {
    o.is_instance_of(&ARRAY_TYPE)
}

/// `BufferError` unless the array may change from `old` to `new` items: not while
/// it exports its buffer (CPython's `array_resize`).
fn resize_check(o: &PyObj, old: usize, new: usize) -> PyResult<()> {
    if old != new && payload(o).exports.load(Acquire) > 0 {
        return Err(exc::buffer_error(
            "cannot resize an array that is exporting buffers",
        ));
    }
    Ok(())
}

/// The buffer slot of `array.array`: its items in machine order, in the typecode's
/// format (`w` for `u`, as CPython 3.11 reports it), guarded by the array's lock.
static ARRAY_BUFFER: BufferProcs = BufferProcs {
    get: array_getbuffer,
    release: |o| {
        payload(o).exports.fetch_sub(1, Release);
    },
    lock: |o, f| {
        let _held = lock(o);
        f()
    },
};

fn array_getbuffer(o: &PyObj, request: BufferRequest) -> PyResult<PyBuffer> {
    let mut d = lock(o);
    let format = match tc_of(o) {
        'b' => "b",
        'B' => "B",
        'u' => "w",
        'h' => "h",
        'H' => "H",
        'i' => "i",
        'I' => "I",
        'l' => "l",
        'L' => "L",
        'q' => "q",
        'Q' => "Q",
        'f' => "f",
        _ => "d",
    };
    let (itemsize, len) = (d.itemsize(), d.len() * d.itemsize());
    let buf = d.as_mut_ptr();
    // Counted under the lock: a resize that follows sees the export.
    payload(o).exports.fetch_add(1, Relaxed);
    // SAFETY: the vector cannot change size (so cannot move) while the export is
    // counted (every resize checks it under this lock); any bytes are valid items
    // (`u` items are checked when read), and the items change only under the lock,
    // which is the buffer's.
    unsafe {
        strand_objects::buffer::export_contiguous(
            o,
            &ARRAY_BUFFER,
            request,
            buf,
            len,
            itemsize,
            format,
            false,
        )
    }
}

fn new_array(ty: &strand_objects::PyType, tc: char, data: Data) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyArray layout; both fields are written
    // before the object is finished, and the slots region is zeroed.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyArray;
        std::ptr::addr_of_mut!((*p).typecode).write(tc);
        std::ptr::addr_of_mut!((*p).data).write(Mutex::new(data));
        std::ptr::addr_of_mut!((*p).exports).write(AtomicUsize::new(0));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn same_type_new(o: &PyObj, data: Data) -> PyObj {
    new_array(&ARRAY_TYPE, tc_of(o), data)
}

/// Converts every item of an iterable (before any lock is taken).
fn convert_all(tc: char, it: &PyObj) -> PyResult<Data> {
    let mut d = Data::empty(tc);
    let iter = ab::iter(it)?;
    while let Some(x) = ab::next(&iter)? {
        d.push(convert(tc, &x)?);
    }
    Ok(d)
}

fn frombytes_into(d: &mut Data, b: &[u8]) -> PyResult<()> {
    if !b.len().is_multiple_of(d.itemsize()) {
        return Err(value_error("bytes length not a multiple of item size"));
    }
    d.extend_bytes(b);
    Ok(())
}

fn array_new(cls: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "array.__new__(X)")?;
    let a = Args::new(args, kw);
    if a.has_kwargs() && std::ptr::eq(ty, &ARRAY_TYPE) {
        return Err(type_error("array.array() takes no keyword arguments"));
    }
    let pos = a.positionals();
    if pos.is_empty() {
        return Err(type_error("array() takes at least 1 argument (0 given)"));
    }
    if pos.len() > 2 {
        return Err(type_error(format!(
            "array() takes at most 2 arguments ({} given)",
            pos.len()
        )));
    }
    let tco = &pos[0];
    let tc = if pystr::is_str(tco) {
        let s = pystr::as_str(tco);
        let mut it = s.chars();
        match (it.next(), it.next()) {
            (Some(c), None) => c,
            _ => {
                return Err(type_error(format!(
                    "array() argument 1 must be a unicode character, not {}",
                    tco.ty().name()
                )))
            }
        }
    } else {
        return Err(type_error(format!(
            "array() argument 1 must be a unicode character, not {}",
            tco.ty().name()
        )));
    };
    if !TYPECODES.contains(tc) {
        return Err(value_error(
            "bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)",
        ));
    }
    let mut data = Data::empty(tc);
    if let Some(init) = pos.get(1) {
        if pystr::is_str(init) {
            if tc != 'u' {
                return Err(type_error(format!(
                    "cannot use a str to initialize an array with typecode '{tc}'"
                )));
            }
            data = Data::Char(
                pystr::as_str(init)
                    .chars()
                    .map(strand_literal::str::code_point)
                    .collect(),
            );
        } else if bytes::is_bytes(init) || strand_objects::bytearray::is_bytearray(init) {
            frombytes_into(&mut data, &crate::buffer::bytes_like(init)?)?;
        } else if is_array(init) && tc_of(init) == 'u' && tc != 'u' {
            return Err(type_error(format!(
                "cannot use a unicode array to initialize an array with typecode '{tc}'"
            )));
        } else {
            data = convert_all(tc, init)?;
        }
    }
    Ok(new_array(ty, tc, data))
}

fn array_repr(o: &PyObj) -> PyResult<PyObj> {
    let tc = tc_of(o);
    let name = o.ty().name().to_string();
    let name = if std::ptr::eq(o.ty(), &ARRAY_TYPE) {
        "array".to_string()
    } else {
        name
    };
    let d = lock(o).clone();
    if d.len() == 0 {
        return Ok(pystr::from_string(format!("{name}('{tc}')")));
    }
    if let Data::Char(v) = &d {
        let s = chars_text(v)?;
        return Ok(pystr::from_string(format!(
            "{name}('{tc}', {})",
            ab::repr_string(&pystr::from_string(s))?
        )));
    }
    let items = (0..d.len())
        .map(|i| ab::repr_string(&item_to_py(d.get(i))?))
        .collect::<PyResult<Vec<String>>>()?;
    Ok(pystr::from_string(format!(
        "{name}('{tc}', [{}])",
        items.join(", ")
    )))
}

fn to_pylist(o: &PyObj) -> PyResult<PyObj> {
    let d = lock(o).clone();
    let items = (0..d.len())
        .map(|i| item_to_py(d.get(i)))
        .collect::<PyResult<Vec<PyObj>>>()?;
    Ok(list::new(items))
}

fn array_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_array(b) {
        return Ok(singletons::not_implemented());
    }
    if tc_of(a) == tc_of(b) && matches!(op, CompareOp::Eq | CompareOp::Ne) {
        // One lock at a time: `a` and `b` may be the same array.
        let x = lock(a).clone();
        let y = lock(b).clone();
        // NaN items are unequal to themselves, as Python compares them.
        if !matches!(x, Data::F32(_) | Data::F64(_)) {
            return Ok(int::bool_obj((x == y) == (op == CompareOp::Eq)));
        }
    }
    ab::richcompare(&to_pylist(a)?, &to_pylist(b)?, op)
}

fn array_contains(o: &PyObj, x: &PyObj) -> PyResult<bool> {
    let n = lock(o).len();
    for i in 0..n {
        let item = match lock(o) {
            d if i < d.len() => d.get(i),
            _ => break,
        };
        if ab::eq(&item_to_py(item)?, x)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn index_error(assign: bool) -> strand_objects::PyErr {
    exc::index_error(if assign {
        "array assignment index out of range"
    } else {
        "array index out of range"
    })
}

fn array_getitem(o: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    if key.is_instance_of(&slice::SLICE_TYPE) {
        // SAFETY: checked to be a slice.
        let s = unsafe { key.payload_unchecked::<slice::PySlice>() };
        let d = lock(o);
        let idx = s.indices(d.len())?;
        let sel = d.select(idx.iter());
        drop(d);
        return Ok(same_type_new(o, sel));
    }
    if !int::is_int(key) && key.ty().slots().number.index.is_none() {
        return Err(type_error("array indices must be integers"));
    }
    let i = ab::index_for(key, "array")?;
    let d = lock(o);
    let j = slice::normalize_index(i, d.len()).ok_or_else(|| index_error(false))?;
    let x = d.get(j);
    drop(d);
    item_to_py(x)
}

fn array_setitem(o: &PyObj, key: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    let tc = tc_of(o);
    if key.is_instance_of(&slice::SLICE_TYPE) {
        // SAFETY: checked to be a slice.
        let s = unsafe { key.payload_unchecked::<slice::PySlice>() };
        let src = match value {
            None => None,
            Some(v) if is_array(v) => {
                if tc_of(v) != tc {
                    return Err(type_error("bad argument type for built-in operation"));
                }
                Some(lock(v).clone())
            }
            Some(v) => {
                return Err(type_error(format!(
                    "can only assign array (not \"{}\") to array slice",
                    v.ty().name()
                )))
            }
        };
        let mut d = lock(o);
        let idx = s.indices(d.len())?;
        let old = d.len();
        match &src {
            None => resize_check(o, old, old - idx.len)?,
            Some(src) if idx.step == 1 => resize_check(o, old, old - idx.len + src.len())?,
            Some(_) => {}
        }
        match src {
            None => {
                if idx.len == 0 {
                    return Ok(());
                }
                if idx.step == 1 {
                    let end = idx.start + idx.len;
                    let keep: Vec<usize> = (0..d.len())
                        .filter(|&i| i < idx.start || i >= end)
                        .collect();
                    *d = d.select(keep.into_iter());
                } else {
                    let gone: std::collections::HashSet<usize> = idx.iter().collect();
                    let keep: Vec<usize> = (0..d.len()).filter(|i| !gone.contains(i)).collect();
                    *d = d.select(keep.into_iter());
                }
            }
            Some(src) => {
                if idx.step == 1 {
                    d.splice(idx.start, idx.start + idx.len, &src);
                } else {
                    if src.len() != idx.len {
                        return Err(value_error(format!(
                            "attempt to assign array of size {} to extended slice of size {}",
                            src.len(),
                            idx.len
                        )));
                    }
                    for (k, i) in idx.iter().enumerate() {
                        d.set(i, src.get(k));
                    }
                }
            }
        }
        return Ok(());
    }
    if !int::is_int(key) && key.ty().slots().number.index.is_none() {
        return Err(type_error("array indices must be integers"));
    }
    let i = ab::index_for(key, "array")?;
    let x = value.map(|v| convert(tc, v)).transpose()?;
    let mut d = lock(o);
    let j = slice::normalize_index(i, d.len()).ok_or_else(|| index_error(true))?;
    match x {
        Some(x) => d.set(j, x),
        None => {
            resize_check(o, d.len(), d.len() - 1)?;
            d.remove(j);
        }
    }
    Ok(())
}

fn concat_check(a: &PyObj, b: &PyObj) -> PyResult<Data> {
    if !is_array(b) {
        return Err(type_error(format!(
            "can only append array (not \"{}\") to array",
            b.ty().name()
        )));
    }
    if tc_of(a) != tc_of(b) {
        return Err(type_error("bad argument type for built-in operation"));
    }
    Ok(lock(b).clone())
}

fn array_concat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !is_array(a) {
        return Ok(singletons::not_implemented());
    }
    let other = concat_check(a, b)?;
    let mut d = lock(a).clone();
    d.extend(&other);
    Ok(same_type_new(a, d))
}

fn array_inplace_concat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !is_array(b) {
        return Err(type_error(format!(
            "can only extend array with array (not \"{}\")",
            b.ty().name()
        )));
    }
    let other = concat_check(a, b)?;
    let mut d = lock(a);
    resize_check(a, d.len(), d.len() + other.len())?;
    d.extend(&other);
    drop(d);
    Ok(a.clone())
}

/// `d` repeated `n` times, or `MemoryError` for an impossible size.
fn repeat_data(d: &Data, n: usize) -> PyResult<Data> {
    let len = d.len();
    let total = len
        .checked_mul(n)
        .ok_or_else(strand_objects::exceptions::memory_error)?;
    strand_objects::alloc::check_size(total, 8)?;
    // An empty array repeats to nothing however large the count.
    let n = if total == 0 { 0 } else { n };
    Ok(d.select((0..n).flat_map(|_| 0..len)))
}

fn array_repeat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let (arr, n) = if is_array(a) { (a, b) } else { (b, a) };
    let Some(n) = ab::repeat_count(n)? else {
        return Ok(singletons::not_implemented());
    };
    let d = repeat_data(&lock(arr), n)?;
    Ok(same_type_new(arr, d))
}

fn array_inplace_repeat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let Some(n) = ab::repeat_count(b)? else {
        return Ok(singletons::not_implemented());
    };
    let mut d = lock(a);
    let r = repeat_data(&d, n)?;
    resize_check(a, d.len(), r.len())?;
    // Same length: the items are the same, and an exported storage must not move.
    if r.len() != d.len() {
        *d = r;
    }
    drop(d);
    Ok(a.clone())
}

// ---------------------------------------------------------------------------------
// Iteration
// ---------------------------------------------------------------------------------

/// The layout of an array iterator.
#[repr(C)]
pub struct PyArrayIter {
    header: ObjectHeader,
    array: PyObj,
    pos: std::sync::atomic::AtomicUsize,
}

unsafe fn arrayiter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `array_iter`.
    unsafe {
        let p = obj.as_ptr() as *mut PyArrayIter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).array));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `array.arrayiterator`.
    pub static ARRAYITER_TYPE = {
        name: "array.arrayiterator",
        layout: PyArrayIter,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: arrayiter_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(arrayiter_next),
            new: Some(|_, _, _| Err(type_error("cannot create 'array.arrayiterator' instances"))),
            ..Slots::EMPTY
        },
    }
}

fn array_iter(o: &PyObj) -> PyResult<PyObj> {
    let it = strand_objects::alloc::alloc_instance(&ARRAYITER_TYPE, ARRAYITER_TYPE.basicsize());
    // SAFETY: a fresh allocation with the PyArrayIter layout; both fields are written
    // before the object is finished.
    unsafe {
        let p = it.as_ptr().as_ptr() as *mut PyArrayIter;
        std::ptr::addr_of_mut!((*p).array).write(o.clone());
        std::ptr::addr_of_mut!((*p).pos).write(std::sync::atomic::AtomicUsize::new(0));
        strand_objects::alloc::finish_instance(&ARRAYITER_TYPE, &it);
    }
    Ok(it)
}

fn arrayiter_next(it: &PyObj) -> PyResult<Option<PyObj>> {
    // SAFETY: installed on array iterators only.
    let p = unsafe { it.payload_unchecked::<PyArrayIter>() };
    let i = p.pos.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = lock(&p.array);
    if i >= d.len() {
        p.pos
            .store(usize::MAX / 2, std::sync::atomic::Ordering::Relaxed);
        return Ok(None);
    }
    let x = d.get(i);
    drop(d);
    item_to_py(x).map(Some)
}

// ---------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------

fn none() -> PyObj {
    singletons::none()
}

fn m_append(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("append", 2)?;
    let x = convert(tc_of(&a[0]), &a[1])?;
    let mut d = lock(&a[0]);
    resize_check(&a[0], d.len(), d.len() + 1)?;
    d.push(x);
    Ok(none())
}

fn m_extend(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("extend", 2)?;
    let o = &a[0];
    let tc = tc_of(o);
    let add = if is_array(&a[1]) {
        if tc_of(&a[1]) != tc {
            return Err(type_error("can only extend with array of same kind"));
        }
        lock(&a[1]).clone()
    } else {
        // Items are appended one by one: a bad item leaves the earlier ones in.
        let iter = ab::iter(&a[1])?;
        while let Some(x) = ab::next(&iter)? {
            let v = convert(tc, &x)?;
            let mut d = lock(o);
            resize_check(o, d.len(), d.len() + 1)?;
            d.push(v);
        }
        return Ok(none());
    };
    let mut d = lock(o);
    resize_check(o, d.len(), d.len() + add.len())?;
    d.extend(&add);
    Ok(none())
}

fn m_pop(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("pop", 1, 2)?;
    let i = match a.get(1) {
        Some(v) => int::to_isize(&ab::index(v)?)?,
        None => -1,
    };
    let mut d = lock(&a[0]);
    if d.len() == 0 {
        return Err(exc::index_error("pop from empty array"));
    }
    let j = slice::normalize_index(i, d.len())
        .ok_or_else(|| exc::index_error("pop index out of range"))?;
    resize_check(&a[0], d.len(), d.len() - 1)?;
    let x = d.remove(j);
    drop(d);
    item_to_py(x)
}

fn m_insert(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("insert", 3)?;
    let i = int::to_isize(&ab::index(&a[1])?)?;
    let x = convert(tc_of(&a[0]), &a[2])?;
    let mut d = lock(&a[0]);
    resize_check(&a[0], d.len(), d.len() + 1)?;
    let n = d.len() as isize;
    let j = if i < 0 { (i + n).max(0) } else { i.min(n) };
    d.insert(j as usize, x);
    Ok(none())
}

/// Positions of items equal to `x` (compared as Python values), in `start..stop`.
fn find(o: &PyObj, x: &PyObj, start: usize, stop: usize, first_only: bool) -> PyResult<Vec<usize>> {
    let mut out = Vec::new();
    let mut i = start;
    loop {
        let item = {
            let d = lock(o);
            if i >= stop.min(d.len()) {
                break;
            }
            d.get(i)
        };
        if ab::eq(&item_to_py(item)?, x)? {
            out.push(i);
            if first_only {
                break;
            }
        }
        i += 1;
    }
    Ok(out)
}

fn m_index(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("index", 2, 4)?;
    let n = lock(&a[0]).len();
    let (start, stop) = slice::search_bounds(a.get(2), a.get(3), n)?;
    match find(&a[0], &a[1], start, stop, true)?.first() {
        Some(&i) => Ok(int::from_usize(i)),
        None => Err(value_error("array.index(x): x not in array")),
    }
}

fn m_count(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("count", 2)?;
    Ok(int::from_usize(
        find(&a[0], &a[1], 0, usize::MAX, false)?.len(),
    ))
}

fn m_remove(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("remove", 2)?;
    match find(&a[0], &a[1], 0, usize::MAX, true)?.first() {
        Some(&i) => {
            let mut d = lock(&a[0]);
            if i < d.len() {
                resize_check(&a[0], d.len(), d.len() - 1)?;
                d.remove(i);
            }
            Ok(none())
        }
        None => Err(value_error("array.remove(x): x not in array")),
    }
}

fn m_reverse(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("reverse", 1)?;
    each!(&mut *lock(&a[0]), v => v.reverse());
    Ok(none())
}

fn m_tolist(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("tolist", 1)?;
    to_pylist(&a[0])
}

fn m_tobytes(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("tobytes", 1)?;
    let b = lock(&a[0]).to_bytes();
    Ok(bytes::new(&b))
}

fn m_frombytes(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("frombytes", 2)?;
    let b = crate::buffer::bytes_like(&a[1])?;
    let mut d = lock(&a[0]);
    if b.len().is_multiple_of(d.itemsize()) {
        resize_check(&a[0], d.len(), d.len() + b.len() / d.itemsize())?;
    }
    frombytes_into(&mut d, &b)?;
    Ok(none())
}

/// `array.fromfile(f, n, /)`: appends `n` items read with one `f.read(n * itemsize)`
/// (CPython's `array_array_fromfile_impl`): what was read goes in even when short,
/// then `EOFError`.
fn m_fromfile(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("fromfile")?;
    if a.len() != 3 {
        return Err(type_error(format!(
            "fromfile() takes exactly 2 positional arguments ({} given)",
            a.len().saturating_sub(1)
        )));
    }
    let n = strand_objects::int::to_isize(&ab::index(&a[2])?)?;
    if n < 0 {
        return Err(value_error("negative count"));
    }
    let itemsize = lock(&a[0]).itemsize();
    let nbytes = (n as usize)
        .checked_mul(itemsize)
        .filter(|&b| b <= isize::MAX as usize)
        .ok_or_else(exc::memory_error)?;
    let b = ab::call_method(&a[1], "read", &[strand_objects::int::from_usize(nbytes)])?;
    if !bytes::is_bytes(&b) {
        return Err(type_error("read() didn't return bytes"));
    }
    let short = bytes::as_bytes(&b).len() != nbytes;
    m_frombytes(&[a[0].clone(), b], None)?;
    if short {
        return Err(exc::eof_error("read() didn't return enough bytes"));
    }
    Ok(none())
}

/// `array.tofile(f, /)`: writes the machine bytes with `f.write`, in 64 KiB blocks
/// (CPython's `array_array_tofile`).
fn m_tofile(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("tofile", 2)?;
    const BLOCKSIZE: usize = 64 * 1024;
    let data = lock(&a[0]).to_bytes();
    for block in data.chunks(BLOCKSIZE) {
        ab::call_method(&a[1], "write", &[bytes::new(block)])?;
    }
    Ok(none())
}

fn m_fromlist(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fromlist", 2)?;
    if !list::is_list(&a[1]) {
        return Err(type_error("arg must be list"));
    }
    // All or nothing: convert everything first.
    let add = convert_all(tc_of(&a[0]), &a[1])?;
    let mut d = lock(&a[0]);
    resize_check(&a[0], d.len(), d.len() + add.len())?;
    d.extend(&add);
    Ok(none())
}

fn m_tounicode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("tounicode", 1)?;
    match &*lock(&a[0]) {
        Data::Char(v) => Ok(pystr::from_string(chars_text(v)?)),
        _ => Err(value_error(
            "tounicode() may only be called on unicode type arrays",
        )),
    }
}

fn m_fromunicode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fromunicode", 2)?;
    if !pystr::is_str(&a[1]) {
        return Err(type_error(format!(
            "fromunicode() argument must be str, not {}",
            a[1].ty().name()
        )));
    }
    let text = pystr::as_str(&a[1]);
    let mut d = lock(&a[0]);
    let n = d.len();
    match &mut *d {
        Data::Char(v) => {
            let add: Vec<u32> = text.chars().map(strand_literal::str::code_point).collect();
            resize_check(&a[0], n, n + add.len())?;
            v.extend(add);
            Ok(none())
        }
        _ => Err(value_error(
            "fromunicode() may only be called on unicode type arrays",
        )),
    }
}

fn m_byteswap(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("byteswap", 1)?;
    lock(&a[0]).byteswap();
    Ok(none())
}

fn m_buffer_info(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("buffer_info", 1)?;
    let d = lock(&a[0]);
    let addr = each!(&*d, v => v.as_ptr() as usize);
    let n = d.len();
    drop(d);
    Ok(tuple::from_vec(vec![
        int::from_usize(addr),
        int::from_usize(n),
    ]))
}

fn m_copy(a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let d = lock(&a[0]).clone();
    Ok(same_type_new(&a[0], d))
}

fn array_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("append", m_append),
        MethodDef::new("extend", m_extend),
        MethodDef::new("pop", m_pop),
        MethodDef::new("insert", m_insert),
        MethodDef::new("index", m_index),
        MethodDef::new("count", m_count),
        MethodDef::new("remove", m_remove),
        MethodDef::new("reverse", m_reverse),
        MethodDef::new("tolist", m_tolist),
        MethodDef::new("tobytes", m_tobytes),
        MethodDef::new("frombytes", m_frombytes),
        MethodDef::new("fromlist", m_fromlist),
        MethodDef::new("fromfile", m_fromfile),
        MethodDef::new("tofile", m_tofile),
        MethodDef::new("tounicode", m_tounicode),
        MethodDef::new("fromunicode", m_fromunicode),
        MethodDef::new("byteswap", m_byteswap),
        MethodDef::new("buffer_info", m_buffer_info),
        MethodDef::new("__copy__", m_copy),
        MethodDef::new("__deepcopy__", m_copy),
    ]
}

fn array_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new(
            "typecode",
            |o| Ok(pystr::from_string(tc_of(o).to_string())),
            None,
        ),
        GetSetDef::new(
            "itemsize",
            |o| Ok(int::from_usize(lock(o).itemsize())),
            None,
        ),
    ]
}

/// The `array` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        ARRAY_TYPE.ready_static(Some(object), &array_methods(), &array_getsets());
        ARRAYITER_TYPE.ready_static(Some(object), &[], &[]);
    });
    let m = module::new_native_module("array");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "array", ARRAY_TYPE.to_obj());
    dict::set_item_str(&d, "ArrayType", ARRAY_TYPE.to_obj());
    dict::set_item_str(&d, "typecodes", pystr::new(TYPECODES));
    m
}
