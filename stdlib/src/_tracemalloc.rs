//! The `_tracemalloc` module (CPython's Modules/_tracemalloc.c) in the one state
//! strand supports: not tracing. strand's allocator keeps no traceback per
//! allocation, so `start()` raises `RuntimeError` and every query answers as
//! CPython's module does while tracing is off: `is_tracing()` is false, no traces
//! (`_get_traces()` is empty, `_get_object_traceback(obj)` is `None`), no traced
//! memory (`get_traced_memory()` is `(0, 0)`), and `stop()`, `clear_traces()`,
//! `reset_peak()` have nothing to do.
//!
//! Lib/tracemalloc.py imports it; Lib/warnings.py asks `is_tracing()` to suggest
//! "Enable tracemalloc to get the object allocation traceback" for a warning about
//! an object (a `ResourceWarning`, a coroutine never awaited), as CPython prints it.

use strand_interp::native_module::add_functions;
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions as exc;
use strand_objects::{int, list, module, singletons, tuple, PyObj, PyResult};

/// The most frames a traceback may keep (CPython's `MAX_NFRAME`).
const MAX_NFRAME: i64 = 65535;

fn no_args(fname: &'static str) -> impl Fn(&[PyObj], Option<&PyObj>) -> PyResult<()> {
    move |a, k| Args::new(a, k).expect_fn(fname, 0, 0)
}

/// `start(nframe=1)`: checks `nframe` as CPython does, then raises: strand cannot
/// trace allocations.
fn start(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    args.expect_fn("start", 0, 1)?;
    if let Some(n) = args.positional(0) {
        let n = ab::index(n)?;
        let n = int::as_i64(&n).unwrap_or(i64::MAX);
        if !(1..=MAX_NFRAME).contains(&n) {
            return Err(exc::value_error(format!(
                "the number of frames must be in range [1; {MAX_NFRAME}]"
            )));
        }
    }
    Err(exc::runtime_error(
        "strand cannot trace memory allocations (tracemalloc is not supported)",
    ))
}

fn is_tracing(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    no_args("is_tracing")(a, k)?;
    Ok(int::bool_obj(false))
}

/// `stop()`, `clear_traces()`, `reset_peak()`: nothing is traced, so nothing to do.
fn nothing(fname: &'static str) -> impl Fn(&[PyObj], Option<&PyObj>) -> PyResult<PyObj> {
    move |a, k| {
        no_args(fname)(a, k)?;
        Ok(singletons::none())
    }
}

fn stop(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    nothing("stop")(a, k)
}

fn clear_traces(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    nothing("clear_traces")(a, k)
}

fn reset_peak(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    nothing("reset_peak")(a, k)
}

/// `get_traceback_limit()`: the frames a traceback keeps, 1 (CPython's value until
/// `start` asks for more).
fn get_traceback_limit(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    no_args("get_traceback_limit")(a, k)?;
    Ok(int::from_i64(1))
}

/// `get_traced_memory()`: `(current, peak)` bytes traced, both 0.
fn get_traced_memory(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    no_args("get_traced_memory")(a, k)?;
    Ok(tuple::from_vec(vec![int::from_i64(0), int::from_i64(0)]))
}

/// `get_tracemalloc_memory()`: the bytes tracemalloc itself uses for its traces: 0.
fn get_tracemalloc_memory(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    no_args("get_tracemalloc_memory")(a, k)?;
    Ok(int::from_i64(0))
}

/// `_get_traces()`: the traces, `(domain, size, traceback, total_nframe)` tuples:
/// none.
fn get_traces(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    no_args("_get_traces")(a, k)?;
    Ok(list::new(Vec::new()))
}

/// `_get_object_traceback(obj)`: where `obj` was allocated, `None` as it was not
/// traced.
fn get_object_traceback(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("_get_object_traceback", 1, 1)?;
    Ok(singletons::none())
}

/// The `_tracemalloc` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("_tracemalloc");
    add_functions(
        &m,
        "_tracemalloc",
        &[
            ("start", start),
            ("stop", stop),
            ("is_tracing", is_tracing),
            ("clear_traces", clear_traces),
            ("reset_peak", reset_peak),
            ("get_traceback_limit", get_traceback_limit),
            ("get_traced_memory", get_traced_memory),
            ("get_tracemalloc_memory", get_tracemalloc_memory),
            ("_get_traces", get_traces),
            ("_get_object_traceback", get_object_traceback),
        ],
    );
    m
}
