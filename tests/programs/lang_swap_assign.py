# Parallel assignment from a tuple display of one, two or three items (compiled to
# stack rotations instead of a tuple, as CPython does): order of evaluation and of
# stores, locals overwritten while the old values are still on the stack, targets
# of every kind, and displays whose tuple is not unpacked at once.


class Noisy:
    def __init__(self, log, name):
        self.log = log
        self.name = name

    def __setattr__(self, key, value):
        if key not in ("log", "name"):
            self.log.append("set %s.%s=%r" % (self.name, key, value))
        object.__setattr__(self, key, value)


def trace(log, tag, value):
    log.append("eval %s" % tag)
    return value


def swaps():
    a, b, c = "a", "b", "c"
    a, b = b, a
    print(a, b)
    a, b, c = c, a, b
    print(a, b, c)
    (a,) = (b,)
    print(a)
    # The only references to these lists are the locals being overwritten.
    x, y = [1, 2], [3, 4]
    x, y = y, x
    print(x, y)
    x, y, z = [5], [6], [7]
    x, y, z = z, x, y
    print(x, y, z)
    del x, y, z


def evaluation_order():
    log = []
    p = Noisy(log, "p")
    q = Noisy(log, "q")
    p.v, q.v = trace(log, 1, "one"), trace(log, 2, "two")
    p.v, q.v, p.w = trace(log, 3, q.v), trace(log, 4, p.v), trace(log, 5, "five")
    print(log)
    d = {}
    d[trace(log, "k1", "x")], d[trace(log, "k2", "y")] = trace(log, "v1", 1), trace(log, "v2", 2)
    print(d, log[-4:])
    items = [10, 20, 30]
    items[0], items[2] = items[2], items[0]
    items[0], items[1], items[2] = items[1], items[2], items[0]
    print(items)


def not_unpacked_at_once(flag):
    # A conditional expression: the tuple display is one branch of it.
    a, b = (1, 2) if flag else (3, 4)
    c, d = (5, 6) if not flag else (b, a)
    print(a, b, c, d)
    # Nested targets and a chain of targets.
    (e, f), g = (a, b), c
    h = i, j = d, a
    k, l = m = c, d
    print(e, f, g, h, i, j, k, l, m)
    # A starred target and a length mismatch still unpack a real tuple.
    n, *o = a, b, c
    print(n, o)
    try:
        p, q = a, b, c
    except ValueError as exc:
        print("ValueError:", exc)
    try:
        p, q, r, s = a, b, c
    except ValueError as exc:
        print("ValueError:", exc)
    # Four items stay a tuple.
    p, q, r, s = s0, s1, s2, s3 = a, b, c, d
    print(p, q, r, s, s0, s1, s2, s3)


def in_handlers():
    a, b = 1, 2
    try:
        a, b = b, a
        raise KeyError(a)
    except KeyError as exc:
        a, b = exc.args[0], b
    finally:
        b, a = a, b
    print(a, b)


def fib_gen(n):
    a, b = 0, 1
    for _ in range(n):
        yield a
        a, b = b, a + b


def loop(n):
    a, b, c = 0, 1, 2
    total = 0
    for i in range(n):
        a, b, c = b, c, (a + b + c + i) % 1009
        total += a
        if i % 3:
            a, b = b, a
    return total, a, b, c


swaps()
evaluation_order()
not_unpacked_at_once(True)
not_unpacked_at_once(False)
in_handlers()
print(list(fib_gen(12)))
print(loop(500))
g = fib_gen(5)
a, b = next(g), next(g)
print(a, b)
