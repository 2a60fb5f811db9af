# faulthandler: enable/disable/is_enabled, dump_traceback to a file (one thread and
# all threads), dump_traceback_later with its timeout header, fatal-signal report.
import faulthandler
import os
import re
import subprocess
import sys
import tempfile
import threading

print(faulthandler.is_enabled(), faulthandler.disable())
faulthandler.enable()
print(faulthandler.is_enabled())
print(faulthandler.disable(), faulthandler.is_enabled())
with tempfile.TemporaryFile("w+") as f:
    faulthandler.enable(file=f)
    print(faulthandler.is_enabled())
    faulthandler.disable()

for bad in (-1, "x"):
    try:
        faulthandler.enable(file=bad)
    except (ValueError, AttributeError, TypeError) as e:
        print(type(e).__name__, e)

def norm(text):
    text = re.sub(r"0x[0-9a-f]{16}", "0xTID", text)
    return text.replace(__file__, "HERE")

def inner(f, all_threads):
    faulthandler.dump_traceback(f, all_threads=all_threads)

def outer(f, all_threads):
    inner(f, all_threads)

for all_threads in (False, True):
    with tempfile.TemporaryFile("w+") as f:
        outer(f, all_threads)
        f.seek(0)
        print(norm(f.read()), end="")

# Another thread, blocked on an event, appears in the all-threads dump.
ev = threading.Event()
def waiter():
    ev.wait()
t = threading.Thread(target=waiter)
t.start()
# The thread may not have reached ev.wait() yet: dump until it has.
import time
for _ in range(200):
    with tempfile.TemporaryFile("w+") as f:
        faulthandler.dump_traceback(f, all_threads=True)
        f.seek(0)
        text = norm(f.read())
    if "in wait\n" in text:
        break
    time.sleep(0.01)
ev.set()
t.join()
print(text.count("Thread 0xTID"), text.count("Current thread 0xTID"))
print("in waiter" in text, "in wait\n" in text)

for bad in (0, -1.5):
    try:
        faulthandler.dump_traceback_later(bad)
    except ValueError as e:
        print("ValueError", e)
faulthandler.dump_traceback_later(60)
faulthandler.cancel_dump_traceback_later()
faulthandler.cancel_dump_traceback_later()

child = r"""
import faulthandler, time, sys
def sleeper():
    time.sleep(5)
faulthandler.dump_traceback_later(0.25, exit=True)
sleeper()
print("not reached")
"""
r = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
out = norm(r.stderr).splitlines()
print(r.returncode, out[0], out[1])
print([l for l in out if "sleeper" in l])

for all_threads in (True, False):
    child = f"""
import faulthandler
def crash():
    faulthandler._sigsegv()
faulthandler.enable(all_threads={all_threads})
crash()
"""
    r = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
    print(r.returncode, norm(r.stderr).splitlines())

# After disable() the signal does what it did before enable(): no report, and the
# process still dies of it.
r = subprocess.run([sys.executable, "-c",
                    "import faulthandler; faulthandler.enable(); faulthandler.disable(); "
                    "faulthandler._sigsegv()"], capture_output=True, text=True)
print(r.returncode, "Fatal Python error" in r.stderr)
env = dict(os.environ, PYTHONFAULTHANDLER="1")
code = "import faulthandler; print(faulthandler.is_enabled())"
print(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout.strip())
env.pop("PYTHONFAULTHANDLER")
print(subprocess.run([sys.executable, "-X", "faulthandler", "-c", code], env=env,
                     capture_output=True, text=True).stdout.strip())
