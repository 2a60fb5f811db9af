//! `None`, `NotImplemented` and `Ellipsis`: immortal static singletons of their own
//! types, and helpers for `True`/`False`.

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::object::PyObj;
use crate::typeobj::{Slots, TypeFlags};
use crate::PyResult;

/// The layout of a singleton (just the header).
#[repr(C)]
pub struct PySingleton {
    header: ObjectHeader,
}

unsafe fn never_dealloc(_obj: ObjPtr) {
    // Singletons are immortal: their count never reaches zero.
}

macro_rules! singleton_type {
    ($ty:ident, $name:literal, $repr:expr, $bool:expr, $new:expr) => {
        crate::builtin_type! {
            #[doc = concat!("The type of `", $name, "`.")]
            pub static $ty = {
                name: $name,
                layout: PySingleton,
                itemsize: 0,
                kind: HeapKind::NonGc,
                flags: TypeFlags::empty(),
                traverse: None,
                clear: None,
                dealloc: never_dealloc,
                size: None,
                slots: Slots {
                    repr: Some($repr),
                    bool: $bool,
                    hash: Some(crate::baseobject::identity_hash),
                    new: $new,
                    ..Slots::EMPTY
                },
            }
        }
    };
}

singleton_type!(
    NONE_TYPE,
    "NoneType",
    |_| Ok(crate::str::intern("None")),
    Some(|_| Ok(false)),
    Some(none_new)
);
singleton_type!(
    NOT_IMPLEMENTED_TYPE,
    "NotImplementedType",
    |_| Ok(crate::str::intern("NotImplemented")),
    None,
    Some(|_, a, k| singleton_new(a, k, "NotImplementedType", not_implemented()))
);
singleton_type!(
    ELLIPSIS_TYPE,
    "ellipsis",
    |_| Ok(crate::str::intern("Ellipsis")),
    None,
    Some(|_, a, k| singleton_new(a, k, "ellipsis", ellipsis()))
);

/// `__reduce__` of `Ellipsis` and `NotImplemented`: the name pickle saves them by
/// (CPython's `ellipsis_reduce` and `notimplemented_reduce`).
pub(crate) fn reduce_methods(name: &'static str) -> Vec<crate::descr::MethodDef> {
    let f: crate::descr::NativeFn = if name == "Ellipsis" {
        |args, kw| {
            crate::args::Args::new(args, kw).exact("ellipsis.__reduce__", 1)?;
            Ok(crate::str::intern("Ellipsis"))
        }
    } else {
        |args, kw| {
            crate::args::Args::new(args, kw).exact("NotImplementedType.__reduce__", 1)?;
            Ok(crate::str::intern("NotImplemented"))
        }
    };
    vec![crate::descr::MethodDef::new("__reduce__", f)]
}

/// Wrapper so the singletons can be statics.
#[repr(transparent)]
pub struct StaticSingleton(PySingleton);
// SAFETY: singletons are immortal and have no mutable state besides atomics.
unsafe impl Sync for StaticSingleton {}

/// `None`.
pub static NONE: StaticSingleton = StaticSingleton(PySingleton {
    header: crate::typeobj::static_header(&NONE_TYPE.vtable, HeapKind::NonGc),
});
/// `NotImplemented`.
pub static NOT_IMPLEMENTED: StaticSingleton = StaticSingleton(PySingleton {
    header: crate::typeobj::static_header(&NOT_IMPLEMENTED_TYPE.vtable, HeapKind::NonGc),
});
/// `Ellipsis` (`...`).
pub static ELLIPSIS: StaticSingleton = StaticSingleton(PySingleton {
    header: crate::typeobj::static_header(&ELLIPSIS_TYPE.vtable, HeapKind::NonGc),
});

#[inline(always)]
fn obj(s: &'static StaticSingleton) -> PyObj {
    // SAFETY: immortal static objects.
    unsafe { PyObj::from_owned(ObjPtr::new(std::ptr::NonNull::from(&s.0.header))) }
}

/// `None`.
#[inline(always)]
pub fn none() -> PyObj {
    obj(&NONE)
}

/// The address of `None` (for identity checks on raw pointers).
#[inline(always)]
pub fn none_ptr() -> ObjPtr {
    ObjPtr::new(std::ptr::NonNull::from(&NONE.0.header))
}

/// `NotImplemented`.
#[inline(always)]
pub fn not_implemented() -> PyObj {
    obj(&NOT_IMPLEMENTED)
}

/// `Ellipsis`.
#[inline(always)]
pub fn ellipsis() -> PyObj {
    obj(&ELLIPSIS)
}

/// `obj is None`.
#[inline(always)]
pub fn is_none(o: &PyObj) -> bool {
    o.as_ptr() == none_ptr()
}

/// `obj is NotImplemented`.
#[inline(always)]
pub fn is_not_implemented(o: &PyObj) -> bool {
    std::ptr::eq(o.as_ptr().as_ptr(), &NOT_IMPLEMENTED.0.header)
}

/// `True` or `False`.
#[inline(always)]
pub fn bool_obj(b: bool) -> PyObj {
    crate::int::bool_obj(b)
}

/// `True`.
#[inline(always)]
pub fn true_() -> PyObj {
    bool_obj(true)
}

/// `False`.
#[inline(always)]
pub fn false_() -> PyObj {
    bool_obj(false)
}

/// `obj is True`.
#[inline(always)]
pub fn is_true_obj(o: &PyObj) -> bool {
    std::ptr::eq(
        o.as_ptr().as_ptr(),
        &crate::int::TRUE.0 as *const _ as *const ObjectHeader,
    )
}

/// `obj is False`.
#[inline(always)]
pub fn is_false_obj(o: &PyObj) -> bool {
    std::ptr::eq(
        o.as_ptr().as_ptr(),
        &crate::int::FALSE.0 as *const _ as *const ObjectHeader,
    )
}

/// `NoneType()` returns `None` (Python 3.10+).
pub(crate) fn none_new(_cls: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    singleton_new(args, kw, "NoneType", none())
}

fn singleton_new(args: &[PyObj], kw: Option<&PyObj>, name: &str, value: PyObj) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kw);
    if a.nargs() > 0 || a.has_kwargs() {
        return Err(crate::exceptions::type_error(format!(
            "{name} takes no arguments"
        )));
    }
    Ok(value)
}
