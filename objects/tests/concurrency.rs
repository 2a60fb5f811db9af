//! Free-threading stress: eight threads on one shared list and one shared dict, with
//! writers appending/popping and inserting/deleting under the containers' critical
//! sections while readers read lock-free and a thread forces collections. Afterwards
//! every operation is accounted for, nothing is freed twice (the heap's counters would
//! go negative or a canary check would fail), and the live-object count returns to its
//! baseline after a collection.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use common::*;
use strand_heap::ThreadState;
use strand_objects::{dict, int, list, PyObj};

const WRITERS: i64 = 4;
const READERS: usize = 3;
const APPENDS: i64 = 4000;
const KEYS: i64 = 1500;

/// A value tagged with its writer: values are above 256 so they are heap ints whose
/// counts move between threads.
fn tagged(writer: i64, i: i64) -> i64 {
    1_000_000 * (writer + 1) + i
}

struct Shared {
    list: PyObj,
    dict: PyObj,
}

// SAFETY: the handles are only used (and released) by threads with an attached thread
// state, and the containers are free-threading safe.
unsafe impl Send for Shared {}
// SAFETY: as above.
unsafe impl Sync for Shared {}

fn run_workload() -> (HashSet<i64>, usize) {
    let shared = Arc::new(Shared {
        list: list::new(vec![]),
        dict: dict::new(),
    });
    let popped = Arc::new(Mutex::new(Vec::<i64>::new()));
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(WRITERS as usize + READERS + 1));
    let mut handles = Vec::new();
    for w in 0..WRITERS {
        let (shared, popped, start) = (shared.clone(), popped.clone(), start.clone());
        handles.push(std::thread::spawn(move || {
            let ts = ThreadState::attach_new();
            strand_heap::with_detached(|| start.wait());
            let mut mine = Vec::new();
            for i in 0..APPENDS {
                // Attached threads reach safe points regularly (the interpreter does at
                // every backward jump), so that stop-the-world requests are served.
                strand_heap::safepoint();
                list::append(&shared.list, int(tagged(w, i))).unwrap();
                if i % 2 == 1 {
                    // Pop from the end: may take another writer's item.
                    if let Ok(v) = list::pop(&shared.list, -1) {
                        mine.push(int::as_i64(&v).expect("small"));
                    }
                }
                if i < KEYS {
                    let k = s(&format!("w{w}-{i}"));
                    dict::set_item(&shared.dict, k, int(tagged(w, i))).unwrap();
                    if i % 2 == 0 && i > 0 {
                        let old = s(&format!("w{w}-{}", i - 2));
                        assert!(
                            dict::del_item(&shared.dict, &old).unwrap(),
                            "own key present"
                        );
                    }
                }
            }
            popped.lock().unwrap().extend(mine);
            // Release the thread's references while its state is attached.
            drop(shared);
            drop(ts);
        }));
    }
    for r in 0..READERS {
        let (shared, done, start) = (shared.clone(), done.clone(), start.clone());
        handles.push(std::thread::spawn(move || {
            let ts = ThreadState::attach_new();
            strand_heap::with_detached(|| start.wait());
            let mut reads = 0u64;
            let mut x = r as u64 + 1;
            while !done.load(SeqCst) {
                strand_heap::safepoint();
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let n = list::len(&shared.list);
                if n > 0 {
                    if let Some(v) = list::get(&shared.list, (x as usize) % n) {
                        let v = int::as_i64(&v).expect("an int");
                        assert!(v >= 1_000_000 && v % 1_000_000 < APPENDS, "valid item {v}");
                    }
                }
                let w = (x % WRITERS as u64) as i64;
                let i = ((x >> 8) % KEYS as u64) as i64;
                if let Some(v) = dict::get_item(&shared.dict, &s(&format!("w{w}-{i}"))).unwrap() {
                    assert_eq!(int::as_i64(&v), Some(tagged(w, i)), "value matches its key");
                }
                reads += 1;
                if r == 0 && reads % 2000 == 0 {
                    strand_gc::collect();
                }
            }
            assert!(reads > 0);
            drop(shared);
            drop(ts);
        }));
    }
    strand_heap::with_detached(|| start.wait());
    let deadline = Instant::now() + Duration::from_secs(120);
    // Blocking waits detach, so that the other threads' stop-the-world requests do
    // not wait for this thread.
    for h in handles.drain(..WRITERS as usize) {
        strand_heap::with_detached(|| h.join()).expect("writer");
    }
    done.store(true, SeqCst);
    for h in handles {
        strand_heap::with_detached(|| h.join()).expect("reader");
    }
    assert!(Instant::now() < deadline, "bounded time");

    // Every appended value is either still in the list or was popped, exactly once.
    let remaining: Vec<i64> = list::to_vec(&shared.list)
        .iter()
        .map(|v| int::as_i64(v).unwrap())
        .collect();
    let popped = popped.lock().unwrap().clone();
    let mut seen = HashSet::new();
    for v in remaining.iter().chain(&popped) {
        assert!(seen.insert(*v), "value {v} seen twice");
    }
    let all: HashSet<i64> = (0..WRITERS)
        .flat_map(|w| (0..APPENDS).map(move |i| tagged(w, i)))
        .collect();
    assert_eq!(seen, all, "every append accounted for");
    assert_eq!(
        remaining.len() as i64,
        WRITERS * APPENDS - popped.len() as i64
    );

    // Each writer deleted its even keys except the last one it inserted.
    let keys: HashSet<String> = dict::keys(&shared.dict).iter().map(str_of).collect();
    let mut want = HashSet::new();
    for w in 0..WRITERS {
        for i in 0..KEYS {
            if i % 2 == 1 || i == KEYS - 2 + (KEYS % 2) {
                want.insert(format!("w{w}-{i}"));
            }
        }
    }
    assert_eq!(keys, want);
    (seen, keys.len())
}

#[test]
fn shared_list_and_dict_under_contention() {
    let _e = env_serial();
    // Warm up lazily created state (interned strings, type caches) before counting.
    run_workload();
    strand_gc::collect();
    let base = strand_heap::stats().live_objects();
    let (seen, nkeys) = run_workload();
    assert_eq!(seen.len() as i64, WRITERS * APPENDS);
    assert!(nkeys > 0);
    strand_gc::collect();
    strand_heap::check_live_objects(base).expect("live objects back to baseline");
}
