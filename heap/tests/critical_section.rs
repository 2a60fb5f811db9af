//! Critical sections: nested sections in opposite orders on two threads do not
//! deadlock; a thread that detaches releases its object locks; re-entering an object
//! already held is a no-op; the lock protects the data under contention.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::*;
use strand_heap::critical_section::{begin, begin2, depth};
use strand_heap::{Owned, ThreadState};

#[test]
fn opposite_nesting_orders_on_two_threads_do_not_deadlock() {
    let _s = serial();
    within(60, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let b = Probe::new();
        let barrier = Arc::new(Barrier::new(2));
        let counter = Arc::new(AtomicU64::new(0));
        let spawn = |first: Owned<Probe>, second: Owned<Probe>| {
            let (barrier, counter) = (barrier.clone(), counter.clone());
            std::thread::spawn(move || {
                let _t = ThreadState::attach_new();
                strand_heap::with_detached(|| barrier.wait());
                for _ in 0..2000 {
                    // SAFETY: both objects are kept alive by the Owned handles.
                    unsafe {
                        let _outer = begin(Owned::as_obj(&first));
                        let _inner = begin(Owned::as_obj(&second));
                        counter.fetch_add(1, SeqCst);
                    }
                    strand_heap::safepoint();
                }
            })
        };
        let t1 = spawn(a.clone(), b.clone());
        let t2 = spawn(b.clone(), a.clone());
        strand_heap::with_detached(|| {
            t1.join().unwrap();
            t2.join().unwrap();
        });
        assert_eq!(counter.load(SeqCst), 4000);
    });
}

#[test]
fn detaching_releases_object_locks_and_reattaching_retakes_them() {
    let _s = serial();
    within(30, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let obj = Owned::as_obj(&a);
        let got_it = Arc::new(AtomicBool::new(false));
        // SAFETY: `a` outlives the section.
        let cs = unsafe { begin(obj) };
        // SAFETY: allocated.
        assert!(unsafe { strand_heap::mutex::is_locked(obj) });
        let a2 = a.clone();
        let g2 = got_it.clone();
        let other = std::thread::spawn(move || {
            let _t = ThreadState::attach_new();
            // SAFETY: a2 keeps the object alive.
            let _cs = unsafe { begin(Owned::as_obj(&a2)) };
            g2.store(true, SeqCst);
        });
        // While we sleep detached, the other thread can take the lock.
        strand_heap::with_detached(|| {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while !got_it.load(SeqCst) && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        assert!(got_it.load(SeqCst), "the lock was released while detached");
        strand_heap::with_detached(|| other.join().unwrap());
        // Back attached: we hold the lock again.
        // SAFETY: allocated.
        assert!(unsafe { strand_heap::mutex::is_locked(obj) });
        drop(cs);
        // SAFETY: allocated.
        assert!(!unsafe { strand_heap::mutex::is_locked(obj) });
    });
}

#[test]
fn reentering_a_held_object_is_a_no_op_and_two_object_sections_work() {
    let _s = serial();
    within(10, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let b = Probe::new();
        let (oa, ob) = (Owned::as_obj(&a), Owned::as_obj(&b));
        // SAFETY: a and b outlive the sections.
        unsafe {
            let _x = begin2(oa, ob);
            let _y = begin(oa); // nested: no deadlock on the held mutex
            let _z = begin(ob);
            assert_eq!(depth(), 3);
            assert!(strand_heap::mutex::is_locked(oa) && strand_heap::mutex::is_locked(ob));
        }
        assert_eq!(depth(), 0);
        // SAFETY: allocated.
        unsafe {
            assert!(!strand_heap::mutex::is_locked(oa) && !strand_heap::mutex::is_locked(ob))
        };
    });
}

#[test]
fn a_critical_section_makes_read_modify_write_atomic_under_contention() {
    let _s = serial();
    within(60, || {
        let _ts = ThreadState::attach_new();
        let p = Probe::new();
        let value = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (p, value) = (p.clone(), value.clone());
                std::thread::spawn(move || {
                    let _t = ThreadState::attach_new();
                    for _ in 0..5000 {
                        // SAFETY: p keeps the object alive.
                        let _cs = unsafe { begin(Owned::as_obj(&p)) };
                        // A non-atomic read-modify-write, made atomic by the lock.
                        let v = value.load(SeqCst);
                        std::hint::spin_loop();
                        value.store(v + 1, SeqCst);
                    }
                })
            })
            .collect();
        strand_heap::with_detached(|| handles.into_iter().for_each(|h| h.join().unwrap()));
        assert_eq!(value.load(SeqCst), 40_000);
    });
}
