# Calls of math.sqrt/exp/sin/cos/tan/atan in compiled loops (computed on unboxed
# floats): results to the last bit, ints among the arguments, the errors the math
# module raises (ValueError, OverflowError) raised mid-loop, a name rebound to
# another function (another builtin, a Python function) while the loop runs, and an uncaught
# error last (its traceback).
import math
from math import sqrt, sin, cos


def norms(points):
    t = 0.0
    for x, y in points:
        t += sqrt(x * x + y * y)
    return t


pts = [(i * 0.25, -i * 1.5) for i in range(800)]
print("norms", norms(pts).hex())


def waves(n):
    out = []
    for i in range(n):
        x = i * 0.01
        out.append(sin(x) * cos(x) + math.tan(x / 7) - math.atan(x) + math.exp(-x))
    return out


w = waves(900)
print("waves", sum(w).hex(), w[17].hex(), w[-1].hex())


# Int arguments (small, then big ones the trace leaves to the interpreter).
def roots(values):
    t = 0.0
    for v in values:
        t += math.sqrt(v)
    return t


print("roots", roots(list(range(700)) + [2**80, 10**30, 3.5]).hex())

# sqrt of a negative number: ValueError where it happens.
try:
    roots(list(range(600)) + [-1.0])
except ValueError as e:
    print("ValueError:", e)

# NaN in, NaN out (no error); infinities.
print("nan", roots([float("nan")] * 300 + [1.0]), roots([float("inf")] * 300))


def exps(values):
    t = 0.0
    for v in values:
        t += math.exp(v)
    return t


print("exps", exps([i / 100 for i in range(700)]).hex(), exps([float("-inf")] * 400))
try:
    exps([i / 100 for i in range(600)] + [1000.0])
except OverflowError as e:
    print("OverflowError:", e)


def sines(values):
    t = 0.0
    for v in values:
        t += sin(v)
    return t


try:
    sines([0.5] * 600 + [float("inf")])
except ValueError as e:
    print("ValueError:", e)


# The name the loop calls is rebound mid-loop: to another builtin (math.cos), then
# to a Python function.
def rebinding(n):
    global sin
    out = []
    for i in range(n):
        if i == n // 3:
            sin = math.cos
        if i == 2 * n // 3:
            sin = lambda x: x * 2
        out.append(sin(i * 0.5))
    return out


r = rebinding(900)
print("rebinding", r[0], r[299], r[300], r[599], r[600], r[-1])
sin = math.sin


def last(values):
    t = 0.0
    for v in values:
        t += math.sqrt(v) + cos(v)
    return t


last([float(i) for i in range(500)] + [-2.0])
