# Error messages of the async protocols, and a traceback through an async
# generator, `async for` and `async with` that ends the program.


def run(coro):
    value = None
    while True:
        try:
            value = coro.send(value)
        except StopIteration as e:
            return e.value


def report(coro):
    try:
        print("->", run(coro))
    except Exception as e:
        print(f"{type(e).__name__}: {e}")
        if e.__cause__ is not None:
            print(f"  caused by {type(e.__cause__).__name__}: {e.__cause__}")


class NoAnext:
    def __aiter__(self):
        return 7


class BadAnext:
    def __aiter__(self):
        return self

    def __anext__(self):
        return 5


class OnlyAiter:
    def __aiter__(self):
        return self


class EnterOnly:
    async def __aenter__(self):
        return self


class SyncManager:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


class BadEnter:
    def __aenter__(self):
        return 1

    def __aexit__(self, *a):
        return 2


class BadExit:
    async def __aenter__(self):
        return 1

    def __aexit__(self, *a):
        return 2


async def for_over(obj):
    async for x in obj:
        pass


async def with_over(obj, fail=False):
    async with obj:
        if fail:
            raise LookupError("body failed")


for obj in [5, NoAnext(), BadAnext(), OnlyAiter(), [1, 2]]:
    report(for_over(obj))
for obj in [5, EnterOnly(), SyncManager(), BadEnter(), BadExit()]:
    report(with_over(obj))
try:
    run(with_over(BadExit(), fail=True))
except TypeError as e:
    print("TypeError:", e, "| context:", repr(e.__context__))


async def simple():
    return 1


c = simple()
run(c)
for attempt in range(2):
    try:
        run(c)
    except RuntimeError as e:
        print("RuntimeError:", e)


class Await:
    def __init__(self, coro):
        self.coro = coro

    def __await__(self):
        return self.coro.__await__()


async def waits(aw):
    return await aw


async def pause():
    await Await(Stop())


class Stop:
    def __await__(self):
        yield "stopped"


inner = pause()
outer = waits(inner)
print(outer.send(None))
try:
    run(waits(inner))
except RuntimeError as e:
    print("RuntimeError:", e)
outer.close()
print(aiter.__name__, anext.__name__)


# The program ends with an exception raised inside an async generator.
async def numbers():
    yield 1
    yield 2
    raise ValueError("numbers ran out")


class Guard:
    async def __aenter__(self):
        return self

    async def __aexit__(self, typ, val, tb):
        print("guard saw", typ.__name__)


async def main():
    async with Guard():
        async for n in numbers():
            print("n =", n)


run(main())
