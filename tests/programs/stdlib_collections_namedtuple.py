# namedtuple: construction, fields, defaults, _replace/_asdict/_make/_fields/_field_defaults, rename, errors.
from collections import namedtuple
Point = namedtuple("Point", ["x", "y"])
p = Point(1, 2)
print(p, p.x, p.y, p[0], p[-1], len(p), tuple(p), p == (1, 2), isinstance(p, tuple), hash(p) == hash((1, 2)))
print(Point._fields, Point(x=3, y=4), Point(5, y=6), p._asdict(), p._replace(y=9), Point._make([7, 8]), Point.__name__, Point.__doc__)
x, y = p
print(x + y, p + (3,), p * 2, sorted([Point(2, 1), Point(1, 5)]), max(Point(0, 9), Point(1, 0)), repr(Point), Point.__module__)
P3 = namedtuple("P3", "a, b c", defaults=[10, 20])
print(P3(1), P3(1, 2), P3(1, 2, 3), P3._field_defaults, P3._fields, P3.__match_args__)
R = namedtuple("R", ["ok", "def", "ok", "_x", "2y"], rename=True)
print(R._fields, R(1, 2, 3, 4, 5))
Single = namedtuple("Single", "only")
print(Single(1), Single.__doc__, Single._make("a"))
Empty = namedtuple("Empty", "")
print(Empty(), Empty._fields, len(Empty()))
errors = [
    lambda: Point(1),
    lambda: Point(1, 2, 3),
    lambda: Point(1, x=2),
    lambda: Point(1, 2, z=3),
    lambda: P3(),
    lambda: namedtuple("Bad", "x 1y"),
    lambda: namedtuple("Bad", "x class"),
    lambda: namedtuple("Bad", "x _y"),
    lambda: namedtuple("Bad", "x x"),
    lambda: namedtuple("1Bad", "x"),
    lambda: namedtuple("Bad", "a b", defaults=[1, 2, 3]),
    lambda: p._replace(z=1),
    lambda: Point._make([1]),
    lambda: setattr(p, "x", 5),
    lambda: namedtuple("Bad", "x y")(),
]
for f in errors:
    try:
        print(f())
    except (TypeError, ValueError, AttributeError) as e:
        print(type(e).__name__, e)
class Vector(namedtuple("Vector", "x y")):
    __slots__ = ()
    def __add__(self, o):
        return Vector(self.x + o.x, self.y + o.y)
    @property
    def norm2(self):
        return self.x ** 2 + self.y ** 2
v = Vector(1, 2) + Vector(3, 4)
print(v, v.norm2, type(v).__name__, v._replace(x=0), Vector._fields)
Emp = namedtuple("Emp", "name dept", module="company")
print(Emp.__module__, Emp("a", "b"))
