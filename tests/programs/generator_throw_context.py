# An exception thrown into a generator (or coroutine) that suspended inside an
# `except` block is chained to the exception being handled there (`__context__`),
# even when the thrower is itself handling the exception it throws (as asyncio's
# pure-Python Task does when it wakes up with a future's exception).


def gen():
    try:
        raise KeyError(3)
    except Exception:
        try:
            yield 1
        except Exception as e:
            ctx = e.__context__
            print("context:", repr(ctx), "cycle:", ctx is not None and ctx.__context__ is e)
    yield 2


g = gen()
next(g)
try:
    raise ValueError("handled by the thrower")
except BaseException as exc:
    print(g.throw(exc))

g = gen()
next(g)
print(g.throw(ValueError("fresh")))

# A thrown exception whose context chain already leads back to the generator's
# handled exception: the link that would make a cycle is cut.
g = gen()
next(g)
handled = g.gi_frame.f_locals.get("e")
outer = ValueError("outer")
try:
    try:
        raise outer
    except ValueError:
        raise TypeError("inner")
except TypeError as t:
    print(repr(t.__context__))
    print(g.throw(t))


async def coro(fut):
    try:
        raise KeyError("in coroutine")
    except KeyError:
        try:
            await fut
        except ValueError as e:
            return repr(e.__context__)


class Fut:
    def __await__(self):
        yield self


c = coro(Fut())
c.send(None)
try:
    raise ValueError("woken")
except ValueError as exc:
    try:
        c.throw(exc)
    except StopIteration as s:
        print("coroutine:", s.value)
