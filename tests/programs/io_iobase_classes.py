# The io class hierarchy; subclasses of StringIO and IOBase written in Python.
import io


class Upper(io.StringIO):
    def write(self, s):
        return super().write(s.upper())


u = Upper()
print("hello", "there", file=u)
u.write("direct\n")
print(repr(u.getvalue()), isinstance(u, io.StringIO), type(u).__name__)


class Lines(io.IOBase):
    def __init__(self, lines):
        self.lines = list(lines)

    def readline(self, size=-1):
        return self.lines.pop(0) if self.lines else ""

    def readable(self):
        return True


src = Lines(["a\n", "b\n", "c"])
print(src.readable(), src.writable(), src.seekable(), src.closed)
print(list(src))
src2 = Lines(["x\n", "y\n"])
print(src2.readlines())
with Lines([]) as l:
    print(l.closed)
print(l.closed)
try:
    iter(l)
except ValueError as e:
    print("ValueError", e)
try:
    l.fileno()
except io.UnsupportedOperation as e:
    print("UnsupportedOperation", e)


class Sink(io.IOBase):
    def __init__(self):
        self.parts = []

    def write(self, s):
        self.parts.append(s)
        return len(s)


s = Sink()
s.writelines(["p", "q"])
print("r", file=s)
print(s.parts)

for cls in [io.StringIO, io.BytesIO, io.TextIOWrapper, io.BufferedReader,
            io.BufferedWriter, io.BufferedRandom, io.FileIO]:
    print(cls.__name__, cls.__module__, [c.__name__ for c in cls.__mro__])
print(io.UnsupportedOperation.__module__, [c.__name__ for c in io.UnsupportedOperation.__mro__])
print(io.SEEK_SET, io.SEEK_CUR, io.SEEK_END, io.DEFAULT_BUFFER_SIZE)
print(io.open is open)
