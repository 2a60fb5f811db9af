# CPython's functools.py on strand's _functools: lru_cache (stats, typed, maxsize 0/None, cache_clear, wrappers), cache, singledispatch (registration by annotation, MRO and ABC dispatch), singledispatchmethod, total_ordering, cached_property, partial/partialmethod, wraps, reduce, cmp_to_key.
import functools
from collections.abc import Sequence, Mapping


@functools.lru_cache(maxsize=2)
def sq(x):
    print("computing", x)
    return x * x


print(sq(2), sq(2), sq(3), sq(4), sq(2))
print(sq.cache_info(), sq.__name__, sq.__wrapped__.__name__, sq.cache_parameters())
sq.cache_clear()
print(sq.cache_info())


@functools.lru_cache(typed=True)
def ident(x):
    return type(x).__name__


print(ident(1), ident(1.0), ident.cache_info().currsize)


@functools.lru_cache(maxsize=0)
def nocache(x):
    return x


nocache(1), nocache(1)
print(nocache.cache_info())


@functools.cache
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(80), fib.cache_info().hits)


@functools.singledispatch
def describe(obj):
    return "object"


@describe.register
def _(obj: int):
    return "int %d" % obj


@describe.register(list)
def _(obj):
    return "list of %d" % len(obj)


@describe.register(Sequence)
def _(obj):
    return "sequence"


@describe.register(Mapping)
def _(obj):
    return "mapping"


class MyInt(int):
    pass


print(describe(1), describe(MyInt(2)), describe([1, 2]), describe((1,)), describe({}), describe(1.5))
print(describe.dispatch(bool).__name__, sorted(k.__name__ for k in describe.registry))


class Shape:
    @functools.singledispatchmethod
    def area(self, arg):
        return "default"

    @area.register
    def _(self, arg: int):
        return "int area"


print(Shape().area(3), Shape().area("x"))


@functools.total_ordering
class Version:
    def __init__(self, n):
        self.n = n

    def __eq__(self, o):
        return self.n == o.n

    def __lt__(self, o):
        return self.n < o.n


a, b = Version(1), Version(2)
print(a < b, a <= b, a > b, a >= b, b >= a, a == Version(1))


class Lazy:
    def __init__(self):
        self.count = 0

    @functools.cached_property
    def value(self):
        self.count += 1
        return self.count * 10


z = Lazy()
print(z.value, z.value, z.count, "value" in z.__dict__)
del z.value
print(z.value)


def power(base, exp):
    return base ** exp


square = functools.partial(power, exp=2)
print(square(5), square.func is power, square.keywords, repr(functools.partial(power, 2))[:26])


class Cell:
    def __init__(self):
        self.state = None

    def set_state(self, s):
        self.state = s

    set_on = functools.partialmethod(set_state, True)


cell = Cell()
cell.set_on()
print(cell.state)


def deco(f):
    @functools.wraps(f)
    def wrapper(*a, **k):
        return f(*a, **k)
    return wrapper


@deco
def documented():
    """The doc."""


print(documented.__name__, documented.__doc__, documented.__wrapped__.__name__)
print(functools.reduce(lambda x, y: x * y, range(1, 6)), functools.reduce(lambda x, y: x + y, [], 7))
print(sorted(["b", "A", "c"], key=functools.cmp_to_key(lambda x, y: (x.lower() > y.lower()) - (x.lower() < y.lower()))))
try:
    functools.reduce(lambda x, y: x, [])
except TypeError as e:
    print("TypeError", e)
