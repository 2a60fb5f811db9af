# Float formatting with very large precisions, and codes floats reject.
print(len(format(1.0, '.65536f')), format(1.0, '.65536f')[-3:])
print(len('%.*f' % (70000, 1.0)))
print(len(format(1.5, '.70000e')), format(1.5, '.70000e')[-6:])
print(format(1.5, '.70000g'), len(format(1.5, '.70000%')), format(1.5, '.70000'))
print(format(0.1, '.70000f')[:70])
print(format(1e300, '.400f')[:5], format(2.0**-1074, '.1200f')[1070:1085])
print(format(2.0**-1074, '.70000g')[:30], format(2.0**-1074, '#.2000g')[-8:])
print(format(123.456, '.3000e')[-10:], format(123.456, '#.70000G')[:10])
for spec in ['.2147483648f', '.99999999999f', '.9999999999999999999999f', 'x', 'd', 'c', 's', 'b']:
    for v in [1.0, float('inf'), float('nan')]:
        try:
            print(format(v, spec))
        except ValueError as e:
            print(spec, v, "ValueError", e)
try:
    '%.2147483648f' % 1.0
except ValueError as e:
    print("ValueError", e)
for args in [(2**31, 1.0), (2**63, 1.0)]:
    try:
        '%.*f' % args
    except OverflowError as e:
        print("OverflowError", e)
