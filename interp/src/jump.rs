//! Assigning `frame.f_lineno`: a trace function moves its frame to another line (the
//! debugger's "jump" command), as CPython 3.11 allows it (Objects/frameobject.c:
//! `frame_setlineno`, `mark_stacks`, `compatible_stack`, `marklines`).
//!
//! **When.** Only from the frame's trace function, while it is sent a `line` event
//! for that frame, or the `return` event of a `yield` (the frame is suspended). Other
//! events are refused with CPython's messages ("can't jump from the 'call' trace event
//! of a new frame", "can only jump from a 'line' trace event"), and so is a frame
//! without a trace function ("f_lineno can only be set by a trace function").
//!
//! **Where.** The target line is the first line at or after the requested one where
//! some instruction starts a line (a line with code); before the code's first line,
//! or past its last, is refused. Of the instructions that start that line, the jump
//! takes the one whose value stack suits the frame's best.
//!
//! **Stacks.** The analysis models the kinds of the values on the value stack before
//! each instruction of strand's own bytecode ([`mark_stacks`]): plain objects, the
//! nulls of calls, the iterators of `for` loops, the exception state of handlers
//! (from the exception table and PUSH_EXC_INFO), and the offsets that re-raising
//! handlers keep. A jump is allowed when the target's stack is the current one with
//! values taken off its top, each remaining kind compatible ([`compatible_stack`]):
//! so one may leave a `for` loop, a `with` block or an `except` clause (their values
//! are popped: an exception state restores the exception being handled, as
//! POP_EXCEPT would), but not enter one. Stacks are packed three bits a value into an
//! `i64`, as CPython's are; deeper ones are "too deep to analyze".
//!
//! **After.** The frame's saved instruction and depth are moved and the loop, told by
//! [`crate::sys_trace::take_jump`], goes on there without a second event for the
//! instruction it lands on. A generator moved at a `yield` resumes as CPython's does
//! where that is sound (see [`set_lineno`]). References the stack keeps are made counted (the
//! compiler's proof for borrowed ones covered the path not taken). Locals the skipped
//! code would have bound stay unbound: LOAD_FAST checks every read.

use strand_compiler::bytecode::{self, Instruction, Op};
use strand_compiler::code::flags;
use strand_compiler::codegen::stack_effect;
use strand_compiler::CodeObject;
use strand_objects::exceptions::{self as exc, PyErr};
use strand_objects::{int, singletons, PyObj, PyResult};

use crate::frame::Frame;
use crate::sys_trace::Event;

/// A packed value stack: three bits per value (a [`Kind`]), the top in the low bits;
/// negative values are [`UNINITIALIZED`] and [`OVERFLOWED`].
type Stack = i64;

/// Not reached by the analysis (unreachable code, or a handler never entered).
const UNINITIALIZED: Stack = -2;
/// Too deep to pack.
const OVERFLOWED: Stack = -1;
const BITS: u32 = 3;
/// How many values fit.
const MAX_ENTRIES: u32 = 63 / BITS;
/// A stack at least this large overflows when pushed on.
const WILL_OVERFLOW: u64 = 1 << ((MAX_ENTRIES - 1) * BITS);

/// The kind of a value on the stack (never 0: a packed stack's depth is the number of
/// its non-zero three-bit groups).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(i64)]
enum Kind {
    /// A `for` or `async for` loop's iterator.
    Iterator = 1,
    /// A handler's exception state: the exception, or the one handled before it.
    Except = 2,
    /// Any other object.
    Object = 3,
    /// A null (below a callable) or an object.
    Null = 4,
    /// The raising instruction's offset, kept by re-raising handlers.
    Lasti = 5,
}

fn push(stack: Stack, kind: Kind) -> Stack {
    if stack as u64 >= WILL_OVERFLOW {
        OVERFLOWED
    } else {
        (stack << BITS) | kind as i64
    }
}

fn pop(stack: Stack) -> Stack {
    stack >> BITS
}

fn pop_n(mut stack: Stack, n: usize) -> Stack {
    for _ in 0..n {
        stack = pop(stack);
    }
    stack
}

/// The kind on top (0 for the empty stack).
fn top(stack: Stack) -> i64 {
    stack & ((1 << BITS) - 1)
}

/// The number of values of a packed (non-negative) stack.
fn depth(mut stack: Stack) -> usize {
    let mut n = 0;
    while stack > 0 {
        stack = pop(stack);
        n += 1;
    }
    n
}

/// The kinds from the bottom up (non-negative stacks only).
fn unpack(mut stack: Stack) -> Vec<i64> {
    let mut v = Vec::new();
    while stack > 0 {
        v.push(top(stack));
        stack = pop(stack);
    }
    v.reverse();
    v
}

fn repack(kinds: &[i64]) -> Stack {
    kinds.iter().fold(0, |s, &k| {
        if s < 0 || s as u64 >= WILL_OVERFLOW {
            OVERFLOWED
        } else {
            (s << BITS) | k
        }
    })
}

/// Whether a value of kind `from` may stand where the target expects `to`.
fn compatible_kind(from: i64, to: i64) -> bool {
    if to == 0 {
        return false;
    }
    if to == Kind::Object as i64 {
        return from != Kind::Null as i64;
    }
    if to == Kind::Null as i64 {
        return true;
    }
    from == to
}

/// Whether a frame with stack `from` may jump where the stack is `to`: `to` is `from`
/// with values popped, each remaining value compatible.
fn compatible_stack(mut from: Stack, mut to: Stack) -> bool {
    if from < 0 || to < 0 {
        return false;
    }
    while from > to {
        from = pop(from);
    }
    while from != 0 {
        if !compatible_kind(top(from), top(to)) {
            return false;
        }
        from = pop(from);
        to = pop(to);
    }
    to == 0
}

/// Why a jump to a place with stack `to` is refused.
fn explain_incompatible(to: Stack) -> &'static str {
    if to == OVERFLOWED {
        return "stack is too deep to analyze";
    }
    if to == UNINITIALIZED {
        return "can't jump into an exception handler, or code may be unreachable";
    }
    match top(to) {
        k if k == Kind::Except as i64 => {
            "can't jump into an 'except' block as there's no exception"
        }
        k if k == Kind::Lasti as i64 => "can't jump into a re-raising block as there's no location",
        k if k == Kind::Iterator as i64 => "can't jump into the body of a for loop",
        _ => "incompatible stacks",
    }
}

/// The code's instructions and the stack before each (CPython's `mark_stacks` over
/// strand's instructions and exception table).
fn mark_stacks(code: &CodeObject) -> (Vec<Instruction>, Vec<Stack>) {
    let instrs = bytecode::instructions(&code.code).unwrap_or_default();
    let n = instrs.len();
    let mut index = vec![usize::MAX; code.code.len() + 1];
    for (i, ins) in instrs.iter().enumerate() {
        index[ins.offset] = i;
    }
    let at = |offset: usize| index.get(offset).copied().filter(|&i| i < n);
    let mut stacks = vec![UNINITIALIZED; n];
    if n == 0 {
        return (instrs, stacks);
    }
    stacks[0] = 0;
    let mut todo = true;
    while todo {
        todo = false;
        // Sets the stack of instruction `j` (first come: the compiler keeps depths
        // consistent), noting a second pass when it was behind `i`.
        let mut set = |stacks: &mut Vec<Stack>, i: usize, j: Option<usize>, s: Stack| {
            if let Some(j) = j {
                if stacks[j] == UNINITIALIZED {
                    stacks[j] = s;
                    if j <= i {
                        todo = true;
                    }
                }
            }
        };
        for i in 0..n {
            let st = stacks[i];
            if st == UNINITIALIZED {
                continue;
            }
            let ins = instrs[i];
            let a = ins.arg;
            let next = (i + 1 < n).then_some(i + 1);
            let target = ins.jump_target().and_then(at);
            match ins.op {
                Op::POP_JUMP_IF_FALSE
                | Op::POP_JUMP_IF_TRUE
                | Op::POP_JUMP_IF_NONE
                | Op::POP_JUMP_IF_NOT_NONE => {
                    let s = pop(st);
                    set(&mut stacks, i, target, s);
                    set(&mut stacks, i, next, s);
                }
                Op::JUMP_FORWARD | Op::JUMP_BACKWARD => set(&mut stacks, i, target, st),
                Op::SEND => {
                    set(&mut stacks, i, target, pop(st));
                    set(&mut stacks, i, next, st);
                }
                Op::FOR_ITER => {
                    set(&mut stacks, i, next, push(st, Kind::Object));
                    set(&mut stacks, i, target, pop(st));
                }
                Op::RETURN_VALUE | Op::RETURN_CONST | Op::RAISE_VARARGS | Op::RERAISE => {}
                Op::GET_ITER | Op::GET_AITER => {
                    set(&mut stacks, i, next, push(pop(st), Kind::Iterator));
                }
                Op::PUSH_EXC_INFO => set(&mut stacks, i, next, push(st, Kind::Except)),
                Op::PUSH_NULL => set(&mut stacks, i, next, push(st, Kind::Null)),
                Op::LOAD_GLOBAL => {
                    let s = if a & 1 == 1 { push(st, Kind::Null) } else { st };
                    set(&mut stacks, i, next, push(s, Kind::Object));
                }
                Op::LOAD_ATTR if a & 1 == 1 => {
                    let s = push(pop(st), Kind::Null);
                    set(&mut stacks, i, next, push(s, Kind::Object));
                }
                Op::LOAD_SUPER_ATTR => {
                    let mut s = pop_n(st, 3);
                    if a & 1 == 1 {
                        s = push(s, Kind::Null);
                    }
                    set(&mut stacks, i, next, push(s, Kind::Object));
                }
                Op::CALL => {
                    let s = pop_n(st, a as usize + 2);
                    set(&mut stacks, i, next, push(s, Kind::Object));
                }
                Op::CALL_FUNCTION_EX => {
                    let s = pop_n(st, 3 + (a as usize & 1));
                    set(&mut stacks, i, next, push(s, Kind::Object));
                }
                Op::SWAP if st >= 0 => {
                    let mut kinds = unpack(st);
                    let len = kinds.len();
                    let k = a as usize;
                    if k >= 1 && k <= len {
                        kinds.swap(len - 1, len - k);
                    }
                    set(&mut stacks, i, next, repack(&kinds));
                }
                op => {
                    let (delta, _) = stack_effect(op, a);
                    let mut s = st;
                    for _ in delta..0 {
                        s = pop(s);
                    }
                    for _ in 0..delta {
                        s = push(s, Kind::Object);
                    }
                    set(&mut stacks, i, next, s);
                }
            }
        }
        // Handlers: the stack where their range starts, cut to their depth, with the
        // offset of re-raising handlers and the exception on top.
        for e in &code.exceptions {
            let (Some(start), Some(handler)) = (at(e.start as usize), at(e.target as usize)) else {
                continue;
            };
            let st = stacks[start];
            if st == UNINITIALIZED || stacks[handler] != UNINITIALIZED {
                continue;
            }
            let mut s = st;
            if s >= 0 {
                while depth(s) > e.depth as usize {
                    s = pop(s);
                }
            }
            if e.lasti {
                s = push(s, Kind::Lasti);
            }
            stacks[handler] = push(s, Kind::Except);
            todo = true;
        }
    }
    (instrs, stacks)
}

/// The line each instruction starts, -1 for those that do not start one (CPython's
/// `marklines`: where the line changes from the last instruction with a line).
/// Instructions the analysis never reached (`stacks`) start none: CPython's compiler
/// removes most such dead code (the statements after a `return`, or after a
/// `while True:` loop), strand's keeps it. Nor do loops' closing jumps.
fn marklines(code: &CodeObject, instrs: &[Instruction], stacks: &[Stack]) -> Vec<i64> {
    let mut last = -1i64;
    instrs
        .iter()
        .zip(stacks)
        .map(|(ins, &st)| match code.lines.line_of(ins.offset) {
            _ if st == UNINITIALIZED => -1,
            // A loop's closing jump, on the line it jumps to: CPython 3.11 gives it
            // the line of the statement before it (see `sys_trace::LineMap`).
            Some(l)
                if ins.op == Op::JUMP_BACKWARD
                    && ins
                        .jump_target()
                        .is_some_and(|t| code.lines.line_of(t) == Some(l)) =>
            {
                -1
            }
            Some(l) if i64::from(l) != last => {
                last = i64::from(l);
                last
            }
            _ => -1,
        })
        .collect()
}

fn value_error(msg: impl Into<String>) -> PyErr {
    exc::value_error(msg.into())
}

/// `frame.f_lineno = value` for the frame object `fobj`, whose interpreter frame is
/// `frame` while it lives (CPython's `frame_setlineno`; see the module docs).
///
/// # Errors
/// `AttributeError` for a deletion; `ValueError` for a value that is not an int, when
/// the frame is not at a `line` event of its trace function (or the `return` of a
/// `yield`), and for a line outside the code or one that cannot be jumped to, with
/// CPython 3.11's messages.
pub(crate) fn set_lineno(
    fobj: &PyObj,
    frame: Option<&Frame>,
    value: Option<&PyObj>,
) -> PyResult<()> {
    let Some(value) = value else {
        return Err(exc::attribute_error("cannot delete attribute"));
    };
    if !value.is_exact(&int::INT_TYPE) {
        return Err(value_error("lineno must be an integer"));
    }
    let (what, event_frame, suspended) = crate::sys_trace::current_event();
    let this_event = frame.is_some_and(|f| std::ptr::eq(f, event_frame));
    match what {
        Event::Line => {}
        Event::Call => {
            return Err(value_error(
                "can't jump from the 'call' trace event of a new frame",
            ))
        }
        Event::Return if suspended && this_event => {}
        _ => return Err(value_error("can only jump from a 'line' trace event")),
    }
    if crate::frame_object::trace(fobj).is_none() {
        return Err(value_error("f_lineno can only be set by a trace function"));
    }
    // The frame being traced is the one moved: its registers are saved in it.
    let Some(frame) = frame.filter(|_| this_event) else {
        return Err(value_error("can only jump from a 'line' trace event"));
    };
    let new = int::as_i64(value)
        .filter(|l| i32::try_from(*l).is_ok())
        .ok_or_else(|| value_error("lineno out of range"))?;
    let code = &frame.data().code;
    if new < i64::from(code.firstlineno) {
        return Err(value_error(format!(
            "line {new} comes before the current code block"
        )));
    }
    let (instrs, stacks) = mark_stacks(code);
    let lines = marklines(code, &instrs, &stacks);
    let Some(line) = lines.iter().copied().filter(|&l| l >= new).min() else {
        return Err(value_error(format!(
            "line {new} comes after the current code block"
        )));
    };
    // The stack before the instruction the frame is at (the one about to run; the
    // YIELD_VALUE of a suspended frame, whose value is gone).
    let pc = frame.last_pc();
    let current = instrs
        .iter()
        .rposition(|ins| ins.offset <= pc)
        .ok_or_else(|| value_error("can't jump from within an exception handler"))?;
    let mut start = stacks[current];
    let mut best: Stack = OVERFLOWED;
    let mut best_at = None;
    let mut err: i32 = -1;
    let mut msg = "cannot find bytecode for specified line";
    // A generator's first instruction: CPython's starts with RETURN_GENERATOR, where
    // its model has the value sent on the stack, which no body line has.
    let generator = code.flags & (flags::GENERATOR | flags::COROUTINE | flags::ASYNC_GENERATOR);
    for (i, &l) in lines.iter().enumerate() {
        if l != line {
            continue;
        }
        if i == 0 && generator != 0 {
            if err < 0 {
                msg = "incompatible stacks";
                err = 1;
            }
            continue;
        }
        let target = stacks[i];
        if compatible_stack(start, target) {
            err = 0;
            if target > best {
                best = target;
                best_at = Some(i);
            }
        } else if err < 0 {
            if start == OVERFLOWED {
                msg = "stack to deep to analyze";
            } else if start == UNINITIALIZED {
                msg = "can't jump from within an exception handler";
            } else {
                msg = explain_incompatible(target);
                err = 1;
            }
        }
    }
    let (0, Some(to)) = (err, best_at) else {
        return Err(value_error(msg));
    };
    if suspended {
        // The yielded value is off the stack already.
        start = pop(start);
    }
    let base = frame.bytecode.get();
    if base.is_null() {
        return Err(value_error("can only jump from a 'line' trace event"));
    }
    // Pop what the target does not have; an exception state restores the exception
    // handled before (as POP_EXCEPT does).
    let mut dropped = Vec::new();
    while start > best {
        let v = frame.pop();
        if top(start) == Kind::Except as i64 {
            let prev = v.into_owned().filter(|o| !singletons::is_none(o));
            dropped.push(crate::exc_info::swap_current_exception(prev));
        } else {
            dropped.push(v.into_owned());
        }
        start = pop(start);
    }
    frame.count_stack();
    let offset = instrs[to].offset;
    // SAFETY: `offset` is an instruction of the code, within the bytecode copy the
    // frame runs.
    frame.instr.set(unsafe { base.add(offset) });
    frame.next.set(offset as u32);
    if suspended {
        // CPython resumes a generator after the instruction it last ran, with the
        // value sent pushed: here, after the target, as if the target had pushed that
        // value. Where the target pushes something else, that would corrupt the
        // stack: the frame resumes at the target instead, the value dropped.
        match (instrs.get(to + 1), stacks.get(to + 1)) {
            (Some(after), Some(&s)) if s == push(best, Kind::Object) && s >= 0 => {
                frame.next.set(after.offset as u32);
            }
            _ => frame.discard_sent.set(true),
        }
    }
    crate::sys_trace::note_jump();
    // Released with the frame consistent: finalizers may run Python code.
    drop(dropped);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use strand_compiler::{Constant, Mode};

    fn stack(kinds: &[Kind]) -> Stack {
        kinds.iter().fold(0, |s, &k| push(s, k))
    }

    #[test]
    fn packing_counts_and_overflows() {
        let s = stack(&[Kind::Iterator, Kind::Object, Kind::Null]);
        assert_eq!(depth(s), 3);
        assert_eq!(top(s), Kind::Null as i64);
        assert_eq!(unpack(s), vec![1, 3, 4]);
        assert_eq!(repack(&unpack(s)), s);
        let full = (0..MAX_ENTRIES).fold(0, |s, _| push(s, Kind::Object));
        assert_eq!(depth(full), MAX_ENTRIES as usize);
        assert_eq!(push(full, Kind::Object), OVERFLOWED);
        assert_eq!(pop(OVERFLOWED), OVERFLOWED);
    }

    #[test]
    fn leaving_is_allowed_entering_is_not() {
        let in_loop = stack(&[Kind::Iterator, Kind::Object]);
        let outside = stack(&[]);
        assert!(compatible_stack(in_loop, outside));
        assert!(compatible_stack(in_loop, stack(&[Kind::Iterator])));
        assert!(!compatible_stack(outside, stack(&[Kind::Iterator])));
        assert_eq!(
            explain_incompatible(stack(&[Kind::Iterator])),
            "can't jump into the body of a for loop"
        );
        assert_eq!(
            explain_incompatible(stack(&[Kind::Except])),
            "can't jump into an 'except' block as there's no exception"
        );
        // A null cannot stand for an object; anything can stand for a null.
        assert!(!compatible_stack(
            stack(&[Kind::Null]),
            stack(&[Kind::Object])
        ));
        assert!(compatible_stack(
            stack(&[Kind::Object]),
            stack(&[Kind::Null])
        ));
        assert!(!compatible_stack(UNINITIALIZED, outside));
    }

    fn function(source: &str) -> CodeObject {
        let module = strand_compiler::compile(source, "<test>", Mode::Exec).expect("compiles");
        module
            .consts
            .iter()
            .find_map(|c| match c {
                Constant::Code(code) => Some((**code).clone()),
                _ => None,
            })
            .expect("a function")
    }

    #[test]
    fn stacks_of_loops_and_handlers() {
        let code = function(
            "def f(xs):\n    for x in xs:\n        g(x)\n    try:\n        g()\n    except E:\n        h()\n",
        );
        let (instrs, stacks) = mark_stacks(&code);
        let lines = marklines(&code, &instrs, &stacks);
        let at_line = |l: i64| {
            let i = lines.iter().position(|&x| x == l).expect("line starts");
            unpack(stacks[i])
        };
        assert_eq!(at_line(3), vec![Kind::Iterator as i64]);
        assert_eq!(at_line(5), Vec::<i64>::new());
        // The clause body: the exception handled before, below nothing else.
        assert_eq!(at_line(7), vec![Kind::Except as i64]);
    }
}
