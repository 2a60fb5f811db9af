//! The compiler's one error type: a `SyntaxError`, `IndentationError` or (for a
//! construct not compiled yet) `NotImplementedError`, with its message and source span.
//! The interpreter turns it into the exception object; the compiler needs no heap.

use ruff_source_file::LineIndex;
use ruff_text_size::TextRange;

/// What kind of error a [`CompileError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Python's `SyntaxError`.
    Syntax,
    /// Python's `IndentationError` (a `SyntaxError`).
    Indentation,
    /// Python's `TabError` (an `IndentationError`): tabs and spaces mixed
    /// inconsistently.
    Tab,
    /// `RecursionError`: the source nests too deeply to compile.
    Recursion,
    /// `OverflowError`: the source is too long to compile.
    Overflow,
    /// A construct strand does not compile yet (`NotImplementedError`).
    NotImplemented,
    /// An inconsistency inside the compiler (`SystemError`, as CPython raises when
    /// its symbol table and code generator disagree).
    System,
}

/// A compile error with its location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// Which exception it becomes.
    pub kind: ErrorKind,
    /// The message (CPython's for syntax errors).
    pub message: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
    /// 1-based line where the offending text ends.
    pub end_line: u32,
    /// 1-based column (in characters) just past the offending text.
    pub end_column: u32,
}

impl CompileError {
    /// An error of `kind` about the source text in `range`.
    pub fn new(
        kind: ErrorKind,
        message: impl Into<String>,
        source: &str,
        index: &LineIndex,
        range: TextRange,
    ) -> CompileError {
        let start = index.line_column(range.start(), source);
        let end = index.line_column(range.end(), source);
        CompileError {
            kind,
            message: message.into(),
            line: start.line.get() as u32,
            column: start.column.get() as u32,
            end_line: end.line.get() as u32,
            end_column: end.column.get() as u32,
        }
    }

    /// An error with no source position (line and columns 0).
    pub fn unplaced(kind: ErrorKind, message: impl Into<String>) -> CompileError {
        CompileError {
            kind,
            message: message.into(),
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
        }
    }

    /// `SyntaxError: message` / `NotImplementedError: message`.
    pub fn display_line(&self) -> String {
        let name = match self.kind {
            ErrorKind::Syntax => "SyntaxError",
            ErrorKind::Indentation => "IndentationError",
            ErrorKind::Tab => "TabError",
            ErrorKind::Recursion => "RecursionError",
            ErrorKind::Overflow => "OverflowError",
            ErrorKind::NotImplemented => "NotImplementedError",
            ErrorKind::System => "SystemError",
        };
        format!("{name}: {}", self.message)
    }
}
