# str()/repr() of nested and self-referential containers, and of builtin objects inside containers.
data = {"list": [1, 2.5, "s", None, True], "tuple": (1,), "empty": ((), [], {}, set()), "nested": {"a": {"b": [{"c": (1, [2])}]}},
        "set": {3}, "fs": frozenset({1}), "bytes": [b"x", b"'"], "float": [1e100, -0.0, float("inf")], "str": ["it's", 'q"', "\n"]}
for k, v in data.items():
    print(k, str(v), repr(v))
l = [1]
l.append(l)
d = {"k": 1}
d["self"] = d
t = (l, d)
print(l, d, t, repr(l) == str(l))
a, b = [], []
a.append(b); b.append(a)
print(a, b)
s = [[]] * 2
print(s, [s, s])
print(repr(range(3)), [range(1, 5, 2)], [slice(1, 2)], [len], [print], [int, str], {None: Ellipsis}, [NotImplemented], [...])
class P:
    def __repr__(self): return "P()"
class Q:
    def __str__(self): return "str-Q"
    def __repr__(self): return "repr-Q"
print([P()], (P(),), {P(): P()} if False else {1: P()}, str([Q()]), str(Q()), f"{Q()} {Q()!r} {[Q()]}", "%s %r" % (Q(), Q()))
class R:
    def __repr__(self): return 42
try:
    repr([R()])
except TypeError as e:
    print(type(e).__name__, e)
print(str(1.0), repr([1.0, 0.1]), str((0.1 + 0.2,)), [10**20, -1], {1.5: 2}, [True, False], [-1.5e-10])
deep = []
cur = deep
for i in range(50):
    nxt = []
    cur.append(nxt)
    cur = nxt
print(str(deep)[:20], len(str(deep)))
print(repr("x" * 3), str(["a" * 3]), ascii(["é", "ü"]), ascii({"k": "ñ"}))
