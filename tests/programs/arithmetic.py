# Integer and float arithmetic, big ints, formatting of results.
print(7 // 2, -7 // 2, 7 % -2, -7 % 2, divmod(-7, 2), 2 ** 100, 2 ** -1)
print(10 / 4, 1e16, 1.5e-7, 0.1 + 0.2, round(2.675, 2), round(2.5), -0.0)
print(int("ff", 16), int(" 42 "), float("1e3"), hex(255), bin(5), oct(8), abs(-3))
x = 12345678901234567890
print(x * x, x // 7, x % 1000, -x >> 3, x.bit_length(), pow(3, 200, 1000007))
print(f"{3.14159:.2f} {1234567:,} {42:08b} {'txt':^9}|")
n = 1
for i in range(1, 30):
    n *= i
print(n, len(str(n)))
print(True + True, 3 < 5 <= 5, 1 == 1.0, hash(1) == hash(1.0))
