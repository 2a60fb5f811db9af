//! The `type` type itself: calling a class, attribute lookup on classes (with the
//! metaclass), setting class attributes (under stop-the-world, invalidating version
//! tags), `repr(cls)`, and the `mappingproxy` that `cls.__dict__` returns.

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::{attribute_error, type_error};
use crate::object::{PyObj, PyPayload};
use crate::typeobj::{PyType, Slots, TypeFlags};
use crate::PyResult;

crate::builtin_type! {
    /// The `type` type.
    pub static TYPE_TYPE = {
        name: "type",
        layout: PyType,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::TYPE_SUBCLASS),
        traverse: Some(crate::heaptype::type_traverse),
        clear: Some(crate::heaptype::type_clear),
        dealloc: crate::heaptype::type_dealloc,
        size: None,
        slots: Slots {
            repr: Some(type_repr),
            call: Some(type_call),
            getattro: Some(type_getattro),
            setattro: Some(type_setattro),
            new: Some(crate::heaptype::type_new_slot),
            init: Some(type_init),
            hash: Some(crate::baseobject::identity_hash),
            number: crate::typeobj::NumberSlots {
                or: Some(type_or),
                ..crate::typeobj::NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

// SAFETY: type objects have the PyType layout.
unsafe impl PyPayload for PyType {
    fn type_object() -> &'static PyType {
        &TYPE_TYPE
    }
}

/// `cls(*args, **kwargs)`.
fn type_call(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    // SAFETY: type_call is only installed on type objects.
    let ty = unsafe { PyType::from_obj(cls) };
    let nkw = kwnames.map_or(0, |k| crate::tuple::items(k).len());
    if std::ptr::eq(ty, &TYPE_TYPE) && args.len() == 1 && nkw == 0 {
        return Ok(args[0].ty().to_obj());
    }
    if std::ptr::eq(ty, &crate::set::SET_TYPE) && args.len() == 1 && nkw == 0 {
        // `set(iterable)`: CPython's `set_vectorcall`, which fills the new set without
        // locking it per item.
        return crate::set::from_iterable(&args[0]);
    }
    let Some(new) = ty.slots().new else {
        return Err(type_error(format!(
            "cannot create '{}' instances",
            ty.name()
        )));
    };
    let obj = new(cls, args, kwnames)?;
    if !obj.is_instance_of(ty) {
        return Ok(obj);
    }
    if let Some(init) = obj.ty().slots().init {
        init(&obj, args, kwnames)?;
    }
    Ok(obj)
}

fn type_init(_obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    let nargs = args.len() - kwnames.map_or(0, |k| crate::tuple::items(k).len());
    if nargs != 1 && nargs != 3 {
        return Err(type_error("type.__init__() takes 1 or 3 arguments"));
    }
    Ok(())
}

/// The `__module__` of a type: `"builtins"` for builtin types, or what precedes the
/// last dot of a dotted builtin name (`_io` for `_io.TextIOWrapper`).
pub fn type_module_name(ty: &PyType) -> Option<String> {
    if !ty.is_heap_type() {
        // A few static types live in other modules: their dict says so
        // (`types.GenericAlias`), or their dotted name does (`_thread._local`).
        let own = crate::dict::get_item_str(ty.dict(), "__module__").filter(crate::str::is_str);
        if let Some(m) = own {
            return Some(crate::str::as_str(&m).to_string());
        }
        return Some(match ty.name().rsplit_once('.') {
            Some((m, _)) => m.to_string(),
            None => "builtins".into(),
        });
    }
    crate::dict::get_item_str(ty.dict(), "__module__")
        .filter(crate::str::is_str)
        .map(|m| crate::str::as_str(&m).to_string())
}

fn type_repr(cls: &PyObj) -> PyResult<PyObj> {
    // SAFETY: installed on types only.
    let ty = unsafe { PyType::from_obj(cls) };
    let qual = crate::str::as_str(&ty.qualname()).to_string();
    Ok(crate::str::from_string(match type_module_name(ty) {
        Some(m) if m != "builtins" => format!("<class '{m}.{qual}'>"),
        _ => format!("<class '{qual}'>"),
    }))
}

/// Attribute lookup on a class (CPython's `type_getattro`).
pub fn type_getattro(cls: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    match type_getattr_opt(cls, name)? {
        Some(v) => Ok(v),
        None => {
            // SAFETY: installed on types only.
            let ty = unsafe { PyType::from_obj(cls) };
            Err(attribute_error(format!(
                "type object '{}' has no attribute '{}'",
                ty.name(),
                crate::str::as_str(name)
            )))
        }
    }
}

/// [`type_getattro`] with `Ok(None)` for a missing attribute.
pub fn type_getattr_opt(cls: &PyObj, name: &PyObj) -> PyResult<Option<PyObj>> {
    if !crate::str::is_str(name) {
        return Err(type_error(format!(
            "attribute name must be string, not '{}'",
            name.ty().name()
        )));
    }
    // SAFETY: installed on types only.
    let ty = unsafe { PyType::from_obj(cls) };
    let meta = cls.ty();
    let meta_attr = meta.lookup(name);
    let mut meta_get = None;
    if let Some(ma) = &meta_attr {
        meta_get = ma.ty().slots().descr_get;
        if let Some(g) = meta_get {
            if crate::baseobject::is_data_descr(ma) {
                return g(ma, Some(cls), &meta.to_obj()).map(Some);
            }
        }
    }
    if let Some(attr) = ty.lookup(name) {
        if let Some(g) = attr.ty().slots().descr_get {
            return g(&attr, None, cls).map(Some);
        }
        return Ok(Some(attr));
    }
    if let (Some(g), Some(ma)) = (meta_get, &meta_attr) {
        return g(ma, Some(cls), &meta.to_obj()).map(Some);
    }
    Ok(meta_attr)
}

/// Setting or deleting a class attribute: stops the world, updates the dict and the
/// slots the name maps to, and invalidates the version tags of the class and its
/// subclasses.
fn type_setattro(cls: &PyObj, name: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    if !crate::str::is_str(name) {
        return Err(type_error(format!(
            "attribute name must be string, not '{}'",
            name.ty().name()
        )));
    }
    if let Some(d) = cls.ty().lookup(name) {
        if let Some(set) = d.ty().slots().descr_set {
            return set(&d, cls, value);
        }
    }
    set_in_type_dict(cls, name, value)
}

/// Stores (or deletes) `name` in a heap type's own dict, bypassing the metatype's
/// descriptors (what `type.__setattr__` does once no data descriptor claimed the
/// name, and what the `__module__` setter does).
fn set_in_type_dict(cls: &PyObj, name: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    // SAFETY: installed on types only.
    let ty = unsafe { PyType::from_obj(cls) };
    if !ty.is_heap_type() || ty.flags().contains(TypeFlags::IMMUTABLETYPE) {
        return Err(type_error(format!(
            "cannot set '{}' attribute of immutable type '{}'",
            crate::str::as_str(name),
            ty.name()
        )));
    }
    let name = crate::str::intern_obj(name);
    // The old value is dropped after the world restarts (its finalizer may run code).
    let old;
    {
        let _world = strand_heap::stop_the_world();
        match value {
            Some(v) => {
                old = crate::dict::get_item(ty.dict(), &name)?;
                crate::dict::set_item(ty.dict(), name.clone(), v.clone())?;
            }
            None => {
                old = crate::dict::pop_item(ty.dict(), &name)?;
                if old.is_none() {
                    drop(_world);
                    return Err(attribute_error(format!(
                        "type object '{}' has no attribute '{}'",
                        ty.name(),
                        crate::str::as_str(&name)
                    )));
                }
            }
        }
        ty.modified();
        let n = crate::str::as_str(&name);
        if n.starts_with("__") && n.ends_with("__") {
            crate::slotdefs::update_slot(ty, n);
        }
    }
    drop(old);
    Ok(())
}

/// `type.__flags__`: the `Py_TPFLAGS_*` bits CPython 3.11 would report for a type
/// like this one (Include/object.h), derived from strand's own flags and layout.
/// Python code reads a few of them: `copyreg._reduce_ex` tests `HEAPTYPE` (1 << 9),
/// `inspect.isabstract` tests `IS_ABSTRACT` (1 << 20).
pub fn cpython_flags(ty: &PyType) -> u64 {
    let f = ty.flags();
    let heap = f.contains(TypeFlags::HEAPTYPE);
    let sub = |t: &PyType| ty.is_subtype(t);
    let mut bits = 0u64;
    let mut set = |cond: bool, bit: u32| {
        if cond {
            bits |= 1 << bit;
        }
    };
    // MANAGED_DICT: a class that adds the instance dict itself, to a base without
    // items (a builtin base with a dict of its own, like BaseException, keeps it).
    let mut static_base = ty;
    while static_base.is_heap_type() {
        match static_base.base() {
            Some(b) => static_base = b,
            None => break,
        }
    }
    set(
        heap && f.contains(TypeFlags::MANAGED_DICT)
            && !static_base.flags().contains(TypeFlags::MANAGED_DICT)
            && ty.itemsize() == 0,
        4,
    );
    set(
        sub(&crate::list::LIST_TYPE)
            || sub(&crate::tuple::TUPLE_TYPE)
            || sub(&crate::range::RANGE_TYPE),
        5,
    );
    set(sub(&crate::dict::DICT_TYPE) || sub(&MAPPINGPROXY_TYPE), 6);
    set(!heap && ty.slots().new.is_none(), 7);
    set(!heap || f.contains(TypeFlags::IMMUTABLETYPE), 8);
    set(heap, 9);
    set(f.contains(TypeFlags::BASETYPE), 10);
    set(f.contains(TypeFlags::READY), 12);
    set(heap || ty.vtable.kind.is_gc(), 14);
    set(f.contains(TypeFlags::METHOD_DESCRIPTOR), 17);
    set(ty.current_version() != 0, 19);
    set(f.contains(TypeFlags::IS_ABSTRACT), 20);
    set(
        [
            &crate::int::INT_TYPE,
            &crate::float::FLOAT_TYPE,
            &crate::str::STR_TYPE,
            &crate::bytes::BYTES_TYPE,
            &crate::tuple::TUPLE_TYPE,
            &crate::list::LIST_TYPE,
            &crate::dict::DICT_TYPE,
            &crate::set::SET_TYPE,
            &crate::set::FROZENSET_TYPE,
        ]
        .into_iter()
        .any(sub),
        22,
    );
    for (flag, bit) in [
        (TypeFlags::LONG_SUBCLASS, 24),
        (TypeFlags::LIST_SUBCLASS, 25),
        (TypeFlags::TUPLE_SUBCLASS, 26),
        (TypeFlags::BYTES_SUBCLASS, 27),
        (TypeFlags::UNICODE_SUBCLASS, 28),
        (TypeFlags::DICT_SUBCLASS, 29),
        (TypeFlags::BASE_EXC_SUBCLASS, 30),
        (TypeFlags::TYPE_SUBCLASS, 31),
    ] {
        set(f.contains(flag), bit);
    }
    bits
}

/// `int | str`: a `types.UnionType` (PEP 604).
fn type_or(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    crate::genericalias::union_or(a, b)
}

fn as_type(o: &PyObj) -> &PyType {
    // SAFETY: getsets of `type` are only called on types.
    unsafe { PyType::from_obj(o) }
}

/// Attributes of `type`.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![
        GetSetDef::new(
            "__name__",
            |o| Ok(crate::str::intern(as_type(o).short_name())),
            Some(|o, v| {
                let ty = as_type(o);
                let v = v.ok_or_else(|| {
                    type_error(format!(
                        "cannot delete '__name__' attribute of immutable type '{}'",
                        ty.name()
                    ))
                })?;
                if !ty.is_heap_type() {
                    return Err(type_error(format!(
                        "cannot set '__name__' attribute of immutable type '{}'",
                        ty.name()
                    )));
                }
                if !crate::str::is_str(v) {
                    return Err(type_error(format!(
                        "can only assign string to {}.__name__, not '{}'",
                        ty.name(),
                        v.ty().name()
                    )));
                }
                let _w = strand_heap::stop_the_world();
                // SAFETY: the world is stopped.
                unsafe { ty.inner_mut() }.name_obj = Some(crate::str::intern_obj(v));
                Ok(())
            }),
        ),
        GetSetDef::new(
            "__qualname__",
            |o| Ok(as_type(o).qualname()),
            Some(|o, v| {
                let ty = as_type(o);
                let v = v.ok_or_else(|| type_error("cannot delete '__qualname__' attribute"))?;
                if !crate::str::is_str(v) {
                    return Err(type_error(format!(
                        "can only assign string to {}.__qualname__, not '{}'",
                        ty.name(),
                        v.ty().name()
                    )));
                }
                let _w = strand_heap::stop_the_world();
                // SAFETY: the world is stopped.
                unsafe { ty.inner_mut() }.qualname = Some(v.clone());
                Ok(())
            }),
        ),
        GetSetDef::new(
            "__module__",
            |o| {
                let ty = as_type(o);
                if let Some(m) = crate::dict::get_item_str(ty.dict(), "__module__") {
                    if ty.is_heap_type() || crate::str::is_str(&m) {
                        return Ok(m);
                    }
                    return Ok(crate::str::intern("builtins"));
                }
                Ok(crate::str::intern(
                    &type_module_name(ty).unwrap_or_else(|| "builtins".into()),
                ))
            },
            Some(|o, v| {
                let v = v.ok_or_else(|| type_error("cannot delete '__module__' attribute"))?;
                set_in_type_dict(o, &crate::str::intern("__module__"), Some(v))
            }),
        ),
        GetSetDef::new(
            "__bases__",
            |o| Ok(as_type(o).bases()),
            Some(|o, v| crate::bases::set_bases(as_type(o), v)),
        ),
        GetSetDef::new(
            "__flags__",
            |o| Ok(crate::int::from_i64(cpython_flags(as_type(o)) as i64)),
            None,
        ),
        GetSetDef::new("__text_signature__", type_text_signature, None),
        GetSetDef::new(
            "__base__",
            |o| {
                Ok(as_type(o)
                    .base()
                    .map(|b| b.to_obj())
                    .unwrap_or_else(crate::singletons::none))
            },
            None,
        ),
        // None while a metaclass's `mro()` computes it, as in CPython.
        GetSetDef::new(
            "__mro__",
            |o| {
                Ok(as_type(o)
                    .inner()
                    .mro
                    .clone()
                    .unwrap_or_else(crate::singletons::none))
            },
            None,
        ),
        GetSetDef::new(
            "__dict__",
            |o| Ok(new_mappingproxy(as_type(o).dict().clone())),
            None,
        ),
        GetSetDef::new(
            "__doc__",
            |o| {
                let ty = as_type(o);
                // A builtin type answers with its own doc even where its dict's
                // `__doc__` is a descriptor for its instances (`type`, `property`),
                // as CPython's `type_get_doc` reads `tp_doc` first.
                if !ty.is_heap_type() {
                    if let Some(doc) = crate::docs::type_doc(ty.name()) {
                        return Ok(crate::docs::doc_object(ty.name(), Some(doc)));
                    }
                }
                match crate::dict::get_item_str(ty.dict(), "__doc__") {
                    Some(d) => ab::bind(&d, None, o),
                    None => Ok(crate::singletons::none()),
                }
            },
            Some(|o, v| {
                let v = v.ok_or_else(|| type_error("cannot delete '__doc__' attribute"))?;
                set_in_type_dict(o, &crate::str::intern("__doc__"), Some(v))
            }),
        ),
        GetSetDef::new(
            "__basicsize__",
            |o| Ok(crate::int::from_usize(as_type(o).basicsize())),
            None,
        ),
        GetSetDef::new(
            "__itemsize__",
            |o| Ok(crate::int::from_usize(as_type(o).itemsize())),
            None,
        ),
        GetSetDef::new(
            "__abstractmethods__",
            |o| {
                let ty = as_type(o);
                crate::dict::get_item_str(ty.dict(), "__abstractmethods__")
                    .filter(|_| !std::ptr::eq(ty, &TYPE_TYPE))
                    .ok_or_else(|| attribute_error("__abstractmethods__"))
            },
            Some(|o, v| {
                let ty = as_type(o);
                if !ty.is_heap_type() {
                    return Err(type_error(format!(
                        "cannot set '__abstractmethods__' attribute of immutable type '{}'",
                        ty.name()
                    )));
                }
                let abstract_ = match v {
                    Some(v) => ab::is_true(v)?,
                    None => false,
                };
                let _w = strand_heap::stop_the_world();
                match v {
                    Some(v) => crate::dict::set_item(
                        ty.dict(),
                        crate::str::intern("__abstractmethods__"),
                        v.clone(),
                    )?,
                    None => {
                        crate::dict::del_item(
                            ty.dict(),
                            &crate::str::intern("__abstractmethods__"),
                        )?;
                    }
                }
                if abstract_ {
                    ty.add_flags(TypeFlags::IS_ABSTRACT);
                } else {
                    crate::heaptype::clear_abstract(ty);
                }
                ty.modified();
                Ok(())
            }),
        ),
    ]
}

/// Methods of `type`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    use crate::args::Args;
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("mro", |args, kw| {
            Args::new(args, kw).exact("mro", 1)?;
            // Computed from the bases (CPython's `mro_implementation`), not read
            // from `__mro__`: a metaclass's `mro()` calls this while the class is
            // being made.
            let ty = as_type(&args[0]);
            let bases = ty.bases();
            Ok(crate::list::new(crate::heaptype::c3_mro(
                &args[0],
                crate::tuple::items(&bases),
            )?))
        }),
        MethodDef::new("__subclasses__", |args, kw| {
            Args::new(args, kw).exact("__subclasses__", 1)?;
            Ok(crate::list::new(as_type(&args[0]).subclasses()))
        }),
        MethodDef::new("__instancecheck__", |args, kw| {
            Args::new(args, kw).exact("__instancecheck__", 2)?;
            Ok(crate::singletons::bool_obj(
                args[1].is_instance_of(as_type(&args[0])),
            ))
        }),
        MethodDef::new("__subclasscheck__", |args, kw| {
            Args::new(args, kw).exact("__subclasscheck__", 2)?;
            let sub = crate::typeobj::expect_type(&args[1], "issubclass() arg 1")?;
            Ok(crate::singletons::bool_obj(
                sub.is_subtype(as_type(&args[0])),
            ))
        }),
        MethodDef::class("__prepare__", |_, _| Ok(crate::dict::new())),
        MethodDef::new("__dir__", |args, kw| {
            Args::new(args, kw).exact("__dir__", 1)?;
            Ok(crate::list::new(crate::baseobject::dir_names(&args[0])?))
        }),
    ]
}

// ---------------------------------------------------------------------------------
// mappingproxy
// ---------------------------------------------------------------------------------

/// A read-only view of a mapping (`cls.__dict__`).
#[repr(C)]
pub struct PyMappingProxy {
    header: ObjectHeader,
    mapping: PyObj,
}

unsafe fn proxy_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on mappingproxy.
    visit(
        unsafe { &*(obj.as_ptr() as *const PyMappingProxy) }
            .mapping
            .as_ptr(),
    );
}

unsafe fn proxy_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PyMappingProxy;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).mapping));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `mappingproxy`.
    pub static MAPPINGPROXY_TYPE = {
        name: "mappingproxy",
        layout: PyMappingProxy,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(proxy_traverse),
        clear: None,
        dealloc: proxy_dealloc,
        size: None,
        slots: Slots {
            repr: Some(|p| Ok(crate::str::from_string(format!("mappingproxy({})", ab::repr_string(&proxied(p))?)))),
            str: Some(|p| ab::str_(&proxied(p))),
            getitem: Some(|p, k| ab::getitem(&proxied(p), k)),
            len: Some(|p| ab::len(&proxied(p))),
            contains: Some(|p, k| ab::contains(&proxied(p), k)),
            iter: Some(|p| ab::iter(&proxied(p))),
            richcompare: Some(|a, b, op| ab::richcompare(&proxied(a), b, op)),
            new: Some(mappingproxy_new),
            number: crate::typeobj::NumberSlots {
                or: Some(mappingproxy_or),
                inplace_or: Some(|_, _| Err(type_error(
                    "'|=' is not supported by mappingproxy; use '|' instead",
                ))),
                ..crate::typeobj::NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

/// `a | b` where either is a mappingproxy: the proxied mappings' union (CPython's
/// mappingproxy_or), never a proxy.
fn mappingproxy_or(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    let unwrap = |o: &PyObj| {
        if o.is_instance_of(&MAPPINGPROXY_TYPE) {
            proxied(o)
        } else {
            o.clone()
        }
    };
    ab::binary_op(&unwrap(a), &unwrap(b), ab::BinOp::Or)
}

fn proxied(p: &PyObj) -> PyObj {
    // SAFETY: installed on mappingproxy.
    unsafe { p.payload_unchecked::<PyMappingProxy>() }
        .mapping
        .clone()
}

/// `types.MappingProxyType(mapping)` (CPython's `mappingproxy_new_impl`): a
/// read-only view of any object with `__getitem__` that is not a list or tuple.
fn mappingproxy_new(_cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let b = crate::args::Args::new(args, kwnames).bind("mappingproxy", 0, &["mapping"], 1)?;
    let mapping = b[0].expect("required");
    if mapping.ty().slots().getitem.is_none()
        || crate::list::is_list(mapping)
        || crate::tuple::is_tuple(mapping)
    {
        return Err(type_error(format!(
            "mappingproxy() argument must be a mapping, not {}",
            mapping.ty().name()
        )));
    }
    Ok(new_mappingproxy(mapping.clone()))
}

/// A `mappingproxy` over `mapping`.
pub fn new_mappingproxy(mapping: PyObj) -> PyObj {
    let ty = &MAPPINGPROXY_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyMappingProxy;
        std::ptr::addr_of_mut!((*p).mapping).write(mapping);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// Methods of `mappingproxy`.
pub(crate) fn mappingproxy_methods() -> Vec<crate::descr::MethodDef> {
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("keys", |a, _| ab::call_method(&proxied(&a[0]), "keys", &[])),
        MethodDef::new("values", |a, _| {
            ab::call_method(&proxied(&a[0]), "values", &[])
        }),
        MethodDef::new("items", |a, _| {
            ab::call_method(&proxied(&a[0]), "items", &[])
        }),
        MethodDef::new("get", |a, _| {
            ab::call_method(&proxied(&a[0]), "get", &a[1..])
        }),
        MethodDef::new("copy", |a, _| ab::call_method(&proxied(&a[0]), "copy", &[])),
        MethodDef::new("__reversed__", |a, _| {
            ab::call_method(&proxied(&a[0]), "__reversed__", &[])
        }),
    ]
}

/// `type.__text_signature__`: the signature of the type's internal doc (see
/// [`crate::docs`]), as CPython's `type_get_text_signature`. A builtin type's
/// comes from strand's table; a class's from the `__doc__` it was created with
/// when that was a str starting with `Name(...)\n--\n\n`, as CPython reads the
/// `tp_doc` that `type_new` sets (assigning `__doc__` later changes only the dict).
fn type_text_signature(o: &PyObj) -> PyResult<PyObj> {
    let ty = as_type(o);
    if !ty.is_heap_type() {
        return Ok(crate::docs::text_signature_object(
            ty.name(),
            crate::docs::type_doc(ty.name()),
        ));
    }
    Ok(crate::docs::text_signature_object(
        ty.name(),
        ty.inner().doc.as_ref().map(crate::str::as_str),
    ))
}
