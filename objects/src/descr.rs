//! Descriptors and builtin callables: method descriptors of builtin types, bound
//! builtin methods and builtin functions (`builtin_function_or_method`), getset and
//! member (`__slots__`) descriptors, and `staticmethod`, `classmethod`, `property`
//! (CPython's Objects/descrobject.c, methodobject.c, funcobject.c).

use std::sync::atomic::AtomicPtr;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use parking_lot::Mutex;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::{attribute_error, type_error};
use crate::object::{PyObj, PyPayload};
use crate::typeobj::{PyType, Slots, TypeFlags};
use crate::PyResult;

/// A native function or method in vectorcall layout (`args[0]` is `self` for methods).
pub type NativeFn = fn(&[PyObj], Option<&PyObj>) -> PyResult<PyObj>;

/// How a [`MethodDef`] binds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    /// An instance method: `args[0]` is the instance.
    Instance,
    /// A classmethod: `args[0]` is the class.
    Class,
    /// A staticmethod: no implicit first argument.
    Static,
}

/// A native method of a builtin type.
#[derive(Clone, Copy)]
pub struct MethodDef {
    /// Its name.
    pub name: &'static str,
    /// The function.
    pub func: NativeFn,
    /// How it binds.
    pub kind: MethodKind,
}

impl MethodDef {
    /// An instance method.
    pub const fn new(name: &'static str, func: NativeFn) -> MethodDef {
        MethodDef {
            name,
            func,
            kind: MethodKind::Instance,
        }
    }

    /// A classmethod.
    pub const fn class(name: &'static str, func: NativeFn) -> MethodDef {
        MethodDef {
            name,
            func,
            kind: MethodKind::Class,
        }
    }

    /// A staticmethod.
    pub const fn static_(name: &'static str, func: NativeFn) -> MethodDef {
        MethodDef {
            name,
            func,
            kind: MethodKind::Static,
        }
    }
}

/// Reads an attribute.
pub type Getter = fn(&PyObj) -> PyResult<PyObj>;
/// Writes (`Some`) or deletes (`None`) an attribute.
pub type Setter = fn(&PyObj, Option<&PyObj>) -> PyResult<()>;

/// A computed attribute of a builtin type.
#[derive(Clone, Copy)]
pub struct GetSetDef {
    /// Its name.
    pub name: &'static str,
    /// The getter.
    pub get: Getter,
    /// The setter (`None`: read-only).
    pub set: Option<Setter>,
}

impl GetSetDef {
    /// A getset.
    pub const fn new(name: &'static str, get: Getter, set: Option<Setter>) -> GetSetDef {
        GetSetDef { name, get, set }
    }
}

// ---------------------------------------------------------------------------------
// method_descriptor / classmethod_descriptor
// ---------------------------------------------------------------------------------

/// A method descriptor: a [`MethodDef`] of a builtin type.
#[repr(C)]
pub struct PyMethodDescr {
    header: ObjectHeader,
    /// The method.
    pub def: MethodDef,
    owner: *const PyType,
}

/// Descriptors of heap types own a reference to their owner (CPython's `d_type`);
/// static owners are immortal and not counted.
fn own_owner(owner: &PyType) {
    if owner.is_heap_type() {
        std::mem::forget(owner.to_obj());
    }
}

/// Releases the reference taken by [`own_owner`].
///
/// # Safety
/// `owner` was passed to [`own_owner`] by the dying descriptor.
unsafe fn release_owner(owner: *const PyType) {
    // SAFETY: the descriptor kept its owner alive.
    let o = unsafe { &*owner };
    if o.is_heap_type() {
        // SAFETY: the reference taken in own_owner.
        drop(unsafe { PyObj::from_owned(o.as_ptr()) });
    }
}

/// Visits a heap-type owner (for the collector).
fn visit_owner(owner: *const PyType, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: the descriptor keeps its owner alive.
    let o = unsafe { &*owner };
    if o.is_heap_type() {
        visit(o.as_ptr());
    }
}

unsafe fn dealloc_plain(obj: ObjPtr) {
    // SAFETY: count zero; the layouts using this hold no counted references.
    unsafe { crate::heaptype::dealloc_instance_memory(obj) }
}

crate::builtin_type! {
    /// `method_descriptor`.
    pub static METHOD_DESCR_TYPE = {
        name: "method_descriptor",
        layout: PyMethodDescr,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::METHOD_DESCRIPTOR,
        traverse: None,
        clear: None,
        dealloc: dealloc_plain,
        size: None,
        slots: Slots {
            call: Some(method_descr_call),
            descr_get: Some(method_descr_get),
            repr: Some(method_descr_repr),
            ..Slots::EMPTY
        },
    }
}

crate::builtin_type! {
    /// `classmethod_descriptor`.
    pub static CLASSMETHOD_DESCR_TYPE = {
        name: "classmethod_descriptor",
        layout: PyMethodDescr,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: dealloc_plain,
        size: None,
        slots: Slots {
            call: Some(method_descr_call),
            descr_get: Some(classmethod_descr_get),
            repr: Some(method_descr_repr),
            ..Slots::EMPTY
        },
    }
}

impl PyMethodDescr {
    /// The type that defines the method.
    pub fn owner(&self) -> &PyType {
        // SAFETY: builtin types are immortal statics.
        unsafe { &*self.owner }
    }
}

// SAFETY: repr(C), header first.
unsafe impl PyPayload for PyMethodDescr {
    fn type_object() -> &'static PyType {
        &METHOD_DESCR_TYPE
    }
}

/// A descriptor object for `def` on `owner`; immortal (it lives in a static type's dict).
pub fn new_method_descr(owner: &'static PyType, def: &MethodDef) -> PyObj {
    match def.kind {
        MethodKind::Static => new_builtin_function_with_doc(
            def.name,
            def.func,
            None,
            crate::docs::method_doc(owner.name(), def.name),
        ),
        kind => {
            let ty = if kind == MethodKind::Class {
                &CLASSMETHOD_DESCR_TYPE
            } else {
                &METHOD_DESCR_TYPE
            };
            let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
            // SAFETY: fresh allocation of a method descriptor layout.
            unsafe {
                let p = obj.as_ptr().as_ptr() as *mut PyMethodDescr;
                std::ptr::addr_of_mut!((*p).def).write(*def);
                std::ptr::addr_of_mut!((*p).owner).write(owner);
                crate::alloc::finish_instance(ty, &obj);
                crate::alloc::make_immortal(&obj);
            }
            obj
        }
    }
}

fn descr_payload(obj: &PyObj) -> &PyMethodDescr {
    // SAFETY: installed on method descriptor types only.
    unsafe { obj.payload_unchecked::<PyMethodDescr>() }
}

fn method_descr_call(descr: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let d = descr_payload(descr);
    let nargs = args.len() - kwnames.map_or(0, |k| crate::tuple::items(k).len());
    if nargs == 0 {
        return Err(type_error(format!(
            "unbound method {}.{}() needs an argument",
            d.owner().name(),
            d.def.name
        )));
    }
    if d.def.kind == MethodKind::Instance && !args[0].is_instance_of(d.owner()) {
        return Err(type_error(format!(
            "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
            d.def.name,
            d.owner().name(),
            args[0].ty().name()
        )));
    }
    (d.def.func)(args, kwnames)
}

fn method_descr_get(descr: &PyObj, instance: Option<&PyObj>, _owner: &PyObj) -> PyResult<PyObj> {
    let d = descr_payload(descr);
    match instance {
        None => Ok(descr.clone()),
        Some(inst) => {
            if !inst.is_instance_of(d.owner()) {
                return Err(type_error(format!(
                    "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
                    d.def.name,
                    d.owner().name(),
                    inst.ty().name()
                )));
            }
            Ok(new_builtin_function(
                d.def.name,
                d.def.func,
                Some(inst.clone()),
            ))
        }
    }
}

fn classmethod_descr_get(
    descr: &PyObj,
    instance: Option<&PyObj>,
    owner: &PyObj,
) -> PyResult<PyObj> {
    let d = descr_payload(descr);
    let cls = if crate::singletons::is_none(owner) {
        instance
            .map(|i| i.ty().to_obj())
            .unwrap_or_else(|| owner.clone())
    } else {
        owner.clone()
    };
    Ok(new_builtin_function(d.def.name, d.def.func, Some(cls)))
}

fn method_descr_repr(descr: &PyObj) -> PyResult<PyObj> {
    let d = descr_payload(descr);
    Ok(crate::str::from_string(format!(
        "<method '{}' of '{}' objects>",
        d.def.name,
        d.owner().name()
    )))
}

// ---------------------------------------------------------------------------------
// builtin_function_or_method
// ---------------------------------------------------------------------------------

/// A native function, possibly bound to `self` (a builtin method).
#[repr(C)]
pub struct PyBuiltinFunction {
    header: ObjectHeader,
    /// Its name.
    pub name: &'static str,
    /// The function.
    pub func: NativeFn,
    /// The bound `self` (or the module for module functions).
    pub self_: Option<PyObj>,
    /// `__module__`.
    module: Mutex<Option<PyObj>>,
    /// The module a module-level function reports as `__self__` (CPython binds
    /// module functions to their module; strand calls them without it, so it is
    /// kept apart from `self_`): a weak reference to it (`set_builtin_self_module`).
    module_self: Mutex<Option<PyObj>>,
    /// The internal doc given at creation (see [`crate::docs`]); `None` leaves it to
    /// the lookup by module or defining type.
    doc: Option<&'static str>,
}

unsafe fn builtin_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on builtin functions only.
    let f = unsafe { &*(obj.as_ptr() as *const PyBuiltinFunction) };
    if let Some(s) = &f.self_ {
        visit(s.as_ptr());
    }
    if let Some(m) = &*f.module_self.lock() {
        visit(m.as_ptr());
    }
}

unsafe fn builtin_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access.
    unsafe {
        let p = obj.as_ptr() as *mut PyBuiltinFunction;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).self_));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).module));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).module_self));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `builtin_function_or_method`.
    pub static BUILTIN_FUNCTION_TYPE = {
        name: "builtin_function_or_method",
        layout: PyBuiltinFunction,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(builtin_traverse),
        clear: None,
        dealloc: builtin_dealloc,
        size: None,
        slots: Slots {
            call: Some(builtin_call),
            repr: Some(builtin_repr),
            hash: Some(crate::baseobject::identity_hash),
            richcompare: Some(builtin_richcompare),
            ..Slots::EMPTY
        },
    }
}

// SAFETY: repr(C), header first.
unsafe impl PyPayload for PyBuiltinFunction {
    fn type_object() -> &'static PyType {
        &BUILTIN_FUNCTION_TYPE
    }
}

/// A builtin function (`self_` None) or bound builtin method. Its `__doc__` and
/// `__text_signature__` come from [`crate::docs`], by its module (see
/// [`set_builtin_module`]) or by the type that defines it.
pub fn new_builtin_function(name: &'static str, func: NativeFn, self_: Option<PyObj>) -> PyObj {
    new_builtin_function_with_doc(name, func, self_, None)
}

/// [`new_builtin_function`] with its internal doc (`"name(sig)\n--\n\nbody"`, see
/// [`crate::docs`]) given.
pub fn new_builtin_function_with_doc(
    name: &'static str,
    func: NativeFn,
    self_: Option<PyObj>,
    doc: Option<&'static str>,
) -> PyObj {
    let ty = &BUILTIN_FUNCTION_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of the layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyBuiltinFunction;
        std::ptr::addr_of_mut!((*p).name).write(name);
        std::ptr::addr_of_mut!((*p).func).write(func);
        std::ptr::addr_of_mut!((*p).self_).write(self_);
        std::ptr::addr_of_mut!((*p).module).write(Mutex::new(None));
        std::ptr::addr_of_mut!((*p).module_self).write(Mutex::new(None));
        std::ptr::addr_of_mut!((*p).doc).write(doc);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// Sets a builtin function's `__module__`.
pub fn set_builtin_module(f: &PyObj, module: PyObj) {
    if let Some(b) = f.downcast::<PyBuiltinFunction>() {
        *b.module.lock() = Some(module);
    }
}

/// Sets the module a module-level builtin function reports as `__self__`, as
/// CPython's module functions do (`len.__self__` is the `builtins` module;
/// `inspect.signature` relies on it to drop the `$module` parameter of
/// `__text_signature__`). The function is still called without it.
///
/// The function keeps only a weak reference to the module: native modules' functions
/// are immortal, and a strong one would keep a module made afresh
/// (`import_fresh_module('_struct')`) alive forever. `__self__` is None once the
/// module is gone.
pub fn set_builtin_self_module(f: &PyObj, module: &PyObj) {
    if let Some(b) = f.downcast::<PyBuiltinFunction>() {
        let weak = crate::weakref::new_weakref(&crate::weakref::WEAKREF_TYPE, module, None).ok();
        *b.module_self.lock() = weak;
    }
}

/// The module a module-level builtin function reports as `__self__`, while it lives.
fn builtin_self_module(b: &PyBuiltinFunction) -> Option<PyObj> {
    let weak = b.module_self.lock().clone()?;
    crate::weakref::get_target(&weak)
}

fn builtin_call(f: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    // SAFETY: installed on builtin functions only.
    let b = unsafe { f.payload_unchecked::<PyBuiltinFunction>() };
    match &b.self_ {
        None => (b.func)(args, kwnames),
        Some(s) => {
            let mut all = Vec::with_capacity(args.len() + 1);
            all.push(s.clone());
            all.extend_from_slice(args);
            (b.func)(&all, kwnames)
        }
    }
}

fn builtin_repr(f: &PyObj) -> PyResult<PyObj> {
    // SAFETY: installed on builtin functions only.
    let b = unsafe { f.payload_unchecked::<PyBuiltinFunction>() };
    Ok(crate::str::from_string(match &b.self_ {
        Some(s) if !s.is_exact(&crate::module::MODULE_TYPE) => {
            if crate::typeobj::is_type(s) {
                format!(
                    "<built-in method {} of type object at {:#x}>",
                    b.name,
                    s.addr()
                )
            } else {
                format!(
                    "<built-in method {} of {} object at {:#x}>",
                    b.name,
                    s.ty().name(),
                    s.addr()
                )
            }
        }
        _ => format!("<built-in function {}>", b.name),
    }))
}

fn builtin_richcompare(a: &PyObj, b: &PyObj, op: crate::typeobj::CompareOp) -> PyResult<PyObj> {
    use crate::typeobj::CompareOp;
    let (Some(x), Some(y)) = (
        a.downcast::<PyBuiltinFunction>(),
        b.downcast::<PyBuiltinFunction>(),
    ) else {
        return Ok(crate::singletons::not_implemented());
    };
    if !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(crate::singletons::not_implemented());
    }
    let same_self = match (&x.self_, &y.self_) {
        (None, None) => true,
        (Some(p), Some(q)) => p.is(q),
        _ => false,
    };
    let eq = x.func as usize == y.func as usize && same_self;
    Ok(crate::singletons::bool_obj(eq == (op == CompareOp::Eq)))
}

/// What the introspection attributes of a native callable or descriptor report:
/// its name, the type that defines it (`__objclass__`, `None` for module functions)
/// and what it is bound to (`__self__`).
struct Described {
    name: String,
    owner: Option<PyObj>,
    bound: Option<PyObj>,
}

/// Reads [`Described`] from any of the native callable and descriptor types that
/// share these getsets; another object (a getset fetched from one type's dict and
/// applied to another's instance) is a `TypeError`, never a panic.
fn described(f: &PyObj) -> PyResult<Described> {
    if let Some(b) = f.downcast::<PyBuiltinFunction>() {
        // A method's owner: the type of its `self`, or the class of a classmethod.
        let owner = match &b.self_ {
            Some(s) if s.is_exact(&crate::module::MODULE_TYPE) => None,
            Some(s) if crate::typeobj::is_type(s) => Some(s.clone()),
            Some(s) => Some(s.ty().to_obj()),
            None => None,
        };
        return Ok(Described {
            name: b.name.to_string(),
            owner,
            bound: b.self_.clone().or_else(|| builtin_self_module(b)),
        });
    }
    let ty = f.ty();
    if std::ptr::eq(ty, &METHOD_DESCR_TYPE) || std::ptr::eq(ty, &CLASSMETHOD_DESCR_TYPE) {
        let d = descr_payload(f);
        return Ok(Described {
            name: d.def.name.to_string(),
            owner: Some(d.owner().to_obj()),
            bound: None,
        });
    }
    if f.is_exact(&GETSET_DESCR_TYPE) {
        // SAFETY: checked: a getset descriptor.
        let g = unsafe { f.payload_unchecked::<PyGetSetDescr>() };
        // SAFETY: owners outlive their descriptors.
        let owner = unsafe { &*g.owner };
        return Ok(Described {
            name: g.def.name.to_string(),
            owner: Some(owner.to_obj()),
            bound: None,
        });
    }
    if f.is_exact(&MEMBER_DESCR_TYPE) {
        // SAFETY: checked: a member descriptor.
        let m = unsafe { f.payload_unchecked::<PyMemberDescr>() };
        // SAFETY: owners outlive their descriptors.
        let owner = unsafe { &*m.owner };
        return Ok(Described {
            name: crate::abstract_::str_string(&m.name)?,
            owner: Some(owner.to_obj()),
            bound: None,
        });
    }
    if let Some((name, owner, bound)) = crate::slotdefs::wrapper_parts(f) {
        return Ok(Described {
            name: name.to_string(),
            owner: Some(owner.to_obj()),
            bound,
        });
    }
    Err(type_error(format!(
        "descriptor applied to a '{}' object",
        f.ty().name()
    )))
}

fn described_qualname(d: &Described) -> PyObj {
    match &d.owner {
        Some(o) => {
            // SAFETY: `owner` is always a type object.
            let name = unsafe { PyType::from_obj(o) }.name().to_string();
            crate::str::from_string(format!("{name}.{}", d.name))
        }
        None => crate::str::from_string(d.name.clone()),
    }
}

fn name_getset() -> GetSetDef {
    GetSetDef::new(
        "__name__",
        |f| Ok(crate::str::from_string(described(f)?.name)),
        None,
    )
}

fn qualname_getset() -> GetSetDef {
    GetSetDef::new(
        "__qualname__",
        |f| Ok(described_qualname(&described(f)?)),
        None,
    )
}

fn objclass_getset() -> GetSetDef {
    GetSetDef::new(
        "__objclass__",
        |f| {
            described(f)?
                .owner
                .ok_or_else(|| attribute_error("__objclass__"))
        },
        None,
    )
}

fn self_getset() -> GetSetDef {
    GetSetDef::new(
        "__self__",
        |f| Ok(described(f)?.bound.unwrap_or_else(crate::singletons::none)),
        None,
    )
}

/// The name and internal doc (see [`crate::docs`]) of a native callable, callable
/// descriptor or getset descriptor, or `None` for one strand has no doc for (and
/// for other objects).
fn internal_doc(f: &PyObj) -> Option<(&'static str, &'static str)> {
    if let Some(b) = f.downcast::<PyBuiltinFunction>() {
        if let Some(doc) = b.doc {
            return Some((b.name, doc));
        }
        let doc = match &b.self_ {
            Some(s) if !s.is_exact(&crate::module::MODULE_TYPE) => {
                let owner = defining_type(s, b.name, b.func)?;
                crate::docs::method_doc(owner.name(), b.name)
            }
            _ => {
                let module = b.module.lock().clone()?;
                if !crate::str::is_str(&module) {
                    return None;
                }
                crate::docs::module_function_doc(crate::str::as_str(&module), b.name)
            }
        };
        return doc.map(|d| (b.name, d));
    }
    let ty = f.ty();
    if std::ptr::eq(ty, &METHOD_DESCR_TYPE) || std::ptr::eq(ty, &CLASSMETHOD_DESCR_TYPE) {
        let d = descr_payload(f);
        return crate::docs::method_doc(d.owner().name(), d.def.name).map(|doc| (d.def.name, doc));
    }
    if std::ptr::eq(ty, &GETSET_DESCR_TYPE) {
        // SAFETY: checked: a getset descriptor.
        let g = unsafe { f.payload_unchecked::<PyGetSetDescr>() };
        // SAFETY: owners outlive their descriptors.
        let owner = unsafe { &*g.owner };
        return crate::docs::getset_doc(owner.name(), g.def.name, owner.is_heap_type())
            .map(|doc| (g.def.name, doc));
    }
    let (name, _, _) = crate::slotdefs::wrapper_parts(f)?;
    crate::docs::slot_doc(name).map(|doc| (name, doc))
}

/// The type whose method descriptor `name` a bound builtin method with `self_` and
/// `func` came from: the first in the MRO of `self_`'s type (an instance method) or,
/// for a type, of `self_` itself (a classmethod) whose own dict holds a method
/// descriptor for `func`. Only introspection asks, so binding stays as cheap as it was.
fn defining_type(self_: &PyObj, name: &str, func: NativeFn) -> Option<&'static PyType> {
    let mut mros = vec![self_.ty().mro()];
    if crate::typeobj::is_type(self_) {
        // SAFETY: checked: a type object.
        mros.push(unsafe { PyType::from_obj(self_) }.mro());
    }
    for mro in mros {
        for t in crate::tuple::items(&mro) {
            // SAFETY: an MRO holds type objects only.
            let t = unsafe { PyType::from_obj(t) };
            let Some(entry) = crate::dict::get_item_str(t.dict(), name) else {
                continue;
            };
            let et = entry.ty();
            if std::ptr::eq(et, &METHOD_DESCR_TYPE) || std::ptr::eq(et, &CLASSMETHOD_DESCR_TYPE) {
                let d = descr_payload(&entry);
                if d.def.func as usize == func as usize {
                    // SAFETY: method descriptors are made for static types only
                    // (`new_method_descr` takes a `&'static PyType`).
                    return Some(unsafe { &*d.owner });
                }
            }
        }
    }
    None
}

/// `__doc__` of the native callables and callable descriptors: the body of their
/// internal doc (see [`crate::docs`]), or None.
fn doc_getset() -> GetSetDef {
    GetSetDef::new(
        "__doc__",
        |f| {
            Ok(match internal_doc(f) {
                Some((name, doc)) => crate::docs::doc_object(name, Some(doc)),
                None => crate::singletons::none(),
            })
        },
        None,
    )
}

/// `__text_signature__` of the native callables: the signature part of their
/// internal doc (with `$self`/`$type`/`$module` for the bound first parameter), or
/// None, where `inspect.signature` reports "no signature found".
fn text_signature_getset() -> GetSetDef {
    GetSetDef::new(
        "__text_signature__",
        |f| {
            Ok(match internal_doc(f) {
                Some((name, doc)) => crate::docs::text_signature_object(name, Some(doc)),
                None => crate::singletons::none(),
            })
        },
        None,
    )
}

/// `__reduce__` of the native callables and of the descriptors CPython pickles by
/// reference (`descr_reduce`, `meth_reduce`, `wrapper_reduce`): a module-level
/// builtin function reduces to its name (pickle saves it as a global); anything else
/// to `(getattr, (owner_or_self, name))`.
fn descr_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let f = &args[0];
    crate::args::Args::new(args, kw).exact(&format!("{}.__reduce__", f.ty().name()), 1)?;
    let d = described(f)?;
    if let Some(b) = f.downcast::<PyBuiltinFunction>() {
        if b.self_
            .as_ref()
            .is_none_or(|s| s.is_exact(&crate::module::MODULE_TYPE))
        {
            return Ok(crate::str::from_string(d.name));
        }
    }
    let target = d
        .bound
        .or(d.owner)
        .ok_or_else(|| type_error(format!("cannot pickle '{}' object", f.ty().name())))?;
    Ok(crate::tuple::pair(
        crate::function::get_builtin("getattr")?,
        crate::tuple::pair(target, crate::str::from_string(d.name)),
    ))
}

/// The `__reduce__` method of `builtin_function_or_method`, `method_descriptor`,
/// `member_descriptor`, `wrapper_descriptor` and `method-wrapper`.
pub(crate) fn reduce_methods() -> Vec<MethodDef> {
    vec![MethodDef::new("__reduce__", descr_reduce)]
}

/// `__name__`, `__qualname__`, `__self__`, `__module__`, `__doc__` and
/// `__text_signature__` of builtin functions.
pub(crate) fn builtin_getsets() -> Vec<GetSetDef> {
    vec![
        doc_getset(),
        text_signature_getset(),
        name_getset(),
        GetSetDef::new(
            "__qualname__",
            |f| {
                let Some(b) = f.downcast::<PyBuiltinFunction>() else {
                    return Ok(described_qualname(&described(f)?));
                };
                Ok(match &b.self_ {
                    Some(s) if !s.is_exact(&crate::module::MODULE_TYPE) => {
                        // The type's `__qualname__` (`TextIOWrapper.write`, not
                        // `_io.TextIOWrapper.write`), as CPython's
                        // `meth_get__qualname__`.
                        let owner = if crate::typeobj::is_type(s) {
                            // SAFETY: checked.
                            unsafe { PyType::from_obj(s) }.qualname()
                        } else {
                            s.ty().qualname()
                        };
                        crate::str::from_string(format!(
                            "{}.{}",
                            crate::str::as_str(&owner),
                            b.name
                        ))
                    }
                    _ => crate::str::intern(b.name),
                })
            },
            None,
        ),
        self_getset(),
        GetSetDef::new(
            "__module__",
            |f| match f.downcast::<PyBuiltinFunction>() {
                Some(b) => Ok(b
                    .module
                    .lock()
                    .clone()
                    .unwrap_or_else(crate::singletons::none)),
                None => Err(attribute_error("__module__")),
            },
            None,
        ),
    ]
}

/// `__name__`, `__qualname__`, `__objclass__` and `__doc__` of the data descriptors
/// of builtin types (`getset_descriptor`, `member_descriptor`).
pub(crate) fn descriptor_getsets() -> Vec<GetSetDef> {
    vec![
        name_getset(),
        qualname_getset(),
        objclass_getset(),
        doc_getset(),
    ]
}

/// The same, with `__text_signature__`, for the callable descriptors
/// (`method_descriptor`, `classmethod_descriptor`, `wrapper_descriptor`).
pub(crate) fn callable_descriptor_getsets() -> Vec<GetSetDef> {
    let mut v = descriptor_getsets();
    v.push(text_signature_getset());
    v
}

/// A `method-wrapper`'s: the descriptor's, and `__self__`.
pub(crate) fn method_wrapper_getsets() -> Vec<GetSetDef> {
    let mut v = callable_descriptor_getsets();
    v.push(self_getset());
    v
}

// ---------------------------------------------------------------------------------
// getset_descriptor
// ---------------------------------------------------------------------------------

/// A getset descriptor of a builtin type.
#[repr(C)]
pub struct PyGetSetDescr {
    header: ObjectHeader,
    def: GetSetDef,
    owner: *const PyType,
}

crate::builtin_type! {
    /// `getset_descriptor`.
    pub static GETSET_DESCR_TYPE = {
        name: "getset_descriptor",
        layout: PyGetSetDescr,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(getset_traverse),
        clear: None,
        dealloc: getset_dealloc,
        size: None,
        slots: Slots {
            descr_get: Some(getset_get),
            descr_set: Some(getset_set),
            repr: Some(|d| {
                // SAFETY: installed on getset descriptors only.
                let g = unsafe { d.payload_unchecked::<PyGetSetDescr>() };
                // SAFETY: owners are immortal static types or live heap types.
                Ok(crate::str::from_string(format!("<attribute '{}' of '{}' objects>", g.def.name, unsafe { &*g.owner }.name())))
            }),
            ..Slots::EMPTY
        },
    }
}

unsafe fn getset_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on getset descriptors.
    let g = unsafe { &*(obj.as_ptr() as *const PyGetSetDescr) };
    visit_owner(g.owner, visit);
}

unsafe fn getset_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the owner reference was taken at creation.
    unsafe {
        let owner = (*(obj.as_ptr() as *const PyGetSetDescr)).owner;
        crate::heaptype::dealloc_instance_memory(obj);
        release_owner(owner);
    }
}

/// A getset descriptor for `def` on `owner` (immortal for static owners; one owning a
/// reference to its owner for heap types).
pub fn new_getset_descr(owner: &PyType, def: &GetSetDef) -> PyObj {
    let ty = &GETSET_DESCR_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of the layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyGetSetDescr;
        std::ptr::addr_of_mut!((*p).def).write(*def);
        std::ptr::addr_of_mut!((*p).owner).write(owner);
        own_owner(owner);
        crate::alloc::finish_instance(ty, &obj);
        if !owner.is_heap_type() {
            crate::alloc::make_immortal(&obj);
        }
    }
    obj
}

fn getset_get(d: &PyObj, inst: Option<&PyObj>, _owner: &PyObj) -> PyResult<PyObj> {
    // SAFETY: installed on getset descriptors only.
    let g = unsafe { d.payload_unchecked::<PyGetSetDescr>() };
    match inst {
        None => Ok(d.clone()),
        Some(i) => {
            // SAFETY: owners outlive their descriptors.
            let owner = unsafe { &*g.owner };
            if !i.is_instance_of(owner) {
                return Err(type_error(format!(
                    "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
                    g.def.name,
                    owner.name(),
                    i.ty().name()
                )));
            }
            (g.def.get)(i)
        }
    }
}

fn getset_set(d: &PyObj, inst: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    // SAFETY: installed on getset descriptors only.
    let g = unsafe { d.payload_unchecked::<PyGetSetDescr>() };
    match g.def.set {
        Some(set) => set(inst, value),
        None => Err(attribute_error(format!(
            "attribute '{}' of '{}' objects is not writable",
            g.def.name,
            // SAFETY: owners outlive their descriptors.
            unsafe { &*g.owner }.name()
        ))),
    }
}

// ---------------------------------------------------------------------------------
// member_descriptor (__slots__)
// ---------------------------------------------------------------------------------

/// A `__slots__` member: slot `index` of instances of `owner`.
#[repr(C)]
pub struct PyMemberDescr {
    header: ObjectHeader,
    name: PyObj,
    offset: usize,
    owner: *const PyType,
}

unsafe fn member_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on member descriptors.
    let m = unsafe { &*(obj.as_ptr() as *const PyMemberDescr) };
    visit(m.name.as_ptr());
    visit_owner(m.owner, visit);
}

unsafe fn member_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PyMemberDescr;
        let owner = (*p).owner;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).name));
        crate::heaptype::dealloc_instance_memory(obj);
        release_owner(owner);
    }
}

crate::builtin_type! {
    /// `member_descriptor`.
    pub static MEMBER_DESCR_TYPE = {
        name: "member_descriptor",
        layout: PyMemberDescr,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(member_traverse),
        clear: None,
        dealloc: member_dealloc,
        size: None,
        slots: Slots {
            descr_get: Some(member_get),
            descr_set: Some(member_set),
            repr: Some(|d| {
                // SAFETY: installed on member descriptors.
                let m = unsafe { d.payload_unchecked::<PyMemberDescr>() };
                // SAFETY: the owner outlives its descriptors.
                Ok(crate::str::from_string(format!("<member '{}' of '{}' objects>", crate::str::as_str(&m.name), unsafe { &*m.owner }.name())))
            }),
            ..Slots::EMPTY
        },
    }
}

/// A member descriptor for the slot at byte `offset` of instances of `owner`.
pub(crate) fn new_member_descr(owner: &PyType, name: PyObj, offset: usize) -> PyObj {
    let ty = &MEMBER_DESCR_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of the layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyMemberDescr;
        std::ptr::addr_of_mut!((*p).name).write(name);
        std::ptr::addr_of_mut!((*p).offset).write(offset);
        std::ptr::addr_of_mut!((*p).owner).write(owner);
        own_owner(owner);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// The slot word at `offset` in `obj`.
///
/// # Safety
/// `obj`'s layout has a slot word at `offset`.
pub(crate) unsafe fn slot_at(obj: &PyObj, offset: usize) -> &AtomicPtr<ObjectHeader> {
    // SAFETY: forwarded.
    unsafe {
        &*((obj.as_ptr().as_ptr() as *const u8).add(offset) as *const AtomicPtr<ObjectHeader>)
    }
}

/// The byte offset of the slot a `__slots__` member descriptor reads, if `d` is one
/// (for specialized attribute access, which then skips the descriptor: the owning
/// type's version proves the descriptor, and so the offset, unchanged).
pub fn member_offset(d: &PyObj) -> Option<usize> {
    if !d.is_exact(&MEMBER_DESCR_TYPE) {
        return None;
    }
    // SAFETY: a member descriptor (checked above).
    Some(unsafe { d.payload_unchecked::<PyMemberDescr>() }.offset)
}

/// Reads `inst`'s slot at `offset` as `member_get` does (`None` if it is empty).
///
/// Lock-free for the thread that owns `inst` and for any thread once `inst` is shared
/// (as `list::get`): the slot is loaded and its value taken with `try_incref_compare`,
/// which for a value the reader owns (or an immortal one) is a plain increment. The
/// value loaded stays allocated while the reader is here because other threads change
/// a slot only after sharing the instance under its lock (`share_slots_locked`):
/// from then on the values it stores are published first, so that the old values
/// they drop wait out a QSBR grace period. A first read by a thread other than the
/// owner of an instance that is not shared takes the lock and shares it.
///
/// # Safety
/// `inst`'s layout has a slot word at `offset` (it is an instance of the type whose
/// member descriptor gave the offset).
#[inline]
pub unsafe fn read_slot(inst: &PyObj, offset: usize) -> Option<PyObj> {
    if crate::alloc::owned_by_current_thread(inst) || is_shared(inst) {
        // SAFETY: the slot exists by the caller's contract; its values stay allocated
        // while we read (above), and writers drop a value only after replacing it.
        if let Some(p) = unsafe { strand_heap::refcount::try_incref_compare(slot_at(inst, offset)) }
        {
            // SAFETY: we took the reference.
            return Some(unsafe { PyObj::from_owned(p) });
        }
    }
    // SAFETY: forwarded.
    unsafe { read_slot_locked(inst, offset) }
}

/// [`read_slot`] under the instance's lock: an empty slot, a value being replaced, or
/// a first read by a thread other than the owner (which shares the instance).
///
/// # Safety
/// As [`read_slot`].
#[inline(never)]
unsafe fn read_slot_locked(inst: &PyObj, offset: usize) -> Option<PyObj> {
    strand_heap::critical_section!(inst);
    ensure_slots_shared_locked(inst);
    // SAFETY: the slot exists by the caller's contract.
    let p = unsafe { slot_at(inst, offset) }.load(Acquire);
    // SAFETY: under the lock the slot's reference keeps the value alive.
    ObjPtr::from_raw(p).map(|p| unsafe { PyObj::from_borrowed(p) })
}

/// Stores `value` into `inst`'s slot at `offset` as `member_set` does.
///
/// # Safety
/// As [`read_slot`].
pub unsafe fn write_slot(inst: &PyObj, offset: usize, value: PyObj) {
    let old = {
        strand_heap::critical_section!(inst);
        ensure_slots_shared_locked(inst);
        publish_slot_value(inst, value.as_ptr());
        // SAFETY: the slot exists by the caller's contract.
        let slot = unsafe { slot_at(inst, offset) };
        // A plain load and a release store under the lock (lock-free readers load with
        // acquire), as `list::set`.
        let old = slot.load(Relaxed);
        slot.store(value.into_ptr().as_ptr(), Release);
        old
    };
    if let Some(old) = ObjPtr::from_raw(old) {
        // SAFETY: the slot owned the old value; dropped outside the lock.
        drop(unsafe { PyObj::from_owned(old) });
    }
}

/// Whether `inst` is published for lock-free readers on other threads.
#[inline(always)]
fn is_shared(inst: &PyObj) -> bool {
    // SAFETY: `inst` is alive.
    unsafe { inst.as_ptr().flags() }.contains(strand_heap::ObFlags::SHARED)
}

/// Called with `inst`'s lock held before a thread other than its owner reads or
/// changes its slots: shares it (CPython's `ensure_shared_on_read`/`_on_resize` for
/// dicts and lists, applied to `__slots__`), because the owner reads its slots
/// lock-free and must not see a value freed at once.
#[inline(always)]
fn ensure_slots_shared_locked(inst: &PyObj) {
    if !crate::alloc::owned_by_current_thread(inst) && !is_shared(inst) {
        share_slots_locked(inst);
    }
}

/// Publishes `inst` and the values in its `__slots__` for lock-free readers on other
/// threads (its lock is held): from now on dropped values and the instance itself
/// wait out a QSBR grace period before their memory is reused.
#[cold]
#[inline(never)]
fn share_slots_locked(inst: &PyObj) {
    let mut t = inst.ty();
    while t.is_heap_type() {
        let inner = t.inner();
        for i in 0..inner.slot_names.len() {
            // SAFETY: heap types' slot words are in the instance at these offsets.
            let slot = unsafe { slot_at(inst, inner.slots_offset + i * 8) };
            if let Some(p) = ObjPtr::from_raw(slot.load(Acquire)) {
                // SAFETY: the slot holds a reference (we hold the lock).
                unsafe { strand_heap::refcount::mark_shared(p) };
            }
        }
        t = t.base().expect("heap types have a base");
    }
    // SAFETY: alive.
    unsafe { strand_heap::refcount::mark_shared(inst.as_ptr()) };
}

/// Publishes a value about to be stored in a slot of a shared instance.
#[inline(always)]
fn publish_slot_value(inst: &PyObj, value: ObjPtr) {
    if is_shared(inst) {
        // SAFETY: the caller holds a reference to `value`.
        unsafe { strand_heap::refcount::mark_shared(value) };
    }
}

fn member_get(d: &PyObj, inst: Option<&PyObj>, _owner: &PyObj) -> PyResult<PyObj> {
    // SAFETY: installed on member descriptors.
    let m = unsafe { d.payload_unchecked::<PyMemberDescr>() };
    let Some(i) = inst else { return Ok(d.clone()) };
    // SAFETY: the owner outlives its descriptors.
    let owner = unsafe { &*m.owner };
    if !i.is_instance_of(owner) {
        return Err(type_error(format!(
            "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
            crate::str::as_str(&m.name),
            owner.name(),
            i.ty().name()
        )));
    }
    // SAFETY: `i` is an instance of the member's owner, so the slot exists.
    match unsafe { read_slot(i, m.offset) } {
        Some(v) => Ok(v),
        None => Err(crate::exceptions::no_attribute(i, &m.name)),
    }
}

fn member_set(d: &PyObj, inst: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    // SAFETY: installed on member descriptors.
    let m = unsafe { d.payload_unchecked::<PyMemberDescr>() };
    // SAFETY: the owner outlives its descriptors.
    let owner = unsafe { &*m.owner };
    if !inst.is_instance_of(owner) {
        return Err(type_error(format!(
            "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
            crate::str::as_str(&m.name),
            owner.name(),
            inst.ty().name()
        )));
    }
    let new = value.map_or(std::ptr::null_mut(), |v| v.clone().into_ptr().as_ptr());
    let old = {
        strand_heap::critical_section!(inst);
        ensure_slots_shared_locked(inst);
        if let Some(v) = value {
            publish_slot_value(inst, v.as_ptr());
        }
        // SAFETY: checked above: an instance of the owner has the slot.
        let slot = unsafe { slot_at(inst, m.offset) };
        let old = slot.load(Relaxed);
        if value.is_none() && old.is_null() {
            return Err(crate::exceptions::no_attribute(inst, &m.name));
        }
        slot.store(new, Release);
        old
    };
    if let Some(old) = ObjPtr::from_raw(old) {
        // SAFETY: the slot owned the old value.
        drop(unsafe { PyObj::from_owned(old) });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// staticmethod, classmethod, property
// ---------------------------------------------------------------------------------

/// `staticmethod(f)` / `classmethod(f)`: one wrapped callable plus a `__dict__`.
#[repr(C)]
pub struct PyWrapperObj {
    header: ObjectHeader,
    callable: Mutex<Option<PyObj>>,
}

unsafe fn wrapper_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on staticmethod/classmethod.
    let w = unsafe { &*(obj.as_ptr() as *const PyWrapperObj) };
    if let Some(g) = w.callable.try_lock() {
        if let Some(c) = &*g {
            visit(c.as_ptr());
        }
    }
    // SAFETY: these types have a pre-header.
    unsafe { crate::managed::traverse(obj, visit) };
}

unsafe fn wrapper_clear(obj: ObjPtr) {
    // SAFETY: installed on staticmethod/classmethod; kept alive by the collector.
    let w = unsafe { &*(obj.as_ptr() as *const PyWrapperObj) };
    let c = w.callable.lock().take();
    drop(c);
    // SAFETY: pre-header object.
    unsafe { crate::managed::clear(obj) };
}

unsafe fn wrapper_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PyWrapperObj;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).callable));
        crate::managed::clear(obj);
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

macro_rules! wrapper_type {
    ($ident:ident, $name:literal, $get:expr, $call:expr) => {
        crate::builtin_type! {
            #[doc = concat!("`", $name, "`.")]
            pub static $ident = {
                name: $name,
                layout: PyWrapperObj,
                itemsize: 0,
                kind: HeapKind::GcPreheader,
                flags: TypeFlags::BASETYPE.union(TypeFlags::MANAGED_DICT).union(TypeFlags::PREHEADER),
                traverse: Some(wrapper_traverse),
                clear: Some(wrapper_clear),
                dealloc: wrapper_dealloc,
                size: None,
                slots: Slots {
                    descr_get: Some($get),
                    call: $call,
                    repr: Some(wrapper_repr),
                    new: Some(wrapper_new),
                    init: Some(wrapper_init),
                    getattro: Some(crate::baseobject::generic_getattr),
                    setattro: Some(crate::baseobject::generic_setattr),
                    ..Slots::EMPTY
                },
            }
        }
    };
}

wrapper_type!(
    STATICMETHOD_TYPE,
    "staticmethod",
    staticmethod_get,
    Some(staticmethod_call)
);
wrapper_type!(CLASSMETHOD_TYPE, "classmethod", classmethod_get, None);

/// `repr()` of a staticmethod or classmethod: `<staticmethod(<function f at ...>)>`,
/// named for the builtin type even on subclasses (CPython 3.11's `sm_repr` and
/// `cm_repr` write the name out).
fn wrapper_repr(obj: &PyObj) -> PyResult<PyObj> {
    // SAFETY: installed on staticmethod/classmethod (and subclasses).
    let w = unsafe { obj.payload_unchecked::<PyWrapperObj>() };
    let callable = w.callable.lock().clone();
    let inner = match callable {
        Some(c) => ab::repr_string(&c)?,
        None => "<NULL>".to_string(),
    };
    let kind = if obj.is_instance_of(&CLASSMETHOD_TYPE) {
        "classmethod"
    } else {
        "staticmethod"
    };
    Ok(crate::str::from_string(format!("<{kind}({inner})>")))
}

/// Static methods are callable as they are (Python 3.10+).
fn staticmethod_call(sm: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    ab::call(&wrapped(sm)?, args, kwnames)
}

fn wrapped(obj: &PyObj) -> PyResult<PyObj> {
    // SAFETY: installed on staticmethod/classmethod (and subclasses).
    let w = unsafe { obj.payload_unchecked::<PyWrapperObj>() };
    w.callable
        .lock()
        .clone()
        .ok_or_else(|| crate::exceptions::runtime_error("uninitialized staticmethod object"))
}

fn wrapper_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "staticmethod.__new__(X)")?;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyWrapperObj;
        std::ptr::addr_of_mut!((*p).callable).write(Mutex::new(None));
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn wrapper_init(obj: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let a = crate::args::Args::new(args, kw);
    a.no_kwargs(obj.ty().name())?;
    if a.nargs() != 1 {
        return Err(type_error(format!(
            "{} expected 1 argument, got {}",
            obj.ty().name(),
            a.nargs()
        )));
    }
    // SAFETY: installed on staticmethod/classmethod (and subclasses).
    let w = unsafe { obj.payload_unchecked::<PyWrapperObj>() };
    *w.callable.lock() = Some(args[0].clone());
    // functools.wraps-like attribute copying, as CPython 3.10+'s functools_wraps:
    // missing attributes are skipped, other errors propagate.
    for name in [
        "__module__",
        "__name__",
        "__qualname__",
        "__doc__",
        "__annotations__",
    ] {
        if let Some(v) = ab::getattr_opt(&args[0], &crate::str::intern(name))? {
            let d = crate::managed::ensure_dict(obj);
            crate::dict::set_item_str(&d, name, v);
        }
    }
    Ok(())
}

/// `staticmethod(f)`.
pub fn new_staticmethod(f: PyObj) -> PyResult<PyObj> {
    let obj = wrapper_new(&STATICMETHOD_TYPE.to_obj(), &[], None)?;
    wrapper_init(&obj, &[f], None)?;
    Ok(obj)
}

/// `classmethod(f)`.
pub fn new_classmethod(f: PyObj) -> PyResult<PyObj> {
    let obj = wrapper_new(&CLASSMETHOD_TYPE.to_obj(), &[], None)?;
    wrapper_init(&obj, &[f], None)?;
    Ok(obj)
}

fn staticmethod_get(d: &PyObj, _inst: Option<&PyObj>, _owner: &PyObj) -> PyResult<PyObj> {
    wrapped(d)
}

/// `classmethod.__get__`: the wrapped object bound to the class. A wrapped
/// descriptor (a `property`, another `classmethod`) is asked to bind itself with
/// the class as both instance and owner, as CPython 3.11's `cm_descr_get` does:
/// `classmethod(property(f))` makes `f(cls)` a class property.
fn classmethod_get(d: &PyObj, inst: Option<&PyObj>, owner: &PyObj) -> PyResult<PyObj> {
    let f = wrapped(d)?;
    let cls = if crate::singletons::is_none(owner) {
        inst.map(|i| i.ty().to_obj())
            .unwrap_or_else(|| owner.clone())
    } else {
        owner.clone()
    };
    if let Some(get) = f.ty().slots().descr_get {
        return get(&f, Some(&cls), &cls);
    }
    Ok(crate::function::new_method(f, cls))
}

/// `__func__` and `__wrapped__` of staticmethod/classmethod.
pub(crate) fn wrapper_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("__func__", wrapped, None),
        GetSetDef::new("__wrapped__", wrapped, None),
        GetSetDef::new(
            "__isabstractmethod__",
            |o| {
                let f = wrapped(o)?;
                Ok(
                    ab::getattr_opt(&f, &crate::str::intern("__isabstractmethod__"))?
                        .unwrap_or_else(crate::singletons::false_),
                )
            },
            None,
        ),
        GetSetDef::new("__dict__", |o| Ok(crate::managed::expose_dict(o)), None),
    ]
}

/// `property(fget, fset, fdel, doc)`.
#[repr(C)]
pub struct PyProperty {
    header: ObjectHeader,
    state: Mutex<PropertyState>,
}

// SAFETY: repr(C), header first; property subclasses extend it.
unsafe impl PyPayload for PyProperty {
    fn type_object() -> &'static PyType {
        &PROPERTY_TYPE
    }
}

#[derive(Default, Clone)]
struct PropertyState {
    fget: Option<PyObj>,
    fset: Option<PyObj>,
    fdel: Option<PyObj>,
    doc: Option<PyObj>,
    name: Option<PyObj>,
    /// The docstring came from the getter (no `doc` argument): a copy made by
    /// `getter`/`setter`/`deleter` takes the new getter's docstring instead
    /// (CPython's `getter_doc`).
    getter_doc: bool,
}

unsafe fn property_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on properties.
    let p = unsafe { &*(obj.as_ptr() as *const PyProperty) };
    if let Some(st) = p.state.try_lock() {
        for o in [&st.fget, &st.fset, &st.fdel, &st.doc, &st.name]
            .into_iter()
            .flatten()
        {
            visit(o.as_ptr());
        }
    }
    // SAFETY: property has a pre-header (subclasses may add attributes).
    unsafe { crate::managed::traverse(obj, visit) };
}

unsafe fn property_clear(obj: ObjPtr) {
    // SAFETY: installed on properties; kept alive by the collector.
    let p = unsafe { &*(obj.as_ptr() as *const PyProperty) };
    let st = std::mem::take(&mut *p.state.lock());
    drop(st);
    // SAFETY: pre-header object.
    unsafe { crate::managed::clear(obj) };
}

unsafe fn property_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PyProperty;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        crate::managed::clear(obj);
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `property`.
    pub static PROPERTY_TYPE = {
        name: "property",
        layout: PyProperty,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::BASETYPE.union(TypeFlags::PREHEADER),
        traverse: Some(property_traverse),
        clear: Some(property_clear),
        dealloc: property_dealloc,
        size: None,
        slots: Slots {
            descr_get: Some(property_get),
            descr_set: Some(property_set),
            new: Some(property_new),
            init: Some(property_init),
            getattro: Some(crate::baseobject::generic_getattr),
            setattro: Some(crate::baseobject::generic_setattr),
            ..Slots::EMPTY
        },
    }
}

fn prop(obj: &PyObj) -> &PyProperty {
    // SAFETY: installed on property (and subclasses).
    unsafe { obj.payload_unchecked::<PyProperty>() }
}

fn property_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "property.__new__(X)")?;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyProperty;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(PropertyState::default()));
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

/// `property.__init__(fget=None, fset=None, fdel=None, doc=None)` (CPython 3.11's
/// `property_init_impl`): without a `doc`, the getter's docstring is used. A
/// property subclass keeps that docstring in the instance's `__dict__` (set with
/// `setattr`, so that the subclass's own `__doc__` does not shadow it); one without
/// a `__dict__` (`__slots__`) cannot: `AttributeError`, as in CPython 3.11. An
/// explicit `doc` stays in the property itself.
fn property_init(obj: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let a = crate::args::Args::new(args, kw);
    let b = a.bind("property", 0, &["fget", "fset", "fdel", "doc"], 0)?;
    let some = |o: Option<&PyObj>| o.filter(|v| !crate::singletons::is_none(v)).cloned();
    let mut st = PropertyState {
        fget: some(b[0]),
        fset: some(b[1]),
        fdel: some(b[2]),
        doc: some(b[3]),
        name: None,
        getter_doc: false,
    };
    let mut for_dict = None;
    if st.doc.is_none() {
        if let Some(g) = &st.fget {
            let Some(doc) = ab::getattr_opt(g, &crate::str::intern("__doc__"))? else {
                *prop(obj).state.lock() = st;
                return Ok(());
            };
            st.getter_doc = true;
            if obj.is_exact(&PROPERTY_TYPE) {
                st.doc = Some(doc).filter(|d| !crate::singletons::is_none(d));
            } else {
                for_dict = Some(doc);
            }
        }
    }
    *prop(obj).state.lock() = st;
    match for_dict {
        Some(doc) => ab::setattr(obj, &crate::str::intern("__doc__"), &doc),
        None => Ok(()),
    }
}

/// The `AttributeError` of a property without the accessor `what` ("getter",
/// "setter", "deleter") used on `inst`: it names the property (once
/// `__set_name__` gave it a name) and the qualified name of the instance's type.
fn property_missing(name: Option<&PyObj>, inst: &PyObj, what: &str) -> crate::PyErr {
    let qualname = inst.ty().qualname();
    let msg = match name {
        Some(n) => match (ab::repr_string(n), ab::repr_string(&qualname)) {
            (Ok(n), Ok(q)) => format!("property {n} of {q} object has no {what}"),
            (Err(e), _) | (_, Err(e)) => return e,
        },
        None => match ab::repr_string(&qualname) {
            Ok(q) => format!("property of {q} object has no {what}"),
            Err(e) => return e,
        },
    };
    attribute_error(msg)
}

fn property_get(d: &PyObj, inst: Option<&PyObj>, _owner: &PyObj) -> PyResult<PyObj> {
    let Some(i) = inst else { return Ok(d.clone()) };
    let st = prop(d).state.lock().clone();
    match st.fget {
        Some(g) => ab::call(&g, std::slice::from_ref(i), None),
        None => Err(property_missing(st.name.as_ref(), i, "getter")),
    }
}

fn property_set(d: &PyObj, inst: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    let st = prop(d).state.lock().clone();
    match value {
        Some(v) => match st.fset {
            Some(f) => ab::call(&f, &[inst.clone(), v.clone()], None).map(drop),
            None => Err(property_missing(st.name.as_ref(), inst, "setter")),
        },
        None => match st.fdel {
            Some(f) => ab::call(&f, std::slice::from_ref(inst), None).map(drop),
            None => Err(property_missing(st.name.as_ref(), inst, "deleter")),
        },
    }
}

/// `prop.getter(f)`/`setter(f)`/`deleter(f)` (`which` 0, 1, 2): a new property of
/// the same type with one accessor replaced (None keeps the old one), made by
/// calling the type, and the old name (CPython's `property_copy`). A docstring that
/// came from the old getter is not passed on, so that the copy takes its getter's.
fn property_copy(obj: &PyObj, which: usize, f: &PyObj) -> PyResult<PyObj> {
    let mut st = prop(obj).state.lock().clone();
    if !crate::singletons::is_none(f) {
        match which {
            0 => st.fget = Some(f.clone()),
            1 => st.fset = Some(f.clone()),
            _ => st.fdel = Some(f.clone()),
        }
    }
    let doc = if st.getter_doc && st.fget.is_some() {
        None
    } else {
        st.doc
    };
    let n = |o: Option<PyObj>| o.unwrap_or_else(crate::singletons::none);
    let new = ab::call(
        &obj.ty().to_obj(),
        &[n(st.fget), n(st.fset), n(st.fdel), n(doc)],
        None,
    )?;
    if let Some(p) = new.downcast::<PyProperty>() {
        p.state.lock().name = st.name;
    }
    Ok(new)
}

/// Methods of `property`.
pub(crate) fn property_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("getter", |args, kw| {
            crate::args::Args::new(args, kw).exact("getter", 2)?;
            property_copy(&args[0], 0, &args[1])
        }),
        MethodDef::new("setter", |args, kw| {
            crate::args::Args::new(args, kw).exact("setter", 2)?;
            property_copy(&args[0], 1, &args[1])
        }),
        MethodDef::new("deleter", |args, kw| {
            crate::args::Args::new(args, kw).exact("deleter", 2)?;
            property_copy(&args[0], 2, &args[1])
        }),
        MethodDef::new("__set_name__", |args, kw| {
            crate::args::Args::new(args, kw).no_kwargs("__set_name__")?;
            if args.len() != 3 {
                return Err(type_error(format!(
                    "__set_name__() takes 2 positional arguments but {} were given",
                    args.len().saturating_sub(1)
                )));
            }
            prop(&args[0]).state.lock().name = Some(args[2].clone());
            Ok(crate::singletons::none())
        }),
        MethodDef::new("__get__", |args, kw| {
            crate::args::Args::new(args, kw).range("__get__", 2, 3)?;
            let inst = Some(&args[1]).filter(|i| !crate::singletons::is_none(i));
            property_get(
                &args[0],
                inst,
                args.get(2).unwrap_or(&crate::singletons::none()),
            )
        }),
        MethodDef::new("__set__", |args, kw| {
            crate::args::Args::new(args, kw).exact("__set__", 3)?;
            property_set(&args[0], &args[1], Some(&args[2]))?;
            Ok(crate::singletons::none())
        }),
    ]
}

/// `fget`, `fset`, `fdel`, `__doc__`, `__isabstractmethod__` of property.
pub(crate) fn property_getsets() -> Vec<GetSetDef> {
    fn field(o: &PyObj, i: usize) -> PyObj {
        let st = prop(o).state.lock();
        [&st.fget, &st.fset, &st.fdel, &st.doc][i]
            .clone()
            .unwrap_or_else(crate::singletons::none)
    }
    vec![
        GetSetDef::new("fget", |o| Ok(field(o, 0)), None),
        GetSetDef::new("fset", |o| Ok(field(o, 1)), None),
        GetSetDef::new("fdel", |o| Ok(field(o, 2)), None),
        GetSetDef::new(
            "__doc__",
            |o| Ok(field(o, 3)),
            Some(|o, v| {
                prop(o).state.lock().doc = v.cloned();
                Ok(())
            }),
        ),
        GetSetDef::new(
            "__isabstractmethod__",
            |o| {
                for f in [field(o, 0), field(o, 1), field(o, 2)] {
                    if crate::singletons::is_none(&f) {
                        continue;
                    }
                    if let Some(v) =
                        ab::getattr_opt(&f, &crate::str::intern("__isabstractmethod__"))?
                    {
                        if ab::is_true(&v)? {
                            return Ok(crate::singletons::true_());
                        }
                    }
                }
                Ok(crate::singletons::false_())
            },
            None,
        ),
    ]
}
