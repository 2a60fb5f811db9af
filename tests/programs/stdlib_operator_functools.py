# _operator and _functools: the operator functions, attrgetter/itemgetter/
# methodcaller, reduce, partial, cmp_to_key and the LRU cache wrapper.
import _functools
import _operator as op
from collections import namedtuple


def show(f, *a, **k):
    try:
        print("ok", repr(f(*a, **k)))
    except Exception as e:
        print(type(e).__name__, e)


print(op.add(2, 3), op.sub(2, 3), op.mul("ab", 2), op.truediv(7, 2), op.floordiv(7, 2),
      op.mod(7, 3), op.pow(2, 10), op.lshift(1, 5), op.rshift(64, 2), op.and_(12, 10),
      op.or_(12, 10), op.xor(12, 10), op.neg(5), op.pos(-5), op.abs(-3), op.inv(5),
      op.invert(0), op.index(7), op.not_([]), op.truth([1]), op.is_(None, None),
      op.is_not(1, None))
print(op.lt(1, 2), op.le(2, 2), op.eq(1, 1.0), op.ne(1, 2), op.gt(1, 2), op.ge(3, 2))
print(op.concat([1], [2]), op.concat("a", "b"), op.contains([1, 2], 2), op.countOf([1, 2, 1], 1),
      op.indexOf([5, 6, 7], 7), op.getitem({"a": 1}, "a"), op.length_hint([1, 2]),
      op.length_hint(iter(range(9))), op.length_hint(5, 3), op.call(len, "abc"))
x = [1]
y = op.iadd(x, [2])
print(x, y is x, op.iconcat([0], (1,)), op.imul([1], 3), op.ipow(2, 5), op.isub(5, 1),
      op.ior({1}, {2}), op.iand(6, 3), op.ixor(6, 3), op.ilshift(1, 3), op.irshift(8, 3),
      op.imod(7, 4), op.ifloordiv(7, 2), op.itruediv(1, 4))
d = {}
op.setitem(d, "k", 1)
op.delitem(d, "k")
print(d)
show(op.concat, 1, 2)
show(op.iconcat, 1, 2)
show(op.concat, [1], (2,))
show(op.indexOf, [1, 2], 3)
show(op.length_hint, 5, "x")
show(op.add, 1)
show(op.add, 1, "x")
show(op.neg, "x")
show(op.not_, 1, 2)
show(op.truth)
show(op.lt, 1, "x")
show(op.setitem, [1], 5, 1)
show(op.pow, 2, 3, 4)


class H:
    def __init__(self, v):
        self.v = v

    def __length_hint__(self):
        return self.v


show(op.length_hint, H("x"))
show(op.length_hint, H(-1))
show(op.length_hint, H(NotImplemented), 7)
show(op.length_hint, H(4))
print(op._compare_digest("abc", "abc"), op._compare_digest(b"abc", b"abd"),
      op._compare_digest(b"a", b"ab"))
show(op._compare_digest, "a", b"a")
show(op._compare_digest, "é", "é")
show(op._compare_digest, 1, 2)

P = namedtuple("P", "x y")
pts = [P(3, "c"), P(1, "a"), P(2, "b")]
print(sorted(pts, key=op.attrgetter("x")), op.attrgetter("x", "y")(pts[0]))


class Node:
    def __init__(self, child=None, name=""):
        self.child = child
        self.name = name


print(op.attrgetter("child.child.name")(Node(Node(Node(None, "leaf")))))
print(op.itemgetter(1)([5, 6, 7]), op.itemgetter(0, 2)("abc"), op.itemgetter("k")({"k": 9}))
print(op.methodcaller("upper")("abc"), op.methodcaller("split", ",", maxsplit=1)("a,b,c"),
      op.methodcaller("get", "z", 0)({}))
print(repr(op.attrgetter("a.b", "c")), repr(op.itemgetter(1, "x")),
      repr(op.methodcaller("f", 1, k=2)), type(op.itemgetter(1)).__name__,
      type(op.itemgetter(1)).__module__)
print(op.attrgetter("real").__reduce__(), op.itemgetter(1, 2).__reduce__(),
      op.methodcaller("f", 1).__reduce__())
r = op.methodcaller("f", 1, k=2).__reduce__()
print(type(r[0]).__name__, r[0].args, r[0].keywords, r[1])
show(op.attrgetter)
show(op.attrgetter, 1)
show(op.attrgetter, "a", x=1)
show(op.itemgetter)
show(op.methodcaller)
show(op.methodcaller, 1)
show(op.attrgetter("a.b"), 1)
show(op.itemgetter(5), [1])
show(op.itemgetter(1), [1], 2)
l = []
ig = op.itemgetter(l)
l.append(ig)
print(repr(ig)[:40])

# reduce.
print(_functools.reduce(op.add, [1, 2, 3, 4]), _functools.reduce(op.add, [], 7),
      _functools.reduce(lambda a, b: a * b, range(1, 6), 10))
show(_functools.reduce, op.add, [])
show(_functools.reduce, op.add, 5)
show(_functools.reduce, op.add)
show(_functools.reduce, op.add, [1], 2, 3)
show(_functools.reduce, function=1)

# partial.
partial = _functools.partial


def f(*args, **kw):
    return args, kw


p = partial(f, 1, sep="-")
print(p(2, end="!"), p.func is f, p.args, p.keywords, repr(p)[:30])
q = partial(p, 3, sep="+")
print(q.func is f, q.args, q.keywords, q())
p.attr = 5
r = partial(p, 4)
print(r.func is p, r.args, p.__dict__)
print(p.__reduce__()[0] is partial, p.__reduce__()[2][1:])
show(partial)
show(partial, 5)
show(setattr, p, "func", len)
show(p.__setstate__, 5)
show(p.__setstate__, (1, 2, 3, 4))
p.__setstate__((len, (), None, None))
print(p.func, p.args, p.keywords, p("abc"))


class MyPartial(partial):
    pass


mp = MyPartial(f, 1)
print(repr(mp)[:22], mp(2), isinstance(mp, partial), partial[int])


class C:
    meth = partial(f, "unbound")


print(C().meth(1))

# cmp_to_key.
K = _functools.cmp_to_key(lambda a, b: (a > b) - (a < b))
print(sorted([3, 1, 2], key=K), sorted(["b", "a"], key=_functools.cmp_to_key(
    lambda a, b: -1 if a > b else 1)), K(5).obj, K(1) < K(2), K(2) == K(2), K(3) >= K(4))
print(type(K).__name__, type(K).__module__)
show(lambda: K(1) < 2)
show(lambda: hash(K(1)))
show(K)
show(_functools.cmp_to_key)

# The LRU cache wrapper.
Info = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])
calls = []


def square(x, y=0):
    calls.append(x)
    return x * x + y


for maxsize in (None, 0, 2, 3):
    w = _functools._lru_cache_wrapper(square, maxsize, False, Info)
    for v in [1, 2, 1, 3, 1, 2, 4, 1]:
        w(v)
    w(1, y=1)
    w(1, y=1)
    print(maxsize, calls, w.cache_info())
    calls.clear()
    w.cache_clear()
    print(w.cache_info())
t = _functools._lru_cache_wrapper(square, 10, True, Info)
t(1), t(1.0), t(1)
print(calls, t.cache_info())
calls.clear()


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


fib = _functools._lru_cache_wrapper(fib, 5, False, Info)
print(fib(60), fib.cache_info())
fib.__wrapped__ = "wrapped"
print(fib.__dict__, fib.__reduce__() if hasattr(fib, "__qualname__") else None)


class Obj:
    def method(self, x):
        return (self.tag, x)


Obj.method = _functools._lru_cache_wrapper(Obj.method, 8, False, Info)
o = Obj()
o.tag = "t"
print(o.method(1), o.method(1), Obj.method.cache_info())
show(_functools._lru_cache_wrapper, len, "x", False, tuple)
show(_functools._lru_cache_wrapper, 5, 1, False, tuple)
print(type(fib).__name__, type(fib).__module__)
