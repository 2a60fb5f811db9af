//! The syntax tree itself, for `ast.parse` (CPython's `compile(..., PyCF_ONLY_AST)`):
//! source parsed and checked as [`crate::compile`] parses it (Python 3.11's grammar,
//! its tokenizer's limits, `single` mode's one statement), without compiling it.
//!
//! The tree is ruff's (re-exported as [`ast`]); `strand-stdlib`'s `_ast` module turns
//! it into CPython's node objects. The helpers here give the values the code
//! generator gives literals, so both agree: [`str_literal_value`], [`string_part_value`],
//! [`fstring_literal_value`], [`int_literal`].
//!
//! Errors the parser does not report (compile-time `SyntaxError`s such as `'return'
//! outside function`, symbol table errors) are not reported here either, as in
//! CPython, whose `ast.parse` stops before the compiler.

pub use ruff_python_ast as ast;
pub use ruff_text_size::{Ranged, TextRange, TextSize};

use ruff_source_file::LineIndex;

use crate::codegen::{max_nesting, parse_failure, Mode};
use crate::error::{CompileError, ErrorKind};
use crate::parse::{nests_deeper_than, parse_311, Tree};

/// Parses `source` in `mode` into ruff's tree: an [`ast::Mod::Module`] for
/// [`Mode::Exec`] and [`Mode::Single`], an [`ast::Mod::Expression`] for
/// [`Mode::Eval`]. The tree nests at most [`max_nesting`] levels deep, so walking it
/// recursively is bounded.
///
/// # Errors
/// The syntax errors [`crate::compile`] reports from its parser (CPython 3.11's
/// messages), `RecursionError`'s kind for a tree nested too deeply, and in `single`
/// mode "multiple statements found while compiling a single statement".
pub fn parse(source: &str, mode: Mode) -> Result<ast::Mod, CompileError> {
    crate::codegen::check_source(source)?;
    let index = LineIndex::from_source_text(source);
    let ruff_mode = if mode == Mode::Eval {
        ruff_python_parser::Mode::Expression
    } else {
        ruff_python_parser::Mode::Module
    };
    let tree = parse_311(source, ruff_mode)
        .map_err(|e| parse_failure(e, source, &index))?
        .into_syntax();
    if let (Mode::Single, ast::Mod::Module(m)) = (mode, &tree) {
        crate::codegen::check_single_statement(&m.body, source, &index)?;
    }
    if nests_deeper_than(Tree::of(&tree), max_nesting()) {
        // Dropping it would recurse as deeply: leaked (parse_311 does the same).
        std::mem::forget(tree);
        return Err(CompileError::unplaced(
            ErrorKind::Recursion,
            "maximum recursion depth exceeded during compilation",
        ));
    }
    Ok(tree)
}

pub use crate::codegen::{
    fstring_literal_value, int_literal, str_literal_value, string_part_value,
};
