//! The differential harness: every program in `tests/programs/` (at the repository
//! root) runs under `python3` (CPython 3.11) and under `strand`; standard output,
//! standard error and the exit status must be identical.
//!
//! Standard error is compared after one normalization: traceback entries inside the
//! standard library (CPython's `lib/python3.11/*.py` files, strand's frozen
//! `<frozen name>` modules) are dropped from both sides, since the two implement
//! those modules differently; the program's own entries, their source lines and
//! position markers must match exactly.
//!
//! A program `name.py` with a file `name.stdin` beside it gets that file as its
//! standard input (otherwise an empty one). Programs run in parallel, each with a
//! time limit.
//!
//! Every program runs twice under strand: as is, and with `-X jit_threshold=1`, where
//! the JIT records every loop at its first back-edge, so that each loop of the suite
//! also runs as compiled traces (the outputs must still be CPython's).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A program that runs longer than this under either implementation fails.
const TIME_LIMIT: Duration = Duration::from_secs(120);

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs")
}

struct Outcome {
    stdout: String,
    stderr: String,
    status: Option<i32>,
}

fn run(cmd: &str, flags: &[&str], file: &Path) -> Outcome {
    let stdin_file = file.with_extension("stdin");
    let mut child = Command::new(cmd)
        .args(flags)
        .arg(file.file_name().expect("file name"))
        .current_dir(file.parent().expect("dir"))
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {cmd}: {e}"));
    let input = std::fs::read(&stdin_file).unwrap_or_default();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    // Read both pipes on their own threads so that neither can fill up and block.
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out_pipe, &mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err_pipe, &mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s.code();
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break Some(-1);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = writer.join();
    Outcome {
        stdout: String::from_utf8_lossy(&out.join().expect("stdout reader")).to_string(),
        stderr: String::from_utf8_lossy(&err.join().expect("stderr reader")).to_string(),
        status,
    }
}

/// Whether a traceback entry's file is part of an implementation's standard library.
fn is_library_file(path: &str) -> bool {
    path.starts_with("<frozen ") || path.contains("/lib/python3.")
}

/// Drops standard-library traceback entries (the `File` line and the indented source
/// and marker lines under it).
fn normalize_stderr(text: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("  File \"") {
            let path = rest.split('"').next().unwrap_or("");
            skipping = is_library_file(path);
        } else if !line.starts_with("    ") {
            skipping = false;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The strand command lines every program runs under.
const STRAND_FLAGS: [&[&str]; 2] = [&[], &["-X", "jit_threshold=1"]];

fn compare(file: &Path, strand: &str) -> Vec<String> {
    let want = run("python3", &[], file);
    let mut failures = Vec::new();
    for flags in STRAND_FLAGS {
        let got = run(strand, flags, file);
        let name = file.file_name().expect("name").to_string_lossy();
        let name = if flags.is_empty() {
            name.to_string()
        } else {
            format!("{name} (strand {})", flags.join(" "))
        };
        failures.extend(differences(&name, &want, &got));
    }
    failures
}

/// How `got` differs from `want` (nothing if it does not).
fn differences(name: &str, want: &Outcome, got: &Outcome) -> Vec<String> {
    let mut failures = Vec::new();
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
    let (want_err, got_err) = (
        normalize_stderr(&want.stderr),
        normalize_stderr(&got.stderr),
    );
    if got_err != want_err {
        failures.push(format!(
            "{name}: stderr differs\n--- python3\n{want_err}--- strand\n{got_err}"
        ));
    }
    failures
}

#[test]
fn stderr_normalization_drops_library_frames() {
    let text = "Traceback (most recent call last):\n  File \"/usr/lib/python3.11/threading.py\", line 1, in run\n    self._target()\n    ^^^^^^^^^^^^^^\n  File \"x.py\", line 2, in f\n    1/0\nZeroDivisionError: division by zero\n";
    assert_eq!(
        normalize_stderr(text),
        "Traceback (most recent call last):\n  File \"x.py\", line 2, in f\n    1/0\nZeroDivisionError: division by zero\n"
    );
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
    let queue = Mutex::new(files.iter());
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let Some(f) = queue.lock().expect("queue").next() else {
                    break;
                };
                let found = compare(f, strand);
                failures.lock().expect("failures").extend(found);
            });
        }
    });
    let failures = failures.into_inner().expect("failures");
    assert!(
        failures.is_empty(),
        "{} differences in {} programs:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
