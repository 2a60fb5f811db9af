//! The interpreter state (CPython's `PyInterpreterState`): the objects every part of
//! the virtual machine reaches without being handed them: `sys.modules`, the `sys`
//! module and the `builtins` module. [`crate::install`] makes them once; they live for
//! the process.

use strand_objects::{dict, module, OnceObj, PyObj};

static MODULES: OnceObj = OnceObj::new();
static SYS: OnceObj = OnceObj::new();
static BUILTINS: OnceObj = OnceObj::new();

/// Records `sys.modules`, `sys` and `builtins` and registers the two modules in
/// `sys.modules` (once: [`crate::install`] calls it a single time).
pub(crate) fn set(modules: PyObj, sys: PyObj, builtins: PyObj) {
    dict::set_item_str(&modules, "sys", sys.clone());
    dict::set_item_str(&modules, "builtins", builtins.clone());
    let _ = MODULES.set(modules);
    let _ = SYS.set(sys);
    let _ = BUILTINS.set(builtins);
}

/// `sys.modules`.
///
/// # Panics
/// Before [`crate::install`].
pub fn sys_modules() -> PyObj {
    MODULES.get().expect("strand_interp::install() not called")
}

/// The `sys` module.
///
/// # Panics
/// Before [`crate::install`].
pub fn sys_module() -> PyObj {
    SYS.get().expect("strand_interp::install() not called")
}

/// The `sys` module, or `None` before [`crate::install`] made it.
pub fn sys_module_opt() -> Option<PyObj> {
    SYS.get()
}

/// The `builtins` module.
///
/// # Panics
/// Before [`crate::install`].
pub fn builtins_module() -> PyObj {
    BUILTINS.get().expect("strand_interp::install() not called")
}

/// The `builtins` namespace (the module's dict).
///
/// # Panics
/// Before [`crate::install`].
pub fn builtins_dict() -> PyObj {
    module::module_dict(&builtins_module())
}
