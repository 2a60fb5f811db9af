# Locals whose values are replaced or deleted while a reference to the old value is
# still in use (strand pushes uncounted references to locals where the compiler can
# prove the local outlives them; everywhere else the reference is counted). Each
# object records its own destruction so early frees would show as wrong output.
import gc

log = []


class Tracked:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        log.append("del " + self.name)

    def __repr__(self):
        return "T(%s)" % self.name

    def __add__(self, other):
        return Tracked(self.name + "+" + other.name)


def swap():
    a, b = Tracked("a"), Tracked("b")
    a, b = b, a
    return a.name + b.name


def replace_while_in_use():
    x = Tracked("x1")
    y = x
    x = None
    log.append("after x = None: " + y.name)
    x = Tracked("x2")
    z = x + (x := Tracked("x3"))
    return z.name + " " + x.name


def delete_while_in_use():
    v = Tracked("v")
    w = [v, v]
    del v
    log.append("after del: " + w[0].name)
    return len(w)


def returns_argument(t):
    return t


def call_keeps_result():
    t = Tracked("arg")
    r = returns_argument(t)
    t = None
    log.append("result outlives the local: " + r.name)
    return r.name


def gen(seed):
    cur = seed
    while True:
        nxt = yield cur
        cur = nxt if nxt is not None else Tracked(cur.name + "'")


def generator_holds_values():
    g = gen(Tracked("g0"))
    first = next(g)
    a = Tracked("sent")
    second = g.send(a)
    a = None
    third = next(g)
    names = [first.name, second.name, third.name]
    g.close()
    return names


def exception_in_expression():
    e = Tracked("e")
    try:
        e = e + Tracked("f") if e.name == "e" else None
        raise ValueError(e.name)
    except ValueError as exc:
        e = None
        return str(exc)


def loop_rebinding():
    acc = Tracked("0")
    for i in range(3):
        acc = acc + Tracked(str(i + 1))
    return acc.name


def method_on_replaced_self():
    class Box:
        def __init__(self, v):
            self.v = v

        def swap_in(self, other):
            old = self.v
            self.v = other
            return old

    b = Box(Tracked("in-box"))
    old = b.swap_in(Tracked("new"))
    b = None
    gc.collect()
    return old.name


def closure_over_loop_variable():
    fs = []
    for t in [Tracked("c1"), Tracked("c2")]:
        fs.append(lambda t=t: t.name)
    t = None
    return [f() for f in fs]


for f in [swap, replace_while_in_use, delete_while_in_use, call_keeps_result,
          generator_holds_values, exception_in_expression, loop_rebinding,
          method_on_replaced_self, closure_over_loop_variable]:
    result = f()
    gc.collect()
    print(f.__name__, result, log)
    log.clear()
