# array conversions: range errors per typecode, type errors, bad typecodes.
from array import array


def attempt(label, f):
    try:
        r = f()
        print(label, "ok", r)
    except Exception as e:
        print(label, type(e).__name__, e)


limits = {"b": 8, "h": 16, "i": 32, "l": 64, "q": 64}
for tc, bits in limits.items():
    lo, hi = -2 ** (bits - 1), 2 ** (bits - 1) - 1
    attempt(tc + " max", lambda: array(tc, [hi]))
    attempt(tc + " max+1", lambda: array(tc, [hi + 1]))
    attempt(tc + " min", lambda: array(tc, [lo]))
    attempt(tc + " min-1", lambda: array(tc, [lo - 1]))
for tc, bits in {"B": 8, "H": 16, "I": 32, "L": 64, "Q": 64}.items():
    attempt(tc + " max", lambda: array(tc, [2 ** bits - 1]))
    attempt(tc + " max+1", lambda: array(tc, [2 ** bits]))
    attempt(tc + " -1", lambda: array(tc, [-1]))
for tc in "bBhHiIlLqQ":
    attempt(tc + " float", lambda: array(tc, [1.5]))
    attempt(tc + " str", lambda: array(tc, ["1"]))
for tc in "fd":
    attempt(tc + " str", lambda: array(tc, ["x"]))
    attempt(tc + " None", lambda: array(tc, [None]))
    attempt(tc + " big int", lambda: array(tc, [2 ** 2000]))
attempt("u int", lambda: array("u", [1]))
attempt("u long str", lambda: array("u", ["ab"]))
attempt("bad code", lambda: array("z"))
attempt("two chars", lambda: array("ii"))
attempt("int code", lambda: array(3))
attempt("no args", lambda: array())
attempt("too many", lambda: array("i", [], 3))
attempt("kwargs", lambda: array("i", initializer=[]))
attempt("str init", lambda: array("i", "123"))
attempt("int init", lambda: array("i", 5))
attempt("bytes init odd", lambda: array("i", b"abc"))
a = array("b", [1])
attempt("setitem overflow", lambda: a.__setitem__(0, 300))
attempt("append overflow", lambda: a.append(-300))
attempt("insert overflow", lambda: a.insert(0, 128))
print(a)
