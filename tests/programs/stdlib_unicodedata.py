# unicodedata at Unicode 14.0.0: properties over a sample of every block (checked
# through digests), names, lookup, normalization and errors.
import unicodedata as u
from _sha256 import sha256

# Dense where most characters are, then a stride through the rest of the code space;
# not the surrogates, nor the 2048 private-use code points U+10F000..U+10F7FF, which
# strand's str uses to hold lone surrogates (docs/objects.md).
POINTS = [cp for cp in list(range(0x3000)) + list(range(0x3000, 0x110000, 89))
          if not 0xD800 <= cp < 0xE000 and not 0x10F000 <= cp < 0x10F800]


def show(f, *a):
    try:
        print("ok", repr(f(*a)))
    except Exception as e:
        print(type(e).__name__, e)


print(u.unidata_version)
for fn in (u.category, u.bidirectional, u.east_asian_width, u.mirrored, u.combining,
           u.decomposition):
    h = sha256()
    for cp in POINTS:
        h.update(repr(fn(chr(cp))).encode())
    print(fn.__name__, h.hexdigest()[:16])
for fn in (u.decimal, u.digit, u.numeric):
    h = sha256()
    for cp in POINTS:
        h.update(repr(fn(chr(cp), None)).encode())
    print(fn.__name__, h.hexdigest()[:16])

h = sha256()
count = 0
for cp in POINTS:
    n = u.name(chr(cp), None)
    if n is not None:
        count += 1
        h.update(n.encode())
print("names", count, h.hexdigest()[:16])
for c in "aA1é€\u4e00\uac00\U00017000\U0001f600\x00\ue000\u0378":
    print(repr(c), u.name(c, "-"), u.category(c), u.bidirectional(c), u.east_asian_width(c),
          u.combining(c), u.mirrored(c), repr(u.decomposition(c)))
for name in ["LATIN SMALL LETTER A", "latin small letter e with acute", "EURO SIGN", "SNOWMAN",
             "CJK UNIFIED IDEOGRAPH-4E00", "HANGUL SYLLABLE GAG", "LINE FEED", "BYTE ORDER MARK"]:
    show(u.lookup, name)
show(u.lookup, "NOT A CHARACTER NAME")
show(u.lookup, "x" * 300)
show(u.lookup, 5)
print(u.lookup(b"DIGIT ONE"))

print(u.decimal("9"), u.digit("²"), u.numeric("½"), u.numeric("Ⅻ"), u.numeric("\u4e07"),
      u.decimal("a", "none"))
show(u.decimal, "a")
show(u.digit, "a")
show(u.numeric, "a")
show(u.name, "\x00")
show(u.category, "ab")
show(u.category, 5)
show(u.decimal, "ab", 1)
show(u.category)
show(u.category, "a", 2)
show(u.decimal)
show(u.decimal, "a", 1, 2)
show(u.normalize)

samples = ["", "abc", "café", "cafe\u0301", "ﬁ ﬂ ㎏", "한국어", "\u1112\u1161\u11ab",
           "Å", "A\u030a", "\u212b", "ẛ̣", "q\u0307\u0323", "\u0344", "①②", "ｶﾀｶﾅ",
           "e\u0301\u0300\u0316", "\u0958\u0959", "\U0001d15e", "ǅ", "ⅷ"]
for s in samples:
    print(repr(s), [u.normalize(f, s) for f in ("NFC", "NFD", "NFKC", "NFKD")],
          [u.is_normalized(f, s) for f in ("NFC", "NFD", "NFKC", "NFKD")])
h = sha256()
for cp in POINTS[0x80::3]:
    c = chr(cp)
    h.update("|".join(u.normalize(f, c) for f in ("NFC", "NFD", "NFKC", "NFKD")).encode())
print("normalize", h.hexdigest()[:16])
show(u.normalize, "NFX", "a")
show(u.normalize, "NFC", 5)
show(u.is_normalized, "bad", "a")

# ucd_3_2_0: the Unicode 3.2.0 database (for IDNA's stringprep).
o = u.ucd_3_2_0
print(type(o).__name__, o.unidata_version, isinstance(o, u.UCD))
for fn in ("category", "bidirectional", "east_asian_width", "mirrored", "combining",
           "decomposition"):
    h = sha256()
    for cp in POINTS:
        h.update(repr(getattr(o, fn)(chr(cp))).encode())
    print("3.2.0", fn, h.hexdigest()[:16])
h = sha256()
for cp in POINTS:
    c = chr(cp)
    h.update(repr((o.numeric(c, None), o.decimal(c, None), o.digit(c, None), o.name(c, None))).encode())
print("3.2.0 numbers and names", h.hexdigest()[:16])
h = sha256()
for cp in POINTS[0x80::3]:
    c = chr(cp)
    h.update("|".join(o.normalize(f, c) for f in ("NFC", "NFD", "NFKC", "NFKD")).encode())
print("3.2.0 normalize", h.hexdigest()[:16])
print(o.category("\U0001f600"), u.category("\U0001f600"), o.name("\u20ac"),
      o.normalize("NFC", "e\u0301"), o.is_normalized("NFD", "\xe9"))
show(o.lookup, "GRINNING FACE")
show(o.name, "\U0001f600")
show(o.category, "ab")
show(u.UCD)
