# list.sort / sorted: key, reverse, stability, errors.
data = [("apple", 3), ("banana", 1), ("cherry", 3), ("date", 2), ("elder", 1), ("fig", 2)]
print(sorted(data, key=lambda p: p[1]))
print(sorted(data, key=lambda p: p[1], reverse=True))
print(sorted(data, key=lambda p: (-p[1], p[0])))
l = [5, 3, 8, 1, 9, 2, 7]
l.sort(); print(l)
l.sort(reverse=True); print(l)
l.sort(key=lambda x: x % 3); print(l)
print(sorted("hello world"), sorted({3: "a", 1: "b"}), sorted((3.5, 1, 2.25, -1)), sorted([]), sorted([1]))
words = "The quick Brown fox Jumps over the Lazy dog".split()
print(sorted(words), sorted(words, key=str.lower), sorted(words, key=len, reverse=True))
stable = [(i % 4, i) for i in range(20)]
print(sorted(stable, key=lambda t: t[0]) == [t for k in range(4) for t in stable if t[0] == k])
print(sorted(stable, key=lambda t: t[0], reverse=True)[:6])
print(sorted([[2, 1], [1, 2], [1], [], [1, 1, 1]]), sorted([(1, "b"), (1, "a"), (0, "z")]))
print(sorted([True, False, 0, 1, -1, 0.5]), sorted(range(10), key=lambda x: -x)[:3])
big = list(range(1000, 0, -1))
big.sort()
print(big[:5], big[-3:], big == list(range(1, 1001)))
for bad in ([1, "a"], [None, None], [1, [2]], [{1}, {1, 2}, 3]):
    try:
        print(sorted(bad))
    except TypeError as e:
        print(type(e).__name__, e)
try:
    [3, 1, 2].sort(lambda x: x)
except TypeError as e:
    print(type(e).__name__, e)
try:
    sorted([1, 2], key=5)
except TypeError as e:
    print(type(e).__name__, e)
try:
    sorted([1, 2], cmp=None)
except TypeError as e:
    print(type(e).__name__, e)
try:
    l = [3, 1, 2]
    l.sort(key=lambda x: (l.append(x), x)[1])
except ValueError as e:
    print(type(e).__name__, e)
class Rev:
    def __init__(self, v): self.v = v
    def __lt__(self, o): return self.v > o.v
    def __repr__(self): return f"Rev({self.v})"
print(sorted([Rev(1), Rev(3), Rev(2)]), min([Rev(1), Rev(3)]), max(Rev(1), Rev(3)))
