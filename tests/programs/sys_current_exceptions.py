# sys._current_exceptions(): the exc_info() triple each running thread is handling;
# sys.getallocatedblocks(): a non-negative count of live heap blocks.
import sys
import threading


def describe(info):
    t, v, tb = info
    return (None if t is None else t.__name__, repr(v), type(tb).__name__)


ready = threading.Event()
release = threading.Event()


def worker():
    try:
        raise KeyError("in worker")
    except KeyError:
        ready.set()
        release.wait()


t = threading.Thread(target=worker)
t.start()
ready.wait()
d = sys._current_exceptions()
print("no exception here:", describe(d[threading.get_ident()]))
print("worker:", describe(d[t.ident]))
try:
    raise ValueError("main")
except ValueError:
    d = sys._current_exceptions()
    print("main:", describe(d[threading.get_ident()]))
    print("worker still:", describe(d[t.ident]))
release.set()
t.join()
d = sys._current_exceptions()
print("after join:", t.ident in d, describe(d[threading.get_ident()]))
print(sorted(d) == sorted(sys._current_frames()))


def gen():
    try:
        raise IndexError("in generator")
    except IndexError:
        yield describe(sys._current_exceptions()[threading.get_ident()])


print("generator:", next(gen()))
try:
    sys._current_exceptions(1)
except TypeError as e:
    print("TypeError:", e)

n = sys.getallocatedblocks()
print(type(n).__name__, n >= 0)
try:
    sys.getallocatedblocks(1)
except TypeError as e:
    print("TypeError:", e)
