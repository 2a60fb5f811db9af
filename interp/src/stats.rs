//! Specialization statistics, in the spirit of CPython's pystats
//! (Include/cpython/pystats.h, Tools/scripts/summarize_stats.py): for every
//! instruction family and specialized form, how often the specializer installed a
//! form (success) or gave up (failure), how often a form's guard failed (miss) and how
//! often misses turned it back into its generic instruction (deopt).
//!
//! These events happen on the interpreter's slow paths, so they are always counted,
//! per thread, and merged into one table when a thread exits and when the report is
//! made (`strand -X stats`). Counting every instruction executed would cost the fast
//! path, so that count exists only in builds with the `pystats` cargo feature.

use std::cell::RefCell;
use std::sync::Mutex;

use strand_compiler::bytecode::Op;

/// What is counted per opcode.
#[derive(Clone)]
struct Counters {
    success: [u64; 256],
    failure: [u64; 256],
    miss: [u64; 256],
    deopt: [u64; 256],
    #[cfg(feature = "pystats")]
    execution: [u64; 256],
}

impl Counters {
    const fn new() -> Counters {
        Counters {
            success: [0; 256],
            failure: [0; 256],
            miss: [0; 256],
            deopt: [0; 256],
            #[cfg(feature = "pystats")]
            execution: [0; 256],
        }
    }

    fn add(&mut self, other: &Counters) {
        for i in 0..256 {
            self.success[i] += other.success[i];
            self.failure[i] += other.failure[i];
            self.miss[i] += other.miss[i];
            self.deopt[i] += other.deopt[i];
            #[cfg(feature = "pystats")]
            {
                self.execution[i] += other.execution[i];
            }
        }
    }
}

/// A thread's counters, merged into [`MERGED`] when the thread exits.
struct Local(RefCell<Counters>);

impl Drop for Local {
    fn drop(&mut self) {
        let mut m = MERGED.lock().unwrap_or_else(|e| e.into_inner());
        m.add(&self.0.borrow());
    }
}

static MERGED: Mutex<Counters> = Mutex::new(Counters::new());

thread_local! {
    static LOCAL: Local = const { Local(RefCell::new(Counters::new())) };
}

fn bump(f: impl FnOnce(&mut Counters)) {
    let _ = LOCAL.try_with(|l| f(&mut l.0.borrow_mut()));
}

/// The specializer installed `form`.
pub(crate) fn success(form: Op) {
    bump(|c| c.success[form as usize] += 1);
}

/// The specializer found no form for an instruction of `family`.
pub(crate) fn failure(family: Op) {
    bump(|c| c.failure[family as usize] += 1);
}

/// `form`'s guard failed.
pub(crate) fn miss(form: Op) {
    bump(|c| c.miss[form as usize] += 1);
}

/// `form` turned back into its generic instruction after repeated misses.
pub(crate) fn deopt(form: Op) {
    bump(|c| c.deopt[form as usize] += 1);
}

/// An instruction executed (builds with the `pystats` feature only).
#[cfg(feature = "pystats")]
#[inline(always)]
pub(crate) fn execution(op: Op) {
    bump(|c| c.execution[op as usize] += 1);
}

/// The counters of every thread so far (this one's included).
fn snapshot() -> Counters {
    let mut all = MERGED.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let _ = LOCAL.try_with(|l| all.add(&l.0.borrow()));
    all
}

/// The report `-X stats` prints: per family, then per specialized form.
pub fn report() -> String {
    let c = snapshot();
    let mut out = String::from("  specialization (successes / failures / misses / deopts):\n");
    let mut families: Vec<Op> = (0..=255u8)
        .filter_map(Op::from_u8)
        .filter(|op| op.generic() == *op)
        .collect();
    families.sort_by_key(|op| op.name());
    for family in families {
        let forms: Vec<Op> = (0..=255u8)
            .filter_map(Op::from_u8)
            .filter(|op| op.generic() == family && *op != family)
            .collect();
        let successes: u64 = forms.iter().map(|f| c.success[*f as usize]).sum();
        let failures = c.failure[family as usize];
        if successes == 0 && failures == 0 {
            continue;
        }
        let misses: u64 = forms.iter().map(|f| c.miss[*f as usize]).sum();
        let deopts: u64 = forms.iter().map(|f| c.deopt[*f as usize]).sum();
        out.push_str(&format!(
            "    {:<32} {:>10} {:>10} {:>10} {:>10}\n",
            family.name(),
            successes,
            failures,
            misses,
            deopts
        ));
        for f in forms {
            let i = f as usize;
            if c.success[i] + c.miss[i] + c.deopt[i] == 0 {
                continue;
            }
            out.push_str(&format!(
                "      {:<30} {:>10} {:>10} {:>10} {:>10}\n",
                f.name(),
                c.success[i],
                "",
                c.miss[i],
                c.deopt[i]
            ));
        }
    }
    #[cfg(feature = "pystats")]
    {
        let total: u64 = c.execution.iter().sum();
        out.push_str(&format!("  instructions executed: {total}\n"));
        let mut by: Vec<(u64, Op)> = (0..=255u8)
            .filter_map(Op::from_u8)
            .map(|op| (c.execution[op as usize], op))
            .filter(|(n, _)| *n > 0)
            .collect();
        by.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (n, op) in by {
            out.push_str(&format!("    {:<34} {:>12}\n", op.name(), n));
        }
    }
    out
}
