# Adjacent fast-local loads and stores (fused by the compiler into CPython 3.13's
# superinstructions): values, unbound locals and their traceback carets, line events,
# exception handlers, generators and closures.
import sys
import traceback


def pairs(a, b):
    c = a + b
    d = a * b
    e, f = d, c
    return a - b, c, d, e, f


print(pairs(7, 3))
print(pairs(2.5, 0.5))
print(pairs(10**20, 3))


def swap(a, b):
    a, b = b, a
    return a, b


print(swap(1, 2))


def many(p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15, p16, p17):
    x = p15 + p16
    y = p16 + p17
    z = p14 + p15
    return x, y, z


print(many(*range(18)))


def maybe(flag):
    if flag:
        b = 1
    return flag + b


def deleted(a, b):
    if a:
        del b
    return a + b


def self_store(n):
    t = n
    t = t + t
    return t


print(self_store(21))
for fn, args in ((maybe, (0,)), (maybe, (1,)), (deleted, (1, 2)), (deleted, (0, 2))):
    try:
        print(fn(*args))
    except UnboundLocalError:
        print(traceback.format_exc().splitlines()[-3:])


def loop(n):
    total = 0
    i = 0
    while i < n:
        x = i
        y = x
        total = total + x + y
        i = i + 1
    return total


print(loop(100))


def handler(a, b):
    try:
        c = a / b
        d = c
    except ZeroDivisionError:
        c = d = -1
    return c, d


print(handler(1, 2), handler(1, 0))


def gen(a, b):
    for i in range(3):
        yield a, b
        a, b = b, a + b


print(list(gen(1, 1)))


def outer(a, b):
    def inner():
        return a + b

    c = a
    d = b
    return inner() + c + d


print(outer(3, 4))

events = []


def tracer(frame, event, arg):
    if frame.f_code.co_name == "traced":
        events.append((event, frame.f_lineno - traced.__code__.co_firstlineno))
    return tracer


def traced(a, b):
    c = a + b
    d, e = c, a
    return d + e


sys.settrace(tracer)
traced(1, 2)
sys.settrace(None)
print(events)
