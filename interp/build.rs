//! Finds the standard library strand runs with: the pure-Python `Lib` directory of the
//! CPython 3.11 that `python3` names on the build machine (`sysconfig.get_path
//! ("stdlib")`), recorded as `STRAND_BUILD_STDLIB` for `sys.path` (the interpreter
//! checks it again at start-up, and `STRAND_STDLIB` overrides it at run time), and
//! that CPython's `sys.stdlib_module_names` as `STRAND_STDLIB_MODULE_NAMES`
//! (comma-separated): strand's standard library is that installation's. A machine
//! without `python3` builds a strand that reports the missing library when it starts.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=STRAND_PYTHON");
    println!("cargo:rerun-if-env-changed=PATH");
    let python = std::env::var("STRAND_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let found = Command::new(&python)
        .args([
            "-c",
            "import sysconfig, sys; print(sysconfig.get_path('stdlib')); print('%d.%d' % sys.version_info[:2]); print(','.join(sorted(getattr(sys, 'stdlib_module_names', ()))))",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok());
    let (dir, version, names) = match found.as_deref().map(|s| s.lines().collect::<Vec<_>>()) {
        Some(lines) if lines.len() >= 3 => (
            lines[0].to_string(),
            lines[1].to_string(),
            lines[2].to_string(),
        ),
        _ => (String::new(), String::new(), String::new()),
    };
    if !dir.is_empty() && version != "3.11" {
        println!(
            "cargo:warning={python} is Python {version}; strand needs CPython 3.11's standard library (set STRAND_PYTHON to a python3.11, or STRAND_STDLIB when running)"
        );
    }
    println!("cargo:rustc-env=STRAND_BUILD_STDLIB={dir}");
    println!("cargo:rustc-env=STRAND_STDLIB_MODULE_NAMES={names}");
    // The compiler, for the bracketed part of `sys.version` (CPython puts its C compiler there).
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let rustc_version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "rustc".to_string());
    println!("cargo:rustc-env=STRAND_RUSTC_VERSION={rustc_version}");
}
