"""Threaded workloads, each run on 1 thread and on N threads with the total work
split evenly: object creation, method calls, closures, dict creation, generators,
float arithmetic, reading one shared object's attributes, calling one shared
function. Prints a checksum per workload (identical for any thread count); with
--threads N (default 2) and --report, prints the times to stderr.

Arguments: an optional total amount of work first (default 1000000 iterations per
workload, split evenly over the threads; enough that thread start-up and join, about
0.1 ms a thread, stay a small share of a JIT-compiled workload), --threads N, --workload NAME (one workload
only, e.g. w_dicts or dicts), --report, and --repeat R: each workload first runs once
untimed (warm-up: the heap grows, caches fill), then R alternating timed pairs of
1-thread and N-thread runs, and the fastest of each is reported (without --repeat, one
pair and no warm-up, so the 1-thread run pays the warm-up). The work is split, so the speedup printed
is t(1 thread) / t(N threads): N on a perfect N-core run, about 1 under a GIL (this
is N * t1 / t(N) with t1 the time of one thread doing one thread's share)."""
import sys
import threading
import time

TOTAL = 1000000


class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def dot(self, other):
        return self.x * other.x + self.y * other.y


class Config:
    def __init__(self):
        self.scale = 3
        self.offset = 7
        self.name = "shared"


SHARED = Config()


def shared_function(a, b):
    return (a * 31 + b) % 1009


def w_objects(n):
    s = 0
    for i in range(n):
        v = Vec(i, i + 1)
        s += v.x - v.y
    return s


def w_methods(n):
    a = Vec(1, 2)
    b = Vec(3, 4)
    s = 0
    for _ in range(n):
        s += a.dot(b)
    return s


def w_closures(n):
    def make(k):
        def f(x):
            return x + k
        return f
    s = 0
    for i in range(n):
        s += make(i % 7)(1)
    return s


def w_dicts(n):
    s = 0
    for i in range(n):
        d = {"a": i, "b": i + 1}
        s += d["a"] + d["b"]
    return s


def w_generators(n):
    def gen(m):
        for i in range(m):
            yield i
    s = 0
    for _ in range(n // 10):
        s += sum(gen(10))
    return s


def w_floats(n):
    x = 0.0
    for i in range(n):
        x += (i * 0.5) / (1.0 + i)
    return round(x, 3)


def w_shared_attrs(n):
    s = 0
    cfg = SHARED
    for i in range(n):
        s += cfg.scale * i + cfg.offset
    return s


def w_shared_call(n):
    s = 0
    for i in range(n):
        s += shared_function(i, 3)
    return s


WORKLOADS = [w_objects, w_methods, w_closures, w_dicts, w_generators, w_floats,
             w_shared_attrs, w_shared_call]


def run(workload, nthreads, total=TOTAL):
    per = total // nthreads
    results = [None] * nthreads

    def body(k):
        results[k] = workload(per)

    threads = [threading.Thread(target=body, args=(k,)) for k in range(nthreads)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - t0


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else TOTAL
    nthreads = 2
    if "--threads" in sys.argv:
        nthreads = int(sys.argv[sys.argv.index("--threads") + 1])
    workloads = WORKLOADS
    if "--workload" in sys.argv:
        name = sys.argv[sys.argv.index("--workload") + 1]
        workloads = [w for w in WORKLOADS if w.__name__ in (name, "w_" + name)]
        if not workloads:
            raise SystemExit("unknown workload %r; one of %s"
                             % (name, ", ".join(w.__name__ for w in WORKLOADS)))
    repeat = 1
    if "--repeat" in sys.argv:
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1])
    for w in workloads:
        if "--repeat" in sys.argv:
            run(w, nthreads, total)
        t1 = tn = None
        for _ in range(repeat):
            r1, t = run(w, 1, total)
            t1 = t if t1 is None else min(t1, t)
            rn, t = run(w, nthreads, total)
            tn = t if tn is None else min(tn, t)
        print(w.__name__, r1[0])
        if "--report" in sys.argv:
            print("%s 1 thread %.4f s, %d threads %.4f s, speedup %.2f"
                  % (w.__name__, t1, nthreads, tn, t1 / tn if tn else 0.0),
                  file=sys.stderr)


main()
