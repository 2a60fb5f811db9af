# time: clocks (monotonic, ordering, units), sleep, gmtime/localtime/mktime/strftime/asctime/ctime, struct_time, errors.
import time
t0, m0, p0, n0 = time.time(), time.monotonic(), time.perf_counter(), time.time_ns()
time.sleep(0.05)
t1, m1, p1, n1 = time.time(), time.monotonic(), time.perf_counter(), time.time_ns()
print(type(t0).__name__, type(n0).__name__, type(time.monotonic_ns()).__name__, type(time.perf_counter_ns()).__name__)
print(0.04 < m1 - m0 < 1.0, 0.04 < p1 - p0 < 1.0, 0.03 < t1 - t0 < 1.0, 40_000_000 < n1 - n0 < 1_000_000_000)
print(abs(time.time_ns() / 1e9 - time.time()) < 0.5, time.time() > 1.6e9, time.monotonic() <= time.monotonic())
print(time.process_time() >= 0, time.thread_time() >= 0)
time.sleep(0); time.sleep(False)
for bad in (-1, "1", None, float("nan")):
    try:
        time.sleep(bad)
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
g = time.gmtime(0)
print(g, tuple(g), g.tm_year, g.tm_mon, g.tm_wday, g.tm_yday, len(g), g[0], g[-1], isinstance(g, tuple))
g2 = time.gmtime(1234567890.9)
print(g2, type(g2).__name__, time.struct_time.__name__, g2.n_fields if hasattr(g2, "n_fields") else 9)
print(time.strftime("%Y-%m-%d %H:%M:%S", g2), time.strftime("%a %A %b %B %j %U %w %y %%", g2), time.strftime("", g2))
print(time.asctime(g2), time.asctime(time.gmtime(-86400 * 365)), time.gmtime(951782400)[:3], time.gmtime(4102444800)[:6])
print(time.strftime("%Y", (2024, 0, 0, 0, 0, 0, 0, 0, 0)), time.asctime((2000, 1, 1, 0, 0, 0, 5, 1, 0)))
lt = time.localtime(1_000_000_000)
print(time.mktime(lt), time.mktime(time.localtime(1_700_000_000)) == 1_700_000_000, len(time.localtime()), time.localtime(0.5)[:9] == time.localtime(0)[:9])
print(time.ctime(1_000_000_000) == time.asctime(time.localtime(1_000_000_000)), type(time.ctime()).__name__)
for bad in [(2020, 13, 1, 0, 0, 0, 0, 1, 0), (2020, 1, 32, 0, 0, 0, 0, 1, 0), (2020, 1, 1, 24, 0, 0, 0, 1, 0), (1, 2, 3), "x"]:
    try:
        time.strftime("%Y", bad)
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
try:
    g.tm_year = 5
except AttributeError as e:
    print(type(e).__name__)
print(g.tm_zone, g2.tm_gmtoff, lt.tm_zone == time.localtime(1_000_000_000).tm_zone)
