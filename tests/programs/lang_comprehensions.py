# List/set/dict comprehensions and generator expressions: nesting, conditions, scoping.
print([x * x for x in range(6)])
print([x for x in range(20) if x % 3 == 0 if x % 2 == 0])
print([(x, y) for x in range(3) for y in range(x)])
print([[r * c for c in range(1, 4)] for r in range(1, 4)])
matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print([row[i] for i in range(3) for row in matrix])
print([[row[i] for row in matrix] for i in range(3)])
print([v for row in matrix for v in row if v % 2])
print({x % 4 for x in range(10)})
print({k: v for k, v in zip("abc", range(3))})
print({v: k for k, v in {"a": 1, "b": 2}.items()})
print({x: [y for y in range(x)] for x in range(4)})
print(sorted({(a, b) for a in range(3) for b in range(3) if a != b}))
print([x if x > 2 else -x for x in range(5)])
print([f"{c}{i}" for i, c in enumerate("xyz", 1)])

# comprehension variables do not leak
x = "outer x"
squares = [x for x in range(3)]
print(x, squares)

# the first iterable is evaluated in the enclosing scope
class K:
    data = [1, 2, 3]
    doubled = [d * 2 for d in data]
    try:
        broken = [d * n for d in data for n in data]
        print("nested class-scope comprehension worked")
    except NameError as e:
        print("NameError:", e)
print(K.doubled)

def closures_in_comprehension():
    fs = [lambda: i for i in range(3)]
    gs = [(lambda j=i: j) for i in range(3)]
    return [f() for f in fs], [g() for g in gs]
print(closures_in_comprehension())

# walrus in comprehension binds in the enclosing scope
data = [5, 8, 2, 9]
big = [y for v in data if (y := v * 2) > 10]
print(big, y)

# unpacking in comprehension targets
pairs = [(1, "a"), (2, "b")]
print([f"{n}{s}" for n, s in pairs], {s: n for n, s in pairs})
print([a + b + c for a, (b, c) in [(1, (2, 3)), (4, (5, 6))]])

# generator expression as sole argument, laziness
print(sum(i for i in range(101)), max(len(w) for w in ["a", "abc", "ab"]))
print(list(zip(range(3), (c.upper() for c in "abc"))))
gen = (n for n in range(3))
print(next(gen), list(gen), list(gen))

# comprehension over a dict iterates keys; over strings, chars
print([k for k in {"p": 1, "q": 2}], [c for c in "hey"])
print(any(v > 8 for v in data), all(v > 1 for v in data))

# nested comprehension referencing outer loop variable
print([[i * j for j in range(i)] for i in range(4)])
print(len([None for _ in range(1000)]))
