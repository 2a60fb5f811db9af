# dict methods: get/setdefault/pop/popitem/update/fromkeys/copy/clear, constructors, errors.
d = {"a": 1, "b": 2}
print(d.get("a"), d.get("z"), d.get("z", 0), d.setdefault("a", 9), d.setdefault("c", 3), d.setdefault("n"), d)
print(d.pop("n"), d.pop("zz", "dflt"), d)
try:
    d.pop("zz")
except KeyError as e:
    print(type(e).__name__, e)
print(d.popitem(), d)
e = {}
try:
    e.popitem()
except KeyError as ex:
    print(type(ex).__name__, ex)
d.update({"x": 10}); d.update([("y", 20), ["z", 30]]); d.update(w=40, a=100); d.update({"b": 0}, q=1); print(d)
for bad in ([1, 2], [("a",)], [(1, 2, 3)], 5):
    try:
        {}.update(bad)
    except (TypeError, ValueError) as ex:
        print(type(ex).__name__, ex)
print(dict.fromkeys("abc"), dict.fromkeys(range(3), 0), dict.fromkeys([]), dict.fromkeys((1, 2), []))
c = d.copy(); c["new"] = 1; print(len(c), len(d), "new" in d)
c.clear(); print(c)
print(dict(), dict(a=1), dict([(1, 2)]), dict({1: 2}, b=3), dict(zip("ab", [1, 2])), dict(((i, i * i) for i in range(4))))
try:
    d["missing"]
except KeyError as ex:
    print(type(ex).__name__, ex)
try:
    d[[1]] = 2
except TypeError as ex:
    print(type(ex).__name__, ex)
try:
    {}.get()
except TypeError as ex:
    print(type(ex).__name__, ex)
try:
    del d["missing"]
except KeyError as ex:
    print(type(ex).__name__, repr(ex))
del d["x"]; print(d, len(d), "y" in d, 20 in d, d.__contains__("w"))
nested = {"outer": {"inner": [1, {"deep": True}]}}
nested["outer"]["inner"][1]["deep"] = False; print(nested)
k = {1: "int", 1.0: "float", True: "bool"}; print(k, len(k))
k2 = {(1, 2): "t", frozenset([1]): "fs", None: "n", "s": "str", 2.5: "f"}; print(k2[(1, 2)], k2[frozenset({1})], k2[None])
class Key:
    def __init__(self, v): self.v = v
    def __hash__(self): return hash(self.v)
    def __eq__(self, o): return isinstance(o, Key) and o.v == self.v
    def __repr__(self): return f"Key({self.v})"
kd = {Key(1): "one"}; print(kd[Key(1)], Key(2) in kd, kd)
class Missing(dict):
    def __missing__(self, key): return key * 2
m = Missing(a=1); print(m["a"], m["zz"], m.get("zz"), m)
