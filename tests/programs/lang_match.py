# The match statement: literals, captures, sequences, mappings, classes, guards, or-patterns.
def describe(v):
    match v:
        case 0:
            return "zero"
        case 1 | 2 | 3:
            return "small"
        case int(n) if n < 0:
            return f"negative {n}"
        case float() | int():
            return f"number {v}"
        case "":
            return "empty string"
        case str(s):
            return f"string {s!r}"
        case []:
            return "empty list"
        case [x]:
            return f"one item {x}"
        case [x, y]:
            return f"pair {x},{y}"
        case [first, *rest]:
            return f"first {first} rest {rest}"
        case {"type": "point", "x": x, "y": y}:
            return f"point {x},{y}"
        case {"type": t, **others}:
            return f"typed {t} others {sorted(others)}"
        case None:
            return "none"
        case _:
            return "something else"

for v in (0, 2, -5, 7, 2.5, "", "hi", [], [1], (1, 2), [1, 2, 3], {"type": "point", "x": 1, "y": 2},
          {"type": "other", "a": 1, "b": 2}, None, {1, 2}, True):
    print(repr(v), "->", describe(v))

class Point:
    __match_args__ = ("x", "y")
    def __init__(self, x, y):
        self.x = x
        self.y = y

class Circle:
    def __init__(self, c, r):
        self.c = c
        self.r = r

def shape(s):
    match s:
        case Point(0, 0):
            return "origin"
        case Point(x, 0):
            return f"on x axis at {x}"
        case Point(x=0, y=y):
            return f"on y axis at {y}"
        case Point(x, y) if x == y:
            return f"diagonal {x}"
        case Point():
            return "some point"
        case Circle(c=Point(x=cx), r=r) if r > 10:
            return f"big circle at x={cx}"
        case Circle(r=r):
            return f"circle r={r}"
    return "unknown"

for s in (Point(0, 0), Point(3, 0), Point(0, 4), Point(2, 2), Point(1, 5), Circle(Point(7, 1), 20), Circle(Point(0, 0), 1), "x"):
    print(shape(s))

def commands(cmd):
    match cmd.split():
        case ["go", ("north" | "south") as direction]:
            return f"going {direction}"
        case ["go", other]:
            return f"can't go {other}"
        case ["take", *objs] if objs:
            return f"taking {' and '.join(objs)}"
        case ["quit" | "exit"]:
            return "bye"
        case _:
            return "unknown command"

for c in ("go north", "go up", "take key lamp", "take", "exit", "dance"):
    print(c, "->", commands(c))

RED = "red"
class Colors:
    GREEN = "green"
def color(c):
    match c:
        case Colors.GREEN:
            return "it is green"
        case str() as other:
            return "other color " + other
print(color("green"), color("blue"))

match (1, [2, 3]):
    case (a, [b, *c]):
        print("nested", a, b, c)
match {"k": [1, {"deep": True}]}:
    case {"k": [_, {"deep": flag}]}:
        print("deep flag", flag)
match 5:
    case x:
        print("irrefutable capture", x)
match "abc":
    case [*chars]:
        print("str is not a sequence pattern", chars)
    case _:
        print("strings do not match sequence patterns")
try:
    match Point(1, 2):
        case Point(1, 2, 3):
            pass
except TypeError as e:
    print("TypeError:", e)
