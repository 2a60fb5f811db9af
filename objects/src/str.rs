//! `str`: immutable Unicode text, stored as UTF-8 inline after the header, with the
//! code-point length, an ASCII flag (ASCII strings index in O(1)), a cached hash and an
//! interned flag. Interned strings (identifiers, attribute names, short literals) are
//! immortal and unique, so comparing them is a pointer comparison.
//!
//! Text is always valid UTF-8, which has no room for lone surrogates (`'\ud800'`):
//! each is kept as a stand-in private-use character of plane 16
//! (`strand_literal::str::surrogate_char`), which `ord`, `chr`, `repr` and the codecs
//! translate, so surrogates stay distinct characters and encoding them fails as in
//! CPython. The price: the 2048 code points U+10F000..U+10F7FF read as surrogates.

use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicIsize, AtomicU8};
use std::sync::LazyLock;

use parking_lot::Mutex;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::object::{PyObj, PyPayload};
use crate::typeobj::{PyType, Slots, TypeFlags};
use crate::PyResult;

/// Flag: every character is ASCII.
pub const STR_ASCII: u8 = 1;
/// Flag: the string is interned.
pub const STR_INTERNED: u8 = 2;

/// The layout of a `str`.
#[repr(C)]
pub struct PyStr {
    header: ObjectHeader,
    /// Number of code points.
    len: usize,
    hash: AtomicIsize,
    byte_len: usize,
    flags: AtomicU8,
    _pad: [u8; 7],
    data: [u8; 0],
}

const DATA_OFFSET: usize = std::mem::offset_of!(PyStr, data);

// SAFETY: PyStr is repr(C), starts with the header, and str subclasses extend it.
unsafe impl PyPayload for PyStr {
    fn type_object() -> &'static PyType {
        &STR_TYPE
    }
}

unsafe fn str_size(obj: ObjPtr) -> usize {
    // SAFETY: the vtable is only installed on strs.
    let s = unsafe { &*(obj.as_ptr() as *const PyStr) };
    DATA_OFFSET + s.byte_len + 1
}

unsafe fn str_dealloc(obj: ObjPtr) {
    // SAFETY: count is zero; a str holds no references.
    unsafe { strand_heap::free_object(obj) }
}

crate::builtin_type! {
    /// The `str` type.
    pub static STR_TYPE = {
        name: "str",
        layout: PyStr,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::UNICODE_SUBCLASS),
        traverse: None,
        clear: None,
        dealloc: str_dealloc,
        size: Some(str_size),
        slots: Slots {
            repr: Some(crate::str_methods::str_repr_slot),
            str: Some(crate::str_methods::str_str_slot),
            hash: Some(str_hash_slot),
            richcompare: Some(crate::str_methods::str_richcompare),
            iter: Some(crate::iterators::str_iter),
            new: Some(crate::str_methods::str_new),
            len: Some(str_len_slot),
            contains: Some(crate::str_methods::str_contains),
            getitem: Some(crate::str_methods::str_getitem),
            number: crate::typeobj::NumberSlots {
                add: Some(crate::str_methods::str_concat),
                mul: Some(crate::str_methods::str_repeat),
                rem: Some(crate::format::str_mod),
                ..crate::typeobj::NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

impl PyStr {
    /// The text.
    #[inline(always)]
    pub fn as_str(&self) -> &str {
        // SAFETY: `data` holds `byte_len` bytes of valid UTF-8 written at creation and
        // never changed.
        unsafe {
            let p = (self as *const PyStr as *const u8).add(DATA_OFFSET);
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(p, self.byte_len))
        }
    }

    /// Number of code points.
    #[inline(always)]
    pub fn char_len(&self) -> usize {
        self.len
    }

    /// `true` if all characters are ASCII.
    #[inline(always)]
    pub fn is_ascii(&self) -> bool {
        self.flags.load(Relaxed) & STR_ASCII != 0
    }

    /// `true` if interned.
    #[inline(always)]
    pub fn is_interned(&self) -> bool {
        self.flags.load(Relaxed) & STR_INTERNED != 0
    }

    /// The hash (computed once, then cached).
    #[inline]
    pub fn hash(&self) -> isize {
        let h = self.hash.load(Relaxed);
        if h != -1 {
            return h;
        }
        let h = crate::hash::hash_str(self.as_str());
        self.hash.store(h, Relaxed);
        h
    }

    /// The `i`-th character (code point index).
    pub fn char_at(&self, i: usize) -> Option<char> {
        if self.is_ascii() {
            self.as_str().as_bytes().get(i).map(|&b| b as char)
        } else {
            self.as_str().chars().nth(i)
        }
    }
}

/// Allocates a str of type `ty` (str or a subclass) holding `s`.
pub(crate) fn new_of_type(ty: &PyType, s: &str) -> PyObj {
    let size = DATA_OFFSET + s.len() + 1;
    fill(ty, s, crate::alloc::alloc_instance(ty, size))
}

/// A new str holding `s`, or `MemoryError` (for text whose length the program chose).
pub fn try_new(s: &str) -> PyResult<PyObj> {
    if s.len() <= 1 {
        return Ok(small(s));
    }
    let size = DATA_OFFSET + s.len() + 1;
    Ok(fill(
        &STR_TYPE,
        s,
        crate::alloc::try_alloc_instance(&STR_TYPE, size)?,
    ))
}

/// Fills a fresh str allocation of `DATA_OFFSET + s.len() + 1` bytes.
fn fill(ty: &PyType, s: &str, obj: PyObj) -> PyObj {
    let ascii = s.is_ascii();
    let len = if ascii { s.len() } else { s.chars().count() };
    // SAFETY: fresh allocation of `size` bytes with an initialised header.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyStr;
        std::ptr::addr_of_mut!((*p).len).write(len);
        std::ptr::addr_of_mut!((*p).hash).write(AtomicIsize::new(-1));
        std::ptr::addr_of_mut!((*p).byte_len).write(s.len());
        std::ptr::addr_of_mut!((*p).flags).write(AtomicU8::new(if ascii { STR_ASCII } else { 0 }));
        let data = (p as *mut u8).add(DATA_OFFSET);
        std::ptr::copy_nonoverlapping(s.as_ptr(), data, s.len());
        *data.add(s.len()) = 0;
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// A new str. The empty string and single ASCII characters are shared.
pub fn new(s: &str) -> PyObj {
    if s.len() <= 1 {
        return small(s);
    }
    new_of_type(&STR_TYPE, s)
}

/// A new str from an owned `String`.
pub fn from_string(s: String) -> PyObj {
    new(&s)
}

fn small(s: &str) -> PyObj {
    static SMALL: LazyLock<Vec<PyObj>> = LazyLock::new(|| {
        (0u8..128)
            .map(|b| {
                let o = intern(std::str::from_utf8(&[b]).expect("ascii"));
                o
            })
            .collect()
    });
    static EMPTY: LazyLock<PyObj> = LazyLock::new(|| intern(""));
    match s.as_bytes().first() {
        None => EMPTY.clone(),
        Some(&b) if b < 128 => SMALL[b as usize].clone(),
        Some(_) => new_of_type(&STR_TYPE, s),
    }
}

/// The text of a str object.
///
/// # Panics
/// In debug builds, if `obj` is not a str.
#[inline(always)]
pub fn as_str(obj: &PyObj) -> &str {
    debug_assert!(
        obj.is_instance_of(&STR_TYPE),
        "as_str on a {}",
        obj.ty().name()
    );
    // SAFETY: callers pass strs (checked in debug builds).
    unsafe { obj.payload_unchecked::<PyStr>() }.as_str()
}

/// The str layout of a str object (unchecked in release builds).
#[inline(always)]
pub fn payload(obj: &PyObj) -> &PyStr {
    debug_assert!(obj.is_instance_of(&STR_TYPE));
    // SAFETY: as in as_str.
    unsafe { obj.payload_unchecked::<PyStr>() }
}

/// `true` if `obj` is a str (or subclass).
#[inline(always)]
pub fn is_str(obj: &PyObj) -> bool {
    obj.ty().flags().contains(TypeFlags::UNICODE_SUBCLASS)
}

/// `true` if `obj` is exactly a str.
#[inline(always)]
pub fn is_exact_str(obj: &PyObj) -> bool {
    obj.is_exact(&STR_TYPE)
}

/// Equality of two strs (pointer first, then hash if both cached, then bytes).
#[inline]
pub fn eq(a: &PyObj, b: &PyObj) -> bool {
    if a.is(b) {
        return true;
    }
    let (pa, pb) = (payload(a), payload(b));
    if pa.is_interned() && pb.is_interned() {
        return false;
    }
    if pa.byte_len != pb.byte_len {
        return false;
    }
    let (ha, hb) = (pa.hash.load(Relaxed), pb.hash.load(Relaxed));
    if ha != -1 && hb != -1 && ha != hb {
        return false;
    }
    pa.as_str() == pb.as_str()
}

fn str_hash_slot(obj: &PyObj) -> PyResult<isize> {
    Ok(payload(obj).hash())
}

fn str_len_slot(obj: &PyObj) -> PyResult<usize> {
    Ok(payload(obj).len)
}

const INTERN_SHARDS: usize = 16;

/// One shard of the intern table: text to the interned object's address.
type InternShard = Mutex<HashMap<Box<str>, usize>>;

static INTERNED: LazyLock<Vec<InternShard>> = LazyLock::new(|| {
    (0..INTERN_SHARDS)
        .map(|_| Mutex::new(HashMap::new()))
        .collect()
});

fn shard(s: &str) -> usize {
    // A cheap, stable shard choice (the table itself hashes properly).
    let b = s.as_bytes();
    let x = b.len()
        ^ b.first().copied().unwrap_or(0) as usize
        ^ (b.last().copied().unwrap_or(0) as usize) << 3;
    x % INTERN_SHARDS
}

/// The interned (unique, immortal) str with text `s`.
pub fn intern(s: &str) -> PyObj {
    let mut table = INTERNED[shard(s)].lock();
    if let Some(&addr) = table.get(s) {
        // SAFETY: interned strings are immortal.
        return unsafe {
            PyObj::from_borrowed(ObjPtr::from_raw(addr as *mut ObjectHeader).expect("non-null"))
        };
    }
    let obj = new_of_type(&STR_TYPE, s);
    mark_interned(&obj);
    table.insert(s.into(), obj.addr());
    obj
}

/// `true` if a str with text `s` has been interned already.
pub fn is_interned_text(s: &str) -> bool {
    INTERNED[shard(s)].lock().contains_key(s)
}

/// Interns `obj` (a str): returns the canonical interned str with the same text.
pub fn intern_obj(obj: &PyObj) -> PyObj {
    if payload(obj).is_interned() {
        return obj.clone();
    }
    if !obj.is_exact(&STR_TYPE) || !crate::alloc::owned_by_current_thread(obj) {
        // Only an object this thread owns can be made immortal safely; otherwise
        // intern a fresh copy.
        return intern(as_str(obj));
    }
    let s = as_str(obj);
    let mut table = INTERNED[shard(s)].lock();
    if let Some(&addr) = table.get(s) {
        // SAFETY: interned strings are immortal.
        return unsafe {
            PyObj::from_borrowed(ObjPtr::from_raw(addr as *mut ObjectHeader).expect("non-null"))
        };
    }
    mark_interned(obj);
    table.insert(s.into(), obj.addr());
    obj.clone()
}

fn mark_interned(obj: &PyObj) {
    let p = payload(obj);
    p.hash();
    p.flags.fetch_or(STR_INTERNED, Relaxed);
    // SAFETY: callers pass fresh strs or ones this thread owns (checked in
    // intern_obj), so no other thread writes the local count.
    unsafe { strand_heap::refcount::set_immortal(obj.as_ptr()) };
}
