//! Compile time against source size: for each shape of source (many names, many
//! constants, long list and dict displays, many functions, many locals, deep nesting)
//! compiles sources of growing size and prints the time per size and the growth
//! factor between consecutive sizes. Linear compilation shows a factor near the
//! size ratio (4); a quadratic step shows near 16.
//!
//! `cargo bench -p strand-compiler --bench compile_scaling` (add `-- quick` for
//! smaller sizes).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// A source of shape `shape` with about `n` items.
fn source(shape: &str, n: usize) -> String {
    let mut s = String::new();
    match shape {
        "names" => {
            for i in 0..n {
                let _ = writeln!(s, "name_{i} = {i}");
            }
        }
        "constants" => {
            s.push_str("def f():\n    return [");
            for i in 0..n {
                let _ = write!(s, "{i}.5, ");
            }
            s.push_str("]\n");
        }
        "list_display" => {
            s.push_str("x = [");
            for i in 0..n {
                let _ = write!(s, "{i}, ");
            }
            s.push_str("]\n");
        }
        "list_of_names" => {
            s.push_str("a = 1\nx = [");
            for _ in 0..n {
                s.push_str("a, ");
            }
            s.push_str("]\n");
        }
        "dict_display" => {
            s.push_str("x = {");
            for i in 0..n {
                let _ = write!(s, "{i}: {i}, ");
            }
            s.push_str("}\n");
        }
        "functions" => {
            for i in 0..n {
                let _ = writeln!(s, "def f{i}(a, b=1):\n    return a + b + {i}");
            }
        }
        "locals" => {
            s.push_str("def f():\n");
            for i in 0..n {
                let _ = writeln!(s, "    v{i} = {i}");
            }
            s.push_str("    return v0\n");
        }
        "nested_lambdas" => {
            s.push_str("f = ");
            for _ in 0..n {
                s.push_str("lambda: ");
            }
            s.push_str("1\n");
        }
        "nested_defs" => {
            // Indentation allows 99 levels: chains of nested functions side by side.
            for c in 0..n / 90 {
                for d in 0..90 {
                    let _ = writeln!(s, "{}def f{c}_{d}():", "    ".repeat(d));
                }
                let _ = writeln!(s, "{}return 1", "    ".repeat(90));
            }
        }
        "try_finally" => {
            s.push_str("def f():\n");
            for i in 0..n {
                let _ = writeln!(
                    s,
                    "    try:\n        x = {i}\n    finally:\n        y = {i}"
                );
            }
        }
        _ => unreachable!("unknown shape"),
    }
    s
}

fn time(src: &str) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            let code = strand_compiler::compile_module(src, "<bench>").expect("compiles");
            let d = t.elapsed();
            drop(code);
            d
        })
        .min()
        .expect("three runs")
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let shapes: &[(&str, &[usize])] = &[
        ("names", &[10_000, 40_000, 160_000]),
        ("constants", &[10_000, 40_000, 160_000]),
        ("list_display", &[62_500, 250_000, 1_000_000]),
        ("list_of_names", &[62_500, 250_000, 1_000_000]),
        ("dict_display", &[18_750, 75_000, 300_000]),
        ("functions", &[2_500, 10_000, 40_000]),
        ("locals", &[2_500, 10_000, 40_000]),
        ("nested_lambdas", &[125, 500, 2_000]),
        ("nested_defs", &[500, 2_000, 8_000]),
        ("try_finally", &[1_000, 4_000, 16_000]),
    ];
    println!(
        "{:<16} {:>10} {:>12} {:>8}",
        "shape", "size", "time (ms)", "growth"
    );
    for (shape, sizes) in shapes {
        let mut prev: Option<Duration> = None;
        for &n in sizes.iter() {
            let n = if quick { n / 4 } else { n };
            let src = source(shape, n);
            let t = time(&src);
            let growth = prev.map_or(String::new(), |p| {
                format!("{:.1}x", t.as_secs_f64() / p.as_secs_f64().max(1e-9))
            });
            println!(
                "{shape:<16} {n:>10} {:>12.1} {growth:>8}",
                t.as_secs_f64() * 1e3
            );
            prev = Some(t);
        }
    }
}
