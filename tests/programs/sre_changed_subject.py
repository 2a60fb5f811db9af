# A match keeps its subject object, not a copy of the text: when a bytearray subject
# changes size afterwards, the groups are sliced from what it holds now, clamped to
# its length (CPython's match_getslice_by_index). While an operation runs, and while a
# scanner (finditer) lives, the subject's buffer is exported: it cannot be resized.
import re

s = bytearray(b"abcdefgh")
m = re.search(b"[a-h]+", s)
s[:] = b"xyz"
print(m.group(), m.span(), m, m.groups(), m[0])
s[:] = b""
print(m.group(), m, m.start(), m.end())

s = bytearray(b"abcdefgh")
m = re.search(b"(c)(d)(e)", s)
s[:] = b"xyzw"
print(m.group(0, 1, 2, 3), m.groupdict(), m.expand(rb"\1\3"), m.regs)
s.extend(b"0123456789")
print(m.group(0, 1, 2, 3))

s = bytearray(b"aaa")
it = re.finditer(b"a", s)
try:
    s.extend(b"x")
except BufferError as e:
    print("BufferError", e)
print(list(it))
del it
s.extend(b"x")
print(s)

s = bytearray(b"abab")
sc = re.compile(b"a").scanner(s)
try:
    s.clear()
except BufferError as e:
    print("BufferError", e)
print(sc.search(), sc.match(), sc.search())
del sc
s.clear()
print(s)


def repl(m):
    try:
        s2.extend(b"zz")
    except BufferError as e:
        print("sub BufferError", e)
    return b"-"


s2 = bytearray(b"abab")
print(re.sub(b"a", repl, s2), s2)

# memoryview and array subjects behave the same.
import array
a = array.array("b", b"hello")
it = re.finditer(b"l", a)
try:
    a.append(1)
except BufferError as e:
    print("array BufferError", e)
print([m.span() for m in it])
