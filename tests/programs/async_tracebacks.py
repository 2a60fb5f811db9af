# Tracebacks through asynchronous code: comprehensions awaited by their maker,
# async generator expressions, `async with` whose manager fails, exceptions thrown
# in with athrow(), and __aexit__ raising while the body's exception is handled.
import sys


def run(coro):
    try:
        while True:
            coro.send(None)
    except StopIteration as e:
        return e.value


def show(f, *args):
    try:
        run(f(*args))
    except Exception:
        sys.excepthook(*sys.exc_info())


async def agen(n):
    for i in range(n):
        yield i


async def in_listcomp():
    x = 1
    return x + len([1 / x async for x in agen(3)])


async def in_genexp():
    g = (10 // y async for y in agen(2))
    async for v in g:
        print(v)


async def bad_manager():
    async with open("/nonexistent/strand-test") as f:
        pass


async def suspended():
    try:
        yield 1
    finally:
        {}["cleanup"]


async def thrown():
    g = suspended()
    await g.__anext__()
    await g.athrow(ValueError("thrown in"))


class Exit:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        raise OSError("exit failed")


async def exit_fails():
    async with Exit():
        int("not a number")


for f in (in_listcomp, in_genexp, bad_manager, thrown, exit_fails):
    show(f)
run(in_listcomp())
