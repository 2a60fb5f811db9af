# _bisect, _heapq and _string: results, comparison order and CPython's errors.
import _bisect
import _heapq
import _string


def show(f, *a, **k):
    try:
        print("ok", repr(f(*a, **k))[:150])
    except Exception as e:
        print(type(e).__name__, e)


# _bisect.
a = [1, 3, 3, 5, 7]
for x in (0, 1, 3, 4, 7, 8):
    print(x, _bisect.bisect_left(a, x), _bisect.bisect_right(a, x),
          _bisect.bisect_left(a, x, 2), _bisect.bisect_right(a, x, 1, 3),
          _bisect.bisect_right(a, x, hi=-1))
pairs = [(1, "a"), (3, "b"), (5, "c")]
print(_bisect.bisect_left(pairs, 3, key=lambda p: p[0]),
      _bisect.bisect_right(pairs, 3, key=lambda p: p[0]))
b = []
for x in [5, 1, 4, 1, 5, 9, 2, 6]:
    _bisect.insort_right(b, x)
    _bisect.insort_left(b, x)
print(b)
_bisect.insort_left(pairs, (4, "x"), key=lambda p: p[0])
print(pairs)


class Seq:
    def __init__(self):
        self.items = [10, 20, 30]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        print("get", i)
        return self.items[i]

    def insert(self, i, x):
        print("insert", i, x)
        self.items.insert(i, x)


s = Seq()
print(_bisect.bisect_left(s, 25))
_bisect.insort_right(s, 15)
show(_bisect.bisect_right, a, 5, -1)
show(_bisect.bisect_right, a, 5, 0, 10)
show(_bisect.bisect_right, a, 5, 0, 4, 3)
show(_bisect.bisect_right)
show(_bisect.bisect_right, a)
show(_bisect.bisect_right, a, 5, x=1)
show(_bisect.bisect_right, 5, 5)
show(_bisect.insort_left, (1, 2), 5)
show(_bisect.bisect_right, a, 5, lo="x")
show(_bisect.bisect_right, a, 5, hi="x")
show(_bisect.bisect_left, [1, "x"], 2)

# _heapq.
h = []
for x in [5, 3, 8, 1, 9, 2, 7, 1, 6]:
    _heapq.heappush(h, x)
    print(h)
print([_heapq.heappop(h) for _ in range(len(h))])
data = list(range(30, 0, -3)) + [7, 7, 100]
_heapq.heapify(data)
print(data)
print(_heapq.heapreplace(data, 50), data)
print(_heapq.heappushpop(data, 0), _heapq.heappushpop(data, 40), data)
print(_heapq.heappushpop([], 5))
m = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
_heapq._heapify_max(m)
print(m, _heapq._heappop_max(m), _heapq._heapreplace_max(m, 0), m)
big = [(i * 7919) % 3001 for i in range(3000)]
_heapq.heapify(big)
print(big[:20], sum(big[i] <= big[2 * i + 1] for i in range(1499)))


class Loud:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        print("lt", self.v, other.v)
        return self.v < other.v

    def __repr__(self):
        return f"L{self.v}"


lh = [Loud(v) for v in [4, 2, 6, 1]]
_heapq.heapify(lh)
print(lh, _heapq.heappop(lh))


class Grower:
    def __lt__(self, other):
        victim.append(1)
        return True


victim = [Grower(), Grower(), Grower()]
show(_heapq.heapify, victim)
show(_heapq.heappush, (), 1)
show(_heapq.heappop, [])
show(_heapq.heappop, ())
show(_heapq.heapify, ())
show(_heapq.heapreplace, [], 1)
show(_heapq._heappop_max, [])
show(_heapq.heappush, [])
show(_heapq.heapify)
show(_heapq.heappush, [1, "x"], 2)
print(isinstance(_heapq.__about__, str))

# _string.
for fs in ["", "abc", "a{0}b", "{0!r:>5}", "a{{b", "a}}b", "{}", "{:}", "{!r}", "{0!}",
           "{0!r", "{0!rx}", "{0", "a}", "{", "x{0[}]}y", "{a.b[c]!s:{w}.{p}}",
           "{0:{1:{2}}}", "{0{}", "{:{}", "x{!", "}}{{", "{0!r:}", "{ 0 }", "{0:",
           "é{ü}ß", "ok {0} then }"]:
    it = _string.formatter_parser(fs)
    out = []
    try:
        for item in it:
            out.append(item)
        print(repr(fs), out)
    except ValueError as e:
        print(repr(fs), out, "ValueError", e)
for name in ["", "0", "abc", "a.b[0][x].c", "0[", "a[0]x", "a.", "a..b", "a[]", "12a",
             "99999999999999999999999", "a[99999999999999999999]", "\u0663", "x[\u0661\u0662]"]:
    try:
        first, rest = _string.formatter_field_name_split(name)
        items = []
        try:
            for item in rest:
                items.append(item)
            print(repr(name), repr(first), items)
        except ValueError as e:
            print(repr(name), repr(first), items, "ValueError", e)
    except ValueError as e:
        print(repr(name), "ValueError", e)
show(_string.formatter_parser, 5)
show(_string.formatter_field_name_split, 5)
print(type(_string.formatter_parser("")).__name__,
      type(_string.formatter_field_name_split("")[1]).__name__)
