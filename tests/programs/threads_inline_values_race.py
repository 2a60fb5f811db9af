# Inline instance values under free threading: several threads read and write the
# attributes of shared instances (specialized loads and stores, lock-free reads) while
# another thread materializes their __dict__, assigns __dict__ and switches __class__
# between compatible classes. Nothing is lost: every attribute a thread owns ends with
# the last value it stored, reads only ever see values some thread stored, and the
# dicts seen stay the objects' dicts.
import threading

N_WORKERS = 4
ROUNDS = 2000
N_OBJS = 6


class A:
    def __init__(self):
        self.common = 0
        for k in range(N_WORKERS):
            setattr(self, "w%d" % k, 0)

    def kind(self):
        return "A"


class B(A):
    def kind(self):
        return "B"


objs = [A() for _ in range(N_OBJS)]
bad = []
start = threading.Barrier(N_WORKERS + 2)
done = threading.Event()


def worker(k):
    name = "w%d" % k
    start.wait()
    for i in range(1, ROUNDS + 1):
        for o in objs:
            setattr(o, name, i)
            o.common = i
            v = o.common
            if not (isinstance(v, int) and 0 <= v <= ROUNDS):
                bad.append(("common", v))
            mine = getattr(o, name)
            if mine != i:
                bad.append((name, mine, i))
            if o.kind() not in ("A", "B"):
                bad.append(("kind", o.kind()))


def reader():
    # Lock-free reads of attributes owned by other threads' objects.
    start.wait()
    seen = 0
    while not done.is_set():
        for o in objs:
            v = o.w0
            if not (isinstance(v, int) and 0 <= v <= ROUNDS):
                bad.append(("w0", v))
            seen += 1
    return seen


def mutator():
    start.wait()
    n = 0
    while not done.is_set():
        o = objs[n % N_OBJS]
        d = o.__dict__
        if d is not o.__dict__ or d is not vars(o):
            bad.append(("identity", n))
        o.__class__ = B if type(o) is A else A
        n += 1


threads = [threading.Thread(target=worker, args=(k,)) for k in range(N_WORKERS)]
others = [threading.Thread(target=reader), threading.Thread(target=mutator)]
for t in threads + others:
    t.start()
for t in threads:
    t.join()
done.set()
for t in others:
    t.join()

print("bad:", bad[:5])
for o in objs:
    print(sorted(vars(o).items()), o.kind() in ("A", "B"))

# Materialization racing with first stores: many fresh instances, every worker
# storing its own attributes into each while the mutator asks for their __dict__
# (moving the inline values into a dict) at its own pace. No store is lost.
fresh = [A.__new__(A) for _ in range(400)]
go = threading.Barrier(N_WORKERS + 1)


def fresh_worker(k):
    name = "w%d" % k
    go.wait()
    for rnd in range(3):
        for o in fresh:
            setattr(o, name, rnd)
            o.common = rnd


def materializer():
    go.wait()
    for i, o in enumerate(fresh):
        if i % 2 == 0:
            d = o.__dict__
            if d is not vars(o):
                bad.append(("fresh identity", i))
        else:
            o.__class__ = B


ts = [threading.Thread(target=fresh_worker, args=(k,)) for k in range(N_WORKERS)]
ts.append(threading.Thread(target=materializer))
for t in ts:
    t.start()
for t in ts:
    t.join()
lost = [
    i
    for i, o in enumerate(fresh)
    if [getattr(o, "w%d" % k, None) for k in range(N_WORKERS)] != [2] * N_WORKERS
    or o.common != 2
]
print("fresh lost:", lost[:5], "bad:", bad[:5])
print("classes:", sorted({type(o).__name__ for o in fresh}))

# __dict__ assignment racing with stores: each store lands in the old or the new
# dict; after the last assignment the object's attributes are the new dict's.
class C:
    pass


c = C()
c.x = 0
stop = threading.Event()
errors = []


def storer():
    i = 0
    while not stop.is_set():
        i += 1
        c.x = i
        try:
            v = c.x
        except AttributeError:
            v = 0
        if not isinstance(v, int):
            errors.append(v)


def assigner():
    for i in range(300):
        c.__dict__ = {"x": -i, "y": i}
    stop.set()


ts = [threading.Thread(target=storer) for _ in range(3)] + [threading.Thread(target=assigner)]
for t in ts:
    t.start()
for t in ts:
    t.join()
c.__dict__ = {"final": 1}
print("errors:", errors, vars(c))

# Fresh instances built by several threads at once (the shared keys grow under
# contention; the inline capacity shrinks per instance).
made = []


def builder(k):
    local = []
    for i in range(500):
        o = C()
        setattr(o, "k%d" % (i % 7), i)
        o.me = k
        local.append(o)
    made.append(sum(o.me for o in local))


bs = [threading.Thread(target=builder, args=(k,)) for k in range(4)]
for t in bs:
    t.start()
for t in bs:
    t.join()
print(sorted(made))
