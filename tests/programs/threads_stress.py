# Threads under stress: eight workers append to one list, update distinct keys of one
# dict, add to one set and increment instance and class attributes under a lock, while
# another thread collects garbage and a third mutates the class (new methods, a new
# __init__) and reassigns a function's __code__ and __defaults__. The counts Python
# guarantees come out exact.
import gc
import threading

WORKERS = 8
ROUNDS = 2
N = 250


class Counter:
    total = 0

    def __init__(self):
        self.value = 0

    def bump(self):
        return 1


def step(x, k=1):
    return x + k


def step_twice(x, k=2):
    return x + k


def run_round(r):
    shared_list = []
    shared_dict = {}
    shared_set = set()
    counter = Counter()
    lock = threading.Lock()
    stop = threading.Event()
    start = threading.Barrier(WORKERS + 2)

    def worker(w):
        start.wait()
        for i in range(N):
            shared_list.append((w, i))
            shared_dict[(w, i)] = i
            shared_set.add(w * N + i)
            step(i)
            with lock:
                counter.value += 1
                Counter.total += 1
            counter.bump()

    def collector():
        start.wait()
        while not stop.is_set():
            junk = [[] for _ in range(50)]
            for a, b in zip(junk, junk[1:]):
                a.append(b)
                b.append(a)
            del junk
            gc.collect()

    def mutator():
        n = 0
        while not stop.is_set():
            n += 1
            setattr(Counter, "extra%d" % (n % 5), lambda self, n=n: n)
            Counter.__init__ = Counter.__init__
            step.__code__ = (step_twice if n % 2 else step).__code__
            step.__defaults__ = (n % 3,)
            if n > 10000:
                break

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(WORKERS)]
    gc_thread = threading.Thread(target=collector)
    for t in threads + [gc_thread]:
        t.start()
    mut = threading.Thread(target=mutator)
    mut.start()
    start.wait()
    for t in threads:
        t.join()
    stop.set()
    gc_thread.join()
    mut.join()
    expected = WORKERS * N
    print(r, len(shared_list), len(shared_dict), len(shared_set),
          counter.value, Counter.total == expected * (r + 1),
          sorted(shared_list) == sorted((w, i) for w in range(WORKERS) for i in range(N)),
          all(shared_dict[(w, i)] == i for w in range(WORKERS) for i in range(N)))


for r in range(ROUNDS):
    run_round(r)
print("done")
