//! # strand-gc
//!
//! The stop-the-world cycle collector of strand, over strand-heap (CPython 3.13t's
//! free-threaded collector, Python/gc_free_threading.c, is the model).
//!
//! Reference counting frees most objects the moment they become garbage, but not
//! objects in reference cycles: each keeps the next one's count above zero. The
//! collector finds them without any list of objects and without pausing allocation
//! on the fast path:
//!
//! 1. **Find** (world stopped): merge every biased-refcount queue so counts are exact;
//!    walk the GC heaps to visit every tracked object; compute
//!    `gc_refs = refcount − references from other GC objects` (in the `ob_tid` word,
//!    restored afterwards) plus the roots higher layers report (deferred references on
//!    interpreter stacks, through registered root sources); mark everything reachable
//!    from an object with `gc_refs > 0`. The rest is unreachable: the collector takes a
//!    reference to each, and clears weak references to them.
//! 2. **Finalize** (world running, since it runs user code): weak-reference callbacks,
//!    then each finalizer at most once per object.
//! 3. **Resurrection** (world stopped): recompute `gc_refs` within the unreachable set;
//!    whatever a finalizer made reachable again is kept.
//! 4. **Free** (world running): break cycles with each type's `clear`, drop the
//!    collector's references so counts fall to zero; objects still alive afterwards
//!    are uncollectable and kept in [`garbage`]. GC-only objects (executors) are freed
//!    here directly.
//!
//! **Scheduling** ([`should_collect`], [`set_threshold`]): a collection is due when
//! the net GC allocations of all threads since the last one (counted per thread and
//! flushed in batches, CPython 3.13t's scheme) pass the threshold and a quarter of the
//! surviving heap; the collector's own frees of its garbage do not count. Threads that
//! allocate far ahead of a running collection wait for it at a safe point
//! ([`should_wait`], [`ASSIST_FACTOR`]), so that garbage made on any number of threads
//! stays bounded, and so do the heap and the pauses.
//!
//! The collector is generic over the vtable in each object header (traverse, clear,
//! finalize, dealloc); weak references come through a [`GcBinding`].
#![warn(missing_docs)]

mod binding;
mod collect;
mod introspect;
mod schedule;
mod stats;
#[cfg(feature = "testing")]
pub mod testing;

pub use binding::{set_binding, GcBinding};
pub use collect::{
    collect, garbage, is_unreachable, save_all, set_save_all, take_garbage, take_object_garbage,
};
pub use introspect::{freeze, freeze_count, objects, referents, referrers, unfreeze};
pub use schedule::{
    count, disable, enable, install, is_enabled, set_threshold, should_collect, should_wait,
    threshold, ASSIST_FACTOR, ASSIST_MIN, ASSIST_WAIT, DEFAULT_THRESHOLD,
};
pub use stats::{
    add_callback, collections, remove_callback, stats, Callback, CallbackId, CollectionStats,
    GcStats, Phase,
};
