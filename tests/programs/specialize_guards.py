# The specializing interpreter caches attribute and global lookups; every cached
# assumption must be checked again when the program changes what it relies on.
import math
import threading


class Point:
    kind = "point"

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm(self):
        return abs(self.x) + abs(self.y)


def read_x(objs):
    return [o.x for o in objs]


def call_norm(objs):
    return [o.norm() for o in objs]


pts = [Point(i, -i) for i in range(5)]
for _ in range(3):
    print(read_x(pts), call_norm(pts))

# An instance attribute shadows the method for one object only.
pts[2].norm = lambda: "shadowed"
print(call_norm(pts))
del pts[2].norm
print(call_norm(pts))

# The method changes on the class: every specialized call site must notice.
Point.norm = lambda self: self.x * 100
print(call_norm(pts))

# A class attribute read through the class, then replaced.
def kind_of():
    return Point.kind
for _ in range(3):
    kind_of()
print(kind_of())
Point.kind = "changed"
print(kind_of())

# Polymorphic site: different classes at the same instruction.
class Other:
    def __init__(self):
        self.x = "other-x"
    def norm(self):
        return "other-norm"
mixed = [Point(1, 2), Other(), Point(3, 4), Other()]
for _ in range(3):
    print(read_x(mixed), call_norm(mixed))

# __class__ assignment changes the type an instance answers to.
p = Point(7, 8)
for _ in range(3):
    read_x([p])
p.__class__ = Other
print(call_norm([p]), read_x([p]))

# Attribute deleted, then missing.
q = Point(1, 1)
for _ in range(3):
    read_x([q])
del q.x
try:
    read_x([q])
except AttributeError as e:
    print("AttributeError:", e)

# Globals redefined; a builtin shadowed by a global and unshadowed again.
def use_globals():
    return helper(2) + len("abc")
def helper(v):
    return v * 10
for _ in range(3):
    print(use_globals())
def helper(v):
    return v * 1000
print(use_globals())
len = lambda s: 99
print(use_globals())
del len
print(use_globals())

# Module attributes replaced.
def root():
    return math.sqrt(16.0)
for _ in range(3):
    root()
real_sqrt = math.sqrt
math.sqrt = lambda v: "patched"
print(root())
math.sqrt = real_sqrt
print(root())

# Attribute stores: existing attribute, new attribute, property setter added later.
class Box:
    def __init__(self):
        self.v = 0
def bump(b):
    b.v = b.v + 1
    return b.v
b = Box()
for _ in range(5):
    bump(b)
print(b.v)
Box.v = property(lambda self: "prop", lambda self, val: None)
try:
    print(bump(b))
except Exception as e:
    print(type(e).__name__, e)
print(b.__dict__)

# Many threads specializing the same code at once.
counts = []
lock = threading.Lock()
def work(k):
    total = 0
    objs = [Point(i, k) for i in range(50)]
    for _ in range(200):
        for o in objs:
            total += o.x + o.y
    with lock:
        counts.append(total)
threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(counts))
