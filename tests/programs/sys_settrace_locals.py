# sys.settrace: f_locals write-back, f_trace_lines/f_trace_opcodes, settrace(None) inside, local trace functions
import sys

def target():
    a = 1
    b = 2
    c = a + b
    return a, b, c

def setter(frame, event, arg):
    if frame.f_code.co_name != 'target':
        return None
    if event == 'line' and frame.f_lineno == 7:
        loc = frame.f_locals
        loc['a'] = 100
        loc['b'] = 'x' if False else 200
    return setter

sys.settrace(setter)
print(target())
sys.settrace(None)

def closure_target():
    x = 1
    def inner():
        return x
    y = inner()
    return x, y

def cell_setter(frame, event, arg):
    if frame.f_code.co_name == 'closure_target' and event == 'line':
        loc = frame.f_locals
        if 'inner' in loc and loc['x'] == 1:
            loc['x'] = 42
    return cell_setter

sys.settrace(cell_setter)
print(closure_target())
sys.settrace(None)

# f_locals read but not changed: no effect, values kept
def reader(frame, event, arg):
    if frame.f_code.co_name == 'target':
        dict(frame.f_locals)
    return reader
sys.settrace(reader)
print(target())
sys.settrace(None)

# f_trace_lines = False: no line events, other events still come
seen = []
def nolines(frame, event, arg):
    if frame.f_code.co_name == 'target':
        frame.f_trace_lines = False
        seen.append(event)
    return nolines
sys.settrace(nolines)
target()
sys.settrace(None)
print(seen)

# f_trace_opcodes = True: opcode events (lines they fall on, deduplicated)
oplines = []
def opcodes(frame, event, arg):
    if frame.f_code.co_name == 'target':
        frame.f_trace_opcodes = True
        if event == 'opcode':
            if not oplines or oplines[-1] != frame.f_lineno:
                oplines.append(frame.f_lineno)
            assert frame.f_lasti >= 0
    return opcodes
sys.settrace(opcodes)
target()
sys.settrace(None)
print(oplines)
print(type(sys._getframe().f_trace_opcodes), sys._getframe().f_trace_lines)

# settrace(None) from inside the traced code
ev = []
def stopper_tracer(frame, event, arg):
    ev.append((event, frame.f_code.co_name, frame.f_lineno))
    return stopper_tracer
def stops():
    x = 1
    sys.settrace(None)
    y = 2
    return x + y
sys.settrace(stopper_tracer)
stops()
print(ev)
print(sys.gettrace())

# the local trace function: returned by 'call', replaced by a non-None result,
# kept on None
log = []
def second(frame, event, arg):
    log.append(('second', event, frame.f_lineno))
def first(frame, event, arg):
    log.append(('first', event, frame.f_lineno))
    if event == 'line':
        return second
    return first
def glob(frame, event, arg):
    if frame.f_code.co_name == 'target':
        return first
    return None
sys.settrace(glob)
target()
sys.settrace(None)
print(log)

# f_trace set on a running frame before settrace: its lines are traced
flog = []
def ftr(frame, event, arg):
    flog.append((event, frame.f_code.co_name, frame.f_lineno))
    return ftr
def running():
    f = sys._getframe()
    f.f_trace = ftr
    sys.settrace(lambda *a: None)
    q = 1
    q += 1
    sys.settrace(None)
    return q
running()
print(flog)
print(sys._getframe().f_trace)
