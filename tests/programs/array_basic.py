# array.array: construction, indexing, iteration, reprs for each typecode.
from array import array
import array as array_module

print(array_module.typecodes, array_module.ArrayType is array)
for tc in "bBhHiIlLqQfd":
    a = array(tc, [1, 2, 3, 100])
    print(tc, a.typecode, a.itemsize, len(a), a[0], a[-1], a.tolist(), repr(a), str(a) == repr(a))
print(array("d", [1.0, 2.5, -0.125]), array("f", [0.5, 0.1]), array("i"), array("d", []))
print(array("u", "héllo"), array("u", "ab")[1], array("u").tounicode() == "")

d = array("d", range(5))
print(d, sum(d), max(d), min(d), list(reversed(d)), 3.0 in d, 7 in d)
for i, x in enumerate(d):
    if i % 2:
        print(i, x, type(x).__name__)
d[0] = 10
d[-1] = -1.5
d[2] = True
print(d, d.index(-1.5), d.count(1.0))
i = array("i", (x * x for x in range(6)))
print(i, i[1:4], i[::-1], i[::2], i[10:], i[-2:])
b = array("B", b"bytes!")
print(b, b.tobytes(), bytes(b.tolist()))
print(array("i", [True, False]), array("d", [1, 2]), array("l", array("i", [5, 6])))
print(bool(array("b")), bool(array("b", [0])), len(array("q", [0] * 1000)))
it = iter(array("h", [7, 8]))
print(next(it), next(it), next(it, "end"))
print(array("b", [1, 2]) == array("b", [1, 2]), array("b", [1, 2]) != array("h", [1, 2]),
      array("i", [1, 2]) < array("i", [1, 3]), array("d", [1.0]) == array("i", [1]),
      array("i", [1]) == [1], array("d", [float("nan")]) == array("d", [float("nan")]))
print(array("f", [0.1])[0], array("d", [1e308 * 10]), array("f", [3.4e38 * 10]))
big = array("Q", [2 ** 64 - 1, 0])
print(big, array("q", [-2 ** 63]))
