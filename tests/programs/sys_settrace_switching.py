# sys.settrace turned on and off from code called by native functions, inside a trace function (sys.call_tracing), and by a generator
import sys

log = []
def tr(frame, event, arg):
    log.append((event, frame.f_code.co_name, frame.f_lineno - frame.f_code.co_firstlineno))
    return tr

def turn_on(x):
    sys.settrace(tr)
    return x

def outer():
    sys._getframe().f_trace = tr
    vals = list(map(turn_on, [1]))
    a = 1
    b = a + 1
    sys.settrace(None)
    return b

outer()
print(log)

# sys.call_tracing: code called from a trace function is traced again
log.clear()
def helper(v):
    w = v * 2
    return w
inner_log = []
def tr2(frame, event, arg):
    if frame.f_code.co_name == 'target2' and event == 'call':
        r = sys.call_tracing(helper, (5,))
        inner_log.append(r)
    log.append((event, frame.f_code.co_name))
    return tr2
def target2():
    return 1
sys.settrace(tr2)
target2()
sys.settrace(None)
print(inner_log, log)
try:
    sys.call_tracing(helper, [1])
except TypeError as e:
    print(e)

# a generator that turns tracing on: its frame traces from its next resumption
log.clear()
def g():
    sys.settrace(tr)
    yield 1
    yield 2
def consumer():
    total = 0
    for v in g():
        total += v
    sys.settrace(None)
    return total
print(consumer())
print(log)

# sys.call_tracing lets the called code turn tracing on for itself (pdb's debug)
log.clear()
def nested(v):
    sys.settrace(tr)
    w = v + 1
    return w
def tr3(frame, event, arg):
    if frame.f_code.co_name == 'target3' and event == 'call':
        print(sys.call_tracing(nested, (1,)), sys.gettrace() is tr)
        sys.settrace(tr3)
    return tr3
def target3():
    return 3
sys.settrace(tr3)
target3()
sys.settrace(None)
print(log)
