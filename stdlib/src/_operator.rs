//! The `_operator` module (CPython's Modules/_operator.c): the functions
//! `operator.py` imports (`add`, `lt`, `getitem`, `iadd`, `length_hint`,
//! `countOf`, `call`, `_compare_digest`, ...) and the types `attrgetter`,
//! `itemgetter` and `methodcaller` (named `operator.*`, as in CPython), with their
//! reprs and `__reduce__`.
//!
//! `itemgetter` and `methodcaller` hold arbitrary objects, so they are tracked by
//! the collector; `attrgetter` holds only strs.

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_::{self as ab, BinOp};
use strand_objects::args::Args;
use strand_objects::descr::MethodDef;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use strand_objects::{dict, int, module, singletons, str as pystr, tuple, PyObj, PyResult};

use crate::modsupport::Fields;
use strand_interp::native_module::add_functions;

fn args1<'a>(a: &'a [PyObj], k: Option<&PyObj>, name: &str) -> PyResult<&'a PyObj> {
    let qual = format!("_operator.{name}");
    Args::new(a, k).no_kwargs(&qual)?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "{qual}() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    Ok(&a[0])
}

fn args2<'a>(a: &'a [PyObj], k: Option<&PyObj>, name: &str) -> PyResult<(&'a PyObj, &'a PyObj)> {
    Args::new(a, k).expect_fn(name, 2, 2)?;
    Ok((&a[0], &a[1]))
}

/// `operator.length_hint(obj, default)` (CPython's `PyObject_LengthHint`).
pub fn length_hint(o: &PyObj, default: usize) -> PyResult<usize> {
    if o.ty().slots().len.is_some() {
        match ab::len(o) {
            Ok(n) => return Ok(n),
            Err(e) if e.is_instance(&exc::TYPE_ERROR_TYPE) => {}
            Err(e) => return Err(e),
        }
    }
    // A `TypeError` from `__length_hint__` means "no hint" (itertools.repeat's when
    // it is endless), as in CPython.
    let r = match ab::call_special(o, "__length_hint__", &[]) {
        Ok(Some(r)) => r,
        Ok(None) => return Ok(default),
        Err(e) if e.is_instance(&exc::TYPE_ERROR_TYPE) => return Ok(default),
        Err(e) => return Err(e),
    };
    if singletons::is_not_implemented(&r) {
        return Ok(default);
    }
    if !int::is_int(&r) {
        return Err(type_error(format!(
            "__length_hint__ must be an integer, not {}",
            r.ty().name()
        )));
    }
    let n = int::to_isize(&r)?;
    if n < 0 {
        return Err(value_error("__length_hint__() should return >= 0"));
    }
    Ok(n as usize)
}

fn f_length_hint(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("length_hint", 1, 2)?;
    let default = match a.get(1) {
        Some(d) => {
            if !int::is_int(d) && d.ty().slots().number.index.is_none() {
                return Err(type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    d.ty().name()
                )));
            }
            int::to_isize(&ab::index(d)?)?
        }
        None => 0,
    };
    if default < 0 {
        // CPython returns a negative default as it is when nothing better is known.
        return match length_hint(&a[0], usize::MAX)? {
            usize::MAX => Ok(int::from_i64(default as i64)),
            n => Ok(int::from_usize(n)),
        };
    }
    Ok(int::from_usize(length_hint(&a[0], default as usize)?))
}

/// Whether `o` supports the sequence protocol enough to be concatenated.
fn is_sequence(o: &PyObj) -> bool {
    o.ty().slots().getitem.is_some() && !dict::is_dict(o)
}

fn concat(a: &[PyObj], k: Option<&PyObj>, inplace: bool) -> PyResult<PyObj> {
    let (x, y) = args2(a, k, if inplace { "iconcat" } else { "concat" })?;
    if !is_sequence(x) {
        return Err(type_error(format!(
            "'{}' object can't be concatenated",
            x.ty().name()
        )));
    }
    if inplace {
        ab::inplace_op(x, y, BinOp::Add)
    } else {
        ab::binary_op(x, y, BinOp::Add)
    }
}

/// Positions where `item` is `x` or equal to it.
fn count_or_index(seq: &PyObj, x: &PyObj, first: bool) -> PyResult<Option<usize>> {
    let it = ab::iter(seq)?;
    let (mut i, mut n) = (0usize, 0usize);
    while let Some(item) = ab::next(&it)? {
        if item.is(x) || ab::eq(&item, x)? {
            if first {
                return Ok(Some(i));
            }
            n += 1;
        }
        i += 1;
    }
    Ok(if first { None } else { Some(n) })
}

fn compare_digest(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (x, y) = args2(a, k, "_compare_digest")?;
    let (bx, by): (Vec<u8>, Vec<u8>) = if pystr::is_str(x) && pystr::is_str(y) {
        let (sx, sy) = (pystr::as_str(x), pystr::as_str(y));
        if !sx.is_ascii() || !sy.is_ascii() {
            return Err(type_error(
                "comparing strings with non-ASCII characters is not supported",
            ));
        }
        (sx.as_bytes().to_vec(), sy.as_bytes().to_vec())
    } else if pystr::is_str(x) || pystr::is_str(y) {
        let other = if pystr::is_str(x) { y } else { x };
        if crate::buffer::bytes_like(other).is_ok() {
            return Err(type_error(format!(
                "a bytes-like object is required, not '{}'",
                if pystr::is_str(x) { x } else { y }.ty().name()
            )));
        }
        return Err(unsupported_digest(x, y));
    } else {
        match (crate::buffer::bytes_like(x), crate::buffer::bytes_like(y)) {
            (Ok(bx), Ok(by)) => (bx, by),
            _ => return Err(unsupported_digest(x, y)),
        }
    };
    // Time independent of where the inputs differ.
    let mut diff = u8::from(bx.len() != by.len());
    let other = if bx.len() == by.len() { &by } else { &bx };
    for (p, q) in bx.iter().zip(other.iter()) {
        diff |= p ^ q;
    }
    Ok(int::bool_obj(diff == 0))
}

fn unsupported_digest(x: &PyObj, y: &PyObj) -> strand_objects::PyErr {
    type_error(format!(
        "unsupported operand types(s) or combination of types: '{}' and '{}'",
        x.ty().name(),
        y.ty().name()
    ))
}

fn call(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let f = a
        .first()
        .ok_or_else(|| type_error("call() missing 1 required positional argument: 'obj'"))?;
    ab::call(f, &a[1..], k)
}

// ---------------------------------------------------------------------------------
// attrgetter, itemgetter, methodcaller
// ---------------------------------------------------------------------------------

/// The layout of the three callable types: what each call uses.
#[repr(C)]
pub struct PyGetter {
    header: ObjectHeader,
    fields: Fields<GetterFields>,
}

/// What a getter holds.
pub struct GetterFields {
    /// attrgetter: the names as given; itemgetter: the items; methodcaller: the
    /// name, then the positional arguments.
    items: Vec<PyObj>,
    /// attrgetter: each name split at its dots.
    paths: Vec<Vec<PyObj>>,
    /// methodcaller: the keyword arguments (a dict).
    kwargs: Option<PyObj>,
}

unsafe fn getter_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyGetter layouts; world stopped.
    let g = unsafe { &*(obj.as_ptr() as *const PyGetter) };
    if let Some(f) = g.fields.get() {
        for o in f.items.iter().chain(f.kwargs.iter()) {
            visit(o.as_ptr());
        }
    }
}

unsafe fn getter_clear(obj: ObjPtr) {
    // SAFETY: installed on PyGetter layouts; the collector clears unreachable
    // objects only, which no thread can reach.
    let g = unsafe { &*(obj.as_ptr() as *const PyGetter) };
    // SAFETY: as above.
    drop(unsafe { g.fields.take() });
}

unsafe fn getter_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `new_getter`.
    unsafe {
        let p = obj.as_ptr() as *mut PyGetter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fields));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

macro_rules! getter_type {
    ($(#[$m:meta])* $ident:ident, $name:literal, $kind:expr, $new:expr, $call:expr, $repr:expr) => {
        strand_objects::builtin_type! {
            $(#[$m])*
            pub static $ident = {
                name: $name,
                layout: PyGetter,
                itemsize: 0,
                kind: $kind,
                flags: TypeFlags::empty(),
                traverse: Some(getter_traverse),
                clear: Some(getter_clear),
                dealloc: getter_dealloc,
                size: None,
                slots: Slots {
                    new: Some($new),
                    call: Some($call),
                    repr: Some($repr),
                    ..Slots::EMPTY
                },
            }
        }
    };
}

getter_type!(
    /// `operator.attrgetter`.
    ATTRGETTER_TYPE, "operator.attrgetter", HeapKind::NonGc, attrgetter_new, attrgetter_call,
    |o| getter_repr(o, "attrgetter")
);
getter_type!(
    /// `operator.itemgetter`.
    ITEMGETTER_TYPE, "operator.itemgetter", HeapKind::Gc, itemgetter_new, itemgetter_call,
    |o| getter_repr(o, "itemgetter")
);
getter_type!(
    /// `operator.methodcaller`.
    METHODCALLER_TYPE, "operator.methodcaller", HeapKind::Gc, methodcaller_new,
    methodcaller_call, methodcaller_repr
);

fn new_getter(ty: &'static PyType, f: GetterFields) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyGetter layout; the fields are written
    // before the object is finished (and tracked).
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyGetter;
        std::ptr::addr_of_mut!((*p).fields).write(Fields::new(f));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn fields(o: &PyObj) -> PyResult<&GetterFields> {
    // SAFETY: the slots and methods are installed on the three PyGetter types only
    // (not subclassable).
    let g = unsafe { o.payload_unchecked::<PyGetter>() };
    g.fields
        .get()
        .ok_or_else(|| exc::runtime_error("operator object used after it was cleared"))
}

fn attrgetter_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    args.no_kwargs("attrgetter")?;
    if a.is_empty() {
        return Err(type_error("attrgetter expected 1 argument, got 0"));
    }
    let mut paths = Vec::with_capacity(a.len());
    for name in a {
        if !pystr::is_str(name) {
            return Err(type_error("attribute name must be a string"));
        }
        paths.push(
            pystr::as_str(name)
                .split('.')
                .map(pystr::intern)
                .collect::<Vec<_>>(),
        );
    }
    Ok(new_getter(
        &ATTRGETTER_TYPE,
        GetterFields {
            items: a.to_vec(),
            paths,
            kwargs: None,
        },
    ))
}

fn attrgetter_call(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    args.no_kwargs("attrgetter")?;
    args.expect_fn("attrgetter", 1, 1)?;
    let f = fields(o)?;
    let get = |path: &Vec<PyObj>| -> PyResult<PyObj> {
        let mut v = a[0].clone();
        for name in path {
            v = ab::getattr(&v, name)?;
        }
        Ok(v)
    };
    if f.paths.len() == 1 {
        return get(&f.paths[0]);
    }
    Ok(tuple::from_vec(
        f.paths.iter().map(get).collect::<PyResult<Vec<_>>>()?,
    ))
}

fn itemgetter_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("itemgetter")?;
    if a.is_empty() {
        return Err(type_error("itemgetter expected 1 argument, got 0"));
    }
    Ok(new_getter(
        &ITEMGETTER_TYPE,
        GetterFields {
            items: a.to_vec(),
            paths: Vec::new(),
            kwargs: None,
        },
    ))
}

fn itemgetter_call(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    args.no_kwargs("itemgetter")?;
    args.expect_fn("itemgetter", 1, 1)?;
    let f = fields(o)?;
    if f.items.len() == 1 {
        return ab::getitem(&a[0], &f.items[0]);
    }
    Ok(tuple::from_vec(
        f.items
            .iter()
            .map(|i| ab::getitem(&a[0], i))
            .collect::<PyResult<Vec<_>>>()?,
    ))
}

fn getter_repr(o: &PyObj, name: &str) -> PyResult<PyObj> {
    let Some(_guard) = ab::ReprGuard::enter(o) else {
        return Ok(pystr::from_string(format!("operator.{name}(...)")));
    };
    let f = fields(o)?;
    let parts = f
        .items
        .iter()
        .map(ab::repr_string)
        .collect::<PyResult<Vec<_>>>()?;
    Ok(pystr::from_string(format!(
        "operator.{name}({})",
        parts.join(", ")
    )))
}

fn methodcaller_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let pos = args.positionals();
    let Some(name) = pos.first() else {
        return Err(type_error(
            "methodcaller needs at least one argument, the method name",
        ));
    };
    if !pystr::is_str(name) {
        return Err(type_error("method name must be a string"));
    }
    let mut items = vec![pystr::intern_obj(name)];
    items.extend_from_slice(&pos[1..]);
    let kwargs = dict::new();
    for (key, v) in args.kwargs() {
        dict::set_item_str(&kwargs, key, v.clone());
    }
    Ok(new_getter(
        &METHODCALLER_TYPE,
        GetterFields {
            items,
            paths: Vec::new(),
            kwargs: Some(kwargs),
        },
    ))
}

fn methodcaller_call(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    args.no_kwargs("methodcaller")?;
    args.expect_fn("methodcaller", 1, 1)?;
    let f = fields(o)?;
    let method = ab::getattr(&a[0], &f.items[0])?;
    ab::call_with_dict(&method, &f.items[1..], f.kwargs.as_ref())
}

fn methodcaller_repr(o: &PyObj) -> PyResult<PyObj> {
    let Some(_guard) = ab::ReprGuard::enter(o) else {
        return Ok(pystr::new("operator.methodcaller(...)"));
    };
    let f = fields(o)?;
    let mut parts = f
        .items
        .iter()
        .map(ab::repr_string)
        .collect::<PyResult<Vec<_>>>()?;
    if let Some(kw) = &f.kwargs {
        for (key, v) in dict::items(kw) {
            parts.push(format!("{}={}", pystr::as_str(&key), ab::repr_string(&v)?));
        }
    }
    Ok(pystr::from_string(format!(
        "operator.methodcaller({})",
        parts.join(", ")
    )))
}

fn reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    let o = &a[0];
    let f = fields(o)?;
    let ty = o.ty().to_obj();
    if o.is_exact(&METHODCALLER_TYPE) {
        if let Some(kw) = f.kwargs.as_ref().filter(|d| dict::len(d) > 0) {
            let partial = crate::_functools::partial_type();
            let callable = ab::call_with_dict(&partial, &[ty, f.items[0].clone()], Some(kw))?;
            return Ok(tuple::pair(callable, tuple::from_slice(&f.items[1..])));
        }
    }
    Ok(tuple::pair(ty, tuple::from_slice(&f.items)))
}

// ---------------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------------

macro_rules! binary {
    ($($name:literal => $op:expr, $inplace:expr;)*) => {
        &[$(($name, |a: &[PyObj], k: Option<&PyObj>| {
            let (x, y) = args2(a, k, $name)?;
            if $inplace { ab::inplace_op(x, y, $op) } else { ab::binary_op(x, y, $op) }
        }),)*]
    };
}

macro_rules! compare {
    ($($name:literal => $op:expr;)*) => {
        &[$(($name, |a: &[PyObj], k: Option<&PyObj>| {
            let (x, y) = args2(a, k, $name)?;
            ab::richcompare(x, y, $op)
        }),)*]
    };
}

macro_rules! unary {
    ($($name:literal => $f:expr;)*) => {
        &[$(($name, |a: &[PyObj], k: Option<&PyObj>| {
            let x = args1(a, k, $name)?;
            let f: fn(&PyObj) -> PyResult<PyObj> = $f;
            f(x)
        }),)*]
    };
}

/// The `_operator` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        let m = [MethodDef::new("__reduce__", reduce)];
        ATTRGETTER_TYPE.ready_static(Some(object), &m, &[]);
        ITEMGETTER_TYPE.ready_static(Some(object), &m, &[]);
        METHODCALLER_TYPE.ready_static(Some(object), &m, &[]);
    });
    let m = module::new_native_module("_operator");
    add_functions(
        &m,
        "_operator",
        binary! {
            "add" => BinOp::Add, false;
            "sub" => BinOp::Sub, false;
            "mul" => BinOp::Mul, false;
            "truediv" => BinOp::TrueDiv, false;
            "floordiv" => BinOp::FloorDiv, false;
            "mod" => BinOp::Mod, false;
            "pow" => BinOp::Pow, false;
            "lshift" => BinOp::LShift, false;
            "rshift" => BinOp::RShift, false;
            "and_" => BinOp::And, false;
            "xor" => BinOp::Xor, false;
            "or_" => BinOp::Or, false;
            "matmul" => BinOp::MatMul, false;
            "iadd" => BinOp::Add, true;
            "isub" => BinOp::Sub, true;
            "imul" => BinOp::Mul, true;
            "itruediv" => BinOp::TrueDiv, true;
            "ifloordiv" => BinOp::FloorDiv, true;
            "imod" => BinOp::Mod, true;
            "ipow" => BinOp::Pow, true;
            "ilshift" => BinOp::LShift, true;
            "irshift" => BinOp::RShift, true;
            "iand" => BinOp::And, true;
            "ixor" => BinOp::Xor, true;
            "ior" => BinOp::Or, true;
            "imatmul" => BinOp::MatMul, true;
        },
    );
    add_functions(
        &m,
        "_operator",
        compare! {
            "lt" => CompareOp::Lt;
            "le" => CompareOp::Le;
            "eq" => CompareOp::Eq;
            "ne" => CompareOp::Ne;
            "gt" => CompareOp::Gt;
            "ge" => CompareOp::Ge;
        },
    );
    add_functions(
        &m,
        "_operator",
        unary! {
            "neg" => ab::neg;
            "pos" => ab::pos;
            "abs" => ab::abs;
            "inv" => ab::invert;
            "invert" => ab::invert;
            "index" => ab::index;
            "not_" => |x| Ok(int::bool_obj(ab::not(x)?));
            "truth" => |x| Ok(int::bool_obj(ab::is_true(x)?));
        },
    );
    add_functions(
        &m,
        "_operator",
        &[
            ("is_", |a, k| {
                let (x, y) = args2(a, k, "is_")?;
                Ok(int::bool_obj(x.is(y)))
            }),
            ("is_not", |a, k| {
                let (x, y) = args2(a, k, "is_not")?;
                Ok(int::bool_obj(!x.is(y)))
            }),
            ("concat", |a, k| concat(a, k, false)),
            ("iconcat", |a, k| concat(a, k, true)),
            ("contains", |a, k| {
                let (x, y) = args2(a, k, "contains")?;
                Ok(int::bool_obj(ab::contains(x, y)?))
            }),
            ("countOf", |a, k| {
                let (x, y) = args2(a, k, "countOf")?;
                Ok(int::from_usize(count_or_index(x, y, false)?.unwrap_or(0)))
            }),
            ("indexOf", |a, k| {
                let (x, y) = args2(a, k, "indexOf")?;
                match count_or_index(x, y, true)? {
                    Some(i) => Ok(int::from_usize(i)),
                    None => Err(value_error("sequence.index(x): x not in sequence")),
                }
            }),
            ("getitem", |a, k| {
                let (x, y) = args2(a, k, "getitem")?;
                ab::getitem(x, y)
            }),
            ("setitem", |a, k| {
                Args::new(a, k).expect_fn("setitem", 3, 3)?;
                ab::setitem(&a[0], &a[1], &a[2])?;
                Ok(singletons::none())
            }),
            ("delitem", |a, k| {
                let (x, y) = args2(a, k, "delitem")?;
                ab::delitem(x, y)?;
                Ok(singletons::none())
            }),
            ("length_hint", f_length_hint),
            ("call", call),
            ("_compare_digest", compare_digest),
        ],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "attrgetter", ATTRGETTER_TYPE.to_obj());
    dict::set_item_str(&d, "itemgetter", ITEMGETTER_TYPE.to_obj());
    dict::set_item_str(&d, "methodcaller", METHODCALLER_TYPE.to_obj());
    crate::modsupport::add_str(
        &d,
        "__doc__",
        "Operator interface: the intrinsic operators of Python as functions \
         (operator.add(x, y) is x + y).",
    );
    m
}
