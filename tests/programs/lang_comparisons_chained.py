# Chained comparisons (with short-circuit and single evaluation), identity, membership.
def v(x, log=[]):
    log.append(x)
    print("  eval", x)
    return x

print(1 < 2 < 3, 3 > 2 > 2, 1 < 3 > 2, 1 == 1 == 1.0, 1 != 2 != 1)
print(v(1) < v(5) < v(3) < v(10))
print(v(5) < v(1) < v(0))
x = 5
print(0 <= x < 10, 0 <= x <= 4, x in range(10) in [range(10)])
print(1 < 2 == 2 > 1, (1 < 2) == True, 1 < (2 == True))
a = [1]
b = a
c = [1]
print(a is b, a is c, a == c, a is not c, None is None, not a is c)
print(2 in [1, 2], 2 not in (1, 3), "b" in "abc", "bc" in "abc", "" in "x", 1 in {1: 2}, 2 in {1: 2})
print(3 in range(0, 10, 3), 4 in range(0, 10, 3), "a" in {"a", "b"})
print(not 1 == 2, not (1 == 2) and True, 1 < 2 and 2 < 3 or False)
print(0 or "" or [] or "last", 1 and "x" and 0, None or 0, [] and 1)
print(x < 10 if x else None, (x > 3) + (x > 4) + (x > 5))
y = 3
print(1 < y < 5 < y * 2 < 7, y == 3 != 4)
class Cmp:
    def __init__(self, n):
        self.n = n
    def __lt__(self, o):
        print(f"  {self.n} < {o.n}")
        return self.n < o.n
print(Cmp(1) < Cmp(2) < Cmp(0) < Cmp(5))
print(float("nan") in [float("nan")], (n := float("nan")) in [n])
