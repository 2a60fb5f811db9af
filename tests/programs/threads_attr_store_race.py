# Attribute and dict stores racing on shared objects: specialized STORE_ATTR and
# dict item replacement write under the object's lock, while other threads read the
# same slots without it. No value is lost or torn, every read sees a value some thread
# stored, and the dict's change checks still see every change.
import threading

N_THREADS = 4
ROUNDS = 3000


class Box:
    def __init__(self):
        self.shared = 0
        self.t0 = 0
        self.t1 = 0
        self.t2 = 0
        self.t3 = 0


box = Box()
table = {"a": 0, "b": 0, "c": 0}
bad_reads = []
start = threading.Barrier(N_THREADS + 1)


def writer(k):
    name = "t%d" % k
    start.wait()
    for i in range(1, ROUNDS + 1):
        # Own attribute: only this thread writes it, so its last value is known.
        setattr(box, name, i)
        box.shared = k * ROUNDS + i
        table["abc"[k % 3]] = i
        v = box.shared
        if not (isinstance(v, int) and 0 <= v <= N_THREADS * ROUNDS):
            bad_reads.append(v)


def own_loop(k):
    # The same store as a specialized instruction: `o.attr = v` at one site.
    o = Box()
    for i in range(ROUNDS):
        o.shared = i
        o.t0 = o.shared + 1
    return o.shared, o.t0


threads = [threading.Thread(target=writer, args=(k,)) for k in range(N_THREADS)]
for t in threads:
    t.start()
start.wait()
for t in threads:
    t.join()

print("own attributes:", [getattr(box, "t%d" % k) for k in range(N_THREADS)])
print("shared in range:", 0 < box.shared <= N_THREADS * ROUNDS)
print("table values:", sorted(table.values()))
print("bad reads:", bad_reads)
print("own loop:", own_loop(0))

# A store that replaces a value is a change iteration notices only when the size or
# keys change; replacing values during iteration is allowed, as in CPython.
d = {"x": 1, "y": 2}
for k in d:
    d[k] = d[k] * 10
print(d)
try:
    for k in d:
        d["z"] = 3
except RuntimeError as e:
    print("RuntimeError:", e)

# Instance attribute replacement keeps the instance dict consistent with __dict__.
b = Box()
for i in range(5):
    b.shared = i
    b.t1 = str(i)
print(b.__dict__)
