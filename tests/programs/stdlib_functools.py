# functools: reduce, partial, wraps/update_wrapper, lru_cache/cache with cache_info, cmp_to_key, total_ordering, cached_property.
import functools
from functools import reduce, partial, wraps, lru_cache, cache, cmp_to_key, total_ordering, cached_property
import operator
print(reduce(operator.add, [1, 2, 3, 4]), reduce(lambda a, b: a * b, range(1, 6)), reduce(operator.add, [], 0), reduce(max, [3, 9, 2]), reduce(operator.concat, ["a", "b"], "x"))
try:
    reduce(operator.add, [])
except TypeError as e:
    print(type(e).__name__, e)
def power(base, exp, *, mod=None):
    return pow(base, exp, mod)
square = partial(power, exp=2)
cube_mod = partial(power, exp=3, mod=7)
print(square(5), cube_mod(4), square.func is power, square.args, square.keywords, partial(partial(max, 1), 5)(3))
p = partial(int, base=2)
print(p("101"), p("11", base=10), repr(partial(max, 1, key=abs)).startswith("functools.partial(<built-in function max>, 1, key="))
try:
    partial(1)
except TypeError as e:
    print(type(e).__name__, e)
def deco(f):
    @wraps(f)
    def inner(*a, **k):
        "inner doc"
        return ("wrapped", f(*a, **k))
    return inner
@deco
def greet(name):
    "Say hello."
    return "hi " + name
print(greet("bob"), greet.__name__, greet.__doc__, greet.__wrapped__("x"), greet.__qualname__)
calls = []
@lru_cache(maxsize=2)
def slow(x):
    calls.append(x)
    return x * x
print([slow(i) for i in [1, 2, 1, 3, 1, 2]], calls, slow.cache_info())
info = slow.cache_info()
print(info.hits, info.misses, info.maxsize, info.currsize, info, tuple(info))
slow.cache_clear()
print(slow.cache_info(), slow.__name__, slow.__wrapped__(4))
@lru_cache
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(80), fib.cache_info())
@cache
def fact(n):
    return 1 if n == 0 else n * fact(n - 1)
print(fact(20), fact.cache_info())
@lru_cache(maxsize=None, typed=True)
def typed(x):
    return type(x).__name__
print(typed(1), typed(1.0), typed(True), typed.cache_info())
@lru_cache(maxsize=0)
def nocache(x):
    return x
print(nocache(1), nocache(1), nocache.cache_info())
@lru_cache()
def kw(a, b=2):
    return a + b
print(kw(1), kw(1, b=2), kw(a=1), kw(1, 2), kw.cache_info())
try:
    slow([1])
except TypeError as e:
    print(type(e).__name__, e)
def compare(a, b):
    return (a > b) - (a < b)
print(sorted([3, 1, 2], key=cmp_to_key(compare)), sorted(["b", "aa", "c"], key=cmp_to_key(lambda a, b: len(a) - len(b))), max([1, 5, 3], key=cmp_to_key(compare)))
@total_ordering
class Version:
    def __init__(self, *parts): self.parts = parts
    def __eq__(self, o): return self.parts == o.parts
    def __lt__(self, o): return self.parts < o.parts
    def __repr__(self): return "V" + ".".join(map(str, self.parts))
a, b = Version(1, 2), Version(1, 10)
print(a < b, a <= b, a > b, a >= b, b >= a, a == Version(1, 2), sorted([b, a, Version(0, 9)]))
try:
    @total_ordering
    class Bad:
        pass
except ValueError as e:
    print(type(e).__name__, e)
class Circle:
    def __init__(self, r):
        self.r = r
        self.computed = 0
    @cached_property
    def area(self):
        self.computed += 1
        return 3 * self.r * self.r
c = Circle(2)
print(c.area, c.area, c.computed, "area" in c.__dict__)
del c.area
print(c.area, c.computed, type(Circle.__dict__["area"]).__name__)
print(functools.reduce is reduce, functools.WRAPPER_ASSIGNMENTS)
@functools.singledispatch
def describe(x):
    return "object"
@describe.register(int)
def _(x):
    return "int %d" % x
@describe.register(list)
def _(x):
    return "list of %d" % len(x)
print(describe(1), describe(True), describe([1, 2]), describe("s"), describe.dispatch(bool).__name__ if False else "", describe.registry[object] is not None)
class Acc:
    def __init__(self): self.total = 0
    def add(self, a, b): self.total += a * b; return self.total
    double = functools.partialmethod(add, 2)
acc = Acc()
print(acc.double(5), acc.double(1), lru_cache(maxsize=3)(abs).cache_parameters())
try:
    lru_cache("x")
except TypeError as e:
    print(type(e).__name__, e)
