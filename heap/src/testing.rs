//! A model of biased reference counting over several logical threads, shared by the
//! proptest suite (`tests/refcount_model.rs`) and the `heap_ops` fuzz target.
//!
//! [`Model`] drives up to [`THREADS`] thread states from the calling OS thread (swapping
//! which one is attached, the way tests are meant to use [`ThreadState::attach`]) and
//! applies [`Op`]s: allocations, increments and decrements, references handed from
//! one logical thread to another, publication for lock-free reads, `try_incref`,
//! detach/attach, safe points, thread exit and spawn, and stop-the-world. Next to the
//! heap it keeps the true count of every object and who holds each reference, and after
//! every step [`Model::check`] asserts that:
//!
//! * an object is freed exactly once, and only when its true count is zero;
//! * every object with a nonzero count is alive and `refcount()` equals the true count;
//! * an object with count zero that is not yet freed is waiting in exactly one merge
//!   queue (its state bits say `REF_QUEUED`): nothing is lost;
//! * a thread's merge queue only holds objects it owns (or that were merged since);
//! * the live-object counters equal the number of unfreed objects.
//!
//! At the end, [`Model::finish`] drops every reference, drains the queues and checks
//! that everything was freed and the leak check passes.

use std::cell::RefCell;
use std::collections::HashSet;

use crate::header::{HeapKind, ObjPtr};
use crate::refcount::{self, REF_QUEUED};
use crate::{HeapObject, Owned, ThreadState};

/// Number of logical thread slots.
pub const THREADS: usize = 4;

/// One step of a model run. Thread and reference indices are taken modulo what exists,
/// so every sequence of operations is valid.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Op {
    /// Allocate an object of `kind` (raw is mapped to non-GC) on `thread`.
    Alloc {
        /// Thread slot.
        thread: u8,
        /// Heap kind.
        kind: HeapKind,
    },
    /// `thread` duplicates its `r`-th reference.
    Incref {
        /// Thread slot.
        thread: u8,
        /// Reference index.
        r: u16,
    },
    /// `thread` drops its `r`-th reference.
    Decref {
        /// Thread slot.
        thread: u8,
        /// Reference index.
        r: u16,
    },
    /// `from` hands its `r`-th reference to `to` (no count change).
    Handoff {
        /// Giving thread slot.
        from: u8,
        /// Receiving thread slot.
        to: u8,
        /// Reference index.
        r: u16,
    },
    /// `thread` publishes the object of its `r`-th reference for lock-free readers.
    MarkShared {
        /// Thread slot.
        thread: u8,
        /// Reference index.
        r: u16,
    },
    /// `thread` tries to take a reference to live object number `obj` without
    /// holding one (a lock-free reader).
    TryIncref {
        /// Thread slot.
        thread: u8,
        /// Index among live objects.
        obj: u16,
    },
    /// Detach `thread` if attached.
    Detach {
        /// Thread slot.
        thread: u8,
    },
    /// Attach `thread` (swapping out the attached one).
    Attach {
        /// Thread slot.
        thread: u8,
    },
    /// `thread` reaches a safe point.
    Safepoint {
        /// Thread slot.
        thread: u8,
    },
    /// `thread` exits after handing its references to the next live thread.
    Exit {
        /// Thread slot.
        thread: u8,
    },
    /// A new thread state fills slot `thread` if it is empty.
    Spawn {
        /// Thread slot.
        thread: u8,
    },
    /// `thread` stops the world, walks the heap, optionally merges every queue, and
    /// restarts it.
    StopTheWorld {
        /// Thread slot.
        thread: u8,
        /// Also drain every merge queue.
        merge_all: bool,
    },
}

thread_local! {
    static FREED_LOG: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

macro_rules! model_type {
    ($name:ident, $kind:expr) => {
        /// An object of the model; records its deallocation.
        pub struct $name(u64);

        impl Drop for $name {
            fn drop(&mut self) {
                FREED_LOG.with(|l| l.borrow_mut().push(self.0));
            }
        }

        // SAFETY: holds no heap references.
        unsafe impl HeapObject for $name {
            const NAME: &'static str = stringify!($name);
            const KIND: HeapKind = $kind;
        }
    };
}

model_type!(ModelGc, HeapKind::Gc);
model_type!(ModelPreheader, HeapKind::GcPreheader);
model_type!(ModelNonGc, HeapKind::NonGc);

struct ModelObject {
    obj: ObjPtr,
    kind: HeapKind,
    count: usize,
    freed: bool,
    shared: bool,
}

/// The model state. See the module docs.
pub struct Model {
    threads: Vec<Option<ThreadState>>,
    /// `held[t]` lists the object index of each reference slot `t` holds.
    held: Vec<Vec<usize>>,
    objects: Vec<ModelObject>,
    live_base: i64,
    steps: usize,
}

impl Default for Model {
    fn default() -> Self {
        Self::new()
    }
}

impl Model {
    /// A model with every thread slot filled and none attached. The calling OS thread
    /// must have no attached thread state of its own.
    pub fn new() -> Model {
        assert!(
            !crate::is_attached(),
            "run the model on a thread with no attached state"
        );
        FREED_LOG.with(|l| l.borrow_mut().clear());
        Model {
            threads: (0..THREADS).map(|_| Some(ThreadState::new())).collect(),
            held: vec![Vec::new(); THREADS],
            objects: Vec::new(),
            live_base: crate::stats().live_objects(),
            steps: 0,
        }
    }

    /// Runs `ops`, checking after each, then [`Model::finish`].
    pub fn run(ops: &[Op]) {
        let mut model = Model::new();
        for op in ops {
            model.apply(op);
            model.check();
        }
        model.finish();
    }

    fn slot(&self, t: u8) -> usize {
        t as usize % THREADS
    }

    /// Attaches slot `t`'s thread state, or returns false if the slot is empty.
    fn enter(&mut self, t: usize) -> bool {
        match &self.threads[t] {
            Some(ts) => {
                ts.attach();
                true
            }
            None => false,
        }
    }

    fn live_thread_after(&self, t: usize) -> Option<usize> {
        (1..THREADS)
            .map(|d| (t + d) % THREADS)
            .find(|&u| self.threads[u].is_some())
    }

    /// Applies one operation.
    pub fn apply(&mut self, op: &Op) {
        self.steps += 1;
        match *op {
            Op::Alloc { thread, kind } => {
                let t = self.slot(thread);
                if !self.enter(t) {
                    return;
                }
                let id = self.objects.len() as u64;
                let (obj, kind) = match kind {
                    HeapKind::Gc => (Owned::into_obj(Owned::new(ModelGc(id))), HeapKind::Gc),
                    HeapKind::GcPreheader => (
                        Owned::into_obj(Owned::new(ModelPreheader(id))),
                        HeapKind::GcPreheader,
                    ),
                    HeapKind::NonGc | HeapKind::Raw => {
                        (Owned::into_obj(Owned::new(ModelNonGc(id))), HeapKind::NonGc)
                    }
                };
                self.objects.push(ModelObject {
                    obj,
                    kind,
                    count: 1,
                    freed: false,
                    shared: false,
                });
                self.held[t].push(id as usize);
            }
            Op::Incref { thread, r } => {
                let t = self.slot(thread);
                if self.held[t].is_empty() || !self.enter(t) {
                    return;
                }
                let o = self.held[t][r as usize % self.held[t].len()];
                // SAFETY: thread t holds a reference to o.
                unsafe { refcount::incref(self.objects[o].obj) };
                self.objects[o].count += 1;
                self.held[t].push(o);
            }
            Op::Decref { thread, r } => {
                let t = self.slot(thread);
                if self.held[t].is_empty() || !self.enter(t) {
                    return;
                }
                let i = r as usize % self.held[t].len();
                let o = self.held[t].swap_remove(i);
                self.objects[o].count -= 1;
                // SAFETY: thread t owned this reference and gives it up.
                unsafe { refcount::decref(self.objects[o].obj) };
            }
            Op::Handoff { from, to, r } => {
                let (f, to) = (self.slot(from), self.slot(to));
                if self.held[f].is_empty() || self.threads[to].is_none() {
                    return;
                }
                let i = r as usize % self.held[f].len();
                let o = self.held[f].swap_remove(i);
                self.held[to].push(o);
            }
            Op::MarkShared { thread, r } => {
                let t = self.slot(thread);
                if self.held[t].is_empty() || !self.enter(t) {
                    return;
                }
                let o = self.held[t][r as usize % self.held[t].len()];
                // SAFETY: thread t holds a reference.
                unsafe { refcount::mark_shared(self.objects[o].obj) };
                self.objects[o].shared = true;
            }
            Op::TryIncref { thread, obj } => {
                let t = self.slot(thread);
                let live: Vec<usize> = (0..self.objects.len())
                    .filter(|&o| self.objects[o].count > 0)
                    .collect();
                if live.is_empty() || !self.enter(t) {
                    return;
                }
                let o = live[obj as usize % live.len()];
                // SAFETY: the object is alive (count > 0), so its memory is allocated.
                let ok = unsafe { refcount::try_incref(self.objects[o].obj) };
                if self.objects[o].shared {
                    assert!(
                        ok,
                        "step {}: try_incref failed on a live shared object",
                        self.steps
                    );
                }
                if ok {
                    self.objects[o].count += 1;
                    self.held[t].push(o);
                }
            }
            Op::Detach { thread } => {
                let t = self.slot(thread);
                if let Some(ts) = &self.threads[t] {
                    ts.detach();
                }
            }
            Op::Attach { thread } => {
                let t = self.slot(thread);
                self.enter(t);
            }
            Op::Safepoint { thread } => {
                let t = self.slot(thread);
                if self.enter(t) {
                    let _ = crate::safepoint();
                }
            }
            Op::Exit { thread } => {
                let t = self.slot(thread);
                if self.threads[t].is_none() {
                    return;
                }
                let Some(heir) = self.live_thread_after(t) else {
                    return; // keep one thread alive
                };
                let refs = std::mem::take(&mut self.held[t]);
                self.held[heir].extend(refs);
                let ts = self.threads[t].take().expect("checked above");
                drop(ts);
            }
            Op::Spawn { thread } => {
                let t = self.slot(thread);
                if self.threads[t].is_none() {
                    self.threads[t] = Some(ThreadState::new());
                }
            }
            Op::StopTheWorld { thread, merge_all } => {
                let t = self.slot(thread);
                if !self.enter(t) {
                    return;
                }
                let world = crate::stop_the_world();
                let mut found = HashSet::new();
                crate::visit_gc_objects(&world, &mut |obj| {
                    found.insert(obj);
                });
                for (o, m) in self.objects.iter().enumerate() {
                    if m.count > 0 && m.kind.is_gc() {
                        assert!(
                            found.contains(&m.obj),
                            "step {}: heap walk missed live object {o}",
                            self.steps
                        );
                    }
                }
                if merge_all {
                    crate::merge_all_queues(&world);
                }
                drop(world);
            }
        }
    }

    /// Asserts the invariants listed in the module docs.
    pub fn check(&mut self) {
        let step = self.steps;
        let freed_now = FREED_LOG.with(|l| std::mem::take(&mut *l.borrow_mut()));
        let mut queued: Vec<ObjPtr> = crate::brc::orphaned_objects();
        for ts in self.threads.iter().flatten() {
            queued.extend(crate::brc::queued_objects(ts.id()));
        }
        for id in freed_now {
            let m = &mut self.objects[id as usize];
            assert!(!m.freed, "step {step}: object {id} freed twice");
            assert_eq!(
                m.count, 0,
                "step {step}: object {id} freed with {} references",
                m.count
            );
            assert!(
                !queued.contains(&m.obj),
                "step {step}: object {id} freed while a merge queue still holds it"
            );
            m.freed = true;
        }
        queued.clear();
        queued.extend(crate::brc::orphaned_objects());
        for ts in self.threads.iter().flatten() {
            let tid = ts.id().as_usize();
            for obj in crate::brc::queued_objects(ts.id()) {
                // SAFETY: a queued object is alive (its queue entry holds a reference).
                let owner = unsafe { obj.owner_tid() };
                assert!(
                    owner == tid || owner == refcount::TID_MERGED,
                    "step {step}: thread {tid}'s merge queue holds an object owned by {owner}"
                );
                queued.push(obj);
            }
        }
        let mut unfreed = 0i64;
        for (o, m) in self.objects.iter().enumerate() {
            if m.freed {
                continue;
            }
            unfreed += 1;
            let in_queues = queued.iter().filter(|q| **q == m.obj).count();
            // SAFETY: the object is not freed, so its memory is allocated.
            let (state, rc) = unsafe { (refcount::shared_state(m.obj), refcount::refcount(m.obj)) };
            if state == REF_QUEUED {
                assert_eq!(
                    in_queues, 1,
                    "step {step}: queued object {o} is in {in_queues} queues"
                );
            } else {
                assert_eq!(
                    in_queues, 0,
                    "step {step}: object {o} in a queue in state {state}"
                );
            }
            if m.count > 0 {
                assert_eq!(rc, m.count as isize, "step {step}: object {o} refcount");
            } else {
                assert_eq!(state, REF_QUEUED, "step {step}: object {o} has no references, is not freed and is not waiting for a merge");
                assert_eq!(rc, 0, "step {step}: object {o} refcount");
            }
        }
        let live = crate::stats().live_objects();
        assert_eq!(
            live - self.live_base,
            unfreed,
            "step {step}: live-object counter"
        );
    }

    /// Drops every reference, drains every queue, and checks that every object was
    /// freed exactly once and the leak check passes. Exits every thread state.
    pub fn finish(mut self) {
        for t in 0..THREADS {
            if self.threads[t].is_none() {
                continue;
            }
            self.enter(t);
            for o in std::mem::take(&mut self.held[t]) {
                self.objects[o].count -= 1;
                // SAFETY: thread t owned this reference.
                unsafe { refcount::decref(self.objects[o].obj) };
            }
            self.check();
        }
        for t in 0..THREADS {
            if self.enter(t) {
                let _ = crate::safepoint();
            }
        }
        if let Some(t) = (0..THREADS).find(|&t| self.threads[t].is_some()) {
            self.enter(t);
            let world = crate::stop_the_world();
            crate::merge_all_queues(&world);
            drop(world);
        }
        self.check();
        for (o, m) in self.objects.iter().enumerate() {
            assert!(m.freed, "object {o} was never freed (count {})", m.count);
        }
        crate::check_live_objects(self.live_base).unwrap_or_else(|e| panic!("{e}"));
        for ts in self.threads.iter_mut() {
            drop(ts.take());
        }
    }
}
