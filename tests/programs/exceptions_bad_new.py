# Exception classes whose __new__ returns something that is not an exception instance:
# raise and throw() report a TypeError (CPython 3.11's do_raise and
# _PyErr_CreateException); throw() throws that error into the generator, as
# PyErr_NormalizeException leaves it.
import traceback


class ReturnsClass(Exception):
    def __new__(cls, *args, **kwargs):
        return cls


class ReturnsInt(Exception):
    def __new__(cls, *args, **kwargs):
        return 42


class Plain(Exception):
    pass


def boring():
    yield


def catching():
    try:
        yield 1
    except TypeError as e:
        print("  caught in generator:", e)
        yield 2


for cls in (ReturnsClass, ReturnsInt):
    print(cls.__name__)
    try:
        raise cls
    except Exception as e:
        print("  raise:", type(e).__name__, e)
    try:
        raise cls("arg")
    except Exception as e:
        print("  raise call:", type(e).__name__, e)
    gen = boring()
    try:
        gen.throw(cls)
    except Exception as e:
        print("  throw unstarted:", type(e).__name__, e)
    try:
        next(gen)
    except StopIteration:
        print("  generator finished")
    g = catching()
    next(g)
    print("  throw resumed with:", g.throw(cls))
    try:
        boring().throw(cls, "value")
    except Exception as e:
        print("  throw with value:", type(e).__name__, e)
    try:
        boring().throw(cls, ("a", "b"))
    except Exception as e:
        print("  throw with tuple:", type(e).__name__, e)


# Normalizing throw()'s value: an instance of the class (or a subclass) stands, a
# tuple is the argument list, anything else the one argument.
class Sub(Plain):
    pass


def show():
    try:
        yield
    except Exception as e:
        print(" ", type(e).__name__, e.args)
        yield


for args in [(Plain,), (Plain, Sub("s")), (Plain, ValueError("v")), (Plain, (1, 2)), (Plain, 5),
             (Plain, None), (Sub("i"),)]:
    g = show()
    next(g)
    g.throw(*args)

for bad in [(Plain("x"), 1), (5,), (Plain, None, 5)]:
    try:
        boring().throw(*bad)
    except TypeError as e:
        print(" ", e)

# A traceback given to throw() starts the exception's traceback.
try:
    raise KeyError("k")
except KeyError as e:
    tb = e.__traceback__
g = show()
next(g)
try:
    g.throw(ValueError, ValueError("with tb"), tb)
except StopIteration:
    pass


def gen_raises():
    yield
    raise RuntimeError("after")


g = gen_raises()
next(g)
try:
    g.throw(RuntimeError, RuntimeError("thrown"), tb)
except RuntimeError as e:
    names = [f.name for f in traceback.extract_tb(e.__traceback__)]
    print("  traceback functions:", names)
