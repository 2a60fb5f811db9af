# *args and **kwargs: collection, forwarding, and duplicate-keyword errors.
def collect(*args, **kwargs):
    return args, sorted(kwargs.items())

print(collect())
print(collect(1, 2, 3))
print(collect(a=1, b=2))
print(collect(1, *[2, 3], *(4,), x=5, **{"y": 6}, z=7))

def forward(*args, **kwargs):
    return collect(*args, **kwargs)

print(forward(1, k=2))

def mixed(a, b=2, *rest, **opts):
    return a, b, rest, opts

print(mixed(1))
print(mixed(1, 2, 3, 4, key="v"))
print(mixed(*range(5)))
print(mixed(**{"a": 10, "b": 20, "c": 30}))

def show(fn, *args, **kwargs):
    try:
        print(fn(*args, **kwargs))
    except TypeError as e:
        print("TypeError:", e)

show(mixed, 1, a=2)
for thunk in (
    lambda: collect(**{"a": 1}, **{"a": 2}),
    lambda: collect(a=0, **{"a": 2}),
    lambda: collect(1, **{1: 2}),
    lambda: collect(*5),
    lambda: collect(0, *5),
    lambda: collect(**[1, 2]),
    lambda: mixed(*None),
    lambda: mixed(**{"a": 1}, **{"b": 2}, **{"b": 3}),
):
    try:
        print(thunk())
    except TypeError as e:
        print("TypeError:", e)

def kwonly_rest(*args, sep="-"):
    return sep.join(str(a) for a in args)

print(kwonly_rest(1, 2, 3))
print(kwonly_rest(1, 2, 3, sep="+"))

# args is a tuple, kwargs a fresh dict
def mutate(**kw):
    kw["new"] = 1
    return kw

d = {"old": 0}
print(mutate(**d), d)
def types(*a, **k):
    return type(a).__name__, type(k).__name__
print(types())
