//! The method cache: type attribute lookups memoised per thread, keyed by the type's
//! version tag and the (interned) name (CPython's type cache, Objects/typeobject.c).
//!
//! Entries hold borrowed pointers. An entry is only used when its version tag equals
//! the type's current one, and version tags are never reused, so a hit always returns
//! what the type's MRO dicts currently hold; types change only with the world stopped,
//! so no lookup on another thread can be between reading an entry and taking its
//! reference when that happens. Each thread has its own table, so lookups never
//! contend.

use std::cell::RefCell;

use strand_heap::{ObjPtr, ObjectHeader};

use crate::object::PyObj;
use crate::typeobj::PyType;

const SIZE_LOG2: u32 = 12;
const SIZE: usize = 1 << SIZE_LOG2;

#[derive(Clone, Copy)]
struct Entry {
    version: u32,
    name: usize,
    value: *mut ObjectHeader,
}

const EMPTY: Entry = Entry {
    version: 0,
    name: 0,
    value: std::ptr::null_mut(),
};

thread_local! {
    static CACHE: RefCell<Box<[Entry]>> = RefCell::new(vec![EMPTY; SIZE].into_boxed_slice());
}

#[inline(always)]
fn index(version: u32, name: usize) -> usize {
    ((version as usize) ^ (name >> 3)) & (SIZE - 1)
}

/// `name`'s entry in `ty`'s MRO if this thread's cache holds it, without taking a
/// reference: `Some(Some(value))`, `Some(None)` for a cached absence, `None` when the
/// cache cannot answer (use [`lookup`]). For hot paths whose result needs no count of
/// its own (CALL_ALLOC_AND_ENTER_INIT's `__init__`, kept uncounted on the value stack
/// when deferred).
///
/// The value stays valid until the type is changed, which happens only with the
/// world stopped: use it before the calling thread's next safe point.
#[inline]
pub fn peek(ty: &PyType, name: &PyObj) -> Option<Option<std::mem::ManuallyDrop<PyObj>>> {
    let version = ty.current_version();
    if version == 0 || !crate::str::is_exact_str(name) || !crate::str::payload(name).is_interned() {
        return None;
    }
    let key = name.addr();
    let i = index(version, key);
    let hit = CACHE.with(|c| {
        let e = c.borrow()[i];
        (e.version == version && e.name == key).then_some(e.value)
    })?;
    // SAFETY: the entry is current (see the module docs), so the MRO dict still holds
    // a reference to the value; ManuallyDrop: no count is owned.
    Some(
        ObjPtr::from_raw(hit).map(|p| std::mem::ManuallyDrop::new(unsafe { PyObj::from_owned(p) })),
    )
}

/// Looks `name` up in `ty`'s MRO, through the cache when possible.
pub fn lookup(ty: &PyType, name: &PyObj) -> Option<PyObj> {
    let interned = crate::str::is_exact_str(name) && crate::str::payload(name).is_interned();
    let version = if interned { ty.version_tag() } else { 0 };
    if version == 0 {
        return ty.lookup_uncached(name);
    }
    let key = name.addr();
    let i = index(version, key);
    let hit = CACHE.with(|c| {
        let e = c.borrow()[i];
        (e.version == version && e.name == key).then_some(e.value)
    });
    if let Some(v) = hit {
        // SAFETY: the entry is current (see the module docs), so the MRO dict still
        // holds a reference to the value.
        return ObjPtr::from_raw(v).map(|p| unsafe { PyObj::from_borrowed(p) });
    }
    let found = ty.lookup_uncached(name);
    // Only cache if the type did not change while we looked.
    if ty.current_version() == version {
        let value = found
            .as_ref()
            .map_or(std::ptr::null_mut(), |v| v.as_ptr().as_ptr());
        CACHE.with(|c| {
            c.borrow_mut()[i] = Entry {
                version,
                name: key,
                value,
            }
        });
    }
    found
}
