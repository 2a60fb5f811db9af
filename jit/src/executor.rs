//! Executors: compiled traces as objects of the strand heap.
//!
//! An executor is a **GC-only** object (strand-heap's `set_gc_only`, after CPython's
//! free-threaded JIT): it is never reference counted, since executors form cycles with
//! the code that refers to them; the cycle collector frees it once nothing reaches
//! it. The code object whose loop it compiles links it (the interpreter reports its
//! executors when the collector traverses the code object), and a thread running it
//! reports it as a root, so an executor is freed only once unlinked and idle. Freeing
//! it unmaps its machine code.
//!
//! Once published an executor is immutable, but for its counters, its validity flag
//! and its side-trace links, which are atomics: any thread may run it on its own
//! frame (everything thread-specific comes through the [`JitContext`]).
//!
//! **Side traces.** An exit taken often gets a trace of its own, recorded from the
//! exit's instruction back to the loop header (a *side trace*, LuaJIT's and PyPy's
//! bridges): a side executor linked to that exit ([`Executor::link_side`]), which
//! the interpreter runs right after the exit instead of interpreting. The parent
//! reports its side executors to the collector, so they live exactly as long as it.

use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64};

use strand_heap::{HeapKind, HeapObject, ObjPtr, Owned};
use strand_objects::PyObj;

use crate::codegen::{self, memory::CodeBlock, EntryFn, JitContext};
use crate::ir::{Dep, Opcode, Trace};

/// Adds one to counter `c` (see [`Executor::entries`]): its new value.
#[inline(always)]
pub fn bump(c: &AtomicU64) -> u64 {
    let n = c.load(Relaxed) + 1;
    c.store(n, Relaxed);
    n
}

/// An inlined frame an exit rebuilds: its values are in the context's exit buffer,
/// `locals` then `stack` words, after those of the frames before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameExit {
    /// The function the frame runs (alive: the executor keeps it).
    pub func: usize,
    /// Where it resumes.
    pub pc: u32,
    /// Its locals-plus slots in the buffer.
    pub locals: u32,
    /// Its stack entries in the buffer.
    pub stack: u32,
    /// Whether one more word follows the stack: the instance an inlined `__init__`
    /// returns to its caller (see `ir::InlinedFrame::init`).
    pub init: bool,
}

impl FrameExit {
    /// How many words of the exit buffer the frame takes.
    pub fn words(&self) -> usize {
        (self.locals + self.stack) as usize + usize::from(self.init)
    }
}

/// What an exit tells the interpreter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExitInfo {
    /// Where it resumes.
    pub pc: u32,
    /// How many values the exit pushed onto the stack (above the loop header's depth).
    pub pushed: u32,
    /// Whether a helper's exception is pending.
    pub error: bool,
    /// Whether only guards of the preamble take it (the loop did not even start: the
    /// trace no longer fits what the frame holds).
    pub preamble: bool,
    /// Inlined frames to rebuild above the trace's frame, outermost first.
    pub frames: Vec<FrameExit>,
    /// Whether this is where the trace ends (its final `exit`: a side trace back at
    /// the loop header, a generator's loop at its yield), not a guard's way out.
    pub end: bool,
}

/// A compiled trace.
pub struct Executor {
    code: CodeBlock,
    entry: EntryFn,
    /// The loop header (the trace's anchor).
    pub anchor: u32,
    /// The value-stack depth at the loop header.
    pub stack_depth: u32,
    /// Whether the trace loops (ends in `jump`); otherwise it runs once per entry and
    /// ends in an `exit` (side traces, generators' loops up to their yield).
    pub loops: bool,
    /// Per exit: where the interpreter resumes.
    pub exits: Vec<ExitInfo>,
    /// Words of exit buffer the context must provide (inlined frames' values).
    pub exit_buffer_len: usize,
    /// What the trace assumed.
    pub deps: Vec<Dep>,
    /// Objects the machine code refers to by address (counted references): the
    /// constants and the objects identity guards compare with, so that none of those
    /// addresses can be reused by another object while the code runs.
    keep: std::sync::Mutex<Vec<PyObj>>,
    valid: AtomicBool,
    /// Runs started. This and the other counters below are heuristics' inputs,
    /// counted with plain loads and stores (no read-modify-write, which costs a
    /// locked instruction on every entry): when threads run one executor at once an
    /// increment may be lost.
    pub entries: AtomicU64,
    /// Exits taken, per exit.
    pub exits_taken: Vec<AtomicU64>,
    /// Runs that left before completing an iteration, through an exit other than
    /// the loop header's (counted by the interpreter, since it last looked).
    pub stalled: AtomicU64,
    /// Iterations completed (counted by the interpreter from the context's count,
    /// since it last looked).
    pub iterations: AtomicU64,
    /// Per exit: the side executor that continues it (null while none).
    side: Vec<AtomicPtr<strand_heap::ObjectHeader>>,
    /// The addresses of the namespaces (globals, builtins) the trace read names from,
    /// 0 where it read none: a frame with other namespaces must not run it.
    pub namespaces: [usize; 2],
}

// SAFETY: the machine code is immutable and reentrant; the rest is atomics, plain
// data, or behind a mutex.
unsafe impl Send for Executor {}
// SAFETY: as above.
unsafe impl Sync for Executor {}

// SAFETY: traverse reports each counted reference (`keep`) exactly once, and each
// linked side executor (GC-only, reached only through this link) once.
unsafe impl HeapObject for Executor {
    const NAME: &'static str = "executor";
    const KIND: HeapKind = HeapKind::Gc;

    fn traverse(&self, visit: &mut dyn FnMut(ObjPtr)) {
        if let Ok(keep) = self.keep.try_lock() {
            for o in keep.iter() {
                visit(o.as_ptr());
            }
        }
        for s in &self.side {
            if let Some(p) = ObjPtr::from_raw(s.load(Acquire)) {
                visit(p);
            }
        }
    }

    fn clear(&self) {
        let taken = match self.keep.lock() {
            Ok(mut k) => std::mem::take(&mut *k),
            Err(_) => Vec::new(),
        };
        drop(taken);
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        crate::stats::EXECUTORS_FREED.fetch_add(1, Relaxed);
    }
}

impl Executor {
    /// Compiles an optimized trace into a new GC-only executor, which frames whose
    /// namespaces are `namespaces` may run (see [`Executor::namespaces`]). Returns the executor's object, which no counted reference holds
    /// (the caller links it where the collector finds it before the next safe point).
    ///
    /// # Errors
    /// What the code generator could not compile.
    pub fn compile(t: &Trace, namespaces: [usize; 2]) -> Result<ObjPtr, String> {
        let started = std::time::Instant::now();
        let code = codegen::compile(t)?;
        crate::stats::COMPILE_NANOS.fetch_add(started.elapsed().as_nanos() as u64, Relaxed);
        crate::stats::CODE_BYTES.fetch_add(code.len() as u64, Relaxed);
        // SAFETY: the block holds a compiled trace of this signature.
        let entry: EntryFn = unsafe { std::mem::transmute(code.entry()) };
        let keep: Vec<PyObj> = t
            .insts
            .iter()
            .filter(|i| {
                matches!(
                    i.op,
                    Opcode::ConstObj | Opcode::GuardIs | Opcode::GuardIsNot | Opcode::IsObj
                ) && i.imm != 0
            })
            .filter_map(|i| {
                // SAFETY: the recorder's constants are live objects (it saw them).
                unsafe {
                    strand_heap::ObjPtr::from_raw(i.imm as usize as *mut strand_heap::ObjectHeader)
                        .map(|p| PyObj::from_borrowed(p))
                }
            })
            .collect();
        let lp = t.loop_index().unwrap_or(0);
        let exits = t
            .exits
            .iter()
            .enumerate()
            .map(|(k, e)| ExitInfo {
                pc: e.pc,
                pushed: e.stack.len() as u32,
                error: e.error,
                frames: e
                    .frames
                    .iter()
                    .map(|f| FrameExit {
                        func: f.func,
                        pc: f.pc,
                        locals: f.locals.len() as u32,
                        stack: f.stack.len() as u32,
                        init: f.init.is_some(),
                    })
                    .collect(),
                end: t.insts.last().is_some_and(|i| {
                    i.op == Opcode::Exit && i.exit.is_some_and(|x| x.0 as usize == k)
                }),
                preamble: t.insts[..lp]
                    .iter()
                    .any(|i| i.exit.is_some_and(|x| x.0 as usize == k))
                    && !t.insts[lp..]
                        .iter()
                        .any(|i| i.exit.is_some_and(|x| x.0 as usize == k)),
            })
            .collect::<Vec<_>>();
        let exits_taken = exits.iter().map(|_| AtomicU64::new(0)).collect();
        let side = exits
            .iter()
            .map(|_| AtomicPtr::new(std::ptr::null_mut()))
            .collect();
        let exit_buffer_len = exits
            .iter()
            .map(|e| e.frames.iter().map(FrameExit::words).sum())
            .max()
            .unwrap_or(0);
        // The functions of inlined frames are named by address too.
        let mut keep = keep;
        for e in &t.exits {
            for f in &e.frames {
                if let Some(p) =
                    strand_heap::ObjPtr::from_raw(f.func as *mut strand_heap::ObjectHeader)
                {
                    // SAFETY: the recorder's functions are live objects (it called them).
                    keep.push(unsafe { PyObj::from_borrowed(p) });
                }
            }
        }
        let obj = Owned::into_obj(Owned::new(Executor {
            code,
            entry,
            anchor: t.anchor,
            stack_depth: t.stack_depth,
            loops: t.insts.last().is_some_and(|i| i.op == Opcode::Jump),
            exits,
            exit_buffer_len,
            deps: t.deps.clone(),
            keep: std::sync::Mutex::new(keep),
            valid: AtomicBool::new(true),
            entries: AtomicU64::new(0),
            exits_taken,
            stalled: AtomicU64::new(0),
            iterations: AtomicU64::new(0),
            side,
            namespaces,
        }));
        // SAFETY: fresh, tracked (a GC heap kind), not yet visible to other threads.
        unsafe { strand_heap::refcount::set_gc_only(obj) };
        crate::stats::EXECUTORS_COMPILED.fetch_add(1, Relaxed);
        Ok(obj)
    }

    /// The executor behind an object made by [`Executor::compile`].
    ///
    /// # Safety
    /// `obj` is a live executor (linked, or running on this thread).
    pub unsafe fn get<'a>(obj: ObjPtr) -> &'a Executor {
        // SAFETY: forwarded to the caller.
        unsafe { strand_heap::Borrowed::<Executor>::from_obj(obj) }.get()
    }

    /// Runs the trace on the frame in `ctx`; returns the exit taken (its index and
    /// what it tells the interpreter) and how often that exit was taken, this time
    /// included.
    ///
    /// # Safety
    /// `ctx` points at the slots of a frame stopped at the trace's entry (the loop
    /// header with the trace's stack depth; for a side trace, the instruction of the
    /// exit it continues, with that exit's stack, whose references the trace takes
    /// over), at this thread's eval breaker and id, and at an exit buffer of
    /// `exit_buffer_len` words (for a side trace of an exit inside inlined calls,
    /// holding what that exit wrote there, whose references the trace takes over);
    /// the frame's slots hold what the trace's guards check before relying on it.
    pub unsafe fn run(&self, ctx: &mut JitContext) -> (usize, &ExitInfo, u64) {
        bump(&self.entries);
        // SAFETY: per the contract.
        let k = unsafe { (self.entry)(ctx) } as usize;
        // Every compiled exit returns its own index.
        let k = k.min(self.exits.len() - 1);
        let taken = bump(&self.exits_taken[k]);
        crate::stats::count_exit();
        (k, &self.exits[k], taken)
    }

    /// The side executor linked to exit `k`, if any.
    pub fn side(&self, k: usize) -> Option<ObjPtr> {
        ObjPtr::from_raw(self.side.get(k)?.load(Acquire))
    }

    /// Links `side`, a freshly compiled executor, to exit `k`. Returns false when the
    /// exit already has one (another thread linked its own first): `side` then stays
    /// unreachable and the collector frees it.
    pub fn link_side(&self, k: usize, side: ObjPtr) -> bool {
        let Some(slot) = self.side.get(k) else {
            return false;
        };
        let linked = slot
            .compare_exchange(std::ptr::null_mut(), side.as_ptr(), AcqRel, Acquire)
            .is_ok();
        if linked {
            crate::stats::SIDE_TRACES.fetch_add(1, Relaxed);
        }
        linked
    }

    /// Whether the executor may still be entered.
    pub fn is_valid(&self) -> bool {
        self.valid.load(Relaxed)
    }

    /// Makes the executor unusable (its assumptions no longer hold); threads that
    /// find it invalid restore the instruction it replaced.
    pub fn invalidate(&self) {
        if self.valid.swap(false, Relaxed) {
            crate::stats::EXECUTORS_INVALIDATED.fetch_add(1, Relaxed);
        }
    }

    /// Bytes of machine code.
    pub fn code_size(&self) -> usize {
        self.code.len()
    }

    /// The machine code's address (for perf maps).
    pub fn code_address(&self) -> usize {
        self.code.entry() as usize
    }
}
