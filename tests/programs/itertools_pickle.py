# copy.copy, copy.deepcopy and pickle (every protocol) of each itertools type at
# several points of its iteration, exhausted included; the __reduce__ values and
# the __setstate__ rules (CPython 3.11's pickling protocol).
import copy
import itertools as it
import operator
import pickle
import weakref


def take(n, iterator):
    return list(it.islice(iterator, n))


def show(value):
    # Groupers print as their values (their repr has an address).
    if isinstance(value, tuple) and len(value) == 2 and type(value[1]) is it._grouper:
        return (value[0], list(value[1]))
    return value


COPIERS = [("copy", copy.copy), ("deepcopy", copy.deepcopy)] + [
    ("pickle%d" % proto, lambda x, proto=proto: pickle.loads(pickle.dumps(x, proto)))
    for proto in range(pickle.HIGHEST_PROTOCOL + 1)
]


def check(name, make, steps=(0, 1, 2, 100), n=6):
    # Each copier gets its own object, advanced `step` times; the copy's values
    # come first, then the original's (which a shallow copy may share input with).
    for step in steps:
        want = str([show(x) for x in take(n, advance(make(), step))])
        results = {}
        for how, copier in COPIERS:
            orig = advance(make(), step)
            dup = copier(orig)
            got = str([show(x) for x in take(n, dup)])
            rest = str([show(x) for x in take(n, orig)])
            results.setdefault((got, rest), []).append(how)
        for (got, rest), hows in sorted(results.items()):
            mark = "ok" if got == want else "DIFFERS"
            print(name, step, mark, got, "then", rest, ",".join(hows))


def advance(iterator, k):
    for _ in range(k):
        if next(iterator, StopIteration) is StopIteration:
            break
    return iterator


def key_mod3(x):
    return x % 3


def is_small(x):
    return x < 5


def to_none(a, b):
    return None


def add_mul(a, b):
    return a * 10 + b


check("cycle", lambda: it.cycle("abc"))
check("cycle-empty", lambda: it.cycle(""))
check("cycle-iter", lambda: it.cycle(iter("abcde")), steps=(2, 5, 7))
check("repeat", lambda: it.repeat("x", 4))
check("repeat-forever", lambda: it.repeat(7))
check("count", lambda: it.count(3, 2))
check("accumulate", lambda: it.accumulate([1, 2, 3, 4, 5]))
check("accumulate-func", lambda: it.accumulate([1, 2, 3, 4], operator.mul))
check("accumulate-initial", lambda: it.accumulate([1, 2, 3], initial=100))
check("accumulate-none-total", lambda: it.accumulate([1, 2, 3], to_none))
check("chain", lambda: it.chain("ab", "", "cde", [1, 2]))
check("chain-from-iterable", lambda: it.chain.from_iterable(["xy", "z"]))
check("compress", lambda: it.compress("abcdef", [1, 0, 1, 1, 0, 1]))
check("dropwhile", lambda: it.dropwhile(is_small, [1, 3, 6, 2, 8, 1]))
check("takewhile", lambda: it.takewhile(is_small, [1, 3, 6, 2, 8, 1]))
check("filterfalse", lambda: it.filterfalse(is_small, [1, 7, 3, 9, 10]))
check("filterfalse-none", lambda: it.filterfalse(None, [0, 1, "", "a", None]))
check("starmap", lambda: it.starmap(add_mul, [(1, 2), (3, 4), (5, 6)]))
check("islice", lambda: it.islice("abcdefghij", 1, 8, 2))
check("islice-stop", lambda: it.islice(it.count(), 4))
check("islice-open", lambda: it.islice("abcdef", 2, None))
check("zip_longest", lambda: it.zip_longest("ab", "cdef", [1], fillvalue="-"))
check("zip_longest-none", lambda: it.zip_longest("abc", "d"))
check("product", lambda: it.product("ab", range(3)))
check("product-repeat", lambda: it.product([0, 1], repeat=3))
check("product-empty-pool", lambda: it.product("ab", ""))
check("product-no-pools", lambda: it.product())
check("permutations", lambda: it.permutations("abcd", 2))
check("permutations-full", lambda: it.permutations(range(3)))
check("permutations-r-too-big", lambda: it.permutations("ab", 3))
check("combinations", lambda: it.combinations("abcde", 3))
check("combinations-r0", lambda: it.combinations("abc", 0))
check("combinations-r-too-big", lambda: it.combinations("ab", 3))
check("cwr", lambda: it.combinations_with_replacement("abc", 2))
check("cwr-empty", lambda: it.combinations_with_replacement("", 2))
check("groupby", lambda: it.groupby([1, 1, 4, 2, 5, 5, 3], key_mod3))
check("groupby-nokey", lambda: it.groupby("aabbbc"))


def tee_first():
    a, b = it.tee("abcdefgh")
    next(b)
    return a


def tee_second():
    a, b = it.tee("abcdefgh")
    next(a)
    next(a)
    return b


check("tee-first", tee_first)
check("tee-second", tee_second)
check("tee-long", lambda: it.tee(range(200))[0], steps=(0, 56, 57, 58, 150, 250), n=4)

# A group taken apart from its groupby: only the current group reduces to itself.
g = it.groupby("aaabbc")
k1, g1 = next(g)
print("grouper current", k1, list(copy.deepcopy(g1)), list(pickle.loads(pickle.dumps(g1))))
k2, g2 = next(g)
print("grouper stale", list(copy.deepcopy(g1)), g1.__reduce__()[0] is iter, g1.__reduce__()[1])
print("grouper fresh", k2, list(pickle.loads(pickle.dumps(g2))), list(g2), list(g1))
pair = pickle.loads(pickle.dumps(next(g)))
print("grouper pair", pair[0], list(pair[1]))

# Reduce values.
c = it.cycle("ab")
print(c.__reduce__()[0] is it.cycle, c.__reduce__()[2])
next(c), next(c), next(c)
red = c.__reduce__()
print(red[0] is it.cycle, list(red[1][0]), red[2])
print(it.chain().__reduce__()[0] is it.chain, len(it.chain().__reduce__()[2][0].__reduce__()[1][0]))
ch = it.chain("a", "b")
print(ch.__reduce__()[0] is it.chain, ch.__reduce__()[1], len(ch.__reduce__()[2]))
next(ch)
print(len(ch.__reduce__()[2]))
list(ch)
print(ch.__reduce__()[1:])
print(it.dropwhile(is_small, []).__reduce__()[2], it.takewhile(is_small, []).__reduce__()[2])
isl = it.islice("abcdef", 1, 5, 2)
next(isl)
print(isl.__reduce__()[1][1:], isl.__reduce__()[2])
list(isl)
print(isl.__reduce__()[1][1:], isl.__reduce__()[2])
print(it.product("ab", "c").__reduce__())
pr = it.product("ab", "cd")
next(pr), next(pr)
print(pr.__reduce__())
list(pr)
print(pr.__reduce__())
pm = it.permutations("abc", 2)
next(pm), next(pm), next(pm)
print(pm.__reduce__())
cb = it.combinations("abcd", 2)
next(cb), next(cb)
print(cb.__reduce__())
list(cb)
print(cb.__reduce__())
cw = it.combinations_with_replacement("ab", 3)
next(cw), next(cw)
print(cw.__reduce__())
zl = it.zip_longest("a", "bc", fillvalue=0)
next(zl), next(zl)
print(zl.__reduce__()[1][0], zl.__reduce__()[2])
acc = it.accumulate([1, 2], initial=9)
print(acc.__reduce__()[0] is it.accumulate, acc.__reduce__()[2])
next(acc)
print(acc.__reduce__()[2])
t = it.tee("abc")[0]
print(t.__reduce__()[1], t.__reduce__()[2][1], type(t.__reduce__()[2][0]).__name__)
print(t.__reduce__()[2][0].__reduce__()[1][1:])
next(t)
print(t.__reduce__()[2][0].__reduce__()[1][1:])
print(it.groupby("ab").__reduce__()[1][1], len(it.groupby("ab").__reduce__()))

# __setstate__.
c = it.cycle("defg")
c.__setstate__((list("abc"), 0))
print(take(12, c))
c = it.cycle("defg")
c.__setstate__((list("abcdefg"), 1))
print(take(12, c))
ch = it.chain()
ch.__setstate__((iter(["abc", "de"]), iter("xy")))
print(list(ch))
dw = it.dropwhile(is_small, [1, 2, 8, 1])
dw.__setstate__(True)
print(list(dw))
tw = it.takewhile(is_small, [1, 2, 8, 1])
tw.__setstate__(1)
print(list(tw))
isl = it.islice("abcdefgh", 2, 7)
isl.__setstate__(4)
print(list(isl))
pr = it.product("abc", "xy")
pr.__setstate__((1, 5))
print(list(pr))
pm = it.permutations("abcd", 2)
pm.__setstate__(((3, 2, 1, 0), (1, 1)))
print(list(pm))
cb = it.combinations("abcde", 2)
cb.__setstate__((9, -3))
print(list(cb))
cw = it.combinations_with_replacement("abc", 2)
cw.__setstate__((1, 1))
print(list(cw))
zl = it.zip_longest("a", "bcd")
zl.__setstate__("*")
print(list(zl))
acc = it.accumulate([1, 2, 3])
acc.__setstate__(100)
print(list(acc))
g = it.groupby("aabbb")
g.__setstate__(("z", "z", "y"))
print([(k, list(v)) for k, v in g])
data = it._tee_dataobject(iter("cdef"), list("ab"), None)
t = it.tee("")[0]
t.__setstate__((data, 1))
print(list(t))


def error(f, *args, **kwargs):
    try:
        f(*args, **kwargs)
    except Exception as e:
        print(type(e).__name__, e)
    else:
        print("no error")


error(it.cycle("a").__setstate__, (1,))
error(it.cycle("a").__setstate__, ([], "x"))
error(it.cycle("a").__setstate__, ((), 1))
error(it.cycle("a").__setstate__, [[], 1])
error(it.chain().__setstate__, ())
error(it.chain().__setstate__, (1, 2, 3))
error(it.chain().__setstate__, ([],))
error(it.chain().__setstate__, (iter([]), []))
error(it.chain().__setstate__, 0)
error(it.groupby("a").__setstate__, (1, 2))
error(it.tee("a")[0].__setstate__, (1, 2))
error(it.tee("a")[0].__setstate__, (it._tee_dataobject(iter([]), [], None), 99))
error(it._tee_dataobject, iter([]), (), None)
error(it._tee_dataobject, iter([]), [1], 3)
error(it._tee_dataobject, iter([]), [1] * 58, None)
error(it._grouper, 1, 2)
error(it.product("ab").__setstate__, (1, 2))
error(it.product("ab").__setstate__, ("x",))
error(it.product("ab").__setstate__, [0])
error(it.permutations("ab").__setstate__, ("x",))
error(it.permutations("ab").__setstate__, ([], ()))
error(it.permutations("ab").__setstate__, ((0,), (1, 1)))
error(it.combinations("ab", 1).__setstate__, ("x",))
error(it.combinations("ab", 1).__setstate__, (0, 0))
error(it.islice("ab", 1).__setstate__, "x")
error(it.islice("ab", 1).__setstate__, 2.0)
error(it.accumulate("ab").__setstate__)
error(it.permutations, "ab", "x")
error(it.permutations, "ab", 1.0)
error(it.combinations, "ab", "x")
error(pickle.dumps, it.pairwise([1, 2]))
error(copy.copy, it.pairwise([1, 2]))

# Length hints, keywords in subclasses, weak references to tee objects.
print(operator.length_hint(it.repeat(None, 5)), operator.length_hint(it.repeat(None), 12))
print(operator.length_hint(it.repeat(None, -3)), operator.length_hint(it.repeat(None, times=-1)))
error(len, it.repeat(None))
error(it.repeat(None).__length_hint__)
for cls, args in [
    (it.chain, ("ab", "c")),
    (it.cycle, ("ab",)),
    (it.islice, ("abcd", 1, 3)),
    (it.starmap, (pow, [(2, 3)])),
    (it.filterfalse, (None, [0, 1])),
    (it.dropwhile, (is_small, [1, 9])),
    (it.takewhile, (is_small, [1, 9])),
    (filter, (None, [0, 1])),
    (map, (str, [1, 2])),
]:
    class Plain(cls):
        pass

    class WithInit(cls):
        def __init__(self, *args, extra=None):
            self.extra = extra

    error(Plain, *args, extra=1)
    w = WithInit(*args, extra=2)
    print(cls.__name__, w.extra, take(3, w))
    p = Plain(*args)
    if cls not in (filter, map):
        print(type(pickle.loads(pickle.dumps(p))).__name__, take(3, copy.deepcopy(p)))

a, b = it.tee([1, 2, 3])
r = weakref.ref(a)
print(r() is a, list(a))
del a
print(r())
c = it.tee(a for a in "xyz")[1]
print(type(copy.copy(c)).__name__, list(copy.copy(c)), list(c))
