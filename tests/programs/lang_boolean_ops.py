# and/or/not: operand results, short-circuiting with side effects, truthiness of objects.
calls = []
def v(x):
    calls.append(x)
    return x

print(v(0) and v(1), calls); calls.clear()
print(v(2) and v(3), calls); calls.clear()
print(v("") or v("fallback"), calls); calls.clear()
print(v("first") or v("unused"), calls); calls.clear()
print(v(1) and v(0) or v("x"), calls); calls.clear()
print(v(None) or v(0) or v([]) or v({}), calls); calls.clear()
print(v(1) and v(2) and v(3) and v(4), calls); calls.clear()
print(not v(0), not v([1]), calls); calls.clear()
print([] or {} or (), 0 or 0.0, "a" and "b", [0] and [1], None and 1)
print((1 and 2) + (0 or 3), (not 1) + 1, not not "x")
result = 5 > 3 and "yes" or "no"
print(result)
x = None
name = x or "default"
print(name)
values = [0, 1, "", "a", None, [], [0]]
print([bool(i) for i in values], [i or "F" for i in values])
print(any([]), all([]), any(x for x in [0, "", 3]), all(x for x in [1, "a", 0]))

class Loud:
    def __init__(self, t):
        self.t = t
    def __bool__(self):
        print("  bool of", self.t)
        return self.t
print(Loud(True) and "after-true")
print((Loud(False) and "never").t)
print((Loud(False) or Loud(True) or "never").t)
r = Loud(True) and Loud(False)
print(type(r).__name__, r.t)
if Loud(True) and Loud(True):
    print("both true in if")
while Loud(False):
    pass
print(1 if Loud(False) else 2)
