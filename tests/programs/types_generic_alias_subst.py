# types.GenericAlias and types.UnionType as CPython 3.11's (Objects/
# genericaliasobject.c, unionobject.c): __parameters__, substitution with
# TypeVar/TypeVarTuple/ParamSpec, equality of subclasses, repr of items,
# pickling, iteration, weak references, dir().
import collections.abc as cabc
import copy
import pickle
import types
import weakref
from typing import ParamSpec, TypeVar, TypeVarTuple, Unpack

T = TypeVar("T")
T1 = TypeVar("T1")
T2 = TypeVar("T2")
Ts = TypeVarTuple("Ts")
P = ParamSpec("P")


def show(label, thunk):
    try:
        print(label, thunk())
    except Exception as e:
        print(label, type(e).__name__, e)


show("params", lambda: (list[T].__parameters__, dict[T, list[T1]].__parameters__, list[int].__parameters__))
show("dedup", lambda: dict[T, T].__parameters__)
show("subst", lambda: (list[T][int], dict[T, list[T2]][str, int], dict[T, T][bytes]))
show("nested", lambda: list[dict[T, tuple[T1, ...]]][int, str])
show("class arg", lambda: list[TypeVar, T][int])


class G:
    __parameters__ = (T,)


show("class with __parameters__ skipped", lambda: list[G].__parameters__)
show("not generic", lambda: list[int][str])
show("too many", lambda: list[T][int, str])
show("too few", lambda: dict[T, T1][int])

A = tuple[T1, *Ts, list[T2]]
show("tvt params", lambda: A.__parameters__)
show("tvt subst", lambda: (A[int, str, bool, float], A[int, float]))
show("tvt too few", lambda: A[int])
show("tvt unbounded", lambda: tuple[T, *Ts][*tuple[int, ...]])
show("tvt unpacked fixed", lambda: tuple[T, *Ts][*tuple[int, str], bytes])
show("Unpack", lambda: list[Unpack[Ts]].__parameters__)
show("two tvt", lambda: tuple[*Ts, *Ts].__parameters__)

show("callable", lambda: cabc.Callable[[int], T][str])
show("callable P", lambda: (cabc.Callable[P, T].__parameters__, cabc.Callable[P, T][[int, str], bytes]))
show("callable eq", lambda: (cabc.Callable[[int], T] == cabc.Callable[[int], T], cabc.Callable[[int], T] != cabc.Callable[[int], T1]))
show("callable hash", lambda: hash(cabc.Callable[[int], T]) == hash(cabc.Callable[[int], T]))
show("eq", lambda: (list[int] == list[int], list[int] != list[str], list[int] == list, list[int] == next(iter(list[int]))))

show("repr", lambda: (list[len], list[T], list[1], list[...], list[print], tuple[()], list[[int]]))
show("repr union", lambda: repr(int | list[T] | None))
show("union params", lambda: ((int | list[T]).__parameters__, (int | list[T])[str], (list[T] | dict[T, T1])[int, str]))
show("union not generic", lambda: (int | str)[int])

star = next(iter(tuple[int, str]))
show("star", lambda: (star, star.__unpacked__, star.__typing_unpacked_tuple_args__, list(iter(list[int]))))
it = iter(list[int])
show("iter", lambda: (type(it).__name__, next(it), next(it, "done"), it.__reduce__()))
show("pickle", lambda: [pickle.loads(pickle.dumps(x, proto)) == x for proto in (0, 2, 5) for x in (list[T], dict[int, str], star)])
show("pickle callable", lambda: pickle.loads(pickle.dumps(cabc.Callable[[int], str])))
show("copy", lambda: (copy.copy(list[int]), copy.deepcopy(dict[str, T])))
show("reduce", lambda: (list[int].__reduce__(), star.__reduce__()[0].__name__))
show("weakref", lambda: (weakref.ref(list[int])() is None, weakref.ref(cabc.Callable[[int], T])() is None))
alias = list[int]
r = weakref.ref(alias)
del alias
show("weakref dead", lambda: r())
show("dir", lambda: [n for n in ("__origin__", "__args__", "__parameters__", "append") if n in dir(list[int])])
show("class attr", lambda: (list[int].__class__, list[int].__name__, list[int].__mro_entries__(())))
show("isinstance", lambda: isinstance([], list[int]))
show("call", lambda: (list[int]([1, 2]), list[int]((1,)).__class__))


class Rec(list):
    pass


show("orig_class", lambda: Rec[int]().__orig_class__)
show("new", lambda: (types.GenericAlias(list, (int,)), types.GenericAlias(dict, int)))
show("new bad", lambda: types.GenericAlias(list))


class Sub(types.GenericAlias):
    pass


s = Sub(list, (T,))
show("subclass", lambda: (type(s).__name__, s[int], type(s[int]).__name__, s == list[T]))


class MyType(type):
    pass


show("type[int]", lambda: (type[int], type[int].__origin__, "__class_getitem__" in type.__dict__))
show("metaclass", lambda: MyType[int])
show("builtins", lambda: (weakref.ref[int], enumerate[int], type(type.__dict__)[str, int], list[int]))


async def agen():
    yield 1


show("async_generator", lambda: type(agen())[int])
