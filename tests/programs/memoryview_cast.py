# memoryview.cast: every native single-character format, byte <-> typed casts,
# multi-dimensional shapes (tolist, indexing, strides, contiguity), and the errors.
import _struct as struct


def attempt(label, f):
    try:
        r = f()
        if isinstance(r, memoryview):
            r = ("memoryview", r.format, r.shape, r.tolist())
        print(label, repr(r))
    except Exception as e:
        print(label, type(e).__name__, e)


raw = bytes(range(1, 33))
m = memoryview(raw)
for fmt in "BbchHiIlLqQnNfd?P":
    c = m.cast(fmt)
    size = struct.calcsize(fmt)
    vals = c.tolist()
    same = vals == list(struct.unpack(f"{len(raw) // size}{fmt}", raw))
    print(fmt, c.format, c.itemsize, c.nbytes, c.shape, c.strides, len(vals), same, c.readonly)
    back = c.cast("B")
    print("  back", back.format, back.shape, back.tobytes() == raw)

print(m.cast("@B").format, m.cast("c")[0], m.cast("c").tolist()[:3])
print(memoryview(b"\x00\x01\x02").cast("?").tolist())
attempt("cast e", lambda: memoryview(struct.pack("3e", 1.5, -2.0, 65504.0)).cast("e"))
print(memoryview(struct.pack("2f", 0.5, 3.25)).cast("f").tolist())

# Writing through typed views
ba = bytearray(16)
w = memoryview(ba).cast("i")
w[0] = -1
w[1] = 2**31 - 1
w[3] = 7
print(ba, w.tolist())
attempt("i overflow", lambda: w.__setitem__(2, 2**31))
attempt("i underflow", lambda: w.__setitem__(2, -(2**31) - 1))
h = memoryview(ba).cast("H")
h[0] = 65535
attempt("H neg", lambda: h.__setitem__(0, -1))
print(h.tolist())
f = memoryview(ba).cast("f")
f[2] = 1.5
f[3] = 2
print(f.tolist()[2:], struct.unpack("f", ba[8:12]))
attempt("f str", lambda: f.__setitem__(0, "x"))
attempt("f huge", lambda: f.__setitem__(0, 1e300))
c = memoryview(bytearray(b"abc")).cast("c")
c[0] = b"X"
attempt("c str", lambda: c.__setitem__(1, "Y"))
attempt("c long", lambda: c.__setitem__(1, b"YY"))
attempt("c int", lambda: c.__setitem__(1, 89))
print(c.tolist(), c.obj)
q = memoryview(bytearray(2)).cast("?")
q[0] = 5
q[1] = []
print(q.tolist(), q.obj)
d = memoryview(bytearray(8)).cast("d")
d[0] = 10
print(d.tolist())
attempt("d int too big", lambda: d.__setitem__(0, 2**2000))
Q = memoryview(bytearray(8)).cast("Q")
Q[0] = 2**64 - 1
print(Q.tolist())
attempt("Q over", lambda: Q.__setitem__(0, 2**64))
attempt("Q neg", lambda: Q.__setitem__(0, -1))
b = memoryview(bytearray(1)).cast("b")
b[0] = -128
attempt("b over", lambda: b.__setitem__(0, 128))
print(b.tolist())


class Idx:
    def __index__(self):
        return 9


b[0] = Idx()
print(b.tolist())

# Multi-dimensional views
md = memoryview(bytes(range(24))).cast("B", [2, 3, 4])
print(md.ndim, md.shape, md.strides, md.nbytes, len(md), md.c_contiguous, md.f_contiguous, md.contiguous)
print(md.tolist())
print(md[1, 2, 3], md[0, 0, 0], md[-1, -1, -1])
attempt("md int", lambda: md[0])
attempt("md short tuple", lambda: md[0, 1])
attempt("md long tuple", lambda: md[0, 1, 2, 3])
attempt("md out", lambda: md[2, 0, 0])
attempt("md out 2", lambda: md[0, 3, 0])
attempt("md bad key", lambda: md[0, "a", 0])
print(md[1:].shape, md[1:].tolist(), md[::-1].strides, md[::-1].c_contiguous)
attempt("md iter", lambda: list(md))
print(md.tobytes() == bytes(range(24)), md.cast("B").shape)
attempt("md cast nd", lambda: md.cast("B", [4, 6]))
print(md.cast("B").cast("B", [4, 6]).tolist())
i2 = memoryview(bytearray(24)).cast("i", (2, 3))
i2[1, 2] = 42
i2[0, 0] = -5
print(i2.tolist(), i2.strides)
attempt("md set short", lambda: i2.__setitem__(0, 1))
attempt("md set slice", lambda: i2.__setitem__(slice(0, 1), b"x"))
attempt("md hex", lambda: md.hex())
print(md.hex()[:10])
print(md.tobytes("F")[:6], md.tobytes("A")[:6], md.tobytes("C")[:6])
print(md == memoryview(bytes(range(24))).cast("B", [2, 3, 4]), md == bytes(range(24)))
one = memoryview(b"abcdef").cast("B", [6, 1])
print(one.shape, one.strides, one.c_contiguous, one.f_contiguous, one.tolist())

# Cast errors
attempt("bad format", lambda: m.cast("x"))
attempt("struct format", lambda: m.cast("<i"))
attempt("two chars", lambda: m.cast("ii"))
attempt("format int", lambda: m.cast(1))
attempt("non-byte to non-byte", lambda: m.cast("i").cast("h"))
attempt("length multiple", lambda: memoryview(b"abc").cast("i"))
attempt("shape type", lambda: m.cast("B", 32))
attempt("shape elem", lambda: m.cast("B", ["a"]))
attempt("shape zero", lambda: m.cast("B", [0]))
attempt("shape neg", lambda: m.cast("B", [-1, -32]))
attempt("shape product", lambda: m.cast("B", [3, 3]))
attempt("shape dims", lambda: m.cast("B", [1] * 65))
attempt("non-contiguous", lambda: m[::2].cast("B"))
attempt("zeros", lambda: memoryview(b"").cast("B", [0]))
attempt("cast kw", lambda: m.cast(format="i", shape=[8]))
attempt("cast no args", lambda: m.cast())
attempt("cast shape list", lambda: m.cast("B", [2, 16]).shape)
attempt("cast shape tuple", lambda: m.cast("i", (2, 4)).strides)
attempt("cast size", lambda: m.cast("d", [5]))
attempt("cast source fmt", lambda: m.cast("i").cast("B").cast("i", [2, 4]).cast("B"))
