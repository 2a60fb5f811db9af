//! `strand-interp`: the front end and the interpreter of strand.
//!
//! The front end parses with ruff's Python parser (`ruff_python_parser`), resolves
//! names with [`symtable`] (CPython 3.11's rules), and compiles ([`compile`]) to the
//! CPython-like bytecode of [`bytecode`]. [`eval`] runs it on the object model of
//! `strand-objects`, with the [`builtins`] module; [`run::run`] is what the `strand`
//! command runs.

pub mod array;
pub mod atexit;
pub mod builtins;
pub mod bytecode;
pub mod code;
pub mod compile;
pub mod eval;
mod fast_ops;
mod frame;
pub mod frame_builtins;
pub mod generator;
pub mod io;
mod local;
pub mod matching;
mod math;
pub mod modules;
pub mod os;
pub mod random;
pub mod repl;
pub mod run;
mod sha512;
pub mod signals;
mod specialize;
mod stackref;
pub mod symtable;
pub mod syntax_errors;
pub mod thread;
mod time;
mod tlbc;
pub mod traceback;

pub use traceback::register_source;

pub use syntax_errors::syntax_error;

/// Installs the interpreter's hooks into the object model (idempotent).
pub fn install() {
    strand_objects::init();
    strand_objects::function::set_eval_hook(eval::call_function);
    strand_objects::function::set_current_globals_hook(eval::current_globals);
    strand_objects::super_::set_zero_arg_hook(eval::zero_arg_super);
    strand_objects::unraisable::set_hook(write_unraisable);
    generator::init();
}

/// `sys.unraisablehook`'s default output: the context line, then the exception with
/// its traceback, to standard error.
fn write_unraisable(err: &strand_objects::PyErr, context: Option<&str>) {
    let mut out = String::new();
    if let Some(c) = context {
        out.push_str(c);
        out.push('\n');
    }
    out.push_str(&format_exception(err));
    builtins::write_stderr(&out);
}

/// The text CPython prints for an uncaught exception (see [`traceback`]).
pub fn format_exception(e: &strand_objects::PyErr) -> String {
    traceback::format_exception(e)
}
