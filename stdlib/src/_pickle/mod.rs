//! The `_pickle` module (CPython 3.11's Modules/_pickle.c and
//! Objects/picklebufobject.c), the accelerator `pickle` picks up when present:
//! the types `Pickler` ([`pickler`]) and `Unpickler` ([`unpickler`]), both
//! subclassable, their memo proxies ([`memo`]), `PickleBuffer`
//! ([`picklebuffer`]), the functions `dump`, `dumps`, `load`, `loads` and the
//! exceptions `PickleError`, `PicklingError` and `UnpicklingError`.
//!
//! The pickler writes the same bytes as CPython's C pickler, opcode for opcode:
//! the same choice of opcodes per protocol, the same memoization order, the same
//! framing (a frame is closed at the first opcode boundary past 64 KiB, and
//! payloads of 64 KiB or more are written outside any frame). The unpickler reads
//! every opcode of protocols 0 to 5; bad input raises `UnpicklingError`,
//! `EOFError`, `ValueError` or the error of the callable a pickle names, never
//! anything worse.
//!
//! State of the module (CPython's `PickleState`): the exception classes, made
//! once per process, and the tables of `copyreg` and `_compat_pickle` it reads,
//! looked up once on first use.

pub mod memo;
pub mod picklebuffer;
pub mod pickler;
pub mod unpickler;

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::{dict, module, str as pystr, PyObj, PyResult};

use crate::modsupport::{self, Leaked};

/// The protocol used when none is given (`pickle.DEFAULT_PROTOCOL`).
pub const DEFAULT_PROTOCOL: i32 = 4;
/// The newest protocol (`pickle.HIGHEST_PROTOCOL`).
pub const HIGHEST_PROTOCOL: i32 = 5;

static PICKLE_ERROR: Leaked = Leaked::new();
static PICKLING_ERROR: Leaked = Leaked::new();
static UNPICKLING_ERROR: Leaked = Leaked::new();

/// `_pickle.PickleError`.
pub fn pickle_error() -> PyObj {
    PICKLE_ERROR.get_or_init(|| {
        modsupport::new_exception_class("_pickle", "PickleError", &[exc::EXCEPTION_TYPE.to_obj()])
    })
}

/// `_pickle.PicklingError`.
pub fn pickling_error() -> PyObj {
    PICKLING_ERROR.get_or_init(|| {
        modsupport::new_exception_class("_pickle", "PicklingError", &[pickle_error()])
    })
}

/// `_pickle.UnpicklingError`.
pub fn unpickling_error() -> PyObj {
    UNPICKLING_ERROR.get_or_init(|| {
        modsupport::new_exception_class("_pickle", "UnpicklingError", &[pickle_error()])
    })
}

/// The objects of other modules the pickler and unpickler read (CPython's
/// `_Pickle_InitState`): each is checked to be of the type the C code expects.
pub(crate) struct Tables {
    /// `copyreg.dispatch_table`.
    pub dispatch_table: PyObj,
    /// `copyreg._extension_registry`: `{(module, name): code}`.
    pub extension_registry: PyObj,
    /// `copyreg._inverted_registry`: `{code: (module, name)}`.
    pub inverted_registry: PyObj,
    /// `copyreg._extension_cache`: `{code: object}`.
    pub extension_cache: PyObj,
    /// `_compat_pickle.NAME_MAPPING` (2.x to 3.x names).
    pub name_mapping_2to3: PyObj,
    /// `_compat_pickle.IMPORT_MAPPING`.
    pub import_mapping_2to3: PyObj,
    /// `_compat_pickle.REVERSE_NAME_MAPPING`.
    pub name_mapping_3to2: PyObj,
    /// `_compat_pickle.REVERSE_IMPORT_MAPPING`.
    pub import_mapping_3to2: PyObj,
    /// `codecs.encode` (bytes in protocols 0 to 2).
    pub codecs_encode: PyObj,
    /// `builtins.getattr` (nested names below protocol 4).
    pub getattr: PyObj,
    /// `functools.partial` (`__newobj_ex__` below protocol 4).
    pub partial: PyObj,
}

static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();

fn dict_attr(m: &PyObj, modname: &str, name: &str) -> PyResult<PyObj> {
    let v = ab::getattr_str(m, name)?;
    if !v.is_exact(&dict::DICT_TYPE) {
        return Err(exc::runtime_error(format!(
            "{modname}.{name} should be a dict, not {}",
            v.ty().name()
        )));
    }
    Ok(v)
}

/// The module's tables, looked up on first use.
///
/// # Errors
/// Import errors of `copyreg`, `_compat_pickle`, `codecs`, `functools`, and
/// `RuntimeError` if a table is not a dict.
pub(crate) fn tables() -> PyResult<&'static Tables> {
    if let Some(t) = TABLES.get() {
        return Ok(t);
    }
    let import = strand_interp::import::import_by_name;
    let copyreg = import("copyreg")?;
    let compat = import("_compat_pickle")?;
    let builtins = import("builtins")?;
    let t = Tables {
        dispatch_table: dict_attr(&copyreg, "copyreg", "dispatch_table")?,
        extension_registry: dict_attr(&copyreg, "copyreg", "_extension_registry")?,
        inverted_registry: dict_attr(&copyreg, "copyreg", "_inverted_registry")?,
        extension_cache: dict_attr(&copyreg, "copyreg", "_extension_cache")?,
        name_mapping_2to3: dict_attr(&compat, "_compat_pickle", "NAME_MAPPING")?,
        import_mapping_2to3: dict_attr(&compat, "_compat_pickle", "IMPORT_MAPPING")?,
        name_mapping_3to2: dict_attr(&compat, "_compat_pickle", "REVERSE_NAME_MAPPING")?,
        import_mapping_3to2: dict_attr(&compat, "_compat_pickle", "REVERSE_IMPORT_MAPPING")?,
        codecs_encode: ab::getattr_str(&import("codecs")?, "encode")?,
        getattr: ab::getattr_str(&builtins, "getattr")?,
        partial: ab::getattr_str(&import("functools")?, "partial")?,
    };
    // A racing first use makes the same tables; either may win.
    let _ = TABLES.set(t);
    Ok(TABLES.get().expect("set above"))
}

/// Whether `o` can be called.
pub(crate) fn is_callable(o: &PyObj) -> bool {
    o.ty().slots().call.is_some()
}

/// Binds `names` where only the first `npos` may be passed by position (the
/// rest are keyword-only, as after a `*` in CPython's clinic signatures).
pub(crate) fn bind_kwonly<'a>(
    a: &'a [PyObj],
    k: Option<&'a PyObj>,
    fname: &str,
    names: &[&str],
    npos: usize,
    required: usize,
) -> PyResult<Vec<Option<&'a PyObj>>> {
    let args = Args::new(a, k);
    if args.nargs() > npos {
        return Err(type_error(format!(
            "{fname}() takes {} {npos} positional argument{} but {} were given",
            if required < npos {
                "at most"
            } else {
                "exactly"
            },
            if npos == 1 { "" } else { "s" },
            args.nargs()
        )));
    }
    args.bind(fname, 0, names, required)
}

/// A bool argument (`p` format: `bool(o)`), `default` when absent.
pub(crate) fn flag(o: Option<&PyObj>, default: bool) -> PyResult<bool> {
    match o {
        Some(o) => ab::is_true(o),
        None => Ok(default),
    }
}

/// A str argument (`s` format), `default` when absent.
pub(crate) fn str_arg(o: Option<&PyObj>, fname: &str, n: usize, default: &str) -> PyResult<String> {
    match o {
        None => Ok(default.to_string()),
        Some(o) if pystr::is_str(o) => Ok(pystr::as_str(o).to_string()),
        Some(o) => Err(type_error(format!(
            "{fname}() argument {n} must be str, not {}",
            o.ty().name()
        ))),
    }
}

/// The `_pickle` module.
pub fn make_module() -> PyObj {
    picklebuffer::ready();
    memo::ready();
    pickler::ready();
    unpickler::ready();
    let m = module::new_native_module("_pickle");
    strand_interp::native_module::add_functions(
        &m,
        "_pickle",
        &[
            ("dump", pickler::dump_fn),
            ("dumps", pickler::dumps_fn),
            ("load", unpickler::load_fn),
            ("loads", unpickler::loads_fn),
        ],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "Pickler", pickler::PICKLER_TYPE.to_obj());
    dict::set_item_str(&d, "Unpickler", unpickler::UNPICKLER_TYPE.to_obj());
    dict::set_item_str(
        &d,
        "PickleBuffer",
        picklebuffer::PICKLE_BUFFER_TYPE.to_obj(),
    );
    dict::set_item_str(&d, "PickleError", pickle_error());
    dict::set_item_str(&d, "PicklingError", pickling_error());
    dict::set_item_str(&d, "UnpicklingError", unpickling_error());
    modsupport::add_str(
        &d,
        "__doc__",
        "Optimized C implementation for the Python pickle module.",
    );
    m
}
