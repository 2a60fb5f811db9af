# Compiled loops on many threads at once: every thread runs the same hot functions,
# whose loops compile to executors all threads share, on data of their own and on a
# shared list, while one thread rebinds a global that a running loop reads.
import threading

def total(n, step):
    t = 0
    for i in range(0, n, step):
        t += i
    return t

def scale(xs, k):
    out = 0.0
    for x in xs:
        out += x * k
    return out

def bump(counts, keys):
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts

SHARED = [float(i) for i in range(1000)]
results = {}

def worker(k):
    r = []
    for rep in range(20):
        r.append(total(5000 + k, 1 + k % 3))
        r.append(scale(SHARED, k))
    counts = bump({}, [i % 7 for i in range(700 + k)])
    results[k] = (sum(r[::2]), sum(r[1::2]), sorted(counts.items()))

threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for k in sorted(results):
    print(k, *results[k])

# A global read by a compiled loop, rebound by another thread while the loop runs.
OFFSET = 1
started = threading.Event()

def with_global(n):
    s = 0
    i = 0
    while i < n:
        s += OFFSET
        i += 1
        if i == 1000:
            started.set()
    return s

def rebind():
    global OFFSET
    started.wait()
    OFFSET = 2

n = 200000
t = threading.Thread(target=rebind)
t.start()
s = with_global(n)
t.join()
print("between", n <= s <= 2 * n, "saw the new value", s > n or OFFSET == 2)

# Branchy, polymorphic loops on many threads: the exits each path takes get side
# traces, recorded and linked by whichever thread gets there first and run by all.
class P:
    def val(self, i):
        return i

class Q(P):
    def val(self, i):
        return -i

class R:
    def val(self, i):
        return i * 0.5

MIXED = [P(), Q(), Q(), R(), P()] * 400

def branchy(objs, k):
    s = 0
    odd = 0
    for n, o in enumerate(objs):
        if n % 3 == k % 3:
            s += o.val(n)
        elif n & 1:
            odd += 1
        else:
            s -= 1
    return s, odd

side_results = {}

def side_worker(k):
    side_results[k] = [branchy(MIXED, k) for _ in range(15)]

threads = [threading.Thread(target=side_worker, args=(k,)) for k in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for k in sorted(side_results):
    rs = side_results[k]
    print("branchy", k, rs[0], all(r == rs[0] for r in rs))
