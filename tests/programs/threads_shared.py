# Threads without a GIL: shared counters under a Lock, shared list appends, events,
# conditions, semaphores, and an uncaught exception in a thread.
import threading

counter = 0
lock = threading.Lock()

def work(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1

threads = [threading.Thread(target=work, args=(5000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("counter", counter)

shared = []
def appender(i):
    for j in range(500):
        shared.append((i, j))

ts = [threading.Thread(target=appender, args=(i,)) for i in range(6)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("appended", len(shared), len(set(shared)))

cond = threading.Condition()
items = []
def consumer():
    with cond:
        while not items:
            cond.wait()
        print("consumed", items.pop())

c = threading.Thread(target=consumer)
c.start()
with cond:
    items.append(42)
    cond.notify()
c.join()

sem = threading.Semaphore(2)
active = 0
peak = 0
guard = threading.Lock()
def limited():
    global active, peak
    with sem:
        with guard:
            active += 1
            peak = max(peak, active)
        with guard:
            active -= 1

ws = [threading.Thread(target=limited) for _ in range(6)]
for w in ws:
    w.start()
for w in ws:
    w.join()
print("peak within limit", peak <= 2)

rl = threading.RLock()
with rl:
    with rl:
        print("reentrant ok")
print(threading.current_thread().name, threading.active_count())
t = threading.Thread(target=lambda: None, name="worker")
print(t.name, t.is_alive())
t.start()
t.join()
print(t.is_alive())
