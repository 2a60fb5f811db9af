# memoryview: weak references, reference cycles through views and their objects
# (collected), views that outlive the views they were cast from, hashes kept after
# release, readinto refusing read-only views, iterating a bytearray that shrinks,
# pattern matching.
import array, gc, weakref, io, sys
class MyObject: pass
for tp in (bytes, bytearray):
    b = tp(b"abcdef")
    m = memoryview(b)
    print(list(reversed(m)) == list(m[::-1]), str(m, "utf-8"))
    L = []
    def callback(wr, b=b):
        L.append(b)
    wr = weakref.ref(m, callback)
    print(wr() is m)
    del m
    gc.collect()
    print(wr() is None, L[0] is b)
    class MySource(tp):
        pass
    b = MySource(tp(b'abc'))
    m = memoryview(b)
    o = MyObject()
    b.m = m
    b.o = o
    wr = weakref.ref(o)
    b = m = o = None
    gc.collect()
    print("cycle broken", wr() is None)
    class MyView():
        def __init__(self, base):
            self.m = memoryview(base)
    m = MyView(tp(b'abc'))
    o = MyObject()
    m.x = m
    m.o = o
    wr = weakref.ref(o)
    m = o = None
    gc.collect()
    print("cycle 2 broken", wr() is None)
a = array.array('H', [256, 256, 256, 256])
x = memoryview(a)
m = x.cast('B')
b = m.cast('H')
c = b[0:2]
d = memoryview(b)
del b
print(c[0], d[0], c.format, d.format)
_ = m.cast('I')
print(c[0], d[0])
m = memoryview(b"abcdef")
print(hash(m) == hash(b"abcdef"))
m.release()
print(hash(m) == hash(b"abcdef"))
try: io.BytesIO(b'ZZZZ').readinto(memoryview(b"abcd"))
except TypeError as e: print(e)
cm = memoryview(bytearray(b"abc")).cast("c")
for v in (b"", b"ab"):
    try: cm[0] = v
    except Exception as e: print(type(e).__name__, e)
ba = bytearray(b"x" * 10)
it = iter(ba)
next(it)
print(it.__length_hint__())
del ba[5:]
print(list(it))
print(memoryview(b"ab") in [b"ab"], b"ab" in [memoryview(b"ab")], {memoryview(b"ab"): 1}.get(b"ab"))
print(bytes(memoryview(b"abc").cast("c")), bytearray(memoryview(array.array("h", [1, 2]))))
match memoryview(b"ab"):
    case [x, y]:
        print("memoryview is a sequence", x, y)
match bytearray(b"ab"):
    case [x, y]:
        print("bytearray matched")
    case bytearray():
        print("bytearray is no sequence pattern")
