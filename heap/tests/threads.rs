//! Real OS threads sharing objects: random increments and decrements from every
//! thread, references handed between threads, and owners that exit mid-run so that
//! their objects' merges go to the orphan queue.

mod common;

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Barrier, Mutex};

use common::*;
use rand::{RngExt, SeedableRng};
use strand_heap::{Owned, ThreadState};

const THREADS: usize = 8;

fn worker(
    me: usize,
    iterations: usize,
    seed: u64,
    inboxes: Arc<Vec<Mutex<Receiver<Owned<Probe>>>>>,
    outboxes: Vec<Sender<Owned<Probe>>>,
    allocated: Arc<Mutex<Vec<u64>>>,
    leftovers: Sender<Owned<Probe>>,
) {
    let ts = ThreadState::attach_new();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut held: Vec<Owned<Probe>> = Vec::new();
    let mut ids = Vec::new();
    for _ in 0..iterations {
        match rng.random_range(0..100) {
            0..15 => {
                let p = Probe::new();
                ids.push(p.id);
                held.push(p);
            }
            15..40 if !held.is_empty() => {
                let i = rng.random_range(0..held.len());
                assert_eq!(held[i].canary, CANARY, "use after free");
                let c = held[i].clone();
                held.push(c);
            }
            40..65 if !held.is_empty() => {
                let i = rng.random_range(0..held.len());
                drop(held.swap_remove(i));
            }
            65..85 if !held.is_empty() => {
                let i = rng.random_range(0..held.len());
                let to = rng.random_range(0..outboxes.len());
                let r = held.swap_remove(i);
                if let Err(e) = outboxes[to].send(r) {
                    held.push(e.0);
                }
            }
            _ => {
                while let Ok(r) = inboxes[me].lock().unwrap().try_recv() {
                    assert_eq!(r.canary, CANARY, "received a freed object");
                    held.push(r);
                }
            }
        }
        strand_heap::safepoint();
    }
    allocated.lock().unwrap().extend(ids);
    // An exiting thread hands its references on, so the objects it owns outlive it and
    // their last decrements happen on other threads.
    for r in held {
        leftovers.send(r).unwrap();
    }
    drop(ts);
}

#[test]
fn eight_threads_share_objects_and_owners_exit_mid_run() {
    let _s = serial();
    within(120, || {
        let main_ts = ThreadState::attach_new();
        let base = live_now();
        let allocated = Arc::new(Mutex::new(Vec::new()));
        let (left_tx, left_rx) = channel();
        let mut senders = Vec::new();
        let mut receivers = Vec::new();
        for _ in 0..THREADS {
            let (tx, rx) = channel();
            senders.push(tx);
            receivers.push(Mutex::new(rx));
        }
        let inboxes = Arc::new(receivers);
        let start = Arc::new(Barrier::new(THREADS));
        let mut handles = Vec::new();
        for me in 0..THREADS {
            // Half the threads stop early: their objects' owners are gone while other
            // threads still hold and drop references to them.
            let iterations = if me % 2 == 0 { 4_000 } else { 40_000 };
            let inboxes = inboxes.clone();
            let outboxes = senders.clone();
            let allocated = allocated.clone();
            let leftovers = left_tx.clone();
            let start = start.clone();
            handles.push(std::thread::spawn(move || {
                start.wait();
                worker(
                    me,
                    iterations,
                    0x5eed + me as u64,
                    inboxes,
                    outboxes,
                    allocated,
                    leftovers,
                );
            }));
        }
        drop(left_tx);
        drop(senders);
        strand_heap::with_detached(|| {
            for h in handles {
                h.join().unwrap();
            }
        });
        // Whatever is still in flight comes to the main thread and is dropped here.
        for rx in inboxes.iter() {
            while let Ok(r) = rx.lock().unwrap().try_recv() {
                drop(r);
            }
        }
        for r in left_rx {
            assert_eq!(r.canary, CANARY);
            drop(r);
        }
        // Drain our own queue and the orphans of the exited owners.
        strand_heap::safepoint();
        drop(strand_heap::stop_the_world());

        let ids = allocated.lock().unwrap().clone();
        assert!(
            ids.len() > 1000,
            "the workload allocated {} objects",
            ids.len()
        );
        let freed = FREED.lock().unwrap();
        for id in &ids {
            assert_eq!(
                freed.get(id).copied(),
                Some(1),
                "probe {id} freed {:?} times",
                freed.get(id)
            );
        }
        drop(freed);
        assert_eq!(live_now(), base, "live objects back to baseline");
        let stats = strand_heap::stats();
        assert!(
            stats.queued_merges > 0,
            "the workload exercised merge queues: {stats:?}"
        );
        assert!(stats.merges > 0);
        drop(main_ts);
    });
}

#[test]
fn decrements_on_objects_of_an_exited_owner_go_to_the_orphan_queue() {
    let _s = serial();
    within(30, || {
        let ts = ThreadState::attach_new();
        let base = live_now();
        // The owner allocates, hands two references to us, and exits.
        let (a, b, id) = std::thread::spawn(|| {
            let _owner = ThreadState::attach_new();
            let p = Probe::new();
            let id = p.id;
            (p.clone(), p, id)
        })
        .join()
        .unwrap();
        // The owner kept no reference: the local count it left behind is 2 and the
        // shared count 0, so our first decrement must be queued.
        drop(a);
        assert_eq!(times_freed(id), 0);
        assert_eq!(strand_heap::brc::orphaned_objects().len(), 1);
        assert_eq!(Owned::refcount(&b), 1);
        strand_heap::safepoint();
        assert!(strand_heap::brc::orphaned_objects().is_empty());
        assert_eq!(Owned::refcount(&b), 1);
        drop(b);
        assert_eq!(times_freed(id), 1);
        assert_eq!(live_now(), base);
        drop(ts);
    });
}

#[test]
fn a_queued_object_is_merged_by_its_owner_at_a_safepoint() {
    let _s = serial();
    within(30, || {
        let owner = ThreadState::attach_new();
        let p = Probe::new();
        let id = p.id;
        let extra = p.clone();
        let (tx, rx) = channel::<()>();
        let h = std::thread::spawn(move || {
            let _t = ThreadState::attach_new();
            drop(extra); // shared count 0 -> queued to the owner
            tx.send(()).unwrap();
        });
        strand_heap::with_detached(|| rx.recv().unwrap());
        strand_heap::with_detached(|| h.join().unwrap());
        assert_eq!(
            strand_heap::brc::queued_objects(owner.id()),
            vec![Owned::as_obj(&p)]
        );
        assert_eq!(Owned::refcount(&p), 1);
        strand_heap::safepoint();
        assert!(strand_heap::brc::queued_objects(owner.id()).is_empty());
        assert_eq!(Owned::refcount(&p), 1);
        drop(p);
        assert_eq!(times_freed(id), 1);
    });
}

/// Threads that exit with orphaned merges waiting (and their own merge request set)
/// while another thread keeps stopping the world, so that leaving the registry has to
/// wait: an exiting thread only parks there, it must not merge orphans (freeing them
/// needs the QSBR state it has already left); the others free them, each once.
#[test]
fn threads_exit_with_orphans_pending_while_the_world_stops() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let _s = serial();
    within(120, || {
        let main_ts = ThreadState::attach_new();
        let base = live_now();
        let stop = Arc::new(AtomicBool::new(false));
        let stopper = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let _ts = ThreadState::attach_new();
                while !stop.load(Ordering::Relaxed) {
                    drop(strand_heap::stop_the_world());
                    strand_heap::safepoint();
                }
            })
        };
        let mut ids = Vec::new();
        // Probes whose owners have exited: each pair is two references with a local
        // count of 2 left behind, so the first decrement on another thread is orphaned.
        let mut carried: Vec<Vec<Owned<Probe>>> = vec![Vec::new(); 4];
        for _round in 0..150 {
            let handles: Vec<_> = std::mem::take(&mut carried)
                .into_iter()
                .map(|inherited| {
                    std::thread::spawn(move || {
                        let ts = ThreadState::attach_new();
                        drop(inherited);
                        let mut made = Vec::new();
                        for _ in 0..20 {
                            let p = Probe::new();
                            // SAFETY: `p` is alive and we hold a reference.
                            unsafe { strand_heap::refcount::mark_shared(Owned::as_obj(&p)) };
                            made.push(p.clone());
                            made.push(p);
                        }
                        let ids: Vec<u64> = made.iter().step_by(2).map(|p| p.id).collect();
                        drop(ts);
                        (made, ids)
                    })
                })
                .collect();
            strand_heap::with_detached(|| {
                for h in handles {
                    let (made, new_ids) = h.join().unwrap();
                    carried.push(made);
                    ids.extend(new_ids);
                }
            });
        }
        for made in carried {
            drop(made);
        }
        stop.store(true, Ordering::Relaxed);
        strand_heap::with_detached(|| stopper.join().unwrap());
        strand_heap::safepoint();
        drop(strand_heap::stop_the_world());
        for id in &ids {
            assert_eq!(times_freed(*id), 1, "probe {id}");
        }
        assert_eq!(live_now(), base, "live objects back to baseline");
        drop(main_ts);
    });
}
