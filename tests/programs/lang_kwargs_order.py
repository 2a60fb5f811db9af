# Keyword-argument order is preserved in **kwargs, dict order is insertion order, and
# keyword names reach the callee exactly.
def show(**kw):
    return list(kw.items())

print(show(z=1, a=2, m=3))
print(show(**{"b": 1, "a": 2}, c=3))
print(show(c=3, **{"b": 1, "a": 2}))
def passthrough(*args, **kwargs):
    return show(**kwargs)
print(passthrough(1, 2, y=1, x=2))

d = {}
for k in "zyxabc":
    d[k] = ord(k)
print(list(d), list(d.values())[:3])
d.pop("x")
d["x"] = 0
print(list(d))
del d["z"]
d["z"] = 1
print(list(d.items())[-2:])

def named(a, b, *, c, d):
    return f"a={a} b={b} c={c} d={d}"
print(named(d=4, c=3, b=2, a=1))
print(named(1, d=4, c=3, b=2))
opts = dict(sep="|", end="!\n")
print("x", "y", **opts)
print({**{"a": 1, "b": 2}, "a": 3})
print(dict([("k2", 2), ("k1", 1)], k0=0))
print(sorted({"b": 1, "a": 2}), sorted({"b": 1, "a": 2}.items(), key=lambda kv: kv[1]))
class Rec:
    def __init__(self, **fields):
        self.__dict__.update(fields)
r = Rec(zeta=1, alpha=2)
print(list(r.__dict__))
print(show(**dict(zip("cba", range(3)))))
