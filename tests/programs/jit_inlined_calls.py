# Calls that compiled loops inline: results, guards that fail inside the inlined
# function (types change mid-loop), exceptions raised deep in inlined calls (the
# traceback shows every frame and line), functions rebound or given new code while
# a loop calls them.

def add(a, b):
    return a + b

def scaled(x, k):
    y = x * k
    return add(y, 1)

def pick(a, b):
    if a < b:
        return a
    return b

def first(x, y):
    return x

def loop_sum(n):
    t = 0
    for i in range(n):
        t = add(t, scaled(i, 3))
    return t

print("sum", loop_sum(2000))

def mixed(items):
    t = 0
    for x in items:
        t = add(t, x)       # ints, then floats, then a str
    return t

print("mixed", mixed(list(range(500)) + [0.5] * 10))
try:
    mixed(list(range(400)) + ["x"])
except TypeError as e:
    print("TypeError:", e)

def mins(xs):
    m = xs[0]
    for x in xs:
        m = pick(m, x)
    return m

print("min", mins([5, 3, 8, 1, 9, 2] * 100), mins([2.5, 1.5, 3.5] * 100))

def firsts(xs):
    out = []
    for x in xs:
        out.append(first(x, x * 2))
    return out

print("firsts", sum(firsts(list(range(300)))))

def helper(x):
    return x + 1

def rebinding(n):
    global helper
    t = 0
    for i in range(n):
        t += helper(i)
        if i == 600:
            def helper(x):
                return x - 1
    return t

print("rebound", rebinding(1000))

def coded(x):
    return x * 2

def recode(n):
    t = 0
    for i in range(n):
        t += coded(i)
        if i == 700:
            coded.__code__ = (lambda x: x * 3).__code__
    return t

print("new code", recode(1000))

class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def dot(self, other):
        return self.x * other.x + self.y * other.y
    def norm2(self):
        return self.dot(self)

def norms(vs):
    t = 0.0
    for v in vs:
        t += v.norm2()
    return t

vs = [Vec(i * 0.5, i * 0.25) for i in range(1000)]
print("norms", norms(vs))
vs[700] = Vec(1, 2)
print("norms mixed", norms(vs))

def deep(x, d):
    if d == 0:
        return x
    return deep(x + 1, d - 1)

def deeps(n):
    t = 0
    for i in range(n):
        t += deep(i, 3)
    return t

print("deep", deeps(500))

def divide(a, b):
    return a / b

def ratio(a, b):
    return divide(a, b) + 1

def ratios(n):
    total = 0.0
    for i in range(n):
        total += ratio(10.0, 500 - i)
    return total

# Last: the uncaught error's traceback goes through three inlined frames.
ratios(1000)

