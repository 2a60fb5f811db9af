# weakref.proxy as CPython's native ProxyType/CallableProxyType: every operator and protocol forwarded, ReferenceError once dead, callbacks, sharing, hash, repr shape, and the weakref.py/_weakrefset.py pieces built on _weakref.
import gc
import operator
import re
import weakref
import _weakref


def show(f, *a):
    try:
        print("ok", f(*a))
    except Exception as e:
        print(type(e).__name__, e)


class Num:
    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return "Num(%r)" % self.v

    def __str__(self):
        return "<%s>" % self.v

    def __bytes__(self):
        return b"num%d" % self.v

    def __index__(self):
        return self.v

    def __int__(self):
        return self.v

    def __float__(self):
        return float(self.v) + 0.5

    def __bool__(self):
        return self.v != 0

    def __neg__(self):
        return Num(-self.v)

    def __pos__(self):
        return Num(+self.v)

    def __abs__(self):
        return Num(abs(self.v))

    def __invert__(self):
        return Num(~self.v)

    def __lt__(self, o):
        return self.v < getattr(o, "v", o)

    def __eq__(self, o):
        return self.v == getattr(o, "v", o)

    def __gt__(self, o):
        return self.v > getattr(o, "v", o)

    def __le__(self, o):
        return self.v <= getattr(o, "v", o)

    def __ge__(self, o):
        return self.v >= getattr(o, "v", o)

    __hash__ = object.__hash__


def binop(name):
    def f(self, o):
        return Num(getattr(operator, name)(self.v, getattr(o, "v", o)))

    def r(self, o):
        return Num(getattr(operator, name)(getattr(o, "v", o), self.v))

    return f, r


for _n in ["add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "lshift",
           "rshift", "and", "xor", "or"]:
    _op = _n + "_" if _n in ("and", "or") else _n
    f, r = binop(_op)
    setattr(Num, "__%s__" % _n, f)
    setattr(Num, "__r%s__" % _n, r)
Num.__divmod__ = lambda self, o: (self.v // o, self.v % o)
Num.__rdivmod__ = lambda self, o: (o // self.v, o % self.v)
Num.__matmul__ = lambda self, o: ("matmul", self.v, o)
Num.__rmatmul__ = lambda self, o: ("rmatmul", o, self.v)

n = Num(6)
p = weakref.proxy(n)
print(type(p).__name__, type(p).__module__, type(p) is weakref.ProxyType)
print(p + 1, 1 + p, p - 2, 20 - p, p * 3, 3 * p, p / 4, 30 / p, p // 4, 30 // p)
print(p % 4, 20 % p, p ** 2, 2 ** p, p << 1, 1 << p, p >> 1, 64 >> p)
print(p & 3, 3 & p, p ^ 3, 3 ^ p, p | 1, 1 | p, divmod(p, 4), divmod(20, p))
print(p @ 2, 2 @ p, pow(p, 2), -p, +p, abs(Num(-3)), ~p)
print(int(p), float(p), operator.index(p), [0, 1, 2, 3, 4, 5, 6, 7][p], bytes(p), str(p))
zero = Num(0)
print(bool(p), bool(weakref.proxy(zero)), p < 7, p > 5, p == 6, p != 6, p <= 6, p >= 7)
print(p == weakref.proxy(n), isinstance(p, Num), p.__class__.__name__)
print(hex(p), "%d" % p, format(p))
q = p
q += 4
print(q, type(q).__name__, n.v)

# Attributes go to the referent.
p.extra = "set"
print(n.extra, p.extra, hasattr(p, "nope"))
del p.extra
print(hasattr(n, "extra"))
show(lambda: p.nope)

# Containers and iteration.
class Box(list):
    pass


b = Box([3, 1, 2])
pb = weakref.proxy(b)
print(len(pb), pb[0], 2 in pb, 9 in pb, list(pb), sorted(pb), list(reversed(pb)))
pb[0] = 7
del pb[1]
pb.append(5)
print(b, pb.count(7), pb + [1], (0,) + tuple(pb))


class It:
    def __init__(self):
        self.i = 0

    def __iter__(self):
        return self

    def __next__(self):
        self.i += 1
        if self.i > 3:
            raise StopIteration
        return self.i


it = It()
pi = weakref.proxy(it)
print(next(pi), list(pi))
show(next, weakref.proxy(b))

d = {"a": 1}


class D(dict):
    pass


dd = D(a=1, b=2)
pd = weakref.proxy(dd)
print(pd["a"], pd.get("b"), sorted(pd.keys()), "a" in pd)
pd["c"] = 3
del pd["a"]
print(sorted(dd.items()))

# Hash, sharing, counts, repr shape.
show(hash, p)
print(weakref.proxy(n) is p, weakref.proxy(n, None) is p, weakref.proxy(n, print) is p)
r = weakref.ref(n)
print(weakref.getweakrefcount(n), len(weakref.getweakrefs(n)), p in weakref.getweakrefs(n))
print(bool(re.fullmatch(r"<weakproxy at 0x[0-9a-f]+ to Num at 0x[0-9a-f]+>", repr(p))))
print(repr(p).endswith("to Num at %#x>" % id(n)))

# Callable proxies.
class Greeter:
    def __call__(self, who, punct="!"):
        return "hi " + who + punct

    def method(self):
        return "method"


g = Greeter()
cp = weakref.proxy(g)
print(type(cp).__name__, type(cp) is weakref.CallableProxyType, callable(cp), callable(p))
print(cp("you"), cp("there", punct="?"), cp.method())


def func(x):
    return x * 2


fp = weakref.proxy(func)
print(fp(21), fp.__name__, type(fp).__name__)
print(weakref.ProxyTypes == (weakref.ProxyType, weakref.CallableProxyType))

# Death: callbacks receive the proxy; every operation raises ReferenceError.
calls = []
victim = Num(1)
p2 = weakref.proxy(victim, lambda pr: calls.append(type(pr).__name__))
p3 = weakref.proxy(victim)
del victim
gc.collect()
print(calls)
print(bool(re.fullmatch(r"<weakproxy at 0x[0-9a-f]+ to NoneType at 0x[0-9a-f]+>", repr(p3))))
for action in [lambda: p3.v, lambda: p3 + 1, lambda: 1 + p3, lambda: str(p3), lambda: bool(p3),
               lambda: p3 == 1, lambda: p3 < 1, lambda: -p3, lambda: int(p3), lambda: len(p3),
               lambda: p3[0], lambda: 1 in p3, lambda: iter(p3), lambda: isinstance(p3, Num),
               lambda: setattr(p3, "x", 1), lambda: bytes(p3), lambda: hash(p3)]:
    show(action)


class Cyc:
    pass


c = Cyc()
c.self = c
pc = weakref.proxy(c, lambda pr: calls.append("cycle"))
del c
gc.collect()
print(calls[-1])
show(lambda: pc.self)

# Errors of construction.
show(weakref.proxy, 1)
show(weakref.proxy)
show(weakref.proxy, n, None, 3)
show(weakref.ref, p)
show(weakref.ProxyType)
try:
    class Sub(weakref.ProxyType):
        pass
except TypeError as e:
    print("TypeError", e)

# _remove_dead_weakref: deletes only a dead reference; a missing key is fine.
class T:
    pass


t1, t2 = T(), T()
wd = {"dead": weakref.ref(t1), "live": weakref.ref(t2)}
del t1
_weakref._remove_dead_weakref(wd, "dead")
_weakref._remove_dead_weakref(wd, "live")
_weakref._remove_dead_weakref(wd, "missing")
print(sorted(wd))
show(_weakref._remove_dead_weakref, {"x": 1}, "x")
show(_weakref._remove_dead_weakref, [], "x")
show(_weakref._remove_dead_weakref, {})

# weakref.py's ref subclasses: KeyedRef and WeakMethod.
class Obj:
    def m(self):
        return "m of Obj"


o = Obj()
kr = weakref.KeyedRef(o, None, "the key")
print(kr.key, kr() is o, isinstance(kr, weakref.ref))
wm = weakref.WeakMethod(o.m)
print(wm()(), wm == weakref.WeakMethod(o.m), weakref.ref(wm)() is wm)
del o
gc.collect()
print(wm(), kr())
