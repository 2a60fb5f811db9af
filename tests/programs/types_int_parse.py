# int(str, base): bases 2..36 and 0, prefixes, underscores, whitespace, signs, and the errors.
cases = [("ff", 16), ("FF", 16), ("0xff", 16), ("0xff", 0), ("0o17", 0), ("0b101", 0), ("101", 2), ("z", 36), ("Zz", 36),
         ("-0x1A", 0), ("+7", 8), ("  12  ", 10), ("1_000_000", 10), ("0_7", 8), ("0x_ff", 16), ("0", 0), ("00", 0),
         ("٣٤", 10), ("\t-9\n", 0), ("123456789012345678901234567890", 10), ("1" * 40, 2), ("0B1_1", 0)]
for s, b in cases:
    print(repr(s), b, int(s, b))
bad = [("", 10), ("12a", 10), ("0x", 16), ("08", 0), ("1__0", 10), ("_1", 10), ("1_", 10), ("9", 8), ("2", 2), ("0b2", 0),
       ("- 1", 10), ("1.5", 10), ("abc", 37), ("1", 1), ("1", -1), ("0xz", 0), ("  ", 10), ("+", 10)]
for s, b in bad:
    try:
        print(int(s, b))
    except ValueError as e:
        print(type(e).__name__, e)
try:
    int(5, 10)
except TypeError as e:
    print(type(e).__name__, e)
try:
    int(None)
except TypeError as e:
    print(type(e).__name__, e)
try:
    int([1])
except TypeError as e:
    print(type(e).__name__, e)
print(int(b"42"), int(b" -17 "), int("10", base=2), int(x="5") if False else int("5"))
class WithIndex:
    def __index__(self): return 11
class WithInt:
    def __int__(self): return 12
class WithTrunc:
    def __trunc__(self): return 13
print(int(WithInt()), int(WithIndex()), int("11", WithIndex()), bin(WithIndex()), hex(255), oct(-8), bin(0))
print(str(10**25), repr(-(10**25)), f"{10**25:,}", f"{255:#010x}", f"{-5:b}", format(2**64, "x"))
