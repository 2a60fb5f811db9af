//! The collector on graphs of test objects: cycles, finalizers, resurrection, weak
//! references, GC-only objects, uncollectable cycles, deferred objects and roots,
//! statistics, callbacks and scheduling.

use std::sync::{Arc, Mutex, MutexGuard};

use strand_gc::testing::*;
use strand_gc::{CollectionStats, Phase};
use strand_heap::refcount;
use strand_heap::{HeapKind, HeapObject, ObjPtr, Owned, RootStack, ThreadState};

/// Tests share the collector and the heap counters: one at a time, with a thread state
/// attached and automatic collection off so that counts are deterministic.
struct Env {
    _lock: MutexGuard<'static, ()>,
    _ts: ThreadState,
}

fn env() -> Env {
    static LOCK: Mutex<()> = Mutex::new(());
    let lock = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let ts = ThreadState::attach_new();
    install_test_binding();
    strand_gc::disable();
    strand_gc::collect();
    drop(take_resurrected());
    Env {
        _lock: lock,
        _ts: ts,
    }
}

fn ring(n: usize, finalizer: Finalizer) -> Vec<Owned<TestNode>> {
    let nodes: Vec<_> = (0..n).map(|_| TestNode::new(finalizer)).collect();
    for i in 0..n {
        nodes[i].link(&nodes[(i + 1) % n]);
    }
    nodes
}

fn ids(nodes: &[Owned<TestNode>]) -> Vec<u64> {
    nodes.iter().map(|n| n.id).collect()
}

#[test]
fn a_dropped_cycle_is_collected_and_a_held_one_is_not() {
    let _e = env();
    let base = strand_heap::stats().live_objects();
    let garbage = ring(21, Finalizer::None);
    let garbage_ids = ids(&garbage);
    let kept = ring(5, Finalizer::None);
    let kept_counts: Vec<isize> = kept.iter().map(Owned::refcount).collect();
    drop(garbage);
    for id in &garbage_ids {
        assert_eq!(
            record(*id).freed,
            0,
            "reference counting alone cannot free a cycle"
        );
    }
    let stats = strand_gc::collect();
    for id in &garbage_ids {
        assert_eq!(record(*id).freed, 1);
    }
    assert_eq!(stats.collected, 21);
    assert_eq!(stats.unreachable, 21);
    assert_eq!(stats.uncollectable, 0);
    for (n, rc) in kept.iter().zip(kept_counts) {
        n.check();
        assert_eq!(Owned::refcount(n), rc, "a reachable object's count changed");
    }
    assert_eq!(
        strand_gc::collect().collected,
        0,
        "a second collection frees nothing"
    );
    drop(kept);
    strand_gc::collect();
    assert_eq!(strand_heap::stats().live_objects(), base);
}

#[test]
fn self_references_and_objects_reachable_only_from_garbage_are_collected() {
    let _e = env();
    let a = TestNode::new(Finalizer::None);
    a.link(&a);
    let tail = TestNode::new(Finalizer::None);
    a.link(&tail);
    let (ida, idt) = (a.id, tail.id);
    drop(tail);
    drop(a);
    assert_eq!(strand_gc::collect().collected, 2);
    assert_eq!((record(ida).freed, record(idt).freed), (1, 1));
}

#[test]
fn finalizers_run_once_and_resurrection_keeps_what_the_object_reaches() {
    let _e = env();
    let a = TestNode::new(Finalizer::Resurrect);
    let b = TestNode::new(Finalizer::Record);
    a.link(&b);
    b.link(&a);
    let (ida, idb) = (a.id, b.id);
    drop((a, b));
    let stats = strand_gc::collect();
    assert_eq!(stats.finalized, 2);
    assert_eq!(
        stats.resurrected, 2,
        "a resurrected, and b with it (a references b)"
    );
    assert_eq!(stats.collected, 0);
    assert_eq!((record(ida).freed, record(idb).freed), (0, 0));
    let back = take_resurrected();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].id, ida);
    back[0].check();
    assert_eq!(
        back[0].edge_ids(),
        vec![idb],
        "the resurrected object's edges are intact"
    );
    // Drop it again: collected this time, without running the finalizers again.
    drop(back);
    let stats = strand_gc::collect();
    assert_eq!(stats.finalized, 0);
    assert_eq!(stats.collected, 2);
    assert_eq!(
        record(ida),
        NodeRecord {
            freed: 1,
            finalized: 1
        }
    );
    assert_eq!(
        record(idb),
        NodeRecord {
            freed: 1,
            finalized: 1
        }
    );
}

#[test]
fn weakrefs_to_garbage_are_cleared_before_finalizers_and_callbacks_run_after() {
    let _e = env();
    let a = TestNode::new(Finalizer::None);
    let b = TestNode::new(Finalizer::None);
    a.link(&b);
    b.link(&a);
    // Live weak references to b, with and without a callback.
    let w_cb = TestWeak::new(&b, true);
    let w_plain = TestWeak::new(&b, false);
    // a's finalizer looks at b through a weak reference: it must find it cleared.
    a.set_finalizer(Finalizer::ExpectWeakCleared(Owned::as_obj(&w_plain)));
    // A weak reference (with a callback) that is itself part of the garbage.
    let w_garbage = TestWeak::new(&b, true);
    a.hold(&w_garbage);
    drop(w_garbage);
    let ida = a.id;
    drop((a, b));
    let stats = strand_gc::collect();
    assert_eq!(
        record(ida).finalized,
        1,
        "the finalizer ran (and checked the weakref)"
    );
    assert_eq!(stats.collected, 3, "a, b and the garbage weak reference");
    assert!(w_cb.target().is_none() && w_plain.target().is_none());
    assert!(w_cb.fired(), "the callback of a live weakref runs");
    assert!(!w_plain.fired());
    assert_eq!(
        stats.weakref_callbacks, 1,
        "no callback for the garbage weakref"
    );
}

#[test]
fn gc_only_objects_live_while_linked_and_are_freed_once_unlinked() {
    let _e = env();
    let code = TestNode::new(Finalizer::None);
    // The executor references its code (counted); the code references the executor
    // (uncounted, GC-only): the cycle executors always form.
    let exec = TestExecutor::create(vec![code.clone()]);
    code.attach_executor(exec);
    // SAFETY: exec is a live executor.
    let exec_id = unsafe { TestExecutor::get(exec) }.id;
    for _ in 0..3 {
        strand_gc::collect();
        assert!(
            !TestExecutor::was_freed(exec_id),
            "a linked executor must stay"
        );
        // SAFETY: still linked, hence alive.
        unsafe { TestExecutor::get(exec) }.check();
    }
    // Unlink it: nothing references the executor any more.
    code.detach_executors();
    let stats = strand_gc::collect();
    assert!(TestExecutor::was_freed(exec_id));
    assert_eq!(stats.collected, 1);
    code.check();
    assert_eq!(
        Owned::refcount(&code),
        1,
        "the executor's reference to the code was dropped"
    );
    // Executor and code both garbage: both freed.
    let exec2 = TestExecutor::create(vec![code.clone()]);
    code.attach_executor(exec2);
    // SAFETY: live executor.
    let exec2_id = unsafe { TestExecutor::get(exec2) }.id;
    let code_id = code.id;
    drop(code);
    let stats = strand_gc::collect();
    assert_eq!(stats.collected, 2);
    assert!(TestExecutor::was_freed(exec2_id));
    assert_eq!(record(code_id).freed, 1);
}

/// A node whose clear does not drop its references: cycles of these cannot be broken.
struct Sticky {
    next: Mutex<Option<Owned<Sticky>>>,
}

// SAFETY: traverse reports the one counted reference.
unsafe impl HeapObject for Sticky {
    const NAME: &'static str = "Sticky";
    const KIND: HeapKind = HeapKind::Gc;
    fn traverse(&self, visit: &mut dyn FnMut(ObjPtr)) {
        if let Some(n) = &*self.next.lock().unwrap() {
            visit(Owned::as_obj(n));
        }
    }
}

#[test]
fn cycles_that_clear_cannot_break_are_uncollectable_not_freed() {
    let _e = env();
    let a = Owned::new(Sticky {
        next: Mutex::new(None),
    });
    let b = Owned::new(Sticky {
        next: Mutex::new(Some(a.clone())),
    });
    *a.next.lock().unwrap() = Some(b.clone());
    let (oa, ob) = (Owned::as_obj(&a), Owned::as_obj(&b));
    drop((a, b));
    let stats = strand_gc::collect();
    assert_eq!(stats.uncollectable, 2);
    assert_eq!(stats.collected, 0);
    let garbage = strand_gc::take_garbage();
    assert!(garbage.contains(&oa) && garbage.contains(&ob));
    // Break the cycle by hand and release the collector's references.
    // SAFETY: the garbage list held references to both.
    unsafe {
        let a = Owned::<Sticky>::from_obj(oa);
        let b = Owned::<Sticky>::from_obj(ob);
        a.next.lock().unwrap().take();
        b.next.lock().unwrap().take();
    }
    assert_eq!(strand_gc::collect().uncollectable, 0);
}

#[test]
fn deferred_objects_are_kept_by_roots_and_freed_when_unreachable() {
    let _e = env();
    let ts = ThreadState::new(); // root sources hang off a thread state
    let roots = Arc::new(RootStack::new());
    let id = ts.add_root_source(roots.clone());
    let f = TestNode::new(Finalizer::None);
    let fid = f.id;
    let obj = Owned::into_obj(f);
    // SAFETY: we own the reference; from now on the stack's reference is uncounted.
    unsafe {
        refcount::set_deferred(obj);
        roots.push(obj);
        refcount::decref(obj);
    }
    assert_eq!(
        strand_gc::collect().collected,
        0,
        "a root keeps a deferred object"
    );
    assert_eq!(record(fid).freed, 0);
    roots.pop();
    assert_eq!(
        strand_gc::collect().collected,
        1,
        "an unrooted deferred object is garbage"
    );
    assert_eq!(record(fid).freed, 1);
    assert!(ts.remove_root_source(id));
}

#[test]
fn statistics_and_callbacks_describe_each_collection() {
    let _e = env();
    let seen = Arc::new(Mutex::new(Vec::<(Phase, CollectionStats)>::new()));
    let s2 = seen.clone();
    let cb = strand_gc::add_callback(Arc::new(move |p, s| {
        s2.lock().unwrap().push((p, s.clone()))
    }));
    let before = strand_gc::collections();
    drop(ring(10, Finalizer::None));
    let stats = strand_gc::collect();
    assert_eq!(strand_gc::collections(), before + 1);
    assert!(stats.visited >= 10);
    assert!(stats.pause > std::time::Duration::ZERO && stats.pause <= stats.total);
    let seen_now = seen.lock().unwrap().clone();
    assert_eq!(seen_now.len(), 2);
    assert_eq!(seen_now[0].0, Phase::Start);
    assert_eq!(seen_now[1], (Phase::Stop, stats.clone()));
    let totals = strand_gc::stats();
    assert_eq!(totals.last, Some(stats));
    assert!(strand_gc::remove_callback(cb));
}

#[test]
fn automatic_collection_runs_at_a_safepoint_once_the_threshold_is_passed() {
    let _e = env();
    let old = strand_gc::threshold();
    strand_gc::set_threshold(700);
    strand_gc::enable();
    let before = strand_gc::collections();
    let garbage_ids: Vec<u64> = (0..100)
        .flat_map(|_| {
            let r = ring(21, Finalizer::None);
            let ids = ids(&r);
            drop(r);
            let _ = strand_heap::safepoint();
            ids
        })
        .collect();
    assert!(
        strand_gc::collections() > before,
        "no automatic collection ran"
    );
    strand_gc::disable();
    strand_gc::set_threshold(old);
    strand_gc::collect();
    for id in garbage_ids {
        assert_eq!(record(id).freed, 1);
    }
}

#[test]
fn disabled_collection_does_not_run_automatically() {
    let _e = env();
    strand_gc::set_threshold(100);
    assert!(!strand_gc::is_enabled());
    let before = strand_gc::collections();
    for _ in 0..50 {
        drop(ring(21, Finalizer::None));
        let _ = strand_heap::safepoint();
    }
    assert_eq!(strand_gc::collections(), before);
    strand_gc::set_threshold(strand_gc::DEFAULT_THRESHOLD);
    strand_gc::collect();
}

#[test]
fn a_collection_from_inside_a_finalizer_returns_at_once() {
    let _e = env();
    let r = ring(3, Finalizer::CollectInside);
    let ids = ids(&r);
    drop(r);
    let stats = strand_gc::collect();
    assert_eq!(stats.finalized, 3);
    assert_eq!(stats.collected, 3);
    for id in ids {
        assert_eq!(
            record(id),
            NodeRecord {
                freed: 1,
                finalized: 1
            }
        );
    }
}
