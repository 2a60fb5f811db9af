# WeakValueDictionary: entries vanish with their values (refcount and cycles).
import gc
import weakref


class Obj:
    def __init__(self, n):
        self.n = n
        self.me = None

    def __repr__(self):
        return "Obj(%d)" % self.n


cache = weakref.WeakValueDictionary()
objs = [Obj(i) for i in range(6)]
for o in objs:
    cache["k%d" % o.n] = o
print(len(cache), sorted(cache.keys()), cache["k2"], "k3" in cache)
del objs[0]
del objs[0]
print(len(cache), sorted(cache), "k0" in cache, cache.get("k1"), cache.get("k1", "dflt"))
try:
    cache["k0"]
except KeyError as e:
    print("KeyError", e)

cyclic = Obj(99)
cyclic.me = cyclic
cache["cyc"] = cyclic
del cyclic
print("cyc" in cache)
gc.collect()
print("cyc" in cache, len(cache))

print(sorted((k, v.n) for k, v in cache.items()))
print(sorted(v.n for v in cache.values()))
print(cache.pop("k2"), len(cache), cache.pop("nope", "default"))
try:
    cache.pop("nope")
except KeyError as e:
    print("KeyError", e)
print(cache.setdefault("k3", None), cache.setdefault("new", objs[-1]))
del cache["new"]
try:
    del cache["new"]
except KeyError as e:
    print("KeyError", e)
cp = cache.copy()
print(type(cp).__name__, sorted(cp.keys()) == sorted(cache.keys()))
cache.update({"x": objs[0]}, y=objs[1])
print(sorted(cache.keys()))
refs = cache.valuerefs()
print(len(refs), all(isinstance(r, weakref.ref) for r in refs))
objs.clear()
print(len(cache), list(cache.items()))
cache.clear()
print(len(cache))

# Values that die while iterating a snapshot are skipped, not errors.
vals = [Obj(i) for i in range(4)]
wd = weakref.WeakValueDictionary((i, v) for i, v in enumerate(vals))
seen = []
for k in list(wd.keys()):
    seen.append(k)
    if k == 1:
        vals.pop()
print(seen, sorted(wd.keys()))
