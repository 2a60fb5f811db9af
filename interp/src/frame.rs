//! Interpreter frames (CPython's `_PyInterpreterFrame`, Include/internal/pycore_frame.h)
//! and each thread's frame chain.
//!
//! A frame holds the locals-plus slots (fast locals, cells, free variables) followed by
//! the value stack, in one buffer of [`StackRef`]s taken from a per-thread pool, plus
//! the code, globals, builtins and function it runs with. The fields that change while
//! the frame runs sit in `Cell`/`UnsafeCell`, so the loop works through `&Frame` and
//! other readers (the collector's root scan with the world stopped, `locals()`,
//! zero-argument `super()`) never alias a `&mut`.
//!
//! A running frame is linked into its thread's **frame chain**: the collector's root
//! source for that thread walks the chain and reports the uncounted (deferred)
//! references the frames hold (see [`crate::stackref`]). Frames are unlinked when they
//! return or suspend; a suspended generator frame first turns its uncounted references
//! into counted ones ([`Frame::make_counted`]).

use std::cell::{Cell, UnsafeCell};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Arc;

use strand_compiler::bytecode::{self, Op};
use strand_heap::ObjPtr;
use strand_objects::exceptions as exc;
use strand_objects::{dict, function, str as pystr, PyObj, PyResult};

use crate::code::CodeData;
use crate::stackref::{Borrowed, StackRef};

/// A frame being executed or suspended.
pub(crate) struct Frame {
    /// The code object (kept alive: `data` points into it).
    code: StackRef,
    data: NonNull<CodeData>,
    globals: StackRef,
    builtins: StackRef,
    /// The function being run (for its closure), or null.
    func: StackRef,
    /// The locals mapping (module and class bodies, `exec`).
    pub(crate) locals: Option<PyObj>,
    nlocalsplus: usize,
    /// Locals-plus slots, then the value stack.
    slots: UnsafeCell<Vec<StackRef>>,
    /// Where execution continues (code units).
    pub(crate) next: Cell<usize>,
    /// The instruction executing or, for a suspended generator, the last YIELD_VALUE.
    pub(crate) last_pc: Cell<usize>,
    /// Keyword names for the next CALL.
    kw_names: UnsafeCell<Option<PyObj>>,
    /// Function frames: the dict `locals()` returns, once asked for.
    fast_locals_dict: UnsafeCell<Option<PyObj>>,
    /// Identity for traceback entries.
    pub(crate) id: u64,
    /// The frame below this one in the thread's chain while linked.
    prev: Cell<*const Frame>,
}

/// How a frame's execution stopped.
pub(crate) enum Outcome {
    /// `return`.
    Return(PyObj),
    /// `yield` (generator frames).
    Yield(PyObj),
}

/// The frame evaluator (CPython's `_PyInterpreterState.eval_frame`, PEP 523): runs or
/// resumes `frame` (raising `throw` at its suspension point, if given) until it
/// returns or yields. Generators resume their frames through it.
pub(crate) type Evaluator = fn(&Frame, Option<strand_objects::PyErr>) -> PyResult<Outcome>;

thread_local! {
    /// Spare slot buffers (CPython keeps frames in a per-thread data stack; reusing
    /// buffers keeps calls away from the allocator).
    static POOL: UnsafeCell<Vec<Vec<StackRef>>> = const { UnsafeCell::new(Vec::new()) };
    /// Frame identities, for one traceback entry per frame.
    static NEXT_FRAME_ID: Cell<u64> = const { Cell::new(1) };
    /// This thread's frame chain.
    static CHAIN: ChainHandle = ChainHandle::default();
}

/// At most this many buffers are kept per thread.
const POOL_MAX: usize = 64;
/// Buffers larger than this are not kept.
const POOL_SLOTS_MAX: usize = 256;

fn take_buffer(capacity: usize) -> Vec<StackRef> {
    let reused = POOL.with(|p| {
        // SAFETY: the pool is private to this thread and not borrowed elsewhere (this
        // function and `give_buffer` do not call out while they hold it).
        let pool = unsafe { &mut *p.get() };
        pool.pop()
    });
    match reused {
        Some(mut v) => {
            if v.capacity() < capacity {
                v.reserve_exact(capacity);
            }
            v
        }
        None => Vec::with_capacity(capacity.max(16)),
    }
}

fn give_buffer(v: Vec<StackRef>) {
    debug_assert!(v.is_empty());
    if v.capacity() > POOL_SLOTS_MAX {
        return;
    }
    let _ = POOL.try_with(|p| {
        // SAFETY: as in `take_buffer`.
        let pool = unsafe { &mut *p.get() };
        if pool.len() < POOL_MAX {
            pool.push(v);
        }
    });
}

impl Frame {
    /// A frame for `code` (its arguments still to be bound).
    pub(crate) fn new(
        code: &PyObj,
        globals: &PyObj,
        builtins: &PyObj,
        locals: Option<PyObj>,
        func: Option<&PyObj>,
    ) -> Frame {
        let data = crate::code::code_data_ptr(code);
        // SAFETY: `code` is alive (the frame holds it from here on).
        let d = unsafe { data.as_ref() };
        let nlocalsplus = d.nlocalsplus;
        let mut slots = take_buffer(nlocalsplus + d.code.max_stack as usize);
        debug_assert!(slots.is_empty() && slots.capacity() >= nlocalsplus);
        // SAFETY: the buffer is empty with room for `nlocalsplus` slots, and the null
        // slot is all zero bits (StackRef::NULL is 0).
        unsafe {
            std::ptr::write_bytes(slots.as_mut_ptr(), 0, nlocalsplus);
            slots.set_len(nlocalsplus);
        }
        let id = NEXT_FRAME_ID.with(|n| {
            let id = n.get();
            n.set(id + 1);
            id
        });
        Frame {
            code: StackRef::new_ref(code),
            data,
            globals: StackRef::new_ref(globals),
            builtins: StackRef::new_ref(builtins),
            func: func.map_or(StackRef::NULL, StackRef::new_ref),
            locals,
            nlocalsplus,
            slots: UnsafeCell::new(slots),
            next: Cell::new(0),
            last_pc: Cell::new(0),
            kw_names: UnsafeCell::new(None),
            fast_locals_dict: UnsafeCell::new(None),
            id,
            prev: Cell::new(std::ptr::null()),
        }
    }

    /// The compiled code and its interpreter data.
    #[inline(always)]
    pub(crate) fn data(&self) -> &CodeData {
        // SAFETY: `data` points into the code object, which `self.code` keeps alive.
        unsafe { self.data.as_ref() }
    }

    /// The code object.
    #[inline(always)]
    pub(crate) fn code(&self) -> Borrowed {
        self.code.view()
    }

    /// The globals dict.
    #[inline(always)]
    pub(crate) fn globals(&self) -> Borrowed {
        self.globals.view()
    }

    /// The builtins namespace.
    #[inline(always)]
    pub(crate) fn builtins(&self) -> Borrowed {
        self.builtins.view()
    }

    /// The function being run, if any.
    #[inline(always)]
    pub(crate) fn func(&self) -> Option<Borrowed> {
        self.func.get()
    }

    // The slot buffer. Every accessor below borrows it for one operation and never
    // calls out while the borrow lives (dropping a reference can run arbitrary code,
    // so references leave the buffer before they are dropped).
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    fn buf(&self) -> &mut Vec<StackRef> {
        // SAFETY: only this frame's thread touches the buffer while the frame runs,
        // one accessor at a time (see above); the collector reads it with the world
        // stopped, when the owner is parked outside any accessor.
        unsafe { &mut *self.slots.get() }
    }

    /// Number of locals-plus slots.
    #[inline(always)]
    pub(crate) fn nlocalsplus(&self) -> usize {
        self.nlocalsplus
    }

    /// The object in locals-plus slot `i`, if bound.
    #[inline(always)]
    pub(crate) fn local(&self, i: usize) -> Option<Borrowed> {
        self.buf()[i].get()
    }

    /// Whether locals-plus slot `i` is bound.
    #[inline(always)]
    pub(crate) fn local_is_set(&self, i: usize) -> bool {
        !self.buf()[i].is_null()
    }

    /// A new reference to slot `i` (uncounted where possible).
    #[inline(always)]
    pub(crate) fn local_ref(&self, i: usize) -> StackRef {
        self.buf()[i].clone()
    }

    /// An uncounted reference to what locals-plus slot `i` holds (null if unbound), for
    /// `LOAD_FAST_BORROW`: valid while the slot keeps its value.
    #[inline(always)]
    pub(crate) fn local_borrowed(&self, i: usize) -> StackRef {
        self.buf()[i].borrow()
    }

    /// Stores into locals-plus slot `i`; the previous value is dropped after the store.
    #[inline(always)]
    pub(crate) fn set_local(&self, i: usize, v: StackRef) {
        let old = std::mem::replace(&mut self.buf()[i], v);
        drop(old);
    }

    /// Empties locals-plus slot `i`, returning what it held.
    #[inline(always)]
    pub(crate) fn take_local(&self, i: usize) -> StackRef {
        std::mem::take(&mut self.buf()[i])
    }

    /// Value-stack depth.
    #[inline(always)]
    pub(crate) fn depth(&self) -> usize {
        self.buf().len() - self.nlocalsplus
    }

    /// Pushes onto the value stack.
    #[inline(always)]
    pub(crate) fn push(&self, v: StackRef) {
        let b = self.buf();
        debug_assert!(
            b.len() < b.capacity(),
            "value stack overflow (compiler bug)"
        );
        b.push(v);
    }

    /// Pushes a counted reference.
    #[inline(always)]
    pub(crate) fn push_obj(&self, v: PyObj) {
        self.push(StackRef::from_owned(v));
    }

    /// Pops the value stack.
    #[inline(always)]
    pub(crate) fn pop(&self) -> StackRef {
        let b = self.buf();
        debug_assert!(
            b.len() > self.nlocalsplus,
            "value stack underflow (compiler bug)"
        );
        b.pop().unwrap_or_default()
    }

    /// Pops a non-null value as a counted reference.
    #[inline(always)]
    pub(crate) fn pop_obj(&self) -> PyObj {
        self.pop()
            .into_owned()
            .expect("null on the value stack (compiler bug)")
    }

    /// The `k`-th value from the top (1 = top).
    #[inline(always)]
    pub(crate) fn peek(&self, k: usize) -> Borrowed {
        let b = self.buf();
        b[b.len() - k].view()
    }

    /// The `k`-th slot from the top, possibly null.
    #[inline(always)]
    pub(crate) fn peek_opt(&self, k: usize) -> Option<Borrowed> {
        let b = self.buf();
        if k == 0 || k > b.len() - self.nlocalsplus {
            return None;
        }
        b[b.len() - k].get()
    }

    /// A new reference to the `k`-th value from the top.
    #[inline(always)]
    pub(crate) fn peek_ref(&self, k: usize) -> StackRef {
        let b = self.buf();
        b[b.len() - k].clone()
    }

    /// Pops the top `n` values and pushes `v` (the popped references are dropped after
    /// the stack is consistent again).
    #[inline(always)]
    pub(crate) fn replace_top(&self, n: usize, v: StackRef) {
        debug_assert!(n >= 1);
        let b = self.buf();
        let at = b.len() - n;
        let old = std::mem::replace(&mut b[at], v);
        match n {
            1 => drop(old),
            2 => {
                let top = b.pop();
                drop(old);
                drop(top);
            }
            _ => {
                let rest = self.pop_n_refs(n - 1);
                drop(old);
                drop(rest);
            }
        }
    }

    /// Swaps the top with the `k`-th value from the top.
    #[inline(always)]
    pub(crate) fn swap(&self, k: usize) {
        let b = self.buf();
        let n = b.len();
        b.swap(n - 1, n - k);
    }

    /// Views of the top `n` values (bottom first), for native calls: they stay valid
    /// while the values stay on the stack.
    #[inline]
    pub(crate) fn top_views(&self, n: usize) -> smallvec::SmallVec<[Borrowed; 8]> {
        let b = self.buf();
        crate::stackref::views(&b[b.len() - n..])
    }

    /// Pops the top `n` values as counted references (bottom first).
    pub(crate) fn pop_n(&self, n: usize) -> Vec<PyObj> {
        let b = self.buf();
        let taken: Vec<StackRef> = b.drain(b.len() - n..).collect();
        taken
            .into_iter()
            .map(|s| {
                s.into_owned()
                    .expect("null on the value stack (compiler bug)")
            })
            .collect()
    }

    /// Moves the top `n` values into `dest`'s first `n` locals (a call binding its
    /// arguments one-to-one), leaving them off this stack.
    pub(crate) fn move_top_to_locals(&self, n: usize, dest: &Frame) {
        let src = self.buf();
        let d = dest.buf();
        assert!(n <= d.len() && n <= src.len() - self.nlocalsplus);
        let at = src.len() - n;
        debug_assert!(d[..n].iter().all(StackRef::is_null));
        // SAFETY: the two buffers belong to different frames; `n` slots exist in both
        // (checked above). The destination slots are null (fresh frame), so
        // overwriting them leaks nothing, and the source slots are given up by
        // shortening the length without dropping them: each reference moves once.
        unsafe {
            std::ptr::copy_nonoverlapping(src.as_ptr().add(at), d.as_mut_ptr(), n);
            src.set_len(at);
        }
    }

    /// Pops the top `n` values as slots (bottom first).
    pub(crate) fn pop_n_refs(&self, n: usize) -> smallvec::SmallVec<[StackRef; 8]> {
        let b = self.buf();
        let at = b.len() - n;
        b.drain(at..).collect()
    }

    /// Cuts the value stack to `depth` values.
    pub(crate) fn truncate(&self, depth: usize) {
        while self.depth() > depth {
            drop(self.pop());
        }
    }

    /// Keyword names for the next CALL.
    pub(crate) fn set_kw_names(&self, k: Option<PyObj>) {
        // SAFETY: single-threaded access by the running frame; no call-out while held.
        let old = unsafe { std::mem::replace(&mut *self.kw_names.get(), k) };
        drop(old);
    }

    /// Takes the keyword names of the CALL being executed.
    pub(crate) fn take_kw_names(&self) -> Option<PyObj> {
        // SAFETY: as in `set_kw_names`.
        unsafe { (*self.kw_names.get()).take() }
    }

    /// The dict that `locals()` returns for a function frame, created on first use.
    pub(crate) fn fast_locals_dict(&self) -> PyObj {
        // SAFETY: as in `set_kw_names`; `dict::new` does not reach this frame.
        let slot = unsafe { &mut *self.fast_locals_dict.get() };
        slot.get_or_insert_with(strand_objects::dict::new).clone()
    }

    /// Turns every uncounted reference the frame holds into a counted one, so that it
    /// may leave the frame chain while still holding them (a suspending generator).
    pub(crate) fn make_counted(&mut self) {
        self.code.make_counted();
        self.globals.make_counted();
        self.builtins.make_counted();
        self.func.make_counted();
        for s in self.slots.get_mut().iter_mut() {
            s.make_counted();
        }
    }

    /// Every counted reference the frame holds (the collector's traversal of a
    /// suspended generator's frame, which holds no uncounted ones).
    pub(crate) fn visit(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for s in [&self.code, &self.globals, &self.builtins, &self.func] {
            if let Some(p) = s.counted_ptr() {
                visit(p);
            }
        }
        for o in self.locals.iter() {
            visit(o.as_ptr());
        }
        // SAFETY: the collector calls this with the world stopped; the owner is not
        // inside an accessor.
        let extras = unsafe { [&*self.kw_names.get(), &*self.fast_locals_dict.get()] };
        for o in extras.into_iter().flatten() {
            visit(o.as_ptr());
        }
        for s in self.buf().iter() {
            if let Some(p) = s.counted_ptr() {
                visit(p);
            }
        }
    }

    /// The uncounted references the frame holds (the frame chain's root scan).
    fn visit_uncounted(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for s in [&self.code, &self.globals, &self.builtins, &self.func] {
            if let Some(p) = s.uncounted_ptr() {
                visit(p);
            }
        }
        for s in self.buf().iter() {
            if let Some(p) = s.uncounted_ptr() {
                visit(p);
            }
        }
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        // Out of the frame first: dropping references can run arbitrary code (the
        // frame is unlinked by now and no longer reachable).
        let mut slots = std::mem::take(self.slots.get_mut());
        slots.clear();
        give_buffer(slots);
    }
}

/// One thread's chain of running frames, reported to the collector as roots.
#[derive(Default)]
struct FrameChain {
    top: AtomicPtr<Frame>,
}

impl strand_heap::RootSource for FrameChain {
    fn visit_roots(&self, visit: &mut dyn FnMut(ObjPtr)) {
        let mut f = self.top.load(Ordering::Acquire) as *const Frame;
        while !f.is_null() {
            // SAFETY: the world is stopped (the root-source contract) and the owning
            // thread is parked outside any frame accessor; linked frames are alive
            // until unlinked, which happens only on their own thread.
            let frame = unsafe { &*f };
            frame.visit_uncounted(visit);
            f = frame.prev.get();
        }
    }
}

/// A thread's chain and the thread state it is registered with.
#[derive(Default)]
struct ChainHandle {
    chain: Arc<FrameChain>,
    registered_with: Cell<Option<strand_heap::ThreadId>>,
}

/// Links `frame` as the innermost running frame of this thread; unlinked when the
/// guard drops. The frame must not move while linked.
pub(crate) fn link(frame: &Frame) -> LinkGuard {
    CHAIN.with(|h| {
        let top = h.chain.top.load(Ordering::Relaxed);
        if top.is_null() {
            // The outermost frame: make sure this thread state scans the chain.
            let tid = strand_heap::current_thread_id();
            if h.registered_with.get() != tid {
                if let Some(id) = tid {
                    if strand_heap::add_current_root_source(h.chain.clone()).is_some() {
                        h.registered_with.set(Some(id));
                    }
                }
            }
        }
        frame.prev.set(top);
        h.chain
            .top
            .store(frame as *const Frame as *mut Frame, Ordering::Release);
    });
    LinkGuard { _private: () }
}

/// Unlinks the innermost frame when dropped.
pub(crate) struct LinkGuard {
    _private: (),
}

impl Drop for LinkGuard {
    fn drop(&mut self) {
        let _ = CHAIN.try_with(|h| {
            let top = h.chain.top.load(Ordering::Relaxed);
            if !top.is_null() {
                // SAFETY: the top frame is alive while linked.
                let prev = unsafe { (*top).prev.get() };
                h.chain.top.store(prev as *mut Frame, Ordering::Release);
            }
        });
    }
}

/// The innermost running frame of this thread, if any.
pub(crate) fn with_top<R>(f: impl FnOnce(&Frame) -> R) -> Option<R> {
    CHAIN.with(|h| {
        let top = h.chain.top.load(Ordering::Relaxed);
        // SAFETY: linked frames are alive; `&Frame` is how the loop itself uses them.
        (!top.is_null()).then(|| f(unsafe { &*top }))
    })
}

/// The `__class__` cell's class and the first argument of the innermost running frame,
/// for zero-argument `super()` (CPython's `super_init_without_args`), or the message of
/// the `RuntimeError` it raises.
pub(crate) fn super_args(frame: &Frame) -> Result<(PyObj, PyObj), &'static str> {
    let code = &frame.data().code;
    if code.argcount == 0 {
        return Err("super(): no arguments");
    }
    let Some(first) = frame.local(0) else {
        return Err("super(): arg[0] deleted");
    };
    let i = code
        .freevars
        .iter()
        .position(|f| f == "__class__")
        .ok_or("super(): __class__ cell not found")?;
    // A first argument captured by a closure lives in a cell once MAKE_CELL ran.
    let first = if first.is_exact(&function::CELL_TYPE)
        && code
            .cellvars
            .iter()
            .any(|c| Some(c) == code.varnames.first())
    {
        function::cell_get(&first).ok_or("super(): arg[0] deleted")?
    } else {
        (*first).clone()
    };
    let cell_slot = frame.nlocalsplus() - code.freevars.len() + i;
    let cell = frame
        .local(cell_slot)
        .ok_or("super(): __class__ cell not found")?;
    let cls = function::cell_get(&cell).ok_or("super(): empty __class__ cell")?;
    Ok((cls, first))
}

/// What the rest of the interpreter asks of a frame: its delegation state (for
/// generators), its names, and its locals as a mapping.
impl Frame {
    /// For a frame suspended inside the delegation loop of `yield from` or `await`, the
    /// sub-iterator it delegates to (CPython's `_PyGen_yf`): the compiler marks that
    /// loop's YIELD_VALUE with argument 1, and the sub-iterator is then on top of the
    /// stack.
    pub(crate) fn delegate(&self) -> Option<PyObj> {
        let ins = bytecode::decode_at(&self.data().code.code, self.last_pc.get()).ok()?;
        if ins.op == Op::YIELD_VALUE && ins.arg == 1 {
            self.peek_opt(1).map(|v| (*v).clone())
        } else {
            None
        }
    }

    /// Leaves a suspended delegation loop as if its sub-iterator had returned `value`:
    /// pops the sub-iterator, pushes `value` and continues after the loop's SEND (the
    /// loop is `YIELD_VALUE 1; RESUME 1; JUMP_BACKWARD to SEND`, as the compiler emits
    /// it).
    ///
    /// # Errors
    /// `SystemError` if the code around the suspension point is not that loop.
    pub(crate) fn finish_delegation(&self, value: PyObj) -> PyResult<()> {
        let code = &self.data().code.code;
        let resume = bytecode::decode_at(code, self.next.get()).map_err(exc::system_error)?;
        let back = bytecode::decode_at(code, resume.next_offset()).map_err(exc::system_error)?;
        let send = back
            .jump_target()
            .and_then(|t| bytecode::decode_at(code, t).ok())
            .filter(|i| i.op == Op::SEND && back.op == Op::JUMP_BACKWARD);
        let Some(exit) = send.and_then(|s| s.jump_target()) else {
            return Err(exc::system_error("suspended outside a yield-from loop"));
        };
        drop(self.pop());
        self.push_obj(value);
        self.next.set(exit);
        Ok(())
    }

    /// The code's name and qualified name.
    pub(crate) fn names(&self) -> (PyObj, PyObj) {
        let code = self.code();
        let c = function::code(&code);
        (c.name.clone(), c.qualname.clone())
    }

    /// The locals of a frame as `locals()` returns them: its locals mapping (module and
    /// class bodies), or the frame's one locals dict refreshed from its fast locals,
    /// cells and free variables (function frames, as CPython 3.11's
    /// `PyFrame_FastToLocals`: names that are unbound now are removed, other keys, such
    /// as those `exec()` added, stay).
    pub(crate) fn locals_mapping(&self) -> PyResult<PyObj> {
        if let Some(l) = &self.locals {
            return Ok(l.clone());
        }
        let d = self.fast_locals_dict();
        let code = &self.data().code;
        let names = code.localsplus_names();
        let first_cell = code.varnames.len();
        for (i, name) in names.iter().enumerate() {
            let Some(v) = self.local(i) else {
                let _ = dict::del_item(&d, &pystr::new(name));
                continue;
            };
            let is_cell = code.cellvars.iter().any(|c| c == name) || i >= first_cell;
            let value = if is_cell {
                function::cell_get(&v)
            } else {
                Some((*v).clone())
            };
            match value {
                Some(value) => dict::set_item_str(&d, name, value),
                None => {
                    let _ = dict::del_item(&d, &pystr::new(name));
                }
            }
        }
        Ok(d)
    }
}
