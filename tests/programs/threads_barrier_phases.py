# Barrier phases: workers compute in lock-step rounds; each phase reads only the previous phase's results.
import threading
N, PHASES = 4, 20
barrier = threading.Barrier(N)
grid = [[0] * N for _ in range(PHASES + 1)]
grid[0] = [1, 2, 3, 4]
def worker(k):
    for p in range(PHASES):
        prev = grid[p]
        grid[p + 1][k] = (prev[k] + prev[(k + 1) % N] + p) % 1009
        barrier.wait()
ts = [threading.Thread(target=worker, args=(k,)) for k in range(N)]
for t in ts: t.start()
for t in ts: t.join()
print(grid[PHASES], grid[1], grid[5])
ref = [[1, 2, 3, 4]]
for p in range(PHASES):
    prev = ref[-1]
    ref.append([(prev[k] + prev[(k + 1) % N] + p) % 1009 for k in range(N)])
print(grid == ref)
phase_log = []
lock = threading.Lock()
def on_phase():
    phase_log.append(len(phase_log))
b2 = threading.Barrier(3, action=on_phase)
indices = []
def stepper():
    for _ in range(10):
        i = b2.wait()
        with lock:
            indices.append(i)
ts = [threading.Thread(target=stepper) for _ in range(3)]
for t in ts: t.start()
for t in ts: t.join()
print(phase_log, sorted(indices) == sorted(list(range(3)) * 10), b2.n_waiting, b2.broken)
broken_seen = []
b3 = threading.Barrier(3)
def breaker(k):
    try:
        if k == 0:
            b3.abort()
        else:
            b3.wait(timeout=5)
    except threading.BrokenBarrierError:
        with lock:
            broken_seen.append(k)
ts = [threading.Thread(target=breaker, args=(k,)) for k in range(3)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(broken_seen), b3.broken)
