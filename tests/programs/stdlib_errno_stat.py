# errno (numbers, names, errorcode) and _stat (mode tests, filemode, constants).
import _stat
import errno

print(len(errno.errorcode), errno.ENOENT, errno.EAGAIN, errno.EWOULDBLOCK, errno.EDEADLK,
      errno.EDEADLOCK, errno.ENOTSUP, errno.EOPNOTSUPP)
print(sorted(errno.errorcode.items())[:10])
print(errno.errorcode[11], errno.errorcode[95], errno.errorcode[35], errno.errorcode[2])
names = sorted(k for k in dir(errno) if k.startswith("E"))
print(len(names), names[:5], names[-5:])
print(all(errno.errorcode[getattr(errno, k)] == k or k in ("EWOULDBLOCK", "EDEADLK", "EOPNOTSUPP")
          for k in names))
try:
    open("/nonexistent/file")
except OSError as e:
    print(errno.errorcode[e.errno])


def show(f, *a):
    try:
        print(f(*a))
    except Exception as e:
        print(type(e).__name__, e)


modes = [0o040755, 0o100644, 0o120777, 0o020600, 0o060660, 0o010644, 0o140755, 0o170777,
         0o104755, 0o102755, 0o101777, 0o100000, 0o7777, 0o12345, 0]
for m in modes:
    print(oct(m), _stat.filemode(m), _stat.S_IMODE(m), _stat.S_IFMT(m),
          [f.__name__ for f in (_stat.S_ISDIR, _stat.S_ISCHR, _stat.S_ISBLK, _stat.S_ISREG,
                                _stat.S_ISFIFO, _stat.S_ISLNK, _stat.S_ISSOCK, _stat.S_ISDOOR,
                                _stat.S_ISPORT, _stat.S_ISWHT) if f(m)])
for a in ["x", -1, 2**40, 1.5, True]:
    for f in (_stat.S_ISDIR, _stat.S_IMODE, _stat.filemode):
        show(f, a)
show(_stat.S_ISDIR)
show(_stat.filemode, 1, 2)
print(sorted((k, v) for k, v in vars(_stat).items() if k.isupper() and isinstance(v, int)))
