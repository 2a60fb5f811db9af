# gc: collect() counts on cycles, enable/disable/isenabled, thresholds, counts, stats, callbacks, finalizers.
import gc
gc.collect()
class Node:
    def __init__(self, name):
        self.name = name
        self.next = None
def ring(n):
    nodes = [Node(i) for i in range(n)]
    for a, b in zip(nodes, nodes[1:] + nodes[:1]):
        a.next = b
ring(2)
print("ring of 2:", gc.collect())
ring(10)
print("ring of 10:", gc.collect())
print("nothing left:", gc.collect())
l = []
l.append(l)
del l
print("self-list:", gc.collect())
d = {}
d["me"] = d
del d
print("self-dict:", gc.collect())
a = Node("a")
a.__dict__["cycle"] = a
del a
print("instance with materialised __dict__:", gc.collect())
t = ([], [])
t[0].append(t); t[1].append(t[0])
del t
print("tuple and lists:", gc.collect())
def make_closure_cycle():
    def inner():
        return inner
    return None
make_closure_cycle()
print("closure cycle:", gc.collect() >= 2)
print(gc.isenabled())
gc.disable()
print(gc.isenabled())
ring(3)
print("collect while disabled:", gc.collect())
gc.enable()
print(gc.isenabled())
th = gc.get_threshold()
print(type(th).__name__, len(th), all(isinstance(x, int) for x in th))
gc.set_threshold(500, 5, 5)
print(gc.get_threshold()[0])
gc.set_threshold(*th)
print(gc.get_threshold() == th)
cnt = gc.get_count()
print(type(cnt).__name__, len(cnt), all(isinstance(x, int) and x >= 0 for x in cnt))
st = gc.get_stats()
print(type(st).__name__, len(st), sorted(st[0]), all(isinstance(v, int) for s in st for v in s.values()))
events = []
def cb(phase, info):
    events.append((phase, sorted(info), info["generation"]))
gc.callbacks.append(cb)
ring(4)
n = gc.collect()
gc.callbacks.remove(cb)
print(n, events[0][0], events[-1][0], events[0][1], events[-1][2])
collected_in_cb = []
def cb2(phase, info):
    if phase == "stop":
        collected_in_cb.append(info["collected"])
gc.callbacks.append(cb2)
ring(5)
gc.collect()
gc.callbacks.remove(cb2)
print("callback saw", collected_in_cb)
log = []
class Fin:
    def __init__(self, name):
        self.name = name
        self.me = self
    def __del__(self):
        log.append(self.name)
Fin("x"); Fin("y")
print(gc.collect(), sorted(log))
print(gc.is_tracked([]), gc.is_tracked({}), gc.is_tracked(1), gc.is_tracked("s"), gc.is_tracked(Node("n")))
try:
    gc.collect(5)
except ValueError as e:
    print(type(e).__name__, e)
print(gc.is_tracked({"a": []}), gc.is_tracked({"a": 1}), gc.is_tracked({1: (2, "x")}), gc.is_tracked({1: ([],)}), gc.is_tracked(Node))
