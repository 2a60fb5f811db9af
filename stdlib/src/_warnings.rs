//! The `_warnings` module: the native entry points of the warnings machinery
//! (CPython's Python/_warnings.c), here `warn` and `warn_explicit` handed to CPython's
//! pure-Python `warnings` module, which holds the filters, the registries and the
//! formatting. (CPython's `warnings` imports `filters`, `_defaultaction`,
//! `_onceregistry` and `_filters_mutated` from `_warnings` when they exist and keeps
//! its own otherwise; strand's `_warnings` has none of them, so the filter state lives
//! in `warnings` alone and both entry points see the same.) `importlib` needs the
//! module to exist at start-up.

use strand_interp::native_module::add_functions;
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::{module, str as pystr, PyObj, PyResult};

/// `warnings.<name>`, importing `warnings` if needed.
fn python_warnings(name: &str) -> PyResult<PyObj> {
    let m = strand_interp::import::import(
        &pystr::new("warnings"),
        &strand_objects::dict::new(),
        &strand_objects::tuple::from_vec(vec![pystr::new(name)]),
        &strand_objects::int::from_i64(0),
    )?;
    ab::getattr(&m, &pystr::intern(name))
}

/// `_warnings.warn(message, category=None, stacklevel=1, source=None)`.
fn warn(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).bind(
        "warn",
        0,
        &["message", "category", "stacklevel", "source"],
        1,
    )?;
    ab::call(&python_warnings("warn")?, a, k)
}

/// `_warnings.warn_explicit(message, category, filename, lineno, module=None,
/// registry=None, module_globals=None, source=None)`.
fn warn_explicit(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).bind(
        "warn_explicit",
        0,
        &[
            "message",
            "category",
            "filename",
            "lineno",
            "module",
            "registry",
            "module_globals",
            "source",
        ],
        4,
    )?;
    ab::call(&python_warnings("warn_explicit")?, a, k)
}

/// The `_warnings` module.
pub fn make_module() -> PyObj {
    let m = module::new_module("_warnings");
    add_functions(
        &m,
        "_warnings",
        &[("warn", warn), ("warn_explicit", warn_explicit)],
    );
    m
}
