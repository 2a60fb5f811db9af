//! Weak proxies (`weakref.ProxyType`, `weakref.CallableProxyType`): weak references
//! that stand for their referent. Every protocol slot (attributes, operators, items,
//! iteration, `str`, calls for the callable kind) unwraps each proxy operand to its
//! live referent and performs the operation on that, raising
//! `ReferenceError: weakly-referenced object no longer exists` once the referent is
//! dead; proxies are unhashable and cannot be subclassed or created directly (only by
//! `_weakref.proxy`).
//!
//! A proxy has the layout of a `weakref.ref` ([`crate::weakref::PyWeakRef`]) and lives
//! in the same side table, so it is cleared, and its callback called with the proxy,
//! exactly as a reference is. Source of the behaviour: CPython's
//! Objects/weakrefobject.c (`proxy_*`, `WRAP_BINARY`, `WRAP_UNARY`).

use strand_heap::HeapKind;

use crate::abstract_::{self as ab, BinOp};
use crate::descr::MethodDef;
use crate::exceptions::{type_error, PyErr, REFERENCE_ERROR_TYPE};
use crate::object::PyObj;
use crate::typeobj::{CompareOp, NumberSlots, PyType, Slots, TypeFlags};
use crate::weakref::{get_target, PyWeakRef};
use crate::PyResult;

/// The slots both proxy types share; the callable kind adds `call`.
const PROXY_SLOTS: Slots = Slots {
    repr: Some(proxy_repr),
    str: Some(|p| ab::str_(&unwrap(p)?)),
    hash: Some(|p| Err(ab::unhashable(p))),
    richcompare: Some(proxy_richcompare),
    getattro: Some(|p, name| ab::getattr(&unwrap(p)?, name)),
    setattro: Some(|p, name, value| {
        let o = unwrap(p)?;
        match value {
            Some(v) => ab::setattr(&o, name, v),
            None => ab::delattr(&o, name),
        }
    }),
    iter: Some(|p| ab::iter(&unwrap(p)?)),
    iternext: Some(proxy_iternext),
    bool: Some(|p| ab::is_true(&unwrap(p)?)),
    len: Some(|p| ab::len(&unwrap(p)?)),
    contains: Some(|p, item| ab::contains(&unwrap(p)?, item)),
    getitem: Some(|p, key| ab::getitem(&unwrap(p)?, key)),
    setitem: Some(|p, key, value| {
        let o = unwrap(p)?;
        match value {
            Some(v) => ab::setitem(&o, key, v),
            None => ab::delitem(&o, key),
        }
    }),
    number: NumberSlots {
        add: Some(|a, b| binary(a, b, BinOp::Add)),
        sub: Some(|a, b| binary(a, b, BinOp::Sub)),
        mul: Some(|a, b| binary(a, b, BinOp::Mul)),
        truediv: Some(|a, b| binary(a, b, BinOp::TrueDiv)),
        floordiv: Some(|a, b| binary(a, b, BinOp::FloorDiv)),
        rem: Some(|a, b| binary(a, b, BinOp::Mod)),
        divmod: Some(|a, b| binary(a, b, BinOp::DivMod)),
        pow: Some(|a, b, c| ab::power(&unwrap(a)?, &unwrap(b)?, &unwrap(c)?)),
        lshift: Some(|a, b| binary(a, b, BinOp::LShift)),
        rshift: Some(|a, b| binary(a, b, BinOp::RShift)),
        and: Some(|a, b| binary(a, b, BinOp::And)),
        xor: Some(|a, b| binary(a, b, BinOp::Xor)),
        or: Some(|a, b| binary(a, b, BinOp::Or)),
        matmul: Some(|a, b| binary(a, b, BinOp::MatMul)),
        neg: Some(|p| ab::neg(&unwrap(p)?)),
        pos: Some(|p| ab::pos(&unwrap(p)?)),
        abs: Some(|p| ab::abs(&unwrap(p)?)),
        invert: Some(|p| ab::invert(&unwrap(p)?)),
        int: Some(|p| ab::call1(&crate::int::INT_TYPE.to_obj(), unwrap(p)?)),
        float: Some(|p| ab::call1(&crate::float::FLOAT_TYPE.to_obj(), unwrap(p)?)),
        index: Some(|p| ab::index(&unwrap(p)?)),
        inplace_add: Some(|a, b| inplace(a, b, BinOp::Add)),
        inplace_sub: Some(|a, b| inplace(a, b, BinOp::Sub)),
        inplace_mul: Some(|a, b| inplace(a, b, BinOp::Mul)),
        inplace_truediv: Some(|a, b| inplace(a, b, BinOp::TrueDiv)),
        inplace_floordiv: Some(|a, b| inplace(a, b, BinOp::FloorDiv)),
        inplace_rem: Some(|a, b| inplace(a, b, BinOp::Mod)),
        inplace_pow: Some(|a, b, _| inplace(a, b, BinOp::Pow)),
        inplace_lshift: Some(|a, b| inplace(a, b, BinOp::LShift)),
        inplace_rshift: Some(|a, b| inplace(a, b, BinOp::RShift)),
        inplace_and: Some(|a, b| inplace(a, b, BinOp::And)),
        inplace_xor: Some(|a, b| inplace(a, b, BinOp::Xor)),
        inplace_or: Some(|a, b| inplace(a, b, BinOp::Or)),
        inplace_matmul: Some(|a, b| inplace(a, b, BinOp::MatMul)),
    },
    ..Slots::EMPTY
};

crate::builtin_type! {
    /// `weakref.ProxyType`: the proxy of a referent that is not callable.
    pub static PROXY_TYPE = {
        name: "weakref.ProxyType",
        layout: PyWeakRef,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::PREHEADER,
        traverse: Some(crate::weakref::wr_traverse),
        clear: Some(crate::weakref::wr_clear),
        dealloc: crate::weakref::wr_dealloc,
        size: None,
        slots: PROXY_SLOTS,
    }
}

crate::builtin_type! {
    /// `weakref.CallableProxyType`: the proxy of a callable referent; calling it calls
    /// the referent.
    pub static CALLABLE_PROXY_TYPE = {
        name: "weakref.CallableProxyType",
        layout: PyWeakRef,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::PREHEADER,
        traverse: Some(crate::weakref::wr_traverse),
        clear: Some(crate::weakref::wr_clear),
        dealloc: crate::weakref::wr_dealloc,
        size: None,
        slots: Slots {
            call: Some(|p, args, kwnames| ab::call(&unwrap(p)?, args, kwnames)),
            ..PROXY_SLOTS
        },
    }
}

/// `true` if `o` is a weak proxy of either kind.
pub fn is_proxy(o: &PyObj) -> bool {
    o.is_exact(&PROXY_TYPE) || o.is_exact(&CALLABLE_PROXY_TYPE)
}

/// `true` if `ty` is one of the two proxy types.
pub(crate) fn is_proxy_type(ty: &PyType) -> bool {
    std::ptr::eq(ty, &PROXY_TYPE) || std::ptr::eq(ty, &CALLABLE_PROXY_TYPE)
}

/// `_weakref.proxy(object, callback=None)`: a callable proxy if `object`'s type is
/// callable, else a plain one. A proxy without a callback is shared, as CPython
/// shares it: the same object is returned while one is alive.
///
/// # Errors
/// `TypeError` if `object` cannot be weakly referenced.
pub fn new_proxy(object: &PyObj, callback: Option<PyObj>) -> PyResult<PyObj> {
    let ty = if object.ty().slots().call.is_some() {
        &CALLABLE_PROXY_TYPE
    } else {
        &PROXY_TYPE
    };
    crate::weakref::new_weakref(ty, object, callback)
}

fn reference_error() -> PyErr {
    PyErr::new(
        &REFERENCE_ERROR_TYPE,
        "weakly-referenced object no longer exists",
    )
}

/// The referent of `o` if it is a proxy (`ReferenceError` if dead), else `o`.
fn unwrap(o: &PyObj) -> PyResult<PyObj> {
    if is_proxy(o) {
        get_target(o).ok_or_else(reference_error)
    } else {
        Ok(o.clone())
    }
}

fn binary(a: &PyObj, b: &PyObj, op: BinOp) -> PyResult<PyObj> {
    ab::binary_op(&unwrap(a)?, &unwrap(b)?, op)
}

fn inplace(a: &PyObj, b: &PyObj, op: BinOp) -> PyResult<PyObj> {
    ab::inplace_op(&unwrap(a)?, &unwrap(b)?, op)
}

fn proxy_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    ab::richcompare(&unwrap(a)?, &unwrap(b)?, op)
}

fn proxy_iternext(p: &PyObj) -> PyResult<Option<PyObj>> {
    let o = unwrap(p)?;
    if o.ty().slots().iternext.is_none() {
        return Err(type_error(format!(
            "Weakref proxy referenced a non-iterator '{}' object",
            o.ty().name()
        )));
    }
    ab::next(&o)
}

/// `<weakproxy at 0x... to T at 0x...>` (the referent is `None` once dead, as in
/// CPython, which shows `NoneType` and `None`'s address then).
fn proxy_repr(p: &PyObj) -> PyResult<PyObj> {
    let t = get_target(p).unwrap_or_else(crate::singletons::none);
    Ok(crate::str::from_string(format!(
        "<weakproxy at {:#x} to {} at {:#x}>",
        p.addr(),
        t.ty().name(),
        t.addr()
    )))
}

/// `__bytes__` and `__reversed__`, the two methods CPython's proxies define (the
/// other protocols are slots).
pub(crate) fn methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("__bytes__", |args, kw| {
            crate::args::Args::new(args, kw).exact("__bytes__", 1)?;
            ab::call1(&crate::bytes::BYTES_TYPE.to_obj(), unwrap(&args[0])?)
        }),
        MethodDef::new("__reversed__", |args, kw| {
            crate::args::Args::new(args, kw).exact("__reversed__", 1)?;
            ab::call1(
                &crate::function::get_builtin("reversed")?,
                unwrap(&args[0])?,
            )
        }),
    ]
}
