import functools, copy
def f(arg: int, *, k: str = 'x') -> None:
    "doc of f"
for w in (staticmethod, classmethod):
    m = w(f)
    print(w.__name__, m.__name__, m.__qualname__, m.__doc__, m.__annotations__, m.__module__, m.__wrapped__ is f, sorted(m.__dict__))
p = functools.partial(f, 1, k='y')
c = copy.copy(p)
print(c.keywords is p.keywords, c.args is p.args)
p2 = functools.partial(hex)
try:
    del p2.__dict__
except TypeError as e: print('TypeError', e)
try:
    p2.__dict__ = 5
except TypeError as e: print('TypeError', e)
p2.__dict__ = {'a': 1}; print(p2.a)
r = p.__reduce__(); print(r[0].__name__, r[1][0] is f, r[2][0] is f, r[2][1:])
class A:
    def __init__(self): pass
    @functools.cached_property
    def a(self): return 1
try:
    class B:
        @functools.cached_property
        def a(self): pass
        b = a
except Exception as e:
    print(type(e).__name__, e, '|', type(e.__context__).__name__, e.__context__)
class H:
    calls = 0
    def __init__(self, v): self.v = v
    def __hash__(self):
        H.calls += 1; return hash(self.v)
    def __eq__(self, o): return isinstance(o, H) and o.v == self.v
@functools.lru_cache(maxsize=1)
def g(x, y): return (x.v, y)
h = H(5)
for args in [(h, 1), (h, 1), (H(6), 2), (h, 1)]:
    g(*args); print(H.calls, g.cache_info())
