//! Calling Python functions: a frame for the function on the thread's data stack, its
//! arguments bound to the parameters (CPython's `initialize_locals`, with its error
//! messages), and then either the loop runs it or, for generator and coroutine code,
//! the frame moves into a new generator object.
//!
//! The loop binds the arguments of its own CALLs in place and continues in the new
//! frame without recursing ([`crate::eval`]); native code calls Python functions
//! through the object model's eval hook, [`call_function`], which runs the frame as a
//! loop invocation of its own.

use std::ptr::NonNull;

use strand_compiler::code::flags;
use strand_objects::exceptions::type_error;
use strand_objects::{dict, function, str as pystr, tuple, PyObj, PyResult};

use crate::frame::{pop_frame, push_frame, Frame, Outcome, OwnedFrame};
use crate::stackref::StackRef;

/// Pushes a frame for calling `func` (arguments not bound yet) on the data stack.
#[inline(always)]
pub(crate) fn push_function_frame(func: &PyObj, locals: Option<PyObj>) -> NonNull<Frame> {
    let f = function::function(func);
    push_frame(
        &f.fields().code,
        &f.globals,
        &f.builtins,
        locals,
        Some(func),
    )
}

/// Whether `n` positional arguments and no keywords bind one-to-one to the code's
/// parameters (no defaults needed, no `*args`, `**kwargs` or keyword-only
/// parameters).
#[inline(always)]
pub(crate) fn exact_positional(frame: &Frame, n: usize) -> bool {
    let c = &frame.data().code;
    c.argcount as usize == n
        && c.kwonlyargcount == 0
        && c.flags & (flags::VARARGS | flags::VARKEYWORDS) == 0
}

/// Binds the defaults of the parameters that `n` positional arguments and no keywords
/// leave unfilled, when those fill every parameter (no `*args`, `**kwargs` or
/// keyword-only parameters, at least as many arguments as parameters without a
/// default, at most as many as parameters): slots `n..argcount` get the defaults,
/// and `true` says the caller moves the arguments into slots `0..n` itself. `false`
/// (nothing done) sends the call to [`bind_arguments`].
#[inline(always)]
pub(crate) fn bind_positional_defaults(frame: &Frame, func: &PyObj, n: usize) -> bool {
    let c = &frame.data().code;
    let argcount = c.argcount as usize;
    if n > argcount || c.kwonlyargcount != 0 || c.flags & (flags::VARARGS | flags::VARKEYWORDS) != 0
    {
        return false;
    }
    let fields = function::function(func).fields();
    let Some(defaults) = fields.defaults.as_ref() else {
        return false;
    };
    let defaults = tuple::items(defaults);
    let Some(first_default) = argcount.checked_sub(defaults.len()) else {
        return false;
    };
    if n < first_default {
        return false;
    }
    for i in n..argcount {
        frame.set_local(i, StackRef::new_ref(&defaults[i - first_default]));
    }
    true
}

/// Whether the frame's code makes a generator, coroutine or async generator when
/// called.
#[inline(always)]
pub(crate) fn is_generator_code(frame: &Frame) -> bool {
    code_makes_generator(frame.data().code.flags)
}

/// Whether code with these flags makes a generator, coroutine or async generator when
/// called.
#[inline(always)]
pub(crate) fn code_makes_generator(code_flags: u32) -> bool {
    code_flags & (flags::GENERATOR | flags::COROUTINE | flags::ASYNC_GENERATOR) != 0
}

/// Moves a bound frame of generator or coroutine code off the data stack into a new
/// generator or coroutine object.
///
/// # Safety
/// `frame` came from [`push_frame`] on this thread, is the data stack's top, is not
/// linked, and is not used afterwards.
pub(crate) unsafe fn make_generator(frame: NonNull<Frame>) -> PyObj {
    // SAFETY: per the contract.
    let mut owned = unsafe { OwnedFrame::from_data_stack(frame) };
    // A suspended frame holds only counted references (see `stackref`).
    owned.make_counted();
    let f = owned.data().code.flags;
    if f & flags::GENERATOR != 0 {
        crate::generator::new_generator(owned)
    } else if f & flags::ASYNC_GENERATOR != 0 {
        crate::generator::new_async_generator(owned)
    } else {
        crate::generator::new_coroutine(owned)
    }
}

/// The object model's eval hook: calls a Python function from native code.
pub fn call_function(func: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let fp = push_function_frame(func, None);
    // SAFETY: `fp` was just pushed on this thread and is alive until popped below.
    let frame = unsafe { fp.as_ref() };
    if kwnames.is_none() && exact_positional(frame, args.len()) {
        for (i, a) in args.iter().enumerate() {
            frame.set_local(i, StackRef::new_ref(a));
        }
    } else if let Err(e) = bind_arguments(frame, func, args, kwnames) {
        // SAFETY: pushed above, unlinked, not used again.
        unsafe { pop_frame(fp) };
        return Err(e);
    }
    if is_generator_code(frame) {
        // SAFETY: pushed above, the data stack's top, unlinked, not used again.
        return Ok(unsafe { make_generator(fp) });
    }
    run_entry_frame(fp)
}

/// Runs a frame pushed on the data stack as a loop invocation of its own and pops it.
pub(crate) fn run_entry_frame(fp: NonNull<Frame>) -> PyResult<PyObj> {
    // SAFETY: the caller pushed `fp` on this thread; it stays alive until popped.
    let r = crate::eval::resume(unsafe { fp.as_ref() }, None);
    // SAFETY: the loop has returned and unlinked it; nothing else refers to it.
    unsafe { pop_frame(fp) };
    match r? {
        Outcome::Return(v) => Ok(v),
        Outcome::Yield(_) => Err(strand_objects::exceptions::system_error(
            "yield outside a generator frame",
        )),
    }
}

/// Runs a class body (`__build_class__`): the function's code with `ns` as locals.
pub fn run_class_body(func: &PyObj, ns: &PyObj) -> PyResult<PyObj> {
    run_entry_frame(push_function_frame(func, Some(ns.clone())))
}

fn quote_list(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        2 => format!("{} and {}", q[0], q[1]),
        n => format!("{}, and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// The name argument errors give the function: its `__qualname__`.
fn qualname(func: &PyObj) -> String {
    pystr::as_str(&function::function(func).fields().qualname).to_string()
}

/// Binds call arguments to parameters (CPython's `initialize_locals`), with its
/// error messages. `args` holds the positional arguments, then the values of the
/// keyword arguments named by `kwnames`.
///
/// # Errors
/// `TypeError` for arguments that do not fit the parameters.
pub(crate) fn bind_arguments(
    frame: &Frame,
    func: &PyObj,
    args: &[PyObj],
    kwnames: Option<&PyObj>,
) -> PyResult<()> {
    let c = &frame.data().code;
    let f = function::function(func);
    let fields = f.fields();
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
            tuple::from_slice(&args[argcount..npos])
        } else {
            tuple::from_vec(Vec::new())
        };
        frame.set_local(total, StackRef::from_owned(extra));
    } else if npos > argcount {
        return Err(too_many_positional(frame, func, npos, kwnames));
    }
    if let Some(k) = kwnames {
        let mut posonly_as_kw = Vec::new();
        for (j, name) in tuple::items(k).iter().enumerate() {
            let value = &args[npos + j];
            let n = pystr::as_str(name);
            match c.varnames[..total].iter().position(|v| v == n) {
                Some(i) if i >= posonly => {
                    if frame.local(i).is_some() {
                        return Err(type_error(format!(
                            "{}() got multiple values for argument '{n}'",
                            qualname(func)
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
                                "{}() got an unexpected keyword argument '{n}'",
                                qualname(func)
                            )))
                        }
                    }
                }
            }
        }
        if !posonly_as_kw.is_empty() {
            return Err(type_error(format!(
                "{}() got some positional-only arguments passed as keyword arguments: '{}'",
                qualname(func),
                posonly_as_kw.join(", ")
            )));
        }
    }
    if let Some(d) = kwdict {
        let slot = total + usize::from(has_varargs);
        frame.set_local(slot, StackRef::from_owned(d));
    }
    // Defaults.
    let defaults: &[PyObj] = fields.defaults.as_ref().map_or(&[], |d| tuple::items(d));
    let first_default = argcount.saturating_sub(defaults.len());
    let mut missing = Vec::new();
    for i in 0..argcount {
        if frame.local(i).is_none() {
            if i >= first_default {
                frame.set_local(i, StackRef::new_ref(&defaults[i - first_default]));
            } else {
                missing.push(c.varnames[i].as_str());
            }
        }
    }
    if !missing.is_empty() {
        return Err(type_error(format!(
            "{}() missing {} required positional argument{}: {}",
            qualname(func),
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            quote_list(&missing)
        )));
    }
    let mut missing_kw = Vec::new();
    for i in argcount..total {
        if frame.local(i).is_none() {
            let name = &c.varnames[i];
            match fields
                .kwdefaults
                .as_ref()
                .and_then(|d| dict::get_item_str(d, name))
            {
                Some(v) => frame.set_local(i, StackRef::from_owned(v)),
                None => missing_kw.push(name.as_str()),
            }
        }
    }
    if !missing_kw.is_empty() {
        return Err(type_error(format!(
            "{}() missing {} required keyword-only argument{}: {}",
            qualname(func),
            missing_kw.len(),
            if missing_kw.len() == 1 { "" } else { "s" },
            quote_list(&missing_kw)
        )));
    }
    Ok(())
}

/// `f() takes 2 positional arguments but 3 were given`, CPython's wording.
#[cold]
fn too_many_positional(
    frame: &Frame,
    func: &PyObj,
    npos: usize,
    kwnames: Option<&PyObj>,
) -> strand_objects::PyErr {
    let c = &frame.data().code;
    let argcount = c.argcount as usize;
    let total = argcount + c.kwonlyargcount as usize;
    let ndefaults = function::function(func)
        .fields()
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
            "{} positional argument{} (and {} keyword-only argument{}) were given",
            npos,
            if npos == 1 { "" } else { "s" },
            given_kwonly,
            if given_kwonly == 1 { "" } else { "s" }
        )
    } else {
        format!("{npos} {} given", if npos == 1 { "was" } else { "were" })
    };
    type_error(format!("{}() takes {takes} but {given}", qualname(func)))
}
