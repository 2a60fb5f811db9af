//! Heap types: classes created by `class` statements and `type(name, bases, dict)`
//! (CPython's `type_new`), their instances' layout and life cycle.
//!
//! A heap type's instances extend the layout of its *solid base* (the builtin base
//! whose layout is largest) with one word per `__slots__` name; if instances have a
//! `__dict__` it lives in the two-word pre-header ([`crate::managed`]), which puts them
//! in the pre-header GC heap. Every instance holds a reference to its heap type.
//! The MRO is computed with C3 linearization; special methods in the class dict become
//! slot dispatchers ([`crate::slotdefs`]); instance dicts of one class share keys
//! (split tables).

use std::sync::atomic::Ordering::AcqRel;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader, TypeVTable};

use crate::abstract_ as ab;
use crate::exceptions::type_error;
use crate::names::NAMES;
use crate::object::PyObj;
use crate::typeobj::{PyType, TypeFlags};
use crate::PyResult;

/// Frees an instance's memory after its contents were released: the end of every
/// builtin dealloc. Heap-type instances also drop their reference to their type.
///
/// # Safety
/// `obj`'s count is zero, its contents are released, and nothing references it.
pub unsafe fn dealloc_instance_memory(obj: ObjPtr) {
    // SAFETY: obj is still a valid object (memory not yet freed).
    let ty = unsafe { PyType::of_ptr(obj) };
    let heap_type = ty.is_heap_type().then(|| ty.as_ptr());
    // SAFETY: forwarded to the caller.
    unsafe { strand_heap::free_object(obj) };
    if let Some(t) = heap_type {
        // SAFETY: the instance owned a reference to its heap type.
        drop(unsafe { PyObj::from_owned(t) });
    }
}

/// Zeroes the `__slots__` words of a new instance of a heap type (a no-op for builtin
/// types).
///
/// # Safety
/// `obj` is a fresh instance of `ty` whose base layout has been written.
pub unsafe fn init_slots_region(ty: &PyType, obj: &PyObj) {
    if !ty.is_heap_type() {
        return;
    }
    let start = ty.inner().slots_offset;
    let end = ty.basicsize();
    if start != 0 && end > start {
        // SAFETY: [start, end) is the slots region of the allocation.
        unsafe {
            std::ptr::write_bytes(
                (obj.as_ptr().as_ptr() as *mut u8).add(start),
                0,
                end - start,
            );
        }
    }
}

/// Allocates an instance of a type whose solid base is `object` (or another layout
/// with nothing to initialise beyond the header): used by `object.__new__`.
pub fn alloc_plain_instance(ty: &PyType) -> PyObj {
    if crate::inline_values::type_has_inline_values(ty) {
        let obj = crate::inline_values::alloc_instance(ty);
        // SAFETY: initialised by alloc_instance (header, zeroed body, inline area).
        unsafe { crate::alloc::finish_instance(ty, &obj) };
        return obj;
    }
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation; the region after the header is the slots region (or,
    // for a non-plain solid base, initialised by that base's __new__ which then must
    // be used instead; type_new picks object.__new__ only for plain layouts).
    unsafe {
        let hdr = std::mem::size_of::<ObjectHeader>();
        if ty.basicsize() > hdr {
            std::ptr::write_bytes(
                (obj.as_ptr().as_ptr() as *mut u8).add(hdr),
                0,
                ty.basicsize() - hdr,
            );
        }
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

// ---------------------------------------------------------------------------------
// Instances of heap types
// ---------------------------------------------------------------------------------

/// The nearest builtin (static) type in `ty`'s base chain: whose dealloc and traverse
/// handle the layout under the slots.
fn solid_static_base(ty: &PyType) -> &PyType {
    let mut t = ty;
    while t.is_heap_type() {
        t = t.base().expect("heap types have a base");
    }
    t
}

unsafe fn subtype_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on heap-type instances; world stopped.
    let ty = unsafe { PyType::of_ptr(obj) };
    visit(ty.as_ptr());
    if ty.flags().contains(TypeFlags::PREHEADER) {
        // SAFETY: pre-header objects.
        unsafe { crate::managed::traverse(obj, visit) };
    }
    if crate::inline_values::type_has_inline_values(ty) {
        // SAFETY: the type has inline values; world stopped.
        unsafe { crate::inline_values::traverse(obj, visit) };
    }
    let mut t = ty;
    while t.is_heap_type() {
        let inner = t.inner();
        for i in 0..inner.slot_names.len() {
            let off = inner.slots_offset + i * 8;
            // SAFETY: heap types' slot words are in the object at these offsets.
            let p = unsafe { *((obj.as_ptr() as *const u8).add(off) as *const *mut ObjectHeader) };
            if let Some(p) = ObjPtr::from_raw(p) {
                visit(p);
            }
        }
        t = t.base().expect("base");
    }
    if let Some(tr) = t.vtable.traverse {
        // SAFETY: the builtin base's traverse handles its own layout.
        unsafe { tr(obj, visit) };
    }
}

unsafe fn clear_slots(obj: ObjPtr) {
    // SAFETY: heap-type instance.
    let ty = unsafe { PyType::of_ptr(obj) };
    let mut t = ty;
    while t.is_heap_type() {
        let inner = t.inner();
        for i in 0..inner.slot_names.len() {
            let off = inner.slots_offset + i * 8;
            // SAFETY: slot words of this layout.
            let slot = unsafe {
                &*((obj.as_ptr() as *const u8).add(off)
                    as *const std::sync::atomic::AtomicPtr<ObjectHeader>)
            };
            if let Some(p) = ObjPtr::from_raw(slot.swap(std::ptr::null_mut(), AcqRel)) {
                // SAFETY: the slot owned a reference.
                drop(unsafe { PyObj::from_owned(p) });
            }
        }
        t = t.base().expect("base");
    }
}

unsafe fn subtype_clear(obj: ObjPtr) {
    // SAFETY: heap-type instance kept alive by the collector.
    unsafe {
        let ty = PyType::of_ptr(obj);
        clear_slots(obj);
        if crate::inline_values::type_has_inline_values(ty) {
            crate::inline_values::clear(obj);
        }
        if ty.flags().contains(TypeFlags::PREHEADER) {
            crate::managed::clear(obj);
        }
        if let Some(c) = solid_static_base(ty).vtable.clear {
            c(obj);
        }
    }
}

unsafe fn subtype_finalize(obj: ObjPtr) {
    // SAFETY: called by the collector on a live heap-type instance.
    let o = unsafe { PyObj::from_borrowed(obj) };
    if let Some(f) = o.ty().slots().finalize {
        f(&o);
    }
}

unsafe fn subtype_dealloc(obj: ObjPtr) {
    // SAFETY: count zero; we are the object's dealloc.
    unsafe {
        let ty = PyType::of_ptr(obj);
        if ty.flags().contains(TypeFlags::HAS_DEL)
            && !obj.gc_bits().contains(strand_heap::GcBits::FINALIZED)
        {
            obj.set_gc_bits(obj.gc_bits() | strand_heap::GcBits::FINALIZED);
            strand_heap::refcount::resurrect_begin(obj);
            {
                // Our own reference for the call; dropping it leaves resurrect's.
                let o = PyObj::from_borrowed(obj);
                if let Some(f) = ty.slots().finalize {
                    f(&o);
                }
            }
            if !strand_heap::refcount::resurrect_end(obj) {
                // The finalizer stored a reference: the object lives on.
                if ty.vtable.kind.is_gc() {
                    obj.track();
                }
                return;
            }
        }
        if ty.flags().contains(TypeFlags::MANAGED_WEAKREF)
            || ty.flags().contains(TypeFlags::PREHEADER)
        {
            crate::weakref::clear_weakrefs_on_dealloc(obj);
        }
        clear_slots(obj);
        if crate::inline_values::type_has_inline_values(ty) {
            crate::inline_values::clear(obj);
        }
        if ty.flags().contains(TypeFlags::PREHEADER) {
            crate::managed::clear(obj);
        }
        (solid_static_base(ty).vtable.dealloc)(obj);
    }
}

// ---------------------------------------------------------------------------------
// Type objects as heap objects
// ---------------------------------------------------------------------------------

/// Traverse of a heap type object.
pub(crate) unsafe fn type_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on type objects; world stopped.
    let ty = unsafe { &*(obj.as_ptr() as *const PyType) };
    if !ty.is_heap_type() {
        return;
    }
    let inner = ty.inner();
    for o in [
        &inner.name_obj,
        &inner.qualname,
        &inner.bases,
        &inner.mro,
        &inner.dict,
    ]
    .into_iter()
    .flatten()
    {
        visit(o.as_ptr());
    }
    for n in &inner.slot_names {
        visit(n.as_ptr());
    }
    // Heap metaclass instances reference their metaclass.
    // SAFETY: obj is a live type object.
    let meta = unsafe { PyType::of_ptr(obj) };
    if meta.is_heap_type() {
        visit(meta.as_ptr());
    }
}

/// Clear of a heap type object (breaks cycles through its dict and MRO).
pub(crate) unsafe fn type_clear(obj: ObjPtr) {
    // SAFETY: installed on type objects; the collector holds a reference. Clearing
    // runs with the world running, like CPython's type_clear.
    let ty = unsafe { &*(obj.as_ptr() as *const PyType) };
    if !ty.is_heap_type() {
        return;
    }
    let d = ty.inner().dict.clone();
    if let Some(d) = d {
        crate::dict::clear(&d);
    }
    ty.modified();
    // The MRO starts with the type itself: drop it to break that self-reference, as
    // CPython's type_clear does (lookups treat a missing MRO as empty).
    // SAFETY: the collector only clears unreachable objects, which no other thread can
    // reach, so nobody reads the MRO concurrently.
    let mro = unsafe { ty.inner_mut() }.mro.take();
    drop(mro);
}

/// A copy of the namespace's `__doc__` when it is a str (of any subclass), for
/// [`crate::typeobj::TypeInner::doc`] (CPython's `type_new_set_doc`).
fn class_doc(dict: &PyObj) -> Option<PyObj> {
    let doc = crate::dict::get_item_str(dict, "__doc__")?;
    crate::str::is_str(&doc).then(|| crate::str::new(crate::str::as_str(&doc)))
}

/// Dealloc of a heap type object.
pub(crate) unsafe fn type_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access.
    unsafe {
        let ty = &*(obj.as_ptr() as *const PyType);
        // Registered with every base (not only the layout base): leave them all.
        if let Some(bases) = &ty.inner().bases {
            for b in crate::tuple::items(bases) {
                PyType::from_obj(b).remove_subclass(ty);
            }
        }
        let inner = ty.inner_mut();
        let keys = std::mem::replace(&mut inner.cached_keys, std::ptr::null_mut());
        if !keys.is_null() {
            crate::dict::shared_keys_decref(keys);
        }
        let fields = (
            inner.name_obj.take(),
            inner.qualname.take(),
            inner.bases.take(),
            inner.mro.take(),
            inner.dict.take(),
            std::mem::take(&mut inner.slot_names),
            inner.doc.take(),
        );
        drop(fields);
        let meta = PyType::of_ptr(obj);
        let meta_ptr = meta.is_heap_type().then(|| meta.as_ptr());
        strand_heap::free_object(obj);
        if let Some(m) = meta_ptr {
            drop(PyObj::from_owned(m));
        }
    }
}

// ---------------------------------------------------------------------------------
// type(name, bases, dict)
// ---------------------------------------------------------------------------------

/// C3 linearization of `ty`'s MRO from its bases (CPython's `mro_implementation`).
pub fn c3_mro(ty: &PyObj, bases: &[PyObj]) -> PyResult<Vec<PyObj>> {
    let mut seqs: Vec<Vec<PyObj>> = Vec::new();
    for b in bases {
        // SAFETY: bases were checked to be types.
        let bt = unsafe { PyType::from_obj(b) };
        // A base whose metaclass `mro()` is still running has no MRO yet.
        let Some(base_mro) = bt.inner().mro.clone() else {
            return Err(type_error(format!(
                "Cannot extend an incomplete type '{}'",
                bt.name()
            )));
        };
        seqs.push(crate::tuple::items(&base_mro).to_vec());
    }
    seqs.push(bases.to_vec());
    let mut result = vec![ty.clone()];
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Ok(result);
        }
        let mut candidate = None;
        for s in &seqs {
            let head = &s[0];
            let in_tail = seqs.iter().any(|t| t[1..].iter().any(|x| x.is(head)));
            if !in_tail {
                candidate = Some(head.clone());
                break;
            }
        }
        let Some(c) = candidate else {
            let mut names: Vec<String> = Vec::new();
            for s in &seqs {
                // SAFETY: MRO entries are types.
                let n = unsafe { PyType::from_obj(&s[0]) }.name().to_string();
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            return Err(type_error(format!(
                "Cannot create a consistent method resolution\norder (MRO) for bases {}",
                names.join(", ")
            )));
        };
        for s in seqs.iter_mut() {
            if s[0].is(&c) {
                s.remove(0);
            }
        }
        result.push(c);
    }
}

/// The metaclass for a class with `bases` and an explicit `meta` (CPython's
/// `_PyType_CalculateMetaclass`).
pub fn calculate_metaclass(meta: &PyObj, bases: &[PyObj]) -> PyResult<PyObj> {
    let mut winner = meta.clone();
    for b in bases {
        let bt = b.ty().to_obj();
        // SAFETY: metaclasses are types.
        let (w, t) = unsafe { (PyType::from_obj(&winner), PyType::from_obj(&bt)) };
        if w.is_subtype(t) {
            continue;
        }
        if t.is_subtype(w) {
            winner = bt;
            continue;
        }
        return Err(type_error(
            "metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases",
        ));
    }
    Ok(winner)
}

/// The "solid" base among `bases`: the one whose layout instances must extend
/// (CPython's `best_base`).
pub(crate) fn best_base(bases: &[PyObj]) -> PyResult<&PyType> {
    let mut best: Option<&PyType> = None;
    for b in bases {
        // SAFETY: checked to be types by the caller.
        let t = unsafe { PyType::from_obj(b) };
        if !t.flags().contains(TypeFlags::BASETYPE) {
            return Err(type_error(format!(
                "type '{}' is not an acceptable base type",
                t.name()
            )));
        }
        let solid = solid_layout(t);
        match best {
            None => best = Some(t),
            Some(cur) => {
                let cur_solid = solid_layout(cur);
                if solid_layout_extends(cur_solid, solid) {
                    // The current winner's layout already covers this base's.
                } else if solid_layout_extends(solid, cur_solid) {
                    best = Some(t);
                } else {
                    return Err(type_error("multiple bases have instance lay-out conflict"));
                }
            }
        }
    }
    Ok(best.expect("at least one base"))
}

/// The MRO of a new class `ty` (CPython's `mro_invoke` and `mro_check`): C3 from
/// its bases, unless its metaclass overrides `mro()`, whose result (any iterable)
/// is used after checking that every entry is a class whose layout `ty` extends.
/// While the override runs the class has no MRO yet, so lookups on it find
/// nothing, as in CPython.
///
/// # Errors
/// TypeError for an inconsistent C3 order, a non-class entry ("mro() returned a
/// non-class ('T')") or an unsuitable layout; what the override raises.
fn mro_invoke(ty: &PyType, bases: &[PyObj]) -> PyResult<Vec<PyObj>> {
    let tobj = ty.to_obj();
    let meta = tobj.ty();
    let custom = if meta.to_obj().is(&crate::typeobj::TYPE_TYPE.to_obj()) {
        None
    } else {
        let own = crate::typeobj::TYPE_TYPE.lookup_str("mro");
        meta.lookup_str("mro")
            .filter(|m| own.as_ref().is_none_or(|o| !o.is(m)))
    };
    let Some(method) = custom else {
        return c3_mro(&tobj, bases);
    };
    let result = ab::call_descr(&method, &tobj, &[])?;
    let mro = ab::collect_iter(&result)?;
    let solid = solid_layout(ty);
    for entry in &mro {
        if !crate::typeobj::is_type(entry) {
            return Err(type_error(format!(
                "mro() returned a non-class ('{}')",
                entry.ty().name()
            )));
        }
        // SAFETY: checked to be a type.
        let et = unsafe { PyType::from_obj(entry) };
        if !solid.is_subtype(solid_layout(et)) {
            return Err(type_error(format!(
                "mro() returned base with unsuitable layout ('{}')",
                et.name()
            )));
        }
    }
    Ok(mro)
}

/// The type that determines `t`'s layout: walk up while the layout does not grow.
fn solid_layout(t: &PyType) -> &PyType {
    let mut t = t;
    while let Some(b) = t.base() {
        if t.basicsize() != b.basicsize() || t.itemsize() != b.itemsize() {
            break;
        }
        t = b;
    }
    t
}

fn solid_layout_extends(a: &PyType, b: &PyType) -> bool {
    a.is_subtype(b)
}

/// `type.__new__(meta, name, bases, namespace, **kwds)`.
pub(crate) fn type_new_slot(
    meta: &PyObj,
    args: &[PyObj],
    kwnames: Option<&PyObj>,
) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kwnames);
    if a.nargs() == 1 && !a.has_kwargs() {
        return Ok(args[0].ty().to_obj());
    }
    if a.nargs() != 3 {
        return Err(type_error("type() takes 1 or 3 arguments"));
    }
    let (name, bases, ns) = (&args[0], &args[1], &args[2]);
    if !crate::str::is_str(name) {
        return Err(type_error(format!(
            "type.__new__() argument 1 must be str, not {}",
            name.ty().name()
        )));
    }
    if !crate::tuple::is_tuple(bases) {
        return Err(type_error(format!(
            "type.__new__() argument 2 must be tuple, not {}",
            bases.ty().name()
        )));
    }
    if !crate::dict::is_dict(ns) {
        return Err(type_error(format!(
            "type.__new__() argument 3 must be dict, not {}",
            ns.ty().name()
        )));
    }
    // The most derived metaclass among meta and the bases' types creates the class;
    // one with its own __new__ is delegated to (CPython's type_new).
    let winner = calculate_metaclass(meta, crate::tuple::items(bases))?;
    if !winner.is(meta) {
        // SAFETY: metaclasses are types.
        let wt = unsafe { PyType::from_obj(&winner) };
        if let Some(new) = wt.slots().new {
            if new as usize != type_new_slot as *const () as usize {
                return new(&winner, args, kwnames);
            }
        }
    }
    let kwds: Vec<(PyObj, PyObj)> = a
        .kwargs()
        .map(|(k, v)| (crate::str::intern(k), v.clone()))
        .collect();
    new_heap_type(&winner, name, crate::tuple::items(bases), ns, &kwds)
}

/// Creates a class. `kwds` are the class keywords passed on to `__init_subclass__`.
pub fn new_heap_type(
    meta: &PyObj,
    name: &PyObj,
    bases: &[PyObj],
    ns: &PyObj,
    kwds: &[(PyObj, PyObj)],
) -> PyResult<PyObj> {
    let mut bases: Vec<PyObj> = bases.to_vec();
    for b in &bases {
        if !crate::typeobj::is_type(b) {
            return Err(type_error(format!(
                "bases must be types, not {}",
                b.ty().name()
            )));
        }
    }
    for (i, b) in bases.iter().enumerate() {
        if bases[..i].iter().any(|x| x.is(b)) {
            // SAFETY: checked to be types above.
            let name = unsafe { PyType::from_obj(b) }.name().to_string();
            return Err(type_error(format!("duplicate base class {name}")));
        }
    }
    if bases.is_empty() {
        bases.push(crate::baseobject::OBJECT_TYPE.to_obj());
    }
    let meta = calculate_metaclass(meta, &bases)?;
    // SAFETY: metaclasses are types.
    let meta_ty = unsafe { PyType::from_obj(&meta) };
    let base = best_base(&bases)?;

    let dict = crate::dict::copy(ns);
    // __slots__.
    let slots_spec = crate::dict::get_item(&dict, &NAMES.__slots__)?;
    let mut slot_names: Vec<PyObj> = Vec::new();
    let mut want_dict = true;
    let mut want_weakref = true;
    if let Some(spec) = &slots_spec {
        want_dict = false;
        want_weakref = false;
        let items = if crate::str::is_str(spec) {
            vec![spec.clone()]
        } else {
            ab::collect_iter(spec)?
        };
        for n in items {
            if !crate::str::is_str(&n) {
                return Err(type_error(format!(
                    "__slots__ items must be strings, not '{}'",
                    n.ty().name()
                )));
            }
            let s = crate::str::as_str(&n);
            if !is_identifier(s) {
                return Err(type_error("__slots__ must be identifiers"));
            }
            match s {
                "__dict__" => {
                    if want_dict {
                        return Err(type_error("__dict__ slot disallowed: we already got one"));
                    }
                    want_dict = true;
                }
                "__weakref__" => want_weakref = true,
                _ => {
                    let mangled = mangle(crate::str::as_str(name), s);
                    let n = crate::str::intern(&mangled);
                    if crate::dict::get_item(&dict, &n)?.is_some() {
                        return Err(crate::exceptions::value_error(format!(
                            "'{s}' in __slots__ conflicts with class variable"
                        )));
                    }
                    slot_names.push(n);
                }
            }
        }
        if !slot_names.is_empty() && base.itemsize() != 0 {
            return Err(type_error(format!(
                "nonempty __slots__ not supported for subtype of '{}'",
                base.name()
            )));
        }
    }
    // A metaclass adds neither `__dict__` nor `__weakref__`: its instances are
    // classes, whose attributes live in their type dict and which are weakly
    // referenceable as types (CPython's `type` has both offsets, so a subclass of it
    // inherits them).
    if base.flags().contains(TypeFlags::TYPE_SUBCLASS) {
        want_dict = false;
        want_weakref = false;
    }
    let base_has_dict = base.flags().contains(TypeFlags::MANAGED_DICT);
    let add_dict = want_dict && !base_has_dict;
    let preheader = base.flags().contains(TypeFlags::PREHEADER)
        || add_dict
        || (want_weakref && !base.flags().contains(TypeFlags::PREHEADER));

    let slots_offset = base.basicsize();
    let basicsize = slots_offset + slot_names.len() * 8;
    let kind = if preheader {
        HeapKind::GcPreheader
    } else if !slot_names.is_empty() || base.vtable.kind.is_gc() {
        HeapKind::Gc
    } else {
        HeapKind::NonGc
    };

    // Defaults in the namespace.
    if crate::dict::get_item(&dict, &NAMES.__module__)?.is_none() {
        let module = crate::function::current_globals_module()
            .unwrap_or_else(|| crate::str::intern("__main__"));
        crate::dict::set_item(&dict, NAMES.__module__.clone(), module)?;
    }
    let qualname = match crate::dict::pop_item(&dict, &NAMES.__qualname__)? {
        Some(q) if crate::str::is_str(&q) => q,
        Some(q) => {
            return Err(type_error(format!(
                "type __qualname__ must be a str, not {}",
                q.ty().name()
            )))
        }
        None => name.clone(),
    };
    // __eq__ without __hash__ makes instances unhashable.
    if crate::dict::get_item(&dict, &NAMES.__eq__)?.is_some()
        && crate::dict::get_item(&dict, &NAMES.__hash__)?.is_none()
    {
        crate::dict::set_item(&dict, NAMES.__hash__.clone(), crate::singletons::none())?;
    }
    // __new__, __init_subclass__, __class_getitem__ are implicitly static/class methods.
    if let Some(f) = crate::dict::get_item(&dict, &NAMES.__new__)? {
        if crate::function::is_function(&f) {
            crate::dict::set_item(
                &dict,
                NAMES.__new__.clone(),
                crate::descr::new_staticmethod(f)?,
            )?;
        }
    }
    for n in [&NAMES.__init_subclass__, &NAMES.__class_getitem__] {
        if let Some(f) = crate::dict::get_item(&dict, n)? {
            if crate::function::is_function(&f) {
                crate::dict::set_item(&dict, n.clone(), crate::descr::new_classmethod(f)?)?;
            }
        }
    }
    let classcell = crate::dict::pop_item(&dict, &NAMES.__classcell__)?;

    // Allocate the type object.
    let type_basicsize = meta_ty.basicsize().max(std::mem::size_of::<PyType>());
    let tobj = crate::alloc::alloc_instance(meta_ty, type_basicsize);
    let mut flags = TypeFlags::HEAPTYPE | TypeFlags::BASETYPE | TypeFlags::READY;
    flags |= base.flags()
        & (TypeFlags::LONG_SUBCLASS
            | TypeFlags::LIST_SUBCLASS
            | TypeFlags::TUPLE_SUBCLASS
            | TypeFlags::BYTES_SUBCLASS
            | TypeFlags::UNICODE_SUBCLASS
            | TypeFlags::DICT_SUBCLASS
            | TypeFlags::BASE_EXC_SUBCLASS
            | TypeFlags::TYPE_SUBCLASS
            | TypeFlags::MANAGED_DICT
            | TypeFlags::MANAGED_WEAKREF);
    if add_dict || base_has_dict {
        flags |= TypeFlags::MANAGED_DICT;
    }
    if preheader {
        flags |= TypeFlags::PREHEADER | TypeFlags::MANAGED_WEAKREF;
    }
    if !slot_names.is_empty() {
        flags |= TypeFlags::HAS_SLOTS;
    }
    // Inline values (inline_values.rs) for the plain layout only: a managed dict, the
    // solid base `object`, nothing between the header and the end of the basic size,
    // no items. The rule depends on the layout alone, so `__class__` assignment
    // between compatible layouts never mixes objects with and without the area.
    if flags.contains(TypeFlags::MANAGED_DICT | TypeFlags::PREHEADER)
        && std::ptr::eq(solid_static_base(base), &crate::baseobject::OBJECT_TYPE)
        && basicsize == crate::baseobject::OBJECT_TYPE.basicsize()
        && base.itemsize() == 0
    {
        flags |= TypeFlags::INLINE_VALUES;
    }
    let vtable = TypeVTable {
        name: "heap type instance",
        kind,
        size: if flags.contains(TypeFlags::INLINE_VALUES) {
            crate::inline_values::instance_size
        } else {
            base.vtable.size
        },
        traverse: Some(subtype_traverse),
        clear: Some(subtype_clear),
        finalize: None,
        dealloc: subtype_dealloc,
    };
    // SAFETY: fresh allocation of at least a PyType; we write every field.
    unsafe {
        let p = tobj.as_ptr().as_ptr() as *mut PyType;
        crate::typeobj::PyType::init_heap(
            p,
            vtable,
            flags,
            basicsize,
            base.itemsize(),
            crate::typeobj::TypeInner {
                name: "",
                name_obj: Some(crate::str::intern_obj(name)),
                qualname: Some(qualname),
                base: base as *const PyType,
                bases: Some(crate::tuple::from_vec(bases.clone())),
                mro: None,
                dict: Some(dict.clone()),
                slot_names: slot_names.clone(),
                slots_offset,
                cached_keys: if flags.contains(TypeFlags::MANAGED_DICT) {
                    crate::dict::new_shared_keys()
                } else {
                    std::ptr::null_mut()
                },
                doc: class_doc(&dict),
            },
        );
        // The metaclass is referenced by its instances when it is a heap type.
        if meta_ty.is_heap_type() {
            std::mem::forget(meta.clone());
        }
    }
    // SAFETY: just initialised as a type.
    let ty = unsafe { PyType::from_obj(&tobj) };
    // The `__class__` cell is filled before the MRO is computed, so a
    // metaclass's `mro()` may already call methods using it (CPython's
    // type_new_set_classcell runs before PyType_Ready).
    if let Some(cell) = &classcell {
        crate::function::cell_set(cell, Some(tobj.clone()))?;
    }
    let mro = mro_invoke(ty, &bases)?;
    // SAFETY: the type is still private.
    unsafe { ty.inner_mut() }.mro = Some(crate::tuple::from_vec(mro));
    // A metaclass's `mro()` may have looked attributes up while the MRO was empty:
    // forget what the lookup caches learnt then.
    ty.modified();
    if ty.vtable.kind != kind {
        unreachable!("vtable kind");
    }

    // Member descriptors for __slots__, __dict__ and __weakref__ getsets.
    for (i, n) in slot_names.iter().enumerate() {
        let d = crate::descr::new_member_descr(ty, n.clone(), slots_offset + i * 8);
        crate::dict::set_item(&dict, n.clone(), d)?;
    }
    if add_dict {
        let g =
            crate::descr::GetSetDef::new("__dict__", instance_dict_get, Some(instance_dict_set));
        crate::dict::set_item(
            &dict,
            NAMES.__dict__.clone(),
            crate::descr::new_getset_descr(ty, &g),
        )?;
    }
    if preheader
        && crate::dict::get_item(&dict, &NAMES.__weakref__)?.is_none()
        && !base.flags().contains(TypeFlags::PREHEADER)
    {
        let g = crate::descr::GetSetDef::new(
            "__weakref__",
            |o| Ok(crate::weakref::first_weakref(o)),
            None,
        );
        crate::dict::set_item(
            &dict,
            NAMES.__weakref__.clone(),
            crate::descr::new_getset_descr(ty, &g),
        )?;
    }
    if crate::dict::get_item(&dict, &NAMES.__doc__)?.is_none() {
        crate::dict::set_item(&dict, NAMES.__doc__.clone(), crate::singletons::none())?;
    }

    crate::slotdefs::fixup_slots(ty);
    if ty.slots().finalize.is_some() {
        // SAFETY: private type.
        unsafe {
            (*(tobj.as_ptr().as_ptr() as *mut PyType)).vtable.finalize = Some(subtype_finalize)
        };
    }
    // Abstract methods.
    update_abstract(ty)?;
    for b in &bases {
        // SAFETY: types.
        unsafe { PyType::from_obj(b) }.add_subclass(ty);
    }
    // SAFETY: fresh GC object, fully initialised.
    unsafe { tobj.as_ptr().track() };

    // __set_name__ on descriptors, then __init_subclass__ on the parent.
    for (k, v) in crate::dict::items(&dict) {
        if let Some(set_name) = v.ty().lookup(&NAMES.__set_name__) {
            // CPython 3.11 wraps the error in a RuntimeError caused by it.
            ab::call_descr(&set_name, &v, &[tobj.clone(), k.clone()]).map_err(|e| {
                let wrapped = crate::exceptions::runtime_error(format!(
                    "Error calling __set_name__ on '{}' instance '{}' in '{}'",
                    v.ty().name(),
                    crate::str::as_str(&k),
                    crate::str::as_str(name)
                ));
                crate::exceptions::set_cause_and_context(&wrapped, e);
                wrapped
            })?;
        }
    }
    let sup = crate::super_::new_super(&tobj, &tobj)?;
    let init_sub = ab::getattr(&sup, &NAMES.__init_subclass__)?;
    let kw_names: Vec<PyObj> = kwds.iter().map(|(k, _)| k.clone()).collect();
    let kw_vals: Vec<PyObj> = kwds.iter().map(|(_, v)| v.clone()).collect();
    if kwds.is_empty() {
        ab::call(&init_sub, &[], None)?;
    } else {
        ab::call(&init_sub, &kw_vals, Some(&crate::tuple::from_vec(kw_names)))?;
    }
    tobj.set_deferred();
    Ok(tobj)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => chars.all(|c| c == '_' || c.is_alphanumeric()),
        _ => false,
    }
}

/// Private name mangling (`__x` in class `C` becomes `_C__x`).
pub fn mangle(class_name: &str, name: &str) -> String {
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') {
        return name.to_string();
    }
    let stripped = class_name.trim_start_matches('_');
    if stripped.is_empty() {
        return name.to_string();
    }
    format!("_{stripped}{name}")
}

/// A class's `__dict__` descriptor applied to a class (an instance of a metaclass
/// that inherits it): what `type`'s own `__dict__` gives, a read-only proxy of the
/// type's namespace (CPython's `subtype_dict` hands over to the builtin base's
/// descriptor, `type`'s, for objects without an instance dict).
fn instance_dict_get(o: &PyObj) -> PyResult<PyObj> {
    if crate::typeobj::is_type(o) {
        // SAFETY: checked to be a type.
        let ty = unsafe { PyType::from_obj(o) };
        return Ok(crate::typetype::new_mappingproxy(ty.dict().clone()));
    }
    Ok(crate::managed::expose_dict(o))
}

fn instance_dict_set(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    if crate::typeobj::is_type(o) {
        // A type's namespace is never replaced (its dict is the type's own state).
        return Err(crate::exceptions::attribute_error(
            "attribute '__dict__' of 'type' objects is not writable",
        ));
    }
    if o.ty().is_subtype(&crate::module::MODULE_TYPE) {
        // Nor a module's (`ModuleType.__dict__` is a read-only member).
        return Err(crate::exceptions::attribute_error("readonly attribute"));
    }
    match v {
        Some(d) if crate::dict::is_dict(d) => {
            crate::managed::set_dict(o, d.clone());
            Ok(())
        }
        Some(d) => Err(type_error(format!(
            "__dict__ must be set to a dictionary, not a '{}'",
            d.ty().name()
        ))),
        None => {
            crate::managed::set_dict(o, crate::dict::new());
            Ok(())
        }
    }
}

/// Recomputes `__abstractmethods__` and the abstract flag (ABCs).
fn update_abstract(ty: &PyType) -> PyResult<()> {
    let mut abstract_names = Vec::new();
    for (k, v) in crate::dict::items(ty.dict()) {
        if let Some(flag) = ab::getattr_opt(&v, &NAMES.__isabstractmethod__)
            .ok()
            .flatten()
        {
            if ab::is_true(&flag)? {
                abstract_names.push(k);
            }
        }
    }
    for b in crate::tuple::items(&ty.bases()) {
        // SAFETY: bases are types.
        let bt = unsafe { PyType::from_obj(b) };
        // `type` itself holds the `__abstractmethods__` descriptor, not a set.
        let names = crate::dict::get_item(bt.dict(), &NAMES.__abstractmethods__)?
            .filter(|am| !am.is_exact(&crate::descr::GETSET_DESCR_TYPE));
        if let Some(am) = names {
            for n in ab::collect_iter(&am)? {
                let still = match ty.lookup(&n) {
                    Some(v) => ab::getattr_opt(&v, &NAMES.__isabstractmethod__)?
                        .map(|f| ab::is_true(&f))
                        .transpose()?
                        .unwrap_or(false),
                    None => false,
                };
                if still && !abstract_names.iter().any(|x: &PyObj| crate::str::eq(x, &n)) {
                    abstract_names.push(n);
                }
            }
        }
    }
    if !abstract_names.is_empty() {
        let fs = crate::set::new_frozenset(abstract_names)?;
        crate::dict::set_item(ty.dict(), NAMES.__abstractmethods__.clone(), fs)?;
        ty.add_flags(TypeFlags::IS_ABSTRACT);
    }
    Ok(())
}

/// Clears the abstract flag.
pub(crate) fn clear_abstract(ty: &PyType) {
    ty.clear_flags(TypeFlags::IS_ABSTRACT);
}

/// `obj.__class__ = cls`.
pub(crate) fn set_class(obj: &PyObj, cls: &PyObj) -> PyResult<()> {
    let new = crate::typeobj::expect_type(cls, "__class__").map_err(|_| {
        type_error(format!(
            "__class__ must be set to a class, not '{}' object",
            cls.ty().name()
        ))
    })?;
    let old = obj.ty();
    // Modules may change between `ModuleType` and its subclasses either way
    // (importlib's `LazyLoader`, modules that customise attribute access); other
    // objects only between classes defined in Python (CPython's `object_set_class`).
    let modules =
        new.is_subtype(&crate::module::MODULE_TYPE) && old.is_subtype(&crate::module::MODULE_TYPE);
    if !modules && (!new.is_heap_type() || !old.is_heap_type()) {
        return Err(type_error(
            "__class__ assignment only supported for mutable types or ModuleType subclasses",
        ));
    }
    if new.basicsize() != old.basicsize()
        || new.vtable.kind != old.vtable.kind
        || !std::ptr::eq(solid_static_base(new), solid_static_base(old))
        || new.inner().slot_names.len() != old.inner().slot_names.len()
    {
        return Err(type_error(format!(
            "__class__ assignment: '{}' object layout differs from '{}'",
            new.name(),
            old.name()
        )));
    }
    if crate::inline_values::type_has_inline_values(old)
        != crate::inline_values::type_has_inline_values(new)
    {
        return Err(type_error(format!(
            "__class__ assignment: '{}' object layout differs from '{}'",
            new.name(),
            old.name()
        )));
    }
    // The inline values are laid out by the old type's shared keys: move them into
    // a dict first (CPython 3.13's object_set_class); they stay invalid from then on.
    crate::inline_values::materialize(obj);
    let new_ref = cls.clone();
    // SAFETY: obj is alive; the swap is atomic; instances own a reference to their type.
    let prev = unsafe {
        obj.as_ptr()
            .swap_vtable(&*(&new.vtable as *const TypeVTable))
    };
    std::mem::forget(new_ref);
    // SAFETY: prev was the old type's vtable; the instance owned a reference to it.
    unsafe {
        let old_ty = &*((prev as *const u8).sub(crate::typeobj::VTABLE_OFFSET) as *const PyType);
        drop(PyObj::from_owned(old_ty.as_ptr()));
    }
    Ok(())
}
