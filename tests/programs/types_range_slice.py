# range objects (len, indexing, slicing, containment, index/count, reversed, equality, repr) and slice objects.
r = range(2, 20, 3)
print(r, list(r), len(r), r[0], r[-1], r[2:4], r[::-1], r[::2], 5 in r, 6 in r, r.index(8), r.count(11), r.start, r.stop, r.step)
print(range(5), range(0, 5), range(10, 0, -2), list(range(10, 0, -2)), list(range(0)), list(range(5, 2)), len(range(-5, 5, 4)), range(0, 10, 3)[-2])
print(range(0) == range(5, 2), range(0, 3) == range(3), range(1, 10, 2) == range(1, 11, 2), range(3) != range(4), list(reversed(range(1, 7, 2))))
print(hash(range(3)) == hash(range(0, 3)), range(10**20)[10**19], len(range(0, 10**20, 7)), 10**19 in range(10**20), range(-3, 3)[1:-1])
print(sum(range(101)), max(range(7)), min(range(3, 9)), sorted(range(3), reverse=True), tuple(range(3)), set(range(3)) == {0, 1, 2})
for bad in (lambda: range(1, 2, 0), lambda: range(1.5), lambda: range(3)[3], lambda: range(3).index(7), lambda: range(), lambda: range(1, 2, 3, 4),
            lambda: range(3)["a"], lambda: len(range(10**20))):
    try:
        print(bad())
    except Exception as e:
        print(type(e).__name__, e)
print(2.0 in range(3), 2.5 in range(3), "a" in range(3), True in range(2))
s = slice(1, 10, 2)
print(s, s.start, s.stop, s.step, slice(5), slice(None, None, -1), slice(1, 2) == slice(1, 2), slice(1, 2) == slice(1, 3))
print(s.indices(5), slice(None).indices(10), slice(-3, None).indices(10), slice(None, None, -1).indices(4), slice(-100, 100, 3).indices(7))
data = list(range(10))
print(data[s], data[slice(None, None, -3)], "abcdef"[slice(1, -1)], (1, 2, 3, 4)[slice(None, 2)], data[slice(-2, None)], data[::-4])
try:
    slice(1, 2, 0).indices(5)
except ValueError as e:
    print(type(e).__name__, e)
try:
    data[::0]
except ValueError as e:
    print(type(e).__name__, e)
try:
    data[1.5:2]
except TypeError as e:
    print(type(e).__name__, e)
class Idx:
    def __index__(self): return 2
print(data[Idx()], data[Idx():], range(10)[Idx()], "hello"[Idx()], data[:Idx()])
class Sub:
    def __getitem__(self, k): return k
print(Sub()[1:2], Sub()[::], Sub()[1:2, 3], Sub()[..., 1], Sub()[:, None])
