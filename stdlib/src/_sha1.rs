//! The `_sha1` module (CPython's Modules/sha1module.c): `sha1(string=b'', *,
//! usedforsecurity=True)` and its type `SHA1Type` (`_sha1.sha1`), over the `sha1`
//! crate; the hash object itself is [`crate::hashobj`]'s.

use strand_objects::{dict, module, PyObj, PyResult};

use crate::hashobj::{self, SHA1, SHA1_TYPE};

fn sha1(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    hashobj::construct(&SHA1_TYPE, &SHA1, a, k)
}

/// The `_sha1` module.
pub fn make_module() -> PyObj {
    hashobj::ready();
    let m = module::new_native_module("_sha1");
    strand_interp::native_module::add_functions(&m, "_sha1", &[("sha1", sha1)]);
    dict::set_item_str(&module::module_dict(&m), "SHA1Type", SHA1_TYPE.to_obj());
    m
}
