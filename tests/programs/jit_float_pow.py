# `**` on floats in a hot loop: the JIT computes C's pow where CPython's float_pow
# does, and leaves every special case (complex results, ZeroDivisionError,
# OverflowError, infinities, NaNs) to the interpreter.
import math


def powers(bases, exponent):
    out = []
    for b in bases:
        out.append(b ** exponent)
    return out


def total(n):
    t = 0.0
    for i in range(1, n):
        t += (i * 0.5) ** (-1.5) + i ** 0.5 + 2.0 ** (i % 7)
    return t


print(round(total(3000), 9))
print(powers([0.5, 1.0, 2.0, 3.25], 3.5))
# The guard fails on a negative base: a complex result, as CPython gives.
print(powers([4.0, 9.0, -8.0, 16.0], 0.5))
# Zero to a negative power raises ZeroDivisionError from the loop's line.
for xs in ([1.0, 2.0, 0.0, 3.0], [1.5, 1e200, 2.0]):
    try:
        print(powers(xs, -1.0 if 0.0 in xs else 2.0))
    except (ZeroDivisionError, OverflowError) as e:
        print(type(e).__name__, e)
print(powers([2.0, math.inf, 0.25], -2.0))
print(powers([math.nan, 1.0], 0.0), powers([1.0], math.nan))
print(powers([2, 3, 5], 0.5), powers([2.0, 3.0], 3))
