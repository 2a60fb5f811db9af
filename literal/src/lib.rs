//! `strand-literal`: the text forms Python gives its literal values, as pure
//! functions on Rust values.
//!
//! Two layers of strand need them and neither may depend on the other: the object
//! model (`strand-objects`), whose `repr()` of a float, complex, str or bytes object
//! they are, and the compiler (`strand-compiler`), which prints constants in the
//! disassembly and in compile-time error messages (`mapping pattern checks duplicate
//! key ('a')`) and needs no heap. So they live here, below both, with no dependency
//! on any other strand crate.
//!
//! - [`float`]: `repr(float)`, CPython's `float_repr_style = 'short'` (the shortest
//!   digits that round-trip, Python/pystrtod.c's layout rules), and those digits.
//! - [`complex`]: `repr(complex)` (Objects/complexobject.c).
//! - [`str`](mod@str): `repr(str)` with CPython's quote choice and escapes, `ascii()`'s escaping,
//!   and the printable test behind both (Objects/unicodeobject.c, `unicode_repr`).
//! - [`bytes`]: `repr(bytes)` (Objects/bytesobject.c, `PyBytes_Repr`).

pub mod bytes;
pub mod complex;
pub mod float;
pub mod str;
