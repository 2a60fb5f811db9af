//! Lock-free dict reads racing writers: the owning thread and another thread look up
//! str keys (`dict::get_item` and the specialized-instruction read `dict::get_cached`)
//! while other threads replace values, and insert and delete other keys (resizing the
//! table and changing its version). Values of the stable keys are floats whose value
//! modulo 1000 is the key's index; half of them are created by the reading owner
//! thread, so that its reads take the try-incref fast path (no recheck) on values
//! that other threads are replacing and dropping at the same time. A read of a freed
//! (and reused) float or of the wrong entry would show up as a wrong value or a crash.
//! Afterwards nothing leaked or was freed twice.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Barrier};

use common::*;
use strand_heap::ThreadState;
use strand_objects::{dict, float, PyObj};

const STABLE: usize = 32;
const WRITERS: u64 = 3;
const ROUNDS: u64 = 4000;
/// Values created by the owner thread, per stable key, that writers store.
const POOL: usize = 8;

fn value(i: usize, g: u64) -> PyObj {
    float((i as u64 + 1000 * g) as f64)
}

fn check(i: usize, v: &PyObj) {
    let x = float::value(v);
    assert!(x >= 0.0 && x.fract() == 0.0, "key {i}: read {x}");
    assert_eq!((x as u64 % 1000) as usize, i, "key {i}: read {x}");
}

struct Shared<T>(T);
// SAFETY: the objects are only used (and released) by threads with an attached thread
// state, and dicts and floats are free-threading safe.
unsafe impl<T> Send for Shared<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for Shared<T> {}

fn xorshift(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

/// Reads random stable keys both ways until `done`; returns the number of reads.
fn reader_loop(d: &PyObj, keys: &[PyObj], seed: u64, done: &dyn Fn() -> bool) -> u64 {
    let mut x = seed;
    let mut reads = 0;
    let mut cache: Vec<Option<(u32, usize)>> = vec![None; keys.len()];
    while !done() {
        strand_heap::safepoint();
        let r = xorshift(&mut x);
        let i = (r % STABLE as u64) as usize;
        let v = dict::get_item(d, &keys[i])
            .unwrap()
            .expect("a stable key is always present");
        check(i, &v);
        // The specialized read: refresh the cached entry when the version moved.
        let hit = cache[i].and_then(|(ver, ix)| dict::get_cached(d, ver, ix));
        let hit = match hit {
            Some(h) => Some(h),
            None => {
                cache[i] = dict::cache_entry(d, &keys[i]);
                cache[i].and_then(|(ver, ix)| dict::get_cached(d, ver, ix))
            }
        };
        if let Some((p, counted)) = hit {
            let v = if counted {
                // SAFETY: get_cached counted a reference for us.
                unsafe { PyObj::from_owned(p) }
            } else {
                // SAFETY: uncounted values stay alive until our next safe point.
                unsafe { PyObj::from_borrowed(p) }
            };
            check(i, &v);
        }
        reads += 1;
    }
    reads
}

#[test]
fn the_owner_reads_lock_free_while_other_threads_replace_insert_and_delete() {
    let _e = env_serial();
    strand_gc::collect();
    let base = strand_heap::stats().live_objects();
    {
        let keys: Vec<PyObj> = (0..STABLE).map(|i| s(&format!("key{i}"))).collect();
        // Owned by this thread, not shared: the first write by another thread shares it.
        let d = dict::new();
        for (i, k) in keys.iter().enumerate() {
            dict::set_item(&d, k.clone(), value(i, 0)).unwrap();
        }
        // Values owned by this (reading) thread, which writers store too.
        let pool: Vec<Vec<PyObj>> = (0..STABLE)
            .map(|i| (1..=POOL as u64).map(|g| value(i, g)).collect())
            .collect();
        let shared = Arc::new(Shared((d.clone(), keys.clone(), pool)));
        let start = Arc::new(Barrier::new(WRITERS as usize + 2));
        let generation = Arc::new(AtomicU64::new(POOL as u64 + 1));
        let done = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let (shared, start, generation) = (shared.clone(), start.clone(), generation.clone());
            writers.push(std::thread::spawn(move || {
                let ts = ThreadState::attach_new();
                strand_heap::with_detached(|| start.wait());
                let (d, keys, pool) = &shared.0;
                let mut x = 0x9e37_79b9_7f4a_7c15 ^ (w + 1);
                for round in 0..ROUNDS {
                    strand_heap::safepoint();
                    let r = xorshift(&mut x);
                    let i = (r % STABLE as u64) as usize;
                    let v = if r & 0x100 == 0 {
                        pool[i][(r >> 9) as usize % POOL].clone()
                    } else {
                        value(i, generation.fetch_add(1, SeqCst))
                    };
                    dict::set_item(d, keys[i].clone(), v).unwrap();
                    // Other keys come and go: the table grows, shrinks and is rebuilt,
                    // and its version changes.
                    let extra = s(&format!("extra{}", (r >> 20) % 200));
                    if round % 3 == 0 {
                        dict::del_item(d, &extra).unwrap();
                    } else {
                        dict::set_item(d, extra, float(-1.0)).unwrap();
                    }
                }
                drop(shared);
                drop(ts);
            }));
        }
        let other_reader = {
            let (shared, start, done) = (shared.clone(), start.clone(), done.clone());
            std::thread::spawn(move || {
                let ts = ThreadState::attach_new();
                strand_heap::with_detached(|| start.wait());
                let (d, keys, _) = &shared.0;
                let reads = reader_loop(d, keys, 7, &|| done.load(SeqCst));
                assert!(reads > 0);
                drop(shared);
                drop(ts);
            })
        };
        strand_heap::with_detached(|| start.wait());
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
        let reads = reader_loop(&d, &keys, 99, &|| finished.load(SeqCst));
        assert!(reads > 0);
        done.store(true, SeqCst);
        strand_heap::with_detached(|| {
            watcher.join().unwrap();
            other_reader.join().expect("reader");
        });
        for (i, k) in keys.iter().enumerate() {
            check(i, &dict::get_item(&d, k).unwrap().unwrap());
        }
        drop(shared);
        drop(d);
    }
    strand_gc::collect();
    strand_heap::check_live_objects(base).expect("live objects back to baseline");
}

#[test]
fn an_unshared_dict_becomes_shared_when_another_thread_changes_it() {
    // Serialised: the other test counts live objects.
    let _e = env_serial();
    let d = dict::new();
    dict::set_item(&d, s("a"), value(0, 0)).unwrap();
    let shared = Arc::new(Shared(d.clone()));
    let s2 = shared.clone();
    strand_heap::with_detached(|| {
        std::thread::spawn(move || {
            let ts = ThreadState::attach_new();
            dict::set_item(&s2.0, s("b"), value(1, 0)).unwrap();
            drop(s2);
            drop(ts);
        })
        .join()
        .unwrap()
    });
    // SAFETY: `d` is alive.
    let flags = unsafe { d.as_ptr().flags() };
    assert!(
        flags.contains(strand_heap::ObFlags::SHARED),
        "shared by the write"
    );
    let v = dict::get_item(&d, &s("a")).unwrap().unwrap();
    check(0, &v);
    // SAFETY: `v` is alive.
    assert!(unsafe { v.as_ptr().flags() }.contains(strand_heap::ObFlags::SHARED));
    drop(shared);
}
