# Arithmetic operators: forward, reflected, in-place, NotImplemented fallbacks, unary ops.
class Vec:
    def __init__(self, *c):
        self.c = c
    def __repr__(self):
        return f"Vec{self.c}"
    def __add__(self, o):
        if isinstance(o, Vec):
            return Vec(*(a + b for a, b in zip(self.c, o.c)))
        if isinstance(o, (int, float)):
            return Vec(*(a + o for a in self.c))
        return NotImplemented
    __radd__ = __add__
    def __sub__(self, o):
        return Vec(*(a - b for a, b in zip(self.c, o.c)))
    def __mul__(self, k):
        if isinstance(k, Vec):
            return sum(a * b for a, b in zip(self.c, k.c))
        return Vec(*(a * k for a in self.c))
    def __rmul__(self, k):
        return Vec(*(k * a for a in self.c))
    def __truediv__(self, k):
        return Vec(*(a / k for a in self.c))
    def __floordiv__(self, k):
        return Vec(*(a // k for a in self.c))
    def __mod__(self, k):
        return Vec(*(a % k for a in self.c))
    def __pow__(self, k, mod=None):
        return Vec(*(pow(a, k, mod) for a in self.c))
    def __matmul__(self, o):
        return ("matmul", self.c, o.c)
    def __neg__(self):
        return Vec(*(-a for a in self.c))
    def __pos__(self):
        return self
    def __abs__(self):
        return sum(a * a for a in self.c) ** 0.5
    def __invert__(self):
        return Vec(*reversed(self.c))
    def __lshift__(self, n):
        return Vec(*(self.c[n:] + self.c[:n]))
    def __rshift__(self, n):
        return Vec(*(self.c[-n:] + self.c[:-n]))
    def __and__(self, o):
        return "and"
    def __or__(self, o):
        return "or"
    def __xor__(self, o):
        return "xor"
    def __divmod__(self, k):
        return (self // k, self % k)
    def __rtruediv__(self, k):
        return Vec(*(k / a for a in self.c))

v, w = Vec(1, 2, 3), Vec(4, 5, 6)
print(v + w, v + 1, 1 + v, 2.5 + v, w - v, v * 2, 3 * v, v * w)
print(v / 2, w // 4, w % 4, v ** 2, pow(v, 2, 3), v @ w)
print(-v, +v is v, abs(Vec(3, 4)), ~v, v << 1, v >> 1, v & w, v | w, v ^ w)
print(divmod(w, 4), 12 / Vec(1, 2, 3))

class Acc:
    def __init__(self):
        self.items = []
    def __iadd__(self, x):
        self.items.append(x)
        return self
    def __isub__(self, x):
        self.items.remove(x)
        return self
    def __imul__(self, n):
        self.items *= n
        return self

a = Acc()
ref = a
a += 1
a += 2
a -= 1
a *= 2
print(a is ref, a.items)

# in-place falls back to binary operator when there is no __iXXX__
v2 = v
v2 += w
print(v2, v, v2 is v)

class Left:
    def __add__(self, o):
        return NotImplemented
class Right:
    def __radd__(self, o):
        return "Right.__radd__"
print(Left() + Right())
try:
    Left() + Left()
except TypeError as e:
    print("TypeError:", e)

# reflected operand of a subclass takes priority
class Base:
    def __add__(self, o):
        return "Base.__add__"
    def __radd__(self, o):
        return "Base.__radd__"
class Derived(Base):
    def __radd__(self, o):
        return "Derived.__radd__"
print(Base() + Derived(), Derived() + Base())

for expr in ("1 + 'a'", "[] - []", "{} * 2", "-'x'", "~1.5", "None + 1", "'a' @ 'b'", "2 ** 'x'"):
    try:
        eval_result = {"1 + 'a'": lambda: 1 + "a", "[] - []": lambda: [] - [], "{} * 2": lambda: {} * 2,
                       "-'x'": lambda: -"x", "~1.5": lambda: ~1.5, "None + 1": lambda: None + 1,
                       "'a' @ 'b'": lambda: "a" @ "b", "2 ** 'x'": lambda: 2 ** "x"}[expr]()
    except TypeError as e:
        print("TypeError:", e)

x = 10
x += 5; x -= 3; x *= 2; x //= 5; x **= 3; x %= 7; x <<= 4; x >>= 1; x |= 3; x &= 14; x ^= 5
print(x)
s = "ab"
s *= 3
s += "!"
l = [1]
l2 = l
l += [2]
l *= 2
t = (1,)
t2 = t
t += (2,)
print(s, l, l2 is l, t, t2)
