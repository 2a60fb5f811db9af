//! The `_weakref` module (Modules/_weakref.c): the `ref` type, proxies, the weak
//! reference counts of an object and `_remove_dead_weakref`; CPython's `weakref.py`
//! and `_weakrefset.py` build `WeakMethod`, `finalize` and the weak containers on it.

use strand_interp::native_module::add_functions;
use strand_objects::args::Args;
use strand_objects::exceptions::type_error;
use strand_objects::{dict, int, list, module, singletons, PyObj, PyResult};

/// Makes the `_weakref` module.
pub fn make_module() -> PyObj {
    use strand_objects::weakproxy as wp;
    use strand_objects::weakref as wr;
    let m = module::new_native_module("_weakref");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "ref", wr::WEAKREF_TYPE.to_obj());
    dict::set_item_str(&d, "ReferenceType", wr::WEAKREF_TYPE.to_obj());
    dict::set_item_str(&d, "ProxyType", wp::PROXY_TYPE.to_obj());
    dict::set_item_str(&d, "CallableProxyType", wp::CALLABLE_PROXY_TYPE.to_obj());
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
            ("proxy", |a, k| {
                Args::new(a, k).check_positional("proxy", 1, 2)?;
                let cb = a.get(1).filter(|c| !singletons::is_none(c)).cloned();
                wp::new_proxy(&a[0], cb)
            }),
            ("_remove_dead_weakref", |a, k| {
                Args::new(a, k).check_positional("_remove_dead_weakref", 2, 2)?;
                remove_dead_weakref(&a[0], &a[1])?;
                Ok(singletons::none())
            }),
        ],
    );
    m
}

/// `_remove_dead_weakref(dct, key)`: deletes `dct[key]` if it is a dead weak
/// reference; a missing key is not an error (the entry may have been removed by
/// another thread meanwhile). The look-up and the deletion happen in the dict's
/// critical section, so an entry replaced by a live reference from another thread
/// is not deleted (CPython's `_PyDict_DelItemIf`).
///
/// # Errors
/// `TypeError` if `dct` is not a dict or the value is not a weak reference.
fn remove_dead_weakref(dct: &PyObj, key: &PyObj) -> PyResult<()> {
    use strand_objects::{weakproxy, weakref};
    if !dict::is_dict(dct) {
        return Err(type_error(format!(
            "_remove_dead_weakref() argument 1 must be dict, not {}",
            dct.ty().name()
        )));
    }
    strand_heap::critical_section!(dct);
    let Some(v) = dict::get_item(dct, key)? else {
        return Ok(());
    };
    if !v.is_instance_of(&weakref::WEAKREF_TYPE) && !weakproxy::is_proxy(&v) {
        return Err(type_error("not a weakref"));
    }
    if weakref::get_target(&v).is_none() {
        dict::del_item(dct, key)?;
    }
    Ok(())
}
