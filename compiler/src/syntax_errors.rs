//! Syntax errors as CPython reports them: the parser's errors translated into
//! CPython 3.11's `SyntaxError` / `IndentationError` messages (Parser/pegen_errors.c,
//! Grammar/python.gram's `invalid_*` rules), and the exception objects with
//! `filename`, `lineno`, `offset`, `text`, `end_lineno` and `end_offset`.
//!
//! ruff's parser recovers from errors and names them its own way ("Expected ':',
//! found newline"); CPython's messages come from its grammar's error rules. The
//! translation below covers the common cases; anything else is CPython's generic
//! "invalid syntax" at the parser's position.

use crate::error::{CompileError, ErrorKind};
use ruff_python_ast::token::TokenKind;
use ruff_python_parser::{LexicalErrorType, ParseError, ParseErrorType};
use ruff_source_file::LineIndex;
use ruff_text_size::TextRange;

/// Translates a parse error into CPython's message and kind.
pub fn from_parse_error(e: &ParseError, source: &str, index: &LineIndex) -> CompileError {
    let (kind, message, range) = translate(&e.error, e.location, source);
    let mut err = CompileError::new(kind, message, source, index, range);
    if kind == ErrorKind::Tab {
        // CPython's tokenizer reports the line, with no end column.
        err.end_column = 0;
    }
    err
}

fn translate(e: &ParseErrorType, at: TextRange, source: &str) -> (ErrorKind, String, TextRange) {
    use ErrorKind::{Indentation, Syntax};
    let start = TextRange::empty(at.start());
    let line_no = |offset: ruff_text_size::TextSize| {
        source[..offset.to_usize().min(source.len())]
            .matches('\n')
            .count()
            + 1
    };
    let line_end = |offset: ruff_text_size::TextSize| {
        let from = offset.to_usize().min(source.len());
        let end = source[from..].find('\n').map_or(source.len(), |i| from + i);
        ruff_text_size::TextSize::try_from(end).unwrap_or_default()
    };
    let line_start = |offset: ruff_text_size::TextSize| {
        let to = offset.to_usize().min(source.len());
        let start = source[..to].rfind('\n').map_or(0, |i| i + 1);
        ruff_text_size::TextSize::try_from(start).unwrap_or_default()
    };
    // A bracket opened on an earlier line and never closed explains most errors
    // after it (CPython's tokenizer reports it first).
    if let Some((c, pos)) = unclosed_bracket(source, at) {
        if line_no(pos) < line_no(at.start())
            || matches!(e, ParseErrorType::Lexical(LexicalErrorType::Eof))
        {
            return (
                Syntax,
                format!("'{c}' was never closed"),
                TextRange::empty(pos),
            );
        }
    }
    match e {
        ParseErrorType::OtherError(msg) if msg.starts_with("Expected an indented block") => {
            let message = match block_opener(source, at) {
                Some((kw, line)) => format!("expected an indented block after {kw} on line {line}"),
                None => "expected an indented block".into(),
            };
            (Indentation, message, start)
        }
        ParseErrorType::SimpleStatementsOnSameLine => {
            let ls = line_start(at.start());
            let before = source[ls.to_usize()..at.start().to_usize()].trim();
            if before == "print" || before == "exec" {
                let from = ls + ruff_text_size::TextSize::of(&source[ls.to_usize()..])
                    - ruff_text_size::TextSize::of(source[ls.to_usize()..].trim_start());
                let to = ruff_text_size::TextSize::of(
                    source[..line_end(at.start()).to_usize()].trim_end(),
                );
                (
                    Syntax,
                    format!(
                        "Missing parentheses in call to '{before}'. Did you mean {before}(...)?"
                    ),
                    TextRange::new(from, to),
                )
            } else {
                (Syntax, "invalid syntax".into(), start)
            }
        }
        ParseErrorType::InvalidAssignmentTarget => {
            let target = &source[at.start().to_usize()..at.end().to_usize().min(source.len())];
            let after = source[at.end().to_usize().min(source.len())..].trim_start();
            let what = assignment_target_kind(target);
            let message = match what {
                "None" | "True" | "False" | "__debug__" => format!("cannot assign to {what}"),
                _ if after.starts_with('=') && !after.starts_with("==") => {
                    format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?")
                }
                _ => format!("cannot assign to {what}"),
            };
            (Syntax, message, at)
        }
        ParseErrorType::ExpectedToken { expected, found } => match (expected, found) {
            (TokenKind::Colon, _) => (Syntax, "expected ':'".into(), start),
            (TokenKind::Indent, _) => (
                Indentation,
                format!(
                    "expected an indented block{}",
                    block_opener(source, at).map_or(String::new(), |(kw, line)| format!(
                        " after {kw} on line {line}"
                    ))
                ),
                start,
            ),
            _ => (Syntax, "invalid syntax".into(), start),
        },
        // CPython reports the indentation itself, so no caret is printed.
        ParseErrorType::UnexpectedIndentation => (
            Indentation,
            "unexpected indent".into(),
            TextRange::empty(line_start(at.start())),
        ),
        ParseErrorType::Lexical(lex) => match lex {
            LexicalErrorType::IndentationError if mixes_tabs(source, at.start()) => (
                ErrorKind::Tab,
                "inconsistent use of tabs and spaces in indentation".into(),
                TextRange::empty(line_start(at.start())),
            ),
            LexicalErrorType::IndentationError => (
                Indentation,
                "unindent does not match any outer indentation level".into(),
                TextRange::empty(line_end(at.start())),
            ),
            LexicalErrorType::UnclosedStringError => {
                let text = &source[at.start().to_usize().min(source.len())..];
                let triple = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
                if triple.starts_with("\"\"\"") || triple.starts_with("'''") {
                    (
                        Syntax,
                        format!(
                            "unterminated triple-quoted string literal (detected at line {})",
                            source.lines().count()
                        ),
                        start,
                    )
                } else {
                    (
                        Syntax,
                        format!(
                            "unterminated string literal (detected at line {})",
                            line_no(at.start())
                        ),
                        start,
                    )
                }
            }
            LexicalErrorType::Eof => (Syntax, "unexpected EOF while parsing".into(), start),
            _ => (Syntax, "invalid syntax".into(), start),
        },
        ParseErrorType::PositionalAfterKeywordArgument => (
            Syntax,
            "positional argument follows keyword argument".into(),
            TextRange::empty(at.end()),
        ),
        ParseErrorType::PositionalAfterKeywordUnpacking => (
            Syntax,
            "positional argument follows keyword argument unpacking".into(),
            TextRange::empty(at.end()),
        ),
        ParseErrorType::InvalidArgumentUnpackingOrder => (
            Syntax,
            "iterable argument unpacking follows keyword argument unpacking".into(),
            at,
        ),
        ParseErrorType::NonDefaultParamAfterDefaultParam => (
            Syntax,
            "non-default argument follows default argument".into(),
            at,
        ),
        ParseErrorType::ExpectedKeywordParam => {
            (Syntax, "named arguments must follow bare *".into(), start)
        }
        ParseErrorType::IterableUnpackingInComprehension => (
            Syntax,
            "iterable unpacking cannot be used in comprehension".into(),
            at,
        ),
        ParseErrorType::InvalidStarredExpressionUsage => {
            (Syntax, "can't use starred expression here".into(), at)
        }
        _ => (Syntax, "invalid syntax".into(), start),
    }
}

/// A line's indentation as CPython's tokenizer measures it twice: tabs to the next
/// multiple of 8 columns, and tabs as 1 column. Indentation is consistent only when
/// both measures order lines alike.
fn indent_widths(line: &str) -> (usize, usize) {
    let (mut col, mut alt) = (0, 0);
    for c in line.chars() {
        match c {
            ' ' => {
                col += 1;
                alt += 1;
            }
            '\t' => {
                col = (col / 8 + 1) * 8;
                alt += 1;
            }
            '\x0c' => {
                col = 0;
                alt = 0;
            }
            _ => break,
        }
    }
    (col, alt)
}

/// Whether the indentation error on the line at `at` is CPython's `TabError`: the
/// line's indentation compares with an enclosing level one way with tabs as 8
/// columns and another way with tabs as 1 (the lines before it give the levels).
fn mixes_tabs(source: &str, at: ruff_text_size::TextSize) -> bool {
    let end = at.to_usize().min(source.len());
    let line_begin = source[..end].rfind('\n').map_or(0, |i| i + 1);
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    for line in source[..line_begin].lines() {
        let t = line.trim_start_matches([' ', '\t', '\x0c']);
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let w = indent_widths(line);
        while stack.len() > 1 && stack.last().is_some_and(|top| top.0 > w.0) {
            stack.pop();
        }
        if stack.last().is_some_and(|top| top.0 < w.0) {
            stack.push(w);
        }
    }
    let line = source[line_begin..].lines().next().unwrap_or("");
    let (col, alt) = indent_widths(line);
    stack
        .iter()
        .any(|&(c, a)| (c == col) != (a == alt) || (c < col) != (a < alt))
}

/// How CPython names an expression that cannot be assigned to.
fn assignment_target_kind(text: &str) -> &'static str {
    use ruff_python_ast::Expr;
    let Ok(parsed) = ruff_python_parser::parse_expression(text) else {
        return "expression";
    };
    match &*parsed.syntax().body {
        Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::EllipsisLiteral(_) => "literal",
        Expr::NoneLiteral(_) => "None",
        Expr::BooleanLiteral(b) if b.value => "True",
        Expr::BooleanLiteral(_) => "False",
        Expr::Call(_) => "function call",
        Expr::FString(_) => "f-string expression",
        Expr::Lambda(_) => "lambda",
        Expr::Compare(_) => "comparison",
        Expr::If(_) => "conditional expression",
        Expr::Named(_) => "named expression",
        Expr::Dict(_) => "dict literal",
        Expr::Set(_) => "set display",
        Expr::ListComp(_) => "list comprehension",
        Expr::SetComp(_) => "set comprehension",
        Expr::DictComp(_) => "dict comprehension",
        Expr::Generator(_) => "generator expression",
        Expr::Await(_) => "await expression",
        Expr::Yield(_) | Expr::YieldFrom(_) => "yield expression",
        Expr::Name(n) if n.id.as_str() == "__debug__" => "__debug__",
        _ => "expression",
    }
}

/// The innermost bracket still open at `at`: its character and offset.
fn unclosed_bracket(source: &str, at: TextRange) -> Option<(char, ruff_text_size::TextSize)> {
    let end = at.start().to_usize().min(source.len());
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut chars = source[..end].char_indices().peekable();
    let mut quote: Option<(char, bool)> = None;
    while let Some((i, c)) = chars.next() {
        if let Some((q, triple)) = quote {
            if c == '\\' {
                chars.next();
            } else if c == q {
                if !triple {
                    quote = None;
                } else if source[i..].starts_with(&q.to_string().repeat(3)) {
                    chars.next();
                    chars.next();
                    quote = None;
                }
            } else if c == '\n' && !triple {
                quote = None;
            }
            continue;
        }
        match c {
            '#' => {
                while chars.peek().is_some_and(|&(_, c)| c != '\n') {
                    chars.next();
                }
            }
            '"' | '\'' => {
                let triple = source[i..].starts_with(&c.to_string().repeat(3));
                if triple {
                    chars.next();
                    chars.next();
                }
                quote = Some((c, triple));
            }
            '(' | '[' | '{' => stack.push((c, i)),
            ')' | ']' | '}' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack
        .last()
        .map(|&(c, i)| (c, ruff_text_size::TextSize::try_from(i).unwrap_or_default()))
}

/// For a missing indented block: the statement that opened it (`'if' statement`,
/// `function definition`, ...) and its line.
fn block_opener(source: &str, at: TextRange) -> Option<(String, usize)> {
    let end = at.start().to_usize().min(source.len());
    let before = &source[..end];
    let lines: Vec<&str> = before.lines().collect();
    for (i, line) in lines.iter().enumerate().rev() {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !t.trim_end().ends_with(':') {
            return None;
        }
        let word = t
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        let what = match word {
            "def" => "function definition".to_string(),
            "class" => "class definition".to_string(),
            "if" | "elif" | "else" | "for" | "while" | "try" | "with" | "except" | "finally" => {
                format!("'{word}' statement")
            }
            _ => return None,
        };
        return Some((what, i + 1));
    }
    None
}
