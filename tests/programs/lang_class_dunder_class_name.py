# A class body's own __class__ is an ordinary name; methods still see the class cell.
class C:
    def f(self): return __class__
    try:
        x = __class__
    except NameError as e:
        print("NameError", e)
print(C().f())
class D:
    __class__ = 5
    def g(self): return __class__
    print(__class__)
print(D().g(), D.__dict__["__class__"], D().__class__)
