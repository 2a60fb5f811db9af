//! Fuzz target `compile`: the front end (source decoding, ruff's parser held to Python
//! 3.11, the tokenizer checks, the symbol table, the code generator and assembler)
//! never panics. Half the inputs are raw bytes, decoded as a source file is (PEP 263)
//! and compiled in each mode; the other half build a program from a grammar (see
//! `shared/pygen.rs`), so mutations explore valid and nearly valid structure. Every
//! input must give a code object that passes the bytecode verifier, or a compile
//! error; nothing else.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strand_compiler::source::{decode, Origin};
use strand_compiler::{compile, verify, Mode};

#[path = "shared/pygen.rs"]
mod pygen;

fn check(source: &str) {
    for mode in [Mode::Exec, Mode::Eval, Mode::Single] {
        if let Ok(code) = compile(source, "<fuzz>", mode) {
            if let Err(e) = verify(&code) {
                panic!("verifier rejected the compiler's output: {e}\n{source}");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    if first % 2 == 0 {
        if let Ok(text) = decode(rest, Origin::Bytes) {
            check(&text);
        }
    } else {
        let source = pygen::program(&mut pygen::Choices::new(rest));
        if std::env::var_os("STRAND_FUZZ_SHOW").is_some() {
            eprintln!("--- program\n{source}---");
        }
        check(&source);
    }
});
