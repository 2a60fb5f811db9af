# The pickling protocol of the builtin iterators: __reduce__ and __setstate__ of
# list/tuple/str/bytes/range/dict/set iterators, reversed, enumerate, zip, map,
# filter, callable_iterator, and rebuilding each iterator from its reduction.
import builtins


def show(x):
    """A reduction printed without addresses: builtins by name, types by name,
    iterators by type."""
    if x is builtins.iter:
        return "iter"
    if x is builtins.reversed:
        return "reversed"
    if isinstance(x, type):
        return x.__name__
    if isinstance(x, tuple):
        inner = ", ".join(show(i) for i in x)
        return "(" + inner + (",)" if len(x) == 1 else ")")
    if isinstance(x, list):
        return "[" + ", ".join(show(i) for i in x) + "]"
    if hasattr(x, "__next__"):
        return "<" + type(x).__name__ + ">"
    if callable(x) and hasattr(x, "__name__"):
        return "<callable " + x.__name__ + ">"
    return repr(x)


def rebuild(it):
    """Rebuilds an iterator from its reduction, as pickle and copy do."""
    r = it.__reduce__()
    new = r[0](*r[1])
    if len(r) > 2:
        new.__setstate__(r[2])
    return new


def check(label, make, steps):
    it = make()
    for _ in range(steps):
        next(it, None)
    r = it.__reduce__()
    print(label, steps, show(r))
    copy = rebuild(it)
    print("   rest", list(copy), list(it))


for steps in (0, 1, 3, 5):
    check("list", lambda: iter([10, 20, 30]), steps)
    check("reversed list", lambda: reversed([10, 20, 30]), steps)
    check("tuple", lambda: iter((1, 2, 3)), steps)
    check("str", lambda: iter("abc"), steps)
    check("str non-ascii", lambda: iter("añb€c"), steps)
    check("bytes", lambda: iter(b"xyz"), steps)
    check("bytearray", lambda: iter(bytearray(b"pq")), steps)
    check("range", lambda: iter(range(3, 12, 3)), steps)
    check("range negative", lambda: iter(range(10, 0, -4)), steps)
    check("reversed range", lambda: reversed(range(5)), steps)
    check("long range", lambda: iter(range(10**20, 10**20 + 4)), steps)
    check("dict keys", lambda: iter({"a": 1, "b": 2, "c": 3}), steps)
    check("dict values", lambda: iter({"a": 1, "b": 2}.values()), steps)
    check("dict items", lambda: iter({"a": 1, "b": 2}.items()), steps)
    check("set", lambda: iter({7}), steps)
    check("frozenset", lambda: iter(frozenset()), steps)
    check("enumerate", lambda: enumerate("xyz", 5), steps)
    check("zip", lambda: zip([1, 2, 3], "ab"), steps)
    check("map", lambda: map(abs, [-1, -2, 3]), steps)
    check("filter", lambda: filter(None, [0, 1, 0, 2]), steps)


class Seq:
    def __getitem__(self, i):
        if i < 4:
            return i * i
        raise IndexError(i)

    def __len__(self):
        return 4

    def __repr__(self):
        return "Seq()"


for steps in (0, 2, 6):
    check("getitem iterator", lambda: iter(Seq()), steps)
    check("reversed Seq", lambda: reversed(Seq()), steps)

# callable_iterator: (iter, (callable, sentinel)); exhausted: (iter, ((),)).
counter = iter([1, 2, 3, None, 4])
ci = iter(counter.__next__, None)
print(show(ci.__reduce__()[1][1:]), ci.__reduce__()[0] is iter)
print(list(ci), show(ci.__reduce__()))

# zip(strict=True) reduces with True as its state; __setstate__ sets strictness.
z = zip("ab", "cd", strict=True)
print(show(z.__reduce__()))
z2 = zip("ab", "cde")
z2.__setstate__(True)
print(show(z2.__reduce__()))
try:
    list(z2)
except ValueError as e:
    print("ValueError", e)
z3 = zip("a", "b", strict=True)
z3.__setstate__(0)
print(len(z3.__reduce__()))

# enumerate past a machine word keeps counting with a big int.
e = enumerate("ab", 2**64)
next(e)
print(show(e.__reduce__()))

# __setstate__ clips out-of-range indices as CPython does.
it = iter([1, 2, 3])
it.__setstate__(-5)
print(show(it.__reduce__()))
it.__setstate__(99)
print(show(it.__reduce__()), list(it), show(it.__reduce__()))
rl = reversed([1, 2, 3])
rl.__setstate__(99)
print(show(rl.__reduce__()))
rl.__setstate__(-7)
print(show(rl.__reduce__()), list(rl), show(rl.__reduce__()))
s = iter("héllo")
s.__setstate__(2)
print(list(s))
s = iter("héllo")
s.__setstate__(50)
print(show(s.__reduce__()))
r = iter(range(10))
r.__setstate__(7)
print(list(r))
r = iter(range(10))
r.__setstate__(-3)
print(show(r.__reduce__()))
r.__setstate__(True)
print(next(r))
lr = iter(range(10**20, 10**20 + 5))
lr.__setstate__(3)
print(list(lr))
lr = iter(range(10**20, 10**20 + 5))
lr.__setstate__(10**30)
print(show(lr.__reduce__()), list(lr))
ba = iter(bytearray(b"abc"))
ba.__setstate__(2)
print(list(ba))
ba = iter(bytearray(b"abc"))
ba.__setstate__(-1)
print(show(ba.__reduce__()))
ba.__setstate__(10)
print(show(ba.__reduce__()), list(ba), show(ba.__reduce__()))
t = iter((1, 2))
list(t)
t.__setstate__(0)
print(list(t), show(t.__reduce__()))

# Errors, with CPython's messages.
def err(f):
    try:
        f()
    except Exception as e:
        print(type(e).__name__, e)


err(lambda: iter([]).__setstate__("x"))
err(lambda: iter([]).__setstate__(10**30))
err(lambda: iter([]).__setstate__())
err(lambda: iter([]).__reduce__(1))
err(lambda: iter(range(3)).__setstate__(1.5))
err(lambda: iter(range(3)).__setstate__(2**70))
err(lambda: reversed([]).__setstate__(None))
err(lambda: zip().__setstate__(1, 2))

# A dict changed under an iterator: reducing it raises as iterating would.
d = {1: 1}
di = iter(d)
d[2] = 2
err(lambda: di.__reduce__())
s = {1}
si = iter(s)
s.add(2)
err(lambda: si.__reduce__())

# The reconstructor is whatever `iter` names in the builtins.
real_iter = builtins.iter
builtins.iter = lambda *a: ("replaced", a)
try:
    print(real_iter([5]).__reduce__()[0] is builtins.iter)
finally:
    builtins.iter = real_iter
saved = builtins.reversed
rl = saved([1, 2])
del builtins.reversed
try:
    err(lambda: rl.__reduce__())
finally:
    builtins.reversed = saved
