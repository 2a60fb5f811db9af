# math integer functions: factorial, gcd, lcm, comb, perm, isqrt, prod, fsum, isclose, and their errors.
import math
print([math.factorial(n) for n in range(8)], math.factorial(30), len(str(math.factorial(500))))
print(math.gcd(12, 18), math.gcd(-12, 18), math.gcd(0, 0), math.gcd(0, 5), math.gcd(), math.gcd(7), math.gcd(12, 18, 27), math.gcd(2**100, 2**80 * 3))
print(math.lcm(4, 6), math.lcm(-4, 6), math.lcm(0, 5), math.lcm(), math.lcm(3), math.lcm(2, 3, 4, 5), math.lcm(2**64, 3))
print([math.comb(6, k) for k in range(8)], math.comb(100, 50), math.comb(10, 0), math.comb(0, 0), math.comb(5, 7))
print([math.perm(5, k) for k in range(7)], math.perm(5), math.perm(0), math.perm(20, 10), math.perm(3, None))
print([math.isqrt(n) for n in [0, 1, 3, 4, 15, 16, 17, 99, 100]], math.isqrt(10**40), math.isqrt(2**127), math.isqrt(True))
print(math.prod([1, 2, 3, 4]), math.prod([]), math.prod(range(1, 11)), math.prod([2.5, 2]), math.prod([2, 3], start=10), math.prod(["ab"], start=1) if False else math.prod([[1]], start=2))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.fsum([1e100, 1.0, -1e100]), math.fsum([]), math.fsum(range(10)), math.fsum([1, 1e-16, 1e-16]), math.fsum([0.3, 0.3, 0.3]))
print(math.isclose(1.0, 1.0 + 1e-10), math.isclose(1.0, 1.1), math.isclose(1.0, 1.1, rel_tol=0.2), math.isclose(0, 1e-10), math.isclose(0, 1e-10, abs_tol=1e-9),
      math.isclose(math.inf, math.inf), math.isclose(math.nan, math.nan), math.isclose(-math.inf, math.inf), math.isclose(1, 1))
errors = [
    ("factorial(-1)", lambda: math.factorial(-1)), ("factorial(2.5)", lambda: math.factorial(2.5)), ("factorial(3.0)", lambda: math.factorial(3.0)),
    ("factorial('5')", lambda: math.factorial("5")), ("gcd(1.5)", lambda: math.gcd(1.5, 2)), ("lcm('a')", lambda: math.lcm("a")),
    ("comb(-1, 2)", lambda: math.comb(-1, 2)), ("comb(5, -1)", lambda: math.comb(5, -1)), ("comb(5.0, 2)", lambda: math.comb(5.0, 2)),
    ("perm(-1)", lambda: math.perm(-1)), ("perm(3, -2)", lambda: math.perm(3, -2)), ("isqrt(-1)", lambda: math.isqrt(-1)), ("isqrt(2.0)", lambda: math.isqrt(2.0)),
    ("isclose tol", lambda: math.isclose(1, 2, rel_tol=-1)), ("fsum inf-inf", lambda: math.fsum([math.inf, -math.inf])), ("fsum overflow", lambda: math.fsum([1e308, 1e308])),
    ("fsum str", lambda: math.fsum(["a"])), ("comb()", lambda: math.comb(1)), ("prod kw", lambda: math.prod([1], begin=2)),
]
for name, f in errors:
    try:
        print(name, f())
    except (ValueError, OverflowError, TypeError) as e:
        print(name, type(e).__name__, e)
print(math.fsum([math.inf, 1]), math.fsum([math.nan, 1]), math.comb(True, True), math.perm(10, 3) == math.factorial(10) // math.factorial(7))
