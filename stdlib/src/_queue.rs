//! The `_queue` module (CPython's Modules/_queuemodule.c): `SimpleQueue`, an
//! unbounded FIFO queue whose `get` may block with a timeout, and `Empty`, the
//! exception `queue.Empty` is. CPython's `queue.py` imports both (it falls back to a
//! Python `_PySimpleQueue` on a semaphore when they are missing).
//!
//! Thread safety: the items live in a Rust mutex with a condition variable beside
//! it. Items are pushed and popped only while the thread is attached, with the mutex
//! held and no Python code running; `put` never blocks. A `get` that finds the queue
//! empty waits detached (stop_the_world.md) on the condition variable until the
//! queue is non-empty, its deadline passes or an interrupt is pending, touching
//! nothing but the queue's length; it then attaches again and retries the pop, so an
//! item taken meanwhile by another thread only sends it back to waiting. The
//! collector visits the items under `try_lock` with the world stopped: a detached
//! waiter that holds the mutex at that moment makes it skip them, which only keeps
//! them alive for that collection.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::MethodDef;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{dict, float, int, module, singletons, PyObj, PyResult};

use crate::modsupport::{self, Leaked};

/// The layout of `_queue.SimpleQueue`.
#[repr(C)]
pub struct PySimpleQueue {
    header: ObjectHeader,
    items: Mutex<VecDeque<PyObj>>,
    /// Signalled once per `put`.
    not_empty: Condvar,
}

unsafe fn sq_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on simple queues, whose fields are initialised.
    let q = unsafe { &*(obj.as_ptr() as *const PySimpleQueue) };
    // The world is stopped: attached threads hold the mutex only between two safe
    // points, so only a detached waiter can hold it now (see the module doc).
    if let Ok(items) = q.items.try_lock() {
        for x in items.iter() {
            visit(x.as_ptr());
        }
    }
}

unsafe fn sq_clear(obj: ObjPtr) {
    // SAFETY: the collector holds a reference; fields initialised.
    let q = unsafe { &*(obj.as_ptr() as *const PySimpleQueue) };
    let taken = std::mem::take(&mut *modsupport::lock(&q.items));
    // Dropped after the mutex is released: a `__del__` may use the queue.
    drop(taken);
}

unsafe fn sq_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `sq_new`.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PySimpleQueue;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).items));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).not_empty));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_queue.SimpleQueue`.
    pub static SIMPLE_QUEUE_TYPE = {
        name: "_queue.SimpleQueue",
        layout: PySimpleQueue,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::MANAGED_WEAKREF),
        traverse: Some(sq_traverse),
        clear: Some(sq_clear),
        dealloc: sq_dealloc,
        size: None,
        slots: Slots {
            new: Some(sq_new),
            ..Slots::EMPTY
        },
    }
}

static EMPTY: Leaked = Leaked::new();

/// `_queue.Empty`, the exception `get` raises on an empty queue.
fn empty_class() -> PyObj {
    EMPTY.get_or_init(|| {
        let cls =
            modsupport::new_exception_class("_queue", "Empty", &[exc::EXCEPTION_TYPE.to_obj()]);
        // Best effort: the class is fresh and its dict accepts the docstring.
        let _ = ab::setattr(
            &cls,
            &strand_objects::str::intern("__doc__"),
            &strand_objects::str::new("Exception raised by Queue.get(block=0)/get_nowait()."),
        );
        cls
    })
}

/// `_queue.Empty()` to raise (no arguments, as CPython's `PyErr_SetNone`).
fn empty_error() -> strand_objects::PyErr {
    exc::call_exception_class(&empty_class(), &[])
}

fn sq_new(cls: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "SimpleQueue.__new__(X)")?;
    if std::ptr::eq(ty, &SIMPLE_QUEUE_TYPE) {
        let a = Args::new(args, kw);
        if a.nargs() > 0 {
            return Err(type_error("SimpleQueue() takes no positional arguments"));
        }
        if a.has_kwargs() {
            return Err(type_error("SimpleQueue() takes no keyword arguments"));
        }
    }
    Ok(alloc_queue(ty))
}

fn alloc_queue(ty: &PyType) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PySimpleQueue layout; the fields are
    // written and the slots region zeroed before the object is finished (tracked).
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PySimpleQueue;
        std::ptr::addr_of_mut!((*p).items).write(Mutex::new(VecDeque::new()));
        std::ptr::addr_of_mut!((*p).not_empty).write(Condvar::new());
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn payload<'a>(o: &'a PyObj, what: &str) -> PyResult<&'a PySimpleQueue> {
    if !o.is_instance_of(&SIMPLE_QUEUE_TYPE) {
        return Err(type_error(format!(
            "descriptor '{what}' requires a '_queue.SimpleQueue' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked: simple queues and their subclasses start with the layout.
    Ok(unsafe { o.payload_unchecked::<PySimpleQueue>() })
}

/// Appends `item` and wakes one waiting `get`.
fn put(q: &PySimpleQueue, item: PyObj) {
    modsupport::lock(&q.items).push_back(item);
    q.not_empty.notify_one();
}

/// Takes the first item, if any, without blocking.
fn try_pop(q: &PySimpleQueue) -> Option<PyObj> {
    modsupport::lock(&q.items).pop_front()
}

/// The `timeout` argument of `get` (`None`: wait for ever), as CPython's
/// `_PyTime_FromSecondsObject` reads it.
fn timeout_arg(t: Option<&PyObj>) -> PyResult<Option<Duration>> {
    let Some(t) = t.filter(|t| !singletons::is_none(t)) else {
        return Ok(None);
    };
    let out_of_range = || exc::overflow_error("timestamp out of range for platform time_t");
    let secs = if float::is_float(t) {
        let f = float::value(t);
        if f.is_nan() {
            return Err(value_error("Invalid value NaN (not a number)"));
        }
        if !(-9.2e18..9.2e18).contains(&f) {
            return Err(out_of_range());
        }
        f
    } else {
        let i = ab::index(t)?;
        int::to_isize(&i).map_err(|_| out_of_range())? as f64
    };
    if secs < 0.0 {
        return Err(value_error("'timeout' must be a non-negative number"));
    }
    // Beyond what an Instant can hold, the wait is unbounded in practice.
    Ok(Some(
        Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX),
    ))
}

/// `get(block=True, timeout=None)`: the first item, waiting detached while the queue
/// is empty (up to `timeout`); `_queue.Empty` if there is none.
fn get(q: &PySimpleQueue, block: bool, timeout: Option<Duration>) -> PyResult<PyObj> {
    if let Some(x) = try_pop(q) {
        return Ok(x);
    }
    let deadline = match timeout {
        _ if !block => return Err(empty_error()),
        Some(t) => Instant::now().checked_add(t),
        None => None,
    };
    let slice = strand_interp::signals::wait_slice();
    loop {
        // Wait detached until the queue looks non-empty; the pop happens attached.
        let woke = strand_heap::with_detached(|| {
            let mut items = q.items.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if !items.is_empty() {
                    return Some(true);
                }
                items = match crate::modsupport::wait_once(&q.not_empty, items, deadline, slice) {
                    Ok(g) => g,
                    Err(crate::modsupport::WaitStop::TimedOut) => return Some(false),
                    Err(crate::modsupport::WaitStop::Interrupted) => return None,
                };
            }
        });
        match woke {
            Some(true) => {
                if let Some(x) = try_pop(q) {
                    return Ok(x);
                }
            }
            Some(false) => {
                // The deadline passed; an item may have arrived at the last moment.
                return try_pop(q).ok_or_else(empty_error);
            }
            None => strand_interp::signals::check_interrupt()?,
        }
    }
}

fn methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("put", |a, k| {
            let b = Args::new(a, k).bind("put", 1, &["item", "block", "timeout"], 1)?;
            let q = payload(&a[0], "put")?;
            put(q, b[0].expect("required").clone());
            Ok(singletons::none())
        }),
        MethodDef::new("put_nowait", |a, k| {
            let b = Args::new(a, k).bind("put_nowait", 1, &["item"], 1)?;
            let q = payload(&a[0], "put_nowait")?;
            put(q, b[0].expect("required").clone());
            Ok(singletons::none())
        }),
        MethodDef::new("get", |a, k| {
            let b = Args::new(a, k).bind("get", 1, &["block", "timeout"], 0)?;
            let q = payload(&a[0], "get")?;
            let block = b[0].map(ab::is_true).transpose()?.unwrap_or(true);
            let timeout = timeout_arg(b[1])?;
            get(q, block, timeout)
        }),
        MethodDef::new("get_nowait", |a, k| {
            Args::new(a, k).exact("SimpleQueue.get_nowait", 1)?;
            get(payload(&a[0], "get_nowait")?, false, None)
        }),
        MethodDef::new("empty", |a, k| {
            Args::new(a, k).exact("SimpleQueue.empty", 1)?;
            let q = payload(&a[0], "empty")?;
            Ok(int::bool_obj(modsupport::lock(&q.items).is_empty()))
        }),
        MethodDef::new("qsize", |a, k| {
            Args::new(a, k).exact("SimpleQueue.qsize", 1)?;
            let q = payload(&a[0], "qsize")?;
            Ok(int::from_usize(modsupport::lock(&q.items).len()))
        }),
        MethodDef::class("__class_getitem__", |a, k| {
            Args::new(a, k).exact("__class_getitem__", 2)?;
            Ok(strand_objects::genericalias::new_generic_alias(
                a[0].clone(),
                a[1].clone(),
            ))
        }),
    ]
}

/// Makes the `_queue` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        SIMPLE_QUEUE_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &methods(),
            &[],
        );
    });
    let m = module::new_native_module("_queue");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "SimpleQueue", SIMPLE_QUEUE_TYPE.to_obj());
    dict::set_item_str(&d, "Empty", empty_class());
    m
}
