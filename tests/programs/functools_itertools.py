# functools, itertools and operator.
import functools, itertools, operator
from functools import reduce, partial, lru_cache, wraps, cmp_to_key
print(reduce(operator.add, range(10)), partial(pow, 2)(10), sorted([3, 1, 2], key=cmp_to_key(lambda a, b: b - a)))
@lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(80), fib.cache_info())
def deco(f):
    @wraps(f)
    def inner(*a):
        return f(*a) * 2
    return inner
@deco
def seven():
    "doc"
    return 7
print(seven(), seven.__name__, seven.__doc__)
print(list(itertools.islice(itertools.count(5, 2), 4)), list(itertools.chain([1], (2, 3))), list(itertools.product("ab", repeat=2)))
print(list(itertools.permutations(range(3), 2)), list(itertools.combinations("abcd", 2)), list(itertools.accumulate([1, 2, 3, 4])))
print(list(itertools.zip_longest("ab", "xyz", fillvalue="-")), [(k, list(g)) for k, g in itertools.groupby("aabbbc")])
print(operator.itemgetter(1)([5, 6]), operator.attrgetter("real")(3), list(map(operator.mul, [1, 2], [3, 4])), operator.methodcaller("upper")("x"))
