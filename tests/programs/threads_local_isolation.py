# threading.local: each thread sees only its own attributes; subclasses get __init__ per thread; values never leak between threads.
import threading
ctx = threading.local()
ctx.name = "main"
barrier = threading.Barrier(6)
report = {}
lock = threading.Lock()
def worker(i):
    had = hasattr(ctx, "name")
    ctx.name = f"worker-{i}"
    ctx.items = []
    barrier.wait()
    for j in range(100):
        ctx.items.append(i * 100 + j)
    barrier.wait()
    with lock:
        report[i] = (had, ctx.name, len(ctx.items), ctx.items[0], sorted(ctx.__dict__))
ts = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
for t in ts: t.start()
for t in ts: t.join()
for i in sorted(report):
    print(i, report[i])
print(ctx.name, hasattr(ctx, "items"))
class Session(threading.local):
    created = 0
    def __init__(self, user):
        with lock:
            Session.created += 1
        self.user = user
        self.requests = 0
    def hit(self):
        self.requests += 1
        return self.requests
sess = Session("admin")
counts = {}
def serve(k):
    for _ in range(k + 1):
        sess.hit()
    with lock:
        counts[k] = (sess.user, sess.requests)
ts = [threading.Thread(target=serve, args=(k,)) for k in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(counts.items()), sess.requests, Session.created)
del ctx.name
print(hasattr(ctx, "name"))
try:
    del ctx.name
except AttributeError as e:
    print(type(e).__name__, e)
reuse = threading.local()
def first():
    reuse.v = "first thread value"
def second(out):
    out.append(getattr(reuse, "v", "fresh"))
t1 = threading.Thread(target=first); t1.start(); t1.join()
out = []
for _ in range(3):
    t2 = threading.Thread(target=second, args=(out,)); t2.start(); t2.join()
print(out)
