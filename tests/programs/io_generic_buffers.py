# The _io classes set up by __init__ (subclasses with their own __init__), and the
# buffered and text layers over any stream object, not only open()'s files.
import io
import socket


class StdIOBuffer(io.TextIOWrapper):
    def __init__(self, initial_value='', newline='\n'):
        initial_value = initial_value.encode('utf-8')
        super().__init__(io.BufferedWriter(io.BytesIO(initial_value)),
                         'utf-8', newline=newline)

    def getvalue(self):
        self.flush()
        return self.buffer.raw.getvalue().decode('utf-8')


b = StdIOBuffer()
print('hello', file=b)
b.write('wörld\n')
print(repr(b.getvalue()), isinstance(b, io.TextIOBase), b.encoding)

# Used before __init__.
for cls in (io.TextIOWrapper, io.BufferedReader, io.BufferedWriter):
    o = cls.__new__(cls)
    try:
        o.readable()
    except ValueError as e:
        print(cls.__name__, 'ValueError', e)

# TextIOWrapper over BytesIO: newline modes and encodings.
data = 'a\r\nb\rc\nd'.encode()
for nl in (None, '', '\n', '\r', '\r\n'):
    t = io.TextIOWrapper(io.BytesIO(data), encoding='utf-8', newline=nl)
    print(repr(nl), t.readlines(), t.newlines)
for nl in (None, '', '\n', '\r', '\r\n'):
    raw = io.BytesIO()
    t = io.TextIOWrapper(raw, encoding='ascii', newline=nl)
    t.write('x\ny\n')
    t.flush()
    print(repr(nl), raw.getvalue())
for enc in ('utf-16', 'latin-1', 'utf-8', 'cp1252', 'utf-32-le'):
    raw = io.BytesIO()
    t = io.TextIOWrapper(raw, encoding=enc)
    t.write('caf\xe9 \u20ac\nzwei\n' if enc != 'latin-1' else 'caf\xe9\nzwei\n')
    t.flush()
    v = raw.getvalue()
    print(enc, v)
    t2 = io.TextIOWrapper(io.BytesIO(v), encoding=enc)
    print(enc, repr(t2.readline()), repr(t2.read()))
t = io.TextIOWrapper(io.BytesIO(b'\xff\xfeabc'), encoding='utf-8', errors='replace')
print(repr(t.read()))
t = io.TextIOWrapper(io.BytesIO(b'\xff'), encoding='utf-8')
try:
    t.read()
except UnicodeDecodeError as e:
    print('UnicodeDecodeError', e.reason)

# tell/seek round trips.
t = io.TextIOWrapper(io.BytesIO('één\ntwee\ndrie\n'.encode()), encoding='utf-8')
print(repr(t.readline()))
pos = t.tell()
print(repr(t.readline()))
t.seek(pos)
print(repr(t.read()))
t.seek(0)
print(repr(t.read(2)), t.seek(0, 2))

# line_buffering, write_through, reconfigure, detach.
raw = io.BytesIO()
buf = io.BufferedWriter(raw)
t = io.TextIOWrapper(buf, encoding='utf-8', line_buffering=True)
t.write('ab')
print(raw.getvalue(), t.line_buffering)
t.write('c\n')
print(raw.getvalue())
t.reconfigure(line_buffering=False)
t.write('d\n')
print(raw.getvalue(), t.line_buffering)
d = t.detach()
print(d is buf, raw.getvalue())
try:
    t.write('x')
except ValueError as e:
    print('ValueError', e)

# Buffered layers over BytesIO and over a raw Python class.
r = io.BufferedReader(io.BytesIO(b'line1\nline2\nrest'), 4)
print(r.peek(1)[:1], r.read(3), r.readline(), list(r))
w = io.BufferedWriter(io.BytesIO())
w.write(b'abc')
print(w.raw.getvalue())
w.flush()
print(w.raw.getvalue(), w.tell())


class Raw(io.RawIOBase):
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), 3, len(self.data) - self.pos)
        b[:n] = self.data[self.pos:self.pos + n]
        self.pos += n
        return n


r = io.BufferedReader(Raw(b'alpha\nbeta\ngamma'))
print(r.readline(), r.read(2), r.read())
t = io.TextIOWrapper(io.BufferedReader(Raw('ä\nö\n'.encode())), encoding='utf-8')
print([line for line in t])
rw = io.BufferedRandom(io.BytesIO(b'0123456789'))
rw.seek(3)
rw.write(b'xy')
rw.seek(0)
print(rw.read())
pair = io.BufferedRWPair(io.BytesIO(b'in'), io.BytesIO())
print(pair.read())


class MyReader(io.BufferedReader):
    def __init__(self, data):
        super().__init__(io.BytesIO(data))
        self.extra = 1


m = MyReader(b'q\nr\n')
print(m.readlines(), m.extra, m.closed)
m.close()
print(m.closed)

# socket.makefile over a socketpair.
a, b = socket.socketpair()
wf = a.makefile('w')
rf = b.makefile('rb')
wf.write('first line\nsecond\n')
wf.flush()
print(rf.readline(), rf.read(3))
wb = a.makefile('wb')
wb.write(b'xyz\n')
wb.flush()
rt = b.makefile('r', encoding='utf-8')
print(repr(rf.readline()))
a.sendall(b'tail\n')
print(repr(rt.readline()))
for f in (wf, rf, wb, rt):
    f.close()
a.close()
b.close()

# `with` gives the object itself (not the stream it forwards to).
with StdIOBuffer() as s:
    print('in with', file=s)
    print(type(s).__name__, repr(s.getvalue()))
print(s.closed)

# Over a zipfile member, and reprs.
import zipfile
zb = io.BytesIO()
with zipfile.ZipFile(zb, 'w') as z:
    z.writestr('a.txt', 'x\ny\n')
with zipfile.ZipFile(zb) as z:
    with z.open('a.txt') as f:
        print(io.TextIOWrapper(f, encoding='utf-8').readlines())


class T(io.TextIOWrapper):
    pass


t = T(io.BytesIO(), encoding='latin-1', newline='')
t.write('\xe9\r\n')
t.flush()
print(t.buffer.getvalue(), t, io.TextIOWrapper(io.BytesIO(), encoding='utf-16'))
print(io.BufferedReader(io.BytesIO(b'')))

# A FileIO subclass with its own __init__; closing a descriptor closed behind
# the file's back reports EBADF.
import errno
import os


class MyFileIO(io.FileIO):
    def __init__(self, path):
        super().__init__(path, 'r')
        self.tag = 'mine'


mf = MyFileIO(__file__)
print(mf.read(1), mf.tag, mf.closed, mf.mode)
mf.close()
fd = os.open(__file__, os.O_RDONLY)
f = io.FileIO(fd)
os.close(fd)
try:
    f.close()
except OSError as e:
    print('OSError', e.errno == errno.EBADF)

# Weak references, a deleted FileIO name, NUL bytes and directories.
import weakref
for mk in (io.BytesIO, io.StringIO, lambda: open(__file__, 'rb'),
           lambda: io.TextIOWrapper(io.BytesIO(), encoding='utf-8')):
    o = mk()
    r = weakref.ref(o)
    print(r() is o, end=' ')
    del o
    print(r())
rf = io.FileIO(__file__)
del rf.name
print(repr(rf).startswith('<_io.FileIO fd='), hasattr(rf, 'name'))
rf.close()
try:
    io.FileIO('a\0b')
except ValueError as e:
    print('ValueError', e)
dfd = os.open('.', os.O_RDONLY)
try:
    io.FileIO(dfd)
except OSError as e:
    print('OSError', e.errno == errno.EISDIR)
os.close(dfd)

# Instance dicts (attributes patched on file objects) and _CHUNK_SIZE.
f = open(__file__, 'rb')
f.flush = lambda: print('patched flush')
f.flush()
f.x = 1
print(f.x, sorted(f.__dict__))
f.close()
t = io.TextIOWrapper(io.BytesIO(b'abc'), encoding='utf-8')
t.y = 2
print(t.y, t._CHUNK_SIZE)
t._CHUNK_SIZE = 4
print(t._CHUNK_SIZE, t.read())
with open(__file__, encoding='utf-8') as t2:
    t2._CHUNK_SIZE = 5
    print(t2._CHUNK_SIZE)
    try:
        t2._CHUNK_SIZE = 0
    except ValueError as e:
        print(e)
