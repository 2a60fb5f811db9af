# %c and format(n, 'c') with codes out of range, found by fuzz/pyfuzz (seeds 3567,
# 4319, 5215, 5310): '%c' says "not in range" for any int, format(n, 'c') first
# reads a C long.
for v in [-1, 0x110000, 2**63, -2**63 - 1, 2**64, -484580797682133839370036070737, 0x4c7a29040e7c9722e766]:
    for f in [lambda: '%c' % v, lambda: format(v, 'c'), lambda: '{:c}'.format(v), lambda: f'{v:c}']:
        try:
            print(ascii(f()))
        except OverflowError as e:
            print(type(e).__name__, e)
print(ascii('%c%c' % (0x41, 0x10ffff)), format(0x263a, 'c'), ascii(format(0xdfff, 'c')))
