# Asynchronous comprehensions and generator expressions (PEP 530), and `await`
# inside comprehensions of async functions.


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
        value = req * 10 if isinstance(req, int) else req


async def agen(n):
    for i in range(n):
        yield i


async def double(x):
    return await Pause(x) * 2


async def comps():
    print([x async for x in agen(4)])
    print({x % 2 async for x in agen(5)})
    print({x: x * x async for x in agen(3)})
    print([x async for x in agen(6) if x % 2 if x > 1])
    print([await double(x) for x in range(3)])
    print([await double(x) async for x in agen(3) if await Pause(x)])
    print([(x, y) async for x in agen(3) for y in range(x)])
    print([(x, y) for x in range(3) async for y in agen(x)])
    print([[y async for y in agen(x)] for x in range(4)])
    print([[await double(y) for y in range(x)] for x in range(3)])
    print({k: await double(k) for k in "ab"})
    g = (x * 3 async for x in agen(3))
    print(type(g).__name__, g.__name__, g.__qualname__)
    print([v async for v in g])
    g2 = (await double(x) for x in range(3))
    print(type(g2).__name__, [v async for v in g2])
    g3 = (x for x in [await double(5)])
    print(type(g3).__name__, list(g3))
    outer = 100
    print([x + outer async for x in agen(2)])
    return "done"


print(run(comps()))


class C:
    async def method(self):
        return [x async for x in agen(2)], (y async for y in agen(1)).__qualname__


print(run(C().method()))


# An async generator expression can be made outside async functions and driven
# explicitly.
def make():
    return (i * i async for i in agen(4))


async def consume(g):
    return [i async for i in g]


print(run(consume(make())))

# Errors surface from the comprehension.
async def failing():
    return [1 / x async for x in agen(3)]


try:
    run(failing())
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)


async def not_async_iterable():
    return [x async for x in 5]


try:
    run(not_async_iterable())
except TypeError as e:
    print("TypeError:", e)

for src in [
    "def f():\n    return [x async for x in y]\n",
    "def f():\n    return [await x for x in y]\n",
    "def f():\n    return [[x async for x in y] for z in w]\n",
    "async def f():\n    return lambda: [x async for x in y]\n",
    "[x async for x in y]\n",
    "def f():\n    return (x async for x in y)\n",
    "async def f():\n    yield 1\n    return 2\n",
    "async def f():\n    yield from g()\n",
    "def f():\n    async for x in y: pass\n",
    "def f():\n    async with y: pass\n",
    "async with y: pass\n",
]:
    try:
        compile(src, "<src>", "exec")
        print("compiled")
    except SyntaxError as e:
        print("SyntaxError:", e.msg, (e.lineno, e.offset, e.end_lineno, e.end_offset))
