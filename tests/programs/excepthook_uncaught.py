# An uncaught exception goes through sys.excepthook (CPython's PyErr_Print):
# a replaced hook runs instead of the default report, sys.last_* are set, a
# hook that raises is reported with the original, SystemExit from the hook
# gives the exit status, and the default hook writes to the current
# sys.stderr object.
import subprocess
import sys

CASES = {
    "replaced hook": """
import sys
def hook(t, v, tb):
    print("hook:", t.__name__, v, tb.tb_lineno, sys.last_value is v)
sys.excepthook = hook
raise ValueError("boom")
""",
    "hook raises": """
import sys
def hook(t, v, tb):
    raise RuntimeError("bad hook")
sys.excepthook = hook
raise ValueError("x")
""",
    "hook exits": """
import sys
def hook(t, v, tb):
    sys.exit(7)
sys.excepthook = hook
raise KeyError("k")
""",
    "hook missing": """
import sys
del sys.excepthook
1/0
""",
    "stderr is None": """
import sys
sys.stderr = None
1/0
""",
    "default hook writes to sys.stderr": """
import io, sys
buf = io.StringIO()
sys.stderr, old = buf, sys.stderr
try:
    undefined_name
except NameError:
    sys.__excepthook__(*sys.exc_info())
sys.stderr = old
print(buf.getvalue().splitlines())
""",
    "SystemExit with a message": """
raise SystemExit("bye")
""",
}

for name, source in CASES.items():
    r = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True)
    print(f"== {name}: status {r.returncode}")
    print("stdout:", r.stdout.splitlines())
    print("stderr:", r.stderr.splitlines())
