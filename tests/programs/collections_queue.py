# collections (deque, defaultdict, Counter, OrderedDict, namedtuple) and queue between threads.
from collections import deque, defaultdict, OrderedDict, Counter, namedtuple
import queue, threading
d = deque([1, 2, 3], maxlen=5)
d.appendleft(0); d.append(4); d.append(5)
print(d, d.popleft(), d.pop(), len(d), list(d), d[1], 3 in d)
dd = defaultdict(list)
for k, v in [("a", 1), ("b", 2), ("a", 3)]:
    dd[k].append(v)
print(dd, dict(dd))
c = Counter("abracadabra")
print(c.most_common(2), c["z"], c.total())
od = OrderedDict([("x", 1), ("y", 2)])
od.move_to_end("x")
print(od, od.popitem())
Point = namedtuple("Point", "x y")
p = Point(1, y=2)
print(p, p.x + p.y, p._asdict(), p._replace(x=10), isinstance(p, tuple), Point._fields)
q = queue.Queue()
def producer():
    for i in range(5):
        q.put(i)
    q.put(None)
results = []
def consumer():
    while True:
        item = q.get()
        if item is None:
            break
        results.append(item * item)
        q.task_done()
t1 = threading.Thread(target=producer); t2 = threading.Thread(target=consumer)
t1.start(); t2.start(); t1.join(); t2.join()
print(results)
try:
    q.get_nowait()
except queue.Empty:
    print("empty")
