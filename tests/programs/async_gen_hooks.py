# sys.set_asyncgen_hooks / get_asyncgen_hooks: firstiter runs on an async
# generator's first iteration, finalizer when an unfinished one is collected
# (by reference count or by the cycle collector). Each thread has its own hooks.
import gc
import sys
import threading


def run(aw):
    it = aw.__await__()
    while True:
        try:
            it.send(None)
        except StopIteration as e:
            return e.value


print(sys.get_asyncgen_hooks())
h = sys.get_asyncgen_hooks()
print(type(h).__name__, h.firstiter, h.finalizer, len(h), tuple(h))

seen = []
finalized = []


def firstiter(agen):
    seen.append(agen.__name__)


def finalizer(agen):
    finalized.append(agen.__name__)
    # A finalizer usually schedules aclose() on its event loop; do it here.
    try:
        run(agen.aclose())
    except Exception as e:
        print("aclose raised", type(e).__name__, e)


async def gen(n):
    try:
        for i in range(n):
            yield i
    finally:
        print("  gen finally", n)


sys.set_asyncgen_hooks(firstiter, finalizer)
h = sys.get_asyncgen_hooks()
print(h.firstiter is firstiter, h.finalizer is finalizer, h[0] is firstiter)

# The hooks belong to the thread that set them.
in_thread = []
worker = threading.Thread(target=lambda: in_thread.append(sys.get_asyncgen_hooks()))
worker.start()
worker.join()
print("other thread:", in_thread)

g = gen(3)
print("created", seen)
print(run(g.__anext__()), "first", seen)
print(run(g.__anext__()), seen)
del g
print("after del", finalized)

g = gen(2)
g.aclose()  # hooks run at the first asend/athrow/aclose/__anext__ call
print(seen)
del g
print("unstarted", finalized)

# A finished generator is not finalized.
g = gen(1)
print(run(g.__anext__()))
try:
    run(g.__anext__())
except StopAsyncIteration:
    print("exhausted")
del g
print(finalized)

# In a reference cycle: the collector finalizes it.
class Box:
    pass


b = Box()
b.self = b
b.g = gen(5)
run(b.g.__anext__())
del b
print("before collect", finalized)
gc.collect()
print("after collect", finalized)

# The finalizer is the one set when the generator first ran.
def other_finalizer(agen):
    print("  other finalizer", agen.__name__)
    run(agen.aclose())


g = gen(4)
run(g.__anext__())
sys.set_asyncgen_hooks(finalizer=other_finalizer)
print(sys.get_asyncgen_hooks().finalizer is other_finalizer, sys.get_asyncgen_hooks().firstiter is firstiter)
del g
g = gen(6)
run(g.__anext__())
del g

# Errors.
for args, kw in [((1,), {}), ((), {"finalizer": 2}), ((None, 3), {}), ((), {"bogus": 1})]:
    try:
        sys.set_asyncgen_hooks(*args, **kw)
    except TypeError as e:
        print("TypeError:", e)
print(sys.get_asyncgen_hooks().firstiter is firstiter)

# A failing firstiter propagates from the first iteration.
def bad_firstiter(agen):
    raise ValueError("no first iteration for " + agen.__name__)


sys.set_asyncgen_hooks(firstiter=bad_firstiter)
g = gen(1)
try:
    g.__anext__()
except ValueError as e:
    print("ValueError:", e)
print(type(g.__anext__()).__name__)

# None clears.
sys.set_asyncgen_hooks(None, None)
print(sys.get_asyncgen_hooks())
g = gen(2)
run(g.__anext__())
del g
print("done", seen, finalized)
