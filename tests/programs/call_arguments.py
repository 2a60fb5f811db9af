# Parameter kinds: defaults, *args, keyword-only, **kwargs, unpacking at call sites.
def f(a, b=2, *args, c, d=4, **kw):
    return (a, b, args, c, d, sorted(kw.items()))

print(f(1, c=3))
print(f(1, 2, 3, 4, c=5, e=6, d=7))
print(f(*[1, 2, 3], **{"c": 9, "z": 0}))

def g(x, y, /, z):
    return x - y + z

print(g(10, 3, z=1), g(1, 2, 3))
print((lambda *a, **k: (a, k))(1, 2, k=3))
print(f(1, 2, 3, 4, 5, 6))
