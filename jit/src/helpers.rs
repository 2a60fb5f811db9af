//! The runtime functions generated code calls (by address, with the C calling
//! convention), for what is not worth emitting inline: allocation, reference counts,
//! container access under the object model's thread-safety rules, and the helpers the
//! interpreter registers ([`register`]) for operations only it knows (calling a
//! builtin, say).
//!
//! Object arguments and results are raw object pointers. A helper that fails stores
//! the exception in this thread's pending slot ([`take_pending_error`]) and returns
//! null; the trace then leaves through an exit marked `error`, and the interpreter
//! raises the exception there.

use std::cell::RefCell;
use std::ptr::NonNull;
use std::sync::RwLock;

use strand_heap::{ObjPtr, ObjectHeader};
use strand_objects::{dict, float, inline_values, int, list, managed, PyErr, PyObj, PyResult};

thread_local! {
    static PENDING: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

/// Takes the exception a helper left pending on this thread.
pub fn take_pending_error() -> Option<PyErr> {
    PENDING.with(|p| p.borrow_mut().take())
}

/// Leaves `e` pending (for the exit that follows).
fn set_pending(e: PyErr) {
    PENDING.with(|p| *p.borrow_mut() = Some(e));
}

/// An object argument, borrowed for the call.
///
/// # Safety
/// `p` is a live object the caller keeps alive during the call.
#[inline(always)]
unsafe fn borrowed(p: *mut ObjectHeader) -> std::mem::ManuallyDrop<PyObj> {
    // SAFETY: per the contract; ManuallyDrop: no count is given up.
    std::mem::ManuallyDrop::new(unsafe {
        PyObj::from_owned(ObjPtr::new(NonNull::new_unchecked(p)))
    })
}

/// An owned result.
#[inline(always)]
fn owned(o: PyObj) -> *mut ObjectHeader {
    o.into_ptr().as_ptr()
}

/// A helper's result: the object, or null with the error pending.
fn result(r: PyResult<PyObj>) -> *mut ObjectHeader {
    match r {
        Ok(o) => owned(o),
        Err(e) => {
            set_pending(e);
            std::ptr::null_mut()
        }
    }
}

/// `box_float`: a new float.
pub extern "C" fn box_float(x: f64) -> *mut ObjectHeader {
    owned(float::from_f64(x))
}

/// `box_int`: a new int.
pub extern "C" fn box_int(x: i64) -> *mut ObjectHeader {
    owned(int::from_i64(x))
}

/// `incref`.
///
/// # Safety
/// `p` is a live object.
pub unsafe extern "C" fn incref(p: *mut ObjectHeader) {
    // SAFETY: per the contract.
    unsafe { strand_heap::refcount::incref(ObjPtr::new(NonNull::new_unchecked(p))) }
}

/// `decref`.
///
/// # Safety
/// The caller gives up one reference to `p`.
pub unsafe extern "C" fn decref(p: *mut ObjectHeader) {
    // SAFETY: per the contract.
    unsafe { strand_heap::refcount::decref(ObjPtr::new(NonNull::new_unchecked(p))) }
}

/// An exit's reference counting: a new reference to each of the first `n_inc`
/// objects at `p`, then one given up of each of the `n_dec` after them.
///
/// # Safety
/// `p` points to `n_inc + n_dec` live objects; the caller owns the references given
/// up.
pub unsafe extern "C" fn exit_refs(p: *const *mut ObjectHeader, n_inc: usize, n_dec: usize) {
    // SAFETY: per the contract.
    let objs = unsafe { std::slice::from_raw_parts(p, n_inc + n_dec) };
    let (inc, dec) = objs.split_at(n_inc);
    for &o in inc {
        // SAFETY: a live object.
        unsafe { incref(o) };
    }
    for &o in dec {
        // SAFETY: the caller gives up this reference.
        unsafe { decref(o) };
    }
}

/// `list_len` of an exact list.
///
/// # Safety
/// `l` is a live list.
pub unsafe extern "C" fn list_len(l: *mut ObjectHeader) -> i64 {
    // SAFETY: per the contract.
    list::len(&*unsafe { borrowed(l) }) as i64
}

/// `list_get`: item `i` (negative counts from the end), owned; null when out of
/// range (nothing pending: the exit re-executes the instruction, which raises).
///
/// # Safety
/// `l` is a live list.
pub unsafe extern "C" fn list_get(l: *mut ObjectHeader, i: i64) -> *mut ObjectHeader {
    // SAFETY: per the contract.
    let l = unsafe { borrowed(l) };
    let n = list::len(&l) as i64;
    let i = if i < 0 { i + n } else { i };
    if !(0..n).contains(&i) {
        return std::ptr::null_mut();
    }
    list::get(&l, i as usize).map_or(std::ptr::null_mut(), owned)
}

/// `list_set`: stores owned `v` at `i`; 0 (keeping `v`) when out of range.
///
/// # Safety
/// `l` is a live list; the caller gives up its reference to `v` when 1 is returned.
pub unsafe extern "C" fn list_set(l: *mut ObjectHeader, i: i64, v: *mut ObjectHeader) -> u8 {
    // SAFETY: per the contract.
    let l = unsafe { borrowed(l) };
    let n = list::len(&l) as i64;
    let i = if i < 0 { i + n } else { i };
    if !(0..n).contains(&i) {
        return 0;
    }
    // SAFETY: the caller gives up its reference (below, only on success).
    let value = unsafe { borrowed(v) };
    if list::set(&l, i as usize, (*value).clone()) {
        // The list took its own reference; give up ours.
        // SAFETY: the caller's reference.
        unsafe { decref(v) };
        1
    } else {
        0
    }
}

/// `list_unpack`: copies the `n` items of exact list `l` into `out[..n]` as owned
/// references under one hold of the list's critical section (the interpreter's
/// UNPACK_SEQUENCE_LIST does the same); 1 on success, 0 (writing nothing) when the
/// list's length is not `n`.
///
/// # Safety
/// `l` is a live exact list; `out` has room for `n` pointers.
pub unsafe extern "C" fn list_unpack(
    l: *mut ObjectHeader,
    n: i64,
    out: *mut *mut ObjectHeader,
) -> u8 {
    // SAFETY: per the contract.
    let l = unsafe { borrowed(l) };
    list::with_items(&l, |items| {
        if items.len() as i64 != n {
            return 0;
        }
        for (k, v) in items.iter().enumerate() {
            // SAFETY: `out` has room for `n` pointers and `k < n`; the clone is
            // the owned reference the trace takes over.
            unsafe { out.add(k).write(owned(v.clone())) };
        }
        1
    })
}

/// `range_next`: the range iterator's next value into `*out` (1); 0 when exhausted;
/// 2 with an error pending.
///
/// # Safety
/// `it` is a live range iterator; `out` is writable.
pub unsafe extern "C" fn range_next(it: *mut ObjectHeader, out: *mut i64) -> u8 {
    // SAFETY: per the contract.
    let it = unsafe { borrowed(it) };
    // The iterator hands out each value once, whichever thread asks (objects'
    // range iterator claims indices atomically).
    match strand_objects::abstract_::next(&it) {
        Ok(Some(v)) => match int::as_i64(&v) {
            Some(v) => {
                // SAFETY: per the contract.
                unsafe { *out = v };
                1
            }
            None => {
                // Past i64: the interpreter produces the value instead; this one is
                // lost to the trace, so hand it over through the error slot.
                set_pending(strand_objects::exceptions::system_error(
                    "range iterator value out of the trace's range",
                ));
                2
            }
        },
        Ok(None) => 0,
        Err(e) => {
            set_pending(e);
            2
        }
    }
}

/// `list_iter_next`: the next item, owned; null when exhausted.
///
/// # Safety
/// `it` is a live list iterator.
pub unsafe extern "C" fn list_iter_next(it: *mut ObjectHeader) -> *mut ObjectHeader {
    // SAFETY: per the contract.
    let it = unsafe { borrowed(it) };
    match strand_objects::abstract_::next(&it) {
        Ok(Some(v)) => owned(v),
        Ok(None) => std::ptr::null_mut(),
        Err(e) => {
            set_pending(e);
            std::ptr::null_mut()
        }
    }
}

/// The version tag of `o`'s type.
///
/// # Safety
/// `o` is a live object.
pub unsafe extern "C" fn type_version(o: *mut ObjectHeader) -> u32 {
    // SAFETY: per the contract.
    unsafe { borrowed(o) }.ty().current_version()
}

/// The version of function `f` (strand-objects' `PyFunction::version`).
///
/// # Safety
/// `f` is a live function object.
pub unsafe extern "C" fn function_version(f: *mut ObjectHeader) -> u32 {
    // SAFETY: per the contract.
    let f = unsafe { borrowed(f) };
    strand_objects::function::function(&f).version()
}

/// The keys version of dict `d` (0 if it has none), or of the shared keys of an
/// object with inline values that [`instance_dict`] gave for its attribute table.
///
/// # Safety
/// `d` is a live exact dict or such an object.
pub unsafe extern "C" fn dict_keys_version(d: *mut ObjectHeader) -> u32 {
    // SAFETY: per the contract.
    let d = unsafe { borrowed(d) };
    if !dict::is_dict(&d) {
        // An object with inline values standing for its attribute table (see
        // `instance_dict`): the version of its type's shared keys.
        return inline_values::shared_keys_version(d.ty());
    }
    dict::keys_version(&d)
}

/// The value at entry `index` of dict `d` whose keys have `version`, owned; null
/// when the guard no longer holds or the entry is empty. For an object with inline
/// values (from [`instance_dict`]), `version` 0 and `index` its shared-key index.
///
/// # Safety
/// `d` is a live dict or such an object.
pub unsafe extern "C" fn dict_entry(
    d: *mut ObjectHeader,
    version: u32,
    index: u32,
) -> *mut ObjectHeader {
    // SAFETY: per the contract.
    let d = unsafe { borrowed(d) };
    let found = if !dict::is_dict(&d) {
        // Inline values (keys version 0 marks their entries; see `instance_dict`).
        if version != 0 {
            return std::ptr::null_mut();
        }
        inline_values::get_cached(&d, index as usize)
    } else if version == 0 {
        // An inline-values entry never applies to a dict.
        return std::ptr::null_mut();
    } else {
        dict::get_cached(&d, version, index as usize)
    };
    match found {
        Some((p, true)) => p.as_ptr(),
        Some((p, false)) => {
            // An uncounted read of a deferred or immortal value: count it.
            // SAFETY: the entry's object is alive (deferred objects live until the
            // collector frees them, which it cannot do while this thread runs).
            unsafe { incref(p.as_ptr()) };
            p.as_ptr()
        }
        None => std::ptr::null_mut(),
    }
}

/// Replaces entry `index` of dict `d` (keys `version`) by owned `v`: 1 on success,
/// 0 (keeping `v`) when the guard no longer holds. For an object with inline values
/// (from [`instance_dict`]), `version` 0 and `index` its shared-key index.
///
/// # Safety
/// `d` is a live dict or such an object; the caller gives up `v` when 1 is returned.
pub unsafe extern "C" fn dict_store(
    d: *mut ObjectHeader,
    version: u32,
    index: u32,
    v: *mut ObjectHeader,
) -> u8 {
    // SAFETY: per the contract.
    let (d, value) = unsafe { (borrowed(d), borrowed(v)) };
    let stored = if !dict::is_dict(&d) {
        // Inline values (see `instance_dict`).
        if version != 0 {
            return 0;
        }
        inline_values::store_cached(&d, index as usize, (*value).clone())
    } else if version == 0 {
        return 0;
    } else {
        dict::replace_cached(&d, version, index as usize, (*value).clone())
    };
    match stored {
        Ok(()) => {
            // SAFETY: the caller's reference (the dict took its own).
            unsafe { decref(v) };
            1
        }
        Err(_) => 0,
    }
}

/// The attribute table of `o`, borrowed: `o` itself while it keeps its attributes
/// in inline values (`strand_objects::inline_values`; `dict_entry`, `dict_store` and
/// `dict_keys_version` then read the inline values), else its managed `__dict__`;
/// null if it has neither.
///
/// # Safety
/// `o` is a live object.
pub unsafe extern "C" fn instance_dict(o: *mut ObjectHeader) -> *mut ObjectHeader {
    // SAFETY: per the contract.
    let obj = unsafe { borrowed(o) };
    if inline_values::is_valid(&obj) {
        return o;
    }
    match managed::dict_borrowed(&obj) {
        Some(d) => d.as_ptr().as_ptr(),
        None => std::ptr::null_mut(),
    }
}

/// A helper the interpreter provides: up to three object operands (unused ones
/// null), an owned result or null with the error pending.
pub type RuntimeHelper =
    extern "C" fn(*mut ObjectHeader, *mut ObjectHeader, *mut ObjectHeader) -> *mut ObjectHeader;

static REGISTERED: RwLock<Vec<RuntimeHelper>> = RwLock::new(Vec::new());

/// Registers a runtime helper; its index is what `call1`/`call2`/`call3` name.
pub fn register(h: RuntimeHelper) -> i64 {
    let mut r = REGISTERED.write().unwrap_or_else(|e| e.into_inner());
    r.push(h);
    r.len() as i64 - 1
}

/// The helper registered under `index`.
pub fn registered(index: i64) -> Option<RuntimeHelper> {
    let r = REGISTERED.read().unwrap_or_else(|e| e.into_inner());
    r.get(usize::try_from(index).ok()?).copied()
}

/// Makes a helper's `PyResult` the calling convention's result.
pub fn finish(r: PyResult<PyObj>) -> *mut ObjectHeader {
    result(r)
}

/// An operand of a registered helper, borrowed for the call.
///
/// # Safety
/// As for the helper's operands: a live object the caller keeps alive.
pub unsafe fn operand(p: *mut ObjectHeader) -> std::mem::ManuallyDrop<PyObj> {
    // SAFETY: forwarded.
    unsafe { borrowed(p) }
}

/// `fpow`: C's `pow` (the guards around the call are inline).
pub(crate) extern "C" fn fpow(x: f64, y: f64) -> f64 {
    x.powf(y)
}

/// `fmath`'s out-of-line functions, one per [`crate::ir::MathFn`] (square roots are
/// computed inline).
pub(crate) extern "C" fn math_fn(x: f64, which: i64) -> f64 {
    crate::ir::MathFn::from_imm(which).map_or(f64::NAN, |f| f.eval(x))
}
