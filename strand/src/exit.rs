//! How the process ends (Modules/main.c, `pymain_exit_error`, and
//! Python/pythonrun.c's `handle_system_exit`): the exit status after a program or
//! the prompt, and the report of an uncaught exception.

use strand_interp::excepthook::write_sys_stderr;
use strand_objects::abstract_ as ab;
use strand_objects::exceptions as exc;
use strand_objects::{int, singletons, PyErr};

/// How the process should end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Exit with this status.
    Status(u8),
    /// An uncaught `KeyboardInterrupt`: die by SIGINT (`strand_interp::signals::exit_by_sigint`).
    Interrupted,
}

/// Reports an uncaught exception through `sys.excepthook` (which prints
/// `Traceback (most recent call last): ...` unless the program replaced it) and
/// returns how to exit: `SystemExit`'s code (its message printed if it is not an
/// int; also when the hook itself raised `SystemExit`), [`Exit::Interrupted`] for
/// `KeyboardInterrupt`, else status 1.
pub fn report_exception(e: &PyErr) -> Exit {
    if e.is_instance(&exc::SYSTEM_EXIT_TYPE) {
        return system_exit(e);
    }
    if let Some(exit) = strand_interp::excepthook::print_uncaught(e) {
        return system_exit(&exit);
    }
    if e.is_instance(&exc::KEYBOARD_INTERRUPT_TYPE) {
        return Exit::Interrupted;
    }
    Exit::Status(1)
}

/// The exit status `SystemExit` asks for (CPython's `_Py_HandleSystemExit`): its
/// `code`, 0 for None, 1 after printing any other object to `sys.stderr`.
fn system_exit(e: &PyErr) -> Exit {
    let code = exc::attr(e.value(), "code").unwrap_or_else(singletons::none);
    if singletons::is_none(&code) {
        return Exit::Status(0);
    }
    if int::is_int(&code) {
        // A status too large for a C long is -1, as in CPython.
        let i = int::as_i64(&code).unwrap_or(-1);
        return Exit::Status((i & 0xff) as u8);
    }
    write_sys_stderr(&format!("{}\n", ab::str_string(&code).unwrap_or_default()));
    Exit::Status(1)
}
