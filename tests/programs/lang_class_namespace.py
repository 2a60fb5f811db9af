# Class bodies: executed top to bottom like functions, names visible to later
# statements but not to methods, __dict__ order, __doc__, __module__, __qualname__,
# class attributes computed with loops and comprehensions.
print("before class")
class Body:
    """Body docstring."""
    print("  executing class body")
    a = 1
    b = a + 1
    items = []
    for i in range(3):
        items.append(i * b)
    del i
    squares = {k: k * k for k in range(3)}
    if a:
        conditional = "defined"
    else:
        never = True
    def method(self):
        try:
            return a
        except NameError as e:
            return "NameError: " + str(e)
    print("  class body done")
print("after class")
print(Body.__doc__, Body.__module__, Body.__qualname__, Body.b, Body.items, Body.squares, Body.conditional)
print(Body().method(), hasattr(Body, "i"), hasattr(Body, "never"))
print([k for k in Body.__dict__ if not k.startswith("__")])

class NoDoc:
    x = 1
print(NoDoc.__doc__)

def factory(n):
    class Made:
        value = n
        def get(self):
            return self.value * 2
    return Made
M1, M2 = factory(1), factory(2)
print(M1.value, M2.value, M1().get(), M1 is M2, M1.__qualname__)

class Counter:
    instances = 0
    def __init__(self):
        type(self).instances += 1
class SubCounter(Counter):
    pass
Counter(); SubCounter(); SubCounter()
print(Counter.instances, SubCounter.instances)

class WithDunders:
    __custom__ = "custom dunder"
    def __len__(self):
        return 3
print(WithDunders.__custom__, len(WithDunders()), "__len__" in WithDunders.__dict__)

class Empty: pass
class Empty2(): pass
class Empty3(object): pass
print(Empty.__bases__, Empty2.__bases__, Empty3.__bases__, Empty.__name__)

x = "global x"
class Shadow:
    x = "class x"
    y = x
    z = [x for _ in range(1)]
print(Shadow.y, Shadow.z)

class Nested:
    class Inner:
        class Deeper:
            pass
print(Nested.Inner.Deeper.__qualname__, Nested.Inner.__name__)
print(type(Body.__dict__).__name__, Body.__dict__["a"])
try:
    Body.__dict__["a"] = 5
except TypeError as e:
    print("TypeError:", e)
Body.added = "later"
print(Body.added, Body().added)
