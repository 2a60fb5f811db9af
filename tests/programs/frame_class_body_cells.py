# A class body's cell variables (__class__) in f_locals and locals(), and written
# back from f_locals after a trace function ran, as CPython 3.11's
# PyFrame_FastToLocals / PyFrame_LocalsToFast do for code that is not optimized.
import sys


def body_tracer(target_line, action):
    def tracer(frame, event, arg):
        if frame.f_code.co_name.startswith("C") and event == "line" \
                and frame.f_lineno == target_line():
            action(frame)
        return tracer
    return tracer


def run(label, make, line, action):
    sys.settrace(body_tracer(line, action))
    try:
        cls = make()
        print(label, "ok", cls.__name__)
    except Exception as e:
        print(label, type(e).__name__, e)
    finally:
        sys.settrace(None)


# 1. The tracer writes __class__ into f_locals: methods called in the body see it.
def make1():
    class C1:
        def m(self):
            return __class__
        x = 1
        marker1 = sys._getframe().f_lineno + 1
        print("  cell is", m(None))
    print("  after creation the cell is the class:", C1().m() is C1)
    return C1


def write_cell(frame):
    frame.f_locals["__class__"] = "written"


run("write", make1, lambda: make1.__code__.co_firstlineno + 5, write_cell)


# 2. Reading f_locals while the cell is empty leaves __class__ out of it.
def make2():
    class C2:
        def m(self):
            return __class__
        y = 2
        z = 3
    return C2


def show_keys(frame):
    keys = sorted(k for k in frame.f_locals if not k.startswith("__") or k == "__class__")
    print("  keys:", keys)


run("read", make2, lambda: make2.__code__.co_firstlineno + 5, show_keys)


# 3. A namespace from __prepare__ that is not a dict gets the same treatment.
class Recording(dict):
    def __setitem__(self, key, value):
        if key == "__class__":
            print("  namespace set", key, value)
        super().__setitem__(key, value)


class Meta(type):
    @classmethod
    def __prepare__(mcls, name, bases):
        return Recording()


def make3():
    class C3(metaclass=Meta):
        def m(self):
            return __class__
        a = 1
        b = m(None)
    print("  b =", C3.b)
    return C3


run("prepare", make3, lambda: make3.__code__.co_firstlineno + 5, write_cell)


# 4. Without a tracer nothing is written back, and locals() in a class body does
# not show the empty cell.
class D:
    def m(self):
        return __class__
    names = sorted(k for k in locals() if not k.startswith("__") or k == "__class__")


print("D names", D.names, D().m() is D)


# 5. Function frames keep their behaviour: a cell written through f_locals.
def outer():
    v = 1

    def inner():
        return v
    sys.settrace(lambda f, e, a: (f.f_locals.__setitem__("v", 99)
                                  if f.f_code.co_name == "outer" and e == "line" else None)
                 or None)
    sys._getframe().f_trace = lambda f, e, a: f.f_locals.__setitem__("v", 42)
    before = inner()
    sys.settrace(None)
    return before, inner()


print("outer", outer())
