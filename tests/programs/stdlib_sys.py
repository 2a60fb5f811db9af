# sys: argv, version_info, maxsize, modules, recursion limit, getrefcount, byteorder, exc_info, exit codes caught.
import sys
print(sys.argv[0].endswith("stdlib_sys.py"), len(sys.argv), type(sys.argv).__name__)
print(sys.version_info[:2], sys.version_info.major, sys.version_info.minor, sys.version_info >= (3, 8), type(sys.version_info.micro).__name__, sys.version_info.releaselevel)
print(sys.version.startswith("3.11"), type(sys.version).__name__)
print(sys.maxsize, sys.maxsize == 2**63 - 1, sys.byteorder, sys.platform.startswith("linux"))
print("sys" in sys.modules, sys.modules["sys"] is sys, type(sys.modules).__name__)
import math
print("math" in sys.modules, sys.modules["math"] is math, sys.modules.get("no_such_module"))
old = sys.getrecursionlimit()
print(old)
sys.setrecursionlimit(2000)
print(sys.getrecursionlimit())
sys.setrecursionlimit(old)
for bad in (0, -5):
    try:
        sys.setrecursionlimit(bad)
    except ValueError as e:
        print(type(e).__name__, e)
try:
    sys.setrecursionlimit("x")
except TypeError as e:
    print(type(e).__name__, e)
def depth(n):
    return depth(n + 1)
try:
    depth(0)
except RecursionError as e:
    print(type(e).__name__, e)
def limited(n):
    return n if n == 0 else limited(n - 1)
print(limited(500))
x = object()
base = sys.getrefcount(x)
holder = [x, x, x]
print(sys.getrefcount(x) - base)
del holder
print(sys.getrefcount(x) - base)
print(sys.exc_info())
try:
    raise KeyError("k")
except KeyError:
    t, v, tb = sys.exc_info()
    print(t.__name__, repr(v), tb is not None)
print(sys.exc_info()[0])
for code in (None, 0, 3, "message", (1, 2)):
    try:
        sys.exit(code) if code is not None else sys.exit()
    except SystemExit as e:
        print("SystemExit", repr(e.code), e.args)
try:
    raise SystemExit(7)
except SystemExit as e:
    print(e.code)
print(isinstance(sys.path, list), all(isinstance(p, str) for p in sys.path), isinstance(sys.executable, str))
print(sys.intern("abc") == "abc", sys.intern("ab" + "c") is sys.intern("abc"))
print(sys.getsizeof(1) > 0, sys.float_info.max, sys.float_info.epsilon, sys.float_info.dig, sys.int_info.bits_per_digit > 0, sys.hash_info.width)
