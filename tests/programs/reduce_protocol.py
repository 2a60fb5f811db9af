# The copyreg/pickle protocol of object: __reduce_ex__, __reduce__, __getstate__,
# __getnewargs__/__getnewargs_ex__, copyreg.__newobj__/__newobj_ex__ and
# copyreg._reduce_ex, the __reduce__ of builtin types, and a small deep-copy driver
# built on them (what copy.deepcopy does).
import copyreg


def show(x):
    """A reduction printed without addresses."""
    if isinstance(x, type):
        return x.__qualname__
    if isinstance(x, tuple):
        inner = ", ".join(show(i) for i in x)
        return "(" + inner + (",)" if len(x) == 1 else ")")
    if isinstance(x, list):
        return "[" + ", ".join(show(i) for i in x) + "]"
    if isinstance(x, dict):
        return "{" + ", ".join(show(k) + ": " + show(v) for k, v in x.items()) + "}"
    if hasattr(x, "__next__"):
        return "<" + type(x).__name__ + " " + show(list(x)) + ">"
    if type(x).__name__ in ("function", "builtin_function_or_method"):
        return "<" + (x.__module__ or "?") + "." + x.__name__ + ">"
    if type(x).__repr__ is object.__repr__:
        return "<" + type(x).__name__ + ">"
    return repr(x)


def err(f):
    try:
        r = f()
    except Exception as e:
        print("  ", type(e).__name__, e)
    else:
        print("  ", show(r))


class Plain:
    pass


class WithArgs:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def __getnewargs__(self):
        return (self.a, self.b)

    def __new__(cls, a=0, b=0):
        return super().__new__(cls)


class WithKwargs:
    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        self.args, self.kwargs = args, kwargs
        return self

    def __getnewargs_ex__(self):
        return self.args, self.kwargs


class Slotted:
    __slots__ = ("x", "y", "__dict__")


class SlottedOnly:
    __slots__ = ("p", "__q")


class Sub(SlottedOnly):
    __slots__ = ("r",)


class OwnReduce:
    def __reduce__(self):
        return (OwnReduce, ())


class MyList(list):
    pass


class MyDict(dict):
    pass


class MyInt(int):
    pass


class MyTuple(tuple):
    pass


class MyProperty(property):
    pass


print("object and plain classes")
err(lambda: object().__reduce_ex__(2))
err(lambda: object().__reduce_ex__(4))
err(lambda: object().__reduce_ex__(1))
err(lambda: object().__reduce__())
err(lambda: Plain().__reduce_ex__(2))
p = Plain()
p.a = 1
p.b = [2]
err(lambda: p.__reduce_ex__(2))
err(lambda: p.__reduce_ex__(0))
err(lambda: p.__getstate__())
err(lambda: Plain().__getstate__())

print("new arguments")
err(lambda: WithArgs(1, 2).__reduce_ex__(2))
err(lambda: WithKwargs(1, k=2).__reduce_ex__(2))
err(lambda: WithKwargs(1).__reduce_ex__(3))
err(lambda: (5).__reduce_ex__(2))
err(lambda: MyInt(7).__reduce_ex__(2))
err(lambda: "ab".__reduce_ex__(2))
err(lambda: (1, 2).__reduce_ex__(2))
err(lambda: MyTuple((1, 2)).__reduce_ex__(2))
err(lambda: (1, 2).__getnewargs__())
err(lambda: 2.5.__reduce_ex__(2))
err(lambda: b"x".__reduce_ex__(2))
err(lambda: True.__reduce_ex__(2))
err(lambda: None.__reduce_ex__(2))

print("slots")
s = Slotted()
s.x = 1
err(lambda: s.__reduce_ex__(2))
s.z = 3
err(lambda: s.__getstate__())
err(lambda: Slotted.__slotnames__)
o = Sub()
o.p = 1
o.r = 2
err(lambda: o.__getstate__())
o._SlottedOnly__q = 5
err(lambda: o.__reduce_ex__(2))
err(lambda: Sub.__slotnames__)
err(lambda: o.__reduce_ex__(1))
err(lambda: SlottedOnly().__reduce_ex__(0))

print("lists and dicts")
ml = MyList([1, 2])
ml.tag = "t"
err(lambda: ml.__reduce_ex__(2))
md = MyDict(a=1)
err(lambda: md.__reduce_ex__(2))
err(lambda: [1, 2].__reduce_ex__(2))
err(lambda: {"k": 1}.__reduce_ex__(2))
err(lambda: ml.__reduce_ex__(1))
err(lambda: md.__reduce_ex__(1))

print("overrides and errors")
err(lambda: OwnReduce().__reduce_ex__(2))
err(lambda: (5).__reduce_ex__(1))
err(lambda: MyProperty().__reduce_ex__(2))
err(lambda: object().__reduce_ex__("2"))
err(lambda: object().__reduce_ex__(2.0))
err(lambda: object().__reduce_ex__(2**40))
err(lambda: object().__reduce_ex__())
err(lambda: object().__reduce_ex__(protocol=2))
err(lambda: object().__reduce__(1))
err(lambda: object().__getstate__(1))
err(lambda: object.__reduce_ex__(5, 2))
err(lambda: iter([]).__reduce_ex__(2))


class BadArgs:
    def __getnewargs__(self):
        return 5


class BadEx1:
    def __getnewargs_ex__(self):
        return 5


class BadEx2:
    def __getnewargs_ex__(self):
        return (1, 2, 3)


class BadEx3:
    def __getnewargs_ex__(self):
        return ([], {})


class BadEx4:
    def __getnewargs_ex__(self):
        return ((), [])


class BadSlotnames:
    __slotnames__ = 5


class CustomState:
    def __getstate__(self):
        return ("custom", 1)


for cls in (BadArgs, BadEx1, BadEx2, BadEx3, BadEx4, BadSlotnames, CustomState):
    print(cls.__name__)
    err(lambda: cls().__reduce_ex__(2))

print("builtin types")
err(lambda: {3, 1, 2}.__reduce__())
err(lambda: frozenset([4]).__reduce__())


class MySet(set):
    pass


ms = MySet([1])
ms.note = "n"
err(lambda: ms.__reduce__())
err(lambda: slice(1, 2, 3).__reduce__())
err(lambda: slice(None).__reduce__())
err(lambda: range(1, 9, 2).__reduce__())
err(lambda: ....__reduce__())
err(lambda: NotImplemented.__reduce__())
err(lambda: len.__reduce__())
err(lambda: [].append.__reduce__())
err(lambda: list.append.__reduce__())
err(lambda: int.__add__.__reduce__())
err(lambda: (1).__add__.__reduce__())
err(lambda: dict.fromkeys.__reduce__())
err(lambda: Slotted.x.__reduce__())
err(lambda: p.__reduce__.__reduce__())
err(lambda: Plain().__init__.__reduce__())
err(lambda: WithArgs(1, 2).__getnewargs__.__reduce__())
err(lambda: complex(1, 2).__reduce__())

print("exceptions")
e = ValueError(1, "two")
err(lambda: e.__reduce__())
e.extra = [3]
err(lambda: e.__reduce__())
err(lambda: KeyError("k").__reduce__())
err(lambda: BaseException().__reduce__())
err(lambda: SystemExit(4).__reduce__())
err(lambda: StopIteration(5).__reduce__())
err(lambda: ImportError("msg").__reduce__())
err(lambda: ImportError("msg", name="mod", path="/p").__reduce__())
err(lambda: OSError(2, "No such file").__reduce__())
err(lambda: OSError(2, "No such file", "f.txt").__reduce__())
err(lambda: OSError(2, "No such file", "a", None, "b").__reduce__())
fe = FileNotFoundError(2, "gone", "x")
fe.more = 1
err(lambda: fe.__reduce__())
e2 = ValueError()
e2.__setstate__({"a": 1, "b": 2})
print("  ", e2.a, e2.b)
e2.__setstate__(None)
err(lambda: e2.__setstate__(5))

print("copyreg")
err(lambda: copyreg.__newobj__(WithArgs, 3, 4).__class__)
err(lambda: copyreg.__newobj_ex__(WithKwargs, (1,), {"z": 2}).kwargs)
err(lambda: copyreg._slotnames(Sub))
err(lambda: int.__flags__ & (1 << 9))
err(lambda: Plain.__flags__ & (1 << 9))
# type.__flags__ carries CPython's bit values (those strand's types determine).
import abc


class Abstract(abc.ABC):
    @abc.abstractmethod
    def f(self):
        pass


mask = (1 << 5) | (1 << 6) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 20) | (1 << 22)
mask |= 0xFF << 24
for t in (int, bool, list, dict, tuple, str, bytes, type, BaseException, ValueError,
          Plain, MyInt, MyList, MyDict, Abstract, property, range, slice, object):
    print("  ", t.__name__, [i for i in range(32) if (t.__flags__ & mask) >> i & 1])
err(lambda: type(int.__new__).__name__)
err(lambda: int.__new__.__self__ is int)
err(lambda: object.__new__.__self__ is object)
err(lambda: Plain.__new__ is object.__new__)
err(lambda: int.__new__(MyInt, 5))
err(lambda: object.__new__(Plain).__class__)
err(lambda: int.__new__.__qualname__)
err(lambda: int.__new__.__name__)
err(lambda: object.__new__(dict))
err(lambda: object.__new__(MyList))
err(lambda: int.__new__(str))
err(lambda: int.__new__(5))
err(lambda: int.__new__())
err(lambda: list.__new__(MyList).__class__)
err(lambda: dict.__new__(MyList))


# types.MethodType(function, instance): how copy.deepcopy rebuilds a bound method.
MethodType = type(Plain().__init__)


def two(self, x):
    return (type(self).__name__, x)


err(lambda: MethodType(two, 5)(6))
err(lambda: MethodType(two, None))
err(lambda: MethodType(5, 1))
err(lambda: MethodType(two))
err(lambda: MethodType(two, 1, 2))
err(lambda: MethodType(two, 1, x=2))


def deepcopy(x, memo=None):
    """A deep copy through the reduce protocol alone (copy.deepcopy in small)."""
    if memo is None:
        memo = {}
    if id(x) in memo:
        return memo[id(x)]
    if isinstance(x, (int, float, str, bytes, type, type(None), bool)):
        return x
    if type(x) in (list, tuple, dict):
        if type(x) is dict:
            y = {}
            memo[id(x)] = y
            for k, v in x.items():
                y[deepcopy(k, memo)] = deepcopy(v, memo)
            return y
        items = [deepcopy(v, memo) for v in x]
        y = items if type(x) is list else tuple(items)
        memo[id(x)] = y
        return y
    rv = x.__reduce_ex__(4)
    if isinstance(rv, str):
        return x
    func, args, *rest = rv + (None,) * (5 - len(rv))
    state, listiter, dictiter = rest[:3]
    y = func(*deepcopy(args, memo))
    memo[id(x)] = y
    if state is not None:
        state = deepcopy(state, memo)
        if hasattr(y, "__setstate__"):
            y.__setstate__(state)
        else:
            if isinstance(state, tuple) and len(state) == 2:
                state, slotstate = state
            else:
                slotstate = None
            if state:
                y.__dict__.update(state)
            if slotstate:
                for k, v in slotstate.items():
                    setattr(y, k, v)
    if listiter is not None:
        for item in listiter:
            y.append(deepcopy(item, memo))
    if dictiter is not None:
        for k, v in dictiter:
            y[deepcopy(k, memo)] = deepcopy(v, memo)
    return y


print("deep copies")
p2 = deepcopy(p)
print("  ", type(p2).__name__, p2.a, p2.b, p2.b is p.b, p2.b == p.b)
w = deepcopy(WithArgs(1, [2]))
print("  ", type(w).__name__, w.a, w.b)
kw = deepcopy(WithKwargs(1, k=[2]))
print("  ", kw.args, kw.kwargs)
s2 = deepcopy(s)
print("  ", s2.x, s2.z, hasattr(s2, "y"))
o2 = deepcopy(o)
print("  ", o2.p, o2.r, o2._SlottedOnly__q)
ml2 = deepcopy(ml)
print("  ", type(ml2).__name__, ml2, ml2.tag)
md2 = deepcopy(MyDict(a=[1], b=2))
print("  ", type(md2).__name__, md2)
print("  ", deepcopy({1, 2, 3}), deepcopy(frozenset("ab")) == frozenset("ab"))
ms2 = deepcopy(ms)
print("  ", type(ms2).__name__, ms2, ms2.note)
print("  ", deepcopy(slice(1, [2], 3)), deepcopy(range(2, 8, 3)))
print("  ", deepcopy(MyInt(9)), type(deepcopy(MyInt(9))).__name__)
print("  ", deepcopy(MyTuple((1, [2]))), type(deepcopy(MyTuple((1,)))).__name__)
e3 = deepcopy(e)
print("  ", type(e3).__name__, e3.args, e3.extra)
print("  ", deepcopy(OSError(2, "x", "f")).filename)
print("  ", deepcopy(ImportError("m", name="n")).name)
it = iter([1, [2], 3])
next(it)
print("  ", list(deepcopy(it)), list(it))
cyc = Plain()
cyc.me = cyc
c2 = deepcopy(cyc)
print("  ", c2.me is c2, c2 is not cyc)
print("  ", deepcopy(...) is ..., deepcopy(len) is len)
bm = deepcopy([].append)
print("  ", type(bm).__name__)
