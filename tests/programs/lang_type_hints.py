# Type hints evaluated at definition time: PEP 585 generic aliases (list[int]) and
# PEP 604 unions (int | None), their reprs, equality, attributes, isinstance with
# unions, and subclassing a generic alias.
from collections import namedtuple

def scale(values: list[float], factor: float | int = 2, *, names: dict[str, tuple[int, ...]] | None = None) -> list[float]:
    return [v * factor for v in values]

print(scale([1.0, 2.5]), scale.__annotations__["return"])
for name, hint in scale.__annotations__.items():
    print(name, hint)

print(list[int], dict[str, list[int]], tuple[int, ...], tuple[()], type[int], set[frozenset[str]])
print(int | str, int | None, None | int, list[int] | None, int | str | float, (int | str) | (bytes | int))
print(int | int, type(int | str).__name__, type(list[int]).__name__, type(int | str).__module__, type(list[int]).__module__)

alias = dict[str, int]
print(alias.__origin__, alias.__args__, alias.__parameters__, alias(a=1), list[int]("ab"))
print(list[int] == list[int], list[int] == list[str], list[int] != list, hash(list[int]) == hash(list[int]))
print(int | str == str | int, (int | str).__args__, hash(int | str) == hash(str | int), int | str == int | bytes)

print(isinstance(3, int | str), isinstance(2.5, int | str), isinstance(None, int | None))
print(issubclass(bool, int | str), issubclass(float, int | str), isinstance([], (list | dict, str)))
try:
    isinstance([], list[int])
except TypeError as e:
    print("TypeError:", e)
try:
    issubclass(list, list[int] | None)
except TypeError as e:
    print("TypeError:", e)
try:
    int | 3
except TypeError as e:
    print("TypeError:", e)
try:
    "x" | int
except TypeError as e:
    print("TypeError:", e)

class IntList(list[int]):
    def total(self) -> int:
        return sum(self)

il = IntList([1, 2, 3])
print(IntList.__bases__, IntList.__orig_bases__, il.total(), isinstance(il, list))

class Tree:
    children: list["Tree"]
    value: int | None = None
print(Tree.__annotations__)

class Box:
    def __class_getitem__(cls, item):
        return f"Box of {item}"
print(Box[int], Box[int, str])

print(list[int].append is list.append, list[int].__name__ if hasattr(list[int], "__name__") else "no name")
Pair = namedtuple("Pair", "a b")
print(Pair(1, 2))
