//! `sys.settrace` and `sys.setprofile`: each thread's trace and profile functions and
//! the events the interpreter sends them, as CPython 3.11 does (Python/ceval.c:
//! `call_trace`, `call_trace_protected`, `trace_function_entry`,
//! `trace_function_exit`, `maybe_call_line_trace`, `call_exc_trace`, `C_TRACE`;
//! Python/sysmodule.c: `trace_trampoline`, `profile_trampoline`, `call_trampoline`).
//!
//! **Per thread.** A thread's functions live in its own state here; `sys.settrace`
//! sets the calling thread's only (`threading.settrace` records a function that each
//! new thread installs for itself when it starts).
//!
//! **Zero cost when unused.** The loop is compiled twice more than the JIT needs (a
//! const generic `TRACED`, see `eval::run_loop`): the untraced copy has no event
//! code. While the calling thread has a function set and is not inside one, it is
//! *active* ([`active`]), and its eval-breaker word carries [`BREAKER_BIT`]; the
//! untraced loop notices at the safe points it already polls (RESUME, backward
//! jumps) and after a native call (where `sys.settrace` itself returns), and hands
//! its frame over to the traced copy, which goes back the same way once the thread
//! is no longer active. A new loop invocation picks its copy from [`active`].
//!
//! **Events.** Trace function: `call` at each frame's RESUME (its start, and each
//! resumption of a generator or coroutine, a `throw()` included), whose result
//! becomes the frame's `f_trace`; then `line`, `return` (with the value returned or
//! yielded, None when an exception leaves the frame), `exception` (`(type, value,
//! traceback)`, where the exception is raised and in each frame it passes through,
//! re-raises excepted) and, with `f_trace_opcodes`, `opcode`, all sent to the frame's
//! `f_trace`, whose non-None results replace it. Profile function: `call`, `return`,
//! and `c_call`/`c_return`/`c_exception` around calls of built-in functions and
//! method descriptors; its results are ignored. Functions run untraced (the thread
//! is not active inside them). A function that raises is removed (`sys.settrace(None)`
//! or `sys.setprofile(None)`) and its exception propagates from the event.
//!
//! **Locals.** When a function reads a frame's `f_locals` during a call, the dict's
//! values are written back into the frame's fast locals after it (CPython 3.11's
//! `PyFrame_LocalsToFast` in `call_trampoline`, under `f_fast_as_locals`), so a
//! debugger may change a variable.
//!
//! **Jumps.** A trace function may assign `f_lineno` of the frame of a `line`
//! event (or of the `return` event of a `yield`) to move it to another line
//! ([`crate::jump`]); the loop then goes on at the frame's new instruction.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicUsize, Ordering};

use strand_compiler::bytecode::{self, Op};
use strand_heap::EvalBreaker;
use strand_objects::exceptions::{self as exc, PyErr};
use strand_objects::{abstract_ as ab, descr, singletons, str as pystr, tuple, PyObj, PyResult};

use crate::code::CodeData;
use crate::frame::Frame;

/// The eval-breaker bit that is set on a thread while it is [`active`], so that the
/// untraced loop hands over to the traced one at its next safe point.
pub(crate) const BREAKER_BIT: EvalBreaker = EvalBreaker::USER_0;

/// What a trace or profile function is told (CPython's `PyTrace_*` and their names).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Event {
    Call,
    Exception,
    Line,
    Return,
    CCall,
    CException,
    CReturn,
    Opcode,
}

impl Event {
    fn name(self) -> &'static str {
        match self {
            Event::Call => "call",
            Event::Exception => "exception",
            Event::Line => "line",
            Event::Return => "return",
            Event::CCall => "c_call",
            Event::CException => "c_exception",
            Event::CReturn => "c_return",
            Event::Opcode => "opcode",
        }
    }
}

/// Which of the thread's two functions an event goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Trace,
    Profile,
}

/// One thread's tracing state (CPython's `c_traceobj`, `c_profileobj`, `tracing`).
struct ThreadTrace {
    trace: RefCell<Option<PyObj>>,
    profile: RefCell<Option<PyObj>>,
    /// Trace or profile calls running on this thread (events are not sent inside
    /// them).
    tracing: Cell<u32>,
    /// A function is set and `tracing` is zero: the loop runs its traced copy.
    active: Cell<bool>,
    /// The event being sent (CPython's `tracing_what`; `PyTrace_CALL` between
    /// events): which events may assign `f_lineno`.
    what: Cell<Event>,
    /// The frame the event being sent is about (null between events).
    what_frame: Cell<*const Frame>,
    /// The event being sent is the `return` of a `yield` (its frame is suspended).
    what_suspended: Cell<bool>,
    /// `f_lineno` was assigned during the event being sent: the loop goes on at the
    /// frame's saved instruction ([`take_jump`]).
    jumped: Cell<bool>,
    /// `sys.settrace` and `sys.setprofile` are replacing the function (dropping the
    /// old one may run a `__del__` that calls them again: refused).
    installing: [Cell<bool>; 2],
}

/// How many threads are [`active`]: while none is, the untraced loop's check after a
/// native call is one load of this word ([`maybe_active`]).
static ACTIVE_THREADS: AtomicUsize = AtomicUsize::new(0);

impl Drop for ThreadTrace {
    fn drop(&mut self) {
        // A thread that ends while active no longer counts.
        if self.active.get() {
            ACTIVE_THREADS.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

thread_local! {
    static STATE: ThreadTrace = const {
        ThreadTrace {
            trace: RefCell::new(None),
            profile: RefCell::new(None),
            tracing: Cell::new(0),
            active: Cell::new(false),
            what: Cell::new(Event::Call),
            what_frame: Cell::new(std::ptr::null()),
            what_suspended: Cell::new(false),
            jumped: Cell::new(false),
            installing: [Cell::new(false), Cell::new(false)],
        }
    };
}

/// Whether the calling thread has a trace or profile function and is not running one:
/// frames must run in the traced loop.
#[inline(always)]
pub(crate) fn active() -> bool {
    STATE.with(|s| s.active.get())
}

/// Whether the calling thread may be [`active`]: false at the cost of one load of a
/// shared word while no thread is (the untraced loop's check after native calls).
#[inline(always)]
pub(crate) fn maybe_active() -> bool {
    ACTIVE_THREADS.load(Ordering::Relaxed) != 0 && active()
}

/// Recomputes [`active`], the count of active threads and the eval-breaker bit that
/// mirrors it.
fn refresh(s: &ThreadTrace) {
    let on = (s.trace.borrow().is_some() || s.profile.borrow().is_some()) && s.tracing.get() == 0;
    if on != s.active.get() {
        if on {
            ACTIVE_THREADS.fetch_add(1, Ordering::Relaxed);
        } else {
            ACTIVE_THREADS.fetch_sub(1, Ordering::Relaxed);
        }
    }
    s.active.set(on);
    if on {
        strand_heap::request_pending(BREAKER_BIT);
    } else {
        strand_heap::clear_pending(BREAKER_BIT);
    }
}

/// Clears a stale [`BREAKER_BIT`] (set while the thread is not active).
pub(crate) fn clear_stale_bit() {
    STATE.with(refresh);
}

/// `sys.settrace(func)` (None: `func` is `None`) for the calling thread.
pub(crate) fn settrace(func: Option<PyObj>) {
    let old = STATE.with(|s| {
        let old = s.trace.replace(func);
        refresh(s);
        old
    });
    // Dropped with the state consistent: a finalizer may run Python code.
    drop(old);
}

/// `sys.setprofile(func)` for the calling thread.
pub(crate) fn setprofile(func: Option<PyObj>) {
    let old = STATE.with(|s| {
        let old = s.profile.replace(func);
        refresh(s);
        old
    });
    drop(old);
}

/// `sys.settrace(func)` and `sys.setprofile(func)` (`profile`): as [`settrace`] and
/// [`setprofile`], refusing a call made while the same function is being replaced
/// on this thread (a `__del__` of the old function; CPython 3.11's `_PyEval_SetTrace`
/// and `_PyEval_SetProfile`, which also forget that they were busy when they refuse).
///
/// # Errors
/// `RuntimeError` for such a call.
pub(crate) fn install(func: Option<PyObj>, profile: bool) -> PyResult<()> {
    let busy = STATE.with(|s| s.installing[usize::from(profile)].replace(true));
    if busy {
        STATE.with(|s| s.installing[usize::from(profile)].set(false));
        let what = if profile { "profile" } else { "trace" };
        return Err(exc::runtime_error(format!(
            "Cannot install a {what} function while another {what} function is being installed"
        )));
    }
    if profile {
        setprofile(func);
    } else {
        settrace(func);
    }
    STATE.with(|s| s.installing[usize::from(profile)].set(false));
    Ok(())
}

/// `sys.gettrace()`: the calling thread's trace function, if any.
pub(crate) fn gettrace() -> Option<PyObj> {
    STATE.with(|s| s.trace.borrow().clone())
}

/// `sys.getprofile()`: the calling thread's profile function, if any.
pub(crate) fn getprofile() -> Option<PyObj> {
    STATE.with(|s| s.profile.borrow().clone())
}

/// `sys.call_tracing(func, args)`: calls `func(*args)` from a trace function with
/// the thread no longer inside one, so that a `sys.settrace` in it takes effect
/// (CPython's `_PyEval_CallTracing`; pdb's `debug` command). As in CPython 3.11,
/// `func` itself starts untraced.
///
/// # Errors
/// What the call raised.
pub(crate) fn call_tracing(func: &PyObj, args: &[PyObj]) -> PyResult<PyObj> {
    let saved = STATE.with(|s| s.tracing.replace(0));
    let r = ab::call(func, args, None);
    STATE.with(|s| {
        s.tracing.set(saved);
        refresh(s);
    });
    r
}

/// Whether events are being sent now (a function is set and none is running).
fn function(which: Which) -> Option<PyObj> {
    STATE.with(|s| {
        if s.tracing.get() != 0 {
            return None;
        }
        match which {
            Which::Trace => s.trace.borrow().clone(),
            Which::Profile => s.profile.borrow().clone(),
        }
    })
}

/// Whether the calling thread has a profile function (for `c_call` events).
fn profiling() -> bool {
    STATE.with(|s| s.tracing.get() == 0 && s.profile.borrow().is_some())
}

/// Runs `f` with events off (CPython's `PyThreadState_EnterTracing` and
/// `LeaveTracing`).
fn untraced<R>(f: impl FnOnce() -> R) -> R {
    STATE.with(|s| {
        s.tracing.set(s.tracing.get() + 1);
        refresh(s);
    });
    let r = f();
    STATE.with(|s| {
        s.tracing.set(s.tracing.get() - 1);
        refresh(s);
    });
    r
}

/// Sends `what` with `arg` about `frame` to the thread's trace or profile function
/// (CPython's `call_trace` with `trace_trampoline` or `profile_trampoline`).
fn call_trace(frame: &Frame, which: Which, what: Event, arg: &PyObj) -> PyResult<()> {
    call_trace_in(frame, which, what, arg, false)
}

/// [`call_trace`]; `suspended`: the event is the `return` of a `yield`.
fn call_trace_in(
    frame: &Frame,
    which: Which,
    what: Event,
    arg: &PyObj,
    suspended: bool,
) -> PyResult<()> {
    let Some(global) = function(which) else {
        return Ok(());
    };
    let fobj = crate::frame_object::of(frame);
    let callback = match (which, what) {
        (Which::Profile, _) | (Which::Trace, Event::Call) => global,
        (Which::Trace, _) => match crate::frame_object::trace(&fobj) {
            Some(t) => t,
            None => return Ok(()),
        },
    };
    // What the setter of `f_lineno` sees during the call (restored after it, as
    // CPython restores `tracing_what`).
    let saved = STATE.with(|s| {
        (
            s.what.replace(what),
            s.what_frame.replace(frame as *const Frame),
            s.what_suspended.replace(suspended),
        )
    });
    let r = untraced(|| call_trampoline(frame, &fobj, &callback, what, arg));
    STATE.with(|s| {
        s.what.set(saved.0);
        s.what_frame.set(saved.1);
        s.what_suspended.set(saved.2);
    });
    match r {
        Err(e) => {
            match which {
                Which::Trace => {
                    settrace(None);
                    crate::frame_object::set_trace(&fobj, None);
                }
                Which::Profile => setprofile(None),
            }
            Err(e)
        }
        Ok(result) => {
            if which == Which::Trace && !singletons::is_none(&result) {
                crate::frame_object::set_trace(&fobj, Some(result));
            }
            Ok(())
        }
    }
}

/// Calls `callback(frame, event, arg)`; when `f_locals` was read, the frame's locals
/// are refreshed before and written back after (CPython 3.11's `call_trampoline`
/// with `f_fast_as_locals`).
fn call_trampoline(
    frame: &Frame,
    fobj: &PyObj,
    callback: &PyObj,
    what: Event,
    arg: &PyObj,
) -> PyResult<PyObj> {
    // Locals read through `f_locals` before are read again (discarding changes not
    // written back); those read during the call are written back after it.
    if crate::frame_object::fast_as_locals(fobj) {
        frame.locals_mapping()?;
    }
    let args = [fobj.clone(), pystr::intern(what.name()), arg.clone()];
    let r = ab::call(callback, &args, None);
    if crate::frame_object::take_fast_as_locals(fobj) {
        frame.locals_to_fast();
    }
    r
}

/// `call` for the trace and the profile function: `frame` starts or resumes (CPython's
/// `trace_function_entry`).
///
/// # Errors
/// What a function raised.
pub(crate) fn call_event(frame: &Frame) -> PyResult<()> {
    let none = singletons::none();
    call_trace(frame, Which::Trace, Event::Call, &none)?;
    call_trace(frame, Which::Profile, Event::Call, &none)
}

/// `return` for the trace and the profile function: `frame` returns or yields `value`
/// (CPython's `trace_function_exit`).
///
/// # Errors
/// What a function raised (the frame then ends with that exception, handlers unrun).
pub(crate) fn return_event(frame: &Frame, value: &PyObj) -> PyResult<()> {
    call_trace(frame, Which::Trace, Event::Return, value)?;
    call_trace(frame, Which::Profile, Event::Return, value)
}

/// `return` for the trace and the profile function: the generator or coroutine
/// `frame` suspends at a `yield` (or `await`) of `value`. Its trace function may move
/// it to another line ([`take_jump`]).
///
/// # Errors
/// As [`return_event`].
pub(crate) fn yield_event(frame: &Frame, value: &PyObj) -> PyResult<()> {
    call_trace_in(frame, Which::Trace, Event::Return, value, true)?;
    call_trace(frame, Which::Profile, Event::Return, value)
}

/// Whether the trace function just assigned `f_lineno` of the frame of the event it
/// was sent (clearing the note): the frame's saved instruction, stack depth and
/// `instr` were moved, and the loop must go on from them (without events for the
/// instruction it lands on, as CPython's `DO_TRACING` re-dispatches).
#[inline]
pub(crate) fn take_jump() -> bool {
    STATE.with(|s| s.jumped.replace(false))
}

/// What `f_lineno`'s setter needs to know about the event being sent: its kind
/// (`Call` when none is, as in CPython), the frame it is about (null when none is being
/// sent) and whether that frame is suspended at a `yield`.
pub(crate) fn current_event() -> (Event, *const Frame, bool) {
    STATE.with(|s| (s.what.get(), s.what_frame.get(), s.what_suspended.get()))
}

/// Notes that `f_lineno` moved the frame of the event being sent ([`take_jump`]).
pub(crate) fn note_jump() {
    STATE.with(|s| s.jumped.set(true));
}

/// `return` with None: the exception `err` leaves `frame` (CPython's
/// `TRACE_FUNCTION_UNWIND`). Returns the exception to go on with: `err`, or what a
/// function raised instead.
pub(crate) fn unwind_event(frame: &Frame, err: PyErr) -> PyErr {
    match return_event(frame, &singletons::none()) {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// `exception` for the frame's trace function: `err` reached `frame` (CPython's
/// `call_exc_trace`). Returns the exception to go on with: `err`, or what the
/// function raised instead.
pub(crate) fn exception_event(frame: &Frame, err: PyErr) -> PyErr {
    if function(Which::Trace).is_none() {
        return err;
    }
    let value = err.value().clone();
    let tb = exc::payload(&value)
        .state()
        .traceback
        .clone()
        .unwrap_or_else(singletons::none);
    let arg = tuple::from_vec(vec![value.ty().to_obj(), value, tb]);
    match call_trace(frame, Which::Trace, Event::Exception, &arg) {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// `exception` for the frame's trace function about the StopIteration that ends a
/// `yield from` or `await` with `value` (traced, CPython 3.11's SEND resumes the
/// sub-iterator through `send()` or `__next__` and reports their StopIteration).
///
/// # Errors
/// What the trace function raised.
pub(crate) fn stop_iteration_event(frame: &Frame, value: &PyObj) -> PyResult<()> {
    if function(Which::Trace).is_none() {
        return Ok(());
    }
    let stop = exc::stop_iteration((!singletons::is_none(value)).then(|| value.clone()));
    let stop_value = stop.value().clone();
    let after = exception_event(frame, stop);
    if after.value().is(&stop_value) {
        Ok(())
    } else {
        Err(after)
    }
}

/// What the traced loop needs to know about a code object's lines (CPython's
/// `_PyCode_InitLineArray` and `_co_firsttraceable`).
pub(crate) struct LineMap {
    /// The line of each code unit, -1 where there is none.
    lines: Box<[i32]>,
    /// The first instruction that is traced: the RESUME after the prologue that makes
    /// cells and copies free variables.
    first_traceable: usize,
    /// The code units where a loop's closing jump starts: a JUMP_BACKWARD on the line
    /// it jumps to. They send no `line` event (CPython 3.11 compiles that jump with
    /// the line of the statement before it; its target's `line` event follows).
    closing_jumps: Box<[bool]>,
}

impl LineMap {
    fn new(data: &CodeData) -> LineMap {
        let code = &data.code;
        let lines = (0..code.code.len())
            .map(|pc| code.lines.line_of(pc).map_or(-1, |l| l as i32))
            .collect();
        let lines: Box<[i32]> = lines;
        let ins = bytecode::instructions(&code.code).unwrap_or_default();
        let first_traceable = ins
            .iter()
            .find(|i| i.op == Op::RESUME)
            .map_or(0, |i| i.offset);
        let mut closing_jumps = vec![false; code.code.len()].into_boxed_slice();
        for i in ins.iter().filter(|i| i.op == Op::JUMP_BACKWARD) {
            let target = i.next_offset().checked_sub(i.arg as usize);
            let line = |pc: usize| lines.get(pc).copied().unwrap_or(-1);
            if target.is_some_and(|t| line(t) == line(i.offset)) {
                closing_jumps[i.offset] = true;
            }
        }
        LineMap {
            lines,
            first_traceable,
            closing_jumps,
        }
    }

    fn line(&self, pc: usize) -> i32 {
        self.lines.get(pc).copied().unwrap_or(-1)
    }
}

/// `line` and `opcode` for the frame's trace function before the instruction at `pc`
/// runs; `prev` is the instruction the frame ran before it (unknown: `None`), `send`
/// says whether this one is SEND (CPython's `maybe_call_line_trace`): `line` when the
/// instruction's line differs from the previous instruction's or it was jumped to
/// backwards (except the jump back to SEND of `yield from`), unless `f_trace_lines`
/// is false; `opcode` for every instruction while `f_trace_opcodes` is true.
///
/// # Errors
/// What the trace function raised.
pub(crate) fn line_event(
    frame: &Frame,
    pc: usize,
    prev: Option<usize>,
    send: bool,
) -> PyResult<()> {
    if function(Which::Trace).is_none() {
        return Ok(());
    }
    let data = frame.data();
    let map = data.trace_lines.get_or_init(|| LineMap::new(data));
    if pc < map.first_traceable {
        return Ok(());
    }
    let fobj = crate::frame_object::of(frame);
    let (lines, opcodes) = crate::frame_object::trace_flags(&fobj);
    let lastline = match prev {
        Some(p) if p > map.first_traceable => map.line(p),
        _ => -1,
    };
    let line = map.line(pc);
    let closing = map.closing_jumps.get(pc).copied().unwrap_or(false);
    if line != -1 && lines && !closing {
        let back = prev.is_some_and(|p| pc < p) && !send;
        if line != lastline || back {
            call_trace(frame, Which::Trace, Event::Line, &singletons::none())?;
        }
    }
    if opcodes {
        call_trace(frame, Which::Trace, Event::Opcode, &singletons::none())?;
    }
    Ok(())
}

/// Calls the native callable `callable` with `args` through `call`, sending `c_call`
/// before and `c_return` or `c_exception` after to the profile function when it is a
/// built-in function, or a method descriptor with a `self` (then bound to it first,
/// and called with the other arguments), as CPython's `trace_call_function` and
/// `do_call_core` do. Anything else is simply called.
///
/// # Errors
/// What the call or the profile function raised.
pub(crate) fn call_native(
    frame: &Frame,
    callable: &PyObj,
    args: &[PyObj],
    call: impl FnOnce(&PyObj, &[PyObj]) -> PyResult<PyObj>,
) -> PyResult<PyObj> {
    if !profiling() {
        return call(callable, args);
    }
    if callable.is_exact(&descr::BUILTIN_FUNCTION_TYPE) {
        return c_trace(frame, callable, || call(callable, args));
    }
    if callable.is_exact(&descr::METHOD_DESCR_TYPE) && !args.is_empty() {
        let get = callable
            .ty()
            .slots()
            .descr_get
            .ok_or_else(|| exc::system_error("method descriptor without __get__"))?;
        let bound = get(callable, Some(&args[0]), &args[0].ty().to_obj())?;
        return c_trace(frame, &bound, || call(&bound, &args[1..]));
    }
    call(callable, args)
}

/// CPython's `C_TRACE`: `c_call`, the call, then `c_return` or `c_exception` (the
/// latter two only while the profile function is still set).
fn c_trace(frame: &Frame, func: &PyObj, call: impl FnOnce() -> PyResult<PyObj>) -> PyResult<PyObj> {
    call_trace(frame, Which::Profile, Event::CCall, func)?;
    let r = call();
    if !profiling() {
        return r;
    }
    match r {
        Ok(v) => {
            call_trace(frame, Which::Profile, Event::CReturn, func)?;
            Ok(v)
        }
        Err(e) => match call_trace(frame, Which::Profile, Event::CException, func) {
            Ok(()) => Err(e),
            Err(e2) => Err(e2),
        },
    }
}
