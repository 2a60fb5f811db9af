# __del__: runs when the last reference goes, on del, rebinding, scope exit and collection.
import gc

log = []

class Tracked:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        log.append(self.name)

a = Tracked("a")
del a
print(log)

b = Tracked("b")
b = Tracked("b2")
print(log)

def scope():
    t = Tracked("local")
    return 1
scope()
print(log)

lst = [Tracked("in-list-1"), Tracked("in-list-2")]
lst.pop()
print(log)
lst.clear()
print(log)

d = {"k": Tracked("dict-value")}
d["k"] = None
print(log)

c1 = Tracked("cycle-1")
c2 = Tracked("cycle-2")
c1.other = c2
c2.other = c1
del c1, c2
gc.collect()
print(sorted(log))

class Resurrect:
    saved = []
    def __del__(self):
        log.append("resurrect-del")
        Resurrect.saved.append(self)

r = Resurrect()
del r
print(log[-1], len(Resurrect.saved))
Resurrect.saved.clear()
print(log.count("resurrect-del"))

b = None
print(log[-1])

# objects still bound to module globals are finalized when the program ends (one
# object: the order among several is the collector's, allocation order in CPython
# 3.11, heap order in strand, which agree only by chance of block reuse)
class Loud:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("exit-time __del__", self.name)

keep1 = Loud("first")
print("last line of the program")
