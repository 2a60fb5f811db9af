# float methods: is_integer, as_integer_ratio, hex/fromhex, float() parsing, conversions, errors.
vals = [0.0, -0.0, 1.0, 0.5, -2.75, 3.141592653589793, 1e300, 5e-324, 2.0**53, 0.1, 1 / 3, 123456789.125]
for v in vals:
    print(repr(v), v.is_integer(), v.as_integer_ratio(), v.hex(), float.fromhex(v.hex()) == v)
for v in [float("inf"), float("-inf"), float("nan")]:
    print(v, v.is_integer(), v.hex())
    try:
        v.as_integer_ratio()
    except (OverflowError, ValueError) as e:
        print(type(e).__name__, e)
for h in ["0x1p0", "0x1.8p1", "-0x1.fffffffffffffp+1023", "0x.8", "1", "0x1p-1074", "inf", "-nan", " 0x10 ", "0XAP2"]:
    print(h, float.fromhex(h))
for h in ["0x1p99999", "zz", "0x1.g"]:
    try:
        float.fromhex(h)
    except (OverflowError, ValueError) as e:
        print(type(e).__name__, e)
for s in ["1.5", "  -2.5e3  ", "1_000.5", "inf", "-Infinity", "nan", "NaN", "1e500", "-1e-500", ".5", "5.", "+.5e-2", "0x10" if False else "16"]:
    print(repr(s), float(s))
for s in ["", "1.5.5", "abc", "1e", "1__0", "_1", "0x10", "in f"]:
    try:
        float(s)
    except ValueError as e:
        print(type(e).__name__, e)
for bad in [None, [1.0], "1" * 0 or {}]:
    try:
        float(bad)
    except TypeError as e:
        print(type(e).__name__, e)
print(float(), float(7), float(-2**60), float(True), float(b"2.5"), (2.5).real, (2.5).imag, (2.5).conjugate(), abs(-0.0))
print(1.5.__floor__() if hasattr(1.5, "__floor__") else 1, int(2.999), (7.0).__trunc__(), float.__name__, (3.7).__int__())
class F:
    def __float__(self): return 4.25
class I:
    def __index__(self): return 9
print(float(F()), float(I()), 1.0 == 1, 0.1 + 0.2 == 0.3, 0.1 + 0.2, 1e16 + 1, 2.0 ** 0.5, 10.0 ** -2, (-8.0) ** 2)
try:
    0.0 ** -1
except ZeroDivisionError as e:
    print(type(e).__name__, e)
try:
    1.0 / 0
except ZeroDivisionError as e:
    print(type(e).__name__, e)
try:
    5.5 // 0.0
except ZeroDivisionError as e:
    print(type(e).__name__, e)
try:
    5.5 % 0
except ZeroDivisionError as e:
    print(type(e).__name__, e)
try:
    10.0 ** 400
except OverflowError as e:
    print(type(e).__name__, e)
print(7.5 // 2, -7.5 // 2, 7.5 % 2, -7.5 % 2, 7.5 % -2, divmod(-7.5, 2), divmod(7, 0.5), 1e300 * 1e10, -1e300 * 1e10)
