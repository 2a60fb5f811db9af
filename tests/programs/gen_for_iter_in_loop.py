"""FOR_ITER over a generator runs the generator's frame in the caller's loop
invocation (CPython 3.12's FOR_ITER_GEN): yields, returns, exceptions, tracebacks,
exception state, recursion, gi_running/gi_frame, mixing with next()/send()/close(),
threads and tracing must look exactly as when the generator is resumed from Rust."""
import sys
import threading
import traceback


def count(n):
    for i in range(n):
        yield i


def evens(xs):
    for x in xs:
        if x % 2 == 0:
            yield x


def squares(xs):
    for x in xs:
        yield x * x


print(sum(x for x in squares(evens(count(50)))))
total = 0
for v in squares(evens(count(1000))):
    total += v
print(total)


# A return value is dropped by the loop; the loop's else runs.
def returns(n):
    yield from range(n)
    return "done"


for x in returns(3):
    print("r", x)
else:
    print("else ran")


# An exception in the generator: traceback through both frames, generator finished.
def boom(n):
    for i in range(n):
        if i == 2:
            raise KeyError(i)
        yield i


g = boom(5)
try:
    for x in g:
        print("b", x)
except KeyError as e:
    tb = traceback.extract_tb(e.__traceback__)
    print("caught", repr(e), [(f.name, f.line) for f in tb])
print("after error, next gives", next(g, "exhausted"))


# PEP 479: StopIteration inside becomes RuntimeError with __cause__.
def stops():
    yield 1
    raise StopIteration("inner")


try:
    for x in stops():
        print("s", x)
except RuntimeError as e:
    print("RuntimeError:", e, "| cause:", repr(e.__cause__))


# Exception handled inside the generator, and the caller's handled exception seen
# from inside the generator.
def sees_exc():
    yield repr(sys.exc_info()[1])
    try:
        raise ValueError("inside")
    except ValueError:
        yield repr(sys.exc_info()[1])
    yield repr(sys.exc_info()[1])


try:
    raise TypeError("outer")
except TypeError:
    for x in sees_exc():
        print("exc_info:", x, "| caller's:", repr(sys.exc_info()[1]))


# gi_running, gi_frame.f_back and re-entrance.
def introspect():
    me = yield
    yield me.gi_running
    yield me.gi_frame.f_back.f_code.co_name
    try:
        for _ in me:
            pass
    except ValueError as e:
        yield "ValueError: %s" % e


def driver():
    g = introspect()
    next(g)
    print("send:", g.send(g))
    for x in g:
        print("in loop:", x)


driver()


# Break out of the loop, then resume the same generator by next(), send() and a loop.
def echo():
    got = None
    for i in range(10):
        got = yield (i, got)


e = echo()
for x in e:
    print("echo", x)
    if x[0] == 2:
        break
print("next:", next(e))
print("send:", e.send("hello"))
for x in e:
    print("echo again", x)
    if x[0] == 6:
        break
e.close()
print("closed; next gives", next(e, "exhausted"))


# try/finally inside: close() after in-loop resumption runs the finally block.
def guarded():
    try:
        yield 1
        yield 2
    finally:
        print("finally ran")


gg = guarded()
for x in gg:
    print("guarded", x)
    break
gg.close()


# Recursive generators: a tree walk, then deep nesting to RecursionError.
def walk(t):
    if isinstance(t, list):
        for c in t:
            for x in walk(c):
                yield x
    else:
        yield t


print(list(walk([1, [2, [3, [4, [5, 6]]], 7], [[8]]])))


def deep(n):
    if n == 0:
        yield "bottom"
        return
    for x in deep(n - 1):
        yield x


print(list(deep(200)))
try:
    for x in deep(100000):
        pass
except RecursionError:
    print("RecursionError")
print(list(deep(50)))


# A generator consumed partly by a loop and partly by a builtin.
def letters():
    yield from "abcdef"


lg = letters()
for ch in lg:
    if ch == "c":
        break
print("rest:", "".join(lg))


# Threads: each thread runs its own pipelines; nothing lost.
results = {}


def work(k):
    s = 0
    for _ in range(20):
        for v in squares(evens(count(200))):
            s += v
    results[k] = s


ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(sorted(results.items()))


# Tracing that starts inside a generator that a loop resumed.
events = []


def tracer(frame, event, arg):
    if frame.f_code.co_name in ("traced_gen", "traced_loop"):
        events.append((frame.f_code.co_name, event))
    return tracer


def traced_gen():
    yield 1
    sys.settrace(tracer)
    yield 2
    yield 3


def traced_loop():
    out = []
    for x in traced_gen():
        out.append(x)
    return out


print(traced_loop())
sys.settrace(None)
print(events)
