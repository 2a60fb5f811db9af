//! `cls.__bases__ = (...)`: changing a class's bases after creation (CPython 3.11's
//! `type_set_bases`, `compatible_for_assignment`, `mro_hierarchy`,
//! Objects/typeobject.c).
//!
//! Only mutable heap types can be changed, to a non-empty tuple of classes none of
//! which is the class itself or one of its subclasses. The new bases must give
//! instances the layout the old ones gave: the same deallocator (strand: both
//! collected by the cycle collector, or neither), and, once each side is walked up
//! past the bases that add nothing to their own base's layout, the same class, or two
//! classes over one base that add the same `__slots__`, with a `__dict__` on both
//! sides or neither. That keeps what an existing instance's memory means: its
//! `__slots__` words, its pre-header and the builtin base whose dealloc and traverse
//! run on it.
//!
//! The change happens with the world stopped, like every change to a type: the bases,
//! the layout base and the MRO of the class and of every class below it are replaced
//! together (restored if a C3 linearization fails), the subclass lists move, the
//! version tags of the whole hierarchy are invalidated (the method cache and the
//! specialized instructions guard on them), and the slots are derived again from the
//! new MROs. The old tuples are released after the world restarts.

use crate::exceptions::type_error;
use crate::object::PyObj;
use crate::typeobj::{PyType, TypeFlags};
use crate::PyResult;

/// `cls.__bases__ = value` (`None`: `del cls.__bases__`).
pub(crate) fn set_bases(ty: &PyType, value: Option<&PyObj>) -> PyResult<()> {
    if !ty.is_heap_type() || ty.flags().contains(TypeFlags::IMMUTABLETYPE) {
        return Err(type_error(format!(
            "cannot set '__bases__' attribute of immutable type '{}'",
            ty.name()
        )));
    }
    let Some(new_bases) = value else {
        // CPython 3.11 words deletion this way for every type.
        return Err(type_error(format!(
            "cannot delete '__bases__' attribute of immutable type '{}'",
            ty.name()
        )));
    };
    if !crate::tuple::is_tuple(new_bases) {
        return Err(type_error(format!(
            "can only assign tuple to {}.__bases__, not {}",
            ty.name(),
            new_bases.ty().name()
        )));
    }
    let items = crate::tuple::items(new_bases);
    if items.is_empty() {
        return Err(type_error(format!(
            "can only assign non-empty tuple to {}.__bases__, not ()",
            ty.name()
        )));
    }
    for b in items {
        if !crate::typeobj::is_type(b) {
            return Err(type_error(format!(
                "{}.__bases__ must be tuple of classes, not '{}'",
                ty.name(),
                b.ty().name()
            )));
        }
        // SAFETY: checked to be a type just above.
        let base = unsafe { PyType::from_obj(b) };
        if base.is_subtype(ty) || base_chain_contains(base, ty) {
            return Err(type_error("a __bases__ item causes an inheritance cycle"));
        }
    }
    let new_base = crate::heaptype::best_base(items)?;
    let old_base = ty.base().expect("heap types have a base");
    compatible_for_assignment(old_base, new_base, "__bases__")?;
    for (i, b) in items.iter().enumerate() {
        if items[..i].iter().any(|x| x.is(b)) {
            // SAFETY: checked to be types above.
            let name = unsafe { PyType::from_obj(b) }.name().to_string();
            return Err(type_error(format!("duplicate base class {name}")));
        }
    }
    replace_bases(ty, new_bases.clone(), new_base)
}

/// Whether `ty` is on `base`'s chain of layout bases (CPython's
/// `type_is_subtype_base_chain`).
fn base_chain_contains(base: &PyType, ty: &PyType) -> bool {
    let mut t = Some(base);
    while let Some(x) = t {
        if std::ptr::eq(x, ty) {
            return true;
        }
        t = x.base();
    }
    false
}

/// Whether instances of `t` are freed through the cycle collector's heaps: every heap
/// type (CPython gives them all `Py_TPFLAGS_HAVE_GC`), and the builtin types whose
/// instances are GC objects. What CPython compares as `tp_free`.
fn frees_as_gc(t: &PyType) -> bool {
    t.is_heap_type() || t.vtable.kind.is_gc()
}

/// The layout flags instances carry beyond their basic size: a managed `__dict__`, a
/// pre-header.
fn extra_layout(t: &PyType) -> TypeFlags {
    t.flags() & (TypeFlags::MANAGED_DICT | TypeFlags::PREHEADER | TypeFlags::INLINE_VALUES)
}

/// The functions a type's instances are traversed, cleared, sized and freed with.
fn instance_fns(t: &PyType) -> [Option<usize>; 4] {
    let v = &t.vtable;
    [
        Some(v.dealloc as usize),
        v.traverse.map(|f| f as usize),
        v.clear.map(|f| f as usize),
        Some(v.size as usize),
    ]
}

/// Whether `child`'s instances are laid out exactly as its base's (CPython's
/// `compatible_with_tp_base`): same sizes, same extra layout, same collection, and
/// (for a builtin type) the same instance functions.
fn same_layout_as_base(child: &PyType) -> bool {
    let Some(parent) = child.base() else {
        return false;
    };
    child.basicsize() == parent.basicsize()
        && child.itemsize() == parent.itemsize()
        && extra_layout(child) == extra_layout(parent)
        && frees_as_gc(child) == frees_as_gc(parent)
        && (child.is_heap_type() || instance_fns(child) == instance_fns(parent))
}

/// Whether two classes over one base add the same `__slots__` and nothing else
/// (CPython's `same_slots_added`).
fn same_slots_added(a: &PyType, b: &PyType) -> bool {
    if !a.is_heap_type() || !b.is_heap_type() {
        return false;
    }
    let (sa, sb) = (&a.inner().slot_names, &b.inner().slot_names);
    if sa.len() != sb.len() || sa.iter().zip(sb).any(|(x, y)| !crate::str::eq(x, y)) {
        return false;
    }
    let base = a.base().expect("heap types have a base");
    let size = base.basicsize() + std::mem::size_of::<usize>() * sa.len();
    size == a.basicsize() && size == b.basicsize() && extra_layout(a) == extra_layout(b)
}

/// Whether instances laid out for `oldto` are valid instances of `newto` (CPython's
/// `compatible_for_assignment`); `attr` names the assignment in the message.
pub(crate) fn compatible_for_assignment(
    oldto: &PyType,
    newto: &PyType,
    attr: &str,
) -> PyResult<()> {
    if frees_as_gc(newto) != frees_as_gc(oldto) {
        return Err(type_error(format!(
            "{attr} assignment: '{}' deallocator differs from '{}'",
            newto.name(),
            oldto.name()
        )));
    }
    let mut newbase = newto;
    while same_layout_as_base(newbase) {
        newbase = newbase.base().expect("checked");
    }
    let mut oldbase = oldto;
    while same_layout_as_base(oldbase) {
        oldbase = oldbase.base().expect("checked");
    }
    let same_parent = match (newbase.base(), oldbase.base()) {
        (Some(x), Some(y)) => std::ptr::eq(x, y),
        (None, None) => true,
        _ => false,
    };
    let differs =
        !std::ptr::eq(newbase, oldbase) && (!same_parent || !same_slots_added(newbase, oldbase));
    if !differs
        && oldto.flags().contains(TypeFlags::MANAGED_DICT)
            == newto.flags().contains(TypeFlags::MANAGED_DICT)
        && oldto.flags().contains(TypeFlags::INLINE_VALUES)
            == newto.flags().contains(TypeFlags::INLINE_VALUES)
    {
        return Ok(());
    }
    Err(type_error(format!(
        "{attr} assignment: '{}' object layout differs from '{}'",
        newto.name(),
        oldto.name()
    )))
}

/// Replaces `ty`'s bases with the world stopped (see the module docs).
fn replace_bases(ty: &PyType, new_bases: PyObj, new_base: &PyType) -> PyResult<()> {
    // Everything replaced is dropped after the world restarts: a finalizer may run.
    let mut released: Vec<PyObj> = Vec::new();
    let result = {
        let _world = strand_heap::stop_the_world();
        // SAFETY: the world is stopped.
        let inner = unsafe { ty.inner_mut() };
        let old_bases = inner.bases.replace(new_bases.clone());
        let old_base = std::mem::replace(&mut inner.base, new_base as *const PyType);
        let mut undo: Vec<(PyObj, Option<PyObj>)> = Vec::new();
        match recompute_mros(ty, &mut undo) {
            Ok(()) => {
                for b in old_bases.iter().flat_map(crate::tuple::items) {
                    // SAFETY: bases are types.
                    unsafe { PyType::from_obj(b) }.remove_subclass(ty);
                }
                for b in crate::tuple::items(&new_bases) {
                    // SAFETY: checked to be types by the caller.
                    unsafe { PyType::from_obj(b) }.add_subclass(ty);
                }
                ty.modified();
                crate::slotdefs::update_slot(ty, "__bases__");
                released.extend(old_bases);
                released.extend(undo.into_iter().filter_map(|(_, old)| old));
                Ok(())
            }
            Err(e) => {
                // Newest first, so a class reached twice ends with its first MRO.
                for (cls, old) in undo.into_iter().rev() {
                    // SAFETY: MRO entries and subclasses are types; world stopped.
                    let inner = unsafe { PyType::from_obj(&cls).inner_mut() };
                    released.extend(std::mem::replace(&mut inner.mro, old));
                }
                released.extend(std::mem::replace(&mut inner.bases, old_bases));
                inner.base = old_base;
                Err(e)
            }
        }
    };
    drop(released);
    result
}

/// Computes the MRO of `ty` and then of every class below it, from the bases they now
/// have (CPython's `mro_hierarchy`), recording each class's previous MRO in `undo`.
/// Runs with the world stopped.
fn recompute_mros(ty: &PyType, undo: &mut Vec<(PyObj, Option<PyObj>)>) -> PyResult<()> {
    let cls = ty.to_obj();
    let bases = ty.bases();
    let mro = crate::heaptype::c3_mro(&cls, crate::tuple::items(&bases))?;
    // SAFETY: the caller stopped the world.
    let old = unsafe { ty.inner_mut() }
        .mro
        .replace(crate::tuple::from_vec(mro));
    undo.push((cls, old));
    for sub in ty.subclasses() {
        // SAFETY: subclasses are types.
        recompute_mros(unsafe { PyType::from_obj(&sub) }, undo)?;
    }
    Ok(())
}
