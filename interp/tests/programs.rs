//! The differential harness: every program in `tests/programs/` (at the repository
//! root) runs under `python3` and under `strand`; standard output and the exit status
//! must be identical, and so must the last line of standard error (the exception).
//!
//! Full traceback comparison waits for column positions in the line table (CPython
//! 3.11 prints `^^^^` markers under the failing expression; strand prints the source
//! lines without them).

use std::path::{Path, PathBuf};
use std::process::Command;

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs")
}

struct Outcome {
    stdout: String,
    stderr_last: String,
    status: Option<i32>,
}

fn run(cmd: &str, file: &Path) -> Outcome {
    let out = Command::new(cmd)
        .arg(file.file_name().expect("file name"))
        .current_dir(file.parent().expect("dir"))
        .env("PYTHONHASHSEED", "0")
        .output()
        .unwrap_or_else(|e| panic!("running {cmd}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    Outcome {
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr_last: stderr.lines().last().unwrap_or("").to_string(),
        status: out.status.code(),
    }
}

#[test]
fn programs_match_cpython() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(programs_dir())
        .expect("tests/programs exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let strand = env!("CARGO_BIN_EXE_strand");
    let mut failures = Vec::new();
    for f in &files {
        let want = run("python3", f);
        let got = run(strand, f);
        let name = f.file_name().expect("name").to_string_lossy().to_string();
        if got.stdout != want.stdout {
            failures.push(format!(
                "{name}: stdout differs\n--- python3\n{}--- strand\n{}",
                want.stdout, got.stdout
            ));
        }
        if got.status != want.status {
            failures.push(format!(
                "{name}: exit status {:?} vs python3's {:?}",
                got.status, want.status
            ));
        }
        if got.stderr_last != want.stderr_last {
            failures.push(format!(
                "{name}: last stderr line\n  python3: {}\n  strand:  {}",
                want.stderr_last, got.stderr_last
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} programs differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
