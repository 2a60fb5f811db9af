"""PEP 563: with `from __future__ import annotations` annotations are kept as the
source text CPython's unparser writes; future statements must come first."""
from __future__ import annotations
import typing


class C:
    x: list[int] = []
    y: "str"
    z: dict[str, typing.Any]

    def m(self, a: C, *b: int, c: lambda x: x + 1 = 2, **d: 'q') -> C | None: ...

    w: (1, 2)
    v: -1 + 2 * 3
    u: a if b else c
    t: [*a, b]
    s: {'a': 1, **b}
    q: a[1:2, ::3]
    p: tuple[int, ...]
    o: Callable[[int], str] | None
    n: b'x' + r'a\b' + "it's"
    k: not a and (b or c)
    i: a[1,]


print(C.__annotations__)
print(C.m.__annotations__)
hints = typing.get_type_hints(C.m, localns={'q': float})
print({k: v for k, v in hints.items() if k != 'c'})
# Complex targets' annotations are not evaluated.
obj = C()
obj.attr: undefined_name = 5
print(obj.attr)

for src in [
    "import os\nfrom __future__ import annotations\n",
    "from __future__ import braces\n",
    "from __future__ import spam\n",
    "'''doc'''\nfrom __future__ import annotations, division\nx: int\n",
    "def f():\n    from __future__ import annotations\n",
    "from __future__ import annotations\nx: (y := 3)\n",
    "from __future__ import annotations\ndef f(a: (yield)): pass\n",
    "from __future__ import annotations\nasync def f():\n    x: await g()\n",
    "x: (y := 3)\nprint(y)\n",
]:
    try:
        compile(src, "<src>", "exec")
        print("compiles")
    except SyntaxError as e:
        print("SyntaxError:", e.msg, e.lineno)
# compile() inherits the caller's future features unless told not to.
ns = {}
exec(compile("def f(x: undefined) -> int: pass", "<s>", "exec"), ns)
print(ns["f"].__annotations__)
try:
    exec(compile("def f(x: undefined) -> int: pass", "<s>", "exec", dont_inherit=True), ns)
except NameError as e:
    print("NameError:", e)
import __future__
exec(compile("def f(x: undefined): pass", "<s>", "exec", __future__.annotations.compiler_flag, True), ns)
print(ns["f"].__annotations__, hex(__future__.annotations.compiler_flag))
