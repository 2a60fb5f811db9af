# A class's __dict__ descriptor used on a class (through a metaclass that inherits
# it, or called directly) reads the class's namespace as a read-only proxy and
# refuses to replace or delete it (strand once replaced the type's own dict).
class Base(object):
    pass


class Meta1(type, Base):
    pass


class Meta2(Base, type):
    pass


class D(object, metaclass=Meta1):
    x = 1


class E(object, metaclass=Meta2):
    y = 2


descr = Base.__dict__["__dict__"]
for cls in (D, E):
    print(type(cls.__dict__).__name__, sorted(k for k in cls.__dict__ if not k.startswith('__')))
    for attempt in (lambda: descr.__set__(cls, {}), lambda: descr.__delete__(cls)):
        try:
            attempt()
            print("allowed")
        except (AttributeError, TypeError) as e:
            print(type(e).__name__, e)
    try:
        cls.__dict__["spam"] = 1
    except TypeError as e:
        print("TypeError", e)
print(D.x, E.y)

import types


class Mod(types.ModuleType, Base):
    pass


m = Mod('m')
for attempt in (lambda: descr.__set__(m, {}), lambda: descr.__delete__(m)):
    try:
        attempt()
        print("allowed")
    except (AttributeError, TypeError) as e:
        print(type(e).__name__, e)
print(descr.__get__(m) is m.__dict__)
