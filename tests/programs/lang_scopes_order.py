# Nested scopes (lambdas, comprehensions, classes) are found by their node, whatever
# order the compiler meets them in.

def f1():
    try:
        pass
    finally:
        f = lambda: 1
    return f()
print(f1())

def f2():
    try:
        x = 1
    except ValueError:
        y = (lambda: 3)()
    else:
        y = (lambda: 5)()
    return y
print(f2())

def f3():
    try:
        raise ValueError
    except ValueError:
        g = (lambda: [i for i in range(3)])()
    else:
        g = [(lambda: 9)()]
    finally:
        h = (lambda a=1: a)()
    return g, h
print(f3())

def gen():
    try:
        yield 1
    except KeyError:
        z = (x for x in (lambda: [1])())
    else:
        z = (lambda q: q)(7)
    return z
print(list(gen()))

class A((lambda a: object)(1)):
    x = 1
print(A.x, A.__bases__)

class B((lambda: object)(), metaclass=(lambda: type)()):
    y = 2
    def m(self):
        return self.y
print(B.y, B().m())

d = {0: 1}
d[(lambda a: a)(0)] += (lambda b: b)(2)
print(d)

x: (lambda q: int)(0) = (lambda r: r)(5)
print(x, __annotations__)

def f4():
    for i in range(2):
        try:
            continue
        finally:
            k = [j for j in (lambda: range(2))()]
    return k
print(f4())

def f5():
    try:
        return 1
    finally:
        w = sorted([3, 1], key=lambda v: -v)
        print(w)
print(f5())

with_try = """
try:
    pass
finally:
    f = lambda: 1
print(f())
"""
exec(with_try)
