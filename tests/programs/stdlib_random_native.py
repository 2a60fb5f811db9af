# _random.Random as CPython's C type: seeding from ints (absolute value), hashes of
# other objects, the constructor and __init__, state round trips and errors; and
# random.py's str/bytes seeding on top of it.
import _random
import random


def show(f, *a):
    try:
        print("ok", f(*a))
    except Exception as e:
        print(type(e).__name__, e)


r = _random.Random(5)
print(r.random(), r.getrandbits(70), r.getrandbits(0), r.getrandbits(32))
for seed in (0, 1, -1, 12345, -12345, 2**100, 2**32, 1.5, -1.5, True, "abc", b"abc", (1, 2), None):
    r.seed(seed)
    if seed is not None:
        print(repr(seed), r.random())
st = r.getstate()
a = r.random()
r.setstate(st)
print(a == r.random(), len(st), type(st).__name__)
show(r.getrandbits, -1)
show(r.seed, [1])
show(r.setstate, 5)
show(r.setstate, (1,) * 624)
show(r.setstate, (1,) * 624 + (625,))
show(r.setstate, (-1,) * 625)
show(r.setstate, (1,) * 625)
show(_random.Random, 1, 2)
show(lambda: _random.Random(x=1))
print(type(r).__name__, type(r).__module__)


class R(_random.Random):
    def __init__(self, x, y):
        super().__init__(x + y)


print(R(1, 2).random() == _random.Random(3).random())


class K(_random.Random):
    pass


show(lambda: K(seed=1))
for s in ("hello", b"hello", 42, 3.25):
    random.seed(s)
    print(repr(s), random.random(), random.randrange(1000), random.getrandbits(20))
show(random.seed, [1, 2])
g = random.Random("x")
print(g.random(), g.choice("abcdef"))
