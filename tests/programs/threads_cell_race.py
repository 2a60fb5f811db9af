# Closure cells shared between threads: the owner's own values stay unpublished
# until another thread touches the cell; stores by every thread, lock-free reads by
# every thread, values made on several threads. Nothing lost, nothing freed early.
import threading

def make():
    box = [0]
    cur = ("start", 0)

    def read():
        return cur

    def write(v):
        nonlocal cur
        cur = v

    return read, write, box

read, write, box = make()
N = 4
ROUNDS = 20000
barrier = threading.Barrier(N + 1)
errors = []

def worker(k):
    barrier.wait()
    seen = 0
    for i in range(ROUNDS):
        v = read()
        if not (isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], int)):
            errors.append(v)
        if i % 3 == k % 3:
            write(("t%d" % k, i))
        seen += 1
    box.append(seen)

ts = [threading.Thread(target=worker, args=(k,)) for k in range(N)]
for t in ts:
    t.start()
barrier.wait()
# The owner (main thread) keeps storing its own values meanwhile.
for i in range(ROUNDS):
    write(("main", i))
    assert len(read()) == 2
for t in ts:
    t.join()
print("errors", errors)
print("reads", sum(box[1:]) == N * ROUNDS)
print("last is a pair", len(read()) == 2)

# A cell made and used by one thread only, then read by another.
def counter():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    return inc

inc = counter()
for _ in range(1000):
    inc()
out = []
t = threading.Thread(target=lambda: out.append(inc()))
t.start(); t.join()
print(out, inc())
