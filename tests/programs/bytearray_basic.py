# bytearray: construction, repr, sequence protocol, item and slice assignment and
# deletion (extended slices too), the mutating methods, += and *=, comparisons with
# bytes and other buffers, hashing, iteration, copying and pickling support.


def attempt(label, f):
    try:
        print(label, repr(f()))
    except Exception as e:
        print(label, type(e).__name__, e)


# Construction
print(bytearray(), bytearray(b"abc"), bytearray(3), bytearray([1, 2, 255]))
print(bytearray("h\xe9llo", "utf-8"), bytearray("abc", "ascii", "strict"))
print(bytearray("h\xe9", "ascii", "replace"), bytearray("h\xe9", encoding="latin-1"))
print(bytearray(range(5)), bytearray(iter([65, 66])), bytearray((x for x in b"xyz")))
print(bytearray(bytearray(b"copy")), bytearray(memoryview(b"view")))
print(bytearray(source=b"kw"), bytearray(b"") == bytearray())
attempt("str no enc", lambda: bytearray("abc"))
attempt("enc no str", lambda: bytearray(b"abc", "utf-8"))
attempt("errors no str", lambda: bytearray(1, errors="strict"))
attempt("enc no src", lambda: bytearray(encoding="utf-8"))
attempt("negative", lambda: bytearray(-1))
attempt("float", lambda: bytearray(1.5))
attempt("big item", lambda: bytearray([256]))
attempt("neg item", lambda: bytearray([-1]))
attempt("str item", lambda: bytearray(["a"]))
attempt("bad enc", lambda: bytearray("x", "no-such-codec"))
attempt("enc type", lambda: bytearray("x", 5))
attempt("encode err", lambda: bytearray("\xe9", "ascii"))
attempt("none", lambda: bytearray(None))
attempt("too many", lambda: bytearray(b"a", "b", "c", "d"))


class Idx:
    def __index__(self):
        return 4


print(bytearray(Idx()))

# repr and str
print(repr(bytearray(b"a'b\"c\n\x00\xff")), str(bytearray(b"q")))


class Sub(bytearray):
    pass


s = Sub(b"sub")
print(repr(s), type(s).__name__, isinstance(s, bytearray), s == b"sub")
print(type(s + b"x").__name__, type(s[0:1]).__name__, type(s.copy()).__name__)

# Sequence protocol
b = bytearray(b"hello world")
print(len(b), b[0], b[-1], b[1:4], b[::2], b[::-1], b[100:], b[-3:])
attempt("index out", lambda: b[11])
attempt("index str", lambda: b["x"])
attempt("index float", lambda: b[1.0])
print(111 in b, b"wor" in b, bytearray(b"lo w") in b, 300 in b if False else None)
attempt("in 300", lambda: 300 in b)
attempt("in str", lambda: "h" in b)
print(list(b[:3]), [x for x in bytearray(b"ab")], bool(bytearray()), bool(b))
it = iter(bytearray(b"xy"))
print(type(it).__name__, next(it), next(it), next(it, "end"))

# Item and slice assignment
b = bytearray(b"0123456789")
b[0] = 65
b[-1] = 0x5A
print(b)
attempt("set big", lambda: b.__setitem__(0, 256))
attempt("set neg", lambda: b.__setitem__(0, -1))
attempt("set str", lambda: b.__setitem__(0, "a"))
attempt("set out", lambda: b.__setitem__(10, 1))
b[1:3] = b"xyz"
print(b)
b[1:4] = b""
print(b)
b[0:0] = [97, 98]
print(b)
b[2:4] = bytearray(b"QQ")
print(b)
b[::2] = b"_____"[: len(b[::2])]
print(b)
b[5:] = memoryview(b"mv")
print(b)
attempt("ext size", lambda: b.__setitem__(slice(None, None, 2), b"12"))
attempt("slice int", lambda: b.__setitem__(slice(0, 2), 5))
attempt("slice str", lambda: b.__setitem__(slice(0, 2), "ab"))
attempt("slice bad item", lambda: b.__setitem__(slice(0, 2), [1, 300]))
b = bytearray(b"abcdef")
b[1:3] = range(65, 70)
print(b)
b[::-2] = b"123"[: len(b[::-2])] + b"" if len(b[::-2]) == 3 else b[::-2]
print(b)
b = bytearray(b"abcdefgh")
b[2:6:3] = b"XY"
print(b)
b[6:2] = b"ins"
print(b)
b[:] = b[::-1]
print(b)

# Deletion
b = bytearray(b"0123456789")
del b[0]
del b[-1]
print(b)
del b[::2]
print(b)
del b[1:3]
print(b)
del b[::-1]
print(b)
b = bytearray(b"abcdefghij")
del b[8:1:-3]
print(b)
attempt("del out", lambda: b.__delitem__(99))

# Mutating methods
b = bytearray(b"abc")
b.append(100)
b.append(Idx())
b.extend(b"xy")
b.extend([1, 2])
b.extend(bytearray(b"!"))
b.extend(x for x in range(3))
b.extend(memoryview(b"mv"))
print(b)
attempt("append big", lambda: b.append(256))
attempt("append str", lambda: b.append("a"))
attempt("append none", lambda: b.append(None))
attempt("extend str", lambda: b.extend("abc"))
attempt("extend int", lambda: b.extend(5))
attempt("extend bad", lambda: b.extend([1, 256]))
print(b)
b = bytearray(b"abc")
b.insert(0, 48)
b.insert(100, 49)
b.insert(-1, 50)
b.insert(-100, 51)
print(b)
attempt("insert big", lambda: b.insert(0, 999))
print(b.pop(), b.pop(0), b.pop(-2), b)
attempt("pop out", lambda: b.pop(10))
attempt("pop empty", lambda: bytearray().pop())
b = bytearray(b"abcabc")
b.remove(98)
print(b)
attempt("remove missing", lambda: b.remove(120))
attempt("remove big", lambda: b.remove(300))
attempt("remove str", lambda: b.remove("a"))
b.reverse()
print(b)
c = b.copy()
b.clear()
print(b, c, c is not b)

# += and *=
b = bytearray(b"ab")
alias = b
b += b"cd"
b += bytearray(b"ef")
b += memoryview(b"gh")
print(b, alias is b)
b *= 2
print(b, alias is b)
b *= 0
print(b, alias is b)
attempt("iadd str", lambda: bytearray().__iadd__("x"))
x = bytearray(b"q")
try:
    x += 5
except TypeError as e:
    print("iadd int", e)
try:
    x *= "a"
except TypeError as e:
    print("imul str", e)

# + and *
print(bytearray(b"a") + b"b", b"a" + bytearray(b"b"), bytearray(b"a") + memoryview(b"m"))
print(bytearray(b"ab") * 3, 2 * bytearray(b"x"), bytearray(b"x") * -1)
attempt("add int", lambda: bytearray(b"a") + 1)
attempt("add str", lambda: bytearray(b"a") + "b")
attempt("radd str", lambda: "b" + bytearray(b"a"))
attempt("mul float", lambda: bytearray(b"a") * 1.5)
print(type(b"a" + bytearray(b"b")).__name__, type(bytearray(b"a") + b"b").__name__)

# Comparisons
print(bytearray(b"abc") == b"abc", b"abc" == bytearray(b"abc"), bytearray(b"a") != b"a")
print(bytearray(b"a") < b"b", b"a" < bytearray(b"b"), bytearray(b"b") >= bytearray(b"a"))
print(bytearray(b"abc") == memoryview(b"abc"), bytearray(b"abc") == "abc")
print(bytearray(b"ab") <= bytearray(b"ab"), bytearray(b"ab") > bytearray(b"a"))
attempt("lt str", lambda: bytearray(b"a") < "b")
attempt("lt int", lambda: bytearray(b"a") < 1)

# Hashing
attempt("hash", lambda: hash(bytearray(b"x")))
attempt("set member", lambda: {bytearray(b"x")})
attempt("dict key", lambda: {bytearray(b"x"): 1})

# __reduce__ / __reduce_ex__ (what copy and pickle use)


def rebuild(obj, proto):
    cls, args, state = obj.__reduce_ex__(proto)
    new = cls(*args)
    if state:
        new.__dict__.update(state)
    return new


print(rebuild(bytearray(b"cp"), 2), rebuild(bytearray(b"\xff\x00"), 4), rebuild(bytearray(), 4))
print(bytearray(b"ab").__reduce__(), bytearray(b"ab").__reduce_ex__(2))
print(bytearray(b"ab").__reduce_ex__(4))
s = Sub(b"xy")
s.attr = 1
print(s.__reduce_ex__(4))
s2 = rebuild(s, 4)
print(type(s2).__name__, s2, s2.attr)
attempt("reduce_ex str", lambda: s.__reduce_ex__("x"))

# __alloc__ follows CPython's growth policy
print(bytearray().__alloc__(), bytearray(b"abc").__alloc__(), bytearray(10).__alloc__())
g = bytearray()
allocs = []
for i in range(30):
    g.append(i)
    allocs.append(g.__alloc__())
print(allocs)

# __init__ re-initialises
b = bytearray(b"first")
b.__init__(b"second")
print(b)
b.__init__()
print(b)
b.__init__(3)
print(b)

# Formatting
print(bytearray(b"%d-%s-%r") % (1, b"x", b"y"), bytearray(b"%x") % 255)
print(b"%s" % bytearray(b"ba"), b"%b" % memoryview(b"mv"), bytearray(b"%c") % 65)
print(type(bytearray(b"%d") % 1).__name__)
attempt("mod str", lambda: bytearray(b"%s") % "str")

# Misc conversions
print(bytes(bytearray(b"to bytes")), int(bytearray(b"42")), float(bytearray(b"1.5")))
print(ord(bytearray(b"a")), list(bytearray(b"\x00\x01")), str(bytearray(b"abc"), "ascii"))
print(int.from_bytes(bytearray(b"\x01\x00"), "little"), bytearray(b"\xff").decode("latin-1"))
print(b"".join([bytearray(b"a"), b"b", memoryview(b"c")]), bytearray(b",").join([b"1", b"2"]))
print(type(bytearray(b",").join([b"1"])).__name__)
