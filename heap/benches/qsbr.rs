//! QSBR-delayed frees: `free_delayed` (retire a raw block, reclaimed once every thread
//! passed a quiescent state) against crossbeam-epoch's `defer` of the same free used
//! directly. Both sides allocate the block, retire it, and periodically reach a
//! quiescent point (a safe point, or a re-pin) so that reclamation keeps up.
//!
//! `cargo bench -p strand-heap --bench qsbr`
#![allow(missing_docs)] // criterion_group! generates undocumented public functions

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use strand_heap::ThreadState;

const BLOCK: usize = 64;

fn qsbr(c: &mut Criterion) {
    let _ts = ThreadState::attach_new();
    let mut g = c.benchmark_group("delayed_free_64_bytes");

    g.bench_function("strand_free_delayed", |b| {
        let mut n = 0u32;
        b.iter(|| {
            let p = strand_heap::alloc_raw(BLOCK).unwrap();
            // SAFETY: a fresh block nobody else can reach.
            unsafe { strand_heap::free_delayed(black_box(p)) };
            n = n.wrapping_add(1);
            if n % 64 == 0 {
                let _ = strand_heap::safepoint();
            }
        })
    });

    g.bench_function("crossbeam_epoch_defer", |b| {
        let collector = crossbeam_epoch::Collector::new();
        let handle = collector.register();
        let mut guard = handle.pin();
        let mut n = 0u32;
        b.iter(|| {
            let p = strand_heap::alloc_raw(BLOCK).unwrap().as_ptr() as usize;
            // SAFETY: the closure frees a fresh block nobody else can reach; mi_free is
            // safe on any thread.
            unsafe {
                guard.defer_unchecked(move || {
                    libmimalloc_sys::mi_free(black_box(p) as *mut std::ffi::c_void)
                })
            };
            n = n.wrapping_add(1);
            if n % 64 == 0 {
                guard.repin();
                guard.flush();
            }
        })
    });
    g.finish();
    // Reclaim what is left.
    for _ in 0..64 {
        strand_heap::qsbr_flush();
        let _ = strand_heap::safepoint();
    }
}

criterion_group!(benches, qsbr);
criterion_main!(benches);
