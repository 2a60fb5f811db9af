# Rich comparisons, reflected fallbacks, NotImplemented, functools.total_ordering.
import functools

class V:
    def __init__(self, v):
        self.v = v
    def __eq__(self, other):
        print("  V.__eq__")
        if not isinstance(other, V):
            return NotImplemented
        return self.v == other.v
    def __lt__(self, other):
        print("  V.__lt__")
        if not isinstance(other, V):
            return NotImplemented
        return self.v < other.v
    def __repr__(self):
        return f"V({self.v})"

print(V(1) == V(1), V(1) != V(2), V(1) < V(2), V(3) > V(2))
print(V(1) == 1)
print(1 == V(1))
try:
    V(1) < 1
except TypeError as e:
    print("TypeError:", e)
try:
    V(1) <= V(2)
except TypeError as e:
    print("TypeError:", e)
print(sorted([V(3), V(1), V(2)]))
print(max(V(3), V(7), V(5)), min([V(3), V(7)]))

class Sub(V):
    def __eq__(self, other):
        print("  Sub.__eq__")
        return "sub-eq"
print(V(1) == Sub(1))

@functools.total_ordering
class Version:
    def __init__(self, s):
        self.parts = tuple(int(p) for p in s.split("."))
    def __eq__(self, other):
        return self.parts == other.parts
    def __lt__(self, other):
        return self.parts < other.parts

a, b = Version("1.2.10"), Version("1.10")
print(a < b, a <= b, a > b, a >= b, a == b, a != b)

class Always:
    def __eq__(self, o):
        return True
    def __ne__(self, o):
        return False
print(Always() == 3, Always() != 3, 3 == Always(), [Always()].count(5), 5 in [Always()])

# chained comparison with custom objects evaluates middle once
calls = []
class Tr:
    def __init__(self, v):
        self.v = v
    def __lt__(self, o):
        calls.append((self.v, o.v))
        return self.v < o.v
print(Tr(1) < Tr(2) < Tr(3), calls)

print((1, 2) < (1, 3), [1, 2] < [1, 2, 0], "abc" < "abd", (1, "a") == (1, "a"))
try:
    (1, "a") < (1, 2)
except TypeError as e:
    print("TypeError:", e)
try:
    [] < {}
except TypeError as e:
    print("TypeError:", e)
try:
    None > 1
except TypeError as e:
    print("TypeError:", e)
print(1 < 2.5, 2 == 2.0, 10**20 > 1e19, float("nan") == float("nan"), True == 1)
