# Far below the smallest subnormal: zero, quickly (strand once tried to build a
# number of about 2**(2**50) bits here); around half of it, CPython's rounding.
for s in ['0x1p-99999999999', '-0x1p-1000000', '0x1p-1075', '0x1.0000001p-1075',
          '0x1p-1076', '0x3p-1076', '0x1p-1074']:
    print(s, float.fromhex(s))
