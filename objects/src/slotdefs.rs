//! The bridge between special methods (`__add__`, `__len__`, ...) and type slots, in
//! both directions (CPython's `slotdefs` table, Objects/typeobject.c):
//!
//! * **Builtin types** get *slot wrappers* in their dicts (`int.__add__`,
//!   `object.__init__`, `list.__len__`): descriptors that call the type's slot, so
//!   Python code can call them (`super().__init__()`, `int.__add__(1, 2)`).
//! * **Heap types** get *dispatchers* in their slots: functions that look the special
//!   method up on the instance's type and call it, with CPython's semantics for
//!   reflected operators, `__getattr__` fallbacks, `__next__`'s `StopIteration`, return
//!   type checks and so on. A special method a heap type inherits unchanged from a
//!   builtin base is called through the base's slot directly (no Python-level call).

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::type_error;
use crate::names::NAMES;
use crate::object::PyObj;
use crate::singletons::{is_not_implemented, none, not_implemented};
use crate::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use crate::PyResult;

/// Which slot a special method maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum SlotId {
    Repr,
    Str,
    Hash,
    Call,
    Iter,
    Next,
    Init,
    New,
    Len,
    Contains,
    GetItem,
    SetItem,
    DelItem,
    GetAttribute,
    SetAttr,
    DelAttr,
    Get,
    Set,
    Delete,
    Bool,
    Cmp(CompareOp),
    Del,
    Bin(ab::BinOp),
    RBin(ab::BinOp),
    Pow,
    RPow,
    Neg,
    Pos,
    Abs,
    Invert,
    Int,
    Float,
    Index,
    IBin(ab::BinOp),
    IPow,
}

use ab::BinOp;

/// Every special method name with its slot.
pub const SLOTDEFS: &[(&str, SlotId)] = &[
    ("__repr__", SlotId::Repr),
    ("__str__", SlotId::Str),
    ("__hash__", SlotId::Hash),
    ("__call__", SlotId::Call),
    ("__iter__", SlotId::Iter),
    ("__next__", SlotId::Next),
    ("__init__", SlotId::Init),
    ("__new__", SlotId::New),
    ("__len__", SlotId::Len),
    ("__contains__", SlotId::Contains),
    ("__getitem__", SlotId::GetItem),
    ("__setitem__", SlotId::SetItem),
    ("__delitem__", SlotId::DelItem),
    ("__getattribute__", SlotId::GetAttribute),
    ("__setattr__", SlotId::SetAttr),
    ("__delattr__", SlotId::DelAttr),
    ("__get__", SlotId::Get),
    ("__set__", SlotId::Set),
    ("__delete__", SlotId::Delete),
    ("__bool__", SlotId::Bool),
    ("__lt__", SlotId::Cmp(CompareOp::Lt)),
    ("__le__", SlotId::Cmp(CompareOp::Le)),
    ("__eq__", SlotId::Cmp(CompareOp::Eq)),
    ("__ne__", SlotId::Cmp(CompareOp::Ne)),
    ("__gt__", SlotId::Cmp(CompareOp::Gt)),
    ("__ge__", SlotId::Cmp(CompareOp::Ge)),
    ("__del__", SlotId::Del),
    ("__add__", SlotId::Bin(BinOp::Add)),
    ("__radd__", SlotId::RBin(BinOp::Add)),
    ("__sub__", SlotId::Bin(BinOp::Sub)),
    ("__rsub__", SlotId::RBin(BinOp::Sub)),
    ("__mul__", SlotId::Bin(BinOp::Mul)),
    ("__rmul__", SlotId::RBin(BinOp::Mul)),
    ("__truediv__", SlotId::Bin(BinOp::TrueDiv)),
    ("__rtruediv__", SlotId::RBin(BinOp::TrueDiv)),
    ("__floordiv__", SlotId::Bin(BinOp::FloorDiv)),
    ("__rfloordiv__", SlotId::RBin(BinOp::FloorDiv)),
    ("__mod__", SlotId::Bin(BinOp::Mod)),
    ("__rmod__", SlotId::RBin(BinOp::Mod)),
    ("__divmod__", SlotId::Bin(BinOp::DivMod)),
    ("__rdivmod__", SlotId::RBin(BinOp::DivMod)),
    ("__pow__", SlotId::Pow),
    ("__rpow__", SlotId::RPow),
    ("__lshift__", SlotId::Bin(BinOp::LShift)),
    ("__rlshift__", SlotId::RBin(BinOp::LShift)),
    ("__rshift__", SlotId::Bin(BinOp::RShift)),
    ("__rrshift__", SlotId::RBin(BinOp::RShift)),
    ("__and__", SlotId::Bin(BinOp::And)),
    ("__rand__", SlotId::RBin(BinOp::And)),
    ("__xor__", SlotId::Bin(BinOp::Xor)),
    ("__rxor__", SlotId::RBin(BinOp::Xor)),
    ("__or__", SlotId::Bin(BinOp::Or)),
    ("__ror__", SlotId::RBin(BinOp::Or)),
    ("__matmul__", SlotId::Bin(BinOp::MatMul)),
    ("__rmatmul__", SlotId::RBin(BinOp::MatMul)),
    ("__neg__", SlotId::Neg),
    ("__pos__", SlotId::Pos),
    ("__abs__", SlotId::Abs),
    ("__invert__", SlotId::Invert),
    ("__int__", SlotId::Int),
    ("__float__", SlotId::Float),
    ("__index__", SlotId::Index),
    ("__iadd__", SlotId::IBin(BinOp::Add)),
    ("__isub__", SlotId::IBin(BinOp::Sub)),
    ("__imul__", SlotId::IBin(BinOp::Mul)),
    ("__itruediv__", SlotId::IBin(BinOp::TrueDiv)),
    ("__ifloordiv__", SlotId::IBin(BinOp::FloorDiv)),
    ("__imod__", SlotId::IBin(BinOp::Mod)),
    ("__ipow__", SlotId::IPow),
    ("__ilshift__", SlotId::IBin(BinOp::LShift)),
    ("__irshift__", SlotId::IBin(BinOp::RShift)),
    ("__iand__", SlotId::IBin(BinOp::And)),
    ("__ixor__", SlotId::IBin(BinOp::Xor)),
    ("__ior__", SlotId::IBin(BinOp::Or)),
    ("__imatmul__", SlotId::IBin(BinOp::MatMul)),
];

/// The slot function a [`SlotId`] reads, as an address (for "is it set / is it the
/// same as the base's" tests).
fn slot_addr(s: &Slots, id: SlotId) -> Option<usize> {
    let n = &s.number;
    macro_rules! a {
        ($e:expr) => {
            $e.map(|f| f as usize)
        };
    }
    match id {
        SlotId::Repr => a!(s.repr),
        SlotId::Str => a!(s.str),
        SlotId::Hash => a!(s.hash),
        SlotId::Call => a!(s.call),
        SlotId::Iter => a!(s.iter),
        SlotId::Next => a!(s.iternext),
        SlotId::Init => a!(s.init),
        SlotId::New => a!(s.new),
        SlotId::Len => a!(s.len),
        SlotId::Contains => a!(s.contains),
        SlotId::GetItem => a!(s.getitem),
        SlotId::SetItem | SlotId::DelItem => a!(s.setitem),
        SlotId::GetAttribute => a!(s.getattro),
        SlotId::SetAttr | SlotId::DelAttr => a!(s.setattro),
        SlotId::Get => a!(s.descr_get),
        SlotId::Set | SlotId::Delete => a!(s.descr_set),
        SlotId::Bool => a!(s.bool),
        SlotId::Cmp(_) => a!(s.richcompare),
        SlotId::Del => a!(s.finalize),
        SlotId::Bin(op) | SlotId::RBin(op) => bin_slot(n, op).map(|f| f as usize),
        SlotId::Pow | SlotId::RPow => a!(n.pow),
        SlotId::Neg => a!(n.neg),
        SlotId::Pos => a!(n.pos),
        SlotId::Abs => a!(n.abs),
        SlotId::Invert => a!(n.invert),
        SlotId::Int => a!(n.int),
        SlotId::Float => a!(n.float),
        SlotId::Index => a!(n.index),
        SlotId::IBin(op) => ibin_slot(n, op).map(|f| f as usize),
        SlotId::IPow => a!(n.inplace_pow),
    }
}

fn bin_slot(n: &crate::typeobj::NumberSlots, op: BinOp) -> Option<crate::typeobj::BinaryFn> {
    match op {
        BinOp::Add => n.add,
        BinOp::Sub => n.sub,
        BinOp::Mul => n.mul,
        BinOp::TrueDiv => n.truediv,
        BinOp::FloorDiv => n.floordiv,
        BinOp::Mod => n.rem,
        BinOp::DivMod => n.divmod,
        BinOp::LShift => n.lshift,
        BinOp::RShift => n.rshift,
        BinOp::And => n.and,
        BinOp::Xor => n.xor,
        BinOp::Or => n.or,
        BinOp::MatMul => n.matmul,
        BinOp::Pow => None,
    }
}

fn ibin_slot(n: &crate::typeobj::NumberSlots, op: BinOp) -> Option<crate::typeobj::BinaryFn> {
    match op {
        BinOp::Add => n.inplace_add,
        BinOp::Sub => n.inplace_sub,
        BinOp::Mul => n.inplace_mul,
        BinOp::TrueDiv => n.inplace_truediv,
        BinOp::FloorDiv => n.inplace_floordiv,
        BinOp::Mod => n.inplace_rem,
        BinOp::LShift => n.inplace_lshift,
        BinOp::RShift => n.inplace_rshift,
        BinOp::And => n.inplace_and,
        BinOp::Xor => n.inplace_xor,
        BinOp::Or => n.inplace_or,
        BinOp::MatMul => n.inplace_matmul,
        BinOp::DivMod | BinOp::Pow => None,
    }
}

// ---------------------------------------------------------------------------------
// wrapper_descriptor and method-wrapper
// ---------------------------------------------------------------------------------

/// A slot wrapper: `owner`'s slot for `id`, callable as a method.
#[repr(C)]
pub struct PyWrapperDescr {
    header: ObjectHeader,
    name: &'static str,
    id: SlotId,
    owner: *const PyType,
}

unsafe fn plain_dealloc(obj: ObjPtr) {
    // SAFETY: count zero; holds no counted references.
    unsafe { crate::heaptype::dealloc_instance_memory(obj) }
}

crate::builtin_type! {
    /// `wrapper_descriptor`.
    pub static WRAPPER_DESCR_TYPE = {
        name: "wrapper_descriptor",
        layout: PyWrapperDescr,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::METHOD_DESCRIPTOR,
        traverse: None,
        clear: None,
        dealloc: plain_dealloc,
        size: None,
        slots: Slots {
            call: Some(wrapper_call),
            descr_get: Some(wrapper_get),
            repr: Some(|d| {
                let w = wd(d);
                Ok(crate::str::from_string(format!("<slot wrapper '{}' of '{}' objects>", w.name, w.owner().name())))
            }),
            ..Slots::EMPTY
        },
    }
}

/// A slot wrapper bound to an instance (`(1).__add__`).
#[repr(C)]
pub struct PyMethodWrapper {
    header: ObjectHeader,
    descr: PyObj,
    self_: PyObj,
}

unsafe fn mw_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on method-wrappers.
    let m = unsafe { &*(obj.as_ptr() as *const PyMethodWrapper) };
    visit(m.self_.as_ptr());
}

unsafe fn mw_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PyMethodWrapper;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).descr));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).self_));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// `method-wrapper`.
    pub static METHOD_WRAPPER_TYPE = {
        name: "method-wrapper",
        layout: PyMethodWrapper,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(mw_traverse),
        clear: None,
        dealloc: mw_dealloc,
        size: None,
        slots: Slots {
            call: Some(|m, args, kw| {
                // SAFETY: installed on method-wrappers.
                let mw = unsafe { m.payload_unchecked::<PyMethodWrapper>() };
                let w = wd(&mw.descr);
                call_slot(w.owner(), w.id, w.name, &mw.self_, args, kw)
            }),
            repr: Some(|m| {
                // SAFETY: installed on method-wrappers.
                let mw = unsafe { m.payload_unchecked::<PyMethodWrapper>() };
                let w = wd(&mw.descr);
                Ok(crate::str::from_string(format!("<method-wrapper '{}' of {} object at {:#x}>", w.name, mw.self_.ty().name(), mw.self_.addr())))
            }),
            ..Slots::EMPTY
        },
    }
}

/// The name, owner and bound `self` of a `wrapper_descriptor` (no `self`) or a
/// `method-wrapper`; `None` for other objects.
pub(crate) fn wrapper_parts(f: &PyObj) -> Option<(&'static str, &PyType, Option<PyObj>)> {
    if f.is_exact(&WRAPPER_DESCR_TYPE) {
        let w = wd(f);
        return Some((w.name, w.owner(), None));
    }
    if f.is_exact(&METHOD_WRAPPER_TYPE) {
        // SAFETY: checked: a method-wrapper.
        let mw = unsafe { f.payload_unchecked::<PyMethodWrapper>() };
        let w = wd(&mw.descr);
        return Some((w.name, w.owner(), Some(mw.self_.clone())));
    }
    None
}

fn wd(d: &PyObj) -> &PyWrapperDescr {
    // SAFETY: callers pass wrapper descriptors.
    unsafe { d.payload_unchecked::<PyWrapperDescr>() }
}

impl PyWrapperDescr {
    fn owner(&self) -> &PyType {
        // SAFETY: owners are immortal builtin types.
        unsafe { &*self.owner }
    }
}

fn new_wrapper(owner: &'static PyType, name: &'static str, id: SlotId) -> PyObj {
    let ty = &WRAPPER_DESCR_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of the layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyWrapperDescr;
        std::ptr::addr_of_mut!((*p).name).write(name);
        std::ptr::addr_of_mut!((*p).id).write(id);
        std::ptr::addr_of_mut!((*p).owner).write(owner);
        crate::alloc::finish_instance(ty, &obj);
        crate::alloc::make_immortal(&obj);
    }
    obj
}

fn wrapper_get(d: &PyObj, inst: Option<&PyObj>, _owner: &PyObj) -> PyResult<PyObj> {
    let w = wd(d);
    match inst {
        Some(i) => {
            if !i.is_instance_of(w.owner()) {
                return Err(type_error(format!(
                    "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
                    w.name,
                    w.owner().name(),
                    i.ty().name()
                )));
            }
            let ty = &METHOD_WRAPPER_TYPE;
            let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
            // SAFETY: fresh allocation.
            unsafe {
                let p = obj.as_ptr().as_ptr() as *mut PyMethodWrapper;
                std::ptr::addr_of_mut!((*p).descr).write(d.clone());
                std::ptr::addr_of_mut!((*p).self_).write(i.clone());
                crate::alloc::finish_instance(ty, &obj);
            }
            Ok(obj)
        }
        _ => Ok(d.clone()),
    }
}

fn wrapper_call(d: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let w = wd(d);
    let nkw = kw.map_or(0, |k| crate::tuple::items(k).len());
    if args.len() - nkw == 0 {
        return Err(type_error(format!(
            "descriptor '{}' of '{}' object needs an argument",
            w.name,
            w.owner().name()
        )));
    }
    let self_ = &args[0];
    if !self_.is_instance_of(w.owner()) {
        return Err(type_error(format!(
            "descriptor '{}' requires a '{}' object but received a '{}'",
            w.name,
            w.owner().name(),
            self_.ty().name()
        )));
    }
    call_slot(w.owner(), w.id, w.name, self_, &args[1..], kw)
}

fn want(name: &str, args: &[PyObj], kw: Option<&PyObj>, n: usize) -> PyResult<()> {
    if kw.is_some_and(|k| !crate::tuple::items(k).is_empty()) {
        return Err(type_error(format!("{name}() takes no keyword arguments")));
    }
    if args.len() != n {
        return Err(type_error(format!(
            "expected {n} argument{}, got {}",
            if n == 1 { "" } else { "s" },
            args.len()
        )));
    }
    Ok(())
}

/// Calls `owner`'s slot `id` for `self_` with the Python-level arguments of the
/// special method.
fn call_slot(
    owner: &PyType,
    id: SlotId,
    name: &str,
    self_: &PyObj,
    args: &[PyObj],
    kw: Option<&PyObj>,
) -> PyResult<PyObj> {
    let s = owner.slots();
    let n = &s.number;
    let missing = || type_error(format!("'{}' has no slot for {name}", owner.name()));
    match id {
        SlotId::Repr => {
            want(name, args, kw, 0)?;
            (s.repr.ok_or_else(missing)?)(self_)
        }
        SlotId::Str => {
            want(name, args, kw, 0)?;
            (s.str.ok_or_else(missing)?)(self_)
        }
        SlotId::Hash => {
            want(name, args, kw, 0)?;
            Ok(crate::int::from_i64(
                (s.hash.ok_or_else(missing)?)(self_)? as i64
            ))
        }
        SlotId::Call => (s.call.ok_or_else(missing)?)(self_, args, kw),
        SlotId::Iter => {
            want(name, args, kw, 0)?;
            (s.iter.ok_or_else(missing)?)(self_)
        }
        SlotId::Next => {
            want(name, args, kw, 0)?;
            match (s.iternext.ok_or_else(missing)?)(self_)? {
                Some(v) => Ok(v),
                None => Err(crate::exceptions::stop_iteration(None)),
            }
        }
        SlotId::Init => {
            (s.init.ok_or_else(missing)?)(self_, args, kw)?;
            Ok(none())
        }
        SlotId::New => unreachable!("`__new__` is a builtin method, never a slot wrapper"),
        SlotId::Len => {
            want(name, args, kw, 0)?;
            Ok(crate::int::from_usize((s.len.ok_or_else(missing)?)(self_)?))
        }
        SlotId::Contains => {
            want(name, args, kw, 1)?;
            Ok(crate::singletons::bool_obj((s
                .contains
                .ok_or_else(missing)?)(
                self_, &args[0]
            )?))
        }
        SlotId::GetItem => {
            want(name, args, kw, 1)?;
            (s.getitem.ok_or_else(missing)?)(self_, &args[0])
        }
        SlotId::SetItem => {
            want(name, args, kw, 2)?;
            (s.setitem.ok_or_else(missing)?)(self_, &args[0], Some(&args[1]))?;
            Ok(none())
        }
        SlotId::DelItem => {
            want(name, args, kw, 1)?;
            (s.setitem.ok_or_else(missing)?)(self_, &args[0], None)?;
            Ok(none())
        }
        SlotId::GetAttribute => {
            want(name, args, kw, 1)?;
            (s.getattro.ok_or_else(missing)?)(self_, &args[0])
        }
        SlotId::SetAttr => {
            want(name, args, kw, 2)?;
            (s.setattro.ok_or_else(missing)?)(self_, &args[0], Some(&args[1]))?;
            Ok(none())
        }
        SlotId::DelAttr => {
            want(name, args, kw, 1)?;
            (s.setattro.ok_or_else(missing)?)(self_, &args[0], None)?;
            Ok(none())
        }
        SlotId::Get => {
            if args.is_empty() || args.len() > 2 {
                return Err(type_error("__get__(None, None) is invalid"));
            }
            let inst = Some(&args[0]).filter(|i| !crate::singletons::is_none(i));
            let owner_arg = args
                .get(1)
                .cloned()
                .unwrap_or_else(|| inst.map(|i| i.ty().to_obj()).unwrap_or_else(none));
            (s.descr_get.ok_or_else(missing)?)(self_, inst, &owner_arg)
        }
        SlotId::Set => {
            want(name, args, kw, 2)?;
            (s.descr_set.ok_or_else(missing)?)(self_, &args[0], Some(&args[1]))?;
            Ok(none())
        }
        SlotId::Delete => {
            want(name, args, kw, 1)?;
            (s.descr_set.ok_or_else(missing)?)(self_, &args[0], None)?;
            Ok(none())
        }
        SlotId::Bool => {
            want(name, args, kw, 0)?;
            Ok(crate::singletons::bool_obj((s
                .bool
                .ok_or_else(missing)?)(
                self_
            )?))
        }
        SlotId::Cmp(op) => {
            want(name, args, kw, 1)?;
            (s.richcompare.ok_or_else(missing)?)(self_, &args[0], op)
        }
        SlotId::Del => {
            want(name, args, kw, 0)?;
            (s.finalize.ok_or_else(missing)?)(self_);
            Ok(none())
        }
        SlotId::Bin(op) => {
            want(name, args, kw, 1)?;
            (bin_slot(n, op).ok_or_else(missing)?)(self_, &args[0])
        }
        SlotId::RBin(op) => {
            want(name, args, kw, 1)?;
            (bin_slot(n, op).ok_or_else(missing)?)(&args[0], self_)
        }
        SlotId::Pow => {
            if args.is_empty() || args.len() > 2 {
                return Err(type_error(format!(
                    "expected 1 or 2 arguments, got {}",
                    args.len()
                )));
            }
            (n.pow.ok_or_else(missing)?)(self_, &args[0], args.get(1).unwrap_or(&none()))
        }
        SlotId::RPow => {
            want(name, args, kw, 1)?;
            (n.pow.ok_or_else(missing)?)(&args[0], self_, &none())
        }
        SlotId::Neg => {
            want(name, args, kw, 0)?;
            (n.neg.ok_or_else(missing)?)(self_)
        }
        SlotId::Pos => {
            want(name, args, kw, 0)?;
            (n.pos.ok_or_else(missing)?)(self_)
        }
        SlotId::Abs => {
            want(name, args, kw, 0)?;
            (n.abs.ok_or_else(missing)?)(self_)
        }
        SlotId::Invert => {
            want(name, args, kw, 0)?;
            (n.invert.ok_or_else(missing)?)(self_)
        }
        SlotId::Int => {
            want(name, args, kw, 0)?;
            (n.int.ok_or_else(missing)?)(self_)
        }
        SlotId::Float => {
            want(name, args, kw, 0)?;
            (n.float.ok_or_else(missing)?)(self_)
        }
        SlotId::Index => {
            want(name, args, kw, 0)?;
            (n.index.ok_or_else(missing)?)(self_)
        }
        SlotId::IBin(op) => {
            want(name, args, kw, 1)?;
            (ibin_slot(n, op).ok_or_else(missing)?)(self_, &args[0])
        }
        SlotId::IPow => {
            want(name, args, kw, 1)?;
            (n.inplace_pow.ok_or_else(missing)?)(self_, &args[0], &none())
        }
    }
}

/// `T.__new__(S, *args, **kwargs)` for a builtin type `T` (CPython's
/// `tp_new_wrapper`): `args[0]` is `T` (the method's `__self__`), `args[1]` the
/// subtype to create. Refuses a subtype whose nearest builtin base allocates
/// differently (`object.__new__(dict)`): that allocator knows nothing of its layout.
fn tp_new_wrapper(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    // SAFETY: bound to its type by add_slot_wrappers.
    let ty = unsafe { PyType::from_obj(&args[0]) };
    let nkw = kw.map_or(0, |k| crate::tuple::items(k).len());
    if args.len() - nkw < 2 {
        return Err(type_error(format!(
            "{}.__new__(): not enough arguments",
            ty.name()
        )));
    }
    let arg0 = &args[1];
    if !crate::typeobj::is_type(arg0) {
        return Err(type_error(format!(
            "{}.__new__(X): X is not a type object ({})",
            ty.name(),
            arg0.ty().name()
        )));
    }
    // SAFETY: checked to be a type just above.
    let sub = unsafe { PyType::from_obj(arg0) };
    if !sub.is_subtype(ty) {
        return Err(type_error(format!(
            "{}.__new__({}): {} is not a subtype of {}",
            ty.name(),
            sub.name(),
            sub.name(),
            ty.name()
        )));
    }
    let new = ty.slots().new.expect("`__new__` exists only for set slots");
    let dispatcher = slot_new as crate::typeobj::NewFn as usize;
    let mut static_base = Some(sub);
    while let Some(t) = static_base {
        if t.slots().new.map(|f| f as usize) != Some(dispatcher) {
            break;
        }
        static_base = t.base();
    }
    if let Some(sb) = static_base {
        if sb.slots().new.map(|f| f as usize) != Some(new as usize) {
            return Err(type_error(format!(
                "{}.__new__({}) is not safe, use {}.__new__()",
                ty.name(),
                sub.name(),
                sb.name()
            )));
        }
    }
    new(arg0, &args[2..], kw)
}

/// Whether `d` is a builtin type's `__new__` (the builtin method
/// [`add_slot_wrappers`] puts in its dict): classes that find it in their MRO keep
/// an allocator in their slot rather than the Python-level dispatcher.
fn is_builtin_new(d: &PyObj) -> bool {
    d.downcast::<crate::descr::PyBuiltinFunction>()
        .is_some_and(|b| b.func as usize == tp_new_wrapper as crate::descr::NativeFn as usize)
}

/// The slots whose wrappers CPython 3.11 puts in the dict of the builtin type
/// `tp_name` although strand's type inherits the same function from its base:
/// CPython's `add_operators` adds a wrapper for every slot a static type's
/// definition fills, and these types fill them with their base's function
/// (`tp_getattro = PyObject_GenericGetAttr`, `tp_init = BaseException_init` in each
/// exception type of Objects/exceptions.c). The wrappers make `vars(ValueError)`,
/// `int.__dict__['__getattribute__']` and what walks them (doctest, pydoc) see the
/// same entries as on CPython; calling one runs the same slot as before.
fn cpython_explicit_slots(tp_name: &str) -> &'static [&'static str] {
    match tp_name {
        "BaseException" => &["__getattribute__", "__setattr__", "__delattr__"],
        "bytearray" | "bytes" | "complex" | "dict" | "enumerate" | "filter" | "float"
        | "frozenset" | "int" | "list" | "map" | "memoryview" | "property" | "range"
        | "reversed" | "set" | "slice" | "str" | "tuple" | "zip" => &["__getattribute__"],
        // Exception types whose tp_new is their base's, set explicitly.
        "ArithmeticError"
        | "AssertionError"
        | "BaseExceptionGroup"
        | "BufferError"
        | "BytesWarning"
        | "DeprecationWarning"
        | "EOFError"
        | "EncodingWarning"
        | "Exception"
        | "FloatingPointError"
        | "FutureWarning"
        | "GeneratorExit"
        | "ImportWarning"
        | "IndexError"
        | "KeyboardInterrupt"
        | "LookupError"
        | "MemoryError"
        | "NotImplementedError"
        | "OSError"
        | "OverflowError"
        | "PendingDeprecationWarning"
        | "RecursionError"
        | "ReferenceError"
        | "ResourceWarning"
        | "RuntimeError"
        | "RuntimeWarning"
        | "StopAsyncIteration"
        | "SyntaxWarning"
        | "SystemError"
        | "TypeError"
        | "UnicodeDecodeError"
        | "UnicodeEncodeError"
        | "UnicodeError"
        | "UnicodeTranslateError"
        | "UnicodeWarning"
        | "UserWarning"
        | "ValueError"
        | "Warning"
        | "ZeroDivisionError" => &["__init__", "__new__"],
        // Exception types with their own tp_init only.
        "AttributeError"
        | "BlockingIOError"
        | "BrokenPipeError"
        | "ChildProcessError"
        | "ConnectionAbortedError"
        | "ConnectionError"
        | "ConnectionRefusedError"
        | "ConnectionResetError"
        | "FileExistsError"
        | "FileNotFoundError"
        | "ImportError"
        | "IndentationError"
        | "InterruptedError"
        | "IsADirectoryError"
        | "KeyError"
        | "ModuleNotFoundError"
        | "NameError"
        | "NotADirectoryError"
        | "PermissionError"
        | "ProcessLookupError"
        | "StopIteration"
        | "SyntaxError"
        | "SystemExit"
        | "TabError"
        | "TimeoutError"
        | "UnboundLocalError" => &["__init__"],
        _ => &[],
    }
}

/// Adds slot wrappers for the slots a builtin type defines (or overrides from its
/// base) to its dict, and for those [`cpython_explicit_slots`] names; sets
/// `__hash__ = None` for unhashable types.
pub(crate) fn add_slot_wrappers(ty: &'static PyType) {
    let dict = ty.dict();
    let base_slots = ty.base().map(|b| *b.slots());
    let explicit = cpython_explicit_slots(ty.name());
    for &(name, id) in SLOTDEFS {
        let Some(addr) = slot_addr(ty.slots(), id) else {
            continue;
        };
        if let Some(bs) = &base_slots {
            if slot_addr(bs, id) == Some(addr) && !explicit.contains(&name) {
                continue;
            }
        }
        if crate::dict::get_item_str(dict, name).is_some() {
            continue;
        }
        if id == SlotId::Hash && addr == crate::baseobject::unhashable as *const () as usize {
            crate::dict::set_item_str(dict, name, none());
            continue;
        }
        if id == SlotId::New {
            // CPython's `add_tp_new_wrapper`: a builtin method bound to the type.
            let f = crate::descr::new_builtin_function_with_doc(
                "__new__",
                tp_new_wrapper,
                Some(ty.to_obj()),
                crate::docs::slot_doc("__new__"),
            );
            // SAFETY: fresh, not yet visible to other threads; it refers only to
            // the static type, immortal too.
            unsafe { crate::alloc::make_immortal(&f) };
            crate::dict::set_item_str(dict, name, f);
            continue;
        }
        crate::dict::set_item_str(dict, name, new_wrapper(ty, name, id));
    }
}

// ---------------------------------------------------------------------------------
// Heap types: dispatchers and slot computation
// ---------------------------------------------------------------------------------

fn lookup(obj: &PyObj, name: &PyObj) -> Option<PyObj> {
    obj.ty().lookup(name)
}

fn call_special0(obj: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    match lookup(obj, name) {
        Some(d) => ab::call_descr(&d, obj, &[]),
        None => Err(crate::exceptions::no_attribute(obj, name)),
    }
}

fn call_special1(obj: &PyObj, name: &PyObj, a: &PyObj) -> PyResult<PyObj> {
    match lookup(obj, name) {
        Some(d) => ab::call_descr(&d, obj, std::slice::from_ref(a)),
        None => Err(crate::exceptions::no_attribute(obj, name)),
    }
}

fn slot_repr(o: &PyObj) -> PyResult<PyObj> {
    call_special0(o, &NAMES.__repr__)
}

fn slot_str(o: &PyObj) -> PyResult<PyObj> {
    call_special0(o, &NAMES.__str__)
}

fn slot_hash(o: &PyObj) -> PyResult<isize> {
    let r = call_special0(o, &NAMES.__hash__)?;
    if !crate::int::is_int(&r) {
        return Err(type_error("__hash__ method should return an integer"));
    }
    Ok(match crate::int::value(&r) {
        crate::int::Int::Small(v) => {
            let h = v as isize;
            if h == -1 {
                -2
            } else {
                h
            }
        }
        crate::int::Int::Big(b) => crate::hash::hash_bigint(&b),
    })
}

fn slot_call(o: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    // Calling an object through its type's `__call__` counts one recursion level,
    // as CPython's `_PyObject_MakeTpCall` does.
    let _level = ab::enter_recursive_call(" while calling a Python object")?;
    let d = lookup(o, &NAMES.__call__)
        .ok_or_else(|| type_error(format!("'{}' object is not callable", o.ty().name())))?;
    let bound = ab::bind(&d, Some(o), &o.ty().to_obj())?;
    ab::call(&bound, args, kw)
}

fn slot_iter(o: &PyObj) -> PyResult<PyObj> {
    match lookup(o, &NAMES.__iter__) {
        Some(d) if !crate::singletons::is_none(&d) => ab::call_descr(&d, o, &[]),
        _ => Err(type_error(format!(
            "'{}' object is not iterable",
            o.ty().name()
        ))),
    }
}

/// `__next__` as the iternext slot: a plain `StopIteration` is exhaustion (`None`);
/// one carrying a value stays an error, so that `yield from` and `await` see the
/// value as the sub-iterator's result (CPython's slot returns the exception as is).
fn slot_iternext(o: &PyObj) -> PyResult<Option<PyObj>> {
    match call_special0(o, &NAMES.__next__) {
        Ok(v) => Ok(Some(v)),
        Err(e)
            if e.is_instance(&crate::exceptions::STOP_ITERATION_TYPE)
                && crate::exceptions::attr(e.value(), "value")
                    .is_none_or(|v| crate::singletons::is_none(&v)) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn slot_init(o: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let d = lookup(o, &NAMES.__init__).ok_or_else(|| type_error("no __init__"))?;
    // A Python function or a method descriptor takes `self` first: call it so, with no
    // bound-method object in between.
    let r = if d.ty().flags().contains(TypeFlags::METHOD_DESCRIPTOR)
        || crate::function::is_function(&d)
    {
        let mut all: smallvec::SmallVec<[PyObj; 8]> =
            smallvec::SmallVec::with_capacity(args.len() + 1);
        all.push(o.clone());
        all.extend(args.iter().cloned());
        ab::call(&d, &all, kw)?
    } else {
        ab::call(&ab::bind(&d, Some(o), &o.ty().to_obj())?, args, kw)?
    };
    if !crate::singletons::is_none(&r) {
        return Err(type_error(format!(
            "__init__() should return None, not '{}'",
            r.ty().name()
        )));
    }
    Ok(())
}

fn slot_new(cls: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    // SAFETY: installed on heap types only.
    let ty = unsafe { PyType::from_obj(cls) };
    let f = ty
        .lookup(&NAMES.__new__)
        .ok_or_else(|| type_error("no __new__"))?;
    // __new__ is a staticmethod: unwrap it through __get__ and pass cls explicitly.
    let f = ab::bind(&f, None, cls)?;
    let mut all = Vec::with_capacity(args.len() + 1);
    all.push(cls.clone());
    all.extend_from_slice(args);
    ab::call(&f, &all, kw)
}

fn slot_len(o: &PyObj) -> PyResult<usize> {
    let r = call_special0(o, &NAMES.__len__)?;
    let i = ab::index(&r)?;
    if crate::int::value(&i).is_negative() {
        return Err(crate::exceptions::value_error(
            "__len__() should return >= 0",
        ));
    }
    crate::int::to_isize(&i).map(|v| v as usize).map_err(|_| {
        crate::exceptions::overflow_error("cannot fit 'int' into an index-sized integer")
    })
}

fn slot_contains(o: &PyObj, item: &PyObj) -> PyResult<bool> {
    match lookup(o, &NAMES.__contains__) {
        Some(d) if !crate::singletons::is_none(&d) => {
            let r = ab::call_descr(&d, o, std::slice::from_ref(item))?;
            ab::is_true(&r)
        }
        Some(_) => Err(type_error(format!(
            "'{}' object is not a container",
            o.ty().name()
        ))),
        None => {
            // Fall back to iteration.
            let it = ab::iter(o)?;
            while let Some(x) = ab::next(&it)? {
                if ab::richcompare_bool(&x, item, CompareOp::Eq)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

fn slot_getitem(o: &PyObj, k: &PyObj) -> PyResult<PyObj> {
    call_special1(o, &NAMES.__getitem__, k)
}

fn slot_setitem(o: &PyObj, k: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    match v {
        Some(v) => match lookup(o, &NAMES.__setitem__) {
            Some(d) => ab::call_descr(&d, o, &[k.clone(), v.clone()]).map(drop),
            None => Err(type_error(format!(
                "'{}' object does not support item assignment",
                o.ty().name()
            ))),
        },
        None => match lookup(o, &NAMES.__delitem__) {
            Some(d) => ab::call_descr(&d, o, std::slice::from_ref(k)).map(drop),
            None => Err(type_error(format!(
                "'{}' object doesn't support item deletion",
                o.ty().name()
            ))),
        },
    }
}

fn slot_getattro(o: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    call_special1(o, &NAMES.__getattribute__, name)
}

/// `__getattribute__` then, on `AttributeError`, `__getattr__`.
fn slot_getattr_hook(o: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    let ty = o.ty();
    let getattribute = ty.lookup(&NAMES.__getattribute__);
    let first = match &getattribute {
        Some(d) if is_wrapper_of(d, SlotId::GetAttribute) => {
            let w = wd(d);
            match w.owner().slots().getattro {
                Some(f)
                    if f as usize == crate::baseobject::generic_getattr as *const () as usize =>
                {
                    // An AttributeError raised inside (by a property, say) also
                    // falls back to __getattr__.
                    crate::baseobject::generic_getattr_opt(o, name).transpose()
                }
                Some(f) => Some(f(o, name)),
                None => None,
            }
        }
        Some(d) => Some(ab::call_descr(d, o, std::slice::from_ref(name))),
        None => crate::baseobject::generic_getattr_opt(o, name).transpose(),
    };
    match first {
        Some(Ok(v)) => return Ok(v),
        Some(Err(e)) if !e.is_instance(&crate::exceptions::ATTRIBUTE_ERROR_TYPE) => return Err(e),
        _ => {}
    }
    match ty.lookup(&NAMES.__getattr__) {
        Some(d) => ab::call_descr(&d, o, std::slice::from_ref(name)),
        None => Err(crate::exceptions::no_attribute(o, name)),
    }
}

fn slot_setattro(o: &PyObj, name: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    match v {
        Some(v) => call_special_args(o, &NAMES.__setattr__, &[name.clone(), v.clone()]).map(drop),
        None => call_special_args(o, &NAMES.__delattr__, std::slice::from_ref(name)).map(drop),
    }
}

fn call_special_args(obj: &PyObj, name: &PyObj, args: &[PyObj]) -> PyResult<PyObj> {
    match lookup(obj, name) {
        Some(d) => ab::call_descr(&d, obj, args),
        None => Err(crate::exceptions::no_attribute(obj, name)),
    }
}

fn slot_descr_get(d: &PyObj, inst: Option<&PyObj>, owner: &PyObj) -> PyResult<PyObj> {
    let get = lookup(d, &NAMES.__get__).ok_or_else(|| type_error("no __get__"))?;
    let inst = inst.cloned().unwrap_or_else(none);
    ab::call_descr(&get, d, &[inst, owner.clone()])
}

fn slot_descr_set(d: &PyObj, inst: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    match v {
        Some(v) => call_special_args(d, &NAMES.__set__, &[inst.clone(), v.clone()]).map(drop),
        None => call_special_args(d, &NAMES.__delete__, std::slice::from_ref(inst)).map(drop),
    }
}

fn slot_bool(o: &PyObj) -> PyResult<bool> {
    match lookup(o, &NAMES.__bool__) {
        Some(d) => {
            let r = ab::call_descr(&d, o, &[])?;
            if !r.is_exact(&crate::int::BOOL_TYPE) {
                return Err(type_error(format!(
                    "__bool__ should return bool, returned {}",
                    r.ty().name()
                )));
            }
            Ok(crate::singletons::is_true_obj(&r))
        }
        None => match lookup(o, &NAMES.__len__) {
            Some(_) => Ok(slot_len(o)? != 0),
            None => Ok(true),
        },
    }
}

fn cmp_name(op: CompareOp) -> &'static PyObj {
    match op {
        CompareOp::Lt => &NAMES.__lt__,
        CompareOp::Le => &NAMES.__le__,
        CompareOp::Eq => &NAMES.__eq__,
        CompareOp::Ne => &NAMES.__ne__,
        CompareOp::Gt => &NAMES.__gt__,
        CompareOp::Ge => &NAMES.__ge__,
    }
}

fn slot_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    match lookup(a, cmp_name(op)) {
        Some(d) if !crate::singletons::is_none(&d) => {
            ab::call_descr(&d, a, std::slice::from_ref(b))
        }
        _ => Ok(not_implemented()),
    }
}

fn slot_finalize(o: &PyObj) {
    if let Some(d) = lookup(o, &NAMES.__del__) {
        if let Err(e) = ab::call_descr(&d, o, &[]) {
            crate::unraisable::write_unraisable(&e, &d);
        }
    }
}

/// The binary-operator dispatch of CPython's `SLOT1BINFULL`.
fn slot_binary(
    a: &PyObj,
    b: &PyObj,
    name: &PyObj,
    rname: &PyObj,
    this: usize,
    op: BinOp,
) -> PyResult<PyObj> {
    let (at, bt) = (a.ty(), b.ty());
    let same = std::ptr::eq(at, bt);
    let a_uses = bin_slot(&at.slots().number, op).map(|f| f as usize) == Some(this);
    let mut do_other = !same && bin_slot(&bt.slots().number, op).map(|f| f as usize) == Some(this);
    if a_uses {
        if do_other && bt.is_subtype(at) && overrides(bt, at, rname) {
            let r = call_if_defined(b, rname, a)?;
            if !is_not_implemented(&r) {
                return Ok(r);
            }
            do_other = false;
        }
        let r = call_if_defined(a, name, b)?;
        if !is_not_implemented(&r) || same {
            return Ok(r);
        }
    }
    if do_other {
        return call_if_defined(b, rname, a);
    }
    Ok(not_implemented())
}

fn overrides(sub: &PyType, base: &PyType, name: &PyObj) -> bool {
    match (sub.lookup(name), base.lookup(name)) {
        (Some(x), Some(y)) => !x.is(&y),
        (Some(_), None) => true,
        _ => false,
    }
}

fn call_if_defined(o: &PyObj, name: &PyObj, arg: &PyObj) -> PyResult<PyObj> {
    match lookup(o, name) {
        Some(d) if !crate::singletons::is_none(&d) => {
            ab::call_descr(&d, o, std::slice::from_ref(arg))
        }
        _ => Ok(not_implemented()),
    }
}

macro_rules! binary_dispatchers {
    ($($fn:ident, $op:path, $name:ident, $rname:ident;)*) => {
        $(
            fn $fn(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
                slot_binary(a, b, &NAMES.$name, &NAMES.$rname, $fn as *const () as usize, $op)
            }
        )*
        fn bin_dispatcher(op: BinOp) -> Option<crate::typeobj::BinaryFn> {
            match op {
                $( $op => Some($fn), )*
                _ => None,
            }
        }
    };
}

binary_dispatchers! {
    slot_add, BinOp::Add, __add__, __radd__;
    slot_sub, BinOp::Sub, __sub__, __rsub__;
    slot_mul, BinOp::Mul, __mul__, __rmul__;
    slot_truediv, BinOp::TrueDiv, __truediv__, __rtruediv__;
    slot_floordiv, BinOp::FloorDiv, __floordiv__, __rfloordiv__;
    slot_mod, BinOp::Mod, __mod__, __rmod__;
    slot_divmod, BinOp::DivMod, __divmod__, __rdivmod__;
    slot_lshift, BinOp::LShift, __lshift__, __rlshift__;
    slot_rshift, BinOp::RShift, __rshift__, __rrshift__;
    slot_and, BinOp::And, __and__, __rand__;
    slot_xor, BinOp::Xor, __xor__, __rxor__;
    slot_or, BinOp::Or, __or__, __ror__;
    slot_matmul, BinOp::MatMul, __matmul__, __rmatmul__;
}

fn slot_pow(a: &PyObj, b: &PyObj, m: &PyObj) -> PyResult<PyObj> {
    if crate::singletons::is_none(m) {
        // Two-argument form: full reflected dispatch, as for other operators.
        let (at, bt) = (a.ty(), b.ty());
        let same = std::ptr::eq(at, bt);
        let this = slot_pow as *const () as usize;
        let a_uses = at.slots().number.pow.map(|f| f as usize) == Some(this);
        let mut do_other = !same && bt.slots().number.pow.map(|f| f as usize) == Some(this);
        if a_uses {
            if do_other && bt.is_subtype(at) && overrides(bt, at, &NAMES.__rpow__) {
                let r = call_if_defined(b, &NAMES.__rpow__, a)?;
                if !is_not_implemented(&r) {
                    return Ok(r);
                }
                do_other = false;
            }
            let r = call_if_defined(a, &NAMES.__pow__, b)?;
            if !is_not_implemented(&r) || same {
                return Ok(r);
            }
        }
        if do_other {
            return call_if_defined(b, &NAMES.__rpow__, a);
        }
        return Ok(not_implemented());
    }
    match lookup(a, &NAMES.__pow__) {
        Some(d) => ab::call_descr(&d, a, &[b.clone(), m.clone()]),
        None => Ok(not_implemented()),
    }
}

macro_rules! unary_dispatchers {
    ($($fn:ident, $name:ident;)*) => {
        $( fn $fn(a: &PyObj) -> PyResult<PyObj> { call_special0(a, &NAMES.$name) } )*
    };
}

unary_dispatchers! {
    slot_neg, __neg__;
    slot_pos, __pos__;
    slot_abs, __abs__;
    slot_invert, __invert__;
    slot_int, __int__;
    slot_float, __float__;
    slot_index, __index__;
}

macro_rules! inplace_dispatchers {
    ($($fn:ident, $op:path, $name:ident;)*) => {
        $(
            fn $fn(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
                call_if_defined(a, &NAMES.$name, b)
            }
        )*
        fn ibin_dispatcher(op: BinOp) -> Option<crate::typeobj::BinaryFn> {
            match op {
                $( $op => Some($fn), )*
                _ => None,
            }
        }
    };
}

inplace_dispatchers! {
    slot_iadd, BinOp::Add, __iadd__;
    slot_isub, BinOp::Sub, __isub__;
    slot_imul, BinOp::Mul, __imul__;
    slot_itruediv, BinOp::TrueDiv, __itruediv__;
    slot_ifloordiv, BinOp::FloorDiv, __ifloordiv__;
    slot_imod, BinOp::Mod, __imod__;
    slot_ilshift, BinOp::LShift, __ilshift__;
    slot_irshift, BinOp::RShift, __irshift__;
    slot_iand, BinOp::And, __iand__;
    slot_ixor, BinOp::Xor, __ixor__;
    slot_ior, BinOp::Or, __ior__;
    slot_imatmul, BinOp::MatMul, __imatmul__;
}

fn slot_ipow(a: &PyObj, b: &PyObj, _m: &PyObj) -> PyResult<PyObj> {
    call_if_defined(a, &NAMES.__ipow__, b)
}

fn is_wrapper_of(d: &PyObj, id: SlotId) -> bool {
    d.is_exact(&WRAPPER_DESCR_TYPE) && {
        let w = wd(d);
        w.id == id || matches!((w.id, id), (SlotId::Cmp(_), SlotId::Cmp(_)))
    }
}

/// What one special-method lookup contributes to a slot.
enum Found {
    /// Not defined anywhere in the MRO.
    None,
    /// Inherited unchanged from builtin type `owner`: use its slot.
    Builtin(&'static PyType),
    /// A builtin type's `__new__` (a builtin method, not a slot wrapper): use the
    /// allocator inherited along the layout bases (the nearest that has one: a
    /// builtin base that cannot be instantiated itself, like `_io._IOBase`, has
    /// none), as CPython's `update_one_slot` takes the inherited `tp_new` for
    /// `tp_new_wrapper`.
    FromBase,
    /// Explicitly `None` (e.g. `__hash__ = None`).
    Disabled,
    /// Defined in Python: use the dispatcher.
    Python,
}

fn find(ty: &PyType, name: &str, id: SlotId) -> Found {
    match ty.lookup(&crate::str::intern(name)) {
        None => Found::None,
        Some(d) if crate::singletons::is_none(&d) => Found::Disabled,
        Some(d) if is_wrapper_of(&d, id) => {
            let w = wd(&d);
            // SAFETY: wrapper owners are immortal builtin types.
            Found::Builtin(unsafe { &*w.owner })
        }
        Some(d) if id == SlotId::New && is_builtin_new(&d) => Found::FromBase,
        Some(_) => Found::Python,
    }
}

/// Combines several names' lookups for one slot (e.g. `__add__` and `__radd__`).
fn decide<T: Copy>(
    ty: &PyType,
    names: &[(&str, SlotId)],
    builtin: impl Fn(&Slots) -> Option<T>,
    dispatcher: Option<T>,
    disabled: Option<T>,
) -> Option<T> {
    let mut result = None;
    let mut any_python = false;
    let mut any_disabled = false;
    for &(n, id) in names {
        match find(ty, n, id) {
            Found::Python => any_python = true,
            Found::Disabled => any_disabled = true,
            Found::Builtin(owner) => {
                if result.is_none() {
                    result = builtin(owner.slots());
                }
            }
            Found::FromBase => {
                let mut base = ty.base();
                while let (None, Some(b)) = (result, base) {
                    result = builtin(b.slots());
                    base = b.base();
                }
            }
            Found::None => {}
        }
    }
    if any_python {
        return dispatcher;
    }
    if any_disabled && result.is_none() {
        return disabled;
    }
    result
}

/// Computes a heap type's slots from the special methods its MRO defines.
pub(crate) fn fixup_slots(ty: &PyType) {
    let mut s = Slots::EMPTY;
    s.repr = decide(
        ty,
        &[("__repr__", SlotId::Repr)],
        |b| b.repr,
        Some(slot_repr as crate::typeobj::UnaryFn),
        None,
    );
    s.str = decide(
        ty,
        &[("__str__", SlotId::Str)],
        |b| b.str,
        Some(slot_str as crate::typeobj::UnaryFn),
        None,
    );
    s.hash = decide(
        ty,
        &[("__hash__", SlotId::Hash)],
        |b| b.hash,
        Some(slot_hash as crate::typeobj::HashFn),
        Some(crate::baseobject::unhashable as crate::typeobj::HashFn),
    );
    s.call = decide(
        ty,
        &[("__call__", SlotId::Call)],
        |b| b.call,
        Some(slot_call as crate::typeobj::CallFn),
        None,
    );
    s.iter = decide(
        ty,
        &[("__iter__", SlotId::Iter)],
        |b| b.iter,
        Some(slot_iter as crate::typeobj::UnaryFn),
        // `__iter__ = None` makes instances not iterable, even with a
        // `__getitem__`: the slot is there and refuses (CPython's `slot_tp_iter`).
        Some(slot_iter as crate::typeobj::UnaryFn),
    );
    s.iternext = decide(
        ty,
        &[("__next__", SlotId::Next)],
        |b| b.iternext,
        Some(slot_iternext as crate::typeobj::IterNextFn),
        None,
    );
    s.init = decide(
        ty,
        &[("__init__", SlotId::Init)],
        |b| b.init,
        Some(slot_init as crate::typeobj::InitFn),
        None,
    );
    s.new = decide(
        ty,
        &[("__new__", SlotId::New)],
        |b| b.new,
        Some(slot_new as crate::typeobj::NewFn),
        None,
    );
    s.len = decide(
        ty,
        &[("__len__", SlotId::Len)],
        |b| b.len,
        Some(slot_len as crate::typeobj::LenFn),
        None,
    );
    s.contains = decide(
        ty,
        &[("__contains__", SlotId::Contains)],
        |b| b.contains,
        Some(slot_contains as crate::typeobj::ContainsFn),
        None,
    );
    s.getitem = decide(
        ty,
        &[("__getitem__", SlotId::GetItem)],
        |b| b.getitem,
        Some(slot_getitem as crate::typeobj::BinaryFn),
        None,
    );
    s.setitem = decide(
        ty,
        &[
            ("__setitem__", SlotId::SetItem),
            ("__delitem__", SlotId::DelItem),
        ],
        |b| b.setitem,
        Some(slot_setitem as crate::typeobj::SetItemFn),
        None,
    );
    s.getattro = if ty.lookup_str("__getattr__").is_some() {
        Some(slot_getattr_hook)
    } else {
        decide(
            ty,
            &[("__getattribute__", SlotId::GetAttribute)],
            |b| b.getattro,
            Some(slot_getattro as crate::typeobj::GetattroFn),
            None,
        )
    };
    s.setattro = decide(
        ty,
        &[
            ("__setattr__", SlotId::SetAttr),
            ("__delattr__", SlotId::DelAttr),
        ],
        |b| b.setattro,
        Some(slot_setattro as crate::typeobj::SetattroFn),
        None,
    );
    s.descr_get = decide(
        ty,
        &[("__get__", SlotId::Get)],
        |b| b.descr_get,
        Some(slot_descr_get as crate::typeobj::DescrGetFn),
        None,
    );
    s.descr_set = decide(
        ty,
        &[("__set__", SlotId::Set), ("__delete__", SlotId::Delete)],
        |b| b.descr_set,
        Some(slot_descr_set as crate::typeobj::DescrSetFn),
        None,
    );
    s.bool = decide(
        ty,
        &[("__bool__", SlotId::Bool)],
        |b| b.bool,
        Some(slot_bool as crate::typeobj::InquiryFn),
        None,
    );
    if s.bool.is_none() && matches!(find(ty, "__len__", SlotId::Len), Found::Python) {
        s.bool = Some(slot_bool);
    }
    let cmp_names: Vec<(&str, SlotId)> = SLOTDEFS
        .iter()
        .filter(|(_, id)| matches!(id, SlotId::Cmp(_)))
        .copied()
        .collect();
    s.richcompare = decide(
        ty,
        &cmp_names,
        |b| b.richcompare,
        Some(slot_richcompare as crate::typeobj::RichCmpFn),
        None,
    );
    s.finalize = decide(
        ty,
        &[("__del__", SlotId::Del)],
        |b| b.finalize,
        Some(slot_finalize as crate::typeobj::FinalizeFn),
        None,
    );
    for &(name, id) in SLOTDEFS {
        if let SlotId::Bin(op) = id {
            let rname = SLOTDEFS
                .iter()
                .find(|(_, i)| *i == SlotId::RBin(op))
                .map(|(n, _)| *n)
                .expect("reflected");
            let v = decide(
                ty,
                &[(name, id), (rname, SlotId::RBin(op))],
                |b| bin_slot(&b.number, op),
                bin_dispatcher(op),
                None,
            );
            set_bin(&mut s.number, op, v);
        }
        if let SlotId::IBin(op) = id {
            let v = decide(
                ty,
                &[(name, id)],
                |b| ibin_slot(&b.number, op),
                ibin_dispatcher(op),
                None,
            );
            set_ibin(&mut s.number, op, v);
        }
    }
    s.number.pow = decide(
        ty,
        &[("__pow__", SlotId::Pow), ("__rpow__", SlotId::RPow)],
        |b| b.number.pow,
        Some(slot_pow as crate::typeobj::TernaryFn),
        None,
    );
    s.number.inplace_pow = decide(
        ty,
        &[("__ipow__", SlotId::IPow)],
        |b| b.number.inplace_pow,
        Some(slot_ipow as crate::typeobj::TernaryFn),
        None,
    );
    s.number.neg = decide(
        ty,
        &[("__neg__", SlotId::Neg)],
        |b| b.number.neg,
        Some(slot_neg as crate::typeobj::UnaryFn),
        None,
    );
    s.number.pos = decide(
        ty,
        &[("__pos__", SlotId::Pos)],
        |b| b.number.pos,
        Some(slot_pos as crate::typeobj::UnaryFn),
        None,
    );
    s.number.abs = decide(
        ty,
        &[("__abs__", SlotId::Abs)],
        |b| b.number.abs,
        Some(slot_abs as crate::typeobj::UnaryFn),
        None,
    );
    s.number.invert = decide(
        ty,
        &[("__invert__", SlotId::Invert)],
        |b| b.number.invert,
        Some(slot_invert as crate::typeobj::UnaryFn),
        None,
    );
    s.number.int = decide(
        ty,
        &[("__int__", SlotId::Int)],
        |b| b.number.int,
        Some(slot_int as crate::typeobj::UnaryFn),
        None,
    );
    s.number.float = decide(
        ty,
        &[("__float__", SlotId::Float)],
        |b| b.number.float,
        Some(slot_float as crate::typeobj::UnaryFn),
        None,
    );
    s.number.index = decide(
        ty,
        &[("__index__", SlotId::Index)],
        |b| b.number.index,
        Some(slot_index as crate::typeobj::UnaryFn),
        None,
    );
    // Slots with no special method are inherited from the solid base.
    if let Some(base) = ty.base() {
        // SAFETY: only called while the type is private or the world is stopped.
        let bs = base.slots();
        if s.getattro.is_none() {
            s.getattro = bs.getattro;
        }
        if s.setattro.is_none() {
            s.setattro = bs.setattro;
        }
        // Python 3.11 has no `__buffer__`: a class exports memory only through its
        // base's layout.
        s.buffer = bs.buffer;
    }
    // SAFETY: the type is being created or the world is stopped (update_slot).
    unsafe { *ty.slots_mut() = s };
    if s.finalize.is_some() {
        ty.add_flags(TypeFlags::HAS_DEL);
    }
}

fn set_bin(n: &mut crate::typeobj::NumberSlots, op: BinOp, v: Option<crate::typeobj::BinaryFn>) {
    match op {
        BinOp::Add => n.add = v,
        BinOp::Sub => n.sub = v,
        BinOp::Mul => n.mul = v,
        BinOp::TrueDiv => n.truediv = v,
        BinOp::FloorDiv => n.floordiv = v,
        BinOp::Mod => n.rem = v,
        BinOp::DivMod => n.divmod = v,
        BinOp::LShift => n.lshift = v,
        BinOp::RShift => n.rshift = v,
        BinOp::And => n.and = v,
        BinOp::Xor => n.xor = v,
        BinOp::Or => n.or = v,
        BinOp::MatMul => n.matmul = v,
        BinOp::Pow => {}
    }
}

fn set_ibin(n: &mut crate::typeobj::NumberSlots, op: BinOp, v: Option<crate::typeobj::BinaryFn>) {
    match op {
        BinOp::Add => n.inplace_add = v,
        BinOp::Sub => n.inplace_sub = v,
        BinOp::Mul => n.inplace_mul = v,
        BinOp::TrueDiv => n.inplace_truediv = v,
        BinOp::FloorDiv => n.inplace_floordiv = v,
        BinOp::Mod => n.inplace_rem = v,
        BinOp::LShift => n.inplace_lshift = v,
        BinOp::RShift => n.inplace_rshift = v,
        BinOp::And => n.inplace_and = v,
        BinOp::Xor => n.inplace_xor = v,
        BinOp::Or => n.inplace_or = v,
        BinOp::MatMul => n.inplace_matmul = v,
        BinOp::DivMod | BinOp::Pow => {}
    }
}

/// Recomputes the slots of `ty` and its subclasses after a special method changed
/// (world stopped).
pub(crate) fn update_slot(ty: &PyType, _name: &str) {
    if !ty.is_heap_type() {
        return;
    }
    fixup_slots(ty);
    for sub in ty.subclasses() {
        // SAFETY: subclasses are types.
        update_slot(unsafe { PyType::from_obj(&sub) }, _name);
    }
}
