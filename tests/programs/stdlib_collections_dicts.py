# defaultdict, OrderedDict, Counter, ChainMap: behaviour, arithmetic, ordering, reprs and errors.
from collections import defaultdict, OrderedDict, Counter, ChainMap
dd = defaultdict(list)
for k, v in [("a", 1), ("b", 2), ("a", 3)]:
    dd[k].append(v)
print(dd, dict(dd), dd["new"], len(dd), dd.default_factory, isinstance(dd, dict))
ci = defaultdict(int, {"x": 1})
ci["x"] += 1; ci["y"] += 5
print(ci, ci.copy(), type(ci.copy()).__name__, ci | {"z": 0})
nf = defaultdict()
try:
    nf["missing"]
except KeyError as e:
    print(type(e).__name__, e)
print(nf, defaultdict(lambda: "d")["q"], "q" in defaultdict(str), dd.get("zz"))
try:
    defaultdict(5)
except TypeError as e:
    print(type(e).__name__, e)
tree = lambda: defaultdict(tree)
t = tree(); t["a"]["b"]["c"] = 1
print(dict(t["a"]["b"]), list(t))
od = OrderedDict([("x", 1), ("y", 2), ("z", 3)])
od.move_to_end("x"); print(od)
od.move_to_end("z", last=False); print(list(od))
print(od.popitem(), od.popitem(last=False), od)
od2 = OrderedDict(a=1, b=2)
print(od2 == OrderedDict(b=2, a=1), od2 == dict(b=2, a=1), OrderedDict() == OrderedDict(), od2 != OrderedDict(a=1, b=2))
print(OrderedDict.fromkeys("ab", 0), od2 | {"c": 3}, od2.copy(), list(reversed(od2)), OrderedDict(), repr(OrderedDict([(1, [2])])))
try:
    od2.move_to_end("nope")
except KeyError as e:
    print(type(e).__name__, e)
try:
    OrderedDict().popitem()
except KeyError as e:
    print(type(e).__name__, e)
c = Counter("abracadabra")
print(c, c.most_common(2), c.most_common(), c["z"], c.total(), sorted(c.elements()), len(c))
c.update("aaz"); c.subtract({"b": 5}); print(c)
c2 = Counter(a=3, b=1, q=-2)
print(c2 + Counter(a=1, b=1), c2 - Counter(a=1), c2 | Counter(b=5), c2 & Counter(a=2, b=9), +c2, -c2)
c3 = Counter(a=1); c3 += Counter(a=2, b=-1); print(c3)
c3 -= Counter(a=5); print(c3)
print(Counter(a=1) == Counter(a=1, b=0), Counter(a=1) <= Counter(a=2), Counter(a=3) > Counter(a=1), Counter() == Counter())
print(Counter({"x": 2, "y": 2, "w": 3}).most_common(2), Counter([1, 1, 2]) , Counter(), Counter(cats=4, dogs=8))
del c["a"]; del c["not-there"]; print("a" in c)
try:
    Counter.fromkeys("abc")
except NotImplementedError as e:
    print(type(e).__name__, e)
words = "the quick brown fox jumps over the lazy dog the end".split()
print(Counter(words).most_common(1), Counter(len(w) for w in words))
cm = ChainMap({"a": 1}, {"a": 2, "b": 3})
print(cm["a"], cm["b"], len(cm), sorted(cm), "b" in cm, cm.get("z", 0), cm)
cm["c"] = 4; child = cm.new_child({"a": 0})
print(cm.maps[0], child["a"], child.parents["a"], dict(child))
try:
    del cm["b"]
except KeyError as e:
    print(type(e).__name__, e)
