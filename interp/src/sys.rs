//! The `sys` module (Python/sysmodule.c): the interpreter's own attributes
//! (`modules`, `path`, `argv`, `version_info`, `float_info`, `maxsize`, ...) and
//! functions (`exit`, `getrecursionlimit`, `exc_info`, `intern`, `getsizeof`,
//! `excepthook`, `displayhook`, ...).
//!
//! The standard streams (`sys.stdin`, `sys.stdout`, `sys.stderr`) are not made here:
//! the io implementation creates them and sets them when the standard library is
//! installed, as CPython's start-up does (`init_sys_streams`).

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, value_error};
use strand_objects::{
    dict, float, int, list, module, singletons, str as pystr, tuple, PyObj, PyResult,
};

use crate::native_module::add_functions;
use crate::state;

/// Sets `sys.argv` and puts the script's directory first on `sys.path`.
pub fn set_argv(argv: &[String], script_dir: Option<&str>) {
    let sys = module::module_dict(&state::sys_module());
    dict::set_item_str(
        &sys,
        "argv",
        list::new(argv.iter().map(|a| pystr::new(a)).collect()),
    );
    if let Some(dir) = script_dir {
        if let Some(path) = dict::get_item_str(&sys, "path") {
            let _ = list::insert(&path, 0, pystr::new(dir));
        }
    }
}

/// The start-up settings `sys.flags` reports and the command line sets (CPython's
/// `PyConfig` fields behind `sys.flags`, Python/sysmodule.c `make_flags`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// `-i`.
    pub inspect: bool,
    /// The interactive prompt runs (no program given, stdin a terminal).
    pub interactive: bool,
    /// `-O` (1) / `-OO` (2): asserts and `__debug__` blocks compiled out; with 2,
    /// docstrings too.
    pub optimize: u8,
    /// `-B`.
    pub dont_write_bytecode: bool,
    /// `-s`.
    pub no_user_site: bool,
    /// `-S`.
    pub no_site: bool,
    /// `-E` (and `-I`): `PYTHON*` environment variables are ignored.
    pub ignore_environment: bool,
    /// `-v` (count).
    pub verbose: u8,
    /// `-q`.
    pub quiet: bool,
    /// `-I`.
    pub isolated: bool,
    /// `-P` or `-I`: the script's directory is not put on `sys.path`.
    pub safe_path: bool,
    /// `-b` (count).
    pub bytes_warning: u8,
    /// `-X dev`.
    pub dev_mode: bool,
    /// `-X warn_default_encoding`.
    pub warn_default_encoding: bool,
    /// `-X pycache_prefix=PATH`: where the bytecode cache goes (before
    /// `PYTHONPYCACHEPREFIX`).
    pub pycache_prefix: Option<String>,
}

/// Records the command line's settings in `sys`: `flags`, `warnoptions` (the `-W`
/// options, in order), `orig_argv` (the command line as given), `__debug__`'s
/// compile-time value, `dont_write_bytecode` (`-B`) and `pycache_prefix`
/// (`-X pycache_prefix`, `PYTHONPYCACHEPREFIX`); `-O` applies to everything compiled
/// from now on.
pub fn configure(flags: &Flags, warnoptions: &[String], orig_argv: &[String]) {
    let d = module::module_dict(&state::sys_module());
    let b = |v: bool| int::from_i64(i64::from(v));
    let values = vec![
        int::from_i64(0),
        b(flags.inspect),
        b(flags.interactive),
        int::from_i64(i64::from(flags.optimize)),
        b(flags.dont_write_bytecode),
        b(flags.no_user_site),
        b(flags.no_site),
        b(flags.ignore_environment),
        int::from_i64(i64::from(flags.verbose)),
        int::from_i64(i64::from(flags.bytes_warning)),
        b(flags.quiet),
        // str and bytes hashes are seeded per process, as CPython's default.
        int::from_i64(1),
        b(flags.isolated),
        int::bool_obj(flags.dev_mode),
        int::from_i64(0),
        b(flags.warn_default_encoding),
        int::bool_obj(flags.safe_path),
        int::from_i64(-1),
    ];
    if let Ok(v) = strand_objects::structseq::new_instance(&flags_type(), values) {
        dict::set_item_str(&d, "flags", v);
    }
    dict::set_item_str(
        &d,
        "warnoptions",
        list::new(warnoptions.iter().map(|w| pystr::new(w)).collect()),
    );
    dict::set_item_str(
        &d,
        "orig_argv",
        list::new(orig_argv.iter().map(|a| pystr::new(a)).collect()),
    );
    strand_compiler::OPTIMIZE.store(flags.optimize, std::sync::atomic::Ordering::Relaxed);
    dict::set_item_str(
        &d,
        "dont_write_bytecode",
        int::bool_obj(flags.dont_write_bytecode),
    );
    // `-X pycache_prefix=PATH`, else `PYTHONPYCACHEPREFIX`: cache files go to a tree
    // of their own (CPython's `config->pycache_prefix`).
    let env_prefix = (!flags.ignore_environment)
        .then(|| std::env::var("PYTHONPYCACHEPREFIX").ok())
        .flatten()
        .filter(|p| !p.is_empty());
    if let Some(p) = flags.pycache_prefix.clone().or(env_prefix) {
        dict::set_item_str(&d, "pycache_prefix", pystr::new(&p));
    }
    if flags.ignore_environment {
        // `PYTHONPATH` does not count.
        let lib = stdlib_dir().ok();
        let path = lib
            .iter()
            .map(|l| pystr::new(&l.display().to_string()))
            .collect();
        dict::set_item_str(&d, "path", list::new(path));
    }
    dict::set_item_str(
        &state::builtins_dict(),
        "__debug__",
        int::bool_obj(flags.optimize == 0),
    );
}

/// The directories of `PYTHONPATH`, in order.
fn pythonpath() -> Vec<String> {
    std::env::var("PYTHONPATH")
        .ok()
        .map(|p| {
            p.split(':')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// CPython 3.11's pure-Python standard library, which strand imports what it does not
/// implement natively from (after its native and frozen modules, `PYTHONPATH` and the
/// script's directory): `STRAND_STDLIB` if set, else the `Lib` of the `python3` strand
/// was built with.
///
/// # Errors
/// A message for the user when the directory is missing or is not 3.11's (it must
/// have `tomllib/`, new in 3.11, and `imp.py`, gone in 3.12).
pub fn stdlib_dir() -> Result<std::path::PathBuf, String> {
    static FOUND: std::sync::OnceLock<Result<std::path::PathBuf, String>> =
        std::sync::OnceLock::new();
    FOUND
        .get_or_init(|| {
            let (dir, from) = match std::env::var("STRAND_STDLIB") {
                Ok(d) if !d.is_empty() => (d, "STRAND_STDLIB"),
                _ => (
                    env!("STRAND_BUILD_STDLIB").to_string(),
                    "the python3 strand was built with",
                ),
            };
            if dir.is_empty() {
                return Err(
                    "no CPython 3.11 standard library: strand was built without \
                     python3; set STRAND_STDLIB to the directory of CPython 3.11's Lib"
                        .to_string(),
                );
            }
            let p = std::path::PathBuf::from(&dir);
            if !p.join("os.py").is_file() {
                return Err(format!(
                    "no CPython standard library at {dir} (from {from}): set STRAND_STDLIB \
                     to the directory of CPython 3.11's Lib"
                ));
            }
            if !p.join("tomllib").is_dir() || !p.join("imp.py").is_file() {
                return Err(format!(
                    "the standard library at {dir} (from {from}) is not CPython 3.11's: set \
                     STRAND_STDLIB to the directory of CPython 3.11's Lib"
                ));
            }
            Ok(p)
        })
        .clone()
}

/// The `sys.flags` type (made once).
fn flags_type() -> PyObj {
    static TY: std::sync::OnceLock<PyObj> = std::sync::OnceLock::new();
    TY.get_or_init(|| {
        let fields = [
            "debug",
            "inspect",
            "interactive",
            "optimize",
            "dont_write_bytecode",
            "no_user_site",
            "no_site",
            "ignore_environment",
            "verbose",
            "bytes_warning",
            "quiet",
            "hash_randomization",
            "isolated",
            "dev_mode",
            "utf8_mode",
            "warn_default_encoding",
            "safe_path",
            "int_max_str_digits",
        ];
        let ty = strand_objects::structseq::new_type("sys", "flags", &fields)
            .expect("sys.flags has valid field names");
        // SAFETY: made once and kept for the life of the process.
        unsafe { strand_objects::alloc::make_immortal(&ty) };
        ty
    })
    .clone()
}

/// `sys.builtin_module_names`: `sys`, `builtins` and every native module, sorted
/// (set when the standard library registers its native modules).
pub fn set_builtin_module_names(names: &[&str]) {
    let mut all: Vec<&str> = names.to_vec();
    all.extend(["sys", "builtins"]);
    all.sort_unstable();
    all.dedup();
    let d = module::module_dict(&state::sys_module());
    dict::set_item_str(
        &d,
        "builtin_module_names",
        tuple::from_vec(all.into_iter().map(pystr::intern).collect()),
    );
}

/// Whether the interpreter is shutting down (`sys.is_finalizing()`).
static FINALIZING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Marks the interpreter as shutting down: `sys.is_finalizing()` is true from now on.
pub fn set_finalizing() {
    FINALIZING.store(true, std::sync::atomic::Ordering::Release);
}

/// Whether the interpreter is shutting down ([`set_finalizing`] was called).
pub fn is_finalizing() -> bool {
    FINALIZING.load(std::sync::atomic::Ordering::Acquire)
}

/// The audit hooks added by `sys.addaudithook`, oldest first (PEP 578).
static AUDIT_HOOKS: std::sync::Mutex<Vec<PyObj>> = std::sync::Mutex::new(Vec::new());

/// Raises the audit event `event` with `args` (for the runtime's own events, such as
/// `builtins.breakpoint`).
///
/// # Errors
/// The first exception an audit hook raises.
pub(crate) fn audit_event(event: &str, args: Vec<PyObj>) -> PyResult<()> {
    audit(&pystr::new(event), args)
}

/// `sys.audit(event, *args)`: calls every audit hook with the event name and the
/// arguments as a tuple; the first exception a hook raises propagates. strand raises
/// no events of its own yet: only those of `sys.audit` calls.
fn audit(event: &PyObj, args: Vec<PyObj>) -> PyResult<()> {
    let hooks = AUDIT_HOOKS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if hooks.is_empty() {
        return Ok(());
    }
    let args = tuple::from_vec(args);
    for h in hooks {
        ab::call(&h, &[event.clone(), args.clone()], None)?;
    }
    Ok(())
}

/// `sys.breakpointhook(*args, **kws)`, what `breakpoint()` calls by default
/// (CPython's `sys_breakpointhook`): `PYTHONBREAKPOINT` names the callable to call
/// with the arguments, `pdb.set_trace` when it is unset or empty (or the
/// environment is ignored), and `0` turns breakpoints off. A name whose module
/// cannot be imported, or that the module lacks, gives a `RuntimeWarning` and
/// returns None.
///
/// # Errors
/// Whatever the hook raises, and errors other than `ImportError` and
/// `AttributeError` from finding it.
fn breakpointhook(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ignore_env = dict::get_item_str(&module::module_dict(&state::sys_module()), "flags")
        .and_then(|f| ab::getattr(&f, &pystr::new("ignore_environment")).ok())
        .is_some_and(|v| ab::is_true(&v).unwrap_or(false));
    let env = if ignore_env {
        None
    } else {
        std::env::var("PYTHONBREAKPOINT").ok()
    };
    let target = match env.as_deref() {
        None | Some("") => "pdb.set_trace".to_string(),
        Some("0") => return Ok(singletons::none()),
        Some(t) => t.to_string(),
    };
    let hook = match target.rfind('.') {
        Some(0) => None,
        Some(dot) => Some((&target[..dot], &target[dot + 1..])),
        None => Some(("builtins", target.as_str())),
    };
    let found = match hook {
        None => None,
        Some((module, attr)) => match crate::import::import_by_name(module) {
            Ok(m) => match ab::getattr(&m, &pystr::new(attr)) {
                Ok(h) => Some(h),
                Err(e) if e.is_instance(&exc::ATTRIBUTE_ERROR_TYPE) => None,
                Err(e) => return Err(e),
            },
            Err(e) if e.is_instance(&exc::IMPORT_ERROR_TYPE) => None,
            Err(e) => return Err(e),
        },
    };
    match found {
        Some(h) => ab::call(&h, a, k),
        None => {
            crate::warnings::warn(
                &exc::RUNTIME_WARNING_TYPE,
                &format!("Ignoring unimportable $PYTHONBREAKPOINT: \"{target}\""),
                0,
            )?;
            Ok(singletons::none())
        }
    }
}

/// Checks the arguments of a module function that takes `n` positional arguments
/// (0 or 1), with CPython's messages for `METH_NOARGS` and `METH_O` functions.
fn positional_only(a: &[PyObj], k: Option<&PyObj>, name: &str, n: usize) -> PyResult<()> {
    if k.is_some_and(|k| !tuple::items(k).is_empty()) {
        return Err(exc::type_error(format!(
            "{name}() takes no keyword arguments"
        )));
    }
    if a.len() != n {
        let want = if n == 0 {
            "no arguments".to_string()
        } else {
            "exactly one argument".to_string()
        };
        return Err(exc::type_error(format!(
            "{name}() takes {want} ({} given)",
            a.len()
        )));
    }
    Ok(())
}

/// Sets `sys.stdin`, `sys.stdout` and `sys.stderr` and their originals
/// (`sys.__stdin__`, ...): the io implementation calls this at start-up.
pub fn set_std_streams(stdin: &PyObj, stdout: &PyObj, stderr: &PyObj) {
    let d = module::module_dict(&state::sys_module());
    for (name, f) in [
        ("stdin", stdin),
        ("stdout", stdout),
        ("stderr", stderr),
        ("__stdin__", stdin),
        ("__stdout__", stdout),
        ("__stderr__", stderr),
    ] {
        dict::set_item_str(&d, name, f.clone());
    }
}

/// The `sys` module, with `sys.modules` set to `modules`.
pub(crate) fn make_module(modules: &PyObj) -> PyObj {
    let m = module::new_native_module("sys");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "modules", modules.clone());
    dict::set_item_str(&d, "argv", list::new(Vec::new()));
    let mut path: Vec<PyObj> = pythonpath().iter().map(|p| pystr::new(p)).collect();
    let lib = stdlib_dir().ok();
    path.extend(lib.iter().map(|l| pystr::new(&l.display().to_string())));
    dict::set_item_str(&d, "path", list::new(path));
    // Where `FrozenImporter` finds the files of frozen modules (CPython's
    // `config->stdlib_dir`; None when there is no library).
    dict::set_item_str(
        &d,
        "_stdlib_dir",
        lib.as_ref()
            .map(|l| pystr::new(&l.display().to_string()))
            .unwrap_or_else(singletons::none),
    );
    // The installation the library belongs to: `<prefix>/lib/python3.11`.
    let prefix = lib
        .as_ref()
        .and_then(|l| l.parent()?.parent())
        .map(|p| pystr::new(&p.display().to_string()))
        .unwrap_or_else(|| pystr::new(""));
    for name in ["prefix", "base_prefix", "exec_prefix", "base_exec_prefix"] {
        dict::set_item_str(&d, name, prefix.clone());
    }
    dict::set_item_str(&d, "maxsize", int::from_i64(i64::MAX));
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
        // CPython's shape, `VERSION (BUILD) [COMPILER]`, which `platform._sys_version`
        // parses (asyncio's tests, `platform.python_version()`).
        pystr::new(&format!(
            "3.11.0 (strand {}) [{}]",
            env!("CARGO_PKG_VERSION"),
            env!("STRAND_RUSTC_VERSION")
        )),
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
    structseq(
        "thread_info",
        &["name", "lock", "version"],
        vec![
            pystr::new("pthread"),
            pystr::new("mutex+cond"),
            singletons::none(),
        ],
    );
    let strand_version: Vec<i64> = env!("CARGO_PKG_VERSION")
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .chain(std::iter::repeat(0))
        .take(3)
        .collect();
    let impl_version = dict::get_item_str(&d, "version_info").and_then(|vi| {
        let ty = vi.ty().to_obj();
        strand_objects::structseq::new_instance(
            &ty,
            vec![
                int::from_i64(strand_version[0]),
                int::from_i64(strand_version[1]),
                int::from_i64(strand_version[2]),
                pystr::new("alpha"),
                int::from_i64(0),
            ],
        )
        .ok()
    });
    dict::set_item_str(
        &d,
        "implementation",
        strand_objects::namespace::new(&[
            ("name", pystr::new("strand")),
            // `strand-` and the compiled-code fingerprint (`code_cache`): importlib's
            // `cache_from_source` names `.pyc` files after it.
            ("cache_tag", pystr::new(&crate::code_cache::cache_tag())),
            ("version", impl_version.unwrap_or_else(singletons::none)),
            ("hexversion", int::from_i64(HEXVERSION)),
            ("_multiarch", pystr::new(&multiarch())),
        ]),
    );
    dict::set_item_str(&d, "hexversion", int::from_i64(HEXVERSION));
    dict::set_item_str(&d, "api_version", int::from_i64(1013));
    dict::set_item_str(&d, "maxunicode", int::from_i64(0x10ffff));
    dict::set_item_str(&d, "float_repr_style", pystr::new("short"));
    dict::set_item_str(&d, "abiflags", pystr::new(""));
    dict::set_item_str(&d, "platlibdir", pystr::new("lib"));
    dict::set_item_str(&d, "pycache_prefix", singletons::none());
    // Compiled modules are cached in `__pycache__` (`code_cache`) unless `-B` or
    // `PYTHONDONTWRITEBYTECODE` (see `configure`).
    dict::set_item_str(&d, "dont_write_bytecode", int::bool_obj(false));
    dict::set_item_str(
        &d,
        "_git",
        tuple::from_vec(vec![pystr::new("strand"), pystr::new(""), pystr::new("")]),
    );
    dict::set_item_str(&d, "_framework", pystr::new(""));
    dict::set_item_str(
        &d,
        "copyright",
        pystr::new(
            "Copyright (c) strand's authors.\nThe Python language and standard library: \
             Copyright (c) 2001-2023 Python Software Foundation.",
        ),
    );
    dict::set_item_str(&d, "warnoptions", list::new(Vec::new()));
    dict::set_item_str(&d, "orig_argv", list::new(Vec::new()));
    dict::set_item_str(
        &d,
        "builtin_module_names",
        tuple::from_vec(vec![pystr::intern("builtins"), pystr::intern("sys")]),
    );
    // The module names of the standard library strand runs with: CPython 3.11's
    // installation (recorded at build time, see build.rs).
    let stdlib_names = env!("STRAND_STDLIB_MODULE_NAMES")
        .split(',')
        .filter(|n| !n.is_empty())
        .map(pystr::intern)
        .collect();
    dict::set_item_str(
        &d,
        "stdlib_module_names",
        strand_objects::set::new_frozenset(stdlib_names).expect("str items hash"),
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
                if !int::is_int(&a[0]) {
                    return Err(strand_objects::exceptions::type_error(
                        "'float' object cannot be interpreted as an integer"
                            .replace("float", a[0].ty().name()),
                    ));
                }
                let n = int::to_isize(&a[0])
                    .ok()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| {
                        strand_objects::exceptions::overflow_error(
                            "Python int too large to convert to C int",
                        )
                    })? as isize;
                if n < 1 {
                    return Err(value_error(
                        "recursion limit must be greater or equal than 1",
                    ));
                }
                ab::set_recursion_limit(n.min(u32::MAX as isize) as u32);
                strand_compiler::RECURSION_LIMIT
                    .store(n as usize, std::sync::atomic::Ordering::Relaxed);
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
                let text = format!(
                    "Exception in thread {name}:\n{}",
                    crate::format_exception_value(&a[1])
                );
                crate::stdio::write_stderr(&text);
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
                strand_compiler::INT_MAX_STR_DIGITS
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
                crate::excepthook::display(&e);
                Ok(singletons::none())
            }),
            ("breakpointhook", breakpointhook),
            ("displayhook", |a, k| {
                Args::new(a, k).exact("displayhook", 1)?;
                display_value(&a[0])
            }),
            ("_getframe", |a, k| {
                let b = Args::new(a, k).bind("_getframe", 0, &["depth"], 0)?;
                if let Some(kw) = k.filter(|k| !tuple::items(k).is_empty()) {
                    let _ = kw;
                    return Err(exc::type_error("_getframe() takes no keyword arguments"));
                }
                let depth = match b[0] {
                    Some(d) => int::to_isize(&ab::index(d)?)?,
                    None => 0,
                };
                // A negative depth is the caller's frame, as in CPython.
                crate::frame_object::getframe(depth.max(0) as usize)
            }),
            ("settrace", |a, k| {
                positional_only(a, k, "sys.settrace", 1)?;
                audit(&pystr::new("sys.settrace"), Vec::new())?;
                crate::sys_trace::install(
                    (!singletons::is_none(&a[0])).then(|| a[0].clone()),
                    false,
                )?;
                Ok(singletons::none())
            }),
            ("gettrace", |a, k| {
                positional_only(a, k, "sys.gettrace", 0)?;
                Ok(crate::sys_trace::gettrace().unwrap_or_else(singletons::none))
            }),
            ("setprofile", |a, k| {
                positional_only(a, k, "sys.setprofile", 1)?;
                audit(&pystr::new("sys.setprofile"), Vec::new())?;
                crate::sys_trace::install(
                    (!singletons::is_none(&a[0])).then(|| a[0].clone()),
                    true,
                )?;
                Ok(singletons::none())
            }),
            ("getprofile", |a, k| {
                positional_only(a, k, "sys.getprofile", 0)?;
                Ok(crate::sys_trace::getprofile().unwrap_or_else(singletons::none))
            }),
            ("call_tracing", |a, k| {
                if k.is_some_and(|k| !tuple::items(k).is_empty()) {
                    return Err(exc::type_error("call_tracing() takes no keyword arguments"));
                }
                if a.len() != 2 {
                    return Err(exc::type_error(format!(
                        "call_tracing expected 2 arguments, got {}",
                        a.len()
                    )));
                }
                if !tuple::is_tuple(&a[1]) {
                    return Err(exc::type_error(format!(
                        "call_tracing() argument 2 must be tuple, not {}",
                        a[1].ty().name()
                    )));
                }
                crate::sys_trace::call_tracing(&a[0], tuple::items(&a[1]))
            }),
            ("get_coroutine_origin_tracking_depth", |a, k| {
                positional_only(a, k, "sys.get_coroutine_origin_tracking_depth", 0)?;
                Ok(int::from_i64(i64::from(
                    crate::generator::origin_tracking_depth(),
                )))
            }),
            ("set_coroutine_origin_tracking_depth", |a, k| {
                let b = Args::new(a, k).bind(
                    "set_coroutine_origin_tracking_depth",
                    0,
                    &["depth"],
                    1,
                )?;
                let d = b[0].expect("depth is required");
                if !int::is_int(d) {
                    return Err(exc::type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        d.ty().name()
                    )));
                }
                let depth = int::to_isize(d)
                    .ok()
                    .filter(|v| i32::try_from(*v).is_ok())
                    .ok_or_else(|| {
                        exc::overflow_error("Python int too large to convert to C int")
                    })?;
                if depth < 0 {
                    return Err(exc::value_error("depth must be >= 0"));
                }
                crate::generator::set_origin_tracking_depth(depth as u32);
                Ok(singletons::none())
            }),
            ("_current_frames", |a, k| {
                Args::new(a, k).exact("_current_frames", 0)?;
                Ok(crate::frame_object::current_frames())
            }),
            ("_current_exceptions", |a, k| {
                no_arguments(a, k, "_current_exceptions")?;
                // 3.11 gives `exc_info()` triples (3.12 the exceptions alone).
                let d = dict::new();
                for (ident, e) in crate::exc_info::current_exceptions() {
                    dict::set_item(&d, int::from_i128(i128::from(ident)), exc_info_tuple(e))?;
                }
                Ok(d)
            }),
            ("getallocatedblocks", |a, k| {
                // CPython counts pymalloc's blocks in use; strand counts the objects
                // alive on its heap (allocations minus frees over the three object
                // kinds, summed over the threads' counters: exact when no other
                // thread allocates meanwhile).
                no_arguments(a, k, "getallocatedblocks")?;
                Ok(int::from_i64(strand_heap::stats().live_objects().max(0)))
            }),
            ("getfilesystemencoding", |a, k| {
                Args::new(a, k).exact("getfilesystemencoding", 0)?;
                Ok(pystr::new("utf-8"))
            }),
            ("getfilesystemencodeerrors", |a, k| {
                Args::new(a, k).exact("getfilesystemencodeerrors", 0)?;
                Ok(pystr::new("surrogateescape"))
            }),
            ("getdefaultencoding", |a, k| {
                Args::new(a, k).exact("getdefaultencoding", 0)?;
                Ok(pystr::new("utf-8"))
            }),
            ("is_finalizing", |a, k| {
                Args::new(a, k).exact("is_finalizing", 0)?;
                Ok(int::bool_obj(
                    FINALIZING.load(std::sync::atomic::Ordering::Acquire),
                ))
            }),
            ("exception", |a, k| {
                Args::new(a, k).exact("exception", 0)?;
                Ok(crate::exc_info::current_exception().unwrap_or_else(singletons::none))
            }),
            ("addaudithook", |a, k| {
                let b = Args::new(a, k).bind("addaudithook", 0, &["hook"], 1)?;
                // CPython first raises the event itself: a hook may refuse new ones.
                audit(&pystr::new("sys.addaudithook"), Vec::new())?;
                AUDIT_HOOKS
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(b[0].expect("required").clone());
                Ok(singletons::none())
            }),
            ("audit", |a, k| {
                let Some(event) = a.first() else {
                    return Err(exc::type_error(
                        "audit() missing 1 required positional argument: 'event'",
                    ));
                };
                if k.is_some_and(|k| !tuple::items(k).is_empty()) {
                    return Err(exc::type_error("audit() takes no keyword arguments"));
                }
                if !pystr::is_str(event) {
                    return Err(exc::type_error(format!(
                        "expected str for argument 'event', not {}",
                        event.ty().name()
                    )));
                }
                audit(event, a[1..].to_vec())?;
                Ok(singletons::none())
            }),
            ("getswitchinterval", |a, k| {
                Args::new(a, k).exact("getswitchinterval", 0)?;
                Ok(float::from_f64(f64::from_bits(
                    SWITCH_INTERVAL.load(std::sync::atomic::Ordering::Relaxed),
                )))
            }),
            ("setswitchinterval", |a, k| {
                let b = Args::new(a, k).bind("setswitchinterval", 0, &["interval"], 1)?;
                let v = ab::as_f64(b[0].expect("required"))?;
                if v <= 0.0 || v.is_nan() {
                    return Err(value_error("switch interval must be strictly positive"));
                }
                // strand has no GIL to hand over: the interval is kept for readers.
                SWITCH_INTERVAL.store(v.to_bits(), std::sync::atomic::Ordering::Relaxed);
                Ok(singletons::none())
            }),
            ("_is_gil_enabled", |a, k| {
                Args::new(a, k).exact("_is_gil_enabled", 0)?;
                Ok(int::bool_obj(false))
            }),
            ("exc_info", |a, k| {
                Args::new(a, k).exact("exc_info", 0)?;
                Ok(exc_info_tuple(crate::exc_info::current_exception()))
            }),
        ],
    );
    crate::asyncgen::add_sys_functions(&m);
    crate::unraisable_hook::add_to_sys(&d);
    // The import protocol's hooks, filled by `importlib`'s `_install` functions
    // (`import::install_importlib`).
    dict::set_item_str(&d, "meta_path", list::new(Vec::new()));
    dict::set_item_str(&d, "path_hooks", list::new(Vec::new()));
    dict::set_item_str(&d, "path_importer_cache", dict::new());
    if let Some(h) = dict::get_item_str(&d, "excepthook") {
        dict::set_item_str(&d, "__excepthook__", h);
    }
    if let Some(hook) = dict::get_item_str(&d, "displayhook") {
        dict::set_item_str(&d, "__displayhook__", hook);
    }
    if let Some(hook) = dict::get_item_str(&d, "breakpointhook") {
        dict::set_item_str(&d, "__breakpointhook__", hook);
    }
    m
}

/// `sys.hexversion`: 3.11.0 final.
const HEXVERSION: i64 = 0x030b_00f0;

/// `sys.implementation._multiarch` (`x86_64-linux-gnu`).
fn multiarch() -> String {
    format!("{}-{}-gnu", std::env::consts::ARCH, std::env::consts::OS)
}

/// `sys.getswitchinterval()` (an f64's bits; CPython's default, 5 ms).
static SWITCH_INTERVAL: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0x3F74_7AE1_47AE_147B);

/// `sys.displayhook`: prints `repr(value)` to `sys.stdout` and keeps the value in
/// `builtins._` (None is not printed).
fn display_value(value: &PyObj) -> PyResult<PyObj> {
    if singletons::is_none(value) {
        return Ok(singletons::none());
    }
    let builtins = state::builtins_dict();
    dict::set_item_str(&builtins, "_", singletons::none());
    let text = ab::repr(value)?;
    let print = dict::get_item_str(&builtins, "print")
        .ok_or_else(|| exc::runtime_error("lost builtins.print"))?;
    ab::call1(&print, text)?;
    dict::set_item_str(&builtins, "_", value.clone());
    Ok(singletons::none())
}

/// `sys.exc_info()`'s triple for the exception being handled: `(type, value,
/// traceback)`, or three Nones.
fn exc_info_tuple(e: Option<PyObj>) -> PyObj {
    match e {
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
    }
}

/// The argument check of a `sys` function that takes none (CPython's METH_NOARGS
/// message names it `sys.<name>()` and counts what was given).
fn no_arguments(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<()> {
    let args = Args::new(a, k);
    args.no_kwargs(&format!("sys.{name}"))?;
    if args.nargs() != 0 {
        return Err(exc::type_error(format!(
            "sys.{name}() takes no arguments ({} given)",
            args.nargs()
        )));
    }
    Ok(())
}
