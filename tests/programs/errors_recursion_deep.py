# With a raised recursion limit, deep Python recursion ends in RecursionError (never
# a native stack overflow), on the main thread and in threads.
import sys, threading
sys.setrecursionlimit(10**6)

def f(n):
    return f(n + 1)

def report(fn):
    try:
        fn()
    except RecursionError as e:
        print("RecursionError:", e)

report(lambda: f(0))
for size in [0, 32 * 1024 * 1024]:
    threading.stack_size(size)
    t = threading.Thread(target=report, args=(lambda: f(0),))
    t.start()
    t.join()
threading.stack_size(0)
print("survived")
sys.setrecursionlimit(1000)

class R:
    def __repr__(self):
        return repr(self.x)
class E:
    def __eq__(self, other):
        return self.x == other
class G:
    def __getattr__(self, name):
        return getattr(self, name)
def gen(n):
    yield from gen(n + 1)

r = R(); r.x = r
e = E(); e.x = e
report(lambda: E() == 1 if False else e == 1)
report(lambda: G().x)
report(lambda: list(gen(0)))
nested = []
for i in range(10**5):
    nested = [nested]
report(lambda: repr(nested))
report(lambda: nested == nested[0])
d = {}
for i in range(10**5):
    d = {1: d}
report(lambda: repr(d))
report(lambda: str(d))
