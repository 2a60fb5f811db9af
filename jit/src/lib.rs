//! `strand-jit`: strand's tracing JIT compiler.
//!
//! - [`ir`]: the uop IR of recorded traces, with a textual form that prints and
//!   parses.
//! - [`opt`]: the trace optimizer, one pass per module.
//! - [`codegen`]: uops to Cranelift IR to machine code, in executable memory of
//!   strand's own, freed per trace.
//! - [`helpers`]: the runtime functions generated code calls.
//! - [`executor`]: compiled traces as GC-only heap objects.
//! - [`stats`]: counters for `-X stats`.
//!
//! The JIT never names the interpreter's frames or opcodes: the interpreter records a
//! trace by lowering each instruction it executes to uops, and program counters are
//! opaque numbers to the JIT.

pub mod codegen;
pub mod executor;
pub mod helpers;
pub mod ir;
pub mod opt;
pub mod stats;
