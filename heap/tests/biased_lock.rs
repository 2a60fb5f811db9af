//! Biased locking (`strand_heap::biased_lock`): the owner of a fresh object holds its
//! lock without touching the mutex byte; another thread's first lock revokes the
//! reservation and waits for the owner's current hold; from then on the mutex is an
//! ordinary one. Mutual exclusion holds throughout, under contention between owners
//! taking biased holds and revokers arriving at the same time.

mod common;

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::*;
use strand_heap::critical_section::depth;
use strand_heap::mutex::is_locked;
use strand_heap::{critical_section, ObjPtr, Owned, ThreadState};

fn locked(o: &Owned<Probe>) -> bool {
    // SAFETY: the Owned keeps the object allocated.
    unsafe { is_locked(Owned::as_obj(o)) }
}

#[test]
fn the_owner_nests_and_detaches_with_biased_holds() {
    if !strand_heap::biased_lock::enabled() {
        return; // no membarrier: every mutex is the ordinary one (tested elsewhere)
    }
    let _s = serial();
    within(10, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let b = Probe::new();
        {
            critical_section!(&a);
            assert!(locked(&a) && !locked(&b));
            {
                // Sections nested on a biased hold each hold it (no suspension).
                critical_section!(&b);
                critical_section!(&a);
                assert_eq!(depth(), 3);
                assert!(locked(&a) && locked(&b));
                // Detaching releases every hold, biased ones included; re-attaching
                // retakes the innermost section's.
                strand_heap::with_detached(|| {
                    assert!(!locked(&a) && !locked(&b));
                });
                assert!(locked(&a));
            }
            assert_eq!(depth(), 1);
        }
        assert_eq!(depth(), 0);
        assert!(!locked(&a) && !locked(&b));
    });
}

#[test]
fn a_revoker_waits_for_the_owners_hold_to_end() {
    let _s = serial();
    within(30, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let p = Owned::as_obj(&a).as_ptr() as usize;
        let revoked_before = strand_heap::stats().biased_revocations;
        let in_section = Arc::new(AtomicBool::new(false));
        let saw_owner_inside = Arc::new(AtomicBool::new(false));
        let started = Arc::new(AtomicBool::new(false));
        let revoker = {
            let (in_section, saw, started) = (
                in_section.clone(),
                saw_owner_inside.clone(),
                started.clone(),
            );
            std::thread::spawn(move || {
                let _t = ThreadState::attach_new();
                // Spin attached (the owner must not be made to detach, which would
                // suspend its section).
                while !started.load(SeqCst) {
                    std::hint::spin_loop();
                }
                let obj = ObjPtr::from_raw(p as *mut _).unwrap();
                let cs = std::pin::pin!(strand_heap::critical_section::CriticalSection::new());
                // SAFETY: the owner keeps the object alive until we are joined.
                unsafe { cs.as_ref().begin(obj) };
                saw.store(in_section.load(SeqCst), SeqCst);
            })
        };
        {
            critical_section!(&a);
            in_section.store(true, SeqCst);
            started.store(true, SeqCst);
            // Stay inside (attached, so the hold is not suspended) for a while: the
            // revoker must not get in.
            let until = Instant::now() + Duration::from_millis(50);
            while Instant::now() < until {
                std::hint::spin_loop();
            }
            in_section.store(false, SeqCst);
        }
        strand_heap::with_detached(|| revoker.join().unwrap());
        assert!(
            !saw_owner_inside.load(SeqCst),
            "the revoker entered while the owner held the lock biased"
        );
        if strand_heap::biased_lock::enabled() {
            assert!(strand_heap::stats().biased_revocations > revoked_before);
        }
        // Revoked: the owner's next section holds the lock through the byte, and
        // another thread still waits for it.
        critical_section!(&a);
        assert!(locked(&a));
    });
}

/// A plain (non-atomic) counter per object, updated only under the object's lock.
struct Counters(Vec<UnsafeCell<u64>>);
// SAFETY: every access to a counter is under the matching object's critical section.
unsafe impl Sync for Counters {}

#[test]
fn owners_and_revokers_racing_lose_no_update() {
    let _s = serial();
    within(120, || {
        const THREADS: usize = 4;
        const PER_THREAD: usize = 64;
        const ROUNDS: usize = 40;
        let _ts = ThreadState::attach_new();
        // Each thread allocates its own objects (so it owns their reservations) and
        // publishes them; then every thread increments every object's counter, its
        // own objects first, so owners take biased holds while others revoke.
        let objects: Arc<Vec<AtomicUsize>> = Arc::new(
            (0..THREADS * PER_THREAD)
                .map(|_| AtomicUsize::new(0))
                .collect(),
        );
        let counters = Arc::new(Counters(
            (0..THREADS * PER_THREAD)
                .map(|_| UnsafeCell::new(0))
                .collect(),
        ));
        let published = Arc::new(Barrier::new(THREADS));
        let done = Arc::new(Barrier::new(THREADS));
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (objects, counters, published, done) = (
                    objects.clone(),
                    counters.clone(),
                    published.clone(),
                    done.clone(),
                );
                std::thread::spawn(move || {
                    let _ts = ThreadState::attach_new();
                    let mine: Vec<Owned<Probe>> = (0..PER_THREAD).map(|_| Probe::new()).collect();
                    for (k, o) in mine.iter().enumerate() {
                        objects[t * PER_THREAD + k]
                            .store(Owned::as_obj(o).as_ptr() as usize, SeqCst);
                    }
                    strand_heap::with_detached(|| published.wait());
                    let n = objects.len();
                    for round in 0..ROUNDS {
                        for j in 0..n {
                            let i = (t * PER_THREAD + j + round) % n;
                            let obj = ObjPtr::from_raw(objects[i].load(SeqCst) as *mut _).unwrap();
                            let cs = std::pin::pin!(
                                strand_heap::critical_section::CriticalSection::new()
                            );
                            // SAFETY: every object stays alive until all threads pass
                            // `done` below.
                            unsafe { cs.as_ref().begin(obj) };
                            // SAFETY: under the object's lock.
                            unsafe { *counters.0[i].get() += 1 };
                        }
                        strand_heap::safepoint();
                    }
                    strand_heap::with_detached(|| done.wait());
                    drop(mine);
                })
            })
            .collect();
        strand_heap::with_detached(|| {
            for h in handles {
                h.join().unwrap();
            }
        });
        for (i, c) in counters.0.iter().enumerate() {
            // SAFETY: every thread has been joined.
            assert_eq!(unsafe { *c.get() }, (THREADS * ROUNDS) as u64, "object {i}");
        }
    });
}
