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

use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU16, AtomicU64, AtomicUsize};
use std::sync::{Mutex, OnceLock};

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
/// recording that fails, and every executor of the loop found invalid, raises
/// `backoff`, so a loop the recorder cannot handle is tried again ever more rarely,
/// as CPython's backoff counters do (Include/internal/pycore_backoff.h), and after
/// [`GIVE_UP`] tries not at all (compiling costs milliseconds: a loop whose
/// recordings keep failing or going stale stays interpreted).
const COUNT_MASK: u16 = 0x0fff;

/// The backoff at which a loop is no longer recorded.
const GIVE_UP: u16 = 8;

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

/// The executors a code object links: index `k` is ENTER_EXECUTOR's argument `k`.
/// A frame enters one only when it runs with the namespaces the trace read names
/// from ([`Executor::namespaces`]; a code object can run under several, with `exec`).
/// The collector finds them through the code object ([`traverse_payload`]); links are
/// never removed (an invalid executor stays until its code object dies), so a
/// thread's ENTER_EXECUTOR always names a live executor.
///
/// Reads are lock-free (ENTER_EXECUTOR reads its executor on every entry): the list
/// is append-only, each slot written once before `len` (stored with release ordering)
/// covers it.
#[derive(Default)]
pub(crate) struct Executors {
    /// `MAX_EXECUTORS` slots, made with the first link.
    slots: OnceLock<Box<[AtomicPtr<strand_heap::ObjectHeader>]>>,
    /// How many slots are published.
    len: AtomicUsize,
    /// Serializes links.
    adding: Mutex<()>,
}

impl Executors {
    /// The published executors.
    fn published(&self) -> impl Iterator<Item = ObjPtr> + '_ {
        let n = self.len.load(Acquire);
        self.slots
            .get()
            .into_iter()
            .flat_map(move |s| s[..n].iter())
            .filter_map(|p| ObjPtr::from_raw(p.load(Relaxed)))
    }

    /// Executor `k`.
    pub(crate) fn get(&self, k: usize) -> Option<ObjPtr> {
        if k >= self.len.load(Acquire) {
            return None;
        }
        // The acquire load of `len` above orders this after the slot's store.
        ObjPtr::from_raw(self.slots.get()?.get(k)?.load(Relaxed))
    }

    /// The valid executor for the loop whose header is `anchor` that `frame` may
    /// enter: its index.
    pub(crate) fn find(&self, anchor: u32, frame: &Frame) -> Option<usize> {
        self.published().position(|l| {
            // SAFETY: linked executors are alive (the code object reaches them).
            let e = unsafe { Executor::get(l) };
            e.anchor == anchor && e.is_valid() && namespaces_fit(e, frame)
        })
    }

    /// Links a new executor; its index, or `None` when the code object has as many
    /// as ENTER_EXECUTOR can name (the executor is then left to the collector).
    pub(crate) fn add(&self, l: ObjPtr) -> Option<usize> {
        let _adding = self.adding.lock().unwrap_or_else(|e| e.into_inner());
        let n = self.len.load(Relaxed);
        if n >= MAX_EXECUTORS {
            return None;
        }
        let slots = self.slots.get_or_init(|| {
            (0..MAX_EXECUTORS)
                .map(|_| AtomicPtr::new(std::ptr::null_mut()))
                .collect()
        });
        slots[n].store(l.as_ptr(), Relaxed);
        // Publishes the slot (readers load `len` with acquire ordering).
        self.len.store(n + 1, Release);
        Some(n)
    }

    fn visit(&self, visit: &mut dyn FnMut(ObjPtr)) {
        // The collector runs with the world stopped; links made before are all
        // published.
        for l in self.published() {
            visit(l);
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
    if backoff >= GIVE_UP {
        return false;
    }
    let limit = (u32::from(threshold()) << backoff).min(u32::from(COUNT_MASK)) as u16;
    if count >= limit {
        cache.set_counter(c & !COUNT_MASK);
        true
    } else {
        cache.set_counter((c & !COUNT_MASK) | count);
        false
    }
}

/// Raises the backoff of a JUMP_BACKWARD whose recording failed; up to [`GIVE_UP`]
/// when `may_give_up`, else short of it.
fn back_off(unit: &Cell<u16>, may_give_up: bool) {
    let max = if may_give_up { GIVE_UP } else { GIVE_UP - 1 };
    let now = unit.get() >> 12;
    let backoff = if now >= max { now } else { now + 1 };
    unit.set(backoff << 12);
}

/// A loop turned hot at the JUMP_BACKWARD that `frame.instr` points at, whose target
/// (the loop header) is `anchor`: enters an executor another thread compiled for it
/// (installing ENTER_EXECUTOR in this thread's bytecode), or starts a recording.
pub(crate) fn hot_loop(frame: &Frame, anchor: u32) -> Option<Recorder> {
    if let Some(k) = frame.data().executors.find(anchor, frame) {
        rewrite(frame, unit(Op::ENTER_EXECUTOR, k as u8));
        return None;
    }
    Some(Recorder::new(frame, anchor))
}

/// A recording that stopped without installing an executor: the JUMP_BACKWARD at
/// `jump` backs off.
pub(crate) fn recording_failed(jump: *const Cell<u16>, may_give_up: bool) {
    // SAFETY: `jump` is a JUMP_BACKWARD's opcode unit in a live bytecode copy; its
    // cache unit follows.
    back_off(unsafe { &*jump.add(1) }, may_give_up);
}

/// Links a freshly compiled executor to the code of `frame` and makes the
/// JUMP_BACKWARD at `jump` (the one whose counter started the recording, in the
/// frame's bytecode copy) enter it.
pub(crate) fn install(frame: &Frame, executor: ObjPtr, jump: *const Cell<u16>) {
    if let Some(k) = frame.data().executors.add(executor) {
        // SAFETY: a live executor (just made).
        let e = unsafe { Executor::get(executor) };
        perf_map_add(e.code_address(), e.code_size(), &frame.data().code.qualname);
        // SAFETY: `jump` is a JUMP_BACKWARD's opcode unit in this thread's bytecode
        // copy of the frame's code (only this thread reads and writes it).
        unsafe { &*jump }.set(unit(Op::ENTER_EXECUTOR, k as u8));
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
    /// Run this executor (its loop header is `anchor`), whose object is the second;
    /// the third is the loop's backoff (how often its recordings failed or its
    /// executors were invalidated: see [`after_run`]).
    Run(&'a Executor, ObjPtr, u16),
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
    let e: &Executor = unsafe { Executor::get(linked) };
    if e.is_valid() && enabled() && namespaces_fit(e, frame) {
        // SAFETY: the cache unit follows the instruction's opcode unit.
        let backoff = unsafe { &*frame.instr.get().add(1) }.get() >> 12;
        return Ok(Enter::Run(e, linked, backoff));
    }
    let distance = next.saturating_sub(e.anchor as usize);
    rewrite(frame, unit(Op::JUMP_BACKWARD, (distance & 0xff) as u8));
    if !e.is_valid() {
        // Recorded again later, after a longer wait each time (a loop whose
        // recordings keep going stale is not recorded over and over).
        // SAFETY: the cache unit follows the instruction's opcode unit.
        back_off(unsafe { &*frame.instr.get().add(1) }, true);
    }
    Ok(Enter::Jump { anchor: e.anchor })
}

/// The loop header that ENTER_EXECUTOR `k` of `frame`'s code jumps back to, for a
/// frame that runs no compiled code (a traced one, see `crate::sys_trace`).
///
/// # Errors
/// `SystemError` if the code has no executor `k`.
pub(crate) fn anchor_of(frame: &Frame, k: usize) -> PyResult<u32> {
    let linked = frame.data().executors.get(k).ok_or_else(|| {
        strand_objects::exceptions::system_error("ENTER_EXECUTOR names no executor")
    })?;
    // SAFETY: linked executors live as long as their code object, which the frame
    // keeps alive.
    let e: &Executor = unsafe { Executor::get(linked) };
    Ok(e.anchor)
}

/// What the interpreter does after an executor left through an exit.
pub(crate) enum Next {
    /// Resume interpreting at the exit.
    Interpret,
    /// Run this executor next, on the state the exit left: the side trace linked to
    /// the exit, or (after a side trace reached the loop header) the loop's executor.
    Run(ObjPtr),
    /// Resume interpreting at the exit, recording a side trace for it.
    Record,
}

/// Side traces are recorded for an exit taken this many times (a quarter of the
/// loop threshold, so that `-X jit_threshold=1` compiles them at once), then, while
/// recording fails, at twice, four times, ... as many.
fn side_threshold() -> u64 {
    u64::from(threshold() / 4).max(1)
}

/// Whether a frame running with these namespaces may run `e` (see
/// [`Executor::namespaces`]).
fn namespaces_fit(e: &Executor, frame: &Frame) -> bool {
    let [g, b] = e.namespaces;
    (g == 0 || g == frame.globals().addr()) && (b == 0 || b == frame.builtins().addr())
}

/// Decides what follows exit `k` (taken `taken` times so far) of executor `cur`,
/// run on `frame` for the loop whose executor is `root` (the one ENTER_EXECUTOR
/// entered; `cur` is it or one of its side traces). `may_record` is false while a
/// recording is in progress (they do not nest).
///
/// Side traces and the loop's executor follow an exit directly (no interpreter in
/// between), but only while the eval breaker is clear: the loop's own back-edge polls
/// it, and a chain of executors must not starve a stop-the-world request. An exit
/// inside inlined calls gets a side trace too: it takes the inlined frames' values
/// from the exit buffer the exit filled, so that no frame is rebuilt when it runs.
pub(crate) fn after_exit(
    frame: &Frame,
    (root, cur): (ObjPtr, ObjPtr),
    (k, exit, taken): (usize, &ExitInfo, u64),
    breaker: &std::sync::atomic::AtomicUsize,
    may_record: bool,
) -> Next {
    if exit.error || !enabled() || breaker.load(Relaxed) != 0 {
        return Next::Interpret;
    }
    // SAFETY: both are alive: the frame's code object reaches the root, which reaches
    // its side traces, and no collection ran since ENTER_EXECUTOR.
    let (r, e) = unsafe { (Executor::get(root), Executor::get(cur)) };
    if exit.pc == r.anchor && exit.pushed == 0 && exit.frames.is_empty() {
        // Back at the loop header: a side trace's end (the loop's own header exits
        // mean its preamble failed or the breaker was set).
        return if cur != root && r.is_valid() {
            Next::Run(root)
        } else {
            Next::Interpret
        };
    }
    if exit.end {
        // A trace's own end (a generator's loop at its yield): nothing to record.
        return Next::Interpret;
    }
    if let Some(side) = e.side(k) {
        // SAFETY: linked to a live executor.
        let s = unsafe { Executor::get(side) };
        return if s.is_valid() && namespaces_fit(s, frame) {
            Next::Run(side)
        } else {
            Next::Interpret
        };
    }
    let st = side_threshold();
    if may_record && !exit.preamble && taken % st == 0 && (taken / st).is_power_of_two() {
        return Next::Record;
    }
    Next::Interpret
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
    strand_jit::stats::count_frame_exit();
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
        if fx.init {
            // SAFETY: the word after the stack is the instance's counted reference
            // (as the other words), which moves into the frame.
            let word = unsafe { *buf.add(at + nl + ns) };
            callee.set_init_self(crate::stackref::StackRef::from_word(word).into_owned());
        }
        at += fx.words();
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
        .map(strand_jit::executor::FrameExit::words)
        .sum();
    for k in from..total {
        // SAFETY: each word is a counted reference or null (see `rebuild_frames`).
        let word = unsafe { *buf.add(k) };
        drop(crate::stackref::StackRef::from_word(word));
    }
}

/// Entries between checks of an executor's usefulness.
const CHECK_EVERY: u64 = 1024;

/// A loop's executor that stalls (see [`after_run`]) is invalidated, and the loop
/// recorded again, only while the loop's backoff is below this: twice at most.
const STALL_RETRIES: u16 = 2;

/// After a run of `e` (a loop's executor when `root`, else a side trace) that
/// completed `iterations` iterations and left through `exit`: a loop's executor
/// entered often is invalidated, so that the loop is recorded again for what the
/// program does now, when its runs mostly leave at once through a guard of its
/// preamble (the loop now sees other types than it was recorded with), or when nine
/// runs in ten leave inside the first iteration and hardly any iteration completes
/// (the path it was recorded from no longer happens: a global it reads was joined by
/// new ones, changing the module dict's keys version, say), where a side trace would
/// run after a wasted partial iteration every time. Runs that end at the loop header
/// (the loop ending) are not stalled: a short loop ends every run; and a loop whose
/// items take turns at paths (a loop over objects of several classes) completes
/// iterations on some runs, so recording it again would not help. Only a loop with a
/// backoff (`backoff`, from its JUMP_BACKWARD's counter) under [`STALL_RETRIES`] is
/// recorded again for stalling: a loop whose new recordings keep stalling (their
/// items take the recorded path rarely, and side traces run the others) keeps its
/// executor and side traces rather than being compiled over and over.
pub(crate) fn after_run(
    e: &Executor,
    root: bool,
    iterations: usize,
    exit: &ExitInfo,
    backoff: u16,
) {
    if root && e.loops {
        if iterations == 0 {
            if exit.pc != e.anchor {
                strand_jit::executor::bump(&e.stalled);
            }
        } else {
            // A plain load and store, as `bump`.
            let n = e.iterations.load(Relaxed);
            e.iterations.store(n + iterations as u64, Relaxed);
        }
    }
    let n = e.entries.load(Relaxed);
    if n.is_multiple_of(CHECK_EVERY) {
        if dump() && n.is_power_of_two() {
            let taken: Vec<u64> = e.exits_taken.iter().map(|c| c.load(Relaxed)).collect();
            eprintln!(
                "-- executor at {} (from pc {}): {n} entries, exits taken {taken:?}",
                e.anchor,
                e.exits.first().map_or(0, |x| x.pc)
            );
        }
        let at_header: u64 = e
            .exits
            .iter()
            .zip(&e.exits_taken)
            .filter(|(x, _)| x.preamble)
            .map(|(_, c)| c.load(Relaxed))
            .sum();
        // Over the runs since the last check (CHECK_EVERY of them).
        let (stalled, iterations) = (e.stalled.swap(0, Relaxed), e.iterations.swap(0, Relaxed));
        let stuck = root
            && backoff < STALL_RETRIES
            && stalled * 10 > CHECK_EVERY * 9
            && iterations * 100 < CHECK_EVERY;
        if at_header * 2 > n || stuck {
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
