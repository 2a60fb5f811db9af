# "Did you mean" in printed tracebacks (CPython 3.11's suggestions.c): exact
# NameError and AttributeError only, the closest candidate by weighted edit
# distance, locals then globals then builtins for names, dir(obj) for
# attributes (a __getattr__ raising a bare AttributeError included).
import io
import sys


def last_line(fn):
    try:
        fn()
    except BaseException:
        buf = io.StringIO()
        old, sys.stderr = sys.stderr, buf
        try:
            sys.__excepthook__(*sys.exc_info())
        finally:
            sys.stderr = old
        return buf.getvalue().splitlines()[-1]
    return "no exception"


global_for_suggestions = 1


def local_name():
    blech = 1
    return blch


def global_name():
    return global_for_suggestion


def builtin_name():
    return ZeroDivisionErrr


def case_only():
    Blech = 1
    return blech


def nothing_close():
    return somethingentirelydifferent


class A:
    blech = 1
    bluch = 2

    def method(self):
        pass


class WithGetattr:
    fiddle = 1

    def __getattr__(self, name):
        raise AttributeError(name)


class Many:
    pass


for i in range(800):
    setattr(Many, f"attr_{i}", i)


class MyNameError(NameError):
    pass


def subclass():
    e = MyNameError("name 'blch' is not defined")
    e.name = "blch"
    raise e


def unbound():
    print(blech)
    blech = 1


cases = [
    local_name,
    global_name,
    builtin_name,
    case_only,
    nothing_close,
    lambda: A().blach,
    lambda: A().methd,
    lambda: A.bluc,
    lambda: WithGetattr().fiddel,
    lambda: Many().attr_1000,
    lambda: Many().atr_1,
    lambda: sys.getrecursionlimt,
    lambda: (1).real_,
    lambda: "".joinn,
    subclass,
    unbound,
]
for fn in cases:
    print(last_line(fn))

try:
    WithGetattr().fiddel
except AttributeError as e:
    print(e.name, type(e.obj).__name__)
try:
    sys.nonexistent_thing
except AttributeError as e:
    print(e.name, e.obj is sys)
