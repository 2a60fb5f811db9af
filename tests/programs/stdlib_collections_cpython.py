# CPython's collections/__init__.py on strand's _collections: OrderedDict (moves, pops, equality, reversed, views), Counter arithmetic and most_common, ChainMap, namedtuple details, UserDict/UserList/UserString, deque and defaultdict reprs, and collections.abc checks.
import collections
import collections.abc as cabc
import copy
import pickle
from collections import (ChainMap, Counter, OrderedDict, UserDict, UserList,
                         UserString, defaultdict, deque, namedtuple)

od = OrderedDict.fromkeys("abcde")
od.move_to_end("b")
od.move_to_end("e", last=False)
print(list(od), od.popitem(), od.popitem(last=False), list(reversed(od)))
od["z"] = 1
print(od, repr(OrderedDict()), od.pop("a"), od.setdefault("q", 5), list(od.items()))
print(OrderedDict(a=1, b=2) == OrderedDict(b=2, a=1), OrderedDict(a=1, b=2) == dict(b=2, a=1))
print(list(reversed(od.keys())), list(reversed(od.values())), list(reversed(od.items())))
od2 = copy.copy(od)
print(od2 == od, od2 is od, pickle.loads(pickle.dumps(od)) == od)
print(od | {"w": 0}, OrderedDict.__module__, isinstance(od, dict))
try:
    od.move_to_end("missing")
except KeyError as e:
    print("KeyError", e)

c = Counter("abracadabra")
print(c.most_common(3), c["zz"], sorted(c.elements())[:6], c.total())
d = Counter(a=3, b=1, e=2)
print(sorted((c + d).items()), sorted((c - d).items()), sorted((c | d).items()), sorted((c & d).items()))
c.subtract(a=10)
print(c["a"], sorted((+c).items())[:3], sorted((-c).items()))
c.update({"a": 10}, z=2)
print(c["a"], c["z"], repr(Counter(x=2, y=1)), Counter("aab") == Counter("aba"))
print(Counter(a=1) <= Counter(a=2, b=1), Counter(a=3) > Counter(a=2))

base = {"x": 1, "y": 2}
over = {"y": 20}
cm = ChainMap(over, base)
print(cm["x"], cm["y"], len(cm), sorted(cm), cm.maps == [over, base])
child = cm.new_child({"x": 100})
child["w"] = 9
print(child["x"], child.parents["x"], sorted(child.items()), "w" in cm)
del child["w"]
print(repr(ChainMap({"a": 1}, {"b": 2})))
try:
    del cm["x"]
except KeyError as e:
    print("KeyError", e)

Point = namedtuple("Point", "x y", defaults=[0])
p = Point(1)
print(p, p._asdict(), p._replace(y=5), Point._fields, Point._field_defaults, Point._make([3, 4]))
print(Point.__doc__, Point.x.__doc__, p.x, p[1], hash(p) == hash((1, 0)))
print(pickle.loads(pickle.dumps(p)), copy.deepcopy(p), Point.__module__)
R = namedtuple("R", ["class", "def", "ok"], rename=True)
print(R._fields, R(1, 2, 3))
for bad in [("1a", "x"), ("A", "x x"), ("A", "_x"), ("A", "def")]:
    try:
        namedtuple(*bad)
    except ValueError as e:
        print("ValueError", e)
try:
    Point(1, 2, 3)
except TypeError as e:
    print("TypeError", e)

ud = UserDict(a=1)
ud["b"] = 2
print(ud, len(ud), "a" in ud, ud.data, ud | {"c": 3}, isinstance(ud, cabc.MutableMapping))
ul = UserList([3, 1, 2])
ul.sort()
print(ul, ul + [4], ul[1:], type(ul[1:]).__name__, ul * 2)
us = UserString("hello")
print(us.upper(), us[1:3], us + "!", "ell" in us, us.split("l"))

dq = deque([1, 2, 3], maxlen=3)
dq.append(4)
print(dq, repr(deque()), dq.maxlen)
dd = defaultdict(list)
dd["k"].append(1)
print(dd, repr(defaultdict(int)), dd.default_factory)

print(isinstance([], cabc.Sequence), isinstance({}, cabc.Mapping), isinstance(set(), cabc.Set))
print(issubclass(deque, cabc.MutableSequence), issubclass(OrderedDict, cabc.MutableMapping))
print(isinstance(iter([]), cabc.Iterator), isinstance((x for x in []), cabc.Generator))
print(isinstance(len, cabc.Callable), isinstance(3, cabc.Hashable), isinstance([], cabc.Hashable))
print(isinstance({}.keys(), cabc.KeysView), isinstance({}.items(), cabc.ItemsView))
print(issubclass(Counter, dict), sorted(collections.__all__))
