//! Borrowed fast loads: `LOAD_FAST` becomes `LOAD_FAST_BORROW` where the compiler can
//! prove that the pushed reference needs no count of its own (CPython 3.14's
//! `optimize_load_fast` in Python/flowgraph.c).
//!
//! A borrowed load pushes an uncounted stack reference (strand-interp's `StackRef`) to the object the
//! local variable holds, so `self.x`, `a + b` or `f(x)` on an object shared between
//! threads write nothing to its reference count: no atomic increment and decrement on
//! a cache line every thread wants. That is sound while the local keeps its count,
//! which this pass proves by simulating the value stack of the instruction's basic
//! block. The load is borrowed only if the pushed reference (and any copy `COPY`
//! makes, or the `self` a method `LOAD_ATTR` leaves behind, or the value `TO_BOOL`
//! keeps) is consumed before
//! - the local is stored to or deleted,
//! - the block ends (a jump target, a jump or a return that leaves it on the stack),
//! - the covering exception handler changes,
//!
//! and only by an instruction that uses it during the instruction or turns it into a
//! counted reference (`StackRef::into_owned` adds the missing count). `STORE_FAST`,
//! which moves the slot into another local that may outlive the first, is not such an
//! instruction. A `CALL` moves borrowed arguments into the callee's locals, which is
//! sound because the caller's locals cannot change until the call returns and
//! generator frames count every reference when they are created and whenever they
//! suspend (the interpreter's `Frame::make_counted`). An instruction this pass does not
//! know keeps the load counted.

use smallvec::SmallVec;

use super::{Arg, Pending};
use crate::bytecode::Op;

/// What an instruction does with the stack items it reaches: the top `reach` items are
/// read, the top `pops` of them (`pops <= reach`) are removed and `pushes` new ones
/// pushed.
#[derive(Clone, Copy)]
struct Shape {
    pops: usize,
    pushes: usize,
    reach: usize,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Popped items are used during the instruction or counted before being kept.
    Transient,
    /// Popped items move somewhere the analysis does not follow.
    Escape,
    /// The popped item ends on top of the pushed ones (`self` after a method load).
    ToTop,
    /// The popped item stays where it was (`TO_BOOL` of a bool).
    Keep,
    /// `SWAP arg`.
    Swap,
    /// `COPY arg`.
    Copy,
}

const fn shape(pops: usize, pushes: usize, kind: Kind) -> Shape {
    Shape {
        pops,
        pushes,
        reach: pops,
        kind,
    }
}

/// The stack shape of `op` with argument `a`; `None` for instructions the analysis
/// does not model (a borrowed reference must not reach them).
fn shape_of(op: Op, a: u32) -> Option<Shape> {
    use Kind::*;
    let a = a as usize;
    Some(match op {
        Op::NOP | Op::RESUME | Op::KW_NAMES | Op::DELETE_FAST => shape(0, 0, Transient),
        Op::DELETE_DEREF | Op::DELETE_GLOBAL | Op::DELETE_NAME => shape(0, 0, Transient),
        Op::LOAD_CONST
        | Op::LOAD_FAST
        | Op::LOAD_FAST_CHECK
        | Op::LOAD_FAST_BORROW
        | Op::LOAD_DEREF
        | Op::LOAD_CLOSURE
        | Op::LOAD_NAME
        | Op::PUSH_NULL
        | Op::LOAD_BUILD_CLASS
        | Op::LOAD_ASSERTION_ERROR => shape(0, 1, Transient),
        Op::LOAD_GLOBAL => shape(0, 1 + (a & 1), Transient),
        Op::POP_TOP | Op::STORE_DEREF | Op::STORE_GLOBAL | Op::STORE_NAME => shape(1, 0, Transient),
        Op::STORE_FAST => shape(1, 0, Escape),
        Op::LOAD_ATTR if a & 1 == 1 => shape(1, 2, ToTop),
        Op::LOAD_ATTR => shape(1, 1, Transient),
        Op::STORE_ATTR => shape(2, 0, Transient),
        Op::DELETE_ATTR => shape(1, 0, Transient),
        Op::BINARY_OP | Op::COMPARE_OP | Op::IS_OP | Op::CONTAINS_OP | Op::BINARY_SUBSCR => {
            shape(2, 1, Transient)
        }
        Op::UNARY_NEGATIVE | Op::UNARY_NOT | Op::UNARY_INVERT | Op::UNARY_POSITIVE => {
            shape(1, 1, Transient)
        }
        Op::TO_BOOL => shape(1, 1, Keep),
        Op::STORE_SUBSCR => shape(3, 0, Transient),
        Op::DELETE_SUBSCR => shape(2, 0, Transient),
        Op::BUILD_SLICE | Op::BUILD_TUPLE | Op::BUILD_LIST | Op::BUILD_SET | Op::BUILD_STRING => {
            shape(a, 1, Transient)
        }
        Op::BUILD_MAP => shape(2 * a, 1, Transient),
        Op::BUILD_CONST_KEY_MAP => shape(a + 1, 1, Transient),
        Op::LIST_APPEND
        | Op::SET_ADD
        | Op::LIST_EXTEND
        | Op::SET_UPDATE
        | Op::DICT_UPDATE
        | Op::DICT_MERGE => Shape {
            reach: 1 + a,
            ..shape(1, 0, Transient)
        },
        Op::MAP_ADD => Shape {
            reach: 2 + a,
            ..shape(2, 0, Transient)
        },
        Op::LIST_TO_TUPLE | Op::GET_ITER => shape(1, 1, Transient),
        Op::FORMAT_VALUE => shape(1 + ((a >> 2) & 1), 1, Transient),
        Op::UNPACK_SEQUENCE => shape(1, a, Transient),
        Op::UNPACK_EX => shape(1, (a & 0xff) + (a >> 8) + 1, Transient),
        Op::MAKE_FUNCTION => shape(1 + (a & 0xf).count_ones() as usize, 1, Transient),
        Op::CALL => shape(a + 2, 1, Transient),
        Op::CALL_FUNCTION_EX => shape(3 + (a & 1), 1, Transient),
        Op::RETURN_VALUE | Op::PRINT_EXPR => shape(1, 0, Transient),
        Op::RETURN_CONST => shape(0, 0, Transient),
        Op::YIELD_VALUE => shape(1, 1, Transient),
        Op::SWAP => Shape {
            reach: a,
            ..shape(0, 0, Swap)
        },
        Op::COPY => Shape {
            reach: a,
            ..shape(0, 1, Copy)
        },
        _ => return None,
    })
}

/// Rewrites each provably safe `LOAD_FAST` in `pending` into `LOAD_FAST_BORROW`.
/// `labels` maps labels to the index of the instruction they are bound to.
pub(super) fn borrow_fast_loads(pending: &mut [Pending], labels: &[Option<usize>]) {
    let mut block_start = vec![false; pending.len() + 1];
    for &i in labels.iter().flatten() {
        block_start[i] = true;
    }
    for i in 0..pending.len() {
        if pending[i].op != Op::LOAD_FAST {
            continue;
        }
        if let Arg::Value(local) = pending[i].arg {
            if consumed_safely(pending, &block_start, i, local) {
                pending[i].op = Op::LOAD_FAST_BORROW;
            }
        }
    }
}

/// Whether the reference `LOAD_FAST local` at `pending[at]` pushes is consumed within
/// its block, by instructions that do not keep it uncounted, before `local` changes.
fn consumed_safely(pending: &[Pending], block_start: &[bool], at: usize, local: u32) -> bool {
    // Stack positions relative to the height before the load: the load pushed
    // position 0; `height` is the number of items above that height.
    let mut live: SmallVec<[isize; 4]> = SmallVec::from_slice(&[0]);
    let mut height: isize = 1;
    let handler = pending[at].handler;
    for (j, ins) in pending.iter().enumerate().skip(at + 1) {
        if block_start[j] || ins.handler != handler {
            return false;
        }
        let arg = match ins.arg {
            Arg::Value(v) => v,
            Arg::Label(_) => {
                // A conditional jump may consume the last live reference; anything else
                // ends the block with it on the stack.
                let pops_top = matches!(
                    ins.op,
                    Op::POP_JUMP_IF_FALSE
                        | Op::POP_JUMP_IF_TRUE
                        | Op::POP_JUMP_IF_NONE
                        | Op::POP_JUMP_IF_NOT_NONE
                );
                return pops_top && live.as_slice() == [height - 1];
            }
        };
        if matches!(ins.op, Op::STORE_FAST | Op::DELETE_FAST) && arg == local {
            return false;
        }
        let Some(s) = shape_of(ins.op, arg) else {
            return false;
        };
        let (reach, pops) = (s.reach as isize, s.pops as isize);
        match s.kind {
            Kind::Swap => {
                let other = height - reach;
                for p in live.iter_mut() {
                    if *p == height - 1 {
                        *p = other;
                    } else if *p == other {
                        *p = height - 1;
                    }
                }
            }
            Kind::Copy => {
                if live.contains(&(height - reach)) {
                    live.push(height);
                }
            }
            kind => {
                let mut k = 0;
                while k < live.len() {
                    let p = live[k];
                    if p < height - reach {
                        k += 1;
                        continue;
                    }
                    if p < height - pops {
                        // Read in place below the popped items (a comprehension's
                        // target): not modelled.
                        return false;
                    }
                    match kind {
                        Kind::Transient => {
                            live.swap_remove(k);
                            continue;
                        }
                        Kind::ToTop => live[k] = height - pops + s.pushes as isize - 1,
                        Kind::Keep => {}
                        _ => return false,
                    }
                    k += 1;
                }
            }
        }
        height += s.pushes as isize - pops;
        if live.is_empty() {
            return true;
        }
        if matches!(ins.op, Op::RETURN_VALUE | Op::RETURN_CONST) {
            return false;
        }
    }
    false
}
