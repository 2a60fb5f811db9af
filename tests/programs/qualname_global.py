# A function or class declared global in its enclosing scope has a module-level
# __qualname__ (CPython's compiler_set_qualname); pickle finds such classes.
def f():
    global G, g
    class G:
        def m(self): pass
    def g(): pass
    class L: pass
    return L
L = f()
print(G.__qualname__, G.m.__qualname__, g.__qualname__, L.__qualname__, (lambda: 0).__qualname__)
class K:
    global H
    class H: pass
    class __P: pass
print(H.__qualname__, K._K__P.__qualname__)
import pickle


def make():
    global Picklable

    class Picklable:
        def __init__(self):
            self.v = 3

    return Picklable()


print(pickle.loads(pickle.dumps(make())).v)
