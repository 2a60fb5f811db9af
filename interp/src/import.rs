//! The import system (Python/import.c), driven by CPython's own `importlib`.
//!
//! As in CPython, the `import` statement is native only up to the module cache:
//! [`import`] resolves a relative name against the importer's `__package__` /
//! `__spec__` (`resolve_name`), returns the module from `sys.modules` when it is
//! there (waiting, through `_lock_unlock_module`, while another thread still runs its
//! code), and otherwise calls `importlib._bootstrap._find_and_load`, which walks
//! `sys.meta_path` (`BuiltinImporter` for strand's native modules, `FrozenImporter`,
//! `PathFinder` with `sys.path_hooks` and `sys.path_importer_cache`, and whatever the
//! program added), sets `__spec__`, `__loader__`, `__file__`, `__cached__` and
//! `__path__`, and runs the module. `from package import name` goes through
//! `_handle_fromlist`, so a submodule that fails to import reports its own error.
//! Frames of the import machinery are cut from the traceback of an import that
//! fails, as CPython's `remove_importlib_frames` does: all of them for an
//! `ImportError`, otherwise each run of them that ends in `_call_with_frames_removed`
//! (the call that ran the module's code).
//!
//! [`install_importlib`] loads `importlib/_bootstrap.py` and
//! `importlib/_bootstrap_external.py` from CPython's Lib as `_frozen_importlib` and
//! `_frozen_importlib_external` (named `<frozen importlib._bootstrap>` and
//! `<frozen importlib._bootstrap_external>` in tracebacks, as CPython's frozen copies
//! are) and runs their `_install` functions, as CPython's `init_importlib` does.
//! Until then (while those two modules and what they import load, or in an embedder
//! that has no Lib), a native fallback imports native modules, frozen modules and
//! source files from `sys.path` without specs or loaders; its per-module locks are in
//! `import_lock.rs`.
//!
//! The tables of native and frozen modules come from the standard library crate
//! ([`register_native_modules`], [`register_frozen_modules`]).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::OnceLock;

use strand_objects::abstract_ as ab;
use strand_objects::exceptions::{self as exc, value_error};
use strand_objects::{dict, int, list, module, singletons, str as pystr, PyObj, PyResult};

use crate::native_module::{FrozenModule, FrozenSource, NativeModule};
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

/// Resolves a relative import's package (`from ..x import y` at `level` 2), as
/// CPython's `resolve_name`: `__package__` if set (a str), else `__spec__.parent`,
/// else, with an `ImportWarning`, `__name__` (less its last part unless the module
/// is a package).
fn resolve_name(name: &str, globals: &PyObj, level: usize) -> PyResult<String> {
    if level == 0 {
        return Ok(name.to_string());
    }
    if singletons::is_none(globals) {
        return Err(exc::key_error(pystr::new("'__name__' not in globals")));
    }
    if !dict::is_dict(globals) {
        return Err(exc::type_error("globals must be a dict"));
    }
    let package = dict::get_item_str(globals, "__package__").filter(|p| !singletons::is_none(p));
    let spec = dict::get_item_str(globals, "__spec__").filter(|p| !singletons::is_none(p));
    let package = if let Some(p) = package {
        if !pystr::is_str(&p) {
            return Err(exc::type_error("package must be a string"));
        }
        if let Some(spec) = spec {
            let parent = ab::getattr(&spec, &pystr::intern("parent"))?;
            if !ab::eq(&p, &parent)? {
                warn_import("__package__ != __spec__.parent")?;
            }
        }
        pystr::as_str(&p).to_string()
    } else if let Some(spec) = spec {
        let parent = ab::getattr(&spec, &pystr::intern("parent"))?;
        if !pystr::is_str(&parent) {
            return Err(exc::type_error("__spec__.parent must be a string"));
        }
        pystr::as_str(&parent).to_string()
    } else {
        warn_import(
            "can't resolve package from __spec__ or __package__, falling back on __name__ and __path__",
        )?;
        let n = dict::get_item_str(globals, "__name__")
            .ok_or_else(|| exc::key_error(pystr::new("'__name__' not in globals")))?;
        if !pystr::is_str(&n) {
            return Err(exc::type_error("__name__ must be a string"));
        }
        let n = pystr::as_str(&n);
        if dict::get_item_str(globals, "__path__").is_some() {
            n.to_string()
        } else {
            n.rsplit_once('.')
                .map(|(p, _)| p.to_string())
                .unwrap_or_default()
        }
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

/// `import name` / `from name import fromlist` at `level` (`builtins.__import__`,
/// CPython's `PyImport_ImportModuleLevelObject`).
///
/// # Errors
/// `TypeError` for a name that is not a str, `ValueError` for a negative level or an
/// empty absolute name, `ImportError` for a relative import that cannot be resolved,
/// `ModuleNotFoundError: No module named 'x'`, and whatever the module's code raises.
pub fn import(name: &PyObj, globals: &PyObj, fromlist: &PyObj, level: &PyObj) -> PyResult<PyObj> {
    let Some(boot) = IMPORTLIB.get() else {
        return import_native(name, globals, fromlist, level);
    };
    if !pystr::is_str(name) {
        return Err(exc::type_error(format!(
            "module name must be str, not {}",
            name.ty().name()
        )));
    }
    let level = int::as_i64(level).unwrap_or(0);
    if level < 0 {
        return Err(value_error("level must be >= 0"));
    }
    let level = level as usize;
    let short = pystr::as_str(name);
    if level == 0 && short.is_empty() {
        return Err(value_error("Empty module name"));
    }
    let abs = resolve_name(short, globals, level)?;
    import_with(boot, short, &abs, fromlist, level).inspect_err(remove_importlib_frames)
}

/// The functions of `importlib._bootstrap` the `import` statement calls.
struct Importlib {
    /// `_find_and_load(name, import_)`.
    find_and_load: PyObj,
    /// `_handle_fromlist(module, fromlist, import_)`.
    handle_fromlist: PyObj,
    /// `_lock_unlock_module(name)`.
    lock_unlock_module: PyObj,
    /// `_module_repr(module)`, `repr(module)`.
    module_repr: PyObj,
}

/// `repr(module)` through `importlib._bootstrap._module_repr`, once it is installed.
fn module_repr_hook(m: &PyObj) -> Option<PyResult<PyObj>> {
    IMPORTLIB
        .get()
        .map(|boot| ab::call(&boot.module_repr, std::slice::from_ref(m), None))
}

static IMPORTLIB: OnceLock<Importlib> = OnceLock::new();

/// Whether [`install_importlib`] has run: imports go through `importlib`.
pub fn importlib_installed() -> bool {
    IMPORTLIB.get().is_some()
}

/// The body of [`import`] once the name is resolved to `abs`.
fn import_with(
    boot: &Importlib,
    short: &str,
    abs: &str,
    fromlist: &PyObj,
    level: usize,
) -> PyResult<PyObj> {
    let modules = state::sys_modules();
    let cached = dict::get_item_str(&modules, abs).filter(|m| !singletons::is_none(m));
    let module = match cached {
        Some(m) => {
            ensure_initialized(boot, &m, abs)?;
            m
        }
        None => ab::call(
            &boot.find_and_load,
            &[pystr::new(abs), builtin_import()?],
            None,
        )?,
    };
    let has_fromlist = !singletons::is_none(fromlist) && ab::is_true(fromlist)?;
    if has_fromlist {
        if ab::getattr_opt(&module, &pystr::intern("__path__"))?.is_some() {
            return ab::call(
                &boot.handle_fromlist,
                &[module, fromlist.clone(), builtin_import()?],
                None,
            );
        }
        return Ok(module);
    }
    if level == 0 || !short.is_empty() {
        let Some((front, _)) = short.split_once('.') else {
            return Ok(module);
        };
        if level == 0 {
            // `import a.b.c` binds `a`.
            return import(
                &pystr::new(front),
                &singletons::none(),
                &singletons::none(),
                &int::from_i64(0),
            );
        }
        // `from .a.b import` without a fromlist (only reachable through
        // `__import__`): the module `front` names, relative to the package.
        let cut = short.len() - front.len();
        let want = &abs[..abs.len() - cut];
        return dict::get_item_str(&modules, want).ok_or_else(|| {
            exc::key_error(pystr::new(&format!(
                "'{want}' not in sys.modules as expected"
            )))
        });
    }
    Ok(module)
}

/// CPython's `import_ensure_initialized`: a module another thread is still running
/// (its `__spec__._initializing` is true) is waited for.
fn ensure_initialized(boot: &Importlib, module: &PyObj, name: &str) -> PyResult<()> {
    let Some(spec) = ab::getattr_opt(module, &pystr::intern("__spec__"))? else {
        return Ok(());
    };
    let initializing = match ab::getattr_opt(&spec, &pystr::intern("_initializing"))? {
        Some(v) => ab::is_true(&v)?,
        None => false,
    };
    if initializing {
        ab::call(&boot.lock_unlock_module, &[pystr::new(name)], None)?;
    }
    Ok(())
}

/// `builtins.__import__` as it is now (a program may have replaced it).
fn builtin_import() -> PyResult<PyObj> {
    dict::get_item_str(&state::builtins_dict(), "__import__")
        .ok_or_else(|| exc::import_error("__import__ not found"))
}

/// The file names of the import machinery's code (CPython's frozen names).
const BOOTSTRAP_FILE: &str = "<frozen importlib._bootstrap>";
const EXTERNAL_FILE: &str = "<frozen importlib._bootstrap_external>";

/// CPython's `remove_importlib_frames`: cuts the import machinery's frames out of the
/// traceback of `e` (all of them for an `ImportError`; otherwise each run of them
/// that ends in `_call_with_frames_removed`).
fn remove_importlib_frames(e: &strand_objects::PyErr) {
    use strand_objects::traceback as tb;
    let v = e.value();
    let always = v.ty().is_subtype(&exc::IMPORT_ERROR_TYPE);
    let payload = exc::payload(v);
    let Some(first) = payload.state().traceback.clone() else {
        return;
    };
    let entries = tb::entries(&first, usize::MAX);
    let in_importlib = |t: &PyObj| {
        let code = crate::frame_object::code(tb::frame(t));
        let c = strand_objects::function::code(&code);
        let f = pystr::as_str(c.filename());
        let importlib = f == BOOTSTRAP_FILE || f == EXTERNAL_FILE;
        (
            importlib,
            importlib && pystr::as_str(&c.name) == "_call_with_frames_removed",
        )
    };
    // Which entries stay: a run of importlib frames goes when a frame of it is cut
    // (CPython relinks past the whole run up to that frame).
    let mut keep = vec![true; entries.len()];
    let mut run_start = None;
    for (i, t) in entries.iter().enumerate() {
        let (importlib, removes) = in_importlib(t);
        if !importlib {
            run_start = None;
            continue;
        }
        let start = *run_start.get_or_insert(i);
        if always || removes {
            for k in keep.iter_mut().take(i + 1).skip(start) {
                *k = false;
            }
            // Frames after this one in the same run form a new chunk.
            run_start = Some(i + 1);
        }
    }
    if keep.iter().all(|k| *k) {
        return;
    }
    // Rebuild the chain from the innermost entry outwards.
    let mut next: Option<PyObj> = None;
    for (t, k) in entries.iter().zip(&keep).rev() {
        if *k {
            next = Some(tb::new(
                next,
                tb::frame(t).clone(),
                tb::lasti(t),
                tb::lineno(t),
            ));
        }
    }
    let old = std::mem::replace(&mut payload.state().traceback, next);
    drop(old);
}

/// Loads CPython's `importlib._bootstrap` and `_bootstrap_external` from the
/// standard library directory `lib` and makes them the import system (CPython's
/// `init_importlib` and `init_importlib_external`): `sys.meta_path` gets
/// `BuiltinImporter`, `FrozenImporter` and `PathFinder`, `sys.path_hooks` the
/// `FileFinder` hook, and modules already imported get their specs.
///
/// # Errors
/// What reading, compiling or running the two modules raises; the native import
/// stays in use then.
pub fn install_importlib(lib: &std::path::Path) -> PyResult<()> {
    if IMPORTLIB.get().is_some() {
        return Ok(());
    }
    let modules = state::sys_modules();
    let load = |name: &str, file: &str, display: &str| -> PyResult<PyObj> {
        // Through the bytecode cache like any module, then named as CPython's frozen
        // copies are.
        let code = crate::code_cache::load_or_compile(&lib.join("importlib").join(file))?;
        crate::code_cache::fix_co_filename(&code, &pystr::new(display));
        let m = module::new_module(name);
        if let Some(origname) = frozen_module(name).and_then(|f| f.origname) {
            // What `FrozenImporter._fix_up_module` takes the module's origin from,
            // as CPython's `PyImport_ImportFrozenModuleObject` leaves it.
            dict::set_item_str(
                &module::module_dict(&m),
                "__origname__",
                pystr::new(origname),
            );
        }
        dict::set_item_str(&modules, name, m.clone());
        if let Err(e) = crate::eval::run_code(&code, &module::module_dict(&m)) {
            let _ = dict::del_item(&modules, &pystr::new(name));
            return Err(e);
        }
        Ok(m)
    };
    let bootstrap = load("_frozen_importlib", "_bootstrap.py", BOOTSTRAP_FILE)?;
    let sys = state::sys_module();
    let imp = import_native(
        &pystr::new("_imp"),
        &singletons::none(),
        &singletons::none(),
        &int::from_i64(0),
    )?;
    ab::call(&ab::getattr_str(&bootstrap, "_install")?, &[sys, imp], None)?;
    let external = load(
        "_frozen_importlib_external",
        "_bootstrap_external.py",
        EXTERNAL_FILE,
    )?;
    ab::call0(&ab::getattr_str(&bootstrap, "_install_external_importers")?)?;
    if frozen_module("_frozen_importlib_external").is_some() {
        // `_bootstrap._setup` gave `_frozen_importlib` its spec; CPython imports
        // `_frozen_importlib_external` through `FrozenImporter`, strand loaded it
        // above: it gets the spec `_setup` gives a frozen module.
        let frozen = ab::getattr_str(&bootstrap, "FrozenImporter")?;
        let spec = ab::call(
            &ab::getattr_str(&bootstrap, "_spec_from_module")?,
            &[external.clone(), frozen.clone()],
            None,
        )?;
        ab::call(
            &ab::getattr_str(&bootstrap, "_init_module_attrs")?,
            &[spec, external.clone()],
            None,
        )?;
        ab::call(
            &ab::getattr_str(&frozen, "_fix_up_module")?,
            &[external],
            None,
        )?;
    }
    let _ = IMPORTLIB.set(Importlib {
        find_and_load: ab::getattr_str(&bootstrap, "_find_and_load")?,
        handle_fromlist: ab::getattr_str(&bootstrap, "_handle_fromlist")?,
        lock_unlock_module: ab::getattr_str(&bootstrap, "_lock_unlock_module")?,
        module_repr: ab::getattr_str(&bootstrap, "_module_repr")?,
    });
    module::set_repr_hook(module_repr_hook);
    install_zipimport();
    Ok(())
}

/// Puts `zipimport.zipimporter` first on `sys.path_hooks`, so zip archives on
/// `sys.path` are importable (CPython's `_PyImportZip_Init`). A failure to import
/// `zipimport` leaves the other hooks working, as in CPython.
fn install_zipimport() {
    let r = (|| -> PyResult<()> {
        let zipimport = import(
            &pystr::new("zipimport"),
            &dict::new(),
            &singletons::none(),
            &int::from_i64(0),
        )?;
        let hook = ab::getattr_str(&zipimport, "zipimporter")?;
        let hooks = ab::getattr_str(&state::sys_module(), "path_hooks")?;
        ab::call(
            &ab::getattr_str(&hooks, "insert")?,
            &[int::from_i64(0), hook],
            None,
        )?;
        Ok(())
    })();
    drop(r);
}

/// `ImportWarning: message` at the importing frame (CPython's `PyErr_WarnEx` in
/// `resolve_name`), through the native warnings machinery.
fn warn_import(message: &str) -> PyResult<()> {
    crate::warnings::warn(&exc::IMPORT_WARNING_TYPE, message, 1)
}

/// The native import ([`import`] before `importlib` is installed).
fn import_native(
    name: &PyObj,
    globals: &PyObj,
    fromlist: &PyObj,
    level: &PyObj,
) -> PyResult<PyObj> {
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
        let code = frozen_code(f)?;
        return run_module_code(name, &code, &format!("<frozen {name}>"), f.is_package, None);
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

/// The native module registered as `name`.
pub(crate) fn native_module(name: &str) -> Option<&'static NativeModule> {
    NATIVE.get().and_then(|t| t.iter().find(|m| m.name == name))
}

/// `_imp._override_frozen_modules_for_tests`'s setting: positive, frozen modules on;
/// negative, off (all but the essential ones); 0, the default, which is on (CPython's
/// `-X frozen_modules=on`, the default of an installed CPython).
static FROZEN_OVERRIDE: AtomicI64 = AtomicI64::new(0);

/// Sets whether frozen modules are used (CPython's
/// `interp->override_frozen_modules`): see [`FROZEN_OVERRIDE`].
pub(crate) fn set_frozen_override(setting: i64) {
    FROZEN_OVERRIDE.store(setting, Ordering::Relaxed);
}

/// The path of `rel` (`/`-separated) in the standard library directory, if strand has
/// one.
fn stdlib_file(rel: &str) -> Option<std::path::PathBuf> {
    crate::sys::stdlib_dir().ok().map(|d| d.join(rel))
}

/// The frozen module registered as `name`, when it is frozen now (CPython's
/// `look_up_frozen`): the essential ones always, the others while frozen modules are
/// on; one compiled from a standard library file only where that file exists.
pub(crate) fn frozen_module(name: &str) -> Option<&'static FrozenModule> {
    let f = FROZEN.get()?.iter().find(|f| f.name == name)?;
    if !f.essential && FROZEN_OVERRIDE.load(Ordering::Relaxed) < 0 {
        return None;
    }
    if let FrozenSource::Lib(rel) = f.source {
        if !stdlib_file(rel)?.is_file() {
            return None;
        }
    }
    Some(f)
}

/// The names of the modules frozen now (see [`frozen_module`]), in table order.
pub(crate) fn frozen_names() -> Vec<&'static str> {
    FROZEN
        .get()
        .map(|t| {
            t.iter()
                .filter(|f| frozen_module(f.name).is_some())
                .map(|f| f.name)
                .collect()
        })
        .unwrap_or_default()
}

/// The code of frozen module `f` (what CPython unmarshals from its frozen bytes):
/// compiled from its standard library file through the bytecode cache, or from its
/// text, with `co_filename` `<frozen X>` for its [`FrozenModule::code_name`].
///
/// # Errors
/// `ImportError` when its file has gone; what reading or compiling it raises.
pub(crate) fn frozen_code(f: &FrozenModule) -> PyResult<PyObj> {
    let display = format!("<frozen {}>", f.code_name);
    let (file, text) = match f.source {
        FrozenSource::Lib(rel) => (stdlib_file(rel), None),
        FrozenSource::LibOr(rel, text) => (stdlib_file(rel).filter(|p| p.is_file()), Some(text)),
        FrozenSource::Text(text) => (None, Some(text)),
    };
    if let Some(path) = file {
        let code = crate::code_cache::load_or_compile(&path)?;
        crate::code_cache::fix_co_filename(&code, &pystr::new(&display));
        return Ok(code);
    }
    let Some(text) = text else {
        let e = exc::import_error(format!("No such frozen object named '{}'", f.name));
        let _ = ab::setattr(e.value(), &pystr::intern("name"), &pystr::new(f.name));
        return Err(e);
    };
    // As CPython's frozen code, it has no source lines to show in tracebacks.
    let code = strand_compiler::compile_module(text, &display)
        .map_err(|e| crate::syntax_error::syntax_error(&e, text, &display))?;
    Ok(crate::code::load_code(&code))
}

/// Imports `name` (dotted, absolute) and returns that module (not its top package).
///
/// # Errors
/// As [`import`].
pub fn import_by_name(name: &str) -> PyResult<PyObj> {
    import(
        &pystr::new(name),
        &dict::new(),
        &list::new(vec![pystr::new("*")]),
        &int::from_i64(0),
    )
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
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let code_obj = compile_file(&path)?;
    let filename = path.display().to_string();
    let dir = path
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    run_module_code(name, &code_obj, &filename, is_pkg, Some(&dir))
}

/// Runs a module's code as `name` (registered in `sys.modules` before its code runs;
/// removed again if that fails).
fn run_module_code(
    name: &str,
    code_obj: &PyObj,
    filename: &str,
    is_pkg: bool,
    pkg_dir: Option<&str>,
) -> PyResult<PyObj> {
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
    if let Err(e) = crate::eval::run_code(code_obj, &d) {
        let _ = dict::del_item(&modules, &pystr::new(name));
        return Err(e);
    }
    // The module may have replaced itself in sys.modules.
    Ok(dict::get_item_str(&modules, name).unwrap_or(m))
}
