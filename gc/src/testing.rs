//! Test objects and a graph model for the collector, without the object model: used by
//! the crate's tests, benchmarks and the `gc_graph` fuzz target.
//!
//! * [`TestNode`]: a GC object with any number of outgoing counted references, an
//!   optional finalizer (record, resurrect once, or check a weak reference), weak
//!   references to it, and references to GC-only [`TestExecutor`]s. Every node records
//!   its deallocation (and panics on a second one or a bad canary).
//! * [`TestWeak`] and [`TestBinding`]: weak references and the [`GcBinding`] that
//!   clears them.
//! * [`GraphModel`]: random graphs over several logical threads, checked against the
//!   true reachability after every step.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{LazyLock, Mutex, MutexGuard};

use strand_heap::refcount::{self, REF_QUEUED};
use strand_heap::{Borrowed, HeapCell, HeapKind, HeapObject, ObjPtr, Owned, ThreadState};

use crate::GcBinding;

/// Written into every live node; checked on every access and on drop.
pub const CANARY: u64 = 0x6763_5f6e_6f64_6521;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// What happened to each node id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeRecord {
    /// Times deallocated (must end at 0 or 1).
    pub freed: u32,
    /// Times its finalizer ran.
    pub finalized: u32,
}

static RECORDS: LazyLock<Mutex<HashMap<u64, NodeRecord>>> = LazyLock::new(Default::default);
static RESURRECTED: Mutex<Vec<Owned<TestNode>>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The record of node `id`.
pub fn record(id: u64) -> NodeRecord {
    lock(&RECORDS).get(&id).copied().unwrap_or_default()
}

/// Takes the references finalizers stored when resurrecting nodes.
pub fn take_resurrected() -> Vec<Owned<TestNode>> {
    std::mem::take(&mut *lock(&RESURRECTED))
}

/// What a node's finalizer does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finalizer {
    /// Nothing.
    None,
    /// Records that it ran.
    Record,
    /// Records, and stores a new reference to the node in a global list the first
    /// time (resurrection); see [`take_resurrected`].
    Resurrect,
    /// Records, and asserts that the given weak reference (to another node) has been
    /// cleared: finalizers must never reach a garbage object through a weak reference.
    ExpectWeakCleared(ObjPtr),
    /// Records, and calls [`crate::collect`] from inside the finalizer, asserting that
    /// the nested call returns at once without collecting.
    CollectInside,
}

/// A GC object for tests. See the module docs.
pub struct TestNode {
    /// Unique id.
    pub id: u64,
    canary: AtomicU64,
    edges: Mutex<Vec<Owned<TestNode>>>,
    executors: Mutex<Vec<ObjPtr>>,
    others: Mutex<Vec<ObjPtr>>,
    weakrefs: Mutex<Vec<ObjPtr>>,
    finalizer: Mutex<Finalizer>,
}

impl TestNode {
    /// A new node with no edges.
    pub fn new(finalizer: Finalizer) -> Owned<TestNode> {
        let id = NEXT_ID.fetch_add(1, Relaxed);
        lock(&RECORDS).insert(id, NodeRecord::default());
        Owned::new(TestNode {
            id,
            canary: AtomicU64::new(CANARY),
            edges: Mutex::new(Vec::new()),
            executors: Mutex::new(Vec::new()),
            others: Mutex::new(Vec::new()),
            weakrefs: Mutex::new(Vec::new()),
            finalizer: Mutex::new(finalizer),
        })
    }

    /// Panics unless the node is intact (not freed, not scribbled on).
    pub fn check(&self) {
        assert_eq!(
            self.canary.load(Relaxed),
            CANARY,
            "node {} is not intact",
            self.id
        );
    }

    /// Adds a counted reference to `to`.
    pub fn link(&self, to: &Owned<TestNode>) {
        self.check();
        lock(&self.edges).push(to.clone());
    }

    /// Removes the `i`-th outgoing reference (modulo the count), returning it.
    pub fn unlink(&self, i: usize) -> Option<Owned<TestNode>> {
        let mut edges = lock(&self.edges);
        if edges.is_empty() {
            return None;
        }
        let n = edges.len();
        Some(edges.remove(i % n))
    }

    /// The ids of the nodes this one references.
    pub fn edge_ids(&self) -> Vec<u64> {
        lock(&self.edges).iter().map(|e| e.id).collect()
    }

    /// Adds an (uncounted) reference to a GC-only executor.
    pub fn attach_executor(&self, executor: ObjPtr) {
        lock(&self.executors).push(executor);
    }

    /// Adds a counted reference to any GC object (for example a [`TestWeak`]).
    pub fn hold<T: HeapObject>(&self, obj: &Owned<T>) {
        lock(&self.others).push(Owned::into_obj(obj.clone()));
    }

    /// Drops the references to executors.
    pub fn detach_executors(&self) {
        lock(&self.executors).clear();
    }

    /// Replaces the finalizer.
    pub fn set_finalizer(&self, finalizer: Finalizer) {
        *lock(&self.finalizer) = finalizer;
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        self.check();
        self.canary.store(0, Relaxed);
        for o in std::mem::take(&mut *lock(&self.others)) {
            // SAFETY: `hold` stored a counted reference.
            unsafe { refcount::decref(o) };
        }
        let mut records = lock(&RECORDS);
        let r = records.entry(self.id).or_default();
        r.freed += 1;
        assert_eq!(r.freed, 1, "node {} freed twice", self.id);
    }
}

// SAFETY: traverse reports each counted edge and each executor reference exactly once.
unsafe impl HeapObject for TestNode {
    const NAME: &'static str = "TestNode";
    const KIND: HeapKind = HeapKind::Gc;
    const HAS_FINALIZER: bool = true;

    fn traverse(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for e in lock(&self.edges).iter() {
            visit(Owned::as_obj(e));
        }
        for &x in lock(&self.executors).iter() {
            visit(x);
        }
        for &x in lock(&self.others).iter() {
            visit(x);
        }
    }

    fn clear(&self) {
        let edges = std::mem::take(&mut *lock(&self.edges));
        lock(&self.executors).clear();
        let others = std::mem::take(&mut *lock(&self.others));
        drop(edges);
        for o in others {
            // SAFETY: `hold` stored a counted reference.
            unsafe { refcount::decref(o) };
        }
    }

    fn finalize(&self) {
        self.check();
        let finalizer = *lock(&self.finalizer);
        if finalizer == Finalizer::None {
            return;
        }
        lock(&RECORDS).entry(self.id).or_default().finalized += 1;
        match finalizer {
            Finalizer::Resurrect => {
                // SAFETY: `self` is the value of a heap object (the heap calls finalize
                // on it), alive while the collector holds its reference.
                let me = unsafe { Borrowed::<TestNode>::from_obj(HeapCell::obj_of(self)) };
                lock(&RESURRECTED).push(me.to_owned());
            }
            Finalizer::CollectInside => {
                let nested = crate::collect();
                assert_eq!(
                    nested,
                    crate::CollectionStats::default(),
                    "a nested collection ran"
                );
            }
            Finalizer::ExpectWeakCleared(weak) => {
                // SAFETY: tests keep the weak reference alive while its target lives.
                let weak = unsafe { Borrowed::<TestWeak>::from_obj(weak) };
                assert!(
                    weak.target().is_none(),
                    "a finalizer reached garbage through a weak reference"
                );
            }
            _ => {}
        }
    }
}

/// A GC-only object (like a JIT executor) holding counted references to nodes.
pub struct TestExecutor {
    /// Unique id.
    pub id: u64,
    canary: AtomicU64,
    refs: Mutex<Vec<Owned<TestNode>>>,
}

static EXECUTORS_FREED: LazyLock<Mutex<HashSet<u64>>> = LazyLock::new(Default::default);

impl TestExecutor {
    /// A new GC-only executor referencing `refs` (counted); returns its object, which
    /// no counted reference holds.
    pub fn create(refs: Vec<Owned<TestNode>>) -> ObjPtr {
        let id = NEXT_ID.fetch_add(1, Relaxed);
        let obj = Owned::into_obj(Owned::new(TestExecutor {
            id,
            canary: AtomicU64::new(CANARY),
            refs: Mutex::new(refs),
        }));
        // SAFETY: fresh, tracked, not yet shared.
        unsafe { refcount::set_gc_only(obj) };
        obj
    }

    /// `true` once the collector freed the executor with this id.
    pub fn was_freed(id: u64) -> bool {
        lock(&EXECUTORS_FREED).contains(&id)
    }

    /// The executor behind `obj`.
    ///
    /// # Safety
    /// `obj` is a live executor from [`TestExecutor::new`].
    pub unsafe fn get<'a>(obj: ObjPtr) -> &'a TestExecutor {
        // SAFETY: forwarded to the caller.
        unsafe { Borrowed::<TestExecutor>::from_obj(obj) }.get()
    }

    /// Panics unless intact.
    pub fn check(&self) {
        assert_eq!(
            self.canary.load(Relaxed),
            CANARY,
            "executor {} is not intact",
            self.id
        );
    }
}

impl Drop for TestExecutor {
    fn drop(&mut self) {
        self.check();
        self.canary.store(0, Relaxed);
        assert!(
            lock(&EXECUTORS_FREED).insert(self.id),
            "executor {} freed twice",
            self.id
        );
    }
}

// SAFETY: traverse reports each counted reference once.
unsafe impl HeapObject for TestExecutor {
    const NAME: &'static str = "TestExecutor";
    const KIND: HeapKind = HeapKind::Gc;

    fn traverse(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for r in lock(&self.refs).iter() {
            visit(Owned::as_obj(r));
        }
    }

    fn clear(&self) {
        let refs = std::mem::take(&mut *lock(&self.refs));
        drop(refs);
    }
}

/// A weak reference to a [`TestNode`], optionally with a callback.
pub struct TestWeak {
    target: Mutex<Option<ObjPtr>>,
    callback: bool,
    fired: AtomicBool,
}

impl TestWeak {
    /// A weak reference to `target`.
    pub fn new(target: &Owned<TestNode>, callback: bool) -> Owned<TestWeak> {
        let weak = Owned::new(TestWeak {
            target: Mutex::new(Some(Owned::as_obj(target))),
            callback,
            fired: AtomicBool::new(false),
        });
        lock(&target.weakrefs).push(Owned::as_obj(&weak));
        weak
    }

    /// The target, unless it was cleared.
    pub fn target(&self) -> Option<ObjPtr> {
        *lock(&self.target)
    }

    /// Whether the callback ran.
    pub fn fired(&self) -> bool {
        self.fired.load(SeqCst)
    }
}

impl Drop for TestWeak {
    fn drop(&mut self) {
        if let Some(target) = *lock(&self.target) {
            // SAFETY: a set target is alive (the binding clears it before the target
            // can be freed by the collector; tests drop weakrefs before targets
            // otherwise).
            let node = unsafe { Borrowed::<TestNode>::from_obj(target) };
            // SAFETY: self is a heap object's value.
            let me = unsafe { HeapCell::obj_of(self) };
            lock(&node.get().weakrefs).retain(|&w| w != me);
        }
    }
}

// SAFETY: holds no counted references.
unsafe impl HeapObject for TestWeak {
    const NAME: &'static str = "TestWeak";
    const KIND: HeapKind = HeapKind::Gc;
}

/// The binding for [`TestWeak`].
pub struct TestBinding;

impl GcBinding for TestBinding {
    unsafe fn clear_weakrefs(&self, obj: ObjPtr, callbacks: &mut Vec<ObjPtr>) {
        // SAFETY: the collector passes live objects.
        if unsafe { obj.vtable() }.name != TestNode::NAME {
            return;
        }
        // SAFETY: a TestNode (checked by name), alive.
        let node = unsafe { Borrowed::<TestNode>::from_obj(obj) }.get();
        for w in std::mem::take(&mut *lock(&node.weakrefs)) {
            // SAFETY: weak references unregister themselves when freed, so `w` is live.
            let weak = unsafe { Borrowed::<TestWeak>::from_obj(w) }.get();
            *lock(&weak.target) = None;
            // SAFETY: `w` is live.
            if weak.callback && !unsafe { crate::is_unreachable(w) } {
                // SAFETY: live; the collector drops this reference after the callback.
                unsafe { refcount::incref(w) };
                callbacks.push(w);
            }
        }
    }

    unsafe fn call_weakref_callback(&self, weakref: ObjPtr) {
        // SAFETY: the collector holds a reference.
        let weak = unsafe { Borrowed::<TestWeak>::from_obj(weakref) }.get();
        weak.fired.store(true, SeqCst);
    }
}

/// Installs [`TestBinding`].
pub fn install_test_binding() {
    static BINDING: TestBinding = TestBinding;
    crate::set_binding(&BINDING);
}

/// Number of logical threads in a [`GraphModel`].
pub const GRAPH_THREADS: usize = 3;

/// One step of a [`GraphModel`] run; indices are taken modulo what exists.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum GraphOp {
    /// `thread` allocates a node and holds it.
    Alloc {
        /// Thread slot.
        thread: u8,
    },
    /// `thread` adds an edge `from -> to` between two live nodes.
    Link {
        /// Thread slot.
        thread: u8,
        /// Source node (index among live nodes).
        from: u16,
        /// Target node (index among live nodes).
        to: u16,
    },
    /// `thread` removes one edge of a live node.
    Unlink {
        /// Thread slot.
        thread: u8,
        /// Node (index among live nodes).
        node: u16,
        /// Edge index.
        edge: u16,
    },
    /// `thread` takes a new reference to a live node.
    Hold {
        /// Thread slot.
        thread: u8,
        /// Node (index among live nodes).
        node: u16,
    },
    /// `thread` drops one of its references.
    Release {
        /// Thread slot.
        thread: u8,
        /// Reference index.
        r: u16,
    },
    /// `from` hands one of its references to `to`.
    Handoff {
        /// Giving thread slot.
        from: u8,
        /// Receiving thread slot.
        to: u8,
        /// Reference index.
        r: u16,
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
    /// A new thread fills slot `thread` if it is empty.
    Spawn {
        /// Thread slot.
        thread: u8,
    },
    /// `thread` runs a collection; afterwards exactly the unreachable nodes are gone.
    Collect {
        /// Thread slot.
        thread: u8,
    },
}

struct ModelNode {
    node: ObjPtr,
    id: u64,
    /// Model indices of the targets of this node's edges, in order.
    edges: Vec<usize>,
    freed: bool,
}

/// Random graphs of [`TestNode`]s over several logical threads. After every step it
/// checks that no reachable node was freed, that every unfreed node's reference count
/// equals its in-edges plus held references, and that a node without references is
/// freed or waiting for a merge; after a collection, that exactly the unreachable
/// nodes are gone and that a second collection frees nothing.
pub struct GraphModel {
    threads: Vec<Option<ThreadState>>,
    held: Vec<Vec<usize>>,
    nodes: Vec<ModelNode>,
    live_base: i64,
    step: usize,
}

impl Default for GraphModel {
    fn default() -> Self {
        Self::new()
    }
}

impl GraphModel {
    /// A model with every thread slot filled. The calling OS thread must have no
    /// attached thread state.
    pub fn new() -> GraphModel {
        assert!(!strand_heap::is_attached());
        let first = ThreadState::attach_new();
        // Collect what earlier runs left so that the baseline is clean.
        crate::collect();
        drop(take_resurrected());
        let live_base = strand_heap::stats().live_objects();
        first.detach();
        let mut threads = vec![Some(first)];
        threads.extend((1..GRAPH_THREADS).map(|_| Some(ThreadState::new())));
        GraphModel {
            threads,
            held: vec![Vec::new(); GRAPH_THREADS],
            nodes: Vec::new(),
            live_base,
            step: 0,
        }
    }

    /// Runs `ops` with checks, then [`GraphModel::finish`].
    pub fn run(ops: &[GraphOp]) {
        let mut model = GraphModel::new();
        for op in ops {
            model.apply(op);
            model.check();
        }
        model.finish();
    }

    fn enter(&self, thread: u8) -> Option<usize> {
        let t = thread as usize % GRAPH_THREADS;
        self.threads[t].as_ref().map(|ts| {
            ts.attach();
            t
        })
    }

    fn live(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| !self.nodes[i].freed)
            .collect()
    }

    fn node(&self, i: usize) -> &TestNode {
        // SAFETY: callers pass unfreed nodes; the model only hands out live indices.
        unsafe { Borrowed::<TestNode>::from_obj(self.nodes[i].node) }.get()
    }

    /// Applies one step.
    pub fn apply(&mut self, op: &GraphOp) {
        self.step += 1;
        match *op {
            GraphOp::Alloc { thread } => {
                let Some(t) = self.enter(thread) else { return };
                let n = TestNode::new(Finalizer::None);
                let id = n.id;
                self.nodes.push(ModelNode {
                    node: Owned::into_obj(n),
                    id,
                    edges: Vec::new(),
                    freed: false,
                });
                self.held[t].push(self.nodes.len() - 1);
            }
            GraphOp::Link { thread, from, to } => {
                let live = self.live();
                if live.is_empty() || self.enter(thread).is_none() {
                    return;
                }
                let (f, g) = (
                    live[from as usize % live.len()],
                    live[to as usize % live.len()],
                );
                // SAFETY: g is live; the clone below takes the edge's reference.
                let target =
                    unsafe { Borrowed::<TestNode>::from_obj(self.nodes[g].node) }.to_owned();
                self.node(f).link(&target);
                drop(target);
                self.nodes[f].edges.push(g);
            }
            GraphOp::Unlink { thread, node, edge } => {
                let live = self.live();
                if live.is_empty() || self.enter(thread).is_none() {
                    return;
                }
                let f = live[node as usize % live.len()];
                if self.nodes[f].edges.is_empty() {
                    return;
                }
                let i = edge as usize % self.nodes[f].edges.len();
                self.nodes[f].edges.remove(i);
                let removed = self.node(f).unlink(i);
                drop(removed);
            }
            GraphOp::Hold { thread, node } => {
                let live = self.live();
                let Some(t) = (!live.is_empty()).then(|| self.enter(thread)).flatten() else {
                    return;
                };
                let n = live[node as usize % live.len()];
                // SAFETY: live node.
                unsafe { refcount::incref(self.nodes[n].node) };
                self.held[t].push(n);
            }
            GraphOp::Release { thread, r } => {
                let Some(t) = self.enter(thread) else { return };
                if self.held[t].is_empty() {
                    return;
                }
                let i = r as usize % self.held[t].len();
                let n = self.held[t].swap_remove(i);
                // SAFETY: thread t owned this reference.
                unsafe { refcount::decref(self.nodes[n].node) };
            }
            GraphOp::Handoff { from, to, r } => {
                let (f, to) = (from as usize % GRAPH_THREADS, to as usize % GRAPH_THREADS);
                if self.held[f].is_empty() || self.threads[to].is_none() {
                    return;
                }
                let i = r as usize % self.held[f].len();
                let n = self.held[f].swap_remove(i);
                self.held[to].push(n);
            }
            GraphOp::Safepoint { thread } => {
                if self.enter(thread).is_some() {
                    let _ = strand_heap::safepoint();
                }
            }
            GraphOp::Exit { thread } => {
                let t = thread as usize % GRAPH_THREADS;
                if self.threads[t].is_none() {
                    return;
                }
                let Some(heir) = (1..GRAPH_THREADS)
                    .map(|d| (t + d) % GRAPH_THREADS)
                    .find(|&u| self.threads[u].is_some())
                else {
                    return;
                };
                let refs = std::mem::take(&mut self.held[t]);
                self.held[heir].extend(refs);
                drop(self.threads[t].take());
            }
            GraphOp::Spawn { thread } => {
                let t = thread as usize % GRAPH_THREADS;
                if self.threads[t].is_none() {
                    self.threads[t] = Some(ThreadState::new());
                }
            }
            GraphOp::Collect { thread } => {
                if self.enter(thread).is_none() {
                    return;
                }
                crate::collect();
                self.absorb_frees();
                let reachable = self.reachable();
                for i in 0..self.nodes.len() {
                    assert_eq!(
                        !self.nodes[i].freed,
                        reachable.contains(&i),
                        "step {}: after a collection node {i} is {} but {}",
                        self.step,
                        if self.nodes[i].freed {
                            "freed"
                        } else {
                            "alive"
                        },
                        if reachable.contains(&i) {
                            "reachable"
                        } else {
                            "unreachable"
                        },
                    );
                }
                let again = crate::collect();
                assert_eq!(
                    again.collected, 0,
                    "step {}: a second collection freed objects",
                    self.step
                );
            }
        }
    }

    /// Nodes reachable from held references.
    fn reachable(&self) -> HashSet<usize> {
        let mut seen = HashSet::new();
        let mut stack: Vec<usize> = self.held.iter().flatten().copied().collect();
        while let Some(n) = stack.pop() {
            if seen.insert(n) {
                stack.extend(self.nodes[n].edges.iter().copied());
            }
        }
        seen
    }

    /// Marks nodes the heap freed and drops their edges from the model.
    fn absorb_frees(&mut self) {
        for i in 0..self.nodes.len() {
            if !self.nodes[i].freed && record(self.nodes[i].id).freed == 1 {
                self.nodes[i].freed = true;
                self.nodes[i].edges.clear();
            }
        }
    }

    /// Checks the invariants listed in the type docs.
    pub fn check(&mut self) {
        self.absorb_frees();
        let reachable = self.reachable();
        let mut count = vec![0isize; self.nodes.len()];
        for &n in self.held.iter().flatten() {
            count[n] += 1;
        }
        for m in self.nodes.iter().filter(|m| !m.freed) {
            for &e in &m.edges {
                count[e] += 1;
            }
        }
        let mut unfreed = 0;
        for (i, m) in self.nodes.iter().enumerate() {
            if m.freed {
                assert!(
                    !reachable.contains(&i),
                    "step {}: reachable node {i} was freed",
                    self.step
                );
                continue;
            }
            unfreed += 1;
            self.node(i).check();
            // SAFETY: unfreed node.
            let (rc, state) =
                unsafe { (refcount::refcount(m.node), refcount::shared_state(m.node)) };
            assert_eq!(rc, count[i], "step {}: node {i} reference count", self.step);
            if count[i] == 0 {
                assert_eq!(state, REF_QUEUED, "step {}: node {i} has no references, is not freed and is not waiting for a merge", self.step);
            }
        }
        let live = strand_heap::stats().live_objects() - self.live_base;
        assert_eq!(live, unfreed, "step {}: live-object counter", self.step);
    }

    /// Drops every reference, collects, and checks that everything was freed.
    pub fn finish(mut self) {
        for t in 0..GRAPH_THREADS {
            if self.enter(t as u8).is_none() {
                continue;
            }
            for n in std::mem::take(&mut self.held[t]) {
                // SAFETY: thread t owned this reference.
                unsafe { refcount::decref(self.nodes[n].node) };
            }
        }
        let t = (0..GRAPH_THREADS)
            .find(|&t| self.threads[t].is_some())
            .expect("a live thread");
        self.enter(t as u8);
        crate::collect();
        self.check();
        for (i, m) in self.nodes.iter().enumerate() {
            assert!(m.freed, "node {i} survived with no references");
        }
        strand_heap::check_live_objects(self.live_base).unwrap_or_else(|e| panic!("{e}"));
        for ts in self.threads.iter_mut() {
            drop(ts.take());
        }
    }
}
