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
    use strand_compiler::source::{check_no_nul, Origin};
    let text = decode_source(bytes, Origin::File(filename), filename)?;
    check_no_nul(&text).map_err(|e| syntax_error(&e, &text, filename))?;
    Ok(text)
}

/// Source bytes decoded as PEP 263 says (CPython's tokenizer): UTF-8, Latin-1 and
/// ASCII by the compiler, any other declared encoding through the codec registry.
/// `filename` is what a `SyntaxError` names.
///
/// # Errors
/// `SyntaxError` at line 0: for a file, `encoding problem: NAME` (`... with BOM`
/// after a UTF-8 byte order mark); for `bytes` given to `compile()`, the message of
/// the codec's `LookupError` (`unknown encoding: NAME`, `'rot13' is not a text
/// encoding; ...`) or `UnicodeDecodeError`.
pub fn decode_source(
    bytes: &[u8],
    origin: strand_compiler::source::Origin<'_>,
    filename: &str,
) -> Result<String, PyErr> {
    use strand_compiler::source::{decode, foreign_encoding, Origin};
    let lossy = || String::from_utf8_lossy(bytes);
    let fail = |message: String| match origin {
        // `compile(b"...")`'s errors CPython places at line 0, offset -1.
        Origin::Bytes => PyErr::with_args(
            &exc::SYNTAX_ERROR_TYPE,
            vec![
                pystr::new(&message),
                tuple::from_vec(vec![
                    pystr::new(filename),
                    int::from_i64(0),
                    int::from_i64(-1),
                    singletons::none(),
                ]),
            ],
        ),
        Origin::File(_) => {
            let e = CompileError::unplaced(ErrorKind::Syntax, message);
            syntax_error(&e, &lossy(), filename)
        }
    };
    let Some((name, bom)) = foreign_encoding(bytes) else {
        return decode(bytes, origin).map_err(|e| {
            if e.line == 0 && e.kind == ErrorKind::Syntax {
                fail(e.message)
            } else {
                syntax_error(&e, &lossy(), filename)
            }
        });
    };
    if bom {
        return Err(fail(format!("encoding problem: {name} with BOM")));
    }
    let data = strand_objects::bytes::new(bytes);
    strand_objects::bytes::decode(&data, bytes, &name, "strict").map_err(|e| match origin {
        Origin::File(_) => fail(format!("encoding problem: {name}")),
        Origin::Bytes => fail(
            strand_objects::abstract_::str_string(e.value())
                .unwrap_or_else(|_| format!("unknown encoding: {name}")),
        ),
    })
}
