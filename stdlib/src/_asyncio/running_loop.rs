//! The running event loop of each thread (CPython's `get_running_loop`,
//! `_set_running_loop` and `get_event_loop` in Modules/_asynciomodule.c).
//!
//! Strand has no GIL, so the loop lives in a thread-local, with the process id it
//! was set in: a child made by `fork()` does not see its parent's loop as running
//! (CPython's `rl_pid` check).

use std::cell::RefCell;

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions as exc;
use strand_objects::{singletons, PyObj, PyResult};

thread_local! {
    /// The loop `_set_running_loop` stored on this thread, and the pid it ran in.
    static RUNNING: RefCell<Option<(PyObj, u32)>> = const { RefCell::new(None) };
}

/// Drops the thread's running loop when it exits.
fn clear_running() {
    let old = RUNNING.with(|r| r.borrow_mut().take());
    drop(old);
}

/// Registers [`clear_running`] with the thread-exit hooks (once per process).
fn register_exit() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| strand_interp::thread_exit::register(clear_running));
}

/// The loop running on this thread, if any (and if set in this process).
pub fn running_loop() -> Option<PyObj> {
    let pid = std::process::id();
    RUNNING.with(|r| match &*r.borrow() {
        Some((l, p)) if *p == pid && !singletons::is_none(l) => Some(l.clone()),
        _ => None,
    })
}

/// The running loop, or `RuntimeError: no running event loop`.
pub fn get_running_loop() -> PyResult<PyObj> {
    running_loop().ok_or_else(|| exc::runtime_error("no running event loop"))
}

/// The running loop, else the policy's `get_event_loop()` (CPython's
/// `get_event_loop`, what a future made without a loop is bound to).
pub fn get_event_loop() -> PyResult<PyObj> {
    if let Some(l) = running_loop() {
        return Ok(l);
    }
    let policy = ab::call0(&super::get_event_loop_policy_func()?)?;
    ab::call_method(&policy, "get_event_loop", &[])
}

/// `get_running_loop()`.
pub fn m_get_running_loop(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("get_running_loop", 0)?;
    get_running_loop()
}

/// `_get_running_loop()`: the running loop or None.
pub fn m_private_get_running_loop(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("_get_running_loop", 0)?;
    Ok(running_loop().unwrap_or_else(singletons::none))
}

/// `_set_running_loop(loop)`: `loop` (or None) becomes this thread's running loop.
pub fn m_set_running_loop(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("_set_running_loop", 1)?;
    let new = if singletons::is_none(&a[0]) {
        None
    } else {
        Some((a[0].clone(), std::process::id()))
    };
    if new.is_some() {
        register_exit();
    }
    let old = RUNNING.with(|r| std::mem::replace(&mut *r.borrow_mut(), new));
    drop(old);
    Ok(singletons::none())
}

/// `get_event_loop()`.
pub fn m_get_event_loop(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("get_event_loop", 0)?;
    get_event_loop()
}

/// `_get_event_loop(stacklevel=3)` (kept in 3.11 for compatibility; the stack level
/// is unused, as in CPython 3.11.7).
pub fn m_private_get_event_loop(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("_get_event_loop", 0, &["stacklevel"], 0)?;
    if let Some(s) = b[0] {
        crate::modsupport::c_int(s)?;
    }
    get_event_loop()
}
