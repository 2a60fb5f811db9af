//! `strand-interp`: the front end and the interpreter of strand.
//!
//! The front end parses with ruff's Python parser (`ruff_python_parser`), resolves
//! names with [`symtable`] (CPython 3.11's rules), and compiles to a CPython-like
//! bytecode. The compiler, the specializing interpreter, the builtins and the
//! `strand` command are being built on top (issue 5).

pub mod bytecode;
pub mod code;
pub mod compile;
pub mod symtable;
