//! The `_blake2` module (CPython's Modules/_blake2/): the types `blake2b` and
//! `blake2s` (`(data=b'', /, *, digest_size, key, salt, person, fanout, depth,
//! leaf_size, node_offset, node_depth, inner_size, last_node, usedforsecurity)`)
//! and the `BLAKE2B_*`/`BLAKE2S_*` size constants, over the `blake2` crate; the
//! hash objects are [`crate::hashobj`]'s, which lists what is not supported.

use strand_objects::{dict, module, PyObj};

use crate::hashobj::{self, BLAKE2B_TYPE, BLAKE2S_TYPE};
use crate::modsupport::add_int;

/// The `_blake2` module.
pub fn make_module() -> PyObj {
    hashobj::ready();
    let m = module::new_native_module("_blake2");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "blake2b", BLAKE2B_TYPE.to_obj());
    dict::set_item_str(&d, "blake2s", BLAKE2S_TYPE.to_obj());
    add_int(&d, "BLAKE2B_SALT_SIZE", 16);
    add_int(&d, "BLAKE2B_PERSON_SIZE", 16);
    add_int(&d, "BLAKE2B_MAX_KEY_SIZE", 64);
    add_int(&d, "BLAKE2B_MAX_DIGEST_SIZE", 64);
    add_int(&d, "BLAKE2S_SALT_SIZE", 8);
    add_int(&d, "BLAKE2S_PERSON_SIZE", 8);
    add_int(&d, "BLAKE2S_MAX_KEY_SIZE", 32);
    add_int(&d, "BLAKE2S_MAX_DIGEST_SIZE", 32);
    m
}
