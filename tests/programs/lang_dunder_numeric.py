# __index__, __int__, __float__, __complex__-free numeric conversions, __round__, __trunc__.
import math

class Idx:
    def __init__(self, v):
        self.v = v
    def __index__(self):
        return self.v

i = Idx(3)
print([0, 1, 2, 3, 4][i], list(range(10))[Idx(1):Idx(8):Idx(3)], "abcdef"[i:], bin(i), hex(Idx(255)), oct(i))
print(range(i), list(range(Idx(2), Idx(5))), [7] * Idx(2), Idx(2) * "ab", operator_index := i.__index__())
print(int(Idx(7)) if hasattr(Idx, "__int__") else "no __int__")

class Num:
    def __int__(self):
        return 42
    def __float__(self):
        return 2.5
    def __round__(self, n=None):
        return ("round", n)
    def __trunc__(self):
        return 7
    def __floor__(self):
        return "floor"
    def __ceil__(self):
        return "ceil"

n = Num()
print(int(n), float(n), round(n), round(n, 2), math.trunc(n), math.floor(n), math.ceil(n))

class BadInt:
    def __int__(self):
        return "x"
try:
    int(BadInt())
except TypeError as e:
    print("TypeError:", e)

class BadIndex:
    def __index__(self):
        return 1.5
try:
    [1, 2][BadIndex()]
except TypeError as e:
    print("TypeError:", e)

lst, text, key, fkey = [1, 2], "abc", "0", 1.0
try:
    lst[key]
except TypeError as e:
    print("TypeError:", e)
try:
    text[fkey]
except TypeError as e:
    print("TypeError:", e)
try:
    float("abc")
except ValueError as e:
    print("ValueError:", e)
try:
    int("12x")
except ValueError as e:
    print("ValueError:", e)
try:
    int(None)
except TypeError as e:
    print("TypeError:", e)

print(int("  -42  "), int("ff", 16), int("0b101", 0), int("1_000"), int(3.99), int(-3.99), int(True))
print(float("1e3"), float(" -2.5 "), float("inf"), float("-nan") != float("nan"), float(7))
print(round(2.5), round(3.5), round(-0.5), round(1.2345, 2), round(1234, -2), round(7), type(round(2.0)).__name__)
print(abs(-3), abs(-2.5), abs(True), divmod(-7, 2), divmod(7.5, 2), pow(2, -1), pow(3, 4, 5), pow(-2, 3))
print(bool(Idx(0)) if hasattr(Idx, "__bool__") else "Idx has no __bool__", True + True, True * 3.0)
