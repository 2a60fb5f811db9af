# Class attributes vs instance attributes, shadowing, mutation through the class.
class Counter:
    total = 0
    shared = []
    kind = "base"

    def __init__(self, name):
        self.name = name
        Counter.total += 1
        self.shared.append(name)

a = Counter("a")
b = Counter("b")
print(Counter.total, a.total, b.total, Counter.shared)
a.kind = "instance"
print(a.kind, b.kind, Counter.kind)
del a.kind
print(a.kind)
Counter.kind = "changed"
print(a.kind, b.kind)
print(sorted(a.__dict__), "name" in Counter.__dict__, "total" in Counter.__dict__)

a.total = 100
print(a.total, Counter.total)

class Sub(Counter):
    kind = "sub"

s = Sub("s")
print(s.kind, s.total, Counter.total, Sub.total, Sub.__dict__.get("total"))
Sub.total = 50
print(Sub.total, Counter.total)

try:
    del b.kind
except AttributeError as e:
    print("AttributeError:", e)

try:
    Counter.missing
except AttributeError as e:
    print("AttributeError:", e)

try:
    a.missing
except AttributeError as e:
    print("AttributeError:", e)

# setattr/getattr/hasattr/delattr builtins
setattr(a, "dyn", 5)
print(getattr(a, "dyn"), getattr(a, "nope", "default"), hasattr(a, "dyn"), hasattr(a, "nope"))
delattr(a, "dyn")
print(hasattr(a, "dyn"))

# methods are class attributes too
class M:
    def f(self):
        return "method"

m = M()
m.f = lambda: "instance override"
print(m.f(), M.f(m), M().f())
print(type(M.__dict__["f"]).__name__, type(M.f).__name__, type(M().f).__name__)
print(M().f.__self__.__class__.__name__, M().f.__func__ is M.f)
print(M.__name__, M.__qualname__, M.__module__)

class Outer:
    class Inner:
        def meth(self):
            pass
print(Outer.Inner.__qualname__, Outer.Inner.meth.__qualname__)
