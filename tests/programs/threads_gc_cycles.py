# Threads build cyclic garbage while another thread runs gc.collect() repeatedly: no crash, live data intact, garbage reclaimed.
import gc, threading
class Node:
    def __init__(self, value):
        self.value = value
        self.peer = None
        self.payload = [value] * 4
stop = threading.Event()
collections_run = [0]
def collector():
    while not stop.is_set():
        gc.collect()
        collections_run[0] += 1
def churn(tid, out):
    keep = []
    for i in range(1500):
        a, b = Node(i), Node(-i)
        a.peer, b.peer = b, a
        cyc = [a, b]
        cyc.append(cyc)
        if i % 100 == 0:
            keep.append(a)
    out[tid] = sum(n.value + n.peer.value + len(n.payload) for n in keep)
out = {}
c = threading.Thread(target=collector)
c.start()
workers = [threading.Thread(target=churn, args=(t, out)) for t in range(4)]
for w in workers: w.start()
for w in workers: w.join()
stop.set()
c.join()
print(sorted(out.items()), collections_run[0] > 0)
gc.collect()
class Tracked:
    alive = 0
    lock = threading.Lock()
    def __init__(self):
        with Tracked.lock:
            Tracked.alive += 1
        self.me = self
    def __del__(self):
        with Tracked.lock:
            Tracked.alive -= 1
def make_cycles():
    for _ in range(300):
        Tracked()
ts = [threading.Thread(target=make_cycles) for _ in range(3)]
for t in ts: t.start()
for t in ts: t.join()
gc.collect()
print("finalized all:", Tracked.alive == 0)
shared = {"nodes": [Node(i) for i in range(100)]}
for n in shared["nodes"]:
    n.peer = shared["nodes"][(n.value + 1) % 100]
def reader(res, k):
    s = 0
    for _ in range(20):
        for n in shared["nodes"]:
            s += n.peer.value
        if k == 0:
            gc.collect()
    res[k] = s
res = {}
rs = [threading.Thread(target=reader, args=(res, k)) for k in range(3)]
for r in rs: r.start()
for r in rs: r.join()
print(sorted(res.items()), len(shared["nodes"]))
