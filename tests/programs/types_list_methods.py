# list methods: append/extend/insert/remove/pop/index/count/reverse/copy/clear, del, slice assignment.
l = [1, 2, 3]
l.append(4); l.extend([5, 6]); l.extend(range(7, 9)); l.extend("ab"); l.insert(0, 0); l.insert(-1, "x"); l.insert(100, "end"); l.insert(-100, "start")
print(l, len(l))
print(l.pop(), l.pop(0), l.pop(-2), l)
l.remove("x"); print(l, l.index(5), l.index(5, 3), l.index(5, 3, 8), l.count(5), l.count("zz"))
for call in (lambda: l.remove(99), lambda: l.index(99), lambda: l.index(1, 5), lambda: [].pop(), lambda: l.pop(100), lambda: l.pop("a")):
    try:
        call()
    except Exception as e:
        print(type(e).__name__, e)
c = l.copy(); c.reverse(); print(c, l[:3], c is l)
c.clear(); print(c, l[:2])
m = list(range(10))
m[2:5] = ["a", "b"]; print(m)
m[::2] = "XYZWV"; print(m)
m[1:1] = [100, 200]; print(m)
del m[::3]; print(m)
del m[0]; del m[-1]; print(m)
m[len(m):] = [7, 8]; print(m)
m[:] = []; print(m)
try:
    n = [1, 2, 3]; n[::2] = [1, 2, 3]
except ValueError as e:
    print(type(e).__name__, e)
try:
    n = [1]; n[5] = 0
except IndexError as e:
    print(type(e).__name__, e)
try:
    del n[5]
except IndexError as e:
    print(type(e).__name__, e)
try:
    n["a"]
except TypeError as e:
    print(type(e).__name__, e)
p = [1, 2]; p += (3, 4); p += "ab"; p *= 2; print(p)
q = [[]] * 3; q[0].append(1); print(q)
print(list(), list("abc"), list((1, 2)), list({1: 2}), list(range(3)), list(map(abs, [-1, -2])))
e = [3, 1, 2]
print(e.sort(), e.reverse(), e.append(0), e)
print([x * 2 for x in e if x], [i for i in reversed(e)], e.__len__(), 2 in e, 9 not in e)
nested = [1, [2, [3, [4]]]]
nested[1][1][1].append(5); print(nested, nested[1][1][1][1])
