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
    /// Bytes a frame of this code takes on the data stack (header and slots, rounded
    /// up to the data stack's 16-byte alignment): computed once, read on every call.
    pub(crate) frame_bytes: usize,
    /// Each thread's specializable copy of the bytecode.
    pub(crate) copies: crate::tlbc::ThreadCopies,
    /// The compiled traces of this code's loops (ENTER_EXECUTOR's argument indexes
    /// them).
    pub(crate) executors: crate::jit::Executors,
    /// The lines of its instructions for `sys.settrace`, made when first traced.
    pub(crate) trace_lines: std::sync::OnceLock<crate::sys_trace::LineMap>,
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
        frame_bytes: crate::frame::frame_bytes(code.nlocalsplus() + code.max_stack as usize),
        code: data_code,
        copies: crate::tlbc::ThreadCopies::new(),
        executors: crate::jit::Executors::default(),
        trace_lines: std::sync::OnceLock::new(),
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

/// Installs the code-object attributes that need the interpreter's data (the line
/// table, the stack depth, the instructions) on the `code` type: `co_stacksize`,
/// `co_code`, `co_lines()`, `co_positions()` and `replace()`.
pub(crate) fn install_attributes() {
    use strand_objects::descr::{new_getset_descr, new_method_descr, GetSetDef, MethodDef};
    let ty = &function::CODE_TYPE;
    let d = ty.dict();
    let getsets = [
        GetSetDef::new(
            "co_stacksize",
            |c| Ok(int::from_usize(code_data(c).code.max_stack as usize)),
            None,
        ),
        GetSetDef::new(
            "co_code",
            // strand's own instruction encoding (two bytes per code unit, little
            // endian), not CPython's.
            |c| {
                let units = &code_data(c).code.code;
                let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
                Ok(strand_objects::bytes::new(&bytes))
            },
            None,
        ),
    ];
    for g in &getsets {
        strand_objects::dict::set_item_str(d, g.name, new_getset_descr(ty, g));
    }
    let methods = [
        MethodDef::new("co_lines", |args, kw| {
            strand_objects::args::Args::new(args, kw).exact("co_lines", 1)?;
            Ok(co_lines(code_arg(args, "co_lines")?))
        }),
        MethodDef::new("co_positions", |args, kw| {
            strand_objects::args::Args::new(args, kw).exact("co_positions", 1)?;
            Ok(co_positions(code_arg(args, "co_positions")?))
        }),
        MethodDef::new("replace", |args, kw| {
            let nkw = kw.map_or(0, |k| tuple::items(k).len());
            if args.len() - nkw != 1 {
                return Err(strand_objects::exceptions::type_error(format!(
                    "replace() takes no positional arguments ({} given)",
                    args.len().saturating_sub(nkw + 1)
                )));
            }
            replace(code_arg(args, "replace")?, args, kw)
        }),
    ];
    for m in &methods {
        strand_objects::dict::set_item_str(d, m.name, new_method_descr(ty, m));
    }
    ty.modified();
}

fn code_arg<'a>(args: &'a [PyObj], name: &str) -> strand_objects::PyResult<&'a PyObj> {
    match args.first() {
        Some(c) if is_code(c) => Ok(c),
        Some(o) => Err(strand_objects::exceptions::type_error(format!(
            "descriptor '{name}' for 'code' objects doesn't apply to a '{}' object",
            o.ty().name()
        ))),
        None => Err(strand_objects::exceptions::type_error(format!(
            "unbound method code.{name}() needs an argument"
        ))),
    }
}

/// `co_lines()`: `(start, end, line)` for consecutive ranges of the code, in bytes,
/// with `None` for instructions that have no line (PEP 626).
fn co_lines(code: &PyObj) -> PyObj {
    let data = code_data(code);
    let len = data.code.code.len() as u32;
    let runs = data.code.lines.runs();
    let mut out: Vec<(u32, u32, u32)> = Vec::new();
    for (i, &(start, loc)) in runs.iter().enumerate() {
        let end = runs.get(i + 1).map_or(len, |r| r.0).min(len);
        if start >= end {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.2 == loc.line && last.1 == start => last.1 = end,
            _ => out.push((start, end, loc.line)),
        }
    }
    if runs.first().is_some_and(|r| r.0 > 0) {
        out.insert(0, (0, runs[0].0.min(len), 0));
    }
    let items = out
        .into_iter()
        .map(|(s, e, line)| {
            tuple::from_vec(vec![
                int::from_usize(s as usize * 2),
                int::from_usize(e as usize * 2),
                if line == 0 {
                    singletons::none()
                } else {
                    int::from_usize(line as usize)
                },
            ])
        })
        .collect();
    strand_objects::iterators::seq_iter_from_vec(items)
}

/// `co_positions()`: `(line, end_line, column, end_column)` for each code unit, with
/// `None` where the instruction has no position (PEP 657).
fn co_positions(code: &PyObj) -> PyObj {
    let data = code_data(code);
    let n = data.code.code.len();
    let items = (0..n)
        .map(|u| {
            let fields: Vec<PyObj> = match data.code.lines.location_of(u) {
                Some(l) => [l.line, l.end_line, l.col, l.end_col]
                    .iter()
                    .map(|&v| int::from_usize(v as usize))
                    .collect(),
                None => vec![singletons::none(); 4],
            };
            tuple::from_vec(fields)
        })
        .collect();
    strand_objects::iterators::seq_iter_from_vec(items)
}

/// `code.replace(**changes)` (CPython's `code_replace_impl`): a new code object with
/// some fields changed. strand's instructions, line table and exception table are its
/// own, so the fields that only restate them (`co_code`, `co_linetable`,
/// `co_exceptiontable`, `co_stacksize`, `co_nlocals`, the argument counts, the cell
/// and free variables) can only be "replaced" by their current values; a different
/// value is a `ValueError` naming the field.
fn replace(code: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> strand_objects::PyResult<PyObj> {
    use strand_objects::exceptions::{type_error, value_error};
    let c = function::code(code);
    let data = code_data(code);
    let mut new = data.code.clone();
    let mut consts = c.consts.clone();
    let mut names = c.names.clone();
    let mut varnames = c.varnames.clone();
    let mut filename = c.filename().clone();
    let mut name = c.name.clone();
    let mut qualname = c.qualname.clone();
    let kwnames = kw.map(|k| tuple::items(k).to_vec()).unwrap_or_default();
    let values = &args[args.len() - kwnames.len()..];
    let strs_of = |field: &str, v: &PyObj| -> strand_objects::PyResult<Vec<String>> {
        if !tuple::is_tuple(v) {
            return Err(type_error(format!(
                "replace() argument '{field}' must be tuple, not {}",
                v.ty().name()
            )));
        }
        tuple::items(v)
            .iter()
            .map(|s| {
                if pystr::is_str(s) {
                    Ok(pystr::as_str(s).to_string())
                } else {
                    Err(type_error(format!(
                        "name tuples must contain only strings, not '{}'",
                        s.ty().name()
                    )))
                }
            })
            .collect()
    };
    let str_of = |field: &str, v: &PyObj| -> strand_objects::PyResult<PyObj> {
        if pystr::is_str(v) {
            Ok(v.clone())
        } else {
            Err(type_error(format!(
                "replace() argument '{field}' must be str, not {}",
                v.ty().name()
            )))
        }
    };
    let int_of = |field: &str, v: &PyObj| -> strand_objects::PyResult<u32> {
        if !int::is_int(v) {
            return Err(type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                v.ty().name()
            )));
        }
        int::to_isize(v)
            .ok()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| value_error(format!("replace() argument '{field}' is out of range")))
    };
    for (k, v) in kwnames.iter().zip(values) {
        let field = pystr::as_str(k);
        match field {
            "co_name" => name = str_of(field, v)?,
            "co_qualname" => qualname = str_of(field, v)?,
            "co_filename" => filename = str_of(field, v)?,
            "co_firstlineno" => {
                let first = int_of(field, v)?;
                if first == 0 {
                    return Err(value_error("co_firstlineno must be a positive integer"));
                }
                new.lines
                    .shift_lines(i64::from(first) - i64::from(new.firstlineno));
                new.firstlineno = first;
            }
            "co_flags" => new.flags = int_of(field, v)?,
            "co_consts" => {
                if !tuple::is_tuple(v) {
                    return Err(type_error(format!(
                        "replace() argument 'co_consts' must be tuple, not {}",
                        v.ty().name()
                    )));
                }
                if tuple::items(v).len() < tuple::items(&c.consts).len() {
                    return Err(value_error(
                        "co_consts is shorter than the constants the code loads",
                    ));
                }
                consts = v.clone();
            }
            "co_names" | "co_varnames" => {
                let strs = strs_of(field, v)?;
                let (old, slot) = if field == "co_names" {
                    (&mut new.names, &mut names)
                } else {
                    (&mut new.varnames, &mut varnames)
                };
                if strs.len() != old.len() {
                    return Err(value_error(format!(
                        "strand cannot give a code object a different number of {field} \
                         ({} instead of {})",
                        strs.len(),
                        old.len()
                    )));
                }
                *old = strs;
                *slot = v.clone();
            }
            "co_argcount" | "co_posonlyargcount" | "co_kwonlyargcount" | "co_nlocals"
            | "co_stacksize" | "co_code" | "co_linetable" | "co_exceptiontable" | "co_freevars"
            | "co_cellvars" => {
                let current = strand_objects::abstract_::getattr_str(code, field)?;
                if !strand_objects::abstract_::eq(&current, v)? {
                    return Err(value_error(format!(
                        "strand cannot replace {field} of a code object \
                         (its instructions are compiled for the current value)"
                    )));
                }
            }
            other => {
                return Err(type_error(format!(
                    "'{other}' is an invalid keyword argument for replace()"
                )))
            }
        }
    }
    new.filename = pystr::as_str(&filename).to_string();
    new.name = pystr::as_str(&name).to_string();
    new.qualname = pystr::as_str(&qualname).to_string();
    let data = CodeData {
        nlocalsplus: data.nlocalsplus,
        ncells: data.ncells,
        frame_bytes: crate::frame::frame_bytes(data.nlocalsplus + new.max_stack as usize),
        code: new,
        copies: crate::tlbc::ThreadCopies::new(),
        executors: crate::jit::Executors::default(),
        trace_lines: std::sync::OnceLock::new(),
    };
    Ok(function::new_code(function::CodeInit {
        argcount: c.argcount,
        posonlyargcount: c.posonlyargcount,
        kwonlyargcount: c.kwonlyargcount,
        flags: data.code.flags,
        firstlineno: data.code.firstlineno,
        consts,
        names,
        varnames,
        cellvars: c.cellvars.clone(),
        freevars: c.freevars.clone(),
        filename,
        name,
        qualname,
        data: Box::new(Arc::new(data)),
    }))
}
