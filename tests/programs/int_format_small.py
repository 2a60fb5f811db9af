# %-formatting of ints and int() of text, around the machine-word fast paths.
import sys

class MyInt(int):
    def __int__(self):
        return 99

class Indexed:
    def __index__(self):
        return -7

values = [0, 1, -1, 7, -42, 2**62, -2**63, 2**63 - 1, 2**63, -2**63 - 1, 2**70, True, False, MyInt(5)]
for v in values:
    for spec in ("%d", "%i", "%u", "%5d", "%-6d|", "%+d", "% d", "%05d", "%.3d", "%x", "%#o", "%X"):
        print(spec, repr(spec % v))
print("%d" % 3.99, "%d" % -3.99, "%x" % Indexed())
for bad in ("%d" , "%x"):
    try:
        print(bad % "s")
    except TypeError as e:
        print("TypeError", e)

texts = ["0", "7", "0123", "000", "123456789012345678", "999999999999999999",
         "1234567890123456789", "99999999999999999999", " 12", "12 ", "+5", "-5",
         "1_2", "_1", "1__2", "", " ", "١٢", "12a", "0x10", "9" * 30]
for t in texts:
    try:
        r = int(t)
        print(repr(t), r, type(r).__name__)
    except ValueError as e:
        print(repr(t), "ValueError", e)

class Sub(int):
    pass

r = Sub("42")
print(type(r).__name__, r, r + 1)
print(int("77", 8), int("0777", 10), int(b"123"), int(bytearray(b"45")))
total = 0
for i in range(2000):
    total += int(str(i * 7919 % 100003)) + len("%d:%d" % (i, -i))
print(total)
