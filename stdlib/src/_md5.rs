//! The `_md5` module (CPython's Modules/md5module.c): `md5(string=b'', *,
//! usedforsecurity=True)` and its type `MD5Type` (`_md5.md5`), over the `md-5`
//! crate; the hash object itself is [`crate::hashobj`]'s.

use strand_objects::{dict, module, PyObj, PyResult};

use crate::hashobj::{self, MD5, MD5_TYPE};

fn md5(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    hashobj::construct(&MD5_TYPE, &MD5, a, k)
}

/// The `_md5` module.
pub fn make_module() -> PyObj {
    hashobj::ready();
    let m = module::new_native_module("_md5");
    strand_interp::native_module::add_functions(&m, "_md5", &[("md5", md5)]);
    dict::set_item_str(&module::module_dict(&m), "MD5Type", MD5_TYPE.to_obj());
    m
}
