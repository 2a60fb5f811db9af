//! `bytearray`: a mutable byte string (Objects/bytearrayobject.c) with the methods
//! it shares with `bytes` (`bytes_methods.rs`), the mutating ones (`append`,
//! `extend`, `insert`, `pop`, `remove`, `reverse`, `clear`, item and slice
//! assignment and deletion, `+=`, `*=`), and the buffer protocol: a bytearray lends
//! its memory to `memoryview` and to every consumer of "a bytes-like object", and
//! refuses to change size while any export lasts (`BufferError: Existing exports of
//! data: object cannot be re-sized`).
//!
//! Storage follows CPython's: the bytes live at a logical start inside an allocation
//! of `ob_alloc` bytes (`__alloc__`), grown with the same policy (`PyByteArray_Resize`:
//! an eighth more plus 3 or 6 bytes when growing a little, exact when growing a lot,
//! exact again when shrinking below half), and deleting from the front only advances
//! the start, so a bytearray used as a queue costs no copying per deletion.
//!
//! Free threading: every access to the storage, reads included, happens inside the
//! object's critical section (CPython 3.13t does the same), and Python code (an
//! `__index__`, an iterator) runs only before the section is entered: a method sees
//! the bytes whole, never half-changed by another thread. Exports are counted with an
//! atomic; a consumer ends its export without the lock, after its last access. A
//! resize checks the count inside the section, so memory lent to a `memoryview` is
//! never moved or freed while the view can still read it; the view reads and writes
//! it under the same section (`BYTEARRAY_BUFFER.lock`).

use std::cell::UnsafeCell;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::args::Args;
use crate::buffer::{BufferProcs, BufferRequest, PyBuffer};
use crate::bytes_methods::byte_arg;
use crate::descr::MethodDef;
use crate::exceptions::{index_error, type_error, value_error};
use crate::object::{PyObj, PyPayload};
use crate::singletons::{bool_obj, none, not_implemented};
use crate::typeobj::{CompareOp, NumberSlots, PyType, Slots, TypeFlags};
use crate::PyResult;

/// The bytes of a bytearray and CPython's bookkeeping of their allocation.
///
/// The contents are `mem[start..start + size]`, and `mem.len() == start + size`
/// between operations. `alloc` is CPython's `ob_alloc` (0 before the first
/// allocation); `mem` has room for at least `alloc` bytes, so growing within `alloc`
/// never moves the bytes.
#[derive(Default)]
struct Storage {
    mem: Vec<u8>,
    start: usize,
    size: usize,
    alloc: usize,
}

impl Storage {
    fn with_bytes(data: &[u8]) -> PyResult<Storage> {
        if data.is_empty() {
            return Ok(Storage::default());
        }
        let alloc = data.len() + 1;
        let mut mem = crate::alloc::try_vec(alloc)?;
        mem.extend_from_slice(data);
        Ok(Storage {
            mem,
            start: 0,
            size: data.len(),
            alloc,
        })
    }

    fn bytes(&self) -> &[u8] {
        &self.mem[self.start..self.start + self.size]
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.mem[self.start..self.start + self.size]
    }

    /// `PyByteArray_Resize` without the export check: new bytes are zero.
    fn resize(&mut self, size: usize) -> PyResult<()> {
        if size == self.size {
            return Ok(());
        }
        let alloc = if size + self.start < self.alloc {
            if size >= self.alloc / 2 {
                // A minor change within the allocation: no move.
                self.mem.resize(self.start + size, 0);
                self.size = size;
                return Ok(());
            }
            size + 1
        } else if (size as u128) * 8 <= (self.alloc as u128) * 9 {
            size + (size >> 3) + if size < 9 { 3 } else { 6 }
        } else {
            size + 1
        };
        crate::alloc::check_bytes(alloc)?;
        let keep = size
            .min(self.size)
            .min(self.mem.len().saturating_sub(self.start));
        if self.start == 0 {
            self.mem.truncate(keep);
            if self.mem.capacity() < alloc {
                self.mem
                    .try_reserve_exact(alloc - self.mem.len())
                    .map_err(|_| crate::exceptions::memory_error())?;
            } else {
                self.mem.shrink_to(alloc);
            }
        } else {
            let mut mem = crate::alloc::try_vec(alloc)?;
            mem.extend_from_slice(&self.mem[self.start..self.start + keep]);
            self.mem = mem;
            self.start = 0;
        }
        self.mem.resize(size, 0);
        self.size = size;
        self.alloc = alloc;
        Ok(())
    }

    /// Replaces `lo..hi` with `src` (CPython's `bytearray_setslice_linear`).
    fn set_linear(&mut self, exported: bool, lo: usize, hi: usize, src: &[u8]) -> PyResult<()> {
        let (avail, needed) = (hi - lo, src.len());
        let old = self.size;
        if needed < avail {
            if exported {
                return Err(crate::buffer::resize_error());
            }
            let shrink = avail - needed;
            if lo == 0 {
                // Advance the logical start instead of moving the tail; the
                // allocation is then sized as if `size` were still the old one.
                self.start += shrink;
                self.resize_from_front(old - shrink)?;
            } else {
                self.bytes_mut().copy_within(hi.., lo + needed);
                self.resize(old - shrink)?;
            }
        } else if needed > avail {
            if exported {
                return Err(crate::buffer::resize_error());
            }
            self.resize(old + (needed - avail))?;
            self.bytes_mut().copy_within(hi..old, lo + needed);
        }
        self.bytes_mut()[lo..lo + needed].copy_from_slice(src);
        Ok(())
    }

    /// The resize after the start advanced past deleted bytes: `mem` already ends
    /// where the new contents do.
    fn resize_from_front(&mut self, size: usize) -> PyResult<()> {
        if size + self.start < self.alloc && size >= self.alloc / 2 {
            self.size = size;
            return Ok(());
        }
        self.size = size;
        // Reallocate down to the exact size, as CPython's "major downsize" does.
        let alloc = size + 1;
        let mut mem = crate::alloc::try_vec(alloc)?;
        mem.extend_from_slice(&self.mem[self.start..self.start + size]);
        self.mem = mem;
        self.start = 0;
        self.alloc = alloc;
        Ok(())
    }

    /// Appends one byte the way `bytearray.__init__` does for an iterable (no resize
    /// while the allocation has room).
    fn push_init(&mut self, b: u8) -> PyResult<()> {
        if self.size + 1 < self.alloc {
            self.mem.push(b);
            self.size += 1;
            return Ok(());
        }
        self.resize(self.size + 1)?;
        let n = self.size;
        self.bytes_mut()[n - 1] = b;
        Ok(())
    }
}

/// The layout of `bytearray`.
#[repr(C)]
pub struct PyByteArray {
    header: ObjectHeader,
    /// Accessed only inside the object's critical section.
    storage: UnsafeCell<Storage>,
    /// Buffers exported and not yet released.
    exports: AtomicUsize,
}

// SAFETY: repr(C), header first; subclasses extend it.
unsafe impl PyPayload for PyByteArray {
    fn type_object() -> &'static PyType {
        &BYTEARRAY_TYPE
    }
}

unsafe fn bytearray_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `alloc_of_type`.
    unsafe {
        let p = obj.as_ptr() as *mut PyByteArray;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).storage));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// The `bytearray` type.
    pub static BYTEARRAY_TYPE = {
        name: "bytearray",
        layout: PyByteArray,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE,
        traverse: None,
        clear: None,
        dealloc: bytearray_dealloc,
        size: None,
        slots: Slots {
            repr: Some(bytearray_repr),
            str: Some(bytearray_repr),
            hash: Some(crate::baseobject::unhashable),
            richcompare: Some(bytearray_richcompare),
            iter: Some(bytearray_iter),
            new: Some(bytearray_new),
            init: Some(bytearray_init),
            len: Some(|o| Ok(with_storage(o, |st, _| st.size))),
            contains: Some(bytearray_contains),
            getitem: Some(bytearray_getitem),
            setitem: Some(bytearray_setitem),
            buffer: Some(&BYTEARRAY_BUFFER),
            number: NumberSlots {
                add: Some(bytearray_concat),
                mul: Some(bytearray_repeat),
                rem: Some(crate::bytes_methods::bytes_mod),
                inplace_add: Some(bytearray_iconcat),
                inplace_mul: Some(bytearray_irepeat),
                ..NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

fn payload(o: &PyObj) -> &PyByteArray {
    debug_assert!(is_bytearray(o));
    // SAFETY: callers pass bytearrays (the slots and methods are installed on
    // BYTEARRAY_TYPE, whose instances and subclasses' start with PyByteArray).
    unsafe { o.payload_unchecked::<PyByteArray>() }
}

/// Runs `f` on the storage inside the object's critical section, with whether any
/// buffer is exported. `f` must not run Python code.
fn with_storage<R>(o: &PyObj, f: impl FnOnce(&mut Storage, bool) -> R) -> R {
    let p = payload(o);
    strand_heap::critical_section!(o);
    let exported = p.exports.load(Acquire) > 0;
    // SAFETY: the critical section gives this thread exclusive access to the storage
    // until it ends, and `f` runs no code that could suspend it.
    f(unsafe { &mut *p.storage.get() }, exported)
}

/// `with_storage` for changes that may resize: `BufferError` while exported.
fn resize_checked(st: &mut Storage, exported: bool, size: usize) -> PyResult<()> {
    if size != st.size && exported {
        return Err(crate::buffer::resize_error());
    }
    st.resize(size)
}

/// `true` for bytearray and subclasses.
pub fn is_bytearray(o: &PyObj) -> bool {
    o.is_instance_of(&BYTEARRAY_TYPE)
}

fn alloc_of_type(ty: &PyType, storage: Storage) -> PyObj {
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyByteArray layout; both fields are written
    // before the object is finished, and the slots region is zeroed.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyByteArray;
        std::ptr::addr_of_mut!((*p).storage).write(UnsafeCell::new(storage));
        std::ptr::addr_of_mut!((*p).exports).write(AtomicUsize::new(0));
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// A new `bytearray` holding `data`.
pub fn new(data: &[u8]) -> PyObj {
    let storage = Storage::with_bytes(data).unwrap_or_else(|_| {
        // Only sizes the program chose can fail; callers that take them use
        // `try_new`. Fall back to an exact Vec (the allocator aborts if it cannot).
        Storage {
            mem: data.to_vec(),
            start: 0,
            size: data.len(),
            alloc: data.len() + 1,
        }
    });
    alloc_of_type(&BYTEARRAY_TYPE, storage)
}

/// A new `bytearray` holding `data`, or `MemoryError`.
pub fn try_new(data: &[u8]) -> PyResult<PyObj> {
    Ok(alloc_of_type(&BYTEARRAY_TYPE, Storage::with_bytes(data)?))
}

/// A copy of a bytearray's bytes (taken inside its critical section).
pub fn to_vec(o: &PyObj) -> Vec<u8> {
    with_storage(o, |st, _| st.bytes().to_vec())
}

/// The number of bytes.
pub fn len(o: &PyObj) -> usize {
    with_storage(o, |st, _| st.size)
}

// ---------------------------------------------------------------------------------
// The buffer protocol
// ---------------------------------------------------------------------------------

/// The buffer slot of `bytearray`.
pub static BYTEARRAY_BUFFER: BufferProcs = BufferProcs {
    get: bytearray_getbuffer,
    release: |o| {
        payload(o).exports.fetch_sub(1, Release);
    },
    lock: |o, f| {
        strand_heap::critical_section!(o);
        f()
    },
};

fn bytearray_getbuffer(o: &PyObj, request: BufferRequest) -> PyResult<PyBuffer> {
    let p = payload(o);
    with_storage(o, |st, _| {
        let len = st.size;
        let buf = st.bytes_mut().as_mut_ptr();
        // Counted inside the section: a resize that follows sees the export.
        p.exports.fetch_add(1, Relaxed);
        // SAFETY: the memory cannot move or shrink while the export is counted
        // (resizes check it inside this same critical section), it is writable, and
        // it changes only under the section, which is the buffer's lock.
        unsafe {
            crate::buffer::export_contiguous(o, &BYTEARRAY_BUFFER, request, buf, len, 1, "B", false)
        }
    })
}

// ---------------------------------------------------------------------------------
// Construction
// ---------------------------------------------------------------------------------

fn bytearray_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "bytearray.__new__(X)")?;
    Ok(alloc_of_type(ty, Storage::default()))
}

/// `PyNumber_Check`: ints, floats, complex numbers and anything with `__index__`,
/// `__int__` or `__float__`.
fn is_number(o: &PyObj) -> bool {
    let n = &o.ty().slots().number;
    n.index.is_some()
        || n.int.is_some()
        || n.float.is_some()
        || o.is_instance_of(&crate::complex::COMPLEX_TYPE)
        || crate::int::is_int(o)
}

/// `bytearray.__init__(source=b'', encoding=None, errors=None)`.
fn bytearray_init(o: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let b = Args::new(args, kw).bind("bytearray", 0, &["source", "encoding", "errors"], 0)?;
    let str_arg = |v: &PyObj, what: &str| -> PyResult<String> {
        if crate::str::is_str(v) {
            Ok(crate::str::as_str(v).to_string())
        } else {
            Err(type_error(format!(
                "bytearray() argument '{what}' must be str, not {}",
                v.ty().name()
            )))
        }
    };
    let encoding = b[1].map(|e| str_arg(e, "encoding")).transpose()?;
    let errors = b[2].map(|e| str_arg(e, "errors")).transpose()?;
    // Empty the old contents first, as CPython does (an export makes this fail).
    with_storage(o, |st, exported| resize_checked(st, exported, 0))?;
    let no_string = || {
        type_error(if encoding.is_some() {
            "encoding without a string argument"
        } else {
            "errors without a string argument"
        })
    };
    let Some(src) = b[0] else {
        if encoding.is_some() || errors.is_some() {
            return Err(no_string());
        }
        return Ok(());
    };
    if crate::str::is_str(src) {
        let Some(enc) = encoding.as_deref() else {
            return Err(type_error("string argument without an encoding"));
        };
        let data = crate::bytes::encode(src, enc, errors.as_deref().unwrap_or("strict"))?;
        return with_storage(o, |st, exported| {
            resize_checked(st, exported, data.len())?;
            st.bytes_mut().copy_from_slice(&data);
            Ok(())
        });
    }
    if encoding.is_some() || errors.is_some() {
        return Err(no_string());
    }
    if let Some(n) = crate::bytes::count_argument(src)? {
        crate::alloc::check_bytes(n)?;
        return with_storage(o, |st, exported| resize_checked(st, exported, n));
    }
    if let Some(data) = crate::buffer::copy_any(src)? {
        return with_storage(o, |st, exported| {
            resize_checked(st, exported, data.len())?;
            st.bytes_mut().copy_from_slice(&data);
            Ok(())
        });
    }
    let exact_seq =
        src.is_exact(&crate::list::LIST_TYPE) || src.is_exact(&crate::tuple::TUPLE_TYPE);
    if exact_seq {
        let items = ab::collect_iter(src)?;
        if items.iter().all(|i| i.is_exact(&crate::int::INT_TYPE)) {
            let data = items.iter().map(byte_arg).collect::<PyResult<Vec<u8>>>()?;
            return with_storage(o, |st, exported| {
                resize_checked(st, exported, data.len())?;
                st.bytes_mut().copy_from_slice(&data);
                Ok(())
            });
        }
    }
    let it = ab::iter(src).map_err(|e| {
        if e.is_instance(&crate::exceptions::TYPE_ERROR_TYPE) {
            type_error(format!(
                "cannot convert '{}' object to bytearray",
                src.ty().name()
            ))
        } else {
            e
        }
    })?;
    // Bytes are appended as they come: an error leaves the ones before it.
    while let Some(item) = ab::next(&it)? {
        let v = byte_arg(&item)?;
        with_storage(o, |st, exported| {
            if st.size + 1 >= st.alloc && exported {
                return Err(crate::buffer::resize_error());
            }
            st.push_init(v)
        })?;
    }
    Ok(())
}

/// The bytes `bytearray(x)` would hold, for slice assignment from a non-bytearray
/// (CPython's `PyByteArray_FromObject`; numbers and strs were refused before).
fn bytes_of_values(v: &PyObj) -> PyResult<Vec<u8>> {
    if let Some(data) = crate::buffer::copy_any(v)? {
        return Ok(data);
    }
    let it = ab::iter(v).map_err(|e| {
        if e.is_instance(&crate::exceptions::TYPE_ERROR_TYPE) {
            type_error(format!(
                "cannot convert '{}' object to bytearray",
                v.ty().name()
            ))
        } else {
            e
        }
    })?;
    let mut out = Vec::new();
    while let Some(item) = ab::next(&it)? {
        out.push(byte_arg(&item)?);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------
// Slots
// ---------------------------------------------------------------------------------

/// `bytearray(b'...')`, with the type's name. Unlike `bytes`' repr, a single quote is
/// always escaped, whichever quote encloses the text (CPython's `bytearray_repr`).
fn bytearray_repr(o: &PyObj) -> PyResult<PyObj> {
    let data = to_vec(o);
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(data.len() + 16);
    out.push_str(o.ty().name());
    out.push_str("(b");
    out.push(quote);
    for &c in &data {
        match c {
            b'\'' | b'\\' => {
                out.push('\\');
                out.push(c as char);
            }
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote);
    out.push(')');
    Ok(crate::str::from_string(out))
}

/// Comparisons with any buffer (`bytearray_richcompare`): both sides as bytes.
fn bytearray_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !crate::buffer::has_buffer(a) || !crate::buffer::has_buffer(b) {
        return Ok(not_implemented());
    }
    let (Ok(x), Ok(y)) = (crate::buffer::bytes_like(a), crate::buffer::bytes_like(b)) else {
        return Ok(not_implemented());
    };
    Ok(bool_obj(op.test(x.cmp(&y))))
}

fn bytearray_contains(o: &PyObj, x: &PyObj) -> PyResult<bool> {
    if crate::int::is_int(x) || x.ty().slots().number.index.is_some() {
        let b = byte_arg(x)?;
        return Ok(with_storage(o, |st, _| st.bytes().contains(&b)));
    }
    let needle = crate::buffer::bytes_like(x)?;
    Ok(with_storage(o, |st, _| {
        let hay = st.bytes();
        crate::bytes_methods::find(hay, &needle, 0, hay.len()).is_some()
    }))
}

fn bytearray_getitem(o: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    if let Some(slice) = key.downcast::<crate::slice::PySlice>() {
        let bounds = slice.unpacked()?;
        let data = with_storage(o, |st, _| {
            let data = st.bytes();
            let idx = bounds.resolve(data.len());
            if idx.step == 1 {
                data[idx.start..idx.start + idx.len].to_vec()
            } else {
                idx.iter().map(|i| data[i]).collect::<Vec<u8>>()
            }
        });
        return try_new(&data);
    }
    let i = ab::index_for(key, "bytearray")?;
    let v = with_storage(o, |st, _| {
        crate::slice::normalize_index(i, st.size).map(|j| st.bytes()[j])
    });
    match v {
        Some(b) => Ok(crate::int::from_i64(i64::from(b))),
        None => Err(index_error("bytearray index out of range")),
    }
}

/// `b[key] = value` and `del b[key]` (CPython's `bytearray_ass_subscript`).
fn bytearray_setitem(o: &PyObj, key: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    let Some(slice) = key.downcast::<crate::slice::PySlice>() else {
        if !crate::int::is_int(key) && key.ty().slots().number.index.is_none() {
            return Err(type_error(format!(
                "bytearray indices must be integers or slices, not {}",
                key.ty().name()
            )));
        }
        let i = ab::index_for(key, "bytearray")?;
        let v = value.map(byte_arg).transpose()?;
        return with_storage(o, |st, exported| {
            let j = crate::slice::normalize_index(i, st.size)
                .ok_or_else(|| index_error("bytearray index out of range"))?;
            match v {
                Some(b) => {
                    st.bytes_mut()[j] = b;
                    Ok(())
                }
                None => st.set_linear(exported, j, j + 1, &[]),
            }
        });
    };
    let bounds = slice.unpacked()?;
    let src: Option<Vec<u8>> = match value {
        None => None,
        Some(v) if is_bytearray(v) && !v.is(o) => Some(to_vec(v)),
        Some(v) => {
            if is_number(v) || crate::str::is_str(v) {
                return Err(type_error(
                    "can assign only bytes, buffers, or iterables of ints in range(0, 256)",
                ));
            }
            Some(bytes_of_values(v)?)
        }
    };
    with_storage(o, |st, exported| {
        let idx = bounds.resolve(st.size);
        let needed = src.as_ref().map_or(0, Vec::len);
        if idx.step == 1 {
            let lo = idx.start;
            return st.set_linear(exported, lo, lo + idx.len, src.as_deref().unwrap_or(&[]));
        }
        if needed == 0 {
            // An empty value deletes an extended slice.
            if exported {
                return Err(crate::buffer::resize_error());
            }
            if idx.len == 0 {
                return Ok(());
            }
            let mut gone = vec![false; st.size];
            for i in idx.iter() {
                gone[i] = true;
            }
            let mut w = 0;
            let bytes = st.bytes_mut();
            for r in 0..bytes.len() {
                if !gone[r] {
                    bytes[w] = bytes[r];
                    w += 1;
                }
            }
            return st.resize(w);
        }
        if needed != idx.len {
            return Err(value_error(format!(
                "attempt to assign bytes of size {needed} to extended slice of size {}",
                idx.len
            )));
        }
        let src = src.as_deref().unwrap_or(&[]);
        let bytes = st.bytes_mut();
        for (k, i) in idx.iter().enumerate() {
            bytes[i] = src[k];
        }
        Ok(())
    })
}

/// `bytearray + other`: any bytes-like right operand.
fn bytearray_concat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !is_bytearray(a) {
        return Ok(not_implemented());
    }
    let y = crate::buffer::bytes_like(b).map_err(|_| {
        type_error(format!(
            "can't concat {} to {}",
            b.ty().name(),
            a.ty().name()
        ))
    })?;
    let mut v = to_vec(a);
    v.try_reserve(y.len())
        .map_err(|_| crate::exceptions::memory_error())?;
    v.extend_from_slice(&y);
    try_new(&v)
}

/// `bytearray += other`: the other's buffer stays exported until the resize is done,
/// so `b += b` meets its own export (as in CPython).
fn bytearray_iconcat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let held = crate::buffer::get_buffer(b, BufferRequest::SIMPLE).map_err(|_| {
        type_error(format!(
            "can't concat {} to {}",
            b.ty().name(),
            a.ty().name()
        ))
    })?;
    let y = held.to_vec();
    with_storage(a, |st, exported| {
        let n = st.size;
        resize_checked(st, exported, n + y.len())?;
        st.bytes_mut()[n..].copy_from_slice(&y);
        Ok::<(), crate::PyErr>(())
    })?;
    drop(held);
    Ok(a.clone())
}

fn repeated(data: &[u8], count: usize) -> PyResult<Vec<u8>> {
    let Some(total) = data
        .len()
        .checked_mul(count)
        .filter(|&n| n <= isize::MAX as usize)
    else {
        return Err(crate::exceptions::memory_error());
    };
    let mut out = crate::alloc::try_vec(total)?;
    if total > 0 {
        for _ in 0..count {
            out.extend_from_slice(data);
        }
    }
    Ok(out)
}

fn bytearray_repeat(a: &PyObj, n: &PyObj) -> PyResult<PyObj> {
    let (seq, count) = if is_bytearray(a) { (a, n) } else { (n, a) };
    let Some(count) = ab::repeat_count(count)? else {
        return Ok(not_implemented());
    };
    try_new(&repeated(&to_vec(seq), count)?)
}

fn bytearray_irepeat(a: &PyObj, n: &PyObj) -> PyResult<PyObj> {
    let Some(count) = ab::repeat_count(n)? else {
        return Ok(not_implemented());
    };
    with_storage(a, |st, exported| {
        let data = st.bytes().to_vec();
        let out = repeated(&data, count)?;
        resize_checked(st, exported, out.len())?;
        st.bytes_mut().copy_from_slice(&out);
        Ok::<(), crate::PyErr>(())
    })?;
    Ok(a.clone())
}

// ---------------------------------------------------------------------------------
// Iteration
// ---------------------------------------------------------------------------------

/// The layout of `bytearray_iterator`.
#[repr(C)]
pub struct PyByteArrayIter {
    header: ObjectHeader,
    seq: PyObj,
    /// The next index; `usize::MAX` once exhausted.
    pos: AtomicUsize,
}

unsafe fn iter_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on bytearray iterators only.
    let it = unsafe { &*(obj.as_ptr() as *const PyByteArrayIter) };
    visit(it.seq.as_ptr());
}

unsafe fn iter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; both fields initialised by `bytearray_iter`.
    unsafe {
        let p = obj.as_ptr() as *mut PyByteArrayIter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).seq));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `bytearray_iterator`.
    pub static BYTEARRAY_ITER_TYPE = {
        name: "bytearray_iterator",
        layout: PyByteArrayIter,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(iter_traverse),
        clear: None,
        dealloc: iter_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(bytearray_iter_next),
            ..Slots::EMPTY
        },
    }
}

fn bytearray_iter(o: &PyObj) -> PyResult<PyObj> {
    let ty = &BYTEARRAY_ITER_TYPE;
    let it = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation of the iterator layout; both fields written before
    // the object is finished (and tracked).
    unsafe {
        let p = it.as_ptr().as_ptr() as *mut PyByteArrayIter;
        std::ptr::addr_of_mut!((*p).seq).write(o.clone());
        std::ptr::addr_of_mut!((*p).pos).write(AtomicUsize::new(0));
        crate::alloc::finish_instance(ty, &it);
    }
    Ok(it)
}

fn iter_payload(it: &PyObj) -> &PyByteArrayIter {
    // SAFETY: installed on bytearray iterators only.
    unsafe { it.payload_unchecked::<PyByteArrayIter>() }
}

/// The next byte: each position is claimed with a compare-and-swap, so threads
/// sharing the iterator each get a byte once.
fn bytearray_iter_next(it: &PyObj) -> PyResult<Option<PyObj>> {
    let p = iter_payload(it);
    loop {
        let i = p.pos.load(Relaxed);
        if i == usize::MAX {
            return Ok(None);
        }
        let Some(b) = with_storage(&p.seq, |st, _| st.bytes().get(i).copied()) else {
            let _ = p.pos.compare_exchange(i, usize::MAX, Relaxed, Relaxed);
            return Ok(None);
        };
        if p.pos.compare_exchange(i, i + 1, Relaxed, Relaxed).is_ok() {
            return Ok(Some(crate::int::from_i64(i64::from(b))));
        }
    }
}

/// `bytearray_iterator.__reduce__()`: `(iter, (bytearray,), index)`, or
/// `(iter, ((),))` once exhausted (CPython's `bytearrayiter_reduce`).
fn iter_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("bytearray_iterator.__reduce__", 1)?;
    let p = iter_payload(&a[0]);
    let iter = crate::function::get_builtin("iter")?;
    let i = p.pos.load(Relaxed);
    Ok(if i == usize::MAX {
        crate::tuple::pair(iter, crate::tuple::from_vec(vec![crate::tuple::empty()]))
    } else {
        crate::tuple::from_vec(vec![
            iter,
            crate::tuple::from_vec(vec![p.seq.clone()]),
            crate::int::from_usize(i),
        ])
    })
}

/// `bytearray_iterator.__setstate__(index)`: the next index, clipped to `0..=len`
/// (nothing once exhausted).
fn iter_setstate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("bytearray_iterator.__setstate__", 2)?;
    let index = crate::iterators::ssize_state(&a[1])?.max(0) as usize;
    let p = iter_payload(&a[0]);
    let to = index.min(len(&p.seq));
    let _ = p
        .pos
        .fetch_update(Relaxed, Relaxed, |i| (i != usize::MAX).then_some(to));
    Ok(crate::singletons::none())
}

fn iter_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("__reduce__", iter_reduce),
        MethodDef::new("__setstate__", iter_setstate),
        MethodDef::new("__length_hint__", |a, k| {
            Args::new(a, k).exact("__length_hint__", 1)?;
            let p = iter_payload(&a[0]);
            let i = p.pos.load(Relaxed);
            let n = if i == usize::MAX {
                0
            } else {
                len(&p.seq).saturating_sub(i)
            };
            Ok(crate::int::from_usize(n))
        }),
    ]
}

// ---------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------

fn m_append(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("bytearray.append", 2)?;
    let v = byte_arg(&a[1])?;
    with_storage(&a[0], |st, exported| {
        let n = st.size;
        resize_checked(st, exported, n + 1)?;
        st.bytes_mut()[n] = v;
        Ok::<(), crate::PyErr>(())
    })?;
    Ok(none())
}

fn m_extend(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("bytearray.extend", 2)?;
    let src = &a[1];
    let data = match crate::buffer::copy_any(src)? {
        Some(d) => d,
        None => {
            let it = ab::iter(src).map_err(|e| {
                if e.is_instance(&crate::exceptions::TYPE_ERROR_TYPE) {
                    type_error(format!("can't extend bytearray with {}", src.ty().name()))
                } else {
                    e
                }
            })?;
            // All or nothing: every item is converted before any is appended.
            let mut out = Vec::new();
            while let Some(item) = ab::next(&it)? {
                out.push(byte_arg(&item)?);
            }
            out
        }
    };
    with_storage(&a[0], |st, exported| {
        let n = st.size;
        st.set_linear(exported, n, n, &data)
    })?;
    Ok(none())
}

fn m_insert(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect("bytearray.insert", 3, 3)?;
    let i = crate::int::to_isize(&ab::index(&a[1])?)?;
    let v = byte_arg(&a[2])?;
    with_storage(&a[0], |st, exported| {
        let n = st.size as isize;
        resize_checked(st, exported, st.size + 1)?;
        let j = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
        let bytes = st.bytes_mut();
        bytes.copy_within(j..n as usize, j + 1);
        bytes[j] = v;
        Ok::<(), crate::PyErr>(())
    })?;
    Ok(none())
}

fn m_pop(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect("bytearray.pop", 1, 2)?;
    let i = match a.get(1) {
        Some(v) => crate::int::to_isize(&ab::index(v)?)?,
        None => -1,
    };
    let v = with_storage(&a[0], |st, exported| {
        if st.size == 0 {
            return Err(index_error("pop from empty bytearray"));
        }
        let j = crate::slice::normalize_index(i, st.size)
            .ok_or_else(|| index_error("pop index out of range"))?;
        if exported {
            return Err(crate::buffer::resize_error());
        }
        let v = st.bytes()[j];
        st.set_linear(false, j, j + 1, &[])?;
        Ok(v)
    })?;
    Ok(crate::int::from_i64(i64::from(v)))
}

fn m_remove(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("bytearray.remove", 2)?;
    let v = byte_arg(&a[1])?;
    with_storage(&a[0], |st, exported| {
        let j = st
            .bytes()
            .iter()
            .position(|&b| b == v)
            .ok_or_else(|| value_error("value not found in bytearray"))?;
        if exported {
            return Err(crate::buffer::resize_error());
        }
        st.set_linear(false, j, j + 1, &[])
    })?;
    Ok(none())
}

fn m_reverse(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("bytearray.reverse", 1)?;
    with_storage(&a[0], |st, _| st.bytes_mut().reverse());
    Ok(none())
}

fn m_clear(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("bytearray.clear", 1)?;
    with_storage(&a[0], |st, exported| resize_checked(st, exported, 0))?;
    Ok(none())
}

fn m_copy(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("bytearray.copy", 1)?;
    try_new(&to_vec(&a[0]))
}

fn m_alloc(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("bytearray.__alloc__", 1)?;
    Ok(crate::int::from_usize(with_storage(&a[0], |st, _| {
        st.alloc
    })))
}

fn m_sizeof(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("bytearray.__sizeof__", 1)?;
    // CPython's figure: its object header and fields (56 bytes) plus the allocation.
    Ok(crate::int::from_usize(
        56 + with_storage(&a[0], |st, _| st.alloc),
    ))
}

/// `__reduce__`/`__reduce_ex__` (CPython's `_common_reduce`): protocols below 3 use a
/// Latin-1 str with its encoding, for Python 2; later ones the bytes.
fn reduce(o: &PyObj, proto: i64) -> PyResult<PyObj> {
    let state = ab::call_method(o, "__getstate__", &[])?;
    let data = to_vec(o);
    let args = if data.is_empty() {
        vec![]
    } else if proto < 3 {
        vec![
            crate::str::from_string(data.iter().map(|&b| b as char).collect()),
            crate::str::new("latin-1"),
        ]
    } else {
        vec![crate::bytes::new(&data)]
    };
    Ok(crate::tuple::from_vec(vec![
        o.ty().to_obj(),
        crate::tuple::from_vec(args),
        state,
    ]))
}

fn methods() -> Vec<MethodDef> {
    let mut v = crate::bytes_methods::shared_methods();
    v.extend([
        MethodDef::new("append", m_append),
        MethodDef::new("extend", m_extend),
        MethodDef::new("insert", m_insert),
        MethodDef::new("pop", m_pop),
        MethodDef::new("remove", m_remove),
        MethodDef::new("reverse", m_reverse),
        MethodDef::new("clear", m_clear),
        MethodDef::new("copy", m_copy),
        MethodDef::new("__alloc__", m_alloc),
        MethodDef::new("__sizeof__", m_sizeof),
        MethodDef::new("__reduce__", |a, k| {
            Args::new(a, k).exact("bytearray.__reduce__", 1)?;
            reduce(&a[0], 2)
        }),
        MethodDef::new("__reduce_ex__", |a, k| {
            Args::new(a, k).expect("bytearray.__reduce_ex__", 1, 2)?;
            let proto = match a.get(1) {
                Some(p) => crate::int::to_isize(&ab::index(p)?)? as i64,
                None => 0,
            };
            reduce(&a[0], proto)
        }),
    ]);
    v
}

/// Readies `bytearray` and its iterator (called by [`crate::init`]).
pub(crate) fn ready() {
    let object = &crate::baseobject::OBJECT_TYPE;
    BYTEARRAY_TYPE.ready_static(Some(object), &methods(), &[]);
    BYTEARRAY_ITER_TYPE.ready_static(Some(object), &iter_methods(), &[]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `__alloc__` values of 30 appends, as CPython 3.11 reports them.
    #[test]
    fn growth_matches_cpython() {
        let mut st = Storage::default();
        let mut allocs = Vec::new();
        for i in 0..30u8 {
            let n = st.size;
            st.resize(n + 1).unwrap();
            st.bytes_mut()[n] = i;
            allocs.push(st.alloc);
        }
        assert_eq!(
            allocs,
            vec![
                2, 5, 5, 5, 8, 8, 8, 12, 12, 12, 12, 19, 19, 19, 19, 19, 19, 19, 27, 27, 27, 27,
                27, 27, 27, 27, 36, 36, 36, 36
            ]
        );
        assert_eq!(st.bytes(), (0..30).collect::<Vec<u8>>().as_slice());
    }

    #[test]
    fn front_deletion_advances_the_start() {
        let mut st = Storage::with_bytes(b"0123456789").unwrap();
        st.set_linear(false, 0, 2, b"").unwrap();
        assert_eq!(st.bytes(), b"23456789");
        assert_eq!((st.start, st.alloc), (2, 11));
        st.set_linear(false, 0, 5, b"").unwrap();
        assert_eq!(st.bytes(), b"789");
        // Below half the allocation: reallocated to the exact size.
        assert_eq!((st.start, st.alloc), (0, 4));
        st.set_linear(false, 1, 1, b"xy").unwrap();
        assert_eq!(st.bytes(), b"7xy89");
        // Same-size replacement is allowed while exported (the refusal raises
        // BufferError, which needs an attached thread: the programs test it).
        st.set_linear(true, 0, 2, b"ab").unwrap();
        assert_eq!(st.bytes(), b"aby89");
    }
}
