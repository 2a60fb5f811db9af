# weakref.ref: liveness, callbacks (by refcount and by gc.collect), equality and
# hashing, counts, and the objects that cannot be weakly referenced.
import gc
import weakref


class Node:
    def __init__(self, name):
        self.name = name
        self.other = None

    def __repr__(self):
        return "Node(%s)" % self.name


a = Node("a")
r = weakref.ref(a)
print(r() is a, r() == a, weakref.getweakrefcount(a), type(r).__name__, weakref.ref is weakref.ReferenceType)
print(weakref.ref(a) is r, weakref.ref(a) == r, hash(r) == hash(weakref.ref(a)))
events = []
r2 = weakref.ref(a, lambda w: events.append(("callback", w is r2, w())))
print(weakref.getweakrefcount(a), len(weakref.getweakrefs(a)), r2 is not r, r2 == r)
del a
print(r(), r2(), events)
print(r == r2, r != r2)

b, c = Node("b"), Node("c")
b.other, c.other = c, b
rb = weakref.ref(b, lambda w: events.append("b collected"))
rc = weakref.ref(c)
del b, c
print(rb() is not None, rc() is not None)
gc.collect()
print(rb(), rc(), events[-1])

d = {}
keep = [Node(str(i)) for i in range(3)]
for n in keep:
    d[weakref.ref(n)] = n.name
print(sorted(d.values()), d[weakref.ref(keep[1])])

for bad in [1, "s", (1,), [1], {}, None, 2.5, b"x"]:
    try:
        weakref.ref(bad)
    except TypeError as e:
        print("TypeError", e)


def f():
    pass


class Slotted:
    __slots__ = ("x",)


class SlottedWeak:
    __slots__ = ("x", "__weakref__")


for obj in [Node("ok"), SlottedWeak(), {1}, frozenset([2]), Node]:
    print(type(obj).__name__, weakref.ref(obj)() is obj)
try:
    weakref.ref(Slotted())
except TypeError as e:
    print("TypeError", e)

dead = weakref.ref(Node("temp"))
print(dead(), weakref.getweakrefcount(Node("x")))
try:
    hash(dead)
except TypeError as e:
    print("TypeError", e)


class RaisingCallback:
    def __call__(self, w):
        raise ValueError("ignored")

    def __repr__(self):
        return "<raising callback>"


raising_callback = RaisingCallback()


x = Node("x")
rx = weakref.ref(x, raising_callback)
print(rx.__callback__ is raising_callback)
del x
print("after raising callback", rx())
