//! Fuzz target `heap_ops`: arbitrary sequences of reference-counting operations over
//! several logical threads (allocations, increments, decrements, hand-offs, lock-free
//! `try_incref`, detach/attach, safe points, thread exit, stop-the-world), with the heap
//! invariants of `strand_heap::testing::Model::check` asserted after every step: the
//! refcount model, consistent header state bits, merge queues holding only their
//! owner's objects, and exact live-object counts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strand_heap::testing::{Model, Op};

/// Longer inputs explore nothing new but slow the fuzzer down.
const MAX_OPS: usize = 512;

fuzz_target!(|ops: Vec<Op>| {
    let ops = &ops[..ops.len().min(MAX_OPS)];
    Model::run(ops);
});
