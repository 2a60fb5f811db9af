//! Asynchronous generators (PEP 525; CPython's Objects/genobject.c): the methods of
//! the `async_generator` type, the awaitables they return, and the per-thread
//! `sys.set_asyncgen_hooks` hooks.
//!
//! An async generator is a generator object (generator.rs) whose frame yields two
//! kinds of values: its own `yield`s, wrapped by ASYNC_GEN_WRAP in an
//! `async_generator_wrapped_value`, and what an `await` inside it passes up to the
//! event loop, unwrapped. It is driven only through awaitables: `__anext__()` and
//! `asend(v)` return an `async_generator_asend`, `athrow()` and `aclose()` an
//! `async_generator_athrow`. Iterating an awaitable resumes the generator: an
//! unwrapped value passes through to whoever drives the awaitable (the generator is
//! suspended in an `await`), a wrapped one finishes the awaitable with
//! `StopIteration(value)`, and the generator's return finishes it with
//! `StopAsyncIteration`. While an awaitable is in progress the generator's
//! `ag_running` flag is set, and a second awaitable started then is refused.
//!
//! The first `__anext__`, `asend`, `athrow` or `aclose` calls the thread's
//! `firstiter` hook with the generator and captures the thread's `finalizer` hook,
//! which the generator is handed to, instead of being closed, when it is collected
//! unfinished (generator.rs). The awaitables follow CPython 3.11's, messages and
//! corner cases included (`throw()` of an awaitable does not check `ag_running`).

use std::cell::RefCell;
use std::sync::atomic::{AtomicU8, Ordering};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, PyErr};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{int, singletons, tuple, PyObj, PyResult};

use crate::frame::Outcome;
use crate::generator::{self, with_async_state};

thread_local! {
    /// This thread's `(firstiter, finalizer)` hooks (CPython keeps them in the thread
    /// state).
    static HOOKS: RefCell<(Option<PyObj>, Option<PyObj>)> = const { RefCell::new((None, None)) };
}

/// Drops this thread's hooks (at thread exit, see [`crate::thread_exit`]).
pub(crate) fn clear_thread_hooks() {
    let old = HOOKS.with(|h| std::mem::take(&mut *h.borrow_mut()));
    drop(old);
}

/// An awaitable not iterated yet.
const INIT: u8 = 0;
/// An awaitable being iterated.
const ITER: u8 = 1;
/// An awaitable that finished or was closed: it cannot be awaited again.
const CLOSED: u8 = 2;

/// The layout of `async_generator_asend`: what `__anext__()` (no value) and
/// `asend(value)` return.
#[repr(C)]
pub struct PyAsyncGenASend {
    header: ObjectHeader,
    gen: PyObj,
    sendval: Option<PyObj>,
    state: AtomicU8,
}

/// The layout of `async_generator_athrow`: what `athrow(...)` (its arguments) and
/// `aclose()` (none) return.
#[repr(C)]
pub struct PyAsyncGenAThrow {
    header: ObjectHeader,
    gen: PyObj,
    args: Option<PyObj>,
    state: AtomicU8,
}

/// The layout of `async_generator_wrapped_value`: a value the async generator
/// yielded itself.
#[repr(C)]
pub struct PyAsyncGenWrappedValue {
    header: ObjectHeader,
    value: PyObj,
}

unsafe fn asend_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on asend objects only, whose fields are initialised.
    let a = unsafe { &*(obj.as_ptr() as *const PyAsyncGenASend) };
    visit(a.gen.as_ptr());
    if let Some(v) = &a.sendval {
        visit(v.as_ptr());
    }
}

unsafe fn asend_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; the fields are initialised and dropped
    // once.
    unsafe {
        let p = obj.as_ptr() as *mut PyAsyncGenASend;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).gen));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).sendval));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

unsafe fn athrow_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on athrow objects only, whose fields are initialised.
    let t = unsafe { &*(obj.as_ptr() as *const PyAsyncGenAThrow) };
    visit(t.gen.as_ptr());
    if let Some(a) = &t.args {
        visit(a.as_ptr());
    }
}

unsafe fn athrow_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; the fields are initialised and dropped
    // once.
    unsafe {
        let p = obj.as_ptr() as *mut PyAsyncGenAThrow;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).gen));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).args));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

unsafe fn wrapped_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on wrapped values only, whose field is initialised.
    let w = unsafe { &*(obj.as_ptr() as *const PyAsyncGenWrappedValue) };
    visit(w.value.as_ptr());
}

unsafe fn wrapped_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; the field is initialised and dropped once.
    unsafe {
        let p = obj.as_ptr() as *mut PyAsyncGenWrappedValue;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).value));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// The `async_generator_asend` type.
    pub static ASEND_TYPE = {
        name: "async_generator_asend",
        layout: PyAsyncGenASend,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(asend_traverse),
        clear: None,
        dealloc: asend_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|a| Ok(a.clone())),
            iternext: Some(|a| asend_send(a, None).map(Some)),
            ..Slots::EMPTY
        },
    }
}

strand_objects::builtin_type! {
    /// The `async_generator_athrow` type.
    pub static ATHROW_TYPE = {
        name: "async_generator_athrow",
        layout: PyAsyncGenAThrow,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(athrow_traverse),
        clear: None,
        dealloc: athrow_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|t| Ok(t.clone())),
            iternext: Some(|t| athrow_send(t, singletons::none()).map(Some)),
            ..Slots::EMPTY
        },
    }
}

strand_objects::builtin_type! {
    /// The `async_generator_wrapped_value` type (internal: never seen by Python code).
    pub static WRAPPED_VALUE_TYPE = {
        name: "async_generator_wrapped_value",
        layout: PyAsyncGenWrappedValue,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(wrapped_traverse),
        clear: None,
        dealloc: wrapped_dealloc,
        size: None,
        slots: Slots::EMPTY,
    }
}

/// Readies the awaitable types (once, from `generator::init`).
pub(crate) fn init() {
    let object = Some(&strand_objects::baseobject::OBJECT_TYPE);
    ASEND_TYPE.ready_static(
        object,
        &[
            MethodDef::new("send", |args, kw| {
                Args::new(args, kw).exact("send", 2)?;
                asend_send(&this_asend(args, "send")?, Some(args[1].clone()))
            }),
            MethodDef::new("throw", |args, kw| {
                Args::new(args, kw).range("throw", 2, 4)?;
                asend_throw(&this_asend(args, "throw")?, &args[1..])
            }),
            MethodDef::new("close", |args, kw| {
                Args::new(args, kw).exact("close", 1)?;
                let a = this_asend(args, "close")?;
                asend(&a).state.store(CLOSED, Ordering::Relaxed);
                Ok(singletons::none())
            }),
            MethodDef::new("__await__", |args, kw| {
                Args::new(args, kw).exact("__await__", 1)?;
                this_asend(args, "__await__")
            }),
        ],
        &[],
    );
    ATHROW_TYPE.ready_static(
        object,
        &[
            MethodDef::new("send", |args, kw| {
                Args::new(args, kw).exact("send", 2)?;
                athrow_send(&this_athrow(args, "send")?, args[1].clone())
            }),
            MethodDef::new("throw", |args, kw| {
                Args::new(args, kw).range("throw", 2, 4)?;
                athrow_throw(&this_athrow(args, "throw")?, &args[1..])
            }),
            MethodDef::new("close", |args, kw| {
                Args::new(args, kw).exact("close", 1)?;
                let t = this_athrow(args, "close")?;
                athrow(&t).state.store(CLOSED, Ordering::Relaxed);
                Ok(singletons::none())
            }),
            MethodDef::new("__await__", |args, kw| {
                Args::new(args, kw).exact("__await__", 1)?;
                this_athrow(args, "__await__")
            }),
        ],
        &[],
    );
    WRAPPED_VALUE_TYPE.ready_static(object, &[], &[]);
}

/// The methods of `async_generator`.
pub(crate) fn methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("asend", |args, kw| {
            Args::new(args, kw).exact("async_generator.asend", 2)?;
            let g = this_agen(args, "asend")?;
            init_hooks(&g)?;
            Ok(new_asend(g, Some(args[1].clone())))
        }),
        MethodDef::new("athrow", |args, kw| {
            Args::new(args, kw).no_kwargs("async_generator.athrow")?;
            let g = this_agen(args, "athrow")?;
            init_hooks(&g)?;
            // The arguments are checked when the awaitable runs, as CPython does.
            Ok(new_athrow(g, Some(tuple::from_vec(args[1..].to_vec()))))
        }),
        MethodDef::new("aclose", |args, kw| {
            Args::new(args, kw).exact("async_generator.aclose", 1)?;
            let g = this_agen(args, "aclose")?;
            init_hooks(&g)?;
            Ok(new_athrow(g, None))
        }),
        MethodDef::new("__aiter__", |args, kw| {
            Args::new(args, kw).exact("__aiter__", 1)?;
            this_agen(args, "__aiter__")
        }),
        MethodDef::new("__anext__", |args, kw| {
            Args::new(args, kw).exact("__anext__", 1)?;
            anext(&this_agen(args, "__anext__")?)
        }),
    ]
}

/// The attributes of `async_generator` besides `__name__`, `__qualname__` and
/// `ag_frame`.
pub(crate) fn getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("ag_await", generator::awaiting, None),
        GetSetDef::new("ag_code", |g| Ok(generator::code_of(g)), None),
        GetSetDef::new(
            "ag_running",
            |g| Ok(int::bool_obj(with_async_state(g, |ag| ag.running_async))),
            None,
        ),
    ]
}

/// `agen.__anext__()`: the awaitable of its next item (GET_ANEXT's fast path).
///
/// # Errors
/// What the `firstiter` hook raises on the first iteration.
pub(crate) fn anext(g: &PyObj) -> PyResult<PyObj> {
    init_hooks(g)?;
    Ok(new_asend(g.clone(), None))
}

/// ASYNC_GEN_WRAP: `value` wrapped as the async generator's own yield.
pub(crate) fn wrap_value(value: PyObj) -> PyObj {
    let ty = &WRAPPED_VALUE_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the wrapped-value layout; the field is written
    // before the object is tracked.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyAsyncGenWrappedValue;
        std::ptr::addr_of_mut!((*p).value).write(value);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// The value inside a wrapped value, or None for anything else.
fn unwrapped(v: &PyObj) -> Option<PyObj> {
    v.is_exact(&WRAPPED_VALUE_TYPE).then(|| {
        // SAFETY: checked the type just above.
        unsafe { v.payload_unchecked::<PyAsyncGenWrappedValue>() }
            .value
            .clone()
    })
}

fn new_asend(gen: PyObj, sendval: Option<PyObj>) -> PyObj {
    let ty = &ASEND_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the asend layout; the fields are written before
    // the object is tracked.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyAsyncGenASend;
        std::ptr::addr_of_mut!((*p).gen).write(gen);
        std::ptr::addr_of_mut!((*p).sendval).write(sendval);
        std::ptr::addr_of_mut!((*p).state).write(AtomicU8::new(INIT));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn new_athrow(gen: PyObj, args: Option<PyObj>) -> PyObj {
    let ty = &ATHROW_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the athrow layout; the fields are written before
    // the object is tracked.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyAsyncGenAThrow;
        std::ptr::addr_of_mut!((*p).gen).write(gen);
        std::ptr::addr_of_mut!((*p).args).write(args);
        std::ptr::addr_of_mut!((*p).state).write(AtomicU8::new(INIT));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn asend(a: &PyObj) -> &PyAsyncGenASend {
    // SAFETY: callers checked the type (`this_asend`, the slots installed on it).
    unsafe { a.payload_unchecked::<PyAsyncGenASend>() }
}

fn athrow(t: &PyObj) -> &PyAsyncGenAThrow {
    // SAFETY: callers checked the type (`this_athrow`, the slots installed on it).
    unsafe { t.payload_unchecked::<PyAsyncGenAThrow>() }
}

/// The `self` of a native method, checked to have type `ty` (CPython's descriptor
/// check and message).
///
/// # Errors
/// `TypeError` for another type.
pub(crate) fn this_of(args: &[PyObj], name: &str, ty: &PyType) -> PyResult<PyObj> {
    match args.first() {
        Some(o) if o.is_exact(ty) => Ok(o.clone()),
        other => Err(type_error(format!(
            "descriptor '{name}' for '{}' objects doesn't apply to a '{}' object",
            ty.name(),
            other.map_or("NoneType", |o| o.ty().name())
        ))),
    }
}

fn this_agen(args: &[PyObj], name: &str) -> PyResult<PyObj> {
    this_of(args, name, &generator::ASYNC_GENERATOR_TYPE)
}

fn this_asend(args: &[PyObj], name: &str) -> PyResult<PyObj> {
    this_of(args, name, &ASEND_TYPE)
}

fn this_athrow(args: &[PyObj], name: &str) -> PyResult<PyObj> {
    this_of(args, name, &ATHROW_TYPE)
}

/// Runs the hooks at the first iteration (CPython's `async_gen_init_hooks`): keeps
/// the thread's finalizer, then calls its `firstiter` with the generator.
fn init_hooks(g: &PyObj) -> PyResult<()> {
    if with_async_state(g, |ag| std::mem::replace(&mut ag.hooks_inited, true)) {
        return Ok(());
    }
    let (firstiter, finalizer) = HOOKS.with(|h| h.borrow().clone());
    if let Some(f) = finalizer {
        let old = with_async_state(g, |ag| ag.finalizer.replace(f));
        drop(old);
    }
    if let Some(f) = firstiter {
        ab::call1(&f, g.clone())?;
    }
    Ok(())
}

/// What the generator's frame did, as CPython's `gen_send_ex` reports it for an
/// async generator: the value it yielded, or an error (its return is
/// `StopAsyncIteration`).
fn step(r: PyResult<Outcome>) -> PyResult<PyObj> {
    match r? {
        Outcome::Yield(v) => Ok(v),
        Outcome::Return(_) => Err(stop_async_iteration()),
    }
}

fn stop_async_iteration() -> PyErr {
    PyErr::with_args(&exc::STOP_ASYNC_ITERATION_TYPE, Vec::new())
}

/// CPython's `async_gen_unwrap_value`: a value yielded through an `await` passes
/// through; the generator's own yield finishes the awaitable with
/// `StopIteration(value)`; an error ends the generator's `ag_running` (and closes it
/// for StopAsyncIteration and GeneratorExit).
fn unwrap_value(g: &PyObj, r: PyResult<Outcome>) -> PyResult<PyObj> {
    match step(r) {
        Ok(v) => match unwrapped(&v) {
            Some(inner) => {
                with_async_state(g, |ag| ag.running_async = false);
                Err(generator::stop_iteration(inner))
            }
            None => Ok(v),
        },
        Err(e) => {
            let closing = e.is_instance(&exc::STOP_ASYNC_ITERATION_TYPE)
                || e.is_instance(&exc::GENERATOR_EXIT_TYPE);
            with_async_state(g, |ag| {
                ag.closed |= closing;
                ag.running_async = false;
            });
            Err(e)
        }
    }
}

/// `asend.send(arg)`, and its iteration with `arg` None.
fn asend_send(a: &PyObj, arg: Option<PyObj>) -> PyResult<PyObj> {
    let o = asend(a);
    let g = &o.gen;
    let mut value = arg;
    match o.state.load(Ordering::Relaxed) {
        CLOSED => {
            return Err(exc::runtime_error(
                "cannot reuse already awaited __anext__()/asend()",
            ))
        }
        INIT => {
            if with_async_state(g, |ag| ag.running_async) {
                o.state.store(CLOSED, Ordering::Relaxed);
                return Err(exc::runtime_error(
                    "anext(): asynchronous generator is already running",
                ));
            }
            if value.as_ref().is_none_or(singletons::is_none) {
                value.clone_from(&o.sendval);
            }
            o.state.store(ITER, Ordering::Relaxed);
        }
        _ => {}
    }
    with_async_state(g, |ag| ag.running_async = true);
    let r = generator::resume_with(g, value.unwrap_or_else(singletons::none));
    let r = unwrap_value(g, r);
    if r.is_err() {
        o.state.store(CLOSED, Ordering::Relaxed);
    }
    r
}

/// `asend.throw(typ[, val[, tb]])`: throws into the generator (CPython 3.11 checks
/// neither `ag_running` nor the state beyond reuse).
fn asend_throw(a: &PyObj, args: &[PyObj]) -> PyResult<PyObj> {
    let o = asend(a);
    if o.state.load(Ordering::Relaxed) == CLOSED {
        return Err(exc::runtime_error(
            "cannot reuse already awaited __anext__()/asend()",
        ));
    }
    let r = generator::exception_from(args).and_then(|e| generator::throw_into(&o.gen, e, true));
    let r = unwrap_value(&o.gen, r);
    if r.is_err() {
        o.state.store(CLOSED, Ordering::Relaxed);
    }
    r
}

/// `athrow.send(arg)`, and its iteration with `arg` None (CPython's
/// `async_gen_athrow_send`): the first step throws the exception (GeneratorExit for
/// `aclose()`, which the generator's sub-iterator gets thrown in rather than being
/// closed), later steps resume the generator.
fn athrow_send(t: &PyObj, arg: PyObj) -> PyResult<PyObj> {
    let o = athrow(t);
    let g = &o.gen;
    let aclose = o.args.is_none();
    if o.state.load(Ordering::Relaxed) == CLOSED {
        return Err(exc::runtime_error(
            "cannot reuse already awaited aclose()/athrow()",
        ));
    }
    if generator::is_finished(g) {
        o.state.store(CLOSED, Ordering::Relaxed);
        return Err(exc::stop_iteration(None));
    }
    if o.state.load(Ordering::Relaxed) == INIT {
        let (running, closed) = with_async_state(g, |ag| (ag.running_async, ag.closed));
        if running {
            o.state.store(CLOSED, Ordering::Relaxed);
            return Err(exc::runtime_error(if aclose {
                "aclose(): asynchronous generator is already running"
            } else {
                "athrow(): asynchronous generator is already running"
            }));
        }
        if closed {
            o.state.store(CLOSED, Ordering::Relaxed);
            return Err(stop_async_iteration());
        }
        if !singletons::is_none(&arg) {
            return Err(exc::runtime_error(
                "can't send non-None value to a just-started coroutine",
            ));
        }
        o.state.store(ITER, Ordering::Relaxed);
        with_async_state(g, |ag| {
            ag.running_async = true;
            ag.closed |= aclose;
        });
        return match &o.args {
            None => {
                let exit = PyErr::with_args(&exc::GENERATOR_EXIT_TYPE, Vec::new());
                close_step(o, generator::throw_into(g, exit, false))
            }
            Some(args) => {
                let items = tuple::items(args);
                Args::new(items, None).check_positional("athrow", 1, 3)?;
                let r = generator::exception_from(items)
                    .and_then(|e| generator::throw_into(g, e, false));
                unwrap_value(g, r).map_err(|e| check_error(o, e))
            }
        };
    }
    let r = generator::resume_with(g, arg);
    if aclose {
        close_step(o, r)
    } else {
        unwrap_value(g, r)
    }
}

/// One step of `aclose()`: a value yielded through an `await` in the generator's
/// cleanup passes through; a value it yields itself means it ignored the
/// GeneratorExit; an error ends the awaitable ([`check_error`]).
fn close_step(o: &PyAsyncGenAThrow, r: PyResult<Outcome>) -> PyResult<PyObj> {
    match step(r) {
        Ok(v) if unwrapped(&v).is_some() => {
            with_async_state(&o.gen, |ag| ag.running_async = false);
            o.state.store(CLOSED, Ordering::Relaxed);
            Err(exc::runtime_error("async generator ignored GeneratorExit"))
        }
        Ok(v) => Ok(v),
        Err(e) => Err(check_error(o, e)),
    }
}

/// The end of an athrow awaitable with an error: for `aclose()`, the generator's
/// StopAsyncIteration or GeneratorExit means it closed, which finishes the awaitable
/// with a plain StopIteration.
fn check_error(o: &PyAsyncGenAThrow, e: PyErr) -> PyErr {
    with_async_state(&o.gen, |ag| ag.running_async = false);
    o.state.store(CLOSED, Ordering::Relaxed);
    let closing =
        e.is_instance(&exc::STOP_ASYNC_ITERATION_TYPE) || e.is_instance(&exc::GENERATOR_EXIT_TYPE);
    if closing && o.args.is_none() {
        return exc::stop_iteration(None);
    }
    e
}

/// `athrow.throw(typ[, val[, tb]])` (CPython 3.11's `async_gen_athrow_throw`).
fn athrow_throw(t: &PyObj, args: &[PyObj]) -> PyResult<PyObj> {
    let o = athrow(t);
    if o.state.load(Ordering::Relaxed) == CLOSED {
        return Err(exc::runtime_error(
            "cannot reuse already awaited aclose()/athrow()",
        ));
    }
    let r = generator::exception_from(args).and_then(|e| generator::throw_into(&o.gen, e, true));
    if o.args.is_some() {
        return unwrap_value(&o.gen, r);
    }
    match step(r) {
        Ok(v) if unwrapped(&v).is_some() => {
            with_async_state(&o.gen, |ag| ag.running_async = false);
            o.state.store(CLOSED, Ordering::Relaxed);
            Err(exc::runtime_error("async generator ignored GeneratorExit"))
        }
        Ok(v) => Ok(v),
        Err(e)
            if e.is_instance(&exc::STOP_ASYNC_ITERATION_TYPE)
                || e.is_instance(&exc::GENERATOR_EXIT_TYPE) =>
        {
            Err(exc::stop_iteration(None))
        }
        Err(e) => Err(e),
    }
}

/// Adds `set_asyncgen_hooks` and `get_asyncgen_hooks` to the `sys` module `m`.
pub(crate) fn add_sys_functions(m: &PyObj) {
    crate::native_module::add_functions(
        m,
        "sys",
        &[
            ("set_asyncgen_hooks", set_asyncgen_hooks),
            ("get_asyncgen_hooks", |a, k| {
                let args = Args::new(a, k);
                args.no_kwargs("get_asyncgen_hooks")?;
                if args.nargs() != 0 {
                    return Err(type_error(format!(
                        "sys.get_asyncgen_hooks() takes no arguments ({} given)",
                        args.nargs()
                    )));
                }
                let (firstiter, finalizer) = HOOKS.with(|h| h.borrow().clone());
                let none = singletons::none;
                strand_objects::structseq::new_instance(
                    &hooks_type(),
                    vec![
                        firstiter.unwrap_or_else(none),
                        finalizer.unwrap_or_else(none),
                    ],
                )
            }),
        ],
    );
}

/// The `asyncgen_hooks` struct sequence type (made once, kept for the process).
fn hooks_type() -> PyObj {
    static TYPE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let addr = *TYPE.get_or_init(|| {
        let ty = strand_objects::structseq::new_type(
            "builtins",
            "asyncgen_hooks",
            &["firstiter", "finalizer"],
        )
        .expect("asyncgen_hooks has valid field names");
        let a = ty.addr();
        std::mem::forget(ty);
        a
    });
    // SAFETY: leaked above; the class lives for the process.
    unsafe {
        PyObj::from_borrowed(ObjPtr::from_raw(addr as *mut ObjectHeader).expect("a type object"))
    }
}

/// `sys.set_asyncgen_hooks([firstiter] [, finalizer])`: an argument left out keeps
/// its hook, None clears it. The finalizer is checked and set before the firstiter
/// is checked, as CPython 3.11 does.
fn set_asyncgen_hooks(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    if a.nargs() > 2 {
        return Err(type_error(format!(
            "function takes at most 2 arguments ({} given)",
            a.nargs()
        )));
    }
    let mut slots: [Option<PyObj>; 2] = [a.positional(0).cloned(), a.positional(1).cloned()];
    for (k, v) in a.kwargs() {
        let i = match k {
            "firstiter" => 0,
            "finalizer" => 1,
            _ => {
                return Err(type_error(format!(
                    "'{k}' is an invalid keyword argument for this function"
                )))
            }
        };
        if slots[i].is_some() {
            return Err(type_error(format!(
                "argument for function given by name ('{k}') and position ({})",
                i + 1
            )));
        }
        slots[i] = Some(v.clone());
    }
    let [firstiter, finalizer] = slots;
    let check = |v: Option<PyObj>, what: &str| -> PyResult<Option<Option<PyObj>>> {
        match v {
            None => Ok(None),
            Some(v) if singletons::is_none(&v) => Ok(Some(None)),
            Some(v) if v.ty().slots().call.is_some() => Ok(Some(Some(v))),
            Some(v) => Err(type_error(format!(
                "callable {what} expected, got {}",
                v.ty().name()
            ))),
        }
    };
    if let Some(f) = check(finalizer, "finalizer")? {
        let old = HOOKS.with(|h| std::mem::replace(&mut h.borrow_mut().1, f));
        drop(old);
    }
    if let Some(f) = check(firstiter, "firstiter")? {
        let old = HOOKS.with(|h| std::mem::replace(&mut h.borrow_mut().0, f));
        drop(old);
    }
    Ok(singletons::none())
}
