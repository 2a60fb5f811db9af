//! Generators (Objects/genobject.c): a generator object owns a suspended frame.
//! `next()`/`send()` resume it until its next `yield` (the frame is moved out of the
//! object while it runs, so a concurrent resume sees "already executing"), `throw()`
//! raises inside it at the `yield`, `close()` throws GeneratorExit. Each generator
//! keeps its own "exception being handled", swapped in while it runs (PEP 3134
//! semantics for `yield` inside `except`). A `StopIteration` escaping the body becomes
//! `RuntimeError` (PEP 479).
//!
//! A generator suspended in its body is closed when it becomes garbage (by reference
//! count or by the collector), so its `finally` blocks run, as in CPython.

use std::sync::Mutex;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, PyErr};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{int, singletons, PyObj, PyResult};

use crate::eval::{resume, Frame, Outcome};

struct GenState {
    frame: Option<Box<Frame>>,
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
            f.visit(&mut |o| visit(o.as_ptr()));
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

/// Readies the generator type (once, after `strand_objects::init`).
pub fn init() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        GENERATOR_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &methods(),
            &getsets(),
        );
    });
}

/// A generator owning `frame` (arguments already bound, not started).
pub(crate) fn new_generator(frame: Box<Frame>) -> PyObj {
    init();
    let (name, qualname) = frame.names();
    let ty = &GENERATOR_TYPE;
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

fn payload(g: &PyObj) -> &PyGenerator {
    // SAFETY: callers check the type (slots and methods are installed on generators).
    unsafe { g.payload_unchecked::<PyGenerator>() }
}

fn lock(g: &PyObj) -> std::sync::MutexGuard<'_, GenState> {
    payload(g).state.lock().unwrap_or_else(|e| e.into_inner())
}

/// Resumes `g` with `value` (or raises `throw` inside it): CPython's `gen_send_ex`.
fn send_ex(g: &PyObj, value: PyObj, throw: Option<PyErr>) -> PyResult<Outcome> {
    resume_with(g, Some(value), throw)
}

/// Resumes `g`; `value` (when given) becomes the value of the suspended `yield`.
fn resume_with(g: &PyObj, value: Option<PyObj>, throw: Option<PyErr>) -> PyResult<Outcome> {
    let (frame, saved) = {
        let mut st = lock(g);
        if st.running {
            return Err(exc::value_error("generator already executing"));
        }
        let Some(mut frame) = st.frame.take() else {
            // Exhausted or closed.
            return match throw {
                Some(e) => Err(e),
                None => Ok(Outcome::Return(singletons::none())),
            };
        };
        let sending = value.as_ref().filter(|v| !singletons::is_none(v));
        if !st.started && throw.is_none() && sending.is_some() {
            st.frame = Some(frame);
            return Err(type_error(
                "can't send non-None value to a just-started generator",
            ));
        }
        if st.started && throw.is_none() {
            if let Some(v) = value {
                // The value of the `yield` expression being resumed.
                crate::eval::push_value(&mut frame, v);
            }
        }
        st.running = true;
        st.started = true;
        let own = st.exc_state.take();
        drop(st);
        (frame, crate::eval::swap_current_exception(own))
    };
    finish(g, frame, saved, throw)
}

/// The sub-iterator `g` is suspended in a `yield from` on, if any.
fn delegate_of(g: &PyObj) -> PyResult<Option<PyObj>> {
    let st = lock(g);
    if st.running {
        return Err(exc::value_error("generator already executing"));
    }
    Ok(st.frame.as_deref().and_then(crate::eval::yield_from_target))
}

/// Runs `f` with `g` marked as running (while it acts on `g`'s sub-iterator).
fn while_running<T>(g: &PyObj, f: impl FnOnce() -> T) -> T {
    lock(g).running = true;
    let r = f();
    lock(g).running = false;
    r
}

/// Closes a `yield from` sub-iterator: `close()` for generators, else its `close`
/// method if it has one (CPython's `gen_close_iter`).
fn close_iter(sub: &PyObj) -> PyResult<()> {
    if is_generator(sub) {
        return close(sub);
    }
    match ab::getattr_str(sub, "close") {
        Ok(m) => ab::call0(&m).map(drop),
        Err(e) if e.is_instance(&exc::ATTRIBUTE_ERROR_TYPE) => Ok(()),
        Err(e) => Err(e),
    }
}

/// `throw()`: CPython's `_gen_throw`. A generator delegating with `yield from`
/// passes the exception to its sub-iterator first; when that finishes (returns or
/// raises StopIteration) the generator resumes after its `yield from` with the
/// value, and when it raises, the exception is raised in the generator.
fn throw_ex(g: &PyObj, e: PyErr) -> PyResult<Outcome> {
    let Some(sub) = delegate_of(g)? else {
        return send_ex(g, singletons::none(), Some(e));
    };
    if e.is_instance(&exc::GENERATOR_EXIT_TYPE) {
        let closed = while_running(g, || close_iter(&sub));
        let e = closed.err().unwrap_or(e);
        return send_ex(g, singletons::none(), Some(e));
    }
    let result = if is_generator(&sub) {
        while_running(g, || throw_ex(&sub, e))
    } else {
        let method = match ab::getattr_str(&sub, "throw") {
            Ok(m) => m,
            Err(err) if err.is_instance(&exc::ATTRIBUTE_ERROR_TYPE) => {
                return send_ex(g, singletons::none(), Some(e));
            }
            Err(err) => return Err(err),
        };
        while_running(g, || ab::call1(&method, e.into_value())).map(Outcome::Yield)
    };
    let returned = match result {
        Ok(Outcome::Yield(v)) => return Ok(Outcome::Yield(v)),
        Ok(Outcome::Return(r)) => r,
        Err(err) if err.is_instance(&exc::STOP_ITERATION_TYPE) => {
            exc::attr(err.value(), "value").unwrap_or_else(singletons::none)
        }
        Err(err) => return send_ex(g, singletons::none(), Some(err)),
    };
    {
        let mut st = lock(g);
        match st.frame.as_deref_mut() {
            Some(frame) => crate::eval::yield_from_finish(frame, returned)?,
            None => return Ok(Outcome::Return(singletons::none())),
        }
    }
    resume_with(g, None, None)
}

fn finish(
    g: &PyObj,
    mut frame: Box<Frame>,
    saved: Option<PyObj>,
    throw: Option<PyErr>,
) -> PyResult<Outcome> {
    let result = resume(&mut frame, throw);
    let own_exc = crate::eval::swap_current_exception(saved);
    let mut st = lock(g);
    st.running = false;
    st.exc_state = own_exc;
    match result {
        Ok(Outcome::Yield(v)) => {
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
                let re = exc::runtime_error("generator raised StopIteration");
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
    if is_generator(sub) {
        return send_ex(sub, value, None);
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
    match send_ex(g, singletons::none(), None)? {
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
        "<generator object {} at {:#x}>",
        strand_objects::str::as_str(&q),
        g.addr()
    )))
}

fn this(args: &[PyObj], name: &str) -> PyResult<PyObj> {
    match args.first() {
        Some(g) if is_generator(g) => Ok(g.clone()),
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
            match send_ex(&g, args[1].clone(), None)? {
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
    // A delegating generator closes its sub-iterator first; an error from that is
    // raised in the generator instead of GeneratorExit.
    let closed = match delegate_of(g)? {
        Some(sub) => while_running(g, || close_iter(&sub)),
        None => Ok(()),
    };
    let ge = match closed {
        Err(e) => e,
        Ok(()) => {
            let ge = PyErr::new(&exc::GENERATOR_EXIT_TYPE, "");
            PyErr::from_value(
                ab::call0(&exc::GENERATOR_EXIT_TYPE.to_obj()).unwrap_or_else(|_| ge.into_value()),
            )
        }
    };
    match send_ex(g, singletons::none(), Some(ge)) {
        Ok(Outcome::Yield(_)) => Err(exc::runtime_error("generator ignored GeneratorExit")),
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

fn getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("__name__", |g| Ok(lock(g).name.clone()), None),
        GetSetDef::new("__qualname__", |g| Ok(lock(g).qualname.clone()), None),
        GetSetDef::new("gi_running", |g| Ok(int::bool_obj(lock(g).running)), None),
    ]
}

/// The type object, for `types.GeneratorType`.
pub fn generator_type() -> &'static PyType {
    &GENERATOR_TYPE
}
