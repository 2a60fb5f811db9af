# sys.settrace: generator/coroutine events (call on each resumption, return on yield, StopIteration of yield from), send/throw/close, closing on dealloc
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

def gen(n):
    for i in range(n):
        x = yield i
        if x:
            n += x
    return "done"

def deleg():
    r = yield from gen(2)
    yield r

def catching():
    try:
        yield 1
    except KeyError:
        yield "caught"
    yield 3

def closing():
    try:
        yield 1
    finally:
        print("closing cleanup")

class Awaitable:
    def __await__(self):
        v = yield "awaited"
        return v

async def coro():
    v = await Awaitable()
    return v * 2

def main():
    g = gen(2)
    print(list(g))
    g = gen(1)
    next(g)
    try:
        g.send(0)
    except StopIteration as e:
        print("stop", e.value)
    print(list(deleg()))
    c = catching()
    next(c)
    print(c.throw(KeyError))
    print(next(c))
    c = closing()
    next(c)
    c.close()
    co = coro()
    print(co.send(None))
    try:
        co.send(21)
    except StopIteration as e:
        print("coro", e.value)
    print(sum(x for x in range(3)))

sys.settrace(tracer)
main()
sys.settrace(None)
for e in events:
    print(e)

# A generator closed when it dies: call, exception (GeneratorExit), its finally, return
def catching():
    try:
        yield 1
    except KeyError:
        yield "caught"
    try:
        yield 3
    finally:
        print("fin")
def tr(frame, event, arg):
    print(event, frame.f_code.co_name, frame.f_lineno)
    return tr
def main2():
    c = catching()
    next(c)
    print(c.throw(KeyError))
    print(next(c))
    c = None
    print("after")
main2()
sys.settrace(tr)
main2()
sys.settrace(None)
