# Weak-reference callbacks and weakref.finalize under threads: every callback and
# finalizer runs exactly once, whichever thread made the weak reference, dropped the
# target's last reference or ran the collection (issue 18).
import gc, threading, weakref

N = 2000
THREADS = 3

class SelfRef:
    pass

calls = {}
lock = threading.Lock()

def record(r):
    with lock:
        calls[id(r)] = calls.get(id(r), 0) + 1

# 1. Cyclic targets: cleared by the collector, on whichever thread it runs.
kept = []
def make_cyclic():
    refs = []
    for _ in range(N):
        o = SelfRef()
        o.me = o
        refs.append(weakref.ref(o, record))
    with lock:
        kept.append(refs)
ts = [threading.Thread(target=make_cyclic) for _ in range(THREADS)]
for t in ts: t.start()
for t in ts: t.join()
gc.collect()
refs = [r for rs in kept for r in rs]
print("cyclic: callbacks", sum(calls.values()), "of", len(refs),
      "each once:", all(calls.get(id(r)) == 1 for r in refs),
      "cleared:", all(r() is None for r in refs))

# 2. Targets freed by reference counting on another thread than the weakref's maker.
calls.clear()
kept.clear()
targets = []
def make_refs(objs):
    refs = [weakref.ref(o, record) for o in objs]
    with lock:
        kept.append(refs)
objs = [[SelfRef() for _ in range(N)] for _ in range(THREADS)]
ts = [threading.Thread(target=make_refs, args=(objs[k],)) for k in range(THREADS)]
for t in ts: t.start()
for t in ts: t.join()
def drop(k):
    objs[k].clear()
ts = [threading.Thread(target=drop, args=(k,)) for k in range(THREADS)]
for t in ts: t.start()
for t in ts: t.join()
refs = [r for rs in kept for r in rs]
print("refcount: callbacks", sum(calls.values()), "of", len(refs),
      "each once:", all(calls.get(id(r)) == 1 for r in refs))

# 3. weakref.finalize on several threads, cyclic targets.
done = []
def fin(tag):
    with lock:
        done.append(tag)
finalizers = []
def make_finalizers(k):
    fs = []
    for i in range(N):
        o = SelfRef()
        o.me = o
        fs.append(weakref.finalize(o, fin, (k, i)))
    with lock:
        finalizers.extend(fs)
ts = [threading.Thread(target=make_finalizers, args=(k,)) for k in range(THREADS)]
for t in ts: t.start()
for t in ts: t.join()
gc.collect()
print("finalize: ran", len(done), "distinct", len(set(done)), "of", THREADS * N,
      "pending", sum(f.alive for f in finalizers))
