//! `strand-interp`: the front end and the interpreter of strand.
//!
//! The front end parses with ruff's Python parser (`ruff_python_parser`), resolves
//! names with [`symtable`] (CPython 3.11's rules), and compiles ([`compile`]) to the
//! CPython-like bytecode of [`bytecode`]. [`eval`] runs it on the object model of
//! `strand-objects`, with the [`builtins`] module; [`run_main`] is what the `strand`
//! command runs.

pub mod array;
pub mod atexit;
pub mod builtins;
pub mod bytecode;
pub mod code;
pub mod compile;
pub mod eval;
pub mod frame_builtins;
pub mod generator;
pub mod io;
pub mod modules;
pub mod os;
pub mod random;
pub mod symtable;
pub mod syntax_errors;
pub mod thread;
pub mod traceback;

pub use traceback::register_source;

use strand_objects::abstract_ as ab;

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

/// Compiles and runs `source` as the `__main__` module on the calling thread (which
/// must have a large stack), printing errors like CPython. Returns the exit status.
pub fn run_main(source: &str, filename: &str, argv: &[String], dis: bool) -> u8 {
    let _ts = strand_heap::ThreadState::attach_new();
    install();
    let code = match compile::compile_module(source, filename) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{}", format_exception(&syntax_error(&e, source, filename)));
            return 1;
        }
    };
    if dis {
        print!("{}", code.disassemble());
        return 0;
    }
    let code_obj = eval::load_code(&code);
    let main = strand_objects::module::new_module("__main__");
    let globals = strand_objects::module::module_dict(&main);
    strand_objects::dict::set_item_str(&globals, "__file__", strand_objects::str::new(filename));
    register_source(filename, source);
    strand_objects::dict::set_item_str(&modules::sys_modules(), "__main__", main.clone());
    let script_dir = std::path::Path::new(filename)
        .parent()
        .map(|p| p.display().to_string());
    let dir = if filename.starts_with('<') {
        Some(String::new())
    } else {
        script_dir
    };
    modules::set_argv(argv, dir.as_deref());
    let mut status = match eval::run_code(&code_obj, &globals) {
        Ok(_) => 0,
        Err(e) => report_exception(&e),
    };
    // Like CPython's Py_Finalize: wait for the non-daemon threads.
    if let Some(threading) =
        strand_objects::dict::get_item_str(&modules::sys_modules(), "threading")
    {
        if let Ok(f) = ab::getattr_str(&threading, "_shutdown") {
            if let Err(e) = ab::call0(&f) {
                status = report_exception(&e);
            }
        }
    }
    // Then the atexit callbacks, and the final flush of every open file.
    atexit::run_exitfuncs();
    io::flush_all();
    status
}

/// Prints `Traceback (most recent call last): ...` for an uncaught exception and
/// returns the exit status (SystemExit's code, else 1).
pub fn report_exception(e: &strand_objects::PyErr) -> u8 {
    use strand_objects::exceptions as exc;
    if e.is_instance(&exc::SYSTEM_EXIT_TYPE) {
        let code = exc::attr(e.value(), "code").unwrap_or_else(strand_objects::singletons::none);
        if strand_objects::singletons::is_none(&code) {
            return 0;
        }
        if let Some(i) =
            strand_objects::int::as_i64(&code).filter(|_| strand_objects::int::is_int(&code))
        {
            return (i & 0xff) as u8;
        }
        let text = ab::str_string(&code).unwrap_or_default();
        builtins::write_stderr(&format!("{text}\n"));
        return 1;
    }
    builtins::write_stderr(&traceback::format_exception(e));
    1
}

/// The text CPython prints for an uncaught exception (see [`traceback`]).
pub fn format_exception(e: &strand_objects::PyErr) -> String {
    traceback::format_exception(e)
}
