# Generators: yield, send, throw, close, yield from, generator expressions, return values.
def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1
    return "done"

print(list(count_up(5)), sum(x * x for x in range(10)), max(c for c in "hello"))

def accumulator():
    total = 0
    while True:
        value = yield total
        if value is None:
            break
        total += value
    return total

acc = accumulator()
print(next(acc), acc.send(10), acc.send(5))
try:
    acc.send(None)
except StopIteration as e:
    print("returned", e.value)

def delegating():
    result = yield from count_up(3)
    print("inner returned", result)
    yield from "ab"

print(list(delegating()))

def with_cleanup():
    try:
        yield 1
        yield 2
    except ValueError as e:
        print("thrown in:", e)
        yield "recovered"
    finally:
        print("generator finally")

g = with_cleanup()
print(next(g), g.throw(ValueError("boom")))
g.close()
g2 = with_cleanup()
next(g2)
g2.close()
print("closed")

def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b

gen = fib()
print([next(gen) for _ in range(15)])
pipeline = (x for x in fib() if x % 2 == 0)
evens = []
for v in pipeline:
    if v > 1000:
        break
    evens.append(v)
print(evens)
print(list(zip(count_up(3), "xyz")), dict((k, k * 2) for k in range(3)))

def gen_raises():
    yield 1
    raise StopIteration

try:
    list(gen_raises())
except RuntimeError as e:
    print("RuntimeError:", e)
nums = iter(count_up(2))
print(next(nums), next(nums), next(nums, "exhausted"))
print(type(count_up(1)).__name__)
x = count_up(1)
next(x)
next(x)
