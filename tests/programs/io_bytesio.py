# io.BytesIO: binary buffer reads, writes, seeks and errors.
import io


def attempt(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        print(label, type(e).__name__, e)


b = io.BytesIO(b"line one\nline two\nend")
print(b.read(4), b.tell())
print(b.readline(), b.readline(), b.readline(), b.readline())
b.seek(0)
print(b.readlines())
b.seek(0)
print(list(b))
print(b.seek(-3, 2), b.read())
print(b.seek(-100, 1), b.tell())
b.seek(5)
print(b.write(b"ONE"), b.getvalue())
b.seek(30)
b.write(b"!")
print(b.getvalue(), len(b.getvalue()))
print(b.truncate(8), b.getvalue(), b.tell())
print(b.read1(2) if hasattr(b, "read1") else b.read(2))

c = io.BytesIO()
for i in range(5):
    c.write(bytes([65 + i]) * (i + 1))
print(c.getvalue())
c.writelines([b"x", b"y"])
print(c.getvalue())

attempt("write str", lambda: c.write("text"))
attempt("write int", lambda: c.write(3))
attempt("seek neg", lambda: c.seek(-1))
attempt("seek whence", lambda: c.seek(0, 9))
attempt("truncate neg", lambda: c.truncate(-1))
attempt("init str", lambda: io.BytesIO("abc"))
attempt("fileno", c.fileno)
with io.BytesIO(b"abc") as d:
    print(d.read(), d.closed)
print(d.closed)
attempt("read closed", d.read)
attempt("getvalue closed", d.getvalue)
attempt("seek closed", lambda: d.seek(0))
attempt("write closed", lambda: d.write(b"x"))
print(isinstance(d, io.BufferedIOBase), type(d).__name__)
