//! Lock-free list reads racing writers: the owning thread and another thread read
//! items while other threads replace items (`list[i] = x`), append and pop (growing
//! the item array), and extend and shrink the list. Every read returns a live item that
//! was at that index: items below `STABLE` only ever hold floats whose value encodes
//! the index, so a read of a freed (and reused) float or of a stale array would show
//! up as a wrong value or a crash. Half of what the writers store was created by the
//! owner, so that its reads take the try-incref fast path (no recheck) on items that
//! other threads are replacing and dropping. Afterwards nothing leaked or was freed
//! twice.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Barrier};

use common::*;
use strand_heap::ThreadState;
use strand_objects::{float, list, PyObj};

/// Indices below this are only ever replaced, never shifted or removed.
const STABLE: usize = 64;
const WRITERS: u64 = 3;
const ROUNDS: u64 = 3000;
/// Items created by the owner thread, per stable index, that writers store.
const POOL: usize = 8;

/// A float for index `i`, generation `g`: its value modulo 1000 is `i`.
fn item(i: usize, g: u64) -> PyObj {
    float((i as u64 + 1000 * g) as f64)
}

fn check(i: usize, v: &PyObj) {
    let x = float::value(v);
    assert!(x >= 0.0 && x.fract() == 0.0, "index {i}: read {x}");
    assert_eq!((x as u64 % 1000) as usize, i, "index {i}: read {x}");
}

struct Shared(PyObj);
struct Pool(Vec<Vec<PyObj>>);
// SAFETY: as for `Shared`: floats are immutable, and only attached threads count them.
unsafe impl Send for Pool {}
// SAFETY: as above.
unsafe impl Sync for Pool {}
// SAFETY: the list is only used (and released) by threads with an attached thread
// state, and lists are free-threading safe.
unsafe impl Send for Shared {}
// SAFETY: as above.
unsafe impl Sync for Shared {}

fn xorshift(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

fn reader_loop(l: &PyObj, seed: u64, done: &AtomicBool) -> u64 {
    let mut x = seed;
    let mut reads = 0;
    while !done.load(SeqCst) {
        strand_heap::safepoint();
        let r = xorshift(&mut x);
        let i = (r % STABLE as u64) as usize;
        let v = list::get(l, i).expect("a stable index is always present");
        check(i, &v);
        // Past the stable part: the appended markers, or nothing.
        let j = STABLE + (r >> 20) as usize % 48;
        if let Some(v) = list::get(l, j) {
            assert_eq!(float::value(&v), -1.0, "index {j}");
        }
        reads += 1;
    }
    reads
}

#[test]
fn the_owner_reads_lock_free_while_other_threads_set_append_and_resize() {
    let _e = env_serial();
    strand_gc::collect();
    let base = strand_heap::stats().live_objects();
    {
        // Owned by this thread, not shared: the first write by another thread shares it.
        let l = list::new((0..STABLE).map(|i| item(i, 0)).collect());
        let shared = Arc::new(Shared(l.clone()));
        let pool = Arc::new(Pool(
            (0..STABLE)
                .map(|i| (1..=POOL as u64).map(|g| item(i, g)).collect())
                .collect(),
        ));
        let done = Arc::new(AtomicBool::new(false));
        let start = Arc::new(Barrier::new(WRITERS as usize + 2));
        let generation = Arc::new(AtomicU64::new(POOL as u64 + 1));
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let (shared, start, generation) = (shared.clone(), start.clone(), generation.clone());
            let pool = pool.clone();
            writers.push(std::thread::spawn(move || {
                let ts = ThreadState::attach_new();
                strand_heap::with_detached(|| start.wait());
                let l = &shared.0;
                let mut x = 0x2545_f491_4f6c_dd1d ^ (w + 1);
                for round in 0..ROUNDS {
                    strand_heap::safepoint();
                    let r = xorshift(&mut x);
                    let i = (r % STABLE as u64) as usize;
                    let v = if r & 0x100 == 0 {
                        pool.0[i][(r >> 9) as usize % POOL].clone()
                    } else {
                        item(i, generation.fetch_add(1, SeqCst))
                    };
                    assert!(list::set(l, i, v));
                    match round % 8 {
                        // Grow past the current capacity and shrink back.
                        0 => {
                            let batch = list::new((0..40).map(|_| float(-1.0)).collect());
                            list::extend(l, &batch).unwrap();
                        }
                        1 | 2 => list::append(l, float(-1.0)).unwrap(),
                        // Index STABLE or nothing: never a stable item, whatever the
                        // other writers did meanwhile.
                        _ => drop(list::pop(l, STABLE as isize)),
                    }
                    while list::len(l) > STABLE + 40 {
                        drop(list::pop(l, STABLE as isize));
                    }
                }
                drop(shared);
                drop(pool);
                drop(ts);
            }));
        }
        let other_reader = {
            let (shared, start, done) = (shared.clone(), start.clone(), done.clone());
            std::thread::spawn(move || {
                let ts = ThreadState::attach_new();
                strand_heap::with_detached(|| start.wait());
                let reads = reader_loop(&shared.0, 7, &done);
                assert!(reads > 0);
                drop(shared);
                drop(ts);
            })
        };
        strand_heap::with_detached(|| start.wait());
        // The owner reads (lock-free) and writes too, until the writers are done.
        let finished = Arc::new(AtomicBool::new(false));
        let watcher = {
            let finished = finished.clone();
            std::thread::spawn(move || {
                for h in writers {
                    h.join().expect("writer");
                }
                finished.store(true, SeqCst);
            })
        };
        let mut x = 99u64;
        let mut reads = 0u64;
        while !finished.load(SeqCst) {
            strand_heap::safepoint();
            let r = xorshift(&mut x);
            let i = (r % STABLE as u64) as usize;
            let v = list::get(&l, i).expect("a stable index is always present");
            check(i, &v);
            if r % 16 == 0 {
                assert!(list::set(&l, i, item(i, generation.fetch_add(1, SeqCst))));
            }
            reads += 1;
        }
        assert!(reads > 0);
        done.store(true, SeqCst);
        strand_heap::with_detached(|| {
            watcher.join().unwrap();
            other_reader.join().expect("reader");
        });
        for i in 0..STABLE {
            check(i, &list::get(&l, i).unwrap());
        }
        drop(shared);
        drop(pool);
        drop(l);
    }
    strand_gc::collect();
    strand_heap::check_live_objects(base).expect("live objects back to baseline");
}

#[test]
fn an_unshared_list_becomes_shared_when_another_thread_changes_it() {
    // Serialised: the other test counts live objects.
    let _e = env_serial();
    let l = list::new(vec![item(0, 0), item(1, 0)]);
    let shared = Arc::new(Shared(l.clone()));
    let s2 = shared.clone();
    strand_heap::with_detached(|| {
        std::thread::spawn(move || {
            let ts = ThreadState::attach_new();
            list::append(&s2.0, item(2, 0)).unwrap();
            drop(s2);
            drop(ts);
        })
        .join()
        .unwrap()
    });
    // SAFETY: `l` is alive.
    let flags = unsafe { l.as_ptr().flags() };
    assert!(
        flags.contains(strand_heap::ObFlags::SHARED),
        "shared by the write"
    );
    // Its items were published too.
    for i in 0..3 {
        let v = list::get(&l, i).unwrap();
        check(i, &v);
        // SAFETY: `v` is alive.
        assert!(unsafe { v.as_ptr().flags() }.contains(strand_heap::ObFlags::SHARED));
    }
    drop(shared);
}
