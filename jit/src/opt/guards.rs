//! Redundant guards: a guard whose condition an earlier guard (or the instruction
//! that made the value) already established goes. Facts about values defined in the
//! preamble hold throughout the body; facts learned in the body hold for the rest of
//! the iteration (the body's values are new on every iteration). Facts about types'
//! versions, which are mutable state, hold only until something that may run Python
//! code.

use std::collections::HashSet;

use super::Editor;
use crate::ir::{Opcode, Trace, Value};

/// A fact about a value.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Fact {
    SmallInt,
    Float,
    NotNull,
    Type(i64),
    Is(i64),
    IsNot(i64),
    True,
    False,
    TypeVersion(i64),
}

/// The fact a guard establishes, if it is one of those tracked.
fn fact_of(op: Opcode, imm: i64) -> Option<Fact> {
    Some(match op {
        Opcode::GuardSmallInt => Fact::SmallInt,
        Opcode::GuardFloat => Fact::Float,
        Opcode::GuardNotNull => Fact::NotNull,
        Opcode::GuardType => Fact::Type(imm),
        Opcode::GuardIs => Fact::Is(imm),
        Opcode::GuardIsNot => Fact::IsNot(imm),
        Opcode::GuardTrue => Fact::True,
        Opcode::GuardFalse => Fact::False,
        Opcode::GuardTypeVersion => Fact::TypeVersion(imm),
        _ => return None,
    })
}

/// Runs the pass.
pub fn run(t: &mut Trace) {
    let lp = t.loop_index().unwrap_or(0);
    let mut ed = Editor::new(t);
    let mut preamble: HashSet<(Value, Fact)> = HashSet::new();
    let mut body: HashSet<(Value, Fact)> = HashSet::new();
    for i in 0..ed.live.len() {
        let Some(inst) = ed.get(i) else { continue };
        let v = Value(i as u32);
        // What instructions establish about their own values.
        match inst.op {
            Opcode::BoxInt => {
                insert(&mut preamble, &mut body, i < lp, v, Fact::SmallInt);
                insert(&mut preamble, &mut body, i < lp, v, Fact::NotNull);
            }
            Opcode::BoxFloat => {
                insert(&mut preamble, &mut body, i < lp, v, Fact::Float);
                insert(&mut preamble, &mut body, i < lp, v, Fact::NotNull);
            }
            Opcode::ConstObj => {
                insert(&mut preamble, &mut body, i < lp, v, Fact::Is(inst.imm));
                insert(&mut preamble, &mut body, i < lp, v, Fact::NotNull);
            }
            _ => {}
        }
        if runs_python(inst.op) {
            // Code that can run here (a call, a `__del__`) may change any type: what
            // earlier version guards showed holds no longer.
            preamble.retain(|(_, f)| !matches!(f, Fact::TypeVersion(_)));
            body.retain(|(_, f)| !matches!(f, Fact::TypeVersion(_)));
        }
        let Some(fact) = fact_of(inst.op, inst.imm) else {
            continue;
        };
        let subject = inst.args[0];
        let known = preamble.contains(&(subject, fact)) || body.contains(&(subject, fact));
        let implied = match fact {
            Fact::NotNull => [Fact::SmallInt, Fact::Float]
                .iter()
                .any(|f| preamble.contains(&(subject, *f)) || body.contains(&(subject, *f))),
            _ => false,
        };
        if known || implied {
            ed.delete(i);
        } else {
            insert(&mut preamble, &mut body, i < lp, subject, fact);
            if matches!(fact, Fact::SmallInt | Fact::Float | Fact::Type(_)) {
                insert(&mut preamble, &mut body, i < lp, subject, Fact::NotNull);
            }
        }
    }
    ed.finish();
}

/// Whether an instruction may run Python code: calls, and whatever drops a
/// reference (a finalizer may run).
fn runs_python(op: Opcode) -> bool {
    use Opcode::*;
    matches!(
        op,
        Call1 | Call2 | Call3 | Decref | SlotSet | ListSet | DictStore
    )
}

fn insert(
    preamble: &mut HashSet<(Value, Fact)>,
    body: &mut HashSet<(Value, Fact)>,
    in_preamble: bool,
    v: Value,
    f: Fact,
) {
    if in_preamble {
        preamble.insert((v, f));
    } else {
        body.insert((v, f));
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::parse;

    #[test]
    fn a_guard_repeated_on_one_value_goes() {
        let mut t = parse(
            "trace anchor=0 locals=4 depth=0
  v0:obj = slot_get [0]
  guard_float v0 -> exit0
  loop
  guard_float v0 -> exit0
  guard_not_null v0 -> exit0
  v5:obj = slot_get [1]
  guard_small_int v5 -> exit0
  guard_small_int v5 -> exit0
  jump -> exit0
exit0: pc=0 stack=[]
",
        )
        .unwrap();
        super::run(&mut t);
        assert_eq!(
            t.to_string(),
            "trace anchor=0 locals=4 depth=0
  v0:obj = slot_get [0]
  guard_float v0 -> exit0
  loop
  v3:obj = slot_get [1]
  guard_small_int v3 -> exit0
  jump -> exit0
exit0: pc=0 stack=[]
"
        );
    }
}
