# Arbitrary-precision integer arithmetic: big products, powers, division, bit ops, conversions.
f = 1
for i in range(1, 51):
    f *= i
print(f, len(str(f)), f.bit_length())
print(2 ** 200, -(2 ** 127), 3 ** 100 % 1000007, pow(3, 10**18, 10**9 + 7))
a = 123456789012345678901234567890
b = 987654321098765432109876543210
print(a + b, a - b, a * b, b // a, b % a, -b // a, -b % a, divmod(b, -a), a ** 3)
print(a & b, a | b, a ^ b, ~a, a << 100, b >> 50, -a >> 3, -a << 2)
print(a == int(str(a)), hex(a), oct(b), bin(2**70 + 1), int(hex(b), 16) == b)
print(float(2**100), 2**100 / 2**99, 10**30 / 3, 7 // 2**70, -7 // 2**70, 2**64 % 10)
print(abs(-(10**25)), -(10**25) < 10**24, max(2**90, 2**89), sorted([2**65, -2**65, 0, 2**64]))
print(hash(2**61 - 1), hash(2**61), hash(-2**63), hash(10**20) == hash(10**20 + 0))
print((2**100).to_bytes(13, "big").hex(), int.from_bytes(b"\x01" + b"\x00" * 12, "big") == 2**96)
n = 2**521 - 1
print(str(n)[:20], str(n)[-20:], n % 1000000007, n.bit_length())
print(sum(range(10**6)) * 10**20, 10**50 // 7**20, (10**50) % (7**20))
print(int("9" * 60) + 1 == 10**60, -int("1" + "0" * 40), int("-" + "5" * 45) // 5)
print(round(123456789123456789, -5), round(2**80 / 3), (2**100).__index__() == 2**100)
print(10**18 * 10, 9223372036854775807 + 1, -9223372036854775808 - 1, 4611686018427387904 * 2)
print((-2) ** 63, (-2) ** 64, 2 ** 63 - 1, (2**63) // -1, -(2**63) // -1)
print(divmod(-(10**20), 7), divmod(10**20, -7), (-(10**20)) % 7, pow(2, 100, -7))
try:
    1 << -1
except ValueError as e:
    print("ValueError:", e)
try:
    10**20 // 0
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    float(10**400)
except OverflowError as e:
    print("OverflowError:", e)
try:
    10**400 / 1
except OverflowError as e:
    print("OverflowError:", e)
print(10**400 // 10**399, 2**-2, (-8) ** (1 / 3) if False else "skip", 0 ** 0)
fib = [0, 1]
for _ in range(300):
    fib.append(fib[-1] + fib[-2])
print(fib[-1], fib[-1] % 97)
