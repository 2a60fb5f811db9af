# Loops in generators: the JIT compiles each iteration up to its yield (the trace
# ends with an exit there); results and tracebacks as the interpreter's.
def eval_A(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)
def part(i, u):
    return sum(u[j] * eval_A(i, j) for j in range(len(u)))
u = [1.0] * 300
print(sum(part(i, u) for i in range(300)))
def gen(n):
    for i in range(n):
        if i % 3:
            yield i * 2
        else:
            yield -i
print(sum(gen(100000)))
def g2(xs):
    for x in xs:
        y = x * 1.5
        yield y
        yield -y
print(sum(g2(range(50000))))
print(list(g2(range(5))))
def g3(n):
    for i in range(n):
        yield 10 // (n - 1 - i) if i < n - 1 else 1 // 0
try:
    print(sum(g3(5000)))
except ZeroDivisionError as e:
    print("ZeroDivisionError", e)
