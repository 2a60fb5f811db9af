//! The `object` type: the root of every class, and the generic attribute protocol
//! (CPython's `PyObject_GenericGetAttr`/`SetAttr`, `object_new`, `object_init`).

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::type_error;
use crate::object::PyObj;
use crate::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use crate::PyResult;

/// The layout of a plain `object()` (just the header).
#[repr(C)]
pub struct PyBaseObject {
    header: ObjectHeader,
}

unsafe fn object_dealloc(obj: ObjPtr) {
    // SAFETY: count zero; plain objects hold nothing.
    unsafe { crate::heaptype::dealloc_instance_memory(obj) }
}

crate::builtin_type! {
    /// The `object` type.
    pub static OBJECT_TYPE = {
        name: "object",
        layout: PyBaseObject,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE,
        traverse: None,
        clear: None,
        dealloc: object_dealloc,
        size: None,
        slots: Slots {
            repr: Some(object_repr),
            str: Some(object_str),
            hash: Some(identity_hash),
            richcompare: Some(object_richcompare),
            getattro: Some(generic_getattr),
            setattro: Some(generic_setattr),
            init: Some(object_init),
            new: Some(object_new),
            ..Slots::EMPTY
        },
    }
}

/// `hash()` by identity (`object.__hash__`).
pub fn identity_hash(obj: &PyObj) -> PyResult<isize> {
    // CPython rotates the address by 4 bits (_Py_HashPointer).
    let a = obj.addr();
    let h = a.rotate_right(4) as isize;
    Ok(if h == -1 { -2 } else { h })
}

/// The hash slot of unhashable types (raises `TypeError: unhashable type`).
pub fn unhashable(obj: &PyObj) -> PyResult<isize> {
    Err(ab::unhashable(obj))
}

/// `object.__repr__`: `<module.Class object at 0x...>`.
pub fn object_repr(obj: &PyObj) -> PyResult<PyObj> {
    let ty = obj.ty();
    let module = crate::typetype::type_module_name(ty);
    let qual = crate::str::as_str(&ty.qualname()).to_string();
    let name = match module {
        Some(m) if m != "builtins" => format!("{m}.{qual}"),
        _ => qual,
    };
    Ok(crate::str::from_string(format!(
        "<{name} object at {:#x}>",
        obj.addr()
    )))
}

fn object_str(obj: &PyObj) -> PyResult<PyObj> {
    ab::repr(obj)
}

fn object_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    match op {
        CompareOp::Eq => Ok(if a.is(b) {
            crate::singletons::true_()
        } else {
            crate::singletons::not_implemented()
        }),
        CompareOp::Ne => {
            // `__ne__` delegates to `__eq__` and inverts it unless NotImplemented.
            let eq = match a.ty().slots().richcompare {
                Some(f) if f as usize != object_richcompare as *const () as usize => {
                    f(a, b, CompareOp::Eq)?
                }
                _ => {
                    if a.is(b) {
                        crate::singletons::true_()
                    } else {
                        crate::singletons::not_implemented()
                    }
                }
            };
            if crate::singletons::is_not_implemented(&eq) {
                return Ok(eq);
            }
            Ok(crate::singletons::bool_obj(!ab::is_true(&eq)?))
        }
        _ => Ok(crate::singletons::not_implemented()),
    }
}

/// `true` if the descriptor's type defines `__set__` or `__delete__` (a data
/// descriptor, which takes precedence over the instance dict).
#[inline]
pub fn is_data_descr(d: &PyObj) -> bool {
    d.ty().slots().descr_set.is_some()
}

/// `PyObject_GenericGetAttr`.
pub fn generic_getattr(obj: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    match generic_getattr_opt(obj, name)? {
        Some(v) => Ok(v),
        None => Err(crate::exceptions::no_attribute(obj, name)),
    }
}

/// [`generic_getattr`] returning `Ok(None)` instead of raising `AttributeError` for a
/// missing attribute.
pub fn generic_getattr_opt(obj: &PyObj, name: &PyObj) -> PyResult<Option<PyObj>> {
    if !crate::str::is_str(name) {
        return Err(type_error(format!(
            "attribute name must be string, not '{}'",
            name.ty().name()
        )));
    }
    let ty = obj.ty();
    let descr = ty.lookup(name);
    let mut get = None;
    if let Some(d) = &descr {
        let dt = d.ty();
        get = dt.slots().descr_get;
        if let Some(g) = get {
            if dt.slots().descr_set.is_some() {
                return g(d, Some(obj), &ty.to_obj()).map(Some);
            }
        }
    }
    match crate::inline_values::lookup(obj, name) {
        crate::inline_values::Lookup::Found(v) => return Ok(Some(v)),
        crate::inline_values::Lookup::Missing => {}
        crate::inline_values::Lookup::NotInline => {
            if let Some(dict) = crate::managed::get_dict(obj) {
                if let Some(v) = crate::dict::get_item(&dict, name)? {
                    return Ok(Some(v));
                }
            }
        }
    }
    if let (Some(g), Some(d)) = (get, &descr) {
        return g(d, Some(obj), &ty.to_obj()).map(Some);
    }
    Ok(descr)
}

/// `PyObject_GenericSetAttr` (and delete when `value` is `None`).
pub fn generic_setattr(obj: &PyObj, name: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    if !crate::str::is_str(name) {
        return Err(type_error(format!(
            "attribute name must be string, not '{}'",
            name.ty().name()
        )));
    }
    let ty = obj.ty();
    if let Some(d) = ty.lookup(name) {
        if let Some(set) = d.ty().slots().descr_set {
            return set(&d, obj, value);
        }
    }
    match crate::inline_values::store(obj, name, value) {
        crate::inline_values::Stored::Done => return Ok(()),
        crate::inline_values::Stored::Missing => {
            return Err(crate::exceptions::no_attribute(obj, name))
        }
        crate::inline_values::Stored::NotInline => {}
    }
    if crate::managed::has_managed_dict(obj) {
        let dict = crate::managed::ensure_dict(obj);
        return match value {
            Some(v) => crate::dict::set_item(&dict, name.clone(), v.clone()),
            None => {
                if crate::dict::del_item(&dict, name)? {
                    Ok(())
                } else {
                    Err(crate::exceptions::no_attribute(obj, name))
                }
            }
        };
    }
    if ty.lookup(name).is_some() {
        return Err(crate::exceptions::attribute_error(format!(
            "'{}' object attribute '{}' is read-only",
            ty.name(),
            crate::str::as_str(name)
        )));
    }
    Err(crate::exceptions::no_attribute(obj, name))
}

fn excess_args(args: &[PyObj], kwnames: Option<&PyObj>) -> bool {
    !args.is_empty() || kwnames.is_some_and(|k| !crate::tuple::items(k).is_empty())
}

/// `object.__new__(cls)`.
pub fn object_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "object.__new__(X)")?;
    if excess_args(args, kwnames) {
        let slots = ty.slots();
        if slots
            .new
            .is_some_and(|f| f as usize != object_new as *const () as usize)
        {
            return Err(type_error(
                "object.__new__() takes exactly one argument (the type to instantiate)",
            ));
        }
        if slots
            .init
            .is_none_or(|f| f as usize == object_init as *const () as usize)
        {
            return Err(type_error(format!("{}() takes no arguments", ty.name())));
        }
    }
    if ty.flags().contains(TypeFlags::IS_ABSTRACT) {
        return Err(abstract_error(ty));
    }
    Ok(crate::heaptype::alloc_plain_instance(ty))
}

fn abstract_error(ty: &PyType) -> crate::PyErr {
    let names: Vec<String> = crate::dict::get_item_str(ty.dict(), "__abstractmethods__")
        .and_then(|a| ab::collect_iter(&a).ok())
        .map(|v| {
            let mut s: Vec<String> = v.iter().filter_map(|x| ab::str_string(x).ok()).collect();
            s.sort();
            s
        })
        .unwrap_or_default();
    type_error(format!(
        "Can't instantiate abstract class {} with abstract method{} {}",
        ty.name(),
        if names.len() == 1 { "" } else { "s" },
        names.join(", ")
    ))
}

/// `object.__init__(self)`.
pub fn object_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    if excess_args(args, kwnames) {
        let ty = obj.ty();
        let slots = ty.slots();
        if slots
            .init
            .is_some_and(|f| f as usize != object_init as *const () as usize)
        {
            return Err(type_error(
                "object.__init__() takes exactly one argument (the instance to initialize)",
            ));
        }
        if slots
            .new
            .is_none_or(|f| f as usize == object_new as *const () as usize)
        {
            return Err(type_error(format!("{}() takes no arguments", ty.name())));
        }
    }
    Ok(())
}

/// Methods of `object`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    use crate::args::Args;
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("__format__", |args, kw| {
            Args::new(args, kw).exact("__format__", 2)?;
            if !crate::str::is_str(&args[1]) {
                return Err(type_error(format!(
                    "__format__() argument must be str, not {}",
                    args[1].ty().name()
                )));
            }
            if !crate::str::as_str(&args[1]).is_empty() {
                return Err(type_error(format!(
                    "unsupported format string passed to {}.__format__",
                    args[0].ty().name()
                )));
            }
            ab::str_(&args[0])
        }),
        MethodDef::new("__dir__", |args, kw| {
            Args::new(args, kw).exact("__dir__", 1)?;
            Ok(crate::list::new(dir_names(&args[0])?))
        }),
        MethodDef::new("__sizeof__", |args, _| {
            Ok(crate::int::from_usize(args[0].ty().basicsize()))
        }),
        MethodDef::class("__init_subclass__", |args, kw| {
            // args[0] is the class; CPython names the method by the class bound.
            let a = Args::new(args, kw);
            let fname = || {
                // SAFETY: class methods are bound to a type.
                let cls = unsafe { crate::typeobj::PyType::from_obj(&args[0]) };
                format!(
                    "{}.__init_subclass__()",
                    crate::str::as_str(&cls.qualname())
                )
            };
            if a.has_kwargs() {
                return Err(type_error(format!(
                    "{} takes no keyword arguments",
                    fname()
                )));
            }
            if a.nargs() > 1 {
                return Err(type_error(format!(
                    "{} takes no arguments ({} given)",
                    fname(),
                    a.nargs() - 1
                )));
            }
            Ok(crate::singletons::none())
        }),
        MethodDef::class("__subclasshook__", |_, _| {
            Ok(crate::singletons::not_implemented())
        }),
    ]
    .into_iter()
    .chain(crate::reduce::methods())
    .collect()
}

/// `__class__` of every object.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![GetSetDef::new(
        "__class__",
        |o| Ok(o.ty().to_obj()),
        Some(|o, v| {
            let v = v.ok_or_else(|| type_error("can't delete __class__ attribute"))?;
            crate::heaptype::set_class(o, v)
        }),
    )]
}

/// The attribute names `dir(obj)` lists: the instance dict's and every class's in the
/// MRO, sorted.
pub fn dir_names(obj: &PyObj) -> PyResult<Vec<PyObj>> {
    let mut names: Vec<PyObj> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |k: PyObj| {
        if crate::str::is_str(&k) && seen.insert(crate::str::as_str(&k).to_string()) {
            names.push(k);
        }
    };
    if let Some(items) = crate::inline_values::items(obj) {
        for (k, _) in items {
            add(k);
        }
    } else if let Some(d) = crate::managed::get_dict(obj) {
        for k in crate::dict::keys(&d) {
            add(k);
        }
    }
    let classes: Vec<PyObj> = if crate::typeobj::is_type(obj) {
        // SAFETY: checked.
        crate::tuple::items(&unsafe { PyType::from_obj(obj) }.mro()).to_vec()
    } else {
        crate::tuple::items(&obj.ty().mro()).to_vec()
    };
    for c in classes {
        // SAFETY: MRO entries are types.
        let t = unsafe { PyType::from_obj(&c) };
        for k in crate::dict::keys(t.dict()) {
            add(k);
        }
    }
    names.sort_by(|a, b| crate::str::as_str(a).cmp(crate::str::as_str(b)));
    Ok(names)
}
