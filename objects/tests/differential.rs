//! Differential tests against CPython: each case builds a value (or an error) through
//! strand's object model and names the Python expression that should produce the same
//! thing; one `python3` run per test evaluates all the expressions, and the `repr()`
//! of every result (or `TypeName: message` of every exception) must match exactly.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;
use strand_objects::abstract_::{self as ab, BinOp};
use strand_objects::typeobj::CompareOp;
use strand_objects::{PyObj, PyResult};

/// Cases of one test: Python source and strand's rendering of the same value.
struct Diff {
    cases: Vec<(String, String)>,
}

fn render(r: PyResult<PyObj>) -> String {
    match r {
        Ok(v) => repr(&v),
        Err(e) => e.display_line(),
    }
}

impl Diff {
    fn new() -> Diff {
        Diff { cases: Vec::new() }
    }

    /// `expr` is a Python expression; `got` what strand computed for it.
    fn case(&mut self, expr: &str, got: PyResult<PyObj>) {
        self.cases.push((expr.to_string(), render(got)));
    }

    fn check(self) {
        let mut script = String::from(
            "import sys, json\n\
             cases = json.loads(sys.stdin.read())\n\
             out = []\n\
             for src in cases:\n\
             \x20   try:\n\
             \x20       out.append(repr(eval(src)))\n\
             \x20   except BaseException as e:\n\
             \x20       m = str(e)\n\
             \x20       out.append(type(e).__name__ + (': ' + m if m else ''))\n\
             print(json.dumps(out))\n",
        );
        script.push('\n');
        let exprs: Vec<&str> = self.cases.iter().map(|(e, _)| e.as_str()).collect();
        let input = json_array(&exprs);
        let mut child = Command::new("python3")
            .args(["-c", &script])
            .env("PYTHONHASHSEED", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 must be installed (CPython 3.11)");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("python3 ran");
        assert!(
            out.status.success(),
            "python3 failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected = parse_json_strings(&String::from_utf8_lossy(&out.stdout));
        assert_eq!(expected.len(), self.cases.len());
        let mut failures = Vec::new();
        for ((expr, got), want) in self.cases.iter().zip(&expected) {
            if got != want {
                failures.push(format!("{expr}\n    python: {want}\n    strand: {got}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} mismatches:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

fn json_array(items: &[&str]) -> String {
    let mut s = String::from("[");
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push('"');
        for c in it.chars() {
            match c {
                '"' => s.push_str("\\\""),
                '\\' => s.push_str("\\\\"),
                '\n' => s.push_str("\\n"),
                c if (c as u32) < 0x20 => s.push_str(&format!("\\u{:04x}", c as u32)),
                c => s.push(c),
            }
        }
        s.push('"');
    }
    s.push(']');
    s
}

/// Parses a JSON array of strings (as written by Python's json.dumps).
fn parse_json_strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.trim().chars().collect();
    let mut i = 1;
    while i < chars.len() {
        match chars[i] {
            '"' => {
                let mut cur = String::new();
                i += 1;
                while chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                        match chars[i] {
                            'n' => cur.push('\n'),
                            't' => cur.push('\t'),
                            'r' => cur.push('\r'),
                            'b' => cur.push('\u{8}'),
                            'f' => cur.push('\u{c}'),
                            'u' => {
                                let hex: String = chars[i + 1..i + 5].iter().collect();
                                let mut code = u32::from_str_radix(&hex, 16).expect("hex");
                                i += 4;
                                if (0xd800..0xdc00).contains(&code)
                                    && chars.get(i + 1) == Some(&'\\')
                                {
                                    let lo: String = chars[i + 3..i + 7].iter().collect();
                                    let lo = u32::from_str_radix(&lo, 16).expect("hex");
                                    code = 0x10000 + ((code - 0xd800) << 10) + (lo - 0xdc00);
                                    i += 6;
                                }
                                cur.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            }
                            c => cur.push(c),
                        }
                    } else {
                        cur.push(chars[i]);
                    }
                    i += 1;
                }
                out.push(cur);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

fn bin(a: PyObj, b: PyObj, op: BinOp) -> PyResult<PyObj> {
    ab::binary_op(&a, &b, op)
}

fn big(text: &str) -> PyObj {
    ab::call(&strand_objects::int::INT_TYPE.to_obj(), &[s(text)], None).expect("int(text)")
}

fn ty(name: &str) -> PyObj {
    use strand_objects::*;
    match name {
        "int" => int::INT_TYPE.to_obj(),
        "float" => float::FLOAT_TYPE.to_obj(),
        "str" => str::STR_TYPE.to_obj(),
        "bytes" => bytes::BYTES_TYPE.to_obj(),
        "list" => list::LIST_TYPE.to_obj(),
        "tuple" => tuple::TUPLE_TYPE.to_obj(),
        "dict" => dict::DICT_TYPE.to_obj(),
        "set" => set::SET_TYPE.to_obj(),
        "frozenset" => set::FROZENSET_TYPE.to_obj(),
        "range" => range::RANGE_TYPE.to_obj(),
        "bool" => int::BOOL_TYPE.to_obj(),
        "type" => typeobj::TYPE_TYPE.to_obj(),
        "object" => baseobject::OBJECT_TYPE.to_obj(),
        "slice" => slice::SLICE_TYPE.to_obj(),
        "enumerate" => iterators::ENUMERATE_TYPE.to_obj(),
        "zip" => iterators::ZIP_TYPE.to_obj(),
        "reversed" => iterators::REVERSED_TYPE.to_obj(),
        other => panic!("no type {other}"),
    }
}

fn call(callable: &PyObj, args: &[PyObj]) -> PyResult<PyObj> {
    ab::call(callable, args, None)
}

fn list(items: Vec<PyObj>) -> PyObj {
    strand_objects::list::new(items)
}

fn tuple(items: Vec<PyObj>) -> PyObj {
    strand_objects::tuple::from_vec(items)
}

fn list_of(o: PyResult<PyObj>) -> PyResult<PyObj> {
    call(&ty("list"), &[o?])
}

fn ints(v: &[i64]) -> Vec<PyObj> {
    v.iter().map(|&x| int(x)).collect()
}

#[test]
fn int_arithmetic() {
    let _e = env();
    let mut d = Diff::new();
    for (a, b) in [
        (7, 2),
        (-7, 2),
        (7, -2),
        (-7, -2),
        (0, 5),
        (i64::MAX, 1),
        (i64::MIN, -1),
        (i64::MIN, 1),
    ] {
        for (sym, op) in [
            ("+", BinOp::Add),
            ("-", BinOp::Sub),
            ("*", BinOp::Mul),
            ("//", BinOp::FloorDiv),
            ("%", BinOp::Mod),
            ("/", BinOp::TrueDiv),
        ] {
            d.case(&format!("({a}) {sym} ({b})"), bin(int(a), int(b), op));
        }
        d.case(
            &format!("divmod({a}, {b})"),
            bin(int(a), int(b), BinOp::DivMod),
        );
    }
    d.case("1 // 0", bin(int(1), int(0), BinOp::FloorDiv));
    d.case("1 % 0", bin(int(1), int(0), BinOp::Mod));
    d.case("1 / 0", bin(int(1), int(0), BinOp::TrueDiv));
    d.case("2 ** 100", bin(int(2), int(100), BinOp::Pow));
    d.case("2 ** -2", bin(int(2), int(-2), BinOp::Pow));
    d.case("(-3) ** 3", bin(int(-3), int(3), BinOp::Pow));
    d.case("0 ** -1", bin(int(0), int(-1), BinOp::Pow));
    d.case("pow(3, 200, 7)", ab::power(&int(3), &int(200), &int(7)));
    d.case("pow(3, -1, 7)", ab::power(&int(3), &int(-1), &int(7)));
    d.case("1 << 70", bin(int(1), int(70), BinOp::LShift));
    d.case("-5 >> 1", bin(int(-5), int(1), BinOp::RShift));
    d.case("1 << -1", bin(int(1), int(-1), BinOp::LShift));
    d.case("-12 & 10", bin(int(-12), int(10), BinOp::And));
    d.case("-12 | 10", bin(int(-12), int(10), BinOp::Or));
    d.case("-12 ^ 10", bin(int(-12), int(10), BinOp::Xor));
    let x = big("123456789012345678901234567890");
    let y = big("-987654321098765432109876543210");
    d.case(
        "123456789012345678901234567890 * -987654321098765432109876543210",
        bin(x.clone(), y.clone(), BinOp::Mul),
    );
    d.case(
        "-987654321098765432109876543210 // 123456789012345678901234567890",
        bin(y.clone(), x.clone(), BinOp::FloorDiv),
    );
    d.case(
        "-987654321098765432109876543210 % 123456789012345678901234567890",
        bin(y.clone(), x.clone(), BinOp::Mod),
    );
    d.case(
        "123456789012345678901234567890 / 7",
        bin(x.clone(), int(7), BinOp::TrueDiv),
    );
    d.case(
        "10**400 / 10**399",
        bin(
            bin(int(10), int(400), BinOp::Pow).unwrap(),
            bin(int(10), int(399), BinOp::Pow).unwrap(),
            BinOp::TrueDiv,
        ),
    );
    d.case(
        "float(10**400)",
        call(&ty("float"), &[bin(int(10), int(400), BinOp::Pow).unwrap()]),
    );
    d.case("1 + 'a'", bin(int(1), s("a"), BinOp::Add));
    d.case("'a' + 1", bin(s("a"), int(1), BinOp::Add));
    d.case("[] - 1", bin(list(vec![]), int(1), BinOp::Sub));
    d.case("-(-9223372036854775808)", ab::neg(&int(i64::MIN)));
    d.case("abs(-9223372036854775808)", ab::abs(&int(i64::MIN)));
    d.case("~5", ab::invert(&int(5)));
    d.case(
        "True + True",
        bin(
            strand_objects::int::bool_obj(true),
            strand_objects::int::bool_obj(true),
            BinOp::Add,
        ),
    );
    d.case(
        "True & False",
        bin(
            strand_objects::int::bool_obj(true),
            strand_objects::int::bool_obj(false),
            BinOp::And,
        ),
    );
    d.case("int('  -42 ')", call(&ty("int"), &[s("  -42 ")]));
    d.case("int('1_000')", call(&ty("int"), &[s("1_000")]));
    d.case("int('ff', 16)", call(&ty("int"), &[s("ff"), int(16)]));
    d.case("int('0x1f', 0)", call(&ty("int"), &[s("0x1f"), int(0)]));
    d.case("int('z', 36)", call(&ty("int"), &[s("z"), int(36)]));
    d.case("int('12a')", call(&ty("int"), &[s("12a")]));
    d.case("int('')", call(&ty("int"), &[s("")]));
    d.case("int(3.99)", call(&ty("int"), &[float(3.99)]));
    d.case("int(-3.99)", call(&ty("int"), &[float(-3.99)]));
    d.case("int(1e20)", call(&ty("int"), &[float(1e20)]));
    d.case(
        "int(float('inf'))",
        call(&ty("int"), &[float(f64::INFINITY)]),
    );
    d.case("int(float('nan'))", call(&ty("int"), &[float(f64::NAN)]));
    d.case("int([])", call(&ty("int"), &[list(vec![])]));
    d.case("int('5', 1)", call(&ty("int"), &[s("5"), int(1)]));
    d.case(
        "(255).to_bytes(2, 'big')",
        call(
            &ab::getattr_str(&int(255), "to_bytes").unwrap(),
            &[int(2), s("big")],
        ),
    );
    d.case(
        "(1000).bit_length()",
        ab::call_method(&int(1000), "bit_length", &[]),
    );
    d.case(
        "(-7).__index__()",
        ab::call_method(&int(-7), "__index__", &[]),
    );
    d.case(
        "str(10**50)",
        ab::str_(&bin(int(10), int(50), BinOp::Pow).unwrap()),
    );
    d.case("hash(-1)", Ok(int(ab::hash(&int(-1)).unwrap() as i64)));
    d.case(
        "hash(2**61)",
        Ok(int(
            ab::hash(&bin(int(2), int(61), BinOp::Pow).unwrap()).unwrap() as i64,
        )),
    );
    d.case(
        "hash(-2**64)",
        Ok(int(
            ab::hash(&ab::neg(&bin(int(2), int(64), BinOp::Pow).unwrap()).unwrap()).unwrap() as i64,
        )),
    );
    d.case(
        "round(2.5), round(3.5), round(-0.5)",
        Ok(tuple(vec![
            ab::call_method(&float(2.5), "__round__", &[]).unwrap(),
            ab::call_method(&float(3.5), "__round__", &[]).unwrap(),
            ab::call_method(&float(-0.5), "__round__", &[]).unwrap(),
        ])),
    );
    d.case(
        "round(1234, -2)",
        ab::call_method(&int(1234), "__round__", &[int(-2)]),
    );
    d.case(
        "round(1250, -2)",
        ab::call_method(&int(1250), "__round__", &[int(-2)]),
    );
    d.check();
}

#[test]
fn float_semantics() {
    let _e = env();
    let mut d = Diff::new();
    for v in [
        0.1,
        1.0 / 3.0,
        1e16,
        1e15,
        123456789.0,
        1e-5,
        0.0001,
        -0.0,
        1e300 * 1e10,
        2.5e-310,
        1.7976931348623157e308,
    ] {
        d.case(
            &format!("float.fromhex('{}')", strand_objects::float::float_hex(v)),
            Ok(float(v)),
        );
    }
    d.case("0.1 + 0.2", bin(float(0.1), float(0.2), BinOp::Add));
    d.case("-7.5 // 2", bin(float(-7.5), int(2), BinOp::FloorDiv));
    d.case("-7.5 % 2", bin(float(-7.5), int(2), BinOp::Mod));
    d.case("7.5 % -2", bin(float(7.5), int(-2), BinOp::Mod));
    d.case("-0.0 % 5", bin(float(-0.0), int(5), BinOp::Mod));
    d.case("divmod(-7.5, 2)", bin(float(-7.5), int(2), BinOp::DivMod));
    d.case("1.0 / 0", bin(float(1.0), int(0), BinOp::TrueDiv));
    d.case("1.0 // 0.0", bin(float(1.0), float(0.0), BinOp::FloorDiv));
    d.case("1.0 % 0.0", bin(float(1.0), float(0.0), BinOp::Mod));
    d.case("2.0 ** 0.5", bin(float(2.0), float(0.5), BinOp::Pow));
    d.case("(-8.0) ** 3", bin(float(-8.0), int(3), BinOp::Pow));
    d.case("0.0 ** -1", bin(float(0.0), int(-1), BinOp::Pow));
    d.case("10.0 ** 400", bin(float(10.0), int(400), BinOp::Pow));
    d.case("float('  1e3 ')", call(&ty("float"), &[s("  1e3 ")]));
    d.case("float('-inf')", call(&ty("float"), &[s("-inf")]));
    d.case("float('nan')", call(&ty("float"), &[s("nan")]));
    d.case("float('1_0.5')", call(&ty("float"), &[s("1_0.5")]));
    d.case("float('abc')", call(&ty("float"), &[s("abc")]));
    d.case(
        "float(2**1024)",
        call(&ty("float"), &[bin(int(2), int(1024), BinOp::Pow).unwrap()]),
    );
    d.case("1e16", Ok(float(1e16)));
    d.case("1.5e-7", Ok(float(1.5e-7)));
    d.case(
        "(2.5).as_integer_ratio()",
        ab::call_method(&float(2.5), "as_integer_ratio", &[]),
    );
    d.case(
        "(3.0).is_integer()",
        ab::call_method(&float(3.0), "is_integer", &[]),
    );
    d.case(
        "round(2.675, 2)",
        ab::call_method(&float(2.675), "__round__", &[int(2)]),
    );
    d.case(
        "round(1e300, -300)",
        ab::call_method(&float(1e300), "__round__", &[int(-300)]),
    );
    d.case(
        "round(float('inf'))",
        ab::call_method(&float(f64::INFINITY), "__round__", &[]),
    );
    d.case(
        "hash(1.0) == hash(1) == hash(True)",
        Ok(strand_objects::int::bool_obj(
            ab::hash(&float(1.0)).unwrap() == ab::hash(&int(1)).unwrap()
                && ab::hash(&int(1)).unwrap()
                    == ab::hash(&strand_objects::int::bool_obj(true)).unwrap(),
        )),
    );
    d.case("hash(0.5)", Ok(int(ab::hash(&float(0.5)).unwrap() as i64)));
    d.case(
        "hash(-2.25)",
        Ok(int(ab::hash(&float(-2.25)).unwrap() as i64)),
    );
    d.case(
        "hash(float('inf'))",
        Ok(int(ab::hash(&float(f64::INFINITY)).unwrap() as i64)),
    );
    d.case(
        "1 == 1.0",
        ab::richcompare(&int(1), &float(1.0), CompareOp::Eq),
    );
    d.case(
        "2**53 + 1 == float(2**53 + 1)",
        ab::richcompare(
            &int((1 << 53) + 1),
            &float(((1i64 << 53) + 1) as f64),
            CompareOp::Eq,
        ),
    );
    d.case(
        "10**400 > 1e308",
        ab::richcompare(
            &bin(int(10), int(400), BinOp::Pow).unwrap(),
            &float(1e308),
            CompareOp::Gt,
        ),
    );
    d.case(
        "float('nan') == float('nan')",
        ab::richcompare(&float(f64::NAN), &float(f64::NAN), CompareOp::Eq),
    );
    d.case(
        "1.0 < 'a'",
        ab::richcompare(&float(1.0), &s("a"), CompareOp::Lt),
    );
    for spec in [
        ".2f", "10.3e", "+g", ",.1f", "08.3f", "%", ".0f", "e", "G", "#.0f", "-^12.4g", "z.2f",
        ".3", "n", "x",
    ] {
        d.case(
            &format!("format(-1234.5678, '{spec}')"),
            ab::format(&float(-1234.5678), &s(spec)),
        );
        d.case(
            &format!("format(0.000123, '{spec}')"),
            ab::format(&float(0.000123), &s(spec)),
        );
    }
    d.check();
}

#[test]
fn str_semantics() {
    let _e = env();
    let mut d = Diff::new();
    for text in [
        "abc",
        "it's",
        "\"q\"",
        "both ' and \"",
        "tab\tnl\n\\",
        "\u{0}\u{7f}",
        "é€😀",
        "\u{a0}\u{200b}\u{2028}",
        "",
    ] {
        let lit = repr(&s(text));
        d.case(&lit, Ok(s(text)));
        d.case(&format!("ascii({lit})"), ab::ascii(&s(text)));
        d.case(
            &format!("len({lit})"),
            ab::len(&s(text)).map(|n| int(n as i64)),
        );
        d.case(
            &format!("{lit}.upper()"),
            ab::call_method(&s(text), "upper", &[]),
        );
        d.case(
            &format!("{lit}[::-1]"),
            ab::getitem(
                &s(text),
                &strand_objects::slice::new(
                    strand_objects::singletons::none(),
                    strand_objects::singletons::none(),
                    int(-1),
                ),
            ),
        );
        d.case(&format!("list({lit})"), list_of(ab::iter(&s(text))));
    }
    let hello = s("Hello, World");
    d.case("'Hello, World'[7]", ab::getitem(&hello, &int(7)));
    d.case("'Hello, World'[-1]", ab::getitem(&hello, &int(-1)));
    d.case("'Hello, World'[20]", ab::getitem(&hello, &int(20)));
    d.case("'Hello, World'['x']", ab::getitem(&hello, &s("x")));
    d.case(
        "'Hello, World'[1:10:3]",
        ab::getitem(&hello, &strand_objects::slice::new(int(1), int(10), int(3))),
    );
    d.case(
        "'héllo wörld'[3:8]",
        ab::getitem(
            &s("héllo wörld"),
            &strand_objects::slice::new(int(3), int(8), strand_objects::singletons::none()),
        ),
    );
    let m = |name: &str, args: Vec<PyObj>| ab::call_method(&hello, name, &args);
    d.case("'Hello, World'.split(', ')", m("split", vec![s(", ")]));
    d.case("'Hello, World'.find('o')", m("find", vec![s("o")]));
    d.case("'Hello, World'.rfind('o')", m("rfind", vec![s("o")]));
    d.case(
        "'Hello, World'.find('o', 5, 8)",
        m("find", vec![s("o"), int(5), int(8)]),
    );
    d.case("'Hello, World'.index('z')", m("index", vec![s("z")]));
    d.case("'Hello, World'.count('l')", m("count", vec![s("l")]));
    d.case(
        "'Hello, World'.replace('l', 'L', 2)",
        m("replace", vec![s("l"), s("L"), int(2)]),
    );
    d.case(
        "'Hello, World'.startswith(('x', 'He'))",
        m("startswith", vec![tuple(vec![s("x"), s("He")])]),
    );
    d.case(
        "'Hello, World'.endswith('ld', 0, 5)",
        m("endswith", vec![s("ld"), int(0), int(5)]),
    );
    d.case(
        "'Hello, World'.center(20, '*')",
        m("center", vec![int(20), s("*")]),
    );
    d.case("'Hello, World'.center(15)", m("center", vec![int(15)]));
    d.case(
        "'Hello, World'.ljust(14, '-')",
        m("ljust", vec![int(14), s("-")]),
    );
    d.case(
        "'Hello, World'.partition(', ')",
        m("partition", vec![s(", ")]),
    );
    d.case(
        "'Hello, World'.rpartition('x')",
        m("rpartition", vec![s("x")]),
    );
    d.case("'Hello, World'.swapcase()", m("swapcase", vec![]));
    d.case("'Hello, World'.title()", m("title", vec![]));
    d.case(
        "'Hello, World'.lower().capitalize()",
        ab::call_method(&m("lower", vec![]).unwrap(), "capitalize", &[]),
    );
    d.case("'Hello, World'.encode()", m("encode", vec![]));
    d.case("'Hello, World'.split()", m("split", vec![]));
    d.case(
        "'Hello, World'.rsplit('o', 1)",
        m("rsplit", vec![s("o"), int(1)]),
    );
    d.case("'Hello, World'.split('')", m("split", vec![s("")]));
    d.case("'Hello, World'.zfill(15)", m("zfill", vec![int(15)]));
    d.case("'Hello, World'.strip('Hd')", m("strip", vec![s("Hd")]));
    d.case("'Hello, World'.isalpha()", m("isalpha", vec![]));
    d.case(
        "'  a b  c '.split()",
        ab::call_method(&s("  a b  c "), "split", &[]),
    );
    d.case(
        "'a\\r\\nb\\nc'.splitlines()",
        ab::call_method(&s("a\r\nb\nc"), "splitlines", &[]),
    );
    d.case(
        "'-'.join(['a', 'b', 'c'])",
        ab::call_method(&s("-"), "join", &[list(vec![s("a"), s("b"), s("c")])]),
    );
    d.case(
        "'-'.join(['a', 1])",
        ab::call_method(&s("-"), "join", &[list(vec![s("a"), int(1)])]),
    );
    d.case("'ab' * 3", bin(s("ab"), int(3), BinOp::Mul));
    d.case("3 * 'ab'", bin(int(3), s("ab"), BinOp::Mul));
    d.case("'ab' * -1", bin(s("ab"), int(-1), BinOp::Mul));
    d.case(
        "'a' < 'b'",
        ab::richcompare(&s("a"), &s("b"), CompareOp::Lt),
    );
    d.case(
        "'é' > 'z'",
        ab::richcompare(&s("é"), &s("z"), CompareOp::Gt),
    );
    d.case("'a' < 1", ab::richcompare(&s("a"), &int(1), CompareOp::Lt));
    d.case(
        "'b' in 'abc'",
        ab::contains(&s("abc"), &s("b")).map(strand_objects::int::bool_obj),
    );
    d.case(
        "1 in 'abc'",
        ab::contains(&s("abc"), &int(1)).map(strand_objects::int::bool_obj),
    );
    d.case(
        "'%s is %d years, %.2f%%' % ('Al', 30, 99.5)",
        bin(
            s("%s is %d years, %.2f%%"),
            tuple(vec![s("Al"), int(30), float(99.5)]),
            BinOp::Mod,
        ),
    );
    d.case(
        "'%5s|%-5s|%05d|%+d|%x|%#o|%r' % ('a', 'b', 42, 7, 255, 8, 'q')",
        bin(
            s("%5s|%-5s|%05d|%+d|%x|%#o|%r"),
            tuple(vec![
                s("a"),
                s("b"),
                int(42),
                int(7),
                int(255),
                int(8),
                s("q"),
            ]),
            BinOp::Mod,
        ),
    );
    d.case("'%d' % 'x'", bin(s("%d"), s("x"), BinOp::Mod));
    d.case(
        "'%d %d' % (1,)",
        bin(s("%d %d"), tuple(vec![int(1)]), BinOp::Mod),
    );
    d.case(
        "'%d' % (1, 2)",
        bin(s("%d"), tuple(vec![int(1), int(2)]), BinOp::Mod),
    );
    d.case("'%(a)s-%(b)s' % {'a': 1, 'b': 2}", {
        let dd =
            strand_objects::dict::from_pairs(vec![(s("a"), int(1)), (s("b"), int(2))]).unwrap();
        bin(s("%(a)s-%(b)s"), dd, BinOp::Mod)
    });
    d.case(
        "'%.3s|%c|%e' % ('abcdef', 65, 12345.678)",
        bin(
            s("%.3s|%c|%e"),
            tuple(vec![s("abcdef"), int(65), float(12345.678)]),
            BinOp::Mod,
        ),
    );
    d.case("'%q' % 1", bin(s("%q"), int(1), BinOp::Mod));
    d.case(
        "'{} and {}'.format(1, 'b')",
        ab::call_method(&s("{} and {}"), "format", &[int(1), s("b")]),
    );
    d.case(
        "'{0}{1}{0}'.format('a', 'b')",
        ab::call_method(&s("{0}{1}{0}"), "format", &[s("a"), s("b")]),
    );
    d.case(
        "'{:>8.3f}|{:^7}|{!r}'.format(1.23456, 'mid', 'r')",
        ab::call_method(
            &s("{:>8.3f}|{:^7}|{!r}"),
            "format",
            &[float(1.23456), s("mid"), s("r")],
        ),
    );
    d.case(
        "'{0[1]}'.format([5, 6])",
        ab::call_method(&s("{0[1]}"), "format", &[list(ints(&[5, 6]))]),
    );
    d.case(
        "'{:{}}'.format(7, 5)",
        ab::call_method(&s("{:{}}"), "format", &[int(7), int(5)]),
    );
    d.case("'{}'.format()", ab::call_method(&s("{}"), "format", &[]));
    d.case(
        "'{0}{}'.format(1, 2)",
        ab::call_method(&s("{0}{}"), "format", &[int(1), int(2)]),
    );
    d.case("'}'.format()", ab::call_method(&s("}"), "format", &[]));
    d.case(
        "'{{}}'.format()",
        ab::call_method(&s("{{}}"), "format", &[]),
    );
    for spec in [
        "", "d", ",", "_", "+08,d", "#x", "#b", "o", "X", "^9", "*<7", "c", ".2f", "e", "s", ".1",
    ] {
        d.case(
            &format!("format(1234567, '{spec}')"),
            ab::format(&int(1234567), &s(spec)),
        );
        d.case(
            &format!("format(-42, '{spec}')"),
            ab::format(&int(-42), &s(spec)),
        );
        d.case(
            &format!("format('txt', '{spec}')"),
            ab::format(&s("txt"), &s(spec)),
        );
    }
    d.case(
        "str(b'ab', 'ascii')",
        call(&ty("str"), &[strand_objects::bytes::new(b"ab"), s("ascii")]),
    );
    d.case(
        "b'\\xff'.decode()",
        ab::call_method(&strand_objects::bytes::new(b"\xff"), "decode", &[]),
    );
    d.case(
        "b'\\xff'.decode('utf-8', 'replace')",
        ab::call_method(
            &strand_objects::bytes::new(b"\xff"),
            "decode",
            &[s("utf-8"), s("replace")],
        ),
    );
    d.case(
        "'é'.encode('ascii')",
        ab::call_method(&s("é"), "encode", &[s("ascii")]),
    );
    d.case(
        "'x'.encode('nope')",
        ab::call_method(&s("x"), "encode", &[s("nope")]),
    );
    d.case(
        "hash('abc') == hash('ab' + 'c')",
        Ok(strand_objects::int::bool_obj(
            ab::hash(&s("abc")).unwrap()
                == ab::hash(&bin(s("ab"), s("c"), BinOp::Add).unwrap()).unwrap(),
        )),
    );
    d.check();
}

#[test]
fn containers() {
    let _e = env();
    let mut d = Diff::new();
    let l = list(ints(&[3, 1, 2]));
    d.case(
        "[3, 1, 2] + [4]",
        bin(l.clone(), list(ints(&[4])), BinOp::Add),
    );
    d.case("[3, 1, 2] * 2", bin(l.clone(), int(2), BinOp::Mul));
    d.case("[3, 1, 2][5]", ab::getitem(&l, &int(5)));
    d.case("[3, 1, 2][-3]", ab::getitem(&l, &int(-3)));
    d.case(
        "[3, 1, 2][::2]",
        ab::getitem(
            &l,
            &strand_objects::slice::new(
                strand_objects::singletons::none(),
                strand_objects::singletons::none(),
                int(2),
            ),
        ),
    );
    d.case("[3, 1, 2][1.5]", ab::getitem(&l, &float(1.5)));
    d.case(
        "[3, 1, 2].index(7)",
        ab::call_method(&l, "index", &[int(7)]),
    );
    d.case("[].pop()", ab::call_method(&list(vec![]), "pop", &[]));
    d.case(
        "[1].pop(5)",
        ab::call_method(&list(ints(&[1])), "pop", &[int(5)]),
    );
    d.case(
        "[1, 2].remove(3)",
        ab::call_method(&list(ints(&[1, 2])), "remove", &[int(3)]),
    );
    d.case(
        "[3, 1, 2] < [3, 2]",
        ab::richcompare(&l, &list(ints(&[3, 2])), CompareOp::Lt),
    );
    d.case(
        "[1, 'a'] < [1, 2]",
        ab::richcompare(
            &list(vec![int(1), s("a")]),
            &list(ints(&[1, 2])),
            CompareOp::Lt,
        ),
    );
    d.case("sorted([3, 1, 2])", {
        let c = ab::call_method(&l, "copy", &[]).unwrap();
        ab::call_method(&c, "sort", &[]).map(|_| c)
    });
    d.case(
        "[1, 'a'].sort()",
        ab::call_method(&list(vec![int(1), s("a")]), "sort", &[]),
    );
    {
        let x = list(ints(&[0, 1, 2, 3, 4, 5, 6, 7]));
        ab::setitem(
            &x,
            &strand_objects::slice::new(int(1), int(7), int(2)),
            &list(ints(&[10, 20, 30])),
        )
        .unwrap();
        ab::delitem(
            &x,
            &strand_objects::slice::new(
                int(6),
                strand_objects::singletons::none(),
                strand_objects::singletons::none(),
            ),
        )
        .unwrap();
        ab::setitem(
            &x,
            &strand_objects::slice::new(int(0), int(0), strand_objects::singletons::none()),
            &list(ints(&[-1, -2])),
        )
        .unwrap();
        d.case("(lambda x: (x.__setitem__(slice(1, 7, 2), [10, 20, 30]), x.__delitem__(slice(6, None)), x.__setitem__(slice(0, 0), [-1, -2]), x)[-1])(list(range(8)))", Ok(x));
    }
    d.case(
        "(lambda x: x.__setitem__(slice(None, None, 2), [1]))(list(range(4)))",
        ab::setitem(
            &list(ints(&[0, 1, 2, 3])),
            &strand_objects::slice::new(
                strand_objects::singletons::none(),
                strand_objects::singletons::none(),
                int(2),
            ),
            &list(ints(&[1])),
        )
        .map(|_| strand_objects::singletons::none()),
    );
    let l2 = list(vec![int(1)]);
    strand_objects::list::append(&l2, l2.clone()).unwrap();
    d.case("(lambda l: (l.append(l), l)[1])([1])", Ok(l2.clone()));
    strand_objects::list::clear(&l2);
    let t = tuple(vec![int(1), s("a"), tuple(vec![])]);
    d.case("(1, 'a', ())", Ok(t.clone()));
    d.case("(1,)", Ok(tuple(ints(&[1]))));
    d.case(
        "hash((1, 'a', ())) == hash((1, 'a', ()))",
        Ok(strand_objects::int::bool_obj(true)),
    );
    d.case(
        "hash((1, 2, 3))",
        Ok(int(ab::hash(&tuple(ints(&[1, 2, 3]))).unwrap() as i64)),
    );
    d.case(
        "hash((1, []))",
        ab::hash(&tuple(vec![int(1), list(vec![])])).map(|h| int(h as i64)),
    );
    d.case(
        "(1, 2) + [3]",
        bin(tuple(ints(&[1, 2])), list(ints(&[3])), BinOp::Add),
    );
    d.case(
        "(1, 2, 1).count(1)",
        ab::call_method(&tuple(ints(&[1, 2, 1])), "count", &[int(1)]),
    );

    let dd = strand_objects::dict::new();
    for (k, v) in [("b", 1), ("a", 2), ("c", 3)] {
        strand_objects::dict::set_item(&dd, s(k), int(v)).unwrap();
    }
    strand_objects::dict::del_item(&dd, &s("a")).unwrap();
    strand_objects::dict::set_item(&dd, s("a"), int(4)).unwrap();
    strand_objects::dict::set_item(&dd, int(1), float(1.5)).unwrap();
    strand_objects::dict::set_item(&dd, float(1.0), s("one")).unwrap();
    d.case("(lambda d: (d.__delitem__('a'), d.__setitem__('a', 4), d.__setitem__(1, 1.5), d.__setitem__(1.0, 'one'), d)[-1])({'b': 1, 'a': 2, 'c': 3})", Ok(dd.clone()));
    d.case("{'b': 1}['zz']", ab::getitem(&dd, &s("zz")));
    d.case(
        "{}[[]]",
        ab::getitem(&strand_objects::dict::new(), &list(vec![])),
    );
    d.case(
        "list({'b':1,'c':3,'a':4,1:'one'}.items())",
        list_of(ab::call_method(&dd, "items", &[])),
    );
    d.case(
        "{'b':1,'c':3,'a':4,1:'one'}.keys()",
        ab::call_method(&dd, "keys", &[]),
    );
    d.case(
        "{'b':1,'c':3,'a':4,1:'one'}.values()",
        ab::call_method(&dd, "values", &[]),
    );
    d.case(
        "{'b':1,'c':3,'a':4,1:'one'}.get('q', 0)",
        ab::call_method(&dd, "get", &[s("q"), int(0)]),
    );
    d.case(
        "{'b':1,'c':3,'a':4,1:'one'}.keys() & {'a', 'z'}",
        bin(
            ab::call_method(&dd, "keys", &[]).unwrap(),
            strand_objects::set::new_set_from(&list(vec![s("a")])).unwrap(),
            BinOp::And,
        ),
    );
    d.case(
        "{1: 2} == {1: 2.0}",
        ab::richcompare(
            &strand_objects::dict::from_pairs(vec![(int(1), int(2))]).unwrap(),
            &strand_objects::dict::from_pairs(vec![(int(1), float(2.0))]).unwrap(),
            CompareOp::Eq,
        ),
    );
    d.case(
        "{1: 2} < {1: 2}",
        ab::richcompare(
            &strand_objects::dict::from_pairs(vec![(int(1), int(2))]).unwrap(),
            &strand_objects::dict::from_pairs(vec![(int(1), int(2))]).unwrap(),
            CompareOp::Lt,
        ),
    );
    d.case(
        "{}.pop('x')",
        ab::call_method(&strand_objects::dict::new(), "pop", &[s("x")]),
    );
    d.case(
        "{}.popitem()",
        ab::call_method(&strand_objects::dict::new(), "popitem", &[]),
    );
    d.case(
        "dict([(1, 2), (3, 4)])",
        call(
            &ty("dict"),
            &[list(vec![tuple(ints(&[1, 2])), tuple(ints(&[3, 4]))])],
        ),
    );
    d.case(
        "dict([(1, 2, 3)])",
        call(&ty("dict"), &[list(vec![tuple(ints(&[1, 2, 3]))])]),
    );
    d.case(
        "{1: 2} | {3: 4}",
        bin(
            strand_objects::dict::from_pairs(vec![(int(1), int(2))]).unwrap(),
            strand_objects::dict::from_pairs(vec![(int(3), int(4))]).unwrap(),
            BinOp::Or,
        ),
    );
    {
        let it = ab::iter(&dd).unwrap();
        ab::next(&it).unwrap();
        strand_objects::dict::set_item(&dd, s("new"), int(0)).unwrap();
        d.case(
            "(lambda d: [next(it := iter(d)), d.__setitem__('new', 0), next(it)])({'a': 1})",
            ab::next(&it).map(|o| o.unwrap_or_else(strand_objects::singletons::none)),
        );
    }

    for items in [
        vec![3, 1, 2],
        vec![10, 20, 30, 40, 50, 60, 70, 80, 90],
        (0..40).collect::<Vec<_>>(),
        vec![-1, -2, 7, 1 << 40],
    ] {
        // set([...]) rather than a display: CPython compiles a display of constants to
        // a frozenset constant built in a different insertion order.
        let py = format!(
            "set([{}])",
            items
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let st = strand_objects::set::new_set_from(&list(ints(&items))).unwrap();
        d.case(&py, Ok(st.clone()));
        d.case(
            &format!("frozenset({py})"),
            call(&ty("frozenset"), std::slice::from_ref(&st)),
        );
        d.case(
            &format!("{py} - {{1, 2, 3}}"),
            bin(
                st.clone(),
                strand_objects::set::new_set_from(&list(ints(&[1, 2, 3]))).unwrap(),
                BinOp::Sub,
            ),
        );
        d.case(
            &format!("{py} ^ {{1, 100}}"),
            bin(
                st.clone(),
                strand_objects::set::new_set_from(&list(ints(&[1, 100]))).unwrap(),
                BinOp::Xor,
            ),
        );
        d.case(
            &format!("{py} | {{1, 100}}"),
            bin(
                st.clone(),
                strand_objects::set::new_set_from(&list(ints(&[1, 100]))).unwrap(),
                BinOp::Or,
            ),
        );
        d.case(
            &format!("{py} & {{1, 2, 70}}"),
            bin(
                st.clone(),
                strand_objects::set::new_set_from(&list(ints(&[1, 2, 70]))).unwrap(),
                BinOp::And,
            ),
        );
    }
    let words = [
        "apple", "pear", "fig", "kiwi", "plum", "lime", "date", "nut",
    ];
    let st =
        strand_objects::set::new_set_from(&list(words.iter().map(|w| s(w)).collect())).unwrap();
    d.case(
        "sorted({'apple', 'pear', 'fig', 'kiwi', 'plum', 'lime', 'date', 'nut'})",
        {
            let v = list_of(Ok(st.clone())).unwrap();
            ab::call_method(&v, "sort", &[]).map(|_| v)
        },
    );
    {
        let x = strand_objects::set::new_set_from(&list(ints(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10])))
            .unwrap();
        for k in [2, 4, 6] {
            ab::call_method(&x, "discard", &[int(k)]).unwrap();
        }
        ab::call_method(&x, "add", &[int(40)]).unwrap();
        ab::call_method(&x, "add", &[int(18)]).unwrap();
        d.case("(lambda x: ([x.discard(k) for k in (2, 4, 6)], x.add(40), x.add(18), x)[-1])(set(range(1, 11)))", Ok(x.clone()));
        d.case("(lambda x: (x.pop(), x.pop(), x))(set(range(1, 11)))", {
            let y =
                strand_objects::set::new_set_from(&list(ints(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10])))
                    .unwrap();
            let a = ab::call_method(&y, "pop", &[]).unwrap();
            let b = ab::call_method(&y, "pop", &[]).unwrap();
            Ok(tuple(vec![a, b, y]))
        });
    }
    d.case(
        "set().pop()",
        ab::call_method(&strand_objects::set::new_set(), "pop", &[]),
    );
    d.case(
        "{1}.remove(2)",
        ab::call_method(
            &strand_objects::set::new_set_from(&list(ints(&[1]))).unwrap(),
            "remove",
            &[int(2)],
        ),
    );
    d.case(
        "{1, 2} <= {1, 2, 3}",
        ab::richcompare(
            &strand_objects::set::new_set_from(&list(ints(&[1, 2]))).unwrap(),
            &strand_objects::set::new_set_from(&list(ints(&[1, 2, 3]))).unwrap(),
            CompareOp::Le,
        ),
    );
    d.case(
        "{1, 2} == frozenset({2, 1})",
        ab::richcompare(
            &strand_objects::set::new_set_from(&list(ints(&[1, 2]))).unwrap(),
            &call(&ty("frozenset"), &[list(ints(&[2, 1]))]).unwrap(),
            CompareOp::Eq,
        ),
    );
    d.case(
        "hash(frozenset({1, 2, 3}))",
        ab::hash(&call(&ty("frozenset"), &[list(ints(&[1, 2, 3]))]).unwrap())
            .map(|h| int(h as i64)),
    );
    d.case(
        "hash(frozenset())",
        ab::hash(&call(&ty("frozenset"), &[]).unwrap()).map(|h| int(h as i64)),
    );
    d.case(
        "{[]}",
        strand_objects::set::new_set_from(&list(vec![list(vec![])])),
    );
    d.case(
        "{1} + {2}",
        bin(
            strand_objects::set::new_set_from(&list(ints(&[1]))).unwrap(),
            strand_objects::set::new_set_from(&list(ints(&[2]))).unwrap(),
            BinOp::Add,
        ),
    );
    d.case("{frozenset({1})} and (set([1]) in {frozenset({1})})", {
        let inner = call(&ty("frozenset"), &[list(ints(&[1]))]).unwrap();
        let outer = strand_objects::set::new_set_from(&list(vec![inner])).unwrap();
        ab::contains(
            &outer,
            &strand_objects::set::new_set_from(&list(ints(&[1]))).unwrap(),
        )
        .map(strand_objects::int::bool_obj)
    });

    d.case("range(10)", call(&ty("range"), &[int(10)]));
    d.case(
        "range(1, 10, 3)",
        call(&ty("range"), &[int(1), int(10), int(3)]),
    );
    d.case(
        "list(range(10, 0, -3))",
        list_of(call(&ty("range"), &[int(10), int(0), int(-3)])),
    );
    d.case(
        "range(0, 10, 0)",
        call(&ty("range"), &[int(0), int(10), int(0)]),
    );
    d.case("range(1.5)", call(&ty("range"), &[float(1.5)]));
    d.case(
        "range(10)[2:8:2]",
        ab::getitem(
            &call(&ty("range"), &[int(10)]).unwrap(),
            &strand_objects::slice::new(int(2), int(8), int(2)),
        ),
    );
    d.case(
        "range(10)[::-1]",
        ab::getitem(
            &call(&ty("range"), &[int(10)]).unwrap(),
            &strand_objects::slice::new(
                strand_objects::singletons::none(),
                strand_objects::singletons::none(),
                int(-1),
            ),
        ),
    );
    d.case(
        "range(10)[5:2]",
        ab::getitem(
            &call(&ty("range"), &[int(10)]).unwrap(),
            &strand_objects::slice::new(int(5), int(2), strand_objects::singletons::none()),
        ),
    );
    d.case(
        "range(10)[-11]",
        ab::getitem(&call(&ty("range"), &[int(10)]).unwrap(), &int(-11)),
    );
    d.case(
        "len(range(0, 10**20, 3))",
        ab::len(
            &call(
                &ty("range"),
                &[int(0), bin(int(10), int(20), BinOp::Pow).unwrap(), int(3)],
            )
            .unwrap(),
        )
        .map(|n| int(n as i64)),
    );
    d.case(
        "len(range(10**20))",
        ab::len(&call(&ty("range"), &[bin(int(10), int(20), BinOp::Pow).unwrap()]).unwrap())
            .map(|n| int(n as i64)),
    );
    d.case(
        "range(0, 20, 2).index(8)",
        ab::call_method(
            &call(&ty("range"), &[int(0), int(20), int(2)]).unwrap(),
            "index",
            &[int(8)],
        ),
    );
    d.case(
        "9 in range(0, 20, 2)",
        ab::contains(
            &call(&ty("range"), &[int(0), int(20), int(2)]).unwrap(),
            &int(9),
        )
        .map(strand_objects::int::bool_obj),
    );
    d.case(
        "range(0, 3) == range(0, 3, 1)",
        ab::richcompare(
            &call(&ty("range"), &[int(0), int(3)]).unwrap(),
            &call(&ty("range"), &[int(0), int(3), int(1)]).unwrap(),
            CompareOp::Eq,
        ),
    );
    d.case(
        "list(reversed(range(1, 10, 4)))",
        list_of(call(
            &ty("reversed"),
            &[call(&ty("range"), &[int(1), int(10), int(4)]).unwrap()],
        )),
    );
    d.case(
        "list(range(2**63 - 2, 2**63 + 2))",
        list_of(call(
            &ty("range"),
            &[
                bin(
                    bin(int(2), int(63), BinOp::Pow).unwrap(),
                    int(2),
                    BinOp::Sub,
                )
                .unwrap(),
                bin(
                    bin(int(2), int(63), BinOp::Pow).unwrap(),
                    int(2),
                    BinOp::Add,
                )
                .unwrap(),
            ],
        )),
    );
    d.case(
        "slice(1, None, 2)",
        call(
            &ty("slice"),
            &[int(1), strand_objects::singletons::none(), int(2)],
        ),
    );
    d.case(
        "slice(-5, None, -2).indices(10)",
        ab::call_method(
            &call(
                &ty("slice"),
                &[int(-5), strand_objects::singletons::none(), int(-2)],
            )
            .unwrap(),
            "indices",
            &[int(10)],
        ),
    );
    d.case(
        "list(enumerate('ab', 5))",
        list_of(call(&ty("enumerate"), &[s("ab"), int(5)])),
    );
    d.case(
        "list(zip([1, 2, 3], 'ab'))",
        list_of(call(&ty("zip"), &[list(ints(&[1, 2, 3])), s("ab")])),
    );
    d.case(
        "list(zip([1, 2, 3], 'ab', strict=True))",
        list_of(ab::call(
            &ty("zip"),
            &[list(ints(&[1, 2, 3])), s("ab"), int(1)],
            Some(&tuple(vec![s("strict")])),
        )),
    );
    d.case(
        "list(reversed([1, 2, 3]))",
        list_of(call(&ty("reversed"), &[list(ints(&[1, 2, 3]))])),
    );
    d.case(
        "list(reversed({1: 2, 3: 4}))",
        list_of(call(
            &ty("reversed"),
            &[strand_objects::dict::from_pairs(vec![(int(1), int(2)), (int(3), int(4))]).unwrap()],
        )),
    );
    d.case("reversed(5)", call(&ty("reversed"), &[int(5)]));
    d.case("iter(5)", ab::iter(&int(5)));
    d.case(
        "bytes([104, 105])",
        call(&ty("bytes"), &[list(ints(&[104, 105]))]),
    );
    d.case("bytes(3)", call(&ty("bytes"), &[int(3)]));
    d.case("bytes([300])", call(&ty("bytes"), &[list(ints(&[300]))]));
    d.case(
        "b'a\\'b\\x00' + b'\\xff'",
        bin(
            strand_objects::bytes::new(b"a'b\x00"),
            strand_objects::bytes::new(b"\xff"),
            BinOp::Add,
        ),
    );
    d.case(
        "b'hello'[1], b'hello'[1:3], b'hello'.split(b'l')",
        Ok(tuple(vec![
            ab::getitem(&strand_objects::bytes::new(b"hello"), &int(1)).unwrap(),
            ab::getitem(
                &strand_objects::bytes::new(b"hello"),
                &strand_objects::slice::new(int(1), int(3), strand_objects::singletons::none()),
            )
            .unwrap(),
            ab::call_method(
                &strand_objects::bytes::new(b"hello"),
                "split",
                &[strand_objects::bytes::new(b"l")],
            )
            .unwrap(),
        ])),
    );
    d.case(
        "b'abc'.hex(), bytes.fromhex('61 62')",
        Ok(tuple(vec![
            ab::call_method(&strand_objects::bytes::new(b"abc"), "hex", &[]).unwrap(),
            ab::call_method(&ty("bytes"), "fromhex", &[s("61 62")]).unwrap(),
        ])),
    );
    d.case(
        "None, NotImplemented, Ellipsis, True, False",
        Ok(tuple(vec![
            strand_objects::singletons::none(),
            strand_objects::singletons::not_implemented(),
            strand_objects::singletons::ellipsis(),
            strand_objects::int::bool_obj(true),
            strand_objects::int::bool_obj(false),
        ])),
    );
    d.check();
}

#[test]
fn types_and_attributes() {
    let _e = env();
    let mut d = Diff::new();
    let t = ty("type");
    let ns = strand_objects::dict::new();
    strand_objects::dict::set_item(&ns, s("x"), int(1)).unwrap();
    let a = call(&t, &[s("A"), tuple(vec![]), ns]).unwrap();
    let ns_b = strand_objects::dict::new();
    strand_objects::dict::set_item(&ns_b, s("__slots__"), tuple(vec![s("p")])).unwrap();
    let b = call(&t, &[s("B"), tuple(vec![a.clone()]), ns_b]).unwrap();
    let c = call(
        &t,
        &[s("C"), tuple(vec![a.clone()]), strand_objects::dict::new()],
    )
    .unwrap();
    let dd = call(
        &t,
        &[
            s("D"),
            tuple(vec![b.clone(), c.clone()]),
            strand_objects::dict::new(),
        ],
    );
    let prelude = "(lambda A: (lambda B, C: ";
    d.case(&format!("{prelude}[k.__name__ for k in type('D', (B, C), {{}}).__mro__])(type('B', (A,), {{'__slots__': ('p',)}}), type('C', (A,), {{}})))(type('A', (), {{'x': 1}}))"),
        dd.as_ref().map_err(Clone::clone).and_then(|dd| {
            let mro = ab::getattr_str(dd, "__mro__")?;
            let names: Vec<PyObj> = strand_objects::tuple::items(&mro).iter().map(|k| ab::getattr_str(k, "__name__").unwrap()).collect();
            Ok(list(names))
        }));
    d.case(
        "type('E', (int, str), {})",
        call(
            &t,
            &[
                s("E"),
                tuple(vec![ty("int"), ty("str")]),
                strand_objects::dict::new(),
            ],
        )
        .map(|_| s("?")),
    );
    d.case(
        "(lambda A: type('X', (A, A), {}))(type('A', (), {}))",
        call(
            &t,
            &[
                s("X"),
                tuple(vec![a.clone(), a.clone()]),
                strand_objects::dict::new(),
            ],
        )
        .map(|_| s("?")),
    );
    let inst = call(&b, &[]).unwrap();
    d.case(
        "(lambda B: B().x)(type('B', (type('A', (), {'x': 1}),), {'__slots__': ('p',)}))",
        ab::getattr_str(&inst, "x"),
    );
    d.case(
        "(lambda B: B().p)(type('B', (type('A', (), {'x': 1}),), {'__slots__': ('p',)}))",
        ab::getattr_str(&inst, "p"),
    );
    d.case(
        "(lambda B: B().q)(type('B', (type('A', (), {'x': 1}),), {'__slots__': ('p',)}))",
        ab::getattr_str(&inst, "q"),
    );
    d.case("(lambda B: setattr(B(), 'q', 1))(type('B', (type('A', (), {'x': 1}),), {'__slots__': ('p',)}))", ab::setattr(&inst, &s("q"), &int(1)).map(|_| strand_objects::singletons::none()));
    let bare = call(
        &t,
        &[
            s("S"),
            tuple(vec![]),
            strand_objects::dict::from_pairs(vec![(s("__slots__"), tuple(vec![s("p")]))]).unwrap(),
        ],
    )
    .unwrap();
    let bare_i = call(&bare, &[]).unwrap();
    d.case(
        "(lambda S: setattr(S(), 'q', 1))(type('S', (), {'__slots__': ('p',)}))",
        ab::setattr(&bare_i, &s("q"), &int(1)).map(|_| strand_objects::singletons::none()),
    );
    d.case(
        "(lambda s: (setattr(s, 'p', 3), s.p)[1])(type('S', (), {'__slots__': ('p',)})())",
        ab::setattr(&bare_i, &s("p"), &int(3)).and_then(|_| ab::getattr_str(&bare_i, "p")),
    );
    let ci = call(&c, &[]).unwrap();
    ab::setattr(&ci, &s("y"), &int(5)).unwrap();
    d.case(
        "(lambda c: (setattr(c, 'y', 5), c.__dict__)[1])(type('C', (), {})())",
        ab::getattr_str(&ci, "__dict__"),
    );
    d.case(
        "object().x",
        ab::getattr_str(&call(&ty("object"), &[]).unwrap(), "x"),
    );
    d.case(
        "setattr(object(), 'x', 1)",
        ab::setattr(&call(&ty("object"), &[]).unwrap(), &s("x"), &int(1))
            .map(|_| strand_objects::singletons::none()),
    );
    d.case(
        "(5).real, (5).imag, (5).numerator",
        Ok(tuple(vec![
            ab::getattr_str(&int(5), "real").unwrap(),
            ab::getattr_str(&int(5), "imag").unwrap(),
            ab::getattr_str(&int(5), "numerator").unwrap(),
        ])),
    );
    d.case(
        "int.__name__, int.__qualname__, bool.__mro__",
        Ok(tuple(vec![
            ab::getattr_str(&ty("int"), "__name__").unwrap(),
            ab::getattr_str(&ty("int"), "__qualname__").unwrap(),
            ab::getattr_str(&ty("bool"), "__mro__").unwrap(),
        ])),
    );
    d.case("int.x", ab::getattr_str(&ty("int"), "x"));
    d.case(
        "setattr(int, 'x', 1)",
        ab::setattr(&ty("int"), &s("x"), &int(1)).map(|_| strand_objects::singletons::none()),
    );
    d.case(
        "isinstance(True, int), issubclass(bool, (str, int)), isinstance(1, str)",
        Ok(tuple(vec![
            strand_objects::int::bool_obj(
                ab::isinstance(&strand_objects::int::bool_obj(true), &ty("int")).unwrap(),
            ),
            strand_objects::int::bool_obj(
                ab::issubclass(&ty("bool"), &tuple(vec![ty("str"), ty("int")])).unwrap(),
            ),
            strand_objects::int::bool_obj(ab::isinstance(&int(1), &ty("str")).unwrap()),
        ])),
    );
    d.case("len(5)", ab::len(&int(5)).map(|n| int(n as i64)));
    d.case("hash([])", ab::hash(&list(vec![])).map(|h| int(h as i64)));
    d.case("{}.x", ab::getattr_str(&strand_objects::dict::new(), "x"));
    d.case("None()", call(&strand_objects::singletons::none(), &[]));
    d.case(
        "int.__add__(1, 2), int.__add__(1, 'a')",
        Ok(tuple(vec![
            ab::call_method(&ty("int"), "__add__", &[int(1), int(2)]).unwrap(),
            ab::call_method(&ty("int"), "__add__", &[int(1), s("a")]).unwrap(),
        ])),
    );
    d.check();
}

#[test]
fn exceptions_and_descriptors() {
    use strand_objects::exceptions as ex;
    let _e = env();
    let mut d = Diff::new();
    let key_err = call(&ex::KEY_ERROR_TYPE.to_obj(), &[s("x")]).unwrap();
    d.case("KeyError('x')", Ok(key_err.clone()));
    d.case("str(KeyError('x'))", ab::str_(&key_err));
    d.case(
        "ValueError(1, 2).args",
        ab::getattr_str(
            &call(&ex::VALUE_ERROR_TYPE.to_obj(), &[int(1), int(2)]).unwrap(),
            "args",
        ),
    );
    d.case(
        "str(ValueError(1, 2))",
        ab::str_(&call(&ex::VALUE_ERROR_TYPE.to_obj(), &[int(1), int(2)]).unwrap()),
    );
    d.case(
        "str(ValueError())",
        ab::str_(&call(&ex::VALUE_ERROR_TYPE.to_obj(), &[]).unwrap()),
    );
    d.case(
        "str(OSError(2, 'No such file or directory'))",
        ab::str_(
            &call(
                &ex::OS_ERROR_TYPE.to_obj(),
                &[int(2), s("No such file or directory")],
            )
            .unwrap(),
        ),
    );
    d.case(
        "OSError(2, 'x').errno",
        ab::getattr_str(
            &call(&ex::OS_ERROR_TYPE.to_obj(), &[int(2), s("x")]).unwrap(),
            "errno",
        ),
    );
    d.case(
        "StopIteration(5).value",
        ab::getattr_str(
            &call(&ex::STOP_ITERATION_TYPE.to_obj(), &[int(5)]).unwrap(),
            "value",
        ),
    );
    d.case(
        "SystemExit(3).code",
        ab::getattr_str(
            &call(&ex::SYSTEM_EXIT_TYPE.to_obj(), &[int(3)]).unwrap(),
            "code",
        ),
    );
    d.case("issubclass(ZeroDivisionError, ArithmeticError), issubclass(KeyError, LookupError), issubclass(KeyboardInterrupt, Exception)", Ok(tuple(vec![
        strand_objects::int::bool_obj(ab::issubclass(&ex::ZERO_DIVISION_ERROR_TYPE.to_obj(), &ex::ARITHMETIC_ERROR_TYPE.to_obj()).unwrap()),
        strand_objects::int::bool_obj(ab::issubclass(&ex::KEY_ERROR_TYPE.to_obj(), &ex::LOOKUP_ERROR_TYPE.to_obj()).unwrap()),
        strand_objects::int::bool_obj(ab::issubclass(&ex::KEYBOARD_INTERRUPT_TYPE.to_obj(), &ex::EXCEPTION_TYPE.to_obj()).unwrap()),
    ])));
    d.case("[k.__name__ for k in RecursionError.__mro__]", {
        let mro = ab::getattr_str(&ex::RECURSION_ERROR_TYPE.to_obj(), "__mro__").unwrap();
        Ok(list(
            strand_objects::tuple::items(&mro)
                .iter()
                .map(|k| ab::getattr_str(k, "__name__").unwrap())
                .collect(),
        ))
    });
    {
        let e = call(&ex::VALUE_ERROR_TYPE.to_obj(), &[]).unwrap();
        let before = ab::getattr_str(&e, "__suppress_context__").unwrap();
        ab::setattr(&e, &s("__cause__"), &key_err).unwrap();
        let after = ab::getattr_str(&e, "__suppress_context__").unwrap();
        let cause = ab::getattr_str(&e, "__cause__").unwrap();
        let ctx = ab::getattr_str(&e, "__context__").unwrap();
        let tb = ab::getattr_str(&e, "__traceback__").unwrap();
        d.case("(lambda e: (e.__suppress_context__, setattr(e, '__cause__', KeyError('x')), e.__suppress_context__, e.__cause__, e.__context__, e.__traceback__))(ValueError())",
            Ok(tuple(vec![before, strand_objects::singletons::none(), after, cause, ctx, tb])));
        d.case(
            "setattr(ValueError(), '__cause__', 5)",
            ab::setattr(&e, &s("__cause__"), &int(5)).map(|_| strand_objects::singletons::none()),
        );
    }
    let t = ty("type");
    let mk = |name: &str, attrs: Vec<(&str, PyObj)>, bases: Vec<PyObj>| {
        let ns = strand_objects::dict::new();
        for (k, v) in attrs {
            strand_objects::dict::set_item(&ns, s(k), v).unwrap();
        }
        call(&t, &[s(name), tuple(bases), ns]).unwrap()
    };
    let prop = call(
        &strand_objects::descr::PROPERTY_TYPE.to_obj(),
        &[ty("type")],
    )
    .unwrap();
    let p = mk("P", vec![("p", prop)], vec![]);
    d.case(
        "type('P', (), {'p': property(type)})().p",
        ab::getattr_str(&call(&p, &[]).unwrap(), "p"),
    );
    d.case(
        "setattr(type('P', (), {'p': property(type)})(), 'p', 1)",
        ab::setattr(&call(&p, &[]).unwrap(), &s("p"), &int(1))
            .map(|_| strand_objects::singletons::none()),
    );
    let sm = strand_objects::descr::new_staticmethod(ty("int")).unwrap();
    let st = mk("S", vec![("f", sm)], vec![]);
    d.case(
        "type('S', (), {'f': staticmethod(int)}).f('5')",
        ab::call_method(&st, "f", &[s("5")]),
    );
    d.case(
        "type('S', (), {'f': staticmethod(int)})().f('6')",
        ab::call_method(&call(&st, &[]).unwrap(), "f", &[s("6")]),
    );
    let cm = strand_objects::descr::new_classmethod(ty("type")).unwrap();
    let ct = mk("K", vec![("m", cm)], vec![]);
    d.case(
        "type('K', (), {'m': classmethod(type)})().m()",
        ab::call_method(&call(&ct, &[]).unwrap(), "m", &[]),
    );
    let a = mk("A", vec![("x", int(1))], vec![]);
    let b = mk("B", vec![("x", int(2))], vec![a.clone()]);
    let sup = call(
        &strand_objects::super_::SUPER_TYPE.to_obj(),
        &[b.clone(), call(&b, &[]).unwrap()],
    )
    .unwrap();
    d.case("(lambda A: (lambda B: (B().x, super(B, B()).x))(type('B', (A,), {'x': 2})))(type('A', (), {'x': 1}))",
        Ok(tuple(vec![ab::getattr_str(&call(&b, &[]).unwrap(), "x").unwrap(), ab::getattr_str(&sup, "x").unwrap()])));
    d.case(
        "(lambda A: (lambda B: super(B, B()).y)(type('B', (A,), {})))(type('A', (), {}))",
        ab::getattr_str(
            &call(
                &strand_objects::super_::SUPER_TYPE.to_obj(),
                &[b.clone(), call(&b, &[]).unwrap()],
            )
            .unwrap(),
            "y",
        ),
    );
    {
        // The version tag changes when a class (or its base) changes.
        // SAFETY: a and b are types.
        let ta = unsafe { strand_objects::typeobj::PyType::from_obj(&a) };
        // SAFETY: as above.
        let tb = unsafe { strand_objects::typeobj::PyType::from_obj(&b) };
        let (va, vb) = (ta.version_tag(), tb.version_tag());
        ab::setattr(&a, &s("x"), &int(10)).unwrap();
        assert_ne!(
            ta.version_tag(),
            va,
            "assignment invalidates the class's tag"
        );
        assert_ne!(tb.version_tag(), vb, "and its subclasses' tags");
        d.case("(lambda A: (lambda B: (setattr(A, 'y', 10), B().y)[1])(type('B', (A,), {})))(type('A', (), {}))", {
            ab::setattr(&a, &s("y"), &int(10)).unwrap();
            ab::getattr_str(&call(&b, &[]).unwrap(), "y")
        });
    }
    d.check();
}
