//! The assembler: labels resolved into relative jumps (with `EXTENDED_ARG` prefixes,
//! iterating until instruction sizes are stable), code units, the line table and the
//! maximum stack depth by flow analysis (Python/flowgraph.c's role in CPython); and
//! [`verify`], which checks those invariants on finished code.

use std::collections::HashMap;

use super::{Arg, Unit};
use crate::bytecode::{self, Op};
use crate::code::{CodeObject, Constant};

/// Stack effect of an instruction: `(fallthrough, jump)`.
pub fn stack_effect(op: Op, arg: u32) -> (i32, i32) {
    let a = arg as i32;
    let e = match op {
        Op::CACHE
        | Op::NOP
        | Op::EXTENDED_ARG
        | Op::RESUME
        | Op::MAKE_CELL
        | Op::COPY_FREE_VARS
        | Op::KW_NAMES => 0,
        Op::POP_TOP | Op::RETURN_VALUE | Op::PRINT_EXPR => -1,
        Op::PUSH_NULL
        | Op::COPY
        | Op::LOAD_CONST
        | Op::LOAD_FAST
        | Op::LOAD_FAST_CHECK
        | Op::LOAD_FAST_BORROW
        | Op::LOAD_DEREF => 1,
        Op::LOAD_CLOSURE | Op::LOAD_NAME | Op::LOAD_BUILD_CLASS | Op::LOAD_ASSERTION_ERROR => 1,
        Op::SWAP
        | Op::RETURN_CONST
        | Op::DELETE_FAST
        | Op::DELETE_DEREF
        | Op::DELETE_GLOBAL
        | Op::DELETE_NAME => 0,
        Op::LOAD_FROM_DICT_OR_DEREF => 1,
        Op::LOAD_FAST_LOAD_FAST | Op::LOAD_FAST_BORROW_LOAD_FAST_BORROW => 2,
        Op::STORE_FAST_LOAD_FAST | Op::STORE_FAST_LOAD_FAST_BORROW => 0,
        Op::STORE_FAST_STORE_FAST => -2,
        Op::STORE_FAST | Op::STORE_DEREF | Op::STORE_GLOBAL | Op::STORE_NAME => -1,
        Op::LOAD_GLOBAL | Op::LOAD_GLOBAL_MODULE | Op::LOAD_GLOBAL_BUILTIN => 1 + (a & 1),
        Op::LOAD_ATTR
        | Op::LOAD_ATTR_INSTANCE_VALUE
        | Op::LOAD_ATTR_MODULE
        | Op::LOAD_ATTR_CLASS
        | Op::LOAD_ATTR_METHOD_WITH_VALUES
        | Op::LOAD_ATTR_METHOD_NO_DICT
        | Op::LOAD_ATTR_SLOT => a & 1,
        Op::STORE_ATTR | Op::STORE_ATTR_INSTANCE_VALUE | Op::STORE_ATTR_SLOT => -2,
        Op::DELETE_ATTR => -1,
        Op::BINARY_OP
        | Op::BINARY_OP_ADD_INT
        | Op::BINARY_OP_SUBTRACT_INT
        | Op::BINARY_OP_MULTIPLY_INT
        | Op::BINARY_OP_ADD_FLOAT
        | Op::BINARY_OP_SUBTRACT_FLOAT
        | Op::BINARY_OP_MULTIPLY_FLOAT
        | Op::BINARY_OP_TRUE_DIVIDE_FLOAT
        | Op::BINARY_OP_ADD_UNICODE
        | Op::BINARY_OP_MIXED_FLOAT
        | Op::COMPARE_OP
        | Op::COMPARE_OP_INT
        | Op::COMPARE_OP_FLOAT
        | Op::COMPARE_OP_STR
        | Op::IS_OP
        | Op::CONTAINS_OP
        | Op::CONTAINS_OP_DICT
        | Op::CONTAINS_OP_SET
        | Op::BINARY_SUBSCR
        | Op::BINARY_SUBSCR_LIST_INT
        | Op::BINARY_SUBSCR_TUPLE_INT
        | Op::BINARY_SUBSCR_DICT
        | Op::BINARY_SUBSCR_STR_INT => -1,
        Op::UNARY_NEGATIVE
        | Op::UNARY_NOT
        | Op::UNARY_INVERT
        | Op::UNARY_POSITIVE
        | Op::TO_BOOL
        | Op::TO_BOOL_BOOL
        | Op::TO_BOOL_INT
        | Op::TO_BOOL_LIST
        | Op::TO_BOOL_NONE
        | Op::TO_BOOL_STR
        | Op::TO_BOOL_ALWAYS_TRUE => 0,
        Op::STORE_SUBSCR | Op::STORE_SUBSCR_LIST_INT | Op::STORE_SUBSCR_DICT => -3,
        Op::DELETE_SUBSCR => -2,
        Op::BUILD_SLICE => 1 - a,
        Op::BUILD_TUPLE | Op::BUILD_LIST | Op::BUILD_SET | Op::BUILD_STRING => 1 - a,
        Op::BUILD_MAP => 1 - 2 * a,
        Op::BUILD_CONST_KEY_MAP => -a,
        Op::LIST_APPEND
        | Op::SET_ADD
        | Op::LIST_EXTEND
        | Op::SET_UPDATE
        | Op::DICT_UPDATE
        | Op::DICT_MERGE => -1,
        Op::MAP_ADD => -2,
        Op::LIST_TO_TUPLE
        | Op::GET_ITER
        | Op::GET_YIELD_FROM_ITER
        | Op::GET_AWAITABLE
        | Op::GET_AITER
        | Op::ASYNC_GEN_WRAP
        | Op::CLEANUP_THROW => 0,
        Op::GET_ANEXT | Op::BEFORE_ASYNC_WITH => 1,
        Op::END_ASYNC_FOR => -2,
        Op::FORMAT_VALUE => -((a >> 2) & 1),
        Op::UNPACK_SEQUENCE
        | Op::UNPACK_SEQUENCE_TWO_TUPLE
        | Op::UNPACK_SEQUENCE_TUPLE
        | Op::UNPACK_SEQUENCE_LIST => a - 1,
        Op::UNPACK_EX => (a & 0xff) + (a >> 8),
        Op::JUMP_FORWARD | Op::JUMP_BACKWARD | Op::ENTER_EXECUTOR => 0,
        Op::POP_JUMP_IF_FALSE
        | Op::POP_JUMP_IF_TRUE
        | Op::POP_JUMP_IF_NONE
        | Op::POP_JUMP_IF_NOT_NONE => -1,
        Op::FOR_ITER | Op::FOR_ITER_RANGE | Op::FOR_ITER_LIST | Op::FOR_ITER_TUPLE => {
            return (1, -1)
        }
        Op::END_FOR => -1,
        Op::MAKE_FUNCTION => -((arg & 0xf).count_ones() as i32),
        Op::CALL
        | Op::CALL_PY_EXACT_ARGS
        | Op::CALL_PY_GENERAL
        | Op::CALL_BOUND_METHOD_EXACT_ARGS
        | Op::CALL_BUILTIN_FAST
        | Op::CALL_METHOD_DESCRIPTOR_FAST
        | Op::CALL_LEN
        | Op::CALL_ISINSTANCE
        | Op::CALL_TYPE_1
        | Op::CALL_STR_1
        | Op::CALL_TUPLE_1
        | Op::CALL_LIST_APPEND
        | Op::CALL_BUILTIN_CLASS
        | Op::CALL_ALLOC_AND_ENTER_INIT => -(a + 1),
        Op::CALL_FUNCTION_EX => -(2 + (a & 1)),
        Op::RAISE_VARARGS => -a,
        Op::RERAISE => -1,
        Op::PUSH_EXC_INFO => 1,
        Op::POP_EXCEPT => -1,
        Op::CHECK_EXC_MATCH | Op::CHECK_EG_MATCH => 0,
        Op::PREP_RERAISE_STAR => -1,
        Op::WITH_EXCEPT_START => 1,
        Op::BEFORE_WITH => 1,
        Op::RETURN_GENERATOR => 0,
        Op::YIELD_VALUE => 0,
        Op::SEND => return (0, -1),
        Op::END_SEND => -1,
        Op::IMPORT_NAME => -1,
        Op::IMPORT_FROM => 1,
        Op::IMPORT_STAR => -1,
        Op::SETUP_ANNOTATIONS => 0,
        Op::LOAD_SUPER_ATTR => -2 + (a & 1),
        Op::GET_LEN | Op::MATCH_MAPPING | Op::MATCH_SEQUENCE | Op::MATCH_KEYS => 1,
        Op::MATCH_CLASS => -2,
        Op::COPY_DICT_WITHOUT_KEYS => 0,
    };
    (e, e)
}

/// Resolves labels into relative jumps (iterating until instruction sizes are
/// stable), writes code units, the line table, and the maximum stack depth.
pub(super) fn assemble(u: &mut Unit<'_>) {
    let n = u.pending.len();
    // Offsets of each pending instruction, assuming 1-unit arguments at first.
    let mut sizes: Vec<usize> = u.pending.iter().map(|p| 1 + p.op.cache_entries()).collect();
    let label_pos = |labels: &[Option<usize>], l: usize| labels[l].expect("every label is bound");
    let mut offsets = vec![0usize; n + 1];
    loop {
        for i in 0..n {
            offsets[i + 1] = offsets[i] + sizes[i];
        }
        let mut changed = false;
        for i in 0..n {
            let p = u.pending[i];
            let arg = match p.arg {
                Arg::Value(v) => v,
                Arg::Label(l) => jump_arg(p.op, offsets[i + 1], offsets[label_pos(&u.labels, l)]),
            };
            let size = bytecode::encoded_len(p.op, arg);
            if size != sizes[i] {
                sizes[i] = size;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut code = Vec::with_capacity(offsets[n]);
    let mut lines = bytecode::LineTable::default();
    let mut args = Vec::with_capacity(n);
    for i in 0..n {
        let p = u.pending[i];
        let arg = match p.arg {
            Arg::Value(v) => v,
            Arg::Label(l) => jump_arg(p.op, offsets[i + 1], offsets[label_pos(&u.labels, l)]),
        };
        lines.mark(code.len(), p.loc);
        bytecode::emit(&mut code, p.op, arg);
        args.push(arg);
    }
    // The exception table: runs of instructions with the same innermost handler.
    let mut exceptions = Vec::new();
    let mut i = 0;
    while i < n {
        let Some(h) = u.pending[i].handler else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < n && u.pending[j].handler == Some(h) {
            j += 1;
        }
        exceptions.push(bytecode::ExceptionEntry {
            start: offsets[i] as u32,
            end: offsets[j] as u32,
            target: offsets[label_pos(&u.labels, h.label)] as u32,
            depth: h.depth,
            lasti: h.lasti,
        });
        i = j;
    }
    // Maximum stack depth: a worklist over instruction indices.
    let index_of: HashMap<usize, usize> = (0..n).map(|i| (offsets[i], i)).collect();
    let mut depth_at: Vec<Option<i32>> = vec![None; n + 1];
    let mut work = vec![(0usize, 0i32)];
    let mut max = 0i32;
    while let Some((i, d)) = work.pop() {
        if i >= n || depth_at[i].is_some_and(|x| x >= d) {
            continue;
        }
        depth_at[i] = Some(d);
        let p = u.pending[i];
        let (fall, jumped) = stack_effect(p.op, args[i]);
        max = max.max(d).max(d + fall).max(d + jumped);
        if let Arg::Label(l) = p.arg {
            let target = index_of
                .get(&offsets[label_pos(&u.labels, l)])
                .copied()
                .unwrap_or(n);
            work.push((target, d + jumped));
        }
        if let Some(h) = p.handler {
            let target = index_of
                .get(&offsets[label_pos(&u.labels, h.label)])
                .copied()
                .unwrap_or(n);
            let hd = h.depth as i32 + i32::from(h.lasti) + 1;
            max = max.max(hd);
            work.push((target, hd));
        }
        let terminal = p.op.is_terminator();
        if !terminal {
            work.push((i + 1, d + fall));
        }
    }
    u.code.code = code;
    u.code.lines = lines;
    u.code.exceptions = exceptions;
    u.code.max_stack = max.max(0) as u32;
}

fn jump_arg(op: Op, next: usize, target: usize) -> u32 {
    if op == Op::JUMP_BACKWARD {
        (next - target) as u32
    } else {
        (target - next) as u32
    }
}

/// Checks a compiled code object (and the code objects in its constants): every
/// instruction decodes, jump targets are instruction boundaries, the stack depth never
/// goes negative, is the same on every path into an instruction, and stays within
/// `max_stack`.
///
/// # Errors
/// A description of the first inconsistency.
pub fn verify(code: &CodeObject) -> Result<(), String> {
    verify_depths(code)?;
    for c in &code.consts {
        if let Constant::Code(inner) = c {
            verify(inner)?;
        }
    }
    Ok(())
}

/// [`verify`]'s checks for `code` alone (not its nested code objects), returning its
/// instructions with the stack depth before each (`None` for unreachable ones).
///
/// # Errors
/// As [`verify`].
pub(crate) fn verify_depths(
    code: &CodeObject,
) -> Result<Vec<(bytecode::Instruction, Option<i32>)>, String> {
    let instrs = bytecode::instructions(&code.code)?;
    // The instruction starting at each code unit (`usize::MAX` inside instructions).
    let mut starts = vec![usize::MAX; code.code.len()];
    for (i, ins) in instrs.iter().enumerate() {
        starts[ins.offset] = i;
    }
    let index = |offset: usize| starts.get(offset).copied().filter(|&i| i != usize::MAX);
    let mut depth: Vec<Option<i32>> = vec![None; instrs.len()];
    let mut work = vec![(0usize, 0i32)];
    while let Some((i, d)) = work.pop() {
        if i >= instrs.len() {
            return Err(format!("{}: control falls off the end", code.qualname));
        }
        match depth[i] {
            Some(x) if x == d => continue,
            Some(x) => {
                return Err(format!(
                    "{}: depth {x} and {d} meet at offset {}",
                    code.qualname, instrs[i].offset
                ))
            }
            None => depth[i] = Some(d),
        }
        let ins = instrs[i];
        let (fall, jumped) = stack_effect(ins.op, ins.arg);
        let pops = match ins.op {
            Op::CALL => ins.arg as i32 + 2,
            Op::BUILD_TUPLE | Op::BUILD_LIST | Op::BUILD_SET | Op::BUILD_STRING => ins.arg as i32,
            Op::BUILD_MAP => 2 * ins.arg as i32,
            Op::STORE_SUBSCR => 3,
            _ => 0,
        };
        if d - pops < 0 || d + fall < 0 || d + jumped < 0 {
            return Err(format!(
                "{}: stack underflow at offset {} ({})",
                code.qualname,
                ins.offset,
                ins.op.name()
            ));
        }
        if d + fall.max(jumped) > code.max_stack as i32 {
            return Err(format!(
                "{}: depth exceeds max_stack at offset {}",
                code.qualname, ins.offset
            ));
        }
        if let Some(e) = code
            .exceptions
            .iter()
            .find(|e| (e.start as usize) <= ins.offset && ins.offset < e.end as usize)
        {
            if d < e.depth as i32 {
                return Err(format!(
                    "{}: depth {d} below its handler's {} at offset {}",
                    code.qualname, e.depth, ins.offset
                ));
            }
            let ti = index(e.target as usize).ok_or_else(|| {
                format!("{}: handler target inside an instruction", code.qualname)
            })?;
            work.push((ti, e.depth as i32 + i32::from(e.lasti) + 1));
        }
        if let Some(t) = ins.jump_target() {
            let ti = index(t).ok_or_else(|| {
                format!(
                    "{}: jump into the middle of an instruction at {t}",
                    code.qualname
                )
            })?;
            work.push((ti, d + jumped));
        }
        if !ins.op.is_terminator() {
            work.push((i + 1, d + fall));
        }
    }
    Ok(instrs.into_iter().zip(depth).collect())
}
