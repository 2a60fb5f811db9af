//! Interpreter frames (CPython's `_PyInterpreterFrame`, Include/internal/pycore_frame.h),
//! each thread's data stack they live on, and each thread's frame chain.
//!
//! **Layout.** A [`Frame`] is a `#[repr(C)]` header followed directly by its slots: the
//! locals-plus slots (fast locals, cells, free variables), then the value stack, as
//! many slots as the compiler's maximum stack depth. The offsets of the header fields
//! and of the slots are fixed, for code that will reach frames without Rust (the JIT).
//!
//! **The data stack.** A frame that runs a function call lives on its thread's data
//! stack (CPython's `_PyThreadState` data-stack chunks): a call pushes the callee's
//! frame above its caller's and a return pops it, by moving a pointer; chunks are
//! added when the stack outgrows one. A generator's frame moves into a heap block the
//! generator owns ([`OwnedFrame`]), and runs from there whenever it is resumed.
//!
//! **Empty slots are null.** Slots at or above the value stack's depth are null, and
//! every slot of a fresh frame is: popping a value writes null back. So anyone who
//! reads a frame from outside the loop (the collector, `locals()`) may scan all of its
//! slots without knowing the depth the loop keeps in a register.
//!
//! **The frame chain.** The frame a thread runs and the frames below it, linked by
//! `previous`, form the thread's chain; its head is published (an atomic pointer) to
//! the collector, whose root source for the thread walks the chain and reports the
//! uncounted (deferred or borrowed) references the frames hold (see
//! [`crate::stackref`]). A suspended generator frame is off the chain and first turns
//! its uncounted references into counted ones ([`Frame::make_counted`]).
//!
//! The fields that change while the frame runs are `Cell`s and the slots are
//! `UnsafeCell`s, so the loop works through `&Frame` and other readers on the same
//! thread (`locals()`, zero-argument `super()`) and the collector with the world
//! stopped never alias a `&mut`.

use std::alloc::Layout;
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

/// A frame: the header below, then `nslots` slots.
#[repr(C)]
pub(crate) struct Frame {
    /// The code object (keeps `data` alive).
    code: StackRef,
    data: NonNull<CodeData>,
    globals: StackRef,
    builtins: StackRef,
    /// The function being run (for its closure), or null.
    func: StackRef,
    /// The code's constants (the items of its `co_consts`, which `code` keeps alive).
    consts: *const PyObj,
    /// The locals mapping (module and class bodies, `exec`).
    pub(crate) locals: Option<PyObj>,
    /// The frame below this one in its thread's chain, while linked.
    previous: Cell<*const Frame>,
    /// The copy of the bytecode the frame runs on its current thread (set whenever it
    /// starts or resumes running).
    pub(crate) bytecode: Cell<*const Cell<u16>>,
    /// The opcode unit of the instruction executing (or last executed) in `bytecode`.
    pub(crate) instr: Cell<*const Cell<u16>>,
    /// Where execution continues, in code units: a suspended generator, or a caller
    /// whose callee frame runs above it.
    pub(crate) next: Cell<u32>,
    /// The value stack depth while the frame's registers are not in the loop (a
    /// suspended generator, a caller under a callee).
    pub(crate) depth: Cell<u32>,
    nlocalsplus: u32,
    nslots: u32,
    /// Returning from this frame leaves the loop invocation that runs it (it was
    /// entered from Rust: a native call into Python, a generator resumption).
    pub(crate) is_entry: Cell<bool>,
    /// A suspended generator's frame was moved to another line by its trace function
    /// (`f_lineno` set at the `return` event of a `yield`): the value it is resumed
    /// with is dropped instead of becoming the `yield` expression's value (see
    /// `jump`).
    pub(crate) discard_sent: Cell<bool>,
    /// Where the frame's memory comes from.
    home: Home,
    /// The header may hold something to drop when the frame is cleared: a counted
    /// header reference or one of the rarely used fields below (set whenever one is
    /// stored, never reset), so that clearing an ordinary call's frame tests one flag.
    extras: Cell<bool>,
    /// Function frames: the dict `locals()` returns, once asked for.
    fast_locals_dict: UnsafeCell<Option<PyObj>>,
    /// The instance a CALL_ALLOC_AND_ENTER_INIT made, for the frame of its `__init__`:
    /// returning from the frame gives it to the caller.
    init_self: UnsafeCell<Option<PyObj>>,
    /// The frame's own copy of the bytecode, on a thread that has no thread-local
    /// copies (see `tlbc`).
    private_bytecode: UnsafeCell<Option<Box<[Cell<u16>]>>>,
    /// The frame's Python-visible frame object, once someone asked for it (see
    /// `frame_object`): a counted reference, detached when the frame is cleared.
    frame_obj: UnsafeCell<Option<PyObj>>,
    slots: [UnsafeCell<StackRef>; 0],
}

/// Where a frame's memory lives.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
enum Home {
    /// The thread's data stack.
    DataStack,
    /// A heap block owned by an [`OwnedFrame`] (a generator's).
    Owned,
}

/// Byte offset of the first slot from the frame's start.
const SLOTS_OFFSET: usize = std::mem::offset_of!(Frame, slots);

/// Every frame has room for at least this many slots, so that a small frame's slots
/// are nulled by a few fixed-size stores rather than a call to `memset` (see
/// [`Frame::init`]).
const MIN_SLOTS: usize = 8;

/// The bytes a frame of `nslots` slots takes (room for at least [`MIN_SLOTS`]).
fn frame_layout(nslots: usize) -> Layout {
    let size =
        std::mem::size_of::<Frame>() + nslots.max(MIN_SLOTS) * std::mem::size_of::<StackRef>();
    Layout::from_size_align(size, std::mem::align_of::<Frame>()).expect("frame size")
}

/// What a frame of `nslots` slots takes on the data stack: [`frame_layout`]'s size
/// rounded up to the data stack's 16-byte alignment (`CodeData::frame_bytes`, so that
/// a call pushes its frame without recomputing it).
pub(crate) fn frame_bytes(nslots: usize) -> usize {
    frame_layout(nslots).size().next_multiple_of(16)
}

thread_local! {
    /// This thread's frame chain.
    static CHAIN: ChainHandle = ChainHandle::default();
    /// This thread's data stack. It has no destructor of its own, so that reaching it
    /// is a plain thread-local access; [`DATA_STACK_RELEASE`] frees its chunks when
    /// the thread exits.
    static DATA_STACK: UnsafeCell<std::mem::ManuallyDrop<DataStack>> =
        const { UnsafeCell::new(std::mem::ManuallyDrop::new(DataStack::new())) };
    /// Frees this thread's data-stack chunks at thread exit (touched, and so
    /// registered for destruction, when the first chunk is made).
    static DATA_STACK_RELEASE: DataStackRelease = const { DataStackRelease };
}

/// Frees the data-stack chunks of its thread when dropped (see [`DATA_STACK`]).
struct DataStackRelease;

impl Drop for DataStackRelease {
    fn drop(&mut self) {
        // SAFETY: the thread is exiting and runs no frame any more (a destructor that
        // ran Python code after this would make fresh chunks, leaked at exit);
        // `DATA_STACK` has no destructor, so it is still there.
        let _ = DATA_STACK.try_with(|s| unsafe { (*s.get()).release_all() });
    }
}

impl Frame {
    /// Writes a fresh frame for `code` (its arguments still to be bound, every slot
    /// null) at `at`.
    ///
    /// # Safety
    /// `at` is valid for writes of `frame_layout(nslots)` bytes, aligned for `Frame`,
    /// where `nslots` is the code's locals-plus count plus its maximum stack depth.
    /// The header's references are given as frame slots (`code_ref` refers to
    /// `code`).
    #[allow(clippy::too_many_arguments)]
    unsafe fn init(
        at: NonNull<Frame>,
        code: &PyObj,
        data: NonNull<CodeData>,
        code_ref: StackRef,
        globals: StackRef,
        builtins: StackRef,
        locals: Option<PyObj>,
        func: StackRef,
    ) {
        // SAFETY: `code` is alive (the frame holds it from here on).
        let d = unsafe { data.as_ref() };
        let nlocalsplus = d.nlocalsplus;
        let nslots = nlocalsplus + d.code.max_stack as usize;
        let extras = locals.is_some()
            | code_ref.owns_count()
            | globals.owns_count()
            | builtins.owns_count()
            | func.owns_count();
        let header = Frame {
            code: code_ref,
            data,
            globals,
            builtins,
            func,
            consts: strand_objects::tuple::items(&function::code(code).consts).as_ptr(),
            locals,
            previous: Cell::new(std::ptr::null()),
            bytecode: Cell::new(std::ptr::null()),
            instr: Cell::new(std::ptr::null()),
            next: Cell::new(0),
            depth: Cell::new(0),
            nlocalsplus: nlocalsplus as u32,
            nslots: nslots as u32,
            is_entry: Cell::new(false),
            discard_sent: Cell::new(false),
            home: Home::DataStack,
            extras: Cell::new(extras),
            fast_locals_dict: UnsafeCell::new(None),
            private_bytecode: UnsafeCell::new(None),
            init_self: UnsafeCell::new(None),
            frame_obj: UnsafeCell::new(None),
            slots: [],
        };
        // SAFETY: the caller provides room for the header and `nslots` slots.
        unsafe {
            at.as_ptr().write(header);
            let slots = at
                .as_ptr()
                .cast::<u8>()
                .add(SLOTS_OFFSET)
                .cast::<StackRef>();
            // Most frames have few slots: nulling a fixed [`MIN_SLOTS`] (the frame has
            // room for them) is a few vector stores, where a call to `memset` would
            // cost more than the stores themselves.
            if nslots <= MIN_SLOTS {
                std::ptr::write_bytes(slots, 0, MIN_SLOTS);
            } else {
                std::ptr::write_bytes(slots, 0, nslots);
            }
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

    /// The code's constants, as a pointer to the first.
    #[inline(always)]
    pub(crate) fn consts(&self) -> *const PyObj {
        self.consts
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

    /// The frame below this one in its thread's chain.
    #[inline(always)]
    pub(crate) fn previous(&self) -> *const Frame {
        self.previous.get()
    }

    /// A generator's frame resumed by its caller's FOR_ITER in the caller's loop
    /// invocation (`generator::enter_for_iter`): returning, yielding or raising goes
    /// back to the caller in the same invocation and hands the frame back to its
    /// generator. (A frame on the data stack is an inlined call's; a generator's frame
    /// resumed from Rust is its invocation's entry.)
    #[inline(always)]
    pub(crate) fn is_gen_in_loop(&self) -> bool {
        self.home == Home::Owned && !self.is_entry.get()
    }

    /// Forgets the frame below this one: a generator's frame that stopped running
    /// (suspended or finished) has no caller until it is resumed again.
    pub(crate) fn clear_previous(&self) {
        self.previous.set(std::ptr::null());
    }

    /// Number of locals-plus slots.
    #[inline(always)]
    pub(crate) fn nlocalsplus(&self) -> usize {
        self.nlocalsplus as usize
    }

    /// The first slot (locals-plus slot 0; the value stack starts at
    /// [`nlocalsplus`](Self::nlocalsplus)).
    #[inline(always)]
    pub(crate) fn slots_ptr(&self) -> *mut StackRef {
        // The slots follow the header; UnsafeCell<StackRef> has StackRef's layout.
        self.slots.as_ptr().cast::<StackRef>().cast_mut()
    }

    /// Every slot, for readers outside the loop.
    #[inline(always)]
    fn slots(&self) -> &[UnsafeCell<StackRef>] {
        // SAFETY: `nslots` slots follow the header (see `init`).
        unsafe { std::slice::from_raw_parts(self.slots.as_ptr(), self.nslots as usize) }
    }

    /// The slot at `i` (every accessor below uses it for one operation and never calls
    /// out while the reference lives: dropping a reference can run arbitrary code, so
    /// references leave the slot before they are dropped).
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    fn slot(&self, i: usize) -> &mut StackRef {
        // SAFETY: only this frame's thread touches the slots while the frame runs, one
        // accessor at a time (see above); the collector reads them with the world
        // stopped, when the owner is parked outside any accessor.
        unsafe { &mut *self.slots()[i].get() }
    }

    /// The object in locals-plus slot `i`, if bound.
    #[inline(always)]
    pub(crate) fn local(&self, i: usize) -> Option<Borrowed> {
        self.slot(i).get()
    }

    /// Stores into locals-plus slot `i`; the previous value is dropped after the store.
    #[inline(always)]
    pub(crate) fn set_local(&self, i: usize, v: StackRef) {
        let old = std::mem::replace(self.slot(i), v);
        drop(old);
    }

    /// The value-stack depth, for a frame whose registers are not in the loop.
    #[inline(always)]
    pub(crate) fn stack_depth(&self) -> usize {
        self.depth.get() as usize
    }

    /// Pushes onto the value stack of a frame whose registers are not in the loop.
    #[inline]
    pub(crate) fn push(&self, v: StackRef) {
        let d = self.stack_depth();
        assert!(
            self.nlocalsplus() + d < self.nslots as usize,
            "value stack overflow (compiler bug)"
        );
        *self.slot(self.nlocalsplus() + d) = v;
        self.depth.set(d as u32 + 1);
    }

    /// Pushes a counted reference (see [`push`](Self::push)).
    #[inline]
    pub(crate) fn push_obj(&self, v: PyObj) {
        self.push(StackRef::from_owned(v));
    }

    /// Pops the value stack of a frame whose registers are not in the loop.
    pub(crate) fn pop(&self) -> StackRef {
        let d = self.stack_depth();
        assert!(d > 0, "value stack underflow (compiler bug)");
        self.depth.set(d as u32 - 1);
        std::mem::take(self.slot(self.nlocalsplus() + d - 1))
    }

    /// The `k`-th value from the top (1 = top) of a frame whose registers are not in
    /// the loop, if there is one and it is not null.
    pub(crate) fn peek_opt(&self, k: usize) -> Option<Borrowed> {
        let d = self.stack_depth();
        if k == 0 || k > d {
            return None;
        }
        self.slot(self.nlocalsplus() + d - k).get()
    }

    /// The offset (in code units) of the instruction executing, or last executed.
    pub(crate) fn last_pc(&self) -> usize {
        let (base, at) = (self.bytecode.get(), self.instr.get());
        if base.is_null() || at.is_null() {
            return 0;
        }
        // SAFETY: both point into the same bytecode copy, set together by the loop.
        unsafe { at.offset_from(base) as usize }
    }

    /// Points the frame at this thread's copy of its bytecode: it is about to run, or
    /// run again, on this thread.
    #[inline(always)]
    pub(crate) fn start_running(&self) {
        let data = self.data();
        let copy = match data.copies.for_current_thread(&data.code.code) {
            crate::tlbc::Bytecode::Shared(s) => s.as_ptr(),
            crate::tlbc::Bytecode::Private(b) => {
                // SAFETY: only the thread running the frame touches this field, and
                // the loop reads the copy only through `bytecode`, set below.
                let own = unsafe { &mut *self.private_bytecode.get() };
                self.extras.set(true);
                own.insert(b).as_ptr()
            }
        };
        self.bytecode.set(copy);
    }

    /// Makes the frame one of `__init__` for the instance `obj` (see `init_self`).
    pub(crate) fn set_init_self(&self, obj: Option<PyObj>) {
        if obj.is_some() {
            self.extras.set(true);
        }
        // SAFETY: only the thread running the frame touches this field, and no call-out
        // happens while the reference lives.
        let old = unsafe { std::mem::replace(&mut *self.init_self.get(), obj) };
        drop(old);
    }

    /// Takes the instance of an `__init__` frame (see `init_self`).
    pub(crate) fn take_init_self(&self) -> Option<PyObj> {
        // SAFETY: as in `set_init_self`.
        unsafe { (*self.init_self.get()).take() }
    }

    /// The dict that `locals()` returns for a function frame, created on first use.
    pub(crate) fn fast_locals_dict(&self) -> PyObj {
        // SAFETY: single-threaded access by the running frame; no call-out while held
        // (`dict::new` does not reach this frame).
        let slot = unsafe { &mut *self.fast_locals_dict.get() };
        self.extras.set(true);
        slot.get_or_insert_with(strand_objects::dict::new).clone()
    }

    /// The frame's `locals()` dict, if one was made.
    pub(crate) fn fast_locals_dict_opt(&self) -> Option<PyObj> {
        // SAFETY: as in `fast_locals_dict`.
        unsafe { (*self.fast_locals_dict.get()).clone() }
    }

    /// The frame's frame object, if one was made.
    pub(crate) fn frame_obj(&self) -> Option<PyObj> {
        // SAFETY: only the frame's thread (or a reader with the world stopped, when
        // that thread is parked outside this accessor) touches the field; cloning
        // calls out to nothing.
        unsafe { (*self.frame_obj.get()).clone() }
    }

    /// Records the frame's frame object (made by `frame_object::of`).
    pub(crate) fn set_frame_obj(&self, obj: PyObj) {
        // SAFETY: as in `frame_obj`; the slot is empty (objects are made once).
        let old = unsafe { (*self.frame_obj.get()).replace(obj) };
        self.extras.set(true);
        debug_assert!(old.is_none());
        drop(old);
    }

    /// Moves the value out of locals-plus slot `i` as a counted reference (a frame
    /// object detaching from the frame), leaving the slot empty.
    pub(crate) fn take_local(&self, i: usize) -> Option<PyObj> {
        std::mem::replace(self.slot(i), StackRef::NULL).into_owned()
    }

    /// Turns the uncounted references on the value stack of a frame whose registers
    /// are not in the loop into counted ones (a jump moved the frame to code whose
    /// borrowed references the compiler did not prove safe).
    pub(crate) fn count_stack(&self) {
        let base = self.nlocalsplus();
        for i in base..base + self.stack_depth() {
            self.slot(i).make_counted();
        }
    }

    /// Turns every uncounted reference the frame holds into a counted one, so that it
    /// may leave the frame chain while still holding them (a suspending generator).
    pub(crate) fn make_counted(&mut self) {
        self.extras.set(true);
        self.code.make_counted();
        self.globals.make_counted();
        self.builtins.make_counted();
        self.func.make_counted();
        // Slots above the saved stack depth are empty (the frame invariant).
        let used = (self.nlocalsplus() + self.stack_depth()).min(self.nslots as usize);
        for s in &self.slots()[..used] {
            // SAFETY: the frame is borrowed exclusively; no other reference to the
            // slot lives.
            unsafe { &mut *s.get() }.make_counted();
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
        if let Some(o) = unsafe { &*self.fast_locals_dict.get() } {
            visit(o.as_ptr());
        }
        // SAFETY: as above.
        if let Some(o) = unsafe { &*self.frame_obj.get() } {
            visit(o.as_ptr());
        }
        for i in 0..self.nslots as usize {
            if let Some(p) = self.slot(i).counted_ptr() {
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
        for i in 0..self.nslots as usize {
            if let Some(p) = self.slot(i).uncounted_ptr() {
                visit(p);
            }
        }
    }

    /// Drops everything the frame holds: the header's references, the locals-plus
    /// slots and the `depth` values on its stack (slots above are null). The frame's
    /// memory stays reserved meanwhile (dropping references may run Python code, which
    /// pushes frames above this one).
    ///
    /// # Safety
    /// The frame is unlinked, its `depth` is its stack's depth, and nobody uses it
    /// afterwards but to release its memory.
    #[inline(always)]
    unsafe fn clear(this: NonNull<Frame>) {
        let f = this.as_ptr();
        // SAFETY: the caller owns the frame; `extras` is a plain read.
        let extras = unsafe { (*f).extras.get() };
        // SAFETY: the caller owns the frame; its slots are still in place.
        unsafe {
            if extras && (*(*f).frame_obj.get()).is_some() {
                Frame::detach_frame_obj(this);
            }
        }
        // SAFETY: the caller owns the frame exclusively; each field is dropped once,
        // the slots first (they may refer to objects the header keeps alive).
        unsafe {
            let used = (*f).nlocalsplus() + (*f).stack_depth();
            debug_assert!(used <= (*f).nslots as usize);
            let slots = (*f).slots_ptr();
            for i in 0..used {
                let v = std::ptr::replace(slots.add(i), StackRef::NULL);
                drop(v);
            }
            // Most frames hold only uncounted references in their header and none of
            // its rarely used fields (`extras` unset): nothing to drop then.
            debug_assert!(
                extras || {
                    let fr = &*f;
                    !(fr.code.owns_count()
                        | fr.globals.owns_count()
                        | fr.builtins.owns_count()
                        | fr.func.owns_count()
                        | fr.locals.is_some()
                        | (*fr.fast_locals_dict.get()).is_some()
                        | (*fr.init_self.get()).is_some()
                        | (*fr.private_bytecode.get()).is_some()
                        | (*fr.frame_obj.get()).is_some())
                },
                "a frame holds header references its `extras` flag does not announce"
            );
            if extras {
                Frame::drop_header(this);
            }
        }
    }

    /// The part of [`clear`](Self::clear) for a frame that has a frame object: the
    /// object takes over the frame's values.
    ///
    /// # Safety
    /// As for [`clear`](Self::clear).
    #[cold]
    #[inline(never)]
    unsafe fn detach_frame_obj(this: NonNull<Frame>) {
        let f = this.as_ptr();
        // SAFETY: the caller owns the frame; its slots are still in place. A data-stack
        // frame's caller lies below it and is still alive; a generator's frame is
        // given no caller (its `previous` may be left from an earlier run).
        unsafe {
            if let Some(obj) = (*(*f).frame_obj.get()).take() {
                let prev = (*f).previous.get();
                let back = ((*f).home == Home::DataStack && !prev.is_null()).then(|| &*prev);
                crate::frame_object::detach(obj, &*f, back);
            }
        }
    }

    /// Drops the header's fields (the end of [`clear`](Self::clear)).
    ///
    /// # Safety
    /// As for [`clear`](Self::clear), with the slots cleared.
    #[inline(never)]
    unsafe fn drop_header(this: NonNull<Frame>) {
        // SAFETY: per the contract; each field is dropped once.
        unsafe { std::ptr::drop_in_place(this.as_ptr()) }
    }
}

// -------------------------------------------------------------------------------------
// The data stack
// -------------------------------------------------------------------------------------

/// Bytes in a data stack chunk (frames larger than this get a chunk of their own).
const CHUNK_BYTES: usize = 256 * 1024;

/// One thread's data stack: a list of chunks, frames bump-allocated in the last.
struct DataStack {
    /// `(start, size)` of every chunk, oldest first.
    chunks: Vec<(NonNull<u8>, usize)>,
    /// The chunk in use (index into `chunks`).
    current: usize,
    /// The first free byte of the chunk in use, and its end.
    top: *mut u8,
    limit: *mut u8,
}

impl DataStack {
    const fn new() -> DataStack {
        DataStack {
            chunks: Vec::new(),
            current: 0,
            top: std::ptr::null_mut(),
            limit: std::ptr::null_mut(),
        }
    }

    /// Room for `layout`, aligned.
    #[inline(always)]
    fn alloc(&mut self, layout: Layout) -> NonNull<Frame> {
        debug_assert!(layout.align() <= 16);
        self.alloc_bytes(layout.size().next_multiple_of(16))
    }

    /// Room for `size` bytes, a multiple of 16 (see [`frame_bytes`]), 16-aligned.
    #[inline(always)]
    fn alloc_bytes(&mut self, size: usize) -> NonNull<Frame> {
        debug_assert!(size.is_multiple_of(16));
        if (self.limit as usize).wrapping_sub(self.top as usize) >= size && !self.top.is_null() {
            let p = self.top;
            // SAFETY: `size` bytes are free from `top` within the chunk (checked).
            self.top = unsafe { p.add(size) };
            // SAFETY: non-null (a chunk address).
            return unsafe { NonNull::new_unchecked(p.cast::<Frame>()) };
        }
        self.alloc_in_next_chunk(size)
    }

    #[cold]
    fn alloc_in_next_chunk(&mut self, size: usize) -> NonNull<Frame> {
        // Move to the next chunk, or make one big enough.
        let next = if self.top.is_null() {
            0
        } else {
            self.current + 1
        };
        let fits = self.chunks.get(next).is_some_and(|&(_, s)| s >= size);
        if !fits {
            // Chunks past `next` are spares; a too-small spare is replaced.
            while self.chunks.len() > next {
                let (p, s) = self.chunks.pop().expect("nonempty");
                // SAFETY: allocated below with this size and alignment.
                unsafe {
                    std::alloc::dealloc(p.as_ptr(), Layout::from_size_align_unchecked(s, 16))
                };
            }
            if self.chunks.is_empty() {
                // The first chunk: have it freed at thread exit. (A thread already
                // past its thread-local destructors leaks what it makes now.)
                let _ = DATA_STACK_RELEASE.try_with(|_| ());
            }
            let s = size.max(CHUNK_BYTES);
            let layout = Layout::from_size_align(s, 16).expect("chunk size");
            // SAFETY: nonzero size.
            let p = unsafe { std::alloc::alloc(layout) };
            let Some(p) = NonNull::new(p) else {
                std::alloc::handle_alloc_error(layout);
            };
            self.chunks.push((p, s));
        }
        let (start, s) = self.chunks[next];
        self.current = next;
        // SAFETY: the chunk has `s >= size` bytes.
        unsafe {
            self.top = start.as_ptr().add(size);
            self.limit = start.as_ptr().add(s);
        }
        start.cast::<Frame>()
    }

    /// Releases the frame at `f`, the most recently allocated one.
    #[inline(always)]
    fn free(&mut self, f: NonNull<Frame>) {
        let p = f.as_ptr().cast::<u8>();
        let (start, _) = self.chunks[self.current];
        if p == start.as_ptr() && self.current > 0 {
            // The chunk is empty: back to the end of the previous one, which holds the
            // frames below. Its frames' end is where the first of them in this chunk
            // would have gone, unknown here, so the top is set from the frame below.
            self.current -= 1;
            let (prev, s) = self.chunks[self.current];
            // SAFETY: `s` is the chunk's size.
            self.limit = unsafe { prev.as_ptr().add(s) };
            self.top = self.limit;
            // The space between the last frame of the previous chunk and its end is
            // reclaimed when that frame is freed (below, `p` then lies within it).
        } else {
            self.top = p;
        }
    }
}

impl DataStack {
    /// Frees every chunk (the thread is exiting).
    ///
    /// # Safety
    /// No frame on this data stack is in use any more.
    unsafe fn release_all(&mut self) {
        for (p, s) in std::mem::take(&mut self.chunks) {
            // SAFETY: allocated by `alloc_in_next_chunk` with this size and alignment;
            // per the contract no frame is in use.
            unsafe { std::alloc::dealloc(p.as_ptr(), Layout::from_size_align_unchecked(s, 16)) };
        }
        self.current = 0;
        self.top = std::ptr::null_mut();
        self.limit = std::ptr::null_mut();
    }
}

/// Pushes a fresh frame for `code` on this thread's data stack (arguments not bound
/// yet, unlinked). Pop it with [`pop_frame`], on the same thread, before any frame
/// pushed earlier is popped.
#[inline]
pub(crate) fn push_frame(
    code: &PyObj,
    globals: &PyObj,
    builtins: &PyObj,
    locals: Option<PyObj>,
    func: Option<&PyObj>,
) -> NonNull<Frame> {
    ThreadFrames::current().push(code, globals, builtins, locals, func)
}

/// This thread's data stack and frame chain, looked up once by a loop invocation so
/// that the calls and returns it runs reach them without thread-local lookups.
/// Valid on its thread for the thread's lifetime (the loop never outlives it); not
/// `Send`.
#[derive(Clone, Copy)]
pub(crate) struct ThreadFrames {
    stack: *mut DataStack,
    head: *const AtomicPtr<Frame>,
}

impl ThreadFrames {
    /// The calling thread's.
    #[inline]
    pub(crate) fn current() -> ThreadFrames {
        ThreadFrames {
            // `ManuallyDrop` is a transparent wrapper.
            stack: DATA_STACK.with(|s| s.get().cast::<DataStack>()),
            head: CHAIN.with(|h| &h.chain.top as *const AtomicPtr<Frame>),
        }
    }

    /// Pushes a fresh frame for `code` (see [`push_frame`]).
    #[inline(always)]
    pub(crate) fn push(
        self,
        code: &PyObj,
        globals: &PyObj,
        builtins: &PyObj,
        locals: Option<PyObj>,
        func: Option<&PyObj>,
    ) -> NonNull<Frame> {
        let data = crate::code::code_data_ptr(code);
        // SAFETY: `code` is alive.
        let d = unsafe { data.as_ref() };
        let layout = frame_layout(d.nlocalsplus + d.code.max_stack as usize);
        // SAFETY: the data stack is this thread's, alive while the thread is (see the
        // type's docs), and this is its only use in progress (no call-out while
        // borrowed).
        let at = unsafe { (*self.stack).alloc(layout) };
        // SAFETY: `at` has room for the layout.
        unsafe {
            Frame::init(
                at,
                code,
                data,
                StackRef::new_ref(code),
                StackRef::new_ref(globals),
                StackRef::new_ref(builtins),
                locals,
                func.map_or(StackRef::NULL, StackRef::new_ref),
            )
        };
        at
    }

    /// Pushes a frame for calling the Python function `func` (see
    /// [`crate::call::push_function_frame`]).
    ///
    /// Its header refers to the code object, the globals and the builtins without
    /// counts: code objects are always deferred (rooted by the frame chain while the
    /// frame is linked), and a function's globals and builtins never change, so the
    /// function, which the frame holds, keeps them alive. (A generator's frame
    /// counts them all before it leaves the chain: [`Frame::make_counted`].)
    #[inline(always)]
    pub(crate) fn push_function(self, func: &PyObj) -> NonNull<Frame> {
        let f = function::function(func);
        let code = &f.fields().code;
        let data = crate::code::code_data_ptr(code);
        // SAFETY: `code` is alive.
        let d = unsafe { data.as_ref() };
        debug_assert_eq!(
            d.frame_bytes,
            frame_bytes(d.nlocalsplus + d.code.max_stack as usize)
        );
        // SAFETY: as in `push`; `frame_bytes` is the code's frame size.
        let at = unsafe { (*self.stack).alloc_bytes(d.frame_bytes) };
        // SAFETY: `code` is alive; the flags are a plain header read.
        debug_assert!(unsafe { code.as_ptr().flags() }.contains(strand_heap::ObFlags::DEFERRED));
        let uncounted = |o: &PyObj| StackRef::from_raw(o.as_ptr(), false);
        // SAFETY: `at` has room for the layout; the uncounted references stay valid
        // while the frame lives (see above).
        unsafe {
            Frame::init(
                at,
                code,
                data,
                uncounted(code),
                uncounted(&f.globals),
                uncounted(&f.builtins),
                None,
                StackRef::new_ref(func),
            )
        };
        at
    }

    /// Clears and pops a frame (see [`pop_frame`]).
    ///
    /// # Safety
    /// As for [`pop_frame`].
    #[inline(always)]
    pub(crate) unsafe fn pop(self, f: NonNull<Frame>) {
        // SAFETY: per the contract.
        unsafe {
            debug_assert!(f.as_ref().home == Home::DataStack);
            Frame::clear(f);
            // As in `push`; frames pushed while `clear` ran are popped again.
            (*self.stack).free(f);
        }
    }

    /// Links `callee` as the frame this thread runs, above `caller`, the head of the
    /// chain now (a call the loop runs in its own invocation; see [`link`]).
    #[inline(always)]
    pub(crate) fn link_above(self, callee: &Frame, caller: *const Frame) {
        debug_assert_eq!(chain_top(), caller);
        callee.previous.set(caller);
        // SAFETY: the chain outlives the thread's loops (see the type's docs).
        unsafe { &*self.head }.store(callee as *const Frame as *mut Frame, Ordering::Release);
    }

    /// Makes `f` the head of the chain (see [`set_chain_top`]).
    #[inline(always)]
    pub(crate) fn set_head(self, f: *const Frame) {
        // SAFETY: as in `link_above`.
        unsafe { &*self.head }.store(f.cast_mut(), Ordering::Release);
    }
}

/// Clears and pops a frame made by [`push_frame`] (unlinked, the top of the data
/// stack once frames above it are popped).
///
/// # Safety
/// `f` came from [`push_frame`] on this thread, is not linked, and nobody uses it
/// afterwards.
#[inline]
pub(crate) unsafe fn pop_frame(f: NonNull<Frame>) {
    // SAFETY: per the contract.
    unsafe { ThreadFrames::current().pop(f) }
}

/// A frame in a heap block of its own: a generator's or coroutine's, which outlives
/// the call that made it and is resumed on any thread.
pub(crate) struct OwnedFrame(NonNull<Frame>);

// SAFETY: a suspended owned frame holds only counted references (see `make_counted`)
// and is used by one thread at a time (its generator's state lock hands it over).
unsafe impl Send for OwnedFrame {}

impl OwnedFrame {
    /// Moves a frame from the data stack (made by [`push_frame`], arguments bound, not
    /// linked, the data stack's top) into a heap block of its own.
    ///
    /// # Safety
    /// As for [`pop_frame`]: `f` is not used afterwards.
    pub(crate) unsafe fn from_data_stack(f: NonNull<Frame>) -> OwnedFrame {
        // SAFETY: `f` is a valid frame (per the contract).
        let nslots = unsafe { f.as_ref().nslots as usize };
        let layout = frame_layout(nslots);
        // SAFETY: nonzero size.
        let p = unsafe { std::alloc::alloc(layout) };
        let Some(p) = NonNull::new(p.cast::<Frame>()) else {
            std::alloc::handle_alloc_error(layout);
        };
        // SAFETY: both blocks hold `layout.size()` bytes; the frame is moved bit for
        // bit (it holds no pointers into itself) and the data-stack copy is released
        // without dropping anything.
        unsafe {
            std::ptr::copy_nonoverlapping(
                f.as_ptr().cast::<u8>(),
                p.as_ptr().cast::<u8>(),
                layout.size(),
            );
            (*p.as_ptr()).home = Home::Owned;
            DATA_STACK.with(|s| (*s.get()).free(f));
            if let Some(obj) = (*p.as_ptr()).frame_obj() {
                crate::frame_object::moved(&obj, p.as_ref());
            }
        }
        OwnedFrame(p)
    }
}

impl OwnedFrame {
    /// Gives up ownership while the frame runs in a loop invocation of its caller's
    /// (see `generator::enter_for_iter`); [`OwnedFrame::from_raw`] takes it back.
    pub(crate) fn into_raw(self) -> NonNull<Frame> {
        let p = self.0;
        std::mem::forget(self);
        p
    }

    /// Takes back a frame given up with [`OwnedFrame::into_raw`].
    ///
    /// # Safety
    /// `p` came from `into_raw`, and nothing else takes it back.
    pub(crate) unsafe fn from_raw(p: NonNull<Frame>) -> OwnedFrame {
        OwnedFrame(p)
    }
}

impl std::ops::Deref for OwnedFrame {
    type Target = Frame;
    fn deref(&self) -> &Frame {
        // SAFETY: the block holds a valid frame for as long as `self` lives.
        unsafe { self.0.as_ref() }
    }
}

impl std::ops::DerefMut for OwnedFrame {
    fn deref_mut(&mut self) -> &mut Frame {
        // SAFETY: the block holds a valid frame, owned by `self` alone.
        unsafe { self.0.as_mut() }
    }
}

impl Drop for OwnedFrame {
    fn drop(&mut self) {
        let layout = frame_layout(self.nslots as usize);
        // SAFETY: the frame is not linked (owners unlink before dropping) and nobody
        // else uses it; the block was allocated with this layout.
        unsafe {
            Frame::clear(self.0);
            std::alloc::dealloc(self.0.as_ptr().cast::<u8>(), layout);
        }
    }
}

// -------------------------------------------------------------------------------------
// The frame chain
// -------------------------------------------------------------------------------------

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
            f = frame.previous.get();
        }
    }
}

/// A thread's chain and the thread state it is registered with.
#[derive(Default)]
struct ChainHandle {
    chain: Arc<FrameChain>,
    registered_with: Cell<Option<strand_heap::ThreadId>>,
    /// The thread's ident, once the chain is in [`CHAINS`].
    listed_as: Cell<Option<u64>>,
}

impl Drop for ChainHandle {
    fn drop(&mut self) {
        if let Some(ident) = self.listed_as.get() {
            let mut all = CHAINS.lock().unwrap_or_else(|e| e.into_inner());
            all.retain(|(i, _)| *i != ident);
        }
    }
}

/// Every thread's frame chain, by thread ident (for `sys._current_frames()`); a
/// thread's entry goes when the thread ends.
static CHAINS: std::sync::Mutex<Vec<(u64, Arc<FrameChain>)>> = std::sync::Mutex::new(Vec::new());

/// The running frame of every thread that has one, by thread ident. The caller has
/// the world stopped (or is the only thread), so the frames cannot change meanwhile.
pub(crate) fn all_chain_tops() -> Vec<(u64, *const Frame)> {
    let all = CHAINS.lock().unwrap_or_else(|e| e.into_inner());
    all.iter()
        .map(|(i, c)| (*i, c.top.load(Ordering::Acquire) as *const Frame))
        .filter(|(_, f)| !f.is_null())
        .collect()
}

/// The head of this thread's frame chain: the frame running now (null if none).
#[inline(always)]
pub(crate) fn chain_top() -> *const Frame {
    CHAIN.with(|h| h.chain.top.load(Ordering::Relaxed))
}

/// Links `frame` as the frame this thread runs, above the current head; returns the
/// previous head, to restore with [`set_chain_top`]. The frame must not move while
/// linked.
#[inline]
pub(crate) fn link(frame: &Frame) -> *const Frame {
    CHAIN.with(|h| {
        let top = h.chain.top.load(Ordering::Relaxed);
        if top.is_null() {
            register_chain(h);
        }
        frame.previous.set(top);
        h.chain
            .top
            .store(frame as *const Frame as *mut Frame, Ordering::Release);
        top
    })
}

/// Makes `f` the head of this thread's chain (a return or an unwinding pops the
/// frame above it; a loop invocation restores the head it found).
#[inline(always)]
pub(crate) fn set_chain_top(f: *const Frame) {
    CHAIN.with(|h| h.chain.top.store(f.cast_mut(), Ordering::Release));
}

/// The outermost frame of a thread: make sure this thread state scans the chain.
#[cold]
fn register_chain(h: &ChainHandle) {
    if h.listed_as.get().is_none() {
        let ident = crate::thread_ident::get_ident();
        CHAINS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((ident, h.chain.clone()));
        h.listed_as.set(Some(ident));
        crate::exc_info::list_thread(ident);
    }
    let tid = strand_heap::current_thread_id();
    if h.registered_with.get() != tid {
        if let Some(id) = tid {
            if strand_heap::add_current_root_source(h.chain.clone()).is_some() {
                h.registered_with.set(Some(id));
            }
        }
    }
}

/// The innermost running frame of this thread, if any.
pub(crate) fn with_top<R>(f: impl FnOnce(&Frame) -> R) -> Option<R> {
    let top = chain_top();
    // SAFETY: linked frames are alive; `&Frame` is how the loop itself uses them.
    (!top.is_null()).then(|| f(unsafe { &*top }))
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
        let ins = bytecode::decode_at(&self.data().code.code, self.last_pc()).ok()?;
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
        let resume =
            bytecode::decode_at(code, self.next.get() as usize).map_err(exc::system_error)?;
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
        self.next.set(exit as u32);
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
    ///
    /// A class body's cell variables (`__class__`) are copied into its namespace the
    /// same way (their contents, or the name removed while the cell is empty); its
    /// free variables are not, as CPython skips them for code that is not optimized.
    pub(crate) fn locals_mapping(&self) -> PyResult<PyObj> {
        if let Some(l) = &self.locals {
            for (slot, name) in self.mapping_cells() {
                let key = pystr::new(&name);
                match self.local(slot).and_then(|c| cell_contents(&c)) {
                    Some(v) => strand_objects::abstract_::setitem(l, &key, &v)?,
                    None => match strand_objects::abstract_::delitem(l, &key) {
                        Err(e) if !e.is_instance(&exc::KEY_ERROR_TYPE) => return Err(e),
                        _ => {}
                    },
                }
            }
            return Ok(l.clone());
        }
        let d = self.fast_locals_dict();
        fill_locals(&d, &self.data().code, |i| {
            self.local(i).map(|v| (*v).clone())
        });
        Ok(d)
    }
}

impl Frame {
    /// Writes the values of the frame's `locals()` dict back into its fast locals,
    /// cells and free variables where they differ (CPython 3.11's
    /// `PyFrame_LocalsToFast` with `clear`, after a trace function ran): a name
    /// missing from the dict unbinds a cell's contents, and sets a bound fast local
    /// to None with a `RuntimeWarning`, as CPython does. Frames with a locals
    /// mapping (module and class bodies) write back only their cell variables, from
    /// the mapping (a name missing from it, or one the mapping fails to give,
    /// empties the cell).
    ///
    /// The frame's value stack is made counted first when a fast local changes: it
    /// may hold borrowed references to the old value (`LOAD_FAST_BORROW`). The
    /// caller has saved the frame's stack depth.
    pub(crate) fn locals_to_fast(&self) {
        if let Some(l) = &self.locals {
            for (slot, name) in self.mapping_cells() {
                let Some(cell) = self.local(slot) else {
                    continue;
                };
                if !cell.is_exact(&function::CELL_TYPE) {
                    continue;
                }
                let value = strand_objects::abstract_::getitem(l, &pystr::new(&name)).ok();
                let same = match (&function::cell_get(&cell), &value) {
                    (Some(a), Some(b)) => a.is(b),
                    (None, None) => true,
                    _ => false,
                };
                if !same {
                    let _ = function::cell_set(&cell, value);
                }
            }
            return;
        }
        let Some(d) = self.fast_locals_dict_opt() else {
            return;
        };
        let code = &self.data().code;
        let names = code.localsplus_names();
        let first_cell = code.varnames.len();
        let mut stack_counted = false;
        for (i, name) in names.iter().enumerate() {
            let value = dict::get_item_str(&d, name);
            let old = self.local(i).map(|v| (*v).clone());
            let is_cell = code.cellvars.iter().any(|c| c == name) || i >= first_cell;
            match old {
                Some(cell) if is_cell && cell.is_exact(&function::CELL_TYPE) => {
                    let current = function::cell_get(&cell);
                    let same = match (&current, &value) {
                        (Some(a), Some(b)) => a.is(b),
                        (None, None) => true,
                        _ => false,
                    };
                    if !same {
                        let _ = function::cell_set(&cell, value);
                    }
                }
                old => {
                    let same = match (&old, &value) {
                        (Some(a), Some(b)) => a.is(b),
                        (None, None) => true,
                        _ => false,
                    };
                    if same {
                        continue;
                    }
                    let value = match value {
                        Some(v) => v,
                        None => {
                            crate::runtime_warning::unbound_local_assigned(name);
                            strand_objects::singletons::none()
                        }
                    };
                    if !stack_counted {
                        self.make_stack_counted();
                        stack_counted = true;
                    }
                    self.set_local(i, StackRef::from_owned(value));
                }
            }
        }
    }

    /// The slots and names of the cell variables (not the free variables) of a frame
    /// with a locals mapping: those `f_locals` shows and writes back for a class body
    /// (CPython 3.11's `_PyFrame_FastToLocalsWithError` and `_PyFrame_LocalsToFast`
    /// skip free variables of code that is not `CO_OPTIMIZED`).
    fn mapping_cells(&self) -> Vec<(usize, String)> {
        let code = &self.data().code;
        code.cellvars
            .iter()
            .filter_map(|c| code.deref_index(c).map(|i| (i, c.clone())))
            .collect()
    }

    /// Turns the uncounted references on the value stack (its first `depth` slots)
    /// into counted ones.
    fn make_stack_counted(&self) {
        let bottom = self.nlocalsplus();
        for i in bottom..bottom + self.stack_depth() {
            self.slot(i).make_counted();
        }
    }
}

/// The contents of the cell in a cell variable's slot, or `None` while it is empty
/// or `MAKE_CELL` has not yet put a cell there.
fn cell_contents(slot: &PyObj) -> Option<PyObj> {
    if slot.is_exact(&function::CELL_TYPE) {
        function::cell_get(slot)
    } else {
        None
    }
}

/// Refreshes `d` from the locals-plus values of a frame of `code` (`value(i)` is slot
/// `i`'s): each bound name is set (a cell's contents for cell and free variables),
/// each unbound one removed; other keys stay (CPython 3.11's `PyFrame_FastToLocals`).
pub(crate) fn fill_locals(
    d: &PyObj,
    code: &strand_compiler::code::CodeObject,
    value: impl Fn(usize) -> Option<PyObj>,
) {
    let names = code.localsplus_names();
    let first_cell = code.varnames.len();
    for (i, name) in names.iter().enumerate() {
        let Some(v) = value(i) else {
            let _ = dict::del_item(d, &pystr::new(name));
            continue;
        };
        let is_cell = code.cellvars.iter().any(|c| c == name) || i >= first_cell;
        let value = if is_cell {
            function::cell_get(&v)
        } else {
            Some(v)
        };
        match value {
            Some(value) => dict::set_item_str(d, name, value),
            None => {
                let _ = dict::del_item(d, &pystr::new(name));
            }
        }
    }
}
