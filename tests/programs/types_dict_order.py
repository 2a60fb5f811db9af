# Insertion order, |, |=, equality, deletion and re-insertion, mutation during iteration errors, repr.
d = {}
for ch in "zyxwv":
    d[ch] = ord(ch)
print(list(d), d)
del d["x"]; d["x"] = 0; print(list(d))
d["z"] = 99; print(list(d), d["z"])
a, b = {"a": 1, "b": 2}, {"b": 20, "c": 30}
print(a | b, b | a, a)
a |= b; print(a)
a |= [("d", 4)]; print(a)
try:
    a | [("e", 5)]
except TypeError as e:
    print(type(e).__name__, e)
print({1: 2, 3: 4} == {3: 4, 1: 2}, {1: 2} == {1: 3}, {1: 2} != {1: 2}, {} == {}, {1: 2} == [(1, 2)])
try:
    {1: 2} < {1: 2}
except TypeError as e:
    print(type(e).__name__, e)
m = {i: i for i in range(5)}
try:
    for k in m:
        m[k + 100] = 0
except RuntimeError as e:
    print(type(e).__name__, e)
m = {i: i for i in range(5)}
try:
    for k in m:
        del m[k]
except RuntimeError as e:
    print(type(e).__name__, e)
m = {i: i for i in range(5)}
for k in m:
    m[k] = -k
print(m)
m = {i: i for i in range(5)}
try:
    for k, v in m.items():
        m.pop(k)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    for v in m.values():
        m.clear()
except RuntimeError as e:
    print(type(e).__name__, e)
r = {}
r["self"] = r
print(r, {"l": [1, (2, 3)], "d": {"x": None}}, {(1,): "t", 1.5: True})
big = {i: str(i) for i in range(1000)}
for i in range(0, 1000, 2):
    del big[i]
print(len(big), list(big)[:5], list(big)[-2:], sum(big), big.get(999), big.get(998))
big.update((i, i) for i in range(10))
print(list(big)[:8], len(big))
print(dict(sorted({"b": 1, "a": 2}.items())), {k: v for k, v in zip("abc", range(3)) if v})
