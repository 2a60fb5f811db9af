def inner():
    try:
        yield 1
        yield 2
    except KeyError as e:
        print("inner caught", repr(e))
        yield 3
        return "inner-ret"
    finally:
        print("inner finally")

def outer():
    r = yield from inner()
    print("outer got", r)
    yield 4

g = outer()
print(next(g))
print(g.throw(KeyError("x")))
print(next(g))
g2 = outer()
next(g2)
g2.close()
print("closed")

def inner2():
    try:
        yield 1
    except ValueError:
        return "handled"
def outer2():
    v = yield from inner2()
    yield "after " + v
g3 = outer2(); next(g3)
print(g3.throw(ValueError))

class It:
    def __init__(self): self.n = 0
    def __iter__(self): return self
    def __next__(self):
        self.n += 1
        if self.n > 3: raise StopIteration
        return self.n
    def throw(self, e):
        print("It.throw", type(e).__name__)
        return 99
    def close(self): print("It.close")
def outer3():
    yield from It()
g4 = outer3(); print(next(g4)); print(g4.throw(ValueError("z"))); g4.close()

class Aw:
    def __await__(self):
        try:
            yield "wait"
        except RuntimeError as e:
            return "recovered " + str(e)
async def co():
    x = await Aw()
    return x
c = co(); print(c.send(None))
try:
    c.throw(RuntimeError("r"))
except StopIteration as e:
    print(e.value)
def gen_close_inner():
    try:
        yield 1
    except GeneratorExit:
        print("inner got GeneratorExit")
        raise
def gen_close_outer():
    try:
        yield from gen_close_inner()
    finally:
        print("outer finally")
g5 = gen_close_outer(); next(g5); g5.close()
