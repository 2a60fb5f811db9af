//! The builtins that read their caller's frame: `globals()`, `locals()`, `vars()`,
//! `dir()`, `eval()` and `exec()` (Python/bltinmodule.c; the frame side is
//! Objects/frameobject.c's `PyFrame_FastToLocals`).
//!
//! Like CPython's, they find the calling frame through the thread: a native function
//! pushes no frame of its own, so the innermost running frame of the thread's frame
//! chain (`frame::with_top`) is its caller's. With no Python frame running
//! (a builtin called from Rust), the globals are a fresh dict and stand in for the
//! locals too.

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::{dict, function, list, singletons, str as pystr, PyObj, PyResult};

use strand_compiler::Mode;

/// Which frame-reading builtin a function object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameBuiltin {
    /// `globals()`
    Globals,
    /// `locals()`
    Locals,
    /// `vars([object])`
    Vars,
    /// `dir([object])`
    Dir,
    /// `eval(source, globals=None, locals=None)`
    Eval,
    /// `exec(source, globals=None, locals=None)`
    Exec,
}

impl FrameBuiltin {
    /// Every frame-reading builtin with its name in `builtins`.
    pub const ALL: [(FrameBuiltin, &'static str); 6] = [
        (FrameBuiltin::Globals, "globals"),
        (FrameBuiltin::Locals, "locals"),
        (FrameBuiltin::Vars, "vars"),
        (FrameBuiltin::Dir, "dir"),
        (FrameBuiltin::Eval, "eval"),
        (FrameBuiltin::Exec, "exec"),
    ];
}

/// A frame-reading builtin called with `args`: reads the caller's frame.
pub(crate) fn call_native(
    which: FrameBuiltin,
    args: &[PyObj],
    kw: Option<&PyObj>,
) -> PyResult<PyObj> {
    let globals = caller_globals();
    let mut locals =
        || crate::frame::with_top(|f| f.locals_mapping()).unwrap_or_else(|| Ok(caller_globals()));
    call(which, &globals, &mut locals, args, kw)
}

/// The caller's globals.
fn caller_globals() -> PyObj {
    crate::frame::with_top(|f| (*f.globals()).clone()).unwrap_or_else(dict::new)
}

/// Calls a frame-reading builtin for a caller with `globals` whose locals mapping
/// `locals()` produces.
///
/// # Errors
/// The builtins' `TypeError`s for bad arguments, `SyntaxError` for source that does
/// not compile, and whatever evaluated code raises.
fn call(
    which: FrameBuiltin,
    globals: &PyObj,
    locals: &mut dyn FnMut() -> PyResult<PyObj>,
    args: &[PyObj],
    kw: Option<&PyObj>,
) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    match which {
        FrameBuiltin::Globals => {
            a.exact("globals", 0)?;
            Ok(globals.clone())
        }
        FrameBuiltin::Locals => {
            a.exact("locals", 0)?;
            locals()
        }
        FrameBuiltin::Vars => {
            a.no_kwargs("vars")?;
            a.range("vars", 0, 1)?;
            match a.positional(0) {
                None => locals(),
                Some(o) => ab::getattr_opt(o, &pystr::intern("__dict__"))?
                    .ok_or_else(|| type_error("vars() argument must have __dict__ attribute")),
            }
        }
        FrameBuiltin::Dir => {
            a.no_kwargs("dir")?;
            a.range("dir", 0, 1)?;
            let names = match a.positional(0) {
                None => {
                    let l = locals()?;
                    list::new(ab::collect_iter(&ab::call_method(&l, "keys", &[])?)?)
                }
                Some(o) => return object_dir(o),
            };
            list::sort(&names, None, false)?;
            Ok(names)
        }
        FrameBuiltin::Eval => eval_or_exec(Mode::Eval, globals, locals, &a),
        FrameBuiltin::Exec => eval_or_exec(Mode::Exec, globals, locals, &a),
    }
}

/// `dir(o)` (CPython's `PyObject_Dir` for an object): `type(o).__dir__(o)` as a
/// sorted list.
///
/// # Errors
/// TypeError when the type has no `__dir__`; what `__dir__`, iterating its result
/// or comparing the names raises.
pub(crate) fn object_dir(o: &PyObj) -> PyResult<PyObj> {
    // Looked up on the type, like every special method.
    let m = o
        .ty()
        .lookup_str("__dir__")
        .ok_or_else(|| type_error(format!("object of type '{}' has no __dir__", o.ty().name())))?;
    let d = ab::call_descr(&m, o, &[])?;
    let names = list::new(ab::collect_iter(&d)?);
    list::sort(&names, None, false)?;
    Ok(names)
}

/// `eval(source, globals=None, locals=None, /)` and `exec(source, globals=None,
/// locals=None, /, *, closure=None)` (CPython's `builtin_eval_impl` and
/// `builtin_exec_impl`): namespaces default to the caller's; source text is compiled
/// as `<string>`. A code object with free variables needs cells for them: `eval`
/// refuses it, `exec` takes them from `closure` (a tuple of exactly that many cells).
fn eval_or_exec(
    mode: Mode,
    caller_globals: &PyObj,
    caller_locals: &mut dyn FnMut() -> PyResult<PyObj>,
    a: &Args<'_>,
) -> PyResult<PyObj> {
    let name = if mode == Mode::Eval { "eval" } else { "exec" };
    let mut closure = None;
    if mode == Mode::Eval {
        a.expect_fn(name, 1, 3)?;
    } else {
        let n = a.nargs();
        if n == 0 || n > 3 {
            let (bound, m) = if n == 0 { ("least", 1) } else { ("most", 3) };
            return Err(type_error(format!(
                "exec() takes at {bound} {m} positional argument{} ({n} given)",
                if m == 1 { "" } else { "s" }
            )));
        }
        for (k, v) in a.kwargs() {
            if k != "closure" {
                return Err(type_error(format!(
                    "'{k}' is an invalid keyword argument for exec()"
                )));
            }
            closure = Some(v).filter(|v| !singletons::is_none(v));
        }
    }
    let source = a.positional(0).expect("one positional at least");
    let given = |o: Option<&PyObj>| o.filter(|v| !singletons::is_none(v)).cloned();
    let (globals, locals) = (given(a.positional(1)), given(a.positional(2)));
    if let Some(g) = &globals {
        if !dict::is_dict(g) {
            return Err(type_error(if mode == Mode::Eval {
                "globals must be a dict".to_string()
            } else {
                format!("exec() globals must be a dict, not {}", g.ty().name())
            }));
        }
    }
    if let Some(l) = &locals {
        if l.ty().lookup_str("__getitem__").is_none() {
            return Err(type_error(if mode == Mode::Eval {
                "locals must be a mapping".to_string()
            } else {
                format!("locals must be a mapping or None, not {}", l.ty().name())
            }));
        }
    }
    let (globals, locals) = match (globals, locals) {
        (None, Some(l)) => (caller_globals.clone(), l),
        (None, None) => (caller_globals.clone(), caller_locals()?),
        (Some(g), None) => (g.clone(), g),
        (Some(g), Some(l)) => (g, l),
    };
    let code = if crate::code::is_code(source) {
        let nfree = strand_objects::tuple::items(&function::code(source).freevars).len();
        if mode == Mode::Eval && nfree > 0 {
            return Err(type_error(
                "code object passed to eval() may not contain free variables",
            ));
        }
        if nfree == 0 && closure.is_some() {
            return Err(type_error("cannot use a closure with this code object"));
        }
        if nfree > 0 {
            let cells_ok = closure.is_some_and(|c| {
                c.is_exact(&strand_objects::tuple::TUPLE_TYPE)
                    && strand_objects::tuple::items(c).len() == nfree
                    && strand_objects::tuple::items(c)
                        .iter()
                        .all(|x| x.is_exact(&function::CELL_TYPE))
            });
            if !cells_ok {
                return Err(type_error(format!(
                    "code object requires a closure of exactly length {nfree}"
                )));
            }
        }
        source.clone()
    } else {
        if closure.is_some() {
            return Err(type_error(
                "closure can only be used when source is a code object",
            ));
        }
        let text = source_text(source, name, "<string>")?;
        let text = if mode == Mode::Eval {
            // eval() ignores leading spaces and tabs.
            text.trim_start_matches([' ', '\t']).to_string()
        } else {
            text
        };
        compile_source(&text, "<string>", mode)?
    };
    let r = match closure {
        Some(cells) => crate::eval::run_closure_code_in(&code, &globals, &locals, cells)?,
        None => crate::eval::run_code_in(&code, &globals, &locals)?,
    };
    Ok(if mode == Mode::Eval {
        r
    } else {
        singletons::none()
    })
}

/// The text of a `str` or `bytes` source argument (`filename` is what a
/// `SyntaxError` from decoding bytes names).
fn source_text(source: &PyObj, fname: &str, filename: &str) -> PyResult<String> {
    if pystr::is_str(source) {
        return Ok(pystr::as_str(source).to_string());
    }
    if strand_objects::buffer::has_buffer(source) {
        let b = strand_objects::buffer::bytes_like(source)?;
        return crate::syntax_error::decode_source(
            &b,
            strand_compiler::source::Origin::Bytes,
            filename,
        );
    }
    Err(type_error(format!(
        "{fname}() arg 1 must be a string, bytes or code object"
    )))
}

/// Compiles source text to a code object.
///
/// # Errors
/// `SyntaxError` (with CPython's `filename`, `lineno`, `offset`, `text` attributes).
pub fn compile_source(text: &str, filename: &str, mode: Mode) -> PyResult<PyObj> {
    let code = strand_compiler::compile(text, filename, mode)
        .map_err(|e| crate::syntax_error::syntax_error(&e, text, filename))?;
    Ok(crate::code::load_code(&code))
}

/// The flags `compile()` accepts (CPython's `PyCF_MASK | PyCF_MASK_OBSOLETE |
/// PyCF_COMPILE_MASK`): the `__future__` features, `CO_NESTED`, and the compiler
/// flags (`PyCF_ONLY_AST`, `PyCF_TYPE_COMMENTS`, `PyCF_ALLOW_TOP_LEVEL_AWAIT`, ...).
const COMPILE_FLAGS: i64 =
    0x0010 | 0x01fe_0000 | 0x0100 | 0x0200 | 0x0400 | 0x0800 | 0x1000 | 0x2000;

/// The `compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1)`
/// builtin. With `PyCF_ONLY_AST` in `flags` it returns the syntax tree (through the
/// `_ast` module's [`crate::ast_hooks`]); given a tree, it compiles that.
///
/// # Errors
/// `ValueError` for an unknown mode, `TypeError` for a bad source, `SyntaxError`.
pub(crate) fn builtin_compile(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kw);
    if a.positionals().len() > 6 {
        return Err(type_error(format!(
            "compile() takes at most 6 arguments ({} given)",
            a.positionals().len()
        )));
    }
    // `_feature_version` (keyword-only, used by `ast.parse`): strand parses 3.11 only.
    let b = a.bind(
        "compile",
        0,
        &[
            "source",
            "filename",
            "mode",
            "flags",
            "dont_inherit",
            "optimize",
            "_feature_version",
        ],
        3,
    )?;
    let source = b[0].expect("required");
    let filename = ab::str_string(b[1].expect("required"))?;
    let flags = match b[3] {
        Some(f) => strand_objects::int::to_isize(&ab::index(f)?)? as i64,
        None => 0,
    };
    if flags & !COMPILE_FLAGS != 0 {
        return Err(exc::value_error("compile(): unrecognised flags"));
    }
    let only_ast = flags & crate::ast_hooks::PYCF_ONLY_AST != 0;
    let mode_name = ab::str_string(b[2].expect("required"))?;
    let mode = match mode_name.as_str() {
        "exec" => Mode::Exec,
        "eval" => Mode::Eval,
        "single" => Mode::Single,
        "func_type" if only_ast => Mode::Exec,
        "func_type" => {
            return Err(exc::value_error(
                "compile() mode 'func_type' requires flag PyCF_ONLY_AST",
            ))
        }
        _ if only_ast => {
            return Err(exc::value_error(
                "compile() mode must be 'exec', 'eval', 'single' or 'func_type'",
            ))
        }
        _ => {
            return Err(exc::value_error(
                "compile() mode must be 'exec', 'eval' or 'single'",
            ))
        }
    };
    if crate::code::is_code(source) {
        return Ok(source.clone());
    }
    // -1: the interpreter's level (`-O`); 0, 1, 2: that level.
    let optimize = match b[5] {
        Some(o) => strand_objects::int::to_isize(&ab::index(o)?)?,
        None => -1,
    };
    let optimize = match optimize {
        -1 => strand_compiler::OPTIMIZE.load(std::sync::atomic::Ordering::Relaxed),
        0..=2 => optimize as u8,
        _ => return Err(exc::value_error("compile(): invalid optimize value")),
    };
    let hooks = crate::ast_hooks::hooks();
    if let Some(h) = hooks.filter(|h| (h.is_ast)(source)) {
        if only_ast {
            // CPython checks the tree and hands it back.
            return Ok(source.clone());
        }
        return (h.compile)(source, &filename, &mode_name, optimize);
    }
    if only_ast {
        let text = source_text(source, "compile", &filename)?;
        let h = hooks.ok_or_else(|| {
            exc::system_error(
                "compile(): PyCF_ONLY_AST needs the _ast module, which is not installed",
            )
        })?;
        return (h.parse)(&text, &filename, &mode_name, flags);
    }
    let text = source_text(source, "compile", &filename)?;
    // The `__future__` features: those of `flags`, and unless `dont_inherit`, those
    // the calling code was compiled with (CPython's `PyEval_MergeCompilerFlags`).
    let future_bits = strand_compiler::code::flags::FUTURE_ANNOTATIONS;
    let mut future = (flags as u32) & future_bits;
    let dont_inherit = match b[4] {
        Some(d) => ab::is_true(d)?,
        None => false,
    };
    if !dont_inherit {
        future |= crate::frame::with_top(|f| f.data().code.flags).unwrap_or(0) & future_bits;
    }
    let code = strand_compiler::compile_with_future(&text, &filename, mode, optimize, future)
        .map_err(|e| crate::syntax_error::syntax_error(&e, &text, &filename))?;
    Ok(crate::code::load_code(&code))
}
