x = 1
y = x + 2 * 3
print(y, "hello", [1, 2.5, "a"], {"k": (1,)})
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
print(fib(20))
def outer():
    total = 0
    def add(v):
        nonlocal total
        total += v
        return total
    return add
a = outer()
a(5)
print(a(10))
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def __repr__(self):
        return f"Point({self.x}, {self.y})"
    def norm2(self):
        return self.x ** 2 + self.y ** 2
class P3(Point):
    def __init__(self, x, y, z):
        super().__init__(x, y)
        self.z = z
    def norm2(self):
        return super().norm2() + self.z ** 2
p = P3(1, 2, 3)
print(p, p.norm2(), [i * i for i in range(5) if i % 2], {k: v for k, v in zip("ab", range(2))})
s = 0
for i in range(100000):
    s += i
print(s, sorted([3, 1, 2], reverse=True), max(1, 5, 3), min([4, 2]), sum(range(10)))
a, *b, c = range(6)
print(a, b, c, len(b), "%d-%s" % (3, "x"), "{:>5}".format(7))
