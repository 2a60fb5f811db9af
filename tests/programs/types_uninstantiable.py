# Internal types that Python code may see but not create.
kinds = [
    iter([]), iter(()), iter(range(3)), iter({}), iter(set()), iter(""),
    {}.keys(), {}.values(), {}.items(), reversed([]), (x for x in ()),
    zip(), map(len, []), filter(None, []), enumerate([]),
]
for obj in kinds:
    t = type(obj)
    try:
        t()
        print(t.__name__, "created")
    except TypeError as e:
        print(t.__name__, "->", e)
def f(): pass
for t in (type(len), type(None), type(NotImplemented), type(...)):
    try:
        print(repr(t()))
    except TypeError as e:
        print(t.__name__, "->", e)
