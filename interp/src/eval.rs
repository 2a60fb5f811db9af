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
//! exception as a list of `(filename, line, name, frame id, end line, column, end
//! column)` tuples), and an exception
//! raised while another is handled gets it as `__context__`.
//!
//! Generator frames are resumable: they stop at YIELD_VALUE and keep their state (see
//! [`crate::generator`]). Hot instructions specialize in place, in each thread's own
//! copy of the bytecode (`specialize`, `tlbc`).
//!
//! The loop knows neither the builtins nor the import system by name: it finds
//! `__build_class__` and `__import__` in the frame's builtins, as CPython does, so a
//! program may replace them.

use num_bigint::BigInt;
use strand_objects::abstract_::{self as ab, BinOp};
use strand_objects::exceptions::{self as exc, type_error, PyErr};
use strand_objects::typeobj::CompareOp;
use strand_objects::{dict, function, int, list, singletons, str as pystr, tuple, PyObj, PyResult};

use strand_compiler::bytecode::{self, BinaryOpArg, Op, BINARY_OP_INPLACE};
use strand_compiler::code::flags;

use crate::exc_info::CURRENT_EXC;
pub(crate) use crate::frame::{Frame, Outcome};
use crate::specialize::{self, Cache};
use crate::stackref::StackRef;

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
        Some(_) => crate::state::builtins_dict(),
        None => {
            dict::set_item_str(globals, "__builtins__", crate::state::builtins_module());
            crate::state::builtins_dict()
        }
    }
}

/// Runs a code object with separate globals and locals mappings (`exec`/`eval` with
/// explicit namespaces); `__builtins__` is added to `globals` if missing.
pub fn run_code_in(code: &PyObj, globals: &PyObj, locals: &PyObj) -> PyResult<PyObj> {
    let builtins = builtins_from_globals(globals);
    let frame = Frame::new(code, globals, &builtins, Some(locals.clone()), None);
    eval_frame(&frame)
}

/// A new frame for calling `func` (arguments not bound yet).
#[inline(always)]
fn function_frame(func: &PyObj, locals: Option<PyObj>) -> Frame {
    let f = function::function(func);
    Frame::new(
        &f.fields().code,
        &f.globals,
        &f.builtins,
        locals,
        Some(func),
    )
}

/// Runs a bound function frame, or wraps it in a generator or coroutine object.
#[inline(always)]
fn start_frame(mut frame: Frame) -> PyResult<PyObj> {
    let code_flags = frame.data().code.flags;
    if code_flags & (flags::GENERATOR | flags::COROUTINE) != 0 {
        // A suspended frame holds only counted references (see `stackref`).
        frame.make_counted();
        let frame = Box::new(frame);
        return Ok(if code_flags & flags::GENERATOR != 0 {
            crate::generator::new_generator(frame)
        } else {
            crate::generator::new_coroutine(frame)
        });
    }
    eval_frame(&frame)
}

/// The object model's eval hook: calls a Python function.
pub fn call_function(func: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let frame = function_frame(func, None);
    if kwnames.is_none() && exact_positional(&frame, args.len()) {
        for (i, a) in args.iter().enumerate() {
            frame.set_local(i, StackRef::new_ref(a));
        }
    } else {
        bind_arguments(&frame, func, args, kwnames)?;
    }
    start_frame(frame)
}

/// CALL of a Python function: its `nargs` arguments move off the caller's stack
/// into the new frame.
fn call_python(
    caller: &Frame,
    func: &PyObj,
    nargs: usize,
    kwnames: Option<&PyObj>,
) -> PyResult<PyObj> {
    let frame = function_frame(func, None);
    if kwnames.is_none() && exact_positional(&frame, nargs) {
        caller.move_top_to_locals(nargs, &frame);
    } else {
        let args = caller.pop_n_refs(nargs);
        let views = crate::stackref::views(&args);
        bind_arguments(&frame, func, crate::stackref::as_objs(&views), kwnames)?;
    }
    start_frame(frame)
}

/// Whether `n` positional arguments bind one-to-one to the code's parameters (no
/// defaults needed, no `*args`, `**kwargs` or keyword-only parameters).
#[inline]
fn exact_positional(frame: &Frame, n: usize) -> bool {
    let c = &frame.data().code;
    c.argcount as usize == n
        && c.kwonlyargcount == 0
        && c.flags & (flags::VARARGS | flags::VARKEYWORDS) == 0
}

/// Runs a class body (`__build_class__`): the function's code with `ns` as locals.
pub fn run_class_body(func: &PyObj, ns: &PyObj) -> PyResult<PyObj> {
    let frame = function_frame(func, Some(ns.clone()));
    eval_frame(&frame)
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
    frame: &Frame,
    func: &PyObj,
    args: &[PyObj],
    kwnames: Option<&PyObj>,
) -> PyResult<()> {
    let c = &frame.data().code;
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
        frame.set_local(i, StackRef::new_ref(a));
    }
    if has_varargs {
        let extra = if npos > argcount {
            args[argcount..npos].to_vec()
        } else {
            Vec::new()
        };
        frame.set_local(total, StackRef::from_owned(tuple::from_vec(extra)));
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
                    if frame.local_is_set(i) {
                        return Err(type_error(format!(
                            "{qual}() got multiple values for argument '{n}'"
                        )));
                    }
                    frame.set_local(i, StackRef::new_ref(value));
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
        frame.set_local(slot, StackRef::from_owned(d));
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
        if !frame.local_is_set(i) {
            if i >= first_default {
                frame.set_local(i, StackRef::new_ref(&defaults[i - first_default]));
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
        if !frame.local_is_set(i) {
            let name = &c.varnames[i];
            match fields
                .kwdefaults
                .as_ref()
                .and_then(|d| dict::get_item_str(d, name))
            {
                Some(v) => frame.set_local(i, StackRef::from_owned(v)),
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

fn eval_frame(frame: &Frame) -> PyResult<PyObj> {
    match resume(frame, None)? {
        Outcome::Return(v) => Ok(v),
        Outcome::Yield(_) => Err(exc::system_error("yield outside a generator frame")),
    }
}

/// Runs (or resumes) a frame until it returns or yields. With `throw`, the exception is
/// raised at the frame's current instruction first (generator `throw()`). The frame
/// is linked into the thread's frame chain meanwhile and must not move.
pub(crate) fn resume(frame: &Frame, throw: Option<PyErr>) -> PyResult<Outcome> {
    let _rec = ab::enter_recursive_call("")?;
    let _link = crate::frame::link(frame);
    let bits = strand_heap::safepoint();
    if !bits.is_empty() {
        crate::signals::handle_breaker(bits)?;
    }
    let mut pending = throw;
    loop {
        let result = match pending.take() {
            Some(e) => Err(e),
            None => run(frame),
        };
        match result {
            Ok(outcome) => return Ok(outcome),
            Err(e) => {
                let pc = frame.last_pc.get();
                // A re-raise adds nothing: the exception either already has this
                // frame's entry or is a group built by `except*` (CPython's RERAISE).
                let reraise = bytecode::decode_at(&frame.data().code.code, pc)
                    .is_ok_and(|i| i.op == Op::RERAISE);
                if !reraise {
                    add_traceback(frame, frame.id, &e, pc);
                }
                let handler = frame
                    .data()
                    .code
                    .exceptions
                    .iter()
                    .find(|h| (h.start as usize) <= pc && pc < h.end as usize)
                    .copied();
                match handler {
                    Some(h) => {
                        frame.truncate(h.depth as usize);
                        if h.lasti {
                            frame.push_obj(int::from_usize(pc));
                        }
                        frame.push_obj(e.into_value());
                        frame.next.set(h.target as usize);
                        frame.set_kw_names(None);
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
    let code = &frame.data().code;
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

/// LOAD_GLOBAL, generic: globals, then builtins.
#[inline(never)]
fn load_global_generic(frame: &Frame, arg: usize) -> PyResult<()> {
    let v = load_global(frame, name_ref(frame, arg >> 1))?;
    if arg & 1 == 1 {
        frame.push(StackRef::NULL);
    }
    frame.push(StackRef::new_ref(&v));
    Ok(())
}

/// LOAD_GLOBAL_MODULE / LOAD_GLOBAL_BUILTIN; `None` if a guard fails.
#[inline(always)]
fn load_global_cached(frame: &Frame, op: Op, cache: &Cache<'_>, arg: usize) -> Option<()> {
    let (v, counted) = if op == Op::LOAD_GLOBAL_MODULE {
        dict::get_cached(&frame.globals(), cache.u32_at(1), cache.u16_at(5).into())?
    } else {
        if !dict::keys_version_is(&frame.globals(), cache.u32_at(1)) {
            return None;
        }
        dict::get_cached(&frame.builtins(), cache.u32_at(3), cache.u16_at(5).into())?
    };
    if arg & 1 == 1 {
        frame.push(StackRef::NULL);
    }
    frame.push(StackRef::from_raw(v, counted));
    Some(())
}

/// LOAD_ATTR, generic. The method form pushes `[function, self]` for a function or
/// method descriptor found on the type (no bound-method object), else
/// `[NULL, attribute]`.
#[inline(never)]
fn load_attr_generic(frame: &Frame, arg: usize) -> PyResult<()> {
    let owner = frame.peek(1);
    let name = name_ref(frame, arg >> 1);
    if arg & 1 == 1 {
        let generic = owner.ty().slots().getattro.is_none_or(|f| {
            f as usize == strand_objects::baseobject::generic_getattr as *const () as usize
        });
        match owner.ty().lookup(name).filter(|_| generic) {
            Some(m)
                if (function::is_function(&m)
                    || m.ty()
                        .flags()
                        .contains(strand_objects::typeobj::TypeFlags::METHOD_DESCRIPTOR))
                    && strand_objects::managed::get_dict(&owner)
                        .is_none_or(|d| dict::get_item(&d, name).ok().flatten().is_none()) =>
            {
                // [method, self]: self is already in place.
                let me = frame.pop();
                frame.push(StackRef::new_ref(&m));
                frame.push(me);
            }
            _ => {
                let v = ab::getattr(&owner, name)?;
                frame.replace_top(1, StackRef::NULL);
                frame.push_obj(v);
            }
        }
    } else {
        let v = ab::getattr(&owner, name)?;
        frame.replace_top(1, StackRef::from_owned(v));
    }
    Ok(())
}

/// The specialized LOAD_ATTR forms; `None` if a guard fails.
#[inline(always)]
fn load_attr_cached(frame: &Frame, op: Op, cache: &Cache<'_>, arg: usize) -> Option<()> {
    use specialize::LOAD_ENTRY;
    let owner = frame.peek(1);
    match op {
        Op::LOAD_ATTR_INSTANCE_VALUE => {
            let e = cache.find(owner.ty().current_version(), LOAD_ENTRY)?;
            let d = strand_objects::managed::dict_borrowed(&owner)?;
            let (v, counted) = dict::get_cached(&d, e.keys_version(), e.index())?;
            push_attribute(frame, arg, StackRef::from_raw(v, counted));
        }
        Op::LOAD_ATTR_MODULE => {
            if !owner.is_exact(&strand_objects::module::MODULE_TYPE) {
                return None;
            }
            let e = cache.entry(0, LOAD_ENTRY);
            let d = strand_objects::managed::dict_borrowed(&owner)?;
            let (v, counted) = dict::get_cached(&d, e.keys_version(), e.index())?;
            push_attribute(frame, arg, StackRef::from_raw(v, counted));
        }
        Op::LOAD_ATTR_SLOT => {
            let e = cache.find(owner.ty().current_version(), LOAD_ENTRY)?;
            // SAFETY: the owner's type version matched: the member descriptor, and so
            // the slot at this offset, is the one the specializer saw. An empty slot
            // falls back to the generic path, which raises AttributeError.
            let v = unsafe { strand_objects::descr::read_slot(&owner, e.index()) }?;
            push_attribute(frame, arg, StackRef::from_owned(v));
        }
        Op::LOAD_ATTR_CLASS => {
            if !owner.is_exact(&strand_objects::typetype::TYPE_TYPE) {
                return None;
            }
            // SAFETY: a type object (checked above).
            let cls = unsafe { strand_objects::typeobj::PyType::from_obj(&owner) };
            let e = cache.entry(0, LOAD_ENTRY);
            if cls.current_version() != e.type_version() {
                return None;
            }
            // SAFETY: the class's version matched in this instruction.
            let attr = unsafe { e.object() };
            push_attribute(frame, arg, StackRef::new_ref(&attr));
        }
        _ => {
            // LOAD_ATTR_METHOD_WITH_VALUES / LOAD_ATTR_METHOD_NO_DICT.
            let e = cache.find(owner.ty().current_version(), LOAD_ENTRY)?;
            if op == Op::LOAD_ATTR_METHOD_WITH_VALUES {
                if let Some(d) = strand_objects::managed::dict_borrowed(&owner) {
                    if !dict::keys_version_is(&d, e.keys_version()) {
                        return None;
                    }
                }
            }
            // SAFETY: the owner's type version matched in this instruction.
            let method = unsafe { e.object() };
            // [method, self]: self is already in place.
            let me = frame.pop();
            frame.push(StackRef::new_ref(&method));
            frame.push(me);
        }
    }
    Some(())
}

/// STORE_ATTR, generic.
#[inline(never)]
fn store_attr_generic(frame: &Frame, arg: usize) -> PyResult<()> {
    let (v, owner) = (frame.peek(2), frame.peek(1));
    ab::setattr(&owner, name_ref(frame, arg), &v)?;
    frame.truncate(frame.depth() - 2);
    Ok(())
}

/// STORE_ATTR_INSTANCE_VALUE; `None` if a guard fails.
#[inline(always)]
fn store_attr_cached(frame: &Frame, op: Op, cache: &Cache<'_>) -> Option<()> {
    let owner = frame.peek(1);
    let e = cache.find(owner.ty().current_version(), specialize::STORE_ENTRY)?;
    if op == Op::STORE_ATTR_SLOT {
        let v = (*frame.peek(2)).clone();
        // SAFETY: the owner's type version matched: its member descriptor, and so the
        // slot at this offset, is the one the specializer saw.
        unsafe { strand_objects::descr::write_slot(&owner, e.index(), v) };
        frame.truncate(frame.depth() - 2);
        return Some(());
    }
    let borrowed = strand_objects::managed::dict_borrowed(&owner);
    let created;
    let d: &PyObj = match &borrowed {
        Some(d) => d,
        None => {
            // A fresh instance: its dict starts out over the class's shared keys.
            created = strand_objects::managed::ensure_dict(&owner);
            &created
        }
    };
    let v = (*frame.peek(2)).clone();
    dict::replace_cached(d, e.keys_version(), e.index(), v).ok()?;
    frame.truncate(frame.depth() - 2);
    Some(())
}

/// Replaces LOAD_ATTR's owner with the attribute; the method form (`arg & 1`) pushes
/// it after a NULL, as a plain callable for CALL.
#[inline(always)]
fn push_attribute(frame: &Frame, arg: usize, v: StackRef) {
    if arg & 1 == 1 {
        frame.replace_top(1, StackRef::NULL);
        frame.push(v);
    } else {
        frame.replace_top(1, v);
    }
}

/// `co_names[i]`, borrowed from the code object the frame keeps alive.
#[inline(always)]
fn name_ref(frame: &Frame, i: usize) -> &PyObj {
    let code_obj = frame.code();
    let code = function::code(&code_obj);
    let names: *const PyObj = &tuple::items(&code.names)[i];
    // SAFETY: the names tuple belongs to the frame's code object, which lives at
    // least as long as the frame.
    unsafe { &*names }
}

fn name_at(frame: &Frame, i: usize) -> PyObj {
    tuple::items(&function::code(&frame.code()).names)[i].clone()
}

fn unbound_local(frame: &Frame, i: usize) -> PyErr {
    let name = frame.data().code.localsplus_name(i).unwrap_or("?");
    exc::unbound_local_error(format!(
        "cannot access local variable '{name}' where it is not associated with a value"
    ))
}

fn free_var_error(frame: &Frame, i: usize) -> PyErr {
    let name = frame.data().code.localsplus_name(i).unwrap_or("?");
    exc::name_error(format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"))
}

fn load_global(frame: &Frame, name: &PyObj) -> PyResult<PyObj> {
    if let Some(v) = dict::get_item(&frame.globals(), name)? {
        return Ok(v);
    }
    if let Some(v) = dict::get_item(&frame.builtins(), name)? {
        return Ok(v);
    }
    Err(exc::name_not_defined(name))
}

/// The body of the interpreter loop; `pc` tracks the current instruction for
/// tracebacks.
fn run(frame: &Frame) -> PyResult<Outcome> {
    let data = frame.data();
    let bytecode = data.copies.for_current_thread(&data.code.code);
    let code = bytecode.units();
    let code_obj = frame.code();
    let consts = tuple::items(&function::code(&code_obj).consts);
    let mut next = frame.next.get();
    loop {
        let Some((fetched, oparg, at, after)) = bytecode::fetch(code, next) else {
            return Err(exc::system_error(format!(
                "bad instruction at offset {next}"
            )));
        };
        frame.last_pc.set(at);
        next = after;
        let arg = oparg as usize;
        let op = fetched;
        match op {
            Op::NOP | Op::EXTENDED_ARG => {}
            Op::CACHE => {
                // Cache units are skipped by the fetch: reaching one (or an unassigned
                // byte, which the fetch maps here) means corrupt bytecode.
                return Err(exc::system_error(format!(
                    "invalid instruction at offset {at}"
                )));
            }
            Op::RESUME => {
                let bits = strand_heap::safepoint();
                if !bits.is_empty() {
                    crate::signals::handle_breaker(bits)?;
                }
            }
            Op::POP_TOP => {
                drop(frame.pop());
            }
            Op::PUSH_NULL => frame.push(StackRef::NULL),
            Op::COPY => frame.push(frame.peek_ref(arg)),
            Op::SWAP => frame.swap(arg),
            Op::LOAD_CONST => frame.push(StackRef::new_ref(&consts[arg])),
            Op::RETURN_VALUE => return Ok(Outcome::Return(frame.pop_obj())),
            Op::RETURN_CONST => return Ok(Outcome::Return(consts[arg].clone())),
            Op::YIELD_VALUE => {
                let v = frame.pop_obj();
                frame.next.set(next);
                return Ok(Outcome::Yield(v));
            }
            Op::GET_LEN => {
                let v = (*frame.peek(1)).clone();
                frame.push_obj(int::from_usize(ab::len(&v)?));
            }
            Op::MATCH_MAPPING | Op::MATCH_SEQUENCE => {
                let v = (*frame.peek(1)).clone();
                let yes = if op == Op::MATCH_MAPPING {
                    crate::matching::is_mapping(&v)
                } else {
                    crate::matching::is_sequence(&v)
                };
                frame.push_obj(int::bool_obj(yes));
            }
            Op::MATCH_KEYS => {
                let keys = (*frame.peek(1)).clone();
                let subject = (*frame.peek(2)).clone();
                frame.push_obj(crate::matching::match_keys(&subject, &keys)?);
            }
            Op::MATCH_CLASS => {
                let names = frame.pop_obj();
                let cls = frame.pop_obj();
                let subject = frame.pop_obj();
                frame.push_obj(crate::matching::match_class(&subject, &cls, arg, &names)?);
            }
            Op::COPY_DICT_WITHOUT_KEYS => {
                let keys = frame.pop_obj();
                let subject = (*frame.peek(1)).clone();
                frame.push_obj(crate::matching::copy_without_keys(&subject, &keys)?);
            }
            Op::GET_YIELD_FROM_ITER => {
                let v = frame.pop_obj();
                let it = if crate::generator::is_generator(&v) {
                    v
                } else {
                    ab::iter(&v)?
                };
                frame.push_obj(it);
            }
            Op::PRINT_EXPR => {
                let v = frame.pop_obj();
                let hook = ab::getattr_str(&crate::state::sys_module(), "displayhook")
                    .map_err(|_| exc::runtime_error("lost sys.displayhook"))?;
                ab::call1(&hook, v)?;
            }
            Op::GET_AWAITABLE => {
                let v = frame.pop_obj();
                frame.push_obj(crate::generator::awaitable_iter(&v)?);
            }
            Op::SEND => {
                let v = frame.pop_obj();
                let sub = (*frame.peek(1)).clone();
                match crate::generator::send_to(&sub, v)? {
                    Outcome::Yield(x) => frame.push_obj(x),
                    Outcome::Return(r) => {
                        drop(frame.pop());
                        frame.push_obj(r);
                        next += arg;
                    }
                }
            }
            Op::LOAD_FAST | Op::LOAD_FAST_CHECK => {
                let v = frame.local_ref(arg);
                if v.is_null() {
                    return Err(unbound_local(frame, arg));
                }
                frame.push(v);
            }
            Op::LOAD_FAST_BORROW => {
                let v = frame.local_borrowed(arg);
                if v.is_null() {
                    return Err(unbound_local(frame, arg));
                }
                frame.push(v);
            }
            Op::STORE_FAST => {
                let v = frame.pop();
                frame.set_local(arg, v);
            }
            Op::DELETE_FAST => {
                if frame.take_local(arg).is_null() {
                    return Err(unbound_local(frame, arg));
                }
            }
            Op::MAKE_CELL => {
                let v = frame.take_local(arg).into_owned();
                frame.set_local(arg, StackRef::from_owned(function::new_cell(v)));
            }
            Op::COPY_FREE_VARS => {
                let func = frame.func().expect("closure code runs in a function");
                let closure = function::function(&func)
                    .fields()
                    .closure
                    .clone()
                    .expect("function has a closure");
                let cells = tuple::items(&closure);
                let start = frame.nlocalsplus() - arg;
                for (i, c) in cells.iter().enumerate() {
                    frame.set_local(start + i, StackRef::new_ref(c));
                }
            }
            Op::LOAD_CLOSURE => frame.push(frame.local_ref(arg)),
            Op::LOAD_DEREF => {
                let cell = frame.local(arg).expect("cell exists");
                match function::cell_get(&cell) {
                    Some(v) => frame.push_obj(v),
                    None => {
                        let is_free = arg >= frame.nlocalsplus() - data.code.freevars.len();
                        return Err(if is_free {
                            free_var_error(frame, arg)
                        } else {
                            unbound_local(frame, arg)
                        });
                    }
                }
            }
            Op::STORE_DEREF => {
                let v = frame.pop_obj();
                let cell = frame.local(arg).expect("cell exists");
                function::cell_set(&cell, Some(v))?;
            }
            Op::DELETE_DEREF => {
                let cell = frame.local(arg).expect("cell exists");
                if function::cell_get(&cell).is_none() {
                    return Err(unbound_local(frame, arg));
                }
                function::cell_set(&cell, None)?;
            }
            Op::LOAD_FROM_DICT_OR_DEREF => {
                let name = pystr::intern(data.code.localsplus_name(arg).unwrap_or(""));
                let from_ns = match &frame.locals {
                    Some(l) => ab::getitem(l, &name).ok(),
                    None => None,
                };
                match from_ns {
                    Some(v) => frame.push_obj(v),
                    None => {
                        let cell = frame.local(arg).expect("cell exists");
                        match function::cell_get(&cell) {
                            Some(v) => frame.push_obj(v),
                            None => return Err(free_var_error(frame, arg)),
                        }
                    }
                }
            }
            Op::LOAD_GLOBAL => {
                let cache = Cache::at(code, at, Op::LOAD_GLOBAL.cache_entries());
                match cache.counter() {
                    0 => specialize::load_global(
                        code,
                        at,
                        &frame.globals(),
                        &frame.builtins(),
                        name_ref(frame, arg >> 1),
                    ),
                    c => cache.set_counter(c - 1),
                }
                load_global_generic(frame, arg)?;
            }
            Op::LOAD_GLOBAL_MODULE | Op::LOAD_GLOBAL_BUILTIN => {
                let cache = Cache::at(code, at, Op::LOAD_GLOBAL.cache_entries());
                if load_global_cached(frame, op, &cache, arg).is_none() {
                    specialize::miss(code, at, &cache, Op::LOAD_GLOBAL);
                    load_global_generic(frame, arg)?;
                }
            }
            Op::STORE_GLOBAL => {
                let v = frame.pop_obj();
                dict::set_item(&frame.globals(), name_at(frame, arg), v)?;
            }
            Op::DELETE_GLOBAL => {
                let name = name_at(frame, arg);
                if !dict::del_item(&frame.globals(), &name)? {
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
                frame.push(StackRef::new_ref(&v));
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
                let v = frame.pop_obj();
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
                let cache = Cache::at(code, at, Op::LOAD_ATTR.cache_entries());
                match cache.counter() {
                    0 => specialize::load_attr(
                        code,
                        at,
                        &frame.peek(1),
                        name_ref(frame, arg >> 1),
                        arg & 1 == 1,
                    ),
                    c => cache.set_counter(c - 1),
                }
                load_attr_generic(frame, arg)?;
            }
            Op::LOAD_ATTR_INSTANCE_VALUE
            | Op::LOAD_ATTR_MODULE
            | Op::LOAD_ATTR_CLASS
            | Op::LOAD_ATTR_METHOD_WITH_VALUES
            | Op::LOAD_ATTR_METHOD_NO_DICT
            | Op::LOAD_ATTR_SLOT => {
                let cache = Cache::at(code, at, Op::LOAD_ATTR.cache_entries());
                if load_attr_cached(frame, op, &cache, arg).is_none() {
                    let (owner, name) = (frame.peek(1), name_ref(frame, arg >> 1));
                    if !specialize::extend_load_attr(code, at, op, &owner, name, arg & 1 == 1) {
                        specialize::miss(code, at, &cache, Op::LOAD_ATTR);
                    }
                    load_attr_generic(frame, arg)?;
                }
            }
            Op::STORE_ATTR => {
                let cache = Cache::at(code, at, Op::STORE_ATTR.cache_entries());
                match cache.counter() {
                    0 => specialize::store_attr(code, at, &frame.peek(1), name_ref(frame, arg)),
                    c => cache.set_counter(c - 1),
                }
                store_attr_generic(frame, arg)?;
            }
            Op::STORE_ATTR_INSTANCE_VALUE | Op::STORE_ATTR_SLOT => {
                let cache = Cache::at(code, at, Op::STORE_ATTR.cache_entries());
                if store_attr_cached(frame, op, &cache).is_none() {
                    let (owner, name) = (frame.peek(1), name_ref(frame, arg));
                    if !specialize::extend_store_attr(code, at, op, &owner, name) {
                        specialize::miss(code, at, &cache, Op::STORE_ATTR);
                    }
                    store_attr_generic(frame, arg)?;
                }
            }
            Op::DELETE_ATTR => {
                let owner = frame.pop_obj();
                ab::delattr(&owner, &name_at(frame, arg))?;
            }
            Op::BINARY_OP => {
                // Operands stay on the stack (visible to the collector) until done.
                let (lhs, rhs) = (frame.peek(2), frame.peek(1));
                let (op, inplace) = binop_for(oparg);
                let v = match crate::fast_ops::binary_op(&lhs, &rhs, op) {
                    Some(v) => v,
                    None if op == BinOp::Pow && !inplace => {
                        ab::power(&lhs, &rhs, &singletons::none())?
                    }
                    None if inplace => ab::inplace_op(&lhs, &rhs, op)?,
                    None => ab::binary_op(&lhs, &rhs, op)?,
                };
                frame.replace_top(2, StackRef::from_owned(v));
            }
            Op::UNARY_NEGATIVE => {
                let v = frame.pop_obj();
                frame.push_obj(ab::neg(&v)?);
            }
            Op::UNARY_POSITIVE => {
                let v = frame.pop_obj();
                frame.push_obj(ab::pos(&v)?);
            }
            Op::UNARY_INVERT => {
                let v = frame.pop_obj();
                frame.push_obj(ab::invert(&v)?);
            }
            Op::UNARY_NOT => {
                let v = frame.pop_obj();
                frame.push_obj(int::bool_obj(!singletons::is_true_obj(&v)));
            }
            Op::TO_BOOL => {
                let v = frame.peek(1);
                // A bool is its own truth value.
                if !v.is_exact(&int::BOOL_TYPE) {
                    let b = ab::is_true(&v)?;
                    frame.replace_top(1, StackRef::from_owned(int::bool_obj(b)));
                }
            }
            Op::COMPARE_OP => {
                let (lhs, rhs) = (frame.peek(2), frame.peek(1));
                let op = match arg >> 4 {
                    0 => CompareOp::Lt,
                    1 => CompareOp::Le,
                    2 => CompareOp::Eq,
                    3 => CompareOp::Ne,
                    4 => CompareOp::Gt,
                    _ => CompareOp::Ge,
                };
                let v = match crate::fast_ops::compare(&lhs, &rhs, op) {
                    Some(b) => int::bool_obj(b),
                    None => ab::richcompare(&lhs, &rhs, op)?,
                };
                frame.replace_top(2, StackRef::from_owned(v));
            }
            Op::IS_OP => {
                let rhs = frame.pop_obj();
                let lhs = frame.pop_obj();
                frame.push_obj(int::bool_obj(lhs.is(&rhs) != (arg == 1)));
            }
            Op::CONTAINS_OP => {
                let container = frame.pop_obj();
                let item = frame.pop_obj();
                let r = ab::contains(&container, &item)?;
                frame.push_obj(int::bool_obj(r != (arg == 1)));
            }
            Op::BINARY_SUBSCR => {
                let (container, key) = (frame.peek(2), frame.peek(1));
                let v = match crate::fast_ops::subscript(&container, &key) {
                    Some(v) => v,
                    None => ab::getitem(&container, &key)?,
                };
                frame.replace_top(2, StackRef::from_owned(v));
            }
            Op::STORE_SUBSCR => {
                let (v, container, key) = (frame.peek(3), frame.peek(2), frame.peek(1));
                match crate::fast_ops::list_store_index(&container, &key) {
                    Some(i) if list::set(&container, i, (*v).clone()) => {}
                    _ => ab::setitem(&container, &key, &v)?,
                }
                frame.truncate(frame.depth() - 3);
            }
            Op::DELETE_SUBSCR => {
                let key = frame.pop_obj();
                let container = frame.pop_obj();
                ab::delitem(&container, &key)?;
            }
            Op::BUILD_SLICE => {
                let step = if arg == 3 {
                    frame.pop_obj()
                } else {
                    singletons::none()
                };
                let stop = frame.pop_obj();
                let start = frame.pop_obj();
                frame.push_obj(strand_objects::slice::new(start, stop, step));
            }
            Op::BUILD_TUPLE | Op::BUILD_LIST | Op::BUILD_SET | Op::BUILD_STRING => {
                let items = frame.pop_n(arg);
                let v = match op {
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
                frame.push_obj(v);
            }
            Op::BUILD_MAP => {
                let items = frame.pop_n(2 * arg);
                let d = dict::new();
                for kv in items.chunks(2) {
                    dict::set_item(&d, kv[0].clone(), kv[1].clone())?;
                }
                frame.push_obj(d);
            }
            Op::BUILD_CONST_KEY_MAP => {
                let keys = frame.pop_obj();
                let values = frame.pop_n(arg);
                let d = dict::new();
                for (k, v) in tuple::items(&keys).iter().zip(values) {
                    dict::set_item(&d, k.clone(), v)?;
                }
                frame.push_obj(d);
            }
            Op::LIST_APPEND
            | Op::SET_ADD
            | Op::LIST_EXTEND
            | Op::SET_UPDATE
            | Op::DICT_UPDATE
            | Op::DICT_MERGE => {
                let v = frame.pop_obj();
                let target = (*frame.peek(arg)).clone();
                match op {
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
                        let callee = || {
                            let (a, b) = (frame.peek_opt(arg + 3), frame.peek_opt(arg + 2));
                            callee_of(a.as_deref(), b.as_deref())
                        };
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
                let v = frame.pop_obj();
                let k = frame.pop_obj();
                let target = (*frame.peek(arg)).clone();
                dict::set_item(&target, k, v)?;
            }
            Op::LIST_TO_TUPLE => {
                let l = frame.pop_obj();
                frame.push_obj(tuple::from_vec(list::to_vec(&l)));
            }
            Op::FORMAT_VALUE => {
                let spec = if arg & 4 != 0 {
                    Some(frame.pop_obj())
                } else {
                    None
                };
                let v = frame.pop_obj();
                let v = match arg & 3 {
                    1 => ab::str_(&v)?,
                    2 => ab::repr(&v)?,
                    3 => ab::ascii(&v)?,
                    _ => v,
                };
                let spec = spec.unwrap_or_else(|| pystr::new(""));
                frame.push_obj(ab::format(&v, &spec)?);
            }
            Op::UNPACK_SEQUENCE => {
                // Exact tuples and lists of the right length push their items as
                // they are.
                let seq = frame.peek(1);
                if seq.is_exact(&tuple::TUPLE_TYPE) && tuple::items(&seq).len() == arg {
                    let items = tuple::items(&seq);
                    let seq_ref = frame.pop();
                    for v in items.iter().rev() {
                        frame.push(StackRef::new_ref(v));
                    }
                    drop(seq_ref);
                    continue;
                }
                if seq.is_exact(&list::LIST_TYPE) && list::len(&seq) == arg {
                    let items = list::to_vec(&seq);
                    if items.len() == arg {
                        drop(frame.pop());
                        for v in items.into_iter().rev() {
                            frame.push_obj(v);
                        }
                        continue;
                    }
                }
                let seq = frame.pop_obj();
                let items = unpack_items(&seq, arg)?;
                if items.len() != arg {
                    return Err(unpack_count_error(arg, items.len()));
                }
                for v in items.into_iter().rev() {
                    frame.push_obj(v);
                }
            }
            Op::UNPACK_EX => {
                let seq = frame.pop_obj();
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
                    frame.push_obj(v);
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
                let v = frame.pop();
                let truth = singletons::is_true_obj(&v.view());
                if truth == (op == Op::POP_JUMP_IF_TRUE) {
                    next += arg;
                }
            }
            Op::POP_JUMP_IF_NONE | Op::POP_JUMP_IF_NOT_NONE => {
                let v = frame.pop();
                if singletons::is_none(&v.view()) == (op == Op::POP_JUMP_IF_NONE) {
                    next += arg;
                }
            }
            Op::GET_ITER => {
                let it = ab::iter(&frame.peek(1))?;
                frame.replace_top(1, StackRef::from_owned(it));
            }
            Op::FOR_ITER => {
                let it = frame.peek(1);
                match ab::next(&it)? {
                    Some(v) => frame.push_obj(v),
                    None => {
                        drop(frame.pop());
                        next += arg;
                    }
                }
            }
            Op::END_FOR => {
                drop(frame.pop());
            }
            Op::MAKE_FUNCTION => {
                let code_obj = frame.pop_obj();
                let closure = if arg & 8 != 0 {
                    Some(frame.pop_obj())
                } else {
                    None
                };
                let annotations = if arg & 4 != 0 {
                    Some(frame.pop_obj())
                } else {
                    None
                };
                let kwdefaults = if arg & 2 != 0 {
                    Some(frame.pop_obj())
                } else {
                    None
                };
                let defaults = if arg & 1 != 0 {
                    Some(frame.pop_obj())
                } else {
                    None
                };
                let f = function::new_function(
                    code_obj,
                    (*frame.globals()).clone(),
                    (*frame.builtins()).clone(),
                );
                // SAFETY: the function was just created and is not yet visible.
                unsafe {
                    function::init_function_extras(&f, defaults, kwdefaults, closure, annotations)
                };
                frame.push_obj(f);
            }
            Op::KW_NAMES => frame.set_kw_names(Some(consts[arg].clone())),
            Op::CALL => {
                let kw = frame.take_kw_names();
                // Below the arguments: (method, self) or (NULL, callable). With a
                // method, `self` is the first argument, so the arguments are always
                // the top `nargs` slots.
                let base = frame.depth() - (arg + 2);
                let has_self = frame.peek_opt(arg + 2).is_some();
                let nargs = arg + usize::from(has_self);
                let callable = frame.peek(nargs + 1);
                let r = if function::is_function(&callable) {
                    // The arguments move into the callee's frame; the callable stays
                    // on this stack (so alive) until the call returns.
                    call_python(frame, &callable, nargs, kw.as_ref())
                } else {
                    let views = frame.top_views(nargs);
                    ab::call(&callable, crate::stackref::as_objs(&views), kw.as_ref())
                };
                frame.truncate(base);
                frame.push_obj(r?);
            }
            Op::CALL_FUNCTION_EX => {
                let kwargs = if arg & 1 != 0 {
                    Some(frame.pop_obj())
                } else {
                    None
                };
                let args = frame.pop_obj();
                let b = frame.pop().into_owned();
                let a = frame.pop().into_owned();
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
                frame.push_obj(r);
            }
            Op::LOAD_BUILD_CLASS => {
                let b = dict::get_item_str(&frame.builtins(), "__build_class__")
                    .ok_or_else(|| exc::name_error("__build_class__ not found"))?;
                frame.push_obj(b);
            }
            Op::LOAD_ASSERTION_ERROR => frame.push_obj(exc::ASSERTION_ERROR_TYPE.to_obj()),
            Op::RAISE_VARARGS => {
                return Err(match arg {
                    0 => match CURRENT_EXC.with(|c| c.borrow().clone()) {
                        Some(v) => PyErr::from_value(v),
                        None => exc::runtime_error("No active exception to reraise"),
                    },
                    1 => {
                        let e = frame.pop_obj();
                        make_exception(&e)?
                    }
                    _ => {
                        let cause = frame.pop_obj();
                        let e = frame.pop_obj();
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
                let fromlist = frame.pop_obj();
                let level = frame.pop_obj();
                let name = name_at(frame, arg);
                let m = import_name(frame, name, fromlist, level)?;
                frame.push_obj(m);
            }
            Op::IMPORT_FROM => {
                let module = (*frame.peek(1)).clone();
                let name = name_at(frame, arg);
                match ab::getattr_opt(&module, &name)? {
                    Some(v) => frame.push_obj(v),
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
                let module = frame.pop_obj();
                let locals = frame.locals.clone().expect("import * at module level");
                let mdict = strand_objects::module::module_dict(&module);
                for (k, v) in dict::items(&mdict) {
                    if !pystr::as_str(&k).starts_with('_') {
                        ab::setitem(&locals, &k, &v)?;
                    }
                }
            }
            Op::PUSH_EXC_INFO => {
                let v = frame.pop_obj();
                let prev = CURRENT_EXC.with(|c| c.borrow_mut().replace(v.clone()));
                frame.push_obj(prev.unwrap_or_else(singletons::none));
                frame.push_obj(v);
            }
            Op::POP_EXCEPT => {
                let prev = frame.pop_obj();
                let prev = if singletons::is_none(&prev) {
                    None
                } else {
                    Some(prev)
                };
                CURRENT_EXC.with(|c| *c.borrow_mut() = prev);
            }
            Op::CHECK_EG_MATCH => {
                let match_type = frame.pop_obj();
                let exc = frame.pop_obj();
                let (matched, rest) = exc::except_star_match(&exc, &match_type)?;
                if !singletons::is_none(&matched) {
                    // The clause body handles the matching part.
                    CURRENT_EXC.with(|c| *c.borrow_mut() = Some(matched.clone()));
                }
                frame.push_obj(rest);
                frame.push_obj(matched);
            }
            Op::PREP_RERAISE_STAR => {
                let excs = frame.pop_obj();
                let orig = frame.pop_obj();
                frame.push_obj(exc::prep_reraise_star(&orig, &excs)?);
            }
            Op::CHECK_EXC_MATCH => {
                let ty = frame.pop_obj();
                let v = (*frame.peek(1)).clone();
                check_catchable(&ty)?;
                frame.push_obj(int::bool_obj(ab::isinstance(&v, &ty)?));
            }
            Op::RERAISE => {
                // The saved raising offset (arg != 0) needs no restoring: this frame's
                // traceback entry was made when the exception was first raised here,
                // and the handler that catches the re-raise cuts the stack.
                let v = frame.pop_obj();
                return Err(PyErr::from_value(v));
            }
            Op::BEFORE_WITH => {
                let mgr = frame.pop_obj();
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
                frame.push_obj(exit);
                let res = ab::call_descr(&enter, &mgr, &[])?;
                frame.push_obj(res);
            }
            Op::WITH_EXCEPT_START => {
                let v = (*frame.peek(1)).clone();
                let exit = (*frame.peek(4)).clone();
                let tb = exc::payload(&v)
                    .state()
                    .traceback
                    .clone()
                    .unwrap_or_else(singletons::none);
                let res = ab::call(&exit, &[v.ty().to_obj(), v.clone(), tb], None)?;
                frame.push_obj(res);
            }
            other => {
                return Err(exc::system_error(format!(
                    "opcode {} is not implemented by the interpreter yet",
                    other.name()
                )))
            }
        }
    }
}

/// IMPORT_NAME (CPython 3.11's `import_name`): calls `__import__` from the frame's
/// builtins with `(name, globals, locals or None, fromlist, level)`.
#[cold]
fn import_name(frame: &Frame, name: PyObj, fromlist: PyObj, level: PyObj) -> PyResult<PyObj> {
    let import = dict::get_item(&frame.builtins(), &pystr::intern("__import__"))?
        .ok_or_else(|| exc::import_error("__import__ not found"))?;
    let locals = frame.locals.clone().unwrap_or_else(singletons::none);
    ab::call(
        &import,
        &[name, (*frame.globals()).clone(), locals, fromlist, level],
        None,
    )
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
    crate::frame::with_top(crate::frame::super_args)
        .unwrap_or(Err("super(): no arguments"))
        .map_err(exc::runtime_error)
}

/// The globals of the innermost running frame.
pub fn current_globals() -> Option<PyObj> {
    crate::frame::with_top(|f| (*f.globals()).clone())
}

/// `int` constant helper for builtins.
pub fn big(v: i64) -> PyObj {
    int::from_bigint(BigInt::from(v))
}
