# try/except/else/finally in nested and tricky combinations.
def f1():
    try:
        return "try"
    finally:
        print("  finally runs before return")

def f2():
    try:
        return "try"
    finally:
        return "finally overrides"

def f3():
    try:
        raise ValueError("lost")
    finally:
        return "finally swallows exception"

def f4():
    for i in range(5):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            print("  body", i)
        finally:
            print("  finally", i)
    return i

def f5():
    x = 0
    try:
        x += 1
        return x
    finally:
        x += 100
        print("  x in finally", x)

print(f1(), f2(), f3(), f4(), f5())

def order(exc):
    trail = []
    try:
        trail.append("try")
        if exc:
            raise exc
        trail.append("try-end")
    except ValueError:
        trail.append("except-value")
    except (KeyError, IndexError) as e:
        trail.append("except-lookup:" + type(e).__name__)
    else:
        trail.append("else")
    finally:
        trail.append("finally")
    return trail

for exc in (None, ValueError, KeyError("k"), IndexError):
    print(order(exc))
try:
    order(TypeError("escapes"))
except TypeError as e:
    print("escaped", e)

def nested():
    try:
        try:
            raise ValueError("inner")
        except ValueError as e:
            print("  inner handler", e)
            raise KeyError("from handler")
        finally:
            print("  inner finally")
    except KeyError as e:
        print("  outer handler", repr(e), "context:", repr(e.__context__))
    finally:
        print("  outer finally")

nested()

def exception_in_else():
    try:
        pass
    except Exception:
        print("not here")
    else:
        raise RuntimeError("from else")
try:
    exception_in_else()
except RuntimeError as e:
    print("RuntimeError:", e, e.__context__)

def exception_in_finally():
    try:
        raise ValueError("first")
    finally:
        raise KeyError("second")
try:
    exception_in_finally()
except KeyError as e:
    print("KeyError:", e, "context:", repr(e.__context__))

def exc_var_deleted():
    try:
        raise ValueError
    except ValueError as err:
        pass
    try:
        err
    except NameError as e:
        print("NameError:", e)
exc_var_deleted()

def gen_finally():
    try:
        yield 1
        yield 2
    finally:
        print("  generator finally")
g = gen_finally()
print(next(g))
g.close()

def while_finally():
    n = 0
    while True:
        try:
            n += 1
            if n == 3:
                return n
        finally:
            if n == 3:
                print("  finally on return from loop")
print(while_finally())

def catch_base():
    try:
        raise SystemExit(3)
    except Exception:
        return "Exception caught it"
    except BaseException as e:
        return "BaseException caught " + type(e).__name__ + " " + str(e.code)
print(catch_base())

try:
    try:
        1 / 0
    finally:
        print("  finally while propagating")
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)

def return_in_except():
    try:
        raise ValueError
    except ValueError:
        return "from except"
    finally:
        print("  finally after except return")
print(return_in_except())

def break_in_finally():
    for i in range(3):
        try:
            raise ValueError(i)
        finally:
            break
    return "break discarded the exception"
print(break_in_finally())
