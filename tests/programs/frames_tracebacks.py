import sys

def where():
    f = sys._getframe(1)
    return f.f_code.co_name, f.f_lineno

def caller():
    return where()

print(caller())
print(sys._getframe().f_code.co_name, sys._getframe(0).f_back)
try:
    sys._getframe(1000)
except ValueError as e:
    print("ValueError", e)

def outer():
    x = 10
    def inner():
        y = 20
        return sys._getframe()
    return inner(), sys._getframe()

fi, fo = outer()
print(fi.f_code.co_name, sorted(fi.f_locals.items()), fi.f_back is fo)
print(fo.f_code.co_name, sorted(k for k in fo.f_locals))
print(fi.f_globals is globals(), fi.f_builtins is __builtins__.__dict__ if hasattr(__builtins__, '__dict__') else True)
print(type(fi).__name__, repr(fi).startswith("<frame at 0x"))

def walk():
    names = []
    f = sys._getframe()
    while f is not None:
        names.append(f.f_code.co_name)
        f = f.f_back
    return names

def a(): return b()
def b(): return walk()
print(a())

def fails(n):
    if n == 0:
        local_value = "here"
        raise KeyError("deep")
    return fails(n - 1)

try:
    fails(3)
except KeyError as e:
    tb = e.__traceback__
    entries = []
    while tb is not None:
        entries.append((tb.tb_frame.f_code.co_name, tb.tb_lineno, tb.tb_lasti >= 0))
        last = tb
        tb = tb.tb_next
    print(entries)
    print(last.tb_frame.f_locals["local_value"], last.tb_frame.f_locals["n"])
    print(last.tb_frame.f_back.f_code.co_name, last.tb_frame.f_back.f_locals["n"])
    last.tb_frame.clear()
    print(last.tb_frame.f_locals.get("local_value", "cleared"))
    print(sys.exc_info()[2] is e.__traceback__)

def reraise():
    try:
        1 / 0
    except ZeroDivisionError as e:
        raise e

try:
    reraise()
except ZeroDivisionError as e:
    t = e.__traceback__
    lines = []
    while t:
        lines.append(t.tb_lineno)
        t = t.tb_next
    print(lines)

# Building tracebacks by hand.
TB = type(e.__traceback__)
f = sys._getframe()
t1 = TB(None, f, 0, 5)
t2 = TB(t1, f, 2, 7)
print(t2.tb_next is t1, t2.tb_lineno, t1.tb_lasti)
for bad in [(1, f, 0, 1), (None, 1, 0, 1), (None, f, "a", 1), (None, f, 0)]:
    try:
        TB(*bad)
    except TypeError as err:
        print("TypeError", err)
try:
    t1.tb_next = t2
except ValueError as err:
    print("ValueError", err)
try:
    t1.tb_next = 3
except TypeError as err:
    print("TypeError", err)
try:
    del t1.tb_next
except TypeError as err:
    print("TypeError", err)
try:
    t1.tb_lineno = 3
except AttributeError as err:
    print("AttributeError", err)
try:
    ValueError().with_traceback(5)
except TypeError as err:
    print("TypeError", err)
err = ValueError("x").with_traceback(t2)
print(err.__traceback__ is t2)
err.__traceback__ = None
print(err.__traceback__)
try:
    sys._getframe().clear()
except RuntimeError as e2:
    print("RuntimeError", e2)
try:
    type(f)()
except TypeError as e3:
    print("TypeError", e3)
f.f_trace_lines = False
print(f.f_trace, f.f_trace_lines, f.f_trace_opcodes)
try:
    f.f_trace_lines = 1
except TypeError as e4:
    print("TypeError", e4)

# Generator frames
def gen():
    x = 1
    yield sys._getframe()
    x = 2
    yield sys._getframe()

g = gen()
f1 = next(g)
f2 = next(g)
print(f1 is f2, f1.f_locals["x"], f1.f_code.co_name, f1.f_back is None)

# An exception raised through a with-traceback re-raise keeps one entry per pass.
def thrower():
    raise ValueError("t")
def passer():
    try:
        thrower()
    except ValueError as ex:
        raise RuntimeError("wrapped") from ex
try:
    passer()
except RuntimeError as e5:
    print([t.tb_frame.f_code.co_name for t in [e5.__traceback__, e5.__traceback__.tb_next] if t])
    print(e5.__cause__.__traceback__.tb_next.tb_frame.f_code.co_name)

# Printing a traceback with a saved, replaced chain.
def g1(): raise IndexError("printed")
try:
    g1()
except IndexError as e6:
    saved = e6
raise saved.with_traceback(saved.__traceback__.tb_next)
