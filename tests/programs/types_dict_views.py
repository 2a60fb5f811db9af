# keys/values/items views: liveness, set operations, membership, reversed, len, repr.
d = {"a": 1, "b": 2, "c": 3}
k, v, it = d.keys(), d.values(), d.items()
print(k, v, it, len(k), len(v), len(it))
d["d"] = 4
print(list(k), list(v), list(it), "d" in k, 4 in v, ("d", 4) in it, ("d", 5) in it, ["d", 4] in it)
print(k & {"a", "z"}, k | {"z"}, k - {"a"}, k ^ {"a", "z"}, {"a", "q"} & k, {"q"} | k)
print(it & {("a", 1), ("b", 9)}, it - {("a", 1)} == {("b", 2), ("c", 3), ("d", 4)})
print(k == {"a", "b", "c", "d"}, k <= {"a", "b", "c", "d", "e"}, k < {"a"}, k.isdisjoint({"x"}), k.isdisjoint(["a"]))
print(list(reversed(d)), list(reversed(d.keys())), list(reversed(d.values())), list(reversed(d.items())))
print(sorted(d.values(), reverse=True), max(d, key=d.get), sum(d.values()), dict(d.items()) == d)
print(v == v, d.values() == d.values(), d.keys() == d.keys(), d.items() == d.items())
try:
    k[0]
except TypeError as e:
    print(type(e).__name__, e)
try:
    v | {1}
except TypeError as e:
    print(type(e).__name__, e)
for key, val in d.items():
    d[key] = val * 10
print(d)
e = {}
print(e.keys(), e.values(), e.items(), list(e.items()))
print({1: "a"}.keys() | [2, 3], {1: 2}.items() | {(3, 4)})
