//! Reference-count elision: counting that cancels out goes.
//!
//! - `v = incref x` whose only use is `decref v`, with nothing between them that
//!   could drop the reference keeping `x` alive (a store, a drop, a call, an exit
//!   that pushes `x`), goes with its `decref`.
//! - A fresh box (`box_int`, `box_float`) whose only use is its `decref` was never
//!   needed: both go, and with them the allocation.

use super::Editor;
use crate::ir::{Opcode, Trace, Value};

/// Whether an instruction between an `incref` and its `decref` could drop the other
/// reference to the object (so the pair must stay).
fn may_drop_references(op: Opcode) -> bool {
    use Opcode::*;
    matches!(
        op,
        SlotSet | ListSet | DictStore | Decref | Call1 | Call2 | Call3 | Jump | Exit | Loop
    )
}

/// Runs the pass.
pub fn run(t: &mut Trace) {
    let mut ed = Editor::new(t);
    let counts = ed.use_counts();
    let n = ed.live.len();
    for (i, &count) in counts.iter().enumerate() {
        let Some(inst) = ed.get(i) else { continue };
        if !matches!(inst.op, Opcode::Incref | Opcode::BoxInt | Opcode::BoxFloat) || count != 1 {
            continue;
        }
        let v = Value(i as u32);
        // The one use: is it a decref, and is the way to it clear?
        let mut found = None;
        for j in i + 1..n {
            let Some(other) = ed.get(j) else { continue };
            if other.op == Opcode::Decref && other.args[0] == v {
                found = Some(j);
                break;
            }
            if inst.op == Opcode::Incref {
                let pushes_x = other.exit.is_some_and(|e| {
                    ed.trace.exits[e.0 as usize]
                        .values()
                        .any(|s| ed.resolve(s) == inst.args[0])
                });
                if may_drop_references(other.op) || pushes_x {
                    break;
                }
            }
        }
        if let Some(j) = found {
            ed.delete(j);
            ed.delete(i);
        }
    }
    ed.finish();
}

#[cfg(test)]
mod tests {
    use crate::ir::parse;

    #[test]
    fn cancelling_pairs_go_and_others_stay() {
        let mut t = parse(
            "trace anchor=0 locals=4 depth=0
  v0:obj = slot_get [0]
  v1:obj = incref v0
  v2:i64 = list_len v0
  decref v1
  v4:obj = incref v0
  v5:f64 = const_f64 [0]
  v6:obj = box_float v5
  slot_set v6 [0]
  decref v4
  v9:obj = box_float v5
  decref v9
  exit -> exit0
exit0: pc=0 stack=[]
",
        )
        .unwrap();
        super::run(&mut t);
        assert_eq!(
            t.to_string(),
            "trace anchor=0 locals=4 depth=0
  v0:obj = slot_get [0]
  v1:i64 = list_len v0
  v2:obj = incref v0
  v3:f64 = const_f64 [0]
  v4:obj = box_float v3
  slot_set v4 [0]
  decref v2
  exit -> exit0
exit0: pc=0 stack=[]
"
        );
    }
}
