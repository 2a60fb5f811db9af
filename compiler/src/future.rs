//! `from __future__ import ...` (CPython's Python/future.c): the features a module
//! turns on with the future statements it starts with, and the errors for a future
//! statement that is not allowed.
//!
//! Future statements must come first in a module, after its docstring (and other
//! future statements); each names a feature CPython 3.11 knows. All of them but
//! `annotations` are on in 3.11 anyway (`barry_as_FLUFL`, the `<>` joke, is accepted
//! and changes nothing), so [`Features`] records only PEP 563's postponed evaluation
//! of annotations.

use ruff_python_ast::visitor::transformer::Transformer;
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

/// The features CPython 3.11 accepts in a future statement.
const KNOWN: [&str; 10] = [
    "nested_scopes",
    "generators",
    "division",
    "absolute_import",
    "with_statement",
    "print_function",
    "unicode_literals",
    "barry_as_FLUFL",
    "generator_stop",
    "annotations",
];

/// What a module's future statements turn on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// PEP 563 (`from __future__ import annotations`): annotations are kept as the
    /// source text of their expressions (as `ast.unparse` writes it), not evaluated.
    pub annotations: bool,
    /// Where the leading run of future statements ends: a future statement after it
    /// is an error ("from __future__ imports must occur at the beginning of the
    /// file").
    pub end: TextSize,
}

/// Whether `s` is a `from __future__ import` statement.
pub(crate) fn is_future_import(s: &Stmt) -> bool {
    matches!(s, Stmt::ImportFrom(i) if i.level == 0
        && i.module.as_ref().is_some_and(|m| m.as_str() == "__future__"))
}

/// The features turned on by the future statements `body` begins with.
///
/// # Errors
/// `(message, range)` of a `SyntaxError`: an unknown feature (`future feature X is
/// not defined`) or `from __future__ import braces` (`not a chance`).
pub fn features(body: &[Stmt]) -> Result<Features, (String, TextRange)> {
    let mut f = Features::default();
    let mut stmts = body.iter().peekable();
    if let Some(Stmt::Expr(e)) = stmts.peek() {
        if matches!(&*e.value, Expr::StringLiteral(_)) {
            f.end = e.end();
            stmts.next();
        }
    }
    for s in stmts {
        if !is_future_import(s) {
            break;
        }
        let Stmt::ImportFrom(i) = s else { break };
        for alias in &i.names {
            let name: &ast::Identifier = &alias.name;
            match name.as_str() {
                "braces" => return Err(("not a chance".into(), s.range())),
                "annotations" => f.annotations = true,
                n if KNOWN.contains(&n) => {}
                n => {
                    return Err((format!("future feature {n} is not defined"), s.range()));
                }
            }
        }
        f.end = s.end();
    }
    Ok(f)
}

/// The source text a postponed annotation keeps (PEP 563), as CPython's
/// `ast_unparse.c` writes it: string and bytes literals as their `repr`s (single
/// quotes unless the text has one and no double quote; no prefixes, no triple
/// quotes), a tuple in parentheses except as a subscript (`dict[str, int]`).
///
/// ruff's code generator writes the expression; its default mode keeps the
/// literals' own quoting, so the literals of a copy are re-flagged first, and
/// its tuple rule matches CPython's everywhere but at the top.
pub(crate) fn annotation_source(e: &Expr) -> String {
    struct Repr;
    impl Transformer for Repr {
        fn visit_string_literal(&self, s: &mut ast::StringLiteral) {
            s.flags = s
                .flags
                .with_prefix(ast::str_prefix::StringLiteralPrefix::Empty)
                .with_quote_style(ast::str::Quote::Single)
                .with_triple_quotes(ast::str::TripleQuotes::No);
        }
        fn visit_bytes_literal(&self, b: &mut ast::BytesLiteral) {
            b.flags = b
                .flags
                .with_prefix(ast::str_prefix::ByteStringPrefix::Regular)
                .with_quote_style(ast::str::Quote::Single)
                .with_triple_quotes(ast::str::TripleQuotes::No);
        }
    }
    let mut copy = e.clone();
    Repr.visit_expr(&mut copy);
    let indent = ruff_python_codegen::Indentation::default();
    let text =
        ruff_python_codegen::Generator::new(&indent, ruff_source_file::LineEnding::Lf).expr(&copy);
    match &copy {
        Expr::Tuple(t) if !t.is_empty() => format!("({text})"),
        _ => text,
    }
}

/// What PEP 563 forbids in a postponed annotation (CPython 3.11's symbol table
/// checks it in the annotation block): the first named expression, `yield` or
/// `await`, with its message.
pub(crate) fn forbidden_in_annotation(e: &Expr) -> Option<(&'static str, TextRange)> {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Find(Option<(&'static str, TextRange)>);
    impl<'a> Visitor<'a> for Find {
        fn visit_expr(&mut self, e: &'a Expr) {
            if self.0.is_some() {
                return;
            }
            let what = match e {
                Expr::Named(_) => "'named expression' can not be used within an annotation",
                Expr::Yield(_) | Expr::YieldFrom(_) => {
                    "'yield expression' can not be used within an annotation"
                }
                Expr::Await(_) => "'await expression' can not be used within an annotation",
                _ => return visitor::walk_expr(self, e),
            };
            self.0 = Some((what, e.range()));
        }
    }
    let mut f = Find(None);
    f.visit_expr(e);
    f.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str) -> Result<Features, String> {
        let parsed = ruff_python_parser::parse_module(src).expect("parses");
        features(&parsed.syntax().body).map_err(|(m, _)| m)
    }

    #[test]
    fn annotations_after_a_docstring_and_other_features() {
        let src = "\"\"\"doc\"\"\"\nfrom __future__ import division\nfrom __future__ import annotations\nx = 1\n";
        let f = run(src).unwrap();
        assert!(f.annotations);
        assert_eq!(usize::from(f.end), src.find("\nx = 1").unwrap());
    }

    #[test]
    fn annotation_text_is_cpythons() {
        let text = |src: &str| {
            let parsed = ruff_python_parser::parse_expression(src).expect("parses");
            annotation_source(parsed.expr())
        };
        assert_eq!(text("dict[str,  typing.Any]"), "dict[str, typing.Any]");
        assert_eq!(text("(1,2)"), "(1, 2)");
        assert_eq!(text("\"str\""), "'str'");
        assert_eq!(text(r"r'a\b'"), r"'a\\b'");
        assert_eq!(text("\"it's\""), "\"it's\"");
        assert_eq!(text("b\"x\""), "b'x'");
        assert_eq!(text("a[1:2, ::3]"), "a[1:2, ::3]");
        // As CPython 3.11 writes them, trailing comma included.
        assert_eq!(text("tuple[*Ts]"), "tuple[*Ts,]");
        assert_eq!(text("a[()]"), "a[()]");
        assert_eq!(text("(1,)"), "(1,)");
        assert_eq!(
            text("Callable[[int], str] | None"),
            "Callable[[int], str] | None"
        );
    }

    #[test]
    fn a_late_future_statement_turns_nothing_on() {
        let f = run("import os\nfrom __future__ import annotations\n").unwrap();
        assert!(!f.annotations);
        assert_eq!(u32::from(f.end), 0);
    }

    #[test]
    fn unknown_features_and_braces_are_errors() {
        assert_eq!(
            run("from __future__ import spam").unwrap_err(),
            "future feature spam is not defined"
        );
        assert_eq!(
            run("from __future__ import braces").unwrap_err(),
            "not a chance"
        );
    }
}
