import sys
def lines(e):
    out = []
    t = e.__traceback__
    while t:
        out.append((t.tb_frame.f_code.co_name, t.tb_lineno))
        t = t.tb_next
    return out

def bare():
    try:
        1 / 0
    except ZeroDivisionError:
        raise

def named():
    try:
        1 / 0
    except ZeroDivisionError as e:
        raise e

def later():
    try:
        {}["k"]
    except KeyError as e:
        saved = e
    raise saved

def in_finally():
    try:
        raise ValueError("f")
    finally:
        pass

for fn in (bare, named, later, in_finally):
    try:
        fn()
    except Exception as e:
        print(fn.__name__, lines(e))

def star():
    try:
        raise ExceptionGroup("g", [ValueError(1), TypeError(2)])
    except* ValueError:
        raise
try:
    star()
except ExceptionGroup as e:
    print("star", lines(e), repr(e))

def gen():
    try:
        yield 1
    except KeyError:
        raise
g = gen(); next(g)
try:
    g.throw(KeyError("thrown"))
except KeyError as e:
    print("throw", lines(e))
later()
