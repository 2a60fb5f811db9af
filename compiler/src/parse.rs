//! The front end: ruff's parser, held to Python 3.11. Syntax that later versions
//! accept (PEP 701 f-strings, type parameters, unparenthesized `except` tuples, ...)
//! is rejected with CPython 3.11's message and position.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange, TextSize};

/// Why [`parse_module_311`] failed.
pub(crate) enum ParseFailure {
    /// A syntax error of every Python version.
    Parse(ruff_python_parser::ParseError),
    /// Syntax that Python versions after 3.11 accept: CPython 3.11's message.
    Newer(&'static str, TextRange),
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
    let parsed = ruff_python_parser::parse(source, options).map_err(ParseFailure::Parse)?;
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
