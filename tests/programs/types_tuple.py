# tuples: construction, indexing, slicing, count/index, comparison, hashing, concatenation, unpacking.
t = (1, "a", 2.5, None, (1, 2))
print(t, t[1], t[-1][0], t[1:3], t[::-1], t[::2], len(t), () == tuple(), (1,), tuple("ab"), tuple([1, 2]), tuple(range(3)))
print(t.count(1), (1, 1, 2, 1).count(1), (1, 2, 3, 2).index(2), (1, 2, 3, 2).index(2, 2), (1, 2, 3).index(3, -1))
try:
    (1, 2).index(5)
except ValueError as e:
    print(type(e).__name__, e)
try:
    t[10]
except IndexError as e:
    print(type(e).__name__, e)
try:
    t[0] = 5
except TypeError as e:
    print(type(e).__name__, e)
try:
    del t[0]
except TypeError as e:
    print(type(e).__name__, e)
print((1, 2) + (3,), (1,) * 3, 2 * (0,), (1, 2) < (1, 3), (1, 2) < (1, 2, 0), (2,) > (1, 9), (1, 2) == (1, 2), (1, "a") != (1, "b"))
print(hash((1, 2)) == hash((1, 2)), hash((1, (2, 3))) == hash((1, (2, 3))), hash(()) == hash(tuple()))
try:
    hash((1, [2]))
except TypeError as e:
    print(type(e).__name__, e)
try:
    (1,) + [2]
except TypeError as e:
    print(type(e).__name__, e)
a, b, *c = (1, 2, 3, 4, 5); print(a, b, c)
(x, (y, z)) = (1, (2, 3)); print(x, y, z)
try:
    p, q = (1, 2, 3)
except ValueError as e:
    print(type(e).__name__, e)
try:
    p, q, r = (1, 2)
except ValueError as e:
    print(type(e).__name__, e)
print(sorted([(2, "b"), (1, "z"), (2, "a")]), max((1, 2), (1, 3)), min([(0, 9), (0, 1)]))
lst = [1]
tt = (lst, 2); lst.append(3); print(tt, 3 in tt[0], (1, 2) in [(1, 2)], 2 in tt)
print(tuple(x * 2 for x in range(4)), (1, 2, 3)[1:], repr((1,)), str(("a", 'b"')), ((),), (((1,),),))
print(t.__len__(), t.__getitem__(0), t.__contains__("a"), (1, 2).__add__((3,)), (1, 2).__mul__(2))
