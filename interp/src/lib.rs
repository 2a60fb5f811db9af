//! `strand-interp`: the front end and the interpreter of strand.
//!
//! The front end parses with ruff's Python parser (`ruff_python_parser`), resolves
//! names with [`symtable`] (CPython 3.11's rules), and compiles ([`compile`]) to the
//! CPython-like bytecode of [`bytecode`]. [`eval`] runs it on the object model of
//! `strand-objects`, with the [`builtins`] module; [`run_main`] is what the `strand`
//! command runs.

pub mod builtins;
pub mod bytecode;
pub mod code;
pub mod compile;
pub mod eval;
pub mod generator;
pub mod symtable;

use strand_objects::abstract_ as ab;

/// Installs the interpreter's hooks into the object model (idempotent).
pub fn install() {
    strand_objects::init();
    strand_objects::function::set_eval_hook(eval::call_function);
    strand_objects::function::set_current_globals_hook(eval::current_globals);
    strand_objects::super_::set_zero_arg_hook(eval::zero_arg_super);
    generator::init();
}

/// Compiles and runs `source` as the `__main__` module on the calling thread (which
/// must have a large stack), printing errors like CPython. Returns the exit status.
pub fn run_main(source: &str, filename: &str, dis: bool) -> u8 {
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
    let status = match eval::run_code(&code_obj, &globals) {
        Ok(_) => 0,
        Err(e) => report_exception(&e, source),
    };
    let _ = std::io::Write::flush(&mut std::io::stdout());
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
        eprintln!("{}", ab::str_string(&code).unwrap_or_default());
        return 1;
    }
    let mut out = String::new();
    format_exception_chain(e.value(), source, &mut out, &mut Vec::new());
    eprint!("{out}");
    1
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
        if let Some(text) = source.lines().nth(entry.line.saturating_sub(1) as usize) {
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
