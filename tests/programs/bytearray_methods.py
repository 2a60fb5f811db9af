# The methods bytearray shares with bytes: each is called on bytes and on bytearray
# with the same arguments (buffers of every kind among them), printing the result and
# its type, or the error.


def show(label, f):
    try:
        r = f()
        print(label, type(r).__name__, repr(r))
    except Exception as e:
        print(label, type(e).__name__, e)


cases = [
    ("capitalize", b"hello World", ()),
    ("center", b"mid", (9, b"*")),
    ("center", b"mid", (2,)),
    ("count", b"banana", (b"a",)),
    ("count", b"banana", (bytearray(b"an"), 2)),
    ("count", b"banana", (97,)),
    ("decode", b"caf\xc3\xa9", ()),
    ("decode", b"caf\xe9", ("utf-8", "replace")),
    ("decode", b"abc", ("ascii",)),
    ("endswith", b"file.py", (b".py",)),
    ("endswith", b"file.py", ((b".c", bytearray(b".py")),)),
    ("endswith", b"file.py", ("py",)),
    ("expandtabs", b"a\tb\tc", (4,)),
    ("find", b"hello", (b"l",)),
    ("find", b"hello", (memoryview(b"lo"),)),
    ("find", b"hello", (108, 3)),
    ("find", b"hello", ("l",)),
    ("hex", b"\x01\xab\xff", ()),
    ("hex", b"\x01\xab\xff", (":",)),
    ("hex", b"\x01\xab\xff\x00", (b"-", 2)),
    ("index", b"hello", (b"e",)),
    ("index", b"hello", (b"z",)),
    ("isalnum", b"abc123", ()),
    ("isalpha", b"abc", ()),
    ("isascii", b"\x80", ()),
    ("isdigit", b"123", ()),
    ("islower", b"abc", ()),
    ("isspace", b" \t\n", ()),
    ("istitle", b"Hello World", ()),
    ("isupper", b"ABC", ()),
    ("join", b", ", ([b"a", bytearray(b"b"), memoryview(b"c")],)),
    ("join", b", ", ([b"a", "b"],)),
    ("ljust", b"ab", (5, b"-")),
    ("lower", b"MiXeD", ()),
    ("lstrip", b"  xx  ", ()),
    ("lstrip", b"xxhixx", (bytearray(b"x"),)),
    ("partition", b"key=value", (b"=",)),
    ("partition", b"key", (b"=",)),
    ("removeprefix", b"prefix-rest", (b"prefix-",)),
    ("removeprefix", b"rest", (b"prefix-",)),
    ("removesuffix", b"rest.txt", (memoryview(b".txt"),)),
    ("replace", b"aaa", (b"a", b"bb")),
    ("replace", b"aaa", (b"a", bytearray(b"b"), 2)),
    ("replace", b"abc", (b"", b"-")),
    ("rfind", b"hello", (b"l",)),
    ("rindex", b"hello", (b"l",)),
    ("rindex", b"hello", (b"q",)),
    ("rjust", b"ab", (5,)),
    ("rpartition", b"a.b.c", (b".",)),
    ("rpartition", b"abc", (b".",)),
    ("rsplit", b"a b  c", ()),
    ("rsplit", b"a,b,c", (b",", 1)),
    ("rstrip", b"xx  ", ()),
    ("split", b"a b  c", ()),
    ("split", b"a,b,,c", (b",",)),
    ("split", b"a,b,c", (bytearray(b","), 1)),
    ("split", b"a,b", (b"",)),
    ("splitlines", b"a\nb\r\nc", ()),
    ("splitlines", b"a\nb\r\nc", (True,)),
    ("startswith", b"hello", (b"he",)),
    ("startswith", b"hello", (b"l", 2)),
    ("strip", b"  mid  ", ()),
    ("strip", b"xymidyx", (b"xy",)),
    ("swapcase", b"AbC", ()),
    ("title", b"hello world", ()),
    ("translate", b"abc", (bytearray(bytes.maketrans(b"abc", b"xyz")),)),
    ("translate", b"abc", (None, b"b")),
    ("translate", b"abc", (b"short",)),
    ("upper", b"abc", ()),
    ("zfill", b"-42", (6,)),
    ("zfill", b"42", (1,)),
]

for name, data, args in cases:
    for t in (bytes, bytearray):
        shown = tuple("mv" if isinstance(a, memoryview) else a for a in args)
        shown = tuple([("mv" if isinstance(x, memoryview) else x) for x in a] if isinstance(a, list) else a for a in shown)
        show(f"{t.__name__}.{name}{shown!r}", lambda: getattr(t(data), name)(*args))

# Results are always new objects for bytearray, even when unchanged.
b = bytearray(b"same")
for name, args in [("ljust", (2,)), ("strip", ()), ("replace", (b"x", b"y")), ("zfill", (1,))]:
    r = getattr(b, name)(*args)
    print(name, r is b, r == b)

# Class and static methods
print(bytearray.fromhex("de ad be ef"), bytes.fromhex("00ff"))
show("fromhex bad", lambda: bytearray.fromhex("zz"))
show("fromhex odd", lambda: bytearray.fromhex("abc"))
show("fromhex int", lambda: bytearray.fromhex(12))


class Sub(bytearray):
    pass


print(type(Sub.fromhex("41")).__name__, Sub.fromhex("41"))
print(bytearray.maketrans(b"ab", bytearray(b"cd"))[97:99])
print(bytearray(b"\x00\x10").hex(), bytearray(b"abcdef").hex(" ", -2))

# Methods run on a snapshot: arguments may be the receiver itself.
b = bytearray(b"abab")
print(b.replace(b, b"X"), b.split(b), b.count(b), b.find(b), b in b)
b.extend(b)
print(b)
b[2:] = b
print(b)
try:
    b += b
except BufferError as e:
    print("iadd self", e)
print(b)

# Descriptor checks
show("bytes method on bytearray", lambda: bytes.upper(bytearray(b"a")))
show("bytearray method on bytes", lambda: bytearray.upper(b"a"))
show("unbound", lambda: bytearray.append())
