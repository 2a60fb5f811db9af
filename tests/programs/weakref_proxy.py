# weakref.proxy: forwarding attributes and operators; ReferenceError after death.
import weakref


class Vec:
    def __init__(self, *xs):
        self.xs = list(xs)

    def __len__(self):
        return len(self.xs)

    def __getitem__(self, i):
        return self.xs[i]

    def __iter__(self):
        return iter(self.xs)

    def __add__(self, other):
        return Vec(*[a + other for a in self.xs])

    def __eq__(self, other):
        return isinstance(other, Vec) and other.xs == self.xs

    def __str__(self):
        return "Vec%r" % (tuple(self.xs),)

    def total(self):
        return sum(self.xs)


v = Vec(1, 2, 3)
p = weakref.proxy(v)
print(p.total(), len(p), p[1], list(p), 2 in p, str(p), (p + 1).xs, p == Vec(1, 2, 3))
print(type(p).__name__, isinstance(p, Vec), p.__class__.__name__, weakref.getweakrefcount(v))
p.extra = "set through proxy"
print(v.extra)
del p.extra
print(hasattr(v, "extra"))
try:
    hash(p)
except TypeError:
    print("proxies are unhashable")

called = []
p2 = weakref.proxy(v, lambda pr: called.append("proxy callback"))
del v
print(called)
for action in [lambda: p.total(), lambda: len(p), lambda: str(p), lambda: p.xs]:
    try:
        action()
    except ReferenceError as e:
        print("ReferenceError", e)


def greet(name):
    return "hello " + name


class Greeter:
    def __call__(self, who):
        return "hi " + who


g = Greeter()
cp = weakref.proxy(g)
print(cp("there"), type(cp).__name__, callable(cp))
print(weakref.ProxyTypes == (weakref.ProxyType, weakref.CallableProxyType))
