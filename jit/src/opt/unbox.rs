//! Unboxing: numbers stay in machine registers.
//!
//! 1. A box read back (`unbox_float (box_float x)`) is `x`; a type guard on a fresh
//!    box of that type goes; an exit that pushes a box only it and the box's
//!    `decref` use pushes the unboxed value instead (the exit boxes it), so the box
//!    can go altogether.
//! 2. A slot written in the body only with fresh boxes of one kind (`slot_set
//!    (box_float x)`), and read in the body only to be guarded and unboxed (or
//!    pushed by exits), lives unboxed while the loop runs: the preamble reads, guards
//!    and unboxes its value once (`slot_set_f64` then holds it), the body reads and
//!    writes the register (`slot_get_f64`, `slot_set_f64`), and every exit writes
//!    the boxed value back to the frame.

use std::collections::HashMap;

use super::Editor;
use crate::ir::{Inst, Opcode, Trace, Value};

/// The boxed kinds: (box, unbox, guard, unboxed slot get, unboxed slot set).
const KINDS: [(Opcode, Opcode, Opcode, Opcode, Opcode); 2] = [
    (
        Opcode::BoxFloat,
        Opcode::UnboxFloat,
        Opcode::GuardFloat,
        Opcode::SlotGetF64,
        Opcode::SlotSetF64,
    ),
    (
        Opcode::BoxInt,
        Opcode::UnboxInt,
        Opcode::GuardSmallInt,
        Opcode::SlotGetI64,
        Opcode::SlotSetI64,
    ),
];

/// Runs the pass (on a peeled trace).
pub fn run(t: &mut Trace) {
    unbox_slots(t);
    forward_boxes(t);
}

/// Part 2: slots that hold one kind of number live in registers.
fn unbox_slots(t: &mut Trace) {
    let Some(lp) = t.loop_index() else { return };
    let mut slots: Vec<i64> = t.insts[lp..]
        .iter()
        .filter(|i| i.op == Opcode::SlotSet)
        .map(|i| i.imm)
        .collect();
    slots.sort_unstable();
    slots.dedup();
    for slot in slots {
        // Each slot unboxed rewrites the trace (new preamble instructions, the
        // dead boxes removed), so positions and uses are taken afresh for each.
        let Some(lp) = t.loop_index() else { return };
        let mut uses: HashMap<Value, Vec<usize>> = HashMap::new();
        for (i, inst) in t.insts.iter().enumerate() {
            for a in inst.operands() {
                uses.entry(*a).or_default().push(i);
            }
        }
        for &(boxop, unboxop, guardop, getop, setop) in &KINDS {
            let fits = t.insts[lp..].iter().enumerate().all(|(k, inst)| {
                let v = Value((lp + k) as u32);
                match inst.op {
                    Opcode::SlotSet if inst.imm == slot => t.def(inst.args[0]).op == boxop,
                    Opcode::SlotGet if inst.imm == slot => uses.get(&v).is_none_or(|u| {
                        u.iter().all(|&j| {
                            matches!(t.insts[j].op, op if op == unboxop || op == guardop
                                || op == Opcode::GuardNotNull)
                        })
                    }),
                    _ => true,
                }
            });
            if fits {
                unbox_slot(t, lp, slot, unboxop, guardop, getop, setop);
                break;
            }
        }
    }
}

fn unbox_slot(
    t: &mut Trace,
    lp: usize,
    slot: i64,
    unboxop: Opcode,
    guardop: Opcode,
    getop: Opcode,
    setop: Opcode,
) {
    // The preamble's own exit (peeling made one): at the loop header, pushing
    // nothing, and taken by no guard of the body, so that its count says how often
    // the loop did not start.
    let body_exits: std::collections::HashSet<u32> = t.insts[lp..]
        .iter()
        .filter_map(|i| i.exit.map(|e| e.0))
        .collect();
    let entry = t
        .exits
        .iter()
        .enumerate()
        .position(|(k, e)| {
            e.pc == t.anchor
                && e.stack.is_empty()
                && e.frames.is_empty()
                && !e.error
                && !body_exits.contains(&(k as u32))
        })
        .map(|k| crate::ir::ExitId(k as u32))
        .unwrap_or_else(|| {
            t.add_exit(crate::ir::Exit {
                pc: t.anchor,
                ..Default::default()
            })
        });
    let mut out: Vec<Inst> = Vec::with_capacity(t.insts.len() + 4);
    let mut map: Vec<Value> = Vec::with_capacity(t.insts.len());
    let new = |out: &mut Vec<Inst>, op: Opcode, args: &[Value], imm: i64, exit| {
        let mut a = [Value(u32::MAX); 3];
        a[..args.len()].copy_from_slice(args);
        out.push(Inst {
            op,
            args: a,
            imm,
            exit,
        });
        Value(out.len() as u32 - 1)
    };
    let old = std::mem::take(&mut t.insts);
    let mut slot_value: HashMap<u32, Value> = HashMap::new();
    for (i, inst) in old.iter().enumerate() {
        let args: Vec<Value> = inst.operands().iter().map(|a| map[a.0 as usize]).collect();
        if i == lp {
            // The preamble ends: the slot's entry value, checked and unboxed.
            let v = new(&mut out, Opcode::SlotGet, &[], slot, None);
            new(&mut out, Opcode::GuardNotNull, &[v], 0, Some(entry));
            new(&mut out, guardop, &[v], 0, Some(entry));
            let u = new(&mut out, unboxop, &[v], 0, None);
            new(&mut out, setop, &[u], slot, None);
        }
        let mapped = match inst.op {
            Opcode::SlotGet if i > lp && inst.imm == slot => {
                let r = new(&mut out, getop, &[], slot, None);
                slot_value.insert(i as u32, r);
                r
            }
            op if (op == guardop || op == Opcode::GuardNotNull)
                && i > lp
                && slot_value.contains_key(&inst.args[0].0) =>
            {
                // Known: the register holds this kind.
                Value(u32::MAX)
            }
            op if op == unboxop && i > lp && slot_value.contains_key(&inst.args[0].0) => {
                slot_value[&inst.args[0].0]
            }
            Opcode::SlotSet if i > lp && inst.imm == slot => {
                // Store the unboxed value; the box goes if nothing else wants it.
                let boxed = &old[inst.args[0].0 as usize];
                let unboxed = map[boxed.args[0].0 as usize];
                new(&mut out, setop, &[unboxed], slot, None)
            }
            _ => {
                let mut a = [Value(u32::MAX); 3];
                a[..args.len()].copy_from_slice(&args);
                out.push(Inst {
                    args: a,
                    ..inst.clone()
                });
                Value(out.len() as u32 - 1)
            }
        };
        map.push(mapped);
    }
    t.insts = out;
    for e in &mut t.exits {
        for v in e.values_mut() {
            *v = map[v.0 as usize];
        }
    }
    // A box that only the slot wanted leaked nothing: it is simply never made.
    super::dce::run(t);
}

/// Part 1: box/unbox pairs and guards on fresh boxes.
fn forward_boxes(t: &mut Trace) {
    let mut ed = Editor::new(t);
    for i in 0..ed.live.len() {
        let Some(inst) = ed.get(i) else { continue };
        let v = Value(i as u32);
        for &(boxop, unboxop, guardop, _, _) in &KINDS {
            if inst.op == unboxop {
                if let Some(def) = ed.get(inst.args[0].0 as usize) {
                    if def.op == boxop {
                        ed.replace(v, def.args[0]);
                    }
                }
            } else if inst.op == guardop {
                if let Some(def) = ed.get(inst.args[0].0 as usize) {
                    if def.op == boxop {
                        ed.delete(i);
                    }
                }
            }
        }
    }
    // Exits push the unboxed value of a box that is otherwise only dropped.
    let counts = ed.use_counts();
    let mut decref_uses = vec![0usize; ed.live.len()];
    for i in 0..ed.live.len() {
        if let Some(inst) = ed.get(i) {
            if inst.op == Opcode::Decref {
                decref_uses[inst.args[0].0 as usize] += 1;
            }
        }
    }
    let mut exit_uses = vec![0usize; ed.live.len()];
    for e in &ed.trace.exits {
        for v in e.values() {
            exit_uses[ed.resolve(v).0 as usize] += 1;
        }
    }
    let mut swap: HashMap<Value, Value> = HashMap::new();
    for i in 0..ed.live.len() {
        let Some(inst) = ed.get(i) else { continue };
        if KINDS.iter().any(|k| k.0 == inst.op)
            && counts[i] == exit_uses[i] + decref_uses[i]
            && exit_uses[i] > 0
        {
            swap.insert(Value(i as u32), inst.args[0]);
        }
    }
    for e in &mut ed.trace.exits {
        for v in e.values_mut() {
            if let Some(u) = swap.get(v) {
                *v = *u;
            }
        }
    }
    ed.finish();
}

#[cfg(test)]
mod tests {
    use crate::ir::parse;

    #[test]
    fn a_float_accumulator_lives_in_a_register() {
        // total = total + x, with x invariant.
        let mut t = parse(
            "trace anchor=8 locals=4 depth=0
  v0:obj = slot_get [0]
  guard_float v0 -> exit0
  v2:f64 = unbox_float v0
  loop
  v4:obj = slot_get [1]
  guard_float v4 -> exit0
  v6:f64 = unbox_float v4
  v7:f64 = fadd v6, v2
  v8:obj = box_float v7
  slot_set v8 [1]
  jump -> exit0
exit0: pc=8 stack=[]
",
        )
        .unwrap();
        super::run(&mut t);
        assert_eq!(
            t.to_string(),
            "trace anchor=8 locals=4 depth=0
  v0:obj = slot_get [0]
  guard_float v0 -> exit0
  v2:f64 = unbox_float v0
  v3:obj = slot_get [1]
  guard_not_null v3 -> exit1
  guard_float v3 -> exit1
  v6:f64 = unbox_float v3
  slot_set_f64 v6 [1]
  loop
  v9:f64 = slot_get_f64 [1]
  v10:f64 = fadd v9, v2
  slot_set_f64 v10 [1]
  jump -> exit0
exit0: pc=8 stack=[]
exit1: pc=8 stack=[]
"
        );
    }

    #[test]
    fn a_slot_also_used_as_an_object_stays_boxed_after_another_is_unboxed() {
        // Slot 0 is a pure counter; slot 1 is counted too but its value is also
        // passed to a call, so it must stay an object. (Once, the uses of slot 1 were
        // looked up in the trace as it was before slot 0 was unboxed, and slot 1 was
        // unboxed as well: the call received a raw integer.)
        let mut t = parse(
            "trace anchor=8 locals=4 depth=0
  loop
  v1:obj = slot_get [0]
  guard_small_int v1 -> exit0
  v3:i64 = unbox_int v1
  v4:i64 = const_i64 [1]
  v5:i64 = iadd v3, v4 -> exit0
  v6:obj = box_int v5
  slot_set v6 [0]
  v8:obj = slot_get [1]
  guard_not_null v8 -> exit0
  v10:obj = call1 v8 [0] -> exit0
  decref v10
  guard_small_int v8 -> exit0
  v13:i64 = unbox_int v8
  v14:i64 = iadd v13, v4 -> exit0
  v15:obj = box_int v14
  slot_set v15 [1]
  jump -> exit0
exit0: pc=8 stack=[]
",
        )
        .unwrap();
        super::run(&mut t);
        t.verify().unwrap();
        let text = t.to_string();
        assert!(text.contains("slot_set_i64"), "{text}");
        assert!(text.contains("slot_get_i64 [0]"), "{text}");
        assert!(!text.contains("slot_get_i64 [1]"), "{text}");
        let call = text.lines().find(|l| l.contains("call1")).unwrap();
        let arg = call
            .split("call1 ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        let def = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{arg}:")))
            .unwrap();
        assert!(def.contains(":obj = slot_get [1]"), "{text}");
    }

    #[test]
    fn boxes_that_are_unboxed_again_disappear() {
        let mut t = parse(
            "trace anchor=0 locals=4 depth=0
  v0:f64 = const_f64 [4607182418800017408]
  v1:obj = box_float v0
  guard_float v1 -> exit0
  v3:f64 = unbox_float v1
  v4:f64 = fadd v3, v3
  v5:bool = fcmp v4, v0 [0]
  guard_true v5 -> exit1
  decref v1
  exit -> exit0
exit0: pc=0 stack=[]
exit1: pc=6 stack=[v1]
",
        )
        .unwrap();
        super::run(&mut t);
        super::super::refcount::run(&mut t);
        super::super::dce::run(&mut t);
        assert_eq!(
            t.to_string(),
            "trace anchor=0 locals=4 depth=0
  v0:f64 = const_f64 [4607182418800017408]
  v1:f64 = fadd v0, v0
  v2:bool = fcmp v1, v0 [0]
  guard_true v2 -> exit1
  exit -> exit0
exit0: pc=0 stack=[]
exit1: pc=6 stack=[v0]
"
        );
    }
}
