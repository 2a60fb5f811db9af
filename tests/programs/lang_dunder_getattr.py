# __getattr__ (fallback), __getattribute__ (everything), __setattr__, __delattr__.
class Fallback:
    def __init__(self):
        self.real = "real"
    def __getattr__(self, name):
        if name.startswith("dyn_"):
            return name[4:] * 2
        raise AttributeError(f"{type(self).__name__!r} has no {name!r}")

f = Fallback()
print(f.real, f.dyn_ab, getattr(f, "dyn_x"), hasattr(f, "nothing"), getattr(f, "nothing", 0))
try:
    f.nothing
except AttributeError as e:
    print("AttributeError:", e)

class Everything:
    def __init__(self):
        object.__setattr__(self, "log", [])
    def __getattribute__(self, name):
        if name == "log":
            return object.__getattribute__(self, name)
        self.log.append(name)
        if name == "secret":
            raise AttributeError("hidden")
        return object.__getattribute__(self, name)
    def __getattr__(self, name):
        return f"fallback:{name}"
    def method(self):
        return "m"

e = Everything()
print(e.method(), e.secret, e.missing, e.log)

class Guard:
    def __setattr__(self, name, value):
        if name.startswith("_"):
            raise AttributeError(f"cannot set {name}")
        print("  setattr", name, value)
        super().__setattr__(name, value)
    def __delattr__(self, name):
        print("  delattr", name)
        if name == "keep":
            raise AttributeError("keep is permanent")
        super().__delattr__(name)

g = Guard()
g.x = 1
g.keep = 2
try:
    g._private = 3
except AttributeError as err:
    print("AttributeError:", err)
del g.x
try:
    del g.keep
except AttributeError as err:
    print("AttributeError:", err)
try:
    del g.never
except AttributeError as err:
    print("AttributeError:", err)
print(sorted(g.__dict__))

class Proxy:
    def __init__(self, target):
        object.__setattr__(self, "_target", target)
    def __getattr__(self, name):
        return getattr(self._target, name)
    def __setattr__(self, name, value):
        setattr(self._target, name, value)

class Target:
    pass
t = Target()
p = Proxy(t)
p.color = "red"
print(t.color, p.color, "color" in p.__dict__)
print(p.__class__.__name__)

class Recursive:
    def __getattr__(self, name):
        if name == "loop":
            return self.loop2
        raise AttributeError(name)
try:
    Recursive().loop
except AttributeError as err:
    print("AttributeError:", err)

class PropRaises:
    @property
    def p(self):
        raise AttributeError("inside property")
    def __getattr__(self, name):
        return f"getattr saw {name}"
print(PropRaises().p)

try:
    object().foo = 1
except AttributeError as err:
    print("AttributeError:", err)
try:
    (1).real = 5
except AttributeError as err:
    print("AttributeError:", err)
try:
    del [].append
except AttributeError as err:
    print("AttributeError:", err)
try:
    "x".nope
except AttributeError as err:
    print("AttributeError:", err)
try:
    type.nope
except AttributeError as err:
    print("AttributeError:", err)
