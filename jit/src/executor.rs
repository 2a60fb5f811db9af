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
//! Once published an executor is immutable, but for its counters and its validity
//! flag, which are atomics: any thread may run it on its own frame (everything
//! thread-specific comes through the [`JitContext`]).

use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicU64};

use strand_heap::{HeapKind, HeapObject, ObjPtr, Owned};
use strand_objects::PyObj;

use crate::codegen::{self, memory::CodeBlock, EntryFn, JitContext};
use crate::ir::{Dep, Opcode, Trace};

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
}

/// A compiled trace.
pub struct Executor {
    code: CodeBlock,
    entry: EntryFn,
    /// The loop header (the trace's anchor).
    pub anchor: u32,
    /// The value-stack depth at the loop header.
    pub stack_depth: u32,
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
    /// Runs started.
    pub entries: AtomicU64,
    /// Exits taken, per exit.
    pub exits_taken: Vec<AtomicU64>,
    /// The interpreter's data (the instruction the executor replaced, say).
    pub tag: u32,
}

// SAFETY: the machine code is immutable and reentrant; the rest is atomics, plain
// data, or behind a mutex.
unsafe impl Send for Executor {}
// SAFETY: as above.
unsafe impl Sync for Executor {}

// SAFETY: traverse reports each counted reference (`keep`) exactly once.
unsafe impl HeapObject for Executor {
    const NAME: &'static str = "executor";
    const KIND: HeapKind = HeapKind::Gc;

    fn traverse(&self, visit: &mut dyn FnMut(ObjPtr)) {
        if let Ok(keep) = self.keep.try_lock() {
            for o in keep.iter() {
                visit(o.as_ptr());
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
    /// Compiles an optimized trace into a new GC-only executor; `tag` is kept for the
    /// interpreter. Returns the executor's object, which no counted reference holds
    /// (the caller links it where the collector finds it before the next safe point).
    ///
    /// # Errors
    /// What the code generator could not compile.
    pub fn compile(t: &Trace, tag: u32) -> Result<ObjPtr, String> {
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
                    })
                    .collect(),
                preamble: t.insts[..lp]
                    .iter()
                    .any(|i| i.exit.is_some_and(|x| x.0 as usize == k))
                    && !t.insts[lp..]
                        .iter()
                        .any(|i| i.exit.is_some_and(|x| x.0 as usize == k)),
            })
            .collect::<Vec<_>>();
        let exits_taken = exits.iter().map(|_| AtomicU64::new(0)).collect();
        let exit_buffer_len = exits
            .iter()
            .map(|e| e.frames.iter().map(|f| (f.locals + f.stack) as usize).sum())
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
            exits,
            exit_buffer_len,
            deps: t.deps.clone(),
            keep: std::sync::Mutex::new(keep),
            valid: AtomicBool::new(true),
            entries: AtomicU64::new(0),
            exits_taken,
            tag,
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

    /// Runs the trace on the frame in `ctx`; returns the exit taken.
    ///
    /// # Safety
    /// `ctx` points at the slots of a frame stopped at the trace's loop header with
    /// the trace's stack depth, at this thread's eval breaker and id, and at an exit
    /// buffer of `exit_buffer_len` words; the frame's slots hold what the trace's
    /// guards check before relying on it. Returns the exit taken.
    pub unsafe fn run(&self, ctx: &mut JitContext) -> &ExitInfo {
        self.entries.fetch_add(1, Relaxed);
        // SAFETY: per the contract.
        let k = unsafe { (self.entry)(ctx) } as usize;
        if let Some(c) = self.exits_taken.get(k) {
            c.fetch_add(1, Relaxed);
        }
        crate::stats::EXITS_TAKEN.fetch_add(1, Relaxed);
        // Every compiled exit returns its own index.
        &self.exits[k.min(self.exits.len() - 1)]
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
