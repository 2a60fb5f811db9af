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
                let e = strand_objects::PyErr::from_value(a[1].clone());
                let text = format!(
                    "Exception in thread {name}:\n{}",
                    crate::format_exception(&e)
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
                crate::stdio::write_stderr(&crate::format_exception(&e));
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
                Ok(match crate::exc_info::current_exception() {
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
    crate::asyncgen::add_sys_functions(&m);
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
    let builtins = state::builtins_dict();
    dict::set_item_str(&builtins, "_", singletons::none());
    let text = ab::repr(value)?;
    let print = dict::get_item_str(&builtins, "print")
        .ok_or_else(|| exc::runtime_error("lost builtins.print"))?;
    ab::call1(&print, text)?;
    dict::set_item_str(&builtins, "_", value.clone());
    Ok(singletons::none())
}
