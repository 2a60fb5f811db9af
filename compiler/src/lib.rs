//! `strand-compiler`: Python 3.11 source to strand's bytecode.
//!
//! The pipeline, one module per stage:
//! 1. [`parse`]: ruff's parser (`ruff_python_parser`), held to the Python 3.11
//!    grammar; its errors become CPython 3.11's messages in [`syntax_errors`].
//! 2. [`symtable`]: scopes and the binding of every name (local, cell, free, global
//!    implicit or explicit), by CPython 3.11's rules (Python/symtable.c).
//! 3. [`codegen`]: the AST to instructions (Python/compile.c's code shapes), with
//!    compile-time `SyntaxWarning`s, pattern matching, borrowed fast loads, and the
//!    assembler (relative jumps, line table, exception table, maximum stack depth).
//! 0. [`source`]: source bytes to text (PEP 263 coding declarations).
//! 5. [`tree`]: the parsed tree alone, for `ast.parse`.
//! 4. The output is a [`CodeObject`] ([`code`]): instructions in the format of
//!    [`bytecode`] (16-bit code units, inline caches, exception and line tables) and
//!    plain constants ([`Constant`]). [`dis`] prints it.
//!
//! What this crate does not do: it allocates no Python objects and needs no thread
//! state or heap. The interpreter (`strand-interp`) turns a [`CodeObject`] into a
//! `code` object and a [`CompileError`] into a `SyntaxError`; the reprs it prints for
//! constants come from `strand-literal`, shared with the object model. [`serial`] writes
//! and reads compiled code (the bytecode cache, `marshal` of code objects).

pub mod bytecode;
pub mod code;
pub mod codegen;
pub mod dis;
pub mod error;
pub mod future;
pub mod parse;
pub mod serial;
pub mod source;
pub mod symtable;
pub mod syntax_errors;
pub mod tree;

pub use code::{CodeObject, Constant};
pub use codegen::{compile, compile_module, compile_optimized, compile_with_future, verify, Mode};
pub use error::{CompileError, ErrorKind};

/// The most decimal digits an integer literal may have (`sys.set_int_max_str_digits`;
/// 0 = no limit): the interpreter keeps it equal to the object model's limit.
pub static INT_MAX_STR_DIGITS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(4300);

/// The optimization level code is compiled at (`-O`: 1, `-OO`: 2; `sys.flags.optimize`):
/// from 1 on, `assert` statements are left out and `__debug__` is false; from 2 on,
/// docstrings too. `compile(..., optimize=N)` overrides it for one compilation.
pub static OPTIMIZE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// The interpreter's recursion limit (`sys.setrecursionlimit`), which bounds how
/// deeply nested source may be ([`codegen::max_nesting`]).
pub static RECURSION_LIMIT: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(1000);
