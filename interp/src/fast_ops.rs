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
            strand_literal::str::compare(pystr::as_str(lhs), pystr::as_str(rhs))
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

// -------------------------------------------------------------------------------------
// The specialized instruction forms. Each returns `None` when its guard (the operand
// types, or a value outside its fast path) fails; the caller then counts a miss and
// runs the generic instruction, which gives the same result or error.
// -------------------------------------------------------------------------------------

use strand_compiler::bytecode::{BinaryOpArg, Op, BINARY_OP_INPLACE};
use strand_objects::{dict, set, singletons, PyResult};

use crate::specialize::Cache;
use crate::stackref::StackRef;

/// BINARY_OP_* forms.
#[inline(always)]
pub(crate) fn specialized_binary_op(op: Op, lhs: &PyObj, rhs: &PyObj, arg: usize) -> Option<PyObj> {
    match op {
        Op::BINARY_OP_ADD_INT | Op::BINARY_OP_SUBTRACT_INT | Op::BINARY_OP_MULTIPLY_INT => {
            let (a, b) = (small_int(lhs)?, small_int(rhs)?);
            let r = match op {
                Op::BINARY_OP_ADD_INT => a.checked_add(b),
                Op::BINARY_OP_SUBTRACT_INT => a.checked_sub(b),
                _ => a.checked_mul(b),
            }?;
            Some(int::from_i64(r))
        }
        Op::BINARY_OP_ADD_FLOAT
        | Op::BINARY_OP_SUBTRACT_FLOAT
        | Op::BINARY_OP_MULTIPLY_FLOAT
        | Op::BINARY_OP_TRUE_DIVIDE_FLOAT => {
            let (a, b) = (exact_float(lhs)?, exact_float(rhs)?);
            let r = match op {
                Op::BINARY_OP_ADD_FLOAT => a + b,
                Op::BINARY_OP_SUBTRACT_FLOAT => a - b,
                Op::BINARY_OP_MULTIPLY_FLOAT => a * b,
                // Division by zero raises: the generic code does that.
                _ if b == 0.0 => return None,
                _ => a / b,
            };
            Some(float::from_f64(r))
        }
        Op::BINARY_OP_MIXED_FLOAT => {
            // One exact float and one exact int that converts exactly.
            if !(lhs.is_exact(&FLOAT_TYPE) || rhs.is_exact(&FLOAT_TYPE)) {
                return None;
            }
            let (a, b) = (float_operand(lhs)?, float_operand(rhs)?);
            let kind = BinaryOpArg::from_u8((arg % usize::from(BINARY_OP_INPLACE)) as u8)?;
            let r = match kind {
                BinaryOpArg::Add => a + b,
                BinaryOpArg::Subtract => a - b,
                BinaryOpArg::Multiply => a * b,
                BinaryOpArg::TrueDivide if b != 0.0 => a / b,
                _ => return None,
            };
            Some(float::from_f64(r))
        }
        Op::BINARY_OP_ADD_UNICODE => {
            if !(lhs.is_exact(&STR_TYPE) && rhs.is_exact(&STR_TYPE)) {
                return None;
            }
            let (a, b) = (pystr::as_str(lhs), pystr::as_str(rhs));
            // Long results take the generic path, whose allocation is checked and
            // fails with MemoryError rather than aborting.
            if a.len() + b.len() > LONG_CONCAT {
                return None;
            }
            let mut s = String::with_capacity(a.len() + b.len());
            s.push_str(a);
            s.push_str(b);
            Some(pystr::from_string(s))
        }
        _ => None,
    }
}

/// The longest str (in bytes) BINARY_OP_ADD_UNICODE builds itself.
const LONG_CONCAT: usize = 1 << 20;

/// COMPARE_OP_* forms (`arg >> 4` is the comparison).
#[inline(always)]
pub(crate) fn specialized_compare(op: Op, lhs: &PyObj, rhs: &PyObj, arg: usize) -> Option<bool> {
    let cmp = match arg >> 4 {
        0 => CompareOp::Lt,
        1 => CompareOp::Le,
        2 => CompareOp::Eq,
        3 => CompareOp::Ne,
        4 => CompareOp::Gt,
        _ => CompareOp::Ge,
    };
    match op {
        Op::COMPARE_OP_INT => {
            let (a, b) = (small_int(lhs)?, small_int(rhs)?);
            Some(cmp.test(a.cmp(&b)))
        }
        Op::COMPARE_OP_FLOAT => {
            let (a, b) = (exact_float(lhs)?, exact_float(rhs)?);
            // NaN compares false with everything (and unequal).
            Some(match cmp {
                CompareOp::Lt => a < b,
                CompareOp::Le => a <= b,
                CompareOp::Eq => a == b,
                CompareOp::Ne => a != b,
                CompareOp::Gt => a > b,
                CompareOp::Ge => a >= b,
            })
        }
        Op::COMPARE_OP_STR => {
            if !(lhs.is_exact(&STR_TYPE) && rhs.is_exact(&STR_TYPE)) {
                return None;
            }
            let eq = lhs.is(rhs) || pystr::eq(lhs, rhs);
            match cmp {
                CompareOp::Eq => Some(eq),
                CompareOp::Ne => Some(!eq),
                _ => None,
            }
        }
        _ => None,
    }
}

/// TO_BOOL_* forms; TO_BOOL_ALWAYS_TRUE checks the type version in units 1-2.
#[inline(always)]
pub(crate) fn specialized_truth(op: Op, v: &PyObj, cache: &Cache<'_>) -> Option<bool> {
    match op {
        Op::TO_BOOL_BOOL => v
            .is_exact(&int::BOOL_TYPE)
            .then(|| singletons::is_true_obj(v)),
        Op::TO_BOOL_INT => {
            if !v.is_exact(&INT_TYPE) {
                return None;
            }
            Some(match int::as_i64(v) {
                Some(i) => i != 0,
                // Big values are never zero.
                None => true,
            })
        }
        Op::TO_BOOL_LIST => v.is_exact(&LIST_TYPE).then(|| list::len(v) != 0),
        Op::TO_BOOL_NONE => singletons::is_none(v).then_some(false),
        Op::TO_BOOL_STR => v.is_exact(&STR_TYPE).then(|| !pystr::as_str(v).is_empty()),
        Op::TO_BOOL_ALWAYS_TRUE => (v.ty().current_version() == cache.u32_at(1)).then_some(true),
        _ => None,
    }
}

/// CONTAINS_OP_DICT / _SET: `Ok(None)` when the container is not of the form's type.
#[inline(always)]
pub(crate) fn specialized_contains(
    op: Op,
    container: &PyObj,
    key: &PyObj,
) -> PyResult<Option<bool>> {
    match op {
        Op::CONTAINS_OP_DICT if container.is_exact(&dict::DICT_TYPE) => {
            dict::get_item(container, key).map(|v| Some(v.is_some()))
        }
        Op::CONTAINS_OP_SET
            if container.is_exact(&set::SET_TYPE) || container.is_exact(&set::FROZENSET_TYPE) =>
        {
            set::contains(container, key).map(Some)
        }
        _ => Ok(None),
    }
}

/// BINARY_SUBSCR_* forms: `Ok(None)` when the guard fails (including an index out of
/// range and a missing dict key, whose errors the generic code raises).
#[inline(always)]
pub(crate) fn specialized_subscript(
    op: Op,
    container: &PyObj,
    key: &PyObj,
) -> PyResult<Option<PyObj>> {
    Ok(match op {
        Op::BINARY_SUBSCR_LIST_INT if container.is_exact(&LIST_TYPE) => {
            index(key, list::len(container)).and_then(|i| list::get(container, i))
        }
        Op::BINARY_SUBSCR_TUPLE_INT if container.is_exact(&TUPLE_TYPE) => {
            let items = tuple::items(container);
            index(key, items.len()).map(|i| items[i].clone())
        }
        Op::BINARY_SUBSCR_DICT if container.is_exact(&dict::DICT_TYPE) => {
            dict::get_item(container, key)?
        }
        Op::BINARY_SUBSCR_STR_INT
            if container.is_exact(&STR_TYPE) && pystr::payload(container).is_ascii() =>
        {
            // One byte per character: the character at a byte index, as the
            // interned one-character string CPython also returns.
            let s = pystr::as_str(container);
            index(key, s.len()).map(|j| pystr::intern(&s[j..=j]))
        }
        _ => None,
    })
}

/// FOR_ITER_RANGE / _LIST / _TUPLE: `Some(next)` (`None` inside once the iterator is
/// exhausted) when the iterator has the form's exact type, `None` when the guard fails.
#[inline(always)]
pub(crate) fn specialized_for_iter(op: Op, iter: &PyObj) -> Option<Option<PyObj>> {
    use strand_objects::iterators::{self, LIST_ITER_TYPE, TUPLE_ITER_TYPE};
    use strand_objects::range::{self, RANGE_ITER_TYPE};
    match op {
        Op::FOR_ITER_RANGE if iter.is_exact(&RANGE_ITER_TYPE) => Some(range::range_iter_step(iter)),
        Op::FOR_ITER_LIST if iter.is_exact(&LIST_ITER_TYPE) => {
            Some(iterators::list_iter_step(iter))
        }
        Op::FOR_ITER_TUPLE if iter.is_exact(&TUPLE_ITER_TYPE) => {
            Some(iterators::tuple_iter_step(iter))
        }
        _ => None,
    }
}

/// STORE_SUBSCR_LIST_INT's fast path: an exact list and an index that fits in an
/// `i64` and is in range. Moves `value`'s reference into the slot under the list's
/// critical section (leaving `value` null) and returns the item it replaced, to be
/// dropped by the caller once the stack is consistent (its `__del__` may run). `None`
/// leaves everything as it was: the caller goes on with [`specialized_store_subscr`].
#[inline(always)]
pub(crate) fn store_subscr_list_int_locked(
    container: &PyObj,
    key: &PyObj,
    value: &mut StackRef,
) -> Option<PyObj> {
    if !container.is_exact(&LIST_TYPE) {
        return None;
    }
    let k = small_int(key)?;
    let v = std::mem::take(value)
        .into_owned()
        .expect("null on the value stack (compiler bug)");
    match list::replace_at(container, k, v) {
        Ok(old) => Some(old),
        Err(v) => {
            // Out of range: the value goes back on the stack for the generic path.
            *value = StackRef::from_owned(v);
            None
        }
    }
}

/// UNPACK_SEQUENCE_LIST's fast path: an exact list of `n` items; `push` receives the
/// items as new counted references, last first, under the list's critical section
/// (it must not run Python code). `false` when the guard fails and nothing was pushed.
#[inline(always)]
pub(crate) fn unpack_list_locked(seq: &PyObj, n: usize, mut push: impl FnMut(StackRef)) -> bool {
    if !seq.is_exact(&LIST_TYPE) {
        return false;
    }
    list::with_items(seq, |items| {
        if items.len() != n {
            return false;
        }
        for v in items.iter().rev() {
            push(StackRef::new_ref(v));
        }
        true
    })
}

/// STORE_SUBSCR_LIST_INT / _DICT: `Ok(false)` when the guard fails (the generic code
/// then stores, or raises).
#[inline(always)]
pub(crate) fn specialized_store_subscr(
    op: Op,
    container: &PyObj,
    key: &PyObj,
    v: &PyObj,
) -> PyResult<bool> {
    match op {
        Op::STORE_SUBSCR_LIST_INT if container.is_exact(&LIST_TYPE) => {
            Ok(match index(key, list::len(container)) {
                Some(i) => list::set(container, i, v.clone()),
                None => false,
            })
        }
        Op::STORE_SUBSCR_DICT if container.is_exact(&dict::DICT_TYPE) => {
            dict::set_item(container, key.clone(), v.clone()).map(|()| true)
        }
        _ => Ok(false),
    }
}
