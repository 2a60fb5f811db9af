# queue: Queue with maxsize, put/get blocking and timeouts, Empty/Full, task_done/join, LifoQueue, PriorityQueue, SimpleQueue.
import queue, threading, time
q = queue.Queue(maxsize=2)
print(q.maxsize, q.empty(), q.full(), q.qsize())
q.put(1); q.put_nowait(2)
print(q.full(), q.qsize())
try:
    q.put(3, block=False)
except queue.Full as e:
    print("Full", type(e).__name__, repr(e))
t0 = time.monotonic()
try:
    q.put(3, timeout=0.05)
except queue.Full:
    print("Full after timeout", time.monotonic() - t0 >= 0.04)
print(q.get(), q.get_nowait(), q.empty())
try:
    q.get_nowait()
except queue.Empty as e:
    print("Empty", type(e).__name__, repr(e))
t0 = time.monotonic()
try:
    q.get(timeout=0.05)
except queue.Empty:
    print("Empty after timeout", time.monotonic() - t0 >= 0.04)
for bad in (lambda: q.get(timeout=-1), lambda: q.put(1, timeout=-1) if q.full() else queue.Queue(1).put(0) or queue.Queue(1)):
    try:
        bad()
    except ValueError as e:
        print(type(e).__name__, e)
full = queue.Queue(1); full.put("x")
try:
    full.put("y", timeout=-1)
except ValueError as e:
    print(type(e).__name__, e)
def late_put():
    time.sleep(0.05)
    q.put("late")
threading.Thread(target=late_put).start()
print(q.get(timeout=5))
work = queue.Queue()
done = []
def worker():
    while True:
        item = work.get()
        if item is None:
            work.task_done()
            break
        done.append(item * 2)
        work.task_done()
ws = [threading.Thread(target=worker) for _ in range(3)]
for w in ws: w.start()
for i in range(30): work.put(i)
work.join()
print(sorted(done) == [i * 2 for i in range(30)], work.unfinished_tasks)
for _ in ws: work.put(None)
for w in ws: w.join()
try:
    work.task_done()
except ValueError as e:
    print(type(e).__name__, e)
lq = queue.LifoQueue()
for i in range(4): lq.put(i)
print([lq.get() for _ in range(4)], lq.empty())
pq = queue.PriorityQueue()
for item in [(3, "c"), (1, "a"), (2, "b"), (1, "aa")]:
    pq.put(item)
print([pq.get() for _ in range(4)], pq.qsize())
sq = queue.SimpleQueue()
sq.put(1); sq.put_nowait(2)
print(sq.qsize(), sq.empty(), sq.get(), sq.get_nowait(), sq.empty())
try:
    sq.get(timeout=0.01)
except queue.Empty:
    print("SimpleQueue empty")
print(issubclass(queue.Empty, Exception), issubclass(queue.LifoQueue, queue.Queue), issubclass(queue.PriorityQueue, queue.Queue))
bounded = queue.Queue(maxsize=3)
produced = []
def producer():
    for i in range(10):
        bounded.put(i)
        produced.append(i)
    bounded.put(None)
threading.Thread(target=producer).start()
got = []
while (x := bounded.get()) is not None:
    got.append(x)
print(got, len(produced))
