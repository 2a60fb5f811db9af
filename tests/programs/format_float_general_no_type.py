# Float formatting without a type code but with a precision keeps a digit after the
# point, switching to exponent notation one digit earlier than 'g'; powers of -inf
# follow C99 pow.
vals = [172.36, 1.0, 12.0, 0.5, 123456.0, 1e-5, 99.99, 9.99, 100.0, 0.0001234, 1e16, 5.0]
for v in vals:
    print(*(format(v, p) for p in ['.1', '.2', '.3', '.5', '#.3', 'g', '.3g', '']))
    print(f"{v:.2}", "%.3g" % v, str(v), repr(-v))
print(format(min(max(-0.0, 172.36), float('-inf') / float('-inf')), '.3'))
inf = float('inf')
print((-inf) ** 0.5, (-inf) ** 1.5, (-inf) ** -0.5, (-inf) ** 3.0, (-inf) ** -3.0, inf ** 0.5)
print(min(1.7976931348623157e+308 % float('-inf'), -0.0) ** 0.5)
try:
    print((-8.0) ** (1 / 3))
except Exception as e:
    print(type(e).__name__, e)
