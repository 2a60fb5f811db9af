//! Reporting exceptions that cannot propagate (raised in `__del__`, weakref callbacks,
//! finalizers): CPython's `PyErr_WriteUnraisable` / `_PyErr_WriteUnraisableMsg`. The
//! interpreter installs the hook that calls `sys.unraisablehook` (whose default prints
//! `Exception ignored in: <object>` and the traceback to stderr); without it, the
//! message and the exception's last line go to stderr.

use std::sync::atomic::{AtomicPtr, Ordering::SeqCst};

use crate::exceptions::PyErr;
use crate::object::PyObj;

/// A handler for unraisable exceptions: `(exception, err_msg, object)` as CPython's
/// `UnraisableHookArgs` has them. `err_msg` `None` means the default message
/// (`Exception ignored in: {object!r}`); `object` is what the exception was raised
/// in or for (the `__del__` method, the callback, the generator), if anything.
pub type UnraisableHook = fn(&PyErr, Option<&str>, Option<&PyObj>);

static HOOK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());

/// Installs the handler.
pub fn set_hook(hook: UnraisableHook) {
    HOOK.store(hook as *mut (), SeqCst);
}

/// Reports `err`, raised in or for `obj` (CPython's `PyErr_WriteUnraisable(obj)`),
/// with the default message.
pub fn write_unraisable(err: &PyErr, obj: &PyObj) {
    report(err, None, Some(obj));
}

/// Reports `err` with its own message and no object (`_PyErr_WriteUnraisableMsg`).
pub fn write(err: &PyErr, err_msg: Option<&str>) {
    report(err, err_msg, None);
}

/// Reports `err` with an optional message and object (see [`UnraisableHook`]).
pub fn report(err: &PyErr, err_msg: Option<&str>, obj: Option<&PyObj>) {
    let h = HOOK.load(SeqCst);
    if !h.is_null() {
        // SAFETY: HOOK only holds UnraisableHook pointers.
        let f: UnraisableHook = unsafe { std::mem::transmute::<*mut (), UnraisableHook>(h) };
        f(err, err_msg, obj);
        return;
    }
    eprintln!("{}", default_message(err_msg, obj));
    eprintln!("{}", err.display_line());
}

/// The first line CPython's default hook prints: `{err_msg}: {obj!r}`, with
/// `Exception ignored in` for a missing message; just the message without an object.
pub fn default_message(err_msg: Option<&str>, obj: Option<&PyObj>) -> String {
    let msg = err_msg.unwrap_or("Exception ignored in");
    match obj {
        Some(o) => {
            let r = crate::abstract_::repr_string(o)
                .unwrap_or_else(|_| "<object repr() failed>".to_string());
            format!("{msg}: {r}")
        }
        None => msg.to_string(),
    }
}
