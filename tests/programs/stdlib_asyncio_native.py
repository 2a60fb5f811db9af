# asyncio on the native `_asyncio` module: Future and Task (states, results,
# callbacks and their contexts, cancellation with messages, cancelling/uncancel,
# the await protocol), gather, wait_for, shield, exceptions, current_task and the
# running loop. Output has no addresses, so it compares with python3's.

import asyncio
import contextvars
import sys

import _asyncio

print(asyncio.Future is _asyncio.Future, asyncio.Task is _asyncio.Task)
print(issubclass(asyncio.Task, asyncio.Future))
print(asyncio.Future[int], asyncio.Task[str])

try:
    asyncio.get_running_loop()
except RuntimeError as e:
    print("RuntimeError:", e)
print(asyncio._get_running_loop())

var = contextvars.ContextVar("var", default="unset")
log = []


def on_done(fut):
    log.append(("done", fut.cancelled(), var.get()))


async def futures(loop):
    f = loop.create_future()
    print(type(f).__name__, f.done(), f.cancelled(), f._state)
    print(f.get_loop() is loop, f._loop is loop, f._callbacks)
    try:
        f.result()
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    try:
        f.exception()
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    var.set("in futures")
    f.add_done_callback(on_done)
    ctx = contextvars.Context()
    f.add_done_callback(on_done, context=ctx)
    f.add_done_callback(print)
    print(f.remove_done_callback(print), len(f._callbacks))
    f.set_result(42)
    print(f.done(), f.result(), f._state, f._result, f._callbacks)
    try:
        f.set_result(1)
    except asyncio.InvalidStateError:
        print("InvalidStateError on second set_result")
    await asyncio.sleep(0)
    print(log)

    g = loop.create_future()
    g.set_exception(ValueError("bad"))
    print(type(g.exception()).__name__, g.exception().args)
    try:
        g.result()
    except ValueError as e:
        print("raised", repr(e))
    h = loop.create_future()
    h.set_exception(KeyError)
    print(repr(h.exception()))
    try:
        h.set_exception(1)
    except asyncio.InvalidStateError:
        print("InvalidStateError on done future")
    k = loop.create_future()
    for bad in (StopIteration(), 5):
        try:
            k.set_exception(bad)
        except TypeError as e:
            print("TypeError:", e)
    k.cancel()

    c = loop.create_future()
    print(c.cancel("why"), c.cancel(), c.cancelled(), c._state)
    try:
        c.result()
    except asyncio.CancelledError as e:
        print("CancelledError", e.args)

    b = loop.create_future()
    print(b._asyncio_future_blocking)
    it = b.__await__()
    print(next(it) is b, b._asyncio_future_blocking)
    b.set_result("value")
    try:
        next(it)
    except StopIteration as e:
        print("StopIteration", e.value)
    it2 = iter(loop.create_future())
    next(it2)
    try:
        it2.throw(ZeroDivisionError("thrown"))
    except ZeroDivisionError as e:
        print("throw:", e)
    try:
        b._log_traceback = True
    except ValueError as e:
        print("ValueError:", e)
    try:
        del b._asyncio_future_blocking
    except AttributeError as e:
        print("AttributeError:", e)
    b.extra = 1
    print(b.extra)


class MyFuture(asyncio.Future):
    def set_result(self, value):
        super().set_result(value * 2)


async def subclasses(loop):
    f = MyFuture(loop=loop)
    loop.call_soon(f.set_result, 21)
    print(type(f).__name__, await f)


async def child(n, delay=0):
    await asyncio.sleep(delay)
    if n < 0:
        raise ValueError(f"negative: {n}")
    return n * n


async def tasks(loop):
    t = asyncio.create_task(child(3), name="squarer")
    print(t.get_name(), t.done(), type(t.get_coro()).__name__)
    print(await t, t.done(), t.result())
    t.set_name(17)
    print(repr(t.get_name()))
    for meth, arg in (("set_result", 1), ("set_exception", ValueError())):
        try:
            getattr(t, meth)(arg)
        except RuntimeError as e:
            print("RuntimeError:", e)
    print(asyncio.current_task() is not None, asyncio.current_task().get_name())
    me = asyncio.current_task()
    print(me in asyncio.all_tasks())

    bad = asyncio.create_task(child(-1))
    try:
        await bad
    except ValueError as e:
        print("task raised", e)
    print(type(bad.exception()).__name__)

    results = await asyncio.gather(child(1), child(2), child(-3), return_exceptions=True)
    print([r if not isinstance(r, Exception) else repr(r) for r in results])
    try:
        await asyncio.gather(child(1), child(-2))
    except ValueError as e:
        print("gather raised", e)

    try:
        await asyncio.wait_for(child(1, delay=10), timeout=0.01)
    except asyncio.TimeoutError:
        print("wait_for timed out")
    print(await asyncio.wait_for(child(5), timeout=10))

    sleeper = asyncio.create_task(asyncio.sleep(10))
    await asyncio.sleep(0)
    print(sleeper.cancel("stop it"), sleeper.cancelling())
    try:
        await sleeper
    except asyncio.CancelledError as e:
        print("cancelled with", e.args, sleeper.cancelled())

    async def stubborn():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            me = asyncio.current_task()
            print("caught, cancelling() =", me.cancelling(), "uncancel ->", me.uncancel())
            return "survived"

    s = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    s.cancel()
    print(await s, s.cancelled())

    async def self_cancel():
        asyncio.current_task().cancel()
        await asyncio.sleep(0)
        return "unreachable"

    sc = asyncio.create_task(self_cancel())
    try:
        await sc
    except asyncio.CancelledError:
        print("self-cancelled", sc.cancelled())

    waiter = loop.create_future()
    async def wait_on(f):
        return await f

    w = asyncio.create_task(wait_on(waiter))
    await asyncio.sleep(0)
    print([cb.__qualname__ if hasattr(cb, "__qualname__") else type(cb).__name__ for cb, _ in waiter._callbacks])
    step = loop.call_soon.__self__ is loop
    waiter.set_result(None)
    await w
    import collections

    print(collections.deque().append.__qualname__, step)

    inner = asyncio.create_task(child(4, delay=0.01))
    outer = asyncio.ensure_future(asyncio.shield(inner))
    await asyncio.sleep(0)
    outer.cancel()
    try:
        await outer
    except asyncio.CancelledError:
        print("shield outer cancelled")
    print("inner result", await inner)

    done, pending = await asyncio.wait([asyncio.create_task(child(i)) for i in range(3)])
    print(sorted(t.result() for t in done), len(pending))

    async def bare_yield():
        class Bare:
            def __await__(self):
                yield

        await Bare()
        return "after bare yield"

    print(await asyncio.create_task(bare_yield()))

    async def bad_yield():
        class Bad:
            def __await__(self):
                yield 123

        await Bad()

    try:
        await asyncio.create_task(bad_yield())
    except RuntimeError as e:
        print("RuntimeError:", e)

    try:
        asyncio.Task(42)
    except TypeError as e:
        print("TypeError:", e)

    ctx = contextvars.copy_context()
    ctx.run(var.set, "task context")

    async def read_var():
        return var.get()

    print(await asyncio.create_task(read_var(), context=ctx))
    print(await asyncio.create_task(read_var()))


def exception_handler(loop, context):
    print("handler:", context["message"], type(context.get("exception")).__name__)


async def never_retrieved(loop):
    loop.set_exception_handler(exception_handler)
    f = loop.create_future()
    f.set_exception(RuntimeError("lost"))
    del f
    import gc

    gc.collect()
    await asyncio.sleep(0)
    loop.set_exception_handler(None)


async def main():
    loop = asyncio.get_running_loop()
    print(loop is asyncio.get_event_loop(), asyncio._get_running_loop() is loop)
    await futures(loop)
    await subclasses(loop)
    await tasks(loop)
    await never_retrieved(loop)
    return "main done"


print(asyncio.run(main()))
print(asyncio._get_running_loop())
sys.stdout.flush()
