# Metaclasses: __new__/__init__/__call__ on the metaclass, __prepare__, class keywords,
# metaclass inheritance and conflicts, type() with three arguments.
log = []

class Meta(type):
    @classmethod
    def __prepare__(mcls, name, bases, **kw):
        log.append(("prepare", name, sorted(kw)))
        return {"injected": "by prepare"}

    def __new__(mcls, name, bases, ns, **kw):
        log.append(("new", name, [b.__name__ for b in bases], sorted(k for k in ns if not k.startswith("__"))))
        cls = super().__new__(mcls, name, bases, ns)
        cls.tag = kw.get("tag", "none")
        return cls

    def __init__(cls, name, bases, ns, **kw):
        log.append(("init", name))
        super().__init__(name, bases, ns)

    def __call__(cls, *args, **kwargs):
        log.append(("call", cls.__name__, args))
        return super().__call__(*args, **kwargs)

class Base(metaclass=Meta, tag="base"):
    x = 1
    def __init__(self, v):
        self.v = v

class Child(Base):
    y = 2

obj = Child(5)
for entry in log:
    print(entry)
print(type(Base).__name__, type(Child).__name__, Base.tag, Child.tag, obj.v, Base.injected)
print(isinstance(Base, Meta), isinstance(Base, type), Meta.__mro__[1].__name__)

Dyn = type("Dyn", (Base,), {"z": 3, "hello": lambda self: f"hello {self.v}"})
d = Dyn(9)
print(Dyn.__name__, Dyn.z, Dyn.x, d.hello(), type(Dyn).__name__, [c.__name__ for c in Dyn.__mro__])
print(type(5).__name__, type("s") is str, type(type) is type, type(Meta) is type)

class Registry(type):
    classes = []
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        Registry.classes.append(name)

class A(metaclass=Registry): pass
class B(A): pass
class C(B): pass
print(Registry.classes)

class OtherMeta(type):
    pass
class O(metaclass=OtherMeta): pass
try:
    class Mixed(A, O):
        pass
except TypeError as e:
    print("TypeError:", e)

class Singleton(type):
    _instances = {}
    def __call__(cls, *a):
        if cls not in cls._instances:
            cls._instances[cls] = super().__call__(*a)
        return cls._instances[cls]
class Config(metaclass=Singleton):
    def __init__(self, n):
        self.n = n
print(Config(1) is Config(2), Config(3).n)

class AttrMeta(type):
    def __getattr__(cls, name):
        return f"class-level {name}"
    def __len__(cls):
        return 42
    def __repr__(cls):
        return f"<AttrMeta class {cls.__name__}>"
class Magic(metaclass=AttrMeta):
    pass
print(Magic.anything, len(Magic), repr(Magic), Magic)
try:
    type("Bad", (5,), {})
except TypeError as e:
    print("TypeError:", e)
try:
    type("Bad", (), [])
except TypeError as e:
    print("TypeError:", e)
