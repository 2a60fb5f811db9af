# frame.f_lineno assignment from a trace function (the debugger's jump): allowed
# jumps, what they pop (loop iterators, with-blocks, handled exceptions), and the
# refused ones with their messages.
import sys


def run(func, jump_from, jump_to, event="line", code=None):
    """Runs func(out) with a trace function that, at the first `event` of `code`
    (func's by default) on line `jump_from` (relative to func's def line), sets
    f_lineno to `jump_to`."""
    first = func.__code__.co_firstlineno
    code = code or func.__code__
    state = {"done": False, "error": None}

    def trace(frame, ev, arg):
        if state["done"]:
            return None
        if frame.f_code is code and ev == event and frame.f_lineno == first + jump_from:
            state["done"] = True
            try:
                frame.f_lineno = first + jump_to
            except ValueError as e:
                state["error"] = str(e)
        return trace

    out = []
    sys.settrace(trace)
    try:
        func(out)
    except Exception as e:
        out.append(("raised", type(e).__name__, str(e)))
    finally:
        sys.settrace(None)
    print(func.__name__, jump_from, "->", jump_to, out, state["error"], sys.exc_info()[0])


def straight(out):
    out.append(1)
    out.append(2)
    out.append(3)
    out.append(4)


run(straight, 1, 3)
run(straight, 3, 1)
run(straight, 2, 2)
run(straight, 2, 0)
run(straight, 2, -5)
run(straight, 2, 50)


def loops(out):
    for i in range(3):
        out.append(i)
        out.append(3)
    out.append(4)
    while len(out) < 12:
        out.append(6)
    out.append(7)


run(loops, 3, 4)
run(loops, 2, 1)
run(loops, 4, 2)
run(loops, 4, 3)
run(loops, 6, 4)
run(loops, 7, 6)


def handlers(out):
    try:
        out.append(2)
        1 / 0
    except ZeroDivisionError:
        out.append(sys.exc_info()[0].__name__)
        out.append(6)
    out.append(7)
    try:
        out.append(9)
    finally:
        out.append(11)
    out.append(12)


run(handlers, 5, 7)
run(handlers, 6, 12)
run(handlers, 2, 5)
run(handlers, 7, 5)
run(handlers, 9, 12)
run(handlers, 11, 12)
run(handlers, 12, 11)


class Manager:
    def __init__(self, out):
        self.out = out

    def __enter__(self):
        self.out.append("enter")
        return self

    def __exit__(self, *exc):
        self.out.append("exit")


def with_block(out):
    out.append(1)
    with Manager(out):
        out.append(3)
        out.append(4)
    out.append(5)


run(with_block, 3, 5)
run(with_block, 1, 3)
run(with_block, 5, 3)
run(with_block, 4, 2)


def unbound(out):
    x = 1
    out.append(x)


run(unbound, 1, 2)


def multi(out):
    out.append(
        len(out)
    )
    out.append(4)


run(multi, 4, 1)


def generator_jump(out):
    def gen():
        out.append(2)
        yield 3
        out.append(4)
        yield 5
    g = gen()
    out.append(next(g))
    out.append(next(g, "done"))
    out.append(next(g, "done"))


gen_code = next(c for c in generator_jump.__code__.co_consts if hasattr(c, "co_code"))
run(generator_jump, 3, 2, event="return", code=gen_code)
run(generator_jump, 5, 2, event="return", code=gen_code)
run(generator_jump, 3, 4, event="return", code=gen_code)


def from_return(out):
    out.append(1)
    return 2


run(from_return, 2, 1, event="return")


def from_exception(out):
    out.append(1)
    1 / 0


run(from_exception, 2, 1, event="exception")


def from_call(out):
    out.append(1)

    def nested():
        out.append(4)

    nested()


def call_jump(out):
    code = from_call.__code__

    def trace(frame, ev, arg):
        if ev == "call" and frame.f_code is not code and frame.f_back.f_code is code:
            try:
                frame.f_lineno = frame.f_lineno + 1
            except ValueError as e:
                out.append(str(e))
        return trace

    sys.settrace(trace)
    try:
        from_call(out)
    finally:
        sys.settrace(None)


out = []
call_jump(out)
print("call", out)


def raise_after_jump(out):
    out.append(1)
    out.append(2)
    out.append(3)


def raising_trace():
    code = raise_after_jump.__code__
    first = code.co_firstlineno

    def trace(frame, ev, arg):
        if frame.f_code is code and ev == "line" and frame.f_lineno == first + 1:
            frame.f_lineno = first + 3
            raise KeyError("after the jump")
        return trace

    out = []
    sys.settrace(trace)
    try:
        raise_after_jump(out)
    except KeyError as e:
        out.append(repr(e))
    finally:
        sys.settrace(None)
    print("raise after jump", out)


raising_trace()


def not_traced():
    frame = sys._getframe()
    for value in (frame.f_lineno, "3", 2.0):
        try:
            frame.f_lineno = value
        except ValueError as e:
            print("refused", type(value).__name__, e)
    try:
        del frame.f_lineno
    except AttributeError as e:
        print("refused del", e)


not_traced()


def hot_loop(out):
    total = 0
    for i in range(300):
        total += i
    out.append(total)
    out.append(6)


run(hot_loop, 5, 2)
run(hot_loop, 6, 4)
