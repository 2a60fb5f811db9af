# A metaclass (a subclass of type) adds no __dict__ or __weakref__ descriptor: its classes' __dict__ is their namespace as a mappingproxy, attributes set on them land there, they are weakly referenceable, and typing's runtime-checkable protocols (which read cls.__dict__ through a metaclass) work.
import abc
import weakref
from typing import Protocol, runtime_checkable


class Meta(type):
    def describe(cls):
        return "class " + cls.__name__


class A(metaclass=Meta):
    x = 1

    def f(self):
        return "f"


print(type(A.__dict__).__name__, sorted(k for k in A.__dict__ if not k.startswith("__")))
print("__dict__" in Meta.__dict__, "__weakref__" in Meta.__dict__, sorted(Meta.__dict__))
A.y = 2
print(A.__dict__["y"], A.describe(), A().f(), vars(A)["x"])
r = weakref.ref(A)
print(r() is A)


class Sub(Meta):
    pass


class B(A, metaclass=Sub):
    z = 3


print(sorted(k for k in B.__dict__ if not k.startswith("__")), type(B).__name__, B.describe())


class Base(abc.ABC):
    @abc.abstractmethod
    def run(self):
        ...


class Impl(Base):
    def run(self):
        return "ran"


print(sorted(k for k in Impl.__dict__ if not k.startswith("_")), Impl().run(), Base.__abstractmethods__)
try:
    Base()
except TypeError as e:
    print("TypeError", e)


@runtime_checkable
class HasLen(Protocol):
    def __len__(self) -> int:
        ...


print(isinstance([], HasLen), isinstance(1, HasLen), issubclass(dict, HasLen), issubclass(int, HasLen))
