//! Reference counting: the owner's incref+decref pair against `Rc` and `Arc`
//! clone+drop, and against `Arc` with a second thread hammering the same object.
//!
//! `cargo bench -p strand-heap --bench refcount`
#![allow(missing_docs)] // criterion_group! generates undocumented public functions

use std::hint::black_box;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use strand_heap::{HeapObject, Owned, ThreadState};

struct Leaf(#[allow(dead_code)] u64);

// SAFETY: holds no heap references.
unsafe impl HeapObject for Leaf {
    const NAME: &'static str = "Leaf";
}

/// Runs `op` `iters` times on this thread while another thread runs `other` in a loop
/// on the same object; returns this thread's time.
fn contended<T: Send + Sync + 'static>(
    iters: u64,
    shared: T,
    op: fn(&T),
    other: fn(&T),
) -> Duration {
    let shared = Arc::new(shared);
    let stop = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(2));
    let helper = {
        let (shared, stop, start) = (shared.clone(), stop.clone(), start.clone());
        std::thread::spawn(move || {
            start.wait();
            while !stop.load(Ordering::Relaxed) {
                for _ in 0..64 {
                    other(&shared);
                }
            }
        })
    };
    start.wait();
    let t0 = Instant::now();
    for _ in 0..iters {
        op(&shared);
    }
    let elapsed = t0.elapsed();
    stop.store(true, Ordering::Relaxed);
    helper.join().unwrap();
    elapsed
}

fn refcount(c: &mut Criterion) {
    let _ts = ThreadState::attach_new();
    let mut g = c.benchmark_group("incref_decref_pair");

    let obj = Owned::new(Leaf(1));
    g.bench_function("strand_owner", |b| {
        b.iter(|| drop(black_box(black_box(&obj).clone())))
    });

    let rc = Rc::new(1u64);
    g.bench_function("rc", |b| b.iter(|| drop(black_box(black_box(&rc).clone()))));

    let arc = Arc::new(1u64);
    g.bench_function("arc", |b| {
        b.iter(|| drop(black_box(black_box(&arc).clone())))
    });

    g.bench_function("arc_two_threads", |b| {
        b.iter_custom(|iters| {
            contended(
                iters,
                Arc::new(1u64),
                |a| drop(black_box(black_box(a).clone())),
                |a| drop(black_box(black_box(a).clone())),
            )
        })
    });

    // A thread that does not own the object counts in the shared field (atomic
    // read-modify-writes, uncontended): strand's cost for an object another thread
    // allocated.
    g.bench_function("strand_non_owner", |b| {
        b.iter_custom(|iters| {
            struct Shared(Owned<Leaf>);
            let shared = Shared(Owned::new(Leaf(2)));
            let (tx, rx) = std::sync::mpsc::channel();
            // The object is owned by this thread; a second thread state measures.
            let measuring = std::thread::spawn(move || {
                let _t = ThreadState::attach_new();
                let s: Shared = rx.recv().unwrap();
                let t0 = Instant::now();
                for _ in 0..iters {
                    drop(black_box(black_box(&s.0).clone()));
                }
                let d = t0.elapsed();
                drop(s);
                d
            });
            tx.send(shared).unwrap();
            strand_heap::with_detached(|| measuring.join().unwrap())
        })
    });
    g.finish();
    drop(obj);
}

criterion_group!(benches, refcount);
criterion_main!(benches);
