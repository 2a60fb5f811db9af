//! Generators and coroutines (Objects/genobject.c): each owns a suspended frame.
//! `next()`/`send()` resume it until its next `yield` (the frame is moved out of the
//! object while it runs, so a concurrent resume sees "already executing"), `throw()`
//! raises inside it at the `yield`, `close()` throws GeneratorExit. Each generator
//! keeps its own "exception being handled", swapped in while it runs (PEP 3134
//! semantics for `yield` inside `except`). A `StopIteration` escaping the body becomes
//! `RuntimeError` (PEP 479).
//!
//! Coroutines (`async def`, PEP 492) are the same machine under another type: they
//! are not iterable, `await` drives them (GET_AWAITABLE then the SEND loop of `yield
//! from`), `__await__()` returns a `coroutine_wrapper` iterator over them, and an
//! exhausted coroutine cannot be resumed again.
//!
//! A generator (or coroutine) suspended in its body is closed when it becomes
//! garbage, by reference count or by the collector, so its `finally` blocks run, as
//! in CPython.

use std::sync::Mutex;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, PyErr};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{int, singletons, PyObj, PyResult};

use crate::frame::{Evaluator, Frame, Outcome, OwnedFrame};

struct GenState {
    frame: Option<OwnedFrame>,
    running: bool,
    started: bool,
    /// The generator's own handled exception while suspended.
    exc_state: Option<PyObj>,
    name: PyObj,
    qualname: PyObj,
}

/// The layout of a generator object.
#[repr(C)]
pub struct PyGenerator {
    header: ObjectHeader,
    state: Mutex<GenState>,
}

unsafe fn gen_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on generators only.
    let g = unsafe { &*(obj.as_ptr() as *const PyGenerator) };
    // A running generator's frame is out of the object (on its thread's stack, where
    // its references count as external); a suspended one is traversed.
    if let Ok(st) = g.state.try_lock() {
        visit(st.name.as_ptr());
        visit(st.qualname.as_ptr());
        if let Some(e) = &st.exc_state {
            visit(e.as_ptr());
        }
        if let Some(f) = &st.frame {
            f.visit(visit);
        }
    }
}

unsafe fn gen_clear(obj: ObjPtr) {
    // SAFETY: installed on generators; the collector holds a reference.
    let g = unsafe { &*(obj.as_ptr() as *const PyGenerator) };
    let taken = match g.state.lock() {
        Ok(mut st) => (st.frame.take(), st.exc_state.take()),
        Err(_) => (None, None),
    };
    // Released outside the lock: deallocations may run Python code.
    drop(taken);
}

/// Whether a generator is suspended inside its body (so dropping it must close it
/// and run its `finally` blocks).
fn suspended_in_body(g: &PyGenerator) -> bool {
    g.state
        .try_lock()
        .is_ok_and(|st| st.started && !st.running && st.frame.is_some())
}

/// Closes a suspended generator that is being freed (CPython's `_PyGen_Finalize`);
/// what `close()` raises is reported as unraisable.
fn finalize_generator(g: &PyObj) {
    if !suspended_in_body(payload(g)) {
        return;
    }
    if let Err(e) = close(g) {
        let what = gen_repr(g)
            .map(|r| strand_objects::str::as_str(&r).to_string())
            .unwrap_or_default();
        strand_objects::unraisable::write(&e, Some(&format!("Exception ignored in: {what}")));
    }
}

unsafe fn gen_finalize(obj: ObjPtr) {
    // SAFETY: the collector keeps the generator alive while finalizing it.
    let g = unsafe { PyObj::from_borrowed(obj) };
    finalize_generator(&g);
}

unsafe fn gen_dealloc(obj: ObjPtr) {
    // A generator suspended in its body is closed first, once, on a resurrected
    // reference; if closing stored a new reference, it lives on.
    // SAFETY: count zero, exclusive access; the state is initialised.
    unsafe {
        let g = &*(obj.as_ptr() as *const PyGenerator);
        if !obj.gc_bits().contains(strand_heap::GcBits::FINALIZED) && suspended_in_body(g) {
            obj.set_gc_bits(obj.gc_bits() | strand_heap::GcBits::FINALIZED);
            strand_heap::refcount::resurrect_begin(obj);
            gen_finalize(obj);
            if !strand_heap::refcount::resurrect_end(obj) {
                obj.track();
                return;
            }
        }
    }
    // SAFETY: count zero, exclusive access; the state is initialised.
    unsafe {
        let p = obj.as_ptr() as *mut PyGenerator;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// The `generator` type.
    pub static GENERATOR_TYPE = {
        name: "generator",
        layout: PyGenerator,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(gen_traverse),
        clear: Some(gen_clear),
        dealloc: gen_dealloc,
        size: None,
        finalize: Some(gen_finalize),
        slots: Slots {
            iter: Some(|g| Ok(g.clone())),
            iternext: Some(gen_iternext),
            repr: Some(gen_repr),
            ..Slots::EMPTY
        },
    }
}

strand_objects::builtin_type! {
    /// The `coroutine` type: what calling an `async def` function returns.
    pub static COROUTINE_TYPE = {
        name: "coroutine",
        layout: PyGenerator,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(gen_traverse),
        clear: Some(gen_clear),
        dealloc: gen_dealloc,
        size: None,
        finalize: Some(gen_finalize),
        slots: Slots {
            repr: Some(gen_repr),
            ..Slots::EMPTY
        },
    }
}

/// What `coroutine.__await__()` returns: an iterator that drives its coroutine.
#[repr(C)]
pub struct PyCoroutineWrapper {
    header: ObjectHeader,
    coroutine: PyObj,
}

unsafe fn wrapper_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on coroutine wrappers only, whose field is initialised.
    let w = unsafe { &*(obj.as_ptr() as *const PyCoroutineWrapper) };
    visit(w.coroutine.as_ptr());
}

unsafe fn wrapper_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; the field is initialised and dropped once.
    unsafe {
        let p = obj.as_ptr() as *mut PyCoroutineWrapper;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).coroutine));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// The `coroutine_wrapper` type.
    pub static COROUTINE_WRAPPER_TYPE = {
        name: "coroutine_wrapper",
        layout: PyCoroutineWrapper,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(wrapper_traverse),
        clear: None,
        dealloc: wrapper_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|w| Ok(w.clone())),
            iternext: Some(|w| gen_iternext(&wrapped(w))),
            ..Slots::EMPTY
        },
    }
}

/// The frame evaluator generators resume their frames with (the interpreter loop,
/// given to [`init`]).
static EVALUATOR: std::sync::OnceLock<Evaluator> = std::sync::OnceLock::new();

/// Readies the generator and coroutine types (once, after `strand_objects::init`);
/// `resume` is the frame evaluator suspended frames continue in.
pub(crate) fn init(resume: Evaluator) {
    let _ = EVALUATOR.set(resume);
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = Some(&strand_objects::baseobject::OBJECT_TYPE);
        GENERATOR_TYPE.ready_static(object, &methods(), &getsets("gi_running"));
        let mut coro_methods = methods();
        coro_methods.push(MethodDef::new("__await__", |args, kw| {
            Args::new(args, kw).exact("__await__", 1)?;
            let c = this(args, "__await__")?;
            Ok(new_wrapper(c))
        }));
        COROUTINE_TYPE.ready_static(object, &coro_methods, &getsets("cr_running"));
        // send/throw/close accept a wrapper and act on its coroutine (see `this`).
        COROUTINE_WRAPPER_TYPE.ready_static(object, &methods(), &[]);
    });
}

/// The coroutine a `coroutine_wrapper` drives.
fn wrapped(w: &PyObj) -> PyObj {
    // SAFETY: only installed on coroutine wrappers.
    unsafe { w.payload_unchecked::<PyCoroutineWrapper>() }
        .coroutine
        .clone()
}

fn new_wrapper(coroutine: PyObj) -> PyObj {
    let ty = &COROUTINE_WRAPPER_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the wrapper layout; the field is written before the
    // object is tracked.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyCoroutineWrapper;
        std::ptr::addr_of_mut!((*p).coroutine).write(coroutine);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// A generator owning `frame` (arguments already bound, not started).
pub(crate) fn new_generator(frame: OwnedFrame) -> PyObj {
    new_gen_like(frame, &GENERATOR_TYPE)
}

/// A coroutine owning `frame` (an `async def` function's call).
pub(crate) fn new_coroutine(frame: OwnedFrame) -> PyObj {
    new_gen_like(frame, &COROUTINE_TYPE)
}

fn new_gen_like(frame: OwnedFrame, ty: &'static PyType) -> PyObj {
    let (name, qualname) = frame.names();
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the generator layout; the state is written before
    // the object is tracked.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyGenerator;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(GenState {
            frame: Some(frame),
            running: false,
            started: false,
            exc_state: None,
            name,
            qualname,
        }));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// `true` for generator objects.
pub fn is_generator(obj: &PyObj) -> bool {
    obj.is_exact(&GENERATOR_TYPE)
}

/// `true` for coroutine objects.
pub fn is_coroutine(obj: &PyObj) -> bool {
    obj.is_exact(&COROUTINE_TYPE)
}

/// "generator" or "coroutine", for messages.
fn kind_name(g: &PyObj) -> &'static str {
    if is_coroutine(g) {
        "coroutine"
    } else {
        "generator"
    }
}

fn payload(g: &PyObj) -> &PyGenerator {
    // SAFETY: callers check the type (slots and methods are installed on generators).
    unsafe { g.payload_unchecked::<PyGenerator>() }
}

fn lock(g: &PyObj) -> std::sync::MutexGuard<'_, GenState> {
    payload(g).state.lock().unwrap_or_else(|e| e.into_inner())
}

/// How a suspended generator is resumed.
enum Resume {
    /// `send(value)` / `next()`: `value` becomes the result of the `yield`.
    Send(PyObj),
    /// `throw()`: the exception is raised at the `yield`.
    Throw(PyErr),
    /// The sub-iterator of the `yield from` it is suspended in returned this value.
    SubReturned(PyObj),
}

/// Resumes `g`: CPython's `gen_send_ex`.
fn send_ex(g: &PyObj, how: Resume) -> PyResult<Outcome> {
    let (frame, saved, throw) = {
        let mut st = lock(g);
        if st.running {
            return Err(exc::value_error(format!(
                "{} already executing",
                kind_name(g)
            )));
        }
        let Some(frame) = st.frame.take() else {
            // Exhausted or closed.
            return match how {
                Resume::Throw(e) => Err(e),
                Resume::Send(_) if is_coroutine(g) => {
                    Err(exc::runtime_error("cannot reuse already awaited coroutine"))
                }
                _ => Ok(Outcome::Return(singletons::none())),
            };
        };
        let throw = match how {
            Resume::Send(value) => {
                if !st.started && !singletons::is_none(&value) {
                    st.frame = Some(frame);
                    return Err(type_error(format!(
                        "can't send non-None value to a just-started {}",
                        kind_name(g)
                    )));
                }
                if st.started {
                    // The value of the `yield` expression being resumed.
                    frame.push_obj(value);
                }
                None
            }
            Resume::Throw(e) => Some(e),
            Resume::SubReturned(value) => {
                if let Err(e) = frame.finish_delegation(value) {
                    st.frame = Some(frame);
                    return Err(e);
                }
                None
            }
        };
        st.running = true;
        st.started = true;
        let own = st.exc_state.take();
        drop(st);
        (frame, crate::exc_info::swap_current_exception(own), throw)
    };
    finish(g, frame, saved, throw)
}

/// `throw()`: CPython's `_gen_throw`. A generator suspended in `yield from` or
/// `await` passes the exception to its sub-iterator first (closing it for
/// `GeneratorExit`); what the sub-iterator then yields, returns or raises decides how
/// `g` goes on.
fn throw_ex(g: &PyObj, e: PyErr) -> PyResult<Outcome> {
    let sub = {
        let st = lock(g);
        if st.running {
            return Err(exc::value_error(format!(
                "{} already executing",
                kind_name(g)
            )));
        }
        st.frame.as_deref().and_then(Frame::delegate)
    };
    let Some(sub) = sub else {
        return send_ex(g, Resume::Throw(e));
    };
    if e.is_instance(&exc::GENERATOR_EXIT_TYPE) {
        // An error while closing the sub-iterator replaces the GeneratorExit.
        let e = close_iter(&sub).err().unwrap_or(e);
        return send_ex(g, Resume::Throw(e));
    }
    let r = if is_generator(&sub) || is_coroutine(&sub) {
        throw_ex(&sub, e)
    } else {
        match ab::getattr_opt(&sub, &strand_objects::str::intern("throw"))? {
            Some(m) => ab::call1(&m, e.into_value()).map(Outcome::Yield),
            None => return send_ex(g, Resume::Throw(e)),
        }
    };
    match r {
        Ok(Outcome::Yield(v)) => Ok(Outcome::Yield(v)),
        Ok(Outcome::Return(v)) => send_ex(g, Resume::SubReturned(v)),
        Err(e) if e.is_instance(&exc::STOP_ITERATION_TYPE) => {
            let v = exc::attr(e.value(), "value").unwrap_or_else(singletons::none);
            send_ex(g, Resume::SubReturned(v))
        }
        Err(e) => send_ex(g, Resume::Throw(e)),
    }
}

/// Closes a `yield from` sub-iterator: `close()` for generators and coroutines, its
/// `close` method (if any) for other iterators.
fn close_iter(sub: &PyObj) -> PyResult<()> {
    if is_generator(sub) || is_coroutine(sub) {
        return close(sub);
    }
    if let Some(m) = ab::getattr_opt(sub, &strand_objects::str::intern("close"))? {
        ab::call0(&m)?;
    }
    Ok(())
}

fn finish(
    g: &PyObj,
    mut frame: OwnedFrame,
    saved: Option<PyObj>,
    throw: Option<PyErr>,
) -> PyResult<Outcome> {
    let resume = EVALUATOR.get().expect("generator::init ran at install");
    let result = resume(&frame, throw);
    let own_exc = crate::exc_info::swap_current_exception(saved);
    let mut st = lock(g);
    st.running = false;
    st.exc_state = own_exc;
    match result {
        Ok(Outcome::Yield(v)) => {
            // Off the frame chain while suspended: hold only counted references.
            frame.make_counted();
            st.frame = Some(frame);
            Ok(Outcome::Yield(v))
        }
        Ok(Outcome::Return(v)) => {
            drop(st);
            drop(frame);
            Ok(Outcome::Return(v))
        }
        Err(e) => {
            drop(st);
            drop(frame);
            if e.is_instance(&exc::STOP_ITERATION_TYPE) {
                let re = exc::runtime_error(format!("{} raised StopIteration", kind_name(g)));
                let _ = ab::setattr(
                    re.value(),
                    &strand_objects::str::intern("__cause__"),
                    e.value(),
                );
                return Err(re);
            }
            Err(e)
        }
    }
}

/// `SEND`: resumes a sub-iterator of `yield from` with `value`.
pub(crate) fn send_to(sub: &PyObj, value: PyObj) -> PyResult<Outcome> {
    if is_generator(sub) || is_coroutine(sub) {
        return send_ex(sub, Resume::Send(value));
    }
    if singletons::is_none(&value) {
        return Ok(match ab::next(sub)? {
            Some(x) => Outcome::Yield(x),
            None => Outcome::Return(singletons::none()),
        });
    }
    match ab::call_method(sub, "send", &[value]) {
        Ok(x) => Ok(Outcome::Yield(x)),
        Err(e) if e.is_instance(&exc::STOP_ITERATION_TYPE) => Ok(Outcome::Return(
            exc::attr(e.value(), "value").unwrap_or_else(singletons::none),
        )),
        Err(e) => Err(e),
    }
}

/// The iternext slot: a return value other than None travels as
/// `StopIteration(value)` (which `for` loops and `PyIter_Next` treat as exhaustion).
fn gen_iternext(g: &PyObj) -> PyResult<Option<PyObj>> {
    match send_ex(g, Resume::Send(singletons::none()))? {
        Outcome::Yield(v) => Ok(Some(v)),
        Outcome::Return(r) if singletons::is_none(&r) => Ok(None),
        Outcome::Return(r) => Err(stop_iteration(r)),
    }
}

fn stop_iteration(v: PyObj) -> PyErr {
    if singletons::is_none(&v) {
        exc::stop_iteration(None)
    } else {
        exc::stop_iteration(Some(v))
    }
}

fn gen_repr(g: &PyObj) -> PyResult<PyObj> {
    let q = lock(g).qualname.clone();
    Ok(strand_objects::str::from_string(format!(
        "<{} object {} at {:#x}>",
        kind_name(g),
        strand_objects::str::as_str(&q),
        g.addr()
    )))
}

fn this(args: &[PyObj], name: &str) -> PyResult<PyObj> {
    match args.first() {
        Some(g) if is_generator(g) || is_coroutine(g) => Ok(g.clone()),
        Some(w) if w.is_exact(&COROUTINE_WRAPPER_TYPE) => Ok(wrapped(w)),
        _ => Err(type_error(format!(
            "descriptor '{name}' requires a 'generator' object"
        ))),
    }
}

fn exception_from(args: &[PyObj]) -> PyResult<PyErr> {
    let typ = &args[1];
    let val = args.get(2).filter(|v| !singletons::is_none(v));
    if exc::is_exception_instance(typ) {
        if val.is_some() {
            return Err(type_error(
                "instance exception may not have a separate value",
            ));
        }
        return Ok(PyErr::from_value(typ.clone()));
    }
    if exc::is_exception_class(typ) {
        let v = match val {
            Some(v) if exc::is_exception_instance(v) => v.clone(),
            Some(v) => ab::call1(typ, v.clone())?,
            None => ab::call0(typ)?,
        };
        return Ok(PyErr::from_value(v));
    }
    Err(type_error(format!(
        "exceptions must be classes or instances deriving from BaseException, not {}",
        typ.ty().name()
    )))
}

fn methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("send", |args, kw| {
            Args::new(args, kw).exact("send", 2)?;
            let g = this(args, "send")?;
            match send_ex(&g, Resume::Send(args[1].clone()))? {
                Outcome::Yield(v) => Ok(v),
                Outcome::Return(r) => Err(stop_iteration(r)),
            }
        }),
        MethodDef::new("throw", |args, kw| {
            Args::new(args, kw).range("throw", 2, 4)?;
            let g = this(args, "throw")?;
            let e = exception_from(args)?;
            match throw_ex(&g, e)? {
                Outcome::Yield(v) => Ok(v),
                Outcome::Return(r) => Err(stop_iteration(r)),
            }
        }),
        MethodDef::new("close", |args, kw| {
            Args::new(args, kw).exact("close", 1)?;
            let g = this(args, "close")?;
            close(&g)?;
            Ok(singletons::none())
        }),
    ]
}

/// `generator.close()`.
///
/// # Errors
/// `RuntimeError: generator ignored GeneratorExit`, or what the generator raised.
pub fn close(g: &PyObj) -> PyResult<()> {
    let (started, has_frame) = {
        let st = lock(g);
        (st.started, st.frame.is_some())
    };
    if !has_frame {
        return Ok(());
    }
    if !started {
        let frame = lock(g).frame.take();
        drop(frame);
        return Ok(());
    }
    let ge = PyErr::new(&exc::GENERATOR_EXIT_TYPE, "");
    let ge = PyErr::from_value(
        ab::call0(&exc::GENERATOR_EXIT_TYPE.to_obj()).unwrap_or_else(|_| ge.into_value()),
    );
    match throw_ex(g, ge) {
        Ok(Outcome::Yield(_)) => Err(exc::runtime_error(format!(
            "{} ignored GeneratorExit",
            kind_name(g)
        ))),
        Ok(Outcome::Return(_)) => Ok(()),
        Err(e)
            if e.is_instance(&exc::GENERATOR_EXIT_TYPE)
                || e.is_instance(&exc::STOP_ITERATION_TYPE) =>
        {
            Ok(())
        }
        Err(e) => Err(e),
    }
}

fn getsets(running: &'static str) -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("__name__", |g| Ok(lock(g).name.clone()), None),
        GetSetDef::new("__qualname__", |g| Ok(lock(g).qualname.clone()), None),
        GetSetDef::new(running, |g| Ok(int::bool_obj(lock(g).running)), None),
    ]
}

/// The type object, for `types.GeneratorType`.
pub fn generator_type() -> &'static PyType {
    &GENERATOR_TYPE
}

/// `GET_AWAITABLE`: the iterator that `await obj` drives (CPython's
/// `_PyCoro_GetAwaitableIter`): a coroutine itself, or what `type(obj).__await__`
/// returns, which must be an iterator and not a coroutine.
///
/// # Errors
/// `TypeError` for objects that are not awaitable and for bad `__await__` results.
pub(crate) fn awaitable_iter(obj: &PyObj) -> PyResult<PyObj> {
    if is_coroutine(obj) {
        return Ok(obj.clone());
    }
    let ty = obj.ty();
    let Some(await_) = ty.lookup_str("__await__") else {
        return Err(type_error(format!(
            "object {} can't be used in 'await' expression",
            ty.name()
        )));
    };
    let it = ab::call_descr(&await_, obj, &[])?;
    if is_coroutine(&it) {
        return Err(type_error("__await__() returned a coroutine"));
    }
    if it.ty().slots().iternext.is_none() {
        return Err(type_error(format!(
            "__await__() returned non-iterator of type '{}'",
            it.ty().name()
        )));
    }
    Ok(it)
}
