"""Operators as functions (after CPython's Lib/operator.py)."""

def lt(a, b): return a < b
def le(a, b): return a <= b
def eq(a, b): return a == b
def ne(a, b): return a != b
def ge(a, b): return a >= b
def gt(a, b): return a > b
def not_(a): return not a
def truth(a): return True if a else False
def is_(a, b): return a is b
def is_not(a, b): return a is not b
def abs(a): return a if a >= 0 else -a
def add(a, b): return a + b
def and_(a, b): return a & b
def floordiv(a, b): return a // b
def index(a): return a.__index__()
def inv(a): return ~a
invert = inv
def lshift(a, b): return a << b
def mod(a, b): return a % b
def mul(a, b): return a * b
def matmul(a, b): return a @ b
def neg(a): return -a
def or_(a, b): return a | b
def pos(a): return +a
def pow(a, b): return a ** b
def rshift(a, b): return a >> b
def sub(a, b): return a - b
def truediv(a, b): return a / b
def xor(a, b): return a ^ b
def concat(a, b): return a + b
def contains(a, b): return b in a
def countOf(a, b): return sum(1 for x in a if x is b or x == b)
def getitem(a, b): return a[b]
def setitem(a, b, c): a[b] = c
def delitem(a, b): del a[b]
def indexOf(a, b):
    for i, j in enumerate(a):
        if j is b or j == b:
            return i
    raise ValueError("sequence.index(x): x not in sequence")
def iadd(a, b):
    a += b
    return a
def imul(a, b):
    a *= b
    return a
def isub(a, b):
    a -= b
    return a


class attrgetter:
    __slots__ = ("_attrs", "_call")

    def __init__(self, attr, *attrs):
        self._attrs = (attr,) + attrs
        def resolve(obj, name):
            for part in name.split("."):
                obj = getattr(obj, part)
            return obj
        if attrs:
            self._call = lambda obj: tuple(resolve(obj, a) for a in self._attrs)
        else:
            self._call = lambda obj: resolve(obj, attr)

    def __call__(self, obj):
        return self._call(obj)


class itemgetter:
    __slots__ = ("_items", "_call")

    def __init__(self, item, *items):
        self._items = (item,) + items
        if items:
            self._call = lambda obj: tuple(obj[i] for i in self._items)
        else:
            self._call = lambda obj: obj[item]

    def __call__(self, obj):
        return self._call(obj)


class methodcaller:
    __slots__ = ("_name", "_args", "_kwargs")

    def __init__(self, name, *args, **kwargs):
        self._name = name
        self._args = args
        self._kwargs = kwargs

    def __call__(self, obj):
        return getattr(obj, self._name)(*self._args, **self._kwargs)
