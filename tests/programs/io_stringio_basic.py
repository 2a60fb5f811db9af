# io.StringIO: the text buffer API, iteration, context manager and closed errors.
import io


def attempt(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        print(label, type(e).__name__, e)


s = io.StringIO()
print(s.write("hello\n"), s.write("world\n"), s.write("last"))
print(repr(s.getvalue()), s.tell())
print(s.seek(0), repr(s.read(3)), s.tell())
print(repr(s.readline()), repr(s.readline()), repr(s.readline()), repr(s.readline()))
s.seek(0)
print(s.readlines())
s.seek(0)
print([line for line in s])
s.seek(0)
print(s.readlines(7))
print(s.readable(), s.writable(), s.seekable(), s.isatty())
s.seek(0, 2)
print(s.tell(), repr(s.read()))

t = io.StringIO("initial\nvalue")
print(repr(t.read()), t.tell())
t.seek(3)
t.write("XY")
print(repr(t.getvalue()))
print(t.truncate(5), repr(t.getvalue()), t.tell())

with io.StringIO("ctx") as c:
    print(repr(c.read()), c.closed)
print(c.closed)
attempt("read closed", c.read)
attempt("write closed", lambda: c.write("x"))
attempt("getvalue closed", c.getvalue)
attempt("tell closed", c.tell)
attempt("iter closed", lambda: iter(c))

u = io.StringIO()
attempt("write int", lambda: u.write(5))
attempt("write bytes", lambda: u.write(b"x"))
attempt("seek negative", lambda: u.seek(-1))
attempt("seek cur", lambda: u.seek(1, 1))
attempt("seek end", lambda: u.seek(2, 2))
attempt("seek whence", lambda: u.seek(0, 7))
attempt("read str", lambda: u.read("x"))
attempt("truncate neg", lambda: u.truncate(-2))
attempt("fileno", u.fileno)
attempt("init bytes", lambda: io.StringIO(b"x"))
attempt("init newline", lambda: io.StringIO("", "zz"))
attempt("readline none", lambda: io.StringIO("a\nb").readline(None))
attempt("read none", lambda: io.StringIO("abc").read(None))
attempt("read -1", lambda: io.StringIO("abc").read(-1))

w = io.StringIO()
w.writelines(["a", "b", "c\n"])
print(repr(w.getvalue()))
print(type(w).__name__, type(w).__module__, isinstance(w, io.TextIOBase), isinstance(w, io.IOBase))
