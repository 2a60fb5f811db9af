# itertools: product, permutations, combinations, combinations_with_replacement, groupby, takewhile, dropwhile, filterfalse.
from itertools import product, permutations, combinations, combinations_with_replacement, groupby, takewhile, dropwhile, filterfalse
print(list(product("ab", [1, 2])), list(product("ab", repeat=2)), list(product()), list(product([], [1])), len(list(product(range(3), repeat=3))))
print(list(product([0, 1], "x", repeat=2))[:4])
print(list(permutations("abc")), list(permutations(range(4), 2))[:5], list(permutations([], 0)), list(permutations("ab", 3)), list(permutations("a", 0)))
print(list(combinations("abcd", 2)), list(combinations(range(5), 3))[-2:], list(combinations("ab", 0)), list(combinations("ab", 3)))
print(list(combinations_with_replacement("abc", 2)), list(combinations_with_replacement([], 2)), list(combinations_with_replacement("ab", 0)))
print(len(list(permutations(range(6)))), len(list(combinations(range(10), 4))), len(list(combinations_with_replacement(range(5), 3))))
for bad in (lambda: list(permutations("ab", -1)), lambda: list(combinations("ab", -1)), lambda: list(product("a", repeat=-1)), lambda: list(combinations_with_replacement("a", -2))):
    try:
        print(bad())
    except ValueError as e:
        print(type(e).__name__, e)
data = "aaabccddddae"
print([(k, len(list(g))) for k, g in groupby(data)], [k for k, _ in groupby(sorted(data))])
words = ["apple", "avocado", "banana", "blueberry", "cherry", "apricot"]
for k, g in groupby(words, key=lambda w: w[0]):
    print(k, list(g))
print([(k, list(g)) for k, g in groupby([1, 1, 2, 3, 3, 3], key=lambda x: x % 2)], list(groupby([])))
groups = list(groupby("aabb"))
print([(k, list(g)) for k, g in groups])
g = groupby("xxyy")
k1, grp1 = next(g)
k2, grp2 = next(g)
print(k1, list(grp1), k2, list(grp2))
print(list(takewhile(lambda x: x < 5, [1, 4, 6, 4, 1])), list(dropwhile(lambda x: x < 5, [1, 4, 6, 4, 1])), list(takewhile(bool, [])), list(dropwhile(bool, [0, 1, 0])))
print(list(filterfalse(lambda x: x % 2, range(10))), list(filterfalse(None, [0, 1, "", "a", None, [], [0]])))
print(sum(1 for _ in product(range(4), repeat=4)), max(permutations([3, 1, 2])), min(combinations([5, 3, 8, 1], 2)))
print(type(product("a")).__name__, type(groupby("a")).__name__, repr(next(groupby("ab"))[0]), type(iter(tee("a")[0])).__name__ == type(tee("a")[1]).__name__)
endless = groupby(x // 3 for x in range(10**9))
print([(k, list(g)) for k, g in __import__("itertools").islice(endless, 3)])
