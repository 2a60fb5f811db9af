# _sre, driven directly with the code CPython 3.11's sre_compile produces (embedded
# below, since strand does not ship sre_compile yet): matching, searching, groups,
# findall/finditer/split/sub/subn, scanners, str and bytes subjects, and errors.
import _sre

CODES = [
    ('a+b', 32, [14, 4, 0, 2, 4294967295, 24, 6, 1, 4294967295, 16, 97, 1, 16, 98, 1], 0, {}, (None,)),
    ('(\\w+)@(\\w+)\\.com', 32, [14, 4, 0, 7, 4294967295, 17, 0, 24, 9, 1, 4294967295, 13, 4, 8, 14, 0, 1, 17, 1, 16, 64, 17, 2, 24, 9, 1, 4294967295, 13, 4, 8, 14, 0, 1, 17, 3, 16, 46, 16, 99, 16, 111, 16, 109, 1], 2, {}, (None, None, None)),
    ('(?P<first>\\w+) (?P<last>\\w+)', 32, [14, 4, 0, 3, 4294967295, 17, 0, 24, 9, 1, 4294967295, 13, 4, 8, 14, 0, 1, 17, 1, 16, 32, 17, 2, 24, 9, 1, 4294967295, 13, 4, 8, 14, 0, 1, 17, 3, 1], 2, {'first': 1, 'last': 2}, (None, 'first', 'last')),
    ('\\d+', 32, [14, 4, 0, 1, 4294967295, 24, 9, 1, 4294967295, 13, 4, 8, 10, 0, 1, 1], 0, {}, (None,)),
    ('^$', 40, [14, 4, 0, 0, 0, 6, 1, 6, 6, 1], 0, {}, (None,)),
    ('x*', 32, [14, 4, 0, 0, 4294967295, 24, 6, 0, 4294967295, 16, 120, 1, 1], 0, {}, (None,)),
    ('ab', 34, [14, 4, 0, 2, 2, 40, 97, 40, 98, 1], 0, {}, (None,)),
    ('(a)|(b)', 32, [14, 4, 0, 1, 1, 7, 9, 17, 0, 16, 97, 17, 1, 15, 11, 9, 17, 2, 16, 98, 17, 3, 15, 2, 0, 1], 2, {}, (None, None, None)),
    ('[^aeiou\\s]+', 32, [14, 4, 0, 1, 4294967295, 24, 19, 1, 4294967295, 13, 14, 21, 9, 0, 0, 0, 2130466, 0, 0, 0, 0, 8, 12, 0, 1, 1], 0, {}, (None,)),
    ('(?<=a)b', 32, [14, 4, 0, 1, 1, 4, 5, 1, 16, 97, 1, 16, 98, 1], 0, {}, (None,)),
    ('\\bfoo\\b', 32, [14, 4, 0, 3, 3, 6, 10, 16, 102, 16, 111, 16, 111, 6, 10, 1], 0, {}, (None,)),
    ('é+', 32, [14, 4, 0, 1, 4294967295, 24, 6, 1, 4294967295, 16, 233, 1, 1], 0, {}, (None,)),
    (b'\\x00+|b', 0, [14, 4, 0, 1, 4294967295, 7, 10, 24, 6, 1, 4294967295, 16, 0, 1, 15, 7, 5, 16, 98, 15, 2, 0, 1], 0, {}, (None,)),
    ('(a|ab)(c|bcd)(d*)', 32, [14, 8, 1, 2, 4294967295, 1, 0, 97, 0, 17, 0, 16, 97, 7, 3, 15, 7, 5, 16, 98, 15, 2, 0, 17, 1, 17, 2, 7, 5, 16, 99, 15, 11, 9, 16, 98, 16, 99, 16, 100, 15, 2, 0, 17, 3, 17, 4, 24, 6, 0, 4294967295, 16, 100, 1, 17, 5, 1], 3, {}, (None, None, None, None)),
    ('.', 48, [14, 4, 0, 1, 1, 3, 1], 0, {}, (None,)),
    ('.', 32, [14, 4, 0, 1, 1, 2, 1], 0, {}, (None,)),
    ('(?P<x>a)(?P<y>b)?', 32, [14, 8, 1, 1, 2, 1, 0, 97, 0, 17, 0, 16, 97, 17, 1, 23, 9, 0, 1, 17, 2, 16, 98, 17, 3, 18, 1], 2, {'x': 1, 'y': 2}, (None, 'x', 'y')),
    ('\\s*,\\s*', 32, [14, 4, 0, 1, 4294967295, 24, 9, 0, 4294967295, 13, 4, 8, 12, 0, 1, 16, 44, 24, 9, 0, 4294967295, 13, 4, 8, 12, 0, 1, 1], 0, {}, (None,)),
    ('[A-Z][a-z]+', 32, [14, 8, 4, 2, 4294967295, 22, 65, 90, 0, 13, 5, 22, 65, 90, 0, 24, 10, 1, 4294967295, 13, 5, 22, 97, 122, 0, 1, 1], 0, {}, (None,)),
    ('(\\d+)-(\\d+)', 32, [14, 4, 0, 3, 4294967295, 17, 0, 24, 9, 1, 4294967295, 13, 4, 8, 10, 0, 1, 17, 1, 16, 45, 17, 2, 24, 9, 1, 4294967295, 13, 4, 8, 10, 0, 1, 17, 3, 1], 2, {}, (None, None, None)),
    ('(?i)straße', 34, [14, 4, 0, 6, 6, 39, 6, 16, 115, 16, 383, 0, 40, 116, 40, 114, 40, 97, 40, 223, 40, 101, 1], 0, {}, (None,)),
    ('\\w+', 256, [14, 4, 0, 1, 4294967295, 24, 9, 1, 4294967295, 13, 4, 8, 4, 0, 1, 1], 0, {}, (None,)),
    ('(?:ab)+?', 32, [14, 4, 0, 2, 4294967295, 23, 7, 1, 4294967295, 16, 97, 16, 98, 19, 1], 0, {}, (None,)),
    ('a{2,3}', 32, [14, 4, 0, 2, 3, 24, 6, 2, 3, 16, 97, 1, 1], 0, {}, (None,)),
    ('(?!x)\\w', 32, [14, 4, 0, 1, 1, 5, 5, 0, 16, 120, 1, 13, 4, 8, 14, 0, 1], 0, {}, (None,)),
]

P = {}
for pat, flags, code, groups, gi, ig in CODES:
    P[pat] = _sre.compile(pat, flags, code, groups, gi, ig)


def show(f, *a, **k):
    try:
        r = f(*a, **k)
        if isinstance(r, type(P["a+b"].match("ab"))):
            r = (r.span(), r.group(), r.groups(), r.lastindex, r.lastgroup)
        print("ok", repr(r))
    except Exception as e:
        print(type(e).__name__, e)


print(_sre.MAGIC, _sre.CODESIZE, _sre.MAXREPEAT, _sre.MAXGROUPS, _sre.getcodesize())
print([_sre.ascii_iscased(c) for c in (65, 48, 255)], [_sre.unicode_iscased(c) for c in (65, 48, 0xe9, 0x3a3)],
      _sre.ascii_tolower(65), _sre.ascii_tolower(0xC9), _sre.unicode_tolower(0xC9), _sre.unicode_tolower(0x3a3))

subjects = ["aaab xab", "bob@home.com and amy@work.com", "Ada Lovelace", "tel 555-1234 or 42",
            "", "\n\n", "xxyxx", "AbaB", "ab", "hello world", "foo food foo", "caféé é",
            "abcd", "a\nb", "straSSe STRASSE", "naïve ünï", "abababab", "aaaa", "x, y ,z"]
for pat, p in P.items():
    if isinstance(pat, bytes):
        continue
    for s in subjects:
        m = p.search(s)
        if m:
            print(repr(pat), repr(s), m.span(), m.group(0), m.groups(), m.groupdict(), m.lastindex,
                  m.lastgroup, p.findall(s), p.split(s), p.sub("-", s), p.subn("", s)[1])
    print(repr(pat), p.groups, dict(p.groupindex), p.flags, repr(p)[:60])

b = P[rb"\x00+|b"]
print(b.findall(b"a\x00\x00b\x00c"), b.split(b"a\x00\x00b\x00c"), b.sub(b"_", b"\x00a\x00"),
      b.match(b"\x00\x00x").span(), b.search(b"xyz"), b.pattern)
show(b.search, "text")
show(P["a+b"].search, b"bytes")
show(P["a+b"].search, 5)

m = P["(?P<first>\\w+) (?P<last>\\w+)"].match("Ada Lovelace rest", 0)
print(m.group(), m.group(1), m.group("last"), m.group(0, "first", 2), m["first"], m[2],
      m.start(), m.end(), m.span(2), m.start("last"), m.regs, m.pos, m.endpos, m.string,
      m.re is P["(?P<first>\\w+) (?P<last>\\w+)"], repr(m))
show(m.group, 3)
show(m.group, "nope")
show(m.span, -1)
show(lambda: m[5])
m2 = P["(?P<x>a)(?P<y>b)?"].match("ac")
print(m2.groups(), m2.groups("dflt"), m2.groupdict(), m2.groupdict(0), m2.span("y"), m2.start(2),
      m2.lastgroup, m2.regs)
m3 = P["(a)|(b)"].search("xb")
print(m3.lastindex, m3.groups(), m3.span(1), m3.span(2))

# pos and endpos.
p = P["\\d+"]
print(p.search("a12b345", 3).group(), p.search("a12b345", 1, 2).group(), p.match("a12", 1).group(),
      p.search("a12", -5).span(), p.search("a12", 10), p.findall("1 22 333 4444", 2, 9),
      p.fullmatch("123"), p.fullmatch("123a"), p.fullmatch("a123", 1).span())
m = p.search("a12b345", 3, 6)
print(m.pos, m.endpos, m.group())

# finditer and scanners.
print([(m.span(), m.group()) for m in P["x*"].finditer("axxbx")], P["x*"].findall("axxbx"),
      P["x*"].split("axxbx"), P["x*"].sub("-", "axxbx"))
sc = P["\\d+"].scanner("1 22 x 333")
g = lambda m: m and m.group()
print(g(sc.search()), g(sc.search()), g(sc.match()), g(sc.search()), g(sc.search()),
      sc.pattern is P["\\d+"])
sc = P["\\d+"].scanner("12 34")
print(g(sc.match()), g(sc.match()), g(sc.match()))

# sub with callables, counts and None results.
p = P["(\\d+)-(\\d+)"]
print(p.sub(lambda m: m.group(2) + "-" + m.group(1), "1-2 and 30-40"),
      p.subn(lambda m: "", "1-2 3-4 5-6", count=2), p.sub("X", "1-2 3-4", 1),
      P["\\s*,\\s*"].split("a , b,c ,  d", maxsplit=2), P["\\s*,\\s*"].split("a,b", -1))
show(p.sub, lambda m: 5, "1-2")
show(P["[A-Z][a-z]+"].sub, lambda m: None, "Hello World")

# Equality, hashing, copies.
q = _sre.compile(*CODES[0])
print(q == P["a+b"], hash(q) == hash(P["a+b"]), q != P["\\d+"], q.__copy__() is q,
      P["a+b"].match("aab").__copy__() is not None)
show(_sre.compile, "a", 0, "notalist", 0, {}, (None,))
print(type(P["a+b"]).__name__, type(P["a+b"].match("ab")).__name__)
show(_sre.compile, "x", 0, [99], 0, {}, (None,))
show(_sre.compile, "x", 0, [], 0, {}, (None,))
