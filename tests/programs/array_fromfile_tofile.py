# array.fromfile / array.tofile (with short reads raising EOFError after appending).
import array
import io
import tempfile

a = array.array("i", range(10))
with tempfile.TemporaryFile() as f:
    a.tofile(f)
    f.seek(0)
    b = array.array("i")
    b.fromfile(f, 4)
    print(b)
    b.fromfile(f, 6)
    print(b, b == a)
    try:
        b.fromfile(f, 1)
    except EOFError as e:
        print("EOFError", e, len(b))

f = io.BytesIO(array.array("h", [1, 2, 3]).tobytes() + b"\x01")
c = array.array("h")
try:
    c.fromfile(f, 5)
except (EOFError, ValueError) as e:
    print(type(e).__name__, e, c)
f = io.BytesIO(array.array("h", [1, 2, 3]).tobytes())
try:
    c.fromfile(f, 5)
except EOFError as e:
    print("EOFError", e, c)

big = array.array("d", range(20000))
out = io.BytesIO()
big.tofile(out)
print(len(out.getvalue()), out.getvalue() == big.tobytes())
array.array("b").tofile(out)

class NotBytes:
    def read(self, n):
        return "x" * n

for args in ((io.BytesIO(b""), -1), (NotBytes(), 1), (io.BytesIO(b""),), (io.BytesIO(b""), "1")):
    try:
        array.array("b").fromfile(*args)
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
try:
    array.array("b", [1]).tofile(io.StringIO())
except TypeError as e:
    print("TypeError", e)
