# The native _abc module (CPython's Modules/_abc.c) behind abc.ABCMeta: abstract
# methods, register(), the caches, _get_dump, the error messages; and typing's
# runtime protocols, whose checks look at the calling frame's module (abc).
import abc, _abc, collections.abc as cabc, gc
print(abc.ABCMeta.__module__, abc._abc_init is _abc._abc_init)
class A(abc.ABC):
    @abc.abstractmethod
    def f(self): ...
    @property
    @abc.abstractmethod
    def p(self): ...
print(sorted(A.__abstractmethods__), type(A._abc_impl))
try: A()
except TypeError as e: print(e)
class B(A):
    def f(self): return 1
print(sorted(B.__abstractmethods__))
class C(B):
    p = 3
print(C().f(), C.__abstractmethods__)
class V: pass
t0 = abc.get_cache_token()
A.register(V)
print(abc.get_cache_token() - t0, issubclass(V, A), isinstance(V(), A), issubclass(int, A))
print(A.register(C) is C)
try: A.register(1)
except TypeError as e: print(e)
try: V.register = None; abc.ABCMeta.register(V, A)
except (TypeError, AttributeError, RuntimeError) as e: print(type(e).__name__, e)
class D(cabc.Sized):
    pass
class S:
    def __len__(self): return 0
print(issubclass(S, cabc.Sized), isinstance(S(), cabc.Sized), issubclass(int, cabc.Sized), isinstance([], cabc.Iterable))
reg, cache, neg, ver = _abc._get_dump(A)
print(len(reg), len(cache) >= 1, type(ver))
A._abc_registry_clear()
print(issubclass(V, A))
A._abc_caches_clear()
print(len(_abc._get_dump(A)[1]))
# a dead registered class leaves the registry
class W: pass
A.register(W); del W; gc.collect()
print(len(_abc._get_dump(A)[0]))
class H(abc.ABC):
    @classmethod
    def __subclasshook__(cls, c): return 42
try: issubclass(int, H)
except AssertionError as e: print(e)
print('__abc_tpflags__' in cabc.Sequence.__dict__)
for f, a in [(_abc._abc_init, ()), (_abc._abc_register, (A,))]:
    try: f(*a)
    except TypeError as e: print(e)
class NoImpl: pass
try: _abc._abc_subclasscheck(NoImpl, int)
except (TypeError, AttributeError) as e: print(type(e).__name__, e)
NoImpl._abc_impl = 3
try: _abc._abc_subclasscheck(NoImpl, int)
except (TypeError, AttributeError) as e: print(type(e).__name__, e)
try: issubclass(1, A)
except TypeError as e: print(e)

from typing import Protocol, runtime_checkable


@runtime_checkable
class HasX(Protocol):
    x: int


class WithX:
    x = 1


print(isinstance(WithX(), HasX), isinstance(object(), HasX))
try:
    issubclass(WithX, HasX)
except TypeError as e:
    print(e)


class NotIter:
    __iter__ = None

    def __getitem__(self, i):
        return i


for f in (iter, list):
    try:
        f(NotIter())
    except TypeError as e:
        print(f.__name__, e)
try:
    [*NotIter()]
except TypeError as e:
    print("star", e)
print(isinstance(NotIter(), cabc.Iterable))
