//! Imports and the native modules written so far (`sys`, `math`, `time`).
//!
//! `import a.b.c` (Python/import.c): each dotted prefix is found in `sys.modules`, or
//! created by a native module factory, or loaded from `NAME.py` / `NAME/__init__.py`
//! in the directories of `sys.path` (the script's directory first). A module is
//! registered in `sys.modules` before its code runs, so circular imports see the
//! partly initialised module, as in CPython; a failed import removes it again.
//! Relative imports (`from . import x`) resolve against the importing module's
//! `__package__`/`__name__`.

use std::sync::OnceLock;

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{new_builtin_function, set_builtin_module, NativeFn};
use strand_objects::exceptions::{self as exc, value_error};
use strand_objects::{
    dict, float, int, list, module, singletons, str as pystr, tuple, PyObj, PyResult,
};

struct Registry {
    /// `sys.modules` (leaked: lives for the process).
    modules: usize,
    sys: usize,
}

static REGISTRY: OnceLock<Registry> = OnceLock::new();

fn revive(addr: usize) -> PyObj {
    // SAFETY: the address was leaked below and stays allocated for the process.
    unsafe {
        PyObj::from_borrowed(
            strand_heap::ObjPtr::from_raw(addr as *mut strand_heap::ObjectHeader)
                .expect("non-null"),
        )
    }
}

fn leak(o: PyObj) -> usize {
    let a = o.addr();
    std::mem::forget(o);
    a
}

fn registry() -> &'static Registry {
    REGISTRY.get_or_init(|| {
        let modules = dict::new();
        let sys = make_sys(&modules);
        dict::set_item_str(&modules, "sys", sys.clone());
        dict::set_item_str(&modules, "builtins", crate::builtins::builtins_module());
        Registry {
            modules: leak(modules),
            sys: leak(sys),
        }
    })
}

/// `sys.modules`.
pub fn sys_modules() -> PyObj {
    revive(registry().modules)
}

/// The `sys` module.
pub fn sys_module() -> PyObj {
    revive(registry().sys)
}

/// Sets `sys.argv` and puts the script's directory first on `sys.path`.
pub fn set_argv(argv: &[String], script_dir: Option<&str>) {
    let sys = module::module_dict(&sys_module());
    dict::set_item_str(
        &sys,
        "argv",
        list::new(argv.iter().map(|a| pystr::new(a)).collect()),
    );
    if let Some(dir) = script_dir {
        if let Some(path) = dict::get_item_str(&sys, "path") {
            list::insert(&path, 0, pystr::new(dir));
        }
    }
}

/// Adds native functions to module `m` (their `__module__` is `module_name`).
pub(crate) fn add_functions(
    m: &PyObj,
    module_name: &'static str,
    funcs: &[(&'static str, NativeFn)],
) {
    let d = module::module_dict(m);
    for (name, f) in funcs {
        let o = new_builtin_function(name, *f, None);
        set_builtin_module(&o, pystr::intern(module_name));
        // SAFETY: fresh and not yet visible to other threads. A native module's
        // functions live as long as the process (like CPython's static method
        // tables); immortal, they cost threads no reference counting.
        unsafe { strand_objects::alloc::make_immortal(&o) };
        dict::set_item_str(&d, name, o);
    }
}

fn make_sys(modules: &PyObj) -> PyObj {
    let m = module::new_module("sys");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "modules", modules.clone());
    dict::set_item_str(&d, "argv", list::new(Vec::new()));
    let path: Vec<PyObj> = std::env::var("PYTHONPATH")
        .ok()
        .map(|p| {
            p.split(':')
                .filter(|s| !s.is_empty())
                .map(pystr::new)
                .collect()
        })
        .unwrap_or_default();
    dict::set_item_str(&d, "path", list::new(path));
    dict::set_item_str(&d, "maxsize", int::from_i64(i64::MAX));
    let (stdin, stdout, stderr) = crate::io::std_files();
    for (name, f) in [
        ("stdin", &stdin),
        ("stdout", &stdout),
        ("stderr", &stderr),
        ("__stdin__", &stdin),
        ("__stdout__", &stdout),
        ("__stderr__", &stderr),
    ] {
        dict::set_item_str(&d, name, f.clone());
    }
    dict::set_item_str(&d, "platform", pystr::new(std::env::consts::OS));
    dict::set_item_str(
        &d,
        "byteorder",
        pystr::new(if cfg!(target_endian = "little") {
            "little"
        } else {
            "big"
        }),
    );
    dict::set_item_str(
        &d,
        "version",
        pystr::new(&format!("3.11.0 (strand {})", env!("CARGO_PKG_VERSION"))),
    );
    let structseq = |name: &str, fields: &[&'static str], values: Vec<PyObj>| {
        let ty = strand_objects::structseq::new_type("sys", name, fields)
            .expect("struct sequence types have valid names");
        let v = strand_objects::structseq::new_instance(&ty, values)
            .expect("struct sequence of the right length");
        dict::set_item_str(&d, name, v);
    };
    structseq(
        "version_info",
        &["major", "minor", "micro", "releaselevel", "serial"],
        vec![
            int::from_i64(3),
            int::from_i64(11),
            int::from_i64(0),
            pystr::new("final"),
            int::from_i64(0),
        ],
    );
    structseq(
        "float_info",
        &[
            "max",
            "max_exp",
            "max_10_exp",
            "min",
            "min_exp",
            "min_10_exp",
            "dig",
            "mant_dig",
            "epsilon",
            "radix",
            "rounds",
        ],
        vec![
            float::from_f64(f64::MAX),
            int::from_i64(i64::from(f64::MAX_EXP)),
            int::from_i64(i64::from(f64::MAX_10_EXP)),
            float::from_f64(f64::MIN_POSITIVE),
            int::from_i64(i64::from(f64::MIN_EXP)),
            int::from_i64(i64::from(f64::MIN_10_EXP)),
            int::from_i64(i64::from(f64::DIGITS)),
            int::from_i64(i64::from(f64::MANTISSA_DIGITS)),
            float::from_f64(f64::EPSILON),
            int::from_i64(i64::from(f64::RADIX)),
            int::from_i64(1),
        ],
    );
    // The int layout CPython reports (30-bit digits); strand's ints are machine words
    // and bigints, but programs read these as CPython's constants.
    structseq(
        "int_info",
        &[
            "bits_per_digit",
            "sizeof_digit",
            "default_max_str_digits",
            "str_digits_check_threshold",
        ],
        vec![
            int::from_i64(30),
            int::from_i64(4),
            int::from_i64(4300),
            int::from_i64(640),
        ],
    );
    structseq(
        "hash_info",
        &[
            "width",
            "modulus",
            "inf",
            "nan",
            "imag",
            "algorithm",
            "hash_bits",
            "seed_bits",
            "cutoff",
        ],
        vec![
            int::from_i64(64),
            int::from_i64((1 << 61) - 1),
            int::from_i64(314_159),
            int::from_i64(0),
            int::from_i64(1_000_003),
            pystr::new("siphash13"),
            int::from_i64(64),
            int::from_i64(128),
            int::from_i64(0),
        ],
    );
    dict::set_item_str(
        &d,
        "executable",
        pystr::new(
            &std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        ),
    );
    add_functions(
        &m,
        "sys",
        &[
            ("exit", |a, k| {
                Args::new(a, k).range("exit", 0, 1)?;
                // As PyErr_SetObject: a tuple argument becomes the exception's args.
                let args = match a.first() {
                    Some(t) if tuple::is_tuple(t) => tuple::items(t).to_vec(),
                    Some(c) => vec![c.clone()],
                    None => Vec::new(),
                };
                Err(strand_objects::PyErr::with_args(
                    &exc::SYSTEM_EXIT_TYPE,
                    args,
                ))
            }),
            ("getrecursionlimit", |a, k| {
                Args::new(a, k).exact("getrecursionlimit", 0)?;
                Ok(int::from_i64(i64::from(ab::recursion_limit())))
            }),
            ("setrecursionlimit", |a, k| {
                Args::new(a, k).exact("setrecursionlimit", 1)?;
                let n = int::to_isize(&ab::index(&a[0])?)?;
                if n < 1 {
                    return Err(value_error(
                        "recursion limit must be greater or equal than 1",
                    ));
                }
                ab::set_recursion_limit(n.min(u32::MAX as isize) as u32);
                Ok(singletons::none())
            }),
            ("getrefcount", |a, k| {
                Args::new(a, k).exact("getrefcount", 1)?;
                // SAFETY: the argument is alive.
                let n = unsafe { strand_heap::refcount::refcount(a[0].as_ptr()) };
                Ok(int::from_i64(n as i64))
            }),
            ("_print_thread_exception", |a, k| {
                Args::new(a, k).exact("_print_thread_exception", 2)?;
                let name = ab::str_string(&a[0])?;
                let e = strand_objects::PyErr::from_value(a[1].clone());
                let text = format!(
                    "Exception in thread {name}:\n{}",
                    crate::format_exception(&e)
                );
                crate::builtins::write_stderr(&text);
                Ok(singletons::none())
            }),
            ("get_int_max_str_digits", |a, k| {
                Args::new(a, k).exact("get_int_max_str_digits", 0)?;
                Ok(int::from_usize(
                    strand_objects::int::MAX_STR_DIGITS.load(std::sync::atomic::Ordering::Relaxed),
                ))
            }),
            ("set_int_max_str_digits", |a, k| {
                let b = Args::new(a, k).bind("set_int_max_str_digits", 0, &["maxdigits"], 1)?;
                let n = int::to_isize(&ab::index(b[0].expect("required"))?)?;
                if n != 0 && n < 640 {
                    return Err(value_error("maxdigits must be 0 or larger than 640"));
                }
                strand_objects::int::MAX_STR_DIGITS
                    .store(n as usize, std::sync::atomic::Ordering::Relaxed);
                Ok(singletons::none())
            }),
            ("intern", |a, k| {
                Args::new(a, k).exact("intern", 1)?;
                if !a[0].is_exact(&pystr::STR_TYPE) {
                    return Err(exc::type_error(format!(
                        "intern() argument must be str, not {}",
                        a[0].ty().name()
                    )));
                }
                Ok(pystr::intern(pystr::as_str(&a[0])))
            }),
            ("getsizeof", |a, k| {
                let b = Args::new(a, k).bind("getsizeof", 0, &["object", "default"], 1)?;
                let o = b[0].expect("required");
                match ab::call_method(o, "__sizeof__", &[]) {
                    Ok(n) => {
                        let n = int::to_isize(&ab::index(&n)?)?;
                        if n < 0 {
                            return Err(value_error("__sizeof__() should return >= 0"));
                        }
                        // CPython adds the GC header of tracked objects.
                        let gc = if o.ty().vtable.kind.is_gc() { 16 } else { 0 };
                        Ok(int::from_i64(n as i64 + gc))
                    }
                    Err(e) => match b[1] {
                        Some(d) => Ok(d.clone()),
                        None => Err(e),
                    },
                }
            }),
            ("excepthook", |a, k| {
                Args::new(a, k).exact("excepthook", 3)?;
                if !exc::is_exception_instance(&a[1]) {
                    return Err(exc::type_error("excepthook: exception expected"));
                }
                let e = strand_objects::PyErr::from_value(a[1].clone());
                crate::builtins::write_stderr(&crate::format_exception(&e));
                Ok(singletons::none())
            }),
            ("displayhook", |a, k| {
                Args::new(a, k).exact("displayhook", 1)?;
                display_value(&a[0])
            }),
            ("_is_gil_enabled", |a, k| {
                Args::new(a, k).exact("_is_gil_enabled", 0)?;
                Ok(int::bool_obj(false))
            }),
            ("exc_info", |a, k| {
                Args::new(a, k).exact("exc_info", 0)?;
                Ok(match crate::eval::current_exception() {
                    Some(e) => {
                        let tb = exc::payload(&e)
                            .state()
                            .traceback
                            .clone()
                            .unwrap_or_else(singletons::none);
                        tuple::from_vec(vec![e.ty().to_obj(), e, tb])
                    }
                    None => tuple::from_vec(vec![
                        singletons::none(),
                        singletons::none(),
                        singletons::none(),
                    ]),
                })
            }),
        ],
    );
    if let Some(h) = dict::get_item_str(&d, "excepthook") {
        dict::set_item_str(&d, "__excepthook__", h);
    }
    if let Some(hook) = dict::get_item_str(&d, "displayhook") {
        dict::set_item_str(&d, "__displayhook__", hook);
    }
    m
}

/// `sys.displayhook`: prints `repr(value)` to `sys.stdout` and keeps the value in
/// `builtins._` (None is not printed).
fn display_value(value: &PyObj) -> PyResult<PyObj> {
    if singletons::is_none(value) {
        return Ok(singletons::none());
    }
    let builtins = crate::builtins::builtins_dict();
    dict::set_item_str(&builtins, "_", singletons::none());
    let text = ab::repr(value)?;
    let print = dict::get_item_str(&builtins, "print")
        .ok_or_else(|| exc::runtime_error("lost builtins.print"))?;
    ab::call1(&print, text)?;
    dict::set_item_str(&builtins, "_", value.clone());
    Ok(singletons::none())
}

fn native(name: &str) -> Option<PyObj> {
    match name {
        "math" => Some(crate::math::make_module()),
        "time" => Some(crate::time::make_module()),
        "_thread" => Some(crate::thread::make_module()),
        "_random" => Some(crate::random::make_module()),
        "gc" => Some(make_gc()),
        "_io" => Some(crate::io::make_module()),
        "posix" => Some(crate::os::make_module()),
        "array" => Some(crate::array::make_module()),
        "atexit" => Some(crate::atexit::make_module()),
        "_weakref" => Some(make_weakref()),
        "_itertools" => {
            // The native part of itertools (the rest is lib/itertools.py).
            let m = module::new_module("_itertools");
            let count = strand_objects::count::COUNT_TYPE.to_obj();
            dict::set_item_str(&module::module_dict(&m), "count", count);
            Some(m)
        }
        _ => None,
    }
}

/// The `_weakref` module: `ref` and the weak-reference counts of an object
/// (`weakref.py` builds the containers, `proxy` and `finalize` on it).
fn make_weakref() -> PyObj {
    use strand_objects::weakref as wr;
    let m = module::new_module("_weakref");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "ref", wr::WEAKREF_TYPE.to_obj());
    dict::set_item_str(&d, "ReferenceType", wr::WEAKREF_TYPE.to_obj());
    add_functions(
        &m,
        "_weakref",
        &[
            ("getweakrefcount", |a, k| {
                Args::new(a, k).exact("getweakrefcount", 1)?;
                Ok(int::from_usize(wr::weakref_count(&a[0])))
            }),
            ("getweakrefs", |a, k| {
                Args::new(a, k).exact("getweakrefs", 1)?;
                Ok(list::new(wr::weakrefs_of(&a[0])))
            }),
        ],
    );
    m
}

/// Modules written in Python and compiled into the binary (CPython's frozen
/// modules): `(name, source, is_package)`.
const FROZEN: &[(&str, &str, bool)] = &[
    ("threading", include_str!("../lib/threading.py"), false),
    ("queue", include_str!("../lib/queue.py"), false),
    ("collections", include_str!("../lib/collections.py"), false),
    ("functools", include_str!("../lib/functools.py"), false),
    ("itertools", include_str!("../lib/itertools.py"), false),
    ("operator", include_str!("../lib/operator.py"), false),
    ("random", include_str!("../lib/random.py"), false),
    ("keyword", include_str!("../lib/keyword.py"), false),
    ("heapq", include_str!("../lib/heapq.py"), false),
    ("io", include_str!("../lib/io.py"), false),
    ("os", include_str!("../lib/os.py"), false),
    ("posixpath", include_str!("../lib/posixpath.py"), false),
    ("weakref", include_str!("../lib/weakref.py"), false),
];

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
    match dict::get_item_str(&sys_modules(), top) {
        Some(m) => Ok(m),
        None => Ok(module),
    }
}

fn import_one(name: &str, parent: Option<&PyObj>) -> PyResult<PyObj> {
    let modules = sys_modules();
    if let Some(m) = dict::get_item_str(&modules, name) {
        return Ok(m);
    }
    if let Some(m) = native(name) {
        dict::set_item_str(&modules, name, m.clone());
        return Ok(m);
    }
    if let Some((_, src, is_pkg)) = FROZEN.iter().find(|(n, _, _)| *n == name) {
        return load_text(name, src, &format!("<frozen {name}>"), *is_pkg, None);
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
    let last = name.rsplit('.').next().unwrap_or(name);
    let search: Vec<String> = match parent {
        Some(p) => match dict::get_item_str(&module::module_dict(p), "__path__") {
            Some(path) => ab::collect_iter(&path)?
                .iter()
                .map(|x| ab::str_string(x).unwrap_or_default())
                .collect(),
            None => return Err(not_found(name)),
        },
        None => {
            let sys = module::module_dict(&sys_module());
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

fn not_found(name: &str) -> strand_objects::PyErr {
    let e = exc::module_not_found_error(format!("No module named '{name}'"));
    let _ = ab::setattr(e.value(), &pystr::intern("name"), &pystr::new(name));
    e
}

fn load_source(name: &str, path: &std::path::Path, is_pkg: bool) -> PyResult<PyObj> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| exc::from_io_error(&e, Some(pystr::new(&path.display().to_string()))))?;
    let filename = std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string();
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
    let code = crate::compile::compile_module(source, filename)
        .map_err(|e| crate::syntax_error(&e, source, filename))?;
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
    crate::register_source(filename, source);
    let modules = sys_modules();
    dict::set_item_str(&modules, name, m.clone());
    let code_obj = crate::eval::load_code(&code);
    if let Err(e) = crate::eval::run_code(&code_obj, &d) {
        let _ = dict::del_item(&modules, &pystr::new(name));
        return Err(e);
    }
    // The module may have replaced itself in sys.modules.
    Ok(dict::get_item_str(&modules, name).unwrap_or(m))
}

/// The `gc.callbacks` list (leaked: lives for the process), read by the collector's
/// callback.
static GC_CALLBACKS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn gc_info(phase: strand_gc::Phase, stats: &strand_gc::CollectionStats) {
    let addr = GC_CALLBACKS.load(std::sync::atomic::Ordering::Acquire);
    if addr == 0 {
        return;
    }
    let callbacks = revive(addr);
    if list::len(&callbacks) == 0 {
        return;
    }
    let phase = pystr::new(match phase {
        strand_gc::Phase::Start => "start",
        strand_gc::Phase::Stop => "stop",
    });
    let info = dict::new();
    dict::set_item_str(&info, "generation", int::from_i64(2));
    dict::set_item_str(
        &info,
        "collected",
        int::from_usize(stats.collected.saturating_sub(stats.hidden)),
    );
    dict::set_item_str(&info, "uncollectable", int::from_usize(stats.uncollectable));
    for cb in list::to_vec(&callbacks) {
        if let Err(e) = ab::call(&cb, &[phase.clone(), info.clone()], None) {
            strand_objects::unraisable::write(
                &e,
                Some("Exception ignored in garbage collector callback"),
            );
        }
    }
}

/// `gc.is_tracked(o)` as CPython answers it: GC objects are tracked, except dicts
/// holding only atomic keys and values (CPython untracks those until a container goes
/// in). `top` is false for a dict's contents, where tuples of atomic values count as
/// atomic too.
fn may_be_tracked(o: &PyObj, top: bool) -> bool {
    if !o.ty().vtable.kind.is_gc() {
        return false;
    }
    if o.is_exact(&dict::DICT_TYPE) {
        return dict::items(o)
            .iter()
            .any(|(k, v)| may_be_tracked(k, false) || may_be_tracked(v, false));
    }
    if !top && o.is_exact(&tuple::TUPLE_TYPE) {
        return tuple::items(o).iter().any(|x| may_be_tracked(x, false));
    }
    true
}

fn make_gc() -> PyObj {
    let m = module::new_module("gc");
    let d = module::module_dict(&m);
    static CALLBACKS: OnceLock<usize> = OnceLock::new();
    let cbs = *CALLBACKS.get_or_init(|| {
        let l = list::new(Vec::new());
        let addr = leak(l);
        GC_CALLBACKS.store(addr, std::sync::atomic::Ordering::Release);
        strand_gc::add_callback(std::sync::Arc::new(gc_info));
        addr
    });
    dict::set_item_str(&d, "callbacks", revive(cbs));
    dict::set_item_str(&d, "DEBUG_STATS", int::from_i64(1));
    add_functions(
        &m,
        "gc",
        &[
            ("collect", |a, k| {
                let b = Args::new(a, k).bind("collect", 0, &["generation"], 0)?;
                if let Some(g) = b[0] {
                    let g = int::to_isize(&ab::index(g)?)?;
                    if !(0..=2).contains(&g) {
                        return Err(value_error("invalid generation"));
                    }
                }
                // Not generational: every collection is a full one.
                let s = strand_gc::collect();
                Ok(int::from_usize(s.unreachable - s.hidden))
            }),
            ("enable", |a, k| {
                Args::new(a, k).exact("enable", 0)?;
                strand_gc::enable();
                Ok(singletons::none())
            }),
            ("disable", |a, k| {
                Args::new(a, k).exact("disable", 0)?;
                strand_gc::disable();
                Ok(singletons::none())
            }),
            ("isenabled", |a, k| {
                Args::new(a, k).exact("isenabled", 0)?;
                Ok(int::bool_obj(strand_gc::is_enabled()))
            }),
            ("get_threshold", |a, k| {
                Args::new(a, k).exact("get_threshold", 0)?;
                Ok(tuple::from_vec(vec![
                    int::from_usize(strand_gc::threshold()),
                    int::from_i64(10),
                    int::from_i64(10),
                ]))
            }),
            ("set_threshold", |a, k| {
                Args::new(a, k).range("set_threshold", 1, 3)?;
                let t = int::to_isize(&ab::index(&a[0])?)?;
                strand_gc::set_threshold(t.max(0) as usize);
                if t == 0 {
                    strand_gc::disable();
                }
                Ok(singletons::none())
            }),
            ("get_count", |a, k| {
                Args::new(a, k).exact("get_count", 0)?;
                Ok(tuple::from_vec(vec![
                    int::from_i64(strand_gc::count().max(0) as i64),
                    int::from_i64(0),
                    int::from_i64(0),
                ]))
            }),
            ("get_stats", |a, k| {
                Args::new(a, k).exact("get_stats", 0)?;
                let s = strand_gc::stats();
                let mk = |c: u64, col: u64, unc: u64| {
                    let d = dict::new();
                    dict::set_item_str(&d, "collections", int::from_i128(i128::from(c)));
                    dict::set_item_str(&d, "collected", int::from_i128(i128::from(col)));
                    dict::set_item_str(&d, "uncollectable", int::from_i128(i128::from(unc)));
                    d
                };
                // strand's collector is not generational: every collection is full.
                Ok(list::new(vec![
                    mk(0, 0, 0),
                    mk(0, 0, 0),
                    mk(
                        s.collections,
                        s.collected.saturating_sub(s.hidden),
                        s.uncollectable,
                    ),
                ]))
            }),
            ("is_tracked", |a, k| {
                Args::new(a, k).exact("is_tracked", 1)?;
                Ok(int::bool_obj(may_be_tracked(&a[0], true)))
            }),
        ],
    );
    m
}
