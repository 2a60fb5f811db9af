# CPython's queue.py on strand's threading: Queue/LifoQueue/PriorityQueue/SimpleQueue ordering, Full/Empty with and without timeouts, task_done/join, and producers and consumers on threads (totals only, so the output is deterministic).
import queue
import threading

q = queue.Queue(maxsize=2)
q.put(1)
q.put_nowait(2)
print(q.qsize(), q.full(), q.empty())
for f in [lambda: q.put_nowait(3), lambda: q.put(3, timeout=0.01), lambda: q.put(3, block=False)]:
    try:
        f()
    except queue.Full:
        print("Full")
print(q.get(), q.get_nowait(), q.empty())
for f in [lambda: q.get_nowait(), lambda: q.get(timeout=0.01), lambda: q.get(False)]:
    try:
        f()
    except queue.Empty:
        print("Empty")
try:
    q.put(1, timeout=-1)
except ValueError as e:
    print("ValueError", e)
try:
    q.task_done()
    q.task_done()
    q.task_done()
except ValueError as e:
    print("ValueError", e)

lq = queue.LifoQueue()
pq = queue.PriorityQueue()
sq = queue.SimpleQueue()
for x in [3, 1, 2]:
    lq.put(x)
    pq.put((x, str(x)))
    sq.put(x)
print([lq.get() for _ in range(3)], [pq.get() for _ in range(3)], [sq.get() for _ in range(3)])
print(sq.empty(), sq.qsize())
try:
    sq.get(timeout=0.01)
except queue.Empty:
    print("SimpleQueue Empty")
print(queue.Queue[int], issubclass(queue.Empty, Exception), queue.SimpleQueue.__name__)

# Workers with task_done/join.
work = queue.Queue()
results = queue.Queue()


def worker():
    while True:
        item = work.get()
        if item is None:
            work.task_done()
            break
        results.put(item * item)
        work.task_done()


threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
for i in range(200):
    work.put(i)
work.join()
for _ in threads:
    work.put(None)
for t in threads:
    t.join()
total = 0
n = 0
while not results.empty():
    total += results.get()
    n += 1
print(n, total, work.unfinished_tasks)

# A bounded queue between producers and consumers on SimpleQueue and PriorityQueue.
bounded = queue.Queue(maxsize=3)
out = queue.SimpleQueue()


def producer(base):
    for i in range(50):
        bounded.put(base + i)


def consumer():
    while True:
        v = bounded.get()
        if v is None:
            return
        out.put(v)


cons = [threading.Thread(target=consumer) for _ in range(3)]
prods = [threading.Thread(target=producer, args=(1000 * k,)) for k in range(3)]
for t in cons + prods:
    t.start()
for t in prods:
    t.join()
for _ in cons:
    bounded.put(None)
for t in cons:
    t.join()
got = []
while True:
    try:
        got.append(out.get_nowait())
    except queue.Empty:
        break
print(len(got), sum(got), sorted(got) == sorted(1000 * k + i for k in range(3) for i in range(50)))

pq2 = queue.PriorityQueue()
ts = [threading.Thread(target=lambda k=k: [pq2.put(k * 10 + i) for i in range(10)]) for k in range(5)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print([pq2.get() for _ in range(pq2.qsize())] == list(range(50)))
