//! The JIT's counters (for `-X stats`): what was compiled, invalidated, freed, and
//! how often traces ran and left. The interpreter keeps its own recording counters
//! (traces recorded and aborted, by reason).

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

/// Executors compiled.
pub static EXECUTORS_COMPILED: AtomicU64 = AtomicU64::new(0);
/// Executors invalidated.
pub static EXECUTORS_INVALIDATED: AtomicU64 = AtomicU64::new(0);
/// Executors freed by the collector.
pub static EXECUTORS_FREED: AtomicU64 = AtomicU64::new(0);
/// Side traces compiled and linked to the exit they continue.
pub static SIDE_TRACES: AtomicU64 = AtomicU64::new(0);
/// Exits taken (all executors) by threads that ended; each running thread counts its
/// own (see [`count_exit`]).
pub static EXITS_TAKEN: AtomicU64 = AtomicU64::new(0);

/// Exits taken inside inlined calls, whose frames the interpreter rebuilt (all
/// executors), by threads that ended; each running thread counts its own (see
/// [`count_frame_exit`]).
pub static FRAME_EXITS: AtomicU64 = AtomicU64::new(0);

/// This thread's exits taken and exits that rebuilt frames, added to [`EXITS_TAKEN`]
/// and [`FRAME_EXITS`] when the thread ends (a shared counter written on every exit
/// would bounce between cores).
struct LocalExits(std::cell::Cell<u64>, std::cell::Cell<u64>);

impl Drop for LocalExits {
    fn drop(&mut self) {
        EXITS_TAKEN.fetch_add(self.0.get(), Relaxed);
        FRAME_EXITS.fetch_add(self.1.get(), Relaxed);
    }
}

thread_local! {
    static LOCAL_EXITS: LocalExits =
        const { LocalExits(std::cell::Cell::new(0), std::cell::Cell::new(0)) };
}

/// Counts an exit taken by this thread.
#[inline(always)]
pub fn count_exit() {
    // A thread being torn down counts nothing more.
    let _ = LOCAL_EXITS.try_with(|c| c.0.set(c.0.get() + 1));
}

/// Counts an exit of this thread after which the interpreter rebuilt inlined frames.
#[inline(always)]
pub fn count_frame_exit() {
    let _ = LOCAL_EXITS.try_with(|c| c.1.set(c.1.get() + 1));
}
/// Bytes of machine code compiled.
pub static CODE_BYTES: AtomicU64 = AtomicU64::new(0);
/// Nanoseconds spent optimizing and compiling.
pub static COMPILE_NANOS: AtomicU64 = AtomicU64::new(0);

/// The counters, as `(name, value)` pairs in report order (exits taken: by threads
/// that ended and by this one).
pub fn snapshot() -> Vec<(&'static str, u64)> {
    vec![
        ("executors compiled", EXECUTORS_COMPILED.load(Relaxed)),
        ("executors invalidated", EXECUTORS_INVALIDATED.load(Relaxed)),
        ("executors freed", EXECUTORS_FREED.load(Relaxed)),
        ("side traces", SIDE_TRACES.load(Relaxed)),
        (
            "exits taken",
            EXITS_TAKEN.load(Relaxed) + LOCAL_EXITS.try_with(|c| c.0.get()).unwrap_or(0),
        ),
        (
            "exits rebuilding inlined frames",
            FRAME_EXITS.load(Relaxed) + LOCAL_EXITS.try_with(|c| c.1.get()).unwrap_or(0),
        ),
        ("machine code bytes", CODE_BYTES.load(Relaxed)),
        ("compile time (us)", COMPILE_NANOS.load(Relaxed) / 1000),
    ]
}
