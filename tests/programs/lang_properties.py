# property: decorator form, getter/setter/deleter, property() call form, read-only errors.
class Temperature:
    def __init__(self, c):
        self._c = c

    @property
    def celsius(self):
        "Temperature in Celsius."
        return self._c

    @celsius.setter
    def celsius(self, value):
        if value < -273.15:
            raise ValueError("below absolute zero")
        self._c = value

    @celsius.deleter
    def celsius(self):
        print("deleting")
        del self._c

    @property
    def fahrenheit(self):
        return self._c * 9 / 5 + 32

t = Temperature(25)
print(t.celsius, t.fahrenheit)
t.celsius = 100
print(t.celsius, t.fahrenheit)
try:
    t.celsius = -300
except ValueError as e:
    print("ValueError:", e)
try:
    t.fahrenheit = 3
except AttributeError as e:
    print("AttributeError:", e)
del t.celsius
try:
    t.celsius
except AttributeError as e:
    print("AttributeError:", e)
try:
    del t.fahrenheit
except AttributeError as e:
    print("AttributeError:", e)

print(Temperature.celsius.__doc__)
print(type(Temperature.celsius).__name__)
p = Temperature.celsius
print(p.fget.__name__, p.fset.__name__, p.fdel.__name__, Temperature.fahrenheit.fset)

class Old:
    def __init__(self):
        self._x = 0
    def getx(self):
        return self._x
    def setx(self, v):
        self._x = v
    def delx(self):
        self._x = None
    x = property(getx, setx, delx, "the x")
    y = property(lambda self: "lambda y")

o = Old()
o.x = 7
print(o.x, Old.x.__doc__, o.y)
del o.x
print(o.x)

# properties are inherited and can be overridden
class Base:
    @property
    def name(self):
        return "base"
class Sub(Base):
    @property
    def name(self):
        return "sub/" + super().name
print(Sub().name)

# property shadows instance dict (data descriptor)
class Shadow:
    @property
    def v(self):
        return "property wins"
s = Shadow()
s.__dict__["v"] = "dict value"
print(s.v)

# computed cached value with a property
class Lazy:
    def __init__(self):
        self.computed = 0
    @property
    def data(self):
        if not hasattr(self, "_data"):
            self.computed += 1
            self._data = [1, 2, 3]
        return self._data
lz = Lazy()
lz.data; lz.data
print(lz.data, lz.computed)
