# Per-module import locks: eight threads importing one slow module at once all see it
# complete (none sees the partly initialised module) and its code runs once; two
# threads importing two modules that import each other finish (no deadlock).
import os, sys, threading

d = "/tmp/strand-import-locks-%d" % os.getpid()
os.mkdir(d)
with open(os.path.join(d, "slowmod.py"), "w") as f:
    f.write(
        "import sys, time\n"
        "sys._slow_runs = getattr(sys, '_slow_runs', 0) + 1\n"
        "time.sleep(0.2)\n"
        "total = sum(range(100000))\n"
        "DONE = True\n"
    )
with open(os.path.join(d, "cyc_a.py"), "w") as f:
    f.write("import time\ntime.sleep(0.1)\nimport cyc_b\nA = 1\n")
with open(os.path.join(d, "cyc_b.py"), "w") as f:
    f.write("import time\ntime.sleep(0.1)\nimport cyc_a\nB = 2\n")
sys.path.insert(0, d)

results = []
barrier = threading.Barrier(8)
def importer():
    barrier.wait()
    import slowmod
    results.append((slowmod.DONE, slowmod.total))
ts = [threading.Thread(target=importer) for _ in range(8)]
for t in ts: t.start()
for t in ts: t.join()
print(len(results), set(results), sys._slow_runs)

def imp(name):
    __import__(name)
t1 = threading.Thread(target=imp, args=("cyc_a",))
t2 = threading.Thread(target=imp, args=("cyc_b",))
t1.start(); t2.start(); t1.join(); t2.join()
import cyc_a, cyc_b
print(cyc_a.A, cyc_b.B)
for name in ("slowmod.py", "cyc_a.py", "cyc_b.py"):
    os.unlink(os.path.join(d, name))
os.rmdir(d)
