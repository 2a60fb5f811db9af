//! `_asyncio.Task` (CPython 3.11's `TaskObj` in Modules/_asynciomodule.c; the
//! semantics are those of `asyncio.tasks.Task`): a future that drives a coroutine.
//!
//! Each step (`__step`) is a callback on the task's loop, run in the task's context
//! (the loop's handle runs it with `Context.run`): it marks the task as the loop's
//! current task, sends None into the coroutine (or throws the exception the step
//! carries), and looks at what comes out:
//! - a return (`StopIteration`) finishes the task with the value, a
//!   `CancelledError` cancels it, another exception finishes it with that exception
//!   (`KeyboardInterrupt` and `SystemExit` also propagate out of the step);
//! - a yielded future with `_asyncio_future_blocking` set is waited on: the task
//!   adds its wakeup callback to it and keeps it as `_fut_waiter`; the wakeup runs
//!   the next step with the future's result or exception;
//! - a bare `yield` (None) schedules the next step at once;
//! - anything else is an error thrown into the coroutine by the next step.
//!
//! `cancel()` cancels the future the task waits on, or, when there is none (or it
//! refused), sets `_must_cancel` so the next step throws `CancelledError` in.
//! `cancelling()` counts the requests, `uncancel()` takes one back.
//!
//! A task freed while still pending is reported through
//! `loop.call_exception_handler` ("Task was destroyed but it is pending!").

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use strand_heap::{HeapKind, ObjPtr};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, PyErr};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{dict, int, singletons, str as pystr, tuple, PyObj, PyResult};

use super::future::{self, PyFuture, State};

/// What a task holds beyond a future's fields.
#[derive(Default)]
pub struct TaskData {
    /// The coroutine.
    coro: Option<PyObj>,
    /// The context its steps run in.
    context: Option<PyObj>,
    /// The name (a str).
    name: Option<PyObj>,
    /// The future the task waits on.
    fut_waiter: Option<PyObj>,
    /// The next step throws `CancelledError` in.
    must_cancel: bool,
    /// Report the task if it is freed while pending.
    log_destroy_pending: bool,
    /// `cancel()` calls not taken back by `uncancel()`.
    num_cancels_requested: i64,
}

impl TaskData {
    fn visit(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for o in [&self.coro, &self.context, &self.name, &self.fut_waiter]
            .into_iter()
            .flatten()
        {
            visit(o.as_ptr());
        }
    }
}

/// The layout of `_asyncio.Task`: a future's, then the task's own fields.
#[repr(C)]
pub struct PyTask {
    fut: PyFuture,
    task: Mutex<TaskData>,
}

unsafe fn task_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: Task instances have a pre-header and the PyTask layout; the world is
    // stopped (the mutexes are never held across a safe point).
    unsafe {
        strand_objects::managed::traverse(obj, visit);
        future::visit_future(obj, visit);
        let t = &*(obj.as_ptr() as *const PyTask);
        if let Ok(d) = t.task.try_lock() {
            d.visit(visit);
        }
    }
}

unsafe fn task_clear(obj: ObjPtr) {
    // SAFETY: the collector holds a reference; Task instances have a pre-header and
    // the PyTask layout.
    unsafe {
        strand_objects::managed::clear(obj);
        future::clear_future(obj);
        let t = &*(obj.as_ptr() as *const PyTask);
        let old = std::mem::take(&mut *crate::modsupport::lock(&t.task));
        drop(old);
    }
}

unsafe fn task_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `alloc_task`.
    unsafe {
        if !future::finalize_in_dealloc(obj) {
            return;
        }
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        strand_objects::managed::clear(obj);
        let p = obj.as_ptr() as *mut PyTask;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).task));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fut.data));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_asyncio.Task`.
    pub static TASK_TYPE = {
        name: "_asyncio.Task",
        layout: PyTask,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::BASETYPE
            .union(TypeFlags::MANAGED_WEAKREF)
            .union(TypeFlags::MANAGED_DICT)
            .union(TypeFlags::PREHEADER),
        traverse: Some(task_traverse),
        clear: Some(task_clear),
        dealloc: task_dealloc,
        size: None,
        finalize: Some(future::vtable_finalize),
        slots: Slots {
            new: Some(task_new),
            init: Some(task_init),
            repr: Some(task_repr),
            finalize: Some(task_finalize),
            ..Slots::EMPTY
        },
    }
}

/// Whether `o` is a Task (or a subclass instance).
pub fn is_task(o: &PyObj) -> bool {
    o.is_instance_of(&TASK_TYPE)
}

fn lock(o: &PyObj) -> MutexGuard<'_, TaskData> {
    debug_assert!(is_task(o));
    // SAFETY: Task instances (and subclass instances) have the PyTask layout.
    let t = unsafe { o.payload_unchecked::<PyTask>() };
    crate::modsupport::lock(&t.task)
}

fn expect_task<'a>(o: &'a PyObj, what: &str) -> PyResult<&'a PyObj> {
    if !is_task(o) {
        return Err(type_error(format!(
            "descriptor '{what}' for '_asyncio.Task' objects doesn't apply to a '{}' object",
            o.ty().name()
        )));
    }
    Ok(o)
}

fn this<'a>(a: &'a [PyObj], what: &str) -> PyResult<&'a PyObj> {
    match a.first() {
        Some(o) => expect_task(o, what),
        None => Err(type_error(format!(
            "descriptor '{what}' of '_asyncio.Task' object needs an argument"
        ))),
    }
}

/// Allocates a task (or subclass instance) of `ty` with empty fields.
pub fn alloc_task(ty: &PyType) -> PyObj {
    future::alloc_future(ty, |o| {
        // SAFETY: `alloc_future` hands over the fresh allocation, of at least the
        // PyTask layout (`ty` is Task or a subclass), before it is finished.
        unsafe {
            let p = o.as_ptr().as_ptr() as *mut PyTask;
            std::ptr::addr_of_mut!((*p).task).write(Mutex::new(TaskData::default()));
        }
    })
}

fn task_new(cls: &PyObj, _a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "Task.__new__(X)")?;
    Ok(alloc_task(ty))
}

/// The number in the default name of the next task (`Task-1`, `Task-2`, ...).
static TASK_NAME_COUNTER: AtomicU64 = AtomicU64::new(0);

fn is_coroutine(o: &PyObj) -> PyResult<bool> {
    if strand_interp::generator::is_coroutine(o) {
        return Ok(true);
    }
    ab::is_true(&ab::call1(&super::iscoroutine_func()?, o.clone())?)
}

/// `Task.__init__(coro, *, loop=None, name=None, context=None)`.
fn task_init(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<()> {
    let args = Args::new(a, k);
    if args.positionals().len() > 1 {
        return Err(type_error(format!(
            "Task() takes at most 1 positional argument ({} given)",
            args.positionals().len()
        )));
    }
    let b = args.bind("Task", 0, &["coro", "loop", "name", "context"], 1)?;
    let coro = b[0].expect("required").clone();
    future::init_future(o, b[1])?;
    if !is_coroutine(&coro)? {
        lock(o).log_destroy_pending = false;
        return Err(type_error(format!(
            "a coroutine was expected, got {}",
            ab::repr_string(&coro)?
        )));
    }
    let context = match b[3] {
        Some(c) if !singletons::is_none(c) => c.clone(),
        _ => crate::_contextvars::copy_current(),
    };
    let name = match b[2] {
        Some(n) if !singletons::is_none(n) => {
            if n.is_exact(&pystr::STR_TYPE) {
                n.clone()
            } else {
                ab::str_(n)?
            }
        }
        _ => pystr::from_string(format!(
            "Task-{}",
            TASK_NAME_COUNTER.fetch_add(1, Ordering::Relaxed) + 1
        )),
    };
    let old = {
        let mut d = lock(o);
        std::mem::replace(
            &mut *d,
            TaskData {
                coro: Some(coro),
                context: Some(context),
                name: Some(name),
                fut_waiter: None,
                must_cancel: false,
                log_destroy_pending: true,
                num_cancels_requested: 0,
            },
        )
    };
    drop(old);
    call_step_soon(o, None)?;
    super::register_task(o)
}

fn context_of(task: &PyObj) -> Option<PyObj> {
    lock(task).context.clone()
}

/// Schedules the next step of `task` with `loop.call_soon` in the task's context,
/// carrying `exc` to throw in (CPython's `task_call_step_soon`).
fn call_step_soon(task: &PyObj, exc: Option<PyObj>) -> PyResult<()> {
    let loop_ = future::loop_of(task)?;
    let cb = new_step_wrapper(task.clone(), exc);
    future::call_soon(&loop_, &cb, &[], context_of(task).as_ref())
}

/// What a step callback carries: the task, and the exception to throw in.
struct StepFields {
    task: PyObj,
    exc: Option<PyObj>,
}

/// The layout of `TaskStepMethWrapper`, the callable a task schedules for its next
/// step (CPython's `TaskStepMethWrapper`).
#[repr(C)]
pub struct PyStepWrapper {
    header: strand_heap::ObjectHeader,
    fields: crate::modsupport::Fields<StepFields>,
}

unsafe fn step_wrapper_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyStepWrapper; the world is stopped.
    let w = unsafe { &*(obj.as_ptr() as *const PyStepWrapper) };
    if let Some(f) = w.fields.get() {
        visit(f.task.as_ptr());
        if let Some(e) = &f.exc {
            visit(e.as_ptr());
        }
    }
}

unsafe fn step_wrapper_clear(obj: ObjPtr) {
    // SAFETY: installed on PyStepWrapper; unreachable when the collector clears it.
    let w = unsafe { &*(obj.as_ptr() as *const PyStepWrapper) };
    // SAFETY: as above.
    drop(unsafe { w.fields.take() });
}

unsafe fn step_wrapper_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; initialised by `new_step_wrapper`.
    unsafe {
        let p = obj.as_ptr() as *mut PyStepWrapper;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fields));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `TaskStepMethWrapper`: calling it runs one step of its task.
    pub static STEP_WRAPPER_TYPE = {
        name: "TaskStepMethWrapper",
        layout: PyStepWrapper,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(step_wrapper_traverse),
        clear: Some(step_wrapper_clear),
        dealloc: step_wrapper_dealloc,
        size: None,
        slots: Slots {
            call: Some(step_wrapper_call),
            ..Slots::EMPTY
        },
    }
}

fn new_step_wrapper(task: PyObj, exc: Option<PyObj>) -> PyObj {
    let ty = &STEP_WRAPPER_TYPE;
    let o = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyStepWrapper layout, written before it is
    // finished.
    unsafe {
        let p = o.as_ptr().as_ptr() as *mut PyStepWrapper;
        std::ptr::addr_of_mut!((*p).fields)
            .write(crate::modsupport::Fields::new(StepFields { task, exc }));
        strand_objects::alloc::finish_instance(ty, &o);
    }
    o
}

fn step_fields(o: &PyObj) -> PyResult<&StepFields> {
    if !o.is_exact(&STEP_WRAPPER_TYPE) {
        return Err(type_error(format!(
            "descriptor '__self__' for 'TaskStepMethWrapper' objects doesn't apply to a '{}' object",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a TaskStepMethWrapper (not subclassable).
    let w = unsafe { o.payload_unchecked::<PyStepWrapper>() };
    w.fields
        .get()
        .ok_or_else(|| exc::runtime_error("TaskStepMethWrapper used after it was cleared"))
}

fn step_wrapper_call(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    if Args::new(a, k).has_kwargs() {
        return Err(type_error("function takes no keyword arguments"));
    }
    if !a.is_empty() {
        return Err(type_error("function takes no positional arguments"));
    }
    let (task, exc) = {
        let f = step_fields(o)?;
        (f.task.clone(), f.exc.clone())
    };
    step(&task, exc)?;
    Ok(singletons::none())
}

/// The wakeup callback a task adds to the future it waits on: `(task, future)`.
fn wakeup_callback(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("task_wakeup")?;
    let task = this(a, "task_wakeup")?;
    if a.len() != 2 {
        return Err(type_error(format!(
            "task_wakeup expected 1 argument, got {}",
            a.len() - 1
        )));
    }
    let fut = &a[1];
    let outcome = if fut.is_exact(&future::FUTURE_TYPE) || fut.is_exact(&TASK_TYPE) {
        future::get_result(fut)
    } else {
        ab::call_method(fut, "result", &[])
    };
    match outcome {
        Ok(_) => step(task, None)?,
        Err(e) => step(task, Some(e.into_value()))?,
    }
    Ok(singletons::none())
}

/// One step, with the task entered as its loop's current task (CPython's
/// `task_step`).
fn step(task: &PyObj, exc: Option<PyObj>) -> PyResult<()> {
    let loop_ = future::loop_of(task)?;
    super::enter_task(&loop_, task)?;
    let res = step_impl(task, exc);
    match super::leave_task(&loop_, task) {
        Ok(()) => res,
        Err(e) => {
            if let Err(first) = res {
                exc::set_exc_attr(e.value(), "__context__", first.into_value());
            }
            Err(e)
        }
    }
}

fn cancelled_error_matches(o: &PyObj) -> PyResult<bool> {
    ab::isinstance(o, &super::cancelled_error_class()?)
}

fn step_impl(task: &PyObj, exc: Option<PyObj>) -> PyResult<()> {
    if future::state_of(task) != State::Pending {
        let e = exc.unwrap_or_else(singletons::none);
        return Err(super::invalid_state(format!(
            "_step(): already done: {} {}",
            ab::repr_string(task)?,
            ab::repr_string(&e)?
        )));
    }
    let mut exc = exc;
    if lock(task).must_cancel {
        if let Some(e) = &exc {
            if !cancelled_error_matches(e)? {
                exc = None;
            }
        }
        if exc.is_none() {
            exc = Some(future::make_cancelled_error(task)?);
        }
        lock(task).must_cancel = false;
    }
    let (coro, old_waiter) = {
        let mut d = lock(task);
        (d.coro.clone(), d.fut_waiter.take())
    };
    drop(old_waiter);
    let coro = coro.ok_or_else(|| exc::runtime_error("Task object is not initialized."))?;
    let sent = match exc {
        None => ab::call_method(&coro, "send", &[singletons::none()]),
        Some(e) => ab::call_method(&coro, "throw", &[e]),
    };
    let result = match sent {
        Ok(r) => r,
        Err(e) => return coroutine_raised(task, e),
    };
    handle_yield(task, result)
}

/// The coroutine returned or raised: the task is done (CPython's `task_step_impl`
/// error path).
fn coroutine_raised(task: &PyObj, e: PyErr) -> PyResult<()> {
    if e.is_instance(&exc::STOP_ITERATION_TYPE) {
        let must_cancel = std::mem::take(&mut lock(task).must_cancel);
        if must_cancel {
            let msg = future::lock(task).cancel_msg.clone();
            future::cancel_future(task, msg)?;
        } else {
            let value = exc::attr(e.value(), "value").unwrap_or_else(singletons::none);
            future::set_result(task, value)?;
        }
        return Ok(());
    }
    if cancelled_error_matches(e.value())? {
        let old = future::lock(task).cancelled_exc.replace(e.into_value());
        drop(old);
        future::cancel_future(task, None)?;
        return Ok(());
    }
    future::set_exception(task, e.value())?;
    if e.is_instance(&exc::KEYBOARD_INTERRUPT_TYPE) || e.is_instance(&exc::SYSTEM_EXIT_TYPE) {
        return Err(e);
    }
    Ok(())
}

fn step_error_soon(task: &PyObj, msg: String) -> PyResult<()> {
    call_step_soon(task, Some(exc::runtime_error(msg).into_value()))
}

/// The loop of a future-like object (CPython's `get_future_loop`): `get_loop()` if
/// it has one, else `_loop`.
fn future_loop(fut: &PyObj) -> PyResult<PyObj> {
    if fut.is_exact(&future::FUTURE_TYPE) || fut.is_exact(&TASK_TYPE) {
        return future::loop_of(fut);
    }
    match ab::getattr_opt(fut, &pystr::intern("get_loop"))? {
        Some(m) => ab::call0(&m),
        None => ab::getattr_str(fut, "_loop"),
    }
}

/// The coroutine yielded `result` (CPython's `task_step_impl` after a yield).
fn handle_yield(task: &PyObj, result: PyObj) -> PyResult<()> {
    let native = result.is_exact(&future::FUTURE_TYPE) || result.is_exact(&TASK_TYPE);
    let blocking = if native {
        Some(future::lock(&result).blocking)
    } else if singletons::is_none(&result) {
        None
    } else {
        match ab::getattr_opt(&result, &pystr::intern("_asyncio_future_blocking"))? {
            Some(b) if !singletons::is_none(&b) => Some(ab::is_true(&b)?),
            _ => None,
        }
    };
    let Some(blocking) = blocking else {
        if singletons::is_none(&result) {
            return call_step_soon(task, None);
        }
        if strand_interp::generator::is_generator(&result) {
            return step_error_soon(
                task,
                format!(
                    "yield was used instead of yield from for generator in task {} with {}",
                    ab::repr_string(task)?,
                    ab::repr_string(&result)?
                ),
            );
        }
        return step_error_soon(
            task,
            format!("Task got bad yield: {}", ab::repr_string(&result)?),
        );
    };
    let loop_ = future::loop_of(task)?;
    if !future_loop(&result)?.is(&loop_) {
        return step_error_soon(
            task,
            format!(
                "Task {} got Future {} attached to a different loop",
                ab::repr_string(task)?,
                ab::repr_string(&result)?
            ),
        );
    }
    if !blocking {
        return step_error_soon(
            task,
            format!(
                "yield was used instead of yield from in task {} with {}",
                ab::repr_string(task)?,
                ab::repr_string(&result)?
            ),
        );
    }
    if result.is(task) {
        return step_error_soon(
            task,
            format!("Task cannot await on itself: {}", ab::repr_string(task)?),
        );
    }
    let wakeup = strand_objects::descr::new_builtin_function(
        "task_wakeup",
        wakeup_callback,
        Some(task.clone()),
    );
    let ctx = context_of(task).unwrap_or_else(singletons::none);
    if native {
        future::lock(&result).blocking = false;
        future::add_done_callback(&result, &wakeup, Some(&ctx))?;
    } else {
        ab::setattr(
            &result,
            &pystr::intern("_asyncio_future_blocking"),
            &singletons::bool_obj(false),
        )?;
        let add = ab::getattr_str(&result, "add_done_callback")?;
        ab::call(
            &add,
            &[wakeup, ctx],
            Some(&tuple::from_vec(vec![pystr::intern("context")])),
        )?;
    }
    let old = lock(task).fut_waiter.replace(result.clone());
    drop(old);
    if lock(task).must_cancel {
        let msg = future::lock(task).cancel_msg.clone();
        // The method, even on an exact future or task (a task's `cancel` is not
        // a future's), as CPython does.
        let cancelled = ab::is_true(&ab::call_method(
            &result,
            "cancel",
            &[msg.unwrap_or_else(singletons::none)],
        )?)?;
        if cancelled {
            lock(task).must_cancel = false;
        }
    }
    Ok(())
}

fn task_repr(o: &PyObj) -> PyResult<PyObj> {
    ab::call1(&super::task_repr_func()?, o.clone())
}

/// Reports a task freed while pending, then what a future reports (CPython's
/// `TaskObj_finalize`); errors go to `sys.unraisablehook`.
fn task_finalize(o: &PyObj) {
    let pending = future::state_of(o) == State::Pending && lock(o).log_destroy_pending;
    let info = {
        let d = future::lock(o);
        (d.loop_.clone(), d.source_tb.clone())
    };
    if let (true, (Some(loop_), source_tb)) = (pending, info) {
        let report = || -> PyResult<()> {
            let ctx = dict::new();
            dict::set_item_str(
                &ctx,
                "message",
                pystr::new("Task was destroyed but it is pending!"),
            );
            dict::set_item_str(&ctx, "task", o.clone());
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
    future::future_finalize(o);
}

// --- methods -------------------------------------------------------------------------

/// `Task.cancel(msg=None)`.
fn m_cancel(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("cancel", 1, &["msg"], 0)?;
    let o = this(a, "cancel")?;
    let msg = b[0].cloned().unwrap_or_else(singletons::none);
    {
        let mut d = future::lock(o);
        d.log_tb = false;
        if d.state != State::Pending {
            return Ok(singletons::bool_obj(false));
        }
    }
    let waiter = {
        let mut d = lock(o);
        d.num_cancels_requested += 1;
        d.fut_waiter.clone()
    };
    if let Some(w) = waiter {
        if ab::is_true(&ab::call_method(&w, "cancel", std::slice::from_ref(&msg))?)? {
            return Ok(singletons::bool_obj(true));
        }
    }
    lock(o).must_cancel = true;
    let msg = (!singletons::is_none(&msg)).then_some(msg);
    let old = std::mem::replace(&mut future::lock(o).cancel_msg, msg);
    drop(old);
    Ok(singletons::bool_obj(true))
}

fn m_cancelling(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("cancelling", 1)?;
    Ok(int::from_i64(
        lock(this(a, "cancelling")?).num_cancels_requested,
    ))
}

fn m_uncancel(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("uncancel", 1)?;
    let mut d = lock(this(a, "uncancel")?);
    if d.num_cancels_requested > 0 {
        d.num_cancels_requested -= 1;
    }
    Ok(int::from_i64(d.num_cancels_requested))
}

fn m_get_coro(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("get_coro", 1)?;
    Ok(lock(this(a, "get_coro")?)
        .coro
        .clone()
        .unwrap_or_else(singletons::none))
}

fn m_get_name(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("get_name", 1)?;
    Ok(lock(this(a, "get_name")?)
        .name
        .clone()
        .unwrap_or_else(singletons::none))
}

fn m_set_name(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("set_name", 2)?;
    let o = this(a, "set_name")?;
    let name = if a[1].is_exact(&pystr::STR_TYPE) {
        a[1].clone()
    } else {
        ab::str_(&a[1])?
    };
    let old = lock(o).name.replace(name);
    drop(old);
    Ok(singletons::none())
}

fn m_set_result(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("set_result", 2)?;
    this(a, "set_result")?;
    Err(exc::runtime_error(
        "Task does not support set_result operation",
    ))
}

fn m_set_exception(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("set_exception", 2)?;
    this(a, "set_exception")?;
    Err(exc::runtime_error(
        "Task does not support set_exception operation",
    ))
}

fn keyword_only(
    a: &[PyObj],
    k: Option<&PyObj>,
    fname: &str,
    names: &[&str],
) -> PyResult<Vec<PyObj>> {
    let args = Args::new(a, k);
    if args.positionals().len() > 1 {
        return Err(type_error(format!(
            "{fname}() takes exactly 0 positional arguments ({} given)",
            args.positionals().len() - 1
        )));
    }
    let b = args.bind(fname, 1, names, 0)?;
    Ok(b.into_iter()
        .map(|v| v.cloned().unwrap_or_else(singletons::none))
        .collect())
}

fn m_get_stack(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = keyword_only(a, k, "get_stack", &["limit"])?;
    let o = this(a, "get_stack")?;
    ab::call(
        &super::task_get_stack_func()?,
        &[o.clone(), b[0].clone()],
        None,
    )
}

fn m_print_stack(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = keyword_only(a, k, "print_stack", &["limit", "file"])?;
    let o = this(a, "print_stack")?;
    ab::call(
        &super::task_print_stack_func()?,
        &[o.clone(), b[0].clone(), b[1].clone()],
        None,
    )
}

// --- getsets -------------------------------------------------------------------------

fn g_log_destroy_pending(o: &PyObj) -> PyResult<PyObj> {
    Ok(singletons::bool_obj(
        lock(expect_task(o, "_log_destroy_pending")?).log_destroy_pending,
    ))
}

fn s_log_destroy_pending(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    expect_task(o, "_log_destroy_pending")?;
    let v = v.ok_or_else(|| exc::attribute_error("cannot delete attribute"))?;
    let b = ab::is_true(v)?;
    lock(o).log_destroy_pending = b;
    Ok(())
}

fn g_must_cancel(o: &PyObj) -> PyResult<PyObj> {
    Ok(singletons::bool_obj(
        lock(expect_task(o, "_must_cancel")?).must_cancel,
    ))
}

fn g_coro(o: &PyObj) -> PyResult<PyObj> {
    Ok(lock(expect_task(o, "_coro")?)
        .coro
        .clone()
        .unwrap_or_else(singletons::none))
}

fn g_fut_waiter(o: &PyObj) -> PyResult<PyObj> {
    Ok(lock(expect_task(o, "_fut_waiter")?)
        .fut_waiter
        .clone()
        .unwrap_or_else(singletons::none))
}

/// Readies `Task` (once; after `Future`).
pub fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        future::ready();
        STEP_WRAPPER_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &[],
            &[GetSetDef::new(
                "__self__",
                |o| Ok(step_fields(o)?.task.clone()),
                None,
            )],
        );
        TASK_TYPE.ready_static(
            Some(&future::FUTURE_TYPE),
            &[
                MethodDef::new("cancel", m_cancel),
                MethodDef::new("cancelling", m_cancelling),
                MethodDef::new("uncancel", m_uncancel),
                MethodDef::new("get_coro", m_get_coro),
                MethodDef::new("get_name", m_get_name),
                MethodDef::new("set_name", m_set_name),
                MethodDef::new("set_result", m_set_result),
                MethodDef::new("set_exception", m_set_exception),
                MethodDef::new("get_stack", m_get_stack),
                MethodDef::new("print_stack", m_print_stack),
                MethodDef::class("__class_getitem__", future::class_getitem),
            ],
            &[
                GetSetDef::new(
                    "_log_destroy_pending",
                    g_log_destroy_pending,
                    Some(s_log_destroy_pending),
                ),
                GetSetDef::new("_must_cancel", g_must_cancel, None),
                GetSetDef::new("_coro", g_coro, None),
                GetSetDef::new("_fut_waiter", g_fut_waiter, None),
            ],
        );
    });
}
