# Generators, coroutines and async generators are weakly referenceable; the weak
# reference dies with the object (callback called), and survives while it lives.
import gc
import weakref

def gen():
    yield 1

async def coro():
    return 1

async def agen():
    yield 1

for make in (gen, coro, agen):
    died = []
    o = make()
    r = weakref.ref(o, lambda ref: died.append(True))
    print(type(o).__name__, r() is o, died)
    if make is coro:
        o.close()
    del o
    gc.collect()
    print(" ", r(), died)
    p = make()
    s = weakref.WeakSet([p])
    print(" ", len(s))
    if make is coro:
        p.close()
    del p
    gc.collect()
    print(" ", len(s))

# A generator in a cycle with its weak reference's callback owner.
g = gen()
holder = {"g": g}
holder["self"] = holder
wr = weakref.ref(g)
del g, holder
gc.collect()
print(wr())
