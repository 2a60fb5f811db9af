# array slicing: reads, assignments (same size, resizing, extended) and deletions.
from array import array


def attempt(label, f):
    try:
        r = f()
        print(label, "ok", r)
    except Exception as e:
        print(label, type(e).__name__, e)


a = array("i", range(10))
print(a[2:5], a[:3], a[7:], a[::3], a[8:2:-2], a[-3:-1], a[5:5], a[100:200])
a[2:5] = array("i", [20, 30, 40])
print(a)
a[2:5] = array("i", [1])
print(a)
a[1:1] = array("i", [7, 7, 7])
print(a)
a[::2] = array("i", [0] * len(a[::2]))
print(a)
del a[1:3]
print(a)
del a[::2]
print(a)
del a[-1]
print(a)
a[len(a):] = array("i", [99, 98])
print(a)
a[:] = array("i", [5, 4, 3, 2, 1])
print(a)
a[::-1] = array("i", [1, 2, 3, 4, 5])
print(a)
attempt("assign list", lambda: a.__setitem__(slice(0, 2), [1, 2]))
attempt("assign other typecode", lambda: a.__setitem__(slice(0, 2), array("d", [1.0])))
attempt("extended size", lambda: a.__setitem__(slice(None, None, 2), array("i", [1])))
attempt("index out", lambda: a[10])
attempt("assign out", lambda: a.__setitem__(10, 1))
attempt("del out", lambda: a.__delitem__(-10))
attempt("str index", lambda: a["x"])
attempt("float index", lambda: a[1.0])
attempt("zero step", lambda: a[::0])
attempt("assign float to i", lambda: a.__setitem__(0, 1.5))
attempt("assign str to d", lambda: array("d", [1]).__setitem__(0, "x"))
b = array("d", [0.5] * 4)
b[1:3] = array("d", [])
print(b, len(b))
c = array("B", range(6))
c[1::2] = array("B", [255, 254, 253])
print(c, c.tobytes())
