//! Splits a recorded iteration into a preamble, run once when the trace is entered,
//! and the loop body (LuaJIT's loop optimization, `lj_opt_loop.c`, in its simplest
//! form): the reads of slots that the body never writes move into the preamble, with
//! the type guards on them, which then run once instead of on every iteration.
//!
//! A guard that moves exits through the trace's *entry exit* (the loop header, with
//! nothing pushed): in the preamble nothing has happened yet, so the interpreter may
//! simply start the iteration itself. Only guards whose outcome cannot change while
//! the loop runs move: the type of an int or float (immutable objects) and whether a
//! slot is bound. Guards on versions (types, dicts) stay in the body, since the
//! body's own calls could change what they check.

use std::collections::{HashMap, HashSet};

use super::Editor;
use crate::ir::{Exit, Opcode, Trace, Value};

/// Runs the pass (a no-op on a trace that already has a `loop`).
pub fn run(t: &mut Trace) {
    if t.loop_index().is_some() {
        return;
    }
    let written: HashSet<i64> = t
        .insts
        .iter()
        .filter(|i| {
            matches!(
                i.op,
                Opcode::SlotSet | Opcode::SlotSetF64 | Opcode::SlotSetI64
            )
        })
        .map(|i| i.imm)
        .collect();
    let entry = t.add_exit(Exit {
        pc: t.anchor,
        ..Exit::default()
    });
    // Values that are the same on every iteration: reads of slots never written.
    let mut invariant: HashSet<Value> = HashSet::new();
    let mut first_read: HashMap<i64, Value> = HashMap::new();
    let mut preamble = Vec::new();
    let mut body = Vec::new();
    let mut ed = Editor::new(t);
    for i in 0..ed.live.len() {
        let Some(inst) = ed.get(i) else { continue };
        let v = Value(i as u32);
        match inst.op {
            Opcode::SlotGet if !written.contains(&inst.imm) => {
                if let Some(&first) = first_read.get(&inst.imm) {
                    ed.replace(v, first);
                    continue;
                }
                first_read.insert(inst.imm, v);
                invariant.insert(v);
                preamble.push(i);
            }
            Opcode::GuardSmallInt | Opcode::GuardFloat | Opcode::GuardNotNull
                if invariant.contains(&inst.args[0]) =>
            {
                ed.live[i] = Some(crate::ir::Inst {
                    exit: Some(entry),
                    ..inst
                });
                preamble.push(i);
            }
            Opcode::UnboxInt | Opcode::UnboxFloat if invariant.contains(&inst.args[0]) => {
                invariant.insert(v);
                preamble.push(i);
            }
            _ => body.push(i),
        }
    }
    // Reorder: preamble, `loop`, body. Values keep their definitions before uses,
    // since the preamble only takes instructions whose operands it also took.
    let mut order: Vec<Option<crate::ir::Inst>> = Vec::with_capacity(ed.live.len() + 1);
    let mut index = vec![u32::MAX; ed.live.len()];
    for &i in preamble
        .iter()
        .chain(std::iter::once(&usize::MAX))
        .chain(body.iter())
    {
        if i == usize::MAX {
            order.push(Some(crate::ir::Inst {
                op: Opcode::Loop,
                args: [Value(u32::MAX); 3],
                imm: 0,
                exit: None,
            }));
            continue;
        }
        index[i] = order.len() as u32;
        order.push(ed.get(i));
    }
    let resolve: Vec<Value> = (0..ed.live.len() as u32)
        .map(|v| ed.resolve(Value(v)))
        .collect();
    let map = |v: Value| Value(index[resolve[v.0 as usize].0 as usize]);
    let insts = order
        .into_iter()
        .flatten()
        .map(|mut inst| {
            for k in 0..inst.op.arity() {
                inst.args[k] = map(inst.args[k]);
            }
            inst
        })
        .collect();
    let exits = t
        .exits
        .iter()
        .map(|e| {
            let mut e = e.clone();
            for v in e.values_mut() {
                *v = map(*v);
            }
            e
        })
        .collect();
    t.insts = insts;
    t.exits = exits;
}

#[cfg(test)]
mod tests {
    use crate::ir::parse;

    #[test]
    fn invariant_reads_and_their_guards_move_into_the_preamble() {
        let mut t = parse(
            "trace anchor=4 locals=4 depth=0
  v0:obj = slot_get [1]
  guard_small_int v0 -> exit0
  v2:i64 = unbox_int v0
  v3:obj = slot_get [2]
  guard_small_int v3 -> exit0
  v5:i64 = unbox_int v3
  v6:i64 = iadd v5, v2 -> exit0
  v7:obj = box_int v6
  slot_set v7 [2]
  v9:obj = slot_get [1]
  jump -> exit0
exit0: pc=4 stack=[]
",
        )
        .unwrap();
        super::run(&mut t);
        assert_eq!(
            t.to_string(),
            "trace anchor=4 locals=4 depth=0
  v0:obj = slot_get [1]
  guard_small_int v0 -> exit1
  v2:i64 = unbox_int v0
  loop
  v4:obj = slot_get [2]
  guard_small_int v4 -> exit0
  v6:i64 = unbox_int v4
  v7:i64 = iadd v6, v2 -> exit0
  v8:obj = box_int v7
  slot_set v8 [2]
  jump -> exit0
exit0: pc=4 stack=[]
exit1: pc=4 stack=[]
"
        );
    }
}
