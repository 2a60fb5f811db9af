//! Allocation and free of a 32-byte object: the freelist path, the mimalloc theap path
//! (freelists disabled), and `Box` with the system allocator.
//!
//! `cargo bench -p strand-heap --bench alloc`
#![allow(missing_docs)] // criterion_group! generates undocumented public functions

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use strand_heap::{HeapObject, Owned, ThreadState};

/// Header (32 bytes) is the whole object: a 32-byte allocation.
struct Empty;

// SAFETY: holds no heap references.
unsafe impl HeapObject for Empty {
    const NAME: &'static str = "Empty";
}

fn alloc(c: &mut Criterion) {
    assert_eq!(std::mem::size_of::<strand_heap::HeapCell<Empty>>(), 32);
    let ts = ThreadState::attach_new();
    let mut g = c.benchmark_group("alloc_free_32_bytes");

    g.bench_function("strand_freelist", |b| {
        b.iter(|| drop(black_box(Owned::new(Empty))))
    });

    ts.set_freelist_limit(0);
    g.bench_function("strand_mimalloc_theap", |b| {
        b.iter(|| drop(black_box(Owned::new(Empty))))
    });
    ts.set_freelist_limit(strand_heap::freelist::DEFAULT_FREELIST_LIMIT);

    g.bench_function("box_system_malloc", |b| {
        b.iter(|| drop(black_box(Box::new([0u64; 4]))))
    });
    g.finish();
}

criterion_group!(benches, alloc);
criterion_main!(benches);
