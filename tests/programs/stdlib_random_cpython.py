# CPython's random.py on strand's _random: seeded sequences of every distribution, choices with weights, sample with counts, shuffle, randbytes, state round trips, subclasses overriding random(), SystemRandom's interface, and the error messages.
import random

r = random.Random(12345)
print(r.random(), r.randint(1, 100), r.randrange(0, 100, 7), r.getrandbits(65))
print(r.choice("abcdef"), r.choices(range(10), k=5), r.choices("abc", weights=[1, 5, 10], k=6))
print(r.choices("abc", cum_weights=[1, 2, 10], k=4))
seq = list(range(10))
r.shuffle(seq)
print(seq, r.sample(range(100), 5), r.sample(["x", "y"], counts=[3, 2], k=4))
print(r.uniform(1, 2), r.triangular(0, 10, 3), r.gauss(0, 1), r.normalvariate(5, 2))
print(r.lognormvariate(0, 0.5), r.expovariate(2), r.vonmisesvariate(1, 2), r.gammavariate(2, 3))
print(r.gammavariate(0.5, 1), r.betavariate(2, 3), r.paretovariate(3), r.weibullvariate(1, 2))
print(r.randbytes(7), r.randrange(10**30), r.randint(-5, -1))

state = r.getstate()
first = [r.random() for _ in range(3)]
r.setstate(state)
print(first == [r.random() for _ in range(3)])

for seed in [0, 1, -7, 2**80, "text", b"bytes", bytearray(b"ba"), 3.25]:
    random.seed(seed)
    print(repr(seed), random.random(), random.randrange(1000))
random.seed("text", version=1)
print(random.random())


class Const(random.Random):
    def random(self):
        return 0.5


c = Const()
print(c.randrange(10), c.choice("abcd"), c.uniform(0, 4))


class MyRandom(random.Random):
    def __init__(self, seed, tag):
        super().__init__(seed)
        self.tag = tag


m = MyRandom(3, "t")
print(m.tag, m.random() == random.Random(3).random())

sr = random.SystemRandom()
print(0 <= sr.random() < 1, len(sr.randbytes(4)), 1 <= sr.randint(1, 3) <= 3)
for bad in [lambda: sr.getstate(), lambda: sr.seed(1) or sr.setstate(None)]:
    try:
        bad()
    except NotImplementedError as e:
        print("NotImplementedError", e)


def show(f):
    try:
        print("ok", f())
    except Exception as e:
        print(type(e).__name__, e)


show(lambda: r.randrange(0))
show(lambda: r.randrange(1, 1))
show(lambda: r.randint(5, 1))
show(lambda: r.choice([]))
show(lambda: r.sample(range(3), 5))
show(lambda: r.sample({1, 2}, 1))
show(lambda: r.choices("ab", weights=[1], k=1))
show(lambda: r.choices("ab", weights=[0, 0], k=1))
show(lambda: r.seed([1]))
show(lambda: r.getrandbits(-1))
show(lambda: r.setstate((9, (), None)))
print(random.Random.__module__, type(random._inst).__name__, len(random.__all__))
