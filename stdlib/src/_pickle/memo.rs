//! The memos of the pickler and the unpickler, and the proxies their `memo`
//! attributes return (CPython's `PyMemoTable`, the unpickler's memo array, and
//! `_pickle.PicklerMemoProxy` / `_pickle.UnpicklerMemoProxy`).
//!
//! The pickler's memo maps an object's identity to the index it was stored
//! under, and keeps the object alive (so its address stays its identity). The
//! unpickler's memo maps an index to the object loaded there. A proxy keeps its
//! pickler or unpickler alive and offers `clear()`, `copy()` (a dict: `{id(obj):
//! (index, obj)}` for a pickler, `{index: obj}` for an unpickler) and
//! `__reduce__` (as that dict).

use std::collections::HashMap;

use strand_heap::{HeapKind, ObjPtr};
use strand_objects::args::Args;
use strand_objects::descr::MethodDef;
use strand_objects::exceptions::type_error;
use strand_objects::typeobj::{Slots, TypeFlags};
use strand_objects::{dict, int, singletons, tuple, PyObj, PyResult};

use crate::modsupport::{fields_clear, fields_dealloc, fields_traverse, FieldRefs, FieldsObject};

/// Hashes an object address (CPython's memo table hashes `ptr >> 3`): one
/// multiplication, where the default SipHash would dominate a memo lookup.
#[derive(Default, Clone, Copy)]
pub struct AddrHasher(u64);

impl std::hash::Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = ((n as u64) >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type AddrMap<V> = HashMap<usize, V, std::hash::BuildHasherDefault<AddrHasher>>;

/// The pickler's memo: object identity to (index, object).
#[derive(Default, Clone)]
pub struct PicklerMemo {
    map: AddrMap<(usize, PyObj)>,
}

impl PicklerMemo {
    /// The index `obj` was memoized under.
    pub fn get(&self, obj: &PyObj) -> Option<usize> {
        self.map.get(&obj.addr()).map(|e| e.0)
    }

    /// Stores `obj` under `index` (replacing the index of an entry already there).
    pub fn set(&mut self, obj: &PyObj, index: usize) {
        self.map.insert(obj.addr(), (index, obj.clone()));
    }

    /// The number of entries (the next index to hand out).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// `true` if empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.map.clear();
    }

    /// `{id(obj): (index, obj)}`.
    pub fn to_dict(&self) -> PyResult<PyObj> {
        let d = dict::new();
        for (addr, (i, o)) in &self.map {
            dict::set_item(
                &d,
                int::from_usize(*addr),
                tuple::pair(int::from_usize(*i), o.clone()),
            )?;
        }
        Ok(d)
    }

    /// Reports the memoized objects to the collector.
    pub fn visit_refs(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for (_, o) in self.map.values() {
            visit(o.as_ptr());
        }
    }
}

/// The unpickler's memo: index to object. A map rather than CPython's array, so
/// that a hostile pickle's huge index costs one entry, not memory up to it.
#[derive(Default, Clone)]
pub struct UnpicklerMemo {
    items: AddrMap<PyObj>,
}

impl UnpicklerMemo {
    /// The object stored under `i`.
    pub fn get(&self, i: usize) -> Option<&PyObj> {
        self.items.get(&i)
    }

    /// Stores `obj` under `i`.
    pub fn put(&mut self, i: usize, obj: PyObj) {
        self.items.insert(i, obj);
    }

    /// The number of entries (the index `MEMOIZE` stores under).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// `true` if empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// `{index: obj}`, in index order.
    pub fn to_dict(&self) -> PyResult<PyObj> {
        let d = dict::new();
        let mut keys: Vec<&usize> = self.items.keys().collect();
        keys.sort_unstable();
        for i in keys {
            dict::set_item(&d, int::from_usize(*i), self.items[i].clone())?;
        }
        Ok(d)
    }

    /// Reports the memoized objects to the collector.
    pub fn visit_refs(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for o in self.items.values() {
            visit(o.as_ptr());
        }
    }
}

/// What a memo proxy holds: its pickler or unpickler.
pub struct ProxyFields {
    owner: PyObj,
}

impl FieldRefs for ProxyFields {
    fn visit_refs(&self, visit: &mut dyn FnMut(ObjPtr)) {
        visit(self.owner.as_ptr());
    }
}

/// The layout of both proxy types.
pub type PyMemoProxy = FieldsObject<ProxyFields>;

strand_objects::builtin_type! {
    /// `_pickle.PicklerMemoProxy`.
    pub static PICKLER_MEMO_PROXY_TYPE = {
        name: "_pickle.PicklerMemoProxy",
        layout: PyMemoProxy,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(fields_traverse::<ProxyFields>),
        clear: Some(fields_clear::<ProxyFields>),
        dealloc: fields_dealloc::<ProxyFields>,
        size: None,
        slots: Slots::EMPTY,
    }
}

strand_objects::builtin_type! {
    /// `_pickle.UnpicklerMemoProxy`.
    pub static UNPICKLER_MEMO_PROXY_TYPE = {
        name: "_pickle.UnpicklerMemoProxy",
        layout: PyMemoProxy,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(fields_traverse::<ProxyFields>),
        clear: Some(fields_clear::<ProxyFields>),
        dealloc: fields_dealloc::<ProxyFields>,
        size: None,
        slots: Slots::EMPTY,
    }
}

/// A new proxy of `owner`'s memo.
pub fn pickler_proxy(owner: &PyObj) -> PyObj {
    FieldsObject::new_instance(
        &PICKLER_MEMO_PROXY_TYPE,
        ProxyFields {
            owner: owner.clone(),
        },
    )
}

/// A new proxy of `owner`'s memo.
pub fn unpickler_proxy(owner: &PyObj) -> PyObj {
    FieldsObject::new_instance(
        &UNPICKLER_MEMO_PROXY_TYPE,
        ProxyFields {
            owner: owner.clone(),
        },
    )
}

/// The pickler or unpickler behind a proxy of the given type.
pub fn proxy_owner(o: &PyObj, ty: &'static strand_objects::typeobj::PyType) -> Option<PyObj> {
    if !o.is_exact(ty) {
        return None;
    }
    // SAFETY: checked to be a proxy, whose layout this is.
    let p = unsafe { o.payload_unchecked::<PyMemoProxy>() };
    p.fields.get().map(|f| f.owner.clone())
}

fn owner_of(
    a: &[PyObj],
    k: Option<&PyObj>,
    name: &str,
    ty: &'static strand_objects::typeobj::PyType,
) -> PyResult<PyObj> {
    Args::new(a, k).exact(name, 1)?;
    proxy_owner(&a[0], ty).ok_or_else(|| {
        type_error(format!(
            "descriptor '{name}' requires a '{}' object but received a '{}'",
            ty.name(),
            a[0].ty().name()
        ))
    })
}

fn reduce_as_dict(d: PyObj) -> PyObj {
    tuple::pair(dict::DICT_TYPE.to_obj(), tuple::from_vec(vec![d]))
}

fn pickler_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("clear", |a, k| {
            let p = owner_of(a, k, "clear", &PICKLER_MEMO_PROXY_TYPE)?;
            super::pickler::with_memo(&p, |m| m.clear());
            Ok(singletons::none())
        }),
        MethodDef::new("copy", |a, k| {
            let p = owner_of(a, k, "copy", &PICKLER_MEMO_PROXY_TYPE)?;
            super::pickler::with_memo(&p, |m| m.to_dict())
        }),
        MethodDef::new("__reduce__", |a, k| {
            let p = owner_of(a, k, "__reduce__", &PICKLER_MEMO_PROXY_TYPE)?;
            Ok(reduce_as_dict(super::pickler::with_memo(&p, |m| {
                m.to_dict()
            })?))
        }),
    ]
}

fn unpickler_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("clear", |a, k| {
            let u = owner_of(a, k, "clear", &UNPICKLER_MEMO_PROXY_TYPE)?;
            super::unpickler::with_memo(&u, |m| m.clear());
            Ok(singletons::none())
        }),
        MethodDef::new("copy", |a, k| {
            let u = owner_of(a, k, "copy", &UNPICKLER_MEMO_PROXY_TYPE)?;
            super::unpickler::with_memo(&u, |m| m.to_dict())
        }),
        MethodDef::new("__reduce__", |a, k| {
            let u = owner_of(a, k, "__reduce__", &UNPICKLER_MEMO_PROXY_TYPE)?;
            Ok(reduce_as_dict(super::unpickler::with_memo(&u, |m| {
                m.to_dict()
            })?))
        }),
    ]
}

/// Readies both proxy types.
pub(super) fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = Some(&strand_objects::baseobject::OBJECT_TYPE);
        PICKLER_MEMO_PROXY_TYPE.ready_static(object, &pickler_methods(), &[]);
        UNPICKLER_MEMO_PROXY_TYPE.ready_static(object, &unpickler_methods(), &[]);
    });
}
