# Sequence repetition by huge or negative counts: empty sequences stay empty at once,
# counts past a C ssize_t (either sign) are OverflowError.
import array
big = 2 ** 60
for label, f in [("list", lambda: [] * big), ("str", lambda: "" * big), ("tuple", lambda: () * big),
                 ("bytes", lambda: b"" * big), ("array", lambda: array.array("i") * big),
                 ("neg list", lambda: [1] * -5), ("neg str", lambda: "ab" * -(10 ** 30)),
                 ("huge str", lambda: "3.14" * (10 ** 30)), ("huge neg list", lambda: [1] * -(2 ** 64)),
                 ("huge neg tuple", lambda: (1,) * -(10 ** 30)), ("bytes neg", lambda: b"x" * -(2 ** 70))]:
    try:
        print(label, repr(f()))
    except OverflowError as e:
        print(label, "OverflowError", e)
v = []
v *= big
print(v)
w = "3.14"
try:
    w *= -(10 ** 40)
except OverflowError as e:
    print("OverflowError", e)
print(repr(w))
