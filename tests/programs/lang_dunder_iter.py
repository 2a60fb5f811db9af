# __iter__/__next__, iterators vs iterables, StopIteration, __reversed__, __contains__.
class Countdown:
    def __init__(self, start):
        self.start = start
    def __iter__(self):
        n = self.start
        while n > 0:
            yield n
            n -= 1
    def __reversed__(self):
        return iter(range(1, self.start + 1))
    def __contains__(self, x):
        print("  contains", x)
        return isinstance(x, int) and 0 < x <= self.start

c = Countdown(3)
print(list(c), list(c), list(reversed(c)), 2 in c, 5 in c, 7 not in c)

class Fib:
    def __init__(self, limit):
        self.a, self.b, self.limit = 0, 1, limit
    def __iter__(self):
        return self
    def __next__(self):
        if self.a > self.limit:
            raise StopIteration
        r = self.a
        self.a, self.b = self.b, self.a + self.b
        return r

f = Fib(50)
print(list(f), list(f))
it = iter(Fib(3))
print(next(it), next(it), next(it), next(it), next(it, "done"), next(it, "done"))
try:
    next(it)
except StopIteration as e:
    print("StopIteration", e.args)

class NotIter:
    pass
try:
    iter(NotIter())
except TypeError as e:
    print("TypeError:", e)
try:
    for _ in 5:
        pass
except TypeError as e:
    print("TypeError:", e)

class BadIter:
    def __iter__(self):
        return 5
try:
    iter(BadIter())
except TypeError as e:
    print("TypeError:", e)
try:
    next([1])
except TypeError as e:
    print("TypeError:", e)

class IterNoNext:
    def __iter__(self):
        return self
try:
    list(IterNoNext())
except TypeError as e:
    print("TypeError:", e)

# iter(callable, sentinel)
vals = [1, 2, 3, 0, 4]
pos = [0]
def take():
    v = vals[pos[0]]
    pos[0] += 1
    return v
print(list(iter(take, 0)))

class ContainsViaIter:
    def __iter__(self):
        return iter([1, 2, 3])
print(2 in ContainsViaIter(), 9 in ContainsViaIter())

class ContainsViaGetitem:
    def __getitem__(self, i):
        if i >= 4:
            raise IndexError
        return i * 10
print(20 in ContainsViaGetitem(), 25 in ContainsViaGetitem(), list(ContainsViaGetitem()))

class NoReversed:
    pass
try:
    reversed(NoReversed())
except TypeError as e:
    print("TypeError:", e)
print(list(reversed([1, 2, 3])), list(reversed("abc")), list(reversed(range(4))), list(reversed((1, 2))))

d = {"a": 1, "b": 2}
it = iter(d)
print(next(it))
d["c"] = 3
try:
    next(it)
except RuntimeError as e:
    print("RuntimeError:", e)

z = zip([1, 2, 3], "ab")
print(list(z), list(enumerate("xy", 5)), list(map(lambda a, b: a * b, [1, 2], [3, 4, 5])))
