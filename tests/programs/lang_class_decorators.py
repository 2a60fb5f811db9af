# Class decorators: registering, adding methods, stacking, returning a different object.
registry = []

def register(cls):
    registry.append(cls.__name__)
    return cls

def add_repr(cls):
    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in sorted(self.__dict__.items()))
        return f"{type(self).__name__}({fields})"
    cls.__repr__ = __repr__
    return cls

def with_prefix(prefix):
    def deco(cls):
        cls.prefix = prefix
        return cls
    return deco

@register
@add_repr
@with_prefix(">>")
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

p = Point(1, "two")
print(repr(p), Point.prefix, registry)

def singleton(cls):
    instances = {}
    def get(*args):
        if cls not in instances:
            instances[cls] = cls(*args)
        return instances[cls]
    return get

@singleton
class Config:
    def __init__(self, v):
        self.v = v

a = Config(1)
b = Config(2)
print(a is b, a.v, type(Config).__name__)

def count_instances(cls):
    orig_init = cls.__init__
    cls.count = 0
    def __init__(self, *a, **k):
        cls.count += 1
        orig_init(self, *a, **k)
    cls.__init__ = __init__
    return cls

@count_instances
class Thing:
    def __init__(self, name):
        self.name = name

things = [Thing(n) for n in "abc"]
print(Thing.count, [t.name for t in things])

@register
class Other:
    pass

print(registry)
