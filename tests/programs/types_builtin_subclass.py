# Subclasses of builtin types: overridden methods, inherited behaviour, reprs, and which operations return the base type.
class MyList(list):
    def append(self, x):
        super().append(x * 2)
    def total(self):
        return sum(self)
ml = MyList([1, 2])
ml.append(5); ml.extend([7])
print(ml, type(ml).__name__, ml.total(), len(ml), type(ml + [1]).__name__, type(ml[:1]).__name__, isinstance(ml, list), ml == [1, 2, 10, 7])
class LowerDict(dict):
    def __setitem__(self, k, v):
        super().__setitem__(k.lower(), v)
    def __getitem__(self, k):
        return super().__getitem__(k.lower())
ld = LowerDict()
ld["Key"] = 1; ld["OTHER"] = 2
print(ld, ld["KEY"], "key" in ld, ld.get("key"), dict(ld), type(ld.copy()).__name__, sorted(ld))
class Title(str):
    def shout(self):
        return self.upper() + "!"
t = Title("hello")
print(t, repr(t), t.shout(), type(t + "x").__name__, type(t.upper()).__name__, t == "hello", hash(t) == hash("hello"), len(t), t[1:3])
class Money(int):
    def __repr__(self):
        return f"Money({int(self)})"
    def __add__(self, o):
        return Money(int(self) + int(o))
m = Money(5)
print(m, repr(m), m + 3, type(m + 3).__name__, type(3 + m).__name__, m * 2, type(m * 2).__name__, m == 5, isinstance(m, int), bool(Money(0)))
class Pair(tuple):
    def __new__(cls, a, b):
        return super().__new__(cls, (a, b))
    @property
    def first(self):
        return self[0]
p = Pair(3, 4)
print(p, p.first, len(p), type(p).__name__, p + (5,), type(p + (5,)).__name__, p == (3, 4), hash(p) == hash((3, 4)))
class Tags(set):
    def add(self, x):
        super().add(x.lower())
tg = Tags(["A"])
tg.add("B"); tg.add("b")
print(sorted(tg), type(tg | {"c"}).__name__, type(tg.copy()).__name__, "b" in tg)
class Fl(float):
    pass
f = Fl(2.5)
print(f, repr(f), f + 1, type(f + 1).__name__, f.is_integer(), round(f), Fl("1.5"), type(Fl("1.5")).__name__)
class Counted(list):
    instances = 0
    def __init__(self, *a):
        super().__init__(*a)
        Counted.instances += 1
c1, c2 = Counted(), Counted("ab")
print(Counted.instances, c2, c1 == [], sorted(Counted([3, 1, 2])), type(sorted(Counted([1]))).__name__)
class Default(dict):
    def __missing__(self, k):
        return f"<{k}>"
dm = Default(a=1)
print(dm["a"], dm["zz"], "zz" in dm, dm.get("zz"), len(dm))
class Strict(list):
    def __setitem__(self, i, v):
        if not isinstance(v, int):
            raise TypeError("ints only")
        super().__setitem__(i, v)
s = Strict([0, 0])
s[0] = 5
try:
    s[1] = "x"
except TypeError as e:
    print(type(e).__name__, e)
print(s, Strict.__mro__[1].__name__, Strict.__bases__)
