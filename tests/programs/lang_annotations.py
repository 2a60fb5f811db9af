# Variable and function annotations: module and class __annotations__, annotations
# evaluated in module/class scope but not stored for complex targets, ignored inside
# functions, annotated names without values stay unbound.
count: int = 0
label: str
ratio: "float" = 0.5
print(__annotations__)
try:
    print(label)
except NameError as e:
    print("NameError:", e)

class Point:
    """A point."""
    x: int
    y: int = 0
    __private: list = []
    def norm(self) -> float:
        return 0.0
print(Point.__annotations__)
print([k for k in Point.__dict__ if k.startswith("__") and k.endswith("__")][:4])
print(hasattr(Point, "x"), Point.y)

def evaluated(tag):
    print("  annotation evaluated:", tag)
    return tag

class Lazy:
    a: evaluated("class a") = 1
    b: evaluated("class b")
print(Lazy.__annotations__)

class Holder:
    pass
h = Holder()
h.attr: evaluated("attribute target") = 5
d = {}
d["k"]: evaluated("subscript target") = 6
(paren): evaluated("parenthesized name") = 7
print(h.attr, d, paren, sorted(__annotations__))

def func(a: evaluated("param a"), *args: evaluated("varargs"), b: "kw" = 2, **kw: evaluated("kwargs")) -> evaluated("return"):
    local: evaluated("never inside a function") = 1
    unset: int
    try:
        return unset
    except UnboundLocalError:
        return local
print(func.__annotations__)
print(func(1))

if True:
    nested: evaluated("in if at module level") = 3
for i in range(1):
    loop_var: int = i
print(sorted(__annotations__))

class Sub(Point):
    z: int = 5
print(Sub.__annotations__, Point.__annotations__ is not Sub.__annotations__)
