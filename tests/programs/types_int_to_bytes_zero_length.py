# int.to_bytes into no bytes: 0 fits, and so does -1 when signed (CPython's
# _PyLong_AsByteArray); everything else overflows. Found by fuzz/pyfuzz (seed 3439).
for v in [-1, -2, -128, 0, 1, 127, 255, -256]:
    for n in [0, 1]:
        for signed in [False, True]:
            for order in ['big', 'little']:
                try:
                    print(v, n, signed, order, v.to_bytes(n, order, signed=signed))
                except OverflowError as e:
                    print(v, n, signed, order, e)
