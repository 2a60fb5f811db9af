# Corner cases of the async constructs: the line a never-awaited warning names
# when a frame's locals die at return, exits of `async with` that raise, break
# and continue out of `async for` inside `async with`, anext() with a default,
# aiter(), the awaitables' throw() and close(), and the sync `with` statement's
# exit location.
import sys


def run(coro):
    value = None
    while True:
        try:
            value = coro.send(value)
        except StopIteration as e:
            return e.value


async def job():
    return "job"


def drop_on_return():
    c = job()
    return "r"


print(drop_on_return())


class Pause:
    def __await__(self):
        return (yield "paused")


class ExitRaises:
    def __init__(self, name):
        self.name = name

    async def __aenter__(self):
        return self

    async def __aexit__(self, typ, val, tb):
        await Pause()
        raise KeyError(self.name)


async def exit_raises_normally():
    async with ExitRaises("normal"):
        x = 1
        y = 2


async def exit_raises_on_return():
    for i in range(2):
        async with ExitRaises("return"):
            return i


async def exit_raises_on_error():
    async with ExitRaises("error"):
        raise ValueError("body")


for f in (exit_raises_normally, exit_raises_on_return, exit_raises_on_error):
    try:
        run(f())
    except KeyError as e:
        print(f.__name__, "KeyError", e, "| context:", repr(e.__context__))


async def agen(n):
    for i in range(n):
        yield i


class Ctx:
    async def __aenter__(self):
        print("  enter")
        return self

    async def __aexit__(self, *exc):
        print("  exit", exc[0])


async def loops():
    out = []
    async with Ctx():
        async for i in agen(6):
            if i == 1:
                continue
            if i == 4:
                break
            out.append(i)
        else:
            out.append("no")
    async for i in agen(2):
        async with Ctx():
            if i == 0:
                continue
            out.append(("in with", i))
    return out


print(run(loops()))


class Countdown:
    def __init__(self, n):
        self.n = n

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.n == 0:
            raise StopAsyncIteration
        self.n -= 1
        return self.n


async def builtins_demo():
    it = aiter(Countdown(2))
    print(type(it).__name__, await anext(it), await anext(it))
    print(await anext(it, "default"))
    try:
        await anext(it)
    except StopAsyncIteration:
        print("StopAsyncIteration")
    g = agen(1)
    print(await anext(g, "d1"), await anext(g, "d2"), await anext(g, "d3"))
    aw = anext(agen(0), "dflt")
    print(type(aw).__name__, aw.__await__() is aw)
    print(await aw)
    return "builtins done"


print(run(builtins_demo()))
try:
    aiter(3)
except TypeError as e:
    print("TypeError:", e)
try:
    anext([])
except TypeError as e:
    print("TypeError:", e)
try:
    aiter()
except TypeError as e:
    print("TypeError:", e)
try:
    anext()
except TypeError as e:
    print("TypeError:", e)
try:
    anext(agen(1), 1, 2)
except TypeError as e:
    print("TypeError:", e)


class BadAiter:
    def __aiter__(self):
        return 1


try:
    aiter(BadAiter())
except TypeError as e:
    print("TypeError:", e)


# anext_awaitable's send/throw/close go to the awaitable underneath.
async def slow():
    try:
        v = await Pause()
        yield v
    finally:
        print("  slow finally")


aw = anext(slow(), "empty")
print(aw.send(None))
try:
    aw.send("sent value")
except StopIteration as e:
    print("StopIteration", e.value)
aw = anext(slow(), "empty")
print(aw.send(None))
try:
    aw.throw(LookupError("thrown"))
except LookupError as e:
    print("LookupError", e)

# Coroutine wrappers, cr_await.
async def waiter():
    return await Pause()


w = waiter()
print(w.cr_await)
w.send(None)
print(type(w.cr_await).__name__)
w.close()


# A sync `with` whose __exit__ raises on the way out names the `with` line.
class SyncExit:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        raise OSError("sync exit")


def sync_with():
    with SyncExit():
        a = 1
        b = 2


def sync_with_return():
    with SyncExit():
        return 1


for f in (sync_with, sync_with_return):
    try:
        f()
    except OSError as e:
        print(f.__name__, e)


# A generator that handles nothing itself sees its caller's exception being handled.
def peek_exc_info():
    yield sys.exc_info()[0]
    try:
        raise KeyError("own")
    except KeyError:
        yield sys.exc_info()[0]
    yield sys.exc_info()[0]


p = peek_exc_info()
try:
    raise ValueError("outer")
except ValueError:
    print(next(p).__name__, next(p).__name__)
print(next(p))


# `await` on an object whose iterator is not a generator: the value of the
# StopIteration its __next__ or send raises is the result.
class Ready:
    """An awaitable whose iterator finishes at once with a value."""

    def __await__(self):
        return self

    def __next__(self):
        raise StopIteration("ready value")

    def send(self, v):
        raise StopIteration(("sent", v))


class Twice:
    def __init__(self):
        self.n = 0

    def __await__(self):
        return self

    def __next__(self):
        self.n += 1
        if self.n > 1:
            raise StopIteration(self.n)
        return "first"

    def send(self, v):
        raise StopIteration(("sent", v))


async def use_ready():
    a = await Ready()
    b = await Twice()
    return a, b


c = use_ready()
print(c.send(None))
try:
    c.send("x")
except StopIteration as e:
    print(e.value)




async def main():
    async with ExitRaises("final"):
        pass


run(main())
