# Threads read one shared object's attributes and call one shared function and method concurrently: results exact.
import threading
class Config:
    scale = 3
    def __init__(self):
        self.offset = 7
        self.table = {i: i * i for i in range(100)}
        self.names = tuple(f"n{i}" for i in range(100))
    def lookup(self, i):
        return self.table[i % 100] * self.scale + self.offset
cfg = Config()
def shared_fn(x, y=2):
    return x * y + cfg.offset
results = [None] * 8
def worker(k):
    acc = 0
    for i in range(2000):
        acc += cfg.lookup(i) + shared_fn(i) + len(cfg.names[i % 100]) + Config.scale
    results[k] = acc
ts = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
for t in ts: t.start()
for t in ts: t.join()
expected = sum(cfg.lookup(i) + shared_fn(i) + len(cfg.names[i % 100]) + 3 for i in range(2000))
print(results[0], all(r == expected for r in results))
def make_adder(n):
    def add(x):
        return x + n
    return add
adders = [make_adder(n) for n in range(10)]
sums = [0] * 4
def use_closures(k):
    s = 0
    for _ in range(300):
        for a in adders:
            s = a(s) % 1000003
    sums[k] = s
ts = [threading.Thread(target=use_closures, args=(k,)) for k in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(sums, len(set(sums)) == 1)
class Point:
    __slots__ = ("x", "y")
    def __init__(self, x, y):
        self.x, self.y = x, y
pts = [Point(i, -i) for i in range(200)]
out = [0] * 4
def slot_reader(k):
    t = 0
    for _ in range(50):
        for p in pts:
            t += p.x - p.y
    out[k] = t
ts = [threading.Thread(target=slot_reader, args=(k,)) for k in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(out)
g = {"hits": 0}
glock = threading.Lock()
def global_user():
    for _ in range(1000):
        v = len(pts) + cfg.scale
        with glock:
            g["hits"] += v
ts = [threading.Thread(target=global_user) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(g["hits"], g["hits"] == 4 * 1000 * 203)
