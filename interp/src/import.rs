//! The import system (Python/import.c, Lib/importlib/_bootstrap.py's protocol).
//!
//! `import a.b.c`: each dotted prefix is found in `sys.modules`, or made by a native
//! module's init function, or compiled from a frozen module's source, or loaded from
//! `NAME.py` / `NAME/__init__.py` in the directories of `sys.path` (the script's
//! directory first) or of the parent package's `__path__`. A module is registered in
//! `sys.modules` before its code runs, so circular imports see the partly initialised
//! module, as in CPython, while other threads wait for it (`import_lock.rs`); a
//! failed import removes it again. Relative imports
//! (`from . import x`) resolve against the importing module's
//! `__package__`/`__name__`.
//!
//! The tables of native and frozen modules come from the standard library crate
//! ([`register_native_modules`], [`register_frozen_modules`]).

use std::sync::OnceLock;

use strand_objects::abstract_ as ab;
use strand_objects::exceptions::{self as exc, value_error};
use strand_objects::{dict, int, list, module, singletons, str as pystr, PyObj, PyResult};

use crate::native_module::{FrozenModule, NativeModule};
use crate::state;

static NATIVE: OnceLock<&'static [NativeModule]> = OnceLock::new();
static FROZEN: OnceLock<&'static [FrozenModule]> = OnceLock::new();

/// Makes the modules of `table` importable (once per process; a second table is
/// ignored and `false` returned).
pub fn register_native_modules(table: &'static [NativeModule]) -> bool {
    let first = NATIVE.set(table).is_ok();
    if first {
        let names: Vec<&str> = table.iter().map(|m| m.name).collect();
        crate::sys::set_builtin_module_names(&names);
    }
    first
}

/// Makes the frozen modules of `table` importable (once per process; a second table
/// is ignored and `false` returned).
pub fn register_frozen_modules(table: &'static [FrozenModule]) -> bool {
    FROZEN.set(table).is_ok()
}

/// Resolves a relative import's package (`from ..x import y` at `level` 2).
fn resolve_name(name: &str, globals: &PyObj, level: usize) -> PyResult<String> {
    if level == 0 {
        return Ok(name.to_string());
    }
    let package = if dict::is_dict(globals) {
        match dict::get_item_str(globals, "__package__").filter(pystr::is_str) {
            Some(p) => pystr::as_str(&p).to_string(),
            None => {
                let n = dict::get_item_str(globals, "__name__")
                    .map(|n| ab::str_string(&n).unwrap_or_default())
                    .unwrap_or_default();
                let is_pkg = dict::get_item_str(globals, "__path__").is_some();
                if is_pkg {
                    n
                } else {
                    n.rsplit_once('.')
                        .map(|(p, _)| p.to_string())
                        .unwrap_or_default()
                }
            }
        }
    } else {
        String::new()
    };
    if package.is_empty() {
        return Err(exc::import_error(
            "attempted relative import with no known parent package",
        ));
    }
    let parts: Vec<&str> = package.split('.').collect();
    if level > parts.len() {
        return Err(exc::import_error(
            "attempted relative import beyond top-level package",
        ));
    }
    let base = parts[..parts.len() - (level - 1)].join(".");
    Ok(if name.is_empty() {
        base
    } else {
        format!("{base}.{name}")
    })
}

/// `import name` / `from name import fromlist` at `level`.
///
/// # Errors
/// `ModuleNotFoundError: No module named 'x'`, and whatever the module's code raises.
pub fn import(name: &PyObj, globals: &PyObj, fromlist: &PyObj, level: &PyObj) -> PyResult<PyObj> {
    let level = int::as_i64(level).unwrap_or(0).max(0) as usize;
    let full = resolve_name(&ab::str_string(name)?, globals, level)?;
    let mut parent: Option<PyObj> = None;
    let mut module = None;
    let mut prefix = String::new();
    for part in full.split('.') {
        if !prefix.is_empty() {
            prefix.push('.');
        }
        prefix.push_str(part);
        let m = import_one(&prefix, parent.as_ref())?;
        if let Some(p) = &parent {
            // Bind the submodule on its package.
            let _ = ab::setattr(p, &pystr::intern(part), &m);
        }
        parent = Some(m.clone());
        module = Some(m);
    }
    let module = module.ok_or_else(|| value_error("Empty module name"))?;
    let has_fromlist = !singletons::is_none(fromlist) && ab::is_true(fromlist)?;
    if has_fromlist {
        // `from pkg import sub`: submodules are imported on demand.
        if dict::get_item_str(&module::module_dict(&module), "__path__").is_some() {
            for item in ab::collect_iter(fromlist)? {
                let n = ab::str_string(&item)?;
                if n != "*" && ab::getattr_opt(&module, &item)?.is_none() {
                    let sub = format!("{full}.{n}");
                    if let Ok(m) = import_one(&sub, Some(&module)) {
                        ab::setattr(&module, &item, &m)?;
                    }
                }
            }
        }
        return Ok(module);
    }
    // `import a.b.c` binds `a`.
    let top = full.split('.').next().unwrap_or("");
    match dict::get_item_str(&state::sys_modules(), top) {
        Some(m) => Ok(m),
        None => Ok(module),
    }
}

fn import_one(name: &str, parent: Option<&PyObj>) -> PyResult<PyObj> {
    let modules = state::sys_modules();
    if dict::get_item_str(&modules, name).is_some() {
        // Another thread may still be running its code.
        crate::import_lock::wait_until_initialized(name);
        if let Some(m) = dict::get_item_str(&modules, name) {
            return Ok(m);
        }
    }
    let _lock = crate::import_lock::acquire(name);
    // Another thread may have imported it while this one waited.
    if let Some(m) = dict::get_item_str(&modules, name) {
        return Ok(m);
    }
    if let Some(m) = native_module(name) {
        let m = (m.init)();
        dict::set_item_str(&modules, name, m.clone());
        return Ok(m);
    }
    if let Some(f) = frozen_module(name) {
        return load_text(
            name,
            f.source,
            &format!("<frozen {name}>"),
            f.is_package,
            None,
        );
    }
    match find_source(name, parent)? {
        Some((path, is_pkg)) => load_source(name, &path, is_pkg),
        None => Err(not_found(name)),
    }
}

/// Where the source of module `name` is: `(path, is_package)` for `name.py` or
/// `name/__init__.py` in the first directory of `sys.path` (or of the parent
/// package's `__path__`) that has one.
///
/// # Errors
/// `ModuleNotFoundError` when `parent` is not a package; what reading the search path
/// raises.
pub fn find_source(
    name: &str,
    parent: Option<&PyObj>,
) -> PyResult<Option<(std::path::PathBuf, bool)>> {
    let dirs = match parent {
        Some(p) => match dict::get_item_str(&module::module_dict(p), "__path__") {
            Some(path) => Some(
                ab::collect_iter(&path)?
                    .iter()
                    .map(|x| ab::str_string(x).unwrap_or_default())
                    .collect(),
            ),
            None => return Err(not_found(name)),
        },
        None => None,
    };
    find_source_in(name, dirs)
}

/// [`find_source`] in the directories `dirs`, or in `sys.path` when `None`.
///
/// # Errors
/// What reading `sys.path` raises.
pub fn find_source_in(
    name: &str,
    dirs: Option<Vec<String>>,
) -> PyResult<Option<(std::path::PathBuf, bool)>> {
    let last = name.rsplit('.').next().unwrap_or(name);
    let search: Vec<String> = match dirs {
        Some(d) => d,
        None => {
            let sys = module::module_dict(&state::sys_module());
            match dict::get_item_str(&sys, "path") {
                Some(p) => ab::collect_iter(&p)?
                    .iter()
                    .map(|x| ab::str_string(x).unwrap_or_default())
                    .collect(),
                None => Vec::new(),
            }
        }
    };
    for dir in search {
        let base = std::path::Path::new(if dir.is_empty() { "." } else { &dir });
        let pkg_init = base.join(last).join("__init__.py");
        let file = base.join(format!("{last}.py"));
        if pkg_init.is_file() {
            return Ok(Some((pkg_init, true)));
        }
        if file.is_file() {
            return Ok(Some((file, false)));
        }
    }
    Ok(None)
}

/// What kind of module a name is (for `_imp`'s `StrandImporter`).
pub(crate) enum Found {
    /// A native (built-in) module.
    Native,
    /// A frozen module; whether it is a package.
    Frozen(bool),
    /// A source file; whether it is a package's `__init__.py`.
    Source(std::path::PathBuf, bool),
}

/// The native module registered as `name`.
pub(crate) fn native_module(name: &str) -> Option<&'static NativeModule> {
    NATIVE.get().and_then(|t| t.iter().find(|m| m.name == name))
}

/// The frozen module registered as `name`.
pub(crate) fn frozen_module(name: &str) -> Option<&'static FrozenModule> {
    FROZEN.get().and_then(|t| t.iter().find(|f| f.name == name))
}

/// The names of the frozen modules.
pub(crate) fn frozen_names() -> Vec<&'static str> {
    FROZEN
        .get()
        .map(|t| t.iter().map(|f| f.name).collect())
        .unwrap_or_default()
}

/// Imports `name` (dotted, absolute) and returns that module (not its top package).
///
/// # Errors
/// As [`import`].
pub(crate) fn import_by_name(name: &str) -> PyResult<PyObj> {
    import(
        &pystr::new(name),
        &dict::new(),
        &list::new(vec![pystr::new("*")]),
        &int::from_i64(0),
    )
}

/// Compiles a module's source text to a code object.
///
/// # Errors
/// `SyntaxError`.
pub(crate) fn compile_source(source: &str, filename: &str) -> PyResult<PyObj> {
    let code = strand_compiler::compile_module(source, filename)
        .map_err(|e| crate::syntax_error::syntax_error(&e, source, filename))?;
    crate::traceback::register_source(filename, source);
    Ok(crate::code::load_code(&code))
}

/// Reads, decodes (PEP 263) and compiles a source file.
///
/// # Errors
/// `OSError` from reading, `SyntaxError`.
pub(crate) fn compile_file(path: &std::path::Path) -> PyResult<PyObj> {
    crate::code_cache::load_or_compile(path)
}

fn not_found(name: &str) -> strand_objects::PyErr {
    let e = exc::module_not_found_error(format!("No module named '{name}'"));
    let _ = ab::setattr(e.value(), &pystr::intern("name"), &pystr::new(name));
    e
}

fn load_source(name: &str, path: &std::path::Path, is_pkg: bool) -> PyResult<PyObj> {
    let bytes = std::fs::read(path)
        .map_err(|e| exc::from_io_error(&e, Some(pystr::new(&path.display().to_string()))))?;
    let filename = std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string();
    let source = crate::syntax_error::decode_file(&bytes, &filename)?;
    let dir = path
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    load_text(name, &source, &filename, is_pkg, Some(&dir))
}

/// Compiles and runs a module's source as `name` (registered in `sys.modules` before
/// its code runs; removed again if that fails).
fn load_text(
    name: &str,
    source: &str,
    filename: &str,
    is_pkg: bool,
    pkg_dir: Option<&str>,
) -> PyResult<PyObj> {
    let code_obj = compile_source(source, filename)?;
    let m = module::new_module(name);
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "__file__", pystr::new(filename));
    if is_pkg {
        dict::set_item_str(
            &d,
            "__path__",
            list::new(vec![pystr::new(pkg_dir.unwrap_or_default())]),
        );
        dict::set_item_str(&d, "__package__", pystr::new(name));
    } else {
        let pkg = name.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
        dict::set_item_str(&d, "__package__", pystr::new(pkg));
    }
    let modules = state::sys_modules();
    dict::set_item_str(&modules, name, m.clone());
    if let Err(e) = crate::eval::run_code(&code_obj, &d) {
        let _ = dict::del_item(&modules, &pystr::new(name));
        return Err(e);
    }
    // The module may have replaced itself in sys.modules.
    Ok(dict::get_item_str(&modules, name).unwrap_or(m))
}
