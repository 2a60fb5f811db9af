# Single and multiple inheritance, C3 MRO, diamonds, isinstance/issubclass.
class A:
    def who(self):
        return "A"
    def chain(self):
        return ["A"]

class B(A):
    def who(self):
        return "B"
    def chain(self):
        return ["B"] + super().chain()

class C(A):
    def who(self):
        return "C"
    def chain(self):
        return ["C"] + super().chain()

class D(B, C):
    def chain(self):
        return ["D"] + super().chain()

def names(cls):
    return [k.__name__ for k in cls.__mro__]

print(names(D), D().who(), D().chain())
print(D.__bases__ == (B, C), D.__base__.__name__, A.__bases__)
print([k.__name__ for k in D.mro()])
print(isinstance(D(), A), issubclass(D, C), issubclass(C, B), issubclass(D, (int, A)))
print(isinstance(3, (str, int)), issubclass(bool, int), issubclass(A, object))

class X: pass
class Y: pass
class Z: pass
class K1(X, Y): pass
class K2(Y, Z): pass
class K3(X, Z): pass
class Mixed(K1, K2, K3): pass
print(names(Mixed))

try:
    class Bad(X, K1):
        pass
except TypeError as e:
    print("TypeError:", e)

try:
    class Dup(X, X):
        pass
except TypeError as e:
    print("TypeError:", e)

class Base:
    def __init__(self, v):
        self.v = v
    def describe(self):
        return f"{type(self).__name__}({self.v}) via {self.tag()}"
    def tag(self):
        return "base"

class Derived(Base):
    def tag(self):
        return "derived"

print(Derived(3).describe(), Base(1).describe())
print(Derived.__subclasses__() if hasattr(Derived, "__subclasses__") else None)
print([c.__name__ for c in Base.__subclasses__()])

# int/str/list subclasses
class MyInt(int):
    def double(self):
        return self * 2

class MyList(list):
    def total(self):
        return sum(self)

class MyStr(str):
    pass

mi = MyInt(21)
print(mi.double(), mi + 1, type(mi + 1).__name__, isinstance(mi, int))
ml = MyList([1, 2, 3])
ml.append(4)
print(ml.total(), ml, len(ml), type(ml).__name__)
ms = MyStr("hey")
print(ms.upper(), ms == "hey", type(ms).__name__, repr(ms))

class WithDict(dict):
    def __missing__(self, key):
        return key * 2
wd = WithDict(a=1)
print(wd["a"], wd["zz"], wd)
