# Loops over `__slots__` members and integer `//` and `%` (both compiled without the
# generic attribute and operator paths): results, guards failing mid-loop (another
# class, a subclass with its own layout, a class changed while the loop runs, a
# deleted member, floats and big ints among the operands), and an uncaught error
# raised inside an inlined method (its traceback names every frame).


class P:
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def scale(self, k):
        self.x *= k
        self.y = self.y * k
        self.z /= k

    def maximize(self, other):
        self.x = self.x if self.x > other.x else other.x
        self.y = self.y if self.y > other.y else other.y
        self.z = self.z if self.z > other.z else other.z
        self.x = self.x if self.x > other.x else other.x
        self.y = self.y if self.y > other.y else other.y
        self.z = self.z if self.z > other.z else other.z
        return self


class Q(P):
    __slots__ = ("w",)


class Plain:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


def total(points):
    t = 0.0
    for p in points:
        t += p.x + p.y * 2 - p.z
    return t


def scale_all(points, k):
    for p in points:
        p.scale(k)


def best(points):
    b = points[0]
    for p in points[1:]:
        b = b.maximize(p)
    return (b.x, b.y, b.z)


pts = [P(float(i), i * 0.5, 1.0 + i) for i in range(600)]
print("total", total(pts))
scale_all(pts, 2.0)
print("scaled", total(pts), pts[7].x, pts[7].y, pts[7].z)
print("best", best(pts))

# Another class, then a subclass, then a dict-based class with the same names.
mixed = pts[:400] + [Q(1.0, 2.0, 3.0) for _ in range(50)] + [Plain(1, 2, 3)] * 50
print("mixed", total(mixed))
q = Q(5.0, 6.0, 7.0)
q.w = 9
print("q", q.x, q.y, q.z, q.w)

# The class gets a property while a loop reads its members (its version changes).
def watch(points, n):
    t = 0.0
    for i in range(n):
        p = points[i % len(points)]
        if i == n // 2:
            P.extra = property(lambda self: 1)
        t += p.x
    return t


print("watch", watch(pts, 900))

# A member deleted mid-loop: AttributeError raised where the loop reads it.
def read_all(points):
    out = []
    for p in points:
        out.append(p.y)
    return len(out)


del pts[300].y
try:
    read_all(pts)
except AttributeError as e:
    print("AttributeError:", e)
pts[300].y = 1.0


# Integer floor division and modulo: signs, zero divisors, big ints.
def divmods(n, d):
    a = 0
    b = 0
    for i in range(-n, n):
        a += i // d
        b += i % d
        a += (i * 7) // (d - 13)
        b -= (i * 7) % (d - 13)
    return a, b


print("divmods", divmods(700, 5), divmods(700, -3), divmods(300, 13 + 4))
try:
    divmods(300, 13)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)


def floors(values, d):
    out = []
    for v in values:
        out.append(v // d)
        out.append(v % d)
    return out


vals = list(range(-500, 500, 3)) + [2**70, -(2**70), 7.5, -7.5, True]
print("floors", sum(floors(vals, 7)), floors(vals, -4)[-12:])
print("minint", floors([-(2**63)] * 300, -1)[-2:])
try:
    floors(list(range(600)), 0)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)


# Last: an uncaught error in an inlined method of a slots class.
def rescale(points, ks):
    for i in range(len(ks)):
        points[i % len(points)].scale(ks[i])


rescale(pts, [1.5] * 800 + [0.0])
