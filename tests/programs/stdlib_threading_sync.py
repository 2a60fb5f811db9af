# threading synchronisation: Lock, RLock, Condition (wait/notify/wait_for), Semaphore, BoundedSemaphore, Event, Barrier, Timer, local.
import threading, time
lock = threading.Lock()
print(lock.acquire(), lock.locked(), lock.acquire(blocking=False), lock.acquire(timeout=0.01))
lock.release()
print(lock.locked())
try:
    lock.release()
except RuntimeError as e:
    print(type(e).__name__, e)
with lock:
    print("in with", lock.locked())
print(lock.locked())
for bad in (lambda: lock.acquire(timeout=-2), lambda: lock.acquire(False, 1)):
    try:
        bad()
    except ValueError as e:
        print(type(e).__name__, e)
rl = threading.RLock()
with rl:
    with rl:
        print("reentrant ok")
    print(rl.acquire(blocking=False))
    rl.release()
try:
    rl.release()
except RuntimeError as e:
    print(type(e).__name__, e)
def other_releases():
    try:
        rl.release()
    except RuntimeError as e:
        print("other thread:", type(e).__name__, e)
rl.acquire()
t = threading.Thread(target=other_releases); t.start(); t.join()
rl.release()
cond = threading.Condition()
items = []
def consumer():
    with cond:
        cond.wait_for(lambda: len(items) >= 3)
        print("consumer saw", items)
c = threading.Thread(target=consumer); c.start()
for i in range(3):
    time.sleep(0.01)
    with cond:
        items.append(i)
        cond.notify()
c.join()
with cond:
    print(cond.wait(timeout=0.01), cond.wait_for(lambda: False, timeout=0.01), cond.wait_for(lambda: "truthy", timeout=0))
try:
    cond.notify()
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    cond.wait()
except RuntimeError as e:
    print(type(e).__name__, e)
sem = threading.Semaphore(2)
print(sem.acquire(), sem.acquire(), sem.acquire(blocking=False), sem.acquire(timeout=0.01))
sem.release(2)
print(sem.acquire(blocking=False))
try:
    threading.Semaphore(-1)
except ValueError as e:
    print(type(e).__name__, e)
bs = threading.BoundedSemaphore(1)
bs.acquire(); bs.release()
try:
    bs.release()
except ValueError as e:
    print(type(e).__name__, e)
ev = threading.Event()
print(ev.is_set(), ev.wait(0.01))
threading.Timer(0.02, ev.set).start()
print(ev.wait(5), ev.is_set())
ev.clear(); print(ev.is_set())
fired = []
tm = threading.Timer(10, fired.append, args=["never"])
tm.start(); tm.cancel(); tm.join()
tm2 = threading.Timer(0.01, fired.append, args=["fired"], kwargs=None)
tm2.start(); tm2.join()
print(fired)
order = []
b = threading.Barrier(3, action=lambda: order.append("action"))
print(b.parties, b.n_waiting, b.broken)
def party(i):
    idx = b.wait()
    order.append(("passed", idx in (0, 1, 2)))
ps = [threading.Thread(target=party, args=(i,)) for i in range(3)]
for p in ps: p.start()
for p in ps: p.join()
print(order[0], sorted(order[1:]))
b2 = threading.Barrier(2, timeout=0.02)
try:
    b2.wait()
except threading.BrokenBarrierError as e:
    print("broken", type(e).__name__, b2.broken)
b2.reset()
print(b2.broken, b2.n_waiting)
b3 = threading.Barrier(2)
b3.abort()
try:
    b3.wait()
except threading.BrokenBarrierError:
    print("aborted barrier raises")
data = threading.local()
data.value = "main"
seen = []
def use_local(n):
    data.value = n
    time.sleep(0.01)
    seen.append(data.value == n)
ls = [threading.Thread(target=use_local, args=(i,)) for i in range(4)]
for x in ls: x.start()
for x in ls: x.join()
print(seen, data.value, hasattr(threading.local(), "value"))
