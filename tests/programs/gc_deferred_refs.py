# Functions, classes and modules are reference-counted lazily (deferred): frames
# refer to them without counting, and the collector finds those references by
# scanning the running frames. Objects referenced only from a running frame must
# survive collections.
import gc
import threading
import weakref


def churn():
    # Reuses freed memory, so that running freed code would show.
    return len([(i, str(i), [i]) for i in range(20000)])


def victim(n):
    # The only reference left to this function (and so to its code) is the
    # caller's stack.
    ref = weakref.ref(victim)
    del globals()["victim"]
    gc.collect()
    churn()
    total = 0
    for i in range(n):
        total += i
    return total, ref() is not None


def call_victim():
    return victim(10)


print(call_victim())
print("victim" in globals())


class Temp:
    def method(self):
        ref = weakref.ref(Temp.method)
        del globals()["Temp"]
        gc.collect()
        churn()
        return type(self).__name__, ref() is not None


def use_temp():
    return Temp().method()


print(use_temp())


def outer():
    def helper(x):
        return x * 2

    g = {"helper": helper}
    exec("def top(v):\n    return helper(v) + 1", g)
    top = g.pop("top")
    del g
    gc.collect()
    return top(20)


print(outer())


def shared(a, b):
    return (a * 31 + b) % 1009


class Config:
    scale = 3


results = []
lock = threading.Lock()


def worker(k):
    total = 0
    for i in range(2000):
        total += shared(i, k) * Config.scale
        if i % 500 == 0:
            gc.collect()
    with lock:
        results.append(total)


threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results))
print(gc.collect() >= 0)
