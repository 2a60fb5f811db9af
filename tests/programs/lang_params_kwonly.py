# Keyword-only and positional-only parameters and their error messages.
def kw(a, *, b, c=3):
    return a, b, c

def show(fn, *args, **kwargs):
    try:
        print(fn(*args, **kwargs))
    except TypeError as e:
        print("TypeError:", e)

show(kw, 1, b=2)
show(kw, 1, b=2, c=4)
show(kw, 1)
show(kw, 1, 2)
show(kw, 1, 2, 3)
show(kw, a=1, b=2)

def kw2(*, x, y):
    return x * y

show(kw2, x=2, y=3)
show(kw2)
show(kw2, 1, 2)

def po(a, b, /, c, d=4):
    return a, b, c, d

show(po, 1, 2, 3)
show(po, 1, 2, c=3)
show(po, 1, b=2, c=3)
show(po, a=1, b=2, c=3)
show(po, 1)

def po_kw(a, /, **kw):
    return a, kw

show(po_kw, 1, a=2)

def all_kinds(p1, p2=20, /, n1=30, *args, k1, k2=40, **kwargs):
    return p1, p2, n1, args, k1, k2, kwargs

show(all_kinds, 1, k1=2)
show(all_kinds, 1, 2, 3, 4, 5, k1=6, k2=7, extra=8)
show(all_kinds, 1, n1=3, k1=4)
show(all_kinds, 1, 2)
code = all_kinds.__code__
print(code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount)
print(all_kinds.__kwdefaults__)
print(all_kinds.__defaults__)

def missing_two_kw(*, a, b, c):
    pass

show(missing_two_kw)
show(missing_two_kw, b=1)

class C:
    def m(self, x, *, y):
        return x + y

show(C().m, 1, y=2)
show(C().m, 1)
show(C().m, 1, 2)
show(C.m, 1)
