//! The buffer protocol (PEP 3118; CPython's `bf_getbuffer`/`bf_releasebuffer` in
//! Include/cpython/object.h and `PyObject_GetBuffer`, `PyBuffer_ToContiguous` in
//! Objects/abstract.c): how `bytes`, `bytearray`, `memoryview` and `array.array` lend
//! their memory to the code that reads or writes "a bytes-like object".
//!
//! A type that exports its memory has a [`BufferProcs`] in its slot table
//! (`Slots::buffer`). A consumer asks for a [`PyBuffer`] with [`get_buffer`]; the
//! exporter counts it as an export until the buffer is dropped, and refuses to resize
//! (so to move or free) its memory while any export lasts: a bytearray raises
//! `BufferError: Existing exports of data: object cannot be re-sized`, an array
//! `BufferError: cannot resize an array that is exporting buffers`.
//!
//! Free threading: an export pins the memory's place and size, not its contents. A
//! bytearray's bytes change under its critical section and an array's items under its
//! lock, so every read or write of exported memory happens under the exporter's lock
//! too ([`BufferProcs::lock`], taken by [`PyBuffer::with_bytes`] and its siblings):
//! no thread ever reads bytes another writes at the same moment, and a reader never
//! meets memory freed by a resize. Code run under that lock must be plain Rust: no
//! Python code, no other buffer's lock (an array's lock does not nest).
//!
//! A [`Layout`] describes where the items are, as a `Py_buffer` does: the address of
//! the first item, the item size and struct-module format, the shape and the strides
//! in bytes (negative for views that run backwards), and whether writing is allowed.
//! Exporters give one-dimensional contiguous layouts; `memoryview` slicing and `cast`
//! make strided and multi-dimensional ones.

use std::borrow::Cow;

use crate::exceptions::{type_error, PyErr};
use crate::object::PyObj;
use crate::PyResult;

/// What a consumer asks of an exporter (CPython's `PyBUF_*` request flags, reduced to
/// the two questions strand's consumers ask).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferRequest {
    /// The consumer will write (`PyBUF_WRITABLE`): read-only exporters refuse.
    pub writable: bool,
    /// The consumer understands shape, strides and format (`PyBUF_FULL`); without it
    /// the buffer must be C-contiguous bytes (`PyBUF_SIMPLE`).
    pub strided: bool,
}

impl BufferRequest {
    /// `PyBUF_SIMPLE`: contiguous bytes, for reading.
    pub const SIMPLE: BufferRequest = BufferRequest {
        writable: false,
        strided: false,
    };
    /// `PyBUF_WRITABLE`: contiguous bytes, for writing.
    pub const WRITABLE: BufferRequest = BufferRequest {
        writable: true,
        strided: false,
    };
    /// `PyBUF_FULL_RO`: any layout, for reading.
    pub const FULL_RO: BufferRequest = BufferRequest {
        writable: false,
        strided: true,
    };
}

/// Runs a closure with an exporter's memory locked (see [`BufferProcs::lock`]).
pub type LockFn = fn(&PyObj, &mut dyn FnMut());

/// A type's buffer slot (CPython's `PyBufferProcs`).
pub struct BufferProcs {
    /// `bf_getbuffer`: a view of the object's memory as `request` asks, counted as an
    /// export until the [`PyBuffer`] is dropped; or `BufferError` when the object
    /// cannot give that view.
    pub get: fn(&PyObj, BufferRequest) -> PyResult<PyBuffer>,
    /// `bf_releasebuffer`: ends one export (run when a [`PyBuffer`] is dropped).
    pub release: fn(&PyObj),
    /// Runs the closure, once, while the object's memory can neither change size nor
    /// be written by its own methods (its critical section, or its lock).
    pub lock: LockFn,
}

/// A [`BufferProcs::lock`] for memory that never changes (`bytes`).
pub fn lock_immutable(_obj: &PyObj, f: &mut dyn FnMut()) {
    f()
}

/// A [`BufferProcs::release`] for exporters that do not count exports (`bytes`).
pub fn release_nothing(_obj: &PyObj) {}

/// Runs `f` under `lock` (a [`LockFn`]) of `owner` and returns its result.
pub fn run_locked<R>(lock: LockFn, owner: &PyObj, f: impl FnOnce() -> R) -> R {
    let mut f = Some(f);
    let mut out = None;
    lock(owner, &mut || {
        if let Some(f) = f.take() {
            out = Some(f());
        }
    });
    out.expect("a buffer lock runs its closure")
}

/// The order in which [`Layout::gather`] copies the items of a multi-dimensional
/// layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Row-major: the last index varies fastest.
    C,
    /// Column-major: the first index varies fastest.
    Fortran,
    /// The memory's own order when it is contiguous either way, else row-major.
    Any,
}

/// Where a buffer's items are (the geometry of CPython's `Py_buffer`).
///
/// Item `(i0, .., in)` starts at `buf + i0*strides[0] + .. + in*strides[n]` and is
/// `itemsize` bytes long; `len` is `product(shape) * itemsize`. A 0-dimensional layout
/// (an empty shape) holds one item at `buf`.
#[derive(Clone, Debug)]
pub struct Layout {
    pub(crate) buf: *mut u8,
    pub(crate) len: usize,
    pub(crate) itemsize: usize,
    pub(crate) format: &'static str,
    pub(crate) shape: Vec<usize>,
    pub(crate) strides: Vec<isize>,
    pub(crate) readonly: bool,
}

// SAFETY: a Layout is an address and numbers; the memory it names is only touched
// under its exporter's lock (module doc).
unsafe impl Send for Layout {}
// SAFETY: as above.
unsafe impl Sync for Layout {}

impl Layout {
    /// A one-dimensional contiguous layout of `len` bytes at `buf`, in items of
    /// `itemsize` bytes described by `format`.
    pub fn contiguous(
        buf: *mut u8,
        len: usize,
        itemsize: usize,
        format: &'static str,
        readonly: bool,
    ) -> Layout {
        let itemsize = itemsize.max(1);
        Layout {
            buf,
            len,
            itemsize,
            format,
            shape: vec![len / itemsize],
            strides: vec![itemsize as isize],
            readonly,
        }
    }

    /// The address of the first item.
    pub fn buf(&self) -> *mut u8 {
        self.buf
    }

    /// The size in bytes of all the items (`nbytes`).
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` if there are no items.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The size of one item.
    pub fn itemsize(&self) -> usize {
        self.itemsize
    }

    /// The struct-module format of one item (`"B"`, `"i"`, `"@d"`...).
    pub fn format(&self) -> &'static str {
        self.format
    }

    /// The number of dimensions.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// The length of each dimension.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The distance in bytes between items along each dimension.
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }

    /// `true` if the memory may only be read.
    pub fn readonly(&self) -> bool {
        self.readonly
    }

    /// Row-major contiguity as `memoryview.c_contiguous` reports it (CPython's
    /// `init_flags`: a one-dimensional view is contiguous when its one stride is the
    /// item size or it has one item; more dimensions follow
    /// `PyBuffer_IsContiguous(view, 'C')`).
    pub fn c_contiguous(&self) -> bool {
        match self.ndim() {
            0 => true,
            1 => self.shape[0] == 1 || self.strides[0] == self.itemsize as isize,
            _ => self.contiguous_in(false),
        }
    }

    /// Column-major contiguity as `memoryview.f_contiguous` reports it.
    pub fn f_contiguous(&self) -> bool {
        match self.ndim() {
            0 => true,
            1 => self.shape[0] == 1 || self.strides[0] == self.itemsize as isize,
            _ => self.contiguous_in(true),
        }
    }

    /// `PyBuffer_IsContiguous` for `'C'` (`fortran == false`) or `'F'`.
    fn contiguous_in(&self, fortran: bool) -> bool {
        if self.len == 0 {
            return true;
        }
        let mut expected = self.itemsize as isize;
        let dims: Box<dyn Iterator<Item = usize>> = if fortran {
            Box::new(0..self.ndim())
        } else {
            Box::new((0..self.ndim()).rev())
        };
        for i in dims {
            let dim = self.shape[i];
            if dim > 1 && self.strides[i] != expected {
                return false;
            }
            expected = expected.wrapping_mul(dim as isize);
        }
        true
    }

    /// Row-major strides for `shape` (CPython's `init_strides_from_shape`).
    pub(crate) fn c_strides(shape: &[usize], itemsize: usize) -> Vec<isize> {
        let mut strides = vec![0isize; shape.len()];
        let mut s = itemsize as isize;
        for i in (0..shape.len()).rev() {
            strides[i] = s;
            s = s.wrapping_mul(shape[i] as isize);
        }
        strides
    }

    /// The byte offset from `buf` of the item at `index` (one index per dimension,
    /// each in range).
    pub(crate) fn offset_of(&self, index: &[usize]) -> isize {
        index
            .iter()
            .zip(&self.strides)
            .map(|(&i, &s)| i as isize * s)
            .sum()
    }

    /// Appends the items' bytes to `out` in `order`.
    ///
    /// # Safety
    /// The memory is valid for reads and no thread writes it meanwhile (the caller
    /// holds the exporter's lock while an export pins it).
    pub unsafe fn gather(&self, order: Order, out: &mut Vec<u8>) {
        if self.len == 0 {
            return;
        }
        let contiguous = match order {
            Order::C => self.contiguous_in(false),
            Order::Fortran => self.contiguous_in(true),
            Order::Any => self.contiguous_in(false) || self.contiguous_in(true),
        };
        if contiguous {
            // SAFETY: a contiguous layout's items are the `len` bytes at `buf`.
            out.extend_from_slice(unsafe { std::slice::from_raw_parts(self.buf, self.len) });
            return;
        }
        let fortran = order == Order::Fortran;
        let ndim = self.ndim();
        let mut index = vec![0usize; ndim];
        loop {
            let off = self.offset_of(&index);
            // SAFETY: every in-range index names `itemsize` readable bytes.
            out.extend_from_slice(unsafe {
                std::slice::from_raw_parts(self.buf.offset(off), self.itemsize)
            });
            // Advance the index like an odometer.
            let mut carried = true;
            let dims: Box<dyn Iterator<Item = usize>> = if fortran {
                Box::new(0..ndim)
            } else {
                Box::new((0..ndim).rev())
            };
            for d in dims {
                index[d] += 1;
                if index[d] < self.shape[d] {
                    carried = false;
                    break;
                }
                index[d] = 0;
            }
            if carried {
                return;
            }
        }
    }

    /// The items' bytes in row-major order.
    ///
    /// # Safety
    /// As [`Layout::gather`].
    pub unsafe fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.len);
        // SAFETY: forwarded.
        unsafe { self.gather(Order::C, &mut v) };
        v
    }

    /// Writes `src` (the items' bytes in row-major order, `len` of them) into a
    /// one-dimensional layout.
    ///
    /// # Safety
    /// The memory is valid for writes and nobody else reads or writes it meanwhile
    /// (the exporter's lock); `src.len() == self.len()`, `ndim == 1`.
    pub(crate) unsafe fn scatter_1d(&self, src: &[u8]) {
        debug_assert_eq!(src.len(), self.len);
        if self.c_contiguous() {
            // SAFETY: contiguous: `len` writable bytes at `buf`; `src` is a separate
            // allocation or the same bytes (copy handles overlap).
            unsafe { std::ptr::copy(src.as_ptr(), self.buf, src.len()) };
            return;
        }
        for (k, item) in src.chunks_exact(self.itemsize).enumerate() {
            // SAFETY: item `k` of the layout is `itemsize` writable bytes.
            unsafe {
                std::ptr::copy(
                    item.as_ptr(),
                    self.buf.offset(k as isize * self.strides[0]),
                    self.itemsize,
                )
            };
        }
    }
}

/// A view of an exporter's memory, counted as one export of it until dropped
/// (CPython's `Py_buffer` between `PyObject_GetBuffer` and `PyBuffer_Release`).
pub struct PyBuffer {
    obj: PyObj,
    release: fn(&PyObj),
    /// The object whose lock guards the memory, when it is not `obj` (a memoryview's
    /// buffers are guarded by the object the memory belongs to).
    owner: Option<PyObj>,
    lock: LockFn,
    layout: Layout,
}

impl PyBuffer {
    /// A buffer exported by `obj` through `procs`.
    ///
    /// # Safety
    /// `layout` names memory of `obj` that stays valid (for writes too, unless
    /// read-only) until `procs.release` runs for this buffer, and that changes only
    /// under `procs.lock`.
    pub unsafe fn new(obj: &PyObj, procs: &'static BufferProcs, layout: Layout) -> PyBuffer {
        PyBuffer {
            obj: obj.clone(),
            release: procs.release,
            owner: None,
            lock: procs.lock,
            layout,
        }
    }

    /// A buffer exported by `obj` over memory that belongs to `owner` and is guarded
    /// by its `lock` (a memoryview re-exporting its object's memory).
    ///
    /// # Safety
    /// As [`PyBuffer::new`], with `release` ending the export and `lock` the owner's.
    pub(crate) unsafe fn with_owner(
        obj: &PyObj,
        release: fn(&PyObj),
        owner: &PyObj,
        lock: LockFn,
        layout: Layout,
    ) -> PyBuffer {
        PyBuffer {
            obj: obj.clone(),
            release,
            owner: Some(owner.clone()),
            lock,
            layout,
        }
    }

    /// The exporting object.
    pub fn obj(&self) -> &PyObj {
        &self.obj
    }

    /// The object the memory belongs to (whose lock guards it).
    pub fn owner(&self) -> &PyObj {
        self.owner.as_ref().unwrap_or(&self.obj)
    }

    /// Reports the references the buffer holds (for a collector's traverse).
    pub fn visit_refs(&self, visit: &mut dyn FnMut(strand_heap::ObjPtr)) {
        visit(self.obj.as_ptr());
        if let Some(o) = &self.owner {
            visit(o.as_ptr());
        }
    }

    /// The owner's lock.
    pub(crate) fn lock_fn(&self) -> LockFn {
        self.lock
    }

    /// Where the items are.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The size in bytes.
    pub fn len(&self) -> usize {
        self.layout.len
    }

    /// `true` if empty.
    pub fn is_empty(&self) -> bool {
        self.layout.len == 0
    }

    /// `true` if the memory may only be read.
    pub fn readonly(&self) -> bool {
        self.layout.readonly
    }

    /// Runs `f` under the owner's lock.
    pub fn locked<R>(&self, f: impl FnOnce(&Layout) -> R) -> R {
        run_locked(self.lock, self.owner(), || f(&self.layout))
    }

    /// Runs `f` on the bytes, under the owner's lock when they are contiguous (a
    /// strided buffer is copied out in row-major order first).
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        if self.layout.c_contiguous() || self.layout.len == 0 {
            self.locked(|l| {
                let s: &[u8] = if l.len == 0 {
                    &[]
                } else {
                    // SAFETY: contiguous: `len` bytes at `buf`, pinned by this export
                    // and unchanged while the lock is held.
                    unsafe { std::slice::from_raw_parts(l.buf, l.len) }
                };
                f(s)
            })
        } else {
            let v = self.to_vec();
            f(&v)
        }
    }

    /// Runs `f` on the bytes for writing, under the owner's lock.
    ///
    /// # Panics
    /// If the buffer is read-only or not contiguous: ask for it with
    /// [`BufferRequest::WRITABLE`], which exporters only grant for such memory.
    pub fn with_bytes_mut<R>(&self, f: impl FnOnce(&mut [u8]) -> R) -> R {
        assert!(
            !self.layout.readonly && self.layout.c_contiguous(),
            "with_bytes_mut needs a writable contiguous buffer"
        );
        self.locked(|l| {
            let s: &mut [u8] = if l.len == 0 {
                &mut []
            } else {
                // SAFETY: writable and contiguous: `len` bytes at `buf`, pinned by this
                // export; the lock keeps every other reader and writer out.
                unsafe { std::slice::from_raw_parts_mut(l.buf, l.len) }
            };
            f(s)
        })
    }

    /// A copy of the bytes in row-major order.
    pub fn to_vec(&self) -> Vec<u8> {
        // SAFETY: pinned by this export, read under the owner's lock.
        self.locked(|l| unsafe { l.to_vec() })
    }

    /// A copy of the bytes in `order`.
    pub fn to_vec_in(&self, order: Order) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.layout.len);
        // SAFETY: pinned by this export, read under the owner's lock.
        self.locked(|l| unsafe { l.gather(order, &mut v) });
        v
    }
}

impl Drop for PyBuffer {
    fn drop(&mut self) {
        (self.release)(&self.obj)
    }
}

/// `true` if `obj` exports a buffer (`PyObject_CheckBuffer`).
pub fn has_buffer(obj: &PyObj) -> bool {
    obj.ty().slots().buffer.is_some()
}

/// `PyObject_GetBuffer`: a view of `obj`'s memory.
///
/// # Errors
/// `TypeError: a bytes-like object is required, not 'T'` for objects without a
/// buffer; the exporter's `BufferError` when it cannot give the view asked for.
pub fn get_buffer(obj: &PyObj, request: BufferRequest) -> PyResult<PyBuffer> {
    match obj.ty().slots().buffer {
        Some(procs) => (procs.get)(obj, request),
        None => Err(not_bytes_like(obj)),
    }
}

/// `TypeError: a bytes-like object is required, not 'T'`.
pub fn not_bytes_like(obj: &PyObj) -> PyErr {
    type_error(format!(
        "a bytes-like object is required, not '{}'",
        obj.ty().name()
    ))
}

/// `BufferError: Existing exports of data: object cannot be re-sized`.
pub fn resize_error() -> PyErr {
    crate::exceptions::buffer_error("Existing exports of data: object cannot be re-sized")
}

/// A one-dimensional contiguous export of `len` bytes at `buf` (CPython's
/// `PyBuffer_FillInfo`).
///
/// # Safety
/// As [`PyBuffer::new`].
///
/// # Errors
/// `BufferError: Object is not writable.` when a writable view of read-only memory
/// is asked for.
#[allow(clippy::too_many_arguments)]
pub unsafe fn export_contiguous(
    obj: &PyObj,
    procs: &'static BufferProcs,
    request: BufferRequest,
    buf: *mut u8,
    len: usize,
    itemsize: usize,
    format: &'static str,
    readonly: bool,
) -> PyResult<PyBuffer> {
    if request.writable && readonly {
        return Err(crate::exceptions::buffer_error("Object is not writable."));
    }
    let layout = Layout::contiguous(buf, len, itemsize, format, readonly);
    // SAFETY: forwarded to the caller.
    Ok(unsafe { PyBuffer::new(obj, procs, layout) })
}

/// The bytes of a bytes-like object (a contiguous buffer), copied.
///
/// # Errors
/// As [`get_buffer`] with [`BufferRequest::SIMPLE`].
pub fn bytes_like(obj: &PyObj) -> PyResult<Vec<u8>> {
    if let Some(b) = crate::bytes::as_bytes_opt(obj) {
        return Ok(b.to_vec());
    }
    Ok(get_buffer(obj, BufferRequest::SIMPLE)?.to_vec())
}

/// The bytes of a bytes-like object: borrowed from a `bytes`, copied from any other
/// exporter.
///
/// # Errors
/// As [`bytes_like`].
pub fn bytes_like_cow(obj: &PyObj) -> PyResult<Cow<'_, [u8]>> {
    if let Some(b) = crate::bytes::as_bytes_opt(obj) {
        return Ok(Cow::Borrowed(b));
    }
    Ok(Cow::Owned(get_buffer(obj, BufferRequest::SIMPLE)?.to_vec()))
}

/// Runs `f` on the bytes of a bytes-like object without copying them (under the
/// exporter's lock: `f` must not run Python code).
///
/// # Errors
/// As [`bytes_like`].
pub fn with_bytes_like<R>(obj: &PyObj, f: impl FnOnce(&[u8]) -> R) -> PyResult<R> {
    if let Some(b) = crate::bytes::as_bytes_opt(obj) {
        return Ok(f(b));
    }
    Ok(get_buffer(obj, BufferRequest::SIMPLE)?.with_bytes(f))
}

/// The bytes of any exporter in row-major order (strided views included), or
/// `None` for an object without a buffer (`bytes(x)`, `bytearray(x)`).
///
/// # Errors
/// The exporter's error (a released memoryview).
pub fn copy_any(obj: &PyObj) -> PyResult<Option<Vec<u8>>> {
    if let Some(b) = crate::bytes::as_bytes_opt(obj) {
        return Ok(Some(b.to_vec()));
    }
    if !has_buffer(obj) {
        return Ok(None);
    }
    Ok(Some(get_buffer(obj, BufferRequest::FULL_RO)?.to_vec()))
}

/// A writable contiguous buffer of `obj`, for the consumers CPython declares with
/// `w*` (`readinto`, `struct.pack_into`).
///
/// # Errors
/// `TypeError: {fname}() argument must be read-write bytes-like object, not T`
/// (without `fname`: `argument must be ...`) for anything else.
pub fn writable_buffer(obj: &PyObj, fname: Option<&str>) -> PyResult<PyBuffer> {
    get_buffer(obj, BufferRequest::WRITABLE).map_err(|_| {
        let prefix = fname.map(|f| format!("{f}() ")).unwrap_or_default();
        type_error(format!(
            "{prefix}argument must be read-write bytes-like object, not {}",
            obj.ty().name()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(buf: &mut [u8], shape: Vec<usize>, strides: Vec<isize>) -> Layout {
        let len = shape.iter().product::<usize>();
        Layout {
            buf: buf.as_mut_ptr(),
            len,
            itemsize: 1,
            format: "B",
            shape,
            strides,
            readonly: false,
        }
    }

    #[test]
    fn contiguity_follows_memoryview_rules() {
        let mut mem: Vec<u8> = (0..24).collect();
        let c = layout(&mut mem, vec![2, 3, 4], Layout::c_strides(&[2, 3, 4], 1));
        assert!(c.c_contiguous() && !c.f_contiguous());
        let f = layout(&mut mem, vec![2, 3, 4], vec![1, 2, 6]);
        assert!(!f.c_contiguous() && f.f_contiguous());
        let column = layout(&mut mem, vec![6, 1], vec![1, 1]);
        assert!(column.c_contiguous() && column.f_contiguous());
        let stepped = layout(&mut mem, vec![3], vec![2]);
        assert!(!stepped.c_contiguous());
    }

    #[test]
    fn gather_walks_strides_in_both_orders() {
        let mut mem: Vec<u8> = (0..12).collect();
        let l = layout(&mut mem, vec![3, 4], Layout::c_strides(&[3, 4], 1));
        // SAFETY: `mem` outlives the layout and nothing else touches it.
        unsafe {
            assert_eq!(l.to_vec(), (0..12).collect::<Vec<u8>>());
            let mut f = Vec::new();
            l.gather(Order::Fortran, &mut f);
            assert_eq!(f, vec![0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
        }
        // Every other byte, backwards from the end.
        let end = mem.len() - 1;
        let back = Layout {
            // SAFETY: in bounds.
            buf: unsafe { mem.as_mut_ptr().add(end) },
            len: 6,
            itemsize: 1,
            format: "B",
            shape: vec![6],
            strides: vec![-2],
            readonly: false,
        };
        // SAFETY: the six items lie inside `mem`.
        unsafe {
            assert_eq!(back.to_vec(), vec![11, 9, 7, 5, 3, 1]);
            back.scatter_1d(&[0, 0, 0, 0, 0, 0]);
        }
        assert_eq!(mem, vec![0, 0, 2, 0, 4, 0, 6, 0, 8, 0, 10, 0]);
    }
}
