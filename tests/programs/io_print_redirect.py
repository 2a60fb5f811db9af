# print() to files, StringIO, redirected sys.stdout, and any object with write().
import io
import sys

print("a", "b", 3, sep="-", end="!\n")
print("no", "sep", sep="")
print("none sep", sep=None, end=None)
print()
print(*range(5), sep=", ")

buf = io.StringIO()
print("to buffer", 1, 2.5, None, [1, "x"], file=buf)
print("second", file=buf, end="")
print(repr(buf.getvalue()))


class Recorder:
    def __init__(self):
        self.calls = []
        self.flushed = 0

    def write(self, s):
        self.calls.append(s)
        return len(s)

    def flush(self):
        self.flushed += 1


r = Recorder()
print("x", "y", 3, file=r)
print(file=r)
print("z", file=r, sep="|", end="", flush=True)
print(r.calls, r.flushed)

old = sys.stdout
sys.stdout = io.StringIO()
print("captured line")
sys.stdout.write("direct write\n")
captured = sys.stdout.getvalue()
sys.stdout = old
print(repr(captured))

sys.stdout = Recorder()
print("into recorder", 42)
rec = sys.stdout
sys.stdout = old
print(rec.calls)

sys.stdout = None
print("dropped silently")
sys.stdout = old
print("restored", sys.stdout is sys.__stdout__)

for bad in [dict(sep=5), dict(end=b"x"), dict(file=42), dict(bogus=1)]:
    try:
        print("x", **bad)
    except Exception as e:
        print(type(e).__name__, e)

NAME = "io_print_redirect.tmp"
with open(NAME, "w") as f:
    for i in range(3):
        print("line", i, file=f)
    print("flushed", file=f, flush=True)
with open(NAME) as f:
    print(f.read().splitlines())
import os
os.remove(NAME)


class Weird:
    def __str__(self):
        return "weird!"


print(Weird(), file=buf)
print(buf.getvalue().splitlines()[-1])
sys.stdout.flush()
