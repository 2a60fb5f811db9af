//! Code objects at run time: the compiler's [`CodeObject`] (plain data) loaded into
//! a `code` object whose constants are live, immortal objects and whose names are
//! interned, with the interpreter's per-code data ([`CodeData`]: the slot counts and
//! each thread's specializable copy of the bytecode) as its opaque payload.

use std::ptr::NonNull;
use std::sync::Arc;

use strand_compiler::{CodeObject, Constant};
use strand_objects::{function, int, singletons, str as pystr, tuple, PyObj};

/// What the interpreter keeps with each `code` object (its opaque payload).
pub struct CodeData {
    /// The compiled code (constants kept for the disassembler; the live constants
    /// are the code object's `co_consts`).
    pub code: CodeObject,
    /// Locals-plus slots.
    pub nlocalsplus: usize,
    /// Slots of `co_cellvars` in locals-plus order, then free variables.
    pub ncells: usize,
    /// Each thread's specializable copy of the bytecode.
    pub(crate) copies: crate::tlbc::ThreadCopies,
    /// The compiled traces of this code's loops (ENTER_EXECUTOR's argument indexes
    /// them).
    pub(crate) executors: crate::jit::Executors,
}

impl Drop for CodeData {
    fn drop(&mut self) {
        let len = self.code.code.len();
        self.copies.free(len);
    }
}

/// Turns compiled code into a `code` object (recursively for nested code).
pub fn load_code(code: &CodeObject) -> PyObj {
    // CPython creates nested code objects first, and interns a code object's names
    // before its constants; folded set displays depend on what was interned before
    // (see `frozenset_constant`), so strand keeps that order.
    let nested: Vec<Option<PyObj>> = code
        .consts
        .iter()
        .map(|c| match c {
            Constant::Code(inner) => Some(load_code(inner)),
            _ => None,
        })
        .collect();
    let strs = |v: &[String]| tuple::from_vec(v.iter().map(|s| pystr::intern(s)).collect());
    let names = strs(&code.names);
    let varnames = strs(&code.varnames);
    let cellvars = strs(&code.cellvars);
    let freevars = strs(&code.freevars);
    let replaced: Vec<bool> = code
        .consts
        .iter()
        .map(|c| match c {
            Constant::FrozenSet(items) => items.iter().any(|c| match c {
                Constant::Str(s) => {
                    is_name_like(s) && (startup_interned(s) || pystr::is_interned_text(s))
                }
                _ => false,
            }),
            _ => false,
        })
        .collect();
    let consts: Vec<PyObj> = code
        .consts
        .iter()
        .zip(nested)
        .zip(replaced)
        .map(|((c, nested), replaced)| match (c, nested) {
            (_, Some(code_obj)) => code_obj,
            (Constant::FrozenSet(items), None) => frozenset_constant(items, replaced),
            (c, None) => constant(c),
        })
        .collect();
    for (c, obj) in code.consts.iter().zip(&consts) {
        if !matches!(c, Constant::Code(_)) {
            immortalize_constant(obj);
        }
    }
    let mut all_vars = code.varnames.clone();
    for c in &code.cellvars {
        if !all_vars.contains(c) {
            all_vars.push(c.clone());
        }
    }
    let ncells = code
        .cellvars
        .iter()
        .filter(|c| !code.varnames.contains(c))
        .count();
    let mut data_code = code.clone();
    // Nested code lives in co_consts as code objects; keep the copy small.
    for c in &mut data_code.consts {
        if let Constant::Code(_) = c {
            *c = Constant::None;
        }
    }
    let data = CodeData {
        nlocalsplus: code.nlocalsplus(),
        ncells,
        code: data_code,
        copies: crate::tlbc::ThreadCopies::new(),
        executors: crate::jit::Executors::default(),
    };
    function::new_code(function::CodeInit {
        argcount: code.argcount,
        posonlyargcount: code.posonlyargcount,
        kwonlyargcount: code.kwonlyargcount,
        flags: code.flags,
        firstlineno: code.firstlineno,
        consts: tuple::from_vec(consts),
        names,
        varnames,
        cellvars,
        freevars,
        filename: pystr::new(&code.filename),
        name: pystr::intern(&code.name),
        qualname: pystr::intern(&code.qualname),
        data: Box::new(Arc::new(data)),
    })
}

/// Makes a freshly built constant (and, for tuples and frozensets, its items)
/// immortal, as CPython's free-threaded build does for code constants
/// (`intern_constants` in Objects/codeobject.c, 3.13): every thread running the code
/// pushes the same constant objects, and counting those references would make all of
/// them write one reference-count word. The cost is that constants of code objects
/// made at run time (`exec`, `compile`) are never freed.
fn immortalize_constant(obj: &PyObj) {
    // SAFETY: `obj` is alive.
    if unsafe { strand_heap::refcount::is_immortal(obj.as_ptr()) } {
        return;
    }
    if tuple::is_tuple(obj) {
        tuple::items(obj).iter().for_each(immortalize_constant);
    } else if strand_objects::set::is_anyset(obj) {
        strand_objects::set::items(obj)
            .iter()
            .for_each(immortalize_constant);
    }
    // SAFETY: the constant was built by `load_code`, which has not yet handed its code
    // object to anyone, so no other thread can see it.
    unsafe { strand_objects::alloc::make_immortal(obj) };
}

fn constant(c: &Constant) -> PyObj {
    match c {
        Constant::None => singletons::none(),
        Constant::Bool(b) => int::bool_obj(*b),
        Constant::Ellipsis => singletons::ellipsis(),
        Constant::Int(i) => int::from_bigint(i.clone()),
        Constant::Float(f) => strand_objects::float::from_f64(*f),
        Constant::Complex(re, im) => strand_objects::complex::from_parts(*re, *im),
        Constant::Str(s) => {
            // Identifier-like strings are interned, as CPython does for constants.
            if s.len() <= 40 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                pystr::intern(s)
            } else {
                pystr::new(s)
            }
        }
        Constant::Bytes(b) => strand_objects::bytes::new(b),
        Constant::Tuple(t) => tuple::from_vec(t.iter().map(constant).collect()),
        Constant::FrozenSet(t) => frozenset_constant(t, false),
        Constant::Code(inner) => load_code(inner),
    }
}

/// A folded set display as CPython 3.11's compiler makes it: a frozenset of the
/// items in source order, rebuilt from its own iteration order when the constant is
/// merged, and once more when interning the code object's constants replaces one of
/// its strings (`replaced`: an identifier-like str equal to one interned before this
/// code object's constants). The iteration order, visible when the set is printed,
/// depends on these rebuilds.
fn frozenset_constant(t: &[Constant], replaced: bool) -> PyObj {
    use strand_objects::set;
    let items: Vec<PyObj> = t.iter().map(constant).collect();
    let rebuilds = if replaced { 2 } else { 1 };
    // Constants are hashable, so building these sets cannot fail.
    let mut f = set::new_frozenset(items);
    for _ in 0..rebuilds {
        f = f.and_then(|f| set::new_frozenset(set::items(&f)));
    }
    f.unwrap_or_else(|_| set::new_set())
}

/// One-letter lowercase names and `_`: CPython's startup modules use nearly all of
/// them as identifiers, so an equal string is already interned when a program's
/// code objects are made (strand loads no such modules at startup).
fn startup_interned(s: &str) -> bool {
    matches!(s.as_bytes(), [b'a'..=b'z' | b'_'])
}

/// CPython's `all_name_chars`: the str constants that code objects intern.
fn is_name_like(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The interpreter data of a code object made by [`load_code`]; it lives as long as
/// the code object.
///
/// # Panics
/// If `code` is not a strand code object (an object-model invariant: code objects
/// are only made by `load_code`).
pub(crate) fn code_data_ptr(code: &PyObj) -> NonNull<CodeData> {
    let arc = function::code(code)
        .data_as::<Arc<CodeData>>()
        .expect("strand code object");
    NonNull::from(&**arc)
}

/// The interpreter data of a code object (see [`code_data_ptr`]).
pub(crate) fn code_data(code: &PyObj) -> &CodeData {
    // SAFETY: the data lives as long as the code object, which `code` keeps alive
    // for the borrow.
    unsafe { code_data_ptr(code).as_ref() }
}

/// `true` for code objects.
pub fn is_code(obj: &PyObj) -> bool {
    obj.is_exact(&function::CODE_TYPE)
}
