# PEP 646 in 3.11: starred *args annotations, star expressions in subscripts, and
# types.GenericAlias unpacking (iter(), __unpacked__, __typing_unpacked_tuple_args__).
from typing import TypeVarTuple, Generic, Unpack
Ts = TypeVarTuple('Ts')
class A(Generic[*Ts]): pass
print(A[int, str])
def f(*args: *Ts): pass
print(f.__annotations__)
print(tuple[*(int, str)])
def g(*a: *tuple[int, ...]) -> None: pass
print(g.__annotations__)
s = next(iter(tuple[int, str]))
print(s, s.__unpacked__, s.__typing_unpacked_tuple_args__, tuple[int].__unpacked__)
print(s == next(iter(tuple[int, str])), s == tuple[int, str])
print(list[*tuple[int]] if False else [*tuple[int, str]])
# A union is not an alias: no unpacking attributes.
print(hasattr(int | str, '__unpacked__'), hasattr(int | str, '__typing_unpacked_tuple_args__'))
