//! Per-thread reference counts (`strand_heap::local_refs`) under contention and
//! collections. A file of its own: the live-object baseline checks in `threads.rs`
//! must not see this test's objects.

use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use strand_gc::testing::*;
use strand_heap::{Owned, ThreadState};

const THREADS: usize = 4;

/// A counted reference to a test node, as it travels between threads.
type Node = Owned<TestNode>;

/// A deferred object counted per thread (`strand_heap::local_refs`): four threads take
/// and drop references to it, hand references to each other (so one thread's entry
/// goes up and another's down) and to the main thread, while the main thread collects.
/// The object survives every collection, its count after the threads exit is exactly
/// the references the main thread holds, and it is freed once, by the collector, when
/// the last one is gone.
#[test]
fn per_thread_counts_fold_exactly_under_contention() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        per_thread_counts();
        tx.send(()).unwrap();
    });
    rx.recv_timeout(Duration::from_secs(240))
        .expect("the workload did not finish in time (deadlock?)");
}

fn per_thread_counts() {
    use strand_heap::refcount;
    let main = ThreadState::attach_new();
    install_test_binding();
    let node = TestNode::new(Finalizer::None);
    let node_id = node.id;
    let obj = Owned::as_obj(&node);
    let ids_before = strand_heap::local_refs::ids_in_use();
    // SAFETY: `node` holds a reference; deferred first, then counted per thread.
    unsafe {
        refcount::set_deferred(obj);
        refcount::enable_local_refs(obj);
    }
    assert_eq!(strand_heap::local_refs::ids_in_use(), ids_before + 1);
    const PER_THREAD_KEPT: usize = 50;
    let node = Arc::new(Mutex::new(Some(node)));
    let start = Arc::new(Barrier::new(THREADS + 1));
    let (to_main, from_threads) = std::sync::mpsc::channel::<Owned<TestNode>>();
    let mut handoff: Vec<(Sender<Node>, Option<Receiver<Node>>)> = (0..THREADS)
        .map(|_| {
            let (tx, rx) = std::sync::mpsc::channel();
            (tx, Some(rx))
        })
        .collect();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let first = node.lock().unwrap().as_ref().unwrap().clone();
            let next = handoff[(t + 1) % THREADS].0.clone();
            let inbox = handoff[t].1.take().unwrap();
            let (start, to_main) = (start.clone(), to_main.clone());
            std::thread::spawn(move || {
                let _ts = ThreadState::attach_new();
                strand_heap::with_detached(|| start.wait());
                let mut held = vec![first];
                for round in 0..20_000 {
                    let r = held[round % held.len()].clone();
                    if round % 3 == 0 {
                        // Counted up here, down on the next thread.
                        next.send(r).unwrap();
                    } else if held.len() < 8 {
                        held.push(r);
                    } else {
                        drop(r);
                        held.swap_remove(round % 8);
                    }
                    while let Ok(r) = inbox.try_recv() {
                        drop(r);
                    }
                    held[0].check();
                    if round % 64 == 0 {
                        let _ = strand_heap::safepoint();
                    }
                }
                for _ in 0..PER_THREAD_KEPT {
                    to_main.send(held[0].clone()).unwrap();
                }
                // Drain what the previous thread still sends, then exit with the
                // references in `held` dropped.
                strand_heap::with_detached(|| std::thread::sleep(Duration::from_millis(50)));
                while let Ok(r) = inbox.try_recv() {
                    drop(r);
                }
                drop(held);
            })
        })
        .collect();
    drop(to_main);
    strand_heap::with_detached(|| start.wait());
    let mut collections = 0;
    while handles.iter().any(|h| !h.is_finished()) {
        strand_gc::collect();
        collections += 1;
        node.lock().unwrap().as_ref().unwrap().check();
        strand_heap::with_detached(|| std::thread::sleep(Duration::from_millis(2)));
    }
    strand_heap::with_detached(|| {
        for h in handles {
            h.join().unwrap();
        }
    });
    assert!(collections > 0);
    // References still in flight between threads when they exited are dropped here.
    drop(handoff);
    let kept: Vec<Owned<TestNode>> = from_threads.try_iter().collect();
    assert_eq!(kept.len(), THREADS * PER_THREAD_KEPT);
    strand_gc::collect(); // folds the main thread's counts in
                          // SAFETY: alive (we hold references).
    let count = unsafe { refcount::refcount(obj) };
    assert_eq!(
        count as usize,
        kept.len() + 1,
        "the count is exactly the references the main thread holds"
    );
    assert_eq!(record(node_id).freed, 0);
    drop(kept);
    drop(node.lock().unwrap().take());
    assert_eq!(
        record(node_id).freed,
        0,
        "deferred: counting alone does not free"
    );
    strand_gc::collect();
    assert_eq!(record(node_id).freed, 1, "the collector freed it once");
    assert_eq!(strand_heap::local_refs::ids_in_use(), ids_before);
    drop(main);
}
