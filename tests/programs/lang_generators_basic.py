# Generators: lazy evaluation, state between yields, return value in StopIteration, reuse.
def counter(n):
    print("  start")
    i = 0
    while i < n:
        print("  yielding", i)
        yield i
        i += 1
    print("  done")
    return "finished"

g = counter(2)
print(type(g).__name__, g.__name__)
print(next(g))
print(next(g))
try:
    next(g)
except StopIteration as e:
    print("StopIteration value:", e.value)
try:
    next(g)
except StopIteration as e:
    print("again:", e.value)

print(list(counter(3)))
print(sum(x * x for x in range(10)))

def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b

f = fib()
print([next(f) for _ in range(15)])

def take(n, it):
    for i, x in enumerate(it):
        if i >= n:
            return
        yield x

print(list(take(5, fib())), list(take(0, fib())))

def chain(*its):
    for it in its:
        for x in it:
            yield x
print(list(chain("ab", [1, 2], range(2))))

def empty():
    return
    yield
print(list(empty()))

def gen_with_return_only():
    if False:
        yield 1
    return 5
try:
    next(gen_with_return_only())
except StopIteration as e:
    print("return-only:", e.value)

def stop_inside():
    yield 1
    raise StopIteration("bad")
try:
    list(stop_inside())
except RuntimeError as e:
    print("RuntimeError:", e, "| cause:", type(e.__cause__).__name__)

def running():
    yield gi.gi_running
gi = running()
print(next(gi), gi.gi_running)

def frames():
    yield 1
fr = frames()
print(fr.gi_running)
list(fr)
print(list(fr))

def pipeline():
    nums = (i for i in range(20))
    evens = (n for n in nums if n % 2 == 0)
    squares = (e * e for e in evens)
    return list(squares)
print(pipeline())

def gen_exc_inside():
    try:
        yield 1
        1 / 0
    except ZeroDivisionError:
        yield "caught inside"
print(list(gen_exc_inside()))

# generator expression binds the first iterable eagerly
xs = [1, 2, 3]
ge = (x * 10 for x in xs)
xs = [9]
print(list(ge))
try:
    (1 / 0 for _ in range(1)) and None
    g0 = (y for y in 5)
except TypeError as e:
    print("TypeError:", e)

# a suspended generator runs its finally block when it is dropped or collected
def guarded(name):
    try:
        yield 1
        yield 2
    finally:
        print("  finally of", name)

dropped = guarded("dropped")
next(dropped)
del dropped
print("after del")

def use_locally():
    g = guarded("local")
    return next(g)
print(use_locally())

import gc
def self_ref():
    me = yield 1
    try:
        yield 2
    finally:
        print("  finally of the cycle")
cyc = self_ref()
next(cyc)
cyc.send(cyc)
del cyc
gc.collect()
print("collected")

at_exit = guarded("module global")
next(at_exit)
print("end of program")
