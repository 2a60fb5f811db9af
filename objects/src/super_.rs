//! `super()`: attribute lookup that starts after a given class in an instance's MRO
//! (CPython's Objects/typeobject.c `super_getattro`). The zero-argument form gets the
//! class and the first argument from the running frame through a hook the interpreter
//! installs.

use std::sync::atomic::{AtomicPtr, Ordering::Relaxed};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::{runtime_error, type_error};
use crate::object::PyObj;
use crate::typeobj::{PyType, Slots, TypeFlags};
use crate::PyResult;

/// The layout of a `super` object.
#[repr(C)]
pub struct PySuper {
    header: ObjectHeader,
    /// The class to start after.
    type_: Option<PyObj>,
    /// The bound object (instance or class), if any.
    obj: Option<PyObj>,
    /// The type whose MRO is searched.
    obj_type: Option<PyObj>,
}

unsafe fn super_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on super objects.
    let s = unsafe { &*(obj.as_ptr() as *const PySuper) };
    for o in [&s.type_, &s.obj, &s.obj_type].into_iter().flatten() {
        visit(o.as_ptr());
    }
}

unsafe fn super_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PySuper;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).type_));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).obj));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).obj_type));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// The `super` type.
    pub static SUPER_TYPE = {
        name: "super",
        layout: PySuper,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(super_traverse),
        clear: None,
        dealloc: super_dealloc,
        size: None,
        slots: Slots {
            getattro: Some(super_getattro),
            descr_get: Some(super_descr_get),
            new: Some(super_new),
            init: Some(super_init),
            repr: Some(super_repr),
            ..Slots::EMPTY
        },
    }
}

fn sp(o: &PyObj) -> &PySuper {
    // SAFETY: installed on super (and subclasses).
    unsafe { o.payload_unchecked::<PySuper>() }
}

/// Returns `(class, first argument)` of the running function for `super()`.
pub type ZeroArgHook = fn() -> PyResult<(PyObj, PyObj)>;

static ZERO_ARG_HOOK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());

/// Installs the interpreter's hook for zero-argument `super()`.
pub fn set_zero_arg_hook(hook: ZeroArgHook) {
    ZERO_ARG_HOOK.store(hook as *mut (), Relaxed);
}

fn alloc_super(ty: &PyType) -> PyObj {
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PySuper;
        std::ptr::addr_of_mut!((*p).type_).write(None);
        std::ptr::addr_of_mut!((*p).obj).write(None);
        std::ptr::addr_of_mut!((*p).obj_type).write(None);
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// `super(type, obj)`.
pub fn new_super(type_: &PyObj, obj: &PyObj) -> PyResult<PyObj> {
    let s = alloc_super(&SUPER_TYPE);
    set_fields(&s, type_.clone(), Some(obj.clone()))?;
    Ok(s)
}

fn set_fields(s: &PyObj, type_: PyObj, obj: Option<PyObj>) -> PyResult<()> {
    crate::typeobj::expect_type(&type_, "super() argument 1").map_err(|_| {
        type_error(format!(
            "super() argument 1 must be a type, not {}",
            type_.ty().name()
        ))
    })?;
    let obj_type = match &obj {
        Some(o) => Some(supercheck(&type_, o)?),
        None => None,
    };
    // SAFETY: the object is being initialised by its creator (super.__init__).
    unsafe {
        let p = s.as_ptr().as_ptr() as *mut PySuper;
        (*p).type_ = Some(type_);
        (*p).obj = obj;
        (*p).obj_type = obj_type;
    }
    Ok(())
}

/// The type whose MRO `super(type_, obj)` searches (CPython's `supercheck`).
fn supercheck(type_: &PyObj, obj: &PyObj) -> PyResult<PyObj> {
    // SAFETY: type_ was checked to be a type.
    let t = unsafe { PyType::from_obj(type_) };
    if crate::typeobj::is_type(obj) {
        // SAFETY: checked.
        if unsafe { PyType::from_obj(obj) }.is_subtype(t) {
            return Ok(obj.clone());
        }
    }
    if obj.ty().is_subtype(t) {
        return Ok(obj.ty().to_obj());
    }
    if let Some(cls) = ab::getattr_opt(obj, &crate::names::NAMES.__class__)? {
        if crate::typeobj::is_type(&cls) {
            // SAFETY: checked.
            if unsafe { PyType::from_obj(&cls) }.is_subtype(t) {
                return Ok(cls);
            }
        }
    }
    Err(type_error(
        "super(type, obj): obj must be an instance or subtype of type",
    ))
}

fn super_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "super.__new__(X)")?;
    Ok(alloc_super(ty))
}

fn super_init(s: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let a = crate::args::Args::new(args, kw);
    a.no_kwargs("super")?;
    match a.nargs() {
        0 => {
            let h = ZERO_ARG_HOOK.load(Relaxed);
            if h.is_null() {
                return Err(runtime_error("super(): no arguments"));
            }
            // SAFETY: only ZeroArgHook pointers are stored.
            let hook: ZeroArgHook = unsafe { std::mem::transmute::<*mut (), ZeroArgHook>(h) };
            let (t, o) = hook()?;
            set_fields(s, t, Some(o))
        }
        1 => set_fields(s, args[0].clone(), None),
        2 => {
            let o = Some(args[1].clone()).filter(|o| !crate::singletons::is_none(o));
            set_fields(s, args[0].clone(), o)
        }
        n => Err(type_error(format!(
            "super() expected at most 2 arguments, got {n}"
        ))),
    }
}

fn super_getattro(s: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    let su = sp(s);
    let skip = su.obj_type.is_none()
        || (crate::str::is_str(name) && crate::str::as_str(name) == "__class__");
    if !skip {
        let start = su.type_.as_ref().expect("initialised");
        let obj_type = su.obj_type.as_ref().expect("checked");
        // SAFETY: obj_type is a type (supercheck).
        let ot = unsafe { PyType::from_obj(obj_type) };
        let mro = ot.mro();
        let items = crate::tuple::items(&mro);
        if let Some(i) = items.iter().position(|t| t.is(start)) {
            for t in &items[i + 1..] {
                // SAFETY: MRO entries are types.
                let tt = unsafe { PyType::from_obj(t) };
                if let Some(res) = crate::dict::get_item(tt.dict(), name)? {
                    if let Some(get) = res.ty().slots().descr_get {
                        let inst = su.obj.as_ref().filter(|o| !o.is(obj_type));
                        return get(&res, inst, obj_type);
                    }
                    return Ok(res);
                }
            }
        }
    }
    crate::baseobject::generic_getattr(s, name)
}

fn super_descr_get(s: &PyObj, inst: Option<&PyObj>, _owner: &PyObj) -> PyResult<PyObj> {
    let su = sp(s);
    match (inst, &su.obj) {
        (Some(i), None) if !crate::singletons::is_none(i) => {
            let n = alloc_super(s.ty());
            set_fields(&n, su.type_.clone().expect("initialised"), Some(i.clone()))?;
            Ok(n)
        }
        _ => Ok(s.clone()),
    }
}

fn super_repr(s: &PyObj) -> PyResult<PyObj> {
    let su = sp(s);
    let tname = su
        .type_
        .as_ref()
        // SAFETY: type_ is a type.
        .map(|t| unsafe { PyType::from_obj(t) }.name().to_string())
        .unwrap_or_else(|| "NULL".into());
    Ok(crate::str::from_string(match &su.obj_type {
        Some(ot) => {
            // SAFETY: obj_type is a type.
            let oname = unsafe { PyType::from_obj(ot) }.name();
            format!("<super: <class '{tname}'>, <{oname} object>>")
        }
        None => format!("<super: <class '{tname}'>, NULL>"),
    }))
}

/// `__thisclass__`, `__self__`, `__self_class__`.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    fn opt(o: &Option<PyObj>) -> PyObj {
        o.clone().unwrap_or_else(crate::singletons::none)
    }
    vec![
        GetSetDef::new("__thisclass__", |s| Ok(opt(&sp(s).type_)), None),
        GetSetDef::new("__self__", |s| Ok(opt(&sp(s).obj)), None),
        GetSetDef::new("__self_class__", |s| Ok(opt(&sp(s).obj_type)), None),
    ]
}
