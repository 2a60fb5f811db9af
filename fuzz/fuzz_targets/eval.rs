//! Fuzz target `eval`: small programs built from the fuzzer's bytes (see
//! `shared/pygen.rs`) compiled and run by the interpreter. Whatever a program does, it
//! ends in a value or a Python exception, never a Rust panic or an abort. The programs
//! terminate by construction (short `for` loops, no `while`, recursion bounded by the
//! recursion limit), which is this target's step limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Once;

#[path = "shared/pygen.rs"]
mod pygen;

thread_local! {
    static THREAD: strand_heap::ThreadState = strand_heap::ThreadState::attach_new();
}

fuzz_target!(|data: &[u8]| {
    static INSTALL: Once = Once::new();
    THREAD.with(|_| {
        INSTALL.call_once(strand_stdlib::install);
        let source = pygen::program(&mut pygen::Choices::new(data));
        if std::env::var_os("STRAND_FUZZ_SHOW").is_some() {
            eprintln!("--- program\n{source}---");
        }
        let Ok(code) = strand_compiler::compile(&source, "<fuzz>", strand_compiler::Mode::Exec)
        else {
            return;
        };
        let globals = strand_objects::dict::new();
        strand_objects::dict::set_item_str(
            &globals,
            "__name__",
            strand_objects::str::new("__fuzz__"),
        );
        let code = strand_interp::code::load_code(&code);
        let _ = strand_interp::eval::run_code(&code, &globals);
    });
});
