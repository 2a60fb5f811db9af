# Side traces of exits inside inlined calls: a loop whose inlined callee takes
# another branch, meets another type or another class for many items (the side trace
# starts inside the callee, with its locals and stack taken from the exit), nested
# inlined calls, inlined __init__, exceptions raised on the side trace's path (the
# traceback shows the callee's frame), and locals unbound at the exit.
import traceback


def classify(x):
    if x % 3 == 0:
        return x * 2
    return x + 1


def sum_classified(n):
    t = 0
    for i in range(n):
        t += classify(i)
    return t


print("classified", sum_classified(3000))


def scale(x, k):
    y = x * k
    if y > 100:
        y = y - 100
    return y


def outer(x):
    z = scale(x, 3) + 1
    return z


def nested(xs):
    t = 0
    for x in xs:
        t += outer(x)
    return t


print("nested ints", nested(list(range(2000))))
print("nested floats", nested([0.5 * i for i in range(2000)]))
print("nested mixed", nested([i if i % 2 else i + 0.25 for i in range(2000)]))


class Circle:
    def __init__(self, r):
        self.r = r

    def area(self):
        return 3 * self.r * self.r


class Square:
    def __init__(self, s):
        self.s = s

    def area(self):
        return self.s * self.s


class Tri:
    def __init__(self, b, h):
        self.b = b
        self.h = h

    def area(self):
        return self.b * self.h // 2


def measure(shape):
    a = shape.area()
    if a > 50:
        return a - 50
    return a


def total_area(shapes):
    t = 0
    for s in shapes:
        t += measure(s)
    return t


shapes = []
for i in range(3000):
    k = i % 7
    if k < 4:
        shapes.append(Square(i % 11))
    elif k < 6:
        shapes.append(Circle(i % 5))
    else:
        shapes.append(Tri(i % 9, 4))
print("areas", total_area(shapes))


class Point:
    def __init__(self, x, y):
        if x < 0:
            x = -x
        self.x = x
        self.y = y


def make_points(n):
    t = 0
    for i in range(n):
        p = Point(i - n // 2, i)
        t += p.x + p.y
    return t


print("points", make_points(3000))


def maybe_unbound(x):
    if x > 5:
        late = x * 2
    else:
        late = -x
    return late


def unbound_loop(n):
    t = 0
    for i in range(n):
        t += maybe_unbound(i % 10)
    return t


print("unbound", unbound_loop(3000))


def risky(x):
    if x > 2500:
        return 10 // (x - x)
    if x % 2:
        return x
    return -x


def run_risky(n):
    t = 0
    for i in range(n):
        t += risky(i)
    return t


try:
    run_risky(3000)
except ZeroDivisionError:
    tb = traceback.format_exc().splitlines()
    print("risky", tb[-1], [line.strip() for line in tb if line.strip().startswith("return")])


def string_or_int(x):
    if isinstance(x, str):
        return len(x)
    return x


def mixed_kinds(items):
    t = 0
    for x in items:
        t += string_or_int(x)
    return t


print("kinds", mixed_kinds([i if i % 4 else "ab" * (i % 5) for i in range(3000)]))
