# hash/equality across int, float, bool, and their use as dict/set keys; hash of containers and user objects.
print(hash(1) == hash(1.0) == hash(True), hash(0) == hash(0.0) == hash(False) == hash(-0.0), hash(2**61 - 1), hash(2**61), hash(-1), hash(-2))
print(hash(1.5), hash(-1.5), hash(0.1), hash(1e100), hash(float("inf")), hash(float("-inf")), hash(2**100), hash(-(2**100)), hash(10**20) == hash(float(10**20)))
print(hash(2.0**70) == hash(2**70), hash(0.5) == hash(1 / 2), 1 == 1.0 == True, {1: "a", 1.0: "b", True: "c"}, {0, 0.0, False, -0.0})
print(hash("") == 0, hash(()) == hash(()), hash((1, 2)) == hash((1.0, 2.0)), (1, 2) == (1.0, 2.0), hash(frozenset({1, 2})) == hash(frozenset({2.0, 1.0})))
print(hash(None) == hash(None), hash(...) == hash(Ellipsis), type(hash("abc")).__name__, hash(12345) == 12345, hash(-12345))
for x in [[1], {1: 2}, {1}, bytearray if False else [[]]]:
    try:
        hash(x)
    except TypeError as e:
        print(type(e).__name__, e)
class A:
    pass
a = A()
print(hash(a) == hash(a), a == a, a != A(), {a: 1}[a])
class Eq:
    def __init__(self, v): self.v = v
    def __eq__(self, o): return isinstance(o, Eq) and self.v == o.v
try:
    hash(Eq(1))
except TypeError as e:
    print(type(e).__name__, e)
print(Eq.__hash__ is None, Eq(1) == Eq(1), Eq(1) != Eq(2), Eq(1) == 1)
class H(Eq):
    def __hash__(self): return hash(self.v)
print(len({H(1), H(1), H(2)}), H(3) in {H(3)}, hash(H(7)) == hash(7))
class BigHash:
    def __hash__(self): return 2**100
print(hash(BigHash()) == hash(2**100))
class BadHash:
    def __hash__(self): return "x"
try:
    hash(BadHash())
except TypeError as e:
    print(type(e).__name__, e)
print(1 == 1.0, 0.1 + 0.2 != 0.3, 2**53 == 2**53 + 0.0, 2**53 + 1 == 2**53 + 1.0, float("nan") != float("nan"))
print([1, 2] == [1.0, 2.0], (True,) == (1,), {1: 2} == {1.0: 2.0}, {1, 2} == {2.0, 1.0}, "1" == 1, b"a" == "a", None == 0, [] == (), range(1) == [0])
nan = float("nan")
d = {nan: 1}
print(nan in d, float("nan") in d, d[nan], len({nan, nan}), len({float("nan"), float("nan")}))
