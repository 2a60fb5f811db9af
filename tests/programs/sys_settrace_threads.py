# sys.settrace is per thread; threading.settrace/setprofile install functions in threads started afterwards
import sys
import threading

logs = {}

def tracer(frame, event, arg):
    name = threading.current_thread().name
    logs.setdefault(name, []).append((event, frame.f_code.co_name))
    return tracer

def profiler(frame, event, arg):
    name = threading.current_thread().name
    logs.setdefault(name + "-prof", []).append((event, frame.f_code.co_name))

def work(n):
    total = 0
    for i in range(n):
        total += i
    return total

def run_thread(name):
    t = threading.Thread(target=work, args=(2,), name=name)
    t.start()
    t.join()

# A trace function set in the main thread does not trace other threads.
sys.settrace(tracer)
work(1)
sys.settrace(None)
run_thread("plain")
print(sorted(logs))
print(logs["MainThread"])

# threading.settrace: new threads trace their run() and what it calls.
logs.clear()
threading.settrace(tracer)
print(threading.gettrace() is tracer)
run_thread("traced")
threading.settrace(None)
for ev in logs["traced"]:
    if ev[1] == "work":
        print(ev)
print("MainThread" in logs, sys.gettrace())

logs.clear()
threading.setprofile(profiler)
run_thread("profiled")
threading.setprofile(None)
print([ev for ev in logs["profiled-prof"] if ev[1] == "work"])
print(threading.getprofile())

# Two threads tracing at once, each with its own function.
results = {}
def own(tag):
    seen = []
    def t(frame, event, arg):
        if frame.f_code.co_name == "work":
            seen.append(event)
        return t
    sys.settrace(t)
    work(3)
    sys.settrace(None)
    results[tag] = seen
ts = [threading.Thread(target=own, args=(k,)) for k in ("a", "b")]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(results["a"] == results["b"], results["a"][:4], len(results["a"]))
