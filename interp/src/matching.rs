//! The run-time side of structural pattern matching (PEP 634): which subjects
//! sequence and mapping patterns accept, looking up a mapping pattern's keys, and a
//! class pattern's isinstance check and attribute extraction (CPython's
//! `match_keys` and `match_class` in Python/ceval.c).

use strand_objects::abstract_ as ab;
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::typeobj::{self, PyType};
use strand_objects::{dict, singletons, str as pystr, tuple, PyObj, PyResult};

/// Whether some class in `ty`'s MRO is `module.name` for one of `modules` and one of
/// `names` (a Python class, or a builtin type such as `_collections`' `deque`).
fn mro_has(ty: &PyType, modules: &[&str], names: &[&str]) -> bool {
    let mro = ty.mro();
    tuple::items(&mro).iter().any(|c| {
        // SAFETY: an MRO holds types.
        let c = unsafe { PyType::from_obj(c) };
        // A builtin type's name carries its module (`collections.deque`).
        let name = c.name();
        if !names.contains(&name.rsplit('.').next().unwrap_or(name)) {
            return false;
        }
        strand_objects::typetype::type_module_name(c).is_some_and(|m| modules.contains(&m.as_str()))
    })
}

/// Sequence patterns accept list, tuple, range, memoryview, deque, array and the
/// virtual subclasses of `collections.abc.Sequence`, never str, bytes or bytearray.
pub fn is_sequence(v: &PyObj) -> bool {
    use strand_objects::{list, range};
    if pystr::is_str(v) || v.is_instance_of(&strand_objects::bytes::BYTES_TYPE) {
        return false;
    }
    let ty = v.ty();
    if strand_objects::bytearray::is_bytearray(v) {
        return false;
    }
    list::is_list(v)
        || tuple::is_tuple(v)
        || v.is_instance_of(&range::RANGE_TYPE)
        || strand_objects::memoryview::is_memoryview(v)
        || mro_has(ty, &["collections"], &["deque"])
        || mro_has(ty, &["array"], &["array"])
        || mro_has(
            ty,
            &["collections.abc", "_collections_abc"],
            &["Sequence", "MutableSequence"],
        )
}

/// Mapping patterns accept dicts, mappingproxy and the virtual subclasses of
/// `collections.abc.Mapping`.
pub fn is_mapping(v: &PyObj) -> bool {
    dict::is_dict(v)
        || v.is_instance_of(&strand_objects::typetype::MAPPINGPROXY_TYPE)
        || mro_has(
            v.ty(),
            &["collections.abc", "_collections_abc"],
            &["Mapping", "MutableMapping"],
        )
}

/// The values of `keys` in `subject` (a tuple), or None if one is missing. Keys are
/// looked up with `subject.get(key, sentinel)`, as CPython does; a key given twice is
/// a `ValueError`.
pub fn match_keys(subject: &PyObj, keys: &PyObj) -> PyResult<PyObj> {
    let keys = tuple::items(keys);
    if keys.is_empty() {
        return Ok(tuple::from_vec(Vec::new()));
    }
    let get = ab::getattr_str(subject, "get")?;
    let sentinel = ab::call0(&strand_objects::baseobject::OBJECT_TYPE.to_obj())?;
    let mut seen: Vec<PyObj> = Vec::with_capacity(keys.len());
    let mut values = Vec::with_capacity(keys.len());
    for k in keys {
        for s in &seen {
            if ab::eq(s, k)? {
                return Err(exc::value_error(format!(
                    "mapping pattern checks duplicate key ({})",
                    ab::repr_string(k)?
                )));
            }
        }
        seen.push(k.clone());
        let v = ab::call(&get, &[k.clone(), sentinel.clone()], None)?;
        if v.is(&sentinel) {
            return Ok(singletons::none());
        }
        values.push(v);
    }
    Ok(tuple::from_vec(values))
}

/// The builtin types whose instances a lone positional sub-pattern matches as a
/// whole (`case int(x)`).
fn matches_self(ty: &PyType) -> bool {
    use strand_objects::{float, int, list, set};
    let own: [&PyType; 10] = [
        &int::BOOL_TYPE,
        &strand_objects::bytes::BYTES_TYPE,
        &dict::DICT_TYPE,
        &float::FLOAT_TYPE,
        &set::FROZENSET_TYPE,
        &int::INT_TYPE,
        &list::LIST_TYPE,
        &set::SET_TYPE,
        &pystr::STR_TYPE,
        &tuple::TUPLE_TYPE,
    ];
    own.iter().any(|t| std::ptr::eq(ty, *t) || ty.is_subtype(t))
        || ty.is_subtype(&strand_objects::bytearray::BYTEARRAY_TYPE)
        || std::ptr::eq(ty, &strand_objects::bytearray::BYTEARRAY_TYPE)
}

/// `cls(p1, ..., pn, k1=..., ...)` against `subject`: the tuple of the `nargs`
/// positional attributes (named by `cls.__match_args__`) then the `names`, or None
/// if `subject` is not an instance or lacks an attribute.
pub fn match_class(subject: &PyObj, cls: &PyObj, nargs: usize, names: &PyObj) -> PyResult<PyObj> {
    if !typeobj::is_type(cls) {
        return Err(type_error("called match pattern must be a type"));
    }
    // SAFETY: checked to be a type.
    let ty = unsafe { PyType::from_obj(cls) };
    if !ab::isinstance(subject, cls)? {
        return Ok(singletons::none());
    }
    let mut seen: Vec<String> = Vec::new();
    let mut attrs = Vec::with_capacity(nargs + tuple::items(names).len());
    if nargs > 0 {
        let match_args = match ab::getattr_str(cls, "__match_args__") {
            Ok(m) => {
                if !tuple::is_tuple(&m) {
                    return Err(type_error(format!(
                        "{}.__match_args__ must be a tuple (got {})",
                        ty.name(),
                        m.ty().name()
                    )));
                }
                Some(m)
            }
            Err(e) if e.is_instance(&exc::ATTRIBUTE_ERROR_TYPE) => None,
            Err(e) => return Err(e),
        };
        let whole = match_args.is_none() && matches_self(ty);
        let allowed = match &match_args {
            Some(m) => tuple::items(m).len(),
            None => usize::from(whole),
        };
        if allowed < nargs {
            return Err(type_error(format!(
                "{}() accepts {allowed} positional sub-pattern{} ({nargs} given)",
                ty.name(),
                if allowed == 1 { "" } else { "s" }
            )));
        }
        if whole {
            attrs.push(subject.clone());
        } else if let Some(m) = &match_args {
            for name in &tuple::items(m)[..nargs] {
                if !pystr::is_str(name) {
                    return Err(type_error(format!(
                        "__match_args__ elements must be strings (got {})",
                        name.ty().name()
                    )));
                }
                match class_attr(subject, ty, name, &mut seen)? {
                    Some(v) => attrs.push(v),
                    None => return Ok(singletons::none()),
                }
            }
        }
    }
    for name in tuple::items(names) {
        match class_attr(subject, ty, name, &mut seen)? {
            Some(v) => attrs.push(v),
            None => return Ok(singletons::none()),
        }
    }
    Ok(tuple::from_vec(attrs))
}

/// One attribute for a class pattern: None when it is missing.
fn class_attr(
    subject: &PyObj,
    ty: &PyType,
    name: &PyObj,
    seen: &mut Vec<String>,
) -> PyResult<Option<PyObj>> {
    let n = pystr::as_str(name).to_string();
    if seen.contains(&n) {
        return Err(type_error(format!(
            "{}() got multiple sub-patterns for attribute {}",
            ty.name(),
            ab::repr_string(name)?
        )));
    }
    seen.push(n);
    match ab::getattr(subject, name) {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_instance(&exc::ATTRIBUTE_ERROR_TYPE) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `{**subject}` without `keys`: the `**rest` of a mapping pattern.
pub fn copy_without_keys(subject: &PyObj, keys: &PyObj) -> PyResult<PyObj> {
    let rest = dict::new();
    dict::update(&rest, subject)?;
    for k in tuple::items(keys) {
        dict::del_item(&rest, k)?;
    }
    Ok(rest)
}
