//! The `_imp` module (CPython's Python/import.c `_imp`), the import system's native
//! half that CPython's `importlib` (strand's import machinery, see [`crate::import`])
//! is written against: its `BuiltinImporter` makes strand's native modules through
//! `is_builtin`, `create_builtin` and `exec_builtin`.
//!
//! `_imp` has: `is_builtin` (-1 for `sys` and `builtins`, which cannot be made again,
//! as in CPython), `create_builtin`, `exec_builtin`, `is_frozen`,
//! `is_frozen_package`, `find_frozen`, `get_frozen_object`, `init_frozen`,
//! `_frozen_module_names`, `_override_frozen_modules_for_tests` (strand's frozen
//! modules are compiled from CPython's Lib when loaded: see
//! [`crate::native_module::FrozenModule`]), the global import lock
//! (`acquire_lock`, `release_lock`, `lock_held`; reentrant, waited for detached), `extension_suffixes` (empty: strand
//! loads no C extension modules), `check_hash_based_pycs`, and what importlib's
//! `SourceLoader` needs for bytecode files (`sys.implementation.cache_tag` is
//! strand's, see [`crate::code_cache`]): `_fix_co_filename` and `source_hash`. Not
//! built: `create_dynamic`/`exec_dynamic` (no C extensions).

use std::sync::{Condvar, Mutex};

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::{
    dict, int, list, module, singletons, str as pystr, tuple, PyErr, PyObj, PyResult,
};

use crate::import;
use crate::native_module::{add_functions, FrozenModule};
use crate::state;

// ---------------------------------------------------------------------------------
// The global import lock
// ---------------------------------------------------------------------------------

/// `(owner thread ident, depth)`; depth 0 when free.
static LOCK: Mutex<(u64, usize)> = Mutex::new((0, 0));
static RELEASED: Condvar = Condvar::new();

fn lock_state() -> std::sync::MutexGuard<'static, (u64, usize)> {
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn acquire_lock(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("acquire_lock", 0, 0)?;
    let me = crate::thread_ident::get_ident();
    {
        let mut s = lock_state();
        if s.1 == 0 || s.0 == me {
            *s = (me, s.1 + 1);
            return Ok(singletons::none());
        }
    }
    // Wait detached, so that a stop-the-world need not wait for this thread.
    strand_heap::with_detached(|| {
        let mut s = lock_state();
        while s.1 != 0 {
            s = RELEASED.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        *s = (me, 1);
    });
    Ok(singletons::none())
}

fn release_lock(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("release_lock", 0, 0)?;
    let me = crate::thread_ident::get_ident();
    let mut s = lock_state();
    if s.1 == 0 || s.0 != me {
        return Err(exc::runtime_error("not holding the import lock"));
    }
    s.1 -= 1;
    if s.1 == 0 {
        s.0 = 0;
        RELEASED.notify_one();
    }
    Ok(singletons::none())
}

fn lock_held(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("lock_held", 0, 0)?;
    Ok(int::bool_obj(lock_state().1 != 0))
}

// ---------------------------------------------------------------------------------
// Built-in and frozen modules
// ---------------------------------------------------------------------------------

fn name_arg(a: &[PyObj], k: Option<&PyObj>, f: &str) -> PyResult<String> {
    Args::new(a, k).expect_fn(f, 1, 1)?;
    if !pystr::is_str(&a[0]) {
        return Err(type_error(format!(
            "{f}() argument must be str, not {}",
            a[0].ty().name()
        )));
    }
    Ok(pystr::as_str(&a[0]).to_string())
}

fn is_builtin(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let name = name_arg(a, k, "is_builtin")?;
    Ok(int::from_i64(match name.as_str() {
        "sys" | "builtins" => -1,
        n if import::native_module(n).is_some() => 1,
        _ => 0,
    }))
}

/// The built-in module `name`: the one in `sys.modules` if there is one (strand's
/// native modules are made once, like CPython's single-phase ones), else a new one.
fn builtin_module(name: &str) -> PyResult<Option<PyObj>> {
    match name {
        "sys" => return Ok(Some(state::sys_module())),
        "builtins" => return Ok(Some(state::builtins_module())),
        _ => {}
    }
    let Some(m) = import::native_module(name) else {
        return Ok(None);
    };
    if let Some(existing) = dict::get_item_str(&state::sys_modules(), name) {
        return Ok(Some(existing));
    }
    Ok(Some((m.init)()))
}

fn spec_name(spec: &PyObj) -> PyResult<String> {
    ab::str_string(&ab::getattr(spec, &pystr::intern("name"))?)
}

fn create_builtin(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("create_builtin", 1, 1)?;
    let name = spec_name(&a[0])?;
    builtin_module(&name)?
        .ok_or_else(|| exc::import_error(format!("no built-in module named {name}")))
}

fn exec_builtin(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("exec_builtin", 1, 1)?;
    Ok(int::from_i64(0))
}

/// The name argument of the frozen-module functions: CPython's `find_frozen` takes
/// anything and finds nothing for what is not a str (`FROZEN_BAD_NAME`).
fn frozen_arg(name: &PyObj) -> Option<&'static FrozenModule> {
    if !pystr::is_str(name) {
        return None;
    }
    import::frozen_module(pystr::as_str(name))
}

/// CPython's `set_frozen_error`: `ImportError` with `name` set, its message
/// `message` with `{}` replaced by `repr(name)`.
fn frozen_error(message: &str, name: &PyObj) -> PyErr {
    let shown = ab::repr_string(name).unwrap_or_else(|_| "?".to_string());
    let e = exc::import_error(message.replace("{}", &shown));
    let _ = ab::setattr(e.value(), &pystr::intern("name"), name);
    e
}

/// `ImportError` for a name that is not frozen.
fn no_such_frozen(name: &PyObj) -> PyErr {
    frozen_error("No such frozen object named {}", name)
}

/// `is_frozen(name)`.
fn is_frozen(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let name = name_arg(a, k, "is_frozen")?;
    Ok(int::bool_obj(import::frozen_module(&name).is_some()))
}

/// `is_frozen_package(name)`: `ImportError` for a module that is not frozen.
fn is_frozen_package(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    name_arg(a, k, "is_frozen_package")?;
    let f = frozen_arg(&a[0]).ok_or_else(|| no_such_frozen(&a[0]))?;
    Ok(int::bool_obj(f.is_package))
}

/// The marshal data of a code object (`marshal.dumps(code)`).
fn marshal_code(code: &PyObj) -> PyResult<PyObj> {
    let mut data = vec![crate::code_cache::TYPE_CODE];
    data.extend(crate::code_cache::marshal_payload(code)?);
    Ok(strand_objects::bytes::new(&data))
}

/// `find_frozen(name, *, withdata=False)`: `None` for a module that is not frozen,
/// else `(data, ispkg, origname)` (CPython 3.11's `_imp_find_frozen_impl`): `data`
/// the module's code as marshal data with `withdata` (CPython's is a memoryview of
/// its frozen bytes; strand's are made by compiling the module), else `None`;
/// `origname` `None` for a module with no standard library file.
fn find_frozen(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("find_frozen", 0, &["name", "withdata"], 1)?;
    let Some(f) = frozen_arg(b[0].expect("required")) else {
        return Ok(singletons::none());
    };
    let withdata = match b[1] {
        Some(w) => ab::is_true(w)?,
        None => false,
    };
    let data = if withdata {
        marshal_code(&import::frozen_code(f)?)?
    } else {
        singletons::none()
    };
    Ok(tuple::from_vec(vec![
        data,
        int::bool_obj(f.is_package),
        f.origname.map(pystr::new).unwrap_or_else(singletons::none),
    ]))
}

/// `get_frozen_object(name, data=None)`: the frozen module's code object, or the
/// code in `data` (marshal data, as `find_frozen(name, withdata=True)` gives; empty
/// or unreadable data is CPython's `ImportError: Frozen object named 'x' is
/// invalid`, data that is not code a `TypeError`).
fn get_frozen_object(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("get_frozen_object", 0, &["name", "data"], 1)?;
    let name = b[0].expect("required");
    match b[1].filter(|d| !singletons::is_none(d)) {
        None => import::frozen_code(frozen_arg(name).ok_or_else(|| no_such_frozen(name))?),
        Some(data) => {
            if strand_objects::buffer::bytes_like(data)?.is_empty() {
                return Err(frozen_error("Frozen object named {} is invalid", name));
            }
            // CPython's `unmarshal_frozen_code`: any marshal data, then a code check.
            let marshal = import::import_by_name("marshal")?;
            let code = ab::call(
                &ab::getattr_str(&marshal, "loads")?,
                std::slice::from_ref(data),
                None,
            )
            .map_err(|_| frozen_error("Frozen object named {} is invalid", name))?;
            if !crate::code::is_code(&code) {
                return Err(exc::type_error(format!(
                    "frozen object {} is not a code object",
                    ab::repr_string(name)?
                )));
            }
            Ok(code)
        }
    }
}

/// `init_frozen(name)`: runs the frozen module `name` in the module of that name in
/// `sys.modules` (made if there is none), with `__path__` `[]` for a package and
/// `__origname__` set after its code ran, and returns the module; `None` if `name`
/// is not frozen (CPython's `PyImport_ImportFrozenModuleObject`).
fn init_frozen(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let name = name_arg(a, k, "init_frozen")?;
    let Some(f) = import::frozen_module(&name) else {
        return Ok(singletons::none());
    };
    let code = import::frozen_code(f)?;
    let modules = state::sys_modules();
    let m = match dict::get_item_str(&modules, &name)
        .filter(|m| m.is_instance_of(&module::MODULE_TYPE))
    {
        Some(m) => m,
        None => {
            let m = module::new_module(&name);
            dict::set_item_str(&modules, &name, m.clone());
            m
        }
    };
    let d = module::module_dict(&m);
    if dict::get_item_str(&d, "__builtins__").is_none() {
        dict::set_item_str(&d, "__builtins__", state::builtins_module());
    }
    if f.is_package {
        dict::set_item_str(&d, "__path__", list::new(Vec::new()));
    }
    if let Err(e) = crate::eval::run_code(&code, &d) {
        let _ = dict::del_item(&modules, &pystr::new(&name));
        return Err(e);
    }
    let m = dict::get_item_str(&modules, &name).ok_or_else(|| {
        exc::import_error(format!("Loaded module {name} not found in sys.modules"))
    })?;
    if m.is_instance_of(&module::MODULE_TYPE) {
        let origname = f.origname.map(pystr::new).unwrap_or_else(singletons::none);
        dict::set_item_str(&module::module_dict(&m), "__origname__", origname);
    }
    Ok(m)
}

/// `_frozen_module_names()`: the names of the modules frozen now, as a list.
fn frozen_module_names(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("_frozen_module_names", 0, 0)?;
    Ok(list::new(
        import::frozen_names().into_iter().map(pystr::new).collect(),
    ))
}

/// `_fix_co_filename(code, path)`: renames `code` (and its nested code objects) to
/// `path` when a bytecode file was written for the source elsewhere (CPython's
/// `_imp__fix_co_filename_impl`).
fn fix_co_filename(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("_fix_co_filename", 2, 2)?;
    if !crate::code::is_code(&a[0]) {
        return Err(type_error(format!(
            "_fix_co_filename() argument 1 must be code, not {}",
            a[0].ty().name()
        )));
    }
    if !pystr::is_str(&a[1]) {
        return Err(type_error(format!(
            "_fix_co_filename() argument 2 must be str, not {}",
            a[1].ty().name()
        )));
    }
    crate::code_cache::fix_co_filename(&a[0], &a[1]);
    Ok(singletons::none())
}

/// `source_hash(key, source)`: the 8-byte keyed SipHash-1-3 of a source for
/// hash-based `.pyc` files (PEP 552; CPython's `_imp_source_hash_impl`).
fn source_hash(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("source_hash", 0, &["key", "source"], 2)?;
    let key = b[0].expect("required");
    if !int::is_int(key) {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            key.ty().name()
        )));
    }
    // CPython takes a C long and uses its bits as the unsigned key.
    let key = int::to_isize(key)? as i64 as u64;
    let data = strand_objects::buffer::bytes_like(b[1].expect("required"))?;
    Ok(strand_objects::bytes::new(&crate::code_cache::source_hash(
        key, &data,
    )))
}

fn extension_suffixes(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("extension_suffixes", 0, 0)?;
    Ok(list::new(Vec::new()))
}

/// `_imp._override_frozen_modules_for_tests(override)`: CPython's switch for frozen
/// modules (positive: on, negative: off but for the essential ones, 0: the default,
/// on), used by `test.support.import_helper.frozen_modules`.
fn override_frozen_modules(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("_override_frozen_modules_for_tests", 1, 1)?;
    let Some(setting) = int::as_i64(&ab::index(&a[0])?) else {
        return Err(exc::overflow_error(
            "Python int too large to convert to C int",
        ));
    };
    import::set_frozen_override(setting);
    Ok(singletons::none())
}

/// The `_imp` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("_imp");
    add_functions(
        &m,
        "_imp",
        &[
            ("acquire_lock", acquire_lock),
            ("release_lock", release_lock),
            ("lock_held", lock_held),
            ("is_builtin", is_builtin),
            ("create_builtin", create_builtin),
            ("exec_builtin", exec_builtin),
            ("is_frozen", is_frozen),
            ("is_frozen_package", is_frozen_package),
            ("find_frozen", find_frozen),
            ("get_frozen_object", get_frozen_object),
            ("init_frozen", init_frozen),
            ("_frozen_module_names", frozen_module_names),
            ("extension_suffixes", extension_suffixes),
            (
                "_override_frozen_modules_for_tests",
                override_frozen_modules,
            ),
            ("_fix_co_filename", fix_co_filename),
            ("source_hash", source_hash),
        ],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "check_hash_based_pycs", pystr::new("default"));
    m
}
