# sys.settrace with hot (JIT-compiled) loops: traced frames run in the interpreter; tracing starts and stops mid-loop
import sys

def hot(n):
    s = 0
    for i in range(n):
        s += i
    return s

for _ in range(3):
    hot(2000)

events = []
def tr(frame, event, arg):
    if frame.f_code.co_name in ('hot', 'mid'):
        events.append((event, frame.f_code.co_name, frame.f_lineno))
    return tr

sys.settrace(tr)
print(hot(3))
sys.settrace(None)
print(len(events), events[:6], events[-3:])
print(hot(2000))

def mid(n):
    f = sys._getframe()
    f.f_trace = tr
    s = 0
    for i in range(n):
        if i == n - 3:
            sys.settrace(tr)
        s += i
    sys.settrace(None)
    return s

events.clear()
print(mid(3000))
print(events)

def stop_mid(n):
    s = 0
    for i in range(n):
        if i == 2:
            sys.settrace(None)
        s += i
    return s
events.clear()
def tr2(frame, event, arg):
    events.append((event, frame.f_code.co_name, frame.f_lineno))
    return tr2
sys.settrace(tr2)
print(stop_mid(5000))
print(events)
