import sys

def f(a, /, b, *c, d, **e):
    x = 1
    y = 2
    def g():
        return x
    return g

co = f.__code__
for name in ["co_name", "co_qualname", "co_argcount", "co_posonlyargcount",
             "co_kwonlyargcount", "co_varnames", "co_cellvars", "co_freevars",
             "co_nlocals", "co_flags", "co_firstlineno"]:
    print(name, getattr(co, name))
inner = f(1, 2, d=3).__code__
print(inner.co_freevars, inner.co_varnames, inner.co_nlocals)
print(isinstance(co.co_stacksize, int) and co.co_stacksize > 0)
print(isinstance(co.co_code, bytes))

def lines():
    a = 1
    b = 2

    return a + b

seen = [l for (s, e, l) in lines.__code__.co_lines() if l is not None]
print(sorted(set(seen)))
ranges = list(lines.__code__.co_lines())
print(all(s < e for s, e, _ in ranges), all(ranges[i][1] == ranges[i + 1][0] for i in range(len(ranges) - 1)), ranges[0][0])
pos = [p for p in lines.__code__.co_positions() if p[0] is not None]
print(sorted(set(p[0] for p in pos)))
print(all(len(p) == 4 for p in lines.__code__.co_positions()))

# replace()
r = lines.__code__.replace(co_name="renamed", co_qualname="Q.renamed")
print(r.co_name, r.co_qualname, r is not lines.__code__, r.co_firstlineno == lines.__code__.co_firstlineno)
lines.__code__ = r
print(lines(), lines.__name__)
moved = r.replace(co_firstlineno=r.co_firstlineno + 100)
print(sorted(set(l for (_, _, l) in moved.co_lines() if l is not None)))
def uses_const():
    return "old"
uses_const.__code__ = uses_const.__code__.replace(co_consts=tuple("new" if c == "old" else c for c in uses_const.__code__.co_consts))
print(uses_const())
try:
    r.replace(co_name=5)
except TypeError as e:
    print("TypeError", e)
try:
    r.replace(bogus=1)
except TypeError as e:
    print("TypeError", e)
print(r.replace().co_name)

# FunctionType
F = type(f)
def add(x, y=2):
    return x + y
g = F(add.__code__, globals(), "gg", (5,))
print(g(1), g(1, 1), g.__name__, g.__qualname__)

def mk():
    z = 7
    def h():
        return z
    return h
h = mk()
print(F(h.__code__, {}, None, None, h.__closure__)())
g2 = F(add.__code__, {"__builtins__": {"len": len}})
print(g2(3, 4), g2.__globals__.keys() == {"__builtins__"})
for args in [(1, {}), (add.__code__, 1), (add.__code__, {}, 1), (add.__code__, {}, None, 1),
             (h.__code__, {}), (h.__code__, {}, None, None, (1,)), (h.__code__, {}, None, None, ()),
             (add.__code__, {}, None, None, 5)]:
    try:
        F(*args)
        print("made")
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
