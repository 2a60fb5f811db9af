# Functions made inside compiled loops (MAKE_FUNCTION recorded): comprehensions and
# generator expressions per iteration, closures over loop variables, lambdas, nested
# defs (their names, globals, closures), defaults (left to the interpreter), and an
# exception raised inside a generator expression made in the loop.

G = 10


def sums(n):
    t = 0
    for i in range(n):
        t += sum(j * i for j in range(4))
        t += len([k for k in range(i % 5)])
    return t


print("sums", sums(900))


def closures(n):
    fs = []
    for i in range(n):
        fs.append(lambda x: x + i + G)
    return [f(1) for f in fs[:3]], fs[-1](1), fs[0].__qualname__


print("closures", closures(700))


def nested(n):
    out = 0
    names = set()
    for i in range(n):
        def inner(a, b):
            return a * b + G

        names.add(inner.__name__ + "/" + inner.__qualname__)
        out += inner(i, 2)
        assert inner.__globals__ is globals()
    return out, sorted(names)


print("nested", nested(600))


def with_defaults(n):
    t = 0
    for i in range(n):
        def f(a, b=i):
            return a + b

        t += f(1)
    return t


print("defaults", with_defaults(600))


def counters(n):
    made = []
    for i in range(n):
        c = i

        def bump():
            nonlocal c
            c += 1
            return c

        made.append(bump)
    return made[5](), made[5](), made[-1]()


print("counters", counters(500))


def pairs(rows):
    t = 0
    for row in rows:
        t += sum(a * b for a, b in zip(row, row[1:]))
    return t


rows = [list(range(i % 7 + 2)) for i in range(600)]
print("pairs", pairs(rows))
try:
    pairs(rows + [[1, "x", 2]])
except TypeError as e:
    print("TypeError:", e)


# Last: an uncaught error inside a generator expression made in the loop.
def ratios(n):
    t = 0.0
    for i in range(n):
        t += sum(1.0 / (j - i + 600) for j in range(2))
    return t


ratios(1000)
