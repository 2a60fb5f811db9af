import weakref, gc
class C:
    def m(self): pass
class Object:
    def __init__(self, v): self.v = v
c = C()
events = []
bm = c.m
r = weakref.ref(bm, lambda w: events.append('method ref died'))
print(r() == bm)
del bm; gc.collect()
print(events, r())
for f in [lambda: weakref.ref(c, callback=None), lambda: weakref.ref(C).__init__(0, 0, 0, 0, 0),
          lambda: weakref.ref(c).__init__(c, x=1), lambda: weakref.ref()]:
    try: f(); print('ok')
    except TypeError as e: print(e)
class R(weakref.ref):
    def __init__(self, ob, cb=None, **kw): super().__init__(ob, cb)
print(type(R(c, k=1)).__name__)
o = Object(42)
r1 = R(o); r2 = weakref.ref(o)
print(weakref.getweakrefs(o) == [r2, r1], weakref.getweakrefcount(o))
p = weakref.proxy(o)
r3 = weakref.ref(o, lambda w: order.append('r3'))
r4 = weakref.ref(o, lambda w: order.append('r4'))
refs = weakref.getweakrefs(o)
print(refs[0] is r2, refs[1] is p, refs[2] is r4, refs[3] is r3, refs[4] is r1)
order = []
del o, p, refs; gc.collect()
print(order)
