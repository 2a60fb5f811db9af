# Closures, nonlocal, classes, inheritance, super(), properties, class attributes.
def counter(start):
    count = start
    def step(by=1):
        nonlocal count
        count += by
        return count
    return step

c = counter(10)
c()
c(5)
print(c())

class Animal:
    kind = "animal"
    def __init__(self, name):
        self.name = name
    def speak(self):
        return f"{self.name} makes a sound"
    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"

class Dog(Animal):
    kind = "dog"
    def speak(self):
        return super().speak() + " (woof)"

class Temperature:
    def __init__(self, c):
        self._c = c
    @property
    def fahrenheit(self):
        return self._c * 9 / 5 + 32
    @staticmethod
    def unit():
        return "C"
    @classmethod
    def freezing(cls):
        return cls(0)

d = Dog("rex")
print(d, d.speak(), d.kind, Animal.kind, isinstance(d, Animal), issubclass(Dog, Animal))
t = Temperature.freezing()
print(t.fahrenheit, Temperature.unit(), Temperature(100).fahrenheit)
print([cls.__name__ for cls in Dog.__mro__])

def make_adders():
    return [lambda x, i=i: x + i for i in range(3)]
print([f(10) for f in make_adders()])
