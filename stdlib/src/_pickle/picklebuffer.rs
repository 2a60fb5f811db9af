//! `pickle.PickleBuffer` (CPython 3.11's Objects/picklebufobject.c, PEP 574): a
//! wrapper around an export of another object's buffer, which protocol 5
//! pickles in band (`BYTEARRAY8`, or bytes for a read-only buffer) or hands to
//! the pickler's `buffer_callback` to be sent out of band.
//!
//! The object holds one export of the wrapped object from its creation until
//! `release()` (or its death). Its own buffer slot exports the wrapped object
//! again, as CPython's does, so a `memoryview(pb)` has the original object as
//! its `obj`. After `release()` every use is `ValueError: operation forbidden on
//! released PickleBuffer object`.

use std::sync::Mutex;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::buffer::{self, BufferProcs, BufferRequest, PyBuffer};
use strand_objects::descr::MethodDef;
use strand_objects::exceptions::{buffer_error, type_error, value_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{dict, memoryview, singletons, str as pystr, PyObj, PyResult};

use crate::modsupport;

/// The layout of `pickle.PickleBuffer`: the export it holds, `None` once
/// released.
#[repr(C)]
pub struct PyPickleBuffer {
    header: ObjectHeader,
    view: Mutex<Option<PyBuffer>>,
}

unsafe fn pb_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PickleBuffer only; the world is stopped.
    let p = unsafe { &*(obj.as_ptr() as *const PyPickleBuffer) };
    if let Ok(g) = p.view.try_lock() {
        if let Some(b) = &*g {
            b.visit_refs(visit);
        }
    }
}

unsafe fn pb_clear(obj: ObjPtr) {
    // SAFETY: installed on PickleBuffer only; the collector keeps it alive.
    let p = unsafe { &*(obj.as_ptr() as *const PyPickleBuffer) };
    let taken = modsupport::lock(&p.view).take();
    drop(taken);
}

unsafe fn pb_dealloc(obj: ObjPtr) {
    // SAFETY: count zero and exclusive; the view was written by `pb_new`.
    unsafe {
        let p = obj.as_ptr() as *mut PyPickleBuffer;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).view));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

static PICKLE_BUFFER_PROCS: BufferProcs = BufferProcs {
    get: pb_getbuffer,
    release: buffer::release_nothing,
    lock: pb_lock,
};

strand_objects::builtin_type! {
    /// `pickle.PickleBuffer`: not subclassable, as in CPython.
    pub static PICKLE_BUFFER_TYPE = {
        name: "pickle.PickleBuffer",
        layout: PyPickleBuffer,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(pb_traverse),
        clear: Some(pb_clear),
        dealloc: pb_dealloc,
        size: None,
        slots: Slots {
            new: Some(pb_new),
            buffer: Some(&PICKLE_BUFFER_PROCS),
            ..Slots::EMPTY
        },
    }
}

/// `true` for PickleBuffer objects.
pub fn is_pickle_buffer(o: &PyObj) -> bool {
    o.is_exact(&PICKLE_BUFFER_TYPE)
}

fn payload(o: &PyObj) -> &PyPickleBuffer {
    // SAFETY: callers check the type first; the type is final.
    unsafe { o.payload_unchecked::<PyPickleBuffer>() }
}

fn released() -> strand_objects::PyErr {
    value_error("operation forbidden on released PickleBuffer object")
}

/// `PickleBuffer(obj)`: takes a full read-only export of `obj`.
fn pb_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty: &PyType = strand_objects::typeobj::expect_type(cls, "PickleBuffer.__new__(X)")?;
    let args = Args::new(a, k);
    if args.has_kwargs() {
        let (name, _) = args.kwargs().next().expect("has kwargs");
        return Err(type_error(format!(
            "'{name}' is an invalid keyword argument for PickleBuffer()"
        )));
    }
    if args.nargs() != 1 {
        return Err(type_error(format!(
            "PickleBuffer() takes exactly 1 argument ({} given)",
            args.nargs()
        )));
    }
    let base = &a[0];
    if !buffer::has_buffer(base) {
        return Err(type_error(format!(
            "a bytes-like object is required, not '{}'",
            base.ty().name()
        )));
    }
    let view = buffer::get_buffer(base, BufferRequest::FULL_RO)?;
    Ok(new_with(ty, view))
}

fn new_with(ty: &PyType, view: PyBuffer) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyPickleBuffer layout, written before
    // the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyPickleBuffer;
        std::ptr::addr_of_mut!((*p).view).write(Mutex::new(Some(view)));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// The buffer slot: a new export of the wrapped object.
fn pb_getbuffer(o: &PyObj, request: BufferRequest) -> PyResult<PyBuffer> {
    let base = with_view(o, |v| v.obj().clone())?;
    buffer::get_buffer(&base, request)
}

/// The lock slot: the wrapped memory's own lock (the buffers this type exports
/// belong to the wrapped object, whose lock they use; this serves direct callers).
fn pb_lock(o: &PyObj, f: &mut dyn FnMut()) {
    let g = modsupport::lock(&payload(o).view);
    match &*g {
        Some(v) => v.locked(|_| f()),
        None => f(),
    }
}

/// Runs `f` on the held export (CPython's `PyPickleBuffer_GetBuffer`).
///
/// # Errors
/// `TypeError` if `o` is no PickleBuffer, `ValueError` once it was released.
pub fn with_view<R>(o: &PyObj, f: impl FnOnce(&PyBuffer) -> R) -> PyResult<R> {
    if !is_pickle_buffer(o) {
        return Err(type_error(format!(
            "expected PickleBuffer, {} found",
            o.ty().name()
        )));
    }
    let g = modsupport::lock(&payload(o).view);
    match &*g {
        Some(v) => Ok(f(v)),
        None => Err(released()),
    }
}

/// Whether a layout is contiguous in either order (CPython's
/// `PyBuffer_IsContiguous(view, 'A')`).
pub fn is_contiguous(l: &buffer::Layout) -> bool {
    l.c_contiguous() || l.f_contiguous()
}

/// `raw()`: a one-dimensional memoryview of unsigned bytes over the memory.
fn pb_raw(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("raw", 1)?;
    let o = &a[0];
    let (contiguous, c_order) = with_view(o, |v| {
        let l = v.layout();
        (is_contiguous(l), l.c_contiguous() || l.ndim() <= 1)
    })?;
    if !contiguous {
        return Err(buffer_error(
            "cannot extract raw buffer from non-contiguous buffer",
        ));
    }
    let m = memoryview::from_object(o)?;
    if !c_order {
        // strand's memoryview casts C-ordered views only; CPython rewrites the
        // view's shape in place, which strand's views do not allow.
        return Err(buffer_error(
            "cannot extract raw buffer from a Fortran-ordered buffer",
        ));
    }
    ab::call_method(&m, "cast", &[pystr::new("B")])
}

/// `release()`: ends the export.
fn pb_release(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("release", 1)?;
    if !is_pickle_buffer(&a[0]) {
        return Err(type_error(
            "descriptor 'release' requires a 'pickle.PickleBuffer' object",
        ));
    }
    let taken = modsupport::lock(&payload(&a[0]).view).take();
    drop(taken);
    Ok(singletons::none())
}

/// Readies the type.
pub(super) fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        PICKLE_BUFFER_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &[
                MethodDef::new("raw", pb_raw),
                MethodDef::new("release", pb_release),
            ],
            &[],
        );
        dict::set_item_str(
            PICKLE_BUFFER_TYPE.dict(),
            "__doc__",
            pystr::new("Wrapper for potentially out-of-band buffers"),
        );
    });
}
