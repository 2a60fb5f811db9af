//! `strand-interp`: strand's virtual machine.
//!
//! It runs the bytecode of `strand-compiler` on the object model of
//! `strand-objects`, with the heap and collector below that:
//! - [`code`]: a compiled [`strand_compiler::CodeObject`] loaded into a `code` object
//!   (live, immortal constants; interned names; per-thread bytecode copies).
//! - [`eval`]: the interpreter loop (Python/ceval.c); `frame` the frames it runs
//!   and each thread's frame chain (the collector's roots); `stackref` tagged stack
//!   references; `specialize` and `tlbc` PEP 659 specialization in thread-local
//!   bytecode; `fast_ops` the int/float/list fast paths.
//! - [`generator`]: generators, coroutines and async generators (suspended frames);
//!   `asyncgen` the async generators' awaitables and hooks, `async_iter` the
//!   asynchronous iteration protocol (`async for`, `aiter()`, `anext()`),
//!   `runtime_warning` the warnings the interpreter issues itself.
//! - [`warnings`]: the warnings machinery's native core (Python/_warnings.c): the
//!   filters, the registries, `warn` and `warn_explicit`.
//! - [`exc_info`]: the exception being handled, per thread; [`traceback`]: tracebacks
//!   as CPython prints them; [`syntax_error`]: compile errors as `SyntaxError`s.
//! - [`import`]: the import system, [`imp`] its `_imp` module and the finder on
//!   `sys.meta_path`; [`native_module`]: what a native or frozen module
//!   is to it (the standard library crate registers its tables).
//! - [`builtins`] and [`frame_builtins`] (the `builtins` module), [`sys`] (the `sys`
//!   module), [`state`] (the interpreter state that holds them and `sys.modules`).
//! - [`jit`]: the interpreter's side of the tracing JIT (`strand-jit`): hot loops,
//!   executors linked by code objects, ENTER_EXECUTOR; `record` lowers the
//!   instructions of one loop iteration to uops as they run; `trace_helpers` are the
//!   runtime functions traces call for what has no uop.
//! - [`stats`]: specialization statistics (`-X stats`); [`thread_exit`]: per-thread
//!   state dropped when a thread ends.
//! - [`stdio`]: writing to file objects and standard error, with fast paths the io
//!   implementation registers; [`signals`]: SIGINT as `KeyboardInterrupt`.
//!
//! What it does not own: the native modules (`_io`, `posix`, `_thread`, `time`,
//! `math`, ... are in `strand-stdlib`), the command line (the `strand` binary), the
//! compiler (`strand-compiler`).

pub mod ast_hooks;
mod async_iter;
mod asyncgen;
pub mod builtins;
pub mod call;
pub mod code;
pub mod code_cache;
pub mod eval;
pub mod exc_info;
pub mod excepthook;
mod fast_ops;
pub mod fatal_traceback;
mod frame;
pub mod frame_builtins;
pub mod frame_object;
pub mod generator;
pub mod imp;
pub mod import;
mod import_lock;
pub mod jit;
mod jump;
mod matching;
pub mod native_module;
mod record;
pub mod runtime_warning;
mod short_lock;
pub mod signals;
mod specialize;
mod stackref;
pub mod state;
pub mod stats;
pub mod stdio;
mod suggestions;
pub mod syntax_error;
pub mod sys;
mod sys_trace;
pub mod thread_exit;
pub mod thread_ident;
mod tlbc;
mod trace_helpers;
pub mod traceback;
mod unraisable_hook;
pub mod warnings;

use std::sync::Once;

/// Sets up the interpreter (once per process; later calls do nothing): installs its
/// hooks into the object model and makes `sys.modules`, `sys` and `builtins`.
pub fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        strand_objects::init();
        strand_objects::function::set_eval_hook(eval::call_function);
        strand_objects::function::set_current_globals_hook(eval::current_globals);
        strand_objects::function::set_current_builtins_hook(eval::current_builtins);
        strand_objects::super_::set_zero_arg_hook(eval::zero_arg_super);
        strand_objects::unraisable::set_hook(unraisable_hook::report);
        generator::init(eval::resume);
        frame_object::init();
        strand_objects::function::set_builtins_from_globals(eval::builtins_from_globals);
        code::install_attributes();
        async_iter::init();
        strand_objects::function::set_payload_traverse(jit::traverse_payload);
        let modules = strand_objects::dict::new();
        let sys = sys::make_module(&modules);
        state::set(modules, sys, builtins::make_module());
    });
}

/// The text CPython prints for an uncaught exception (see [`traceback`]).
pub fn format_exception(e: &strand_objects::PyErr) -> String {
    traceback::format_exception(e)
}

/// [`format_exception`] for a value that should be an exception instance; for
/// anything else the line CPython's `print_exception` writes instead
/// (`TypeError: print_exception(): Exception expected for value, int found`).
pub fn format_exception_value(value: &strand_objects::PyObj) -> String {
    if strand_objects::exceptions::is_exception_instance(value) {
        format_exception(&strand_objects::PyErr::from_value(value.clone()))
    } else {
        format!(
            "TypeError: print_exception(): Exception expected for value, {} found\n",
            value.ty().name()
        )
    }
}
