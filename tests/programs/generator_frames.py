import sys

def gen():
    x = 1
    yield x
    x = 2
    inner = yield from sub()
    yield inner

def sub():
    yield "sub"
    return "done"

g = gen()
print(g.gi_frame.f_code.co_name, g.gi_frame.f_lineno == gen.__code__.co_firstlineno, g.gi_code is gen.__code__)
print(g.gi_yieldfrom, g.gi_running)
next(g)
f = g.gi_frame
print(f.f_locals, f.f_back, f is g.gi_frame)
next(g)
print(g.gi_yieldfrom.gi_code.co_name, f.f_locals["x"])
print(next(g))
print(g.gi_yieldfrom)
for _ in g:
    pass
print(g.gi_frame, g.gi_running)
print(f.f_locals.get("inner"))

def watcher():
    me = None
    while True:
        me = sys._getframe()
        yield (me is watched.gi_frame, watched.gi_running, me.f_back.f_code.co_name)

watched = watcher()
def driver():
    return next(watched)
print(driver())

async def coro():
    return 5
c = coro()
print(c.cr_frame.f_code.co_name, c.cr_code.co_name, c.cr_running, c.cr_await)
try:
    c.send(None)
except StopIteration as e:
    print("returned", e.value, c.cr_frame)

async def agen():
    yield 1
a = agen()
print(a.ag_frame.f_code.co_name, a.ag_code.co_name)

# A generator running on another thread, looked at from this one.
import threading
inside = threading.Event()
leave = threading.Event()
def blocking():
    marker = "in thread"
    inside.set()
    leave.wait()
    yield marker
bg = blocking()
t = threading.Thread(target=lambda: next(bg))
t.start()
inside.wait()
fr = bg.gi_frame
print(bg.gi_running, fr.f_code.co_name, fr.f_locals.get("marker"), fr.f_back is not None)
leave.set()
t.join()
print(bg.gi_running, bg.gi_frame is fr, fr.f_locals["marker"])
