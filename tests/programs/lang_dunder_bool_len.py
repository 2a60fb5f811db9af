# Truth testing: __bool__, __len__ fallback, errors from bad results.
class B:
    def __init__(self, v):
        self.v = v
    def __bool__(self):
        print("  __bool__", self.v)
        return self.v

class L:
    def __init__(self, n):
        self.n = n
    def __len__(self):
        return self.n

class Both:
    def __bool__(self):
        return True
    def __len__(self):
        return 0

print(bool(B(True)), bool(B(False)), bool(L(0)), bool(L(3)), bool(Both()))
print(not B(False), not L(2))
print(B(False) or "fallback", B(True) and "second")
if L(0):
    print("nonempty")
else:
    print("empty")
x = 0
while L(3 - x):
    x += 1
print("loops", x)
print([v for v in (L(0), L(1), L(2)) if v].__len__())
print(len(L(5)), len(Both()))

class Empty:
    pass
print(bool(Empty()))

for bad in (B(1), B("yes")):
    try:
        bool(bad)
    except TypeError as e:
        print("TypeError:", e)

class NegLen:
    def __len__(self):
        return -1
try:
    len(NegLen())
except ValueError as e:
    print("ValueError:", e)
try:
    bool(NegLen())
except ValueError as e:
    print("ValueError:", e)

class StrLen:
    def __len__(self):
        return "3"
try:
    len(StrLen())
except TypeError as e:
    print("TypeError:", e)

class HugeLen:
    def __len__(self):
        return 2**70
try:
    len(HugeLen())
except OverflowError as e:
    print("OverflowError:", e)
try:
    len(5)
except TypeError as e:
    print("TypeError:", e)

print(bool(0), bool(0.0), bool(""), bool(()), bool([]), bool({}), bool(None), bool(set()))
print(bool(1), bool(-0.5), bool("0"), bool((0,)), bool([[]]), bool(range(1)), bool(range(0)))
