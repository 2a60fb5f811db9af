//! Warnings the interpreter issues itself, through the native warnings machinery
//! ([`crate::warnings`]), so the filters, `catch_warnings` and `showwarning` apply:
//! "coroutine ... was never awaited" (CPython's `_PyErr_WarnUnawaitedCoroutine`) and
//! "assigning None to unbound local" (a trace function deleted a local).
//!
//! At exit, CPython tears the modules down after its last full collection; the
//! warnings machinery goes with them, so what dies with the modules is not reported
//! ([`silence_for_shutdown`]).

use std::sync::atomic::{AtomicBool, Ordering};

use strand_objects::abstract_ as ab;
use strand_objects::exceptions as exc;
use strand_objects::{str as pystr, PyObj};

/// Set when the main module is torn down at exit.
static SILENCED: AtomicBool = AtomicBool::new(false);

/// Stops showing warnings: the program's modules are being torn down at exit (called
/// after the collection that precedes the teardown, as in CPython's `Py_FinalizeEx`).
pub fn silence_for_shutdown() {
    SILENCED.store(true, Ordering::Relaxed);
}

/// Issues `RuntimeWarning: coroutine '<qualname>' was never awaited` for a
/// coroutine freed before it ran (CPython's `_PyErr_WarnUnawaitedCoroutine`): through
/// `warnings._warn_unawaited_coroutine(coro)` (importing `warnings`), which adds
/// the "Coroutine created at" frames of `cr_origin` and passes the coroutine as the
/// warning's source. An error there is reported as unraisable; unless it is the
/// warning itself (an "error" filter), the warning is then issued natively.
pub(crate) fn coroutine_never_awaited(coro: &PyObj) {
    if SILENCED.load(Ordering::Relaxed) {
        return;
    }
    let outcome = crate::warnings::warnings_attr("_warn_unawaited_coroutine", true).and_then(
        |hook| match hook {
            Some(h) => ab::call1(&h, coro.clone()).map(|_| true),
            None => Ok(false),
        },
    );
    let warned = match outcome {
        Ok(warned) => warned,
        Err(e) => {
            strand_objects::unraisable::write_unraisable(&e, coro);
            e.is_instance(&exc::RUNTIME_WARNING_TYPE)
        }
    };
    if warned {
        return;
    }
    let qualname = ab::getattr_str(coro, "__qualname__")
        .ok()
        .filter(pystr::is_str)
        .map_or_else(String::new, |q| pystr::as_str(&q).to_string());
    let message = format!("coroutine '{qualname}' was never awaited");
    if let Err(e) = crate::warnings::warn_with_source(&exc::RUNTIME_WARNING_TYPE, &message, 1, coro)
    {
        strand_objects::unraisable::write_unraisable(&e, coro);
    }
}

/// Issues `RuntimeWarning: assigning None to unbound local 'name'`: a trace function
/// removed a bound local from `f_locals` (CPython's `PyFrame_LocalsToFast`). Writing
/// the locals back cannot fail, so an "error" filter's exception is dropped.
pub(crate) fn unbound_local_assigned(name: &str) {
    if SILENCED.load(Ordering::Relaxed) {
        return;
    }
    let message = format!("assigning None to unbound local '{name}'");
    let _ = crate::warnings::warn(&exc::RUNTIME_WARNING_TYPE, &message, 0);
}
