//! Native modules as the interpreter sees them (CPython's `PyModuleDef` and its init
//! function): a name and a function that makes the module object, and Python
//! modules compiled into the binary (CPython's frozen modules). The interpreter knows
//! none of them by name: the standard library crate hands it one table of each
//! ([`crate::import::register_native_modules`], [`crate::import::register_frozen_modules`]),
//! and the import system consults them.

use strand_objects::descr::{new_builtin_function, set_builtin_module, NativeFn};
use strand_objects::{dict, module, str as pystr, PyObj};

/// A module implemented in Rust.
#[derive(Clone, Copy, Debug)]
pub struct NativeModule {
    /// The name `import` finds it by (`"math"`, `"_io"`).
    pub name: &'static str,
    /// Makes the module object (called at its first import; the result goes into
    /// `sys.modules`).
    pub init: fn() -> PyObj,
}

/// A module written in Python whose source is compiled into the binary.
#[derive(Clone, Copy, Debug)]
pub struct FrozenModule {
    /// The module's name.
    pub name: &'static str,
    /// Its Python source.
    pub source: &'static str,
    /// Whether it is a package (it gets a `__path__`).
    pub is_package: bool,
}

/// Adds native functions to module `m` (their `__module__` is `module_name`).
pub fn add_functions(m: &PyObj, module_name: &'static str, funcs: &[(&'static str, NativeFn)]) {
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
