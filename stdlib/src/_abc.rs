//! The `_abc` module (CPython 3.11's Modules/_abc.c): the native half of
//! `abc.ABCMeta`. `abc.py` imports it and falls back to the pure-Python `_py_abc`
//! when it is missing; the two differ in what callers see (`typing`'s protocol
//! checks look at the module of the frame that called `__subclasshook__`, which is
//! `abc` with this module and `_py_abc` without it).
//!
//! Each ABC keeps an `_abc._abc_data` in `cls._abc_impl`: its registry of virtual
//! subclasses and its positive and negative caches, each a set of weak references
//! whose callback takes a dead class out of its set, and the version of the
//! negative cache. A process-wide counter (`get_cache_token()`) is bumped by every
//! `register`; a negative cache older than the counter is emptied before use.
//!
//! Thread safety: the sets are ordinary (thread-safe) sets; the data's mutex only
//! guards which sets it holds and the negative cache's version, and is never held
//! while Python code runs.

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::SeqCst;

use std::sync::Mutex;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::descr::new_builtin_function;
use strand_objects::exceptions::{assertion_error, runtime_error, type_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::weakref::{get_target, new_weakref, WEAKREF_TYPE};
use strand_objects::{int, list, module, set, singletons, str as pystr, tuple, PyObj, PyResult};

use strand_interp::native_module::add_functions;

use crate::modsupport::lock;

/// Bumped by every `register()`: negative caches made before it are stale
/// (CPython's `abc_invalidation_counter`).
static INVALIDATION_COUNTER: AtomicU64 = AtomicU64::new(0);

/// What an `_abc_data` holds: three weak sets, made on first use, and the counter
/// value the negative cache was filled under.
#[derive(Default)]
struct AbcState {
    registry: Option<PyObj>,
    cache: Option<PyObj>,
    negative_cache: Option<PyObj>,
    negative_cache_version: u64,
}

/// The layout of `_abc._abc_data`.
#[repr(C)]
pub struct PyAbcData {
    header: ObjectHeader,
    state: Mutex<AbcState>,
}

unsafe fn data_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; the state was initialised by `new_data`.
    unsafe {
        let p = obj.as_ptr() as *mut PyAbcData;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_abc._abc_data`: the state `abc.ABCMeta` keeps in `cls._abc_impl`. Not
    /// tracked by the collector: it refers only to its sets, whose members are weak.
    pub static ABC_DATA_TYPE = {
        name: "_abc._abc_data",
        layout: PyAbcData,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: data_dealloc,
        size: None,
        slots: Slots {
            new: Some(data_new),
            ..Slots::EMPTY
        },
    }
}

fn new_data() -> PyObj {
    let ty: &PyType = &ABC_DATA_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the `_abc_data` layout; its one field is written
    // before the object is published.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyAbcData;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(AbcState {
            negative_cache_version: INVALIDATION_COUNTER.load(SeqCst),
            ..AbcState::default()
        }));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn data_new(_cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(new_data())
}

/// `cls._abc_impl`, which must be an `_abc_data`.
fn get_impl(cls: &PyObj) -> PyResult<PyObj> {
    let data = ab::getattr_str(cls, "_abc_impl")?;
    if !data.is_exact(&ABC_DATA_TYPE) {
        return Err(type_error("_abc_impl is set to a wrong type"));
    }
    Ok(data)
}

fn state(data: &PyObj) -> &Mutex<AbcState> {
    // SAFETY: `get_impl` checked the type.
    &unsafe { data.payload_unchecked::<PyAbcData>() }.state
}

/// Which of the three sets an operation works on.
#[derive(Clone, Copy)]
enum Which {
    Registry,
    Cache,
    Negative,
}

fn slot(s: &mut AbcState, which: Which) -> &mut Option<PyObj> {
    match which {
        Which::Registry => &mut s.registry,
        Which::Cache => &mut s.cache,
        Which::Negative => &mut s.negative_cache,
    }
}

/// The set, if it was made.
fn weak_set(data: &PyObj, which: Which) -> Option<PyObj> {
    slot(&mut lock(state(data)), which).clone()
}

/// Whether `obj` is in the weak set (CPython's `_in_weak_set`): an object that
/// cannot be weakly referenced is in none.
fn in_weak_set(data: &PyObj, which: Which, obj: &PyObj) -> PyResult<bool> {
    let Some(s) = weak_set(data, which) else {
        return Ok(false);
    };
    if set::len(&s) == 0 {
        return Ok(false);
    }
    let r = match new_weakref(&WEAKREF_TYPE, obj, None) {
        Ok(r) => r,
        Err(e) if e.is_instance(&strand_objects::exceptions::TYPE_ERROR_TYPE) => return Ok(false),
        Err(e) => return Err(e),
    };
    set::contains(&s, &r)
}

/// The callback of a weak set's references: `args` are a weak reference to the set
/// and the dead reference, which leaves the set if the set still exists.
fn destroy(args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    if let [set_ref, dead] = args {
        if let Some(s) = get_target(set_ref) {
            set::discard(&s, dead)?;
        }
    }
    Ok(singletons::none())
}

/// Adds a weak reference to `obj` to the set (made here on first use); the
/// reference takes itself out when `obj` dies (CPython's `_add_to_weak_set`).
fn add_to_weak_set(data: &PyObj, which: Which, obj: &PyObj) -> PyResult<()> {
    let s = slot(&mut lock(state(data)), which)
        .get_or_insert_with(set::new_set)
        .clone();
    let set_ref = new_weakref(&WEAKREF_TYPE, &s, None)?;
    let callback = new_builtin_function("_destroy", destroy, Some(set_ref));
    let r = new_weakref(&WEAKREF_TYPE, obj, Some(callback))?;
    set::add(&s, r)
}

/// The one argument of a one-argument function (CPython's METH_O message, which
/// names the function with its module).
fn one_arg<'a>(args: &'a [PyObj], kw: Option<&PyObj>, fname: &str) -> PyResult<&'a PyObj> {
    strand_objects::args::Args::new(args, kw).no_kwargs(fname)?;
    match args {
        [a] => Ok(a),
        _ => Err(type_error(format!(
            "_abc.{fname}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

/// The two arguments of a two-argument function (Argument Clinic's message).
fn two_args<'a>(
    args: &'a [PyObj],
    kw: Option<&PyObj>,
    fname: &str,
) -> PyResult<(&'a PyObj, &'a PyObj)> {
    strand_objects::args::Args::new(args, kw).no_kwargs(fname)?;
    match args {
        [a, b] => Ok((a, b)),
        _ => Err(type_error(format!(
            "{fname} expected 2 arguments, got {}",
            args.len()
        ))),
    }
}

/// Whether `obj` is abstract: a true `__isabstractmethod__` (CPython's
/// `_PyObject_IsAbstract`).
fn is_abstract(obj: &PyObj) -> PyResult<bool> {
    match ab::getattr_opt(obj, &pystr::intern("__isabstractmethod__"))? {
        Some(v) => ab::is_true(&v),
        None => Ok(false),
    }
}

/// Sets `cls.__abstractmethods__`: the abstract names of its namespace and the
/// inherited abstract names it still resolves to abstract objects (CPython's
/// `compute_abstract_methods`).
fn compute_abstract_methods(cls: &PyObj) -> PyResult<()> {
    let mut names: Vec<PyObj> = Vec::new();
    let ns = ab::getattr_str(cls, "__dict__")?;
    let keys = ab::collect_iter(&ab::call_method(&ns, "keys", &[])?)?;
    for key in keys {
        let value = ab::getitem(&ns, &key)?;
        if is_abstract(&value)? {
            names.push(key);
        }
    }
    let bases = ab::getattr_str(cls, "__bases__")?;
    if !tuple::is_tuple(&bases) {
        return Err(type_error("__bases__ is not tuple"));
    }
    for base in tuple::items(&bases) {
        let Some(inherited) = ab::getattr_opt(base, &pystr::intern("__abstractmethods__"))? else {
            continue;
        };
        for key in ab::collect_iter(&inherited)? {
            let Some(value) = ab::getattr_opt(cls, &key)? else {
                continue;
            };
            if is_abstract(&value)? {
                names.push(key);
            }
        }
    }
    let frozen = set::new_frozenset(names)?;
    ab::setattr(cls, &pystr::intern("__abstractmethods__"), &frozen)
}

/// `_abc_init(cls)`: computes `cls.__abstractmethods__`, gives the class its
/// `_abc_impl`, and drops the `__abc_tpflags__` a class body may set (strand keeps
/// no collection flags on types; pattern matching recognises the collection ABCs
/// by name).
fn abc_init(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let cls = one_arg(args, kw, "_abc_init")?;
    compute_abstract_methods(cls)?;
    ab::setattr(cls, &pystr::intern("_abc_impl"), &new_data())?;
    if strand_objects::typeobj::is_type(cls) {
        // SAFETY: checked to be a type.
        let ty = unsafe { PyType::from_obj(cls) };
        let flags = pystr::intern("__abc_tpflags__");
        if strand_objects::dict::get_item(ty.dict(), &flags)?.is_some() {
            ab::delattr(cls, &flags)?;
        }
    }
    Ok(singletons::none())
}

/// `_abc_register(cls, subclass)`: records a virtual subclass and invalidates every
/// negative cache; a class that already is a subclass is returned as is.
///
/// Errors: `TypeError` for a non-class, `RuntimeError` for a would-be cycle.
fn abc_register(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let (cls, subclass) = two_args(args, kw, "_abc_register")?;
    if !strand_objects::typeobj::is_type(subclass) {
        return Err(type_error("Can only register classes"));
    }
    if ab::issubclass(subclass, cls)? {
        return Ok(subclass.clone());
    }
    if ab::issubclass(cls, subclass)? {
        return Err(runtime_error("Refusing to create an inheritance cycle"));
    }
    let data = get_impl(cls)?;
    add_to_weak_set(&data, Which::Registry, subclass)?;
    INVALIDATION_COUNTER.fetch_add(1, SeqCst);
    Ok(subclass.clone())
}

/// `_abc_instancecheck(cls, instance)`: the cache for `instance.__class__`, then
/// `cls.__subclasscheck__` of it and (when it differs) of `type(instance)`.
fn abc_instancecheck(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let (cls, instance) = two_args(args, kw, "_abc_instancecheck")?;
    let data = get_impl(cls)?;
    let subclass = ab::getattr_str(instance, "__class__")?;
    if in_weak_set(&data, Which::Cache, &subclass)? {
        return Ok(singletons::true_());
    }
    let subtype = instance.ty().to_obj();
    if subtype.is(&subclass) {
        let version = lock(state(&data)).negative_cache_version;
        if version == INVALIDATION_COUNTER.load(SeqCst)
            && in_weak_set(&data, Which::Negative, &subclass)?
        {
            return Ok(singletons::bool_obj(false));
        }
        return ab::call_method(cls, "__subclasscheck__", &[subclass]);
    }
    let r = ab::call_method(cls, "__subclasscheck__", &[subclass])?;
    if ab::is_true(&r)? {
        return Ok(r);
    }
    ab::call_method(cls, "__subclasscheck__", &[subtype])
}

/// `_abc_subclasscheck(cls, subclass)`: the caches, `cls.__subclasshook__`,
/// `cls` in the MRO, the registry and the subclasses, in CPython's order; the
/// answer is cached.
///
/// Errors: `TypeError` for a non-class, `AssertionError` for a hook answering
/// something other than True, False or NotImplemented.
fn abc_subclasscheck(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let (cls, subclass) = two_args(args, kw, "_abc_subclasscheck")?;
    if !strand_objects::typeobj::is_type(subclass) {
        return Err(type_error("issubclass() arg 1 must be a class"));
    }
    let data = get_impl(cls)?;
    // 1. The positive cache.
    if in_weak_set(&data, Which::Cache, subclass)? {
        return Ok(singletons::true_());
    }
    // 2. The negative cache, emptied first if a registration made it stale.
    let counter = INVALIDATION_COUNTER.load(SeqCst);
    let stale = {
        let mut st = lock(state(&data));
        if st.negative_cache_version < counter {
            st.negative_cache_version = counter;
            Some(st.negative_cache.clone())
        } else {
            None
        }
    };
    match stale {
        Some(old) => {
            if let Some(s) = old {
                set::clear(&s);
            }
        }
        None => {
            if in_weak_set(&data, Which::Negative, subclass)? {
                return Ok(singletons::bool_obj(false));
            }
        }
    }
    let yes = |data: &PyObj| -> PyResult<PyObj> {
        add_to_weak_set(data, Which::Cache, subclass)?;
        Ok(singletons::true_())
    };
    // 3. The subclass hook.
    let ok = ab::call_method(cls, "__subclasshook__", std::slice::from_ref(subclass))?;
    if ok.is(&singletons::true_()) {
        return yes(&data);
    }
    if ok.is(&singletons::bool_obj(false)) {
        add_to_weak_set(&data, Which::Negative, subclass)?;
        return Ok(ok);
    }
    if !ok.is(&singletons::not_implemented()) {
        return Err(assertion_error(
            "__subclasshook__ must return either False, True, or NotImplemented",
        ));
    }
    // 4. A direct subclass.
    // SAFETY: checked to be a type above.
    let sub_ty = unsafe { PyType::from_obj(subclass) };
    if tuple::items(&sub_ty.mro()).iter().any(|c| c.is(cls)) {
        return yes(&data);
    }
    // 5. A subclass of a registered class.
    if in_weak_set(&data, Which::Registry, subclass)? {
        return Ok(singletons::true_());
    }
    if let Some(registry) = weak_set(&data, Which::Registry) {
        // A snapshot: a callback may take references out meanwhile.
        for r in set::items(&registry) {
            let Some(rcls) = get_target(&r) else {
                continue;
            };
            if ab::issubclass(subclass, &rcls)? {
                return yes(&data);
            }
        }
    }
    // 6. A subclass of a subclass.
    let subclasses = ab::call_method(cls, "__subclasses__", &[])?;
    if !list::is_list(&subclasses) {
        return Err(type_error("__subclasses__() must return a list"));
    }
    for scls in list::to_vec(&subclasses) {
        if ab::issubclass(subclass, &scls)? {
            return yes(&data);
        }
    }
    add_to_weak_set(&data, Which::Negative, subclass)?;
    Ok(singletons::bool_obj(false))
}

/// `_get_dump(cls)`: copies of the registry and the two caches (sets of weak
/// references) and the negative cache's version, for `ABCMeta._dump_registry`.
fn get_dump(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let cls = one_arg(args, kw, "_get_dump")?;
    let data = get_impl(cls)?;
    let copy = |which| match weak_set(&data, which) {
        Some(s) => set::new_set_from(&s),
        None => Ok(set::new_set()),
    };
    let version = lock(state(&data)).negative_cache_version;
    Ok(tuple::from_vec(vec![
        copy(Which::Registry)?,
        copy(Which::Cache)?,
        copy(Which::Negative)?,
        int::from_i64(version as i64),
    ]))
}

/// `_reset_registry(cls)`: forgets the virtual subclasses.
fn reset_registry(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let cls = one_arg(args, kw, "_reset_registry")?;
    if let Some(s) = weak_set(&get_impl(cls)?, Which::Registry) {
        set::clear(&s);
    }
    Ok(singletons::none())
}

/// `_reset_caches(cls)`: empties both caches.
fn reset_caches(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let cls = one_arg(args, kw, "_reset_caches")?;
    let data = get_impl(cls)?;
    for which in [Which::Cache, Which::Negative] {
        if let Some(s) = weak_set(&data, which) {
            set::clear(&s);
        }
    }
    Ok(singletons::none())
}

/// `get_cache_token()`: the invalidation counter; it changes whenever a class is
/// registered with any ABC.
fn get_cache_token(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    strand_objects::args::Args::new(args, kw).exact("get_cache_token", 0)?;
    Ok(int::from_i64(INVALIDATION_COUNTER.load(SeqCst) as i64))
}

/// Builds the `_abc` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        ABC_DATA_TYPE.ready_static(Some(&strand_objects::baseobject::OBJECT_TYPE), &[], &[]);
    });
    let m = module::new_native_module("_abc");
    add_functions(
        &m,
        "_abc",
        &[
            ("get_cache_token", get_cache_token),
            ("_abc_init", abc_init),
            ("_abc_register", abc_register),
            ("_abc_instancecheck", abc_instancecheck),
            ("_abc_subclasscheck", abc_subclasscheck),
            ("_get_dump", get_dump),
            ("_reset_registry", reset_registry),
            ("_reset_caches", reset_caches),
        ],
    );
    m
}
