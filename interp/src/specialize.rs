//! The specializer of the adaptive interpreter (Python/specialize.c, PEP 659).
//!
//! A generic instruction that can specialize keeps an adaptive counter in the first
//! unit of its inline cache. Each execution counts it down; at zero the interpreter
//! calls the specializer with the operands at hand, which either rewrites the
//! instruction (in the running thread's copy of the bytecode, see [`crate::tlbc`])
//! into a specialized form and fills the rest of the cache with what the form guards
//! on (type versions, dict keys versions, entry indices, a cached attribute), or backs
//! off and lets the generic instruction run a while longer. A specialized instruction
//! whose guards fail runs its family's generic code, which counts down again and
//! eventually re-specializes for what the program does now.
//!
//! Cached objects (a method found on a type) are only used after the type's version
//! is checked: a type changes (and gets a new version) only with the world stopped,
//! so between two safe points a matching version proves the object is still the one
//! the type holds.
//!
//! Cache layout, in 16-bit units after the instruction:
//! - LOAD_GLOBAL: `[counter, globals version (2), builtins version (2), index]`
//! - LOAD_ATTR: `[counter, type version (2), keys version (2), index, object (4)]`
//! - STORE_ATTR: `[counter, type version (2), keys version (2), index]`

use std::cell::Cell;

use strand_objects::typeobj::TypeFlags;
use strand_objects::{dict, function, managed, module, PyObj};

use crate::bytecode::Op;

/// Executions before a failed specialization is tried again.
const BACKOFF: u16 = 63;
/// Guard failures a specialized instruction tolerates before it re-specializes.
pub(crate) const MISS_TOLERANCE: u16 = 52;

/// The inline cache of the instruction at `at` (its units after the opcode).
pub(crate) struct Cache<'a> {
    units: &'a [Cell<u16>],
}

impl<'a> Cache<'a> {
    /// The cache of the instruction whose opcode unit is at `at`.
    #[inline(always)]
    pub(crate) fn at(code: &'a [Cell<u16>], at: usize, len: usize) -> Cache<'a> {
        Cache {
            units: &code[at + 1..at + 1 + len],
        }
    }

    /// The adaptive counter.
    #[inline(always)]
    pub(crate) fn counter(&self) -> u16 {
        self.units[0].get()
    }

    #[inline(always)]
    pub(crate) fn set_counter(&self, v: u16) {
        self.units[0].set(v);
    }

    #[inline(always)]
    pub(crate) fn u16_at(&self, k: usize) -> u16 {
        self.units[k].get()
    }

    #[inline(always)]
    pub(crate) fn u32_at(&self, k: usize) -> u32 {
        u32::from(self.units[k].get()) | (u32::from(self.units[k + 1].get()) << 16)
    }

    #[inline(always)]
    pub(crate) fn usize_at(&self, k: usize) -> usize {
        (0..4).fold(0usize, |acc, i| {
            acc | ((self.units[k + i].get() as usize) << (16 * i))
        })
    }

    fn set_u16(&self, k: usize, v: u16) {
        self.units[k].set(v);
    }

    fn set_u32(&self, k: usize, v: u32) {
        self.units[k].set(v as u16);
        self.units[k + 1].set((v >> 16) as u16);
    }

    fn set_usize(&self, k: usize, v: usize) {
        for i in 0..4 {
            self.units[k + i].set((v >> (16 * i)) as u16);
        }
    }
}

/// Rewrites the opcode of the instruction at `at` (its argument byte is kept).
fn rewrite(code: &[Cell<u16>], at: usize, op: Op) {
    let u = code[at].get();
    code[at].set((u & 0xff00) | op as u16);
}

/// A specialized instruction's guard failed (the caller then runs the generic code):
/// after [`MISS_TOLERANCE`] misses it turns back into `generic`, which specializes
/// again at its next execution, for whatever the program does now.
#[inline]
pub(crate) fn miss(code: &[Cell<u16>], at: usize, cache: &Cache<'_>, generic: Op) {
    match cache.counter() {
        0 => {
            rewrite(code, at, generic);
            cache.set_counter(0);
        }
        c => cache.set_counter(c - 1),
    }
}

/// Specialization failed: back to the generic form, counting down again.
fn back_off(code: &[Cell<u16>], at: usize, cache: &Cache<'_>, generic: Op) {
    rewrite(code, at, generic);
    cache.set_counter(BACKOFF);
}

fn specialized(code: &[Cell<u16>], at: usize, cache: &Cache<'_>, op: Op) {
    rewrite(code, at, op);
    cache.set_counter(MISS_TOLERANCE);
}

/// A type's version tag, if it can have one.
fn type_version(ty: &strand_objects::typeobj::PyType) -> Option<u32> {
    let v = ty.version_tag();
    (v != 0).then_some(v)
}

/// Whether attribute lookup on instances of the type is the generic one (no
/// `__getattribute__` override), so that the specialized forms agree with it.
fn generic_getattr(owner: &PyObj) -> bool {
    owner.ty().slots().getattro.is_none_or(|f| {
        f as usize == strand_objects::baseobject::generic_getattr as *const () as usize
    })
}

/// Whether `attr` found on a type is a data descriptor (it would take precedence over
/// an instance attribute).
fn is_data_descriptor(attr: &PyObj) -> bool {
    attr.ty().slots().descr_set.is_some()
}

/// Specializes `LOAD_GLOBAL` for `name` in `globals`, else in `builtins`.
pub(crate) fn load_global(
    code: &[Cell<u16>],
    at: usize,
    globals: &PyObj,
    builtins: &PyObj,
    name: &PyObj,
) {
    let cache = Cache::at(code, at, Op::LOAD_GLOBAL.cache_entries());
    if !dict::is_dict(globals) || !globals.is_exact(&dict::DICT_TYPE) {
        return back_off(code, at, &cache, Op::LOAD_GLOBAL);
    }
    if let Some((version, index)) = dict::cache_entry(globals, name) {
        cache.set_u32(1, version);
        cache.set_u16(5, index as u16);
        return specialized(code, at, &cache, Op::LOAD_GLOBAL_MODULE);
    }
    // Absent from globals: the globals version proves it stays absent.
    let gv = dict::keys_version(globals);
    if gv == 0 || !builtins.is_exact(&dict::DICT_TYPE) {
        return back_off(code, at, &cache, Op::LOAD_GLOBAL);
    }
    match dict::cache_entry(builtins, name) {
        Some((bv, index)) => {
            cache.set_u32(1, gv);
            cache.set_u32(3, bv);
            cache.set_u16(5, index as u16);
            specialized(code, at, &cache, Op::LOAD_GLOBAL_BUILTIN)
        }
        None => back_off(code, at, &cache, Op::LOAD_GLOBAL),
    }
}

/// Specializes `LOAD_ATTR` (`method`: the method form, which pushes a callable and
/// `self` for CALL).
pub(crate) fn load_attr(code: &[Cell<u16>], at: usize, owner: &PyObj, name: &PyObj, method: bool) {
    let cache = Cache::at(code, at, Op::LOAD_ATTR.cache_entries());
    let op = if method {
        method_form(&cache, owner, name)
    } else {
        attribute_form(&cache, owner, name)
    };
    match op {
        Some(op) => specialized(code, at, &cache, op),
        None => back_off(code, at, &cache, Op::LOAD_ATTR),
    }
}

fn attribute_form(cache: &Cache<'_>, owner: &PyObj, name: &PyObj) -> Option<Op> {
    if owner.is_exact(&module::MODULE_TYPE) {
        let d = module::module_dict(owner);
        let (version, index) = dict::cache_entry(&d, name)?;
        cache.set_u32(3, version);
        cache.set_u16(5, index as u16);
        return Some(Op::LOAD_ATTR_MODULE);
    }
    if strand_objects::typeobj::is_type(owner) {
        return class_attribute(cache, owner, name);
    }
    if !generic_getattr(owner) || !managed::has_managed_dict(owner) {
        return None;
    }
    let ty = owner.ty();
    let tv = type_version(ty)?;
    // Nothing on the type may take precedence over the instance dict.
    if ty.lookup(name).is_some_and(|a| is_data_descriptor(&a)) {
        return None;
    }
    let d = managed::get_dict(owner)?;
    if !d.is_exact(&dict::DICT_TYPE) {
        return None;
    }
    let (kv, index) = dict::cache_entry(&d, name)?;
    cache.set_u32(1, tv);
    cache.set_u32(3, kv);
    cache.set_u16(5, index as u16);
    Some(Op::LOAD_ATTR_INSTANCE_VALUE)
}

/// `Class.attr` for a plain class attribute (no `__get__` to call, or a function,
/// which a class returns as it is), on a class whose metaclass is `type`.
fn class_attribute(cache: &Cache<'_>, owner: &PyObj, name: &PyObj) -> Option<Op> {
    if !owner.is_exact(&strand_objects::typetype::TYPE_TYPE) {
        return None;
    }
    // SAFETY: `owner` is a type object.
    let cls = unsafe { strand_objects::typeobj::PyType::from_obj(owner) };
    // The metaclass (`type`) must not define the name (its descriptors win).
    if strand_objects::typetype::TYPE_TYPE.lookup(name).is_some() {
        return None;
    }
    let tv = type_version(cls)?;
    let attr = cls.lookup(name)?;
    if attr.ty().slots().descr_get.is_some() && !function::is_function(&attr) {
        return None;
    }
    cache.set_u32(1, tv);
    cache.set_usize(6, attr.addr());
    Some(Op::LOAD_ATTR_CLASS)
}

fn method_form(cache: &Cache<'_>, owner: &PyObj, name: &PyObj) -> Option<Op> {
    // `module.function(...)`, `Class.method(...)`: the attribute, pushed after a NULL.
    if owner.is_exact(&module::MODULE_TYPE) || strand_objects::typeobj::is_type(owner) {
        return attribute_form(cache, owner, name);
    }
    if !generic_getattr(owner) {
        return None;
    }
    let ty = owner.ty();
    let tv = type_version(ty)?;
    let attr = ty.lookup(name)?;
    let is_method =
        function::is_function(&attr) || attr.ty().flags().contains(TypeFlags::METHOD_DESCRIPTOR);
    if !is_method {
        return None;
    }
    cache.set_u32(1, tv);
    cache.set_usize(6, attr.addr());
    if !managed::has_managed_dict(owner) {
        return Some(Op::LOAD_ATTR_METHOD_NO_DICT);
    }
    // The instance dict must not shadow the method: prove it absent by the version of
    // the (shared) keys table instances of the class use.
    let d = managed::get_dict(owner)?;
    if !d.is_exact(&dict::DICT_TYPE) || dict::keys_contain(&d, name).ok()? {
        return None;
    }
    let kv = dict::keys_version(&d);
    if kv == 0 {
        return None;
    }
    cache.set_u32(3, kv);
    Some(Op::LOAD_ATTR_METHOD_WITH_VALUES)
}

/// Specializes `STORE_ATTR` of an existing instance attribute.
pub(crate) fn store_attr(code: &[Cell<u16>], at: usize, owner: &PyObj, name: &PyObj) {
    let cache = Cache::at(code, at, Op::STORE_ATTR.cache_entries());
    match instance_store(&cache, owner, name) {
        Some(()) => specialized(code, at, &cache, Op::STORE_ATTR_INSTANCE_VALUE),
        None => back_off(code, at, &cache, Op::STORE_ATTR),
    }
}

fn instance_store(cache: &Cache<'_>, owner: &PyObj, name: &PyObj) -> Option<()> {
    let ty = owner.ty();
    // `__setattr__` must be the generic one, and no data descriptor may intercept.
    let generic = ty.slots().setattro.is_none_or(|f| {
        f as usize == strand_objects::baseobject::generic_setattr as *const () as usize
    });
    if !generic || !managed::has_managed_dict(owner) || strand_objects::typeobj::is_type(owner) {
        return None;
    }
    let tv = type_version(ty)?;
    if ty.lookup(name).is_some_and(|a| is_data_descriptor(&a)) {
        return None;
    }
    let d = managed::get_dict(owner)?;
    if !d.is_exact(&dict::DICT_TYPE) {
        return None;
    }
    let (kv, index) = dict::cache_entry(&d, name)?;
    cache.set_u32(1, tv);
    cache.set_u32(3, kv);
    cache.set_u16(5, index as u16);
    Some(())
}

/// The object a cache holds at unit `k` (see the module docs on why it is alive).
///
/// # Safety
/// The guard that proves the object alive (the owning type's version) was checked in
/// the current instruction, with no safe point since.
#[inline(always)]
pub(crate) unsafe fn cached_object(cache: &Cache<'_>, k: usize) -> std::mem::ManuallyDrop<PyObj> {
    let p = cache.usize_at(k) as *mut strand_heap::ObjectHeader;
    // SAFETY: the specializer stored the address of a live object, which the caller's
    // guard proves still alive; ManuallyDrop: no count is owned.
    std::mem::ManuallyDrop::new(unsafe {
        PyObj::from_owned(strand_heap::ObjPtr::new(std::ptr::NonNull::new_unchecked(
            p,
        )))
    })
}
