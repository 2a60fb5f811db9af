//! The JIT end to end, in this process: loops of Python functions compile to
//! executors that compute what the interpreter computes, and the executors of code
//! nothing reaches any more are freed by the cycle collector (they are GC-only
//! objects, reached only through the code objects that link them).
//!
//! One test function: the JIT's counters are per process.

use std::sync::atomic::Ordering::Relaxed;

use strand_interp::code::load_code;
use strand_interp::eval;
use strand_jit::stats::{EXECUTORS_COMPILED, EXECUTORS_FREED};
use strand_objects::{dict, int};

const SOURCE: &str = "\
def f(n):
    t = 0
    for i in range(n):
        t += i * 2
    return t
r = f(100)
";

#[test]
fn executors_compute_and_are_freed_with_their_code() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_stdlib::install();
    strand_interp::jit::configure(true, Some(1));
    let code = strand_compiler::compile_module(SOURCE, "<jit test>").expect("compiles");
    let (compiled, freed) = (
        EXECUTORS_COMPILED.load(Relaxed),
        EXECUTORS_FREED.load(Relaxed),
    );
    let rounds = 20;
    for _ in 0..rounds {
        let globals = dict::new();
        eval::run_code(&load_code(&code), &globals).expect("runs");
        let r = dict::get_item_str(&globals, "r").expect("r is set");
        assert_eq!(int::as_i64(&r), Some(9900));
        // `globals` and `f` form a cycle with f's code object, which links the
        // executor: only the collector can free them.
    }
    assert_eq!(
        EXECUTORS_COMPILED.load(Relaxed) - compiled,
        rounds,
        "each round's f compiles its loop"
    );
    strand_gc::collect();
    assert_eq!(
        EXECUTORS_FREED.load(Relaxed) - freed,
        rounds,
        "every executor is freed once its code is unreachable"
    );
}
