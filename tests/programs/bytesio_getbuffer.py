# io.BytesIO.getbuffer(): a writable memoryview of the stream's bytes; while it lives
# the stream cannot be written, truncated, closed or re-initialised (BufferError).
import io


def attempt(label, f):
    try:
        r = f()
        if isinstance(r, memoryview):
            r = ("memoryview", r.tolist())
        print(label, repr(r))
    except Exception as e:
        print(label, type(e).__name__, e)


b = io.BytesIO(b"hello")
m = b.getbuffer()
print(type(m).__name__, type(m.obj).__name__, m.readonly, m.format, m.tobytes(), len(m))
m[0] = ord("J")
m[1:3] = b"EL"
print(b.getvalue(), b.read(2), b.tell())
for name, f in [
    ("write", lambda: b.write(b"x")),
    ("truncate", lambda: b.truncate(2)),
    ("close", b.close),
    ("seek", lambda: b.seek(0)),
    ("read", b.read),
    ("writelines", lambda: b.writelines([b"a"])),
    ("getvalue", b.getvalue),
    ("readinto own view", lambda: b.readinto(m)),
    ("second view", lambda: b.getbuffer().tobytes()),
    ("init", lambda: b.__init__(b"zz")),
    ("after init", b.getvalue),
]:
    attempt(name, f)
print(m.tobytes())
m.release()
print(b.write(b"!"), b.getvalue())
c = io.BytesIO(b"abc")
with c.getbuffer() as v:
    attempt("inside with", lambda: c.write(b"z"))
print(c.write(b"z"), c.getvalue())
c.getbuffer()
print("temporary view released", c.write(b"y"), c.getvalue())
c.close()
attempt("closed", c.getbuffer)
print(io.BytesIO().getbuffer().tobytes(), bytes(io.BytesIO(b"xy").getbuffer()))
