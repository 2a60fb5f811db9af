# types.MappingProxyType(mapping): construction, checks and messages, and the
# view's behaviour (read-only, live), plus __doc__ and __text_signature__ present on
# builtin callables and descriptors.
from collections import OrderedDict

MappingProxyType = type(type.__dict__)


def attempt(label, *args, **kwargs):
    try:
        r = MappingProxyType(*args, **kwargs)
    except TypeError as e:
        print(label, "->", e)
    else:
        print(label, "->", r)


attempt("dict", {"a": 1})
attempt("keyword", mapping={"b": 2})
attempt("OrderedDict", OrderedDict(x=1))
attempt("str", "abc")
attempt("list", [1])
attempt("tuple", (1,))
attempt("int", 5)
attempt("none")
attempt("two", {}, {})


class Mapping:
    def __getitem__(self, k):
        return k * 2

    def keys(self):
        return ["p"]

    def __len__(self):
        return 1

    def __iter__(self):
        return iter(["p"])

    def __repr__(self):
        return "Mapping()"


mp = MappingProxyType(Mapping())
print(mp["z"], len(mp), list(mp), mp, list(mp.keys()))

d = {"k": 1}
p = MappingProxyType(d)
d["j"] = 2
print(p, len(p), "j" in p, p["k"], p.get("q", "default"), sorted(p.items()))
for f in (lambda: p.__setitem__("k", 3), lambda: p.pop("k")):
    try:
        f()
    except (TypeError, AttributeError) as e:
        print(type(e).__name__, e)
print(type(p).__name__, p == {"k": 1, "j": 2}, p.copy() is not d, p.copy() == d)

# __doc__ and __text_signature__ exist (values are CPython's documentation, which
# strand does not carry: only their presence and types are compared).
for obj in (len, [].append, list.append, dict.fromkeys, int.__add__, (1).__add__,
            int.__new__, int.real, type.__dict__["__dict__"]):
    doc = obj.__doc__
    print(type(obj).__name__, doc is None or isinstance(doc, str),
          hasattr(obj, "__text_signature__"))


class K:
    __slots__ = ("s",)


print(hasattr(K.s, "__doc__"), K.s.__doc__, K.__text_signature__)
