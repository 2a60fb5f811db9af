//! Python functions, code objects, cells and bound methods (CPython's
//! Objects/funcobject.c, codeobject.c, cellobject.c, classobject.c).
//!
//! A code object holds what the compiler produced in a form the object model can
//! reference-count and traverse (constants, names, file, line numbers) plus an opaque
//! payload the interpreter owns (its instruction array and tables). Calling a function
//! goes through an *eval hook* the interpreter installs; the object model itself never
//! runs bytecode.
//!
//! A function's code, defaults and closure change only with the world stopped, which
//! also bumps its **version**, the guard for code that caches a function (CPython's
//! `func_version`); reading them is lock-free.

use std::any::Any;
use std::cell::UnsafeCell;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
use std::sync::atomic::{AtomicPtr, AtomicU32};

use strand_heap::refcount::{mark_shared, try_incref};
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::type_error;
use crate::object::{PyObj, PyPayload};
use crate::typeobj::{PyType, Slots, TypeFlags};
use crate::PyResult;

// ---------------------------------------------------------------------------------
// Code objects
// ---------------------------------------------------------------------------------

/// Code flags (CPython's `CO_*`).
pub mod co_flags {
    /// Locals are fast (always set for functions).
    pub const OPTIMIZED: u32 = 0x1;
    /// A new locals dict is created (module/class bodies).
    pub const NEWLOCALS: u32 = 0x2;
    /// Has `*args`.
    pub const VARARGS: u32 = 0x4;
    /// Has `**kwargs`.
    pub const VARKEYWORDS: u32 = 0x8;
    /// A nested function.
    pub const NESTED: u32 = 0x10;
    /// A generator function.
    pub const GENERATOR: u32 = 0x20;
    /// A coroutine (`async def`).
    pub const COROUTINE: u32 = 0x100;
    /// An async generator.
    pub const ASYNC_GENERATOR: u32 = 0x200;
}

/// A compiled code object.
#[repr(C)]
pub struct PyCode {
    header: ObjectHeader,
    /// Positional parameters (including positional-only).
    pub argcount: u32,
    /// Positional-only parameters.
    pub posonlyargcount: u32,
    /// Keyword-only parameters.
    pub kwonlyargcount: u32,
    /// [`co_flags`].
    pub flags: u32,
    /// First source line.
    pub firstlineno: u32,
    /// Constants (a tuple).
    pub consts: PyObj,
    /// Global and attribute names (a tuple of strs).
    pub names: PyObj,
    /// Local variable names (`co_varnames`), then cell and free variable names.
    pub varnames: PyObj,
    /// Names of variables captured by inner functions (`co_cellvars`).
    pub cellvars: PyObj,
    /// Names of variables captured from outer functions (`co_freevars`).
    pub freevars: PyObj,
    /// `co_filename` (read with [`PyCode::filename`]; changed only by
    /// [`set_code_filename`], with the world stopped).
    filename: UnsafeCell<PyObj>,
    /// `co_name`.
    pub name: PyObj,
    /// `co_qualname`.
    pub qualname: PyObj,
    /// The interpreter's payload (instructions, tables); opaque here.
    pub data: Box<dyn Any + Send + Sync>,
    /// `data`'s type, kept so that [`PyCode::data_as`] needs no virtual call.
    data_type: std::any::TypeId,
}

impl PyCode {
    /// `co_filename`.
    #[inline]
    pub fn filename(&self) -> &PyObj {
        // SAFETY: written only by `set_code_filename`, with the world stopped.
        unsafe { &*self.filename.get() }
    }

    /// The interpreter's payload as a `T`, if it is one: [`PyCode::data`]'s
    /// `downcast_ref` without the virtual call (calls read it on every call).
    #[inline(always)]
    pub fn data_as<T: Any>(&self) -> Option<&T> {
        if self.data_type == std::any::TypeId::of::<T>() {
            let p = &*self.data as *const (dyn Any + Send + Sync) as *const T;
            // SAFETY: the box holds a `T` (its type id was recorded when the code
            // object was made, and `data` never changes).
            Some(unsafe { &*p })
        } else {
            None
        }
    }
}

/// How the collector reaches the objects a code object's payload refers to (the
/// interpreter's compiled traces): set by the interpreter at start-up.
pub type PayloadTraverse = fn(&(dyn Any + Send + Sync), &mut dyn FnMut(ObjPtr));

static PAYLOAD_TRAVERSE: std::sync::OnceLock<PayloadTraverse> = std::sync::OnceLock::new();

/// Sets how code objects' payloads are traversed (once per process; later calls do
/// nothing).
pub fn set_payload_traverse(f: PayloadTraverse) {
    let _ = PAYLOAD_TRAVERSE.set(f);
}

unsafe fn code_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on code objects.
    let c = unsafe { &*(obj.as_ptr() as *const PyCode) };
    if let Some(f) = PAYLOAD_TRAVERSE.get() {
        f(&*c.data, visit);
    }
    for o in [
        &c.consts,
        &c.names,
        &c.varnames,
        &c.cellvars,
        &c.freevars,
        c.filename(),
        &c.name,
        &c.qualname,
    ] {
        visit(o.as_ptr());
    }
}

unsafe fn code_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive: drop every field, then the memory.
    unsafe {
        let p = obj.as_ptr() as *mut PyCode;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).consts));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).names));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).varnames));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).cellvars));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).freevars));
        std::ptr::drop_in_place((*p).filename.get());
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).name));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).qualname));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).data));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// The `code` type.
    pub static CODE_TYPE = {
        name: "code",
        layout: PyCode,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(code_traverse),
        clear: None,
        dealloc: code_dealloc,
        size: None,
        slots: Slots {
            repr: Some(|c| {
                let c = code(c);
                Ok(crate::str::from_string(format!(
                    "<code object {} at {:#x}, file {}, line {}>",
                    crate::str::as_str(&c.name),
                    c as *const PyCode as usize,
                    ab::repr_string(c.filename())?,
                    c.firstlineno
                )))
            }),
            hash: Some(crate::baseobject::identity_hash),
            ..Slots::EMPTY
        },
    }
}

// SAFETY: repr(C), header first.
unsafe impl PyPayload for PyCode {
    fn type_object() -> &'static PyType {
        &CODE_TYPE
    }
}

/// The fields of a new code object.
pub struct CodeInit {
    /// See [`PyCode`].
    pub argcount: u32,
    /// See [`PyCode`].
    pub posonlyargcount: u32,
    /// See [`PyCode`].
    pub kwonlyargcount: u32,
    /// See [`PyCode`].
    pub flags: u32,
    /// See [`PyCode`].
    pub firstlineno: u32,
    /// See [`PyCode`].
    pub consts: PyObj,
    /// See [`PyCode`].
    pub names: PyObj,
    /// See [`PyCode`].
    pub varnames: PyObj,
    /// See [`PyCode`].
    pub cellvars: PyObj,
    /// See [`PyCode`].
    pub freevars: PyObj,
    /// See [`PyCode`].
    pub filename: PyObj,
    /// See [`PyCode`].
    pub name: PyObj,
    /// See [`PyCode`].
    pub qualname: PyObj,
    /// See [`PyCode`].
    pub data: Box<dyn Any + Send + Sync>,
}

/// A new code object (deferred reference counting: code is shared and long-lived).
pub fn new_code(init: CodeInit) -> PyObj {
    let ty = &CODE_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation; every field written.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyCode;
        std::ptr::addr_of_mut!((*p).argcount).write(init.argcount);
        std::ptr::addr_of_mut!((*p).posonlyargcount).write(init.posonlyargcount);
        std::ptr::addr_of_mut!((*p).kwonlyargcount).write(init.kwonlyargcount);
        std::ptr::addr_of_mut!((*p).flags).write(init.flags);
        std::ptr::addr_of_mut!((*p).firstlineno).write(init.firstlineno);
        std::ptr::addr_of_mut!((*p).consts).write(init.consts);
        std::ptr::addr_of_mut!((*p).names).write(init.names);
        std::ptr::addr_of_mut!((*p).varnames).write(init.varnames);
        std::ptr::addr_of_mut!((*p).cellvars).write(init.cellvars);
        std::ptr::addr_of_mut!((*p).freevars).write(init.freevars);
        std::ptr::addr_of_mut!((*p).filename).write(UnsafeCell::new(init.filename));
        std::ptr::addr_of_mut!((*p).name).write(init.name);
        std::ptr::addr_of_mut!((*p).qualname).write(init.qualname);
        let data_type = (*init.data).type_id();
        std::ptr::addr_of_mut!((*p).data).write(init.data);
        std::ptr::addr_of_mut!((*p).data_type).write(data_type);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj.set_deferred();
    obj
}

/// Replaces `co_filename` of `code` (CPython's `update_compiled_module`, behind
/// `_imp._fix_co_filename`: code read from a bytecode cache written where the source
/// was elsewhere). The world is stopped for the write, and the previous name is kept
/// alive for good (not released), since a thread stopped at a safe point may still be
/// reading it; this leaks one string per rewritten code object.
pub fn set_code_filename(code_obj: &PyObj, filename: PyObj) {
    let c = code(code_obj);
    let _w = strand_heap::stop_the_world();
    // SAFETY: the world is stopped, so no other thread is reading the field now;
    // the old value is never released, so references into it stay valid.
    let old = unsafe { std::ptr::replace(c.filename.get(), filename) };
    std::mem::forget(old);
}

/// The code layout of a code object.
pub fn code(obj: &PyObj) -> &PyCode {
    debug_assert!(obj.is_exact(&CODE_TYPE));
    // SAFETY: callers pass code objects.
    unsafe { obj.payload_unchecked::<PyCode>() }
}

/// `co_varnames` as CPython has it: the parameters, then the locals that are not
/// cell variables. (strand's compiler gives a local captured by an inner function a
/// fast-local slot of its own, so its `varnames` also lists those.)
fn co_varnames(c: &PyObj) -> PyObj {
    let co = code(c);
    let cells = crate::tuple::items(&co.cellvars);
    let names = crate::tuple::items(&co.varnames);
    let nparams = (co.argcount + co.kwonlyargcount) as usize
        + usize::from(co.flags & co_flags::VARARGS != 0)
        + usize::from(co.flags & co_flags::VARKEYWORDS != 0);
    let is_cell = |n: &PyObj| {
        cells
            .iter()
            .any(|x| crate::str::as_str(x) == crate::str::as_str(n))
    };
    if names.iter().skip(nparams).all(|n| !is_cell(n)) {
        return co.varnames.clone();
    }
    let kept = names
        .iter()
        .enumerate()
        .filter(|(i, n)| *i < nparams || !is_cell(n))
        .map(|(_, n)| n.clone())
        .collect();
    crate::tuple::from_vec(kept)
}

/// `co_*` attributes.
pub(crate) fn code_getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![
        GetSetDef::new("co_name", |c| Ok(code(c).name.clone()), None),
        GetSetDef::new("co_qualname", |c| Ok(code(c).qualname.clone()), None),
        GetSetDef::new("co_filename", |c| Ok(code(c).filename().clone()), None),
        GetSetDef::new(
            "co_firstlineno",
            |c| Ok(crate::int::from_i64(code(c).firstlineno as i64)),
            None,
        ),
        GetSetDef::new(
            "co_argcount",
            |c| Ok(crate::int::from_i64(code(c).argcount as i64)),
            None,
        ),
        GetSetDef::new(
            "co_posonlyargcount",
            |c| Ok(crate::int::from_i64(code(c).posonlyargcount as i64)),
            None,
        ),
        GetSetDef::new(
            "co_kwonlyargcount",
            |c| Ok(crate::int::from_i64(code(c).kwonlyargcount as i64)),
            None,
        ),
        GetSetDef::new(
            "co_flags",
            |c| Ok(crate::int::from_i64(code(c).flags as i64)),
            None,
        ),
        GetSetDef::new("co_consts", |c| Ok(code(c).consts.clone()), None),
        GetSetDef::new("co_names", |c| Ok(code(c).names.clone()), None),
        GetSetDef::new("co_varnames", |c| Ok(co_varnames(c)), None),
        GetSetDef::new("co_cellvars", |c| Ok(code(c).cellvars.clone()), None),
        GetSetDef::new("co_freevars", |c| Ok(code(c).freevars.clone()), None),
        GetSetDef::new(
            "co_nlocals",
            |c| {
                Ok(crate::int::from_usize(
                    crate::tuple::items(&co_varnames(c)).len(),
                ))
            },
            None,
        ),
    ]
}

// ---------------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------------

/// The parts of a function that change only with the world stopped.
pub struct FuncFields {
    /// `__code__`.
    pub code: PyObj,
    /// `__defaults__` (a tuple) or None.
    pub defaults: Option<PyObj>,
    /// `__kwdefaults__` (a dict) or None.
    pub kwdefaults: Option<PyObj>,
    /// `__closure__` (a tuple of cells) or None.
    pub closure: Option<PyObj>,
    /// `__name__`.
    pub name: PyObj,
    /// `__qualname__`.
    pub qualname: PyObj,
    /// `__doc__`.
    pub doc: PyObj,
    /// `__module__`.
    pub module: PyObj,
    /// `__annotations__` (a dict) or None.
    pub annotations: Option<PyObj>,
}

/// A Python function.
#[repr(C)]
pub struct PyFunction {
    header: ObjectHeader,
    /// `__globals__`.
    pub globals: PyObj,
    /// `__builtins__` (the builtins dict).
    pub builtins: PyObj,
    fields: UnsafeCell<FuncFields>,
    version: AtomicU32,
}

// SAFETY: `fields` is written only with the world stopped (or while private).
unsafe impl Sync for PyFunction {}

/// Byte offset of the globals dict pointer (for generated code).
pub const GLOBALS_OFFSET: usize = std::mem::offset_of!(PyFunction, globals);

unsafe fn func_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on functions; world stopped.
    let f = unsafe { &*(obj.as_ptr() as *const PyFunction) };
    visit(f.globals.as_ptr());
    visit(f.builtins.as_ptr());
    let fl = f.fields();
    for o in [&fl.code, &fl.name, &fl.qualname, &fl.doc, &fl.module] {
        visit(o.as_ptr());
    }
    for o in [&fl.defaults, &fl.kwdefaults, &fl.closure, &fl.annotations]
        .into_iter()
        .flatten()
    {
        visit(o.as_ptr());
    }
    // SAFETY: functions have a pre-header.
    unsafe { crate::managed::traverse(obj, visit) };
}

unsafe fn func_clear(obj: ObjPtr) {
    // SAFETY: installed on functions; the collector holds a reference. The world is
    // running, but a function in an unreachable cycle is seen by no other thread.
    let f = unsafe { &*(obj.as_ptr() as *const PyFunction) };
    // SAFETY: as above: no other thread can reach this function.
    let fl = unsafe { f.fields_mut() };
    let taken = (
        fl.defaults.take(),
        fl.kwdefaults.take(),
        fl.closure.take(),
        fl.annotations.take(),
    );
    drop(taken);
    // SAFETY: pre-header object.
    unsafe { crate::managed::clear(obj) };
}

unsafe fn func_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        crate::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyFunction;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).globals));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).builtins));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fields));
        crate::managed::clear(obj);
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// The `function` type.
    pub static FUNCTION_TYPE = {
        name: "function",
        layout: PyFunction,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::METHOD_DESCRIPTOR.union(TypeFlags::MANAGED_DICT).union(TypeFlags::PREHEADER).union(TypeFlags::MANAGED_WEAKREF),
        traverse: Some(func_traverse),
        clear: Some(func_clear),
        dealloc: func_dealloc,
        size: None,
        slots: Slots {
            call: Some(function_call),
            descr_get: Some(function_get),
            repr: Some(|f| {
                Ok(crate::str::from_string(format!(
                    "<function {} at {:#x}>",
                    crate::str::as_str(&function(f).fields().qualname),
                    f.addr()
                )))
            }),
            hash: Some(crate::baseobject::identity_hash),
            getattro: Some(crate::baseobject::generic_getattr),
            setattro: Some(crate::baseobject::generic_setattr),
            new: Some(function_new),
            ..Slots::EMPTY
        },
    }
}

/// How a function made by `FunctionType(code, globals, ...)` finds its builtins from
/// its globals (the interpreter's `_PyEval_BuiltinsFromGlobals`, set at start-up).
static BUILTINS_FROM_GLOBALS: std::sync::OnceLock<fn(&PyObj) -> PyObj> = std::sync::OnceLock::new();

/// Sets how functions made by the `function` constructor find their builtins (once
/// per process; later calls do nothing).
pub fn set_builtins_from_globals(f: fn(&PyObj) -> PyObj) {
    let _ = BUILTINS_FROM_GLOBALS.set(f);
}

/// `types.FunctionType(code, globals, name=None, argdefs=None, closure=None)`
/// (CPython's `func_new_impl`, Objects/funcobject.c).
fn function_new(_cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    use crate::singletons::is_none;
    let b = crate::args::Args::new(args, kwnames).bind(
        "function",
        0,
        &["code", "globals", "name", "argdefs", "closure"],
        2,
    )?;
    let (code_obj, globals) = (b[0].expect("required"), b[1].expect("required"));
    if !code_obj.is_exact(&CODE_TYPE) {
        return Err(type_error(format!(
            "function() argument 'code' must be code, not {}",
            code_obj.ty().name()
        )));
    }
    if !crate::dict::is_dict(globals) {
        return Err(type_error(format!(
            "function() argument 'globals' must be dict, not {}",
            globals.ty().name()
        )));
    }
    let name = b[2].filter(|n| !is_none(n));
    if name.is_some_and(|n| !crate::str::is_str(n)) {
        return Err(type_error("arg 3 (name) must be None or string"));
    }
    let defaults = b[3].filter(|d| !is_none(d));
    if defaults.is_some_and(|d| !crate::tuple::is_tuple(d)) {
        return Err(type_error("arg 4 (defaults) must be None or tuple"));
    }
    let c = code(code_obj);
    let nfree = crate::tuple::items(&c.freevars).len();
    let closure = b[4].filter(|c| !is_none(c));
    match closure {
        Some(cl) if !crate::tuple::is_tuple(cl) => {
            return Err(type_error("arg 5 (closure) must be None or tuple"));
        }
        None if nfree > 0 => return Err(type_error("arg 5 (closure) must be tuple")),
        _ => {}
    }
    if let Some(cl) = closure {
        let cells = crate::tuple::items(cl);
        if cells.len() != nfree {
            return Err(crate::exceptions::value_error(format!(
                "{} requires closure of length {}, not {}",
                crate::str::as_str(&c.name),
                nfree,
                cells.len()
            )));
        }
        if let Some(bad) = cells.iter().find(|x| !x.is_exact(&CELL_TYPE)) {
            return Err(type_error(format!(
                "arg 5 (closure) expected cell, found {}",
                bad.ty().name()
            )));
        }
    }
    let builtins = match BUILTINS_FROM_GLOBALS.get() {
        Some(f) => f(globals),
        None => crate::dict::new(),
    };
    let func = new_function(code_obj.clone(), globals.clone(), builtins);
    // SAFETY: the function was just made and is not visible to anyone else.
    unsafe {
        init_function_extras(
            &func,
            defaults.cloned(),
            None,
            closure.filter(|_| nfree > 0).cloned(),
            None,
        );
        if let Some(n) = name {
            function(&func).fields_mut().name = n.clone();
        }
    }
    Ok(func)
}

// SAFETY: repr(C), header first.
unsafe impl PyPayload for PyFunction {
    fn type_object() -> &'static PyType {
        &FUNCTION_TYPE
    }
}

impl PyFunction {
    /// The mutable-under-STW fields.
    #[inline(always)]
    pub fn fields(&self) -> &FuncFields {
        // SAFETY: written only with the world stopped.
        unsafe { &*self.fields.get() }
    }

    #[allow(clippy::mut_from_ref)]
    unsafe fn fields_mut(&self) -> &mut FuncFields {
        // SAFETY: the caller stopped the world or owns the function privately.
        unsafe { &mut *self.fields.get() }
    }

    /// The code object.
    #[inline(always)]
    pub fn code(&self) -> &PyCode {
        code(&self.fields().code)
    }

    /// The function version (0 = not specializable).
    #[inline(always)]
    pub fn version(&self) -> u32 {
        self.version.load(Relaxed)
    }
}

/// Byte offset of a function object's version (`u32`, [`PyFunction::version`]); the
/// JIT reads it inline.
pub const VERSION_OFFSET: usize = std::mem::offset_of!(PyFunction, version);

/// `true` if `obj` is a Python function.
#[inline(always)]
pub fn is_function(obj: &PyObj) -> bool {
    obj.is_exact(&FUNCTION_TYPE)
}

/// The function layout (unchecked in release builds).
#[inline(always)]
pub fn function(obj: &PyObj) -> &PyFunction {
    debug_assert!(is_function(obj));
    // SAFETY: callers pass functions.
    unsafe { obj.payload_unchecked::<PyFunction>() }
}

static NEXT_FUNC_VERSION: AtomicU32 = AtomicU32::new(1);

/// Versions a thread takes from [`NEXT_FUNC_VERSION`] at a time: threads that make
/// functions (closures, lambdas) in a loop would otherwise all increment one counter.
const VERSION_BLOCK: u32 = 1024;

thread_local! {
    /// This thread's unused versions: `next..end`.
    static VERSIONS: std::cell::Cell<(u32, u32)> = const { std::cell::Cell::new((0, 0)) };
}

/// A function version no other function has had, or 0 (never specialized on) once the
/// 32-bit space is used up.
fn next_version() -> u32 {
    VERSIONS.with(|v| {
        let (next, end) = v.get();
        if next < end {
            v.set((next + 1, end));
            return next;
        }
        match NEXT_FUNC_VERSION.fetch_update(Relaxed, Relaxed, |n| n.checked_add(VERSION_BLOCK)) {
            Ok(start) => {
                v.set((start + 1, start + VERSION_BLOCK));
                start
            }
            Err(_) => 0,
        }
    })
}

/// A new function from a code object and globals (`MAKE_FUNCTION`). The name and
/// qualname come from the code; `__module__` from `globals['__name__']`.
pub fn new_function(code_obj: PyObj, globals: PyObj, builtins: PyObj) -> PyObj {
    let c = code(&code_obj);
    // Functions defined by `def` at the top of a module or class are shared and
    // long-lived; nested ones (closures), lambdas, comprehensions (`<listcomp>`) and
    // class bodies (not CO_OPTIMIZED), called once and dropped, are left to
    // reference counting.
    let defer = c.flags & (CO_NESTED | CO_OPTIMIZED) == CO_OPTIMIZED
        && !crate::str::as_str(&c.name).starts_with('<');
    let (name, qualname) = (c.name.clone(), c.qualname.clone());
    let doc = crate::tuple::items(&c.consts)
        .first()
        .filter(|d| crate::str::is_str(d) && c.flags & 0x4000_0000 != 0)
        .cloned()
        .unwrap_or_else(crate::singletons::none);
    let module = crate::dict::get_item(&globals, &crate::names::NAMES.__name__)
        .ok()
        .flatten()
        .unwrap_or_else(crate::singletons::none);
    let ty = &FUNCTION_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation; every field written.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyFunction;
        std::ptr::addr_of_mut!((*p).globals).write(globals);
        std::ptr::addr_of_mut!((*p).builtins).write(builtins);
        std::ptr::addr_of_mut!((*p).fields).write(UnsafeCell::new(FuncFields {
            code: code_obj,
            defaults: None,
            kwdefaults: None,
            closure: None,
            name,
            qualname,
            doc,
            module,
            annotations: None,
        }));
        std::ptr::addr_of_mut!((*p).version).write(AtomicU32::new(next_version()));
        crate::alloc::finish_instance(ty, &obj);
    }
    if defer {
        obj.set_deferred();
    }
    obj
}

/// `CO_NESTED`: the code of a function defined inside another function.
const CO_NESTED: u32 = 0x10;
/// `CO_OPTIMIZED`: fast locals (functions; not module or class bodies).
const CO_OPTIMIZED: u32 = 0x1;

/// Sets the fields a new function gets from `MAKE_FUNCTION`'s flags (defaults,
/// keyword defaults, closure, annotations) before it is published.
///
/// # Safety
/// `func` must be private to the caller (just created by [`new_function`]).
pub unsafe fn init_function_extras(
    func: &PyObj,
    defaults: Option<PyObj>,
    kwdefaults: Option<PyObj>,
    closure: Option<PyObj>,
    annotations: Option<PyObj>,
) {
    // SAFETY: private function.
    let fl = unsafe { function(func).fields_mut() };
    fl.defaults = defaults;
    fl.kwdefaults = kwdefaults;
    fl.closure = closure;
    fl.annotations = annotations;
}

/// Changes a function field with the world stopped and bumps the version.
fn modify(func: &PyObj, f: impl FnOnce(&mut FuncFields)) {
    let _w = strand_heap::stop_the_world();
    let pf = function(func);
    // SAFETY: the world is stopped.
    f(unsafe { pf.fields_mut() });
    pf.version.store(next_version(), Relaxed);
}

/// The eval hook: runs a Python function (installed by the interpreter).
pub type EvalHook = fn(&PyObj, &[PyObj], Option<&PyObj>) -> PyResult<PyObj>;

static EVAL_HOOK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());

/// Installs the interpreter's eval hook.
pub fn set_eval_hook(hook: EvalHook) {
    EVAL_HOOK.store(hook as *mut (), Relaxed);
}

fn function_call(f: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let h = EVAL_HOOK.load(Relaxed);
    if h.is_null() {
        return Err(crate::exceptions::system_error(
            "no interpreter installed to run Python functions",
        ));
    }
    // SAFETY: EVAL_HOOK holds only EvalHook pointers.
    let hook: EvalHook = unsafe { std::mem::transmute::<*mut (), EvalHook>(h) };
    hook(f, args, kwnames)
}

fn function_get(f: &PyObj, inst: Option<&PyObj>, _owner: &PyObj) -> PyResult<PyObj> {
    match inst {
        None => Ok(f.clone()),
        Some(i) => Ok(new_method(f.clone(), i.clone())),
    }
}

/// The module name of the code currently running (for a class's default `__module__`),
/// from a hook the interpreter installs.
pub type GlobalsHook = fn() -> Option<PyObj>;

static GLOBALS_HOOK: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());

/// Installs the hook returning the current frame's globals dict.
pub fn set_current_globals_hook(hook: GlobalsHook) {
    GLOBALS_HOOK.store(hook as *mut (), Relaxed);
}

/// The current frame's globals dict, if an interpreter is running.
pub fn current_globals() -> Option<PyObj> {
    let h = GLOBALS_HOOK.load(Relaxed);
    if h.is_null() {
        return None;
    }
    // SAFETY: only GlobalsHook pointers are stored.
    let hook: GlobalsHook = unsafe { std::mem::transmute::<*mut (), GlobalsHook>(h) };
    hook()
}

/// The builtins namespace of the running code (CPython's `PyEval_GetBuiltins`: the
/// innermost frame's builtins, or the interpreter's when no frame runs), from a hook
/// the interpreter installs.
pub type BuiltinsHook = fn() -> PyObj;

static BUILTINS_HOOK: std::sync::OnceLock<BuiltinsHook> = std::sync::OnceLock::new();

/// Installs the hook returning the running code's builtins namespace (once per
/// process; later calls do nothing).
pub fn set_current_builtins_hook(hook: BuiltinsHook) {
    let _ = BUILTINS_HOOK.set(hook);
}

/// `name` looked up in the running code's builtins namespace (CPython's
/// `_PyEval_GetBuiltin`): what the `__reduce__` methods of the builtin iterators and
/// callables name as their reconstructor (`iter`, `reversed`, `getattr`), so a
/// program that replaced `builtins.iter` gets its own function back, as in CPython.
///
/// # Errors
/// `AttributeError(name)` when the namespace has no such name (or no interpreter is
/// installed).
pub fn get_builtin(name: &str) -> PyResult<PyObj> {
    let found = BUILTINS_HOOK
        .get()
        .map(|h| h())
        .filter(crate::dict::is_dict)
        .and_then(|b| crate::dict::get_item_str(&b, name));
    found.ok_or_else(|| crate::exceptions::attribute_error(name))
}

/// `globals()['__name__']` of the running code.
pub fn current_globals_module() -> Option<PyObj> {
    current_globals().and_then(|g| crate::dict::get_item_str(&g, "__name__"))
}

/// Function attributes.
pub(crate) fn function_getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    fn opt(o: &Option<PyObj>) -> PyObj {
        o.clone().unwrap_or_else(crate::singletons::none)
    }
    vec![
        GetSetDef::new(
            "__code__",
            |f| Ok(function(f).fields().code.clone()),
            Some(|f, v| {
                let v = v.ok_or_else(|| type_error("__code__ must be set to a code object"))?;
                if !v.is_exact(&CODE_TYPE) {
                    return Err(type_error("__code__ must be set to a code object"));
                }
                // The closure stays: the new code must want exactly as many cells
                // (CPython's func_set_code).
                let nfree = crate::tuple::items(&code(v).freevars).len();
                let nclosure = function(f)
                    .fields()
                    .closure
                    .as_ref()
                    .map_or(0, |c| crate::tuple::items(c).len());
                if nfree != nclosure {
                    return Err(crate::exceptions::value_error(format!(
                        "{}() requires a code object with {nclosure} free vars, not {nfree}",
                        crate::str::as_str(&function(f).fields().name)
                    )));
                }
                let v = v.clone();
                modify(f, |fl| fl.code = v);
                Ok(())
            }),
        ),
        GetSetDef::new("__globals__", |f| Ok(function(f).globals.clone()), None),
        GetSetDef::new("__builtins__", |f| Ok(function(f).builtins.clone()), None),
        GetSetDef::new(
            "__closure__",
            |f| Ok(opt(&function(f).fields().closure)),
            None,
        ),
        GetSetDef::new(
            "__defaults__",
            |f| Ok(opt(&function(f).fields().defaults)),
            Some(|f, v| {
                let v = match v {
                    None => None,
                    Some(v) if crate::singletons::is_none(v) => None,
                    Some(v) if crate::tuple::is_tuple(v) => Some(v.clone()),
                    Some(_) => {
                        return Err(type_error("__defaults__ must be set to a tuple object"))
                    }
                };
                modify(f, |fl| fl.defaults = v);
                Ok(())
            }),
        ),
        GetSetDef::new(
            "__kwdefaults__",
            |f| Ok(opt(&function(f).fields().kwdefaults)),
            Some(|f, v| {
                let v = match v {
                    None => None,
                    Some(v) if crate::singletons::is_none(v) => None,
                    Some(v) if crate::dict::is_dict(v) => Some(v.clone()),
                    Some(_) => {
                        return Err(type_error("__kwdefaults__ must be set to a dict object"))
                    }
                };
                modify(f, |fl| fl.kwdefaults = v);
                Ok(())
            }),
        ),
        GetSetDef::new(
            "__name__",
            |f| Ok(function(f).fields().name.clone()),
            Some(|f, v| match v {
                Some(v) if crate::str::is_str(v) => {
                    let v = v.clone();
                    modify(f, |fl| fl.name = v);
                    Ok(())
                }
                _ => Err(type_error("__name__ must be set to a string object")),
            }),
        ),
        GetSetDef::new(
            "__qualname__",
            |f| Ok(function(f).fields().qualname.clone()),
            Some(|f, v| match v {
                Some(v) if crate::str::is_str(v) => {
                    let v = v.clone();
                    modify(f, |fl| fl.qualname = v);
                    Ok(())
                }
                _ => Err(type_error("__qualname__ must be set to a string object")),
            }),
        ),
        GetSetDef::new(
            "__doc__",
            |f| Ok(function(f).fields().doc.clone()),
            Some(|f, v| {
                let v = v.cloned().unwrap_or_else(crate::singletons::none);
                modify(f, |fl| fl.doc = v);
                Ok(())
            }),
        ),
        GetSetDef::new(
            "__module__",
            |f| Ok(function(f).fields().module.clone()),
            Some(|f, v| {
                let v = v.cloned().unwrap_or_else(crate::singletons::none);
                modify(f, |fl| fl.module = v);
                Ok(())
            }),
        ),
        GetSetDef::new(
            "__annotations__",
            |f| {
                if let Some(a) = &function(f).fields().annotations {
                    return Ok(a.clone());
                }
                let d = crate::dict::new();
                let d2 = d.clone();
                modify(f, |fl| fl.annotations = Some(d2));
                Ok(d)
            },
            Some(|f, v| {
                let v = v.filter(|v| !crate::singletons::is_none(v)).cloned();
                modify(f, |fl| fl.annotations = v);
                Ok(())
            }),
        ),
        GetSetDef::new("__dict__", |f| Ok(crate::managed::ensure_dict(f)), None),
    ]
}

// ---------------------------------------------------------------------------------
// Cells
// ---------------------------------------------------------------------------------

/// A cell: one variable shared between a function and its closures.
#[repr(C)]
pub struct PyCell {
    header: ObjectHeader,
    value: AtomicPtr<ObjectHeader>,
}

unsafe fn cell_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on cells.
    let c = unsafe { &*(obj.as_ptr() as *const PyCell) };
    if let Some(p) = ObjPtr::from_raw(c.value.load(Relaxed)) {
        visit(p);
    }
}

unsafe fn cell_clear(obj: ObjPtr) {
    // SAFETY: the collector holds a reference.
    let c = unsafe { PyObj::from_borrowed(obj) };
    let _ = cell_set(&c, None);
}

unsafe fn cell_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let c = &*(obj.as_ptr() as *const PyCell);
        if let Some(p) = ObjPtr::from_raw(c.value.swap(std::ptr::null_mut(), AcqRel)) {
            drop(PyObj::from_owned(p));
        }
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// The `cell` type.
    pub static CELL_TYPE = {
        name: "cell",
        layout: PyCell,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(cell_traverse),
        clear: Some(cell_clear),
        dealloc: cell_dealloc,
        size: None,
        slots: Slots {
            repr: Some(|c| {
                Ok(crate::str::from_string(match cell_get(c) {
                    None => format!("<cell at {:#x}: empty>", c.addr()),
                    Some(v) => format!("<cell at {:#x}: {} object at {:#x}>", c.addr(), v.ty().name(), v.addr()),
                }))
            }),
            ..Slots::EMPTY
        },
    }
}

/// A new cell holding `value`.
pub fn new_cell(value: Option<PyObj>) -> PyObj {
    let ty = &CELL_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    let raw = value.map_or(std::ptr::null_mut(), |v| {
        // A fresh cell is this thread's and not shared (see `cell_get`).
        publish_cell_value(false, &v);
        v.into_ptr().as_ptr()
    });
    // SAFETY: fresh allocation.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyCell;
        std::ptr::addr_of_mut!((*p).value).write(AtomicPtr::new(raw));
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn cell_payload(c: &PyObj) -> &PyCell {
    debug_assert!(c.is_exact(&CELL_TYPE));
    // SAFETY: callers pass cells.
    unsafe { c.payload_unchecked::<PyCell>() }
}

/// `true` once the cell has been published to threads other than its owner.
#[inline(always)]
fn cell_is_shared(c: &PyObj) -> bool {
    // SAFETY: alive (we hold a reference).
    unsafe { c.as_ptr().flags() }.contains(strand_heap::ObFlags::SHARED)
}

/// Publishes a value a cell is about to hold for lock-free readers, where one may
/// read it: always in a shared cell, and in an unshared one when the value belongs to
/// another thread (the owner's lock-free read of it is a `try_incref`, which needs a
/// published object). The owner's own values in its own unshared cell stay
/// unpublished, so that they are freed at once rather than after a QSBR grace period.
#[inline(always)]
fn publish_cell_value(cell_shared: bool, v: &PyObj) {
    if cell_shared || !crate::alloc::owned_by_current_thread(v) {
        // SAFETY: we hold a reference to `v`.
        unsafe { mark_shared(v.as_ptr()) };
    }
}

/// Publishes the cell and its value (its lock is held): the first access by a thread
/// other than the owner, as lists and dicts do it (CPython's `_PyObject_GC_SET_SHARED`
/// on a non-owner's access).
#[cold]
#[inline(never)]
fn share_cell_locked(c: &PyObj) {
    if cell_is_shared(c) {
        return;
    }
    if let Some(p) = ObjPtr::from_raw(cell_payload(c).value.load(Relaxed)) {
        // SAFETY: the cell holds a reference to its value; writers hold the lock.
        unsafe { mark_shared(p) };
    }
    // SAFETY: alive.
    unsafe { mark_shared(c.as_ptr()) };
}

/// The cell's value (`None` if empty). Lock-free except for the first read by a
/// thread other than the cell's owner, which publishes the cell first.
///
/// Why the lock-free read is sound: whatever value the reader loads stays allocated
/// while it takes its reference with `try_incref`. In a shared cell every value is
/// published (so a replaced one is freed after a QSBR grace period). In an unshared
/// cell only the owner reads lock-free, and the only writer besides it shares the cell
/// (under the cell's lock, before its store), which publishes the value it replaces;
/// the owner's own stores do not race with its own reads. Writes hold the cell's lock,
/// so a store and the sharing of the cell never interleave.
///
/// `try_incref` refuses a value that another thread owns and never published (a cell
/// marked shared as the item of a shared container, whose value was not published
/// with it) and one being freed after a store replaced it; the read is then done under
/// the lock.
#[inline]
pub fn cell_get(c: &PyObj) -> Option<PyObj> {
    let cell = cell_payload(c);
    if !cell_is_shared(c) && !crate::alloc::owned_by_current_thread(c) {
        return cell_get_locked(c);
    }
    loop {
        let p = ObjPtr::from_raw(cell.value.load(Acquire))?;
        // SAFETY: the value outlives this attached thread's read (above).
        if !unsafe { try_incref(p) } {
            return cell_get_locked(c);
        }
        if cell.value.load(Acquire) == p.as_ptr() {
            // SAFETY: we took the reference.
            return Some(unsafe { PyObj::from_owned(p) });
        }
        // SAFETY: give it back.
        unsafe { strand_heap::refcount::decref(p) };
    }
}

/// [`cell_get`] under the cell's lock, where no store can replace the value: the
/// cell's own reference keeps it alive while ours is taken. A thread other than the
/// owner publishes the cell first.
#[cold]
#[inline(never)]
fn cell_get_locked(c: &PyObj) -> Option<PyObj> {
    strand_heap::critical_section!(c);
    if !crate::alloc::owned_by_current_thread(c) {
        share_cell_locked(c);
    }
    let p = ObjPtr::from_raw(cell_payload(c).value.load(Acquire))?;
    // SAFETY: the cell holds a reference and stores wait for the lock.
    Some(unsafe { PyObj::from_borrowed(p) })
}

/// Stores into (or empties) a cell, under the cell's lock (see [`cell_get`]).
pub fn cell_set(c: &PyObj, value: Option<PyObj>) -> PyResult<()> {
    if !c.is_exact(&CELL_TYPE) {
        return Err(type_error("__classcell__ must be a nonlocal cell"));
    }
    let cell = cell_payload(c);
    let old = {
        strand_heap::critical_section!(c);
        if !crate::alloc::owned_by_current_thread(c) {
            share_cell_locked(c);
        }
        let raw = value.map_or(std::ptr::null_mut(), |v| {
            publish_cell_value(cell_is_shared(c), &v);
            v.into_ptr().as_ptr()
        });
        cell.value.swap(raw, AcqRel)
    };
    // The old value is released after the lock (its `__del__` may run anything).
    if let Some(p) = ObjPtr::from_raw(old) {
        // SAFETY: the cell owned the old value.
        drop(unsafe { PyObj::from_owned(p) });
    }
    Ok(())
}

/// Cell attributes: `cell_contents` (reading an empty cell is a `ValueError`).
pub(crate) fn cell_getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![GetSetDef::new(
        "cell_contents",
        |c| cell_get(c).ok_or_else(|| crate::exceptions::value_error("Cell is empty")),
        Some(|c, v| cell_set(c, v.cloned())),
    )]
}

// ---------------------------------------------------------------------------------
// Bound methods
// ---------------------------------------------------------------------------------

/// A function bound to an instance (`obj.method`).
#[repr(C)]
pub struct PyMethod {
    header: ObjectHeader,
    /// `__func__`.
    pub func: PyObj,
    /// `__self__`.
    pub self_: PyObj,
}

unsafe fn method_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on bound methods.
    let m = unsafe { &*(obj.as_ptr() as *const PyMethod) };
    visit(m.func.as_ptr());
    visit(m.self_.as_ptr());
}

unsafe fn method_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        // Bound methods are weakly referenceable (CPython's im_weakreflist).
        crate::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyMethod;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).func));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).self_));
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

crate::builtin_type! {
    /// The `method` type.
    pub static METHOD_TYPE = {
        name: "method",
        layout: PyMethod,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::MANAGED_WEAKREF,
        traverse: Some(method_traverse),
        clear: None,
        dealloc: method_dealloc,
        size: None,
        slots: Slots {
            call: Some(method_call),
            repr: Some(|m| {
                let pm = method_payload(m);
                let name = ab::getattr_opt(&pm.func, &crate::names::NAMES.__qualname__)?
                    .or(ab::getattr_opt(&pm.func, &crate::names::NAMES.__name__)?)
                    .map(|n| ab::str_string(&n))
                    .transpose()?
                    .unwrap_or_else(|| "?".into());
                Ok(crate::str::from_string(format!("<bound method {name} of {}>", ab::repr_string(&pm.self_)?)))
            }),
            hash: Some(|m| {
                let pm = method_payload(m);
                Ok(ab::hash(&pm.self_)? ^ ab::hash(&pm.func)?)
            }),
            richcompare: Some(|a, b, op| {
                use crate::typeobj::CompareOp;
                let Some(pb) = b.downcast_exact::<PyMethod>() else {
                    return Ok(crate::singletons::not_implemented());
                };
                if !matches!(op, CompareOp::Eq | CompareOp::Ne) {
                    return Ok(crate::singletons::not_implemented());
                }
                let pa = method_payload(a);
                let eq = pa.self_.is(&pb.self_) && ab::eq(&pa.func, &pb.func)?;
                Ok(crate::singletons::bool_obj(eq == (op == CompareOp::Eq)))
            }),
            getattro: Some(method_getattro),
            descr_get: Some(|m, _, _| Ok(m.clone())),
            new: Some(method_new),
            ..Slots::EMPTY
        },
    }
}

// SAFETY: repr(C), header first.
unsafe impl PyPayload for PyMethod {
    fn type_object() -> &'static PyType {
        &METHOD_TYPE
    }
}

fn method_payload(m: &PyObj) -> &PyMethod {
    // SAFETY: installed on bound methods only.
    unsafe { m.payload_unchecked::<PyMethod>() }
}

/// `types.MethodType(function, instance)` (CPython's `method_new_impl`): what
/// `copy.deepcopy` rebuilds a bound method with.
fn method_new(_cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kwnames);
    if a.has_kwargs() {
        return Err(type_error("method() takes no keyword arguments"));
    }
    a.expect_fn("method", 2, 2)?;
    if args[0].ty().slots().call.is_none() {
        return Err(type_error("first argument must be callable"));
    }
    if crate::singletons::is_none(&args[1]) {
        return Err(type_error("instance must not be None"));
    }
    Ok(new_method(args[0].clone(), args[1].clone()))
}

/// `func` bound to `self_`.
pub fn new_method(func: PyObj, self_: PyObj) -> PyObj {
    let ty = &METHOD_TYPE;
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyMethod;
        std::ptr::addr_of_mut!((*p).func).write(func);
        std::ptr::addr_of_mut!((*p).self_).write(self_);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn method_call(m: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let pm = method_payload(m);
    let mut all: smallvec::SmallVec<[PyObj; 8]> = smallvec::SmallVec::with_capacity(args.len() + 1);
    all.push(pm.self_.clone());
    all.extend(args.iter().cloned());
    ab::call(&pm.func, &all, kwnames)
}

fn method_getattro(m: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    // Attributes of the method type first (__func__, __self__), then the function's.
    if let Some(v) = crate::baseobject::generic_getattr_opt(m, name)? {
        return Ok(v);
    }
    ab::getattr(&method_payload(m).func, name)
}

/// `__func__` and `__self__`.
pub(crate) fn method_getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![
        GetSetDef::new("__func__", |m| Ok(method_payload(m).func.clone()), None),
        GetSetDef::new("__self__", |m| Ok(method_payload(m).self_.clone()), None),
        // The function's (CPython's `method_get_doc`).
        GetSetDef::new(
            "__doc__",
            |m| crate::abstract_::getattr_str(&method_payload(m).func, "__doc__"),
            None,
        ),
    ]
}

/// `method.__reduce__()` (CPython's `method_reduce`): `(getattr, (self,
/// func.__name__))`, so pickle rebuilds the bound method by looking it up again.
pub(crate) fn method_methods() -> Vec<crate::descr::MethodDef> {
    vec![crate::descr::MethodDef::new("__reduce__", |args, kw| {
        crate::args::Args::new(args, kw).exact("method.__reduce__", 1)?;
        let m = method_payload(&args[0]);
        let name = ab::getattr(&m.func, &crate::names::NAMES.__name__)?;
        Ok(crate::tuple::pair(
            get_builtin("getattr")?,
            crate::tuple::pair(m.self_.clone(), name),
        ))
    })]
}
