//! Struct sequences (Objects/structseq.c): the named tuples the runtime itself hands
//! out, such as `sys.version_info`, `sys.float_info` and `time.struct_time`. Each is a
//! class deriving from `tuple` whose fields read tuple items by name (read-only
//! properties), with `n_fields`, `n_sequence_fields`, `n_unnamed_fields` and
//! `__match_args__`, and CPython's repr: `sys.version_info(major=3, minor=11, ...)`.
//! Fields beyond the sequence (`struct_time.tm_zone`) are attributes only: they live
//! in the instance's attribute table, read through read-only properties too.

use crate::abstract_ as ab;
use crate::descr::{new_builtin_function, new_method_descr, MethodDef};
use crate::exceptions::type_error;
use crate::object::PyObj;
use crate::PyResult;

/// Reads field `args[0]` (the index the getter was bound to) of struct sequence
/// `args[1]`.
fn field_get(args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let (Some(index), Some(obj)) = (args.first(), args.get(1)) else {
        return Err(type_error("struct sequence field getter needs an instance"));
    };
    if !crate::tuple::is_tuple(obj) {
        return Err(type_error(format!(
            "descriptor for struct sequence fields doesn't apply to a '{}' object",
            obj.ty().name()
        )));
    }
    let i = crate::int::to_isize(index)? as usize;
    crate::tuple::items(obj)
        .get(i)
        .cloned()
        .ok_or_else(|| type_error("struct sequence is too short"))
}

/// Reads the extra (non-sequence) field named `args[0]` of `args[1]`.
fn extra_get(args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let (Some(name), Some(obj)) = (args.first(), args.get(1)) else {
        return Err(type_error("struct sequence field getter needs an instance"));
    };
    crate::managed::get_dict(obj)
        .and_then(|d| crate::dict::get_item_str(&d, crate::str::as_str(name)))
        .ok_or_else(|| crate::exceptions::no_attribute(obj, name))
}

fn structseq_repr(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    crate::args::Args::new(args, kw).exact("__repr__", 1)?;
    let obj = &args[0];
    let ty = obj.ty();
    // CPython prints `tp_name`, which has no module part for builtins' types
    // (`asyncgen_hooks(...)`).
    let module = ty
        .lookup_str("__module__")
        .filter(crate::str::is_str)
        .map(|m| crate::str::as_str(&m).to_string())
        .filter(|m| m != "builtins")
        .map(|m| format!("{m}."))
        .unwrap_or_default();
    let names = ty
        .lookup_str("__match_args__")
        .filter(crate::tuple::is_tuple)
        .map(|t| crate::tuple::items(&t).to_vec())
        .unwrap_or_default();
    let mut s = format!("{module}{}(", ty.name());
    for (i, (name, v)) in names.iter().zip(crate::tuple::items(obj)).enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(crate::str::as_str(name));
        s.push('=');
        s.push_str(&ab::repr_string(v)?);
    }
    s.push(')');
    Ok(crate::str::from_string(s))
}

/// Creates the struct sequence class `module.name` with the given fields, all of
/// them sequence fields.
///
/// # Errors
/// Whatever creating the class raises (nothing for valid names).
pub fn new_type(module: &str, name: &str, fields: &[&'static str]) -> PyResult<PyObj> {
    new_type_with_extras(module, name, fields, &[])
}

/// Creates a struct sequence class whose `extras` fields are attributes outside the
/// sequence (set by [`new_instance_with_extras`]).
///
/// # Errors
/// Whatever creating the class raises (nothing for valid names).
pub fn new_type_with_extras(
    module: &str,
    name: &str,
    fields: &[&'static str],
    extras: &[&'static str],
) -> PyResult<PyObj> {
    let ns = crate::dict::new();
    crate::dict::set_item_str(&ns, "__module__", crate::str::new(module));
    // The doc strand has for `module.name` (CPython's `PyStructSequence_Desc.doc`).
    if let Some(doc) = crate::docs::type_doc(&format!("{module}.{name}"))
        .and_then(|doc| crate::docs::doc_body(name, doc))
    {
        crate::dict::set_item_str(&ns, "__doc__", crate::str::new(doc));
    }
    if extras.is_empty() {
        crate::dict::set_item_str(&ns, "__slots__", crate::tuple::from_vec(Vec::new()));
    }
    crate::dict::set_item_str(
        &ns,
        "n_fields",
        crate::int::from_usize(fields.len() + extras.len()),
    );
    crate::dict::set_item_str(
        &ns,
        "n_sequence_fields",
        crate::int::from_usize(fields.len()),
    );
    crate::dict::set_item_str(&ns, "n_unnamed_fields", crate::int::from_i64(0));
    crate::dict::set_item_str(
        &ns,
        "__match_args__",
        crate::tuple::from_vec(fields.iter().map(|f| crate::str::intern(f)).collect()),
    );
    for (i, f) in fields.iter().enumerate() {
        let getter = new_builtin_function(f, field_get, Some(crate::int::from_usize(i)));
        let prop = ab::call1(&crate::descr::PROPERTY_TYPE.to_obj(), getter)?;
        crate::dict::set_item_str(&ns, f, prop);
    }
    for f in extras {
        let getter = new_builtin_function(f, extra_get, Some(crate::str::intern(f)));
        let prop = ab::call1(&crate::descr::PROPERTY_TYPE.to_obj(), getter)?;
        crate::dict::set_item_str(&ns, f, prop);
    }
    crate::dict::set_item_str(
        &ns,
        "__repr__",
        new_method_descr(
            &crate::tuple::TUPLE_TYPE,
            &MethodDef::new("__repr__", structseq_repr),
        ),
    );
    crate::heaptype::new_heap_type(
        &crate::typetype::TYPE_TYPE.to_obj(),
        &crate::str::new(name),
        &[crate::tuple::TUPLE_TYPE.to_obj()],
        &ns,
        &[],
    )
}

/// An instance of struct sequence class `ty` holding `values`.
///
/// # Errors
/// Whatever the class's constructor raises.
pub fn new_instance(ty: &PyObj, values: Vec<PyObj>) -> PyResult<PyObj> {
    ab::call1(ty, crate::tuple::from_vec(values))
}

/// An instance of struct sequence class `ty` holding `values`, with its extra
/// (non-sequence) fields set from `extras` (name, value).
///
/// # Errors
/// Whatever the class's constructor raises.
pub fn new_instance_with_extras(
    ty: &PyObj,
    values: Vec<PyObj>,
    extras: Vec<(&str, PyObj)>,
) -> PyResult<PyObj> {
    let obj = new_instance(ty, values)?;
    if !extras.is_empty() {
        let d = crate::managed::ensure_dict(&obj);
        for (k, v) in extras {
            crate::dict::set_item_str(&d, k, v);
        }
    }
    Ok(obj)
}
