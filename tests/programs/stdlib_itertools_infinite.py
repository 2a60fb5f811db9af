# itertools: count, repeat, cycle, accumulate, chain, chain.from_iterable, islice, starmap, tee, zip_longest, pairwise.
from itertools import count, repeat, cycle, accumulate, chain, islice, starmap, tee, zip_longest, pairwise, compress
import operator
print(list(islice(count(), 5)), list(islice(count(10, 3), 4)), list(islice(count(1.5, 0.5), 3)), list(islice(count(5, -2), 4)))
c = count(3)
print(next(c), next(c), repr(c), repr(count(1, 2)), repr(count(2.5)))
print(list(repeat("x", 3)), list(repeat(None, 0)), list(islice(repeat(7), 4)), repr(repeat(1, 2)), list(repeat(1, -5)))
print(list(islice(cycle("abc"), 8)), list(cycle([])), list(islice(cycle(range(2)), 5)))
print(list(accumulate([1, 2, 3, 4])), list(accumulate([1, 2, 3, 4], operator.mul)), list(accumulate([3, 1, 4, 1, 5], max)),
      list(accumulate([1, 2, 3], initial=100)), list(accumulate([])), list(accumulate([], initial=0)), list(accumulate("abc")))
print(list(chain("ab", [1, 2], (3,), range(2))), list(chain()), list(chain.from_iterable(["xy", "z", []])), list(chain.from_iterable([[1], [2, [3]]])))
print(list(islice("abcdefg", 3)), list(islice("abcdefg", 2, 5)), list(islice("abcdefg", 1, None, 2)), list(islice("abc", 10)), list(islice(range(10), 0, 10, 3)))
for bad in [(-1,), (0, -1), (0, 5, 0), ("a",)]:
    try:
        islice("abc", *bad)
    except ValueError as e:
        print(type(e).__name__, e)
it = iter(range(10))
print(list(islice(it, 3)), next(it), list(islice(it, 2, 4)), list(it))
print(list(starmap(pow, [(2, 3), (3, 2), (10, 0)])), list(starmap(lambda *a: sum(a), [(1, 2, 3), ()])))
a, b = tee(iter([1, 2, 3]))
print(list(a), list(b))
x, y, z = tee("ab", 3)
print(next(x), list(y), list(x), list(z))
print(list(zip_longest("abc", [1])), list(zip_longest("ab", "xyz", fillvalue="-")), list(zip_longest()), list(zip_longest([1], [], [2, 3])))
print(list(pairwise("abcd")), list(pairwise([1])), list(pairwise([])), list(pairwise(range(4))))
print(list(compress("abcdef", [1, 0, 1, 0, 1, 1])), list(compress(range(10), [True, False] * 5)), list(compress("ab", [1, 1, 1])))
gen = (i * i for i in count())
print(list(islice(gen, 4)), next(gen))
print(list(zip(count(), "abc")), dict(zip("xyz", count(1))), list(map(operator.add, count(), [10, 20])))
