"""Container datatypes (the interface of CPython's collections module, written in
Python): deque, defaultdict, OrderedDict, Counter, namedtuple, ChainMap."""

import _thread
from keyword import iskeyword as _iskeyword

__all__ = ["deque", "defaultdict", "OrderedDict", "Counter", "namedtuple", "ChainMap"]

_repr_running = set()


def _recursive_repr(fillvalue):
    """Decorator for __repr__: a container met again while its own repr is being
    built (on the same thread) shows as `fillvalue`."""
    def decorating(user_function):
        def wrapper(self):
            key = id(self), _thread.get_ident()
            if key in _repr_running:
                return fillvalue
            _repr_running.add(key)
            try:
                return user_function(self)
            finally:
                _repr_running.discard(key)
        wrapper.__name__ = user_function.__name__
        wrapper.__qualname__ = getattr(user_function, "__qualname__", user_function.__name__)
        return wrapper
    return decorating


class deque:
    """deque([iterable[, maxlen]]): a double-ended queue. Appends and pops at either
    end are atomic (a per-deque lock); iterating a deque that changes raises
    RuntimeError."""

    def __init__(self, iterable=(), maxlen=None):
        if maxlen is not None:
            if not isinstance(maxlen, int):
                raise TypeError("an integer is required")
            if maxlen < 0:
                raise ValueError("maxlen must be non-negative")
        self._lock = _thread.allocate_lock()
        self._items = []
        self._head = 0
        self._state = 0
        self._maxlen = maxlen
        if iterable is not self:
            self.extend(iterable)

    @property
    def maxlen(self):
        return self._maxlen

    def _compact(self):
        if self._head > 32 and self._head * 2 > len(self._items):
            del self._items[:self._head]
            self._head = 0

    def _append(self, x):
        items = self._items
        items.append(x)
        if self._maxlen is not None and len(items) - self._head > self._maxlen:
            items[self._head] = None
            self._head += 1
            self._compact()

    def _appendleft(self, x):
        if self._head > 0:
            self._head -= 1
            self._items[self._head] = x
        else:
            self._items.insert(0, x)
        if self._maxlen is not None and len(self._items) - self._head > self._maxlen:
            self._items.pop()

    def append(self, x):
        with self._lock:
            self._state += 1
            self._append(x)

    def appendleft(self, x):
        with self._lock:
            self._state += 1
            self._appendleft(x)

    def pop(self):
        with self._lock:
            if len(self._items) == self._head:
                raise IndexError("pop from an empty deque")
            self._state += 1
            x = self._items.pop()
            if len(self._items) == self._head:
                self._items = []
                self._head = 0
            return x

    def popleft(self):
        with self._lock:
            if len(self._items) == self._head:
                raise IndexError("pop from an empty deque")
            self._state += 1
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
        values = list(iterable)
        with self._lock:
            self._state += 1
            for x in values:
                self._append(x)

    def extendleft(self, iterable):
        values = list(iterable)
        with self._lock:
            self._state += 1
            for x in values:
                self._appendleft(x)

    def clear(self):
        with self._lock:
            self._state += 1
            self._items = []
            self._head = 0

    def rotate(self, n=1):
        with self._lock:
            self._state += 1
            items = self._items[self._head:]
            if items:
                n = n % len(items)
                if n:
                    items = items[-n:] + items[:-n]
            self._items = items
            self._head = 0

    def reverse(self):
        with self._lock:
            self._state += 1
            items = self._items[self._head:]
            items.reverse()
            self._items = items
            self._head = 0

    def _live(self):
        with self._lock:
            return self._items[self._head:]

    def count(self, x):
        return self._live().count(x)

    def index(self, x, start=0, stop=None):
        live = self._live()
        n = len(live)
        if stop is None:
            stop = n
        if start < 0:
            start = max(start + n, 0)
        if stop < 0:
            stop = max(stop + n, 0)
        for i in range(start, min(stop, n)):
            if live[i] is x or live[i] == x:
                return i
        raise ValueError(f"{x!r} is not in deque")

    def insert(self, i, x):
        with self._lock:
            n = len(self._items) - self._head
            if self._maxlen is not None and n >= self._maxlen:
                raise IndexError("deque already at its maximum size")
            self._state += 1
            live = self._items[self._head:]
            live.insert(i, x)
            self._items = live
            self._head = 0

    def remove(self, x):
        with self._lock:
            for i in range(self._head, len(self._items)):
                if self._items[i] is x or self._items[i] == x:
                    self._state += 1
                    del self._items[i]
                    return
        raise ValueError(f"{x!r} is not in deque")

    def copy(self):
        return type(self)(self._live(), self._maxlen)

    __copy__ = copy

    def __len__(self):
        return len(self._items) - self._head

    def __bool__(self):
        return len(self._items) > self._head

    def __iter__(self):
        return _deque_iterator(self, False)

    def __reversed__(self):
        return _deque_iterator(self, True)

    def _index(self, i):
        if not isinstance(i, int):
            try:
                i = i.__index__()
            except AttributeError:
                raise TypeError(f"sequence index must be integer, not "
                                f"'{type(i).__name__}'") from None
        n = len(self._items) - self._head
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("deque index out of range")
        return self._head + i

    def __getitem__(self, i):
        with self._lock:
            return self._items[self._index(i)]

    def __setitem__(self, i, v):
        with self._lock:
            self._items[self._index(i)] = v

    def __delitem__(self, i):
        with self._lock:
            k = self._index(i)
            self._state += 1
            del self._items[k]

    def __contains__(self, x):
        return x in self._live()

    def _compare(self, other, op):
        if not isinstance(other, deque):
            return NotImplemented
        return op(self._live(), other._live())

    def __eq__(self, other):
        return self._compare(other, lambda a, b: a == b)

    def __ne__(self, other):
        return self._compare(other, lambda a, b: a != b)

    def __lt__(self, other):
        return self._compare(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._compare(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._compare(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._compare(other, lambda a, b: a >= b)

    def __hash__(self):
        raise TypeError("unhashable type: 'collections.deque'")

    def __add__(self, other):
        if not isinstance(other, deque):
            raise TypeError(f'can only concatenate deque (not "{type(other).__name__}") to deque')
        new = self.copy()
        new.extend(other)
        return new

    def __iadd__(self, other):
        self.extend(other)
        return self

    def __mul__(self, n):
        new = type(self)((), self._maxlen)
        new.extend(self._live() * n)
        return new

    __rmul__ = __mul__

    def __imul__(self, n):
        live = self._live()
        self.clear()
        self.extend(live * n)
        return self

    @_recursive_repr("[...]")
    def __repr__(self):
        name = type(self).__name__
        if self._maxlen is None:
            return f"{name}({self._live()!r})"
        return f"{name}({self._live()!r}, maxlen={self._maxlen})"


class _deque_iterator:
    def __init__(self, d, reverse):
        self._deque = d
        self._state = d._state
        self._pos = 0
        self._reverse = reverse

    def __iter__(self):
        return self

    def __next__(self):
        d = self._deque
        if d is None:
            raise StopIteration
        with d._lock:
            if d._state != self._state:
                self._deque = None
                raise RuntimeError("deque mutated during iteration")
            n = len(d._items) - d._head
            if self._pos >= n:
                self._deque = None
                raise StopIteration
            k = n - 1 - self._pos if self._reverse else self._pos
            self._pos += 1
            return d._items[d._head + k]

    def __length_hint__(self):
        d = self._deque
        return 0 if d is None else max(len(d) - self._pos, 0)


class defaultdict(dict):
    """dict whose missing keys get `default_factory()`."""

    def __init__(self, default_factory=None, /, *args, **kwargs):
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
        return type(self)(self.default_factory, self)

    __copy__ = copy

    def __or__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = self.copy()
        new.update(other)
        return new

    def __ror__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = type(self)(self.default_factory, other)
        new.update(self)
        return new

    @_recursive_repr("...")
    def __repr__(self):
        factory = self.default_factory
        return f"{type(self).__name__}({factory!r}, {dict.__repr__(self)})"


class OrderedDict(dict):
    """dict that remembers insertion order, compares order-sensitively with other
    OrderedDicts, and can move keys to either end."""

    def move_to_end(self, key, last=True):
        value = dict.pop(self, key)
        if last:
            dict.__setitem__(self, key, value)
        else:
            items = list(dict.items(self))
            dict.clear(self)
            dict.__setitem__(self, key, value)
            for k, v in items:
                dict.__setitem__(self, k, v)

    def popitem(self, last=True):
        if not self:
            raise KeyError("dictionary is empty")
        key = next(reversed(self)) if last else next(iter(self))
        return key, dict.pop(self, key)

    def __eq__(self, other):
        if isinstance(other, OrderedDict):
            return dict.__eq__(self, other) and list(self) == list(other)
        return dict.__eq__(self, other)

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None

    def copy(self):
        return type(self)(self)

    __copy__ = copy

    def __or__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = type(self)(self)
        new.update(other)
        return new

    def __ror__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = type(self)(other)
        new.update(self)
        return new

    def __ior__(self, other):
        self.update(other)
        return self

    @classmethod
    def fromkeys(cls, iterable, value=None):
        self = cls()
        for key in iterable:
            self[key] = value
        return self

    @_recursive_repr("...")
    def __repr__(self):
        if not self:
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}({list(self.items())!r})"


def _count_elements(mapping, iterable):
    get = mapping.get
    for elem in iterable:
        mapping[elem] = get(elem, 0) + 1


class Counter(dict):
    """dict subclass counting hashable items; missing items count zero."""

    def __init__(self, iterable=None, /, **kwds):
        dict.__init__(self)
        self.update(iterable, **kwds)

    def __missing__(self, key):
        return 0

    def total(self):
        return sum(self.values())

    def most_common(self, n=None):
        items = sorted(self.items(), key=lambda kv: kv[1], reverse=True)
        return items if n is None else items[:max(n, 0)]

    def elements(self):
        for elem, count in self.items():
            for _ in range(count):
                yield elem

    @classmethod
    def fromkeys(cls, iterable, v=None):
        raise NotImplementedError(
            "Counter.fromkeys() is undefined.  Use Counter(iterable) instead.")

    def update(self, iterable=None, /, **kwds):
        if iterable is not None:
            if isinstance(iterable, dict):
                if self:
                    get = self.get
                    for elem, count in iterable.items():
                        self[elem] = count + get(elem, 0)
                else:
                    dict.update(self, iterable)
            else:
                _count_elements(self, iterable)
        if kwds:
            self.update(kwds)

    def subtract(self, iterable=None, /, **kwds):
        if iterable is not None:
            get = self.get
            if isinstance(iterable, dict):
                for elem, count in iterable.items():
                    self[elem] = get(elem, 0) - count
            else:
                for elem in iterable:
                    self[elem] = get(elem, 0) - 1
        if kwds:
            self.subtract(kwds)

    def copy(self):
        return type(self)(self)

    __copy__ = copy

    def __delitem__(self, elem):
        if elem in self:
            dict.__delitem__(self, elem)

    def __eq__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return all(self[e] == other[e] for c in (self, other) for e in c)

    def __ne__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return not self == other

    def __le__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return all(self[e] <= other[e] for c in (self, other) for e in c)

    def __lt__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return self <= other and self != other

    def __ge__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return all(self[e] >= other[e] for c in (self, other) for e in c)

    def __gt__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return self >= other and self != other

    __hash__ = None

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

    def __or__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            other_count = other[elem]
            newcount = other_count if count < other_count else count
            if newcount > 0:
                result[elem] = newcount
        for elem, count in other.items():
            if elem not in self and count > 0:
                result[elem] = count
        return result

    def __and__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            other_count = other[elem]
            newcount = count if count < other_count else other_count
            if newcount > 0:
                result[elem] = newcount
        return result

    def __pos__(self):
        result = Counter()
        for elem, count in self.items():
            if count > 0:
                result[elem] = count
        return result

    def __neg__(self):
        result = Counter()
        for elem, count in self.items():
            if count < 0:
                result[elem] = 0 - count
        return result

    def _keep_positive(self):
        for elem in [e for e, c in self.items() if not c > 0]:
            dict.__delitem__(self, elem)
        return self

    def __iadd__(self, other):
        for elem, count in other.items():
            self[elem] += count
        return self._keep_positive()

    def __isub__(self, other):
        for elem, count in other.items():
            self[elem] -= count
        return self._keep_positive()

    def __ior__(self, other):
        for elem, other_count in other.items():
            count = self[elem]
            if other_count > count:
                self[elem] = other_count
        return self._keep_positive()

    def __iand__(self, other):
        for elem, count in self.items():
            other_count = other[elem]
            if other_count < count:
                self[elem] = other_count
        return self._keep_positive()

    def __repr__(self):
        if not self:
            return f"{type(self).__name__}()"
        try:
            d = dict(self.most_common())
        except TypeError:
            d = dict(self)
        return f"{type(self).__name__}({d!r})"


class ChainMap:
    """A view of several mappings as one: lookups search them in order; writes go
    to the first."""

    def __init__(self, *maps):
        self.maps = list(maps) or [{}]

    def __missing__(self, key):
        raise KeyError(key)

    def __getitem__(self, key):
        for mapping in self.maps:
            try:
                return mapping[key]
            except KeyError:
                pass
        return self.__missing__(key)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __len__(self):
        return len(set().union(*self.maps))

    def __iter__(self):
        d = {}
        for mapping in reversed(self.maps):
            d.update(dict.fromkeys(mapping))
        return iter(d)

    def __contains__(self, key):
        return any(key in m for m in self.maps)

    def __bool__(self):
        return any(self.maps)

    def keys(self):
        return list(self)

    def items(self):
        return [(k, self[k]) for k in self]

    def values(self):
        return [self[k] for k in self]

    @_recursive_repr("...")
    def __repr__(self):
        return f'{self.__class__.__name__}({", ".join(map(repr, self.maps))})'

    def copy(self):
        return self.__class__(self.maps[0].copy(), *self.maps[1:])

    __copy__ = copy

    def new_child(self, m=None, **kwargs):
        if m is None:
            m = kwargs
        elif kwargs:
            m.update(kwargs)
        return self.__class__(m, *self.maps)

    @property
    def parents(self):
        return self.__class__(*self.maps[1:])

    def __setitem__(self, key, value):
        self.maps[0][key] = value

    def __delitem__(self, key):
        try:
            del self.maps[0][key]
        except KeyError:
            raise KeyError(f"Key not found in the first mapping: {key!r}") from None

    def pop(self, key, *args):
        try:
            return self.maps[0].pop(key, *args)
        except KeyError:
            raise KeyError(f"Key not found in the first mapping: {key!r}") from None

    def clear(self):
        self.maps[0].clear()

    def __eq__(self, other):
        try:
            return dict(self.items()) == dict(other.items())
        except AttributeError:
            return NotImplemented


class _tuplegetter:
    # A named tuple's field: item `index` of the tuple, read-only. (No docstring:
    # `__doc__` is a slot, set per field.)
    __slots__ = ("_index", "__doc__")

    def __init__(self, index, doc):
        self._index = index
        self.__doc__ = doc

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return tuple.__getitem__(instance, self._index)

    def __set__(self, instance, value):
        raise AttributeError("can't set attribute")

    def __delete__(self, instance):
        raise AttributeError("can't delete attribute")


def namedtuple(typename, field_names, *, rename=False, defaults=None, module=None):
    """A tuple subclass with named fields."""
    if isinstance(field_names, str):
        field_names = field_names.replace(",", " ").split()
    field_names = list(map(str, field_names))
    typename = str(typename)
    if rename:
        seen = set()
        for index, name in enumerate(field_names):
            if (not name.isidentifier() or _iskeyword(name) or name.startswith("_")
                    or name in seen):
                field_names[index] = f"_{index}"
            seen.add(name)
    for name in [typename] + field_names:
        if type(name) is not str:
            raise TypeError("Type names and field names must be strings")
        if not name.isidentifier():
            raise ValueError("Type names and field names must be valid "
                             f"identifiers: {name!r}")
        if _iskeyword(name):
            raise ValueError("Type names and field names cannot be a "
                             f"keyword: {name!r}")
    seen = set()
    for name in field_names:
        if name.startswith("_") and not rename:
            raise ValueError("Field names cannot start with an underscore: "
                             f"{name!r}")
        if name in seen:
            raise ValueError(f"Encountered duplicate field name: {name!r}")
        seen.add(name)
    field_names = tuple(field_names)
    nfields = len(field_names)
    field_defaults = {}
    if defaults is not None:
        defaults = tuple(defaults)
        if len(defaults) > nfields:
            raise TypeError("Got more default values than field names")
        field_defaults = dict(reversed(list(zip(reversed(field_names), reversed(defaults)))))
    arg_list = ", ".join(field_names)
    if nfields == 1:
        arg_list += ","

    def __new__(_cls, *args, **kwargs):
        values = list(args)
        if len(values) > nfields:
            raise TypeError(f"{typename}.__new__() takes {nfields + 1} positional "
                            f"arguments but {len(values) + 1} were given")
        for name in field_names[:len(values)]:
            if name in kwargs:
                raise TypeError(f"{typename}.__new__() got multiple values for "
                                f"argument '{name}'")
        missing = []
        for name in field_names[len(values):]:
            if name in kwargs:
                values.append(kwargs.pop(name))
            elif name in field_defaults:
                values.append(field_defaults[name])
            else:
                missing.append(name)
                values.append(None)
        if kwargs:
            raise TypeError(f"{typename}.__new__() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        if missing:
            if len(missing) == 1:
                raise TypeError(f"{typename}.__new__() missing 1 required positional "
                                f"argument: '{missing[0]}'")
            names = ", ".join(repr(m) for m in missing[:-1]) + f" and {missing[-1]!r}"
            raise TypeError(f"{typename}.__new__() missing {len(missing)} required "
                            f"positional arguments: {names}")
        return tuple.__new__(_cls, values)

    def _make(cls, iterable):
        result = tuple.__new__(cls, iterable)
        if len(result) != nfields:
            raise TypeError(f"Expected {nfields} arguments, got {len(result)}")
        return result

    def _replace(self, /, **kwds):
        result = self._make(map(kwds.pop, field_names, self))
        if kwds:
            raise ValueError(f"Got unexpected field names: {list(kwds)!r}")
        return result

    def __repr__(self):
        inner = ", ".join(f"{n}={v!r}" for n, v in zip(field_names, self))
        return f"{self.__class__.__name__}({inner})"

    def _asdict(self):
        return dict(zip(self._fields, self))

    def __getnewargs__(self):
        return tuple(self)

    __new__.__doc__ = f"Create new instance of {typename}({arg_list})"
    namespace = {
        "__doc__": f"{typename}({arg_list})",
        "__slots__": (),
        "_fields": field_names,
        "_field_defaults": field_defaults,
        "__new__": __new__,
        "_make": classmethod(_make),
        "_replace": _replace,
        "__repr__": __repr__,
        "_asdict": _asdict,
        "__getnewargs__": __getnewargs__,
        "__match_args__": field_names,
    }
    for index, name in enumerate(field_names):
        namespace[name] = _tuplegetter(index, f"Alias for field number {index}")
    result = type(typename, (tuple,), namespace)
    if module is None:
        module = "__main__"
    result.__module__ = module
    return result
