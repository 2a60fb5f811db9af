# Instance attributes of plain classes live inline in the object until a __dict__ is
# needed: orders of assignment, more attributes than the shared keys hold, deletion,
# __dict__ materialization and identity, __dict__ assignment, vars(), __class__
# assignment, pickle/copy, weak references, and specialized loads/stores on
# instances before and after their dict is materialized.
import copy
import gc
import pickle
import weakref


class P:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm1(self):
        return abs(self.x) + abs(self.y)


def loop_reads(objs):
    # A hot site: specialized LOAD_ATTR_INSTANCE_VALUE / method loads.
    total = 0
    for _ in range(30):
        for o in objs:
            total += o.x * 3 + o.y + o.norm1()
    return total


def loop_writes(objs):
    for i in range(30):
        for o in objs:
            o.x = o.x + 1
            o.y = i


pts = [P(i, -i) for i in range(50)]
print("reads", loop_reads(pts))
loop_writes(pts)
print("after writes", [vars(p) for p in pts[:3]])

# Different assignment orders share the keys but keep each instance's order.
a = P(1, 2)
b = P.__new__(P)
b.y = 20
b.x = 10
b.extra = "e"
print(list(vars(a)), list(vars(b)), a.norm1(), b.norm1())

# Materialize some instances in the middle of a hot loop.
for i, p in enumerate(pts):
    if i % 3 == 0:
        p.__dict__["z"] = i
print("mixed reads", loop_reads(pts), sum(getattr(p, "z", 0) for p in pts))
loop_writes(pts)
print("mixed writes", [vars(p) for p in pts[:4]])

# __dict__ identity is stable once materialized, and it sees later stores.
d = a.__dict__
a.w = 5
print(d is a.__dict__, d, a.__dict__ is vars(a))
d["v"] = 6
print(a.v, sorted(dir(a))[-5:])

# More attributes than the shared keys take (and than any inline capacity).
class Wide:
    pass


objs = []
for n in range(3):
    o = Wide()
    for i in range(45):
        setattr(o, "a%d" % ((i * 7 + n) % 45), i)
    objs.append(o)
print([sum(getattr(o, "a%d" % i) for i in range(45)) for o in objs])
print([list(vars(o))[:5] for o in objs])

# Deletion: inline, repeated, missing, then re-adding changes the order.
c = P(1, 2)
c.z = 3
del c.x
print(vars(c), hasattr(c, "x"))
try:
    del c.x
except AttributeError as e:
    print("AttributeError", e)
try:
    c.x
except AttributeError as e:
    print("AttributeError", e)
c.x = 9
print(vars(c), c.norm1())
del c.y, c.z, c.x
print(vars(c), c.__dict__ == {})

# __dict__ assignment replaces the inline values.
e = P(1, 2)
e.__dict__ = {"y": 7, "q": 8}
print(e.y, e.q, hasattr(e, "x"), vars(e))
try:
    e.__dict__ = [1]
except TypeError as err:
    print("TypeError", err)
try:
    del e.__dict__
    print("deleted", vars(e))
except TypeError as err:
    print("TypeError", err)

# Non-str and str-subclass names go through a real dict.
class S(str):
    pass


f = P(1, 2)
setattr(f, S("x"), 11)
f.__dict__[3] = "three"
print(f.x, f.__dict__)

# __class__ assignment between compatible layouts.
class Q(P):
    def norm1(self):
        return "Q" + str(self.x)


g = P(4, 5)
g.__class__ = Q
print(type(g).__name__, vars(g), g.norm1())
g.__class__ = P
print(type(g).__name__, g.norm1())


class Slotted:
    __slots__ = ("x", "y")


try:
    g.__class__ = Slotted
except TypeError as err:
    print("TypeError", err)

# Subclasses of builtins keep their managed dict.
class L(list):
    pass


class D(dict):
    pass


class I(int):
    pass


lst, dd, ii = L([1]), D(a=1), I(5)
lst.tag, dd.tag, ii.tag = "l", "d", "i"
print(lst, lst.tag, vars(lst), dd, dd.tag, ii, ii.tag, vars(ii))

# __slots__ with __dict__.
class SD:
    __slots__ = ("s", "__dict__")


sd = SD()
sd.s = 1
sd.t = 2
print(sd.s, sd.t, vars(sd))

# pickle and copy.
h = Q(3, 4)
h.more = [1, 2]
h2 = pickle.loads(pickle.dumps(h))
h3 = copy.deepcopy(h)
h4 = copy.copy(P(8, 9))
print(type(h2).__name__, vars(h2), vars(h3), h3.more is not h.more, vars(h4))

# Weak references and cycles through inline attributes.
class Node:
    pass


def make_cycle():
    n1, n2 = Node(), Node()
    n1.other = n2
    n2.other = n1
    n1.payload = [n1]
    return weakref.ref(n1), weakref.ref(n2)


refs = [make_cycle() for _ in range(20)]
gc.collect()
print("cycles collected", all(r1() is None and r2() is None for r1, r2 in refs))

dead = []


class Fin:
    def __del__(self):
        dead.append(self.name)


k = Fin()
k.name = "k"
k.self_ref = k
wk = weakref.ref(k)
del k
gc.collect()
print("finalized", dead, wk())

# getattr/setattr/hasattr/delattr builtins and attribute errors on fresh objects.
m = P.__new__(P)
print(hasattr(m, "x"), getattr(m, "x", "default"), vars(m))
setattr(m, "x", 1)
delattr(m, "x")
print(vars(m))
try:
    m.norm1()
except AttributeError as err:
    print("AttributeError", err)

# Method shadowed by an instance attribute after specialization.
def call_norm(objs):
    return [o.norm1() for o in objs]


objs = [P(i, i) for i in range(5)]
for _ in range(20):
    r = call_norm(objs)
objs[2].norm1 = lambda: "shadow"
print(call_norm(objs))
print(call_norm([P(1, 1)]))
