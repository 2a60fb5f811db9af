# math: constants, roots/exp/log, trigonometry, rounding to int, and the domain/range errors.
import math
print(math.pi, math.e, math.tau, math.inf, -math.inf, math.nan, math.isnan(math.nan))
for x in [0.0, 0.5, 1, 2, 10, 1e-10, 123.456]:
    print(x, math.sqrt(x), math.exp(x), math.log(x) if x else "-", math.log2(x) if x else "-", math.log10(x) if x else "-", math.log1p(x), math.expm1(x))
print(math.log(8, 2), math.log(100, 10), math.log(2**1000), math.log(10**400, 10), math.log2(2**2000), math.log10(10**500), math.log(1e-300))
print(math.cbrt(27), math.cbrt(-8), math.exp2(10), math.exp2(0.5), math.pow(2, 0.5), math.pow(-8, 1 / 3) if False else math.pow(-2, 3), math.pow(0, 0), math.pow(1, math.nan))
for x in [0, 0.5, 1, -1, math.pi / 6, math.pi]:
    print(round(math.sin(x), 12), round(math.cos(x), 12), round(math.tan(x), 12), math.atan(x), math.sinh(x), math.cosh(x), math.tanh(x))
print(math.asin(1), math.acos(-1), math.atan2(1, -1), math.atan2(-0.0, -1), math.asinh(1), math.acosh(2), math.atanh(0.5), math.degrees(math.pi), math.radians(180))
print(math.hypot(3, 4), math.hypot(1, 2, 2), math.hypot(), math.hypot(-5), math.dist((0, 0), (3, 4)), math.dist([1, 1, 1], [2, 2, 2]))
for v in [2.5, -2.5, 3, -0.5, 1e20, 2**70, True]:
    print(v, math.floor(v), math.ceil(v), math.trunc(v), type(math.floor(v)).__name__)
print(math.fabs(-3), math.fabs(2**60), math.copysign(3, -0.0), math.copysign(-2, 1), math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.remainder(7, 3), math.remainder(5, 2), math.remainder(-5, 2))
print(math.modf(3.25), math.modf(-3.25), math.modf(math.inf), math.frexp(8), math.frexp(0.3), math.frexp(0.0), math.ldexp(0.75, 4), math.ldexp(1, -1074))
print(math.isinf(math.inf), math.isinf(1e308), math.isfinite(1e308), math.isfinite(math.nan), math.isnan(0.0), math.isnan(float("nan")))
print(math.erf(0.5), math.erfc(0.5), math.gamma(5), math.gamma(0.5), math.lgamma(10), math.lgamma(0.5), math.nextafter(1, 2), math.nextafter(0, -1), math.ulp(1), math.ulp(1e300))
print(math.sqrt(2**1000) == 2**500, math.exp(-1000), math.exp(709), math.floor(-0.0), math.ceil(-0.5), math.trunc(-0.9))
errors = [
    ("sqrt(-1)", lambda: math.sqrt(-1)), ("log(0)", lambda: math.log(0)), ("log(-1)", lambda: math.log(-1)), ("log(1, 1)", lambda: math.log(1, 1)),
    ("log(2, 0)", lambda: math.log(2, 0)), ("log10(0)", lambda: math.log10(0)), ("log2(-2)", lambda: math.log2(-2)), ("exp(1000)", lambda: math.exp(1000)),
    ("pow(0, -1)", lambda: math.pow(0, -1)), ("pow(-1, 0.5)", lambda: math.pow(-1, 0.5)), ("pow(10, 400)", lambda: math.pow(10, 400)),
    ("asin(2)", lambda: math.asin(2)), ("acos(-2)", lambda: math.acos(-2)), ("acosh(0)", lambda: math.acosh(0)), ("atanh(1)", lambda: math.atanh(1)),
    ("fmod(1, 0)", lambda: math.fmod(1, 0)), ("fmod(inf, 1)", lambda: math.fmod(math.inf, 1)), ("remainder(1, 0)", lambda: math.remainder(1, 0)),
    ("floor(inf)", lambda: math.floor(math.inf)), ("ceil(nan)", lambda: math.ceil(math.nan)), ("trunc(inf)", lambda: math.trunc(math.inf)),
    ("sqrt('x')", lambda: math.sqrt("x")), ("floor(None)", lambda: math.floor(None)), ("gamma(0)", lambda: math.gamma(0)), ("gamma(-1)", lambda: math.gamma(-1)),
    ("lgamma(-2)", lambda: math.lgamma(-2)), ("cosh(1000)", lambda: math.cosh(1000)), ("ldexp(1, 5000)", lambda: math.ldexp(1, 5000)),
    ("sin(inf)", lambda: math.sin(math.inf)), ("log1p(-1)", lambda: math.log1p(-1)), ("dist", lambda: math.dist((1,), (1, 2))),
    ("exp(10**400)", lambda: math.exp(10**400)), ("sqrt(10**400)", lambda: math.sqrt(10**400)),
]
for name, f in errors:
    try:
        print(name, f())
    except (ValueError, OverflowError, TypeError, ZeroDivisionError) as e:
        print(name, type(e).__name__, e)
print(math.sqrt(math.inf), math.exp(-math.inf), math.log(math.inf), math.atan(math.inf), math.tanh(-math.inf), math.hypot(math.inf, math.nan), math.sqrt(math.nan))
