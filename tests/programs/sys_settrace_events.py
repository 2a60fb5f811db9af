# sys.settrace: call/line/return/exception events for plain code, loops, calls, classes
import sys

events = []

def tracer(frame, event, arg):
    name = frame.f_code.co_name
    if event == 'exception':
        a = arg[0].__name__
    elif event == 'return':
        a = repr(arg)
    else:
        a = ''
    events.append(f"{event} {name} {frame.f_lineno} {a}".rstrip())
    return tracer

def add(a, b):
    return a + b

def loop(n):
    total = 0
    for i in range(n):
        total = add(total, i)
    j = 0
    while j < 2:
        j += 1
    return total

def raiser():
    raise ValueError("x")

def catcher():
    try:
        raiser()
    except ValueError as e:
        r = str(e)
    finally:
        r = r + "!"
    return r

class C:
    def __init__(self, v):
        self.v = v
    def get(self):
        return self.v
    @property
    def p(self):
        return self.v * 2

def comp(xs):
    a = [x * 2 for x in xs]
    b = {x: x for x in xs if x}
    return a, b

def rec(n):
    if n == 0:
        return 0
    return n + rec(n - 1)

def uncaught():
    x = 1
    return x / 0

def main():
    loop(3)
    catcher()
    c = C(4)
    c.get()
    c.p
    comp([0, 1])
    rec(2)
    try:
        uncaught()
    except ZeroDivisionError:
        pass
    lam = lambda q: q + 1
    lam(1)

sys.settrace(tracer)
main()
sys.settrace(None)
for e in events:
    print(e)
print(sys.gettrace())
