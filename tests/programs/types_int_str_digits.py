# int <-> str conversion: the 4300-digit limit of Python 3.11, sys.set_int_max_str_digits, and powers-of-two bases being exempt.
import sys
print(sys.get_int_max_str_digits(), sys.int_info.default_max_str_digits)
big = 10 ** 4299
print(len(str(big)), len(str(-big)))
too_big = 10 ** 4300
for f in (lambda: str(too_big), lambda: repr(too_big), lambda: int("1" * 4301), lambda: f"{too_big}", lambda: "%d" % too_big):
    try:
        f()
    except ValueError as e:
        print(type(e).__name__, e)
print(len(hex(too_big)), len(bin(too_big)) > 10000, int("f" * 5000, 16) == 16 ** 5000 - 1, len(format(too_big, "x")))
sys.set_int_max_str_digits(0)
print(len(str(too_big)), sys.get_int_max_str_digits())
sys.set_int_max_str_digits(5000)
print(len(str(too_big)), int("9" * 5000) == 10 ** 5000 - 1)
for bad in (100, -1):
    try:
        sys.set_int_max_str_digits(bad)
    except ValueError as e:
        print(type(e).__name__, e)
sys.set_int_max_str_digits(4300)
print(str(2 ** 1000)[:30], len(str(3 ** 5000)))
