//! Warnings the interpreter issues itself (today: "coroutine ... was never awaited"),
//! written as CPython 3.11 writes them with its default warning filters
//! (Python/_warnings.c `warn_explicit`, Lib/warnings.py `_formatwarnmsg_impl`):
//!
//! ```text
//! /path/prog.py:12: RuntimeWarning: coroutine 'job' was never awaited
//!   job(2)
//! RuntimeWarning: Enable tracemalloc to get the object allocation traceback
//! ```
//!
//! The location is the line the innermost Python frame is running (`sys:1` when
//! there is none). The "default" action shows a warning once per location: the
//! module's `__warningregistry__` dict (created in the frame's globals, as CPython
//! does) records `(message, category, line)` keys, under the filters version 0.
//! strand has no `warnings` filters yet, so the default action is the only one.
//!
//! At exit, CPython tears the modules down after its last full collection; the
//! warnings machinery goes with them, so what dies with the modules is not reported
//! ([`silence_for_shutdown`]).

use std::sync::atomic::{AtomicBool, Ordering};

use strand_objects::abstract_ as ab;
use strand_objects::exceptions as exc;
use strand_objects::typeobj::PyType;
use strand_objects::{dict, int, module, str as pystr, tuple, PyObj};

use crate::frame;

/// Set when the main module is torn down at exit.
static SILENCED: AtomicBool = AtomicBool::new(false);

/// Stops showing warnings: the program's modules are being torn down at exit (called
/// after the collection that precedes the teardown, as in CPython's `Py_FinalizeEx`).
pub fn silence_for_shutdown() {
    SILENCED.store(true, Ordering::Relaxed);
}

/// Issues `RuntimeWarning: coroutine '<qualname>' was never awaited` for a
/// coroutine freed before it ran (CPython's `_PyErr_WarnUnawaitedCoroutine`): through
/// `warnings._warn_unawaited_coroutine(coro)` when the `warnings` module is loaded (so
/// its filters, `catch_warnings` and `showwarning` apply; an error there is reported
/// as unraisable), else written directly. With `cr_origin` set
/// (`sys.set_coroutine_origin_tracking_depth`) the message goes on with "Coroutine
/// created at (most recent call last)" and the creating frames, as warnings.py
/// formats them.
pub(crate) fn coroutine_never_awaited(coro: &PyObj) {
    if SILENCED.load(Ordering::Relaxed) {
        return;
    }
    let warnings = crate::state::sys_module_opt()
        .and_then(|_| dict::get_item_str(&crate::state::sys_modules(), "warnings"));
    if let Some(warnings) = warnings {
        let hook = ab::getattr_str(&warnings, "_warn_unawaited_coroutine").ok();
        if let Some(hook) = hook {
            match ab::call1(&hook, coro.clone()) {
                Ok(_) => return,
                Err(e) => strand_objects::unraisable::write_unraisable(&e, coro),
            }
        }
        // CPython's fallback, `_PyErr_WarnFormat(coro, RuntimeWarning, 1, ...)`,
        // through the same filters.
        let qualname = ab::getattr_str(coro, "__qualname__")
            .ok()
            .filter(pystr::is_str)
            .map_or_else(String::new, |q| pystr::as_str(&q).to_string());
        let warned = ab::getattr_str(&warnings, "warn").and_then(|warn| {
            ab::call(
                &warn,
                &[
                    pystr::from_string(format!("coroutine '{qualname}' was never awaited")),
                    exc::RUNTIME_WARNING_TYPE.to_obj(),
                    int::from_i64(1),
                    coro.clone(),
                ],
                None,
            )
        });
        if let Err(e) = warned {
            strand_objects::unraisable::write_unraisable(&e, coro);
        }
        return;
    }
    let qualname = ab::getattr_str(coro, "__qualname__")
        .ok()
        .filter(pystr::is_str)
        .map_or_else(String::new, |q| pystr::as_str(&q).to_string());
    let mut message = format!("coroutine '{qualname}' was never awaited\n");
    let origin = ab::getattr_str(coro, "cr_origin")
        .ok()
        .filter(tuple::is_tuple);
    if let Some(origin) = origin {
        message.push_str("Coroutine created at (most recent call last)\n");
        for entry in tuple::items(&origin).iter().rev() {
            let parts = tuple::items(entry);
            let [f, l, n] = parts else { continue };
            let (f, n) = (pystr::as_str(f), pystr::as_str(n));
            let l = int::as_i64(l).unwrap_or(0);
            message.push_str(&format!("  File \"{f}\", line {l}, in {n}\n"));
            if let Some(src) = crate::traceback::source_line(f, l.max(0) as u32) {
                message.push_str(&format!("    {}\n", src.trim()));
            }
        }
    }
    let message = message.trim_end_matches('\n');
    warn(&exc::RUNTIME_WARNING_TYPE, message, true);
}

/// Issues `RuntimeWarning: assigning None to unbound local 'name'`: a trace function
/// removed a bound local from `f_locals` (CPython's `PyFrame_LocalsToFast`).
pub(crate) fn unbound_local_assigned(name: &str) {
    let message = format!("assigning None to unbound local '{name}'");
    warn(&exc::RUNTIME_WARNING_TYPE, &message, false);
}

/// Shows `message` of `category` at the current line unless the registry says it was
/// shown there already. `about_object` adds the tracemalloc hint CPython prints for
/// warnings about an object (`source=`) while tracemalloc is off.
fn warn(category: &PyType, message: &str, about_object: bool) {
    if SILENCED.load(Ordering::Relaxed) {
        return;
    }
    let here = frame::with_top(|f| {
        let code = &f.data().code;
        let line = code.lines.line_of(f.last_pc()).unwrap_or(code.firstlineno);
        // The live `co_filename` (`_imp._fix_co_filename` may have renamed it).
        let filename = pystr_of(strand_objects::function::code(&f.code()).filename());
        ((*f.globals()).clone(), filename, line)
    });
    let (globals, filename, line) = here.unwrap_or_else(|| {
        let sys = module::module_dict(&crate::state::sys_module());
        (sys, "sys".to_string(), 1)
    });
    if dict::is_dict(&globals) && already_warned(&globals, category, message, line) {
        return;
    }
    let name = category.name();
    let mut text = format!("{filename}:{line}: {name}: {message}\n");
    if let Some(source) = crate::traceback::source_line(&filename, line) {
        text.push_str(&format!("  {}\n", source.trim()));
    }
    if about_object {
        text.push_str(&format!(
            "{name}: Enable tracemalloc to get the object allocation traceback\n"
        ));
    }
    crate::stdio::write_stderr(&text);
}

/// Whether the warning was shown at this location already; records it if not (the
/// `__warningregistry__` of `globals`, cleared when its filters version is stale).
fn already_warned(globals: &PyObj, category: &PyType, message: &str, line: u32) -> bool {
    let registry = match dict::get_item_str(globals, "__warningregistry__") {
        Some(r) if dict::is_dict(&r) => r,
        _ => {
            let r = dict::new();
            dict::set_item_str(globals, "__warningregistry__", r.clone());
            r
        }
    };
    let current = dict::get_item_str(&registry, "version")
        .is_some_and(|v| int::is_int(&v) && int::as_i64(&v) == Some(0));
    if !current {
        dict::clear(&registry);
        dict::set_item_str(&registry, "version", int::from_i64(0));
    }
    let key = tuple::from_vec(vec![
        pystr::new(message),
        category.to_obj(),
        int::from_i64(i64::from(line)),
    ]);
    if let Ok(Some(seen)) = dict::get_item(&registry, &key) {
        if strand_objects::abstract_::is_true(&seen).unwrap_or(false) {
            return true;
        }
    }
    let _ = dict::set_item(&registry, key, int::bool_obj(true));
    false
}

fn pystr_of(s: &strand_objects::PyObj) -> String {
    strand_objects::str::as_str(s).to_string()
}
