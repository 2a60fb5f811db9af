# memoryview over bytes, bytearray and array.array: attributes, indexing, slicing
# (views share memory), item and slice assignment, tobytes/tolist/hex, comparison,
# hashing, release and the context manager, iteration, repr.
import array


def attempt(label, f):
    try:
        r = f()
        if isinstance(r, memoryview):
            r = ("memoryview", r.tolist())
        print(label, repr(r))
    except Exception as e:
        print(label, type(e).__name__, e)


def attrs(m):
    return (m.format, m.itemsize, m.nbytes, m.ndim, m.shape, m.strides, m.readonly,
            m.suboffsets, m.c_contiguous, m.f_contiguous, m.contiguous)


m = memoryview(b"abcdef")
print(attrs(m), len(m), m.obj == b"abcdef", type(m.obj).__name__)
print(m[0], m[-1], m[1:3].tobytes(), m[::2].tobytes(), m[::-1].tobytes())
print(m.tolist(), m.tobytes(), m.hex(), m.hex(":"), m.hex("-", 2), bytes(m))
print(attrs(m[::2]), attrs(m[::-1]), attrs(m[2:2]))
attempt("index out", lambda: m[6])
attempt("index -out", lambda: m[-7])
attempt("index str", lambda: m["a"])
attempt("index float", lambda: m[1.5])
attempt("set readonly", lambda: m.__setitem__(0, 1))
attempt("del item", lambda: m.__delitem__(0))
attempt("multi index", lambda: m[0, 0])
attempt("multi slice", lambda: m[0:1, 0:1])
attempt("big index", lambda: m[2**70])
print(list(m), [x for x in m[1:3]], 99 in m, 120 in m)
it = iter(m)
print(type(it).__name__, next(it), next(it))

# A writable view over a bytearray shares its memory.
ba = bytearray(b"hello world")
v = memoryview(ba)
print(attrs(v), v.obj is ba)
v[0] = ord("H")
v[6:11] = b"WORLD"
print(ba)
ba[1] = ord("E")
print(v.tobytes(), v[1])
s = v[6:]
s[0] = ord("w")
print(ba, s.tobytes(), s.obj is ba)
v[::2] = b"......"
print(ba)
v[1:3] = bytearray(b"12")
v[3:5] = memoryview(b"34")
print(ba)
attempt("set big", lambda: v.__setitem__(0, 256))
attempt("set neg", lambda: v.__setitem__(0, -1))
attempt("set str", lambda: v.__setitem__(0, "a"))
attempt("set float", lambda: v.__setitem__(0, 1.0))
attempt("set out", lambda: v.__setitem__(11, 1))
attempt("slice size", lambda: v.__setitem__(slice(0, 2), b"abc"))
attempt("slice int", lambda: v.__setitem__(slice(0, 2), 5))
attempt("slice list", lambda: v.__setitem__(slice(0, 2), [1, 2]))
attempt("slice fmt", lambda: v.__setitem__(slice(0, 1), array.array("h", [1])))
attempt("del slice", lambda: v.__delitem__(slice(0, 2)))
v[0:2] = v[2:4]
print(ba)
v[1:5] = v[0:4]
print(ba)

# Overlapping slice assignment copies as memmove does.
ob = bytearray(b"0123456789")
ov = memoryview(ob)
ov[2:8] = ov[0:6]
print(ob)
ov[0:6] = ov[2:8]
print(ob)

# array.array exports its items with their format.
a = array.array("i", [1, -2, 3, 4])
am = memoryview(a)
print(attrs(am), am.tolist(), am[1], am[-1], am[1:3].tolist())
am[0] = 100
print(a, am.tobytes() == a.tobytes())
attempt("array set str", lambda: am.__setitem__(0, "x"))
attempt("array set big", lambda: am.__setitem__(0, 2**40))
d = memoryview(array.array("d", [1.5, -0.25]))
print(d.format, d.itemsize, d.tolist(), d[0])
d[1] = 7
print(d.tolist())
attempt("float set str", lambda: d.__setitem__(0, "x"))
for code in "bBhHiIlLqQfd":
    mv = memoryview(array.array(code, [1, 2, 3]))
    print(code, mv.format, mv.itemsize, mv.nbytes, mv.tolist(), mv[2], mv.strides)
u = memoryview(array.array("u", "ab"))
print(u.format, u.itemsize, u.nbytes)
attempt("u tolist", u.tolist)
attempt("u item", lambda: u[0])

# Comparison
print(memoryview(b"abc") == b"abc", memoryview(b"abc") == bytearray(b"abc"))
print(memoryview(b"abc") == memoryview(b"abc"), memoryview(b"abc") != b"abd")
print(memoryview(b"abc") == "abc", memoryview(b"abc") == 5, b"abc" == memoryview(b"abc"))
print(memoryview(array.array("B", [1, 2])) == memoryview(array.array("i", [1, 2])))
print(memoryview(array.array("d", [1.0])) == memoryview(array.array("b", [1])))
nan = memoryview(array.array("d", [float("nan")]))
print(nan == nan, nan.tolist() == nan.tolist())
print(memoryview(b"ab") == memoryview(b"abc"), memoryview(b"ab")[::-1] == b"ba")
attempt("lt", lambda: memoryview(b"a") < memoryview(b"b"))

# Hashing
print(hash(memoryview(b"abc")) == hash(b"abc"), hash(memoryview(b"xabc")[1:]) == hash(b"abc"))
attempt("hash writable", lambda: hash(memoryview(bytearray(b"x"))))
attempt("hash readonly array", lambda: hash(memoryview(array.array("i", [1])).toreadonly()))
attempt("hash ro bytearray", lambda: hash(memoryview(bytearray(b"q")).toreadonly()))
print({memoryview(b"k"): 1}[b"k"] if False else len({memoryview(b"k"), memoryview(b"k")}))

# toreadonly
r = memoryview(bytearray(b"ro")).toreadonly()
print(r.readonly, r.tobytes())
attempt("set ro", lambda: r.__setitem__(0, 1))

# tobytes order, tolist, hex
print(memoryview(b"abcd").tobytes("C"), memoryview(b"abcd").tobytes("F"), memoryview(b"abcd").tobytes("A"))
print(memoryview(b"abcd").tobytes(None))
attempt("tobytes order", lambda: memoryview(b"ab").tobytes("X"))
print(memoryview(b"").tolist(), memoryview(b"").tobytes(), memoryview(b"").hex())

# release and the context manager
ba = bytearray(b"data")
with memoryview(ba) as cm:
    print(cm.tobytes(), cm.readonly)
r = repr(cm)
print(r.startswith("<released memory at 0x") and r.endswith(">") and int(r[22:-1], 16) == id(cm))
for name, f in [("tobytes", cm.tobytes), ("tolist", cm.tolist), ("len", lambda: len(cm)),
                ("item", lambda: cm[0]), ("format", lambda: cm.format), ("nbytes", lambda: cm.nbytes),
                ("shape", lambda: cm.shape), ("obj", lambda: cm.obj), ("hash", lambda: hash(cm)),
                ("cast", lambda: cm.cast("b")), ("hex", cm.hex),
                ("slice", lambda: cm[0:1]), ("enter", lambda: cm.__enter__()),
                ("readonly", lambda: cm.readonly), ("eq", lambda: cm == cm), ("eq other", lambda: cm == b"data"),
                ("toreadonly", cm.toreadonly), ("memoryview of", lambda: memoryview(cm)),
                ("bytes of", lambda: bytes(cm))]:
    attempt("released " + name, f)
cm.release()
print("double release ok")
ba.append(33)
print(ba)
m1 = memoryview(ba)
m2 = m1[1:]
m1.release()
attempt("resize held by slice", lambda: ba.append(1))
m2.release()
ba.append(1)
print(ba)
live = memoryview(b"x")
r = repr(live)
print(r.startswith("<memory at 0x") and r.endswith(">") and int(r[13:-1], 16) == id(live))

# Construction
attempt("no args", lambda: memoryview())
attempt("int", lambda: memoryview(1))
attempt("str", lambda: memoryview("abc"))
attempt("list", lambda: memoryview([1, 2]))
attempt("kw", lambda: memoryview(object=b"kw").tobytes())
attempt("bad kw", lambda: memoryview(obj=b"kw"))
mm = memoryview(b"abc")
print(memoryview(mm).tobytes(), memoryview(mm).obj is mm.obj)
attempt("subclass", lambda: type("M", (memoryview,), {}))
attempt("len 0-dim", lambda: len(memoryview(b"a").cast("B", ())))
z = memoryview(b"a").cast("B", ())
print(z.ndim, z.shape, z.strides, z.tolist(), z[()], z[...] is z)
attempt("0-dim index", lambda: z[0])
attempt("0-dim iter", lambda: list(z))
