//! The symbol table against CPython's own (`symtable` module of python3): for each
//! program, every block's kind and name, and every symbol's scope and main flags, must
//! match; programs CPython rejects must fail with the same message.

use std::io::Write;
use std::process::{Command, Stdio};

use strand_compiler::symtable::{self, BlockKind, SymbolTable};

const PROGRAMS: &[&str] = &[
    "x = 1\nprint(x)\n",
    "def f(a, b=1, *args, c, d=2, **kw):\n    e = a + b\n    return e\n",
    "def outer():\n    x = 1\n    def inner():\n        return x\n    return inner\n",
    "def outer():\n    x = 1\n    def mid():\n        def inner():\n            nonlocal x\n            x += 1\n        return inner\n    return mid\n",
    "g = 0\ndef f():\n    global g\n    g = 1\n    def h():\n        return g\n",
    "class C:\n    a = 1\n    def m(self):\n        return a\n    def n(self):\n        return super().n()\n",
    "class C:\n    def m(self):\n        return __class__\n",
    "def f():\n    class C:\n        x = y\n        def m(self):\n            return x + y\n    y = 2\n    return C\n",
    "def f(xs):\n    return [x * y for x in xs for y in range(x) if x]\n",
    "def f(xs):\n    return {k: v for k, v in xs}, {a for a in xs}, (b for b in xs)\n",
    "def f(xs):\n    if any((n := x) > 3 for x in xs):\n        return n\n",
    "ys = [(last := x) for x in range(3)]\n",
    "import os.path, sys as system\nfrom collections import deque as dq, OrderedDict\n",
    "def f():\n    try:\n        pass\n    except ValueError as e:\n        print(e)\n    with open('x') as fh, open('y') as (a, b):\n        del a\n",
    "lam = lambda x, *r, k=z: x + w\n",
    "def f():\n    x: int = 1\n    y: str\n    return x\n",
    "def deco(f): return f\n@deco\ndef g(a=default, *, b: ann = 3) -> ret:\n    yield a\n",
    "async def f(xs):\n    return [await x async for x in xs]\n",
    "def f():\n    def g():\n        def h():\n            return q\n        return h\n    q = 1\n    return g\n",
    "class A:\n    x = 1\n    class B:\n        y = x\n        def m(self):\n            return y\n",
    "def f(a):\n    def g():\n        a = 2\n        def h():\n            return a\n        return h\n    return g\n",
    "for i in range(3):\n    pass\nelse:\n    j = i\nwhile k:\n    break\n",
    // A `global` or a binding in a class body: the method's free variable still comes
    // from the function (the class passes it through, DEF_FREE_CLASS).
    "def f(x):\n    class C:\n        global x\n        def g(self):\n            return x\n    return C().g()\n",
    "def f():\n    y = 1\n    class C:\n        y = 2\n        def g(self):\n            return y\n    return C\n",
    // A `global` in a function hides the enclosing binding from the blocks nested in it.
    "def f():\n    z = 1\n    def g():\n        global z\n        def h():\n            return z\n        return h\n    return g\n",
    // Errors CPython's symbol table reports.
    "def f():\n    x = 1\n    global x\n",
    "def f():\n    print(x)\n    global x\n",
    "def f(x):\n    global x\n",
    "nonlocal x\n",
    "def f():\n    nonlocal x\n",
    "def f(a, a):\n    pass\n",
    "def f():\n    from os import *\n",
    "def f():\n    x: int\n    global x\n",
    "[i := 0 for i in range(3)]\n",
    "class C:\n    [y := 1 for x in range(3)]\n",
    "def f():\n    global x\n    nonlocal x\n",
];

fn py_bool(bits: u16) -> &'static str {
    if bits != 0 {
        "True"
    } else {
        "False"
    }
}

fn dump(t: &SymbolTable, depth: usize, out: &mut Vec<String>) {
    let pad = "  ".repeat(depth);
    let kind = match t.kind {
        BlockKind::Module => "module",
        BlockKind::Function => "function",
        BlockKind::Class => "class",
    };
    out.push(format!("{pad}{kind} {}", t.name));
    let mut syms: Vec<_> = t.symbols.iter().collect();
    syms.sort_by(|a, b| a.name.cmp(&b.name));
    for s in syms {
        let f = s.flags;
        out.push(format!(
            "{pad}  {} scope={} param={} assigned={} used={} global={} nonlocal={} imported={}",
            s.name,
            s.scope.cpython_code(),
            py_bool(f & symtable::DEF_PARAM),
            py_bool(f & symtable::DEF_LOCAL),
            py_bool(f & symtable::USE),
            py_bool(f & symtable::DEF_GLOBAL),
            py_bool(f & symtable::DEF_NONLOCAL),
            py_bool(f & symtable::DEF_IMPORT),
        ));
    }
    for c in &t.children {
        dump(c, depth + 1, out);
    }
}

fn strand_dump(src: &str) -> String {
    let parsed = ruff_python_parser::parse_module(src).expect("valid syntax");
    match symtable::build(parsed.syntax()) {
        Ok(t) => {
            let mut out = Vec::new();
            dump(&t, 0, &mut out);
            out.join("\n")
        }
        Err(e) => format!("SyntaxError: {}", e.message),
    }
}

const PY: &str = r#"
import json, symtable, sys
def dump(t, depth, out):
    pad = "  " * depth
    out.append(f"{pad}{t.get_type()} {t.get_name()}")
    for s in sorted(t.get_symbols(), key=lambda s: s.get_name()):
        f = s._Symbol__flags
        out.append(f"{pad}  {s.get_name()} scope={s._Symbol__scope} param={bool(f & 4)} assigned={bool(f & 2)} used={bool(f & 16)} global={bool(f & 1)} nonlocal={bool(f & 8)} imported={bool(f & 128)}")
    for c in t.get_children():
        dump(c, depth + 1, out)
res = []
for src in json.loads(sys.stdin.read()):
    try:
        out = []
        dump(symtable.symtable(src, "<test>", "exec"), 0, out)
        res.append("\n".join(out))
    except SyntaxError as e:
        res.append("SyntaxError: " + e.msg)
print(json.dumps(res))
"#;

fn json_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn parse_json_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.trim().chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '"' {
            let mut cur = String::new();
            i += 1;
            while chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                    match chars[i] {
                        'n' => cur.push('\n'),
                        'u' => {
                            let hex: String = chars[i + 1..i + 5].iter().collect();
                            cur.push(
                                char::from_u32(u32::from_str_radix(&hex, 16).expect("hex"))
                                    .unwrap_or('?'),
                            );
                            i += 4;
                        }
                        c => cur.push(c),
                    }
                } else {
                    cur.push(chars[i]);
                }
                i += 1;
            }
            out.push(cur);
        }
        i += 1;
    }
    out
}

#[test]
fn matches_cpython_symtable() {
    let input = format!(
        "[{}]",
        PROGRAMS
            .iter()
            .map(|p| json_str(p))
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut child = Command::new("python3")
        .args(["-c", PY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 (CPython 3.11) must be installed");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python3 ran");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = parse_json_list(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(expected.len(), PROGRAMS.len());
    let mut failures = Vec::new();
    for (src, want) in PROGRAMS.iter().zip(&expected) {
        let got = strand_dump(src);
        if &got != want {
            failures.push(format!(
                "--- program:\n{src}--- python:\n{want}\n--- strand:\n{got}\n"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        PROGRAMS.len(),
        failures.join("\n")
    );
}
