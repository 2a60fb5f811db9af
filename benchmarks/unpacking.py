"""Sequence unpacking in its everyday forms: parallel assignment and swaps (a, b = b,
a + b), rotations of three names, nested targets ((a, b), (c, d) = m), for-loop targets
over tuples, enumerate and zip, starred targets (head, *rest = row; first, *middle,
last = row), list targets, element swaps in a list, and functions that return tuples
unpacked by their callers. Each round runs a handful of small integer kernels written
that way over data drawn from a linear congruential generator; so it measures
UNPACK_SEQUENCE / UNPACK_EX, tuple building and short calls. An iteration is one round;
prints a checksum over all rounds and the last round's partial results."""
import sys
import time

from _report import report_time_per_iteration


MOD = 1000000007


def lcg_values(seed, n):
    """n pseudo-random integers below 2 ** 20 and the generator's last state."""
    values = []
    state = seed
    for _ in range(n):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        value, low = divmod(state, 2048)
        values.append(value ^ (low & 7))
    return values, state


def fib_pair(n):
    """The nth and (n+1)th Fibonacci numbers mod MOD, by parallel assignment."""
    a, b = 0, 1
    for _ in range(n):
        a, b = b, (a + b) % MOD
    return a, b


def gcd_steps(a, b):
    """Euclid's algorithm by swapping; returns the gcd and the number of steps."""
    steps = 0
    while b:
        a, b = b, a % b
        steps += 1
    return a, steps


def mat_mul(m, n):
    (a, b), (c, d) = m
    (e, f), (g, h) = n
    return ((a * e + b * g) % MOD, (a * f + b * h) % MOD), \
           ((c * e + d * g) % MOD, (c * f + d * h) % MOD)


def mat_pow(m, k):
    """m ** k for a 2x2 matrix of nested tuples, by squaring."""
    result = ((1, 0), (0, 1))
    while k:
        k, bit = divmod(k, 2)
        if bit:
            result = mat_mul(result, m)
        m = mat_mul(m, m)
    return result


def rotate3(a, b, c, rounds):
    for _ in range(rounds):
        a, b, c = b, c, (a + b * 3 + c) % 65521
    return a, b, c


def min_max_sum(values):
    lo = hi = values[0]
    total = 0
    for v in values:
        if v < lo:
            lo = v
        elif v > hi:
            hi = v
        total += v
    return lo, hi, total


def split_rows(values, width):
    """Rows of `width` values, each folded as (first, middle sum, last) with starred
    targets, and as (head, tail length)."""
    acc = 0
    for start in range(0, len(values) - width + 1, width):
        row = values[start:start + width]
        first, *middle, last = row
        head, *tail = row
        *init, end = middle
        acc = (acc + first * 3 + sum(middle) + last * 5 + head + len(tail) + end) % MOD
        [x, y] = init[:2]
        acc = (acc ^ (x - y)) % MOD
    return acc


def records(values):
    """(name, (x, y), weight) triples consumed by a for loop with a nested target."""
    out = []
    for i in range(0, len(values) - 2, 3):
        out.append(("r%d" % (i % 7), (values[i] & 1023, values[i + 1] & 1023), values[i + 2] & 15))
    return out


def weigh(recs):
    cx = cy = total = 0
    for name, (x, y), weight in recs:
        cx += x * weight
        cy += y * weight
        total += weight + len(name)
    return cx, cy, total


def pairs_kernel(values):
    evens = values[0::2]
    odds = values[1::2]
    acc = 0
    for i, (p, q) in enumerate(zip(evens, odds)):
        lo, hi = (p, q) if p < q else (q, p)
        acc = (acc + (hi - lo) * (i & 7)) % MOD
    products = [a * b % 997 for a, b in zip(evens, odds)]
    return acc, sum(products)


def tally(values):
    """A dict of counts by residue, read back with `for key, count in d.items()`."""
    counts = {}
    for v in values:
        key = v % 13
        counts[key] = counts.get(key, 0) + 1
    acc = 0
    for key, count in counts.items():
        acc += key * count
    return acc


def odd_even_sort(values):
    """Sorts a copy with element swaps xs[i], xs[i + 1] = xs[i + 1], xs[i]."""
    xs = list(values)
    n = len(xs)
    unsorted = True
    swaps = 0
    while unsorted:
        unsorted = False
        for start in (0, 1):
            for i in range(start, n - 1, 2):
                if xs[i] > xs[i + 1]:
                    xs[i], xs[i + 1] = xs[i + 1], xs[i]
                    swaps += 1
                    unsorted = True
    return xs, swaps


def one_round(seed, size):
    values, state = lcg_values(seed, size)
    f, f_next = fib_pair(size * 4)
    g_total = steps_total = 0
    for a, b in zip(values, values[1:]):
        g, steps = gcd_steps(a, b)
        g_total += g
        steps_total += steps
    (m00, m01), (m10, m11) = mat_pow(((1, 1), (1, 0)), size * 1000 + seed)
    r1, r2, r3 = rotate3(seed & 255, size, 7, size * 3)
    lo, hi, total = min_max_sum(values)
    split = split_rows(values, 6)
    cx, cy, weight = weigh(records(values))
    pair_acc, product_sum = pairs_kernel(values)
    tallied = tally(values)
    ordered, swaps = odd_even_sort(values[:size // 4])
    parts = (f, f_next, g_total, steps_total, m00, m01, m10, m11, r1, r2, r3, lo, hi, total,
             split, cx, cy, weight, pair_acc, product_sum, tallied, ordered[0], ordered[-1],
             swaps, state)
    return parts


def main(rounds, size=600):
    checksum = 0
    times = []
    parts = ()
    for r in range(rounds):
        t0 = time.perf_counter()
        parts = one_round(1000 + r * 77, size)
        times.append(time.perf_counter() - t0)
        for p in parts:
            checksum = (checksum * 131 + p) % MOD
    print(checksum)
    print(*parts)
    report_time_per_iteration(times)


main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 100)
