# time.tzname/timezone/altzone/daylight, recomputed by time.tzset() after TZ changes.
import os
import time

for attr in ("tzname", "timezone", "altzone", "daylight"):
    print(attr, type(getattr(time, attr)).__name__)

for tz in [
    "UTC",
    "EST+05EDT,M3.2.0,M11.1.0",
    "AEST-10AEDT,M10.1.0,M4.1.0/3",
    "IST-05:30",
    "<+0330>-03:30",
    "CET-1CEST,M3.5.0,M10.5.0/3",
]:
    os.environ["TZ"] = tz
    time.tzset()
    print(tz, time.tzname, time.timezone, time.altzone, time.daylight)
    lt = time.localtime(0)
    print(" ", lt.tm_zone, lt.tm_gmtoff, lt.tm_isdst, time.strftime("%Z", lt))
    print(" ", time.mktime((2020, 7, 1, 12, 0, 0, 0, 0, -1)))

del os.environ["TZ"]
time.tzset()
print(isinstance(time.tzname, tuple), len(time.tzname))
try:
    time.tzset(1)
except TypeError as e:
    print("TypeError", e)
