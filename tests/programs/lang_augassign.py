# Augmented assignment: targets evaluated once, in-place vs rebinding for mutable and
# immutable objects, attributes and subscripts, all operators.
class Obj:
    def __init__(self):
        self.count = 0
        self.items = [1]
    def __getattr__(self, name):
        print("  __getattr__", name)
        raise AttributeError(name)

calls = []
def key(k):
    calls.append(k)
    return k
def target(t):
    calls.append("target")
    return t

d = {"a": 1}
target(d)[key("a")] += 10
print(d, calls)
calls.clear()
o = Obj()
target(o).count += 5
print(o.count, calls)

l1 = [1, 2]
alias = l1
l1 += [3]
print(l1, alias, l1 is alias)
t1 = (1, 2)
talias = t1
t1 += (3,)
print(t1, talias, t1 is talias)
s1 = "ab"
salias = s1
s1 += "c"
print(s1, salias)
st = {1}
stalias = st
st |= {2}
st &= {1, 2, 3}
st -= {3}
st ^= {9}
print(st, stalias is st)
dd = {"x": 1}
ddalias = dd
dd |= {"y": 2}
print(dd, ddalias is dd)

n = 17
for op in ("+=", "-=", "*=", "/=", "//=", "%=", "**=", "<<=", ">>=", "&=", "|=", "^="):
    v = 7
    if op == "+=": v += 3
    elif op == "-=": v -= 3
    elif op == "*=": v *= 3
    elif op == "/=": v /= 2
    elif op == "//=": v //= 2
    elif op == "%=": v %= 4
    elif op == "**=": v **= 3
    elif op == "<<=": v <<= 2
    elif op == ">>=": v >>= 1
    elif op == "&=": v &= 3
    elif op == "|=": v |= 8
    elif op == "^=": v ^= 5
    print(op, v)

grid = [[0] * 3 for _ in range(3)]
for i in range(3):
    grid[i][i] += i + 1
    grid[i][-1] -= 1
print(grid)

class Slotted:
    __slots__ = ("v",)
s = Slotted()
s.v = 1
s.v *= 10
print(s.v)

try:
    undefined += 1
except NameError as e:
    print("NameError:", e)
def local_aug():
    x += 1
try:
    local_aug()
except UnboundLocalError as e:
    print("UnboundLocalError:", e)
try:
    o.missing += 1
except AttributeError as e:
    print("AttributeError:", e)
tt = (1, [2])
try:
    tt[1] += [3]
except TypeError as e:
    print("TypeError:", e, tt)
counter = {}
for word in "a b a c b a".split():
    counter[word] = counter.get(word, 0) + 1
print(counter)
m = [1, 2, 3]
m[1:2] += ["x"]
print(m)
