# gc debug flags (DEBUG_SAVEALL into gc.garbage), get_objects/get_referrers/
# get_referents, is_finalized, freeze/unfreeze, generation argument checks.
import gc

print(gc.DEBUG_STATS, gc.DEBUG_COLLECTABLE, gc.DEBUG_UNCOLLECTABLE,
      gc.DEBUG_SAVEALL, gc.DEBUG_LEAK)
print(gc.get_debug(), type(gc.garbage).__name__, gc.garbage)

gc.collect()
gc.set_debug(gc.DEBUG_SAVEALL)
print(gc.get_debug())
l = []
l.append(l)
id_l = id(l)
del l
gc.collect()
gc.set_debug(0)
print(len(gc.garbage), id(gc.garbage[0]) == id_l, gc.garbage[0] is gc.garbage[0][0])
g = gc.garbage.pop()
del g
gc.collect()
print(gc.garbage)

class A:
    pass

a = A()
holder = [a]
other = {"k": a}
refs = gc.get_referrers(a)
print(sum(1 for r in refs if r is holder), sum(1 for r in refs if r is other))
print(any(x is a for x in gc.get_referents(holder)))
print(gc.get_referents(1, "x"), sorted(map(repr, gc.get_referents([1, 2], (3,)))))
print(any(x is holder for x in gc.get_objects()))
print(any(x is holder for x in gc.get_objects(generation=None)))
print(any(type(x) is int for x in gc.get_objects()))

for bad in (3, -1, -2, "x", 2.0):
    try:
        print(len(gc.get_objects(generation=bad)) > 0)
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)

class Lazarus:
    def __del__(self):
        pass

x = Lazarus()
print(gc.is_finalized(x), gc.is_finalized(3))
x.self = x
import weakref
saved = []
class Keep:
    def __del__(self):
        saved.append(self)
k = Keep()
k.cycle = k
del k
gc.collect()
print(len(saved), gc.is_finalized(saved[0]))
saved.clear()

gc.freeze()
print(gc.get_freeze_count() > 0)
gc.unfreeze()
print(gc.get_freeze_count())

try:
    gc.set_debug("a")
except TypeError as e:
    print("TypeError", e)
for f, args in ((gc.get_debug, (1,)), (gc.set_debug, ()), (gc.set_debug, (1, 2)),
                (gc.freeze, (1,)), (gc.is_finalized, ())):
    try:
        f(*args)
    except TypeError as e:
        print("TypeError", e)

# collect()'s count leaves out what a finalizer resurrected.
class Cyc:
    def __init__(self):
        self.me = self

class Res(Cyc):
    def __del__(self):
        revived.append(self)

revived = []
gc.collect()
gc.disable()
for i in range(50):
    Cyc()
print(gc.collect())
def stats():
    d = gc.get_stats()[-1]
    return d["collected"], d["uncollectable"]

c0 = stats()
Res()
print(gc.collect(), len(revived))
c1 = stats()
print(c1[0] - c0[0], c1[1] - c0[1])
Res()
for i in range(30):
    Cyc()
print(gc.collect(), len(revived))
c2 = stats()
print(c2[0] - c1[0], c2[1] - c1[1])
gc.enable()
