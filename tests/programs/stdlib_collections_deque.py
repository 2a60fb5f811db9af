# collections.deque: maxlen, append/appendleft/pop/popleft, extend/extendleft, rotate, index/count/insert/remove, mutation during iteration.
from collections import deque
d = deque([1, 2, 3])
d.append(4); d.appendleft(0)
print(d, len(d), d[0], d[-1], d.pop(), d.popleft(), d)
d.extend("ab"); d.extendleft([9, 8])
print(d, list(d), list(reversed(d)), d.count(1), d.index(2), 3 in d, "z" in d)
d.rotate(2); print(d)
d.rotate(-3); print(d)
d.rotate(0); print(d)
d.remove("a"); d.insert(1, "ins"); print(d)
d[0] = "first"; del d[-1]; print(d, d[1])
r = deque(range(5), maxlen=3)
print(r, r.maxlen)
r.append(5); print(r)
r.appendleft(-1); print(r)
r.extend([7, 8]); print(r)
r.extendleft([0]); print(r, len(r))
z = deque(maxlen=0); z.append(1); print(z, len(z))
print(deque(), deque("abc"), deque([1, 2]) == deque([1, 2]), deque([1]) == [1], deque([1, 2]) < deque([1, 3]), bool(deque()), bool(deque([0])))
c = d.copy(); c.clear(); print(c, d)
print(deque([1, 2]) + deque([3]), deque([1, 2]) * 2, 2 * deque("x"))
e = deque([1]); e += [2, 3]; print(e)
for bad in (lambda: deque().pop(), lambda: deque().popleft(), lambda: deque([1]).remove(5), lambda: deque([1]).index(7), lambda: deque([1])[5],
            lambda: deque(maxlen=-1), lambda: deque([1], maxlen=1).insert(0, 2), lambda: deque([1])["a"], lambda: hash(deque())):
    try:
        print(bad())
    except (IndexError, ValueError, TypeError) as ex:
        print(type(ex).__name__, ex)
m = deque([1, 2, 3])
try:
    for x in m:
        m.append(x)
except RuntimeError as ex:
    print(type(ex).__name__, ex)
m = deque([1, 2, 3])
try:
    for x in m:
        m.popleft()
except RuntimeError as ex:
    print(type(ex).__name__, ex)
rec = deque([1]); rec.append(rec); print(rec)
q = deque()
for i in range(1000):
    q.append(i)
    if i % 3 == 0:
        q.popleft()
print(len(q), q[0], q[-1], sum(q))
window = deque(maxlen=3)
avgs = []
for v in [10, 20, 30, 40, 50]:
    window.append(v)
    avgs.append(sum(window) / len(window))
print(avgs)
