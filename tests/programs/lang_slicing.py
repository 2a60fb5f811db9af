# Slicing with steps on lists, tuples, strings, ranges, bytes; slice assignment/deletion; slice objects.
s = "abcdefghij"
l = list(range(10))
t = tuple(range(10))
r = range(10)
b = b"abcdefghij"
for seq in (s, l, t, r, b):
    print(seq[2:5], seq[::2], seq[::-1], seq[-3:], seq[:-7], seq[8:2:-2], seq[100:], seq[-100:2], seq[5:5], seq[::-3])
print(s[1:8:3], l[-1:-5:-1], t[7::-3], list(r[1::4]), r[::-1], r[3:1], b[::-2])

sl = slice(1, 8, 2)
print(sl, sl.start, sl.stop, sl.step, s[sl], l[sl], sl.indices(5), slice(None).indices(3), slice(-2, None, -1).indices(10))
print(slice(3), slice(1, 2), slice(None, None, -1), repr(slice("a", "b")))

m = list(range(10))
m[2:5] = ["x"]
print(m)
m[:0] = [-2, -1]
print(m)
m[len(m):] = [100, 101]
print(m)
m[::2] = "ABCDEFG"
print(m)
try:
    m[::2] = [1, 2]
except ValueError as e:
    print("ValueError:", e)
m[1:3] = []
print(m)
del m[::3]
print(m)
m[:] = range(3)
print(m)
m[5:10] = [9]
print(m)
m[-1:] = []
print(m)
m[1:1] = "ins"
print(m)
try:
    m[0:1] = 5
except TypeError as e:
    print("TypeError:", e)

def step_zero():
    return l[::0]
try:
    step_zero()
except ValueError as e:
    print("ValueError:", e)
try:
    s[1:2:0]
except ValueError as e:
    print("ValueError:", e)

class I:
    def __index__(self):
        return 3
print(l[I():], s[:I()], t[::I()])
try:
    l["a":]
except TypeError as e:
    print("TypeError:", e)
big = 10**30
print(l[-big:big], s[big:], l[:-big])
nested = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print([row[::-1] for row in nested[::-1]], nested[1][1:], nested[::2][1][::2])
print("racecar"[::-1] == "racecar", "hello world"[::-1], "x"[5:], ""[::-1])
copy = l[:]
print(copy == l, copy is l)
ba = bytearray(b"hello")
ba[1:3] = b"EY"
print(ba, ba[::-1], bytes(ba[1:4]))
