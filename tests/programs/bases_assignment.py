# Assigning __bases__: CPython 3.11's checks and messages (immutable types,
# non-tuples, cycles, layouts), the MRO recomputed for the class and the classes
# below it, method lookups and special methods following the new bases, subclass
# lists moved, and a failed MRO leaving everything as it was.


def attempt(label, cls, bases):
    try:
        cls.__bases__ = bases
    except Exception as e:
        print(label, "->", type(e).__name__, e)
    else:
        print(label, "->", [c.__name__ for c in cls.__mro__])


class A:
    def who(self):
        return "A"


class B(A):
    pass


class C:
    def who(self):
        return "C"


class D(A):
    pass


b = B()
print(b.who(), [c.__name__ for c in B.__mro__])
attempt("B=(C,)", B, (C,))
print(b.who(), isinstance(b, A), isinstance(b, C), issubclass(B, C))
attempt("B=(C,D)", B, (C, D))
print(b.who())
attempt("B=(A,C)", B, (A, C))
print(b.who(), B.__base__.__name__, [c.__name__ for c in B.__bases__])
print([c.__name__ for c in A.__subclasses__()], [c.__name__ for c in C.__subclasses__()])
print([c.__name__ for c in D.__subclasses__()])

# Checks, in CPython's order.
attempt("int", int, (object,))
attempt("object", object, (object,))
attempt("type", type, (object,))
attempt("not a tuple", A, 5)
attempt("list", A, [object])
attempt("empty", A, ())
attempt("not classes", A, (5,))
attempt("cycle self", A, (A,))
attempt("cycle sub", A, (B,))
try:
    del A.__bases__
except TypeError as e:
    print("del ->", e)
attempt("deallocator", A, (list,))
attempt("layout int", A, (int,))
attempt("heap base from object", A, (C,))


class S:
    __slots__ = ()


attempt("slots base", A, (S,))


class E(int):
    pass


attempt("E=(float,)", E, (float,))
attempt("E=(bool,)", E, (bool,))


class X:
    pass


class Y(X):
    pass


class Z(A):
    pass


attempt("mro conflict", Z, (X, Y))
print([c.__name__ for c in Z.__mro__], [c.__name__ for c in Z.__bases__])
print([c.__name__ for c in A.__subclasses__()], [c.__name__ for c in X.__subclasses__()])
attempt("duplicate", Z, (C, C))


class F(Exception):
    pass


attempt("F=(ValueError,)", F, (ValueError,))
try:
    raise F("boom")
except ValueError as e:
    print("caught as ValueError:", e)
attempt("F=(KeyError, ValueError)", F, (KeyError, ValueError))


class S1:
    __slots__ = ("a",)


class S2:
    __slots__ = ("a",)


class S3:
    __slots__ = ("b",)


class T(S1):
    pass


t = T()
t.a = 1
attempt("T=(S2,)", T, (S2,))
print(t.a)
attempt("T=(S3,)", T, (S3,))


class L(list):
    pass


class L2(list):
    def total(self):
        return sum(self)


class M(L):
    pass


m = M([1, 2, 3])
attempt("M=(L2,)", M, (L2,))
print(m.total(), len(m))
attempt("M=(dict,)", M, (dict,))
attempt("M=(list,)", M, (list,))

# Special methods (slots) follow the new MRO, for the class and its subclasses.


class N:
    def f(self):
        return 1


class O:
    def f(self):
        return 2


class P(N):
    pass


class Q(P):
    pass


q = Q()
print(q.f())
attempt("P=(O,)", P, (O,))
print(q.f(), [c.__name__ for c in Q.__mro__])


class R(O):
    def __len__(self):
        return 7

    def __add__(self, other):
        return "R.__add__"

    def __getitem__(self, i):
        return i * 10


attempt("P=(R,)", P, (R,))
print(len(q), q + 1, q[4], bool(q))
attempt("P=(N,)", P, (N,))
for f in (lambda: len(q), lambda: q + 1, lambda: q[4]):
    try:
        f()
    except TypeError as e:
        print("TypeError", e)
print(bool(q))


# Method lookups cached before the change see the new methods.
class G1:
    def m(self):
        return "G1"


class G2:
    def m(self):
        return "G2"


class H(G1):
    pass


h = H()
seen = []
for i in range(300):
    if i == 150:
        H.__bases__ = (G2,)
    seen.append(h.m())
print(seen[:2], seen[149:152], seen[-1], seen.count("G1"), seen.count("G2"))

# Metaclasses and class attributes through the new MRO.


class Meta(type):
    pass


class MA(metaclass=Meta):
    x = "MA"


class MB(MA):
    pass


class MC(MA):
    x = "MC"


attempt("MB=(MC,)", MB, (MC,))
print(MB.x, type(MB).__name__)
attempt("MB=(object,)", MB, (object,))

# A tuple subclass is accepted and kept.


class TT(tuple):
    pass


class U(A):
    pass


attempt("tuple subclass", U, TT((D,)))
print(type(U.__bases__).__name__)

# super() follows the new MRO.


class Base1:
    def hello(self):
        return "Base1"


class Base2:
    def hello(self):
        return "Base2"


class Kid(Base1):
    def hello(self):
        return "Kid>" + super().hello()


k = Kid()
print(k.hello())
Kid.__bases__ = (Base2,)
print(k.hello())
