//! The interpreter loop (Python/ceval.c, Python/bytecodes.c).
//!
//! **Registers.** The loop keeps three values in local variables: the frame it runs,
//! the instruction pointer (`ip`) and the value stack pointer (`sp`); the slots, the
//! bytecode copy and the constants are reached from the frame (so that the three can
//! stay in machine registers). `ip` and `sp` are written back to the frame (`next`, `depth`) only when the frame stops
//! being the one the loop runs: a call that pushes a callee, a yield. The opcode unit
//! of every instruction goes to `frame.instr` as it starts, for tracebacks and for
//! anyone who asks where a frame is (`f_lineno` of a caller); the collector needs
//! no depth, since slots above the stack are null (see `frame.rs`).
//!
//! **Stack bounds.** Pushes and pops are unchecked pointer moves. That is sound
//! because the compiler computes each code object's maximum stack depth by flow
//! analysis and every instruction's stack effect here is the one the compiler
//! assumed (`strand_compiler::codegen::stack_effect`); debug builds check every
//! compiled code object ([`strand_compiler::verify`]) and every push.
//!
//! **Calls without recursion.** A CALL of a Python function pushes the callee's frame
//! on the thread's data stack, moves the arguments into it, and continues the loop
//! in the callee; RETURN_VALUE pops it and continues in the caller (CPython 3.11's
//! "inlined" calls). Only native code calling Python (the eval hook, `__build_class__`,
//! generators being resumed) starts a loop invocation of its own, with an *entry*
//! frame whose return leaves the loop.
//!
//! **Exceptions** are zero-cost: an exception looks up the code's exception table,
//! cuts the value stack to the handler's depth and jumps there; otherwise it leaves
//! the frame, for its caller (the same invocation, unless it was the entry frame).
//! Each frame an exception passes through adds a traceback entry (kept on the
//! exception as a list of `(filename, line, name, frame id, end line, column, end
//! column)` tuples), and an exception raised while another is handled gets it as
//! `__context__`.
//!
//! Backward jumps and function entry (RESUME) are safe points
//! (`strand_heap::safepoint`), so stop-the-world requests and scheduled collections
//! are served from running code. Hot instructions specialize in place, in each
//! thread's own copy of the bytecode (`specialize`, `tlbc`).
//!
//! The loop knows neither the builtins nor the import system by name: it finds
//! `__build_class__` and `__import__` in the frame's builtins, as CPython does, so a
//! program may replace them.

use std::cell::Cell;
use std::ptr::NonNull;

use num_bigint::BigInt;
use strand_objects::abstract_::{self as ab, BinOp};
use strand_objects::exceptions::{self as exc, type_error, PyErr};
use strand_objects::typeobj::CompareOp;
use strand_objects::{
    dict, function, inline_values, int, list, singletons, str as pystr, tuple, PyObj, PyResult,
};

use strand_compiler::bytecode::{self, BinaryOpArg, Op, BINARY_OP_INPLACE};

use crate::call::{
    bind_arguments, bind_positional_defaults, exact_positional, is_generator_code, make_generator,
};
use crate::exc_info::swap_current_exception;
use crate::frame::{push_frame, OwnedFrame};
pub(crate) use crate::frame::{Frame, Outcome};
use crate::record::{Recorder, Step};
use crate::specialize::{self, Cache};
use crate::stackref::{Borrowed, StackRef};

pub use crate::call::{call_function, run_class_body};

/// Runs module-level code with `globals` as its namespace.
///
/// # Errors
/// The exception the code raised.
pub fn run_code(code: &PyObj, globals: &PyObj) -> PyResult<PyObj> {
    run_code_in(code, globals, globals)
}

/// The builtins namespace for code run in `globals` (CPython's
/// `_PyEval_BuiltinsFromGlobals`): `globals['__builtins__']` (a module's dict, or the
/// mapping itself), which is first set to the `builtins` module when missing.
pub(crate) fn builtins_from_globals(globals: &PyObj) -> PyObj {
    match dict::get_item_str(globals, "__builtins__") {
        Some(b) if b.is_instance_of(&strand_objects::module::MODULE_TYPE) => {
            strand_objects::module::module_dict(&b)
        }
        Some(b) if dict::is_dict(&b) => b,
        Some(_) => crate::state::builtins_dict(),
        None => {
            dict::set_item_str(globals, "__builtins__", crate::state::builtins_module());
            crate::state::builtins_dict()
        }
    }
}

/// Runs a code object with separate globals and locals mappings (`exec`/`eval` with
/// explicit namespaces); `__builtins__` is added to `globals` if missing.
///
/// # Errors
/// The exception the code raised.
pub fn run_code_in(code: &PyObj, globals: &PyObj, locals: &PyObj) -> PyResult<PyObj> {
    let builtins = builtins_from_globals(globals);
    let fp = push_frame(code, globals, &builtins, Some(locals.clone()), None);
    crate::call::run_entry_frame(fp)
}

/// Runs a code object that has free variables with separate globals and locals
/// mappings, its free variables bound to `closure`'s cells (`exec(code,
/// closure=...)`; CPython's `PyEval_EvalCodeEx`, which makes a function for the
/// frame the same way). The caller has checked that `closure` is a tuple of exactly
/// as many cells as the code has free variables.
///
/// # Errors
/// The exception the code raised.
pub fn run_closure_code_in(
    code: &PyObj,
    globals: &PyObj,
    locals: &PyObj,
    closure: &PyObj,
) -> PyResult<PyObj> {
    let builtins = builtins_from_globals(globals);
    let func = function::new_function(code.clone(), globals.clone(), builtins);
    // SAFETY: the function was just made and nobody else sees it yet.
    unsafe { function::init_function_extras(&func, None, None, Some(closure.clone()), None) };
    crate::call::run_entry_frame(crate::call::push_function_frame(
        &func,
        Some(locals.clone()),
    ))
}

/// Runs (or resumes) `entry` as a loop invocation of its own until it returns or
/// yields. With `throw`, the exception is raised at the frame's current instruction
/// first (generator `throw()`). The frame is linked into the thread's frame chain
/// meanwhile and must not move.
pub(crate) fn resume(entry: &Frame, throw: Option<PyErr>) -> PyResult<Outcome> {
    let guard = ab::enter_recursive_call("")?;
    let below = crate::frame::link(entry);
    entry.is_entry.set(true);
    entry.start_running();
    let r = run(entry, throw);
    crate::frame::set_chain_top(below);
    drop(guard);
    r
}

/// The loop. See the module documentation. The frames run in the untraced loop, or
/// in the traced one while the thread has a trace or profile function
/// ([`crate::sys_trace`]); each hands the frame it runs over to the other when that
/// changes.
fn run(entry: &Frame, throw: Option<PyErr>) -> PyResult<Outcome> {
    let mut at: *const Frame = entry;
    let mut throw = throw;
    loop {
        // SAFETY: `at` is the entry frame or a frame the loop handed over, linked into
        // this thread's chain above it.
        let fm = unsafe { &*at };
        let exit = if crate::sys_trace::active() {
            run_loop::<false, true>(fm, throw.take(), None)?
        } else {
            run_loop::<false, false>(fm, throw.take(), None)?
        };
        match exit {
            LoopExit::Done(o) => return Ok(o),
            LoopExit::Switch(f) => at = f,
            // Only a recording loop hands over, and only to the loop that started it.
            LoopExit::Handoff(_) => {
                return Err(exc::system_error(
                    "a trace recording ended outside its loop",
                ))
            }
        }
    }
}

/// How a loop invocation ended.
enum LoopExit {
    /// Its entry frame returned or yielded.
    Done(Outcome),
    /// The recording loop stopped recording; the normal loop goes on in this frame,
    /// at its saved instruction.
    Handoff(*const Frame),
    /// The thread started or stopped tracing ([`crate::sys_trace::active`]): the
    /// other copy of the loop goes on in this frame, at its saved instruction.
    Switch(*const Frame),
}

/// The loop, in its normal mode or (`RECORDING`) recording the instructions of a hot
/// loop's iteration with `rec` before running each (see [`crate::record`]). The
/// normal loop starts the recording loop at a hot JUMP_BACKWARD, on the same frames,
/// and goes on from where it stopped.
///
/// `TRACED` is the copy that sends `sys.settrace` and `sys.setprofile` events
/// ([`crate::sys_trace`]): `call` at RESUME, `line`/`opcode` before each instruction,
/// `return` at RETURN_VALUE, YIELD_VALUE and when an exception leaves a frame,
/// `exception` where an exception reaches a frame, and the profile function's `c_*`
/// events around native calls, which it makes without their specialized shortcuts. It
/// never runs compiled traces. The untraced copy checks whether tracing started at
/// its safe points (the eval-breaker bit) and after native calls, and hands over
/// ([`LoopExit::Switch`]); the traced copy hands back at the same places.
fn run_loop<const RECORDING: bool, const TRACED: bool>(
    entry: &Frame,
    throw: Option<PyErr>,
    mut rec: Option<&mut Recorder>,
) -> PyResult<LoopExit> {
    let mut f: *const Frame = entry;
    // The thread's data stack and frame chain, for the calls this invocation runs.
    let tf = crate::frame::ThreadFrames::current();
    let mut ip: *const Cell<u16>;
    let mut sp: *mut StackRef;
    // KW_NAMES' operand, until the CALL after it takes it. Live through every
    // instruction but used by two, it is kept in memory (its address escapes through
    // `black_box`) rather than in a register the compiler would save and reload
    // around every dispatch.
    let kw_names: Cell<Option<PyObj>> = Cell::new(None);
    std::hint::black_box(&kw_names);
    // Whether KW_NAMES' operand is waiting for its CALL.
    macro_rules! kw_names_pending {
        () => {
            // SAFETY: the cell is this invocation's; no reference into it is alive.
            unsafe { (*kw_names.as_ptr()).is_some() }
        };
    }
    let mut pending = throw;
    // The frame being unwound leaves without its handlers, traceback entry or events
    // (a trace function raised at its `return`: CPython's `exit_unwind`).
    let mut exit_unwind = false;
    // Traced: a trace function moved the frame (`f_lineno`); the instruction it lands
    // on runs without events (CPython's DO_TRACING re-dispatches to it).
    let mut jumped = false;
    // A RERAISE that restored the frame's instruction to where the exception was first
    // raised (CPython's `f_lasti` restoring): its own offset, where handlers are
    // looked up.
    let mut reraise_at: Option<usize> = None;
    debug_assert!(!(RECORDING && TRACED), "the recording loop is never traced");

    // The frame being run.
    macro_rules! fr {
        () => {
            // SAFETY: `f` is linked into this thread's chain and stays allocated
            // until this loop pops it.
            unsafe { &*f }
        };
    }
    // The first locals-plus slot, the bytecode copy and the constants of the frame
    // being run: derived from the frame rather than kept in registers of their own.
    macro_rules! locals {
        () => {
            fr!().slots_ptr()
        };
    }
    macro_rules! base {
        () => {
            fr!().bytecode.get()
        };
    }
    macro_rules! consts {
        () => {
            fr!().consts()
        };
    }
    // Loads the registers from the frame (it starts, resumes, or is returned to);
    // `ip` only with `load_regs!(ip)`, an unwinding needs no instruction pointer.
    macro_rules! load_regs {
        () => {{
            let fm = fr!();
            // SAFETY: `depth` is a stack depth within the frame's slots.
            sp = unsafe { fm.slots_ptr().add(fm.nlocalsplus() + fm.stack_depth()) };
        }};
        (ip) => {{
            load_regs!();
            let fm = fr!();
            // SAFETY: `next` is an instruction offset within the bytecode copy.
            ip = unsafe { fm.bytecode.get().add(fm.next.get() as usize) };
        }};
    }
    // Saves the registers into the frame (another frame runs above it, or it yields).
    macro_rules! save_regs {
        () => {{
            let fm = fr!();
            let (base, bottom) = (base!(), fm.slots_ptr().wrapping_add(fm.nlocalsplus()));
            // SAFETY: `ip` and `sp` point into the frame's bytecode copy and slots.
            unsafe {
                fm.next.set(ip.offset_from(base) as u32);
                fm.depth.set(sp.offset_from(bottom) as u32);
            }
        }};
    }
    // Value-stack operations. SAFETY (every use): the compiler's maximum stack depth
    // bounds every push (the module docs), and an instruction pops only what it or an
    // earlier one pushed; popped slots are left null (the frame invariant).
    macro_rules! push {
        ($v:expr) => {{
            let v: StackRef = $v;
            debug_assert!(
                {
                    let fm = fr!();
                    let limit = locals!()
                        .wrapping_add(fm.nlocalsplus() + fm.data().code.max_stack as usize);
                    sp < limit
                },
                "value stack overflow"
            );
            // SAFETY: see above.
            unsafe {
                sp.write(v);
                sp = sp.add(1);
            }
        }};
    }
    macro_rules! pop {
        () => {{
            // SAFETY: see above.
            unsafe {
                sp = sp.sub(1);
                std::ptr::replace(sp, StackRef::NULL)
            }
        }};
    }
    macro_rules! pop_obj {
        () => {
            pop!()
                .into_owned()
                .expect("null on the value stack (compiler bug)")
        };
    }
    // The `k`-th slot from the top (1 = top).
    macro_rules! slot {
        ($k:expr) => {{
            // SAFETY: see above.
            unsafe { &mut *sp.sub($k) }
        }};
    }
    macro_rules! peek {
        ($k:expr) => {
            slot!($k).view()
        };
    }
    // Replaces the top `n` values with `v` (the old ones dropped once the stack is
    // consistent again).
    macro_rules! replace_top {
        ($n:expr, $v:expr) => {{
            let v: StackRef = $v;
            let n: usize = $n;
            let old = std::mem::replace(slot!(n), v);
            for _ in 1..n {
                drop(pop!());
            }
            drop(old);
        }};
    }
    // The cache of the instruction executing.
    macro_rules! cache {
        ($op:expr) => {{
            let at = fr!().instr.get();
            // SAFETY: `at` is this instruction's opcode unit in the frame's bytecode
            // copy, which has `cache_entries()` cache units after it.
            unsafe { Cache::at_ptr(at, $op.cache_entries()) }
        }};
    }
    // The bytecode copy and the instruction's offset in it, for the specializer.
    macro_rules! code_and_at {
        () => {{
            let fm = fr!();
            let (len, base) = (fm.data().code.code.len(), base!());
            // SAFETY: `base` is the frame's copy, `len` units long; `instr` is in it.
            unsafe {
                (
                    std::slice::from_raw_parts(base, len),
                    fm.instr.get().offset_from(base) as usize,
                )
            }
        }};
    }
    // Counts down the adaptive counter of a generic instruction of `family`; true
    // when it reached zero (time to specialize).
    macro_rules! tick {
        ($family:expr) => {{
            let cache = cache!($family);
            match cache.counter() {
                0 => true,
                c => {
                    cache.set_counter(c - 1);
                    false
                }
            }
        }};
    }
    // A specialized instruction of `family` missed its guard (its generic code runs
    // next).
    macro_rules! miss {
        ($family:expr) => {{
            let cache = cache!($family);
            let (code, at) = code_and_at!();
            specialize::miss(code, at, &cache, $family);
        }};
    }
    macro_rules! skip_caches {
        ($op:expr) => {
            // SAFETY: the instruction's cache units follow it.
            unsafe { ip = ip.add($op.cache_entries()) }
        };
    }
    macro_rules! jump_forward {
        ($n:expr) => {
            // SAFETY: the compiler's jump targets are instructions of this code.
            unsafe { ip = ip.add($n) }
        };
    }

    // Hands the frame over to the other copy of the loop (see `LoopExit::Switch`),
    // at `ip`, when the thread's tracing does not match this copy.
    macro_rules! switch_if_changed {
        () => {
            if !RECORDING
                && (if TRACED {
                    !crate::sys_trace::active()
                } else {
                    crate::sys_trace::maybe_active()
                })
            {
                save_regs!();
                return Ok(LoopExit::Switch(f));
            }
        };
    }

    load_regs!(ip);
    if TRACED && pending.is_some() {
        // A generator resumed by `throw()`: `call`, then the exception (CPython's
        // TRACE_FUNCTION_THROW_ENTRY).
        if let Err(e) = crate::sys_trace::call_event(fr!()) {
            pending = Some(e);
            exit_unwind = true;
        }
    }
    loop {
        let err: PyErr = match pending.take() {
            Some(e) => e,
            None => 'dispatch: loop {
                // `Ok(v) => v`, `Err(e)` => unwind.
                macro_rules! tri {
                    ($e:expr) => {
                        match $e {
                            Ok(v) => v,
                            Err(e) => break 'dispatch e,
                        }
                    };
                }
                // A safe point; the untraced loop hands over to the traced one here
                // (at `ip`) when the thread started tracing.
                macro_rules! safepoint {
                    () => {{
                        let bits = strand_heap::safepoint();
                        if !bits.is_empty() {
                            tri!(crate::signals::handle_breaker(bits));
                            if !TRACED && bits.contains(crate::sys_trace::BREAKER_BIT) {
                                if crate::sys_trace::active() {
                                    switch_if_changed!();
                                } else {
                                    crate::sys_trace::clear_stale_bit();
                                }
                            }
                        }
                        if TRACED {
                            switch_if_changed!();
                        }
                    }};
                }
                // Where the instruction (with its EXTENDED_ARG prefixes) starts.
                let start = ip;
                // SAFETY: `ip` is at an instruction of the frame's bytecode copy.
                let word = unsafe { (*ip).get() };
                let prev_instr = if TRACED {
                    fr!().instr.get()
                } else {
                    std::ptr::null()
                };
                fr!().instr.set(ip);
                // SAFETY: as above; the instruction's caches or the next one follow.
                ip = unsafe { ip.add(1) };
                let mut op = opcode_of(word);
                let mut arg = usize::from(word >> 8);
                let landed = TRACED && std::mem::take(&mut jumped);
                if TRACED && op != Op::RESUME && !landed {
                    // `line` and `opcode` events (RESUME sends `call` instead).
                    let b = base!();
                    let len = fr!().data().code.code.len();
                    // SAFETY: `start` is in the frame's bytecode copy.
                    let pc = unsafe { start.offset_from(b) } as usize;
                    // The previous instruction, if it was in this copy (a generator
                    // resumed on another thread ran another copy before).
                    let prev = (prev_instr as usize)
                        .checked_sub(b as usize)
                        .map(|d| d / std::mem::size_of::<Cell<u16>>())
                        .filter(|&p| p < len);
                    save_regs!();
                    let r = crate::sys_trace::line_event(fr!(), pc, prev, op == Op::SEND);
                    if crate::sys_trace::take_jump() {
                        // `f_lineno` was set: go on at the frame's new instruction
                        // (or raise there, with the stack it has now).
                        load_regs!(ip);
                        kw_names.set(None);
                        tri!(r);
                        jumped = true;
                        continue 'dispatch;
                    }
                    tri!(r);
                }
                #[cfg(feature = "pystats")]
                crate::stats::execution(op);
                // A specialized LOAD_ATTR form whose guard failed (its caches already
                // skipped): a new entry for the owner's type, or a miss, then the
                // generic lookup.
                macro_rules! load_attr_miss {
                    ($cache:expr) => {{
                        let name = name_ref(fr!(), arg >> 1);
                        let (code, at) = code_and_at!();
                        if !specialize::extend_load_attr(
                            code,
                            at,
                            op,
                            &peek!(1),
                            name,
                            arg & 1 == 1,
                        ) {
                            specialize::miss(code, at, &$cache, Op::LOAD_ATTR);
                        }
                        let (a, b) = tri!(load_attr_generic(fr!(), &peek!(1), arg));
                        replace_top!(1, a);
                        if let Some(b) = b {
                            push!(b);
                        }
                    }};
                }
                'exec: loop {
                    if RECORDING && op != Op::EXTENDED_ARG && !kw_names_pending!() {
                        if let Some(r) = rec.as_deref_mut() {
                            if crate::sys_trace::active() {
                                // Tracing started: the traced loop runs the rest.
                                r.abort("sys.settrace");
                            }
                            let b = base!();
                            // SAFETY: `start` is in the frame's bytecode copy.
                            let pc = unsafe { start.offset_from(b) } as u32;
                            if let Step::Stop = r.record(fr!(), pc, op, arg, sp) {
                                // The instruction runs in the normal loop.
                                ip = start;
                                save_regs!();
                                return Ok(LoopExit::Handoff(f));
                            }
                        }
                    }
                    match op {
                        Op::EXTENDED_ARG => {
                            // SAFETY: EXTENDED_ARG always prefixes an instruction.
                            let w = unsafe { (*ip).get() };
                            fr!().instr.set(ip);
                            // SAFETY: as above.
                            ip = unsafe { ip.add(1) };
                            op = opcode_of(w);
                            arg = (arg << 8) | usize::from(w >> 8);
                            continue 'exec;
                        }
                        Op::NOP => {}
                        Op::CACHE => {
                            // Cache units are skipped: reaching one (or an unassigned
                            // byte, which the fetch maps here) means corrupt bytecode.
                            break 'dispatch corrupt_bytecode(fr!());
                        }
                        Op::RESUME => {
                            if TRACED && !landed {
                                save_regs!();
                                tri!(crate::sys_trace::call_event(fr!()));
                            } else {
                                // Tracing starts at this RESUME: the traced loop
                                // runs it again, for its `call` event.
                                let here = ip;
                                // The untraced copies read the instruction's start
                                // back from the frame (RESUME's argument never needs
                                // an EXTENDED_ARG), so `start` is not kept live
                                // through every instruction there.
                                ip = if TRACED || RECORDING {
                                    start
                                } else {
                                    fr!().instr.get()
                                };
                                safepoint!();
                                ip = here;
                            }
                            if TRACED {
                                safepoint!();
                            }
                        }
                        Op::POP_TOP => drop(pop!()),
                        Op::PUSH_NULL => push!(StackRef::NULL),
                        Op::COPY => {
                            let v = slot!(arg).clone();
                            push!(v);
                        }
                        Op::SWAP => {
                            // SAFETY: both slots are on the stack (stack effects).
                            unsafe { std::ptr::swap(sp.sub(1), sp.sub(arg)) };
                        }
                        Op::LOAD_CONST => {
                            // SAFETY: the compiler's constant indices are in range.
                            let c = consts!().wrapping_add(arg);
                            // SAFETY: as above.
                            let c = unsafe { &*c };
                            push!(StackRef::new_ref(c));
                        }
                        Op::RETURN_VALUE | Op::RETURN_CONST => {
                            let v = if op == Op::RETURN_VALUE {
                                pop_obj!()
                            } else {
                                // SAFETY: as for LOAD_CONST.
                                let c = consts!().wrapping_add(arg);
                                // SAFETY: as for LOAD_CONST.
                                unsafe { (*c).clone() }
                            };
                            if TRACED {
                                save_regs!();
                                if let Err(e) = crate::sys_trace::return_event(fr!(), &v) {
                                    drop(v);
                                    exit_unwind = true;
                                    break 'dispatch e;
                                }
                            }
                            if fr!().is_entry.get() {
                                fr!().depth.set(0);
                                return Ok(LoopExit::Done(Outcome::Return(v)));
                            }
                            if fr!().is_gen_in_loop() {
                                // A generator resumed by FOR_ITER finished: its loop
                                // ends, or the error is raised at the FOR_ITER.
                                let (caller, r) = return_gen_in_loop(tf, fr!(), v);
                                f = caller;
                                load_regs!(ip);
                                tri!(r);
                                break 'exec;
                            }
                            // Back to the caller, in this invocation.
                            let init_self = fr!().take_init_self();
                            f = leave_frame(tf, fr!());
                            load_regs!(ip);
                            let v = match init_self {
                                None => v,
                                // `__init__` of CALL_ALLOC_AND_ENTER_INIT: the instance
                                // is the call's value.
                                Some(obj) if singletons::is_none(&v) => obj,
                                Some(_) => break 'dispatch init_returned(&v),
                            };
                            push!(StackRef::from_owned(v));
                        }
                        Op::YIELD_VALUE => {
                            let v = pop_obj!();
                            debug_assert!(
                                fr!().is_entry.get() || fr!().is_gen_in_loop(),
                                "yield in an inlined frame"
                            );
                            save_regs!();
                            if TRACED {
                                if let Err(e) = crate::sys_trace::yield_event(fr!(), &v) {
                                    if crate::sys_trace::take_jump() {
                                        // Moved, then raised: unwind its new stack.
                                        load_regs!();
                                    }
                                    drop(v);
                                    exit_unwind = true;
                                    break 'dispatch e;
                                }
                                // A move (`f_lineno`) left the frame where it resumes.
                                crate::sys_trace::take_jump();
                            }
                            if fr!().is_gen_in_loop() {
                                // Back to the FOR_ITER that resumed the generator.
                                f = yield_gen_in_loop(tf, fr!());
                                load_regs!(ip);
                                push!(StackRef::from_owned(v));
                                break 'exec;
                            }
                            return Ok(LoopExit::Done(Outcome::Yield(v)));
                        }
                        Op::GET_LEN => {
                            let n = tri!(ab::len(&peek!(1)));
                            push!(StackRef::from_owned(int::from_usize(n)));
                        }
                        Op::MATCH_MAPPING | Op::MATCH_SEQUENCE => {
                            let v = peek!(1);
                            let yes = if op == Op::MATCH_MAPPING {
                                crate::matching::is_mapping(&v)
                            } else {
                                crate::matching::is_sequence(&v)
                            };
                            push!(StackRef::from_owned(int::bool_obj(yes)));
                        }
                        Op::MATCH_KEYS => {
                            let r = tri!(crate::matching::match_keys(&peek!(2), &peek!(1)));
                            push!(StackRef::from_owned(r));
                        }
                        Op::MATCH_CLASS => {
                            let r = tri!(crate::matching::match_class(
                                &peek!(3),
                                &peek!(2),
                                arg,
                                &peek!(1)
                            ));
                            replace_top!(3, StackRef::from_owned(r));
                        }
                        Op::COPY_DICT_WITHOUT_KEYS => {
                            let r = tri!(crate::matching::copy_without_keys(&peek!(2), &peek!(1)));
                            replace_top!(1, StackRef::from_owned(r));
                        }
                        Op::GET_YIELD_FROM_ITER => {
                            let v = peek!(1);
                            if !crate::generator::is_generator(&v) {
                                let it = tri!(ab::iter(&v));
                                replace_top!(1, StackRef::from_owned(it));
                            }
                        }
                        Op::PRINT_EXPR => {
                            tri!(print_expr(&peek!(1)));
                            drop(pop!());
                        }
                        Op::GET_AWAITABLE => {
                            let it = tri!(crate::generator::get_awaitable(&peek!(1), arg));
                            replace_top!(1, StackRef::from_owned(it));
                        }
                        Op::GET_AITER => {
                            let it = tri!(crate::async_iter::get_aiter(&peek!(1)));
                            replace_top!(1, StackRef::from_owned(it));
                        }
                        Op::GET_ANEXT => {
                            let aw = tri!(crate::async_iter::get_anext(&peek!(1)));
                            push!(StackRef::from_owned(aw));
                        }
                        Op::END_ASYNC_FOR => {
                            let e = pop_obj!();
                            if !e.is_instance_of(&exc::STOP_ASYNC_ITERATION_TYPE) {
                                // Re-raised as it is (see the unwinding below).
                                break 'dispatch PyErr::from_value(e);
                            }
                            drop(e);
                            drop(pop!());
                        }
                        Op::ASYNC_GEN_WRAP => {
                            let v = pop_obj!();
                            push!(StackRef::from_owned(crate::asyncgen::wrap_value(v)));
                        }
                        Op::BEFORE_ASYNC_WITH => {
                            let (exit, res) = tri!(before_async_with(&peek!(1)));
                            replace_top!(1, StackRef::from_owned(exit));
                            push!(StackRef::from_owned(res));
                        }
                        Op::SEND => {
                            skip_caches!(Op::SEND);
                            let v = pop_obj!();
                            let sent = TRACED && !singletons::is_none(&v);
                            match tri!(crate::generator::send_to(&peek!(1), v)) {
                                Outcome::Yield(x) => push!(StackRef::from_owned(x)),
                                Outcome::Return(r) => {
                                    if TRACED && (sent || !singletons::is_none(&r)) {
                                        // Traced, CPython 3.11 sends through `send()` or
                                        // `__next__`, whose StopIteration is an event.
                                        save_regs!();
                                        tri!(crate::sys_trace::stop_iteration_event(fr!(), &r));
                                    }
                                    replace_top!(1, StackRef::from_owned(r));
                                    jump_forward!(arg);
                                }
                            }
                        }
                        Op::LOAD_FAST | Op::LOAD_FAST_CHECK => {
                            // SAFETY: the compiler's local indices are in range.
                            let l = locals!().wrapping_add(arg);
                            // SAFETY: as above.
                            let v = unsafe { (*l).clone() };
                            if v.is_null() {
                                break 'dispatch unbound_local(fr!(), arg);
                            }
                            push!(v);
                        }
                        Op::LOAD_FAST_BORROW => {
                            // SAFETY: as above.
                            let l = locals!().wrapping_add(arg);
                            // SAFETY: as above.
                            let v = unsafe { (*l).borrow() };
                            if v.is_null() {
                                break 'dispatch unbound_local(fr!(), arg);
                            }
                            push!(v);
                        }
                        Op::STORE_FAST => {
                            let v = pop!();
                            // SAFETY: as above; the old value is dropped after the
                            // store, with the frame consistent.
                            let l = locals!().wrapping_add(arg);
                            // SAFETY: see above.
                            let old = unsafe { std::ptr::replace(l, v) };
                            drop(old);
                        }
                        // CPython 3.13's superinstructions (compiler/src/codegen/superinstr.rs):
                        // two fast-local loads or stores, locals `arg >> 4` then `arg & 15`.
                        Op::LOAD_FAST_LOAD_FAST => {
                            for local in [arg >> 4, arg & 15] {
                                let l = locals!().wrapping_add(local);
                                // SAFETY: as for LOAD_FAST; both halves are locals.
                                let v = unsafe { (*l).clone() };
                                if v.is_null() {
                                    break 'dispatch unbound_local(fr!(), local);
                                }
                                push!(v);
                            }
                        }
                        Op::LOAD_FAST_BORROW_LOAD_FAST_BORROW => {
                            for local in [arg >> 4, arg & 15] {
                                let l = locals!().wrapping_add(local);
                                // SAFETY: as for LOAD_FAST_BORROW; the compiler proved
                                // each borrow as it does for the single load.
                                let v = unsafe { (*l).borrow() };
                                if v.is_null() {
                                    break 'dispatch unbound_local(fr!(), local);
                                }
                                push!(v);
                            }
                        }
                        Op::STORE_FAST_LOAD_FAST
                        | Op::STORE_FAST_LOAD_FAST_BORROW
                        | Op::STORE_FAST_STORE_FAST => {
                            let v = pop!();
                            let l = locals!().wrapping_add(arg >> 4);
                            // SAFETY: as for STORE_FAST.
                            let old = unsafe { std::ptr::replace(l, v) };
                            drop(old);
                            // The second half: as for LOAD_FAST, LOAD_FAST_BORROW or
                            // STORE_FAST.
                            let l = locals!().wrapping_add(arg & 15);
                            if op == Op::STORE_FAST_STORE_FAST {
                                let v = pop!();
                                // SAFETY: see above.
                                let old = unsafe { std::ptr::replace(l, v) };
                                drop(old);
                            } else {
                                // SAFETY: see above.
                                let v = unsafe {
                                    if op == Op::STORE_FAST_LOAD_FAST {
                                        (*l).clone()
                                    } else {
                                        (*l).borrow()
                                    }
                                };
                                if v.is_null() {
                                    break 'dispatch unbound_local(fr!(), arg & 15);
                                }
                                push!(v);
                            }
                        }
                        Op::DELETE_FAST => {
                            // SAFETY: as above.
                            let l = locals!().wrapping_add(arg);
                            // SAFETY: see above.
                            let old = unsafe { std::ptr::replace(l, StackRef::NULL) };
                            if old.is_null() {
                                break 'dispatch unbound_local(fr!(), arg);
                            }
                            drop(old);
                        }
                        Op::MAKE_CELL => {
                            let fm = fr!();
                            let v = fm.local(arg).map(|v| (*v).clone());
                            fm.set_local(arg, StackRef::from_owned(function::new_cell(v)));
                        }
                        Op::COPY_FREE_VARS => copy_free_vars(fr!(), arg),
                        Op::LOAD_CLOSURE => {
                            // SAFETY: as for LOAD_FAST.
                            let l = locals!().wrapping_add(arg);
                            // SAFETY: see above.
                            let v = unsafe { (*l).clone() };
                            push!(v);
                        }
                        Op::LOAD_DEREF => {
                            let v = tri!(load_deref(fr!(), arg));
                            push!(StackRef::from_owned(v));
                        }
                        Op::STORE_DEREF => {
                            let v = pop_obj!();
                            let cell = fr!().local(arg).expect("cell exists");
                            tri!(function::cell_set(&cell, Some(v)));
                        }
                        Op::DELETE_DEREF => {
                            let cell = fr!().local(arg).expect("cell exists");
                            if function::cell_get(&cell).is_none() {
                                break 'dispatch unbound_local(fr!(), arg);
                            }
                            tri!(function::cell_set(&cell, None));
                        }
                        Op::LOAD_FROM_DICT_OR_DEREF => {
                            let v = tri!(load_from_dict_or_deref(fr!(), arg));
                            push!(StackRef::from_owned(v));
                        }
                        Op::LOAD_GLOBAL => {
                            let cache = cache!(Op::LOAD_GLOBAL);
                            match cache.counter() {
                                0 => {
                                    let fm = fr!();
                                    let (code, at) = code_and_at!();
                                    specialize::load_global(
                                        code,
                                        at,
                                        &fm.globals(),
                                        &fm.builtins(),
                                        name_ref(fm, arg >> 1),
                                    );
                                }
                                c => cache.set_counter(c - 1),
                            }
                            skip_caches!(Op::LOAD_GLOBAL);
                            let v = tri!(load_global(fr!(), name_ref(fr!(), arg >> 1)));
                            if arg & 1 == 1 {
                                push!(StackRef::NULL);
                            }
                            push!(StackRef::new_ref(&v));
                        }
                        Op::LOAD_GLOBAL_MODULE | Op::LOAD_GLOBAL_BUILTIN => {
                            let cache = cache!(Op::LOAD_GLOBAL);
                            skip_caches!(Op::LOAD_GLOBAL);
                            let v = match load_global_cached(fr!(), op, &cache) {
                                Some(v) => v,
                                None => {
                                    let (code, at) = code_and_at!();
                                    specialize::miss(code, at, &cache, Op::LOAD_GLOBAL);
                                    let v = tri!(load_global(fr!(), name_ref(fr!(), arg >> 1)));
                                    StackRef::from_owned(v)
                                }
                            };
                            if arg & 1 == 1 {
                                push!(StackRef::NULL);
                            }
                            push!(v);
                        }
                        Op::STORE_GLOBAL => {
                            let v = pop_obj!();
                            tri!(dict::set_item(&fr!().globals(), name_at(fr!(), arg), v));
                        }
                        Op::DELETE_GLOBAL => {
                            let name = name_at(fr!(), arg);
                            if !tri!(dict::del_item(&fr!().globals(), &name)) {
                                break 'dispatch exc::name_not_defined(&name);
                            }
                        }
                        Op::LOAD_NAME => {
                            let v = tri!(load_name(fr!(), arg));
                            push!(StackRef::new_ref(&v));
                        }
                        Op::SETUP_ANNOTATIONS => tri!(setup_annotations(fr!())),
                        Op::STORE_NAME => {
                            let v = pop_obj!();
                            tri!(store_name(fr!(), arg, &v));
                        }
                        Op::DELETE_NAME => tri!(delete_name(fr!(), arg)),
                        Op::LOAD_ATTR => {
                            let cache = cache!(Op::LOAD_ATTR);
                            match cache.counter() {
                                0 => {
                                    let (code, at) = code_and_at!();
                                    specialize::load_attr(
                                        code,
                                        at,
                                        &peek!(1),
                                        name_ref(fr!(), arg >> 1),
                                        arg & 1 == 1,
                                    );
                                }
                                c => cache.set_counter(c - 1),
                            }
                            skip_caches!(Op::LOAD_ATTR);
                            let (a, b) = tri!(load_attr_generic(fr!(), &peek!(1), arg));
                            replace_top!(1, a);
                            if let Some(b) = b {
                                push!(b);
                            }
                        }
                        // The hot forms have arms of their own (no second dispatch
                        // on the opcode); a failed guard runs `load_attr_miss!`.
                        Op::LOAD_ATTR_INSTANCE_VALUE => {
                            let cache = cache!(Op::LOAD_ATTR);
                            skip_caches!(Op::LOAD_ATTR);
                            match load_attr_cached(&peek!(1), Op::LOAD_ATTR_INSTANCE_VALUE, &cache)
                            {
                                Some(v) if arg & 1 == 1 => {
                                    replace_top!(1, StackRef::NULL);
                                    push!(v);
                                }
                                Some(v) => replace_top!(1, v),
                                None => load_attr_miss!(cache),
                            }
                        }
                        Op::LOAD_ATTR_METHOD_WITH_VALUES | Op::LOAD_ATTR_METHOD_NO_DICT => {
                            let cache = cache!(Op::LOAD_ATTR);
                            skip_caches!(Op::LOAD_ATTR);
                            let owner = peek!(1);
                            // SAFETY: the method is pushed at once, before any safe
                            // point (see `load_method_cached`).
                            match unsafe { load_method_cached(&owner, op, &cache) } {
                                Some(m) => {
                                    // [method, self]: self moves up.
                                    let me = pop!();
                                    push!(m);
                                    push!(me);
                                }
                                None => load_attr_miss!(cache),
                            }
                        }
                        Op::LOAD_ATTR_MODULE | Op::LOAD_ATTR_CLASS | Op::LOAD_ATTR_SLOT => {
                            let cache = cache!(Op::LOAD_ATTR);
                            skip_caches!(Op::LOAD_ATTR);
                            match load_attr_cached(&peek!(1), op, &cache) {
                                Some(v) if arg & 1 == 1 => {
                                    replace_top!(1, StackRef::NULL);
                                    push!(v);
                                }
                                Some(v) => replace_top!(1, v),
                                None => load_attr_miss!(cache),
                            }
                        }
                        Op::STORE_ATTR => {
                            let cache = cache!(Op::STORE_ATTR);
                            match cache.counter() {
                                0 => {
                                    let (code, at) = code_and_at!();
                                    specialize::store_attr(
                                        code,
                                        at,
                                        &peek!(1),
                                        name_ref(fr!(), arg),
                                    );
                                }
                                c => cache.set_counter(c - 1),
                            }
                            skip_caches!(Op::STORE_ATTR);
                            tri!(ab::setattr(&peek!(1), name_ref(fr!(), arg), &peek!(2)));
                            drop(pop!());
                            drop(pop!());
                        }
                        Op::STORE_ATTR_INSTANCE_VALUE | Op::STORE_ATTR_SLOT => {
                            let cache = cache!(Op::STORE_ATTR);
                            skip_caches!(Op::STORE_ATTR);
                            if store_attr_cached(&peek!(1), slot!(2), op, &cache).is_none() {
                                let name = name_ref(fr!(), arg);
                                let (code, at) = code_and_at!();
                                if !specialize::extend_store_attr(code, at, op, &peek!(1), name) {
                                    specialize::miss(code, at, &cache, Op::STORE_ATTR);
                                }
                                tri!(ab::setattr(&peek!(1), name, &peek!(2)));
                            }
                            drop(pop!());
                            drop(pop!());
                        }
                        Op::DELETE_ATTR => {
                            tri!(ab::delattr(&peek!(1), &name_at(fr!(), arg)));
                            drop(pop!());
                        }
                        Op::BINARY_OP => {
                            if tick!(Op::BINARY_OP) {
                                let (code, at) = code_and_at!();
                                specialize::binary_op(code, at, &peek!(2), &peek!(1), arg);
                            }
                            skip_caches!(Op::BINARY_OP);
                            // Operands stay on the stack (visible to the collector)
                            // until done.
                            let v = tri!(binary_op(&peek!(2), &peek!(1), arg));
                            replace_top!(2, StackRef::from_owned(v));
                        }
                        Op::BINARY_OP_ADD_INT
                        | Op::BINARY_OP_SUBTRACT_INT
                        | Op::BINARY_OP_MULTIPLY_INT
                        | Op::BINARY_OP_ADD_FLOAT
                        | Op::BINARY_OP_SUBTRACT_FLOAT
                        | Op::BINARY_OP_MULTIPLY_FLOAT
                        | Op::BINARY_OP_TRUE_DIVIDE_FLOAT
                        | Op::BINARY_OP_ADD_UNICODE
                        | Op::BINARY_OP_MIXED_FLOAT => {
                            let v = match crate::fast_ops::specialized_binary_op(
                                op,
                                &peek!(2),
                                &peek!(1),
                                arg,
                            ) {
                                Some(v) => v,
                                None => {
                                    miss!(Op::BINARY_OP);
                                    tri!(binary_op(&peek!(2), &peek!(1), arg))
                                }
                            };
                            skip_caches!(Op::BINARY_OP);
                            replace_top!(2, StackRef::from_owned(v));
                        }
                        Op::UNARY_NEGATIVE | Op::UNARY_POSITIVE | Op::UNARY_INVERT => {
                            let v = peek!(1);
                            let r = tri!(match op {
                                Op::UNARY_NEGATIVE => ab::neg(&v),
                                Op::UNARY_POSITIVE => ab::pos(&v),
                                _ => ab::invert(&v),
                            });
                            replace_top!(1, StackRef::from_owned(r));
                        }
                        Op::UNARY_NOT => {
                            let b = !singletons::is_true_obj(&peek!(1));
                            replace_top!(1, StackRef::from_owned(int::bool_obj(b)));
                        }
                        Op::TO_BOOL => {
                            if tick!(Op::TO_BOOL) {
                                let (code, at) = code_and_at!();
                                specialize::to_bool(code, at, &peek!(1));
                            }
                            skip_caches!(Op::TO_BOOL);
                            let v = peek!(1);
                            // A bool is its own truth value.
                            if !v.is_exact(&int::BOOL_TYPE) {
                                let b = tri!(ab::is_true(&v));
                                replace_top!(1, StackRef::from_owned(int::bool_obj(b)));
                            }
                        }
                        Op::TO_BOOL_BOOL
                        | Op::TO_BOOL_INT
                        | Op::TO_BOOL_LIST
                        | Op::TO_BOOL_NONE
                        | Op::TO_BOOL_STR
                        | Op::TO_BOOL_ALWAYS_TRUE => {
                            let cache = cache!(Op::TO_BOOL);
                            let truth = crate::fast_ops::specialized_truth(op, &peek!(1), &cache);
                            skip_caches!(Op::TO_BOOL);
                            match truth {
                                // TO_BOOL_BOOL leaves the bool where it is.
                                Some(_) if op == Op::TO_BOOL_BOOL => {}
                                Some(b) => {
                                    replace_top!(1, StackRef::from_owned(int::bool_obj(b)));
                                }
                                None => {
                                    miss!(Op::TO_BOOL);
                                    let b = tri!(ab::is_true(&peek!(1)));
                                    replace_top!(1, StackRef::from_owned(int::bool_obj(b)));
                                }
                            }
                        }
                        Op::COMPARE_OP => {
                            if tick!(Op::COMPARE_OP) {
                                let (code, at) = code_and_at!();
                                specialize::compare_op(code, at, &peek!(2), &peek!(1), arg);
                            }
                            skip_caches!(Op::COMPARE_OP);
                            let v = tri!(compare_op(&peek!(2), &peek!(1), arg));
                            replace_top!(2, StackRef::from_owned(v));
                        }
                        Op::COMPARE_OP_INT | Op::COMPARE_OP_FLOAT | Op::COMPARE_OP_STR => {
                            let b = match crate::fast_ops::specialized_compare(
                                op,
                                &peek!(2),
                                &peek!(1),
                                arg,
                            ) {
                                Some(b) => int::bool_obj(b),
                                None => {
                                    miss!(Op::COMPARE_OP);
                                    tri!(compare_op(&peek!(2), &peek!(1), arg))
                                }
                            };
                            skip_caches!(Op::COMPARE_OP);
                            replace_top!(2, StackRef::from_owned(b));
                        }
                        Op::IS_OP => {
                            let same = peek!(2).is(&peek!(1));
                            replace_top!(
                                2,
                                StackRef::from_owned(int::bool_obj(same != (arg == 1)))
                            );
                        }
                        Op::CONTAINS_OP => {
                            if tick!(Op::CONTAINS_OP) {
                                let (code, at) = code_and_at!();
                                specialize::contains_op(code, at, &peek!(1));
                            }
                            skip_caches!(Op::CONTAINS_OP);
                            let r = tri!(ab::contains(&peek!(1), &peek!(2)));
                            replace_top!(2, StackRef::from_owned(int::bool_obj(r != (arg == 1))));
                        }
                        Op::CONTAINS_OP_DICT | Op::CONTAINS_OP_SET => {
                            let r = match tri!(crate::fast_ops::specialized_contains(
                                op,
                                &peek!(1),
                                &peek!(2)
                            )) {
                                Some(r) => r,
                                None => {
                                    miss!(Op::CONTAINS_OP);
                                    tri!(ab::contains(&peek!(1), &peek!(2)))
                                }
                            };
                            skip_caches!(Op::CONTAINS_OP);
                            replace_top!(2, StackRef::from_owned(int::bool_obj(r != (arg == 1))));
                        }
                        Op::BINARY_SUBSCR => {
                            if tick!(Op::BINARY_SUBSCR) {
                                let (code, at) = code_and_at!();
                                specialize::binary_subscr(code, at, &peek!(2), &peek!(1));
                            }
                            skip_caches!(Op::BINARY_SUBSCR);
                            let v = tri!(ab::getitem(&peek!(2), &peek!(1)));
                            replace_top!(2, StackRef::from_owned(v));
                        }
                        Op::BINARY_SUBSCR_LIST_INT
                        | Op::BINARY_SUBSCR_TUPLE_INT
                        | Op::BINARY_SUBSCR_DICT
                        | Op::BINARY_SUBSCR_STR_INT => {
                            let v = match tri!(crate::fast_ops::specialized_subscript(
                                op,
                                &peek!(2),
                                &peek!(1)
                            )) {
                                Some(v) => v,
                                None => {
                                    miss!(Op::BINARY_SUBSCR);
                                    tri!(ab::getitem(&peek!(2), &peek!(1)))
                                }
                            };
                            skip_caches!(Op::BINARY_SUBSCR);
                            replace_top!(2, StackRef::from_owned(v));
                        }
                        Op::STORE_SUBSCR => {
                            if tick!(Op::STORE_SUBSCR) {
                                let (code, at) = code_and_at!();
                                specialize::store_subscr(code, at, &peek!(2), &peek!(1));
                            }
                            skip_caches!(Op::STORE_SUBSCR);
                            tri!(ab::setitem(&peek!(2), &peek!(1), &peek!(3)));
                            drop(pop!());
                            drop(pop!());
                            drop(pop!());
                        }
                        Op::STORE_SUBSCR_LIST_INT | Op::STORE_SUBSCR_DICT => {
                            // The list form's locked path moves the value into the list
                            // and hands back the item it replaced.
                            let replaced = if op == Op::STORE_SUBSCR_LIST_INT {
                                crate::fast_ops::store_subscr_list_int_locked(
                                    &peek!(2),
                                    &peek!(1),
                                    slot!(3),
                                )
                            } else {
                                None
                            };
                            if replaced.is_none() {
                                let done = tri!(crate::fast_ops::specialized_store_subscr(
                                    op,
                                    &peek!(2),
                                    &peek!(1),
                                    &peek!(3)
                                ));
                                if !done {
                                    miss!(Op::STORE_SUBSCR);
                                    tri!(ab::setitem(&peek!(2), &peek!(1), &peek!(3)));
                                }
                            }
                            skip_caches!(Op::STORE_SUBSCR);
                            drop(pop!());
                            drop(pop!());
                            drop(pop!());
                            drop(replaced);
                        }
                        Op::DELETE_SUBSCR => {
                            tri!(ab::delitem(&peek!(2), &peek!(1)));
                            drop(pop!());
                            drop(pop!());
                        }
                        Op::BUILD_SLICE => {
                            let step = if arg == 3 {
                                pop_obj!()
                            } else {
                                singletons::none()
                            };
                            let stop = pop_obj!();
                            let start = pop_obj!();
                            push!(StackRef::from_owned(strand_objects::slice::new(
                                start, stop, step
                            )));
                        }
                        Op::BUILD_TUPLE
                        | Op::BUILD_LIST
                        | Op::BUILD_SET
                        | Op::BUILD_STRING
                        | Op::BUILD_MAP => {
                            let n = if op == Op::BUILD_MAP { 2 * arg } else { arg };
                            // SAFETY: the `n` items are on the stack (stack effects).
                            let items = unsafe {
                                sp = sp.sub(n);
                                take_slots(sp, n)
                            };
                            let v = tri!(build(op, items));
                            push!(StackRef::from_owned(v));
                        }
                        Op::BUILD_CONST_KEY_MAP => {
                            let keys = pop_obj!();
                            // SAFETY: as for BUILD_TUPLE.
                            let values = unsafe {
                                sp = sp.sub(arg);
                                take_slots(sp, arg)
                            };
                            let d = dict::new();
                            for (k, v) in tuple::items(&keys).iter().zip(values) {
                                tri!(dict::set_item(&d, k.clone(), v));
                            }
                            push!(StackRef::from_owned(d));
                        }
                        Op::LIST_APPEND
                        | Op::SET_ADD
                        | Op::LIST_EXTEND
                        | Op::SET_UPDATE
                        | Op::DICT_UPDATE
                        | Op::DICT_MERGE => {
                            let v = pop_obj!();
                            let target = peek!(arg);
                            let callee = if op == Op::DICT_MERGE {
                                // ** in calls: the callee sits below the positional
                                // tuple.
                                let (a, b) = (slot!(arg + 3).get(), slot!(arg + 2).get());
                                callee_of(a.as_deref(), b.as_deref())
                            } else {
                                singletons::none()
                            };
                            tri!(extend_op(op, &target, v, &callee));
                        }
                        Op::MAP_ADD => {
                            let v = pop_obj!();
                            let k = pop_obj!();
                            tri!(dict::set_item(&peek!(arg), k, v));
                        }
                        Op::LIST_TO_TUPLE => {
                            let t = tuple::from_vec(list::to_vec(&peek!(1)));
                            replace_top!(1, StackRef::from_owned(t));
                        }
                        Op::FORMAT_VALUE => {
                            let spec = if arg & 4 != 0 { Some(pop_obj!()) } else { None };
                            let v = tri!(format_value(&peek!(1), arg, spec));
                            replace_top!(1, StackRef::from_owned(v));
                        }
                        Op::UNPACK_SEQUENCE_TWO_TUPLE | Op::UNPACK_SEQUENCE_TUPLE
                            if peek!(1).is_exact(&tuple::TUPLE_TYPE)
                                && tuple::items(&peek!(1)).len() == arg =>
                        {
                            // A tuple's items never change: they are pushed straight
                            // from it, last first, before the tuple is let go.
                            skip_caches!(Op::UNPACK_SEQUENCE);
                            let seq_ref = pop!();
                            for v in tuple::items(&seq_ref.view()).iter().rev() {
                                push!(StackRef::new_ref(v));
                            }
                            drop(seq_ref);
                        }
                        Op::UNPACK_SEQUENCE_TWO_TUPLE
                        | Op::UNPACK_SEQUENCE_TUPLE
                        | Op::UNPACK_SEQUENCE_LIST => {
                            if op == Op::UNPACK_SEQUENCE_LIST {
                                // The locked path: the list's slot takes the last item.
                                let seq_ref = pop!();
                                let mut top = sp;
                                let done = crate::fast_ops::unpack_list_locked(
                                    &seq_ref.view(),
                                    arg,
                                    // SAFETY: the `arg` items fit in the stack the
                                    // compiler sized (stack effects), from the list's
                                    // slot up.
                                    |v| unsafe {
                                        top.write(v);
                                        top = top.add(1);
                                    },
                                );
                                if done {
                                    sp = top;
                                    drop(seq_ref);
                                    skip_caches!(Op::UNPACK_SEQUENCE);
                                    break 'exec;
                                }
                                push!(seq_ref);
                            }
                            // Not the form's type or length (tuples of the right length
                            // took the arm above).
                            skip_caches!(Op::UNPACK_SEQUENCE);
                            miss!(Op::UNPACK_SEQUENCE);
                            let items = tri!(unpack_items(&peek!(1), arg));
                            drop(pop!());
                            for v in items.into_iter().rev() {
                                push!(StackRef::from_owned(v));
                            }
                        }
                        Op::UNPACK_SEQUENCE => {
                            if tick!(Op::UNPACK_SEQUENCE) {
                                let (code, at) = code_and_at!();
                                specialize::unpack_sequence(code, at, &peek!(1), arg);
                            }
                            skip_caches!(Op::UNPACK_SEQUENCE);
                            let seq = peek!(1);
                            if seq.is_exact(&tuple::TUPLE_TYPE) && tuple::items(&seq).len() == arg {
                                // Exact tuples of the right length push their items
                                // as they are, last first.
                                let seq_ref = pop!();
                                for v in tuple::items(&seq).iter().rev() {
                                    push!(StackRef::new_ref(v));
                                }
                                drop(seq_ref);
                            } else {
                                let items = tri!(unpack_items(&seq, arg));
                                drop(pop!());
                                for v in items.into_iter().rev() {
                                    push!(StackRef::from_owned(v));
                                }
                            }
                        }
                        Op::UNPACK_EX => {
                            let items = tri!(unpack_ex(&peek!(1), arg));
                            drop(pop!());
                            for v in items.into_iter().rev() {
                                push!(StackRef::from_owned(v));
                            }
                        }
                        Op::JUMP_FORWARD => jump_forward!(arg),
                        Op::JUMP_BACKWARD => {
                            let cache = cache!(Op::JUMP_BACKWARD);
                            skip_caches!(Op::JUMP_BACKWARD);
                            // SAFETY: the target is an instruction of this code.
                            unsafe { ip = ip.sub(arg) };
                            safepoint!();
                            if !RECORDING
                                && !TRACED
                                && crate::jit::enabled()
                                && crate::jit::count_backedge(&cache)
                            {
                                let b = base!();
                                // SAFETY: `ip` is at the loop header, in the copy.
                                let anchor = unsafe { ip.offset_from(b) } as u32;
                                save_regs!();
                                if let Some(mut r) = crate::jit::hot_loop(fr!(), anchor) {
                                    match run_loop::<true, false>(fr!(), None, Some(&mut r))? {
                                        LoopExit::Handoff(nf) => {
                                            f = nf;
                                            load_regs!(ip);
                                            switch_if_changed!();
                                        }
                                        done => return Ok(done),
                                    }
                                }
                            }
                        }
                        Op::ENTER_EXECUTOR if TRACED => {
                            // Traced frames run no compiled code: the loop's jump back.
                            let anchor = tri!(crate::jit::anchor_of(fr!(), arg & 0xff));
                            ip = base!().wrapping_add(anchor as usize);
                            safepoint!();
                        }
                        Op::ENTER_EXECUTOR => {
                            skip_caches!(Op::ENTER_EXECUTOR);
                            let b = base!();
                            // SAFETY: `ip` is in the frame's bytecode copy.
                            let next = unsafe { ip.offset_from(b) } as usize;
                            match tri!(crate::jit::enter(fr!(), arg & 0xff, next)) {
                                crate::jit::Enter::Jump { anchor } => {
                                    ip = base!().wrapping_add(anchor as usize);
                                    safepoint!();
                                }
                                crate::jit::Enter::Run(e, root, backoff) => {
                                    ip = base!().wrapping_add(e.anchor as usize);
                                    safepoint!();
                                    if let Some(word) = strand_heap::eval_breaker_word() {
                                        save_regs!();
                                        let mut ctx = strand_jit::codegen::JitContext {
                                            slots: locals!() as *mut usize,
                                            eval_breaker: word,
                                            tid: crate::jit::thread_tid(),
                                            exit_buf: crate::jit::exit_buffer(),
                                            iterations: 0,
                                        };
                                        // The loop's executor, then the side traces
                                        // and the loop's executor again for as long
                                        // as one follows the other's exit.
                                        let mut cur = (root, e);
                                        let (k, exit, next) = loop {
                                            ctx.iterations = 0;
                                            // SAFETY: the frame stands at the trace's
                                            // entry: the loop header with its stack
                                            // depth (the JUMP_BACKWARD this replaced
                                            // jumps there), or for a side trace the
                                            // exit it continues, as that exit left
                                            // it; `word` is this thread's breaker,
                                            // the buffer this thread's.
                                            let (k, exit, taken) = unsafe { cur.1.run(&mut ctx) };
                                            crate::jit::after_run(
                                                cur.1,
                                                cur.0 == root,
                                                ctx.iterations,
                                                exit,
                                                backoff,
                                            );
                                            match crate::jit::after_exit(
                                                fr!(),
                                                (root, cur.0),
                                                (k, exit, taken),
                                                word,
                                                !RECORDING,
                                            ) {
                                                crate::jit::Next::Run(n) => {
                                                    // SAFETY: linked to a live executor.
                                                    cur = (n, unsafe {
                                                        strand_jit::executor::Executor::get(n)
                                                    });
                                                }
                                                next => break (k, exit, next),
                                            }
                                        };
                                        // The loop's frame (a side trace of an exit
                                        // inside inlined calls starts in the frames
                                        // rebuilt above it).
                                        let loop_frame = f;
                                        if exit.frames.is_empty() {
                                            ip = base!().wrapping_add(exit.pc as usize);
                                            sp = locals!().wrapping_add(
                                                fr!().nlocalsplus()
                                                    + (e.stack_depth + exit.pushed) as usize,
                                            );
                                        } else {
                                            // Inlined calls were running: their frames
                                            // are rebuilt above this one, which waits in
                                            // the outermost call.
                                            let fm = fr!();
                                            fm.next.set(exit.pc);
                                            fm.depth.set(e.stack_depth + exit.pushed);
                                            fm.instr.set(crate::jit::call_instr(fm, exit.pc));
                                            let top = tri!(crate::jit::rebuild_frames(exit));
                                            f = top.as_ptr();
                                            load_regs!(ip);
                                        }
                                        if let Some(err) = strand_jit::helpers::take_pending_error()
                                        {
                                            // Raised by the instruction at the exit.
                                            fr!().instr.set(ip);
                                            break 'dispatch err;
                                        }
                                        if let crate::jit::Next::Record = next {
                                            // A hot exit: record what the loop does
                                            // from there back to its header.
                                            save_regs!();
                                            let mut r = crate::record::Recorder::new_side(
                                                // SAFETY: the loop's frame is below
                                                // the running one, alive.
                                                unsafe { &*loop_frame },
                                                fr!(),
                                                exit,
                                                (e.anchor, e.stack_depth as usize),
                                                cur.0,
                                                k,
                                            );
                                            match run_loop::<true, false>(
                                                fr!(),
                                                None,
                                                Some(&mut r),
                                            )? {
                                                LoopExit::Handoff(nf) => {
                                                    f = nf;
                                                    load_regs!(ip);
                                                    switch_if_changed!();
                                                }
                                                done => return Ok(done),
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        Op::POP_JUMP_IF_FALSE | Op::POP_JUMP_IF_TRUE => {
                            let v = pop!();
                            if singletons::is_true_obj(&v.view()) == (op == Op::POP_JUMP_IF_TRUE) {
                                jump_forward!(arg);
                            }
                            drop(v);
                        }
                        Op::POP_JUMP_IF_NONE | Op::POP_JUMP_IF_NOT_NONE => {
                            let v = pop!();
                            if singletons::is_none(&v.view()) == (op == Op::POP_JUMP_IF_NONE) {
                                jump_forward!(arg);
                            }
                            drop(v);
                        }
                        Op::GET_ITER => {
                            let it = tri!(ab::iter(&peek!(1)));
                            replace_top!(1, StackRef::from_owned(it));
                        }
                        Op::FOR_ITER_RANGE | Op::FOR_ITER_LIST | Op::FOR_ITER_TUPLE => {
                            skip_caches!(Op::FOR_ITER);
                            let next = match crate::fast_ops::specialized_for_iter(op, &peek!(1)) {
                                Some(next) => next,
                                None => {
                                    miss!(Op::FOR_ITER);
                                    tri!(ab::next(&peek!(1)))
                                }
                            };
                            match next {
                                Some(v) => push!(StackRef::from_owned(v)),
                                None => {
                                    drop(pop!());
                                    jump_forward!(arg);
                                }
                            }
                        }
                        Op::FOR_ITER => {
                            if tick!(Op::FOR_ITER) {
                                let (code, at) = code_and_at!();
                                specialize::for_iter(code, at, &peek!(1));
                            }
                            skip_caches!(Op::FOR_ITER);
                            if !RECORDING && !TRACED && crate::generator::is_generator(&peek!(1)) {
                                // The generator's frame runs above this one, in this
                                // invocation (CPython 3.12's FOR_ITER_GEN).
                                save_regs!();
                                if let Some(r) = for_iter_gen(tf, fr!(), arg) {
                                    f = tri!(r);
                                    load_regs!(ip);
                                    break 'exec;
                                }
                            }
                            match tri!(ab::next(&peek!(1))) {
                                Some(v) => push!(StackRef::from_owned(v)),
                                None => {
                                    drop(pop!());
                                    jump_forward!(arg);
                                }
                            }
                        }
                        Op::END_FOR => drop(pop!()),
                        Op::MAKE_FUNCTION => {
                            let code_obj = pop_obj!();
                            let mut extra = [None, None, None, None];
                            for (bit, slot) in [(8, 3), (4, 2), (2, 1), (1, 0)] {
                                if arg & bit != 0 {
                                    extra[slot] = Some(pop_obj!());
                                }
                            }
                            let [defaults, kwdefaults, annotations, closure] = extra;
                            let fm = fr!();
                            let func = function::new_function(
                                code_obj,
                                (*fm.globals()).clone(),
                                (*fm.builtins()).clone(),
                            );
                            // SAFETY: the function was just created and is not yet
                            // visible.
                            unsafe {
                                function::init_function_extras(
                                    &func,
                                    defaults,
                                    kwdefaults,
                                    closure,
                                    annotations,
                                )
                            };
                            push!(StackRef::from_owned(func));
                        }
                        Op::KW_NAMES => {
                            // SAFETY: as for LOAD_CONST.
                            let c = consts!().wrapping_add(arg);
                            // SAFETY: as for LOAD_CONST.
                            kw_names.set(Some(unsafe { (*c).clone() }));
                        }
                        Op::CALL
                        | Op::CALL_PY_EXACT_ARGS
                        | Op::CALL_PY_GENERAL
                        | Op::CALL_BOUND_METHOD_EXACT_ARGS
                        | Op::CALL_BUILTIN_FAST
                        | Op::CALL_METHOD_DESCRIPTOR_FAST
                        | Op::CALL_LEN
                        | Op::CALL_ISINSTANCE
                        | Op::CALL_TYPE_1
                        | Op::CALL_STR_1
                        | Op::CALL_TUPLE_1
                        | Op::CALL_LIST_APPEND
                        | Op::CALL_BUILTIN_CLASS
                        | Op::CALL_ALLOC_AND_ENTER_INIT => {
                            if op == Op::CALL_PY_EXACT_ARGS && !kw_names_pending!() {
                                // The common Python call, straight: a function of the
                                // cached version takes exactly its positional
                                // arguments (what the specializer checked for that
                                // version), moved into its frame. A failed guard goes
                                // on to the general code below, which deoptimizes.
                                let has_self = !slot!(arg + 2).is_null();
                                let nargs = arg + usize::from(has_self);
                                let callable = peek!(nargs + 1);
                                if function::is_function(&callable)
                                    && function::function(&callable).version()
                                        == cache!(Op::CALL).u32_at(1)
                                {
                                    skip_caches!(Op::CALL);
                                    let fp = tf.push_function(&callable);
                                    // SAFETY: just pushed; alive until popped.
                                    let callee = unsafe { fp.as_ref() };
                                    debug_assert!(exact_positional(callee, nargs));
                                    // SAFETY: the arguments are the top `nargs` slots,
                                    // the callee's first `nargs` slots are null; each
                                    // reference moves once, the caller's slots are
                                    // left null and leave the stack without drops.
                                    unsafe {
                                        move_args(sp.sub(nargs), callee.slots_ptr(), nargs);
                                        sp = sp.sub(nargs);
                                    }
                                    // The callable, and the NULL below it (the frame
                                    // holds the function).
                                    for _ in 0..arg + 2 - nargs {
                                        drop(pop!());
                                    }
                                    if is_generator_code(callee) {
                                        // SAFETY: pushed above, the data stack's top.
                                        let g = unsafe { make_generator(fp) };
                                        push!(StackRef::from_owned(g));
                                    } else {
                                        save_regs!();
                                        if let Err(e) = enter_inlined(tf, fp, f) {
                                            // SAFETY: pushed above, not linked.
                                            unsafe { tf.pop(fp) };
                                            break 'dispatch e;
                                        }
                                        f = fp.as_ptr();
                                        load_regs!(ip);
                                    }
                                    break 'exec;
                                }
                            }
                            let kw = kw_names.take();
                            // Below the arguments: (method, self) or (NULL, callable).
                            // With a method, `self` is the first argument, so the
                            // arguments are always the top `nargs` slots.
                            let mut has_self = !slot!(arg + 2).is_null();
                            if op == Op::CALL && tick!(Op::CALL) {
                                let nargs = arg + usize::from(has_self);
                                let (code, at) = code_and_at!();
                                specialize::call(
                                    code,
                                    at,
                                    &peek!(nargs + 1),
                                    has_self,
                                    nargs,
                                    kw.is_some(),
                                );
                            }
                            let cache = cache!(Op::CALL);
                            skip_caches!(Op::CALL);
                            // A new instance whose `__init__` this call runs.
                            let mut init_self = None;
                            // A call whose value is computed (a native callable):
                            // the arguments, callable and NULL/method leave the
                            // stack for it, and the next instruction runs.
                            macro_rules! call_done {
                                ($r:expr) => {{
                                    let r: PyResult<PyObj> = $r;
                                    for _ in 0..arg + 2 {
                                        drop(pop!());
                                    }
                                    push!(StackRef::from_owned(tri!(r)));
                                    // `sys.settrace` (or a call that ran it) returns
                                    // here.
                                    switch_if_changed!();
                                    break 'exec;
                                }};
                            }
                            let route = match op {
                                Op::CALL => CallRoute::Generic,
                                Op::CALL_PY_EXACT_ARGS | Op::CALL_PY_GENERAL => {
                                    let c = peek!(arg + usize::from(has_self) + 1);
                                    if function::is_function(&c)
                                        && function::function(&c).version() == cache.u32_at(1)
                                    {
                                        CallRoute::Python {
                                            exact: op == Op::CALL_PY_EXACT_ARGS,
                                        }
                                    } else {
                                        CallRoute::Miss
                                    }
                                }
                                Op::CALL_BOUND_METHOD_EXACT_ARGS => {
                                    let m = peek!(arg + 1);
                                    if m.is_exact(&function::METHOD_TYPE) && !has_self {
                                        let (func, me) = specialize::method_parts(&m);
                                        if function::function(func).version() == cache.u32_at(1) {
                                            // [NULL, method] becomes [function, self].
                                            let (func, me) = (func.clone(), me.clone());
                                            *slot!(arg + 2) = StackRef::from_owned(func);
                                            let old = std::mem::replace(
                                                slot!(arg + 1),
                                                StackRef::from_owned(me),
                                            );

                                            drop(old);
                                            has_self = true;
                                            CallRoute::Python { exact: true }
                                        } else {
                                            CallRoute::Miss
                                        }
                                    } else {
                                        CallRoute::Miss
                                    }
                                }
                                Op::CALL_ALLOC_AND_ENTER_INIT => {
                                    let cls = peek!(arg + 1);
                                    match (!has_self)
                                        .then(|| alloc_for_init(&cls, cache.u32_at(1)))
                                        .flatten()
                                    {
                                        Some((obj, init)) => {
                                            // [NULL, class] becomes [__init__, instance].
                                            *slot!(arg + 2) = init;
                                            let old = std::mem::replace(
                                                slot!(arg + 1),
                                                StackRef::new_ref(&obj),
                                            );

                                            drop(old);
                                            has_self = true;
                                            init_self = Some(obj);
                                            // Bound as a call binds them: the guard
                                            // is the class's version, which says
                                            // nothing of `__init__`'s signature.
                                            CallRoute::Python { exact: false }
                                        }
                                        None => CallRoute::Miss,
                                    }
                                }
                                // Traced: native calls go the generic way, with their
                                // profile events.
                                _ if TRACED => CallRoute::Generic,
                                _ => {
                                    let nargs = arg + usize::from(has_self);
                                    let r = {
                                        // SAFETY: the arguments stay on this stack
                                        // while the call uses them.
                                        let views = unsafe { arg_views(sp.sub(nargs), nargs) };
                                        specialized_call(
                                            op,
                                            &peek!(nargs + 1),
                                            crate::stackref::as_objs(&views),
                                            kw.as_ref(),
                                        )
                                    };
                                    match r {
                                        Some(r) => call_done!(r),
                                        None => CallRoute::Miss,
                                    }
                                }
                            };
                            let route = match route {
                                CallRoute::Miss => {
                                    miss!(Op::CALL);
                                    CallRoute::Generic
                                }
                                r => r,
                            };
                            let nargs = arg + usize::from(has_self);
                            let callable = peek!(nargs + 1);
                            let route = match route {
                                CallRoute::Generic if function::is_function(&callable) => {
                                    CallRoute::Python { exact: false }
                                }
                                CallRoute::Generic => {
                                    let r = {
                                        // SAFETY: the arguments stay on this stack
                                        // while the call uses them.
                                        let views = unsafe { arg_views(sp.sub(nargs), nargs) };
                                        let args = crate::stackref::as_objs(&views);
                                        if TRACED {
                                            save_regs!();
                                            crate::sys_trace::call_native(
                                                fr!(),
                                                &callable,
                                                args,
                                                |c, a| ab::call(c, a, kw.as_ref()),
                                            )
                                        } else {
                                            ab::call(&callable, args, kw.as_ref())
                                        }
                                    };
                                    call_done!(r)
                                }
                                r => r,
                            };
                            match route {
                                CallRoute::Python { exact } => {
                                    // A Python function: a frame on the data stack, run
                                    // in this loop.
                                    let fp = tf.push_function(&callable);
                                    // SAFETY: just pushed; alive until popped.
                                    let callee = unsafe { fp.as_ref() };
                                    // SAFETY: the arguments are the top `nargs` slots.
                                    let args = unsafe { sp.sub(nargs) };
                                    let moved = exact
                                        || (kw.is_none()
                                            && (exact_positional(callee, nargs)
                                                || bind_positional_defaults(
                                                    callee, &callable, nargs,
                                                )));
                                    let bound = if moved {
                                        // SAFETY: `nargs` slots exist on both sides; the
                                        // callee's are null; each reference moves once
                                        // and the caller's slots are left null.
                                        unsafe { move_args(args, callee.slots_ptr(), nargs) };
                                        Ok(())
                                    } else {
                                        // SAFETY: the arguments stay on this stack,
                                        // alive, while they are bound.
                                        let views = unsafe { arg_views(args, nargs) };
                                        bind_arguments(
                                            callee,
                                            &callable,
                                            crate::stackref::as_objs(&views),
                                            kw.as_ref(),
                                        )
                                    };

                                    // Arguments, callable and NULL/method leave the
                                    // stack (moved arguments left their slots null).
                                    if moved {
                                        // SAFETY: the top `nargs` slots are null (moved
                                        // out above), so they leave without drops.
                                        unsafe { sp = sp.sub(nargs) };
                                        for _ in 0..arg + 2 - nargs {
                                            drop(pop!());
                                        }
                                    } else {
                                        for _ in 0..arg + 2 {
                                            drop(pop!());
                                        }
                                    }
                                    if let Err(e) = bound {
                                        // SAFETY: pushed above, unlinked, not used again.
                                        unsafe { tf.pop(fp) };
                                        break 'dispatch e;
                                    }
                                    if is_generator_code(callee) {
                                        // SAFETY: pushed above, the data stack's top.
                                        let g = unsafe { make_generator(fp) };
                                        push!(StackRef::from_owned(g));
                                    } else {
                                        callee.set_init_self(init_self);
                                        save_regs!();
                                        if let Err(e) = enter_inlined(tf, fp, f) {
                                            // SAFETY: pushed above, not linked.
                                            unsafe { tf.pop(fp) };
                                            break 'dispatch e;
                                        }
                                        f = fp.as_ptr();
                                        load_regs!(ip);
                                    }
                                }
                                CallRoute::Generic | CallRoute::Miss => {
                                    unreachable!("routes settled above")
                                }
                            }
                        }
                        Op::CALL_FUNCTION_EX => {
                            let kwargs = if arg & 1 != 0 { Some(pop_obj!()) } else { None };
                            let args = pop_obj!();
                            let b = pop!().into_owned();
                            let a = pop!().into_owned();
                            let traced = if TRACED {
                                save_regs!();
                                Some(fr!())
                            } else {
                                None
                            };
                            let r = tri!(call_function_ex(a, b, args, kwargs, traced));
                            push!(StackRef::from_owned(r));
                            switch_if_changed!();
                        }
                        Op::LOAD_BUILD_CLASS => {
                            let b = dict::get_item_str(&fr!().builtins(), "__build_class__");
                            match b {
                                Some(b) => push!(StackRef::from_owned(b)),
                                None => {
                                    break 'dispatch exc::name_error("__build_class__ not found")
                                }
                            }
                        }
                        Op::LOAD_ASSERTION_ERROR => {
                            push!(StackRef::from_owned(exc::ASSERTION_ERROR_TYPE.to_obj()))
                        }
                        Op::RAISE_VARARGS => {
                            let cause = if arg == 2 { Some(pop_obj!()) } else { None };
                            let e = if arg >= 1 { Some(pop_obj!()) } else { None };
                            break 'dispatch raise(e, cause);
                        }
                        Op::IMPORT_NAME => {
                            let fromlist = pop_obj!();
                            let level = pop_obj!();
                            let m = tri!(import_name(fr!(), name_at(fr!(), arg), fromlist, level));
                            push!(StackRef::from_owned(m));
                        }
                        Op::IMPORT_FROM => {
                            let v = tri!(import_from(&peek!(1), &name_at(fr!(), arg)));
                            push!(StackRef::from_owned(v));
                        }
                        Op::IMPORT_STAR => {
                            tri!(import_star(fr!(), &peek!(1)));
                            drop(pop!());
                        }
                        Op::PUSH_EXC_INFO => {
                            let v = pop_obj!();
                            let prev = swap_current_exception(Some(v.clone()));
                            push!(StackRef::from_owned(prev.unwrap_or_else(singletons::none)));
                            push!(StackRef::from_owned(v));
                        }
                        Op::POP_EXCEPT => {
                            let prev = pop_obj!();
                            let prev = (!singletons::is_none(&prev)).then_some(prev);
                            let old = swap_current_exception(prev);
                            drop(old);
                        }
                        Op::CHECK_EG_MATCH => {
                            let (matched, rest) =
                                tri!(exc::except_star_match(&peek!(2), &peek!(1)));
                            if !singletons::is_none(&matched) {
                                // The clause body handles the matching part.
                                let old = swap_current_exception(Some(matched.clone()));
                                drop(old);
                            }
                            replace_top!(2, StackRef::from_owned(rest));
                            push!(StackRef::from_owned(matched));
                        }
                        Op::PREP_RERAISE_STAR => {
                            let r = tri!(exc::prep_reraise_star(&peek!(2), &peek!(1)));
                            replace_top!(2, StackRef::from_owned(r));
                        }
                        Op::CHECK_EXC_MATCH => {
                            let ty = peek!(1);
                            tri!(check_catchable(&ty));
                            let m = tri!(ab::isinstance(&peek!(2), &ty));
                            replace_top!(1, StackRef::from_owned(int::bool_obj(m)));
                        }
                        Op::RERAISE => {
                            // The saved raising offset (arg != 0) becomes the frame's
                            // instruction again (CPython's RERAISE restores `f_lasti`):
                            // its line is the frame's while the exception leaves it.
                            // Handlers are still looked up at the RERAISE.
                            if arg != 0 {
                                let fm = fr!();
                                let lasti = ab_int_offset(&peek!(arg + 1));
                                if let Some(l) = lasti.filter(|&l| l < fm.data().code.code.len()) {
                                    reraise_at = Some(fm.last_pc());
                                    fm.instr.set(base!().wrapping_add(l));
                                }
                            }
                            let v = pop_obj!();
                            break 'dispatch PyErr::from_value(v);
                        }
                        Op::BEFORE_WITH => {
                            let (exit, res) = tri!(before_with(&peek!(1)));
                            replace_top!(1, StackRef::from_owned(exit));
                            push!(StackRef::from_owned(res));
                        }
                        Op::WITH_EXCEPT_START => {
                            let res = tri!(with_except_start(&peek!(4), &peek!(1)));
                            push!(StackRef::from_owned(res));
                        }
                        // Opcodes the compiler and the specializer never emit (listed,
                        // not a catch-all: an exhaustive match lowers to a bare jump
                        // table).
                        Op::RETURN_GENERATOR
                        | Op::END_SEND
                        | Op::CLEANUP_THROW
                        | Op::LOAD_SUPER_ATTR => break 'dispatch not_implemented(op),
                    }
                    break 'exec;
                }
            },
        };
        // Unwinding: a handler in this frame, or this frame's caller, until the entry
        // frame returns the exception.
        let mut err = err;
        loop {
            let fm = fr!();
            let pc = fm.last_pc();
            // Where the exception is handled: the instruction raising it.
            let at = reraise_at.take().unwrap_or(pc);
            if exit_unwind {
                // Straight out of the frame (see `exit_unwind`).
                exit_unwind = false;
                // SAFETY: the stack's bottom is within the frame's slots.
                let bottom = fm.slots_ptr().wrapping_add(fm.nlocalsplus());
                while sp > bottom {
                    drop(pop!());
                }
                fm.depth.set(0);
                if fm.is_entry.get() {
                    return Err(err);
                }
                if fm.is_gen_in_loop() {
                    (f, err) = leave_gen_frame_raising(tf, fm, err);
                    load_regs!();
                    continue;
                }
                f = leave_frame(tf, fm);
                load_regs!();
                continue;
            }
            // A re-raise adds nothing: RERAISE, a bare `raise` (RAISE_VARARGS 0) and
            // END_ASYNC_FOR (re-raising what the awaited `__anext__()` raised) pass the
            // exception on as it is (CPython jumps past PyTraceBack_Here for them);
            // every other raise in the frame adds an entry, even a second one for the
            // same frame (`raise e` of a caught exception).
            let reraise = bytecode::decode_at(&fm.data().code.code, at).is_ok_and(|i| {
                matches!(i.op, Op::RERAISE | Op::END_ASYNC_FOR)
                    || (i.op == Op::RAISE_VARARGS && i.arg == 0)
            });
            if !reraise {
                crate::traceback::add_entry(fm, &err, pc);
                if TRACED {
                    // SAFETY: `sp` is within the frame's value stack.
                    let depth = unsafe { sp.offset_from(fm.slots_ptr().add(fm.nlocalsplus())) };
                    fm.depth.set(depth as u32);
                    err = crate::sys_trace::exception_event(fm, err);
                }
            }
            kw_names.set(None);
            if RECORDING {
                if let Some(r) = rec.as_deref_mut() {
                    r.abort("exception");
                }
            }
            let handler = fm
                .data()
                .code
                .exceptions
                .iter()
                .find(|h| (h.start as usize) <= at && at < h.end as usize)
                .copied();
            let Some(h) = handler else {
                // Out of this frame: its stack empties.
                // SAFETY: the stack's bottom is within the frame's slots.
                let bottom = fm.slots_ptr().wrapping_add(fm.nlocalsplus());
                while sp > bottom {
                    drop(pop!());
                }
                fm.depth.set(0);
                if TRACED {
                    err = crate::sys_trace::unwind_event(fm, err);
                }
                if fm.is_entry.get() {
                    return Err(err);
                }
                if fm.is_gen_in_loop() {
                    // Into the handlers of the frame whose FOR_ITER resumed it.
                    (f, err) = leave_gen_frame_raising(tf, fm, err);
                    load_regs!();
                    continue;
                }
                // Into its caller's handlers: the exception propagates from the
                // caller's CALL.
                f = leave_frame(tf, fm);
                load_regs!();
                continue;
            };
            // SAFETY: the handler's depth is within the frame's stack.
            let target_sp = fm
                .slots_ptr()
                .wrapping_add(fm.nlocalsplus() + h.depth as usize);
            while sp > target_sp {
                drop(pop!());
            }
            if h.lasti {
                push!(StackRef::from_owned(int::from_usize(pc)));
            }
            push!(StackRef::from_owned(err.into_value()));
            // SAFETY: the handler is an instruction of this code.
            ip = base!().wrapping_add(h.target as usize);
            break;
        }
    }
}

/// How CALL goes on once its specialized form has looked at the callable. A call
/// whose value is computed at once (a builtin) finishes where it is computed instead:
/// a payload here would be moved through the route's matches, and the compiler
/// carries such a payload's bytes (unwritten by the other routes) from one
/// instruction to the next in registers or stack slots of the whole loop.
#[derive(Clone, Copy)]
enum CallRoute {
    /// A Python function: a frame in this loop (`exact`: the arguments fill the
    /// parameters one to one).
    Python { exact: bool },
    /// The generic path.
    Generic,
    /// A guard failed: count the miss, then the generic path.
    Miss,
}

/// The specialized CALL forms that do not push a frame: the call's outcome, or
/// `None` (a miss) when their guard fails.
#[inline(always)]
fn specialized_call(
    op: Op,
    callable: &PyObj,
    args: &[PyObj],
    kw: Option<&PyObj>,
) -> Option<PyResult<PyObj>> {
    let done = Some;
    match op {
        Op::CALL_BUILTIN_FAST
            if callable.is_exact(&strand_objects::descr::BUILTIN_FUNCTION_TYPE) =>
        {
            // SAFETY: the type was checked.
            let b =
                unsafe { callable.payload_unchecked::<strand_objects::descr::PyBuiltinFunction>() };
            match &b.self_ {
                None => done((b.func)(args, kw)),
                Some(_) => done(ab::call(callable, args, kw)),
            }
        }
        Op::CALL_METHOD_DESCRIPTOR_FAST
            if callable.is_exact(&strand_objects::descr::METHOD_DESCR_TYPE) =>
        {
            done(ab::call(callable, args, kw))
        }
        Op::CALL_LEN if kw.is_none() && args.len() == 1 && is_builtin_len(callable) => {
            done(ab::len(&args[0]).map(int::from_usize))
        }
        Op::CALL_ISINSTANCE
            if kw.is_none() && args.len() == 2 && is_builtin_isinstance(callable) =>
        {
            done(ab::isinstance(&args[0], &args[1]).map(int::bool_obj))
        }
        Op::CALL_TYPE_1
            if kw.is_none()
                && args.len() == 1
                && callable.is(&strand_objects::typeobj::TYPE_TYPE.to_obj()) =>
        {
            done(Ok(args[0].ty().to_obj()))
        }
        Op::CALL_STR_1
            if kw.is_none() && args.len() == 1 && callable.is(&pystr::STR_TYPE.to_obj()) =>
        {
            done(ab::str_(&args[0]))
        }
        Op::CALL_TUPLE_1
            if kw.is_none() && args.len() == 1 && callable.is(&tuple::TUPLE_TYPE.to_obj()) =>
        {
            done(if args[0].is_exact(&tuple::TUPLE_TYPE) {
                Ok(args[0].clone())
            } else {
                ab::collect_iter(&args[0]).map(tuple::from_vec)
            })
        }
        Op::CALL_LIST_APPEND
            if kw.is_none()
                && args.len() == 2
                && args[0].is_exact(&list::LIST_TYPE)
                && is_list_append(callable) =>
        {
            done(list::append(&args[0], args[1].clone()).map(|()| singletons::none()))
        }
        Op::CALL_BUILTIN_CLASS
            if strand_objects::typeobj::is_type(callable)
                // SAFETY: a type object (checked first).
                && !unsafe { strand_objects::typeobj::PyType::from_obj(callable) }.is_heap_type() =>
        {
            done(ab::call(callable, args, kw))
        }
        _ => None,
    }
}

/// Whether `f` is the builtin `len` (builtins are immortal: identity is stable).
pub(crate) fn is_builtin_len(f: &PyObj) -> bool {
    static LEN: strand_objects::OnceObj = strand_objects::OnceObj::new();
    f.is(&LEN.get_or_init(|| builtin("len")))
}

/// Whether `f` is the builtin `isinstance`.
fn is_builtin_isinstance(f: &PyObj) -> bool {
    static ISINSTANCE: strand_objects::OnceObj = strand_objects::OnceObj::new();
    f.is(&ISINSTANCE.get_or_init(|| builtin("isinstance")))
}

/// Whether `f` is `list.append`.
fn is_list_append(f: &PyObj) -> bool {
    static APPEND: strand_objects::OnceObj = strand_objects::OnceObj::new();
    f.is(&APPEND.get_or_init(|| {
        list::LIST_TYPE
            .lookup_str("append")
            .unwrap_or_else(singletons::none)
    }))
}

/// The interpreter's builtin `name` (None if it is gone).
fn builtin(name: &str) -> PyObj {
    dict::get_item_str(&crate::state::builtins_dict(), name).unwrap_or_else(singletons::none)
}

/// CALL_ALLOC_AND_ENTER_INIT: a new instance of `cls` and its `__init__`, if `cls` is
/// a class with version `version` (its `__new__` is `object.__new__` and its
/// `__init__` a Python function, as the specializer checked for that version) and
/// `__init__`'s code (which may have been assigned since) is not a generator's. The
/// caller binds the arguments.
#[inline(always)]
fn alloc_for_init(cls: &PyObj, version: u32) -> Option<(PyObj, StackRef)> {
    if !strand_objects::typeobj::is_type(cls) {
        return None;
    }
    // SAFETY: a type object (checked above).
    let ty = unsafe { strand_objects::typeobj::PyType::from_obj(cls) };
    if ty.current_version() != version {
        return None;
    }
    static INIT: std::sync::OnceLock<PyObj> = std::sync::OnceLock::new();
    let name = INIT.get_or_init(|| pystr::intern("__init__"));
    let obj = strand_objects::heaptype::alloc_plain_instance(ty);
    // The cached `__init__` without a count of its own (a function is deferred, so
    // its stack slot stays uncounted and the collector sees it there): taken after
    // the allocation, and pushed before the next safe point, so the type cannot
    // change in between.
    let init = match strand_objects::method_cache::peek(ty, name) {
        Some(Some(f)) if function::is_function(&f) => StackRef::new_ref(&f),
        Some(_) => return None,
        None => {
            let f = ty.lookup(name)?;
            if !function::is_function(&f) {
                return None;
            }
            StackRef::from_owned(f)
        }
    };
    let makes_generator = {
        let f = init.view();
        let code = &function::function(&f).fields().code;
        crate::call::code_makes_generator(crate::code::code_data(code).code.flags)
    };
    if makes_generator {
        // The generic call raises "__init__() should return None".
        return None;
    }
    Some((obj, init))
}

/// `__init__` returned something other than None.
#[cold]
fn init_returned(v: &PyObj) -> PyErr {
    type_error(format!(
        "__init__() should return None, not '{}'",
        v.ty().name()
    ))
}

/// The opcode of an instruction's opcode unit in a bytecode copy.
#[inline(always)]
fn opcode_of(unit: u16) -> Op {
    let byte = (unit & 0xff) as u8;
    debug_assert!(Op::from_u8(byte).is_some(), "invalid opcode {byte}");
    // SAFETY: `Op` is `repr(u8)`, and every opcode unit of a bytecode copy holds one
    // of its values: `tlbc::copy_of` maps any other byte to CACHE, and the
    // specializer writes only `Op`s.
    unsafe { std::mem::transmute::<u8, Op>(byte) }
}

/// Makes a frame pushed for a call the running one: the recursion limit, the chain.
#[inline(always)]
pub(crate) fn enter_frame(fp: NonNull<Frame>) -> PyResult<()> {
    std::mem::forget(ab::enter_recursive_call("")?);
    // SAFETY: pushed by the caller, alive until popped.
    let callee = unsafe { fp.as_ref() };
    crate::frame::link(callee);
    callee.start_running();
    Ok(())
}

/// Makes a frame pushed by the loop's own CALL the running one, above `caller` (the
/// frame running the CALL, the chain's head): a recursion level (the count only: the
/// call takes no native stack), the chain.
#[inline(always)]
fn enter_inlined(
    tf: crate::frame::ThreadFrames,
    fp: NonNull<Frame>,
    caller: *const Frame,
) -> PyResult<()> {
    ab::enter_recursive_py()?;
    // SAFETY: pushed by the caller, alive until popped.
    let callee = unsafe { fp.as_ref() };
    tf.link_above(callee, caller);
    callee.start_running();
    Ok(())
}

/// Pops an inlined frame that returned or let an exception through: unlinks it,
/// leaves its recursion level, clears it. Returns its caller.
#[inline(always)]
fn leave_frame(tf: crate::frame::ThreadFrames, fm: &Frame) -> *const Frame {
    fm.depth.set(0);
    let caller = fm.previous();
    tf.set_head(caller);
    ab::leave_recursive_call();
    // SAFETY: an inlined frame is pushed on the data stack by CALL and popped only
    // here, unlinked (above) and not used afterwards.
    unsafe { tf.pop(NonNull::from(fm)) };
    caller
}

/// Unlinks a generator's frame that FOR_ITER ran in this invocation (see
/// `Frame::is_gen_in_loop`) once it stops running: the chain's head and the recursion
/// level go back to its caller. Returns the caller and the frame, owned again, for
/// `generator::yield_in_loop` or `generator::end_in_loop`.
#[inline(always)]
fn leave_gen_frame(tf: crate::frame::ThreadFrames, fm: &Frame) -> (*const Frame, OwnedFrame) {
    let caller = fm.previous();
    tf.set_head(caller);
    ab::leave_recursive_call();
    // SAFETY: FOR_ITER gave the frame up with `into_raw` and linked it above its
    // caller; it is taken back only here, once, when it stops running.
    (caller, unsafe { OwnedFrame::from_raw(NonNull::from(fm)) })
}

/// FOR_ITER over generator `g` (the top of `caller`'s stack, whose registers are
/// saved, `next` after the instruction's caches): takes the generator's frame and
/// links it above `caller` to run in this invocation. `None` if the generator cannot
/// be resumed this way (running, finished): the generic path handles it. Else the
/// frame to run, or the error of entering it (the recursion limit), which finished
/// the generator as resuming it from Rust would. `caller` goes on at the loop's exit
/// (`next` + `jump`) when the generator ends, after the FOR_ITER when it yields.
#[inline(never)]
fn for_iter_gen(
    tf: crate::frame::ThreadFrames,
    caller: &Frame,
    jump: usize,
) -> Option<PyResult<*const Frame>> {
    let g = caller.peek_opt(1)?;
    let gen = crate::generator::enter_for_iter(&g)?;
    caller.next.set(caller.next.get() + jump as u32);
    let gp = gen.into_raw();
    if let Err(e) = enter_inlined(tf, gp, caller) {
        // SAFETY: given up just above, not linked.
        let gen = unsafe { OwnedFrame::from_raw(gp) };
        return Some(Err(match crate::generator::end_in_loop(&g, gen, Err(e)) {
            Err(e) => e,
            Ok(_) => exc::system_error("a generator ended without running"),
        }));
    }
    Some(Ok(gp.as_ptr()))
}

/// A generator's frame that FOR_ITER ran in this invocation yielded (its registers
/// saved): back into the generator; the caller goes on after the FOR_ITER, where the
/// loop pushes the value. Returns the caller.
#[inline(never)]
fn yield_gen_in_loop(tf: crate::frame::ThreadFrames, fm: &Frame) -> *const Frame {
    let (caller, gen) = leave_gen_frame(tf, fm);
    // SAFETY: the caller is linked below and runs FOR_ITER over the generator.
    let c = unsafe { &*caller };
    // SAFETY: `instr` is the FOR_ITER's opcode unit in the caller's bytecode copy,
    // with its cache units after it.
    let resume_at = unsafe {
        c.instr
            .get()
            .add(1 + Op::FOR_ITER.cache_entries())
            .offset_from(c.bytecode.get())
    };
    c.next.set(resume_at as u32);
    // The FOR_ITER keeps the generator on the stack (borrowed from there).
    if let Some(g) = c.peek_opt(1) {
        crate::generator::yield_in_loop(&g, gen);
    }
    caller
}

/// A generator's frame that FOR_ITER ran in this invocation returned `v`: the
/// generator is finished and the caller goes on at its loop's exit, with the
/// generator popped (a `for` loop drops the return value, as it drops
/// StopIteration's). Returns the caller, and an error to raise at its FOR_ITER.
#[inline(never)]
fn return_gen_in_loop(
    tf: crate::frame::ThreadFrames,
    fm: &Frame,
    v: PyObj,
) -> (*const Frame, PyResult<()>) {
    fm.depth.set(0);
    let (caller, gen) = leave_gen_frame(tf, fm);
    // SAFETY: the caller is linked below and runs FOR_ITER over the generator.
    let c = unsafe { &*caller };
    let Some(g) = c.peek_opt(1) else {
        return (
            caller,
            Err(exc::system_error("a generator's loop lost its iterator")),
        );
    };
    let r = crate::generator::end_in_loop(&g, gen, Ok(v)).map(drop);
    // `g` is the generator's stack slot, borrowed: it goes with the pop.
    if r.is_ok() {
        drop(c.pop());
    }
    (caller, r)
}

/// An exception leaves a generator's frame that FOR_ITER ran in this invocation:
/// the generator is finished, and the exception (PEP 479 applied) propagates from
/// the FOR_ITER of the caller, the frame returned with the exception (returned
/// rather than stored through a reference, so that the loop's frame pointer never
/// has its address taken and can stay in a register).
#[cold]
fn leave_gen_frame_raising(
    tf: crate::frame::ThreadFrames,
    fm: &Frame,
    err: PyErr,
) -> (*const Frame, PyErr) {
    let (caller, gen) = leave_gen_frame(tf, fm);
    // SAFETY: the caller is linked below and runs FOR_ITER over the generator, which
    // is its stack's top (borrowed from there).
    let Some(g) = unsafe { &*caller }.peek_opt(1) else {
        return (
            caller,
            exc::system_error("a generator's loop lost its iterator"),
        );
    };
    let e = match crate::generator::end_in_loop(&g, gen, Err(err)) {
        Err(e) => e,
        Ok(_) => exc::system_error("a generator's error was lost"),
    };
    (caller, e)
}

/// Moves `n` call arguments from the caller's stack slots at `from` into the
/// callee's first slots at `to`, leaving the caller's slots null. The common counts
/// are spelled out so that the moves are a few register copies rather than calls to
/// `memcpy` and `memset` (which cost more than the copy itself for one to four
/// slots).
///
/// # Safety
/// `n` slots are valid at both places and do not overlap; the callee's are null.
#[inline(always)]
unsafe fn move_args(from: *mut StackRef, to: *mut StackRef, n: usize) {
    #[inline(always)]
    unsafe fn moves<const N: usize>(from: *mut StackRef, to: *mut StackRef) {
        // SAFETY: per `move_args`'s contract, with `n == N`.
        unsafe {
            std::ptr::copy_nonoverlapping(from, to, N);
            std::ptr::write_bytes(from, 0, N);
        }
    }
    // SAFETY: per the contract.
    unsafe {
        match n {
            0 => {}
            1 => moves::<1>(from, to),
            2 => moves::<2>(from, to),
            3 => moves::<3>(from, to),
            4 => moves::<4>(from, to),
            _ => {
                std::ptr::copy_nonoverlapping(from, to, n);
                std::ptr::write_bytes(from, 0, n);
            }
        }
    }
}

/// Views of `n` stack slots starting at `at`, as call arguments.
///
/// # Safety
/// The slots are non-null and stay unchanged while the views are used.
#[inline(always)]
unsafe fn arg_views(at: *const StackRef, n: usize) -> smallvec::SmallVec<[Borrowed; 8]> {
    // SAFETY: per the contract.
    crate::stackref::views(unsafe { std::slice::from_raw_parts(at, n) })
}

/// Takes the `n` values in the stack slots from `at` up as counted references,
/// bottom first, leaving the slots null (the caller lowers its stack pointer to `at`
/// first: the pointer is passed by value, so that the loop's `sp` never has its
/// address taken and can stay in a register).
///
/// # Safety
/// `n` values are in the slots from `at` up.
#[inline]
unsafe fn take_slots(at: *mut StackRef, n: usize) -> Vec<PyObj> {
    // SAFETY: per the contract; each slot is taken (left null) once.
    unsafe {
        (0..n)
            .map(|i| {
                std::ptr::replace(at.add(i), StackRef::NULL)
                    .into_owned()
                    .expect("null on the value stack (compiler bug)")
            })
            .collect()
    }
}

#[cold]
fn corrupt_bytecode(f: &Frame) -> PyErr {
    exc::system_error(format!("invalid instruction at offset {}", f.last_pc()))
}

#[cold]
fn not_implemented(op: Op) -> PyErr {
    exc::system_error(format!(
        "opcode {} is not implemented by the interpreter",
        op.name()
    ))
}

fn binop_for(arg: usize) -> (BinOp, bool) {
    let inplace = arg >= usize::from(BINARY_OP_INPLACE);
    let base = (arg % usize::from(BINARY_OP_INPLACE)) as u8;
    let op = match BinaryOpArg::from_u8(base).expect("valid BINARY_OP arg") {
        BinaryOpArg::Add => BinOp::Add,
        BinaryOpArg::And => BinOp::And,
        BinaryOpArg::FloorDivide => BinOp::FloorDiv,
        BinaryOpArg::Lshift => BinOp::LShift,
        BinaryOpArg::MatrixMultiply => BinOp::MatMul,
        BinaryOpArg::Multiply => BinOp::Mul,
        BinaryOpArg::Remainder => BinOp::Mod,
        BinaryOpArg::Or => BinOp::Or,
        BinaryOpArg::Power => BinOp::Pow,
        BinaryOpArg::Rshift => BinOp::RShift,
        BinaryOpArg::Subtract => BinOp::Sub,
        BinaryOpArg::TrueDivide => BinOp::TrueDiv,
        BinaryOpArg::Xor => BinOp::Xor,
    };
    (op, inplace)
}

/// BINARY_OP: the fast paths for exact ints and floats, else the object model.
#[inline(always)]
pub(crate) fn binary_op(lhs: &PyObj, rhs: &PyObj, arg: usize) -> PyResult<PyObj> {
    let (op, inplace) = binop_for(arg);
    match crate::fast_ops::binary_op(lhs, rhs, op) {
        Some(v) => Ok(v),
        None => binary_op_generic(lhs, rhs, op, inplace),
    }
}

#[inline(never)]
fn binary_op_generic(lhs: &PyObj, rhs: &PyObj, op: BinOp, inplace: bool) -> PyResult<PyObj> {
    if op == BinOp::Pow && !inplace {
        ab::power(lhs, rhs, &singletons::none())
    } else if inplace {
        ab::inplace_op(lhs, rhs, op)
    } else {
        ab::binary_op(lhs, rhs, op)
    }
}

/// COMPARE_OP: the fast paths for exact ints, floats and strs, else the object model.
#[inline(always)]
pub(crate) fn compare_op(lhs: &PyObj, rhs: &PyObj, arg: usize) -> PyResult<PyObj> {
    let op = match arg >> 4 {
        0 => CompareOp::Lt,
        1 => CompareOp::Le,
        2 => CompareOp::Eq,
        3 => CompareOp::Ne,
        4 => CompareOp::Gt,
        _ => CompareOp::Ge,
    };
    match crate::fast_ops::compare(lhs, rhs, op) {
        Some(b) => Ok(int::bool_obj(b)),
        None => ab::richcompare(lhs, rhs, op),
    }
}

pub(crate) fn name_ref(frame: &Frame, i: usize) -> &PyObj {
    let code_obj = frame.code();
    let code = function::code(&code_obj);
    let names: *const PyObj = &tuple::items(&code.names)[i];
    // SAFETY: the names tuple belongs to the frame's code object, which lives at
    // least as long as the frame.
    unsafe { &*names }
}

fn name_at(frame: &Frame, i: usize) -> PyObj {
    name_ref(frame, i).clone()
}

#[cold]
fn unbound_local(frame: &Frame, i: usize) -> PyErr {
    let name = frame.data().code.localsplus_name(i).unwrap_or("?");
    exc::unbound_local_error(format!(
        "cannot access local variable '{name}' where it is not associated with a value"
    ))
}

#[cold]
fn free_var_error(frame: &Frame, i: usize) -> PyErr {
    let name = frame.data().code.localsplus_name(i).unwrap_or("?");
    exc::name_error(format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"))
}

/// COPY_FREE_VARS: the function's closure cells into the last `n` slots.
fn copy_free_vars(frame: &Frame, n: usize) {
    let func = frame.func().expect("closure code runs in a function");
    let closure = function::function(&func)
        .fields()
        .closure
        .clone()
        .expect("function has a closure");
    let cells = tuple::items(&closure);
    let start = frame.nlocalsplus() - n;
    for (i, c) in cells.iter().enumerate() {
        frame.set_local(start + i, StackRef::new_ref(c));
    }
}

/// LOAD_DEREF: the contents of the cell in slot `i`.
fn load_deref(frame: &Frame, i: usize) -> PyResult<PyObj> {
    let cell = frame.local(i).expect("cell exists");
    match function::cell_get(&cell) {
        Some(v) => Ok(v),
        None => {
            let is_free = i >= frame.nlocalsplus() - frame.data().code.freevars.len();
            Err(if is_free {
                free_var_error(frame, i)
            } else {
                unbound_local(frame, i)
            })
        }
    }
}

/// LOAD_FROM_DICT_OR_DEREF (class bodies): the locals mapping first, then the cell.
#[inline(never)]
fn load_from_dict_or_deref(frame: &Frame, i: usize) -> PyResult<PyObj> {
    let name = pystr::intern(frame.data().code.localsplus_name(i).unwrap_or(""));
    if let Some(l) = &frame.locals {
        if let Ok(v) = ab::getitem(l, &name) {
            return Ok(v);
        }
    }
    let cell = frame.local(i).expect("cell exists");
    function::cell_get(&cell).ok_or_else(|| free_var_error(frame, i))
}

/// The value of global `name`: globals, then builtins.
#[inline(never)]
fn load_global(frame: &Frame, name: &PyObj) -> PyResult<PyObj> {
    load_global_in(&frame.globals(), &frame.builtins(), name)
}

/// The value of global `name` in these namespaces: `globals`, then `builtins`.
pub(crate) fn load_global_in(globals: &PyObj, builtins: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    if let Some(v) = dict::get_item(globals, name)? {
        return Ok(v);
    }
    if let Some(v) = dict::get_item(builtins, name)? {
        return Ok(v);
    }
    Err(exc::name_not_defined(name))
}

/// LOAD_GLOBAL_MODULE / LOAD_GLOBAL_BUILTIN; `None` if a guard fails.
#[inline(always)]
fn load_global_cached(frame: &Frame, op: Op, cache: &Cache<'_>) -> Option<StackRef> {
    let (v, counted) = if op == Op::LOAD_GLOBAL_MODULE {
        dict::get_cached(&frame.globals(), cache.u32_at(1), cache.u16_at(5).into())?
    } else {
        if !dict::keys_version_is(&frame.globals(), cache.u32_at(1)) {
            return None;
        }
        dict::get_cached(&frame.builtins(), cache.u32_at(3), cache.u16_at(5).into())?
    };
    Some(StackRef::from_raw(v, counted))
}

/// LOAD_NAME: the locals mapping, then globals, then builtins.
#[inline(never)]
fn load_name(frame: &Frame, i: usize) -> PyResult<PyObj> {
    let name = name_ref(frame, i);
    let local = match &frame.locals {
        Some(l) if dict::is_dict(l) => dict::get_item(l, name)?,
        Some(l) => match ab::getitem(l, name) {
            Ok(v) => Some(v),
            Err(e) if e.is_instance(&exc::KEY_ERROR_TYPE) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    match local {
        Some(v) => Ok(v),
        None => load_global(frame, name),
    }
}

/// STORE_NAME.
#[inline(never)]
fn store_name(frame: &Frame, i: usize, v: &PyObj) -> PyResult<()> {
    let locals = frame
        .locals
        .as_ref()
        .ok_or_else(|| exc::system_error("no locals found when storing a name"))?;
    ab::setitem(locals, name_ref(frame, i), v)
}

/// DELETE_NAME.
#[inline(never)]
fn delete_name(frame: &Frame, i: usize) -> PyResult<()> {
    let name = name_ref(frame, i);
    let locals = frame
        .locals
        .as_ref()
        .ok_or_else(|| exc::system_error("no locals when deleting a name"))?;
    match ab::delitem(locals, name) {
        Err(e) if e.is_instance(&exc::KEY_ERROR_TYPE) => Err(exc::name_not_defined(name)),
        r => r,
    }
}

/// SETUP_ANNOTATIONS: an empty `__annotations__` in the locals mapping unless one
/// is there.
#[inline(never)]
fn setup_annotations(frame: &Frame) -> PyResult<()> {
    let locals = frame
        .locals
        .clone()
        .ok_or_else(|| exc::system_error("no locals found when setting up annotations"))?;
    let key = pystr::intern("__annotations__");
    let present = if dict::is_dict(&locals) {
        dict::get_item(&locals, &key)?.is_some()
    } else {
        match ab::getitem(&locals, &key) {
            Ok(_) => true,
            Err(e) if e.is_instance(&exc::KEY_ERROR_TYPE) => false,
            Err(e) => return Err(e),
        }
    };
    if !present {
        ab::setitem(&locals, &key, &dict::new())?;
    }
    Ok(())
}

/// LOAD_ATTR, generic: the new top of the stack, and what goes above it. The method
/// form gives `[function, self]` for a function or method descriptor found on the
/// type (no bound-method object), else `[NULL, attribute]`.
#[inline(never)]
fn load_attr_generic(
    frame: &Frame,
    owner: &PyObj,
    arg: usize,
) -> PyResult<(StackRef, Option<StackRef>)> {
    let name = name_ref(frame, arg >> 1);
    if arg & 1 == 1 {
        let generic = owner.ty().slots().getattro.is_none_or(|f| {
            f as usize == strand_objects::baseobject::generic_getattr as *const () as usize
        });
        match owner.ty().lookup(name).filter(|_| generic) {
            Some(m)
                if (function::is_function(&m)
                    || m.ty()
                        .flags()
                        .contains(strand_objects::typeobj::TypeFlags::METHOD_DESCRIPTOR))
                    && strand_objects::managed::instance_attr(owner, name)
                        .ok()
                        .flatten()
                        .is_none() =>
            {
                // [method, self].
                Ok((StackRef::new_ref(&m), Some(StackRef::new_ref(owner))))
            }
            _ => {
                let v = ab::getattr(owner, name)?;
                Ok((StackRef::NULL, Some(StackRef::from_owned(v))))
            }
        }
    } else {
        Ok((StackRef::from_owned(ab::getattr(owner, name)?), None))
    }
}

/// The specialized LOAD_ATTR forms that give one value; `None` if a guard fails.
#[inline(always)]
fn load_attr_cached(owner: &PyObj, op: Op, cache: &Cache<'_>) -> Option<StackRef> {
    use specialize::LOAD_ENTRY;
    match op {
        Op::LOAD_ATTR_INSTANCE_VALUE => {
            let e = cache.find(owner.ty().current_version(), LOAD_ENTRY)?;
            if e.keys_version() == 0 {
                // Inline values (only specialized for types that have them, which the
                // type version proves).
                let (v, counted) = inline_values::get_cached(owner, e.index())?;
                return Some(StackRef::from_raw(v, counted));
            }
            let d = strand_objects::managed::dict_borrowed(owner)?;
            let (v, counted) = dict::get_cached(&d, e.keys_version(), e.index())?;
            Some(StackRef::from_raw(v, counted))
        }
        Op::LOAD_ATTR_MODULE => {
            if !owner.is_exact(&strand_objects::module::MODULE_TYPE) {
                return None;
            }
            let e = cache.entry(0, LOAD_ENTRY);
            let d = strand_objects::managed::dict_borrowed(owner)?;
            let (v, counted) = dict::get_cached(&d, e.keys_version(), e.index())?;
            Some(StackRef::from_raw(v, counted))
        }
        Op::LOAD_ATTR_SLOT => {
            let e = cache.find(owner.ty().current_version(), LOAD_ENTRY)?;
            // SAFETY: the owner's type version matched: the member descriptor, and so
            // the slot at this offset, is the one the specializer saw. An empty slot
            // falls back to the generic path, which raises AttributeError.
            let v = unsafe { strand_objects::descr::read_slot(owner, e.index()) }?;
            Some(StackRef::from_owned(v))
        }
        _ => {
            // LOAD_ATTR_CLASS.
            if !owner.is_exact(&strand_objects::typetype::TYPE_TYPE) {
                return None;
            }
            // SAFETY: a type object (checked above).
            let cls = unsafe { strand_objects::typeobj::PyType::from_obj(owner) };
            let e = cache.entry(0, LOAD_ENTRY);
            if cls.current_version() != e.type_version() {
                return None;
            }
            // SAFETY: the class's version matched in this instruction.
            let attr = unsafe { e.object() };
            Some(StackRef::new_ref(&attr))
        }
    }
}

/// LOAD_ATTR_METHOD_WITH_VALUES / LOAD_ATTR_METHOD_NO_DICT: the cached method, or
/// `None` if a guard fails.
///
/// # Safety
/// The result is used before the next safe point (the type version guard keeps the
/// method alive until then).
#[inline(always)]
unsafe fn load_method_cached(owner: &PyObj, op: Op, cache: &Cache<'_>) -> Option<StackRef> {
    let e = cache.find(owner.ty().current_version(), specialize::LOAD_ENTRY)?;
    if op == Op::LOAD_ATTR_METHOD_WITH_VALUES {
        if inline_values::is_valid(owner) {
            if !inline_values::shared_keys_version_is(owner.ty(), e.keys_version()) {
                return None;
            }
        } else if let Some(d) = strand_objects::managed::dict_borrowed(owner) {
            if !dict::keys_version_is(&d, e.keys_version()) {
                return None;
            }
        }
    }
    // SAFETY: the owner's type version matched in this instruction.
    let method = unsafe { e.object() };
    Some(StackRef::new_ref(&method))
}

/// STORE_ATTR_INSTANCE_VALUE / STORE_ATTR_SLOT: `owner.attr = v`, the value moved
/// out of its stack slot `v` (left null) into the attribute; `None` if a guard fails,
/// with `v` as it was.
#[inline(always)]
fn store_attr_cached(owner: &PyObj, v: &mut StackRef, op: Op, cache: &Cache<'_>) -> Option<()> {
    let e = cache.find(owner.ty().current_version(), specialize::STORE_ENTRY)?;
    let value = std::mem::replace(v, StackRef::NULL)
        .into_owned()
        .expect("null on the value stack (compiler bug)");
    if op == Op::STORE_ATTR_SLOT {
        // SAFETY: the owner's type version matched: its member descriptor, and so the
        // slot at this offset, is the one the specializer saw.
        unsafe { strand_objects::descr::write_slot(owner, e.index(), value) };
        return Some(());
    }
    if e.keys_version() == 0 {
        // Inline values (the type version proves the type has them).
        return match inline_values::store_cached(owner, e.index(), value) {
            Ok(()) => Some(()),
            Err(value) => {
                *v = StackRef::from_owned(value);
                None
            }
        };
    }
    let borrowed = strand_objects::managed::dict_borrowed(owner);
    let created;
    let d: &PyObj = match &borrowed {
        Some(d) => d,
        None if inline_values::is_valid(owner) => {
            // No dict yet and attributes inline: an entry for a dict does not apply.
            *v = StackRef::from_owned(value);
            return None;
        }
        None => {
            // A fresh instance: its dict starts out over the class's shared keys.
            created = strand_objects::managed::ensure_dict(owner);
            &created
        }
    };
    match dict::replace_cached(d, e.keys_version(), e.index(), value) {
        Ok(()) => Some(()),
        Err(value) => {
            *v = StackRef::from_owned(value);
            None
        }
    }
}

/// The BUILD_* instructions that make a container from stack items.
#[inline(never)]
fn build(op: Op, items: Vec<PyObj>) -> PyResult<PyObj> {
    Ok(match op {
        Op::BUILD_TUPLE => tuple::from_vec(items),
        Op::BUILD_LIST => list::new(items),
        Op::BUILD_SET => {
            let s = strand_objects::set::new_set();
            for x in items {
                strand_objects::set::add(&s, x)?;
            }
            s
        }
        Op::BUILD_MAP => {
            let d = dict::new();
            let mut it = items.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                dict::set_item(&d, k, v)?;
            }
            d
        }
        _ => {
            let mut out = String::new();
            for x in &items {
                out.push_str(pystr::as_str(x));
            }
            pystr::from_string(out)
        }
    })
}

/// LIST_APPEND, SET_ADD, LIST_EXTEND, SET_UPDATE, DICT_UPDATE, DICT_MERGE: `v` into
/// `target`; `callee` names the function of a `**` argument for DICT_MERGE's errors.
#[inline(never)]
fn extend_op(op: Op, target: &PyObj, v: PyObj, callee: &PyObj) -> PyResult<()> {
    match op {
        Op::LIST_APPEND => list::append(target, v),
        Op::SET_ADD => strand_objects::set::add(target, v),
        Op::LIST_EXTEND => list::extend(target, &v).map_err(|e| {
            if e.is_instance(&exc::TYPE_ERROR_TYPE)
                && v.ty().slots().iter.is_none()
                && v.ty().slots().getitem.is_none()
            {
                type_error(format!(
                    "Value after * must be an iterable, not {}",
                    v.ty().name()
                ))
            } else {
                e
            }
        }),
        Op::SET_UPDATE => {
            ab::call_method(target, "update", std::slice::from_ref(&v))?;
            Ok(())
        }
        Op::DICT_UPDATE => dict::update(target, &v),
        _ => {
            let keys = match ab::getattr_str(&v, "keys") {
                Ok(keys) => keys,
                Err(e) if e.is_instance(&exc::ATTRIBUTE_ERROR_TYPE) => {
                    return Err(type_error(format!(
                        "{} argument after ** must be a mapping, not {}",
                        function_str(callee),
                        v.ty().name()
                    )))
                }
                Err(e) => return Err(e),
            };
            for k in ab::collect_iter(&ab::call0(&keys)?)? {
                if dict::get_item(target, &k)?.is_some() {
                    return Err(type_error(format!(
                        "{} got multiple values for keyword argument '{}'",
                        function_str(callee),
                        ab::str_string(&k)?
                    )));
                }
                let val = ab::getitem(&v, &k)?;
                dict::set_item(target, k, val)?;
            }
            Ok(())
        }
    }
}

/// FORMAT_VALUE: conversion `arg & 3`, then `format(v, spec)`.
#[inline(never)]
fn format_value(v: &PyObj, arg: usize, spec: Option<PyObj>) -> PyResult<PyObj> {
    let converted = match arg & 3 {
        1 => ab::str_(v)?,
        2 => ab::repr(v)?,
        3 => ab::ascii(v)?,
        _ => v.clone(),
    };
    let spec = spec.unwrap_or_else(|| pystr::new(""));
    ab::format(&converted, &spec)
}

/// CALL_FUNCTION_EX: `a`/`b` are `(method, self)` or `(NULL, callable)`.
#[inline(never)]
fn call_function_ex(
    a: Option<PyObj>,
    b: Option<PyObj>,
    args: PyObj,
    kwargs: Option<PyObj>,
    traced: Option<&Frame>,
) -> PyResult<PyObj> {
    // A lone `*x` arrives as it is: make the tuple here (a tuple subclass too, whose
    // `__iter__` may differ: CPython's `PyTuple_CheckExact` in CALL_FUNCTION_EX).
    let args = if args.is_exact(&tuple::TUPLE_TYPE) {
        args
    } else {
        let not_iterable = args.ty().slots().iter.is_none() && args.ty().slots().getitem.is_none();
        if not_iterable {
            return Err(type_error(format!(
                "{} argument after * must be an iterable, not {}",
                function_str(&callee_of(a.as_ref(), b.as_ref())),
                args.ty().name()
            )));
        }
        tuple::from_vec(ab::collect_iter(&args)?)
    };
    let (callable, args) = match (a, b) {
        // Method form: `self` becomes the first argument.
        (Some(method), Some(self_)) => {
            let mut v = vec![self_];
            v.extend_from_slice(tuple::items(&args));
            (method, v)
        }
        (None, Some(c)) => (c, tuple::items(&args).to_vec()),
        _ => return Err(exc::system_error("bad call stack (compiler bug)")),
    };
    match traced {
        // The profile function's `c_call` events (CPython's `do_call_core`).
        Some(frame) if !function::is_function(&callable) => {
            crate::sys_trace::call_native(frame, &callable, &args, |c, a| {
                ab::call_with_dict(c, a, kwargs.as_ref())
            })
        }
        _ => ab::call_with_dict(&callable, &args, kwargs.as_ref()),
    }
}

/// PRINT_EXPR: the value through `sys.displayhook`.
#[cold]
fn print_expr(v: &PyObj) -> PyResult<()> {
    let hook = ab::getattr_str(&crate::state::sys_module(), "displayhook")
        .map_err(|_| exc::runtime_error("lost sys.displayhook"))?;
    ab::call1(&hook, v.clone()).map(drop)
}

/// RAISE_VARARGS: the exception to raise (`raise`, `raise e`, `raise e from cause`).
#[cold]
fn raise(e: Option<PyObj>, cause: Option<PyObj>) -> PyErr {
    let Some(e) = e else {
        return match crate::exc_info::current_exception() {
            Some(v) => PyErr::from_value(v),
            None => exc::runtime_error("No active exception to reraise"),
        };
    };
    let err = match make_exception(&e) {
        Ok(err) => err,
        Err(e) => return e,
    };
    let Some(cause) = cause else {
        return err;
    };
    let cause = if singletons::is_none(&cause) || exc::is_exception_instance(&cause) {
        cause
    } else if exc::is_exception_class(&cause) {
        match ab::call0(&cause) {
            Ok(v) if exc::is_exception_instance(&v) => v,
            // CPython 3.11 stores such a value as the cause as it is; strand, which
            // reads a cause as an exception, refuses it as CPython 3.12 does.
            Ok(v) => return not_instance_error(&cause, &v),
            Err(e) => return e,
        }
    } else {
        return type_error("exception causes must derive from BaseException");
    };
    match ab::setattr(err.value(), &pystr::intern("__cause__"), &cause) {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// IMPORT_NAME (CPython 3.11's `import_name`): calls `__import__` from the frame's
/// builtins with `(name, globals, locals or None, fromlist, level)`.
#[cold]
fn import_name(frame: &Frame, name: PyObj, fromlist: PyObj, level: PyObj) -> PyResult<PyObj> {
    let import = dict::get_item(&frame.builtins(), &pystr::intern("__import__"))?
        .ok_or_else(|| exc::import_error("__import__ not found"))?;
    let locals = frame.locals.clone().unwrap_or_else(singletons::none);
    ab::call(
        &import,
        &[name, (*frame.globals()).clone(), locals, fromlist, level],
        None,
    )
}

/// IMPORT_FROM: `from module import name` (CPython 3.11's `import_from`): the
/// attribute, else the submodule `module.name` already in `sys.modules` (a circular
/// import may not have bound it yet), else `ImportError` with the module's name and
/// file, saying so when the module is still being initialised.
#[cold]
fn import_from(module: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    if let Some(v) = ab::getattr_opt(module, name)? {
        return Ok(v);
    }
    let pkgname = ab::getattr_opt(module, &pystr::intern("__name__"))
        .ok()
        .flatten()
        .filter(pystr::is_str);
    if let Some(pkg) = &pkgname {
        let full = format!("{}.{}", pystr::as_str(pkg), pystr::as_str(name));
        if let Some(m) = dict::get_item_str(&crate::state::sys_modules(), &full) {
            return Ok(m);
        }
    }
    let shown = pkgname
        .as_ref()
        .map_or("<unknown module name>", |n| pystr::as_str(n))
        .to_string();
    let path = if module.ty().is_subtype(&strand_objects::module::MODULE_TYPE) {
        dict::get_item_str(&strand_objects::module::module_dict(module), "__file__")
            .filter(pystr::is_str)
    } else {
        None
    };
    let n = pystr::as_str(name);
    let e = match &path {
        None => exc::import_error(format!(
            "cannot import name '{n}' from '{shown}' (unknown location)"
        )),
        Some(p) => {
            let initializing = ab::getattr_opt(module, &pystr::intern("__spec__"))
                .ok()
                .flatten()
                .and_then(|spec| {
                    ab::getattr_opt(&spec, &pystr::intern("_initializing"))
                        .ok()
                        .flatten()
                })
                .is_some_and(|v| ab::is_true(&v).unwrap_or(false));
            let p = pystr::as_str(p);
            exc::import_error(if initializing {
                format!(
                    "cannot import name '{n}' from partially initialized module '{shown}' \
                     (most likely due to a circular import) ({p})"
                )
            } else {
                format!("cannot import name '{n}' from '{shown}' ({p})")
            })
        }
    };
    let none = singletons::none();
    let _ = ab::setattr(
        e.value(),
        &pystr::intern("name"),
        pkgname.as_ref().unwrap_or(&none),
    );
    let _ = ab::setattr(
        e.value(),
        &pystr::intern("path"),
        path.as_ref().unwrap_or(&none),
    );
    Err(e)
}

/// IMPORT_STAR: the module's public names into the locals mapping (CPython's
/// `import_all_from`): the names of `__all__` if it has one, else those of its
/// `__dict__` that do not start with an underscore, each read with `getattr`.
#[cold]
fn import_star(frame: &Frame, module: &PyObj) -> PyResult<()> {
    let locals = frame
        .locals
        .clone()
        .ok_or_else(|| exc::system_error("no locals found during 'import *'"))?;
    let modname = || {
        ab::getattr_opt(module, &pystr::intern("__name__"))
            .ok()
            .flatten()
            .filter(pystr::is_str)
            .map_or_else(|| "<module>".to_string(), |n| pystr::as_str(&n).to_string())
    };
    let (names, from_dict) = match ab::getattr_opt(module, &pystr::intern("__all__"))? {
        Some(all) => (ab::collect_iter(&all)?, false),
        None => {
            let Some(d) = ab::getattr_opt(module, &pystr::intern("__dict__"))? else {
                return Err(exc::import_error(
                    "from-import-* object has no __dict__ and no __all__",
                ));
            };
            let keys = ab::call_method(&d, "keys", &[])?;
            (ab::collect_iter(&keys)?, true)
        }
    };
    for name in names {
        if !pystr::is_str(&name) {
            let what = if from_dict { "Key in" } else { "Item in" };
            let place = if from_dict { "__dict__" } else { "__all__" };
            return Err(type_error(format!(
                "{what} {}.{place} must be str, not {}",
                modname(),
                name.ty().name()
            )));
        }
        if from_dict && pystr::as_str(&name).starts_with('_') {
            continue;
        }
        let v = ab::getattr(module, &name)?;
        ab::setitem(&locals, &name, &v)?;
    }
    Ok(())
}

/// BEFORE_WITH: `(bound __exit__, __enter__())`.
#[inline(never)]
fn before_with(mgr: &PyObj) -> PyResult<(PyObj, PyObj)> {
    let ty = mgr.ty();
    let Some(enter) = ty.lookup_str("__enter__") else {
        return Err(type_error(format!(
            "'{}' object does not support the context manager protocol",
            ty.name()
        )));
    };
    let Some(exit) = ty.lookup_str("__exit__") else {
        return Err(type_error(format!(
            "'{}' object does not support the context manager protocol \
             (missed __exit__ method)",
            ty.name()
        )));
    };
    let exit = ab::bind(&exit, Some(mgr), &ty.to_obj())?;
    let res = ab::call_descr(&enter, mgr, &[])?;
    Ok((exit, res))
}

/// BEFORE_ASYNC_WITH: the bound `__aexit__` and what `__aenter__()` returned (to
/// be awaited), as CPython 3.11 looks them up (on the type).
#[cold]
fn before_async_with(mgr: &PyObj) -> PyResult<(PyObj, PyObj)> {
    let ty = mgr.ty();
    let Some(enter) = ty.lookup_str("__aenter__") else {
        return Err(type_error(format!(
            "'{}' object does not support the asynchronous context manager protocol",
            ty.name()
        )));
    };
    let Some(exit) = ty.lookup_str("__aexit__") else {
        return Err(type_error(format!(
            "'{}' object does not support the asynchronous context manager protocol \
             (missed __aexit__ method)",
            ty.name()
        )));
    };
    let exit = ab::bind(&exit, Some(mgr), &ty.to_obj())?;
    let res = ab::call_descr(&enter, mgr, &[])?;
    Ok((exit, res))
}

/// WITH_EXCEPT_START: `__exit__(type, value, traceback)`.
#[cold]
fn with_except_start(exit: &PyObj, v: &PyObj) -> PyResult<PyObj> {
    let tb = exc::payload(v)
        .state()
        .traceback
        .clone()
        .unwrap_or_else(singletons::none);
    ab::call(exit, &[v.ty().to_obj(), v.clone(), tb], None)
}

/// The callee of a call whose stack holds `a` (method or NULL) and `b` (self or
/// callable) below its arguments.
fn callee_of(a: Option<&PyObj>, b: Option<&PyObj>) -> PyObj {
    a.or(b).cloned().unwrap_or_else(singletons::none)
}

/// How argument errors name a callable (CPython's `_PyObject_FunctionStr`):
/// `module.qualname()`, or `qualname()` for builtins; `str(f)` when it has no
/// `__qualname__`.
fn function_str(f: &PyObj) -> String {
    let Ok(qual) = ab::getattr_str(f, "__qualname__").and_then(|q| ab::str_string(&q)) else {
        return ab::str_string(f).unwrap_or_default();
    };
    match ab::getattr_str(f, "__module__") {
        Ok(m) if !singletons::is_none(&m) => match ab::str_string(&m) {
            Ok(m) if m != "builtins" => format!("{m}.{qual}()"),
            _ => format!("{qual}()"),
        },
        _ => format!("{qual}()"),
    }
}

/// `except T:` accepts exception classes and tuples of them.
fn check_catchable(ty: &PyObj) -> PyResult<()> {
    let ok = |t: &PyObj| exc::is_exception_class(t);
    let valid = if tuple::is_tuple(ty) {
        tuple::items(ty).iter().all(ok)
    } else {
        ok(ty)
    };
    if valid {
        Ok(())
    } else {
        Err(type_error(
            "catching classes that do not inherit from BaseException is not allowed",
        ))
    }
}

/// UNPACK_SEQUENCE, general case: the `n` items of `seq`.
#[inline(never)]
fn unpack_items(seq: &PyObj, n: usize) -> PyResult<Vec<PyObj>> {
    // Exact types only: a subclass may override `__iter__` (CPython's
    // `unpack_iterable` iterates everything but exact lists and tuples).
    let items = if seq.is_exact(&tuple::TUPLE_TYPE) {
        tuple::items(seq).to_vec()
    } else if seq.is_exact(&list::LIST_TYPE) {
        list::to_vec(seq)
    } else {
        ab::collect_iter(seq).map_err(|e| not_iterable_unpack(e, seq))?
    };
    if items.len() != n {
        return Err(unpack_count_error(n, items.len()));
    }
    Ok(items)
}

/// UNPACK_EX: `arg & 0xff` items, a list of the middle, `arg >> 8` items.
#[inline(never)]
fn unpack_ex(seq: &PyObj, arg: usize) -> PyResult<Vec<PyObj>> {
    let (before, after) = (arg & 0xff, arg >> 8);
    let items = ab::collect_iter(seq).map_err(|e| not_iterable_unpack(e, seq))?;
    if items.len() < before + after {
        return Err(exc::value_error(format!(
            "not enough values to unpack (expected at least {}, got {})",
            before + after,
            items.len()
        )));
    }
    let mid_end = items.len() - after;
    let mut out: Vec<PyObj> = items[..before].to_vec();
    out.push(list::new(items[before..mid_end].to_vec()));
    out.extend_from_slice(&items[mid_end..]);
    Ok(out)
}

fn not_iterable_unpack(e: PyErr, seq: &PyObj) -> PyErr {
    if e.is_instance(&exc::TYPE_ERROR_TYPE)
        && seq.ty().slots().iter.is_none()
        && seq.ty().slots().getitem.is_none()
    {
        type_error(format!(
            "cannot unpack non-iterable {} object",
            seq.ty().name()
        ))
    } else {
        e
    }
}

fn unpack_count_error(expected: usize, got: usize) -> PyErr {
    if got > expected {
        exc::value_error(format!("too many values to unpack (expected {expected})"))
    } else {
        exc::value_error(format!(
            "not enough values to unpack (expected {expected}, got {got})"
        ))
    }
}

/// The `TypeError` of `raise` for a class `cls` whose call returned `v`, not an
/// exception instance (CPython's `do_raise`, which names the type with its repr).
#[cold]
fn not_instance_error(cls: &PyObj, v: &PyObj) -> PyErr {
    let repr = |o: &PyObj| ab::repr_string(o).unwrap_or_else(|_| "?".into());
    type_error(format!(
        "calling {} should have returned an instance of BaseException, not {}",
        repr(cls),
        repr(&v.ty().to_obj())
    ))
}

/// `raise X`: an exception instance, or a class to instantiate.
fn make_exception(e: &PyObj) -> PyResult<PyErr> {
    if exc::is_exception_instance(e) {
        return Ok(PyErr::from_value(e.clone()));
    }
    if exc::is_exception_class(e) {
        let v = ab::call0(e)?;
        if !exc::is_exception_instance(&v) {
            return Err(not_instance_error(e, &v));
        }
        return Ok(PyErr::from_value(v));
    }
    Err(type_error("exceptions must derive from BaseException"))
}

/// The hook for zero-argument `super()`: the class from the calling function's
/// `__class__` cell and its first argument.
pub fn zero_arg_super() -> PyResult<(PyObj, PyObj)> {
    crate::frame::with_top(crate::frame::super_args)
        .unwrap_or(Err("super(): no arguments"))
        .map_err(exc::runtime_error)
}

/// The globals of the innermost running frame.
pub fn current_globals() -> Option<PyObj> {
    crate::frame::with_top(|f| (*f.globals()).clone())
}

/// The running code's builtins namespace: the innermost frame's, or the `builtins`
/// module's dict when no frame runs (CPython's `PyEval_GetBuiltins`).
pub fn current_builtins() -> PyObj {
    crate::frame::with_top(|f| (*f.builtins()).clone()).unwrap_or_else(crate::state::builtins_dict)
}

/// `int` constant helper for builtins.
pub fn big(v: i64) -> PyObj {
    int::from_bigint(BigInt::from(v))
}

/// The code-unit offset a re-raising handler keeps on the stack (an int the unwinder
/// pushed), if `v` is one.
fn ab_int_offset(v: &PyObj) -> Option<usize> {
    if !v.is_exact(&int::INT_TYPE) {
        return None;
    }
    int::as_i64(v).and_then(|l| usize::try_from(l).ok())
}
