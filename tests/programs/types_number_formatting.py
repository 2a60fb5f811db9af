# Number formatting: format() specs for int and float (fill/align/sign/width/grouping/precision/types), str()/repr() of edge values.
ints = [0, 7, -7, 1234567, -1234567, 2**64, -(2**70)]
specs = ["", "d", "+d", " d", "10d", "<10d", "^10d", "=+10d", "010d", ",", "_", ",d", "_x", "x", "#x", "X", "#X", "o", "#o", "b", "#b", "#010b", "08_b", "e", ".2f", "%", "n", "c"]
for v in ints:
    row = []
    for s in specs:
        try:
            row.append(format(v, s))
        except (ValueError, OverflowError) as e:
            row.append(type(e).__name__)
    print(v, row)
floats = [0.0, -0.0, 1.5, -2.25, 1234567.891, 1e-7, 1e22, 3.141592653589793, float("inf"), float("nan"), 0.5, 2.5]
fspecs = ["", "f", ".0f", ".1f", "e", ".3e", "E", "g", ".3g", "G", "%", ".1%", "10.2f", "<10.2f", "^12.3e", "+.2f", " .2f", "010.3f", ",.2f", "_.1f", "#.0f", "#g", "z.1f", ".15g", ".17g", "n", "*>12,.2f"]
for v in floats:
    row = []
    for s in fspecs:
        try:
            row.append(format(v, s))
        except ValueError as e:
            row.append(type(e).__name__)
    print(repr(v), row)
import enum
class Color(enum.IntEnum):
    RED = 1
class MyInt(int):
    pass
for bad in [(1, "s"), (True, "s"), (False, "x="), (MyInt(3), "s"), (Color.RED, "s"), (True, ".2"), (1.5, "d"), (1, ".2"), (1.5, "x"), ("s", "d"), (1, "=s"), (1, ",_"), ("x", ",")]:
    try:
        print(format(*bad))
    except ValueError as e:
        print(bad, type(e).__name__, e)
print(f"{1234:,}", f"{1234.5678:,.2f}", f"{0.000012345:.3g}", f"{123456789:.3e}", f"{-0.0:g}", f"{1e100:.0f}"[:20], f"{2**100:e}")
