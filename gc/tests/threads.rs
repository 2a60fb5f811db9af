//! Several OS threads allocate and drop cyclic garbage, with references across
//! threads, while automatic collections run: nothing live is freed (canaries), nothing
//! is freed twice, no deadlock, and the live count returns to the baseline.

use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use rand::{RngExt, SeedableRng};
use strand_gc::testing::*;
use strand_heap::{Owned, ThreadState};

const THREADS: usize = 4;

#[test]
fn threads_make_cyclic_garbage_while_automatic_collections_run() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        run();
        tx.send(()).unwrap();
    });
    rx.recv_timeout(Duration::from_secs(240))
        .expect("the workload did not finish in time (deadlock?)");
}

fn run() {
    let main = ThreadState::attach_new();
    install_test_binding();
    strand_gc::collect();
    let base = strand_heap::stats().live_objects();
    let collections_before = strand_gc::collections();
    strand_gc::set_threshold(1000);
    strand_gc::enable();

    // A structure every thread links into and reads: it must survive every collection.
    let shared: Arc<Vec<Owned<TestNode>>> =
        Arc::new((0..16).map(|_| TestNode::new(Finalizer::None)).collect());
    for i in 0..16 {
        shared[i].link(&shared[(i + 1) % 16]);
    }
    let all_ids = Arc::new(Mutex::new(Vec::new()));
    let finalized = Arc::new(AtomicU64::new(0));
    let start = Arc::new(Barrier::new(THREADS + 1));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (shared, all_ids, start, finalized) = (
                shared.clone(),
                all_ids.clone(),
                start.clone(),
                finalized.clone(),
            );
            std::thread::spawn(move || {
                let _ts = ThreadState::attach_new();
                strand_heap::with_detached(|| start.wait());
                let mut rng = rand::rngs::StdRng::seed_from_u64(t as u64);
                let mut keep: Vec<Owned<TestNode>> = Vec::new();
                let mut ids = Vec::new();
                for round in 0..1500 {
                    let n = rng.random_range(2..30);
                    let fin = if round % 7 == 0 {
                        Finalizer::Record
                    } else {
                        Finalizer::None
                    };
                    let ring: Vec<_> = (0..n).map(|_| TestNode::new(fin)).collect();
                    for i in 0..n {
                        ring[i].link(&ring[(i + 1) % n]);
                        if rng.random_bool(0.2) {
                            ring[i].link(&shared[rng.random_range(0..16)]);
                        }
                    }
                    if rng.random_bool(0.1) {
                        // Cross-thread reference into the shared structure's neighbour.
                        let s = &shared[rng.random_range(0..16)];
                        s.check();
                    }
                    ids.extend(ring.iter().map(|r| r.id));
                    if round % 10 == 0 {
                        keep.push(ring[0].clone());
                    }
                    if fin == Finalizer::Record {
                        finalized.fetch_add(n as u64, SeqCst);
                    }
                    drop(ring);
                    for k in &keep {
                        k.check();
                    }
                    for s in shared.iter() {
                        s.check();
                    }
                    let _ = strand_heap::safepoint();
                }
                drop(keep);
                all_ids.lock().unwrap().extend(ids);
            })
        })
        .collect();
    strand_heap::with_detached(|| {
        start.wait();
        for h in handles {
            h.join().unwrap();
        }
    });
    assert!(
        strand_gc::collections() > collections_before,
        "automatic collections ran during the workload"
    );
    for s in shared.iter() {
        s.check();
    }
    strand_gc::disable();
    strand_gc::set_threshold(strand_gc::DEFAULT_THRESHOLD);
    drop(shared);
    strand_gc::collect();
    let ids = all_ids.lock().unwrap().clone();
    assert!(ids.len() > 10_000);
    let mut finalizers_run = 0;
    for id in &ids {
        let r = record(*id);
        assert_eq!(r.freed, 1, "node {id}");
        finalizers_run += r.finalized as u64;
    }
    assert_eq!(
        finalizers_run,
        finalized.load(SeqCst),
        "every finalizer ran exactly once"
    );
    assert_eq!(
        strand_heap::stats().live_objects(),
        base,
        "live objects back to baseline"
    );
    drop(main);
}
