//! The `atexit` module (Modules/atexitmodule.c): functions to call when the
//! interpreter exits, last registered first — after the main module finishes (or
//! raises) and non-daemon threads are joined, before the final flush of the open
//! files. `weakref.finalize` registers itself here.

use std::sync::Mutex;

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{new_builtin_function, set_builtin_module, NativeFn};
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::{dict, int, module, singletons, str as pystr, tuple, PyObj, PyResult};

/// One registration: the function, its positional arguments (a tuple) and its
/// keyword arguments (a dict, or `None`).
struct Callback {
    func: PyObj,
    args: PyObj,
    kwargs: Option<PyObj>,
}

/// The registered callbacks, in registration order. Held only to push, remove or
/// take entries: the callbacks themselves run with the lock released.
static CALLBACKS: Mutex<Vec<Callback>> = Mutex::new(Vec::new());

fn callbacks() -> std::sync::MutexGuard<'static, Vec<Callback>> {
    CALLBACKS.lock().unwrap_or_else(|e| e.into_inner())
}

fn register(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let pos = args.positionals();
    let Some(func) = pos.first() else {
        return Err(type_error("register() takes at least 1 argument (0 given)"));
    };
    if func.ty().slots().call.is_none() {
        return Err(type_error("the first argument must be callable"));
    }
    let kwargs = if args.has_kwargs() {
        let d = dict::new();
        for (name, v) in args.kwargs() {
            dict::set_item_str(&d, name, v.clone());
        }
        Some(d)
    } else {
        None
    };
    let cb = Callback {
        func: func.clone(),
        args: tuple::from_slice(&pos[1..]),
        kwargs,
    };
    callbacks().push(cb);
    Ok(func.clone())
}

fn unregister(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("unregister", 1)?;
    // Compare outside the lock (`==` may run Python code).
    let funcs: Vec<PyObj> = callbacks().iter().map(|c| c.func.clone()).collect();
    let mut doomed = Vec::new();
    for f in &funcs {
        if ab::eq(f, &a[0])? {
            doomed.push(f.addr());
        }
    }
    let removed: Vec<Callback> = {
        let mut cbs = callbacks();
        let (gone, keep): (Vec<Callback>, Vec<Callback>) = std::mem::take(&mut *cbs)
            .into_iter()
            .partition(|c| doomed.contains(&c.func.addr()));
        *cbs = keep;
        gone
    };
    drop(removed);
    Ok(singletons::none())
}

/// Runs and clears every registered callback, last registered first. Errors are
/// reported like CPython's (`Exception ignored in atexit callback: ...` and the
/// traceback) and do not stop the others.
pub fn run_exitfuncs() {
    loop {
        let Some(cb) = callbacks().pop() else {
            break;
        };
        let r = ab::call_with_dict(&cb.func, tuple::items(&cb.args), cb.kwargs.as_ref());
        if let Err(e) = r {
            if e.is_instance(&exc::SYSTEM_EXIT_TYPE) {
                continue;
            }
            let repr = ab::repr_string(&cb.func).unwrap_or_default();
            let text = format!(
                "Exception ignored in atexit callback: {repr}\n{}",
                strand_interp::format_exception(&e)
            );
            strand_interp::stdio::write_stderr(&text);
        }
    }
}

/// The `atexit` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("atexit");
    let d = module::module_dict(&m);
    let funcs: &[(&'static str, NativeFn)] = &[
        ("register", register),
        ("unregister", unregister),
        ("_run_exitfuncs", |a, k| {
            Args::new(a, k).exact("_run_exitfuncs", 0)?;
            run_exitfuncs();
            Ok(singletons::none())
        }),
        ("_clear", |a, k| {
            Args::new(a, k).exact("_clear", 0)?;
            let old = std::mem::take(&mut *callbacks());
            drop(old);
            Ok(singletons::none())
        }),
        ("_ncallbacks", |a, k| {
            Args::new(a, k).exact("_ncallbacks", 0)?;
            Ok(int::from_usize(callbacks().len()))
        }),
    ];
    for (name, f) in funcs {
        let o = new_builtin_function(name, *f, None);
        set_builtin_module(&o, pystr::intern("atexit"));
        dict::set_item_str(&d, name, o);
    }
    m
}
