//! loom models of the two lock-free protocols at the heap's core:
//!
//! * biased reference counting's shared-count / merge-queue handoff
//!   (`strand_heap::refcount::*_core`): every interleaving of owner and non-owner
//!   increments, decrements, queueing, merging and `try_incref` deallocates an object
//!   exactly once, and never while a reference is outstanding;
//! * QSBR's free-after-quiescence rule (`strand_heap::qsbr`): a retired block is never
//!   freed while a thread that loaded it before retirement has not passed a quiescent
//!   state.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom --cfg crossbeam_loom" cargo test -p strand-heap --features loom --test loom --release`
#![cfg(loom)]

use loom::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering::SeqCst};
use loom::sync::{Arc, Mutex};
use loom::thread;

use strand_heap::qsbr::Qsbr;
use strand_heap::refcount::{
    decref_core, explicit_merge_core, incref_core, set_maybe_weakref_core, try_incref_core,
    DecrefOutcome,
};
use strand_heap::ObjectHeader;

const OWNER: usize = 1;
const OTHER: usize = 2;
const THIRD: usize = 3;

/// An object, its merge queue (the owner's), and a dealloc counter.
struct Obj {
    header: ObjectHeader,
    queue: Mutex<Vec<()>>,
    deallocs: AtomicUsize,
}

impl Obj {
    fn new(local: u32) -> Arc<Obj> {
        let obj = Obj {
            header: ObjectHeader::new_for_model(OWNER),
            queue: Mutex::new(Vec::new()),
            deallocs: AtomicUsize::new(0),
        };
        for _ in 1..local {
            incref_core(&obj.header, OWNER);
        }
        Arc::new(obj)
    }

    fn act(&self, outcome: DecrefOutcome) {
        match outcome {
            DecrefOutcome::Alive => {}
            DecrefOutcome::Dealloc => {
                self.deallocs.fetch_add(1, SeqCst);
            }
            DecrefOutcome::Queue => self.queue.lock().unwrap().push(()),
        }
    }

    fn decref(&self, tid: usize) {
        self.act(decref_core(&self.header, tid));
    }

    /// The owner's safe point: merge whatever was queued.
    fn drain(&self) {
        let n = std::mem::take(&mut *self.queue.lock().unwrap()).len();
        for _ in 0..n {
            if explicit_merge_core(&self.header, -1) == 0 {
                self.deallocs.fetch_add(1, SeqCst);
            }
        }
    }

    fn deallocs(&self) -> usize {
        self.deallocs.load(SeqCst)
    }
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(f);
}

#[test]
fn queued_decrement_and_owner_decrement_free_exactly_once() {
    model(|| {
        // The owner holds one reference and gave one (counted locally) to OTHER.
        let obj = Obj::new(2);
        let o2 = obj.clone();
        let t = thread::spawn(move || {
            o2.decref(OTHER); // shared count 0: queued to the owner
        });
        obj.decref(OWNER);
        obj.drain(); // a safe point; the entry may not be queued yet
        t.join().unwrap();
        obj.drain(); // the owner's next safe point
        assert_eq!(
            obj.deallocs(),
            1,
            "freed exactly once after both references died"
        );
    });
}

#[test]
fn two_non_owner_decrements_and_the_owner_race_to_zero() {
    model(|| {
        // Three references, all counted locally by the owner; two were handed out.
        let obj = Obj::new(3);
        let a = obj.clone();
        let b = obj.clone();
        let ta = thread::spawn(move || a.decref(OTHER));
        let tb = thread::spawn(move || b.decref(THIRD));
        obj.decref(OWNER);
        assert_eq!(obj.deallocs(), 0, "freed while references were outstanding");
        ta.join().unwrap();
        tb.join().unwrap();
        obj.drain();
        assert_eq!(obj.deallocs(), 1);
    });
}

#[test]
fn shared_increments_and_decrements_against_the_owners_last_decrement() {
    model(|| {
        // OTHER holds a reference counted in the shared field; the owner its own.
        let obj = Obj::new(1);
        incref_core(&obj.header, OTHER);
        let o2 = obj.clone();
        let t = thread::spawn(move || {
            incref_core(&o2.header, OTHER);
            o2.decref(OTHER);
            o2.decref(OTHER);
        });
        obj.decref(OWNER);
        t.join().unwrap();
        obj.drain();
        assert_eq!(obj.deallocs(), 1);
    });
}

#[test]
fn try_incref_never_revives_an_object_the_owner_frees() {
    model(|| {
        let obj = Obj::new(1);
        set_maybe_weakref_core(&obj.header);
        let o2 = obj.clone();
        let reader = thread::spawn(move || {
            if try_incref_core(&o2.header, OTHER) {
                assert_eq!(o2.deallocs(), 0, "try_incref succeeded on a freed object");
                o2.decref(OTHER);
            }
        });
        obj.decref(OWNER);
        reader.join().unwrap();
        obj.drain();
        assert_eq!(obj.deallocs(), 1);
    });
}

/// A block that records whether it was "freed".
struct Block {
    freed: AtomicBool,
}

#[test]
fn qsbr_frees_only_after_every_pinned_reader_is_quiescent() {
    model(|| {
        let domain = Arc::new(Qsbr::new());
        let old = Box::into_raw(Box::new(Block {
            freed: AtomicBool::new(false),
        }));
        let new = Box::into_raw(Box::new(Block {
            freed: AtomicBool::new(false),
        }));
        let slot = Arc::new(AtomicPtr::new(old));

        let (d2, s2) = (domain.clone(), slot.clone());
        let reader = thread::spawn(move || {
            let mut q = d2.register();
            q.online();
            let p = s2.load(SeqCst);
            // SAFETY: loaded while online; blocks are leaked, never really freed.
            assert!(
                !unsafe { &*p }.freed.load(SeqCst),
                "freed before the reader's quiescent state"
            );
            q.quiescent();
            q.offline();
        });

        let mut w = domain.register();
        w.online();
        let retired = slot.swap(new, SeqCst) as usize;
        // SAFETY: the closure only sets a flag on a leaked block.
        unsafe {
            w.defer(move || {
                (*(retired as *const Block)).freed.store(true, SeqCst);
            });
        }
        w.flush();
        w.quiescent();
        w.flush();
        reader.join().unwrap();
        w.offline();
        drop(w);
    });
}
