//! The `_functools` module (CPython's Modules/_functoolsmodule.c): `reduce`, the
//! `functools.partial` type (flattening nested partials, `__dict__`, `__reduce__`
//! and `__setstate__`, subclassable), `cmp_to_key` and its `functools.KeyWrapper`
//! type, and `_lru_cache_wrapper`, the type behind `functools.lru_cache`.
//!
//! The LRU cache keeps its entries in a dict (`key -> (result, stamp)`) and their
//! recency in a Rust ordered map from stamp to key. A call's lookup and bookkeeping
//! run in a critical section on the wrapper, so the dict and the map agree however
//! many threads share the function; the section is left while the function runs.
//! The map and the counters also sit behind a mutex that is never held while Python
//! code runs (hashing a key, comparing keys, calling the function), so a key's
//! `__eq__` may use the cache too. As in CPython's free-threaded build, two threads
//! missing on one key at once both call the function.

use std::collections::BTreeMap;
use std::sync::Mutex;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use strand_objects::{
    dict, int, managed, module, singletons, str as pystr, tuple, PyObj, PyResult,
};

use crate::modsupport::{self, Fields};
use strand_interp::native_module::add_functions;

// ---------------------------------------------------------------------------------
// reduce
// ---------------------------------------------------------------------------------

fn reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("reduce")?;
    Args::new(a, k).expect_fn("reduce", 2, 3)?;
    let it = ab::iter(&a[1]).map_err(|e| {
        if e.is_instance(&exc::TYPE_ERROR_TYPE) {
            type_error("reduce() arg 2 must support iteration")
        } else {
            e
        }
    })?;
    let mut acc = a.get(2).cloned();
    while let Some(x) = ab::next(&it)? {
        acc = Some(match acc {
            None => x,
            Some(v) => ab::call(&a[0], &[v, x], None)?,
        });
    }
    acc.ok_or_else(|| type_error("reduce() of empty iterable with no initial value"))
}

// ---------------------------------------------------------------------------------
// partial
// ---------------------------------------------------------------------------------

/// What a partial applies: the function, the leading arguments (a tuple) and the
/// keyword arguments (a dict).
#[derive(Clone)]
struct PartialState {
    func: PyObj,
    args: PyObj,
    kw: PyObj,
}

/// The layout of `functools.partial` (instances have a `__dict__` in the
/// pre-header).
#[repr(C)]
pub struct PyPartial {
    header: ObjectHeader,
    state: Mutex<Option<PartialState>>,
}

unsafe fn partial_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyPartial layouts; world stopped.
    let p = unsafe { &*(obj.as_ptr() as *const PyPartial) };
    if let Ok(g) = p.state.try_lock() {
        if let Some(s) = &*g {
            visit(s.func.as_ptr());
            visit(s.args.as_ptr());
            visit(s.kw.as_ptr());
        }
    }
    // SAFETY: partials have a pre-header.
    unsafe { managed::traverse(obj, visit) };
}

unsafe fn partial_clear(obj: ObjPtr) {
    // SAFETY: installed on PyPartial layouts; the collector keeps it alive.
    let p = unsafe { &*(obj.as_ptr() as *const PyPartial) };
    let taken = modsupport::lock(&p.state).take();
    drop(taken);
    // SAFETY: pre-header object.
    unsafe { managed::clear(obj) };
}

unsafe fn partial_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the state was initialised by `partial_new`.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyPartial;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        managed::clear(obj);
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `functools.partial`.
    pub static PARTIAL_TYPE = {
        name: "functools.partial",
        layout: PyPartial,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::BASETYPE
            .union(TypeFlags::MANAGED_DICT)
            .union(TypeFlags::PREHEADER)
            .union(TypeFlags::MANAGED_WEAKREF),
        traverse: Some(partial_traverse),
        clear: Some(partial_clear),
        dealloc: partial_dealloc,
        size: None,
        slots: Slots {
            new: Some(partial_new),
            call: Some(partial_call),
            repr: Some(partial_repr),
            getattro: Some(strand_objects::baseobject::generic_getattr),
            setattro: Some(strand_objects::baseobject::generic_setattr),
            ..Slots::EMPTY
        },
    }
}

/// `functools.partial` as an object (for `operator.methodcaller.__reduce__`).
pub fn partial_type() -> PyObj {
    ready();
    PARTIAL_TYPE.to_obj()
}

fn partial_state(o: &PyObj) -> PyResult<PartialState> {
    if !o.is_instance_of(&PARTIAL_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a 'functools.partial' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a partial (or a subclass, which extends the layout).
    let p = unsafe { o.payload_unchecked::<PyPartial>() };
    modsupport::lock(&p.state)
        .clone()
        .ok_or_else(|| exc::runtime_error("partial object used after it was cleared"))
}

fn is_callable(o: &PyObj) -> bool {
    o.ty().slots().call.is_some()
}

fn partial_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "partial.__new__(X)")?;
    let args = Args::new(a, k);
    let pos = args.positionals();
    let Some(first) = pos.first() else {
        return Err(type_error("type 'partial' takes at least one argument"));
    };
    if !is_callable(first) {
        return Err(type_error("the first argument must be callable"));
    }
    let (mut func, mut pargs, kw) = (first.clone(), Vec::new(), dict::new());
    // A partial of a partial (without instance attributes) is flattened.
    if first.is_instance_of(&PARTIAL_TYPE)
        && managed::get_dict(first).is_none_or(|d| dict::len(&d) == 0)
    {
        let inner = partial_state(first)?;
        func = inner.func;
        pargs.extend_from_slice(tuple::items(&inner.args));
        for (key, v) in dict::items(&inner.kw) {
            dict::set_item(&kw, key, v)?;
        }
    }
    pargs.extend_from_slice(&pos[1..]);
    for (key, v) in args.kwargs() {
        dict::set_item_str(&kw, key, v.clone());
    }
    Ok(new_partial(
        ty,
        PartialState {
            func,
            args: tuple::from_vec(pargs),
            kw,
        },
    ))
}

fn new_partial(ty: &PyType, state: PartialState) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyPartial layout; the state is written and
    // the slots region zeroed before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyPartial;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(Some(state)));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn partial_call(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let s = partial_state(o)?;
    let args = Args::new(a, k);
    let mut all: Vec<PyObj> = tuple::items(&s.args).to_vec();
    all.extend_from_slice(args.positionals());
    if !args.has_kwargs() && dict::len(&s.kw) == 0 {
        return ab::call(&s.func, &all, None);
    }
    let kw = dict::new();
    for (key, v) in dict::items(&s.kw) {
        dict::set_item(&kw, key, v)?;
    }
    for (key, v) in args.kwargs() {
        dict::set_item_str(&kw, key, v.clone());
    }
    ab::call_with_dict(&s.func, &all, Some(&kw))
}

fn partial_repr(o: &PyObj) -> PyResult<PyObj> {
    let name = o.ty().name().to_string();
    let Some(_guard) = ab::ReprGuard::enter(o) else {
        return Ok(pystr::new("..."));
    };
    let s = partial_state(o)?;
    let mut parts = vec![ab::repr_string(&s.func)?];
    for x in tuple::items(&s.args) {
        parts.push(ab::repr_string(x)?);
    }
    for (key, v) in dict::items(&s.kw) {
        parts.push(format!(
            "{}={}",
            ab::str_string(&key)?,
            ab::repr_string(&v)?
        ));
    }
    Ok(pystr::from_string(format!("{name}({})", parts.join(", "))))
}

fn partial_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    let s = partial_state(&a[0])?;
    let d = managed::get_dict(&a[0])
        .filter(|d| dict::len(d) > 0)
        .unwrap_or_else(singletons::none);
    let kw = if dict::len(&s.kw) > 0 {
        s.kw.clone()
    } else {
        singletons::none()
    };
    Ok(tuple::from_vec(vec![
        a[0].ty().to_obj(),
        tuple::from_vec(vec![s.func.clone()]),
        tuple::from_vec(vec![s.func, s.args, kw, d]),
    ]))
}

fn partial_setstate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__setstate__", 2)?;
    let st = &a[1];
    let invalid = || type_error("invalid partial state");
    if !tuple::is_tuple(st) {
        return Err(invalid());
    }
    let [func, fargs, kw, d] = tuple::items(st) else {
        return Err(invalid());
    };
    let none = singletons::is_none;
    if !is_callable(func) || !tuple::is_tuple(fargs) || (!none(kw) && !dict::is_dict(kw)) {
        return Err(invalid());
    }
    let args = if fargs.is_exact(&tuple::TUPLE_TYPE) {
        fargs.clone()
    } else {
        tuple::from_slice(tuple::items(fargs))
    };
    // As CPython's partial_setstate: an exact dict is kept (so `copy.copy(p)` shares
    // `p.keywords`), a dict subclass is copied, None is an empty dict.
    let kwd = if none(kw) {
        dict::new()
    } else if kw.is_exact(&dict::DICT_TYPE) {
        kw.clone()
    } else {
        let kwd = dict::new();
        for (key, v) in dict::items(kw) {
            dict::set_item(&kwd, key, v)?;
        }
        kwd
    };
    partial_state(&a[0])?;
    // SAFETY: partial_state checked that a[0] is a partial.
    let p = unsafe { a[0].payload_unchecked::<PyPartial>() };
    *modsupport::lock(&p.state) = Some(PartialState {
        func: func.clone(),
        args,
        kw: kwd,
    });
    if none(d) {
        managed::set_dict(&a[0], dict::new());
    } else if dict::is_dict(d) {
        managed::set_dict(&a[0], d.clone());
    } else {
        return Err(invalid());
    }
    Ok(singletons::none())
}

/// The setter of CPython's read-only members.
fn readonly(_o: &PyObj, _v: Option<&PyObj>) -> PyResult<()> {
    Err(exc::attribute_error("readonly attribute"))
}

fn partial_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("func", |o| Ok(partial_state(o)?.func), Some(readonly)),
        GetSetDef::new("args", |o| Ok(partial_state(o)?.args), Some(readonly)),
        GetSetDef::new("keywords", |o| Ok(partial_state(o)?.kw), Some(readonly)),
        GetSetDef::new(
            "__dict__",
            |o| Ok(managed::expose_dict(o)),
            Some(managed::generic_set_dict),
        ),
    ]
}

// ---------------------------------------------------------------------------------
// cmp_to_key
// ---------------------------------------------------------------------------------

/// The layout of `functools.KeyWrapper`: the comparison function and, for wrapped
/// values, the value.
#[repr(C)]
pub struct PyKeyWrapper {
    header: ObjectHeader,
    fields: Fields<(PyObj, Option<PyObj>)>,
}

unsafe fn key_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyKeyWrapper; world stopped.
    let k = unsafe { &*(obj.as_ptr() as *const PyKeyWrapper) };
    if let Some((cmp, o)) = k.fields.get() {
        visit(cmp.as_ptr());
        if let Some(o) = o {
            visit(o.as_ptr());
        }
    }
}

unsafe fn key_clear(obj: ObjPtr) {
    // SAFETY: installed on PyKeyWrapper; unreachable when the collector clears it.
    let k = unsafe { &*(obj.as_ptr() as *const PyKeyWrapper) };
    // SAFETY: as above.
    drop(unsafe { k.fields.take() });
}

unsafe fn key_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PyKeyWrapper;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fields));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `functools.KeyWrapper`.
    pub static KEYWRAPPER_TYPE = {
        name: "functools.KeyWrapper",
        layout: PyKeyWrapper,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(key_traverse),
        clear: Some(key_clear),
        dealloc: key_dealloc,
        size: None,
        slots: Slots {
            call: Some(key_call),
            richcompare: Some(key_richcompare),
            hash: Some(strand_objects::baseobject::unhashable),
            ..Slots::EMPTY
        },
    }
}

fn new_key(cmp: PyObj, obj: Option<PyObj>) -> PyObj {
    let ty = &KEYWRAPPER_TYPE;
    let o = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyKeyWrapper layout, written before it is
    // finished.
    unsafe {
        let p = o.as_ptr().as_ptr() as *mut PyKeyWrapper;
        std::ptr::addr_of_mut!((*p).fields).write(Fields::new((cmp, obj)));
        strand_objects::alloc::finish_instance(ty, &o);
    }
    o
}

fn key_fields(o: &PyObj) -> PyResult<&(PyObj, Option<PyObj>)> {
    // SAFETY: the slots are installed on KEYWRAPPER_TYPE only (not subclassable).
    let k = unsafe { o.payload_unchecked::<PyKeyWrapper>() };
    k.fields
        .get()
        .ok_or_else(|| exc::runtime_error("key object used after it was cleared"))
}

fn key_call(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("K", 0, &["obj"], 1)?;
    let (cmp, _) = key_fields(o)?;
    Ok(new_key(cmp.clone(), b[0].cloned()))
}

fn key_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !b.is_exact(&KEYWRAPPER_TYPE) {
        return Err(type_error("other argument must be K instance"));
    }
    let (cmp, x) = key_fields(a)?;
    let (_, y) = key_fields(b)?;
    let (Some(x), Some(y)) = (x, y) else {
        return Err(exc::attribute_error("object"));
    };
    let r = ab::call(cmp, &[x.clone(), y.clone()], None)?;
    ab::richcompare(&r, &int::from_i64(0), op)
}

fn cmp_to_key(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("cmp_to_key", 0, &["mycmp"], 1)?;
    Ok(new_key(b[0].expect("required").clone(), None))
}

// ---------------------------------------------------------------------------------
// _lru_cache_wrapper
// ---------------------------------------------------------------------------------

/// The recency order and statistics of an LRU cache.
#[derive(Default)]
struct LruOrder {
    /// Stamp → key and its hash, oldest first (bounded caches only): evicting
    /// does not hash the key again (CPython's cache hashes each argument once per
    /// call).
    order: BTreeMap<u64, (PyObj, isize)>,
    next: u64,
    hits: u64,
    misses: u64,
}

/// What a cache wrapper holds.
struct LruFields {
    func: PyObj,
    /// `None`: unbounded.
    maxsize: Option<usize>,
    typed: bool,
    info_type: PyObj,
    /// key → `(result, stamp)` for bounded caches, key → result otherwise.
    cache: PyObj,
}

/// The layout of `functools._lru_cache_wrapper` (with a `__dict__`).
#[repr(C)]
pub struct PyLru {
    header: ObjectHeader,
    fields: Fields<LruFields>,
    order: Mutex<LruOrder>,
}

unsafe fn lru_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyLru layouts; world stopped.
    let l = unsafe { &*(obj.as_ptr() as *const PyLru) };
    if let Some(f) = l.fields.get() {
        visit(f.func.as_ptr());
        visit(f.info_type.as_ptr());
        visit(f.cache.as_ptr());
    }
    // SAFETY: pre-header object.
    unsafe { managed::traverse(obj, visit) };
}

unsafe fn lru_clear(obj: ObjPtr) {
    // SAFETY: installed on PyLru layouts; unreachable when the collector clears it.
    let l = unsafe { &*(obj.as_ptr() as *const PyLru) };
    // SAFETY: as above.
    let f = unsafe { l.fields.take() };
    let order = std::mem::take(&mut *modsupport::lock(&l.order));
    drop((f, order));
    // SAFETY: pre-header object.
    unsafe { managed::clear(obj) };
}

unsafe fn lru_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `lru_new`.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyLru;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fields));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).order));
        managed::clear(obj);
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `functools._lru_cache_wrapper`.
    pub static LRU_TYPE = {
        name: "functools._lru_cache_wrapper",
        layout: PyLru,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::BASETYPE
            .union(TypeFlags::MANAGED_DICT)
            .union(TypeFlags::PREHEADER)
            .union(TypeFlags::MANAGED_WEAKREF)
            .union(TypeFlags::METHOD_DESCRIPTOR),
        traverse: Some(lru_traverse),
        clear: Some(lru_clear),
        dealloc: lru_dealloc,
        size: None,
        slots: Slots {
            new: Some(lru_new),
            call: Some(lru_call),
            descr_get: Some(lru_get),
            getattro: Some(strand_objects::baseobject::generic_getattr),
            setattro: Some(strand_objects::baseobject::generic_setattr),
            ..Slots::EMPTY
        },
    }
}

fn lru_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "_lru_cache_wrapper.__new__(X)")?;
    let b = Args::new(a, k).bind(
        "_lru_cache_wrapper",
        0,
        &["user_function", "maxsize", "typed", "cache_info_type"],
        4,
    )?;
    let func = b[0].expect("required");
    if !is_callable(func) {
        return Err(type_error("the first argument must be callable"));
    }
    let m = b[1].expect("required");
    let maxsize = if singletons::is_none(m) {
        None
    } else if int::is_int(m) {
        let n = int::to_isize(m)?;
        Some(n.max(0) as usize)
    } else {
        return Err(type_error("maxsize should be integer or None"));
    };
    let typed = ab::is_true(b[2].expect("required"))?;
    let fields = LruFields {
        func: func.clone(),
        maxsize,
        typed,
        info_type: b[3].expect("required").clone(),
        cache: dict::new(),
    };
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyLru layout; the fields are written and the
    // slots region zeroed before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyLru;
        std::ptr::addr_of_mut!((*p).fields).write(Fields::new(fields));
        std::ptr::addr_of_mut!((*p).order).write(Mutex::new(LruOrder::default()));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn lru(o: &PyObj) -> PyResult<(&LruFields, &Mutex<LruOrder>)> {
    if !o.is_instance_of(&LRU_TYPE) {
        return Err(type_error(
            "descriptor requires a 'functools._lru_cache_wrapper' object",
        ));
    }
    // SAFETY: checked to be an LRU wrapper (or a subclass, which extends the layout).
    let l = unsafe { o.payload_unchecked::<PyLru>() };
    let f = l
        .fields
        .get()
        .ok_or_else(|| exc::runtime_error("cache used after it was cleared"))?;
    Ok((f, &l.order))
}

/// The marker between positional and keyword arguments in cache keys.
fn kwd_mark() -> PyObj {
    static MARK: modsupport::Leaked = modsupport::Leaked::new();
    MARK.get_or_init(|| {
        strand_objects::heaptype::alloc_plain_instance(&strand_objects::baseobject::OBJECT_TYPE)
    })
}

/// CPython's `lru_cache_make_key`.
fn make_key(args: &Args, typed: bool) -> PyObj {
    let pos = args.positionals();
    if !typed && !args.has_kwargs() {
        if let [one] = pos {
            if one.is_exact(&pystr::STR_TYPE) || one.is_exact(&int::INT_TYPE) {
                return one.clone();
            }
        }
        return tuple::from_slice(pos);
    }
    let mut key: Vec<PyObj> = pos.to_vec();
    if args.has_kwargs() {
        key.push(kwd_mark());
        for (name, v) in args.kwargs() {
            key.push(pystr::intern(name));
            key.push(v.clone());
        }
    }
    if typed {
        for v in pos {
            key.push(v.ty().to_obj());
        }
        for (_, v) in args.kwargs() {
            key.push(v.ty().to_obj());
        }
    }
    tuple::from_vec(key)
}

/// `_lru_cache_wrapper.__call__`. The lookup and the bookkeeping of a call (the cache
/// dict and the recency order, which must agree) run in a critical section on the
/// wrapper, as CPython 3.13's free-threaded `lru_cache_call` does; unlike CPython's,
/// the section is left while the wrapped function runs, so a slow call does not hold
/// up hits from other threads. (A key whose `__eq__` blocks suspends the section, as
/// any critical section is; the cache stays memory-safe, its order approximate.)
fn lru_call(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (f, order) = lru(o)?;
    let args = Args::new(a, k);
    let max = f.maxsize.unwrap_or(usize::MAX);
    if max == 0 {
        modsupport::lock(order).misses += 1;
        return ab::call(&f.func, a, k);
    }
    let key = make_key(&args, f.typed);
    let hash = dict::hash_key(&key)?;
    let bounded = f.maxsize.is_some();
    {
        strand_heap::critical_section!(o);
        if let Some(hit) = dict::get_item_hashed(&f.cache, &key, hash)? {
            if !bounded {
                modsupport::lock(order).hits += 1;
                return Ok(hit);
            }
            let items = tuple::items(&hit);
            let (result, stamp) = (items[0].clone(), int::as_i64(&items[1]).unwrap_or(0) as u64);
            let new_stamp = {
                let mut g = modsupport::lock(order);
                g.hits += 1;
                g.order.remove(&stamp);
                let s = g.next;
                g.next += 1;
                g.order.insert(s, (key.clone(), hash));
                s
            };
            dict::set_item_hashed(
                &f.cache,
                key,
                hash,
                tuple::pair(result.clone(), int::from_i64(new_stamp as i64)),
            )?;
            return Ok(result);
        }
        modsupport::lock(order).misses += 1;
    }
    let result = ab::call(&f.func, a, k)?;
    strand_heap::critical_section!(o);
    if dict::get_item_hashed(&f.cache, &key, hash)?.is_some() {
        // Another call (recursive, or on another thread) cached this key meanwhile.
        return Ok(result);
    }
    if !bounded {
        dict::set_item_hashed(&f.cache, key, hash, result.clone())?;
        return Ok(result);
    }
    let (stamp, evict) = {
        let mut g = modsupport::lock(order);
        let s = g.next;
        g.next += 1;
        g.order.insert(s, (key.clone(), hash));
        let mut evict = Vec::new();
        while g.order.len() > max {
            if let Some((_, old)) = g.order.pop_first() {
                evict.push(old);
            }
        }
        (s, evict)
    };
    for (old, old_hash) in evict {
        dict::del_item_hashed(&f.cache, &old, old_hash)?;
    }
    dict::set_item_hashed(
        &f.cache,
        key,
        hash,
        tuple::pair(result.clone(), int::from_i64(stamp as i64)),
    )?;
    Ok(result)
}

fn lru_get(o: &PyObj, obj: Option<&PyObj>, _owner: &PyObj) -> PyResult<PyObj> {
    match obj {
        Some(inst) if !singletons::is_none(inst) => Ok(strand_objects::function::new_method(
            o.clone(),
            inst.clone(),
        )),
        _ => Ok(o.clone()),
    }
}

fn cache_info(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("cache_info", 1)?;
    let (f, order) = lru(&a[0])?;
    let (hits, misses) = {
        let g = modsupport::lock(order);
        (g.hits, g.misses)
    };
    let maxsize = f.maxsize.map_or_else(singletons::none, int::from_usize);
    ab::call(
        &f.info_type,
        &[
            int::from_i64(hits as i64),
            int::from_i64(misses as i64),
            maxsize,
            int::from_usize(dict::len(&f.cache)),
        ],
        None,
    )
}

fn cache_clear(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("cache_clear", 1)?;
    let (f, order) = lru(&a[0])?;
    let old = {
        strand_heap::critical_section!(&a[0]);
        let old = std::mem::take(&mut *modsupport::lock(order));
        dict::clear(&f.cache);
        old
    };
    // The keys are dropped outside the section: their finalizers may run Python code.
    drop(old);
    Ok(singletons::none())
}

fn lru_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    ab::getattr_str(&a[0], "__qualname__")
}

fn lru_copy(a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(a[0].clone())
}

// ---------------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------------

fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        PARTIAL_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("__reduce__", partial_reduce),
                MethodDef::new("__setstate__", partial_setstate),
                MethodDef::class("__class_getitem__", |a, k| {
                    Args::new(a, k).exact("__class_getitem__", 2)?;
                    Ok(strand_objects::genericalias::new_generic_alias(
                        a[0].clone(),
                        a[1].clone(),
                    ))
                }),
            ],
            &partial_getsets(),
        );
        KEYWRAPPER_TYPE.ready_static(
            Some(object),
            &[],
            &[GetSetDef::new(
                "obj",
                |o| {
                    key_fields(o)?
                        .1
                        .clone()
                        .ok_or_else(|| exc::attribute_error("obj"))
                },
                None,
            )],
        );
        LRU_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("cache_info", cache_info),
                MethodDef::new("cache_clear", cache_clear),
                MethodDef::new("__reduce__", lru_reduce),
                MethodDef::new("__copy__", lru_copy),
                MethodDef::new("__deepcopy__", lru_copy),
            ],
            &[GetSetDef::new(
                "__dict__",
                |o| Ok(managed::ensure_dict(o)),
                None,
            )],
        );
    });
}

/// The `_functools` module.
pub fn make_module() -> PyObj {
    ready();
    let m = module::new_native_module("_functools");
    add_functions(
        &m,
        "_functools",
        &[("reduce", reduce), ("cmp_to_key", cmp_to_key)],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "partial", PARTIAL_TYPE.to_obj());
    dict::set_item_str(&d, "_lru_cache_wrapper", LRU_TYPE.to_obj());
    m
}
