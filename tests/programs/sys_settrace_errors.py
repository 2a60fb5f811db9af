# sys.settrace: a trace function that raises at call/line/return/exception is removed, its exception propagates (tracebacks as CPython's)
import sys
def tbl(tb):
    out = []
    while tb is not None:
        out.append((tb.tb_frame.f_code.co_name, tb.tb_lineno))
        tb = tb.tb_next
    return out
def mk(ev):
    def tracer(frame, event, arg):
        if frame.f_code.co_name == 'f' and event == ev:
            raise ValueError(ev)
        return tracer
    return tracer
def f():
    try:
        x = 1
        return x
    except ValueError:
        print("caught in f")
        return -1
    finally:
        print("finally")
for ev in ['call', 'line', 'return']:
    sys.settrace(mk(ev))
    try:
        print(f())
    except ValueError as e:
        print(ev, sys.gettrace(), tbl(e.__traceback__))
def g():
    try:
        1/0
    except ZeroDivisionError:
        print("caught zde")
    return 5
sys.settrace(mk('exception'))
def mk2(ev):
    def tracer(frame, event, arg):
        if frame.f_code.co_name == 'g' and event == ev:
            raise ValueError(ev)
        return tracer
    return tracer
sys.settrace(mk2('exception'))
try:
    print(g())
except ValueError as e:
    print('exc', sys.gettrace(), tbl(e.__traceback__))

# The same for a line event, then events of a decorated generator and of exceptions caught and not
def tracer2(frame, event, arg):
    if event == 'line' and frame.f_code.co_name == "f2" and frame.f_lineno == f2.__code__.co_firstlineno + 1:
        raise ValueError("boom")
    return tracer2
def f2():
    x = 1
    y = 2
    return x + y
sys.settrace(tracer2)
try:
    f2()
except ValueError as e:
    print(sys.gettrace())
    for fs in tbl(e.__traceback__):
        print(*fs)
def g(frame, event, arg):
    print(event, frame.f_code.co_name, frame.f_lineno, arg if event != 'exception' else arg[0])
    return g
def deco(fn): return fn
@deco
def h(a):
    yield a
    yield a+1
sys.settrace(g)
for v in h(3):
    pass
def k():
    try:
        raise KeyError(1)
    except KeyError:
        pass
    1/0
try:
    k()
except ZeroDivisionError:
    pass
sys.settrace(None)
