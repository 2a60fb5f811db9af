# A metaclass's mro() gives the class its MRO (CPython's mro_invoke/mro_check); type.mro computes C3 from the bases
class A(object):
    def f(self): return "A"
class B(A): pass
class C(A):
    def f(self): return "C"
class D(B, C): pass
class PerverseMetaType(type):
    def mro(cls):
        L = type.mro(cls)
        L.reverse()
        return L
class X(D, B, C, A, metaclass=PerverseMetaType): pass
print(X.__mro__, X().f())
class M(type):
    def mro(cls):
        return [cls, 1, object]
try:
    class Y(metaclass=M): pass
except TypeError as e: print(e)
class M2(type):
    def mro(cls):
        return (cls, int, object)
try:
    class Z(metaclass=M2): pass
except TypeError as e: print(e)
class M3(type):
    def mro(cls):
        print("lookup in mro():", getattr(cls, "f", "missing"))
        return super().mro()
class W(A, metaclass=M3): pass
print(W.__mro__, W().f())
class M4(type):
    def mro(cls):
        raise ValueError("no mro")
try:
    class V(metaclass=M4): pass
except ValueError as e: print("ValueError", e)
class M5(type):
    seen = []
    def mro(cls):
        M5.seen.append(cls.__mro__)
        return type.mro(cls)
class U(metaclass=M5): pass
print(M5.seen, U.__mro__)
