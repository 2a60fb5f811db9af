//! The interactive prompt (Modules/main.c's `pymain_repl`, Lib/code.py and
//! Lib/codeop.py for deciding when input is complete).
//!
//! Lines are read with rustyline (line editing and history); the thread is detached
//! while it waits for the user, so other Python threads can stop the world. A
//! statement is compiled in `single` mode once it is complete: an expression's value
//! goes to `sys.displayhook`. Input is incomplete while a bracket or a triple-quoted
//! string is open, after a backslash continuation, and inside a compound statement
//! until an empty line ends it.

use rustyline::error::ReadlineError;
use strand_objects::abstract_ as ab;
use strand_objects::{dict, module, str as pystr, PyObj};

use crate::exit::{report_exception, Exit};
use strand_compiler::{self as compile, CompileError, ErrorKind, Mode};
use strand_interp::stdio::write_stderr;
use strand_interp::syntax_error::syntax_error;

/// Whether the text typed so far can run.
#[derive(Debug, PartialEq, Eq)]
enum Input {
    /// Compile and run it.
    Complete,
    /// Ask for another line.
    Incomplete,
    /// A syntax error to report.
    Invalid(CompileError),
}

/// Classifies `source` (the lines typed so far, each ending in `\n`).
fn classify(source: &str) -> Input {
    let trimmed = source.trim_end_matches('\n');
    if trimmed.trim().is_empty() {
        return Input::Complete;
    }
    if trimmed.ends_with('\\') {
        return Input::Incomplete;
    }
    match compile::compile(source, "<stdin>", Mode::Single) {
        Ok(_) => {
            // A compound statement goes on until an empty line.
            let first = source.lines().next().unwrap_or("").trim_start();
            let opens_block =
                first.starts_with('@') || strip_comment(first).trim_end().ends_with(':');
            if opens_block && !source.ends_with("\n\n") {
                Input::Incomplete
            } else {
                Input::Complete
            }
        }
        Err(e) if waits_for_more(&e, source) => Input::Incomplete,
        Err(e) => Input::Invalid(e),
    }
}

/// Errors that only mean the statement has not been typed to its end.
fn waits_for_more(e: &CompileError, source: &str) -> bool {
    if e.kind == ErrorKind::NotImplemented {
        return false;
    }
    let at_end = e.line as usize >= source.lines().count();
    e.message.ends_with("was never closed")
        || e.message.starts_with("unterminated triple-quoted string")
        || e.message == "unexpected EOF while parsing"
        || (e.kind == ErrorKind::Indentation
            && e.message.starts_with("expected an indented block")
            && at_end)
}

/// A line without its `#` comment (quotes are not tracked: good enough to see a
/// trailing colon).
fn strip_comment(line: &str) -> &str {
    match line.find('#') {
        Some(i) if !line[..i].contains(['"', '\'']) => &line[..i],
        _ => line,
    }
}

/// The prompt string `sys.ps1` / `sys.ps2`, or the default.
fn prompt(name: &str, default: &str) -> String {
    let sys = module::module_dict(&strand_interp::state::sys_module());
    match dict::get_item_str(&sys, name) {
        Some(p) => ab::str_string(&p).unwrap_or_else(|_| default.to_string()),
        None => default.to_string(),
    }
}

/// Runs the interactive prompt in `globals` (the `__main__` namespace) until end of
/// input or `SystemExit`.
pub fn interact(globals: &PyObj, quiet: bool) -> Exit {
    let sys = module::module_dict(&strand_interp::state::sys_module());
    dict::set_item_str(&sys, "ps1", pystr::new(">>> "));
    dict::set_item_str(&sys, "ps2", pystr::new("... "));
    if !quiet {
        write_stderr(&format!(
            "strand {} (a free-threaded runtime for a subset of Python 3.11) on {}\n\
             Type \"help\", \"copyright\", \"credits\" or \"license\" for more information.\n",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS
        ));
    }
    let mut editor = match rustyline::DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            write_stderr(&format!("strand: cannot start the prompt: {e}\n"));
            return Exit::Status(1);
        }
    };
    let mut buffer = String::new();
    loop {
        let p = if buffer.is_empty() {
            prompt("ps1", ">>> ")
        } else {
            prompt("ps2", "... ")
        };
        // Detached while the user types: stop-the-world never waits for the prompt.
        let line = strand_heap::with_detached(|| editor.readline(&p));
        let line = match line {
            Ok(l) => l,
            Err(ReadlineError::Interrupted) => {
                write_stderr("\nKeyboardInterrupt\n");
                buffer.clear();
                continue;
            }
            Err(ReadlineError::Eof) => {
                write_stderr("\n");
                return Exit::Status(0);
            }
            Err(e) => {
                write_stderr(&format!("strand: {e}\n"));
                return Exit::Status(1);
            }
        };
        // A ^C that arrived while typing is not raised later.
        let _ = strand_interp::signals::check_interrupt();
        buffer.push_str(&line);
        buffer.push('\n');
        match classify(&buffer) {
            Input::Incomplete => continue,
            Input::Invalid(e) => {
                let err = syntax_error(&e, &buffer, "<stdin>");
                let _ = report_exception(&err);
            }
            Input::Complete => {
                if !buffer.trim().is_empty() {
                    let _ = editor.add_history_entry(buffer.trim_end());
                    if let Some(exit) = run_statement(&buffer, globals) {
                        return exit;
                    }
                }
            }
        }
        buffer.clear();
    }
}

/// Compiles and runs one complete statement; `Some` when the prompt must end
/// (`SystemExit`).
fn run_statement(source: &str, globals: &PyObj) -> Option<Exit> {
    let code = match compile::compile(source, "<stdin>", Mode::Single) {
        Ok(c) => c,
        Err(e) => {
            let err = syntax_error(&e, source, "<stdin>");
            let _ = report_exception(&err);
            return None;
        }
    };
    match strand_interp::eval::run_code(&strand_interp::code::load_code(&code), globals) {
        Ok(_) => None,
        Err(e) if e.is_instance(&strand_objects::exceptions::SYSTEM_EXIT_TYPE) => {
            Some(report_exception(&e))
        }
        Err(e) => {
            // Printed; the prompt goes on (KeyboardInterrupt included).
            let _ = report_exception(&e);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_statements_are_complete() {
        assert_eq!(classify("x = 1\n"), Input::Complete);
        assert_eq!(classify("print(x)\n"), Input::Complete);
    }

    #[test]
    fn open_brackets_and_blocks_wait_for_more() {
        assert_eq!(classify("f(1,\n"), Input::Incomplete);
        assert_eq!(classify("if x:\n"), Input::Incomplete);
        assert_eq!(classify("if x:\n    y = 1\n"), Input::Incomplete);
        assert_eq!(classify("if x:\n    y = 1\n\n"), Input::Complete);
        assert_eq!(classify("s = '''a\n"), Input::Incomplete);
        assert_eq!(classify("x = 1 + \\\n"), Input::Incomplete);
    }

    #[test]
    fn syntax_errors_are_reported() {
        assert!(matches!(classify("x = = 1\n"), Input::Invalid(_)));
    }
}
