# CPython's threading module over strand's _thread: thread life cycle and names, join via the sentinel lock, Condition over RLock (_release_save/_acquire_restore), Event, Semaphore, Barrier, Timer, local, excepthook.
import threading, _thread, sys, time

print(threading.__file__.endswith("threading.py"), threading.current_thread().name, threading.main_thread() is threading.current_thread())
results = []
def work(n):
    results.append(n * n)
ts = [threading.Thread(target=work, args=(i,)) for i in range(5)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(sorted(results), [t.is_alive() for t in ts], [t.name for t in ts])
print(threading.Thread(target=work, name="custom").name, threading.Thread().name)
t = threading.Thread(target=time.sleep, args=(0.2,), daemon=True)
t.start()
print(t.daemon, t.is_alive(), t.ident == t.native_id or True)
t.join(0.01)
print(t.is_alive())
t.join()
print(t.is_alive(), isinstance(t.native_id, int), threading.get_native_id() > 0)

# The sentinel: released when the thread's Python work is over.
lock = _thread._set_sentinel()
print(type(lock).__name__, lock.locked())

# Locks.
l = threading.Lock()
print(l.acquire(), l.acquire(timeout=0.01), l.locked(), l.acquire(False))
l.release()
try:
    l.release()
except RuntimeError as e:
    print("RuntimeError", e)
rl = threading.RLock()
print(type(rl).__name__, rl.acquire(), rl.acquire(), rl._is_owned())
state = rl._release_save()
print(state[0], rl._is_owned())
rl._acquire_restore(state)
print(rl._is_owned())
rl.release(); rl.release()
print(rl._is_owned(), hasattr(threading.Lock(), "_is_owned"))
try:
    rl.release()
except RuntimeError as e:
    print("RuntimeError", e)
try:
    l.acquire(False, 1)
except ValueError as e:
    print("ValueError", e)

# Condition over an RLock.
cond = threading.Condition()
items = []
def consumer():
    with cond:
        cond.wait_for(lambda: len(items) >= 3)
        results.append(("consumed", list(items)))
results.clear()
c = threading.Thread(target=consumer)
c.start()
for i in range(3):
    with cond:
        items.append(i)
        cond.notify_all()
c.join()
print(results)
with cond:
    print(cond.wait(0.01))

ev = threading.Event()
def setter():
    ev.set()
threading.Thread(target=setter).start()
print(ev.wait(5), ev.is_set())

sem = threading.BoundedSemaphore(2)
print(sem.acquire(), sem.acquire(), sem.acquire(timeout=0.01))
sem.release(); sem.release()
try:
    sem.release()
except ValueError as e:
    print("ValueError", e)

order = []
barrier = threading.Barrier(3, action=lambda: order.append("action"))
def party(i):
    barrier.wait()
    order.append("after")
bs = [threading.Thread(target=party, args=(i,)) for i in range(3)]
for b in bs: b.start()
for b in bs: b.join()
print(order)

fired = []
tm = threading.Timer(0.01, lambda: fired.append("timer"))
tm.start(); tm.join()
print(fired)

loc = threading.local()
loc.x = "main"
def readlocal():
    results.append(hasattr(loc, "x"))
    loc.x = "thread"
results.clear()
t = threading.Thread(target=readlocal); t.start(); t.join()
print(results, loc.x)

# Uncaught exceptions go to threading.excepthook (CPython's _thread._excepthook).
print(threading.excepthook is _thread._excepthook, threading.ExceptHookArgs is _thread._ExceptHookArgs)
def boom():
    raise ValueError("boom in thread")
t = threading.Thread(target=boom, name="failing")
t.start(); t.join()
sys.stderr.flush()
seen = []
threading.excepthook = lambda args: seen.append((args.exc_type.__name__, str(args.exc_value), args.thread.name))
t = threading.Thread(target=boom, name="hooked"); t.start(); t.join()
print(seen)
threading.excepthook = threading.__excepthook__
t = threading.Thread(target=sys.exit); t.start(); t.join()
a = _thread._ExceptHookArgs((KeyError, KeyError("k"), None, None))
print(a.exc_type, a.thread, len(a))

print(threading.active_count(), len(threading.enumerate()), threading.TIMEOUT_MAX == _thread.TIMEOUT_MAX)
print(threading.stack_size(), hasattr(_thread, 'daemon_threads_allowed'), _thread._count())
# interrupt_main: SIGINT's default Python handler raises KeyboardInterrupt in the main
# thread; a signal with no Python handler (SIGTERM at SIG_DFL) is left alone.
try:
    _thread.interrupt_main()
    time.sleep(5)
    print("not interrupted")
except KeyboardInterrupt:
    print("KeyboardInterrupt from interrupt_main")
import signal
_thread.interrupt_main(signal.SIGTERM)
time.sleep(0.05)
print("SIGTERM at SIG_DFL ignored")
try:
    _thread.interrupt_main(0)
except ValueError as e:
    print("ValueError", e)
def late():
    time.sleep(0.05)
    print("non-daemon thread finished before exit")
threading.Thread(target=late).start()
