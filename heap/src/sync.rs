//! Atomics used by the lock-free parts of the heap, swappable for loom's.
//!
//! Under `--cfg loom` the biased-refcount state machine ([`crate::refcount`]) and the
//! QSBR wrapper ([`crate::qsbr`]) are compiled against loom's atomics so that
//! `tests/loom.rs` can explore their interleavings exhaustively. Everything else in
//! the crate uses std directly and is not compiled under loom.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{
    fence, AtomicIsize, AtomicU16, AtomicU32, AtomicU8, AtomicUsize,
};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{
    fence, AtomicIsize, AtomicU16, AtomicU32, AtomicU8, AtomicUsize,
};
