//! The collector against the `dumpster` crate's concurrent (`sync`) collector on the
//! same shapes:
//!
//! * `cycles`: 100 cycles of 21 nodes, each node referencing the next two in its
//!   cycle, dropped; then one collection. Time per garbage object.
//! * `traversal`: 1000 lists where list `n` holds `n` references to list `n - 1`
//!   (about 500,000 edges), all live; one collection. Time per edge. (dumpster only
//!   examines allocations whose count dropped since its last collection, so before
//!   each of its collections one reference to the top list is cloned and dropped,
//!   which makes it trace the whole structure to prove it live; strand's collector
//!   always examines every object.)
//!
//! `cargo bench -p strand-gc --bench collect`
#![allow(missing_docs)] // criterion_group! generates undocumented public functions

use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dumpster::Trace;
use strand_heap::{HeapKind, HeapObject, ObjPtr, Owned, ThreadState};

const CYCLES: usize = 100;
const CYCLE_LEN: usize = 21;
const LISTS: usize = 1000;

/// A strand node with counted references.
struct Node {
    edges: Mutex<Vec<Owned<Node>>>,
}

// SAFETY: traverse reports each counted edge once.
unsafe impl HeapObject for Node {
    const NAME: &'static str = "Node";
    const KIND: HeapKind = HeapKind::Gc;
    fn traverse(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for e in self.edges.lock().unwrap().iter() {
            visit(Owned::as_obj(e));
        }
    }
    fn clear(&self) {
        let edges = std::mem::take(&mut *self.edges.lock().unwrap());
        drop(edges);
    }
}

fn strand_node() -> Owned<Node> {
    Owned::new(Node {
        edges: Mutex::new(Vec::new()),
    })
}

#[derive(Trace)]
struct DNode {
    edges: Mutex<Vec<dumpster::sync::Gc<DNode>>>,
}

fn dumpster_node() -> dumpster::sync::Gc<DNode> {
    dumpster::sync::Gc::new(DNode {
        edges: Mutex::new(Vec::new()),
    })
}

fn never_collect(_: &dumpster::sync::CollectInfo) -> bool {
    false
}

fn cycles(c: &mut Criterion) {
    let _ts = ThreadState::attach_new();
    strand_gc::disable();
    dumpster::sync::set_collect_condition(never_collect);
    let mut g = c.benchmark_group("cycles");
    g.throughput(Throughput::Elements((CYCLES * CYCLE_LEN) as u64));
    g.bench_function("strand", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                for _ in 0..CYCLES {
                    let ring: Vec<_> = (0..CYCLE_LEN).map(|_| strand_node()).collect();
                    for i in 0..CYCLE_LEN {
                        let mut e = ring[i].edges.lock().unwrap();
                        e.push(ring[(i + 1) % CYCLE_LEN].clone());
                        e.push(ring[(i + 2) % CYCLE_LEN].clone());
                    }
                }
                let t = Instant::now();
                let stats = strand_gc::collect();
                total += t.elapsed();
                assert_eq!(stats.collected, CYCLES * CYCLE_LEN);
            }
            total
        })
    });
    g.bench_function("dumpster", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                for _ in 0..CYCLES {
                    let ring: Vec<_> = (0..CYCLE_LEN).map(|_| dumpster_node()).collect();
                    for i in 0..CYCLE_LEN {
                        let mut e = ring[i].edges.lock().unwrap();
                        e.push(ring[(i + 1) % CYCLE_LEN].clone());
                        e.push(ring[(i + 2) % CYCLE_LEN].clone());
                    }
                }
                let t = Instant::now();
                dumpster::sync::collect();
                total += t.elapsed();
            }
            total
        })
    });
    g.finish();
}

fn traversal(c: &mut Criterion) {
    let _ts = ThreadState::attach_new();
    strand_gc::disable();
    dumpster::sync::set_collect_condition(never_collect);
    let edges = (LISTS * (LISTS - 1) / 2) as u64;
    let mut g = c.benchmark_group("traversal");
    g.throughput(Throughput::Elements(edges));
    g.sample_size(20);

    let lists: Vec<Owned<Node>> = (0..LISTS).map(|_| strand_node()).collect();
    for n in 1..LISTS {
        let mut e = lists[n].edges.lock().unwrap();
        for _ in 0..n {
            e.push(lists[n - 1].clone());
        }
    }
    g.bench_function("strand", |b| {
        b.iter(|| {
            let stats = strand_gc::collect();
            assert_eq!(stats.collected, 0);
            assert!(stats.visited >= LISTS);
        })
    });
    drop(lists);
    strand_gc::collect();

    let dlists: Vec<dumpster::sync::Gc<DNode>> = (0..LISTS).map(|_| dumpster_node()).collect();
    for n in 1..LISTS {
        let mut e = dlists[n].edges.lock().unwrap();
        for _ in 0..n {
            e.push(dlists[n - 1].clone());
        }
    }
    g.bench_function("dumpster", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                drop(dlists[LISTS - 1].clone());
                let t = Instant::now();
                dumpster::sync::collect();
                total += t.elapsed();
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, cycles, traversal);
criterion_main!(benches);
