//! The `_asyncio` module (CPython 3.11's Modules/_asynciomodule.c): native
//! `Future` and `Task` classes, the per-thread running loop, and the task registry
//! that `asyncio.futures`, `asyncio.tasks` and `asyncio.events` pick up in place of
//! their pure-Python versions.
//!
//! - [`future`]: `Future` (the states, results, callbacks scheduled with
//!   `loop.call_soon` in their contexts, cancellation with a message, the "exception
//!   was never retrieved" report when a future is freed) and its awaitable iterator.
//! - [`task`]: `Task`, a future driving a coroutine one step at a time (`send` or
//!   `throw`, waiting on the futures it yields, cancellation requests), and the
//!   "Task was destroyed but it is pending!" report.
//! - [`running_loop`]: `get_running_loop`, `_get_running_loop`, `_set_running_loop`,
//!   `get_event_loop`, `_get_event_loop`.
//!
//! The module-level registry is what `asyncio.tasks` reads: `_all_tasks` (a
//! `weakref.WeakSet` of every task made), `_current_tasks` (a dict from a loop to the
//! task it is running), with `_register_task`, `_unregister_task`, `_enter_task` and
//! `_leave_task`.
//!
//! The Python objects the C module imports at start-up (`asyncio.exceptions`'
//! classes, the repr helpers of `asyncio.base_futures` and `asyncio.base_tasks`,
//! `asyncio.coroutines.iscoroutine`, `traceback.extract_stack`, ...) are looked up
//! here on first use and kept for the process ([`python_attr`]): `_asyncio` is
//! imported from inside `asyncio.events` while that module is still being made.

pub mod future;
pub mod running_loop;
pub mod task;

use std::sync::OnceLock;

use strand_heap::ObjectHeader;
use strand_interp::native_module::add_functions;
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions as exc;
use strand_objects::{dict, module, singletons, str as pystr, tuple, PyErr, PyObj, PyResult};

use crate::modsupport::Leaked;

/// A Python object looked up once (on first successful use) and kept for the
/// process; a failed lookup is retried next time.
pub struct Cached(OnceLock<usize>);

impl Cached {
    /// Not yet looked up.
    pub const fn new() -> Cached {
        Cached(OnceLock::new())
    }

    /// The object, found by `find` the first time it succeeds.
    pub fn get(&self, find: impl FnOnce() -> PyResult<PyObj>) -> PyResult<PyObj> {
        let addr = match self.0.get() {
            Some(a) => *a,
            None => {
                let o = find()?;
                let addr = o.addr();
                match self.0.set(addr) {
                    // The reference is leaked: the object lives for the process.
                    Ok(()) => {
                        let _ = o.into_ptr();
                        addr
                    }
                    // Another thread stored first: ours is dropped.
                    Err(_) => *self.0.get().expect("set by the other thread"),
                }
            }
        };
        let ptr = strand_heap::ObjPtr::from_raw(addr as *mut ObjectHeader)
            .expect("cached objects are non-null");
        // SAFETY: the reference leaked above keeps the object alive for the process.
        Ok(unsafe { PyObj::from_borrowed(ptr) })
    }
}

impl Default for Cached {
    fn default() -> Self {
        Cached::new()
    }
}

/// `module.name`, importing `module` (a dotted name) if needed.
pub fn python_attr(module: &str, name: &str) -> PyResult<PyObj> {
    let m = strand_interp::import::import(
        &pystr::new(module),
        &dict::new(),
        &tuple::from_vec(vec![pystr::new(name)]),
        &strand_objects::int::from_i64(0),
    )?;
    ab::getattr(&m, &pystr::intern(name))
}

macro_rules! cached_attr {
    ($(#[$m:meta])* $fn:ident, $module:literal, $name:literal) => {
        $(#[$m])*
        pub fn $fn() -> PyResult<PyObj> {
            static C: Cached = Cached::new();
            C.get(|| python_attr($module, $name))
        }
    };
}

cached_attr!(
    /// `asyncio.exceptions.CancelledError`.
    cancelled_error_class,
    "asyncio.exceptions",
    "CancelledError"
);
cached_attr!(
    /// `asyncio.exceptions.InvalidStateError`.
    invalid_state_error_class,
    "asyncio.exceptions",
    "InvalidStateError"
);
cached_attr!(
    /// `asyncio.events.get_event_loop_policy`.
    get_event_loop_policy_func,
    "asyncio.events",
    "get_event_loop_policy"
);
cached_attr!(
    /// `asyncio.base_futures._future_repr`.
    future_repr_func,
    "asyncio.base_futures",
    "_future_repr"
);
cached_attr!(
    /// `asyncio.base_tasks._task_repr`.
    task_repr_func,
    "asyncio.base_tasks",
    "_task_repr"
);
cached_attr!(
    /// `asyncio.base_tasks._task_get_stack`.
    task_get_stack_func,
    "asyncio.base_tasks",
    "_task_get_stack"
);
cached_attr!(
    /// `asyncio.base_tasks._task_print_stack`.
    task_print_stack_func,
    "asyncio.base_tasks",
    "_task_print_stack"
);
cached_attr!(
    /// `asyncio.coroutines.iscoroutine`.
    iscoroutine_func,
    "asyncio.coroutines",
    "iscoroutine"
);
cached_attr!(
    /// `traceback.extract_stack`.
    extract_stack_func,
    "traceback",
    "extract_stack"
);

/// `InvalidStateError(msg)` to raise.
pub fn invalid_state(msg: impl AsRef<str>) -> PyErr {
    match invalid_state_error_class() {
        Ok(cls) => crate::modsupport::raise(&cls, msg),
        Err(e) => e,
    }
}

/// `_asyncio._all_tasks`: a `weakref.WeakSet` of every task made.
fn all_tasks_set() -> PyResult<PyObj> {
    static SET: Cached = Cached::new();
    SET.get(|| ab::call0(&python_attr("weakref", "WeakSet")?))
}

/// `_asyncio._current_tasks`: loop → the task it is running.
fn current_tasks() -> PyObj {
    static DICT: Leaked = Leaked::new();
    DICT.get_or_init(dict::new)
}

/// Adds `task` to `_all_tasks` (CPython's `register_task`).
pub fn register_task(task: &PyObj) -> PyResult<()> {
    ab::call_method(&all_tasks_set()?, "add", std::slice::from_ref(task)).map(drop)
}

/// Makes `task` the one `loop_` is running (CPython's `enter_task`).
///
/// # Errors
/// `RuntimeError` if the loop is already running another task.
pub fn enter_task(loop_: &PyObj, task: &PyObj) -> PyResult<()> {
    let d = current_tasks();
    if let Some(cur) = dict::get_item(&d, loop_)? {
        return Err(exc::runtime_error(format!(
            "Cannot enter into task {} while another task {} is being executed.",
            ab::repr_string(task)?,
            ab::repr_string(&cur)?
        )));
    }
    dict::set_item(&d, loop_.clone(), task.clone())
}

/// Undoes [`enter_task`] (CPython's `leave_task`).
///
/// # Errors
/// `RuntimeError` if `task` is not the one the loop is running.
pub fn leave_task(loop_: &PyObj, task: &PyObj) -> PyResult<()> {
    let d = current_tasks();
    let cur = dict::get_item(&d, loop_)?;
    if !cur.as_ref().is_some_and(|c| c.is(task)) {
        let cur = cur.unwrap_or_else(singletons::none);
        return Err(exc::runtime_error(format!(
            "Leaving task {} does not match the current task {}.",
            ab::repr_string(task)?,
            ab::repr_string(&cur)?
        )));
    }
    dict::del_item(&d, loop_).map(drop)
}

fn m_register_task(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("_register_task", 0, &["task"], 1)?;
    register_task(b[0].expect("required"))?;
    Ok(singletons::none())
}

fn m_unregister_task(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("_unregister_task", 0, &["task"], 1)?;
    ab::call_method(
        &all_tasks_set()?,
        "discard",
        &[b[0].expect("required").clone()],
    )?;
    Ok(singletons::none())
}

fn m_enter_task(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("_enter_task", 0, &["loop", "task"], 2)?;
    enter_task(b[0].expect("required"), b[1].expect("required"))?;
    Ok(singletons::none())
}

fn m_leave_task(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("_leave_task", 0, &["loop", "task"], 2)?;
    leave_task(b[0].expect("required"), b[1].expect("required"))?;
    Ok(singletons::none())
}

/// The `_asyncio` module.
pub fn make_module() -> PyObj {
    future::ready();
    task::ready();
    let m = module::new_native_module("_asyncio");
    add_functions(
        &m,
        "_asyncio",
        &[
            ("get_running_loop", running_loop::m_get_running_loop),
            (
                "_get_running_loop",
                running_loop::m_private_get_running_loop,
            ),
            ("_set_running_loop", running_loop::m_set_running_loop),
            ("get_event_loop", running_loop::m_get_event_loop),
            ("_get_event_loop", running_loop::m_private_get_event_loop),
            ("_register_task", m_register_task),
            ("_unregister_task", m_unregister_task),
            ("_enter_task", m_enter_task),
            ("_leave_task", m_leave_task),
        ],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "Future", future::FUTURE_TYPE.to_obj());
    dict::set_item_str(&d, "Task", task::TASK_TYPE.to_obj());
    dict::set_item_str(&d, "_current_tasks", current_tasks());
    // `_all_tasks` needs `weakref`, which imports nothing of asyncio's.
    match all_tasks_set() {
        Ok(s) => dict::set_item_str(&d, "_all_tasks", s),
        Err(e) => strand_objects::unraisable::write_unraisable(&e, &m),
    }
    m
}
