//! Compile errors as Python exceptions: the compiler's [`CompileError`] (it needs no
//! heap) becomes the `SyntaxError` / `IndentationError` object CPython raises.

use strand_compiler::{CompileError, ErrorKind};
use strand_objects::exceptions as exc;
use strand_objects::{int, singletons, str as pystr, tuple, PyErr};

/// The exception for a compile error: `SyntaxError` or `IndentationError` with
/// CPython's attributes (`filename`, `lineno`, `offset`, `text`, `end_lineno`,
/// `end_offset`), `TabError`, `RecursionError` or `OverflowError` for source too
/// deep or too long, or `NotImplementedError` for constructs strand does not compile.
pub fn syntax_error(e: &CompileError, source: &str, filename: &str) -> PyErr {
    let ty = match e.kind {
        ErrorKind::NotImplemented => return exc::not_implemented_error(e.message.clone()),
        ErrorKind::Recursion => return exc::recursion_error(e.message.clone()),
        ErrorKind::Overflow => return exc::overflow_error(e.message.clone()),
        ErrorKind::System => return exc::system_error(e.message.clone()),
        ErrorKind::Syntax => &exc::SYNTAX_ERROR_TYPE,
        ErrorKind::Indentation => &exc::INDENTATION_ERROR_TYPE,
        ErrorKind::Tab => &exc::TAB_ERROR_TYPE,
    };
    if e.line == 0 {
        // Errors CPython reports with no position (an unknown source encoding).
        return PyErr::with_args(ty, vec![pystr::new(&e.message)]);
    }
    let text = source
        .lines()
        .nth(e.line.saturating_sub(1) as usize)
        .map(|t| match t.find('\0') {
            // A NUL ends the line as CPython's C strings do.
            Some(i) => t[..i].to_string(),
            None => format!("{t}\n"),
        });
    let num = |v: u32| int::from_i64(i64::from(v));
    let details = tuple::from_vec(vec![
        pystr::new(filename),
        num(e.line),
        if e.column == 0 {
            singletons::none()
        } else {
            num(e.column)
        },
        text.map(|t| pystr::new(&t))
            .unwrap_or_else(singletons::none),
        num(e.end_line),
        num(e.end_column),
    ]);
    PyErr::with_args(ty, vec![pystr::new(&e.message), details])
}

/// A source file's text: its bytes decoded as PEP 263 says (a `coding` declaration,
/// else UTF-8), with no NUL characters.
///
/// # Errors
/// The `SyntaxError` CPython raises for the file.
pub fn decode_file(bytes: &[u8], filename: &str) -> Result<String, PyErr> {
    use strand_compiler::source::{check_no_nul, decode, Origin};
    let text = decode(bytes, Origin::File(filename))
        .map_err(|e| syntax_error(&e, &String::from_utf8_lossy(bytes), filename))?;
    check_no_nul(&text).map_err(|e| syntax_error(&e, &text, filename))?;
    Ok(text)
}
