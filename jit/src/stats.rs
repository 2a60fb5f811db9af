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
/// Exits taken (all executors).
pub static EXITS_TAKEN: AtomicU64 = AtomicU64::new(0);
/// Bytes of machine code compiled.
pub static CODE_BYTES: AtomicU64 = AtomicU64::new(0);
/// Nanoseconds spent optimizing and compiling.
pub static COMPILE_NANOS: AtomicU64 = AtomicU64::new(0);

/// The counters, as `(name, value)` pairs in report order.
pub fn snapshot() -> Vec<(&'static str, u64)> {
    vec![
        ("executors compiled", EXECUTORS_COMPILED.load(Relaxed)),
        ("executors invalidated", EXECUTORS_INVALIDATED.load(Relaxed)),
        ("executors freed", EXECUTORS_FREED.load(Relaxed)),
        ("exits taken", EXITS_TAKEN.load(Relaxed)),
        ("machine code bytes", CODE_BYTES.load(Relaxed)),
        ("compile time (us)", COMPILE_NANOS.load(Relaxed) / 1000),
    ]
}
