//! The abstract object layer (CPython's Objects/abstract.c and object.c): the generic
//! operations every part of the runtime uses — attribute access, calls, comparisons,
//! arithmetic with the reflected-operand protocol, truth, length, iteration,
//! subscripting, `repr`/`str`, `isinstance` — dispatched through type slots, with
//! CPython's error messages.

use std::cell::{Cell, RefCell};

use crate::exceptions::{type_error, PyErr};
use crate::object::PyObj;
use crate::singletons::{bool_obj, is_not_implemented, none, not_implemented};
use crate::typeobj::{BinaryFn, CompareOp, NumberSlots, PyType, TernaryFn, TypeFlags};
use crate::PyResult;

// ---------------------------------------------------------------------------------
// Recursion limit for native recursion (repr of nested containers, comparisons...),
// shared with the interpreter's Python call depth.
// ---------------------------------------------------------------------------------

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

static RECURSION_LIMIT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1000);

/// The recursion limit (`sys.getrecursionlimit()`).
pub fn recursion_limit() -> u32 {
    RECURSION_LIMIT.load(std::sync::atomic::Ordering::Relaxed)
}

/// Sets the recursion limit.
pub fn set_recursion_limit(n: u32) {
    RECURSION_LIMIT.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// One level of native or Python recursion; dropping it leaves the level.
pub struct RecursionGuard(());

impl Drop for RecursionGuard {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - 1));
    }
}

/// Native stack that must be left when a recursion level is entered: enough for the
/// deepest native work between two levels (an interpreter loop's frame and the calls
/// it makes) and for raising and reporting the `RecursionError`. Debug builds have
/// much larger frames.
const STACK_RESERVE: usize = if cfg!(debug_assertions) {
    4 << 20
} else {
    512 << 10
};

thread_local! {
    /// This thread's reserve: [`STACK_RESERVE`], or a quarter of what was left at the
    /// first check on a small stack (0 until then).
    static RESERVE: Cell<usize> = const { Cell::new(0) };
}

/// Whether this thread's native stack is nearly used up (less than its reserve
/// left). The bounds come from the thread's actual stack (`pthread_getattr_np`,
/// through `stacker`), so any stack size is safe, as with CPython 3.12's C stack
/// protection.
#[inline]
fn stack_nearly_exhausted() -> bool {
    let Some(left) = stacker::remaining_stack() else {
        return false;
    };
    let reserve = RESERVE.with(|r| {
        if r.get() == 0 {
            r.set(STACK_RESERVE.min(left / 4).max(1));
        }
        r.get()
    });
    left < reserve
}

/// Enters one recursion level, or raises `RecursionError: maximum recursion depth
/// exceeded{where_}`: past `sys.getrecursionlimit()` levels, or when the native
/// stack runs low (deep recursion with a raised limit never overflows the stack).
#[inline]
pub fn enter_recursive_call(where_: &str) -> PyResult<RecursionGuard> {
    let d = DEPTH.with(|d| {
        let v = d.get() + 1;
        d.set(v);
        v
    });
    if d > recursion_limit() || stack_nearly_exhausted() {
        DEPTH.with(|c| c.set(c.get() - 1));
        return Err(crate::exceptions::recursion_error(format!(
            "maximum recursion depth exceeded{where_}"
        )));
    }
    Ok(RecursionGuard(()))
}

/// Enters one recursion level for a Python frame that the interpreter runs in the
/// loop invocation of its caller (CPython 3.11's `_Py_EnterRecursivePy`): only the
/// level count is checked against the recursion limit, since such a call takes no
/// native stack (every native recursion still goes through
/// [`enter_recursive_call`], which also watches the native stack). The level is
/// left with [`leave_recursive_call`].
///
/// # Errors
/// `RecursionError: maximum recursion depth exceeded` past the limit.
#[inline(always)]
pub fn enter_recursive_py() -> PyResult<()> {
    let d = DEPTH.with(|d| {
        let v = d.get() + 1;
        d.set(v);
        v
    });
    if d > recursion_limit() {
        return Err(recursion_exceeded());
    }
    Ok(())
}

/// Leaves the level [`enter_recursive_py`] entered and makes its error.
#[cold]
#[inline(never)]
fn recursion_exceeded() -> PyErr {
    DEPTH.with(|c| c.set(c.get() - 1));
    crate::exceptions::recursion_error("maximum recursion depth exceeded")
}

/// Leaves a recursion level entered with [`enter_recursive_call`] whose guard was
/// forgotten: the interpreter keeps one level per running Python frame without a
/// guard, and leaves it when the frame returns.
pub fn leave_recursive_call() {
    DEPTH.with(|d| d.set(d.get() - 1));
}

/// The current recursion depth of this thread.
pub fn recursion_depth() -> u32 {
    DEPTH.with(Cell::get)
}

// ---------------------------------------------------------------------------------
// repr / str
// ---------------------------------------------------------------------------------

thread_local! {
    static REPR_STACK: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Detects self-referential containers during `repr` (CPython's `Py_ReprEnter`).
pub struct ReprGuard(usize);

impl ReprGuard {
    /// `None` if `obj` is already being repr'd on this thread (print `[...]`).
    pub fn enter(obj: &PyObj) -> Option<ReprGuard> {
        let addr = obj.addr();
        REPR_STACK.with(|s| {
            let mut s = s.borrow_mut();
            if s.contains(&addr) {
                None
            } else {
                s.push(addr);
                Some(ReprGuard(addr))
            }
        })
    }
}

impl Drop for ReprGuard {
    fn drop(&mut self) {
        REPR_STACK.with(|s| {
            let mut s = s.borrow_mut();
            if let Some(i) = s.iter().rposition(|&a| a == self.0) {
                s.remove(i);
            }
        });
    }
}

/// `repr(obj)`.
pub fn repr(obj: &PyObj) -> PyResult<PyObj> {
    let _g = enter_recursive_call(" while getting the repr of an object")?;
    let r = match obj.ty().slots().repr {
        Some(f) => f(obj)?,
        None => crate::baseobject::object_repr(obj)?,
    };
    if !crate::str::is_str(&r) {
        return Err(type_error(format!(
            "__repr__ returned non-string (type {})",
            r.ty().name()
        )));
    }
    Ok(r)
}

/// `str(obj)`.
pub fn str_(obj: &PyObj) -> PyResult<PyObj> {
    if crate::str::is_exact_str(obj) {
        return Ok(obj.clone());
    }
    let _g = enter_recursive_call(" while getting the str of an object")?;
    let r = match obj.ty().slots().str {
        Some(f) => f(obj)?,
        None => return repr(obj),
    };
    if !crate::str::is_str(&r) {
        return Err(type_error(format!(
            "__str__ returned non-string (type {})",
            r.ty().name()
        )));
    }
    Ok(r)
}

/// `repr(obj)` as a Rust string.
pub fn repr_string(obj: &PyObj) -> PyResult<String> {
    Ok(crate::str::as_str(&repr(obj)?).to_string())
}

/// `str(obj)` as a Rust string.
pub fn str_string(obj: &PyObj) -> PyResult<String> {
    Ok(crate::str::as_str(&str_(obj)?).to_string())
}

/// `ascii(obj)`: the repr with non-ASCII characters escaped.
pub fn ascii(obj: &PyObj) -> PyResult<PyObj> {
    let r = repr_string(obj)?;
    let mut s = String::with_capacity(r.len());
    for c in r.chars() {
        let cp = c as u32;
        if cp < 0x80 {
            s.push(c);
        } else if cp <= 0xff {
            s.push_str(&format!("\\x{cp:02x}"));
        } else if cp <= 0xffff {
            s.push_str(&format!("\\u{cp:04x}"));
        } else {
            s.push_str(&format!("\\U{cp:08x}"));
        }
    }
    Ok(crate::str::from_string(s))
}

/// `format(obj, spec)`.
pub fn format(obj: &PyObj, spec: &PyObj) -> PyResult<PyObj> {
    if crate::str::as_str(spec).is_empty() {
        if crate::str::is_exact_str(obj) {
            return Ok(obj.clone());
        }
        if crate::int::is_exact_int(obj) || obj.is_exact(&crate::float::FLOAT_TYPE) {
            return str_(obj);
        }
    }
    let method = obj.ty().lookup_str("__format__").ok_or_else(|| {
        type_error(format!(
            "Type {} doesn't define __format__",
            obj.ty().name()
        ))
    })?;
    let r = call_descr(&method, obj, std::slice::from_ref(spec))?;
    if !crate::str::is_str(&r) {
        return Err(type_error(format!(
            "__format__ must return a str, not {}",
            r.ty().name()
        )));
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------
// Hashing, truth, length
// ---------------------------------------------------------------------------------

/// `hash(obj)`.
#[inline]
pub fn hash(obj: &PyObj) -> PyResult<isize> {
    match obj.ty().slots().hash {
        Some(f) => f(obj),
        None => Err(unhashable(obj)),
    }
}

/// `TypeError: unhashable type: 'list'`.
pub fn unhashable(obj: &PyObj) -> PyErr {
    type_error(format!("unhashable type: '{}'", obj.ty().name()))
}

/// `bool(obj)`.
#[inline]
pub fn is_true(obj: &PyObj) -> PyResult<bool> {
    if crate::singletons::is_true_obj(obj) {
        return Ok(true);
    }
    if crate::singletons::is_false_obj(obj) || crate::singletons::is_none(obj) {
        return Ok(false);
    }
    let slots = obj.ty().slots();
    if let Some(f) = slots.bool {
        return f(obj);
    }
    if let Some(f) = slots.len {
        return Ok(f(obj)? != 0);
    }
    Ok(true)
}

/// `not obj`.
pub fn not(obj: &PyObj) -> PyResult<bool> {
    Ok(!is_true(obj)?)
}

/// `len(obj)`.
pub fn len(obj: &PyObj) -> PyResult<usize> {
    match obj.ty().slots().len {
        Some(f) => f(obj),
        None => Err(type_error(format!(
            "object of type '{}' has no len()",
            obj.ty().name()
        ))),
    }
}

// ---------------------------------------------------------------------------------
// Attributes
// ---------------------------------------------------------------------------------

/// `getattr(obj, name)`; `name` must be a str.
#[inline]
pub fn getattr(obj: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    let r = match obj.ty().slots().getattro {
        Some(f) => f(obj, name),
        None => crate::baseobject::generic_getattr(obj, name),
    };
    r.map_err(|e| attribute_error_context(e, obj, name))
}

/// Gives an `AttributeError` that leaves `getattr(obj, name)` without `name` and
/// `obj` attributes those two (CPython 3.11's `set_attribute_error_context` in
/// Objects/object.c), so a `__getattr__` that raises a bare `AttributeError` still
/// gets a "Did you mean" suggestion when printed. Other exceptions pass unchanged.
#[cold]
fn attribute_error_context(e: PyErr, obj: &PyObj, name: &PyObj) -> PyErr {
    if e.is_instance(&crate::exceptions::ATTRIBUTE_ERROR_TYPE) {
        let unset = |n: &str| {
            crate::exceptions::attr(e.value(), n).is_none_or(|v| crate::singletons::is_none(&v))
        };
        if unset("name") && unset("obj") {
            crate::exceptions::set_exc_attr(e.value(), "name", name.clone());
            crate::exceptions::set_exc_attr(e.value(), "obj", obj.clone());
        }
    }
    e
}

/// `getattr(obj, "name")`.
pub fn getattr_str(obj: &PyObj, name: &str) -> PyResult<PyObj> {
    getattr(obj, &crate::str::intern(name))
}

/// `getattr(obj, name, None)` but distinguishing "missing" (`Ok(None)`) from errors
/// other than `AttributeError`.
pub fn getattr_opt(obj: &PyObj, name: &PyObj) -> PyResult<Option<PyObj>> {
    let getattro = obj.ty().slots().getattro;
    let generic = getattro
        .is_none_or(|f| f as usize == crate::baseobject::generic_getattr as *const () as usize);
    if generic {
        // A descriptor's AttributeError (an unset `__slots__` member, a property that
        // raises it) means "no such attribute" here too, as in CPython's
        // `_PyObject_LookupAttr`.
        return match crate::baseobject::generic_getattr_opt(obj, name) {
            Err(e) if e.is_instance(&crate::exceptions::ATTRIBUTE_ERROR_TYPE) => Ok(None),
            r => r,
        };
    }
    match getattr(obj, name) {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_instance(&crate::exceptions::ATTRIBUTE_ERROR_TYPE) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `setattr(obj, name, value)`.
pub fn setattr(obj: &PyObj, name: &PyObj, value: &PyObj) -> PyResult<()> {
    match obj.ty().slots().setattro {
        Some(f) => f(obj, name, Some(value)),
        None => Err(no_setattr(obj, name)),
    }
}

/// `delattr(obj, name)`.
pub fn delattr(obj: &PyObj, name: &PyObj) -> PyResult<()> {
    match obj.ty().slots().setattro {
        Some(f) => f(obj, name, None),
        None => Err(no_setattr(obj, name)),
    }
}

fn no_setattr(obj: &PyObj, name: &PyObj) -> PyErr {
    crate::exceptions::attribute_error(format!(
        "'{}' object has no attribute '{}' and no __dict__ for setting new attributes",
        obj.ty().name(),
        crate::str::as_str(name)
    ))
}

/// `hasattr(obj, name)`.
pub fn hasattr(obj: &PyObj, name: &PyObj) -> PyResult<bool> {
    Ok(getattr_opt(obj, name)?.is_some())
}

// ---------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------

/// `callable(*args[..n], **kw)` in vectorcall layout (see [`crate::args`]).
#[inline]
pub fn call(callable: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    match callable.ty().slots().call {
        Some(f) => f(callable, args, kwnames),
        None => Err(type_error(format!(
            "'{}' object is not callable",
            callable.ty().name()
        ))),
    }
}

/// `callable()`.
pub fn call0(callable: &PyObj) -> PyResult<PyObj> {
    call(callable, &[], None)
}

/// `callable(a)`.
pub fn call1(callable: &PyObj, a: PyObj) -> PyResult<PyObj> {
    call(callable, &[a], None)
}

/// `callable(*args, **kwargs)` with a tuple and an optional dict (`CALL_FUNCTION_EX`).
pub fn call_with_dict(callable: &PyObj, args: &[PyObj], kwargs: Option<&PyObj>) -> PyResult<PyObj> {
    match kwargs {
        None => call(callable, args, None),
        Some(d) => {
            let items = crate::dict::items(d);
            if items.is_empty() {
                return call(callable, args, None);
            }
            let mut all = args.to_vec();
            let mut names = Vec::with_capacity(items.len());
            for (k, v) in items {
                if !crate::str::is_str(&k) {
                    return Err(type_error("keywords must be strings"));
                }
                names.push(k);
                all.push(v);
            }
            call(callable, &all, Some(&crate::tuple::from_vec(names)))
        }
    }
}

/// Calls a descriptor found on `self_`'s type as a method: functions and method
/// descriptors get `self_` prepended (no bound method is made); other descriptors are
/// bound through `__get__` first.
pub fn call_descr(descr: &PyObj, self_: &PyObj, args: &[PyObj]) -> PyResult<PyObj> {
    let dty = descr.ty();
    if dty.flags().contains(TypeFlags::METHOD_DESCRIPTOR) {
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(self_.clone());
        all.extend_from_slice(args);
        return call(descr, &all, None);
    }
    match dty.slots().descr_get {
        Some(get) => {
            let bound = get(descr, Some(self_), &self_.ty().to_obj())?;
            call(&bound, args, None)
        }
        None => call(descr, args, None),
    }
}

/// `obj.name(*args)`.
pub fn call_method(obj: &PyObj, name: &str, args: &[PyObj]) -> PyResult<PyObj> {
    let m = getattr_str(obj, name)?;
    call(&m, args, None)
}

/// Looks a special method up on the type (not the instance) and calls it, or returns
/// `Ok(None)` if the type lacks it.
pub fn call_special(obj: &PyObj, name: &str, args: &[PyObj]) -> PyResult<Option<PyObj>> {
    match obj.ty().lookup_str(name) {
        Some(d) => call_descr(&d, obj, args).map(Some),
        None => Ok(None),
    }
}

// ---------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------

/// `a <op> b` (CPython's `do_richcompare`).
pub fn richcompare(v: &PyObj, w: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    let _g = enter_recursive_call(" in comparison")?;
    let (vt, wt) = (v.ty(), w.ty());
    let mut checked_reverse = false;
    if !std::ptr::eq(vt, wt) && wt.is_subtype(vt) {
        if let Some(f) = wt.slots().richcompare {
            checked_reverse = true;
            let r = f(w, v, op.swapped())?;
            if !is_not_implemented(&r) {
                return Ok(r);
            }
        }
    }
    if let Some(f) = vt.slots().richcompare {
        let r = f(v, w, op)?;
        if !is_not_implemented(&r) {
            return Ok(r);
        }
    }
    if !checked_reverse {
        if let Some(f) = wt.slots().richcompare {
            let r = f(w, v, op.swapped())?;
            if !is_not_implemented(&r) {
                return Ok(r);
            }
        }
    }
    match op {
        CompareOp::Eq => Ok(bool_obj(v.is(w))),
        CompareOp::Ne => Ok(bool_obj(!v.is(w))),
        _ => Err(type_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op.symbol(),
            vt.name(),
            wt.name()
        ))),
    }
}

/// `bool(a <op> b)`, with the identity shortcut containers use for `==` and `!=`.
#[inline]
pub fn richcompare_bool(v: &PyObj, w: &PyObj, op: CompareOp) -> PyResult<bool> {
    if v.is(w) {
        match op {
            CompareOp::Eq => return Ok(true),
            CompareOp::Ne => return Ok(false),
            _ => {}
        }
    }
    let r = richcompare(v, w, op)?;
    is_true(&r)
}

/// `a == b` as a bool.
pub fn eq(a: &PyObj, b: &PyObj) -> PyResult<bool> {
    richcompare_bool(a, b, CompareOp::Eq)
}

// ---------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------

/// Binary operators, for dispatch and error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    TrueDiv,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    And,
    Xor,
    Or,
    MatMul,
    DivMod,
}

impl BinOp {
    /// The operator's symbol in error messages.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::TrueDiv => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "** or pow()",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::And => "&",
            BinOp::Xor => "^",
            BinOp::Or => "|",
            BinOp::MatMul => "@",
            BinOp::DivMod => "divmod()",
        }
    }

    fn slot(self, n: &NumberSlots) -> Option<BinaryFn> {
        match self {
            BinOp::Add => n.add,
            BinOp::Sub => n.sub,
            BinOp::Mul => n.mul,
            BinOp::TrueDiv => n.truediv,
            BinOp::FloorDiv => n.floordiv,
            BinOp::Mod => n.rem,
            BinOp::Pow => None,
            BinOp::LShift => n.lshift,
            BinOp::RShift => n.rshift,
            BinOp::And => n.and,
            BinOp::Xor => n.xor,
            BinOp::Or => n.or,
            BinOp::MatMul => n.matmul,
            BinOp::DivMod => n.divmod,
        }
    }

    fn inplace_slot(self, n: &NumberSlots) -> Option<BinaryFn> {
        match self {
            BinOp::Add => n.inplace_add,
            BinOp::Sub => n.inplace_sub,
            BinOp::Mul => n.inplace_mul,
            BinOp::TrueDiv => n.inplace_truediv,
            BinOp::FloorDiv => n.inplace_floordiv,
            BinOp::Mod => n.inplace_rem,
            BinOp::Pow => None,
            BinOp::LShift => n.inplace_lshift,
            BinOp::RShift => n.inplace_rshift,
            BinOp::And => n.inplace_and,
            BinOp::Xor => n.inplace_xor,
            BinOp::Or => n.inplace_or,
            BinOp::MatMul => n.inplace_matmul,
            BinOp::DivMod => None,
        }
    }
}

/// CPython's `binary_op1`: the left operand's slot, the right's (first if its type is a
/// subclass of the left's), `NotImplemented` if neither applies.
fn binary_op1(v: &PyObj, w: &PyObj, op: BinOp) -> PyResult<PyObj> {
    let (vt, wt) = (v.ty(), w.ty());
    let slotv = op.slot(&vt.slots().number);
    let mut slotw = if std::ptr::eq(vt, wt) {
        None
    } else {
        op.slot(&wt.slots().number)
    };
    if let (Some(a), Some(b)) = (slotv, slotw) {
        if a as usize == b as usize {
            slotw = None;
        }
    }
    if let Some(sv) = slotv {
        if let Some(sw) = slotw {
            if wt.is_subtype(vt) {
                let r = sw(v, w)?;
                if !is_not_implemented(&r) {
                    return Ok(r);
                }
                slotw = None;
            }
        }
        let r = sv(v, w)?;
        if !is_not_implemented(&r) {
            return Ok(r);
        }
    }
    if let Some(sw) = slotw {
        let r = sw(v, w)?;
        if !is_not_implemented(&r) {
            return Ok(r);
        }
    }
    Ok(not_implemented())
}

/// Whether `o` is a builtin sequence that repeats with `*` (CPython's `sq_repeat`).
fn repeats(o: &PyObj) -> bool {
    crate::str::is_str(o)
        || crate::list::is_list(o)
        || crate::tuple::is_tuple(o)
        || o.is_instance_of(&crate::bytes::BYTES_TYPE)
        || crate::bytearray::is_bytearray(o)
}

/// The error for `v * w` when neither operand handled it: a sequence times a
/// non-integer has its own message.
fn unsupported_mul(v: &PyObj, w: &PyObj, inplace: bool) -> PyErr {
    let other = if repeats(v) {
        Some(w)
    } else if repeats(w) {
        Some(v)
    } else {
        None
    };
    match other {
        Some(n) => type_error(format!(
            "can't multiply sequence by non-int of type '{}'",
            n.ty().name()
        )),
        None => type_error(format!(
            "unsupported operand type(s) for *{}: '{}' and '{}'",
            if inplace { "=" } else { "" },
            v.ty().name(),
            w.ty().name()
        )),
    }
}

fn unsupported(v: &PyObj, w: &PyObj, op: BinOp) -> PyErr {
    if op == BinOp::Mul {
        return unsupported_mul(v, w, false);
    }
    type_error(format!(
        "unsupported operand type(s) for {}: '{}' and '{}'",
        op.symbol(),
        v.ty().name(),
        w.ty().name()
    ))
}

/// `v <op> w`.
pub fn binary_op(v: &PyObj, w: &PyObj, op: BinOp) -> PyResult<PyObj> {
    if op == BinOp::Pow {
        return power(v, w, &none());
    }
    let r = binary_op1(v, w, op)?;
    if is_not_implemented(&r) {
        return Err(unsupported(v, w, op));
    }
    Ok(r)
}

/// `v <op>= w`.
pub fn inplace_op(v: &PyObj, w: &PyObj, op: BinOp) -> PyResult<PyObj> {
    if op == BinOp::Pow {
        if let Some(f) = v.ty().slots().number.inplace_pow {
            let r = f(v, w, &none())?;
            if !is_not_implemented(&r) {
                return Ok(r);
            }
        }
        return power(v, w, &none());
    }
    if let Some(f) = op.inplace_slot(&v.ty().slots().number) {
        let r = f(v, w)?;
        if !is_not_implemented(&r) {
            return Ok(r);
        }
    }
    let r = binary_op1(v, w, op)?;
    if is_not_implemented(&r) {
        if op == BinOp::Mul {
            return Err(unsupported_mul(v, w, true));
        }
        return Err(type_error(format!(
            "unsupported operand type(s) for {}=: '{}' and '{}'",
            op.symbol().trim_end_matches(" or pow()"),
            v.ty().name(),
            w.ty().name()
        )));
    }
    Ok(r)
}

/// `pow(v, w, z)` (`z` is `None` for the two-argument form).
pub fn power(v: &PyObj, w: &PyObj, z: &PyObj) -> PyResult<PyObj> {
    let (vt, wt) = (v.ty(), w.ty());
    let slotv: Option<TernaryFn> = vt.slots().number.pow;
    let mut slotw: Option<TernaryFn> = if std::ptr::eq(vt, wt) {
        None
    } else {
        wt.slots().number.pow
    };
    if let (Some(a), Some(b)) = (slotv, slotw) {
        if a as usize == b as usize {
            slotw = None;
        }
    }
    if let Some(sv) = slotv {
        if let Some(sw) = slotw {
            if wt.is_subtype(vt) {
                let r = sw(v, w, z)?;
                if !is_not_implemented(&r) {
                    return Ok(r);
                }
                slotw = None;
            }
        }
        let r = sv(v, w, z)?;
        if !is_not_implemented(&r) {
            return Ok(r);
        }
    }
    if let Some(sw) = slotw {
        let r = sw(v, w, z)?;
        if !is_not_implemented(&r) {
            return Ok(r);
        }
    }
    if crate::singletons::is_none(z) {
        Err(type_error(format!(
            "unsupported operand type(s) for ** or pow(): '{}' and '{}'",
            vt.name(),
            wt.name()
        )))
    } else {
        Err(type_error(format!(
            "unsupported operand type(s) for pow(): '{}', '{}', '{}'",
            vt.name(),
            wt.name(),
            z.ty().name()
        )))
    }
}

macro_rules! unary {
    ($(#[$m:meta])* $fn:ident, $slot:ident, $sym:literal) => {
        $(#[$m])*
        pub fn $fn(v: &PyObj) -> PyResult<PyObj> {
            match v.ty().slots().number.$slot {
                Some(f) => f(v),
                None => Err(type_error(format!(
                    concat!("bad operand type for ", $sym, ": '{}'"),
                    v.ty().name()
                ))),
            }
        }
    };
}

unary!(/// `-v`.
    neg, neg, "unary -");
unary!(/// `+v`.
    pos, pos, "unary +");
unary!(/// `~v`.
    invert, invert, "unary ~");
unary!(/// `abs(v)`.
    abs, abs, "abs()");

/// `operator.index(obj)`: an int, or `TypeError`.
pub fn index(obj: &PyObj) -> PyResult<PyObj> {
    if crate::int::is_int(obj) {
        return Ok(obj.clone());
    }
    match obj.ty().slots().number.index {
        Some(f) => {
            let r = f(obj)?;
            if !crate::int::is_int(&r) {
                return Err(type_error(format!(
                    "__index__ returned non-int (type {})",
                    r.ty().name()
                )));
            }
            Ok(r)
        }
        None => Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            obj.ty().name()
        ))),
    }
}

/// A sequence index: an `isize` from an int-like key, or `TypeError: {what} indices
/// must be integers or slices, not str`.
pub fn index_for(key: &PyObj, what: &str) -> PyResult<isize> {
    if crate::int::is_int(key) {
        if let Some(v) = crate::int::as_i64(key) {
            return Ok(v as isize);
        }
    }
    if crate::int::is_int(key) || key.ty().slots().number.index.is_some() {
        let i = index(key)?;
        return crate::int::to_isize(&i).map_err(|_| {
            crate::exceptions::index_error(format!(
                "cannot fit '{}' into an index-sized integer",
                key.ty().name()
            ))
        });
    }
    Err(type_error(format!(
        "{what} indices must be integers or slices, not {}",
        key.ty().name()
    )))
}

/// The repeat count for `seq * n`: `Some(max(n, 0))` for int-likes, `None` otherwise.
pub fn repeat_count(n: &PyObj) -> PyResult<Option<usize>> {
    if !crate::int::is_int(n) && n.ty().slots().number.index.is_none() {
        return Ok(None);
    }
    let i = index(n)?;
    match crate::int::as_i64(&i) {
        Some(v) if v <= 0 => Ok(Some(0)),
        Some(v) => Ok(Some(v as usize)),
        // Past a C Py_ssize_t either way, as CPython's PyNumber_AsSsize_t finds.
        None => Err(crate::exceptions::overflow_error(
            "cannot fit 'int' into an index-sized integer",
        )),
    }
}

/// `float(obj)` for numbers: floats, ints, `__float__`, `__index__`.
pub fn as_f64(obj: &PyObj) -> PyResult<f64> {
    if let Some(v) = crate::float::as_f64_exact_float(obj) {
        return Ok(v);
    }
    if crate::int::is_int(obj) {
        return crate::int::to_f64(obj);
    }
    if let Some(f) = obj.ty().slots().number.float {
        let r = f(obj)?;
        if !crate::float::is_float(&r) {
            return Err(type_error(format!(
                "{}.__float__ returned non-float (type {})",
                obj.ty().name(),
                r.ty().name()
            )));
        }
        return Ok(crate::float::value(&r));
    }
    if obj.ty().slots().number.index.is_some() {
        return crate::int::to_f64(&index(obj)?);
    }
    Err(type_error(format!(
        "must be real number, not {}",
        obj.ty().name()
    )))
}

// ---------------------------------------------------------------------------------
// Iteration and containers
// ---------------------------------------------------------------------------------

/// `iter(obj)`.
pub fn iter(obj: &PyObj) -> PyResult<PyObj> {
    let slots = obj.ty().slots();
    if let Some(f) = slots.iter {
        let it = f(obj)?;
        if it.ty().slots().iternext.is_none() {
            return Err(type_error(format!(
                "iter() returned non-iterator of type '{}'",
                it.ty().name()
            )));
        }
        return Ok(it);
    }
    if slots.getitem.is_some() {
        return Ok(crate::iterators::seq_iter(obj));
    }
    Err(type_error(format!(
        "'{}' object is not iterable",
        obj.ty().name()
    )))
}

/// `next(it)`: `Ok(None)` when exhausted (CPython's `PyIter_Next`: a `StopIteration`
/// raised by the iterator also means exhausted, and its value is dropped).
#[inline]
pub fn next(it: &PyObj) -> PyResult<Option<PyObj>> {
    match it.ty().slots().iternext {
        Some(f) => match f(it) {
            Err(e) if e.is_instance(&crate::exceptions::STOP_ITERATION_TYPE) => Ok(None),
            r => r,
        },
        None => Err(type_error(format!(
            "'{}' object is not an iterator",
            it.ty().name()
        ))),
    }
}

/// Collects an iterable into a vector: `list(iterable)`, `tuple()`, `sorted()`,
/// unpacking (`a, *b = x`, `[*x]`, `f(*x)`).
///
/// The built-in containers whose iteration runs no Python code (exact lists, tuples,
/// dicts, sets and frozensets, and dict views) are copied in one step under the
/// container's critical section, as CPython 3.13t's `list_extend` does: the snapshot
/// is atomic with respect to other threads' mutations, so `list(d)` never raises
/// "dictionary changed size during iteration" because another thread inserted a key.
pub fn collect_iter(obj: &PyObj) -> PyResult<Vec<PyObj>> {
    if (crate::list::is_list(obj) || crate::tuple::is_tuple(obj))
        && (obj.is_exact(&crate::list::LIST_TYPE) || obj.is_exact(&crate::tuple::TUPLE_TYPE))
    {
        return Ok(seq_items(obj));
    }
    if obj.is_exact(&crate::dict::DICT_TYPE) {
        return Ok(crate::dict::keys(obj));
    }
    if obj.is_exact(&crate::set::SET_TYPE) || obj.is_exact(&crate::set::FROZENSET_TYPE) {
        return Ok(crate::set::items(obj));
    }
    if let Some(items) = crate::iterators::view_snapshot(obj) {
        return Ok(items);
    }
    let it = iter(obj)?;
    let mut out = Vec::new();
    // Only a sized object is asked (an unsized one, a generator say, would make and
    // drop a TypeError for every collection).
    if let Some(Ok(n)) = obj.ty().slots().len.map(|f| f(obj)) {
        // An impossible length is a MemoryError up front, as in CPython's list().
        crate::alloc::check_size(n, std::mem::size_of::<PyObj>())?;
        out.try_reserve(n)
            .map_err(|_| crate::exceptions::memory_error())?;
    }
    while let Some(x) = next(&it)? {
        out.push(x);
    }
    Ok(out)
}

/// A snapshot of a list's or tuple's items.
pub fn seq_items(obj: &PyObj) -> Vec<PyObj> {
    if crate::tuple::is_tuple(obj) {
        crate::tuple::items(obj).to_vec()
    } else {
        crate::list::to_vec(obj)
    }
}

/// `obj[key]`.
pub fn getitem(obj: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    if let Some(f) = obj.ty().slots().getitem {
        return f(obj, key);
    }
    if crate::typeobj::is_type(obj) {
        // `type[int]` is special-cased (as in CPython), so that a metaclass
        // inherits no `__class_getitem__`: `MyMeta[int]` is an error.
        if obj.is(&crate::typeobj::TYPE_TYPE.to_obj()) {
            return Ok(crate::genericalias::new_generic_alias(
                obj.clone(),
                key.clone(),
            ));
        }
        // SAFETY: checked it is a type.
        let ty = unsafe { PyType::from_obj(obj) };
        if let Some(cg) = ty.lookup_str("__class_getitem__") {
            return call(&bind(&cg, None, obj)?, std::slice::from_ref(key), None);
        }
        return Err(type_error(format!(
            "type '{}' is not subscriptable",
            ty.name()
        )));
    }
    Err(type_error(format!(
        "'{}' object is not subscriptable",
        obj.ty().name()
    )))
}

/// `obj[key] = value`.
pub fn setitem(obj: &PyObj, key: &PyObj, value: &PyObj) -> PyResult<()> {
    match obj.ty().slots().setitem {
        Some(f) => f(obj, key, Some(value)),
        None => Err(type_error(format!(
            "'{}' object does not support item assignment",
            obj.ty().name()
        ))),
    }
}

/// `del obj[key]`.
pub fn delitem(obj: &PyObj, key: &PyObj) -> PyResult<()> {
    match obj.ty().slots().setitem {
        Some(f) => f(obj, key, None),
        None => Err(type_error(format!(
            "'{}' object doesn't support item deletion",
            obj.ty().name()
        ))),
    }
}

/// `item in container`.
pub fn contains(container: &PyObj, item: &PyObj) -> PyResult<bool> {
    if let Some(f) = container.ty().slots().contains {
        return f(container, item);
    }
    let it = match iter(container) {
        Ok(it) => it,
        Err(_) => {
            return Err(type_error(format!(
                "argument of type '{}' is not iterable",
                container.ty().name()
            )))
        }
    };
    while let Some(x) = next(&it)? {
        if richcompare_bool(&x, item, CompareOp::Eq)? {
            return Ok(true);
        }
    }
    Ok(false)
}

// ---------------------------------------------------------------------------------
// Descriptors and types
// ---------------------------------------------------------------------------------

/// `descr.__get__(instance, owner)` when the descriptor has a `__get__`, else the
/// descriptor itself.
pub fn bind(descr: &PyObj, instance: Option<&PyObj>, owner: &PyObj) -> PyResult<PyObj> {
    match descr.ty().slots().descr_get {
        Some(get) => get(descr, instance, owner),
        None => Ok(descr.clone()),
    }
}

/// The `__class__` fallback of `isinstance` for instances of classes that override
/// `__getattribute__` or `__class__` (weak proxies, mocks).
fn class_attr_isinstance(obj: &PyObj, ty: &PyType) -> PyResult<bool> {
    let oty = obj.ty();
    // Weak proxies forward `__class__` to their referent.
    if !crate::weakproxy::is_proxy(obj) {
        if !oty.is_heap_type() {
            return Ok(false);
        }
        let base = &crate::baseobject::OBJECT_TYPE;
        let overridden = |name: &str| match (oty.lookup_str(name), base.lookup_str(name)) {
            (Some(a), Some(b)) => !a.is(&b),
            (a, b) => a.is_some() != b.is_some(),
        };
        if !overridden("__getattribute__") && !overridden("__class__") {
            return Ok(false);
        }
    }
    let icls = match getattr_opt(obj, &crate::str::intern("__class__")) {
        Ok(Some(c)) => c,
        Ok(None) => return Ok(false),
        Err(e) if e.is_instance(&crate::exceptions::ATTRIBUTE_ERROR_TYPE) => return Ok(false),
        Err(e) => return Err(e),
    };
    if !crate::typeobj::is_type(&icls) || icls.is(&oty.to_obj()) {
        return Ok(false);
    }
    // SAFETY: checked to be a type.
    let ity = unsafe { PyType::from_obj(&icls) };
    Ok(std::ptr::eq(ity, ty) || ity.is_subtype(ty))
}

/// `isinstance(obj, cls)` including tuples of classes and `__instancecheck__`.
pub fn isinstance(obj: &PyObj, cls: &PyObj) -> PyResult<bool> {
    if crate::typeobj::is_type(cls) {
        // SAFETY: checked.
        let ty = unsafe { PyType::from_obj(cls) };
        if obj.is_instance_of(ty) {
            return Ok(true);
        }
        if let Some(check) = cls.ty().lookup_str("__instancecheck__") {
            if cls.ty().is_heap_type() {
                let r = call_descr(&check, cls, std::slice::from_ref(obj))?;
                return is_true(&r);
            }
        }
        // obj.__class__ may differ from type(obj) (proxies): CPython asks for it when
        // a class overrides attribute access or `__class__`.
        return class_attr_isinstance(obj, ty);
    }
    if let Some(members) = crate::genericalias::union_args(cls) {
        return isinstance(obj, &members);
    }
    if crate::tuple::is_tuple(cls) {
        let _g = enter_recursive_call(" in __instancecheck__")?;
        for c in crate::tuple::items(cls) {
            if isinstance(obj, c)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if let Some(check) = cls.ty().lookup_str("__instancecheck__") {
        let r = call_descr(&check, cls, std::slice::from_ref(obj))?;
        return is_true(&r);
    }
    Err(type_error(
        "isinstance() arg 2 must be a type, a tuple of types, or a union",
    ))
}

/// `issubclass(cls, classinfo)`.
pub fn issubclass(cls: &PyObj, classinfo: &PyObj) -> PyResult<bool> {
    if let Some(members) = crate::genericalias::union_args(classinfo) {
        return issubclass(cls, &members);
    }
    if crate::tuple::is_tuple(classinfo) {
        for c in crate::tuple::items(classinfo) {
            if issubclass(cls, c)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if !crate::typeobj::is_type(classinfo) {
        if let Some(check) = classinfo.ty().lookup_str("__subclasscheck__") {
            let r = call_descr(&check, classinfo, std::slice::from_ref(cls))?;
            return is_true(&r);
        }
        return Err(type_error(
            "issubclass() arg 2 must be a class, a tuple of classes, or a union",
        ));
    }
    if classinfo.ty().is_heap_type() {
        if let Some(check) = classinfo.ty().lookup_str("__subclasscheck__") {
            let r = call_descr(&check, classinfo, std::slice::from_ref(cls))?;
            return is_true(&r);
        }
    }
    let c = crate::typeobj::expect_type(cls, "issubclass() arg 1")
        .map_err(|_| type_error("issubclass() arg 1 must be a class"))?;
    // SAFETY: checked above.
    Ok(c.is_subtype(unsafe { PyType::from_obj(classinfo) }))
}
