# list operators: + * == < <= > >= in, identity vs equality, comparisons of nested and mixed lists.
a, b = [1, 2, 3], [1, 2, 4]
print(a + b, a * 2, 2 * a, a * 0, a * -1, [] * 5, a == [1, 2, 3], a != b, a < b, a <= a, b > a, b >= a)
print([1, 2] < [1, 2, 0], [] < [0], [2] > [1, 99], [1, [2, 3]] < [1, [2, 4]], ["a"] < ["b"], [1.0] == [1], [True] == [1])
print([float("nan")] == [float("nan")], (lambda n: [n] == [n])(float("nan")))
for bad in (lambda: [1] + (2,), lambda: [1] + "a", lambda: [1] < ["a"], lambda: [1] * "2", lambda: [1] - [1], lambda: [1] < 1):
    try:
        print(bad())
    except TypeError as e:
        print(type(e).__name__, e)
x = [1, 2]
y = x
y += [3]
print(x, x is y)
z = x + []
print(z == x, z is x)
r = [1, 2]; r.append(r); print(r, r == r)
print(len([None] * 1000), [0] * 3 + [1], sum([[1], [2]], []), max([3, 1, 2]), min([[2], [1, 5]]))
print(list(zip([1, 2, 3], "ab")), list(enumerate(["x", "y"], 1)), [*a, *b], [*range(3)])
i, *rest = a; print(i, rest)
print(a.__add__(b), a.__mul__(2), a.__eq__(a), a.__lt__(5), a.__contains__(2), a.__getitem__(slice(1, None)))
