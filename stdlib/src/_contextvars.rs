//! The `_contextvars` module (PEP 567; CPython's Python/context.c): `ContextVar`,
//! `Token`, `Context` and `copy_context`, under the pure-Python `contextvars`.
//!
//! A context is an immutable mapping from context variables to values, held as a
//! persistent hash trie (`rpds`, what CPython's `Python/hamt.c` is to it): copying a
//! context is O(1), setting a variable makes a new mapping in O(log n) that shares the
//! rest with the old one. Variables are keys by identity. Each thread has a current
//! context, made empty on first use (a new thread starts with an empty one, as in
//! CPython 3.11); `Context.run` makes another current for the length of a call. A
//! context can be entered by one thread at a time ("cannot enter context: ... is
//! already entered"): the `entered` flag is taken with a compare-and-swap, so two
//! threads racing to enter the same context cannot both succeed. Only the thread
//! that has entered a context changes its mapping (`ContextVar.set`/`reset`), but any
//! thread holding a reference may read it (`ctx[var]`, iteration), so the mapping sits
//! behind a mutex held only to clone or replace the trie's root (no Python code runs
//! while it is held).
//!
//! Iteration order (`iter(ctx)`, `keys()`, `items()`) follows the trie's hashes of the
//! variables' addresses, as CPython's follows its HAMT's: unspecified, and not the
//! same as CPython's. `keys()`, `values()` and `items()` return lists (CPython returns
//! views over the trie; both iterate and have a length).

use std::cell::RefCell;
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Mutex;

use rpds::HashTrieMapSync;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_interp::native_module::add_functions;
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, PyErr};
use strand_objects::typeobj::{CompareOp, Slots, TypeFlags};
use strand_objects::{dict, list, module, singletons, str as pystr, tuple, PyObj, PyResult};

use crate::modsupport::{self, Fields};

/// A context variable as a key of the trie: hashed and compared by identity.
#[derive(Clone)]
struct VarKey(PyObj);

impl PartialEq for VarKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.is(&other.0)
    }
}

impl Eq for VarKey {}

impl Hash for VarKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.addr().hash(state);
    }
}

/// The mapping of a context: variable → value.
type Vars = HashTrieMapSync<VarKey, PyObj, BuildHasherDefault<DefaultHasher>>;

fn empty_vars() -> Vars {
    Vars::new_with_hasher_and_ptr_kind(BuildHasherDefault::default())
}

// ---------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------

/// The layout of `_contextvars.Context`.
#[repr(C)]
pub struct PyContext {
    header: ObjectHeader,
    /// The mapping; replaced (never mutated in place) by `set`/`reset`.
    vars: Mutex<Vars>,
    /// Set while some thread runs code in this context.
    entered: AtomicBool,
}

unsafe fn context_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyContext; the world is stopped, so no thread holds the
    // mutex in the middle of an update (it is never held across a safe point).
    let c = unsafe { &*(obj.as_ptr() as *const PyContext) };
    if let Ok(vars) = c.vars.try_lock() {
        for (k, v) in vars.iter() {
            visit(k.0.as_ptr());
            visit(v.as_ptr());
        }
    }
}

unsafe fn context_clear(obj: ObjPtr) {
    // SAFETY: installed on PyContext; the collector keeps it alive while clearing.
    let c = unsafe { &*(obj.as_ptr() as *const PyContext) };
    let old = std::mem::replace(&mut *modsupport::lock(&c.vars), empty_vars());
    drop(old);
}

unsafe fn context_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `new_context`.
    unsafe {
        let p = obj.as_ptr() as *mut PyContext;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).vars));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_contextvars.Context`.
    pub static CONTEXT_TYPE = {
        name: "_contextvars.Context",
        layout: PyContext,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(context_traverse),
        clear: Some(context_clear),
        dealloc: context_dealloc,
        size: None,
        slots: Slots {
            new: Some(context_new),
            richcompare: Some(context_richcompare),
            hash: Some(strand_objects::baseobject::unhashable),
            iter: Some(context_iter),
            len: Some(context_len),
            contains: Some(context_contains),
            getitem: Some(context_getitem),
            ..Slots::EMPTY
        },
    }
}

fn new_context(vars: Vars) -> PyObj {
    let ty = &CONTEXT_TYPE;
    let o = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyContext layout, written before it is
    // finished.
    unsafe {
        let p = o.as_ptr().as_ptr() as *mut PyContext;
        std::ptr::addr_of_mut!((*p).vars).write(Mutex::new(vars));
        std::ptr::addr_of_mut!((*p).entered).write(AtomicBool::new(false));
        strand_objects::alloc::finish_instance(ty, &o);
    }
    o
}

fn ctx(o: &PyObj) -> &PyContext {
    debug_assert!(o.is_exact(&CONTEXT_TYPE));
    // SAFETY: Context is not subclassable; callers pass Context objects (the slots
    // are installed on it only, methods check with `expect_context`).
    unsafe { o.payload_unchecked::<PyContext>() }
}

fn expect_context<'a>(o: &'a PyObj, what: &str) -> PyResult<&'a PyContext> {
    if !o.is_exact(&CONTEXT_TYPE) {
        return Err(type_error(format!(
            "descriptor '{what}' for 'Context' objects doesn't apply to a '{}' object",
            o.ty().name()
        )));
    }
    Ok(ctx(o))
}

/// A snapshot of `o`'s mapping (an O(1) clone of the trie's root).
fn vars_of(c: &PyContext) -> Vars {
    modsupport::lock(&c.vars).clone()
}

fn context_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    if !a.is_empty() || Args::new(a, k).has_kwargs() {
        return Err(type_error("Context() does not accept any arguments"));
    }
    Ok(new_context(empty_vars()))
}

fn expect_var_key(key: &PyObj) -> PyResult<()> {
    if !key.is_exact(&CONTEXT_VAR_TYPE) {
        return Err(type_error(format!(
            "a ContextVar key was expected, got {}",
            ab::repr_string(key)?
        )));
    }
    Ok(())
}

fn context_getitem(o: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    expect_var_key(key)?;
    vars_of(ctx(o))
        .get(&VarKey(key.clone()))
        .cloned()
        .ok_or_else(|| exc::key_error(key.clone()))
}

fn context_contains(o: &PyObj, key: &PyObj) -> PyResult<bool> {
    expect_var_key(key)?;
    Ok(vars_of(ctx(o)).contains_key(&VarKey(key.clone())))
}

fn context_len(o: &PyObj) -> PyResult<usize> {
    Ok(vars_of(ctx(o)).size())
}

fn context_keys_vec(c: &PyContext) -> Vec<PyObj> {
    vars_of(c).keys().map(|k| k.0.clone()).collect()
}

fn context_iter(o: &PyObj) -> PyResult<PyObj> {
    Ok(strand_objects::iterators::seq_iter_from_vec(
        context_keys_vec(ctx(o)),
    ))
}

fn context_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !b.is_exact(&CONTEXT_TYPE) || !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(singletons::not_implemented());
    }
    let (x, y) = (vars_of(ctx(a)), vars_of(ctx(b)));
    let mut same = x.size() == y.size();
    if same {
        for (k, v) in x.iter() {
            match y.get(k) {
                Some(w) if v.is(w) || ab::eq(v, w)? => {}
                _ => {
                    same = false;
                    break;
                }
            }
        }
    }
    Ok(singletons::bool_obj(same == matches!(op, CompareOp::Eq)))
}

fn context_get(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("get")?;
    Args::new(a, k).expect_fn("get", 2, 3)?;
    let c = expect_context(&a[0], "get")?;
    expect_var_key(&a[1])?;
    Ok(vars_of(c)
        .get(&VarKey(a[1].clone()))
        .cloned()
        .unwrap_or_else(|| a.get(2).cloned().unwrap_or_else(singletons::none)))
}

fn context_keys(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("keys", 1)?;
    let c = expect_context(&a[0], "keys")?;
    Ok(list::new(context_keys_vec(c)))
}

fn context_values(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("values", 1)?;
    let c = expect_context(&a[0], "values")?;
    Ok(list::new(vars_of(c).values().cloned().collect()))
}

fn context_items(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("items", 1)?;
    let c = expect_context(&a[0], "items")?;
    Ok(list::new(
        vars_of(c)
            .iter()
            .map(|(k, v)| tuple::pair(k.0.clone(), v.clone()))
            .collect(),
    ))
}

fn context_copy(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("copy", 1)?;
    let c = expect_context(&a[0], "copy")?;
    Ok(new_context(vars_of(c)))
}

/// `Context.run(callable, *args, **kwargs)`: enters the context, calls, leaves it
/// (also when the call raises).
fn context_run(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    if a.len() < 2 {
        return Err(type_error("run() missing 1 required positional argument"));
    }
    let o = &a[0];
    expect_context(o, "run")?;
    let prev = enter(o)?;
    let r = ab::call(&a[1], &a[2..], k);
    leave(o, prev);
    r
}

// ---------------------------------------------------------------------------------
// The current context of each thread
// ---------------------------------------------------------------------------------

thread_local! {
    /// This thread's current context (`None` until first used).
    static CURRENT: RefCell<Option<PyObj>> = const { RefCell::new(None) };
}

/// Drops the thread's current context (registered with `thread_exit`).
fn clear_current() {
    let old = CURRENT.with(|c| c.borrow_mut().take());
    if let Some(old) = &old {
        ctx(old).entered.store(false, SeqCst);
    }
    drop(old);
}

/// The calling thread's current context, made (empty, and entered) on first use.
fn current() -> PyObj {
    if let Some(c) = CURRENT.with(|c| c.borrow().clone()) {
        return c;
    }
    let c = new_context(empty_vars());
    ctx(&c).entered.store(true, SeqCst);
    CURRENT.with(|cur| *cur.borrow_mut() = Some(c.clone()));
    strand_interp::thread_exit::register(clear_current);
    c
}

/// Makes `o` the current context; returns the one it replaces.
fn enter(o: &PyObj) -> PyResult<PyObj> {
    if ctx(o)
        .entered
        .compare_exchange(false, true, SeqCst, SeqCst)
        .is_err()
    {
        return Err(exc::runtime_error(format!(
            "cannot enter context: {} is already entered",
            ab::repr_string(o)?
        )));
    }
    let prev = current();
    CURRENT.with(|c| *c.borrow_mut() = Some(o.clone()));
    Ok(prev)
}

/// Undoes [`enter`]: `prev` is current again.
fn leave(o: &PyObj, prev: PyObj) {
    ctx(o).entered.store(false, SeqCst);
    let old = CURRENT.with(|c| c.borrow_mut().replace(prev));
    drop(old);
}

/// A new context with the current context's mapping (`contextvars.copy_context()`,
/// CPython's `PyContext_CopyCurrent`).
pub fn copy_current() -> PyObj {
    new_context(vars_of(ctx(&current())))
}

fn copy_context(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("copy_context", 0)?;
    Ok(copy_current())
}

// ---------------------------------------------------------------------------------
// ContextVar
// ---------------------------------------------------------------------------------

/// What a context variable holds: its name (a str) and its default.
struct VarFields {
    name: PyObj,
    default: Option<PyObj>,
}

/// The layout of `_contextvars.ContextVar`.
#[repr(C)]
pub struct PyContextVar {
    header: ObjectHeader,
    fields: Fields<VarFields>,
}

unsafe fn var_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyContextVar; world stopped.
    let v = unsafe { &*(obj.as_ptr() as *const PyContextVar) };
    if let Some(f) = v.fields.get() {
        visit(f.name.as_ptr());
        if let Some(d) = &f.default {
            visit(d.as_ptr());
        }
    }
}

unsafe fn var_clear(obj: ObjPtr) {
    // SAFETY: installed on PyContextVar; unreachable when the collector clears it.
    let v = unsafe { &*(obj.as_ptr() as *const PyContextVar) };
    // SAFETY: as above.
    drop(unsafe { v.fields.take() });
}

unsafe fn var_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyContextVar;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fields));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_contextvars.ContextVar`.
    pub static CONTEXT_VAR_TYPE = {
        name: "_contextvars.ContextVar",
        layout: PyContextVar,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(var_traverse),
        clear: Some(var_clear),
        dealloc: var_dealloc,
        size: None,
        slots: Slots {
            new: Some(var_new),
            repr: Some(var_repr),
            ..Slots::EMPTY
        },
    }
}

fn var_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    if args.positionals().len() != 1 {
        return Err(type_error(format!(
            "ContextVar() takes exactly 1 positional argument ({} given)",
            args.positionals().len()
        )));
    }
    let name = &a[0];
    let mut default = None;
    for (key, v) in args.kwargs() {
        if key != "default" {
            return Err(type_error(format!(
                "'{key}' is an invalid keyword argument for ContextVar()"
            )));
        }
        default = Some(v.clone());
    }
    if !pystr::is_str(name) {
        return Err(type_error("context variable name must be a str"));
    }
    let ty = &CONTEXT_VAR_TYPE;
    let o = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyContextVar layout, written before it is
    // finished.
    unsafe {
        let p = o.as_ptr().as_ptr() as *mut PyContextVar;
        std::ptr::addr_of_mut!((*p).fields).write(Fields::new(VarFields {
            name: name.clone(),
            default,
        }));
        strand_objects::alloc::finish_instance(ty, &o);
    }
    Ok(o)
}

fn var_fields<'a>(o: &'a PyObj, what: &str) -> PyResult<&'a VarFields> {
    if !o.is_exact(&CONTEXT_VAR_TYPE) {
        return Err(type_error(format!(
            "descriptor '{what}' for '_contextvars.ContextVar' objects doesn't apply to a '{}' object",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a ContextVar (not subclassable).
    let v = unsafe { o.payload_unchecked::<PyContextVar>() };
    v.fields
        .get()
        .ok_or_else(|| exc::runtime_error("ContextVar used after it was cleared"))
}

fn var_repr(o: &PyObj) -> PyResult<PyObj> {
    let f = var_fields(o, "__repr__")?;
    let mut s = format!("<ContextVar name={}", ab::repr_string(&f.name)?);
    if let Some(d) = &f.default {
        s.push_str(&format!(" default={}", ab::repr_string(d)?));
    }
    s.push_str(&format!(" at {:#x}>", o.addr()));
    Ok(pystr::from_string(s))
}

/// `ContextVar.get([default])`: the value in the current context, else `default`,
/// else the variable's default, else `LookupError(var)`.
fn var_get(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("get")?;
    if a.len() > 2 {
        return Err(type_error(format!(
            "get expected at most 1 argument, got {}",
            a.len() - 1
        )));
    }
    let f = var_fields(&a[0], "get")?;
    let found = CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .and_then(|cur| vars_of(ctx(cur)).get(&VarKey(a[0].clone())).cloned())
    });
    if let Some(v) = found
        .or_else(|| a.get(1).cloned())
        .or_else(|| f.default.clone())
    {
        return Ok(v);
    }
    Err(PyErr::with_args(
        &exc::LOOKUP_ERROR_TYPE,
        vec![a[0].clone()],
    ))
}

/// `ContextVar.set(value)`: a new mapping for the current context; returns the token
/// that undoes it.
fn var_set(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("set", 2)?;
    var_fields(&a[0], "set")?;
    let cur = current();
    let key = VarKey(a[0].clone());
    let old = {
        let mut vars = modsupport::lock(&ctx(&cur).vars);
        let old = vars.get(&key).cloned();
        *vars = vars.insert(key, a[1].clone());
        old
    };
    Ok(new_token(cur, a[0].clone(), old))
}

/// `ContextVar.reset(token)`: restores the value the variable had before the `set`
/// that made `token`, in the context that `set` ran in (which must be current).
fn var_reset(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("reset", 2)?;
    var_fields(&a[0], "reset")?;
    let token = &a[1];
    if !token.is_exact(&TOKEN_TYPE) {
        return Err(type_error(format!(
            "expected an instance of Token, got {}",
            ab::repr_string(token)?
        )));
    }
    let t = token_fields(token)?;
    let tp = token_payload(token);
    if tp.used.load(SeqCst) {
        return Err(exc::runtime_error(format!(
            "{} has already been used once",
            ab::repr_string(token)?
        )));
    }
    if !t.var.is(&a[0]) {
        return Err(exc::value_error(format!(
            "{} was created by a different ContextVar",
            ab::repr_string(token)?
        )));
    }
    let cur = current();
    if !t.ctx.is(&cur) {
        return Err(exc::value_error(format!(
            "{} was created in a different Context",
            ab::repr_string(token)?
        )));
    }
    tp.used.store(true, SeqCst);
    let key = VarKey(a[0].clone());
    let replaced = {
        let mut vars = modsupport::lock(&ctx(&cur).vars);
        let next = match &t.old {
            Some(v) => vars.insert(key, v.clone()),
            None => vars.remove(&key),
        };
        std::mem::replace(&mut *vars, next)
    };
    // The old root (and any value only it held) is dropped outside the lock.
    drop(replaced);
    Ok(singletons::none())
}

// ---------------------------------------------------------------------------------
// Token
// ---------------------------------------------------------------------------------

/// What a token records: the context and variable of the `set`, and the value the
/// variable had before it (`None`: it had none).
struct TokenFields {
    ctx: PyObj,
    var: PyObj,
    old: Option<PyObj>,
}

/// The layout of `_contextvars.Token`.
#[repr(C)]
pub struct PyToken {
    header: ObjectHeader,
    fields: Fields<TokenFields>,
    used: AtomicBool,
}

unsafe fn token_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyToken; world stopped.
    let t = unsafe { &*(obj.as_ptr() as *const PyToken) };
    if let Some(f) = t.fields.get() {
        visit(f.ctx.as_ptr());
        visit(f.var.as_ptr());
        if let Some(o) = &f.old {
            visit(o.as_ptr());
        }
    }
}

unsafe fn token_clear(obj: ObjPtr) {
    // SAFETY: installed on PyToken; unreachable when the collector clears it.
    let t = unsafe { &*(obj.as_ptr() as *const PyToken) };
    // SAFETY: as above.
    drop(unsafe { t.fields.take() });
}

unsafe fn token_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PyToken;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fields));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_contextvars.Token`.
    pub static TOKEN_TYPE = {
        name: "_contextvars.Token",
        layout: PyToken,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(token_traverse),
        clear: Some(token_clear),
        dealloc: token_dealloc,
        size: None,
        slots: Slots {
            new: Some(|_, _, _| Err(exc::runtime_error("Tokens can only be created by ContextVars"))),
            repr: Some(token_repr),
            ..Slots::EMPTY
        },
    }
}

/// The type of `Token.MISSING`, the marker `old_value` is when the variable had no
/// value.
#[repr(C)]
pub struct PyTokenMissing {
    header: ObjectHeader,
}

unsafe fn missing_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive (never reached: `MISSING` keeps its reference).
    unsafe { strand_objects::heaptype::dealloc_instance_memory(obj) };
}

strand_objects::builtin_type! {
    /// `Token.MISSING`'s type.
    pub static TOKEN_MISSING_TYPE = {
        name: "Token.MISSING",
        layout: PyTokenMissing,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: missing_dealloc,
        size: None,
        slots: Slots {
            repr: Some(|_| Ok(pystr::new("<Token.MISSING>"))),
            ..Slots::EMPTY
        },
    }
}

static MISSING: strand_objects::once_obj::OnceObj = strand_objects::once_obj::OnceObj::new();

fn missing() -> PyObj {
    MISSING.get_or_init(|| {
        let ty = &TOKEN_MISSING_TYPE;
        let o = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
        // SAFETY: a fresh allocation with no fields beyond the header.
        unsafe { strand_objects::alloc::finish_instance(ty, &o) };
        o
    })
}

fn new_token(ctx: PyObj, var: PyObj, old: Option<PyObj>) -> PyObj {
    let ty = &TOKEN_TYPE;
    let o = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyToken layout, written before it is
    // finished.
    unsafe {
        let p = o.as_ptr().as_ptr() as *mut PyToken;
        std::ptr::addr_of_mut!((*p).fields).write(Fields::new(TokenFields { ctx, var, old }));
        std::ptr::addr_of_mut!((*p).used).write(AtomicBool::new(false));
        strand_objects::alloc::finish_instance(ty, &o);
    }
    o
}

fn token_payload(o: &PyObj) -> &PyToken {
    debug_assert!(o.is_exact(&TOKEN_TYPE));
    // SAFETY: callers pass Token objects (not subclassable).
    unsafe { o.payload_unchecked::<PyToken>() }
}

fn token_fields(o: &PyObj) -> PyResult<&TokenFields> {
    if !o.is_exact(&TOKEN_TYPE) {
        return Err(type_error(format!(
            "descriptor for '_contextvars.Token' objects doesn't apply to a '{}' object",
            o.ty().name()
        )));
    }
    token_payload(o)
        .fields
        .get()
        .ok_or_else(|| exc::runtime_error("Token used after it was cleared"))
}

fn token_repr(o: &PyObj) -> PyResult<PyObj> {
    let f = token_fields(o)?;
    let used = if token_payload(o).used.load(SeqCst) {
        " used"
    } else {
        ""
    };
    Ok(pystr::from_string(format!(
        "<Token{used} var={} at {:#x}>",
        ab::repr_string(&f.var)?,
        o.addr()
    )))
}

// ---------------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------------

fn class_getitem(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__class_getitem__", 2)?;
    Ok(strand_objects::genericalias::new_generic_alias(
        a[0].clone(),
        a[1].clone(),
    ))
}

fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        CONTEXT_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("run", context_run),
                MethodDef::new("copy", context_copy),
                MethodDef::new("get", context_get),
                MethodDef::new("keys", context_keys),
                MethodDef::new("values", context_values),
                MethodDef::new("items", context_items),
            ],
            &[],
        );
        CONTEXT_VAR_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("get", var_get),
                MethodDef::new("set", var_set),
                MethodDef::new("reset", var_reset),
                MethodDef::class("__class_getitem__", class_getitem),
            ],
            &[GetSetDef::new(
                "name",
                |o| Ok(var_fields(o, "name")?.name.clone()),
                None,
            )],
        );
        TOKEN_MISSING_TYPE.ready_static(Some(object), &[], &[]);
        TOKEN_TYPE.ready_static(
            Some(object),
            &[MethodDef::class("__class_getitem__", class_getitem)],
            &[
                GetSetDef::new("var", |o| Ok(token_fields(o)?.var.clone()), None),
                GetSetDef::new(
                    "old_value",
                    |o| Ok(token_fields(o)?.old.clone().unwrap_or_else(missing)),
                    None,
                ),
            ],
        );
        dict::set_item_str(TOKEN_TYPE.dict(), "MISSING", missing());
    });
}

/// The `_contextvars` module.
pub fn make_module() -> PyObj {
    ready();
    let m = module::new_native_module("_contextvars");
    add_functions(&m, "_contextvars", &[("copy_context", copy_context)]);
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "Context", CONTEXT_TYPE.to_obj());
    dict::set_item_str(&d, "ContextVar", CONTEXT_VAR_TYPE.to_obj());
    dict::set_item_str(&d, "Token", TOKEN_TYPE.to_obj());
    m
}
