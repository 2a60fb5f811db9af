//! Build script: a digest of the compiler's own source, which becomes part of the
//! compiled-code format's fingerprint (`serial::fingerprint`), so that code cached by
//! one build of the compiler is never read by a build whose code generation differs.

use std::path::{Path, PathBuf};

/// FNV-1a, 64 bits.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn main() {
    let src = Path::new("src");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=build.rs");
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for f in &files {
        let rel = f.strip_prefix(src).unwrap_or(f);
        h = fnv(h, rel.to_string_lossy().as_bytes());
        h = fnv(h, &[0]);
        h = fnv(h, &std::fs::read(f).unwrap_or_default());
        h = fnv(h, &[0]);
    }
    println!("cargo:rustc-env=STRAND_COMPILER_SOURCE_DIGEST={h:016x}");
}
