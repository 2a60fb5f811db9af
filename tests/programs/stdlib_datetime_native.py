# The native _datetime classes: arithmetic, formatting, parsing, time zones,
# pickling, subclassing and errors (output compared with python3's).
import _datetime
import datetime
import pickle
from datetime import date, datetime as dt, time, timedelta, timezone, tzinfo

print(datetime.date is _datetime.date, datetime.timezone.utc is _datetime.UTC)
print(_datetime.MINYEAR, _datetime.MAXYEAR)


def attempt(label, f):
    try:
        r = f()
    except Exception as e:
        print(label, "->", type(e).__name__, e)
    else:
        print(label, "=", repr(r))


# timedelta construction and normal form
for args, kw in [((1, 2, 3), {}), ((), {"hours": -1}), ((1.5, 0.25), {}),
                 ((), {"microseconds": 0.5}), ((), {"microseconds": 1.5}),
                 ((), {"weeks": 1, "milliseconds": 1001}), ((-1,), {"seconds": 1}),
                 ((0,), {"minutes": 1.0 / 3})]:
    d = timedelta(*args, **kw)
    print(repr(d), str(d), d.days, d.seconds, d.microseconds, d.total_seconds())
print(timedelta.min, timedelta.max, timedelta.resolution)

# timedelta arithmetic
a, b = timedelta(days=3, hours=5), timedelta(hours=7, microseconds=9)
print(a + b, a - b, b - a, -a, +a, abs(-a), a * 3, 3 * a, a * 0.3, a / 4, a / 0.7)
print(a / b, a // b, a % b, divmod(a, b), a // 7, bool(timedelta()), bool(b))
print(a < b, a == timedelta(hours=77), a != b, hash(a) == hash(timedelta(hours=77)))
attempt("td/0", lambda: a / 0)
attempt("td//0", lambda: a // 0)
attempt("td*str", lambda: a * "x")
attempt("td days", lambda: timedelta(days=10**9))
attempt("td type", lambda: timedelta(days="1"))
attempt("td kw", lambda: timedelta(year=1))

# date
d = date(2024, 2, 29)
print(d, repr(d), d.year, d.month, d.day, d.weekday(), d.isoweekday(), d.toordinal())
print(d.isocalendar(), tuple(d.isocalendar()), d.isocalendar().week, d.ctime())
print(d.timetuple())
print(d + timedelta(days=1), d - timedelta(days=60), d - date(2000, 1, 1), d.replace(day=1))
print(date.fromordinal(738000), date.fromisocalendar(2020, 53, 7), date.min, date.max)
print(date.fromisoformat("2021-07-04"), date.fromisoformat("20210704"), date.fromisoformat("2021-W27-7"))
print(d.strftime("%Y/%m/%d %a %j %%"), format(d, "%d.%m.%Y"), format(d, ""))
print(d < date(2024, 3, 1), d == date(2024, 2, 29), hash(d) == hash(date(2024, 2, 29)))
for bad in [(2023, 2, 29), (0, 1, 1), (2023, 13, 1), (10000, 1, 1)]:
    attempt("date%r" % (bad,), lambda: date(*bad))
attempt("date float", lambda: date(2020.0, 1, 1))
attempt("date missing", lambda: date(2020))
attempt("fromisoformat", lambda: date.fromisoformat("2021-7-4"))
attempt("fromisoformat type", lambda: date.fromisoformat(20210704))
attempt("fromordinal", lambda: date.fromordinal(0))
attempt("fromisocalendar", lambda: date.fromisocalendar(2021, 53, 1))
attempt("date+int", lambda: d + 1)
attempt("date<int", lambda: d < 1)
attempt("date overflow", lambda: date.max + timedelta(days=1))

# time
t = time(13, 5, 7, 250, tzinfo=timezone(timedelta(hours=-3, minutes=-30)))
print(t, repr(t), t.isoformat("milliseconds"), t.isoformat(timespec="hours"), t.utcoffset(), t.tzname(), t.dst())
print(time(), repr(time(1, 2, 3)), time(4, fold=1).fold, time.min, time.max, time.resolution)
print(t.strftime("%H:%M:%S.%f %z %Z"), format(t, "%I%p"), t.replace(hour=1, tzinfo=None))
print(time.fromisoformat("12:30"), time.fromisoformat("T123045.5+0530"), time.fromisoformat("01:02:03,123456789Z"))
print(time(12) < time(13), time(12, tzinfo=timezone.utc) == time(13, tzinfo=timezone(timedelta(hours=1))))
attempt("time naive<aware", lambda: time(1) < time(1, tzinfo=timezone.utc))
attempt("time hour", lambda: time(24))
attempt("time fold", lambda: time(fold=2))
attempt("time tzinfo", lambda: time(tzinfo=5))
attempt("time timespec", lambda: time().isoformat("nanoseconds"))
attempt("time fromisoformat", lambda: time.fromisoformat("25:00"))

# datetime
tz2 = timezone(timedelta(hours=2), "EET")
x = dt(2021, 3, 28, 1, 30, 15, 500, tzinfo=tz2)
print(x, repr(x), x.date(), x.time(), x.timetz(), x.utcoffset(), x.tzname(), x.dst())
print(x.isoformat(), x.isoformat(" ", "seconds"), str(dt(2000, 1, 1)), repr(dt(2000, 1, 1, fold=1)))
print(x.astimezone(timezone.utc), x.astimezone(timezone(timedelta(hours=-8))), x.timestamp())
print(x.utctimetuple(), x.timetuple().tm_isdst, x.ctime())
print(x + timedelta(days=400), x - timedelta(seconds=1), x - dt(2021, 1, 1, tzinfo=timezone.utc))
print(dt.combine(date(2020, 1, 1), time(5, tzinfo=tz2)), dt.combine(date(2020, 1, 1), time(5), timezone.utc))
print(dt.fromisoformat("2011-11-04T00:05:23.283+00:00"), dt.fromisoformat("2011-11-04 00:05"),
      dt.fromisoformat("20111104T000523Z"), dt.fromisoformat("2011-W44-5T12"))
print(dt.strptime("2020-05-06 07:08", "%Y-%m-%d %H:%M"), dt.utcfromtimestamp(1e9 + 0.5),
      dt.fromtimestamp(1234567890, timezone.utc), dt.fromtimestamp(-1.25, tz2))
print(x.strftime("%Y-%m-%dT%H:%M:%S.%f%z %Z %%Z"), format(x, "%c"))
print(x == dt(2021, 3, 27, 23, 30, 15, 500, tzinfo=timezone.utc), x > dt(2021, 3, 27, tzinfo=timezone.utc))
print(hash(x) == hash(x.astimezone(timezone.utc)), dt(2000, 1, 1) == date(2000, 1, 1), date(2000, 1, 1).__eq__(dt(2000, 1, 1)))
print(dt.min, dt.max, dt.resolution, x.replace(tzinfo=None, year=1999), x.replace(fold=1).fold)
attempt("naive-aware", lambda: dt(2000, 1, 1) - x)
attempt("naive<aware", lambda: dt(2000, 1, 1) < x)
attempt("dt<date", lambda: dt(2000, 1, 1) < date(2000, 1, 1))
attempt("isoformat sep", lambda: x.isoformat("ab"))
attempt("fromisoformat", lambda: dt.fromisoformat("2011-11-04T25:00"))
attempt("fromisoformat2", lambda: dt.fromisoformat("2011-11-04T00:00+"))
attempt("combine", lambda: dt.combine(1, time()))
attempt("astimezone", lambda: x.astimezone(1))
attempt("overflow", lambda: dt.max + timedelta(1))
attempt("fromtimestamp", lambda: dt.fromtimestamp(1e20))
attempt("fromtimestamp nan", lambda: dt.utcfromtimestamp(float("nan")))

# timezone and tzinfo
print(timezone.utc, repr(timezone.utc), repr(tz2), str(tz2), timezone(timedelta(0)) is timezone.utc)
print(timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(seconds=1)), timezone.min, timezone.max)
print(tz2 == timezone(timedelta(hours=2)), hash(tz2) == hash(timedelta(hours=2)), tz2.fromutc(dt(2000, 1, 1, tzinfo=tz2)))
attempt("tz range", lambda: timezone(timedelta(hours=24)))
attempt("tz type", lambda: timezone(3600))
attempt("tz name", lambda: timezone(timedelta(0), 3))
attempt("tzinfo abstract", lambda: tzinfo().utcoffset(None))
attempt("fromutc", lambda: tz2.fromutc(dt(2000, 1, 1)))


class Fixed(tzinfo):
    def __init__(self, minutes, name):
        self.off = timedelta(minutes=minutes)
        self.name = name

    def utcoffset(self, d):
        return self.off

    def dst(self, d):
        return timedelta(0)

    def tzname(self, d):
        return self.name

    def __reduce__(self):
        return (Fixed, (self.off // timedelta(minutes=1), self.name))


f = Fixed(-90, "X%Y")
y = dt(2000, 6, 1, 12, tzinfo=f)
print(y, y.utcoffset(), y.strftime("%Z|%z"), y.astimezone(timezone.utc), timezone.utc.fromutc(y.replace(tzinfo=timezone.utc)))
print(f.fromutc(dt(2000, 6, 1, 12, tzinfo=f)))


class BadOffset(tzinfo):
    def utcoffset(self, d):
        return 5


attempt("bad utcoffset", lambda: dt(2000, 1, 1, tzinfo=BadOffset()).utcoffset())

# pickling round trips, with CPython's reduce forms
for obj in [timedelta(1, 2, 3), date(2000, 1, 2), time(1, 2, 3, 4, tz2, fold=1), x,
            dt(2000, 1, 1, fold=1), timezone.utc, tz2, y]:
    print(obj.__reduce__() if getattr(obj, "tzinfo", None) is not f else obj.__reduce__()[1][0])
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        z = pickle.loads(pickle.dumps(obj, proto))
        assert z == obj and type(z) is type(obj), (obj, proto)
        if isinstance(obj, (time, dt)):
            assert z.fold == (obj.fold if proto > 3 else 0), (obj, proto)
print(dt(2000, 1, 1, fold=1).__reduce_ex__(4), time(5, fold=1).__reduce_ex__(2))
print(pickle.loads(pickle.dumps(date(2000, 1, 1).isocalendar())))


# subclassing
class MyDate(date):
    def __new__(cls, y, m, d, extra="e"):
        self = date.__new__(cls, y, m, d)
        self.extra = extra
        return self


class MyDT(dt):
    label = "mine"


md = MyDate(2000, 1, 1, "x")
print(type(md).__name__, md.extra, repr(md), type(md + timedelta(1)).__name__, type(md.replace(day=2)).__name__)
print(type(MyDate.fromordinal(5)).__name__, MyDate.fromordinal(5).extra, type(MyDate.fromisoformat("2000-01-01")).__name__)
m = MyDT(2000, 1, 1, 12, tzinfo=tz2)
print(repr(m), type(m - timedelta(1)).__name__, type(m.astimezone(timezone.utc)).__name__, m.label)
print(type(MyDT.combine(date(2000, 1, 1), time())).__name__, type(MyDT.fromtimestamp(0, timezone.utc)).__name__)
print(type(pickle.loads(pickle.dumps(m))).__name__, isinstance(m, date), issubclass(dt, date))


class MyTD(timedelta):
    pass


print(repr(MyTD(1)), type(MyTD(1) + timedelta(1)).__name__, type(MyTD(2) * 2).__name__)
attempt("timezone subclass", lambda: type("TZ", (timezone,), {}))

# strptime with a lone surrogate in the format (the regex engine matches the
# surrogate itself)
import re
print(re.match("a\ud800(b+)", "a\ud800bbc"), re.sub("\udc80", "-", "x\udc80y\udc80"))
print(dt.strptime("2004-12-01\ud80013:02:47.197", "%Y-%m-%d\ud800%H:%M:%S.%f"))
