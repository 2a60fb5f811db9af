# `with` blocks and loops inside `finally` bodies run on the way out of a `return`.
import threading

class CM:
    def __init__(self, name):
        self.name = name
    def __enter__(self):
        print("enter", self.name)
        return self
    def __exit__(self, *a):
        print("exit", self.name, a[0].__name__ if a[0] else None)

def f():
    try:
        with CM("a"):
            return 1
    finally:
        with CM("b"):
            [][1]

try:
    f()
except IndexError as e:
    print("IndexError", e)

lock = threading.Lock()
def g():
    try:
        with CM("c"):
            return 2
    finally:
        with lock:
            print("held", lock.locked())
print(g(), lock.locked())

def h():
    try:
        for i in range(3):
            with CM(i):
                return i
    finally:
        for j in range(2):
            with CM("j%d" % j):
                pass
        try:
            raise KeyError(5)
        except KeyError as e:
            print("caught", e)
print(h())

def k():
    try:
        with CM("x"):
            return 3
    finally:
        try:
            with CM("y"):
                return 4
        finally:
            print("inner finally")
print(k())
