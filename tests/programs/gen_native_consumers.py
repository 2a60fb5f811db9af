"""Generators consumed by native code (set(), tuple(), list(), sum(), "".join(),
sorted(), dict(), frozenset(), min()/max(), any()/all(), reversed() of ranges):
values, a generator that raises midway, one that returns a value, one closed or
exhausted before the consumer sees it, exception state inside the generator body,
PEP 479, and threads sharing one generator ("generator already executing", never a
crash). Also the machine-word range paths these consumers iterate over."""
import itertools
import sys
import threading
import traceback

cols = range(8)
vec = (3, 1, 4, 0, 5, 2, 7, 6)
print(len(set(vec[i] + i for i in cols)), len(set(vec[i] - i for i in cols)))
print(tuple(vec[i] for i in reversed(range(8))))
print(list(x * x for x in range(-3, 4)))
print(sum(x for x in range(100) if x % 7))
print("".join(c.upper() for c in "strand"))
print(sorted((x * 37) % 11 for x in range(11)))
print(dict((k, k * 2) for k in range(4)))
print(sorted(frozenset(x % 3 for x in range(10))))
print(min(x for x in (5, 2, 8)), max(x for x in (5, 2, 8)))
print(any(x > 3 for x in range(5)), all(x < 3 for x in range(5)))
print(list(reversed(range(1, 20, 4))), list(reversed(range(5, -6, -3))))
print(list(range(2**63 - 3, 2**63 + 1)), list(reversed(range(2**63 - 2, 2**63 + 1))))
print(len(range(-2**63, 2**63 - 1, 3)), len(range(10, 0)), len(range(0, 10, 1)))
print(list(reversed(range(-2**63, -2**63 + 3))))
for bad in [(1, 2, 0), (2**70, 2**70 + 3, 0)]:
    try:
        range(*bad)
    except ValueError as e:
        print("ValueError", e)
try:
    len(range(0, 2**64))
except OverflowError as e:
    print("OverflowError", e)


def n_queens(n):
    cols = range(n)
    for vec in itertools.permutations(cols):
        if n == len(set(vec[i] + i for i in cols)) == len(set(vec[i] - i for i in cols)):
            yield vec


print(len(list(n_queens(6))), list(n_queens(5))[:3])


# A generator that raises midway: the consumer propagates it, with the generator's
# frame in the traceback; the generator is finished afterwards.
def raises_at(n, exc):
    for i in range(10):
        if i == n:
            raise exc
        yield i


for consumer in (set, tuple, list, sum, sorted, frozenset, max):
    g = raises_at(3, KeyError("midway"))
    try:
        consumer(g)
    except KeyError as e:
        tb = traceback.extract_tb(e.__traceback__)
        print(consumer.__name__, "KeyError", e, [f.name for f in tb][-1], g.gi_frame)
    print(list(g))

try:
    "".join(str(x) for x in raises_at(2, ValueError("join")))
except ValueError as e:
    print("join ValueError", e)


# PEP 479: StopIteration inside the body becomes RuntimeError for every consumer.
def stops(n):
    for i in range(n):
        yield i
    raise StopIteration("early")


for consumer in (list, tuple, set, sum):
    try:
        consumer(stops(3))
    except RuntimeError as e:
        print(consumer.__name__, "RuntimeError", e, type(e.__cause__).__name__)


# A return value ends the consumer's iteration like exhaustion.
def returns_value():
    yield 1
    yield 2
    return "ignored"


print(list(returns_value()), tuple(returns_value()), set(returns_value()))


# Already started, closed or exhausted before the consumer sees it.
g = (x for x in range(5))
print(next(g), list(g), list(g), tuple(g))
g = (x for x in range(5))
g.close()
print(list(g), set(g), g.gi_frame)
g = raises_at(99, None)
next(g)
print(sorted(g))


# The generator's own exception state while a native consumer drives it, and the
# consumer's handled exception seen from inside the body.
def sees_exc():
    yield sys.exc_info()[0]
    try:
        raise IndexError("inner")
    except IndexError:
        yield sys.exc_info()[0]
    yield sys.exc_info()[0]


try:
    raise TypeError("outer")
except TypeError:
    print([t.__name__ if t else None for t in sees_exc()])
    print(sys.exc_info()[0].__name__)
print([t.__name__ if t else None for t in sees_exc()], sys.exc_info())


# gi_running / gi_frame seen from inside while a native consumer runs the generator.
def introspect():
    me = holder[0]
    yield me.gi_running
    yield me.gi_frame is not None
    yield sys._getframe().f_back is not None


holder = [None]
holder[0] = introspect()
print(tuple(holder[0]), holder[0].gi_running, holder[0].gi_frame)


# A generator that resumes itself through a native consumer.
def reenter():
    yield 1
    yield list(holder2[0])


holder2 = [None]
holder2[0] = reenter()
try:
    list(holder2[0])
except ValueError as e:
    print("ValueError", e)


# Threads sharing one generator through native consumers: every item goes to exactly
# one consumer, and a concurrent resume is "generator already executing" (never a
# crash or a lost item).
def slow_source(n):
    for i in range(n):
        yield i


shared = slow_source(20000)
parts = []
errors = []
lock = threading.Lock()


def worker():
    got = []
    while True:
        try:
            chunk = list(x for _, x in zip(range(50), shared))
        except ValueError as e:
            with lock:
                errors.append(str(e))
            continue
        if not chunk:
            break
        got.extend(chunk)
    with lock:
        parts.append(got)


threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
seen = sorted(x for p in parts for x in p)
print(len(seen) <= 20000, len(set(seen)) == len(seen), all(0 <= x < 20000 for x in seen))
print(set(errors) <= {"generator already executing"})
