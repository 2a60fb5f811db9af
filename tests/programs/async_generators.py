# Async generators driven by a hand-written loop (no asyncio): __anext__, asend,
# athrow, aclose, the awaitables they return, attributes and error messages.



class Pause:
    """An awaitable that suspends its coroutine once, handing `tag` to the driver."""

    def __init__(self, tag):
        self.tag = tag

    def __await__(self):
        got = yield ("pause", self.tag)
        return got


def run(aw, answers=()):
    """Drives an awaitable to completion, answering each pause from `answers`."""
    it = aw.__await__()
    answers = iter(answers)
    value = None
    while True:
        try:
            req = it.send(value)
        except StopIteration as e:
            return e.value
        print("  driver got", req)
        value = next(answers, None)


def outcome(aw, answers=()):
    try:
        return ("ok", run(aw, answers))
    except BaseException as e:
        return (type(e).__name__, str(e))


async def counter(n):
    for i in range(n):
        got = yield i
        if got is not None:
            print("  counter received", got)
    print("  counter done")


async def collect(agen):
    out = []
    async for v in agen:
        out.append(v)
    return out


print(run(collect(counter(3))))
g = counter(2)
print(type(g).__name__, g.__name__, g.__qualname__, repr(g).startswith("<async_generator object counter at 0x"))
print(g.__aiter__() is g, g.ag_running)
print(g.ag_code is counter.__code__, g.ag_await)
print(type(g.__anext__()).__name__, type(g.asend(None)).__name__)
print(type(g.athrow(ValueError)).__name__, type(g.aclose()).__name__)
print(outcome(g.__anext__()))
print(outcome(g.asend("hello")))
print(outcome(g.asend("again")))
print(outcome(g.__anext__()))
print(outcome(g.aclose()))


async def awaits_inside():
    x = await Pause("a")
    yield x
    y = await Pause("b")
    yield y * 2


ag = awaits_inside()
print(outcome(ag.__anext__(), [10]))
print(outcome(ag.__anext__(), [21]))
print(outcome(ag.__anext__()))
print(outcome(ag.__anext__()))

# The awaitables themselves: send/throw/close and reuse.
ag = awaits_inside()
a = ag.__anext__()
print(a.send(None))
try:
    a.send(5)
except StopIteration as e:
    print("first item", e.value)
try:
    a.send(None)
except RuntimeError as e:
    print("RuntimeError:", e)
a2 = ag.__anext__()
print(a2.send(None), ag.ag_running, type(ag.ag_await).__name__)
a3 = ag.__anext__()
try:
    a3.send(None)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    a2.throw(KeyError("k"))
except KeyError as e:
    print("KeyError from throw", e)
print(ag.ag_running)
print(outcome(ag.__anext__()))
a4 = ag.__anext__()
a4.close()
try:
    a4.send(None)
except RuntimeError as e:
    print("RuntimeError:", e)


# athrow: caught inside (the generator goes on), uncaught (propagates).
async def guarded():
    while True:
        try:
            yield "tick"
        except ValueError as e:
            print("  guarded caught", repr(e))
            yield "recovered"
        finally:
            print("  guarded finally")


gg = guarded()
print(outcome(gg.__anext__()))
print(outcome(gg.athrow(ValueError("v1"))))
print(outcome(gg.__anext__()))
print(outcome(gg.athrow(TypeError, TypeError("t"))))
print(outcome(gg.__anext__()))
print(outcome(gg.athrow(ValueError)))


# aclose: runs finally blocks, awaits inside them, ignores the exit, or yields.
async def closing():
    try:
        yield 1
        yield 2
    finally:
        print("  cleanup start")
        r = await Pause("in finally")
        print("  cleanup got", r)


c = closing()
print(outcome(c.__anext__()))
print(outcome(c.aclose(), ["ack"]))
print(outcome(c.aclose()))
print(outcome(c.__anext__()))


async def stubborn():
    try:
        yield 1
    except GeneratorExit:
        yield 2


s = stubborn()
print(outcome(s.__anext__()))
print(outcome(s.aclose()))
s2 = stubborn()
print(outcome(s2.aclose()))
print(outcome(s2.__anext__()))


async def catches_exit():
    try:
        yield 1
    except GeneratorExit:
        print("  exit seen")
        raise


ce = catches_exit()
print(outcome(ce.__anext__()))
print(outcome(ce.aclose()))


# Errors escaping the body.
async def raises_stop_async():
    yield 1
    raise StopAsyncIteration


async def raises_stop():
    yield 1
    raise StopIteration(3)


for f in (raises_stop_async, raises_stop):
    a = f()
    print(outcome(a.__anext__()))
    try:
        run(a.__anext__())
    except RuntimeError as e:
        print("RuntimeError:", e, "| cause", repr(e.__cause__))


async def bad_send():
    yield 1


b = bad_send()
try:
    b.asend(1).send(None)
except TypeError as e:
    print("TypeError:", e)
try:
    b.athrow(ValueError).send(1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    b.athrow(5).send(None)
except TypeError as e:
    print("TypeError:", e)


# An async generator that awaits another async generator's items.
async def squares(n):
    async for i in counter(n):
        yield i * i


async def pairs():
    async for a in squares(3):
        r = await Pause(a)
        yield (a, r)


print(run(collect(pairs()), ["x", "y", "z"]))

# __name__ and __qualname__ are writable.
class K:
    async def method(self):
        yield self


m = K().method()
print(m.__name__, m.__qualname__)
m.__name__ = "renamed"
m.__qualname__ = "K.renamed"
print(m.__name__, m.__qualname__, repr(m).startswith("<async_generator object K.renamed"))
try:
    m.__name__ = 3
except TypeError as e:
    print("TypeError:", e)
