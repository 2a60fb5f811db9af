//! Superinstructions: adjacent fast-local loads and stores fused into one
//! instruction, as CPython 3.13's compiler does (Python/flowgraph.c,
//! `insert_superinstructions` and `make_super_instruction`; the instructions are
//! Python/bytecodes.c's `LOAD_FAST_LOAD_FAST`, `STORE_FAST_LOAD_FAST` and
//! `STORE_FAST_STORE_FAST`, with 3.14's borrowed pair `LOAD_FAST_BORROW_LOAD_FAST_BORROW`).
//!
//! The pass runs after [`super::borrow`] on the pending instructions, so the borrow
//! analysis sees single loads; fusing keeps each load's form (counted or borrowed).
//! Two instructions `a` then `b` fuse into `FUSED (a.arg << 4) | b.arg` when
//! - `b` starts no basic block (no label is bound to it),
//! - both arguments are below 16 (so no `EXTENDED_ARG` is ever needed),
//! - both have the same line (line events and `f_lineno` stay as they were),
//! - the same exception handler covers both (the exception table is unchanged), and
//! - every load in the pair reads a local that is definitely bound there.
//!
//! The last rule is strand's: its `LOAD_FAST` checks for an unbound local (the
//! compiler emits no `LOAD_FAST_CHECK`), and the fused instruction has only the first
//! instruction's position, so an `UnboundLocalError` raised by its second half would
//! point the traceback's carets at the wrong name. A local is definitely bound where
//! every path from the entry stores it and none deletes it afterwards (the flow
//! analysis of CPython's `add_checks_for_loads_of_uninitialized_variables`, for the
//! first 64 locals; a later local is never considered bound).

use super::{Arg, Pending};
use crate::bytecode::Op;
use crate::code::{flags, CodeObject};

/// The bit of local `i` in a 64-local mask (0 for the locals past 64: never bound).
fn bit(i: u32) -> u64 {
    if i < 64 {
        1 << i
    } else {
        0
    }
}

/// For each pending instruction, the mask of the first 64 locals definitely bound
/// before it runs (`u64::MAX` for unreachable instructions, which nothing reads).
fn bound_before(code: &CodeObject, pending: &[Pending], labels: &[Option<usize>]) -> Vec<u64> {
    let n = pending.len();
    let mut nparams = code.argcount + code.kwonlyargcount;
    nparams += u32::from(code.flags & flags::VARARGS != 0);
    nparams += u32::from(code.flags & flags::VARKEYWORDS != 0);
    let entry = if nparams >= 64 {
        u64::MAX
    } else {
        (1u64 << nparams) - 1
    };
    // `None`: not reached yet. Masks only shrink (meet = intersection), so the
    // worklist terminates.
    let mut state: Vec<Option<u64>> = vec![None; n + 1];
    let mut work = vec![(0usize, entry)];
    let target = |l: usize| labels.get(l).copied().flatten().unwrap_or(n);
    while let Some((i, m)) = work.pop() {
        if i >= n {
            continue;
        }
        let merged = state[i].map_or(m, |s| s & m);
        if state[i] == Some(merged) {
            continue;
        }
        state[i] = Some(merged);
        let p = &pending[i];
        let after = match (p.op, p.arg) {
            (Op::STORE_FAST, Arg::Value(v)) => merged | bit(v),
            (Op::DELETE_FAST, Arg::Value(v)) => merged & !bit(v),
            _ => merged,
        };
        if let Some(h) = p.handler {
            // The handler may run before or after the instruction's effect.
            work.push((target(h.label), merged & after));
        }
        if let Arg::Label(l) = p.arg {
            work.push((target(l), after));
        }
        if !p.op.is_terminator() {
            work.push((i + 1, after));
        }
    }
    state
        .into_iter()
        .take(n)
        .map(|s| s.unwrap_or(u64::MAX))
        .collect()
}

/// The superinstruction for `first` then `second`, if there is one.
fn fused(first: Op, second: Op) -> Option<Op> {
    Some(match (first, second) {
        (Op::LOAD_FAST, Op::LOAD_FAST) => Op::LOAD_FAST_LOAD_FAST,
        (Op::LOAD_FAST_BORROW, Op::LOAD_FAST_BORROW) => Op::LOAD_FAST_BORROW_LOAD_FAST_BORROW,
        (Op::STORE_FAST, Op::LOAD_FAST) => Op::STORE_FAST_LOAD_FAST,
        (Op::STORE_FAST, Op::LOAD_FAST_BORROW) => Op::STORE_FAST_LOAD_FAST_BORROW,
        (Op::STORE_FAST, Op::STORE_FAST) => Op::STORE_FAST_STORE_FAST,
        _ => return None,
    })
}

/// Fuses the adjacent pairs the module docs describe, removing the second
/// instruction of each pair and renumbering `labels` (which map labels to the index
/// of the instruction they are bound to).
pub(super) fn insert_superinstructions(
    code: &CodeObject,
    pending: &mut Vec<Pending>,
    labels: &mut [Option<usize>],
) {
    let n = pending.len();
    let mut block_start = vec![false; n + 1];
    for &i in labels.iter().flatten() {
        block_start[i.min(n)] = true;
    }
    let mut bound: Option<Vec<u64>> = None;
    let mut removed = vec![false; n];
    let mut i = 0;
    while i + 1 < n {
        let (a, b) = (pending[i], pending[i + 1]);
        let (Some(op), Arg::Value(x), Arg::Value(y)) = (fused(a.op, b.op), a.arg, b.arg) else {
            i += 1;
            continue;
        };
        if block_start[i + 1]
            || x >= 16
            || y >= 16
            || a.loc.line != b.loc.line
            || a.handler != b.handler
        {
            i += 1;
            continue;
        }
        let bound = bound.get_or_insert_with(|| bound_before(code, pending, labels));
        let loads_bound = match a.op {
            Op::STORE_FAST => b.op == Op::STORE_FAST || bound[i + 1] & bit(y) != 0,
            _ => bound[i] & bit(x) != 0 && bound[i + 1] & bit(y) != 0,
        };
        if !loads_bound {
            i += 1;
            continue;
        }
        pending[i].op = op;
        pending[i].arg = Arg::Value((x << 4) | y);
        removed[i + 1] = true;
        i += 2;
    }
    if !removed.contains(&true) {
        return;
    }
    // New index of each old index (`n` maps to the new length).
    let mut new_index = Vec::with_capacity(n + 1);
    let mut k = 0;
    for &r in &removed {
        new_index.push(k);
        k += usize::from(!r);
    }
    new_index.push(k);
    for l in labels.iter_mut().flatten() {
        *l = new_index[(*l).min(n)];
    }
    let mut j = 0;
    pending.retain(|_| {
        j += 1;
        !removed[j - 1]
    });
}

#[cfg(test)]
mod tests {
    use crate::bytecode::{self, Op};
    use crate::code::{CodeObject, Constant};

    /// The instructions of the first function defined in `src`.
    fn ops_of(src: &str) -> Vec<(Op, u32)> {
        let code = crate::codegen::compile_module(src, "<t>").expect("compiles");
        let f: &CodeObject = code
            .consts
            .iter()
            .find_map(|c| match c {
                Constant::Code(c) => Some(&**c),
                _ => None,
            })
            .expect("a function");
        bytecode::instructions(&f.code)
            .expect("valid")
            .into_iter()
            .map(|i| (i.op, i.arg))
            .collect()
    }

    #[test]
    fn fuses_loads_and_stores_of_bound_locals() {
        let ops = ops_of("def f(a, b):\n    c = a\n    d = b\n    e, g = a, b\n    return a + b\n");
        // `return a + b`: a borrowed pair of arguments 0 and 1.
        assert!(
            ops.contains(&(Op::LOAD_FAST_BORROW_LOAD_FAST_BORROW, 1)),
            "{ops:?}"
        );
        // `c = a` then `d = b` on the next line: the store and load stay apart.
        assert!(!ops.iter().any(|(op, _)| matches!(
            op,
            Op::STORE_FAST_LOAD_FAST | Op::STORE_FAST_LOAD_FAST_BORROW
        )));
        // `e, g = a, b`: two stores on one line (e is local 4, g local 5).
        assert!(
            ops.contains(&(Op::STORE_FAST_STORE_FAST, (4 << 4) | 5)),
            "{ops:?}"
        );
    }

    #[test]
    fn keeps_loads_that_may_be_unbound() {
        // `b` is unbound when `a` is false: its load must raise with its own position.
        let ops = ops_of("def f(a):\n    if a: b = 1\n    return a + b\n");
        assert!(!ops.iter().any(|(op, _)| matches!(
            op,
            Op::LOAD_FAST_LOAD_FAST | Op::LOAD_FAST_BORROW_LOAD_FAST_BORROW
        )));
        // Deleted on one path: not bound after the join.
        let ops = ops_of("def f(a, b):\n    if a: del b\n    return a + b\n");
        assert!(!ops.iter().any(|(op, _)| matches!(
            op,
            Op::LOAD_FAST_LOAD_FAST | Op::LOAD_FAST_BORROW_LOAD_FAST_BORROW
        )));
    }

    #[test]
    fn fused_code_passes_the_cache_validation() {
        // All five forms: the bytecode cache's reader must accept what the compiler
        // writes (code it would refuse is never cached).
        let src = "def f(a, b):\n    c, d = a, b\n    e = c; g = [e]; return a + b + e + d, g\n\
                   def h(a):\n    for x in a: y = x; print(y, a)\n    return a\n";
        let code = crate::codegen::compile_module(src, "<t>").expect("compiles");
        crate::serial::validate(&code).expect("valid");
        let ops: Vec<Op> = code
            .consts
            .iter()
            .filter_map(|c| match c {
                Constant::Code(c) => Some(bytecode::instructions(&c.code).expect("valid")),
                _ => None,
            })
            .flatten()
            .map(|i| i.op)
            .collect();
        for op in [
            Op::LOAD_FAST_BORROW_LOAD_FAST_BORROW,
            Op::STORE_FAST_STORE_FAST,
            Op::STORE_FAST_LOAD_FAST_BORROW,
        ] {
            assert!(ops.contains(&op), "{op:?} in {ops:?}");
        }
    }

    #[test]
    fn no_fusion_past_local_15() {
        let params: Vec<String> = (0..20).map(|i| format!("p{i}")).collect();
        let src = format!("def f({}):\n    return p16 + p17\n", params.join(", "));
        let ops = ops_of(&src);
        assert!(!ops.iter().any(|(op, _)| matches!(
            op,
            Op::LOAD_FAST_LOAD_FAST | Op::LOAD_FAST_BORROW_LOAD_FAST_BORROW
        )));
    }
}
