# Frames read across threads: sys._current_frames() while workers are inside known
# functions, f_back walks from another thread, and tracebacks carried between threads.
import sys
import threading

ready = threading.Barrier(5)
release = threading.Event()

def inner_wait(k):
    marker = k * 10
    ready.wait()
    release.wait()
    return marker

def worker(k):
    return inner_wait(k)

threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
ready.wait()
frames = sys._current_frames()
me = threading.get_ident()
print(me in frames, frames[me].f_code.co_name)
found = []
for t in threads:
    f = frames[t.ident]
    chain = []
    while f is not None:
        chain.append(f.f_code.co_name)
        f = f.f_back
    # Above inner_wait: the barrier's own frames (the threading module's); below it,
    # worker.
    found.append(chain[chain.index("inner_wait") + 1])
    locals_of = frames[t.ident]
    while locals_of.f_code.co_name != "inner_wait":
        locals_of = locals_of.f_back
    found.append(locals_of.f_locals["marker"])
release.set()
for t in threads:
    t.join()
print(sorted(map(str, found)))

# A traceback made in one thread, read in another after the thread has ended.
box = []
def fail(depth):
    local_value = depth
    if depth == 0:
        raise ValueError("from thread")
    fail(depth - 1)
def run():
    try:
        fail(3)
    except ValueError as e:
        box.append(e)
t = threading.Thread(target=run)
t.start(); t.join()
tb = box[0].__traceback__
names = []
while tb:
    names.append((tb.tb_frame.f_code.co_name, tb.tb_frame.f_locals.get("local_value")))
    tb = tb.tb_next
print(names)

# Many threads raising and walking their own frames at once.
errors = []
def churn(n):
    for i in range(200):
        try:
            fail(i % 5)
        except ValueError as e:
            t = e.__traceback__
            count = 0
            while t:
                count += 1
                t = t.tb_next
            if count != (i % 5) + 2:
                errors.append(count)
        f = sys._getframe()
        if f.f_back.f_code.co_name != "run":
            errors.append(f.f_back.f_code.co_name)
        sys._current_frames()
ts = [threading.Thread(target=churn, args=(k,)) for k in range(6)]
for t in ts: t.start()
for t in ts: t.join()
print("errors", errors)
