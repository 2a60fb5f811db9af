# Producers and consumers through queue.Queue with sentinels: every item consumed exactly once, results deterministic.
import queue, threading
q = queue.Queue(maxsize=50)
results = queue.Queue()
N_PROD, N_CONS, PER = 4, 3, 500
SENTINEL = None
def producer(pid):
    for i in range(PER):
        q.put((pid, i))
def consumer():
    total = 0
    count = 0
    while True:
        item = q.get()
        if item is SENTINEL:
            q.task_done()
            break
        pid, i = item
        total += pid * 1000 + i
        count += 1
        q.task_done()
    results.put((count, total))
producers = [threading.Thread(target=producer, args=(p,)) for p in range(N_PROD)]
consumers = [threading.Thread(target=consumer) for _ in range(N_CONS)]
for t in consumers + producers: t.start()
for t in producers: t.join()
for _ in consumers: q.put(SENTINEL)
for t in consumers: t.join()
q.join()
parts = [results.get() for _ in range(N_CONS)]
print(sum(c for c, _ in parts), sum(t for _, t in parts))
expected = sum(p * 1000 + i for p in range(N_PROD) for i in range(PER))
print(sum(t for _, t in parts) == expected, q.empty(), results.empty())
pipeline_in, pipeline_mid, pipeline_out = queue.Queue(), queue.Queue(), queue.Queue()
def stage1():
    while (x := pipeline_in.get()) is not None:
        pipeline_mid.put(x * x)
    pipeline_mid.put(None)
def stage2():
    while (x := pipeline_mid.get()) is not None:
        pipeline_out.put(x + 1)
    pipeline_out.put(None)
s1, s2 = threading.Thread(target=stage1), threading.Thread(target=stage2)
s1.start(); s2.start()
for i in range(200):
    pipeline_in.put(i)
pipeline_in.put(None)
out = []
while (x := pipeline_out.get()) is not None:
    out.append(x)
s1.join(); s2.join()
print(len(out), out[:5], out == [i * i + 1 for i in range(200)])
lq = queue.LifoQueue()
pq = queue.PriorityQueue()
def filler(k):
    for i in range(100):
        lq.put(k)
        pq.put((i % 10, k, i))
fs = [threading.Thread(target=filler, args=(k,)) for k in range(3)]
for f in fs: f.start()
for f in fs: f.join()
drained = [pq.get() for _ in range(pq.qsize())]
print(lq.qsize(), len(drained), drained[:3], drained == sorted(drained))
