//! `dict`: CPython's compact, insertion-ordered hash table (Objects/dictobject.c).
//!
//! A dict points to a *keys table* holding a sparse index array (`i32` per slot: an
//! entry number, EMPTY or DUMMY) and a dense array of entries `(hash, key, value)` in
//! insertion order; probing uses CPython's perturbation sequence. Deleted entries leave
//! holes until the next resize.
//!
//! **Split tables** (PEP 412): instances of a class share one keys table, owned by the
//! class, that only ever grows (up to [`SHARED_KEYS_MAX`] keys); each instance dict
//! keeps just its values, indexed like the shared keys, plus its own insertion order.
//! An instance dict that needs a key the shared table cannot take becomes combined.
//!
//! **Versions**: each keys table has a version tag (assigned lazily, cleared when a
//! key is added or removed) that specialized `LOAD_GLOBAL`/`LOAD_ATTR` instructions
//! guard on; dict **watchers** are called on every modification of a watched dict.
//!
//! **Free-threading** (PEP 703): every modification happens in the dict's critical
//! section. Lookups of str/int keys are lock-free: they read the keys pointer, probe,
//! and take the value with a try-incref, validating afterwards that the table did not
//! change unless the value is immortal, deferred or owned by the reading thread (then
//! it cannot have been freed since it was loaded, and it was the key's value then: a
//! replaced table is never written again and an entry index never changes keys). This
//! is safe because a dict read or changed by a thread other than its owner is first
//! marked *shared*, after which its keys tables are freed only after a QSBR grace
//! period and the objects stored in it are published for lock-free reads. Other keys
//! (whose `__eq__` may run Python code) are looked up under the lock.

use std::ptr::NonNull;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicPtr, AtomicU32, AtomicU8, AtomicUsize};

use parking_lot::Mutex;
use strand_heap::refcount::{mark_shared, try_incref_fast, try_incref_shared, LoadedRef};
use strand_heap::{HeapKind, ObFlags, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::{key_error, type_error};
use crate::object::{PyObj, PyPayload};
use crate::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use crate::PyResult;

const EMPTY: i32 = -1;
const DUMMY: i32 = -2;
const MIN_SIZE: usize = 8;
/// Most keys a shared (split) keys table takes.
pub const SHARED_KEYS_MAX: usize = 30;

#[repr(C)]
struct Entry {
    hash: AtomicIsize,
    key: AtomicPtr<ObjectHeader>,
    value: AtomicPtr<ObjectHeader>,
}

/// A keys table. Allocated in the raw heap with its index and entry arrays after it.
#[repr(C)]
pub struct DictKeys {
    size: usize,
    usable: AtomicUsize,
    nentries: AtomicUsize,
    version: AtomicU32,
    /// Shared keys of a split table: owned by a type and by every split dict over it,
    /// counted in `refcnt`.
    shared: bool,
    refcnt: AtomicUsize,
    /// Serialises appends to shared keys from different instance dicts.
    append_lock: Mutex<()>,
}

const KEYS_HEADER: usize = std::mem::size_of::<DictKeys>();

impl DictKeys {
    fn capacity(size: usize) -> usize {
        size * 2 / 3
    }

    fn alloc(size: usize, shared: bool) -> NonNull<DictKeys> {
        debug_assert!(size.is_power_of_two() && size >= MIN_SIZE);
        let cap = Self::capacity(size);
        let bytes = KEYS_HEADER + size * 4 + cap * std::mem::size_of::<Entry>();
        let p = strand_heap::alloc_raw(bytes).unwrap_or_else(|| {
            std::alloc::handle_alloc_error(
                std::alloc::Layout::from_size_align(bytes, 16).expect("layout"),
            )
        });
        // SAFETY: fresh allocation of `bytes`; we initialise every field and array.
        unsafe {
            let k = p.as_ptr() as *mut DictKeys;
            k.write(DictKeys {
                size,
                usable: AtomicUsize::new(cap),
                nentries: AtomicUsize::new(0),
                version: AtomicU32::new(0),
                shared,
                refcnt: AtomicUsize::new(1),
                append_lock: Mutex::new(()),
            });
            let idx = (k as *mut u8).add(KEYS_HEADER) as *mut i32;
            for i in 0..size {
                idx.add(i).write(EMPTY);
            }
            let ents = idx.add(size) as *mut Entry;
            for i in 0..cap {
                ents.add(i).write(Entry {
                    hash: AtomicIsize::new(0),
                    key: AtomicPtr::new(std::ptr::null_mut()),
                    value: AtomicPtr::new(std::ptr::null_mut()),
                });
            }
            NonNull::new_unchecked(k)
        }
    }

    #[inline(always)]
    fn indices(&self) -> &[AtomicI32] {
        // SAFETY: `size` i32 indices follow the header (AtomicI32 has i32's layout).
        unsafe {
            std::slice::from_raw_parts(
                (self as *const DictKeys as *const u8).add(KEYS_HEADER) as *const AtomicI32,
                self.size,
            )
        }
    }

    #[inline(always)]
    fn entries(&self) -> &[Entry] {
        // SAFETY: `capacity` entries follow the indices.
        unsafe {
            std::slice::from_raw_parts(
                (self as *const DictKeys as *const u8).add(KEYS_HEADER + self.size * 4)
                    as *const Entry,
                Self::capacity(self.size),
            )
        }
    }

    #[inline(always)]
    fn mask(&self) -> usize {
        self.size - 1
    }

    /// The slot for `hash` holding entry `ix` (for deletion), or the first empty slot.
    fn find_slot_of(&self, hash: isize, ix: usize) -> usize {
        self.probe_seq(hash)
            .find(|&i| self.indices()[i].load(Relaxed) == ix as i32)
            .expect("the probe sequence is endless")
    }

    fn find_empty_slot(&self, hash: isize) -> usize {
        self.probe_seq(hash)
            .find(|&i| self.indices()[i].load(Relaxed) < 0)
            .expect("the probe sequence is endless")
    }

    /// The index slots to look at for `hash`, in order: CPython's open addressing
    /// (Objects/dictobject.c: `i = (i*5 + perturb + 1) & mask`, `perturb >>= 5`),
    /// which visits every slot eventually. Endless: callers stop at what they look for
    /// or at an empty slot, and a table always has one.
    #[inline(always)]
    fn probe_seq(&self, hash: isize) -> ProbeSeq {
        let mask = self.mask();
        ProbeSeq {
            mask,
            perturb: hash as usize,
            next: (hash as usize) & mask,
        }
    }
}

/// The probe sequence of [`DictKeys::probe_seq`].
struct ProbeSeq {
    mask: usize,
    perturb: usize,
    next: usize,
}

impl Iterator for ProbeSeq {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        let i = self.next;
        self.perturb >>= 5;
        self.next = (i.wrapping_mul(5).wrapping_add(self.perturb).wrapping_add(1)) & self.mask;
        Some(i)
    }
}

use std::sync::atomic::AtomicI32;

/// Per-instance values of a split dict.
#[repr(C)]
struct DictValues {
    /// Number of valid entries in `order`.
    len: AtomicUsize,
    /// Shared-key indices in insertion order.
    order: [AtomicU8; SHARED_KEYS_MAX],
    values: [AtomicPtr<ObjectHeader>; SHARED_KEYS_MAX],
}

impl DictValues {
    fn alloc() -> NonNull<DictValues> {
        let bytes = std::mem::size_of::<DictValues>();
        let p = strand_heap::alloc_raw(bytes).unwrap_or_else(|| {
            std::alloc::handle_alloc_error(
                std::alloc::Layout::from_size_align(bytes, 16).expect("layout"),
            )
        });
        // SAFETY: fresh allocation; every field initialised.
        unsafe {
            let v = p.as_ptr() as *mut DictValues;
            v.write(DictValues {
                len: AtomicUsize::new(0),
                order: [const { AtomicU8::new(0) }; SHARED_KEYS_MAX],
                values: [const { AtomicPtr::new(std::ptr::null_mut()) }; SHARED_KEYS_MAX],
            });
            NonNull::new_unchecked(v)
        }
    }
}

/// The layout of a `dict`.
#[repr(C)]
pub struct PyDict {
    header: ObjectHeader,
    used: AtomicUsize,
    keys: AtomicPtr<DictKeys>,
    values: AtomicPtr<DictValues>,
    /// Bit `i` set: watcher `i` watches this dict.
    watchers: AtomicU8,
    /// `true` while this is an instance's attribute table that no program has seen as
    /// `__dict__`: CPython 3.11 keeps such attributes inline in the instance, with no
    /// dict object, so the collector's reports do not count it
    /// ([`is_hidden_attribute_table`]).
    hidden: AtomicBool,
    /// Bumped on every modification (for iterators' "changed size" checks too).
    mutations: AtomicU32,
}

// SAFETY: repr(C), header first; dict subclasses extend it.
unsafe impl PyPayload for PyDict {
    fn type_object() -> &'static PyType {
        &DICT_TYPE
    }
}

unsafe fn dict_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on dicts; the world is stopped, tables are consistent.
    let d = unsafe { &*(obj.as_ptr() as *const PyDict) };
    d.for_each_raw(|k, v| {
        visit(k);
        visit(v);
    });
}

unsafe fn dict_clear_slot(obj: ObjPtr) {
    // SAFETY: the collector holds a reference.
    let d = unsafe { PyObj::from_borrowed(obj) };
    clear(&d);
}

unsafe fn dict_dealloc(obj: ObjPtr) {
    // SAFETY: count zero; only borrowers of a shared dict may still reach it (below).
    unsafe {
        let d = &*(obj.as_ptr() as *const PyDict);
        let shared = d.is_shared();
        if shared {
            // A shared dict can still be reached by threads that borrowed it without
            // a reference: an instance's `__dict__` replaced under a specialized
            // attribute load or store (`managed::dict_borrowed`). Its memory outlives
            // their QSBR grace period (`dealloc_instance_memory`); so do its tables,
            // whose pointers stay in place (`release_tables(true)`). Cached stores take
            // the dict's lock and give up on a dict marked dead under that lock, so
            // none writes into tables whose values are being dropped here.
            let me = std::mem::ManuallyDrop::new(PyObj::from_owned(obj));
            strand_heap::critical_section!(&*me);
            d.watchers.store(DEAD_DICT, Relaxed);
        }
        d.release_tables(shared);
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

/// The `watchers` of a dict being deallocated: every specialized path that checks
/// for watchers falls back to the generic one (see `dict_dealloc`).
const DEAD_DICT: u8 = u8::MAX;

crate::builtin_type! {
    /// The `dict` type.
    pub static DICT_TYPE = {
        name: "dict",
        layout: PyDict,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::DICT_SUBCLASS),
        traverse: Some(dict_traverse),
        clear: Some(dict_clear_slot),
        dealloc: dict_dealloc,
        size: None,
        slots: Slots {
            repr: Some(dict_repr),
            hash: Some(crate::baseobject::unhashable),
            richcompare: Some(dict_richcompare),
            iter: Some(|d| crate::iterators::dict_iter(d, crate::iterators::DictIterKind::Keys)),
            new: Some(dict_new),
            init: Some(dict_init),
            len: Some(|d| Ok(payload(d).len())),
            contains: Some(|d, k| Ok(get_item(d, k)?.is_some())),
            getitem: Some(dict_subscript),
            setitem: Some(dict_ass_subscript),
            number: crate::typeobj::NumberSlots {
                or: Some(dict_or),
                inplace_or: Some(dict_ior),
                ..crate::typeobj::NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

#[inline(always)]
fn payload(obj: &PyObj) -> &PyDict {
    // A lock-free reader (`get_cached` through a borrowed instance dict) may meet a
    // dict replaced and deallocated meanwhile, whose memory QSBR keeps.
    // SAFETY: the memory is allocated (alive, or QSBR-pending).
    debug_assert!(unsafe { PyType::of_ptr_if_live(obj.as_ptr()) }
        .is_none_or(|t| t.flags().contains(TypeFlags::DICT_SUBCLASS)));
    // SAFETY: callers pass dicts.
    unsafe { obj.payload_unchecked::<PyDict>() }
}

/// `true` if `obj` is a dict or subclass.
#[inline(always)]
pub fn is_dict(obj: &PyObj) -> bool {
    obj.ty().flags().contains(TypeFlags::DICT_SUBCLASS)
}

#[inline(always)]
fn borrowed(p: *mut ObjectHeader) -> std::mem::ManuallyDrop<PyObj> {
    // SAFETY: callers pass a non-null key read from a live entry of a table that stays
    // allocated for the duration of the use (QSBR for shared dicts, the lock
    // otherwise); ManuallyDrop keeps the borrowed reference from being released.
    std::mem::ManuallyDrop::new(unsafe {
        PyObj::from_owned(ObjPtr::from_raw(p).expect("non-null key"))
    })
}

impl PyDict {
    /// Number of items.
    #[inline]
    pub fn len(&self) -> usize {
        self.used.load(Relaxed)
    }

    /// `true` if empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn keys(&self) -> &DictKeys {
        // SAFETY: a dict always has a keys table (callers hold the lock or read a
        // shared dict inside a QSBR grace period).
        unsafe { &*self.keys.load(Acquire) }
    }

    fn values(&self) -> Option<&DictValues> {
        // SAFETY: as for keys.
        unsafe { self.values.load(Acquire).as_ref() }
    }

    fn is_shared(&self) -> bool {
        // SAFETY: self is a live object.
        unsafe { ObjPtr::new(NonNull::from(&self.header)).flags() }.contains(ObFlags::SHARED)
    }

    /// Calls `f(key, value)` for each item, raw (lock held or world stopped).
    fn for_each_raw(&self, mut f: impl FnMut(ObjPtr, ObjPtr)) {
        let keys = self.keys();
        match self.values() {
            Some(vals) => {
                let n = vals.len.load(Relaxed);
                for i in 0..n {
                    let ix = vals.order[i].load(Relaxed) as usize;
                    let k = keys.entries()[ix].key.load(Relaxed);
                    let v = vals.values[ix].load(Relaxed);
                    if let (Some(k), Some(v)) = (ObjPtr::from_raw(k), ObjPtr::from_raw(v)) {
                        f(k, v);
                    }
                }
            }
            None => {
                let n = keys.nentries.load(Relaxed);
                for e in &keys.entries()[..n] {
                    let (k, v) = (e.key.load(Relaxed), e.value.load(Relaxed));
                    if let (Some(k), Some(v)) = (ObjPtr::from_raw(k), ObjPtr::from_raw(v)) {
                        f(k, v);
                    }
                }
            }
        }
    }

    /// Frees the tables at dealloc, dropping every reference. With `shared_dict` (a
    /// dict other threads may still be reading, see `dict_dealloc`) the table
    /// pointers stay in place and the tables are freed after a QSBR grace period.
    ///
    /// # Safety
    /// The dict's count is zero; with `shared_dict`, cached writers are locked out
    /// (`DEAD_DICT`).
    unsafe fn release_tables(&self, shared_dict: bool) {
        // A dead shared dict keeps its table pointers for the readers that borrowed it;
        // the tables themselves are freed after a grace period.
        let (keys_p, vals_p) = if shared_dict {
            (self.keys.load(Acquire), self.values.load(Acquire))
        } else {
            (
                self.keys.swap(std::ptr::null_mut(), AcqRelOrd),
                self.values.swap(std::ptr::null_mut(), AcqRelOrd),
            )
        };
        if keys_p.is_null() {
            return;
        }
        // SAFETY: we own the tables now.
        let keys = unsafe { &*keys_p };
        // A Vec, not an inline array: deallocation of nested containers recurses
        // through here, so this frame must stay small.
        let mut drops: Vec<ObjPtr> = Vec::new();
        // SAFETY: as above (the values table, if any, is ours too).
        match unsafe { vals_p.as_ref() } {
            Some(vals) => {
                // The values present are exactly those `order` lists (as in
                // `for_each_raw`): no need to scan all SHARED_KEYS_MAX slots.
                let n = vals.len.load(Relaxed);
                drops.reserve_exact(n);
                for o in &vals.order[..n] {
                    let ix = o.load(Relaxed) as usize;
                    if let Some(p) = ObjPtr::from_raw(vals.values[ix].load(Relaxed)) {
                        drops.push(p);
                    }
                }
                free_raw_table(vals_p as *mut u8, shared_dict);
            }
            None => {
                let n = keys.nentries.load(Relaxed);
                for e in &keys.entries()[..n] {
                    for p in [e.key.load(Relaxed), e.value.load(Relaxed)] {
                        if let Some(p) = ObjPtr::from_raw(p) {
                            drops.push(p);
                        }
                    }
                }
            }
        }
        if keys.shared {
            shared_keys_decref(keys_p);
        } else {
            free_raw_table(keys_p as *mut u8, shared_dict);
        }
        for p in drops {
            // SAFETY: each table slot held one reference.
            drop(unsafe { PyObj::from_owned(p) });
        }
    }
}

/// Drops one reference to a shared keys table, freeing it with the last.
pub(crate) fn shared_keys_decref(keys_p: *mut DictKeys) {
    // SAFETY: callers own a reference to the table.
    let keys = unsafe { &*keys_p };
    if keys.refcnt.fetch_sub(1, AcqRelOrd) != 1 {
        return;
    }
    // Shared keys are interned strs (immortal): nothing to drop but the memory, which
    // other threads' lock-free probes may still be reading.
    free_raw_table(keys_p as *mut u8, true);
}

#[allow(non_upper_case_globals)]
const AcqRelOrd: std::sync::atomic::Ordering = std::sync::atomic::Ordering::AcqRel;

fn free_raw_table(p: *mut u8, delayed: bool) {
    let p = NonNull::new(p).expect("table pointer");
    // SAFETY: the table was allocated with alloc_raw and is unlinked from its dict;
    // lock-free readers of a shared dict may still hold it, hence the delay.
    unsafe {
        if delayed {
            strand_heap::free_delayed(p);
        } else {
            strand_heap::free_raw(p);
        }
    }
}

/// A new empty dict.
pub fn new() -> PyObj {
    new_of_type(&DICT_TYPE)
}

pub(crate) fn new_of_type(ty: &PyType) -> PyObj {
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of a dict layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyDict;
        std::ptr::addr_of_mut!((*p).used).write(AtomicUsize::new(0));
        std::ptr::addr_of_mut!((*p).keys)
            .write(AtomicPtr::new(DictKeys::alloc(MIN_SIZE, false).as_ptr()));
        std::ptr::addr_of_mut!((*p).values).write(AtomicPtr::new(std::ptr::null_mut()));
        std::ptr::addr_of_mut!((*p).watchers).write(AtomicU8::new(0));
        std::ptr::addr_of_mut!((*p).hidden).write(AtomicBool::new(false));
        std::ptr::addr_of_mut!((*p).mutations).write(AtomicU32::new(0));
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// A new dict for an instance of `ty`: split over the type's shared keys when the type
/// has them.
pub fn new_for_instance(ty: &PyType) -> PyObj {
    let keys = ty.inner().cached_keys;
    if keys.is_null() {
        return new();
    }
    // SAFETY: the type owns a reference to its shared keys, alive while it is.
    unsafe { &*keys }.refcnt.fetch_add(1, Relaxed);
    let obj = crate::alloc::alloc_instance(&DICT_TYPE, DICT_TYPE.basicsize());
    // SAFETY: fresh dict holding its own reference to the shared keys.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyDict;
        std::ptr::addr_of_mut!((*p).used).write(AtomicUsize::new(0));
        std::ptr::addr_of_mut!((*p).keys).write(AtomicPtr::new(keys));
        std::ptr::addr_of_mut!((*p).values).write(AtomicPtr::new(DictValues::alloc().as_ptr()));
        std::ptr::addr_of_mut!((*p).watchers).write(AtomicU8::new(0));
        std::ptr::addr_of_mut!((*p).hidden).write(AtomicBool::new(true));
        std::ptr::addr_of_mut!((*p).mutations).write(AtomicU32::new(0));
        crate::alloc::finish_instance(&DICT_TYPE, &obj);
    }
    obj
}

/// `true` if `obj` is an instance attribute table never shown as `__dict__` (see
/// `PyDict::hidden`).
///
/// # Safety
/// `obj` is alive.
pub unsafe fn is_hidden_attribute_table(obj: ObjPtr) -> bool {
    // SAFETY: alive per the contract; the header's type pointer is immutable.
    let o = unsafe { PyObj::from_borrowed(obj) };
    o.is_exact(&DICT_TYPE) && payload(&o).hidden.load(Relaxed)
}

/// Marks an instance's attribute table as seen by the program (`obj.__dict__`).
pub fn mark_exposed(d: &PyObj) {
    if is_dict(d) {
        payload(d).hidden.store(false, Relaxed);
    }
}

/// Creates the shared keys table a heap type's instances will split over.
pub(crate) fn new_shared_keys() -> *mut DictKeys {
    DictKeys::alloc(64, true).as_ptr()
}

/// `true` if the key's `__eq__` cannot run Python code, so lookups may go lock-free.
#[inline(always)]
fn lock_free_key(key: &PyObj) -> bool {
    crate::str::is_exact_str(key) || crate::int::is_exact_int(key)
}

#[inline]
fn key_eq_fast(a: &PyObj, b: &PyObj) -> bool {
    if crate::str::is_exact_str(a) && crate::str::is_exact_str(b) {
        crate::str::eq(a, b)
    } else {
        crate::int::is_exact_int(a) && crate::int::is_exact_int(b) && crate::int::cmp(a, b).is_eq()
    }
}

/// The hash of a key (`TypeError` for unhashable keys).
#[inline]
pub fn hash_key(key: &PyObj) -> PyResult<isize> {
    if crate::str::is_exact_str(key) {
        return Ok(crate::str::payload(key).hash());
    }
    ab::hash(key)
}

enum Found {
    /// Entry index.
    At(usize),
    /// Not present.
    Missing,
    /// The table changed while comparing keys: restart.
    Restart,
}

/// Probes `keys` for `key` (caller holds the lock, or `lock_free_key(key)`).
fn probe(d: &PyDict, keys: &DictKeys, key: &PyObj, hash: isize) -> PyResult<Found> {
    for i in keys.probe_seq(hash) {
        let ix = keys.indices()[i].load(Acquire);
        if ix == EMPTY {
            return Ok(Found::Missing);
        }
        if ix >= 0 {
            let e = &keys.entries()[ix as usize];
            let ek = e.key.load(Acquire);
            if ek == key.as_ptr().as_ptr() {
                return Ok(Found::At(ix as usize));
            }
            if !ek.is_null() && e.hash.load(Relaxed) == hash {
                let ekey = borrowed(ek);
                if lock_free_key(key) && lock_free_key(&ekey) {
                    if key_eq_fast(&ekey, key) {
                        return Ok(Found::At(ix as usize));
                    }
                } else {
                    // __eq__ may run Python code that changes the dict: hold the key
                    // and check the table afterwards.
                    let startkey = PyObj::clone(&ekey);
                    let eq = ab::richcompare_bool(&startkey, key, CompareOp::Eq)?;
                    if !std::ptr::eq(d.keys.load(Acquire), keys)
                        || e.key.load(Acquire) != startkey.as_ptr().as_ptr()
                    {
                        return Ok(Found::Restart);
                    }
                    if eq {
                        return Ok(Found::At(ix as usize));
                    }
                }
            }
        }
    }
    unreachable!("the probe sequence is endless")
}

/// Looks `key` up, returning a new reference to its value.
pub fn get_item(dict: &PyObj, key: &PyObj) -> PyResult<Option<PyObj>> {
    let hash = hash_key(key)?;
    get_item_hashed(dict, key, hash)
}

/// [`get_item`] with a precomputed hash.
pub fn get_item_hashed(dict: &PyObj, key: &PyObj, hash: isize) -> PyResult<Option<PyObj>> {
    let d = payload(dict);
    if lock_free_key(key) {
        ensure_shared_on_read(dict);
        for _ in 0..4 {
            if let Some(r) = lookup_lock_free(d, key, hash) {
                return Ok(r);
            }
        }
    }
    strand_heap::critical_section!(dict);
    lookup_locked(d, key, hash)
}

/// One optimistic lookup; `None` if it must be retried (the table changed).
fn lookup_lock_free(d: &PyDict, key: &PyObj, hash: isize) -> Option<Option<PyObj>> {
    let keys_p = d.keys.load(Acquire);
    // SAFETY: the keys table outlives this attached thread's read (QSBR for shared
    // dicts; an unshared dict is read lock-free and changed only by its owner, which
    // is us: other threads share it first, `ensure_shared_on_write`).
    let keys = unsafe { &*keys_p };
    let vals_p = d.values.load(Acquire);
    let ix = match probe(d, keys, key, hash) {
        Ok(Found::At(ix)) => ix,
        Ok(Found::Missing) => return Some(None),
        _ => return None,
    };
    // SAFETY: as for the keys table: values tables are freed after a grace period.
    let slot = match unsafe { vals_p.as_ref() } {
        Some(vals) => &vals.values[ix],
        None => &keys.entries()[ix].value,
    };
    let v = ObjPtr::from_raw(slot.load(Acquire))?;
    // SAFETY: values of shared dicts are published (mark_shared) and freed through
    // QSBR, so the header is readable.
    if unsafe { try_incref_fast(v) } {
        // Immortal, or ours: nothing freed it after it was loaded, and what the slot
        // held then was the key's value (a replaced table is never written again, and
        // an entry index never changes keys), so no recheck (CPython's
        // `_Py_TryXGetRef`).
        // SAFETY: try_incref_fast took the reference.
        return Some(Some(unsafe { PyObj::from_owned(v) }));
    }
    // SAFETY: as above; try_incref_shared refuses an object whose count reached zero.
    if !unsafe { try_incref_shared(v) } {
        return None;
    }
    if slot.load(Acquire) != v.as_ptr()
        || d.keys.load(Acquire) != keys_p
        || d.values.load(Acquire) != vals_p
    {
        // SAFETY: give back the reference we took.
        unsafe { strand_heap::refcount::decref(v) };
        return None;
    }
    // SAFETY: we own the reference try_incref_shared took.
    Some(Some(unsafe { PyObj::from_owned(v) }))
}

fn lookup_locked(d: &PyDict, key: &PyObj, hash: isize) -> PyResult<Option<PyObj>> {
    loop {
        let keys = d.keys();
        match probe(d, keys, key, hash)? {
            Found::Missing => return Ok(None),
            Found::Restart => continue,
            Found::At(ix) => {
                let p = match d.values() {
                    Some(vals) => vals.values[ix].load(Acquire),
                    None => keys.entries()[ix].value.load(Acquire),
                };
                // SAFETY: under the lock the slot's reference keeps the value alive.
                return Ok(ObjPtr::from_raw(p).map(|p| unsafe { PyObj::from_borrowed(p) }));
            }
        }
    }
}

/// Marks a dict shared the first time a thread other than its owner reads it, so that
/// its tables and contents are freed through QSBR from then on (CPython's
/// `ensure_shared_on_read`).
#[inline(always)]
fn ensure_shared_on_read(dict: &PyObj) {
    let d = payload(dict);
    if d.is_shared() || crate::alloc::owned_by_current_thread(dict) {
        return;
    }
    share_on_first_read(dict, d);
}

/// [`ensure_shared_on_read`]'s first read by another thread: share under the lock.
#[cold]
#[inline(never)]
fn share_on_first_read(dict: &PyObj, d: &PyDict) {
    strand_heap::critical_section!(dict);
    share_locked(dict, d);
}

/// Called with the lock held by every operation that changes the dict: a thread other
/// than the owner shares it first (CPython's `ensure_shared_on_resize`, applied to
/// every change), because the owner may be reading it lock-free and must not see a
/// table or a value freed at once.
#[inline(always)]
fn ensure_shared_on_write(dict: &PyObj, d: &PyDict) {
    if !crate::alloc::owned_by_current_thread(dict) && !d.is_shared() {
        share_locked(dict, d);
    }
}

/// Publishes the dict and its contents for other threads (its lock is held).
#[cold]
#[inline(never)]
fn share_locked(dict: &PyObj, d: &PyDict) {
    if d.is_shared() {
        return;
    }
    d.for_each_raw(|k, v| {
        // SAFETY: entries hold references to live objects.
        unsafe {
            mark_shared(k);
            mark_shared(v);
        }
    });
    // SAFETY: alive.
    unsafe { mark_shared(dict.as_ptr()) };
}

/// Looks up by a Rust string key.
pub fn get_item_str(dict: &PyObj, key: &str) -> Option<PyObj> {
    get_item(dict, &crate::str::intern(key)).ok().flatten()
}

/// `dict[key]` for the interpreter: `KeyError` if missing (subclasses' `__missing__`
/// handled by the subscript slot).
pub fn get_item_or_keyerror(dict: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    get_item(dict, key)?.ok_or_else(|| key_error(key.clone()))
}

/// Counts a modification of `d` (its `mutations` stamp). Every writer holds the
/// dict's critical section (its callers below, and [`replace_cached`]), so the count
/// is read and written back rather than bumped with a locked read-modify-write:
/// writers are serialized by the lock, and lock-free readers only load it.
#[inline(always)]
fn count_mutation(d: &PyDict) {
    d.mutations
        .store(d.mutations.load(Relaxed).wrapping_add(1), Relaxed);
}

/// Replaces the value in `slot` (a value slot of a dict whose critical section the
/// caller holds) with `new`, returning the old value. Writers of value slots all hold
/// the dict's lock, so a load and a release store do what a swap would (lock-free
/// readers load with acquire and see either value, each alive until QSBR or the
/// caller frees it) without a locked instruction on this hot path (attribute
/// stores).
#[inline(always)]
fn replace_locked(slot: &AtomicPtr<ObjectHeader>, new: *mut ObjectHeader) -> *mut ObjectHeader {
    let old = slot.load(Relaxed);
    slot.store(new, Release);
    old
}

fn bump(d: &PyDict, keys_changed: bool) {
    count_mutation(d);
    if keys_changed {
        d.keys().version.store(0, Release);
    }
}

/// `dict[key] = value`.
pub fn set_item(dict: &PyObj, key: PyObj, value: PyObj) -> PyResult<()> {
    let hash = hash_key(&key)?;
    set_item_hashed(dict, key, hash, value)
}

/// Stores under a Rust string key (interned).
pub fn set_item_str(dict: &PyObj, key: &str, value: PyObj) {
    // str keys are always hashable.
    let _ = set_item(dict, crate::str::intern(key), value);
}

/// [`set_item`] with a precomputed hash.
pub fn set_item_hashed(dict: &PyObj, key: PyObj, hash: isize, value: PyObj) -> PyResult<()> {
    let d = payload(dict);
    strand_heap::critical_section!(dict);
    ensure_shared_on_write(dict, d);
    if d.is_shared() {
        // SAFETY: we hold references to both.
        unsafe {
            mark_shared(key.as_ptr());
            mark_shared(value.as_ptr());
        }
    }
    notify_watchers(dict, DictEvent::Modified, Some(&key), Some(&value));
    insert(dict, d, key, hash, value)
}

fn insert(dict: &PyObj, d: &PyDict, key: PyObj, hash: isize, value: PyObj) -> PyResult<()> {
    loop {
        let keys = d.keys();
        let found = probe(d, keys, &key, hash)?;
        match found {
            Found::Restart => continue,
            Found::At(ix) => {
                let slot = match d.values() {
                    Some(vals) => {
                        if vals.values[ix].load(Relaxed).is_null() {
                            // Known shared key, new for this instance.
                            let n = vals.len.load(Relaxed);
                            vals.order[n].store(ix as u8, Relaxed);
                            vals.len.store(n + 1, Release);
                            d.used.fetch_add(1, Relaxed);
                            bump(d, false);
                        }
                        &vals.values[ix]
                    }
                    None => &keys.entries()[ix].value,
                };
                let old = replace_locked(slot, value.into_ptr().as_ptr());
                count_mutation(d);
                if let Some(old) = ObjPtr::from_raw(old) {
                    // SAFETY: the slot owned the old value.
                    drop(unsafe { PyObj::from_owned(old) });
                }
                return Ok(());
            }
            Found::Missing => {
                if d.values().is_some() {
                    if try_append_shared_key(d, &key, hash) {
                        continue; // now found as a shared key
                    }
                    unsplit(dict, d);
                    continue;
                }
                if keys.usable.load(Relaxed) == 0 {
                    resize(dict, d, growth_size(d.len()));
                    continue;
                }
                let ix = keys.nentries.load(Relaxed);
                let e = &keys.entries()[ix];
                e.hash.store(hash, Relaxed);
                e.key.store(key.into_ptr().as_ptr(), Relaxed);
                e.value.store(value.into_ptr().as_ptr(), Release);
                let slot = keys.find_empty_slot(hash);
                keys.nentries.store(ix + 1, Release);
                keys.usable.fetch_sub(1, Relaxed);
                keys.indices()[slot].store(ix as i32, Release);
                d.used.fetch_add(1, Relaxed);
                bump(d, true);
                return Ok(());
            }
        }
    }
}

fn growth_size(used: usize) -> usize {
    (used * 3).max(MIN_SIZE).next_power_of_two()
}

/// Appends `key` to the shared keys of a split dict if there is room and the key is a
/// str (attribute names); `false` otherwise.
fn try_append_shared_key(d: &PyDict, key: &PyObj, hash: isize) -> bool {
    append_shared_key(d.keys(), key, hash).is_some()
}

/// The index of `key` in shared keys `keys`, appending it if there is room and it is
/// an exact str; `None` otherwise. Entries are written before the index slot that
/// points at them (release), so lock-free probes ([`shared_index`]) see whole entries.
pub(crate) fn append_shared_key(keys: &DictKeys, key: &PyObj, hash: isize) -> Option<usize> {
    if !crate::str::is_exact_str(key) {
        return None;
    }
    let _g = keys.append_lock.lock();
    let n = keys.nentries.load(Acquire);
    // Another instance may have appended it meanwhile.
    for (i, e) in keys.entries()[..n].iter().enumerate() {
        let k = e.key.load(Acquire);
        if k == key.as_ptr().as_ptr()
            || (!k.is_null() && e.hash.load(Relaxed) == hash && key_eq_fast(&borrowed(k), key))
        {
            return Some(i);
        }
    }
    if n >= SHARED_KEYS_MAX || keys.usable.load(Relaxed) == 0 {
        return None;
    }
    let key = crate::str::intern_obj(key);
    let e = &keys.entries()[n];
    e.hash.store(hash, Relaxed);
    e.key.store(key.into_ptr().as_ptr(), Release);
    let slot = keys.find_empty_slot(hash);
    keys.indices()[slot].store(n as i32, Release);
    keys.usable.fetch_sub(1, Relaxed);
    keys.nentries.store(n + 1, Release);
    keys.version.store(0, Release);
    Some(n)
}

/// The index of exact-str `key` in shared keys `keys`, lock-free: shared keys only
/// grow (an index never changes keys) and live as long as their type.
pub(crate) fn shared_index(keys: &DictKeys, key: &PyObj, hash: isize) -> Option<usize> {
    for i in keys.probe_seq(hash) {
        let ix = keys.indices()[i].load(Acquire);
        if ix == EMPTY {
            return None;
        }
        if ix >= 0 {
            let e = &keys.entries()[ix as usize];
            let ek = e.key.load(Acquire);
            if ek == key.as_ptr().as_ptr()
                || (!ek.is_null()
                    && e.hash.load(Relaxed) == hash
                    && key_eq_fast(&borrowed(ek), key))
            {
                return Some(ix as usize);
            }
        }
    }
    unreachable!("the probe sequence is endless")
}

/// The key at index `ix` of shared keys `keys` (an interned, immortal str), if set.
pub(crate) fn shared_key_at(keys: &DictKeys, ix: usize) -> Option<ObjPtr> {
    if ix >= keys.nentries.load(Acquire) {
        return None;
    }
    ObjPtr::from_raw(keys.entries()[ix].key.load(Acquire))
}

/// Whether shared keys `keys` still have version `version` (never assigns one).
#[inline(always)]
pub(crate) fn shared_keys_version_is(keys: &DictKeys, version: u32) -> bool {
    keys.version.load(Acquire) == version
}

/// The version of shared keys `keys` (assigned on first use; see [`keys_version`]).
pub(crate) fn shared_keys_version(keys: &DictKeys) -> u32 {
    assign_version(keys)
}

/// A split dict over `ty`'s shared keys holding the values `values` (indexed like
/// the keys; the dict takes over their references) in the insertion order `order`:
/// the `__dict__` materialized from an instance's inline values.
pub(crate) fn new_split_from(ty: &PyType, order: &[u8], values: &[*mut ObjectHeader]) -> PyObj {
    let d = new_for_instance(ty);
    let p = payload(&d);
    let vals = p.values().expect("split over the type's shared keys");
    for (i, &ix) in order.iter().enumerate() {
        let ix = usize::from(ix);
        vals.values[ix].store(values[ix], Relaxed);
        vals.order[i].store(ix as u8, Relaxed);
    }
    vals.len.store(order.len(), Release);
    p.used.store(order.len(), Relaxed);
    d
}

/// Converts a split dict to a combined one (insertion order kept).
fn unsplit(dict: &PyObj, d: &PyDict) {
    let _ = dict;
    let keys = d.keys();
    let vals = d.values().expect("split dict");
    let n = vals.len.load(Relaxed);
    let size = growth_size(n.max(1) + 1);
    let new_keys = DictKeys::alloc(size, false);
    // SAFETY: fresh table, private until published below.
    let nk = unsafe { new_keys.as_ref() };
    let mut j = 0;
    for i in 0..n {
        let ix = vals.order[i].load(Relaxed) as usize;
        let v = vals.values[ix].load(Relaxed);
        if v.is_null() {
            continue;
        }
        let src = &keys.entries()[ix];
        let k = src.key.load(Relaxed);
        // The shared table keeps its reference to the key; take one for ours.
        // SAFETY: shared keys are interned (immortal) strs.
        unsafe { strand_heap::refcount::incref(ObjPtr::from_raw(k).expect("key")) };
        let e = &nk.entries()[j];
        let h = src.hash.load(Relaxed);
        e.hash.store(h, Relaxed);
        e.key.store(k, Relaxed);
        e.value.store(v, Relaxed);
        let slot = nk.find_empty_slot(h);
        nk.indices()[slot].store(j as i32, Relaxed);
        j += 1;
    }
    nk.nentries.store(j, Relaxed);
    nk.usable.fetch_sub(j, Relaxed);
    let old_vals = d.values.swap(std::ptr::null_mut(), AcqRelOrd);
    let old_keys = d.keys.swap(new_keys.as_ptr(), AcqRelOrd);
    free_raw_table(old_vals as *mut u8, d.is_shared());
    shared_keys_decref(old_keys);
    bump(d, true);
}

/// Rebuilds the keys table with `size` slots, dropping holes.
fn resize(dict: &PyObj, d: &PyDict, size: usize) {
    let _ = dict;
    let old_p = d.keys.load(Acquire);
    // SAFETY: the dict's own table (combined dicts only reach here).
    let old = unsafe { &*old_p };
    let new_keys = DictKeys::alloc(size, false);
    // SAFETY: private until published.
    let nk = unsafe { new_keys.as_ref() };
    let n = old.nentries.load(Relaxed);
    let mut j = 0;
    for e in &old.entries()[..n] {
        let k = e.key.load(Relaxed);
        if k.is_null() {
            continue;
        }
        let h = e.hash.load(Relaxed);
        let ne = &nk.entries()[j];
        ne.hash.store(h, Relaxed);
        ne.key.store(k, Relaxed);
        ne.value.store(e.value.load(Relaxed), Relaxed);
        let slot = nk.find_empty_slot(h);
        nk.indices()[slot].store(j as i32, Relaxed);
        j += 1;
    }
    nk.nentries.store(j, Relaxed);
    nk.usable.fetch_sub(j, Relaxed);
    d.keys.store(new_keys.as_ptr(), Release);
    free_raw_table(old_p as *mut u8, d.is_shared());
}

/// `del dict[key]`; `Ok(false)` if the key was missing.
pub fn del_item(dict: &PyObj, key: &PyObj) -> PyResult<bool> {
    let hash = hash_key(key)?;
    Ok(pop_hashed(dict, key, hash)?.is_some())
}

/// [`del_item`] with the key's hash already computed (`hash` must be
/// `hash(key)`): CPython's `_PyDict_DelItem_KnownHash`, for callers that promise to
/// hash a key once (`functools.lru_cache`).
pub fn del_item_hashed(dict: &PyObj, key: &PyObj, hash: isize) -> PyResult<bool> {
    Ok(pop_hashed(dict, key, hash)?.is_some())
}

/// Removes `key`, returning its value.
pub fn pop_item(dict: &PyObj, key: &PyObj) -> PyResult<Option<PyObj>> {
    let hash = hash_key(key)?;
    pop_hashed(dict, key, hash)
}

fn pop_hashed(dict: &PyObj, key: &PyObj, hash: isize) -> PyResult<Option<PyObj>> {
    let d = payload(dict);
    strand_heap::critical_section!(dict);
    ensure_shared_on_write(dict, d);
    loop {
        let keys = d.keys();
        match probe(d, keys, key, hash)? {
            Found::Restart => continue,
            Found::Missing => return Ok(None),
            Found::At(ix) => {
                notify_watchers(dict, DictEvent::Deleted, Some(key), None);
                let value = match d.values() {
                    Some(vals) => {
                        let v = vals.values[ix].swap(std::ptr::null_mut(), AcqRelOrd);
                        if v.is_null() {
                            return Ok(None);
                        }
                        let n = vals.len.load(Relaxed);
                        let pos = (0..n)
                            .find(|&i| vals.order[i].load(Relaxed) as usize == ix)
                            .expect("in order");
                        for i in pos..n - 1 {
                            vals.order[i].store(vals.order[i + 1].load(Relaxed), Relaxed);
                        }
                        vals.len.store(n - 1, Release);
                        d.used.fetch_sub(1, Relaxed);
                        bump(d, false);
                        v
                    }
                    None => {
                        let e = &keys.entries()[ix];
                        let slot = keys.find_slot_of(hash, ix);
                        keys.indices()[slot].store(DUMMY, Release);
                        let k = e.key.swap(std::ptr::null_mut(), AcqRelOrd);
                        let v = e.value.swap(std::ptr::null_mut(), AcqRelOrd);
                        d.used.fetch_sub(1, Relaxed);
                        bump(d, true);
                        // SAFETY: the entry owned the key.
                        drop(unsafe { PyObj::from_owned(ObjPtr::from_raw(k).expect("key")) });
                        v
                    }
                };
                // SAFETY: the slot owned the value; the caller gets it.
                return Ok(Some(unsafe {
                    PyObj::from_owned(ObjPtr::from_raw(value).expect("value"))
                }));
            }
        }
    }
}

/// Removes every item.
pub fn clear(dict: &PyObj) {
    let d = payload(dict);
    let (old_keys, old_vals, shared) = {
        strand_heap::critical_section!(dict);
        ensure_shared_on_write(dict, d);
        if d.is_empty() && d.values().is_none() {
            return;
        }
        notify_watchers(dict, DictEvent::Cleared, None, None);
        let ok = d
            .keys
            .swap(DictKeys::alloc(MIN_SIZE, false).as_ptr(), AcqRelOrd);
        let ov = d.values.swap(std::ptr::null_mut(), AcqRelOrd);
        d.used.store(0, Relaxed);
        bump(d, true);
        (ok, ov, d.is_shared())
    };
    // Drop the old contents outside the lock (their finalizers may touch the dict).
    let tmp = PyDictTables {
        keys: old_keys,
        values: old_vals,
    };
    tmp.release(shared);
}

struct PyDictTables {
    keys: *mut DictKeys,
    values: *mut DictValues,
}

impl PyDictTables {
    fn release(self, shared: bool) {
        // SAFETY: we own the unlinked tables and the references in them.
        let keys = unsafe { &*self.keys };
        let mut drops = Vec::new();
        // SAFETY: as above.
        match unsafe { self.values.as_ref() } {
            Some(vals) => {
                for v in &vals.values {
                    if let Some(p) = ObjPtr::from_raw(v.load(Relaxed)) {
                        drops.push(p);
                    }
                }
                free_raw_table(self.values as *mut u8, shared);
            }
            None => {
                let n = keys.nentries.load(Relaxed);
                for e in &keys.entries()[..n] {
                    for p in [e.key.load(Relaxed), e.value.load(Relaxed)] {
                        if let Some(p) = ObjPtr::from_raw(p) {
                            drops.push(p);
                        }
                    }
                }
            }
        }
        if keys.shared {
            shared_keys_decref(self.keys);
        } else {
            free_raw_table(self.keys as *mut u8, shared);
        }
        for p in drops {
            // SAFETY: each slot held a reference.
            drop(unsafe { PyObj::from_owned(p) });
        }
    }
}

/// Number of items.
pub fn len(dict: &PyObj) -> usize {
    payload(dict).len()
}

/// A snapshot of the items, in insertion order.
pub fn items(dict: &PyObj) -> Vec<(PyObj, PyObj)> {
    let d = payload(dict);
    strand_heap::critical_section!(dict);
    let mut out = Vec::with_capacity(d.len());
    d.for_each_raw(|k, v| {
        // SAFETY: under the lock, entries hold live references.
        out.push(unsafe { (PyObj::from_borrowed(k), PyObj::from_borrowed(v)) });
    });
    out
}

/// A snapshot of the keys.
pub fn keys(dict: &PyObj) -> Vec<PyObj> {
    items(dict).into_iter().map(|(k, _)| k).collect()
}

/// A snapshot of the values.
pub fn values(dict: &PyObj) -> Vec<PyObj> {
    items(dict).into_iter().map(|(_, v)| v).collect()
}

/// The `i`-th live item at or after entry position `pos` (for iterators): returns the
/// item and the next position, or `None` at the end. `pos` counts entries (combined)
/// or order slots (split).
pub(crate) fn item_at(dict: &PyObj, pos: usize) -> Option<(usize, PyObj, PyObj)> {
    let d = payload(dict);
    strand_heap::critical_section!(dict);
    let keys = d.keys();
    match d.values() {
        Some(vals) => {
            let n = vals.len.load(Relaxed);
            for i in pos..n {
                let ix = vals.order[i].load(Relaxed) as usize;
                let v = vals.values[ix].load(Relaxed);
                let k = keys.entries()[ix].key.load(Relaxed);
                if let (Some(k), Some(v)) = (ObjPtr::from_raw(k), ObjPtr::from_raw(v)) {
                    // SAFETY: live entries under the lock.
                    return Some((i + 1, unsafe { PyObj::from_borrowed(k) }, unsafe {
                        PyObj::from_borrowed(v)
                    }));
                }
            }
            None
        }
        None => {
            let n = keys.nentries.load(Relaxed);
            for i in pos..n {
                let e = &keys.entries()[i];
                let (k, v) = (e.key.load(Relaxed), e.value.load(Relaxed));
                if let (Some(k), Some(v)) = (ObjPtr::from_raw(k), ObjPtr::from_raw(v)) {
                    // SAFETY: live entries under the lock.
                    return Some((i + 1, unsafe { PyObj::from_borrowed(k) }, unsafe {
                        PyObj::from_borrowed(v)
                    }));
                }
            }
            None
        }
    }
}

/// The mutation counter and size, for iterators' change detection.
pub(crate) fn change_stamp(dict: &PyObj) -> (usize, u32) {
    let d = payload(dict);
    (d.len(), d.mutations.load(Relaxed))
}

/// The keys table's version tag (assigned on first use; 0 is never valid). Changes
/// whenever a key is added or removed, not when a value is replaced.
pub fn keys_version(dict: &PyObj) -> u32 {
    assign_version(payload(dict).keys())
}

/// The version tag of `keys`, assigned from a global counter if it has none.
fn assign_version(keys: &DictKeys) -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let v = keys.version.load(Acquire);
    if v != 0 {
        return v;
    }
    let nv = NEXT.fetch_add(1, Relaxed);
    match keys.version.compare_exchange(0, nv, SeqCst, Acquire) {
        Ok(_) => nv,
        Err(cur) => cur,
    }
}

/// Where `key` is in `dict`, for specialized instructions (CPython's
/// `_PyDictKeys_StringLookup` with `_PyDictKeys_GetVersionForCurrentState`): the keys
/// table's version and the entry index, valid for [`get_cached`] and
/// [`replace_cached`] while that version stays current. `None` if the key is absent,
/// has no value in this dict, is not a str, or the table has no version to give.
pub fn cache_entry(dict: &PyObj, key: &PyObj) -> Option<(u32, usize)> {
    if !crate::str::is_str(key) {
        return None;
    }
    let hash = hash_key(key).ok()?;
    let d = payload(dict);
    strand_heap::critical_section!(dict);
    let keys = d.keys();
    let Ok(Found::At(ix)) = probe(d, keys, key, hash) else {
        return None;
    };
    let present = match d.values() {
        Some(vals) => !vals.values[ix].load(Relaxed).is_null(),
        None => !keys.entries()[ix].value.load(Relaxed).is_null(),
    };
    if !present || ix > u16::MAX as usize {
        return None;
    }
    let version = keys_version(dict);
    (version != 0).then_some((version, ix))
}

/// The value at entry `index` of `dict`, if its keys table's version is still
/// `version` (see [`cache_entry`]): a lock-free read, as in [`get_item`]. `None`
/// means the cache no longer applies.
///
/// The reference comes back uncounted (`counted == false`) when the value is deferred
/// or immortal: nothing can free it before the caller's next safe point, and an
/// interpreter frame may keep it that way (no count, so no write to a count word that
/// other threads share). Otherwise it carries a new count.
///
/// Inline into the specialized instructions (`LOAD_GLOBAL_MODULE`/`BUILTIN`,
/// `LOAD_ATTR_INSTANCE_VALUE`/`MODULE`): the common cases (a dict this thread owns or
/// that is already shared, a value that is immortal, deferred or this thread's) are
/// plain loads and compares; the first read by another thread and a value another
/// thread owns are out of line.
#[inline(always)]
pub fn get_cached(dict: &PyObj, version: u32, index: usize) -> Option<(ObjPtr, bool)> {
    ensure_shared_on_read(dict);
    let d = payload(dict);
    let keys_p = d.keys.load(Acquire);
    // SAFETY: keys tables outlive this attached thread's read (QSBR for shared dicts;
    // an unshared dict is read lock-free and changed only by its owner, which is us:
    // other threads share it first, `ensure_shared_on_write`).
    let keys = unsafe { &*keys_p };
    if keys.version.load(Acquire) != version {
        return None;
    }
    let vals_p = d.values.load(Acquire);
    // SAFETY: as for the keys table.
    let slot = match unsafe { vals_p.as_ref() } {
        Some(vals) => vals.values.get(index)?,
        None => {
            if index >= keys.nentries.load(Acquire) {
                return None;
            }
            // SAFETY: `nentries` never exceeds the table's entry capacity (inserts
            // check `usable` first), so `index` is in bounds.
            unsafe { &keys.entries().get_unchecked(index).value }
        }
    };
    let v = ObjPtr::from_raw(slot.load(Acquire))?;
    // SAFETY: values of shared dicts are published and QSBR-freed, so the header is
    // readable; the deferred flag is set before an object is shared.
    match unsafe { strand_heap::refcount::take_loaded_fast(v) } {
        // Nothing frees a deferred or immortal object before the caller's next safe
        // point, so even a value that another thread is replacing right now is safe
        // to use: the read is as if it happened just before the replacement.
        LoadedRef::Uncounted => Some((v, false)),
        // Owned by this thread: as for deferred values, nothing frees it before the
        // caller is done, and it was the entry's value when loaded; no recheck.
        LoadedRef::Counted => Some((v, true)),
        LoadedRef::NotTaken => get_cached_shared(d, slot, keys_p, vals_p, v),
    }
}

/// The rest of [`get_cached`], out of line so that its common cases stay short: a
/// value another thread owns, taken with a compare-and-swap and kept only if the slot
/// and both tables are unchanged.
#[cold]
#[inline(never)]
fn get_cached_shared(
    d: &PyDict,
    slot: &AtomicPtr<ObjectHeader>,
    keys_p: *mut DictKeys,
    vals_p: *mut DictValues,
    v: ObjPtr,
) -> Option<(ObjPtr, bool)> {
    // SAFETY: as in `get_cached`; try_incref_shared refuses an object whose count
    // reached zero.
    if !unsafe { try_incref_shared(v) } {
        return None;
    }
    if slot.load(Acquire) != v.as_ptr()
        || d.keys.load(Acquire) != keys_p
        || d.values.load(Acquire) != vals_p
    {
        // SAFETY: give back the reference we took.
        unsafe { strand_heap::refcount::decref(v) };
        return None;
    }
    Some((v, true))
}

/// Where `key` is in `dict`'s keys table, present in this dict or not (a split
/// instance dict whose shared keys hold it): the keys version and entry index, for a
/// specialized attribute store that adds the key to fresh instances.
pub fn cache_key_entry(dict: &PyObj, key: &PyObj) -> Option<(u32, usize)> {
    if !crate::str::is_str(key) {
        return None;
    }
    let hash = hash_key(key).ok()?;
    let d = payload(dict);
    strand_heap::critical_section!(dict);
    let keys = d.keys();
    let Ok(Found::At(ix)) = probe(d, keys, key, hash) else {
        return None;
    };
    if ix > u16::MAX as usize {
        return None;
    }
    let present = match d.values() {
        Some(_) => true,
        None => !keys.entries()[ix].value.load(Relaxed).is_null(),
    };
    if !present {
        return None;
    }
    let version = keys_version(dict);
    (version != 0).then_some((version, ix))
}

/// Whether `key` is in `dict`'s keys table at all, with or without a value in this
/// dict (for a split dict: whether any instance sharing the keys may have it). The
/// specializer uses it to prove that no instance dict shadows a method.
pub fn keys_contain(dict: &PyObj, key: &PyObj) -> PyResult<bool> {
    let hash = hash_key(key)?;
    let d = payload(dict);
    strand_heap::critical_section!(dict);
    loop {
        match probe(d, d.keys(), key, hash)? {
            Found::At(_) => return Ok(true),
            Found::Missing => return Ok(false),
            Found::Restart => continue,
        }
    }
}

/// Whether `dict`'s keys table is still at `version` (a specialized instruction's
/// proof that a key is absent, or where it is).
#[inline]
pub fn keys_version_is(dict: &PyObj, version: u32) -> bool {
    let d = payload(dict);
    // SAFETY: as in `get_cached`.
    let keys = unsafe { &*d.keys.load(Acquire) };
    keys.version.load(Acquire) == version
}

/// Stores `value` at entry `index` of `dict` if its keys table is still at `version`
/// (an attribute store by a specialized instruction): replaces the entry's value, or,
/// in a split instance dict, gives this instance its first value for a key the shared
/// keys already hold. Gives `value` back when the cache does not apply.
///
/// The common case is inline: the dict's mutex taken with one compare-and-swap and
/// released with another around a few loads and stores, with no critical-section
/// record (CPython 3.13t's `LOCK_OBJECT` in `STORE_ATTR_INSTANCE_VALUE`). Nothing in
/// between can block or reach a safe point, so no section needs suspending; a lock
/// that is held (by another thread, or by a section of this one) takes the out-of-line
/// path, which enters a critical section as every other writer does.
#[inline(always)]
pub fn replace_cached(dict: &PyObj, version: u32, index: usize, value: PyObj) -> Result<(), PyObj> {
    let d = payload(dict);
    // SAFETY: `dict` is alive for the call.
    if !unsafe { strand_heap::mutex::lock_fast(dict.as_ptr()) } {
        return replace_cached_in_section(dict, d, version, index, value);
    }
    let r = replace_cached_locked(dict, d, version, index, value);
    // SAFETY: we took the lock above and nothing in between released it.
    unsafe { strand_heap::mutex::unlock(dict.as_ptr()) };
    drop_replaced(r?);
    Ok(())
}

/// [`replace_cached`] when the dict's mutex is held already: in a critical section.
#[cold]
#[inline(never)]
fn replace_cached_in_section(
    dict: &PyObj,
    d: &PyDict,
    version: u32,
    index: usize,
    value: PyObj,
) -> Result<(), PyObj> {
    let old = {
        strand_heap::critical_section!(dict);
        replace_cached_locked(dict, d, version, index, value)?
    };
    drop_replaced(old);
    Ok(())
}

/// Drops the value a store replaced, outside the dict's lock (its `__del__` may run).
#[inline(always)]
fn drop_replaced(old: *mut ObjectHeader) {
    if let Some(old) = ObjPtr::from_raw(old) {
        // SAFETY: the slot owned the old value and no longer refers to it.
        drop(unsafe { PyObj::from_owned(old) });
    }
}

/// The body of [`replace_cached`], with the dict's mutex held: the store, and the
/// value it replaced (null for a split dict's first value for the key).
#[inline(always)]
fn replace_cached_locked(
    dict: &PyObj,
    d: &PyDict,
    version: u32,
    index: usize,
    value: PyObj,
) -> Result<*mut ObjectHeader, PyObj> {
    ensure_shared_on_write(dict, d);
    let keys = d.keys();
    if keys.version.load(Acquire) != version || d.watchers.load(Relaxed) != 0 {
        return Err(value);
    }
    let slot = match d.values() {
        Some(vals) => {
            let Some(slot) = vals.values.get(index) else {
                return Err(value);
            };
            if slot.load(Relaxed).is_null() {
                // Known shared key, new for this instance (as `insert` does).
                if index >= keys.nentries.load(Relaxed) {
                    return Err(value);
                }
                let n = vals.len.load(Relaxed);
                vals.order[n].store(index as u8, Relaxed);
                vals.len.store(n + 1, Release);
                // Writers hold the lock: a load and a store do what an add would.
                d.used.store(d.used.load(Relaxed) + 1, Relaxed);
            }
            slot
        }
        None => {
            if index >= keys.nentries.load(Relaxed) {
                return Err(value);
            }
            // SAFETY: `nentries` never exceeds the entry capacity (see `get_cached`).
            let slot = unsafe { &keys.entries().get_unchecked(index).value };
            if slot.load(Relaxed).is_null() {
                return Err(value);
            }
            slot
        }
    };
    if d.is_shared() {
        // SAFETY: we hold a reference to the value.
        unsafe { mark_shared(value.as_ptr()) };
    }
    let old = replace_locked(slot, value.into_ptr().as_ptr());
    count_mutation(d);
    Ok(old)
}

/// A copy (`dict.copy()`); the result is a plain dict.
pub fn copy(dict: &PyObj) -> PyObj {
    let out = new();
    for (k, v) in items(dict) {
        // Keys came from a dict, so they are hashable.
        let _ = set_item(&out, k, v);
    }
    out
}

/// `dict.update(other)` from a mapping (anything with `keys()`) or an iterable of
/// pairs.
pub fn update(dict: &PyObj, other: &PyObj) -> PyResult<()> {
    if is_dict(other) {
        for (k, v) in items(other) {
            set_item(dict, k, v)?;
        }
        return Ok(());
    }
    if let Some(keys_fn) = ab::getattr_opt(other, &crate::str::intern("keys"))? {
        let keys = ab::call(&keys_fn, &[], None)?;
        for k in ab::collect_iter(&keys)? {
            let v = ab::getitem(other, &k)?;
            set_item(dict, k, v)?;
        }
        return Ok(());
    }
    for (i, item) in ab::collect_iter(other)?.into_iter().enumerate() {
        let pair = ab::collect_iter(&item).map_err(|_| {
            type_error(format!(
                "cannot convert dictionary update sequence element #{i} to a sequence"
            ))
        })?;
        if pair.len() != 2 {
            return Err(crate::exceptions::value_error(format!(
                "dictionary update sequence element #{i} has length {}; 2 is required",
                pair.len()
            )));
        }
        let mut it = pair.into_iter();
        let (k, v) = (it.next().expect("2"), it.next().expect("2"));
        set_item(dict, k, v)?;
    }
    Ok(())
}

/// A dict from key/value pairs.
pub fn from_pairs(pairs: Vec<(PyObj, PyObj)>) -> PyResult<PyObj> {
    let d = new();
    for (k, v) in pairs {
        set_item(&d, k, v)?;
    }
    Ok(d)
}

/// Modification events reported to dict watchers (CPython's `PyDict_WatchEvent`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictEvent {
    /// A key was added or its value replaced.
    Modified,
    /// A key was removed.
    Deleted,
    /// The dict was cleared.
    Cleared,
    /// The dict is being deallocated.
    Deallocated,
}

/// A watcher callback: `(event, dict, key, new value)`.
pub type DictWatcher = fn(DictEvent, &PyObj, Option<&PyObj>, Option<&PyObj>);

static WATCHERS: [AtomicPtr<()>; 8] = [const { AtomicPtr::new(std::ptr::null_mut()) }; 8];

/// Registers a watcher; returns its id (0..8), or `None` if all are taken.
pub fn add_watcher(cb: DictWatcher) -> Option<u8> {
    for (i, w) in WATCHERS.iter().enumerate() {
        if w.compare_exchange(std::ptr::null_mut(), cb as *mut (), SeqCst, SeqCst)
            .is_ok()
        {
            return Some(i as u8);
        }
    }
    None
}

/// Makes watcher `id` watch `dict`.
pub fn watch(id: u8, dict: &PyObj) {
    payload(dict).watchers.fetch_or(1 << id, Relaxed);
}

/// Stops watcher `id` from watching `dict`.
pub fn unwatch(id: u8, dict: &PyObj) {
    payload(dict).watchers.fetch_and(!(1 << id), Relaxed);
}

#[inline]
fn notify_watchers(dict: &PyObj, ev: DictEvent, key: Option<&PyObj>, value: Option<&PyObj>) {
    let bits = payload(dict).watchers.load(Relaxed);
    if bits == 0 {
        return;
    }
    for (i, w) in WATCHERS.iter().enumerate() {
        if bits & (1 << i) != 0 {
            let f = w.load(SeqCst);
            if !f.is_null() {
                // SAFETY: WATCHERS holds null or DictWatcher pointers.
                let f: DictWatcher = unsafe { std::mem::transmute::<*mut (), DictWatcher>(f) };
                f(ev, dict, key, value);
            }
        }
    }
}

fn dict_repr(obj: &PyObj) -> PyResult<PyObj> {
    let items = items(obj);
    if items.is_empty() {
        return Ok(crate::str::new("{}"));
    }
    let Some(_g) = ab::ReprGuard::enter(obj) else {
        return Ok(crate::str::new("{...}"));
    };
    let mut s = String::from("{");
    for (i, (k, v)) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&ab::repr_string(k)?);
        s.push_str(": ");
        s.push_str(&ab::repr_string(v)?);
    }
    s.push('}');
    Ok(crate::str::from_string(s))
}

fn dict_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_dict(b) || !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(crate::singletons::not_implemented());
    }
    let eq = dict_equal(a, b)?;
    Ok(crate::singletons::bool_obj(eq == (op == CompareOp::Eq)))
}

fn dict_equal(a: &PyObj, b: &PyObj) -> PyResult<bool> {
    if len(a) != len(b) {
        return Ok(false);
    }
    for (k, v) in items(a) {
        match get_item(b, &k)? {
            None => return Ok(false),
            Some(bv) => {
                if !ab::richcompare_bool(&v, &bv, CompareOp::Eq)? {
                    return Ok(false);
                }
            }
        }
    }
    Ok(true)
}

fn dict_subscript(obj: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    if let Some(v) = get_item(obj, key)? {
        return Ok(v);
    }
    if !obj.is_exact(&DICT_TYPE) {
        if let Some(missing) = obj.ty().lookup_str("__missing__") {
            return ab::call_descr(&missing, obj, std::slice::from_ref(key));
        }
    }
    Err(key_error(key.clone()))
}

fn dict_ass_subscript(obj: &PyObj, key: &PyObj, value: Option<&PyObj>) -> PyResult<()> {
    match value {
        Some(v) => set_item(obj, key.clone(), v.clone()),
        None => {
            if del_item(obj, key)? {
                Ok(())
            } else {
                Err(key_error(key.clone()))
            }
        }
    }
}

fn dict_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "dict.__new__(X)")?;
    Ok(new_of_type(ty))
}

fn dict_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    let a = crate::args::Args::new(args, kwnames);
    a.max_positional("dict", 1)?;
    if let Some(src) = a.positional(0) {
        update(obj, src)?;
    }
    for (k, v) in a.kwargs() {
        set_item(obj, crate::str::intern(k), v.clone())?;
    }
    Ok(())
}

fn dict_or(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !is_dict(a) || !is_dict(b) {
        return Ok(crate::singletons::not_implemented());
    }
    let out = copy(a);
    update(&out, b)?;
    Ok(out)
}

fn dict_ior(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    update(a, b)?;
    Ok(a.clone())
}

/// Methods of `dict`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    use crate::args::Args;
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("keys", |args, kw| {
            Args::new(args, kw).exact("dict.keys", 1)?;
            Ok(crate::iterators::dict_view(
                &args[0],
                crate::iterators::DictIterKind::Keys,
            ))
        }),
        MethodDef::new("values", |args, kw| {
            Args::new(args, kw).exact("dict.values", 1)?;
            Ok(crate::iterators::dict_view(
                &args[0],
                crate::iterators::DictIterKind::Values,
            ))
        }),
        MethodDef::new("items", |args, kw| {
            Args::new(args, kw).exact("dict.items", 1)?;
            Ok(crate::iterators::dict_view(
                &args[0],
                crate::iterators::DictIterKind::Items,
            ))
        }),
        MethodDef::new("get", |args, kw| {
            Args::new(args, kw).expect("dict.get", 2, 3)?;
            Ok(get_item(&args[0], &args[1])?
                .unwrap_or_else(|| args.get(2).cloned().unwrap_or_else(crate::singletons::none)))
        }),
        MethodDef::new("setdefault", |args, kw| {
            Args::new(args, kw).expect("dict.setdefault", 2, 3)?;
            let d = &args[0];
            let default = args.get(2).cloned().unwrap_or_else(crate::singletons::none);
            strand_heap::critical_section!(d);
            if let Some(v) = get_item(d, &args[1])? {
                return Ok(v);
            }
            set_item(d, args[1].clone(), default.clone())?;
            Ok(default)
        }),
        MethodDef::new("pop", |args, kw| {
            Args::new(args, kw).expect("dict.pop", 2, 3)?;
            if len(&args[0]) == 0 {
                // An empty dict answers without hashing the key, as CPython's does.
                return args
                    .get(2)
                    .cloned()
                    .ok_or_else(|| key_error(args[1].clone()));
            }
            match pop_item(&args[0], &args[1])? {
                Some(v) => Ok(v),
                None => args
                    .get(2)
                    .cloned()
                    .ok_or_else(|| key_error(args[1].clone())),
            }
        }),
        MethodDef::new("popitem", |args, kw| {
            Args::new(args, kw).exact("dict.popitem", 1)?;
            let d = &args[0];
            let last = items(d).pop();
            match last {
                None => Err(key_error(crate::str::new("popitem(): dictionary is empty"))),
                Some((k, _)) => {
                    let v = pop_item(d, &k)?.expect("present");
                    Ok(crate::tuple::pair(k, v))
                }
            }
        }),
        MethodDef::new("update", |args, kw| {
            let a = Args::new(args, kw);
            if a.nargs() > 2 {
                return Err(type_error(format!(
                    "update expected at most 1 argument, got {}",
                    a.nargs() - 1
                )));
            }
            if let Some(src) = a.positional(1) {
                update(&args[0], src)?;
            }
            for (k, v) in a.kwargs() {
                set_item(&args[0], crate::str::intern(k), v.clone())?;
            }
            Ok(crate::singletons::none())
        }),
        MethodDef::new("clear", |args, kw| {
            Args::new(args, kw).exact("dict.clear", 1)?;
            clear(&args[0]);
            Ok(crate::singletons::none())
        }),
        MethodDef::new("copy", |args, kw| {
            Args::new(args, kw).exact("dict.copy", 1)?;
            Ok(copy(&args[0]))
        }),
        MethodDef::class("fromkeys", |args, kw| {
            Args::new(args, kw).expect("dict.fromkeys", 2, 3)?;
            let value = args.get(2).cloned().unwrap_or_else(crate::singletons::none);
            let d = ab::call(&args[0], &[], None)?;
            for k in ab::collect_iter(&args[1])? {
                ab::setitem(&d, &k, &value)?;
            }
            Ok(d)
        }),
        MethodDef::new("__contains__", |args, kw| {
            Args::new(args, kw).exact("dict.__contains__", 2)?;
            Ok(crate::singletons::bool_obj(
                get_item(&args[0], &args[1])?.is_some(),
            ))
        }),
        MethodDef::new("__getitem__", |args, kw| {
            Args::new(args, kw).exact("dict.__getitem__", 2)?;
            dict_subscript(&args[0], &args[1])
        }),
        MethodDef::new("__reversed__", |args, kw| {
            Args::new(args, kw).exact("dict.__reversed__", 1)?;
            let mut ks = keys(&args[0]);
            ks.reverse();
            Ok(crate::iterators::seq_iter_from_vec(ks))
        }),
        MethodDef::new("__sizeof__", |args, _| {
            Ok(crate::int::from_usize(64 + 24 * len(&args[0])))
        }),
    ]
}
