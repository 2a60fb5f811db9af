# random (Mersenne Twister with CPython's seeding and algorithms) and gc.
import random, gc
random.seed(12345)
print([random.random() for _ in range(3)])
print(random.randint(1, 100), random.randrange(0, 1000, 7), random.choice("abcdef"), random.uniform(1, 2))
xs = list(range(20))
random.shuffle(xs)
print(xs, random.sample(range(100), 5), random.gauss(0, 1), random.gauss(5, 2))
r = random.Random(7)
print(r.random(), r.getrandbits(100), r.choices("abc", k=5), r.randrange(10**30))
random.seed(2**80 + 3)
print(random.random(), random.getrandbits(33))
class Node:
    def __init__(self):
        self.other = None
gc.collect()
a, b = Node(), Node()
a.other, b.other = b, a
del a, b
print(gc.collect() >= 2, gc.isenabled(), gc.get_threshold()[0] > 0, isinstance(gc.get_count(), tuple))
events = []
gc.callbacks.append(lambda phase, info: events.append(phase))
gc.collect()
print(events)
