//! Bytes-like objects: what CPython's buffer protocol gives the native modules that
//! take "a bytes-like object" (`file.write`, `os.write`, `array.frombytes`), reduced
//! to a copy of the bytes.
//!
//! `bytes` is known to the object model; other exporting types (`array.array`)
//! register an exporter here when their module is first made, so that this module
//! and its users need not know them. (The object model has no buffer slot yet; when
//! it gets one, with `memoryview`, exporters move onto their types.)

use std::sync::RwLock;

use strand_objects::bytes;
use strand_objects::exceptions::type_error;
use strand_objects::{PyObj, PyResult};

/// Gives the bytes of an object of the exporter's type, `None` for any other object.
pub type Exporter = fn(&PyObj) -> Option<Vec<u8>>;

static EXPORTERS: RwLock<Vec<Exporter>> = RwLock::new(Vec::new());

/// Registers an exporter (once per function; a second registration is ignored).
pub fn register_exporter(f: Exporter) {
    let mut e = EXPORTERS.write().unwrap_or_else(|p| p.into_inner());
    if !e.iter().any(|g| std::ptr::fn_addr_eq(*g, f)) {
        e.push(f);
    }
}

/// The bytes of a bytes-like object.
///
/// # Errors
/// `TypeError: a bytes-like object is required, not 'T'`.
pub fn bytes_like(o: &PyObj) -> PyResult<Vec<u8>> {
    if let Some(b) = bytes::as_bytes_opt(o) {
        return Ok(b.to_vec());
    }
    let exporters = EXPORTERS.read().unwrap_or_else(|p| p.into_inner());
    if let Some(b) = exporters.iter().find_map(|f| f(o)) {
        return Ok(b);
    }
    Err(type_error(format!(
        "a bytes-like object is required, not '{}'",
        o.ty().name()
    )))
}
