# contextvars (PEP 567) on strand's native _contextvars: ContextVar get/set/reset and its
# errors, Token, Context as a mapping, run (and re-entering), copy, copy_context,
# contexts per thread, GenericAlias, reprs.
import contextvars, threading
v = contextvars.ContextVar("v", default=10)
w = contextvars.ContextVar("w")
print(v.name, v.get(), w.get(5))
try:
    w.get()
except LookupError as e:
    print("LookupError", type(e.args[0]).__name__, e.args[0] is w)
t = v.set(1)
print(v.get(), t.var is v, t.old_value is contextvars.Token.MISSING, repr(contextvars.Token.MISSING))
t2 = v.set(2)
print(t2.old_value)
v.reset(t2)
print(v.get())
try:
    v.reset(t2)
except RuntimeError as e:
    print("RuntimeError", str(e).split(" var=")[0])
try:
    w.reset(t)
except ValueError as e:
    print("ValueError", "different ContextVar" in str(e))
ctx = contextvars.copy_context()
print(len(ctx), ctx[v], v in ctx, w in ctx, ctx.get(w, "d"))
def f(x, y=0):
    v.set(x + y)
    w.set("in")
    return v.get(), w.get(), contextvars.copy_context() == ctx
print(ctx.run(f, 3, y=4))
print(v.get(), w.get("none"), ctx[v], ctx[w])
try:
    ctx.run(lambda: ctx.run(print, 1))
except RuntimeError as e:
    print("RuntimeError", str(e).startswith("cannot enter context: <_contextvars.Context object at"), str(e).endswith("is already entered"))
tok = v.set(99)
def other():
    print("thread sees", v.get())
    try:
        v.reset(tok)
    except ValueError as e:
        print("ValueError", "different Context" in str(e))
th = threading.Thread(target=other); th.start(); th.join()
v.reset(tok)
print(v.get())
c2 = ctx.copy()
print(c2 == ctx, c2 is ctx, sorted(x.name for x in c2), sorted(map(str, c2.values())))
print(sorted((k.name, val) for k, val in c2.items()), len(c2.keys()))
try:
    ctx[1]
except TypeError as e:
    print(e)
try:
    contextvars.Context(1)
except TypeError as e:
    print(e)
try:
    contextvars.Token()
except RuntimeError as e:
    print(e)
try:
    contextvars.ContextVar(1)
except TypeError as e:
    print(e)
try:
    class X(contextvars.ContextVar): pass
except TypeError as e:
    print(e)
print(contextvars.ContextVar[int])
print(repr(v).startswith("<ContextVar name='v' default=10 at 0x"), repr(w).startswith("<ContextVar name='w' at"))
try:
    hash(ctx)
except TypeError as e:
    print(e)
print(type(ctx).__name__, type(ctx).__module__, type(v).__module__)

# Threads: each starts with an empty context; a shared context entered by many threads
# at once is entered by one at a time (the others get RuntimeError), and every value a
# thread sets stays in the context it set it in.
import sys
N = 8
seen = [None] * N
def worker(i):
    seen[i] = (v.get(), w.get("unset"))
    for j in range(200):
        v.set(i * 1000 + j)
        assert v.get() == i * 1000 + j
    seen[i] += (v.get(),)
ts = [threading.Thread(target=worker, args=(i,)) for i in range(N)]
for t in ts: t.start()
for t in ts: t.join()
print(seen)
shared = contextvars.Context()
outcomes = []
barrier = threading.Barrier(N)
def enter_shared(i):
    barrier.wait()
    for _ in range(100):
        try:
            got = shared.run(lambda: (v.set(i), v.get())[1])
            outcomes.append(got == i)
        except RuntimeError:
            outcomes.append("busy")
ts = [threading.Thread(target=enter_shared, args=(i,)) for i in range(N)]
for t in ts: t.start()
for t in ts: t.join()
print(len(outcomes), False not in outcomes, v in shared)
