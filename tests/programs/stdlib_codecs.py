# _codecs: the codec and error-handler registries, every codec function with
# built-in and custom error handlers, incremental (final=False) decoding, and
# CPython's errors.
import _codecs as c


def show(f, *a, **k):
    try:
        print("ok", repr(f(*a, **k)))
    except Exception as e:
        print(type(e).__name__, e)


print([c.lookup_error(n).__name__ for n in ("strict", "ignore", "replace", "backslashreplace",
                                            "xmlcharrefreplace", "namereplace",
                                            "surrogateescape", "surrogatepass")])

# UTF-8.
for data in [b"plain", b"caf\xc3\xa9", b"a\xe2\x82", b"a\xffb", b"\xf0\x9f\x98", b"\xed\xa0\x80x",
             b"\xc0\xaf", b"\xe2\x28\xa1", b"\xf4\x90\x80\x80"]:
    show(c.utf_8_decode, data)
    show(c.utf_8_decode, data, "strict", True)
    show(c.utf_8_decode, data, "replace", True)
    show(c.utf_8_decode, data, "ignore", True)
    show(c.utf_8_decode, data, "backslashreplace", True)
show(c.utf_8_encode, "h\xe9\u20ac\U0001f600")
show(c.utf_8_decode, "str input")
show(c.utf_8_decode, b"a\xffb", "bogus", True)
show(c.utf_8_encode, 5)

# ASCII and Latin-1.
# (strand's str holds no lone surrogates: surrogateescape is tried on encoding only.)
for errors in ("strict", "ignore", "replace", "backslashreplace", "xmlcharrefreplace",
               "namereplace", "surrogateescape"):
    show(c.ascii_encode, "a\xe9\u20acb\U0001f600", errors)
    show(c.latin_1_encode, "a\xe9\u20acb\U0001f600", errors)
    if errors != "surrogateescape":
        show(c.ascii_decode, b"a\xe9\xffb", errors)
print(c.latin_1_decode(b"\x00\xff\x80"), c.ascii_decode(b"abc"))

# Custom handlers.
seen = []


def mine(e):
    seen.append((type(e).__name__, e.start, e.end, e.reason))
    return ("<%d:%d>" % (e.start, e.end), e.end)


c.register_error("mine", mine)
print(c.lookup_error("mine") is mine)
show(c.ascii_encode, "a\xe9\xe9 b\u20ac", "mine")
show(c.utf_8_decode, b"a\xff\xfeb\xe2\x82", "mine", True)
show(c.latin_1_encode, "x\u20acy", "mine")
print(seen)
c.register_error("skip2", lambda e: ("", e.end + 1))
show(c.ascii_encode, "\xe9abc", "skip2")
went_back = []


def back(e):
    if e.start == 2 and not went_back:
        went_back.append(1)
        return ("?", -2)
    return ("!", e.end)


c.register_error("back", back)
show(c.ascii_decode, b"a\xff\xff", "back")
c.register_error("far", lambda e: ("", 100))
show(c.ascii_encode, "\xe9", "far")
c.register_error("badret", lambda e: 5)
show(c.ascii_encode, "\xe9", "badret")
show(c.ascii_decode, b"\xff", "badret")
c.register_error("bytesrep", lambda e: (b"\x01\x02", e.end))
show(c.ascii_encode, "a\xe9", "bytesrep")
c.register_error("unenc", lambda e: ("\xe9", e.end))
show(c.ascii_encode, "a\u20ac", "unenc")
show(c.register_error, "x", 5)
show(c.lookup_error, "nope")
show(c.lookup_error("strict"), ValueError("x"))
show(c.lookup_error("ignore"), UnicodeEncodeError("ascii", "a\xe9b", 1, 2, "r"))
show(c.lookup_error("replace"), UnicodeDecodeError("ascii", b"a\xffb", 1, 2, "r"))
show(c.lookup_error("replace"), UnicodeEncodeError("ascii", "a\xe9\xe9b", 1, 3, "r"))
show(c.lookup_error("backslashreplace"), UnicodeDecodeError("ascii", b"a\xff\xfeb", 1, 3, "r"))
show(c.lookup_error("xmlcharrefreplace"), UnicodeEncodeError("ascii", "a\xe9\u20acb", 1, 3, "r"))
show(c.lookup_error("namereplace"), UnicodeEncodeError("ascii", "a\xe9\u20acb", 1, 3, "r"))
show(c.lookup_error("xmlcharrefreplace"), UnicodeDecodeError("ascii", b"a\xff", 1, 2, "r"))
show(c.lookup_error("ignore"), ValueError("x"))

# UTF-16 and UTF-32.
for text in ["", "ab", "h\xe9\u20ac\U0001f600"]:
    for name in ("utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"):
        enc = getattr(c, name + "_encode")(text)
        dec = getattr(c, name + "_decode")(enc[0], "strict", True)
        print(name, enc, dec)
print(c.utf_16_encode("a", "strict", 1), c.utf_16_encode("a", "strict", -1),
      c.utf_32_encode("a", "strict", 1))
for data in [b"\xff\xfea\x00", b"\xfe\xff\x00a", b"a\x00b", b"\x00\xd8a\x00", b"\x00\xdc", b"\x00\xd8",
             b"=\xd8\x00\xde", b"a\x00\x00"]:
    show(c.utf_16_decode, data)
    show(c.utf_16_le_decode, data, None, True)
    show(c.utf_16_le_decode, data, "replace", True)
    show(c.utf_16_ex_decode, data, None, 0, True)
for data in [b"\xff\xfe\x00\x00a\x00\x00\x00", b"\x00\x00\x11\x00", b"\x00\xd8\x00\x00", b"a\x00\x00"]:
    show(c.utf_32_decode, data, None, True)
    show(c.utf_32_le_decode, data, "backslashreplace", True)
    show(c.utf_32_ex_decode, data, None, 0, True)

# Escapes.
show(c.escape_decode, b"a\\\\n\\x41\\101\\\nz")
show(c.escape_decode, b"\\x4")
show(c.escape_decode, b"\\x4", "replace")
show(c.escape_decode, b"trailing\\")
show(c.escape_decode, "str \\t input")
show(c.escape_encode, b"a\n'\"\x00\xff\\")
show(c.escape_encode, "str")
for data in [b"\\u00e9\\N{SNOWMAN}\\x41\\U0001F600\\t\\101", b"\\u00", b"\\N{BOGUS}",
             b"\\N{SNOW", b"\\U00110000", b"\\", b"caf\xe9"]:
    show(c.unicode_escape_decode, data)
    show(c.unicode_escape_decode, data, "replace")
    show(c.raw_unicode_escape_decode, data)
show(c.unicode_escape_decode, b"ab\\u00", "strict", False)
show(c.unicode_escape_encode, "a\xe9\u20ac\U0001f600\\\n\"'\x7f")
show(c.raw_unicode_escape_encode, "a\xe9\u20ac\\\U0001f600")

# charmap.
table = "".join(chr(0x400 + i) for i in range(128)) + "\ufffe" * 128
show(c.charmap_decode, b"ab\x01", None, table)
show(c.charmap_decode, b"\x90", None, table)
show(c.charmap_decode, b"\x90", "replace", table)
show(c.charmap_decode, b"\x01\x02\x03", None, {1: "Z", 2: 0x263a, 3: None})
show(c.charmap_decode, b"\x01", None, {1: 0x110000})
show(c.charmap_decode, b"\x01", None, {1: 1.5})
show(c.charmap_decode, b"ab")
show(c.charmap_encode, "ab", None, {97: 1, 98: b"xy"})
show(c.charmap_encode, "acb", None, {97: 1, 98: 2})
show(c.charmap_encode, "acb", "replace", {97: 1, 98: 2, 63: 63})
show(c.charmap_encode, "a", None, {97: 300})
show(c.charmap_encode, "a\xe9")
enc_map = c.charmap_build(table[:128])
print(type(enc_map).__name__, len(enc_map))
show(c.charmap_encode, "\u0400\u0401", None, enc_map)
show(c.readbuffer_encode, "\xe9")
show(c.readbuffer_encode, b"xy")

# The codec registry.
def search(name):
    if name == "my_codec":
        return (lambda s, errors="strict": (s.upper().encode(), len(s)),
                lambda b, errors="strict": (bytes(b).decode().lower(), len(b)), None, None)
    if name == "broken":
        return 5
    return None


c.register(search)
info = c.lookup("My Codec")
print(type(info).__name__, len(info), c.lookup("my_codec") is info)
print(c.encode("abc", "my_codec"), c.decode(b"XYZ", "my codec"))
show(c.lookup, "broken")
show(c.lookup, "nonexistent")
show(c.encode, "abc", "nonexistent_codec")
show(c.register, 5)
c.unregister(search)
show(c.lookup, "my_codec")
show(c.lookup, 5)
show(c.lookup_error, 5)
show(c.register_error, 5, print)
show(c.charmap_build, 5)
c.register(lambda n: (c.utf_8_encode, c.utf_8_decode, None, None) if n == "u8" else None)
show(c.encode, 5, "u8")
show(c.decode, 5, "u8")
show(c.encode, "a", 5)
show(c.encode, "a", "u8", 5)
try:
    c.encode(5, "u8")
except TypeError as e:
    print(repr(e.__cause__), e.__suppress_context__)
