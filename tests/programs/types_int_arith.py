# int arithmetic: //, %, divmod with negative operands, ** with negative exponents, pow with modulus, big ints.
pairs = [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 3), (2**70, 3), (-(2**70), 7), (12, 4), (1, 2**80), (-1, 2**80)]
for a, b in pairs:
    print(a, b, a // b, a % b, divmod(a, b), a / b)
for a, b in [(1, 0), (0, 0), (2**80, 0)]:
    for op, f in (("//", lambda x, y: x // y), ("%", lambda x, y: x % y), ("/", lambda x, y: x / y), ("divmod", divmod)):
        try:
            print(f(a, b))
        except ZeroDivisionError as e:
            print(op, type(e).__name__, e)
print(2 ** 10, 2 ** -1, (-2) ** 3, (-2) ** -3, 0 ** 0, 10 ** 20, 3 ** 100, (-3) ** 33, 7 ** 0, 2 ** 0.5)
try:
    0 ** -1
except ZeroDivisionError as e:
    print(type(e).__name__, e)
print(pow(3, 4, 5), pow(2, 100, 1000000007), pow(-3, 3, 7), pow(3, -1, 7), pow(5, -2, 13), pow(2, 3, -5), pow(7, 0, 1))
for args in [(3, -1, 6), (2, 3, 0), (2, 3.0, 5)]:
    try:
        print(pow(*args))
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
f = 1
for i in range(1, 40):
    f *= i
print(f, f // 10**20, f % 999983, -f // 7, len(str(f)), str(2**200)[:20], int(str(3**150)) == 3**150)
print(abs(-(2**80)), -(-(2**80)), +5, -0, 2**64 - 2**64, (2**64) * 0, (2**64 + 1) - 2**64, 10**30 // 10**29)
print(max(2**70, 2**69), min(-(2**70), 5), 2**70 == 2.0**70, 2**70 < 2.0**71, 2**53 + 1 == float(2**53 + 1), 10**400 > 1e308)
print(sum(range(10**6)), sum([2**64] * 4), round(123456, -2), round(-150, -2), round(250, -2), round(7), round(15, -1))
print(int(3.9), int(-3.9), int(True), int(" 42 "), int("-0"), int("1_000"), int(2**70), int(1e20), int(-0.5))
for bad in [float("inf"), float("nan")]:
    try:
        int(bad)
    except (OverflowError, ValueError) as e:
        print(type(e).__name__, e)
try:
    (2**2000) / 1.5
except OverflowError as e:
    print(type(e).__name__, e)
try:
    float(10**400)
except OverflowError as e:
    print(type(e).__name__, e)
print(isinstance(2**100, int), type(2**100).__name__, (10**20).__index__(), 7 .__floordiv__(2), (7).__rtruediv__(14), (3).__pow__(2, 5))
