# The native _pickle module: the bytes its Pickler writes for every built-in type
# across protocols 0-5 (printed, so they are compared with CPython's C pickler),
# round trips, recursive structures, the reduce protocol's hooks, persistent ids,
# dispatch tables, reducer_override, memo proxies, PickleBuffer and out-of-band
# buffers, framing of large pickles, and the errors of bad objects and bad input.
import _pickle
import collections
import copyreg
import io
import zlib


def show(label, f, *a, **k):
    try:
        r = f(*a, **k)
        print(label, "ok", r.hex() if isinstance(r, bytes) else repr(r))
    except Exception as e:
        # Addresses in messages differ between runtimes.
        print(label, type(e).__name__, str(e).split(" at 0x")[0])


class Plain:
    def __init__(self):
        self.x = 1
        self.y = [1, "two"]

    def __eq__(self, o):
        return type(o) is Plain and vars(o) == vars(self)


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a = 1
        self.b = "q"


class Reduces:
    def __reduce__(self):
        return (Reduces, (), {"k": 5})

    def __setstate__(self, st):
        self.st = st


class NewArgsEx(int):
    def __new__(cls, v, *, tag):
        o = int.__new__(cls, v)
        o.tag = tag
        return o

    def __getnewargs_ex__(self):
        return ((int(self),), {"tag": self.tag})


class NewArgs(tuple):
    def __getnewargs__(self):
        return (tuple(self),)


class State:
    def __getstate__(self):
        return {"v": 42}

    def __setstate__(self, s):
        self.__dict__.update(s)
        self.restored = True


class Outer:
    class Inner:
        pass


class MyList(list):
    pass


class MyDict(dict):
    pass


def setter(obj, state):
    obj.via_setter = state


class WithSetter:
    def __reduce__(self):
        return (WithSetter, (), "st", None, None, setter)


atoms = [
    None, True, False, 0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -2**31,
    2**31, -2**31 - 1, 2**64, -2**100, 1.5, -0.0, float("inf"), 1e300,
    "", "abc", "h\u00e9\u20ac\U0001f600\n\\\r\x00\x1a", "x" * 300,
    b"", b"xy", b"\x00" * 300, bytearray(), bytearray(b"z"),
    (), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), [], [1, [2]], {}, {1: 2, "a": [3]},
    set(), {1, 2}, frozenset(), frozenset({3}), 3 + 4j, range(3), slice(1, 2),
    int, type(None), type(Ellipsis), type(NotImplemented), Ellipsis, NotImplemented,
    len, Outer.Inner, collections.Counter, zlib.crc32,
]
for proto in range(6):
    for obj in atoms:
        s = _pickle.dumps(obj, proto)
        back = _pickle.loads(s)
        same = back == obj or (obj != obj) or back is obj
        print(proto, type(obj).__name__, same, s.hex())

objects = [
    Plain(), Slotted(), Reduces(), NewArgsEx(7, tag="t"), NewArgs((1, 2)), State(),
    MyList([1, 2]), MyDict(a=1), collections.deque([1, 2]),
    collections.defaultdict(list, {1: [2]}), WithSetter(),
]
for proto in range(6):
    for obj in objects:
        try:
            s = _pickle.dumps(obj, proto)
            back = _pickle.loads(s)
            d = getattr(back, "__dict__", None)
            slots = [getattr(back, n, None) for n in getattr(type(back), "__slots__", ())]
            print(proto, type(obj).__name__, s.hex(), type(back).__name__, d, slots)
        except Exception as e:
            print(proto, type(obj).__name__, type(e).__name__, e)

# Recursive and shared structures.
for proto in range(6):
    lst = [1]
    lst.append(lst)
    d = {}
    d["self"] = d
    t = ([],)
    t[0].append(t)
    shared = [1, 2]
    both = [shared, shared]
    for obj in (lst, d, t, both):
        s = _pickle.dumps(obj, proto)
        print(proto, s.hex())
    back = _pickle.loads(_pickle.dumps(lst, proto))
    print(back[1] is back, _pickle.loads(_pickle.dumps(d, proto))["self"] is not None)
    tb = _pickle.loads(_pickle.dumps(t, proto))
    print(tb[0][0] is tb)
    bb = _pickle.loads(_pickle.dumps(both, proto))
    print(bb[0] is bb[1])


# Persistent ids.
class PersPickler(_pickle.Pickler):
    def persistent_id(self, obj):
        return "X" if obj == "secret" else None


class PersUnpickler(_pickle.Unpickler):
    def persistent_load(self, pid):
        return "loaded:" + pid


for proto in range(6):
    f = io.BytesIO()
    PersPickler(f, proto).dump(["a", "secret"])
    print(proto, f.getvalue().hex())
    f.seek(0)
    print(PersUnpickler(f).load())

f = io.BytesIO()
p = _pickle.Pickler(f, 2)
p.persistent_id = lambda o: 1 if o == 5 else None
p.dump([5, 6])
print(f.getvalue().hex())
u = _pickle.Unpickler(io.BytesIO(f.getvalue()))
show("no persistent_load", u.load)
u = _pickle.Unpickler(io.BytesIO(f.getvalue()))
u.persistent_load = lambda pid: ("pid", pid)
print(u.load())
show("persistent_id not callable", setattr, p, "persistent_id", 5)
show("persistent_id deleted", delattr, p, "persistent_id")


# reducer_override and dispatch tables.
class Override(_pickle.Pickler):
    def reducer_override(self, obj):
        if obj == 7:
            return (int, ("8",))
        return NotImplemented


f = io.BytesIO()
Override(f, 3).dump([7, 1])
print(f.getvalue().hex(), _pickle.loads(f.getvalue()))
f = io.BytesIO()
p = _pickle.Pickler(f, 2)
p.dispatch_table = {complex: lambda c: (str, ("C",))}
p.dump(1j)
print(_pickle.loads(f.getvalue()))


class TablePickler(_pickle.Pickler):
    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[Plain] = lambda o: (str, ("from table",))


f = io.BytesIO()
TablePickler(f, 2).dump(Plain())
print(_pickle.loads(f.getvalue()))

# Extension codes (EXT1/EXT2/EXT4 from protocol 2).
for code in (0x12, 0x1234, 0x123456):
    copyreg.add_extension(__name__, "Plain", code)
    for proto in range(6):
        s = _pickle.dumps(Plain, proto)
        print(code, proto, s.hex(), _pickle.loads(s) is Plain)
    copyreg.remove_extension(__name__, "Plain", code)
show("unregistered code", _pickle.loads, b"\x82\x13.")

# Memo proxies.
f = io.BytesIO()
p = _pickle.Pickler(f, 2)
x = [1]
p.dump(x)
print(sorted(v[0] for v in p.memo.copy().values()), type(p.memo).__name__)
p.dump(x)
print(f.getvalue().hex())
p.memo.clear()
print(p.memo.copy())
p.memo = {id(x): (0, x)}
print(len(p.memo.copy()))
show("memo of int", setattr, p, "memo", 5)
show("memo bad values", setattr, p, "memo", {1: 2})
p.clear_memo()
print(p.memo.copy(), p.bin, p.fast)
u = _pickle.Unpickler(io.BytesIO(_pickle.dumps([1, [2]], 2)))
u.load()
print(sorted(u.memo.copy()))
u2 = _pickle.Unpickler(io.BytesIO(b"h\x00."))
u2.memo = u.memo
print(u2.load(), sorted(u2.memo.copy()))
show("memo negative key", setattr, u, "memo", {-1: 1})
show("memo str key", setattr, u, "memo", {"a": 1})

# Fast mode.
f = io.BytesIO()
p = _pickle.Pickler(f, 2)
p.fast = 1
p.dump([[1], [1]])
print(f.getvalue().hex())
deep = []
for _ in range(60):
    deep = [deep]
loop = []
cur = loop
for _ in range(60):
    cur.append([])
    cur = cur[0]
cur.append(loop)
show("fast cycle", p.dump, loop)

# PickleBuffer and out-of-band buffers.
pb = _pickle.PickleBuffer(b"abc")
print(bytes(pb.raw()), memoryview(pb).obj, memoryview(pb).readonly)
pb.release()
show("released raw", pb.raw)
show("released memoryview", memoryview, pb)
show("PickleBuffer of int", _pickle.PickleBuffer, 5)
bufs = []
s = _pickle.dumps(
    [_pickle.PickleBuffer(bytearray(b"xyz")), _pickle.PickleBuffer(b"ro")], 5,
    buffer_callback=bufs.append,
)
print(s.hex(), len(bufs))
back = _pickle.loads(s, buffers=bufs)
print([bytes(b) for b in back], [type(b).__name__ for b in back])
show("no buffers", _pickle.loads, s)
show("too few buffers", _pickle.loads, s, buffers=[])
print(_pickle.dumps(_pickle.PickleBuffer(bytearray(b"xyz")), 5).hex())
print(_pickle.dumps(_pickle.PickleBuffer(b"xyz"), 5).hex())
show("PickleBuffer proto 4", _pickle.dumps, _pickle.PickleBuffer(b"x"), 4)
show("buffer_callback proto 4", _pickle.dumps, 1, 4, buffer_callback=print)
strided = memoryview(bytearray(b"abcdef"))[::2]
show("non-contiguous", _pickle.dumps, _pickle.PickleBuffer(strided), 5)

# Framing: large pickles, to bytes and to a file, and two pickles in one file.
big = list(range(30000)) + ["x" * 70000, b"y" * 70000, "z" * 100]
for proto in (4, 5):
    s = _pickle.dumps(big, proto)
    print(proto, len(s), zlib.crc32(s), _pickle.loads(s) == big)
    f = io.BytesIO()
    _pickle.dump(big, f, proto)
    print(f.getvalue() == s)
    f.seek(0)
    print(_pickle.load(f) == big)
f = io.BytesIO()
_pickle.dump(1, f)
_pickle.dump([2], f, 0)
f.write(b"tail")
f.seek(0)
print(_pickle.load(f), _pickle.load(f), f.read())


# Errors while pickling.
class BadReduce:
    def __reduce_ex__(self, p):
        return 42


class ShortReduce:
    def __reduce__(self):
        return (list,)


class NotCallable:
    def __reduce__(self):
        return (5, ())


class BadArgs:
    def __reduce__(self):
        return (list, [1])


class BadListItems:
    def __reduce__(self):
        return (list, (), None, [1])


def local():
    class L:
        pass
    return L


for obj in (BadReduce(), ShortReduce(), NotCallable(), BadArgs(), BadListItems(),
            lambda: 1, local()):
    for proto in (0, 2, 4):
        show("dumps %s %d" % (type(obj).__name__, proto), _pickle.dumps, obj, proto)
show("protocol 6", _pickle.dumps, 1, 6)
show("protocol str", _pickle.dumps, 1, "2")
show("no write", _pickle.Pickler, 5)
show("no read", _pickle.Unpickler, 5)
show("loads str", _pickle.loads, "abc")


class NoInit(_pickle.Pickler):
    def __init__(self):
        pass


show("pickler without init", NoInit().dump, 1)


class NoInitU(_pickle.Unpickler):
    def __init__(self):
        pass


show("unpickler without init", NoInitU().load)

# Bad input.
bad_inputs = [
    b"", b"\x80", b"\x80\x02", b"(", b"K", b"\x80\x05\x95\x05", b"N", b"\xff", b"X\x10\x00\x00\x00ab",
    b"h\x05.", b"a.", b"0.", b"1.", b"\x80\x09N.", b'S"abc\n.', b"Sabc\n.", b"\x82\x00.",
    b"\x82\xff.", b"c__builtin__\nnope\n.", b"cno_such_mod\nx\n.", b"]N\x85e.", b"(t0.",
    b"I12x\n.", b"F1.5e\n.", b"L12\n.", b"p-1\n.", b"}N\x86s.", b"(K\x01d.", b"N\x81.",
    b"N)\x81.", b"\x8c\x01a\x8c\x01b\x93.", b"K\x01\x8c\x01b\x93.", b"T\xff\xff\xff\xff.",
    b"\x8b\xff\xff\xff\xff.", b"]K\x01K\x02u.", b"\x8f(K\x01\x90.", b"N\x94h\x00.",
    b"I01\n.", b"I00\n.", b"V\\u20ac\n.", b"\x98.", b"\x97.", b"P abc\n.", b"Q.",
    b"(I1\nI2\nl.", b"(cbuiltins\nlist\no.", b"(I1\nibuiltins\nlist\n.", b"2.",
    b"N\x95\x00\x00\x00\x00\x00\x00\x00\x00.",
]
for data in bad_inputs:
    show(repr(data), _pickle.loads, data)
    show("file " + repr(data), _pickle.load, io.BytesIO(data))
print("done")
