//! Weak-reference callbacks under threads: every callback runs exactly once, whichever
//! thread drops the target's last reference or runs the collection, and whichever
//! thread made the weak reference.
//!
//! The clearing thread takes a reference to each weak reference with `try_incref`
//! before calling its callback; a weak reference owned by another thread must let it
//! (issue 18: callbacks of weak references made on other threads were lost).

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use common::*;
use strand_heap::ThreadState;
use strand_objects::abstract_ as ab;
use strand_objects::{dict, tuple, weakref, PyObj, PyResult};

const THREADS: usize = 4;
const PER_THREAD: usize = 1500;

/// Calls per weak reference (by address), and in total.
static CALLS: Mutex<Option<HashMap<usize, usize>>> = Mutex::new(None);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

fn record_call(args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    assert!(
        weakref::get_target(&args[0]).is_none(),
        "the callback sees its weak reference cleared"
    );
    *CALLS
        .lock()
        .unwrap()
        .get_or_insert_with(HashMap::new)
        .entry(args[0].addr())
        .or_default() += 1;
    TOTAL.fetch_add(1, SeqCst);
    Ok(strand_objects::singletons::none())
}

fn reset_calls() {
    *CALLS.lock().unwrap() = Some(HashMap::new());
    TOTAL.store(0, SeqCst);
}

/// Checks that each of `refs` had its callback called exactly once, and no other
/// callback ran.
fn assert_each_called_once(refs: &[usize]) {
    let calls = CALLS.lock().unwrap().take().unwrap_or_default();
    let twice: Vec<_> = calls.iter().filter(|(_, &n)| n != 1).collect();
    assert!(twice.is_empty(), "callbacks run more than once: {twice:?}");
    let missing = refs.iter().filter(|a| !calls.contains_key(a)).count();
    assert_eq!(
        missing,
        0,
        "{missing} of {} callbacks never ran ({} ran)",
        refs.len(),
        calls.len()
    );
    assert_eq!(calls.len(), refs.len());
}

/// Objects handed between test threads. Every thread that touches them is attached.
struct Handoff(Vec<PyObj>);
// SAFETY: the objects are used and released only by threads with an attached thread
// state; the heap's counting is thread-safe.
unsafe impl Send for Handoff {}

fn class(name: &str) -> PyObj {
    ab::call(
        &strand_objects::typeobj::TYPE_TYPE.to_obj(),
        &[s(name), tuple::empty(), dict::new()],
        None,
    )
    .unwrap()
}

/// Runs `f` on a watchdog so that a deadlock fails the test instead of hanging it.
fn bounded(secs: u64, f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        f();
        tx.send(()).unwrap();
    });
    // Detached while waiting: the caller's thread state must not hold up the workload's
    // stop-the-world requests.
    match strand_heap::with_detached(|| rx.recv_timeout(Duration::from_secs(secs))) {
        // Finished, or panicked (the sender dropped): join reports the panic.
        Ok(()) | Err(RecvTimeoutError::Disconnected) => h.join().unwrap(),
        Err(RecvTimeoutError::Timeout) => {
            panic!("the workload did not finish in {secs} s (deadlock?)")
        }
    }
}

#[test]
fn callbacks_of_weakrefs_made_on_many_threads_run_once_when_the_collector_clears_them() {
    let _e = env_serial();
    bounded(120, || {
        let _ts = ThreadState::attach_new();
        strand_objects::init();
        reset_calls();
        let cb = strand_objects::descr::new_builtin_function("record", record_call, None);
        let node = class("SelfRef");
        let made = Arc::new(Barrier::new(THREADS + 1));
        let collected = Arc::new(Barrier::new(THREADS + 1));
        let addrs = Arc::new(Mutex::new(Vec::new()));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let (cb, node) = (Handoff(vec![cb.clone()]), Handoff(vec![node.clone()]));
                let (made, collected, addrs) = (made.clone(), collected.clone(), addrs.clone());
                std::thread::spawn(move || {
                    let _ts = ThreadState::attach_new();
                    let (cb, node) = (&cb.0[0], &node.0[0]);
                    // Each weak reference is made (and owned) by this thread; its target
                    // is a self-referencing instance, garbage as soon as it is made.
                    let mut refs = Vec::with_capacity(PER_THREAD);
                    for _ in 0..PER_THREAD {
                        strand_heap::safepoint();
                        let o = ab::call0(node).unwrap();
                        ab::setattr(&o, &s("me"), &o).unwrap();
                        refs.push(
                            weakref::new_weakref(&weakref::WEAKREF_TYPE, &o, Some(cb.clone()))
                                .unwrap(),
                        );
                    }
                    addrs.lock().unwrap().extend(refs.iter().map(|r| r.addr()));
                    // Stay alive (attached at safe points) while another thread collects.
                    strand_heap::with_detached(|| made.wait());
                    strand_heap::with_detached(|| collected.wait());
                    for r in &refs {
                        assert!(weakref::get_target(r).is_none(), "target cleared");
                    }
                    drop(refs);
                })
            })
            .collect();
        strand_heap::with_detached(|| made.wait());
        // The main thread owns none of the weak references.
        strand_gc::collect();
        strand_heap::with_detached(|| collected.wait());
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(TOTAL.load(SeqCst), THREADS * PER_THREAD);
        assert_each_called_once(&addrs.lock().unwrap());
    });
}

#[test]
fn callbacks_run_once_when_another_thread_drops_the_last_reference() {
    let _e = env_serial();
    bounded(120, || {
        let _ts = ThreadState::attach_new();
        strand_objects::init();
        reset_calls();
        let cb = strand_objects::descr::new_builtin_function("record", record_call, None);
        let node = class("Plain");
        // The owner thread makes the targets (so their last decrement, its own, frees
        // them on it) and lends them to maker threads, which make (and own) the weak
        // references and hand the targets back.
        let (back_tx, back_rx) = std::sync::mpsc::channel::<Handoff>();
        let mut lend = Vec::new();
        let addrs = Arc::new(Mutex::new(Vec::new()));
        let done = Arc::new(Barrier::new(THREADS + 1));
        let makers: Vec<_> = (0..THREADS)
            .map(|_| {
                let (tx, rx) = std::sync::mpsc::channel::<Handoff>();
                lend.push(tx);
                let cb = Handoff(vec![cb.clone()]);
                let (back_tx, done, addrs) = (back_tx.clone(), done.clone(), addrs.clone());
                std::thread::spawn(move || {
                    let _ts = ThreadState::attach_new();
                    let cb = &cb.0[0];
                    let mut refs = Vec::with_capacity(PER_THREAD);
                    while let Ok(batch) = strand_heap::with_detached(|| rx.recv()) {
                        for o in &batch.0 {
                            strand_heap::safepoint();
                            refs.push(
                                weakref::new_weakref(&weakref::WEAKREF_TYPE, o, Some(cb.clone()))
                                    .unwrap(),
                            );
                        }
                        back_tx.send(batch).unwrap();
                    }
                    drop(back_tx);
                    addrs.lock().unwrap().extend(refs.iter().map(|r| r.addr()));
                    // Keep the weak references until every target is gone.
                    strand_heap::with_detached(|| done.wait());
                    drop(refs);
                })
            })
            .collect();
        drop(back_tx);
        for round in 0..PER_THREAD / 50 {
            for tx in &lend {
                let batch = (0..50).map(|_| ab::call0(&node).unwrap()).collect();
                tx.send(Handoff(batch)).unwrap();
            }
            // Drop what came back so far: the last reference, on the owner.
            while let Ok(batch) = back_rx.try_recv() {
                drop(batch);
            }
            if round % 4 == 0 {
                strand_heap::safepoint();
            }
        }
        drop(lend);
        while let Ok(batch) = strand_heap::with_detached(|| back_rx.recv()) {
            drop(batch);
        }
        strand_heap::with_detached(|| done.wait());
        for h in makers {
            strand_heap::with_detached(|| h.join()).unwrap();
        }
        assert_eq!(TOTAL.load(SeqCst), THREADS * PER_THREAD);
        assert_each_called_once(&addrs.lock().unwrap());
    });
}
