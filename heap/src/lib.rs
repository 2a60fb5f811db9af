//! # strand-heap
//!
//! The managed heap at the centre of strand, a free-threaded runtime: memory that many
//! threads allocate, share and free at once, with no global lock, and that a cycle
//! collector (strand-gc) can walk.
//!
//! The problem it solves: in a runtime without a GIL, every object may be reached from
//! any thread. Counting references with atomic instructions on every copy would make
//! single-threaded code several times slower and make threads fight over the cache
//! lines of shared objects; freeing memory that another thread is reading without a
//! lock would crash; finding cycles needs every object, not just the roots.
//!
//! The mechanisms, each in its own module (CPython's free-threaded build, PEP 703, is
//! the model throughout):
//!
//! * **Thread states** ([`thread`]): every thread that touches the heap is *attached*
//!   through a [`ThreadState`]; blocking threads detach. [`stop_the_world`] parks all
//!   attached threads at their next [`safepoint`] ([`stw`]); the eval breaker
//!   ([`EvalBreaker`]) carries requests to a thread.
//! * **Per-thread mimalloc heaps** ([`alloc`]): one mimalloc v3 heap per
//!   [`HeapKind`], allocated from through each thread's own theap; heap walks find every
//!   object, including those of exited threads ([`visit_gc_objects`]).
//! * **The object header** ([`header`]): `ob_tid`, flags, a one-byte mutex
//!   ([`mutex`]), GC bits, the local and shared counts and the type's [`TypeVTable`].
//! * **Biased reference counting** ([`refcount`], [`brc`]): the owner counts without
//!   atomics, others atomically; merge queues reconcile the two.
//! * **Immortal and deferred objects** ([`refcount::set_immortal`],
//!   [`refcount::set_deferred`], [`RootSource`]).
//! * **QSBR delayed frees** ([`qsbr`], [`free_delayed`], [`free_object_delayed`]) on
//!   crossbeam-epoch: memory that lock-free readers may hold is freed after every
//!   thread has passed a quiescent state. Busy threads reclaim at their safe points,
//!   and a forced quiescence point caps the pending frees ([`qsbr::PENDING_LIMIT`]).
//! * **Allocation counting** for the collector's scheduler ([`gc_count`]).
//! * **Freelists** ([`freelist`]) and **statistics** ([`stats()`],
//!   [`check_live_objects`]).
//!
//! The unsafe core works on [`ObjPtr`]s; [`Owned`] and [`Borrowed`] are the safe API for
//! Rust values ([`HeapObject`]).
//!
//! ## Rules for users
//!
//! * Touch the heap only from an OS thread with an attached [`ThreadState`].
//! * Call [`safepoint`] regularly while attached, and detach ([`with_detached`]) around
//!   anything that blocks; otherwise stop-the-world and QSBR wait for you.
//! * Heap walks and the collector run with the world stopped ([`StwGuard`]).
#![warn(missing_docs)]

pub mod header;
pub mod qsbr;
pub mod refcount;
mod sync;

#[cfg(not(loom))]
pub mod alloc;
#[cfg(not(loom))]
pub mod biased_lock;
#[cfg(not(loom))]
pub mod brc;
#[cfg(not(loom))]
pub mod critical_section;
#[cfg(not(loom))]
pub mod dealloc;
#[cfg(not(loom))]
mod eval_breaker;
#[cfg(not(loom))]
pub mod freelist;
#[cfg(not(loom))]
pub mod gc_count;
#[cfg(not(loom))]
pub mod local_refs;
#[cfg(not(loom))]
pub mod mutex;
#[cfg(not(loom))]
mod object;
#[cfg(not(loom))]
mod roots;
#[cfg(not(loom))]
mod stats;
#[cfg(not(loom))]
pub mod stw;
#[cfg(all(not(loom), feature = "testing"))]
pub mod testing;
#[cfg(not(loom))]
pub mod thread;

pub use header::{GcBits, HeapKind, ObFlags, ObjPtr, ObjectHeader, TraverseFn, TypeVTable};

#[cfg(not(loom))]
pub use alloc::{
    alloc_object, alloc_object_sized, alloc_raw, free_delayed, free_object, free_object_delayed,
    free_object_sized, free_raw, freelist_len, preheader, qsbr_flush, realloc_raw,
    try_alloc_object, visit_gc_objects, visit_objects, PREHEADER_SIZE,
};
#[cfg(not(loom))]
pub use brc::merge_all_queues;
#[cfg(not(loom))]
pub use eval_breaker::{
    clear_pending, eval_breaker_word, pending, request_pending, request_pending_all, safepoint,
    set_pending_handler, EvalBreaker,
};
#[cfg(not(loom))]
pub use object::{vtable_of, Borrowed, HeapCell, HeapObject, Owned};
#[cfg(not(loom))]
pub use refcount::{decref, incref, is_uniquely_referenced, try_incref};
#[cfg(not(loom))]
pub use roots::{
    add_global_root_source, remove_global_root_source, visit_roots, RootSource, RootSourceId,
    RootStack,
};
#[cfg(not(loom))]
pub use stats::{check_live_objects, stats, HeapStats, LeakError};
#[cfg(not(loom))]
pub use stw::{defer_dealloc_until_restart, is_world_stopped_by_me, stop_the_world, StwGuard};
#[cfg(not(loom))]
pub use thread::{
    add_current_root_source, current_thread_id, is_attached, is_owned_by_current_thread,
    with_detached, EvalBreakerHandle, ThreadId, ThreadState,
};

/// The process-wide QSBR domain all thread states register with.
#[cfg(not(loom))]
pub(crate) fn qsbr_domain() -> &'static qsbr::Qsbr {
    static DOMAIN: std::sync::LazyLock<qsbr::Qsbr> = std::sync::LazyLock::new(qsbr::Qsbr::new);
    &DOMAIN
}
