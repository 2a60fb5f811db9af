# Starred unpacking in assignments, calls, list/tuple/set/dict displays; errors.
a, b = 1, 2
a, b = b, a
print(a, b)
first, *rest = [1, 2, 3, 4]
*init, last = "hello"
head, *mid, tail = range(6)
print(first, rest, init, last, head, mid, tail)
x, *y = [1]
print(x, y)
(p, q), r = (1, 2), 3
[s, [t, *u]] = [10, [20, 30, 40]]
print(p, q, r, s, t, u)
for i, *others in [(1, 2, 3), (4,)]:
    print(i, others)

l = [0, 0, 0]
l[0], l[2] = "a", "c"
print(l)
class O: pass
o = O()
o.x, o.y = 5, 6
print(o.x, o.y)
d = {}
d["k"], d["j"] = 1, 2
print(d)
i = 0
i, l[i] = 1, "set"
print(i, l)

print([*range(3), *"ab", 9])
print((*[1, 2], 3))
print({*[1, 2], *{2, 3}})
print({**{"a": 1}, "b": 2, **{"a": 3}})
print({"a": 1, **{}, "c": 3})
print(*[1, 2, 3], sep="-")
print(*"xyz", *(1, 2))

def f(*args, **kwargs):
    return args, kwargs
print(f(*[1, 2], 3, *(4,), **{"x": 1}, y=2, **{"z": 3}))

for bad in ([1, 2, 3], [1], "ab", 5):
    try:
        m, n = bad
        print(m, n)
    except (ValueError, TypeError) as e:
        print(type(e).__name__ + ":", e)
for bad in ([], [1]):
    try:
        m, n, *o_ = bad
    except ValueError as e:
        print("ValueError:", e)
try:
    a, *b, c = [1]
except ValueError as e:
    print("ValueError:", e)

chain = a2 = b2 = [1, 2]
print(chain is a2 is b2)
e1, e2 = e3 = (7, 8)
print(e1, e2, e3)
print(f(*(), **{}))

def gen():
    yield 1
    yield 2
g1, g2 = gen()
print(g1, g2)
k1, k2 = {"one": 1, "two": 2}
print(k1, k2)
(a3, b3), (c3, d3) = {"ab": 1, "cd": 2}
print(a3, b3, c3, d3)
