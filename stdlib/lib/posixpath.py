"""Path operations on POSIX paths (os.path): pure string manipulation, plus the
queries (exists, isfile, ...) built on posix.stat."""

import posix

__all__ = ["join", "split", "splitext", "basename", "dirname", "exists",
           "lexists", "isfile", "isdir", "islink", "isabs", "getsize",
           "getmtime", "getatime", "getctime", "abspath", "normpath",
           "realpath", "relpath", "expanduser", "commonprefix", "sep",
           "curdir", "pardir", "extsep", "altsep", "pathsep", "devnull"]

sep = "/"
curdir = "."
pardir = ".."
extsep = "."
altsep = None
pathsep = ":"
devnull = "/dev/null"

_S_IFMT = 0o170000
_S_IFDIR = 0o040000
_S_IFREG = 0o100000
_S_IFLNK = 0o120000


def _seps(p):
    """The separator, dot and empty value matching p's type (str or bytes)."""
    if isinstance(p, bytes):
        return b"/", b".", b""
    return "/", ".", ""


def _check(funcname, *args):
    has_str = has_bytes = False
    for a in args:
        if isinstance(a, str):
            has_str = True
        elif isinstance(a, bytes):
            has_bytes = True
        else:
            raise TypeError("%s() argument must be str, bytes, or os.PathLike object, "
                            "not '%s'" % (funcname, type(a).__name__))
    if has_str and has_bytes:
        raise TypeError("Can't mix strings and bytes in path components")


def isabs(s):
    s = posix.fspath(s)
    slash = _seps(s)[0]
    return s.startswith(slash)


def join(a, *p):
    a = posix.fspath(a)
    try:
        parts = [posix.fspath(x) for x in p]
    except TypeError:
        _check("join", a, *p)
        raise
    _check("join", a, *parts)
    slash = _seps(a)[0]
    out = a
    for b in parts:
        if b.startswith(slash):
            out = b
        elif not out or out.endswith(slash):
            out = out + b
        else:
            out = out + slash + b
    return out


def split(p):
    p = posix.fspath(p)
    slash = _seps(p)[0]
    i = p.rfind(slash) + 1
    head, tail = p[:i], p[i:]
    if head and head != slash * len(head):
        head = head.rstrip(slash)
    return head, tail


def splitext(p):
    p = posix.fspath(p)
    slash, dot, empty = _seps(p)
    last_sep = p.rfind(slash)
    last_dot = p.rfind(dot)
    if last_dot > last_sep:
        # A leading run of dots in the file name is not an extension.
        i = last_sep + 1
        while i < last_dot:
            if p[i:i + 1] != dot:
                return p[:last_dot], p[last_dot:]
            i += 1
    return p, p[:0]


def basename(p):
    p = posix.fspath(p)
    slash = _seps(p)[0]
    return p[p.rfind(slash) + 1:]


def dirname(p):
    p = posix.fspath(p)
    slash = _seps(p)[0]
    head = p[:p.rfind(slash) + 1]
    if head and head != slash * len(head):
        head = head.rstrip(slash)
    return head


def _stat_mode(path, follow=True):
    try:
        st = posix.stat(path) if follow else posix.lstat(path)
    except (OSError, ValueError):
        return None
    return st[0]


def exists(path):
    return _stat_mode(path) is not None


def lexists(path):
    return _stat_mode(path, False) is not None


def isfile(path):
    m = _stat_mode(path)
    return m is not None and (m & _S_IFMT) == _S_IFREG


def isdir(s):
    m = _stat_mode(s)
    return m is not None and (m & _S_IFMT) == _S_IFDIR


def islink(path):
    m = _stat_mode(path, False)
    return m is not None and (m & _S_IFMT) == _S_IFLNK


def getsize(filename):
    return posix.stat(filename)[6]


def getatime(filename):
    return posix.stat(filename)[7]


def getmtime(filename):
    return posix.stat(filename)[8]


def getctime(filename):
    return posix.stat(filename)[9]


def normpath(path):
    path = posix.fspath(path)
    slash, dot, empty = _seps(path)
    if path == empty:
        return dot
    # POSIX keeps exactly two leading slashes; three or more collapse to one.
    lead = 0
    if path.startswith(slash):
        lead = 2 if path.startswith(slash * 2) and not path.startswith(slash * 3) else 1
    parts = []
    for comp in path.split(slash):
        if comp == empty or comp == dot:
            continue
        if comp == dot + dot:
            if parts and parts[-1] != dot + dot:
                parts.pop()
                continue
            if lead:
                continue
        parts.append(comp)
    out = slash * lead + slash.join(parts)
    return out or dot


def abspath(path):
    path = posix.fspath(path)
    if not isabs(path):
        cwd = posix.getcwd()
        if isinstance(path, bytes):
            cwd = cwd.encode()
        path = join(cwd, path)
    return normpath(path)


def realpath(filename, *, strict=False):
    filename = posix.fspath(filename)
    slash, dot, empty = _seps(filename)
    path = abspath(filename)
    # Resolve symbolic links component by component.
    out = slash
    for comp in path.split(slash):
        if not comp:
            continue
        candidate = join(out, comp)
        if islink(candidate):
            candidate = normpath(join(out, posix.readlink(candidate)))
        out = candidate
    return out


def relpath(path, start=None):
    path = posix.fspath(path)
    slash, dot, empty = _seps(path)
    if not path:
        raise ValueError("no path specified")
    if start is None:
        start = dot
    start = posix.fspath(start)
    start_list = [x for x in abspath(start).split(slash) if x]
    path_list = [x for x in abspath(path).split(slash) if x]
    i = len(commonprefix([start_list, path_list]))
    rel = [dot + dot] * (len(start_list) - i) + path_list[i:]
    if not rel:
        return dot
    return join(*rel)


def commonprefix(m):
    if not m:
        return ""
    lo = min(m)
    hi = max(m)
    for i, c in enumerate(lo):
        if c != hi[i]:
            return lo[:i]
    return lo


def expanduser(path):
    path = posix.fspath(path)
    tilde = b"~" if isinstance(path, bytes) else "~"
    if not path.startswith(tilde):
        return path
    slash = _seps(path)[0]
    i = path.find(slash, 1)
    if i < 0:
        i = len(path)
    if i != 1:
        return path
    home = posix.environ.get("HOME")
    if home is None:
        return path
    if isinstance(path, bytes):
        home = home.encode()
    home = home.rstrip(slash) or slash
    return home + path[i:]
