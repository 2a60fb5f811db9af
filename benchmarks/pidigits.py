"""Digits of pi with big integers (spigot algorithm, after the Benchmarks Game's
pidigits). Prints the digits in lines of ten."""
import sys


def pidigits(n):
    digits = []
    q, r, t, k, m, x = 1, 0, 1, 1, 3, 3
    while len(digits) < n:
        if 4 * q + r - t < m * t:
            digits.append(m)
            q, r, t, k, m, x = 10 * q, 10 * (r - m * t), t, k, (10 * (3 * q + r)) // t - 10 * m, x
        else:
            q, r, t, k, m, x = q * k, (2 * q + r) * x, t * x, k + 1, (q * (7 * k + 2) + r * x) // (t * x), x + 2
    return digits


n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
d = pidigits(n)
for i in range(0, n, 10):
    chunk = "".join(str(x) for x in d[i:i + 10])
    print("%-10s\t:%d" % (chunk, min(i + 10, n)))
