# Docs and text signatures of builtin functions, types, methods and slot wrappers:
# __text_signature__, inspect.signature() (or the error it raises), and whether
# __doc__ is a non-empty str. The doc text itself is each runtime's own wording.
import builtins
import inspect
import io
import contextlib
import pydoc


def sig_of(x):
    try:
        return str(inspect.signature(x))
    except (ValueError, TypeError) as e:
        return type(e).__name__


def show(label, x):
    doc = x.__doc__
    print(label, repr(getattr(x, "__text_signature__", "<none>")), sig_of(x),
          type(doc).__name__, bool(doc))


FUNCS = [
    "__build_class__", "__import__", "abs", "aiter", "all", "anext", "any", "ascii",
    "bin", "callable", "chr", "compile", "delattr", "dir", "divmod",
    "eval", "exec", "format", "getattr", "globals", "hasattr", "hash", "hex", "id",
    "input", "isinstance", "issubclass", "iter", "len", "locals", "max", "min", "next",
    "oct", "open", "ord", "pow", "print", "repr", "round", "setattr", "sorted", "sum",
    "vars",
]
for name in FUNCS:
    show("builtins." + name, getattr(builtins, name))

TYPES = [object, type, int, float, complex, bool, str, bytes, bytearray, list, tuple,
         dict, set, frozenset, range, slice, memoryview, enumerate, zip, map, filter,
         reversed, property, staticmethod, classmethod, super]
for t in TYPES:
    show("type " + t.__name__, t)

METHODS = {
    object: ["__reduce_ex__", "__reduce__", "__getstate__", "__format__", "__sizeof__",
             "__dir__", "__init_subclass__", "__subclasshook__"],
    type: ["mro", "__subclasses__", "__instancecheck__", "__subclasscheck__",
           "__prepare__"],
    int: ["conjugate", "bit_length", "bit_count", "to_bytes", "from_bytes",
          "as_integer_ratio", "__round__", "__trunc__", "__floor__", "__ceil__"],
    float: ["conjugate", "__trunc__", "__floor__", "__ceil__", "__round__",
            "as_integer_ratio", "fromhex", "hex", "is_integer", "__format__"],
    complex: ["conjugate", "__format__"],
    str: ["encode", "replace", "split", "rsplit", "join", "capitalize", "casefold",
          "title", "center", "count", "expandtabs", "find", "partition", "index",
          "ljust", "lower", "lstrip", "rfind", "rindex", "rjust", "rstrip", "rpartition",
          "splitlines", "strip", "swapcase", "translate", "upper", "startswith",
          "endswith", "removeprefix", "removesuffix", "isascii", "islower", "isupper",
          "istitle", "isspace", "isdecimal", "isdigit", "isnumeric", "isalpha",
          "isalnum", "isidentifier", "isprintable", "zfill", "format", "format_map",
          "__format__", "maketrans"],
    bytes: ["capitalize", "center", "count", "decode", "endswith", "expandtabs", "find",
            "fromhex", "hex", "index", "isalnum", "isalpha", "isascii", "isdigit",
            "islower", "isspace", "istitle", "isupper", "join", "ljust", "lower",
            "lstrip", "maketrans", "partition", "replace", "removeprefix",
            "removesuffix", "rfind", "rindex", "rjust", "rpartition", "rsplit",
            "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title",
            "translate", "upper", "zfill"],
    bytearray: ["append", "clear", "copy", "extend", "insert", "pop", "remove",
                "reverse", "join", "decode", "hex", "fromhex", "strip", "split"],
    list: ["clear", "copy", "append", "insert", "extend", "pop", "remove", "index",
           "count", "reverse", "sort", "__class_getitem__"],
    tuple: ["index", "count"],
    dict: ["get", "setdefault", "pop", "popitem", "keys", "items", "values", "update",
           "fromkeys", "clear", "copy"],
    set: ["add", "clear", "copy", "discard", "difference", "difference_update",
          "intersection", "intersection_update", "isdisjoint", "issubset",
          "issuperset", "pop", "remove", "symmetric_difference",
          "symmetric_difference_update", "union", "update"],
    frozenset: ["copy", "difference", "intersection", "isdisjoint", "issubset",
                "issuperset", "symmetric_difference", "union"],
    range: ["count", "index"],
    slice: ["indices"],
    memoryview: ["release", "tobytes", "hex", "tolist", "cast", "toreadonly"],
    property: ["getter", "setter", "deleter"],
}
for t, names in METHODS.items():
    for name in names:
        show(t.__name__ + "." + name, getattr(t, name))

# Bound methods drop $self; classmethods bound to their class drop $type.
SAMPLES = {int: 5, float: 1.5, str: "s", bytes: b"b", bytearray: bytearray(b"a"),
           list: [1], tuple: (1,), dict: {1: 2}, set: {1}, frozenset: frozenset({1})}
for t, inst in SAMPLES.items():
    for name in METHODS.get(t, []):
        show("bound " + t.__name__ + "." + name, getattr(inst, name))
show("bound dict.fromkeys", dict.fromkeys)
show("bound int.from_bytes", int.from_bytes)


class MyList(list):
    pass


show("subclass bound append", MyList().append)
show("subclass type", MyList)

# Slot wrappers and method-wrappers: one signature per slot.
SLOTS = ["__add__", "__radd__", "__sub__", "__mul__", "__truediv__", "__floordiv__",
         "__mod__", "__divmod__", "__pow__", "__rpow__", "__neg__", "__pos__",
         "__abs__", "__invert__", "__and__", "__or__", "__xor__", "__lshift__",
         "__rshift__", "__bool__", "__int__", "__float__", "__index__", "__eq__",
         "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__repr__",
         "__str__", "__getattribute__", "__setattr__", "__delattr__", "__init__",
         "__new__"]
for name in SLOTS:
    show("int." + name, getattr(int, name))
    show("(7)." + name, getattr(7, name))
for name in ["__len__", "__getitem__", "__setitem__", "__delitem__", "__contains__",
             "__iter__", "__iadd__", "__imul__"]:
    show("list." + name, getattr(list, name))
show("iter.__next__", iter([]).__next__)
show("object.__init__", object.__init__)
show("type.__call__", type.__call__)
show("property.__get__", property.__get__)
show("property.__set__", property.__set__)
show("property.__delete__", property.__delete__)
show("list.__new__", list.__new__)

# A class's own "name(sig)\n--\n\n" doc gives it a text signature too.


class Sig:
    "Sig(a, b=1)\n--\n\nA class with a signature in its doc."


show("class with signature doc", Sig)
print(repr(Sig.__doc__))


class Plain:
    "Just a doc."


show("class with plain doc", Plain)

# Builtin functions answer to pydoc and help() (pydoc.help is what help() calls).
text = pydoc.render_doc(len, renderer=pydoc.plaintext)
print("render_doc has signature:", "len(obj, /)" in text)
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    pydoc.help(len)
print("help has signature:", "len(obj, /)" in buf.getvalue())
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    pydoc.help(list.append)
print("help(list.append) has signature:", "append(self, object, /)" in buf.getvalue())
print("module self:", len.__self__ is builtins, len.__reduce__())
