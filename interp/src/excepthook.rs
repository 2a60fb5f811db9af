//! `sys.excepthook` and the report of an exception nobody caught (CPython's
//! Python/pythonrun.c: `_PyErr_PrintEx`, `PyErr_Display`, and `sys_excepthook_impl`
//! in Python/sysmodule.c).
//!
//! An uncaught exception is stored as `sys.last_type`, `sys.last_value` and
//! `sys.last_traceback`, then handed to `sys.excepthook(type, value, traceback)`
//! (a program may have replaced it). The default hook, also `sys.__excepthook__`,
//! writes `Traceback (most recent call last): ...` to the current `sys.stderr`
//! object (nothing when it is None). A hook that raises is reported as CPython
//! does: `Error in sys.excepthook:`, the hook's exception, `Original exception
//! was:`, the original one; a hook that raises `SystemExit` hands it back to the
//! caller, which exits with its code.

use strand_objects::exceptions::{self as exc, PyErr};
use strand_objects::{abstract_ as ab, dict, module, singletons, str as pystr, PyObj};

/// Writes `text` to the current `sys.stderr` object and flushes it (CPython's
/// `PyFile_WriteString` calls of `PyErr_Display`). Nothing is written when
/// `sys.stderr` is None; without `sys` or without `sys.stderr` the text goes to the
/// process's standard error, followed by `lost sys.stderr` in the latter case.
/// Errors raised by `write` or `flush` are dropped: the report is best effort.
pub fn write_sys_stderr(text: &str) {
    let Some(sys) = crate::state::sys_module_opt() else {
        crate::stdio::write_stderr(text);
        return;
    };
    let Some(file) = dict::get_item_str(&module::module_dict(&sys), "stderr") else {
        crate::stdio::write_stderr(text);
        crate::stdio::write_stderr("lost sys.stderr\n");
        return;
    };
    if singletons::is_none(&file) {
        return;
    }
    let _ = ab::call_method(&file, "write", &[pystr::new(text)]);
    let _ = crate::stdio::flush(&file);
}

/// `PyErr_Display`: the traceback and message of `e` on `sys.stderr`.
pub fn display(e: &PyErr) {
    write_sys_stderr(&crate::format_exception(e));
}

/// The `(type, value, traceback)` triple of an exception, as the hook receives it.
fn triple(e: &PyErr) -> [PyObj; 3] {
    let value = e.value().clone();
    let tb = exc::payload(&value)
        .state()
        .traceback
        .clone()
        .unwrap_or_else(singletons::none);
    [value.ty().to_obj(), value, tb]
}

/// Reports an exception that reached the top level (CPython's `PyErr_Print` with
/// `set_sys_last_vars`, after the caller has dealt with `SystemExit`): sets
/// `sys.last_type`, `sys.last_value`, `sys.last_traceback` and calls
/// `sys.excepthook`. Returns the `SystemExit` the hook raised, if it raised one;
/// any other exception from the hook is printed with the original.
pub fn print_uncaught(e: &PyErr) -> Option<PyErr> {
    let args = triple(e);
    let Some(sys) = crate::state::sys_module_opt() else {
        crate::stdio::write_stderr(&crate::format_exception(e));
        return None;
    };
    let d = module::module_dict(&sys);
    for (name, v) in ["last_type", "last_value", "last_traceback"]
        .into_iter()
        .zip(&args)
    {
        dict::set_item_str(&d, name, v.clone());
    }
    let hook = dict::get_item_str(&d, "excepthook").filter(|h| !singletons::is_none(h));
    let Some(hook) = hook else {
        write_sys_stderr("sys.excepthook is missing\n");
        display(e);
        return None;
    };
    match ab::call(&hook, &args, None) {
        Ok(_) => None,
        Err(hook_err) if hook_err.is_instance(&exc::SYSTEM_EXIT_TYPE) => Some(hook_err),
        Err(hook_err) => {
            write_sys_stderr("Error in sys.excepthook:\n");
            display(&hook_err);
            write_sys_stderr("\nOriginal exception was:\n");
            display(e);
            None
        }
    }
}
