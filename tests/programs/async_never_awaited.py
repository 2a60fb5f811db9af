# The RuntimeWarning for a coroutine freed before it ever ran: written once per
# source location (the line running when the coroutine is freed), as the
# warnings module's default filter does.
import gc


async def job(n):
    return n


def make_and_drop():
    c = job(1)
    del c
    print("dropped in a function")


make_and_drop()
job(2)
for i in range(3):
    job(i)
make_and_drop()


class Node:
    pass


def cycle():
    n = Node()
    n.self = n
    n.coro = job(3)


cycle()
print("collecting")
gc.collect()
print("collected")

# Started, closed, or awaited coroutines are not reported.
c = job(4)
c.close()
del c
c = job(5)
try:
    c.send(None)
except StopIteration as e:
    print("value", e.value)
del c


async def outer():
    return await job(6)


try:
    outer().send(None)
except StopIteration as e:
    print("outer", e.value)


class Method:
    async def run(self):
        pass


Method().run()
lst = [job(7)]
lst.clear()
print("registry lines", sorted(k[2] for k in __warningregistry__ if k != "version"))
# At exit: a coroutine a global still holds dies with the main module, after the
# warnings machinery (nothing is shown); one in a garbage cycle is collected
# before that, with no Python frame running ("sys:1").
held = job(8)
n = Node()
n.self = n
n.coro = job(9)
del n
print("end")
