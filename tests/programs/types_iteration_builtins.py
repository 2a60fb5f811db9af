# Iteration builtins over the builtin types: iter/next with sentinel, enumerate, zip(strict), map, filter, reversed, sum, min/max, any/all, sorted.
data = [3, 1, 4, 1, 5, 9, 2, 6]
it = iter(data)
print(next(it), next(it), list(it), next(it, "end"))
try:
    next(iter([]))
except StopIteration as e:
    print(type(e).__name__, repr(e))
calls = iter([1, 2, 3, 0, 5])
print(list(iter(lambda: next(calls), 0)))
print(list(enumerate("abc")), list(enumerate("ab", start=10)), list(enumerate([])), dict(enumerate("xy")))
print(list(zip("abc", range(5))), list(zip()), list(zip([1])), list(zip("ab", "cd", "ef")))
try:
    list(zip("abc", [1, 2], strict=True))
except ValueError as e:
    print(type(e).__name__, e)
try:
    list(zip([1], "ab", strict=True))
except ValueError as e:
    print(type(e).__name__, e)
print(list(map(str.upper, "ab")), list(map(pow, [2, 3], [3, 2])), list(map(lambda *a: a, [1, 2], "xyz")), list(filter(None, [0, 1, "", "a", None])), list(filter(lambda x: x > 3, data)))
print(list(reversed(data)), list(reversed("abc")), list(reversed(range(3))), list(reversed((1, 2))), list(reversed({"a": 1, "b": 2})))
try:
    reversed({1, 2})
except TypeError as e:
    print(type(e).__name__, e)
print(sum(data), sum(data, 100), sum([0.1] * 10), sum([[1], [2]], []), sum(range(101)), sum([True, True]), sum((1.5, 2)))
try:
    sum(["a", "b"], "")
except TypeError as e:
    print(type(e).__name__, e)
print(min(data), max(data), min("hello"), max([], default=0), min(data, key=lambda x: -x), max((1, "b"), (1, "a")), min(3, 1, 2), max("abc", "abd"))
print(any([]), all([]), any(x > 8 for x in data), all(x > 0 for x in data), any([0, "", None]), all(["a", 1]))
print(sorted(data), sorted(data, reverse=True), sorted("bca"), sorted({3: 1, 1: 2}), sorted(data, key=lambda x: (x % 3, x)))
gen = (x * x for x in range(5))
print(sum(gen), sum(gen), list(x for x in "ab" if x != "a"))
class Countdown:
    def __init__(self, n): self.n = n
    def __iter__(self): return self
    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n
print(list(Countdown(4)), sum(Countdown(5)), max(Countdown(3)), sorted(Countdown(3)), list(zip(Countdown(2), "ab")))
class Seq:
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError
        return i * 10
print(list(Seq()), 20 in Seq(), list(reversed([*Seq()])), list(enumerate(Seq())))
for bad in (lambda: iter(5), lambda: next([1]), lambda: list(map(None, [1])), lambda: min([]), lambda: sorted([1], key=1)):
    try:
        bad()
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
