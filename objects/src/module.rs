//! Module objects: a namespace dict (the module's `__dict__`, kept in the managed-dict
//! pre-header word), with PEP 562 module `__getattr__`.

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::object::PyObj;
use crate::typeobj::{PyType, Slots, TypeFlags};
use crate::PyResult;

/// The layout of a module (its dict is in the pre-header).
#[repr(C)]
pub struct PyModule {
    header: ObjectHeader,
}

unsafe fn module_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: modules have a pre-header.
    unsafe { crate::managed::traverse(obj, visit) };
}

unsafe fn module_clear(obj: ObjPtr) {
    // SAFETY: the collector holds a reference. Like CPython's module_clear, the module
    // only lets go of its dict: the dict may still be reachable (a function's
    // globals), and if it is garbage too, its own clear breaks the cycles through it.
    unsafe { crate::managed::clear(obj) };
}

unsafe fn module_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        crate::weakref::clear_weakrefs_on_dealloc(obj);
        crate::managed::clear(obj);
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// The `module` type.
    pub static MODULE_TYPE = {
        name: "module",
        layout: PyModule,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::BASETYPE.union(TypeFlags::MANAGED_DICT).union(TypeFlags::PREHEADER).union(TypeFlags::MANAGED_WEAKREF),
        traverse: Some(module_traverse),
        clear: Some(module_clear),
        dealloc: module_dealloc,
        size: None,
        slots: Slots {
            repr: Some(module_repr),
            getattro: Some(module_getattro),
            setattro: Some(crate::baseobject::generic_setattr),
            new: Some(module_new),
            init: Some(module_init),
            ..Slots::EMPTY
        },
    }
}

/// A new module named `name` with the standard attributes.
pub fn new_module(name: &str) -> PyObj {
    let m = alloc(&MODULE_TYPE);
    let d = crate::managed::ensure_dict(&m);
    init_dict(&d, crate::str::new(name), crate::singletons::none());
    // Every function of the module reads its globals: deferred, so that threads do
    // not contend on their counts.
    m.set_deferred();
    d.set_deferred();
    // Read by every thread that runs the module's code: shared from the start.
    // SAFETY: both are alive and we hold references.
    unsafe {
        strand_heap::refcount::mark_shared(m.as_ptr());
        strand_heap::refcount::mark_shared(d.as_ptr());
    }
    m
}

/// A new native module named `name` ([`new_module`]) whose `__doc__` is strand's
/// doc for it (see [`crate::docs`]), or None when it has none; for the modules
/// implemented in Rust, as CPython's `PyModule_Create` sets `m_doc`.
pub fn new_native_module(name: &str) -> PyObj {
    let m = new_module(name);
    if let Some(doc) = crate::docs::module_doc(name) {
        let d = crate::managed::ensure_dict(&m);
        crate::dict::set_item_str(&d, "__doc__", crate::str::new(doc));
    }
    m
}

fn alloc(ty: &PyType) -> PyObj {
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation; the header is all there is besides slots.
    unsafe {
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn init_dict(d: &PyObj, name: PyObj, doc: PyObj) {
    // Interned (so immortal): every function defined in the module refers to its
    // name as `__module__`, and threads making functions would otherwise all count it.
    let name = if crate::str::is_exact_str(&name) {
        crate::str::intern_obj(&name)
    } else {
        name
    };
    crate::dict::set_item_str(d, "__name__", name);
    crate::dict::set_item_str(d, "__doc__", doc);
    for k in ["__package__", "__loader__", "__spec__"] {
        if crate::dict::get_item_str(d, k).is_none() {
            crate::dict::set_item_str(d, k, crate::singletons::none());
        }
    }
}

fn module_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "module.__new__(X)")?;
    Ok(alloc(ty))
}

fn module_init(m: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let a = crate::args::Args::new(args, kw);
    let b = a.bind("module", 0, &["name", "doc"], 1)?;
    let name = b[0].expect("required").clone();
    if !crate::str::is_str(&name) {
        return Err(crate::exceptions::type_error(format!(
            "module.__init__() argument 'name' must be str, not {}",
            name.ty().name()
        )));
    }
    let d = crate::managed::ensure_dict(m);
    init_dict(
        &d,
        name,
        b[1].cloned().unwrap_or_else(crate::singletons::none),
    );
    Ok(())
}

/// The module's namespace dict.
pub fn module_dict(m: &PyObj) -> PyObj {
    crate::managed::ensure_dict(m)
}

/// The module's `__name__` as a Rust string.
pub fn module_name(m: &PyObj) -> String {
    crate::dict::get_item_str(&module_dict(m), "__name__")
        .filter(crate::str::is_str)
        .map(|n| crate::str::as_str(&n).to_string())
        .unwrap_or_else(|| "?".into())
}

/// The import system's `repr(module)`: `None` while it has none.
pub type ReprHook = fn(&PyObj) -> Option<PyResult<PyObj>>;

static REPR_HOOK: std::sync::OnceLock<ReprHook> = std::sync::OnceLock::new();

/// Makes `repr(module)` the import system's (CPython's `module_repr` calls
/// `importlib._bootstrap._module_repr`, which words it from the module's spec:
/// `<module 'x' (frozen)>`, `<module 'x' from 'path'>`). Set once; until the hook
/// answers, a module is `<module 'x' from 'file'>` or `<module 'x' (built-in)>`.
pub fn set_repr_hook(hook: ReprHook) {
    let _ = REPR_HOOK.set(hook);
}

fn module_repr(m: &PyObj) -> PyResult<PyObj> {
    if let Some(r) = REPR_HOOK.get().and_then(|h| h(m)) {
        return r;
    }
    let d = module_dict(m);
    let name = crate::dict::get_item_str(&d, "__name__")
        .map(|n| ab::repr_string(&n))
        .transpose()?
        .unwrap_or_else(|| "'?'".into());
    Ok(crate::str::from_string(
        match crate::dict::get_item_str(&d, "__file__") {
            Some(f) if crate::str::is_str(&f) => {
                format!("<module {name} from {}>", ab::repr_string(&f)?)
            }
            _ => format!("<module {name} (built-in)>"),
        },
    ))
}

fn module_getattro(m: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    if let Some(v) = crate::baseobject::generic_getattr_opt(m, name)? {
        return Ok(v);
    }
    let d = module_dict(m);
    if let Some(ga) = crate::dict::get_item_str(&d, "__getattr__") {
        return ab::call(&ga, std::slice::from_ref(name), None);
    }
    Err(crate::exceptions::attribute_error(format!(
        "module '{}' has no attribute '{}'",
        module_name(m),
        crate::str::as_str(name)
    )))
}

/// `__dict__` of modules.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    vec![crate::descr::GetSetDef::new(
        "__dict__",
        |m| Ok(module_dict(m)),
        None,
    )]
}
