//! `_itertools`: the native part of `itertools` (the rest is the frozen
//! `lib/itertools.py`): `count`, strand-objects' `count` type, whose values are
//! handed out once each even when threads share one counter (the pure-Python class it
//! replaces read and stored its position in two steps).

use strand_objects::{dict, module, PyObj};

/// Makes the `_itertools` module.
pub fn make_module() -> PyObj {
    let m = module::new_module("_itertools");
    let count = strand_objects::count::COUNT_TYPE.to_obj();
    dict::set_item_str(&module::module_dict(&m), "count", count);
    m
}
