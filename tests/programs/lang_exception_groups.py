# Exception groups (PEP 654): construction rules, split/subgroup/derive, except*
# matching lone exceptions and nested groups, raising and re-raising in handlers,
# the unhandled rest propagating, and the errors for invalid except* types.
eg = ExceptionGroup("many", [ValueError(1), TypeError("t"), ExceptionGroup("inner", [KeyError("k"), ValueError(2)])])
print(eg, repr(eg), eg.message, eg.exceptions, type(eg).__mro__)
m, r = eg.split(ValueError)
print(repr(m), repr(r))
print(repr(eg.subgroup(lambda e: isinstance(e, KeyError))), eg.subgroup(OSError))
print(type(BaseExceptionGroup("b", [ValueError()])).__name__, type(BaseExceptionGroup("b", [KeyboardInterrupt()])).__name__)
for bad in (lambda: ExceptionGroup("x", []), lambda: ExceptionGroup("x", [1]), lambda: ExceptionGroup(1, [ValueError()]),
            lambda: ExceptionGroup("x", [KeyboardInterrupt()]), lambda: ExceptionGroup("x", 5), lambda: ExceptionGroup("x")):
    try: bad()
    except (TypeError, ValueError) as e: print(type(e).__name__, e)

def f(exc):
    try:
        raise exc
    except* ValueError as e:
        print("  ValueError part:", repr(e))
    except* (TypeError, KeyError) as e:
        print("  Type/Key part:", repr(e))
for exc in (ValueError("solo"), eg, ExceptionGroup("only types", [TypeError(1)])):
    print("raising", repr(exc))
    f(exc)
try:
    try:
        raise ExceptionGroup("mixed", [ValueError(1), OSError(2)])
    except* ValueError:
        print("  handled ValueError part")
except ExceptionGroup as rest:
    print("escaped:", repr(rest))
try:
    try:
        raise ExceptionGroup("g", [ValueError(1)])
    except* ValueError as e:
        raise RuntimeError("new in handler")
except ExceptionGroup as e:
    print("raised:", repr(e), repr(e.exceptions[0].__context__))
except RuntimeError as e:
    print("plain RuntimeError:", repr(e))
try:
    try:
        raise ExceptionGroup("g", [ValueError(1), TypeError(2)])
    except* ValueError:
        raise
except ExceptionGroup as e:
    print("reraised:", repr(e))
try:
    try:
        raise ValueError("naked")
    except* ValueError:
        raise
except ExceptionGroup as e:
    print("naked reraise gives group:", repr(e))
except ValueError as e:
    print("naked reraise gives plain:", repr(e))
def g():
    try:
        raise ExceptionGroup("x", [ValueError()])
    except* ValueError:
        pass
    else:
        print("no else")
    finally:
        print("finally runs")
    return "done"
print(g())
try:
    try:
        raise ValueError()
    except* ExceptionGroup:
        pass
except TypeError as e:
    print("TypeError:", e)
try:
    try:
        raise ValueError()
    except* 5:
        pass
except TypeError as e:
    print("TypeError:", e)
class MyEG(ExceptionGroup):
    def derive(self, excs):
        return MyEG(self.message + "!", excs)
m, r = MyEG("mine", [ValueError(), TypeError()]).split(TypeError)
print(repr(m), repr(r), type(m).__name__)
def notes_and_context():
    try:
        try:
            raise ValueError("inner")
        except ValueError:
            raise ExceptionGroup("with context", [KeyError("k")])
    except* KeyError as e:
        print("context kept:", repr(e.__context__), repr(e.exceptions[0]))
notes_and_context()
print(issubclass(ExceptionGroup, Exception), issubclass(BaseExceptionGroup, Exception), ExceptionGroup.__bases__)
print(ExceptionGroup[int], isinstance(ExceptionGroup("x", [ValueError()]), BaseExceptionGroup))
