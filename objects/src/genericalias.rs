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
//! Type variables: `__parameters__` collects the arguments' type variables (on
//! first use, then cached), and `alias[...]`/`union[...]` substitute them
//! ([`make_parameters`], [`subs_parameters`]: CPython 3.11.7's
//! `_Py_make_parameters`/`_Py_subs_parameters`, with `typing`'s
//! `__typing_subst__`/`__typing_prepare_subst__` hooks doing the per-variable
//! work, so `TypeVarTuple` and `ParamSpec` behave as there). Subclasses
//! (`collections.abc`'s `_CallableGenericAlias`) reach the substitution through
//! `super().__getitem__` and compare equal to plain aliases.
//!
//! Both are immutable (but for the parameter cache) and not tracked by the
//! collector: their arguments are type expressions, which do not refer back to
//! them. Aliases can be weakly referenced.

use std::sync::OnceLock;

use parking_lot::Mutex;
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
    /// `__parameters__`, collected from `args` on first use (CPython computes it
    /// lazily too: collecting looks attributes up on the arguments).
    parameters: OnceLock<PyObj>,
}

/// The layout of a `types.UnionType`.
#[repr(C)]
pub struct PyUnion {
    header: ObjectHeader,
    args: PyObj,
    /// `__parameters__`, collected from `args` on first use.
    parameters: OnceLock<PyObj>,
}

unsafe fn alias_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; fields initialised.
    unsafe {
        crate::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyGenericAlias;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).origin));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).args));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).parameters));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

unsafe fn union_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; fields initialised.
    unsafe {
        let p = obj.as_ptr() as *mut PyUnion;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).args));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).parameters));
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
        flags: TypeFlags::BASETYPE.union(TypeFlags::MANAGED_WEAKREF),
        traverse: None,
        clear: None,
        dealloc: alias_dealloc,
        size: None,
        slots: Slots {
            repr: Some(alias_repr),
            hash: Some(alias_hash),
            richcompare: Some(alias_richcompare),
            getattro: Some(alias_getattro),
            getitem: Some(alias_getitem),
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
            getitem: Some(union_getitem),
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

/// Whether `o` is a `types.GenericAlias` or an instance of a subclass of it
/// (CPython's `_PyGenericAlias_Check`).
pub fn is_generic_alias(o: &PyObj) -> bool {
    o.is_instance_of(&GENERIC_ALIAS_TYPE)
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
        std::ptr::addr_of_mut!((*p).parameters).write(OnceLock::new());
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
        std::ptr::addr_of_mut!((*p).parameters).write(OnceLock::new());
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// How an alias or a union shows one of its parts (CPython's `ga_repr_item`): `...`,
/// anything with both `__origin__` and `__args__` (another alias) by its repr,
/// anything with `__qualname__` and a `__module__` other than None by
/// `module.qualname` (without the module for builtins), everything else by its repr.
fn repr_item(o: &PyObj) -> PyResult<String> {
    if o.is_exact(&crate::singletons::ELLIPSIS_TYPE) {
        return Ok("...".into());
    }
    if lookup(o, "__origin__")?.is_some() && lookup(o, "__args__")?.is_some() {
        return ab::repr_string(o);
    }
    let Some(qualname) = lookup(o, "__qualname__")? else {
        return ab::repr_string(o);
    };
    let module = match lookup(o, "__module__")? {
        Some(m) if !crate::singletons::is_none(&m) => m,
        _ => return ab::repr_string(o),
    };
    if crate::str::is_str(&module) && crate::str::as_str(&module) == "builtins" {
        return ab::str_string(&qualname);
    }
    Ok(format!(
        "{}.{}",
        ab::str_string(&module)?,
        ab::str_string(&qualname)?
    ))
}

/// `getattr(o, name)`, `None` when it raises `AttributeError` (CPython's
/// `_PyObject_LookupAttr`).
fn lookup(o: &PyObj, name: &str) -> PyResult<Option<PyObj>> {
    ab::getattr_opt(o, &crate::str::intern(name))
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

/// `iter(alias)`: a `generic_alias_iterator` that gives the alias unpacked, once
/// (`*tuple[int, str]` in a subscript or a starred annotation, PEP 646; CPython's
/// `ga_iter`).
fn alias_iter(o: &PyObj) -> PyResult<PyObj> {
    let ty = &GA_ITER_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the iterator layout; its one field written
    // before the object is published.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyGaIter;
        std::ptr::addr_of_mut!((*p).alias).write(Mutex::new(Some(o.clone())));
        crate::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

/// The layout of a `generic_alias_iterator`: the alias until it has been given out.
#[repr(C)]
pub struct PyGaIter {
    header: ObjectHeader,
    alias: Mutex<Option<PyObj>>,
}

unsafe fn ga_iter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; the field was initialised.
    unsafe {
        let p = obj.as_ptr() as *mut PyGaIter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).alias));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `generic_alias_iterator`: what `iter(list[int])` returns.
    pub static GA_ITER_TYPE = {
        name: "generic_alias_iterator",
        layout: PyGaIter,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: ga_iter_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(ga_iter_next),
            ..Slots::EMPTY
        },
    }
}

fn ga_iter(o: &PyObj) -> &PyGaIter {
    // SAFETY: installed on generic_alias_iterator objects only.
    unsafe { o.payload_unchecked::<PyGaIter>() }
}

/// The unpacked alias (a plain `GenericAlias` with `__unpacked__` true) the
/// first time, then nothing.
fn ga_iter_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let Some(src) = ga_iter(o).alias.lock().take() else {
        return Ok(None);
    };
    let a = alias(&src);
    Ok(Some(new_alias_of_type(
        &GENERIC_ALIAS_TYPE,
        a.origin.clone(),
        a.args.clone(),
        true,
    )))
}

/// `it.__reduce__()`: `(iter, (alias,))`; an exhausted iterator, `(iter, ((),))`.
fn ga_iter_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    crate::args::Args::new(args, kw).exact("__reduce__", 1)?;
    let src = ga_iter(&args[0])
        .alias
        .lock()
        .clone()
        .unwrap_or_else(tuple::empty);
    Ok(tuple::pair(
        crate::function::get_builtin("iter")?,
        tuple::from_vec(vec![src]),
    ))
}

fn alias_hash(o: &PyObj) -> PyResult<isize> {
    let a = alias(o);
    Ok(ab::hash(&a.origin)? ^ ab::hash(&a.args)?)
}

/// `==`/`!=` against another alias (of any subclass): the same starredness,
/// origin and arguments. `==` answers what comparing the argument tuples answers.
fn alias_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_generic_alias(b) || !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(not_implemented());
    }
    let (x, y) = (alias(a), alias(b));
    if op == CompareOp::Ne {
        let eq = alias_richcompare(a, b, CompareOp::Eq)?;
        return Ok(bool_obj(!eq.is(&bool_obj(true))));
    }
    if x.starred != y.starred || !ab::eq(&x.origin, &y.origin)? {
        return Ok(bool_obj(false));
    }
    ab::richcompare(&x.args, &y.args, CompareOp::Eq)
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
    if crate::str::is_str(name) && !OWN_ATTRS.contains(&crate::str::as_str(name)) {
        return ab::getattr(&alias(o).origin, name);
    }
    crate::baseobject::generic_getattr(o, name)
}

fn alias_call(o: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let obj = ab::call(&alias(o).origin, args, kwnames)?;
    // Like CPython, remember the alias where the instance allows it: an instance
    // that refuses the attribute (AttributeError, TypeError) is returned as is.
    if let Err(e) = ab::setattr(&obj, &crate::str::intern("__orig_class__"), o) {
        if !e.is_instance(&crate::exceptions::ATTRIBUTE_ERROR_TYPE)
            && !e.is_instance(&crate::exceptions::TYPE_ERROR_TYPE)
        {
            return Err(e);
        }
    }
    Ok(obj)
}

/// `alias.__parameters__`: the type variables among the arguments, collected
/// once.
fn alias_parameters(o: &PyObj) -> PyResult<PyObj> {
    cached_parameters(&alias(o).parameters, &alias(o).args)
}

/// The parameters cached in `cell`, collected from `args` the first time (two
/// threads may both collect; the first to store wins, and both answer it).
fn cached_parameters(cell: &OnceLock<PyObj>, args: &PyObj) -> PyResult<PyObj> {
    if let Some(p) = cell.get() {
        return Ok(p.clone());
    }
    let params = make_parameters(tuple::items(args))?;
    Ok(cell.get_or_init(|| params).clone())
}

/// The type variables of an alias's arguments, in order of first appearance
/// (CPython 3.11's `_Py_make_parameters`): an argument with `__typing_subst__` (a
/// `TypeVar`, `ParamSpec`, unpacked `TypeVarTuple`) is one itself; otherwise the
/// members of its `__parameters__` tuple count (classes excepted: a generic class
/// is not itself parameterized).
pub fn make_parameters(args: &[PyObj]) -> PyResult<PyObj> {
    let mut params: Vec<PyObj> = Vec::new();
    let mut add = |t: &PyObj| {
        if !params.iter().any(|p| p.is(t)) {
            params.push(t.clone());
        }
    };
    for t in args {
        if crate::typeobj::is_type(t) {
            continue;
        }
        if lookup(t, "__typing_subst__")?.is_some() {
            add(t);
        } else if let Some(sub) = lookup(t, "__parameters__")? {
            if tuple::is_tuple(&sub) {
                for t2 in tuple::items(&sub) {
                    add(t2);
                }
            }
        }
    }
    Ok(tuple::from_vec(params))
}

/// `alias[item]`: the alias with its type variables replaced (CPython's
/// `ga_getitem`); the result is a plain `GenericAlias` that keeps the starredness.
fn alias_getitem(o: &PyObj, item: &PyObj) -> PyResult<PyObj> {
    let a = alias(o);
    let params = alias_parameters(o)?;
    let newargs = subs_parameters(o, &a.args, &params, item)?;
    Ok(new_alias_of_type(
        &GENERIC_ALIAS_TYPE,
        a.origin.clone(),
        newargs,
        a.starred,
    ))
}

/// Whether `arg` is `*Ts` for a `TypeVarTuple` `Ts` (its
/// `__typing_is_unpacked_typevartuple__` is true); classes never are.
fn is_unpacked_typevartuple(arg: &PyObj) -> PyResult<bool> {
    if crate::typeobj::is_type(arg) {
        return Ok(false);
    }
    match lookup(arg, "__typing_is_unpacked_typevartuple__")? {
        Some(v) => ab::is_true(&v),
        None => Ok(false),
    }
}

/// The arguments of an unpacked tuple type (`*tuple[int, str]`,
/// `*Tuple[int, str]`): its `__typing_unpacked_tuple_args__` unless None.
fn unpacked_tuple_args(arg: &PyObj) -> PyResult<Option<PyObj>> {
    if is_generic_alias(arg) {
        let a = alias(arg);
        if a.starred && a.origin.is(&crate::tuple::TUPLE_TYPE.to_obj()) {
            return Ok(Some(a.args.clone()));
        }
    }
    Ok(lookup(arg, "__typing_unpacked_tuple_args__")?.filter(|r| !crate::singletons::is_none(r)))
}

/// The subscript's arguments as a list, each unpacked tuple of fixed length
/// spliced in (`*tuple[int, str]` is two arguments; `*tuple[int, ...]` stays one).
/// CPython's `_unpack_args`.
fn unpack_args(item: &PyObj) -> PyResult<Vec<PyObj>> {
    let items: Vec<PyObj> = if tuple::is_tuple(item) {
        tuple::items(item).to_vec()
    } else {
        vec![item.clone()]
    };
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        if !crate::typeobj::is_type(&it) {
            if let Some(sub) = unpacked_tuple_args(&it)? {
                let fixed = tuple::is_tuple(&sub)
                    && !tuple::items(&sub)
                        .last()
                        .is_some_and(|l| l.is_exact(&crate::singletons::ELLIPSIS_TYPE));
                if fixed {
                    out.extend(tuple::items(&sub).iter().cloned());
                    continue;
                }
            }
        }
        out.push(it);
    }
    Ok(out)
}

/// The arguments of `self_` (whose arguments are `args` and type variables
/// `params`) after substituting `item` for the type variables (CPython 3.11's
/// `_Py_subs_parameters`). Each parameter with a `__typing_prepare_subst__`
/// (`TypeVarTuple`, `ParamSpec`) first rewrites the argument tuple: a
/// `TypeVarTuple` gathers the arguments it stands for into one tuple. Then there is
/// one argument per parameter; classes among `args` stay as they are, a type
/// variable is replaced through its `__typing_subst__`, anything with
/// `__parameters__` is subscripted with its own parameters' replacements, and an
/// unpacked `TypeVarTuple` (`*Ts`) is spliced in.
///
/// # Errors
/// `TypeError` when `self_` has no parameters ("... is not a generic class") and
/// for too many or too few arguments; whatever a `__typing_prepare_subst__` or
/// `__typing_subst__` raises.
pub fn subs_parameters(
    self_: &PyObj,
    args: &PyObj,
    params: &PyObj,
    item: &PyObj,
) -> PyResult<PyObj> {
    let params = tuple::items(params);
    let nparams = params.len();
    if nparams == 0 {
        return Err(type_error(format!(
            "{} is not a generic class",
            ab::repr_string(self_)?
        )));
    }
    let mut item = tuple::from_vec(unpack_args(item)?);
    for p in params {
        if let Some(prepare) = lookup(p, "__typing_prepare_subst__")? {
            if crate::singletons::is_none(&prepare) {
                continue;
            }
            let arg = if tuple::is_tuple(&item) {
                item.clone()
            } else {
                tuple::from_vec(vec![item.clone()])
            };
            item = ab::call(&prepare, &[self_.clone(), arg], None)?;
        }
    }
    let argitems: Vec<PyObj> = if tuple::is_tuple(&item) {
        tuple::items(&item).to_vec()
    } else {
        vec![item]
    };
    let nitems = argitems.len();
    if nitems != nparams {
        return Err(type_error(format!(
            "Too {} arguments for {}; actual {nitems}, expected {nparams}",
            if nitems > nparams { "many" } else { "few" },
            ab::repr_string(self_)?
        )));
    }
    let mut newargs: Vec<PyObj> = Vec::with_capacity(tuple::items(args).len());
    for arg in tuple::items(args) {
        // A class stays itself, whatever attributes it has (`list[TypeVar, T]`).
        if crate::typeobj::is_type(arg) {
            newargs.push(arg.clone());
            continue;
        }
        let unpack = is_unpacked_typevartuple(arg)?;
        let subst = match lookup(arg, "__typing_subst__")? {
            Some(f) => params.iter().position(|p| p.is(arg)).map(|i| (f, i)),
            None => None,
        };
        let new = match subst {
            Some((subst, i)) => ab::call1(&subst, argitems[i].clone())?,
            None => subs_tvars(arg, params, &argitems)?,
        };
        if unpack {
            if !tuple::is_tuple(&new) {
                return Err(type_error(format!(
                    "expected a tuple of arguments for {}, not '{}'",
                    ab::repr_string(arg)?,
                    new.ty().name()
                )));
            }
            newargs.extend(tuple::items(&new).iter().cloned());
        } else {
            newargs.push(new);
        }
    }
    Ok(tuple::from_vec(newargs))
}

/// `obj` with the type variables `params` replaced by `argitems` when it is itself
/// parameterized (`list[T]` with `T` among `params` becomes `list[int]`), `obj`
/// otherwise (CPython's `subs_tvars`). A `TypeVarTuple`'s replacement is the tuple
/// of arguments it stands for, spliced in.
fn subs_tvars(obj: &PyObj, params: &[PyObj], argitems: &[PyObj]) -> PyResult<PyObj> {
    let subparams = match lookup(obj, "__parameters__")? {
        Some(s) if tuple::is_tuple(&s) && !tuple::items(&s).is_empty() => s,
        _ => return Ok(obj.clone()),
    };
    let subparams = tuple::items(&subparams);
    let mut subargs: Vec<PyObj> = Vec::with_capacity(subparams.len());
    for arg in subparams {
        match params.iter().position(|p| p.is(arg)) {
            Some(i) => {
                let new = &argitems[i];
                if params[i].ty().slots().iter.is_some() && tuple::is_tuple(new) {
                    subargs.extend(tuple::items(new).iter().cloned());
                } else {
                    subargs.push(new.clone());
                }
            }
            None => subargs.push(arg.clone()),
        }
    }
    ab::getitem(obj, &tuple::from_vec(subargs))
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
        MethodDef::new("__reduce__", |args, kw| {
            crate::args::Args::new(args, kw).exact("__reduce__", 1)?;
            alias_reduce(&args[0])
        }),
        MethodDef::new("__dir__", |args, kw| {
            crate::args::Args::new(args, kw).exact("__dir__", 1)?;
            alias_dir(&args[0])
        }),
    ]
}

/// `alias.__reduce__()`: `(type(alias), (origin, args))`; an unpacked alias is
/// `next(iter(origin[args]))`, as CPython pickles it.
fn alias_reduce(o: &PyObj) -> PyResult<PyObj> {
    let a = alias(o);
    if a.starred {
        let plain = new_generic_alias(a.origin.clone(), a.args.clone());
        let it = ab::iter(&plain)?;
        return Ok(tuple::pair(
            crate::function::get_builtin("next")?,
            tuple::from_vec(vec![it]),
        ));
    }
    Ok(tuple::pair(
        o.ty().to_obj(),
        tuple::pair(a.origin.clone(), a.args.clone()),
    ))
}

/// `dir(alias)`: the origin's attributes and the alias's own (CPython's `ga_dir`).
fn alias_dir(o: &PyObj) -> PyResult<PyObj> {
    let dir = ab::call1(
        &crate::function::get_builtin("dir")?,
        alias(o).origin.clone(),
    )?;
    for name in OWN_ATTRS {
        let entry = crate::str::intern(name);
        if !ab::contains(&dir, &entry)? {
            ab::call_method(&dir, "append", &[entry])?;
        }
    }
    Ok(dir)
}

fn alias_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("__origin__", |o| Ok(alias(o).origin.clone()), None),
        GetSetDef::new("__args__", |o| Ok(alias(o).args.clone()), None),
        GetSetDef::new("__parameters__", alias_parameters, None),
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

/// `union[item]`: the members with their type variables replaced, joined again
/// with `|` (CPython's `union_getitem`).
fn union_getitem(o: &PyObj, item: &PyObj) -> PyResult<PyObj> {
    let u = union(o);
    let params = cached_parameters(&u.parameters, &u.args)?;
    let newargs = subs_parameters(o, &u.args, &params, item)?;
    let parts = tuple::items(&newargs);
    let Some(first) = parts.first() else {
        return Ok(new_union(Vec::new()));
    };
    let mut res = first.clone();
    for p in &parts[1..] {
        res = ab::binary_op(&res, p, ab::BinOp::Or)?;
    }
    Ok(res)
}

fn union_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("__args__", |o| Ok(union(o).args.clone()), None),
        GetSetDef::new(
            "__parameters__",
            |o| cached_parameters(&union(o).parameters, &union(o).args),
            None,
        ),
    ]
}

/// Readies both types, gives them `__module__ = "types"`, and installs
/// `__class_getitem__` on the builtin containers, `mappingproxy`, `enumerate` and
/// `weakref.ref` (`type[...]` is special-cased in `abstract_::getitem`; called once from
/// [`crate::init`]).
pub(crate) fn init() {
    use crate::baseobject::OBJECT_TYPE;
    GENERIC_ALIAS_TYPE.ready_static(Some(&OBJECT_TYPE), &alias_methods(), &alias_getsets());
    UNION_TYPE.ready_static(Some(&OBJECT_TYPE), &[], &union_getsets());
    GA_ITER_TYPE.ready_static(
        Some(&OBJECT_TYPE),
        &[MethodDef::new("__reduce__", ga_iter_reduce)],
        &[],
    );
    for ty in [&GENERIC_ALIAS_TYPE, &UNION_TYPE] {
        crate::dict::set_item_str(ty.dict(), "__module__", crate::str::intern("types"));
    }
    for ty in [
        &crate::list::LIST_TYPE,
        &crate::dict::DICT_TYPE,
        &crate::tuple::TUPLE_TYPE,
        &crate::set::SET_TYPE,
        &crate::set::FROZENSET_TYPE,
        &crate::typetype::MAPPINGPROXY_TYPE,
        &crate::iterators::ENUMERATE_TYPE,
        &crate::weakref::WEAKREF_TYPE,
    ] {
        add_class_getitem(ty);
    }
}

/// Gives a builtin type the `__class_getitem__` that makes `ty[args]` a
/// `types.GenericAlias` (CPython's `{"__class_getitem__", Py_GenericAlias,
/// METH_O|METH_CLASS}` method entry). Called once per type, while it is readied.
pub fn add_class_getitem(ty: &'static PyType) {
    let class_getitem = MethodDef::class("__class_getitem__", |args, kw| {
        crate::args::Args::new(args, kw).exact("__class_getitem__", 2)?;
        Ok(new_generic_alias(args[0].clone(), args[1].clone()))
    });
    let descr = crate::descr::new_method_descr(ty, &class_getitem);
    crate::dict::set_item_str(ty.dict(), "__class_getitem__", descr);
}
