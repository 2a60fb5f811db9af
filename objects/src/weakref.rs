//! Weak references (`weakref.ref`): references that do not keep their target alive and
//! are cleared, with their callbacks called, when it dies — by reference counting
//! (from the target's dealloc) or by the cycle collector (through the
//! [`strand_gc::GcBinding`] this module provides, which clears them before any
//! finalizer runs).
//!
//! The weak references of each object are kept in a sharded side table keyed by the
//! object's address; the object's header carries [`ObFlags::WEAKREFS`] so that deallocs
//! only look there when there is something to clear. Objects of types with a
//! pre-header, type objects, modules and sets can be weakly referenced.

use std::collections::HashMap;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicIsize, AtomicPtr};
use std::sync::LazyLock;

use parking_lot::Mutex;
use strand_heap::{HeapKind, ObFlags, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::type_error;
use crate::object::{PyObj, PyPayload};
use crate::typeobj::{PyType, Slots, TypeFlags};
use crate::PyResult;

/// The layout of a `weakref.ref`.
#[repr(C)]
pub struct PyWeakRef {
    header: ObjectHeader,
    /// The target (uncounted), null once cleared.
    target: AtomicPtr<ObjectHeader>,
    callback: Mutex<Option<PyObj>>,
    hash: AtomicIsize,
}

const SHARDS: usize = 16;
/// One shard of the side table: target address to its weakrefs' addresses.
type Shard = Mutex<HashMap<usize, Vec<usize>>>;

static TABLE: LazyLock<Vec<Shard>> =
    LazyLock::new(|| (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect());

fn shard(addr: usize) -> &'static Shard {
    &TABLE[(addr >> 4) % SHARDS]
}

/// The collector's traverse of a weak reference or proxy: its callback and dict.
///
/// # Safety
/// `obj` is a live object with [`PyWeakRef`]'s layout.
pub(crate) unsafe fn wr_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on weakrefs.
    let w = unsafe { &*(obj.as_ptr() as *const PyWeakRef) };
    if let Some(g) = w.callback.try_lock() {
        if let Some(c) = &*g {
            visit(c.as_ptr());
        }
    }
    // SAFETY: weakrefs have a pre-header (subclasses may add attributes).
    unsafe { crate::managed::traverse(obj, visit) };
}

/// Clears a weak reference or proxy (the collector's `tp_clear`): unlinks it from its
/// target and drops its callback and dict.
///
/// # Safety
/// `obj` has [`PyWeakRef`]'s layout and is held alive by the caller.
pub(crate) unsafe fn wr_clear(obj: ObjPtr) {
    // SAFETY: the collector holds a reference.
    let w = unsafe { &*(obj.as_ptr() as *const PyWeakRef) };
    unlink(obj, w);
    let cb = w.callback.lock().take();
    drop(cb);
    // SAFETY: pre-header object.
    unsafe { crate::managed::clear(obj) };
}

/// Frees a weak reference or proxy.
///
/// # Safety
/// `obj` has [`PyWeakRef`]'s layout and its count is zero.
pub(crate) unsafe fn wr_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let w = &*(obj.as_ptr() as *const PyWeakRef);
        unlink(obj, w);
        let p = obj.as_ptr() as *mut PyWeakRef;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).callback));
        crate::managed::clear(obj);
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

/// Removes a weakref from its target's list (if it still has a target).
fn unlink(obj: ObjPtr, w: &PyWeakRef) {
    let t = w.target.load(Acquire);
    if t.is_null() {
        return;
    }
    let mut tab = shard(t as usize).lock();
    if let Some(v) = tab.get_mut(&(t as usize)) {
        v.retain(|&a| a != obj.addr());
        if v.is_empty() {
            tab.remove(&(t as usize));
        }
    }
    w.target.store(std::ptr::null_mut(), Release);
}

crate::builtin_type! {
    /// `weakref.ref` (`weakref.ReferenceType`).
    pub static WEAKREF_TYPE = {
        name: "weakref.ReferenceType",
        layout: PyWeakRef,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::BASETYPE.union(TypeFlags::MANAGED_DICT).union(TypeFlags::PREHEADER),
        traverse: Some(wr_traverse),
        clear: Some(wr_clear),
        dealloc: wr_dealloc,
        size: None,
        slots: Slots {
            call: Some(|w, args, kw| {
                crate::args::Args::new(args, kw).exact("weakref", 0)?;
                Ok(get_target(w).unwrap_or_else(crate::singletons::none))
            }),
            repr: Some(wr_repr),
            hash: Some(wr_hash),
            richcompare: Some(wr_richcompare),
            new: Some(wr_new),
            init: Some(wr_init),
            getattro: Some(crate::baseobject::generic_getattr),
            setattro: Some(crate::baseobject::generic_setattr),
            ..Slots::EMPTY
        },
    }
}

// SAFETY: repr(C), header first.
unsafe impl PyPayload for PyWeakRef {
    fn type_object() -> &'static PyType {
        &WEAKREF_TYPE
    }
}

fn payload(w: &PyObj) -> &PyWeakRef {
    // SAFETY: callers pass weakrefs (or subclasses) or proxies, which share the layout.
    unsafe { w.payload_unchecked::<PyWeakRef>() }
}

/// `true` if objects of `obj`'s type can be weakly referenced.
pub fn is_weakrefable(obj: &PyObj) -> bool {
    let f = obj.ty().flags();
    (f.contains(TypeFlags::PREHEADER) && !crate::weakproxy::is_proxy(obj))
        // Builtin types whose dealloc clears weak references (`deque`, `partial`,
        // `re.Pattern`, `SimpleQueue`).
        || f.contains(TypeFlags::MANAGED_WEAKREF)
        || f.contains(TypeFlags::TYPE_SUBCLASS)
        || obj.is_instance_of(&crate::set::SET_TYPE)
        || obj.is_instance_of(&crate::set::FROZENSET_TYPE)
        || obj.is_exact(&crate::descr::BUILTIN_FUNCTION_TYPE)
        || obj.is_exact(&crate::memoryview::MEMORYVIEW_TYPE)
}

/// A new weak reference of type `ty` (`weakref.ref` or a subclass, or one of the
/// proxy types of [`crate::weakproxy`]) to `target`. A `weakref.ref` or proxy without
/// a callback is shared: an existing live one of the same type is returned instead,
/// as CPython does.
///
/// # Errors
/// `TypeError` if `target` cannot be weakly referenced.
pub fn new_weakref(ty: &PyType, target: &PyObj, callback: Option<PyObj>) -> PyResult<PyObj> {
    if !is_weakrefable(target) {
        return Err(type_error(format!(
            "cannot create weak reference to '{}' object",
            target.ty().name()
        )));
    }
    let addr = target.addr();
    let mut tab = shard(addr).lock();
    // Reuse an existing callback-less plain ref or proxy, as CPython does.
    if callback.is_none()
        && (std::ptr::eq(ty, &WEAKREF_TYPE) || crate::weakproxy::is_proxy_type(ty))
    {
        if let Some(list) = tab.get(&addr) {
            for &w in list {
                // SAFETY: refs in the table are alive (they unlink when freed, under
                // this lock).
                let wo = unsafe { &*(w as *const PyWeakRef) };
                let wobj = ObjPtr::from_raw(w as *mut ObjectHeader).expect("non-null");
                // SAFETY: as above.
                if unsafe { PyType::of_ptr(wobj) }.as_ptr() == ty.as_ptr()
                    && wo.callback.lock().is_none()
                    // SAFETY: alive under the lock; a dying ref refuses the incref.
                    && unsafe { strand_heap::refcount::try_incref(wobj) }
                {
                    // SAFETY: we took a reference.
                    return Ok(unsafe { PyObj::from_owned(wobj) });
                }
            }
        }
    }
    let shared_plain_ref = callback.is_none() && std::ptr::eq(ty, &WEAKREF_TYPE);
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyWeakRef;
        std::ptr::addr_of_mut!((*p).target).write(AtomicPtr::new(target.as_ptr().as_ptr()));
        std::ptr::addr_of_mut!((*p).callback).write(Mutex::new(callback));
        std::ptr::addr_of_mut!((*p).hash).write(AtomicIsize::new(-1));
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
        target.as_ptr().set_flags(ObFlags::WEAKREFS);
        // Whichever thread clears the target's weak references (the one that drops
        // the target's last reference, or the collector) takes a reference to this
        // weakref with `try_incref` to call its callback; without this state that
        // fails on every thread but the weakref's owner, and the callback is lost.
        strand_heap::refcount::set_maybe_weakref(obj.as_ptr());
        // The target too (CPython's `get_or_create_weakref` does the same): another
        // thread dereferencing the weakref takes its reference with `try_incref`,
        // which refuses an object still in state INIT (its owner may free it without
        // a compare-and-swap), so the weakref read as dead on every thread but the
        // target's owner while the target was alive.
        strand_heap::refcount::set_maybe_weakref(target.as_ptr());
    }
    let list = tab.entry(addr).or_default();
    // CPython's order (weakrefobject.c's insert_head/insert_after): the shared plain
    // ref first, then the shared proxy, then every other ref newest first. Callbacks
    // run and `getweakrefs` lists in this order.
    let basics = list
        .iter()
        .take(2)
        .take_while(|&&w| {
            let wobj = ObjPtr::from_raw(w as *mut ObjectHeader).expect("non-null");
            // SAFETY: refs in the table are alive (they unlink when freed, under
            // this lock).
            let wty = unsafe { PyType::of_ptr(wobj) };
            // SAFETY: as above.
            let wo = unsafe { &*(w as *const PyWeakRef) };
            (std::ptr::eq(wty, &WEAKREF_TYPE) || crate::weakproxy::is_proxy_type(wty))
                && wo.callback.lock().is_none()
        })
        .count();
    let at = if shared_plain_ref { 0 } else { basics };
    list.insert(at, obj.addr());
    Ok(obj)
}

/// The live target of a weak reference or proxy, or `None` if it died.
pub fn get_target(w: &PyObj) -> Option<PyObj> {
    let wr = payload(w);
    let t = wr.target.load(Acquire);
    if t.is_null() {
        return None;
    }
    let _tab = shard(t as usize).lock();
    let t = ObjPtr::from_raw(wr.target.load(Acquire))?;
    // SAFETY: the target is cleared under this lock before its memory is freed; a
    // dying target (count zero) refuses try_incref.
    if unsafe { strand_heap::refcount::try_incref(t) } {
        // SAFETY: we took the reference.
        Some(unsafe { PyObj::from_owned(t) })
    } else {
        None
    }
}

fn take_refs(addr: usize) -> Vec<usize> {
    shard(addr).lock().remove(&addr).unwrap_or_default()
}

/// Clears the weak references to a dying object and calls their callbacks. Called by
/// deallocs of weak-referenceable types.
///
/// # Safety
/// `obj`'s count is zero and it is being deallocated by the caller.
pub unsafe fn clear_weakrefs_on_dealloc(obj: ObjPtr) {
    // SAFETY: the object is still allocated.
    if !unsafe { obj.flags() }.contains(ObFlags::WEAKREFS) {
        return;
    }
    let refs = {
        let mut tab = shard(obj.addr()).lock();
        let refs = tab.remove(&obj.addr()).unwrap_or_default();
        let mut live = Vec::new();
        for w in refs {
            let wp = ObjPtr::from_raw(w as *mut ObjectHeader).expect("non-null");
            // SAFETY: refs in the table are allocated (unlinked under this lock when
            // freed).
            let wr = unsafe { &*(w as *const PyWeakRef) };
            wr.target.store(std::ptr::null_mut(), Release);
            // SAFETY: as above; a dying ref refuses.
            if unsafe { strand_heap::refcount::try_incref(wp) } {
                // SAFETY: we took the reference.
                live.push(unsafe { PyObj::from_owned(wp) });
            }
        }
        live
    };
    for w in refs {
        let cb = payload(&w).callback.lock().clone();
        if let Some(cb) = cb {
            if let Err(e) = ab::call(&cb, std::slice::from_ref(&w), None) {
                crate::unraisable::write_unraisable(&e, &cb);
            }
        }
    }
}

/// The first weak reference to `obj` (for `__weakref__`), or `None`.
pub fn first_weakref(obj: &PyObj) -> PyObj {
    let tab = shard(obj.addr()).lock();
    if let Some(&w) = tab.get(&obj.addr()).and_then(|v| v.first()) {
        let wp = ObjPtr::from_raw(w as *mut ObjectHeader).expect("non-null");
        // SAFETY: alive under the lock; refuses if dying.
        if unsafe { strand_heap::refcount::try_incref(wp) } {
            // SAFETY: we took the reference.
            return unsafe { PyObj::from_owned(wp) };
        }
    }
    crate::singletons::none()
}

/// Number of weak references to `obj`.
pub fn weakref_count(obj: &PyObj) -> usize {
    shard(obj.addr())
        .lock()
        .get(&obj.addr())
        .map_or(0, Vec::len)
}

/// The weak references to `obj`.
pub fn weakrefs_of(obj: &PyObj) -> Vec<PyObj> {
    let tab = shard(obj.addr()).lock();
    tab.get(&obj.addr())
        .map(|v| {
            v.iter()
                .filter_map(|&w| {
                    let wp = ObjPtr::from_raw(w as *mut ObjectHeader)?;
                    // SAFETY: alive under the lock; refuses if dying.
                    unsafe { strand_heap::refcount::try_incref(wp) }
                        // SAFETY: we took the reference.
                        .then(|| unsafe { PyObj::from_owned(wp) })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `weakref.ref.__init__(self, ob, callback=None)`: only checks its arguments (no
/// keywords), as CPython's weakref___init__.
fn wr_init(_w: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let a = crate::args::Args::new(args, kw);
    a.no_kwargs("ref")?;
    crate::args::check_positional("__init__", a.nargs(), 1, 2)
}

/// `weakref.ref.__new__(cls, ob, callback=None)`: keywords are left to
/// `__init__` (a subclass's may take them), as CPython's weakref___new__ does.
fn wr_new(cls: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "weakref.__new__(X)")?;
    let a = crate::args::Args::new(args, kw);
    crate::args::check_positional("__new__", a.nargs(), 1, 2)?;
    let cb = a
        .positional(1)
        .filter(|c| !crate::singletons::is_none(c))
        .cloned();
    new_weakref(ty, &args[0], cb)
}

fn wr_repr(w: &PyObj) -> PyResult<PyObj> {
    Ok(crate::str::from_string(match get_target(w) {
        None => format!("<weakref at {:#x}; dead>", w.addr()),
        Some(t) => format!(
            "<weakref at {:#x}; to '{}' at {:#x}>",
            w.addr(),
            t.ty().name(),
            t.addr()
        ),
    }))
}

fn wr_hash(w: &PyObj) -> PyResult<isize> {
    let wr = payload(w);
    let h = wr.hash.load(Relaxed);
    if h != -1 {
        return Ok(h);
    }
    let t = get_target(w).ok_or_else(|| type_error("weak object has gone away"))?;
    let h = ab::hash(&t)?;
    wr.hash.store(h, Relaxed);
    Ok(h)
}

fn wr_richcompare(a: &PyObj, b: &PyObj, op: crate::typeobj::CompareOp) -> PyResult<PyObj> {
    use crate::typeobj::CompareOp;
    if !matches!(op, CompareOp::Eq | CompareOp::Ne) || !b.is_instance_of(&WEAKREF_TYPE) {
        return Ok(crate::singletons::not_implemented());
    }
    match (get_target(a), get_target(b)) {
        (Some(x), Some(y)) => ab::richcompare(&x, &y, op),
        _ => Ok(crate::singletons::bool_obj(
            a.is(b) == (op == CompareOp::Eq),
        )),
    }
}

/// `__callback__`.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    vec![crate::descr::GetSetDef::new(
        "__callback__",
        |w| {
            Ok(payload(w)
                .callback
                .lock()
                .clone()
                .unwrap_or_else(crate::singletons::none))
        },
        None,
    )]
}

/// The [`strand_gc::GcBinding`] of the object model: clears weak references to garbage.
pub struct WeakrefBinding;

impl strand_gc::GcBinding for WeakrefBinding {
    unsafe fn clear_weakrefs(&self, obj: ObjPtr, callbacks: &mut Vec<ObjPtr>) {
        // SAFETY: the collector passes live objects.
        if !unsafe { obj.flags() }.contains(ObFlags::WEAKREFS) {
            return;
        }
        for w in take_refs(obj.addr()) {
            let wp = ObjPtr::from_raw(w as *mut ObjectHeader).expect("non-null");
            // SAFETY: refs in the table are allocated; the world is stopped.
            let wr = unsafe { &*(w as *const PyWeakRef) };
            wr.target.store(std::ptr::null_mut(), Release);
            // Callbacks of weakrefs that are garbage themselves are not run.
            // SAFETY: as above.
            let unreachable = unsafe { strand_gc::is_unreachable(wp) };
            // SAFETY: as above; the world is stopped, so the lock is free.
            let has_cb = wr.callback.try_lock().is_some_and(|c| c.is_some());
            // SAFETY: wp is allocated (see above); a dying ref refuses the increment.
            if has_cb && !unreachable && unsafe { strand_heap::refcount::try_incref(wp) } {
                callbacks.push(wp);
            }
        }
    }

    unsafe fn counts_as_object(&self, obj: ObjPtr) -> bool {
        // SAFETY: forwarded: alive, world stopped.
        !unsafe { crate::dict::is_hidden_attribute_table(obj) }
    }

    unsafe fn call_weakref_callback(&self, weakref: ObjPtr) {
        // SAFETY: the collector holds a reference.
        let w = unsafe { PyObj::from_borrowed(weakref) };
        let cb = payload(&w).callback.lock().clone();
        if let Some(cb) = cb {
            if let Err(e) = ab::call(&cb, std::slice::from_ref(&w), None) {
                crate::unraisable::write_unraisable(&e, &cb);
            }
        }
    }
}
