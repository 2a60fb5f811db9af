# marshal: CPython's format for values, versions 0-4, round trips, shared objects,
# errors, dump/load on files, and data written by CPython read back.
import marshal
vals = [None, True, False, ..., StopIteration, 0, -1, 2**31-1, -2**31, 2**31, -2**31-1, 2**100, -(3**200), 1.5, -0.0, float("inf"), 1+2j,
        "", "abc", "é漢字", "\udcff", b"", b"xy", bytearray(b"ba"), (), (1, "a"), [1, [2]], {"k": (1, 2)}, {1, 2}, frozenset({3}),
        "x" * 300, tuple(range(300))]
for v in vals:
    d = marshal.dumps(v)
    back = marshal.loads(d)
    print(type(back).__name__, back == v or (back != back), d == marshal.dumps(v) if not isinstance(v, (set, frozenset, dict)) else '')
for ver in range(5):
    print(ver, marshal.loads(marshal.dumps([1.25, "s", ("t", "t"), 2**70, 1j], ver)))
s = "shared"
t = (s, s, [s])
print(marshal.loads(marshal.dumps(t)))
print(marshal.version)
for bad in [b"", b"i\x01", b"\x99", b"l\x02\x00\x00\x00\x01\x00"]:
    try:
        marshal.loads(bad)
    except (EOFError, ValueError) as e:
        print(type(e).__name__, e)
try:
    marshal.dumps(lambda: 0)
except ValueError as e:
    print("ValueError", e)
try:
    marshal.dumps(object())
except ValueError as e:
    print("ValueError", e)
import io
f = io.BytesIO()
marshal.dump([1, 2], f); marshal.dump("two", f); f.seek(0)
print(marshal.load(f), marshal.load(f))
# data CPython wrote
print(marshal.loads(b'\xdb\x03\x00\x00\x00\xe9\x01\x00\x00\x00\xda\x01ar\x01\x00\x00\x00'))
