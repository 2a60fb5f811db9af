//! `set` and `frozenset`: open-addressing hash tables with CPython's exact algorithm
//! (Objects/setobject.c: linear probing in runs of `LINEAR_PROBES` then perturbed
//! jumps, dummy entries, the same resize points and the same merge/copy paths), so
//! that iteration order — and therefore `print({...})` — matches CPython's.
//!
//! Free-threading: every access to a set's table happens in a critical section on the
//! set (two, for operations on two sets), as in free-threaded CPython. Comparisons call
//! Python `__eq__`, which may mutate the set: after each such call the probe checks that
//! the table and the entry are unchanged and restarts otherwise, never touching a table
//! it no longer owns. Frozensets cache their hash.

use std::cell::UnsafeCell;
use std::ptr::null_mut;
use std::sync::atomic::AtomicIsize;
use std::sync::atomic::Ordering::Relaxed;

use strand_heap::critical_section;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::args::Args;
use crate::descr::MethodDef;
use crate::exceptions::{key_error, type_error, PyErr};
use crate::object::{PyObj, PyPayload};
use crate::singletons::{bool_obj, none, not_implemented};
use crate::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use crate::PyResult;

const MINSIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

/// The placeholder key of a deleted entry (its hash is -1, never a real hash).
static DUMMY_BYTE: u8 = 0;

fn dummy() -> *mut ObjectHeader {
    &DUMMY_BYTE as *const u8 as *mut ObjectHeader
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Entry {
    /// Null (unused), [`dummy`] (deleted) or an owned reference.
    key: *mut ObjectHeader,
    hash: isize,
}

struct Body {
    /// Active + dummy entries.
    fill: usize,
    /// Active entries.
    used: usize,
    /// Table size - 1 (the size is a power of two >= 8).
    mask: usize,
    table: *mut Entry,
    /// Where `pop()` resumes its search.
    finger: usize,
}

/// The layout of `set` and `frozenset`.
#[repr(C)]
pub struct PySet {
    header: ObjectHeader,
    body: UnsafeCell<Body>,
    /// frozenset's cached hash (-1: not computed).
    hash: AtomicIsize,
}

// SAFETY: the body is only accessed in the set's critical section (or by the collector
// while the world is stopped, or by the only owner of a fresh set).
unsafe impl Sync for PySet {}

// SAFETY: repr(C), header first; subclasses extend it.
unsafe impl PyPayload for PySet {
    fn type_object() -> &'static PyType {
        &SET_TYPE
    }
}

fn alloc_table(size: usize) -> *mut Entry {
    let bytes = size * std::mem::size_of::<Entry>();
    let p = strand_heap::alloc_raw(bytes).unwrap_or_else(|| {
        std::alloc::handle_alloc_error(
            std::alloc::Layout::from_size_align(bytes, 16).expect("layout"),
        )
    });
    let t = p.as_ptr() as *mut Entry;
    // SAFETY: fresh allocation of `size` entries.
    unsafe {
        for i in 0..size {
            t.add(i).write(Entry {
                key: null_mut(),
                hash: 0,
            });
        }
    }
    t
}

fn free_table(t: *mut Entry) {
    if let Some(p) = std::ptr::NonNull::new(t) {
        // SAFETY: tables come from alloc_raw and are unlinked before being freed; no
        // reader runs outside the set's critical section.
        unsafe { strand_heap::free_raw(p.cast()) };
    }
}

unsafe fn set_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on sets; the world is stopped.
    let b = unsafe { &*(*(obj.as_ptr() as *const PySet)).body.get() };
    for i in 0..=b.mask {
        // SAFETY: `mask + 1` entries.
        let e = unsafe { *b.table.add(i) };
        if !e.key.is_null() && e.key != dummy() {
            if let Some(p) = ObjPtr::from_raw(e.key) {
                visit(p);
            }
        }
    }
}

unsafe fn set_clear_slot(obj: ObjPtr) {
    // SAFETY: the collector holds a reference.
    let s = unsafe { PyObj::from_borrowed(obj) };
    clear(&s);
}

unsafe fn set_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access.
    unsafe {
        crate::weakref::clear_weakrefs_on_dealloc(obj);
        let b = &mut *(*(obj.as_ptr() as *const PySet)).body.get();
        let table = std::mem::replace(&mut b.table, null_mut());
        let n = b.mask + 1;
        b.used = 0;
        b.fill = 0;
        for i in 0..n {
            let e = *table.add(i);
            if !e.key.is_null() && e.key != dummy() {
                drop(PyObj::from_owned(
                    ObjPtr::from_raw(e.key).expect("non-null"),
                ));
            }
        }
        free_table(table);
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

const SET_NUMBER: crate::typeobj::NumberSlots = crate::typeobj::NumberSlots {
    or: Some(set_or),
    and: Some(set_and),
    sub: Some(set_sub),
    xor: Some(set_xor),
    ..crate::typeobj::NumberSlots::EMPTY
};

crate::builtin_type! {
    /// The `set` type.
    pub static SET_TYPE = {
        name: "set",
        layout: PySet,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(set_traverse),
        clear: Some(set_clear_slot),
        dealloc: set_dealloc,
        size: None,
        slots: Slots {
            repr: Some(set_repr),
            hash: Some(crate::baseobject::unhashable),
            richcompare: Some(set_richcompare),
            iter: Some(set_iter),
            new: Some(set_new),
            init: Some(set_init),
            len: Some(|s| Ok(len(s))),
            contains: Some(set_contains),
            number: crate::typeobj::NumberSlots {
                inplace_or: Some(set_ior),
                inplace_and: Some(set_iand),
                inplace_sub: Some(set_isub),
                inplace_xor: Some(set_ixor),
                ..SET_NUMBER
            },
            ..Slots::EMPTY
        },
    }
}

crate::builtin_type! {
    /// The `frozenset` type.
    pub static FROZENSET_TYPE = {
        name: "frozenset",
        layout: PySet,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(set_traverse),
        clear: Some(set_clear_slot),
        dealloc: set_dealloc,
        size: None,
        slots: Slots {
            repr: Some(set_repr),
            hash: Some(frozenset_hash),
            richcompare: Some(set_richcompare),
            iter: Some(set_iter),
            new: Some(frozenset_new),
            len: Some(|s| Ok(len(s))),
            contains: Some(set_contains),
            number: SET_NUMBER,
            ..Slots::EMPTY
        },
    }
}

// ---------------------------------------------------------------------------------
// Construction and access
// ---------------------------------------------------------------------------------

fn new_of_type(ty: &PyType) -> PyObj {
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the set layout; every field written.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PySet;
        std::ptr::addr_of_mut!((*p).body).write(UnsafeCell::new(Body {
            fill: 0,
            used: 0,
            mask: MINSIZE - 1,
            table: alloc_table(MINSIZE),
            finger: 0,
        }));
        std::ptr::addr_of_mut!((*p).hash).write(AtomicIsize::new(-1));
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// A new empty `set`.
pub fn new_set() -> PyObj {
    new_of_type(&SET_TYPE)
}

/// `set(iterable)`.
pub fn new_set_from(iterable: &PyObj) -> PyResult<PyObj> {
    let s = new_set();
    update_internal(&s, iterable)?;
    Ok(s)
}

/// `frozenset(items)`.
pub fn new_frozenset(items: Vec<PyObj>) -> PyResult<PyObj> {
    let s = new_of_type(&FROZENSET_TYPE);
    for k in items {
        add(&s, k)?;
    }
    Ok(s)
}

/// `true` for sets, frozensets and their subclasses.
pub fn is_anyset(obj: &PyObj) -> bool {
    obj.is_instance_of(&SET_TYPE) || obj.is_instance_of(&FROZENSET_TYPE)
}

/// `true` for `set` and subclasses (mutable).
pub fn is_set(obj: &PyObj) -> bool {
    obj.is_instance_of(&SET_TYPE)
}

#[inline(always)]
fn body(obj: &PyObj) -> *mut Body {
    debug_assert!(is_anyset(obj));
    // SAFETY: callers pass sets; the pointer is only dereferenced in the critical
    // section.
    unsafe { obj.payload_unchecked::<PySet>() }.body.get()
}

/// Number of items.
pub fn len(obj: &PyObj) -> usize {
    critical_section!(obj);
    // SAFETY: in the critical section.
    unsafe { (*body(obj)).used }
}

fn set_hash_of(key: &PyObj) -> PyResult<isize> {
    crate::dict::hash_key(key)
}

// ---------------------------------------------------------------------------------
// The table (callers hold the set's critical section)
// ---------------------------------------------------------------------------------

/// Where a probe ended.
enum Probe {
    /// An active entry with an equal key.
    Found(usize),
    /// The probe sequence ended at an unused entry: the key is absent.
    Unused,
}

/// Compares a stored key with `key`; `Ok(None)` if the table changed under the
/// comparison (restart).
fn compare_entry(
    so: &PyObj,
    table: *mut Entry,
    idx: usize,
    startkey: *mut ObjectHeader,
    key: &PyObj,
) -> PyResult<Option<bool>> {
    // SAFETY: startkey is an active entry's key, alive while the table holds it; we
    // take our own reference before running Python code.
    let sk = unsafe { PyObj::from_borrowed(ObjPtr::from_raw(startkey).expect("active key")) };
    if crate::str::is_exact_str(&sk) && crate::str::is_exact_str(key) {
        return Ok(Some(crate::str::eq(&sk, key)));
    }
    let cmp = ab::richcompare_bool(&sk, key, CompareOp::Eq)?;
    // SAFETY: in the critical section (re-entered if the comparison blocked).
    let b = unsafe { &*body(so) };
    // SAFETY: only compared, and read only if the table is still the same allocation.
    if b.table != table || unsafe { (*table.add(idx)).key } != startkey {
        return Ok(None);
    }
    Ok(Some(cmp))
}

fn lookkey(so: &PyObj, key: &PyObj, hash: isize) -> PyResult<Probe> {
    'restart: loop {
        // SAFETY: in the critical section.
        let (table, mut mask) = unsafe { ((*body(so)).table, (*body(so)).mask) };
        let mut perturb = hash as usize;
        let mut i = hash as usize & mask;
        loop {
            let mut idx = i;
            let mut probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            loop {
                // SAFETY: idx <= mask (linear runs stay below mask + 1).
                let e = unsafe { *table.add(idx) };
                if e.hash == 0 && e.key.is_null() {
                    return Ok(Probe::Unused);
                }
                if e.hash == hash {
                    if e.key == key.as_ptr().as_ptr() {
                        return Ok(Probe::Found(idx));
                    }
                    match compare_entry(so, table, idx, e.key, key)? {
                        None => continue 'restart,
                        Some(true) => return Ok(Probe::Found(idx)),
                        Some(false) => {}
                    }
                    // SAFETY: unchanged table.
                    mask = unsafe { (*body(so)).mask };
                }
                if probes == 0 {
                    break;
                }
                probes -= 1;
                idx += 1;
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb)) & mask;
        }
    }
}

/// `set_add_entry`: inserts `key` unless an equal key is present.
fn add_entry(so: &PyObj, key: PyObj, hash: isize) -> PyResult<()> {
    'restart: loop {
        // SAFETY: in the critical section.
        let (table, mut mask) = unsafe { ((*body(so)).table, (*body(so)).mask) };
        let mut perturb = hash as usize;
        let mut i = hash as usize & mask;
        let mut freeslot: Option<usize> = None;
        loop {
            let mut idx = i;
            let mut probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            loop {
                // SAFETY: idx <= mask.
                let e = unsafe { *table.add(idx) };
                if e.hash == 0 && e.key.is_null() {
                    // SAFETY: in the critical section; the table is current.
                    let b = unsafe { &mut *body(so) };
                    let raw = key.into_ptr().as_ptr();
                    if let Some(f) = freeslot {
                        b.used += 1;
                        // SAFETY: f <= mask.
                        unsafe { table.add(f).write(Entry { key: raw, hash }) };
                        return Ok(());
                    }
                    b.fill += 1;
                    b.used += 1;
                    // SAFETY: idx <= mask.
                    unsafe { table.add(idx).write(Entry { key: raw, hash }) };
                    if b.fill * 5 < mask * 3 {
                        return Ok(());
                    }
                    let used = b.used;
                    resize(so, if used > 50000 { used * 2 } else { used * 4 });
                    return Ok(());
                }
                if e.hash == hash {
                    if e.key == key.as_ptr().as_ptr() {
                        return Ok(());
                    }
                    match compare_entry(so, table, idx, e.key, &key)? {
                        None => continue 'restart,
                        Some(true) => return Ok(()),
                        Some(false) => {}
                    }
                    // SAFETY: unchanged table.
                    mask = unsafe { (*body(so)).mask };
                } else if e.hash == -1 {
                    freeslot = Some(idx);
                }
                if probes == 0 {
                    break;
                }
                probes -= 1;
                idx += 1;
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb)) & mask;
        }
    }
}

fn insert_clean(table: *mut Entry, mask: usize, key: *mut ObjectHeader, hash: isize) {
    let mut perturb = hash as usize;
    let mut i = hash as usize & mask;
    loop {
        // SAFETY: i <= mask and the linear run stays in bounds.
        unsafe {
            if (*table.add(i)).key.is_null() {
                table.add(i).write(Entry { key, hash });
                return;
            }
            if i + LINEAR_PROBES <= mask {
                for j in 1..=LINEAR_PROBES {
                    if (*table.add(i + j)).key.is_null() {
                        table.add(i + j).write(Entry { key, hash });
                        return;
                    }
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb)) & mask;
    }
}

/// `set_table_resize`: rebuilds the table with the smallest power-of-two size above
/// `minused` (>= 8), dropping dummies.
fn resize(so: &PyObj, minused: usize) {
    // SAFETY: in the critical section; no Python code runs here.
    let b = unsafe { &mut *body(so) };
    let mut newsize = MINSIZE;
    while newsize <= minused {
        newsize <<= 1;
    }
    let old = b.table;
    let oldmask = b.mask;
    let new = alloc_table(newsize);
    let newmask = newsize - 1;
    for i in 0..=oldmask {
        // SAFETY: old has oldmask + 1 entries.
        let e = unsafe { *old.add(i) };
        if !e.key.is_null() && e.key != dummy() {
            insert_clean(new, newmask, e.key, e.hash);
        }
    }
    b.table = new;
    b.mask = newmask;
    b.fill = b.used;
    free_table(old);
}

/// `set_discard_entry`: `true` if found and removed.
fn discard_entry(so: &PyObj, key: &PyObj, hash: isize) -> PyResult<bool> {
    match lookkey(so, key, hash)? {
        Probe::Unused => Ok(false),
        Probe::Found(idx) => {
            // SAFETY: in the critical section; idx is an active entry of the table.
            let old = unsafe {
                let b = &mut *body(so);
                let e = &mut *b.table.add(idx);
                let old = e.key;
                e.key = dummy();
                e.hash = -1;
                b.used -= 1;
                old
            };
            // SAFETY: the entry owned the key.
            drop(unsafe { PyObj::from_owned(ObjPtr::from_raw(old).expect("active key")) });
            Ok(true)
        }
    }
}

/// The next active entry at or after `pos`: `(next_pos, key, hash)`.
fn next_entry(so: &PyObj, pos: usize) -> Option<(usize, PyObj, isize)> {
    // SAFETY: in the critical section.
    let b = unsafe { &*body(so) };
    let mut i = pos;
    while i <= b.mask {
        // SAFETY: i <= mask.
        let e = unsafe { *b.table.add(i) };
        if !e.key.is_null() && e.key != dummy() {
            // SAFETY: active key owned by the table.
            let k = unsafe { PyObj::from_borrowed(ObjPtr::from_raw(e.key).expect("active")) };
            return Some((i + 1, k, e.hash));
        }
        i += 1;
    }
    None
}

/// A snapshot of `(key, hash)` in table order.
fn entries(so: &PyObj) -> Vec<(PyObj, isize)> {
    critical_section!(so);
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some((next, k, h)) = next_entry(so, pos) {
        out.push((k, h));
        pos = next;
    }
    out
}

/// The items in iteration order.
pub fn items(so: &PyObj) -> Vec<PyObj> {
    entries(so).into_iter().map(|(k, _)| k).collect()
}

/// Empties a set.
pub fn clear(so: &PyObj) {
    let (table, n) = {
        critical_section!(so);
        // SAFETY: in the critical section.
        let b = unsafe { &mut *body(so) };
        let t = std::mem::replace(&mut b.table, alloc_table(MINSIZE));
        let n = b.mask + 1;
        b.mask = MINSIZE - 1;
        b.fill = 0;
        b.used = 0;
        (t, n)
    };
    // Drop the keys outside the lock: their deallocs may run Python code.
    for i in 0..n {
        // SAFETY: the detached table has n entries and is ours alone.
        let e = unsafe { *table.add(i) };
        if !e.key.is_null() && e.key != dummy() {
            // SAFETY: the table owned the key.
            drop(unsafe { PyObj::from_owned(ObjPtr::from_raw(e.key).expect("active")) });
        }
    }
    free_table(table);
}

fn swap_bodies(a: &PyObj, b: &PyObj) {
    critical_section!(a, b);
    // SAFETY: both locked; distinct objects (callers pass a fresh temporary).
    unsafe { std::ptr::swap(body(a), body(b)) };
    payload(a).hash.store(-1, Relaxed);
    payload(b).hash.store(-1, Relaxed);
}

fn payload(obj: &PyObj) -> &PySet {
    // SAFETY: callers pass sets.
    unsafe { obj.payload_unchecked::<PySet>() }
}

// ---------------------------------------------------------------------------------
// Set algebra (setobject.c)
// ---------------------------------------------------------------------------------

/// `s.add(key)`.
pub fn add(so: &PyObj, key: PyObj) -> PyResult<()> {
    let hash = set_hash_of(&key)?;
    critical_section!(so);
    add_entry(so, key, hash)
}

/// `key in s`, with CPython's retry of an unhashable set key as a frozenset.
pub fn contains(so: &PyObj, key: &PyObj) -> PyResult<bool> {
    let hash = match set_hash_of(key) {
        Ok(h) => h,
        Err(e) if is_set(key) && e.is_instance(&crate::exceptions::TYPE_ERROR_TYPE) => {
            let tmp = frozen_copy(key)?;
            return contains(so, &tmp);
        }
        Err(e) => return Err(e),
    };
    contains_hashed(so, key, hash)
}

fn contains_hashed(so: &PyObj, key: &PyObj, hash: isize) -> PyResult<bool> {
    critical_section!(so);
    Ok(matches!(lookkey(so, key, hash)?, Probe::Found(_)))
}

fn frozen_copy(s: &PyObj) -> PyResult<PyObj> {
    let f = new_of_type(&FROZENSET_TYPE);
    update_internal(&f, s)?;
    Ok(f)
}

/// `s.discard(key)`: `true` if it was present.
pub fn discard(so: &PyObj, key: &PyObj) -> PyResult<bool> {
    let hash = match set_hash_of(key) {
        Ok(h) => h,
        Err(e) if is_set(key) && e.is_instance(&crate::exceptions::TYPE_ERROR_TYPE) => {
            let tmp = frozen_copy(key)?;
            return discard(so, &tmp);
        }
        Err(e) => return Err(e),
    };
    critical_section!(so);
    discard_entry(so, key, hash)
}

fn merge(so: &PyObj, other: &PyObj) -> PyResult<()> {
    if so.is(other) {
        return Ok(());
    }
    let cs = std::pin::pin!(critical_section::CriticalSection::new());
    cs.as_ref().enter2(so, other);
    // SAFETY: both locked.
    let (ob, sb) = unsafe { (&*body(other), &mut *body(so)) };
    if ob.used == 0 {
        return Ok(());
    }
    if (sb.fill + ob.used) * 5 >= sb.mask * 3 {
        let n = (sb.used + ob.used) * 2;
        resize(so, n);
    }
    // SAFETY: both locked; re-read after the resize.
    let (ob, sb) = unsafe { (&*body(other), &mut *body(so)) };
    if sb.fill == 0 && sb.mask == ob.mask && ob.fill == ob.used {
        for i in 0..=ob.mask {
            // SAFETY: equal table sizes.
            let e = unsafe { *ob.table.add(i) };
            if !e.key.is_null() {
                // SAFETY: active key; the copy takes a reference.
                unsafe {
                    strand_heap::refcount::incref(ObjPtr::from_raw(e.key).expect("active"));
                    sb.table.add(i).write(e);
                }
            }
        }
        sb.fill = ob.fill;
        sb.used = ob.used;
        return Ok(());
    }
    if sb.fill == 0 {
        sb.fill = ob.used;
        sb.used = ob.used;
        for i in 0..=ob.mask {
            // SAFETY: i <= other's mask.
            let e = unsafe { *ob.table.add(i) };
            if !e.key.is_null() && e.key != dummy() {
                // SAFETY: active key; the copy takes a reference.
                unsafe { strand_heap::refcount::incref(ObjPtr::from_raw(e.key).expect("active")) };
                insert_clean(sb.table, sb.mask, e.key, e.hash);
            }
        }
        return Ok(());
    }
    cs.as_ref().end();
    for (k, h) in entries(other) {
        critical_section!(so);
        add_entry(so, k, h)?;
    }
    Ok(())
}

/// `set_update_internal`: adds every item of `other`.
fn update_internal(so: &PyObj, other: &PyObj) -> PyResult<()> {
    if is_anyset(other) {
        return merge(so, other);
    }
    if other.is_exact(&crate::dict::DICT_TYPE) {
        let keys = crate::dict::keys(other);
        {
            critical_section!(so);
            // SAFETY: locked.
            let b = unsafe { &*body(so) };
            if (b.fill + keys.len()) * 5 >= b.mask * 3 {
                let n = (b.used + keys.len()) * 2;
                resize(so, n);
            }
        }
        for k in keys {
            add(so, k)?;
        }
        return Ok(());
    }
    let it = ab::iter(other)?;
    while let Some(k) = ab::next(&it)? {
        add(so, k)?;
    }
    Ok(())
}

/// `set(iterable)` for the exact type (CPython's `set_vectorcall` and `make_new_set`):
/// a new set filled from `iterable`. No other thread has been handed the set while it
/// fills, so the items of a generic iterator go in without taking its critical
/// section for each (CPython 3.13t's `set_update_local`); `add_entry` still copes
/// with a table that a key's `__eq__` changed under it.
///
/// # Errors
/// What iterating or hashing raises.
pub fn from_iterable(iterable: &PyObj) -> PyResult<PyObj> {
    let so = new_of_type(&SET_TYPE);
    if is_anyset(iterable) || iterable.is_exact(&crate::dict::DICT_TYPE) {
        update_internal(&so, iterable)?;
        return Ok(so);
    }
    let it = ab::iter(iterable)?;
    while let Some(k) = ab::next(&it)? {
        let hash = set_hash_of(&k)?;
        add_entry(&so, k, hash)?;
    }
    Ok(so)
}

fn make_new_set_basetype(ty: &PyType, iterable: Option<&PyObj>) -> PyResult<PyObj> {
    let base: &PyType = if ty.is_subtype(&SET_TYPE) {
        &SET_TYPE
    } else {
        &FROZENSET_TYPE
    };
    let s = new_of_type(base);
    if let Some(it) = iterable {
        update_internal(&s, it)?;
    }
    Ok(s)
}

fn copy(so: &PyObj) -> PyResult<PyObj> {
    make_new_set_basetype(so.ty(), Some(so))
}

fn intersection(so: &PyObj, other: &PyObj) -> PyResult<PyObj> {
    if so.is(other) {
        return copy(so);
    }
    let result = make_new_set_basetype(so.ty(), None)?;
    if is_anyset(other) {
        let (small, big) = if len(other) > len(so) {
            (so, other)
        } else {
            (other, so)
        };
        for (k, h) in entries(small) {
            if contains_hashed(big, &k, h)? {
                critical_section!(&result);
                add_entry(&result, k, h)?;
            }
        }
        return Ok(result);
    }
    let it = ab::iter(other)?;
    let n = len(so);
    while let Some(k) = ab::next(&it)? {
        let h = set_hash_of(&k)?;
        if contains_hashed(so, &k, h)? {
            {
                critical_section!(&result);
                add_entry(&result, k, h)?;
            }
            if len(&result) >= n {
                break;
            }
        }
    }
    Ok(result)
}

fn difference_update_internal(so: &PyObj, other: &PyObj) -> PyResult<()> {
    if so.is(other) {
        clear(so);
        return Ok(());
    }
    if is_anyset(other) {
        let other = if (len(other) >> 3) > len(so) {
            intersection(so, other)?
        } else {
            other.clone()
        };
        for (k, h) in entries(&other) {
            critical_section!(so);
            discard_entry(so, &k, h)?;
        }
    } else {
        let it = ab::iter(other)?;
        while let Some(k) = ab::next(&it)? {
            discard(so, &k)?;
        }
    }
    critical_section!(so);
    // SAFETY: locked.
    let b = unsafe { &*body(so) };
    if b.fill - b.used > b.mask / 4 {
        let used = b.used;
        resize(so, if used > 50000 { used * 2 } else { used * 4 });
    }
    Ok(())
}

fn difference(so: &PyObj, other: &PyObj) -> PyResult<PyObj> {
    let other_size = if is_anyset(other) {
        len(other)
    } else if other.is_exact(&crate::dict::DICT_TYPE) {
        crate::dict::len(other)
    } else {
        let r = copy(so)?;
        difference_update_internal(&r, other)?;
        return Ok(r);
    };
    if (len(so) >> 2) > other_size {
        let r = copy(so)?;
        difference_update_internal(&r, other)?;
        return Ok(r);
    }
    let result = make_new_set_basetype(so.ty(), None)?;
    let is_dict = !is_anyset(other);
    for (k, h) in entries(so) {
        let present = if is_dict {
            crate::dict::get_item_hashed(other, &k, h)?.is_some()
        } else {
            contains_hashed(other, &k, h)?
        };
        if !present {
            critical_section!(&result);
            add_entry(&result, k, h)?;
        }
    }
    Ok(result)
}

fn symmetric_difference_update(so: &PyObj, other: &PyObj) -> PyResult<()> {
    if so.is(other) {
        clear(so);
        return Ok(());
    }
    let pairs: Vec<(PyObj, isize)> = if other.is_exact(&crate::dict::DICT_TYPE) {
        let mut v = Vec::new();
        for k in crate::dict::keys(other) {
            let h = set_hash_of(&k)?;
            v.push((k, h));
        }
        v
    } else if is_anyset(other) {
        entries(other)
    } else {
        entries(&make_new_set_basetype(so.ty(), Some(other))?)
    };
    for (k, h) in pairs {
        critical_section!(so);
        if !discard_entry(so, &k, h)? {
            add_entry(so, k, h)?;
        }
    }
    Ok(())
}

fn symmetric_difference(so: &PyObj, other: &PyObj) -> PyResult<PyObj> {
    let o = make_new_set_basetype(so.ty(), Some(other))?;
    symmetric_difference_update(&o, so)?;
    Ok(o)
}

fn issubset(so: &PyObj, other: &PyObj) -> PyResult<bool> {
    if !is_anyset(other) {
        let tmp = intersection(so, other)?;
        return Ok(len(&tmp) == len(so));
    }
    if len(so) > len(other) {
        return Ok(false);
    }
    for (k, h) in entries(so) {
        if !contains_hashed(other, &k, h)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn issuperset(so: &PyObj, other: &PyObj) -> PyResult<bool> {
    if is_anyset(other) {
        return issubset(other, so);
    }
    let it = ab::iter(other)?;
    while let Some(k) = ab::next(&it)? {
        if !contains(so, &k)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn isdisjoint(so: &PyObj, other: &PyObj) -> PyResult<bool> {
    if so.is(other) {
        return Ok(len(so) == 0);
    }
    if is_anyset(other) {
        let (small, big) = if len(other) > len(so) {
            (so, other)
        } else {
            (other, so)
        };
        for (k, h) in entries(small) {
            if contains_hashed(big, &k, h)? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    let it = ab::iter(other)?;
    while let Some(k) = ab::next(&it)? {
        if contains(so, &k)? {
            return Ok(false);
        }
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------
// Slots
// ---------------------------------------------------------------------------------

fn set_repr(obj: &PyObj) -> PyResult<PyObj> {
    let name = obj.ty().name().to_string();
    let Some(_guard) = ab::ReprGuard::enter(obj) else {
        return Ok(crate::str::from_string(format!("{name}(...)")));
    };
    let keys = items(obj);
    if keys.is_empty() {
        return Ok(crate::str::from_string(format!("{name}()")));
    }
    let mut s = String::from("{");
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&ab::repr_string(k)?);
    }
    s.push('}');
    if obj.is_exact(&SET_TYPE) {
        Ok(crate::str::from_string(s))
    } else {
        Ok(crate::str::from_string(format!("{name}({s})")))
    }
}

fn frozenset_hash(obj: &PyObj) -> PyResult<isize> {
    let p = payload(obj);
    let h = p.hash.load(Relaxed);
    if h != -1 {
        return Ok(h);
    }
    let hashes: Vec<isize> = entries(obj).into_iter().map(|(_, h)| h).collect();
    let h = crate::hash::hash_frozenset(hashes.into_iter());
    p.hash.store(h, Relaxed);
    Ok(h)
}

fn set_richcompare(v: &PyObj, w: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_anyset(w) {
        return Ok(not_implemented());
    }
    let r = match op {
        CompareOp::Eq | CompareOp::Ne => {
            let eq = if len(v) != len(w) {
                false
            } else {
                let (hv, hw) = (payload(v).hash.load(Relaxed), payload(w).hash.load(Relaxed));
                if hv != -1 && hw != -1 && hv != hw {
                    false
                } else {
                    issubset(v, w)?
                }
            };
            eq == (op == CompareOp::Eq)
        }
        CompareOp::Le => issubset(v, w)?,
        CompareOp::Ge => issuperset(v, w)?,
        CompareOp::Lt => len(v) < len(w) && issubset(v, w)?,
        CompareOp::Gt => len(v) > len(w) && issuperset(v, w)?,
    };
    Ok(bool_obj(r))
}

fn set_contains(obj: &PyObj, key: &PyObj) -> PyResult<bool> {
    contains(obj, key)
}

fn set_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "set.__new__(X)")?;
    Ok(new_of_type(ty))
}

fn set_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    let a = Args::new(args, kwnames);
    if obj.is_exact(&SET_TYPE) {
        a.no_kwargs("set")?;
    }
    a.max_positional("set", 1)?;
    if len(obj) > 0 {
        clear(obj);
    }
    if let Some(it) = a.positional(0) {
        update_internal(obj, it)?;
    }
    Ok(())
}

fn frozenset_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = Args::new(args, kwnames);
    let ty = crate::typeobj::expect_type(cls, "frozenset.__new__(X)")?;
    if std::ptr::eq(ty, &FROZENSET_TYPE) {
        a.no_kwargs("frozenset")?;
    }
    a.max_positional(ty.name(), 1)?;
    if let Some(it) = a.positional(0) {
        if std::ptr::eq(ty, &FROZENSET_TYPE) && it.is_exact(&FROZENSET_TYPE) {
            return Ok(it.clone());
        }
    }
    let s = new_of_type(ty);
    if let Some(it) = a.positional(0) {
        update_internal(&s, it)?;
    }
    Ok(s)
}

/// `iter(set)`.
fn set_iter(obj: &PyObj) -> PyResult<PyObj> {
    Ok(new_set_iter(obj, len(obj), 0))
}

/// A set iterator over `set` at entry `pos`, which saw `used` entries when it began.
fn new_set_iter(set: &PyObj, used: usize, pos: usize) -> PyObj {
    let ty = &SET_ITER_TYPE;
    let it = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the iterator layout.
    unsafe {
        let p = it.as_ptr().as_ptr() as *mut PySetIter;
        std::ptr::addr_of_mut!((*p).set).write(set.clone());
        std::ptr::addr_of_mut!((*p).used).write(std::sync::atomic::AtomicUsize::new(used));
        std::ptr::addr_of_mut!((*p).pos).write(std::sync::atomic::AtomicUsize::new(pos));
        crate::alloc::finish_instance(ty, &it);
    }
    it
}

fn binop(a: &PyObj, b: &PyObj, f: fn(&PyObj, &PyObj) -> PyResult<PyObj>) -> PyResult<PyObj> {
    if !is_anyset(a) || !is_anyset(b) {
        return Ok(not_implemented());
    }
    f(a, b)
}

fn set_or(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    binop(a, b, |a, b| {
        let r = copy(a)?;
        if !a.is(b) {
            update_internal(&r, b)?;
        }
        Ok(r)
    })
}

fn set_and(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    binop(a, b, intersection)
}

fn set_sub(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    binop(a, b, difference)
}

fn set_xor(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    binop(a, b, symmetric_difference)
}

fn inplace(a: &PyObj, b: &PyObj, f: fn(&PyObj, &PyObj) -> PyResult<()>) -> PyResult<PyObj> {
    if !is_anyset(b) {
        return Ok(not_implemented());
    }
    f(a, b)?;
    Ok(a.clone())
}

fn intersection_update(a: &PyObj, b: &PyObj) -> PyResult<()> {
    let tmp = intersection(a, b)?;
    swap_bodies(a, &tmp);
    Ok(())
}

fn set_ior(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    inplace(a, b, update_internal)
}

fn set_iand(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    inplace(a, b, intersection_update)
}

fn set_isub(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    inplace(a, b, difference_update_internal)
}

fn set_ixor(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    inplace(a, b, symmetric_difference_update)
}

// ---------------------------------------------------------------------------------
// set_iterator
// ---------------------------------------------------------------------------------

/// The layout of `set_iterator`.
#[repr(C)]
pub struct PySetIter {
    header: ObjectHeader,
    set: PyObj,
    used: std::sync::atomic::AtomicUsize,
    pos: std::sync::atomic::AtomicUsize,
}

unsafe fn setiter_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on set iterators.
    let it = unsafe { &*(obj.as_ptr() as *const PySetIter) };
    visit(it.set.as_ptr());
}

unsafe fn setiter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PySetIter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).set));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `set_iterator`.
    pub static SET_ITER_TYPE = {
        name: "set_iterator",
        layout: PySetIter,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(setiter_traverse),
        clear: None,
        dealloc: setiter_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(setiter_next),
            ..Slots::EMPTY
        },
    }
}

const ITER_DONE: usize = usize::MAX;

fn setiter_next(obj: &PyObj) -> PyResult<Option<PyObj>> {
    // SAFETY: installed on set iterators.
    let it = unsafe { obj.payload_unchecked::<PySetIter>() };
    if it.pos.load(Relaxed) == ITER_DONE {
        return Ok(None);
    }
    let so = &it.set;
    // The position is read and advanced under the set's critical section, so threads
    // sharing the iterator take turns and each entry is handed out once (CPython's
    // `setiter_iternext`).
    critical_section!(so);
    let pos = it.pos.load(Relaxed);
    if pos == ITER_DONE {
        return Ok(None);
    }
    // SAFETY: locked.
    let used = unsafe { (*body(so)).used };
    if used != it.used.load(Relaxed) {
        it.pos.store(ITER_DONE, Relaxed);
        it.used.store(usize::MAX, Relaxed);
        return Err(crate::exceptions::runtime_error(
            "Set changed size during iteration",
        ));
    }
    match next_entry(so, pos) {
        Some((next, k, _)) => {
            it.pos.store(next, Relaxed);
            Ok(Some(k))
        }
        None => {
            it.pos.store(ITER_DONE, Relaxed);
            Ok(None)
        }
    }
}

// ---------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------

fn this(args: &[PyObj], name: &str) -> PyResult<PyObj> {
    match args.first() {
        Some(s) if is_anyset(s) => Ok(s.clone()),
        _ => Err(type_error(format!(
            "descriptor '{name}' requires a 'set' object"
        ))),
    }
}

fn one_arg<'a>(args: &'a [PyObj], kw: Option<&PyObj>, name: &str) -> PyResult<&'a PyObj> {
    Args::new(args, kw).exact(name, 2)?;
    Ok(&args[1])
}

fn no_kw(args: &[PyObj], kw: Option<&PyObj>, name: &str) -> PyResult<()> {
    Args::new(args, kw).no_kwargs(name)
}

fn m_add(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let k = one_arg(args, kw, "add")?;
    add(&this(args, "add")?, k.clone())?;
    Ok(none())
}

fn m_remove(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let k = one_arg(args, kw, "remove")?;
    if !discard(&this(args, "remove")?, k)? {
        return Err(key_error(k.clone()));
    }
    Ok(none())
}

fn m_discard(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let k = one_arg(args, kw, "discard")?;
    discard(&this(args, "discard")?, k)?;
    Ok(none())
}

fn m_pop(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("set.pop", 1)?;
    let so = this(args, "pop")?;
    critical_section!(&so);
    // SAFETY: locked.
    let b = unsafe { &mut *body(&so) };
    if b.used == 0 {
        return Err(PyErr::new(
            &crate::exceptions::KEY_ERROR_TYPE,
            "pop from an empty set",
        ));
    }
    let mut i = b.finger & b.mask;
    loop {
        // SAFETY: i <= mask.
        let e = unsafe { &mut *b.table.add(i) };
        if !e.key.is_null() && e.key != dummy() {
            let k = e.key;
            e.key = dummy();
            e.hash = -1;
            b.used -= 1;
            b.finger = i + 1;
            // SAFETY: the entry owned the key; ownership moves to the caller.
            return Ok(unsafe { PyObj::from_owned(ObjPtr::from_raw(k).expect("active")) });
        }
        i = if i == b.mask { 0 } else { i + 1 };
    }
}

fn m_clear(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("set.clear", 1)?;
    clear(&this(args, "clear")?);
    Ok(none())
}

fn m_copy(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("set.copy", 1)?;
    let so = this(args, "copy")?;
    if so.is_exact(&FROZENSET_TYPE) {
        return Ok(so);
    }
    copy(&so)
}

fn m_union(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    no_kw(args, kw, "union")?;
    let so = this(args, "union")?;
    let r = copy(&so)?;
    for o in &args[1..] {
        if !o.is(&so) {
            update_internal(&r, o)?;
        }
    }
    Ok(r)
}

fn m_update(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    no_kw(args, kw, "update")?;
    let so = this(args, "update")?;
    for o in &args[1..] {
        update_internal(&so, o)?;
    }
    Ok(none())
}

fn m_intersection(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    no_kw(args, kw, "intersection")?;
    let so = this(args, "intersection")?;
    if args.len() == 1 {
        return copy(&so);
    }
    let mut r = so;
    for o in &args[1..] {
        r = intersection(&r, o)?;
    }
    Ok(r)
}

fn m_intersection_update(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let so = this(args, "intersection_update")?;
    let tmp = m_intersection(args, kw)?;
    if !tmp.is(&so) {
        swap_bodies(&so, &tmp);
    }
    Ok(none())
}

fn m_difference(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    no_kw(args, kw, "difference")?;
    let so = this(args, "difference")?;
    if args.len() == 1 {
        return copy(&so);
    }
    let r = difference(&so, &args[1])?;
    for o in &args[2..] {
        difference_update_internal(&r, o)?;
    }
    Ok(r)
}

fn m_difference_update(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    no_kw(args, kw, "difference_update")?;
    let so = this(args, "difference_update")?;
    for o in &args[1..] {
        difference_update_internal(&so, o)?;
    }
    Ok(none())
}

fn m_symmetric_difference(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let o = one_arg(args, kw, "symmetric_difference")?;
    symmetric_difference(&this(args, "symmetric_difference")?, o)
}

fn m_symmetric_difference_update(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let o = one_arg(args, kw, "symmetric_difference_update")?;
    symmetric_difference_update(&this(args, "symmetric_difference_update")?, o)?;
    Ok(none())
}

fn m_issubset(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let o = one_arg(args, kw, "issubset")?;
    Ok(bool_obj(issubset(&this(args, "issubset")?, o)?))
}

fn m_issuperset(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let o = one_arg(args, kw, "issuperset")?;
    Ok(bool_obj(issuperset(&this(args, "issuperset")?, o)?))
}

fn m_isdisjoint(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let o = one_arg(args, kw, "isdisjoint")?;
    Ok(bool_obj(isdisjoint(&this(args, "isdisjoint")?, o)?))
}

fn m_length_hint(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("__length_hint__", 1)?;
    // SAFETY: installed on set iterators.
    let it = unsafe { args[0].payload_unchecked::<PySetIter>() };
    if it.pos.load(Relaxed) == ITER_DONE {
        return Ok(crate::int::from_usize(0));
    }
    let so = &it.set;
    let pos = it.pos.load(Relaxed);
    critical_section!(so);
    let mut n = 0;
    let mut p = pos;
    while let Some((next, _, _)) = next_entry(so, p) {
        n += 1;
        p = next;
    }
    Ok(crate::int::from_usize(n))
}

/// Methods of `set`.
pub(crate) fn set_methods() -> Vec<MethodDef> {
    let mut v = frozenset_methods();
    v.extend([
        MethodDef::new("add", m_add),
        MethodDef::new("remove", m_remove),
        MethodDef::new("discard", m_discard),
        MethodDef::new("pop", m_pop),
        MethodDef::new("clear", m_clear),
        MethodDef::new("update", m_update),
        MethodDef::new("intersection_update", m_intersection_update),
        MethodDef::new("difference_update", m_difference_update),
        MethodDef::new("symmetric_difference_update", m_symmetric_difference_update),
    ]);
    v
}

/// Methods of `frozenset`.
pub(crate) fn frozenset_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("copy", m_copy),
        MethodDef::new("__reduce__", m_reduce),
        MethodDef::new("union", m_union),
        MethodDef::new("intersection", m_intersection),
        MethodDef::new("difference", m_difference),
        MethodDef::new("symmetric_difference", m_symmetric_difference),
        MethodDef::new("issubset", m_issubset),
        MethodDef::new("issuperset", m_issuperset),
        MethodDef::new("isdisjoint", m_isdisjoint),
    ]
}

/// `set.__reduce__()` and `frozenset.__reduce__()` (CPython's `set_reduce`):
/// `(type(self), (list(self),), self.__getstate__())`.
fn m_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let so = this(args, "__reduce__")?;
    Args::new(args, kw).exact(&format!("{}.__reduce__", so.ty().name()), 1)?;
    let keys = crate::list::new(ab::collect_iter(&so)?);
    let state = crate::reduce::get_state(&so, false)?;
    Ok(crate::tuple::from_vec(vec![
        so.ty().to_obj(),
        crate::tuple::from_vec(vec![keys]),
        state,
    ]))
}

/// `set_iterator.__reduce__()` (CPython's `setiter_reduce`): `(iter, (list,))` with
/// what a copy of the iterator would still produce.
fn m_iter_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("set_iterator.__reduce__", 1)?;
    // SAFETY: installed on set iterators.
    let it = unsafe { args[0].payload_unchecked::<PySetIter>() };
    let copy = new_set_iter(&it.set, it.used.load(Relaxed), it.pos.load(Relaxed));
    let mut rest = Vec::new();
    while let Some(k) = setiter_next(&copy)? {
        rest.push(k);
    }
    Ok(crate::tuple::pair(
        crate::function::get_builtin("iter")?,
        crate::tuple::from_vec(vec![crate::list::new(rest)]),
    ))
}

/// Methods of `set_iterator`.
pub(crate) fn iter_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("__length_hint__", m_length_hint),
        MethodDef::new("__reduce__", m_iter_reduce),
    ]
}
