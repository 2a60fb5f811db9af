# gi_suspended / cr_suspended (3.11) and inspect.getgeneratorstate/getcoroutinestate.
import inspect

def gen():
    print("running", g.gi_suspended, g.gi_running)
    yield 1
    yield 2

g = gen()
print(g.gi_suspended, inspect.getgeneratorstate(g))
next(g)
print(g.gi_suspended, inspect.getgeneratorstate(g))
list(g)
print(g.gi_suspended, inspect.getgeneratorstate(g))

class Aw:
    def __await__(self):
        yield "pause"

async def coro():
    await Aw()
    return 5

c = coro()
print(c.cr_suspended, inspect.getcoroutinestate(c))
print(c.send(None))
print(c.cr_suspended, inspect.getcoroutinestate(c))
try:
    c.send(None)
except StopIteration as e:
    print("done", e.value)
print(c.cr_suspended, inspect.getcoroutinestate(c))
c2 = coro()
c2.close()
print(c2.cr_suspended, inspect.getcoroutinestate(c2))
