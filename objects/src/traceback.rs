//! Traceback objects (Python/traceback.c): the `traceback` type, one entry of an
//! exception's `__traceback__` chain.
//!
//! An entry names a frame object (`tb_frame`), the instruction of that frame the
//! exception passed through (`tb_lasti`, a byte offset into the code, as in CPython)
//! and its line (`tb_lineno`); `tb_next` points at the entry for the frame the
//! exception came from (the next one inward), `None` for the innermost. The
//! interpreter prepends an entry each time an exception propagates through a frame,
//! so the chain reads outermost first.
//!
//! The object model does not know frames: the interpreter registers its frame type
//! with [`set_frame_type`], and `TracebackType(tb_next, tb_frame, tb_lasti,
//! tb_lineno)` checks `tb_frame` against it.

use std::sync::{Mutex, OnceLock};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::{type_error, value_error};
use crate::object::{PyObj, PyPayload};
use crate::typeobj::{PyType, Slots, TypeFlags};
use crate::PyResult;

/// The layout of a `traceback` object.
#[repr(C)]
pub struct PyTraceback {
    header: ObjectHeader,
    /// `tb_next`: the entry of the frame the exception came from (writable, so
    /// behind a lock: another thread may read the chain while it is relinked).
    next: Mutex<Option<PyObj>>,
    /// `tb_frame`: a frame object.
    frame: PyObj,
    /// `tb_lasti`: byte offset of the instruction in the frame's code.
    lasti: i32,
    /// `tb_lineno`.
    lineno: i32,
}

// SAFETY: repr(C), header first; traceback is final.
unsafe impl PyPayload for PyTraceback {
    fn type_object() -> &'static PyType {
        &TRACEBACK_TYPE
    }
}

unsafe fn tb_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on tracebacks only, whose fields are initialised.
    let tb = unsafe { &*(obj.as_ptr() as *const PyTraceback) };
    visit(tb.frame.as_ptr());
    // The collector runs with the world stopped: nobody holds the lock.
    if let Ok(next) = tb.next.try_lock() {
        if let Some(n) = &*next {
            visit(n.as_ptr());
        }
    }
}

unsafe fn tb_clear(obj: ObjPtr) {
    // SAFETY: installed on tracebacks; the collector holds a reference.
    let tb = unsafe { &*(obj.as_ptr() as *const PyTraceback) };
    let next = tb.next.lock().map(|mut n| n.take()).unwrap_or(None);
    drop(next);
}

unsafe fn tb_dealloc(obj: ObjPtr) {
    // The chain is released one entry at a time: a long traceback (deep recursion)
    // would otherwise recurse through `drop` once per entry.
    // SAFETY: count zero, exclusive access; the fields are initialised.
    let mut next = unsafe {
        let p = obj.as_ptr() as *mut PyTraceback;
        let next = std::ptr::read(std::ptr::addr_of!((*p).next))
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).frame));
        crate::heaptype::dealloc_instance_memory(obj);
        next
    };
    while let Some(n) = next.take() {
        if !is_traceback(&n) {
            break;
        }
        // Only the last reference lets go of the rest of the chain here; another
        // holder keeps it (and frees it when it lets go).
        // SAFETY: `n` is alive; `refcount` reads its counts.
        let last = unsafe { strand_heap::refcount::refcount(n.as_ptr()) } == 1;
        if !last {
            break;
        }
        next = payload(&n)
            .next
            .lock()
            .map(|mut g| g.take())
            .unwrap_or(None);
        drop(n);
    }
}

crate::builtin_type! {
    /// The `traceback` type.
    pub static TRACEBACK_TYPE = {
        name: "traceback",
        layout: PyTraceback,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(tb_traverse),
        clear: Some(tb_clear),
        dealloc: tb_dealloc,
        size: None,
        slots: Slots {
            new: Some(tb_new),
            ..Slots::EMPTY
        },
    }
}

/// The interpreter's frame type, for `tb_frame` checks.
static FRAME_TYPE: OnceLock<&'static PyType> = OnceLock::new();

/// Registers the type of frame objects (once, by the interpreter at start-up).
pub fn set_frame_type(ty: &'static PyType) {
    let _ = FRAME_TYPE.set(ty);
}

/// `true` for frame objects (the type registered with [`set_frame_type`]).
pub fn is_frame(obj: &PyObj) -> bool {
    FRAME_TYPE.get().is_some_and(|t| obj.is_exact(t))
}

/// `true` for traceback objects.
pub fn is_traceback(obj: &PyObj) -> bool {
    obj.is_exact(&TRACEBACK_TYPE)
}

fn payload(obj: &PyObj) -> &PyTraceback {
    debug_assert!(is_traceback(obj));
    // SAFETY: callers pass tracebacks (the type's slots and getsets are installed on
    // tracebacks only).
    unsafe { obj.payload_unchecked::<PyTraceback>() }
}

/// A traceback entry for `frame` at byte offset `lasti` and line `lineno`, in front
/// of `next`. The caller guarantees `frame` is a frame object and `next` a traceback.
pub fn new(next: Option<PyObj>, frame: PyObj, lasti: i32, lineno: i32) -> PyObj {
    let ty = &TRACEBACK_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the traceback layout; every field written before
    // the object is tracked.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyTraceback;
        std::ptr::addr_of_mut!((*p).next).write(Mutex::new(next));
        std::ptr::addr_of_mut!((*p).frame).write(frame);
        std::ptr::addr_of_mut!((*p).lasti).write(lasti);
        std::ptr::addr_of_mut!((*p).lineno).write(lineno);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// `tb_next` of a traceback.
pub fn next(tb: &PyObj) -> Option<PyObj> {
    payload(tb)
        .next
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// `tb_frame` of a traceback.
pub fn frame(tb: &PyObj) -> &PyObj {
    &payload(tb).frame
}

/// `tb_lasti` of a traceback (a byte offset).
pub fn lasti(tb: &PyObj) -> i32 {
    payload(tb).lasti
}

/// `tb_lineno` of a traceback.
pub fn lineno(tb: &PyObj) -> i32 {
    payload(tb).lineno
}

/// The entries of a traceback chain, `tb` first (at most `limit` of them; a chain
/// made into a loop through `tb_next` is cut where it repeats).
pub fn entries(tb: &PyObj, limit: usize) -> Vec<PyObj> {
    let mut out: Vec<PyObj> = Vec::new();
    let mut at = Some(tb.clone());
    while let Some(t) = at {
        if !is_traceback(&t) || out.len() >= limit || out.iter().any(|o| o.is(&t)) {
            break;
        }
        at = next(&t);
        out.push(t);
    }
    out
}

/// Checks `value` as a new `tb_next` of `tb`: a traceback or None, and not a chain
/// that leads back to `tb` (CPython's `tb_next_set`).
fn check_next(tb: &PyObj, value: &PyObj) -> PyResult<Option<PyObj>> {
    if crate::singletons::is_none(value) {
        return Ok(None);
    }
    if !is_traceback(value) {
        return Err(type_error(format!(
            "expected traceback object, got '{}'",
            value.ty().name()
        )));
    }
    let mut at = Some(value.clone());
    while let Some(t) = at {
        if t.is(tb) {
            return Err(value_error("traceback loop detected"));
        }
        at = next(&t);
    }
    Ok(Some(value.clone()))
}

/// `TracebackType(tb_next, tb_frame, tb_lasti, tb_lineno)` (CPython's `tb_new`).
fn tb_new(_cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let b = crate::args::Args::new(args, kwnames).bind(
        "TracebackType",
        0,
        &["tb_next", "tb_frame", "tb_lasti", "tb_lineno"],
        4,
    )?;
    let [next, frame, lasti, lineno] = [0, 1, 2, 3].map(|i| b[i].expect("required"));
    let next = if crate::singletons::is_none(next) {
        None
    } else if is_traceback(next) {
        Some(next.clone())
    } else {
        return Err(type_error(format!(
            "expected traceback object or None, got '{}'",
            next.ty().name()
        )));
    };
    if !is_frame(frame) {
        return Err(type_error(format!(
            "TracebackType() argument 'tb_frame' must be frame, not {}",
            frame.ty().name()
        )));
    }
    let as_c_int = |o: &PyObj| -> PyResult<i32> {
        let n = crate::int::to_isize(&ab::index(o)?)
            .ok()
            .and_then(|n| i32::try_from(n).ok());
        n.ok_or_else(|| {
            crate::exceptions::overflow_error("Python int too large to convert to C int")
        })
    };
    let (lasti, lineno) = (as_c_int(lasti)?, as_c_int(lineno)?);
    Ok(new(next, frame.clone(), lasti, lineno))
}

/// `tb_next`, `tb_frame`, `tb_lasti`, `tb_lineno`.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![
        GetSetDef::new(
            "tb_next",
            |t| Ok(next(t).unwrap_or_else(crate::singletons::none)),
            Some(|t, v| {
                let v = v.ok_or_else(|| type_error("can't delete tb_next attribute"))?;
                let new_next = check_next(t, v)?;
                let old = std::mem::replace(
                    &mut *payload(t).next.lock().unwrap_or_else(|e| e.into_inner()),
                    new_next,
                );
                drop(old);
                Ok(())
            }),
        ),
        GetSetDef::new("tb_frame", |t| Ok(frame(t).clone()), None),
        GetSetDef::new(
            "tb_lasti",
            |t| Ok(crate::int::from_i64(i64::from(lasti(t)))),
            None,
        ),
        GetSetDef::new(
            "tb_lineno",
            |t| Ok(crate::int::from_i64(i64::from(lineno(t)))),
            None,
        ),
    ]
}
