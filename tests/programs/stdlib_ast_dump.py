# ast.parse + ast.dump(include_attributes=True) over many constructs: node shapes and CPython's positions (lines, UTF-8 byte columns, ends).
import ast

SOURCES = [
    "x = 1 + 2 * -y ** 3 // 4 @ m",
    "a, *b = c[1:2, ::3], d[...]",
    "del a.b, c[0]\nglobal g\nnonlocal_ = 1",
    "async def f(a, /, b: int = 1, *args, c, d=2, **kw) -> None:\n    await x\n    async for i in y: pass\n    async with a as b, c: pass",
    "@dec\n# comment\n@dec2(1)\nclass C(B, metaclass=M, **kw):\n    'doc'\n    x: int = 1\n    y: 'str'\n    def m(self): return self",
    "if a:\n    pass\nelif b:\n    x = 1\nelif c:\n    y = 2\nelse:\n    z = 3",
    "for i in range(3):\n    continue\nelse:\n    break\nwhile x:\n    x -= 1\nelse:\n    pass",
    "try:\n    pass\nexcept (A, B) as e:\n    raise X from e\nexcept C:\n    raise\nelse:\n    pass\nfinally:\n    pass",
    "try:\n    pass\nexcept* ValueError as eg:\n    pass",
    "with (open(a) as f, open(b)):\n    pass",
    "import a.b.c as d, e\nfrom .. import x as y\nfrom m import *\nfrom .p.q import (r, s)",
    "assert x, 'msg'\nreturn_ = lambda a, b=1, *c, d, **e: (yield)",
    "[x for x in y if x for z in w]; {x for x in y}; {k: v for k, v in d.items()}; (x for x in y)",
    "f(x for x in y); g((x for x in y)); h(a)(x for x in y)",
    "a if b else c; a and b or not c; a < b <= c != d is e is not f in g not in h",
    "{1: 2, **d, 'k': [1, 2]}; {1, 2}; (); []; (1,); 1,",
    "s = 'a' 'b'; u = u'x' 'y'; b = b'a' b'c'; r = r'\\n'",
    "f'a{b!r:>{w}}c' u'd'; f'{a=}' 'q' f'{c}'; f'x{a=:>3}'; f'{x:}'; f''; f'abc' 'd'; 'a' f'{b:{c}x}'",
    "f'''\n{a}\n  {b}'''",
    "x = 'é' + f(ü=1)  # ü\ny = '日本'; z = 1",
    "n = 0x_ff + 1_000 + 0o17 + 0b1 + 1.5e3 + 2j + 10**100 + 123456789012345678901234567890",
    "x = None, True, False, ...",
    "(a := 10); print(a)",
    "match p:\n    case [1, *rest]: pass\n    case {'k': v, **kw} if v: pass\n    case Point(1, y=_) as pt: pass\n    case -1 | 1+2j | None | True: pass\n    case (a, b, *_): pass\n    case str() | _: pass",
    "(a)\n((b))\n(yield x)",
    "x = \\\n    1",
    "def g():\n    yield from h()\n    return",
]

for src in SOURCES:
    print(ast.dump(ast.parse(src), include_attributes=True))
print(ast.dump(ast.parse("1 + x", mode="eval"), include_attributes=True))
print(ast.dump(ast.parse("x = 1; y = 2", mode="single"), include_attributes=True))
print(ast.dump(ast.parse("if x:\n    pass\n", mode="single")))
print(ast.dump(ast.parse("x = [1,\n  2]\n"), indent=2))
for src in ["x = (f'{a:02d}'\n     f'{b}')", "x = (f'{a:0{w}d}'\n     'b')", "f'{a:{b}{c}}'", "f'{a:x{b}y{c}z}' f'{q}'"]:
    print(ast.dump(ast.parse(src), include_attributes=True))
