# __slots__: no instance dict, AttributeError on unknown attributes, inheritance, descriptors.
class P:
    __slots__ = ("x", "y")
    def __init__(self, x, y):
        self.x = x
        self.y = y

p = P(1, 2)
print(p.x, p.y, hasattr(p, "__dict__"))
try:
    p.z = 3
except AttributeError as e:
    print("AttributeError:", e)
del p.x
try:
    p.x
except AttributeError as e:
    print("AttributeError:", e)
p.x = 10
print(p.x)
print(type(P.x).__name__, P.__slots__)

class Q(P):
    __slots__ = ("z",)

q = Q(1, 2)
q.z = 3
print(q.x, q.y, q.z, hasattr(q, "__dict__"))

class R(P):
    pass

r = R(5, 6)
r.anything = "ok"
print(r.anything, sorted(r.__dict__))

class WithDictSlot:
    __slots__ = ("a", "__dict__")

w = WithDictSlot()
w.a = 1
w.b = 2
print(w.a, w.b, w.__dict__)

class Single:
    __slots__ = "only"

s = Single()
s.only = "one"
print(s.only)
try:
    s.other = 1
except AttributeError as e:
    print("AttributeError:", e)

try:
    class Conflict:
        __slots__ = ("v",)
        v = 1
except ValueError as e:
    print("ValueError:", e)

class Empty:
    __slots__ = ()
try:
    Empty().q = 1
except AttributeError as e:
    print("AttributeError:", e)
