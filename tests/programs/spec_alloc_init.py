"""CALL_ALLOC_AND_ENTER_INIT: class calls specialize whatever `__init__`'s signature
(defaults, keyword-only parameters, *args), bind their arguments as a call does, and
stay correct when the guard breaks or `__init__.__code__` is reassigned (which leaves
the class's version alone)."""


class Plain:
    def __init__(self, a, b):
        self.a = a
        self.b = b


class Defaults:
    def __init__(self, name, value=0, scale=1):
        self.name = name
        self.value = value * scale


class Star:
    def __init__(self, *args, key="k"):
        self.args = args
        self.key = key


def make_plain(i):
    return Plain(i, i + 1)


def make_defaults(i):
    if i % 3 == 0:
        return Defaults("d%d" % i)
    if i % 3 == 1:
        return Defaults("d%d" % i, i)
    return Defaults("d%d" % i, i, 10)


def make_star(i):
    return Star(i, i * 2)


total = 0
for i in range(200):
    p = make_plain(i)
    d = make_defaults(i)
    s = make_star(i)
    total += p.a + p.b + d.value + sum(s.args) + len(s.key)
print("warm", total)

# Too few and too many arguments for the specialized sites: CPython's TypeErrors.
def call_defaults(*args):
    return Defaults(*args)


for args in [(), ("x", 1, 2, 3)]:
    try:
        call_defaults(*args)
    except TypeError as e:
        print("TypeError", e)


def make_one(cls, i):
    return cls(i, i)


for i in range(100):
    make_one(Plain, i)


# __code__ reassigned: the class's version is unchanged, the binding follows the
# new code.
def three(self, a, b, c):
    self.a = (a, b, c)


def two_default(self, a, b, c=7):
    self.a = (a, b, c)


def one(self, a):
    self.a = a


Plain.__init__.__code__ = three.__code__
try:
    print(make_one(Plain, 1).a)
except TypeError as e:
    print("TypeError", e)
Plain.__init__.__code__ = two_default.__code__
try:
    print(make_one(Plain, 2).a)
except TypeError as e:
    print("TypeError", e)
Plain.__init__.__code__ = one.__code__
try:
    print(make_one(Plain, 3).a)
except TypeError as e:
    print("TypeError", e)


# __init__ replaced on the class (the version guard breaks), then a __new__ added.
def replaced(self, a, b):
    self.a = ("replaced", a, b)


Plain.__init__ = replaced
print(make_one(Plain, 4).a)


def new(cls, *args):
    obj = object.__new__(cls)
    obj.made_by_new = True
    return obj


Plain.__new__ = new
o = make_one(Plain, 5)
print(o.a, o.made_by_new)

# An __init__ returning a value, and one whose code became a generator's.
class Returns:
    def __init__(self, x):
        self.x = x
        if x > 150:
            return x


for i in range(200):
    try:
        Returns(i)
    except TypeError as e:
        print(i, "TypeError", e)
        break


class Gen:
    def __init__(self, x):
        self.x = x


def build_gen(i):
    return Gen(i)


for i in range(100):
    build_gen(i)


def gen_init(self, x):
    yield x


Gen.__init__.__code__ = gen_init.__code__
try:
    build_gen(1)
except TypeError as e:
    print("TypeError", e)
