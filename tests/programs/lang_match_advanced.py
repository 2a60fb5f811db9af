# match: or-patterns binding names in different orders, captures mixed with nested
# patterns, guards seeing captures, match in loops/functions/generators, mapping rest,
# self-matching builtins, __match_args__ errors and failed patterns binding nothing.
def orders(v):
    match v:
        case [a, b, 0] | [0, b, a]:
            return ("zero-ends", a, b)
        case {"x": x, "y": y} | (y, x, "swapped"):
            return ("xy", x, y)
        case [1, [p, q] | (q, p, "t")] as whole:
            return ("nested-or", p, q, whole)
        case _:
            return "none"

for v in ([1, 2, 0], [0, 2, 1], {"x": 5, "y": 6}, (6, 5, "swapped"), [1, [3, 4]], [1, (4, 3, "t")], [9]):
    print(orders(v))

def guards(v):
    match v:
        case (x, y) if x > y:
            return f"desc {x}>{y}"
        case (x, y) if x == y:
            return f"equal {x}"
        case (x, y):
            return f"asc {x}<{y}, guard-bound names survive"
        case int(n) if n % 2 == 0 if True else False:
            return "even"
        case int(n) | float(n) if n > 100:
            return "big number"
    return "fell through"

for v in ((3, 1), (2, 2), (1, 5), 4, 7, 1000.5, "s"):
    print(guards(v))

def loop():
    out = []
    for item in [1, "skip", [2, 3], {"stop": True}, 99]:
        match item:
            case "skip":
                continue
            case {"stop": True}:
                break
            case [a, *rest]:
                out.append(("list", a, rest))
            case other:
                out.append(("other", other))
    return out
print(loop())

def gen(items):
    for it in items:
        match it:
            case (k, v):
                yield f"{k}={v}"
            case str() as s:
                yield s.upper()
print(list(gen([("a", 1), "b", ("c", 2), 3])))

def mapping(m):
    match m:
        case {"kind": "circle", "r": r, **rest}:
            return ("circle", r, rest)
        case {"kind": kind, **rest} if rest:
            return ("kind+rest", kind, sorted(rest.items()))
        case {"kind": _}:
            return "kind only"
        case {}:
            return "some mapping"
    return "not a mapping"

for m in ({"kind": "circle", "r": 2, "c": "red"}, {"kind": "sq", "s": 1}, {"kind": "x"}, {"a": 1}, [("kind", 1)]):
    print(mapping(m))

class DefaultDictLike(dict):
    def __missing__(self, key):
        return "missing!"
match DefaultDictLike(a=1):
    case {"b": b}:
        print("should not use __missing__", b)
    case {"a": a}:
        print("dict subclass mapping", a)

def builtins_self(v):
    match v:
        case bool(b):
            return f"bool {b}"
        case int(i):
            return f"int {i}"
        case str(s):
            return f"str {s}"
        case list([x, *_]):
            return f"list starting {x}"
        case tuple(t):
            return f"tuple {t}"
        case dict(d):
            return f"dict {len(d)}"
    return "other"
for v in (True, 3, "s", [7, 8], (1,), {"a": 1}, 2.5):
    print(builtins_self(v))

class P:
    __match_args__ = ("a", "b")
    def __init__(self, a, b):
        self.a, self.b = a, b

def not_bound():
    match [1, 2]:
        case [first, 99]:
            pass
    try:
        return first
    except UnboundLocalError:
        return "failed pattern bound nothing"
print(not_bound())

match P(1, P(2, 3)):
    case P(a, P(b, c)) if a + b + c == 6:
        print("nested class", a, b, c)

match P(1, 2):
    case P(b=2, a=x):
        print("keywords", x)

class Bad:
    __match_args__ = ("a", "b")
match Bad():
    case Bad():
        print("no attributes needed for Bad()")
match Bad():
    case Bad(x):
        print("unreachable")
    case _:
        print("missing attribute fails the pattern")

values = [0, 1.0, -1, "a", b"a", None, True, False]
for v in values:
    match v:
        case None:
            r = "None"
        case True:
            r = "True"
        case False:
            r = "False"
        case 0:
            r = "zero"
        case 1:
            r = "one (1.0 == 1)"
        case -1:
            r = "minus one"
        case "a" | b"a":
            r = "a-ish"
    print(repr(v), r)

import collections
match collections.deque([1, 2]):
    case [x, y]:
        print("deque is a sequence", x, y)
match range(3):
    case [0, *rest]:
        print("range", rest)
match "ab":
    case (a, b):
        print("no")
    case _:
        print("str is not a sequence")

for bad in ("int(1, 2)", "P(1, 2, 3)", "P(1, a=2)", "len()"):
    try:
        match 1 if bad.startswith("int") else (P(1, 2) if bad.startswith("P") else 5):
            case int(1, 2) if bad == "int(1, 2)":
                pass
            case P(1, 2, 3) if bad == "P(1, 2, 3)":
                pass
            case P(1, a=2) if bad == "P(1, a=2)":
                pass
            case len() if bad == "len()":
                pass
    except TypeError as e:
        print("TypeError:", e)
