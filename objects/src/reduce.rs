//! The copy and pickle protocol of `object`: `object.__reduce_ex__(protocol)`,
//! `object.__reduce__()` and `object.__getstate__()` (CPython 3.11's
//! Objects/typeobject.c: `object___reduce_ex___impl`, `_common_reduce`,
//! `reduce_newobj`, `_PyObject_GetNewArguments`, `object_getstate` and
//! `object_getstate_default`, `_PyType_GetSlotNames`, `_PyObject_GetItemsIter`).
//!
//! `copy`, `copy.deepcopy` and `pickle` ask an object for `__reduce_ex__(protocol)`.
//! Unless its class overrides `__reduce__`, protocol 2 and above reduce it to
//! `(copyreg.__newobj__, (cls, *args), state, listitems, dictitems)`, where `args`
//! come from `__getnewargs__` (or `copyreg.__newobj_ex__` with the keyword arguments
//! of `__getnewargs_ex__`), `state` from `__getstate__`, and the two iterators carry
//! a list's items and a dict's pairs. Protocols 0 and 1 hand the object to
//! `copyreg._reduce_ex`, CPython's own Python code, which reads `type.__flags__`
//! and the builtin `__new__` of the type that holds the object's native state.
//!
//! The default state is the instance dict, or `(dict or None, slots)` when
//! `__slots__` hold values (their names come from `copyreg._slotnames`, cached as
//! `cls.__slotnames__`). An object whose layout holds native state that neither
//! `__getnewargs__` nor `__reduce__` describes cannot be rebuilt: when the state is
//! *required* (no new-arguments, not a list or dict), a layout larger than `object`'s
//! plus the `__slots__` words is refused with "cannot pickle 'X' object".
//!
//! `copyreg` is imported through the running code's `__import__`, as CPython's
//! `PyImport_Import` does.

use crate::abstract_ as ab;
use crate::args::Args;
use crate::exceptions::{runtime_error, type_error, value_error};
use crate::object::PyObj;
use crate::singletons::{is_none, none};
use crate::typeobj::PyType;
use crate::PyResult;

/// The methods this module gives `object`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("__reduce_ex__", object_reduce_ex),
        MethodDef::new("__reduce__", object_reduce),
        MethodDef::new("__getstate__", object_getstate_method),
    ]
}

/// `copyreg`, imported through the builtins' `__import__`.
fn import_copyreg() -> PyResult<PyObj> {
    let import = crate::function::get_builtin("__import__")?;
    ab::call1(&import, crate::str::intern("copyreg"))
}

/// `object.__reduce_ex__(protocol)`: an overriding `__reduce__` if the class has one,
/// the common reduction otherwise.
fn object_reduce_ex(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("object.__reduce_ex__", 2)?;
    let obj = &args[0];
    let protocol = c_int(&args[1])?;
    if let Some(reduce) = ab::getattr_opt(obj, &crate::str::intern("__reduce__"))? {
        let cls_reduce = ab::getattr_str(&obj.ty().to_obj(), "__reduce__")?;
        let obj_reduce =
            crate::dict::get_item_str(crate::baseobject::OBJECT_TYPE.dict(), "__reduce__");
        if !obj_reduce.is_some_and(|o| o.is(&cls_reduce)) {
            return ab::call0(&reduce);
        }
    }
    common_reduce(obj, protocol)
}

/// An argument converted as Argument Clinic's `int` converter does.
fn c_int(v: &PyObj) -> PyResult<i32> {
    let i = ab::index(v)?;
    crate::int::as_i64(&i)
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| {
            crate::exceptions::overflow_error("Python int too large to convert to C int")
        })
}

/// `object.__reduce__()`: the common reduction with protocol 0.
fn object_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("object.__reduce__", 1)?;
    common_reduce(&args[0], 0)
}

/// `object.__getstate__()`: the default state, not required.
fn object_getstate_method(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("object.__getstate__", 1)?;
    getstate_default(&args[0], false)
}

/// CPython's `_common_reduce`.
fn common_reduce(obj: &PyObj, protocol: i32) -> PyResult<PyObj> {
    if protocol >= 2 {
        return reduce_newobj(obj);
    }
    let copyreg = import_copyreg()?;
    let f = ab::getattr_str(&copyreg, "_reduce_ex")?;
    ab::call(
        &f,
        &[obj.clone(), crate::int::from_i64(protocol as i64)],
        None,
    )
}

/// The type's `tp_name` as CPython's messages print it.
fn tp_name(obj: &PyObj) -> String {
    obj.ty().name().to_string()
}

/// `(copyreg.__newobj__, (cls, *args), state, listitems, dictitems)`, or
/// `copyreg.__newobj_ex__` with `(cls, args, kwargs)` (CPython's `reduce_newobj`).
fn reduce_newobj(obj: &PyObj) -> PyResult<PyObj> {
    let ty = obj.ty();
    if ty.slots().new.is_none() {
        return Err(type_error(format!(
            "cannot pickle '{}' object",
            tp_name(obj)
        )));
    }
    let (args, kwargs) = get_new_arguments(obj)?;
    let copyreg = import_copyreg()?;
    let has_args = args.is_some();
    let (newobj, newargs) = match (&args, &kwargs) {
        (Some(a), Some(k)) if crate::dict::len(k) > 0 => (
            ab::getattr_str(&copyreg, "__newobj_ex__")?,
            crate::tuple::from_vec(vec![ty.to_obj(), a.clone(), k.clone()]),
        ),
        _ => {
            let mut v = vec![ty.to_obj()];
            if let Some(a) = &args {
                v.extend(crate::tuple::items(a).iter().cloned());
            }
            (
                ab::getattr_str(&copyreg, "__newobj__")?,
                crate::tuple::from_vec(v),
            )
        }
    };
    let required = !(has_args || crate::list::is_list(obj) || crate::dict::is_dict(obj));
    let state = get_state(obj, required)?;
    let listitems = if crate::list::is_list(obj) {
        ab::iter(obj)?
    } else {
        none()
    };
    let dictitems = if crate::dict::is_dict(obj) {
        ab::iter(&ab::call_method(obj, "items", &[])?)?
    } else {
        none()
    };
    Ok(crate::tuple::from_vec(vec![
        newobj, newargs, state, listitems, dictitems,
    ]))
}

/// A special method looked up on the type and bound to `obj` (CPython's
/// `_PyObject_LookupSpecial`).
fn lookup_special(obj: &PyObj, name: &str) -> PyResult<Option<PyObj>> {
    let ty = obj.ty();
    match ty.lookup_str(name) {
        Some(d) => match d.ty().slots().descr_get {
            Some(get) => get(&d, Some(obj), &ty.to_obj()).map(Some),
            None => Ok(Some(d)),
        },
        None => Ok(None),
    }
}

/// The arguments `__new__` needs to rebuild `obj` (CPython's
/// `_PyObject_GetNewArguments`): `(args, kwargs)` from `__getnewargs_ex__`, `(args,
/// None)` from `__getnewargs__`, or neither.
fn get_new_arguments(obj: &PyObj) -> PyResult<(Option<PyObj>, Option<PyObj>)> {
    if let Some(f) = lookup_special(obj, "__getnewargs_ex__")? {
        let r = ab::call0(&f)?;
        if !crate::tuple::is_tuple(&r) {
            return Err(type_error(format!(
                "__getnewargs_ex__ should return a tuple, not '{}'",
                r.ty().name()
            )));
        }
        let items = crate::tuple::items(&r);
        if items.len() != 2 {
            return Err(value_error(format!(
                "__getnewargs_ex__ should return a tuple of length 2, not {}",
                items.len()
            )));
        }
        let (args, kwargs) = (items[0].clone(), items[1].clone());
        if !crate::tuple::is_tuple(&args) {
            return Err(type_error(format!(
                "first item of the tuple returned by __getnewargs_ex__ must be a tuple, not '{}'",
                args.ty().name()
            )));
        }
        if !crate::dict::is_dict(&kwargs) {
            return Err(type_error(format!(
                "second item of the tuple returned by __getnewargs_ex__ must be a dict, not '{}'",
                kwargs.ty().name()
            )));
        }
        return Ok((Some(args), Some(kwargs)));
    }
    if let Some(f) = lookup_special(obj, "__getnewargs__")? {
        let args = ab::call0(&f)?;
        if !crate::tuple::is_tuple(&args) {
            return Err(type_error(format!(
                "__getnewargs__ should return a tuple, not '{}'",
                args.ty().name()
            )));
        }
        return Ok((Some(args), None));
    }
    Ok((None, None))
}

/// `obj.__getstate__()`, or the default state with `required` when `__getstate__` is
/// `object`'s own (CPython's `object_getstate`, `_PyObject_GetState` passes `false`).
///
/// # Errors
/// What `__getstate__` raises; "cannot pickle" for a required state the layout
/// cannot give.
pub fn get_state(obj: &PyObj, required: bool) -> PyResult<PyObj> {
    let getstate = ab::getattr_str(obj, "__getstate__")?;
    if let Some(b) = getstate.downcast::<crate::descr::PyBuiltinFunction>() {
        let is_default = b.func as usize == object_getstate_method as *const () as usize;
        if is_default && b.self_.as_ref().is_some_and(|s| s.is(obj)) {
            return getstate_default(obj, required);
        }
    }
    ab::call0(&getstate)
}

/// The default state (CPython's `object_getstate_default`): the instance dict (None
/// when absent or empty), paired with a dict of the `__slots__` values that are set.
fn getstate_default(obj: &PyObj, required: bool) -> PyResult<PyObj> {
    let ty = obj.ty();
    if required && ty.itemsize() != 0 {
        return Err(type_error(format!(
            "cannot pickle {} objects",
            tp_name(obj)
        )));
    }
    let mut state = match crate::managed::get_dict(obj) {
        Some(d) if crate::dict::len(&d) > 0 => {
            crate::dict::mark_exposed(&d);
            d
        }
        _ => none(),
    };
    let slotnames = slot_names(ty)?;
    if required {
        let mut size = crate::baseobject::OBJECT_TYPE.basicsize();
        if !is_none(&slotnames) {
            size += std::mem::size_of::<usize>() * crate::list::len(&slotnames);
        }
        if ty.basicsize() > size {
            return Err(type_error(format!(
                "cannot pickle '{}' object",
                tp_name(obj)
            )));
        }
    }
    if !is_none(&slotnames) && crate::list::len(&slotnames) > 0 {
        let slots = crate::dict::new();
        let n = crate::list::len(&slotnames);
        let mut i = 0;
        while let Some(name) = crate::list::get(&slotnames, i) {
            if let Some(value) = ab::getattr_opt(obj, &name)? {
                crate::dict::set_item(&slots, name, value)?;
            }
            // The list lives on the class: code run by a getter may change it.
            if crate::list::len(&slotnames) != n {
                return Err(runtime_error("__slotsname__ changed size during iteration"));
            }
            i += 1;
        }
        if crate::dict::len(&slots) > 0 {
            state = crate::tuple::pair(state, slots);
        }
    }
    Ok(state)
}

/// The names of `ty`'s `__slots__` across its MRO (CPython's `_PyType_GetSlotNames`):
/// the class's own `__slotnames__` if set, else `copyreg._slotnames(cls)`, which
/// computes and caches them. A list or None.
fn slot_names(ty: &PyType) -> PyResult<PyObj> {
    if let Some(names) = crate::dict::get_item_str(ty.dict(), "__slotnames__") {
        if !is_none(&names) && !crate::list::is_list(&names) {
            return Err(type_error(format!(
                "{}.__slotnames__ should be a list or None, not {}",
                ty.name(),
                names.ty().name()
            )));
        }
        return Ok(names);
    }
    let copyreg = import_copyreg()?;
    let f = ab::getattr_str(&copyreg, "_slotnames")?;
    let names = ab::call1(&f, ty.to_obj())?;
    if !is_none(&names) && !crate::list::is_list(&names) {
        return Err(type_error(
            "copyreg._slotnames didn't return a list or None",
        ));
    }
    Ok(names)
}
