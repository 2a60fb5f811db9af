# CPython's io module over strand's _io: the ABC hierarchy, BlockingIOError, open_code, text_encoding, IncrementalNewlineDecoder, BufferedRWPair, open(opener=), FileIO.name.
import io, os, _io, tempfile

print(io.open is open, io.DEFAULT_BUFFER_SIZE, io.SEEK_SET, io.SEEK_CUR, io.SEEK_END)
print(io.BlockingIOError is BlockingIOError, io.UnsupportedOperation.__mro__[1:3])
print(issubclass(io.FileIO, io.RawIOBase), issubclass(io.BytesIO, io.BufferedIOBase), issubclass(io.StringIO, io.TextIOBase))
print(issubclass(io.TextIOWrapper, io.TextIOBase), issubclass(io.BufferedReader, io.BufferedIOBase), issubclass(io.BufferedRWPair, io.BufferedIOBase))
print(io.IOBase.__module__, io.TextIOBase.__name__, _io._TextIOBase.__name__, issubclass(_io._TextIOBase, io.TextIOBase))

d = tempfile.mkdtemp()
p = os.path.join(d, "f.txt")
with open(p, "w") as f:
    print(isinstance(f, io.TextIOBase), isinstance(f, io.IOBase), isinstance(f, io.RawIOBase), isinstance(f.buffer, io.BufferedIOBase), isinstance(f.buffer.raw, io.RawIOBase))
    f.write("line1\r\nline2\rline3\n")
with open(p, "rb") as f:
    print(isinstance(f, io.BufferedReader), isinstance(f, io.BufferedIOBase), f.read())
with open(p, "rb", buffering=0) as f:
    print(type(f).__name__, isinstance(f, io.RawIOBase), isinstance(f, io.FileIO))
with io.open_code(p) as f:
    print(type(f).__name__, f.mode, f.read(5))
try:
    io.open_code(b"x")
except TypeError as e:
    print("TypeError", e)
print(io.text_encoding("latin-1"), io.text_encoding(None))
with open(p, encoding="locale") as f:
    print(f.read().splitlines())

# opener: CPython's flags reach it; the descriptor becomes the file.
seen = []
def opener(path, flags):
    seen.append((os.path.basename(path), flags & os.O_ACCMODE == os.O_WRONLY, bool(flags & os.O_CREAT), bool(flags & os.O_TRUNC)))
    return os.open(path, flags, 0o600)
with open(p, "w", opener=opener) as f:
    f.write("via opener")
print(seen, open(p).read())
with open(p, "r", opener=lambda path, flags: os.open(path, flags)) as f:
    print(f.read(3), os.path.basename(f.name))
try:
    open(p, opener=lambda path, flags: -1)
except ValueError as e:
    print("ValueError", e)

# FileIO.name is assignable; every layer reports it.
f = open(p, "rb")
f.raw.name = "renamed"
print(f.name, f.raw.name, repr(f))
f.close()

# IncrementalNewlineDecoder.
class Latin1Decoder:
    # A minimal incremental decoder: the protocol IncrementalNewlineDecoder calls.
    def __init__(self): self.calls = 0
    def decode(self, data, final=False):
        self.calls += 1
        return data.decode("latin-1")
    def getstate(self): return (b"", 0)
    def setstate(self, state): pass
    def reset(self): self.calls = 0
dec = io.IncrementalNewlineDecoder(Latin1Decoder(), translate=True)
print(repr(dec.decode(b"a\r")), repr(dec.decode(b"\nb\r")), repr(dec.decode(b"c\n", final=True)), dec.newlines)
print(dec.getstate())
dec.reset()
print(dec.newlines, repr(dec.decode(b"x\r", final=True)))
raw = io.IncrementalNewlineDecoder(None, translate=False)
print(repr(raw.decode("a\r\nb\rc\n")), raw.newlines)
print(repr(raw.decode("d\r")), raw.getstate())
raw.setstate((b"", 0))
print(repr(raw.decode("", final=True)))
try:
    io.IncrementalNewlineDecoder(None, True).decode(b"bytes")
except TypeError as e:
    print("TypeError", e)

# BufferedRWPair over two streams.
r, w = io.BytesIO(b"incoming data"), io.BytesIO()
pair = io.BufferedRWPair(r, w)
print(pair.read(8), pair.readable(), pair.writable(), pair.write(b"outgoing"), pair.closed)
pair.flush()
print(w.getvalue(), pair.read())
pair.close()
print(pair.closed, r.closed, w.closed)
try:
    io.BufferedRWPair(io.BytesIO(), io.BytesIO(), 0)
except ValueError as e:
    print("ValueError", e)

import shutil
shutil.rmtree(d)
