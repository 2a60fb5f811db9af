//! The front end: ruff's parser, held to Python 3.11. Syntax that later versions
//! accept (PEP 701 f-strings, type parameters, unparenthesized `except` tuples, ...)
//! is rejected with CPython 3.11's message and position.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::error::ErrorKind;

/// Why [`parse_module_311`] failed.
pub(crate) enum ParseFailure {
    /// A syntax error of every Python version.
    Parse(ruff_python_parser::ParseError),
    /// Syntax that Python versions after 3.11 accept: CPython 3.11's message.
    Newer(&'static str, TextRange),
    /// An error CPython's tokenizer or compiler reports that ruff's parser does not
    /// (nesting too deep, tabs and spaces mixed): the error as it is.
    Other(ErrorKind, &'static str, TextRange),
}

/// CPython's tokenizer limit on open brackets (`MAXLEVEL`).
const MAX_PAREN_LEVEL: usize = 200;
/// CPython's tokenizer limit on indentation levels (`MAXINDENT`).
const MAX_INDENT: usize = 100;

/// A line's indentation measured twice, as CPython's tokenizer does: tabs to the next
/// multiple of 8 columns, and tabs as 1 column.
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

/// The first error CPython's tokenizer reports that ruff's lexer does not: more than
/// 200 open brackets, 100 indentation levels, or indentation that compares with an
/// enclosing level one way with tabs as 8 columns and another with tabs as 1
/// (`TabError`; ruff's lexer accepts some such lines).
fn tokenizer_error(
    source: &str,
    tokens: &[ruff_python_ast::token::Token],
) -> Option<(ErrorKind, &'static str, TextRange)> {
    use ruff_python_ast::token::TokenKind as K;
    let (mut parens, mut indent) = (0usize, 0usize);
    let mut levels: Vec<(usize, usize)> = vec![(0, 0)];
    let mut line_start = true;
    for t in tokens {
        let kind = t.kind();
        if line_start
            && !matches!(
                kind,
                K::Indent | K::Dedent | K::Comment | K::NonLogicalNewline
            )
        {
            line_start = false;
            let begin = source[..t.start().to_usize()]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let (col, alt) = indent_widths(&source[begin..]);
            let at = TextRange::empty(TextSize::try_from(begin).unwrap_or_default());
            let tab = (
                ErrorKind::Tab,
                "inconsistent use of tabs and spaces in indentation",
                at,
            );
            while levels.len() > 1 && levels.last().is_some_and(|&(c, _)| col < c) {
                levels.pop();
            }
            let &(top_col, top_alt) = levels.last().unwrap_or(&(0, 0));
            if col == top_col {
                if alt != top_alt {
                    return Some(tab);
                }
            } else if col > top_col {
                if alt <= top_alt {
                    return Some(tab);
                }
                levels.push((col, alt));
            }
        }
        match kind {
            K::Newline => line_start = true,
            K::Lpar | K::Lsqb | K::Lbrace => {
                parens += 1;
                if parens > MAX_PAREN_LEVEL {
                    return Some((
                        ErrorKind::Syntax,
                        "too many nested parentheses",
                        TextRange::empty(t.start()),
                    ));
                }
            }
            K::Rpar | K::Rsqb | K::Rbrace => parens = parens.saturating_sub(1),
            K::Indent => {
                indent += 1;
                if indent >= MAX_INDENT {
                    return Some((
                        ErrorKind::Indentation,
                        "too many levels of indentation",
                        TextRange::empty(t.start()),
                    ));
                }
            }
            K::Dedent => indent = indent.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// What an AST depth check walks: a module's statements or one expression.
#[derive(Clone, Copy)]
pub(crate) enum Tree<'a> {
    /// A module body.
    Body(&'a [ast::Stmt]),
    /// An expression (`eval` mode).
    Expr(&'a Expr),
}

impl<'a> Tree<'a> {
    /// The tree of a parse result.
    pub(crate) fn of(m: &'a ast::Mod) -> Tree<'a> {
        match m {
            ast::Mod::Module(m) => Tree::Body(&m.body),
            ast::Mod::Expression(e) => Tree::Expr(&e.body),
        }
    }
}

/// Whether an AST nests deeper than `limit` expressions, statements and patterns.
/// The walk stops at the limit, so its own recursion is bounded.
pub(crate) fn nests_deeper_than(tree: Tree<'_>, limit: usize) -> bool {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Depth {
        depth: usize,
        limit: usize,
        exceeded: bool,
    }
    impl Depth {
        fn enter(&mut self) -> bool {
            self.depth += 1;
            if self.depth > self.limit {
                self.exceeded = true;
            }
            !self.exceeded
        }
    }
    impl<'a> Visitor<'a> for Depth {
        fn visit_stmt(&mut self, s: &'a ast::Stmt) {
            if self.enter() {
                stacker::maybe_grow(64 << 10, 1 << 20, || visitor::walk_stmt(self, s));
            }
            self.depth -= 1;
        }
        fn visit_expr(&mut self, e: &'a Expr) {
            if self.enter() {
                stacker::maybe_grow(64 << 10, 1 << 20, || visitor::walk_expr(self, e));
            }
            self.depth -= 1;
        }
        fn visit_pattern(&mut self, p: &'a ast::Pattern) {
            if self.enter() {
                stacker::maybe_grow(64 << 10, 1 << 20, || visitor::walk_pattern(self, p));
            }
            self.depth -= 1;
        }
    }
    let mut d = Depth {
        depth: 0,
        limit,
        exceeded: false,
    };
    match tree {
        Tree::Body(body) => {
            for s in body {
                d.visit_stmt(s);
                if d.exceeded {
                    break;
                }
            }
        }
        Tree::Expr(e) => d.visit_expr(e),
    }
    d.exceeded
}

/// Parses `source` as Python 3.11 (the language `python3` is here): syntax added
/// after 3.11 (PEP 701 f-strings, type parameters, ...) is a `SyntaxError` with
/// CPython 3.11's message.
pub(crate) fn parse_module_311(
    source: &str,
) -> Result<ruff_python_parser::Parsed<ast::ModModule>, ParseFailure> {
    use ruff_python_parser::{Mode as ParseMode, ParseOptions, UnsupportedSyntaxErrorKind as Kind};
    let options =
        ParseOptions::from(ParseMode::Module).with_target_version(ast::PythonVersion::PY311);
    let parsed = ruff_python_parser::parse_unchecked(source, options);
    let nesting = tokenizer_error(source, parsed.tokens());
    let first_error = parsed.errors().first().cloned();
    let failure = match (nesting, first_error) {
        (Some((kind, message, at)), e)
            if e.as_ref().is_none_or(|e| e.location.start() >= at.start()) =>
        {
            Some(ParseFailure::Other(kind, message, at))
        }
        (_, Some(e)) => Some(ParseFailure::Parse(e)),
        _ => None,
    };
    if let Some(f) = failure {
        // Dropping walks the tree recursively, which could overflow the stack on a
        // tree deeper than the compiler accepts: such a tree (only ever from source
        // that fails to compile) is leaked instead.
        if nests_deeper_than(Tree::of(parsed.syntax()), crate::codegen::max_nesting()) {
            std::mem::forget(parsed);
        }
        return Err(f);
    }
    if let Some(e) = parsed.unsupported_syntax_errors().first() {
        // The parser's kinds for f-strings and comprehensions are private types; its
        // description tells them apart.
        let described = e.to_string();
        let message = match e.kind {
            Kind::Pep701FString(_) if described.contains("backslash") => {
                "f-string expression part cannot include a backslash"
            }
            Kind::Pep701FString(_) if described.contains("comments") => {
                "f-string expression part cannot include '#'"
            }
            Kind::Pep701FString(_) => "f-string: expecting '}'",
            Kind::UnparenthesizedExceptionTypes => "multiple exception types must be parenthesized",
            Kind::UnpackingInComprehension(_) if described.contains("dictionary") => {
                "dict unpacking cannot be used in dict comprehension"
            }
            Kind::UnpackingInComprehension(_) => {
                "iterable unpacking cannot be used in comprehension"
            }
            _ => "invalid syntax",
        };
        let at = if matches!(e.kind, Kind::Pep701FString(_)) {
            fstring_error_range(&parsed, e.range)
        } else {
            e.range
        };
        return Err(ParseFailure::Newer(message, at));
    }
    Ok(parsed
        .try_into_module()
        .expect("a module parse gives a module"))
}

/// Where CPython 3.11 reports an error inside an f-string: at the token after the
/// whole string literal (its parser sees the string only once it is complete), the
/// f-string's implicit concatenations included.
fn fstring_error_range(parsed: &ruff_python_parser::Parsed<ast::Mod>, at: TextRange) -> TextRange {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Outermost {
        at: TextSize,
        found: Option<TextRange>,
    }
    impl<'a> Visitor<'a> for Outermost {
        fn visit_expr(&mut self, e: &'a Expr) {
            if let Expr::FString(f) = e {
                if f.range.contains(self.at) && self.found.is_none_or(|r| f.range.len() > r.len()) {
                    self.found = Some(f.range);
                }
            }
            visitor::walk_expr(self, e);
        }
    }
    let ast::Mod::Module(module) = parsed.syntax() else {
        return at;
    };
    let mut v = Outermost {
        at: at.start(),
        found: None,
    };
    v.visit_body(&module.body);
    let Some(string) = v.found else {
        return at;
    };
    parsed
        .tokens()
        .iter()
        .find(|t| t.start() >= string.end() && !t.kind().is_trivia())
        .map_or(at, |t| t.range())
}
