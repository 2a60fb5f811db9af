//! `sys.unraisablehook` (PEP 578's companion, CPython's Python/errors.c
//! `_PyErr_WriteUnraisableMsg`): exceptions that cannot propagate (raised in
//! `__del__`, weakref and `gc` callbacks, generator finalization) are handed to
//! `sys.unraisablehook` as a `UnraisableHookArgs` (`exc_type`, `exc_value`,
//! `exc_traceback`, `err_msg`, `object`). The default hook, also
//! `sys.__unraisablehook__`, writes `Exception ignored in: <object>` and the traceback
//! to `sys.stderr`. A hook that raises is reported with the default output, as
//! "Exception ignored in sys.unraisablehook".

use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, PyErr};
use strand_objects::once_obj::OnceObj;
use strand_objects::{abstract_ as ab, dict, module, singletons, str as pystr, PyObj, PyResult};

static ARGS_TYPE: OnceObj = OnceObj::new();
static DEFAULT_HOOK: OnceObj = OnceObj::new();

/// `sys.UnraisableHookArgs`, the struct sequence handed to the hook.
fn args_type() -> PyObj {
    ARGS_TYPE.get_or_init(|| {
        strand_objects::structseq::new_type(
            "sys",
            "UnraisableHookArgs",
            &[
                "exc_type",
                "exc_value",
                "exc_traceback",
                "err_msg",
                "object",
            ],
        )
        .expect("UnraisableHookArgs has valid field names")
    })
}

/// The hook installed into the object model: calls `sys.unraisablehook`.
pub(crate) fn report(err: &PyErr, err_msg: Option<&str>, obj: Option<&PyObj>) {
    let hook = crate::state::sys_module_opt()
        .and_then(|sys| dict::get_item_str(&module::module_dict(&sys), "unraisablehook"));
    let default = DEFAULT_HOOK.get();
    let Some(hook) =
        hook.filter(|h| !singletons::is_none(h) && default.as_ref().is_none_or(|d| !h.is(d)))
    else {
        return write_default(err, err_msg, obj);
    };
    let value = err.value().clone();
    let tb = exc::payload(&value)
        .state()
        .traceback
        .clone()
        .unwrap_or_else(singletons::none);
    let args = strand_objects::structseq::new_instance(
        &args_type(),
        vec![
            value.ty().to_obj(),
            value,
            tb,
            err_msg.map_or_else(singletons::none, pystr::new),
            obj.cloned().unwrap_or_else(singletons::none),
        ],
    );
    let r = args.and_then(|a| ab::call1(&hook, a));
    if let Err(e) = r {
        write_default(
            &e,
            Some("Exception ignored in sys.unraisablehook"),
            Some(&hook),
        );
    }
}

/// The first line of the default hook's output (empty without message and object).
fn first_line(err_msg: Option<&str>, obj: Option<&PyObj>) -> String {
    match (err_msg, obj) {
        (_, Some(_)) => strand_objects::unraisable::default_message(err_msg, obj),
        (Some(m), None) => format!("{m}:"),
        (None, None) => String::new(),
    }
}

/// The default hook's output: the first line CPython writes (`{err_msg}: {obj!r}`,
/// `Exception ignored in` for a missing message, `{err_msg}:` without an object), then
/// the exception with its traceback.
fn write_default(err: &PyErr, err_msg: Option<&str>, obj: Option<&PyObj>) {
    let mut out = first_line(err_msg, obj);
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&crate::format_exception(err));
    crate::excepthook::write_sys_stderr(&out);
}

/// `sys.__unraisablehook__(unraisable, /)`.
fn default_hook(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("unraisablehook", 1, 1)?;
    let u = &a[0];
    if !u.ty().to_obj().is(&args_type()) {
        return Err(exc::type_error(
            "sys.unraisablehook argument type must be UnraisableHookArgs",
        ));
    }
    let field = |name: &str| ab::getattr(u, &pystr::intern(name));
    let value = field("exc_value")?;
    let err_msg = field("err_msg")?;
    let obj = field("object")?;
    let err_msg = if singletons::is_none(&err_msg) {
        None
    } else {
        Some(ab::str_string(&err_msg)?)
    };
    let obj = (!singletons::is_none(&obj)).then_some(obj);
    if exc::is_exception_instance(&value) {
        write_default(&PyErr::from_value(value), err_msg.as_deref(), obj.as_ref());
    } else {
        let first = first_line(err_msg.as_deref(), obj.as_ref());
        let ty = field("exc_type")?;
        let name = ab::getattr(&ty, &pystr::intern("__name__"))
            .and_then(|n| ab::str_string(&n))
            .unwrap_or_default();
        crate::stdio::write_stderr(&format!("{first}\n{name}\n"));
    }
    Ok(singletons::none())
}

/// Adds `unraisablehook` and `__unraisablehook__` to `sys`.
pub(crate) fn add_to_sys(sys_dict: &PyObj) {
    let hook = DEFAULT_HOOK.get_or_init(|| {
        let f = strand_objects::descr::new_builtin_function("unraisablehook", default_hook, None);
        strand_objects::descr::set_builtin_module(&f, pystr::intern("sys"));
        f
    });
    dict::set_item_str(sys_dict, "unraisablehook", hook.clone());
    dict::set_item_str(sys_dict, "__unraisablehook__", hook);
}
