//! The warnings machinery's native core, after CPython 3.11's Python/_warnings.c: the
//! filter list, the "once" registry and the default action, the per-module
//! `__warningregistry__` dicts, and `warn` / `warn_explicit`, which pick a filter's
//! action for a warning and show it through `warnings._showwarnmsg` (or write it
//! to `sys.stderr` directly while `warnings` is not imported).
//!
//! The state is the interpreter's, not a module's: the `_warnings` module of
//! `strand-stdlib` exposes it (`filters`, `_onceregistry`, `_defaultaction`,
//! `_filters_mutated`, `warn`, `warn_explicit`), Lib/warnings.py imports those names
//! and mutates the same objects, and the interpreter's own warnings ([`warn`],
//! [`warn_with_source`]) go through here before anything imported `warnings`.
//!
//! While `warnings` is in `sys.modules`, its attributes win over the state, as in
//! CPython: `warnings.filters` (which `catch_warnings` replaces by a copy),
//! `warnings.onceregistry` and `warnings.defaultaction` are read at each warning
//! and become the state's.
//!
//! A registry (a module's `__warningregistry__`, or the "once" registry) maps
//! `(text, category, lineno)` or `(text, category)` keys to `True`, plus a
//! `"version"` entry: the filters version it was filled under. Changing the filters
//! (`_filters_mutated`) bumps the version, and a registry of an older version is
//! cleared before its next use.
//!
//! Threads: the filter list and the registries are Python objects (their own locks
//! make them safe to share); the slots holding them are mutex-guarded and only
//! cloned from or swapped under the lock (never a call, an allocation or a drop
//! inside it); the version counter is atomic.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

use strand_objects::abstract_ as ab;
use strand_objects::exceptions::{self as exc, PyErr};
use strand_objects::typeobj::PyType;
use strand_objects::{dict, int, list, module, singletons, str as pystr, tuple, PyObj, PyResult};

use crate::frame::{self, Frame};

/// A lazily filled slot of the warnings state.
struct Slot(Mutex<Option<PyObj>>);

impl Slot {
    const fn new() -> Slot {
        Slot(Mutex::new(None))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<PyObj>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The object in the slot, made by `make` (outside the lock) if there is none.
    fn get_or_init(&self, make: impl FnOnce() -> PyObj) -> PyObj {
        if let Some(v) = self.lock().clone() {
            return v;
        }
        let fresh = make();
        let current = {
            let mut g = self.lock();
            g.get_or_insert_with(|| fresh.clone()).clone()
        };
        drop(fresh);
        current
    }

    /// Puts `v` in the slot; the old object is dropped after the lock is released
    /// (its finalizer may run Python code).
    fn set(&self, v: PyObj) {
        let old = self.lock().replace(v);
        drop(old);
    }
}

static FILTERS: Slot = Slot::new();
static ONCE_REGISTRY: Slot = Slot::new();
static DEFAULT_ACTION: Slot = Slot::new();

/// The filters version: bumped by [`filters_mutated`]; registries filled under an
/// older version are stale.
static FILTERS_VERSION: AtomicI64 = AtomicI64::new(0);

/// One filter of the initial list: `(action, None, category, module, 0)`.
fn initial_filter(action: &str, category: &PyType, module: Option<&str>) -> PyObj {
    tuple::from_vec(vec![
        pystr::intern(action),
        singletons::none(),
        category.to_obj(),
        module.map_or_else(singletons::none, pystr::intern),
        int::from_i64(0),
    ])
}

/// The filter list a release build of CPython starts with (`init_filters`):
/// `DeprecationWarning` shown once per location in `__main__` and ignored
/// elsewhere, `PendingDeprecationWarning`, `ImportWarning` and `ResourceWarning`
/// ignored. `-W` options and `-X dev` come on top, from Lib/warnings.py's
/// `_processoptions(sys.warnoptions)`.
fn initial_filters() -> PyObj {
    list::new(vec![
        initial_filter("default", &exc::DEPRECATION_WARNING_TYPE, Some("__main__")),
        initial_filter("ignore", &exc::DEPRECATION_WARNING_TYPE, None),
        initial_filter("ignore", &exc::PENDING_DEPRECATION_WARNING_TYPE, None),
        initial_filter("ignore", &exc::IMPORT_WARNING_TYPE, None),
        initial_filter("ignore", &exc::RESOURCE_WARNING_TYPE, None),
    ])
}

/// The filter list of the state (`_warnings.filters`; the list `warnings.filters`
/// last was, once a warning was issued with `warnings` imported).
pub fn filters() -> PyObj {
    FILTERS.get_or_init(initial_filters)
}

/// The "once" registry of the state (`_warnings._onceregistry`).
pub fn once_registry() -> PyObj {
    ONCE_REGISTRY.get_or_init(dict::new)
}

/// The action of a warning no filter matches (`_warnings._defaultaction`,
/// `"default"` at first).
pub fn default_action() -> PyObj {
    DEFAULT_ACTION.get_or_init(|| pystr::intern("default"))
}

/// `_warnings._filters_mutated()`: the filters changed, so every registry is stale.
pub fn filters_mutated() {
    FILTERS_VERSION.fetch_add(1, Ordering::AcqRel);
}

/// `warnings.<name>` (`get_warnings_attr`): `None` when `warnings` is not in
/// `sys.modules` or has no such attribute. With `try_import` (and the interpreter not
/// shutting down) `warnings` is imported first; an `ImportError` then means `None`.
pub(crate) fn warnings_attr(name: &str, try_import: bool) -> PyResult<Option<PyObj>> {
    let warnings = if try_import && !crate::sys::is_finalizing() {
        match crate::import::import_by_name("warnings") {
            Ok(m) => m,
            Err(e) if e.is_instance(&exc::IMPORT_ERROR_TYPE) => return Ok(None),
            Err(e) => return Err(e),
        }
    } else {
        if crate::state::sys_module_opt().is_none() {
            return Ok(None);
        }
        match dict::get_item_str(&crate::state::sys_modules(), "warnings") {
            Some(m) => m,
            None => return Ok(None),
        }
    };
    ab::getattr_opt(&warnings, &pystr::intern(name))
}

/// The "once" registry: `warnings.onceregistry` when there is one (it must be a dict),
/// else the state's.
fn current_once_registry() -> PyResult<PyObj> {
    match warnings_attr("onceregistry", false)? {
        None => Ok(once_registry()),
        Some(r) if dict::is_dict(&r) => {
            ONCE_REGISTRY.set(r.clone());
            Ok(r)
        }
        Some(r) => Err(exc::type_error(format!(
            "_warnings.onceregistry must be a dict, not '{}'",
            r.ty().name()
        ))),
    }
}

/// The default action: `warnings.defaultaction` when there is one (it must be a
/// str), else the state's.
fn current_default_action() -> PyResult<PyObj> {
    match warnings_attr("defaultaction", false)? {
        None => Ok(default_action()),
        Some(a) if pystr::is_str(&a) => {
            DEFAULT_ACTION.set(a.clone());
            Ok(a)
        }
        Some(a) => Err(exc::type_error(format!(
            "_warnings.defaultaction must be a string, not '{}'",
            a.ty().name()
        ))),
    }
}

/// Whether a filter's message or module part matches `arg` (`check_matched`): `None`
/// matches anything, an exact `str` (the initial filters' `"__main__"`) must equal
/// it, anything else is a compiled pattern whose `match(arg)` decides.
fn check_matched(pattern: &PyObj, arg: &PyObj) -> PyResult<bool> {
    if singletons::is_none(pattern) {
        return Ok(true);
    }
    if pystr::is_exact_str(pattern) {
        if !pystr::is_str(arg) {
            return Err(exc::type_error(format!(
                "Can't compare {} and {}",
                pattern.ty().name(),
                arg.ty().name()
            )));
        }
        return Ok(pystr::as_str(pattern) == pystr::as_str(arg));
    }
    ab::is_true(&ab::call_method(
        pattern,
        "match",
        std::slice::from_ref(arg),
    )?)
}

/// The action for a warning (`get_filter`), with the filter that chose it (`None`
/// when the default action did): the first filter of `warnings.filters` (or the
/// state's list) whose message, category, module and line match.
///
/// # Errors
/// `ValueError` for a filter list that is not a list or an item that is not a
/// 5-tuple, `TypeError` for an action that is not a str, what a pattern's `match`,
/// `issubclass` or the line number's conversion raise.
fn get_filter(
    category: &PyObj,
    text: &PyObj,
    lineno: i64,
    module: &PyObj,
) -> PyResult<(PyObj, PyObj)> {
    if let Some(f) = warnings_attr("filters", false)? {
        FILTERS.set(f);
    }
    let filters = filters();
    if !list::is_list(&filters) {
        return Err(exc::value_error("_warnings.filters must be a list"));
    }
    // The list may change while the patterns run: read it item by item.
    let mut i = 0;
    while let Some(item) = list::get(&filters, i) {
        let parts = tuple::is_tuple(&item).then(|| tuple::items(&item).to_vec());
        let Some([action, msg, cat, module_pattern, line]) = parts.as_deref() else {
            return Err(exc::value_error(format!(
                "_warnings.filters item {i} isn't a 5-tuple"
            )));
        };
        if !pystr::is_str(action) {
            return Err(exc::type_error(format!(
                "action must be a string, not '{}'",
                action.ty().name()
            )));
        }
        let good_msg = check_matched(msg, text)?;
        let good_mod = check_matched(module_pattern, module)?;
        let is_subclass = ab::issubclass(category, cat)?;
        let ln = ssize_of(line)?;
        if good_msg && is_subclass && good_mod && (ln == 0 || i64::try_from(ln) == Ok(lineno)) {
            return Ok((action.clone(), item.clone()));
        }
        i += 1;
    }
    Ok((current_default_action()?, singletons::none()))
}

/// `PyLong_AsSsize_t`: an int's value as an `isize`.
fn ssize_of(v: &PyObj) -> PyResult<isize> {
    if !int::is_int(v) {
        return Err(exc::type_error("an integer is required"));
    }
    int::to_isize(v)
}

/// Whether `registry` says the warning `key` was shown (`already_warned`). A
/// registry of an older filters version is cleared and stamped with the current one
/// first. With `should_set`, a warning not shown yet is recorded.
fn already_warned(registry: &PyObj, key: &PyObj, should_set: bool) -> PyResult<bool> {
    let version = FILTERS_VERSION.load(Ordering::Acquire);
    let stamp = dict::get_item_str(registry, "version");
    let current = stamp
        .as_ref()
        .is_some_and(|v| int::is_exact_int(v) && int::as_i64(v) == Some(version));
    if !current {
        dict::clear(registry);
        dict::set_item_str(registry, "version", int::from_i64(version));
    } else if let Some(seen) = dict::get_item(registry, key)? {
        if ab::is_true(&seen)? {
            return Ok(true);
        }
    }
    if should_set {
        dict::set_item(registry, key.clone(), int::bool_obj(true))?;
    }
    Ok(false)
}

/// The module name a warning about `filename` gets when none is given
/// (`normalize_module`): the file name without `.py`, `<unknown>` for an empty one.
fn normalize_module(filename: &PyObj) -> PyObj {
    let name = pystr::as_str(filename);
    if name.is_empty() {
        return pystr::new("<unknown>");
    }
    match name.strip_suffix(".py") {
        Some(stem) => pystr::new(stem),
        None => filename.clone(),
    }
}

/// Records `(text, category)` in `registry` (the "once" and "module" actions);
/// whether it was there already.
fn update_registry(registry: &PyObj, text: &PyObj, category: &PyObj) -> PyResult<bool> {
    let key = tuple::from_vec(vec![text.clone(), category.clone()]);
    already_warned(registry, &key, true)
}

/// `file.write(text)`.
fn write_to(file: &PyObj, text: PyObj) -> PyResult<()> {
    ab::call_method(file, "write", &[text]).map(drop)
}

/// Writes a warning to `sys.stderr` without the `warnings` module (`show_warning`):
/// `filename:lineno: Category: text`, then the source line: `sourceline` as it is
/// when given (CPython writes it unstripped), else the file's line, stripped and
/// indented by two. Errors while writing are ignored.
fn show_warning(
    filename: &PyObj,
    lineno: i64,
    text: &PyObj,
    category: &PyObj,
    sourceline: Option<&PyObj>,
) {
    let Some(sys) = crate::state::sys_module_opt() else {
        return;
    };
    let Some(stderr) = dict::get_item_str(&module::module_dict(&sys), "stderr") else {
        crate::stdio::write_stderr("lost sys.stderr\n");
        return;
    };
    let write = || -> PyResult<()> {
        let name = ab::getattr_str(category, "__name__")?;
        let head = format!(
            "{}:{lineno}: {}: {}\n",
            ab::str_string(filename)?,
            ab::str_string(&name)?,
            ab::str_string(text)?
        );
        write_to(&stderr, pystr::from_string(head))?;
        match sourceline {
            Some(line) => {
                write_to(&stderr, line.clone())?;
                write_to(&stderr, pystr::new("\n"))?;
            }
            None => {
                let path = pystr::as_str(filename);
                let line = u32::try_from(lineno).ok().filter(|&l| l > 0);
                if let Some(src) = line.and_then(|l| crate::traceback::source_line(path, l)) {
                    let src = src.trim_start_matches([' ', '\t', '\x0c']);
                    let src = src.trim_end_matches(['\n', '\r']);
                    write_to(&stderr, pystr::from_string(format!("  {src}\n")))?;
                }
            }
        }
        Ok(())
    };
    let _ = write();
}

/// Shows a warning (`call_show_warning`): `warnings._showwarnmsg(WarningMessage(message,
/// category, filename, lineno, None, None, source))` when `warnings` is imported
/// (imported here for a warning about an object, whose allocation traceback only the
/// Python side can show), else [`show_warning`].
#[allow(clippy::too_many_arguments)]
fn call_show_warning(
    category: &PyObj,
    text: &PyObj,
    message: &PyObj,
    filename: &PyObj,
    lineno: i64,
    sourceline: Option<&PyObj>,
    source: Option<&PyObj>,
) -> PyResult<()> {
    let Some(show) = warnings_attr("_showwarnmsg", source.is_some())? else {
        show_warning(filename, lineno, text, category, sourceline);
        return Ok(());
    };
    if show.ty().slots().call.is_none() {
        return Err(exc::type_error(
            "warnings._showwarnmsg() must be set to a callable",
        ));
    }
    let Some(cls) = warnings_attr("WarningMessage", false)? else {
        return Err(exc::runtime_error("unable to get warnings.WarningMessage"));
    };
    let msg = ab::call(
        &cls,
        &[
            message.clone(),
            category.clone(),
            filename.clone(),
            int::from_i64(lineno),
            singletons::none(),
            singletons::none(),
            source.cloned().unwrap_or_else(singletons::none),
        ],
        None,
    )?;
    ab::call1(&show, msg).map(drop)
}

/// The registry argument of [`warn_explicit`].
pub enum Registry<'a> {
    /// No registry: only "once" records where a warning was shown (in the "once"
    /// registry).
    None,
    /// A registry dict (or an object that [`warn_explicit`] rejects with
    /// `TypeError`).
    Dict(&'a PyObj),
}

/// Issues a warning at an explicit location (`warn_explicit`): `message` is a
/// `Warning` instance (its class is then the category) or the argument `category` is
/// called with; `module` defaults to the file name without `.py`; `registry` records
/// where it was shown. The action comes from the filters (`get_filter`): "error" raises the
/// warning, "ignore" drops it, "always" shows it, "default" / "module" / "once" show
/// it once per location / module / process. `module` given as `None` means the
/// interpreter is shutting down: nothing happens.
///
/// # Errors
/// The warning itself for the "error" action; `TypeError` for a registry that is
/// not a dict or `None`, `RuntimeError` for an unknown action; what the filters,
/// creating the message and showing it raise.
#[allow(clippy::too_many_arguments)]
pub fn warn_explicit(
    category: &PyObj,
    message: &PyObj,
    filename: &PyObj,
    lineno: i64,
    module: Option<&PyObj>,
    registry: Registry<'_>,
    sourceline: Option<&PyObj>,
    source: Option<&PyObj>,
) -> PyResult<()> {
    if module.is_some_and(singletons::is_none) {
        return Ok(());
    }
    let registry = match registry {
        Registry::Dict(r) if singletons::is_none(r) => None,
        Registry::Dict(r) if dict::is_dict(r) => Some(r),
        Registry::Dict(_) => {
            return Err(exc::type_error("'registry' must be a dict or None"));
        }
        Registry::None => None,
    };
    let module = match module {
        Some(m) => m.clone(),
        None => normalize_module(filename),
    };
    let (text, category, message) = if ab::isinstance(message, &exc::WARNING_TYPE.to_obj())? {
        (ab::str_(message)?, message.ty().to_obj(), message.clone())
    } else {
        let instance = ab::call1(category, message.clone())?;
        (message.clone(), category.clone(), instance)
    };
    let source = source.filter(|s| !singletons::is_none(s));
    let key = tuple::from_vec(vec![text.clone(), category.clone(), int::from_i64(lineno)]);
    if let Some(r) = registry {
        if already_warned(r, &key, false)? {
            return Ok(());
        }
    }
    let (action, item) = get_filter(&category, &text, lineno, &module)?;
    let action_name = pystr::as_str(&action);
    match action_name {
        "error" => {
            let value = exc::normalize_exception(&category, Some(&message))?;
            return Err(PyErr::from_value(value));
        }
        "ignore" => return Ok(()),
        _ => {}
    }
    let mut shown_before = false;
    if action_name != "always" {
        if let Some(r) = registry {
            dict::set_item(r, key, int::bool_obj(true))?;
        }
        match action_name {
            "once" => {
                let once = match registry {
                    Some(r) => r.clone(),
                    None => current_once_registry()?,
                };
                shown_before = update_registry(&once, &text, &category)?;
            }
            "module" => {
                if let Some(r) = registry {
                    shown_before = update_registry(r, &text, &category)?;
                }
            }
            "default" => {}
            _ => {
                return Err(exc::runtime_error(format!(
                    "Unrecognized action ({}) in warnings.filters:\n {}",
                    ab::repr_string(&action)?,
                    ab::repr_string(&item)?
                )));
            }
        }
    }
    if shown_before {
        return Ok(());
    }
    call_show_warning(
        &category, &text, &message, filename, lineno, sourceline, source,
    )
}

/// Whether a frame runs importlib's bootstrap code (`is_internal_frame`), which
/// `stacklevel` skips: its file name contains both `importlib` and `_bootstrap`.
fn is_internal_frame(f: *const Frame) -> bool {
    if f.is_null() {
        return false;
    }
    // SAFETY: frames linked in this thread's chain are alive while it runs.
    let f = unsafe { &*f };
    let code = f.code();
    let name = pystr::as_str(strand_objects::function::code(&code).filename());
    name.contains("importlib") && name.contains("_bootstrap")
}

/// The frame below `f`, past importlib's frames (`next_external_frame`).
fn next_external_frame(mut f: *const Frame) -> *const Frame {
    loop {
        // SAFETY: as in `is_internal_frame`; `f` is not null.
        f = unsafe { (*f).previous() };
        if f.is_null() || !is_internal_frame(f) {
            return f;
        }
    }
}

/// Where a warning issued from Rust or from `_warnings.warn` is about.
struct Context {
    filename: PyObj,
    lineno: i64,
    module: PyObj,
    registry: PyObj,
}

/// The location `stack_level` frames up (`setup_context`): level 1 is the innermost
/// running Python frame (native functions push none); from an ordinary frame the
/// walk skips importlib's bootstrap frames. Past the outermost frame, the location
/// is `sys:1` with `sys`'s dict as the globals. The registry is the globals'
/// `__warningregistry__` (created when missing), the module their `__name__`
/// (`<string>` unless it is a str or `None`).
fn setup_context(stack_level: isize) -> PyResult<Context> {
    let mut level = stack_level;
    let mut f = frame::chain_top();
    if level <= 0 || is_internal_frame(f) {
        loop {
            level -= 1;
            if level <= 0 || f.is_null() {
                break;
            }
            // SAFETY: as in `is_internal_frame`.
            f = unsafe { (*f).previous() };
        }
    } else {
        loop {
            level -= 1;
            if level <= 0 || f.is_null() {
                break;
            }
            f = next_external_frame(f);
        }
    }
    let (globals, filename, lineno) = if f.is_null() {
        // Before `sys` exists (no Python code ran yet) there is no registry to keep.
        let globals =
            crate::state::sys_module_opt().map_or_else(dict::new, |sys| module::module_dict(&sys));
        (globals, pystr::intern("sys"), 1)
    } else {
        // SAFETY: as in `is_internal_frame`.
        let f = unsafe { &*f };
        let code = &f.data().code;
        let line = code.lines.line_of(f.last_pc()).unwrap_or(code.firstlineno);
        // The live `co_filename` (`_imp._fix_co_filename` may have renamed it).
        let filename = strand_objects::function::code(&f.code()).filename().clone();
        ((*f.globals()).clone(), filename, i64::from(line))
    };
    let registry = if dict::is_dict(&globals) {
        match dict::get_item_str(&globals, "__warningregistry__") {
            Some(r) => r,
            None => {
                let r = dict::new();
                dict::set_item_str(&globals, "__warningregistry__", r.clone());
                r
            }
        }
    } else {
        singletons::none()
    };
    let name = dict::is_dict(&globals)
        .then(|| dict::get_item_str(&globals, "__name__"))
        .flatten();
    let module = match name {
        Some(n) if singletons::is_none(&n) || pystr::is_str(&n) => n,
        _ => pystr::new("<string>"),
    };
    Ok(Context {
        filename,
        lineno,
        module,
        registry,
    })
}

/// The category of `warn(message, category)` (`get_category`): the class of a
/// `Warning` instance, else `category`, `UserWarning` when that is `None`.
///
/// # Errors
/// `TypeError` when the category is not a `Warning` subclass.
fn get_category(message: &PyObj, category: Option<&PyObj>) -> PyResult<PyObj> {
    let warning = exc::WARNING_TYPE.to_obj();
    let category = if ab::isinstance(message, &warning)? {
        message.ty().to_obj()
    } else {
        match category {
            Some(c) if !singletons::is_none(c) => c.clone(),
            _ => exc::USER_WARNING_TYPE.to_obj(),
        }
    };
    match ab::issubclass(&category, &warning) {
        Ok(true) => Ok(category),
        _ => Err(exc::type_error(format!(
            "category must be a Warning subclass, not '{}'",
            category.ty().name()
        ))),
    }
}

/// Issues `message` of `category` at the location `stack_level` frames up
/// (`do_warn`).
fn do_warn(
    message: &PyObj,
    category: &PyObj,
    stack_level: isize,
    source: Option<&PyObj>,
) -> PyResult<()> {
    let cx = setup_context(stack_level)?;
    warn_explicit(
        category,
        message,
        &cx.filename,
        cx.lineno,
        Some(&cx.module),
        Registry::Dict(&cx.registry),
        None,
        source,
    )
}

/// `_warnings.warn(message, category=None, stacklevel=1, source=None)`: the category
/// checked (`get_category`), then the warning issued at the caller's location,
/// `stacklevel` frames up.
///
/// # Errors
/// As [`warn_explicit`]; `TypeError` for a category that is not a `Warning`
/// subclass.
pub fn warn_object(
    message: &PyObj,
    category: Option<&PyObj>,
    stack_level: isize,
    source: Option<&PyObj>,
) -> PyResult<()> {
    let category = get_category(message, category)?;
    do_warn(message, &category, stack_level, source)
}

/// Issues a warning of `category` with the text `message` from Rust, located
/// `stack_level` frames up (CPython's `PyErr_WarnEx`; level 1 is the running Python
/// frame).
///
/// # Errors
/// The warning itself when a filter turns it into an error; what showing it raises.
pub fn warn(category: &PyType, message: &str, stack_level: isize) -> PyResult<()> {
    do_warn(&pystr::new(message), &category.to_obj(), stack_level, None)
}

/// [`warn`] about an object (`source`, as CPython's `PyErr_ResourceWarning` and
/// `_PyErr_WarnFormat(source, ...)`): `warnings` is imported to show it, so that
/// its allocation traceback can be shown when tracemalloc traces it.
///
/// # Errors
/// As [`warn`].
pub fn warn_with_source(
    category: &PyType,
    message: &str,
    stack_level: isize,
    source: &PyObj,
) -> PyResult<()> {
    do_warn(
        &pystr::new(message),
        &category.to_obj(),
        stack_level,
        Some(source),
    )
}

/// Line `lineno` of the source the module loader of `module_globals` gives
/// (`get_source_line`): `module_globals["__loader__"].get_source(__name__)`, split at
/// line boundaries. `None` when the globals have no loader or name, the loader no
/// `get_source`, or it returns `None`.
///
/// # Errors
/// What `get_source` raises; `TypeError` when it returns something else than a
/// str; `IndexError` when the source has no such line.
pub fn source_line_from_loader(module_globals: &PyObj, lineno: i64) -> PyResult<Option<PyObj>> {
    let Some(loader) = dict::get_item_str(module_globals, "__loader__") else {
        return Ok(None);
    };
    let Some(name) = dict::get_item_str(module_globals, "__name__") else {
        return Ok(None);
    };
    let Some(get_source) = ab::getattr_opt(&loader, &pystr::intern("get_source"))? else {
        return Ok(None);
    };
    let source = ab::call1(&get_source, name)?;
    if singletons::is_none(&source) {
        return Ok(None);
    }
    if !pystr::is_str(&source) {
        return Err(exc::type_error(format!(
            "must be str, not {}",
            source.ty().name()
        )));
    }
    // The str's own line splitting, not a `splitlines` method a subclass defines.
    let lines = strand_objects::str_methods::splitlines(pystr::as_str(&source), false);
    let line = usize::try_from(lineno - 1)
        .ok()
        .and_then(|i| lines.get(i))
        .ok_or_else(|| exc::index_error("list index out of range"))?;
    Ok(Some(pystr::new(line)))
}
