//! Heap introspection for the `gc` module (Modules/gcmodule.c's `get_objects`,
//! `get_referrers`, `freeze`): each walks the GC heaps with the world stopped.

use strand_heap::refcount::{incref, is_immortal};
use strand_heap::{GcBits, ObjPtr};

use crate::collect::{bits, gc_only, set_bits, traverse};

/// Every tracked Python object (GC-only objects left out), each with a new reference
/// for the caller, in heap order. Frozen objects are included, as in CPython.
pub fn objects() -> Vec<ObjPtr> {
    let mut out = Vec::new();
    let world = strand_heap::stop_the_world();
    strand_heap::visit_gc_objects(&world, &mut |obj| {
        if bits(obj).contains(GcBits::TRACKED) && !gc_only(obj) {
            out.push(obj);
        }
    });
    // SAFETY: the walk reported them alive and the world is stopped, so nothing
    // frees them before these references are taken.
    unsafe { take_references(&out) };
    drop(world);
    out
}

/// The tracked Python objects that refer (through their traverse function) to any of
/// `targets`, each with a new reference for the caller.
pub fn referrers(targets: &[ObjPtr]) -> Vec<ObjPtr> {
    let mut out = Vec::new();
    let world = strand_heap::stop_the_world();
    strand_heap::visit_gc_objects(&world, &mut |obj| {
        if !bits(obj).contains(GcBits::TRACKED) || gc_only(obj) {
            return;
        }
        let mut hit = false;
        traverse(obj, &mut |t| hit |= targets.contains(&t));
        if hit {
            out.push(obj);
        }
    });
    // SAFETY: as in `objects`.
    unsafe { take_references(&out) };
    drop(world);
    out
}

/// The objects `obj`'s traverse function reports (its direct references), each with a
/// new reference for the caller; none for an untracked object.
///
/// # Safety
/// `obj` must be alive for the call.
pub unsafe fn referents(obj: ObjPtr) -> Vec<ObjPtr> {
    let mut out = Vec::new();
    if !bits(obj).contains(GcBits::TRACKED) {
        return out;
    }
    traverse(obj, &mut |t| out.push(t));
    out.retain(|&t| !gc_only(t));
    // SAFETY: `obj` holds a reference to each, and the caller keeps `obj` alive.
    unsafe { take_references(&out) };
    out
}

/// Takes a new reference to each of `objs` (immortal ones need none).
///
/// # Safety
/// Every object of `objs` must stay alive until its reference is taken.
unsafe fn take_references(objs: &[ObjPtr]) {
    for &obj in objs {
        // SAFETY: alive by the caller's contract.
        unsafe {
            if !is_immortal(obj) {
                incref(obj);
            }
        }
    }
}

/// `gc.freeze()`: marks every tracked object frozen, so collections ignore it (and
/// everything it references stays alive with it).
pub fn freeze() {
    let world = strand_heap::stop_the_world();
    strand_heap::visit_gc_objects(&world, &mut |obj| {
        let b = bits(obj);
        if b.contains(GcBits::TRACKED) && !gc_only(obj) {
            set_bits(obj, b | GcBits::FROZEN);
        }
    });
    drop(world);
}

/// `gc.unfreeze()`: clears the frozen mark of every object.
pub fn unfreeze() {
    let world = strand_heap::stop_the_world();
    strand_heap::visit_gc_objects(&world, &mut |obj| {
        let b = bits(obj);
        if b.contains(GcBits::FROZEN) {
            set_bits(obj, b - GcBits::FROZEN);
        }
    });
    drop(world);
}

/// `gc.get_freeze_count()`: how many objects are frozen.
pub fn freeze_count() -> usize {
    let mut n = 0;
    let world = strand_heap::stop_the_world();
    strand_heap::visit_gc_objects(&world, &mut |obj| {
        if bits(obj).contains(GcBits::FROZEN) {
            n += 1;
        }
    });
    drop(world);
    n
}
