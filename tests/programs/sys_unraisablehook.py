# sys.unraisablehook: exceptions raised in __del__, weakref callbacks and generator
# finalization reach the hook as UnraisableHookArgs (type, value, traceback, err_msg,
# object); a hook that raises is reported by the default hook; sys.__unraisablehook__
# prints "Exception ignored in: <object>" and the traceback.
import sys, weakref
print(hasattr(sys, "unraisablehook"), sys.unraisablehook is sys.__unraisablehook__)
seen = []
def hook(u):
    seen.append((u.exc_type.__name__, str(u.exc_value), u.err_msg, type(u.object).__name__,
                 type(u.exc_traceback).__name__, type(u).__name__, len(u)))
sys.unraisablehook = hook
class A:
    def __del__(self):
        raise ValueError("in del")
a = A()
del a
class B: pass
class Callback:
    def __init__(self, name): self.name = name
    def __call__(self, *args): raise KeyError(self.name)
    def __repr__(self): return "<Callback %s>" % self.name
b = B()
r = weakref.ref(b, Callback("cb"))
del b
def g():
    try:
        yield 1
    finally:
        raise TypeError("gen")
it = g(); next(it); del it
for s in seen: print(s)
sys.unraisablehook = Callback("hook")
b = B()
r = weakref.ref(b, Callback("second"))
del b
sys.unraisablehook = sys.__unraisablehook__
b = B()
r = weakref.ref(b, Callback("third"))
del b
try:
    sys.__unraisablehook__(1)
except TypeError as e:
    print(e)
print("end")
