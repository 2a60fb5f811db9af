//! Fuzz target `gc_graph`: arbitrary graphs of test objects built and torn down by
//! several logical threads (links, references handed between threads, thread exits,
//! merge queues), with collections in between. After every step the invariants of
//! `strand_gc::testing::GraphModel` are asserted: no reachable object freed, counts
//! exact, nothing lost; after each collection exactly the unreachable objects are
//! gone and a second collection frees nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strand_gc::testing::{install_test_binding, GraphModel, GraphOp};

/// Longer inputs explore nothing new but slow the fuzzer down.
const MAX_OPS: usize = 256;

fuzz_target!(|ops: Vec<GraphOp>| {
    install_test_binding();
    strand_gc::disable();
    let ops = &ops[..ops.len().min(MAX_OPS)];
    GraphModel::run(ops);
});
