//! `_thread._local` (`threading.local`): an object whose attributes are per thread.
//!
//! Each local keeps one attribute dict per thread that touched it, keyed by the
//! thread's ident (never reused in strand, see [`super::get_ident`]). A thread
//! that first touches a local of a subclass with its own `__init__` gets that
//! `__init__` called with the constructor's arguments, as in CPython. Dicts of threads
//! that have exited are dropped the next time a new thread adds its own dict.
//!
//! The table is behind a mutex held only for lookups and insertions: no Python code
//! runs, nothing is allocated on the managed heap and no reference is dropped while
//! it is held, so the collector (which locks it in traverse, world stopped) can never
//! wait for a thread parked while holding it.

use std::sync::Mutex;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{abstract_ as ab, baseobject, dict, str as pystr, PyObj, PyResult};

use super::get_ident;

struct Table {
    /// `(thread ident, that thread's attribute dict)`.
    dicts: Vec<(u64, PyObj)>,
    /// The constructor's arguments, for `__init__` in other threads.
    args: Option<PyObj>,
    kwargs: Option<PyObj>,
}

/// The layout of `_thread._local`.
#[repr(C)]
pub struct PyLocal {
    header: ObjectHeader,
    table: Mutex<Table>,
}

fn table(o: &PyObj) -> std::sync::MutexGuard<'_, Table> {
    // SAFETY: the slots below are installed on `_local` and its subclasses, whose
    // layouts start with PyLocal.
    let p = unsafe { o.payload_unchecked::<PyLocal>() };
    p.table.lock().unwrap_or_else(|e| e.into_inner())
}

unsafe fn local_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyLocal layouts; the world is stopped and no thread parks
    // while holding the table lock (see the module doc), so locking cannot block.
    let p = unsafe { &*(obj.as_ptr() as *const PyLocal) };
    let t = p.table.lock().unwrap_or_else(|e| e.into_inner());
    for (_, d) in &t.dicts {
        visit(d.as_ptr());
    }
    if let Some(a) = &t.args {
        visit(a.as_ptr());
    }
    if let Some(k) = &t.kwargs {
        visit(k.as_ptr());
    }
}

unsafe fn local_clear(obj: ObjPtr) {
    // SAFETY: the collector holds a reference; the lock is released before the
    // references are dropped (their finalizers may run Python code).
    let o = unsafe { PyObj::from_borrowed(obj) };
    let taken = {
        let mut t = table(&o);
        (std::mem::take(&mut t.dicts), t.args.take(), t.kwargs.take())
    };
    drop(taken);
}

unsafe fn local_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; the field was initialised in `local_new`.
    unsafe {
        let p = obj.as_ptr() as *mut PyLocal;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).table));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_thread._local`.
    pub static LOCAL_TYPE = {
        name: "_thread._local",
        layout: PyLocal,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(local_traverse),
        clear: Some(local_clear),
        dealloc: local_dealloc,
        size: None,
        slots: Slots {
            new: Some(local_new),
            getattro: Some(local_getattro),
            setattro: Some(local_setattro),
            ..Slots::EMPTY
        },
    }
}

/// `true` if `ty` (a `_local` subclass) defines its own `__init__`.
fn has_own_init(ty: &PyType) -> bool {
    match (
        ty.lookup_str("__init__"),
        baseobject::OBJECT_TYPE.lookup_str("__init__"),
    ) {
        (Some(a), Some(b)) => !a.is(&b),
        (Some(_), None) => true,
        _ => false,
    }
}

fn local_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "_local.__new__(X)")?;
    let a = Args::new(args, kwnames);
    let has_args = a.nargs() > 0 || a.has_kwargs();
    if has_args && !has_own_init(ty) {
        return Err(type_error("Initialization arguments are not supported"));
    }
    let pos = strand_objects::tuple::from_vec(a.positionals().to_vec());
    let kw = if a.has_kwargs() {
        let d = dict::new();
        for (k, v) in a.kwargs() {
            dict::set_item_str(&d, k, v.clone());
        }
        Some(d)
    } else {
        None
    };
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of a PyLocal layout (or a subclass's extension of it).
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyLocal;
        std::ptr::addr_of_mut!((*p).table).write(Mutex::new(Table {
            dicts: Vec::new(),
            args: Some(pos),
            kwargs: kw,
        }));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    // The creating thread's dict exists from the start; type.__call__ runs __init__.
    let d = dict::new();
    table(&obj).dicts.push((get_ident(), d));
    Ok(obj)
}

/// The calling thread's attribute dict of `o`, created (and initialised by the
/// subclass's `__init__`) on first use.
fn thread_dict(o: &PyObj) -> PyResult<PyObj> {
    let me = get_ident();
    if let Some(d) = table(o)
        .dicts
        .iter()
        .find(|(t, _)| *t == me)
        .map(|(_, d)| d.clone())
    {
        return Ok(d);
    }
    let d = dict::new();
    let (purged, args, kwargs) = {
        let mut t = table(o);
        let mut purged = Vec::new();
        let mut i = 0;
        while i < t.dicts.len() {
            if super::is_live(t.dicts[i].0) {
                i += 1;
            } else {
                purged.push(t.dicts.swap_remove(i));
            }
        }
        t.dicts.push((me, d.clone()));
        (purged, t.args.clone(), t.kwargs.clone())
    };
    drop(purged);
    let ty = o.ty();
    if has_own_init(ty) {
        if let Some(init) = ty.lookup_str("__init__") {
            let mut all = vec![o.clone()];
            if let Some(a) = &args {
                all.extend(strand_objects::tuple::items(a).iter().cloned());
            }
            let f = ab::call_with_dict(&init, &all, kwargs.as_ref())?;
            drop(f);
        }
    }
    Ok(d)
}

fn local_getattro(o: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    let d = thread_dict(o)?;
    if pystr::is_str(name) && pystr::as_str(name) == "__dict__" {
        return Ok(d);
    }
    let ty = o.ty();
    let descr = ty.lookup(name);
    if let Some(desc) = &descr {
        if let (Some(get), true) = (desc.ty().slots().descr_get, baseobject::is_data_descr(desc)) {
            return get(desc, Some(o), &ty.to_obj());
        }
    }
    if let Some(v) = dict::get_item(&d, name)? {
        return Ok(v);
    }
    match descr {
        Some(desc) => match desc.ty().slots().descr_get {
            Some(get) => get(&desc, Some(o), &ty.to_obj()),
            None => Ok(desc),
        },
        None => Err(exc::no_attribute(o, name)),
    }
}

fn local_setattro(o: &PyObj, name: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    if !pystr::is_str(name) {
        return Err(type_error(format!(
            "attribute name must be string, not '{}'",
            name.ty().name()
        )));
    }
    if pystr::as_str(name) == "__dict__" {
        return Err(exc::attribute_error(format!(
            "'{}' object attribute '__dict__' is read-only",
            o.ty().name()
        )));
    }
    let d = thread_dict(o)?;
    if let Some(desc) = o.ty().lookup(name) {
        if let Some(set) = desc.ty().slots().descr_set {
            return set(&desc, o, value);
        }
    }
    match value {
        Some(v) => dict::set_item(&d, name.clone(), v.clone()),
        None => {
            if dict::del_item(&d, name)? {
                Ok(())
            } else {
                Err(exc::no_attribute(o, name))
            }
        }
    }
}

/// Readies the type (once) and returns it.
pub fn local_type() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        LOCAL_TYPE.ready_static(Some(&baseobject::OBJECT_TYPE), &[], &[]);
    });
    LOCAL_TYPE.to_obj()
}
