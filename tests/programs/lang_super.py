# super() in all its forms: zero-arg, two-arg, in classmethods, __init__ chains, properties.
class Base:
    def __init__(self, x):
        self.x = x
        self.log = ["Base"]
    def greet(self, who):
        return f"Base greets {who}"
    @classmethod
    def create(cls):
        return f"create {cls.__name__}"
    @staticmethod
    def util():
        return "Base.util"
    @property
    def value(self):
        return self.x * 10

class Mid(Base):
    def __init__(self, x, y):
        super().__init__(x)
        self.y = y
        self.log.append("Mid")
    def greet(self, who):
        return "Mid+" + super().greet(who)
    @classmethod
    def create(cls):
        return "Mid:" + super().create()
    @property
    def value(self):
        return super().value + 1

class Leaf(Mid):
    def __init__(self):
        super(Leaf, self).__init__(1, 2)
        self.log.append("Leaf")
    def greet(self, who):
        return "Leaf+" + super(Leaf, self).greet(who)
    def skip(self):
        return super(Mid, self).greet("skip")
    def util_via_super(self):
        return super().util()

leaf = Leaf()
print(leaf.log, leaf.x, leaf.y)
print(leaf.greet("you"))
print(leaf.skip())
print(Leaf.create(), Mid.create())
print(leaf.value, leaf.util_via_super())

# cooperative multiple inheritance
class Root:
    def __init__(self, **kw):
        self.order = ["Root"]

class Left(Root):
    def __init__(self, left=0, **kw):
        super().__init__(**kw)
        self.order.append(f"Left{left}")

class Right(Root):
    def __init__(self, right=0, **kw):
        super().__init__(**kw)
        self.order.append(f"Right{right}")

class Bottom(Left, Right):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.order.append("Bottom")

print(Bottom(left=1, right=2).order)

# super objects themselves
s = super(Leaf, leaf)
print(type(s).__name__, s.greet("direct"))
print(super(Mid, Leaf).create())
unbound = super(Leaf)
print(type(unbound).__name__)

# super in a method defined outside the class body fails without args
def outside(self):
    return super().greet("x")

class Late(Base):
    pass

Late.outside = outside
try:
    Late(1).outside()
except RuntimeError as e:
    print("RuntimeError:", e)

# super() with a __class__ reference
class Ref:
    def cls(self):
        return __class__.__name__
print(Ref().cls())

class Child(Ref):
    pass
print(Child().cls())

try:
    super(Leaf, 5)
except TypeError as e:
    print("TypeError:", e)

# super().__setattr__ and __getattribute__ passthrough
class Tracked:
    def __setattr__(self, name, value):
        super().__setattr__(name, value * 2 if isinstance(value, int) else value)
t = Tracked()
t.a = 5
t.b = "s"
print(t.a, t.b)
