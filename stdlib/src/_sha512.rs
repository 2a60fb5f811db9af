//! The `_sha512` module (CPython's Modules/sha512module.c): `sha384` and `sha512`
//! (`(string=b'', *, usedforsecurity=True)`) and their types (CPython 3.11 exports only
//! `SHA384Type`, bound to the SHA-512 type), over the `sha2` crate; the hash object itself is
//! [`crate::hashobj`]'s.

use strand_objects::{dict, module, PyObj, PyResult};

use crate::hashobj::{self, SHA384, SHA384_TYPE, SHA512, SHA512_TYPE};

fn sha384(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    hashobj::construct(&SHA384_TYPE, &SHA384, a, k)
}

fn sha512(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    hashobj::construct(&SHA512_TYPE, &SHA512, a, k)
}

/// The `_sha512` module.
pub fn make_module() -> PyObj {
    hashobj::ready();
    let m = module::new_native_module("_sha512");
    strand_interp::native_module::add_functions(
        &m,
        "_sha512",
        &[("sha384", sha384), ("sha512", sha512)],
    );
    let d = module::module_dict(&m);
    // CPython 3.11 registers both types under one name; the second wins.
    dict::set_item_str(&d, "SHA384Type", SHA384_TYPE.to_obj());
    dict::set_item_str(&d, "SHA384Type", SHA512_TYPE.to_obj());
    m
}
