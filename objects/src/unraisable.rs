//! Reporting exceptions that cannot propagate (raised in `__del__`, weakref callbacks,
//! finalizers): CPython's `sys.unraisablehook` default, printing
//! `Exception ignored in: ...` and the exception to stderr. The interpreter may install
//! a richer hook (with a traceback).

use std::sync::atomic::{AtomicPtr, Ordering::SeqCst};

use crate::exceptions::PyErr;

/// A handler for unraisable exceptions: `(exception, context message)`.
pub type UnraisableHook = fn(&PyErr, Option<&str>);

static HOOK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());

/// Installs the handler.
pub fn set_hook(hook: UnraisableHook) {
    HOOK.store(hook as *mut (), SeqCst);
}

/// Reports `err` (with an optional context line such as `Exception ignored in: <...>`).
pub fn write(err: &PyErr, context: Option<&str>) {
    let h = HOOK.load(SeqCst);
    if !h.is_null() {
        // SAFETY: HOOK only holds UnraisableHook pointers.
        let f: UnraisableHook = unsafe { std::mem::transmute::<*mut (), UnraisableHook>(h) };
        f(err, context);
        return;
    }
    if let Some(c) = context {
        eprintln!("{c}");
    }
    eprintln!("{}", err.display_line());
}
