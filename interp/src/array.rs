//! The `array` module.

use strand_objects::PyObj;

/// The raw bytes of an `array.array` (its buffer), or `None` for other objects.
pub fn raw_bytes(_o: &PyObj) -> Option<Vec<u8>> {
    None
}
