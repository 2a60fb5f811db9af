//! Thread stress, repeated: `tests/programs/threads_stress.py` (eight workers on one
//! list, dict, set and locked counters while a collector thread and a class/function
//! mutator run) must print its exact counts every time. The differential suite runs it
//! once against python3; this runs it `STRAND_STRESS_REPEAT` more times (default 3),
//! each bounded by a time limit, so that rare interleavings get more chances to show.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const EXPECTED: &str =
    "0 2000 2000 2000 2000 True True True\n1 2000 2000 2000 2000 True True True\ndone\n";

#[test]
fn thread_stress_counts_are_exact_every_time() {
    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs/threads_stress.py");
    let repeat: usize = std::env::var("STRAND_STRESS_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    for run in 0..repeat {
        let mut child = Command::new(env!("CARGO_BIN_EXE_strand"))
            .arg(&program)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn strand");
        let start = Instant::now();
        loop {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            if start.elapsed() > Duration::from_secs(300) {
                let _ = child.kill();
                panic!("run {run}: still running after 300 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let out = child.wait_with_output().expect("output");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            EXPECTED,
            "run {run}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "run {run}");
    }
}
