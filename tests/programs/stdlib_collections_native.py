# _collections: deque (maxlen, rotation, indexing, iteration and mutation checks,
# operators, subclasses), defaultdict, _count_elements and _tuplegetter.
import _collections
from _collections import deque, defaultdict


def show(f, *a, **k):
    try:
        print("ok", repr(f(*a, **k)))
    except Exception as e:
        print(type(e).__name__, e)


d = deque([1, 2, 3])
d.append(4)
d.appendleft(0)
d.extend([5, 6])
d.extendleft([-1, -2])
print(d, len(d), d[0], d[-1], d.pop(), d.popleft(), d)
d.rotate(2)
print(d)
d.rotate(-3)
print(d)
d.rotate(100)
print(d, d.count(3), d.index(3), d.index(3, 2), 3 in d, 99 in d)
d.insert(2, "x")
d.insert(-100, "first")
d.insert(100, "last")
print(d)
d.remove("x")
d.reverse()
print(d, d.copy(), list(reversed(d)), bool(d), bool(deque()))
d[1] = "set"
del d[0]
print(d, d.maxlen)
d.clear()
print(d)

b = deque(range(10), maxlen=3)
print(b, b.maxlen)
b.append(10)
b.appendleft(-1)
print(b)
b.extend(range(20, 25))
b.extendleft("ab")
print(b)
z = deque([1, 2], maxlen=0)
z.append(5)
print(z)
print(deque([1, 2, 3], 2) * 3, deque([1, 2]) * 2, 2 * deque([7]), deque([1]) + deque([2, 3]))
e = deque([1, 2])
e += [3, 4]
e *= 2
print(e)
e *= 0
print(e)
print(deque([1, 2]) == deque([1, 2]), deque([1, 2]) < deque([1, 3]), deque([1]) == [1],
      deque([2]) > deque([1, 5]))
s = deque([1, 2])
s.extend(s)
print(s)
r = deque()
r.append(r)
print(r)
print(deque([1, 2, 3], 5).__reduce__()[:3], deque([1]).__reduce__()[:3])
print(list(deque([1, 2, 3]).__reduce__()[3]))
deque.__init__(b, [9], 2)
print(b)
print(deque[int])

it = iter(deque([1, 2, 3]))
print(next(it), it.__length_hint__(), list(it), it.__length_hint__())
m = deque([1, 2, 3])
it = iter(m)
next(it)
m.append(4)
show(next, it)
show(next, it)
rit = reversed(deque("abc"))
print(type(rit).__name__, list(rit))


class Eq:
    def __eq__(self, other):
        q.append(1)
        return False


q = deque([Eq(), Eq()])
show(q.count, 5)
show(q.index, 5)
show(q.remove, 5)
q = deque([Eq(), Eq()])
show(q.__contains__, 5)

show(lambda: deque([1])[1:2])
show(lambda: deque([1])[7])
show(lambda: deque([1]).index(9))
show(deque([1]).remove, 9)
show(deque().pop)
show(deque().popleft)
show(deque, [1], -1)
show(deque, [1], "x")
show(deque, 5)
show(lambda: deque([1]) + [1])
show(lambda: deque([1], 1).insert(0, 2))
show(lambda: hash(deque()))
show(setattr, deque(), "maxlen", 3)
show(lambda: deque([1, 2, 3]).rotate("x"))
show(lambda: deque([1]).index(1, "x"))
show(deque().append)
show(lambda: deque.append([], 1))


class D(deque):
    def total(self):
        return sum(self)


dd_ = D([1, 2], 5)
print(repr(dd_), dd_.total(), dd_.copy(), type(dd_ * 2).__name__, type(dd_.copy()).__name__,
      isinstance(dd_, deque), D.__mro__)
dd_.extra = 1
print(dd_.__reduce__()[:3])

# defaultdict.
dd = defaultdict(list, a=1)
dd["x"].append(5)
print(dd, dd["x"], dd.default_factory, isinstance(dd, dict), type(dd).__mro__)
counts = defaultdict(int)
for ch in "mississippi":
    counts[ch] += 1
print(sorted(counts.items()), counts.get("zz"), "zz" in counts, len(counts))
print(dd.__reduce__()[:4], list(dd.__reduce__()[4]))
print(dd.copy(), dd | {"z": 1}, {"z": 1} | dd, type(dd | {}).__name__)
dd |= {"w": 2}
print(dd)
dd.default_factory = None
show(lambda: dd["nope"])
dd.default_factory = set
print(dd["s"], repr(defaultdict(None, {1: 2})), repr(defaultdict()))
show(defaultdict, 5)
show(lambda: defaultdict()["k"])
rec = defaultdict()
rec.default_factory = rec.__getitem__
print(repr(rec)[:30])


class MyDD(defaultdict):
    pass


mdd = MyDD(lambda: "v")
print(mdd["q"], repr(mdd)[:10], type(mdd.copy()).__name__, defaultdict[str, int])
print(dict(defaultdict(int, [("a", 1)], b=2)))

# _count_elements.
c = {}
_collections._count_elements(c, "abracadabra")
print(c)


class Counting(dict):
    def get(self, k, default=None):
        return dict.get(self, k, default)


cc = Counting()
_collections._count_elements(cc, [1, 2, 1])
print(cc)
show(_collections._count_elements, {}, 5)

# _tuplegetter.
tg = _collections._tuplegetter(1, "doc")


class Pair(tuple):
    second = tg


p = Pair((1, 2))
print(p.second, Pair.second is tg, tg.__doc__, tg.__reduce__(), repr(tg))
show(tg.__get__, 5, int)
show(tg.__get__, (1,), tuple)
show(setattr, p, "second", 3)
show(delattr, p, "second")
tg.__doc__ = "new"
print(tg.__doc__)
