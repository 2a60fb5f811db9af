# operator: the function forms, in-place forms, itemgetter/attrgetter/methodcaller (with reprs), length_hint, call.
import operator as op
print(op.add(2, 3), op.sub(2, 3), op.mul("ab", 2), op.truediv(7, 2), op.floordiv(7, 2), op.mod(-7, 3), op.pow(2, 10), op.neg(5), op.pos(-5), op.abs(-0.0), op.abs(-3))
print(op.and_(6, 3), op.or_(6, 3), op.xor(6, 3), op.inv(5), op.invert(0), op.lshift(1, 4), op.rshift(64, 2), op.index(7), op.not_([]), op.truth([0]))
print(op.lt(1, 2), op.le(2, 2), op.eq("a", "a"), op.ne(1, 1.0), op.ge(3, 4), op.gt("b", "a"), op.is_(None, None), op.is_not(1, None))
print(op.concat([1], [2]), op.contains("team", "i"), op.countOf([1, 2, 1, 1], 1), op.indexOf("abc", "c"), op.getitem({"k": 9}, "k"), op.getitem("hello", slice(1, 3)))
d = {}
op.setitem(d, "a", 1); op.setitem(d, "b", 2); op.delitem(d, "a")
print(d)
l = [1]
print(op.iadd(l, [2]) is l, l, op.iadd(5, 1), op.imul([0], 3), op.isub(10, 4), op.ior({1}, {2}), op.iand(7, 3), op.ixor(5, 1), op.ilshift(1, 3), op.irshift(8, 1), op.imod(7, 4), op.ipow(2, 5), op.itruediv(1, 4), op.ifloordiv(9, 2), op.iconcat("a", "b"))
for bad in (lambda: op.indexOf([1], 5), lambda: op.concat(1, 2), lambda: op.index(1.5), lambda: op.attrgetter(1), lambda: op.methodcaller(5)):
    try:
        bad()
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
rows = [("b", 2, 9.5), ("a", 3, 1.0), ("c", 1, 4.25)]
print(sorted(rows, key=op.itemgetter(1)), sorted(rows, key=op.itemgetter(2, 0)), op.itemgetter(0, -1)("hello"), op.itemgetter("x")({"x": 1}))
print(list(map(op.itemgetter(0), rows)), op.itemgetter(slice(1, None))([1, 2, 3]), repr(op.itemgetter(1, "a")))
class P:
    def __init__(self, name, inner=None):
        self.name = name
        self.inner = inner
    def greet(self, greeting, punct="!"):
        return f"{greeting}, {self.name}{punct}"
ps = [P("zed", P("i1")), P("amy", P("i2"))]
print([p.name for p in sorted(ps, key=op.attrgetter("name"))], op.attrgetter("inner.name")(ps[0]), op.attrgetter("name", "inner.name")(ps[1]), repr(op.attrgetter("a", "b.c")))
try:
    op.attrgetter("missing")(ps[0])
except AttributeError as e:
    print(type(e).__name__, e)
mc = op.methodcaller("greet", "Hello", punct="?")
print(mc(ps[0]), op.methodcaller("upper")("abc"), op.methodcaller("split", ",", 1)("a,b,c"), repr(mc))
print(op.length_hint([1, 2, 3]), op.length_hint(iter([1, 2])), op.length_hint(x for x in "ab"), op.length_hint(object(), 7), op.length_hint(iter(range(10))))
print(op.call(max, 3, 8), op.__add__(1, 2), op.__getitem__([5, 6], 1), op.__not__(0), op.__lt__ is op.lt)
import functools
print(functools.reduce(op.mul, range(1, 7)), list(map(op.add, [1, 2], [10, 20])), list(map(op.neg, range(3))), sorted({"b": 1, "a": 2}.items(), key=op.itemgetter(1)))
