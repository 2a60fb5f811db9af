# bytes: literals, decode, hex/fromhex, methods, slicing/indexing, comparisons, errors.
b = b"Hello, World"
print(b, b[0], b[-1], b[1:5], b[::-1], b[::3], len(b), b.lower(), b.upper(), list(b[:3]), bytes(3), bytes([65, 66]), bytes("é", "utf-8"))
print(b.find(b"o"), b.rfind(b"o"), b.find(b"zz"), b.index(b"W"), b.count(b"l"), b.startswith(b"He"), b.endswith((b"x", b"ld")), b"o" in b, 111 in b)
print(b.split(b", "), b"a b  c".split(), b"a,b,,c".split(b","), b"  x  ".strip(), b"xxaxx".strip(b"x"), b"a-b-c".rsplit(b"-", 1), b"ab\ncd\r\n".splitlines())
print(b.replace(b"l", b"L"), b.replace(b"l", b"", 2), b"-".join([b"a", b"b"]), b.partition(b", "), b.rpartition(b"o"), b"ab" * 3, b"a" + b"b")
print(b.hex(), b"\x00\xff".hex(), b"\xde\xad\xbe\xef".hex("-"), b"abc".hex(":", 2) if True else "", bytes.fromhex("de ad be ef"), bytes.fromhex(""))
print(b"caf\xc3\xa9".decode(), b"caf\xc3\xa9".decode("utf-8"), b"abc".decode("ascii"), b"\xe9".decode("latin-1"), b"\xff\xfe".decode("utf-8", "replace"))
print(b"abc" == b"abc", b"abc" < b"abd", b"ab" < b"abc", b"" < b"\x00", b"a" != "a", b"\x80" > b"\x7f")
print(b"abc".isalpha(), b"123".isdigit(), b"ab1".isalnum(), b"  ".isspace(), b"Ab".istitle(), b"AB".isupper(), b"ab".islower(), b"hello world".title(), b"hello".capitalize(), b"aBc".swapcase())
print(b"42".zfill(5), b"ab".center(6, b"*"), b"ab".ljust(4), b"ab".rjust(4, b"0"), b"a\tb".expandtabs(4), b"abc".removeprefix(b"a"), b"abc".removesuffix(b"c"))
print(repr(b"\x00\t\n\r'\"\\\x7f\x80"), repr(b"it's"), repr(b'say "x"'), str(b"x"), bytes(b"copy"), bytes(range(5)), bytes((1, 2)))
print(hash(b"abc") == hash(b"abc"), {b"k": 1}[b"k"], sorted([b"b", b"a", b"ab"]), b"abc".translate(bytes.maketrans(b"abc", b"xyz")), bytes.maketrans(b"a", b"b")[97])
for bad in (lambda: b"a" + "b", lambda: b[20], lambda: bytes([256]), lambda: bytes([-1]), lambda: bytes("x"), lambda: b"x".decode("nope"),
            lambda: bytes.fromhex("zz"), lambda: b"ab".index(b"z"), lambda: b"\xff".decode(), lambda: "a" in b, lambda: b"x"[0:1].__setitem__(0, 1),
            lambda: bytes(-1), lambda: b"a" < "b", lambda: b"abc".split(b""), lambda: b"abc".join([b"x", "y"])):
    try:
        print(bad())
    except Exception as e:
        print(type(e).__name__, e)
it = iter(b"hi")
print(next(it), next(it), [x for x in b"AZ"], bytes(x + 1 for x in b"HAL"), b"%s-%d" % (b"x", 5), b"%05.1f" % 3.14159)
print(b"%s|%5s|%-4b|%r|%a|%c|%c|%x" % (b"ab", b"c", b"d", b"e", "é", 65, b"z", 255))
print(b"%(k)s-%(n)d" % {b"k": b"v", b"n": 3})
for bad in (lambda: b"%s" % "x", lambda: b"%c" % 300, lambda: b"%c" % b"ab", lambda: b"%f" % b"x", lambda: b"%d" % (1, 2)):
    try: bad()
    except Exception as e: print(type(e).__name__, e)
print(b"a b c ".rsplit(None, 1), b"  a b c".rsplit(), b"a,b,c".rsplit(b","), b"abc".find(b"", 4), b"abc".find(b"", 3), b"abc".count(b"", 2, 1), b"abc".startswith(b"", 4), b"abc".rindex(b"c"))
print(b"abcdef".hex(":", -4), b"abcdef".hex(b"-", 4), b"".hex(":"), b"a b".split(None, 1), b"ab".center(5), b"ab".center(5, b"x"))
try: b"ab".center(5, "x")
except TypeError as e: print(e)
print(b"abc".translate(None, b"b"), bytes.maketrans(b"", b"")[:3], b"abc".upper().title())
