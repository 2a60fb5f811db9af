# `async for` and `async with` without an event loop: iteration protocol,
# else clauses, break/continue/return through them, exceptions and suppression.


class Pause:
    def __init__(self, tag):
        self.tag = tag

    def __await__(self):
        got = yield self.tag
        return got


def run(coro):
    value = None
    while True:
        try:
            req = coro.send(value)
        except StopIteration as e:
            return e.value
        print("  pause:", req)
        value = f"<{req}>"


class ARange:
    """An async iterator written with __aiter__/__anext__ (no generator)."""

    def __init__(self, n):
        self.i, self.n = 0, n

    def __aiter__(self):
        print("  __aiter__")
        return self

    async def __anext__(self):
        if self.i >= self.n:
            print("  exhausted")
            raise StopAsyncIteration
        self.i += 1
        got = await Pause(("next", self.i))
        return (self.i, got)


async def loops():
    async for i, got in ARange(2):
        print("  item", i, got)
    else:
        print("  else ran")
    async for x in ARange(5):
        if x[0] == 2:
            continue
        if x[0] == 4:
            break
        print("  kept", x[0])
    else:
        print("  not printed")
    return "loops done"


print(run(loops()))


async def nested_return():
    async for a in ARange(3):
        async for b in ARange(3):
            if a[0] * b[0] == 2:
                return (a[0], b[0])


print(run(nested_return()))


class Manager:
    def __init__(self, name, suppress=False):
        self.name, self.suppress = name, suppress

    async def __aenter__(self):
        print("  enter", self.name, await Pause("enter " + self.name))
        return self.name.upper()

    async def __aexit__(self, typ, val, tb):
        print("  exit", self.name, typ.__name__ if typ else None, val)
        await Pause("exit " + self.name)
        return self.suppress


async def withs():
    async with Manager("a") as a, Manager("b") as b:
        print("  body", a, b)
    async with Manager("s", suppress=True):
        raise ValueError("swallowed")
    print("  after suppressed")
    try:
        async with Manager("p"):
            raise KeyError("kept")
    except KeyError as e:
        print("  propagated", e)
    for i in range(3):
        async with Manager(f"loop{i}"):
            if i == 0:
                continue
            if i == 1:
                break
    async with Manager("r"):
        return "returned from with"


print(run(withs()))


async def with_in_finally():
    try:
        async with Manager("f") as f:
            return f
    finally:
        print("  outer finally")


print(run(with_in_finally()))


# A generator-based async context manager and iterator inside one another.
async def ticker(n):
    for i in range(n):
        yield i
        await Pause(("tick", i))


class Session:
    async def __aenter__(self):
        return ticker(2)

    async def __aexit__(self, *exc):
        print("  session closed", exc[0])


async def combined():
    total = []
    async with Session() as t:
        async for i in t:
            total.append(i)
    return total


print(run(combined()))


# Exceptions inside the iterator surface at `async for`; the exception state is
# restored after an `async with` handles one.
class Failing:
    def __aiter__(self):
        return self

    async def __anext__(self):
        raise OSError("iterator failed")


async def failing():
    try:
        async for x in Failing():
            pass
    except OSError as e:
        print("  caught", e)
    import sys
    try:
        raise NameError("outer")
    except NameError:
        async with Manager("x", suppress=True):
            1 / 0
        print("  exc_info", sys.exc_info()[0].__name__)
    return "ok"


print(run(failing()))


# throw() into a coroutine suspended in `async for` and in `async with`.
async def suspended_in_for():
    try:
        async for x in ARange(3):
            print("  got", x)
    except ZeroDivisionError:
        print("  zero in for")
        return "handled"


c = suspended_in_for()
print(c.send(None))
try:
    c.throw(ZeroDivisionError)
except StopIteration as e:
    print(e.value)


async def suspended_in_with():
    async with Manager("t", suppress=True):
        await Pause("inside")
    return "suppressed throw"


c = suspended_in_with()
print(c.send(None))
print(c.send(None))
print(c.throw(IndexError("thrown")))
try:
    c.send(None)
except StopIteration as e:
    print(e.value)
