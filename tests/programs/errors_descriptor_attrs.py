# Introspection attributes of native methods and descriptors.
for e in ["str.split.__name__", "str.split.__qualname__", "list.append.__qualname__",
          "int.__add__.__name__", "int.__add__.__qualname__", "(1).__add__.__self__",
          "(1).__add__.__qualname__", "(1).__add__.__name__", "bytes.fromhex.__module__",
          "bytes.fromhex.__qualname__", "str.split.__objclass__", "int.real.__name__",
          "int.real.__qualname__", "int.real.__objclass__", "dict.fromkeys.__self__",
          "dict.__dict__['fromkeys'].__name__", "dict.__dict__['fromkeys'].__qualname__",
          "int.__add__.__objclass__", "(1).__add__.__objclass__", "len.__qualname__",
          "len.__module__", "[].append.__module__", "[].append.__qualname__",
          "[].append.__self__", "str.split.__module__", "int.__add__.__module__",
          "str.split.__self__"]:
    try:
        print(e, "=>", repr(eval(e)))
    except AttributeError as exc:
        print(e, "=> AttributeError")

class S:
    __slots__ = ("a",)
print(S.a.__name__, S.a.__qualname__, S.a.__objclass__.__name__)

for src in ["[].append(**[1])", "'a'.split(*1)", "'{a}'.format(**1)", "len(*1)",
            "[].append(*1)", "int.__add__(*1)"]:
    try:
        eval(src)
    except TypeError as exc:
        print(src, "->", exc)
