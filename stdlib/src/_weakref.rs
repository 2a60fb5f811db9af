//! The `_weakref` module (Modules/_weakref.c): the `ref` type and the weak-reference
//! counts of an object; the `weakref` module (strand's frozen `lib/weakref.py` for
//! now) builds proxies, `finalize` and the weak containers on it.

use strand_interp::native_module::add_functions;
use strand_objects::args::Args;
use strand_objects::{dict, int, list, module, PyObj};

/// Makes the `_weakref` module.
pub fn make_module() -> PyObj {
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
