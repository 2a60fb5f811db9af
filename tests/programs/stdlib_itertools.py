# itertools, all native: every function's results, laziness, reprs, threading of a
# shared count, and CPython's argument errors.
import itertools as it
import threading


def show(f, *a, **k):
    try:
        r = f(*a, **k)
        if type(r).__module__ == "itertools" and not isinstance(r, it._tee):
            r = list(it.islice(r, 12))
        print("ok", repr(r))
    except Exception as e:
        print(type(e).__name__, e)


print(list(it.islice(it.count(), 5)), list(it.islice(it.count(10, -3), 4)),
      list(it.islice(it.count(1.5, 0.25), 3)), list(it.islice(it.count(True), 3)),
      list(it.islice(it.count(True, 2), 3)), list(it.islice(it.count(2**64, 2**63), 2)))
c = it.count(5)
next(c)
print(repr(c), repr(it.count(5, 2)), repr(it.count(1, 1.0)), repr(it.count()),
      repr(it.count(True)), repr(it.count(1.5)), c.__reduce__(), it.count(3, 2).__reduce__())
print(list(it.islice(it.cycle("abc"), 8)), list(it.cycle([])))
print(list(it.repeat("x", 3)), list(it.islice(it.repeat(0), 4)), list(it.repeat(1, -2)),
      repr(it.repeat(5)), repr(it.repeat(5, 3)), it.repeat(5, 4).__length_hint__(),
      it.repeat(1, 2).__reduce__())
print(list(it.accumulate([1, 2, 3, 4])), list(it.accumulate([1, 2, 3], initial=10)),
      list(it.accumulate([3, 1, 4, 1, 5], max)), list(it.accumulate([], initial=0)),
      list(it.accumulate("abc")), list(it.accumulate([2, 3], func=lambda a, b: a * b)))
print(list(it.chain("ab", [1, 2], ())), list(it.chain.from_iterable(["xy", "z"])),
      list(it.chain()), it.chain[int])
print(list(it.compress("abcdef", [1, 0, 1, 0, 1, 1])), list(it.compress("abc", [1])))
print(list(it.dropwhile(lambda x: x < 3, [1, 2, 3, 1, 5])),
      list(it.takewhile(lambda x: x < 3, [1, 2, 3, 1, 5])),
      list(it.filterfalse(lambda x: x % 2, range(8))), list(it.filterfalse(None, [0, 1, "", "a"])))
print([(k, list(g)) for k, g in it.groupby("aaabccdaa")],
      [(k, list(g)) for k, g in it.groupby([1, 3, 2, 4, 5], key=lambda x: x % 2)])
gb = it.groupby("aabbc")
k1, g1 = next(gb)
k2, g2 = next(gb)
print(k1, list(g1), k2, list(g2), type(g2).__name__, [(k, "".join(g)) for k, g in gb])
gb = it.groupby("aab")
_, first = next(gb)
print(next(first), [k for k, _ in gb], list(first))
print(list(it.islice("abcdefg", 2)), list(it.islice("abcdefg", 2, 4)),
      list(it.islice("abcdefg", 2, None)), list(it.islice("abcdefg", 0, None, 2)),
      list(it.islice("abcdefg", 1, 6, 3)), list(it.islice("abc", None)),
      list(it.islice("abc", 5, 10)))
src = iter(range(10))
print(list(it.islice(src, 2, 4)), next(src))
print(list(it.pairwise("abcd")), list(it.pairwise("a")), list(it.pairwise([])))
print(list(it.starmap(pow, [(2, 3), (3, 2)])), list(it.starmap(max, [[1, 5], "ab"])))
print(list(it.zip_longest("ab", [1, 2, 3])), list(it.zip_longest("ab", "c", fillvalue="-")),
      list(it.zip_longest()))
print(list(it.product("ab", repeat=2)), list(it.product("ab", [1, 2])), list(it.product()),
      list(it.product("ab", [])), list(it.product([1, 2], repeat=0)))
print(list(it.permutations("abc")), list(it.permutations("abcd", 2)),
      list(it.permutations("ab", 3)), list(it.permutations([], 0)))
print(list(it.combinations("abcd", 2)), list(it.combinations("abc", 0)),
      list(it.combinations("ab", 3)), len(list(it.combinations(range(10), 4))))
print(list(it.combinations_with_replacement("abc", 2)),
      list(it.combinations_with_replacement("", 0)),
      list(it.combinations_with_replacement("", 2)))
a, b = it.tee(iter(range(200)))
print(next(a), next(a), list(it.islice(b, 3)), sum(a), sum(b))
a, b, c = it.tee("xyz", 3)
print(list(a), list(b), list(c), type(a).__name__, it.tee([1], 0))
x, y = it.tee(it.count())
x2, = it.tee(x, 1)
print(next(x), next(x2), next(y), next(x.__copy__()))

# Laziness: nothing is read until asked for.
pulled = []


def gen():
    for i in range(5):
        pulled.append(i)
        yield i


ch = it.chain(gen())
print(pulled, next(ch), pulled)

# A shared count hands out distinct numbers across threads.
ids = it.count()
seen = []
lock = threading.Lock()


def work():
    got = [next(ids) for _ in range(2000)]
    with lock:
        seen.extend(got)


ts = [threading.Thread(target=work) for _ in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(seen), len(set(seen)), max(seen))

# Errors.
show(it.count, "x")
show(it.count, 1, "x")
show(it.count, 1, 2, 3)
show(it.count, x=1)
show(it.count, start=3, step=2)
show(it.repeat)
show(it.repeat, 1, "x")
show(it.repeat(5).__length_hint__)
show(it.islice, [1])
show(it.islice, [1], "x")
show(it.islice, [1], -1)
show(it.islice, [1], 0, -1)
show(it.islice, [1], 0, 5, 0)
show(it.islice, [1], 1, 2, 3, 4)
show(it.islice, 5, 1)
show(it.islice, "abc", None, None, None)
show(lambda: list(it.chain(5)))
show(lambda: list(it.chain.from_iterable([5])))
show(it.chain, x=1)
show(it.tee, [1], -1)
show(it.tee, 5)
show(it.product, [1], repeat=-1)
show(it.product, [1], x=1)
show(it.product, 5)
show(it.permutations, [1], -1)
show(it.combinations, [1], -1)
show(it.combinations, [1])
show(it.combinations_with_replacement, [1], -1)
show(it.combinations_with_replacement, "ab")
show(it.zip_longest, [1], x=1)
show(it.zip_longest, 5)
show(it.accumulate, [1], x=1)
show(it.groupby, 5)
show(it.starmap, len, 5)
show(lambda: list(it.starmap(pow, [5])))
show(it.pairwise, 5)
show(it.compress, [1])
show(it.compress, [1], [1], [1])
show(it.dropwhile, len)
show(it.filterfalse, len)
show(it.cycle, 5)
show(it.cycle)


def reenter():
    return next(t1)


t1, t2 = it.tee(iter([1, 2]))
print(it.count.__module__, type(it.groupby("a")).__name__, isinstance(it.count(), it.count))


class MyCount(it.count):
    pass


print(repr(MyCount(3)), next(MyCount(3, 2)))
