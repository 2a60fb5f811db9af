//! The asynchronous iteration protocol (PEP 492's `__aiter__` and `__anext__`): what
//! `async for` does with an object (GET_AITER and GET_ANEXT, as CPython 3.11's
//! Python/ceval.c), the `aiter()` and `anext()` builtins (Python/bltinmodule.c), and
//! `anext_awaitable`, what `anext(iterator, default)` returns (Objects/iterobject.c):
//! it awaits `iterator.__anext__()` and turns its `StopAsyncIteration` into a return
//! of `default`.
//!
//! The special methods are looked up on the type, as CPython's `tp_as_async` slots
//! are; async generators take the direct path to their `__anext__`.

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::MethodDef;
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::typeobj::{Slots, TypeFlags};
use strand_objects::{PyObj, PyResult};

use crate::generator::{self, is_async_generator};

/// GET_AITER: the asynchronous iterator of `obj` (`type(obj).__aiter__(obj)`), which
/// must have `__anext__`.
///
/// # Errors
/// `TypeError` without `__aiter__` or `__anext__`; what `__aiter__` raises.
pub(crate) fn get_aiter(obj: &PyObj) -> PyResult<PyObj> {
    let ty = obj.ty();
    let Some(aiter) = ty.lookup_str("__aiter__") else {
        return Err(type_error(format!(
            "'async for' requires an object with __aiter__ method, got {}",
            ty.name()
        )));
    };
    let it = ab::call_descr(&aiter, obj, &[])?;
    if it.ty().lookup_str("__anext__").is_none() {
        return Err(type_error(format!(
            "'async for' received an object from __aiter__ that does not implement \
             __anext__: {}",
            it.ty().name()
        )));
    }
    Ok(it)
}

/// GET_ANEXT: the awaitable of the next step of `aiter`: its `__anext__()` result as
/// an awaitable iterator (`generator::awaitable_iter`).
///
/// # Errors
/// `TypeError` without `__anext__`, or for an `__anext__()` result that cannot be
/// awaited (with the reason as its `__cause__`); what `__anext__` raises.
pub(crate) fn get_anext(aiter: &PyObj) -> PyResult<PyObj> {
    if is_async_generator(aiter) {
        return crate::asyncgen::anext(aiter);
    }
    let ty = aiter.ty();
    let Some(anext) = ty.lookup_str("__anext__") else {
        return Err(type_error(format!(
            "'async for' requires an iterator with __anext__ method, got {}",
            ty.name()
        )));
    };
    let next = ab::call_descr(&anext, aiter, &[])?;
    generator::awaitable_iter(&next).map_err(|cause| {
        let e = type_error(format!(
            "'async for' received an invalid object from __anext__: {}",
            next.ty().name()
        ));
        // CPython's `_PyErr_FormatFromCause`: the reason is cause and context.
        let _ = ab::setattr(
            e.value(),
            &strand_objects::str::intern("__cause__"),
            cause.value(),
        );
        let _ = ab::setattr(
            e.value(),
            &strand_objects::str::intern("__context__"),
            cause.value(),
        );
        e
    })
}

/// The `aiter(async_iterable)` builtin.
///
/// # Errors
/// `TypeError` for objects without `__aiter__`, or whose `__aiter__` returns an
/// object without `__anext__`; what `__aiter__` raises.
pub fn b_aiter(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    a.no_kwargs("aiter")?;
    if a.nargs() != 1 {
        return Err(type_error(format!(
            "aiter() takes exactly one argument ({} given)",
            a.nargs()
        )));
    }
    let obj = &args[0];
    let Some(aiter) = obj.ty().lookup_str("__aiter__") else {
        return Err(type_error(format!(
            "'{}' object is not an async iterable",
            obj.ty().name()
        )));
    };
    let it = ab::call_descr(&aiter, obj, &[])?;
    if it.ty().lookup_str("__anext__").is_none() {
        return Err(type_error(format!(
            "aiter() returned not an async iterator of type '{}'",
            it.ty().name()
        )));
    }
    Ok(it)
}

/// The `anext(async_iterator[, default])` builtin: `__anext__()`'s awaitable, or
/// with a default an `anext_awaitable` that returns the default at exhaustion.
///
/// # Errors
/// `TypeError` for objects without `__anext__` and for bad arguments; what
/// `__anext__` raises.
pub fn b_anext(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).check_positional("anext", 1, 2)?;
    let it = &args[0];
    let Some(anext) = it.ty().lookup_str("__anext__") else {
        return Err(type_error(format!(
            "'{}' object is not an async iterator",
            it.ty().name()
        )));
    };
    let awaitable = if is_async_generator(it) {
        crate::asyncgen::anext(it)?
    } else {
        ab::call_descr(&anext, it, &[])?
    };
    Ok(match args.get(1) {
        None => awaitable,
        Some(default) => new_anext_awaitable(awaitable, default.clone()),
    })
}

/// The layout of `anext_awaitable`.
#[repr(C)]
pub struct PyAnextAwaitable {
    header: ObjectHeader,
    /// What `__anext__()` returned.
    wrapped: PyObj,
    /// What exhaustion returns instead of raising `StopAsyncIteration`.
    default: PyObj,
}

unsafe fn anext_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on anext_awaitable objects only, whose fields are initialised.
    let a = unsafe { &*(obj.as_ptr() as *const PyAnextAwaitable) };
    visit(a.wrapped.as_ptr());
    visit(a.default.as_ptr());
}

unsafe fn anext_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; the fields are initialised and dropped
    // once.
    unsafe {
        let p = obj.as_ptr() as *mut PyAnextAwaitable;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).wrapped));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).default));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// The `anext_awaitable` type.
    pub static ANEXT_AWAITABLE_TYPE = {
        name: "anext_awaitable",
        layout: PyAnextAwaitable,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(anext_traverse),
        clear: None,
        dealloc: anext_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|a| Ok(a.clone())),
            iternext: Some(anext_iternext),
            ..Slots::EMPTY
        },
    }
}

/// Readies `anext_awaitable` (once, at install).
pub(crate) fn init() {
    fn this(args: &[PyObj], name: &str) -> PyResult<PyObj> {
        crate::asyncgen::this_of(args, name, &ANEXT_AWAITABLE_TYPE)
    }
    ANEXT_AWAITABLE_TYPE.ready_static(
        Some(&strand_objects::baseobject::OBJECT_TYPE),
        &[
            MethodDef::new("send", |args, kw| {
                Args::new(args, kw).exact("send", 2)?;
                proxy(&this(args, "send")?, "send", &args[1..])
            }),
            MethodDef::new("throw", |args, kw| {
                Args::new(args, kw).no_kwargs("throw")?;
                proxy(&this(args, "throw")?, "throw", &args[1..])
            }),
            MethodDef::new("close", |args, kw| {
                Args::new(args, kw).exact("close", 1)?;
                proxy(&this(args, "close")?, "close", &[])
            }),
            MethodDef::new("__await__", |args, kw| {
                Args::new(args, kw).exact("__await__", 1)?;
                this(args, "__await__")
            }),
        ],
        &[],
    );
}

fn new_anext_awaitable(wrapped: PyObj, default: PyObj) -> PyObj {
    let ty = &ANEXT_AWAITABLE_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the anext_awaitable layout; the fields are written
    // before the object is tracked.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyAnextAwaitable;
        std::ptr::addr_of_mut!((*p).wrapped).write(wrapped);
        std::ptr::addr_of_mut!((*p).default).write(default);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn fields(a: &PyObj) -> &PyAnextAwaitable {
    // SAFETY: callers checked the type (the slots and methods installed on it).
    unsafe { a.payload_unchecked::<PyAnextAwaitable>() }
}

/// The iterator to drive, made afresh at each step as CPython does: the wrapped
/// awaitable's `__await__` iterator (for a coroutine, its `coroutine_wrapper`).
fn awaitable_of(a: &PyObj) -> PyResult<PyObj> {
    let it = generator::awaitable_iter(&fields(a).wrapped)?;
    if generator::is_coroutine(&it) {
        return Ok(generator::new_wrapper(it));
    }
    Ok(it)
}

/// Exhaustion of the wrapped awaitable returns the default.
fn default_for(a: &PyObj, e: exc::PyErr) -> exc::PyErr {
    if e.is_instance(&exc::STOP_ASYNC_ITERATION_TYPE) {
        generator::stop_iteration(fields(a).default.clone())
    } else {
        e
    }
}

fn anext_iternext(a: &PyObj) -> PyResult<Option<PyObj>> {
    let it = awaitable_of(a)?;
    let next = it
        .ty()
        .slots()
        .iternext
        .ok_or_else(|| type_error("__await__ returned a non-iterable"))?;
    next(&it).map_err(|e| default_for(a, e))
}

/// `send`, `throw` and `close`: the same method of the iterator being driven.
fn proxy(a: &PyObj, method: &str, args: &[PyObj]) -> PyResult<PyObj> {
    let it = awaitable_of(a)?;
    ab::call_method(&it, method, args).map_err(|e| default_for(a, e))
}
