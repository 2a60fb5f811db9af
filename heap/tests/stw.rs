//! Stop-the-world and heap walking: parking attached threads, keeping detached ones
//! out, nested and concurrent requests, and walks that find the objects of threads
//! that have exited.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::channel;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::*;
use strand_heap::{HeapKind, ObjPtr, Owned, ThreadState};

fn walk_gc(world: &strand_heap::StwGuard) -> Vec<ObjPtr> {
    let mut found = Vec::new();
    strand_heap::visit_gc_objects(world, &mut |obj| found.push(obj));
    found
}

#[test]
fn heap_walk_finds_objects_allocated_by_threads_that_have_exited() {
    let _s = serial();
    within(60, || {
        let ts = ThreadState::attach_new();
        let mut kept: Vec<Owned<Probe>> = Vec::new();
        for t in 0..4 {
            // Each thread allocates, frees some of what it allocated, hands the rest
            // over and exits before the walk.
            let batch = std::thread::spawn(move || {
                let _ts = ThreadState::attach_new();
                let mut keep = Vec::new();
                for i in 0..500 {
                    let p = Probe::new();
                    if (i + t) % 3 != 0 {
                        keep.push(p);
                    }
                }
                keep
            })
            .join()
            .unwrap();
            kept.extend(batch);
        }
        let world = strand_heap::stop_the_world();
        let found: HashSet<ObjPtr> = walk_gc(&world).into_iter().collect();
        for p in &kept {
            assert!(
                found.contains(&Owned::as_obj(p)),
                "walk missed probe {}",
                p.id
            );
        }
        // Every object the walk reports is live: the walk and the counters agree.
        let stats = strand_heap::stats();
        assert_eq!(
            found.len() as i64,
            stats.live(HeapKind::Gc) + stats.live(HeapKind::GcPreheader)
        );
        drop(world);
        drop(kept);
        let world = strand_heap::stop_the_world();
        let stats = strand_heap::stats();
        assert_eq!(
            walk_gc(&world).len() as i64,
            stats.live(HeapKind::Gc) + stats.live(HeapKind::GcPreheader)
        );
        drop(world);
        drop(ts);
    });
}

#[test]
fn heap_walk_skips_freelisted_and_delayed_blocks() {
    let _s = serial();
    within(30, || {
        let ts = ThreadState::attach_new();
        let a = Probe::new();
        let b = Probe::new();
        let a_obj = Owned::as_obj(&a);
        let b_obj = Owned::as_obj(&b);
        // SAFETY: we hold a reference to b.
        unsafe { strand_heap::refcount::mark_shared(b_obj) };
        drop(a); // to the freelist
        drop(b); // to QSBR
        let world = strand_heap::stop_the_world();
        let found = walk_gc(&world);
        assert!(!found.contains(&a_obj));
        assert!(!found.contains(&b_obj));
        drop(world);
        drop(ts);
    });
}

#[test]
fn stop_the_world_parks_attached_threads_at_safepoints() {
    let _s = serial();
    within(60, || {
        let ts = ThreadState::attach_new();
        let progress = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let started = Arc::new(Barrier::new(5));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let progress = progress.clone();
                let stop = stop.clone();
                let started = started.clone();
                std::thread::spawn(move || {
                    let _ts = ThreadState::attach_new();
                    strand_heap::with_detached(|| started.wait());
                    while !stop.load(SeqCst) {
                        let p = Probe::new();
                        progress.fetch_add(1, SeqCst);
                        drop(p);
                        strand_heap::safepoint();
                    }
                })
            })
            .collect();
        strand_heap::with_detached(|| started.wait());
        for _ in 0..20 {
            let world = strand_heap::stop_the_world();
            let before = progress.load(SeqCst);
            std::thread::sleep(Duration::from_millis(2));
            assert_eq!(
                progress.load(SeqCst),
                before,
                "a thread ran while the world was stopped"
            );
            drop(world);
            let before = progress.load(SeqCst);
            while progress.load(SeqCst) == before {
                strand_heap::with_detached(std::thread::yield_now);
            }
        }
        stop.store(true, SeqCst);
        strand_heap::with_detached(|| handles.into_iter().for_each(|h| h.join().unwrap()));
        drop(ts);
    });
}

#[test]
fn detached_threads_do_not_hold_up_the_world_and_cannot_attach_while_it_is_stopped() {
    let _s = serial();
    within(30, || {
        let ts = ThreadState::attach_new();
        let attached = Arc::new(AtomicBool::new(false));
        let (go_tx, go_rx) = channel::<()>();
        let (ready_tx, ready_rx) = channel::<()>();
        let attached2 = attached.clone();
        let h = std::thread::spawn(move || {
            let t = ThreadState::attach_new();
            t.detach();
            ready_tx.send(()).unwrap();
            go_rx.recv().unwrap(); // blocks, detached
            t.attach(); // must wait for the world to restart
            attached2.store(true, SeqCst);
            strand_heap::safepoint();
        });
        strand_heap::with_detached(|| ready_rx.recv().unwrap());
        let world = strand_heap::stop_the_world(); // must not wait for the detached thread
        go_tx.send(()).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            !attached.load(SeqCst),
            "a thread attached while the world was stopped"
        );
        // A thread state created while the world is stopped starts suspended too.
        let (created_tx, created_rx) = channel::<()>();
        let attached_new = Arc::new(AtomicBool::new(false));
        let attached_new2 = attached_new.clone();
        let h2 = std::thread::spawn(move || {
            let t = ThreadState::new();
            created_tx.send(()).unwrap();
            t.attach();
            attached_new2.store(true, SeqCst);
        });
        created_rx.recv().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        assert!(!attached_new.load(SeqCst));
        drop(world);
        strand_heap::with_detached(|| {
            h.join().unwrap();
            h2.join().unwrap();
        });
        assert!(attached.load(SeqCst) && attached_new.load(SeqCst));
        drop(ts);
    });
}

#[test]
fn nested_stop_the_world_requests_nest() {
    let _s = serial();
    within(10, || {
        let ts = ThreadState::attach_new();
        let outer = strand_heap::stop_the_world();
        assert!(strand_heap::is_world_stopped_by_me());
        let inner = strand_heap::stop_the_world();
        drop(inner);
        assert!(strand_heap::is_world_stopped_by_me());
        drop(outer);
        assert!(!strand_heap::is_world_stopped_by_me());
        drop(ts);
    });
}

#[test]
fn concurrent_stop_the_world_requests_serialize_without_deadlock() {
    let _s = serial();
    within(120, || {
        let inside = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let inside = inside.clone();
                let total = total.clone();
                std::thread::spawn(move || {
                    let _ts = ThreadState::attach_new();
                    for j in 0..200 {
                        if (i + j) % 2 == 0 {
                            let world = strand_heap::stop_the_world();
                            assert_eq!(
                                inside.fetch_add(1, SeqCst),
                                0,
                                "two threads had the world stopped"
                            );
                            total.fetch_add(1, SeqCst);
                            let p = Probe::new(); // the stopper may use the heap
                            drop(p);
                            inside.fetch_sub(1, SeqCst);
                            drop(world);
                        } else {
                            let p = Probe::new();
                            drop(p);
                            strand_heap::safepoint();
                            if j % 7 == 0 {
                                strand_heap::with_detached(std::thread::yield_now);
                            }
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(total.load(SeqCst), 600);
    });
}

#[test]
fn an_object_mutex_blocks_detached_and_does_not_hold_up_the_world() {
    let _s = serial();
    within(30, || {
        let ts = ThreadState::attach_new();
        let p = Probe::new();
        let obj = Owned::as_obj(&p);
        let holder = p.clone();
        // SAFETY: we hold references to the object throughout.
        unsafe { strand_heap::mutex::lock(obj) };
        let (tx, rx) = channel();
        let h = std::thread::spawn(move || {
            let _t = ThreadState::attach_new();
            let o = Owned::as_obj(&holder);
            tx.send(()).unwrap();
            // SAFETY: holder keeps the object alive.
            unsafe {
                strand_heap::mutex::lock(o);
                strand_heap::mutex::unlock(o);
            }
            drop(holder);
        });
        strand_heap::with_detached(|| rx.recv().unwrap());
        std::thread::sleep(Duration::from_millis(20));
        // The other thread is parked on the mutex, detached: the world stops anyway.
        drop(strand_heap::stop_the_world());
        // SAFETY: we locked it above.
        unsafe { strand_heap::mutex::unlock(obj) };
        strand_heap::with_detached(|| h.join().unwrap());
        drop(p);
        drop(ts);
    });
}

#[test]
fn heap_walks_run_safely_while_os_threads_end() {
    let _s = serial();
    within(120, || {
        let ts = ThreadState::attach_new();
        let stop = Arc::new(AtomicBool::new(false));
        let kept = Arc::new(std::sync::Mutex::new(Vec::new()));
        let spawner = {
            let stop = stop.clone();
            let kept = kept.clone();
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(SeqCst) {
                    let kept = kept.clone();
                    // Short-lived OS threads: allocate, keep a few objects, end. Their
                    // mimalloc teardown races with the walks below.
                    std::thread::spawn(move || {
                        let _t = ThreadState::attach_new();
                        let mut mine: Vec<Owned<Probe>> = (0..200).map(|_| Probe::new()).collect();
                        mine.truncate(20);
                        kept.lock().unwrap().extend(mine);
                    })
                    .join()
                    .unwrap();
                    n += 1;
                }
                n
            })
        };
        for _ in 0..200 {
            let world = strand_heap::stop_the_world();
            let walked = walk_gc(&world).len() as i64;
            let stats = strand_heap::stats();
            assert_eq!(
                walked,
                stats.live(HeapKind::Gc) + stats.live(HeapKind::GcPreheader)
            );
            drop(world);
            strand_heap::with_detached(|| std::thread::sleep(Duration::from_micros(200)));
        }
        stop.store(true, SeqCst);
        let threads = strand_heap::with_detached(|| spawner.join().unwrap());
        assert!(threads > 0);
        let kept = std::mem::take(&mut *kept.lock().unwrap());
        let world = strand_heap::stop_the_world();
        let found: HashSet<ObjPtr> = walk_gc(&world).into_iter().collect();
        for p in &kept {
            assert!(found.contains(&Owned::as_obj(p)));
        }
        drop(world);
        drop(kept);
        drop(ts);
    });
}
