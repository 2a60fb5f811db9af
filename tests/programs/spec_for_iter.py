# FOR_ITER's specialized forms (range, list and tuple iterators stepped inline) and
# the list forms that take the list's lock with one compare-and-swap
# (STORE_SUBSCR_LIST_INT, UNPACK_SEQUENCE_LIST): each site first runs often enough to
# specialize, then meets what breaks its guard, and must still behave as CPython.


def collect(it):
    out = []
    for x in it:
        out.append(x)
    return out


def warm(f, *args):
    for _ in range(40):
        f(*args)
    return f(*args)


print("range", warm(collect, iter(range(5))), warm(collect, iter(range(10, -10, -4))))
print("range then list", collect(iter([1, 2])), collect(iter("ab")), collect(iter(range(2**70, 2**70 + 2))))
print("list", warm(collect, iter([1, "a", None])), collect(iter(range(3))), collect(iter((7, 8))))
print("tuple", warm(collect, iter((1, 2, 3))), collect(iter({4: 0, 5: 0})), collect(iter(b"xy")))


def gen(n):
    for i in range(n):
        yield i * i


print("generator after specializing", collect(gen(4)), collect(iter(range(3))))


def grow_while_iterating():
    lst = [1, 2, 3]
    seen = []
    for x in lst:
        seen.append(x)
        if x < 6:
            lst.append(x + 3)
    return seen


def shrink_while_iterating():
    lst = list(range(10))
    seen = []
    for x in lst:
        seen.append(x)
        del lst[0]
    return seen, lst


print("grow", warm(grow_while_iterating))
print("shrink", warm(shrink_while_iterating))

it = iter([1, 2])
print("exhausted", collect(it), collect(it), next(it, "done"))
r = iter(range(3))
next(r)
print("partly used range", collect(r), list(r))
t = iter((1, 2, 3))
print("tuple iterator", next(t), collect(t), next(t, "end"))


def total(n):
    s = 0
    for i in range(n):
        s += i
    else:
        s += 1000
    return s


print("for-else", warm(total, 50), total(0))


def break_out(seq):
    for x in seq:
        if x == 3:
            break
    else:
        return "no break"
    return "broke at %r" % x


print("break", warm(break_out, range(10)), break_out([5, 3]), break_out((1, 2)))


def fail_midway(seq):
    out = []
    for x in seq:
        out.append(10 // x)
    return out


try:
    warm(fail_midway, [1, 2, 5])
    fail_midway([1, 0, 2])
except ZeroDivisionError as e:
    print("error in body", type(e).__name__, e)


# STORE_SUBSCR_LIST_INT


def store(lst, i, v):
    lst[i] = v
    return lst


print("store", warm(store, [0, 0, 0], 1, "x"), warm(store, [0, 0, 0], -1, 2.5))
for bad in [([0], 5, 1), ([0], -2, 1), ([0], 2**70, 1), ([0], "k", 1), ((0,), 0, 1)]:
    try:
        store(*bad)
    except Exception as e:
        print("store error", type(e).__name__, e)


class Loud:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("del", self.name)


lst = [Loud("first")]
store(lst, 0, Loud("second"))
print("replaced", lst[0].name)
store(lst, 0, None)
print("after", lst)


class MyList(list):
    def __setitem__(self, i, v):
        super().__setitem__(i, v * 2)


print("subclass", store(MyList([1, 2]), 0, 5))


# UNPACK_SEQUENCE_LIST


def unpack3(s):
    a, b, c = s
    return a, b, c


print("unpack", warm(unpack3, [1, 2, 3]), unpack3((4, 5, 6)), unpack3("xyz"))
for bad in [[1, 2], [1, 2, 3, 4], 5]:
    try:
        unpack3(bad)
    except Exception as e:
        print("unpack error", type(e).__name__, e)


def nested(pairs):
    out = 0
    for ([x, y], k) in pairs:
        out += x * y + k
    return out


print("nested", warm(nested, [([1, 2], 3), ([4, 5], 6)]), nested([((1, 1), 1)]))

# Threads: stores through STORE_SUBSCR_LIST_INT lose nothing.
import threading

counts = [0] * 4
locks = [threading.Lock() for _ in counts]


def bump(i):
    for _ in range(5000):
        with locks[i]:
            counts[i] = counts[i] + 1
        with locks[(i + 1) % 4]:
            counts[(i + 1) % 4] = counts[(i + 1) % 4] + 1


ts = [threading.Thread(target=bump, args=(i,)) for i in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("locked stores", counts)
