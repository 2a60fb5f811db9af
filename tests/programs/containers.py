# Lists, dicts, sets, tuples, slicing, unpacking, comprehensions.
xs = list(range(10))
print(xs[2:8:2], xs[::-1][:3], xs[-3:], len(xs))
xs[1:3] = ["a", "b", "c"]
del xs[0]
print(xs)
d = {"one": 1, "two": 2}
d["three"] = 3
del d["one"]
print(d, list(d.keys()), list(d.values()), d.get("zz", 0), "two" in d)
s = {3, 1, 2}
s.add(10)
print(sorted(s), s & {1, 2, 99}, {x % 3 for x in range(10)})
t = (1, 2, 3)
a, b, c = t
first, *rest = "hello"
print(a + b + c, first, rest)
matrix = [[i * j for j in range(4)] for i in range(3)]
print(matrix, [row[1] for row in matrix])
pairs = sorted([("b", 2), ("a", 3), ("c", 1)], key=lambda p: p[1])
print(pairs, dict(pairs), list(zip(*pairs)))
words = "the quick brown fox jumps over the lazy dog".split()
freq = {}
for w in words:
    freq[w] = freq.get(w, 0) + 1
print(freq, max(freq, key=freq.get), sorted(words, key=len)[:3])
print(list(enumerate("abc", 1)), list(map(str, [1, 2])), list(filter(None, [0, 1, 2])))
