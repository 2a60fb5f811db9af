# CPython's weakref.py and _weakrefset.py on strand's _weakref: WeakValueDictionary and WeakKeyDictionary (removal on death, iteration guards, setdefault/pop/update, copies), WeakSet operations, finalize (call once, detach, peek, alive, atexit), WeakMethod.
import copy
import gc
import weakref


class Obj:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Obj(%s)" % self.name

    def method(self):
        return "method of " + self.name


objs = [Obj(str(i)) for i in range(5)]
wv = weakref.WeakValueDictionary({i: o for i, o in enumerate(objs)})
print(len(wv), wv[2], 3 in wv, sorted(wv.keys()), wv.get(9, "dflt"))
del objs[0]
gc.collect()
print(len(wv), 0 in wv, sorted(wv))
for k, v in wv.items():
    if k == 1:
        del objs[0]
gc.collect()
print(sorted(wv))
extra = Obj("x")
print(wv.setdefault("x", extra), wv.pop("x"), "x" in wv, wv.pop("nope", None))
wv.update({"y": extra})
print(sorted(map(str, wv.keys())), [r() for r in wv.valuerefs() if str(r().name) == "x"])
wc = wv.copy()
print(type(wc).__name__, len(wc) == len(wv), len(copy.deepcopy(wv)) == len(wv))
del extra
gc.collect()
print("y" in wv, "y" in wc)
try:
    wv["missing"]
except KeyError as e:
    print("KeyError", e)
print(repr(wv).startswith("<WeakValueDictionary at 0x"))

keys = [Obj("k%d" % i) for i in range(4)]
wk = weakref.WeakKeyDictionary()
for i, k in enumerate(keys):
    wk[k] = i
print(len(wk), wk[keys[1]], keys[2] in wk, sorted(wk.values()))
del keys[1]
gc.collect()
print(len(wk), sorted(wk.values()), sorted(k.name for k in wk.keys()))
print(wk.pop(keys[0]), len(wk), wk.setdefault(keys[0], 99), wk.get(keys[0]))
kc = wk.copy()
keys.clear()
gc.collect()
print(len(wk), len(kc))

items = [Obj(c) for c in "abc"]
ws = weakref.WeakSet(items)
other = weakref.WeakSet(items[:2])
print(len(ws), items[0] in ws, other < ws, ws >= other, other.issubset(ws))
print(sorted(o.name for o in ws - other), sorted(o.name for o in ws & other), sorted(o.name for o in ws | other))
ws.discard(items[2])
print(len(ws), ws == other)
items.pop()
items.pop()
gc.collect()
print(len(ws), sorted(o.name for o in ws), len(other))

log = []
target = Obj("t")
f = weakref.finalize(target, log.append, "finalized")
print(f.alive, f.peek()[0] is target, f.atexit)
del target
gc.collect()
print(log, f.alive, f.peek(), f())
t2 = Obj("t2")
f2 = weakref.finalize(t2, log.append, "never")
print(f2.detach()[2], f2.alive, f2.detach())
t3 = Obj("t3")
f3 = weakref.finalize(t3, lambda *a, **k: log.append(("called", a, k)), 1, key=2)
print(f3(), f3(), log[-1])
t4 = Obj("t4")
f4 = weakref.finalize(t4, print, "finalizer at exit runs")
print(f4.atexit)

o = Obj("m")
wm = weakref.WeakMethod(o.method)
print(wm()(), wm == weakref.WeakMethod(o.method), hash(wm) == hash(weakref.WeakMethod(o.method)))
try:
    weakref.WeakMethod(len)
except TypeError as e:
    print("TypeError", e)
del o
gc.collect()
print(wm())
print("end of main")
