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
pub mod generator;
pub mod io;
pub mod modules;
pub mod os;
pub mod random;
pub mod symtable;
pub mod thread;

use strand_objects::abstract_ as ab;

static SOURCES: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Remembers a module's source text, for the source lines of tracebacks.
pub fn register_source(filename: &str, source: String) {
    let mut s = SOURCES.lock().unwrap_or_else(|e| e.into_inner());
    if !s.iter().any(|(f, _)| f == filename) {
        s.push((filename.to_string(), source));
    }
}

fn source_line(filename: &str, line: u32) -> Option<String> {
    let s = SOURCES.lock().unwrap_or_else(|e| e.into_inner());
    let (_, text) = s.iter().find(|(f, _)| f == filename)?;
    text.lines()
        .nth(line.saturating_sub(1) as usize)
        .map(str::to_string)
}

/// A `SyntaxError` (or `NotImplementedError`) exception for a compile error, with
/// CPython's attributes (`filename`, `lineno`, `offset`, `text`, `msg`).
pub fn syntax_error(
    e: &compile::CompileError,
    source: &str,
    filename: &str,
) -> strand_objects::PyErr {
    use strand_objects::exceptions as exc;
    use strand_objects::{int, str as pystr, tuple};
    if e.kind == compile::ErrorKind::NotImplemented {
        return exc::not_implemented_error(e.message.clone());
    }
    let text = source
        .lines()
        .nth(e.line.saturating_sub(1) as usize)
        .map(|t| format!("{t}\n"));
    let details = tuple::from_vec(vec![
        pystr::new(filename),
        int::from_i64(i64::from(e.line)),
        int::from_i64(i64::from(e.column)),
        text.map(|t| pystr::new(&t))
            .unwrap_or_else(strand_objects::singletons::none),
    ]);
    strand_objects::PyErr::with_args(
        &exc::SYNTAX_ERROR_TYPE,
        vec![pystr::new(&e.message), details],
    )
}

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
            print_compile_error(&e, source, filename);
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
    register_source(filename, source.to_string());
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
        Err(e) => report_exception(&e, source),
    };
    // Like CPython's Py_Finalize: wait for the non-daemon threads.
    if let Some(threading) =
        strand_objects::dict::get_item_str(&modules::sys_modules(), "threading")
    {
        if let Ok(f) = ab::getattr_str(&threading, "_shutdown") {
            if let Err(e) = ab::call0(&f) {
                status = report_exception(&e, source);
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
pub fn report_exception(e: &strand_objects::PyErr, source: &str) -> u8 {
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
    let mut out = String::new();
    format_exception_chain(e.value(), source, &mut out, &mut Vec::new());
    builtins::write_stderr(&out);
    1
}

/// The text CPython prints for an uncaught exception (traceback, chained
/// exceptions, the final line).
pub fn format_exception(e: &strand_objects::PyErr) -> String {
    let mut out = String::new();
    format_exception_chain(e.value(), "", &mut out, &mut Vec::new());
    out
}

/// CPython's `traceback.print_exception` text for `value`, causes and contexts first.
fn format_exception_chain(
    value: &strand_objects::PyObj,
    source: &str,
    out: &mut String,
    seen: &mut Vec<usize>,
) {
    use strand_objects::exceptions as exc;
    use strand_objects::singletons::is_none;
    seen.push(value.addr());
    let (cause, context, suppress) = {
        let st = exc::payload(value).state();
        (st.cause.clone(), st.context.clone(), st.suppress_context)
    };
    if let Some(c) = cause.filter(|c| !is_none(c) && !seen.contains(&c.addr())) {
        format_exception_chain(&c, source, out, seen);
        out.push_str("\nThe above exception was the direct cause of the following exception:\n\n");
    } else if let Some(c) =
        context.filter(|c| !is_none(c) && !suppress && !seen.contains(&c.addr()))
    {
        format_exception_chain(&c, source, out, seen);
        out.push_str("\nDuring handling of the above exception, another exception occurred:\n\n");
    }
    let tb = eval::traceback_of(value);
    if !tb.is_empty() {
        out.push_str("Traceback (most recent call last):\n");
    }
    for entry in &tb {
        out.push_str(&format!(
            "  File \"{}\", line {}, in {}\n",
            entry.filename, entry.line, entry.name
        ));
        let text = source_line(&entry.filename, entry.line).or_else(|| {
            source
                .lines()
                .nth(entry.line.saturating_sub(1) as usize)
                .map(str::to_string)
        });
        if let Some(text) = text {
            if !text.trim().is_empty() {
                out.push_str(&format!("    {}\n", text.trim()));
            }
        }
    }
    out.push_str(&strand_objects::PyErr::from_value(value.clone()).display_line());
    out.push('\n');
}

fn print_compile_error(e: &compile::CompileError, source: &str, filename: &str) {
    let mut out = format!("  File \"{filename}\", line {}\n", e.line);
    if let Some(text) = source.lines().nth(e.line.saturating_sub(1) as usize) {
        let trimmed = text.trim_start();
        let indent = text.len() - trimmed.len();
        out.push_str(&format!("    {}\n", trimmed.trim_end()));
        let col = (e.column as usize).saturating_sub(1).saturating_sub(indent);
        out.push_str(&format!("    {}^\n", " ".repeat(col)));
    }
    out.push_str(&e.display_line());
    eprintln!("{out}");
}
