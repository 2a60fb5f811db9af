# ast's own helpers over strand's trees: literal_eval (and its errors), unparse round trips, walk, NodeVisitor, NodeTransformer, get_docstring, increment_lineno, fix_missing_locations.
import ast

print(ast.literal_eval("[1, (2, 3), {'a': -4.5}, {1, 2}, None, b'x', 1+2j, ..., True]"))
print(ast.literal_eval("  -0x10  "), ast.literal_eval("set()") if False else "", ast.literal_eval("{'k': (1,)}"))
for bad in ["f(x)", "a + b", "[x for x in y]", "1 +", "__import__('os')"]:
    try:
        ast.literal_eval(bad)
    except (ValueError, SyntaxError) as e:
        print(type(e).__name__, str(e).split(' at 0x')[0])

SRC = '''
import os, sys as system
from collections import OrderedDict as OD

@decorator(arg=1)
class Shape(Base, metaclass=Meta):
    """A shape."""
    sides: int = 0

    def __init__(self, *args, name="x", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name = name

    @property
    def area(self):
        return self.w * self.h if self.w else -1

async def main(x, /, y, *, z=3):
    async with lock:
        async for item in stream():
            await process(item)
    return [i ** 2 for i in range(10) if i % 2], {k: v for k, v in d.items()}

def gen():
    x = yield
    yield from other()
    lam = lambda a, b=2: a + b
    try:
        pass
    except (ValueError, TypeError) as err:
        raise RuntimeError("bad") from err
    else:
        pass
    finally:
        del x
    while True:
        break
    with open("f") as f, open("g") as g:
        pass
    global q
    s = f"{x!r:>10} and {y=} {z:{w}}"
    t = a[1:2, ::3], b[...], not c, d is not e, f not in g
    assert t, "message"
    match cmd:
        case ["go", direction] | ["move", direction]:
            pass
        case {"x": 0, **rest}:
            pass
        case Point(x=0, y=yy) as p if yy > 0:
            pass
        case _:
            pass
'''
tree = ast.parse(SRC)
text = ast.unparse(tree)
print(text)
again = ast.parse(text)
print(ast.dump(again) == ast.dump(ast.parse(ast.unparse(again))))
print(sorted({type(n).__name__ for n in ast.walk(tree)}))
print(ast.get_docstring(tree.body[3]))


class Names(ast.NodeVisitor):
    def __init__(self):
        self.names = []

    def visit_Name(self, node):
        self.names.append(node.id)
        self.generic_visit(node)


v = Names()
v.visit(tree)
print(len(v.names), v.names[:12])


class Double(ast.NodeTransformer):
    def visit_Constant(self, node):
        if isinstance(node.value, int):
            return ast.copy_location(ast.Constant(node.value * 2), node)
        return node


t = Double().visit(ast.parse("x = 1 + 2 * 3"))
print(ast.unparse(t))
code = compile(ast.unparse(ast.fix_missing_locations(t)), "<t>", "exec")
ns = {}
exec(code, ns)
print(ns["x"])
t = ast.parse("a\nb")
ast.increment_lineno(t, 5)
print([n.lineno for n in t.body])
node = ast.parse("f(a, b=1)").body[0].value
print(ast.get_source_segment("f(a, b=1)", node), ast.get_source_segment("f(a, b=1)", node.keywords[0]))
