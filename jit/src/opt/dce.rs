//! Dead-code elimination: instructions with no effect (see
//! `has_effect`) whose values nothing uses go, repeatedly, so that chains
//! of dead computations go too.

use super::{has_effect, Editor};
use crate::ir::Trace;

/// Runs the pass.
pub fn run(t: &mut Trace) {
    let mut ed = Editor::new(t);
    let mut counts = ed.use_counts();
    for i in (0..ed.live.len()).rev() {
        let Some(inst) = ed.get(i) else { continue };
        if counts[i] == 0 && !has_effect(inst.op) {
            ed.delete(i);
            for a in inst.operands() {
                counts[a.0 as usize] -= 1;
            }
        }
    }
    ed.finish();
}

#[cfg(test)]
mod tests {
    use crate::ir::parse;

    #[test]
    fn unused_pure_values_go() {
        let mut t = parse(
            "trace anchor=0 locals=4 depth=0
  v0:i64 = const_i64 [1]
  v1:i64 = const_i64 [2]
  v2:i64 = iand v0, v1
  v3:obj = box_int v2
  v4:obj = slot_get [0]
  guard_not_null v4 -> exit0
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
  guard_not_null v0 -> exit0
  exit -> exit0
exit0: pc=0 stack=[]
"
        );
    }
}
