//! Bytes-like arguments of the native modules: what CPython's `y*` (any contiguous
//! buffer, read) and `w*` (a writable one) argument converters give `file.write`,
//! `os.write`, `struct`, `hashlib`, `zlib`, `binascii`, `array.frombytes`...
//!
//! The buffer protocol itself lives in the object model
//! ([`strand_objects::buffer`]): every exporting type (`bytes`, `bytearray`,
//! `memoryview`, `array.array`) has a buffer slot, so these helpers need not know
//! them.

pub use strand_objects::buffer::{bytes_like, with_bytes_like, writable_buffer};
