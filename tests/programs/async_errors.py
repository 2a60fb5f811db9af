# Errors around coroutines: awaiting non-awaitables, reuse, and an uncaught
# exception raised inside a coroutine driven by send().
class Ticket:
    def __await__(self):
        value = yield "ticket"
        return value


async def fetch(n):
    got = await Ticket()
    if got is None:
        raise LookupError(f"no value for {n}")
    return got * n


async def total(ns):
    s = 0
    for n in ns:
        s += await fetch(n)
    return s


def drive(coro, answers):
    it = iter(answers)
    value = None
    while True:
        try:
            coro.send(value)
        except StopIteration as e:
            return e.value
        value = next(it)


print(drive(total([1, 2, 3]), [10, 20, 30]))
try:
    drive(total([4]), [None])
except LookupError as e:
    print("LookupError:", e)
c = fetch(2)
c.close()
try:
    c.send(None)
except RuntimeError as e:
    print(e)
print(drive(total([5, 6]), [1, None]))
