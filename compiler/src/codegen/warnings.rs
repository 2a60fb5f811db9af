//! The `SyntaxWarning`s CPython 3.11's compiler emits for code that is valid but
//! almost certainly wrong (Python/compile.c: `check_compare`, `check_caller`,
//! `check_subscripter`, `check_index` and the `assert` check): `x is 1`, calling or
//! subscripting a literal, indexing a literal with a non-integer literal, and
//! `assert (cond, msg)`. They print to standard error while the module compiles,
//! as the `warnings` module's default filter shows them: once per line and message,
//! `file:line: SyntaxWarning: message`, then the stripped source line.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use super::Compiler;

impl Compiler<'_, '_> {
    /// Prints a `SyntaxWarning` for the line where `at` starts (once per line and
    /// message).
    pub(super) fn warn(&mut self, message: String, at: TextRange) {
        let line = self.index.line_index(at.start()).get() as u32;
        if self.warned.iter().any(|(l, m)| *l == line && *m == message) {
            return;
        }
        let mut text = format!("{}:{line}: SyntaxWarning: {message}\n", self.filename);
        // Pseudo-files (`<string>`) have no source lines to show.
        if !self.filename.starts_with('<') {
            let start = self
                .index
                .line_start(self.index.line_index(at.start()), self.source);
            let rest = &self.source[start.to_usize()..];
            let src = rest.lines().next().unwrap_or("").trim();
            if !src.is_empty() {
                text.push_str(&format!("  {src}\n"));
            }
        }
        eprint!("{text}");
        self.warned.push((line, message));
    }

    /// `x is 1`: `is` or `is not` with a literal on either side.
    pub(super) fn check_compare(&mut self, c: &ast::ExprCompare) {
        let mut left_ok = !is_literal(&c.left);
        for (op, right) in c.ops.iter().zip(c.comparators.iter()) {
            let right_ok = !is_literal(right);
            let message = match op {
                ast::CmpOp::Is => "\"is\" with a literal. Did you mean \"==\"?",
                ast::CmpOp::IsNot => "\"is not\" with a literal. Did you mean \"!=\"?",
                _ => {
                    left_ok = right_ok;
                    continue;
                }
            };
            if !left_ok || !right_ok {
                self.warn(message.to_string(), c.range());
                return;
            }
            left_ok = right_ok;
        }
    }

    /// `"abc"()`: calling a literal or a display.
    pub(super) fn check_caller(&mut self, call: &ast::ExprCall) {
        let f = &*call.func;
        let literal = is_constant(f)
            || matches!(
                f,
                Expr::Tuple(_)
                    | Expr::List(_)
                    | Expr::ListComp(_)
                    | Expr::Dict(_)
                    | Expr::DictComp(_)
                    | Expr::Set(_)
                    | Expr::SetComp(_)
                    | Expr::Generator(_)
                    | Expr::FString(_)
            );
        if let (true, Some(ty)) = (literal, infer_type(f)) {
            self.warn(
                format!("'{ty}' object is not callable; perhaps you missed a comma?"),
                call.range(),
            );
        }
    }

    /// `5[0]`, `[1, 2]["a"]`: subscripting a literal that has no items, or indexing a
    /// literal sequence with a literal that is not an integer.
    pub(super) fn check_subscript(&mut self, s: &ast::ExprSubscript) {
        let value = &*s.value;
        let Some(value_type) = infer_type(value) else {
            return;
        };
        let unsubscriptable = match value {
            v if is_constant(v) => !matches!(value_type, "str" | "bytes" | "tuple"),
            Expr::Set(_) | Expr::SetComp(_) | Expr::Generator(_) | Expr::Lambda(_) => true,
            _ => false,
        };
        if unsubscriptable {
            self.warn(
                format!("'{value_type}' object is not subscriptable; perhaps you missed a comma?"),
                s.range(),
            );
            return;
        }
        let Some(index_type) = infer_type(&s.slice) else {
            return;
        };
        if matches!(index_type, "int" | "bool") {
            return;
        }
        let sequence = match value {
            v if is_constant(v) => matches!(value_type, "str" | "bytes" | "tuple"),
            Expr::Tuple(_) | Expr::List(_) | Expr::ListComp(_) | Expr::FString(_) => true,
            _ => false,
        };
        if sequence {
            self.warn(
                format!(
                    "{value_type} indices must be integers or slices, not {index_type}; perhaps you missed a comma?"
                ),
                s.range(),
            );
        }
    }

    /// `assert (x, "message")`: a non-empty tuple is always true.
    pub(super) fn check_assert(&mut self, a: &ast::StmtAssert) {
        if let Expr::Tuple(t) = &*a.test {
            if !t.elts.is_empty() {
                self.warn(
                    "assertion is always true, perhaps remove parentheses?".to_string(),
                    a.range(),
                );
            }
        }
    }
}

/// Whether `e` is a constant once CPython's AST optimizer has folded it: a literal,
/// a signed number, or a tuple of constants.
fn is_constant(e: &Expr) -> bool {
    match e {
        Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_) => true,
        Expr::UnaryOp(u) => {
            matches!(
                u.op,
                ast::UnaryOp::USub | ast::UnaryOp::UAdd | ast::UnaryOp::Invert
            ) && matches!(&*u.operand, Expr::NumberLiteral(_))
        }
        Expr::Tuple(t) => t.elts.iter().all(is_constant),
        _ => false,
    }
}

/// A literal for `is`: a constant other than None, True, False and `...`.
fn is_literal(e: &Expr) -> bool {
    is_constant(e)
        && !matches!(
            e,
            Expr::NoneLiteral(_) | Expr::BooleanLiteral(_) | Expr::EllipsisLiteral(_)
        )
}

/// The type a literal or display evaluates to (CPython's `infer_type`).
fn infer_type(e: &Expr) -> Option<&'static str> {
    Some(match e {
        Expr::NumberLiteral(n) => match n.value {
            ast::Number::Int(_) => "int",
            ast::Number::Float(_) => "float",
            ast::Number::Complex { .. } => "complex",
        },
        Expr::UnaryOp(u) if is_constant(e) => return infer_type(&u.operand),
        Expr::StringLiteral(_) | Expr::FString(_) => "str",
        Expr::BytesLiteral(_) => "bytes",
        Expr::BooleanLiteral(_) => "bool",
        Expr::NoneLiteral(_) => "NoneType",
        Expr::EllipsisLiteral(_) => "ellipsis",
        Expr::Tuple(_) => "tuple",
        Expr::List(_) | Expr::ListComp(_) => "list",
        Expr::Dict(_) | Expr::DictComp(_) => "dict",
        Expr::Set(_) | Expr::SetComp(_) => "set",
        Expr::Generator(_) => "generator",
        Expr::Lambda(_) => "function",
        _ => return None,
    })
}
