# open() modes: the classes and modes for every combination, exclusive creation,
# and the argument errors.
import os

NAME = "io_file_modes.tmp"


def attempt(label, f):
    try:
        r = f()
        print(label, "ok", r)
    except Exception as e:
        print(label, type(e).__name__, e)


for mode in ["w", "r", "a", "r+", "w+", "a+", "wb", "rb", "ab", "r+b", "rb+", "w+b",
             "ab+", "rt", "wt", "at+"]:
    f = open(NAME, mode)
    inner = getattr(f, "buffer", None)
    raw = getattr(inner if inner is not None else f, "raw", None)
    print(mode, type(f).__name__, f.mode,
          inner.mode if inner is not None else "-",
          raw.mode if raw is not None else "-",
          f.readable(), f.writable())
    f.close()

os.remove(NAME)
with open(NAME, "x") as f:
    f.write("created")
attempt("x again", lambda: open(NAME, "x"))
attempt("xb again", lambda: open(NAME, "xb"))
with open(NAME) as f:
    print(f.read())

for bad in ["z", "rw", "rr", "", "wa", "r+t+", "U", "rbt", "bt"]:
    attempt("mode %r" % bad, lambda: open(NAME, bad))
attempt("binary encoding", lambda: open(NAME, "rb", encoding="utf-8"))
attempt("binary errors", lambda: open(NAME, "rb", errors="strict"))
attempt("binary newline", lambda: open(NAME, "rb", newline=""))
attempt("unbuffered text", lambda: open(NAME, "r", buffering=0))
attempt("bad newline", lambda: open(NAME, "r", newline="x"))
attempt("bad encoding", lambda: open(NAME, "r", encoding="no-such-codec"))
attempt("mode int", lambda: open(NAME, 5))
attempt("path float", lambda: open(1.5))
attempt("path none", lambda: open(None))
attempt("encoding int", lambda: open(NAME, encoding=5))

with open(NAME, "w", encoding="latin-1") as f:
    print(f.encoding)
with open(NAME, "w", buffering=1) as f:
    print(f.line_buffering)
os.remove(NAME)
print(os.path.exists(NAME))
