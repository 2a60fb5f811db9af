# Ordering comparisons across types: what works (int/float/bool, sequences element-wise) and the TypeErrors.
print(sorted([3, 1.5, True, 0, -2.25, False]), sorted([(1, "b"), (1.0, "a")]), sorted([[1, 2], [1], [0, 5]]), 1 < 1.5 < 2 <= 2.0)
pairs = [(1, "a"), ("a", 1), (None, 1), (1, None), ([1], (1,)), ((1,), [1]), ({1}, [1]), ({}, {}), (1.5, "x"), (b"a", "a"), (object(), object())]
for a, b in pairs:
    for op, f in (("<", lambda x, y: x < y), (">=", lambda x, y: x >= y)):
        try:
            print(f(a, b))
        except TypeError as e:
            print(op, type(e).__name__, e)
for bad in ([1, "2", 3], ["b", "a", 1], [None, 1], [(1, "a"), (1, 2)], [[1], ["x"]], [1.0, "1"], [{1: 2}, {3: 4}]):
    try:
        print(sorted(bad))
    except TypeError as e:
        print(type(e).__name__, e)
for fn in (min, max):
    try:
        print(fn([1, "a"]))
    except TypeError as e:
        print(type(e).__name__, e)
    try:
        print(fn([]))
    except ValueError as e:
        print(type(e).__name__, e)
    print(fn([], default="empty"), fn("b", "a"), fn([3, 1, 2], key=lambda x: -x), fn([(1, "z"), (1, "a")]))
print({1, 2} < {1, 2, 3}, sorted([{3}, {1}, {2}]), sorted([frozenset({1, 2}), frozenset({1})], key=len))
class Ord:
    def __init__(self, v): self.v = v
    def __lt__(self, o): return self.v < o.v
    def __repr__(self): return f"O{self.v}"
print(sorted([Ord(2), Ord(1), Ord(3)]), max([Ord(2), Ord(5)]), Ord(1) > Ord(0))
try:
    Ord(1) <= Ord(2)
except TypeError as e:
    print(type(e).__name__, e)
class Rich:
    def __init__(self, v): self.v = v
    def __lt__(self, o): return NotImplemented
    def __gt__(self, o): return "gt-called"
print(Rich(1) < Rich(2), Rich(1) > 5)
