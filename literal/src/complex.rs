//! `repr(complex)` (Objects/complexobject.c, `complex_repr`).

use crate::float::repr_f64;

/// A part as `repr(complex)` writes it: the shortest round-tripping digits, with no
/// `.0` for integral values.
fn part_repr(x: f64) -> String {
    let r = repr_f64(x);
    match r.strip_suffix(".0") {
        Some(short) => short.to_string(),
        None => r,
    }
}

/// `repr(complex)`: `1j` when the real part is +0.0, otherwise `(re±imj)`.
pub fn repr_parts(re: f64, im: f64) -> String {
    let imag = part_repr(im);
    if re == 0.0 && re.is_sign_positive() {
        return format!("{imag}j");
    }
    let sign = if imag.starts_with('-') { "" } else { "+" };
    format!("({}{sign}{imag}j)", part_repr(re))
}
