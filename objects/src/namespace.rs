//! `types.SimpleNamespace` (Objects/namespaceobject.c): an object whose attributes
//! are whatever keyword arguments it was made with, kept in its instance dict. The
//! runtime uses it for `sys.implementation`.

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::type_error;
use crate::object::PyObj;
use crate::typeobj::{CompareOp, Slots, TypeFlags};
use crate::PyResult;

/// The layout of a namespace: the header; the attributes live in the managed dict.
#[repr(C)]
pub struct PyNamespace {
    header: ObjectHeader,
}

unsafe fn ns_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: namespaces have a pre-header with the managed dict.
    unsafe { crate::managed::traverse(obj, visit) };
}

unsafe fn ns_clear(obj: ObjPtr) {
    // SAFETY: as above; the collector keeps the object alive.
    unsafe { crate::managed::clear(obj) };
}

unsafe fn ns_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access.
    unsafe {
        crate::managed::clear(obj);
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `types.SimpleNamespace`.
    pub static SIMPLE_NAMESPACE_TYPE = {
        name: "types.SimpleNamespace",
        layout: PyNamespace,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::BASETYPE.union(TypeFlags::MANAGED_DICT).union(TypeFlags::PREHEADER),
        traverse: Some(ns_traverse),
        clear: Some(ns_clear),
        dealloc: ns_dealloc,
        size: None,
        slots: Slots {
            new: Some(ns_new),
            init: Some(ns_init),
            repr: Some(ns_repr),
            richcompare: Some(ns_richcompare),
            hash: Some(crate::baseobject::unhashable),
            getattro: Some(crate::baseobject::generic_getattr),
            setattro: Some(crate::baseobject::generic_setattr),
            ..Slots::EMPTY
        },
    }
}

/// A new `SimpleNamespace` with the given attributes.
pub fn new(attrs: &[(&str, PyObj)]) -> PyObj {
    let ty = &SIMPLE_NAMESPACE_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation; the header is the whole body.
    unsafe {
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    let d = crate::managed::ensure_dict(&obj);
    for (k, v) in attrs {
        crate::dict::set_item_str(&d, k, v.clone());
    }
    obj
}

fn ns_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "SimpleNamespace.__new__(X)")?;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of a namespace type (or a subclass).
    unsafe {
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

/// `SimpleNamespace(**kwargs)`: keyword arguments only (3.11).
fn ns_init(obj: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let a = crate::args::Args::new(args, kw);
    if a.nargs() != 0 {
        return Err(type_error("no positional arguments expected"));
    }
    let names = kw
        .map(|k| crate::tuple::items(k).to_vec())
        .unwrap_or_default();
    if names.is_empty() {
        return Ok(());
    }
    let d = crate::managed::ensure_dict(obj);
    for (k, v) in names.iter().zip(&args[args.len() - names.len()..]) {
        crate::dict::set_item(&d, k.clone(), v.clone())?;
    }
    Ok(())
}

/// `namespace(a=1, b=2)`; a subclass prints its own name; a namespace that contains
/// itself prints `namespace(...)` there.
fn ns_repr(obj: &PyObj) -> PyResult<PyObj> {
    let name = if obj.is_exact(&SIMPLE_NAMESPACE_TYPE) {
        "namespace".to_string()
    } else {
        obj.ty().name().to_string()
    };
    let Some(_guard) = ab::ReprGuard::enter(obj) else {
        return Ok(crate::str::from_string(format!("{name}(...)")));
    };
    let mut parts = Vec::new();
    if let Some(d) = crate::managed::get_dict(obj) {
        for (k, v) in crate::dict::items(&d) {
            if crate::str::is_str(&k) {
                parts.push(format!(
                    "{}={}",
                    crate::str::as_str(&k),
                    ab::repr_string(&v)?
                ));
            }
        }
    }
    Ok(crate::str::from_string(format!(
        "{name}({})",
        parts.join(", ")
    )))
}

/// Namespaces are equal when their attribute dicts are.
fn ns_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    let is_ns = |o: &PyObj| o.ty().is_subtype(&SIMPLE_NAMESPACE_TYPE);
    if !is_ns(a) || !is_ns(b) || !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(crate::singletons::not_implemented());
    }
    let da = crate::managed::ensure_dict(a);
    let db = crate::managed::ensure_dict(b);
    ab::richcompare(&da, &db, op)
}

/// `__reduce__` and `__dict__`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    vec![crate::descr::MethodDef::new("__reduce__", |args, kw| {
        crate::args::Args::new(args, kw).exact("__reduce__", 1)?;
        let o = &args[0];
        Ok(crate::tuple::from_vec(vec![
            o.ty().to_obj(),
            crate::tuple::from_vec(Vec::new()),
            crate::managed::ensure_dict(o),
        ]))
    })]
}

/// `__dict__`.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    vec![crate::descr::GetSetDef::new(
        "__dict__",
        |o| Ok(crate::managed::expose_dict(o)),
        None,
    )]
}
