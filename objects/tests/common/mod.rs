//! Shared set-up for the object-model tests: an attached thread state and an
//! initialised object model, plus small constructors.
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard};

use strand_heap::ThreadState;
use strand_objects::abstract_ as ab;
use strand_objects::PyObj;

/// Keeps tests that count objects or run the collector apart, with a thread state
/// attached for the test's duration.
pub struct Env {
    _ts: ThreadState,
    _lock: Option<MutexGuard<'static, ()>>,
}

static SERIAL: Mutex<()> = Mutex::new(());

/// A thread state and an initialised object model.
pub fn env() -> Env {
    let ts = ThreadState::attach_new();
    strand_objects::init();
    Env {
        _ts: ts,
        _lock: None,
    }
}

/// Like [`env`], and serialised with other `env_serial` tests (for tests that count
/// live objects or run collections).
pub fn env_serial() -> Env {
    let lock = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut e = env();
    e._lock = Some(lock);
    e
}

pub fn int(v: i64) -> PyObj {
    strand_objects::int::from_i64(v)
}

pub fn float(v: f64) -> PyObj {
    strand_objects::float::from_f64(v)
}

pub fn s(v: &str) -> PyObj {
    strand_objects::str::new(v)
}

pub fn repr(o: &PyObj) -> String {
    ab::repr_string(o).expect("repr")
}

pub fn str_of(o: &PyObj) -> String {
    ab::str_string(o).expect("str")
}

/// `type(e).__name__ + ": " + str(e)` of an error.
pub fn err_line(e: &strand_objects::PyErr) -> String {
    e.display_line()
}

/// Calls method `name` of `obj`.
pub fn call(obj: &PyObj, name: &str, args: &[PyObj]) -> strand_objects::PyResult<PyObj> {
    ab::call_method(obj, name, args)
}
