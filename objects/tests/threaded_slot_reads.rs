//! Lock-free `__slots__` reads racing writers: the owning thread and another thread
//! read the slots of an instance (`descr::read_slot`, what LOAD_ATTR_SLOT uses, and
//! `getattr` through the member descriptor) while other threads store into them
//! (`descr::write_slot` and `setattr`). Slot `j` only ever holds floats whose value
//! modulo 1000 is `j + 1`; half of what the writers store was created by the owner,
//! so that its reads take the try-incref fast path (no recheck) on values that other
//! threads are replacing and dropping. A read of a freed (and reused) float would show
//! up as a wrong value or a crash. Afterwards nothing leaked or was freed twice.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Barrier};

use common::*;
use strand_heap::ThreadState;
use strand_objects::abstract_ as ab;
use strand_objects::{descr, float, PyObj};

const SLOTS: usize = 3;
const NAMES: [&str; SLOTS] = ["a", "b", "c"];
const WRITERS: u64 = 3;
const ROUNDS: u64 = 20_000;
const POOL: usize = 8;

fn value(j: usize, g: u64) -> PyObj {
    float((j as u64 + 1 + 1000 * g) as f64)
}

fn check(j: usize, v: &PyObj) {
    let x = float::value(v);
    assert!(x >= 0.0 && x.fract() == 0.0, "slot {j}: read {x}");
    assert_eq!((x as u64 % 1000) as usize, j + 1, "slot {j}: read {x}");
}

struct Shared<T>(T);
// SAFETY: the objects are only used (and released) by threads with an attached thread
// state, and instances and floats are free-threading safe.
unsafe impl<T> Send for Shared<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for Shared<T> {}

fn xorshift(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

/// A class with `__slots__ = ("a", "b", "c")` and the byte offsets of its slots.
fn slotted_class() -> (PyObj, [usize; SLOTS]) {
    let ns = strand_objects::dict::new();
    let names = strand_objects::tuple::from_vec(NAMES.iter().map(|n| s(n)).collect());
    strand_objects::dict::set_item(&ns, s("__slots__"), names).unwrap();
    let cls = ab::call(
        &strand_objects::typeobj::TYPE_TYPE.to_obj(),
        &[s("P"), strand_objects::tuple::from_vec(vec![]), ns],
        None,
    )
    .unwrap();
    let offsets = NAMES.map(|n| {
        let d = ab::getattr_str(&cls, n).unwrap();
        descr::member_offset(&d).expect("a member descriptor")
    });
    (cls, offsets)
}

fn reader_loop(inst: &PyObj, offsets: &[usize; SLOTS], seed: u64, done: &dyn Fn() -> bool) -> u64 {
    let names: Vec<PyObj> = NAMES.iter().map(|n| s(n)).collect();
    let mut x = seed;
    let mut reads = 0;
    while !done() {
        strand_heap::safepoint();
        let r = xorshift(&mut x);
        let j = (r % SLOTS as u64) as usize;
        // SAFETY: `inst` is an instance of the class the offsets came from.
        let v = unsafe { descr::read_slot(inst, offsets[j]) }.expect("slots stay set");
        check(j, &v);
        if r & 0x30 == 0 {
            check(j, &ab::getattr(inst, &names[j]).unwrap());
        }
        reads += 1;
    }
    reads
}

#[test]
fn the_owner_reads_slots_lock_free_while_other_threads_store() {
    let _e = env_serial();
    // The first class creation fills caches (interned names and the like) for good;
    // the class's own garbage needs two collections.
    drop(slotted_class());
    strand_gc::collect();
    strand_gc::collect();
    let base = strand_heap::stats().live_objects();
    {
        let (cls, offsets) = slotted_class();
        // Owned by this thread, not shared: the first access by another thread shares it.
        let inst = ab::call(&cls, &[], None).unwrap();
        for (j, n) in NAMES.iter().enumerate() {
            ab::setattr(&inst, &s(n), &value(j, 0)).unwrap();
        }
        let pool: Vec<Vec<PyObj>> = (0..SLOTS)
            .map(|j| (1..=POOL as u64).map(|g| value(j, g)).collect())
            .collect();
        let shared = Arc::new(Shared((inst.clone(), pool)));
        let start = Arc::new(Barrier::new(WRITERS as usize + 2));
        let generation = Arc::new(AtomicU64::new(POOL as u64 + 1));
        let done = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let (shared, start, generation) = (shared.clone(), start.clone(), generation.clone());
            writers.push(std::thread::spawn(move || {
                let ts = ThreadState::attach_new();
                strand_heap::with_detached(|| start.wait());
                let (inst, pool) = &shared.0;
                let names: Vec<PyObj> = NAMES.iter().map(|n| s(n)).collect();
                let mut x = 0x2545_f491_4f6c_dd1d ^ (w + 1);
                for _ in 0..ROUNDS {
                    strand_heap::safepoint();
                    let r = xorshift(&mut x);
                    let j = (r % SLOTS as u64) as usize;
                    let v = if r & 0x100 == 0 {
                        pool[j][(r >> 9) as usize % POOL].clone()
                    } else {
                        value(j, generation.fetch_add(1, SeqCst))
                    };
                    if r & 0x200 == 0 {
                        // SAFETY: `inst` is an instance of the class of the offsets.
                        unsafe { descr::write_slot(inst, offsets[j], v) };
                    } else {
                        ab::setattr(inst, &names[j], &v).unwrap();
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
                let reads = reader_loop(&shared.0 .0, &offsets, 7, &|| done.load(SeqCst));
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
        let reads = reader_loop(&inst, &offsets, 99, &|| finished.load(SeqCst));
        assert!(reads > 0);
        done.store(true, SeqCst);
        strand_heap::with_detached(|| {
            watcher.join().unwrap();
            other_reader.join().expect("reader");
        });
        for (j, off) in offsets.iter().enumerate() {
            // SAFETY: as above.
            check(j, &unsafe { descr::read_slot(&inst, *off) }.unwrap());
        }
        drop(shared);
        drop(inst);
        drop(cls);
    }
    strand_gc::collect();
    strand_heap::check_live_objects(base).expect("live objects back to baseline");
}

#[test]
fn an_instance_becomes_shared_when_another_thread_reads_its_slots() {
    // Serialised: the other test counts live objects.
    let _e = env_serial();
    let (cls, offsets) = slotted_class();
    let inst = ab::call(&cls, &[], None).unwrap();
    ab::setattr(&inst, &s("a"), &value(0, 0)).unwrap();
    let shared = Arc::new(Shared(inst.clone()));
    let s2 = shared.clone();
    strand_heap::with_detached(|| {
        std::thread::spawn(move || {
            let ts = ThreadState::attach_new();
            // SAFETY: an instance of the class of the offsets.
            let v = unsafe { descr::read_slot(&s2.0, offsets[0]) }.unwrap();
            check(0, &v);
            drop(v);
            drop(s2);
            drop(ts);
        })
        .join()
        .unwrap()
    });
    // SAFETY: `inst` is alive.
    let flags = unsafe { inst.as_ptr().flags() };
    assert!(
        flags.contains(strand_heap::ObFlags::SHARED),
        "shared by the read"
    );
    // SAFETY: as above.
    let v = unsafe { descr::read_slot(&inst, offsets[0]) }.unwrap();
    // SAFETY: `v` is alive.
    assert!(unsafe { v.as_ptr().flags() }.contains(strand_heap::ObFlags::SHARED));
    drop(shared);
}
