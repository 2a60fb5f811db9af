# float repr/str round-trip, inf/nan behaviour, round() with ndigits and half-even, comparisons with ints.
import math
for v in [0.1, 0.2, 0.30000000000000004, 1e16, 1e17, 123456789012345678.0, 1e-4, 1e-5, 0.0001234, 1.5e-7, 2.5, 100.0, 1e22, 1e23,
          -0.0, 5e-324, 1.7976931348623157e308, 9007199254740993.0, 0.1 * 3, 1 / 7, 2 / 3, 4.35, 12345.678]:
    print(repr(v), str(v), float(repr(v)) == v)
inf, nan = float("inf"), float("nan")
print(inf, -inf, nan, inf + 1, inf - inf, inf * 0, -inf < 0 < inf, nan == nan, nan != nan, nan < 1, nan > 1, inf == inf)
print(math.isnan(inf - inf), math.isinf(-inf), 1e308 * 10, -1e308 * 10, inf / inf != inf / inf, [nan] == [nan], nan in [nan])
print(round(2.5), round(3.5), round(-2.5), round(0.5), round(1.5), round(2.675, 2), round(1.005, 2), round(0.125, 2), round(0.375, 2))
print(round(123.456, -1), round(123.456, -2), round(-0.5), round(1e20), round(3.14159, 3), round(2.5, 0), round(-1.25, 1), type(round(2.5)).__name__, type(round(2.5, 0)).__name__)
for bad in [inf, nan]:
    try:
        round(bad)
    except (OverflowError, ValueError) as e:
        print(type(e).__name__, e)
print(round(inf, 2), round(nan, 1), round(1e300, 2), round(5e-324, 400))
print(1 == 1.0, 2**53 == 2.0**53, 2**53 + 1 == 2.0**53, 0.5 < 1, -1 < -0.5, 10**20 == 1e20, 10**23 == 1e23, 3 < 3.0000000001)
print(1.0 < 2**1000, -(2**1000) < -1e300, float(2**1000) > 1e300, 2**1024 > 1e308, inf > 2**5000, -inf < -(2**5000))
print(sorted([3, 1.5, -2, 2**64, 0.0, -inf, inf]), max(1, 1.0), max(1.0, 1), min(0, -0.0), min(-0.0, 0))
print(f"{0.1:.20f}", f"{1/3:.15g}", f"{2.5:.0f}", f"{3.5:.0f}", f"{1e-10:f}", f"{123.456:e}", f"{-0.0:+.1f}", f"{1234.5:_.2f}")
print(str(1e15), str(1e16), str(123456789.0 * 1000), repr(1.0e-3), repr(12e-5), 1.0, -1.5, 3e0, 1_0.0_1)
