//! The exception hierarchy from `BaseException` down, and [`PyErr`], the Rust error
//! type that carries a raised exception.
//!
//! Every builtin exception type is an immortal static sharing one layout
//! ([`PyBaseException`]: `args`, `__traceback__`, `__cause__`, `__context__`,
//! `__suppress_context__`) plus a managed `__dict__` in the pre-header, where the
//! attributes particular to some types live (`StopIteration.value`,
//! `OSError.errno`, `SyntaxError.lineno`, ...). `str()` and `repr()` follow CPython
//! (Objects/exceptions.c), including `KeyError`'s repr of its key and `OSError`'s
//! `[Errno n] message: 'file'`.

use parking_lot::Mutex;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::object::{PyObj, PyPayload};
use crate::typeobj::{PyType, Slots, TypeFlags};

/// The mutable state of an exception.
pub struct ExcState {
    /// `args` (a tuple).
    pub args: PyObj,
    /// `__traceback__`.
    pub traceback: Option<PyObj>,
    /// `__cause__`.
    pub cause: Option<PyObj>,
    /// `__context__`.
    pub context: Option<PyObj>,
    /// `__suppress_context__`.
    pub suppress_context: bool,
}

/// The layout of every exception.
#[repr(C)]
pub struct PyBaseException {
    header: ObjectHeader,
    state: Mutex<ExcState>,
}

// SAFETY: repr(C), header first; every exception type (and subclass) uses this layout.
unsafe impl PyPayload for PyBaseException {
    fn type_object() -> &'static PyType {
        &BASE_EXCEPTION_TYPE
    }
}

impl PyBaseException {
    /// Locks and returns the state.
    pub fn state(&self) -> parking_lot::MutexGuard<'_, ExcState> {
        self.state.lock()
    }
}

unsafe fn exc_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on exceptions only; the world is stopped (no lock holder can
    // be mid-update... but try_lock keeps us honest if one were).
    let e = unsafe { &*(obj.as_ptr() as *const PyBaseException) };
    if let Some(st) = e.state.try_lock() {
        visit(st.args.as_ptr());
        for o in [&st.traceback, &st.cause, &st.context]
            .into_iter()
            .flatten()
        {
            visit(o.as_ptr());
        }
    }
    // SAFETY: exceptions have a pre-header.
    unsafe { crate::managed::traverse(obj, visit) };
}

unsafe fn exc_clear(obj: ObjPtr) {
    // SAFETY: installed on exceptions only; the collector holds a reference.
    let e = unsafe { &*(obj.as_ptr() as *const PyBaseException) };
    let (tb, cause, ctx) = {
        let mut st = e.state.lock();
        (st.traceback.take(), st.cause.take(), st.context.take())
    };
    drop((tb, cause, ctx));
    // SAFETY: pre-header object kept alive by the collector.
    unsafe { crate::managed::clear(obj) };
}

unsafe fn exc_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access.
    unsafe {
        let e = obj.as_ptr() as *mut PyBaseException;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*e).state));
        crate::managed::clear(obj);
        crate::heaptype::dealloc_instance_memory(obj);
    }
}

const EXC_FLAGS: TypeFlags = TypeFlags::BASETYPE
    .union(TypeFlags::BASE_EXC_SUBCLASS)
    .union(TypeFlags::MANAGED_DICT)
    .union(TypeFlags::PREHEADER);

const EXC_SLOTS: Slots = Slots {
    repr: Some(exc_repr),
    str: Some(exc_str),
    new: Some(exc_new),
    init: Some(exc_init),
    getattro: Some(crate::baseobject::generic_getattr),
    setattro: Some(crate::baseobject::generic_setattr),
    ..Slots::EMPTY
};

macro_rules! exception_types {
    ($( $ident:ident = $name:literal $(, str: $str:expr)? $(, init: $init:expr)? $(, new: $new:expr)? ; )*) => {
        $(
            crate::builtin_type! {
                #[doc = concat!("The `", $name, "` exception type.")]
                pub static $ident = {
                    name: $name,
                    layout: PyBaseException,
                    itemsize: 0,
                    kind: HeapKind::GcPreheader,
                    flags: EXC_FLAGS,
                    traverse: Some(exc_traverse),
                    clear: Some(exc_clear),
                    dealloc: exc_dealloc,
                    size: None,
                    slots: Slots {
                        $( str: Some($str), )?
                        $( init: Some($init), )?
                        $( new: Some($new), )?
                        ..EXC_SLOTS
                    },
                }
            }
        )*
    };
}

exception_types! {
    BASE_EXCEPTION_TYPE = "BaseException";
    BASE_EXCEPTION_GROUP_TYPE = "BaseExceptionGroup", str: group_str, new: group_new;
    EXCEPTION_GROUP_TYPE = "ExceptionGroup", str: group_str, new: group_new;
    GENERATOR_EXIT_TYPE = "GeneratorExit";
    KEYBOARD_INTERRUPT_TYPE = "KeyboardInterrupt";
    SYSTEM_EXIT_TYPE = "SystemExit", init: system_exit_init;
    EXCEPTION_TYPE = "Exception";
    ARITHMETIC_ERROR_TYPE = "ArithmeticError";
    FLOATING_POINT_ERROR_TYPE = "FloatingPointError";
    OVERFLOW_ERROR_TYPE = "OverflowError";
    ZERO_DIVISION_ERROR_TYPE = "ZeroDivisionError";
    ASSERTION_ERROR_TYPE = "AssertionError";
    ATTRIBUTE_ERROR_TYPE = "AttributeError", init: name_error_init;
    BUFFER_ERROR_TYPE = "BufferError";
    EOF_ERROR_TYPE = "EOFError";
    IMPORT_ERROR_TYPE = "ImportError", str: import_error_str, init: import_error_init;
    MODULE_NOT_FOUND_ERROR_TYPE = "ModuleNotFoundError", str: import_error_str, init: import_error_init;
    LOOKUP_ERROR_TYPE = "LookupError";
    INDEX_ERROR_TYPE = "IndexError";
    KEY_ERROR_TYPE = "KeyError", str: key_error_str;
    MEMORY_ERROR_TYPE = "MemoryError";
    NAME_ERROR_TYPE = "NameError", init: name_error_init;
    UNBOUND_LOCAL_ERROR_TYPE = "UnboundLocalError";
    OS_ERROR_TYPE = "OSError", str: os_error_str, init: os_error_init;
    BLOCKING_IO_ERROR_TYPE = "BlockingIOError", str: os_error_str, init: os_error_init;
    CHILD_PROCESS_ERROR_TYPE = "ChildProcessError", str: os_error_str, init: os_error_init;
    CONNECTION_ERROR_TYPE = "ConnectionError", str: os_error_str, init: os_error_init;
    BROKEN_PIPE_ERROR_TYPE = "BrokenPipeError", str: os_error_str, init: os_error_init;
    CONNECTION_ABORTED_ERROR_TYPE = "ConnectionAbortedError", str: os_error_str, init: os_error_init;
    CONNECTION_REFUSED_ERROR_TYPE = "ConnectionRefusedError", str: os_error_str, init: os_error_init;
    CONNECTION_RESET_ERROR_TYPE = "ConnectionResetError", str: os_error_str, init: os_error_init;
    FILE_EXISTS_ERROR_TYPE = "FileExistsError", str: os_error_str, init: os_error_init;
    FILE_NOT_FOUND_ERROR_TYPE = "FileNotFoundError", str: os_error_str, init: os_error_init;
    INTERRUPTED_ERROR_TYPE = "InterruptedError", str: os_error_str, init: os_error_init;
    IS_A_DIRECTORY_ERROR_TYPE = "IsADirectoryError", str: os_error_str, init: os_error_init;
    NOT_A_DIRECTORY_ERROR_TYPE = "NotADirectoryError", str: os_error_str, init: os_error_init;
    PERMISSION_ERROR_TYPE = "PermissionError", str: os_error_str, init: os_error_init;
    PROCESS_LOOKUP_ERROR_TYPE = "ProcessLookupError", str: os_error_str, init: os_error_init;
    TIMEOUT_ERROR_TYPE = "TimeoutError", str: os_error_str, init: os_error_init;
    REFERENCE_ERROR_TYPE = "ReferenceError";
    RUNTIME_ERROR_TYPE = "RuntimeError";
    NOT_IMPLEMENTED_ERROR_TYPE = "NotImplementedError";
    RECURSION_ERROR_TYPE = "RecursionError";
    PYTHON_FINALIZATION_ERROR_TYPE = "PythonFinalizationError";
    STOP_ASYNC_ITERATION_TYPE = "StopAsyncIteration";
    STOP_ITERATION_TYPE = "StopIteration", init: stop_iteration_init;
    SYNTAX_ERROR_TYPE = "SyntaxError", str: syntax_error_str, init: syntax_error_init;
    INDENTATION_ERROR_TYPE = "IndentationError", str: syntax_error_str, init: syntax_error_init;
    TAB_ERROR_TYPE = "TabError", str: syntax_error_str, init: syntax_error_init;
    SYSTEM_ERROR_TYPE = "SystemError";
    TYPE_ERROR_TYPE = "TypeError";
    VALUE_ERROR_TYPE = "ValueError";
    UNICODE_ERROR_TYPE = "UnicodeError";
    UNICODE_DECODE_ERROR_TYPE = "UnicodeDecodeError", str: unicode_error_str, init: unicode_error_init;
    UNICODE_ENCODE_ERROR_TYPE = "UnicodeEncodeError", str: unicode_error_str, init: unicode_error_init;
    UNICODE_TRANSLATE_ERROR_TYPE = "UnicodeTranslateError", str: unicode_error_str, init: unicode_error_init;
    WARNING_TYPE = "Warning";
    BYTES_WARNING_TYPE = "BytesWarning";
    DEPRECATION_WARNING_TYPE = "DeprecationWarning";
    ENCODING_WARNING_TYPE = "EncodingWarning";
    FUTURE_WARNING_TYPE = "FutureWarning";
    IMPORT_WARNING_TYPE = "ImportWarning";
    PENDING_DEPRECATION_WARNING_TYPE = "PendingDeprecationWarning";
    RESOURCE_WARNING_TYPE = "ResourceWarning";
    RUNTIME_WARNING_TYPE = "RuntimeWarning";
    SYNTAX_WARNING_TYPE = "SyntaxWarning";
    UNICODE_WARNING_TYPE = "UnicodeWarning";
    USER_WARNING_TYPE = "UserWarning";
}

/// Every builtin exception type with its base, bases before subclasses.
pub fn hierarchy() -> Vec<(&'static PyType, &'static PyType)> {
    use crate::baseobject::OBJECT_TYPE as O;
    vec![
        (&BASE_EXCEPTION_TYPE, &O),
        (&BASE_EXCEPTION_GROUP_TYPE, &BASE_EXCEPTION_TYPE),
        (&GENERATOR_EXIT_TYPE, &BASE_EXCEPTION_TYPE),
        (&KEYBOARD_INTERRUPT_TYPE, &BASE_EXCEPTION_TYPE),
        (&SYSTEM_EXIT_TYPE, &BASE_EXCEPTION_TYPE),
        (&EXCEPTION_TYPE, &BASE_EXCEPTION_TYPE),
        (&EXCEPTION_GROUP_TYPE, &BASE_EXCEPTION_GROUP_TYPE),
        (&ARITHMETIC_ERROR_TYPE, &EXCEPTION_TYPE),
        (&FLOATING_POINT_ERROR_TYPE, &ARITHMETIC_ERROR_TYPE),
        (&OVERFLOW_ERROR_TYPE, &ARITHMETIC_ERROR_TYPE),
        (&ZERO_DIVISION_ERROR_TYPE, &ARITHMETIC_ERROR_TYPE),
        (&ASSERTION_ERROR_TYPE, &EXCEPTION_TYPE),
        (&ATTRIBUTE_ERROR_TYPE, &EXCEPTION_TYPE),
        (&BUFFER_ERROR_TYPE, &EXCEPTION_TYPE),
        (&EOF_ERROR_TYPE, &EXCEPTION_TYPE),
        (&IMPORT_ERROR_TYPE, &EXCEPTION_TYPE),
        (&MODULE_NOT_FOUND_ERROR_TYPE, &IMPORT_ERROR_TYPE),
        (&LOOKUP_ERROR_TYPE, &EXCEPTION_TYPE),
        (&INDEX_ERROR_TYPE, &LOOKUP_ERROR_TYPE),
        (&KEY_ERROR_TYPE, &LOOKUP_ERROR_TYPE),
        (&MEMORY_ERROR_TYPE, &EXCEPTION_TYPE),
        (&NAME_ERROR_TYPE, &EXCEPTION_TYPE),
        (&UNBOUND_LOCAL_ERROR_TYPE, &NAME_ERROR_TYPE),
        (&OS_ERROR_TYPE, &EXCEPTION_TYPE),
        (&BLOCKING_IO_ERROR_TYPE, &OS_ERROR_TYPE),
        (&CHILD_PROCESS_ERROR_TYPE, &OS_ERROR_TYPE),
        (&CONNECTION_ERROR_TYPE, &OS_ERROR_TYPE),
        (&BROKEN_PIPE_ERROR_TYPE, &CONNECTION_ERROR_TYPE),
        (&CONNECTION_ABORTED_ERROR_TYPE, &CONNECTION_ERROR_TYPE),
        (&CONNECTION_REFUSED_ERROR_TYPE, &CONNECTION_ERROR_TYPE),
        (&CONNECTION_RESET_ERROR_TYPE, &CONNECTION_ERROR_TYPE),
        (&FILE_EXISTS_ERROR_TYPE, &OS_ERROR_TYPE),
        (&FILE_NOT_FOUND_ERROR_TYPE, &OS_ERROR_TYPE),
        (&INTERRUPTED_ERROR_TYPE, &OS_ERROR_TYPE),
        (&IS_A_DIRECTORY_ERROR_TYPE, &OS_ERROR_TYPE),
        (&NOT_A_DIRECTORY_ERROR_TYPE, &OS_ERROR_TYPE),
        (&PERMISSION_ERROR_TYPE, &OS_ERROR_TYPE),
        (&PROCESS_LOOKUP_ERROR_TYPE, &OS_ERROR_TYPE),
        (&TIMEOUT_ERROR_TYPE, &OS_ERROR_TYPE),
        (&REFERENCE_ERROR_TYPE, &EXCEPTION_TYPE),
        (&RUNTIME_ERROR_TYPE, &EXCEPTION_TYPE),
        (&NOT_IMPLEMENTED_ERROR_TYPE, &RUNTIME_ERROR_TYPE),
        (&RECURSION_ERROR_TYPE, &RUNTIME_ERROR_TYPE),
        (&PYTHON_FINALIZATION_ERROR_TYPE, &RUNTIME_ERROR_TYPE),
        (&STOP_ASYNC_ITERATION_TYPE, &EXCEPTION_TYPE),
        (&STOP_ITERATION_TYPE, &EXCEPTION_TYPE),
        (&SYNTAX_ERROR_TYPE, &EXCEPTION_TYPE),
        (&INDENTATION_ERROR_TYPE, &SYNTAX_ERROR_TYPE),
        (&TAB_ERROR_TYPE, &INDENTATION_ERROR_TYPE),
        (&SYSTEM_ERROR_TYPE, &EXCEPTION_TYPE),
        (&TYPE_ERROR_TYPE, &EXCEPTION_TYPE),
        (&VALUE_ERROR_TYPE, &EXCEPTION_TYPE),
        (&UNICODE_ERROR_TYPE, &VALUE_ERROR_TYPE),
        (&UNICODE_DECODE_ERROR_TYPE, &UNICODE_ERROR_TYPE),
        (&UNICODE_ENCODE_ERROR_TYPE, &UNICODE_ERROR_TYPE),
        (&UNICODE_TRANSLATE_ERROR_TYPE, &UNICODE_ERROR_TYPE),
        (&WARNING_TYPE, &EXCEPTION_TYPE),
        (&BYTES_WARNING_TYPE, &WARNING_TYPE),
        (&DEPRECATION_WARNING_TYPE, &WARNING_TYPE),
        (&ENCODING_WARNING_TYPE, &WARNING_TYPE),
        (&FUTURE_WARNING_TYPE, &WARNING_TYPE),
        (&IMPORT_WARNING_TYPE, &WARNING_TYPE),
        (&PENDING_DEPRECATION_WARNING_TYPE, &WARNING_TYPE),
        (&RESOURCE_WARNING_TYPE, &WARNING_TYPE),
        (&RUNTIME_WARNING_TYPE, &WARNING_TYPE),
        (&SYNTAX_WARNING_TYPE, &WARNING_TYPE),
        (&UNICODE_WARNING_TYPE, &WARNING_TYPE),
        (&USER_WARNING_TYPE, &WARNING_TYPE),
    ]
}

/// A raised Python exception, as a Rust error.
pub struct PyErr {
    value: PyObj,
}

/// The result of an operation that may raise.
pub type PyResult<T> = Result<T, PyErr>;

impl PyErr {
    /// An exception of builtin type `ty` with `msg` as its only argument.
    pub fn new(ty: &PyType, msg: impl AsRef<str>) -> PyErr {
        PyErr::with_args(ty, vec![crate::str::new(msg.as_ref())])
    }

    /// An exception of builtin type `ty` with the given arguments.
    pub fn with_args(ty: &PyType, args: Vec<PyObj>) -> PyErr {
        PyErr {
            value: new_exception(ty, args),
        }
    }

    /// Wraps an exception instance. Everything that raises holds an exception
    /// instance (the rest of the runtime reads the value with [`payload`]); where
    /// `value` is not one, which is a bug of the caller (values made by calling a
    /// class go through [`create_exception`] or [`call_exception_class`], which check
    /// them), the error is a `SystemError` saying so rather than a bad cast.
    pub fn from_value(value: PyObj) -> PyErr {
        if !is_exception_instance(&value) {
            return not_an_exception(&value);
        }
        PyErr { value }
    }

    /// The exception instance.
    pub fn value(&self) -> &PyObj {
        &self.value
    }

    /// The exception instance, by value.
    pub fn into_value(self) -> PyObj {
        self.value
    }

    /// `isinstance(exc, ty)`.
    pub fn is_instance(&self, ty: &PyType) -> bool {
        self.value.is_instance_of(ty)
    }

    /// The exception's type name as a traceback prints it: `module.qualname` for
    /// classes defined outside `builtins` and `__main__` (`zlib.error`), the bare
    /// name otherwise (CPython's `print_exception`).
    pub fn type_name(&self) -> String {
        let ty = self.value.ty();
        if !ty.is_heap_type() {
            return ty.name().to_string();
        }
        let qualname = ty.qualname();
        let qualname = if crate::str::is_str(&qualname) {
            crate::str::as_str(&qualname).to_string()
        } else {
            ty.name().to_string()
        };
        match crate::dict::get_item_str(ty.dict(), "__module__") {
            Some(m) if crate::str::is_str(&m) => {
                let m = crate::str::as_str(&m);
                if m == "builtins" || m == "__main__" {
                    qualname
                } else {
                    format!("{m}.{qualname}")
                }
            }
            _ => qualname,
        }
    }

    /// `"TypeName: message"` as the last line of a traceback prints it.
    pub fn display_line(&self) -> String {
        let name = self.type_name();
        match ab::str_string(&self.value) {
            Ok(s) if s.is_empty() => name,
            Ok(s) => format!("{name}: {s}"),
            Err(_) => format!("{name}: <exception str() failed>"),
        }
    }
}

impl Clone for PyErr {
    fn clone(&self) -> Self {
        PyErr {
            value: self.value.clone(),
        }
    }
}

impl std::fmt::Debug for PyErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.display_line())
    }
}

impl std::fmt::Display for PyErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.display_line())
    }
}

#[cold]
fn not_an_exception(value: &PyObj) -> PyErr {
    system_error(format!(
        "exception value is a '{}' object, not a BaseException instance",
        value.ty().name()
    ))
}

/// CPython's `_PyErr_CreateException`: calls exception class `cls` with no arguments
/// (`value` None), the items of a tuple `value`, or `value` itself, and checks that
/// the result is an exception instance (a `__new__` may return anything).
///
/// # Errors
/// What the call raises, or `TypeError: calling <class 'E'> should have returned an
/// instance of BaseException, not T`.
pub fn create_exception(cls: &PyObj, value: Option<&PyObj>) -> PyResult<PyObj> {
    let v = match value {
        None => ab::call0(cls)?,
        Some(v) if crate::singletons::is_none(v) => ab::call0(cls)?,
        Some(v) if crate::tuple::is_tuple(v) => ab::call(cls, crate::tuple::items(v), None)?,
        Some(v) => ab::call1(cls, v.clone())?,
    };
    if !is_exception_instance(&v) {
        return Err(type_error(format!(
            "calling {} should have returned an instance of BaseException, not {}",
            ab::repr_string(cls)?,
            v.ty().name()
        )));
    }
    Ok(v)
}

/// CPython's `PyErr_NormalizeException` for an exception class `cls` and a value:
/// an exception instance whose class is `cls` or a subclass of it stands as it is;
/// anything else is the argument (or argument tuple) of a call of `cls`
/// ([`create_exception`]).
///
/// # Errors
/// What [`create_exception`] raises, or what a `__subclasscheck__` raises.
pub fn normalize_exception(cls: &PyObj, value: Option<&PyObj>) -> PyResult<PyObj> {
    if let Some(v) = value.filter(|v| is_exception_instance(v)) {
        if ab::issubclass(&v.ty().to_obj(), cls)? {
            return Ok(v.clone());
        }
    }
    create_exception(cls, value)
}

/// `cls(*args)` as an error to raise: the new instance, or the error its creation
/// raised (including the `TypeError` for a class whose `__new__` returns something
/// that is not an exception instance).
pub fn call_exception_class(cls: &PyObj, args: &[PyObj]) -> PyErr {
    let args = crate::tuple::from_vec(args.to_vec());
    match create_exception(cls, Some(&args)) {
        Ok(v) => PyErr { value: v },
        Err(e) => e,
    }
}

/// `true` if `obj` is an exception instance.
pub fn is_exception_instance(obj: &PyObj) -> bool {
    obj.ty().flags().contains(TypeFlags::BASE_EXC_SUBCLASS)
}

/// `true` if `obj` is an exception class.
pub fn is_exception_class(obj: &PyObj) -> bool {
    crate::typeobj::is_type(obj)
        // SAFETY: checked it is a type.
        && unsafe { PyType::from_obj(obj) }.flags().contains(TypeFlags::BASE_EXC_SUBCLASS)
}

/// The exception layout of `obj` (an exception instance).
pub fn payload(obj: &PyObj) -> &PyBaseException {
    debug_assert!(is_exception_instance(obj));
    // SAFETY: every exception instance has this layout.
    unsafe { obj.payload_unchecked::<PyBaseException>() }
}

/// Allocates an exception of type `ty` with `args` and runs the type's attribute set-up
/// (errno, value, ...), without calling any Python code.
pub fn new_exception(ty: &PyType, args: Vec<PyObj>) -> PyObj {
    let obj = alloc_exception(ty, crate::tuple::from_vec(args));
    if let Some(init) = native_init(ty) {
        let args = crate::tuple::items(&payload(&obj).state().args).to_vec();
        // Builtin initialisers only fail on bad keyword arguments, which we never pass.
        let _ = init(&obj, &args, None);
    }
    obj
}

fn native_init(ty: &PyType) -> Option<crate::typeobj::InitFn> {
    let mut t = Some(ty);
    while let Some(cur) = t {
        if !cur.is_heap_type() {
            return cur.slots().init;
        }
        t = cur.base();
    }
    None
}

fn alloc_exception(ty: &PyType, args: PyObj) -> PyObj {
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of an exception layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyBaseException;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(ExcState {
            args,
            traceback: None,
            cause: None,
            context: None,
            suppress_context: false,
        }));
        crate::heaptype::init_slots_region(ty, &obj);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn exc_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let mut ty = crate::typeobj::expect_type(cls, "exception type")?;
    let a = crate::args::Args::new(args, kwnames);
    // `OSError(errno, strerror, ...)` makes the subclass for errno, as in CPython.
    if std::ptr::eq(ty, &OS_ERROR_TYPE) && (2..=5).contains(&a.nargs()) {
        if let Some(sub) = Some(&args[0])
            .filter(|a| crate::int::is_int(a))
            .and_then(crate::int::as_i64)
            .and_then(oserror_subclass)
        {
            ty = sub;
        }
    }
    Ok(alloc_exception(
        ty,
        crate::tuple::from_slice(a.positionals()),
    ))
}

fn exc_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    let a = crate::args::Args::new(args, kwnames);
    if a.has_kwargs() {
        return Err(type_error(format!(
            "{}() takes no keyword arguments",
            obj.ty().name()
        )));
    }
    payload(obj).state().args = crate::tuple::from_slice(a.positionals());
    Ok(())
}

fn set_attr(obj: &PyObj, name: &str, value: PyObj) {
    let d = crate::managed::ensure_dict(obj);
    crate::dict::set_item_str(&d, name, value);
}

fn get_attr(obj: &PyObj, name: &str) -> Option<PyObj> {
    crate::managed::get_dict(obj).and_then(|d| crate::dict::get_item_str(&d, name))
}

fn args_of(obj: &PyObj) -> Vec<PyObj> {
    crate::tuple::items(&payload(obj).state().args).to_vec()
}

fn system_exit_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    exc_init(obj, args, kwnames)?;
    let a = args_of(obj);
    let code = match a.len() {
        0 => crate::singletons::none(),
        1 => a[0].clone(),
        _ => crate::tuple::from_vec(a),
    };
    set_attr(obj, "code", code);
    Ok(())
}

fn stop_iteration_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    exc_init(obj, args, kwnames)?;
    let value = args_of(obj)
        .first()
        .cloned()
        .unwrap_or_else(crate::singletons::none);
    set_attr(obj, "value", value);
    Ok(())
}

fn name_error_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    let a = crate::args::Args::new(args, kwnames);
    payload(obj).state().args = crate::tuple::from_slice(a.positionals());
    let is_attr = obj.is_instance_of(&ATTRIBUTE_ERROR_TYPE);
    for (k, v) in a.kwargs() {
        match k {
            "name" => set_attr(obj, "name", v.clone()),
            "obj" if is_attr => set_attr(obj, "obj", v.clone()),
            _ => {
                return Err(type_error(format!(
                    "'{k}' is an invalid keyword argument for {}()",
                    obj.ty().name()
                )))
            }
        }
    }
    if get_attr(obj, "name").is_none() {
        set_attr(obj, "name", crate::singletons::none());
    }
    if is_attr && get_attr(obj, "obj").is_none() {
        set_attr(obj, "obj", crate::singletons::none());
    }
    Ok(())
}

fn import_error_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    let a = crate::args::Args::new(args, kwnames);
    payload(obj).state().args = crate::tuple::from_slice(a.positionals());
    set_attr(obj, "name", crate::singletons::none());
    set_attr(obj, "path", crate::singletons::none());
    for (k, v) in a.kwargs() {
        match k {
            "name" | "path" => set_attr(obj, k, v.clone()),
            _ => {
                return Err(type_error(format!(
                    "'{k}' is an invalid keyword argument for {}()",
                    obj.ty().name()
                )))
            }
        }
    }
    let msg = if a.nargs() == 1 {
        a.positionals()[0].clone()
    } else {
        crate::singletons::none()
    };
    set_attr(obj, "msg", msg);
    Ok(())
}

fn import_error_str(obj: &PyObj) -> PyResult<PyObj> {
    match get_attr(obj, "msg") {
        Some(m) if !crate::singletons::is_none(&m) => ab::str_(&m),
        _ => exc_str(obj),
    }
}

/// The errno values that select an OSError subclass (CPython's `errnomap`).
fn oserror_subclass(errno: i64) -> Option<&'static PyType> {
    Some(match errno {
        11 | 114 | 115 => &BLOCKING_IO_ERROR_TYPE,
        10 => &CHILD_PROCESS_ERROR_TYPE,
        32 | 108 => &BROKEN_PIPE_ERROR_TYPE,
        103 => &CONNECTION_ABORTED_ERROR_TYPE,
        111 => &CONNECTION_REFUSED_ERROR_TYPE,
        104 => &CONNECTION_RESET_ERROR_TYPE,
        17 => &FILE_EXISTS_ERROR_TYPE,
        2 => &FILE_NOT_FOUND_ERROR_TYPE,
        21 => &IS_A_DIRECTORY_ERROR_TYPE,
        20 => &NOT_A_DIRECTORY_ERROR_TYPE,
        4 => &INTERRUPTED_ERROR_TYPE,
        1 | 13 => &PERMISSION_ERROR_TYPE,
        3 => &PROCESS_LOOKUP_ERROR_TYPE,
        110 => &TIMEOUT_ERROR_TYPE,
        _ => return None,
    })
}

fn os_error_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    exc_init(obj, args, kwnames)?;
    let a = args_of(obj);
    let none = crate::singletons::none;
    let (errno, strerror, filename, filename2) = if (2..=5).contains(&a.len()) {
        (
            a[0].clone(),
            a[1].clone(),
            a.get(2).cloned().unwrap_or_else(none),
            a.get(4).cloned().unwrap_or_else(none),
        )
    } else {
        (none(), none(), none(), none())
    };
    set_attr(obj, "errno", errno);
    set_attr(obj, "strerror", strerror);
    set_attr(obj, "filename", filename);
    set_attr(obj, "filename2", filename2);
    if a.len() >= 3 {
        // CPython keeps only (errno, strerror) in args when a filename is given.
        payload(obj).state().args = crate::tuple::from_vec(a[..2].to_vec());
    }
    Ok(())
}

/// `OSError(errno, msg, ...)` picking the subclass for `errno`, as calling `OSError`
/// does in CPython.
pub fn os_error_for(errno: i64, msg: &str, filename: Option<PyObj>) -> PyErr {
    let ty = oserror_subclass(errno).unwrap_or(&OS_ERROR_TYPE);
    let mut args = vec![crate::int::from_i64(errno), crate::str::new(msg)];
    if let Some(f) = filename {
        args.push(f);
    }
    PyErr::with_args(ty, args)
}

/// An `OSError` subclass from a Rust I/O error.
pub fn from_io_error(e: &std::io::Error, filename: Option<PyObj>) -> PyErr {
    match e.raw_os_error() {
        Some(code) => {
            let msg = e.to_string();
            // Rust appends " (os error N)"; Python's strerror does not.
            let msg = msg.split(" (os error").next().unwrap_or(&msg).to_string();
            os_error_for(code as i64, &msg, filename)
        }
        None => PyErr::new(&OS_ERROR_TYPE, e.to_string()),
    }
}

fn os_error_str(obj: &PyObj) -> PyResult<PyObj> {
    let errno = get_attr(obj, "errno");
    let strerror = get_attr(obj, "strerror");
    let filename = get_attr(obj, "filename");
    let filename2 = get_attr(obj, "filename2");
    let set = |o: &Option<PyObj>| o.as_ref().is_some_and(|v| !crate::singletons::is_none(v));
    if set(&errno) && set(&strerror) {
        let mut s = format!(
            "[Errno {}] {}",
            ab::str_string(errno.as_ref().expect("set"))?,
            ab::str_string(strerror.as_ref().expect("set"))?
        );
        if set(&filename) {
            s.push_str(&format!(
                ": {}",
                ab::repr_string(filename.as_ref().expect("set"))?
            ));
            if set(&filename2) {
                s.push_str(&format!(
                    " -> {}",
                    ab::repr_string(filename2.as_ref().expect("set"))?
                ));
            }
        }
        return Ok(crate::str::from_string(s));
    }
    exc_str(obj)
}

fn syntax_error_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    exc_init(obj, args, kwnames)?;
    let a = args_of(obj);
    let none = crate::singletons::none;
    set_attr(obj, "msg", a.first().cloned().unwrap_or_else(none));
    // Exactly (msg, details): details is any sequence of 4 to 6 items, parsed as
    // CPython's `PyArg_ParseTuple(info, "OOOO|OO", ...)`.
    let details = match a.as_slice() {
        [_, info] => {
            let d = ab::collect_iter(info)?;
            if d.len() < 4 {
                return Err(type_error(format!(
                    "function takes at least 4 arguments ({} given)",
                    d.len()
                )));
            }
            if d.len() > 6 {
                return Err(type_error(format!(
                    "function takes at most 6 arguments ({} given)",
                    d.len()
                )));
            }
            if d.len() == 5 {
                return Err(type_error(
                    "end_offset must be provided when end_lineno is provided",
                ));
            }
            Some(d)
        }
        _ => None,
    };
    let names = [
        "filename",
        "lineno",
        "offset",
        "text",
        "end_lineno",
        "end_offset",
    ];
    for (i, name) in names.iter().enumerate() {
        let v = details
            .as_ref()
            .and_then(|d| d.get(i).cloned())
            .unwrap_or_else(none);
        set_attr(obj, name, v);
    }
    set_attr(obj, "print_file_and_line", none());
    Ok(())
}

fn syntax_error_str(obj: &PyObj) -> PyResult<PyObj> {
    let msg = get_attr(obj, "msg")
        .map(|m| ab::str_string(&m))
        .transpose()?;
    let msg = msg.unwrap_or_default();
    let filename = get_attr(obj, "filename").filter(crate::str::is_str);
    let lineno = get_attr(obj, "lineno").filter(crate::int::is_int);
    let s = match (filename, lineno) {
        (Some(f), Some(l)) => {
            let base = std::path::Path::new(crate::str::as_str(&f))
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!("{msg} ({base}, line {})", ab::str_string(&l)?)
        }
        (Some(f), None) => format!("{msg} ({})", crate::str::as_str(&f)),
        (None, Some(l)) => format!("{msg} (line {})", ab::str_string(&l)?),
        (None, None) => msg,
    };
    Ok(crate::str::from_string(s))
}

/// `UnicodeEncodeError(encoding, object, start, end, reason)`,
/// `UnicodeDecodeError(...)` (the same, `object` any bytes-like object, stored as
/// bytes) and `UnicodeTranslateError(object, start, end, reason)`: CPython's
/// `PyArg_ParseTuple` formats "UOnnU" and "UnnU".
fn unicode_error_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    exc_init(obj, args, kwnames)?;
    let a = args_of(obj);
    let translate = obj.is_instance_of(&UNICODE_TRANSLATE_ERROR_TYPE);
    let want = if translate { 4 } else { 5 };
    if a.len() != want {
        return Err(type_error(format!(
            "function takes exactly {want} arguments ({} given)",
            a.len()
        )));
    }
    let must_be_str = |i: usize| -> PyResult<PyObj> {
        if crate::str::is_str(&a[i]) {
            Ok(a[i].clone())
        } else {
            Err(type_error(format!(
                "argument {} must be str, not {}",
                i + 1,
                a[i].ty().name()
            )))
        }
    };
    let index = |i: usize| -> PyResult<PyObj> {
        let v = ab::index(&a[i])?;
        crate::int::to_isize(&v)?;
        Ok(v)
    };
    let (encoding, object, start, end, reason) = if translate {
        (
            crate::singletons::none(),
            must_be_str(0)?,
            index(1)?,
            index(2)?,
            must_be_str(3)?,
        )
    } else {
        let encoding = must_be_str(0)?;
        let object = if obj.is_instance_of(&UNICODE_DECODE_ERROR_TYPE) {
            if crate::bytes::is_bytes(&a[1]) {
                a[1].clone()
            } else {
                crate::bytes::new(&crate::buffer::bytes_like(&a[1])?)
            }
        } else {
            must_be_str(1)?
        };
        (encoding, object, index(2)?, index(3)?, must_be_str(4)?)
    };
    for (name, v) in [
        ("encoding", encoding),
        ("object", object),
        ("start", start),
        ("end", end),
        ("reason", reason),
    ] {
        set_attr(obj, name, v);
    }
    Ok(())
}

/// `str()` of the Unicode errors, from their current attributes (CPython's
/// `UnicodeEncodeError_str` and its siblings): one offending character or byte is
/// named, a range is given by position.
fn unicode_error_str(obj: &PyObj) -> PyResult<PyObj> {
    let (Some(object), Some(start), Some(end), Some(reason)) = (
        get_attr(obj, "object"),
        get_attr(obj, "start"),
        get_attr(obj, "end"),
        get_attr(obj, "reason"),
    ) else {
        // Not initialized (`__new__` without `__init__`).
        return Ok(crate::str::new(""));
    };
    let start_i = crate::int::as_i64(&start).unwrap_or(0);
    let end_i = crate::int::as_i64(&end).unwrap_or(0);
    let reason = ab::str_string(&reason)?;
    let encoding = match get_attr(obj, "encoding") {
        Some(e) if !crate::singletons::is_none(&e) => ab::str_string(&e)?,
        _ => String::new(),
    };
    let single = end_i == start_i + 1 && start_i >= 0;
    if obj.is_instance_of(&UNICODE_DECODE_ERROR_TYPE) {
        let bytes = crate::bytes::as_bytes_opt(&object).unwrap_or(&[]);
        let s = match bytes.get(start_i as usize).filter(|_| single) {
            Some(b) => format!(
                "'{encoding}' codec can't decode byte {b:#04x} in position {start_i}: {reason}"
            ),
            None => format!(
                "'{encoding}' codec can't decode bytes in position {start_i}-{}: {reason}",
                end_i - 1
            ),
        };
        return Ok(crate::str::from_string(s));
    }
    let text = if crate::str::is_str(&object) {
        crate::str::as_str(&object)
    } else {
        ""
    };
    let (what, prefix) = if obj.is_instance_of(&UNICODE_TRANSLATE_ERROR_TYPE) {
        ("translate", String::new())
    } else {
        ("encode", format!("'{encoding}' codec "))
    };
    let bad = text.chars().nth(start_i as usize).filter(|_| single);
    let s = match bad {
        Some(ch) => {
            let c = strand_literal::str::code_point(ch);
            let ch = if c <= 0xff {
                format!("\\x{c:02x}")
            } else if c <= 0xffff {
                format!("\\u{c:04x}")
            } else {
                format!("\\U{c:08x}")
            };
            format!("{prefix}can't {what} character '{ch}' in position {start_i}: {reason}")
        }
        None => format!(
            "{prefix}can't {what} characters in position {start_i}-{}: {reason}",
            end_i - 1
        ),
    };
    Ok(crate::str::from_string(s))
}

fn exc_str(obj: &PyObj) -> PyResult<PyObj> {
    let args = payload(obj).state().args.clone();
    let items = crate::tuple::items(&args);
    match items.len() {
        0 => Ok(crate::str::new("")),
        1 => ab::str_(&items[0]),
        _ => ab::str_(&args),
    }
}

fn key_error_str(obj: &PyObj) -> PyResult<PyObj> {
    let args = payload(obj).state().args.clone();
    let items = crate::tuple::items(&args);
    if items.len() == 1 {
        ab::repr(&items[0])
    } else {
        exc_str(obj)
    }
}

fn exc_repr(obj: &PyObj) -> PyResult<PyObj> {
    let args = payload(obj).state().args.clone();
    let items = crate::tuple::items(&args);
    let name = obj.ty().name().to_string();
    let s = if items.len() == 1 {
        format!("{name}({})", ab::repr_string(&items[0])?)
    } else {
        format!("{name}{}", ab::repr_string(&args)?)
    };
    Ok(crate::str::from_string(s))
}

/// Sets `exc.__traceback__` (CPython's `PyException_SetTraceback`): a traceback
/// object or None.
fn set_traceback(exc: &PyObj, tb: &PyObj) -> PyResult<()> {
    let tb = if crate::singletons::is_none(tb) {
        None
    } else if crate::traceback::is_traceback(tb) {
        Some(tb.clone())
    } else {
        return Err(type_error("__traceback__ must be a traceback or None"));
    };
    let old = std::mem::replace(&mut payload(exc).state().traceback, tb);
    drop(old);
    Ok(())
}

/// Attributes of exceptions (`args`, `__traceback__`, `__cause__`, ...).
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![
        GetSetDef::new(
            "args",
            |o| Ok(payload(o).state().args.clone()),
            Some(|o, v| {
                let v = v.ok_or_else(|| type_error("args may not be deleted"))?;
                payload(o).state().args = crate::tuple::from_vec(ab::collect_iter(v)?);
                Ok(())
            }),
        ),
        GetSetDef::new(
            "__traceback__",
            |o| Ok(opt(payload(o).state().traceback.clone())),
            Some(|o, v| {
                let v = v.ok_or_else(|| type_error("__traceback__ may not be deleted"))?;
                set_traceback(o, v)
            }),
        ),
        GetSetDef::new(
            "__cause__",
            |o| Ok(opt(payload(o).state().cause.clone())),
            Some(|o, v| {
                let v = v.ok_or_else(|| type_error("__cause__ may not be deleted"))?;
                if !crate::singletons::is_none(v) && !is_exception_instance(v) {
                    return Err(type_error(
                        "exception cause must be None or derive from BaseException",
                    ));
                }
                let mut st = payload(o).state();
                st.cause = if crate::singletons::is_none(v) {
                    None
                } else {
                    Some(v.clone())
                };
                st.suppress_context = true;
                Ok(())
            }),
        ),
        GetSetDef::new(
            "__context__",
            |o| Ok(opt(payload(o).state().context.clone())),
            Some(|o, v| {
                let v = v.ok_or_else(|| type_error("__context__ may not be deleted"))?;
                if !crate::singletons::is_none(v) && !is_exception_instance(v) {
                    return Err(type_error(
                        "exception context must be None or derive from BaseException",
                    ));
                }
                payload(o).state().context = if crate::singletons::is_none(v) {
                    None
                } else {
                    Some(v.clone())
                };
                Ok(())
            }),
        ),
        GetSetDef::new(
            "__suppress_context__",
            |o| {
                Ok(crate::singletons::bool_obj(
                    payload(o).state().suppress_context,
                ))
            },
            Some(|o, v| {
                let v = v.ok_or_else(|| type_error("__suppress_context__ may not be deleted"))?;
                payload(o).state().suppress_context = ab::is_true(v)?;
                Ok(())
            }),
        ),
    ]
}

fn opt(o: Option<PyObj>) -> PyObj {
    o.unwrap_or_else(crate::singletons::none)
}

// ---------------------------------------------------------------------------------
// Pickling (CPython's BaseException_reduce/_setstate, ImportError_reduce,
// OSError_reduce)
// ---------------------------------------------------------------------------------

/// The attributes strand keeps in an exception's instance dict that CPython keeps in
/// fields of its own: they are not part of the exception's `__dict__`, so not of its
/// pickled state (its constructor arguments rebuild them).
fn member_names(ty: &PyType) -> &'static [&'static str] {
    if ty.is_subtype(&SYSTEM_EXIT_TYPE) {
        &["code"]
    } else if ty.is_subtype(&IMPORT_ERROR_TYPE) {
        &["msg", "name", "path"]
    } else if ty.is_subtype(&STOP_ITERATION_TYPE) {
        &["value"]
    } else if ty.is_subtype(&OS_ERROR_TYPE) {
        &["errno", "strerror", "filename", "filename2"]
    } else if ty.is_subtype(&SYNTAX_ERROR_TYPE) {
        &[
            "msg",
            "filename",
            "lineno",
            "offset",
            "text",
            "end_lineno",
            "end_offset",
            "print_file_and_line",
        ]
    } else if ty.is_subtype(&UNICODE_ERROR_TYPE) {
        &["encoding", "object", "start", "end", "reason"]
    } else if ty.is_subtype(&NAME_ERROR_TYPE) {
        &["name"]
    } else if ty.is_subtype(&ATTRIBUTE_ERROR_TYPE) {
        &["name", "obj"]
    } else {
        &[]
    }
}

/// The exception's `__dict__` as CPython would have it: None when it has none, else
/// the instance dict without the attributes of [`member_names`] (a copy when it had
/// some; None when nothing else is left).
fn exc_dict_state(obj: &PyObj) -> PyResult<Option<PyObj>> {
    let Some(d) = crate::managed::get_dict(obj) else {
        return Ok(None);
    };
    let members = member_names(obj.ty());
    if members.is_empty() {
        crate::dict::mark_exposed(&d);
        return Ok(Some(d));
    }
    let own = crate::dict::new();
    for (k, v) in crate::dict::items(&d) {
        if !(crate::str::is_str(&k) && members.contains(&crate::str::as_str(&k))) {
            crate::dict::set_item(&own, k, v)?;
        }
    }
    Ok((crate::dict::len(&own) > 0).then_some(own))
}

/// `(type(self), args)`, or `(type(self), args, state)` when `state` is not None.
fn exc_reduce_value(obj: &PyObj, args: PyObj, state: Option<PyObj>) -> PyObj {
    let mut v = vec![obj.ty().to_obj(), args];
    v.extend(state);
    crate::tuple::from_vec(v)
}

/// `BaseException.__reduce__()`: `(type(self), self.args[, self.__dict__])`.
fn exc_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    crate::args::Args::new(args, kw).exact("BaseException.__reduce__", 1)?;
    let obj = &args[0];
    let a = payload(obj).state().args.clone();
    Ok(exc_reduce_value(obj, a, exc_dict_state(obj)?))
}

/// `BaseException.__setstate__(state)`: sets each item of a dict state as an
/// attribute (None sets nothing).
fn exc_setstate(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    crate::args::Args::new(args, kw).exact("BaseException.__setstate__", 2)?;
    let state = &args[1];
    if !crate::singletons::is_none(state) {
        if !crate::dict::is_dict(state) {
            return Err(type_error("state is not a dictionary"));
        }
        for (k, v) in crate::dict::items(state) {
            ab::setattr(&args[0], &k, &v)?;
        }
    }
    Ok(crate::singletons::none())
}

/// `ImportError.__reduce__()`: the state adds `name` and `path` when set.
fn import_error_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    crate::args::Args::new(args, kw).exact("ImportError.__reduce__", 1)?;
    let obj = &args[0];
    let mut state = exc_dict_state(obj)?;
    for name in ["name", "path"] {
        if let Some(v) = get_attr(obj, name).filter(|v| !crate::singletons::is_none(v)) {
            let d = state.get_or_insert_with(crate::dict::new);
            crate::dict::set_item_str(d, name, v);
        }
    }
    let a = payload(obj).state().args.clone();
    Ok(exc_reduce_value(obj, a, state))
}

/// `OSError.__reduce__()`: a file name given to the constructor goes back into the
/// arguments (`(errno, strerror, filename)`, or with `None` and `filename2` after it).
fn os_error_reduce(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    crate::args::Args::new(args, kw).exact("OSError.__reduce__", 1)?;
    let obj = &args[0];
    let mut a = payload(obj).state().args.clone();
    let set = |name| get_attr(obj, name).filter(|v| !crate::singletons::is_none(v));
    if crate::tuple::items(&a).len() == 2 {
        if let Some(filename) = set("filename") {
            let mut v = crate::tuple::items(&a).to_vec();
            v.push(filename);
            if let Some(filename2) = set("filename2") {
                v.push(crate::singletons::none());
                v.push(filename2);
            }
            a = crate::tuple::from_vec(v);
        }
    }
    Ok(exc_reduce_value(obj, a, exc_dict_state(obj)?))
}

/// Methods of `ImportError` and `OSError` (their own `__reduce__`), for `init`.
pub(crate) fn subtype_methods(ty: &PyType) -> Vec<crate::descr::MethodDef> {
    use crate::descr::MethodDef;
    if std::ptr::eq(ty, &IMPORT_ERROR_TYPE) {
        vec![MethodDef::new("__reduce__", import_error_reduce)]
    } else if std::ptr::eq(ty, &OS_ERROR_TYPE) {
        vec![MethodDef::new("__reduce__", os_error_reduce)]
    } else {
        Vec::new()
    }
}

/// Methods of `BaseException`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("__reduce__", exc_reduce),
        MethodDef::new("__setstate__", exc_setstate),
        MethodDef::new("with_traceback", |args, kw| {
            let a = crate::args::Args::new(args, kw);
            a.exact("BaseException.with_traceback", 2)?;
            set_traceback(&args[0], &args[1])?;
            Ok(args[0].clone())
        }),
        MethodDef::new("add_note", |args, kw| {
            let a = crate::args::Args::new(args, kw);
            a.exact("BaseException.add_note", 2)?;
            if !crate::str::is_str(&args[1]) {
                return Err(type_error(format!(
                    "note must be a str, not '{}'",
                    args[1].ty().name()
                )));
            }
            // `__notes__` is an ordinary attribute: a program may have replaced it.
            let notes = match get_attr(&args[0], "__notes__") {
                Some(n) if crate::list::is_list(&n) => n,
                Some(_) => {
                    return Err(type_error("Cannot add note: __notes__ is not a list"));
                }
                None => {
                    let l = crate::list::new(Vec::new());
                    set_attr(&args[0], "__notes__", l.clone());
                    l
                }
            };
            crate::list::append(&notes, args[1].clone())?;
            Ok(crate::singletons::none())
        }),
    ]
}

macro_rules! err_fn {
    ($($(#[$m:meta])* $fn:ident => $ty:ident;)*) => {
        $(
            $(#[$m])*
            pub fn $fn(msg: impl AsRef<str>) -> PyErr {
                PyErr::new(&$ty, msg)
            }
        )*
    };
}

err_fn! {
    /// `TypeError(msg)`.
    type_error => TYPE_ERROR_TYPE;
    /// `ValueError(msg)`.
    value_error => VALUE_ERROR_TYPE;
    /// `IndexError(msg)`.
    index_error => INDEX_ERROR_TYPE;
    /// `AttributeError(msg)`.
    attribute_error => ATTRIBUTE_ERROR_TYPE;
    /// `NameError(msg)`.
    name_error => NAME_ERROR_TYPE;
    /// `ZeroDivisionError(msg)`.
    zero_division_error => ZERO_DIVISION_ERROR_TYPE;
    /// `OverflowError(msg)`.
    overflow_error => OVERFLOW_ERROR_TYPE;
    /// `RuntimeError(msg)`.
    runtime_error => RUNTIME_ERROR_TYPE;
    /// `RecursionError(msg)`.
    recursion_error => RECURSION_ERROR_TYPE;
    /// `NotImplementedError(msg)`.
    not_implemented_error => NOT_IMPLEMENTED_ERROR_TYPE;
    /// `SystemError(msg)`.
    system_error => SYSTEM_ERROR_TYPE;
    /// `ImportError(msg)`.
    import_error => IMPORT_ERROR_TYPE;
    /// `ModuleNotFoundError(msg)`.
    module_not_found_error => MODULE_NOT_FOUND_ERROR_TYPE;
    /// `AssertionError(msg)`.
    assertion_error => ASSERTION_ERROR_TYPE;
    /// `EOFError(msg)`.
    eof_error => EOF_ERROR_TYPE;
    /// `UnboundLocalError(msg)`.
    unbound_local_error => UNBOUND_LOCAL_ERROR_TYPE;
    /// `OSError(msg)`.
    os_error => OS_ERROR_TYPE;
    /// `UnicodeError(msg)`.
    unicode_error => UNICODE_ERROR_TYPE;
    /// `LookupError(msg)`.
    lookup_error => LOOKUP_ERROR_TYPE;
    /// `BufferError(msg)`.
    buffer_error => BUFFER_ERROR_TYPE;
}

/// `KeyError(key)`.
pub fn key_error(key: PyObj) -> PyErr {
    PyErr::with_args(&KEY_ERROR_TYPE, vec![key])
}

/// `StopIteration(value)`.
pub fn stop_iteration(value: Option<PyObj>) -> PyErr {
    PyErr::with_args(&STOP_ITERATION_TYPE, value.into_iter().collect())
}

/// `MemoryError()`.
pub fn memory_error() -> PyErr {
    PyErr::with_args(&MEMORY_ERROR_TYPE, Vec::new())
}

/// `AttributeError: 'T' object has no attribute 'name'`, with `name` and `obj` set.
pub fn no_attribute(obj: &PyObj, name: &PyObj) -> PyErr {
    let msg = format!(
        "'{}' object has no attribute '{}'",
        obj.ty().name(),
        crate::str::as_str(name)
    );
    let e = new_exception(&ATTRIBUTE_ERROR_TYPE, vec![crate::str::from_string(msg)]);
    set_attr(&e, "name", name.clone());
    set_attr(&e, "obj", obj.clone());
    PyErr::from_value(e)
}

/// `NameError: name 'x' is not defined`, with `name` set.
pub fn name_not_defined(name: &PyObj) -> PyErr {
    let msg = format!("name '{}' is not defined", crate::str::as_str(name));
    let e = new_exception(&NAME_ERROR_TYPE, vec![crate::str::from_string(msg)]);
    set_attr(&e, "name", name.clone());
    PyErr::from_value(e)
}

/// `UnicodeDecodeError(encoding, object, start, end, reason)`.
pub fn unicode_decode_error(
    encoding: &str,
    object: PyObj,
    start: usize,
    end: usize,
    reason: &str,
) -> PyErr {
    PyErr::with_args(
        &UNICODE_DECODE_ERROR_TYPE,
        vec![
            crate::str::new(encoding),
            object,
            crate::int::from_usize(start),
            crate::int::from_usize(end),
            crate::str::new(reason),
        ],
    )
}

/// `UnicodeEncodeError(encoding, object, start, end, reason)`.
pub fn unicode_encode_error(
    encoding: &str,
    object: PyObj,
    start: usize,
    end: usize,
    reason: &str,
) -> PyErr {
    PyErr::with_args(
        &UNICODE_ENCODE_ERROR_TYPE,
        vec![
            crate::str::new(encoding),
            object,
            crate::int::from_usize(start),
            crate::int::from_usize(end),
            crate::str::new(reason),
        ],
    )
}

/// The attribute `name` stored in an exception's dict (`value`, `errno`, `lineno`...).
pub fn attr(exc: &PyObj, name: &str) -> Option<PyObj> {
    get_attr(exc, name)
}

/// Stores an attribute in an exception's dict.
pub fn set_exc_attr(exc: &PyObj, name: &str, value: PyObj) {
    set_attr(exc, name, value)
}

/// Sets `err.__cause__` to `cause` (as `raise err from cause` does: the context is
/// suppressed too).
pub fn set_cause(err: &PyErr, cause: PyErr) {
    let mut st = payload(err.value()).state();
    st.cause = Some(cause.into_value());
    st.suppress_context = true;
}

/// Makes `cause` both the `__cause__` and the `__context__` of `err`: CPython's
/// `_PyErr_FormatFromCause`, for errors the runtime raises about another one.
pub fn set_cause_and_context(err: &PyErr, cause: PyErr) {
    let cause = cause.into_value();
    let mut st = payload(err.value()).state();
    st.context = Some(cause.clone());
    st.cause = Some(cause);
    st.suppress_context = true;
}

/// Appends a note to an exception's `__notes__` (PEP 678), as `add_note` does.
pub fn add_note_to(err: &PyErr, note: &str) {
    let v = err.value();
    let notes = match get_attr(v, "__notes__") {
        Some(n) if crate::list::is_list(&n) => n,
        _ => {
            let l = crate::list::new(Vec::new());
            set_attr(v, "__notes__", l.clone());
            l
        }
    };
    let _ = crate::list::append(&notes, crate::str::new(note));
}

// ---------------------------------------------------------------------------------
// Exception groups (PEP 654)
// ---------------------------------------------------------------------------------

/// `true` for `BaseExceptionGroup` instances (and subclasses).
pub fn is_exception_group(o: &PyObj) -> bool {
    o.is_instance_of(&BASE_EXCEPTION_GROUP_TYPE)
}

/// Gives `ExceptionGroup` its second base, `Exception` (CPython declares
/// `class ExceptionGroup(BaseExceptionGroup, Exception)`), once the hierarchy is
/// ready.
pub(crate) fn finish_group_types() {
    let eg = &EXCEPTION_GROUP_TYPE;
    let mro: Vec<PyObj> = [
        eg as &PyType,
        &BASE_EXCEPTION_GROUP_TYPE,
        &EXCEPTION_TYPE,
        &BASE_EXCEPTION_TYPE,
        &crate::baseobject::OBJECT_TYPE,
    ]
    .iter()
    .map(|t| t.to_obj())
    .collect();
    // SAFETY: runs once during initialisation, before the type is used.
    let inner = unsafe { eg.inner_mut() };
    inner.bases = Some(crate::tuple::from_vec(vec![
        BASE_EXCEPTION_GROUP_TYPE.to_obj(),
        EXCEPTION_TYPE.to_obj(),
    ]));
    inner.mro = Some(crate::tuple::from_vec(mro));
    EXCEPTION_TYPE.add_subclass(eg);
}

/// `BaseExceptionGroup(message, exceptions)`: checks the arguments and picks the
/// class (a group of `Exception`s made through `BaseExceptionGroup` is an
/// `ExceptionGroup`; an `ExceptionGroup` may not hold other `BaseException`s).
fn group_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let mut ty = crate::typeobj::expect_type(cls, "exception type")?;
    let a = crate::args::Args::new(args, kwnames);
    if a.has_kwargs() {
        return Err(type_error(format!(
            "{}() takes no keyword arguments",
            ty.name()
        )));
    }
    let pos = a.positionals();
    if pos.len() != 2 {
        return Err(type_error(format!(
            "BaseExceptionGroup.__new__() takes exactly 2 arguments ({} given)",
            pos.len()
        )));
    }
    if !crate::str::is_str(&pos[0]) {
        return Err(type_error(format!(
            "BaseExceptionGroup.__new__() argument 1 must be str, not {}",
            pos[0].ty().name()
        )));
    }
    let excs = &pos[1];
    let is_sequence = excs.ty().slots().getitem.is_some() && !crate::dict::is_dict(excs);
    if !is_sequence {
        return Err(type_error(
            "second argument (exceptions) must be a sequence",
        ));
    }
    let items = ab::collect_iter(excs)?;
    if items.is_empty() {
        return Err(value_error(
            "second argument (exceptions) must be a non-empty sequence",
        ));
    }
    let mut nested_base = false;
    for (i, e) in items.iter().enumerate() {
        if !is_exception_instance(e) {
            return Err(value_error(format!(
                "Item {i} of second argument (exceptions) is not an exception"
            )));
        }
        nested_base |= !e.is_instance_of(&EXCEPTION_TYPE);
    }
    if std::ptr::eq(ty, &BASE_EXCEPTION_GROUP_TYPE) {
        if !nested_base {
            ty = &EXCEPTION_GROUP_TYPE;
        }
    } else if std::ptr::eq(ty, &EXCEPTION_GROUP_TYPE) {
        if nested_base {
            return Err(type_error(
                "Cannot nest BaseExceptions in an ExceptionGroup",
            ));
        }
    } else if nested_base && ty.is_subtype(&EXCEPTION_TYPE) {
        return Err(type_error(format!(
            "Cannot nest BaseExceptions in '{}'",
            ty.name()
        )));
    }
    Ok(alloc_exception(ty, crate::tuple::from_slice(pos)))
}

/// `message (N sub-exceptions)`.
fn group_str(obj: &PyObj) -> PyResult<PyObj> {
    let n = group_exceptions(obj)?.len();
    Ok(crate::str::from_string(format!(
        "{} ({n} sub-exception{})",
        ab::str_string(&group_message(obj))?,
        if n == 1 { "" } else { "s" }
    )))
}

fn group_message(obj: &PyObj) -> PyObj {
    args_of(obj)
        .first()
        .cloned()
        .unwrap_or_else(|| crate::str::new(""))
}

fn group_exceptions(obj: &PyObj) -> PyResult<Vec<PyObj>> {
    match args_of(obj).get(1) {
        Some(e) => ab::collect_iter(e),
        None => Ok(Vec::new()),
    }
}

/// How `split()`/`subgroup()` decide that an exception matches.
enum Matcher {
    /// An exception type or a tuple of them.
    Types(PyObj),
    /// A predicate called with each exception.
    Predicate(PyObj),
    /// The leaves with these identities (for re-raising from `except*`).
    Ids(Vec<usize>),
}

impl Matcher {
    fn of(cond: &PyObj) -> PyResult<Matcher> {
        if cond.ty().slots().call.is_some() && !crate::typeobj::is_type(cond) {
            return Ok(Matcher::Predicate(cond.clone()));
        }
        if is_exception_class(cond) {
            return Ok(Matcher::Types(cond.clone()));
        }
        if crate::tuple::is_tuple(cond) && crate::tuple::items(cond).iter().all(is_exception_class)
        {
            return Ok(Matcher::Types(cond.clone()));
        }
        Err(type_error(
            "expected a function, exception type or tuple of exception types",
        ))
    }

    fn matches(&self, e: &PyObj) -> PyResult<bool> {
        match self {
            Matcher::Types(t) => ab::isinstance(e, t),
            Matcher::Predicate(f) => ab::is_true(&ab::call1(f, e.clone())?),
            Matcher::Ids(ids) => Ok(ids.contains(&e.addr())),
        }
    }
}

/// `eg.derive(excs)` with the original's cause, context, traceback and notes.
fn derive_and_copy(eg: &PyObj, excs: Vec<PyObj>) -> PyResult<PyObj> {
    let derived = ab::call_method(eg, "derive", &[crate::list::new(excs)])?;
    if !is_exception_group(&derived) {
        return Err(type_error(
            "derive must return an instance of BaseExceptionGroup",
        ));
    }
    let (cause, context, tb, suppress) = {
        let st = payload(eg).state();
        (
            st.cause.clone(),
            st.context.clone(),
            st.traceback.clone(),
            st.suppress_context,
        )
    };
    {
        let mut st = payload(&derived).state();
        st.cause = cause;
        st.context = context;
        st.traceback = tb;
        st.suppress_context = suppress;
    }
    if let Some(notes) = get_attr(eg, "__notes__") {
        set_attr(&derived, "__notes__", notes);
    }
    Ok(derived)
}

/// Splits `exc` into the part that matches and (with `with_rest`) the rest,
/// keeping the nesting (CPython's `exception_group_split`).
fn split(exc: &PyObj, m: &Matcher, with_rest: bool) -> PyResult<(Option<PyObj>, Option<PyObj>)> {
    if m.matches(exc)? {
        return Ok((Some(exc.clone()), None));
    }
    if !is_exception_group(exc) {
        return Ok((None, with_rest.then(|| exc.clone())));
    }
    let (mut matched, mut rest) = (Vec::new(), Vec::new());
    for e in group_exceptions(exc)? {
        let (a, b) = split(&e, m, with_rest)?;
        matched.extend(a);
        rest.extend(b);
    }
    let matched = if matched.is_empty() {
        None
    } else {
        Some(derive_and_copy(exc, matched)?)
    };
    let rest = if with_rest && !rest.is_empty() {
        Some(derive_and_copy(exc, rest)?)
    } else {
        None
    };
    Ok((matched, rest))
}

fn none_or(o: Option<PyObj>) -> PyObj {
    o.unwrap_or_else(crate::singletons::none)
}

/// Methods of `BaseExceptionGroup`.
pub(crate) fn group_methods() -> Vec<crate::descr::MethodDef> {
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("derive", |args, kw| {
            crate::args::Args::new(args, kw).exact("derive", 2)?;
            ab::call(
                &BASE_EXCEPTION_GROUP_TYPE.to_obj(),
                &[group_message(&args[0]), args[1].clone()],
                None,
            )
        }),
        MethodDef::new("split", |args, kw| {
            crate::args::Args::new(args, kw).exact("split", 2)?;
            let (m, r) = split(&args[0], &Matcher::of(&args[1])?, true)?;
            Ok(crate::tuple::pair(none_or(m), none_or(r)))
        }),
        MethodDef::new("subgroup", |args, kw| {
            crate::args::Args::new(args, kw).exact("subgroup", 2)?;
            let (m, _) = split(&args[0], &Matcher::of(&args[1])?, false)?;
            Ok(none_or(m))
        }),
        MethodDef::class("__class_getitem__", |args, kw| {
            crate::args::Args::new(args, kw).exact("__class_getitem__", 2)?;
            Ok(crate::genericalias::new_generic_alias(
                args[0].clone(),
                args[1].clone(),
            ))
        }),
    ]
}

/// Attributes of `BaseExceptionGroup`.
pub(crate) fn group_getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![
        GetSetDef::new("message", |o| Ok(group_message(o)), None),
        GetSetDef::new(
            "exceptions",
            |o| Ok(crate::tuple::from_vec(group_exceptions(o)?)),
            None,
        ),
    ]
}

/// `except* T`: checks `T` (exception classes, not exception groups), then splits
/// `exc` into `(match, rest)`: the part `T` matches (a lone exception is wrapped in
/// a group) and the rest; either may be None (CPython's `exception_group_match`).
///
/// # Errors
/// `TypeError` for an invalid `T`, or what `split()` raises.
pub fn except_star_match(exc: &PyObj, match_type: &PyObj) -> PyResult<(PyObj, PyObj)> {
    let types: Vec<PyObj> = if crate::tuple::is_tuple(match_type) {
        crate::tuple::items(match_type).to_vec()
    } else {
        vec![match_type.clone()]
    };
    for t in &types {
        if !is_exception_class(t) {
            return Err(type_error(
                "catching classes that do not inherit from BaseException is not allowed",
            ));
        }
        // SAFETY: checked to be a class.
        if unsafe { PyType::from_obj(t) }.is_subtype(&BASE_EXCEPTION_GROUP_TYPE) {
            return Err(type_error(
                "catching ExceptionGroup with except* is not allowed. Use except instead.",
            ));
        }
    }
    let none = crate::singletons::none();
    if crate::singletons::is_none(exc) {
        return Ok((none.clone(), none));
    }
    if ab::isinstance(exc, match_type)? {
        if is_exception_group(exc) {
            return Ok((exc.clone(), none));
        }
        let wrapped = ab::call(
            &BASE_EXCEPTION_GROUP_TYPE.to_obj(),
            &[
                crate::str::new(""),
                crate::tuple::from_vec(vec![exc.clone()]),
            ],
            None,
        )?;
        let tb = payload(exc).state().traceback.clone();
        payload(&wrapped).state().traceback = tb;
        return Ok((wrapped, none));
    }
    if is_exception_group(exc) {
        let pair = ab::call_method(exc, "split", std::slice::from_ref(match_type))?;
        let ok = crate::tuple::is_tuple(&pair) && crate::tuple::items(&pair).len() == 2;
        if !ok {
            return Err(type_error(format!(
                "{}.split must return a 2-tuple, got {}",
                exc.ty().name(),
                pair.ty().name()
            )));
        }
        let items = crate::tuple::items(&pair);
        return Ok((items[0].clone(), items[1].clone()));
    }
    Ok((none, exc.clone()))
}

/// The identities of the leaf exceptions of `e`.
fn leaf_ids(e: &PyObj, out: &mut Vec<usize>) -> PyResult<()> {
    if crate::singletons::is_none(e) {
        return Ok(());
    }
    if !is_exception_group(e) {
        out.push(e.addr());
        return Ok(());
    }
    for x in group_exceptions(e)? {
        leaf_ids(&x, out)?;
    }
    Ok(())
}

/// Whether `a` came from `b` by splitting (same traceback, cause, context and
/// notes objects).
fn same_metadata(a: &PyObj, b: &PyObj) -> bool {
    let same = |x: &Option<PyObj>, y: &Option<PyObj>| match (x, y) {
        (None, None) => true,
        (Some(x), Some(y)) => x.is(y),
        _ => false,
    };
    let (sa, sb) = (payload(a).state(), payload(b).state());
    same(&sa.traceback, &sb.traceback)
        && same(&sa.cause, &sb.cause)
        && same(&sa.context, &sb.context)
        && same(&get_attr(a, "__notes__"), &get_attr(b, "__notes__"))
}

/// After the `except*` clauses: what to raise, given the original exception and the
/// list of what the clauses raised (new exceptions, re-raised parts) and the unmatched
/// rest. Re-raised parts go back into the original's structure; new exceptions join
/// them in a new group (CPython's `_PyExc_PrepReraiseStar`). None if nothing is left.
///
/// # Errors
/// What splitting the original raises.
pub fn prep_reraise_star(orig: &PyObj, excs: &PyObj) -> PyResult<PyObj> {
    let excs: Vec<PyObj> = crate::list::to_vec(excs)
        .into_iter()
        .filter(|e| !crate::singletons::is_none(e))
        .collect();
    if excs.is_empty() {
        return Ok(crate::singletons::none());
    }
    if !is_exception_group(orig) {
        // A lone exception was caught (wrapped); only one clause could run.
        return Ok(excs[0].clone());
    }
    let (mut raised, mut reraised) = (Vec::new(), Vec::new());
    for e in excs {
        if is_exception_instance(&e) && same_metadata(&e, orig) {
            reraised.push(e);
        } else {
            raised.push(e);
        }
    }
    let mut ids = Vec::new();
    for e in &reraised {
        leaf_ids(e, &mut ids)?;
    }
    let (kept, _) = split(orig, &Matcher::Ids(ids), false)?;
    if raised.is_empty() {
        return Ok(none_or(kept));
    }
    raised.extend(kept);
    if raised.len() == 1 {
        return Ok(raised.pop().expect("one exception"));
    }
    ab::call(
        &BASE_EXCEPTION_GROUP_TYPE.to_obj(),
        &[crate::str::new(""), crate::list::new(raised)],
        None,
    )
}
