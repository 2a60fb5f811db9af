//! Inline fast paths for the most common operand types, tried by the generic
//! instructions before the object model's dispatch (CPython's specialized
//! `BINARY_OP_ADD_INT`, `COMPARE_OP_FLOAT`, `BINARY_SUBSCR_LIST_INT`, ...; here they
//! need no inline cache, only type checks).
//!
//! Each function returns `None` when its fast path does not apply (other types, a
//! result that needs a big int, a division by zero that must raise): the caller then
//! runs the generic operation, which produces the same result or error. The fast
//! paths compute exactly what the generic code computes for these types.

use strand_objects::abstract_::BinOp;
use strand_objects::float::{self, FLOAT_TYPE};
use strand_objects::int::{self, INT_TYPE};
use strand_objects::list::{self, LIST_TYPE};
use strand_objects::str::{self as pystr, STR_TYPE};
use strand_objects::tuple::{self, TUPLE_TYPE};
use strand_objects::typeobj::CompareOp;
use strand_objects::PyObj;

/// Integers whose magnitude is at most this convert to `f64` exactly.
const EXACT_F64: i64 = 1 << 53;

/// The machine value of an exact `int`.
#[inline(always)]
fn small_int(o: &PyObj) -> Option<i64> {
    if o.is_exact(&INT_TYPE) {
        int::as_i64(o)
    } else {
        None
    }
}

/// The value of an exact `float`.
#[inline(always)]
fn exact_float(o: &PyObj) -> Option<f64> {
    o.is_exact(&FLOAT_TYPE).then(|| float::value(o))
}

/// An exact float, or an exact int that converts to `f64` exactly.
#[inline(always)]
fn float_operand(o: &PyObj) -> Option<f64> {
    exact_float(o).or_else(|| {
        small_int(o)
            .filter(|v| v.abs() <= EXACT_F64)
            .map(|v| v as f64)
    })
}

/// `lhs <op> rhs` (and the in-place forms, the same for immutable operands) for exact
/// ints and floats.
#[inline(always)]
pub(crate) fn binary_op(lhs: &PyObj, rhs: &PyObj, op: BinOp) -> Option<PyObj> {
    if let (Some(a), Some(b)) = (small_int(lhs), small_int(rhs)) {
        return int_op(a, b, op).map(int::from_i64).or_else(|| {
            // True division of ints is a float.
            (op == BinOp::TrueDiv && b != 0 && a.abs() <= EXACT_F64 && b.abs() <= EXACT_F64)
                .then(|| float::from_f64(a as f64 / b as f64))
        });
    }
    if !(lhs.is_exact(&FLOAT_TYPE) || rhs.is_exact(&FLOAT_TYPE)) {
        return None;
    }
    let (a, b) = (float_operand(lhs)?, float_operand(rhs)?);
    let v = match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::TrueDiv if b != 0.0 => a / b,
        // A positive finite base to a finite power is C's pow(); everything else
        // (negative bases, zeros, infinities, overflow) has special cases.
        BinOp::Pow if a > 0.0 && a.is_finite() && b.is_finite() => {
            let r = a.powf(b);
            if !r.is_finite() {
                return None;
            }
            r
        }
        _ => return None,
    };
    Some(float::from_f64(v))
}

/// Machine-integer arithmetic with Python's semantics; `None` on overflow, division
/// by zero and operations that are not integer-valued.
#[inline(always)]
fn int_op(a: i64, b: i64, op: BinOp) -> Option<i64> {
    match op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        BinOp::Mul => a.checked_mul(b),
        BinOp::FloorDiv if b != 0 => {
            let q = a.checked_div(b)?;
            Some(if a % b != 0 && ((a < 0) != (b < 0)) {
                q - 1
            } else {
                q
            })
        }
        BinOp::Mod if b != 0 => {
            let r = a.checked_rem(b)?;
            Some(if r != 0 && ((r < 0) != (b < 0)) {
                r + b
            } else {
                r
            })
        }
        BinOp::And => Some(a & b),
        BinOp::Or => Some(a | b),
        BinOp::Xor => Some(a ^ b),
        BinOp::LShift if (0..63).contains(&b) => {
            let r = a.checked_shl(b as u32)?;
            (r >> b == a).then_some(r)
        }
        BinOp::RShift if b >= 0 => Some(a >> b.min(63)),
        _ => None,
    }
}

/// `lhs <op> rhs` for exact ints, floats (and int/float mixes) and strs.
#[inline(always)]
pub(crate) fn compare(lhs: &PyObj, rhs: &PyObj, op: CompareOp) -> Option<bool> {
    let ord = if let (Some(a), Some(b)) = (small_int(lhs), small_int(rhs)) {
        a.cmp(&b)
    } else if lhs.is_exact(&FLOAT_TYPE) || rhs.is_exact(&FLOAT_TYPE) {
        let (a, b) = (float_operand(lhs)?, float_operand(rhs)?);
        // NaN compares false with everything (and unequal).
        return Some(match op {
            CompareOp::Lt => a < b,
            CompareOp::Le => a <= b,
            CompareOp::Eq => a == b,
            CompareOp::Ne => a != b,
            CompareOp::Gt => a > b,
            CompareOp::Ge => a >= b,
        });
    } else if lhs.is_exact(&STR_TYPE) && rhs.is_exact(&STR_TYPE) {
        if lhs.is(rhs) {
            std::cmp::Ordering::Equal
        } else {
            // UTF-8 byte order is code-point order.
            pystr::as_str(lhs).cmp(pystr::as_str(rhs))
        }
    } else {
        return None;
    };
    Some(match op {
        CompareOp::Lt => ord.is_lt(),
        CompareOp::Le => ord.is_le(),
        CompareOp::Eq => ord.is_eq(),
        CompareOp::Ne => ord.is_ne(),
        CompareOp::Gt => ord.is_gt(),
        CompareOp::Ge => ord.is_ge(),
    })
}

/// A non-negative index from an exact int key, with negative keys counted from
/// `len`.
#[inline(always)]
fn index(key: &PyObj, len: usize) -> Option<usize> {
    let i = small_int(key)?;
    let i = if i < 0 { i + len as i64 } else { i };
    (0..len as i64).contains(&i).then_some(i as usize)
}

/// `container[key]` for lists and tuples indexed by ints in range.
#[inline(always)]
pub(crate) fn subscript(container: &PyObj, key: &PyObj) -> Option<PyObj> {
    if container.is_exact(&LIST_TYPE) {
        let i = index(key, list::len(container))?;
        return list::get(container, i);
    }
    if container.is_exact(&TUPLE_TYPE) {
        let items = tuple::items(container);
        return Some(items[index(key, items.len())?].clone());
    }
    None
}

/// For `container[key] = value`: the index, when `container` is a list and `key` an
/// int in range (then `list::set` does the store).
#[inline(always)]
pub(crate) fn list_store_index(container: &PyObj, key: &PyObj) -> Option<usize> {
    if container.is_exact(&LIST_TYPE) {
        return index(key, list::len(container));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_division_and_modulo_round_toward_negative_infinity() {
        assert_eq!(int_op(7, 2, BinOp::FloorDiv), Some(3));
        assert_eq!(int_op(-7, 2, BinOp::FloorDiv), Some(-4));
        assert_eq!(int_op(7, -2, BinOp::FloorDiv), Some(-4));
        assert_eq!(int_op(-7, 2, BinOp::Mod), Some(1));
        assert_eq!(int_op(7, -2, BinOp::Mod), Some(-1));
        assert_eq!(int_op(i64::MIN, -1, BinOp::FloorDiv), None);
        assert_eq!(int_op(1, 0, BinOp::Mod), None);
    }

    #[test]
    fn overflow_and_shifts_fall_back() {
        assert_eq!(int_op(i64::MAX, 1, BinOp::Add), None);
        assert_eq!(int_op(1, 62, BinOp::LShift), Some(1 << 62));
        assert_eq!(int_op(1, 63, BinOp::LShift), None);
        assert_eq!(int_op(3, 62, BinOp::LShift), None);
        assert_eq!(int_op(-8, 100, BinOp::RShift), Some(-1));
        assert_eq!(int_op(8, -1, BinOp::RShift), None);
    }
}
