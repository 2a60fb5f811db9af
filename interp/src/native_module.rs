//! Native modules as the interpreter sees them (CPython's `PyModuleDef` and its init
//! function): a name and a function that makes the module object, and Python
//! modules compiled into the binary (CPython's frozen modules). The interpreter knows
//! none of them by name: the standard library crate hands it one table of each
//! ([`crate::import::register_native_modules`], [`crate::import::register_frozen_modules`]),
//! and the import system consults them.

use strand_objects::descr::{
    new_builtin_function, set_builtin_module, set_builtin_self_module, NativeFn,
};
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

/// A frozen module (CPython's `struct _frozen` and its alias table, Python/frozen.c):
/// a module `_imp` reports as frozen, which `importlib`'s `FrozenImporter` finds
/// (`_imp.find_frozen`) and loads (`_imp.get_frozen_object`). CPython compiles
/// frozen modules into its binary; strand compiles their code from the standard
/// library's source files when they are loaded ([`FrozenSource`]), so the library
/// stays CPython's own and is never copied into strand.
#[derive(Clone, Copy, Debug)]
pub struct FrozenModule {
    /// The name it is imported by (`"__hello_alias__"`).
    pub name: &'static str,
    /// Where its code comes from.
    pub source: FrozenSource,
    /// The `X` of its code's `co_filename`, `<frozen X>`: the module it was frozen
    /// from (`"__hello__"` for the aliases of `__hello__`).
    pub code_name: &'static str,
    /// Whether it is a package (`find_frozen`'s `ispkg`).
    pub is_package: bool,
    /// The standard library module it stands for (`find_frozen`'s `origname`, from
    /// which `FrozenImporter` derives `__file__` and `__path__`); `None` for a
    /// module with no file in the library. A leading `<` marks a package's
    /// `__init__` frozen under the name `package.__init__`, as in CPython.
    pub origname: Option<&'static str>,
    /// Whether it is frozen even when frozen modules are off
    /// (`_imp._override_frozen_modules_for_tests(-1)`), as CPython's bootstrap
    /// modules (`_PyImport_FrozenBootstrap`) are.
    pub essential: bool,
}

/// Where a frozen module's code is compiled from.
#[derive(Clone, Copy, Debug)]
pub enum FrozenSource {
    /// A file of the standard library directory (`sys._stdlib_dir`), by its
    /// `/`-separated path in it; the module is not frozen where the file is missing.
    Lib(&'static str),
    /// A file of the standard library that CPython's installation leaves out
    /// (`make install` does not install `Lib/__phello__/ham/`), and the source
    /// compiled when it is missing.
    LibOr(&'static str, &'static str),
    /// Source text of strand's own, for a module with no file in the library
    /// (CPython's `__hello_only__` is frozen from `Tools/freeze/flag.py`).
    Text(&'static str),
}

/// Adds native functions to module `m` (their `__module__` is `module_name`).
pub fn add_functions(m: &PyObj, module_name: &'static str, funcs: &[(&'static str, NativeFn)]) {
    let d = module::module_dict(m);
    for (name, f) in funcs {
        let o = new_builtin_function(name, *f, None);
        set_builtin_module(&o, pystr::intern(module_name));
        set_builtin_self_module(&o, m);
        // SAFETY: fresh and not yet visible to other threads. A native module's
        // functions live as long as the process (like CPython's static method
        // tables); immortal, they cost threads no reference counting.
        unsafe { strand_objects::alloc::make_immortal(&o) };
        dict::set_item_str(&d, name, o);
    }
}
