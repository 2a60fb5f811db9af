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
//! - LOAD_ATTR: `[counter, entries in use, 4 x [type version (2), keys version (2),
//!   index, object (4)]]` (several entries for the forms that guard on the
//!   receiver's type, one otherwise)
//! - STORE_ATTR: `[counter, entries in use, 4 x [type version (2), keys version (2),
//!   index]]`

use std::cell::Cell;

use strand_objects::typeobj::TypeFlags;
use strand_objects::{descr, dict, function, inline_values, managed, module, PyObj};

use strand_compiler::bytecode::Op;

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

    /// The cache of the instruction whose opcode unit `at` points at.
    ///
    /// # Safety
    /// `at` points into a bytecode copy that outlives `'a`, at an instruction with
    /// `len` cache units.
    #[inline(always)]
    pub(crate) unsafe fn at_ptr(at: *const Cell<u16>, len: usize) -> Cache<'a> {
        Cache {
            // SAFETY: the `len` units after the opcode unit are its cache (contract).
            units: unsafe { std::slice::from_raw_parts(at.add(1), len) },
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

    fn set_u16(&self, k: usize, v: u16) {
        self.units[k].set(v);
    }

    fn set_u32(&self, k: usize, v: u32) {
        self.units[k].set(v as u16);
        self.units[k + 1].set((v >> 16) as u16);
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
    let form = Op::from_u8((code[at].get() & 0xff) as u8).unwrap_or(generic);
    crate::stats::miss(form);
    match cache.counter() {
        0 => {
            crate::stats::deopt(form);
            rewrite(code, at, generic);
            cache.set_counter(0);
        }
        c => cache.set_counter(c - 1),
    }
}

/// Specialization failed: back to the generic form, counting down again.
fn back_off(code: &[Cell<u16>], at: usize, cache: &Cache<'_>, generic: Op) {
    crate::stats::failure(generic);
    rewrite(code, at, generic);
    cache.set_counter(BACKOFF);
}

fn specialized(code: &[Cell<u16>], at: usize, cache: &Cache<'_>, op: Op) {
    crate::stats::success(op);
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

/// Entries of a polymorphic attribute cache: one per receiver type seen (CPython's
/// interpreter caches one; strand keeps a few, so that a method called on instances
/// of several subclasses stays specialized).
pub(crate) const POLY: usize = 4;
/// Units per LOAD_ATTR entry: type version (2), keys version (2), index, object (4).
pub(crate) const LOAD_ENTRY: usize = 9;
/// Units per STORE_ATTR entry: type version (2), keys version (2), index.
pub(crate) const STORE_ENTRY: usize = 5;

/// What one cache entry records.
#[derive(Clone, Copy, Default)]
struct EntryData {
    type_version: u32,
    keys_version: u32,
    index: u16,
    object: usize,
}

/// One entry of a LOAD_ATTR/STORE_ATTR cache (after the counter and the entry count).
pub(crate) struct Entry<'a> {
    units: &'a [Cell<u16>],
}

impl Entry<'_> {
    #[inline(always)]
    fn u32_at(&self, k: usize) -> u32 {
        u32::from(self.units[k].get()) | (u32::from(self.units[k + 1].get()) << 16)
    }

    /// The receiver's type version.
    #[inline(always)]
    pub(crate) fn type_version(&self) -> u32 {
        self.u32_at(0)
    }

    /// The dict keys version.
    #[inline(always)]
    pub(crate) fn keys_version(&self) -> u32 {
        self.u32_at(2)
    }

    /// The dict entry index or slot offset.
    #[inline(always)]
    pub(crate) fn index(&self) -> usize {
        self.units[4].get().into()
    }

    /// The cached object (LOAD_ATTR entries only).
    ///
    /// # Safety
    /// The guard that proves the object alive (the owning type's version) was checked
    /// in the current instruction, with no safe point since.
    #[inline(always)]
    pub(crate) unsafe fn object(&self) -> std::mem::ManuallyDrop<PyObj> {
        let p = (0..4).fold(0usize, |acc, i| {
            acc | ((self.units[5 + i].get() as usize) << (16 * i))
        });
        // SAFETY: the specializer stored the address of a live object, which the
        // caller's guard proves still alive; ManuallyDrop: no count is owned.
        std::mem::ManuallyDrop::new(unsafe {
            PyObj::from_owned(strand_heap::ObjPtr::new(std::ptr::NonNull::new_unchecked(
                p as *mut strand_heap::ObjectHeader,
            )))
        })
    }

    fn write(&self, e: EntryData) {
        self.units[0].set(e.type_version as u16);
        self.units[1].set((e.type_version >> 16) as u16);
        self.units[2].set(e.keys_version as u16);
        self.units[3].set((e.keys_version >> 16) as u16);
        self.units[4].set(e.index);
        if self.units.len() > 5 {
            for i in 0..4 {
                self.units[5 + i].set((e.object >> (16 * i)) as u16);
            }
        }
    }
}

impl<'a> Cache<'a> {
    /// Entries in use.
    #[inline(always)]
    pub(crate) fn entry_count(&self) -> usize {
        self.units[1].get().into()
    }

    /// Entry `k` of `width` units.
    #[inline(always)]
    pub(crate) fn entry(&self, k: usize, width: usize) -> Entry<'a> {
        let start = 2 + k * width;
        Entry {
            units: &self.units[start..start + width],
        }
    }

    /// The entry for receivers of type version `tv`, if any. A loop over at most
    /// [`POLY`] entries, unrolled, at constant offsets (no bounds checks where the
    /// cache's length is a constant, as in the specialized instructions).
    #[inline(always)]
    pub(crate) fn find(&self, tv: u32, width: usize) -> Option<Entry<'a>> {
        let n = self.entry_count();
        for k in 0..POLY {
            if k >= n {
                return None;
            }
            let e = self.entry(k, width);
            if e.type_version() == tv {
                return Some(e);
            }
        }
        None
    }

    /// Records `e`: over the entry for the same type version (its dict keys moved
    /// on), else in a free entry. `false` when all entries are taken.
    fn push_entry(&self, e: EntryData, width: usize) -> bool {
        if let Some(old) = self.find(e.type_version, width) {
            old.write(e);
            return true;
        }
        let n = self.entry_count();
        if n >= POLY {
            return false;
        }
        self.entry(n, width).write(e);
        self.units[1].set(n as u16 + 1);
        true
    }
}

/// The forms that guard on the receiver's type version, and so take several entries.
fn polymorphic(op: Op) -> bool {
    matches!(
        op,
        Op::LOAD_ATTR_INSTANCE_VALUE
            | Op::LOAD_ATTR_METHOD_WITH_VALUES
            | Op::LOAD_ATTR_METHOD_NO_DICT
            | Op::LOAD_ATTR_SLOT
            | Op::STORE_ATTR_INSTANCE_VALUE
            | Op::STORE_ATTR_SLOT
    )
}

/// Specializes `LOAD_ATTR` (`method`: the method form, which pushes a callable and
/// `self` for CALL).
pub(crate) fn load_attr(code: &[Cell<u16>], at: usize, owner: &PyObj, name: &PyObj, method: bool) {
    let cache = Cache::at(code, at, Op::LOAD_ATTR.cache_entries());
    cache.units[1].set(0);
    match load_attr_form(owner, name, method) {
        Some((op, e)) => {
            cache.push_entry(e, LOAD_ENTRY);
            specialized(code, at, &cache, op);
        }
        None => back_off(code, at, &cache, Op::LOAD_ATTR),
    }
}

/// A specialized LOAD_ATTR missed on `owner`: adds an entry for its type if the form
/// fits and there is room. `true` if it did (the caller still runs the generic code
/// this time).
pub(crate) fn extend_load_attr(
    code: &[Cell<u16>],
    at: usize,
    op: Op,
    owner: &PyObj,
    name: &PyObj,
    method: bool,
) -> bool {
    if !polymorphic(op) {
        return false;
    }
    let cache = Cache::at(code, at, Op::LOAD_ATTR.cache_entries());
    match load_attr_form(owner, name, method) {
        Some((form, e)) if form == op => cache.push_entry(e, LOAD_ENTRY),
        _ => false,
    }
}

fn load_attr_form(owner: &PyObj, name: &PyObj, method: bool) -> Option<(Op, EntryData)> {
    if method {
        method_form(owner, name)
    } else {
        attribute_form(owner, name)
    }
}

fn attribute_form(owner: &PyObj, name: &PyObj) -> Option<(Op, EntryData)> {
    if owner.is_exact(&module::MODULE_TYPE) {
        let d = module::module_dict(owner);
        let (version, index) = dict::cache_entry(&d, name)?;
        let e = EntryData {
            keys_version: version,
            index: index as u16,
            ..EntryData::default()
        };
        return Some((Op::LOAD_ATTR_MODULE, e));
    }
    if strand_objects::typeobj::is_type(owner) {
        return class_attribute(owner, name);
    }
    if !generic_getattr(owner) {
        return None;
    }
    let ty = owner.ty();
    let tv = type_version(ty)?;
    // A `__slots__` member: read the slot directly.
    if let Some(offset) = ty.lookup(name).and_then(|a| descr::member_offset(&a)) {
        let e = EntryData {
            type_version: tv,
            index: u16::try_from(offset).ok()?,
            ..EntryData::default()
        };
        return Some((Op::LOAD_ATTR_SLOT, e));
    }
    if !managed::has_managed_dict(owner) {
        return None;
    }
    // Nothing on the type may take precedence over the instance dict.
    if ty.lookup(name).is_some_and(|a| is_data_descriptor(&a)) {
        return None;
    }
    if inline_values::is_valid(owner) {
        // Inline values: the name's shared-key index, the same for every instance of
        // the type.
        return inline_entry(ty, owner, name, tv, false).map(|e| (Op::LOAD_ATTR_INSTANCE_VALUE, e));
    }
    let d = managed::get_dict(owner)?;
    if !d.is_exact(&dict::DICT_TYPE) {
        return None;
    }
    let (kv, index) = dict::cache_entry(&d, name)?;
    let e = EntryData {
        type_version: tv,
        keys_version: kv,
        index: index as u16,
        object: 0,
    };
    Some((Op::LOAD_ATTR_INSTANCE_VALUE, e))
}

/// `Class.attr` for a plain class attribute (no `__get__` to call, or a function,
/// which a class returns as it is), on a class whose metaclass is `type`.
fn class_attribute(owner: &PyObj, name: &PyObj) -> Option<(Op, EntryData)> {
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
    let e = EntryData {
        type_version: tv,
        object: attr.addr(),
        ..EntryData::default()
    };
    Some((Op::LOAD_ATTR_CLASS, e))
}

fn method_form(owner: &PyObj, name: &PyObj) -> Option<(Op, EntryData)> {
    // `module.function(...)`, `Class.method(...)`: the attribute, pushed after a NULL.
    if owner.is_exact(&module::MODULE_TYPE) || strand_objects::typeobj::is_type(owner) {
        return attribute_form(owner, name);
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
    let mut e = EntryData {
        type_version: tv,
        object: attr.addr(),
        ..EntryData::default()
    };
    if !managed::has_managed_dict(owner) {
        return Some((Op::LOAD_ATTR_METHOD_NO_DICT, e));
    }
    // The instance dict must not shadow the method: prove it absent by the version of
    // the (shared) keys table instances of the class use.
    if inline_values::is_valid(owner) {
        // Inline values only hold names of the type's shared keys.
        if inline_values::shared_keys_contain(ty, name) {
            return None;
        }
        e.keys_version = inline_values::shared_keys_version(ty);
        return (e.keys_version != 0).then_some((Op::LOAD_ATTR_METHOD_WITH_VALUES, e));
    }
    let d = managed::get_dict(owner)?;
    if !d.is_exact(&dict::DICT_TYPE) || dict::keys_contain(&d, name).ok()? {
        return None;
    }
    e.keys_version = dict::keys_version(&d);
    if e.keys_version == 0 {
        return None;
    }
    Some((Op::LOAD_ATTR_METHOD_WITH_VALUES, e))
}

/// Specializes `STORE_ATTR` of an instance attribute.
pub(crate) fn store_attr(code: &[Cell<u16>], at: usize, owner: &PyObj, name: &PyObj) {
    let cache = Cache::at(code, at, Op::STORE_ATTR.cache_entries());
    cache.units[1].set(0);
    match instance_store(owner, name) {
        Some((op, e)) => {
            cache.push_entry(e, STORE_ENTRY);
            specialized(code, at, &cache, op);
        }
        None => back_off(code, at, &cache, Op::STORE_ATTR),
    }
}

/// A specialized STORE_ATTR missed on `owner`: as [`extend_load_attr`].
pub(crate) fn extend_store_attr(
    code: &[Cell<u16>],
    at: usize,
    op: Op,
    owner: &PyObj,
    name: &PyObj,
) -> bool {
    let cache = Cache::at(code, at, Op::STORE_ATTR.cache_entries());
    match instance_store(owner, name) {
        Some((form, e)) if form == op => cache.push_entry(e, STORE_ENTRY),
        _ => false,
    }
}

fn instance_store(owner: &PyObj, name: &PyObj) -> Option<(Op, EntryData)> {
    let ty = owner.ty();
    // `__setattr__` must be the generic one.
    let generic = ty.slots().setattro.is_none_or(|f| {
        f as usize == strand_objects::baseobject::generic_setattr as *const () as usize
    });
    if !generic || strand_objects::typeobj::is_type(owner) {
        return None;
    }
    let tv = type_version(ty)?;
    // A `__slots__` member: write the slot directly.
    if let Some(offset) = ty.lookup(name).and_then(|a| descr::member_offset(&a)) {
        let e = EntryData {
            type_version: tv,
            index: u16::try_from(offset).ok()?,
            ..EntryData::default()
        };
        return Some((Op::STORE_ATTR_SLOT, e));
    }
    // No other data descriptor may intercept, and the value goes to the dict.
    if !managed::has_managed_dict(owner) {
        return None;
    }
    if ty.lookup(name).is_some_and(|a| is_data_descriptor(&a)) {
        return None;
    }
    if inline_values::is_valid(owner) {
        // Inline values: the name's shared-key index (added to the keys now, as the
        // store below would).
        return inline_entry(ty, owner, name, tv, true).map(|e| (Op::STORE_ATTR_INSTANCE_VALUE, e));
    }
    // A fresh instance gets its dict now (the store below would make it anyway).
    let d = managed::ensure_dict(owner);
    if !d.is_exact(&dict::DICT_TYPE) {
        return None;
    }
    // The key may be new for this instance but known to the class's shared keys
    // (`__init__` storing attributes into fresh instances).
    let (kv, index) = dict::cache_key_entry(&d, name)?;
    let e = EntryData {
        type_version: tv,
        keys_version: kv,
        index: index as u16,
        object: 0,
    };
    Some((Op::STORE_ATTR_INSTANCE_VALUE, e))
}

// -------------------------------------------------------------------------------------
// Operator and container families: guards on exact operand types only (the form is
// chosen for the operand types seen; the specialized instruction checks them again
// and runs the generic code when they differ).
// -------------------------------------------------------------------------------------

use strand_objects::{float, int, list, str as pystr, tuple};

/// Whether `o` is an exact int.
#[inline(always)]
fn exact_int(o: &PyObj) -> bool {
    o.is_exact(&int::INT_TYPE)
}

/// Whether `o` is an exact float.
#[inline(always)]
fn exact_float(o: &PyObj) -> bool {
    o.is_exact(&float::FLOAT_TYPE)
}

/// The cache of an operator family's instruction (the counter only).
fn op_cache<'a>(code: &'a [Cell<u16>], at: usize, family: Op) -> Cache<'a> {
    Cache::at(code, at, family.cache_entries())
}

/// Installs `form` if there is one, else backs off.
fn settle(code: &[Cell<u16>], at: usize, family: Op, form: Option<Op>) {
    let cache = op_cache(code, at, family);
    match form {
        Some(op) => specialized(code, at, &cache, op),
        None => back_off(code, at, &cache, family),
    }
}

/// Specializes BINARY_OP `arg` for the operands at hand.
pub(crate) fn binary_op(code: &[Cell<u16>], at: usize, lhs: &PyObj, rhs: &PyObj, arg: usize) {
    use strand_compiler::bytecode::{BinaryOpArg as B, BINARY_OP_INPLACE};
    let kind = B::from_u8((arg % usize::from(BINARY_OP_INPLACE)) as u8);
    let form = match kind {
        Some(B::Add) if exact_int(lhs) && exact_int(rhs) => Some(Op::BINARY_OP_ADD_INT),
        Some(B::Subtract) if exact_int(lhs) && exact_int(rhs) => Some(Op::BINARY_OP_SUBTRACT_INT),
        Some(B::Multiply) if exact_int(lhs) && exact_int(rhs) => Some(Op::BINARY_OP_MULTIPLY_INT),
        Some(B::Add) if exact_float(lhs) && exact_float(rhs) => Some(Op::BINARY_OP_ADD_FLOAT),
        Some(B::Subtract) if exact_float(lhs) && exact_float(rhs) => {
            Some(Op::BINARY_OP_SUBTRACT_FLOAT)
        }
        Some(B::Multiply) if exact_float(lhs) && exact_float(rhs) => {
            Some(Op::BINARY_OP_MULTIPLY_FLOAT)
        }
        Some(B::TrueDivide) if exact_float(lhs) && exact_float(rhs) => {
            Some(Op::BINARY_OP_TRUE_DIVIDE_FLOAT)
        }
        Some(B::Add | B::Subtract | B::Multiply | B::TrueDivide)
            if (exact_float(lhs) && exact_int(rhs)) || (exact_int(lhs) && exact_float(rhs)) =>
        {
            Some(Op::BINARY_OP_MIXED_FLOAT)
        }
        Some(B::Add) if lhs.is_exact(&pystr::STR_TYPE) && rhs.is_exact(&pystr::STR_TYPE) => {
            Some(Op::BINARY_OP_ADD_UNICODE)
        }
        _ => None,
    };
    settle(code, at, Op::BINARY_OP, form);
}

/// Specializes COMPARE_OP for the operands at hand.
pub(crate) fn compare_op(code: &[Cell<u16>], at: usize, lhs: &PyObj, rhs: &PyObj, arg: usize) {
    let form = if exact_int(lhs) && exact_int(rhs) {
        Some(Op::COMPARE_OP_INT)
    } else if exact_float(lhs) && exact_float(rhs) {
        Some(Op::COMPARE_OP_FLOAT)
    } else if lhs.is_exact(&pystr::STR_TYPE)
        && rhs.is_exact(&pystr::STR_TYPE)
        && matches!(arg >> 4, 2 | 3)
    {
        Some(Op::COMPARE_OP_STR)
    } else {
        None
    };
    settle(code, at, Op::COMPARE_OP, form);
}

/// Specializes BINARY_SUBSCR for the operands at hand.
pub(crate) fn binary_subscr(code: &[Cell<u16>], at: usize, container: &PyObj, key: &PyObj) {
    let form = if container.is_exact(&list::LIST_TYPE) && exact_int(key) {
        Some(Op::BINARY_SUBSCR_LIST_INT)
    } else if container.is_exact(&tuple::TUPLE_TYPE) && exact_int(key) {
        Some(Op::BINARY_SUBSCR_TUPLE_INT)
    } else if container.is_exact(&dict::DICT_TYPE) {
        Some(Op::BINARY_SUBSCR_DICT)
    } else if container.is_exact(&pystr::STR_TYPE) && exact_int(key) {
        Some(Op::BINARY_SUBSCR_STR_INT)
    } else {
        None
    };
    settle(code, at, Op::BINARY_SUBSCR, form);
}

/// Specializes STORE_SUBSCR for the operands at hand.
pub(crate) fn store_subscr(code: &[Cell<u16>], at: usize, container: &PyObj, key: &PyObj) {
    let form = if container.is_exact(&list::LIST_TYPE) && exact_int(key) {
        Some(Op::STORE_SUBSCR_LIST_INT)
    } else if container.is_exact(&dict::DICT_TYPE) {
        Some(Op::STORE_SUBSCR_DICT)
    } else {
        None
    };
    settle(code, at, Op::STORE_SUBSCR, form);
}

/// Specializes CONTAINS_OP for the container at hand.
pub(crate) fn contains_op(code: &[Cell<u16>], at: usize, container: &PyObj) {
    use strand_objects::set;
    let form = if container.is_exact(&dict::DICT_TYPE) {
        Some(Op::CONTAINS_OP_DICT)
    } else if container.is_exact(&set::SET_TYPE) || container.is_exact(&set::FROZENSET_TYPE) {
        Some(Op::CONTAINS_OP_SET)
    } else {
        None
    };
    settle(code, at, Op::CONTAINS_OP, form);
}

/// Specializes TO_BOOL for the value at hand. TO_BOOL_ALWAYS_TRUE caches the type's
/// version (units 1-2): instances of a type without `__bool__` and `__len__` are
/// true while the type keeps that version.
pub(crate) fn to_bool(code: &[Cell<u16>], at: usize, v: &PyObj) {
    let cache = op_cache(code, at, Op::TO_BOOL);
    let form = if v.is_exact(&int::BOOL_TYPE) {
        Some(Op::TO_BOOL_BOOL)
    } else if exact_int(v) {
        Some(Op::TO_BOOL_INT)
    } else if v.is_exact(&list::LIST_TYPE) {
        Some(Op::TO_BOOL_LIST)
    } else if strand_objects::singletons::is_none(v) {
        Some(Op::TO_BOOL_NONE)
    } else if v.is_exact(&pystr::STR_TYPE) {
        Some(Op::TO_BOOL_STR)
    } else {
        let ty = v.ty();
        let slots = ty.slots();
        let no_truth = slots.bool.is_none() && slots.len.is_none();
        match type_version(ty) {
            Some(tv) if no_truth && ty.is_heap_type() => {
                cache.set_u32(1, tv);
                Some(Op::TO_BOOL_ALWAYS_TRUE)
            }
            _ => None,
        }
    };
    settle(code, at, Op::TO_BOOL, form);
}

/// Specializes UNPACK_SEQUENCE of `n` items for the sequence at hand.
pub(crate) fn unpack_sequence(code: &[Cell<u16>], at: usize, seq: &PyObj, n: usize) {
    let form = if seq.is_exact(&tuple::TUPLE_TYPE) {
        Some(if n == 2 {
            Op::UNPACK_SEQUENCE_TWO_TUPLE
        } else {
            Op::UNPACK_SEQUENCE_TUPLE
        })
    } else if seq.is_exact(&list::LIST_TYPE) {
        Some(Op::UNPACK_SEQUENCE_LIST)
    } else {
        None
    };
    settle(code, at, Op::UNPACK_SEQUENCE, form);
}

/// Specializes FOR_ITER for the iterator at hand: the iterators of ranges, lists and
/// tuples get forms that step them inline (CPython's FOR_ITER_RANGE, _LIST, _TUPLE).
/// Generators keep the generic form, whose generator path runs their frame in the
/// loop (FOR_ITER_GEN's role).
pub(crate) fn for_iter(code: &[Cell<u16>], at: usize, iter: &PyObj) {
    let form = if iter.is_exact(&strand_objects::range::RANGE_ITER_TYPE) {
        Some(Op::FOR_ITER_RANGE)
    } else if iter.is_exact(&strand_objects::iterators::LIST_ITER_TYPE) {
        Some(Op::FOR_ITER_LIST)
    } else if iter.is_exact(&strand_objects::iterators::TUPLE_ITER_TYPE) {
        Some(Op::FOR_ITER_TUPLE)
    } else {
        None
    };
    settle(code, at, Op::FOR_ITER, form);
}

// -------------------------------------------------------------------------------------
// CALL: the callable's kind (and for Python functions, their version) decides the
// form. Cache: `[counter, function version (2)]` or `[counter, type version (2)]`.
// -------------------------------------------------------------------------------------

/// Whether `callable` is the interpreter's builtin `name` (`len`, `isinstance`), for
/// the forms that compute a builtin inline. Builtin functions are immortal, so the
/// identity stays meaningful.
fn is_builtin(callable: &PyObj, name: &str) -> bool {
    dict::get_item_str(&crate::state::builtins_dict(), name).is_some_and(|b| b.is(callable))
}

/// The function and `self` of a bound method.
pub(crate) fn method_parts(m: &PyObj) -> (&PyObj, &PyObj) {
    // SAFETY: callers check the type is `method`.
    let p = unsafe { m.payload_unchecked::<function::PyMethod>() };
    (&p.func, &p.self_)
}

/// Whether a Python function's parameters take `nargs` positional arguments one to
/// one (no defaults needed, no `*args`, `**kwargs` or keyword-only parameters).
fn takes_exactly(func: &PyObj, nargs: usize) -> bool {
    use strand_compiler::code::flags;
    // SAFETY: the code object is alive while `func` is.
    let c = unsafe { crate::code::code_data_ptr(&function::function(func).fields().code).as_ref() };
    c.code.argcount as usize == nargs
        && c.code.kwonlyargcount == 0
        && c.code.flags & (flags::VARARGS | flags::VARKEYWORDS) == 0
}

/// Specializes CALL with `nargs` arguments (`self` included when `self_` is set) and
/// keyword names `kw` for the callable at hand.
pub(crate) fn call(
    code: &[Cell<u16>],
    at: usize,
    callable: &PyObj,
    has_self: bool,
    nargs: usize,
    kw: bool,
) {
    let cache = op_cache(code, at, Op::CALL);
    let version_of = |f: &PyObj| {
        let v = function::function(f).version();
        (v != 0).then_some(v)
    };
    let form = if function::is_function(callable) {
        match version_of(callable) {
            Some(v) => {
                cache.set_u32(1, v);
                Some(if !kw && takes_exactly(callable, nargs) {
                    Op::CALL_PY_EXACT_ARGS
                } else {
                    Op::CALL_PY_GENERAL
                })
            }
            None => None,
        }
    } else if callable.is_exact(&function::METHOD_TYPE) && !has_self && !kw {
        let (func, _) = method_parts(callable);
        // A method may bind any callable (a classmethod of a builtin function).
        let version = function::is_function(func)
            .then(|| version_of(func))
            .flatten();
        match version {
            Some(v) if takes_exactly(func, nargs + 1) => {
                cache.set_u32(1, v);
                Some(Op::CALL_BOUND_METHOD_EXACT_ARGS)
            }
            _ => None,
        }
    } else if callable.is_exact(&descr::BUILTIN_FUNCTION_TYPE) {
        if !kw && nargs == 1 && is_builtin(callable, "len") {
            Some(Op::CALL_LEN)
        } else if !kw && nargs == 2 && is_builtin(callable, "isinstance") {
            Some(Op::CALL_ISINSTANCE)
        } else {
            Some(Op::CALL_BUILTIN_FAST)
        }
    } else if callable.is_exact(&descr::METHOD_DESCR_TYPE) {
        let append = list::LIST_TYPE.lookup_str("append");
        if !kw && nargs == 2 && append.is_some_and(|a| a.is(callable)) {
            Some(Op::CALL_LIST_APPEND)
        } else {
            Some(Op::CALL_METHOD_DESCRIPTOR_FAST)
        }
    } else if strand_objects::typeobj::is_type(callable) && !kw {
        // SAFETY: a type object (checked above).
        let cls = unsafe { strand_objects::typeobj::PyType::from_obj(callable) };
        if nargs == 1 && std::ptr::eq(cls, &strand_objects::typeobj::TYPE_TYPE) {
            Some(Op::CALL_TYPE_1)
        } else if nargs == 1 && std::ptr::eq(cls, &pystr::STR_TYPE) {
            Some(Op::CALL_STR_1)
        } else if nargs == 1 && std::ptr::eq(cls, &tuple::TUPLE_TYPE) {
            Some(Op::CALL_TUPLE_1)
        } else if !cls.is_heap_type() {
            Some(Op::CALL_BUILTIN_CLASS)
        } else {
            match init_for_alloc(cls) {
                Some(tv) => {
                    cache.set_u32(1, tv);
                    Some(Op::CALL_ALLOC_AND_ENTER_INIT)
                }
                None => None,
            }
        }
    } else {
        None
    };
    settle(code, at, Op::CALL, form);
}

/// For CALL_ALLOC_AND_ENTER_INIT: the class's version, when instances are made by
/// `object.__new__` (no `__new__` of its own anywhere in the MRO but `object`'s, a
/// plain metaclass) and `__init__` is a Python function whose code is not a
/// generator's. Its signature is not part of the guard: the call binds the arguments
/// when it runs (moved one to one, defaults filled in, or `bind_arguments` with its
/// errors), as CPython 3.13's `_PyEvalFramePushAndInit` does, so that assigning the
/// function's `__code__` (which leaves the class's version alone) stays correct.
fn init_for_alloc(cls: &strand_objects::typeobj::PyType) -> Option<u32> {
    use strand_objects::typeobj::TypeFlags;
    use strand_objects::{baseobject, typetype};
    if !cls.to_obj().is_exact(&typetype::TYPE_TYPE) || cls.flags().contains(TypeFlags::IS_ABSTRACT)
    {
        return None;
    }
    let tv = type_version(cls)?;
    let plain_new = cls
        .slots()
        .new
        .is_some_and(|f| f as usize == baseobject::object_new as *const () as usize);
    if !plain_new {
        return None;
    }
    let init = cls.lookup_str("__init__")?;
    if !function::is_function(&init) || function::function(&init).version() == 0 {
        return None;
    }
    let f = function::function(&init);
    // SAFETY: the code object is alive while `init` is.
    let c = unsafe { crate::code::code_data_ptr(&f.fields().code).as_ref() };
    (!crate::call::code_makes_generator(c.code.flags)).then_some(tv)
}

/// The cache entry of an attribute kept in `owner`'s inline values: `name`'s index in
/// the type's shared keys (added to them with `add`, as a store does), if it is within
/// this instance's capacity. Keys version 0 marks the inline form.
fn inline_entry(
    ty: &strand_objects::typeobj::PyType,
    owner: &PyObj,
    name: &PyObj,
    tv: u32,
    add: bool,
) -> Option<EntryData> {
    let index = inline_values::shared_key_index(ty, name, add)?;
    if index >= inline_values::capacity(owner) {
        return None;
    }
    Some(EntryData {
        type_version: tv,
        keys_version: 0,
        index: index as u16,
        object: 0,
    })
}
