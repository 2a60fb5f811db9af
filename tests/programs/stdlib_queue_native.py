# _queue as CPython's C module: SimpleQueue's methods, argument errors and timeouts, Empty, subclasses, weak references, the collector seeing its items, and blocking gets woken by puts from other threads.
import _queue
import gc
import queue
import threading
import weakref

print(_queue.Empty, _queue.Empty.__module__, _queue.SimpleQueue, queue.Empty is _queue.Empty,
      queue.SimpleQueue is _queue.SimpleQueue)
q = _queue.SimpleQueue()
print(repr(q).startswith("<_queue.SimpleQueue object at 0x"), weakref.ref(q)() is q)
print(q.put(1, False, None), q.put_nowait(2), q.put(item=3), q.qsize(), q.empty())
print(q.get(block=True, timeout=0), q.get(False), q.get_nowait(), q.empty())
for f in [lambda: _queue.SimpleQueue(1), lambda: _queue.SimpleQueue(a=1), lambda: q.get(timeout=-1),
          lambda: q.get(timeout="x"), lambda: q.get(False), lambda: q.get_nowait(),
          lambda: q.get(True, 0.01), lambda: q.get(timeout=0), lambda: q.put(),
          lambda: q.put(1, 2, 3, 4), lambda: q.get(1, 2, 3), lambda: q.qsize(1),
          lambda: q.put_nowait(), lambda: q.get(timeout=1e100), lambda: q.get(timeout=float("nan")),
          lambda: q.get(bogus=1)]:
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, repr(e))


class S(_queue.SimpleQueue):
    def __init__(self, tag):
        self.tag = tag


s = S("t")
s.put(3)
print(s.get(), s.tag, S.__mro__, _queue.SimpleQueue[int], _queue.SimpleQueue.__module__)
print(_queue.Empty.__doc__, [m for m in dir(q) if not m.startswith("__")])
import pickle
try:
    pickle.dumps(q)
except TypeError as e:
    print("TypeError", e)


# A cycle through the queue is collected.
class C:
    pass


c = C()
q2 = _queue.SimpleQueue()
q2.put(c)
c.q = q2
r = weakref.ref(c)
del c, q2
gc.collect()
print(r())

# Blocking gets on several threads, woken by puts.
work = _queue.SimpleQueue()
done = _queue.SimpleQueue()


def consumer():
    total = 0
    while True:
        v = work.get()
        if v is None:
            done.put(total)
            return
        total += v


cons = [threading.Thread(target=consumer) for _ in range(4)]
for t in cons:
    t.start()


def producer(k):
    for i in range(500):
        work.put(k * 1000 + i)


prods = [threading.Thread(target=producer, args=(k,)) for k in range(4)]
for t in prods:
    t.start()
for t in prods:
    t.join()
for _ in cons:
    work.put(None)
for t in cons:
    t.join()
print(sum(done.get() for _ in range(4)) == sum(k * 1000 + i for k in range(4) for i in range(500)))
print(work.empty(), done.empty())

# A get with a timeout is woken by a put from another thread.
late = _queue.SimpleQueue()
timer = threading.Timer(0.05, late.put, args=("late item",))
timer.start()
print(late.get(timeout=30))
timer.join()
