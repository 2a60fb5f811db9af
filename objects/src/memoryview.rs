//! `memoryview` (Objects/memoryobject.c): a view of another object's memory through
//! the buffer protocol, with the items' format, shape and strides; slicing and `cast`
//! make new views of the same memory, and a writable view writes through to its
//! object.
//!
//! Views made from one another (slices, casts, `memoryview(m)`, `toreadonly`) share
//! one export of the object, held by a `managedbuffer` (CPython's
//! `_PyManagedBufferObject`) that releases it when the last of its views is released,
//! by `release()`, the `with` statement or deallocation. After that the object may
//! resize again, and every use of a released view raises `ValueError: operation
//! forbidden on released memoryview object`.
//!
//! Free threading: a view's layout never changes after creation. A view's own state
//! (released or not, the buffers exported from it) changes inside its critical
//! section, so a release and an export or a new view from it never interleave.
//! Every read or write of the memory happens under the object's buffer lock (its
//! critical section for a bytearray) and checks, under that lock, that the view is
//! not released: a release may end the export at any moment, but the object can only
//! then resize under that same lock, after the check, so a view never touches memory
//! a resize moved or freed. Python code (`__index__`, `__float__`) runs before the
//! lock is taken.

use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize};

use parking_lot::Mutex;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::args::Args;
use crate::buffer::{BufferProcs, BufferRequest, Layout, LockFn, Order, PyBuffer};
use crate::buffer_format as fmt;
use crate::descr::{GetSetDef, MethodDef};
use crate::exceptions::{
    buffer_error, index_error, not_implemented_error, type_error, value_error, PyErr,
};
use crate::object::{PyObj, PyPayload};
use crate::singletons::{bool_obj, none, not_implemented};
use crate::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use crate::PyResult;

/// The most dimensions a view may have (`PyBUF_MAX_NDIM`).
const MAX_NDIM: usize = 64;

// ---------------------------------------------------------------------------------
// The managed buffer
// ---------------------------------------------------------------------------------

/// The layout of `managedbuffer`: one export of an object, shared by views.
#[repr(C)]
pub struct PyManagedBuffer {
    header: ObjectHeader,
    /// The exporting object (the owner of the memory, whose lock guards it).
    obj: PyObj,
    lock: LockFn,
    /// The export; `None` once the last view was released.
    export: Mutex<Option<PyBuffer>>,
    /// Views not yet released.
    views: AtomicUsize,
}

unsafe fn mbuf_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on managed buffers only.
    let m = unsafe { &*(obj.as_ptr() as *const PyManagedBuffer) };
    visit(m.obj.as_ptr());
    // A buffer held elsewhere at this moment is simply not reported: under-counting
    // references only keeps objects alive.
    if let Some(g) = m.export.try_lock() {
        if let Some(b) = &*g {
            b.visit_refs(visit);
        }
    }
}

unsafe fn mbuf_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; every field initialised by `new_mbuf`.
    unsafe {
        let p = obj.as_ptr() as *mut PyManagedBuffer;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).export));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).obj));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `managedbuffer`, the shared export behind memoryviews.
    pub static MANAGED_BUFFER_TYPE = {
        name: "managedbuffer",
        layout: PyManagedBuffer,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(mbuf_traverse),
        clear: None,
        dealloc: mbuf_dealloc,
        size: None,
        slots: Slots::EMPTY,
    }
}

fn mbuf(o: &PyObj) -> &PyManagedBuffer {
    // SAFETY: memoryviews hold managed buffers only.
    unsafe { o.payload_unchecked::<PyManagedBuffer>() }
}

fn new_mbuf(export: PyBuffer) -> PyObj {
    let ty = &MANAGED_BUFFER_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation of the layout, every field written before the object
    // is finished (and tracked).
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyManagedBuffer;
        std::ptr::addr_of_mut!((*p).obj).write(export.owner().clone());
        std::ptr::addr_of_mut!((*p).lock).write(export.lock_fn());
        std::ptr::addr_of_mut!((*p).export).write(Mutex::new(Some(export)));
        std::ptr::addr_of_mut!((*p).views).write(AtomicUsize::new(0));
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// Ends one view's use of `m`; the last one ends the export.
fn mbuf_drop_view(m: &PyObj) {
    let mb = mbuf(m);
    if mb.views.fetch_sub(1, AcqRel) == 1 {
        let export = mb.export.lock().take();
        drop(export);
    }
}

// ---------------------------------------------------------------------------------
// The memoryview type
// ---------------------------------------------------------------------------------

/// The layout of `memoryview`.
#[repr(C)]
pub struct PyMemoryView {
    header: ObjectHeader,
    /// The managed buffer (never changes).
    mbuf: PyObj,
    /// Where this view's items are (never changes).
    layout: Layout,
    /// Set once, under the view's critical section.
    released: AtomicBool,
    /// Buffers exported from this view and not yet released.
    exports: AtomicUsize,
    /// The hash once computed, else -1.
    hash: AtomicIsize,
}

// SAFETY: repr(C), header first; memoryview is final.
unsafe impl PyPayload for PyMemoryView {
    fn type_object() -> &'static PyType {
        &MEMORYVIEW_TYPE
    }
}

unsafe fn mv_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on memoryviews only.
    let m = unsafe { &*(obj.as_ptr() as *const PyMemoryView) };
    visit(m.mbuf.as_ptr());
}

unsafe fn mv_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; every field initialised by `new_view`. A view
    // that was not released ends its use of the managed buffer now (no buffer can be
    // exported from it: each holds a reference to it).
    unsafe {
        crate::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyMemoryView;
        if !(*p).released.load(Relaxed) {
            mbuf_drop_view(&(*p).mbuf);
        }
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).layout));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).mbuf));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// The `memoryview` type.
    pub static MEMORYVIEW_TYPE = {
        name: "memoryview",
        layout: PyMemoryView,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(mv_traverse),
        clear: None,
        dealloc: mv_dealloc,
        size: None,
        slots: Slots {
            repr: Some(mv_repr),
            hash: Some(mv_hash),
            richcompare: Some(mv_richcompare),
            iter: Some(mv_iter),
            new: Some(mv_new),
            len: Some(mv_len),
            getitem: Some(mv_getitem),
            setitem: Some(mv_setitem),
            buffer: Some(&MEMORYVIEW_BUFFER),
            ..Slots::EMPTY
        },
    }
}

fn payload(o: &PyObj) -> &PyMemoryView {
    // SAFETY: the slots and methods are installed on memoryview, which is final.
    unsafe { o.payload_unchecked::<PyMemoryView>() }
}

/// `true` for memoryviews.
pub fn is_memoryview(o: &PyObj) -> bool {
    o.is_exact(&MEMORYVIEW_TYPE)
}

fn released_error() -> PyErr {
    value_error("operation forbidden on released memoryview object")
}

/// The view, or `ValueError` if it was released (`CHECK_RELEASED`).
fn live(o: &PyObj) -> PyResult<&PyMemoryView> {
    let p = payload(o);
    if p.released.load(Acquire) {
        return Err(released_error());
    }
    Ok(p)
}

/// A new view of `m`'s memory with `layout`; the caller has counted it in `m`'s views.
fn new_view(m: PyObj, layout: Layout) -> PyObj {
    let ty = &MEMORYVIEW_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation of the layout, every field written before the object
    // is finished (and tracked).
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyMemoryView;
        std::ptr::addr_of_mut!((*p).mbuf).write(m);
        std::ptr::addr_of_mut!((*p).layout).write(layout);
        std::ptr::addr_of_mut!((*p).released).write(AtomicBool::new(false));
        std::ptr::addr_of_mut!((*p).exports).write(AtomicUsize::new(0));
        std::ptr::addr_of_mut!((*p).hash).write(AtomicIsize::new(-1));
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// A new view sharing `src`'s managed buffer, with the layout `f` makes of `src`'s
/// (no Python code may run in `f`).
fn derive(src: &PyObj, f: impl FnOnce(&Layout) -> PyResult<Layout>) -> PyResult<PyObj> {
    let p = payload(src);
    strand_heap::critical_section!(src);
    if p.released.load(Relaxed) {
        return Err(released_error());
    }
    let layout = f(&p.layout)?;
    // `src` is not released, so the managed buffer still has the export and at least
    // this view: the count cannot reach zero meanwhile.
    mbuf(&p.mbuf).views.fetch_add(1, Relaxed);
    Ok(new_view(p.mbuf.clone(), layout))
}

/// `memoryview(obj)`.
///
/// # Errors
/// `TypeError: memoryview: a bytes-like object is required, not 'T'`; the exporter's
/// errors.
pub fn from_object(o: &PyObj) -> PyResult<PyObj> {
    if is_memoryview(o) {
        return derive(o, |l| Ok(l.clone()));
    }
    if !crate::buffer::has_buffer(o) {
        return Err(type_error(format!(
            "memoryview: a bytes-like object is required, not '{}'",
            o.ty().name()
        )));
    }
    let export = crate::buffer::get_buffer(o, BufferRequest::FULL_RO)?;
    let layout = export.layout().clone();
    let m = new_mbuf(export);
    mbuf(&m).views.store(1, Relaxed);
    Ok(new_view(m, layout))
}

fn mv_new(_cls: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    let object = match a.positional(0) {
        Some(o) => Some(o),
        None => a.kw("object"),
    };
    let Some(object) = object else {
        return Err(type_error(
            "memoryview() missing required argument 'object' (pos 1)",
        ));
    };
    a.bind("memoryview", 0, &["object"], 1)?;
    from_object(object)
}

/// Runs `f` on the view's layout under its object's buffer lock, once the view is
/// known not to be released (checked under the lock: module doc).
fn with_memory<R>(o: &PyObj, f: impl FnOnce(&Layout) -> R) -> PyResult<R> {
    let p = payload(o);
    let mb = mbuf(&p.mbuf);
    crate::buffer::run_locked(mb.lock, &mb.obj, || {
        if p.released.load(Acquire) {
            Err(released_error())
        } else {
            Ok(f(&p.layout))
        }
    })
}

/// An item's bytes, copied out (items of the formats a view can unpack are at most
/// 8 bytes; longer ones are cut, and fail to unpack anyway).
struct ItemBytes {
    bytes: [u8; 16],
    len: usize,
}

impl std::ops::Deref for ItemBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The bytes of the item at byte offset `off` from the view's first item.
fn read_item(o: &PyObj, off: isize) -> PyResult<ItemBytes> {
    with_memory(o, |l| {
        let len = l.itemsize().min(16);
        let mut item = ItemBytes {
            bytes: [0; 16],
            len,
        };
        // SAFETY: `off` names an in-range item of this view (callers checked), whose
        // memory the export pins; read under the object's lock.
        unsafe { std::ptr::copy_nonoverlapping(l.buf().offset(off), item.bytes.as_mut_ptr(), len) };
        item
    })
}

/// Writes `bytes` (one item) at byte offset `off`.
fn write_item(o: &PyObj, off: isize, bytes: &[u8]) -> PyResult<()> {
    with_memory(o, |l| {
        debug_assert_eq!(bytes.len(), l.itemsize());
        // SAFETY: as in `read_item`; the view is writable (callers checked) and the
        // lock keeps every other reader and writer out.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), l.buf().offset(off), bytes.len()) }
    })
}

/// The view's bytes in row-major order.
fn gather(o: &PyObj, order: Order) -> PyResult<Vec<u8>> {
    with_memory(o, |l| {
        let mut v = Vec::with_capacity(l.len());
        // SAFETY: the export pins the memory; read under the object's lock.
        unsafe { l.gather(order, &mut v) };
        v
    })
}

/// An index into dimension `dim` (0-based) of length `n`, negative from the end.
fn dim_index(i: isize, n: usize, dim: usize) -> PyResult<usize> {
    crate::slice::normalize_index(i, n)
        .ok_or_else(|| index_error(format!("index out of bounds on dimension {}", dim + 1)))
}

/// `true` for a tuple of int-likes (CPython's `is_multiindex`).
fn is_multiindex(key: &PyObj) -> bool {
    crate::tuple::is_tuple(key)
        && crate::tuple::items(key)
            .iter()
            .all(|k| crate::int::is_int(k) || k.ty().slots().number.index.is_some())
}

/// `true` for a tuple of slices (CPython's `is_multislice`).
fn is_multislice(key: &PyObj) -> bool {
    crate::tuple::is_tuple(key)
        && crate::tuple::items(key)
            .iter()
            .all(|k| k.is_instance_of(&crate::slice::SLICE_TYPE))
}

fn is_index(key: &PyObj) -> bool {
    crate::int::is_int(key) || key.ty().slots().number.index.is_some()
}

/// The byte offset of the item a tuple of indices names (`ptr_from_tuple`).
fn offset_of_tuple(l: &Layout, key: &PyObj) -> PyResult<isize> {
    let items = crate::tuple::items(key);
    if items.len() > l.ndim() {
        return Err(type_error(format!(
            "cannot index {}-dimension view with {}-element tuple",
            l.ndim(),
            items.len()
        )));
    }
    let mut off = 0isize;
    for (dim, k) in items.iter().enumerate() {
        let i = ab::index_for(k, "memoryview")?;
        let j = dim_index(i, l.shape()[dim], dim)?;
        off += j as isize * l.strides()[dim];
    }
    Ok(off)
}

/// `layout` sliced along its first dimension (CPython's `init_slice`).
fn slice_layout(l: &Layout, bounds: crate::slice::UnpackedSlice) -> Layout {
    let idx = bounds.resolve(l.shape()[0]);
    let mut s = l.clone();
    // SAFETY (arithmetic only): the first selected item lies inside the view when
    // any is selected; with none selected the address is never read.
    s.buf = l
        .buf
        .wrapping_offset(l.strides()[0].wrapping_mul(idx.start as isize));
    s.shape[0] = idx.len;
    // Arithmetic only, as CPython's: with one or no item selected the stride is never
    // used to reach memory.
    s.strides[0] = l.strides()[0].wrapping_mul(idx.step);
    s.len = s.shape.iter().product::<usize>() * s.itemsize;
    s
}

fn mv_getitem(o: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    let p = live(o)?;
    let l = &p.layout;
    if l.ndim() == 0 {
        if crate::tuple::is_tuple(key) && crate::tuple::items(key).is_empty() {
            let code = fmt::item_code(l.format())?;
            return fmt::unpack(code, &read_item(o, 0)?);
        }
        if key.is(&crate::singletons::ellipsis()) {
            return Ok(o.clone());
        }
        return Err(type_error("invalid indexing of 0-dim memory"));
    }
    if is_index(key) {
        let i = ab::index_for(key, "memoryview")?;
        let code = fmt::item_code(l.format())?;
        if l.ndim() > 1 {
            return Err(not_implemented_error(
                "multi-dimensional sub-views are not implemented",
            ));
        }
        let j = dim_index(i, l.shape()[0], 0)?;
        return fmt::unpack(code, &read_item(o, j as isize * l.strides()[0])?);
    }
    if let Some(slice) = key.downcast::<crate::slice::PySlice>() {
        let bounds = slice.unpacked()?;
        return derive(o, |l| Ok(slice_layout(l, bounds)));
    }
    if is_multiindex(key) {
        let code = fmt::item_code(l.format())?;
        if crate::tuple::items(key).len() < l.ndim() {
            return Err(not_implemented_error("sub-views are not implemented"));
        }
        let off = offset_of_tuple(l, key)?;
        return fmt::unpack(code, &read_item(o, off)?);
    }
    if is_multislice(key) {
        return Err(not_implemented_error(
            "multi-dimensional slicing is not implemented",
        ));
    }
    Err(type_error("memoryview: invalid slice key"))
}

/// `format` without its `@`.
fn bare(format: &str) -> &str {
    format.strip_prefix('@').unwrap_or(format)
}

/// CPython's `equiv_shape`: same dimensions and lengths (up to a zero length).
fn same_shape(a: &Layout, b: &Layout) -> bool {
    if a.ndim() != b.ndim() {
        return false;
    }
    for (x, y) in a.shape().iter().zip(b.shape()) {
        if x != y {
            return false;
        }
        if *x == 0 {
            break;
        }
    }
    true
}

fn mv_setitem(o: &PyObj, key: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    let p = live(o)?;
    let l = &p.layout;
    if l.readonly() {
        return Err(type_error("cannot modify read-only memory"));
    }
    let Some(value) = value else {
        return Err(type_error("cannot delete memory"));
    };
    if l.ndim() == 0 {
        let whole = (crate::tuple::is_tuple(key) && crate::tuple::items(key).is_empty())
            || key.is(&crate::singletons::ellipsis());
        if !whole {
            return Err(type_error("invalid indexing of 0-dim memory"));
        }
        let code = fmt::item_code(l.format())?;
        let bytes = fmt::pack(code, l.format(), value)?;
        return write_item(o, 0, &bytes);
    }
    if is_index(key) {
        if l.ndim() > 1 {
            return Err(not_implemented_error("sub-views are not implemented"));
        }
        let i = ab::index_for(key, "memoryview")?;
        let j = dim_index(i, l.shape()[0], 0)?;
        let code = fmt::item_code(l.format())?;
        let bytes = fmt::pack(code, l.format(), value)?;
        return write_item(o, j as isize * l.strides()[0], &bytes);
    }
    if let Some(slice) = key.downcast::<crate::slice::PySlice>() {
        if l.ndim() == 1 {
            let src = crate::buffer::get_buffer(value, BufferRequest::FULL_RO)?;
            let dest = slice_layout(l, slice.unpacked()?);
            let s = src.layout();
            if bare(dest.format()) != bare(s.format())
                || dest.itemsize() != s.itemsize()
                || !same_shape(&dest, s)
            {
                return Err(value_error(
                    "memoryview assignment: lvalue and rvalue have different structures",
                ));
            }
            // Copied out first: the source may overlap the destination (memmove).
            let bytes = src.to_vec();
            drop(src);
            return with_memory(o, |_| {
                // SAFETY: `dest` is a slice of this writable view, pinned by its
                // export, written under the object's lock; `bytes` has its length.
                unsafe { dest.scatter_1d(&bytes) }
            });
        }
    }
    if is_multiindex(key) {
        if crate::tuple::items(key).len() < l.ndim() {
            return Err(not_implemented_error("sub-views are not implemented"));
        }
        let off = offset_of_tuple(l, key)?;
        let code = fmt::item_code(l.format())?;
        let bytes = fmt::pack(code, l.format(), value)?;
        return write_item(o, off, &bytes);
    }
    if key.is_instance_of(&crate::slice::SLICE_TYPE) || is_multislice(key) {
        return Err(not_implemented_error(
            "memoryview slice assignments are currently restricted to ndim = 1",
        ));
    }
    Err(type_error("memoryview: invalid slice key"))
}

fn mv_len(o: &PyObj) -> PyResult<usize> {
    let l = &live(o)?.layout;
    Ok(if l.ndim() == 0 { 1 } else { l.shape()[0] })
}

fn mv_repr(o: &PyObj) -> PyResult<PyObj> {
    let p = payload(o);
    Ok(crate::str::from_string(if p.released.load(Acquire) {
        format!("<released memory at {:#x}>", o.addr())
    } else {
        format!("<memory at {:#x}>", o.addr())
    }))
}

/// `hash(m)`: only for read-only views of bytes (`B`, `b`, `c`) over a hashable
/// object; equal to the hash of the bytes.
fn mv_hash(o: &PyObj) -> PyResult<isize> {
    let p = payload(o);
    let h = p.hash.load(Relaxed);
    if h != -1 {
        return Ok(h);
    }
    let p = live(o)?;
    let l = &p.layout;
    if !l.readonly() {
        return Err(value_error("cannot hash writable memoryview object"));
    }
    if !fmt::native(l.format()).is_some_and(|(c, _)| fmt::is_byte_code(c)) {
        return Err(value_error(
            "memoryview: hashing is restricted to formats 'B', 'b' or 'c'",
        ));
    }
    ab::hash(&mbuf(&p.mbuf).obj)?;
    let h = crate::hash::hash_bytes(&gather(o, Order::C)?);
    p.hash.store(h, Relaxed);
    Ok(h)
}

/// The items' values in row-major order, or `None` if the format is not one this
/// module knows (such views compare unequal, as CPython's struct fallback finds).
fn scalars(l: &Layout, bytes: &[u8]) -> Option<Vec<fmt::Scalar>> {
    let (code, size) = fmt::native(l.format())?;
    if size != l.itemsize() {
        return None;
    }
    bytes
        .chunks_exact(size)
        .map(|c| fmt::scalar(code, c))
        .collect()
}

/// `==` and `!=` with any buffer: equal shapes and equal items as Python values.
fn mv_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(not_implemented());
    }
    let answer = |equal: bool| Ok(bool_obj(equal == (op == CompareOp::Eq)));
    let pa = payload(a);
    if pa.released.load(Acquire) {
        return answer(a.is(b));
    }
    let (lb, bytes_b) = if is_memoryview(b) {
        let pb = payload(b);
        if pb.released.load(Acquire) {
            return answer(a.is(b));
        }
        let Ok(bytes) = gather(b, Order::C) else {
            return answer(a.is(b));
        };
        (pb.layout.clone(), bytes)
    } else {
        let Ok(buf) = crate::buffer::get_buffer(b, BufferRequest::FULL_RO) else {
            return Ok(not_implemented());
        };
        (buf.layout().clone(), buf.to_vec())
    };
    let la = &pa.layout;
    if !same_shape(la, &lb) {
        return answer(false);
    }
    let Ok(bytes_a) = gather(a, Order::C) else {
        return answer(a.is(b));
    };
    let equal = match (scalars(la, &bytes_a), scalars(&lb, &bytes_b)) {
        (Some(x), Some(y)) => x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| p.py_eq(*q)),
        _ => false,
    };
    answer(equal)
}

// ---------------------------------------------------------------------------------
// The buffer protocol
// ---------------------------------------------------------------------------------

/// The buffer slot of `memoryview`: consumers get this view's layout over the same
/// memory, guarded by the object's lock.
pub static MEMORYVIEW_BUFFER: BufferProcs = BufferProcs {
    get: mv_getbuffer,
    release: |o| {
        payload(o).exports.fetch_sub(1, Release);
    },
    lock: |o, f| {
        let mb = mbuf(&payload(o).mbuf);
        (mb.lock)(&mb.obj, f)
    },
};

fn mv_getbuffer(o: &PyObj, request: BufferRequest) -> PyResult<PyBuffer> {
    let p = payload(o);
    strand_heap::critical_section!(o);
    if p.released.load(Relaxed) {
        return Err(released_error());
    }
    let l = &p.layout;
    if request.writable && l.readonly() {
        return Err(buffer_error(
            "memoryview: underlying buffer is not writable",
        ));
    }
    if !request.strided && !l.c_contiguous() {
        return Err(buffer_error(
            "memoryview: underlying buffer is not C-contiguous",
        ));
    }
    let layout = if request.strided {
        l.clone()
    } else {
        Layout::contiguous(l.buf(), l.len(), 1, "B", l.readonly())
    };
    p.exports.fetch_add(1, Relaxed);
    let mb = mbuf(&p.mbuf);
    // SAFETY: the view cannot be released while this export is counted (`release`
    // refuses), so the managed buffer keeps the object's export and the memory stays
    // put; it changes only under the object's lock, which this buffer uses.
    Ok(unsafe { PyBuffer::with_owner(o, MEMORYVIEW_BUFFER.release, &mb.obj, mb.lock, layout) })
}

// ---------------------------------------------------------------------------------
// Iteration
// ---------------------------------------------------------------------------------

/// The layout of `memory_iterator`.
#[repr(C)]
pub struct PyMemoryIter {
    header: ObjectHeader,
    seq: PyObj,
    /// The next index; `usize::MAX` once exhausted.
    pos: AtomicUsize,
    /// The number of items when the iterator was made.
    len: usize,
    code: char,
}

unsafe fn iter_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on memory iterators only.
    let it = unsafe { &*(obj.as_ptr() as *const PyMemoryIter) };
    visit(it.seq.as_ptr());
}

unsafe fn iter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; every field initialised by `mv_iter`.
    unsafe {
        let p = obj.as_ptr() as *mut PyMemoryIter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).seq));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `memory_iterator`.
    pub static MEMORY_ITER_TYPE = {
        name: "memory_iterator",
        layout: PyMemoryIter,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(iter_traverse),
        clear: None,
        dealloc: iter_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(mv_iter_next),
            ..Slots::EMPTY
        },
    }
}

fn mv_iter(o: &PyObj) -> PyResult<PyObj> {
    let l = &live(o)?.layout;
    if l.ndim() == 0 {
        return Err(type_error("invalid indexing of 0-dim memory"));
    }
    if l.ndim() != 1 {
        return Err(not_implemented_error(
            "multi-dimensional sub-views are not implemented",
        ));
    }
    let code = fmt::item_code(l.format())?;
    let ty = &MEMORY_ITER_TYPE;
    let it = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation of the layout, every field written before the object
    // is finished (and tracked).
    unsafe {
        let p = it.as_ptr().as_ptr() as *mut PyMemoryIter;
        std::ptr::addr_of_mut!((*p).seq).write(o.clone());
        std::ptr::addr_of_mut!((*p).pos).write(AtomicUsize::new(0));
        std::ptr::addr_of_mut!((*p).len).write(l.shape()[0]);
        std::ptr::addr_of_mut!((*p).code).write(code);
        crate::alloc::finish_instance(ty, &it);
    }
    Ok(it)
}

/// The next item: each index is claimed with a compare-and-swap, so threads sharing
/// the iterator each get an item once.
fn mv_iter_next(it: &PyObj) -> PyResult<Option<PyObj>> {
    // SAFETY: installed on memory iterators only.
    let p = unsafe { it.payload_unchecked::<PyMemoryIter>() };
    let i = loop {
        let i = p.pos.load(Relaxed);
        if i >= p.len {
            p.pos.store(usize::MAX, Relaxed);
            return Ok(None);
        }
        if p.pos.compare_exchange(i, i + 1, Relaxed, Relaxed).is_ok() {
            break i;
        }
    };
    let stride = live(&p.seq)?.layout.strides()[0];
    let bytes = read_item(&p.seq, i as isize * stride)?;
    fmt::unpack(p.code, &bytes).map(Some)
}

// ---------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------

/// `release()`: ends this view's use of the export, once.
fn release(o: &PyObj) -> PyResult<()> {
    let p = payload(o);
    strand_heap::critical_section!(o);
    if p.released.load(Relaxed) {
        return Ok(());
    }
    let n = p.exports.load(Acquire);
    if n > 0 {
        return Err(buffer_error(format!(
            "memoryview has {n} exported buffer{}",
            if n == 1 { "" } else { "s" }
        )));
    }
    p.released.store(true, Release);
    mbuf_drop_view(&p.mbuf);
    Ok(())
}

fn m_release(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("memoryview.release", 1)?;
    release(&a[0])?;
    Ok(none())
}

fn m_enter(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("memoryview.__enter__", 1)?;
    live(&a[0])?;
    Ok(a[0].clone())
}

fn m_exit(a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    release(&a[0])?;
    Ok(none())
}

fn m_tobytes(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("tobytes", 1, &["order"], 0)?;
    live(&a[0])?;
    let order = match b[0] {
        None => Order::C,
        Some(o) if crate::singletons::is_none(o) => Order::C,
        Some(o) if crate::str::is_str(o) => match crate::str::as_str(o) {
            "C" => Order::C,
            "F" => Order::Fortran,
            "A" => Order::Any,
            _ => return Err(value_error("order must be 'C', 'F' or 'A'")),
        },
        Some(o) => {
            return Err(type_error(format!(
                "tobytes() argument 'order' must be str or None, not {}",
                o.ty().name()
            )))
        }
    };
    crate::bytes::try_new(&gather(&a[0], order)?)
}

fn tolist_rec(
    code: char,
    shape: &[usize],
    items: &mut std::slice::ChunksExact<u8>,
) -> PyResult<PyObj> {
    let mut out = Vec::with_capacity(shape[0]);
    for _ in 0..shape[0] {
        if shape.len() == 1 {
            let item = items.next().unwrap_or(&[]);
            out.push(fmt::unpack(code, item)?);
        } else {
            out.push(tolist_rec(code, &shape[1..], items)?);
        }
    }
    Ok(crate::list::new(out))
}

fn m_tolist(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("memoryview.tolist", 1)?;
    let l = &live(&a[0])?.layout;
    let code = fmt::item_code(l.format())?;
    let bytes = gather(&a[0], Order::C)?;
    if l.ndim() == 0 {
        return fmt::unpack(code, &bytes);
    }
    let mut items = bytes.chunks_exact(l.itemsize());
    tolist_rec(code, l.shape(), &mut items)
}

fn m_hex(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("hex", 1, &["sep", "bytes_per_sep"], 0)?;
    live(&a[0])?;
    let bytes = gather(&a[0], Order::C)?;
    crate::bytes_methods::hex_text(&bytes, b[0], b[1])
}

fn m_toreadonly(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("memoryview.toreadonly", 1)?;
    derive(&a[0], |l| {
        let mut r = l.clone();
        r.readonly = true;
        Ok(r)
    })
}

/// The shape argument of `cast`, checked (CPython's `copy_shape`), and the byte size
/// it implies.
fn cast_shape(shape: &PyObj, itemsize: usize) -> PyResult<(Vec<usize>, usize)> {
    let items: Vec<PyObj> = if crate::list::is_list(shape) || crate::tuple::is_tuple(shape) {
        ab::collect_iter(shape)?
    } else {
        return Err(type_error("shape must be a list or a tuple"));
    };
    let mut dims = Vec::with_capacity(items.len());
    let mut size = itemsize;
    for it in &items {
        if !crate::int::is_int(it) {
            return Err(type_error(
                "memoryview.cast(): elements of shape must be integers",
            ));
        }
        let n = crate::int::to_isize(it)?;
        if n <= 0 {
            return Err(value_error(
                "memoryview.cast(): elements of shape must be integers > 0",
            ));
        }
        let n = n as usize;
        if n > isize::MAX as usize / size {
            return Err(value_error("memoryview.cast(): product(shape) > SSIZE_MAX"));
        }
        size *= n;
        dims.push(n);
    }
    Ok((dims, size))
}

/// `cast(format, shape=<1-D>)`: a view of the same (C-contiguous) memory as items of
/// another native format, one-dimensional or in `shape` (CPython's `memory_cast`,
/// `cast_to_1D`, `cast_to_ND`).
fn m_cast(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("cast", 1, &["format", "shape"], 1)?;
    let format = b[0].expect("required");
    if !crate::str::is_str(format) {
        return Err(type_error(format!(
            "cast() argument 'format' must be str, not {}",
            format.ty().name()
        )));
    }
    let o = &a[0];
    let l = live(o)?.layout.clone();
    if !l.c_contiguous() {
        return Err(type_error(
            "memoryview: casts are restricted to C-contiguous views",
        ));
    }
    let shape = b[1];
    if (shape.is_some() || l.ndim() != 1) && l.shape().contains(&0) {
        return Err(type_error(
            "memoryview: cannot cast view with zeros in shape or strides",
        ));
    }
    if let Some(s) = shape {
        if !crate::list::is_list(s) && !crate::tuple::is_tuple(s) {
            return Err(type_error("shape must be a list or a tuple"));
        }
        let n = ab::len(s)?;
        if n > MAX_NDIM {
            return Err(value_error(
                "memoryview: number of dimensions must not exceed 64",
            ));
        }
        if l.ndim() != 1 && n != 1 {
            return Err(type_error("memoryview: cast must be 1D -> ND or ND -> 1D"));
        }
    }
    let text = crate::str::as_str(format);
    if !text.is_ascii() {
        crate::bytes::encode(format, "ascii", "strict")?;
    }
    let Some(dest) = fmt::static_format(text) else {
        return Err(value_error(
            "memoryview: destination format must be a native single character format prefixed with an optional '@'",
        ));
    };
    let (dest_code, itemsize) = fmt::native(dest).expect("a native format");
    let src_byte = fmt::native(l.format()).is_some_and(|(c, _)| fmt::is_byte_code(c));
    if !src_byte && !fmt::is_byte_code(dest_code) {
        return Err(type_error(
            "memoryview: cannot cast between two non-byte formats",
        ));
    }
    if l.len() % itemsize != 0 {
        return Err(type_error(
            "memoryview: length is not a multiple of itemsize",
        ));
    }
    let (shape, strides) = match shape {
        None => (vec![l.len() / itemsize], vec![itemsize as isize]),
        Some(s) => {
            let (dims, size) = cast_shape(s, itemsize)?;
            if size != l.len() {
                return Err(type_error(
                    "memoryview: product(shape) * itemsize != buffer size",
                ));
            }
            let strides = Layout::c_strides(&dims, itemsize);
            (dims, strides)
        }
    };
    derive(o, move |cur| {
        Ok(Layout {
            buf: cur.buf,
            len: cur.len,
            itemsize,
            format: dest,
            shape,
            strides,
            readonly: cur.readonly,
        })
    })
}

fn methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("release", m_release),
        MethodDef::new("__enter__", m_enter),
        MethodDef::new("__exit__", m_exit),
        MethodDef::new("tobytes", m_tobytes),
        MethodDef::new("tolist", m_tolist),
        MethodDef::new("hex", m_hex),
        MethodDef::new("toreadonly", m_toreadonly),
        MethodDef::new("cast", m_cast),
    ]
}

fn tuple_of(v: impl Iterator<Item = isize>) -> PyObj {
    crate::tuple::from_vec(v.map(|n| crate::int::from_i64(n as i64)).collect())
}

fn getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("obj", |o| Ok(mbuf(&live(o)?.mbuf).obj.clone()), None),
        GetSetDef::new(
            "nbytes",
            |o| Ok(crate::int::from_usize(live(o)?.layout.len())),
            None,
        ),
        GetSetDef::new(
            "readonly",
            |o| Ok(bool_obj(live(o)?.layout.readonly())),
            None,
        ),
        GetSetDef::new(
            "itemsize",
            |o| Ok(crate::int::from_usize(live(o)?.layout.itemsize())),
            None,
        ),
        GetSetDef::new(
            "format",
            |o| Ok(crate::str::new(live(o)?.layout.format())),
            None,
        ),
        GetSetDef::new(
            "ndim",
            |o| Ok(crate::int::from_usize(live(o)?.layout.ndim())),
            None,
        ),
        GetSetDef::new(
            "shape",
            |o| {
                Ok(tuple_of(
                    live(o)?.layout.shape().iter().map(|&n| n as isize),
                ))
            },
            None,
        ),
        GetSetDef::new(
            "strides",
            |o| Ok(tuple_of(live(o)?.layout.strides().iter().copied())),
            None,
        ),
        GetSetDef::new(
            "suboffsets",
            |o| {
                live(o)?;
                Ok(crate::tuple::from_vec(vec![]))
            },
            None,
        ),
        GetSetDef::new(
            "c_contiguous",
            |o| Ok(bool_obj(live(o)?.layout.c_contiguous())),
            None,
        ),
        GetSetDef::new(
            "f_contiguous",
            |o| Ok(bool_obj(live(o)?.layout.f_contiguous())),
            None,
        ),
        GetSetDef::new(
            "contiguous",
            |o| {
                let l = &live(o)?.layout;
                Ok(bool_obj(l.c_contiguous() || l.f_contiguous()))
            },
            None,
        ),
    ]
}

/// Readies `memoryview`, its iterator and `managedbuffer` (called by [`crate::init`]).
pub(crate) fn ready() {
    let object = &crate::baseobject::OBJECT_TYPE;
    MANAGED_BUFFER_TYPE.ready_static(Some(object), &[], &[]);
    MEMORYVIEW_TYPE.ready_static(Some(object), &methods(), &getsets());
    MEMORY_ITER_TYPE.ready_static(Some(object), &[], &[]);
}
