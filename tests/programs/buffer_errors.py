# The buffer protocol's errors and its consumers: exports pin a bytearray's or an
# array's size (BufferError), release lets it resize again, every "bytes-like object"
# consumer takes bytearray, memoryview and array.array, writable consumers refuse
# read-only buffers, and non-contiguous views are refused where CPython refuses them.
import array
import binascii
import _md5
import _sha256
import _struct as struct
import io
import os
import zlib


def attempt(label, f):
    try:
        r = f()
        if isinstance(r, memoryview):
            r = ("memoryview", r.tolist())
        print(label, repr(r))
    except Exception as e:
        print(label, type(e).__name__, e)


ba = bytearray(b"pinned")
m = memoryview(ba)
for name, f in [
    ("append", lambda: ba.append(1)),
    ("extend", lambda: ba.extend(b"xy")),
    ("extend empty", lambda: ba.extend(b"")),
    ("insert", lambda: ba.insert(0, 1)),
    ("pop", lambda: ba.pop()),
    ("remove", lambda: ba.remove(ord("p"))),
    ("clear", lambda: ba.clear()),
    ("iadd", lambda: ba.__iadd__(b"z")),
    ("iadd empty", lambda: ba.__iadd__(b"")),
    ("imul", lambda: ba.__imul__(2)),
    ("imul 1", lambda: ba.__imul__(1)),
    ("del item", lambda: ba.__delitem__(0)),
    ("del slice", lambda: ba.__delitem__(slice(0, 2))),
    ("del ext slice", lambda: ba.__delitem__(slice(0, 4, 2))),
    ("del empty slice", lambda: ba.__delitem__(slice(3, 3))),
    ("grow slice", lambda: ba.__setitem__(slice(0, 1), b"abc")),
    ("shrink slice", lambda: ba.__setitem__(slice(0, 3), b"a")),
    ("same size slice", lambda: ba.__setitem__(slice(0, 2), b"PI")),
    ("ext slice", lambda: ba.__setitem__(slice(0, 6, 2), b"123")),
    ("item", lambda: ba.__setitem__(5, ord("D"))),
    ("reverse", lambda: ba.reverse()),
    ("init", lambda: ba.__init__(b"new")),
]:
    attempt(name, f)
    print("  ", ba, m.tobytes())
m.release()
ba.extend(b"!")
print(ba)

# array.array has its own message
a = array.array("h", [1, 2, 3])
am = memoryview(a)
for name, f in [
    ("append", lambda: a.append(4)),
    ("extend", lambda: a.extend([4])),
    ("pop", lambda: a.pop()),
    ("insert", lambda: a.insert(0, 1)),
    ("remove", lambda: a.remove(1)),
    ("frombytes", lambda: a.frombytes(b"\x00\x00")),
    ("fromlist", lambda: a.fromlist([1])),
    ("iadd", lambda: a.__iadd__(array.array("h", [9]))),
    ("imul", lambda: a.__imul__(2)),
    ("del", lambda: a.__delitem__(0)),
    ("slice", lambda: a.__setitem__(slice(0, 1), array.array("h", [7, 7]))),
    ("same slice", lambda: a.__setitem__(slice(0, 1), array.array("h", [7]))),
    ("byteswap", a.byteswap),
    ("reverse", a.reverse),
    ("item", lambda: a.__setitem__(0, 5)),
]:
    attempt(name, f)
    print("  ", a, am.tolist())
del am
a.append(10)
print(a)

# Views of views pin the same memory; releasing them in turn frees it.
b2 = bytearray(b"abcd")
v1 = memoryview(b2)
v2 = memoryview(v1)
v3 = v2[1:3]
v1.release()
v2.release()
attempt("still pinned", lambda: b2.append(1))
v3.release()
attempt("freed", lambda: b2.append(1))
print(b2)

# Consumers of bytes-like objects
payloads = [b"data", bytearray(b"data"), memoryview(b"data"), array.array("B", b"data"),
            memoryview(bytearray(b"xdatax"))[1:5]]
for p in payloads:
    name = type(p).__name__
    print(name, bytes(p), b"".join([p, p]), b"+" + p if not isinstance(p, array.array) else None,
          _sha256.sha256(p).hexdigest()[:12], zlib.crc32(p), binascii.hexlify(p),
          int.from_bytes(p, "big"), str(p, "ascii") if not isinstance(p, array.array) else None,
          struct.unpack("4s", p), zlib.decompress(zlib.compress(p)), bytearray(p),
          array.array("B", p).tolist()[:2], p == b"data")

path = "buffer_errors.tmp"
try:
    with open(path, "wb") as f:
        for p in payloads:
            print(f.write(p), end=" ")
        print()
    with open(path, "ab", buffering=0) as raw_out:
        fd = raw_out.fileno()
        print(os.write(fd, bytearray(b"OS")), os.write(fd, memoryview(b"-mv")))
    with open(path, "rb") as f:
        print(f.read())
    # readinto writable buffers
    with open(path, "rb") as f:
        buf = bytearray(6)
        print(f.readinto(buf), buf)
        mv = memoryview(bytearray(4))
        print(f.readinto(mv), mv.tobytes())
        arr = array.array("b", [0, 0])
        print(f.readinto(arr), arr)
        attempt("readinto bytes", lambda: f.readinto(b"1234"))
        attempt("readinto readonly view", lambda: f.readinto(memoryview(b"1234")))
    with open(path, "rb", buffering=0) as f:
        raw = bytearray(3)
        print(f.readinto(raw), raw)
    with open(path, "rb") as f:
        one = bytearray(5)
        print(f.readinto1(one), one)
    with open(path, "wb") as f:
        attempt("readinto write-only", lambda: f.readinto(bytearray(1)))
    f.close()
    attempt("readinto closed", lambda: f.readinto(bytearray(1)))
finally:
    os.remove(path)

bio = io.BytesIO(b"0123456789")
t = bytearray(4)
print(bio.readinto(t), t, bio.readinto(memoryview(t)[1:3]), t)

# struct.pack_into / unpack_from
target = bytearray(8)
struct.pack_into("<hI", target, 1, -2, 7)
print(target, struct.unpack_from("<hI", target, 1), struct.unpack_from("<h", memoryview(target), 1))
tm = memoryview(bytearray(4))
struct.pack_into("<i", tm, 0, 258)
print(tm.tobytes())
attempt("pack_into bytes", lambda: struct.pack_into("b", b"x", 0, 1))
attempt("pack_into readonly", lambda: struct.pack_into("b", memoryview(b"x"), 0, 1))
attempt("pack_into str", lambda: struct.pack_into("b", "x", 0, 1))
st = struct.Struct("<H")
st.pack_into(target, 0, 0xBEEF)
print(target[:2], st.unpack(memoryview(target)[:2]), st.unpack_from(bytearray(b"\x01\x02")))

# Non-contiguous views
nc = memoryview(b"abcdef")[::2]
attempt("bytes(noncontig)", lambda: bytes(nc))
attempt("bytearray(noncontig)", lambda: bytearray(nc))
attempt("join noncontig", lambda: b"".join([nc]))
attempt("concat noncontig", lambda: b"x" + nc)
attempt("hash noncontig", lambda: _md5.md5(nc).hexdigest())
attempt("decode noncontig", lambda: str(nc, "ascii"))
attempt("find noncontig", lambda: b"ace".find(nc))
attempt("tobytes noncontig", nc.tobytes)
attempt("eq noncontig", lambda: nc == b"ace")

# Type errors of consumers
attempt("bytes of str view", lambda: memoryview("str"))
attempt("hash str", lambda: _sha256.sha256("text"))
attempt("join int", lambda: b"".join([b"a", 1]))
attempt("concat list", lambda: b"a" + [1])
attempt("crc str", lambda: zlib.crc32("x"))
attempt("hexlify int", lambda: binascii.hexlify(5))
attempt("from_bytes str", lambda: int.from_bytes("ab", "big"))
attempt("str list", lambda: str([1], "ascii"))
attempt("decode bytes-like int", lambda: str(5, "ascii"))
attempt("file write str", lambda: io.BytesIO().write("s"))
attempt("unpack short", lambda: struct.unpack("i", bytearray(b"ab")))
