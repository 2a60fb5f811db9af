# try/except/else/finally, raise ... from, re-raise, exception attributes, chaining.
def divide(a, b):
    try:
        result = a / b
    except ZeroDivisionError as e:
        print("caught:", e, type(e).__name__)
        return None
    else:
        print("no error")
        return result
    finally:
        print("finally for", a, b)

print(divide(6, 3))
print(divide(1, 0))

def lookup(d, k):
    try:
        return d[k]
    except (KeyError, IndexError) as e:
        print("missing", repr(e), e.args)
        raise ValueError("bad key " + str(k)) from e

try:
    lookup({}, "x")
except ValueError as e:
    print("outer:", e, "| cause:", repr(e.__cause__), "| context is cause:", e.__context__ is e.__cause__)

for i in range(5):
    try:
        if i == 1:
            continue
        if i == 3:
            break
        print("body", i)
    finally:
        print("cleanup", i)

def nested():
    try:
        try:
            raise KeyError("inner")
        finally:
            print("inner finally")
    except KeyError as e:
        print("handled", e)
        try:
            raise
        except KeyError:
            print("re-raised and caught")
    return "done"

print(nested())

class MyError(Exception):
    def __init__(self, code):
        super().__init__(f"code {code}")
        self.code = code

try:
    raise MyError(42)
except Exception as e:
    print(type(e).__name__, e, e.code, isinstance(e, MyError))

try:
    try:
        1 / 0
    except ZeroDivisionError:
        undefined_name
except NameError as e:
    print("context:", type(e.__context__).__name__, e)

def finally_return():
    try:
        return "try"
    finally:
        print("finally runs before return")

print(finally_return())
try:
    [][1]
except IndexError as err:
    pass
print("err" in dir() if False else "name deleted")
try:
    {}["k"]
except LookupError:
    print("LookupError catches KeyError")
def chained():
    try:
        1 / 0
    except ZeroDivisionError:
        raise RuntimeError("while handling")
chained()
