//! Type expressions built at run time: `types.GenericAlias` (PEP 585, `list[int]`,
//! what `__class_getitem__` of the builtin containers returns) and `types.UnionType`
//! (PEP 604, `int | str`). They matter mostly because annotations are evaluated when
//! a function or class is defined; both behave as CPython 3.11's (Objects/
//! genericaliasobject.c, Objects/unionobject.c): the same reprs, equality and
//! hashing, `__origin__`/`__args__`, calling an alias creates an instance of its
//! origin, a union works with `isinstance()`/`issubclass()`, a parameterized alias
//! refuses them, and `class C(list[int])` subclasses `list` through
//! `__mro_entries__`.
//!
//! Both are immutable and not tracked by the collector: their arguments are type
//! expressions, which do not refer back to them.

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::descr::{GetSetDef, MethodDef};
use crate::exceptions::type_error;
use crate::object::PyObj;
use crate::singletons::{bool_obj, not_implemented};
use crate::typeobj::{CompareOp, NumberSlots, PyType, Slots, TypeFlags};
use crate::{tuple, PyResult};

/// The layout of a `types.GenericAlias`.
#[repr(C)]
pub struct PyGenericAlias {
    header: ObjectHeader,
    origin: PyObj,
    args: PyObj,
    /// An unpacked alias (`*tuple[int, str]`, PEP 646): what iterating an alias
    /// gives.
    starred: bool,
}

/// The layout of a `types.UnionType`.
#[repr(C)]
pub struct PyUnion {
    header: ObjectHeader,
    args: PyObj,
}

unsafe fn alias_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; fields initialised.
    unsafe {
        let p = obj.as_ptr() as *mut PyGenericAlias;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).origin));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).args));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

unsafe fn union_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; fields initialised.
    unsafe {
        let p = obj.as_ptr() as *mut PyUnion;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).args));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `types.GenericAlias`.
    pub static GENERIC_ALIAS_TYPE = {
        name: "GenericAlias",
        layout: PyGenericAlias,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE,
        traverse: None,
        clear: None,
        dealloc: alias_dealloc,
        size: None,
        slots: Slots {
            repr: Some(alias_repr),
            hash: Some(alias_hash),
            richcompare: Some(alias_richcompare),
            getattro: Some(alias_getattro),
            call: Some(alias_call),
            new: Some(alias_new),
            iter: Some(alias_iter),
            number: NumberSlots {
                or: Some(union_or),
                ..NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

crate::builtin_type! {
    /// `types.UnionType`.
    pub static UNION_TYPE = {
        name: "UnionType",
        layout: PyUnion,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: union_dealloc,
        size: None,
        slots: Slots {
            repr: Some(union_repr),
            hash: Some(union_hash),
            richcompare: Some(union_richcompare),
            number: NumberSlots {
                or: Some(union_or),
                ..NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

fn alias(o: &PyObj) -> &PyGenericAlias {
    // SAFETY: callers check the type (the slots here are installed on aliases only).
    unsafe { o.payload_unchecked::<PyGenericAlias>() }
}

fn union(o: &PyObj) -> &PyUnion {
    // SAFETY: callers check the type.
    unsafe { o.payload_unchecked::<PyUnion>() }
}

/// Whether `o` is a `types.GenericAlias`.
pub fn is_generic_alias(o: &PyObj) -> bool {
    o.is_exact(&GENERIC_ALIAS_TYPE)
}

/// Whether `o` is a `types.UnionType`.
pub fn is_union(o: &PyObj) -> bool {
    o.is_exact(&UNION_TYPE)
}

/// The members of a union (a tuple), for `isinstance()` and `issubclass()`.
pub fn union_args(o: &PyObj) -> Option<PyObj> {
    is_union(o).then(|| union(o).args.clone())
}

/// `origin[args]`: a new alias (a lone argument that is not a tuple is wrapped).
pub fn new_generic_alias(origin: PyObj, args: PyObj) -> PyObj {
    new_alias_of_type(&GENERIC_ALIAS_TYPE, origin, args, false)
}

/// An alias of type `ty`: `GenericAlias` or a subclass of it (`typing` and
/// `collections.abc` subclass it, as `_CallableGenericAlias`).
fn new_alias_of_type(ty: &PyType, origin: PyObj, args: PyObj, starred: bool) -> PyObj {
    let args = if tuple::is_tuple(&args) {
        args
    } else {
        tuple::from_vec(vec![args])
    };
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of `ty`, whose layout starts with the alias layout;
    // every field written, a subclass's own region initialised, before tracking.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyGenericAlias;
        std::ptr::addr_of_mut!((*p).origin).write(origin);
        std::ptr::addr_of_mut!((*p).args).write(args);
        std::ptr::addr_of_mut!((*p).starred).write(starred);
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn new_union(args: Vec<PyObj>) -> PyObj {
    let ty = &UNION_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the union layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyUnion;
        std::ptr::addr_of_mut!((*p).args).write(tuple::from_vec(args));
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// How an alias or a union shows one of its parts: classes by (module-qualified)
/// name, `...`, `None`, other aliases by their repr.
fn repr_item(o: &PyObj) -> PyResult<String> {
    if o.is_exact(&crate::singletons::ELLIPSIS_TYPE) {
        return Ok("...".into());
    }
    if is_generic_alias(o) || is_union(o) {
        return ab::repr_string(o);
    }
    if crate::typeobj::is_type(o) {
        // SAFETY: checked to be a type.
        let ty = unsafe { PyType::from_obj(o) };
        let qual = crate::str::as_str(&ty.qualname()).to_string();
        return Ok(match crate::typetype::type_module_name(ty) {
            Some(m) if m != "builtins" => format!("{m}.{qual}"),
            _ => qual,
        });
    }
    ab::repr_string(o)
}

fn alias_repr(o: &PyObj) -> PyResult<PyObj> {
    let a = alias(o);
    let args = tuple::items(&a.args);
    let inner = if args.is_empty() {
        "()".to_string()
    } else {
        args.iter()
            .map(repr_item)
            .collect::<PyResult<Vec<_>>>()?
            .join(", ")
    };
    Ok(crate::str::from_string(format!(
        "{}{}[{inner}]",
        if a.starred { "*" } else { "" },
        repr_item(&a.origin)?
    )))
}

/// `iter(alias)`: the alias unpacked, once (`*tuple[int, str]` in a subscript or
/// a starred annotation, PEP 646; CPython's `ga_iter`).
fn alias_iter(o: &PyObj) -> PyResult<PyObj> {
    let a = alias(o);
    let starred = new_alias_of_type(o.ty(), a.origin.clone(), a.args.clone(), true);
    ab::iter(&tuple::from_vec(vec![starred]))
}

fn alias_hash(o: &PyObj) -> PyResult<isize> {
    let a = alias(o);
    Ok(ab::hash(&a.origin)? ^ ab::hash(&a.args)?)
}

fn alias_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_generic_alias(b) || !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(not_implemented());
    }
    let (x, y) = (alias(a), alias(b));
    let same = x.starred == y.starred && ab::eq(&x.origin, &y.origin)? && ab::eq(&x.args, &y.args)?;
    Ok(bool_obj(same == (op == CompareOp::Eq)))
}

/// Attributes not forwarded to the origin (CPython's `attr_exceptions`).
const OWN_ATTRS: &[&str] = &[
    "__class__",
    "__origin__",
    "__args__",
    "__unpacked__",
    "__parameters__",
    "__typing_unpacked_tuple_args__",
    "__mro_entries__",
    "__reduce_ex__",
    "__reduce__",
    "__copy__",
    "__deepcopy__",
];

fn alias_getattro(o: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    let n = crate::str::as_str(name);
    if !OWN_ATTRS.contains(&n) {
        return ab::getattr(&alias(o).origin, name);
    }
    crate::baseobject::generic_getattr(o, name)
}

fn alias_call(o: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let obj = ab::call(&alias(o).origin, args, kwnames)?;
    // Like CPython, remember the alias where the instance allows it.
    let _ = ab::setattr(&obj, &crate::str::intern("__orig_class__"), o);
    Ok(obj)
}

fn alias_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kwnames);
    a.no_kwargs("GenericAlias")?;
    if a.nargs() != 2 {
        return Err(type_error(format!(
            "GenericAlias expected 2 arguments, got {}",
            a.nargs()
        )));
    }
    let ty = crate::typeobj::expect_type(cls, "GenericAlias.__new__(X)")?;
    Ok(new_alias_of_type(
        ty,
        args[0].clone(),
        args[1].clone(),
        false,
    ))
}

fn alias_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("__mro_entries__", |args, kw| {
            crate::args::Args::new(args, kw).exact("__mro_entries__", 2)?;
            Ok(tuple::from_vec(vec![alias(&args[0]).origin.clone()]))
        }),
        MethodDef::new("__instancecheck__", |_, _| {
            Err(type_error(
                "isinstance() argument 2 cannot be a parameterized generic",
            ))
        }),
        MethodDef::new("__subclasscheck__", |_, _| {
            Err(type_error(
                "issubclass() argument 2 cannot be a parameterized generic",
            ))
        }),
    ]
}

fn alias_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("__origin__", |o| Ok(alias(o).origin.clone()), None),
        GetSetDef::new("__args__", |o| Ok(alias(o).args.clone()), None),
        GetSetDef::new("__parameters__", |_| Ok(tuple::empty()), None),
        GetSetDef::new("__unpacked__", |o| Ok(bool_obj(alias(o).starred)), None),
        GetSetDef::new(
            "__typing_unpacked_tuple_args__",
            |o| {
                let a = alias(o);
                Ok(
                    if a.starred && a.origin.is(&crate::tuple::TUPLE_TYPE.to_obj()) {
                        a.args.clone()
                    } else {
                        crate::singletons::none()
                    },
                )
            },
            None,
        ),
    ]
}

/// Whether `o` may be a member of a union (CPython's `is_unionable`).
fn unionable(o: &PyObj) -> bool {
    crate::singletons::is_none(o)
        || crate::typeobj::is_type(o)
        || is_generic_alias(o)
        || is_union(o)
}

/// `a | b` for types, None, aliases and unions: a flattened union without
/// duplicates, or the only member left.
pub fn union_or(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !unionable(a) || !unionable(b) {
        return Ok(not_implemented());
    }
    let mut members: Vec<PyObj> = Vec::new();
    for o in [a, b] {
        let parts = match union_args(o) {
            Some(args) => tuple::items(&args).to_vec(),
            None => vec![o.clone()],
        };
        for p in parts {
            let p = if crate::singletons::is_none(&p) {
                crate::singletons::NONE_TYPE.to_obj()
            } else {
                p
            };
            let mut dup = false;
            for m in &members {
                // Aliases compare by value, everything else by identity.
                dup = if is_generic_alias(m) && is_generic_alias(&p) {
                    ab::eq(m, &p)?
                } else {
                    m.is(&p)
                };
                if dup {
                    break;
                }
            }
            if !dup {
                members.push(p);
            }
        }
    }
    if members.len() == 1 {
        return Ok(members.pop().expect("one member"));
    }
    Ok(new_union(members))
}

fn union_repr(o: &PyObj) -> PyResult<PyObj> {
    let parts = tuple::items(&union(o).args)
        .iter()
        .map(|m| {
            if m.is(&crate::singletons::NONE_TYPE.to_obj()) {
                Ok("None".to_string())
            } else {
                repr_item(m)
            }
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(crate::str::from_string(parts.join(" | ")))
}

fn union_hash(o: &PyObj) -> PyResult<isize> {
    let members = crate::set::new_frozenset(tuple::items(&union(o).args).to_vec())?;
    ab::hash(&members)
}

fn union_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_union(b) || !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(not_implemented());
    }
    let x = crate::set::new_frozenset(tuple::items(&union(a).args).to_vec())?;
    let y = crate::set::new_frozenset(tuple::items(&union(b).args).to_vec())?;
    let same = ab::eq(&x, &y)?;
    Ok(bool_obj(same == (op == CompareOp::Eq)))
}

fn union_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("__args__", |o| Ok(union(o).args.clone()), None),
        GetSetDef::new("__parameters__", |_| Ok(tuple::empty()), None),
    ]
}

/// Readies both types, gives them `__module__ = "types"`, and installs
/// `__class_getitem__` on the builtin containers and `type` (called once from
/// [`crate::init`]).
pub(crate) fn init() {
    use crate::baseobject::OBJECT_TYPE;
    GENERIC_ALIAS_TYPE.ready_static(Some(&OBJECT_TYPE), &alias_methods(), &alias_getsets());
    UNION_TYPE.ready_static(Some(&OBJECT_TYPE), &[], &union_getsets());
    for ty in [&GENERIC_ALIAS_TYPE, &UNION_TYPE] {
        crate::dict::set_item_str(ty.dict(), "__module__", crate::str::intern("types"));
    }
    let class_getitem = MethodDef::class("__class_getitem__", |args, kw| {
        crate::args::Args::new(args, kw).exact("__class_getitem__", 2)?;
        Ok(new_generic_alias(args[0].clone(), args[1].clone()))
    });
    let containers: [&'static PyType; 6] = [
        &crate::list::LIST_TYPE,
        &crate::dict::DICT_TYPE,
        &crate::tuple::TUPLE_TYPE,
        &crate::set::SET_TYPE,
        &crate::set::FROZENSET_TYPE,
        &crate::typetype::TYPE_TYPE,
    ];
    for ty in containers {
        let descr = crate::descr::new_method_descr(ty, &class_getitem);
        crate::dict::set_item_str(ty.dict(), "__class_getitem__", descr);
    }
}
