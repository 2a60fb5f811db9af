# Custom exception classes: args, str/repr, extra attributes, hierarchies, catching by base.
class AppError(Exception):
    pass

class NotFound(AppError):
    def __init__(self, key, where="db"):
        super().__init__(f"{key} not found in {where}")
        self.key = key
        self.where = where

class Detailed(AppError):
    def __str__(self):
        return "detailed: " + ", ".join(map(str, self.args))

class NoInitCall(Exception):
    def __init__(self, code):
        self.code = code

for exc in (AppError(), AppError("one"), AppError("a", 2), NotFound("k"), Detailed(1, 2), NoInitCall(5)):
    print(type(exc).__name__, repr(str(exc)), repr(exc), exc.args)

try:
    raise NotFound("user42", where="cache")
except AppError as e:
    print("caught", type(e).__name__, e.key, e.where, e)

def risky(kind):
    if kind == 1:
        raise NotFound("x")
    if kind == 2:
        raise Detailed("d")
    if kind == 3:
        raise ValueError("plain")
    return "ok"

for k in range(4):
    try:
        print(risky(k))
    except NotFound as e:
        print("NotFound", e)
    except AppError as e:
        print("AppError", e)
    except Exception as e:
        print("Exception", type(e).__name__, e)

print(issubclass(NotFound, Exception), issubclass(KeyError, LookupError), NotFound.__mro__[1].__name__)
print([c.__name__ for c in ZeroDivisionError.__mro__])

e = ValueError("msg")
e.extra = 1
print(e.extra, e.args, str(e))
e.args = ("changed", 2)
print(str(e), repr(e))

class WithRepr(Exception):
    def __repr__(self):
        return "WithRepr!"
print(repr(WithRepr("z")), str(WithRepr("z")))

k = KeyError("key")
print(str(k), repr(k), str(KeyError()), str(KeyError(1, 2)))
print(str(OSError(2, "No such file")), OSError(2, "x").errno, OSError(2, "x").strerror)
print(repr(StopIteration(5).value), repr(SystemExit(2).code), repr(SystemExit().code))

try:
    raise AppError
except AppError as e:
    print("raised class, got instance:", type(e).__name__, e.args)

try:
    raise 5
except TypeError as e:
    print("TypeError:", e)

class NotAnException:
    pass
try:
    raise NotAnException()
except TypeError as e:
    print("TypeError:", e)

try:
    try:
        pass
    except 5:
        pass
    print("bad except clause not evaluated without exception")
    try:
        raise ValueError
    except "not a class":
        pass
except TypeError as e:
    print("TypeError:", e)

class Multi(KeyError, AppError):
    pass
try:
    raise Multi("m")
except AppError as e:
    print("Multi caught as AppError", repr(e))
