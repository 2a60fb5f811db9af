//! Trace recording: one iteration of a hot loop, lowered to uops as the interpreter
//! runs it (CPython 3.13's trace projection works from the bytecode's caches; strand
//! records the iteration the program actually takes, as LuaJIT and PyPy do).
//!
//! The loop runs its recording mode for one iteration ([`crate::eval`]'s loop with
//! `TRACING`): before each instruction of the loop's frame executes, [`Recorder::record`]
//! sees it with the concrete values on the stack and emits uops that compute what the
//! instruction will compute, with guards on everything it relied on (the operand types
//! it saw, the branch direction it took, the versions its caches hold). Instructions of
//! other frames (functions the loop calls, which run inline in the same loop) are not
//! recorded: the call was emitted as a call of a runtime helper, and its frames run
//! opaque.
//!
//! **The virtual stack** mirrors the frame's value stack: each entry is a trace value,
//! whether the trace owns a reference to it, and the frame slot it was borrowed from
//! (a slot store first turns the borrowed entries of that slot into owned ones). At each
//! instruction its depth must equal the frame's, or recording stops.
//!
//! **Exits.** A guard of an instruction leaves the trace *at* that instruction: the
//! exit pushes the virtual stack above the loop header's depth and the interpreter runs
//! the instruction itself. Every instruction is lowered so that all its guards come
//! before any effect.
//!
//! **The end.** The iteration closes when the loop's JUMP_BACKWARD is reached in the
//! loop's frame with the header's stack depth: the trace ends with `jump`, is optimized
//! and compiled, and the JUMP_BACKWARD becomes ENTER_EXECUTOR.
//!
//! **Side traces.** A recording may also start at a hot exit of an executor
//! ([`Recorder::new_side`]), in the frame state the exit left: the entries the exit
//! pushed are taken over from the frame (`stack_take`), and the recording closes at
//! the same back-edge (a JUMP_BACKWARD or the ENTER_EXECUTOR that replaced it) with an
//! `exit` to the loop header, where the interpreter enters the loop's executor again.
//! The compiled side trace is linked to the exit it continues.
//!
//! **Open ends.** A loop that yields cannot close (the frame suspends): its
//! recording ends at the YIELD_VALUE with an `exit` there, so the trace covers the
//! iteration from the header to the yield. Likewise a recording that reaches another
//! loop's ENTER_EXECUTOR (a nested loop compiled before the outer one) ends there,
//! and the interpreter enters that executor; and a side trace may end at a return. Anything the recorder
//! does not lower (a nested loop, a return, a call with keywords, ...) aborts the
//! recording; the reason is counted for `-X stats`.

use std::collections::HashMap;

use strand_compiler::bytecode::{self, Op, BINARY_OP_INPLACE};
use strand_compiler::code::flags;
use strand_jit::ir::{Cond, Exit, ExitId, InlinedFrame, Opcode as U, Trace, Ty, Value};
use strand_objects::{
    dict, float, function, inline_values, int, list, managed, module, singletons, tuple, PyObj,
};

use crate::frame::Frame;
use crate::specialize::{self, Cache};
use crate::stackref::StackRef;

/// The abort reason of a recording whose loop ended (its FOR_ITER found the iterator
/// exhausted) before the iteration closed.
const LOOP_ENDED: Abort = "loop ended";

/// Fewest uops a generator's loop must run up to its yield to be worth compiling
/// (its executor is entered and left once per item).
const MIN_YIELDING_UOPS: usize = 24;

/// Most uops one recording may emit (past this the loop is too long to be worth it).
const MAX_UOPS: usize = 2000;

/// What the loop does after the recorder saw an instruction.
pub(crate) enum Step {
    /// Execute it and keep recording.
    Continue,
    /// Stop recording; execute it in the normal mode.
    Stop,
}

/// An entry of the virtual stack.
#[derive(Clone, Copy)]
struct Entry {
    v: Value,
    owned: bool,
    /// The frame slot the value was borrowed from.
    slot: Option<u32>,
}

/// A frame of a call the trace inlines: it exists while recording (the interpreter
/// runs the call inline), but in the trace its locals and stack are values only.
struct VFrame {
    /// The interpreter's frame for the call while recording (null until its first
    /// instruction is seen).
    frame: *const Frame,
    /// The function called.
    func: PyObj,
    locals: Vec<Option<Entry>>,
    stack: Vec<Entry>,
    /// Where the caller resumes when the call returns (the code unit after its CALL).
    caller_next: u32,
    /// For an inlined `__init__` (CALL_ALLOC_AND_ENTER_INIT): the instance, owned,
    /// which the call gives the caller when `__init__` returns None.
    init: Option<Entry>,
}

/// Most calls inlined into each other.
const MAX_INLINE_DEPTH: usize = 4;
/// Callees with more instructions than this are called, not inlined (instructions,
/// not code units: an attribute access has a cache of 38 units).
const MAX_INLINE_CODE: usize = 200;

/// What a value is known to be (after a guard, or by construction).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    SmallInt,
    Float,
    /// An exact instance of the type with this vtable address.
    Exact(usize),
}

/// Why a recording stopped without a trace.
type Abort = &'static str;

/// What lowering an instruction gave.
enum Flow {
    Next,
    Closed,
}

/// A recording in progress.
pub(crate) struct Recorder {
    t: Trace,
    /// The loop's frame.
    frame: *const Frame,
    anchor: u32,
    header_depth: usize,
    stack: Vec<Entry>,
    /// Inlined calls in progress, outermost first.
    inlined: Vec<VFrame>,
    /// What the trace knows each slot holds now (borrowed from the slot).
    slots: HashMap<u32, Value>,
    known: HashMap<Value, Known>,
    unboxed: HashMap<Value, Value>,
    /// The truth values behind `box_bool` results.
    bools: HashMap<Value, Value>,
    consts: HashMap<usize, Value>,
    /// Constants the recorder made (not reachable from anything else): alive until the
    /// trace is compiled, when the executor takes references of its own.
    held: Vec<PyObj>,
    /// The functions the trace makes (MAKE_FUNCTION's results).
    made: std::collections::HashSet<Value>,
    /// The namespaces the trace read globals from (addresses; 0 if none).
    globals: (usize, usize),
    /// The exit of the instruction being lowered, once made.
    exit: Option<ExitId>,
    /// The JUMP_BACKWARD whose counter started the recording (it backs off when the
    /// recording fails); null for a side trace.
    jump: *const std::cell::Cell<u16>,
    /// For a side trace: the executor and the exit it continues.
    side: Option<(strand_heap::ObjPtr, usize)>,
    /// Where the loop's frame goes on after a FOR_ITER that produced an item (the
    /// trace assumes it did): another instruction next means the iterator was
    /// exhausted and the loop ended.
    expect_pc: Option<u32>,
    pc: u32,
    aborted: Option<Abort>,
}

impl Recorder {
    /// A recording of the loop whose header is `anchor` (a code-unit offset) in
    /// `frame`, which stands at the header (its registers saved).
    pub(crate) fn new(frame: &Frame, anchor: u32) -> Recorder {
        let depth = frame.stack_depth();
        let mut r = Recorder::blank(frame, anchor, depth, anchor);
        r.jump = frame.instr.get();
        for i in 0..depth {
            let v =
                r.t.push(U::StackGet, &[], (r.t.locals as usize + i) as i64, None);
            r.stack.push(Entry {
                v,
                owned: false,
                slot: None,
            });
        }
        r
    }

    /// A recording of the loop whose header is `anchor` (at stack depth
    /// `header_depth`) in `frame`, starting at `pc`, with nothing on its virtual stack
    /// yet.
    fn blank(frame: &Frame, anchor: u32, header_depth: usize, pc: u32) -> Recorder {
        Recorder {
            t: Trace::new(anchor, frame.nlocalsplus() as u32, header_depth as u32),
            frame,
            anchor,
            header_depth,
            stack: Vec::with_capacity(frame.stack_depth() + 8),
            inlined: Vec::new(),
            slots: HashMap::new(),
            known: HashMap::new(),
            unboxed: HashMap::new(),
            bools: HashMap::new(),
            consts: HashMap::new(),
            held: Vec::new(),
            made: std::collections::HashSet::new(),
            globals: (0, 0),
            exit: None,
            jump: std::ptr::null(),
            side: None,
            expect_pc: None,
            pc,
            aborted: None,
        }
    }

    /// A side trace for exit `exit` of executor `parent` (whose loop header is
    /// `anchor`, at stack depth `header_depth`), recorded from the exit's instruction:
    /// `frame` (the loop's frame) stands at `info.pc` (its registers saved) in the
    /// state the exit left, the exit's entries (counted references or null) above
    /// `header_depth`. An exit inside inlined calls (`info.frames`) had its frames
    /// rebuilt above `frame`, `top` the innermost, where the recording starts: they
    /// become the recording's inlined calls, whose values the side trace takes from
    /// the exit buffer the parent's exit fills (`buf_take`), so that running the side
    /// trace after that exit needs no frames rebuilt. Otherwise `top` is `frame`.
    pub(crate) fn new_side(
        frame: &Frame,
        top: &Frame,
        info: &strand_jit::executor::ExitInfo,
        (anchor, header_depth): (u32, usize),
        parent: strand_heap::ObjPtr,
        exit: usize,
    ) -> Recorder {
        let depth = frame.stack_depth();
        let pc = info.frames.last().map_or(info.pc, |f| f.pc);
        let mut r = Recorder::blank(frame, anchor, header_depth, pc);
        r.side = Some((parent, exit));
        let bottom = frame.slots_ptr().wrapping_add(frame.nlocalsplus()) as *const StackRef;
        for i in 0..depth {
            let at = (r.t.locals as usize + i) as i64;
            let e = if i < header_depth {
                let v = r.t.push(U::StackGet, &[], at, None);
                Entry {
                    v,
                    owned: false,
                    slot: None,
                }
            } else {
                // SAFETY: `i` is below the frame's saved stack depth.
                let null = unsafe { (*bottom.add(i)).get().is_none() };
                if null {
                    // The exit pushes null here every time (below a callable).
                    let v = r.null();
                    Entry {
                        v,
                        owned: false,
                        slot: None,
                    }
                } else {
                    let v = r.t.push(U::StackTake, &[], at, None);
                    Entry {
                        v,
                        owned: true,
                        slot: None,
                    }
                }
            };
            r.stack.push(e);
        }
        if !info.frames.is_empty() {
            r.take_inlined_frames(frame, top, info);
        }
        r
    }

    /// A side trace's inlined calls: the frames `jit::rebuild_frames` made for exit
    /// `info` (from `top`, the innermost, down to `frame`, the loop's), each value
    /// taken from the exit buffer word the exit wrote it to. The exit writes the same
    /// words every time: a null word (an empty local, the NULL below a callable) is
    /// null on every run.
    fn take_inlined_frames(
        &mut self,
        frame: &Frame,
        top: &Frame,
        info: &strand_jit::executor::ExitInfo,
    ) {
        let mut frames: Vec<*const Frame> = Vec::with_capacity(info.frames.len());
        let mut f: *const Frame = top;
        for _ in 0..info.frames.len() {
            frames.push(f);
            // SAFETY: the rebuilt frames are linked above the loop's frame.
            f = unsafe { &*f }.previous();
        }
        if !std::ptr::eq(f, frame) {
            self.abort("inlined call ran elsewhere");
            return;
        }
        frames.reverse();
        let buf = crate::jit::exit_buffer();
        let mut at = 0usize;
        for (k, fx) in info.frames.iter().enumerate() {
            let mut take = |r: &mut Recorder| {
                // SAFETY: the exit wrote `fx.words()` words for each of its frames
                // (see `jit::rebuild_frames`, which moved them into the frames but
                // left the words in place); only whether one is null is read.
                let word = unsafe { *buf.add(at) };
                let e = (word != 0).then(|| Entry {
                    v: r.t.push(U::BufTake, &[], at as i64, None),
                    owned: true,
                    slot: None,
                });
                at += 1;
                e
            };
            let locals: Vec<Option<Entry>> = (0..fx.locals).map(|_| take(self)).collect();
            let mut stack = Vec::with_capacity(fx.stack as usize);
            for _ in 0..fx.stack {
                let e = match take(self) {
                    Some(e) => e,
                    None => {
                        let v = self.null();
                        Entry {
                            v,
                            owned: false,
                            slot: None,
                        }
                    }
                };
                stack.push(e);
            }
            let init = if fx.init { take(self) } else { None };
            let func = std::ptr::NonNull::new(fx.func as *mut strand_heap::ObjectHeader)
                // SAFETY: the parent executor keeps the function alive (it names it).
                .map(|p| unsafe { PyObj::from_borrowed(strand_heap::ObjPtr::new(p)) });
            let Some(func) = func else {
                self.abort("inlined call ran elsewhere");
                return;
            };
            self.held.push(func.clone());
            self.inlined.push(VFrame {
                frame: frames[k],
                func,
                locals,
                stack,
                caller_next: if k == 0 {
                    info.pc
                } else {
                    info.frames[k - 1].pc
                },
                init,
            });
        }
    }

    /// Stops the recording at the next instruction of any frame (an exception is
    /// unwinding; if it leaves the loop's frame the recording just ends).
    pub(crate) fn abort(&mut self, why: Abort) {
        if self.aborted.is_none() {
            self.aborted = Some(why);
        }
    }

    /// Sees the instruction `op arg` at code-unit offset `pc` (where its EXTENDED_ARG
    /// prefixes start) of `frame`, about to execute with the frame's stack top at `sp`.
    pub(crate) fn record(
        &mut self,
        frame: &Frame,
        pc: u32,
        op: Op,
        arg: usize,
        sp: *const StackRef,
    ) -> Step {
        if let Some(why) = self.aborted.take() {
            self.fail(why);
            return Step::Stop;
        }
        match self.inlined.last() {
            Some(v) if v.frame.is_null() => {
                // The first instruction of an inlined call: its frame, which must be
                // the callee the loop just pushed.
                let caller = match self.inlined.len().checked_sub(2) {
                    Some(k) => self.inlined[k].frame,
                    None => self.frame,
                };
                if !std::ptr::eq(frame.previous(), caller) {
                    self.fail("inlined call ran elsewhere");
                    return Step::Stop;
                }
                if let Some(v) = self.inlined.last_mut() {
                    v.frame = frame;
                }
            }
            Some(v) if !std::ptr::eq(frame, v.frame) => return Step::Continue,
            None if !std::ptr::eq(frame, self.frame) => {
                // A frame the loop called: it runs opaque.
                return Step::Continue;
            }
            _ => {}
        }
        let bottom = frame.slots_ptr().wrapping_add(frame.nlocalsplus()) as *const StackRef;
        // SAFETY: `sp` and `bottom` point into the frame's slots.
        let depth = unsafe { sp.offset_from(bottom) };
        let ended = self
            .expect_pc
            .take()
            .is_some_and(|want| self.inlined.is_empty() && want != pc);
        let outcome = if ended {
            Err(LOOP_ENDED)
        } else if depth != self.cur_stack().len() as isize {
            if crate::jit::dump() {
                eprintln!(
                    "-- at {pc} ({op:?}): the frame's stack has {depth} entries, the trace's {}",
                    self.cur_stack().len()
                );
            }
            Err("stack out of step")
        } else if self.t.insts.len() > MAX_UOPS {
            Err("trace too long")
        } else {
            self.pc = pc;
            self.exit = None;
            self.lower(frame, op, arg, sp)
        };
        match outcome {
            Ok(Flow::Next) => Step::Continue,
            Ok(Flow::Closed) => {
                self.finish(frame);
                Step::Stop
            }
            Err(why) => {
                self.fail(why);
                Step::Stop
            }
        }
    }

    /// The recording failed: counted for `-X stats`, and the JUMP_BACKWARD that
    /// started it waits longer before the next try.
    fn fail(&mut self, why: Abort) {
        crate::jit::count_abort(why);
        if crate::jit::dump() {
            let kind = if self.side.is_some() {
                "side trace"
            } else {
                "recording"
            };
            eprintln!("-- {kind} aborted at {}: {why}", self.pc);
        }
        // A loop that ended while it was recorded is not the recorder's failure: it
        // backs off, but is never given up for it.
        if !self.jump.is_null() {
            crate::jit::recording_failed(self.jump, why != LOOP_ENDED);
        }
    }

    /// The trace ends with an exit at the current instruction of the loop's frame
    /// (which the interpreter then runs): a yield, a return from a side trace, the
    /// entry to another loop's executor.
    fn end_here(&mut self) -> Result<Flow, Abort> {
        debug_assert!(self.inlined.is_empty());
        let e = self.here();
        self.t.push(U::Exit, &[], 0, Some(e));
        Ok(Flow::Closed)
    }

    /// The loop's back-edge reached in the loop's frame: a loop trace closes with
    /// `jump`, a side trace with an exit to the loop header.
    fn close(&mut self) -> Result<Flow, Abort> {
        if !self.inlined.is_empty() {
            return Err("inner loop");
        }
        if self.stack.len() != self.header_depth {
            return Err("stack out of step");
        }
        self.exit = None;
        self.pc = self.anchor;
        if self.side.is_some() {
            let e = self.here();
            self.t.push(U::Exit, &[], 0, Some(e));
        } else {
            self.emit(U::Jump, &[], 0);
        }
        Ok(Flow::Closed)
    }

    // ---- building blocks ----

    fn emit(&mut self, op: U, args: &[Value], imm: i64) -> Value {
        let exit = op.is_guard().then(|| self.here());
        self.t.push(op, args, imm, exit)
    }

    /// The exit of the current instruction (made on first use).
    fn here(&mut self) -> ExitId {
        if let Some(e) = self.exit {
            return e;
        }
        let stack = self.stack[self.header_depth..]
            .iter()
            .map(|e| e.v)
            .collect();
        let frames: Vec<InlinedFrame> = self
            .inlined
            .iter()
            .enumerate()
            .map(|(k, v)| InlinedFrame {
                func: v.func.addr(),
                pc: self
                    .inlined
                    .get(k + 1)
                    .map_or(self.pc, |inner| inner.caller_next),
                locals: v.locals.iter().map(|l| l.map(|e| e.v)).collect(),
                stack: v.stack.iter().map(|e| e.v).collect(),
                init: v.init.map(|e| e.v),
            })
            .collect();
        let pc = self.inlined.first().map_or(self.pc, |v| v.caller_next);
        let e = self.t.add_exit(Exit {
            pc,
            stack,
            error: false,
            frames,
        });
        self.exit = Some(e);
        e
    }

    fn const_obj(&mut self, addr: usize) -> Value {
        if let Some(&v) = self.consts.get(&addr) {
            return v;
        }
        let v = self.t.push(U::ConstObj, &[], addr as i64, None);
        self.consts.insert(addr, v);
        v
    }

    fn null(&mut self) -> Value {
        self.const_obj(0)
    }

    fn is_null(&self, v: Value) -> bool {
        let d = self.t.def(v);
        d.op == U::ConstObj && d.imm == 0
    }

    /// The value stack of the frame being recorded (the innermost inlined call's, or
    /// the loop's frame's).
    fn cur_stack(&self) -> &Vec<Entry> {
        self.inlined.last().map_or(&self.stack, |v| &v.stack)
    }

    fn cur_stack_mut(&mut self) -> &mut Vec<Entry> {
        match self.inlined.last_mut() {
            Some(v) => &mut v.stack,
            None => &mut self.stack,
        }
    }

    /// The depth below which the current stack is not the trace's to pop.
    fn floor(&self) -> usize {
        if self.inlined.is_empty() {
            self.header_depth
        } else {
            0
        }
    }

    fn push_entry(&mut self, e: Entry) {
        self.cur_stack_mut().push(e);
    }

    fn push(&mut self, v: Value, owned: bool) {
        self.push_entry(Entry {
            v,
            owned,
            slot: None,
        });
    }

    fn pop(&mut self) -> Result<Entry, Abort> {
        if self.cur_stack().len() <= self.floor() {
            return Err("pops below the loop's stack");
        }
        self.cur_stack_mut()
            .pop()
            .ok_or("pops below the loop's stack")
    }

    /// The entry `k` from the top (1 = top).
    fn peek(&self, k: usize) -> Entry {
        let st = self.cur_stack();
        st[st.len() - k]
    }

    /// Drops an entry the instruction consumed.
    fn drop_entry(&mut self, e: Entry) {
        if e.owned {
            self.t.push(U::Decref, &[e.v], 0, None);
        }
    }

    /// The entry's value as an object (truth values boxed).
    fn as_obj(&mut self, e: Entry) -> Value {
        if self.t.ty(e.v) == Ty::Bool {
            let b = self.t.push(U::BoxBool, &[e.v], 0, None);
            self.bools.insert(b, e.v);
            return b;
        }
        e.v
    }

    /// An owned reference to the entry's object (the entry's own, or a new one).
    fn take_owned(&mut self, e: Entry) -> Value {
        if e.owned {
            return e.v;
        }
        let o = self.as_obj(e);
        self.t.push(U::Incref, &[o], 0, None)
    }

    fn guard_small_int(&mut self, v: Value) {
        if self.known.get(&v) != Some(&Known::SmallInt) {
            self.emit(U::GuardSmallInt, &[v], 0);
            self.known.insert(v, Known::SmallInt);
        }
    }

    fn guard_float(&mut self, v: Value) {
        if self.known.get(&v) != Some(&Known::Float) {
            self.emit(U::GuardFloat, &[v], 0);
            self.known.insert(v, Known::Float);
        }
    }

    fn guard_exact(&mut self, v: Value, vtable: usize) {
        if self.known.get(&v) != Some(&Known::Exact(vtable)) {
            self.emit(U::GuardType, &[v], vtable as i64);
            self.known.insert(v, Known::Exact(vtable));
        }
    }

    fn unbox_int(&mut self, v: Value) -> Value {
        if let Some(&x) = self.unboxed.get(&v) {
            return x;
        }
        self.guard_small_int(v);
        let x = self.t.push(U::UnboxInt, &[v], 0, None);
        self.unboxed.insert(v, x);
        x
    }

    fn unbox_float(&mut self, v: Value) -> Value {
        if let Some(&x) = self.unboxed.get(&v) {
            return x;
        }
        self.guard_float(v);
        let x = self.t.push(U::UnboxFloat, &[v], 0, None);
        self.unboxed.insert(v, x);
        x
    }

    /// A float operand's unboxed value: a float, or a small int converted.
    fn float_operand(&mut self, v: Value, concrete: &PyObj) -> Value {
        if concrete.is_exact(&float::FLOAT_TYPE) {
            self.unbox_float(v)
        } else {
            let x = self.unbox_int(v);
            self.t.push(U::IntToFloat, &[x], 0, None)
        }
    }

    fn box_int(&mut self, x: Value) -> Value {
        let b = self.t.push(U::BoxInt, &[x], 0, None);
        self.known.insert(b, Known::SmallInt);
        self.unboxed.insert(b, x);
        b
    }

    fn box_float(&mut self, x: Value) -> Value {
        let b = self.t.push(U::BoxFloat, &[x], 0, None);
        self.known.insert(b, Known::Float);
        self.unboxed.insert(b, x);
        b
    }

    /// A call of runtime helper `id` with up to three operands; an owned result.
    fn call(&mut self, id: i64, args: &[Value]) -> Value {
        let op = match args.len() {
            1 => U::Call1,
            2 => U::Call2,
            _ => U::Call3,
        };
        self.emit(op, args, id)
    }

    /// A small int constant object (an immortal one).
    fn small_const(&mut self, v: usize) -> Value {
        let o = int::from_usize(v);
        self.const_obj(o.addr())
    }

    /// An int constant object for `v`, whatever its size (the recording holds it until
    /// the executor does).
    fn int_const(&mut self, v: i64) -> Value {
        let o = int::from_i64(v);
        let c = self.const_obj(o.addr());
        self.held.push(o);
        c
    }

    /// The value of local `k` of the frame being recorded, borrowed: from the loop's
    /// frame (read on first use), or an inlined call's virtual local.
    fn load_slot(&mut self, k: u32) -> Result<Value, Abort> {
        if let Some(v) = self.inlined.last() {
            return v
                .locals
                .get(k as usize)
                .copied()
                .flatten()
                .map(|e| e.v)
                .ok_or("unbound local");
        }
        Ok(self.load_root_slot(k))
    }

    /// The value of slot `k` of the loop's frame (borrowed), read on first use.
    fn load_root_slot(&mut self, k: u32) -> Value {
        if let Some(&v) = self.slots.get(&k) {
            return v;
        }
        let v = self.t.push(U::SlotGet, &[], i64::from(k), None);
        self.emit(U::GuardNotNull, &[v], 0);
        self.slots.insert(k, v);
        v
    }

    /// Stores entry `e` into local `k` of the frame being recorded.
    fn store_slot(&mut self, k: u32, e: Entry) -> Result<(), Abort> {
        // Entries borrowed from the slot need their own reference first.
        for i in 0..self.cur_stack().len() {
            let entry = self.cur_stack()[i];
            if entry.slot == Some(k) {
                let o = self.t.push(U::Incref, &[entry.v], 0, None);
                self.cur_stack_mut()[i] = Entry {
                    v: o,
                    owned: true,
                    slot: None,
                };
            }
        }
        if !self.inlined.is_empty() {
            // A virtual local owns what it holds, or borrows what cannot change while
            // the call runs; the old value goes.
            let e = Entry { slot: None, ..e };
            let old = self
                .inlined
                .last_mut()
                .and_then(|v| v.locals.get_mut(k as usize))
                .ok_or("local out of range")?
                .replace(e);
            if let Some(old) = old {
                self.drop_entry(old);
            }
            return Ok(());
        }
        let v = self.take_owned(e);
        self.t.push(U::SlotSet, &[v], i64::from(k), None);
        self.slots.insert(k, v);
        Ok(())
    }

    /// The truth value of entry `e` (whose object is `c`), as a `bool` value, if the
    /// recorder can compute it without a call.
    fn truth(&mut self, e: Entry, c: &PyObj) -> Option<Value> {
        if self.t.ty(e.v) == Ty::Bool {
            return Some(e.v);
        }
        if let Some(&b) = self.bools.get(&e.v) {
            return Some(b);
        }
        if c.is_exact(&int::BOOL_TYPE) {
            let t = int::bool_obj(true).addr();
            self.guard_exact(e.v, vtable(&int::BOOL_TYPE));
            return Some(self.t.push(U::IsObj, &[e.v], t as i64, None));
        }
        if c.is_exact(&int::INT_TYPE) && int::as_i64(c).is_some() {
            let x = self.unbox_int(e.v);
            let zero = self.t.push(U::ConstI64, &[], 0, None);
            return Some(self.t.push(U::ICmp, &[x, zero], Cond::Ne.imm(), None));
        }
        if c.is_exact(&list::LIST_TYPE) {
            self.guard_exact(e.v, vtable(&list::LIST_TYPE));
            let n = self.t.push(U::ListLen, &[e.v], 0, None);
            let zero = self.t.push(U::ConstI64, &[], 0, None);
            return Some(self.t.push(U::ICmp, &[n, zero], Cond::Ne.imm(), None));
        }
        if singletons::is_none(c) {
            let none = singletons::none().addr();
            self.emit(U::GuardIs, &[e.v], none as i64);
            // Whether None is the null pointer: false, a constant truth value.
            return Some(self.t.push(U::IsObj, &[e.v], 0, None));
        }
        None
    }

    // ---- instructions ----

    fn lower(
        &mut self,
        frame: &Frame,
        op: Op,
        arg: usize,
        sp: *const StackRef,
    ) -> Result<Flow, Abort> {
        // The concrete object `k` from the top of the frame's stack.
        let concrete = |k: usize| -> Option<PyObj> {
            // SAFETY: `k` is within the stack depth (checked against the virtual stack
            // by the callers' stack effects).
            unsafe { (*sp.sub(k)).get().map(|b| (*b).clone()) }
        };
        let need = |k: usize| concrete(k).ok_or("null operand");
        let cache = |family: Op| {
            let at = frame.instr.get();
            // SAFETY: `at` is this instruction's opcode unit, followed by its caches.
            unsafe { Cache::at_ptr(at, family.cache_entries()) }
        };
        match op {
            Op::JUMP_FORWARD => {}
            Op::LOAD_FAST | Op::LOAD_FAST_CHECK | Op::LOAD_FAST_BORROW => {
                let v = self.load_slot(arg as u32)?;
                self.push_entry(Entry {
                    v,
                    owned: false,
                    slot: Some(arg as u32),
                });
            }
            // Superinstructions (compiler/src/codegen/superinstr.rs): the two halves'
            // uops. The slots' guards come first, so that their exit resumes the
            // whole instruction with the stack and locals as they were before it.
            Op::LOAD_FAST_LOAD_FAST | Op::LOAD_FAST_BORROW_LOAD_FAST_BORROW => {
                self.load_slot((arg >> 4) as u32)?;
                self.load_slot((arg & 15) as u32)?;
                self.lower(frame, Op::LOAD_FAST, arg >> 4, sp)?;
                return self.lower(frame, Op::LOAD_FAST, arg & 15, sp);
            }
            Op::STORE_FAST_LOAD_FAST | Op::STORE_FAST_LOAD_FAST_BORROW => {
                if arg >> 4 != arg & 15 {
                    self.load_slot((arg & 15) as u32)?;
                }
                self.lower(frame, Op::STORE_FAST, arg >> 4, sp)?;
                return self.lower(frame, Op::LOAD_FAST, arg & 15, sp);
            }
            Op::STORE_FAST_STORE_FAST => {
                self.lower(frame, Op::STORE_FAST, arg >> 4, sp)?;
                return self.lower(frame, Op::STORE_FAST, arg & 15, sp);
            }
            Op::LOAD_CLOSURE => {
                // The cell itself, as LOAD_FAST would push it.
                let v = self.load_slot(arg as u32)?;
                self.push_entry(Entry {
                    v,
                    owned: false,
                    slot: Some(arg as u32),
                });
            }
            Op::LOAD_DEREF => {
                let cell = self.load_slot(arg as u32)?;
                let v = self.call(crate::trace_helpers::ids().cell_get, &[cell]);
                self.push(v, true);
            }
            Op::STORE_DEREF => {
                let e = self.peek(1);
                let cell = self.load_slot(arg as u32)?;
                let v = self.as_obj(e);
                let r = self.call(crate::trace_helpers::ids().cell_set, &[cell, v]);
                self.t.push(U::Decref, &[r], 0, None);
                let e = self.pop()?;
                self.drop_entry(e);
            }
            Op::BUILD_SLICE => {
                let mut args = Vec::with_capacity(3);
                for k in (1..=arg).rev() {
                    let e = self.peek(k);
                    args.push(self.as_obj(e));
                }
                let v = self.call(crate::trace_helpers::ids().slice, &args);
                self.pop_n_drop(arg)?;
                self.push(v, true);
            }
            Op::STORE_FAST => {
                let e = self.pop()?;
                self.store_slot(arg as u32, e)?;
            }
            Op::LOAD_CONST => {
                // SAFETY: the compiler's constant indices are in range.
                let c = unsafe { &*frame.consts().wrapping_add(arg) };
                let v = self.const_obj(c.addr());
                // Numbers are immutable: the trace uses their values directly.
                if !self.unboxed.contains_key(&v) {
                    if let Some(x) = small_value(c) {
                        let u = self.t.push(U::ConstI64, &[], x, None);
                        self.known.insert(v, Known::SmallInt);
                        self.unboxed.insert(v, u);
                    } else if let Some(x) = float::as_f64_exact_float(c) {
                        let u = self.t.push(U::ConstF64, &[], x.to_bits() as i64, None);
                        self.known.insert(v, Known::Float);
                        self.unboxed.insert(v, u);
                    }
                }
                self.push(v, false);
            }
            Op::POP_TOP | Op::END_FOR => {
                let e = self.pop()?;
                self.drop_entry(e);
            }
            Op::PUSH_NULL => {
                let v = self.null();
                self.push(v, false);
            }
            Op::COPY => {
                let e = self.peek(arg);
                let v = if self.is_null(e.v) {
                    e.v
                } else {
                    self.take_owned(Entry { owned: false, ..e })
                };
                let owned = !self.is_null(v);
                self.push(v, owned);
            }
            Op::SWAP => {
                let n = self.cur_stack().len();
                if n - arg < self.floor() {
                    return Err("SWAP below the loop's stack");
                }
                self.cur_stack_mut().swap(n - 1, n - arg);
            }
            Op::JUMP_BACKWARD => {
                let next =
                    self.pc as usize + arg_units(arg) + 1 + Op::JUMP_BACKWARD.cache_entries();
                if next.checked_sub(arg) != Some(self.anchor as usize) {
                    return Err("inner loop");
                }
                return self.close();
            }
            Op::ENTER_EXECUTOR => {
                // In a side trace, the loop's own back-edge (its JUMP_BACKWARD became
                // ENTER_EXECUTOR when the loop was compiled) closes it.
                let to_anchor = frame.data().executors.get(arg & 0xff).is_some_and(|l| {
                    // SAFETY: linked executors are alive (the code object reaches them).
                    unsafe { strand_jit::executor::Executor::get(l) }.anchor == self.anchor
                });
                if to_anchor && self.side.is_some() {
                    return self.close();
                }
                if to_anchor || !self.inlined.is_empty() {
                    return Err("inner loop");
                }
                // Another loop, compiled already (a nested loop): the trace ends
                // here, and the interpreter enters that loop's executor.
                return self.end_here();
            }
            Op::POP_JUMP_IF_FALSE | Op::POP_JUMP_IF_TRUE => {
                let c = need(1)?;
                let e = self.peek(1);
                let taken = singletons::is_true_obj(&c);
                match self.truth(e, &c) {
                    Some(b) => {
                        let g = if taken { U::GuardTrue } else { U::GuardFalse };
                        self.emit(g, &[b], 0);
                    }
                    None => {
                        if !c.is_exact(&int::BOOL_TYPE) {
                            return Err("branch on a non-bool");
                        }
                        self.emit(U::GuardIs, &[e.v], c.addr() as i64);
                    }
                }
                let e = self.pop()?;
                self.drop_entry(e);
            }
            Op::POP_JUMP_IF_NONE | Op::POP_JUMP_IF_NOT_NONE => {
                let c = need(1)?;
                let e = self.peek(1);
                let o = self.as_obj(e);
                let none = singletons::none().addr() as i64;
                let g = if singletons::is_none(&c) {
                    U::GuardIs
                } else {
                    U::GuardIsNot
                };
                self.emit(g, &[o], none);
                let e = self.pop()?;
                self.drop_entry(e);
            }
            Op::TO_BOOL
            | Op::TO_BOOL_BOOL
            | Op::TO_BOOL_INT
            | Op::TO_BOOL_LIST
            | Op::TO_BOOL_NONE
            | Op::TO_BOOL_STR
            | Op::TO_BOOL_ALWAYS_TRUE => {
                let c = need(1)?;
                let e = self.peek(1);
                if c.is_exact(&int::BOOL_TYPE) || self.t.ty(e.v) == Ty::Bool {
                    // A bool is its own truth value.
                    if self.t.ty(e.v) != Ty::Bool {
                        self.guard_exact(e.v, vtable(&int::BOOL_TYPE));
                    }
                    return Ok(Flow::Next);
                }
                let b = match self.truth(e, &c) {
                    Some(b) => b,
                    None => {
                        let o = self.as_obj(e);
                        let r = self.call(crate::trace_helpers::ids().truth, &[o]);
                        let t = int::bool_obj(true).addr() as i64;
                        let b = self.t.push(U::IsObj, &[r], t, None);
                        self.t.push(U::Decref, &[r], 0, None);
                        b
                    }
                };
                let e = self.pop()?;
                self.drop_entry(e);
                self.push(b, false);
            }
            Op::UNARY_NOT => {
                let c = need(1)?;
                let e = self.peek(1);
                let b = self.truth(e, &c).ok_or("not of a non-bool")?;
                let n = self.t.push(U::Not, &[b], 0, None);
                let e = self.pop()?;
                self.drop_entry(e);
                self.push(n, false);
            }
            Op::COMPARE_OP | Op::COMPARE_OP_INT | Op::COMPARE_OP_FLOAT | Op::COMPARE_OP_STR => {
                let (l, r) = (need(2)?, need(1)?);
                let (el, er) = (self.peek(2), self.peek(1));
                let cond = Cond::from_imm((arg >> 4) as i64).ok_or("bad comparison")?;
                let (lo, ro) = (self.as_obj(el), self.as_obj(er));
                let result = if is_small_int(&l) && is_small_int(&r) {
                    let (a, b) = (self.unbox_int(lo), self.unbox_int(ro));
                    (self.t.push(U::ICmp, &[a, b], cond.imm(), None), false)
                } else if l.is_exact(&float::FLOAT_TYPE) && r.is_exact(&float::FLOAT_TYPE) {
                    let (a, b) = (self.unbox_float(lo), self.unbox_float(ro));
                    (self.t.push(U::FCmp, &[a, b], cond.imm(), None), false)
                } else {
                    let k = self.small_const(arg);
                    let id = crate::trace_helpers::ids().compare_op;
                    (self.call(id, &[lo, ro, k]), true)
                };
                self.pop_n_drop(2)?;
                self.push(result.0, result.1);
            }
            Op::IS_OP => {
                let (el, er) = (self.peek(2), self.peek(1));
                let (lo, ro) = (self.as_obj(el), self.as_obj(er));
                let same = match (self.const_addr(lo), self.const_addr(ro)) {
                    (_, Some(a)) => self.t.push(U::IsObj, &[lo], a as i64, None),
                    (Some(a), _) => self.t.push(U::IsObj, &[ro], a as i64, None),
                    _ => {
                        let r = self.call(crate::trace_helpers::ids().is, &[lo, ro]);
                        let t = int::bool_obj(true).addr() as i64;
                        let b = self.t.push(U::IsObj, &[r], t, None);
                        self.t.push(U::Decref, &[r], 0, None);
                        b
                    }
                };
                let v = if arg == 1 {
                    self.t.push(U::Not, &[same], 0, None)
                } else {
                    same
                };
                self.pop_n_drop(2)?;
                self.push(v, false);
            }
            Op::CONTAINS_OP | Op::CONTAINS_OP_DICT | Op::CONTAINS_OP_SET => {
                let (el, er) = (self.peek(2), self.peek(1));
                let (item, container) = (self.as_obj(el), self.as_obj(er));
                let r = self.call(crate::trace_helpers::ids().contains, &[container, item]);
                let t = int::bool_obj(true).addr() as i64;
                let b = self.t.push(U::IsObj, &[r], t, None);
                self.t.push(U::Decref, &[r], 0, None);
                let v = if arg == 1 {
                    self.t.push(U::Not, &[b], 0, None)
                } else {
                    b
                };
                self.pop_n_drop(2)?;
                self.push(v, false);
            }
            Op::BINARY_OP
            | Op::BINARY_OP_ADD_INT
            | Op::BINARY_OP_SUBTRACT_INT
            | Op::BINARY_OP_MULTIPLY_INT
            | Op::BINARY_OP_ADD_FLOAT
            | Op::BINARY_OP_SUBTRACT_FLOAT
            | Op::BINARY_OP_MULTIPLY_FLOAT
            | Op::BINARY_OP_TRUE_DIVIDE_FLOAT
            | Op::BINARY_OP_ADD_UNICODE
            | Op::BINARY_OP_MIXED_FLOAT => {
                let (l, r) = (need(2)?, need(1)?);
                let v = self.binary_op(&l, &r, arg);
                self.pop_n_drop(2)?;
                self.push(v, true);
            }
            Op::UNARY_NEGATIVE | Op::UNARY_INVERT => {
                let c = need(1)?;
                let e = self.peek(1);
                let o = self.as_obj(e);
                let v = match (op, small_value(&c)) {
                    (Op::UNARY_NEGATIVE, Some(x)) if x != i64::MIN => {
                        let x = self.unbox_int(o);
                        let zero = self.t.push(U::ConstI64, &[], 0, None);
                        let n = self.emit(U::ISub, &[zero, x], 0);
                        self.box_int(n)
                    }
                    (Op::UNARY_INVERT, Some(_)) => {
                        let x = self.unbox_int(o);
                        let ones = self.t.push(U::ConstI64, &[], -1, None);
                        let n = self.t.push(U::IXor, &[x, ones], 0, None);
                        self.box_int(n)
                    }
                    (Op::UNARY_NEGATIVE, None) if c.is_exact(&float::FLOAT_TYPE) => {
                        let x = self.unbox_float(o);
                        let m = self
                            .t
                            .push(U::ConstF64, &[], (-1.0f64).to_bits() as i64, None);
                        let n = self.t.push(U::FMul, &[x, m], 0, None);
                        self.box_float(n)
                    }
                    _ => {
                        let ids = crate::trace_helpers::ids();
                        let id = if op == Op::UNARY_NEGATIVE {
                            ids.negative
                        } else {
                            ids.invert
                        };
                        self.call(id, &[o])
                    }
                };
                let e = self.pop()?;
                self.drop_entry(e);
                self.push(v, true);
            }
            Op::BINARY_SUBSCR
            | Op::BINARY_SUBSCR_LIST_INT
            | Op::BINARY_SUBSCR_TUPLE_INT
            | Op::BINARY_SUBSCR_DICT
            | Op::BINARY_SUBSCR_STR_INT => {
                let (c, k) = (need(2)?, need(1)?);
                let (ec, ek) = (self.peek(2), self.peek(1));
                let (co, ko) = (self.as_obj(ec), self.as_obj(ek));
                let index = small_value(&k);
                let v = if c.is_exact(&list::LIST_TYPE)
                    && index.is_some_and(|i| in_range(i, list::len(&c)))
                {
                    self.guard_exact(co, vtable(&list::LIST_TYPE));
                    let i = self.unbox_int(ko);
                    self.emit(U::ListGet, &[co, i], 0)
                } else if c.is_exact(&tuple::TUPLE_TYPE)
                    && index.is_some_and(|i| in_range(i, tuple::items(&c).len()))
                {
                    self.guard_exact(co, vtable(&tuple::TUPLE_TYPE));
                    let i = self.unbox_int(ko);
                    let item = self.emit(U::TupleGet, &[co, i], 0);
                    self.t.push(U::Incref, &[item], 0, None)
                } else {
                    self.call(crate::trace_helpers::ids().getitem, &[co, ko])
                };
                self.pop_n_drop(2)?;
                self.push(v, true);
            }
            Op::STORE_SUBSCR | Op::STORE_SUBSCR_LIST_INT | Op::STORE_SUBSCR_DICT => {
                let (c, k) = (need(2)?, need(1)?);
                let (ev, ec, ek) = (self.peek(3), self.peek(2), self.peek(1));
                let (co, ko) = (self.as_obj(ec), self.as_obj(ek));
                let index = small_value(&k);
                if c.is_exact(&list::LIST_TYPE) && index.is_some_and(|i| in_range(i, list::len(&c)))
                {
                    self.guard_exact(co, vtable(&list::LIST_TYPE));
                    let i = self.unbox_int(ko);
                    // The exit comes before the value's new reference.
                    self.here();
                    let v = self.take_owned(ev);
                    self.emit(U::ListSet, &[co, i, v], 0);
                    self.pop_n_drop(2)?;
                    // The list took the value's reference.
                    self.pop()?;
                } else {
                    let vo = self.as_obj(ev);
                    let r = self.call(crate::trace_helpers::ids().setitem, &[co, ko, vo]);
                    self.t.push(U::Decref, &[r], 0, None);
                    self.pop_n_drop(3)?;
                }
            }
            Op::LOAD_GLOBAL | Op::LOAD_GLOBAL_MODULE | Op::LOAD_GLOBAL_BUILTIN => {
                let (g, b) = (frame.globals(), frame.builtins());
                if self.inlined.is_empty() {
                    // An inlined function's namespaces follow from its identity.
                    self.globals = (g.addr(), b.addr());
                }
                let c = cache(Op::LOAD_GLOBAL);
                let gv = self.const_obj(g.addr());
                let v = match op {
                    Op::LOAD_GLOBAL_MODULE if cached(&g, c.u32_at(1), c.u16_at(5).into()) => {
                        let imm = entry_imm(c.u32_at(1), c.u16_at(5));
                        self.emit(U::DictEntry, &[gv], imm)
                    }
                    Op::LOAD_GLOBAL_BUILTIN
                        if dict::keys_version_is(&g, c.u32_at(1))
                            && cached(&b, c.u32_at(3), c.u16_at(5).into()) =>
                    {
                        self.emit(U::GuardDictKeys, &[gv], i64::from(c.u32_at(1)));
                        let bv = self.const_obj(b.addr());
                        let imm = entry_imm(c.u32_at(3), c.u16_at(5));
                        self.emit(U::DictEntry, &[bv], imm)
                    }
                    _ => {
                        let name = crate::eval::name_ref(frame, arg >> 1).addr();
                        let (bv, nv) = (self.const_obj(b.addr()), self.const_obj(name));
                        self.call(crate::trace_helpers::ids().load_global, &[gv, bv, nv])
                    }
                };
                if arg & 1 == 1 {
                    let n = self.null();
                    self.push(n, false);
                }
                self.push(v, true);
            }
            Op::LOAD_ATTR
            | Op::LOAD_ATTR_INSTANCE_VALUE
            | Op::LOAD_ATTR_MODULE
            | Op::LOAD_ATTR_CLASS
            | Op::LOAD_ATTR_METHOD_WITH_VALUES
            | Op::LOAD_ATTR_METHOD_NO_DICT
            | Op::LOAD_ATTR_SLOT => {
                let o = need(1)?;
                self.load_attr(frame, op, arg, &o, &cache(Op::LOAD_ATTR))?;
            }
            Op::STORE_ATTR | Op::STORE_ATTR_INSTANCE_VALUE | Op::STORE_ATTR_SLOT => {
                let o = need(1)?;
                self.store_attr(frame, op, arg, &o, &cache(Op::STORE_ATTR))?;
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
                let init = (op == Op::CALL_ALLOC_AND_ENTER_INIT)
                    .then(|| self.init_inlinable(arg, &concrete, cache(Op::CALL).u32_at(1)))
                    .flatten();
                match init {
                    Some((cls, init)) => self.inline_init(cls, init, arg)?,
                    None => self.call_op(op, arg, &concrete)?,
                }
            }
            Op::FOR_ITER | Op::FOR_ITER_RANGE | Op::FOR_ITER_LIST | Op::FOR_ITER_TUPLE => {
                let it = need(1)?;
                if it.is_exact(&crate::generator::GENERATOR_TYPE) {
                    // The interpreter resumes a generator in place, on its own data
                    // stack; from a trace it would take a helper and a nested
                    // interpreter per item, slower than not compiling the loop.
                    return Err("FOR_ITER over a generator");
                }
                let e = self.peek(1);
                if self.inlined.is_empty() {
                    self.expect_pc =
                        Some(self.pc + (arg_units(arg) + 1 + Op::FOR_ITER.cache_entries()) as u32);
                }
                let v = if it.is_exact(&strand_objects::range::RANGE_ITER_TYPE) {
                    self.guard_exact(e.v, vtable(&strand_objects::range::RANGE_ITER_TYPE));
                    let x = self.emit(U::RangeNext, &[e.v], 0);
                    self.box_int(x)
                } else if it.is_exact(&strand_objects::iterators::LIST_ITER_TYPE) {
                    self.guard_exact(e.v, vtable(&strand_objects::iterators::LIST_ITER_TYPE));
                    self.emit(U::ListIterNext, &[e.v], 0)
                } else {
                    self.call(crate::trace_helpers::ids().next, &[e.v])
                };
                self.push(v, true);
            }
            Op::UNPACK_SEQUENCE
            | Op::UNPACK_SEQUENCE_TWO_TUPLE
            | Op::UNPACK_SEQUENCE_TUPLE
            | Op::UNPACK_SEQUENCE_LIST => {
                let s = need(1)?;
                let e = self.peek(1);
                let is_tuple = s.is_exact(&tuple::TUPLE_TYPE) && tuple::items(&s).len() == arg;
                let is_list = s.is_exact(&list::LIST_TYPE) && list::len(&s) == arg;
                if !(is_tuple || is_list) {
                    return Err("UNPACK_SEQUENCE of a non-sequence");
                }
                let mut items = Vec::with_capacity(arg);
                if is_tuple {
                    self.guard_exact(e.v, vtable(&tuple::TUPLE_TYPE));
                    let n = self.t.push(U::TupleLen, &[e.v], 0, None);
                    let want = self.t.push(U::ConstI64, &[], arg as i64, None);
                    let same = self.t.push(U::ICmp, &[n, want], Cond::Eq.imm(), None);
                    self.emit(U::GuardTrue, &[same], 0);
                    for i in 0..arg {
                        let k = self.t.push(U::ConstI64, &[], i as i64, None);
                        let b = self.emit(U::TupleGet, &[e.v, k], 0);
                        items.push(self.t.push(U::Incref, &[b], 0, None));
                    }
                } else {
                    // A list can change under another thread between two reads:
                    // the items are copied in one critical section, as the
                    // interpreter's UNPACK_SEQUENCE_LIST does.
                    if arg > strand_jit::ir::MAX_UNPACK {
                        return Err("UNPACK_SEQUENCE of a long list");
                    }
                    self.guard_exact(e.v, vtable(&list::LIST_TYPE));
                    let buf = self.emit(U::ListUnpack, &[e.v], arg as i64);
                    for i in 0..arg {
                        items.push(self.t.push(U::UnpackItem, &[buf], i as i64, None));
                    }
                }
                let e = self.pop()?;
                self.drop_entry(e);
                for v in items.into_iter().rev() {
                    self.push(v, true);
                }
            }
            Op::BUILD_TUPLE | Op::BUILD_LIST if arg <= 3 => {
                let mut args = Vec::with_capacity(3);
                for k in (1..=arg).rev() {
                    let e = self.peek(k);
                    args.push(self.as_obj(e));
                }
                if args.is_empty() {
                    args.push(self.null());
                }
                let ids = crate::trace_helpers::ids();
                let id = if op == Op::BUILD_TUPLE {
                    ids.build_tuple
                } else {
                    ids.build_list
                };
                let v = self.call(id, &args);
                self.pop_n_drop(arg)?;
                self.push(v, true);
            }
            Op::LIST_APPEND => {
                let ev = self.peek(1);
                let el = self.peek(arg + 1);
                let (lo, vo) = (self.as_obj(el), self.as_obj(ev));
                let r = self.call(crate::trace_helpers::ids().list_append, &[lo, vo]);
                self.t.push(U::Decref, &[r], 0, None);
                let e = self.pop()?;
                self.drop_entry(e);
            }
            Op::RETURN_VALUE | Op::RETURN_CONST => {
                if self.inlined.is_empty() {
                    // A side trace may leave the function (the path a search loop
                    // takes when it finds what it looks for); a loop's own trace
                    // must come back to its header.
                    if self.side.is_some() {
                        return self.end_here();
                    }
                    return Err("return");
                }
                if self.inlined.last().is_some_and(|v| v.init.is_some()) {
                    // `__init__`'s return is guarded (see `inline_return`): its exit
                    // has the value still on the stack.
                    self.here();
                }
                let result = if op == Op::RETURN_VALUE {
                    self.pop()?
                } else {
                    // SAFETY: the compiler's constant indices are in range.
                    let c = unsafe { &*frame.consts().wrapping_add(arg) };
                    let v = self.const_obj(c.addr());
                    Entry {
                        v,
                        owned: false,
                        slot: None,
                    }
                };
                self.inline_return(result)?;
            }
            Op::RESUME | Op::NOP => {}
            Op::YIELD_VALUE => {
                // A generator's loop: the trace runs from the header to the yield
                // and ends with an exit there (the interpreter yields; the rest of
                // the iteration, after the generator resumes, is interpreted up to
                // the back-edge, which enters the trace again).
                if !self.inlined.is_empty() {
                    return Err("yield");
                }
                if self.side.is_none() && self.t.insts.len() < MIN_YIELDING_UOPS {
                    // Entering and leaving an executor on every item costs more
                    // than interpreting a body this short.
                    return Err("generator loop too short");
                }
                return self.end_here();
            }
            Op::KW_NAMES => return Err("call with keywords"),
            Op::GET_ITER => {
                // A nested loop starts: its first iteration is recorded, and the
                // trace ends at its back-edge if that loop is compiled (else the
                // recording aborts there).
                let e = self.peek(1);
                let it = self.call(crate::trace_helpers::ids().iter, &[e.v]);
                let e = self.pop()?;
                self.drop_entry(e);
                self.push(it, true);
            }
            // A function without defaults or annotations (a comprehension's,
            // a nested `def`'s or a lambda's), with or without a closure.
            Op::MAKE_FUNCTION if arg == 0 || arg == 8 => {
                // Its namespaces are those of the function whose code runs here: an
                // inlined callee (the trace guards its identity), or the loop's
                // function, whose globals and builtins executors are entered with.
                let ns = match self.inlined.last() {
                    Some(v) => v.func.clone(),
                    None => {
                        self.globals = (frame.globals().addr(), frame.builtins().addr());
                        (*frame.func().ok_or("MAKE_FUNCTION outside a function")?).clone()
                    }
                };
                let ce = self.peek(1);
                let code = self.as_obj(ce);
                let closure = if arg == 8 {
                    let e = self.peek(2);
                    self.as_obj(e)
                } else {
                    self.null()
                };
                let nv = self.const_obj(ns.addr());
                self.held.push(ns);
                let ids = crate::trace_helpers::ids();
                let v = self.call(ids.make_function, &[code, closure, nv]);
                self.made.insert(v);
                self.pop_n_drop(if arg == 8 { 2 } else { 1 })?;
                self.push(v, true);
            }
            other => return Err(other.name()),
        }
        Ok(Flow::Next)
    }

    /// Pops `n` entries, dropping each.
    fn pop_n_drop(&mut self, n: usize) -> Result<(), Abort> {
        for _ in 0..n {
            let e = self.pop()?;
            self.drop_entry(e);
        }
        Ok(())
    }

    /// The address of the object `v` is, if it is a constant.
    fn const_addr(&self, v: Value) -> Option<usize> {
        let d = self.t.def(v);
        (d.op == U::ConstObj && d.imm != 0).then_some(d.imm as usize)
    }

    /// BINARY_OP `arg` on the top two entries (whose objects are `l` and `r`): the
    /// result, owned.
    fn binary_op(&mut self, l: &PyObj, r: &PyObj, arg: usize) -> Value {
        let (el, er) = (self.peek(2), self.peek(1));
        let (lo, ro) = (self.as_obj(el), self.as_obj(er));
        let base = arg % usize::from(BINARY_OP_INPLACE);
        use bytecode::BinaryOpArg as B;
        let kind = B::from_u8(base as u8);
        if let (Some(a), Some(b)) = (small_value(l), small_value(r)) {
            let int_op = match kind {
                Some(B::Add) if a.checked_add(b).is_some() => Some(U::IAdd),
                Some(B::Subtract) if a.checked_sub(b).is_some() => Some(U::ISub),
                Some(B::Multiply) if a.checked_mul(b).is_some() => Some(U::IMul),
                // Zero and `i64::MIN // -1` are left to the interpreter (it raises,
                // or makes a big int).
                Some(B::FloorDivide) if a.checked_div(b).is_some() => Some(U::IFloorDiv),
                Some(B::Remainder) if a.checked_rem(b).is_some() => Some(U::IMod),
                Some(B::And) => Some(U::IAnd),
                Some(B::Or) => Some(U::IOr),
                Some(B::Xor) => Some(U::IXor),
                _ => None,
            };
            if let Some(u) = int_op {
                let (x, y) = (self.unbox_int(lo), self.unbox_int(ro));
                let z = if u.is_guard() {
                    self.emit(u, &[x, y], 0)
                } else {
                    self.t.push(u, &[x, y], 0, None)
                };
                return self.box_int(z);
            }
        }
        let floats = l.is_exact(&float::FLOAT_TYPE) || r.is_exact(&float::FLOAT_TYPE);
        let numeric = |o: &PyObj| o.is_exact(&float::FLOAT_TYPE) || is_small_int(o);
        if floats && numeric(l) && numeric(r) {
            let divisor_zero =
                float::as_f64_exact_float(r).map_or(small_value(r) == Some(0), |f| f == 0.0);
            let float_op = match kind {
                Some(B::Add) => Some(U::FAdd),
                Some(B::Subtract) => Some(U::FSub),
                Some(B::Multiply) => Some(U::FMul),
                Some(B::TrueDivide) if !divisor_zero => Some(U::FDiv),
                Some(B::Power) if plain_pow(l, r) => Some(U::FPow),
                _ => None,
            };
            if let Some(u) = float_op {
                let (x, y) = (self.float_operand(lo, l), self.float_operand(ro, r));
                let z = if u.is_guard() {
                    self.emit(u, &[x, y], 0)
                } else {
                    self.t.push(u, &[x, y], 0, None)
                };
                return self.box_float(z);
            }
        }
        let k = self.small_const(arg);
        self.call(crate::trace_helpers::ids().binary_op, &[lo, ro, k])
    }

    fn load_attr(
        &mut self,
        frame: &Frame,
        op: Op,
        arg: usize,
        o: &PyObj,
        c: &Cache<'_>,
    ) -> Result<(), Abort> {
        let method = arg & 1 == 1;
        let e = self.peek(1);
        let owner = self.as_obj(e);
        let tv = o.ty().current_version();
        let found = match op {
            Op::LOAD_ATTR_INSTANCE_VALUE => c
                .find(tv, specialize::LOAD_ENTRY)
                .filter(|en| attr_table_cached(o, en.keys_version(), en.index()))
                .map(|en| {
                    self.emit(U::GuardTypeVersion, &[owner], i64::from(tv));
                    let d = self.emit(U::InstanceDict, &[owner], 0);
                    let imm = entry_imm(en.keys_version(), en.index() as u16);
                    (None, self.emit(U::DictEntry, &[d], imm))
                }),
            Op::LOAD_ATTR_MODULE if o.is_exact(&module::MODULE_TYPE) => {
                let en = c.entry(0, specialize::LOAD_ENTRY);
                managed::dict_borrowed(o)
                    .filter(|d| cached(d, en.keys_version(), en.index()))
                    .map(|d| {
                        self.emit(U::GuardIs, &[owner], o.addr() as i64);
                        let dv = self.const_obj(d.addr());
                        let imm = entry_imm(en.keys_version(), en.index() as u16);
                        (None, self.emit(U::DictEntry, &[dv], imm))
                    })
            }
            // A `__slots__` member: read through a helper that checks the type version
            // again (the trace's guard lets later loads of the same owner skip theirs).
            Op::LOAD_ATTR_SLOT if !method => c.find(tv, specialize::LOAD_ENTRY).map(|en| {
                self.emit(U::GuardTypeVersion, &[owner], i64::from(tv));
                let key = self.int_const(crate::trace_helpers::slot_key(tv, en.index()));
                let ids = crate::trace_helpers::ids();
                (None, self.call(ids.slot_get, &[owner, key]))
            }),
            Op::LOAD_ATTR_METHOD_WITH_VALUES | Op::LOAD_ATTR_METHOD_NO_DICT if method => {
                match c.find(tv, specialize::LOAD_ENTRY) {
                    Some(en) => {
                        // The attribute table: the inline values (the trace's
                        // InstanceDict gives the object itself for them) or the dict.
                        let inline = inline_values::is_valid(o);
                        let dict = managed::dict_borrowed(o);
                        let fits = match (op, &dict) {
                            (Op::LOAD_ATTR_METHOD_WITH_VALUES, _) if inline => {
                                inline_values::shared_keys_version_is(o.ty(), en.keys_version())
                            }
                            (Op::LOAD_ATTR_METHOD_WITH_VALUES, Some(d)) => {
                                dict::keys_version_is(d, en.keys_version())
                            }
                            (Op::LOAD_ATTR_METHOD_NO_DICT, None) => true,
                            _ => false,
                        };
                        fits.then(|| {
                            self.emit(U::GuardTypeVersion, &[owner], i64::from(tv));
                            if inline || dict.is_some() {
                                let d = self.emit(U::InstanceDict, &[owner], 0);
                                self.emit(U::GuardDictKeys, &[d], i64::from(en.keys_version()));
                            }
                            // SAFETY: the owner's type has this version now (checked
                            // just above by `find`), so the method is alive; the
                            // executor keeps a reference to it from here on.
                            let m = unsafe { en.object() };
                            (Some(self.const_obj(m.addr())), owner)
                        })
                    }
                    None => None,
                }
            }
            _ => None,
        };
        let v = match found {
            // [method, self]: the owner's entry moves up.
            Some((Some(m), _)) => {
                let e = self.pop()?;
                self.push(m, false);
                self.push_entry(e);
                return Ok(());
            }
            Some((None, v)) => v,
            None => {
                // The generic path: the attribute (a bound method in the method
                // form, which CALL then calls with the same arguments).
                let name = crate::eval::name_ref(frame, arg >> 1).addr();
                let nv = self.const_obj(name);
                self.call(crate::trace_helpers::ids().getattr, &[owner, nv])
            }
        };
        let e = self.pop()?;
        self.drop_entry(e);
        if method {
            let n = self.null();
            self.push(n, false);
        }
        self.push(v, true);
        Ok(())
    }

    fn store_attr(
        &mut self,
        frame: &Frame,
        op: Op,
        arg: usize,
        o: &PyObj,
        c: &Cache<'_>,
    ) -> Result<(), Abort> {
        let (ev, eo) = (self.peek(2), self.peek(1));
        let owner = self.as_obj(eo);
        let tv = o.ty().current_version();
        let entry = (op == Op::STORE_ATTR_INSTANCE_VALUE)
            .then(|| c.find(tv, specialize::STORE_ENTRY))
            .flatten()
            .filter(|en| {
                if en.keys_version() == 0 {
                    // Inline values: the slot must fit this instance.
                    inline_values::is_valid(o) && en.index() < inline_values::capacity(o)
                } else {
                    managed::dict_borrowed(o)
                        .is_some_and(|d| dict::keys_version_is(&d, en.keys_version()))
                }
            });
        let slot = (op == Op::STORE_ATTR_SLOT)
            .then(|| c.find(tv, specialize::STORE_ENTRY))
            .flatten();
        if let Some(en) = slot {
            // A `__slots__` member: written through a helper that checks the type
            // version again.
            self.emit(U::GuardTypeVersion, &[owner], i64::from(tv));
            let key = self.int_const(crate::trace_helpers::slot_key(tv, en.index()));
            let vo = self.as_obj(ev);
            let ids = crate::trace_helpers::ids();
            let r = self.call(ids.slot_set, &[owner, key, vo]);
            self.t.push(U::Decref, &[r], 0, None);
            self.pop_n_drop(2)?;
            return Ok(());
        }
        match entry {
            Some(en) => {
                self.emit(U::GuardTypeVersion, &[owner], i64::from(tv));
                let d = self.emit(U::InstanceDict, &[owner], 0);
                self.here();
                let v = self.take_owned(ev);
                let imm = entry_imm(en.keys_version(), en.index() as u16);
                self.emit(U::DictStore, &[d, v], imm);
                let e = self.pop()?;
                self.drop_entry(e);
                // The dict took the value's reference.
                self.pop()?;
            }
            None => {
                let vo = self.as_obj(ev);
                let name = crate::eval::name_ref(frame, arg).addr();
                let nv = self.const_obj(name);
                let r = self.call(crate::trace_helpers::ids().setattr, &[owner, nv, vo]);
                self.t.push(U::Decref, &[r], 0, None);
                self.pop_n_drop(2)?;
            }
        }
        Ok(())
    }

    /// CALL with `n` arguments: through the generic call helper of its arity.
    fn call_op(
        &mut self,
        op: Op,
        n: usize,
        concrete: &dyn Fn(usize) -> Option<PyObj>,
    ) -> Result<(), Abort> {
        let below = self.peek(n + 2);
        // A function the trace makes is a new object each time: an identity guard
        // on the one recorded would always fail.
        let callee = if self.is_null(below.v) {
            self.peek(n + 1).v
        } else {
            below.v
        };
        let fresh = self.made.contains(&callee);
        if let Some(func) = self.inlinable(op, n, below, concrete).filter(|_| !fresh) {
            return self.inline_call(func, n, below);
        }
        let (callable, mut args) = if self.is_null(below.v) {
            let f = self.peek(n + 1);
            (self.as_obj(f), Vec::new())
        } else {
            let s = self.peek(n + 1);
            let so = self.as_obj(s);
            (self.as_obj(below), vec![so])
        };
        for k in (1..=n).rev() {
            let e = self.peek(k);
            args.push(self.as_obj(e));
        }
        // A `math` function of one float (or small int): computed unboxed.
        let math = concrete(n + 1)
            .filter(|_| self.is_null(below.v) && n == 1)
            .and_then(|f| math_fn_of(&f).map(|m| (f, m)));
        if let (Some((f, m)), Some(a)) = (math, concrete(1)) {
            if a.is_exact(&float::FLOAT_TYPE) || is_small_int(&a) {
                let fv = self.peek(2).v;
                if self.const_addr(fv) != Some(f.addr()) {
                    self.emit(U::GuardIs, &[fv], f.addr() as i64);
                }
                let x = self.float_operand(args[0], &a);
                let r = self.emit(U::FMath, &[x], m.imm());
                let v = self.box_float(r);
                self.pop_n_drop(n + 2)?;
                self.push(v, true);
                return Ok(());
            }
        }
        // len() of an exact list: its length, unboxed.
        let len_fn = concrete(n + 1).filter(|_| self.is_null(below.v) && n == 1);
        let v = if len_fn.is_some_and(|f| crate::eval::is_builtin_len(&f))
            && concrete(1).is_some_and(|a| a.is_exact(&list::LIST_TYPE))
        {
            let f = self.peek(n + 1).v;
            let addr = concrete(n + 1).map_or(0, |f| f.addr());
            self.emit(U::GuardIs, &[f], addr as i64);
            self.guard_exact(args[0], vtable(&list::LIST_TYPE));
            let x = self.t.push(U::ListLen, &[args[0]], 0, None);
            self.box_int(x)
        } else {
            let ids = crate::trace_helpers::ids();
            match args.len() {
                0..=2 => {
                    let mut ops = vec![callable];
                    ops.extend(&args);
                    self.call(ids.call[args.len()], &ops)
                }
                3 => {
                    // Three arguments go as one tuple.
                    let t = self.call(ids.build_tuple, &args);
                    let r = self.call(ids.call_tuple, &[callable, t]);
                    self.t.push(U::Decref, &[t], 0, None);
                    r
                }
                4..=6 => {
                    // Up to six as two.
                    let a = self.call(ids.build_tuple, &args[..3]);
                    let b = self.call(ids.build_tuple, &args[3..]);
                    let r = self.call(ids.call_tuple2, &[callable, a, b]);
                    self.t.push(U::Decref, &[a], 0, None);
                    self.t.push(U::Decref, &[b], 0, None);
                    r
                }
                _ => return Err("call with more than six arguments"),
            }
        };
        self.pop_n_drop(n + 2)?;
        self.push(v, true);
        Ok(())
    }

    /// The Python function a CALL with `n` arguments calls, if the trace can inline
    /// it: a plain function (no generator, no cells, no loop, not too long) whose
    /// parameters the arguments fill one to one, within the inlining depth.
    fn inlinable(
        &self,
        op: Op,
        n: usize,
        below: Entry,
        concrete: &dyn Fn(usize) -> Option<PyObj>,
    ) -> Option<PyObj> {
        if self.inlined.len() >= MAX_INLINE_DEPTH || op == Op::CALL_ALLOC_AND_ENTER_INIT {
            return None;
        }
        let (f, nargs) = if self.is_null(below.v) {
            // The frame's stack has NULL below the callable too.
            concrete(n + 2).is_none().then_some(())?;
            (concrete(n + 1)?, n)
        } else {
            (concrete(n + 2)?, n + 1)
        };
        (function::is_function(&f) && plain_function(&f, nargs)).then_some(f)
    }

    /// For CALL_ALLOC_AND_ENTER_INIT with `n` arguments, whose cache names class
    /// version `version`: the class and its `__init__`, if the class still has that
    /// version (so its `__new__` is `object.__new__` and its `__init__` a Python
    /// function, as the specializer saw), `__init__` takes the arguments one to one
    /// (checked here: the specializer leaves the binding to the call) and the trace
    /// can inline it.
    fn init_inlinable(
        &self,
        n: usize,
        concrete: &dyn Fn(usize) -> Option<PyObj>,
        version: u32,
    ) -> Option<(PyObj, PyObj)> {
        if self.inlined.len() >= MAX_INLINE_DEPTH || concrete(n + 2).is_some() {
            return None;
        }
        let cls = concrete(n + 1)?;
        if !self.is_null(self.peek(n + 2).v) || !strand_objects::typeobj::is_type(&cls) {
            return None;
        }
        // SAFETY: a type object (checked above).
        let ty = unsafe { strand_objects::typeobj::PyType::from_obj(&cls) };
        if version == 0 || ty.current_version() != version {
            return None;
        }
        let init = ty.lookup(&strand_objects::str::intern("__init__"))?;
        (function::is_function(&init) && plain_function(&init, n + 1)).then_some((cls, init))
    }

    /// Inlines CALL_ALLOC_AND_ENTER_INIT of class `cls` with `n` arguments: a helper
    /// makes the instance (or, if the class changed, leaves the trace for the
    /// interpreter's CALL), and `init` runs as an inlined call whose return gives the
    /// instance to the caller (`inline_return`).
    fn inline_init(&mut self, cls: PyObj, init: PyObj, n: usize) -> Result<(), Abort> {
        // SAFETY: a type object (`init_inlinable` checked).
        let version = unsafe { strand_objects::typeobj::PyType::from_obj(&cls) }.current_version();
        let c = self.peek(n + 1);
        let cv = self.as_obj(c);
        if self.const_addr(cv) != Some(cls.addr()) {
            self.emit(U::GuardIs, &[cv], cls.addr() as i64);
        }
        let f = self.const_obj(init.addr());
        self.emit(
            U::GuardFuncVersion,
            &[f],
            i64::from(function::function(&init).version()),
        );
        let key = self.int_const(i64::from(version));
        let ids = crate::trace_helpers::ids();
        let obj = self.call(ids.alloc_instance, &[cv, key]);
        // One reference for `self` in `__init__`, one for the call's value.
        let result = self.t.push(U::Incref, &[obj], 0, None);
        let code_obj = function::function(&init).fields().code.clone();
        // SAFETY: `code_obj` is alive (held here).
        let nlocals = unsafe { crate::code::code_data_ptr(&code_obj).as_ref() }.nlocalsplus;
        let mut locals: Vec<Option<Entry>> = vec![None; nlocals];
        locals[0] = Some(Entry {
            v: obj,
            owned: true,
            slot: None,
        });
        for (i, local) in locals.iter_mut().enumerate().skip(1).take(n) {
            let e = self.peek(n + 1 - i);
            *local = Some(Entry { slot: None, ..e });
        }
        for _ in 0..n {
            self.pop()?;
        }
        // The class and the NULL below it are dropped.
        self.pop_n_drop(2)?;
        let caller_next = self.pc + (arg_units(n) + 1 + Op::CALL.cache_entries()) as u32;
        // The executor keeps `init` alive (a constant of the trace).
        self.held.push(init.clone());
        self.inlined.push(VFrame {
            frame: std::ptr::null(),
            func: init,
            locals,
            stack: Vec::new(),
            caller_next,
            init: Some(Entry {
                v: result,
                owned: true,
                slot: None,
            }),
        });
        Ok(())
    }

    /// Inlines the call of `func` with `n` arguments: guards that the callable is
    /// this function with this version, then moves the arguments into the locals of a
    /// virtual frame; the callee's instructions are recorded into it.
    fn inline_call(&mut self, func: PyObj, n: usize, below: Entry) -> Result<(), Abort> {
        let callable = if self.is_null(below.v) {
            self.peek(n + 1)
        } else {
            below
        };
        let cv = self.as_obj(callable);
        if self.const_addr(cv) != Some(func.addr()) {
            self.emit(U::GuardIs, &[cv], func.addr() as i64);
        }
        let version = function::function(&func).version();
        self.emit(U::GuardFuncVersion, &[cv], i64::from(version));
        // The guards name the function by address: it must outlive the recording
        // (the executor keeps it from then on) even if the iteration drops it.
        self.held.push(func.clone());
        let nargs = if self.is_null(below.v) { n } else { n + 1 };
        let code_obj = function::function(&func).fields().code.clone();
        // SAFETY: `code_obj` is alive (held here).
        let nlocals = unsafe { crate::code::code_data_ptr(&code_obj).as_ref() }.nlocalsplus;
        let mut locals: Vec<Option<Entry>> = vec![None; nlocals];
        // The arguments move into the callee's locals (the interpreter moves their
        // references the same way).
        for (i, local) in locals.iter_mut().enumerate().take(nargs) {
            let e = self.peek(nargs - i);
            *local = Some(Entry { slot: None, ..e });
        }
        for _ in 0..nargs {
            self.pop()?;
        }
        // The callable (and NULL) are dropped.
        let rest = 2 - (nargs - n);
        self.pop_n_drop(rest)?;
        let caller_next = self.pc + (arg_units(n) + 1 + Op::CALL.cache_entries()) as u32;
        self.inlined.push(VFrame {
            frame: std::ptr::null(),
            func,
            locals,
            stack: Vec::new(),
            caller_next,
            init: None,
        });
        Ok(())
    }

    /// RETURN of an inlined call with `result`: the virtual frame's locals go, and the
    /// result is pushed for the caller (owned, unless it needs no reference).
    fn inline_return(&mut self, result: Entry) -> Result<(), Abort> {
        if let Some(inst) = self.inlined.last().and_then(|v| v.init) {
            // `__init__` returns None (the interpreter raises TypeError otherwise: the
            // guard exits at the RETURN, in the rebuilt frame); the call's value is
            // the instance.
            let none = singletons::none().addr();
            if self.const_addr(result.v) != Some(none) {
                self.emit(U::GuardIs, &[result.v], none as i64);
            }
            let mut v = self.inlined.pop().ok_or("return")?;
            self.drop_entry(result);
            for l in v.locals.drain(..).flatten() {
                self.drop_entry(l);
            }
            for e in std::mem::take(&mut v.stack) {
                self.drop_entry(e);
            }
            self.push_entry(inst);
            return Ok(());
        }
        let mut v = self.inlined.pop().ok_or("return")?;
        let mut res = result;
        if !res.owned {
            if let Some(k) = res.slot {
                match v.locals.get_mut(k as usize) {
                    // The local's reference becomes the result's.
                    Some(local) if local.is_some_and(|l| l.owned && l.v == res.v) => {
                        *local = None;
                        res.owned = true;
                    }
                    _ => {}
                }
            }
        }
        // Borrowed from a local that is going away: a reference of its own. (A
        // constant or a truth value needs none.)
        let res = if !res.owned && res.slot.is_some() {
            let o = self.take_owned(res);
            Entry {
                v: o,
                owned: true,
                slot: None,
            }
        } else {
            Entry { slot: None, ..res }
        };
        for l in v.locals.drain(..).flatten() {
            self.drop_entry(l);
        }
        for e in std::mem::take(&mut v.stack) {
            self.drop_entry(e);
        }
        self.push_entry(res);
        Ok(())
    }

    /// The trace is complete: optimize, compile, link it to the code object and make
    /// this thread's JUMP_BACKWARD enter it.
    fn finish(&mut self, frame: &Frame) {
        crate::jit::TRACES_RECORDED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut t = std::mem::take(&mut self.t);
        if crate::jit::dump() {
            eprintln!("-- recorded {}:\n{t}", frame.data().code.qualname);
        }
        if let Err(e) = t.verify() {
            if crate::jit::dump() {
                eprintln!("-- invalid trace: {e}");
            }
            self.fail("invalid trace");
            return;
        }
        strand_jit::opt::optimize(&mut t);
        if crate::jit::dump() {
            eprintln!("-- optimized:\n{t}");
        }
        let obj =
            match strand_jit::executor::Executor::compile(&t, [self.globals.0, self.globals.1]) {
                Ok(obj) => obj,
                Err(e) => {
                    if crate::jit::dump() {
                        eprintln!("-- not compiled: {e}");
                    }
                    self.fail("code generation failed");
                    return;
                }
            };
        match self.side {
            Some((parent, k)) => {
                // SAFETY: the parent is alive: the frame's code object reaches it (or
                // its own parent), and the collector has not run since the exit.
                let p = unsafe { strand_jit::executor::Executor::get(parent) };
                p.link_side(k, obj);
            }
            None => crate::jit::install(frame, obj, self.jump),
        }
    }
}

/// Whether the trace can inline a call of function `f` with `nargs` arguments: a
/// plain function (no generator, no cells, no loop, not too long) whose parameters the
/// arguments fill one to one.
fn plain_function(f: &PyObj, nargs: usize) -> bool {
    let code_obj = function::function(f).fields().code.clone();
    // SAFETY: `code_obj` is alive (held here).
    let data = unsafe { crate::code::code_data_ptr(&code_obj).as_ref() };
    let c = &data.code;
    c.flags
        & (flags::GENERATOR
            | flags::COROUTINE
            | flags::ASYNC_GENERATOR
            | flags::VARARGS
            | flags::VARKEYWORDS)
        == 0
        && c.kwonlyargcount == 0
        && c.argcount as usize == nargs
        && data.ncells == 0
        && c.cellvars.is_empty()
        && c.freevars.is_empty()
        && instruction_count(&c.code) <= MAX_INLINE_CODE
        && !has_loop(&c.code)
}

/// The `math` function `f` is, if it is one `fmath` computes: a builtin of the
/// `math` module (its `__module__`; `cmath`'s functions of the same names differ).
/// Whether `l ** r` on numbers (one of them a float) is C's `pow` of their values,
/// as `fpow` computes it: a positive finite base, a finite exponent and a finite
/// result (CPython's `float_pow` handles the other cases itself).
fn plain_pow(l: &PyObj, r: &PyObj) -> bool {
    let value =
        |o: &PyObj| float::as_f64_exact_float(o).or_else(|| small_value(o).map(|v| v as f64));
    match (value(l), value(r)) {
        (Some(a), Some(b)) => a > 0.0 && a.is_finite() && b.is_finite() && a.powf(b).is_finite(),
        _ => false,
    }
}

fn math_fn_of(f: &PyObj) -> Option<strand_jit::ir::MathFn> {
    let b = f.downcast::<strand_objects::descr::PyBuiltinFunction>()?;
    let m = strand_jit::ir::MathFn::from_name(b.name)?;
    let module =
        strand_objects::abstract_::getattr(f, &strand_objects::str::intern("__module__")).ok()?;
    (module.is_exact(&strand_objects::str::STR_TYPE)
        && strand_objects::str::as_str(&module) == "math")
        .then_some(m)
}

/// Whether compiled code has a backward jump (a loop).
fn has_loop(code: &[u16]) -> bool {
    let mut i = 0;
    while i < code.len() {
        let op = Op::from_u8((code[i] & 0xff) as u8);
        if op == Some(Op::JUMP_BACKWARD) {
            return true;
        }
        i += 1 + op.map_or(0, |o| o.cache_entries());
    }
    false
}

/// How many instructions compiled code has (its code units less the caches).
fn instruction_count(code: &[u16]) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < code.len() {
        let op = Op::from_u8((code[i] & 0xff) as u8);
        n += 1;
        i += 1 + op.map_or(0, |o| o.cache_entries());
    }
    n
}

/// How many EXTENDED_ARG prefixes an argument needs.
fn arg_units(arg: usize) -> usize {
    match arg {
        0..=0xff => 0,
        0x100..=0xffff => 1,
        0x1_0000..=0xff_ffff => 2,
        _ => 3,
    }
}

/// The vtable address of a static type (what `guard_type` compares).
fn vtable(ty: &strand_objects::typeobj::PyType) -> usize {
    &ty.vtable as *const _ as usize
}

fn is_small_int(o: &PyObj) -> bool {
    small_value(o).is_some()
}

/// The machine value of an exact int that has one.
fn small_value(o: &PyObj) -> Option<i64> {
    if o.is_exact(&int::INT_TYPE) {
        int::as_i64(o)
    } else {
        None
    }
}

/// Whether index `i` (negative from the end) is within a sequence of `len` items.
fn in_range(i: i64, len: usize) -> bool {
    let len = len as i64;
    (-len..len).contains(&i)
}

/// Whether entry `index` of `d` holds a value under keys `version` (what a
/// `dict_entry` guard will find).
/// Whether an instance-attribute entry (keys `version` 0: inline values, else the
/// instance dict's keys) gives a value for `o` now.
fn attr_table_cached(o: &PyObj, version: u32, index: usize) -> bool {
    if version == 0 {
        if !inline_values::is_valid(o) {
            return false;
        }
        return match inline_values::get_cached(o, index) {
            Some((v, counted)) => {
                if counted {
                    // SAFETY: the reference `get_cached` counted for us.
                    unsafe { strand_heap::refcount::decref(v) };
                }
                true
            }
            None => false,
        };
    }
    managed::dict_borrowed(o).is_some_and(|d| cached(&d, version, index))
}

fn cached(d: &PyObj, version: u32, index: usize) -> bool {
    match dict::get_cached(d, version, index) {
        Some((v, counted)) => {
            if counted {
                // SAFETY: the reference `get_cached` counted for us.
                unsafe { strand_heap::refcount::decref(v) };
            }
            true
        }
        None => false,
    }
}

/// The immediate of `dict_entry`/`dict_store`: the keys version and the entry index.
fn entry_imm(keys_version: u32, index: u16) -> i64 {
    (i64::from(keys_version) << 16) | i64::from(index)
}
