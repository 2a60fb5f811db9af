# os.environ as a mapping of the process environment; process facts.
import os

KEY = "STRAND_OS_TEST_VAR"
print(KEY in os.environ, os.getenv(KEY), os.getenv(KEY, "dflt"), os.environ.get(KEY))
os.environ[KEY] = "value 1"
print(KEY in os.environ, os.environ[KEY], os.getenv(KEY))
os.environ[KEY] = "value 2"
print(os.environ[KEY], os.environ.setdefault(KEY, "ignored"))
copy = os.environ.copy()
print(type(copy).__name__, copy[KEY])
del os.environ[KEY]
print(KEY in os.environ, os.environ.get(KEY, "gone"), KEY in copy)
try:
    os.environ[KEY]
except KeyError as e:
    print("KeyError", e)
try:
    del os.environ[KEY]
except KeyError as e:
    print("KeyError", e)
for bad in [lambda: os.environ.__setitem__(KEY, 5), lambda: os.environ.__setitem__(5, "x")]:
    try:
        bad()
    except TypeError as e:
        print("TypeError", e)
os.environ.update({KEY: "u"})
print(os.environ.pop(KEY), os.environ.pop(KEY, "missing"))
print(os.environ.setdefault(KEY, "set"), os.environ[KEY])
del os.environ[KEY]
print(len(os.environ) == len(list(os.environ)), "PATH" in os.environ or True)
print(type(os.getpid()).__name__, os.getpid() > 0, os.getpid() == os.getpid())
n = os.cpu_count()
print(type(n).__name__, n >= 1)
r = os.urandom(16)
print(type(r).__name__, len(r), len(os.urandom(0)), os.urandom(8) != os.urandom(8))
print(os.getcwd() == os.path.abspath("."), os.fspath("p"), os.fspath(b"q"))


class P:
    def __fspath__(self):
        return "os_environ_misc.tmp"


with open(P(), "w") as f:
    f.write("via fspath")
print(os.path.exists(P()), os.path.getsize(P()))
os.remove(P())
print(os.path.exists("os_environ_misc.tmp"))
try:
    os.fspath(3)
except TypeError as e:
    print("TypeError", e)
