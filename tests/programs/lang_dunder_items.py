# __getitem__/__setitem__/__delitem__ with ints, keys and slices; __missing__; old-style iteration.
class Grid:
    def __init__(self):
        self.cells = {}
    def __getitem__(self, key):
        if isinstance(key, slice):
            return ("slice", key.start, key.stop, key.step)
        if isinstance(key, tuple):
            return self.cells.get(key, ".")
        raise TypeError(f"bad key {key!r}")
    def __setitem__(self, key, value):
        print("  set", key, value)
        self.cells[key] = value
    def __delitem__(self, key):
        print("  del", key)
        del self.cells[key]

g = Grid()
g[1, 2] = "x"
g[0, 0] = "o"
print(g[1, 2], g[5, 5], g[1:2], g[::3], g[:], g[1:2:-1])
del g[1, 2]
print(g[1, 2])
try:
    del g[9, 9]
except KeyError as e:
    print("KeyError:", e)
try:
    g["str"]
except TypeError as e:
    print("TypeError:", e)

class Seq:
    def __init__(self, data):
        self.data = list(data)
    def __len__(self):
        return len(self.data)
    def __getitem__(self, i):
        if isinstance(i, slice):
            return Seq(self.data[i])
        return self.data[i]
    def __setitem__(self, i, v):
        self.data[i] = v
    def __delitem__(self, i):
        del self.data[i]
    def __repr__(self):
        return f"Seq({self.data})"

s = Seq(range(10))
print(s[2], s[-1], s[2:5], s[::-2], list(s), 3 in s, 42 in s)
s[0] = 100
s[1:3] = ["a", "b", "c"]
print(s)
del s[::2]
print(s)
del s[0]
print(s, len(s))
for x in Seq("ab"):
    print("iter", x)
a, b, *rest = Seq("wxyz")
print(a, b, rest)
print(sorted(Seq([3, 1, 2])), tuple(Seq("hi")), list(reversed(Seq([1, 2, 3]))))

class NoSet:
    def __getitem__(self, i):
        return i
try:
    NoSet()[0] = 1
except TypeError as e:
    print("TypeError:", e)
try:
    del NoSet()[0]
except TypeError as e:
    print("TypeError:", e)
try:
    object()[0]
except TypeError as e:
    print("TypeError:", e)

class D(dict):
    def __missing__(self, key):
        self[key] = len(key)
        return self[key]
d = D()
print(d["abc"], d["z"], d, d.get("q"))

class Index:
    def __index__(self):
        return 2
print([10, 20, 30][Index()], "hello"[Index()], (1, 2, 3)[Index():])
