# raise ... from, implicit chaining (__context__), suppression (from None), bare raise.
def convert(s):
    try:
        return int(s)
    except ValueError as e:
        raise TypeError(f"cannot convert {s!r}") from e

try:
    convert("abc")
except TypeError as e:
    print(e, "| cause:", type(e.__cause__).__name__, "| suppress:", e.__suppress_context__)
    print("context is cause:", e.__context__ is e.__cause__)

def implicit():
    try:
        {}["missing"]
    except KeyError:
        raise RuntimeError("while handling")

try:
    implicit()
except RuntimeError as e:
    print(e, "| cause:", e.__cause__, "| context:", repr(e.__context__), e.__suppress_context__)

def hidden():
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError("clean") from None

try:
    hidden()
except ValueError as e:
    print(e, e.__cause__, type(e.__context__).__name__, e.__suppress_context__)

def reraise():
    try:
        raise KeyError("orig")
    except KeyError:
        print("  handling, re-raising")
        raise

try:
    reraise()
except KeyError as e:
    print("reraised:", repr(e))

def reraise_named():
    try:
        raise IndexError("named")
    except IndexError as err:
        raise err

try:
    reraise_named()
except IndexError as e:
    print("named reraise:", e, e.__context__)

try:
    raise ValueError("x") from KeyError
except ValueError as e:
    print("cause from class:", repr(e.__cause__))

for bad_cause in (5, int, "s"):
    try:
        raise ValueError("y") from bad_cause
    except TypeError as e:
        print("TypeError:", e)

e1 = ValueError("one")
e2 = KeyError("two")
e2.__cause__ = e1
print(e2.__cause__ is e1, e2.__suppress_context__)

try:
    try:
        raise ValueError("a")
    except ValueError:
        try:
            raise KeyError("b")
        except KeyError:
            raise TypeError("c")
except TypeError as e:
    chain = []
    cur = e
    while cur is not None:
        chain.append(type(cur).__name__)
        cur = cur.__context__
    print("chain:", chain)

def handler_clears():
    try:
        raise ValueError
    except ValueError:
        pass
    try:
        raise KeyError
    except KeyError as e:
        return e.__context__
print("context after handled:", handler_clears())

try:
    raise
except RuntimeError as e:
    print("RuntimeError:", e)

tb_holder = None
try:
    raise ValueError("tb")
except ValueError as e:
    print(e.__traceback__ is not None)

e = ValueError("with_traceback")
print(e.with_traceback(None) is e)
