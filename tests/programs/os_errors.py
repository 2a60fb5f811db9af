# OSError subclasses and messages from the os functions.
import os

D = "os_errors_dir"


def attempt(label, f):
    try:
        r = f()
        print(label, "ok", r)
    except OSError as e:
        print(label, type(e).__name__, e.errno, "|", e, "|", e.filename, e.filename2)
    except Exception as e:
        print(label, type(e).__name__, e)


attempt("remove missing", lambda: os.remove("os_errors_missing"))
attempt("unlink missing", lambda: os.unlink("os_errors_missing"))
attempt("rmdir missing", lambda: os.rmdir("os_errors_missing"))
attempt("listdir missing", lambda: os.listdir("os_errors_missing"))
attempt("stat missing", lambda: os.stat("os_errors_missing"))
attempt("getsize missing", lambda: os.path.getsize("os_errors_missing"))
attempt("rename missing", lambda: os.rename("os_errors_missing", "os_errors_other"))
os.mkdir(D)
attempt("mkdir exists", lambda: os.mkdir(D))
attempt("makedirs exists", lambda: os.makedirs(D))
attempt("makedirs exist_ok", lambda: os.makedirs(D, exist_ok=True))
with open(os.path.join(D, "f"), "w") as f:
    f.write("x")
attempt("rmdir nonempty", lambda: os.rmdir(D))
attempt("remove dir", lambda: os.remove(D))
attempt("listdir file", lambda: os.listdir(os.path.join(D, "f")))
attempt("mkdir under file", lambda: os.mkdir(os.path.join(D, "f", "g")))
attempt("makedirs over file", lambda: os.makedirs(os.path.join(D, "f"), exist_ok=True))
attempt("chdir missing", lambda: os.chdir("os_errors_missing"))
attempt("remove int", lambda: os.remove(3.5))
attempt("mkdir none", lambda: os.mkdir(None))
attempt("urandom neg", lambda: os.urandom(-1))
attempt("strerror", lambda: os.strerror(2))
e = OSError(2, "No such file or directory", "x")
print(type(e).__name__, e, e.errno, e.strerror, e.filename, e.args)
e2 = OSError(17, "File exists")
print(type(e2).__name__, e2, isinstance(e2, FileExistsError))
e3 = OSError("plain message")
print(type(e3).__name__, e3, e3.errno)
e4 = FileNotFoundError(2, "msg", "a", None, "b")
print(e4, e4.filename2)
try:
    raise PermissionError(13, "Permission denied", "/root/x")
except OSError as err:
    print(type(err).__name__, err)
os.remove(os.path.join(D, "f"))
os.rmdir(D)
print(os.path.exists(D))
