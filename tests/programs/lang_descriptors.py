# Descriptors: data vs non-data, __set_name__, validation, class-level access, lookup order.
class Typed:
    def __set_name__(self, owner, name):
        self.name = name
        self.private = "_" + name
    def __init__(self, kind):
        self.kind = kind
    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj, self.private)
    def __set__(self, obj, value):
        if not isinstance(value, self.kind):
            raise TypeError(f"{self.name} must be {self.kind.__name__}, got {type(value).__name__}")
        setattr(obj, self.private, value)
    def __delete__(self, obj):
        print("  delete", self.name)
        delattr(obj, self.private)

class Person:
    name = Typed(str)
    age = Typed(int)
    def __init__(self, name, age):
        self.name = name
        self.age = age

p = Person("Ann", 30)
print(p.name, p.age, sorted(p.__dict__))
try:
    p.age = "old"
except TypeError as e:
    print("TypeError:", e)
del p.age
print(hasattr(p, "_age"), type(Person.name).__name__, Person.age.name)

class NonData:
    def __get__(self, obj, objtype=None):
        return "from descriptor"

class Host:
    attr = NonData()

h = Host()
print(h.attr, Host.attr)
h.__dict__["attr"] = "from instance dict"
print(h.attr)

class DataOnlySet:
    def __set__(self, obj, value):
        print("  __set__", value)
    # no __get__: reading falls back to the descriptor object itself unless dict wins

class Host2:
    d = DataOnlySet()

h2 = Host2()
h2.d = 5
print(type(h2.d).__name__)

class Lazy:
    def __init__(self, fn):
        self.fn = fn
        self.name = fn.__name__
    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        value = self.fn(obj)
        obj.__dict__[self.name] = value
        return value

class Circle:
    def __init__(self, r):
        self.r = r
        self.computed = 0
    @Lazy
    def area(self):
        self.computed += 1
        return 3 * self.r * self.r

c = Circle(2)
print(c.area, c.area, c.computed)

class Meth:
    def __get__(self, obj, objtype):
        return lambda: (obj is not None, objtype.__name__)

class UseMeth:
    m = Meth()
print(UseMeth().m(), UseMeth.m())

class Sub(UseMeth):
    pass
print(Sub().m(), Sub.m())

# functions are descriptors
def free(self):
    return "bound to " + type(self).__name__
class Later:
    pass
Later.free = free
print(Later().free(), free.__get__(Later())(), free.__get__(None, Later) is free)

class Order:
    def __set_name__(self, owner, name):
        print("  set_name", owner.__name__, name)
class Both:
    a = Order()
    b = Order()
