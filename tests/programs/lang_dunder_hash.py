# __hash__: default identity hashing, __eq__ without __hash__ makes instances unhashable,
# explicit __hash__ = None, custom hashes used by dict and set.
class Plain:
    pass

p = Plain()
print(hash(p) == hash(p), {p: 1}[p])

class EqOnly:
    def __eq__(self, other):
        return True

print(EqOnly.__hash__)
try:
    hash(EqOnly())
except TypeError as e:
    print("TypeError:", e)
try:
    {EqOnly(): 1}
except TypeError as e:
    print("TypeError:", e)
try:
    {EqOnly()}
except TypeError as e:
    print("TypeError:", e)

class Key:
    def __init__(self, k):
        self.k = k
    def __eq__(self, other):
        return isinstance(other, Key) and self.k.lower() == other.k.lower()
    def __hash__(self):
        return hash(self.k.lower())
    def __repr__(self):
        return f"Key({self.k!r})"

d = {Key("Apple"): 1}
d[Key("APPLE")] = 2
print(d, Key("apple") in d, len({Key("a"), Key("A"), Key("b")}))

class Explicit:
    __hash__ = None
try:
    hash(Explicit())
except TypeError as e:
    print("TypeError:", e)

class Inherit(Key):
    pass
print(hash(Inherit("X")) == hash(Key("x")))

class EqInSub(Key):
    def __eq__(self, other):
        return False
try:
    hash(EqInSub("q"))
except TypeError as e:
    print("TypeError:", e)

class BadHash:
    def __hash__(self):
        return "no"
try:
    hash(BadHash())
except TypeError as e:
    print("TypeError:", e)

class BigHash:
    def __hash__(self):
        return 2**100
print(hash(BigHash()) == hash(2**100))

print(hash(1) == hash(1.0) == hash(True), hash((1, 2)) == hash((1, 2)))
for unhashable in ([], {}, set()):
    try:
        hash(unhashable)
    except TypeError as e:
        print("TypeError:", e)
try:
    hash(([],))
except TypeError as e:
    print("TypeError:", e)
print(hash(frozenset([1, 2])) == hash(frozenset([2, 1])))
