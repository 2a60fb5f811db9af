# bool: arithmetic, identity, truthiness of builtin values, repr/str, int subclassing, and/or semantics.
print(True + True, True * 10, False - 1, True / 2, True // 2, -True, ~False, True ** 3, abs(-True), True == 1, False == 0, True is True)
print(bool(0), bool(1), bool(-1), bool(0.0), bool(-0.0), bool(float("nan")), bool(""), bool(" "), bool([]), bool([0]), bool({}), bool({0: 0}),
      bool(()), bool((0,)), bool(set()), bool(None), bool(range(0)), bool(range(1)), bool(b""), bool(b"\x00"), bool(frozenset()), bool(object()))
print(repr(True), str(False), f"{True}", f"{True:d}", f"{False:>6}", "%s %d %r" % (True, True, False), int(True), float(False), hash(True), hash(False))
print(isinstance(True, int), issubclass(bool, int), type(True).__name__, type(True + 0).__name__, bool.__bases__ if hasattr(bool, "__bases__") else None)
print(0 or "default", "" or [] or 0, 1 and "yes", 0 and "no", None or False, [] and 1, "a" and "b" or "c", not 0, not "x", not not [1])
print(sum([True, True, False, True]), max(True, 2), sorted([True, False, True]), [1, 2, 3][True], {True: "t", 1: "one"}, True in {1}, 1.0 in {True})
class Truthy:
    def __bool__(self): return False
class Sized:
    def __len__(self): return 0
class Neither:
    pass
print(bool(Truthy()), bool(Sized()), bool(Neither()), "yes" if Sized() else "no", not Truthy())
class BadBool:
    def __bool__(self): return 1
try:
    bool(BadBool())
except TypeError as e:
    print(type(e).__name__, e)
class BadLen:
    def __len__(self): return -1
try:
    bool(BadLen())
except ValueError as e:
    print(type(e).__name__, e)
try:
    bool.__new__(bool, 1, 2)
except TypeError as e:
    print(type(e).__name__, e)
try:
    class MyBool(bool): pass
except TypeError as e:
    print(type(e).__name__, e)
print(True & 1, True | 2, False ^ True, True << 2, bool("False"), (1 < 2) == True, (1 < 2) is True)
print(all([]), any([]), all([1, 2, 0]), any([0, 0, 3]), all(x > 0 for x in [1, 2]), any("") , all(""))
