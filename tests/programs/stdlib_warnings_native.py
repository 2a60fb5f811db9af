# The native warnings machinery (_warnings): the default filters, the registries of
# the default / module / once actions, warn() with source= and stacklevel,
# warn_explicit, catch_warnings(record=True), warnings as errors, and -W-like filters.
import sys
import warnings
import _warnings

print("same filters:", warnings.filters is _warnings.filters)
print("native warn:", warnings.warn is _warnings.warn)
for f in warnings.filters:
    print(" ", f)

shown = []


def show(message, category, filename, lineno, file=None, line=None):
    shown.append((str(message), category.__name__, lineno))


def report(title):
    print(title, shown)
    del shown[:]


warnings.showwarning = show


def warn_here(text, category=UserWarning, stacklevel=1, source=None):
    warnings.warn(text, category, stacklevel=stacklevel + 1, source=source)


# The default filters: DeprecationWarning shown in __main__ only, the quiet
# categories ignored.
warnings.warn("dep", DeprecationWarning)
warnings.warn("pending", PendingDeprecationWarning)
warnings.warn("import", ImportWarning)
warnings.warn("resource", ResourceWarning)
report("defaults:")

# "default": once per location.
for i in range(3):
    warnings.warn("loop")
warnings.warn("loop")
report("default action:")
print("registry keys:", sorted(k for k in __warningregistry__ if k != "version"))

# "module": once per module; "once": once per process.
warnings.simplefilter("module")
for i in range(2):
    warnings.warn("per module")
warnings.warn("per module")
report("module action:")
warnings.simplefilter("once")
warnings.warn("per process")
warn_here("per process")
report("once action:")

# "always", and the registry's invalidation when the filters change.
warnings.simplefilter("always")
for i in range(2):
    warnings.warn("always")
report("always action:")
warnings.resetwarnings()
for i in range(2):
    warnings.warn("after reset")
report("after reset:")

# stacklevel: the caller's line.
warnings.simplefilter("always")


def outer():
    warn_here("level 2", stacklevel=2)


warn_here("level 1")
outer()
warn_here("too deep", stacklevel=50)
report("stacklevels:")
with warnings.catch_warnings(record=True) as log:
    warnings.simplefilter("default")
    warn_here("too deep", stacklevel=50)
print("too deep:", [(m.filename, m.lineno) for m in log])
print("sys's registry:", sorted(k for k in sys.__warningregistry__ if k != "version"))

# A Warning instance as the message gives the category.
warnings.warn(RuntimeWarning("instance"))
warnings.warn(42)
report("messages:")

# source= reaches WarningMessage.source (it is not the file to write to).
class Resource:
    def __repr__(self):
        return "<Resource>"


with warnings.catch_warnings(record=True) as log:
    warnings.simplefilter("always")
    warnings.warn("unclosed", ResourceWarning, source=Resource())
    warnings.warn("plain")
for m in log:
    print("recorded:", str(m.message), m.category.__name__, m.source, m.file, m.line)
print("filters restored:", warnings.filters is _warnings.filters or len(warnings.filters))

# Errors.
warnings.simplefilter("error", UserWarning)
try:
    warnings.warn("boom")
except UserWarning as e:
    print("raised:", type(e).__name__, e)
try:
    warnings.warn("bad", "not a category")
except TypeError as e:
    print("TypeError:", e)
try:
    warnings.warn_explicit("x", UserWarning, "f.py", 1, registry=42)
except TypeError as e:
    print("TypeError:", e)

# -W-like options (warnings._setoption is what -W uses).
warnings.resetwarnings()
warnings._setoption("ignore::UserWarning")
warnings._setoption("error:spam:RuntimeWarning")
warnings.warn("ignored")
try:
    warnings.warn("spam and eggs", RuntimeWarning)
except RuntimeWarning as e:
    print("-W error:", e)
warnings.warn("eggs", RuntimeWarning)
report("-W options:")

# warn_explicit with an explicit registry and module.
warnings.resetwarnings()
registry = {}
for i in range(2):
    warnings.warn_explicit("explicit", UserWarning, "somefile.py", 7, registry=registry)
warnings.warn_explicit("explicit", UserWarning, "somefile.py", 7, module=None)
report("warn_explicit:")
print("explicit registry:", sorted(k for k in registry if k != "version"))

# Written to stderr by the default showwarning.
warnings.showwarning = warnings._showwarning_orig
warnings.warn("to stderr")
sys.stderr.flush()
print("done")
