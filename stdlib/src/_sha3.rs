//! The `_sha3` module (CPython's Modules/_sha3/sha3module.c): the types
//! `sha3_224`, `sha3_256`, `sha3_384`, `sha3_512`, `shake_128` and `shake_256`
//! (called with `(data=b'', /, *, usedforsecurity=True)`), over the `sha3` crate;
//! the hash objects are [`crate::hashobj`]'s. `implementation` and `keccakopt`
//! describe CPython's own build and are given its values.

use strand_objects::{dict, module, PyObj};

use crate::hashobj::{
    self, SHA3_224_TYPE, SHA3_256_TYPE, SHA3_384_TYPE, SHA3_512_TYPE, SHAKE128_TYPE, SHAKE256_TYPE,
};

/// The `_sha3` module.
pub fn make_module() -> PyObj {
    hashobj::ready();
    let m = module::new_native_module("_sha3");
    let d = module::module_dict(&m);
    for (name, ty) in [
        ("sha3_224", &SHA3_224_TYPE),
        ("sha3_256", &SHA3_256_TYPE),
        ("sha3_384", &SHA3_384_TYPE),
        ("sha3_512", &SHA3_512_TYPE),
        ("shake_128", &SHAKE128_TYPE),
        ("shake_256", &SHAKE256_TYPE),
    ] {
        dict::set_item_str(&d, name, ty.to_obj());
    }
    crate::modsupport::add_str(&d, "implementation", "tiny_sha3");
    crate::modsupport::add_int(&d, "keccakopt", 0);
    m
}
