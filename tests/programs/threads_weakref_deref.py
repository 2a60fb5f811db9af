# A weak reference read by threads other than its target's owner finds the target
# while it lives (strand once read such weakrefs as dead: the target stayed in the
# biased-refcount state in which only its owner may take references; importlib's
# per-module locks, held in a WeakValueDictionary, let a second importer through).
import threading, weakref, time

class Target:
    pass

refs = {}
ready = threading.Event()
stop = threading.Event()

def owner():
    keep = []
    for i in range(500):
        o = Target()
        keep.append(o)
        refs[i] = weakref.ref(o)
    ready.set()
    stop.wait()
    keep.clear()

bad = []
def reader():
    ready.wait()
    dead = 0
    for _ in range(20):
        for i in range(500):
            if refs[i]() is None:
                dead += 1
    bad.append(dead)

t = threading.Thread(target=owner)
t.start()
readers = [threading.Thread(target=reader) for _ in range(3)]
for r in readers:
    r.start()
for r in readers:
    r.join()
stop.set()
t.join()
print("reads that found a live target dead:", sum(bad))
# Once the owner has dropped them, every reference reads as dead.
import gc
gc.collect()
print("dead after release:", sum(r() is None for r in refs.values()))
