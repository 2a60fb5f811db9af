//! Critical sections: nested sections in opposite orders on two threads do not
//! deadlock; a thread that blocks (contended lock, detach, stop-the-world) releases
//! every object lock and retakes only the innermost section's; re-entering an object
//! already held is a no-op; two-object sections lock in address order from any
//! argument order; the lock protects the data under contention; thread states taking
//! turns on one OS thread keep their own chains.

mod common;

use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::*;
use strand_heap::critical_section::{depth, innermost_is_suspended, CriticalSection};
use strand_heap::mutex::is_locked;
use strand_heap::{critical_section, ObjPtr, Owned, ThreadState};

fn locked(o: &Owned<Probe>) -> bool {
    // SAFETY: the Owned keeps the object allocated.
    unsafe { is_locked(Owned::as_obj(o)) }
}

/// Makes `o`'s mutex an ordinary one: its lock starts reserved for the thread that
/// allocated it (biased locking), whose nested sections then each hold it; another
/// thread's first section revokes that. Tests of the ordinary mutex's re-entrancy and
/// suspension rules call this first.
fn unbias(o: &Owned<Probe>) {
    let p = Owned::as_obj(o).as_ptr() as usize;
    strand_heap::with_detached(|| {
        std::thread::spawn(move || {
            let _t = ThreadState::attach_new();
            let obj = ObjPtr::from_raw(p as *mut _).unwrap();
            // SAFETY: the caller's Owned keeps the object allocated while we wait.
            unsafe {
                strand_heap::mutex::lock(obj);
                strand_heap::mutex::unlock(obj);
            }
        })
        .join()
        .unwrap()
    });
}

/// Waits (detached) until `cond` holds, for at most 10 s.
fn wait_for(cond: impl Fn() -> bool) -> bool {
    strand_heap::with_detached(|| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !cond() {
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    })
}

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
                    {
                        critical_section!(&first);
                        critical_section!(&second);
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
        let got_it = Arc::new(AtomicBool::new(false));
        let cs = pin!(CriticalSection::new());
        cs.as_ref().enter(&a);
        assert!(locked(&a));
        let a2 = a.clone();
        let g2 = got_it.clone();
        let other = std::thread::spawn(move || {
            let _t = ThreadState::attach_new();
            critical_section!(&a2);
            g2.store(true, SeqCst);
        });
        // While we sleep detached, the other thread can take the lock.
        assert!(
            wait_for(|| got_it.load(SeqCst)),
            "the lock was released while detached"
        );
        strand_heap::with_detached(|| other.join().unwrap());
        // Back attached: we hold the lock again.
        assert!(locked(&a));
        cs.as_ref().end();
        assert!(!locked(&a));
        assert_eq!(depth(), 0);
    });
}

#[test]
fn reentering_a_held_object_is_a_no_op_and_two_object_sections_work() {
    let _s = serial();
    within(10, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let b = Probe::new();
        unbias(&a);
        unbias(&b);
        {
            critical_section!(&a, &b);
            assert_eq!(depth(), 1);
            {
                critical_section!(&a); // nested: no deadlock on the held mutex
                critical_section!(&b);
                critical_section!(&b, &a);
                assert_eq!(depth(), 1, "nested sections on held objects are not linked");
                assert!(locked(&a) && locked(&b));
            }
            // The nested ones ended without releasing the outer section's locks.
            assert!(locked(&a) && locked(&b));
        }
        assert_eq!(depth(), 0);
        assert!(!locked(&a) && !locked(&b));
    });
}

#[test]
fn only_the_innermost_section_is_resumed_after_a_nested_wait() {
    let _s = serial();
    within(10, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let b = Probe::new();
        unbias(&a);
        unbias(&b);
        let outer = pin!(CriticalSection::new());
        outer.as_ref().enter(&a);
        let middle = pin!(CriticalSection::new());
        middle.as_ref().enter(&b);
        assert_eq!(depth(), 2);
        assert!(locked(&a) && locked(&b), "uncontended nesting keeps both");
        {
            // `a` is held, but not by the innermost section: this waits for it like a
            // contended lock, so everything is suspended and only `a` retaken.
            critical_section!(&a);
            assert_eq!(depth(), 3);
            assert!(locked(&a) && !locked(&b));
        }
        // The innermost is now `b`'s section: resumed; `a`'s outer one still suspended.
        assert!(locked(&b) && !locked(&a));
        middle.as_ref().end();
        assert!(locked(&a) && !locked(&b));
        outer.as_ref().end();
        assert!(!locked(&a) && !locked(&b));
        assert_eq!(depth(), 0);
    });
}

#[test]
fn a_section_waiting_for_a_contended_lock_releases_the_enclosing_ones() {
    let _s = serial();
    within(30, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let b = Probe::new();
        let b_held = Arc::new(AtomicBool::new(false));
        let a_held = Arc::new(AtomicBool::new(false));
        let a_taken_by_other = Arc::new(AtomicBool::new(false));
        let (a2, b2) = (a.clone(), b.clone());
        let (bh, ah, at) = (b_held.clone(), a_held.clone(), a_taken_by_other.clone());
        let other = std::thread::spawn(move || {
            let _t = ThreadState::attach_new();
            critical_section!(&b2);
            bh.store(true, SeqCst);
            // Wait until the main thread holds `a` and then waits for `b`, which
            // releases `a`. Spin attached: detaching would release `b`.
            let deadline = Instant::now() + Duration::from_secs(10);
            // SAFETY: a2 keeps the object allocated.
            while !ah.load(SeqCst) || unsafe { is_locked(Owned::as_obj(&a2)) } {
                assert!(Instant::now() < deadline, "a was never released");
                std::thread::yield_now();
            }
            {
                // Taking `a` now must not deadlock: the waiter released it. (This is a
                // nested section on another object: it may suspend `b` briefly.)
                critical_section!(&a2);
                at.store(true, SeqCst);
            }
        });
        assert!(wait_for(|| b_held.load(SeqCst)));
        {
            critical_section!(&a);
            assert!(locked(&a));
            a_held.store(true, SeqCst);
            {
                critical_section!(&b); // contended: suspends `a`'s section and waits
                assert!(a_taken_by_other.load(SeqCst), "a was free while we waited");
                assert!(locked(&b));
                assert!(!innermost_is_suspended());
            }
            // `b`'s section ended: `a`'s is retaken.
            assert!(locked(&a));
        }
        assert!(!locked(&a));
        strand_heap::with_detached(|| other.join().unwrap());
    });
}

#[test]
fn detaching_inside_nested_sections_resumes_only_the_innermost() {
    let _s = serial();
    within(10, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let b = Probe::new();
        critical_section!(&a);
        {
            critical_section!(&b);
            strand_heap::with_detached(|| {
                assert!(
                    !locked(&a) && !locked(&b),
                    "a detached thread holds no lock"
                );
            });
            assert!(locked(&b) && !locked(&a));
        }
        assert!(locked(&a));
    });
}

#[test]
fn a_thread_parked_by_stop_the_world_holds_no_object_lock() {
    let _s = serial();
    within(30, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let a2 = a.clone();
        let inside = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (i2, s2) = (inside.clone(), stop.clone());
        let other = std::thread::spawn(move || {
            let _t = ThreadState::attach_new();
            critical_section!(&a2);
            i2.store(true, SeqCst);
            while !s2.load(SeqCst) {
                strand_heap::safepoint();
                std::hint::spin_loop();
            }
            // Resumed after the restart: the lock is ours again.
            // SAFETY: a2 keeps the object allocated.
            assert!(unsafe { is_locked(Owned::as_obj(&a2)) });
        });
        assert!(wait_for(|| inside.load(SeqCst)));
        {
            let _world = strand_heap::stop_the_world();
            // The other thread is parked at a safe point, its section suspended.
            assert!(!locked(&a));
            critical_section!(&a);
            assert!(locked(&a));
        }
        stop.store(true, SeqCst);
        strand_heap::with_detached(|| other.join().unwrap());
        assert!(!locked(&a));
    });
}

#[test]
fn thread_states_taking_turns_on_one_os_thread_keep_their_own_sections() {
    let _s = serial();
    within(10, || {
        let t1 = ThreadState::attach_new();
        let a = Probe::new();
        let b = Probe::new();
        let s1 = pin!(CriticalSection::new());
        s1.as_ref().enter(&a);
        assert_eq!(depth(), 1);
        let t2 = ThreadState::new();
        t2.attach(); // detaches t1: its section is suspended and saved
        assert_eq!(depth(), 0);
        assert!(!locked(&a));
        {
            critical_section!(&b);
            assert_eq!(depth(), 1);
            critical_section!(&a); // free now: t1's section is suspended
            assert_eq!(depth(), 2);
        }
        t1.attach();
        assert_eq!(depth(), 1);
        assert!(locked(&a) && !locked(&b));
        s1.as_ref().end();
        assert_eq!(depth(), 0);
        assert!(!locked(&a));
        drop(t2); // exiting t2 detaches t1 (its chain is saved, empty now)
        t1.attach(); // the objects are dropped with t1 attached, after the record
    });
}

#[test]
fn sections_ended_out_of_order_leave_a_sound_chain() {
    let _s = serial();
    within(10, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let b = Probe::new();
        let outer = pin!(CriticalSection::new());
        outer.as_ref().enter(&a);
        let inner = pin!(CriticalSection::new());
        inner.as_ref().enter(&b);
        outer.as_ref().end(); // not the innermost: unlinked, its lock released
        assert_eq!(depth(), 1);
        assert!(!locked(&a) && locked(&b));
        inner.as_ref().end();
        assert_eq!(depth(), 0);
        assert!(!locked(&b));
    });
}

#[test]
fn a_section_ends_on_every_way_out_of_its_block() {
    let _s = serial();
    within(10, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        fn early(a: &Owned<Probe>, bail: bool) -> Result<u32, ()> {
            critical_section!(a);
            if bail {
                return Err(());
            }
            Ok(1)
        }
        assert_eq!(early(&a, false), Ok(1));
        assert_eq!(early(&a, true), Err(()));
        assert!(!locked(&a));
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            critical_section!(&a);
            panic!("inside");
        }));
        assert!(r.is_err());
        assert!(!locked(&a));
        assert_eq!(depth(), 0);
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
                        critical_section!(&p);
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

#[test]
fn two_object_sections_from_many_threads_in_any_order_neither_deadlock_nor_race() {
    let _s = serial();
    within(120, || {
        let _ts = ThreadState::attach_new();
        const OBJECTS: usize = 6;
        const THREADS: usize = 8;
        const ROUNDS: usize = 10_000;
        let objs: Arc<Vec<Owned<Probe>>> = Arc::new((0..OBJECTS).map(|_| Probe::new()).collect());
        // One plain counter per object, updated non-atomically under its lock.
        let counts: Arc<Vec<AtomicUsize>> =
            Arc::new((0..OBJECTS).map(|_| AtomicUsize::new(0)).collect());
        let bump = |c: &AtomicUsize| {
            let v = c.load(SeqCst);
            std::hint::spin_loop();
            c.store(v + 1, SeqCst);
        };
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (objs, counts) = (objs.clone(), counts.clone());
                std::thread::spawn(move || {
                    let _t = ThreadState::attach_new();
                    let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ (t as u64 + 1);
                    let mut next = || {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        (x % OBJECTS as u64) as usize
                    };
                    for round in 0..ROUNDS {
                        let (i, j, k) = (next(), next(), next());
                        if i == j {
                            continue;
                        }
                        if round % 3 == 0 {
                            // An outer one-object section with a pair nested inside
                            // (which may have to suspend it).
                            critical_section!(&objs[k]);
                            bump(&counts[k]);
                            critical_section!(&objs[i], &objs[j]);
                            bump(&counts[i]);
                            bump(&counts[j]);
                        } else {
                            critical_section!(&objs[i], &objs[j]);
                            bump(&counts[i]);
                            bump(&counts[j]);
                        }
                        if round % 64 == 0 {
                            strand_heap::safepoint();
                        }
                    }
                })
            })
            .collect();
        strand_heap::with_detached(|| handles.into_iter().for_each(|h| h.join().unwrap()));
        // Recount what each thread did, deterministically, to check no update was lost.
        let mut expect = [0usize; OBJECTS];
        for t in 0..THREADS {
            let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ (t as u64 + 1);
            let mut next = || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % OBJECTS as u64) as usize
            };
            for round in 0..ROUNDS {
                let (i, j, k) = (next(), next(), next());
                if i == j {
                    continue;
                }
                if round % 3 == 0 {
                    expect[k] += 1;
                }
                expect[i] += 1;
                expect[j] += 1;
            }
        }
        for (o, c) in counts.iter().enumerate() {
            assert_eq!(c.load(SeqCst), expect[o], "object {o}");
        }
        assert!(objs.iter().all(|o| !locked(o)));
    });
}

#[test]
fn the_unsafe_form_locks_raw_object_pointers() {
    let _s = serial();
    within(10, || {
        let _ts = ThreadState::attach_new();
        let a = Probe::new();
        let b = Probe::new();
        let (oa, ob): (ObjPtr, ObjPtr) = (Owned::as_obj(&a), Owned::as_obj(&b));
        {
            let cs = pin!(CriticalSection::new());
            // SAFETY: `a` and `b` outlive the record.
            unsafe { cs.as_ref().begin2(ob, oa) };
            assert!(cs.is_active());
            assert!(locked(&a) && locked(&b));
        }
        assert!(!locked(&a) && !locked(&b));
    });
}
