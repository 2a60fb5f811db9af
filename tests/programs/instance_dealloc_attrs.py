# Instances freed with their attribute tables: every attribute value is released
# exactly once (also after attributes were deleted and re-added, and with more
# attributes than fit inline), and a class whose __init__ changes while a call site
# that creates its instances is specialized still runs the current __init__.
freed = []


class Tracked:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        freed.append(self.name)


class Many:
    def __init__(self, n):
        for i in range(n):
            setattr(self, "a%d" % i, Tracked("a%d" % i))


def cycle(n, delete=()):
    freed.clear()
    o = Many(n)
    for name in delete:
        delattr(o, name)
    del o
    return sorted(freed, key=lambda s: int(s[1:]))


print(cycle(3))
print(cycle(20))
print(cycle(25, delete=["a0", "a7", "a24"]))
print(len(cycle(40)))

# Delete and re-add: the re-added value is released, the deleted one at once.
freed.clear()
o = Many(4)
o.a1 = Tracked("x1")
print(freed)
del o.a2
print(freed)
o.a2 = Tracked("x2")
del o
print(sorted(freed))


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


def make(n):
    return [Point(i, i + 1) for i in range(n)]


ps = make(100)
print(sum(p.x + p.y for p in ps))


def init3(self, x, y):
    self.x = x * 3
    self.y = y * 3


Point.__init__ = init3
ps = make(100)
print(sum(p.x + p.y for p in ps))


class Callable:
    def __call__(self, obj, x, y):
        obj.x = -x
        obj.y = -y


Point.__init__ = lambda self, x, y: Callable()(self, x, y)
ps = make(10)
print([p.x for p in ps])
del Point.__init__
try:
    make(1)
except TypeError as e:
    print("TypeError:", e)
