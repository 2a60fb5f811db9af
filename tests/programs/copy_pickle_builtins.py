# copy.copy, copy.deepcopy and pickle round trips (pure-Python pickle, protocols 2 to
# 5) over builtin types, their subclasses, slotted classes, exceptions and the
# builtin iterators: what the reduce protocol gives the standard library.
import copy
import pickle


class P:
    def __init__(self):
        self.a = [1, {2: 3}]

    def __eq__(self, other):
        return type(other) is P and vars(other) == vars(self)


class S:
    __slots__ = ("x", "y")

    def __getstate__(self):
        return {"x": self.x}

    def __setstate__(self, state):
        self.x = state["x"]


class L(list):
    pass


class D(dict):
    pass


class T(tuple):
    pass


class I(int):
    pass


class FS(frozenset):
    pass


s = S()
s.x = [1]
lst = L([1, [2]])
lst.tag = "t"


def value(r):
    if hasattr(r, "__next__"):
        return list(r)
    if isinstance(r, S):
        return ("S", r.x)
    if isinstance(r, BaseException):
        return (type(r).__name__, r.args, getattr(r, "filename", None))
    if isinstance(r, P):
        return ("P", vars(r))
    if isinstance(r, L):
        return ("L", list(r), r.tag)
    if callable(r) and hasattr(r, "__qualname__"):
        return ("callable", r.__qualname__)
    return (type(r).__name__, r)


def objects():
    return [
        P(), s, lst, D(a=[1]), T((1, [2])), I(7), FS("xy"), {1, 2}, frozenset("ab"),
        slice(1, 2), range(3), (1, [2]), [1, (2,)], {"k": [1]}, 5, 2.5, "str",
        None, True, ..., NotImplemented, complex(1, 2),
        ValueError(1, 2), OSError(2, "x", "f"), KeyError("k"),
        iter([1, 2, 3]), enumerate("ab"), reversed([1, 2]), zip("ab", "cd"),
        map(abs, [-1]), filter(None, [0, 1]), iter(range(5)), iter({1: 2}),
        iter({3}), iter((4, 5)), iter("xyz"),
        len, list.append, int.__add__, dict.fromkeys, S.x,
    ]


def with_bytes():
    return [b"by", bytearray(b"ba"), iter(b"it"), iter(bytearray(b"bi"))]


for o in objects() + with_bytes():
    for name, f in (("copy", copy.copy), ("deepcopy", copy.deepcopy)):
        try:
            print(name, type(o).__name__, value(f(o)))
        except Exception as e:
            print(name, type(o).__name__, "error:", type(e).__name__, e)

for proto in range(2, pickle.HIGHEST_PROTOCOL + 1):
    # Protocol 2 pickles bytes through codecs.encode(..., 'latin1').
    items = objects() + (with_bytes() if proto >= 3 else [])
    for o in items:
        try:
            print(proto, type(o).__name__, value(pickle.loads(pickle.dumps(o, proto))))
        except Exception as e:
            print(proto, type(o).__name__, "error:", type(e).__name__, e)

# Shared and cyclic structure survives a deep copy and a pickle round trip.
shared = [1]
cyc = P()
cyc.a = [shared, shared, cyc]
for r in (copy.deepcopy(cyc), pickle.loads(pickle.dumps(cyc, 4))):
    print(r.a[0] is r.a[1], r.a[2] is r, r.a[0] is not shared)

# A class whose __slots__ hold state without __getstate__: protocol 2+ works.


class Slotted:
    __slots__ = ("a", "b")


sl = Slotted()
sl.a = 1
r = pickle.loads(pickle.dumps(sl, 2))
print(r.a, hasattr(r, "b"))
r = copy.deepcopy(sl)
print(r.a, hasattr(r, "b"))
try:
    pickle.dumps(sl, 1)
except TypeError as e:
    print("TypeError", e)
