"""Container datatypes (after CPython's Lib/collections/__init__.py), written in Python
for now: deque, defaultdict, OrderedDict, Counter, namedtuple."""

import _thread

__all__ = ["deque", "defaultdict", "OrderedDict", "Counter", "namedtuple"]


class deque:
    """A double-ended queue: appends and pops at either end are thread-safe."""

    def __init__(self, iterable=(), maxlen=None):
        if maxlen is not None and maxlen < 0:
            raise ValueError("maxlen must be non-negative")
        self._items = []
        self._head = 0
        self._lock = _thread.allocate_lock()
        self._maxlen = maxlen
        for x in iterable:
            self.append(x)

    @property
    def maxlen(self):
        return self._maxlen

    def _compact(self):
        if self._head > 32 and self._head * 2 > len(self._items):
            del self._items[:self._head]
            self._head = 0

    def append(self, x):
        with self._lock:
            self._items.append(x)
            if self._maxlen is not None and len(self._items) - self._head > self._maxlen:
                self._head += 1
                self._compact()

    def appendleft(self, x):
        with self._lock:
            if self._head > 0:
                self._head -= 1
                self._items[self._head] = x
            else:
                self._items.insert(0, x)
            if self._maxlen is not None and len(self._items) - self._head > self._maxlen:
                self._items.pop()

    def pop(self):
        with self._lock:
            if len(self._items) == self._head:
                raise IndexError("pop from an empty deque")
            return self._items.pop()

    def popleft(self):
        with self._lock:
            if len(self._items) == self._head:
                raise IndexError("pop from an empty deque")
            x = self._items[self._head]
            self._items[self._head] = None
            self._head += 1
            if self._head == len(self._items):
                self._items = []
                self._head = 0
            else:
                self._compact()
            return x

    def extend(self, iterable):
        for x in list(iterable):
            self.append(x)

    def extendleft(self, iterable):
        for x in list(iterable):
            self.appendleft(x)

    def clear(self):
        with self._lock:
            self._items = []
            self._head = 0

    def rotate(self, n=1):
        with self._lock:
            items = self._items[self._head:]
            if items:
                n = n % len(items)
                items = items[-n:] + items[:-n]
            self._items = items
            self._head = 0

    def count(self, x):
        return self._live().count(x)

    def index(self, x, start=0, stop=None):
        live = self._live()
        if stop is None:
            stop = len(live)
        for i in range(start, stop):
            if live[i] == x:
                return i
        raise ValueError(f"{x!r} is not in deque")

    def remove(self, x):
        with self._lock:
            for i in range(self._head, len(self._items)):
                if self._items[i] == x:
                    del self._items[i]
                    return
        raise ValueError("deque.remove(x): x not in deque")

    def reverse(self):
        with self._lock:
            items = self._items[self._head:]
            items.reverse()
            self._items = items
            self._head = 0

    def copy(self):
        return deque(self._live(), self._maxlen)

    def _live(self):
        with self._lock:
            return self._items[self._head:]

    def __len__(self):
        return len(self._items) - self._head

    def __bool__(self):
        return len(self._items) > self._head

    def __iter__(self):
        return iter(self._live())

    def __reversed__(self):
        return reversed(self._live())

    def __getitem__(self, i):
        live = self._live()
        if not isinstance(i, int):
            raise TypeError(f"sequence index must be integer, not '{type(i).__name__}'")
        try:
            return live[i]
        except IndexError:
            raise IndexError("deque index out of range") from None

    def __setitem__(self, i, v):
        with self._lock:
            n = len(self._items) - self._head
            if i < 0:
                i += n
            if not 0 <= i < n:
                raise IndexError("deque index out of range")
            self._items[self._head + i] = v

    def __contains__(self, x):
        return x in self._live()

    def __eq__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._live() == other._live()

    def __repr__(self):
        if self._maxlen is None:
            return f"deque({self._live()!r})"
        return f"deque({self._live()!r}, maxlen={self._maxlen})"


class defaultdict(dict):
    def __init__(self, default_factory=None, *args, **kwargs):
        if default_factory is not None and not callable(default_factory):
            raise TypeError("first argument must be callable or None")
        dict.__init__(self, *args, **kwargs)
        self.default_factory = default_factory

    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        value = self.default_factory()
        self[key] = value
        return value

    def copy(self):
        return defaultdict(self.default_factory, self)

    def __repr__(self):
        return f"defaultdict({self.default_factory!r}, {dict.__repr__(self)})"


class OrderedDict(dict):
    def move_to_end(self, key, last=True):
        value = self.pop(key)
        if last:
            self[key] = value
        else:
            items = list(self.items())
            self.clear()
            self[key] = value
            for k, v in items:
                self[k] = v

    def popitem(self, last=True):
        if not self:
            raise KeyError("dictionary is empty")
        key = next(reversed(list(self.keys()))) if last else next(iter(self.keys()))
        return key, self.pop(key)

    def __repr__(self):
        if not self:
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}({list(self.items())!r})"


class Counter(dict):
    def __init__(self, iterable=None, **kwds):
        dict.__init__(self)
        self.update(iterable, **kwds)

    def __missing__(self, key):
        return 0

    def total(self):
        return sum(self.values())

    def most_common(self, n=None):
        items = sorted(self.items(), key=lambda kv: kv[1], reverse=True)
        return items if n is None else items[:n]

    def elements(self):
        for elem, count in self.items():
            for _ in range(count):
                yield elem

    def update(self, iterable=None, **kwds):
        if iterable is not None:
            if isinstance(iterable, dict):
                for elem, count in iterable.items():
                    self[elem] = self.get(elem, 0) + count
            else:
                for elem in iterable:
                    self[elem] = self.get(elem, 0) + 1
        if kwds:
            self.update(kwds)

    def subtract(self, iterable=None, **kwds):
        if iterable is not None:
            if isinstance(iterable, dict):
                for elem, count in iterable.items():
                    self[elem] = self.get(elem, 0) - count
            else:
                for elem in iterable:
                    self[elem] = self.get(elem, 0) - 1
        if kwds:
            self.subtract(kwds)

    def copy(self):
        return Counter(self)

    def __add__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            newcount = count + other[elem]
            if newcount > 0:
                result[elem] = newcount
        for elem, count in other.items():
            if elem not in self and count > 0:
                result[elem] = count
        return result

    def __sub__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            newcount = count - other[elem]
            if newcount > 0:
                result[elem] = newcount
        for elem, count in other.items():
            if elem not in self and count < 0:
                result[elem] = 0 - count
        return result

    def __repr__(self):
        if not self:
            return f"{type(self).__name__}()"
        items = ", ".join(f"{k!r}: {v!r}" for k, v in self.most_common())
        return f"{type(self).__name__}({{{items}}})"


def namedtuple(typename, field_names, *, rename=False, defaults=None, module=None):
    if isinstance(field_names, str):
        field_names = field_names.replace(",", " ").split()
    field_names = tuple(map(str, field_names))
    for name in (typename,) + field_names:
        if not name.isidentifier():
            raise ValueError(f"Type names and field names must be valid identifiers: {name!r}")
    seen = set()
    for name in field_names:
        if name.startswith("_"):
            raise ValueError(f"Field names cannot start with an underscore: {name!r}")
        if name in seen:
            raise ValueError(f"Encountered duplicate field name: {name!r}")
        seen.add(name)
    nfields = len(field_names)
    field_defaults = {}
    if defaults is not None:
        defaults = tuple(defaults)
        if len(defaults) > nfields:
            raise TypeError("Got more default values than field names")
        field_defaults = dict(zip(field_names[nfields - len(defaults):], defaults))

    def __new__(cls, *args, **kwargs):
        values = list(args)
        if len(values) > nfields:
            raise TypeError(f"{typename}.__new__() takes {nfields + 1} positional arguments but {len(values) + 1} were given")
        for name in field_names[len(values):]:
            if name in kwargs:
                values.append(kwargs.pop(name))
            elif name in field_defaults:
                values.append(field_defaults[name])
            else:
                raise TypeError(f"{typename}.__new__() missing 1 required positional argument: '{name}'")
        if kwargs:
            raise TypeError(f"{typename}.__new__() got an unexpected keyword argument '{next(iter(kwargs))}'")
        return tuple.__new__(cls, values)

    def __repr__(self):
        inner = ", ".join(f"{n}={v!r}" for n, v in zip(field_names, self))
        return f"{typename}({inner})"

    def _asdict(self):
        return dict(zip(field_names, self))

    def _replace(self, **kwargs):
        values = [kwargs.pop(n, v) for n, v in zip(field_names, self)]
        if kwargs:
            raise ValueError(f"Got unexpected field names: {list(kwargs)!r}")
        return tuple.__new__(type(self), values)

    @classmethod
    def _make(cls, iterable):
        return tuple.__new__(cls, iterable)

    def __getnewargs__(self):
        return tuple(self)

    namespace = {
        "__slots__": (),
        "_fields": field_names,
        "_field_defaults": field_defaults,
        "__new__": __new__,
        "__repr__": __repr__,
        "_asdict": _asdict,
        "_replace": _replace,
        "_make": _make,
        "__getnewargs__": __getnewargs__,
        "__module__": module if module is not None else "__main__",
    }
    for index, name in enumerate(field_names):
        namespace[name] = property(lambda self, i=index: tuple.__getitem__(self, i), doc=f"Alias for field number {index}")
    return type(typename, (tuple,), namespace)
