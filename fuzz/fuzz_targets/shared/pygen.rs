//! Python source built from fuzzer bytes: each byte chooses a grammar production, so
//! that libFuzzer's mutations explore statement and expression shapes (nesting, scopes,
//! `try`/`finally`, comprehensions, classes, lambdas) instead of mostly invalid text.
//! Programs terminate by construction: loops run over short ranges, there is no
//! `while`, and recursion ends at the recursion limit.

/// Reads choices from the fuzzer's bytes (zeros once they run out).
pub struct Choices<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Choices<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Choices { data, pos: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    fn done(&self) -> bool {
        self.pos >= self.data.len()
    }
}

const NAMES: &[&str] = &["a", "b", "c", "x", "y", "self", "__class__", "super", "i"];
const LITERALS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2 ** 70",
    "0x10000000000000000",
    "1.5",
    "float('nan')",
    "-0.0",
    "'s'",
    "b'b'",
    "None",
    "True",
    "...",
    "[]",
    "{}",
    "()",
    "(1, 2)",
    "{1}",
    "'%s' % 1",
    "f'{a!r:>4}'",
    "1j",
    "0o17",
    "0b1_0",
];
const BINOPS: &[&str] = &[
    "+", "-", "*", "//", "%", "**", "<<", ">>", "&", "|", "^", "@", "/",
];
const CMPOPS: &[&str] = &["<", "==", "!=", "is", "is not", "in", "not in", ">="];

/// Builds one program of at most about `budget` statements.
pub fn program(c: &mut Choices<'_>) -> String {
    let mut out = String::new();
    let mut n = 0;
    while !c.done() && n < 40 {
        stmt(c, &mut out, 0, 0);
        n += 1;
    }
    if out.is_empty() {
        out.push_str("pass\n");
    }
    out
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

fn body(c: &mut Choices<'_>, out: &mut String, level: usize, depth: usize) {
    let n = 1 + c.below(3);
    for _ in 0..n {
        stmt(c, out, level, depth + 1);
    }
}

fn stmt(c: &mut Choices<'_>, out: &mut String, level: usize, depth: usize) {
    let kinds = if depth > 6 { 6 } else { 24 };
    indent(out, level);
    let name = NAMES[c.below(NAMES.len())];
    match c.below(kinds) {
        0 => out.push_str(&format!("{name} = {}\n", expr(c, 0))),
        1 => out.push_str(&format!("{name} += {}\n", expr(c, 0))),
        2 => out.push_str(&format!("{}\n", expr(c, 0))),
        3 => out.push_str("pass\n"),
        4 => out.push_str(&format!("del {name}\n")),
        5 => out.push_str(&format!("{name}[{}] = {}\n", expr(c, 0), expr(c, 0))),
        6 => {
            out.push_str(&format!("if {}:\n", expr(c, 0)));
            body(c, out, level + 1, depth);
            if c.below(2) == 0 {
                indent(out, level);
                out.push_str("else:\n");
                body(c, out, level + 1, depth);
            }
        }
        7 => {
            out.push_str(&format!("for {name} in range({}):\n", c.below(4)));
            body(c, out, level + 1, depth);
        }
        8 => {
            out.push_str("try:\n");
            body(c, out, level + 1, depth);
            if c.below(2) == 0 {
                indent(out, level);
                out.push_str("except Exception as e:\n");
                body(c, out, level + 1, depth);
                if c.below(2) == 0 {
                    indent(out, level);
                    out.push_str("else:\n");
                    body(c, out, level + 1, depth);
                }
            }
            indent(out, level);
            out.push_str("finally:\n");
            body(c, out, level + 1, depth);
        }
        9 => {
            let params = [
                "",
                "a",
                "a, b=1",
                "*a, b",
                "a, /, b",
                "a=[], *, b",
                "*args, **kw",
            ];
            out.push_str(&format!("def {name}({}):\n", params[c.below(params.len())]));
            body(c, out, level + 1, depth);
        }
        10 => {
            out.push_str(&format!("class {name}({}):\n", expr(c, 1)));
            body(c, out, level + 1, depth);
        }
        11 => out.push_str(&format!("return {}\n", expr(c, 0))),
        12 => out.push_str("break\n"),
        13 => out.push_str("continue\n"),
        14 => out.push_str(&format!("global {name}\n")),
        15 => out.push_str(&format!("nonlocal {name}\n")),
        16 => out.push_str(&format!("yield {}\n", expr(c, 0))),
        17 => out.push_str(&format!("raise {}\n", expr(c, 0))),
        18 => {
            out.push_str(&format!("with {} as {name}:\n", expr(c, 0)));
            body(c, out, level + 1, depth);
        }
        19 => out.push_str(&format!("assert {}, {}\n", expr(c, 0), expr(c, 0))),
        20 => {
            out.push_str(&format!("match {}:\n", expr(c, 0)));
            indent(out, level + 1);
            let pats = [
                "1 | 2",
                "[x, *y]",
                "{'k': v}",
                "str() as s",
                "(a, b) if a",
                "_",
                "C(x=1)",
            ];
            out.push_str(&format!("case {}:\n", pats[c.below(pats.len())]));
            body(c, out, level + 2, depth);
        }
        21 => {
            out.push_str("try:\n");
            body(c, out, level + 1, depth);
            indent(out, level);
            out.push_str("except* ValueError:\n");
            body(c, out, level + 1, depth);
        }
        22 => out.push_str(&format!("{name}: {} = {}\n", expr(c, 0), expr(c, 0))),
        _ => out.push_str(&format!("import {}\n", ["math", "os", "sys"][c.below(3)])),
    }
}

fn expr(c: &mut Choices<'_>, depth: usize) -> String {
    if depth > 5 || c.done() {
        return LITERALS[c.below(LITERALS.len())].to_string();
    }
    let d = depth + 1;
    match c.below(18) {
        0 | 1 => LITERALS[c.below(LITERALS.len())].to_string(),
        2 | 3 => NAMES[c.below(NAMES.len())].to_string(),
        4 => format!(
            "({} {} {})",
            expr(c, d),
            BINOPS[c.below(BINOPS.len())],
            expr(c, d)
        ),
        5 => format!(
            "({} {} {})",
            expr(c, d),
            CMPOPS[c.below(CMPOPS.len())],
            expr(c, d)
        ),
        6 => format!("({} and {} or {})", expr(c, d), expr(c, d), expr(c, d)),
        7 => format!("(lambda a=({}): {})", expr(c, d), expr(c, d)),
        8 => format!(
            "[{} for a in ({}, {}) if {}]",
            expr(c, d),
            expr(c, d),
            expr(c, d),
            expr(c, d)
        ),
        9 => format!("({} for i in range(2))", expr(c, d)),
        10 => format!(
            "{{{}: {} for b in ({},)}}",
            expr(c, d),
            expr(c, d),
            expr(c, d)
        ),
        11 => format!(
            "{}({}, *{}, k={}, **{})",
            expr(c, d),
            expr(c, d),
            expr(c, d),
            expr(c, d),
            expr(c, d)
        ),
        12 => format!("{}.{}", expr(c, d), NAMES[c.below(NAMES.len())]),
        13 => format!("{}[{}:{}]", expr(c, d), expr(c, d), expr(c, d)),
        14 => format!("({} if {} else {})", expr(c, d), expr(c, d), expr(c, d)),
        15 => format!("(a := {})", expr(c, d)),
        16 => format!("(yield {})", expr(c, d)),
        _ => format!("(not {})", expr(c, d)),
    }
}
