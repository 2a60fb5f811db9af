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
//! exhausted coroutine cannot be resumed again. Asynchronous generators (PEP 525) are
//! the machine under a third type, driven through the awaitables of `asyncgen`.
//!
//! A generator (or coroutine) suspended in its body is closed when it becomes
//! garbage, by reference count or by the collector, so its `finally` blocks run, as
//! in CPython (`_PyGen_Finalize`); an unfinished async generator is handed to the
//! finalizer hook it captured instead, if any; a coroutine that never ran is reported
//! with a `RuntimeWarning` ("coroutine ... was never awaited").

use crate::short_lock::{ShortLock, ShortLockGuard};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, PyErr};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{int, singletons, PyObj, PyResult};

use crate::frame::{Evaluator, Frame, Outcome, OwnedFrame};

/// The address of a generator's frame (see `GenState::frame_at`).
#[derive(Clone, Copy)]
struct FrameAddr(*const Frame);

// SAFETY: only an address; it is dereferenced under `frame_object::of_any`'s rules.
unsafe impl Send for FrameAddr {}

struct GenState {
    frame: Option<OwnedFrame>,
    running: bool,
    started: bool,
    /// The generator's own handled exception while suspended.
    exc_state: Option<PyObj>,
    name: PyObj,
    qualname: PyObj,
    /// The code object (`gi_code`, `cr_code`, `ag_code`), which outlives the frame.
    code: PyObj,
    /// Where the generator's frame lives until it is dropped (it does not move while
    /// `frame` is taken out to run); null once the generator finished.
    frame_at: FrameAddr,
    /// The async generator state (unused by generators and coroutines).
    ag: AsyncGenState,
    /// A coroutine's `cr_origin`: `(filename, lineno, funcname)` tuples of the frames
    /// that created it, innermost first, when origin tracking was on; else `None`.
    origin: Option<PyObj>,
}

thread_local! {
    /// `sys.set_coroutine_origin_tracking_depth`: per thread, as in CPython.
    static ORIGIN_DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// `sys.get_coroutine_origin_tracking_depth()`: how many frames a new coroutine
/// records in `cr_origin` (0: none, and `cr_origin` is None).
pub fn origin_tracking_depth() -> u32 {
    ORIGIN_DEPTH.with(std::cell::Cell::get)
}

/// `sys.set_coroutine_origin_tracking_depth(depth)` for the calling thread.
pub fn set_origin_tracking_depth(depth: u32) {
    ORIGIN_DEPTH.with(|d| d.set(depth));
}

/// The `cr_origin` of a coroutine made now: the innermost `depth` frames of the
/// caller's stack (CPython's `compute_cr_origin`, from the frame below the
/// coroutine's).
fn compute_origin(depth: u32) -> PyObj {
    let mut items = Vec::new();
    let mut f = crate::frame_object::getframe(0).ok();
    while let Some(frame) = f.take() {
        if items.len() >= depth as usize || strand_objects::singletons::is_none(&frame) {
            break;
        }
        let code = crate::frame_object::code(&frame);
        let filename = ab::getattr_str(&code, "co_filename").unwrap_or_else(|_| singletons::none());
        let name = ab::getattr_str(&code, "co_name").unwrap_or_else(|_| singletons::none());
        let line = int::from_i64(i64::from(crate::frame_object::lineno(&frame)));
        items.push(strand_objects::tuple::from_vec(vec![filename, line, name]));
        f = ab::getattr_str(&frame, "f_back").ok();
    }
    strand_objects::tuple::from_vec(items)
}

/// What an async generator keeps besides its frame (CPython's `ag_*` fields).
#[derive(Default)]
pub(crate) struct AsyncGenState {
    /// The `sys.set_asyncgen_hooks` finalizer in force at its first iteration.
    pub(crate) finalizer: Option<PyObj>,
    /// The hooks ran (first `__anext__`, `asend`, `athrow` or `aclose`).
    pub(crate) hooks_inited: bool,
    /// Closed: `aclose()` started, or it finished with StopAsyncIteration or
    /// GeneratorExit.
    pub(crate) closed: bool,
    /// One of its awaitables is running it (`ag_running`).
    pub(crate) running_async: bool,
}

/// The layout of a generator object.
#[repr(C)]
pub struct PyGenerator {
    header: ObjectHeader,
    /// Taken twice per resumption (resume, suspend): a [`ShortLock`], held only for
    /// a few field updates and never across Python code.
    state: ShortLock<GenState>,
}

unsafe fn gen_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on generators only.
    let g = unsafe { &*(obj.as_ptr() as *const PyGenerator) };
    // A running generator's frame is out of the object (on its thread's stack, where
    // its references count as external); a suspended one is traversed.
    if let Some(st) = g.state.try_lock() {
        visit(st.name.as_ptr());
        visit(st.qualname.as_ptr());
        visit(st.code.as_ptr());
        if let Some(e) = &st.exc_state {
            visit(e.as_ptr());
        }
        if let Some(f) = &st.ag.finalizer {
            visit(f.as_ptr());
        }
        if let Some(f) = &st.frame {
            f.visit(visit);
        }
    }
}

unsafe fn gen_clear(obj: ObjPtr) {
    // SAFETY: installed on generators; the collector holds a reference.
    let g = unsafe { &*(obj.as_ptr() as *const PyGenerator) };
    let taken = {
        let mut st = g.state.lock();
        (st.frame.take(), st.exc_state.take(), st.ag.finalizer.take())
    };
    // Released outside the lock: deallocations may run Python code.
    drop(taken);
}

/// What freeing a generator object must do first (CPython's `_PyGen_Finalize`).
enum Finalize {
    /// Nothing: finished, running, or a generator that never started.
    Nothing,
    /// Close it, running its `finally` blocks.
    Close,
    /// Hand the unfinished async generator to its finalizer hook.
    Hook(PyObj),
    /// Report the coroutine that never ran.
    NeverAwaited,
}

fn finalize_action(obj: ObjPtr, is_async_gen: bool, is_coro: bool) -> Finalize {
    // SAFETY: installed on generator objects only, whose state is initialised.
    let g = unsafe { &*(obj.as_ptr() as *const PyGenerator) };
    let Some(st) = g.state.try_lock() else {
        return Finalize::Nothing;
    };
    if st.running || st.frame.is_none() {
        return Finalize::Nothing;
    }
    match &st.ag.finalizer {
        Some(hook) if is_async_gen && !st.ag.closed => return Finalize::Hook(hook.clone()),
        _ => {}
    }
    match (st.started, is_coro) {
        (true, _) => Finalize::Close,
        (false, true) => Finalize::NeverAwaited,
        (false, false) => Finalize::Nothing,
    }
}

/// Finalizes a generator that is being freed, or whose frame is cleared (CPython's
/// `_PyGen_Finalize`); what goes wrong is reported as unraisable.
pub(crate) fn finalize_generator(g: &PyObj) {
    let action = finalize_action(g.as_ptr(), is_async_generator(g), is_coroutine(g));
    let result = match action {
        Finalize::Nothing => return,
        Finalize::Close => close(g),
        Finalize::Hook(hook) => ab::call1(&hook, g.clone()).map(drop),
        Finalize::NeverAwaited => {
            crate::runtime_warning::coroutine_never_awaited(g);
            Ok(())
        }
    };
    if let Err(e) = result {
        strand_objects::unraisable::write_unraisable(&e, g);
    }
}

unsafe fn gen_finalize(obj: ObjPtr) {
    // SAFETY: the collector keeps the generator alive while finalizing it.
    let g = unsafe { PyObj::from_borrowed(obj) };
    finalize_generator(&g);
}

unsafe fn gen_dealloc(obj: ObjPtr) {
    // A generator suspended in its body is finalized first (closed, handed to its
    // finalizer hook, or reported as never awaited), once, on a resurrected
    // reference; if that stored a new reference, it lives on. Weak references die
    // first, as in CPython's gen_dealloc.
    // SAFETY: count zero, exclusive access; the state is initialised.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let ty = PyType::of_ptr(obj);
        let (is_async_gen, is_coro) = (
            std::ptr::eq(ty, &ASYNC_GENERATOR_TYPE),
            std::ptr::eq(ty, &COROUTINE_TYPE),
        );
        if !obj.gc_bits().contains(strand_heap::GcBits::FINALIZED)
            && !matches!(
                finalize_action(obj, is_async_gen, is_coro),
                Finalize::Nothing
            )
        {
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
        flags: TypeFlags::MANAGED_WEAKREF,
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
        flags: TypeFlags::MANAGED_WEAKREF,
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

strand_objects::builtin_type! {
    /// The `async_generator` type: what calling an `async def` function with `yield`
    /// returns (driven through its `asyncgen` awaitables).
    pub static ASYNC_GENERATOR_TYPE = {
        name: "async_generator",
        layout: PyGenerator,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::MANAGED_WEAKREF,
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
        let mut coro_getsets = getsets("cr_running");
        coro_getsets.push(GetSetDef::new(
            "cr_origin",
            |g| Ok(lock(g).origin.clone().unwrap_or_else(singletons::none)),
            None,
        ));
        coro_getsets.push(GetSetDef::new("cr_await", awaiting, None));
        COROUTINE_TYPE.ready_static(object, &coro_methods, &coro_getsets);
        let mut ag_getsets = getsets("");
        ag_getsets.extend(crate::asyncgen::getsets());
        ASYNC_GENERATOR_TYPE.ready_static(object, &crate::asyncgen::methods(), &ag_getsets);
        strand_objects::genericalias::add_class_getitem(&ASYNC_GENERATOR_TYPE);
        crate::asyncgen::init();
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

/// A `coroutine_wrapper` driving `coroutine` (what `coroutine.__await__()` returns).
pub(crate) fn new_wrapper(coroutine: PyObj) -> PyObj {
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

/// An async generator owning `frame` (the call of an `async def` function with
/// `yield`, or of an asynchronous generator expression).
pub(crate) fn new_async_generator(frame: OwnedFrame) -> PyObj {
    new_gen_like(frame, &ASYNC_GENERATOR_TYPE)
}

fn new_gen_like(frame: OwnedFrame, ty: &'static PyType) -> PyObj {
    let depth = origin_tracking_depth();
    let origin = (depth > 0 && std::ptr::eq(ty, &COROUTINE_TYPE)).then(|| compute_origin(depth));
    let (name, qualname) = frame.names();
    let code = (*frame.code()).clone();
    let frame_at = FrameAddr(&*frame);
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the generator layout; the state is written before
    // the object is tracked.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyGenerator;
        std::ptr::addr_of_mut!((*p).state).write(ShortLock::new(GenState {
            frame: Some(frame),
            running: false,
            started: false,
            exc_state: None,
            name,
            qualname,
            code,
            frame_at,
            ag: AsyncGenState::default(),
            origin,
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

/// `true` for a generator whose code carries `CO_ITERABLE_COROUTINE` (a
/// generator function decorated with `types.coroutine`), which `await` accepts
/// (CPython's `gen_is_coroutine`).
fn is_iterable_coroutine(obj: &PyObj) -> bool {
    /// CPython's `CO_ITERABLE_COROUTINE`.
    const ITERABLE_COROUTINE: u32 = 0x100;
    is_generator(obj)
        && strand_objects::function::code(&code_of(obj)).flags & ITERABLE_COROUTINE != 0
}

/// `true` for async generator objects.
pub fn is_async_generator(obj: &PyObj) -> bool {
    obj.is_exact(&ASYNC_GENERATOR_TYPE)
}

/// "generator", "coroutine" or "async generator", for messages.
fn kind_name(g: &PyObj) -> &'static str {
    if is_coroutine(g) {
        "coroutine"
    } else if is_async_generator(g) {
        "async generator"
    } else {
        "generator"
    }
}

fn payload(g: &PyObj) -> &PyGenerator {
    // SAFETY: callers check the type (slots and methods are installed on generators).
    unsafe { g.payload_unchecked::<PyGenerator>() }
}

fn lock(g: &PyObj) -> ShortLockGuard<'_, GenState> {
    payload(g).state.lock()
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
    let (frame, throw) = {
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
                    if frame.discard_sent.replace(false) {
                        // A trace function moved the suspended frame to another
                        // line: there is no `yield` expression to take the value.
                        drop(value);
                    } else {
                        // The value of the `yield` expression being resumed.
                        frame.push_obj(value);
                    }
                }
                None
            }
            Resume::Throw(e) => {
                // Raised where the frame is: no value to discard.
                frame.discard_sent.set(false);
                Some(e)
            }
            Resume::SubReturned(value) => {
                if let Err(e) = frame.finish_delegation(value) {
                    st.frame = Some(frame);
                    return Err(e);
                }
                None
            }
        };
        let own = start_running(&mut st);
        drop(st);
        if let (Some(e), Some(handled)) = (&throw, &own) {
            chain_thrown(e, handled);
        }
        // Its own handled exception goes on top of the thread's (exc_info.rs).
        crate::exc_info::push_entry(own);
        (frame, throw)
    };
    finish(g, frame, throw)
}

/// Chains an exception thrown into a generator to the exception the generator was
/// handling when it suspended (`__context__`, replacing any it had), as CPython's
/// `gen_send_ex2` does with `_PyErr_ChainStackItem`; a link that would close a cycle
/// is cut first (`_PyErr_SetObject`'s walk of the context chain).
fn chain_thrown(e: &PyErr, handled: &PyObj) {
    let v = e.value();
    if handled.is(v) || !exc::is_exception_instance(handled) {
        return;
    }
    let mut o = handled.clone();
    // Bounded: a chain made elsewhere could already hold a cycle not through `v`.
    for _ in 0..10_000 {
        let next = exc::payload(&o).state().context.clone();
        let Some(next) = next else { break };
        if next.is(v) {
            let cut = exc::payload(&o).state().context.take();
            drop(cut);
            break;
        }
        o = next;
    }
    let old = exc::payload(v).state().context.replace(handled.clone());
    drop(old);
}

/// `throw()`: CPython's `_gen_throw`. A generator suspended in `yield from` or
/// `await` passes the exception to its sub-iterator first (closing it for
/// `GeneratorExit` if `close_on_genexit`: an async generator's `athrow()` and
/// `aclose()` throw it in instead, so that the sub-iterator may await its cleanup);
/// what the sub-iterator then yields, returns or raises decides how `g` goes on.
fn throw_ex(g: &PyObj, e: PyErr, close_on_genexit: bool) -> PyResult<Outcome> {
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
    if close_on_genexit && e.is_instance(&exc::GENERATOR_EXIT_TYPE) {
        // An error while closing the sub-iterator replaces the GeneratorExit.
        let e = close_iter(&sub).err().unwrap_or(e);
        return send_ex(g, Resume::Throw(e));
    }
    let r = if is_generator(&sub) || is_coroutine(&sub) {
        throw_ex(&sub, e, close_on_genexit)
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

fn finish(g: &PyObj, frame: OwnedFrame, throw: Option<PyErr>) -> PyResult<Outcome> {
    let resume = EVALUATOR.get().expect("generator::init ran at install");
    let result = resume(&frame, throw);
    settle(g, frame, result)
}

/// Takes the frame of generator `g` out to run in the loop invocation of the frame
/// whose FOR_ITER iterates over it (CPython 3.12's FOR_ITER_GEN): the same steps as
/// [`send_ex`] with `None`, without the native call into the evaluator. The caller
/// links the frame above its own and runs it; when it yields, returns or raises, the
/// loop hands it back with [`yield_in_loop`] or [`end_in_loop`].
///
/// `None` (nothing changed) unless `g` is an exact generator that is suspended or
/// not started: a running or finished one takes the generic path, which raises or
/// reports exhaustion.
pub(crate) fn enter_for_iter(g: &PyObj) -> Option<OwnedFrame> {
    if !is_generator(g) {
        return None;
    }
    let mut st = lock(g);
    if st.running {
        return None;
    }
    let frame = st.frame.take()?;
    if st.started && !frame.discard_sent.replace(false) {
        // The value of the `yield` expression being resumed.
        frame.push_obj(singletons::none());
    }
    let own = start_running(&mut st);
    drop(st);
    crate::exc_info::push_entry(own);
    frame.is_entry.set(false);
    Some(frame)
}

/// Hands the frame [`enter_for_iter`] took back to `g`, suspended at a `yield`, once
/// the loop unlinked it from the thread's chain.
pub(crate) fn yield_in_loop(g: &PyObj, frame: OwnedFrame) {
    suspend(g, frame);
}

/// Finishes `g` whose frame [`enter_for_iter`] took ended, unlinked from the thread's
/// chain: it returned (`Ok`, the return value) or raised. Returns what the FOR_ITER
/// gets, as from [`send_ex`]: the return value, or the exception (a StopIteration
/// made a RuntimeError, PEP 479).
pub(crate) fn end_in_loop(
    g: &PyObj,
    frame: OwnedFrame,
    result: PyResult<PyObj>,
) -> PyResult<PyObj> {
    end(g, frame, result)
}

/// The end of one run of `g`'s frame; `result` says how it stopped.
fn settle(g: &PyObj, frame: OwnedFrame, result: PyResult<Outcome>) -> PyResult<Outcome> {
    match result {
        Ok(Outcome::Yield(v)) => {
            suspend(g, frame);
            Ok(Outcome::Yield(v))
        }
        Ok(Outcome::Return(v)) => end(g, frame, Ok(v)).map(Outcome::Return),
        Err(e) => end(g, frame, Err(e)).map(Outcome::Return),
    }
}

/// Marks the generator running (its frame taken out by the caller) and returns its
/// own handled exception, which goes on top of the thread's while it runs; undone by
/// [`stop_running`].
#[inline(always)]
fn start_running(st: &mut GenState) -> Option<PyObj> {
    st.running = true;
    st.started = true;
    st.exc_state.take()
}

/// Marks `g` not running and gives it back its own handled exception; the frame is
/// off the chain from now on: no caller until it runs again (`f_back` is None).
#[inline(always)]
fn stop_running<'a>(g: &'a PyObj, frame: &Frame) -> ShortLockGuard<'a, GenState> {
    frame.clear_previous();
    let own_exc = crate::exc_info::pop_entry();
    let mut st = lock(g);
    st.running = false;
    st.exc_state = own_exc;
    st
}

/// `g`'s frame suspended at a `yield`: back into the generator.
#[inline(always)]
fn suspend(g: &PyObj, mut frame: OwnedFrame) {
    let mut st = stop_running(g, &frame);
    // Off the frame chain while suspended: hold only counted references.
    frame.make_counted();
    st.frame = Some(frame);
}

/// `g`'s frame returned or raised: the generator is finished.
fn end(g: &PyObj, frame: OwnedFrame, result: PyResult<PyObj>) -> PyResult<PyObj> {
    let mut st = stop_running(g, &frame);
    st.frame_at = FrameAddr(std::ptr::null());
    drop(st);
    drop(frame);
    let e = match result {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    // PEP 479, and PEP 525 for StopAsyncIteration out of an async generator.
    let escaped = if e.is_instance(&exc::STOP_ITERATION_TYPE) {
        "StopIteration"
    } else if is_async_generator(g) && e.is_instance(&exc::STOP_ASYNC_ITERATION_TYPE) {
        "StopAsyncIteration"
    } else {
        return Err(e);
    };
    let re = exc::runtime_error(format!("{} raised {escaped}", kind_name(g)));
    let _ = ab::setattr(
        re.value(),
        &strand_objects::str::intern("__cause__"),
        e.value(),
    );
    Err(re)
}

/// `SEND`: resumes a sub-iterator of `yield from` with `value`: a generator or
/// coroutine directly, another iterator through `__next__` (for None) or its `send`
/// method. A `StopIteration` it raises is its return value.
pub(crate) fn send_to(sub: &PyObj, value: PyObj) -> PyResult<Outcome> {
    if is_generator(sub) || is_coroutine(sub) {
        return send_ex(sub, Resume::Send(value));
    }
    let r = match sub.ty().slots().iternext {
        Some(next) if singletons::is_none(&value) => match next(sub) {
            Ok(Some(x)) => Ok(x),
            Ok(None) => return Ok(Outcome::Return(singletons::none())),
            Err(e) => Err(e),
        },
        _ => ab::call_method(sub, "send", &[value]),
    };
    match r {
        Ok(x) => Ok(Outcome::Yield(x)),
        Err(e) if e.is_instance(&exc::STOP_ITERATION_TYPE) => Ok(Outcome::Return(
            exc::attr(e.value(), "value").unwrap_or_else(singletons::none),
        )),
        Err(e) => Err(e),
    }
}

/// Resumes async generator `g` with `value` (CPython's `gen_send` as its awaitables
/// use it): what its frame yields, wrapped (its own `yield`) or not (an `await`
/// inside it), or what it returns.
pub(crate) fn resume_with(g: &PyObj, value: PyObj) -> PyResult<Outcome> {
    send_ex(g, Resume::Send(value))
}

/// Throws `e` into async generator `g` (`_gen_throw`; see [`throw_ex`] for
/// `close_on_genexit`).
pub(crate) fn throw_into(g: &PyObj, e: PyErr, close_on_genexit: bool) -> PyResult<Outcome> {
    throw_ex(g, e, close_on_genexit)
}

/// Whether `g` finished (returned, raised or was closed): its frame is gone.
pub(crate) fn is_finished(g: &PyObj) -> bool {
    let st = lock(g);
    st.frame.is_none() && !st.running
}

/// Runs `f` on the async generator state of `g` (under its lock; `f` must not run
/// Python code).
pub(crate) fn with_async_state<R>(g: &PyObj, f: impl FnOnce(&mut AsyncGenState) -> R) -> R {
    f(&mut lock(g).ag)
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

/// `StopIteration` carrying `v` as its `value` (a bare one for None), as CPython's
/// `_PyGen_SetStopIterationValue` raises it.
pub(crate) fn stop_iteration(v: PyObj) -> PyErr {
    if singletons::is_none(&v) {
        exc::stop_iteration(None)
    } else {
        exc::stop_iteration(Some(v))
    }
}

fn gen_repr(g: &PyObj) -> PyResult<PyObj> {
    let q = lock(g).qualname.clone();
    let kind = if is_async_generator(g) {
        "async_generator"
    } else {
        kind_name(g)
    };
    Ok(strand_objects::str::from_string(format!(
        "<{} object {} at {:#x}>",
        kind,
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

/// The exception `throw(typ[, val[, tb]])` throws in (CPython's `_gen_throw`): an
/// exception instance (with no separate value), or an exception class normalized
/// with `val` ([`exc::normalize_exception`]: `val` itself when it is an instance of
/// the class, else the class called with it). Where normalizing fails, its error is
/// what gets thrown in, as CPython's `PyErr_NormalizeException` leaves it. A
/// traceback `tb` becomes the exception's `__traceback__`.
///
/// # Errors
/// `TypeError` (raised by `throw` itself) for a `tb` that is not a traceback and for
/// what cannot be raised.
pub(crate) fn exception_from(args: &[PyObj]) -> PyResult<PyErr> {
    let typ = &args[0];
    let val = args.get(1).filter(|v| !singletons::is_none(v));
    let tb = args.get(2).filter(|v| !singletons::is_none(v));
    if let Some(tb) = tb {
        if !tb.is_instance_of(&strand_objects::traceback::TRACEBACK_TYPE) {
            return Err(type_error(
                "throw() third argument must be a traceback object",
            ));
        }
    }
    let err = if exc::is_exception_class(typ) {
        match exc::normalize_exception(typ, val) {
            Ok(v) => PyErr::from_value(v),
            Err(e) => return Ok(e),
        }
    } else if exc::is_exception_instance(typ) {
        if val.is_some() {
            return Err(type_error(
                "instance exception may not have a separate value",
            ));
        }
        PyErr::from_value(typ.clone())
    } else {
        return Err(type_error(format!(
            "exceptions must be classes or instances deriving from BaseException, not {}",
            typ.ty().name()
        )));
    };
    if let Some(tb) = tb {
        ab::setattr(
            err.value(),
            &strand_objects::str::intern("__traceback__"),
            tb,
        )?;
    }
    Ok(err)
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
            let e = exception_from(&args[1..])?;
            match throw_ex(&g, e, true)? {
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

/// Whether `g`'s frame is running now (`gi_running`).
pub(crate) fn is_running(g: &PyObj) -> bool {
    lock(g).running
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
        // Finished without running: no frame (`cr_frame` is None) from now on.
        let frame = {
            let mut st = lock(g);
            st.frame_at = FrameAddr(std::ptr::null());
            st.frame.take()
        };
        drop(frame);
        return Ok(());
    }
    let ge = PyErr::with_args(&exc::GENERATOR_EXIT_TYPE, Vec::new());
    match throw_ex(g, ge, true) {
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

/// `__name__`, `__qualname__` (both writable with strs) and, unless `running` is
/// empty, the frame-is-running flag under that name.
fn getsets(running: &'static str) -> Vec<GetSetDef> {
    let mut v = vec![
        GetSetDef::new(
            "__name__",
            |g| Ok(lock(g).name.clone()),
            Some(|g, v| {
                let v = name_value(v, "__name__")?;
                let old = std::mem::replace(&mut lock(g).name, v);
                drop(old);
                Ok(())
            }),
        ),
        GetSetDef::new(
            "__qualname__",
            |g| Ok(lock(g).qualname.clone()),
            Some(|g, v| {
                let v = name_value(v, "__qualname__")?;
                let old = std::mem::replace(&mut lock(g).qualname, v);
                drop(old);
                Ok(())
            }),
        ),
    ];
    if !running.is_empty() {
        v.push(GetSetDef::new(
            running,
            |g| Ok(int::bool_obj(lock(g).running)),
            None,
        ));
    }
    let prefix = match running {
        "gi_running" => "gi",
        "cr_running" => "cr",
        _ => "ag",
    };
    let (frame, code): (&'static str, &'static str) = match prefix {
        "gi" => ("gi_frame", "gi_code"),
        "cr" => ("cr_frame", "cr_code"),
        _ => ("ag_frame", "ag_code"),
    };
    v.push(GetSetDef::new(frame, frame_of, None));
    if prefix != "ag" {
        // `ag_code` comes with the async generator's own attributes.
        v.push(GetSetDef::new(code, |g| Ok(code_of(g)), None));
    }
    if prefix == "gi" {
        v.push(GetSetDef::new("gi_yieldfrom", yieldfrom, None));
    }
    if prefix != "ag" {
        // `gi_suspended`/`cr_suspended` (3.11): paused at a yield or await — started,
        // not running, not finished.
        let name = if prefix == "gi" {
            "gi_suspended"
        } else {
            "cr_suspended"
        };
        v.push(GetSetDef::new(
            name,
            |g| {
                let st = lock(g);
                Ok(int::bool_obj(
                    st.started && !st.running && !st.frame_at.0.is_null(),
                ))
            },
            None,
        ));
    }
    v
}

/// A new `__name__`/`__qualname__` for a generator: a str (deleting is refused too).
fn name_value(v: Option<&PyObj>, what: &str) -> PyResult<PyObj> {
    match v {
        Some(v) if strand_objects::str::is_str(v) => Ok(v.clone()),
        _ => Err(type_error(format!("{what} must be set to a string object"))),
    }
}

/// `cr_await` / `ag_await`: what a suspended `await` waits on, or None.
pub(crate) fn awaiting(g: &PyObj) -> PyResult<PyObj> {
    let st = lock(g);
    Ok(st
        .frame
        .as_deref()
        .and_then(Frame::delegate)
        .unwrap_or_else(singletons::none))
}

/// `gi_frame` / `cr_frame` / `ag_frame`: the frame object of the generator's frame
/// (made now if nobody asked before), None once it finished.
pub(crate) fn frame_of(g: &PyObj) -> PyResult<PyObj> {
    let at = {
        let st = lock(g);
        match &st.frame {
            // Suspended: the frame cannot run while the lock is held, and making its
            // object calls out to nothing.
            Some(f) => {
                let o = crate::frame_object::of(f);
                drop(st);
                crate::frame_object::set_generator(&o, g);
                return Ok(o);
            }
            None => st.frame_at,
        }
    };
    if at.0.is_null() {
        return Ok(singletons::none());
    }
    // Running on this thread: alive while we look.
    if crate::frame_object::on_my_chain(at.0) {
        // SAFETY: linked into this thread's chain.
        return Ok(crate::frame_object::of(unsafe { &*at.0 }));
    }
    // Running on another thread: look again with the world stopped, when it can
    // neither finish nor move on.
    let _world =
        (!strand_heap::stw::is_world_stopped_by_me()).then(strand_heap::stw::stop_the_world);
    let st = lock(g);
    Ok(match (&st.frame, st.frame_at.0.is_null()) {
        (Some(f), _) => crate::frame_object::of(f),
        (None, true) => singletons::none(),
        // SAFETY: still running, on a thread parked at a safe point: the frame is
        // linked and alive, and its `frame_obj` slot is not in use.
        (None, false) => crate::frame_object::of(unsafe { &*st.frame_at.0 }),
    })
}

/// `gi_yieldfrom` / `cr_await` / `ag_await`: what a suspended `yield from` or `await`
/// delegates to, or None.
fn yieldfrom(g: &PyObj) -> PyResult<PyObj> {
    awaiting(g)
}

/// The code object of `g` (`ag_code`).
pub(crate) fn code_of(g: &PyObj) -> PyObj {
    lock(g).code.clone()
}

/// The type object, for `types.GeneratorType`.
pub fn generator_type() -> &'static PyType {
    &GENERATOR_TYPE
}

/// GET_AWAITABLE: the iterator that awaiting `obj` drives ([`awaitable_iter`]).
/// `from` says where `obj` came from (1 `__aenter__`, 2 `__aexit__` of `async
/// with`), which names it in the error for objects without `__await__`.
///
/// # Errors
/// `TypeError` as [`awaitable_iter`] raises it; `RuntimeError: coroutine is being
/// awaited already` for a coroutine suspended in an `await` of its own.
pub(crate) fn get_awaitable(obj: &PyObj, from: usize) -> PyResult<PyObj> {
    let it = match awaitable_iter(obj) {
        Ok(it) => it,
        Err(e) => {
            let lacks_await = !is_coroutine(obj) && obj.ty().lookup_str("__await__").is_none();
            let which = match from {
                1 => "__aenter__",
                2 => "__aexit__",
                _ => return Err(e),
            };
            if !lacks_await {
                return Err(e);
            }
            return Err(type_error(format!(
                "'async with' received an object from {which} that does not implement \
                 __await__: {}",
                obj.ty().name()
            )));
        }
    };
    if is_coroutine(&it)
        && lock(&it)
            .frame
            .as_deref()
            .and_then(Frame::delegate)
            .is_some()
    {
        return Err(exc::runtime_error("coroutine is being awaited already"));
    }
    Ok(it)
}

/// The iterator that `await obj` drives (CPython's `_PyCoro_GetAwaitableIter`): a
/// coroutine itself, or what `type(obj).__await__` returns, which must be an
/// iterator and not a coroutine.
///
/// # Errors
/// `TypeError` for objects that are not awaitable and for bad `__await__` results.
pub(crate) fn awaitable_iter(obj: &PyObj) -> PyResult<PyObj> {
    if is_coroutine(obj) || is_iterable_coroutine(obj) {
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
