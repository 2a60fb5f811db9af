//! The trace optimizer: passes over a recorded [`Trace`], each in its own module,
//! run in the order [`optimize`] gives (LuaJIT's `lj_opt_*.c` keep one optimization
//! per file the same way).
//!
//! A recorded trace is one iteration of its loop: reads of frame slots, the guards
//! the specializing interpreter's forms implied, boxed arithmetic, and the reference
//! counting the interpreter would have done, ending in `jump` (back to the loop
//! header) or `exit`. The passes:
//! 1. [`peel`]: splits the trace into a preamble that runs once and the loop body,
//!    moving the first read of every slot into the preamble.
//! 2. [`unbox`]: slots that hold floats (or small ints) on every iteration live
//!    unboxed in registers; box/unbox pairs and guards on values of known type go.
//! 3. [`guards`]: a guard implied by an earlier one on the same value (in the
//!    preamble, or earlier in the same iteration) goes.
//! 4. [`refcount`]: an `incref`/`decref` pair on one value with nothing in between
//!    that could drop the last other reference goes, and so does a fresh box whose
//!    only use is its `decref`.
//! 5. [`dce`]: instructions whose values nobody uses, and that have no effect, go.
//!
//! Every pass keeps the trace valid ([`Trace::verify`]); the tests check each on
//! textual traces.

pub mod dce;
pub mod guards;
pub mod peel;
pub mod refcount;
pub mod unbox;

use crate::ir::{Inst, Opcode, Trace, Value};

/// Runs every pass.
pub fn optimize(t: &mut Trace) {
    peel::run(t);
    unbox::run(t);
    guards::run(t);
    refcount::run(t);
    dce::run(t);
    debug_assert!(t.verify().is_ok(), "optimizer broke the trace:\n{t}");
}

/// An editable view of a trace for passes that delete and replace instructions:
/// deleted instructions become `None`, replaced values forward to their replacement,
/// and [`Editor::finish`] renumbers what is left.
pub(crate) struct Editor<'t> {
    pub(crate) trace: &'t mut Trace,
    pub(crate) live: Vec<Option<Inst>>,
    forward: Vec<Value>,
}

impl<'t> Editor<'t> {
    pub(crate) fn new(trace: &'t mut Trace) -> Editor<'t> {
        let live = trace.insts.iter().cloned().map(Some).collect();
        let forward = (0..trace.insts.len() as u32).map(Value).collect();
        Editor {
            trace,
            live,
            forward,
        }
    }

    /// What `v` stands for now.
    pub(crate) fn resolve(&self, mut v: Value) -> Value {
        while self.forward[v.0 as usize] != v {
            v = self.forward[v.0 as usize];
        }
        v
    }

    /// Makes every use of `v` a use of `by`, and deletes `v`'s instruction.
    pub(crate) fn replace(&mut self, v: Value, by: Value) {
        self.forward[v.0 as usize] = by;
        self.live[v.0 as usize] = None;
    }

    /// Deletes instruction `i` (its value must be unused).
    pub(crate) fn delete(&mut self, i: usize) {
        self.live[i] = None;
    }

    /// The live instruction at `i`, with operands resolved.
    pub(crate) fn get(&self, i: usize) -> Option<Inst> {
        let mut inst = self.live[i].clone()?;
        for k in 0..inst.op.arity() {
            inst.args[k] = self.resolve(inst.args[k]);
        }
        Some(inst)
    }

    /// How many live instructions and exit stacks use each value.
    pub(crate) fn use_counts(&self) -> Vec<usize> {
        let mut n = vec![0; self.live.len()];
        for i in 0..self.live.len() {
            if let Some(inst) = self.get(i) {
                for a in inst.operands() {
                    n[a.0 as usize] += 1;
                }
            }
        }
        for e in &self.trace.exits {
            for v in e.values() {
                n[self.resolve(v).0 as usize] += 1;
            }
        }
        n
    }

    /// Renumbers the live instructions into the trace.
    pub(crate) fn finish(self) {
        let mut new_index = vec![u32::MAX; self.live.len()];
        let mut insts = Vec::with_capacity(self.live.len());
        for i in 0..self.live.len() {
            if let Some(mut inst) = self.get(i) {
                for k in 0..inst.op.arity() {
                    let a = inst.args[k].0 as usize;
                    debug_assert!(new_index[a] != u32::MAX, "v{i} uses deleted v{a}");
                    inst.args[k] = Value(new_index[a]);
                }
                new_index[i] = insts.len() as u32;
                insts.push(inst);
            }
        }
        let exits: Vec<_> = self
            .trace
            .exits
            .iter()
            .map(|e| {
                let mut e = e.clone();
                for v in e.values_mut() {
                    let r = self.resolve(*v).0 as usize;
                    debug_assert!(new_index[r] != u32::MAX, "an exit uses deleted v{r}");
                    *v = Value(new_index[r]);
                }
                e
            })
            .collect();
        self.trace.insts = insts;
        self.trace.exits = exits;
    }
}

/// Whether an instruction has an effect beyond its value (so dead-code elimination
/// keeps it).
pub(crate) fn has_effect(op: Opcode) -> bool {
    use Opcode::*;
    op.is_guard()
        || matches!(
            op,
            SlotSet
                | SlotSetF64
                | SlotSetI64
                | ListSet
                | DictStore
                | Decref
                | UnpackItem
                | Loop
                | Jump
                | Exit
        )
}
