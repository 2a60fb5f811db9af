# sys.setprofile: call/return for Python frames, c_call/c_return/c_exception for builtins and method descriptors
import sys

events = []

def prof(frame, event, arg):
    if event.startswith('c_'):
        a = getattr(arg, '__qualname__', None) or arg.__name__
    elif event == 'return':
        a = repr(arg)
    else:
        a = ''
    events.append(f"{event} {frame.f_code.co_name} {a}".rstrip())
    return 'ignored'

def work(xs):
    n = len(xs)
    xs.append(n)
    s = sorted(xs, key=abs)
    m = max(*s)
    d = {}
    d.setdefault('k', 1)
    try:
        int('x')
    except ValueError:
        pass
    try:
        [].pop()
    except IndexError:
        pass
    isinstance(n, int)
    list.append(xs, 5)
    return m

def gen():
    yield 1
    yield 2

sys.setprofile(prof)
work([3, -1])
list(gen())
sys.setprofile(None)
for e in events:
    print(e)
print(sys.getprofile())

# a raising profile function is removed and its exception propagates
def bad(frame, event, arg):
    if event == 'c_call':
        raise RuntimeError("profile failed")
def f():
    return len([1])
sys.setprofile(bad)
try:
    f()
except RuntimeError as e:
    print("caught", e)
print(sys.getprofile())

# trace and profile together
both = []
def t(frame, event, arg):
    both.append(('trace', event, frame.f_code.co_name))
    return t
def p(frame, event, arg):
    both.append(('prof', event, frame.f_code.co_name))
def g2():
    return abs(-1)
sys.settrace(t)
sys.setprofile(p)
g2()
sys.setprofile(None)
sys.settrace(None)
for b in both:
    print(b)
