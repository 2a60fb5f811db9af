//! The `_sha256` module (CPython's Modules/sha256module.c): `sha224` and `sha256`
//! (`(string=b'', *, usedforsecurity=True)`) and their types `SHA224Type` and
//! `SHA256Type`, over the `sha2` crate; the hash object itself is
//! [`crate::hashobj`]'s.

use strand_objects::{dict, module, PyObj, PyResult};

use crate::hashobj::{self, SHA224, SHA224_TYPE, SHA256, SHA256_TYPE};

fn sha224(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    hashobj::construct(&SHA224_TYPE, &SHA224, a, k)
}

fn sha256(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    hashobj::construct(&SHA256_TYPE, &SHA256, a, k)
}

/// The `_sha256` module.
pub fn make_module() -> PyObj {
    hashobj::ready();
    let m = module::new_native_module("_sha256");
    strand_interp::native_module::add_functions(
        &m,
        "_sha256",
        &[("sha224", sha224), ("sha256", sha256)],
    );
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "SHA224Type", SHA224_TYPE.to_obj());
    dict::set_item_str(&d, "SHA256Type", SHA256_TYPE.to_obj());
    m
}
