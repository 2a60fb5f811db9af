# __repr__, __str__, __format__ and how print/str/repr/format/f-strings pick them.
class Both:
    def __repr__(self):
        return "Both()"
    def __str__(self):
        return "both as str"

class ReprOnly:
    def __repr__(self):
        return "ReprOnly<>"

class StrOnly:
    def __str__(self):
        return "just str"

class Neither:
    pass

for obj in (Both(), ReprOnly(), StrOnly()):
    if isinstance(obj, StrOnly):
        r = repr(obj)
        print(str(obj), r.startswith("<__main__.StrOnly object at 0x"), f"{obj!r}" == r, "%s|%r" % (obj, obj) == "just str|" + r)
        continue
    print(str(obj), repr(obj), f"{obj}", f"{obj!r}", "%s|%r" % (obj, obj), [obj])

n = Neither()
print(repr(n).startswith("<__main__.Neither object at 0x"), str(n) == repr(n))

class Money:
    def __init__(self, cents):
        self.cents = cents
    def __format__(self, spec):
        if spec == "":
            return f"${self.cents / 100:.2f}"
        if spec == "raw":
            return str(self.cents)
        return format(self.cents / 100, spec)
    def __str__(self):
        return "Money"

m = Money(12345)
print(format(m), format(m, "raw"), f"{m:>10.1f}|", f"{m}", "{0} {0:raw}".format(m), str(m))

class BadRepr:
    def __repr__(self):
        return 5

try:
    repr(BadRepr())
except TypeError as e:
    print("TypeError:", e)

class BadStr:
    def __str__(self):
        return None
try:
    str(BadStr())
except TypeError as e:
    print("TypeError:", e)

try:
    format(Neither(), "x")
except TypeError as e:
    print("TypeError:", e)

class Recursive:
    def __init__(self):
        self.items = [self]
    def __repr__(self):
        return f"R({self.items!r})"

lst = [1]
lst.append(lst)
print(lst)
d = {}
d["self"] = d
print(d)

class StrSub(str):
    def __str__(self):
        return "overridden"
print(str(StrSub("x")), repr(StrSub("x")), f"{StrSub('x')}")

class IntSub(int):
    def __repr__(self):
        return "IntSub!"
print(IntSub(3), repr(IntSub(3)), f"{IntSub(3)}", str(IntSub(3)), [IntSub(3)])
