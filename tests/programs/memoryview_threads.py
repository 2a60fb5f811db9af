# A memoryview over a bytearray shared by threads: one writes through the view while
# another reads through it and through the bytearray; threads append to one bytearray;
# a thread keeps taking and releasing views while another resizes, retrying on
# BufferError. The final contents are exact.
import threading

N = 256
ba = bytearray(N)
view = memoryview(ba)
start = threading.Barrier(2)
bad = []


def writer():
    start.wait()
    for rnd in range(1, 41):
        for i in range(N):
            view[i] = (i + rnd) % 256
        view[0:4] = bytes([rnd, rnd, rnd, rnd])


def reader():
    start.wait()
    for _ in range(200):
        snap = view.tobytes()
        if len(snap) != N or len(ba) != N or len(view.tolist()) != N:
            bad.append(len(snap))
        view[N - 1]


threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("bad reads", bad)
print(ba[:4], ba[4:8], ba[-2:], view[5], view.tobytes() == bytes(ba))
view.release()

# Four threads append to one bytearray.
shared = bytearray()
go = threading.Barrier(4)


def appender(k):
    go.wait()
    for _ in range(2000):
        shared.append(k)
    shared.extend(bytes([k]) * 100)


ts = [threading.Thread(target=appender, args=(k,)) for k in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(shared), [shared.count(k) for k in range(4)])

# Views come and go while another thread resizes; resizes that meet an export are
# retried, so the final size is exact.
target = bytearray(b"x" * 64)
done = threading.Event()
sync = threading.Barrier(2)
seen = {"refused": 0}


def viewer():
    sync.wait()
    total = 0
    while not done.is_set():
        with memoryview(target) as v:
            total += v[0]
            v[0] = 120
    print("viewer ok", total >= 0)


def resizer():
    sync.wait()
    for i in range(3000):
        while True:
            try:
                target.append(i % 256)
                break
            except BufferError:
                seen["refused"] += 1
    for i in range(1000):
        while True:
            try:
                del target[-1]
                break
            except BufferError:
                seen["refused"] += 1
    done.set()


ts = [threading.Thread(target=viewer), threading.Thread(target=resizer)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(target), target[:1], bytes(target[64:70]), seen["refused"] >= 0)

# Two threads write disjoint halves through one view, a third reads both halves.
half = bytearray(1000)
hv = memoryview(half)
b3 = threading.Barrier(3)


def fill(lo, val):
    b3.wait()
    for _ in range(20):
        hv[lo:lo + 500] = bytes([val]) * 500


def watch():
    b3.wait()
    for _ in range(100):
        s = hv.tobytes()
        assert set(s[:500]) <= {0, 1} and set(s[500:]) <= {0, 2}, "torn half"


ts = [threading.Thread(target=fill, args=(0, 1)), threading.Thread(target=fill, args=(500, 2)),
      threading.Thread(target=watch)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(half.count(1), half.count(2), half[499:501])
