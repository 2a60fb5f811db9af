# Threads started and ended in a loop, and cyclic garbage made in a loop, keep the
# resident set bounded (a generous bound: this checks for leaks, not for size).
import gc
import threading


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def churn(rounds):
    for _ in range(rounds):
        box = []
        ts = [threading.Thread(target=box.append, args=(i,)) for i in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert sorted(box) == [0, 1, 2, 3]
        for _ in range(20):
            a, b = {}, []
            a["b"] = b
            b.append(a)
            c = [None]
            c[0] = c


churn(50)
gc.collect()
before = rss_kib()
churn(400)
gc.collect()
after = rss_kib()
growth_mib = (after - before) / 1024
print("bounded" if growth_mib < 64 else "grew %.1f MiB" % growth_mib)
print(threading.active_count())
