import sys
class Sleep:
    def __init__(self, n): self.n = n
    def __await__(self):
        got = yield ("sleep", self.n)
        return got * 2

async def leaf(x):
    r = await Sleep(x)
    return r + 1

async def middle(a, b):
    x = await leaf(a)
    y = await leaf(b)
    return x + y

def run(coro):
    value = None
    steps = []
    while True:
        try:
            req = coro.send(value)
        except StopIteration as e:
            return e.value, steps
        steps.append(req)
        value = req[1] * 10

print(run(middle(1, 2)))
c = middle(3, 4)
print(type(c).__name__, c.__name__, c.__qualname__, repr(c).startswith("<coroutine object middle at 0x"))
print(c.send(None))
try:
    c.throw(ValueError("boom"))
except ValueError as e:
    print("thrown", e)
try:
    c.send(None)
except RuntimeError as e:
    print(e)
c2 = leaf(1)
try:
    iter(c2)
except TypeError as e:
    print(e)
try:
    c2.send(5)
except TypeError as e:
    print(e)
c2.close()
async def bad():
    await 5
try:
    bad().send(None)
except TypeError as e:
    print(e)
class NotIter:
    def __await__(self):
        return 3
async def bad2():
    await NotIter()
try:
    bad2().send(None)
except TypeError as e:
    print(e)
w = leaf(2).__await__()
print(type(w).__name__, next(w))
try:
    w.send(7)
except StopIteration as e:
    print("wrapper done", e.value)
async def catcher():
    try:
        await Sleep(1)
    except KeyError as e:
        return "caught " + repr(e)
k = catcher()
k.send(None)
try:
    k.throw(KeyError("k"))
except StopIteration as e:
    print(e.value)
async def ret():
    return 42
r = ret()
try:
    r.send(None)
except StopIteration as e:
    print("value", e.value)
print(sys.getrecursionlimit() > 0)
