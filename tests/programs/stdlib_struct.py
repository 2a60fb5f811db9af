# _struct: every format code and byte order, the Struct type, iter_unpack, and
# CPython 3.11's errors (including the messages that differ by byte order).
import _struct as struct


def show(f, *a, **k):
    try:
        r = f(*a, **k)
        print("ok", repr(r))
    except Exception as e:
        print(type(e).__name__, e)


# Sizes and alignment.
for fmt in ["", "x", "c", "b", "B", "?", "h", "H", "i", "I", "l", "L", "q", "Q",
            "n", "N", "e", "f", "d", "P", "5s", "5p", "3x", "bi", "ib", "bq", "bd",
            "@bh", "=bh", "<bq", ">bq", "!bq", "bxh", "cHc", "0i", "b0i", "i 2h  c",
            "10s3p", "<l", "@l", "=L", "<e", b"hh"]:
    print(repr(fmt), struct.calcsize(fmt))

# Round trips in every byte order.
ints = {"b": [-128, 0, 127], "B": [0, 255], "h": [-32768, 1, 32767], "H": [0, 65535],
        "i": [-2**31, 2**31 - 1], "I": [0, 2**32 - 1], "l": [-2**31, 2**31 - 1],
        "L": [0, 2**32 - 1], "q": [-2**63, 2**63 - 1], "Q": [0, 2**64 - 1]}
for order in "@=<>!":
    for code, values in ints.items():
        for v in values:
            if order == "@" and code in "lL":
                continue
            packed = struct.pack(order + code, v)
            print(order + code, v, packed, struct.unpack(order + code, packed))
for code in "nN":
    for v in (0, 5, 2**40):
        p = struct.pack(code, v)
        print(code, p, struct.unpack(code, p))
print(struct.unpack("P", struct.pack("P", 12345)))
print(struct.pack("P", -1))

for order in "@<>":
    for v in (0.0, -0.0, 1.5, -2.25, 1e-5, 3.4e38, float("inf"), float("-inf"), 65504.0,
              6e-8, 1e-300):
        for code in "efd":
            try:
                p = struct.pack(order + code, v)
                print(order + code, v, p, struct.unpack(order + code, p))
            except OverflowError as e:
                print(order + code, v, "OverflowError", e)
print(struct.pack(">e", float("nan")), struct.pack(">e", float("-nan")))
print(struct.unpack("<e", b"\x00\x7c"), struct.unpack("<e", b"\x00\xfc"))
x = struct.unpack("<e", b"\x01\x7c")[0]
print(x != x)
print(struct.pack("e", 1.0 + 1 / 2048), struct.pack("e", 1.0 + 3 / 2048))
print(struct.pack("f", 1e300), struct.pack("f", 0.1), struct.pack("d", 0.1))

# Bools, chars, strings.
print(struct.pack("???", 0, 1, []), struct.pack("?", "x"), struct.unpack("??", b"\x00\x05"))
print(struct.pack("cc", b"a", b"\xff"), struct.unpack("2c", b"xy"))
print(struct.pack("5s", b"ab"), struct.pack("2s", b"abcdef"), struct.pack("0s", b"abc"))
print(struct.unpack("3s2s", b"abcde"))
print(struct.pack("5p", b"ab"), struct.pack("3p", b"abcdef"), struct.pack("1p", b"abc"))
print(struct.unpack("5p", b"\x02abcd"), struct.unpack("3p", b"\x09abc"[:3]))
print(struct.pack("300p", b"a" * 300)[:3], len(struct.pack("300p", b"a" * 300)))
print(struct.pack("<hxxi", 1, 2), struct.pack("@bi", 1, 2), struct.pack("bxh", 1, 2))


class Idx:
    def __index__(self):
        return 7


class Flt:
    def __float__(self):
        return 2.5


print(struct.pack("b", True), struct.pack("<Q", Idx()), struct.pack("d", Flt()),
      struct.pack("f", Idx()), struct.pack("d", 3))

# Integer range errors: messages depend on code, size and byte order.
for order in "@=<>":
    for code in "bBhHiIlLqQnN":
        if order != "@" and code in "nN":
            continue
        size = struct.calcsize(order + code)
        signed = code.islower()
        lo = -(1 << (8 * size - 1)) if signed else 0
        hi = (1 << (8 * size - 1)) - 1 if signed else (1 << 8 * size) - 1
        for v in (lo - 1, hi + 1, 2**100, -2**100):
            print(order + code, end=" ")
            show(struct.pack, order + code, v)
show(struct.pack, "P", 2**64)

# Other pack errors.
show(struct.pack, "b", "x")
show(struct.pack, "<q", 2.5)
show(struct.pack, "i", None)
show(struct.pack, "f", "x")
show(struct.pack, "f", 10**400)
show(struct.pack, "<f", 1e300)
show(struct.pack, "<f", 10**300)
show(struct.pack, "=f", 1e300)
show(struct.pack, "e", 70000.0)
show(struct.pack, "c", b"ab")
show(struct.pack, "c", "a")
show(struct.pack, "s", 1)
show(struct.pack, "p", "x")
show(struct.pack, "ii", 1)
show(struct.pack, "i", 1, 2)
show(struct.pack, "x", 1)
show(struct.pack)
show(struct.pack, 5)
show(struct.pack, "i", x=1)

# Format errors.
for bad in ["z", "3", "<P", "<n", "3 i", "i\0", "9999999999999999999",
            "999999999999999999i", "é"]:
    show(struct.calcsize, bad)
show(struct.calcsize)
show(struct.calcsize, "i", "i")
show(struct.calcsize, 5)

# Unpacking.
show(struct.unpack, "ii", b"1234")
show(struct.unpack, "i", "abcd")
show(struct.unpack)
show(struct.unpack, "i", b"1234", 3)
show(struct.unpack_from, "i", b"12345", 1)
show(struct.unpack_from, "i", b"12345", offset=1)
show(struct.unpack_from, "i", buffer=b"1234")
show(struct.unpack_from, "i", b"12345", 3)
show(struct.unpack_from, "i", b"12345", -3)
show(struct.unpack_from, "i", b"12345", -4)
show(struct.unpack_from, "i", b"12345", 9)
show(struct.unpack_from, "i", b"12345", -9)
show(struct.unpack_from, "i", b"12345", "a")
show(struct.unpack_from, "i")
show(struct.pack_into, "i", bytes(8), 0, 1)
show(struct.pack_into, "i")
show(struct.pack_into, "i", b"")
show(struct.pack_into)

# iter_unpack.
it = struct.iter_unpack("<hb", b"\x01\x00\x02\x03\x00\x04")
print(type(it).__name__, it.__length_hint__(), next(it), it.__length_hint__(), list(it))
show(struct.iter_unpack, "i", b"12345")
show(struct.iter_unpack, "", b"12345")
show(struct.iter_unpack, "i")
show(lambda: type(it)())

# The Struct type.
s = struct.Struct("<hi")
print(s.format, s.size, s.pack(1, 2), s.unpack(b"\x01\x00\x02\x00\x00\x00"))
print(s.unpack_from(b"xx\x01\x00\x02\x00\x00\x00", 2), s.unpack_from(buffer=bytes(6)))
print(list(s.iter_unpack(bytes(12))))
print(struct.Struct(b"=q").format, struct.Struct("3s").unpack(b"abc"))
show(s.pack, 1)
show(s.unpack, b"")
show(s.unpack_from, b"", 2)
show(s.pack_into, b"")
show(s.pack_into, b"", 0, 1, 2)
show(struct.Struct)
show(struct.Struct, "i", "x")
show(struct.Struct, 5)
show(struct.Struct, "é")
show(struct.Struct, "z")
s.__init__("q")
print(s.format, s.size)
show(setattr, s, "size", 3)
show(setattr, s, "format", "i")
print(struct.Struct.__name__, struct.Struct.__module__, struct.error.__module__,
      issubclass(struct.error, Exception))


class S(struct.Struct):
    def twice(self, v):
        return self.pack(v) * 2


t = S(">H")
print(t.twice(258), t.size, isinstance(t, struct.Struct))
show(lambda: t.missing)

try:
    struct.pack("b", 1000)
except struct.error as e:
    print("caught", type(e).__name__, e.args)
struct._clearcache()
print(struct.calcsize("ii"))
