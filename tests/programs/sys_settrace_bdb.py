# bdb (CPython's Lib/bdb.py) on sys.settrace: breakpoints, step, next, return, continue, f_locals edits; inspect is stood in for (it needs _ast)
import sys
import types

# bdb needs only three constants from inspect, whose own import needs the _ast
# module: a stand-in keeps this test about tracing.
sys.modules.setdefault('inspect', types.SimpleNamespace(
    CO_GENERATOR=0x20, CO_COROUTINE=0x80, CO_ASYNC_GENERATOR=0x200))
import bdb
import linecache
import os

# Bdb.set_break checks the line through linecache; its source is given here (no
# modification time: never re-read), since reading files through tokenize.open
# needs a writable TextIOWrapper.mode, which strand's _io lacks.
_path = os.path.abspath(__file__)
with open(_path) as _f:
    _lines = _f.readlines()
linecache.cache[_path] = (sum(map(len, _lines)), None, _lines, _path)

def compute(n):
    total = 0
    for i in range(n):
        total += square(i)
    return total

def square(x):
    y = x * x
    return y

def gen(n):
    for i in range(n):
        yield i * 10

def uses_gen():
    out = []
    for v in gen(2):
        out.append(v)
    return out

class Script(bdb.Bdb):
    """Drives the debugger with a list of commands instead of a prompt."""
    def __init__(self, commands):
        super().__init__()
        self.commands = list(commands)
        self.log = []

    def canonic(self, filename):
        # Bdb.canonic without os.path.normcase (the identity on POSIX), which
        # strand's frozen posixpath lacks.
        return filename if filename.startswith('<') else os.path.abspath(filename)

    def where(self, frame):
        return f"{frame.f_code.co_name}:{frame.f_lineno}"

    def next_command(self, frame):
        cmd = self.commands.pop(0) if self.commands else 'continue'
        self.log.append(cmd)
        if cmd == 'step':
            self.set_step()
        elif cmd == 'next':
            self.set_next(frame)
        elif cmd == 'return':
            self.set_return(frame)
        elif cmd.startswith('set '):
            _, name, value = cmd.split()
            frame.f_locals[name] = int(value)
            self.set_next(frame)
        else:
            self.set_continue()

    def user_call(self, frame, args):
        self.log.append(('call', self.where(frame)))
        self.next_command(frame)

    def user_line(self, frame):
        self.log.append(('line', self.where(frame), sorted(
            k for k in frame.f_locals if not k.startswith('__'))))
        self.next_command(frame)

    def user_return(self, frame, value):
        self.log.append(('return', self.where(frame), value))
        self.next_command(frame)

    def user_exception(self, frame, exc_info):
        self.log.append(('exception', self.where(frame), exc_info[0].__name__))
        self.next_command(frame)

# Break in square, step around, change a local.
d = Script(['step', 'set total 100', 'return', 'next', 'continue'])
d.set_break(__file__, compute.__code__.co_firstlineno + 3)
print(d.runcall(compute, 3))
for entry in d.log:
    print(entry)
d.clear_all_breaks()

# Step through everything from the start.
d = Script(['step'] * 12)
print(d.runcall(square, 4))
for entry in d.log:
    print(entry)

# Generators: step into and over.
d = Script(['step'] * 8 + ['next'] * 6)
print(d.runcall(uses_gen))
for entry in d.log:
    print(entry)

# A breakpoint with a condition, and an exception passing through.
def fails(k):
    z = k + 1
    raise KeyError(z)

def catches():
    try:
        fails(1)
    except KeyError as e:
        return repr(e)

d = Script(['step'] * 5)
d.set_break(__file__, fails.__code__.co_firstlineno + 1, cond='k == 1')
print(d.runcall(catches))
for entry in d.log:
    print(entry)
print(sys.gettrace())
