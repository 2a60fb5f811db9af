# add_note refuses a __notes__ that is not a list; OSError picks its errno
# subclass only from an int first argument (a str one is no errno).
import errno


class E(Exception):
    pass


e = E()
e.__notes__ = (1,)
try:
    e.add_note("x")
except TypeError as t:
    print("add_note:", t)
print(e.__notes__)

e2 = E()
e2.add_note("first")
e2.add_note("second")
print(e2.__notes__)

for args in [("a", "b"), (errno.ENOENT, "b"), (errno.EACCES, "c", "f"), (True, "x"), (2.0, "y")]:
    err = OSError(*args)
    print(type(err).__name__, err.errno, err.strerror)
