//! Lines for the instructions the compiler emits without one (an `if`'s jump over its
//! `else`, the implicit `return None` at the end of a body), as CPython 3.11's
//! compiler gives them (Python/compile.c: `duplicate_exits_without_lineno`,
//! `propagate_line_numbers`, and the optimizer's inlining of a jump to a small exit
//! block). What `sys.settrace` reports depends on it: a function whose last
//! statement is an `if` returns on the line of the branch it ran, not on the line of
//! the last statement in the source.
//!
//! Three steps, over the pending instructions before assembly:
//! 1. An unconditional forward jump that reaches (directly or through other such
//!    jumps without a line) a `RETURN_CONST` without a line becomes that return.
//! 2. A conditional jump to such a return jumps to a copy of it instead, appended at
//!    the end with the jump's position.
//! 3. An instruction without a line that is reached one way only takes the position
//!    of the instruction that falls or jumps into it.

use super::{Arg, Pending};
use crate::bytecode::{Location, Op};

fn no_line(p: &Pending) -> bool {
    p.loc.line == 0
}

/// Gives lines to the instructions emitted without one (see the module docs).
/// `labels` maps labels to the index of the instruction they are bound to (labels
/// are added for the copies of step 2).
pub(super) fn resolve(pending: &mut Vec<Pending>, labels: &mut Vec<Option<usize>>) {
    let target_of = |labels: &[Option<usize>], p: &Pending| match p.arg {
        Arg::Label(l) => labels.get(l).copied().flatten(),
        Arg::Value(_) => None,
    };
    // The return an unconditional jump chain from `at` ends in, if it has no line.
    let exit_of = |pending: &[Pending], labels: &[Option<usize>], mut at: usize| {
        for _ in 0..pending.len() {
            let p = pending.get(at)?;
            match p.op {
                Op::RETURN_CONST if no_line(p) => return Some(p.arg),
                Op::JUMP_FORWARD if no_line(p) => at = target_of(labels, p)?,
                _ => return None,
            }
        }
        None
    };
    // Step 1.
    for i in 0..pending.len() {
        if pending[i].op != Op::JUMP_FORWARD {
            continue;
        }
        let Some(t) = target_of(labels, &pending[i]) else {
            continue;
        };
        if let Some(arg) = exit_of(pending, labels, t) {
            pending[i].op = Op::RETURN_CONST;
            pending[i].arg = arg;
        }
    }
    // Step 2.
    for i in 0..pending.len() {
        let conditional = matches!(
            pending[i].op,
            Op::POP_JUMP_IF_FALSE
                | Op::POP_JUMP_IF_TRUE
                | Op::POP_JUMP_IF_NONE
                | Op::POP_JUMP_IF_NOT_NONE
        );
        if !conditional || no_line(&pending[i]) {
            continue;
        }
        let Some(t) = target_of(labels, &pending[i]) else {
            continue;
        };
        let Some(arg) = exit_of(pending, labels, t) else {
            continue;
        };
        labels.push(Some(pending.len()));
        let copy = Pending {
            op: Op::RETURN_CONST,
            arg,
            loc: pending[i].loc,
            handler: None,
        };
        pending[i].arg = Arg::Label(labels.len() - 1);
        pending.push(copy);
    }
    // Step 3: the one way in gives the line; with several, there is none.
    let n = pending.len();
    let mut jumped_from: Vec<Option<usize>> = vec![None; n + 1];
    let mut ways_in = vec![0u32; n + 1];
    for (i, p) in pending.iter().enumerate() {
        if let Some(t) = target_of(labels, p) {
            jumped_from[t] = Some(i);
            ways_in[t] += 1;
        }
        if let Some(h) = p.handler {
            if let Some(t) = labels.get(h.label).copied().flatten() {
                ways_in[t] += 2;
            }
        }
    }
    for i in 1..n {
        if !no_line(&pending[i]) {
            continue;
        }
        let falls_in = !pending[i - 1].op.is_terminator();
        let from = match (falls_in, ways_in[i], jumped_from[i]) {
            (true, 0, _) => Some(i - 1),
            (false, 1, Some(j)) => Some(j),
            _ => None,
        };
        if let Some(j) = from {
            let loc: Location = pending[j].loc;
            pending[i].loc = loc;
        }
    }
}
