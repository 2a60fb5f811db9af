# sys.get/set_coroutine_origin_tracking_depth and cr_origin; the never-awaited
# warning lists the creating frames while tracking is on.
import gc
import sys
import warnings

async def corofn():
    pass

print(sys.get_coroutine_origin_tracking_depth())
c = corofn()
print(c.cr_origin)
c.close()

def a1():
    return corofn()

def a2():
    return a1()

for depth in (1, 2, 3, 100):
    sys.set_coroutine_origin_tracking_depth(depth)
    print(sys.get_coroutine_origin_tracking_depth())
    c = a2()
    print([(f.rsplit("/", 1)[-1], l, n) for f, l, n in c.cr_origin])
    c.close()
sys.set_coroutine_origin_tracking_depth(0)
c = a2()
print(c.cr_origin)
c.close()

for bad in (-1, "x", 2**40):
    try:
        sys.set_coroutine_origin_tracking_depth(bad)
    except (ValueError, TypeError, OverflowError) as e:
        print(type(e).__name__, e)
sys.set_coroutine_origin_tracking_depth(depth=0)

def check(depth):
    sys.set_coroutine_origin_tracking_depth(depth)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        a2()
        gc.collect()
    sys.set_coroutine_origin_tracking_depth(0)
    for x in w:
        print(x.category.__name__, str(x.message).replace(__file__, "HERE"))

check(0)
check(1)
check(2)

# A broken warnings._warn_unawaited_coroutine is reported as unraisable, and the
# plain warning still goes through the warnings filters.
orig = warnings._warn_unawaited_coroutine
seen = []
old_hook = sys.unraisablehook
sys.unraisablehook = lambda u: seen.append((u.exc_type.__name__, type(u.object).__name__))
try:
    warnings._warn_unawaited_coroutine = lambda coro: 1 / 0
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        corofn()
        gc.collect()
    print(seen, [str(x.message) for x in w])
    del warnings._warn_unawaited_coroutine
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        corofn()
        gc.collect()
    print([(x.category.__name__, str(x.message)) for x in w])
finally:
    warnings._warn_unawaited_coroutine = orig
    sys.unraisablehook = old_hook
