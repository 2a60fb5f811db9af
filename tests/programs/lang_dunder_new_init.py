# __new__ and __init__: custom allocation, singletons, immutable subclasses, argument errors.
class Single:
    _inst = None
    def __new__(cls, *args):
        if cls._inst is None:
            cls._inst = super().__new__(cls)
            cls._inst.inits = 0
        return cls._inst
    def __init__(self, *args):
        self.inits += 1

a = Single()
b = Single(1, 2)
print(a is b, a.inits)

class Upper(str):
    def __new__(cls, value):
        return super().__new__(cls, value.upper())

u = Upper("hello")
print(u, type(u).__name__, len(u), u + "!")

class Pos(int):
    def __new__(cls, v):
        if v < 0:
            raise ValueError("negative")
        return super().__new__(cls, v)

print(Pos(5) + 1)
try:
    Pos(-1)
except ValueError as e:
    print("ValueError:", e)

class NotMine:
    def __new__(cls):
        return 42
    def __init__(self):
        print("never called")

print(NotMine())

class Other:
    pass

class ReturnsOther:
    def __new__(cls):
        return Other()
    def __init__(self):
        print("not called either")

print(type(ReturnsOther()).__name__)

class Pt(tuple):
    def __new__(cls, x, y):
        return super().__new__(cls, (x, y))
    @property
    def x(self):
        return self[0]

p = Pt(3, 4)
print(p, p.x, len(p), isinstance(p, tuple))

class NoInit:
    pass

for args in [(1,), (), ]:
    try:
        NoInit(*args)
        print("ok", args)
    except TypeError as e:
        print("TypeError:", e)

class InitOnly:
    def __init__(self, a):
        self.a = a

try:
    InitOnly()
except TypeError as e:
    print("TypeError:", e)
try:
    InitOnly(1, 2)
except TypeError as e:
    print("TypeError:", e)

class InitReturns:
    def __init__(self):
        return 5
try:
    InitReturns()
except TypeError as e:
    print("TypeError:", e)

class NewOnly:
    def __new__(cls, x):
        o = super().__new__(cls)
        o.x = x
        return o
print(NewOnly(7).x)

try:
    object.__new__(5)
except TypeError as e:
    print("TypeError:", e)
print(type(object.__new__(NoInit)).__name__)
