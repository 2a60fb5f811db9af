//! The interpreter's access to the standard streams and to file objects it writes
//! (`print`, `input`, tracebacks, `sys.displayhook`).
//!
//! The io implementation lives in the standard library crate; the interpreter only
//! needs to write text to a file object, flush it, read a line, and write to the
//! process's standard error. Any file object works through its Python methods
//! (`write`, `flush`, `readline`); the io implementation may register [`StdioHooks`]
//! so that its own native text files skip the method calls (one native write of a
//! whole `print` line) and so that the runtime's messages go through the same buffer
//! as `sys.stderr`'s, in order.

use std::sync::OnceLock;

use strand_objects::abstract_ as ab;
use strand_objects::{str as pystr, PyObj, PyResult};

/// Fast paths the io implementation offers for its native file objects.
#[derive(Clone, Copy, Debug)]
pub struct StdioHooks {
    /// Whether `f` is a native text file whose `write` may be bypassed.
    pub is_native_text: fn(&PyObj) -> bool,
    /// Writes `s` to a native text file (`f` satisfied `is_native_text`).
    pub write_native: fn(&PyObj, &str) -> PyResult<()>,
    /// Flushes `f` natively; `None` when `f` is not a native file.
    pub flush_native: fn(&PyObj) -> Option<PyResult<()>>,
    /// Reads a line from `f` natively; `None` when `f` is not a native text file.
    pub readline_native: fn(&PyObj) -> Option<PyResult<PyObj>>,
    /// Writes text to the process's original standard error, in order with what
    /// Python code wrote to `sys.__stderr__`.
    pub write_stderr: fn(&str),
}

static HOOKS: OnceLock<StdioHooks> = OnceLock::new();

/// Registers the io implementation's fast paths (once per process; `false` if some
/// were registered already).
pub fn set_hooks(hooks: StdioHooks) -> bool {
    HOOKS.set(hooks).is_ok()
}

/// Whether `f` is a native text file, so that a caller may join several pieces into
/// one [`write_text`].
pub fn is_native_text(f: &PyObj) -> bool {
    HOOKS.get().is_some_and(|h| (h.is_native_text)(f))
}

/// Writes `s` to `f`: natively for the io implementation's text files, through
/// `f.write(s)` otherwise.
///
/// # Errors
/// What the write raises.
pub fn write_text(f: &PyObj, s: &str) -> PyResult<()> {
    match HOOKS.get() {
        Some(h) if (h.is_native_text)(f) => (h.write_native)(f, s),
        _ => ab::call_method(f, "write", &[pystr::new(s)]).map(drop),
    }
}

/// `f.flush()`, natively for the io implementation's files.
///
/// # Errors
/// What the flush raises.
pub fn flush(f: &PyObj) -> PyResult<()> {
    if let Some(r) = HOOKS.get().and_then(|h| (h.flush_native)(f)) {
        return r;
    }
    ab::call_method(f, "flush", &[]).map(drop)
}

/// `f.readline()`, natively for the io implementation's text files.
///
/// # Errors
/// What the read raises.
pub fn readline(f: &PyObj) -> PyResult<PyObj> {
    if let Some(r) = HOOKS.get().and_then(|h| (h.readline_native)(f)) {
        return r;
    }
    ab::call_method(f, "readline", &[])
}

/// Writes text to the process's standard error (tracebacks and warnings the runtime
/// prints), through the io implementation's buffer when it registered one.
pub fn write_stderr(s: &str) {
    match HOOKS.get() {
        Some(h) => (h.write_stderr)(s),
        None => {
            let _ = std::io::Write::write_all(&mut std::io::stderr(), s.as_bytes());
        }
    }
}
