//! The runtime helpers compiled traces call for what has no uop of its own: the
//! generic forms of the instructions the recorder lowers (a binary operator on
//! objects of any type, a call, an attribute), registered with `strand-jit` once
//! (`call1`/`call2`/`call3` name them by index).
//!
//! Every helper has the JIT's calling convention
//! ([`strand_jit::helpers::RuntimeHelper`]): up to three object operands, borrowed
//! for the call (unused ones null), and an owned result, or null with the exception
//! left pending for the exit that follows. A null result with nothing pending means
//! "leave the trace and let the interpreter run this instruction" (an exhausted
//! iterator: FOR_ITER's exit re-runs FOR_ITER, which finds it exhausted again).

use std::sync::OnceLock;

use strand_heap::ObjectHeader;
use strand_jit::helpers::{finish, operand, register};
use strand_objects::abstract_ as ab;
use strand_objects::{int, list, singletons, tuple, PyObj, PyResult};

/// The registry indices of the helpers.
pub(crate) struct Ids {
    /// `binary_op(lhs, rhs, arg)`: BINARY_OP with argument `arg` (a small int).
    pub(crate) binary_op: i64,
    /// `compare_op(lhs, rhs, arg)`: COMPARE_OP with argument `arg` (a small int).
    pub(crate) compare_op: i64,
    /// `call(f)`, `call(f, a)`, `call(f, a, b)`.
    pub(crate) call: [i64; 3],
    /// `call_tuple(f, args)`: `f(*args)` for an exact tuple `args`.
    pub(crate) call_tuple: i64,
    /// `call_tuple2(f, a, b)`: `f(*a, *b)` for exact tuples `a` and `b`.
    pub(crate) call_tuple2: i64,
    /// `cell_get(cell)`: the cell's value; null with nothing pending when it is
    /// empty (LOAD_DEREF then raises in the interpreter).
    pub(crate) cell_get: i64,
    /// `cell_set(cell, v)`: None.
    pub(crate) cell_set: i64,
    /// `slice(start, stop, step)` (`step` null: None).
    pub(crate) slice: i64,
    /// `getattr(owner, name)`.
    pub(crate) getattr: i64,
    /// `setattr(owner, name, value)`: None.
    pub(crate) setattr: i64,
    /// `slot_get(owner, key)`: the `__slots__` member [`slot_key`] names, if `owner`'s
    /// type still has the key's version; null with nothing pending otherwise, and
    /// for an empty slot (the interpreter's LOAD_ATTR then raises).
    pub(crate) slot_get: i64,
    /// `slot_set(owner, key, value)`: None, after storing `value` into the
    /// `__slots__` member [`slot_key`] names; null with nothing pending if `owner`'s
    /// type no longer has the key's version.
    pub(crate) slot_set: i64,
    /// `alloc_instance(cls, version)`: a new instance of class `cls` as
    /// `object.__new__` makes it, if `cls` still has type version `version` (an int);
    /// null with nothing pending otherwise (the interpreter's CALL then runs).
    pub(crate) alloc_instance: i64,
    /// `make_function(code, closure, f)`: MAKE_FUNCTION of `code` with `closure` (a
    /// tuple of cells, or null for none) in the globals and builtins of function `f`.
    pub(crate) make_function: i64,
    /// `getitem(container, key)`.
    pub(crate) getitem: i64,
    /// `setitem(container, key, value)`: None.
    pub(crate) setitem: i64,
    /// `next(iterator)`; null with nothing pending when it is exhausted.
    pub(crate) next: i64,
    /// `iter(iterable)` (GET_ITER).
    pub(crate) iter: i64,
    /// `truth(v)`: True or False.
    pub(crate) truth: i64,
    /// `contains(container, item)`: True or False.
    pub(crate) contains: i64,
    /// `load_global(globals, builtins, name)`.
    pub(crate) load_global: i64,
    /// `build_tuple(a, b, c)`: the tuple of the operands that are not null.
    pub(crate) build_tuple: i64,
    /// `build_list(a, b, c)`: the list of the operands that are not null.
    pub(crate) build_list: i64,
    /// `list_append(list, v)`: None.
    pub(crate) list_append: i64,
    /// `is_(a, b)`: True or False.
    pub(crate) is: i64,
    /// `negative(v)`, `invert(v)`: UNARY_NEGATIVE, UNARY_INVERT.
    pub(crate) negative: i64,
    pub(crate) invert: i64,
}

/// The helpers' indices, registered on first use.
pub(crate) fn ids() -> &'static Ids {
    static IDS: OnceLock<Ids> = OnceLock::new();
    IDS.get_or_init(|| Ids {
        binary_op: register(binary_op),
        compare_op: register(compare_op),
        call: [register(call0), register(call1), register(call2)],
        call_tuple: register(call_tuple),
        call_tuple2: register(call_tuple2),
        cell_get: register(cell_get),
        cell_set: register(cell_set),
        slice: register(slice),
        getattr: register(getattr),
        setattr: register(setattr),
        slot_get: register(slot_get),
        slot_set: register(slot_set),
        alloc_instance: register(alloc_instance),
        make_function: register(make_function),
        getitem: register(getitem),
        setitem: register(setitem),
        next: register(next),
        iter: register(iter),
        truth: register(truth),
        contains: register(contains),
        load_global: register(load_global),
        build_tuple: register(build_tuple),
        build_list: register(build_list),
        list_append: register(list_append),
        is: register(is),
        negative: register(negative),
        invert: register(invert),
    })
}

type P = *mut ObjectHeader;

/// The operand `p` (borrowed for the call).
///
/// # Safety
/// `p` is a live object the trace keeps alive during the call.
unsafe fn arg(p: P) -> std::mem::ManuallyDrop<PyObj> {
    // SAFETY: forwarded.
    unsafe { operand(p) }
}

/// The small int operand `p` as a `usize` (the instruction arguments the recorder
/// passes as constants).
///
/// # Safety
/// As for [`arg`].
unsafe fn small(p: P) -> usize {
    // SAFETY: forwarded.
    let o = unsafe { arg(p) };
    int::as_i64(&o)
        .and_then(|v| usize::try_from(v).ok())
        .unwrap_or(0)
}

fn none_result(r: PyResult<()>) -> P {
    finish(r.map(|()| singletons::none()))
}

extern "C" fn binary_op(a: P, b: P, c: P) -> P {
    // SAFETY: the trace passes live operands (the module docs).
    let (a, b, n) = unsafe { (arg(a), arg(b), small(c)) };
    finish(crate::eval::binary_op(&a, &b, n))
}

extern "C" fn compare_op(a: P, b: P, c: P) -> P {
    // SAFETY: as above.
    let (a, b, n) = unsafe { (arg(a), arg(b), small(c)) };
    finish(crate::eval::compare_op(&a, &b, n))
}

extern "C" fn call0(f: P, _: P, _: P) -> P {
    // SAFETY: as above.
    let f = unsafe { arg(f) };
    finish(ab::call(&f, &[], None))
}

extern "C" fn call1(f: P, a: P, _: P) -> P {
    // SAFETY: as above.
    let (f, a) = unsafe { (arg(f), arg(a)) };
    finish(ab::call(&f, &[(*a).clone()], None))
}

extern "C" fn call2(f: P, a: P, b: P) -> P {
    // SAFETY: as above.
    let (f, a, b) = unsafe { (arg(f), arg(a), arg(b)) };
    finish(ab::call(&f, &[(*a).clone(), (*b).clone()], None))
}

extern "C" fn call_tuple(f: P, args: P, _: P) -> P {
    // SAFETY: as above.
    let (f, args) = unsafe { (arg(f), arg(args)) };
    finish(ab::call(&f, tuple::items(&args), None))
}

extern "C" fn call_tuple2(f: P, a: P, b: P) -> P {
    // SAFETY: as above.
    let (f, a, b) = unsafe { (arg(f), arg(a), arg(b)) };
    let args: Vec<PyObj> = tuple::items(&a)
        .iter()
        .chain(tuple::items(&b))
        .cloned()
        .collect();
    finish(ab::call(&f, &args, None))
}

extern "C" fn cell_get(c: P, _: P, _: P) -> P {
    // SAFETY: as above.
    let c = unsafe { arg(c) };
    match strand_objects::function::cell_get(&c) {
        Some(v) => finish(Ok(v)),
        // Empty: the interpreter's LOAD_DEREF raises the right error.
        None => std::ptr::null_mut(),
    }
}

extern "C" fn cell_set(c: P, v: P, _: P) -> P {
    // SAFETY: as above.
    let (c, v) = unsafe { (arg(c), arg(v)) };
    none_result(strand_objects::function::cell_set(&c, Some((*v).clone())))
}

extern "C" fn slice(start: P, stop: P, step: P) -> P {
    // SAFETY: as above (`step` may be null).
    let (start, stop) = unsafe { ((*arg(start)).clone(), (*arg(stop)).clone()) };
    let step = if step.is_null() {
        singletons::none()
    } else {
        // SAFETY: as above.
        unsafe { (*arg(step)).clone() }
    };
    finish(Ok(strand_objects::slice::new(start, stop, step)))
}

extern "C" fn getattr(o: P, name: P, _: P) -> P {
    // SAFETY: as above.
    let (o, name) = unsafe { (arg(o), arg(name)) };
    finish(ab::getattr(&o, &name))
}

extern "C" fn setattr(o: P, name: P, v: P) -> P {
    // SAFETY: as above.
    let (o, name, v) = unsafe { (arg(o), arg(name), arg(v)) };
    none_result(ab::setattr(&o, &name, &v))
}

/// The int the slot helpers take for the member at byte `offset` of instances of a
/// type with version `version` (the LOAD_ATTR_SLOT/STORE_ATTR_SLOT cache entry).
pub(crate) fn slot_key(version: u32, offset: usize) -> i64 {
    (i64::from(version) << 24) | (offset as i64 & 0xff_ffff)
}

/// The type version and byte offset of a [`slot_key`] operand, if `o` is one and
/// `owner`'s type has that version now (so the offset is a member slot of `owner`).
fn slot_of(owner: &PyObj, key: &PyObj) -> Option<usize> {
    let k = int::as_i64(key)?;
    let (version, offset) = (k >> 24, (k & 0xff_ffff) as usize);
    (i64::from(owner.ty().current_version()) == version && version != 0).then_some(offset)
}

extern "C" fn slot_get(o: P, key: P, _: P) -> P {
    // SAFETY: as above.
    let (o, key) = unsafe { (arg(o), arg(key)) };
    let Some(offset) = slot_of(&o, &key) else {
        return std::ptr::null_mut();
    };
    // SAFETY: `o`'s type has the version the specializer saw for this member
    // descriptor, so `offset` is one of `o`'s member slots.
    match unsafe { strand_objects::descr::read_slot(&o, offset) } {
        Some(v) => finish(Ok(v)),
        // Empty: the interpreter raises AttributeError.
        None => std::ptr::null_mut(),
    }
}

extern "C" fn slot_set(o: P, key: P, v: P) -> P {
    // SAFETY: as above.
    let (o, key, v) = unsafe { (arg(o), arg(key), arg(v)) };
    let Some(offset) = slot_of(&o, &key) else {
        return std::ptr::null_mut();
    };
    // SAFETY: as in `slot_get`.
    unsafe { strand_objects::descr::write_slot(&o, offset, (*v).clone()) };
    none_result(Ok(()))
}

extern "C" fn alloc_instance(cls: P, version: P, _: P) -> P {
    // SAFETY: as above.
    let (cls, version) = unsafe { (arg(cls), arg(version)) };
    if !strand_objects::typeobj::is_type(&cls) {
        return std::ptr::null_mut();
    }
    // SAFETY: a type object (checked above).
    let ty = unsafe { strand_objects::typeobj::PyType::from_obj(&cls) };
    match int::as_i64(&version) {
        // The version the specializer saw when it found instances made by
        // `object.__new__` (CALL_ALLOC_AND_ENTER_INIT's check).
        Some(v) if v != 0 && i64::from(ty.current_version()) == v => {
            finish(Ok(strand_objects::heaptype::alloc_plain_instance(ty)))
        }
        _ => std::ptr::null_mut(),
    }
}

extern "C" fn make_function(code: P, closure: P, f: P) -> P {
    // SAFETY: as above (`closure` may be null: no closure).
    let (code, f) = unsafe { (arg(code), arg(f)) };
    let closure = (!closure.is_null()).then(|| {
        // SAFETY: as above.
        (*unsafe { arg(closure) }).clone()
    });
    let ns = strand_objects::function::function(&f);
    let func = strand_objects::function::new_function(
        (*code).clone(),
        ns.globals.clone(),
        ns.builtins.clone(),
    );
    // SAFETY: the function was just created and is not yet visible.
    unsafe { strand_objects::function::init_function_extras(&func, None, None, closure, None) };
    finish(Ok(func))
}

extern "C" fn getitem(c: P, k: P, _: P) -> P {
    // SAFETY: as above.
    let (c, k) = unsafe { (arg(c), arg(k)) };
    finish(ab::getitem(&c, &k))
}

extern "C" fn setitem(c: P, k: P, v: P) -> P {
    // SAFETY: as above.
    let (c, k, v) = unsafe { (arg(c), arg(k), arg(v)) };
    none_result(ab::setitem(&c, &k, &v))
}

extern "C" fn next(it: P, _: P, _: P) -> P {
    // SAFETY: as above.
    let it = unsafe { arg(it) };
    match ab::next(&it) {
        Ok(Some(v)) => finish(Ok(v)),
        // Exhausted: the exit's FOR_ITER finds that again and leaves the loop.
        Ok(None) => std::ptr::null_mut(),
        Err(e) => finish(Err(e)),
    }
}

extern "C" fn iter(o: P, _: P, _: P) -> P {
    // SAFETY: as above.
    let o = unsafe { arg(o) };
    finish(ab::iter(&o))
}

extern "C" fn truth(v: P, _: P, _: P) -> P {
    // SAFETY: as above.
    let v = unsafe { arg(v) };
    finish(ab::is_true(&v).map(int::bool_obj))
}

extern "C" fn contains(c: P, item: P, _: P) -> P {
    // SAFETY: as above.
    let (c, item) = unsafe { (arg(c), arg(item)) };
    finish(ab::contains(&c, &item).map(int::bool_obj))
}

extern "C" fn load_global(globals: P, builtins: P, name: P) -> P {
    // SAFETY: as above.
    let (g, b, name) = unsafe { (arg(globals), arg(builtins), arg(name)) };
    finish(crate::eval::load_global_in(&g, &b, &name))
}

/// The operands that are not null, as objects.
///
/// # Safety
/// As for [`arg`], for each non-null operand.
unsafe fn items(ps: [P; 3]) -> Vec<PyObj> {
    ps.iter()
        .filter(|p| !p.is_null())
        // SAFETY: forwarded.
        .map(|&p| (*unsafe { arg(p) }).clone())
        .collect()
}

extern "C" fn build_tuple(a: P, b: P, c: P) -> P {
    // SAFETY: as above.
    finish(Ok(tuple::from_vec(unsafe { items([a, b, c]) })))
}

extern "C" fn build_list(a: P, b: P, c: P) -> P {
    // SAFETY: as above.
    finish(Ok(list::new(unsafe { items([a, b, c]) })))
}

extern "C" fn list_append(l: P, v: P, _: P) -> P {
    // SAFETY: as above.
    let (l, v) = unsafe { (arg(l), arg(v)) };
    none_result(list::append(&l, (*v).clone()))
}

extern "C" fn is(a: P, b: P, _: P) -> P {
    finish(Ok(int::bool_obj(a == b)))
}

extern "C" fn negative(v: P, _: P, _: P) -> P {
    // SAFETY: as above.
    let v = unsafe { arg(v) };
    finish(ab::neg(&v))
}

extern "C" fn invert(v: P, _: P, _: P) -> P {
    // SAFETY: as above.
    let v = unsafe { arg(v) };
    finish(ab::invert(&v))
}
