# weakref.finalize: called once — on collection, on demand, or at exit — and
# detach/peek/alive/atexit.
import gc
import weakref

log = []


class Res:
    def __init__(self, name):
        self.name = name
        self.cycle = self


def cleanup(name, tag="done"):
    log.append((name, tag))
    return "result-" + name


r1 = Res("r1")
f1 = weakref.finalize(r1, cleanup, "r1", tag="gc")
print(f1.alive, f1.atexit, f1.peek()[1] is cleanup, f1.peek()[2], f1.peek()[3])
del r1
print(log, f1.alive)
gc.collect()
print(log, f1.alive, f1())

r2 = Res("r2")
f2 = weakref.finalize(r2, cleanup, "r2")
print(f2(), f2(), log[-1], f2.alive)
del r2
gc.collect()
print(len(log))

r3 = Res("r3")
f3 = weakref.finalize(r3, cleanup, "r3")
obj, func, args, kwargs = f3.detach()
print(obj is r3, func is cleanup, args, kwargs, f3.alive, f3.detach(), f3.peek())
del r3, obj
gc.collect()
print(len(log))

keep_a = Res("a")
keep_b = Res("b")
keep_c = Res("c")
weakref.finalize(keep_a, print, "exit finalizer a")
weakref.finalize(keep_b, print, "exit finalizer b")
fc = weakref.finalize(keep_c, print, "never printed")
fc.atexit = False
print(fc.atexit, fc.alive)


class Holder:
    pass


h = Holder()
weakref.finalize(h, log.append, "holder")
h = None
print(log[-1])
print("end of program")
