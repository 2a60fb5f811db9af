# PENDING (not run by strand/tests/programs.rs while named *.py.pending): asyncio
# imports logging, and `import logging` crashes under `-X jit_threshold=1` (the
# known JIT crash being fixed). Same as python3 by default and with -X jit=off.
# Rename to stdlib_asyncio.py once that is fixed.
# asyncio on the selector event loop (its self-pipe is a _socket.socketpair):
# coroutines, gather, sleep, a Queue between tasks, wait_for timeouts,
# cancellation, a TCP echo over 127.0.0.1 and a subprocess.
import asyncio


async def add(a, b):
    await asyncio.sleep(0.01)
    return a + b


async def producer(q, n):
    for i in range(n):
        await q.put(i)
    await q.put(None)


async def consumer(q):
    out = []
    while (x := await q.get()) is not None:
        out.append(x * x)
    return out


async def echo(reader, writer):
    while line := await reader.readline():
        writer.write(line.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def slow():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("slow cancelled")
        raise


async def main():
    print(await add(1, 2))
    print(await asyncio.gather(add(1, 1), add(2, 2), add(3, 3)))
    q = asyncio.Queue(maxsize=2)
    _, squares = await asyncio.gather(producer(q, 6), consumer(q))
    print(squares)

    order = []

    async def tick(name, delay):
        await asyncio.sleep(delay)
        order.append(name)

    await asyncio.gather(tick("c", 0.03), tick("a", 0.01), tick("b", 0.02))
    print(order)

    try:
        await asyncio.wait_for(asyncio.sleep(5), 0.02)
    except asyncio.TimeoutError:
        print("wait_for timed out")

    t = asyncio.create_task(slow())
    await asyncio.sleep(0.01)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("task cancelled:", t.cancelled())

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for word in [b"hello\n", b"asyncio\n", b"sockets\n"]:
        writer.write(word)
        await writer.drain()
        print(await reader.readline())
    writer.write_eof()
    print(await reader.read())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()

    loop = asyncio.get_running_loop()
    print(await loop.run_in_executor(None, sum, [1, 2, 3]))

    proc = await asyncio.create_subprocess_exec(
        "cat", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate(b"through a pipe")
    print(out, proc.returncode)


asyncio.run(main())
print("done")
