# staticmethod and classmethod: calls via class and instance, alternative constructors.
class Date:
    def __init__(self, y, m, d):
        self.y, self.m, self.d = y, m, d

    @classmethod
    def from_string(cls, s):
        y, m, d = (int(p) for p in s.split("-"))
        return cls(y, m, d)

    @staticmethod
    def is_leap(y):
        return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)

    def __repr__(self):
        return f"{type(self).__name__}({self.y}, {self.m}, {self.d})"

class MyDate(Date):
    pass

print(Date.from_string("2024-02-29"), MyDate.from_string("1999-12-31"))
print(Date.is_leap(2000), Date.is_leap(1900), Date(1, 1, 1).is_leap(2024))
d = MyDate(2020, 1, 1)
print(d.from_string("2021-03-04"))

class Counter:
    count = 0
    @classmethod
    def bump(cls):
        cls.count += 1
        return cls.count

class SubCounter(Counter):
    pass

print(Counter.bump(), Counter.bump(), SubCounter.bump(), Counter.count, SubCounter.count)

sm = Date.__dict__["is_leap"]
cm = Date.__dict__["from_string"]
print(type(sm).__name__, type(cm).__name__)
print(sm.__func__(2004), cm.__func__(Date, "1-2-3"))
print(type(Date.from_string).__name__, Date.from_string.__self__ is Date)

def plain(*args):
    return args

class Holder:
    s = staticmethod(plain)
    c = classmethod(plain)

h = Holder()
print(h.s(1), Holder.s(1), h.c(1)[0].__name__, Holder.c(2))
print(staticmethod(plain)(5) if hasattr(staticmethod, "__call__") else None)
