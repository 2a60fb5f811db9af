//! `_asyncio.Future` and its awaitable iterator (CPython 3.11's `FutureObj` and
//! `futureiterobject` in Modules/_asynciomodule.c; the semantics are those of
//! `asyncio.futures.Future`).
//!
//! A future is pending until `set_result`, `set_exception` or `cancel` makes it
//! done (finished or cancelled); then its done-callbacks are handed to its loop with
//! `loop.call_soon(callback, future, context=ctx)`, each in the context it was added
//! in. Its state sits behind a mutex that is never held while Python code runs or an
//! object is dropped (values taken out under it are dropped after it is released):
//! a callback, a repr or a finalizer may come back to the same future.
//!
//! `await future` (and `yield from future`) goes through a `FutureIter`: its first
//! step yields the future itself with `_asyncio_future_blocking` set (what a task
//! waits on), the next one returns the result or raises the exception.
//!
//! A future freed with an exception nobody retrieved reports it through
//! `loop.call_exception_handler` ("... exception was never retrieved").

use std::sync::{Mutex, MutexGuard};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, PyErr};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{dict, list, singletons, str as pystr, tuple, PyObj, PyResult};

/// The three states of a future.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Not done yet.
    Pending,
    /// Done by `cancel`.
    Cancelled,
    /// Done with a result or an exception.
    Finished,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Pending => "PENDING",
            State::Cancelled => "CANCELLED",
            State::Finished => "FINISHED",
        }
    }
}

/// What a future holds (CPython's `FutureObj_HEAD` fields).
pub struct FutureData {
    /// The loop; `None` until `__init__` ran ("Future object is not initialized.").
    pub loop_: Option<PyObj>,
    /// Pending, cancelled or finished.
    pub state: State,
    /// The result (finished without an exception).
    pub result: Option<PyObj>,
    /// The exception (finished with one).
    pub exception: Option<PyObj>,
    /// The exception's traceback when it was set.
    pub exception_tb: Option<PyObj>,
    /// The done-callbacks and the contexts they run in, in the order added.
    pub callbacks: Vec<(PyObj, PyObj)>,
    /// The message `cancel(msg)` gave.
    pub cancel_msg: Option<PyObj>,
    /// The `CancelledError` a task's coroutine raised (its `_make_cancelled_error`
    /// hands it out once).
    pub cancelled_exc: Option<PyObj>,
    /// `traceback.extract_stack()` at creation, in debug mode.
    pub source_tb: Option<PyObj>,
    /// `_asyncio_future_blocking`.
    pub blocking: bool,
    /// An exception was set and not yet retrieved.
    pub log_tb: bool,
}

impl Default for FutureData {
    fn default() -> Self {
        FutureData {
            loop_: None,
            state: State::Pending,
            result: None,
            exception: None,
            exception_tb: None,
            callbacks: Vec::new(),
            cancel_msg: None,
            cancelled_exc: None,
            source_tb: None,
            blocking: false,
            log_tb: false,
        }
    }
}

impl FutureData {
    /// Visits every object held.
    fn visit(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for o in [
            &self.loop_,
            &self.result,
            &self.exception,
            &self.exception_tb,
            &self.cancel_msg,
            &self.cancelled_exc,
            &self.source_tb,
        ]
        .into_iter()
        .flatten()
        {
            visit(o.as_ptr());
        }
        for (f, c) in &self.callbacks {
            visit(f.as_ptr());
            visit(c.as_ptr());
        }
    }
}

/// The layout of `_asyncio.Future` (and the start of `_asyncio.Task`'s).
#[repr(C)]
pub struct PyFuture {
    header: ObjectHeader,
    /// The state; see the module docs for the locking rule.
    pub data: Mutex<FutureData>,
}

/// Visits a future's fields (the world is stopped: no thread holds the mutex in the
/// middle of an update, as it is never held across a safe point).
///
/// # Safety
/// `obj` is a live instance of Future or a subtype.
pub unsafe fn visit_future(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: by the contract.
    let f = unsafe { &*(obj.as_ptr() as *const PyFuture) };
    if let Ok(d) = f.data.try_lock() {
        d.visit(visit);
    }
}

unsafe fn future_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: Future instances have a pre-header and the PyFuture layout.
    unsafe {
        strand_objects::managed::traverse(obj, visit);
        visit_future(obj, visit);
    }
}

/// Empties a future's fields (the collector's clear).
///
/// # Safety
/// `obj` is a live instance of Future or a subtype.
pub unsafe fn clear_future(obj: ObjPtr) {
    // SAFETY: by the contract.
    let f = unsafe { &*(obj.as_ptr() as *const PyFuture) };
    let old = std::mem::take(&mut *crate::modsupport::lock(&f.data));
    drop(old);
}

unsafe fn future_clear(obj: ObjPtr) {
    // SAFETY: the collector holds a reference; Future instances have a pre-header.
    unsafe {
        strand_objects::managed::clear(obj);
        clear_future(obj);
    }
}

/// Runs the finalizer of a future being freed (once), on a resurrected reference;
/// returns `false` if it stored a new reference (the object lives on).
///
/// # Safety
/// Called from a dealloc with the count at zero.
pub unsafe fn finalize_in_dealloc(obj: ObjPtr) -> bool {
    // SAFETY: by the contract.
    unsafe {
        if obj.gc_bits().contains(strand_heap::GcBits::FINALIZED) {
            return true;
        }
        obj.set_gc_bits(obj.gc_bits() | strand_heap::GcBits::FINALIZED);
        strand_heap::refcount::resurrect_begin(obj);
        {
            let o = PyObj::from_borrowed(obj);
            if let Some(f) = o.ty().slots().finalize {
                f(&o);
            }
        }
        if !strand_heap::refcount::resurrect_end(obj) {
            obj.track();
            return false;
        }
        true
    }
}

unsafe fn future_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `alloc_future`.
    unsafe {
        if !finalize_in_dealloc(obj) {
            return;
        }
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        strand_objects::managed::clear(obj);
        let p = obj.as_ptr() as *mut PyFuture;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).data));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

/// The collector's finalizer hook (the vtable's), for futures in unreachable cycles.
///
/// # Safety
/// The collector keeps `obj` alive while it runs.
pub unsafe fn vtable_finalize(obj: ObjPtr) {
    // SAFETY: by the contract.
    let o = unsafe { PyObj::from_borrowed(obj) };
    if let Some(f) = o.ty().slots().finalize {
        f(&o);
    }
}

strand_objects::builtin_type! {
    /// `_asyncio.Future`.
    pub static FUTURE_TYPE = {
        name: "_asyncio.Future",
        layout: PyFuture,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::BASETYPE
            .union(TypeFlags::MANAGED_WEAKREF)
            .union(TypeFlags::MANAGED_DICT)
            .union(TypeFlags::PREHEADER),
        traverse: Some(future_traverse),
        clear: Some(future_clear),
        dealloc: future_dealloc,
        size: None,
        finalize: Some(vtable_finalize),
        slots: Slots {
            new: Some(future_new),
            init: Some(future_init_slot),
            repr: Some(future_repr),
            iter: Some(new_future_iter),
            finalize: Some(future_finalize),
            ..Slots::EMPTY
        },
    }
}

/// Whether `o` is a Future (or a Task, or a subclass of either).
pub fn is_future(o: &PyObj) -> bool {
    o.is_instance_of(&FUTURE_TYPE)
}

/// The state mutex of a future.
///
/// # Panics
/// In debug builds, if `o` is not a future (callers check with [`expect_future`]).
pub fn data_of(o: &PyObj) -> &Mutex<FutureData> {
    debug_assert!(is_future(o));
    // SAFETY: Future instances (and subclass instances, Tasks included) start with
    // the PyFuture layout.
    unsafe { &o.payload_unchecked::<PyFuture>().data }
}

/// Locks `o`'s state (see the module docs: no Python code and no drops under it).
pub fn lock(o: &PyObj) -> MutexGuard<'_, FutureData> {
    crate::modsupport::lock(data_of(o))
}

/// `o` as a future, or the `TypeError` CPython's method descriptors raise.
pub fn expect_future<'a>(o: &'a PyObj, what: &str) -> PyResult<&'a PyObj> {
    if !is_future(o) {
        return Err(type_error(format!(
            "descriptor '{what}' for '_asyncio.Future' objects doesn't apply to a '{}' object",
            o.ty().name()
        )));
    }
    Ok(o)
}

/// Allocates a future (or subclass instance, Task included, of `ty`) with empty
/// fields; `extra` writes the fields past the future's before it is finished.
pub fn alloc_future(ty: &PyType, extra: impl FnOnce(&PyObj)) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with (at least) the PyFuture layout; the fields are
    // written and the slots region zeroed before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyFuture;
        std::ptr::addr_of_mut!((*p).data).write(Mutex::new(FutureData::default()));
        extra(&obj);
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn future_new(cls: &PyObj, _a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "Future.__new__(X)")?;
    if ty.is_subtype(&super::task::TASK_TYPE) {
        return Ok(super::task::alloc_task(ty));
    }
    Ok(alloc_future(ty, |_| {}))
}

fn future_init_slot(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<()> {
    let args = Args::new(a, k);
    if !args.positionals().is_empty() {
        return Err(type_error(format!(
            "Future() takes no positional arguments ({} given)",
            args.positionals().len()
        )));
    }
    let b = args.bind("Future", 0, &["loop"], 0)?;
    init_future(o, b[0])
}

/// Sets a future up (CPython's `future_init`): bound to `loop_` (else the running
/// loop, else the policy's loop), pending, with no callbacks; in debug mode it keeps
/// `traceback.extract_stack()` as `_source_traceback`. A future set up again starts
/// over.
pub fn init_future(o: &PyObj, loop_: Option<&PyObj>) -> PyResult<()> {
    let old = std::mem::take(&mut *lock(o));
    drop(old);
    let loop_ = match loop_ {
        Some(l) if !singletons::is_none(l) => l.clone(),
        _ => super::running_loop::get_event_loop()?,
    };
    let debug = ab::is_true(&ab::call_method(&loop_, "get_debug", &[])?)?;
    let source_tb = if debug {
        Some(ab::call0(&super::extract_stack_func()?)?)
    } else {
        None
    };
    let mut d = lock(o);
    let old_loop = d.loop_.replace(loop_);
    let old_tb = std::mem::replace(&mut d.source_tb, source_tb);
    drop(d);
    drop((old_loop, old_tb));
    Ok(())
}

/// The loop, or `RuntimeError: Future object is not initialized.`
pub fn loop_of(o: &PyObj) -> PyResult<PyObj> {
    lock(o)
        .loop_
        .clone()
        .ok_or_else(|| exc::runtime_error("Future object is not initialized."))
}

/// The state of future `o`.
pub fn state_of(o: &PyObj) -> State {
    lock(o).state
}

/// `loop.call_soon(callback, *args, context=ctx)` (no `context` when `ctx` is None).
pub fn call_soon(
    loop_: &PyObj,
    callback: &PyObj,
    args: &[PyObj],
    ctx: Option<&PyObj>,
) -> PyResult<()> {
    let meth = ab::getattr_str(loop_, "call_soon")?;
    let mut all = Vec::with_capacity(args.len() + 2);
    all.push(callback.clone());
    all.extend_from_slice(args);
    match ctx {
        Some(c) if !singletons::is_none(c) => {
            all.push(c.clone());
            ab::call(
                &meth,
                &all,
                Some(&tuple::from_vec(vec![pystr::intern("context")])),
            )?;
        }
        _ => {
            ab::call(&meth, &all, None)?;
        }
    }
    Ok(())
}

/// Hands the done-callbacks to the loop and forgets them (CPython's
/// `future_schedule_callbacks`).
fn schedule_callbacks(o: &PyObj) -> PyResult<()> {
    let (loop_, callbacks) = {
        let mut d = lock(o);
        (d.loop_.clone(), std::mem::take(&mut d.callbacks))
    };
    let Some(loop_) = loop_ else {
        return Ok(());
    };
    for (cb, ctx) in callbacks {
        call_soon(&loop_, &cb, std::slice::from_ref(o), Some(&ctx))?;
    }
    Ok(())
}

/// `set_result(result)` on a pending future (CPython's `future_set_result`).
pub fn set_result(o: &PyObj, result: PyObj) -> PyResult<()> {
    let old = {
        let mut d = lock(o);
        if d.loop_.is_none() {
            return Err(exc::runtime_error("Future object is not initialized."));
        }
        if d.state != State::Pending {
            drop(d);
            return Err(super::invalid_state("invalid state"));
        }
        d.state = State::Finished;
        d.result.replace(result)
    };
    drop(old);
    schedule_callbacks(o)
}

/// `set_exception(exception)` on a pending future (CPython's
/// `future_set_exception`): a class is called first; `StopIteration` is refused.
pub fn set_exception(o: &PyObj, exception: &PyObj) -> PyResult<()> {
    loop_of(o)?;
    if state_of(o) != State::Pending {
        return Err(super::invalid_state("invalid state"));
    }
    let value = if exc::is_exception_class(exception) {
        let v = ab::call0(exception)?;
        if state_of(o) != State::Pending {
            return Err(super::invalid_state("invalid state"));
        }
        v
    } else {
        exception.clone()
    };
    if !exc::is_exception_instance(&value) {
        return Err(type_error("invalid exception object"));
    }
    if value.is_exact(&exc::STOP_ITERATION_TYPE) {
        return Err(type_error(
            "StopIteration interacts badly with generators and cannot be raised into a Future",
        ));
    }
    let tb = exc::attr(&value, "__traceback__").filter(|t| !singletons::is_none(t));
    let old = {
        let mut d = lock(o);
        if d.state != State::Pending {
            drop(d);
            return Err(super::invalid_state("invalid state"));
        }
        d.state = State::Finished;
        d.log_tb = true;
        (
            d.exception.replace(value),
            std::mem::replace(&mut d.exception_tb, tb),
        )
    };
    drop(old);
    schedule_callbacks(o)
}

/// `cancel(msg)` on a future (CPython's `future_cancel`): `false` if it is done.
pub fn cancel_future(o: &PyObj, msg: Option<PyObj>) -> PyResult<bool> {
    let old = {
        let mut d = lock(o);
        d.log_tb = false;
        if d.state != State::Pending {
            return Ok(false);
        }
        d.state = State::Cancelled;
        std::mem::replace(&mut d.cancel_msg, msg)
    };
    drop(old);
    schedule_callbacks(o)?;
    Ok(true)
}

/// The `CancelledError` to raise for a cancelled future (CPython's
/// `create_cancelled_error`): the one a task's coroutine raised, handed out once,
/// else a new one with the cancel message.
pub fn make_cancelled_error(o: &PyObj) -> PyResult<PyObj> {
    let (saved, msg) = {
        let mut d = lock(o);
        (d.cancelled_exc.take(), d.cancel_msg.clone())
    };
    if let Some(e) = saved {
        return Ok(e);
    }
    let cls = super::cancelled_error_class()?;
    match msg {
        Some(m) if !singletons::is_none(&m) => ab::call1(&cls, m),
        _ => ab::call0(&cls),
    }
}

/// Raises `e` with traceback `tb` (None clears it).
fn raise_with_tb(e: PyObj, tb: Option<PyObj>) -> PyErr {
    let _ = ab::setattr(
        &e,
        &pystr::intern("__traceback__"),
        &tb.unwrap_or_else(singletons::none),
    );
    PyErr::from_value(e)
}

/// The result of a done future, or what it raises (CPython's `future_get_result`
/// and `Future.result`).
pub fn get_result(o: &PyObj) -> PyResult<PyObj> {
    let (state, result, exception, tb) = {
        let mut d = lock(o);
        if d.state == State::Finished {
            d.log_tb = false;
        }
        (
            d.state,
            d.result.clone(),
            d.exception.clone(),
            d.exception_tb.clone(),
        )
    };
    match state {
        State::Cancelled => Err(PyErr::from_value(make_cancelled_error(o)?)),
        State::Pending => Err(super::invalid_state("Result is not set.")),
        State::Finished => match exception {
            Some(e) => Err(raise_with_tb(e, tb)),
            None => Ok(result.unwrap_or_else(singletons::none)),
        },
    }
}

fn this<'a>(a: &'a [PyObj], what: &str) -> PyResult<&'a PyObj> {
    match a.first() {
        Some(o) => expect_future(o, what),
        None => Err(type_error(format!(
            "descriptor '{what}' of '_asyncio.Future' object needs an argument"
        ))),
    }
}

fn m_result(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("result", 1)?;
    get_result(this(a, "result")?)
}

fn m_exception(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("exception", 1)?;
    let o = this(a, "exception")?;
    let (state, exception) = {
        let mut d = lock(o);
        if d.state == State::Finished {
            d.log_tb = false;
        }
        (d.state, d.exception.clone())
    };
    match state {
        State::Cancelled => Err(PyErr::from_value(make_cancelled_error(o)?)),
        State::Pending => Err(super::invalid_state("Exception is not set.")),
        State::Finished => Ok(exception.unwrap_or_else(singletons::none)),
    }
}

fn m_set_result(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("set_result", 2)?;
    set_result(this(a, "set_result")?, a[1].clone())?;
    Ok(singletons::none())
}

fn m_set_exception(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("set_exception", 2)?;
    set_exception(this(a, "set_exception")?, &a[1])?;
    Ok(singletons::none())
}

/// `add_done_callback(fn, *, context=None)` (CPython's `future_add_done_callback`):
/// scheduled at once on a done future, else kept with a copy of the current context.
pub fn add_done_callback(o: &PyObj, f: &PyObj, ctx: Option<&PyObj>) -> PyResult<()> {
    let ctx = match ctx {
        Some(c) if !singletons::is_none(c) => c.clone(),
        _ => crate::_contextvars::copy_current(),
    };
    let loop_ = loop_of(o)?;
    {
        let mut d = lock(o);
        if d.state == State::Pending {
            d.callbacks.push((f.clone(), ctx));
            return Ok(());
        }
    }
    call_soon(&loop_, f, std::slice::from_ref(o), Some(&ctx))
}

fn m_add_done_callback(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    if args.positionals().len() != 2 {
        return Err(type_error(format!(
            "add_done_callback() takes exactly 1 positional argument ({} given)",
            args.positionals().len().saturating_sub(1)
        )));
    }
    let b = args.bind("add_done_callback", 2, &["context"], 0)?;
    add_done_callback(this(a, "add_done_callback")?, &a[1], b[0])?;
    Ok(singletons::none())
}

fn m_remove_done_callback(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("remove_done_callback", 2)?;
    let o = this(a, "remove_done_callback")?;
    loop_of(o)?;
    let f = &a[1];
    let snapshot: Vec<PyObj> = lock(o).callbacks.iter().map(|(c, _)| c.clone()).collect();
    let mut remove = Vec::with_capacity(snapshot.len());
    for c in &snapshot {
        remove.push(c.is(f) || ab::eq(c, f)?);
    }
    let count = remove.iter().filter(|r| **r).count();
    if count == 0 {
        return Ok(strand_objects::int::from_i64(0));
    }
    let removed: Vec<(PyObj, PyObj)> = {
        let mut d = lock(o);
        let same = d.callbacks.len() == snapshot.len()
            && d.callbacks.iter().zip(&snapshot).all(|((c, _), s)| c.is(s));
        let old = std::mem::take(&mut d.callbacks);
        let mut gone = Vec::new();
        for (i, entry) in old.into_iter().enumerate() {
            let drop_it = if same {
                remove[i]
            } else {
                snapshot
                    .iter()
                    .zip(&remove)
                    .any(|(s, r)| *r && s.is(&entry.0))
            };
            if drop_it {
                gone.push(entry);
            } else {
                d.callbacks.push(entry);
            }
        }
        gone
    };
    drop(removed);
    Ok(strand_objects::int::from_i64(count as i64))
}

fn m_cancel(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("cancel", 1, &["msg"], 0)?;
    let o = this(a, "cancel")?;
    loop_of(o)?;
    let msg = b[0].filter(|m| !singletons::is_none(m)).cloned();
    Ok(singletons::bool_obj(cancel_future(o, msg)?))
}

fn m_cancelled(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("cancelled", 1)?;
    let d = lock(this(a, "cancelled")?);
    Ok(singletons::bool_obj(
        d.loop_.is_some() && d.state == State::Cancelled,
    ))
}

fn m_done(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("done", 1)?;
    let d = lock(this(a, "done")?);
    Ok(singletons::bool_obj(
        d.loop_.is_some() && d.state != State::Pending,
    ))
}

fn m_get_loop(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("get_loop", 1)?;
    loop_of(this(a, "get_loop")?)
}

fn m_make_cancelled_error(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("_make_cancelled_error", 1)?;
    make_cancelled_error(this(a, "_make_cancelled_error")?)
}

fn m_await(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__await__", 1)?;
    new_future_iter(this(a, "__await__")?)
}

/// `__class_getitem__`: `types.GenericAlias(cls, item)`.
pub fn class_getitem(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__class_getitem__", 2)?;
    Ok(strand_objects::genericalias::new_generic_alias(
        a[0].clone(),
        a[1].clone(),
    ))
}

fn future_repr(o: &PyObj) -> PyResult<PyObj> {
    ab::call1(&super::future_repr_func()?, o.clone())
}

/// Reports a future freed with an unretrieved exception (CPython's
/// `FutureObj_finalize`); errors go to `sys.unraisablehook`.
pub fn future_finalize(o: &PyObj) {
    let taken = {
        let mut d = lock(o);
        if !d.log_tb {
            None
        } else {
            d.log_tb = false;
            Some((d.loop_.clone(), d.exception.clone(), d.source_tb.clone()))
        }
    };
    let Some((Some(loop_), exception, source_tb)) = taken else {
        return;
    };
    let report = || -> PyResult<()> {
        let ctx = dict::new();
        dict::set_item_str(
            &ctx,
            "message",
            pystr::from_string(format!(
                "{} exception was never retrieved",
                short_type_name(o)
            )),
        );
        dict::set_item_str(
            &ctx,
            "exception",
            exception.unwrap_or_else(singletons::none),
        );
        dict::set_item_str(&ctx, "future", o.clone());
        if let Some(tb) = source_tb {
            dict::set_item_str(&ctx, "source_traceback", tb);
        }
        ab::call_method(&loop_, "call_exception_handler", &[ctx])?;
        Ok(())
    };
    if let Err(e) = report() {
        strand_objects::unraisable::write_unraisable(&e, o);
    }
}

/// The name of `o`'s type without its module (CPython's `_PyType_Name`).
pub fn short_type_name(o: &PyObj) -> String {
    let name = o.ty().name();
    name.rsplit('.').next().unwrap_or(name).to_string()
}

// --- getsets ---------------------------------------------------------------------

fn or_none(o: Option<PyObj>) -> PyObj {
    o.unwrap_or_else(singletons::none)
}

fn g_state(o: &PyObj) -> PyResult<PyObj> {
    expect_future(o, "_state")?;
    let state = {
        let d = lock(o);
        d.loop_.as_ref().map(|_| d.state)
    };
    let state = state.ok_or_else(|| exc::runtime_error("Future object is not initialized."))?;
    Ok(pystr::intern(state.name()))
}

fn g_blocking(o: &PyObj) -> PyResult<PyObj> {
    let d = lock(expect_future(o, "_asyncio_future_blocking")?);
    Ok(singletons::bool_obj(d.loop_.is_some() && d.blocking))
}

fn s_blocking(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    expect_future(o, "_asyncio_future_blocking")?;
    loop_of(o)?;
    let v = v.ok_or_else(|| exc::attribute_error("cannot delete attribute"))?;
    let b = ab::is_true(v)?;
    lock(o).blocking = b;
    Ok(())
}

fn g_log_traceback(o: &PyObj) -> PyResult<PyObj> {
    Ok(singletons::bool_obj(
        lock(expect_future(o, "_log_traceback")?).log_tb,
    ))
}

fn s_log_traceback(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    expect_future(o, "_log_traceback")?;
    let v = v.ok_or_else(|| exc::attribute_error("cannot delete attribute"))?;
    if ab::is_true(v)? {
        return Err(exc::value_error("_log_traceback can only be set to False"));
    }
    lock(o).log_tb = false;
    Ok(())
}

fn g_loop(o: &PyObj) -> PyResult<PyObj> {
    Ok(or_none(lock(expect_future(o, "_loop")?).loop_.clone()))
}

fn g_callbacks(o: &PyObj) -> PyResult<PyObj> {
    loop_of(expect_future(o, "_callbacks")?)?;
    let cbs: Vec<(PyObj, PyObj)> = lock(o).callbacks.clone();
    if cbs.is_empty() {
        return Ok(singletons::none());
    }
    Ok(list::new(
        cbs.into_iter()
            .map(|(f, c)| tuple::from_vec(vec![f, c]))
            .collect(),
    ))
}

fn g_result(o: &PyObj) -> PyResult<PyObj> {
    Ok(or_none(lock(expect_future(o, "_result")?).result.clone()))
}

fn g_exception(o: &PyObj) -> PyResult<PyObj> {
    Ok(or_none(
        lock(expect_future(o, "_exception")?).exception.clone(),
    ))
}

fn g_source_traceback(o: &PyObj) -> PyResult<PyObj> {
    Ok(or_none(
        lock(expect_future(o, "_source_traceback")?)
            .source_tb
            .clone(),
    ))
}

fn g_cancel_message(o: &PyObj) -> PyResult<PyObj> {
    Ok(or_none(
        lock(expect_future(o, "_cancel_message")?)
            .cancel_msg
            .clone(),
    ))
}

fn s_cancel_message(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    expect_future(o, "_cancel_message")?;
    let v = v.ok_or_else(|| exc::attribute_error("cannot delete attribute"))?;
    let old = lock(o).cancel_msg.replace(v.clone());
    drop(old);
    Ok(())
}

// --- FutureIter --------------------------------------------------------------------

/// The layout of the awaitable iterator of a future (`__await__`, `__iter__`).
#[repr(C)]
pub struct PyFutureIter {
    header: ObjectHeader,
    /// The future; `None` once it finished or was closed.
    future: Mutex<Option<PyObj>>,
}

unsafe fn iter_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyFutureIter; the world is stopped.
    let it = unsafe { &*(obj.as_ptr() as *const PyFutureIter) };
    if let Ok(f) = it.future.try_lock() {
        if let Some(f) = &*f {
            visit(f.as_ptr());
        }
    }
}

unsafe fn iter_clear(obj: ObjPtr) {
    // SAFETY: installed on PyFutureIter; the collector holds a reference.
    let it = unsafe { &*(obj.as_ptr() as *const PyFutureIter) };
    let old = crate::modsupport::lock(&it.future).take();
    drop(old);
}

unsafe fn iter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; initialised by `new_future_iter`.
    unsafe {
        let p = obj.as_ptr() as *mut PyFutureIter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).future));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_asyncio.FutureIter`: what `Future.__await__` returns.
    pub static FUTURE_ITER_TYPE = {
        name: "_asyncio.FutureIter",
        layout: PyFutureIter,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(iter_traverse),
        clear: Some(iter_clear),
        dealloc: iter_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(iter_next),
            ..Slots::EMPTY
        },
    }
}

fn new_future_iter(fut: &PyObj) -> PyResult<PyObj> {
    loop_of(fut)?;
    let ty = &FUTURE_ITER_TYPE;
    let o = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyFutureIter layout, written before it is
    // finished.
    unsafe {
        let p = o.as_ptr().as_ptr() as *mut PyFutureIter;
        std::ptr::addr_of_mut!((*p).future).write(Mutex::new(Some(fut.clone())));
        strand_objects::alloc::finish_instance(ty, &o);
    }
    Ok(o)
}

fn iter_future(it: &PyObj) -> &Mutex<Option<PyObj>> {
    debug_assert!(it.is_exact(&FUTURE_ITER_TYPE));
    // SAFETY: the slots and methods are installed on FutureIter only (not
    // subclassable); methods check the type first.
    unsafe { &it.payload_unchecked::<PyFutureIter>().future }
}

fn take_future(it: &PyObj) -> Option<PyObj> {
    crate::modsupport::lock(iter_future(it)).take()
}

/// One step of `await future`: the future itself while it is pending (marked as
/// blocking, for the task that receives it), then its result as the iterator's
/// return value.
fn iter_next(it: &PyObj) -> PyResult<Option<PyObj>> {
    let Some(fut) = crate::modsupport::lock(iter_future(it)).clone() else {
        return Ok(None);
    };
    {
        let mut d = lock(&fut);
        if d.state == State::Pending {
            if !d.blocking {
                d.blocking = true;
                drop(d);
                return Ok(Some(fut));
            }
            drop(d);
            return Err(exc::runtime_error("await wasn't used with future"));
        }
    }
    drop(take_future(it));
    let r = get_result(&fut)?;
    if singletons::is_none(&r) {
        Ok(None)
    } else {
        Err(exc::stop_iteration(Some(r)))
    }
}

fn expect_iter<'a>(a: &'a [PyObj], what: &str) -> PyResult<&'a PyObj> {
    match a.first() {
        Some(o) if o.is_exact(&FUTURE_ITER_TYPE) => Ok(o),
        _ => Err(type_error(format!(
            "descriptor '{what}' requires a '_asyncio.FutureIter' object"
        ))),
    }
}

fn it_send(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("send", 2)?;
    match iter_next(expect_iter(a, "send")?)? {
        Some(v) => Ok(v),
        None => Err(exc::stop_iteration(None)),
    }
}

fn it_throw(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    args.no_kwargs("throw")?;
    if !(2..=4).contains(&a.len()) {
        return Err(type_error(format!(
            "throw expected at least 1 argument, got {}",
            a.len().saturating_sub(1)
        )));
    }
    let it = expect_iter(a, "throw")?;
    let typ = &a[1];
    let val = a.get(2).filter(|v| !singletons::is_none(v));
    let tb = a.get(3).filter(|v| !singletons::is_none(v));
    if let Some(tb) = tb {
        if !tb.is_instance_of(&strand_objects::traceback::TRACEBACK_TYPE) {
            return Err(type_error(
                "throw() third argument must be a traceback object",
            ));
        }
    }
    let value = if exc::is_exception_class(typ) {
        exc::normalize_exception(typ, val)?
    } else if exc::is_exception_instance(typ) {
        if val.is_some() {
            return Err(type_error(
                "instance exception may not have a separate value",
            ));
        }
        typ.clone()
    } else {
        return Err(type_error(
            "exceptions must be classes deriving BaseException or instances of such a class",
        ));
    };
    if let Some(tb) = tb {
        ab::setattr(&value, &pystr::intern("__traceback__"), tb)?;
    }
    drop(take_future(it));
    Err(PyErr::from_value(value))
}

fn it_close(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("close", 1)?;
    drop(take_future(expect_iter(a, "close")?));
    Ok(singletons::none())
}

/// The methods of `Future` (which `Task` inherits and partly overrides).
pub fn methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("result", m_result),
        MethodDef::new("exception", m_exception),
        MethodDef::new("set_result", m_set_result),
        MethodDef::new("set_exception", m_set_exception),
        MethodDef::new("add_done_callback", m_add_done_callback),
        MethodDef::new("remove_done_callback", m_remove_done_callback),
        MethodDef::new("cancel", m_cancel),
        MethodDef::new("cancelled", m_cancelled),
        MethodDef::new("done", m_done),
        MethodDef::new("get_loop", m_get_loop),
        MethodDef::new("_make_cancelled_error", m_make_cancelled_error),
        MethodDef::new("__await__", m_await),
        MethodDef::class("__class_getitem__", class_getitem),
    ]
}

/// Readies `Future` and `FutureIter` (once).
pub fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        FUTURE_TYPE.ready_static(
            Some(object),
            &methods(),
            &[
                GetSetDef::new("_state", g_state, None),
                GetSetDef::new("_asyncio_future_blocking", g_blocking, Some(s_blocking)),
                GetSetDef::new("_log_traceback", g_log_traceback, Some(s_log_traceback)),
                GetSetDef::new("_loop", g_loop, None),
                GetSetDef::new("_callbacks", g_callbacks, None),
                GetSetDef::new("_result", g_result, None),
                GetSetDef::new("_exception", g_exception, None),
                GetSetDef::new("_source_traceback", g_source_traceback, None),
                GetSetDef::new("_cancel_message", g_cancel_message, Some(s_cancel_message)),
            ],
        );
        FUTURE_ITER_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("send", it_send),
                MethodDef::new("throw", it_throw),
                MethodDef::new("close", it_close),
            ],
            &[],
        );
    });
}
