# threading: Thread target/args/kwargs/name/daemon, start/join (with timeout), is_alive, idents, current/main thread, enumerate, excepthook.
import threading, time
results = {}
def work(key, value, *, scale=1):
    results[key] = value * scale
t = threading.Thread(target=work, args=("a", 2), kwargs={"scale": 10}, name="worker-a")
print(t.name, t.daemon, t.is_alive(), t.ident is None, repr(t).startswith("<Thread(worker-a, initial"))
t.start()
t.join()
print(results, t.is_alive(), isinstance(t.ident, int), t.native_id is not None, repr(t).startswith("<Thread(worker-a, stopped"))
auto = threading.Thread(target=work, args=("b", 1))
print(auto.name.startswith("Thread-"), auto.name.endswith("(work)"), threading.Thread().name.startswith("Thread-"))
auto.start(); auto.join()
try:
    auto.start()
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    threading.Thread(target=work).join()
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    threading.current_thread().join()
except RuntimeError as e:
    print(type(e).__name__, e)
release = threading.Event()
slow = threading.Thread(target=release.wait, name="slow", daemon=True)
slow.start()
t0 = time.monotonic()
slow.join(timeout=0.05)
print(slow.is_alive(), time.monotonic() - t0 >= 0.04, slow.daemon, repr(slow).startswith("<Thread(slow, started daemon"))
print(threading.active_count(), sorted(th.name for th in threading.enumerate()))
release.set(); slow.join()
print(slow.is_alive(), threading.active_count())
main = threading.main_thread()
print(main.name, main is threading.current_thread(), main.daemon, threading.get_ident() == main.ident, threading.get_native_id() > 0)
seen = []
def who():
    cur = threading.current_thread()
    seen.append((cur.name, cur is not main, cur.ident == threading.get_ident()))
for i in range(3):
    th = threading.Thread(target=who, name=f"n{i}")
    th.start(); th.join()
print(seen)
class Sub(threading.Thread):
    def __init__(self, n):
        super().__init__(name=f"sub{n}")
        self.n = n
        self.out = None
    def run(self):
        self.out = sum(range(self.n))
subs = [Sub(n) for n in (10, 100, 1000)]
for s in subs: s.start()
for s in subs: s.join()
print([(s.name, s.out) for s in subs])
d = threading.Thread(target=lambda: None)
d.daemon = True
print(d.daemon)
d.start(); d.join()
try:
    d.daemon = False
except RuntimeError as e:
    print(type(e).__name__, e)
caught = []
def hook(args):
    caught.append((args.exc_type.__name__, str(args.exc_value), args.thread.name, args.exc_traceback is not None))
old = threading.excepthook
threading.excepthook = hook
def boom():
    raise ValueError("boom in thread")
bt = threading.Thread(target=boom, name="boomer")
bt.start(); bt.join()
threading.excepthook = old
print(caught, bt.is_alive())
def exits():
    raise SystemExit(3)
et = threading.Thread(target=exits); et.start(); et.join()
print("SystemExit in thread is silent", et.is_alive())
print(threading.TIMEOUT_MAX > 1e6, issubclass(threading.ThreadError, Exception), threading.Thread.__name__)
