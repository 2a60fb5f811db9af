# Instance creation in compiled loops: `Cls(args)` whose `__init__` the trace inlines
# (the instance is made by a helper, `__init__` runs as an inlined call). Results,
# guards failing inside `__init__` (argument types change mid-loop), the class
# changed while the loop runs, `__init__` returning something other than None,
# exceptions raised inside `__init__` (caught, and last an uncaught one whose
# traceback names every frame).
import math


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y * 2

    def norm(self):
        return math.sqrt(self.x * self.x + self.y * self.y)


class Point:
    __slots__ = ("x", "y", "z")

    def __init__(self, i):
        self.x = x = math.sin(i)
        self.y = math.cos(i) * 3
        self.z = (x * x) / 2


class Pair:
    def __init__(self, a, b):
        self.first = Vec(a, b)
        self.second = Vec(b, a)


def make_vecs(n):
    out = []
    for i in range(n):
        out.append(Vec(i, i + 1))
    return out


def make_points(n):
    points = [None] * n
    for i in range(n):
        points[i] = Point(i)
    return points


vs = make_vecs(700)
print("vecs", len(vs), vs[10].x, vs[10].y, round(sum(v.norm() for v in vs), 6))
ps = make_points(700)
print("points", round(sum(p.x + p.y + p.z for p in ps), 9))


def pairs(n):
    t = 0
    for i in range(n):
        p = Pair(i, -i)
        t += p.first.y + p.second.y
    return t


print("pairs", pairs(600))


# Argument types change mid-loop: ints, then floats, then strs (y * 2 repeats them).
def mixed(items):
    out = []
    for a in items:
        out.append(Vec(a, a).y)
    return out


r = mixed(list(range(400)) + [1.5] * 20 + ["ab"] * 5)
print("mixed", r[-30:], sum(x for x in r if not isinstance(x, str)))

# An exception inside `__init__`, caught by the loop's caller.
try:
    mixed(list(range(500)) + [None])
except TypeError as e:
    print("TypeError:", e)


# The class is changed while the loop makes instances: a new `__init__`, then a
# `__new__` of its own.
def remake(n):
    out = []
    for i in range(n):
        if i == n // 3:
            def init2(self, x, y):
                self.x = -x
                self.y = -y
            Vec.__init__ = init2
        if i == 2 * n // 3:
            Vec.__new__ = lambda cls, x, y: object.__new__(cls)
        out.append(Vec(i, 1).x)
    return out


r = remake(900)
print("remake", r[:3], r[299:302], r[-3:], sum(r))


class Odd:
    def __init__(self, v):
        self.v = v
        if v > 500:
            return v


def odds(n):
    t = 0
    for i in range(n):
        t += Odd(i).v
    return t


print("odds", odds(500))
try:
    odds(800)
except TypeError as e:
    print("TypeError:", e)


class Checked:
    def __init__(self, a, b):
        self.q = a / b


# Last: ZeroDivisionError raised inside an inlined `__init__`, uncaught.
def ratios(n):
    t = 0.0
    for i in range(n):
        t += Checked(1.0, 600 - i).q
    return t


ratios(1000)
