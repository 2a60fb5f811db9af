"""Functional tools for creating and using iterators (the interface of CPython's
itertools module, written in Python: each tool is a lazy iterator class, with
CPython's argument checks, error messages and reprs)."""

__all__ = ["count", "repeat", "cycle", "chain", "islice", "product", "permutations",
           "combinations", "combinations_with_replacement", "accumulate",
           "zip_longest", "starmap", "takewhile", "dropwhile", "groupby", "tee",
           "compress", "filterfalse", "pairwise"]

_UNSET = object()


def _is_number(x):
    # What CPython's PyNumber_Check accepts.
    t = type(x)
    return hasattr(t, "__index__") or hasattr(t, "__float__") or hasattr(t, "__int__")


class _Lazy:
    """Base of the combinatoric tools: `_run` is a generator made at construction
    (after the arguments are checked), stepped by `__next__`."""

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._gen)


class count:
    def __init__(self, start=0, step=1):
        if not _is_number(start) or not _is_number(step):
            raise TypeError("a number is required")
        self._n = start
        self._step = step

    def __iter__(self):
        return self

    def __next__(self):
        n = self._n
        self._n = n + self._step
        return n

    def __repr__(self):
        if type(self._step) is int and self._step == 1:
            return "count(%r)" % (self._n,)
        return "count(%r, %r)" % (self._n, self._step)


class repeat:
    def __init__(self, object, times=None):
        self._obj = object
        if times is None:
            self._left = None
        else:
            if not isinstance(times, int):
                raise TypeError("'%s' object cannot be interpreted as an integer"
                                % type(times).__name__)
            self._left = times if times > 0 else 0

    def __iter__(self):
        return self

    def __next__(self):
        if self._left is None:
            return self._obj
        if self._left <= 0:
            raise StopIteration
        self._left -= 1
        return self._obj

    def __length_hint__(self):
        if self._left is None:
            raise TypeError("len() of unsized object")
        return self._left

    def __repr__(self):
        if self._left is None:
            return "repeat(%r)" % (self._obj,)
        return "repeat(%r, %d)" % (self._obj, self._left)


class cycle(_Lazy):
    def __init__(self, iterable):
        self._gen = self._run(iter(iterable))

    @staticmethod
    def _run(it):
        saved = []
        for element in it:
            yield element
            saved.append(element)
        while saved:
            for element in saved:
                yield element


class chain(_Lazy):
    def __init__(self, *iterables):
        self._gen = self._run(iter(iterables))

    @staticmethod
    def _run(iterables):
        for it in iterables:
            yield from it

    @classmethod
    def from_iterable(cls, iterables):
        c = cls.__new__(cls)
        c._gen = cls._run(iter(iterables))
        return c


def _islice_index(value, message):
    if value is None:
        return None
    try:
        i = value.__index__()
    except AttributeError:
        raise ValueError(message) from None
    # A C Py_ssize_t in CPython: 0 <= i <= sys.maxsize.
    if i < 0 or i > 9223372036854775807:
        raise ValueError(message)
    return i


class islice:
    def __init__(self, iterable, *args):
        if not 1 <= len(args) <= 3:
            if not args:
                raise TypeError("islice expected at least 2 arguments, got 1")
            raise TypeError("islice expected at most 4 arguments, got %d" % (len(args) + 1))
        if len(args) == 1:
            start, stop, step = None, args[0], None
            stop_msg = ("Stop argument for islice() must be None or an integer: "
                        "0 <= x <= sys.maxsize.")
        else:
            start, stop = args[0], args[1]
            step = args[2] if len(args) == 3 else None
            stop_msg = ("Stop argument for islice() must be None or an integer: "
                        "0 <= x <= sys.maxsize.")
        start_msg = ("Indices for islice() must be None or an integer: "
                     "0 <= x <= sys.maxsize.")
        stop = _islice_index(stop, stop_msg)
        start = _islice_index(start, start_msg)
        step_msg = "Step for islice() must be a positive integer or None."
        if step is None:
            step = 1
        else:
            try:
                step = step.__index__()
            except AttributeError:
                raise ValueError(step_msg) from None
            if step < 1 or step > 9223372036854775807:
                raise ValueError(step_msg)
        self._it = iter(iterable)
        self._next = 0 if start is None else start
        self._stop = stop
        self._step = step
        self._consumed = 0

    def __iter__(self):
        return self

    def __next__(self):
        it = self._it
        if it is None:
            raise StopIteration
        stop = self._stop
        try:
            while self._consumed < self._next:
                next(it)
                self._consumed += 1
            if stop is not None and self._consumed >= stop:
                raise StopIteration
            item = next(it)
        except StopIteration:
            self._it = None
            raise
        self._consumed += 1
        previous = self._next
        self._next += self._step
        if self._next < previous or (stop is not None and self._next > stop):
            self._next = stop
        return item


class product(_Lazy):
    def __init__(self, *iterables, repeat=1):
        if not isinstance(repeat, int):
            raise TypeError("'%s' object cannot be interpreted as an integer"
                            % type(repeat).__name__)
        if repeat < 0:
            raise ValueError("repeat argument cannot be negative")
        pools = [tuple(pool) for pool in iterables] * repeat
        self._gen = self._run(pools)

    @staticmethod
    def _run(pools):
        if any(not pool for pool in pools):
            return
        n = len(pools)
        indices = [0] * n
        yield tuple(pool[0] for pool in pools)
        while True:
            i = n - 1
            while i >= 0:
                indices[i] += 1
                if indices[i] < len(pools[i]):
                    break
                indices[i] = 0
                i -= 1
            if i < 0:
                return
            yield tuple(pools[k][indices[k]] for k in range(n))


def _check_r(r):
    if not isinstance(r, int):
        raise TypeError("Expected int as r")
    if r < 0:
        raise ValueError("r must be non-negative")
    return r


class permutations(_Lazy):
    def __init__(self, iterable, r=None):
        pool = tuple(iterable)
        n = len(pool)
        r = n if r is None else _check_r(r)
        self._gen = self._run(pool, n, r)

    @staticmethod
    def _run(pool, n, r):
        if r > n:
            return
        indices = list(range(n))
        cycles = list(range(n, n - r, -1))
        yield tuple(pool[i] for i in indices[:r])
        while n:
            for i in reversed(range(r)):
                cycles[i] -= 1
                if cycles[i] == 0:
                    indices[i:] = indices[i + 1:] + indices[i:i + 1]
                    cycles[i] = n - i
                else:
                    j = cycles[i]
                    indices[i], indices[-j] = indices[-j], indices[i]
                    yield tuple(pool[i] for i in indices[:r])
                    break
            else:
                return


class combinations(_Lazy):
    def __init__(self, iterable, r):
        pool = tuple(iterable)
        self._gen = self._run(pool, len(pool), _check_r(r))

    @staticmethod
    def _run(pool, n, r):
        if r > n:
            return
        indices = list(range(r))
        yield tuple(pool[i] for i in indices)
        while True:
            for i in reversed(range(r)):
                if indices[i] != i + n - r:
                    break
            else:
                return
            indices[i] += 1
            for j in range(i + 1, r):
                indices[j] = indices[j - 1] + 1
            yield tuple(pool[i] for i in indices)


class combinations_with_replacement(_Lazy):
    def __init__(self, iterable, r):
        pool = tuple(iterable)
        self._gen = self._run(pool, len(pool), _check_r(r))

    @staticmethod
    def _run(pool, n, r):
        if not n and r:
            return
        indices = [0] * r
        yield tuple(pool[i] for i in indices)
        while True:
            for i in reversed(range(r)):
                if indices[i] != n - 1:
                    break
            else:
                return
            indices[i:] = [indices[i] + 1] * (r - i)
            yield tuple(pool[i] for i in indices)


class accumulate(_Lazy):
    def __init__(self, iterable, func=None, *, initial=None):
        self._gen = self._run(iter(iterable), func, initial)

    @staticmethod
    def _run(it, func, initial):
        total = initial
        if initial is None:
            try:
                total = next(it)
            except StopIteration:
                return
        yield total
        for element in it:
            total = total + element if func is None else func(total, element)
            yield total


class zip_longest(_Lazy):
    def __init__(self, *args, fillvalue=None):
        self._gen = self._run([iter(it) for it in args], fillvalue)

    @staticmethod
    def _run(iterators, fillvalue):
        active = len(iterators)
        if not active:
            return
        while True:
            values = []
            for i, it in enumerate(iterators):
                if it is None:
                    values.append(fillvalue)
                    continue
                try:
                    value = next(it)
                except StopIteration:
                    active -= 1
                    if not active:
                        return
                    iterators[i] = None
                    value = fillvalue
                values.append(value)
            yield tuple(values)


class starmap(_Lazy):
    def __init__(self, function, iterable):
        self._gen = self._run(function, iter(iterable))

    @staticmethod
    def _run(function, it):
        for args in it:
            yield function(*args)


class takewhile(_Lazy):
    def __init__(self, predicate, iterable):
        self._gen = self._run(predicate, iter(iterable))

    @staticmethod
    def _run(predicate, it):
        for x in it:
            if predicate(x):
                yield x
            else:
                return


class dropwhile(_Lazy):
    def __init__(self, predicate, iterable):
        self._gen = self._run(predicate, iter(iterable))

    @staticmethod
    def _run(predicate, it):
        for x in it:
            if not predicate(x):
                yield x
                break
        yield from it


class filterfalse(_Lazy):
    def __init__(self, function, iterable):
        self._gen = self._run(bool if function is None else function, iter(iterable))

    @staticmethod
    def _run(predicate, it):
        for x in it:
            if not predicate(x):
                yield x


class compress(_Lazy):
    def __init__(self, data, selectors):
        self._gen = self._run(iter(data), iter(selectors))

    @staticmethod
    def _run(data, selectors):
        for d, s in zip(data, selectors):
            if s:
                yield d


class pairwise(_Lazy):
    def __init__(self, iterable):
        self._gen = self._run(iter(iterable))

    @staticmethod
    def _run(it):
        try:
            a = next(it)
        except StopIteration:
            return
        for b in it:
            yield a, b
            a = b


class groupby:
    """Consecutive keys and groups; a group is only valid until the next key is
    taken (advancing the groupby consumes what its group left unread)."""

    def __init__(self, iterable, key=None):
        self._it = iter(iterable)
        self._keyfunc = key
        self._tgtkey = self._currkey = self._currvalue = _UNSET
        self._current = None

    def __iter__(self):
        return self

    def _step(self):
        value = next(self._it)
        self._currkey = value if self._keyfunc is None else self._keyfunc(value)
        self._currvalue = value

    def __next__(self):
        self._current = None
        while True:
            if self._currkey is _UNSET:
                self._step()
            elif self._tgtkey is _UNSET:
                break
            elif not self._tgtkey == self._currkey:
                break
            else:
                self._step()
        self._tgtkey = self._currkey
        group = _grouper(self, self._tgtkey)
        self._current = group
        return self._currkey, group


class _grouper:
    def __init__(self, parent, tgtkey):
        self._parent = parent
        self._tgtkey = tgtkey

    def __iter__(self):
        return self

    def __next__(self):
        parent = self._parent
        if parent._current is not self:
            raise StopIteration
        if parent._currvalue is _UNSET:
            parent._step()
        if not self._tgtkey == parent._currkey:
            raise StopIteration
        value = parent._currvalue
        parent._currvalue = _UNSET
        return value


class _tee:
    """One of tee's iterators: shares a singly linked buffer `[value, next]` with its
    siblings; links behind every sibling are freed as they advance."""

    def __init__(self, source, link):
        self._source = source
        self._link = link

    def __iter__(self):
        return self

    def __next__(self):
        link = self._link
        following = link[1]
        if following is None:
            value = next(self._source)
            following = link[1] = [value, None]
        self._link = following
        return following[0]

    def __copy__(self):
        return _tee(self._source, self._link)


def tee(iterable, n=2):
    if not isinstance(n, int):
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(n).__name__)
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return ()
    it = iter(iterable)
    if not isinstance(it, _tee):
        it = _tee(it, [None, None])
    return (it,) + tuple(it.__copy__() for _ in range(n - 1))
