from functools import cmp_to_key
def check(f, L, **kw):
    try:
        L.sort(**kw); print("ok", L)
    except Exception as e:
        print(type(e).__name__, e, L)
L = [3, 1, 2]
def m1(x, y):
    L.append(3); L.pop(); return (x > y) - (x < y)
check(None, L, key=cmp_to_key(m1))
L = [3, 1, 2]
def m2(x, y):
    L.append(3); del L[:]; return (x > y) - (x < y)
check(None, L, key=cmp_to_key(m2))
L = [5, 4, 3]
def m3(x):
    L.append(x); return x
check(None, L, key=m3)
L = [5, 4, 3]
def m4(x):
    if x == 3: L.append(1); raise KeyError(x)
    return x
check(None, L, key=m4)
L = [2, 1]; check(None, L); check(None, L, reverse=True)
L = []; check(None, L)
class X:
    def __eq__(self, other):
        list2.clear(); return NotImplemented
class Y:
    def __eq__(self, other):
        list1.clear(); return NotImplemented
list1 = [X()]; list2 = [Y()]
print(list1 == list2, list1, list2)
a = [1, 2, 3]; b = [1, 2, 4]
print(a < b, a == b, a != b, [1, 2] < [1, 2, 0], [] == [], [1] > [])
class S(list):
    def __new__(cls, seq, newarg=None):
        self = super().__new__(cls, seq); self.newarg = newarg; return self
u = S([1, 2], newarg=3); print(type(u).__name__, list(u), u.newarg)
class T(tuple):
    def __init__(self, seq, newarg=None):
        self.newarg = newarg
t = T([1, 2], newarg=3); print(type(t).__name__, tuple(t), t.newarg)
for f in [lambda: list([1], x=1), lambda: tuple([1], x=1)]:
    try: f()
    except TypeError as e: print(e)
class L2(list): pass
try: L2([1], x=1)
except TypeError as e: print(e)
print(tuple.__itemsize__, bytes.__itemsize__, list.__itemsize__, object.__itemsize__)
