# int bit operations: bit_length, bit_count, to_bytes/from_bytes, shifts, bitwise on negatives and big ints.
for n in [0, 1, -1, 7, 8, 255, 256, -256, 2**63 - 1, 2**63, -2**63, 2**100, -(2**100) + 1]:
    print(n, n.bit_length(), n.bit_count(), bin(n), hex(n), oct(n))
print((1024).to_bytes(2, "big"), (1024).to_bytes(2, "little"), (255).to_bytes(1, "big"), (0).to_bytes(0, "big"), (1).to_bytes(4, byteorder="little"))
print((-1).to_bytes(2, "big", signed=True), (-129).to_bytes(2, "little", signed=True), (2**64).to_bytes(9, "big"), (65).to_bytes())
for args in [(256, 1, "big", False), (-1, 2, "big", False), (128, 1, "big", True), (1, 1, "middle", False), (1, -1, "big", False)]:
    try:
        print(args[0].to_bytes(args[1], args[2], signed=args[3]))
    except (OverflowError, ValueError) as e:
        print(type(e).__name__, e)
print(int.from_bytes(b"\x04\x00", "big"), int.from_bytes(b"\x04\x00", "little"), int.from_bytes(b"\xff\xff", "big", signed=True), int.from_bytes(b"", "big"))
print(int.from_bytes([1, 2, 3], "big"), int.from_bytes(bytes(range(20)), "little"), int.from_bytes(b"\x80", byteorder="big", signed=True), int.from_bytes(b"\x01"))
for n in [0, 1, -1, 12345678901234567890, -98765432109876543210]:
    length = (n.bit_length() + 8) // 8
    print(int.from_bytes(n.to_bytes(length, "big", signed=True), "big", signed=True) == n)
print(1 << 0, 1 << 64, 1 << 200, -1 << 3, 1024 >> 3, -1024 >> 3, -1 >> 100, 2**100 >> 90, 5 >> 0)
for bad in [(1, -1), (2**100, -5)]:
    try:
        print(bad[0] << bad[1])
    except ValueError as e:
        print(type(e).__name__, e)
try:
    1 >> -1
except ValueError as e:
    print(type(e).__name__, e)
print(6 & 3, 6 | 3, 6 ^ 3, ~6, ~-1, -6 & 3, -6 | 3, -6 ^ 3, -6 & -3, 2**70 & (2**70 - 1), (2**70 + 5) & 7, ~(2**70), -(2**70) | 1, -(2**70) ^ -1)
print(True & False, True | False, True ^ True, ~True, type(True & True).__name__, type(True & 1).__name__)
print(int.bit_length(10), (5).conjugate(), (5).numerator, (5).denominator, (5).real, (5).imag, (7).as_integer_ratio(), (-3).__abs__())
