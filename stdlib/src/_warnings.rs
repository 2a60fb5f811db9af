//! The `_warnings` module (CPython's Python/_warnings.c): the native warnings
//! machinery of [`strand_interp::warnings`] as Lib/warnings.py imports it —
//! `filters` (the interpreter's filter list, with CPython's default filters),
//! `_defaultaction`, `_onceregistry`, `_filters_mutated`, `warn` and
//! `warn_explicit`. `warnings` then shares these objects: `simplefilter` and
//! `filterwarnings` mutate the same list, `catch_warnings` swaps `warnings.filters`
//! (which the native side reads at each warning) and calls `_filters_mutated`.
//! `importlib` needs the module to exist at start-up.

use strand_interp::native_module::add_functions;
use strand_interp::warnings::{self as w, Registry};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions as exc;
use strand_objects::{dict, int, module, singletons, str as pystr, PyObj, PyResult};

/// `_warnings.warn(message, category=None, stacklevel=1, source=None)`: issues a
/// warning, or ignores it, or raises it, as the filters say.
fn warn(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let p = args.bind(
        "warn",
        0,
        &["message", "category", "stacklevel", "source"],
        1,
    )?;
    let message = p[0].expect("bound: required");
    let stacklevel = match p[2] {
        Some(level) => int::to_isize(&ab::index(level)?)?,
        None => 1,
    };
    w::warn_object(message, p[1], stacklevel, p[3])?;
    Ok(singletons::none())
}

/// An `i` (C int) argument: `__index__`, then the C int range.
fn c_int(v: &PyObj) -> PyResult<i64> {
    let too_large = || exc::overflow_error("Python int too large to convert to C int");
    let n = int::to_isize(&ab::index(v)?).map_err(|_| too_large())?;
    i32::try_from(n).map(i64::from).map_err(|_| too_large())
}

/// `_warnings.warn_explicit(message, category, filename, lineno, module=None,
/// registry=None, module_globals=None, source=None)`: a warning at an explicit
/// location; `module_globals` gives the source line through its `__loader__` when
/// the warning is written without `warnings`.
fn warn_explicit(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let p = args.bind(
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
    let (message, category) = (p[0].expect("bound"), p[1].expect("bound"));
    let filename = p[2].expect("bound");
    if !pystr::is_str(filename) {
        return Err(exc::type_error(format!(
            "warn_explicit() argument 'filename' must be str, not {}",
            filename.ty().name()
        )));
    }
    let lineno = c_int(p[3].expect("bound"))?;
    let mut source_line = None;
    if let Some(globals) = p[6].filter(|g| !singletons::is_none(g)) {
        if !dict::is_dict(globals) {
            return Err(exc::type_error(format!(
                "module_globals must be a dict, not '{}'",
                globals.ty().name()
            )));
        }
        source_line = w::source_line_from_loader(globals, lineno)?;
    }
    let registry = p[5].map_or(Registry::None, Registry::Dict);
    w::warn_explicit(
        category,
        message,
        filename,
        lineno,
        p[4],
        registry,
        source_line.as_ref(),
        p[7],
    )?;
    Ok(singletons::none())
}

/// `_warnings._filters_mutated()`: the filters changed; every registry is stale.
fn filters_mutated(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("_filters_mutated", 0, 0)?;
    w::filters_mutated();
    Ok(singletons::none())
}

/// The `_warnings` module. Importing it again (`import_fresh_module`) gives a module
/// over the same interpreter state, as in CPython.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("_warnings");
    add_functions(
        &m,
        "_warnings",
        &[
            ("warn", warn),
            ("warn_explicit", warn_explicit),
            ("_filters_mutated", filters_mutated),
        ],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(
        &d,
        "__doc__",
        pystr::new(
            "_warnings provides basic warning filtering support.\n\
             It is a helper module to speed up interpreter start-up.",
        ),
    );
    dict::set_item_str(&d, "filters", w::filters());
    dict::set_item_str(&d, "_defaultaction", w::default_action());
    dict::set_item_str(&d, "_onceregistry", w::once_registry());
    m
}
