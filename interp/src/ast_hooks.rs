//! The `compile()` builtin's link to the `_ast` module: with `PyCF_ONLY_AST` in its
//! flags, `compile` returns the syntax tree as `ast` node objects, and given such a
//! tree it compiles it (CPython's Python/bltinmodule.c `builtin_compile_impl`, with
//! Python/Python-ast.c on the other side).
//!
//! The node classes need the standard library's `_ast` module, which the interpreter
//! cannot name (it sits in a higher crate); that module registers [`AstHooks`] when
//! the standard library is installed. Without them, asking for a tree is an error.

use std::sync::OnceLock;

use strand_objects::{PyObj, PyResult};

/// `compile()`'s flag asking for the tree instead of code (`ast.PyCF_ONLY_AST`).
pub const PYCF_ONLY_AST: i64 = 0x0400;
/// `ast.PyCF_TYPE_COMMENTS`: keep `# type:` comments in the tree.
pub const PYCF_TYPE_COMMENTS: i64 = 0x1000;
/// `ast.PyCF_ALLOW_TOP_LEVEL_AWAIT`: `await` outside functions.
pub const PYCF_ALLOW_TOP_LEVEL_AWAIT: i64 = 0x2000;

/// What the `_ast` module provides to `compile()`.
#[derive(Clone, Copy, Debug)]
pub struct AstHooks {
    /// Parses source text (`text`, `filename`, `mode`: `exec`, `eval`, `single` or
    /// `func_type`; `flags`) into a tree of node objects; raises `SyntaxError` and
    /// the like as `compile` does.
    pub parse: fn(text: &str, filename: &str, mode: &str, flags: i64) -> PyResult<PyObj>,
    /// Whether `obj` is an `ast.AST` instance (a tree `compile` may be given).
    pub is_ast: fn(obj: &PyObj) -> bool,
    /// Compiles a tree of node objects in `mode` to a code object (`optimize` is the
    /// level, 0 to 2).
    pub compile: fn(tree: &PyObj, filename: &str, mode: &str, optimize: u8) -> PyResult<PyObj>,
}

static HOOKS: OnceLock<AstHooks> = OnceLock::new();

/// Registers the `_ast` module's hooks (once per process; `false` if some were
/// registered already).
pub fn set_hooks(hooks: AstHooks) -> bool {
    HOOKS.set(hooks).is_ok()
}

/// The registered hooks, if the standard library installed them.
pub(crate) fn hooks() -> Option<&'static AstHooks> {
    HOOKS.get()
}
