//! The interpreter loop: runs code objects in frames (Python/ceval.c,
//! bytecodes.c). A frame holds the locals-plus array (fast locals, cells, free
//! variables), the value stack, and the globals/builtins/locals mappings. Calls of
//! Python functions come back here through the object model's eval hook, which binds
//! arguments to parameters as CPython's `initialize_locals` does.
//!
//! Backward jumps and function entry are safe points (`strand_heap::safepoint`), so
//! stop-the-world requests and scheduled collections are served from running code.
//!
//! Exceptions are zero-cost: an exception looks up the code's exception table, cuts
//! the value stack to the handler's depth and jumps there; otherwise it leaves the
//! frame. Each frame an exception passes through adds a traceback entry (kept on the
//! exception as a list of `(filename, line, name, frame id)` tuples), and an exception
//! raised while another is handled gets it as `__context__`.
//!
//! Generator frames are resumable: they stop at YIELD_VALUE and keep their state (see
//! [`crate::generator`]). Not yet: specialization (the inline caches are reserved but
//! unused).

use std::cell::RefCell;
use std::sync::Arc;

use num_bigint::BigInt;
use strand_objects::abstract_::{self as ab, BinOp};
use strand_objects::exceptions::{self as exc, type_error, PyErr};
use strand_objects::typeobj::CompareOp;
use strand_objects::{dict, function, int, list, singletons, str as pystr, tuple, PyObj, PyResult};

use crate::bytecode::{self, BinaryOpArg, Op, BINARY_OP_INPLACE};
use crate::code::{flags, CodeObject, Constant};

/// What the interpreter keeps with each `code` object (its opaque payload).
pub struct CodeData {
    /// The compiled code (constants kept for the disassembler; the live constants
    /// are the code object's `co_consts`).
    pub code: CodeObject,
    /// Locals-plus slots.
    pub nlocalsplus: usize,
    /// Slots of `co_cellvars` in locals-plus order, then free variables.
    pub ncells: usize,
}

/// One traceback entry: where an exception passed through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TracebackEntry {
    /// `co_filename`.
    pub filename: String,
    /// Line of the instruction.
    pub line: u32,
    /// `co_name`.
    pub name: String,
    /// The failing instruction's source span, where it has one.
    pub location: Option<bytecode::Location>,
}

thread_local! {
    /// Frames being executed on this thread (for zero-argument `super()` and the
    /// current globals).
    static FRAMES: RefCell<Vec<FrameInfo>> = const { RefCell::new(Vec::new()) };
    /// The exception being handled (`sys.exc_info()`), set by PUSH_EXC_INFO.
    static CURRENT_EXC: RefCell<Option<PyObj>> = const { RefCell::new(None) };
    /// Frame identities, for one traceback entry per frame.
    static NEXT_FRAME_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(1) };
}

#[derive(Clone)]
struct FrameInfo {
    globals: PyObj,
    /// `(__class__ cell contents, first argument)` for zero-argument super().
    super_args: Result<(PyObj, PyObj), &'static str>,
}

/// The traceback of an exception, outermost frame first.
pub fn traceback_of(exc_value: &PyObj) -> Vec<TracebackEntry> {
    let tb = exc::payload(exc_value).state().traceback.clone();
    let Some(tb) = tb.filter(list::is_list) else {
        return Vec::new();
    };
    let mut out: Vec<TracebackEntry> = list::to_vec(&tb)
        .iter()
        .map(|t| {
            let it = tuple::items(t);
            let num = |i: usize| it.get(i).and_then(int::as_i64).unwrap_or(0) as u32;
            let line = num(1);
            TracebackEntry {
                filename: pystr::as_str(&it[0]).to_string(),
                line,
                name: pystr::as_str(&it[2]).to_string(),
                location: (it.len() > 4).then(|| bytecode::Location {
                    line,
                    end_line: num(4),
                    col: num(5),
                    end_col: num(6),
                }),
            }
        })
        .collect();
    out.reverse();
    out
}

/// Replaces the exception being handled on this thread, returning the previous one
/// (generators swap in their own while they run).
pub(crate) fn swap_current_exception(new: Option<PyObj>) -> Option<PyObj> {
    CURRENT_EXC.with(|c| std::mem::replace(&mut *c.borrow_mut(), new))
}

/// For a frame suspended inside the delegation loop of `yield from` or `await`, the
/// sub-iterator it delegates to (CPython's `_PyGen_yf`): the compiler marks that
/// loop's YIELD_VALUE with argument 1, and the sub-iterator is then on top of the
/// stack.
pub(crate) fn delegate_of(frame: &Frame) -> Option<PyObj> {
    let ins = bytecode::decode_at(&frame.data.code.code, frame.last_pc).ok()?;
    if ins.op == Op::YIELD_VALUE && ins.arg == 1 {
        frame.stack.last().cloned().flatten()
    } else {
        None
    }
}

/// Leaves a suspended delegation loop as if its sub-iterator had returned `value`:
/// pops the sub-iterator, pushes `value` and continues after the loop's SEND (the
/// loop is `YIELD_VALUE 1; RESUME 1; JUMP_BACKWARD to SEND`, as the compiler emits
/// it).
///
/// # Errors
/// `SystemError` if the code around the suspension point is not that loop.
pub(crate) fn finish_delegation(frame: &mut Frame, value: PyObj) -> PyResult<()> {
    let code = &frame.data.code.code;
    let resume = bytecode::decode_at(code, frame.next).map_err(exc::system_error)?;
    let back = bytecode::decode_at(code, resume.next_offset()).map_err(exc::system_error)?;
    let send = back
        .jump_target()
        .and_then(|t| bytecode::decode_at(code, t).ok())
        .filter(|i| i.op == Op::SEND && back.op == Op::JUMP_BACKWARD);
    let Some(exit) = send.and_then(|s| s.jump_target()) else {
        return Err(exc::system_error("suspended outside a yield-from loop"));
    };
    frame.stack.pop();
    push(frame, value);
    frame.next = exit;
    Ok(())
}

/// Pushes a value onto a frame's stack (the result of a resumed `yield`).
pub(crate) fn push_value(frame: &mut Frame, v: PyObj) {
    push(frame, v);
}

/// The exception currently being handled on this thread, if any.
pub fn current_exception() -> Option<PyObj> {
    CURRENT_EXC.with(|c| c.borrow().clone())
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
        qualname: pystr::new(&code.qualname),
        data: Box::new(Arc::new(data)),
    })
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

fn code_data(code: &PyObj) -> Arc<CodeData> {
    function::code(code)
        .data
        .downcast_ref::<Arc<CodeData>>()
        .expect("strand code object")
        .clone()
}

/// A frame being executed.
pub(crate) struct Frame {
    code: PyObj,
    data: Arc<CodeData>,
    globals: PyObj,
    builtins: PyObj,
    /// The locals mapping (module and class bodies).
    locals: Option<PyObj>,
    localsplus: Vec<Option<PyObj>>,
    stack: Vec<Option<PyObj>>,
    /// The function being run (for its closure), if any.
    func: Option<PyObj>,
    /// Where execution continues (code units).
    next: usize,
    /// The instruction executing or, for a suspended generator, the last YIELD_VALUE.
    last_pc: usize,
    /// Keyword names for the next CALL.
    kw_names: Option<PyObj>,
    /// Function frames: the dict `locals()` returns, once asked for.
    fast_locals_dict: Option<PyObj>,
    /// Identity for traceback entries.
    id: u64,
}

/// How a frame's execution stopped.
pub(crate) enum Outcome {
    /// `return`.
    Return(PyObj),
    /// `yield` (generator frames).
    Yield(PyObj),
}

impl Frame {
    fn new(
        code: PyObj,
        globals: PyObj,
        builtins: PyObj,
        locals: Option<PyObj>,
        func: Option<PyObj>,
    ) -> Frame {
        let data = code_data(&code);
        let id = NEXT_FRAME_ID.with(|n| {
            let id = n.get();
            n.set(id + 1);
            id
        });
        Frame {
            code,
            localsplus: vec![None; data.nlocalsplus],
            stack: Vec::with_capacity(data.code.max_stack as usize),
            data,
            globals,
            builtins,
            locals,
            func,
            next: 0,
            last_pc: 0,
            kw_names: None,
            fast_locals_dict: None,
            id,
        }
    }

    /// The code's name and qualified name.
    pub(crate) fn names(&self) -> (PyObj, PyObj) {
        let c = function::code(&self.code);
        (c.name.clone(), c.qualname.clone())
    }

    /// Every reference the frame holds (for the collector's traversal).
    pub(crate) fn visit(&self, visit: &mut dyn FnMut(&PyObj)) {
        visit(&self.code);
        visit(&self.globals);
        visit(&self.builtins);
        for o in self
            .locals
            .iter()
            .chain(self.func.iter())
            .chain(self.kw_names.iter())
            .chain(self.fast_locals_dict.iter())
        {
            visit(o);
        }
        for o in self.localsplus.iter().chain(self.stack.iter()).flatten() {
            visit(o);
        }
    }
}

/// Runs module-level code with `globals` as its namespace.
///
/// # Errors
/// The exception the code raised.
pub fn run_code(code: &PyObj, globals: &PyObj) -> PyResult<PyObj> {
    run_code_in(code, globals, globals)
}

/// The builtins namespace for code run in `globals` (CPython's
/// `_PyEval_BuiltinsFromGlobals`): `globals['__builtins__']` (a module's dict, or the
/// mapping itself), which is first set to the `builtins` module when missing.
fn builtins_from_globals(globals: &PyObj) -> PyObj {
    match dict::get_item_str(globals, "__builtins__") {
        Some(b) if b.is_instance_of(&strand_objects::module::MODULE_TYPE) => {
            strand_objects::module::module_dict(&b)
        }
        Some(b) if dict::is_dict(&b) => b,
        Some(_) => crate::builtins::builtins_dict(),
        None => {
            dict::set_item_str(globals, "__builtins__", crate::builtins::builtins_module());
            crate::builtins::builtins_dict()
        }
    }
}

/// `true` for code objects.
pub fn is_code(obj: &PyObj) -> bool {
    obj.is_exact(&function::CODE_TYPE)
}

/// Runs a code object with separate globals and locals mappings (`exec`/`eval` with
/// explicit namespaces); `__builtins__` is added to `globals` if missing.
pub fn run_code_in(code: &PyObj, globals: &PyObj, locals: &PyObj) -> PyResult<PyObj> {
    let builtins = builtins_from_globals(globals);
    let mut frame = Frame::new(
        code.clone(),
        globals.clone(),
        builtins,
        Some(locals.clone()),
        None,
    );
    eval_frame(&mut frame)
}

/// The locals of a frame as `locals()` returns them: its locals mapping (module and
/// class bodies), or the frame's one locals dict refreshed from its fast locals,
/// cells and free variables (function frames, as CPython 3.11's
/// `PyFrame_FastToLocals`: names that are unbound now are removed, other keys, such
/// as those `exec()` added, stay).
fn frame_locals(frame: &mut Frame) -> PyResult<PyObj> {
    if let Some(l) = &frame.locals {
        return Ok(l.clone());
    }
    let d = frame.fast_locals_dict.get_or_insert_with(dict::new).clone();
    let code = &frame.data.code;
    let names = code.localsplus_names();
    let first_cell = code.varnames.len();
    for (i, (name, slot)) in names.iter().zip(&frame.localsplus).enumerate() {
        let Some(v) = slot else {
            let _ = dict::del_item(&d, &pystr::new(name));
            continue;
        };
        let is_cell = code.cellvars.iter().any(|c| c == name) || i >= first_cell;
        let value = if is_cell {
            function::cell_get(v)
        } else {
            Some(v.clone())
        };
        match value {
            Some(value) => dict::set_item_str(&d, name, value),
            None => {
                let _ = dict::del_item(&d, &pystr::new(name));
            }
        }
    }
    Ok(d)
}

/// The object model's eval hook: calls a Python function.
pub fn call_function(func: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let f = function::function(func);
    let fields = f.fields();
    let code = fields.code.clone();
    let mut frame = Frame::new(
        code,
        f.globals.clone(),
        f.builtins.clone(),
        None,
        Some(func.clone()),
    );
    bind_arguments(&mut frame, func, args, kwnames)?;
    let code_flags = frame.data.code.flags;
    if code_flags & flags::GENERATOR != 0 {
        return Ok(crate::generator::new_generator(Box::new(frame)));
    }
    if code_flags & flags::COROUTINE != 0 {
        return Ok(crate::generator::new_coroutine(Box::new(frame)));
    }
    eval_frame(&mut frame)
}

/// Runs a class body (`__build_class__`): the function's code with `ns` as locals.
pub fn run_class_body(func: &PyObj, ns: &PyObj) -> PyResult<PyObj> {
    let f = function::function(func);
    let fields = f.fields();
    let code = fields.code.clone();
    let mut frame = Frame::new(
        code,
        f.globals.clone(),
        f.builtins.clone(),
        Some(ns.clone()),
        Some(func.clone()),
    );
    eval_frame(&mut frame)
}

fn quote_list(names: &[String]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        2 => format!("{} and {}", q[0], q[1]),
        n => format!("{}, and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// Binds call arguments to parameters (CPython's `initialize_locals`), with its
/// error messages.
fn bind_arguments(
    frame: &mut Frame,
    func: &PyObj,
    args: &[PyObj],
    kwnames: Option<&PyObj>,
) -> PyResult<()> {
    let c = &frame.data.code;
    let f = function::function(func);
    let fields = f.fields();
    let qual = pystr::as_str(&fields.qualname).to_string();
    let nkw = kwnames.map_or(0, |k| tuple::items(k).len());
    let npos = args.len() - nkw;
    let argcount = c.argcount as usize;
    let posonly = c.posonlyargcount as usize;
    let kwonly = c.kwonlyargcount as usize;
    let total = argcount + kwonly;
    let has_varargs = c.flags & flags::VARARGS != 0;
    let has_varkw = c.flags & flags::VARKEYWORDS != 0;
    let kwdict = if has_varkw { Some(dict::new()) } else { None };
    for (i, a) in args[..npos.min(argcount)].iter().enumerate() {
        frame.localsplus[i] = Some(a.clone());
    }
    if has_varargs {
        let extra = if npos > argcount {
            args[argcount..npos].to_vec()
        } else {
            Vec::new()
        };
        frame.localsplus[total] = Some(tuple::from_vec(extra));
    } else if npos > argcount {
        let ndefaults = fields
            .defaults
            .as_ref()
            .map_or(0, |d| tuple::items(d).len());
        let given_kwonly = kwnames.map_or(0, |k| {
            tuple::items(k)
                .iter()
                .filter(|n| {
                    c.varnames[argcount..total]
                        .iter()
                        .any(|v| v == pystr::as_str(n))
                })
                .count()
        });
        let takes = if ndefaults > 0 {
            format!(
                "from {} to {} positional arguments",
                argcount - ndefaults,
                argcount
            )
        } else {
            format!(
                "{} positional argument{}",
                argcount,
                if argcount == 1 { "" } else { "s" }
            )
        };
        let given = if given_kwonly > 0 {
            format!(
                "{} positional argument{} (and {} keyword-only argument{})",
                npos,
                if npos == 1 { "" } else { "s" },
                given_kwonly,
                if given_kwonly == 1 { "" } else { "s" }
            )
        } else {
            format!("{npos} {}", if npos == 1 { "was" } else { "were" })
        };
        let given = if given_kwonly > 0 {
            format!("{given} were given")
        } else {
            given
        };
        let given = if given_kwonly == 0 {
            format!("{given} given")
        } else {
            given
        };
        return Err(type_error(format!("{qual}() takes {takes} but {given}")));
    }
    if let Some(k) = kwnames {
        let mut posonly_as_kw = Vec::new();
        for (j, name) in tuple::items(k).iter().enumerate() {
            let value = &args[npos + j];
            let n = pystr::as_str(name);
            match c.varnames[..total].iter().position(|v| v == n) {
                Some(i) if i >= posonly => {
                    if frame.localsplus[i].is_some() {
                        return Err(type_error(format!(
                            "{qual}() got multiple values for argument '{n}'"
                        )));
                    }
                    frame.localsplus[i] = Some(value.clone());
                }
                found => {
                    if found.is_some() && kwdict.is_none() {
                        posonly_as_kw.push(n.to_string());
                        continue;
                    }
                    match &kwdict {
                        Some(d) => dict::set_item(d, name.clone(), value.clone())?,
                        None => {
                            return Err(type_error(format!(
                                "{qual}() got an unexpected keyword argument '{n}'"
                            )))
                        }
                    }
                }
            }
        }
        if !posonly_as_kw.is_empty() {
            return Err(type_error(format!(
                "{qual}() got some positional-only arguments passed as keyword arguments: '{}'",
                posonly_as_kw.join(", ")
            )));
        }
    }
    if let Some(d) = kwdict {
        let slot = total + usize::from(has_varargs);
        frame.localsplus[slot] = Some(d);
    }
    // Defaults.
    let defaults: Vec<PyObj> = fields
        .defaults
        .as_ref()
        .map(|d| tuple::items(d).to_vec())
        .unwrap_or_default();
    let first_default = argcount - defaults.len();
    let mut missing = Vec::new();
    for i in 0..argcount {
        if frame.localsplus[i].is_none() {
            if i >= first_default {
                frame.localsplus[i] = Some(defaults[i - first_default].clone());
            } else {
                missing.push(c.varnames[i].clone());
            }
        }
    }
    if !missing.is_empty() {
        return Err(type_error(format!(
            "{qual}() missing {} required positional argument{}: {}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            quote_list(&missing)
        )));
    }
    let mut missing_kw = Vec::new();
    for i in argcount..total {
        if frame.localsplus[i].is_none() {
            let name = &c.varnames[i];
            match fields
                .kwdefaults
                .as_ref()
                .and_then(|d| dict::get_item_str(d, name))
            {
                Some(v) => frame.localsplus[i] = Some(v),
                None => missing_kw.push(name.clone()),
            }
        }
    }
    if !missing_kw.is_empty() {
        return Err(type_error(format!(
            "{qual}() missing {} required keyword-only argument{}: {}",
            missing_kw.len(),
            if missing_kw.len() == 1 { "" } else { "s" },
            quote_list(&missing_kw)
        )));
    }
    Ok(())
}

struct FrameGuard;

impl Drop for FrameGuard {
    fn drop(&mut self) {
        FRAMES.with(|f| {
            f.borrow_mut().pop();
        });
    }
}

fn eval_frame(frame: &mut Frame) -> PyResult<PyObj> {
    match resume(frame, None)? {
        Outcome::Return(v) => Ok(v),
        Outcome::Yield(_) => Err(exc::system_error("yield outside a generator frame")),
    }
}

/// Runs (or resumes) a frame until it returns or yields. With `throw`, the exception is
/// raised at the frame's current instruction first (generator `throw()`).
pub(crate) fn resume(frame: &mut Frame, throw: Option<PyErr>) -> PyResult<Outcome> {
    let _rec = ab::enter_recursive_call("")?;
    let super_args = super_args_of(frame);
    FRAMES.with(|f| {
        f.borrow_mut().push(FrameInfo {
            globals: frame.globals.clone(),
            super_args,
        });
    });
    let _guard = FrameGuard;
    let bits = strand_heap::safepoint();
    if !bits.is_empty() {
        crate::signals::handle_breaker(bits)?;
    }
    let mut pending = throw;
    loop {
        let result = match pending.take() {
            Some(e) => Err(e),
            None => {
                let mut pc = frame.next;
                let r = run(frame, &mut pc);
                frame.last_pc = pc;
                r
            }
        };
        match result {
            Ok(outcome) => return Ok(outcome),
            Err(e) => {
                let pc = frame.last_pc;
                // A re-raise adds nothing: the exception either already has this
                // frame's entry or is a group built by `except*` (CPython's RERAISE).
                let reraise = bytecode::decode_at(&frame.data.code.code, pc)
                    .is_ok_and(|i| i.op == Op::RERAISE);
                if !reraise {
                    add_traceback(frame, frame.id, &e, pc);
                }
                let handler = frame
                    .data
                    .code
                    .exceptions
                    .iter()
                    .find(|h| (h.start as usize) <= pc && pc < h.end as usize)
                    .copied();
                match handler {
                    Some(h) => {
                        frame.stack.truncate(h.depth as usize);
                        if h.lasti {
                            push(frame, int::from_usize(pc));
                        }
                        push(frame, e.into_value());
                        frame.next = h.target as usize;
                        frame.kw_names = None;
                    }
                    None => return Err(e),
                }
            }
        }
    }
}

/// Appends this frame to the exception's traceback (once per frame the exception
/// passes through), and chains it to the exception being handled (`__context__`)
/// when it is freshly raised.
fn add_traceback(frame: &Frame, frame_id: u64, e: &PyErr, pc: usize) {
    let v = e.value();
    let payload = exc::payload(v);
    let tb = payload.state().traceback.clone();
    let tb = match tb {
        Some(t) if list::is_list(&t) => t,
        _ => {
            // Freshly raised: chain to the exception being handled.
            let current = CURRENT_EXC.with(|c| c.borrow().clone());
            if let Some(cur) = current {
                let mut st = payload.state();
                if st.context.is_none() && !cur.is(v) {
                    st.context = Some(cur);
                }
            }
            let t = list::new(Vec::new());
            payload.state().traceback = Some(t.clone());
            t
        }
    };
    if let Some(last) = list::len(&tb)
        .checked_sub(1)
        .and_then(|i| list::get(&tb, i))
    {
        if int::as_i64(&tuple::items(&last)[3]) == Some(frame_id as i64) {
            return;
        }
    }
    let code = &frame.data.code;
    let mut fields = vec![
        pystr::new(&code.filename),
        int::from_i64(i64::from(code.firstlineno)),
        pystr::new(&code.name),
        int::from_i64(frame_id as i64),
    ];
    if let Some(loc) = code.lines.location_of(pc) {
        fields[1] = int::from_i64(i64::from(loc.line));
        fields.extend([loc.end_line, loc.col, loc.end_col].map(|v| int::from_i64(i64::from(v))));
    }
    let entry = tuple::from_vec(fields);
    let _ = list::append(&tb, entry);
}

/// For zero-argument `super()`: the `__class__` cell's class and the first argument,
/// taken when the frame is entered or resumed (CPython reads them from the frame the
/// same way), or the message of the `RuntimeError` that `super()` raises.
fn super_args_of(frame: &Frame) -> Result<(PyObj, PyObj), &'static str> {
    let code = &frame.data.code;
    if code.argcount == 0 {
        return Err("super(): no arguments");
    }
    let Some(first) = frame.localsplus.first().and_then(|v| v.as_ref()) else {
        return Err("super(): arg[0] deleted");
    };
    let i = code
        .freevars
        .iter()
        .position(|f| f == "__class__")
        .ok_or("super(): __class__ cell not found")?;
    // A first argument captured by a closure lives in a cell once MAKE_CELL ran.
    let first = if first.is_exact(&function::CELL_TYPE)
        && code
            .cellvars
            .iter()
            .any(|c| Some(c) == code.varnames.first())
    {
        function::cell_get(first).ok_or("super(): arg[0] deleted")?
    } else {
        first.clone()
    };
    let func = frame
        .func
        .as_ref()
        .ok_or("super(): __class__ cell not found")?;
    let closure = function::function(func)
        .fields()
        .closure
        .clone()
        .ok_or("super(): __class__ cell not found")?;
    let cell = tuple::items(&closure)
        .get(i)
        .ok_or("super(): __class__ cell not found")?;
    let cls = function::cell_get(cell).ok_or("super(): empty __class__ cell")?;
    Ok((cls, first))
}

macro_rules! pop {
    ($f:expr) => {
        $f.stack
            .pop()
            .flatten()
            .expect("value stack underflow (compiler bug)")
    };
}

fn push(frame: &mut Frame, v: PyObj) {
    frame.stack.push(Some(v));
}

fn binop_for(arg: u32) -> (BinOp, bool) {
    let inplace = arg >= u32::from(BINARY_OP_INPLACE);
    let base = (arg % u32::from(BINARY_OP_INPLACE)) as u8;
    let op = match BinaryOpArg::from_u8(base).expect("valid BINARY_OP arg") {
        BinaryOpArg::Add => BinOp::Add,
        BinaryOpArg::And => BinOp::And,
        BinaryOpArg::FloorDivide => BinOp::FloorDiv,
        BinaryOpArg::Lshift => BinOp::LShift,
        BinaryOpArg::MatrixMultiply => BinOp::MatMul,
        BinaryOpArg::Multiply => BinOp::Mul,
        BinaryOpArg::Remainder => BinOp::Mod,
        BinaryOpArg::Or => BinOp::Or,
        BinaryOpArg::Power => BinOp::Pow,
        BinaryOpArg::Rshift => BinOp::RShift,
        BinaryOpArg::Subtract => BinOp::Sub,
        BinaryOpArg::TrueDivide => BinOp::TrueDiv,
        BinaryOpArg::Xor => BinOp::Xor,
    };
    (op, inplace)
}

fn name_at(frame: &Frame, i: usize) -> PyObj {
    tuple::items(&function::code(&frame.code).names)[i].clone()
}

fn unbound_local(frame: &Frame, i: usize) -> PyErr {
    let name = frame.data.code.localsplus_name(i).unwrap_or("?");
    exc::unbound_local_error(format!(
        "cannot access local variable '{name}' where it is not associated with a value"
    ))
}

fn free_var_error(frame: &Frame, i: usize) -> PyErr {
    let name = frame.data.code.localsplus_name(i).unwrap_or("?");
    exc::name_error(format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"))
}

fn load_global(frame: &Frame, name: &PyObj) -> PyResult<PyObj> {
    if let Some(v) = dict::get_item(&frame.globals, name)? {
        return Ok(v);
    }
    if let Some(v) = dict::get_item(&frame.builtins, name)? {
        return Ok(v);
    }
    Err(exc::name_not_defined(name))
}

/// The body of the interpreter loop; `pc` tracks the current instruction for
/// tracebacks.
fn run(frame: &mut Frame, pc: &mut usize) -> PyResult<Outcome> {
    let data = frame.data.clone();
    let code = &data.code.code;
    let consts = function::code(&frame.code).consts.clone();
    let consts = tuple::items(&consts).to_vec();
    let mut next = frame.next;
    loop {
        let ins = bytecode::decode_at(code, next).map_err(exc::system_error)?;
        *pc = ins.op_offset;
        next = ins.next_offset();
        frame.next = next;
        let arg = ins.arg as usize;
        match ins.op {
            Op::CACHE | Op::NOP | Op::EXTENDED_ARG => {}
            Op::RESUME => {
                let bits = strand_heap::safepoint();
                if !bits.is_empty() {
                    crate::signals::handle_breaker(bits)?;
                }
            }
            Op::POP_TOP => {
                frame.stack.pop();
            }
            Op::PUSH_NULL => frame.stack.push(None),
            Op::COPY => {
                let v = frame.stack[frame.stack.len() - arg].clone();
                frame.stack.push(v);
            }
            Op::SWAP => {
                let n = frame.stack.len();
                frame.stack.swap(n - 1, n - arg);
            }
            Op::LOAD_CONST => push(frame, consts[arg].clone()),
            Op::RETURN_VALUE => return Ok(Outcome::Return(pop!(frame))),
            Op::RETURN_CONST => return Ok(Outcome::Return(consts[arg].clone())),
            Op::YIELD_VALUE => {
                let v = pop!(frame);
                return Ok(Outcome::Yield(v));
            }
            Op::GET_LEN => {
                let v = frame.stack.last().cloned().flatten().expect("subject");
                push(frame, int::from_usize(ab::len(&v)?));
            }
            Op::MATCH_MAPPING | Op::MATCH_SEQUENCE => {
                let v = frame.stack.last().cloned().flatten().expect("subject");
                let yes = if ins.op == Op::MATCH_MAPPING {
                    crate::matching::is_mapping(&v)
                } else {
                    crate::matching::is_sequence(&v)
                };
                push(frame, int::bool_obj(yes));
            }
            Op::MATCH_KEYS => {
                let n = frame.stack.len();
                let keys = frame.stack[n - 1].clone().expect("keys");
                let subject = frame.stack[n - 2].clone().expect("subject");
                push(frame, crate::matching::match_keys(&subject, &keys)?);
            }
            Op::MATCH_CLASS => {
                let names = pop!(frame);
                let cls = pop!(frame);
                let subject = pop!(frame);
                push(
                    frame,
                    crate::matching::match_class(&subject, &cls, arg, &names)?,
                );
            }
            Op::COPY_DICT_WITHOUT_KEYS => {
                let keys = pop!(frame);
                let subject = frame.stack.last().cloned().flatten().expect("subject");
                push(frame, crate::matching::copy_without_keys(&subject, &keys)?);
            }
            Op::GET_YIELD_FROM_ITER => {
                let v = pop!(frame);
                let it = if crate::generator::is_generator(&v) {
                    v
                } else {
                    ab::iter(&v)?
                };
                push(frame, it);
            }
            Op::PRINT_EXPR => {
                let v = pop!(frame);
                let hook = ab::getattr_str(&crate::modules::sys_module(), "displayhook")
                    .map_err(|_| exc::runtime_error("lost sys.displayhook"))?;
                ab::call1(&hook, v)?;
            }
            Op::GET_AWAITABLE => {
                let v = pop!(frame);
                push(frame, crate::generator::awaitable_iter(&v)?);
            }
            Op::SEND => {
                let v = pop!(frame);
                let sub = frame.stack.last().cloned().flatten().expect("sub-iterator");
                match crate::generator::send_to(&sub, v)? {
                    Outcome::Yield(x) => push(frame, x),
                    Outcome::Return(r) => {
                        frame.stack.pop();
                        push(frame, r);
                        next += arg;
                    }
                }
            }
            Op::LOAD_FAST | Op::LOAD_FAST_CHECK => match &frame.localsplus[arg] {
                Some(v) => {
                    let v = v.clone();
                    push(frame, v);
                }
                None => return Err(unbound_local(frame, arg)),
            },
            Op::STORE_FAST => {
                let v = pop!(frame);
                frame.localsplus[arg] = Some(v);
            }
            Op::DELETE_FAST => {
                if frame.localsplus[arg].take().is_none() {
                    return Err(unbound_local(frame, arg));
                }
            }
            Op::MAKE_CELL => {
                let v = frame.localsplus[arg].take();
                frame.localsplus[arg] = Some(function::new_cell(v));
            }
            Op::COPY_FREE_VARS => {
                let func = frame.func.clone().expect("closure code runs in a function");
                let closure = function::function(&func)
                    .fields()
                    .closure
                    .clone()
                    .expect("function has a closure");
                let cells = tuple::items(&closure);
                let start = frame.localsplus.len() - arg;
                for (i, c) in cells.iter().enumerate() {
                    frame.localsplus[start + i] = Some(c.clone());
                }
            }
            Op::LOAD_CLOSURE => {
                let c = frame.localsplus[arg].clone().expect("cell exists");
                push(frame, c);
            }
            Op::LOAD_DEREF => {
                let cell = frame.localsplus[arg].as_ref().expect("cell exists");
                match function::cell_get(cell) {
                    Some(v) => push(frame, v),
                    None => {
                        let is_free = arg >= frame.localsplus.len() - data.code.freevars.len();
                        return Err(if is_free {
                            free_var_error(frame, arg)
                        } else {
                            unbound_local(frame, arg)
                        });
                    }
                }
            }
            Op::STORE_DEREF => {
                let v = pop!(frame);
                let cell = frame.localsplus[arg].as_ref().expect("cell exists");
                function::cell_set(cell, Some(v))?;
            }
            Op::DELETE_DEREF => {
                let cell = frame.localsplus[arg].as_ref().expect("cell exists");
                if function::cell_get(cell).is_none() {
                    return Err(unbound_local(frame, arg));
                }
                function::cell_set(cell, None)?;
            }
            Op::LOAD_FROM_DICT_OR_DEREF => {
                let name = pystr::intern(data.code.localsplus_name(arg).unwrap_or(""));
                let from_ns = match &frame.locals {
                    Some(l) => ab::getitem(l, &name).ok(),
                    None => None,
                };
                match from_ns {
                    Some(v) => push(frame, v),
                    None => {
                        let cell = frame.localsplus[arg].as_ref().expect("cell exists");
                        match function::cell_get(cell) {
                            Some(v) => push(frame, v),
                            None => return Err(free_var_error(frame, arg)),
                        }
                    }
                }
            }
            Op::LOAD_GLOBAL => {
                let name = name_at(frame, arg >> 1);
                let v = load_global(frame, &name)?;
                if arg & 1 == 1 {
                    frame.stack.push(None);
                }
                push(frame, v);
            }
            Op::STORE_GLOBAL => {
                let v = pop!(frame);
                dict::set_item(&frame.globals, name_at(frame, arg), v)?;
            }
            Op::DELETE_GLOBAL => {
                let name = name_at(frame, arg);
                if !dict::del_item(&frame.globals, &name)? {
                    return Err(exc::name_not_defined(&name));
                }
            }
            Op::LOAD_NAME => {
                let name = name_at(frame, arg);
                let local = match &frame.locals {
                    Some(l) if dict::is_dict(l) => dict::get_item(l, &name)?,
                    Some(l) => match ab::getitem(l, &name) {
                        Ok(v) => Some(v),
                        Err(e) if e.is_instance(&exc::KEY_ERROR_TYPE) => None,
                        Err(e) => return Err(e),
                    },
                    None => None,
                };
                let v = match local {
                    Some(v) => v,
                    None => load_global(frame, &name)?,
                };
                push(frame, v);
            }
            Op::SETUP_ANNOTATIONS => {
                let locals = frame.locals.clone().ok_or_else(|| {
                    exc::system_error("no locals found when setting up annotations")
                })?;
                let key = pystr::intern("__annotations__");
                let present = if dict::is_dict(&locals) {
                    dict::get_item(&locals, &key)?.is_some()
                } else {
                    match ab::getitem(&locals, &key) {
                        Ok(_) => true,
                        Err(e) if e.is_instance(&exc::KEY_ERROR_TYPE) => false,
                        Err(e) => return Err(e),
                    }
                };
                if !present {
                    ab::setitem(&locals, &key, &dict::new())?;
                }
            }
            Op::STORE_NAME => {
                let v = pop!(frame);
                let name = name_at(frame, arg);
                let locals = frame
                    .locals
                    .clone()
                    .expect("STORE_NAME needs a locals mapping");
                ab::setitem(&locals, &name, &v)?;
            }
            Op::DELETE_NAME => {
                let name = name_at(frame, arg);
                let locals = frame
                    .locals
                    .clone()
                    .expect("DELETE_NAME needs a locals mapping");
                if let Err(e) = ab::delitem(&locals, &name) {
                    if e.is_instance(&exc::KEY_ERROR_TYPE) {
                        return Err(exc::name_not_defined(&name));
                    }
                    return Err(e);
                }
            }
            Op::LOAD_ATTR => {
                let owner = pop!(frame);
                let name = name_at(frame, arg >> 1);
                if arg & 1 == 1 {
                    // Method form: unbound Python functions found on the type are
                    // pushed with self, avoiding a bound-method object, unless the
                    // type customises attribute lookup.
                    let generic = owner.ty().slots().getattro.is_none_or(|f| {
                        f as usize
                            == strand_objects::baseobject::generic_getattr as *const () as usize
                    });
                    match owner.ty().lookup(&name).filter(|_| generic) {
                        Some(m)
                            if function::is_function(&m)
                                && strand_objects::managed::get_dict(&owner).is_none_or(|d| {
                                    dict::get_item(&d, &name).ok().flatten().is_none()
                                }) =>
                        {
                            push(frame, m);
                            push(frame, owner);
                        }
                        _ => {
                            let v = ab::getattr(&owner, &name)?;
                            frame.stack.push(None);
                            push(frame, v);
                        }
                    }
                } else {
                    let v = ab::getattr(&owner, &name)?;
                    push(frame, v);
                }
            }
            Op::STORE_ATTR => {
                let owner = pop!(frame);
                let v = pop!(frame);
                ab::setattr(&owner, &name_at(frame, arg), &v)?;
            }
            Op::DELETE_ATTR => {
                let owner = pop!(frame);
                ab::delattr(&owner, &name_at(frame, arg))?;
            }
            Op::BINARY_OP => {
                let rhs = pop!(frame);
                let lhs = pop!(frame);
                let (op, inplace) = binop_for(ins.arg);
                let v = if op == BinOp::Pow && !inplace {
                    ab::power(&lhs, &rhs, &singletons::none())?
                } else if inplace {
                    ab::inplace_op(&lhs, &rhs, op)?
                } else {
                    ab::binary_op(&lhs, &rhs, op)?
                };
                push(frame, v);
            }
            Op::UNARY_NEGATIVE => {
                let v = pop!(frame);
                push(frame, ab::neg(&v)?);
            }
            Op::UNARY_POSITIVE => {
                let v = pop!(frame);
                push(frame, ab::pos(&v)?);
            }
            Op::UNARY_INVERT => {
                let v = pop!(frame);
                push(frame, ab::invert(&v)?);
            }
            Op::UNARY_NOT => {
                let v = pop!(frame);
                push(frame, int::bool_obj(!singletons::is_true_obj(&v)));
            }
            Op::TO_BOOL => {
                let v = pop!(frame);
                let b = ab::is_true(&v)?;
                push(frame, int::bool_obj(b));
            }
            Op::COMPARE_OP => {
                let rhs = pop!(frame);
                let lhs = pop!(frame);
                let op = match arg >> 4 {
                    0 => CompareOp::Lt,
                    1 => CompareOp::Le,
                    2 => CompareOp::Eq,
                    3 => CompareOp::Ne,
                    4 => CompareOp::Gt,
                    _ => CompareOp::Ge,
                };
                push(frame, ab::richcompare(&lhs, &rhs, op)?);
            }
            Op::IS_OP => {
                let rhs = pop!(frame);
                let lhs = pop!(frame);
                push(frame, int::bool_obj(lhs.is(&rhs) != (arg == 1)));
            }
            Op::CONTAINS_OP => {
                let container = pop!(frame);
                let item = pop!(frame);
                let r = ab::contains(&container, &item)?;
                push(frame, int::bool_obj(r != (arg == 1)));
            }
            Op::BINARY_SUBSCR => {
                let key = pop!(frame);
                let container = pop!(frame);
                push(frame, ab::getitem(&container, &key)?);
            }
            Op::STORE_SUBSCR => {
                let key = pop!(frame);
                let container = pop!(frame);
                let v = pop!(frame);
                ab::setitem(&container, &key, &v)?;
            }
            Op::DELETE_SUBSCR => {
                let key = pop!(frame);
                let container = pop!(frame);
                ab::delitem(&container, &key)?;
            }
            Op::BUILD_SLICE => {
                let step = if arg == 3 {
                    pop!(frame)
                } else {
                    singletons::none()
                };
                let stop = pop!(frame);
                let start = pop!(frame);
                push(frame, strand_objects::slice::new(start, stop, step));
            }
            Op::BUILD_TUPLE | Op::BUILD_LIST | Op::BUILD_SET | Op::BUILD_STRING => {
                let n = frame.stack.len() - arg;
                let items: Vec<PyObj> = frame.stack.drain(n..).map(|v| v.expect("value")).collect();
                let v = match ins.op {
                    Op::BUILD_TUPLE => tuple::from_vec(items),
                    Op::BUILD_LIST => list::new(items),
                    Op::BUILD_SET => {
                        let s = strand_objects::set::new_set();
                        for x in items {
                            strand_objects::set::add(&s, x)?;
                        }
                        s
                    }
                    _ => {
                        let mut out = String::new();
                        for x in &items {
                            out.push_str(pystr::as_str(x));
                        }
                        pystr::from_string(out)
                    }
                };
                push(frame, v);
            }
            Op::BUILD_MAP => {
                let n = frame.stack.len() - 2 * arg;
                let items: Vec<PyObj> = frame.stack.drain(n..).map(|v| v.expect("value")).collect();
                let d = dict::new();
                for kv in items.chunks(2) {
                    dict::set_item(&d, kv[0].clone(), kv[1].clone())?;
                }
                push(frame, d);
            }
            Op::BUILD_CONST_KEY_MAP => {
                let keys = pop!(frame);
                let n = frame.stack.len() - arg;
                let values: Vec<PyObj> =
                    frame.stack.drain(n..).map(|v| v.expect("value")).collect();
                let d = dict::new();
                for (k, v) in tuple::items(&keys).iter().zip(values) {
                    dict::set_item(&d, k.clone(), v)?;
                }
                push(frame, d);
            }
            Op::LIST_APPEND
            | Op::SET_ADD
            | Op::LIST_EXTEND
            | Op::SET_UPDATE
            | Op::DICT_UPDATE
            | Op::DICT_MERGE => {
                let v = pop!(frame);
                let target = frame.stack[frame.stack.len() - arg]
                    .clone()
                    .expect("container");
                match ins.op {
                    Op::LIST_APPEND => list::append(&target, v)?,
                    Op::SET_ADD => strand_objects::set::add(&target, v)?,
                    Op::LIST_EXTEND => list::extend(&target, &v).map_err(|e| {
                        if e.is_instance(&exc::TYPE_ERROR_TYPE)
                            && v.ty().slots().iter.is_none()
                            && v.ty().slots().getitem.is_none()
                        {
                            type_error(format!(
                                "Value after * must be an iterable, not {}",
                                v.ty().name()
                            ))
                        } else {
                            e
                        }
                    })?,
                    Op::SET_UPDATE => {
                        ab::call_method(&target, "update", std::slice::from_ref(&v))?;
                    }
                    Op::DICT_UPDATE => dict::update(&target, &v)?,
                    _ => {
                        // ** in calls: the callee sits below the positional tuple.
                        let at = frame.stack.len() - arg;
                        let slot = |back: usize| {
                            at.checked_sub(back)
                                .and_then(|i| frame.stack.get(i))
                                .and_then(Option::as_ref)
                        };
                        let callee = || callee_of(slot(3), slot(2));
                        let keys = match ab::getattr_str(&v, "keys") {
                            Ok(keys) => keys,
                            Err(e) if e.is_instance(&exc::ATTRIBUTE_ERROR_TYPE) => {
                                return Err(type_error(format!(
                                    "{} argument after ** must be a mapping, not {}",
                                    function_str(&callee()),
                                    v.ty().name()
                                )))
                            }
                            Err(e) => return Err(e),
                        };
                        for k in ab::collect_iter(&ab::call0(&keys)?)? {
                            if dict::get_item(&target, &k)?.is_some() {
                                return Err(type_error(format!(
                                    "{} got multiple values for keyword argument '{}'",
                                    function_str(&callee()),
                                    ab::str_string(&k)?
                                )));
                            }
                            let val = ab::getitem(&v, &k)?;
                            dict::set_item(&target, k, val)?;
                        }
                    }
                }
            }
            Op::MAP_ADD => {
                let v = pop!(frame);
                let k = pop!(frame);
                let target = frame.stack[frame.stack.len() - arg].clone().expect("dict");
                dict::set_item(&target, k, v)?;
            }
            Op::LIST_TO_TUPLE => {
                let l = pop!(frame);
                push(frame, tuple::from_vec(list::to_vec(&l)));
            }
            Op::FORMAT_VALUE => {
                let spec = if arg & 4 != 0 {
                    Some(pop!(frame))
                } else {
                    None
                };
                let v = pop!(frame);
                let v = match arg & 3 {
                    1 => ab::str_(&v)?,
                    2 => ab::repr(&v)?,
                    3 => ab::ascii(&v)?,
                    _ => v,
                };
                let spec = spec.unwrap_or_else(|| pystr::new(""));
                push(frame, ab::format(&v, &spec)?);
            }
            Op::UNPACK_SEQUENCE => {
                let seq = pop!(frame);
                let items = unpack_items(&seq, arg)?;
                if items.len() != arg {
                    return Err(unpack_count_error(arg, items.len()));
                }
                for v in items.into_iter().rev() {
                    push(frame, v);
                }
            }
            Op::UNPACK_EX => {
                let seq = pop!(frame);
                let (before, after) = (arg & 0xff, arg >> 8);
                let items = ab::collect_iter(&seq).map_err(|e| not_iterable_unpack(e, &seq))?;
                if items.len() < before + after {
                    return Err(exc::value_error(format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        before + after,
                        items.len()
                    )));
                }
                let mid_end = items.len() - after;
                let mut out: Vec<PyObj> = items[..before].to_vec();
                out.push(list::new(items[before..mid_end].to_vec()));
                out.extend_from_slice(&items[mid_end..]);
                for v in out.into_iter().rev() {
                    push(frame, v);
                }
            }
            Op::JUMP_FORWARD => next += arg,
            Op::JUMP_BACKWARD => {
                next -= arg;
                let bits = strand_heap::safepoint();
                if !bits.is_empty() {
                    crate::signals::handle_breaker(bits)?;
                }
            }
            Op::POP_JUMP_IF_FALSE | Op::POP_JUMP_IF_TRUE => {
                let v = pop!(frame);
                let truth = singletons::is_true_obj(&v);
                if truth == (ins.op == Op::POP_JUMP_IF_TRUE) {
                    next += arg;
                }
            }
            Op::POP_JUMP_IF_NONE | Op::POP_JUMP_IF_NOT_NONE => {
                let v = pop!(frame);
                if singletons::is_none(&v) == (ins.op == Op::POP_JUMP_IF_NONE) {
                    next += arg;
                }
            }
            Op::GET_ITER => {
                let v = pop!(frame);
                push(frame, ab::iter(&v)?);
            }
            Op::FOR_ITER => {
                let it = frame.stack.last().cloned().flatten().expect("iterator");
                match ab::next(&it)? {
                    Some(v) => push(frame, v),
                    None => {
                        frame.stack.pop();
                        next += arg;
                    }
                }
            }
            Op::END_FOR => {
                frame.stack.pop();
            }
            Op::MAKE_FUNCTION => {
                let code_obj = pop!(frame);
                let closure = if arg & 8 != 0 {
                    Some(pop!(frame))
                } else {
                    None
                };
                let annotations = if arg & 4 != 0 {
                    Some(pop!(frame))
                } else {
                    None
                };
                let kwdefaults = if arg & 2 != 0 {
                    Some(pop!(frame))
                } else {
                    None
                };
                let defaults = if arg & 1 != 0 {
                    Some(pop!(frame))
                } else {
                    None
                };
                let f =
                    function::new_function(code_obj, frame.globals.clone(), frame.builtins.clone());
                // SAFETY: the function was just created and is not yet visible.
                unsafe {
                    function::init_function_extras(&f, defaults, kwdefaults, closure, annotations)
                };
                push(frame, f);
            }
            Op::KW_NAMES => frame.kw_names = Some(consts[arg].clone()),
            Op::CALL => {
                let n = frame.stack.len() - arg;
                let mut args: Vec<PyObj> = frame
                    .stack
                    .drain(n..)
                    .map(|v| v.expect("argument"))
                    .collect();
                let b = frame.stack.pop().flatten();
                let a = frame.stack.pop().flatten();
                let callable = match (a, b) {
                    (Some(method), Some(self_)) => {
                        args.insert(0, self_);
                        method
                    }
                    (None, Some(c)) => c,
                    _ => return Err(exc::system_error("bad call stack (compiler bug)")),
                };
                let kw = frame.kw_names.take();
                let r = match crate::frame_builtins::lookup(&callable) {
                    // locals(), eval(), ... read this frame.
                    Some(which) => {
                        let globals = frame.globals.clone();
                        crate::frame_builtins::call(
                            which,
                            &globals,
                            &mut || frame_locals(frame),
                            &args,
                            kw.as_ref(),
                        )?
                    }
                    None => ab::call(&callable, &args, kw.as_ref())?,
                };
                push(frame, r);
            }
            Op::CALL_FUNCTION_EX => {
                let kwargs = if arg & 1 != 0 {
                    Some(pop!(frame))
                } else {
                    None
                };
                let args = pop!(frame);
                let b = frame.stack.pop().flatten();
                let a = frame.stack.pop().flatten();
                // A lone `*x` arrives as it is: make the tuple here.
                let args = if tuple::is_tuple(&args) {
                    args
                } else {
                    let not_iterable =
                        args.ty().slots().iter.is_none() && args.ty().slots().getitem.is_none();
                    if not_iterable {
                        return Err(type_error(format!(
                            "{} argument after * must be an iterable, not {}",
                            function_str(&callee_of(a.as_ref(), b.as_ref())),
                            args.ty().name()
                        )));
                    }
                    tuple::from_vec(ab::collect_iter(&args)?)
                };
                let (callable, args) = match (a, b) {
                    // Method form: `self` becomes the first argument.
                    (Some(method), Some(self_)) => {
                        let mut v = vec![self_];
                        v.extend_from_slice(tuple::items(&args));
                        (method, v)
                    }
                    (None, Some(c)) => (c, tuple::items(&args).to_vec()),
                    _ => return Err(exc::system_error("bad call stack (compiler bug)")),
                };
                let r = ab::call_with_dict(&callable, &args, kwargs.as_ref())?;
                push(frame, r);
            }
            Op::LOAD_BUILD_CLASS => {
                let b = dict::get_item_str(&frame.builtins, "__build_class__")
                    .ok_or_else(|| exc::name_error("__build_class__ not found"))?;
                push(frame, b);
            }
            Op::LOAD_ASSERTION_ERROR => push(frame, exc::ASSERTION_ERROR_TYPE.to_obj()),
            Op::RAISE_VARARGS => {
                return Err(match arg {
                    0 => match CURRENT_EXC.with(|c| c.borrow().clone()) {
                        Some(v) => PyErr::from_value(v),
                        None => exc::runtime_error("No active exception to reraise"),
                    },
                    1 => {
                        let e = pop!(frame);
                        make_exception(&e)?
                    }
                    _ => {
                        let cause = pop!(frame);
                        let e = pop!(frame);
                        let err = make_exception(&e)?;
                        let cause =
                            if singletons::is_none(&cause) || exc::is_exception_instance(&cause) {
                                cause
                            } else if exc::is_exception_class(&cause) {
                                let v = ab::call0(&cause)?;
                                if !exc::is_exception_instance(&v) {
                                    return Err(type_error(format!(
                                        "calling {} should have returned an instance of \
                                     BaseException, not {}",
                                        ab::repr_string(&cause)?,
                                        v.ty().name()
                                    )));
                                }
                                v
                            } else {
                                return Err(type_error(
                                    "exception causes must derive from BaseException",
                                ));
                            };
                        ab::setattr(err.value(), &pystr::intern("__cause__"), &cause)?;
                        err
                    }
                });
            }
            Op::IMPORT_NAME => {
                let fromlist = pop!(frame);
                let level = pop!(frame);
                let name = name_at(frame, arg);
                let m = crate::builtins::import(&name, &frame.globals, &fromlist, &level)?;
                push(frame, m);
            }
            Op::IMPORT_FROM => {
                let module = frame.stack.last().cloned().flatten().expect("module");
                let name = name_at(frame, arg);
                match ab::getattr_opt(&module, &name)? {
                    Some(v) => push(frame, v),
                    None => {
                        let mname = ab::getattr_opt(&module, &pystr::intern("__name__"))?
                            .map(|n| ab::str_string(&n).unwrap_or_default())
                            .unwrap_or_else(|| "<unknown module name>".into());
                        return Err(exc::import_error(format!(
                            "cannot import name '{}' from '{mname}'",
                            pystr::as_str(&name)
                        )));
                    }
                }
            }
            Op::IMPORT_STAR => {
                let module = pop!(frame);
                let locals = frame.locals.clone().expect("import * at module level");
                let mdict = strand_objects::module::module_dict(&module);
                for (k, v) in dict::items(&mdict) {
                    if !pystr::as_str(&k).starts_with('_') {
                        ab::setitem(&locals, &k, &v)?;
                    }
                }
            }
            Op::PUSH_EXC_INFO => {
                let v = pop!(frame);
                let prev = CURRENT_EXC.with(|c| c.borrow_mut().replace(v.clone()));
                push(frame, prev.unwrap_or_else(singletons::none));
                push(frame, v);
            }
            Op::POP_EXCEPT => {
                let prev = pop!(frame);
                let prev = if singletons::is_none(&prev) {
                    None
                } else {
                    Some(prev)
                };
                CURRENT_EXC.with(|c| *c.borrow_mut() = prev);
            }
            Op::CHECK_EG_MATCH => {
                let match_type = pop!(frame);
                let exc = pop!(frame);
                let (matched, rest) = exc::except_star_match(&exc, &match_type)?;
                if !singletons::is_none(&matched) {
                    // The clause body handles the matching part.
                    CURRENT_EXC.with(|c| *c.borrow_mut() = Some(matched.clone()));
                }
                push(frame, rest);
                push(frame, matched);
            }
            Op::PREP_RERAISE_STAR => {
                let excs = pop!(frame);
                let orig = pop!(frame);
                push(frame, exc::prep_reraise_star(&orig, &excs)?);
            }
            Op::CHECK_EXC_MATCH => {
                let ty = pop!(frame);
                let v = frame.stack.last().cloned().flatten().expect("exception");
                check_catchable(&ty)?;
                push(frame, int::bool_obj(ab::isinstance(&v, &ty)?));
            }
            Op::RERAISE => {
                // The saved raising offset (arg != 0) needs no restoring: this frame's
                // traceback entry was made when the exception was first raised here,
                // and the handler that catches the re-raise cuts the stack.
                let v = pop!(frame);
                return Err(PyErr::from_value(v));
            }
            Op::BEFORE_WITH => {
                let mgr = pop!(frame);
                let ty = mgr.ty();
                let Some(enter) = ty.lookup_str("__enter__") else {
                    return Err(type_error(format!(
                        "'{}' object does not support the context manager protocol",
                        ty.name()
                    )));
                };
                let Some(exit) = ty.lookup_str("__exit__") else {
                    return Err(type_error(format!(
                        "'{}' object does not support the context manager protocol \
                         (missed __exit__ method)",
                        ty.name()
                    )));
                };
                let exit = ab::bind(&exit, Some(&mgr), &ty.to_obj())?;
                push(frame, exit);
                let res = ab::call_descr(&enter, &mgr, &[])?;
                push(frame, res);
            }
            Op::WITH_EXCEPT_START => {
                let n = frame.stack.len();
                let v = frame.stack[n - 1].clone().expect("exception");
                let exit = frame.stack[n - 4].clone().expect("__exit__");
                let tb = exc::payload(&v)
                    .state()
                    .traceback
                    .clone()
                    .unwrap_or_else(singletons::none);
                let res = ab::call(&exit, &[v.ty().to_obj(), v.clone(), tb], None)?;
                push(frame, res);
            }
            other => {
                return Err(exc::system_error(format!(
                    "opcode {} is not implemented by the interpreter yet",
                    other.name()
                )))
            }
        }
        frame.next = next;
    }
}

/// `except T:` accepts exception classes and tuples of them.
/// The callee of a call whose stack holds `a` (method or NULL) and `b` (self or
/// callable) below its arguments.
fn callee_of(a: Option<&PyObj>, b: Option<&PyObj>) -> PyObj {
    a.or(b).cloned().unwrap_or_else(singletons::none)
}

/// How argument errors name a callable (CPython's `_PyObject_FunctionStr`):
/// `module.qualname()`, or `qualname()` for builtins; `str(f)` when it has no
/// `__qualname__`.
fn function_str(f: &PyObj) -> String {
    let Ok(qual) = ab::getattr_str(f, "__qualname__").and_then(|q| ab::str_string(&q)) else {
        return ab::str_string(f).unwrap_or_default();
    };
    match ab::getattr_str(f, "__module__") {
        Ok(m) if !singletons::is_none(&m) => match ab::str_string(&m) {
            Ok(m) if m != "builtins" => format!("{m}.{qual}()"),
            _ => format!("{qual}()"),
        },
        _ => format!("{qual}()"),
    }
}

fn check_catchable(ty: &PyObj) -> PyResult<()> {
    let ok = |t: &PyObj| exc::is_exception_class(t);
    let valid = if tuple::is_tuple(ty) {
        tuple::items(ty).iter().all(ok)
    } else {
        ok(ty)
    };
    if valid {
        Ok(())
    } else {
        Err(type_error(
            "catching classes that do not inherit from BaseException is not allowed",
        ))
    }
}

fn unpack_items(seq: &PyObj, _n: usize) -> PyResult<Vec<PyObj>> {
    if tuple::is_tuple(seq) {
        return Ok(tuple::items(seq).to_vec());
    }
    if list::is_list(seq) {
        return Ok(list::to_vec(seq));
    }
    ab::collect_iter(seq).map_err(|e| not_iterable_unpack(e, seq))
}

fn not_iterable_unpack(e: PyErr, seq: &PyObj) -> PyErr {
    if e.is_instance(&exc::TYPE_ERROR_TYPE)
        && seq.ty().slots().iter.is_none()
        && seq.ty().slots().getitem.is_none()
    {
        type_error(format!(
            "cannot unpack non-iterable {} object",
            seq.ty().name()
        ))
    } else {
        e
    }
}

fn unpack_count_error(expected: usize, got: usize) -> PyErr {
    if got > expected {
        exc::value_error(format!("too many values to unpack (expected {expected})"))
    } else {
        exc::value_error(format!(
            "not enough values to unpack (expected {expected}, got {got})"
        ))
    }
}

/// `raise X`: an exception instance, or a class to instantiate.
fn make_exception(e: &PyObj) -> PyResult<PyErr> {
    if exc::is_exception_instance(e) {
        return Ok(PyErr::from_value(e.clone()));
    }
    if exc::is_exception_class(e) {
        let v = ab::call0(e)?;
        if !exc::is_exception_instance(&v) {
            return Err(type_error(format!(
                "calling {} should have returned an instance of BaseException, not {}",
                ab::repr_string(e)?,
                v.ty().name()
            )));
        }
        return Ok(PyErr::from_value(v));
    }
    Err(type_error("exceptions must derive from BaseException"))
}

/// The hook for zero-argument `super()`: the class from the calling function's
/// `__class__` cell and its first argument.
pub fn zero_arg_super() -> PyResult<(PyObj, PyObj)> {
    FRAMES.with(|f| {
        f.borrow()
            .last()
            .map_or(Err("super(): no arguments"), |fi| fi.super_args.clone())
            .map_err(exc::runtime_error)
    })
}

/// The globals of the innermost running frame.
pub fn current_globals() -> Option<PyObj> {
    FRAMES.with(|f| f.borrow().last().map(|fi| fi.globals.clone()))
}

/// `int` constant helper for builtins.
pub fn big(v: i64) -> PyObj {
    int::from_bigint(BigInt::from(v))
}
