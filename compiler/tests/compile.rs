//! The compiler: a range of programs compiles to verified bytecode (decodable, jump
//! targets on boundaries, consistent stack depths within `max_stack`); names resolve
//! to the right instructions; errors carry CPython's messages and positions.

use strand_compiler::bytecode::{instructions, Op};
use strand_compiler::code::{CodeObject, Constant};
use strand_compiler::{compile_module, verify, ErrorKind};

const PROGRAMS: &[&str] = &[
    "x = 1\ny = x + 2 * 3\nprint(y)\n",
    "a, b = 1, 2\n[c, *d] = range(5)\na += 1\nb **= 2\nq = {}\nq['k'] = 1\nq['k'] += 1\ndel q['k'], a\n",
    "def f(a, b=2, *args, c, d=4, **kw):\n    return a + b + c + d + len(args) + len(kw)\nprint(f(1, c=3))\n",
    "def outer():\n    x = 1\n    def inner(y):\n        nonlocal x\n        x += y\n        return x\n    return inner\nprint(outer()(5))\n",
    "class A:\n    '''doc'''\n    k = 1\n    def m(self):\n        return super().m() + __class__.k\n    @staticmethod\n    def s():\n        return 2\nclass B(A, metaclass=type):\n    pass\n",
    "for i in range(10):\n    if i % 2:\n        continue\n    elif i > 7:\n        break\n    print(i)\nelse:\n    print('done')\n",
    "n = 0\nwhile n < 10:\n    n += 1\n    if n == 5:\n        break\nelse:\n    n = -1\n",
    "xs = [x * y for x in range(3) for y in range(x) if x > y]\nd = {k: v for k, v in zip('ab', 'cd')}\ns = {c for c in 'abc'}\n",
    "f = lambda x, *a, k=1, **kw: (x, a, k, kw)\nprint(f(1, 2, k=3, z=4))\nprint(*[1, 2], **{'sep': '-'})\n",
    "x = 5\nprint(f'{x} {x!r:>4} {x=} {x:{x}}')\n",
    "t = (1, 2.5, 'a', None, True, (3,))\nprint(1 < x < 3, a if b else c, not a, a and b or c, -x, ~x, +x)\n",
    "import os.path\nimport collections.abc as cabc\nfrom os import path as p, sep\nfrom math import *\n",
    "def g():\n    global counter\n    counter = counter + 1\n    assert counter > 0, 'positive'\n    raise ValueError('x') from None\n",
    "def deco(f):\n    return f\n@deco\n@deco\ndef h():\n    pass\nx = [1, *range(3), 4]\ny = {'a': 1, **{'b': 2}}\nz = (*x,)\n",
    "class C:\n    __private = 1\n    def m(self):\n        return self.__private\n",
    "if (n := 10) > 5:\n    print(n)\nprint([y := 5, y ** 2])\n",
    "def g(n):\n    x = yield n\n    y = yield from range(x)\n    return (v for v in y if v)\n",
    "def f(x):\n    for i in x:\n        try:\n            if i:\n                continue\n            return i\n        except (KeyError, IndexError) as e:\n            break\n        except Exception:\n            raise\n        else:\n            pass\n        finally:\n            print(i)\n",
    "try:\n    try:\n        raise ValueError\n    finally:\n        x = 1\nexcept ValueError as e:\n    raise RuntimeError('x') from e\n",
    "async def f(xs, m):\n    async for x in xs:\n        if x:\n            break\n        async with m as a, m:\n            if a:\n                continue\n            return await x\n    else:\n        pass\n",
    "async def g(n):\n    try:\n        yield n\n        x = await n\n    finally:\n        async with n:\n            yield x\n",
    "async def h(a):\n    return [x async for x in a if await x], {k: await v for k, v in a}, (y async for y in a), [[z async for z in a] for w in a]\n",
];

fn walk(code: &CodeObject, f: &mut dyn FnMut(&CodeObject)) {
    f(code);
    for c in &code.consts {
        if let Constant::Code(inner) = c {
            walk(inner, f);
        }
    }
}

#[test]
fn programs_compile_to_verified_bytecode() {
    for src in PROGRAMS {
        let code =
            compile_module(src, "<test>").unwrap_or_else(|e| panic!("{src}\n{}", e.display_line()));
        if let Err(e) = verify(&code) {
            panic!("{src}\n{e}\n{}", code.disassemble());
        }
        assert!(!code.disassemble().is_empty());
    }
}

/// Every differential program (tests/programs at the repository root) compiles to
/// verified bytecode: the stack discipline of `match`, `try` and `with` holds on
/// every path.
#[test]
fn differential_programs_verify() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/programs") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "py") {
            continue;
        }
        let bytes = std::fs::read(&path).expect("readable");
        let name = path.display().to_string();
        let Ok(src) =
            strand_compiler::source::decode(&bytes, strand_compiler::source::Origin::File(&name))
        else {
            // Programs whose encoding is wrong on purpose.
            continue;
        };
        let Ok(code) = compile_module(&src, &name) else {
            // Programs that end in a SyntaxError on purpose.
            continue;
        };
        if let Err(e) = verify(&code) {
            panic!("{name}: {e}");
        }
        count += 1;
    }
    assert!(count > 0);
}

fn ops(code: &CodeObject) -> Vec<(Op, u32)> {
    instructions(&code.code)
        .expect("valid")
        .iter()
        .map(|i| (i.op, i.arg))
        .collect()
}

#[test]
fn names_resolve_by_scope() {
    let code = compile_module(
        "g = 1\ndef f(a):\n    b = a\n    def h():\n        return b + g\n    return h\n",
        "<t>",
    )
    .expect("compiles");
    let mut seen = Vec::new();
    walk(&code, &mut |c| seen.push((c.qualname.clone(), ops(c))));
    let f = &seen.iter().find(|(q, _)| q == "f").expect("f").1;
    let h = &seen.iter().find(|(q, _)| q == "f.<locals>.h").expect("h").1;
    assert!(f.contains(&(Op::MAKE_CELL, 1)), "b is a cell of f: {f:?}");
    assert!(
        f.iter()
            .any(|(op, _)| matches!(op, Op::LOAD_FAST | Op::LOAD_FAST_BORROW)),
        "a is a fast local"
    );
    assert!(
        f.iter().any(|(op, _)| *op == Op::STORE_DEREF),
        "b is stored in its cell"
    );
    assert!(h.iter().any(|(op, _)| *op == Op::COPY_FREE_VARS));
    assert!(
        h.iter().any(|(op, _)| *op == Op::LOAD_DEREF),
        "b is free in h"
    );
    assert!(
        h.iter().any(|(op, _)| *op == Op::LOAD_GLOBAL),
        "g is global in h"
    );
    let module = &seen[0].1;
    assert!(module.iter().any(|(op, _)| *op == Op::STORE_NAME));
    assert_eq!(module.last().map(|x| x.0), Some(Op::RETURN_CONST));
}

#[test]
fn errors_have_python_messages_and_positions() {
    let cases: &[(&str, ErrorKind, &str, u32)] = &[
        (
            "return 1\n",
            ErrorKind::Syntax,
            "'return' outside function",
            1,
        ),
        (
            "x = 1\nbreak\n",
            ErrorKind::Syntax,
            "'break' outside loop",
            2,
        ),
        (
            "continue\n",
            ErrorKind::Syntax,
            "'continue' not properly in loop",
            1,
        ),
        (
            "def f():\n    x = 1\n    global x\n",
            ErrorKind::Syntax,
            "name 'x' is assigned to before global declaration",
            3,
        ),
        (
            "nonlocal q\n",
            ErrorKind::Syntax,
            "nonlocal declaration not allowed at module level",
            1,
        ),
        (
            "match x:\n    case y:\n        pass\n    case 1:\n        pass\n",
            ErrorKind::Syntax,
            "name capture 'y' makes remaining patterns unreachable",
            2,
        ),
        (
            "match x:\n    case _:\n        pass\n    case 1:\n        pass\n",
            ErrorKind::Syntax,
            "wildcard makes remaining patterns unreachable",
            2,
        ),
        (
            "match x:\n    case [a, {'k': a}]:\n        pass\n",
            ErrorKind::Syntax,
            "multiple assignments to name 'a' in pattern",
            2,
        ),
        (
            "match x:\n    case [a] | (b,):\n        pass\n",
            ErrorKind::Syntax,
            "alternative patterns bind different names",
            2,
        ),
        (
            "match x:\n    case {'k': 1,\n          'k': 2}:\n        pass\n",
            ErrorKind::Syntax,
            "mapping pattern checks duplicate key ('k')",
            3,
        ),
        (
            "match x:\n    case [*a, *b]:\n        pass\n",
            ErrorKind::Syntax,
            "multiple starred names in sequence pattern",
            2,
        ),
        (
            "match x:\n    case C(a=1, a=2):\n        pass\n",
            ErrorKind::Syntax,
            "attribute name repeated in class pattern: a",
            2,
        ),
        (
            "x = 1\ny = f'{\"\\n\".join([])}'\n",
            ErrorKind::Syntax,
            "f-string expression part cannot include a backslash",
            2,
        ),
        ("type X = int\n", ErrorKind::Syntax, "invalid syntax", 1),
        (
            "x = [(yield 1) for y in z]\n",
            ErrorKind::Syntax,
            "'yield' inside list comprehension",
            1,
        ),
    ];
    for (src, kind, msg, line) in cases {
        let e = compile_module(src, "<t>").expect_err(src);
        assert_eq!(
            (e.kind, e.message.as_str(), e.line),
            (*kind, *msg, *line),
            "{src}"
        );
    }
    let e = compile_module("x = (1,\n", "<t>").expect_err("unclosed");
    assert_eq!(e.kind, ErrorKind::Syntax);
}

#[test]
fn constants_are_deduplicated_and_typed() {
    let code = compile_module(
        "a = 1\nb = 1.0\nc = True\nd = 1\ne = -0.0\nf = 0.0\n",
        "<t>",
    )
    .expect("compiles");
    let ints = code
        .consts
        .iter()
        .filter(|c| matches!(c, Constant::Int(_)))
        .count();
    let floats = code
        .consts
        .iter()
        .filter(|c| matches!(c, Constant::Float(_)))
        .count();
    assert_eq!(ints, 1, "1 stored once: {:?}", code.consts);
    assert_eq!(
        floats, 3,
        "1.0, -0.0 and 0.0 are distinct: {:?}",
        code.consts
    );
    assert!(code.consts.contains(&Constant::Bool(true)));
}
