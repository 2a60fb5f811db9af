# Lambdas: defaults, closures, immediately-invoked, in data structures, sorting keys.
sq = lambda x: x * x
print(sq(7), sq.__name__)

add = lambda a, b=10, *rest, k=1, **kw: a + b + sum(rest) + k + len(kw)
print(add(1), add(1, 2), add(1, 2, 3, 4, k=0, z=9))

print((lambda: "no args")())
print((lambda *a: a)(1, 2))

funcs = [lambda x, i=i: x + i for i in range(4)]
print([f(10) for f in funcs])
late = [lambda x: x + i for i in range(4)]
print([f(10) for f in late])

words = ["banana", "Apple", "cherry", "date"]
print(sorted(words, key=lambda w: w.lower()))
print(sorted(words, key=lambda w: (len(w), w)))
print(list(map(lambda x: x * 2, range(5))))
print(list(filter(lambda x: x % 3 == 0, range(10))))

compose = lambda f, g: lambda x: f(g(x))
inc = lambda x: x + 1
dbl = lambda x: x * 2
print(compose(inc, dbl)(5), compose(dbl, inc)(5))

curry = lambda a: lambda b: lambda c: a * 100 + b * 10 + c
print(curry(1)(2)(3))

table = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}
for op in "+-*":
    print(op, table[op](7, 3))

cond = lambda x: "neg" if x < 0 else ("zero" if x == 0 else "pos")
print([cond(v) for v in (-2, 0, 5)])

fact = lambda n: 1 if n <= 1 else n * fact(n - 1)
print(fact(20))
print(repr(sq).startswith("<function <lambda> at"))
