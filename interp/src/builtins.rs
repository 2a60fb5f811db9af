//! The `builtins` module (Python/bltinmodule.c): the builtin types and exceptions,
//! and the builtin functions, with CPython's argument handling and error messages.
//! Those that read the caller's frame (`globals`, `locals`, `vars`, `dir`, `eval`,
//! `exec`) live in [`crate::frame_builtins`].

use strand_objects::abstract_::{self as ab, BinOp};
use strand_objects::args::Args;
use strand_objects::descr::{
    new_builtin_function, set_builtin_module, set_builtin_self_module, NativeFn,
};
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::CompareOp;
use strand_objects::{
    dict, int, list, singletons, str as pystr, tuple, OnceObj, PyErr, PyObj, PyResult,
};

use crate::frame_builtins::{call_native, FrameBuiltin};

/// Makes the `builtins` module (once per process: [`crate::install`] keeps it in
/// [`crate::state`]). `open` is added by the io implementation, as CPython's start-up
/// does (`builtins.open is io.open`).
pub(crate) fn make_module() -> PyObj {
    let m = strand_objects::module::new_native_module("builtins");
    let d = strand_objects::module::module_dict(&m);
    populate(&m, &d);
    m
}

fn populate(m: &PyObj, d: &PyObj) {
    use strand_objects::*;
    let types: Vec<&'static strand_objects::typeobj::PyType> = vec![
        &baseobject::OBJECT_TYPE,
        &typeobj::TYPE_TYPE,
        &int::INT_TYPE,
        &int::BOOL_TYPE,
        &float::FLOAT_TYPE,
        &complex::COMPLEX_TYPE,
        &str::STR_TYPE,
        &bytes::BYTES_TYPE,
        &bytearray::BYTEARRAY_TYPE,
        &memoryview::MEMORYVIEW_TYPE,
        &tuple::TUPLE_TYPE,
        &list::LIST_TYPE,
        &dict::DICT_TYPE,
        &set::SET_TYPE,
        &set::FROZENSET_TYPE,
        &range::RANGE_TYPE,
        &slice::SLICE_TYPE,
        &iterators::ENUMERATE_TYPE,
        &iterators::ZIP_TYPE,
        &iterators::MAP_TYPE,
        &iterators::FILTER_TYPE,
        &iterators::REVERSED_TYPE,
        &super_::SUPER_TYPE,
        &descr::PROPERTY_TYPE,
        &descr::STATICMETHOD_TYPE,
        &descr::CLASSMETHOD_TYPE,
    ];
    for t in types {
        dict::set_item_str(d, t.name(), t.to_obj());
    }
    for (t, _) in exceptions::hierarchy() {
        dict::set_item_str(d, t.name(), t.to_obj());
    }
    // CPython's aliases of OSError (PEP 3151), kept for old code.
    for alias in ["EnvironmentError", "IOError"] {
        dict::set_item_str(d, alias, exceptions::OS_ERROR_TYPE.to_obj());
    }
    dict::set_item_str(d, "None", singletons::none());
    dict::set_item_str(d, "Ellipsis", singletons::ellipsis());
    dict::set_item_str(d, "NotImplemented", singletons::not_implemented());
    dict::set_item_str(d, "True", int::bool_obj(true));
    dict::set_item_str(d, "False", int::bool_obj(false));
    dict::set_item_str(d, "__debug__", int::bool_obj(true));
    let funcs: &[(&'static str, NativeFn)] = &[
        ("print", b_print),
        ("input", b_input),
        ("len", b_len),
        ("repr", |a, k| one(a, k, "repr").and_then(|x| ab::repr(&x))),
        ("ascii", |a, k| {
            one(a, k, "ascii").and_then(|x| ab::ascii(&x))
        }),
        ("abs", |a, k| one(a, k, "abs").and_then(|x| ab::abs(&x))),
        ("hash", |a, k| {
            one(a, k, "hash").and_then(|x| Ok(int::from_i64(ab::hash(&x)? as i64)))
        }),
        ("id", |a, k| {
            one(a, k, "id").map(|x| int::from_usize(x.addr()))
        }),
        ("breakpoint", b_breakpoint),
        ("callable", |a, k| {
            one(a, k, "callable").map(|x| int::bool_obj(x.ty().slots().call.is_some()))
        }),
        ("iter", b_iter),
        ("next", b_next),
        ("aiter", crate::async_iter::b_aiter),
        ("anext", crate::async_iter::b_anext),
        ("isinstance", |a, k| {
            Args::new(a, k).check_positional("isinstance", 2, 2)?;
            Ok(int::bool_obj(ab::isinstance(&a[0], &a[1])?))
        }),
        ("issubclass", |a, k| {
            Args::new(a, k).check_positional("issubclass", 2, 2)?;
            Ok(int::bool_obj(ab::issubclass(&a[0], &a[1])?))
        }),
        ("getattr", b_getattr),
        ("setattr", |a, k| {
            Args::new(a, k).check_positional("setattr", 3, 3)?;
            ab::setattr(&a[0], &attr_name(&a[1], "setattr")?, &a[2])?;
            Ok(singletons::none())
        }),
        ("delattr", |a, k| {
            Args::new(a, k).check_positional("delattr", 2, 2)?;
            ab::delattr(&a[0], &attr_name(&a[1], "delattr")?)?;
            Ok(singletons::none())
        }),
        ("hasattr", |a, k| {
            Args::new(a, k).check_positional("hasattr", 2, 2)?;
            Ok(int::bool_obj(
                ab::getattr_opt(&a[0], &attr_name(&a[1], "hasattr")?)?.is_some(),
            ))
        }),
        ("min", |a, k| min_max(a, k, "min", CompareOp::Lt)),
        ("max", |a, k| min_max(a, k, "max", CompareOp::Gt)),
        ("sum", b_sum),
        ("sorted", b_sorted),
        ("any", |a, k| {
            let it = ab::iter(&one(a, k, "any")?)?;
            while let Some(x) = ab::next(&it)? {
                if ab::is_true(&x)? {
                    return Ok(int::bool_obj(true));
                }
            }
            Ok(int::bool_obj(false))
        }),
        ("all", |a, k| {
            let it = ab::iter(&one(a, k, "all")?)?;
            while let Some(x) = ab::next(&it)? {
                if !ab::is_true(&x)? {
                    return Ok(int::bool_obj(false));
                }
            }
            Ok(int::bool_obj(true))
        }),
        ("chr", |a, k| {
            let x = one(a, k, "chr")?;
            let i = int::to_isize(&ab::index(&x)?)
                .map_err(|_| exc::overflow_error("Python int too large to convert to C int"))?;
            let Some(v) = u32::try_from(i).ok().filter(|v| *v < 0x110000) else {
                return Err(value_error("chr() arg not in range(0x110000)"));
            };
            // A lone surrogate is kept as its stand-in character.
            let c = char::from_u32(v)
                .or_else(|| strand_literal::str::surrogate_char(v))
                .ok_or_else(|| value_error("chr() arg not in range(0x110000)"))?;
            Ok(pystr::from_string(c.to_string()))
        }),
        ("ord", |a, k| {
            let x = one(a, k, "ord")?;
            let s: Vec<u32> = if pystr::is_str(&x) {
                pystr::as_str(&x)
                    .chars()
                    .map(strand_literal::str::code_point)
                    .collect()
            } else if let Some(b) = strand_objects::bytes::as_bytes_opt(&x) {
                b.iter().map(|&c| u32::from(c)).collect()
            } else if strand_objects::bytearray::is_bytearray(&x) {
                strand_objects::bytearray::to_vec(&x)
                    .iter()
                    .map(|&c| u32::from(c))
                    .collect()
            } else {
                return Err(type_error(format!(
                    "ord() expected string of length 1, but {} found",
                    x.ty().name()
                )));
            };
            if s.len() != 1 {
                return Err(type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    s.len()
                )));
            }
            Ok(int::from_i64(i64::from(s[0])))
        }),
        ("hex", |a, k| radix(a, k, "hex", "x", "0x")),
        ("oct", |a, k| radix(a, k, "oct", "o", "0o")),
        ("bin", |a, k| radix(a, k, "bin", "b", "0b")),
        ("divmod", |a, k| {
            Args::new(a, k).check_positional("divmod", 2, 2)?;
            ab::binary_op(&a[0], &a[1], BinOp::DivMod)
        }),
        ("pow", |a, k| {
            let args = Args::new(a, k);
            let b = args.bind("pow", 0, &["base", "exp", "mod"], 2)?;
            let m = b[2].cloned().unwrap_or_else(singletons::none);
            ab::power(b[0].expect("required"), b[1].expect("required"), &m)
        }),
        ("round", |a, k| {
            let args = Args::new(a, k);
            let b = args.bind("round", 0, &["number", "ndigits"], 1)?;
            let x = b[0].expect("required");
            let f = x.ty().lookup_str("__round__").ok_or_else(|| {
                type_error(format!(
                    "type {} doesn't define __round__ method",
                    x.ty().name()
                ))
            })?;
            match b[1] {
                Some(nd) if !singletons::is_none(nd) => {
                    ab::call_descr(&f, x, std::slice::from_ref(nd))
                }
                _ => ab::call_descr(&f, x, &[]),
            }
        }),
        ("format", |a, k| {
            Args::new(a, k).check_positional("format", 1, 2)?;
            let spec = a.get(1).cloned().unwrap_or_else(|| pystr::new(""));
            ab::format(&a[0], &spec)
        }),
        ("__build_class__", build_class),
        ("compile", crate::frame_builtins::builtin_compile),
        ("__import__", |a, k| {
            let b = Args::new(a, k).bind(
                "__import__",
                0,
                &["name", "globals", "locals", "fromlist", "level"],
                1,
            )?;
            let none = singletons::none();
            let zero = int::from_i64(0);
            crate::import::import(
                b[0].expect("required"),
                b[1].unwrap_or(&none),
                b[3].unwrap_or(&none),
                b[4].unwrap_or(&zero),
            )
        }),
    ];
    for (name, f) in funcs {
        let o = new_builtin_function(name, *f, None);
        set_builtin_module(&o, pystr::intern("builtins"));
        set_builtin_self_module(&o, m);
        // SAFETY: fresh and not yet visible to other threads; builtins live as long as
        // the process, and immortal they cost threads no reference counting.
        unsafe { strand_objects::alloc::make_immortal(&o) };
        dict::set_item_str(d, name, o);
    }
    // The builtins that read their caller's frame (see `frame_builtins`).
    let frame_funcs: [NativeFn; 6] = [
        |a, k| call_native(FrameBuiltin::Globals, a, k),
        |a, k| call_native(FrameBuiltin::Locals, a, k),
        |a, k| call_native(FrameBuiltin::Vars, a, k),
        |a, k| call_native(FrameBuiltin::Dir, a, k),
        |a, k| call_native(FrameBuiltin::Eval, a, k),
        |a, k| call_native(FrameBuiltin::Exec, a, k),
    ];
    for ((_, name), f) in FrameBuiltin::ALL.into_iter().zip(frame_funcs) {
        let o = new_builtin_function(name, f, None);
        set_builtin_module(&o, pystr::intern("builtins"));
        set_builtin_self_module(&o, m);
        // SAFETY: as above.
        unsafe { strand_objects::alloc::make_immortal(&o) };
        dict::set_item_str(d, name, o);
    }
}

/// The one argument of a `METH_O` builtin function (no `self` to count).
/// `breakpoint(*args, **kws)`: calls `sys.breakpointhook` with the arguments, after
/// the `builtins.breakpoint` audit event (CPython's `builtin_breakpoint`).
///
/// # Errors
/// `RuntimeError` when `sys.breakpointhook` is gone; whatever the hook raises.
fn b_breakpoint(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let sys = strand_objects::module::module_dict(&crate::state::sys_module());
    let hook = dict::get_item_str(&sys, "breakpointhook")
        .ok_or_else(|| exc::runtime_error("lost sys.breakpointhook"))?;
    crate::sys::audit_event("builtins.breakpoint", vec![hook.clone()])?;
    ab::call(&hook, args, kw)
}

fn one(args: &[PyObj], kw: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    a.no_kwargs(name)?;
    if a.nargs() != 1 {
        return Err(type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            a.nargs()
        )));
    }
    Ok(args[0].clone())
}

fn attr_name(o: &PyObj, f: &str) -> PyResult<PyObj> {
    if pystr::is_str(o) {
        Ok(o.clone())
    } else {
        Err(type_error(format!(
            "{f}(): attribute name must be string, not '{}'",
            o.ty().name()
        )))
    }
}

/// `sys.<name>`, interned key looked up once.
fn sys_stream(name: &'static str, key: &OnceObj) -> Option<PyObj> {
    let k = key.get_or_init(|| pystr::intern(name));
    let sys = strand_objects::module::module_dict(&crate::state::sys_module());
    dict::get_item(&sys, &k).ok().flatten()
}

/// The current `sys.stdout`: `Ok(None)` when it is `None`.
fn current_stdout(what: &str) -> PyResult<Option<PyObj>> {
    static KEY: OnceObj = OnceObj::new();
    match sys_stream("stdout", &KEY) {
        None => Err(exc::runtime_error(format!("{what}lost sys.stdout"))),
        Some(f) if singletons::is_none(&f) => Ok(None),
        Some(f) => Ok(Some(f)),
    }
}

fn b_print(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    let (mut sep, mut end, mut file, mut flush) = (None, None, None, false);
    for (k, v) in a.kwargs() {
        match k {
            "sep" => sep = Some(v.clone()),
            "end" => end = Some(v.clone()),
            "file" => file = Some(v.clone()),
            "flush" => flush = ab::is_true(v)?,
            other => {
                return Err(type_error(format!(
                    "'{other}' is an invalid keyword argument for print()"
                )))
            }
        }
    }
    let text_arg = |o: Option<PyObj>, what: &str| -> PyResult<Option<PyObj>> {
        match o {
            None => Ok(None),
            Some(o) if singletons::is_none(&o) => Ok(None),
            Some(o) if pystr::is_str(&o) => Ok(Some(o)),
            Some(o) => Err(type_error(format!(
                "{what} must be None or a string, not {}",
                o.ty().name()
            ))),
        }
    };
    let sep = text_arg(sep, "sep")?;
    let end = text_arg(end, "end")?;
    let file = match file.filter(|f| !singletons::is_none(f)) {
        Some(f) => f,
        None => match current_stdout("")? {
            Some(f) => f,
            None => return Ok(singletons::none()),
        },
    };
    let sep_s = sep.as_ref().map_or(" ", |s| pystr::as_str(s));
    let end_s = end.as_ref().map_or("\n", |s| pystr::as_str(s));
    if crate::stdio::is_native_text(&file) {
        // One native write of the whole line.
        let mut out = String::new();
        for (i, x) in a.positionals().iter().enumerate() {
            if i > 0 {
                out.push_str(sep_s);
            }
            if pystr::is_exact_str(x) {
                out.push_str(pystr::as_str(x));
            } else {
                out.push_str(&ab::str_string(x)?);
            }
        }
        out.push_str(end_s);
        crate::stdio::write_text(&file, &out)?;
    } else {
        // Any object with a `write` method, called once per piece as CPython does.
        let write = ab::getattr_str(&file, "write")?;
        for (i, x) in a.positionals().iter().enumerate() {
            if i > 0 {
                ab::call1(&write, sep.clone().unwrap_or_else(|| pystr::intern(" ")))?;
            }
            ab::call1(&write, ab::str_(x)?)?;
        }
        ab::call1(&write, end.clone().unwrap_or_else(|| pystr::intern("\n")))?;
    }
    if flush {
        crate::stdio::flush(&file)?;
    }
    Ok(singletons::none())
}

/// `input(prompt='')`: writes the prompt to `sys.stdout`, reads a line from
/// `sys.stdin` without its newline.
///
/// # Errors
/// `EOFError: EOF when reading a line` at end of input.
fn b_input(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    a.no_kwargs("input")?;
    a.max_positional("input", 1)?;
    static IN: OnceObj = OnceObj::new();
    static ERR: OnceObj = OnceObj::new();
    let stdin = match sys_stream("stdin", &IN) {
        Some(f) if !singletons::is_none(&f) => f,
        _ => return Err(exc::runtime_error("input(): lost sys.stdin")),
    };
    let stdout = match current_stdout("input(): ")? {
        Some(f) => f,
        None => return Err(exc::runtime_error("input(): lost sys.stdout")),
    };
    if let Some(err) = sys_stream("stderr", &ERR).filter(|e| !singletons::is_none(e)) {
        let _ = crate::stdio::flush(&err);
    }
    if let Some(p) = args.first() {
        let text = ab::str_string(p)?;
        crate::stdio::write_text(&stdout, &text)?;
    }
    let _ = crate::stdio::flush(&stdout);
    let line = crate::stdio::readline(&stdin)?;
    if !pystr::is_str(&line) {
        return Err(type_error("object.readline() returned non-string"));
    }
    let s = pystr::as_str(&line);
    if s.is_empty() {
        return Err(PyErr::new(&exc::EOF_ERROR_TYPE, "EOF when reading a line"));
    }
    Ok(match s.strip_suffix('\n') {
        Some(t) => pystr::new(t),
        None => line.clone(),
    })
}

fn b_len(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let x = one(args, kw, "len")?;
    Ok(int::from_usize(ab::len(&x)?))
}

fn b_iter(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).check_positional("iter", 1, 2)?;
    if args.len() == 2 {
        if args[0].ty().slots().call.is_none() {
            return Err(type_error("iter(v, w): v must be callable"));
        }
        return Ok(strand_objects::iterators::callable_iter(
            args[0].clone(),
            args[1].clone(),
        ));
    }
    ab::iter(&args[0])
}

fn b_next(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).check_positional("next", 1, 2)?;
    let it = &args[0];
    if it.ty().slots().iternext.is_none() {
        return Err(type_error(format!(
            "'{}' object is not an iterator",
            it.ty().name()
        )));
    }
    let f = it.ty().slots().iternext.expect("checked above");
    match (f(it), args.get(1)) {
        (Ok(Some(v)), _) => Ok(v),
        (Ok(None), Some(d)) => Ok(d.clone()),
        (Ok(None), None) => Err(exc::stop_iteration(None)),
        (Err(e), Some(d)) if e.is_instance(&exc::STOP_ITERATION_TYPE) => Ok(d.clone()),
        (Err(e), _) => Err(e),
    }
}

fn b_getattr(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).check_positional("getattr", 2, 3)?;
    let name = attr_name(&args[1], "getattr")?;
    match args.get(2) {
        None => ab::getattr(&args[0], &name),
        Some(d) => Ok(ab::getattr_opt(&args[0], &name)?.unwrap_or_else(|| d.clone())),
    }
}

fn min_max(args: &[PyObj], kw: Option<&PyObj>, name: &str, op: CompareOp) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    let (mut key, mut default) = (None, None);
    for (k, v) in a.kwargs() {
        match k {
            "key" => key = Some(v.clone()).filter(|k| !singletons::is_none(k)),
            "default" => default = Some(v.clone()),
            other => {
                return Err(type_error(format!(
                    "'{other}' is an invalid keyword argument for {name}()"
                )))
            }
        }
    }
    let pos = a.positionals();
    let items: Vec<PyObj> = match pos.len() {
        0 => {
            return Err(type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )))
        }
        1 => ab::collect_iter(&pos[0])?,
        _ => {
            if default.is_some() {
                return Err(type_error(format!(
                    "Cannot specify a default for {name}() with multiple positional arguments"
                )));
            }
            pos.to_vec()
        }
    };
    let mut best: Option<(PyObj, PyObj)> = None;
    for x in items {
        let k = match &key {
            Some(f) => ab::call1(f, x.clone())?,
            None => x.clone(),
        };
        best = match best {
            None => Some((k, x)),
            Some((bk, bx)) => {
                if ab::richcompare_bool(&k, &bk, op)? {
                    Some((k, x))
                } else {
                    Some((bk, bx))
                }
            }
        };
    }
    match best {
        Some((_, x)) => Ok(x),
        None => default.ok_or_else(|| value_error(format!("{name}() arg is an empty sequence"))),
    }
}

fn b_sum(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    let b = a.bind("sum", 0, &["iterable", "start"], 1)?;
    let mut acc = b[1].cloned().unwrap_or_else(|| int::from_i64(0));
    if pystr::is_str(&acc) {
        return Err(type_error(
            "sum() can't sum strings [use ''.join(seq) instead]",
        ));
    }
    let it = ab::iter(b[0].expect("required"))?;
    while let Some(x) = ab::next(&it)? {
        acc = ab::binary_op(&acc, &x, BinOp::Add)?;
    }
    Ok(acc)
}

fn b_sorted(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    if a.positionals().len() != 1 {
        return Err(type_error(format!(
            "sorted expected 1 argument, got {}",
            a.positionals().len()
        )));
    }
    let (mut key, mut reverse) = (None, false);
    for (k, v) in a.kwargs() {
        match k {
            "key" => key = Some(v.clone()),
            "reverse" => reverse = ab::is_true(v)?,
            other => {
                return Err(type_error(format!(
                    "'{other}' is an invalid keyword argument for sort()"
                )))
            }
        }
    }
    let l = list::new(ab::collect_iter(&args[0])?);
    list::sort(&l, key.as_ref(), reverse)?;
    Ok(l)
}

fn radix(
    args: &[PyObj],
    kw: Option<&PyObj>,
    name: &str,
    spec: &str,
    _prefix: &str,
) -> PyResult<PyObj> {
    let x = one(args, kw, name)?;
    let i = ab::index(&x)?;
    ab::format(&i, &pystr::new(&format!("#{spec}")))
}

/// `__build_class__(func, name, *bases, metaclass=None, **kwds)`.
fn build_class(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    let pos = a.positionals();
    if pos.len() < 2 {
        return Err(type_error("__build_class__: not enough arguments"));
    }
    let (func, name) = (&pos[0], &pos[1]);
    if !strand_objects::function::is_function(func) {
        return Err(type_error("__build_class__: func must be a function"));
    }
    // PEP 560: a base that is not a class may stand for others (`list[int]`).
    let orig_bases = tuple::from_slice(&pos[2..]);
    let mut resolved = Vec::with_capacity(pos.len() - 2);
    let mut replaced = false;
    for b in &pos[2..] {
        if strand_objects::typeobj::is_type(b) {
            resolved.push(b.clone());
            continue;
        }
        match ab::getattr_opt(b, &pystr::intern("__mro_entries__"))? {
            Some(entries) => {
                let r = ab::call1(&entries, orig_bases.clone())?;
                if !tuple::is_tuple(&r) {
                    return Err(type_error("__mro_entries__ must return a tuple"));
                }
                resolved.extend(tuple::items(&r).iter().cloned());
                replaced = true;
            }
            None => resolved.push(b.clone()),
        }
    }
    let bases = if replaced {
        tuple::from_vec(resolved)
    } else {
        orig_bases.clone()
    };
    let mut meta: Option<PyObj> = None;
    let mut kwnames = Vec::new();
    let mut kwvalues = Vec::new();
    for (k, v) in a.kwargs() {
        if k == "metaclass" {
            meta = Some(v.clone());
        } else {
            kwnames.push(pystr::new(k));
            kwvalues.push(v.clone());
        }
    }
    let meta = match meta {
        Some(m) => m,
        None => match tuple::items(&bases).first() {
            Some(b) => b.ty().to_obj(),
            None => strand_objects::typeobj::TYPE_TYPE.to_obj(),
        },
    };
    let meta = if strand_objects::typeobj::is_type(&meta) {
        strand_objects::heaptype::calculate_metaclass(&meta, tuple::items(&bases))?
    } else {
        meta
    };
    let ns = match ab::getattr_opt(&meta, &pystr::intern("__prepare__"))? {
        Some(prep) => {
            let mut pargs = vec![name.clone(), bases.clone()];
            pargs.extend(kwvalues.iter().cloned());
            let kn = if kwnames.is_empty() {
                None
            } else {
                Some(tuple::from_vec(kwnames.clone()))
            };
            ab::call(&prep, &pargs, kn.as_ref())?
        }
        None => dict::new(),
    };
    // CPython's PyMapping_Check of the namespace.
    if ns.ty().slots().getitem.is_none() {
        let meta_name = if strand_objects::typeobj::is_type(&meta) {
            // SAFETY: checked to be a type.
            unsafe { strand_objects::typeobj::PyType::from_obj(&meta) }
                .name()
                .to_string()
        } else {
            "<metaclass>".to_string()
        };
        return Err(type_error(format!(
            "{meta_name}.__prepare__() must return a mapping, not {}",
            ns.ty().name()
        )));
    }
    let cell = crate::eval::run_class_body(func, &ns)?;
    if replaced {
        ab::setitem(&ns, &pystr::intern("__orig_bases__"), &orig_bases)?;
    }
    let mut cargs = vec![name.clone(), bases, ns];
    cargs.extend(kwvalues);
    let kn = if kwnames.is_empty() {
        None
    } else {
        Some(tuple::from_vec(kwnames))
    };
    let cls = ab::call(&meta, &cargs, kn.as_ref())?;
    if strand_objects::typeobj::is_type(&cls)
        && strand_objects::function::CELL_TYPE
            .to_obj()
            .is(&cell.ty().to_obj())
    {
        match strand_objects::function::cell_get(&cell) {
            Some(v) if v.is(&cls) => {}
            Some(v) => {
                return Err(type_error(format!(
                    "__class__ set to {} defining {} as {}",
                    ab::repr_string(&v)?,
                    ab::repr_string(name)?,
                    ab::repr_string(&cls)?
                )));
            }
            None => {
                return Err(exc::runtime_error(format!(
                    "__class__ not set defining {} as {}. Was __classcell__ propagated to type.__new__?",
                    ab::repr_string(name)?,
                    ab::repr_string(&cls)?
                )));
            }
        }
    }
    Ok(cls)
}
