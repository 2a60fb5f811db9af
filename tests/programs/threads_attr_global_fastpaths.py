# Specialized attribute and global access racing across threads: LOAD_ATTR on
# instance values and module attributes, LOAD_GLOBAL, and STORE_ATTR on instance
# values read and write slots that other threads replace at the same time, with values
# that other threads own and free. Every value read must be one some thread stored
# (checked through an invariant each stored value carries), and no store is lost.
import sys
import threading

N_THREADS = 4
ROUNDS = 2000


class Box:
    def __init__(self):
        self.v = (0, 0, [0])
        self.t0 = 0
        self.t1 = 0
        self.t2 = 0
        self.t3 = 0


def check(t, bad):
    # Each stored value is (k, i, [k * i]): a torn or freed value breaks this.
    k, i, cell = t
    if cell[0] != k * i:
        bad.append(t)


G = (0, 0, [0])
box = Box()
bad = []
counts_ok = []
start = threading.Barrier(N_THREADS)


def worker(k):
    global G
    own = "t%d" % k
    start.wait()
    for i in range(1, ROUNDS + 1):
        # Fresh values owned by this thread replace values other threads own.
        box.v = (k, i, [k * i])
        G = (k, i, [k * i])
        check(box.v, bad)
        check(G, bad)
        check(sys.modules[__name__].G, bad)
        # Only this thread writes its own attribute of the shared instance: a store
        # lost to a concurrent store of another slot would show in the total.
        if k == 0:
            box.t0 += 1
        elif k == 1:
            box.t1 += 1
        elif k == 2:
            box.t2 += 1
        else:
            box.t3 += 1
    counts_ok.append(getattr(box, own) == ROUNDS)


threads = [threading.Thread(target=worker, args=(k,)) for k in range(N_THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("bad values:", bad)
print("own counters exact:", counts_ok, [box.t0, box.t1, box.t2, box.t3])
check(box.v, bad)
check(G, bad)
print("final values consistent:", bad == [])


# Fresh instances handed from the thread that creates them to one that reads them:
# the first stores into each instance's dict race with the reader's loads.
handoff = []
seen = []
done = threading.Event()


def producer():
    for i in range(ROUNDS):
        o = Box()
        o.v = (1, i, [i])
        handoff.append(o)
    done.set()


def consumer():
    j = 0
    while True:
        if j < len(handoff):
            o = handoff[j]
            j += 1
            t = o.v
            check(t, bad)
            o.t0 = t[1]
            seen.append(o.t0)
        elif done.is_set() and j >= len(handoff):
            break


p = threading.Thread(target=producer)
c = threading.Thread(target=consumer)
p.start()
c.start()
p.join()
c.join()
print("handoff:", len(seen), seen == list(range(ROUNDS)), bad == [])


# A specialized attribute store to an instance whose dict lock this thread already
# holds: a key's __eq__ runs inside the dict's lookup and stores into the instance.
class Key:
    def __init__(self, owner):
        self.owner = owner

    def __hash__(self):
        return 7

    def __eq__(self, other):
        o = self.owner
        for i in range(20):
            o.x = i
            o.y = o.x + 1
        return False


class Holder:
    def __init__(self):
        self.x = 0
        self.y = 0


h = Holder()
h.__dict__[Key(h)] = "k"
for _ in range(30):
    h.__dict__.get(Key(h))
print("store under own lock:", h.x, h.y)
