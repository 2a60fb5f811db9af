//! QSBR delayed frees: memory retired while a pinned thread may still read it is not
//! freed until that thread passes a quiescent state; lock-free readers of shared
//! objects get a failed `try_incref` (not a crash) on objects being freed.

mod common;

use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use strand_heap::{ObjPtr, ObjectHeader, Owned, ThreadState};

const MAGIC: u64 = 0xfeed_face_dead_beef;

fn new_block() -> NonNull<u8> {
    let p = strand_heap::alloc_raw(64).unwrap();
    // SAFETY: 64 fresh bytes; the magic is in the first word, which mimalloc's free
    // list link overwrites when the block is freed.
    unsafe { (p.as_ptr() as *mut u64).write(MAGIC) };
    p
}

fn reclaim_until(pred: impl Fn() -> bool) -> bool {
    for _ in 0..1000 {
        strand_heap::qsbr_flush();
        strand_heap::safepoint();
        if pred() {
            return true;
        }
        strand_heap::with_detached(|| std::thread::sleep(Duration::from_millis(1)));
    }
    false
}

#[test]
fn delayed_free_waits_for_a_pinned_reader_to_pass_a_quiescent_state() {
    let _s = serial();
    within(60, || {
        let ts = ThreadState::attach_new();
        let slot = Arc::new(AtomicPtr::new(new_block().as_ptr()));
        let loaded = Arc::new(AtomicBool::new(false));
        let release = Arc::new(AtomicBool::new(false));
        let checked = Arc::new(AtomicUsize::new(0));
        let reader = {
            let (slot, loaded, release, checked) = (
                slot.clone(),
                loaded.clone(),
                release.clone(),
                checked.clone(),
            );
            std::thread::spawn(move || {
                let _t = ThreadState::attach_new();
                let p = slot.load(SeqCst) as *const u64;
                loaded.store(true, SeqCst);
                // Attached, pinned, and never at a safe point while it holds `p`.
                while !release.load(SeqCst) {
                    // SAFETY: `p` was loaded while pinned; QSBR keeps it allocated until
                    // this thread passes a quiescent state.
                    let word = unsafe { p.read_volatile() };
                    assert_eq!(word, MAGIC, "block freed under a reader");
                    checked.fetch_add(1, SeqCst);
                    std::hint::spin_loop();
                }
                strand_heap::safepoint(); // quiescent: `p` is dead to us now
            })
        };
        while !loaded.load(SeqCst) {
            std::hint::spin_loop();
        }
        let old = slot.swap(new_block().as_ptr(), SeqCst);
        let pending_before = strand_heap::stats().delayed_frees_pending;
        // SAFETY: `old` is unlinked; only readers that loaded it earlier may use it.
        unsafe { strand_heap::free_delayed(NonNull::new(old).unwrap()) };
        assert_eq!(
            strand_heap::stats().delayed_frees_pending,
            pending_before + 1
        );
        // Try hard to reclaim while the reader is still pinned: nothing may be freed.
        for _ in 0..200 {
            strand_heap::qsbr_flush();
            strand_heap::safepoint();
            // Allocate same-size blocks so a freed block would be reused and scribbled on.
            let b = new_block();
            // SAFETY: just allocated.
            unsafe { strand_heap::free_raw(b) };
        }
        assert_eq!(
            strand_heap::stats().delayed_frees_pending,
            pending_before + 1
        );
        assert!(checked.load(SeqCst) > 0);
        release.store(true, SeqCst);
        strand_heap::with_detached(|| reader.join().unwrap());
        assert!(
            reclaim_until(|| strand_heap::stats().delayed_frees_pending == pending_before),
            "the delayed free ran once the reader was quiescent"
        );
        // SAFETY: the current block is ours to free.
        unsafe { strand_heap::free_raw(NonNull::new(slot.load(SeqCst)).unwrap()) };
        drop(ts);
    });
}

#[test]
fn detaching_is_a_quiescent_state() {
    let _s = serial();
    within(60, || {
        let ts = ThreadState::attach_new();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<()>();
        // A thread that attaches and then blocks detached for the whole test.
        let h = std::thread::spawn(move || {
            let _t = ThreadState::attach_new();
            ready_tx.send(()).unwrap();
            strand_heap::with_detached(|| rx.recv().unwrap());
        });
        strand_heap::with_detached(|| ready_rx.recv().unwrap());
        let pending = strand_heap::stats().delayed_frees_pending;
        // SAFETY: a fresh block nobody else can reach.
        unsafe { strand_heap::free_delayed(new_block()) };
        assert!(
            reclaim_until(|| strand_heap::stats().delayed_frees_pending == pending),
            "a detached thread must not hold back reclamation"
        );
        tx.send(()).unwrap();
        strand_heap::with_detached(|| h.join().unwrap());
        drop(ts);
    });
}

#[test]
fn try_incref_fails_on_a_shared_object_whose_count_reached_zero() {
    let _s = serial();
    within(60, || {
        let ts = ThreadState::attach_new();
        let p = Probe::new();
        let id = p.id;
        let obj = Owned::as_obj(&p);
        let slot: Arc<AtomicPtr<ObjectHeader>> = Arc::new(AtomicPtr::new(obj.as_ptr()));
        // SAFETY: we hold a reference.
        unsafe { strand_heap::refcount::mark_shared(obj) };
        let (loaded_tx, loaded_rx) = std::sync::mpsc::channel::<()>();
        let (dropped_tx, dropped_rx) = std::sync::mpsc::channel::<()>();
        let reader = {
            let slot = slot.clone();
            std::thread::spawn(move || {
                let _t = ThreadState::attach_new();
                let raw = ObjPtr::from_raw(slot.load(SeqCst)).unwrap();
                // While the object is alive, the lock-free read succeeds.
                // SAFETY: shared object, slot writers follow the protocol, attached.
                let got = unsafe { strand_heap::refcount::try_incref_compare(&slot) }.unwrap();
                assert_eq!(got, raw);
                // SAFETY: we own the reference try_incref_compare took.
                unsafe { strand_heap::decref(got) };
                loaded_tx.send(()).unwrap();
                // Wait without passing a quiescent state: `raw` must stay readable.
                while dropped_rx.try_recv().is_err() {
                    std::hint::spin_loop();
                }
                // SAFETY: QSBR keeps the memory allocated; the count is zero.
                let revived = unsafe { strand_heap::try_incref(raw) };
                assert!(!revived, "try_incref revived a dead object");
            })
        };
        strand_heap::with_detached(|| loaded_rx.recv().unwrap());
        slot.store(std::ptr::null_mut(), SeqCst);
        drop(p);
        assert_eq!(times_freed(id), 1, "the object's contents were released");
        dropped_tx.send(()).unwrap();
        strand_heap::with_detached(|| reader.join().unwrap());
        drop(ts);
    });
}

#[test]
fn free_object_delayed_keeps_the_header_readable_for_a_grace_period() {
    let _s = serial();
    within(30, || {
        let ts = ThreadState::attach_new();
        let base = live_now();
        let pending = strand_heap::stats().delayed_frees_pending;
        let p = Leaf::new_shared();
        drop(p);
        assert_eq!(live_now(), base, "the object counts as freed at once");
        assert_eq!(strand_heap::stats().delayed_frees_pending, pending + 1);
        assert!(reclaim_until(
            || strand_heap::stats().delayed_frees_pending == pending
        ));
        drop(ts);
    });
}

trait NewShared {
    fn new_shared() -> Owned<Leaf>;
}

impl NewShared for Leaf {
    fn new_shared() -> Owned<Leaf> {
        let p = Owned::new(Leaf(7));
        // SAFETY: we hold a reference.
        unsafe { strand_heap::refcount::mark_shared(Owned::as_obj(&p)) };
        p
    }
}

/// A burst of retirements with no safe point in between (the collector freeing a big
/// cycle), then only safe points, on two busy threads: the burst is reclaimed by the
/// safe points alone, without a later flush or further retirements (issue 18: such
/// bursts waited for the next burst, 512 at a time, and piled up). The burst passes
/// the pending limit, so it also starts a forced quiescence point.
#[test]
fn a_burst_of_delayed_frees_is_reclaimed_by_later_safe_points_alone() {
    let _s = serial();
    within(120, || {
        let ts = ThreadState::attach_new();
        // Reclaim what earlier tests left.
        reclaim_until(|| strand_heap::stats().delayed_frees_pending == 0);
        let before = strand_heap::stats();
        let stop = Arc::new(AtomicBool::new(false));
        let busy = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let _t = ThreadState::attach_new();
                // An interpreter thread running Python code: safe points, nothing else.
                while !stop.load(SeqCst) {
                    strand_heap::safepoint();
                }
            })
        };
        let burst = strand_heap::qsbr::PENDING_LIMIT + 30_000;
        for _ in 0..burst {
            let b = strand_heap::alloc_raw(48).unwrap();
            // SAFETY: a fresh block nobody else can reach.
            unsafe { strand_heap::free_delayed(b) };
        }
        let after_burst = strand_heap::stats();
        assert!(after_burst.delayed_frees_pending >= burst as u64 / 2);
        assert_eq!(
            after_burst.delayed_frees,
            before.delayed_frees + burst as u64
        );
        assert!(
            after_burst.qsbr_forced > before.qsbr_forced,
            "passing the pending limit starts a forced quiescence point"
        );
        let mut safepoints = 0u64;
        while strand_heap::stats().delayed_frees_pending != 0 && safepoints < 10_000_000 {
            strand_heap::safepoint();
            safepoints += 1;
        }
        stop.store(true, SeqCst);
        strand_heap::with_detached(|| busy.join().unwrap());
        let end = strand_heap::stats();
        assert_eq!(
            end.delayed_frees_pending, 0,
            "the burst was reclaimed at safe points ({safepoints} of them)"
        );
        assert!(end.delayed_frees_peak >= burst as u64 / 2);
        drop(ts);
    });
}
