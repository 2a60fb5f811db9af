//! Compiled code as the compiler produces it: instructions with their inline caches,
//! the line and exception tables, and the constants and names the instructions refer
//! to. Independent of the object heap, so compiling needs no thread state; the
//! interpreter turns it into a `code` object when it loads it.

use num_bigint::BigInt;

use crate::bytecode::{ExceptionEntry, LineTable};

/// `co_flags` bits (CPython's values).
pub mod flags {
    /// Uses fast locals.
    pub const OPTIMIZED: u32 = 0x1;
    /// Gets a fresh locals dict.
    pub const NEWLOCALS: u32 = 0x2;
    /// Has `*args`.
    pub const VARARGS: u32 = 0x4;
    /// Has `**kwargs`.
    pub const VARKEYWORDS: u32 = 0x8;
    /// A nested function.
    pub const NESTED: u32 = 0x10;
    /// A generator function.
    pub const GENERATOR: u32 = 0x20;
    /// A coroutine function (`async def`).
    pub const COROUTINE: u32 = 0x80;
    /// An asynchronous generator function (`async def` with `yield`), or an
    /// asynchronous generator expression.
    pub const ASYNC_GENERATOR: u32 = 0x200;
    /// `co_consts[0]` is the docstring (the object model reads `__doc__` from it).
    pub const HAS_DOCSTRING: u32 = 0x4000_0000;
    /// Compiled under `from __future__ import annotations` (PEP 563; CPython's
    /// `CO_FUTURE_ANNOTATIONS`): `compile()` called from this code inherits it.
    pub const FUTURE_ANNOTATIONS: u32 = 0x100_0000;
}

/// A compile-time constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// `...`.
    Ellipsis,
    /// An int literal.
    Int(BigInt),
    /// A float literal.
    Float(f64),
    /// A complex literal (`2j`): real and imaginary parts.
    Complex(f64, f64),
    /// A str literal.
    Str(String),
    /// A bytes literal.
    Bytes(Vec<u8>),
    /// A tuple of constants (keyword names, folded tuples).
    Tuple(Vec<Constant>),
    /// A folded set display: the items in source order (loaded as a frozenset).
    FrozenSet(Vec<Constant>),
    /// A nested code object.
    Code(Box<CodeObject>),
}

/// A hashable identity of a [`Constant`] with [`Constant::same`]'s meaning: the
/// compiler de-duplicates constants through a map of these (linear in the number of
/// constants).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ConstKey {
    None,
    Bool(bool),
    Ellipsis,
    Int(BigInt),
    Float(u64),
    Complex(u64, u64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<ConstKey>),
    FrozenSet(Vec<ConstKey>),
}

impl Constant {
    /// The de-duplication key (`None` for code objects, which are never shared).
    pub(crate) fn key(&self) -> Option<ConstKey> {
        Some(match self {
            Constant::None => ConstKey::None,
            Constant::Bool(b) => ConstKey::Bool(*b),
            Constant::Ellipsis => ConstKey::Ellipsis,
            Constant::Int(i) => ConstKey::Int(i.clone()),
            Constant::Float(f) => ConstKey::Float(f.to_bits()),
            Constant::Complex(a, b) => ConstKey::Complex(a.to_bits(), b.to_bits()),
            Constant::Str(s) => ConstKey::Str(s.clone()),
            Constant::Bytes(b) => ConstKey::Bytes(b.clone()),
            Constant::Tuple(t) => {
                ConstKey::Tuple(t.iter().map(Constant::key).collect::<Option<_>>()?)
            }
            Constant::FrozenSet(t) => {
                ConstKey::FrozenSet(t.iter().map(Constant::key).collect::<Option<_>>()?)
            }
            Constant::Code(_) => return None,
        })
    }

    /// Identity for de-duplication: equal values of equal types (so `1` and `1.0`
    /// and `True` stay distinct, and `0.0`/`-0.0` too).
    pub(crate) fn same(&self, other: &Constant) -> bool {
        match (self, other) {
            (Constant::Float(a), Constant::Float(b)) => a.to_bits() == b.to_bits(),
            (Constant::Complex(a, b), Constant::Complex(c, d)) => {
                a.to_bits() == c.to_bits() && b.to_bits() == d.to_bits()
            }
            (Constant::Code(_), _) | (_, Constant::Code(_)) => false,
            (Constant::Tuple(a), Constant::Tuple(b))
            | (Constant::FrozenSet(a), Constant::FrozenSet(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
            }
            _ => self == other,
        }
    }

    /// Python's repr of the constant (for the disassembler and compile errors).
    pub fn repr(&self) -> String {
        match self {
            Constant::None => "None".into(),
            Constant::Bool(b) => if *b { "True" } else { "False" }.into(),
            Constant::Ellipsis => "Ellipsis".into(),
            Constant::Int(i) => i.to_string(),
            Constant::Float(f) => strand_literal::float::repr_f64(*f),
            Constant::Complex(re, im) => strand_literal::complex::repr_parts(*re, *im),
            Constant::Str(s) => strand_literal::str::repr_str(s),
            Constant::Bytes(b) => strand_literal::bytes::repr_bytes(b),
            Constant::Tuple(t) => {
                let items: Vec<String> = t.iter().map(Constant::repr).collect();
                if items.len() == 1 {
                    format!("({},)", items[0])
                } else {
                    format!("({})", items.join(", "))
                }
            }
            Constant::FrozenSet(t) => {
                let items: Vec<String> = t.iter().map(Constant::repr).collect();
                format!("frozenset({{{}}})", items.join(", "))
            }
            Constant::Code(c) => format!("<code object {}, line {}>", c.name, c.firstlineno),
        }
    }
}

/// A compiled code block (module, function, class body, lambda, comprehension).
#[derive(Clone, Debug, PartialEq)]
pub struct CodeObject {
    /// `co_name`.
    pub name: String,
    /// `co_qualname`.
    pub qualname: String,
    /// `co_filename`.
    pub filename: String,
    /// First line of the block.
    pub firstlineno: u32,
    /// Positional parameters (including positional-only).
    pub argcount: u32,
    /// Positional-only parameters.
    pub posonlyargcount: u32,
    /// Keyword-only parameters.
    pub kwonlyargcount: u32,
    /// [`flags`] bits.
    pub flags: u32,
    /// Code units.
    pub code: Vec<u16>,
    /// Code unit to line.
    pub lines: LineTable,
    /// Exception handlers.
    pub exceptions: Vec<ExceptionEntry>,
    /// `co_consts`.
    pub consts: Vec<Constant>,
    /// `co_names`: globals, attributes, imported names.
    pub names: Vec<String>,
    /// `co_varnames`: fast locals (parameters first).
    pub varnames: Vec<String>,
    /// `co_cellvars` (sorted).
    pub cellvars: Vec<String>,
    /// `co_freevars` (sorted).
    pub freevars: Vec<String>,
    /// Maximum value-stack depth.
    pub max_stack: u32,
}

impl CodeObject {
    /// Number of locals-plus slots: fast locals, then cells that are not parameters,
    /// then free variables.
    pub fn nlocalsplus(&self) -> usize {
        self.varnames.len()
            + self
                .cellvars
                .iter()
                .filter(|c| !self.varnames.contains(c))
                .count()
            + self.freevars.len()
    }

    /// The names of the locals-plus slots, in slot order: `co_varnames`, the cell
    /// variables that are not also parameters or locals, then `co_freevars`.
    pub fn localsplus_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.varnames.iter().map(String::as_str).collect();
        names.extend(
            self.cellvars
                .iter()
                .filter(|c| !self.varnames.contains(c))
                .map(String::as_str),
        );
        names.extend(self.freevars.iter().map(String::as_str));
        names
    }

    /// The locals-plus index of cell or free variable `name`.
    pub fn deref_index(&self, name: &str) -> Option<usize> {
        if let Some(i) = self.varnames.iter().position(|v| v == name) {
            if self.cellvars.iter().any(|c| c == name) {
                return Some(i);
            }
        }
        let mut i = self.varnames.len();
        for c in &self.cellvars {
            if self.varnames.contains(c) {
                continue;
            }
            if c == name {
                return Some(i);
            }
            i += 1;
        }
        self.freevars.iter().position(|f| f == name).map(|j| i + j)
    }

    /// The name of locals-plus slot `i`.
    pub fn localsplus_name(&self, i: usize) -> Option<&str> {
        if i < self.varnames.len() {
            return Some(&self.varnames[i]);
        }
        let extra: Vec<&String> = self
            .cellvars
            .iter()
            .filter(|c| !self.varnames.contains(c))
            .chain(&self.freevars)
            .collect();
        extra.get(i - self.varnames.len()).map(|s| s.as_str())
    }

    /// Adds a constant (de-duplicated) and returns its index.
    pub fn add_const(&mut self, c: Constant) -> u32 {
        if let Some(i) = self.consts.iter().position(|x| x.same(&c)) {
            return i as u32;
        }
        self.consts.push(c);
        (self.consts.len() - 1) as u32
    }
}
