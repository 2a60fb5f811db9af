//! Snapshots of containers that other threads mutate: `list(d)`, `tuple(d)`,
//! `sorted(d)`, unpacking and dict views all collect through
//! `abstract_::collect_iter`, which copies an exact dict, set or frozenset (or a dict
//! view) under the container's critical section. They never raise "changed size
//! during iteration" and always see a state the container really had (issue 18,
//! item 4).

mod common;

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::*;
use strand_heap::ThreadState;
use strand_objects::abstract_ as ab;
use strand_objects::{dict, set, PyObj};

const BASE: i64 = 300;
const MUTATORS: i64 = 2;

struct Shared {
    d: PyObj,
    s: PyObj,
}
// SAFETY: used only by threads with an attached thread state; dicts and sets are
// thread-safe.
unsafe impl Send for Shared {}
// SAFETY: as above.
unsafe impl Sync for Shared {}

#[test]
fn snapshots_of_dicts_sets_and_views_never_raise_under_concurrent_mutation() {
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        run();
        tx.send(()).unwrap();
    });
    match rx.recv_timeout(Duration::from_secs(180)) {
        Ok(()) | Err(RecvTimeoutError::Disconnected) => h.join().unwrap(),
        Err(RecvTimeoutError::Timeout) => panic!("the workload did not finish (deadlock?)"),
    }
}

fn run() {
    let _ts = ThreadState::attach_new();
    strand_objects::init();
    let d = dict::new();
    let s = set::new_set();
    for i in 0..BASE {
        dict::set_item(&d, int(i), int(i)).unwrap();
        set::add(&s, int(i)).unwrap();
    }
    let shared = Arc::new(Shared { d, s });
    let stop = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(MUTATORS as usize + 1));
    let mutators: Vec<_> = (0..MUTATORS)
        .map(|k| {
            let (shared, stop, start) = (shared.clone(), stop.clone(), start.clone());
            std::thread::spawn(move || {
                let _ts = ThreadState::attach_new();
                strand_heap::with_detached(|| start.wait());
                let mut i = 0;
                while !stop.load(SeqCst) {
                    // Keys outside the base range, one at a time per mutator.
                    let key = int(BASE + 1000 * (k + 1) + i % 7);
                    dict::set_item(&shared.d, key.clone(), int(i)).unwrap();
                    set::add(&shared.s, key.clone()).unwrap();
                    dict::del_item(&shared.d, &key).unwrap();
                    set::discard(&shared.s, &key).unwrap();
                    i += 1;
                    if i % 64 == 0 {
                        strand_heap::safepoint();
                    }
                }
            })
        })
        .collect();
    strand_heap::with_detached(|| start.wait());
    let views = [
        ab::call_method(&shared.d, "keys", &[]).unwrap(),
        ab::call_method(&shared.d, "values", &[]).unwrap(),
        ab::call_method(&shared.d, "items", &[]).unwrap(),
    ];
    let sources: Vec<&PyObj> = [&shared.d, &shared.s].into_iter().chain(&views).collect();
    for round in 0..400 {
        for src in &sources {
            let items = ab::collect_iter(src).unwrap_or_else(|e| {
                panic!("snapshot of a {} raised: {}", src.ty().name(), err_line(&e))
            });
            let n = items.len() as i64;
            assert!(
                (BASE..=BASE + MUTATORS).contains(&n),
                "a snapshot of {n} items: not a state the container had"
            );
        }
        if round % 16 == 0 {
            strand_heap::safepoint();
        }
    }
    stop.store(true, SeqCst);
    for m in mutators {
        strand_heap::with_detached(|| m.join()).unwrap();
    }
    assert_eq!(dict::len(&shared.d), BASE as usize);
}
