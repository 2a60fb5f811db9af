//! `strand-jit`: strand's tracing JIT compiler (work in progress: the IR and the
//! optimizer are built; code generation and executors follow).
//!
//! - [`ir`]: the uop IR of recorded traces, with a textual form that prints and
//!   parses.
//! - [`opt`]: the trace optimizer, one pass per module.
//!
//! The JIT never names the interpreter's frames or opcodes: the interpreter records a
//! trace by lowering each instruction it executes to uops, and program counters are
//! opaque numbers to the JIT.

pub mod ir;
pub mod opt;
