# breakpoint() and sys.breakpointhook; the slot wrappers builtin types keep in their
# own dicts; repr of staticmethod/classmethod; doctest's view of builtins' docs.
import builtins
import doctest
import os
import sys
import warnings


def hook(*args, **kws):
    print("hook called", args, sorted(kws.items()))
    return "from hook"


sys.breakpointhook = hook
print(breakpoint(1, "two", three=3))
sys.breakpointhook = sys.__breakpointhook__
print(sys.breakpointhook is sys.__breakpointhook__, sys.__breakpointhook__.__name__)

for value in ["0", "no_such_module_xyz.func", "os.no_such_attr", "builtins.len",
              "len", ".leading_dot", "os.path.join"]:
    os.environ["PYTHONBREAKPOINT"] = value
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = breakpoint("abc")
        except Exception as e:
            result = f"{type(e).__name__}: {e}"
    print(repr(value), repr(result), [(w.category.__name__, str(w.message)) for w in caught])
del os.environ["PYTHONBREAKPOINT"]

saved = sys.breakpointhook
del sys.breakpointhook
try:
    breakpoint()
except RuntimeError as e:
    print("RuntimeError:", e)
sys.breakpointhook = saved

events = []
sys.addaudithook(lambda event, args: events.append((event, args))
                 if event == "builtins.breakpoint" else None)
sys.breakpointhook = lambda: "audited"
print(breakpoint(), [(e, [a.__name__ if callable(a) else a for a in args])
                     for e, args in events])
sys.breakpointhook = saved

# Slot wrappers in the types' own dicts.
for t in (ValueError, OSError, KeyError, StopIteration, ExceptionGroup, BaseException,
          int, list, str, dict, property, zip, object, type, bool):
    own = [k for k in ("__getattribute__", "__setattr__", "__delattr__", "__init__",
                       "__new__") if k in t.__dict__]
    print(t.__name__, own)
print(type(ValueError.__dict__["__init__"]).__name__,
      type(ValueError.__dict__["__new__"]).__name__,
      ValueError.__init__ is BaseException.__init__)


class MyError(OSError):
    def __init__(self, *args):
        super().__init__(*args)
        self.extra = len(args)


e = MyError(2, "No such file", "f.txt")
print(type(e).__name__, e.errno, e.strerror, e.filename, e.extra, str(e))
print(ValueError.__new__(ValueError, 1, 2).args)
print(int.__getattribute__(5, "real"), list.__dict__["__getattribute__"]([], "__len__")())


def f():
    pass


class SM(staticmethod):
    pass


print(repr(staticmethod(len)), repr(classmethod(staticmethod(len))), repr(SM(len)))
print(repr(classmethod(f)).startswith("<classmethod(<function f at "))
print(repr(staticmethod.__new__(staticmethod)))

# What doctest finds in builtins (test_doctest's non_Python_modules).
tests = doctest.DocTestFinder().find(builtins)
print(825 < len(tests) < 845)
real = [t for t in tests if t.examples]
for t in real:
    print(len(t.examples), t.name)
runner = doctest.DocTestRunner(verbose=False)
for t in real:
    runner.run(t)
print(runner.summarize(verbose=False))
