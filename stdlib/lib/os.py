"""The os module: strand's native posix calls, the environment as a mapping, and the
helpers CPython writes in Python (makedirs, walk, getenv)."""

import sys
import posix
from posix import (getpid, getppid, cpu_count, getcwd, chdir, listdir, remove,
                   unlink, mkdir, rmdir, rename, replace, putenv, unsetenv,
                   urandom, write, read, strerror, fspath, readlink, _exit)
import posixpath as path

sys.modules["os.path"] = path

name = "posix"
sep = path.sep
altsep = path.altsep
curdir = path.curdir
pardir = path.pardir
extsep = path.extsep
pathsep = path.pathsep
devnull = path.devnull
linesep = "\n"
defpath = "/bin:/usr/bin"

SEEK_SET = 0
SEEK_CUR = 1
SEEK_END = 2

error = OSError


class stat_result:
    """The result of stat(): fields by name, or the first ten by index."""

    __slots__ = ("st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid",
                 "st_size", "st_atime", "st_mtime", "st_ctime", "st_atime_ns",
                 "st_mtime_ns", "st_ctime_ns")

    def __init__(self, fields):
        (self.st_mode, self.st_ino, self.st_dev, self.st_nlink, self.st_uid,
         self.st_gid, self.st_size, self.st_atime, self.st_mtime, self.st_ctime,
         self.st_atime_ns, self.st_mtime_ns, self.st_ctime_ns) = fields

    def _tuple(self):
        return (self.st_mode, self.st_ino, self.st_dev, self.st_nlink, self.st_uid,
                self.st_gid, self.st_size, int(self.st_atime), int(self.st_mtime),
                int(self.st_ctime))

    def __getitem__(self, i):
        return self._tuple()[i]

    def __len__(self):
        return 10

    def __iter__(self):
        return iter(self._tuple())

    def __eq__(self, other):
        if isinstance(other, stat_result):
            return self._tuple() == other._tuple()
        return NotImplemented

    def __repr__(self):
        names = ("st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid",
                 "st_size", "st_atime", "st_mtime", "st_ctime")
        return "os.stat_result(%s)" % ", ".join(
            "%s=%r" % (n, v) for n, v in zip(names, self._tuple()))


def stat(path, *, follow_symlinks=True):
    if follow_symlinks:
        return stat_result(posix.stat(path))
    return stat_result(posix.lstat(path))


def lstat(path):
    return stat_result(posix.lstat(path))


class _Environ:
    """os.environ: a mapping of the process environment; assignments and deletions
    change the environment of the process (and of the processes it starts)."""

    def __init__(self, data):
        self._data = data

    @staticmethod
    def _str(value, what):
        if not isinstance(value, str):
            raise TypeError("str expected, not %s" % type(value).__name__)
        return value

    def __getitem__(self, key):
        try:
            return self._data[key]
        except KeyError:
            raise KeyError(key) from None

    def __setitem__(self, key, value):
        key = self._str(key, "key")
        value = self._str(value, "value")
        putenv(key, value)
        self._data[key] = value

    def __delitem__(self, key):
        self._str(key, "key")
        if key not in self._data:
            raise KeyError(key)
        unsetenv(key)
        del self._data[key]

    def __contains__(self, key):
        return key in self._data

    def __iter__(self):
        return iter(list(self._data))

    def __len__(self):
        return len(self._data)

    def __eq__(self, other):
        if isinstance(other, _Environ):
            return self._data == other._data
        return self._data == other

    def __repr__(self):
        return "environ({%s})" % ", ".join(
            "%r: %r" % (k, v) for k, v in self._data.items())

    def keys(self):
        return self._data.keys()

    def values(self):
        return self._data.values()

    def items(self):
        return self._data.items()

    def get(self, key, default=None):
        return self._data.get(key, default)

    _MISSING = object()

    def pop(self, key, default=_MISSING):
        if key in self._data:
            value = self._data[key]
            del self[key]
            return value
        if default is _Environ._MISSING:
            raise KeyError(key)
        return default

    def setdefault(self, key, default=None):
        if key not in self._data:
            self[key] = default
        return self._data[key]

    def update(self, other=(), **kwds):
        if hasattr(other, "keys"):
            for k in other.keys():
                self[k] = other[k]
        else:
            for k, v in other:
                self[k] = v
        for k, v in kwds.items():
            self[k] = v

    def clear(self):
        for k in list(self._data):
            del self[k]

    def copy(self):
        return dict(self._data)

    def __or__(self, other):
        if not isinstance(other, dict) and not isinstance(other, _Environ):
            return NotImplemented
        new = dict(self._data)
        new.update(other)
        return new


environ = _Environ(dict(posix.environ))


def getenv(key, default=None):
    """The environment variable key if it exists, else default."""
    return environ.get(key, default)


def makedirs(name, mode=0o777, exist_ok=False):
    """Creates name and any missing parent directories."""
    head, tail = path.split(name)
    if not tail:
        head, tail = path.split(head)
    if head and tail and not path.exists(head):
        try:
            makedirs(head, exist_ok=exist_ok)
        except FileExistsError:
            # Another process created it in the meantime.
            pass
        if tail == curdir:
            return
    try:
        mkdir(name, mode)
    except OSError:
        if not exist_ok or not path.isdir(name):
            raise


def removedirs(name):
    """Removes name, then each parent directory that becomes empty."""
    rmdir(name)
    head, tail = path.split(name)
    if not tail:
        head, tail = path.split(head)
    while head and tail:
        try:
            rmdir(head)
        except OSError:
            break
        head, tail = path.split(head)


def walk(top, topdown=True, onerror=None, followlinks=False):
    """Yields (dirpath, dirnames, filenames) for each directory under top."""
    top = fspath(top)
    try:
        names = listdir(top)
    except OSError as err:
        if onerror is not None:
            onerror(err)
        return
    dirs = []
    files = []
    for n in names:
        full = path.join(top, n)
        if path.isdir(full):
            dirs.append(n)
        else:
            files.append(n)
    if topdown:
        yield top, dirs, files
    for d in dirs:
        full = path.join(top, d)
        if followlinks or not path.islink(full):
            yield from walk(full, topdown, onerror, followlinks)
    if not topdown:
        yield top, dirs, files
