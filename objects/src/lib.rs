//! `strand-objects`: Python's object model on the strand heap.
//!
//! Every object starts with the heap's [`strand_heap::ObjectHeader`] and points at its
//! type's [`typeobj::PyType`], whose first field after the header is the heap's
//! [`strand_heap::TypeVTable`]: the heap and the collector deallocate, traverse and
//! clear Python objects through it without knowing Python. Layouts are `#[repr(C)]`
//! with public byte offsets where generated code will read them.
//!
//! What lives where:
//! - the type system: [`typeobj`] (type objects, slots, version tags), [`typetype`]
//!   (`type` itself), [`heaptype`] (classes created at run time: C3 MRO, `__slots__`,
//!   instance layout), [`slotdefs`] (dunder methods ⇄ slots), [`method_cache`],
//!   [`descr`] (method, getset, member descriptors, `staticmethod`, `classmethod`,
//!   `property`), [`baseobject`] (`object`), [`super_`];
//! - the core types: [`singletons`], [`int`], [`float`], [`str`](mod@str) with [`str_methods`]
//!   and [`format`](mod@format), [`bytes`], [`bytearray`], [`memoryview`],
//!   [`tuple`](mod@tuple), [`list`], [`dict`], [`set`], [`range`], [`slice`](mod@slice),
//!   [`iterators`] (and [`count`], `itertools.count`), [`function`] (code, function,
//!   cell, bound method), [`module`], [`weakref`], [`exceptions`];
//! - protocols: [`abstract_`] (`PyObject_*` / `PyNumber_*` equivalents), [`args`],
//!   [`buffer`] (the buffer protocol), [`hash`], [`alloc`], [`managed`] (instance
//!   dicts in the pre-header), [`unraisable`].
//!
//! Free-threading follows PEP 703: mutable containers lock their per-object mutex
//! through critical sections; `list[i]` and `dict[key]` read without locking, safe
//! because replaced item arrays and key tables are freed after a QSBR grace period and
//! items are taken with `try_incref`. Type and function versions change under
//! stop-the-world, where a reader could act on a stale guard; a dict's keys version
//! changes inside the dict's critical section.
//!
//! Call [`init`] once, on a thread with an attached [`strand_heap::ThreadState`],
//! before creating objects.

pub mod abstract_;
pub mod alloc;
pub mod args;
pub mod baseobject;
mod bases;
pub mod buffer;
mod buffer_format;
pub mod bytearray;
pub mod bytes;
mod bytes_methods;
pub mod complex;
pub mod count;
pub mod descr;
pub mod dict;
pub mod docs;
pub mod exceptions;
pub mod float;
pub mod format;
pub mod function;
pub mod genericalias;
pub mod hash;
pub mod heaptype;
pub mod inline_values;
pub mod int;
pub mod iterators;
pub mod list;
pub mod managed;
pub mod memoryview;
pub mod method_cache;
pub mod module;
pub mod names;
pub mod namespace;
pub mod object;
pub mod once_obj;
pub mod range;
pub mod reduce;
pub mod set;
pub mod singletons;
pub mod slice;
pub mod slotdefs;
pub mod str;
pub mod str_methods;
pub mod structseq;
pub mod super_;
pub mod traceback;
pub mod tuple;
pub mod typeobj;
pub mod typetype;
mod unicode_case;
pub mod unraisable;
pub mod weakproxy;
pub mod weakref;

pub use exceptions::{PyErr, PyResult};
pub use object::PyObj;
pub use once_obj::OnceObj;
pub use typeobj::PyType;

use std::sync::Once;

use descr::{GetSetDef, MethodDef};

static INIT: Once = Once::new();

/// Readies every builtin type (bases first: names, MRO, dicts with their methods and
/// slot wrappers, slot inheritance), installs the collector's binding (weak reference
/// clearing) and automatic scheduling. Idempotent.
///
/// # Panics
/// If the calling thread has no attached [`strand_heap::ThreadState`].
pub fn init() {
    INIT.call_once(|| {
        use baseobject::OBJECT_TYPE as O;
        let no_gs: Vec<GetSetDef> = Vec::new();
        // `object` and `type` first: every other type's dict and MRO refer to them.
        O.ready_static(None, &baseobject::methods(), &baseobject::getsets());
        typetype::TYPE_TYPE.ready_static(Some(&O), &typetype::methods(), &typetype::getsets());
        let simple: Vec<(
            &'static PyType,
            &'static PyType,
            Vec<MethodDef>,
            Vec<GetSetDef>,
        )> = vec![
            (&str::STR_TYPE, &O, str_methods::methods(), vec![]),
            (&int::INT_TYPE, &O, int::methods(), int::getsets()),
            (&int::BOOL_TYPE, &int::INT_TYPE, vec![], vec![]),
            (&float::FLOAT_TYPE, &O, float::methods(), float::getsets()),
            (
                &complex::COMPLEX_TYPE,
                &O,
                complex::methods(),
                complex::getsets(),
            ),
            (&tuple::TUPLE_TYPE, &O, tuple::methods(), vec![]),
            (&list::LIST_TYPE, &O, list::methods(), vec![]),
            (&dict::DICT_TYPE, &O, dict::methods(), vec![]),
            (&set::SET_TYPE, &O, set::set_methods(), vec![]),
            (&set::FROZENSET_TYPE, &O, set::frozenset_methods(), vec![]),
            (&set::SET_ITER_TYPE, &O, set::iter_methods(), vec![]),
            (&bytes::BYTES_TYPE, &O, bytes::methods(), vec![]),
            (&range::RANGE_TYPE, &O, range::methods(), range::getsets()),
            (&range::RANGE_ITER_TYPE, &O, range::iter_methods(), vec![]),
            (
                &range::LONGRANGE_ITER_TYPE,
                &O,
                range::iter_methods(),
                vec![],
            ),
            (&slice::SLICE_TYPE, &O, slice::methods(), slice::getsets()),
            (&count::COUNT_TYPE, &O, count::methods(), vec![]),
            (&singletons::NONE_TYPE, &O, vec![], vec![]),
            (
                &singletons::NOT_IMPLEMENTED_TYPE,
                &O,
                singletons::reduce_methods("NotImplemented"),
                vec![],
            ),
            (
                &singletons::ELLIPSIS_TYPE,
                &O,
                singletons::reduce_methods("Ellipsis"),
                vec![],
            ),
            (
                &typetype::MAPPINGPROXY_TYPE,
                &O,
                typetype::mappingproxy_methods(),
                vec![],
            ),
            (
                &descr::METHOD_DESCR_TYPE,
                &O,
                descr::reduce_methods(),
                descr::callable_descriptor_getsets(),
            ),
            (
                &descr::CLASSMETHOD_DESCR_TYPE,
                &O,
                vec![],
                descr::callable_descriptor_getsets(),
            ),
            (
                &descr::BUILTIN_FUNCTION_TYPE,
                &O,
                descr::reduce_methods(),
                descr::builtin_getsets(),
            ),
            (
                &descr::GETSET_DESCR_TYPE,
                &O,
                vec![],
                descr::descriptor_getsets(),
            ),
            (
                &descr::MEMBER_DESCR_TYPE,
                &O,
                descr::reduce_methods(),
                descr::descriptor_getsets(),
            ),
            (
                &descr::STATICMETHOD_TYPE,
                &O,
                vec![],
                descr::wrapper_getsets(),
            ),
            (
                &descr::CLASSMETHOD_TYPE,
                &O,
                vec![],
                descr::wrapper_getsets(),
            ),
            (
                &descr::PROPERTY_TYPE,
                &O,
                descr::property_methods(),
                descr::property_getsets(),
            ),
            (
                &slotdefs::WRAPPER_DESCR_TYPE,
                &O,
                descr::reduce_methods(),
                descr::callable_descriptor_getsets(),
            ),
            (
                &slotdefs::METHOD_WRAPPER_TYPE,
                &O,
                descr::reduce_methods(),
                descr::method_wrapper_getsets(),
            ),
            (&function::CODE_TYPE, &O, vec![], function::code_getsets()),
            (
                &function::FUNCTION_TYPE,
                &O,
                vec![],
                function::function_getsets(),
            ),
            (&function::CELL_TYPE, &O, vec![], function::cell_getsets()),
            (
                &function::METHOD_TYPE,
                &O,
                function::method_methods(),
                function::method_getsets(),
            ),
            (&module::MODULE_TYPE, &O, vec![], module::getsets()),
            (&super_::SUPER_TYPE, &O, vec![], super_::getsets()),
            (&weakref::WEAKREF_TYPE, &O, vec![], weakref::getsets()),
            (&weakproxy::PROXY_TYPE, &O, weakproxy::methods(), vec![]),
            (
                &weakproxy::CALLABLE_PROXY_TYPE,
                &O,
                weakproxy::methods(),
                vec![],
            ),
            (&traceback::TRACEBACK_TYPE, &O, vec![], traceback::getsets()),
            (
                &namespace::SIMPLE_NAMESPACE_TYPE,
                &O,
                namespace::methods(),
                namespace::getsets(),
            ),
        ];
        for (ty, base, methods, getsets) in &simple {
            ty.ready_static(Some(base), methods, getsets);
        }
        for (ty, methods, getsets) in iterators::types() {
            ty.ready_static(Some(&O), &methods, &getsets);
        }
        bytearray::ready();
        memoryview::ready();
        let (exc_methods, exc_getsets) = (exceptions::methods(), exceptions::getsets());
        let (group_methods, group_getsets) =
            (exceptions::group_methods(), exceptions::group_getsets());
        for (ty, base) in exceptions::hierarchy() {
            if std::ptr::eq(ty, &exceptions::BASE_EXCEPTION_TYPE) {
                ty.ready_static(Some(base), &exc_methods, &exc_getsets);
            } else if std::ptr::eq(ty, &exceptions::BASE_EXCEPTION_GROUP_TYPE) {
                ty.ready_static(Some(base), &group_methods, &group_getsets);
            } else {
                ty.ready_static(Some(base), &exceptions::subtype_methods(ty), &no_gs);
            }
        }
        exceptions::finish_group_types();
        genericalias::init();
        static BINDING: weakref::WeakrefBinding = weakref::WeakrefBinding;
        strand_gc::set_binding(&BINDING);
        strand_gc::install();
    });
}

/// A thread state with the object model initialised, for unit tests.
#[cfg(test)]
pub(crate) fn test_env() -> strand_heap::ThreadState {
    let ts = strand_heap::ThreadState::attach_new();
    init();
    ts
}
