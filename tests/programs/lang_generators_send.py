# send, throw, close, yield from delegation (with return values and throw passthrough).
def accumulator():
    total = 0
    while True:
        value = yield total
        if value is None:
            break
        total += value
    return total

acc = accumulator()
print(next(acc), acc.send(5), acc.send(10), acc.send(1))
try:
    acc.send(None)
except StopIteration as e:
    print("final", e.value)

g = accumulator()
try:
    g.send(3)
except TypeError as e:
    print("TypeError:", e)

def catcher():
    while True:
        try:
            yield "waiting"
        except ValueError as e:
            print("  caught", e)
            yield "recovered"
        except GeneratorExit:
            print("  closing")
            raise

c = catcher()
print(next(c))
print(c.throw(ValueError("boom")))
print(next(c))
c.close()
print("closed")
try:
    next(c)
except StopIteration:
    print("closed generator is exhausted")

def uncaught():
    yield 1
u = uncaught()
next(u)
try:
    u.throw(KeyError("k"))
except KeyError as e:
    print("KeyError propagated:", e)
u2 = uncaught()
try:
    u2.throw(IndexError)
except IndexError as e:
    print("throw into fresh generator:", repr(e))

def bad_close():
    try:
        yield 1
    except GeneratorExit:
        yield 2
b = bad_close()
next(b)
try:
    b.close()
except RuntimeError as e:
    print("RuntimeError:", e)

def ret_on_close():
    try:
        yield 1
    finally:
        print("  cleanup")
r = ret_on_close()
next(r)
print(r.close())

def inner():
    x = yield "inner-1"
    print("  inner got", x)
    y = yield "inner-2"
    print("  inner got", y)
    return "inner-result"

def outer():
    result = yield from inner()
    print("  outer got", result)
    yield "outer-done"
    return result.upper()

o = outer()
print(next(o))
print(o.send("A"))
print(o.send("B"))
try:
    next(o)
except StopIteration as e:
    print("outer returned", e.value)

def delegate_iterables():
    yield from [1, 2]
    yield from "ab"
    yield from range(3, 5)
    n = yield from (i for i in [])
    yield n
print(list(delegate_iterables()))

def tree(depth):
    if depth == 0:
        yield "leaf"
        return 1
    left = yield from tree(depth - 1)
    right = yield from tree(depth - 1)
    return left + right

t = tree(3)
leaves = []
while True:
    try:
        leaves.append(next(t))
    except StopIteration as e:
        print(len(leaves), "leaves, count", e.value)
        break

def throw_target():
    try:
        yield 1
    except ValueError:
        yield "inner handled"
    return "r"

def throw_outer():
    r = yield from throw_target()
    yield "outer after " + r

to = throw_outer()
next(to)
print(to.throw(ValueError))
print(next(to))

def close_passthrough():
    try:
        yield from ret_on_close()
    finally:
        print("  outer finally")
cp = close_passthrough()
next(cp)
cp.close()

def gen_expr_send():
    ge = (x for x in range(3))
    next(ge)
    try:
        ge.send(5)
    except Exception as e:
        return type(e).__name__
    return ge.send(None)
print(gen_expr_send())

def yield_expr_values():
    a = yield
    b = yield a * 2
    yield a + b
ye = yield_expr_values()
print(next(ye), ye.send(3), ye.send(4))
