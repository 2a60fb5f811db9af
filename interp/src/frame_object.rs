//! Frame objects (Objects/frameobject.c): the Python-visible `frame` type, a view of
//! an interpreter frame (`Frame`) made lazily, when someone asks for it (`sys._getframe`,
//! a traceback entry, `gi_frame`), so that frames cost nothing while nobody looks.
//!
//! **Two lives.** While its interpreter frame exists, a frame object is *live*: it
//! points at the frame and reads the frame's current line, locals and caller from
//! it. The interpreter frame holds the only counted reference the pair needs (its
//! `frame_obj`); the object holds no reference back. When the interpreter frame is
//! cleared (its function returned or raised, its generator finished or was freed),
//! an object that someone else still refers to is *detached* (CPython's
//! `take_ownership` in Python/frame.c): it takes over the frame's locals-plus values,
//! records the instruction it stopped at and links to its caller's frame object
//! (`f_back`), so tracebacks and saved frames keep working after the call is gone.
//!
//! **Threads.** Only the thread that runs a frame changes it. A live frame on the
//! reader's own frame chain is read directly; any other live frame (another thread's,
//! or a suspended generator's, which any thread may resume) is read with the world
//! stopped, when every thread is parked at a safe point with its frames consistent
//! (as the collector reads them). Detaching moves the values out of the frame and
//! marks the object detached with no safe point in between, so a reader never sees a
//! half-detached frame.

use std::sync::{Mutex, MutexGuard};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::typeobj::{Slots, TypeFlags};
use strand_objects::{dict, function, int, singletons, str as pystr, PyObj, PyResult};

use crate::frame::Frame;

/// A pointer to the interpreter frame of a live frame object.
#[derive(Clone, Copy)]
struct LivePtr(*const Frame);

// SAFETY: the pointer is only dereferenced under the rules of the module docs (on the
// frame's own thread, or with the world stopped).
unsafe impl Send for LivePtr {}

/// What a frame object knows.
struct FrameState {
    /// The interpreter frame, while it lives (null once detached).
    live: LivePtr,
    /// `f_code`, `f_globals`, `f_builtins` (fixed for the frame's life).
    code: PyObj,
    globals: PyObj,
    builtins: PyObj,
    /// Detached frames: `f_back`.
    back: Option<PyObj>,
    /// Detached frames: the instruction the frame stopped at (code units).
    last_pc: usize,
    /// Detached frames: the locals-plus values (fast locals, cells, free variables).
    locals_plus: Vec<Option<PyObj>>,
    /// The locals mapping: a module or class body's, or a function frame's `locals()`
    /// dict (detached frames).
    locals: Option<PyObj>,
    /// `f_trace`.
    trace: Option<PyObj>,
    /// `f_trace_lines`.
    trace_lines: bool,
    /// `f_trace_opcodes`.
    trace_opcodes: bool,
    /// `f_locals` of a live function frame was read since its locals were last
    /// written back (CPython's `f_fast_as_locals`, see `sys_trace`).
    fast_as_locals: bool,
    /// A weak reference to the generator, coroutine or async generator that owns the
    /// frame, when the object was made through its `gi_frame`/`cr_frame`/`ag_frame`
    /// (CPython finds it from the frame's owner): `clear()` finalizes it. Weak, so
    /// that the frame object does not keep its generator alive (a coroutine dropped
    /// with its `cr_frame` still held is reported as never awaited at once).
    generator: Option<PyObj>,
}

/// The layout of a frame object.
#[repr(C)]
pub struct PyFrameObject {
    header: ObjectHeader,
    state: Mutex<FrameState>,
}

unsafe fn frame_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on frame objects only.
    let f = unsafe { &*(obj.as_ptr() as *const PyFrameObject) };
    // The world is stopped: nobody holds the lock across a safe point.
    let Ok(st) = f.state.try_lock() else {
        return;
    };
    for o in [&st.code, &st.globals, &st.builtins] {
        visit(o.as_ptr());
    }
    for o in st
        .back
        .iter()
        .chain(&st.locals)
        .chain(&st.trace)
        .chain(&st.generator)
    {
        visit(o.as_ptr());
    }
    for o in st.locals_plus.iter().flatten() {
        visit(o.as_ptr());
    }
}

unsafe fn frame_clear(obj: ObjPtr) {
    // SAFETY: installed on frame objects; the collector holds a reference.
    let f = unsafe { &*(obj.as_ptr() as *const PyFrameObject) };
    let taken = match f.state.lock() {
        Ok(mut st) => (
            (st.back.take(), st.generator.take()),
            std::mem::take(&mut st.locals_plus),
            st.trace.take(),
            if st.live.0.is_null() {
                st.locals.take()
            } else {
                None
            },
        ),
        Err(_) => return,
    };
    // Released outside the lock: deallocations may run Python code.
    drop(taken);
}

unsafe fn frame_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; the state is initialised and dropped once.
    unsafe {
        let p = obj.as_ptr() as *mut PyFrameObject;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// The `frame` type.
    pub static FRAME_TYPE = {
        name: "frame",
        layout: PyFrameObject,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(frame_traverse),
        clear: Some(frame_clear),
        dealloc: frame_dealloc,
        size: None,
        slots: Slots {
            repr: Some(frame_repr),
            ..Slots::EMPTY
        },
    }
}

/// Readies the frame type (once, after `strand_objects::init`).
pub(crate) fn init() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        FRAME_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &methods(),
            &getsets(),
        );
        strand_objects::traceback::set_frame_type(&FRAME_TYPE);
    });
}

/// `true` for frame objects.
pub fn is_frame(obj: &PyObj) -> bool {
    obj.is_exact(&FRAME_TYPE)
}

fn lock(f: &PyObj) -> MutexGuard<'_, FrameState> {
    debug_assert!(is_frame(f));
    // SAFETY: callers pass frame objects (the slots are installed on them only).
    let p = unsafe { f.payload_unchecked::<PyFrameObject>() };
    p.state.lock().unwrap_or_else(|e| e.into_inner())
}

/// The frame object of a live interpreter frame, made on first request (CPython's
/// `_PyFrame_GetFrameObject`). Called on the frame's own thread, or with the world
/// stopped.
pub(crate) fn of(frame: &Frame) -> PyObj {
    if let Some(o) = frame.frame_obj() {
        return o;
    }
    let ty = &FRAME_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the frame-object layout; the state is written
    // before the object is tracked.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyFrameObject;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(FrameState {
            live: LivePtr(frame),
            code: (*frame.code()).clone(),
            globals: (*frame.globals()).clone(),
            builtins: (*frame.builtins()).clone(),
            back: None,
            last_pc: 0,
            locals_plus: Vec::new(),
            locals: None,
            trace: None,
            trace_lines: true,
            trace_opcodes: false,
            fast_as_locals: false,
            generator: None,
        }));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    frame.set_frame_obj(obj.clone());
    obj
}

/// Points a live frame object at the frame's new address (a frame moved from the
/// data stack into a generator's block).
pub(crate) fn moved(obj: &PyObj, to: &Frame) {
    lock(obj).live = LivePtr(to);
}

/// The interpreter frame `frame` is being cleared: detach its frame object `obj`
/// (see the module docs). `back` is the caller's frame, when it is still alive.
///
/// # Safety
/// Runs on the frame's thread; the frame is unlinked and its locals-plus slots are
/// still in place; `back`, if given, is a live frame of this thread.
pub(crate) unsafe fn detach(obj: PyObj, frame: &Frame, back: Option<&Frame>) {
    // SAFETY: `obj` is alive; its counts are read, not changed.
    let shared = unsafe { strand_heap::refcount::refcount(obj.as_ptr()) } > 1;
    if !shared {
        // Nobody else can read it: nothing to keep.
        lock(&obj).live = LivePtr(std::ptr::null());
        return;
    }
    // Everything that allocates first: a collection may run here, and must find the
    // frame whole.
    let back = back.map(of);
    let locals = match &frame.locals {
        Some(l) => Some(l.clone()),
        None => frame.fast_locals_dict_opt(),
    };
    let mut values = Vec::with_capacity(frame.nlocalsplus());
    // From here to the end no safe point: the values move out and the object is
    // marked detached together.
    for i in 0..frame.nlocalsplus() {
        values.push(frame.take_local(i));
    }
    let mut st = lock(&obj);
    st.live = LivePtr(std::ptr::null());
    st.back = back;
    st.last_pc = frame.last_pc();
    st.locals_plus = values;
    st.locals = locals;
}

/// How a reader sees a frame: live (its interpreter frame) or detached (the state).
enum View<'a> {
    Live(&'a Frame),
    Detached(&'a FrameState),
}

/// Whether `f` is on this thread's frame chain (so this thread runs it and may read it
/// directly).
pub(crate) fn on_my_chain(f: *const Frame) -> bool {
    let mut at = crate::frame::chain_top();
    while !at.is_null() {
        if std::ptr::eq(at, f) {
            return true;
        }
        // SAFETY: linked frames are alive while linked; this thread owns its chain.
        at = unsafe { (*at).previous() };
    }
    false
}

/// Runs `read` on the frame object's view: directly for a detached frame or one this
/// thread runs, with the world stopped for any other live frame. `read` must not
/// allocate Python objects (the world may be stopped) and must not block.
fn read<R>(obj: &PyObj, read: impl FnOnce(View<'_>) -> R) -> R {
    let live = lock(obj).live;
    if live.0.is_null() || on_my_chain(live.0) {
        let st = lock(obj);
        return if st.live.0.is_null() {
            read(View::Detached(&st))
        } else {
            let p = st.live.0;
            drop(st);
            // SAFETY: a frame on this thread's chain stays alive while this thread
            // reads it (only this thread clears it).
            read(View::Live(unsafe { &*p }))
        };
    }
    let _world = if strand_heap::stw::is_world_stopped_by_me() {
        None
    } else {
        Some(strand_heap::stw::stop_the_world())
    };
    let st = lock(obj);
    if st.live.0.is_null() {
        read(View::Detached(&st))
    } else {
        // SAFETY: the world is stopped: the frame's thread is parked at a safe point,
        // where its frames are consistent, and cannot clear it meanwhile (detaching
        // has no safe point between moving the values out and marking the object).
        read(View::Live(unsafe { &*st.live.0 }))
    }
}

/// The instruction a frame object's frame is at, or stopped at (code units).
fn last_pc(obj: &PyObj) -> usize {
    read(obj, |v| match v {
        View::Live(f) => f.last_pc(),
        View::Detached(st) => st.last_pc,
    })
}

/// The current line of a frame object's frame (`f_lineno`).
pub fn lineno(obj: &PyObj) -> u32 {
    let pc = last_pc(obj);
    let code = lock(obj).code.clone();
    line_at(&code, pc)
}

/// The line of the instruction at `pc` of `code` (the first line for instructions
/// without one).
pub(crate) fn line_at(code: &PyObj, pc: usize) -> u32 {
    let data = crate::code::code_data(code);
    data.code.lines.line_of(pc).unwrap_or(data.code.firstlineno)
}

/// `f_trace` of a frame object: the local trace function, if any.
pub(crate) fn trace(obj: &PyObj) -> Option<PyObj> {
    lock(obj).trace.clone()
}

/// Sets `f_trace` of a frame object (the old one is dropped after the lock is
/// released).
pub(crate) fn set_trace(obj: &PyObj, trace: Option<PyObj>) {
    let old = std::mem::replace(&mut lock(obj).trace, trace);
    drop(old);
}

/// Whether `f_locals` of the frame was read since its locals were last written back.
pub(crate) fn fast_as_locals(obj: &PyObj) -> bool {
    lock(obj).fast_as_locals
}

/// Like [`fast_as_locals`], and clears it (the locals are written back now).
pub(crate) fn take_fast_as_locals(obj: &PyObj) -> bool {
    std::mem::take(&mut lock(obj).fast_as_locals)
}

/// `(f_trace_lines, f_trace_opcodes)` of a frame object.
pub(crate) fn trace_flags(obj: &PyObj) -> (bool, bool) {
    let st = lock(obj);
    (st.trace_lines, st.trace_opcodes)
}

/// `f_code` of a frame object.
pub fn code(obj: &PyObj) -> PyObj {
    lock(obj).code.clone()
}

/// `f_back`: the caller's frame object (made now for a live caller), or None.
fn back(obj: &PyObj) -> Option<PyObj> {
    let live = lock(obj).live;
    if live.0.is_null() {
        return lock(obj).back.clone();
    }
    if on_my_chain(live.0) {
        // SAFETY: on this thread's chain: alive, and its `previous` too.
        let prev = unsafe { (*live.0).previous() };
        // SAFETY: the caller's frame is linked below this one.
        return (!prev.is_null()).then(|| of(unsafe { &*prev }));
    }
    // Another thread's frame: its caller's object is made with the world stopped.
    let _world =
        (!strand_heap::stw::is_world_stopped_by_me()).then(strand_heap::stw::stop_the_world);
    let st = lock(obj);
    if st.live.0.is_null() {
        return st.back.clone();
    }
    // SAFETY: the world is stopped (see `read`). A data-stack frame's caller lies
    // below it and outlives it; a generator's frame has a caller only while it runs.
    let f = unsafe { &*st.live.0 };
    // A generator's frame that is not running has no caller (see `clear_previous`).
    let prev = f.previous();
    drop(st);
    // SAFETY: the world is stopped and the frame is linked, so its caller is alive;
    // making the caller's object writes a field its parked thread does not touch.
    (!prev.is_null()).then(|| of(unsafe { &*prev }))
}

/// `f_locals`: the frame's locals mapping (CPython 3.11's `PyFrame_FastToLocals`:
/// for function frames the frame's one `locals()` dict, refreshed; for class bodies
/// the namespace, with the cell variables copied in).
fn locals(obj: &PyObj) -> PyResult<PyObj> {
    let live = lock(obj).live;
    if !live.0.is_null() && on_my_chain(live.0) {
        // SAFETY: on this thread's chain (see `read`).
        let fm = unsafe { &*live.0 };
        // A class body's cells are copied into its namespace too (see
        // `Frame::locals_mapping`), so every frame read here is written back.
        lock(obj).fast_as_locals = true;
        return fm.locals_mapping();
    }
    // Copy the values (no allocation), then build the mapping.
    let (code, mapping, values) = read(obj, |v| match v {
        View::Live(f) => (
            (*f.code()).clone(),
            f.locals.clone(),
            (0..f.nlocalsplus())
                .map(|i| f.local(i).map(|b| (*b).clone()))
                .collect::<Vec<_>>(),
        ),
        View::Detached(st) => (st.code.clone(), None, st.locals_plus.clone()),
    });
    if let Some(m) = mapping {
        return Ok(m);
    }
    let detached = lock(obj).live.0.is_null();
    let d = if detached {
        let existing = lock(obj).locals.clone();
        match existing {
            Some(d) => d,
            None => {
                let d = dict::new();
                lock(obj).locals = Some(d.clone());
                d
            }
        }
    } else {
        // Another thread's running frame: a fresh snapshot.
        dict::new()
    };
    crate::frame::fill_locals(&d, &crate::code::code_data(&code).code, |i| {
        values.get(i).cloned().flatten()
    });
    Ok(d)
}

/// Records that `frame_obj` is the frame of generator `g` (see
/// [`FrameState::generator`]).
pub(crate) fn set_generator(frame_obj: &PyObj, g: &PyObj) {
    if lock(frame_obj).generator.is_some() {
        return;
    }
    let Ok(w) =
        strand_objects::weakref::new_weakref(&strand_objects::weakref::WEAKREF_TYPE, g, None)
    else {
        return;
    };
    let mut st = lock(frame_obj);
    if st.generator.is_none() && !st.live.0.is_null() {
        st.generator = Some(w);
    }
}

/// `frame.clear()`: drops a finished frame's locals (CPython's `frame_tp_clear`
/// through `frame_clear`). A suspended generator's frame is cleared by finalizing
/// the generator first (CPython's `_PyGen_Finalize`: closed, or reported as never
/// awaited; what goes wrong is unraisable); a running frame cannot be cleared.
fn clear(obj: &PyObj) -> PyResult<()> {
    let (live, generator) = {
        let st = lock(obj);
        (!st.live.0.is_null(), st.generator.clone())
    };
    if live {
        let g = generator.and_then(|w| strand_objects::weakref::get_target(&w));
        let Some(g) = g.filter(|g| !crate::generator::is_running(g)) else {
            return Err(exc::runtime_error("cannot clear an executing frame"));
        };
        crate::generator::finalize_generator(&g);
        if !lock(obj).live.0.is_null() {
            // The generator would not finish (it ignored GeneratorExit): its frame
            // stays as it is, as in CPython.
            return Ok(());
        }
    }
    let taken = {
        let mut st = lock(obj);
        (
            st.generator.take(),
            std::mem::take(&mut st.locals_plus),
            st.locals.take(),
            st.trace.take(),
        )
    };
    drop(taken);
    Ok(())
}

fn frame_repr(obj: &PyObj) -> PyResult<PyObj> {
    let code = code(obj);
    let c = function::code(&code);
    Ok(pystr::from_string(format!(
        "<frame at {:#x}, file {}, line {}, code {}>",
        obj.as_ptr().as_ptr() as usize,
        strand_objects::abstract_::repr_string(c.filename())?,
        lineno(obj),
        pystr::as_str(&c.name),
    )))
}

fn this<'a>(args: &'a [PyObj], name: &str) -> PyResult<&'a PyObj> {
    match args.first() {
        Some(f) if is_frame(f) => Ok(f),
        Some(o) => Err(type_error(format!(
            "descriptor '{name}' for 'frame' objects doesn't apply to a '{}' object",
            o.ty().name()
        ))),
        None => Err(type_error(format!(
            "descriptor '{name}' of 'frame' object needs an argument"
        ))),
    }
}

fn methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("clear", |args, kw| {
            Args::new(args, kw).exact("clear", 1)?;
            clear(this(args, "clear")?)?;
            Ok(singletons::none())
        }),
        MethodDef::new("__sizeof__", |args, kw| {
            Args::new(args, kw).exact("__sizeof__", 1)?;
            let f = this(args, "__sizeof__")?;
            let n = read(f, |v| match v {
                View::Live(fr) => fr.nlocalsplus(),
                View::Detached(st) => st.locals_plus.len(),
            });
            Ok(int::from_usize(
                std::mem::size_of::<PyFrameObject>() + n * std::mem::size_of::<usize>(),
            ))
        }),
    ]
}

fn bool_setter(
    name: &'static str,
    f: fn(&mut FrameState) -> &mut bool,
) -> impl Fn(&PyObj, Option<&PyObj>) -> PyResult<()> {
    move |o, v| {
        let v = v.ok_or_else(|| exc::attribute_error(format!("cannot delete {name}")))?;
        if !v.is_exact(&int::BOOL_TYPE) {
            return Err(type_error("attribute value type must be bool"));
        }
        *f(&mut lock(o)) = v.is(&int::bool_obj(true));
        Ok(())
    }
}

fn getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("f_code", |f| Ok(code(f)), None),
        GetSetDef::new("f_globals", |f| Ok(lock(f).globals.clone()), None),
        GetSetDef::new("f_builtins", |f| Ok(lock(f).builtins.clone()), None),
        GetSetDef::new("f_locals", locals, None),
        GetSetDef::new(
            "f_back",
            |f| Ok(back(f).unwrap_or_else(singletons::none)),
            None,
        ),
        GetSetDef::new(
            "f_lineno",
            |f| Ok(int::from_i64(i64::from(lineno(f)))),
            Some(|f, v| {
                let live = lock(f).live;
                // Only a frame this thread runs can be moved (and only the one whose
                // event is being sent: `jump` checks).
                let frame = (!live.0.is_null() && on_my_chain(live.0))
                    // SAFETY: on this thread's chain: alive while this thread runs
                    // the setter (see `read`).
                    .then(|| unsafe { &*live.0 });
                crate::jump::set_lineno(f, frame, v)
            }),
        ),
        GetSetDef::new(
            "f_lasti",
            // A byte offset, as CPython's (code units are two bytes).
            |f| Ok(int::from_usize(last_pc(f) * 2)),
            None,
        ),
        GetSetDef::new(
            "f_trace",
            |f| Ok(lock(f).trace.clone().unwrap_or_else(singletons::none)),
            Some(|f, v| {
                let new = v.filter(|v| !singletons::is_none(v)).cloned();
                let old = std::mem::replace(&mut lock(f).trace, new);
                drop(old);
                Ok(())
            }),
        ),
        GetSetDef::new(
            "f_trace_lines",
            |f| Ok(int::bool_obj(lock(f).trace_lines)),
            Some(|f, v| bool_setter("f_trace_lines", |s| &mut s.trace_lines)(f, v)),
        ),
        GetSetDef::new(
            "f_trace_opcodes",
            |f| Ok(int::bool_obj(lock(f).trace_opcodes)),
            Some(|f, v| bool_setter("f_trace_opcodes", |s| &mut s.trace_opcodes)(f, v)),
        ),
    ]
}

/// `sys._getframe(depth=0)`: the frame object `depth` calls below the caller's frame
/// (the innermost running frame of this thread: native functions push no frame).
///
/// # Errors
/// `ValueError` ("call stack is not deep enough") when there are not that many frames.
pub(crate) fn getframe(depth: usize) -> PyResult<PyObj> {
    let mut at = crate::frame::chain_top();
    for _ in 0..depth {
        if at.is_null() {
            break;
        }
        // SAFETY: linked frames of this thread are alive.
        at = unsafe { (*at).previous() };
    }
    if at.is_null() {
        return Err(exc::value_error("call stack is not deep enough"));
    }
    // SAFETY: as above.
    Ok(of(unsafe { &*at }))
}

/// `sys._current_frames()`: each thread's innermost running frame object, by thread
/// ident, read with the world stopped.
pub(crate) fn current_frames() -> PyObj {
    let d = dict::new();
    let _world =
        (!strand_heap::stw::is_world_stopped_by_me()).then(strand_heap::stw::stop_the_world);
    for (ident, top) in crate::frame::all_chain_tops() {
        // SAFETY: the world is stopped: every other thread is parked at a safe point
        // (or detached in a call), its linked frames alive and consistent; making a
        // frame object writes a field those threads do not touch while parked.
        let f = of(unsafe { &*top });
        let _ = dict::set_item(&d, int::from_i128(i128::from(ident)), f);
    }
    d
}
