# Positional parameters, defaults, and the errors for missing/extra arguments.
def f(a, b, c=3, d=4):
    return (a, b, c, d)

print(f(1, 2))
print(f(1, 2, 5))
print(f(1, 2, 5, 6))
print(f(1, b=7))
print(f(b=1, a=2, d=9))

def show(fn, *args, **kwargs):
    try:
        print(fn(*args, **kwargs))
    except TypeError as e:
        print("TypeError:", e)

show(f)
show(f, 1)
show(f, 1, 2, 3, 4, 5)
show(f, 1, 2, a=3)
show(f, 1, 2, e=3)
show(f, 1, 2, c=3, e=5)

def g():
    return "g"

show(g, 1)
show(g, x=1)

def h(x):
    return x

show(h)
show(h, 1, 2)
show(h, y=2)

def three(a, b, c):
    return a + b + c

show(three, 1)
show(three)
show(three, c=1)

# Defaults are evaluated once, at definition time.
def acc(x, bucket=[]):
    bucket.append(x)
    return bucket

print(acc(1), acc(2), acc(3, []))
print(f.__defaults__, g.__defaults__, f.__name__, f.__code__.co_argcount)

counter = 10
def dflt(x=counter):
    return x
counter = 20
print(dflt())
