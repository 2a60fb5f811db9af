//! The interpreter's side of the JIT (strand-jit): when loops get hot, recording
//! them (`record.rs`), installing the executors compiled from the recordings,
//! entering them, and what `-X jit`, `-X jit_threshold`, `-X perf` and `-X stats`
//! control.
//!
//! **Hotness.** Every JUMP_BACKWARD counts down in its inline cache; at zero the
//! loop it closes is recorded, starting at the jump's target (the loop header). A
//! recording that closes the loop is optimized and compiled into an executor, which
//! the code object links (`Executors`); this thread's JUMP_BACKWARD becomes
//! ENTER_EXECUTOR. Another thread whose counter trips at the same loop finds the
//! executor there and installs it in its own bytecode copy without recording.
//!
//! **Threads.** The JIT stays on with any number of threads: an executor is immutable
//! machine code, the frame and the thread's eval breaker come through the context,
//! each thread enters executors from its own bytecode copy, and a running executor is
//! a root of its thread (the frame that runs it reports it), so the collector never
//! frees code a thread is in.
//!
//! **Validity.** Traces keep every guard they rely on at run time (types, versions,
//! dict keys), and hold counted references to the objects they name, so a class or a
//! global that changes makes a trace leave through an exit, never misbehave. An
//! executor whose exits are taken far more often than its loop completes is a waste:
//! ENTER_EXECUTOR then invalidates it and restores the JUMP_BACKWARD (which will
//! record the loop again later, for what the program does now).

use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64};
use std::sync::{Mutex, OnceLock, RwLock};

use std::cell::Cell;

use strand_compiler::bytecode::{unit, Op};
use strand_heap::ObjPtr;
use strand_jit::executor::{Executor, ExitInfo};
use strand_objects::{PyObj, PyResult};

use crate::frame::Frame;
use crate::record::Recorder;
use crate::specialize::Cache;

/// Whether loops are compiled (`-X jit=on|off`).
static ENABLED: AtomicBool = AtomicBool::new(true);
/// Back-edges before a loop is recorded (`-X jit_threshold=N`).
static THRESHOLD: AtomicU16 = AtomicU16::new(DEFAULT_THRESHOLD);
/// Whether traces are printed before and after optimization (`STRAND_JIT_DUMP=1`).
static DUMP: OnceLock<bool> = OnceLock::new();

/// The default hotness threshold: back-edges of one loop before it is recorded.
pub const DEFAULT_THRESHOLD: u16 = 256;
/// Most executors one code object links (ENTER_EXECUTOR's argument is a byte).
pub const MAX_EXECUTORS: usize = 255;

/// The largest threshold (JUMP_BACKWARD's counter keeps 12 bits of count).
pub const MAX_THRESHOLD: u16 = COUNT_MASK;

/// JUMP_BACKWARD's cache unit: `backoff << 12 | count`. A loop is hot when `count`
/// reaches the threshold shifted left by `backoff` (at most [`COUNT_MASK`]); every
/// recording that fails raises `backoff` (up to 15), so a loop the recorder cannot
/// handle is tried again ever more rarely, as CPython's backoff counters do
/// (Include/internal/pycore_backoff.h).
const COUNT_MASK: u16 = 0x0fff;

/// Turns the JIT on or off and sets its threshold (from the command line; clamped to
/// `1..=MAX_THRESHOLD`).
pub fn configure(enabled: bool, threshold: Option<u16>) {
    ENABLED.store(enabled, Relaxed);
    if let Some(t) = threshold {
        THRESHOLD.store(t.clamp(1, MAX_THRESHOLD), Relaxed);
    }
}

/// Whether the JIT is on.
#[inline(always)]
pub fn enabled() -> bool {
    ENABLED.load(Relaxed)
}

/// The hotness threshold (the value JUMP_BACKWARD's counter restarts from).
#[inline(always)]
pub fn threshold() -> u16 {
    THRESHOLD.load(Relaxed)
}

/// Whether traces are printed (`STRAND_JIT_DUMP` set to anything but `0`).
pub(crate) fn dump() -> bool {
    *DUMP.get_or_init(|| std::env::var("STRAND_JIT_DUMP").is_ok_and(|v| v != "0" && !v.is_empty()))
}

/// One linked executor, with the namespaces its trace read globals from (their
/// addresses, 0 when it read none): a frame may enter it only when it runs with the
/// same globals and builtins (a code object can run under several, with `exec`).
#[derive(Clone, Copy)]
pub(crate) struct Linked {
    pub(crate) executor: ObjPtr,
    pub(crate) globals: usize,
    pub(crate) builtins: usize,
}

impl Linked {
    /// Whether a frame with these namespaces may enter the executor.
    pub(crate) fn fits(&self, globals: usize, builtins: usize) -> bool {
        (self.globals == 0 || self.globals == globals)
            && (self.builtins == 0 || self.builtins == builtins)
    }
}

/// The executors a code object links: index `k` is ENTER_EXECUTOR's argument `k`.
/// The collector finds them through the code object ([`traverse_payload`]); links are
/// never removed (an invalid executor stays until its code object dies), so a
/// thread's ENTER_EXECUTOR always names a live executor.
#[derive(Default)]
pub(crate) struct Executors {
    list: RwLock<Vec<Linked>>,
}

// SAFETY: the list holds addresses of GC-only executors, immutable once published
// but for atomics; the lock orders their publication.
unsafe impl Send for Executors {}
// SAFETY: as above.
unsafe impl Sync for Executors {}

impl Executors {
    /// Executor `k`.
    pub(crate) fn get(&self, k: usize) -> Option<Linked> {
        self.list
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(k)
            .copied()
    }

    /// The valid executor for the loop whose header is `anchor` that a frame with
    /// these namespaces may enter: its index.
    pub(crate) fn find(&self, anchor: u32, globals: usize, builtins: usize) -> Option<usize> {
        let list = self.list.read().unwrap_or_else(|e| e.into_inner());
        list.iter().position(|l| {
            // SAFETY: linked executors are alive (the code object reaches them).
            let e = unsafe { Executor::get(l.executor) };
            e.anchor == anchor && e.is_valid() && l.fits(globals, builtins)
        })
    }

    /// Links a new executor; its index, or `None` when the code object has as many
    /// as ENTER_EXECUTOR can name (the executor is then left to the collector).
    pub(crate) fn add(&self, l: Linked) -> Option<usize> {
        let mut list = self.list.write().unwrap_or_else(|e| e.into_inner());
        if list.len() >= MAX_EXECUTORS {
            return None;
        }
        list.push(l);
        Some(list.len() - 1)
    }

    fn visit(&self, visit: &mut dyn FnMut(ObjPtr)) {
        // The collector runs with the world stopped: no thread holds the write lock
        // across a safe point, so the read lock is free.
        if let Ok(list) = self.list.try_read() {
            for l in list.iter() {
                visit(l.executor);
            }
        }
    }
}

/// Counts one back-edge in JUMP_BACKWARD's cache; true when the loop turned hot (the
/// count restarts from zero).
#[inline(always)]
pub(crate) fn count_backedge(cache: &Cache<'_>) -> bool {
    let c = cache.counter();
    let count = (c & COUNT_MASK) + 1;
    let backoff = c >> 12;
    let limit = (u32::from(threshold()) << backoff).min(u32::from(COUNT_MASK)) as u16;
    if count >= limit {
        cache.set_counter(c & !COUNT_MASK);
        true
    } else {
        cache.set_counter((c & !COUNT_MASK) | count);
        false
    }
}

/// Raises the backoff of a JUMP_BACKWARD whose recording failed.
fn back_off(unit: &Cell<u16>) {
    let backoff = ((unit.get() >> 12) + 1).min(15);
    unit.set(backoff << 12);
}

/// A loop turned hot at the JUMP_BACKWARD that `frame.instr` points at, whose target
/// (the loop header) is `anchor`: enters an executor another thread compiled for it
/// (installing ENTER_EXECUTOR in this thread's bytecode), or starts a recording.
pub(crate) fn hot_loop(frame: &Frame, anchor: u32) -> Option<Recorder> {
    let data = frame.data();
    let (g, b) = (frame.globals().addr(), frame.builtins().addr());
    if let Some(k) = data.executors.find(anchor, g, b) {
        rewrite(frame, unit(Op::ENTER_EXECUTOR, k as u8));
        return None;
    }
    Some(Recorder::new(frame, anchor))
}

/// A recording that stopped without installing an executor: the JUMP_BACKWARD at
/// `jump` backs off.
pub(crate) fn recording_failed(jump: *const Cell<u16>) {
    // SAFETY: `jump` is a JUMP_BACKWARD's opcode unit in a live bytecode copy; its
    // cache unit follows.
    back_off(unsafe { &*jump.add(1) });
}

/// Links a freshly compiled executor to the code of `frame` and makes the
/// JUMP_BACKWARD that `frame.instr` points at enter it.
pub(crate) fn install(frame: &Frame, executor: ObjPtr, globals: (usize, usize)) {
    let linked = Linked {
        executor,
        globals: globals.0,
        builtins: globals.1,
    };
    if let Some(k) = frame.data().executors.add(linked) {
        // SAFETY: a live executor (just made).
        let e = unsafe { Executor::get(executor) };
        perf_map_add(e.code_address(), e.code_size(), &frame.data().code.qualname);
        rewrite(frame, unit(Op::ENTER_EXECUTOR, k as u8));
    }
}

/// Rewrites the opcode unit of the instruction `frame` executes (in this thread's
/// bytecode copy; JUMP_BACKWARD and ENTER_EXECUTOR have the same cache layout).
fn rewrite(frame: &Frame, word: u16) {
    // SAFETY: `instr` points at the executing instruction's unit in the frame's
    // bytecode copy, which only this thread reads and writes (see `tlbc`).
    unsafe { &*frame.instr.get() }.set(word);
}

/// What ENTER_EXECUTOR found.
pub(crate) enum Enter<'a> {
    /// Run this executor (its loop header is `anchor`).
    Run(&'a Executor),
    /// The executor cannot be entered (invalid, the JIT is off, other namespaces):
    /// the instruction went back to JUMP_BACKWARD, which jumps to `anchor`.
    Jump { anchor: u32 },
}

/// ENTER_EXECUTOR `k` at `frame.instr`, whose caches end at code-unit offset `next`.
///
/// # Errors
/// `SystemError` for an executor index the code object does not link (corrupt
/// bytecode).
pub(crate) fn enter(frame: &Frame, k: usize, next: usize) -> PyResult<Enter<'_>> {
    let linked = frame.data().executors.get(k).ok_or_else(|| {
        strand_objects::exceptions::system_error("ENTER_EXECUTOR names no executor")
    })?;
    // SAFETY: linked executors live as long as their code object, which the frame
    // keeps alive.
    let e: &Executor = unsafe { Executor::get(linked.executor) };
    let fits = linked.fits(frame.globals().addr(), frame.builtins().addr());
    if e.is_valid() && enabled() && fits {
        return Ok(Enter::Run(e));
    }
    let distance = next.saturating_sub(e.anchor as usize);
    rewrite(frame, unit(Op::JUMP_BACKWARD, (distance & 0xff) as u8));
    Ok(Enter::Jump { anchor: e.anchor })
}

/// This thread's id as objects' `ob_tid` holds it (generated code counts references
/// to the objects it owns inline).
pub(crate) fn thread_tid() -> usize {
    strand_heap::current_thread_id().map_or(0, |t| t.as_usize())
}

thread_local! {
    /// This thread's exit buffer: where executors leave inlined frames' values. One
    /// fixed block per thread, never moved (a running executor holds its address, and
    /// executors nest through the calls they make).
    static EXIT_BUFFER: Box<[Cell<usize>]> =
        (0..strand_jit::codegen::EXIT_BUFFER_WORDS).map(|_| Cell::new(0)).collect();
}

/// This thread's exit buffer, for the executor context.
pub(crate) fn exit_buffer() -> *mut usize {
    EXIT_BUFFER.with(|b| b.as_ptr() as *mut usize)
}

/// Rebuilds the frames of the calls an exit left inlined, above the running frame
/// (which the caller already set up to wait in the outermost call), each linked and
/// counted as CALL does, with the values the exit left in this thread's exit buffer.
/// Returns the innermost, where the interpreter resumes.
///
/// # Errors
/// `RecursionError` if a frame would pass the recursion limit; the frames already
/// rebuilt stay (the error unwinds through them).
pub(crate) fn rebuild_frames(exit: &ExitInfo) -> PyResult<std::ptr::NonNull<Frame>> {
    let buf = exit_buffer();
    let mut at = 0usize;
    let mut top = None;
    for (k_frame, fx) in exit.frames.iter().enumerate() {
        // SAFETY: the executor keeps the function alive (it is in its `keep`).
        let func = unsafe {
            std::mem::ManuallyDrop::new(PyObj::from_owned(ObjPtr::new(
                std::ptr::NonNull::new(fx.func as *mut strand_heap::ObjectHeader).ok_or_else(
                    || strand_objects::exceptions::system_error("an exit without its function"),
                )?,
            )))
        };
        let fp = crate::call::push_function_frame(&func, None);
        // SAFETY: just pushed, alive until popped.
        let callee = unsafe { fp.as_ref() };
        let slots = callee.slots_ptr();
        let (nl, ns) = (fx.locals as usize, fx.stack as usize);
        for k in 0..nl + ns {
            let dest = if k < nl {
                k
            } else {
                callee.nlocalsplus() + (k - nl)
            };
            // SAFETY: the exit left `nl + ns` words here for this frame, each a counted
            // reference or null, which moves into the frame's (null) slot; `dest` is
            // within the frame's slots (locals, then at most its max stack depth).
            unsafe {
                let word = *buf.add(at + k);
                *slots.add(dest) = crate::stackref::StackRef::from_word(word);
            }
        }
        at += nl + ns;
        callee.next.set(fx.pc);
        callee.depth.set(fx.stack);
        let inner = k_frame + 1 < exit.frames.len();
        if let Err(e) = crate::eval::enter_frame(fp) {
            // Not linked: its references are dropped with it; the values of frames
            // not rebuilt yet are dropped too.
            // SAFETY: pushed above, not linked, not used again.
            unsafe { crate::frame::pop_frame(fp) };
            drop_buffer_words(buf, at, exit);
            return Err(e);
        }
        if inner {
            // Waiting in the call of the next frame, as the interpreter leaves a
            // caller (its traceback line is the call's).
            callee.instr.set(call_instr(callee, fx.pc));
        }
        top = Some(fp);
    }
    top.ok_or_else(|| strand_objects::exceptions::system_error("an exit without frames"))
}

/// The opcode unit of the CALL after which a frame resumes at `next` (a CALL's
/// opcode unit is followed by its cache; EXTENDED_ARG prefixes come before it).
pub(crate) fn call_instr(frame: &Frame, next: u32) -> *const Cell<u16> {
    let at = (next as usize).saturating_sub(1 + Op::CALL.cache_entries());
    frame.bytecode.get().wrapping_add(at)
}

/// Drops the references an exit left in the buffer from word `from` on.
fn drop_buffer_words(buf: *mut usize, from: usize, exit: &ExitInfo) {
    let total: usize = exit
        .frames
        .iter()
        .map(|f| (f.locals + f.stack) as usize)
        .sum();
    for k in from..total {
        // SAFETY: each word is a counted reference or null (see `rebuild_frames`).
        let word = unsafe { *buf.add(k) };
        drop(crate::stackref::StackRef::from_word(word));
    }
}

/// Entries between checks of an executor's usefulness.
const CHECK_EVERY: u64 = 1024;

/// After a run of `e`: an executor entered often whose runs mostly leave at once
/// through a guard of its preamble (the loop now sees other types than it was
/// recorded with) is invalidated, so that the loop is recorded again.
pub(crate) fn after_run(e: &Executor) {
    let n = e.entries.load(Relaxed);
    if n.is_multiple_of(CHECK_EVERY) {
        let at_header: u64 = e
            .exits
            .iter()
            .zip(&e.exits_taken)
            .filter(|(x, _)| x.preamble)
            .map(|(_, c)| c.load(Relaxed))
            .sum();
        if at_header * 2 > n {
            if dump() {
                let taken: Vec<u64> = e.exits_taken.iter().map(|c| c.load(Relaxed)).collect();
                eprintln!(
                    "-- invalidated the executor at {} after {n} entries; exits taken {taken:?}",
                    e.anchor
                );
            }
            e.invalidate();
        }
    }
}

/// The collector's view of a code object's payload: its linked executors.
pub(crate) fn traverse_payload(
    data: &(dyn std::any::Any + Send + Sync),
    visit: &mut dyn FnMut(ObjPtr),
) {
    if let Some(d) = data.downcast_ref::<std::sync::Arc<crate::code::CodeData>>() {
        d.executors.visit(visit);
    }
}

/// Recording counters (the JIT crate counts compilation and execution).
pub(crate) static TRACES_RECORDED: AtomicU64 = AtomicU64::new(0);
static ABORTS: Mutex<Vec<(&'static str, u64)>> = Mutex::new(Vec::new());

/// Counts a recording aborted for `reason`.
pub(crate) fn count_abort(reason: &'static str) {
    let mut a = ABORTS.lock().unwrap_or_else(|e| e.into_inner());
    match a.iter_mut().find(|(r, _)| *r == reason) {
        Some((_, n)) => *n += 1,
        None => a.push((reason, 1)),
    }
}

/// The JIT's part of the `-X stats` report.
pub fn report() -> String {
    let mut out = format!(
        "  jit: {} (threshold {})\n    traces recorded {}\n",
        if enabled() { "on" } else { "off" },
        threshold(),
        TRACES_RECORDED.load(Relaxed)
    );
    let mut aborts = ABORTS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    aborts.sort_by_key(|a| std::cmp::Reverse(a.1));
    let total: u64 = aborts.iter().map(|a| a.1).sum();
    out.push_str(&format!("    traces aborted {total}\n"));
    for (reason, n) in aborts {
        out.push_str(&format!("      {reason:<40} {n:>8}\n"));
    }
    for (name, v) in strand_jit::stats::snapshot() {
        out.push_str(&format!("    {name} {v}\n"));
    }
    out
}

/// The `-X perf` map file (`/tmp/perf-PID.map`, CPython's `-X perf` format: one line
/// per code region, `START SIZE NAME` in hex), once opened.
static PERF_MAP: Mutex<Option<std::fs::File>> = Mutex::new(None);

/// Starts writing the perf map (`-X perf`).
pub fn enable_perf_map() {
    let path = format!("/tmp/perf-{}.map", std::process::id());
    if let Ok(f) = std::fs::File::create(path) {
        *PERF_MAP.lock().unwrap_or_else(|e| e.into_inner()) = Some(f);
    }
}

/// Records an executor's code in the perf map, if one is being written.
pub(crate) fn perf_map_add(start: usize, size: usize, name: &str) {
    let mut guard = PERF_MAP.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(f) = guard.as_mut() {
        let _ = std::io::Write::write_all(f, format!("{start:x} {size:x} py::{name}\n").as_bytes());
    }
}
