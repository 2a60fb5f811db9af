//! Pacing never deadlocks: a thread that allocates far ahead of a running collection
//! waits for it, but a collection can be stuck in a finalizer that waits for
//! something the allocating thread holds. The allocating thread must then give up
//! waiting (the collection makes no progress) and go on, release what it holds, and
//! let the collection finish; the finalizer runs exactly once.
//!
//! The collection that runs the finalizer is made on the main thread, and the holder
//! starts allocating only once that finalizer is blocked: an automatic collection on
//! the holder itself would run the finalizer there, and a finalizer that takes a
//! non-reentrant lock its own thread holds deadlocks in CPython as well.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use parking_lot::Mutex;
use strand_heap::{HeapKind, HeapObject, ObjPtr, Owned, ThreadState};

/// What the finalizer of a [`Blocker`] waits for, held by the allocating thread.
static HELD: Mutex<()> = Mutex::new(());
static FINALIZED: AtomicU64 = AtomicU64::new(0);
/// Set by the finalizer just before it waits for [`HELD`].
static BLOCKED: AtomicBool = AtomicBool::new(false);

/// A self-referencing object whose finalizer takes [`HELD`] (waiting detached, as an
/// interpreter's lock acquire does).
struct Blocker {
    me: Mutex<Option<Owned<Blocker>>>,
}

// SAFETY: traverse reports the one counted reference; clear drops it.
unsafe impl HeapObject for Blocker {
    const NAME: &'static str = "Blocker";
    const KIND: HeapKind = HeapKind::Gc;
    const HAS_FINALIZER: bool = true;

    fn traverse(&self, visit: &mut dyn FnMut(ObjPtr)) {
        if let Some(m) = &*self.me.lock() {
            visit(Owned::as_obj(m));
        }
    }

    fn clear(&self) {
        let me = self.me.lock().take();
        drop(me);
    }

    fn finalize(&self) {
        let _held = match HELD.try_lock() {
            Some(g) => g,
            None => {
                BLOCKED.store(true, SeqCst);
                strand_heap::with_detached(|| HELD.lock())
            }
        };
        FINALIZED.fetch_add(1, SeqCst);
    }
}

/// Plain two-node garbage, made in bulk.
struct Node {
    next: Mutex<Option<Owned<Node>>>,
}

// SAFETY: as for Blocker.
unsafe impl HeapObject for Node {
    const NAME: &'static str = "Node";
    const KIND: HeapKind = HeapKind::Gc;

    fn traverse(&self, visit: &mut dyn FnMut(ObjPtr)) {
        if let Some(n) = &*self.next.lock() {
            visit(Owned::as_obj(n));
        }
    }

    fn clear(&self) {
        let n = self.next.lock().take();
        drop(n);
    }
}

fn garbage(n: usize) {
    for _ in 0..n {
        let a = Owned::new(Node {
            next: Mutex::new(None),
        });
        let b = Owned::new(Node {
            next: Mutex::new(Some(a.clone())),
        });
        *a.next.lock() = Some(b);
        strand_heap::safepoint();
    }
}

fn run() {
    let _ts = ThreadState::attach_new();
    strand_gc::install();
    strand_gc::enable();
    strand_gc::collect();
    let held = Arc::new(Barrier::new(2));
    let done = Arc::new(AtomicBool::new(false));
    // The holder takes HELD, waits until the main thread's collection is stuck in the
    // Blocker's finalizer, then makes plenty of garbage while still holding HELD: it
    // is paced against the stuck collection and must give up waiting for it.
    let holder = {
        let (held_barrier, done) = (held.clone(), done.clone());
        std::thread::spawn(move || {
            let _ts = ThreadState::attach_new();
            let held = HELD.lock();
            strand_heap::with_detached(|| {
                held_barrier.wait();
                while !BLOCKED.load(SeqCst) {
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
            garbage(200_000);
            done.store(true, SeqCst);
            drop(held);
        })
    };
    strand_heap::with_detached(|| held.wait());
    let b = Owned::new(Blocker {
        me: Mutex::new(None),
    });
    *b.me.lock() = Some(b.clone());
    drop(b);
    // Runs the finalizer, which blocks until the holder has finished.
    strand_gc::collect();
    assert!(
        done.load(SeqCst),
        "the collection ended before the holder finished allocating"
    );
    strand_heap::with_detached(|| holder.join()).unwrap();
    strand_gc::collect();
    assert_eq!(FINALIZED.load(SeqCst), 1, "the finalizer ran exactly once");
    let waits = strand_gc::stats().allocation_waits;
    assert!(
        waits > 0,
        "the holder was paced against the stuck collection"
    );
}

#[test]
fn an_allocating_thread_does_not_wait_for_a_collection_stuck_on_what_it_holds() {
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        run();
        tx.send(()).unwrap();
    });
    match rx.recv_timeout(Duration::from_secs(240)) {
        Ok(()) | Err(RecvTimeoutError::Disconnected) => h.join().unwrap(),
        Err(RecvTimeoutError::Timeout) => panic!("deadlock: the holder waited for the collection"),
    }
}
