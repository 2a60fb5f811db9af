# OS errors and closed-file / unsupported-operation errors of file objects.
import io
import os

NAME = "io_file_errors.tmp"
DIR = "io_file_errors_dir"


def attempt(label, f):
    try:
        r = f()
        print(label, "ok", repr(r))
    except Exception as e:
        print(label, type(e).__name__, e)


try:
    open("io_file_errors_missing.txt")
except FileNotFoundError as e:
    print(type(e).__name__, e.errno, e.strerror, e.filename, e.args)
except OSError as e:
    print("wrong class", type(e).__name__)

os.mkdir(DIR)
attempt("open dir", lambda: open(DIR))
attempt("open dir w", lambda: open(DIR, "w"))
attempt("missing in dir", lambda: open(os.path.join(DIR, "a", "b"), "w"))

with open(NAME, "w") as f:
    f.write("abc\n")

f = open(NAME)
attempt("write on r", lambda: f.write("x"))
attempt("writelines on r", lambda: f.writelines(["x"]))
attempt("truncate on r", lambda: f.truncate())
attempt("seek cur", lambda: f.seek(2, 1))
attempt("seek end", lambda: f.seek(-1, 2))
attempt("seek whence", lambda: f.seek(0, 5))
attempt("seek neg", lambda: f.seek(-3))
f.close()
for name in ["read", "readline", "readlines", "tell", "flush", "fileno", "isatty",
             "seekable", "__enter__"]:
    attempt("closed " + name, getattr(f, name))
attempt("closed next", lambda: next(f))
attempt("closed seek", lambda: f.seek(0))
attempt("closed write", lambda: f.write("x"))
print(f.closed, f.name, f.mode)
f.close()

g = open(NAME, "w")
attempt("read on w", g.read)
attempt("readline on w", g.readline)
attempt("write int", lambda: g.write(12))
attempt("write bytes", lambda: g.write(b"x"))
g.close()

h = open(NAME, "wb")
attempt("bin write str", lambda: h.write("x"))
attempt("bin read on wb", lambda: h.read())
h.close()
h = open(NAME, "rb")
attempt("bin read -2", lambda: h.read(-2))
attempt("bin write on rb", lambda: h.write(b"x"))
h.close()
attempt("bin closed read", h.read)
attempt("bin closed readline", h.readline)
attempt("bin closed seek", lambda: h.seek(0))
attempt("bin closed tell", h.tell)

print(issubclass(io.UnsupportedOperation, OSError), issubclass(io.UnsupportedOperation, ValueError))
try:
    open(NAME).write("x")
except io.UnsupportedOperation as e:
    print("caught UnsupportedOperation", e)

os.remove(NAME)
os.rmdir(DIR)
print(os.path.exists(NAME), os.path.exists(DIR))
