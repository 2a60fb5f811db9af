# WeakKeyDictionary and WeakSet.
import gc
import weakref


class K:
    def __init__(self, n):
        self.n = n
        self.loop = self

    def __repr__(self):
        return "K(%d)" % self.n


keys = [K(i) for i in range(5)]
meta = weakref.WeakKeyDictionary()
for k in keys:
    meta[k] = k.n * 10
print(len(meta), meta[keys[3]], keys[0] in meta, K(9) in meta, 5 in meta)
print(sorted(meta.values()), sorted(k.n for k in meta.keys()))
del keys[:2]
gc.collect()
print(len(meta), sorted(v for k, v in meta.items()))
print(meta.get(keys[0]), meta.get(K(42), "missing"), meta.pop(keys[0]), len(meta))
print(meta.setdefault(keys[1], "sd"), meta.setdefault(keys[0], "new"))
del meta[keys[0]]
print(len(meta), len(meta.keyrefs()))
try:
    meta[K(1)]
except KeyError:
    print("KeyError for unknown key")
try:
    meta[1] = 2
except TypeError as e:
    print("TypeError", e)
keys.clear()
gc.collect()
print(len(meta), list(meta.items()))

items = [K(i) for i in range(4)]
ws = weakref.WeakSet(items)
print(len(ws), items[0] in ws, K(0) in ws, 3 in ws)
ws.add(items[0])
print(len(ws))
ws.discard(items[1])
ws.remove(items[2])
try:
    ws.remove(items[2])
except KeyError:
    print("KeyError on remove")
print(sorted(k.n for k in ws))
extra = K(7)
ws.add(extra)
print(len(ws))
del extra
gc.collect()
print(len(ws), sorted(k.n for k in ws))
other = weakref.WeakSet([items[0]])
print(sorted(k.n for k in ws | other), sorted(k.n for k in ws & other), other <= ws,
      ws == weakref.WeakSet(ws), ws.isdisjoint(weakref.WeakSet([items[1]])))
popped = ws.pop()
print(popped in items, len(ws))
items.clear()
gc.collect()
print(len(ws), list(ws))
try:
    ws.pop()
except KeyError as e:
    print("KeyError", e)
