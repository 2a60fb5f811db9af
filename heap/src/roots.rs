//! Roots that higher layers report to the collector.
//!
//! With deferred reference counting ([`crate::refcount::set_deferred`]) an interpreter
//! keeps references to hot shared objects (functions, code, types, modules) on its
//! stacks without counting them. The collector must still see them, so each thread
//! registers [`RootSource`]s that enumerate such references, and the collector calls
//! [`visit_roots`] with the world stopped. The same mechanism serves objects a thread
//! pins for a while (a running executor, a native frame's temporaries): CPython scans
//! thread stacks in `gc_free_threading.c` for the same reason.

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, LazyLock};

use parking_lot::Mutex;

use crate::header::ObjPtr;
use crate::stw::StwGuard;
use crate::thread::ThreadId;

/// Something that holds references the collector must treat as roots: typically
/// uncounted references to deferred objects on an interpreter's stack.
///
/// `visit_roots` is called with the world stopped, on the collecting thread; it must
/// call `visit` once per reference it holds and must not allocate, free or change
/// reference counts.
pub trait RootSource: Send + Sync {
    /// Reports each root.
    fn visit_roots(&self, visit: &mut dyn FnMut(ObjPtr));
}

/// The key of a registered root source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RootSourceId(u64);

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A list of root sources (one per thread, and one process-wide).
#[derive(Default)]
pub(crate) struct RootList {
    sources: Mutex<Vec<(u64, Arc<dyn RootSource>)>>,
}

impl RootList {
    pub(crate) fn add(&self, source: Arc<dyn RootSource>) -> RootSourceId {
        let id = NEXT_ID.fetch_add(1, Relaxed);
        self.sources.lock().push((id, source));
        RootSourceId(id)
    }

    pub(crate) fn remove(&self, id: RootSourceId) -> bool {
        let mut sources = self.sources.lock();
        let before = sources.len();
        sources.retain(|(i, _)| *i != id.0);
        sources.len() != before
    }

    fn visit(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for (_, source) in self.sources.lock().iter() {
            source.visit_roots(visit);
        }
    }
}

static GLOBAL_ROOTS: LazyLock<RootList> = LazyLock::new(RootList::default);

/// Registers a process-wide root source (not tied to a thread), for example a module
/// table held by an embedding.
pub fn add_global_root_source(source: Arc<dyn RootSource>) -> RootSourceId {
    GLOBAL_ROOTS.add(source)
}

/// Unregisters a process-wide root source.
pub fn remove_global_root_source(id: RootSourceId) -> bool {
    GLOBAL_ROOTS.remove(id)
}

/// Reports every root of every registered thread (with its id) and every process-wide
/// root (with `None`). The world must be stopped.
pub fn visit_roots(_world: &StwGuard, visit: &mut dyn FnMut(Option<ThreadId>, ObjPtr)) {
    crate::thread::with_registry(|threads| {
        for t in threads {
            let tid = ThreadId(t.tid);
            t.roots.visit(&mut |obj| visit(Some(tid), obj));
        }
    });
    GLOBAL_ROOTS.visit(&mut |obj| visit(None, obj));
}

/// A ready-made root source: a stack of uncounted references, for code that keeps
/// deferred objects alive by position rather than by count (and for tests).
#[derive(Default)]
pub struct RootStack {
    items: Mutex<Vec<ObjPtr>>,
}

impl RootStack {
    /// An empty stack.
    pub fn new() -> RootStack {
        RootStack::default()
    }

    /// Pushes an uncounted reference.
    pub fn push(&self, obj: ObjPtr) {
        self.items.lock().push(obj);
    }

    /// Pops the most recent reference.
    pub fn pop(&self) -> Option<ObjPtr> {
        self.items.lock().pop()
    }

    /// Removes every occurrence of `obj`; returns how many there were.
    pub fn remove(&self, obj: ObjPtr) -> usize {
        let mut items = self.items.lock();
        let before = items.len();
        items.retain(|o| *o != obj);
        before - items.len()
    }

    /// Number of references held.
    pub fn len(&self) -> usize {
        self.items.lock().len()
    }

    /// `true` if empty.
    pub fn is_empty(&self) -> bool {
        self.items.lock().is_empty()
    }
}

impl RootSource for RootStack {
    fn visit_roots(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for obj in self.items.lock().iter() {
            visit(*obj);
        }
    }
}
