# Event signalling: start gates, one-shot notifications, timeouts, and a semaphore-bounded worker pool.
import threading, time
start = threading.Event()
ready_count = [0]
lock = threading.Lock()
started_before_gate = []
def runner(k, out):
    with lock:
        ready_count[0] += 1
    start.wait()
    out.append(k * k)
out = []
ts = [threading.Thread(target=runner, args=(k, out)) for k in range(6)]
for t in ts: t.start()
while True:
    with lock:
        if ready_count[0] == 6:
            break
    time.sleep(0.001)
print("all waiting, none done:", out == [])
start.set()
for t in ts: t.join()
print(sorted(out))
done_events = [threading.Event() for _ in range(4)]
order = []
def chained(k):
    if k > 0:
        done_events[k - 1].wait()
    order.append(k)
    done_events[k].set()
ts = [threading.Thread(target=chained, args=(k,)) for k in reversed(range(4))]
for t in ts: t.start()
for t in ts: t.join()
print(order)
never = threading.Event()
t0 = time.monotonic()
print(never.wait(0.05), time.monotonic() - t0 >= 0.04)
flag = threading.Event()
def setter():
    time.sleep(0.02)
    flag.set()
threading.Thread(target=setter).start()
print(flag.wait(timeout=5), flag.is_set())
pool = threading.BoundedSemaphore(2)
active = [0]
peak = [0]
def pooled(k, results):
    with pool:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.005)
        results.append(k)
        with lock:
            active[0] -= 1
results = []
ts = [threading.Thread(target=pooled, args=(k, results)) for k in range(10)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(results), peak[0] <= 2, active[0])
stop = threading.Event()
ticks = []
def ticker():
    while not stop.wait(0.002):
        ticks.append(1)
tk = threading.Thread(target=ticker); tk.start()
time.sleep(0.03)
stop.set(); tk.join()
print(len(ticks) > 0, tk.is_alive())
