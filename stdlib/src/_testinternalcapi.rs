//! The `_testinternalcapi` module (CPython's Modules/_testinternalcapi.c): the
//! runtime's internal state, as CPython's regression tests read it.
//!
//! Only what strand really has is here, with strand's values:
//!
//! - `get_config()`: a dict of the start-up configuration under CPython's `PyConfig`
//!   field names (`code_debug_ranges`, `argv`, `xoptions`, `warnoptions`,
//!   `executable`, `prefix`, `module_search_paths`, `write_bytecode`, ...), read from
//!   what `sys` was configured with (`sys.flags`, `sys.argv`, `sys.orig_argv`, ...).
//!   `test.support.requires_debug_ranges` reads `code_debug_ranges` from it: strand's
//!   code objects always carry column positions (tracebacks show carets), so it is 1.
//! - `get_recursion_depth()`: the calling thread's recursion depth as the
//!   RecursionError check counts it (one level per running Python frame, 1 at a
//!   module's top level), as CPython's `tstate->recursion_limit -
//!   tstate->recursion_remaining`.
//! - `SIZEOF_PYGC_HEAD`: 0. strand keeps an object's collector state in its header
//!   (`ob_gc_bits`, as free-threaded CPython), with nothing allocated in front of the
//!   object, so `sys.getsizeof` adds no pre-header.
//!
//! CPython's other entries (hash-table, bit-operation and path-config self-tests,
//! `set_config`, the frame-evaluation hooks) test C internals strand does not have.

use strand_objects::args::Args;
use strand_objects::descr::{new_builtin_function, set_builtin_module, NativeFn};
use strand_objects::{
    abstract_ as ab, dict, int, list, module, singletons, str as pystr, PyObj, PyResult,
};

/// The `sys` attribute `name`, or `None` when `sys` has no such attribute.
fn sys_attr(name: &str) -> PyObj {
    let sys = strand_interp::state::sys_module();
    dict::get_item_str(&module::module_dict(&sys), name).unwrap_or_else(singletons::none)
}

/// Field `name` of `sys.flags` as an int (0 when absent).
fn flag(flags: &PyObj, name: &str) -> PyResult<PyObj> {
    match ab::getattr_str(flags, name) {
        Ok(v) => ab::index(&v),
        Err(_) => Ok(int::from_i64(0)),
    }
}

/// `_testinternalcapi.get_config()`: the configuration as a new dict each call.
fn get_config(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("get_config", 0)?;
    let d = dict::new();
    let flags = sys_attr("flags");
    let set = |key: &str, v: PyObj| dict::set_item_str(&d, key, v);
    let copy_list = |v: PyObj| -> PyResult<PyObj> {
        if v.is(&singletons::none()) {
            Ok(list::new(Vec::new()))
        } else {
            Ok(list::new(ab::collect_iter(&v)?))
        }
    };
    for (key, field) in [
        ("isolated", "isolated"),
        ("dev_mode", "dev_mode"),
        ("optimization_level", "optimize"),
        ("verbose", "verbose"),
        ("quiet", "quiet"),
        ("inspect", "inspect"),
        ("interactive", "interactive"),
        ("bytes_warning", "bytes_warning"),
        ("warn_default_encoding", "warn_default_encoding"),
        ("safe_path", "safe_path"),
    ] {
        set(key, flag(&flags, field)?);
    }
    let not_flag = |field: &str| -> PyResult<PyObj> {
        Ok(int::from_i64(i64::from(!ab::is_true(&flag(
            &flags, field,
        )?)?)))
    };
    set("use_environment", not_flag("ignore_environment")?);
    set("site_import", not_flag("no_site")?);
    set("user_site_directory", not_flag("no_user_site")?);
    set(
        "write_bytecode",
        int::from_i64(i64::from(!ab::is_true(&sys_attr("dont_write_bytecode"))?)),
    );
    set("code_debug_ranges", int::from_i64(1));
    set("install_signal_handlers", int::from_i64(1));
    set("argv", copy_list(sys_attr("argv"))?);
    set("orig_argv", copy_list(sys_attr("orig_argv"))?);
    set("warnoptions", copy_list(sys_attr("warnoptions"))?);
    let xoptions = sys_attr("_xoptions");
    let xs = if xoptions.is(&singletons::none()) {
        Vec::new()
    } else {
        // CPython's config keeps each -X option as written: NAME or NAME=VALUE.
        let mut out = Vec::new();
        for key in ab::collect_iter(&xoptions)? {
            let value = ab::getitem(&xoptions, &key)?;
            let name = ab::str_(&key)?;
            let text = if value.is(&singletons::true_()) {
                name
            } else {
                let value = ab::str_(&value)?;
                pystr::from_string(format!(
                    "{}={}",
                    pystr::as_str(&name),
                    pystr::as_str(&value)
                ))
            };
            out.push(text);
        }
        out
    };
    set("xoptions", list::new(xs));
    set("module_search_paths", copy_list(sys_attr("path"))?);
    set("module_search_paths_set", int::from_i64(1));
    for (key, attr) in [
        ("executable", "executable"),
        ("base_executable", "_base_executable"),
        ("prefix", "prefix"),
        ("base_prefix", "base_prefix"),
        ("exec_prefix", "exec_prefix"),
        ("base_exec_prefix", "base_exec_prefix"),
        ("platlibdir", "platlibdir"),
        ("pycache_prefix", "pycache_prefix"),
        ("stdlib_dir", "_stdlib_dir"),
    ] {
        set(key, sys_attr(attr));
    }
    let sys = strand_interp::state::sys_module();
    let call0 =
        |name: &str| -> PyResult<PyObj> { ab::call(&ab::getattr_str(&sys, name)?, &[], None) };
    set("filesystem_encoding", call0("getfilesystemencoding")?);
    set("filesystem_errors", call0("getfilesystemencodeerrors")?);
    Ok(d)
}

/// `_testinternalcapi.get_recursion_depth()`.
fn get_recursion_depth(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("get_recursion_depth", 0)?;
    Ok(int::from_i64(i64::from(ab::recursion_depth())))
}

/// Builds the module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("_testinternalcapi");
    let d = module::module_dict(&m);
    let fns: [(&str, NativeFn); 2] = [
        ("get_config", get_config),
        ("get_recursion_depth", get_recursion_depth),
    ];
    for (name, f) in fns {
        let func = new_builtin_function(name, f, None);
        set_builtin_module(&func, pystr::intern("_testinternalcapi"));
        dict::set_item_str(&d, name, func);
    }
    dict::set_item_str(&d, "SIZEOF_PYGC_HEAD", int::from_i64(0));
    m
}
