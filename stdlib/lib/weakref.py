"""Weak references and the containers built on them.

ref comes from the object model (strand_objects::weakref): a weak reference is
cleared, and its callback called, when its referent dies, by reference counting or
by the cycle collector. The containers below remove an entry from such a
callback; they iterate over snapshots, so a collection that runs while a loop walks
them never changes what the loop is walking.
"""

import sys
from _weakref import ref, ReferenceType, getweakrefcount, getweakrefs

__all__ = ["ref", "proxy", "getweakrefcount", "getweakrefs",
           "WeakKeyDictionary", "ReferenceType", "ProxyType",
           "CallableProxyType", "ProxyTypes", "WeakValueDictionary",
           "WeakSet", "finalize", "KeyedRef"]


class KeyedRef(ref):
    """A weak reference that remembers the key it is stored under (for the
    callbacks of WeakValueDictionary)."""

    __slots__ = ("key",)

    def __new__(type, ob, callback, key):
        self = ref.__new__(type, ob, callback)
        self.key = key
        return self

    def __init__(self, ob, callback, key):
        super().__init__(ob, callback)


_MISSING = object()


class WeakValueDictionary:
    """A mapping whose values are held weakly: an entry goes away when its value
    is collected."""

    def __init__(self, other=(), /, **kw):
        def remove(wr, selfref=ref(self)):
            self = selfref()
            if self is not None:
                # Only if the key still maps to this (dead) reference.
                if self.data.get(wr.key) is wr:
                    del self.data[wr.key]
        self._remove = remove
        self.data = {}
        self.update(other, **kw)

    def __getitem__(self, key):
        o = self.data[key]()
        if o is None:
            raise KeyError(key)
        return o

    def __setitem__(self, key, value):
        self.data[key] = KeyedRef(value, self._remove, key)

    def __delitem__(self, key):
        del self.data[key]

    def __contains__(self, key):
        try:
            o = self.data[key]()
        except KeyError:
            return False
        return o is not None

    def __len__(self):
        return sum(1 for wr in list(self.data.values()) if wr() is not None)

    def __repr__(self):
        return "<%s at %#x>" % (self.__class__.__name__, id(self))

    def get(self, key, default=None):
        try:
            wr = self.data[key]
        except KeyError:
            return default
        o = wr()
        return default if o is None else o

    def items(self):
        for k, wr in list(self.data.items()):
            v = wr()
            if v is not None:
                yield k, v

    def keys(self):
        for k, wr in list(self.data.items()):
            if wr() is not None:
                yield k

    __iter__ = keys

    def values(self):
        for wr in list(self.data.values()):
            o = wr()
            if o is not None:
                yield o

    def itervaluerefs(self):
        yield from list(self.data.values())

    def valuerefs(self):
        return list(self.data.values())

    def pop(self, key, *args):
        if len(args) > 1:
            raise TypeError("pop expected at most 2 arguments, got %d" % (1 + len(args)))
        try:
            o = self.data.pop(key)()
        except KeyError:
            o = None
        if o is None:
            if args:
                return args[0]
            raise KeyError(key)
        return o

    def popitem(self):
        while True:
            key, wr = self.data.popitem()
            o = wr()
            if o is not None:
                return key, o

    def setdefault(self, key, default=None):
        try:
            o = self.data[key]()
        except KeyError:
            o = None
        if o is None:
            self[key] = default
            return default
        return o

    def update(self, other=None, /, **kwargs):
        if other is not None:
            if not hasattr(other, "items"):
                other = dict(other)
            for key, o in other.items():
                self[key] = o
        for key, o in kwargs.items():
            self[key] = o

    def clear(self):
        self.data.clear()

    def copy(self):
        new = WeakValueDictionary()
        for key, o in self.items():
            new[key] = o
        return new

    __copy__ = copy

    def __or__(self, other):
        if hasattr(other, "items"):
            c = self.copy()
            c.update(other)
            return c
        return NotImplemented

    def __ior__(self, other):
        self.update(other)
        return self


class WeakKeyDictionary:
    """A mapping whose keys are held weakly: an entry goes away when its key is
    collected."""

    def __init__(self, dict=None):
        self.data = {}

        def remove(k, selfref=ref(self)):
            self = selfref()
            if self is not None:
                try:
                    del self.data[k]
                except KeyError:
                    pass
        self._remove = remove
        if dict is not None:
            self.update(dict)

    def __delitem__(self, key):
        del self.data[ref(key)]

    def __getitem__(self, key):
        return self.data[ref(key)]

    def __len__(self):
        return sum(1 for wr in list(self.data) if wr() is not None)

    def __repr__(self):
        return "<%s at %#x>" % (self.__class__.__name__, id(self))

    def __setitem__(self, key, value):
        self.data[ref(key, self._remove)] = value

    def __contains__(self, key):
        try:
            wr = ref(key)
        except TypeError:
            return False
        return wr in self.data

    def get(self, key, default=None):
        return self.data.get(ref(key), default)

    def items(self):
        for wr, value in list(self.data.items()):
            key = wr()
            if key is not None:
                yield key, value

    def keys(self):
        for wr in list(self.data):
            obj = wr()
            if obj is not None:
                yield obj

    __iter__ = keys

    def values(self):
        for wr, value in list(self.data.items()):
            if wr() is not None:
                yield value

    def keyrefs(self):
        return list(self.data)

    def pop(self, key, *args):
        return self.data.pop(ref(key), *args)

    def popitem(self):
        while True:
            wr, value = self.data.popitem()
            o = wr()
            if o is not None:
                return o, value

    def setdefault(self, key, default=None):
        return self.data.setdefault(ref(key, self._remove), default)

    def update(self, dict=None, /, **kwargs):
        if dict is not None:
            if not hasattr(dict, "items"):
                dict = type({})(dict)
            for key, value in dict.items():
                self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def clear(self):
        self.data.clear()

    def copy(self):
        new = WeakKeyDictionary()
        for key, value in self.items():
            new[key] = value
        return new

    __copy__ = copy


class WeakSet:
    """A set whose elements are held weakly."""

    def __init__(self, data=None):
        self.data = set()

        def remove(item, selfref=ref(self)):
            self = selfref()
            if self is not None:
                self.data.discard(item)
        self._remove = remove
        if data is not None:
            self.update(data)

    def __iter__(self):
        for wr in list(self.data):
            item = wr()
            if item is not None:
                yield item

    def __len__(self):
        return sum(1 for wr in list(self.data) if wr() is not None)

    def __contains__(self, item):
        try:
            wr = ref(item)
        except TypeError:
            return False
        return wr in self.data

    def __repr__(self):
        return "{%s}" % ", ".join(repr(x) for x in self) if len(self) else "WeakSet()"

    def add(self, item):
        self.data.add(ref(item, self._remove))

    def clear(self):
        self.data.clear()

    def copy(self):
        return self.__class__(self)

    def pop(self):
        while True:
            try:
                itemref = self.data.pop()
            except KeyError:
                raise KeyError("pop from empty WeakSet") from None
            item = itemref()
            if item is not None:
                return item

    def remove(self, item):
        self.data.remove(ref(item))

    def discard(self, item):
        self.data.discard(ref(item))

    def update(self, other):
        for element in other:
            self.add(element)

    def __ior__(self, other):
        self.update(other)
        return self

    def difference_update(self, other):
        for element in list(other):
            self.discard(element)

    def difference(self, other):
        new = self.copy()
        new.difference_update(other)
        return new

    __sub__ = difference

    def intersection(self, other):
        return self.__class__(item for item in other if item in self)

    __and__ = intersection

    def union(self, other):
        new = self.copy()
        new.update(other)
        return new

    __or__ = union

    def symmetric_difference(self, other):
        other = list(other)
        new = self.__class__(x for x in self if x not in other)
        new.update(x for x in other if x not in self)
        return new

    __xor__ = symmetric_difference

    def issubset(self, other):
        return all(x in other for x in self)

    __le__ = issubset

    def issuperset(self, other):
        return all(x in self for x in other)

    __ge__ = issuperset

    def __eq__(self, other):
        if not isinstance(other, self.__class__):
            return NotImplemented
        return set(self) == set(other)

    __hash__ = None

    def isdisjoint(self, other):
        return not any(x in self for x in other)


# ---------------------------------------------------------------------------
# Proxies
# ---------------------------------------------------------------------------

def _referent(p):
    o = object.__getattribute__(p, "_ref")()
    if o is None:
        raise ReferenceError("weakly-referenced object no longer exists")
    return o


def _forward(name):
    def method(self, *args):
        return getattr(_referent(self), name)(*args)
    method.__name__ = name
    return method


def _forward_r(name, op):
    def method(self, other):
        return op(other, _referent(self))
    method.__name__ = name
    return method


class ProxyType:
    """A proxy for a weakly referenced object: attribute access and operators go
    to the referent while it lives, and raise ReferenceError after."""

    __slots__ = ("_ref",)

    def __init__(self, ob, callback=None):
        object.__setattr__(self, "_ref", ref(ob, None if callback is None else
                                               (lambda wr, p=self, cb=callback: cb(p))))

    def __getattribute__(self, name):
        return getattr(_referent(self), name)

    def __setattr__(self, name, value):
        setattr(_referent(self), name, value)

    def __delattr__(self, name):
        delattr(_referent(self), name)

    def __repr__(self):
        o = object.__getattribute__(self, "_ref")()
        return "<weakproxy at %#x; to '%s' at %#x>" % (id(self), type(o).__name__, id(o))

    def __str__(self):
        return str(_referent(self))

    def __bool__(self):
        return bool(_referent(self))

    def __len__(self):
        return len(_referent(self))

    def __iter__(self):
        return iter(_referent(self))

    def __next__(self):
        return next(_referent(self))

    def __contains__(self, item):
        return item in _referent(self)

    def __getitem__(self, key):
        return _referent(self)[key]

    def __setitem__(self, key, value):
        _referent(self)[key] = value

    def __delitem__(self, key):
        del _referent(self)[key]

    def __eq__(self, other):
        return _referent(self) == other

    def __ne__(self, other):
        return _referent(self) != other

    def __lt__(self, other):
        return _referent(self) < other

    def __le__(self, other):
        return _referent(self) <= other

    def __gt__(self, other):
        return _referent(self) > other

    def __ge__(self, other):
        return _referent(self) >= other

    __hash__ = None

    def __add__(self, other):
        return _referent(self) + other

    def __sub__(self, other):
        return _referent(self) - other

    def __mul__(self, other):
        return _referent(self) * other

    def __truediv__(self, other):
        return _referent(self) / other

    def __floordiv__(self, other):
        return _referent(self) // other

    def __mod__(self, other):
        return _referent(self) % other

    def __pow__(self, other):
        return _referent(self) ** other

    def __radd__(self, other):
        return other + _referent(self)

    def __rsub__(self, other):
        return other - _referent(self)

    def __rmul__(self, other):
        return other * _referent(self)

    def __rtruediv__(self, other):
        return other / _referent(self)

    def __neg__(self):
        return -_referent(self)

    def __pos__(self):
        return +_referent(self)

    def __abs__(self):
        return abs(_referent(self))

    def __int__(self):
        return int(_referent(self))

    def __float__(self):
        return float(_referent(self))

    def __index__(self):
        import operator
        return operator.index(_referent(self))




class CallableProxyType(ProxyType):
    """A proxy for a callable referent."""

    __slots__ = ()

    def __call__(self, *args, **kwargs):
        return _referent(self)(*args, **kwargs)

    def __repr__(self):
        o = object.__getattribute__(self, "_ref")()
        return "<weakcallableproxy at %#x; to '%s' at %#x>" % (
            id(self), type(o).__name__, id(o))



ProxyTypes = (ProxyType, CallableProxyType)


def proxy(object, callback=None):
    """A proxy to object that does not keep it alive."""
    if callable(object):
        return CallableProxyType(object, callback)
    return ProxyType(object, callback)


# ---------------------------------------------------------------------------
# finalize
# ---------------------------------------------------------------------------

class finalize:
    """finalize(obj, func, *args, **kwargs): calls func(*args, **kwargs) once,
    when obj is collected, when the finalizer is called, or at exit (if the
    atexit attribute is true) — whichever comes first."""

    __slots__ = ()
    _registry = {}
    _shutdown = False
    _counter = [0]
    _registered_with_atexit = False

    class _Info:
        __slots__ = ("weakref", "func", "args", "kwargs", "atexit", "index")

    def __init__(self, obj, func, /, *args, **kwargs):
        if not finalize._registered_with_atexit:
            import atexit
            atexit.register(finalize._exitfunc)
            finalize._registered_with_atexit = True
        info = finalize._Info()
        info.weakref = ref(obj, self)
        info.func = func
        info.args = args
        info.kwargs = kwargs or None
        info.atexit = True
        info.index = finalize._counter[0]
        finalize._counter[0] += 1
        finalize._registry[self] = info

    def __call__(self, _=None):
        """Calls the function now if it has not been called; returns its result
        (None if it was already called)."""
        info = finalize._registry.pop(self, None)
        if info and not finalize._shutdown:
            return info.func(*info.args, **(info.kwargs or {}))

    def detach(self):
        """Cancels the call; returns (obj, func, args, kwargs) if it was pending."""
        info = finalize._registry.get(self)
        obj = info and info.weakref()
        if obj is not None and finalize._registry.pop(self, None):
            return (obj, info.func, info.args, info.kwargs or {})

    def peek(self):
        """(obj, func, args, kwargs) if the call is pending, else None."""
        info = finalize._registry.get(self)
        obj = info and info.weakref()
        if obj is not None:
            return (obj, info.func, info.args, info.kwargs or {})

    @property
    def alive(self):
        """Whether the call is still pending."""
        return self in finalize._registry

    @property
    def atexit(self):
        """Whether the call happens at exit if still pending."""
        info = finalize._registry.get(self)
        return bool(info) and info.atexit

    @atexit.setter
    def atexit(self, value):
        info = finalize._registry.get(self)
        if info:
            info.atexit = bool(value)

    def __repr__(self):
        info = finalize._registry.get(self)
        obj = info and info.weakref()
        if obj is None:
            return "<%s object at %#x; dead>" % (type(self).__name__, id(self))
        return "<%s object at %#x; for %r at %#x>" % (
            type(self).__name__, id(self), type(obj).__name__, id(obj))

    @staticmethod
    def _exitfunc():
        # Pending finalizers marked atexit run in reverse order of creation.
        try:
            pending = [(info.index, f) for f, info in finalize._registry.items()
                       if info.atexit]
            pending.sort()
            while pending:
                _, f = pending.pop()
                try:
                    f()
                except Exception:
                    sys.excepthook(*sys.exc_info()) if hasattr(sys, "excepthook") else None
        finally:
            finalize._shutdown = True
