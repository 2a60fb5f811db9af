# set operators: | & - ^ and their in-place forms, comparisons, with sets, frozensets and errors.
a, b = {1, 2, 3, 4}, {3, 4, 5}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(b - a), sorted(a ^ b))
print(a <= b, {3, 4} <= b, {3, 4} < b, b < b, b <= b, b >= {5}, b > {5, 3, 4}, a == {4, 3, 2, 1}, a != b)
c = set(a); c |= b; print(sorted(c))
c = set(a); c &= b; print(sorted(c))
c = set(a); c -= b; print(sorted(c))
c = set(a); c ^= b; print(sorted(c))
fa = frozenset(a)
print(type(fa | b).__name__, type(b | fa).__name__, type(fa & {1}).__name__, fa == a, a == fa, hash(fa) == hash(frozenset([4, 3, 2, 1])))
for bad in (lambda: a | [1], lambda: a & "ab", lambda: a - (1,), lambda: a ^ None, lambda: a < [1], lambda: a + b):
    try:
        print(bad())
    except TypeError as e:
        print(type(e).__name__, e)
print({1, 2} == [1, 2], {1} < {1, 2} < {1, 2, 3}, set() < {0}, set() == frozenset())
print(1 in a, 9 in a, [1] in a if False else "skip", frozenset({3}) in {frozenset({3})}, {3} in {frozenset({3})})
try:
    [1] in a
except TypeError as e:
    print(type(e).__name__, e)
print(len(a | b), sorted({x * x for x in range(-3, 4)}), {1, 1.0, True}, {0, False, 0.0, -0.0})
print(sorted({"b", "a"} | {"c"}), {(1, 2), (1, 2)}, set("mississippi") == {"m", "i", "s", "p"})
e = set()
print(e, repr(e), frozenset(), not e, bool({0}), set([]) == set(), {None})
