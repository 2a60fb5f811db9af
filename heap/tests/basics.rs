//! Single-thread behaviour of the heap: allocation, counting, freelists, statistics,
//! immortal and deferred objects, and deep deallocation chains.

mod common;

use common::*;
use strand_heap::refcount::{self, REF_MERGED};
use strand_heap::{HeapKind, Owned, ThreadState};

#[test]
fn owner_counts_locally_and_frees_at_zero() {
    let _s = serial();
    let _ts = ThreadState::attach_new();
    let base = live_now();
    let p = Probe::new();
    let id = p.id;
    assert_eq!(Owned::refcount(&p), 1);
    let q = p.clone();
    let r = q.clone();
    assert_eq!(Owned::refcount(&p), 3);
    drop(q);
    drop(r);
    assert_eq!(Owned::refcount(&p), 1);
    assert_eq!(times_freed(id), 0);
    assert_eq!(live_now(), base + 1);
    drop(p);
    assert_eq!(times_freed(id), 1);
    assert_eq!(live_now(), base);
}

#[test]
fn freelist_reuses_blocks_and_counts_hits() {
    let _s = serial();
    let _ts = ThreadState::attach_new();
    let before = strand_heap::stats();
    let a = Owned::new(Leaf(1));
    let addr = Owned::as_obj(&a).addr();
    drop(a);
    assert!(strand_heap::freelist_len(HeapKind::NonGc) >= 1);
    let b = Owned::new(Leaf(2));
    assert_eq!(
        Owned::as_obj(&b).addr(),
        addr,
        "the freed block is reused first"
    );
    assert_eq!(b.0, 2);
    let after = strand_heap::stats();
    assert!(after.total_freelist_hits() > before.total_freelist_hits());
    drop(b);
}

#[test]
fn immortal_objects_ignore_counting() {
    let _s = serial();
    let _ts = ThreadState::attach_new();
    let p = Probe::new();
    let id = p.id;
    let obj = Owned::into_obj(p);
    // SAFETY: we own the only reference and have not published the object.
    unsafe {
        refcount::set_immortal(obj);
        for _ in 0..10 {
            refcount::decref(obj);
        }
        refcount::incref(obj);
        assert!(refcount::is_immortal(obj));
    }
    assert_eq!(times_freed(id), 0);
}

#[test]
fn deferred_objects_are_not_freed_by_counting() {
    let _s = serial();
    let _ts = ThreadState::attach_new();
    let p = Probe::new();
    let id = p.id;
    let obj = Owned::into_obj(p);
    // SAFETY: we own one reference throughout.
    unsafe {
        refcount::set_deferred(obj);
        assert_eq!(refcount::refcount(obj), 1);
        refcount::decref(obj);
        assert_eq!(times_freed(id), 0, "deferred objects survive a zero count");
        assert_eq!(refcount::refcount(obj), 0);
        assert_eq!(refcount::shared_state(obj), REF_MERGED);
        // What the collector does for an unreachable deferred object:
        refcount::incref(obj);
        assert_eq!(refcount::clear_deferred(obj), 1);
        refcount::decref(obj);
    }
    assert_eq!(times_freed(id), 1);
}

#[test]
fn a_million_node_chain_deallocates_without_overflowing_the_stack() {
    let _s = serial();
    let handle = std::thread::Builder::new()
        // A small stack: without the trashcan this would overflow after ~1000 levels.
        .stack_size(256 * 1024)
        .spawn(|| {
            let _ts = ThreadState::attach_new();
            let base = live_now();
            let mut head = Probe::new();
            for _ in 0..1_000_000 {
                let node = Probe::new();
                node.children.lock().unwrap().push(head);
                head = node;
            }
            assert_eq!(live_now(), base + 1_000_001);
            drop(head);
            assert_eq!(live_now(), base);
        })
        .unwrap();
    handle.join().unwrap();
}

#[test]
fn raw_memory_can_be_resized_and_freed() {
    let _s = serial();
    let _ts = ThreadState::attach_new();
    let before = strand_heap::stats().live(HeapKind::Raw);
    let p = strand_heap::alloc_raw(10).unwrap();
    // SAFETY: 10 bytes were allocated; realloc keeps the prefix.
    unsafe {
        std::ptr::copy_nonoverlapping(b"0123456789".as_ptr(), p.as_ptr(), 10);
        let q = strand_heap::realloc_raw(p, 1 << 20).unwrap();
        assert_eq!(std::slice::from_raw_parts(q.as_ptr(), 10), b"0123456789");
        strand_heap::free_raw(q);
    }
    assert_eq!(strand_heap::stats().live(HeapKind::Raw), before);
}

#[test]
fn header_offsets_are_exported_for_generated_code() {
    use strand_heap::header::offsets;
    assert_eq!(offsets::HEADER_SIZE, 32);
    assert_eq!(offsets::OB_REF_SHARED, 16);
}
